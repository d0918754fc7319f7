// Facts derived once from the model graph that rules ask about: who is reachable from untrusted zones,
// which controls stand on every untrusted path, which assets an element touches, how flows cross boundaries.
import type { Level } from '../model/catalog.js';
import type { ModelGraph } from '../model/graph.js';
import type { Asset, Element, Endpoint, Flow, ModelPath } from '../model/types.js';
import type { Crossing } from './types.js';

/**
 * Controls that protect what sits behind them: a WAF or rate limiter at the edge covers the services it
 * fronts when every untrusted path passes through it. Other controls only count where they are declared.
 */
export const PERIMETER_CONTROLS = ['rate-limiting', 'waf', 'ddos-protection', 'ip-allowlist', 'vpn', 'size-limits'] as const;

export type Exposure = 'internet' | 'indirect' | 'internal';

export interface AnalysisContext {
  readonly graph: ModelGraph;
  /** `internet`: receives flows straight from an untrusted zone (or is marked exposed); `indirect`: reachable through other elements. */
  exposure(elementId: string): Exposure;
  /** Perimeter controls present on every untrusted path into the element (its own included). */
  perimeterControls(elementId: string): ReadonlySet<string>;
  /** Whether a control is in place for an element (own, boundary, or perimeter). */
  elementHas(element: Element, control: string): boolean;
  /** Whether a control is in place for an endpoint (own, its element's, boundary, or perimeter). */
  endpointHas(endpoint: Endpoint, control: string): boolean;
  /** Where a control that is in place was declared, for evidence. */
  controlSource(element: Element, control: string, endpoint?: Endpoint): ModelPath | undefined;
  crossing(flowId: string): Crossing | undefined;
  /** Assets the element handles, stores, or exchanges over its flows and endpoints. */
  assetsOf(elementId: string): readonly Asset[];
  assetsOfFlow(flow: Flow): readonly Asset[];
  isUntrustedSource(elementId: string): boolean;
}

const PERIMETER_BITS = new Map<string, number>(PERIMETER_CONTROLS.map((c, i) => [c, 1 << i]));
const ALL_PERIMETER = (1 << PERIMETER_CONTROLS.length) - 1;
const perimeterBit = (control: string): number => PERIMETER_BITS.get(control) ?? 0;
const perimeterMask = (controls: readonly string[]): number => {
  let m = 0;
  for (const c of controls) m |= perimeterBit(c);
  return m;
};

const PASS_THROUGH_TYPES = new Set(['cdn', 'load-balancer', 'reverse-proxy', 'gateway']);

/** Edge components forward requests; they run none of the application's own code. */
export const isPassThrough = (e: Element | undefined): boolean => e !== undefined && PASS_THROUGH_TYPES.has(e.type ?? '');

const LEVEL_RANK: Record<Level, number> = { low: 0, medium: 1, high: 2 };
export const maxLevel = (levels: Iterable<Level>): Level | undefined => {
  let best: Level | undefined;
  for (const l of levels) if (best === undefined || LEVEL_RANK[l] > LEVEL_RANK[best]) best = l;
  return best;
};

