// The ASCII (or Unicode) data flow diagram: layered layout, orthogonal arrows, dashed trust boundaries.
// Synchronous and deterministic so the Markdown report can embed it; falls back to the boundary
// overview when the model cannot be drawn readably within the width.
import type { AnalysisResult } from '../../analysis/types.js';
import { layoutLayered, type Rect, type Spacing } from './layout.js';
import { buildDiagram, type DiagramModel, type DiagramNode, type DiagramOptions, type Direction } from './model.js';
import { Cell, makeGrid, markBorder, markRect, occupy, route, type Route, type RouteGrid } from './route.js';
import { glyphs, truncate, widthOf, wrap, type Glyph } from './text.js';
import { terminalSafe } from '../terminal-safe.js';

export interface AsciiOptions extends DiagramOptions {
  /** Maximum line width in columns (default 100). */
  width?: number;
  /** Unicode box-drawing characters instead of plain ASCII. */
  unicode?: boolean;
  /** A legend line under the diagram (default true). */
  legend?: boolean;
  /** The note above an overview saying why the elements are not drawn (default true); off where the page says it. */
  note?: boolean;
  /**
   * The elements were asked for (`--detail elements`): up to MAX_NODES and MAX_EDGES they are drawn even
   * when they do not fit the width as asked (in the other direction, or wider), with a note saying so.
   */
  keepElements?: boolean;
}

export interface AsciiBox {
  id: string;
  name: string;
  kind: DiagramNode['kind'];
  rect: Rect;
}

export interface AsciiEdge {
  id: string;
  label: string;
  from: string;
  to: string;
  route: Route;
  labelled: boolean;
}

/** The drawn diagram and where everything is, so tests can check the geometry. */
export interface AsciiDiagram {
  text: string;
  /** The boundary overview was drawn instead of the elements. */
  overview: boolean;
  /** The note explaining the overview, when there is one. */
  note?: string;
  direction?: Direction;
  /** Rectangles in canvas coordinates (row 0 is the first line of the picture, after the note). */
  boxes: AsciiBox[];
  groups: Array<{ id: string; rect: Rect }>;
  edges: AsciiEdge[];
}

/** Above these sizes the element diagram is not attempted: layout and routing would cost too much. */
export const MAX_NODES = 40;
export const MAX_EDGES = 90;
const LABEL_COLS = 20;
const LABEL_LINES = 3;
const EDGE_LABEL_COLS = 24;
const TITLE_COLS = 40;
const MAX_CANDIDATES = 3;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

interface BoxChars {
  tl: string;
  tr: string;
  bl: string;
  br: string;
  top: (i: number) => string;
  left: string;
  right: string;
}

interface Charset {
  external: BoxChars;
  process: BoxChars;
  store: BoxChars;
  group: BoxChars;
  h: string;
  v: string;
  cross: string;
  heads: readonly [string, string, string, string];
  /** Glyph for a bend joining the two sides (bit 0 right, 1 down, 2 left, 3 up). */
  bend: (sides: number) => string;
  ellipsis: string;
  legend: string[];
}

const ASCII: Charset = {
  external: { tl: '+', tr: '+', bl: '+', br: '+', top: () => '-', left: '|', right: '|' },
  process: { tl: '.', tr: '.', bl: "'", br: "'", top: () => '-', left: '(', right: ')' },
  store: { tl: '=', tr: '=', bl: '=', br: '=', top: () => '=', left: ' ', right: ' ' },
  group: { tl: '+', tr: '+', bl: '+', br: '+', top: (i) => (i % 2 === 1 ? '-' : ' '), left: ':', right: ':' },
  h: '-',
  v: '|',
  cross: '+',
  heads: ['>', 'v', '<', '^'],
  bend: () => '+',
  ellipsis: '...',
  legend: ['+--+ external entity', '(  ) process', '==== data store', '+- - -+ trust boundary', '--> data flow'],
};

