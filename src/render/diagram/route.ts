// Orthogonal edge routing on a character grid: a shortest path (Dijkstra) per edge around the boxes,
// crossing trust-boundary lines only at right angles and other edges only at right angles, never running
// along another edge. Arrows therefore never pass through a box and never hide one another.
import type { Rect } from './layout.js';

/** What a grid cell is, for routing. */
export const Cell = {
  Free: 0,
  Box: 1,
  /** Top or bottom line of a group: an edge may cross it vertically. */
  BorderH: 2,
  /** Left or right line of a group: an edge may cross it horizontally. */
  BorderV: 3,
  /** Corners and titles of groups. */
  Blocked: 4,
} as const;
export type Cell = (typeof Cell)[keyof typeof Cell];

/** Directions: 0 right, 1 down, 2 left, 3 up. */
export const DX = [1, 0, -1, 0] as const;
export const DY = [0, 1, 0, -1] as const;
const horizontal = (d: number): boolean => d % 2 === 0;

export interface RouteGrid {
  w: number;
  h: number;
  kind: Uint8Array;
  /** Bit 1: used by a horizontal line, bit 2: by a vertical line, bit 4: a bend or an end (no crossing). */
  used: Uint8Array;
}

export interface Route {
  /** Cells from the one next to the source box to the arrow head next to the target box. */
  cells: Array<[number, number]>;
  /** Direction of travel into each cell (the first one points away from the source). */
  into: number[];
  /** Direction of travel out of each cell (the last one points into the target). */
  out: number[];
}

const STEP = 2;
const TURN = 5;
const CROSS = 8;
// Crossing a boundary line costs as much as a long detour, so arrows only cross the boundaries they must.
const BORDER = 40;
// Running right next to a box makes the arrow read as part of it.
const NEAR_BOX = 3;
// A data store has no side lines: an arrow at its side could be read as coming from its neighbour.
const OPEN_SIDE = 12;
// Two arrows side by side read as one thick line.
const BESIDE_LINE = 3;

export function makeGrid(w: number, h: number): RouteGrid {
  return { w, h, kind: new Uint8Array(w * h), used: new Uint8Array(w * h) };
}

export function markRect(grid: RouteGrid, r: Rect, kind: Cell): void {
  for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) grid.kind[y * grid.w + x] = kind;
}

export function markBorder(grid: RouteGrid, r: Rect, titleCells: number): void {
  const { w } = grid;
  const x1 = r.x + r.w - 1;
  const y1 = r.y + r.h - 1;
  for (let x = r.x; x <= x1; x++) {
    grid.kind[r.y * w + x] = Cell.BorderH;
    grid.kind[y1 * w + x] = Cell.BorderH;
  }
  for (let y = r.y; y <= y1; y++) {
    grid.kind[y * w + r.x] = Cell.BorderV;
    grid.kind[y * w + x1] = Cell.BorderV;
  }
  for (const [x, y] of [[r.x, r.y], [x1, r.y], [r.x, y1], [x1, y1]] as const) grid.kind[y * w + x] = Cell.Blocked;
  // The title sits in the top edge after "+- "; keep it and one cell either side uncrossed.
  for (let x = r.x + 1; x <= Math.min(x1 - 1, r.x + 4 + titleCells); x++) grid.kind[r.y * w + x] = Cell.Blocked;
}

/**
 * Shortest route from `src` to `dst` (both box rectangles). A self-loop leaves the right side and comes
 * back into the top. Returns undefined when no route exists (the caller then spaces the layout out).
 */
