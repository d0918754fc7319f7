// The Markdown report in the method's Output Format: Threat Model, System Description, Data Flow Diagram,
// Assets, Threats (ID, STRIDE, Component, Threat, Risk, Mitigation), Recommendations; extra sections
// (boundaries and crossings, threat details, attack surface and paths, STRIDE coverage) come between or
// after. The report is written once, line by line, straight into pieces (chunks.ts): a 10,000-element
// model's is ~19 MB.
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import type { RuleMeta } from '../analysis/rules/types.js';
import { crossingLabel } from '../analysis/boundaries.js';
import { namesList, recommendationSteps, type StepSets, stepSets } from '../analysis/recommendations.js';
import type { AnalysisResult, AttackPath, AttackPathHop, Crossing, Risk, SurfaceEntry, Threat } from '../analysis/types.js';
import type { Flow } from '../model/types.js';
import { RISKS, SURFACE_CATEGORIES, STRIDE_LETTERS } from '../analysis/types.js';
// The renderers by their own modules: the diagram index also exports the SVG renderer, which loads Graphviz.
import { renderAscii } from './diagram/ascii.js';
import { renderMermaid } from './diagram/mermaid.js';
import { countsPhrase, isOpenThreat, statusOf, uidOf } from '../track/triage.js';
import { joinChunks, LineWriter } from './chunks.js';
import { terminalSafeChunks } from './terminal-safe.js';
import { DETAILS_THRESHOLD } from './details.js';
import { threatIdRuns } from './threat-ids.js';
import { plural } from '../model/diagnostics.js';
import { assetWhere, classificationText, HELD, LISTED_PATHS, NO_ENTRY_POINT, noDataAssets, PATHS_INTRO } from './attack-paths.js';
import { type Term, termsOf } from './glossary.js';

export { DETAILS_THRESHOLD };

export interface MarkdownOptions {
  /** How the Data Flow Diagram section is drawn: an ASCII code block (default) or a Mermaid block. */
  diagram?: 'ascii' | 'mermaid';
  /** Maximum width of the ASCII diagram. */
  width?: number;
  /**
   * Threat Details: `full`, a section per threat; `grouped`, each rule described once with a table of its
   * threats; `auto` (default), grouped above DETAILS_THRESHOLD threats.
   */
  details?: 'auto' | 'full' | 'grouped';
  /** Rule metadata (title, description) for the grouped details; default the built-in library. */
  rules?: readonly RuleMeta[];
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
  let longest = 2;
  for (const m of body.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const f = '`'.repeat(longest + 1);
  return `${f}${info}\n${body.replace(/\n$/, '')}\n${f}`;
}


/** A table's header and separator lines. */
function tableHead(w: LineWriter, columns: readonly string[]): void {
  w.line(`| ${columns.join(' | ')} |`);
  w.line(`|${columns.map(() => '---').join('|')}|`);
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
    // Endpoints as the model declares them, public or not: "entry points" are where attack paths start (attack-paths.ts).
    plural(s.endpoints, 'endpoint'),
  ].join(', ');
}

/** `3 Critical, 1 Low`: counts by risk, highest first, leaving out the zeros. */
function riskCounts(counts: Record<Risk, number>): string {
  const parts: string[] = [];
  for (let i = RISKS.length - 1; i >= 0; i--) if (counts[RISKS[i]] > 0) parts.push(`${counts[RISKS[i]]} ${RISKS[i]}`);
  return parts.join(', ');
}

function threatCounts(r: AnalysisResult): string {
  const t = r.summary.threats;
  if (t.total === 0) return 'No open threats.';
  const shown = shownPhrase(r);
  return `${plural(t.total, 'threat')}: ${riskCounts(t)}.${shown === undefined ? '' : ` ${shown}`}`;
}

/**
 * What `--min-risk` left out, when it did (filterByRisk keeps the summary's counts of every threat found): how
 * many threats are shown, the lowest risk they reach down to (one above the highest left out: the same
 * threats whatever level was asked between the two), and the counts left out. Undefined when all are shown.
 */
