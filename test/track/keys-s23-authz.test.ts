// Keys session 23's authz changes stopped reporting: the object findings on an edge's route that the application
// behind it declares too are retired with their reason (the threat is reported on the application's endpoint);
// an edge route no application behind declares keeps its key, and nothing claims it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

function changeOf(r: AnalysisResult, key: string): string | undefined {
  const c = keyChanges(r, [key]).get(key);
  if (c === undefined) return undefined;
  return c.kind === 'moved' ? `moved ${c.newKey}` : `retired ${c.migration.when}`;
}

function stillReported(r: AnalysisResult, key: string): void {
  assert.ok(r.threats.some((t) => t.key === key), `${key} is not reported: ${r.threats.map((t) => t.key).join(', ')}`);
  assert.equal(changeOf(r, key), undefined);
}

/** A gateway in front of the orders service; `own` is what the service declares itself, `controls` on it. */
const gateway = (own: string, controls = '') => `${HEAD}assets:
  orders: { type: business, classification: confidential, integrity: high }
elements:
  visitor: { tech: browser }
  edge:
    type: gateway
    endpoints:
      GET /orders/{id}: { auth: jwt, returns: [orders] }
      PUT /orders/{id}: { public: true, accepts: [orders] }
  orders:
    type: service${controls}
    endpoints:
${own}flows:
  - visitor -> edge: https
  - edge -> orders: https
`;
const TWINS = '      GET /orders/{id}: { auth: jwt, returns: [orders] }\n      PUT /orders/{id}: { public: true, accepts: [orders] }\n';

describe('keys of session 23 (authz)', () => {
  it('retires the edge\'s object findings on a route the application behind declares too, reported there', () => {
    const r = analyzeText(gateway(TWINS));
    for (const [rule, route] of [['broken-object-level-authorization', 'GET /orders/{id}'], ['unauthenticated-object-change', 'PUT /orders/{id}']]) {
      assert.equal(changeOf(r, `${rule}@edge:${route}`), 'retired declared-behind');
      stillReported(r, `${rule}@orders:${route}`);
    }
    const c = keyChanges(r, ['broken-object-level-authorization@edge:GET /orders/{id}']).get('broken-object-level-authorization@edge:GET /orders/{id}');
    assert.match(c!.migration.note, /judged once, on the application's own endpoint/);
  });

  it('gives this reason, not the served control\'s, when the application also declares the control', () => {
    const r = analyzeText(gateway(TWINS, '\n    controls: [object-level-authorization, authentication]'));
    assert.equal(changeOf(r, 'broken-object-level-authorization@edge:GET /orders/{id}'), 'retired declared-behind');
    assert.equal(changeOf(r, 'unauthenticated-object-change@edge:PUT /orders/{id}'), 'retired declared-behind');
  });

  it('claims nothing when the application behind does not declare the route', () => {
    const r = analyzeText(gateway('      GET /health: { public: true }\n'));
    stillReported(r, 'broken-object-level-authorization@edge:GET /orders/{id}');
    stillReported(r, 'unauthenticated-object-change@edge:PUT /orders/{id}');
  });

  it('retires admin-without-mfa on an admin route taking the cookie that logins asking for MFA issue', () => {
    const web = (login: string) => `${HEAD}elements:
  ops: { type: admin, tech: browser }
  web:
    type: web-app
    endpoints:
      POST /login: { public: true${login} }
      /admin: { auth: session-cookie, controls: [vpn] }
flows:
  - ops -> web: https
`;
    assert.equal(changeOf(analyzeText(web(', controls: [mfa]')), 'admin-without-mfa@web:/admin'), 'retired login-mfa');
    stillReported(analyzeText(web('')), 'admin-without-mfa@web:/admin');
  });

  it('retires the phishing finding that named every application behind a shared load balancer', () => {
    const shared = (backoffice: string) => `${HEAD}elements:
  staff: { type: admin }
  customer: { type: user }
  alb: { tech: alb }
  backoffice: ${backoffice}
  shop-api: { type: api, auth: jwt }
flows:
  - staff -> alb: https
  - customer -> alb: https
  - alb -> backoffice: https
  - alb -> shop-api: https
`;
    // Staff sign in to the back office's admin routes: the admin rules' finding, not one naming the shop's API.
    const told = analyzeText(shared('{ type: web-app, auth: oidc, endpoints: { /admin: {} } }'));
    assert.equal(changeOf(told, 'privileged-user-phishing@staff'), 'retired staff-behind-edge');
    assert.match(keyChanges(told, ['privileged-user-phishing@staff']).get('privileged-user-phishing@staff')!.migration.note, /sign in where the model says they do/);
    // The model does not say which: the finding still names both, and nothing claims it.
    stillReported(analyzeText(shared('{ type: web-app, auth: oidc }')), 'privileged-user-phishing@staff');
  });
});
