// Identity findings (authentication, authorization, the human surface), third review: who the caller is,
// who counts as an insider, which endpoints an untrusted zone reaches, validation in front, and what a
// phished staff credential opens beside the admin endpoints the admin rules report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingTokenValidation } from '../../src/analysis/rules/authentication.js';
import { runOnly, threatsOf } from './harness.js';

const model = (body: string) => `threatmap: 1\nsystem: { name: Identity }\n${body}`;
const PII = 'assets:\n  pii: { type: pii, classification: confidential }\n';
const facts = (t: { evidence: { fact: string }[] }) => t.evidence.map((e) => e.fact);

describe('broken-object-level-authorization', () => {
  const text = (endpoint: string, visitor: string) => model(`${PII}elements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /orders: { auth: jwt }\n      /partner/profile: ${endpoint}\nflows:\n  - visitor -> api: ${visitor}\n  - partner -> api: { protocol: https, auth: api-key, endpoint: /partner/profile }\n`);

  it('speaks of the partner, not of a signed-in user, when only a partner calls the endpoint', () => {
    const [partner] = threatsOf(text('{ auth: api-key, returns: [pii], callers: [partner] }', '{ protocol: https, endpoint: /orders }'), 'broken-object-level-authorization');
    assert.equal(partner?.title, 'Any user\'s pii reachable through /partner/profile (IDOR)');
    assert.equal(partner.description, '/partner/profile on api returns pii for partner, which authenticates with api-key; without an ownership check, changing an id in the request reaches any user\'s records.');
    assert.deepEqual(partner.likelihood, { level: 'Medium', reason: 'needs the credential of partner: some access' });
    assert.deepEqual(facts(partner), ['/partner/profile returns pii', 'only partner calls /partner/profile', 'no object-level-authorization on /partner/profile on api']);
  });

  it('still speaks of any signed-in user when a browser reaches the endpoint too', () => {
    const [user] = threatsOf(text('{ auth: api-key, returns: [pii] }', 'https'), 'broken-object-level-authorization');
    assert.equal(user?.title, 'Other users\' pii reachable through /partner/profile (IDOR)');
    assert.match(user.description, /returns pii for the signed-in caller;/);
    assert.deepEqual(user.likelihood, { level: 'High', reason: 'any user can change ids in requests with an intercepting proxy' });
  });
});

describe('insider-data-access', () => {
  const text = (person: string) => model(`${PII}boundaries:\n  corp: { trust: internal }\nelements:\n  ${person}\n  db: { tech: postgres, stores: [pii], in: corp }\nflows:\n  - person -> db: postgres+tls\n`);

  it('leaves a customer connecting from the internet to exposed-data-store', () => {
    const customer = threatsOf(text('person: { type: user }'), 'insider-data-access', 'exposed-data-store');
    assert.deepEqual(customer.map((t) => t.ruleId), ['exposed-data-store']);
  });

  it('reports staff, and a user inside a zone we trust', () => {
    for (const person of ['person: { type: user, in: corp }', 'person: { type: support-staff }']) {
      const [insider] = threatsOf(text(person), 'insider-data-access');
      assert.equal(insider?.title, 'person can copy pii from db', person);
      assert.deepEqual(insider.likelihood, { level: 'Low', reason: 'needs a malicious insider or a compromised staff account' });
    }
  });
});

