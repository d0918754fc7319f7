// Session 21 review of flowauth: the auth an endpoint takes from its flows is not lent where the internet
// reaches it without a drawn flow (`exposed` on it or on an edge in front of it), nor through a flow out of an
// edge that says `auth: none`; and a long chain of edges is worked out without recursion (it overflowed the stack).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from '../../src/model/types.js';
import { loadText, MODEL_HEAD } from '../rules/harness.js';

function endpointOf(elements: string, flows: string): Endpoint {
  const { model } = loadText(`${MODEL_HEAD}boundaries:\n  internet: { trust: untrusted }\nelements:\n${elements}flows:\n${flows}`);
  return model.elements.find((e) => e.id === 'app')!.endpoints[0];
}
const BROWSER = '  browser: { tech: browser, in: internet }\n';
const app = (extra = '') => `  app:\n    tech: node${extra}\n    endpoints:\n      GET /orders: {}\n`;

describe('flowauth: ways in that state no credential keep the endpoint public', () => {
  it('an exposed element keeps its endpoints public whatever its drawn callers send', () => {
    const flows = '  - browser -> app: { protocol: https, auth: jwt }\n';
    assert.equal(endpointOf(BROWSER + app(), flows).auth, 'jwt');
    const ep = endpointOf(BROWSER + app('\n    exposed: true'), flows);
    assert.equal(ep.public, true);
    assert.equal(ep.authAt, undefined);
  });

  it('an exposed edge passes no credential on', () => {
    const flows = '  - browser -> lb: { protocol: https, auth: session-cookie }\n  - lb -> app: http\n';
    assert.equal(endpointOf(`${BROWSER}  lb: { tech: alb }\n${app()}`, flows).auth, 'session-cookie');
    assert.equal(endpointOf(`${BROWSER}  lb: { tech: alb, exposed: true }\n${app()}`, flows).public, true);
  });

  it('a flow out of an edge that says `auth: none` carries nothing, as a direct one does', () => {
    const ep = endpointOf(`${BROWSER}  lb: { tech: alb }\n${app()}`, '  - browser -> lb: { protocol: https, auth: session-cookie }\n  - lb -> app: { protocol: http, auth: none }\n');
    assert.equal(ep.public, true);
    assert.equal(ep.auth, 'none');
  });

  it('a loop of edges lends nothing, whichever edge is read first', () => {
    const flows = '  - browser -> a: { protocol: https, auth: jwt }\n  - a -> b: https\n  - b -> a: https\n  - b -> app: https\n';
    assert.equal(endpointOf(`${BROWSER}  a: { tech: alb }\n  b: { tech: nginx }\n${app()}`, flows).public, true);
  });
});

describe('flowauth: a long chain of edges', () => {
  it('lends the auth through 20,000 load balancers without overflowing the stack', () => {
    const n = 20_000;
    const lbs: string[] = [];
    const flows = ['  - browser -> lb0: { protocol: https, auth: jwt }\n'];
    for (let i = 0; i < n; i++) {
      lbs.push(`  lb${i}: { tech: alb }\n`);
      flows.push(`  - lb${i} -> ${i === n - 1 ? 'app' : `lb${i + 1}`}: https\n`);
    }
    const ep = endpointOf(BROWSER + lbs.join('') + app(), flows.join(''));
    assert.equal(ep.auth, 'jwt');
    assert.deepEqual(ep.authAt, ['flows', 0, 'browser -> lb0', 'auth']);
  });
});
