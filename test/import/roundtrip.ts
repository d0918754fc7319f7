// A model exported to another tool's format and imported again, compared with the original: what the team
// sees (every threat with its key, ratings and decision; the elements, flows, boundaries and assets as
// analysed) must come back the same. The round-trip tests of each format (roundtrip-*.test.ts) use it; an
// exception a format cannot avoid is named in that test, never hidden here.
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { hasErrors } from '../../src/model/diagnostics.js';
import type { Diagnostic, Model } from '../../src/model/types.js';
import { loadModel } from '../../src/model/load.js';
import { importOtm } from '../../src/import/otm.js';
import { importThreagile } from '../../src/import/threagile.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { joinChunks } from '../../src/render/chunks.js';
import { renderOtmChunks } from '../../src/render/otm.js';
import { renderThreagile } from '../../src/render/threagile.js';
import { renderThreatDragonChunks } from '../../src/render/threat-dragon.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';

export type RoundTripFormat = 'otm' | 'threat-dragon' | 'threagile';

/** Far enough ahead that no decision of a fixture lapses while the tests are kept. */
const TODAY = '2026-01-01';

/** What a person compares: one line per threat, and the analysed model without its source positions. */
export interface Snapshot {
  threats: Map<string, string>;
  components: Map<string, string>;
  stale: string[];
}

/** The model of a text and its analysis with its triage text applied; throws on load or triage errors. */
export function analyseText(text: string, file: string, triageText?: string): { model: Model; result: AnalysisResult } {
  const loaded = loadModel(text, file);
  if (loaded.model === undefined || hasErrors(loaded.diagnostics)) {
    throw new Error(`${file} does not load:\n${describe(loaded.diagnostics)}\n--- the model ---\n${text}`);
  }
  const model = loaded.model;
  const result = analyze(model);
  if (triageText === undefined) return { model, result };
  const parsed = parseTriage(triageText, `${file}.triage.yaml`);
  if (parsed.triage === undefined) throw new Error(`the triage file does not load:\n${describe(parsed.diagnostics)}\n${triageText}`);
  return { model, result: applyTriage(result, parsed.triage, { today: TODAY }) };
}

const describe = (diagnostics: readonly Diagnostic[]): string =>
  diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}[${d.code}] ${d.message}`).join('\n');

/**
 * Source positions (`at`, `loc`) differ between any two files, and the order of a map's keys is how a file
 * happens to write them; everything else is the model as analysed.
 */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) if (k !== 'at' && k !== 'loc') out[k] = withoutPositions((value as Record<string, unknown>)[k]);
  return out;
}

const json = (value: unknown): string => JSON.stringify(withoutPositions(value));

export function snapshot({ model, result }: { model: Model; result: AnalysisResult }): Snapshot {
  const threats = new Map<string, string>();
  for (const t of result.threats) {
    const d = t.triage;
    // A drifted decision needs review (scope.ts): that it still does after the round trip is part of the decision.
    const decision = d === undefined ? 'open' : [d.status, d.reason, d.owner, d.ticket, d.expires, d.review]
      .map((part) => part ?? '-').join(' | ') + (d.drift ? ` | needs review: ${d.drift.summary}` : '');
    threats.set(t.key, `${t.stride} likelihood ${t.likelihood.level} impact ${t.impact.level} risk ${t.risk}; ${decision}; "${t.title}"`);
  }
  const components = new Map<string, string>();
  components.set('system', json(result.system));
  for (const [kind, list] of [['element', result.elements], ['flow', result.flows], ['boundary', result.boundaries], ['asset', result.assets], ['written threat', model.threats]] as const) {
    for (const item of list) components.set(`${kind} ${item.id}`, json(item));
  }
  // What the model says beyond what its analysis shows: an assumption rules threats out, `rules:` tunes the
  // library, and both change the analysis of the model once it is edited again.
  model.assumptions.forEach((a, i) => components.set(`assumption ${i + 1}`, json(a)));
  if (model.rules !== undefined) components.set('rules', json(model.rules));
  return { threats, components, stale: (result.triage?.stale ?? []).map((s) => `${s.ref} (${s.threat})`) };
}

/** Every difference between two snapshots, one line each; empty when the round trip lost nothing. */
export function differences(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [what, a, b] of [['threat', before.threats, after.threats], ['model', before.components, after.components]] as const) {
    for (const [key, value] of a) {
      const back = b.get(key);
      if (back === undefined) out.push(`${what} ${key}: lost (was ${value})`);
      else if (back !== value) out.push(`${what} ${key}: changed\n    was ${value}\n    now ${back}`);
    }
    for (const [key, value] of b) if (!a.has(key)) out.push(`${what} ${key}: new (${value})`);
  }
  for (const s of after.stale) out.push(`triage: stale entry ${s}`);
  return out;
}

export interface RoundTrip {
  exported: string;
  /** The imported model and its triage file. */
  model: string;
  triage?: string;
  importDiagnostics: Diagnostic[];
  before: Snapshot;
  after: Snapshot;
  differences: string[];
}

/** As `threatmap export` renders it: the result, and the model's sections the result does not hold. */
function exportAs(format: RoundTripFormat, model: Model, result: AnalysisResult): { text: string; file: string } {
  if (format === 'otm') return { text: joinChunks(renderOtmChunks(result, { model })), file: 'model.otm.json' };
  if (format === 'threat-dragon') return { text: joinChunks(renderThreatDragonChunks(result, { model })), file: 'model.td.json' };
  return { text: renderThreagile(result, { model }), file: 'model.threagile.yaml' };
}

function importAs(format: RoundTripFormat, text: string, file: string) {
  if (format === 'otm') return importOtm(text, file, { output: 'back.yaml' });
  if (format === 'threat-dragon') return importThreatDragon(text, file, { output: 'back.yaml' });
  return importThreagile(text, file, { output: 'back.yaml' });
}

/** `threatmap export -f FORMAT` (triage applied, as the CLI exports), then `threatmap import`, then analyse both. */
export function roundTrip(format: RoundTripFormat, modelText: string, triageText?: string): RoundTrip {
  const original = analyseText(modelText, 'model.yaml', triageText);
  const exported = exportAs(format, original.model, original.result);
  const imported = importAs(format, exported.text, exported.file);
  if (imported.text === undefined || hasErrors(imported.diagnostics)) {
    throw new Error(`the ${format} export does not import:\n${describe(imported.diagnostics)}`);
  }
  const back = analyseText(imported.text, 'back.yaml', imported.triage?.text);
  const before = snapshot(original);
  const after = snapshot(back);
  return {
    exported: exported.text, model: imported.text, triage: imported.triage?.text, importDiagnostics: imported.diagnostics,
    before, after, differences: differences(before, after),
  };
}
