// Session 21 review of web-cache-deception: the walk from the CDN to the applications behind it keeps no stack
// of its own, so a long chain of load balancers neither overflows it nor hides the origin; the evidence names the
// whole way from the cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onlyThreat as only } from './harness.js';

function behindChain(n: number): string {
  const lbs: string[] = [];
  const flows = ['  - visitor -> edge: https\n  - edge -> lb0: https\n'];
  for (let i = 0; i < n; i++) {
    lbs.push(`  lb${i}: { tech: alb }\n`);
    flows.push(`  - lb${i} -> ${i === n - 1 ? 'app' : `lb${i + 1}`}: https\n`);
  }
  return `assets:\n  profile: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  edge: { tech: cloudfront }\n${lbs.join('')}  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      GET /account: { returns: [profile] }\nflows:\n${flows.join('')}`;
}

describe('web-cache-deception: the origin behind a chain of load balancers', () => {
  it('finds it through two, naming the way', () => {
    const t = only(behindChain(2), 'web-cache-deception');
    assert.ok(t.evidence.some((e) => e.fact === 'requests reach app from the cache along edge -> lb0 -> lb1 -> app'), t.evidence.map((e) => e.fact).join('\n'));
  });

  it('finds it through 20,000 without overflowing the stack', () => {
    assert.equal(only(behindChain(20_000), 'web-cache-deception').component, 'edge');
  });
});