function shownPhrase(r: AnalysisResult): string | undefined {
  const t = r.summary.threats;
  if (r.threats.length >= t.total) return undefined;
  const left: Record<Risk, number> = { ...t };
  for (const th of r.threats) left[th.risk]--;
  let floor = RISKS.length - 1;
  for (let i = 0; i < RISKS.length; i++) if (left[RISKS[i]] > 0) floor = Math.min(RISKS.length - 1, i + 1);
  return `${r.threats.length} of ${t.total} shown, those at or above ${RISKS[floor]} risk (--min-risk): ${riskCounts(left)} left out.`;
}

/** Element and boundary names by id, escaped for a table cell once each (crossings repeat them). */
const cellNameOf = (r: AnalysisResult) => {
  const names = new Map<string, string>();
  const elements = r.elements;
  for (let i = 0; i < elements.length; i++) names.set(elements[i].id, cell(elements[i].name));
  for (const b of r.boundaries) names.set(b.id, cell(b.name));
  return (id: string): string => names.get(id) ?? cell(id);
};

/**
 * The flow of each crossing, asked for in crossing order. Crossings come in flow order (one per crossing
 * flow) and flow ids are unique, so a forward walk finds them without an index of every flow; a result in
 * another order switches to a lookup by id at the first miss. The walk compares the ends first: element
 * ids are shared strings that compare at once, where two flow ids of the same length compare by content.
 */
const flowFinder = (flows: readonly Flow[]) => {
  let next = 0;
  let byId: Map<string, Flow> | undefined;
  return (c: Crossing): Flow | undefined => {
    const id = c.flow;
    if (byId === undefined) {
      for (let i = next; i < flows.length; i++) {
        const f = flows[i];
        if (f.from === c.from && f.to === c.to && f.id === id) {
          next = i + 1;
          return flows[i];
        }
      }
      byId = new Map();
      for (const f of flows) byId.set(f.id, f);
    }
    return byId.get(id);
  };
};

/**
 * Items by key, in the order of each key's first item. A function of its own, away from the sections'
 * generators: a long loop makes its function hot, and a generator optimised for it is a big compile.
 */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Writes a row (or rows) per item, handing over a piece whenever one is ready. The loop itself is a plain
 * function, entered once per piece: a section generator holding the loop had to be optimised whole (tens
 * of milliseconds of compiling while its rows ran unoptimised), and deoptimised at its first yield. Each
 * row function is small, so it is optimised quickly and on its own.
 */
function* rows<T>(w: LineWriter, items: readonly T[], row: (w: LineWriter, item: T) => void): Generator<string> {
  for (let i = fill(w, items, 0, row); i < items.length; i = fill(w, items, i, row)) yield w.take();
}

/** Rows from item `i` until a piece is ready or the items end; returns the next item. */
function fill<T>(w: LineWriter, items: readonly T[], i: number, row: (w: LineWriter, item: T) => void): number {
  while (i < items.length) {
    row(w, items[i++]);
    if (w.full) break;
  }
  return i;
}

function* boundariesSection(w: LineWriter, r: AnalysisResult): Generator<string> {
  if (r.boundaries.length === 0 && r.crossings.length === 0) return;
  const name = cellNameOf(r);
  w.line('### Trust Boundaries');
  w.blank();
  if (r.boundaries.length) {
    const members = groupBy(r.elements, (e) => e.boundary);
    tableHead(w, ['Boundary', 'Trust', 'Kind', 'Inside', 'Elements']);
    yield* rows(w, r.boundaries, (w, b) => {
      const inside = b.parent ? name(b.parent) : '-';
      w.add(`| ${cell(b.name)} | ${b.trust} | ${b.kind} | ${inside} | ${cell(members.get(b.id)?.map((e) => e.name).join(', ') || '-')} |\n`);
    });
    w.blank();
  }
  if (r.crossings.length) {
    const flowOf = flowFinder(r.flows);
    w.line('#### Boundary crossings');
    w.blank();
    tableHead(w, ['Flow', 'Crossing', 'Protocol', 'Encrypted', 'Auth']);
    yield* rows(w, r.crossings, (w, c) => {
      const f = flowOf(c);
      // Escaping the two names apart is escaping the pair: ` -> ` holds nothing to escape and ends any entity.
      // The call's auth (the flow's, its endpoint's or its target's), as the analysis found it.
      w.add(`| ${name(c.from)} -> ${name(c.to)} | ${cell(c.label)} | ${cell(f?.protocol ?? '')} | ${f?.encrypted ? 'yes' : '**no**'} | ${cell(c.auth)} |\n`);
    });
    w.blank();
  }
}

