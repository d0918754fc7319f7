// Session 18 (review findings 4, 5, 6, 13): one enumeration threat per element naming its endpoints; an admin API
// route signed-in users reach is broken function-level authorization (a role check), not a VPN finding; routes
// declared on a reverse proxy are judged on the application behind it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText, MODEL_HEAD as HEAD } from './harness.js';

const keysOf = (r: AnalysisResult, ...rules: string[]) => r.threats.filter((t) => rules.includes(t.ruleId)).map((t) => t.key).sort();
const threat = (r: AnalysisResult, key: string): Threat => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `no ${key}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t;
};

const AUTH_API = `${HEAD}elements:
  browser: { tech: browser }
  api:
    type: api
    endpoints:
      POST /register: { public: true }
      POST /login: { public: true }
      POST /password/forgot: { public: true }
      GET /orders: { auth: jwt }
flows:
  - browser -> api: https
`;

describe('account-enumeration: one threat per element, naming each endpoint', () => {
  const r = analyzeText(AUTH_API);

  it('reports one threat on the element with an evidence line per endpoint', () => {
    assert.deepEqual(keysOf(r, 'account-enumeration'), ['account-enumeration@api']);
    const t = threat(r, 'account-enumeration@api');
    assert.equal(t.endpoint, undefined);
    assert.equal(t.title, 'Email enumeration on POST /register, POST /login, POST /password/forgot');
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'POST /register is a register endpoint',
      'POST /login is a login endpoint',
      'POST /password/forgot is a password-reset endpoint',
      'no generic-responses on POST /register, POST /login, POST /password/forgot on api',
    ]);
    assert.deepEqual(t.evidence.slice(0, 3).map((e) => e.line), [8, 9, 10]);
  });

  it('is rated at the worst endpoint: High when any one is reachable from the internet', () => {
    assert.equal(threat(r, 'account-enumeration@api').likelihood.level, 'High');
    // Only the login is reachable from the internet (the others only by the internal admin tool, which an
    // allow-list on each route enforces: `callers` alone state intent and restrict no one).
    const mixed = analyzeText(AUTH_API.replace('POST /register: { public: true }', 'POST /register: { public: true, callers: [tool], controls: [ip-allowlist] }')
      .replace('POST /password/forgot: { public: true }', 'POST /password/forgot: { public: true, callers: [tool], controls: [ip-allowlist] }')
      .replace('  browser: { tech: browser }\n', '  browser: { tech: browser }\n  tool: { type: service }\n'));
    const t = threat(mixed, 'account-enumeration@api');
    assert.equal(t.likelihood.level, 'High');
    assert.deepEqual(t.evidence.map((e) => e.fact).slice(0, -1), ['POST /login is a login endpoint']);
  });

  it('leaves out an endpoint that answers generically, and is mitigated when all do', () => {
    const some = analyzeText(AUTH_API.replace('POST /login: { public: true }', 'POST /login: { public: true, controls: [generic-responses] }'));
    assert.equal(threat(some, 'account-enumeration@api').title, 'Email enumeration on POST /register, POST /password/forgot');
    const all = analyzeText(AUTH_API.replace('    endpoints:\n', '    controls: [generic-responses]\n    endpoints:\n'));
    assert.deepEqual(keysOf(all, 'account-enumeration'), []);
  });

  it('keeps the single-endpoint wording of before for one endpoint', () => {
    const single = analyzeText(`${HEAD}elements:\n  browser: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /register: { public: true }\nflows:\n  - browser -> api: https\n`);
    const t = threat(single, 'account-enumeration@api');
    assert.equal(t.title, 'Email enumeration on /register');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['/register is a register endpoint', 'no generic-responses on /register on api']);
  });

  it('reports nothing for an element no untrusted zone reaches', () => {
    const internal = analyzeText(AUTH_API.replace('flows:\n  - browser -> api: https\n', ''));
    assert.deepEqual(keysOf(internal, 'account-enumeration'), []);
  });
});

describe('account-enumeration: decisions under the old per-endpoint keys move to the element key', () => {
  const r = analyzeText(AUTH_API);

  it('maps each endpoint the threat names to the element key', () => {
    const old = ['account-enumeration@api:POST /register', 'account-enumeration@api:POST /login', 'account-enumeration@api:POST /password/forgot'];
    const changes = keyChanges(r, old);
    for (const k of old) {
      const c = changes.get(k);
      assert.equal(c?.kind, 'moved', k);
      assert.equal(c?.kind === 'moved' ? c.newKey : undefined, 'account-enumeration@api');
    }
  });

  it('does not move a key for an endpoint the threat does not name (not an enumeration endpoint, or mitigated)', () => {
    const some = analyzeText(AUTH_API.replace('POST /login: { public: true }', 'POST /login: { public: true, controls: [generic-responses] }'));
    const changes = keyChanges(some, ['account-enumeration@api:POST /login', 'account-enumeration@api:GET /orders']);
    assert.deepEqual([...changes.keys()], []);
  });

  it('moves a sign-up under /auth/ the threat still names, and retires the one-time-code check it no longer does', () => {
    const auth = analyzeText(`${HEAD}elements:\n  browser: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /auth/signup: { public: true }\n      POST /auth/v2/check-otp: { public: true }\nflows:\n  - browser -> api: https\n`);
    const changes = keyChanges(auth, ['account-enumeration@api:POST /auth/signup', 'account-enumeration@api:POST /auth/v2/check-otp']);
    assert.equal(changes.get('account-enumeration@api:POST /auth/signup')?.kind, 'moved');
    assert.equal(changes.get('account-enumeration@api:POST /auth/v2/check-otp')?.kind, 'retired');
  });

  it('applies the most conservative of several old decisions covering all its endpoints, none left stale', () => {
    const parsed = parseTriage(
      'threats:\n  account-enumeration@api:POST /login: { status: accepted, reason: generic page planned }\n  account-enumeration@api:POST /register: { status: mitigating, ticket: SEC-1 }\n'
        + '  account-enumeration@api:POST /password/forgot: { status: accepted, reason: generic page planned }\n',
      'fixture.triage.yaml',
    );
    assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
    const applied = applyTriage(r, parsed.triage, { today: '2026-11-30' });
    assert.equal(threat(applied, 'account-enumeration@api').triage?.status, 'mitigating');
    assert.deepEqual(applied.triage!.stale, []);
    assert.deepEqual(applied.triage!.migrated?.map((m) => [m.oldKey, m.key]), [
      ['account-enumeration@api:POST /login', 'account-enumeration@api'],
      ['account-enumeration@api:POST /register', 'account-enumeration@api'],
      ['account-enumeration@api:POST /password/forgot', 'account-enumeration@api'],
    ]);
  });
});

/** The review's r1: an admin list on an API next to user routes. */
const ADMIN_API = `${HEAD}assets:
  pii: { name: Profiles, type: pii, classification: confidential }
