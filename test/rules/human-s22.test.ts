// privileged-user-phishing, session 22: staff sign in where a forwarding element (CDN, load balancer, proxy,
// gateway) passes their request, not at the edge; and a session cookie carries the MFA of the login that issues it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { privilegedUserPhishing } from '../../src/analysis/rules/human.js';
import { analyzeText, evidenceFacts, MODEL_HEAD, runOnly, threatsIn } from './harness.js';

const RULE = 'privileged-user-phishing';
const titles = (body: string) => threatsIn(body, RULE).map((t) => t.title);
const reasons = (body: string) => runOnly(MODEL_HEAD + body, [privilegedUserPhishing]).mitigations.map((m) => [m.controls, m.reason]);
const ZONES = 'boundaries:\n  internet: { trust: untrusted }\n  edge: { trust: dmz }\n  app: { trust: internal }\n';

describe('privileged-user-phishing behind a CDN', () => {
  const cdn = (web: string) => `${ZONES}elements:\n  staff: { type: admin, in: internet }\n  cdn: { tech: cloudflare, in: edge, controls: [waf, ddos-protection] }\n  web: ${web}\nflows:\n  - staff -> cdn: https\n  - cdn -> web: https\n`;
  const reviewed = cdn('{ tech: django, in: app, controls: [mfa, authorization], endpoints: { /admin: { auth: oidc, callers: [staff], controls: [ip-allowlist] } } }');

  it('does not target the CDN: the MFA of the application it forwards to counts', () => {
    assert.deepEqual(titles(reviewed), []);
    // Its only sign-in for staff is the admin endpoint: the admin rules', not the CDN's.
    assert.deepEqual(reasons(reviewed), []);
    const withDashboard = reviewed.replace('/admin:', '/dashboard: { auth: oidc }, /admin:');
    assert.deepEqual(titles(withDashboard), []);
    assert.deepEqual(reasons(withDashboard), [[['mfa'], 'staff sign in with MFA']]);
    const actions = analyzeText(MODEL_HEAD + reviewed).recommendations.map((r) => r.text);
    assert.deepEqual(actions.filter((a) => a.startsWith('Require MFA for administrators') || a.startsWith('Require phishing-resistant MFA for')), []);
  });

  it('leaves an application whose only sign-in is the admin endpoint to the admin rules, with MFA on it', () => {
    assert.deepEqual(titles(cdn('{ tech: django, in: app, endpoints: { /admin: { auth: oidc, callers: [staff], controls: [ip-allowlist, mfa] } } }')), []);
  });

  it('names the application behind the CDN when nothing there asks for a second factor', () => {
    const body = cdn('{ tech: django, in: app, auth: password, endpoints: { /dashboard: {}, /login: { public: true } } }');
    const [t] = threatsIn(body, RULE);
    assert.equal(t?.title, 'Phished staff credentials open web');
    assert.deepEqual(evidenceFacts(t), ['staff -> cdn reaches web with no MFA']);
    const actions = analyzeText(MODEL_HEAD + body).recommendations.map((r) => r.text);
    assert.ok(actions.includes('Require phishing-resistant MFA for staff (administrators) on web'), actions.join('\n'));
  });
});

describe('privileged-user-phishing through several forwarding elements', () => {
  const chain = (tickets: string, front = '{ type: load-balancer }') => `elements:\n  ops: { type: admin }\n  shopper: { type: user }\n  lb: ${front}\n  proxy: { type: reverse-proxy }\n  desk:\n    type: web-app\n    auth: password\n    endpoints:\n      /tickets: { callers: [ops]${tickets} }\n      /shop: { callers: [shopper] }\nflows:\n  - ops -> lb: https\n  - shopper -> lb: https\n  - lb -> proxy: https\n  - proxy -> desk: https\n`;

  it('judges the endpoints the staff may call on the application at the end', () => {
    assert.deepEqual(titles(chain(', controls: [mfa]')), []);
    const [t] = threatsIn(chain(''), RULE);
    assert.equal(t?.title, 'Phished ops credentials open desk');
    assert.deepEqual(evidenceFacts(t), ['ops -> lb reaches desk through proxy with no MFA']);
  });

  it('counts MFA asked for by a forwarding element on the way (an identity-aware proxy)', () => {
    assert.deepEqual(titles(chain('', '{ type: load-balancer, controls: [mfa] }')), []);
    assert.deepEqual(reasons(chain('', '{ type: load-balancer, controls: [mfa] }')), [[['mfa'], 'staff sign in with MFA']]);
  });

  it('takes a client certificate asked for at the edge as unphishable', () => {
    assert.deepEqual(titles(chain('', '{ type: load-balancer, auth: mtls }')), []);
    assert.deepEqual(reasons(chain('', '{ type: load-balancer, auth: mtls }')), [[['mtls'], 'staff sign in with a client certificate']]);
  });

  it('still judges a forwarding element that forwards nowhere in the model, which stands for what it fronts', () => {
    assert.deepEqual(titles('elements:\n  ops: { type: admin }\n  lb: { type: load-balancer }\nflows:\n  - ops -> lb: https\n'), ['Phished ops credentials open lb']);
  });

  it('finds no staff sign-in behind a CDN that serves only a bucket', () => {
    const body = 'elements:\n  ops: { type: admin }\n  cdn: { type: cdn }\n  assets: { tech: s3 }\nflows:\n  - ops -> cdn: https\n  - cdn -> assets: https\n';
    assert.deepEqual(titles(body), []);
    assert.deepEqual(reasons(body), []);
  });
});