/**
 * Built-in rules that report nothing on a model without assets: each needs data of some sensitivity handled,
 * stored or carried (missing-authentication data of high confidentiality, unencrypted-store stored data...).
 * Found by analysing the examples and the test and corpus models with their assets removed; a rule no longer
 * built in is not counted.
 */
const RULES_NEEDING_ASSETS: readonly string[] = [
  'missing-authentication', 'unauthenticated-store-access', 'unencrypted-store', 'unhashed-passwords', 'verbose-errors',
  'client-controlled-value', 'missing-waf', 'no-ddos-protection', 'no-backups',
];

/** The hint for a model without assets: which rules stay silent, not only that impact is unrated. */
export function noAssetsHint(): string {
  const silent = RULES_NEEDING_ASSETS.filter((id) => BUILTIN_RULES.some((rule) => rule.id === id));
  return `No assets declared: ${plural(silent.length, 'rule')} cannot fire without assets (${silent.join(', ')}), and impact cannot be rated from what is at stake: add \`assets:\` and say which elements handle and store them.`;
}

function assetsSection(w: LineWriter, r: AnalysisResult): void {
  w.line('### Assets');
  w.blank();
  if (r.assets.length === 0) {
    w.line(noAssetsHint());
    w.blank();
    return;
  }
  const where = assetWhere(r);
  tableHead(w, ['Asset', 'Kind', 'Classification', 'C / I / A', 'Where']);
  for (const a of r.assets) {
    const name = cell(a.name + (a.description ? ` - ${a.description}` : ''));
    const kind = cell(a.type ? `${a.kind}: ${a.type}` : a.kind);
    w.line(`| ${name} | ${kind} | ${classificationText(a)} | ${a.confidentiality} / ${a.integrity} / ${a.availability} | ${cell(where.get(a.id) ?? '-')} |`);
  }
  w.blank();
}

function* threatsSection(w: LineWriter, r: AnalysisResult): Generator<string> {
  w.line('### Threats');
  w.blank();
  if (r.threats.length === 0) {
    w.line('No threats at or above the requested risk level.');
    w.blank();
    return;
  }
  const shown = shownPhrase(r);
  if (shown !== undefined) {
    w.line(`Threats: ${shown}`);
    w.blank();
  }
  tableHead(w, ['ID', 'STRIDE', 'Component', 'Threat', 'Risk', 'Mitigation']);
  // A rule's threats share its mitigation, a long text: escaped once each.
  const mitigations = new Map<string, string>();
  yield* rows(w, r.threats, (w, t) => {
    let mitigation = mitigations.get(t.mitigation);
    if (mitigation === undefined) mitigations.set(t.mitigation, (mitigation = cell(t.mitigation)));
    w.add(`| ${t.id} \`${uidOf(t)}\` | ${t.stride} | ${cell(t.componentName)} | ${cell(t.title)} | ${t.risk} | ${mitigation} |\n`);
  });
  w.blank();
}

/** Residual risk once triage is applied: what is still open, and what was decided, separately. */
function* residualSection(w: LineWriter, r: AnalysisResult): Generator<string> {
  const tri = r.triage;
  if (!tri) return;
  w.line('### Residual Risk');
  w.blank();
  w.line(`**Open (open or mitigating):** ${countsPhrase(tri.open)}. **Closed by decision:** ${countsPhrase(tri.closed)}.`);
  w.blank();
  let decided = false;
  yield* rows(w, r.threats, (w, t) => {
    if (isOpenThreat(t) && !t.triage?.declared && t.triage?.status !== 'mitigating') return;
    if (!decided) tableHead(w, ['ID', 'Threat', 'Risk', 'Status', 'Reason', 'Owner', 'Ticket', 'Expires']);
    decided = true;
    const d = t.triage!;
    // A drifted decision did not lapse: the threat grew past what it was made for.
    const status = d.drift ? `${d.status} (${d.drift.status} needs review: ${cell(d.drift.summary)})` : d.declared ? `${d.status} (${d.declared} expired)` : d.status;
    // Status and expiry date are written as the triage file gives them.
    w.lines(`| ${t.id} \`${uidOf(t)}\` | ${cell(t.title)} | ${t.risk} | ${status} | ${cell(d.reason ?? '')} | ${cell(d.owner ?? '')} | ${cell(d.ticket ?? '')} | ${d.expires ?? ''} |`);
  });
  if (decided) w.blank();
  if (tri.warnings.length) {
    for (const warning of tri.warnings) w.lines(`- \`${warning.file}:${warning.line}\` ${inline(warning.message)}`);
    w.blank();
  }
}

