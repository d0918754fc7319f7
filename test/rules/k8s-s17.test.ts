// no-backups on a store whose data lives on a volume deleted with its pod (`ephemeral-data`, as discover writes
// for a database on an emptyDir): reported whatever the data's rating, Likelihood High, in its own words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const db = (tags: string, extra = '') =>
  `assets:\n  rows: { name: Rows, type: pii, classification: confidential }\nelements:\n  api: { type: api }\n  db: { tech: postgres, stores: [rows]${tags}${extra} }\nflows:\n  - api -> db: sql\n`;

describe('no-backups: data on an ephemeral volume (k8s s17)', () => {
  it('reports a database tagged ephemeral-data whatever its data is rated, Likelihood High, citing the file:line', () => {
    const [t, ...more] = threatsIn(db(', tags: [ephemeral-data:db-deployment.yaml:33]'), 'no-backups');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'no-backups@db');
    assert.equal(t.title, 'Rows in db have no persistent storage');
    assert.equal(t.likelihood.level, 'High');
    assert.match(t.likelihood.reason, /deleted with the pod/);
    assert.equal(t.evidence[0].fact, 'db keeps its data on a volume deleted with its pod (db-deployment.yaml:33)');
    assert.match(t.description, /every rollout, node drain or eviction loses Rows; keep it on a persistent volume/);
  });

  it('data rated high keeps the High impact and takes the High likelihood', () => {
    const body = db(', tags: [ephemeral-data:db-deployment.yaml:33]').replace('classification: confidential', 'classification: confidential, integrity: high');
    const [t] = threatsIn(body, 'no-backups');
    assert.equal(t.risk, 'Critical');
    assert.equal(t.title, 'Rows in db have no persistent storage');
    assert.equal(t.evidence[1].fact, 'db keeps its data on a volume deleted with its pod (db-deployment.yaml:33)');
  });

  it('ephemeral-data wins over backups-off when both are written', () => {
    const [t] = threatsIn(db(', tags: [backups-off:main.tf:3, ephemeral-data:db-deployment.yaml:33]'), 'no-backups');
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.evidence[0].fact, 'db keeps its data on a volume deleted with its pod (db-deployment.yaml:33)');
  });

  it('backups-off alone keeps its own words and Likelihood Medium', () => {
    const [t] = threatsIn(db(', tags: [backups-off:main.tf:34]'), 'no-backups');
    assert.equal(t.title, 'Rows in db have no backups');
    assert.equal(t.likelihood.level, 'Medium');
  });

  it('no threat for a tagged store that declares backups, nor for a cache (not a store no-backups weighs)', () => {
    assert.deepEqual(threatsIn(db(', tags: [ephemeral-data]', ', controls: [backups]'), 'no-backups'), []);
    assert.deepEqual(threatsIn('elements:\n  q: { tech: redis, tags: [ephemeral-data] }\n', 'no-backups'), []);
  });
});
