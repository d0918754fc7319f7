// Session 24 (admin): admin routes without MFA are one finding per element; a route that trades a token for a
// session is no password login; cleartext traffic that never leaves one host is read by code on that host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultEndpointKind } from '../../src/model/normalize.js';
import { evidenceFacts, loadText, MODEL_HEAD, threatsIn } from './harness.js';

const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => t.key).sort();

describe('admin-without-mfa: one finding per element for its admin routes', () => {
  const api = (routes: string, flows = '') =>
    `elements:\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n${routes}      GET /orders: {}\n${flows}`;
  const FIVE =
    '      GET /admin/users: {}\n      DELETE /admin/users/{id}: {}\n      GET /admin/stats: {}\n      POST /admin/reindex: {}\n      GET /admin/audit: {}\n';

  it('folds five admin routes of one element into one finding naming them', () => {
    const threats = threatsIn(api(FIVE), 'admin-without-mfa');
    assert.deepEqual(threats.map((t) => t.key), ['admin-without-mfa@api']);
    const [t] = threats;
    assert.equal(t.title, 'Admin access to GET /admin/users, DELETE /admin/users/{id}, GET /admin/stats and 2 other admin routes on api without MFA');
    assert.equal(t.description, 'GET /admin/users, DELETE /admin/users/{id}, GET /admin/stats, POST /admin/reindex, GET /admin/audit on api are administrative and protected by jwt alone; a phished or reused administrator credential is enough for anyone who reaches them.');
    assert.equal(t.endpoint, undefined);
    assert.deepEqual(evidenceFacts(t), [
      'GET /admin/users is an admin endpoint', 'DELETE /admin/users/{id} is an admin endpoint', 'GET /admin/stats is an admin endpoint',
      'POST /admin/reindex is an admin endpoint', 'GET /admin/audit is an admin endpoint', 'no mfa on api',
    ]);
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.impact.level, 'High');
  });

  it('keeps the route\'s own key and words when one admin route is open', () => {
    const [t, ...rest] = threatsIn(api('      GET /admin/users: {}\n'), 'admin-without-mfa');
    assert.equal(rest.length, 0);
    assert.equal(t.key, 'admin-without-mfa@api:GET /admin/users');
    assert.equal(t.title, 'Admin access to GET /admin/users without MFA');
    assert.deepEqual(evidenceFacts(t), ['GET /admin/users is an admin endpoint', 'no mfa on GET /admin/users on api']);
  });

  it('names each factor with its routes, and rates by the weakest, when the routes take different ones', () => {
    const [t] = threatsIn(api('      GET /admin/users: {}\n      GET /admin/config: { public: true }\n'), 'admin-without-mfa');
    assert.equal(t.key, 'admin-without-mfa@api');
    assert.equal(t.description, 'GET /admin/users, GET /admin/config on api are administrative and protected by jwt alone (GET /admin/users), or nothing but network access (GET /admin/config); at the weakest, GET /admin/config, anyone who reaches it has administrative control without any credential.');
    assert.equal(t.likelihood.reason, 'needs only network access to it: some access');
  });

  it('leaves a route with MFA mitigated on its own, and folds only the open ones', () => {
    const routes = '      GET /admin/users: {}\n      GET /admin/stats: {}\n      GET /admin/keys: { controls: [mfa] }\n';
    assert.deepEqual(keys(api(routes), 'admin-without-mfa'), ['admin-without-mfa@api']);
    const [t] = threatsIn(api(routes), 'admin-without-mfa');
    assert.ok(!t.title.includes('/admin/keys'), t.title);
    assert.deepEqual(keys(api('      GET /admin/users: {}\n      GET /admin/keys: { controls: [mfa] }\n'), 'admin-without-mfa'), ['admin-without-mfa@api:GET /admin/users']);
  });

  it('keeps one finding per element: two elements, two findings', () => {
    const body = `${api(FIVE)}  ops:\n    type: service\n    auth: password\n    endpoints:\n      /admin/a: {}\n      /admin/b: {}\n`;
    assert.deepEqual(keys(body, 'admin-without-mfa'), ['admin-without-mfa@api', 'admin-without-mfa@ops']);
  });

  it('reports nothing where MFA is on the element', () => {
    assert.deepEqual(keys(api(FIVE).replace('auth: jwt', 'auth: jwt\n    controls: [mfa]'), 'admin-without-mfa'), []);
  });

  it('still reports admin routes no flow reaches, as its condition says (administrators do reach them)', () => {
    assert.deepEqual(keys(api(FIVE), 'admin-without-mfa'), ['admin-without-mfa@api']);
  });
});

