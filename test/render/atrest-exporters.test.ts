// Encryption at rest in the Threat Dragon and Threagile exports: a store is written encrypted when it declares
// `encryption-at-rest`, or when its provider encrypts it by default (the catalogue's S3, DynamoDB, Azure SQL, SQS...)
// and the model does not tag it `encryption-at-rest-off`: the same reading as unencrypted-store's, so that the
// exported flag never contradicts the report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { buildThreagile } from '../../src/render/threagile.js';
import { buildThreatDragon, type TdNode } from '../../src/render/threat-dragon.js';
import { analyzeText } from '../helpers.js';

/** Stores of every case, each holding confidential data so that unencrypted-store weighs it. */
const STORES: Record<string, { line: string; encrypted: boolean }> = {
  'S3 bucket': { line: 'bucket: { name: S3 bucket, tech: s3, stores: [pii] }', encrypted: true },
  'Azure SQL': { line: 'sql: { name: Azure SQL, tech: azure-sql, stores: [pii] }', encrypted: true },
  'SQS queue': { line: 'jobs: { name: SQS queue, tech: sqs, stores: [pii] }', encrypted: true },
  'Bucket with SSE off': { line: 'old: { name: Bucket with SSE off, tech: s3, stores: [pii], tags: [encryption-at-rest-off] }', encrypted: false },
  'SQL with TDE off': { line: 'dw: { name: SQL with TDE off, tech: azure-sql, stores: [pii], tags: ["encryption-at-rest-off:main.tf:11"] }', encrypted: false },
  'Re-encrypted bucket': { line: 'kms: { name: Re-encrypted bucket, tech: s3, stores: [pii], tags: [encryption-at-rest-off], controls: [encryption-at-rest] }', encrypted: true },
  Postgres: { line: 'pg: { name: Postgres, tech: postgres, stores: [pii] }', encrypted: false },
  'Encrypted Postgres': { line: 'epg: { name: Encrypted Postgres, tech: postgres, stores: [pii], controls: [encryption-at-rest] }', encrypted: true },
  'Self-hosted MinIO': { line: 'minio: { name: Self-hosted MinIO, tech: minio, stores: [pii] }', encrypted: false },
};

const MODEL = [
  'threatmap: 1',
  'system: { name: At rest }',
  'assets:',
  '  pii: { type: pii, classification: confidential }',
  'elements:',
  '  api: { name: API, type: api }',
  ...Object.values(STORES).map((s) => `  ${s.line}`),
  'flows:',
  ...Object.values(STORES).map((s) => `  - api -> ${s.line.split(':')[0]}: https`),
  '',
].join('\n');

const analyzed = (): AnalysisResult => analyzeText(MODEL);

/** Names of the stores unencrypted-store reports. */
const reported = (r: AnalysisResult) => new Set(r.threats.filter((t) => t.ruleId === 'unencrypted-store').map((t) => t.componentName));

describe('exports: encryption at rest as unencrypted-store reads it', () => {
  it('the rule itself: reported exactly for the stores expected unencrypted', () => {
    const r = analyzed();
    assert.deepEqual([...reported(r)].sort(), Object.keys(STORES).filter((n) => !STORES[n].encrypted).sort());
  });

  it('Threat Dragon: isEncrypted for a control or a provider default not switched off; false otherwise', () => {
    const r = analyzed();
    const cells = buildThreatDragon(r).detail.diagrams[0].cells.filter((c): c is TdNode => c.shape === 'store');
    const flag = new Map(cells.map((c) => [c.data.name, (c.data as { isEncrypted?: boolean }).isEncrypted]));
    for (const [name, { encrypted }] of Object.entries(STORES)) assert.equal(flag.get(name), encrypted, name);
    // Never against the report: a store the rule reports is not written encrypted, and the reverse.
    for (const name of Object.keys(STORES)) assert.equal(flag.get(name), !reported(r).has(name), name);
  });

  it('Threagile: encryption transparent for a control or a provider default not switched off; none otherwise', () => {
    const r = analyzed();
    const assets = buildThreagile(r).technical_assets;
    for (const [name, { encrypted }] of Object.entries(STORES)) assert.equal(assets[name].encryption, encrypted ? 'transparent' : 'none', name);
    for (const name of Object.keys(STORES)) assert.equal(assets[name].encryption !== 'none', !reported(r).has(name), name);
  });

  it('a process of a provider technology is no store: neither export writes it encrypted at rest', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: P }\nelements:\n  fn: { name: Function, tech: lambda }\n  q: { name: Queue, tech: sqs }\nflows:\n  - fn -> q: cloud-api\n');
    const td = buildThreatDragon(r).detail.diagrams[0].cells.find((c) => c.data.name === 'Function')!;
    assert.equal((td.data as { isEncrypted?: boolean }).isEncrypted, undefined);
    assert.equal(buildThreagile(r).technical_assets.Function.encryption, 'none');
    assert.equal(buildThreagile(r).technical_assets.Queue.encryption, 'transparent');
  });
});
