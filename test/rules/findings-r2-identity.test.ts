// Identity findings (authentication, authorization, the human surface), second review: each sentence holds
// for the model, a control counts where the model declares it (flow, endpoint, element), and a cause that
// another rule reports is not reported again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingAuthorization } from '../../src/analysis/rules/authorization.js';
import { insiderDataAccess, privilegedUserPhishing } from '../../src/analysis/rules/human.js';
import { loadModel } from '../../src/model/load.js';
import { runOnly, threatsOf } from './harness.js';

const model = (body: string) => `threatmap: 1\nsystem: { name: Identity }\n${body}`;
const PII = 'assets:\n  pii: { type: pii, classification: confidential }\n';
const facts = (t: { evidence: { fact: string }[] }) => t.evidence.map((e) => e.fact);

describe('weak-authentication', () => {
  const basic = (assets: string, caller: string) => model(`${assets}boundaries:\n  dmz: { trust: dmz }\n  core: { trust: internal }\nelements:\n  batch: { type: service, in: dmz${caller} }\n  ledger: { type: service, in: core, handles: [cards${assets.includes('ssn') ? ', ssn' : ''}] }\nflows:\n  - batch -> ledger: { protocol: https, auth: basic }\n`);
  const CARDS = 'assets:\n  cards: { classification: restricted }\n';
  const BOTH = 'assets:\n  cards: { classification: restricted }\n  ssn: { type: pii, classification: restricted }\n';

  it('calls a caller exposed to the internet only when the model marks it exposed', () => {
    const [internal] = threatsOf(basic(CARDS, ''), 'weak-authentication');
    assert.equal(internal?.description, 'batch -> ledger authenticates with HTTP Basic from batch, which sits in a less trusted zone; the password travels with every request and can be sprayed, replayed or reused indefinitely.');
    assert.deepEqual(internal.likelihood, { level: 'Medium', reason: 'needs a foothold in the calling zone' });
    const [exposed] = threatsOf(basic(CARDS, ', exposed: true'), 'weak-authentication');
    assert.equal(exposed?.description, 'batch -> ledger authenticates with HTTP Basic from batch, which is exposed to the internet and sits in a less trusted zone; the password travels with every request and can be sprayed, replayed or reused indefinitely.');
  });

  it('agrees the verb with the number of restricted assets', () => {
    assert.deepEqual(threatsOf(basic(CARDS, ''), 'weak-authentication')[0]?.impact, { level: 'High', reason: 'cards are restricted' });
    assert.deepEqual(threatsOf(basic(BOTH, ''), 'weak-authentication')[0]?.impact, { level: 'High', reason: 'cards, ssn are restricted' });
  });

  it('honours an allow-list declared on the Basic-authenticated flow itself', () => {
    const text = (controls: string) => model(`elements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  api: { type: api, auth: jwt, controls: [token-validation] }\nflows:\n  - visitor -> api: { protocol: https, auth: jwt }\n  - partner -> api: { protocol: https, auth: basic${controls} }\n`);
    assert.deepEqual(threatsOf(text(', controls: [ip-allowlist]'), 'weak-authentication'), []);
    assert.deepEqual(threatsOf(text(''), 'weak-authentication').map((t) => t.title), ['Basic authentication into api']);
  });
});