elements:
  browser: { tech: browser }
  api:
    type: api
    tech: spring
    auth: jwt
    endpoints:
      POST /auth/login: { public: true }
      GET /user/profile: {}
      GET /management/users/all: { returns: [pii] }
flows:
  - browser -> api: https
`;

describe('an admin API route signed-in users reach: function-level authorization, one threat', () => {
  const r = analyzeText(ADMIN_API);

  it('reports missing-authorization framed as OWASP API5 with a role check, and no VPN finding for the same route', () => {
    assert.deepEqual(keysOf(r, 'exposed-admin-interface', 'missing-authorization', 'broken-object-level-authorization'), ['missing-authorization@api']);
    const t = threat(r, 'missing-authorization@api');
    assert.match(t.description, /an admin API route \(GET \/management\/users\/all\).*broken function-level authorization \(OWASP API5\)/);
    assert.match(t.mitigation, /^Check the caller's role in api on every admin route/);
    assert.doesNotMatch(t.mitigation, /^Put .* behind a VPN/);
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'GET /management/users/all is an admin endpoint', 'GET /user/profile serves ordinary callers', 'no authorization on api',
    ]);
  });

  it('gives the framework\'s own role check for a known tech, and none for an unknown one', () => {
    assert.match(threat(r, 'missing-authorization@api').mitigationSteps?.[0] ?? '', /^Spring Security: .*hasRole\("ADMIN"\)/);
    const django = analyzeText(ADMIN_API.replace('tech: spring', 'tech: django').replace('type: api\n', 'type: service\n'));
    assert.match(threat(django, 'missing-authorization@api').mitigationSteps?.[0] ?? '', /IsAdminUser/);
    const go = analyzeText(ADMIN_API.replace('tech: spring', 'tech: go'));
    assert.equal(threat(go, 'missing-authorization@api').mitigationSteps, undefined);
  });

  it('keeps exposed-admin-interface and its network advice for an admin page (no method, no /api/)', () => {
    const page = analyzeText(`${HEAD}elements:\n  browser: { tech: browser }\n  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      /admin: {}\n      /orders: {}\nflows:\n  - browser -> app: https\n`);
    assert.deepEqual(keysOf(page, 'exposed-admin-interface', 'missing-authorization'), ['exposed-admin-interface@app:/admin', 'missing-authorization@app']);
    assert.doesNotMatch(threat(page, 'missing-authorization@app').description, /OWASP API5/);
  });

  it('keeps exposed-admin-interface for an admin API with no ordinary routes (a management API) and for a public admin route', () => {
    const mgmt = analyzeText(ADMIN_API.replace('      POST /auth/login: { public: true }\n      GET /user/profile: {}\n', ''));
    assert.deepEqual(keysOf(mgmt, 'exposed-admin-interface', 'missing-authorization'), ['exposed-admin-interface@api:GET /management/users/all']);
    const open = analyzeText(ADMIN_API.replace('{ returns: [pii] }', '{ public: true, returns: [pii] }'));
    assert.ok(keysOf(open, 'exposed-admin-interface').includes('exposed-admin-interface@api:GET /management/users/all'));
  });

  it('leaves the route to exposed-admin-interface when a model disables missing-authorization', () => {
    const off = analyzeText(`${ADMIN_API}rules:\n  disable: [missing-authorization]\n`);
    assert.deepEqual(keysOf(off, 'exposed-admin-interface', 'missing-authorization'), ['exposed-admin-interface@api:GET /management/users/all']);
  });

  it('is mitigated by a declared role check, and still no VPN finding for the route (its old key retired)', () => {
    const checked = analyzeText(ADMIN_API.replace('    auth: jwt\n', '    auth: jwt\n    controls: [authorization]\n'));
    assert.deepEqual(keysOf(checked, 'exposed-admin-interface', 'missing-authorization'), []);
    const old = 'exposed-admin-interface@api:GET /management/users/all';
    assert.equal(keyChanges(checked, [old]).get(old)?.kind, 'retired');
    // A VPN, not a role check, ends the finding on an admin page: its old key is not retired.
    const page = analyzeText(`${HEAD}elements:\n  browser: { tech: browser }\n  app:\n    type: web-app\n    controls: [vpn, authorization]\n    endpoints:\n      /admin: { auth: session-cookie }\nflows:\n  - browser -> app: https\n`);
    assert.deepEqual([...keyChanges(page, ['exposed-admin-interface@app:/admin']).keys()], []);
  });

  it('retires a decision on the old exposed-admin-interface key of the route, and not on a route still reported', () => {
    const c = keyChanges(r, ['exposed-admin-interface@api:GET /management/users/all']).get('exposed-admin-interface@api:GET /management/users/all');
    assert.equal(c?.kind, 'retired');
    assert.match(c?.kind === 'retired' ? c.migration.note : '', /function-level authorization/);
    const page = analyzeText(`${HEAD}elements:\n  browser: { tech: browser }\n  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      /admin: {}\n      /orders: {}\nflows:\n  - browser -> app: https\n`);
    assert.deepEqual([...keyChanges(page, ['exposed-admin-interface@app:/admin']).keys()], []);
  });
});

/** The review's r4: routes declared on nginx in front of one API. */
const PROXY = `${HEAD}elements:
  browser: { tech: browser }
  proxy:
    type: reverse-proxy
    tech: nginx
    auth: jwt
    endpoints:
      DELETE /admin/videos/{id}: {}
      GET /videos: {}
  backend: { type: api, tech: express }
