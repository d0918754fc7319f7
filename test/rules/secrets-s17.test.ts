// secrets-in-config rates a secret written as a literal in the repository's files (an element tagged
// `hard-coded-secret`, as `threatmap discover` tags it with file:line) Likelihood High and cites where it is
// written; a static secret with no such fact stays Low (session 17).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Threat } from '../../src/analysis/types.js';
import { threatsIn } from './harness.js';

const cited = (t: Threat) => t.evidence.map((e) => [e.fact, e.path]);

const shop = (apiTags: string, dbTags = '') =>
  `elements:\n  visitor: { tech: browser }\n  api: { type: api${apiTags} }\n  db: { tech: postgres, auth: password${dbTags} }\nflows:\n  - visitor -> api: https\n  - api -> db: postgres\n`;

describe('secrets-in-config: a literal in the repository', () => {
  it('is Likelihood High, citing the file:line the tag gives, when the holder has it', () => {
    const [t] = threatsIn(shop(', tags: [ "hard-coded-secret:docker-compose.yml:9" ]'), 'secrets-in-config');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /written as a literal in the repository's files \(docker-compose\.yml:9\): anyone who can read the repository/);
    assert.deepEqual(cited(t)[0], ['api has a secret written as a literal in docker-compose.yml:9', 'elements.api.tags[0]']);
  });

  it('is High when the target the secret opens has it (the database\'s own password written in its manifest)', () => {
    const [t] = threatsIn(shop('', ', tags: [ hard-coded-secret ]'), 'secrets-in-config');
    assert.equal(t.likelihood.level, 'High');
    assert.deepEqual(cited(t)[0], ['db has a secret written as a literal', 'elements.db.tags[0]']);
  });

  it('stays Low without the tag, or with another tag', () => {
    for (const tags of ['', ', tags: [ pci, hard-coded-secrets-reviewed ]']) {
      const [t] = threatsIn(shop(tags), 'secrets-in-config');
      assert.equal(t.likelihood.level, 'Low', tags);
      assert.match(t.likelihood.reason, /needs access to a repository/);
      assert.ok(!t.evidence.some((e) => e.fact.includes('literal')));
    }
  });

  it('a literal on a service whose calls use no static secret is still reported, saying the model does not name what it opens', () => {
    const model = `elements:\n  api: { type: api, tags: [ hard-coded-secret ] }\n  db: { tech: postgres }\nflows:\n  - api -> db: { protocol: postgres, auth: iam }\n`;
    const found = threatsIn(model, 'secrets-in-config');
    assert.deepEqual(found.map((t) => [t.key, t.likelihood.level, t.impact.level]), [['secrets-in-config@api', 'High', 'Medium']]);
    assert.match(found[0].impact.reason, /does not say what the secret opens/);
  });
});
