// Session 18 fix wave (review findings 7, 8, 9, 13): routes on a proxy are placed by whole words of the
// application's name, a gateway's own role check covers the routes declared on it, lists in texts stay
// bounded, and the per-endpoint questions are answered once per element per analysis.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildContext } from '../../src/analysis/context.js';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { servedEndpoints } from '../../src/analysis/rules/authorization.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { buildGraph } from '../../src/model/graph.js';
import { analyzeText, loadText, MODEL_HEAD as HEAD, runOnly } from './harness.js';

const keysOf = (r: AnalysisResult, rule: string) => r.threats.filter((t) => t.ruleId === rule).map((t) => t.key).sort();
const threat = (r: AnalysisResult, key: string): Threat => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `no ${key}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t;
};
const AUTHZ = BUILTIN_RULES.filter((r) => r.id === 'missing-authorization');

/** A reverse proxy (or gateway) whose routes are written out, with the applications behind it. */
function proxied(routes: readonly string[], apps: readonly string[], edge: readonly string[] = ['type: reverse-proxy']): string {
  return `${HEAD}elements:
  visitor: { tech: browser }
  edge:
${edge.map((line) => `    ${line}\n`).join('')}    endpoints:
${routes.map((r) => `      ${r}\n`).join('')}${apps.map((a) => `  ${a}: { type: api }\n`).join('')}flows:
  - visitor -> edge: https
${apps.map((a) => `  - edge -> ${a}: http\n`).join('')}`;
}

describe('missing-authorization: a route\'s first segment names the application by whole words in a row', () => {
  const routes = (first: string) => [
    `DELETE /${first}/admin/users/{id}: { auth: jwt, kind: admin }`,
    `GET /${first}/profile: { auth: jwt }`,
    'GET /order-service/orders: { auth: jwt }',
  ];
  const apps = ['user-service', 'order-service'];

  it('places /user-service/... on user-service (a hyphen in the segment)', () => {
    const r = analyzeText(proxied(routes('user-service'), apps));
    assert.deepEqual(keysOf(r, 'missing-authorization'), ['missing-authorization@user-service']);
    assert.match(threat(r, 'missing-authorization@user-service').description, /\(DELETE \/user-service\/admin\/users\/\{id\} on edge\)/);
  });

  it('places nothing on a segment two applications hold, or words out of order: one finding on the proxy', () => {
    for (const first of ['service', 'service-user']) {
      const r = analyzeText(proxied(routes(first), apps));
      assert.deepEqual(keysOf(r, 'missing-authorization'), ['missing-authorization@edge'], first);
    }
  });

  it('does not take a longer name for a word: /svc1/ is not svc12\'s', () => {
    const r = analyzeText(proxied(['DELETE /svc1/x/{id}: { auth: jwt, kind: admin }', 'GET /svc1/y: { auth: jwt }'], ['svc12', 'svc1']));
    assert.deepEqual(keysOf(r, 'missing-authorization'), ['missing-authorization@svc1']);
  });
});

describe('missing-authorization: a gateway\'s own authorization covers the routes declared on it', () => {
  const routes = [
    'DELETE /users/admin/{id}: { auth: jwt, kind: admin }',
    'GET /users/me: { auth: jwt }',
    'GET /orders/list: { auth: jwt }',
  ];
  const apps = ['users', 'orders'];
  const gateway = (controls: string) => ['type: gateway', `controls: [${controls}]`];

  it('mitigates the application behind a gateway that checks roles', () => {
    const text = proxied(routes, apps, gateway('authorization, token-validation'));
    assert.deepEqual(keysOf(analyzeText(text), 'missing-authorization'), []);
    const run = runOnly(text, AUTHZ);
    assert.deepEqual(run.mitigations.map((m) => [m.component, m.reason]), [['users', 'edge checks the caller\'s role on the admin routes']]);
  });

  it('still reports the application behind a gateway that only validates tokens', () => {
    const r = analyzeText(proxied(routes, apps, gateway('token-validation')));
    assert.deepEqual(keysOf(r, 'missing-authorization'), ['missing-authorization@users']);
  });

  it('still reports an admin route the application declares itself, next to the gateway\'s checked ones', () => {
    const text = proxied(routes, apps, gateway('authorization')).replace('  users: { type: api }\n',
      '  users:\n    type: api\n    endpoints:\n      DELETE /api/admin/purge: { auth: jwt, kind: admin }\n');
    const t = threat(analyzeText(text), 'missing-authorization@users');
    assert.match(t.description, /\(DELETE \/api\/admin\/purge\)/);
    assert.doesNotMatch(t.description, /users\/admin/);
  });

  const unplaced = ['DELETE /admin/{id}: { auth: jwt, kind: admin }', 'GET /me: { auth: jwt }'];
  it('mitigates unplaced routes on a gateway that checks roles', () => {
    const text = proxied(unplaced, apps, gateway('authorization'));
    assert.deepEqual(keysOf(analyzeText(text), 'missing-authorization'), []);
    assert.deepEqual(runOnly(text, AUTHZ).mitigations.map((m) => [m.component, m.reason]), [['edge', 'edge checks the caller\'s role on its routes']]);
  });

  it('reports unplaced routes on a gateway that does not', () => {
    assert.deepEqual(keysOf(analyzeText(proxied(unplaced, apps, gateway('token-validation'))), 'missing-authorization'), ['missing-authorization@edge']);
  });
});

describe('texts name at most TEXT_NAMES routes, applications and endpoints', () => {
  const adminRoutes = (n: number) => Array.from({ length: n }, (_, i) => `      DELETE /api/admin/t${i}/{id}: { auth: jwt, kind: admin }\n`).join('');
  const api = (n: number) => `${HEAD}elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
