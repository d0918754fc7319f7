// The Attack surface, Coverage and Attack paths tabs: the result's tables as the HTML report words them
// (src/render/html.ts), with places in the model that move the editor's caret and threat ids that open
// the threat.
import {
  type AnalysisResult, type AttackPath, type AttackPathHop, type AttackPaths, type CoverageCell, STRIDE_LETTERS, STRIDE_NAMES, SURFACE_CATEGORIES, type SurfaceEntry,
} from '../src/analysis/types.js';
import { plural } from '../src/model/diagnostics.js';
import { badge, button, type Child, fill, h } from './dom.js';

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

function capped<T>(items: readonly T[], row: (item: T) => HTMLTableRowElement, columns: number): HTMLTableRowElement[] {
  const rows = items.slice(0, MAX_ROWS).map(row);
  if (items.length > MAX_ROWS) rows.push(h('tr', { class: 'empty-row' }, h('td', { colspan: columns }, `The first ${MAX_ROWS} of ${items.length} are shown; \`threatmap analyze\` lists them all.`)));
  return rows;
}

const table = (head: readonly Child[], rows: readonly HTMLTableRowElement[], cls?: string) =>
  h('table', { class: cls }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...rows));

export function renderSurface(root: HTMLElement, r: AnalysisResult, ctx: TablesContext): void {
  const byCategory = new Map<string, SurfaceEntry[]>();
  for (const e of r.attackSurface) {
    const list = byCategory.get(e.category);
    if (list) list.push(e);
    else byCategory.set(e.category, [e]);
  }
  fill(root,
    h('p', { class: 'muted' }, 'Where an attacker can reach the system, in the six categories of the method.'),
    ...SURFACE_CATEGORIES.flatMap((category) => {
      const entries = byCategory.get(category);
      return [h('h3', {}, category), entries
        ? table(['Entry', 'Detail', 'Exposure', 'In the model'], capped(entries, (e) => h('tr', {},
          h('td', {}, h('strong', {}, e.name)),
          h('td', {}, e.detail),
          h('td', {}, e.exposed ? h('span', { class: 'exposed' }, EXPOSURE[e.exposure]) : EXPOSURE[e.exposure]),
          h('td', {}, e.loc.line > 0 ? button({ class: 'loc mono' }, () => ctx.goTo(e.loc.line, e.loc.col), `${e.loc.line}:${e.loc.col}`) : '')), 4), 'surface')
        : h('p', { class: 'muted' }, 'None in the model.')];
    }));
}

function coverageCell(c: CoverageCell, ctx: TablesContext): HTMLTableCellElement {
  if (c.status === 'threat') {
    return h('td', { class: 'cov-threat' }, ...c.threats.flatMap((id, i) => [i ? ' ' : '', button({ class: 'link' }, () => ctx.showThreat(id), id)]));
  }
  if (c.status === 'mitigated') return h('td', { class: 'cov-mitigated', title: c.reason }, `ok: ${c.controls.join(', ')}`);
  return h('td', { class: 'cov-not-applicable', title: c.reason }, '-');
}

export function renderCoverage(root: HTMLElement, r: AnalysisResult, ctx: TablesContext): void {
  fill(root,
    h('p', { class: 'muted' }, 'Every element and flow against every STRIDE category: the threats found, ', h('em', {}, 'ok'),
      ' where a control mitigates it, ', h('em', {}, '-'), ' where it does not apply (hover for the reason).'),
    table(['Component', ...STRIDE_LETTERS.map((s) => h('abbr', { title: STRIDE_NAMES[s] }, s))],
      capped(r.coverage, (row) => h('tr', {},
        h('td', { class: 'name' }, row.name, ' ', h('span', { class: 'muted' }, row.componentKind)),
        ...row.cells.map((c) => coverageCell(c, ctx))), 1 + STRIDE_LETTERS.length), 'coverage'));
}

const HELD: Record<AttackPath['held'], string> = {
  stored: 'stored in',
  handled: 'handled by',
  received: 'received by',
};

const credential = (hop: AttackPathHop): string =>
  (!hop.authenticated ? (hop.openAt === undefined ? 'none' : `none: public endpoint ${hop.openAt.slice(hop.to.length + 1)}`)
    : hop.auth === 'none' ? 'at the endpoint' : hop.auth);

export function renderPaths(root: HTMLElement, r: AnalysisResult, paths: AttackPaths, ctx: TablesContext): void {
  const names = new Map(r.elements.map((e) => [e.id, e.name]));
  const name = (id: string) => names.get(id) ?? id;
  const threatIds = (ids: readonly string[]): Child[] =>
    ids.length ? [' [', ...ids.flatMap((id, i) => [i ? ', ' : '', button({ class: 'link' }, () => ctx.showThreat(id), id)]), ']'] : [];
  const pathItem = (p: AttackPath) => h('li', {},
    h('p', {}, h('strong', {}, p.assetName), ` ${HELD[p.held]} ${name(p.target)} `,
      p.risk ? badge(p.risk) : h('span', { class: 'muted' }, 'no threat on the way'), ' ',
      h('span', { class: 'muted' }, `${plural(p.hops.length, 'hop')}, ${p.unauthenticatedHops} without a credential`)),
    h('p', { class: 'path' }, name(p.entry), ...threatIds(p.entryThreats),
      ...p.hops.flatMap((hop) => [' \u2192 ', name(hop.to), ...threatIds(hop.threats)])),
    p.hops.length ? h('details', {}, h('summary', {}, 'Hops'),
      table(['From', 'To', 'Protocol', 'Credential', 'Crossing', 'Threats'], p.hops.map((hop) => h('tr', {},
        h('td', {}, name(hop.from)), h('td', {}, name(hop.to)), h('td', {}, hop.protocol, hop.encrypted ? '' : ' (cleartext)'),
        h('td', { class: hop.authenticated ? undefined : 'exposed' }, credential(hop)), h('td', {}, hop.crossing ?? '-'),
        h('td', {}, ...threatIds(hop.threats).slice(1, -1))))))
      : null);
  const shown = paths.paths.slice(0, MAX_ROWS);
  fill(root,
    h('p', { class: 'muted' }, 'For every data asset, the easiest way in from an entry point (',
      paths.entries.length ? paths.entries.map(name).join(', ') : 'none in the model',
      '): the fewest calls that demand a credential, then the fewest calls, following the flows in their direction. The ids are the threats on the way.'),
    shown.length ? h('ol', { class: 'paths' }, ...shown.map(pathItem)) : h('p', { class: 'muted' }, 'No asset is reachable from an entry point.'),
    paths.paths.length > shown.length ? h('p', { class: 'muted' }, `The first ${MAX_ROWS} of ${paths.paths.length} paths are shown; \`threatmap analyze --format json\` has them all.`) : null,
    paths.unreachable.length ? h('h3', {}, "Not reachable from any entry point through the model's flows") : null,
    paths.unreachable.length ? h('ul', {}, ...paths.unreachable.map((u) =>
      h('li', {}, h('strong', {}, u.assetName), u.at.length ? ` (in ${u.at.map(name).join(', ')})` : ' (nowhere in the model)'))) : null);
}