flows:
  - browser -> proxy: https
  - proxy -> backend: https
`;

describe('routes on a reverse proxy are judged on the application behind it', () => {
  it('reports missing-authorization on the one backend, with evidence naming the proxy route and the backend', () => {
    const r = analyzeText(PROXY);
    assert.deepEqual(keysOf(r, 'missing-authorization', 'exposed-admin-interface'), ['missing-authorization@backend']);
    const t = threat(r, 'missing-authorization@backend');
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'DELETE /admin/videos/{id} on proxy is an admin endpoint, served by backend',
      'GET /videos on proxy serves ordinary callers, served by backend',
      'proxy -> backend forwards requests',
      'no authorization on backend',
    ]);
    assert.match(t.mitigationSteps?.[0] ?? '', /^Express: a role middleware/);
    // The proxy route's old VPN finding is retired: missing-authorization names it now.
    assert.equal(keyChanges(r, ['exposed-admin-interface@proxy:DELETE /admin/videos/{id}']).get('exposed-admin-interface@proxy:DELETE /admin/videos/{id}')?.kind, 'retired');
  });

  it('reports nothing when nothing running our code is behind the proxy, as before', () => {
    const r = analyzeText(PROXY.replace('  backend: { type: api, tech: express }\n', '  backend: { tech: s3 }\n'));
    assert.deepEqual(keysOf(r, 'missing-authorization'), []);
  });

  it('does not double-report a route the backend declares itself', () => {
    const r = analyzeText(PROXY.replace('  backend: { type: api, tech: express }\n', '  backend:\n    type: api\n    auth: jwt\n    endpoints:\n      DELETE /admin/videos/{id}: {}\n      GET /health: {}\n'));
    const t = threat(r, 'missing-authorization@backend');
    assert.deepEqual(t.evidence.filter((e) => /admin endpoint/.test(e.fact)).map((e) => e.fact), ['DELETE /admin/videos/{id} is an admin endpoint']);
    assert.deepEqual(keysOf(r, 'missing-authorization'), ['missing-authorization@backend']);
  });

  it('places routes by the path segment naming one of several backends', () => {
    const two = analyzeText(`${HEAD}elements:
  browser: { tech: browser }
  web:
    type: reverse-proxy
    auth: jwt
    endpoints:
      DELETE /identity/api/admin/videos/{id}: {}
      GET /identity/api/user/videos: {}
      GET /workshop/api/shop/products: {}
  crapi-identity: { type: service, tech: spring }
  crapi-workshop: { type: service, tech: django }
