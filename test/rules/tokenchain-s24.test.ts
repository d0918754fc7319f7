// The walk for token validation in front of an element keeps a stack of its own, so a long
// chain of load balancers neither overflows it (a model of 3,000 crashed the analysis) nor hides the way around.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, MODEL_HEAD } from './harness.js';

function behindChain(n: number, firstControls: string): string {
  const lbs: string[] = [];
  const flows = ['  - browser -> lb0: https\n'];
  for (let i = 0; i < n; i++) {
    lbs.push(`  lb${i}: { type: load-balancer${i === 0 ? firstControls : ''} }\n`);
    flows.push(`  - lb${i} -> ${i === n - 1 ? 'api' : `lb${i + 1}`}: https\n`);
  }
  return `${MODEL_HEAD}boundaries:\n  internet: { trust: untrusted }\nelements:\n  browser: { tech: browser, in: internet }\n${lbs.join('')}  api: { type: api, auth: jwt }\nflows:\n${flows.join('')}`;
}

const tokenFinding = (model: string) => analyzeText(model).threats.find((t) => t.ruleId === 'missing-token-validation' && t.component === 'api');

describe('missing-token-validation behind a chain of load balancers', () => {
  it('credits the validation at the far end of the chain', () => {
    for (const n of [2, 20_000]) {
      const open = tokenFinding(behindChain(n, ''));
      assert.ok(open !== undefined, `no validation anywhere, ${n} load balancers`);
      const t = tokenFinding(behindChain(n, ', controls: [token-validation]'));
      assert.equal(t, undefined, `validated at lb0, ${n} load balancers`);
    }
  });

  it('reports the way around the validating edge through 20,000 load balancers', () => {
    const around = `${behindChain(20_000, ', controls: [token-validation]')}  - browser -> lb1: https\n`;
    const t = tokenFinding(around);
    assert.ok(t !== undefined, 'a second way in passes no validator');
  });
});