function* recommendationsSection(w: LineWriter, r: AnalysisResult): Generator<string> {
  w.line('### Recommendations');
  w.blank();
  if (r.recommendations.length === 0) {
    w.line('Nothing to fix at this risk level.');
    w.blank();
    return;
  }
  const stepsOf = recommendationSteps(r.threats);
  yield* rows(w, r.recommendations, (w, rec) => {
    w.line(`${rec.rank}. [${rec.risk}] ${inline(rec.text)} (${threatIdList(rec.threats)})`);
    const found = stepsOf(rec);
    // A nested list starts where the item's text does, past `12. `.
    if (found !== undefined) stepLines(w, found, ' '.repeat(String(rec.rank).length + 2));
  });
  w.blank();
}

/**
 * Steps as a list at `indent`: one plain list when every threat shares them, else one list per set under
 * the components it is for, so that no step reads as applying where it does not.
 */
function stepLines(w: LineWriter, found: StepSets, indent: string): void {
  if (found.all) {
    for (const step of found.sets[0].steps) w.line(`${indent}- ${inline(step)}`);
    return;
  }
  for (const set of found.sets) {
    w.line(`${indent}- For ${inline(namesList(set.components))}:`);
    for (const step of set.steps) w.line(`${indent}  - ${inline(step)}`);
  }
}

/** Past this many threats, an action's list gives runs of consecutive ids as ranges, and a count. */
/** The threats of a punch-list action: their ids, or runs of them and a count in a large model. */
export function threatIdList(ids: readonly string[]): string {
  const runs = threatIdRuns(ids);
  if (runs === undefined) return ids.join(', ');
  return `${runs.map((r) => (r.last === undefined ? r.first : `${r.first} to ${r.last}`)).join(', ')}; ${ids.length} threats`;
}

/** One section per threat, with the reasons for its ratings and every piece of evidence. */
function fullDetails(w: LineWriter, r: AnalysisResult): Generator<string> {
  return rows(w, r.threats, (w, t) => {
    w.line(`#### ${t.id}. ${inline(t.title)}`);
    w.blank();
    w.line(inline(t.description));
    w.blank();
    w.line(`- **STRIDE:** ${t.stride} (${t.category}); **risk:** ${t.risk}`);
    w.line(`- **Likelihood:** ${t.likelihood.level}, ${inline(t.likelihood.reason)}`);
    w.line(`- **Impact:** ${t.impact.level}, ${inline(t.impact.reason)}`);
    w.line(`- **Mitigation:** ${inline(t.mitigation)}`);
    // The steps are the tool's own text, written in Markdown (code spans for settings).
    if (t.mitigationSteps) for (const step of t.mitigationSteps) w.lines(`  - ${inline(step)}`);
    w.line('- **Evidence:**');
    // The file name, references and rule id are written as given.
    for (const e of t.evidence) w.lines(`  - ${inline(e.fact)} (\`${r.file}:${e.line}\`)`);
    if (t.references.length) w.lines(`- **References:** ${t.references.join(', ')}`);
    w.lines(`- **Rule:** \`${t.ruleId}\`; **key:** \`${inline(t.key)}\`; **stable id:** \`${uidOf(t)}\``);
    w.blank();
  });
}

/**
 * What the titles of a rule's threats share, the differing middle shown as `…`, for a rule without
 * metadata (a custom rule the caller did not pass); a fixed phrase when they share no word.
 */
