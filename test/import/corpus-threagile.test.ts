// The Threagile example model of the shared corpus, read where it is: 14 technical assets (4 external
// entities, 7 processes, 3 datastores), 20 communication links, 12 data assets, 5 trust boundaries (4
// nested in one), 1 shared runtime, 6 risk-tracking entries (all of Threagile's own rules), 2 risks identified by
// hand (individual_risk_categories). Skipped, with the reason, when it is not there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importThreagile } from '../../src/import/threagile.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const NAME = 'threagile-example-model.yaml';
const dir = corpusDir('threagile', NAME);
const skip = dir ? false : corpusMissing('the Threagile corpus (threagile/)');

function load(edit: (text: string) => string = (t) => t) {
  const r = importThreagile(edit(readFileSync(join(dir!, NAME), 'utf8')), NAME);
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

  it('1 shared runtime (mixing zones: a written threat) and 6 risk-tracking entries of Threagile\'s own rules: 3 carried over, 3 listed', () => {
    const r = load();
    assert.equal(r.summary.sharedRuntimes.length, 1);
    assert.match(r.summary.sharedRuntimes[0], /^WebApp and Backoffice Virtualization/);
    assert.deepEqual(r.model.threats.find((t) => t.id === 'mixed-targets-on-shared-runtime')?.on.map((o) => o.id), ['apache-webserver', 'marketing-cms']);
    assert.equal(r.summary.riskTracking.length, 6);
    // None is about the risks identified by hand: `unencrypted-asset@*` and the like are Threagile's rules, three
    // of which threatmap has an equivalent of (ldap-injection a decision, the two wildcard ones controls).
    assert.deepEqual(r.summary.riskTracking.map((t) => [t.matches, t.decided ?? 0, t.controlled ?? 0]), [[0, 0, 0], [0, 2, 0], [0, 0, 1], [0, 0, 9], [0, 0, 0], [0, 0, 0]]);
    assert.match(r.text, /^# It tracks 3 risks of Threagile's own rules/m);
    assert.match(r.text, /^# {3}untrusted-deserialization@erp-system: accepted$/m);
    assert.equal(r.triage?.decisions, 2);
  });

  it('the 2 risks identified by hand (individual_risk_categories): threats on the assets they name, rated as the file says', () => {
    const r = load();
    assert.equal(r.summary.individualRisks, 2);
    assert.deepEqual(r.model.threats.slice(0, 2).map((t) => [t.id, t.title, t.stride, t.on.map((o) => o.id).join(), t.likelihood, t.impact]), [
      // Severity critical (likely, medium impact): the ratings that give Critical.
      ['something-strange', 'Example Individual Risk at Database', 'R', 'sql-database', 'high', 'high'],
      // Severity medium (frequent, very-high impact): impact kept, likelihood lowered to give Medium.
      ['something-strange-2', 'Example Individual Risk at Contract Filesystem', 'R', 'contract-file-server', 'low', 'high'],
    ]);
    assert.deepEqual(r.model.threats[0].references, ['CWE-693', 'V0 - Something Strange', 'https://example.com']);
    assert.equal(r.model.threats[0].mitigation, 'Some text describing the mitigation...');
    assert.match(r.text, /# threagile-example-model\.yaml:\d+ risk "Example Individual Risk at Database" \(something-strange@sql-database\) of individual risk category "Some Individual Risk Example"\n/);
    const keys = analyzeText(r.text, 'imported.yaml').threats.map((t) => t.key).filter((k) => k.startsWith('threat:something'));
    assert.deepEqual(keys.sort(), ['threat:something-strange-2@contract-file-server', 'threat:something-strange@sql-database']);
  });

  it('with risk tracking for them (one direct, one by wildcard): 2 decisions that analyze applies, none stale', () => {
    const r = load((t) => `${t}
  something-strange@sql-database:
    status: accepted
    justification: Only the ERP reaches it
    ticket: XYZ-42
    checked_by: Jane Doe
  something-strange@*:
    status: in-progress
    ticket: XYZ-43
`);
    assert.deepEqual(r.summary.riskTracking.slice(6).map((t) => [t.id, t.matches]), [['something-strange@sql-database', 1], ['something-strange@*', 1]]);
    assert.equal(r.triage?.decisions, 4);
    const parsed = parseTriage(r.triage!.text, 'imported.triage.yaml');
    assert.ok(parsed.triage, formatDiagnostics(parsed.diagnostics));
    const applied = applyTriage(analyzeText(r.text, 'imported.yaml'), parsed.triage, { today: '2026-01-01' });
    assert.deepEqual(applied.triage!.stale, []);
    assert.deepEqual(applied.triage!.warnings, []);
    assert.deepEqual(applied.threats.filter((t) => t.ruleId.startsWith('threat:something')).map((t) => [t.key, t.triage?.status, t.triage?.reason, t.triage?.ticket]).sort(), [
      ['threat:something-strange-2@contract-file-server', 'mitigating', 'marked in-progress in Threagile\'s risk tracking', 'XYZ-43'],
      ['threat:something-strange@sql-database', 'accepted', 'Only the ERP reaches it', 'XYZ-42'],
    ]);
  });

  it('analyze runs on it and finds threats', () => {
    const r = load();
    const a = analyzeText(r.text, 'imported.yaml');
    assert.ok(a.threats.length > 0);
  });
});
