// Session 27 (review a): common spellings of technologies (`PostgreSQL`, `k8s`) are read as the catalogue's names;
// job-like types are suggested `worker`. Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { ELEMENT_TYPES, TECH_ALIASES, TECHNOLOGIES, techName } from '../../src/model/catalog.js';
import { loadModel } from '../../src/model/load.js';
import type { Diagnostic } from '../../src/model/types.js';

const HEAD = 'threatmap: 1\nsystem: { name: t }\n';
const load = (text: string) => loadModel(text, 'm.yaml');
const coded = (list: readonly Diagnostic[], code: string) => list.filter((d) => d.code === code);

describe('technologies in any case and their common other spellings', () => {
  const db = (tech: string, type = '') => `${HEAD}boundaries:
  internet: { trust: untrusted }
  vpc: { trust: internal }
assets:
  pii: { name: Customer PII, type: pii, classification: confidential }
elements:
  browser: { tech: browser, in: internet }
  api: { tech: node, in: vpc, auth: jwt }
  db: { ${type}tech: ${tech}, in: vpc, stores: [pii] }
flows:
  - browser -> api: https
  - api -> db: { protocol: postgres+tls, auth: password }
`;

  it('reads `PostgreSQL` as `postgres`: no warning, a SQL database, and SQL injection is found, with or without `type: database`', () => {
    for (const text of [db('PostgreSQL'), db('PostgreSQL', 'type: database, '), db('postgresql'), db('psql')]) {
      const loaded = load(text);
      assert.deepEqual(loaded.diagnostics, [], text);
      const element = loaded.model!.elements.find((e) => e.id === 'db')!;
      assert.equal(element.tech, 'postgres');
      assert.equal(element.type, 'database');
      assert.deepEqual(element.traits, ['sql']);
      const r = analyze(loaded.model!, { source: loaded.source });
      assert.ok(r.threats.some((t) => t.ruleId === 'sql-injection'), text);
    }
  });

  it('reads the other listed spellings as the technology they stand for', () => {
    const cases: Array<[string, string]> = [
      ['nodejs', 'node'], ['Node.js', 'node'], ['k8s', 'kubernetes'], ['ElastiCache', 'redis'], ['aws-s3', 's3'],
      ['Amazon-S3', 's3'], ['mongo', 'mongodb'], ['postgre', 'postgres'], ['golang', 'go'], ['React.js', 'react'],
    ];
    for (const [written, name] of cases) assert.equal(techName(written), name, written);
  });

  it('keeps an unknown technology unknown: a warning with the nearest name, and the element gets no traits', () => {
    const loaded = load(db('postgresqx', 'type: database, '));
    const [d] = coded(loaded.diagnostics, 'unknown-tech');
    assert.equal(d.message, 'unknown technology `postgresqx`; it adds no type or traits');
    assert.equal(d.hint, 'did you mean `postgres`?');
    assert.deepEqual(loaded.model!.elements.find((e) => e.id === 'db')!.traits, []);
    assert.equal(loaded.model!.elements.find((e) => e.id === 'db')!.tech, 'postgresqx');
  });

  it('lists only spellings that name a technology and shadow neither a technology nor an element type', () => {
    for (const [alias, name] of Object.entries(TECH_ALIASES)) {
      assert.equal(alias, alias.toLowerCase(), alias);
      assert.ok(Object.hasOwn(TECHNOLOGIES, name), `${alias} -> ${name}`);
      assert.ok(!Object.hasOwn(TECHNOLOGIES, alias) && !Object.hasOwn(ELEMENT_TYPES, alias), alias);
    }
  });
});

describe('job-like types suggest `worker`', () => {
  const typed = (type: string) => load(`${HEAD}elements:\n  job: { type: ${type} }\n`).diagnostics.filter((d) => d.path === 'elements.job.type');

  it('suggests `worker` for batch-job, scheduled-job, cronjob, cron-job and etl', () => {
    for (const type of ['batch-job', 'scheduled-job', 'cronjob', 'cron-job', 'etl', 'ETL']) {
      const [d] = typed(type);
      assert.equal(d.code, 'invalid-value', type);
      assert.equal(d.hint, 'did you mean `worker`?', type);
    }
  });

  it('suggests nothing of the kind for a word that is no job', () => {
    const [d] = typed('spreadsheet');
    assert.equal(d.code, 'invalid-value');
    assert.notEqual(d.hint, 'did you mean `worker`?');
  });
});
