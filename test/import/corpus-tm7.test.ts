// The Microsoft Threat Modeling Tool example of the shared corpus (shared/corpus/README.md: origin and
// licence), read where it is, against its conversion to OTM by IriusRisk's StartLeft in the same corpus:
// the same 4 components, 6 dataflows (name and ends, one by one) and 43 threats, and the trust zones as far
// as the .tm7 holds them, plus what threatmap reads that the OTM conversion could not say (catalog types
// and technologies, a cloud zone, the flows' protocols). Skipped, with the reason, when it is not there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importTm7 } from '../../src/import/tm7.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText, replaceOnce } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const TM7 = join('mtmt', 'MTMT_example.tm7');
const OTM = join('otm', 'startleft-mtmt_example.otm.yaml');
const dir = corpusDir('', TM7, OTM);
const skip = dir ? false : corpusMissing('the MTMT example and its OTM conversion');

interface OtmNamed { id: string; name: string }
interface OtmZone extends OtmNamed { parent?: { trustZone: string } }
interface OtmComponent extends OtmNamed { parent: { trustZone: string } }
interface OtmFlow extends OtmNamed { source: string; destination: string }
interface Otm { trustZones: OtmZone[]; components: OtmComponent[]; dataflows: OtmFlow[]; threats: OtmNamed[] }

function load(edit: (tm7: string) => string = (t) => t) {
  const text = edit(readFileSync(join(dir!, TM7), 'utf8'));
  const r = importTm7(text, 'MTMT_example.tm7');
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  const otm = parseYaml(readFileSync(join(dir!, OTM), 'utf8')) as Otm;
  return { ...r, text: r.text, summary: r.summary, model: loaded.model, otm, tm7: text };
}

/** The .tm7 with the threat numbered `id` edited: the file is one line, so the threat is cut out by its tags. */
function withThreat(text: string, id: string, edit: (threat: string) => string): string {
  const at = text.indexOf(`<b:Id>${id}</b:Id>`);
  const start = text.lastIndexOf('<a:KeyValueOfstringThreatpc_P0_PhOB>', at);
  const end = text.indexOf('</a:KeyValueOfstringThreatpc_P0_PhOB>', at);
  assert.ok(at > 0 && start > 0 && end > at, `threat ${id} not found`);
  return text.slice(0, start) + edit(text.slice(start, end)) + text.slice(end);
}