flows:
  - browser -> web: https
  - web -> crapi-identity: http
  - web -> crapi-workshop: http
`);
    assert.deepEqual(keysOf(two, 'missing-authorization'), ['missing-authorization@crapi-identity']);
    assert.match(threat(two, 'missing-authorization@crapi-identity').mitigationSteps?.[0] ?? '', /^Spring Security/);
  });

  it('reports one threat on the proxy naming the backends when no route says which one serves it', () => {
    const two = analyzeText(PROXY.replace('  backend: { type: api, tech: express }\n', '  backend: { type: api, tech: express }\n  other: { type: api }\n')
      .replace('  - proxy -> backend: https\n', '  - proxy -> backend: https\n  - proxy -> other: https\n'));
    assert.deepEqual(keysOf(two, 'missing-authorization', 'exposed-admin-interface'), ['missing-authorization@proxy']);
    const t = threat(two, 'missing-authorization@proxy');
    assert.equal(t.title, 'Privilege escalation to admin functions behind proxy');
    assert.match(t.description, /to backend, other; the model does not say which of them serves each route/);
    const checked = analyzeText(PROXY.replace('  backend: { type: api, tech: express }\n', '  backend: { type: api, controls: [authorization] }\n  other: { type: api, controls: [authorization] }\n')
      .replace('  - proxy -> backend: https\n', '  - proxy -> backend: https\n  - proxy -> other: https\n'));
    assert.deepEqual(keysOf(checked, 'missing-authorization', 'exposed-admin-interface'), []);
  });
});
