// The Markdown report in the method's Output Format: Threat Model, System Description, Data Flow Diagram,
// Assets, Threats (ID, STRIDE, Component, Threat, Risk, Mitigation), Recommendations; extra sections
// (boundaries and crossings, threat details, attack surface, STRIDE coverage) come between or after.
import type { AnalysisResult, CoverageCell, Threat } from '../analysis/types.js';
import { SURFACE_CATEGORIES, STRIDE_LETTERS } from '../analysis/types.js';
import { renderAscii } from './diagram/index.js';
import { renderMermaid } from './diagram/index.js';
import { countsPhrase, isOpenThreat, uidOf } from '../track/triage.js';
import { collapseBlankLines, joinChunks, joinLines } from './chunks.js';

export interface MarkdownOptions {
  /** How the Data Flow Diagram section is drawn: an ASCII code block (default) or a Mermaid block. */
  diagram?: 'ascii' | 'mermaid';
  /** Maximum width of the ASCII diagram. */
  width?: number;
}

/**
 * Model text cannot become HTML: `<` would open a tag and `&name;` would be an entity. A lone `>` is
 * harmless and stays readable in the raw Markdown (`a -> b`).
 */
const noHtml = (text: string): string => text.replace(/&(?=#?\w+;)/g, '&amp;').replace(/</g, '&lt;');

// Most text needs no escaping: one test instead of a chain of replacements (a large report escapes millions of strings).
const CELL_SPECIAL = /[\\|\r\n&<]/;
const INLINE_SPECIAL = /[\r\n&<]/;

/** A table cell: pipes and line breaks must not break the table. */
export function cell(text: string): string {
  if (!CELL_SPECIAL.test(text)) return text;
  return noHtml(text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' '));
}

/** Inline text outside tables: one line, no HTML. */
export const inline = (text: string): string => (INLINE_SPECIAL.test(text) ? noHtml(text.replace(/\r?\n|\r/g, ' ')) : text);

/** A fenced block whose fence is longer than any run of backticks inside it. */
export function fence(body: string, info = ''): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${info}\n${body.replace(/\n$/, '')}\n${f}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

function scopeLine(r: AnalysisResult): string {
  const s = r.summary;
  return [
    plural(s.elements.process, 'service'),
    plural(s.flows, 'data flow'),
    plural(s.elements.store, 'data store'),
    plural(s.elements.external, 'external entity', 'external entities'),
    plural(s.boundaries, 'trust boundary', 'trust boundaries'),
    plural(s.crossings, 'boundary crossing'),
    plural(s.endpoints, 'entry point'),
  ].join(', ');
}

function threatCounts(r: AnalysisResult): string {
  const t = r.summary.threats;
  if (t.total === 0) return 'No open threats.';
  const parts = (['Critical', 'High', 'Medium', 'Low'] as const).filter((k) => t[k] > 0).map((k) => `${t[k]} ${k}`);
  return `${plural(t.total, 'threat')}: ${parts.join(', ')}.`;
}

const nameOf = (r: AnalysisResult) => {
  const names = new Map<string, string>();
  for (const e of r.elements) names.set(e.id, e.name);
  for (const b of r.boundaries) names.set(b.id, b.name);
  return (id: string) => names.get(id) ?? id;
};

function boundariesSection(r: AnalysisResult): string[] {
  if (r.boundaries.length === 0 && r.crossings.length === 0) return [];
  const name = nameOf(r);
  const members = new Map<string, string[]>();
  for (const e of r.elements) {
    if (!e.boundary) continue;
    const list = members.get(e.boundary) ?? [];
    list.push(e.name);
    members.set(e.boundary, list);
  }
  const out = ['### Trust Boundaries', ''];
  if (r.boundaries.length) {
    out.push(table(['Boundary', 'Trust', 'Kind', 'Inside', 'Elements'], r.boundaries.map((b) => [
      cell(b.name), b.trust, b.kind, b.parent ? cell(name(b.parent)) : '-', cell((members.get(b.id) ?? []).join(', ') || '-'),
    ])), '');
  }
  if (r.crossings.length) {
    const flows = new Map(r.flows.map((f) => [f.id, f]));
    out.push('#### Boundary crossings', '');
    out.push(table(['Flow', 'Crossing', 'Protocol', 'Encrypted', 'Auth'], r.crossings.map((c) => {
      const f = flows.get(c.flow);
      return [
        cell(`${name(c.from)} -> ${name(c.to)}`), cell(c.label), cell(f?.protocol ?? ''), f?.encrypted ? 'yes' : '**no**', cell(f?.auth ?? ''),
      ];
    })), '');
  }
  return out;
}

function assetsSection(r: AnalysisResult): string[] {
  const out = ['### Assets', ''];
  if (r.assets.length === 0) {
    out.push('No assets declared: add `assets:` so impact can be rated from what is at stake.', '');
    return out;
  }
  const where = new Map<string, string[]>();
  for (const e of r.elements) {
    for (const a of e.stores) (where.get(a) ?? where.set(a, []).get(a)!).push(`${e.name} (stored)`);
    for (const a of e.handles) (where.get(a) ?? where.set(a, []).get(a)!).push(e.name);
  }
  out.push(table(['Asset', 'Kind', 'Classification', 'C / I / A', 'Where'], r.assets.map((a) => [
    cell(a.name + (a.description ? ` - ${a.description}` : '')),
    cell(a.type ? `${a.kind}: ${a.type}` : a.kind),
    a.classification,
    `${a.confidentiality} / ${a.integrity} / ${a.availability}`,
    cell((where.get(a.id) ?? []).join(', ') || '-'),
  ])), '');
  return out;
}

function threatsSection(r: AnalysisResult): string[] {
  const out = ['### Threats', ''];
  if (r.threats.length === 0) {
    out.push('No threats at or above the requested risk level.', '');
    return out;
  }
  out.push(table(['ID', 'STRIDE', 'Component', 'Threat', 'Risk', 'Mitigation'], r.threats.map((t) => [
    `${t.id} \`${uidOf(t)}\``, t.stride, cell(t.componentName), cell(t.title), t.risk, cell(t.mitigation),
  ])), '');
  return out;
}

/** Residual risk once triage is applied: what is still open, and what was decided, separately. */
function residualSection(r: AnalysisResult): string[] {
  const tri = r.triage;
  if (!tri) return [];
  const out = ['### Residual Risk', '', `**Open (open or mitigating):** ${countsPhrase(tri.open)}. **Closed by decision:** ${countsPhrase(tri.closed)}.`, ''];
  const decided = r.threats.filter((t) => !isOpenThreat(t) || t.triage?.declared || t.triage?.status === 'mitigating');
  if (decided.length) {
    out.push(table(['ID', 'Threat', 'Risk', 'Status', 'Reason', 'Owner', 'Ticket', 'Expires'], decided.map((t) => {
      const d = t.triage!;
      return [`${t.id} \`${uidOf(t)}\``, cell(t.title), t.risk, d.declared ? `${d.status} (${d.declared} expired)` : d.status,
        cell(d.reason ?? ''), cell(d.owner ?? ''), cell(d.ticket ?? ''), d.expires ?? ''];
    })), '');
  }
  if (tri.warnings.length) out.push(...tri.warnings.map((w) => `- \`${w.file}:${w.line}\` ${inline(w.message)}`), '');
  return out;
}

function recommendationsSection(r: AnalysisResult): string[] {
  const out = ['### Recommendations', ''];
  if (r.recommendations.length === 0) {
    out.push('Nothing to fix at this risk level.', '');
    return out;
  }
  for (const rec of r.recommendations) out.push(`${rec.rank}. [${rec.risk}] ${inline(rec.text)} (${rec.threats.join(', ')})`);
  out.push('');
  return out;
}

function threatDetail(t: Threat, file: string): string[] {
  const out = [
    `#### ${t.id}. ${inline(t.title)}`,
    '',
    inline(t.description),
    '',
    `- **STRIDE:** ${t.stride} (${t.category}); **risk:** ${t.risk}`,
    `- **Likelihood:** ${t.likelihood.level}, ${inline(t.likelihood.reason)}`,
    `- **Impact:** ${t.impact.level}, ${inline(t.impact.reason)}`,
    `- **Mitigation:** ${inline(t.mitigation)}`,
    '- **Evidence:**',
    ...t.evidence.map((e) => `  - ${inline(e.fact)} (\`${file}:${e.line}\`)`),
  ];
  if (t.references.length) out.push(`- **References:** ${t.references.join(', ')}`);
  out.push(`- **Rule:** \`${t.ruleId}\`; **key:** \`${inline(t.key)}\`; **stable id:** \`${uidOf(t)}\``, '');
  return out;
}

function surfaceSection(r: AnalysisResult): string[] {
  const out = ['### Attack Surface', ''];
  for (const category of SURFACE_CATEGORIES) {
    const entries = r.attackSurface.filter((e) => e.category === category);
    out.push(entries.length === 0 ? `**${category}:** none in the model.` : `**${category}:**`);
    const where = { internet: ' (internet-facing)', indirect: ' (reachable through other components)', internal: '' };
    for (const e of entries) out.push(`- ${inline(e.name)}: ${inline(e.detail)}${where[e.exposure]}`);
    out.push('');
  }
  return out;
}

function coverageCell(c: CoverageCell): string {
  if (c.status === 'threat') return c.threats.join(' ');
  if (c.status === 'mitigated') return `ok: ${cell(c.controls.join(', '))}`;
  return '-';
}

function coverageSection(r: AnalysisResult): string[] {
  const out = [
    '### STRIDE Coverage',
    '',
    'Every element and flow against every STRIDE category: threat ids found, `ok: control` where a control mitigates it, `-` where it does not apply (reasons in the JSON output).',
    '',
  ];
  out.push(table(['Component', ...STRIDE_LETTERS], r.coverage.map((row) => [
    cell(row.name), ...row.cells.map(coverageCell),
  ])), '');
  return out;
}

function warningsSection(r: AnalysisResult): string[] {
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length === 0) return [];
  return ['### Model Warnings', '', ...warnings.map((d) => `- \`${d.file}:${d.line}:${d.col}\` ${inline(d.message)}`), ''];
}