export function buildContext(graph: ModelGraph, crossings: readonly Crossing[]): AnalysisContext {
  const { model } = graph;
  const crossingByFlow = new Map(crossings.map((c) => [c.flow, c]));
  const isUntrustedSource = (id: string) => graph.trustRankOf(id) === 0 || graph.elements.get(id)?.exposed === true;

  // Exposure by breadth-first search from every untrusted element: O(elements + flows). Requests pass
  // through edge components (CDN, load balancer, proxy, gateway) unchanged, so what they forward to is
  // still reachable from the internet; behind application code it is reachable only indirectly.
  const exposure = new Map<string, Exposure>();
  const internetQueue: string[] = [];
  for (const e of model.elements) {
    if (graph.trustRankOf(e.id) === 0 && !e.exposed) continue;
    if (e.exposed || graph.inFlows(e.id).some((f) => f.from !== e.id && graph.trustRankOf(f.from) === 0)) {
      exposure.set(e.id, 'internet');
      internetQueue.push(e.id);
    }
  }
  for (let i = 0; i < internetQueue.length; i++) {
    if (!isPassThrough(graph.elements.get(internetQueue[i]))) continue;
    for (const f of graph.outFlows(internetQueue[i])) {
      if (exposure.has(f.to) || graph.trustRankOf(f.to) === 0) continue;
      exposure.set(f.to, 'internet');
      internetQueue.push(f.to);
    }
  }
  const queue = [...internetQueue];
  for (let i = 0; i < queue.length; i++) {
    for (const f of graph.outFlows(queue[i])) {
      if (!exposure.has(f.to) && graph.trustRankOf(f.to) > 0) {
        exposure.set(f.to, 'indirect');
        queue.push(f.to);
      }
    }
  }

  // Perimeter controls guaranteed on every untrusted path: a greatest fixed point of
  // guaranteed(e) = own(e) ∪ ⋂ over untrusted-reachable inbound flows (guaranteed(source) ∪ flow controls).
  // The six perimeter controls are bits of one number, so the iteration allocates nothing.
  const ownMasks = new Map<string, number>();
  const ownMask = (e: Element): number => {
    let m = ownMasks.get(e.id);
    if (m === undefined) {
      m = perimeterMask(e.controls);
      for (const b of graph.boundaryChain(e.id)) m |= perimeterMask(b.controls);
      ownMasks.set(e.id, m);
    }
    return m;
  };
  const perimeter = new Map<string, number>();
  const reachable = (id: string) => isUntrustedSource(id) || exposure.has(id);
  const pending: string[] = [];
  const queued = new Set<string>();
  for (const e of model.elements) {
    if (!exposure.has(e.id)) continue;
    pending.push(e.id);
    queued.add(e.id);
  }
  const recompute = (e: Element): number => {
    let meet = -1; // no inbound path counted yet
    for (const f of graph.inFlows(e.id)) {
      if (!reachable(f.from) || f.from === e.id) continue;
      let upstream: number | undefined;
      if (isUntrustedSource(f.from) && !exposure.has(f.from)) {
        const src = graph.elements.get(f.from);
        upstream = src ? ownMask(src) : 0;
      } else upstream = perimeter.get(f.from);
      if (upstream === undefined) continue; // not computed yet: optimistic (top), refined on a later pass
      const viaFlow = upstream | perimeterMask(f.controls);
      meet = meet === -1 ? viaFlow : meet & viaFlow;
    }
    return ownMask(e) | (meet === -1 ? 0 : meet);
  };
  // Start every reachable element at the top (all perimeter controls) so that each recomputation can only
  // shrink a set: the iteration then reaches the greatest fixed point and terminates, cycles included.
  // (Starting from the element's own controls made sets grow and shrink in turn around a cycle, forever.)
  for (const id of pending) perimeter.set(id, ALL_PERIMETER);
  // Each set only shrinks, so every element is revisited at most once per perimeter control.
  for (let head = 0; head < pending.length; head++) {
    const id = pending[head];
    queued.delete(id);
    const e = graph.elements.get(id);
    if (!e) continue;
    const next = recompute(e);
    if (perimeter.get(id) === next) continue;
    perimeter.set(id, next);
    for (const f of graph.outFlows(id)) {
      if (exposure.has(f.to) && !queued.has(f.to)) {
        queued.add(f.to);
        pending.push(f.to);
      }
    }
  }
  const hasPerimeter = (id: string, control: string) => ((perimeter.get(id) ?? 0) & perimeterBit(control)) !== 0;
  const perimeterSets = new Map<string, ReadonlySet<string>>();

  const elementHas = (e: Element, control: string) =>
    e.controls.includes(control) ||
    graph.boundaryChain(e.id).some((b) => b.controls.includes(control)) ||
    hasPerimeter(e.id, control);

  const controlSource = (e: Element, control: string, ep?: Endpoint): ModelPath | undefined => {
    if (ep?.controls.includes(control)) return [...ep.at, 'controls'];
    if (e.controls.includes(control)) return [...e.at, 'controls'];
    const b = graph.boundaryChain(e.id).find((x) => x.controls.includes(control));
    if (b) return [...b.at, 'controls'];
    // A perimeter control: point at the nearest upstream element that declares it.
    const seen = new Set<string>([e.id]);
    const queue2 = [e.id];
    for (let i = 0; i < queue2.length && i < 10_000; i++) {
      for (const f of graph.inFlows(queue2[i])) {
        if (seen.has(f.from)) continue;
        seen.add(f.from);
        if (f.controls.includes(control)) return [...f.at, 'controls'];
        const src = graph.elements.get(f.from);
        if (src?.controls.includes(control)) return [...src.at, 'controls'];
        queue2.push(f.from);
      }
    }
    return undefined;
  };

  const assetCache = new Map<string, Asset[]>();
  const assetsOf = (id: string): Asset[] => {
    const cached = assetCache.get(id);
    if (cached) return cached;
    const e = graph.elements.get(id);
    const ids = new Set<string>();
    if (e) {
      for (const a of [...e.handles, ...e.stores]) ids.add(a);
      for (const ep of e.endpoints) for (const a of [...ep.accepts, ...ep.returns]) ids.add(a);
    }
    for (const f of graph.inFlows(id)) for (const a of f.data) ids.add(a);
    for (const f of graph.outFlows(id)) for (const a of f.data) ids.add(a);
    const list = [...ids].sort().map((a) => graph.assets.get(a)).filter((a): a is Asset => a !== undefined);
    assetCache.set(id, list);
    return list;
  };

  return {
    graph,
    exposure: (id) => exposure.get(id) ?? 'internal',
    perimeterControls: (id) => {
      let set = perimeterSets.get(id);
      if (set === undefined) {
        const mask = perimeter.get(id) ?? 0;
        set = new Set(PERIMETER_CONTROLS.filter((c) => (mask & perimeterBit(c)) !== 0));
        perimeterSets.set(id, set);
      }
      return set;
    },
    elementHas,
    endpointHas: (ep, control) => {
      if (ep.controls.includes(control)) return true;
      const e = graph.elements.get(ep.element);
      if (!e) return false;
      if (e.controls.includes(control) || graph.boundaryChain(e.id).some((b) => b.controls.includes(control))) return true;
      if (!(PERIMETER_CONTROLS as readonly string[]).includes(control)) return false;
      // Only the flows that can reach this endpoint count: a partner calling its webhook directly does
      // not bypass the rate limiter in front of the public pages.
      const reaching = graph.inFlows(e.id).filter((f) =>
        f.from !== e.id && reachable(f.from) &&
        (f.endpoint === undefined || f.endpoint === ep.id) && (!ep.callers || ep.callers.includes(f.from)));
      if (reaching.length === 0) return hasPerimeter(e.id, control);
      return reaching.every((f) => {
        if (f.controls.includes(control)) return true;
        const src = graph.elements.get(f.from);
        if (isUntrustedSource(f.from) && !exposure.has(f.from)) return src ? (ownMask(src) & perimeterBit(control)) !== 0 : false;
        return hasPerimeter(f.from, control);
      });
    },
    controlSource,
    crossing: (id) => crossingByFlow.get(id),
    assetsOf,
    assetsOfFlow: (flow) => flow.data.map((a) => graph.assets.get(a)).filter((a): a is Asset => a !== undefined),
    isUntrustedSource,
  };
}
