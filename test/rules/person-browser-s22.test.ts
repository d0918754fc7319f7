// Session 22 (person-browser): a person who calls a web app over HTTP(S) with no browser drawn is in a browser, so
// cross-site scripting, CSRF and SSL stripping reach what they call, as with `tech: browser` (a review found an
// admin panel that staff use with a session cookie getting none of them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const WEB_RULES = ['cross-site-scripting', 'cross-site-request-forgery', 'missing-hsts'];
const model = (who: string, protocol = 'https') =>
  'boundaries:\n  internet: { trust: untrusted }\nassets:\n  pii: { name: PII, type: pii, classification: confidential }\n' +
  `elements:\n  who: { ${who}, in: internet }\n` +
  '  web: { tech: django, auth: session-cookie, handles: [pii], endpoints: { "POST /profile": { accepts: [pii] }, "GET /profile": { returns: [pii] } } }\n' +
  `flows:\n  - who -> web: ${protocol}\n`;
const found = (text: string) => threatsIn(text, ...WEB_RULES).map((t) => t.ruleId).sort();

describe('a person calling a web app over HTTP(S) is in a browser', () => {
  it('gets the browser\'s threats, as a drawn browser does', () => {
    assert.deepEqual(found(model('type: user')), [...WEB_RULES].sort());
    assert.deepEqual(found(model('type: support-staff')), found(model('tech: browser')));
  });

  it('not over another protocol, and not a system (a partner) calling the same app', () => {
    assert.deepEqual(found(model('type: developer', 'ssh')), []);
    assert.deepEqual(found(model('type: third-party')), []);
  });
});