const UNICODE: Charset = {
  external: { tl: '┌', tr: '┐', bl: '└', br: '┘', top: () => '─', left: '│', right: '│' },
  process: { tl: '╭', tr: '╮', bl: '╰', br: '╯', top: () => '─', left: '│', right: '│' },
  store: { tl: '═', tr: '═', bl: '═', br: '═', top: () => '═', left: ' ', right: ' ' },
  group: { tl: '┌', tr: '┐', bl: '└', br: '┘', top: () => '╌', left: '╎', right: '╎' },
  h: '─',
  v: '│',
  cross: '┼',
  heads: ['▶', '▼', '◀', '▲'],
  bend: (s) => ({ 0b0011: '┌', 0b0110: '┐', 0b1100: '┘', 0b1001: '└' } as Record<number, string>)[s] ?? '┼',
  ellipsis: '…',
  legend: ['┌──┐ external entity', '╭──╮ process', '════ data store', '┌╌╌┐ trust boundary', '──▶ data flow'],
};

export function renderAscii(result: AnalysisResult, options: AsciiOptions = {}): string {
  return layoutAscii(result, options).text;
}

export function layoutAscii(result: AnalysisResult, options: AsciiOptions = {}): AsciiDiagram {
  const width = Math.max(20, Math.floor(options.width ?? 100));
  const cs = options.unicode ? UNICODE : ASCII;
  const legend = options.legend ?? true;
  // A whole model far past the readable size goes straight to the overview: building its element-level
  // diagram only to count it was a large share of the report's time at 100,000 elements.
  if (options.focus === undefined && !options.hide?.length && (options.detail ?? 'elements') === 'elements' && result.elements.length > MAX_NODES) {
    // Every flow of a loaded model joins two of its elements, so all of them would be drawn.
    return overviewInstead(result, options, cs, width, legend, result.elements.length, result.flows.length, true);
  }
  const model = visibleText(buildDiagram(result, options));
  if (model.nodes.length === 0) return finish(emptyDiagram('(nothing to draw: no elements match)'), cs, width, false);

  // Checked before any layout work: past these sizes layout and routing would cost too much.
  const tooBig = model.nodes.length > MAX_NODES || model.edges.length > MAX_EDGES;
  if (model.detail === 'boundaries') {
    const drawn = tooBig ? undefined : attempt(model, options, cs, width);
    return finish(drawn ?? listing(model, cs, width), cs, width, legend && drawn !== undefined);
  }
  if (!tooBig) {
    const drawn = attempt(model, options, cs, width) ?? (options.keepElements ? keptElements(model, options, cs, width) : undefined);
    if (drawn) return finish(drawn, cs, width, legend);
  }
  return overviewInstead(result, options, cs, width, legend, model.nodes.length, model.edges.length, tooBig);
}

const DIRECTION_WORDS: Record<Direction, string> = { LR: 'left to right', TD: 'top to bottom' };

/** Room enough for any diagram short of MAX_NODES: the margins, not the picture, are what `width` bounds. */
const UNBOUNDED = 100_000;

/**
 * Elements asked for that do not fit `width` as asked: drawn in the other direction within the width when
 * a direction was given, else wider than the width (top to bottom unless asked otherwise: it is the
 * narrower), with a note saying which. Undefined when even that cannot be routed.
 */
function keptElements(model: DiagramModel, options: AsciiOptions, cs: Charset, width: number): AsciiDiagram | undefined {
  const asked = options.direction;
  const what = `${model.nodes.length} elements`;
  if (asked !== undefined) {
    const other: Direction = asked === 'LR' ? 'TD' : 'LR';
    const turned = attempt(model, { ...options, direction: other }, cs, width);
    if (turned) {
      return noted(turned, options, `Note: ${DIRECTION_WORDS[asked]}, ${what} do not fit ${width} columns; drawn ${DIRECTION_WORDS[other]} instead (--width sets the columns).`);
    }
  }
  const dir = asked ?? 'TD';
  const wide = attempt(model, { ...options, direction: dir }, cs, UNBOUNDED);
  if (!wide) return undefined;
  const cols = Math.max(...wide.text.split('\n').map((line) => widthOf(glyphs(line))));
  return noted(wide, options, `Note: ${DIRECTION_WORDS[dir]}, ${what} need ${cols} columns, more than the ${width} asked for; drawn wider (--width sets the columns, --focus ID draws one part).`);
}

