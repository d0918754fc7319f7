// Session 22 (authz): a role check declared on the admin routes themselves, software run as shipped, the ownership
// check of the application behind a gateway, and one exposed-admin-interface finding per element.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges, type MovedKeys } from '../../src/track/key-migrations.js';
import { analyzeText, coverageCell, evidenceFacts, MODEL_HEAD as HEAD, noThreat, onlyThreat, threatsIn } from './harness.js';

const keysOf = (r: AnalysisResult, rule: string) => r.threats.filter((t) => t.ruleId === rule).map((t) => t.key).sort();

// --- 1. missing-authorization ----------------------------------------------------------------------------------

/** A Django site whose /admin is signed in through OIDC; `adminControls` are the controls of /admin. */
const django = (adminControls: string, extra = '') => `elements:
  user: { type: user }
  staff: { type: admin }
  web:
    tech: django
    auth: session-cookie
    endpoints:
      /account: {}
      /admin: { auth: oidc${adminControls ? `, controls: [${adminControls}]` : ''} }
${extra}flows:
  - user -> web: https
  - staff -> web: https
`;

describe('authz-s22: missing-authorization credits the role check declared on the admin routes', () => {
  it('is mitigated when the only admin route declares authorization (the reviewed model)', () => {
    noThreat(django('authorization, mfa, ip-allowlist'), 'missing-authorization');
    const cell = coverageCell(django('authorization, mfa, ip-allowlist'), 'web', 'E');
    assert.equal(cell.status, 'mitigated');
    assert.match(JSON.stringify(cell), /\/admin checks the caller's role/);
  });

  it('is still reported when the admin route declares other controls but no role check', () => {
    const t = onlyThreat(django('mfa, ip-allowlist'), 'missing-authorization');
    assert.equal(t.key, 'missing-authorization@web');
    assert.equal(t.risk, 'High');
  });

  it('names only the admin routes without a role check when some declare one', () => {
    const body = `elements:
  visitor: { tech: browser }
  app:
    type: api
    auth: jwt
    endpoints:
      GET /api/orders: {}
      DELETE /api/admin/users/{id}: { kind: admin, controls: [authorization] }
      POST /api/admin/refunds: { kind: admin }
flows:
  - visitor -> app: https
`;
    const t = onlyThreat(body, 'missing-authorization');
    assert.match(t.description, /POST \/api\/admin\/refunds/);
    assert.doesNotMatch(t.description, /DELETE \/api\/admin\/users/);
    noThreat(body.replace('POST /api/admin/refunds: { kind: admin }', 'POST /api/admin/refunds: { kind: admin, controls: [authorization] }'), 'missing-authorization');
  });

  it('credits a role check declared on each admin route of a proxy with several applications behind it', () => {
    const body = (controls: string) => `elements:
  visitor: { tech: browser }
  edge:
    type: reverse-proxy
    auth: jwt
    endpoints:
      DELETE /admin/users/{id}: { kind: admin${controls} }
      GET /profile: {}
  identity: { type: api }
  shop: { type: api }
flows:
  - visitor -> edge: https
  - edge -> identity: http
  - edge -> shop: http
`;
    assert.deepEqual(threatsIn(body(''), 'missing-authorization').map((t) => t.key), ['missing-authorization@edge']);
    noThreat(body(', controls: [authorization]'), 'missing-authorization');
  });

  it('does not credit a role check on a gateway route that admins and users can bypass by calling the application', () => {
    const body = `elements:
  user: { type: user }
  staff: { type: admin }
  gw:
    type: reverse-proxy
    auth: jwt
    endpoints:
      DELETE /admin/users/{id}: { kind: admin, controls: [authorization] }
      GET /profile: {}
  app: { type: api }
flows:
  - user -> gw: https
  - user -> app: https
  - staff -> app: https
  - gw -> app: http
`;
    assert.equal(onlyThreat(body, 'missing-authorization').key, 'missing-authorization@app');
    noThreat(body.replace('  - user -> app: https\n  - staff -> app: https\n', '  - staff -> gw: https\n'), 'missing-authorization');
  });

  it('skips software run as shipped (off-the-shelf: an identity provider such as Keycloak), not our own application', () => {
    const idp = (tech: string) => `elements:
  user: { type: user }
  staff: { type: admin }
  sso:
    tech: ${tech}
    auth: oidc
    endpoints:
      /admin: {}
      /realms/main/account: {}
flows:
  - user -> sso: https
  - staff -> sso: https
`;
    noThreat(idp('keycloak'), 'missing-authorization');
    assert.equal(onlyThreat(idp('node'), 'missing-authorization').key, 'missing-authorization@sso');
    // Its admin console open to the internet is still a finding: the network advice, not a role check of ours.
    assert.deepEqual(threatsIn(idp('keycloak'), 'exposed-admin-interface').map((t) => t.key), ['exposed-admin-interface@sso:/admin']);
  });
});

// --- 2. broken-object-level-authorization on routes declared on a gateway ---------------------------------------

/** An API gateway route served by a Lambda function; `fnControls` are the function's controls. */
const gateway = (fnControls: string, route = 'GET /orders/{orderId}: { returns: [orders] }') => `assets:
  orders: { type: pii, classification: confidential }
elements:
  visitor: { tech: browser }
  gw:
    tech: api-gateway
    auth: jwt
    endpoints:
      ${route}
  orders-fn: { tech: lambda${fnControls ? `, controls: [${fnControls}]` : ''} }
  table: { tech: dynamodb }
flows:
  - visitor -> gw: https
  - gw -> orders-fn: https
  - orders-fn -> table: https
`;

describe('authz-s22: broken-object-level-authorization credits the application that serves a gateway route', () => {
  it('is mitigated by object-level-authorization on the function behind the gateway (the reviewed model)', () => {
    noThreat(gateway('object-level-authorization'), 'broken-object-level-authorization');
    const cell = coverageCell(gateway('object-level-authorization'), 'gw', 'E');
    assert.match(JSON.stringify(cell), /checked against its owner in orders-fn, which serves it/);
  });

  it('is reported, naming the function as a place for the check, when neither declares it', () => {
    const t = onlyThreat(gateway(''), 'broken-object-level-authorization');
    assert.equal(t.key, 'broken-object-level-authorization@gw:GET /orders/{orderId}');
    assert.equal(t.risk, 'Critical');
    assert.ok(evidenceFacts(t).includes('no object-level-authorization on GET /orders/{orderId} on gw or on orders-fn, which serves it'), evidenceFacts(t).join('\n'));
  });

  it('credits it as well for an object id in the path that names no data', () => {
    const route = 'DELETE /orders/{orderId}: {}';
    assert.equal(threatsIn(gateway('', route), 'broken-object-level-authorization').length, 1);
    noThreat(gateway('object-level-authorization', route), 'broken-object-level-authorization');
  });

  it('asks every application behind when the model does not say which one serves the route', () => {
    const body = (a: string, b: string) => `assets:
  orders: { type: pii, classification: confidential }
elements:
  visitor: { tech: browser }
  gw:
    tech: api-gateway
    auth: jwt
    endpoints:
      GET /v1/{orderId}: { returns: [orders] }
  alpha: { type: api${a} }
  beta: { type: api${b} }
flows:
  - visitor -> gw: https
  - gw -> alpha: https
  - gw -> beta: https
`;
    const olac = ', controls: [object-level-authorization]';
    noThreat(body(olac, olac), 'broken-object-level-authorization');
    const t = onlyThreat(body(olac, ''), 'broken-object-level-authorization');
    assert.ok(evidenceFacts(t).some((f) => f.endsWith('or on beta, which may serve it')), evidenceFacts(t).join('\n'));
  });

  it('credits authentication declared by the application behind a public gateway route that deletes objects', () => {
    const route = 'DELETE /orders/{orderId}: { public: true }';
    assert.deepEqual(threatsIn(gateway('', route), 'unauthenticated-object-change').map((t) => t.key), ['unauthenticated-object-change@gw:DELETE /orders/{orderId}']);
    noThreat(gateway('authentication', route), 'unauthenticated-object-change');
  });
});

// --- 3. exposed-admin-interface: one finding per element ---------------------------------------------------------

const adminGateway = (auth: string, routes: readonly string[]) => `elements:
  ops: { type: admin, tech: browser }
  admin-gw:
    tech: api-gateway
    auth: ${auth}
    endpoints:
${routes.map((r) => `      ${r}\n`).join('')}  backend: { type: service }
flows:
  - ops -> admin-gw: https
  - admin-gw -> backend: https
`;
const TWO = ['/admin/users: { kind: admin }', '/admin/orders: { kind: admin }'];

describe('authz-s22: exposed-admin-interface reports one finding per element', () => {
  it('names every open admin route of the element in one finding, not an "Admin panel"', () => {
    const t = onlyThreat(adminGateway('session-cookie', TWO), 'exposed-admin-interface');
    assert.equal(t.key, 'exposed-admin-interface@admin-gw');
    assert.equal(t.title, 'Admin routes /admin/users, /admin/orders reachable without VPN or IP allow-list');
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.risk, 'Critical');
    assert.deepEqual(evidenceFacts(t).slice(0, 2), ['/admin/users is an admin endpoint', '/admin/orders is an admin endpoint']);
  });

  it('keeps the route\'s key, and says admin interface, when one route is open', () => {
    const t = onlyThreat(adminGateway('session-cookie', TWO.slice(0, 1)), 'exposed-admin-interface');
    assert.equal(t.key, 'exposed-admin-interface@admin-gw:/admin/users');
    assert.equal(t.title, 'Admin interface /admin/users reachable without VPN or IP allow-list');
    assert.doesNotMatch(t.title, /panel/i);
  });

  it('mitigates a route behind an allow-list on its own and keys the one left open on its route', () => {
    const routes = ['/admin/users: { kind: admin, controls: [ip-allowlist] }', TWO[1]];
    assert.equal(onlyThreat(adminGateway('session-cookie', routes), 'exposed-admin-interface').key, 'exposed-admin-interface@admin-gw:/admin/orders');
    noThreat(adminGateway('session-cookie', [routes[0], '/admin/orders: { kind: admin, controls: [vpn] }']), 'exposed-admin-interface');
  });

  it('rates the likelihood Medium when every route takes a credential that cannot be guessed or phished (iam, mtls, ssh-key)', () => {
    for (const auth of ['iam', 'mtls', 'ssh-key']) {
      const t = onlyThreat(adminGateway(auth, TWO), 'exposed-admin-interface');
      assert.equal(t.likelihood.level, 'Medium', auth);
      assert.match(t.likelihood.reason, /cannot be guessed or phished like a password/);
      assert.equal(t.risk, 'High');
    }
  });

  it('keeps it High when one route takes a password-like credential', () => {
    const routes = ['/admin/users: { kind: admin }', '/admin/orders: { kind: admin, auth: basic }'];
    const t = onlyThreat(adminGateway('iam', routes), 'exposed-admin-interface');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.description, /\/admin\/users behind iam only, \/admin\/orders behind basic only/);
  });

  it('rates Low a route reachable only through other components that takes a client certificate', () => {
    const body = `boundaries:
  internet: { trust: untrusted }
  dc: { trust: internal }
elements:
  ops: { type: admin, tech: browser, in: internet }
  portal: { type: web-app, in: dc }
  console:
    type: service
    in: dc
    auth: mtls
    endpoints:
      /admin: { kind: admin }
flows:
  - ops -> portal: https
  - portal -> console: https
`;
    const t = onlyThreat(body, 'exposed-admin-interface');
    assert.equal(t.likelihood.level, 'Low');
    assert.match(t.likelihood.reason, /client certificate.*it is reachable only through other components/);
    assert.equal(onlyThreat(body.replace('auth: mtls', 'auth: password'), 'exposed-admin-interface').likelihood.level, 'Medium');
  });

  it('names each route where it is declared, so that a decision taken on a route\'s old key can follow it', () => {
    const moved: MovedKeys = {
      kind: 'moved', rule: 'exposed-admin-interface', since: '0.1.0', oldShape: 'per route', newShape: 'per element',
      resolve: 'endpoint-to-element', note: 'test',
    };
    const r = analyzeText(HEAD + adminGateway('session-cookie', TWO));
    assert.deepEqual(keysOf(r, 'exposed-admin-interface'), ['exposed-admin-interface@admin-gw']);
    const old = ['exposed-admin-interface@admin-gw:/admin/users', 'exposed-admin-interface@admin-gw:/admin/orders'];
    const changes = keyChanges(r, old, [moved]);
    const newKeyOf = (k: string) => {
      const c = changes.get(k);
      return c?.kind === 'moved' ? c.newKey : undefined;
    };
    assert.deepEqual(old.map(newKeyOf), ['exposed-admin-interface@admin-gw', 'exposed-admin-interface@admin-gw']);
  });
});
