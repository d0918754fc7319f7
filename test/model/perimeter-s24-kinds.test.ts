// Session 24 (perimeter): WordPress, Joomla, Drupal and PHP/ASP.NET/JSP admin and login paths were inferred kind
// `api`; a `wp-` prefix or a `.php`, `.asp(x)` or `.jsp` suffix keeps the admin and login words (catalog.ts
// ENDPOINT_PATH_HINTS).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferEndpointKind } from '../../src/model/normalize.js';
import { analyzeText, MODEL_HEAD, threatsOf } from '../rules/harness.js';

describe('inferEndpointKind: CMS and script-file admin and login paths', () => {
  it('knows WordPress, Joomla and script-file admin paths as admin', () => {
    for (const path of ['/wp-admin', '/wp-admin/', '/wp-admin/post.php', '/admin.php', '/administrator', '/administrator/index.php', '/Admin.aspx', '/admin.jsp', '/console.php']) {
      assert.equal(inferEndpointKind(path), 'admin', path);
    }
  });

  it('knows WordPress, Drupal and script-file login paths as login', () => {
    for (const path of ['/wp-login.php', '/login.php', '/user/login', '/Login.aspx', '/signin.jsp', '/login.asp']) {
      assert.equal(inferEndpointKind(path), 'login', path);
    }
  });

  it('leaves words that only start like them, the WordPress REST API and logging out alone', () => {
    assert.equal(inferEndpointKind('/administrative-regions'), 'api');
    assert.equal(inferEndpointKind('/administrators'), 'api');
    assert.equal(inferEndpointKind('/wp-json/wp/v2/posts'), 'api');
    assert.equal(inferEndpointKind('/loginfo'), 'api');
    assert.equal(inferEndpointKind('/login.phpx'), 'api');
    assert.equal(inferEndpointKind('/wp-content/themes'), 'api');
    // Ending a session stays a plain call, with a script suffix too, even under a session path.
    for (const path of ['/logout.php', '/session/logout.php', '/SignOut.aspx']) assert.equal(inferEndpointKind(path), 'api', path);
  });

  it('puts an agency-hosted WordPress admin behind the admin rules', () => {
    const text = `${MODEL_HEAD}boundaries:
  internet: { trust: untrusted }
elements:
  visitor: { tech: browser, in: internet }
  website:
    type: web-app
    tech: php
    exposed: true
    endpoints:
      /wp-login.php: { public: true }
      /wp-admin: { auth: password }
flows:
  - visitor -> website: https
`;
    const result = analyzeText(text);
    assert.deepEqual(threatsOf(text, 'exposed-admin-interface').map((t) => t.endpoint), ['website:/wp-admin']);
    assert.ok(threatsOf(text, 'credential-stuffing').some((t) => t.endpoint === 'website:/wp-login.php'));
    assert.deepEqual(result.elements.find((e) => e.id === 'website')?.endpoints.map((ep) => `${ep.key} ${ep.kind}`), ['/wp-login.php login', '/wp-admin admin']);
  });
});
