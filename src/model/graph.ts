// Indexes over the normalised model, built once in O(elements + flows + boundaries), so that analysis
// never scans the whole model from inside a loop over it.
import { type TrustLevel, trustRank } from './catalog.js';
import type { Asset, Boundary, Element, Endpoint, Flow, Model } from './types.js';

export interface ModelGraph {
  readonly model: Model;
  readonly elements: ReadonlyMap<string, Element>;
  readonly flows: ReadonlyMap<string, Flow>;
  readonly boundaries: ReadonlyMap<string, Boundary>;
  readonly assets: ReadonlyMap<string, Asset>;
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  outFlows(elementId: string): readonly Flow[];
  inFlows(elementId: string): readonly Flow[];
  /** The element's boundaries, innermost first. */
  boundaryChain(elementId: string): readonly Boundary[];
  /** A boundary and its ancestors, innermost first. */
  boundaryAncestry(boundaryId: string): readonly Boundary[];
  trustOf(elementId: string): TrustLevel;
  trustRankOf(elementId: string): number;
  /**
   * For a pass over `model.flows` without looking ids up: each flow's source and target as positions in
   * `model.elements` (-1 when unknown), and facts by position.
   */
  readonly flowSource: Int32Array;
  readonly flowTarget: Int32Array;
  positionOf(elementId: string): number;
  boundaryChainAt(position: number): readonly Boundary[];
  trustRankAt(position: number): number;
  trustAt(position: number): TrustLevel;
}

const NONE: readonly never[] = Object.freeze([]);
const INTERNAL_RANK = trustRank('internal');

/** Where an element sits: its boundaries (innermost first) and the trust that gives it. */
interface Placement {
  chain: readonly Boundary[];
  trust: TrustLevel;
  rank: number;
}

/** Elements outside every boundary: people and third parties are on the internet, our own parts are internal. */
export function defaultTrust(element: Element): TrustLevel {
  return element.kind === 'external' ? 'untrusted' : 'internal';
}

export function buildGraph(model: Model): ModelGraph {
  const byId = <T extends { id: string }>(items: readonly T[]) => {
    const m = new Map<string, T>();
    for (const i of items) m.set(i.id, i);
    return m;
  };
  const elements = byId(model.elements);
  const flows = byId(model.flows);
  const boundaries = byId(model.boundaries);
  const assets = byId(model.assets);
  const endpoints = new Map<string, Endpoint>();
  for (const e of model.elements) for (const ep of e.endpoints) endpoints.set(ep.id, ep);

  const out = new Map<string, Flow[]>();
  const inn = new Map<string, Flow[]>();
  const push = (m: Map<string, Flow[]>, k: string, f: Flow) => {
    const list = m.get(k);
    if (list) list.push(f);
    else m.set(k, [f]);
  };
  for (const f of model.flows) {
    push(out, f.from, f);
    push(inn, f.to, f);
  }

  const ancestry = new Map<string, Boundary[]>();
  const boundaryAncestry = (id: string): Boundary[] => {
    const cached = ancestry.get(id);
    if (cached) return cached;
    const chain: Boundary[] = [];
    const seen = new Set<string>();
    for (let b = boundaries.get(id); b && !seen.has(b.id); b = b.parent ? boundaries.get(b.parent) : undefined) {
      seen.add(b.id);
      chain.push(b);
    }
    ancestry.set(id, chain);
    return chain;
  };

  // Asked for every element and flow by many rules: computed once per element, one lookup per question.
  const placed = new Map<string, Placement>();
  for (const e of elements.values()) {
    const chain = e.boundary ? boundaryAncestry(e.boundary) : NONE;
    const trust = chain.length > 0 ? chain[0].trust : defaultTrust(e);
    placed.set(e.id, { chain, trust, rank: trustRank(trust) });
  }
  const position = new Map<string, number>();
  const byPosition: Placement[] = [];
  model.elements.forEach((e, i) => {
    position.set(e.id, i);
    byPosition.push(placed.get(e.id)!);
  });
  const flowSource = new Int32Array(model.flows.length);
  const flowTarget = new Int32Array(model.flows.length);
  model.flows.forEach((f, k) => {
    flowSource[k] = position.get(f.from) ?? -1;
    flowTarget[k] = position.get(f.to) ?? -1;
  });

  // Rules ask about one element many times in a row (the engine runs every rule on an element before the
  // next): the last answer is kept, and a repeated id, usually the same string, skips the hash lookup.
  let lastId = '';
  let lastPosition = -1;
  const positionOf = (id: string): number => {
    if (id !== lastId) {
      lastId = id;
      lastPosition = position.get(id) ?? -1;
    }
    return lastPosition;
  };

  return {
    model,
    elements,
    flows,
    boundaries,
    assets,
    endpoints,
    outFlows: (id) => out.get(id) ?? NONE,
    inFlows: (id) => inn.get(id) ?? NONE,
    boundaryChain: (id) => placed.get(id)?.chain ?? NONE,
    boundaryAncestry,
    trustOf: (id) => placed.get(id)?.trust ?? 'internal',
    trustRankOf: (id) => placed.get(id)?.rank ?? INTERNAL_RANK,
    flowSource,
    flowTarget,
    positionOf,
    boundaryChainAt: (i) => (i < 0 ? NONE : byPosition[i].chain),
    trustRankAt: (i) => (i < 0 ? INTERNAL_RANK : byPosition[i].rank),
    trustAt: (i) => (i < 0 ? 'internal' : byPosition[i].trust),
  };
}
