// Session 21 (flowauth): an endpoint that states no auth, on an element that states none, takes the auth that
// every flow reaching it states (normalize.ts lendFlowAuth); otherwise it stays public as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from '../../src/model/types.js';
import { loadText, MODEL_HEAD } from '../rules/harness.js';

/** The endpoints of `app` in a model of the given elements and flows (after MODEL_HEAD). */
function endpointsOf(elements: string, flows: string): Map<string, Endpoint> {
  const { model } = loadText(`${MODEL_HEAD}boundaries:\n  internet: { trust: untrusted }\nelements:\n${elements}flows:\n${flows}`);
  return new Map(model.elements.find((e) => e.id === 'app')!.endpoints.map((ep) => [ep.key, ep]));
}
const BROWSER = '  browser: { tech: browser, in: internet }\n';
const app = (endpoints: string, extra = '') => `  app:\n    tech: node${extra}\n    endpoints:\n${endpoints}`;
const ORDERS = '      POST /orders: {}\n      GET /orders: {}\n';

/** The fields lendFlowAuth decides. */
const authOf = (ep: Endpoint) => ({ auth: ep.auth, public: ep.public, authAt: ep.authAt, declaredPublic: ep.declaredPublic });

describe('an endpoint takes the auth every flow that reaches it states', () => {
  it('takes the only inbound flow\'s auth (the repro), citing the flow\'s `auth`', () => {
    const eps = endpointsOf(BROWSER + app(ORDERS), '  - browser -> app: { protocol: https, auth: session-cookie }\n');
    for (const key of ['POST /orders', 'GET /orders']) {
      assert.deepEqual(authOf(eps.get(key)!), { auth: 'session-cookie', public: false, authAt: ['flows', 0, 'browser -> app', 'auth'], declaredPublic: undefined }, key);
    }
  });

  it('reads an alias (`cookie`) and the full flow form', () => {
    const eps = endpointsOf(BROWSER + app(ORDERS), '  - { from: browser, to: app, protocol: https, auth: cookie }\n');
    assert.deepEqual(authOf(eps.get('POST /orders')!), { auth: 'session-cookie', public: false, authAt: ['flows', 0, 'auth'], declaredPublic: undefined });
  });

  it('counts an auth the protocol implies (mtls), citing the flow', () => {
    const eps = endpointsOf('  partner: { kind: external, in: internet }\n' + app(ORDERS), '  - partner -> app: mtls\n');
    assert.deepEqual(authOf(eps.get('POST /orders')!), { auth: 'mtls', public: false, authAt: ['flows', 0, 'partner -> app'], declaredPublic: undefined });
  });

  it('takes the weakest when the flows disagree (user credentials before service ones, the cookie first), citing its flow', () => {
    const eps = endpointsOf(`${BROWSER}  partner: { kind: external, in: internet }\n  mobile: { tech: mobile-app, in: internet }\n${app(ORDERS)}`,
      '  - partner -> app: { protocol: https, auth: api-key }\n  - mobile -> app: { protocol: https, auth: jwt }\n  - browser -> app: { protocol: https, auth: session-cookie }\n');
    assert.deepEqual(authOf(eps.get('POST /orders')!), { auth: 'session-cookie', public: false, authAt: ['flows', 2, 'browser -> app', 'auth'], declaredPublic: undefined });
    const two = endpointsOf(`  partner: { kind: external, in: internet }\n  mobile: { tech: mobile-app, in: internet }\n${app(ORDERS)}`,
      '  - partner -> app: { protocol: https, auth: api-key }\n  - mobile -> app: { protocol: https, auth: jwt }\n');
    assert.equal(two.get('POST /orders')!.auth, 'jwt');
  });

  it('gives a flow naming an endpoint to that endpoint only, and joins it with the flows naming none', () => {
    const eps = endpointsOf(`${BROWSER}  worker: { tech: node }\n${app(ORDERS)}`,
      '  - browser -> app: { protocol: https, auth: session-cookie, endpoint: GET /orders }\n');
    assert.equal(eps.get('GET /orders')!.auth, 'session-cookie');
    assert.equal(eps.get('GET /orders')!.public, false);
    assert.deepEqual(authOf(eps.get('POST /orders')!), { auth: 'none', public: true, authAt: undefined, declaredPublic: undefined });
    // A flow naming none reaches GET /orders too: without auth it leaves it public.
    const open = endpointsOf(`${BROWSER}  worker: { tech: node }\n${app(ORDERS)}`,
      '  - browser -> app: { protocol: https, auth: session-cookie, endpoint: GET /orders }\n  - worker -> app: http\n');
    assert.equal(open.get('GET /orders')!.public, true);
  });

  it('passes the caller\'s credential on through edge components (a load balancer, then a gateway)', () => {
    const eps = endpointsOf(`${BROWSER}  lb: { tech: load-balancer }\n  gw: { type: gateway }\n${app(ORDERS)}`,
      '  - browser -> lb: { protocol: https, auth: session-cookie }\n  - lb -> gw: http\n  - gw -> app: http\n');
    assert.deepEqual(authOf(eps.get('POST /orders')!), { auth: 'session-cookie', public: false, authAt: ['flows', 0, 'browser -> lb', 'auth'], declaredPublic: undefined });
  });

  it('takes a flow naming an endpoint through an edge as reaching the endpoint behind it', () => {
    const eps = endpointsOf(`${BROWSER}  lb: { tech: load-balancer }\n${app(ORDERS)}`,
      '  - browser -> lb: { protocol: https, auth: jwt, endpoint: POST /orders }\n  - lb -> app: { protocol: http, auth: jwt }\n');
    assert.equal(eps.get('POST /orders')!.auth, 'jwt');
    assert.equal(eps.get('GET /orders')!.auth, 'jwt');
  });
});

