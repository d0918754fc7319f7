// Session 22 (secrets-places): the likelihood reason of a literal secret names every place the model's tags cite,
// as the description and the evidence do, not only the first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const model = (tags: string) =>
  `elements:\n  api: { type: api }\n  db: { tech: postgres, tags: [${tags}] }\nflows:\n  - api -> db: { protocol: postgres, auth: password }\n`;

describe('secrets-in-config: the places of a literal secret', () => {
  it('names every place in the likelihood reason', () => {
    const [t] = threatsIn(model('hard-coded-secret:compose.yml:12, hard-coded-secret:k8s/db.yaml:23'), 'secrets-in-config');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /\(compose\.yml:12, k8s\/db\.yaml:23\)/);
  });

  it('names the one place when there is one, and none when the tag cites none', () => {
    const [one] = threatsIn(model('hard-coded-secret:compose.yml:12'), 'secrets-in-config');
    assert.match(one.likelihood.reason, /files \(compose\.yml:12\): anyone/);
    const [bare] = threatsIn(model('hard-coded-secret'), 'secrets-in-config');
    assert.match(bare.likelihood.reason, /repository's files: anyone/);
  });
});