describe('a route that trades a token for a session is no password login', () => {
  const kindOf = (key: string, extra = '', more = '') => {
    const { model } = loadText(`${MODEL_HEAD}assets:\n  id-token: { type: credentials }\nelements:\n  api:\n    type: api\n    endpoints:\n      ${key}: { ${extra} }\n${more}`);
    return model.elements.find((e) => e.id === 'api')!.endpoints[0].kind;
  };

  it('reads exchange routes, oidc or jwt auth, and an ID token in the body as kind api', () => {
    assert.equal(kindOf('POST /api/auth/session', 'public: true'), 'api');
    assert.equal(kindOf('POST /session/exchange', 'public: true'), 'api');
    assert.equal(kindOf('POST /token/exchange', 'public: true'), 'api');
    assert.equal(kindOf('POST /api/session', 'auth: oidc'), 'api');
    assert.equal(kindOf('POST /api/session', 'auth: jwt'), 'api');
    assert.equal(kindOf('POST /api/session', 'public: true, accepts: [id-token]'), 'api');
    assert.equal(defaultEndpointKind('/api/auth/session', ['POST'], undefined), 'api');
    assert.equal(defaultEndpointKind('/api/session', ['POST'], 'oidc'), 'api');
  });

  it('keeps real logins: /login, /auth/login, /session with a password or no auth, an exchange route stating a password', () => {
    assert.equal(kindOf('POST /login', 'public: true'), 'login');
    assert.equal(kindOf('POST /auth/login', 'public: true, accepts: [id-token]'), 'login');
    assert.equal(kindOf('POST /session', 'public: true'), 'login');
    assert.equal(kindOf('POST /session', 'auth: password'), 'login');
    assert.equal(kindOf('POST /api/auth/session', 'auth: password'), 'login');
    assert.equal(kindOf('POST /api/auth/session', 'auth: basic'), 'login');
    assert.equal(defaultEndpointKind('/session', ['POST'], 'none'), 'login');
    assert.equal(defaultEndpointKind('/auth/login', ['POST'], 'oidc'), 'login');
  });

  const web = (key: string, extra: string, more = '') =>
    `elements:\n  visitor: { tech: browser }\n  app:\n    type: web-app\n    endpoints:\n      ${key}: { ${extra} }\n${more}flows:\n  - visitor -> app: https\n`;

  it('reports no credential stuffing nor account enumeration on a public token exchange', () => {
    assert.deepEqual(keys(web('POST /api/auth/session', 'public: true'), 'credential-stuffing', 'account-enumeration'), []);
    assert.deepEqual(keys(web('POST /token/exchange', 'public: true'), 'credential-stuffing', 'account-enumeration'), []);
  });

  it('still reports them on a public password login', () => {
    assert.deepEqual(keys(web('POST /auth/login', 'public: true'), 'credential-stuffing', 'account-enumeration'), [
      'account-enumeration@app', 'credential-stuffing@app:POST /auth/login',
    ]);
    assert.deepEqual(keys(web('POST /session', 'public: true'), 'credential-stuffing'), ['credential-stuffing@app:POST /session']);
  });

  const idp = (key: string, extra: string, to = '{ tech: auth0 }') =>
    web(key, extra, `  idp: ${to}\n`) + '  - app -> idp: https\n';

  it('leaves a session route to the identity provider the application signs in at', () => {
    assert.deepEqual(keys(idp('POST /session', 'public: true'), 'credential-stuffing', 'account-enumeration'), []);
    assert.deepEqual(keys(idp('POST /session', 'public: true', '{ type: identity-provider }'), 'credential-stuffing'), []);
  });

  it('keeps a login named so, or one stating a password, behind an identity provider, and a session route with none', () => {
    assert.deepEqual(keys(idp('POST /login', 'public: true'), 'credential-stuffing'), ['credential-stuffing@app:POST /login']);
    assert.deepEqual(keys(idp('POST /session', 'auth: password'), 'credential-stuffing'), ['credential-stuffing@app:POST /session']);
    assert.deepEqual(keys(web('POST /session', 'public: true', '  idp: { type: service }\n') + '  - app -> idp: https\n', 'credential-stuffing'),
      ['credential-stuffing@app:POST /session']);
  });
});

