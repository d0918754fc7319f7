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

/** Elements outside every boundary: people and third parties are on the internet, our own parts are internal. */
export function defaultTrust(element: Element): TrustLevel {
  return element.kind === 'external' ? 'untrusted' : 'internal';
}

/** Each element's position by id (the last one wins if ids repeat), and each flow's ends as positions. */
export interface ModelPositions {
  readonly position: ReadonlyMap<string, number>;
  readonly flowSource: Int32Array;
  readonly flowTarget: Int32Array;
}

// Loading (sanity warnings) and analysis (the graph) both need the positions: a model keeps its own once built.
interface Built extends ModelPositions {
  readonly elements: readonly Element[];
  readonly elementCount: number;
  readonly flows: readonly Flow[];
}
const positionsByModel = new WeakMap<Model, Built>();

export function modelPositions(model: Model): ModelPositions {
  const { elements, flows } = model;
  const known = positionsByModel.get(model);
  // A model is not meant to change, but one that did gets fresh positions rather than stale ones.
  if (known !== undefined && known.elements === elements && known.elementCount === elements.length
    && known.flows === flows && known.flowSource.length === flows.length) return known;
  const position = new Map<string, number>();
  for (let i = 0; i < elements.length; i++) position.set(elements[i].id, i);
  const flowSource = new Int32Array(flows.length);
  const flowTarget = new Int32Array(flows.length);
  for (let k = 0; k < flows.length; k++) {
    flowSource[k] = position.get(flows[k].from) ?? -1;
    flowTarget[k] = position.get(flows[k].to) ?? -1;
  }
  const built = { position, flowSource, flowTarget, elements, elementCount: elements.length, flows };
  positionsByModel.set(model, built);
  return built;
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (let i = 0; i < items.length; i++) m.set(items[i].id, items[i]);
  return m;
}

/**
 * Each position's flows in one exactly sized array (model order), elements without any sharing one empty
 * array: lists grown by pushes reserve room for 17 entries, and most elements have two or three flows.
 */
function flowsByPosition(flows: readonly Flow[], ends: Int32Array, n: number): Array<readonly Flow[]> {
  const count = new Int32Array(n);
  for (let k = 0; k < ends.length; k++) if (ends[k] >= 0) count[ends[k]]++;
  const lists = new Array<readonly Flow[]>(n);
  for (let i = 0; i < n; i++) lists[i] = count[i] === 0 ? NONE : new Array<Flow>(count[i]);
  count.fill(0);
  for (let k = 0; k < ends.length; k++) {
    const i = ends[k];
    if (i >= 0) (lists[i] as Flow[])[count[i]++] = flows[k];
  }
  return lists;
}

/** Flows whose end names no element (a model built in code), by that name: kept so that lookups still find them. */
function strayFlows(flows: readonly Flow[], ends: Int32Array, end: 'from' | 'to'): Map<string, Flow[]> | undefined {
  let stray: Map<string, Flow[]> | undefined;
  for (let k = 0; k < ends.length; k++) {
    if (ends[k] >= 0) continue;
    stray ??= new Map();
    const id = flows[k][end];
    const list = stray.get(id);
    if (list) list.push(flows[k]);
    else stray.set(id, [flows[k]]);
  }
  return stray;
}

export function buildGraph(model: Model): ModelGraph {
  const nodes = model.elements;
  const n = nodes.length;
  const elements = byId(nodes);
  const boundaries = byId(model.boundaries);
  const assets = byId(model.assets);
  const flows = byId(model.flows);
  const endpoints = new Map<string, Endpoint>();
  for (let i = 0; i < n; i++) {
    const eps = nodes[i].endpoints;
    for (let j = 0; j < eps.length; j++) endpoints.set(eps[j].id, eps[j]);
  }

  const { position, flowSource, flowTarget } = modelPositions(model);
  const outAt = flowsByPosition(model.flows, flowSource, n);
  const inAt = flowsByPosition(model.flows, flowTarget, n);
  const strayOut = strayFlows(model.flows, flowSource, 'from');
  const strayIn = strayFlows(model.flows, flowTarget, 'to');

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

  // Where each element sits, by position: asked for every element and flow by many rules.
  const chainAt = new Array<readonly Boundary[]>(n);
  const trustAt = new Array<TrustLevel>(n);
  const rankAt = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const e = nodes[i];
    const chain = e.boundary ? boundaryAncestry(e.boundary) : NONE;
    const trust = chain.length > 0 ? chain[0].trust : defaultTrust(e);
    chainAt[i] = chain;
    trustAt[i] = trust;
    rankAt[i] = trustRank(trust);
  }

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
    outFlows: (id) => {
      const i = positionOf(id);
      return i >= 0 ? outAt[i] : (strayOut?.get(id) ?? NONE);
    },
    inFlows: (id) => {
      const i = positionOf(id);
      return i >= 0 ? inAt[i] : (strayIn?.get(id) ?? NONE);
    },
    boundaryChain: (id) => {
      const i = positionOf(id);
      return i < 0 ? NONE : chainAt[i];
    },
    boundaryAncestry,
    trustOf: (id) => {
      const i = positionOf(id);
      return i < 0 ? 'internal' : trustAt[i];
    },
    trustRankOf: (id) => {
      const i = positionOf(id);
      return i < 0 ? INTERNAL_RANK : rankAt[i];
    },
    flowSource,
    flowTarget,
    positionOf,
    boundaryChainAt: (i) => (i < 0 ? NONE : chainAt[i]),
    trustRankAt: (i) => (i < 0 ? INTERNAL_RANK : rankAt[i]),
    trustAt: (i) => (i < 0 ? 'internal' : trustAt[i]),
  };
}
