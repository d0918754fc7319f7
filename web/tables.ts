// The Attack surface, Coverage and Attack paths tabs: the result's tables as the HTML report words them
// (src/render/html.ts), with places in the model that move the editor's caret and threat ids that open
// the threat.
import {
  type AnalysisResult, type AttackPath, type AttackPathHop, type AttackPaths, type CoverageCell, type CoverageRow, STRIDE_LETTERS, STRIDE_NAMES, SURFACE_CATEGORIES, type SurfaceEntry,
  type UnreachableAsset,
} from '../src/analysis/types.js';
import { plural } from '../src/model/diagnostics.js';
import { type Attrs, badge, button, type Child, fill, h, type RowSpec, SlicedRows, TABLE_BODIES } from './dom.js';

/** Rows drawn at most per table: a 10,000-element model has 40,000 coverage rows. */
const MAX_ROWS = 1000;

export interface TablesContext {
  goTo(line: number, col: number): void;
  showThreat(id: string): void;
}

const EXPOSURE: Record<SurfaceEntry['exposure'], string> = {
  internet: 'exposed: from an untrusted zone',
  indirect: 'exposed: through application code',
  internal: 'internal',
};

/** A tab's tables, made once: every analysis then changes their rows, a slice at a time. */
interface TablesView {
  rows: SlicedRows;
  tables: readonly HTMLTableElement[];
  /** The latest context, which the rows kept from an earlier analysis call too. */
  ctx: TablesContext;
}

const views = new WeakMap<HTMLElement, TablesView>();

/** The view of `root`; the first time, `make` gives its content and the table bodies in it. */
function viewOf(root: HTMLElement, ctx: TablesContext, make: () => { content: Child[]; tables: HTMLTableElement[] }): TablesView {
  const known = views.get(root);
  if (known) {
    known.ctx = ctx;
    return known;
  }
  const { content, tables } = make();
  fill(root, ...content);
  const view: TablesView = { rows: new SlicedRows(root), tables, ctx };
  views.set(root, view);
  return view;
}

/**
 * A table whose rows come a slice at a time, in bodies of TABLE_BODIES.size rows, with the roles it has already:
 * its display is not a table's (app.css), which some browsers take as not one.
 */
const slicedTable = (cls: string, label: string, head: readonly Child[]): HTMLTableElement =>
  h('table', { class: `sliced grouped ${cls}`, role: 'table', 'aria-label': label },
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ...head.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c)))));

/** The bodies of a sliced table: each laid out, or skipped out of view, as one (app.css). */

const cell = (attrs: Attrs, ...children: Child[]) => h('td', { role: 'cell', ...attrs }, ...children);

/** A row of one cell across the table's columns, that says something of the list. */
const noteRow = (text: string, columns: number): RowSpec =>
  ({ key: text, draw: () => h('tr', { role: 'row', class: 'empty-row' }, cell({ colspan: columns, 'aria-colspan': columns }, text)) });

/**
 * The rows of a list, at most MAX_ROWS, then a row that says how many more there are; `key` lists what a row
 * shows. Each key is made when its row's slice reads it: 3,000 of them made up front held the click that
 * opens the tab for several ms more.
 */
function capped<T>(items: readonly T[], key: (item: T) => unknown[], draw: (item: T) => HTMLTableRowElement, columns: number): RowSpec[] {
  const rows = items.slice(0, MAX_ROWS).map((item): RowSpec => ({ get key() { return JSON.stringify(key(item)); }, draw: () => draw(item) }));
  if (items.length > MAX_ROWS) rows.push(noteRow(`The first ${MAX_ROWS} of ${items.length} are shown; \`threatmap analyze\` lists them all.`, columns));
  return rows;
}

const table = (head: readonly Child[], rows: readonly HTMLTableRowElement[], cls?: string) =>
  h('table', { class: cls }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...rows));

const SURFACE_HEAD = ['Entry', 'Detail', 'Exposure', 'In the model'];

const exposureText = (e: SurfaceEntry): string =>
  (e.admittedBy === undefined ? EXPOSURE[e.exposure] : `${EXPOSURE[e.exposure]}, behind ${e.admittedBy.join(' and ')}`);

function surfaceRow(e: SurfaceEntry, view: TablesView): HTMLTableRowElement {
  return h('tr', { role: 'row', 'data-entry': e.id },
    cell({}, h('strong', {}, e.name)),
    cell({}, e.detail),
    cell({}, e.exposed ? h('span', { class: 'exposed' }, exposureText(e)) : exposureText(e)),
    cell({}, e.loc.line > 0 ? button({ class: 'loc mono' }, () => view.ctx.goTo(e.loc.line, e.loc.col), `${e.loc.line}:${e.loc.col}`) : ''));
}

