// The OTM files of the shared corpus (shared/corpus/README.md: origin and licence), read where they are:
// the spec's example (whose under-indented line our YAML parser rejects), StartLeft's hand-written model
// (0.1.0) and its conversion of a Microsoft Threat Modeling Tool model (nested zones, 43 threats,
// placeholder numbers). Skipped, with the reason, when the corpus is not there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importOtm } from '../../src/import/otm.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { corpusDir, corpusMissing } from '../corpus.js';
import { analyzeText } from '../helpers.js';

const dir = corpusDir('otm', 'startleft-mtmt_example.otm.yaml');
const skip = dir ? false : corpusMissing('the OTM corpus (otm/)');
const read = (name: string) => readFileSync(join(dir!, name), 'utf8');

function load(text: string, file: string) {
  const r = importOtm(text, file);
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { ...r, model: loaded.model, summary: r.summary };
}

/** The imported model analysed with the triage file written beside it, as `threatmap analyze` reads them. */
function analysed(r: { text?: string; triage?: { text: string } }) {
  const parsed = r.triage ? parseTriage(r.triage.text, 'imported.triage.yaml') : undefined;
  assert.ok(!parsed || parsed.triage, parsed ? formatDiagnostics(parsed.diagnostics) : '');
  return applyTriage(analyzeText(r.text!, 'imported.yaml'), parsed?.triage, { today: '2026-11-28' });
}

describe('OTM corpus: the spec\'s EXAMPLE.yaml', { skip }, () => {
  it('its under-indented closing quote is a YAML error with file:line:col', () => {
    const r = importOtm(read('otm-spec-EXAMPLE.yaml'), 'EXAMPLE.yaml');
    assert.equal(r.text, undefined);
    const first = r.diagnostics[0];
    // Reported once, where the fix goes (the closing line), not where YAML noticed it.
    assert.deepEqual([first.file, first.line, first.col, first.severity, first.code], ['EXAMPLE.yaml', 133, 9, 'error', 'syntax-error']);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(first.hint, 'indent the continuation lines of a quoted string more than its key: indent line 133 past column 9');
    assert.match(first.message, /^line 133 closes the quoted value of `codeSnippet` \(line 127\)/);
    // The message stays one readable line, not the rest of the file.
    for (const d of r.diagnostics) assert.ok(d.message.length < 200 && !d.message.includes('\n'), d.message);
  });
  it('with that line indented: 2 zones, 4 components, 2 bidirectional dataflows as 2 flows, 1 threat', () => {
    const lines = read('otm-spec-EXAMPLE.yaml').split('\n');
    assert.equal(lines[132], "        }'");
    lines[132] = `  ${lines[132]}`;
    const r = load(lines.join('\n'), 'EXAMPLE.yaml');
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.trust]), [['internet', 'untrusted'], ['private', 'restricted']]);
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.type ?? null, e.tech ?? null, e.boundary]), [
      ['web-client', 'external', 'user-agent', 'browser', 'internet'],
      ['web-service', 'process', 'api', null, 'private'],
      ['customer-database', 'store', 'database', 'postgres', 'private'],
      ['class-customerdatabase', 'process', null, null, 'private'],
    ]);
    // Each is one call from its source: the reply is the flow's own, not a second flow with findings of its own.
    assert.deepEqual(r.model.flows.map((f) => `${f.from} -> ${f.to}`), ['web-client -> web-service', 'web-service -> customer-database']);
    assert.deepEqual(r.model.assets.map((a) => [a.id, a.confidentiality, a.integrity, a.availability]), [
      ['cc-data', 'high', 'high', 'high'], ['public-info', 'low', 'high', 'medium'],
    ]);
    assert.equal(r.summary.threats.length, 1);
    assert.equal(r.summary.mitigations, 2);
    assert.deepEqual(r.summary.threats[0].on, ['web-service', 'web-service -> customer-database']);
    // Its implemented mitigation names no catalog control: a comment, not a control.
    assert.deepEqual(r.model.elements[1].controls, []);
    assert.match(r.text!, /mitigation fd6136f4-e2ff-11eb-ba80-0242ac130004 "This is the name of mitigation 1" is implemented here/);
    assert.equal(r.model.system.owner, 'John Doe');
  });
  it('its one threat sits on a component with its mitigation implemented and on a dataflow with it required: two threats, one decided', () => {
    const lines = read('otm-spec-EXAMPLE.yaml').split('\n');
    lines[132] = `  ${lines[132]}`;
    const r = load(lines.join('\n'), 'EXAMPLE.yaml');
    // The UUID gives way to the title; the instances differ (implemented / required), so one threat each.
    assert.deepEqual(r.model.threats.map((t) => [t.id, t.title, t.stride, t.on.map((o) => `${o.kind} ${o.id}`), t.likelihood, t.impact, t.references]), [
      ['threat-1-web-service', 'Threat 1', 'S', ['element web-service'], 'medium', 'high', ['CWE-79', 'CWE-787']],
      ['threat-1-web-service-customer-database', 'Threat 1', 'S', ['flow web-service->customer-database'], 'medium', 'high', ['CWE-79', 'CWE-787']],
    ]);
    assert.equal(r.model.threats[0].mitigation, 'This is the name of mitigation 1: Description for mitigation 1');
    assert.deepEqual([r.summary.written, r.summary.decisions], [2, 1]);
    assert.match(r.triage!.text, /threat:threat-1-web-service@web-service:\n {4}threat: Threat 1\n {4}status: mitigated\n/);
    const result = analysed(r);
    assert.deepEqual(result.triage!.stale, []);
    assert.deepEqual(result.threats.filter((t) => t.ruleId.startsWith('threat:')).map((t) => [t.key, t.triage?.status]), [
      ['threat:threat-1-web-service-customer-database@web-service->customer-database', 'open'],
      ['threat:threat-1-web-service@web-service', 'mitigated'],
    ]);
  });
});