${adminRoutes(n)}      GET /api/orders: { auth: jwt }
flows:
  - visitor -> api: https
`;

  it('cuts a long list of admin routes short', () => {
    const t = threat(analyzeText(api(30)), 'missing-authorization@api');
    assert.match(t.description, /DELETE \/api\/admin\/t9\/\{id\} and 20 other admin routes\)/);
    assert.doesNotMatch(t.description, /t10\//);
  });

  it('names eleven admin routes in full', () => {
    const t = threat(analyzeText(api(11)), 'missing-authorization@api');
    assert.match(t.description, /DELETE \/api\/admin\/t10\/\{id\}\)/);
    assert.doesNotMatch(t.description, /other admin routes/);
  });

  const apps = (n: number) => Array.from({ length: n }, (_, i) => `app${i}`);
  const unplaced = ['DELETE /admin/{id}: { auth: jwt, kind: admin }', 'GET /me: { auth: jwt }'];

  it('cuts the applications behind a proxy short', () => {
    const t = threat(analyzeText(proxied(unplaced, apps(25))), 'missing-authorization@edge');
    assert.match(t.description, /to app0, app1, .*app9 and 15 other applications;/);
    assert.ok(t.evidence.some((e) => e.fact === 'no authorization on app0, app1, app2, app3, app4, app5, app6, app7, app8, app9 and 15 other applications'));
  });

  it('names a few applications in full', () => {
    const t = threat(analyzeText(proxied(unplaced, apps(3))), 'missing-authorization@edge');
    assert.match(t.description, /to app0, app1, app2;/);
    assert.ok(t.evidence.some((e) => e.fact === 'no authorization on app0, app1, app2'));
  });

  const logins = (n: number) => `${HEAD}elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
${Array.from({ length: n }, (_, i) => `      POST /login${i}: { public: true, kind: login }\n`).join('')}flows:
  - visitor -> api: https
`;
  const missingFact = (t: Threat) => t.evidence[t.evidence.length - 1].fact;

  it('cuts the endpoints without generic-responses short in account-enumeration\'s evidence', () => {
    const t = threat(analyzeText(logins(14)), 'account-enumeration@api');
    assert.equal(missingFact(t), `no generic-responses on ${Array.from({ length: 10 }, (_, i) => `POST /login${i}`).join(', ')} and 4 other endpoints on api`);
  });

  it('names two endpoints in full', () => {
    assert.equal(missingFact(threat(analyzeText(logins(2)), 'account-enumeration@api')), 'no generic-responses on POST /login0, POST /login1 on api');
  });
});

describe('served endpoints: computed once per element per analysis, never shared between analyses', () => {
  const text = proxied(['GET /a/x: { auth: jwt }', 'GET /b/y: { auth: jwt }'], ['a', 'b']);
  const contextOf = () => {
    const graph = buildGraph(loadText(text).model);
    return { ctx: buildContext(graph, findCrossings(graph)), a: graph.elements.get('a')! };
  };

  it('answers the same element twice with the same routes', () => {
    const { ctx, a } = contextOf();
    const first = servedEndpoints(ctx, a);
    assert.deepEqual(first?.endpoints.map((s) => `${s.ep.key} ${s.via?.id}`), ['GET /a/x edge']);
    assert.equal(servedEndpoints(ctx, a), first);
  });

  it('answers a new analysis afresh', () => {
    const one = contextOf();
    const two = contextOf();
    assert.notEqual(servedEndpoints(two.ctx, two.a), servedEndpoints(one.ctx, one.a));
  });

  it('places each of 2,000 routes on its own application', () => {
    const n = 2000;
    const routes = Array.from({ length: n }, (_, i) => `GET /svc${i}/items/{id}: { auth: jwt${i % 10 === 0 ? ', kind: admin' : ''} }`);
    const big = proxied(routes, Array.from({ length: n }, (_, i) => `svc${i}`));
    const graph = buildGraph(loadText(big).model);
    const ctx = buildContext(graph, findCrossings(graph));
    for (const i of [0, 1, 199, 1990, 1999]) {
      assert.deepEqual(servedEndpoints(ctx, graph.elements.get(`svc${i}`)!)?.endpoints.map((s) => s.ep.key), [`GET /svc${i}/items/{id}`]);
    }
    // Each application serves admin routes or ordinary ones, never both: no finding.
    assert.deepEqual(keysOf(analyzeText(big), 'missing-authorization'), []);
  });
});