function surfaceRows(entries: readonly SurfaceEntry[], view: TablesView): RowSpec[] {
  if (entries.length === 0) return [noteRow('None in the model.', SURFACE_HEAD.length)];
  return capped(entries, (e) => [e.id, e.name, e.detail, e.exposure, e.exposed, e.admittedBy, e.loc.line, e.loc.col], (e) => surfaceRow(e, view), SURFACE_HEAD.length);
}

/** The attack surface, a table for each of the six categories (one that has none says so), drawn a slice at a time. */
export function renderSurface(root: HTMLElement, r: AnalysisResult, ctx: TablesContext): void {
  const view = viewOf(root, ctx, () => {
    const tables = SURFACE_CATEGORIES.map((category) => slicedTable('surface', `Attack surface: ${category}`, SURFACE_HEAD));
    return {
      content: [h('p', { class: 'muted' }, 'Where an attacker can reach the system, in the six categories of the method.'),
        ...SURFACE_CATEGORIES.flatMap((category, i) => [h('h3', {}, category), tables[i]])],
      tables,
    };
  });
  const byCategory = new Map<string, SurfaceEntry[]>();
  for (const e of r.attackSurface) {
    const list = byCategory.get(e.category);
    if (list) list.push(e);
    else byCategory.set(e.category, [e]);
  }
  view.rows.draw(SURFACE_CATEGORIES.map((category, i) => [view.tables[i], surfaceRows(byCategory.get(category) ?? [], view), TABLE_BODIES] as const));
}

function coverageCell(c: CoverageCell, view: TablesView): HTMLTableCellElement {
  if (c.status === 'threat') {
    return cell({ class: 'cov-threat' }, ...c.threats.flatMap((id, i) => [i ? ' ' : '', button({ class: 'link' }, () => view.ctx.showThreat(id), id)]));
  }
  if (c.status === 'mitigated') return cell({ class: 'cov-mitigated', title: c.reason }, `ok: ${c.controls.join(', ')}`);
  if (c.status === 'no-finding') return cell({ class: 'cov-no-finding', title: c.reason }, 'none');
  return cell({ class: 'cov-not-applicable', title: c.reason }, '-');
}

const coverageRow = (row: CoverageRow, view: TablesView): HTMLTableRowElement => h('tr', { role: 'row', 'data-component': row.component },
  cell({ class: 'name' }, row.name, ' ', h('span', { class: 'muted' }, row.componentKind)),
  ...row.cells.map((c) => coverageCell(c, view)));

/** Every element and flow against the six STRIDE categories, drawn a slice at a time. */
export function renderCoverage(root: HTMLElement, r: AnalysisResult, ctx: TablesContext): void {
  const view = viewOf(root, ctx, () => {
    const table = slicedTable('coverage', 'Coverage', ['Component', ...STRIDE_LETTERS.map((s) => h('abbr', { title: STRIDE_NAMES[s] }, s))]);
    return {
      content: [h('p', { class: 'muted' }, 'Every element and flow against every STRIDE category: the threats found, ', h('em', {}, 'ok'),
        ' where a control mitigates it, ', h('em', {}, 'none'), ' where it applies and no rule found a threat, ', h('em', {}, '-'),
        ' where it does not apply to this kind of element or an assumption rules it out (hover for the reason).'), table],
      tables: [table],
    };
  });
  const rows = capped(r.coverage, (row) => [row.component, row.name, row.componentKind, row.cells], (row) => coverageRow(row, view), 1 + STRIDE_LETTERS.length);
  view.rows.draw([[view.tables[0], rows, TABLE_BODIES]]);
}

const HELD: Record<AttackPath['held'], string> = {
  stored: 'stored in',
  handled: 'handled by',
  received: 'received by',
};

const credential = (hop: AttackPathHop): string =>
  (!hop.authenticated ? (hop.openAt === undefined ? 'none' : `none: public endpoint ${hop.openAt.slice(hop.to.length + 1)}`)
    : hop.auth === 'none' ? 'at the endpoint' : hop.auth);

/** The Attack paths tab, made once: every analysis then changes its two lists, a slice at a time. */
interface PathsView {
  rows: SlicedRows;
  intro: HTMLParagraphElement;
  paths: HTMLOListElement;
  none: HTMLParagraphElement;
  more: HTMLParagraphElement;
  unreachableHead: HTMLHeadingElement;
  unreachable: HTMLUListElement;
  /** The latest context, which the items kept from an earlier analysis call too. */
  ctx: TablesContext;
}

const pathViews = new WeakMap<HTMLElement, PathsView>();