describe('an endpoint stays as it was when the flows do not all state an auth', () => {
  it('stays public when one of two inbound flows states no auth', () => {
    const eps = endpointsOf(`${BROWSER}  worker: { tech: node }\n${app(ORDERS)}`,
      '  - browser -> app: { protocol: https, auth: session-cookie }\n  - worker -> app: http\n');
    assert.deepEqual(authOf(eps.get('POST /orders')!), { auth: 'none', public: true, authAt: undefined, declaredPublic: undefined });
  });

  it('stays public when a flow says `auth: none`', () => {
    const eps = endpointsOf(BROWSER + app(ORDERS), '  - browser -> app: { protocol: https, auth: none }\n');
    assert.equal(eps.get('POST /orders')!.public, true);
    assert.equal(eps.get('POST /orders')!.auth, 'none');
  });

  it('stays public when no flow reaches it, and ignores a flow the element makes to itself', () => {
    assert.equal(endpointsOf(BROWSER + app(ORDERS), '  - app -> browser: https\n').get('POST /orders')!.public, true);
    assert.equal(endpointsOf(BROWSER + app(ORDERS), '  - app -> app: { protocol: https, auth: jwt }\n').get('POST /orders')!.public, true);
  });

  it('keeps an endpoint that says `public: true` or its own `auth: none` public', () => {
    const eps = endpointsOf(BROWSER + app('      POST /contact: { public: true }\n      POST /ping: { auth: none }\n'),
      '  - browser -> app: { protocol: https, auth: session-cookie }\n');
    assert.deepEqual(authOf(eps.get('POST /contact')!), { auth: 'none', public: true, authAt: undefined, declaredPublic: true });
    assert.deepEqual(authOf(eps.get('POST /ping')!), { auth: 'none', public: true, authAt: undefined, declaredPublic: true });
  });

  it('keeps the endpoint\'s own auth and the element\'s (even `auth: none`) over the flows\'', () => {
    const own = endpointsOf(BROWSER + app('      POST /orders: { auth: api-key }\n'), '  - browser -> app: { protocol: https, auth: session-cookie }\n');
    assert.deepEqual(authOf(own.get('POST /orders')!), { auth: 'api-key', public: false, authAt: undefined, declaredPublic: undefined });
    const element = endpointsOf(BROWSER + app(ORDERS, '\n    auth: jwt'), '  - browser -> app: { protocol: https, auth: session-cookie }\n');
    assert.deepEqual(authOf(element.get('POST /orders')!), { auth: 'jwt', public: false, authAt: undefined, declaredPublic: undefined });
    const open = endpointsOf(BROWSER + app(ORDERS, '\n    auth: none'), '  - browser -> app: { protocol: https, auth: session-cookie }\n');
    assert.deepEqual(authOf(open.get('POST /orders')!), { auth: 'none', public: true, authAt: undefined, declaredPublic: undefined });
  });

  it('does not lend a flow naming another endpoint', () => {
    const eps = endpointsOf(BROWSER + app(ORDERS), '  - browser -> app: { protocol: https, auth: session-cookie, endpoint: GET /orders }\n');
    assert.equal(eps.get('POST /orders')!.public, true);
    assert.equal(eps.get('POST /orders')!.authAt, undefined);
  });

  it('does not pass on through an edge that some flow reaches without auth, nor around a loop of edges', () => {
    const open = endpointsOf(`${BROWSER}  bot: { kind: external, in: internet }\n  lb: { tech: load-balancer }\n${app(ORDERS)}`,
      '  - browser -> lb: { protocol: https, auth: session-cookie }\n  - bot -> lb: https\n  - lb -> app: http\n');
    assert.equal(open.get('POST /orders')!.public, true);
    // The loop is taken as a way in that states no auth (whatever order the edges are read in).
    const loop = endpointsOf(`${BROWSER}  lb: { tech: load-balancer }\n  gw: { type: gateway }\n${app(ORDERS)}`,
      '  - browser -> lb: { protocol: https, auth: session-cookie }\n  - lb -> gw: http\n  - gw -> lb: http\n  - gw -> app: http\n');
    assert.equal(loop.get('POST /orders')!.public, true);
  });

  it('does not pass on through application code that states no auth on its own calls', () => {
    const eps = endpointsOf(`${BROWSER}  bff: { tech: node }\n${app(ORDERS)}`,
      '  - browser -> bff: { protocol: https, auth: session-cookie }\n  - bff -> app: http\n');
    assert.equal(eps.get('POST /orders')!.public, true);
  });

  it('leaves authAt out of the JSON of an endpoint that does not take the flows\' auth', () => {
    const eps = endpointsOf(BROWSER + app(ORDERS), '  - browser -> app: https\n');
    assert.equal(JSON.stringify([...eps.values()]).includes('authAt'), false);
  });
});