const noted = (d: AsciiDiagram, options: AsciiOptions, note: string): AsciiDiagram => (options.note === false ? d : { ...d, note });

/**
 * The names and labels as the terminal may show them: a control character or bidi override written out
 * (`\u001b`) before the boxes are sized, so that it is neither acted on nor silently dropped, and the boxes
 * still line up.
 */
function visibleText(model: DiagramModel): DiagramModel {
  return {
    ...model,
    nodes: model.nodes.map((n) => ({ ...n, name: terminalSafe(n.name), ...(n.note === undefined ? {} : { note: terminalSafe(n.note) }) })),
    edges: model.edges.map((e) => ({ ...e, label: terminalSafe(e.label) })),
    groups: model.groups.map((g) => ({ ...g, name: terminalSafe(g.name) })),
  };
}

/** The boundary overview, with a note saying why the elements were not drawn. */
function overviewInstead(
  result: AnalysisResult, options: AsciiOptions, cs: Charset, width: number, legend: boolean, nodes: number, edges: number,
  tooBig = false,
): AsciiDiagram {
  const over = visibleText(buildDiagram(result, { ...options, detail: 'boundaries' }));
  const overTooBig = over.nodes.length > MAX_NODES || over.edges.length > MAX_EDGES;
  const boxes = overTooBig ? undefined : attempt(over, options, cs, width);
  const drawn = boxes ?? listing(over, cs, width);
  // The note says what is shown instead: boundary boxes, or (when even those do not fit) a list of them.
  // Elements asked for are given up only past the readable size, which the note then names.
  const why = options.keepElements && tooBig
    ? `are more than a readable diagram holds (${MAX_NODES} elements, ${MAX_EDGES} flows); `
    : `do not fit a readable diagram ${width} columns wide; `;
  const note = options.note === false ? undefined
    : `Note: ${nodes} elements and ${edges} flows ${why}` +
      (boxes ? 'showing one box per trust boundary, flows aggregated with counts.' : 'listing the trust boundaries and the flows between them, with counts.') +
      (options.keepElements ? ' --focus ID draws one part with its elements.' : '');
  return finish({ ...drawn, overview: true, note }, cs, width, legend && drawn.boxes.length > 0);
}

function emptyDiagram(text: string): AsciiDiagram {
  return { text, overview: false, boxes: [], groups: [], edges: [] };
}

function finish(d: AsciiDiagram, cs: Charset, width: number, legend: boolean): AsciiDiagram {
  const lines: string[] = [];
  if (d.note !== undefined) lines.push(...wrapWords(d.note, width));
  lines.push(d.text);
  // In the overview the counts are the point: list the aggregated flows whose label found no room.
  const unlabelled = d.overview ? d.edges.filter((e) => !e.labelled) : [];
  if (unlabelled.length > 0) {
    const name = (id: string): string => d.boxes.find((b) => b.id === id)?.name ?? id;
    for (const e of unlabelled) lines.push(...wrapWords(`${name(e.from)} --> ${name(e.to)}: ${e.label}`, width));
  }
  if (legend) lines.push(...packLegend(d, cs, width));
  return { ...d, text: lines.join('\n') };
}

