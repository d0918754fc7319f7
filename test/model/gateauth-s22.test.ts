// Session 22 (gateauth): an edge that states its own `auth` (a gateway checking tokens) asks it of every call
// into it, so the endpoints behind it take that auth (normalize.ts lendFlowAuth), unless a call can land on an
// endpoint of the edge that asks for none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from '../../src/model/types.js';
import { analyzeText, loadText, MODEL_HEAD } from '../rules/harness.js';

const HEAD = `${MODEL_HEAD}boundaries:\n  internet: { trust: untrusted }\n  app: { trust: internal }\n`;
const ASSETS = 'assets:\n  orders: { name: Orders, classification: confidential }\n';
const CLIENT = '  client: { kind: external, type: user, in: internet }\n';
const orders = (extra = '') =>
  `  orders:\n    type: service\n    in: app${extra}\n    handles: [orders]\n    endpoints:\n      POST /orders: { accepts: [orders] }\n      GET /orders: { returns: [orders] }\n`;
const gw = (extra = '') => `  gw: { tech: kong, in: app, auth: jwt${extra} }\n`;

function model(elements: string, flows: string): string {
  return `${HEAD}${ASSETS}elements:\n${elements}flows:\n${flows}`;
}
function endpointsOf(text: string): Map<string, Endpoint> {
  const { model: m } = loadText(text);
  return new Map(m.elements.find((e) => e.id === 'orders')!.endpoints.map((ep) => [ep.key, ep]));
}
const authOf = (ep: Endpoint) => ({ auth: ep.auth, public: ep.public, authAt: ep.authAt });
const THROUGH_GW = '  - client -> gw: https\n  - gw -> orders: http\n';