export function renderMarkdown(r: AnalysisResult, options: MarkdownOptions = {}): string {
  return joinChunks(markdownChunks(r, options));
}

/**
 * The report in pieces of about a megabyte whose concatenation is renderMarkdown's text: the CLI writes
 * them one by one, since a large model's report can exceed what one string may hold.
 */
export function markdownChunks(r: AnalysisResult, options: MarkdownOptions = {}): Iterable<string> {
  return collapseBlankLines(joinLines(reportLines(r, options)));
}

/** Every line of the report, in order (a line may hold several, e.g. a whole table). */
function* reportLines(r: AnalysisResult, options: MarkdownOptions): Generator<string> {
  const diagram = options.diagram === 'mermaid'
    ? fence(renderMermaid(r), 'mermaid')
    : fence(renderAscii(r, { width: options.width ?? 100 }), 'text');
  yield* [
    `## Threat Model: ${inline(r.system.name)}`,
    '',
    '### System Description',
    '',
    ...(r.system.description ? [inline(r.system.description), ''] : []),
    `**Scope:** ${scopeLine(r)}.`,
    '',
    `**Result:** ${threatCounts(r)}`,
    '',
    '### Data Flow Diagram',
    '',
    diagram,
    '',
  ];
  yield* boundariesSection(r);
  yield* assetsSection(r);
  yield* threatsSection(r);
  yield* residualSection(r);
  yield* recommendationsSection(r);
  if (r.threats.length) {
    yield '### Threat Details';
    yield '';
    for (const t of r.threats) yield* threatDetail(t, r.file);
  }
  yield* surfaceSection(r);
  yield* coverageSection(r);
  yield* warningsSection(r);
}