function packLegend(d: AsciiDiagram, cs: Charset, width: number): string[] {
  const [external, process, store, boundary, flow] = cs.legend as [string, string, string, string, string];
  const has = (k: DiagramNode['kind']): boolean => d.boxes.some((b) => b.kind === k);
  const items = [
    ...(has('external') ? [external] : []),
    ...(has('process') ? [process] : []),
    ...(has('store') ? [store] : []),
    ...(d.groups.length > 0 && !has('boundary') ? [boundary] : []),
    ...(has('boundary') ? [`${cs.group.tl}${cs.group.top(1)}${cs.group.top(2)}${cs.group.top(3)}${cs.group.tr} trust boundary (element count)`] : []),
    ...(d.edges.length > 0 ? [flow] : []),
  ];
  return items.length === 0 ? [] : wrapWords(`Legend: ${items.join('   ')}`, width, '   ');
}

function wrapWords(text: string, width: number, sep = ' '): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(sep)) {
    const next = line === '' ? word : `${line}${sep}${word}`;
    if (widthOf(glyphs(next)) > width && line !== '') {
      out.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') out.push(line);
  return out;
}

interface Sized {
  node: DiagramNode;
  lines: Glyph[][];
  w: number;
  h: number;
}

function attempt(model: DiagramModel, options: AsciiOptions, cs: Charset, width: number): AsciiDiagram | undefined {
  const direction = options.direction;
  const sized = new Map<string, Sized>();
  for (const node of model.nodes) {
    const lines = wrap(node.name, LABEL_COLS, node.note ? 2 : LABEL_LINES, cs.ellipsis);
    if (lines.length === 0) lines.push(glyphs('?'));
    if (node.note) lines.push(glyphs(node.note));
    if (node.risk && options.colorByRisk) lines.push(glyphs(`risk: ${node.risk}`));
    const w = Math.max(...lines.map(widthOf)) + 4;
    sized.set(node.id, { node, lines, w, h: lines.length + 2 });
  }
  const titles = new Map(model.groups.map((g) => [g.id, truncate(glyphs(g.name), TITLE_COLS, cs.ellipsis)]));
  const labels = new Map(model.edges.map((e) => [e.id, truncate(glyphs(e.label), EDGE_LABEL_COLS, cs.ellipsis)]));
  const labelW = Math.max(0, ...[...labels.values()].map(widthOf));
  let best: { drawn: AsciiDiagram; missing: number } | undefined;
  let candidates = 0;
  for (const dir of direction ? [direction] : (['LR', 'TD'] as const)) {
    for (const spacing of spacings(dir, labelW)) {
      const layout = layoutLayered({
        nodes: model.nodes.map((n) => ({ id: n.id, ...(n.group ? { group: n.group } : {}), w: sized.get(n.id)!.w, h: sized.get(n.id)!.h })),
        groups: model.groups.map((g) => ({ id: g.id, ...(g.parent ? { parent: g.parent } : {}), minW: widthOf(titles.get(g.id)!) + 10 })),
        edges: model.edges,
        direction: dir,
        spacing,
      });
      // Margins let arrows run around the outside of the picture; the unused part is cropped afterwards.
      const mx = Math.min(Math.floor((width - layout.width) / 2), 2 + Math.ceil(model.edges.length / 3));
      const my = 2 + Math.ceil(model.edges.length / 3);
      if (mx < 1) continue;
      const w = layout.width + 2 * mx;
      const h = layout.height + 2 * my;
      const shift = (r: Rect): Rect => ({ x: r.x + mx, y: r.y + my, w: r.w, h: r.h });
      const boxes = model.nodes.map((n) => ({ id: n.id, name: n.name, kind: n.kind, rect: shift(layout.nodes.get(n.id)!) }));
      const groups = model.groups.map((g) => ({ id: g.id, rect: shift(layout.groups.get(g.id)!) }));
      const grid = makeGrid(w, h);
      for (const g of groups) markBorder(grid, g.rect, widthOf(titles.get(g.id)!));
      for (const b of boxes) markRect(grid, b.rect, Cell.Box);
      const routes = routeAll(grid, model, new Map(boxes.map((b) => [b.id, b.rect])));
      if (!routes) continue;
      const drawn = draw(model, cs, grid, sized, titles, labels, boxes, groups, routes, dir);
      const missing = drawn.edges.filter((e) => !e.labelled).length;
      if (!best || missing < best.missing) best = { drawn, missing };
      // More room may fit the missing labels; a few drawn candidates are enough to find it.
      if (missing === 0 || ++candidates >= MAX_CANDIDATES) return best.drawn;
    }
  }
  return best?.drawn;
}

function spacings(dir: Direction, labelW: number): Spacing[] {
  if (dir === 'TD') {
    // Two rows under a group's top edge let an arrow come in beside the title and turn down into a box
    // that sits under it.
    return [
      { layer: 3, sibling: 3, padX: 2, padY: 2 },
      { layer: 5, sibling: 5, padX: 2, padY: 2 },
      { layer: 7, sibling: 7, padX: 3, padY: 2 },
    ];
  }
  const wide = Math.min(Math.max(labelW + 6, 6), EDGE_LABEL_COLS + 6);
  const list = [
    { layer: wide, sibling: 1, padX: 2, padY: 1 },
    { layer: wide + 2, sibling: 2, padX: 2, padY: 1 },
    { layer: 6, sibling: 1, padX: 2, padY: 1 },
    { layer: 8, sibling: 2, padX: 2, padY: 1 },
    { layer: 10, sibling: 3, padX: 3, padY: 2 },
  ];
  return list.filter((s, i) => list.findIndex((t) => t.layer === s.layer && t.sibling === s.sibling) === i);
}

function routeAll(grid: RouteGrid, model: DiagramModel, rects: Map<string, Rect>): Map<string, Route> | undefined {
  // Short edges first: they have the fewest alternatives, long ones can go around.
  const centre = (r: Rect): [number, number] => [r.x + r.w / 2, r.y + r.h / 2];
  const order = model.edges
    .map((e, i) => {
      const [ax, ay] = centre(rects.get(e.from)!);
      const [bx, by] = centre(rects.get(e.to)!);
      return { e, i, d: Math.abs(ax - bx) + Math.abs(ay - by) };
    })
    .sort((a, b) => a.d - b.d || a.i - b.i);
  const routes = new Map<string, Route>();
  const stores = new Set(model.nodes.filter((n) => n.kind === 'store').map((n) => n.id));
  for (const { e } of order) {
    const r = route(grid, rects.get(e.from)!, rects.get(e.to)!, { src: stores.has(e.from), dst: stores.has(e.to) });
    if (!r) return undefined;
    occupy(grid, r);
    routes.set(e.id, r);
  }
  return routes;
}

class Canvas {
  readonly cells: string[];
  constructor(readonly w: number, readonly h: number) {
    this.cells = new Array<string>(w * h).fill(' ');
  }
  get(x: number, y: number): string {
    return this.cells[y * this.w + x]!;
  }
  put(x: number, y: number, ch: string): void {
    if (x >= 0 && y >= 0 && x < this.w && y < this.h) this.cells[y * this.w + x] = ch;
  }
  text(x: number, y: number, gs: readonly Glyph[]): void {
    for (const g of gs) {
      this.put(x, y, g.text);
      // A wide glyph's second column holds nothing, so the line keeps its width when joined.
      if (g.width === 2) this.put(x + 1, y, '');
      x += g.width;
    }
  }
  /** Top-left corner of what was drawn. */
  origin(): [number, number] {
    let x0 = this.w;
    let y0 = this.h;
    this.cells.forEach((ch, i) => {
      if (ch === ' ') return;
      x0 = Math.min(x0, i % this.w);
      y0 = Math.min(y0, Math.floor(i / this.w));
    });
    return [x0, y0];
  }
  /** The drawing from `origin`, trailing blanks removed. */
  toString(x0: number, y0: number): string {
    const rows: string[] = [];
    for (let y = y0; y < this.h; y++) rows.push(this.cells.slice(y * this.w + x0, (y + 1) * this.w).join('').trimEnd());
    while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
    return rows.join('\n');
  }
}

function drawBox(c: Canvas, r: Rect, b: BoxChars): void {
  const x1 = r.x + r.w - 1;
  const y1 = r.y + r.h - 1;
  for (let x = r.x + 1; x < x1; x++) {
    c.put(x, r.y, b.top(x - r.x));
    c.put(x, y1, b.top(x - r.x));
  }
  for (let y = r.y + 1; y < y1; y++) {
    c.put(r.x, y, b.left);
    c.put(x1, y, b.right);
  }
  c.put(r.x, r.y, b.tl);
  c.put(x1, r.y, b.tr);
  c.put(r.x, y1, b.bl);
  c.put(x1, y1, b.br);
}

function draw(
  model: DiagramModel,
  cs: Charset,
  grid: RouteGrid,
  sized: Map<string, Sized>,
  titles: Map<string, Glyph[]>,
  labels: Map<string, Glyph[]>,
  boxes: AsciiBox[],
  groups: Array<{ id: string; rect: Rect }>,
  routes: Map<string, Route>,
  direction: Direction,
): AsciiDiagram {
  const c = new Canvas(grid.w, grid.h);
  for (const g of groups) {
    drawBox(c, g.rect, cs.group);
    const tw = widthOf(titles.get(g.id)!);
    c.text(g.rect.x + 3, g.rect.y, titles.get(g.id)!);
    c.put(g.rect.x + 2, g.rect.y, ' ');
    c.put(g.rect.x + 3 + tw, g.rect.y, ' ');
    // Restart the dash pattern after the title so it never shows two blanks in a row.
    for (let x = g.rect.x + 4 + tw; x < g.rect.x + g.rect.w - 1; x++) c.put(x, g.rect.y, cs.group.top(x - g.rect.x - 3 - tw));
  }
  for (const b of boxes) {
    const s = sized.get(b.id)!;
    const chars = b.kind === 'boundary' ? cs.group : b.kind === 'store' ? cs.store : b.kind === 'process' ? cs.process : cs.external;
    drawBox(c, b.rect, chars);
    s.lines.forEach((line, k) => {
      const lw = widthOf(line);
      c.text(b.rect.x + Math.floor((b.rect.w - lw) / 2), b.rect.y + 1 + k, line);
    });
  }
  // Which orientations each cell's lines take, to draw crossings.
  const mask = new Uint8Array(grid.w * grid.h);
  for (const e of model.edges) {
    const r = routes.get(e.id)!;
    r.cells.forEach(([x, y], k) => {
      const into = r.into[k]!;
      const out = r.out[k]!;
      const i = y * grid.w + x;
      const kind = grid.kind[i];
      if (k === r.cells.length - 1) {
        c.put(x, y, cs.heads[out]!);
      } else if (into !== out) {
        c.put(x, y, cs.bend(2 ** ((into + 2) % 4) + 2 ** out));
      } else if (kind === Cell.BorderV) {
        // Crossing a boundary side: the boundary line stays visible, as in `--:-->`.
      } else {
        mask[i]! |= into % 2 === 0 ? 1 : 2;
        c.put(x, y, mask[i] === 3 ? cs.cross : into % 2 === 0 ? cs.h : cs.v);
      }
    });
  }
  const edges: AsciiEdge[] = model.edges.map((e) => {
    const r = routes.get(e.id)!;
    const label = labels.get(e.id)!;
    const labelled = label.length > 0 && placeLabel(c, grid, mask, r, label);
    return { id: e.id, label: e.label, from: e.from, to: e.to, route: r, labelled };
  });
  const [x0, y0] = c.origin();
  const move = (r: Rect): Rect => ({ x: r.x - x0, y: r.y - y0, w: r.w, h: r.h });
  return {
    text: c.toString(x0, y0),
    overview: model.detail === 'boundaries',
    direction,
    boxes: boxes.map((b) => ({ ...b, rect: move(b.rect) })),
    groups: groups.map((g) => ({ ...g, rect: move(g.rect) })),
    edges: edges.map((e) => ({ ...e, route: { ...e.route, cells: e.route.cells.map(([x, y]) => [x - x0, y - y0]) } })),
  };
}

/** Writes the label on a long straight horizontal stretch of the arrow, else beside a vertical one. */
function placeLabel(c: Canvas, grid: RouteGrid, mask: Uint8Array, r: Route, label: Glyph[]): boolean {
  const lw = widthOf(label);
  const plain = (k: number): boolean => {
    const [x, y] = r.cells[k]!;
    const i = y * grid.w + x;
    return k > 0 && k < r.cells.length - 1 && r.into[k] === r.out[k] && grid.kind[i] === Cell.Free && mask[i] !== 3;
  };
  // Runs of plain cells in one direction: [start, end) indices into the route.
  const runs: Array<[number, number]> = [];
  for (let k = 0; k < r.cells.length; ) {
    if (!plain(k)) { k++; continue; }
    let j = k;
    while (j < r.cells.length && plain(j) && r.out[j] === r.out[k]) j++;
    runs.push([k, j]);
    k = j;
  }
  const horizontalRuns = runs.filter(([a]) => r.out[a]! % 2 === 0).sort((p, q) => q[1] - q[0] - (p[1] - p[0]) || p[0] - q[0]);
  const best = horizontalRuns[0];
  if (best && best[1] - best[0] >= lw + 4) {
    const start = best[0] + Math.floor((best[1] - best[0] - lw) / 2);
    const cells = r.cells.slice(start, start + lw).map(([x]) => x);
    const y = r.cells[start]![1];
    // Leftward arrows list cells right to left; the text still reads left to right.
    c.text(Math.min(...cells), y, label);
    return true;
  }
  const blank = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < c.w && y < c.h && c.get(x, y) === ' ' && grid.kind[y * grid.w + x] === Cell.Free && grid.used[y * grid.w + x] === 0;
  const free = (x0: number, x1: number, y: number): boolean => {
    for (let x = x0; x <= x1; x++) if (!blank(x, y)) return false;
    return true;
  };
  const verticalRuns = runs.filter(([a]) => r.out[a]! % 2 === 1).sort((p, q) => q[1] - q[0] - (p[1] - p[0]) || p[0] - q[0]);
  for (const [a, b] of verticalRuns) {
    const mid = Math.floor((a + b - 1) / 2);
    for (let step = 0; step < b - a; step++) {
      const k = step % 2 === 0 ? mid + step / 2 : mid - (step + 1) / 2;
      if (k < a || k >= b) continue;
      const [x, y] = r.cells[k]!;
      // One blank column between the line and the text, and one after it, on either side.
      if (free(x + 1, x + lw + 2, y) || (x + lw + 2 === c.w && free(x + 1, x + lw + 1, y))) {
        c.text(x + 2, y, label);
        return true;
      }
      if (x - lw - 2 >= 0 && free(x - lw - 2, x - 1, y)) {
        c.text(x - lw - 1, y, label);
        return true;
      }
    }
  }
  return false;
}

/** Last resort when even the overview does not fit: one line per node and per aggregated flow. */
function listing(model: DiagramModel, cs: Charset, width: number): AsciiDiagram {
  const name = new Map(model.nodes.map((n) => [n.id, n.name]));
  // Printable ASCII (most names) takes a column per character: cut it without a glyph per character.
  const fit = (s: string): string => !PRINTABLE_ASCII.test(s) ? truncate(glyphs(s), width, cs.ellipsis).map((g) => g.text).join('')
    : s.length <= width ? s : s.slice(0, Math.max(0, width - cs.ellipsis.length)) + cs.ellipsis;
  const lines = [
    ...model.nodes.map((n) => fit(`[${n.name}]${n.note ? ` ${n.note}` : ''}`)),
    ...model.edges.map((e) => fit(`[${name.get(e.from)}] --${e.label}--> [${name.get(e.to)}]`)),
  ];
  return { text: lines.join('\n'), overview: true, boxes: [], groups: [], edges: [] };
}
