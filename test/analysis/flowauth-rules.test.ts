// Session 21 (flowauth): the endpoint rules judge an endpoint by the auth the flows that reach it state, and
// cite that flow, when neither the endpoint nor its element states one (see normalize.ts lendFlowAuth).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, MODEL_HEAD, threatsIn } from '../rules/harness.js';

const shop = (flows: string, endpoints = '      POST /orders: {}\n      GET /orders: {}\n') =>
  'boundaries:\n  internet: { trust: untrusted }\nassets:\n  orders: { classification: confidential }\n' +
  `elements:\n  browser: { tech: browser, in: internet }\n  worker: { tech: node }\n  app:\n    tech: node\n    endpoints:\n${endpoints}  db: { tech: postgres }\n` +
  `flows:\n${flows}  - app -> db: { protocol: postgres+tls, auth: password, data: [orders] }\n`;
const COOKIE = '  - browser -> app: { protocol: https, auth: session-cookie, data: [orders] }\n';
const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => t.key);

describe('endpoint rules on an endpoint that takes its auth from the flows', () => {
  it('reports no unauthenticated change on POST /orders when the only flow in signs in with a cookie (the repro)', () => {
    assert.deepEqual(keys(shop(COOKIE), 'unauthenticated-object-change'), []);
  });

  it('still reports CSRF: the cookie the flows state is the endpoint\'s', () => {
    assert.deepEqual(keys(shop(COOKIE), 'cross-site-request-forgery'), ['cross-site-request-forgery@app']);
  });

  it('cites the flow\'s `auth` where a rule names the endpoint\'s session cookie, and lists the endpoint with it', () => {
    const text = MODEL_HEAD + shop(COOKIE);
    const result = analyzeText(text);
    const hijack = result.threats.find((t) => t.ruleId === 'session-hijacking');
    assert.ok(hijack, 'session-hijacking is reported');
    const cited = hijack.evidence.find((e) => /POST \/orders on app authenticates callers with session-cookie/.test(e.fact));
    assert.ok(cited, hijack.evidence.map((e) => e.fact).join('; '));
    const flowLine = text.split('\n').findIndex((l) => l.includes('browser -> app')) + 1;
    assert.equal(cited.line, flowLine);
    const surface = result.attackSurface.find((s) => s.id === 'app:POST /orders');
    assert.match(surface!.detail, /auth: session-cookie/);
  });

  it('cites the flow into the edge for the auth of a call through it on an attack path', () => {
    const text = MODEL_HEAD + 'boundaries:\n  internet: { trust: untrusted }\nassets:\n  orders: { classification: confidential }\n' +
      'elements:\n  browser: { tech: browser, in: internet }\n  lb: { tech: load-balancer }\n  app:\n    tech: node\n    endpoints:\n      POST /orders: {}\n' +
      '  db: { tech: postgres, stores: [orders] }\nflows:\n  - browser -> lb: { protocol: https, auth: jwt, data: [orders] }\n' +
      '  - lb -> app: { protocol: http, endpoint: POST /orders, data: [orders] }\n  - app -> db: { protocol: postgres+tls, auth: password, data: [orders] }\n';
    const hop = analyzeText(text).attackPaths.paths.flatMap((p) => p.hops).find((h) => h.from === 'lb');
    assert.deepEqual({ auth: hop?.auth, authAt: hop?.authAt, authenticated: hop?.authenticated },
      { auth: 'jwt', authAt: ['flows', 0, 'browser -> lb', 'auth'], authenticated: true });
  });
});

describe('endpoint rules where the flows do not all authenticate', () => {
  it('reports the unauthenticated change when a second flow in states no auth', () => {
    assert.deepEqual(keys(shop(`${COOKIE}  - worker -> app: http\n`), 'unauthenticated-object-change'), ['unauthenticated-object-change@app:POST /orders']);
  });

  it('reports it when the flow says `auth: none`', () => {
    assert.deepEqual(keys(shop('  - browser -> app: { protocol: https, auth: none, data: [orders] }\n'), 'unauthenticated-object-change'), ['unauthenticated-object-change@app:POST /orders']);
  });

  it('reports it for an endpoint that says `public: true`, whatever the flows state', () => {
    assert.deepEqual(keys(shop(COOKIE, '      POST /orders: { public: true }\n'), 'unauthenticated-object-change'), ['unauthenticated-object-change@app:POST /orders']);
  });

  it('reports it when the only authenticated flow names another endpoint', () => {
    const flows = '  - browser -> app: { id: reads, protocol: https, auth: session-cookie, data: [orders], endpoint: GET /orders }\n' +
      '  - browser -> app: { id: writes, protocol: https, endpoint: POST /orders }\n';
    assert.deepEqual(keys(shop(flows), 'unauthenticated-object-change'), ['unauthenticated-object-change@app:POST /orders']);
  });
});
