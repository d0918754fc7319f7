// A single-file HTML report: summary and residual risk, the diagram as inline SVG, the threats table
// (sortable; filtered by STRIDE, risk, status, component and text), the STRIDE coverage matrix, the
// attack surface and attack paths, boundaries, assets and recommendations. No external requests; every
// piece of model text is escaped; a strict CSP allows only the report's own script and style (by hash).
// Printing it ("print to PDF") gives a clean document: controls hidden, every threat's details shown.
import { crossingLabel } from '../analysis/boundaries.js';
import { namesList, recommendationSteps, type StepSets } from '../analysis/recommendations.js';
import { riskRank } from '../analysis/risk.js';
import {
  type AnalysisResult, type AttackPathHop, type CoverageCell, RISKS, STRIDE_LETTERS, STRIDE_NAMES, SURFACE_CATEGORIES, type Threat,
} from '../analysis/types.js';
import { countsPhrase, isOpenThreat, statusOf, uidOf } from '../track/triage.js';
import { type ThreatTriage, TRIAGE_STATUSES } from '../track/types.js';
import { gatherChunks, joinChunks, rowChunks } from './chunks.js';
// The diagram modules by name, not through diagram/index.js: that loads Graphviz, wanted only for an SVG.
import { MAX_EDGES, MAX_NODES, renderAscii } from './diagram/ascii.js';
import { dotFromModel } from './diagram/dot.js';
import { buildDiagram, type DiagramModel } from './diagram/model.js';
import { REPORT_CSS, REPORT_JS } from './html-assets.js';
import { contentSecurityPolicy } from './html-csp.js';
import { threatIdRuns } from './threat-ids.js';
import { plural } from '../model/diagnostics.js';
import { terminalSafe } from './terminal-safe.js';
import { assetWhere, classificationText, HELD, LISTED_PATHS, NO_ENTRY_POINT, noDataAssets, PATHS_INTRO } from './attack-paths.js';
import { termsOf } from './glossary.js';