describe('unauthenticated-store-access and the rules beside it', () => {
  it('rates High only for a caller in an untrusted zone, not for an exposed component of ours', () => {
    const text = (caller: string) => model(`${PII}boundaries:\n  dc: { trust: internal }\nelements:\n  ${caller}\n  db: { tech: mongodb, in: dc, stores: [pii] }\nflows:\n  - portal -> db: mongodb+tls\n`);
    const [exposed] = threatsOf(text('portal: { type: service, in: dc, exposed: true }'), 'unauthenticated-store-access');
    assert.deepEqual(exposed?.likelihood, { level: 'Medium', reason: 'needs network access to the store: some access' });
    const [outside] = threatsOf(text('portal: { type: third-party }'), 'unauthenticated-store-access');
    assert.deepEqual(outside?.likelihood, { level: 'High', reason: 'the caller sits in an untrusted zone' });
  });

  it('does not call a store that asks for its own credential open, and leaves brokers to unauthenticated-broker', () => {
    const text = (auth: string) => model(`${PII}elements:\n  visitor: { tech: browser }\n  api: { type: api, auth: jwt, controls: [token-validation] }\n  db: { tech: postgres${auth}, stores: [pii] }\n  bus: { type: queue }\nflows:\n  - visitor -> api: { protocol: https, auth: jwt }\n  - api -> db: sql+tls\n  - api -> bus: { protocol: amqps, data: [pii] }\n`);
    const rules = ['unauthenticated-store-access', 'unauthenticated-broker'];
    assert.deepEqual(threatsOf(text(', auth: password'), ...rules).map((t) => `${t.ruleId}: ${t.title}`), ['unauthenticated-broker: bus accepts unauthenticated clients']);
    assert.deepEqual(threatsOf(text(''), ...rules).map((t) => `${t.ruleId}: ${t.title}`).sort(), [
      'unauthenticated-broker: bus accepts unauthenticated clients',
      'unauthenticated-store-access: db accepts unauthenticated connections',
    ]);
  });

  it('says what the store holds once, however many open flows reach it', () => {
    const text = (workerAuth: string) => model(`${PII}elements:\n  visitor: { tech: browser }\n  api: { type: api, auth: jwt, controls: [token-validation] }\n  worker: { type: service }\n  db: { tech: mongodb, stores: [pii] }\nflows:\n  - visitor -> api: { protocol: https, auth: jwt }\n  - api -> db: mongodb+tls\n  - api -> worker: { protocol: https, auth: mtls }\n  - worker -> db: { protocol: mongodb+tls, auth: ${workerAuth} }\n`);
    const [two] = threatsOf(text('none'), 'unauthenticated-store-access');
    assert.deepEqual(two?.flows, ['api->db', 'worker->db']);
    assert.deepEqual(facts(two), ['api -> db states no auth', 'db stores pii', 'worker -> db states no auth']);
    const [one] = threatsOf(text('password'), 'unauthenticated-store-access');
    assert.deepEqual(facts(one), ['api -> db states no auth', 'db stores pii']);
  });

  it('reports a device\'s open connection to a broker or a sensitive store once, and not where the target asks for a credential (unauthenticated-device)', () => {
    const rules = ['unauthenticated-device', 'unauthenticated-broker', 'unauthenticated-store-access'];
    const run = (target: string) => threatsOf(model(`assets:\n  readings: { type: pii, classification: confidential }\nelements:\n  sensor: { type: device }\n  ${target}\nflows:\n  - sensor -> sink: { protocol: mqtts, data: [readings] }\n`), ...rules).map((t) => t.ruleId);
    assert.deepEqual(run('sink: { type: queue }'), ['unauthenticated-broker']);
    assert.deepEqual(run('sink: { tech: postgres }'), ['unauthenticated-store-access']);
    assert.deepEqual(run('sink: { type: service }'), ['unauthenticated-device']);
    assert.deepEqual(run('sink: { type: service, auth: api-key }'), []);
  });
});