describe('OTM corpus: StartLeft manual_threat_model (0.1.0)', { skip }, () => {
  it('3 zones, 3 components, 2 dataflows; Internet untrusted, Public (holding our own web server) dmz', () => {
    const r = load(read('startleft-manual_threat_model.otm.yaml'), 'manual.otm.yaml');
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.trust]), [['internet', 'untrusted'], ['public', 'dmz'], ['private-secured', 'restricted']]);
    assert.match(r.text!, /^ {2}# dmz: named like the outside, but it holds the system's own `web-server`: the part facing the internet; check it\n {2}public: \{ name: Public, trust: dmz \}$/m);
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.boundary]), [
      ['user', 'external', 'internet'], ['web-server', 'process', 'public'], ['database', 'store', 'private-secured'],
    ]);
    assert.deepEqual(r.model.flows.map((f) => `${f.from} -> ${f.to}: ${f.protocol}`), ['user -> web-server: http', 'web-server -> database: postgres']);
    assert.equal(r.summary.otmVersion, '0.1.0');
    // No threats in the file: none written, no triage file.
    assert.deepEqual([r.model.threats.length, r.summary.written, r.triage], [0, 0, undefined]);
  });
});

describe('OTM corpus: StartLeft\'s conversion of a Microsoft TMT model', { skip }, () => {
  const r = dir ? load(read('startleft-mtmt_example.otm.yaml'), 'mtmt.otm.yaml') : undefined;
  it('nested zones; the placeholder trustRating 10 is not read as a number', () => {
    assert.deepEqual(r!.model.boundaries.map((b) => [b.id, b.trust, b.parent ?? null]), [
      ['internet', 'untrusted', null],
      ['private-secured-cloud', 'internal', null],
      ['sandbox-environment', 'untrusted', 'internet'],
    ]);
    assert.match(r!.text!, /every trust zone has trustRating 10: a placeholder/);
  });
  it('4 components with readable ids in place of UUIDs, 6 one-way flows', () => {
    assert.deepEqual(r!.model.elements.map((e) => [e.id, e.kind, e.boundary]), [
      ['accounting-postgresql', 'store', 'private-secured-cloud'],
      ['mobile-client', 'external', 'internet'],
      ['public-api-v2', 'process', 'private-secured-cloud'],
      ['azure-file-storage', 'store', 'private-secured-cloud'],
    ]);
    assert.equal(r!.model.flows.length, 6);
    assert.match(r!.text!, /# mtmt\.otm\.yaml:60 component 53245f54-0656-4ede-a393-357aeaa2e20f\n {2}accounting-postgresql:/);
  });
  it('43 threats written on the components StartLeft put them on, the first 10 listed by title', () => {
    assert.equal(r!.summary.threats.length, 43);
    assert.match(r!.text!, /^# The file lists 43 threats and 43 mitigations\. Its threats are under `threats:` below \(43 written\),$/m);
    assert.match(r!.text!, /^# {3}55: An adversary can gain unauthorized access to Azure Postgres DB instances due to weak network security configuration \(on accounting-postgresql\)$/m);
    assert.match(r!.text!, /^# {3}\.\.\. and 33 more$/m);
    const threats = r!.model.threats;
    assert.equal(threats.length, 43);
    assert.ok(threats.every((t) => t.on.length === 1 && t.on[0].kind === 'element'), 'each on its one component');
    // (The model reads its ids as a map's keys, so `55` is not first there: found by id.)
    const first = threats.find((t) => t.id === '55')!;
    assert.deepEqual([first.id, first.stride, first.on[0].id], ['55', 'E', 'accounting-postgresql']);
    // The knowledge base's HTML link is plain text in the model.
    assert.equal(first.mitigation, 'Restrict access to Azure Postgres DB instances by configuring server-level firewall rules to only permit connections from selected IP addresses where possible. Refer: https://aka.ms/tmt-th153');
    // The STRIDE spellings of the conversion (Elevation of Privileges...) all map.
    const strides: Record<string, number> = {};
    for (const t of threats) strides[t.stride] = (strides[t.stride] ?? 0) + 1;
    assert.deepEqual(strides, { E: 13, T: 8, I: 12, S: 6, R: 4 });
    assert.ok(!r!.summary.notes.some((n) => n.includes('no STRIDE category')));
  });
  it('likelihood 100 and impact 100 on every threat is a placeholder: left for analyze to rate, and noted', () => {
    assert.ok(r!.model.threats.every((t) => t.likelihood === undefined && t.impact === undefined));
    assert.ok(r!.summary.notes.includes('every threat has likelihood 100 and impact 100: a converter\'s placeholder, not a rating, so both are left out and analyze rates each threat from the model'));
    const result = analysed(r!);
    assert.equal(result.threats.filter((t) => t.ruleId.startsWith('threat:')).length, 43);
    assert.ok(result.threats.some((t) => t.ruleId.startsWith('threat:') && t.likelihood.level !== 'High'), 'rated from the model, not all High');
  });
  it('AutoGenerated threats with RECOMMENDED mitigations decide nothing: no triage file, no controls', () => {
    assert.deepEqual([r!.summary.decisions, r!.triage], [0, undefined]);
    assert.ok(r!.summary.threats.every((t) => t.decisions === undefined));
    // RECOMMENDED mitigations are not implemented ones: no controls.
    assert.ok(r!.model.elements.every((e) => e.controls.length === 0));
  });
});