describe('cleartext traffic that stays on one host', () => {
  const ZONE = 'boundaries:\n  pod: { trust: internal, kind: container }\n';
  const host = (flow: string, tags = '[sidecar]', inProxy = 'pod') =>
    `${ZONE}assets:\n  orders: { type: pii, classification: confidential }\nelements:\n  app: { type: service, in: pod, handles: [orders] }\n  proxy: { tech: envoy, in: ${inProxy}, tags: ${tags} }\nflows:\n${flow}`;

  it('words a localhost flow for code on the host, at Likelihood Low', () => {
    const body = `assets:\n  orders: { type: pii, classification: confidential }\nelements:\n  app: { type: service }\n  db: { tech: postgres }\nflows:\n  - app -> db: { protocol: postgres, description: 'localhost:5432', data: [orders] }\n`;
    const [read] = threatsIn(body, 'cleartext-disclosure');
    assert.equal(read.likelihood.level, 'Low');
    assert.equal(read.likelihood.reason, 'needs code running on that host: the traffic never leaves it');
    assert.match(read.description, /anyone with code running on that host can read the traffic\.$/);
    const [write] = threatsIn(body, 'cleartext-tampering');
    assert.equal(write.likelihood.level, 'Low');
    assert.match(write.description, /anyone with code running on that host can modify the traffic\.$/);
  });

  it('reads a 127.0.0.1 address or a sidecar beside its service in the same boundary so', () => {
    const loop = `elements:\n  app: { type: service }\n  cache: { tech: redis }\nflows:\n  - app -> cache: { protocol: redis, name: 'cache at 127.0.0.1:6379' }\n`;
    assert.equal(threatsIn(loop, 'cleartext-disclosure')[0].likelihood.level, 'Low');
    const [side] = threatsIn(host('  - app -> proxy: http\n'), 'cleartext-disclosure');
    assert.equal(side.likelihood.level, 'Low');
  });

  it('keeps network wording for flows between hosts, a sidecar in another boundary, or no sidecar tag', () => {
    const plain = `elements:\n  app: { type: service }\n  db: { tech: postgres }\nflows:\n  - app -> db: { protocol: postgres, description: 'db.internal:5432' }\n`;
    const [net] = threatsIn(plain, 'cleartext-disclosure');
    assert.equal(net.likelihood.reason, 'needs a position on the internal network: some skill or access');
    assert.match(net.description, /anyone on the network path can read the traffic\.$/);
    assert.equal(threatsIn(host('  - app -> proxy: http\n', '[]'), 'cleartext-disclosure')[0].likelihood.level, 'Medium');
    const apart = `${ZONE}  other: { trust: internal }\nelements:\n  app: { type: service, in: pod }\n  proxy: { tech: envoy, in: other, tags: [sidecar] }\nflows:\n  - app -> proxy: http\n`;
    assert.equal(threatsIn(apart, 'cleartext-disclosure')[0].likelihood.level, 'Medium');
    // 'localhost' inside a longer word is no loopback address.
    const word = plain.replace('db.internal:5432', 'notlocalhost.example:5432');
    assert.equal(threatsIn(word, 'cleartext-disclosure')[0].likelihood.level, 'Medium');
    // A description that mentions localhost in prose gives no address: it says nothing of where the flow runs.
    const prose = plain.replace('db.internal:5432', 'pointed at localhost in development; in production it crosses the VPC to RDS');
    assert.equal(threatsIn(prose, 'cleartext-disclosure')[0].likelihood.level, 'Medium');
    assert.equal(threatsIn(plain.replace('db.internal:5432', 'postgres://localhost/app'), 'cleartext-disclosure')[0].likelihood.level, 'Low');
  });

  it('keeps a finding whose flows mix a loopback hop with a network one at the network\'s likelihood', () => {
    const body = `elements:\n  app: { type: service }\n  db: { tech: postgres }\n  cache: { tech: redis }\nflows:\n  - app -> db: { protocol: postgres, description: 'localhost:5432' }\n  - app -> cache: redis\n`;
    const levels = threatsIn(body, 'cleartext-disclosure').map((t) => t.likelihood.level);
    assert.deepEqual(levels, ['Medium']);
  });
});