describe('privileged-user-phishing on a route a gateway places', () => {
  const gw = (billing: string) => `elements:\n  ops: { type: admin }\n  gw:\n    type: gateway\n    endpoints:\n      /billing/invoices: { auth: password }\n  billing: { type: service${billing} }\n  crm: { type: service }\nflows:\n  - ops -> gw: { protocol: https, endpoint: /billing/invoices }\n  - gw -> billing: https\n  - gw -> crm: https\n`;

  it('judges only the application that serves the route', () => {
    assert.deepEqual(titles(gw(', controls: [mfa]')), []);
    assert.deepEqual(titles(gw('')), ['Phished ops credentials open billing']);
  });

  it('counts MFA on the route, where the gateway declares it or where the application serves it', () => {
    assert.deepEqual(titles(gw('').replace('/billing/invoices: { auth: password }', '/billing/invoices: { auth: password, controls: [mfa] }')), []);
    const served = (controls: string) => gw(`, endpoints: { /billing/invoices: { auth: password${controls} }, /billing/export: { auth: password } }`);
    assert.deepEqual(titles(served(', controls: [mfa]')), []);
    assert.deepEqual(titles(served('')), ['Phished ops credentials open billing']);
  });
});

describe('privileged-user-phishing with a session cookie from a login endpoint', () => {
  const web = (endpoints: string) => `${ZONES}elements:\n  staff: { type: admin, in: internet }\n  web:\n    tech: django\n    in: app\n    auth: session-cookie\n    endpoints:\n${endpoints}flows:\n  - staff -> web: https\n`;
  const reviewed = web('      /login: { public: true, controls: [mfa] }\n      /admin: { controls: [mfa] }\n      /account: {}\n');

  it('carries the MFA of the login endpoint to the endpoints taking its session cookie', () => {
    assert.deepEqual(titles(reviewed), []);
    assert.deepEqual(reasons(reviewed), [[['mfa'], 'staff sign in with MFA']]);
  });

  it('carries it to the endpoint a flow names', () => {
    assert.deepEqual(titles(reviewed.replace('staff -> web: https', 'staff -> web: { protocol: https, endpoint: /account }')), []);
  });

  it('fires when the login has no MFA, or one of the logins has none', () => {
    assert.deepEqual(titles(reviewed.replace('/login: { public: true, controls: [mfa] }', '/login: { public: true }')), ['Phished staff credentials open web']);
    assert.deepEqual(titles(reviewed.replace('/account: {}', '/account: {}\n      /signin: { public: true }')), ['Phished staff credentials open web']);
  });

  it('does not lend it to an endpoint that takes another credential', () => {
    assert.deepEqual(titles(reviewed.replace('/account: {}', '/account: { auth: password }')), ['Phished staff credentials open web']);
  });

  it('fires for a session cookie with no login endpoint on the element to issue it', () => {
    assert.deepEqual(titles(web('      /account: {}\n')), ['Phished staff credentials open web']);
  });
});

describe('privileged-user-phishing still fires where it should', () => {
  it('reports admins signing in with a password to a web app with no MFA anywhere', () => {
    const body = 'elements:\n  ops: { type: admin }\n  web:\n    type: web-app\n    auth: password\n    endpoints:\n      /login: { public: true }\n      /dashboard: {}\nflows:\n  - ops -> web: https\n';
    const [t] = threatsIn(body, RULE);
    assert.equal(t?.title, 'Phished ops credentials open web');
    assert.deepEqual(evidenceFacts(t), ['ops -> web has no MFA']);
  });

  it('does not count an endpoint whose callers are others as the staff\'s sign-in', () => {
    const body = (tickets: string) => `elements:\n  ops: { type: admin }\n  partner: { type: third-party }\n  tools:\n    type: service\n    endpoints:\n      /tickets: { auth: password${tickets} }\n      /feed: { auth: password, callers: [partner] }\nflows:\n  - ops -> tools: https\n  - partner -> tools: https\n`;
    assert.deepEqual(titles(body(', controls: [mfa]')), []);
    assert.deepEqual(titles(body('')), ['Phished ops credentials open tools']);
  });
});

describe('privileged-user-phishing: a route named on a forwarding element that asks nothing itself (review)', () => {
  const model = (appEndpoints: string) =>
    'boundaries:\n  internet: { trust: untrusted }\n  app-net: { trust: internal }\n' +
    'elements:\n  ops: { type: admin, in: internet }\n  lb:\n    tech: alb\n    in: app-net\n    endpoints:\n      /dashboard: {}\n' +
    `  app:\n    type: web-app\n    in: app-net\n    auth: session-cookie\n${appEndpoints}` +
    'flows:\n  - ops -> lb: { protocol: https, endpoint: /dashboard }\n  - lb -> app: https\n';

  it('is judged at the application behind: its own copy of the route, else the application', () => {
    assert.equal(threatsIn(model(''), 'privileged-user-phishing').length, 1);
    assert.equal(threatsIn(model('    endpoints:\n      /dashboard: { auth: session-cookie }\n'), 'privileged-user-phishing').length, 1);
  });

  it('not when the application\'s copy of the route is public or has MFA', () => {
    assert.deepEqual(threatsIn(model('    endpoints:\n      /dashboard: { public: true }\n'), 'privileged-user-phishing'), []);
    assert.deepEqual(threatsIn(model('    endpoints:\n      /dashboard: { controls: [mfa] }\n'), 'privileged-user-phishing'), []);
  });
});
