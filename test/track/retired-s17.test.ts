// Keys this session's rule changes stopped reporting, found by reading the change (review-diff-s17): each is
// retired with its reason, so that a team's decision about it is not reported as stale and lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

const retiredNote = (model: string, key: string): string | undefined => {
  const change = keyChanges(analyzeText(HEAD + model), [key]).get(key);
  return change?.kind === 'retired' ? change.migration.note : undefined;
};

describe('retired in session 17: decisions about them are retired, not stale', () => {
  it('a call from a caller of no type is no partner call', () => {
    const model = 'boundaries:\n  outside: { trust: untrusted }\nelements:\n  job: { kind: external, in: outside }\n  api: { type: api, handles: [] }\nflows:\n  - job -> api: https\n';
    assert.match(retiredNote(model, 'unauthenticated-partner-call@api') ?? '', /no partner/);
    // A partner that says it is one still gets the threat: its key is not retired.
    const partner = model.replace('job: { kind: external, in: outside }', 'job: { type: third-party, in: outside }');
    assert.equal(retiredNote(partner, 'unauthenticated-partner-call@api'), undefined);
  });

  it('a mail catcher is exposed-mail-catcher\'s finding, not missing-authentication\'s', () => {
    const model = 'elements:\n  visitor: { tech: browser }\n  mail: { tech: mailhog }\nflows:\n  - visitor -> mail: http\n';
    assert.match(retiredNote(model, 'missing-authentication@mail') ?? '', /exposed-mail-catcher/);
    assert.equal(retiredNote(model.replace('tech: mailhog', 'type: web-app'), 'missing-authentication@mail'), undefined);
  });

  it('a load balancer\'s health checks are its circuit breaker', () => {
    const model = 'elements:\n  visitor: { tech: browser }\n  lb: { tech: alb }\n  app: { type: web-app }\nflows:\n  - visitor -> lb: https\n  - lb -> app: http\n';
    assert.match(retiredNote(model, 'no-circuit-breaker@lb') ?? '', /health checks/);
    assert.equal(retiredNote(model, 'no-circuit-breaker@app'), undefined);
  });
});