export function route(grid: RouteGrid, src: Rect, dst: Rect, open: { src?: boolean; dst?: boolean } = {}): Route | undefined {
  const { w, h, kind, used } = grid;
  const self = src === dst || (src.x === dst.x && src.y === dst.y);
  const states = w * h * 4;
  // One extra state stands for "arrived", so the cheapest way in, side penalties included, wins.
  const GOAL = states;
  const dist = new Float64Array(states + 1).fill(Infinity);
  const prev = new Int32Array(states + 1).fill(-1);
  const heap = new MinHeap();
  const nearBox = (x: number, y: number): boolean =>
    (x > 0 && kind[y * w + x - 1] === Cell.Box) || (x + 1 < w && kind[y * w + x + 1] === Cell.Box) ||
    (y > 0 && kind[(y - 1) * w + x] === Cell.Box) || (y + 1 < h && kind[(y + 1) * w + x] === Cell.Box);
  const besideLine = (x: number, y: number, d: number): boolean => {
    const bit = horizontal(d) ? 1 : 2;
    return horizontal(d)
      ? (y > 0 && (used[(y - 1) * w + x]! & bit) !== 0) || (y + 1 < h && (used[(y + 1) * w + x]! & bit) !== 0)
      : (x > 0 && (used[y * w + x - 1]! & bit) !== 0) || (x + 1 < w && (used[y * w + x + 1]! & bit) !== 0);
  };
  const cellOk = (x: number, y: number, d: number): number => {
    // Cost of entering (x, y) travelling in direction d, or -1 when not allowed.
    if (x < 0 || y < 0 || x >= w || y >= h) return -1;
    const i = y * w + x;
    const k = kind[i]!;
    if (k === Cell.Box || k === Cell.Blocked) return -1;
    if (k === Cell.BorderH && horizontal(d)) return -1;
    if (k === Cell.BorderV && !horizontal(d)) return -1;
    const u = used[i]!;
    if (u & 4) return -1;
    if (u & (horizontal(d) ? 1 : 2)) return -1;
    return STEP + (u !== 0 ? CROSS : 0) + (k !== Cell.Free ? BORDER : 0) + (nearBox(x, y) ? NEAR_BOX : 0) +
      (besideLine(x, y, d) ? BESIDE_LINE : 0);
  };
  // Sides of a box: the cells just outside each non-corner border cell, with the outward direction.
  const starts: Array<[number, number, number]> = [];
  const sides = self ? [0] : [0, 1, 2, 3];
  for (const d of sides) {
    const cells = sideCells(src, d);
    for (const [x, y] of cells) starts.push([x, y, d]);
  }
  for (const [x, y, d] of starts) {
    let c = cellOk(x, y, d);
    if (c < 0) continue;
    if (open.src && horizontal(d)) c += OPEN_SIDE;
    const s = (y * w + x) * 4 + d;
    if (c < dist[s]!) {
      dist[s] = c;
      heap.push(c, s);
    }
  }
  const entersDst = (x: number, y: number, d: number): boolean => {
    if (self && d !== 1) return false;
    const nx = x + DX[d]!;
    const ny = y + DY[d]!;
    if (nx < dst.x || ny < dst.y || nx >= dst.x + dst.w || ny >= dst.y + dst.h) return false;
    // Not through a corner: the head must point at a side.
    const cornerX = nx === dst.x || nx === dst.x + dst.w - 1;
    const cornerY = ny === dst.y || ny === dst.y + dst.h - 1;
    return !(cornerX && cornerY);
  };
  let goal = -1;
  while (heap.size > 0) {
    const [cost, s] = heap.pop();
    if (cost > dist[s]!) continue;
    if (s === GOAL) {
      goal = prev[GOAL]!;
      break;
    }
    const d = s & 3;
    const i = s >> 2;
    const x = i % w;
    const y = (i - x) / w;
    // The arrow head cell must be clean (not a crossing, not on a boundary line).
    if (entersDst(x, y, d) && used[i] === 0 && kind[i] === Cell.Free && (!self || cost > 3 * STEP)) {
      const gc = cost + (open.dst && horizontal(d) ? OPEN_SIDE : 0);
      if (gc < dist[GOAL]!) {
        dist[GOAL] = gc;
        prev[GOAL] = s;
        heap.push(gc, GOAL);
      }
    }
    for (let nd = 0; nd < 4; nd++) {
      if (nd === (d + 2) % 4) continue;
      const turning = nd !== d;
      // A bend must be a clean cell: bending on a crossing or a boundary line would be unreadable.
      if (turning && (used[i] !== 0 || kind[i] !== Cell.Free)) continue;
      const nx = x + DX[nd]!;
      const ny = y + DY[nd]!;
      const c = cellOk(nx, ny, nd);
      if (c < 0) continue;
      const ns = (ny * w + nx) * 4 + nd;
      const nc = cost + c + (turning ? TURN : 0);
      if (nc < dist[ns]!) {
        dist[ns] = nc;
        prev[ns] = s;
        heap.push(nc, ns);
      }
    }
  }
  if (goal < 0) return undefined;
  const cells: Array<[number, number]> = [];
  const dirs: number[] = [];
  for (let s = goal; s >= 0; s = prev[s]!) {
    const i = s >> 2;
    cells.push([i % w, Math.floor(i / w)]);
    dirs.push(s & 3);
  }
  cells.reverse();
  dirs.reverse();
  const out = dirs.slice(1);
  out.push(dirs[dirs.length - 1]!);
  return { cells, into: dirs, out };
}

/** Records a route so later routes neither run along it nor bend on it. */
export function occupy(grid: RouteGrid, r: Route): void {
  r.cells.forEach(([x, y], k) => {
    const i = y * grid.w + x;
    const out = r.out[k]!;
    const into = r.into[k]!;
    const ends = k === 0 || k === r.cells.length - 1;
    grid.used[i]! |= (horizontal(into) || horizontal(out) ? 1 : 0) | (!horizontal(into) || !horizontal(out) ? 2 : 0) |
      (into !== out || ends ? 4 : 0);
  });
}

function sideCells(r: Rect, d: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (d === 0 || d === 2) {
    const x = d === 0 ? r.x + r.w : r.x - 1;
    for (let y = r.y + 1; y < r.y + r.h - 1; y++) out.push([x, y]);
  } else {
    const y = d === 1 ? r.y + r.h : r.y - 1;
    for (let x = r.x + 1; x < r.x + r.w - 1; x++) out.push([x, y]);
  }
  return out;
}

/** Binary heap of (cost, state); ties go to the smaller state index, so routing is deterministic. */
class MinHeap {
  private keys: number[] = [];
  private vals: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, val: number): void {
    const k = this.keys;
    const v = this.vals;
    let i = k.length;
    k.push(key);
    v.push(val);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! < key || (k[p] === key && v[p]! <= val)) break;
      k[i] = k[p]!;
      v[i] = v[p]!;
      i = p;
    }
    k[i] = key;
    v[i] = val;
  }
  pop(): [number, number] {
    const k = this.keys;
    const v = this.vals;
    const top: [number, number] = [k[0]!, v[0]!];
    const lastK = k.pop()!;
    const lastV = v.pop()!;
    if (k.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= k.length) break;
        const r = l + 1;
        const c = r < k.length && (k[r]! < k[l]! || (k[r] === k[l] && v[r]! < v[l]!)) ? r : l;
        if (k[c]! > lastK || (k[c] === lastK && v[c]! >= lastV)) break;
        k[i] = k[c]!;
        v[i] = v[c]!;
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    return top;
  }
}