function pathsViewOf(root: HTMLElement, ctx: TablesContext): PathsView {
  const known = pathViews.get(root);
  if (known) {
    known.ctx = ctx;
    return known;
  }
  const view: PathsView = {
    rows: new SlicedRows(root),
    intro: h('p', { class: 'muted' }),
    paths: h('ol', { class: 'paths' }),
    none: h('p', { class: 'muted' }, 'No asset is reachable from an entry point.'),
    more: h('p', { class: 'muted' }),
    unreachableHead: h('h3', {}, "Not reachable from any entry point through the model's flows"),
    unreachable: h('ul', { class: 'unreachable' }),
    ctx,
  };
  fill(root, view.intro, view.paths, view.none, view.more, view.unreachableHead, view.unreachable);
  pathViews.set(root, view);
  return view;
}

/** Buttons that open the threats, ` [T1, T2]`; nothing for none. */
const threatLinks = (ids: readonly string[], view: PathsView): Child[] =>
  (ids.length ? [' [', ...ids.flatMap((id, i) => [i ? ', ' : '', button({ class: 'link' }, () => view.ctx.showThreat(id), id)]), ']'] : []);

function hopsTable(p: AttackPath, name: (id: string) => string, view: PathsView): HTMLElement {
  return h('details', {}, h('summary', {}, 'Hops'),
    table(['From', 'To', 'Protocol', 'Credential', 'Crossing', 'Threats'], p.hops.map((hop) => h('tr', {},
      h('td', {}, name(hop.from)), h('td', {}, name(hop.to)), h('td', {}, hop.protocol, hop.encrypted ? '' : ' (cleartext)'),
      h('td', { class: hop.authenticated ? undefined : 'exposed' }, credential(hop)), h('td', {}, hop.crossing ?? '-'),
      h('td', {}, ...threatLinks(hop.threats, view).slice(1, -1))))));
}

function pathItem(p: AttackPath, name: (id: string) => string, view: PathsView): HTMLLIElement {
  return h('li', { 'data-asset': p.asset },
    h('p', {}, h('strong', {}, p.assetName), ` ${HELD[p.held]} ${name(p.target)} `,
      p.risk ? badge(p.risk) : h('span', { class: 'muted' }, 'no threat on the way'), ' ',
      h('span', { class: 'muted' }, `${plural(p.hops.length, 'hop')}, ${p.unauthenticatedHops} without a credential`)),
    h('p', { class: 'path' }, name(p.entry), ...threatLinks(p.entryThreats, view),
      ...p.hops.flatMap((hop) => [' \u2192 ', name(hop.to), ...threatLinks(hop.threats, view)])),
    p.hops.length ? hopsTable(p, name, view) : null);
}

/** A path's item, kept while the path and the names of the elements on it stay the same (the Hops open or closed with it). */
function pathSpec(p: AttackPath, name: (id: string) => string, view: PathsView): RowSpec<HTMLLIElement> {
  const ids = [p.entry, p.target, ...p.hops.flatMap((hop) => [hop.from, hop.to])];
  return { key: JSON.stringify([p, ids.map(name)]), draw: () => pathItem(p, name, view) };
}

function unreachableSpec(u: UnreachableAsset, name: (id: string) => string): RowSpec<HTMLLIElement> {
  const at = u.at.map(name);
  return {
    key: JSON.stringify([u, at]),
    draw: () => h('li', { 'data-asset': u.asset }, h('strong', {}, u.assetName), at.length ? ` (in ${at.join(', ')})` : ' (nowhere in the model)'),
  };
}

/**
 * For every data asset, the easiest way in, drawn a slice at a time: a large model's paths, each with its
 * table of hops, drawn in one task held the page for a frame of 150 ms and more.
 */
export function renderPaths(root: HTMLElement, r: AnalysisResult, paths: AttackPaths, ctx: TablesContext): void {
  const view = pathsViewOf(root, ctx);
  const names = new Map(r.elements.map((e) => [e.id, e.name]));
  const name = (id: string) => names.get(id) ?? id;
  const shown = paths.paths.slice(0, MAX_ROWS);
  fill(view.intro, 'For every data asset, the easiest way in from an entry point (',
    paths.entries.length ? paths.entries.map(name).join(', ') : 'none in the model',
    '): the fewest calls that demand a credential, then the fewest calls, following the flows in their direction. The ids are the threats on the way.');
  view.paths.hidden = shown.length === 0;
  view.none.hidden = shown.length > 0;
  view.more.hidden = paths.paths.length <= shown.length;
  view.more.textContent = view.more.hidden ? '' : `The first ${MAX_ROWS} of ${paths.paths.length} paths are shown; \`threatmap analyze --format json\` has them all.`;
  view.unreachableHead.hidden = view.unreachable.hidden = paths.unreachable.length === 0;
  view.rows.draw([
    [view.paths, shown.map((p) => pathSpec(p, name, view))],
    [view.unreachable, paths.unreachable.map((u) => unreachableSpec(u, name))],
  ]);
}
