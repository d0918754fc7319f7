// Fact tags written in several places (files read together: two instances merged, a module used twice, a compose
// file and a manifest): the finding stays one and cites every place, each evidence entry at its own tag; with one
// tag its words are those it had before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Threat } from '../../src/analysis/types.js';
import { onlyThreat } from './harness.js';

const cited = (t: Threat, pattern: RegExp): [string, string | undefined][] =>
  t.evidence.filter((e) => pattern.test(e.fact)).map((e) => [e.fact, e.path]);

describe('cloud-metadata-exposure cites every place a workload is left on IMDSv1', () => {
  const app = (tags: string, endpoints = '') =>
    `boundaries:\n  aws: { kind: cloud, trust: internal }\nelements:\n  visitor: { tech: browser }\n  app:\n    type: web-app\n    in: aws\n    tags: [${tags}]\n${endpoints}flows:\n  - visitor -> app: https\n`;
  const says = (where: string) => `app's metadata service answers without a session token (IMDSv1), as ${where} says`;
  const fetch = '    endpoints:\n      /preview: { auth: jwt }\n';

  it('two tags: one finding, both places, each at its tag (with and without a fetch endpoint drawn)', () => {
    for (const endpoints of ['', fetch]) {
      const t = onlyThreat(app('imdsv1:main.tf:16, team, imdsv1:modules/web/main.tf:8', endpoints), 'cloud-metadata-exposure');
      assert.deepEqual(cited(t, /IMDSv1/), [
        [says('main.tf:16'), 'elements.app.tags[0]'],
        [says('modules/web/main.tf:8'), 'elements.app.tags[2]'],
      ]);
    }
  });

  it('one tag: the one evidence entry it had before', () => {
    for (const endpoints of ['', fetch]) {
      const t = onlyThreat(app('imdsv1:main.tf:16', endpoints), 'cloud-metadata-exposure');
      assert.deepEqual(cited(t, /IMDSv1/), [[says('main.tf:16'), 'elements.app.tags[0]']]);
    }
    const bare = onlyThreat(app('imdsv1'), 'cloud-metadata-exposure');
    assert.deepEqual(cited(bare, /IMDSv1/), [["app's metadata service answers without a session token (IMDSv1)", 'elements.app.tags[0]']]);
  });
});

describe('no-backups cites every place the files switch backups off or keep data on an ephemeral volume', () => {
  const db = (tags: string, rating = '') =>
    `assets:\n  rows: { name: Rows, type: pii, classification: confidential${rating} }\nelements:\n  api: { type: api }\n  db: { tech: postgres, stores: [rows], tags: [${tags}] }\nflows:\n  - api -> db: sql\n`;
  const off = (where: string) => `db keeps no backup that outlives a mistake, by its files (${where})`;
  const gone = (where: string) => `db keeps its data on a volume deleted with its pod (${where})`;

  it('two backups-off tags: the description names both, and each has its evidence at its tag', () => {
    const t = onlyThreat(db('backups-off:main.tf:34, backups-off:replica.tf:12'), 'no-backups');
    assert.equal(t.description, 'db keeps no backup that outlives a mistake (main.tf:34, replica.tf:12): deleting or replacing it, or a bad migration found too late, loses Rows for good.');
    assert.deepEqual(cited(t, /outlives/), [[off('main.tf:34'), 'elements.db.tags[0]'], [off('replica.tf:12'), 'elements.db.tags[1]']]);
  });

  it('two ephemeral-data tags win over backups-off and are both cited; the vital-data finding cites both too', () => {
    const tags = 'backups-off:main.tf:3, ephemeral-data:db-deployment.yaml:33, ephemeral-data:db-replica.yaml:20';
    const t = onlyThreat(db(tags), 'no-backups');
    assert.match(t.description, /^db keeps its data on a volume deleted with its pod \(db-deployment\.yaml:33, db-replica\.yaml:20\): every rollout/);
    const both = [[gone('db-deployment.yaml:33'), 'elements.db.tags[1]'], [gone('db-replica.yaml:20'), 'elements.db.tags[2]']];
    assert.deepEqual(cited(t, /volume/), both);
    const vital = onlyThreat(db(tags, ', integrity: high'), 'no-backups');
    assert.equal(vital.title, 'Rows in db have no persistent storage');
    assert.deepEqual(cited(vital, /volume/), both);
    assert.deepEqual(vital.evidence.map((e) => e.path), ['elements.db.stores', 'elements.db.tags[1]', 'elements.db.tags[2]', 'elements.db']);
  });

  it('caps the places the description names as other lists are capped', () => {
    const tags = Array.from({ length: 12 }, (_, i) => `backups-off:m${i}.tf:1`).join(', ');
    const t = onlyThreat(db(tags), 'no-backups');
    assert.match(t.description, /\(m0\.tf:1, m1\.tf:1, .*m9\.tf:1 and 2 other places\): deleting/);
    assert.equal(cited(t, /outlives/).length, 12);
  });

  it('one tag: the texts it had before', () => {
    const t = onlyThreat(db('backups-off:main.tf:34'), 'no-backups');
    assert.equal(t.description, 'db keeps no backup that outlives a mistake (main.tf:34): deleting or replacing it, or a bad migration found too late, loses Rows for good.');
    assert.deepEqual(cited(t, /outlives/), [[off('main.tf:34'), 'elements.db.tags[0]']]);
    const e = onlyThreat(db('ephemeral-data:db-deployment.yaml:33'), 'no-backups');
    assert.equal(e.description, 'db keeps its data on a volume deleted with its pod (db-deployment.yaml:33): every rollout, node drain or eviction loses Rows; keep it on a persistent volume, and back it up.');
    assert.deepEqual(cited(e, /volume/), [[gone('db-deployment.yaml:33'), 'elements.db.tags[0]']]);
    const bare = onlyThreat(db('backups-off'), 'no-backups');
    assert.match(bare.description, /^db keeps no backup that outlives a mistake: deleting/);
    assert.deepEqual(cited(bare, /outlives/), [['db keeps no backup that outlives a mistake, by its files', 'elements.db.tags[0]']]);
  });
});

