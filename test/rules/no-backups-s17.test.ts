import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, MODEL_HEAD } from './harness.js';

const threatsIn = (body: string, ...ids: string[]) => analyzeText(MODEL_HEAD + body).threats.filter((t) => ids.includes(t.ruleId));

describe('no-backups: backups switched off in the files', () => {
  const db = (tags: string, extra = '') => `assets:\n  rows: { name: Rows, type: pii, classification: confidential }\nelements:\n  api: { type: api }\n  db: { tech: mysql, stores: [rows]${tags}${extra} }\nflows:\n  - api -> db: mysql\n`;

  it('reports a database tagged backups-off whatever its data is rated, citing the file:line', () => {
    const [t, ...more] = threatsIn(db(', tags: [backups-off:main.tf:34]'), 'no-backups');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'no-backups@db');
    assert.equal(t.risk, 'Medium');
    assert.equal(t.title, 'Rows in db have no backups');
    assert.equal(t.evidence[0].fact, 'db keeps no backup that outlives a mistake, by its files (main.tf:34)');
    assert.equal(t.likelihood.level, 'Medium');
  });

  it('reports a tagged database that declares no assets (a raw draft)', () => {
    const [t] = threatsIn('elements:\n  db: { tech: mysql, tags: [backups-off] }\n', 'no-backups');
    assert.equal(t.title, 'Data in db has no backups');
  });

  it('raises the likelihood of data rated high when the files switch backups off', () => {
    const body = db(', tags: [backups-off:main.tf:34]').replace('classification: confidential', 'classification: confidential, integrity: high');
    const [t] = threatsIn(body, 'no-backups');
    assert.equal(t.risk, 'High');
    assert.equal(t.evidence[1].fact, 'db keeps no backup that outlives a mistake, by its files (main.tf:34)');
  });

  it('leaves an untagged database holding data not rated high, and a tagged one that declares backups', () => {
    assert.deepEqual(threatsIn(db(''), 'no-backups'), []);
    assert.deepEqual(threatsIn(db(', tags: [backups-off]', ', controls: [backups]'), 'no-backups'), []);
  });
});