describe('unauthenticated-partner-call', () => {
  const text = (flow: string, api = '{ type: api }') => model(`elements:\n  carrier: { type: third-party }\n  api: ${api}\nflows:\n  - carrier -> api: ${flow}\n`);

  it('honours a check declared on the partner\'s flow', () => {
    assert.deepEqual(threatsOf(text('{ protocol: https, controls: [signature-verification] }'), 'unauthenticated-partner-call'), []);
    assert.deepEqual(threatsOf(text('https'), 'unauthenticated-partner-call').map((t) => t.title), ['Unauthenticated calls from carrier to api']);
  });

  it('does not say the address needs no credential when the endpoint called asks for one', () => {
    const api = (auth: string) => `\n    type: api\n    endpoints:\n      /shipments: { ${auth} }`;
    assert.deepEqual(threatsOf(text('{ protocol: https, endpoint: /shipments }', api('auth: api-key')), 'unauthenticated-partner-call'), []);
    assert.deepEqual(threatsOf(text('https', '{ type: api, auth: api-key }'), 'unauthenticated-partner-call'), []);
    assert.equal(threatsOf(text('https'), 'unauthenticated-partner-call')[0]?.likelihood.reason, 'the partner-facing address is reachable and needs no credential');
  });
});

describe('missing-authentication', () => {
  it('leaves a partner\'s unauthenticated call through a gateway to unauthenticated-partner-call', () => {
    const rules = ['missing-authentication', 'unauthenticated-partner-call'];
    const text = (extra: string) => model(`assets:\n  orders: { type: business, classification: confidential }\nelements:\n  carrier: { type: third-party }\n  visitor: { tech: browser }\n  gw: { type: gateway }\n  api: { type: api, handles: [orders] }\nflows:\n  - carrier -> gw: https\n  - gw -> api: https\n${extra}`);
    assert.deepEqual(threatsOf(text(''), ...rules).map((t) => `${t.ruleId}: ${t.title}`), ['unauthenticated-partner-call: Unauthenticated calls from carrier to gw']);
    // A browser takes the same open path: that path is missing-authentication's.
    const mixed = threatsOf(text('  - visitor -> gw: https\n'), ...rules);
    assert.deepEqual(mixed.map((t) => t.ruleId).sort(), rules);
    assert.deepEqual(mixed.find((t) => t.ruleId === 'missing-authentication')?.flows, ['gw->api']);
  });
});

describe('controls declared on endpoints', () => {
  it('count for session-hijacking on the endpoints that take the cookie, and the evidence names the endpoint', () => {
    const text = (controls: string) => model(`elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    auth: jwt\n    controls: [token-validation]\n    endpoints:\n      /account: { auth: session-cookie${controls} }\n      /orders: {}\nflows:\n  - visitor -> api: https\n`);
    assert.deepEqual(threatsOf(text(', controls: [secure-cookies, session-management]'), 'session-hijacking'), []);
    const [partly] = threatsOf(text(', controls: [secure-cookies]'), 'session-hijacking');
    assert.match(partly?.description ?? '', /without session-management a stolen/);
    assert.deepEqual(facts(partly), ['/account on api authenticates callers with session-cookie', 'no session-management on api']);
  });

  it('count for missing-token-validation on every endpoint that takes tokens', () => {
    const text = (orders: string) => model(`elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /orders: { auth: jwt${orders} }\n      /cart: { auth: jwt }\n      /health: { public: true }\nflows:\n  - visitor -> api: https\n`);
    assert.deepEqual(threatsOf(text(', controls: [token-validation]').replace('/cart: { auth: jwt }', '/cart: { auth: jwt, controls: [token-validation] }'), 'missing-token-validation'), []);
    const [one] = threatsOf(text(', controls: [token-validation]'), 'missing-token-validation');
    assert.deepEqual(facts(one), ['/orders on api accepts jwt', 'no token-validation on api']);
  });

  it('count for privileged-user-phishing on the endpoint a person signs in to', () => {
    const text = (mfa: string) => model(`elements:\n  ops: { type: admin }\n  support: { type: support-staff }\n  tools:\n    type: service\n    endpoints:\n      /tickets: { auth: password${mfa} }\n      /admin: { auth: password, controls: [vpn, mfa] }\nflows:\n  - ops -> tools: { protocol: https, endpoint: /tickets }\n  - support -> tools: https\n`);
    assert.deepEqual(threatsOf(text(', controls: [mfa]'), 'privileged-user-phishing'), []);
    assert.deepEqual(runOnly(text(', controls: [mfa]'), [privilegedUserPhishing]).mitigations.map((m) => m.reason), ['staff sign in with MFA', 'staff sign in with MFA']);
    assert.deepEqual(threatsOf(text(''), 'privileged-user-phishing').map((t) => t.title).sort(), ['Phished ops credentials open tools', 'Phished support credentials open tools']);
  });
});