function titlePattern(threats: readonly Threat[]): string {
  const first = threats[0].title;
  // Lengths of the common prefix and suffix, compared character by character (linear in the titles).
  let pre = first.length;
  let suf = first.length;
  let shortest = first.length;
  let longest = first.length;
  for (const t of threats) {
    const title = t.title;
    shortest = Math.min(shortest, title.length);
    longest = Math.max(longest, title.length);
    let i = 0;
    while (i < pre && i < title.length && title.charCodeAt(i) === first.charCodeAt(i)) i++;
    pre = i;
    let j = 0;
    while (j < suf && j < title.length && title.charCodeAt(title.length - 1 - j) === first.charCodeAt(first.length - 1 - j)) j++;
    suf = j;
  }
  if (pre === longest) return first;
  let prefix = first.slice(0, pre);
  let suffix = first.slice(first.length - suf);
  // Whole words only, and the two ends may not overlap in the shortest title.
  prefix = prefix.slice(0, prefix.lastIndexOf(' ') + 1);
  suffix = suffix.slice(suffix.indexOf(' ') < 0 ? suffix.length : suffix.indexOf(' '));
  if (prefix.length + suffix.length > shortest) suffix = '';
  return prefix.trim() === '' && suffix.trim() === '' ? 'Threats found by this rule' : `${prefix}…${suffix}`;
}

/**
 * Each model line the evidence points at, once, in the order of the evidence, as `` `file:line` `` with
 * `at` the opening `` `file: ``.
 */
function evidenceLines(evidence: Threat['evidence'], at: string, seen: Set<number>): string {
  if (evidence.length === 0) return '-';
  let out = `${at}${evidence[0].line}\``;
  if (evidence.length === 1) return out;
  seen.clear();
  seen.add(evidence[0].line);
  for (let i = 1; i < evidence.length; i++) {
    const line = evidence[i].line;
    if (seen.has(line)) continue;
    seen.add(line);
    out += `, ${at}${line}\``;
  }
  return out;
}

/**
 * Each rule once (title, description, STRIDE, mitigation, references, id), then a table of its threats
 * with their stable ids, ratings and evidence lines. The reasons behind each rating stay in the JSON.
 */
function* groupedDetails(w: LineWriter, r: AnalysisResult, rules: readonly RuleMeta[]): Generator<string> {
  // Rules in the order of their first threat, so the riskiest come first.
  const groups = groupBy(r.threats, (t) => t.ruleId);
  const metas = new Map<string, RuleMeta>();
  for (const m of rules) metas.set(m.id, m);
  const at = `\`${cell(r.file)}:`;
  const seen = new Set<number>();
  w.line(`${plural(r.threats.length, 'threat')} found by ${plural(groups.size, 'rule')}, grouped by rule: each rule is described once, ` +
    'then its threats in report order with the model lines that show them. Why each likelihood and impact was rated as it was is in the JSON output.');
  w.blank();
  // The two tables' rows: with the mitigation of each threat, or without when the rule's threats share one.
  const row = (w: LineWriter, t: Threat): void => {
    w.add(`| ${t.id} \`${uidOf(t)}\` | ${cell(t.componentName)} | ${t.risk} | ${t.likelihood.level} | ${t.impact.level} | ${evidenceLines(t.evidence, at, seen)} |\n`);
  };
  const rowWithMitigation = (w: LineWriter, t: Threat): void => {
    w.add(`| ${t.id} \`${uidOf(t)}\` | ${cell(t.componentName)} | ${t.risk} | ${t.likelihood.level} | ${t.impact.level} | ${cell(t.mitigation)} | ${evidenceLines(t.evidence, at, seen)} |\n`);
  };
  for (const [ruleId, threats] of groups) {
    const shared = ruleHeading(w, ruleId, threats, metas.get(ruleId));
    yield* rows(w, threats, shared ? row : rowWithMitigation);
    w.blank();
  }
}

/** A rule's threats by risk, and whether they all share the first one's mitigation. */
function tally(threats: readonly Threat[]): { counts: Record<Risk, number>; shared: boolean } {
  const counts: Record<Risk, number> = { Low: 0, Medium: 0, High: 0, Critical: 0 };
  const mitigation = threats[0].mitigation;
  let shared = true;
  for (let i = 0; i < threats.length; i++) {
    const t = threats[i];
    counts[t.risk]++;
    if (t.mitigation !== mitigation) shared = false;
  }
  return { counts, shared };
}