describe('session-hijacking', () => {
  // `callers` restrict who reaches /desk only where something enforces them: here an allow-list on the route.
  const text = (callers: string) => model(`boundaries:\n  corp: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  clerk: { type: user, in: corp }\n  api:\n    type: api\n    auth: jwt\n    controls: [token-validation]\n    endpoints:\n      /desk: { auth: session-cookie, callers: [${callers}], controls: [ip-allowlist] }\n      /orders: {}\nflows:\n  - visitor -> api: https\n  - clerk -> api: https\n`);

  it('does not fire when only internal callers reach the endpoints that take the cookie', () => {
    assert.deepEqual(threatsOf(text('clerk'), 'session-hijacking'), []);
    // Without the allow-list the visitor's flow, which names no endpoint, reaches /desk too.
    assert.deepEqual(threatsOf(text('clerk').replace(', controls: [ip-allowlist] }', ' }'), 'session-hijacking').map((t) => t.key), ['session-hijacking@api']);
  });

  it('fires when an untrusted caller reaches one of them', () => {
    const [hijack] = threatsOf(text('clerk, visitor'), 'session-hijacking');
    assert.equal(hijack?.title, 'Session hijacking on api');
    assert.deepEqual(facts(hijack), ['/desk on api authenticates callers with session-cookie', 'no secure-cookies or session-management on api']);
  });

  it('asks for the controls only on the endpoints an untrusted zone reaches', () => {
    const both = model('boundaries:\n  corp: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  clerk: { type: user, in: corp }\n  api:\n    type: api\n    endpoints:\n      /desk: { auth: session-cookie, callers: [clerk], controls: [ip-allowlist] }\n      /account: { auth: session-cookie, controls: [secure-cookies, session-management] }\nflows:\n  - visitor -> api: https\n  - clerk -> api: https\n');
    assert.deepEqual(threatsOf(both, 'session-hijacking'), []);
  });
});

describe('missing-token-validation', () => {
  const text = (extra: string, api = '{ type: api, auth: jwt }') => model(`elements:\n  visitor: { tech: browser }\n  cdn: { type: cdn }\n  gw: { type: gateway, auth: jwt, controls: [token-validation] }\n  api: ${api}\nflows:\n  - visitor -> cdn: { protocol: https, auth: jwt }\n  - cdn -> gw: { protocol: https, auth: jwt }\n  - gw -> api: { protocol: https, auth: jwt }\n${extra}`);

  it('is mitigated by a gateway that validates tokens on every untrusted path', () => {
    assert.deepEqual(threatsOf(text(''), 'missing-token-validation'), []);
    const api = runOnly(text(''), [missingTokenValidation]).mitigations.find((m) => m.component === 'api');
    assert.equal(api?.reason, 'tokens are validated by gw on every untrusted path');
  });

  it('still fires when a path bypasses the gateway, or the service has a public address of its own', () => {
    const bypass = threatsOf(text('  - visitor -> api: { protocol: https, auth: jwt }\n'), 'missing-token-validation');
    assert.deepEqual(bypass.map((t) => facts(t)), [['visitor -> api authenticates with jwt', 'visitor -> api bypasses gw', 'no token-validation on api']]);
    const exposed = threatsOf(text('', '{ type: api, auth: jwt, exposed: true }'), 'missing-token-validation');
    assert.deepEqual(exposed.map((t) => t.title), ['JWTs accepted without full validation by api']);
  });
});

describe('privileged-user-phishing beside admin endpoints', () => {
  const text = (endpoints: string) => model(`elements:\n  ops: { type: admin }\n  tools:\n    type: service\n    endpoints:\n      /admin: { auth: password, controls: [vpn] }\n${endpoints}flows:\n  - ops -> tools: https\n`);

  it('names the non-admin endpoints when admin-without-mfa reports the admin ones', () => {
    const found = threatsOf(text('      /tickets: { auth: password }\n      /health: { public: true }\n'), 'privileged-user-phishing', 'admin-without-mfa');
    assert.deepEqual(found.map((t) => `${t.ruleId}: ${t.title}`).sort(), [
      'admin-without-mfa: Admin access to /admin without MFA',
      'privileged-user-phishing: Phished ops credentials open /tickets on tools',
    ]);
    assert.equal(found.find((t) => t.ruleId === 'privileged-user-phishing')?.description, 'ops (admin) reaches /tickets on tools with no second factor; one phishing email is enough to take over that access.');
  });

  it('leaves a target whose only sign-in is an admin endpoint to the admin rules', () => {
    const found = threatsOf(text('      /health: { public: true }\n'), 'privileged-user-phishing', 'admin-without-mfa');
    assert.deepEqual(found.map((t) => t.ruleId), ['admin-without-mfa']);
  });

  it('names the target when its admin endpoints have MFA', () => {
    const found = threatsOf(text('      /tickets: { auth: password }\n').replace('controls: [vpn]', 'controls: [vpn, mfa]'), 'privileged-user-phishing', 'admin-without-mfa');
    assert.deepEqual(found.map((t) => `${t.ruleId}: ${t.title}`), ['privileged-user-phishing: Phished ops credentials open tools']);
  });
});
