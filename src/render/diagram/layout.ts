// A deterministic, synchronous layered (Sugiyama-style) layout on an integer grid, for the ASCII diagram.
// Groups (trust boundaries) are laid out recursively: each group's members are laid out first, then the
// group is one block in its parent's layering. A group therefore always encloses exactly its members and
// never overlaps a sibling, which a single global layering cannot promise.
import type { Direction } from './model.js';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LayoutNode {
  id: string;
  group?: string;
  w: number;
  h: number;
}

export interface LayoutGroup {
  id: string;
  parent?: string;
  /** Narrowest the group may be (its title lives in the top edge). */
  minW: number;
}

export interface Spacing {
  /** Blank cells between consecutive layers (columns in LR, rows in TD). */
  layer: number;
  /** Blank cells between neighbours in one layer. */
  sibling: number;
  /** Blank cells between a group's border and its content, horizontally and vertically. */
  padX: number;
  padY: number;
}

export interface LayoutInput {
  nodes: LayoutNode[];
  groups: LayoutGroup[];
  edges: ReadonlyArray<{ from: string; to: string }>;
  direction: Direction;
  spacing: Spacing;
}

export interface LayoutResult {
  width: number;
  height: number;
  nodes: Map<string, Rect>;
  groups: Map<string, Rect>;
}

interface Item {
  id: string;
  isGroup: boolean;
  w: number;
  h: number;
  /** Children's positions relative to this item's top-left corner (groups only). */
  place?: (ox: number, oy: number) => void;
}

const SWEEPS = 4;

export function layoutLayered(input: LayoutInput): LayoutResult {
  const { direction, spacing } = input;
  // Nodes and groups live in separate namespaces (a boundary overview node may share its group's id),
  // so internally every key is prefixed: `n` for nodes, `g` for groups.
  const G = (id: string): string => `g${id}`;
  const N = (id: string): string => `n${id}`;
  const groupIds = new Set(input.groups.map((g) => G(g.id)));
  const parentOf = new Map<string, string | undefined>();
  const inGroup = (id: string | undefined): string | undefined => (id !== undefined && groupIds.has(G(id)) ? G(id) : undefined);
  for (const g of input.groups) parentOf.set(G(g.id), inGroup(g.parent));
  for (const n of input.nodes) parentOf.set(N(n.id), inGroup(n.group));
  const minW = new Map(input.groups.map((g) => [G(g.id), g.minW]));

  const children = new Map<string | undefined, string[]>();
  const addChild = (parent: string | undefined, id: string): void => {
    const list = children.get(parent) ?? [];
    list.push(id);
    children.set(parent, list);
  };
  // Children in the order their first member node appears, so the picture follows the model's order.
  const seen = new Set<string>();
  for (const n of input.nodes) {
    const chain: string[] = [N(n.id)];
    for (let p = parentOf.get(N(n.id)); p !== undefined; p = parentOf.get(p)) chain.push(p);
    for (let i = chain.length - 1; i >= 0; i--) {
      const id = chain[i]!;
      if (seen.has(id)) continue;
      seen.add(id);
      addChild(parentOf.get(id), id);
    }
  }

  // The child of `container` that holds `id`, if `id` is inside `container` at all.
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    let d = depth.get(id);
    if (d === undefined) {
      const p = parentOf.get(id);
      d = p === undefined ? 0 : depthOf(p) + 1;
      depth.set(id, d);
    }
    return d;
  };
  const ancestorAt = (id: string, d: number): string | undefined => {
    let cur: string | undefined = id;
    for (let k = depthOf(id); cur !== undefined && k > d; k--) cur = parentOf.get(cur);
    return cur;
  };

  const nodeRects = new Map<string, Rect>();
  const groupRects = new Map<string, Rect>();
  const nodeSize = new Map(input.nodes.map((n) => [N(n.id), n]));

  // Edges grouped by the container in which they are lifted (the lowest common ancestor).
  const liftedEdges = new Map<string | undefined, Array<[string, string]>>();
  for (const edge of input.edges) {
    const e = { from: N(edge.from), to: N(edge.to) };
    if (!parentOf.has(e.from) || !parentOf.has(e.to) || e.from === e.to) continue;
    let a: string | undefined = e.from;
    let b: string | undefined = e.to;
    let da = depthOf(a);
    let db = depthOf(b);
    while (da > db) { a = parentOf.get(a!); da--; }
    while (db > da) { b = parentOf.get(b!); db--; }
    // Walk up together until both sit in the same container.
    while (parentOf.get(a!) !== parentOf.get(b!)) { a = parentOf.get(a!); b = parentOf.get(b!); }
    if (a === b) {
      // One endpoint is inside the other's ancestry chain: lift one level below the common group.
      const common = a!;
      const ca = ancestorAt(e.from, depthOf(common) + 1);
      const cb = ancestorAt(e.to, depthOf(common) + 1);
      if (ca !== undefined && cb !== undefined && ca !== cb) push(liftedEdges, common, [ca, cb]);
      continue;
    }
    push(liftedEdges, parentOf.get(a!), [a!, b!]);
  }

  const layoutContainer = (container: string | undefined): Item => {
    const ids = children.get(container) ?? [];
    const items: Item[] = ids.map((id) => {
      if (!groupIds.has(id)) {
        const n = nodeSize.get(id)!;
        return { id, isGroup: false, w: n.w, h: n.h, place: (ox, oy) => nodeRects.set(n.id, { x: ox, y: oy, w: n.w, h: n.h }) };
      }
      const inner = layoutContainer(id);
      const borderX = 1 + spacing.padX;
      const borderY = 1 + spacing.padY;
      const w = Math.max(inner.w + 2 * borderX, minW.get(id) ?? 0);
      const h = inner.h + 2 * borderY;
      const shift = Math.floor((w - inner.w - 2 * borderX) / 2);
      return {
        id,
        isGroup: true,
        w,
        h,
        place: (ox, oy) => {
          groupRects.set(id.slice(1), { x: ox, y: oy, w, h });
          inner.place!(ox + borderX + shift, oy + borderY);
        },
      };
    });
    return arrange(items, liftedEdges.get(container) ?? [], direction, spacing);
  };

  const root = layoutContainer(undefined);
  root.place!(0, 0);
  return { width: root.w, height: root.h, nodes: nodeRects, groups: groupRects };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Layers, orders and places sibling items; returns one item that places them all. */
