// Session 23 (late1): broken-object-level-authorization takes an external caller of no `type` (what `threatmap
// discover` writes for outside callers) for anyone, people included, not for a partner whose credential it takes;
// admin-without-mfa names a route for what it is, not a login.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const BOLA = 'broken-object-level-authorization';

/** The review's repro (/tmp/s23-review-E/m5): outside clients reach an id-taking jwt route through nginx. */
const orders = (clients: string) =>
  'boundaries:\n  outside: { name: Outside, trust: untrusted }\n  app: { name: App, trust: internal }\n' +
  `elements:\n  clients: { name: Outside clients, ${clients}in: outside }\n  web: { tech: nginx, in: app }\n` +
  '  orders:\n    type: service\n    in: app\n    auth: jwt\n    endpoints:\n      GET /orders/{order_id}: {}\n' +
  'flows:\n  - clients -> web: https\n  - web -> orders: http\n';

const bola = (clients: string) => threatsIn(orders(clients), BOLA);

describe('broken-object-level-authorization: an untyped external caller is anyone', () => {
  it('an external of no type calling through a proxy: any user changes the id, High as for people', () => {
    const [t, ...rest] = bola('kind: external, ');
    assert.equal(rest.length, 0);
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /any user can change the id/);
    assert.doesNotMatch(t.description, /called by Outside clients/);
    assert.equal(t.likelihood.level, bola('type: user, ')[0].likelihood.level);
  });

  it('a typed third party or device still needs its credential: Medium', () => {
    for (const typed of ['type: third-party, ', 'type: device, ', 'tech: auth0, ']) {
      const [t] = bola(typed);
      assert.equal(t.likelihood.level, 'Medium', typed);
      assert.match(t.likelihood.reason, /needs the credential of Outside clients/, typed);
    }
  });

  it('per-user data returned: the same split between an untyped caller and a partner', () => {
    const text = (clients: string) =>
      orders(clients).replace('      GET /orders/{order_id}: {}\n', '      GET /orders/{order_id}: { returns: [orders] }\n')
        .replace('elements:', 'assets:\n  orders: { name: Orders, type: pii, classification: confidential }\nelements:');
    const untyped = threatsIn(text('kind: external, '), BOLA);
    assert.equal(untyped.length, 1);
    assert.equal(untyped[0].likelihood.level, 'High');
    assert.match(untyped[0].title, /^Other users' Orders reachable/);
    const partner = threatsIn(text('type: third-party, '), BOLA);
    assert.equal(partner.length, 1);
    assert.equal(partner[0].likelihood.level, 'Medium');
    assert.match(partner[0].title, /^Any user's Orders reachable/);
  });
});

describe('admin-without-mfa: the title names an admin route, not a login', () => {
  const admin = (route: string, auth: string) =>
    'boundaries:\n  corp: { trust: internal }\n' +
    'elements:\n  ops: { type: admin, tech: browser, in: corp }\n' +
    `  api:\n    type: api\n    in: corp\n    endpoints:\n      ${route}: { auth: ${auth}, kind: admin, controls: [vpn] }\n` +
    'flows:\n  - ops -> api: https\n';

  it('a delete route is admin access, not an admin login', () => {
    const titles = threatsIn(admin('DELETE /admin/videos/{video_id}', 'jwt'), 'admin-without-mfa').map((t) => t.title);
    assert.deepEqual(titles, ['Admin access to DELETE /admin/videos/{video_id} without MFA']);
    assert.ok(titles.every((t) => !/login/i.test(t)));
  });

  it('a key credential reads the same way; MFA on the route leaves no threat', () => {
    assert.deepEqual(threatsIn(admin('/admin', 'mtls'), 'admin-without-mfa').map((t) => t.title), ['Admin access to /admin without MFA']);
    assert.deepEqual(threatsIn(admin('/admin', 'password').replace('controls: [vpn]', 'controls: [vpn, mfa]'), 'admin-without-mfa'), []);
  });
});
