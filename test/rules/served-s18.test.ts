// Session 18 (review finding 4): no-audit-log and missing-token-validation judge the routes declared on a reverse
// proxy on the application behind it that serves them, as missing-authorization does; the proxy runs none of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { analyzeText, coverageCell, MODEL_HEAD as HEAD } from './harness.js';

const RULES = ['no-audit-log', 'missing-token-validation'];
const keysOf = (r: AnalysisResult) => r.threats.filter((t) => RULES.includes(t.ruleId)).map((t) => t.key).sort();
const threat = (r: AnalysisResult, key: string): Threat => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `no ${key}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t;
};
const facts = (t: Threat) => t.evidence.map((e) => e.fact);

// The reviewer's r4: the routes (and the JWT) are written on nginx, the API behind it declares none.
const BODY = `elements:
  browser: { tech: browser }
  proxy:
    type: reverse-proxy
    tech: nginx
    auth: jwt
    endpoints:
      DELETE /admin/videos/{id}: {}
      GET /videos: {}
  backend: { type: api }
flows:
  - browser -> proxy: https
  - proxy -> backend: https
`;
const PROXIED = HEAD + BODY;

describe('routes declared on a reverse proxy: the application behind it gets the findings', () => {
  const r = analyzeText(PROXIED);

  it('reports no-audit-log and missing-token-validation on the backend, not on the proxy', () => {
    assert.deepEqual(keysOf(r), ['missing-token-validation@backend', 'no-audit-log@backend']);
  });

  it('names the admin route where it is written and the flow that forwards it', () => {
    const t = threat(r, 'no-audit-log@backend');
    assert.equal(t.description, 'backend takes DELETE /admin/videos/{id} on proxy without an audit log; who did what cannot be proven afterwards.');
    assert.deepEqual(facts(t), ['DELETE /admin/videos/{id} on proxy is served by backend', 'proxy -> backend forwards requests', 'no audit-logging on backend']);
    assert.equal(t.evidence[0].line, 10);
    // An admin route is an admin action: High, as on an application that declares it.
    assert.equal(t.impact.level, 'High');
  });

  it('shows the proxy route that takes the JWT as the token finding\'s evidence', () => {
    const t = threat(r, 'missing-token-validation@backend');
    assert.deepEqual(facts(t), ['DELETE /admin/videos/{id} on proxy accepts jwt, served by backend', 'proxy -> backend forwards requests', 'no token-validation on backend']);
  });

  it('is mitigated when the proxy validates the tokens, or the backend does', () => {
    const atProxy = analyzeText(PROXIED.replace('    auth: jwt\n', '    auth: jwt\n    controls: [token-validation]\n'));
    assert.deepEqual(keysOf(atProxy), ['no-audit-log@backend']);
    const atBackend = HEAD + BODY.replace('backend: { type: api }', 'backend: { type: api, controls: [token-validation, audit-logging] }');
    assert.deepEqual(keysOf(analyzeText(atBackend)), []);
    assert.deepEqual(coverageCell(BODY.replace('backend: { type: api }', 'backend: { type: api, controls: [token-validation] }'), 'backend', 'S').controls, ['token-validation']);
  });

  it('counts the proxy\'s outside callers as the backend\'s for signed-in routes that are not sensitive', () => {
    const ordinary = analyzeText(PROXIED.replace('      DELETE /admin/videos/{id}: {}\n', ''));
    const t = threat(ordinary, 'no-audit-log@backend');
    assert.equal(t.description, 'backend takes requests from external entities without an audit log; who did what cannot be proven afterwards.');
    assert.deepEqual(facts(t), ['browser -> proxy calls routes on proxy that backend serves', 'proxy -> backend forwards requests', 'no audit-logging on backend']);
    assert.equal(t.evidence[0].line, 13);
    assert.equal(t.impact.level, 'Medium');
  });

  it('rates actions High when an administrator calls the proxy routes the backend serves, Medium otherwise', () => {
    const ordinary = PROXIED.replace('      DELETE /admin/videos/{id}: {}\n', '');
    assert.equal(threat(analyzeText(ordinary), 'no-audit-log@backend').impact.level, 'Medium');
    const admin = ordinary.replace('  browser: { tech: browser }\n', '  browser: { tech: browser }\n  ops: { type: admin, tech: browser }\n')
      .replace('  - browser -> proxy: https\n', '  - browser -> proxy: https\n  - ops -> proxy: https\n');
    assert.equal(threat(analyzeText(admin), 'no-audit-log@backend').impact.level, 'High');
  });

  it('reports neither when the proxy routes take no token and none is sensitive', () => {
    const plain = analyzeText(PROXIED.replace('    auth: jwt\n', '').replace('DELETE /admin/videos/{id}: {}', 'GET /videos/{id}: { public: true }').replace('GET /videos: {}', 'GET /health: { kind: health }'));
    assert.deepEqual(keysOf(plain), []);
  });
});

describe('routes declared on a reverse proxy: counted once, and only for the application that serves them', () => {
  it('counts a route the backend also declares once, under the backend\'s own wording', () => {
    const both = analyzeText(PROXIED.replace('backend: { type: api }', 'backend:\n    type: api\n    endpoints:\n      DELETE /admin/videos/{id}: { auth: jwt }'));
    const audit = threat(both, 'no-audit-log@backend');
    assert.equal(audit.description, 'backend takes DELETE /admin/videos/{id} without an audit log; who did what cannot be proven afterwards.');
    assert.deepEqual(facts(audit), ['backend exposes DELETE /admin/videos/{id}', 'no audit-logging on backend']);
    // GET /videos is declared only on the proxy: the token finding names the backend's own route first.
    assert.deepEqual(facts(threat(both, 'missing-token-validation@backend')).slice(0, 1), ['DELETE /admin/videos/{id} on backend accepts jwt']);
  });

  const TWO = `${HEAD}elements:
  browser: { tech: browser }
  proxy:
    type: reverse-proxy
    auth: jwt
    endpoints:
      DELETE /admin/videos/{id}: {}
  shop: { type: api }
  billing: { type: api }
flows:
  - browser -> proxy: https
  - proxy -> shop: https
  - proxy -> billing: https
`;

  it('judges no backend for a route on a proxy with two backends that none is named by', () => {
    assert.deepEqual(keysOf(analyzeText(TWO)), []);
  });

  it('judges the backend the route\'s first path segment names', () => {
    const named = analyzeText(TWO.replace('DELETE /admin/videos/{id}: {}', 'DELETE /billing/admin/refunds: { kind: admin }'));
    assert.deepEqual(keysOf(named), ['missing-token-validation@billing', 'no-audit-log@billing']);
  });

  it('leaves routes declared on a gateway to the gateway\'s own token finding', () => {
    const gw = analyzeText(PROXIED.replace('type: reverse-proxy\n    tech: nginx', 'type: gateway'));
    assert.deepEqual(keysOf(gw), ['missing-token-validation@proxy', 'no-audit-log@backend']);
  });
});