function arrange(items: Item[], edges: Array<[string, string]>, direction: Direction, spacing: Spacing): Item {
  const index = new Map(items.map((it, i) => [it.id, i]));
  const n = items.length;
  const succ: number[][] = items.map(() => []);
  const pred: number[][] = items.map(() => []);
  const pairs = new Set<string>();
  for (const [a, b] of edges) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined || i === j || pairs.has(`${i},${j}`)) continue;
    pairs.add(`${i},${j}`);
    succ[i]!.push(j);
    pred[j]!.push(i);
  }
  const layer = assignLayers(n, succ);
  const layerCount = n === 0 ? 0 : Math.max(...layer) + 1;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (let i = 0; i < n; i++) layers[layer[i]!]!.push(i);

  // Barycenter ordering: a few sweeps down then up, ties keep the current (model) order.
  const pos = new Float64Array(n);
  const setPos = (): void => {
    for (const l of layers) l.forEach((v, k) => { pos[v] = l.length === 1 ? 0.5 : k / (l.length - 1); });
  };
  setPos();
  for (let s = 0; s < SWEEPS; s++) {
    const down = s % 2 === 0;
    const order = down ? layers : [...layers].reverse();
    for (const l of order) {
      const bary = new Map<number, number>();
      for (const v of l) {
        const nb = down ? pred[v]! : succ[v]!;
        bary.set(v, nb.length === 0 ? pos[v]! : nb.reduce((sum, u) => sum + pos[u]!, 0) / nb.length);
      }
      const current = new Map(l.map((v, k) => [v, k]));
      l.sort((a, b) => bary.get(a)! - bary.get(b)! || current.get(a)! - current.get(b)!);
      l.forEach((v, k) => { pos[v] = l.length === 1 ? 0.5 : k / (l.length - 1); });
    }
  }

  // Placement: layers along the main axis, each layer centred across.
  const td = direction === 'TD';
  const main = (it: Item): number => (td ? it.h : it.w);
  const cross = (it: Item): number => (td ? it.w : it.h);
  const layerMain = layers.map((l) => Math.max(0, ...l.map((v) => main(items[v]!))));
  const layerCross = layers.map((l) => l.reduce((s, v) => s + cross(items[v]!), 0) + spacing.sibling * Math.max(0, l.length - 1));
  const totalCross = Math.max(0, ...layerCross);
  const totalMain = layerMain.reduce((s, m) => s + m, 0) + spacing.layer * Math.max(0, layerCount - 1);
  const offsets: Array<[number, number]> = new Array(n);
  let m = 0;
  layers.forEach((l, li) => {
    let c = Math.floor((totalCross - layerCross[li]!) / 2);
    for (const v of l) {
      const it = items[v]!;
      const mOff = m + Math.floor((layerMain[li]! - main(it)) / 2);
      offsets[v] = td ? [c, mOff] : [mOff, c];
      c += cross(it) + spacing.sibling;
    }
    m += layerMain[li]! + spacing.layer;
  });
  return {
    id: '',
    isGroup: true,
    w: td ? totalCross : totalMain,
    h: td ? totalMain : totalCross,
    place: (ox, oy) => items.forEach((it, i) => it.place!(ox + offsets[i]![0], oy + offsets[i]![1])),
  };
}

/** Longest-path layering over the flows with cycles broken by a depth-first search in model order. */
function assignLayers(n: number, succ: number[][]): number[] {
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const forward: number[][] = succ.map(() => []);
  const topo: number[] = [];
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    // Iterative DFS so that deep chains cannot overflow the stack.
    const stack: Array<[number, number]> = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, k] = top;
      if (k < succ[v]!.length) {
        top[1]++;
        const w = succ[v]![k]!;
        if (state[w] === 1) continue; // back edge: ignored for layering
        forward[v]!.push(w);
        if (state[w] === 0) {
          state[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        state[v] = 2;
        topo.push(v);
        stack.pop();
      }
    }
  }
  topo.reverse();
  const layer = new Array<number>(n).fill(0);
  for (const v of topo) for (const w of forward[v]!) layer[w] = Math.max(layer[w]!, layer[v]! + 1);
  return layer;
}