/** A rule's part of the grouped details up to its table's rows; whether its threats share one mitigation. */
function ruleHeading(w: LineWriter, ruleId: string, threats: readonly Threat[], meta: RuleMeta | undefined): boolean {
  const first = threats[0];
  const { counts, shared } = tally(threats);
  w.line(`#### ${inline(meta?.title ?? titlePattern(threats))} (\`${inline(ruleId)}\`)`);
  w.blank();
  // A rule the report was not given (a model's own rule, a threat written in the model) is described by its
  // threats' words when they share them.
  const description = meta?.description ?? (threats.every((t) => t.description === first.description) ? first.description : undefined);
  if (description) {
    w.line(inline(description));
    w.blank();
  }
  w.line(`- **STRIDE:** ${first.stride} (${first.category}); **threats:** ${threats.length} (${riskCounts(counts)})`);
  // A mitigation that differs between threats goes in the table, one per threat.
  if (shared) w.line(`- **Mitigation:** ${inline(first.mitigation)}`);
  // The steps once for the rule, not per row: the grouped form exists because per-threat text made the report too long.
  const found = stepSets(threats);
  if (found.all && shared) stepLines(w, found, '  ');
  else if (found.sets.length > 0) {
    w.line('- **Steps:**');
    stepLines(w, found, '  ');
  }
  if (first.references.length) w.line(`- **References:** ${inline(first.references.join(', '))}`);
  w.blank();
  tableHead(w, shared ? ['ID', 'Component', 'Risk', 'Likelihood', 'Impact', 'Evidence']
    : ['ID', 'Component', 'Risk', 'Likelihood', 'Impact', 'Mitigation', 'Evidence']);
  return shared;
}

function* surfaceSection(w: LineWriter, r: AnalysisResult): Generator<string> {
  w.line('### Attack Surface');
  w.blank();
  const byCategory = groupBy(r.attackSurface, (e) => e.category);
  const where = { internet: ' (internet-facing)', indirect: ' (reachable through other components)', internal: '' };
  const row = (w: LineWriter, e: SurfaceEntry): void => {
    const at = e.admittedBy === undefined ? where[e.exposure] : ` (behind ${inline(e.admittedBy.join(' and '))})`;
    w.add(`- ${inline(e.name)}: ${inline(e.detail)}${at}\n`);
  };
  for (const category of SURFACE_CATEGORIES) {
    const entries = byCategory.get(category) ?? [];
    w.line(entries.length === 0 ? `**${category}:** none in the model.` : `**${category}:**`);
    yield* rows(w, entries, row);
    w.blank();
  }
}

/** What a hop shows between parentheses: protocol, what it lacks or demands, the endpoint it names, the boundary it crosses. */
function hopNotes(hop: AttackPathHop): string {
  const notes = [inline(hop.protocol)];
  if (!hop.encrypted) notes.push('unencrypted');
  // A public endpoint the path goes through is its way in: the service's auth elsewhere is not what it passes.
  if (hop.auth !== 'none' && hop.openAt === undefined) notes.push(hop.auth);
  else if (hop.authenticated) notes.push('authenticated');
  // Where an endpoint is why the call needs no credential, it is named as such (the one the flow names, or another).
  if (hop.openAt !== undefined) notes.push(`public endpoint ${inline(hop.openAt.slice(hop.to.length + 1))}`);
  else if (hop.endpoint !== undefined) notes.push(inline(hop.endpoint.slice(hop.to.length + 1)));
  if (hop.crossingKind !== undefined) notes.push(crossingLabel(hop.crossingKind));
  return notes.join(', ');
}

