// Session 21 review of atrest: the Threat Dragon and Threagile exports write a store its provider encrypts as
// encrypted; a person who unticks that (isEncrypted false, encryption none) says it was switched off, and the
// re-import tags the store `encryption-at-rest-off`, so unencrypted-store reports it. Left as exported, nothing
// changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { importThreagile } from '../../src/import/threagile.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { buildThreagile } from '../../src/render/threagile.js';
import { buildThreatDragon } from '../../src/render/threat-dragon.js';
import { analyzeText } from '../helpers.js';

const MODEL = `threatmap: 1
system: { name: At rest }
assets:
  pii: { type: pii, classification: confidential }
elements:
  api: { name: API, type: api }
  bucket: { name: Bucket, tech: s3, stores: [pii] }
  pg: { name: PG, tech: postgres, stores: [pii] }
flows:
  - api -> bucket: https
  - api -> pg: https
`;

const unencrypted = (r: AnalysisResult) => r.threats.filter((t) => t.ruleId === 'unencrypted-store').map((t) => t.component).sort();

function viaThreatDragon(untick: boolean): AnalysisResult {
  const td = buildThreatDragon(analyzeText(MODEL));
  const cell = td.detail.diagrams[0].cells.find((c) => c.data.name === 'Bucket')! as { data: { isEncrypted?: boolean } };
  assert.equal(cell.data.isEncrypted, true, 'exported as its provider encrypts it');
  if (untick) cell.data.isEncrypted = false;
  const back = importThreatDragon(JSON.stringify(td), 'at-rest.td.json');
  assert.ok(back.text);
  return analyzeText(back.text, 'imported.yaml');
}

function viaThreagile(none: boolean): AnalysisResult {
  const tg = buildThreagile(analyzeText(MODEL));
  const bucket = tg.technical_assets.Bucket as { encryption: string };
  assert.equal(bucket.encryption, 'transparent', 'exported as its provider encrypts it');
  if (none) bucket.encryption = 'none';
  const back = importThreagile(stringify(tg), 'at-rest.threagile.yaml');
  assert.ok(back.text);
  return analyzeText(back.text, 'imported.yaml');
}

describe('atrest: a provider-encrypted store unticked in another tool', () => {
  it('Threat Dragon: isEncrypted false tags the bucket switched off, and it is reported', () => {
    assert.deepEqual(unencrypted(viaThreatDragon(false)), ['pg']);
    const edited = viaThreatDragon(true);
    assert.deepEqual(unencrypted(edited), ['bucket', 'pg']);
    assert.ok(edited.elements.find((e) => e.id === 'bucket')!.tags.includes('encryption-at-rest-off'));
  });

  it('Threagile: encryption none tags the bucket switched off, and it is reported', () => {
    assert.deepEqual(unencrypted(viaThreagile(false)), ['pg']);
    const edited = viaThreagile(true);
    assert.deepEqual(unencrypted(edited), ['bucket', 'pg']);
    assert.ok(edited.elements.find((e) => e.id === 'bucket')!.tags.includes('encryption-at-rest-off'));
  });
});