describe('insecure-deserialization cites every place a tag says the element deserialises', () => {
  const jobs = (tags: string) =>
    `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  jobs: { tech: celery, tags: [${tags}] }\nflows:\n  - visitor -> api: https\n  - api -> jobs: https\n`;

  it('two tags: one finding, each place at its tag', () => {
    const t = onlyThreat(jobs('pickle:tasks.py:3, pickle:worker/tasks.py:41'), 'insecure-deserialization');
    assert.deepEqual(cited(t, /tagged/), [
        ['jobs is tagged `pickle` (tasks.py:3)', 'elements.jobs.tags[0]'],
        ['jobs is tagged `pickle` (worker/tasks.py:41)', 'elements.jobs.tags[1]'],
    ]);
    assert.equal(t.likelihood.level, 'Low');
  });

  it('one tag: the one evidence entry it had before', () => {
    const t = onlyThreat(jobs('pickle:tasks.py:3'), 'insecure-deserialization');
    assert.deepEqual(cited(t, /tagged/), [['jobs is tagged `pickle` (tasks.py:3)', 'elements.jobs.tags[0]']]);
    const bare = onlyThreat(jobs('pickle'), 'insecure-deserialization');
    assert.deepEqual(cited(bare, /tagged/), [['jobs is tagged `pickle`', 'elements.jobs.tags[0]']]);
  });
});

describe('unencrypted-store cites every place the files switch encryption at rest off', () => {
  const store = (tags: string) =>
    `assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  api: { type: api }\n  db: { tech: azure-sql, stores: [pii], tags: [${tags}] }\nflows:\n  - api -> db: sql+tls\n`;
  const off = (where: string) => `db keeps its data unencrypted at rest (encryption-at-rest-off in ${where})`;

  it('two tags: one finding, each place at its tag', () => {
    const t = onlyThreat(store('"encryption-at-rest-off:main.tf:12", "encryption-at-rest-off:dr.tf:7"'), 'unencrypted-store');
    assert.deepEqual(cited(t, /unencrypted/), [[off('main.tf:12'), 'elements.db.tags[0]'], [off('dr.tf:7'), 'elements.db.tags[1]']]);
  });

  it('one tag: the one evidence entry it had before', () => {
    const t = onlyThreat(store('"encryption-at-rest-off:main.tf:12"'), 'unencrypted-store');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['db stores pii', off('main.tf:12'), 'no encryption-at-rest on db']);
    assert.equal(t.evidence[1].path, 'elements.db.tags[0]');
  });
});