function* pathsSection(w: LineWriter, r: AnalysisResult): Generator<string> {
  w.line('### Attack Paths');
  w.blank();
  const { entries, paths, unreachable } = r.attackPaths;
  const none = noDataAssets(r);
  if (none !== undefined) {
    w.line(none);
    w.blank();
    return;
  }
  w.line(PATHS_INTRO);
  w.blank();
  if (entries.length === 0) {
    w.line(NO_ENTRY_POINT);
    w.blank();
  }
  const names = new Map<string, string>();
  for (const e of r.elements) names.set(e.id, inline(e.name));
  const nameOf = (id: string) => names.get(id) ?? inline(id);
  const classification = new Map<string, string>();
  for (const a of r.assets) classification.set(a.id, a.classification);
  // Only a decided threat carries its status along the path.
  const status = new Map<string, string>();
  if (r.triage) for (const t of r.threats) if (statusOf(t) !== 'open') status.set(t.id, statusOf(t));
  const ids = (list: readonly string[]): string => {
    if (list.length === 0) return '';
    const decided = list.some((id) => status.has(id));
    return ` [${decided ? list.map((id) => (status.has(id) ? `${id} (${status.get(id)})` : id)).join(', ') : threatIdList(list)}]`;
  };
  const listed = paths.length > LISTED_PATHS ? paths.slice(0, LISTED_PATHS) : paths;
  yield* rows(w, listed, (w, p: AttackPath) => {
    let line = `- **${inline(p.assetName)}** (${classification.get(p.asset) ?? 'unknown'}) — ${p.risk ?? 'no threats on the way'}: ${nameOf(p.entry)}${ids(p.entryThreats)}`;
    for (const hop of p.hops) line += ` → ${nameOf(hop.to)} (${hopNotes(hop)})${ids(hop.threats)}`;
    const authenticated = p.hops.length - p.unauthenticatedHops;
    line += p.hops.length === 0
      ? `; ${HELD[p.held]}, at the entry point itself.`
      : `; ${authenticated} of ${plural(p.hops.length, 'hop')} authenticated, ${HELD[p.held]}.`;
    w.line(line);
  });
  if (listed.length < paths.length) w.line(`… and ${plural(paths.length - listed.length, 'more path')}: \`--format json\` lists them all.`);
  w.blank();
  const nowhere = unreachable.filter((u) => u.at.length === 0).map((u) => inline(u.assetName));
  const cut = unreachable.filter((u) => u.at.length > 0).map((u) => {
    const at = u.at.slice(0, 3).map(nameOf).join(', ');
    return `${inline(u.assetName)} (${u.at.length > 3 ? `${at} and ${u.at.length - 3} more` : at})`;
  });
  if (cut.length) w.line(`**Not reachable from any entry point through the model's flows:** ${cut.join('; ')}.`);
  if (nowhere.length) w.line(`**Held nowhere in the model** (no element stores or handles it, no flow carries it): ${nowhere.join(', ')}.`);
  if (cut.length || nowhere.length) w.blank();
}

function* coverageSection(w: LineWriter, r: AnalysisResult): Generator<string> {
  w.line('### STRIDE Coverage');
  w.blank();
  w.line(`Every element and flow against every STRIDE category: threat ids found, \`ok: control\` where a control mitigates it, \`none\` where it applies and no rule found a threat, \`-\` where it does not apply to this kind of element or an assumption rules it out (reasons in the JSON output)${r.threats.length < r.summary.threats.total ? '; only the threats shown are cited, and `hidden` marks a category whose threats are all below the minimum risk' : ''}.`);
  w.blank();
  tableHead(w, ['Component', ...STRIDE_LETTERS]);
  // A mitigated cell's text is kept per list of controls (the analysis shares those lists).
  const mitigated = new Map<readonly string[], string>();
  yield* rows(w, r.coverage, (w, row) => {
    let line = `| ${cell(row.name)}`;
    const cells = row.cells;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c.status === 'threat') {
        // A category whose threats --min-risk left out (filterByRisk) still applies: say so rather than show nothing.
        line += c.threats.length === 1 ? ` | ${c.threats[0]}` : c.threats.length === 0 ? ' | hidden' : ` | ${c.threats.join(' ')}`;
      } else if (c.status === 'mitigated') {
        let text = mitigated.get(c.controls);
        if (text === undefined) mitigated.set(c.controls, (text = ` | ok: ${cell(c.controls.join(', '))}`));
        line += text;
      } else {
        // Checked and clean is not the same answer as out of scope: a reviewer weighs the two apart.
        line += c.status === 'no-finding' ? ' | none' : ' | -';
      }
    }
    w.add(`${line} |\n`);
  });
  w.blank();
}

