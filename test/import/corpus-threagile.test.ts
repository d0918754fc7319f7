// The Threagile example model of the shared corpus, read where it is: 14 technical assets (4 external
// entities, 7 processes, 3 datastores), 20 communication links, 12 data assets, 5 trust boundaries (4
// nested in one), 1 shared runtime, 6 risk-tracking entries. Skipped, with the reason, when it is not there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importThreagile } from '../../src/import/threagile.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { analyzeText } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const NAME = 'threagile-example-model.yaml';
const dir = corpusDir('threagile', NAME);
const skip = dir ? false : corpusMissing('the Threagile corpus (threagile/)');

function load() {
  const r = importThreagile(readFileSync(join(dir!, NAME), 'utf8'), NAME);
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { ...r, text: r.text, model: loaded.model, summary: r.summary };
}
const count = <T>(list: readonly T[], f: (x: T) => unknown) => list.filter(f).length;

describe('Threagile corpus: the example model', { skip }, () => {
  it('14 elements (4 external, 7 processes, 3 stores), 20 flows, 12 assets; no diagnostics', () => {
    const r = load();
    const m = r.model;
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual([count(m.elements, (e) => e.kind === 'external'), count(m.elements, (e) => e.kind === 'process'), count(m.elements, (e) => e.kind === 'store')], [4, 7, 3]);
    assert.equal(m.flows.length, 20);
    assert.equal(m.assets.length, 12);
    assert.deepEqual([r.summary.elements, r.summary.flows, r.summary.assets], [14, 20, 12]);
  });

  it('5 boundaries, 4 nested in the application network, plus outside for the two internet clients', () => {
    const r = load();
    const b = new Map(r.model.boundaries.map((x) => [x.id, x]));
    assert.equal(r.summary.boundaries, 6);
    assert.deepEqual([...b.keys()].sort(), ['application-network', 'auth-env', 'dev-network', 'erp-dmz', 'outside', 'web-dmz']);
    assert.deepEqual(['web-dmz', 'erp-dmz', 'auth-env'].map((id) => b.get(id)!.parent), ['application-network', 'application-network', 'application-network']);
    assert.equal(b.get('outside')!.trust, 'untrusted');
    const inOutside = r.model.elements.filter((e) => e.boundary === 'outside').map((e) => e.id);
    assert.deepEqual(inOutside, ['customer-client', 'external-dev-client']);
  });

  it('1 shared runtime and 6 risk-tracking entries listed, not imported', () => {
    const r = load();
    assert.equal(r.summary.sharedRuntimes.length, 1);
    assert.match(r.summary.sharedRuntimes[0], /^WebApp and Backoffice Virtualization/);
    assert.equal(r.summary.riskTracking.length, 6);
    assert.match(r.text, /^# {3}untrusted-deserialization@erp-system: accepted$/m);
  });

  it('analyze runs on it and finds threats', () => {
    const r = load();
    const a = analyzeText(r.text, 'imported.yaml');
    assert.ok(a.threats.length > 0);
  });
});