describe('MFA declared on the flows to an admin endpoint', () => {
  const text = (controls: string, endpoint = '{ auth: password, controls: [vpn] }') => model(`elements:\n  ops: { type: admin, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /admin: ${endpoint}\nflows:\n  - ops -> api: { protocol: https, endpoint: /admin${controls} }\n`);

  it('mitigates admin-without-mfa when every flow reaching the endpoint declares it', () => {
    assert.deepEqual(threatsOf(text(', controls: [mfa]'), 'admin-without-mfa'), []);
    assert.deepEqual(threatsOf(text(''), 'admin-without-mfa').map((t) => t.title), ['Admin access to /admin without MFA']);
  });

  it('is named with the credential, and lowers the likelihood, in exposed-admin-interface', () => {
    const [mfa] = threatsOf(text(', controls: [mfa]', '{ auth: password }'), 'exposed-admin-interface');
    assert.equal(mfa?.description, '/admin on api is an administrative interface reachable from the internet behind password and MFA; a stolen credential, session or an unpatched flaw gives an attacker administrative control.');
    assert.deepEqual(mfa.likelihood, { level: 'Medium', reason: 'MFA stands in the way: needs a phished second factor' });
    const [endpointMfa] = threatsOf(text('', '{ auth: password, controls: [mfa] }'), 'exposed-admin-interface');
    assert.match(endpointMfa?.description ?? '', /behind password and MFA;/);
    const [none] = threatsOf(text('', '{ auth: password }'), 'exposed-admin-interface');
    assert.match(none?.description ?? '', /behind password only;/);
    assert.equal(none.likelihood.level, 'High');
  });
});

describe('what an account reaches (credential-stuffing, insecure-password-reset)', () => {
  it('is its own traffic, not the restricted data the service only forwards', () => {
    const text = (visitorData: string) => model(`assets:\n  cards: { type: payment, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  psp: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /login: { public: true }\n      /password/forgot: { public: true }\nflows:\n  - visitor -> api: ${visitorData}\n  - api -> psp: { protocol: https, data: [cards] }\n`);
    const rules = ['credential-stuffing', 'insecure-password-reset'];
    assert.deepEqual(threatsOf(text('https'), ...rules).map((t) => [t.ruleId, t.impact]), [
      ['credential-stuffing', { level: 'Medium', reason: 'takeover of individual accounts: partial exposure' }],
      ['insecure-password-reset', { level: 'Medium', reason: 'one account at a time: partial exposure' }],
    ]);
    assert.deepEqual(threatsOf(text('{ protocol: https, data: [cards] }'), ...rules).map((t) => [t.ruleId, t.impact]), [
      ['credential-stuffing', { level: 'High', reason: 'accounts reach restricted data' }],
      ['insecure-password-reset', { level: 'High', reason: 'accounts reach cards' }],
    ]);
  });
});

describe('over-privileged-store-access', () => {
  it('still reports a service whose store login is shared only with a person', () => {
    const text = (other: string) => model(`assets:\n  cards: { classification: restricted }\nelements:\n  visitor: { tech: browser }\n  ${other}\n  reports: { type: service }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - visitor -> reports: https\n  - reports -> db: { protocol: sql+tls, auth: password, credential: app-db }\n  - other -> db: { protocol: sql+tls, auth: password, credential: app-db }\n`);
    const rules = ['over-privileged-store-access', 'shared-credentials'];
    assert.deepEqual(threatsOf(text('other: { type: developer }'), ...rules).map((t) => `${t.ruleId}: ${t.title}`), ['over-privileged-store-access: reports can read cards in db']);
    assert.deepEqual(threatsOf(text('other: { type: service }'), ...rules).map((t) => `${t.ruleId}: ${t.title}`), ['shared-credentials: Credential app-db shared by 2 services on db']);
  });
});