export interface HtmlOptions {
  /** The diagram as SVG markup (from renderSvg); without it the ASCII diagram is shown. */
  svg?: string;
  /** Shown above the diagram: why it is an overview, or text rather than SVG. */
  diagramNote?: string;
  /** e.g. `threatmap 0.1.0`, shown in the footer. */
  generator?: string;
  /** Width of the ASCII diagram when there is no SVG. */
  width?: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;
/**
 * Text for HTML content and attribute values alike (most text has nothing to escape, and is returned as is). Control
 * characters, which HTML text may not hold, and the bidirectional overrides that reorder what is shown are written
 * out visibly (`\u001b`), as the Markdown report writes them (terminal-safe.ts).
 */
export const esc = (text: string): string => {
  const shown = terminalSafe(text);
  return SPECIAL.test(shown) ? shown.replace(/[&<>"']/g, (c) => ESCAPES[c]) : shown;
};

/** An id safe in an `id` attribute and a URL fragment, derived only from characters we choose. */
const anchor = (id: string) => `tm-t-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * SVG from the diagram renderer, made fit to inline: the XML prolog and doctype dropped (HTML has none),
 * and, as defence in depth behind the CSP, anything that could run or load removed.
 */
export function inlineSvg(svg: string): string {
  // Names reach the SVG's text as written: what esc writes out visibly is written out here too (no markup holds such characters).
  return terminalSafe(svg)
    .replace(/<\?xml[^>]*\?>\s*/g, '')
    .replace(/<!DOCTYPE[^>[]*(\[[^\]]*\])?\s*>\s*/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|foreignObject|iframe|object|embed)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|foreignObject|iframe|object|embed)\b[^>]*>/gi, '')
    // Attributes are cut inside tags only: a label's text (`&lt;img onerror=...&gt;`, escaped) is left whole.
    .replace(/<[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>/g, (tag) => tag
      .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
      .replace(/\s(?:xlink:)?href\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, (m, v: string) => (/^["']?#/.test(v) ? m : '')))
    .trim();
}

const badge = (risk: string) => `<span class="badge risk-${esc(risk)}">${esc(risk)}</span>`;
const statusTag = (status: string) => `<span class="status status-${esc(status)}">${esc(status)}</span>`;

/** Why a decision is not the status in force: its threat grew past it (it needs a review), or it lapsed. */
const decisionRemark = (tr: ThreatTriage): string =>
  tr.drift ? ` <span class="muted">(${esc(tr.drift.status)} needs review: ${esc(tr.drift.summary)})</span>`
  : tr.declared ? ` <span class="muted">(${esc(tr.declared)} expired ${esc(tr.expires ?? '')})</span>` : '';

/** A report section: the table of contents lists it by id and title; `body` follows its heading, closing tag included. */
interface Section {
  id: string;
  title: string;
  cls?: string;
  body: Iterable<string>;
}

/** A table with a row of `cells(item)` per item, made as the rows are written. */
function* table<T>(head: readonly string[], items: readonly T[], cells: (item: T) => readonly string[]): Generator<string> {
  let open = '<table><thead><tr>';
  for (const h of head) open += `<th scope="col">${h}</th>`;
  yield `${open}</tr></thead><tbody>`;
  yield* rowChunks(items, (item) => tableRow(cells(item)));
  yield '</tbody></table>';
}

function tableRow(cells: readonly string[]): string {
  let tr = '<tr>';
  for (let i = 0; i < cells.length; i++) tr += `<td>${cells[i]}</td>`;
  return `${tr}</tr>`;
}

/** `f(item)` for each item, `separator` between them (see rowChunks). */
const mapped = <T>(items: readonly T[], f: (item: T) => string, separator = ''): Iterable<string> =>
  rowChunks(items, (item, i) => (i === 0 ? f(item) : `${separator}${f(item)}`));

function summarySection(r: AnalysisResult): Section {
  const s = r.summary;
  const cards = [
    `<div class="card"><div class="n">${s.threats.total}</div><div class="l">threats</div></div>`,
    ...[...RISKS].reverse().map((risk) =>
      `<div class="card"><div class="n">${s.threats[risk]}</div><div class="l">${badge(risk)}</div></div>`),
  ];
  const shown = shownNote(r);
  const residual = r.triage
    ? `<p><strong>Residual risk${shown ? ' of every threat found' : ''}:</strong> ${plural(r.triage.open.total, 'threat')} open (${esc(countsPhrase(r.triage.open))}); ` +
      `${r.triage.closed.total} closed by decision (${esc(TRIAGE_STATUSES.filter((st) => st !== 'open' && st !== 'mitigating' && r.triage!.byStatus[st] > 0).map((st) => `${r.triage!.byStatus[st]} ${st}`).join(', ') || 'none')}).</p>`
    : '';
  const scope = [
    plural(s.elements.process, 'service'), plural(s.flows, 'data flow'), plural(s.elements.store, 'data store'),
    plural(s.elements.external, 'external entity', 'external entities'), plural(s.boundaries, 'trust boundary', 'trust boundaries'),
    plural(s.crossings, 'boundary crossing'), plural(s.endpoints, 'endpoint'),
  ].join(', ');
  return {
    id: 'tm-summary',
    title: 'Summary',
    body: [`\n<p><strong>Scope:</strong> ${esc(scope)}.</p>\n<div class="cards">${cards.join('')}</div>\n${shown}${residual}</section>`],
  };
}

/**
 * What `--min-risk` left out, when it did (filterByRisk keeps the summary's counts of every threat found), as the
 * Markdown report's Result line says it: the cards count every threat found, the tables list those kept.
 */
function shownNote(r: AnalysisResult): string {
  const t = r.summary.threats;
  if (r.threats.length >= t.total) return '';
  const left: Record<string, number> = { ...t };
  for (const th of r.threats) left[th.risk]--;
  // The lowest risk kept: one above the highest left out, whatever level between the two was asked.
  let floor = RISKS.length - 1;
  for (let i = 0; i < RISKS.length; i++) if (left[RISKS[i]] > 0) floor = Math.min(RISKS.length - 1, i + 1);
  const counts = [...RISKS].reverse().filter((k) => left[k] > 0).map((k) => `${left[k]} ${k}`).join(', ');
  return `<p class="note"><strong>Threats:</strong> ${r.threats.length} of ${t.total} shown, those at or above ${RISKS[floor]} risk (--min-risk): ${counts} left out.</p>\n`;
}

function diagramSection(r: AnalysisResult, options: HtmlOptions): Section {
  const note = options.diagramNote ? `<p class="note">${esc(options.diagramNote)}</p>` : '';
  let body: string;
  if (options.svg) body = `${note}<figure class="diagram" role="img" aria-label="Data flow diagram">${inlineSvg(options.svg)}</figure>`;
  else {
    let ascii: string;
    try {
      // The page's own note above says why the elements are not drawn.
      ascii = renderAscii(r, { width: options.width ?? 140, note: !options.diagramNote });
    } catch (e) {
      ascii = `(the diagram could not be drawn: ${e instanceof Error ? e.message : String(e)})`;
    }
    body = `${note}<div class="diagram"><pre>${esc(ascii)}</pre></div>`;
  }
  return { id: 'tm-diagram', title: 'Data flow diagram', body: [`${body}</section>`] };
}

/** The steps are written in Markdown: their code spans (settings, file names) become `<code>`. */
const stepHtml = (step: string): string =>
  step.split('`').map((part, i) => (i % 2 === 1 ? `<code>${esc(part)}</code>` : esc(part))).join('');

/** A threat's concrete steps under its mitigation, in the technologies of the model. */
function stepsList(steps: readonly string[] | undefined): string {
  if (steps === undefined || steps.length === 0) return '';
  let items = '';
  for (const step of steps) items += `<li>${stepHtml(step)}</li>`;
  return `<ul class="steps">${items}</ul>`;
}

function threatDetail(t: Threat, file: string): string {
  const tr = t.triage;
  let evidence = '';
  for (const e of t.evidence) evidence += `<li>${esc(e.fact)} <code>${esc(`${file}:${e.line}`)}</code></li>`;
  let out = `<div class="detail" id="${anchor(t.id)}-detail"><p>${esc(t.description)}</p><dl>` +
    `<dt>Likelihood: ${esc(t.likelihood.level)}</dt><dd>${esc(t.likelihood.reason)}</dd>` +
    `<dt>Impact: ${esc(t.impact.level)}</dt><dd>${esc(t.impact.reason)}</dd>` +
    `<dt>Evidence</dt><dd><ul>${evidence}</ul></dd>`;
  if (t.flows.length) out += `<dt>Flows</dt><dd>${t.flows.map((f) => `<code>${esc(f)}</code>`).join(', ')}</dd>`;
  if (t.references.length) out += `<dt>References</dt><dd>${esc(t.references.join(', '))}</dd>`;
  out += `<dt>Rule</dt><dd><code>${esc(t.ruleId)}</code>; key <code>${esc(t.key)}</code></dd>`;
  if (tr && (tr.reason || tr.owner || tr.ticket || tr.expires || tr.review || tr.declared || tr.drift)) {
    const bits = [
      tr.drift ? `declared <strong>${esc(tr.drift.status)}</strong>, needs review: ${esc(tr.drift.summary)}`
      : tr.declared ? `declared <strong>${esc(tr.declared)}</strong>, lapsed on ${esc(tr.expires ?? '')}` : '',
      tr.reason ? `reason: ${esc(tr.reason)}` : '',
      tr.owner ? `owner: ${esc(tr.owner)}` : '',
      tr.ticket ? `ticket: ${esc(tr.ticket)}` : '',
      tr.expires && (!tr.declared || tr.drift) ? `expires: ${esc(tr.expires)}` : '',
      tr.review ? `review: ${esc(tr.review)}` : '',
    ].filter(Boolean);
    out += `<dt>Triage</dt><dd>${bits.join('; ')}</dd>`;
  }
  return `${out}</dl></div>`;
}

function threatRow(t: Threat, file: string): string {
  const status = statusOf(t);
  const open = isOpenThreat(t);
  const id = anchor(t.id);
  const triageNote = t.triage?.drift ? ` <span class="muted">(${esc(t.triage.drift.status)} needs review)</span>`
    : t.triage?.declared ? ` <span class="muted">(${esc(t.triage.declared)} expired)</span>` : '';
  return `<tr id="${id}" class="threat${open ? '' : ' closed'}" data-stride="${t.stride}" data-risk="${esc(t.risk)}" ` +
    `data-status="${esc(status)}" data-open="${open ? 1 : 0}" data-component="${esc(t.component)}" ` +
    `data-sort-id="${Number(t.id.replace(/\D/g, '')) || 0}" data-sort-risk="${3 - riskRank(t.risk)}" ` +
    `data-sort-stride="${STRIDE_LETTERS.indexOf(t.stride)}" data-sort-component="${esc(t.componentName.toLowerCase())}" ` +
    `data-sort-title="${esc(t.title.toLowerCase())}" data-sort-status="${TRIAGE_STATUSES.indexOf(status)}">` +
    `<td class="id">${esc(t.id)}<span class="uid mono">${esc(uidOf(t))}</span></td>` +
    `<td>${badge(t.risk)}</td>` +
    `<td title="${esc(t.category)}">${esc(t.stride)}</td>` +
    `<td>${esc(t.componentName)}</td>` +
    `<td><span class="title">${esc(t.title)}</span><button type="button" class="toggle" aria-expanded="false" aria-controls="${id}-detail">more</button>${threatDetail(t, file)}</td>` +
    `<td>${esc(t.mitigation)}${stepsList(t.mitigationSteps)}</td>` +
    `<td>${statusTag(status)}${triageNote}</td></tr>`;
}

const option = (value: string, label: string) => `<option value="${esc(value)}">${esc(label)}</option>`;

function* threatsBody(r: AnalysisResult): Generator<string> {
  const names = new Map<string, string>();
  for (const t of r.threats) names.set(t.component, t.componentName);
  const components = [...names].sort((a, b) => a[1].localeCompare(b[1], 'en') || a[0].localeCompare(b[0], 'en'));
  yield `\n<p class="muted">T1, T2... follow risk order in this report; the stable ids (TM-...) never change as the model grows, and are what triage, SARIF and diffs use.</p>
<div class="filters" role="search" aria-label="Filter threats">
<label>STRIDE<select id="tm-f-stride">${option('', 'All')}${STRIDE_LETTERS.map((s) => option(s, `${s} - ${STRIDE_NAMES[s]}`)).join('')}</select></label>
<label>Risk<select id="tm-f-risk">${option('', 'All')}${[...RISKS].reverse().map((k) => option(k, k)).join('')}</select></label>
<label>Status<select id="tm-f-status">${option('', 'All')}${option('unresolved', 'Open or mitigating')}${TRIAGE_STATUSES.map((s) => option(s, s)).join('')}</select></label>
<label>Component<select id="tm-f-component">${option('', 'All')}`;
  yield* rowChunks(components, ([id, name]) => option(id, name === id ? name : `${name} (${id})`));
  const sortable = (key: string, label: string) => `<th scope="col"><button type="button" data-sort="${key}">${label}</button></th>`;
  yield `</select></label>
<label>Search<input id="tm-f-text" type="search" placeholder="Text in any column" autocomplete="off"></label>
<button type="button" id="tm-f-reset">Reset</button>
<span id="tm-count" role="status" aria-live="polite">${plural(r.threats.length, 'threat')}</span>
</div>
<table id="tm-threat-table" class="tm-threats"><thead><tr>${sortable('id', 'ID')}${sortable('risk', 'Risk')}${sortable('stride', 'STRIDE')}${sortable('component', 'Component')}${sortable('title', 'Threat')}<th scope="col">Mitigation</th>${sortable('status', 'Status')}</tr></thead><tbody>`;
  yield* mapped(r.threats, (t) => threatRow(t, r.file), '\n');
  const none = r.threats.length === 0;
  yield `<tr id="tm-empty" class="empty-row"${none ? '' : ' hidden'}><td colspan="7">${none ? 'No threats found.' : 'No threat matches the filters.'}</td></tr></tbody></table></section>`;
}

function residualSection(r: AnalysisResult): Section | undefined {
  const tri = r.triage;
  if (!tri) return undefined;
  function* body(): Generator<string> {
    // The counts are of every threat found, as the summary's are: a table shortened by --min-risk says so.
    const filtered = r.threats.length < r.summary.threats.total ? ` Counted over all ${r.summary.threats.total} threats found; the table lists the decided ones of the ${r.threats.length} shown.` : '';
    yield `\n<p>Open (open or mitigating): <strong>${esc(countsPhrase(tri!.open))}</strong>. Closed by decision: ${esc(countsPhrase(tri!.closed))}.${filtered}` +
      `${tri!.file ? ` Decisions from <code>${esc(tri!.file)}</code>.` : ' No triage file: every threat is open.'}</p>`;
    const decided = r.threats.filter((t) => !isOpenThreat(t) || t.triage?.declared || t.triage?.status === 'mitigating');
    if (decided.length) {
      yield '\n';
      yield* table(['ID', 'Risk', 'Threat', 'Status', 'Reason', 'Owner', 'Ticket', 'Expires'], decided, (t) => {
        const tr = t.triage!;
        return [
          `<a href="#${anchor(t.id)}">${esc(t.id)}</a> <span class="mono muted">${esc(uidOf(t))}</span>`,
          badge(t.risk), esc(t.title), `${statusTag(tr.status)}${decisionRemark(tr)}`,
          esc(tr.reason ?? ''), esc(tr.owner ?? ''), esc(tr.ticket ?? ''), esc(tr.expires ?? ''),
        ];
      });
    }
    if (tri!.warnings.length) {
      yield '\n<h3>Triage warnings</h3><ul class="warnings">';
      for (const w of tri!.warnings) yield `\n<li><code>${esc(`${w.file}:${w.line}:${w.col}`)}</code> ${esc(w.message)}</li>`;
      yield '\n</ul>';
    }
    yield '\n</section>';
  }
  return { id: 'tm-residual', title: 'Residual risk', body: body() };
}

function coverageCell(c: CoverageCell): string {
  if (c.status === 'threat') {
    let links = '';
    for (const id of c.threats) links += `${links ? ' ' : ''}<a href="#${anchor(id)}">${esc(id)}</a>`;
    return `<td class="cov-threat">${links}</td>`;
  }
  if (c.status === 'mitigated') return `<td class="cov-mitigated" title="${esc(c.reason)}">ok: ${esc(c.controls.join(', '))}</td>`;
  if (c.status === 'no-finding') return `<td class="cov-no-finding" title="${esc(c.reason)}">none</td>`;
  return `<td class="cov-not-applicable" title="${esc(c.reason)}">-</td>`;
}

function* coverageBody(r: AnalysisResult): Generator<string> {
  yield `
<p class="muted">Every element and flow against every STRIDE category: the threats found, <em>ok</em> where a control mitigates it, <em>none</em> where it applies and no rule found a threat, <em>-</em> where it does not apply to this kind of element or an assumption rules it out (hover for the reason).</p>
<table class="coverage"><thead><tr><th scope="col">Component</th>${STRIDE_LETTERS.map((s) => `<th scope="col" title="${esc(STRIDE_NAMES[s])}">${s}</th>`).join('')}</tr></thead><tbody>`;
  yield* mapped(r.coverage, (row) => {
    let tr = `<tr><td class="name">${esc(row.name)} <span class="muted">${esc(row.componentKind)}</span></td>`;
    for (const c of row.cells) tr += coverageCell(c);
    return `${tr}</tr>`;
  }, '\n');
  yield '</tbody></table></section>';
}

function* surfaceBody(r: AnalysisResult): Generator<string> {
  const byCategory = new Map<string, AnalysisResult['attackSurface']>();
  for (const e of r.attackSurface) {
    const list = byCategory.get(e.category);
    if (list) list.push(e);
    else byCategory.set(e.category, [e]);
  }
  for (const category of SURFACE_CATEGORIES) {
    const entries = byCategory.get(category);
    yield `\n<h3>${category}</h3>\n`;
    if (!entries) yield '<p class="muted">None in the model.</p>';
    else {
      yield '<ul>';
      yield* rowChunks(entries, (e) => `<li><strong>${esc(e.name)}</strong>: ${esc(e.detail)}${e.exposed ? ' <span class="exposed">exposed</span>' : ''}${e.admittedBy ? ` behind ${esc(e.admittedBy.join(' and '))}` : ''}</li>`);
      yield '</ul>';
    }
  }
  yield '\n</section>';
}

/** A hop's protocol, what it lacks or demands, the endpoint it names and the boundary it crosses (the full crossing on hover). */
function hopNotes(hop: AttackPathHop): string {
  const notes = [esc(hop.protocol)];
  if (!hop.encrypted) notes.push('<strong>unencrypted</strong>');
  // A public endpoint the path goes through is its way in: the service's auth elsewhere is not what it passes.
  if (hop.auth !== 'none' && hop.openAt === undefined) notes.push(esc(hop.auth));
  else if (hop.authenticated) notes.push('authenticated');
  // Where an endpoint is why the call needs no credential, it is named as such (the one the flow names, or another).
  if (hop.openAt !== undefined) notes.push(`public endpoint <code>${esc(hop.openAt.slice(hop.to.length + 1))}</code>`);
  else if (hop.endpoint !== undefined) notes.push(`<code>${esc(hop.endpoint.slice(hop.to.length + 1))}</code>`);
  if (hop.crossingKind !== undefined) notes.push(`<span title="${esc(hop.crossing ?? '')}">${esc(crossingLabel(hop.crossingKind))}</span>`);
  return notes.join(', ');
}

function* pathsBody(r: AnalysisResult): Generator<string> {
  const { entries, paths, unreachable } = r.attackPaths;
  const none = noDataAssets(r);
  if (none !== undefined) {
    yield `\n<p class="muted">${esc(none)}</p></section>`;
    return;
  }
  yield `\n<p class="muted">${esc(PATHS_INTRO)}</p>`;
  if (entries.length === 0) yield `\n<p>${esc(NO_ENTRY_POINT)}</p>`;
  const names = new Map<string, string>();
  for (const e of r.elements) names.set(e.id, e.name);
  const nameOf = (id: string) => esc(names.get(id) ?? id);
  const classification = new Map<string, string>();
  for (const a of r.assets) classification.set(a.id, a.classification);
  // Only a decided threat carries its status along the path.
  const decided = new Map<string, string>();
  if (r.triage) for (const t of r.threats) if (statusOf(t) !== 'open') decided.set(t.id, statusOf(t));
  const links = (ids: readonly string[]): string => {
    if (ids.length === 0) return '';
    if (!ids.some((id) => decided.has(id))) return ` [${threatLinks(ids)}]`;
    return ` [${ids.map((id) => (decided.has(id) ? `${threatLink(id)} ${statusTag(decided.get(id)!)}` : threatLink(id))).join(', ')}]`;
  };
  const listed = paths.length > LISTED_PATHS ? paths.slice(0, LISTED_PATHS) : paths;
  if (listed.length) {
    yield '\n<ul class="paths">';
    yield* rowChunks(listed, (p) => {
      let li = `\n<li>${p.risk ? badge(p.risk) : '<span class="muted">no threats on the way</span>'} <strong>${esc(p.assetName)}</strong> ` +
        `<span class="muted">(${esc(classification.get(p.asset) ?? 'unknown')})</span>: ${nameOf(p.entry)}${links(p.entryThreats)}`;
      for (const hop of p.hops) li += ` → ${nameOf(hop.to)} <span class="muted">(${hopNotes(hop)})</span>${links(hop.threats)}`;
      const authenticated = p.hops.length - p.unauthenticatedHops;
      li += p.hops.length === 0
        ? `<span class="muted">; ${HELD[p.held]}, at the entry point itself</span>`
        : `<span class="muted">; ${authenticated} of ${plural(p.hops.length, 'hop')} authenticated, ${HELD[p.held]}</span>`;
      return `${li}</li>`;
    });
    yield '\n</ul>';
  }
  if (listed.length < paths.length) yield `\n<p class="muted">… and ${plural(paths.length - listed.length, 'more path')}: <code>--format json</code> lists them all.</p>`;
  const nowhere = unreachable.filter((u) => u.at.length === 0).map((u) => esc(u.assetName));
  const cut = unreachable.filter((u) => u.at.length > 0).map((u) => {
    const at = u.at.slice(0, 3).map(nameOf).join(', ');
    return `${esc(u.assetName)} (${u.at.length > 3 ? `${at} and ${u.at.length - 3} more` : at})`;
  });
  if (cut.length) yield `\n<p><strong>Not reachable from any entry point through the model's flows:</strong> ${cut.join('; ')}.</p>`;
  if (nowhere.length) yield `\n<p><strong>Held nowhere in the model</strong> (no element stores or handles it, no flow carries it): ${nowhere.join(', ')}.</p>`;
  yield '\n</section>';
}

function boundariesSection(r: AnalysisResult): Section | undefined {
  if (r.boundaries.length === 0 && r.crossings.length === 0) return undefined;
  function* body(): Generator<string> {
    const names = new Map<string, string>();
    for (const e of r.elements) names.set(e.id, e.name);
    for (const b of r.boundaries) names.set(b.id, b.name);
    const name = (id: string) => names.get(id) ?? id;
    if (r.boundaries.length) {
      // Members grouped once (in model order), not by scanning every element for every boundary.
      const members = new Map<string, string[]>();
      for (const e of r.elements) {
        if (e.boundary === undefined) continue;
        const list = members.get(e.boundary);
        if (list) list.push(e.name);
        else members.set(e.boundary, [e.name]);
      }
      yield '\n';
      yield* table(['Boundary', 'Trust', 'Kind', 'Inside', 'Elements'], r.boundaries, (b) => [
        esc(b.name), esc(b.trust), esc(b.kind), b.parent ? esc(name(b.parent)) : '-',
        esc((members.get(b.id) ?? []).join(', ') || '-'),
      ]);
    }
    if (r.crossings.length) {
      const flows = new Map<string, AnalysisResult['flows'][number]>();
      for (const f of r.flows) flows.set(f.id, f);
      yield '\n<h3>Boundary crossings</h3>\n';
      yield* table(['Flow', 'Crossing', 'Protocol', 'Encrypted', 'Auth'], r.crossings, (c) => {
        const f = flows.get(c.flow);
        return [esc(`${name(c.from)} -> ${name(c.to)}`), esc(c.label), esc(f?.protocol ?? ''), f?.encrypted ? 'yes' : '<strong>no</strong>', esc(c.auth)];
      });
    }
    yield '\n</section>';
  }
  return { id: 'tm-boundaries', title: 'Trust boundaries', body: body() };
}

function assetsSection(r: AnalysisResult): Section | undefined {
  if (r.assets.length === 0) return undefined;
  // Where each asset is, as the Markdown report says it: the attack paths end at those places.
  const where = assetWhere(r);
  function* body(): Generator<string> {
    yield* table(['Asset', 'Kind', 'Classification', 'C / I / A', 'Where'], r.assets, (a) => [
      `${esc(a.name)}${a.description ? ` <span class="muted">${esc(a.description)}</span>` : ''}`,
      esc(a.type ? `${a.kind}: ${a.type}` : a.kind), esc(classificationText(a)), esc(`${a.confidentiality} / ${a.integrity} / ${a.availability}`),
      esc(where.get(a.id) ?? '-'),
    ]);
    yield '</section>';
  }
  return { id: 'tm-assets', title: 'Assets', body: body() };
}

const threatLink = (id: string) => `<a href="#${anchor(id)}">${esc(id)}</a>`;

/** Links to the threats of a punch-list action; runs of neighbours link their ends (see threat-ids.ts). */
function threatLinks(ids: readonly string[]): string {
  const runs = threatIdRuns(ids);
  if (runs === undefined) return ids.map(threatLink).join(', ');
  const parts = runs.map((r) => (r.last === undefined ? threatLink(r.first) : `${threatLink(r.first)} to ${threatLink(r.last)}`));
  return `${parts.join(', ')}; ${ids.length} threats`;
}

/** A punch-list entry's steps: one list when its threats share them, else one per set under the components it is for. */
function stepSetsHtml(found: StepSets | undefined): string {
  if (found === undefined) return '';
  if (found.all) return stepsList(found.sets[0].steps);
  let items = '';
  for (const set of found.sets) items += `<li>For ${esc(namesList(set.components))}:${stepsList(set.steps)}</li>`;
  return `<ul class="steps">${items}</ul>`;
}

function recommendationsSection(r: AnalysisResult): Section | undefined {
  if (r.recommendations.length === 0) return undefined;
  function* body(): Generator<string> {
    yield '<ol>';
    const stepsOf = recommendationSteps(r.threats);
    for (const rec of r.recommendations) {
      yield `<li>${badge(rec.risk)} ${esc(rec.text)} <span class="muted">(${threatLinks(rec.threats)})</span>${stepSetsHtml(stepsOf(rec))}</li>`;
    }
    yield '</ol></section>';
  }
  return { id: 'tm-recommendations', title: 'Recommendations', body: body() };
}

function warningsSection(r: AnalysisResult): Section | undefined {
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length === 0) return undefined;
  return {
    id: 'tm-warnings',
    title: 'Model warnings',
    body: (function* () {
      yield '<ul class="warnings">';
      for (const d of warnings) yield `<li><code>${esc(`${d.file}:${d.line}:${d.col}`)}</code> ${esc(d.message)}</li>`;
      yield '</ul></section>';
    })(),
  };
}

/**
 * The appendix of the security terms the threats' texts use (the page shows every threat's details), one
 * sentence each. Where to read more is given as text: the report links to nothing outside itself.
 */
function termsSection(r: AnalysisResult): Section | undefined {
  const terms = termsOf(r, { details: true });
  if (terms.length === 0) return undefined;
  return {
    id: 'tm-terms',
    title: 'Terms used',
    body: (function* () {
      yield '\n<p class="muted">The security terms this report uses, in one sentence each.</p>\n';
      yield* table(['Jargon', 'In plain words'], terms, (t) => [
        `<strong>${esc(t.term)}</strong>`,
        `${esc(t.definition)}${t.link ? ` <span class="muted">${esc(t.link)}</span>` : ''}`,
      ]);
      yield '</section>';
    })(),
  };
}

function* pieces(r: AnalysisResult, options: HtmlOptions): Generator<string> {
  const title = `Threat model: ${r.system.name}`;
  // Sections are lazy: each body is rendered only when its turn to be written comes.
  const sections = [
    summarySection(r),
    residualSection(r),
    diagramSection(r, options),
    { id: 'tm-threats', title: 'Threats', body: threatsBody(r) },
    recommendationsSection(r),
    { id: 'tm-coverage', title: 'STRIDE coverage', body: coverageBody(r) },
    { id: 'tm-surface', title: 'Attack surface', cls: 'surface', body: surfaceBody(r) },
    { id: 'tm-paths', title: 'Attack paths', body: pathsBody(r) },
    boundariesSection(r),
    assetsSection(r),
    warningsSection(r),
    termsSection(r),
  ].filter((s): s is Section => s !== undefined);
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(REPORT_JS, REPORT_CSS))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.generator ? `<meta name="generator" content="${esc(options.generator)}">\n` : ''}<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
${r.system.description ? `<p class="lede">${esc(r.system.description)}</p>\n` : ''}<p class="muted">Model <code>${esc(r.file)}</code>${r.system.owner ? `; owner ${esc(r.system.owner)}` : ''}${r.system.version ? `; version ${esc(r.system.version)}` : ''}</p>
</header>
<nav class="toc" aria-label="Sections">${sections.map((s) => `<a href="#${s.id}">${s.title}</a>`).join('')}</nav>
<main>
`;
  let first = true;
  for (const s of sections) {
    yield `${first ? '' : '\n'}<section id="${s.id}"${s.cls ? ` class="${s.cls}"` : ''}><h2>${s.title}</h2>`;
    first = false;
    yield* s.body;
  }
  yield `
</main>
<footer>${options.generator ? `Generated by ${esc(options.generator)}. ` : ''}Threats are found by rules over the model; they are a starting point for review, not a verdict.</footer>
<script>${REPORT_JS}</script>
</body>
</html>
`;
}

/** The report in pieces (of about CHUNK_CHARS): a 100,000-element model's report is more than one string may hold. */
export function renderHtmlChunks(r: AnalysisResult, options: HtmlOptions = {}): Iterable<string> {
  return gatherChunks(pieces(r, options));
}

export function renderHtml(r: AnalysisResult, options: HtmlOptions = {}): string {
  return joinChunks(renderHtmlChunks(r, options));
}

/**
 * The diagram for the report, as SVG while it makes a readable picture: the elements up to the sizes past
 * which the text diagram gives up too (MAX_NODES, MAX_EDGES), else one box per trust boundary if that many
 * boxes are readable, else the text diagram (its own overview or listing). Past those sizes Graphviz takes
 * seconds to hours and the picture says nothing. Falls back to text, with a note saying why, if the SVG
 * cannot be drawn.
 */
export async function reportDiagram(r: AnalysisResult): Promise<Pick<HtmlOptions, 'svg' | 'diagramNote'>> {
  const readable = (m: DiagramModel) => m.nodes.length <= MAX_NODES && m.edges.length <= MAX_EDGES;
  try {
    const options = { colorByRisk: true };
    const draw = async (m: DiagramModel) => (await import('./diagram/svg.js')).svgFromDot(dotFromModel(m, options));
    // Past MAX_NODES elements the element-level model is never drawn, so it is not built (only its flows counted).
    const elements = r.elements.length <= MAX_NODES ? buildDiagram(r, options) : undefined;
    if (elements && readable(elements)) return { svg: await draw(elements) };
    const flows = elements ? elements.edges.length : countFlows(r);
    const why = `${r.elements.length} elements and ${flows} flows are too many for a readable diagram`;
    const overview = buildDiagram(r, { ...options, detail: 'boundaries' });
    if (readable(overview)) {
      return {
        svg: await draw(overview),
        diagramNote: `The boundary overview: ${why}, so each trust boundary is one box and flows between boundaries are aggregated with counts.`,
      };
    }
    return { diagramNote: `The diagram is shown as text: ${why}, and its ${overview.nodes.length} boundary boxes and ${overview.edges.length} aggregated flows too many for a readable overview.` };
  } catch (e) {
    return { diagramNote: `The diagram is shown as text: the SVG could not be drawn (${e instanceof Error ? e.message : String(e)}).` };
  }
}

/** Flows between two elements of the model, as the diagram would draw them. */
function countFlows(r: AnalysisResult): number {
  const ids = new Set<string>();
  for (const e of r.elements) ids.add(e.id);
  let n = 0;
  for (const f of r.flows) if (ids.has(f.from) && ids.has(f.to)) n++;
  return n;
}

/** The report with the diagram as SVG where it is readable (the Graphviz renderer is asynchronous). */
export async function renderHtmlReport(r: AnalysisResult, options: Omit<HtmlOptions, 'svg' | 'diagramNote'> = {}): Promise<string> {
  return renderHtml(r, { ...options, ...(await reportDiagram(r)) });
}

/** renderHtmlReport's text in pieces, for models whose report one string cannot hold. */
export async function renderHtmlReportChunks(r: AnalysisResult, options: Omit<HtmlOptions, 'svg' | 'diagramNote'> = {}): Promise<Iterable<string>> {
  return renderHtmlChunks(r, { ...options, ...(await reportDiagram(r)) });
}