describe('an edge that states its own auth lends it to the endpoints behind it', () => {
  it('gives the endpoints behind a gateway with `auth: jwt` that auth, citing the gateway\'s `auth`', () => {
    const eps = endpointsOf(model(CLIENT + gw() + orders(), THROUGH_GW));
    for (const key of ['POST /orders', 'GET /orders']) {
      assert.deepEqual(authOf(eps.get(key)!), { auth: 'jwt', public: false, authAt: ['elements', 'gw', 'auth'] }, key);
    }
  });

  it('leaves them public when a call into the gateway says `auth: none`', () => {
    const eps = endpointsOf(model(CLIENT + gw() + orders(), '  - client -> gw: { protocol: https, auth: none }\n  - gw -> orders: http\n'));
    assert.deepEqual(authOf(eps.get('GET /orders')!), { auth: 'none', public: true, authAt: undefined });
  });

  it('leaves them public when a call can land on an endpoint of the gateway that asks for none', () => {
    const open = `  gw:\n    tech: kong\n    in: app\n    auth: jwt\n    endpoints:\n      /login: { public: true }\n`;
    assert.equal(endpointsOf(model(CLIENT + open + orders(), THROUGH_GW)).get('GET /orders')!.public, true);
    // A call naming another endpoint of the gateway, or one whose callers leave the client out, is asked the auth.
    const named = `  gw:\n    tech: kong\n    in: app\n    auth: jwt\n    endpoints:\n      /login: { public: true, callers: [partner] }\n`;
    assert.equal(endpointsOf(model(CLIENT + '  partner: { kind: external, in: internet }\n' + named + orders(), THROUGH_GW)).get('GET /orders')!.auth, 'jwt');
  });

  it('leaves them public when another caller reaches the service around the gateway without auth', () => {
    const eps = endpointsOf(model(CLIENT + gw() + orders(), `${THROUGH_GW}  - client -> orders: https\n`));
    assert.equal(eps.get('GET /orders')!.public, true);
  });

  it('takes the weaker of the gateway\'s auth and a flow\'s own, and the flow\'s own where it states one', () => {
    const mixed = endpointsOf(model(CLIENT + '  partner: { kind: external, in: internet }\n' + gw() + orders(),
      `${THROUGH_GW}  - partner -> gw: { protocol: https, auth: session-cookie }\n`));
    assert.deepEqual(authOf(mixed.get('GET /orders')!), { auth: 'session-cookie', public: false, authAt: ['flows', 2, 'partner -> gw', 'auth'] });
    const stated = endpointsOf(model(CLIENT + gw() + orders(), '  - client -> gw: { protocol: https, auth: api-key }\n  - gw -> orders: http\n'));
    assert.equal(stated.get('GET /orders')!.auth, 'api-key');
  });

  it('lends through an exposed gateway only when it leaves no endpoint open', () => {
    assert.equal(endpointsOf(model(gw(', exposed: true') + orders(), '  - gw -> orders: http\n')).get('GET /orders')!.auth, 'jwt');
    const open = `  gw:\n    tech: kong\n    in: app\n    auth: jwt\n    exposed: true\n    endpoints:\n      /health: { auth: none }\n`;
    assert.equal(endpointsOf(model(open + orders(), '  - gw -> orders: http\n')).get('GET /orders')!.public, true);
  });

  it('does not lend from an edge whose `auth` is `none`, nor from application code in front', () => {
    assert.equal(endpointsOf(model(CLIENT + '  gw: { tech: kong, in: app, auth: none }\n' + orders(), THROUGH_GW)).get('GET /orders')!.public, true);
    const app = '  web: { tech: node, in: app, auth: jwt }\n';
    assert.equal(endpointsOf(model(CLIENT + app + orders(), '  - client -> web: https\n  - web -> orders: http\n')).get('GET /orders')!.public, true);
  });

  it('does not lend it to endpoints meant for callers not signed in yet (login, register, reset) (review)', () => {
    const anon = `  orders:\n    type: service\n    in: app\n    endpoints:\n      POST /login: {}\n      POST /register: {}\n      POST /password-reset: {}\n      GET /orders: {}\n`;
    const eps = endpointsOf(model(CLIENT + gw() + anon, THROUGH_GW));
    for (const key of ['POST /login', 'POST /register', 'POST /password-reset']) assert.equal(eps.get(key)!.public, true, key);
    assert.equal(eps.get('GET /orders')!.auth, 'jwt');
  });

  it('passes the gateway\'s auth through a load balancer behind it', () => {
    const eps = endpointsOf(model(CLIENT + gw() + '  lb: { tech: load-balancer, in: app }\n' + orders(),
      '  - client -> gw: https\n  - gw -> lb: http\n  - lb -> orders: http\n'));
    assert.deepEqual(authOf(eps.get('POST /orders')!), { auth: 'jwt', public: false, authAt: ['elements', 'gw', 'auth'] });
  });
});

describe('the findings behind a gateway that checks tokens', () => {
  const ids = (text: string) => analyzeText(text).threats.map((t) => `${t.ruleId} ${t.component}${t.endpoint ? ` ${t.endpoint}` : ''}`);

  it('reports no unauthenticated endpoint behind it, and token validation on the gateway only', () => {
    const found = ids(model(CLIENT + gw() + orders(), THROUGH_GW));
    assert.ok(!found.some((t) => t.startsWith('unauthenticated-sensitive-endpoint')), found.join('\n'));
    assert.ok(!found.some((t) => t.startsWith('unauthenticated-object-change')), found.join('\n'));
    assert.deepEqual(found.filter((t) => t.startsWith('missing-token-validation')), ['missing-token-validation gw']);
  });

  it('leaves token validation to the application behind a proxy (not a gateway) that asks for a jwt (review)', () => {
    const proxy = '  gw: { tech: nginx, in: app, auth: jwt }\n';
    assert.deepEqual(ids(model(CLIENT + proxy + orders(), THROUGH_GW)).filter((t) => t.startsWith('missing-token-validation')), ['missing-token-validation orders']);
  });

  it('still reports them when the gateway forwards some calls unchecked', () => {
    const found = ids(model(CLIENT + gw() + orders(), '  - client -> gw: { protocol: https, auth: none }\n  - gw -> orders: http\n'));
    assert.ok(found.some((t) => t.startsWith('unauthenticated-sensitive-endpoint orders')), found.join('\n'));
    assert.ok(found.some((t) => t.startsWith('unauthenticated-object-change orders')), found.join('\n'));
  });
});