function warningsSection(w: LineWriter, r: AnalysisResult): void {
  let any = false;
  for (const d of r.diagnostics) {
    if (d.severity !== 'warning') continue;
    if (!any) {
      w.line('### Model Warnings');
      w.blank();
    }
    any = true;
    w.lines(`- \`${d.file}:${d.line}:${d.col}\` ${inline(d.message)}`);
  }
  if (any) w.blank();
}

/**
 * The appendix: the security terms the report's threat texts use, one sentence each, so that a reader can
 * act on a mitigation that says PKCE or HSTS. Found in the result (glossary.ts), never in the written report.
 */
function termsSection(w: LineWriter, r: AnalysisResult, grouped: boolean, rules: readonly RuleMeta[]): void {
  const terms = termsOf(r, { details: !grouped, extra: grouped ? ruleTexts(r, rules) : undefined });
  if (terms.length === 0) return;
  w.line('### Terms Used');
  w.blank();
  w.line('The security terms this report uses, in one sentence each.');
  w.blank();
  tableHead(w, ['Jargon', 'In plain words']);
  for (const t of terms) w.add(`| ${termCell(t)} | ${cell(t.definition)} |\n`);
  w.blank();
}

const termCell = (t: Term): string => (t.link ? `[${cell(t.term)}](${t.link})` : `**${cell(t.term)}**`);

/** The title and description grouped details write once for each rule that has threats. */
function* ruleTexts(r: AnalysisResult, rules: readonly RuleMeta[]): Generator<string> {
  const present = new Set<string>();
  for (const t of r.threats) present.add(t.ruleId);
  for (const m of rules) {
    if (!present.has(m.id)) continue;
    yield m.title;
    yield m.description;
  }
}

export function renderMarkdown(r: AnalysisResult, options: MarkdownOptions = {}): string {
  return joinChunks(markdownChunks(r, options));
}

/**
 * The report in pieces of about a megabyte whose concatenation is renderMarkdown's text, written in one
 * pass: the CLI writes them one by one, since a large model's report can exceed what one string may hold.
 * The report is read in terminals (printed, `cat`, `less -R`): every piece goes through terminalSafe, so that
 * no name or description anywhere in it can carry an escape sequence or a bidi override, whichever section
 * prints it.
 */
export function markdownChunks(r: AnalysisResult, options: MarkdownOptions = {}): Generator<string> {
  return terminalSafeChunks(reportChunks(r, options));
}

function* reportChunks(r: AnalysisResult, options: MarkdownOptions): Generator<string> {
  const w = new LineWriter();
  w.line(`## Threat Model: ${inline(r.system.name)}`);
  w.blank();
  w.line('### System Description');
  w.blank();
  if (r.system.description) {
    w.line(inline(r.system.description));
    w.blank();
  }
  w.line(`**Scope:** ${scopeLine(r)}.`);
  w.blank();
  w.line(`**Result:** ${threatCounts(r)}`);
  w.blank();
  w.line('### Data Flow Diagram');
  w.blank();
  w.lines(options.diagram === 'mermaid'
    ? fence(renderMermaid(r), 'mermaid')
    : fence(renderAscii(r, { width: options.width ?? 100 }), 'text'));
  w.blank();
  yield* boundariesSection(w, r);
  assetsSection(w, r);
  yield* threatsSection(w, r);
  yield* residualSection(w, r);
  yield* recommendationsSection(w, r);
  const details = options.details ?? 'auto';
  const grouped = details === 'grouped' || (details === 'auto' && r.threats.length > DETAILS_THRESHOLD);
  if (r.threats.length) {
    w.line('### Threat Details');
    w.blank();
    if (grouped) {
      yield* groupedDetails(w, r, options.rules ?? BUILTIN_RULES);
    } else {
      yield* fullDetails(w, r);
    }
  }
  yield* surfaceSection(w, r);
  yield* pathsSection(w, r);
  yield* coverageSection(w, r);
  warningsSection(w, r);
  termsSection(w, r, grouped, options.rules ?? BUILTIN_RULES);
  yield w.end();
}