describe('privileged-user-phishing', () => {
  it('does not call an SSH key phishable', () => {
    const text = (auth: string) => model(`elements:\n  dev: { type: developer }\n  gitsrv: { type: service }\nflows:\n  - dev -> gitsrv: { protocol: ssh, auth: ${auth} }\n`);
    assert.deepEqual(threatsOf(text('ssh-key'), 'privileged-user-phishing'), []);
    assert.deepEqual(runOnly(text('ssh-key'), [privilegedUserPhishing]).mitigations.map((m) => [m.controls, m.reason]), [[['ssh-key'], 'staff sign in with an SSH key']]);
    assert.equal(threatsOf(text('password'), 'privileged-user-phishing')[0]?.description, 'dev (developer) reaches gitsrv with no second factor; one phishing email is enough to take over that access.');
  });
});

describe('insider-data-access', () => {
  it('honours audit logging declared on the person\'s own connection', () => {
    const text = (controls: string) => model(`${PII}elements:\n  agent: { type: support-staff }\n  db: { tech: postgres, stores: [pii] }\nflows:\n  - agent -> db: { protocol: postgres+tls${controls} }\n`);
    assert.deepEqual(threatsOf(text(', controls: [audit-logging]'), 'insider-data-access'), []);
    assert.deepEqual(runOnly(text(', controls: [audit-logging]'), [insiderDataAccess]).mitigations.map((m) => m.controls), [['audit-logging']]);
    assert.deepEqual(threatsOf(text(''), 'insider-data-access').map((t) => t.title), ['agent can copy pii from db']);
  });
});

describe('missing-authorization', () => {
  it('says which people and which endpoints count, as the check does', () => {
    assert.match(missingAuthorization.condition, /not `health`, `webhook` or `callback`/);
    assert.match(missingAuthorization.condition, /people of type `admin` and people of type `user`/);
    const text = (other: string) => model(`elements:\n  ops: { type: admin }\n  ${other}\n  app: { type: service }\nflows:\n  - ops -> app: https\n  - other -> app: https\n`);
    assert.deepEqual(threatsOf(text('other: { type: support-staff }'), 'missing-authorization'), []);
    assert.deepEqual(threatsOf(text('other: { type: user }'), 'missing-authorization').map((t) => t.title), ['Privilege escalation to admin functions on app']);
  });
});

describe('unauthenticated-partner-call from a caller of no type', () => {
  it('is no partner: validation asks who it is (untyped-caller), and only a typed partner gets the threat', () => {
    const model = (caller: string) => `threatmap: 1
system: { name: Votes }
boundaries:
  outside: { trust: untrusted }
  app: { trust: internal }
elements:
  ${caller}
  ballot: { type: service, in: app }
flows:
  - clients -> ballot: http
`;
    const untyped = model('clients: { name: Outside clients, kind: external, in: outside }');
    assert.deepEqual(threatsOf(untyped, 'unauthenticated-partner-call'), []);
    const loaded = loadModel(untyped, 'votes.yaml');
    assert.deepEqual(loaded.diagnostics.map((d) => `${d.code} ${d.line}:${d.col}`), ['untyped-caller 7:3']);
    const [partner] = threatsOf(model('clients: { name: Carrier, type: third-party, in: outside }'), 'unauthenticated-partner-call');
    assert.match(partner.description, /anyone who learns the address can pose as Carrier\.$/);
    assert.match(partner.mitigation, /^Authenticate the partner/);
  });
});