describe('MTMT corpus: the example model against its StartLeft OTM conversion', { skip }, () => {
  it('the same 4 components, by name; kinds from the stencils; no diagnostics', () => {
    const r = load();
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.model.elements.map((e) => e.name).sort(), r.otm.components.map((c) => c.name).sort());
    assert.deepEqual(r.model.elements.map((e) => [e.name, e.kind]), [
      ['Accounting PostgreSQL', 'store'], ['Mobile Client', 'external'], ['Public API v2', 'process'], ['Azure File Storage', 'store'],
    ]);
  });

  it('each component in the zone the conversion put it in: Internet, and the Azure boundary (StartLeft\'s "Private Secured Cloud")', () => {
    const r = load();
    const zoneName = new Map(r.otm.trustZones.map((z) => [z.id, z.name]));
    const boundaryName = new Map(r.model.boundaries.map((b) => [b.id, b.name]));
    const pairs = r.otm.components.map((c) => {
      const e = r.model.elements.find((x) => x.name === c.name)!;
      return [c.name, zoneName.get(c.parent.trustZone), boundaryName.get(e.boundary!)];
    });
    assert.deepEqual(pairs, [
      ['Accounting PostgreSQL', 'Private Secured Cloud', 'Public Cloud'],
      ['Mobile Client', 'Internet', 'Internet'],
      ['Public API v2', 'Private Secured Cloud', 'Public Cloud'],
      ['Azure File Storage', 'Private Secured Cloud', 'Public Cloud'],
    ]);
  });

  it('2 boxes in the .tm7 for the conversion\'s 3 zones: StartLeft names the Azure zone from its mapping file, and its empty "Sandbox environment" is not in the .tm7', () => {
    const r = load();
    assert.deepEqual(r.otm.trustZones.map((z) => z.name), ['Internet', 'Private Secured Cloud', 'Sandbox environment']);
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.name, b.trust, b.kind, b.parent ?? null]), [
      ['internet', 'Internet', 'untrusted', 'network', null],
      ['public-cloud', 'Public Cloud', 'internal', 'cloud', null],
    ]);
    // The conversion's Sandbox zone holds no component and has no shape; the .tm7 has no such stencil or name.
    const sandbox = r.otm.trustZones.find((z) => z.name === 'Sandbox environment')!;
    assert.ok(!r.otm.components.some((c) => c.parent.trustZone === sandbox.id));
    assert.ok(!/sandbox/i.test(r.tm7));
    assert.ok(!/Private Secured/.test(r.tm7));
  });

  it('the same 6 dataflows, one by one: name, source and destination; each Response folded into its request', () => {
    const r = load();
    const componentName = new Map(r.otm.components.map((c) => [c.id, c.name]));
    const elementName = new Map(r.model.elements.map((e) => [e.id, e.name]));
    const ours = r.model.flows.map((f) => [f.name, elementName.get(f.from), elementName.get(f.to)]);
    const theirs = r.otm.dataflows.map((f) => [f.name, componentName.get(f.source), componentName.get(f.destination)]);
    assert.equal(theirs.length, 6);
    // A threatmap flow is the connection: the 3 Responses are their requests' other direction.
    assert.deepEqual(ours, theirs.filter(([name]) => !/Response$/.test(name!)));
    for (const [name, from, to] of theirs.filter(([n]) => /Response$/.test(n!))) {
      assert.ok(theirs.some(([n, f, t]) => /Request$/.test(n!) && f === to && t === from), `${name}: no request the other way`);
      assert.match(r.text, new RegExp(`# its reply, TMT's Response "${name}" \\(MTMT_example\\.tm7:1:\\d+ [0-9a-f-]+\\), is this connection's other direction`));
    }
  });

  it('the same 43 threats by title, listed and counted by state, all as generated: 31 written as 21, 12 left to threatmap\'s rules; 4 ids differ (the conversion is of an earlier save)', () => {
    const r = load();
    const words = (t: string) => t.replace(/\s+/g, ' ').trim();
    assert.equal(r.summary.threats.length, 43);
    assert.deepEqual(r.summary.threats.map((t) => words(t.title)).sort(), r.otm.threats.map((t) => words(t.name)).sort());
    // The two "Azure subscription" threats of each Mobile Client flow are numbered 27, 34, 64, 65 in the
    // conversion and 66-69 in the .tm7: the tool renumbers regenerated threats, and the Internet box's
    // geometry differs too, so StartLeft's example was converted from an earlier save of this model.
    const ours = new Set(r.summary.threats.map((t) => t.id));
    const theirs = new Set(r.otm.threats.map((t) => String(t.id)));
    assert.deepEqual([[...ours].filter((id) => !theirs.has(id)).sort(), [...theirs].filter((id) => !ours.has(id)).sort()], [['66', '67', '68', '69'], ['27', '34', '64', '65']]);
    assert.deepEqual(r.summary.threatStates, { AutoGenerated: 43 });
    assert.match(r.text, /^# The file records 43 threats \(AutoGenerated 43\)\.$/m);
    // s20: the placeholder the API handles, `data`, is confidential (assumed: impact Medium at most), so
    // missing-authentication and verbose-errors, which need data of high confidentiality, report the spoofing
    // of the API and its error messages themselves: those 4 (1 spoofing, 3 error messages) are left to them, not written.
    assert.match(r.text, /^# 31 as the template generated them, untouched: written under `threats:` as 21 /m);
    assert.match(r.text, /^# 12 as the template generated them, untouched, left to threatmap's rules, [^\n]*\(all listed here\):$/m);
    // All 12 listed, none cut off.
    assert.equal(r.text.match(/^# {3}.* -> [a-z-]+(, [a-z-]+)*$/gm)?.length, 12);
    assert.match(r.text, /^# {3}An adversary may spoof Mobile Client and gain access to Web API \(High, Spoofing, on mobile-client -> public-api-v2\) -> missing-authentication$/m);
    assert.ok(!/^# {3}\.\.\. and \d+ more$/m.test(r.text));
    // Nobody worked on them: no decision to keep.
    assert.ok(r.summary.threats.every((t) => !t.written));
    assert.equal(r.summary.threats.filter((t) => t.rules).length, 12);
    assert.equal(r.model.threats.length, 21);
    assert.equal(r.summary.generatedWritten, 21);
    assert.equal(r.triage, undefined);
  });

  it('once the team has worked on 4 of them (States, a justification, one added by hand): those 4 in the model, 3 decisions, none stale', () => {
    const r = load((tm7) => {
      let t = withThreat(tm7, '55', (x) => replaceOnce(x, '<b:State>AutoGenerated</b:State><b:StateInformation i:nil="true"/>',
        '<b:State>Mitigated</b:State><b:StateInformation>Firewall rules allow the API subnet only</b:StateInformation>'));
      t = withThreat(t, '1', (x) => replaceOnce(x, '<b:State>AutoGenerated</b:State>', '<b:State>NotApplicable</b:State>'));
      t = withThreat(t, '2', (x) => replaceOnce(x, '<b:State>AutoGenerated</b:State>', '<b:State>NeedsInvestigation</b:State>'));
      // A user-defined threat: the tool keys it otherwise than the TypeId and Guids of a generated one.
      return withThreat(t, '3', (x) => x.replace(/<a:Key>TH[^<]*<\/a:Key>/, '<a:Key>user-defined-1</a:Key>'));
    });
    assert.deepEqual(r.summary.threatStates, { AutoGenerated: 40, Mitigated: 1, NeedsInvestigation: 1, NotApplicable: 1 });
    // The 4 worked on first; then the generated ones written (threat 3 was on the PSQL Response: on its request now).
    assert.deepEqual(r.model.threats.slice(0, 4).map((t) => [t.id, t.stride, t.impact, t.on.map((o) => o.id).join()]), [
      ['tmt-55', 'E', 'high', 'public-api-v2->accounting-postgresql'],
      ['tmt-1', 'T', 'high', 'public-api-v2->accounting-postgresql'],
      ['tmt-2', 'E', 'high', 'public-api-v2->accounting-postgresql'],
      ['tmt-3', 'E', 'high', 'public-api-v2->accounting-postgresql'],
    ]);
    assert.ok(r.model.threats.slice(4).every((t) => t.id.startsWith('tmt-th') && t.impact === undefined));
    assert.match(r.model.threats[0].title, /^An adversary can gain unauthorized access to Azure Postgres DB instances/);
    assert.match(r.model.threats[0].mitigation!, /Refer: https:\/\/aka\.ms\/tmt-th153$/);
    assert.match(r.text, /^# \d+ as the template generated them, untouched: written under `threats:`/m);
    assert.equal(r.summary.threats.filter((t) => !t.written).length, 39);
    assert.equal(r.triage?.decisions, 3);
    const parsed = parseTriage(r.triage!.text, 'imported.triage.yaml');
    assert.ok(parsed.triage, formatDiagnostics(parsed.diagnostics));
    const applied = applyTriage(analyzeText(r.text, 'imported.yaml'), parsed.triage, { today: '2026-01-01' });
    assert.deepEqual(applied.triage!.stale, []);
    assert.deepEqual(applied.threats.filter((t) => t.ruleId.startsWith('threat:tmt-') && !t.ruleId.startsWith('threat:tmt-th')).map((t) => [t.key, t.triage?.status, t.triage?.reason ?? null]).sort(), [
      ['threat:tmt-1@public-api-v2->accounting-postgresql', 'false-positive', 'marked Not Applicable in the Microsoft Threat Modeling Tool'],
      ['threat:tmt-2@public-api-v2->accounting-postgresql', 'open', 'marked Needs Investigation in the Microsoft Threat Modeling Tool'],
      ['threat:tmt-3@public-api-v2->accounting-postgresql', 'open', null],
      ['threat:tmt-55@public-api-v2->accounting-postgresql', 'mitigated', 'Firewall rules allow the API subnet only'],
    ]);
  });

  it('what threatmap adds: technologies and types from the template\'s stencils, protocols from the server end', () => {
    const r = load();
    const el = (name: string) => r.model.elements.find((e) => e.name === name)!;
    // The managed service (its TLS and logins set in Azure); Azure Storage with no Storage Type: blob storage.
    assert.deepEqual([el('Accounting PostgreSQL').type, el('Accounting PostgreSQL').tech, el('Accounting PostgreSQL').traits], ['database', 'azure-postgres', ['sql', 'cloud']]);
    assert.deepEqual([el('Mobile Client').type, el('Mobile Client').tech], ['user-agent', 'mobile-app']);
    assert.equal(el('Public API v2').type, 'api');
    assert.deepEqual([el('Azure File Storage').type, el('Azure File Storage').tech], ['object-storage', 'azure-blob']);
    assert.deepEqual(r.model.flows.map((f) => [f.name, f.protocol]), [['PSQL Request', 'postgres'], ['File Request', 'cloud-api'], ['API Request', 'http']]);
    assert.match(r.text, /# Storage Type not chosen in TMT: blob storage \(azure-blob\) assumed, though its name says "File"/);
    // "Azure Postgres DB TLS Enforced" left at Select: no TLS is an assumption, and the comment says so.
    assert.match(r.text, /# TLS not stated in TMT \(`accounting-postgresql`'s "Azure Postgres DB TLS Enforced" left at Select\)[^\n]*\n(?: {2}#[^\n]*\n)* {2}- public-api-v2 -> accounting-postgresql:/);
  });

  it('analyze runs on it and finds threats on the flow from the internet into the cloud', () => {
    const r = load();
    const a = analyzeText(r.text, 'imported.yaml');
    assert.ok(a.threats.length > 0);
    assert.ok(a.threats.some((t) => t.flows.includes('mobile-client->public-api-v2')));
  });
});
