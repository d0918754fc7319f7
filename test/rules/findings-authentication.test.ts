// Authentication and human-factor findings checked against the facts of small models: a finding names
// exactly the paths that lack the control, one missing control on one subject is one finding, and the
// ratings and places named are those of the model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { privilegedUserPhishing } from '../../src/analysis/rules/human.js';
import { runOnly, threatsOf } from './harness.js';

const model = (body: string) => `threatmap: 1\nsystem: { name: Auth }\n${body}`;
const PII = 'assets:\n  pii: { type: pii, classification: confidential }\n';

describe('authentication findings', () => {
  it('name only the callers that carry no authentication, and say which callers do (missing-authentication)', () => {
    const [partial, ...more] = threatsOf(model(`${PII}elements:\n  visitor: { tech: browser }\n  kiosk: { type: user }\n  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> app: { protocol: https, auth: jwt }\n  - kiosk -> app: https\n`), 'missing-authentication');
    assert.ok(partial);
    assert.equal(more.length, 0);
    assert.equal(partial.title, 'No authentication on calls from kiosk to app');
    assert.equal(partial.description, 'app handles pii and is reachable from the internet; calls from visitor are authenticated, but calls from kiosk carry no authentication on the way: anyone can call it that way, as anyone.');
    assert.deepEqual(partial.evidence.map((e) => e.fact), [
      'app declares no auth and is reachable from the internet',
      'kiosk -> app carries no authentication',
      'visitor -> app is authenticated on the way in',
    ]);
    assert.deepEqual(partial.flows, ['kiosk->app']);
    // No caller authenticates: the finding says so, and names every open path.
    const [none] = threatsOf(model(`${PII}elements:\n  visitor: { tech: browser }\n  kiosk: { type: user }\n  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> app: https\n  - kiosk -> app: https\n`), 'missing-authentication');
    assert.ok(none);
    assert.equal(none.title, 'No authentication in front of app');
    assert.match(none.description, /nothing on the way authenticates the caller/);
    assert.deepEqual(none.evidence.map((e) => e.fact), [
      'app declares no auth and is reachable from the internet',
      'visitor -> app carries no authentication',
      'kiosk -> app carries no authentication',
    ]);
    assert.deepEqual(none.flows, ['visitor->app', 'kiosk->app']);
  });

  it('leave a partner\'s or a device\'s unauthenticated call to the rule made for it (missing-authentication)', () => {
    const partner = threatsOf(model('assets:\n  orders: { type: business, classification: confidential }\nelements:\n  carrier: { type: third-party }\n  api: { type: api, handles: [orders] }\nflows:\n  - carrier -> api: https\n'),
      'missing-authentication', 'unauthenticated-partner-call');
    assert.deepEqual(partner.map((t) => `${t.ruleId}: ${t.title}`), ['unauthenticated-partner-call: Unauthenticated calls from carrier to api']);
    const device = threatsOf(model('assets:\n  readings: { classification: restricted }\nelements:\n  sensor: { type: device }\n  ingest: { type: service, handles: [readings] }\nflows:\n  - sensor -> ingest: { protocol: https, data: [readings] }\n'),
      'missing-authentication', 'unauthenticated-device');
    assert.deepEqual(device.map((t) => `${t.ruleId}: ${t.title}`), ['unauthenticated-device: Unauthenticated devices send data to ingest']);
    // A service that authenticates nobody, the browser included: one finding, which names the partner and the device too.
    const mixed = threatsOf(model(`${PII}elements:\n  visitor: { tech: browser }\n  carrier: { type: third-party }\n  sensor: { type: device }\n  api: { type: api, handles: [pii] }\nflows:\n  - visitor -> api: https\n  - carrier -> api: https\n  - sensor -> api: https\n`),
      'missing-authentication', 'unauthenticated-partner-call', 'unauthenticated-device');
    assert.deepEqual(mixed.map((t) => t.ruleId), ['missing-authentication']);
    assert.deepEqual(mixed[0].flows, ['visitor->api', 'carrier->api', 'sensor->api']);
    assert.deepEqual(mixed[0].evidence.map((e) => e.fact), [
      'api declares no auth and is reachable from the internet',
      'visitor -> api carries no authentication', 'carrier -> api carries no authentication', 'sensor -> api carries no authentication',
    ]);
  });

  it('report an admin without MFA once: the admin endpoint\'s rule owns flows that reach only admin endpoints', () => {
    const rules = ['admin-without-mfa', 'privileged-user-phishing'];
    const adminOnly = threatsOf(model('elements:\n  ops: { type: admin, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /admin: { auth: password, controls: [vpn] }\nflows:\n  - ops -> api: https\n'), ...rules);
    assert.deepEqual(adminOnly.map((t) => `${t.ruleId}: ${t.title}`), ['admin-without-mfa: Admin access to /admin without MFA']);
    // The same person also reaches an ordinary endpoint: that access is phishing's.
    const mixed = threatsOf(model('elements:\n  ops: { type: admin, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /admin: { auth: password, controls: [vpn] }\n      /orders: { auth: password }\nflows:\n  - ops -> api: https\n'), ...rules);
    assert.deepEqual(mixed.map((t) => t.ruleId).sort(), rules);
    const tools = threatsOf(model('elements:\n  ops: { type: admin }\n  tools: { type: service }\nflows:\n  - ops -> tools: https\n'), ...rules);
    assert.deepEqual(tools.map((t) => `${t.ruleId}: ${t.title}`), ['privileged-user-phishing: Phished ops credentials open tools']);
  });

  it('do not call a client certificate phishable, nor a missing credential a phished one', () => {
    const cert = 'elements:\n  dev: { type: developer }\n  build: { type: service }\nflows:\n  - dev -> build: { protocol: https, auth: mtls }\n';
    assert.deepEqual(threatsOf(model(cert), 'privileged-user-phishing'), []);
    const run = runOnly(model(cert), [privilegedUserPhishing]);
    assert.deepEqual(run.mitigations.map((mi) => [mi.controls, mi.reason]), [[['mtls'], 'staff sign in with a client certificate']]);
    const [password] = threatsOf(model('elements:\n  dev: { type: developer }\n  build: { type: service }\nflows:\n  - dev -> build: { protocol: https, auth: password }\n'), 'privileged-user-phishing');
    assert.equal(password?.description, 'dev (developer) reaches build with no second factor; one phishing email is enough to take over that access.');

    const admin = (endpoint: string) => threatsOf(model(`elements:\n  ops: { type: admin }\n  api:\n    type: api\n    endpoints:\n      /admin: ${endpoint}\nflows:\n  - ops -> api: { protocol: https, endpoint: /admin }\n`), 'admin-without-mfa')[0];
    const open = admin('{ public: true, controls: [vpn] }');
    assert.equal(open.title, 'Admin access to /admin without any credential or MFA');
    assert.equal(open.description, '/admin on api is administrative and protected by nothing but network access; anyone who reaches it has administrative control without any credential.');
    assert.equal(open.likelihood.reason, 'needs only network access to it: some access');
    const byKey = admin('{ auth: mtls, controls: [vpn] }');
    assert.equal(byKey.description, '/admin on api is administrative and protected by mtls alone; a stolen administrator key is enough for anyone who reaches it.');
    assert.equal(byKey.likelihood.reason, 'needs a stolen administrator key and network access: some skill');
    const byPassword = admin('{ auth: password, controls: [vpn] }');
    assert.equal(byPassword.description, '/admin on api is administrative and protected by password alone; a phished or reused administrator credential is enough for anyone who reaches it.');
  });

  it('rate a hijacked session by the restricted data in the session\'s traffic, not what the service only forwards (session-hijacking)', () => {
    const session = (classification: string) => threatsOf(model(`assets:\n  cards: { type: payment, classification: ${classification} }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, auth: session-cookie, handles: [cards] }\nflows:\n  - visitor -> api: { protocol: https, data: [cards] }\n`), 'session-hijacking')[0];
    assert.deepEqual(session('restricted').impact, { level: 'High', reason: 'hijacked sessions reach cards: restricted data' });
    assert.deepEqual(session('confidential').impact, { level: 'Medium', reason: 'one user\'s account and data: partial exposure' });
    const returned = threatsOf(model('assets:\n  cards: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    auth: session-cookie\n    endpoints:\n      /wallet: { returns: [cards] }\nflows:\n  - visitor -> api: https\n'), 'session-hijacking')[0];
    assert.equal(returned?.impact.level, 'High');
    // Card numbers the API only passes on to a payment provider are not in any session's reach.
    const forwarded = threatsOf(model('assets:\n  cards: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, auth: session-cookie, handles: [cards] }\n  psp: { type: third-party }\nflows:\n  - visitor -> api: https\n  - api -> psp: { protocol: https, data: [cards] }\n'), 'session-hijacking')[0];
    assert.deepEqual(forwarded?.impact, { level: 'Medium', reason: 'one user\'s account and data: partial exposure' });
  });

  it('say where a Basic-authenticated caller is: an exposed component of ours is not the internet (weak-authentication)', () => {
    const [exposed] = threatsOf(model('boundaries:\n  dc: { trust: internal }\nelements:\n  portal: { type: service, in: dc, exposed: true }\n  ledger: { type: service, in: dc }\nflows:\n  - portal -> ledger: { protocol: https, auth: basic }\n'), 'weak-authentication');
    assert.ok(exposed);
    assert.equal(exposed.description, 'portal -> ledger authenticates with HTTP Basic from portal, which is exposed to the internet; the password travels with every request and can be sprayed, replayed or reused indefinitely.');
    assert.deepEqual(exposed.likelihood, { level: 'Medium', reason: 'needs a foothold in portal, which is exposed to the internet' });
    const [partner] = threatsOf(model('elements:\n  partner: { type: third-party }\n  api: { type: api }\nflows:\n  - partner -> api: { protocol: https, auth: basic }\n'), 'weak-authentication');
    assert.ok(partner);
    assert.match(partner.description, /authenticates with HTTP Basic from a less trusted zone;/);
    assert.deepEqual(partner.likelihood, { level: 'High', reason: 'from the internet: password spraying needs only public tools' });
  });
});
