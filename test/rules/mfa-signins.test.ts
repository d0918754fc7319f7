// credential-stuffing follows sign-ins back through forwarding elements to the flow that states MFA: a
// balancer reached twice is checked once, and a chain of thousands neither overflows the stack nor loses the MFA.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_HEAD, threatsOf } from './harness.js';

const login = 'app:\n    type: web-app\n    endpoints:\n      POST /login: {}\n';

function diamond(mfa: boolean): string {
  return `${MODEL_HEAD}elements:\n  visitor: { tech: browser }\n  cdn: { type: cdn }\n  lb1: { type: load-balancer }\n  lb2: { type: load-balancer }\n  ${login}flows:
  - visitor -> cdn: { protocol: https${mfa ? ', controls: [mfa]' : ''} }
  - cdn -> lb1: https
  - cdn -> lb2: https
  - lb1 -> app: https
  - lb2 -> app: https
`;
}

function chain(n: number, mfa: boolean): string {
  const lbs: string[] = [];
  const flows = [`  - visitor -> lb0: { protocol: https${mfa ? ', controls: [mfa]' : ''} }\n`];
  for (let i = 0; i < n; i++) {
    lbs.push(`  lb${i}: { type: load-balancer }\n`);
    flows.push(`  - lb${i} -> ${i === n - 1 ? 'app' : `lb${i + 1}`}: https\n`);
  }
  return `${MODEL_HEAD}elements:\n  visitor: { tech: browser }\n${lbs.join('')}  ${login}flows:\n${flows.join('')}`;
}

const stuffing = (model: string) => threatsOf(model, 'credential-stuffing').map((t) => t.key);

describe('MFA on the sign-ins in front of a login', () => {
  it('two load balancers behind one CDN: the MFA on the one way in counts for both', () => {
    assert.deepEqual(stuffing(diamond(true)), []);
    assert.deepEqual(stuffing(diamond(false)), ['credential-stuffing@app:POST /login']);
  });

  it('a chain of 10,000 load balancers: no stack overflow, and the MFA at its far end counts', () => {
    assert.deepEqual(stuffing(chain(10_000, true)), []);
    assert.deepEqual(stuffing(chain(10_000, false)), ['credential-stuffing@app:POST /login']);
  });
});
