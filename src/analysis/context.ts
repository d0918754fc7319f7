// Facts derived once from the model graph that rules ask about: who is reachable from untrusted zones,
// which controls stand on every untrusted path, which assets an element touches, how flows cross boundaries.
import { CONTROLS, type Level } from '../model/catalog.js';
import type { ModelGraph } from '../model/graph.js';
import { forwardsRequests, personOrApp } from '../model/normalize.js';
import type { Asset, Boundary, Element, Endpoint, Flow, ModelPath } from '../model/types.js';
import type { Crossing } from './types.js';

/**
 * Controls that protect what sits behind them: a WAF or rate limiter at the edge covers the services it
 * fronts when every untrusted path passes through it. Other controls only count where they are declared.
 */
export const PERIMETER_CONTROLS = ['rate-limiting', 'waf', 'ddos-protection', 'ip-allowlist', 'vpn', 'size-limits'] as const;

export type Exposure = 'internet' | 'indirect' | 'internal';

/**
 * What makes an endpoint's `callers` hold, which otherwise only say who is meant to call it (README,
 * endpoints): a role check (`authorization` on the endpoint, its element or a boundary around it), an
 * `ip-allowlist` on the route itself (one on the element admits the callers of all its routes), or `mtls`,
 * each caller's own certificate admitted by name.
 */
export type CallerCheck = 'authorization' | 'ip-allowlist' | 'mtls';

export interface AnalysisContext {
  readonly graph: ModelGraph;
  /** `internet`: receives flows straight from an untrusted zone (or is marked exposed); `indirect`: reachable through other elements. */
  exposure(elementId: string): Exposure;
  /** `exposure` of the element at a position in `model.elements`, for a caller that holds it: no lookup by id. */
  exposureAt(position: number): Exposure;
  /** Perimeter controls present on every untrusted path into the element (its own included). */
  perimeterControls(elementId: string): ReadonlySet<string>;
  /** Whether a control is in place for an element (own, boundary, or perimeter). */
  elementHas(element: Element, control: string): boolean;
  /** Whether a control is in place for an endpoint (own, its element's, boundary, or perimeter). */
  endpointHas(endpoint: Endpoint, control: string): boolean;
  /** Where a control that is in place was declared, for evidence. */
  controlSource(element: Element, control: string, endpoint?: Endpoint): ModelPath | undefined;
  crossing(flowId: string): Crossing | undefined;
  /** Assets the element handles, stores, or exchanges over its flows and endpoints (shared: read only). */
  assetsOf(elementId: string): readonly Asset[];
  /** The assets a flow carries, in its order (shared: read only). */
  assetsOfFlow(flow: Flow): readonly Asset[];
  isUntrustedSource(elementId: string): boolean;
  /** `isUntrustedSource` of the element at a position in `model.elements` (see `exposureAt`). */
  untrustedSourceAt(position: number): boolean;
  /**
   * Who can reach an endpoint: its `callers` when something enforces them (`callerCheck`), else whoever reaches
   * the element through the flows that can land on the endpoint, and the callers it names.
   */
  endpointExposure(endpoint: Endpoint, element: Element): Exposure;
  /** What enforces an endpoint's `callers` (when it names them), or undefined: then they state intent only. */
  callerCheck(endpoint: Endpoint): CallerCheck | undefined;
  /** Flows into and out of every element, by position: for facts computed in one pass over the graph. */
  readonly adjacency: Adjacency;
  /** Facts the rule families derive by name (rules/facts.ts), kept with the context so that they die with it. */
  readonly memo: Map<string, unknown>;
  /** Facts about the whole model by the slot `perModel` (rules/family-shared.ts) gave them: an array read per question. */
  readonly facts: unknown[];
}

/**
 * The flows with a known source and target, as compressed rows by element position (`model.elements`):
 * the flows into element i are `inFlow[inStart[i]]` up to `inFlow[inStart[i + 1]]`, as positions in
 * `model.flows` in model order (`graph.flowSource`/`flowTarget` give their ends). Read only.
 */
export interface Adjacency {
  readonly inStart: Int32Array;
  readonly inFlow: Int32Array;
  readonly outStart: Int32Array;
  readonly outFlow: Int32Array;
}

const PERIMETER_BITS = new Map<string, number>(PERIMETER_CONTROLS.map((c, i) => [c, 1 << i]));
const ALL_PERIMETER = (1 << PERIMETER_CONTROLS.length) - 1;
const perimeterBit = (control: string): number => PERIMETER_BITS.get(control) ?? 0;
const perimeterMask = (controls: readonly string[]): number => {
  let m = 0;
  for (let i = 0; i < controls.length; i++) m |= perimeterBit(controls[i]);
  return m;
};

/** Built-in controls as bit positions: what an element declares, itself and through its boundaries, is two words. */
const CONTROL_INDEX = new Map<string, number>(Object.keys(CONTROLS).map((c, i) => [c, i]));
const CONTROL_WORDS = Math.ceil(CONTROL_INDEX.size / 32);
/** Sets the bits of the built-in controls in `controls` in the words from `at` (custom controls have no bit). */
const mark = (words: Uint32Array, at: number, controls: readonly string[]) => {
  for (let i = 0; i < controls.length; i++) {
    const c = CONTROL_INDEX.get(controls[i]);
    if (c !== undefined) words[at + (c >>> 5)] |= 1 << (c & 31);
  }
};

const PASS_THROUGH_TYPES = new Set(['cdn', 'load-balancer', 'reverse-proxy', 'gateway']);

/** Protocols that manage a platform rather than carry requests to the application. */
const CONTROL_PLANE_PROTOCOLS: ReadonlySet<string> = new Set(['cloud-api']);

/** Edge components forward requests; they run none of the application's own code. */
export const isPassThrough = (e: Element | undefined): boolean => e !== undefined && PASS_THROUGH_TYPES.has(e.type ?? '');

/**
 * A call from its code host into a pipeline (type `ci-cd`, or a tech of that type) that publishes no route: the
 * pipeline fetches its jobs (runners poll GitHub or GitLab, a GitOps deployer pulls), so the flow drawn from the
 * code host is the trigger, not a request to an address we publish, and puts nothing of the pipeline on the
 * internet. The caller is a system: a person, their browser, app or device, an edge forwarding theirs, or an
 * outside element of no type (it may be people) reaches the pipeline's own interface.
 */
export const isPipelineTrigger = (flow: Flow, from: Element, to: Element): boolean =>
  to.type === 'ci-cd' && to.endpoints.length === 0 && flow.endpoint === undefined && from.kind !== 'store' &&
  !personOrApp(from) && !forwardsRequests(from.type) && !(from.kind === 'external' && from.type === undefined);

const LEVEL_RANK: Record<Level, number> = { low: 0, medium: 1, high: 2 };
export const maxLevel = (levels: Iterable<Level>): Level | undefined => {
  let best: Level | undefined;
  for (const l of levels) if (best === undefined || LEVEL_RANK[l] > LEVEL_RANK[best]) best = l;
  return best;
};

const EXPOSURE_LEVELS: readonly Exposure[] = ['internal', 'indirect', 'internet'];
const INDIRECT = 1;
const INTERNET = 2;

export function buildContext(graph: ModelGraph, crossings: readonly Crossing[]): AnalysisContext {
  const { model } = graph;
  const crossingByFlow = new Map<string, Crossing>();
  for (let i = 0; i < crossings.length; i++) crossingByFlow.set(crossings[i].flow, crossings[i]);

  // Per-element facts live in typed arrays by the element's position, and flows become pairs of positions
  // (adjacency in compressed rows): the searches below then run on integers and allocate almost nothing.
  const nodes = model.elements;
  const n = nodes.length;
  const indexOf = (id: string): number | undefined => {
    const i = graph.positionOf(id);
    return i < 0 ? undefined : i;
  };
  const untrusted = new Uint8Array(n);
  const zoneUntrusted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    zoneUntrusted[i] = graph.trustRankAt(i) === 0 ? 1 : 0;
    untrusted[i] = zoneUntrusted[i] === 1 || nodes[i].exposed === true ? 1 : 0;
  }
  const flows = model.flows;
  const m = flows.length;
  const src = graph.flowSource;
  const dst = graph.flowTarget;
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) {
    if (src[k] >= 0 && dst[k] >= 0) {
      outStart[src[k] + 1]++;
      inStart[dst[k] + 1]++;
    }
  }
  for (let i = 0; i < n; i++) {
    outStart[i + 1] += outStart[i];
    inStart[i + 1] += inStart[i];
  }
  const outFlow = new Int32Array(outStart[n]);
  const inFlow = new Int32Array(inStart[n]);
  {
    const outFill = outStart.slice(0, n);
    const inFill = inStart.slice(0, n);
    for (let k = 0; k < m; k++) {
      if (src[k] < 0 || dst[k] < 0) continue;
      outFlow[outFill[src[k]]++] = k;
      inFlow[inFill[dst[k]]++] = k;
    }
  }

  // Exposure by breadth-first search from every untrusted element: O(elements + flows). Requests pass
  // through edge components (CDN, load balancer, proxy, gateway) unchanged, so what they forward to is
  // still reachable from the internet; behind application code it is reachable only indirectly.
  const level = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  // Element ids are unique (they are the keys of the model's `elements`), so a position is an index.
  for (let i = 0; i < n; i++) {
    const e = nodes[i];
    if (zoneUntrusted[i] === 1 && !e.exposed) continue;
    let direct = e.exposed === true;
    for (let j = inStart[i]; !direct && j < inStart[i + 1]; j++) {
      const s = src[inFlow[j]];
      direct = s !== i && zoneUntrusted[s] === 1 && !isPipelineTrigger(flows[inFlow[j]], nodes[s], e);
    }
    if (direct && level[i] === 0) {
      level[i] = INTERNET;
      queue[tail++] = i;
    }
  }
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    if (!isPassThrough(nodes[i])) continue;
    for (let j = outStart[i]; j < outStart[i + 1]; j++) {
      const t = dst[outFlow[j]];
      if (level[t] !== 0 || zoneUntrusted[t] === 1) continue;
      level[t] = INTERNET;
      queue[tail++] = t;
    }
  }
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    for (let j = outStart[i]; j < outStart[i + 1]; j++) {
      const t = dst[outFlow[j]];
      if (level[t] === 0 && zoneUntrusted[t] === 0) {
        level[t] = INDIRECT;
        queue[tail++] = t;
      }
    }
  }

  // What each element declares, itself and through its boundaries: its perimeter controls as one number
  // and the built-in controls as bits, so that a question is a bit test instead of a walk through lists.
  // Elements in one boundary share its chain, whose controls are read once.
  const ownMask = new Uint8Array(n);
  const declared = new Uint32Array(n * CONTROL_WORDS);
  const chainMasks = new Map<readonly Boundary[], Uint32Array>();
  for (let i = 0; i < n; i++) {
    const controls = nodes[i].controls;
    const chain = graph.boundaryChainAt(i);
    let masks = chain.length === 0 ? undefined : chainMasks.get(chain);
    if (masks === undefined && chain.length > 0) {
      masks = new Uint32Array(CONTROL_WORDS + 1);
      for (let b = 0; b < chain.length; b++) {
        masks[CONTROL_WORDS] |= perimeterMask(chain[b].controls);
        mark(masks, 0, chain[b].controls);
      }
      chainMasks.set(chain, masks);
    }
    ownMask[i] = perimeterMask(controls) | (masks === undefined ? 0 : masks[CONTROL_WORDS]);
    mark(declared, i * CONTROL_WORDS, controls);
    if (masks !== undefined) for (let w = 0; w < CONTROL_WORDS; w++) declared[i * CONTROL_WORDS + w] |= masks[w];
  }
  // Perimeter controls guaranteed on every untrusted path: a greatest fixed point of
  // guaranteed(e) = own(e) ∪ ⋂ over untrusted-reachable inbound flows (guaranteed(source) ∪ flow controls).
  // The six perimeter controls are bits of one number, so the iteration allocates nothing.
  const flowMask = new Uint8Array(m);
  for (let k = 0; k < m; k++) flowMask[k] = perimeterMask(flows[k].controls);
  // A pipeline's control-plane call (a `ci-cd` element over `cloud-api`) deploys code: it is no path for
  // requests, so it neither goes around the WAF and rate limits of the edge in front nor brings its own.
  const deploys = new Uint8Array(m);
  for (let k = 0; k < m; k++) deploys[k] = src[k] >= 0 && nodes[src[k]].type === 'ci-cd' && CONTROL_PLANE_PROTOCOLS.has(flows[k].protocol) ? 1 : 0;
  // An untrusted source that nothing reaches contributes its own controls; a reachable one, its fixed point.
  const entry = (s: number): boolean => untrusted[s] === 1 && level[s] === 0;
  const reachableAt = (i: number): boolean => untrusted[i] === 1 || level[i] !== 0;
  // Start every reachable element at the top (all perimeter controls) so that each recomputation can only
  // shrink a set: the iteration then reaches the greatest fixed point and terminates, cycles included, in
  // any order. (Starting from the element's own controls made sets grow and shrink in turn around a cycle.)
  const perimeter = new Uint8Array(n);
  const queued = new Uint8Array(n);
  const pending: number[] = [];
  for (let i = 0; i < n; i++) {
    if (level[i] === 0) continue;
    perimeter[i] = ALL_PERIMETER;
    queued[i] = 1;
    pending.push(i);
  }
  const recompute = (i: number): number => {
    // A public address of its own is a path into it with nothing in front.
    if (nodes[i].exposed === true) return ownMask[i];
    let meet = -1; // no inbound path counted yet
    for (let j = inStart[i]; j < inStart[i + 1]; j++) {
      const k = inFlow[j];
      const s = src[k];
      if (s === i || deploys[k] === 1 || !reachableAt(s)) continue;
      const viaFlow = (entry(s) ? ownMask[s] : perimeter[s]) | flowMask[k];
      meet = meet === -1 ? viaFlow : meet & viaFlow;
    }
    return ownMask[i] | (meet === -1 ? 0 : meet);
  };
  // Each set only shrinks, so every element is revisited at most once per perimeter control.
  for (let head = 0; head < pending.length; head++) {
    const i = pending[head];
    queued[i] = 0;
    const next = recompute(i);
    if (perimeter[i] === next) continue;
    perimeter[i] = next;
    for (let j = outStart[i]; j < outStart[i + 1]; j++) {
      const t = dst[outFlow[j]];
      if (level[t] !== 0 && queued[t] === 0) {
        queued[t] = 1;
        pending.push(t);
      }
    }
  }
  const perimeterSets = new Map<string, ReadonlySet<string>>();
  /** Whether every untrusted path into the element (or from it, for an unreached untrusted source) has the control. */
  const guardedAt = (i: number, bit: number): boolean => ((entry(i) ? ownMask[i] : perimeter[i]) & bit) !== 0;

  const isUntrustedSource = (id: string): boolean => {
    const i = indexOf(id);
    return i !== undefined && untrusted[i] === 1;
  };
  const hasPerimeter = (id: string, bit: number): boolean => {
    const i = indexOf(id);
    return i !== undefined && (perimeter[i] & bit) !== 0;
  };
  /** Declared on the element or on a boundary around it. */
  const declares = (e: Element, control: string): boolean => {
    const c = CONTROL_INDEX.get(control);
    const i = c === undefined ? undefined : indexOf(e.id);
    if (c !== undefined && i !== undefined && nodes[i] === e) return (declared[i * CONTROL_WORDS + (c >>> 5)] & (1 << (c & 31))) !== 0;
    if (e.controls.includes(control)) return true;
    for (const b of graph.boundaryChain(e.id)) if (b.controls.includes(control)) return true;
    return false;
  };

  const elementHas = (e: Element, control: string): boolean => {
    if (declares(e, control)) return true;
    const bit = perimeterBit(control);
    return bit !== 0 && hasPerimeter(e.id, bit);
  };

  // A perimeter control on an endpoint counts only on the flows that can reach that endpoint: a partner
  // calling its webhook directly does not bypass the rate limiter in front of the public pages.
  const endpointHas = (ep: Endpoint, control: string): boolean => {
    if (ep.controls.includes(control)) return true;
    const e = graph.elements.get(ep.element);
    if (!e) return false;
    if (declares(e, control)) return true;
    const bit = perimeterBit(control);
    if (bit === 0) return false;
    const i = indexOf(e.id);
    if (i === undefined) return false;
    // `callers` leave out the flows of others only where something enforces them.
    const only = ep.callers !== undefined && callerCheck(ep) !== undefined ? ep.callers : undefined;
    // The inbound flows through the adjacency, their sources as positions: asked per endpoint and control.
    let reached = false;
    for (let j = inStart[i]; j < inStart[i + 1]; j++) {
      const k = inFlow[j];
      const s = src[k];
      if (s === i || deploys[k] === 1 || !reachableAt(s)) continue;
      const f = flows[k];
      if ((f.endpoint !== undefined && f.endpoint !== ep.id) || (only && !only.includes(f.from))) continue;
      reached = true;
      if (!f.controls.includes(control) && !guardedAt(s, bit)) return false;
    }
    return reached ? !(e.exposed === true && !only) : (perimeter[i] & bit) !== 0;
  };

  // A role check is asked as `endpointHas` answers it (the endpoint, its element, a boundary around it); a
  // control that is no perimeter control returns before the flows, so this never asks about `callers` again.
  const callerCheck = (ep: Endpoint): CallerCheck | undefined => {
    if (endpointHas(ep, 'authorization')) return 'authorization';
    if (ep.controls.includes('ip-allowlist')) return 'ip-allowlist';
    return ep.auth === 'mtls' ? 'mtls' : undefined;
  };

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

  // Assets listed in id order: each asset's place in that order is computed once, and so is every flow's
  // data as places, in one pass over the flows in model order (reaching flows through the adjacency instead
  // jumps across memory). An element's list is then its places, deduplicated by a stamp and sorted.
  const sortedAssets = [...graph.assets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const assetPlace = new Map<string, number>();
  for (let i = 0; i < sortedAssets.length; i++) assetPlace.set(sortedAssets[i].id, i);
  const dataStart = new Int32Array(m + 1);
  const dataPlaces: number[] = [];
  for (let k = 0; k < m; k++) {
    const data = flows[k].data;
    for (let d = 0; d < data.length; d++) {
      const p = assetPlace.get(data[d]);
      if (p !== undefined) dataPlaces.push(p);
    }
    dataStart[k + 1] = dataPlaces.length;
  }
  const stamp = new Int32Array(sortedAssets.length);
  let stampNow = 0;
  const places: number[] = [];
  const take = (p: number) => {
    if (stamp[p] === stampNow) return;
    stamp[p] = stampNow;
    places.push(p);
  };
  const collect = (ids: readonly string[]) => {
    for (let d = 0; d < ids.length; d++) {
      const p = assetPlace.get(ids[d]);
      if (p !== undefined) take(p);
    }
  };
  const collectFlows = (edges: Int32Array, from: number, to: number) => {
    for (let j = from; j < to; j++) {
      const k = edges[j];
      for (let d = dataStart[k]; d < dataStart[k + 1]; d++) take(dataPlaces[d]);
    }
  };
  const assetCache: (readonly Asset[] | undefined)[] = new Array(n);
  const assetsOf = (id: string): readonly Asset[] => {
    const i = indexOf(id);
    if (i === undefined) return NO_ASSETS;
    const cached = assetCache[i];
    if (cached) return cached;
    const e = nodes[i];
    stampNow++;
    places.length = 0;
    collect(e.handles);
    collect(e.stores);
    for (let j = 0; j < e.endpoints.length; j++) {
      collect(e.endpoints[j].accepts);
      collect(e.endpoints[j].returns);
    }
    collectFlows(inFlow, inStart[i], inStart[i + 1]);
    collectFlows(outFlow, outStart[i], outStart[i + 1]);
    let list: readonly Asset[] = NO_ASSETS;
    if (places.length > 0) {
      sortNumbers(places);
      const out: Asset[] = new Array(places.length);
      for (let j = 0; j < places.length; j++) out[j] = sortedAssets[places[j]];
      list = out;
    }
    assetCache[i] = list;
    return list;
  };

  // Several rules ask about the data of one flow: each flow's list is made once.
  const flowAssets = new Map<Flow, readonly Asset[]>();
  const assetsOfFlow = (flow: Flow): readonly Asset[] => {
    if (flow.data.length === 0) return NO_ASSETS;
    let list = flowAssets.get(flow);
    if (list === undefined) {
      list = assetsById(graph, flow.data);
      flowAssets.set(flow, list);
    }
    return list;
  };

  const exposure = (id: string): Exposure => {
    const i = indexOf(id);
    return i === undefined ? 'internal' : EXPOSURE_LEVELS[level[i]];
  };
  const forwardsInternet = (id: string): boolean => {
    const i = indexOf(id);
    return i !== undefined && level[i] === INTERNET && isPassThrough(nodes[i]);
  };
  /**
   * Who reaches an endpoint through the flows that can reach it: a flow that names another endpoint of the
   * element does not (a partner calling /export does not put /login on the internet). The element's own
   * answer when no flow into it names an endpoint, or when it has a public address of its own.
   */
  const reachOf = (ep: Endpoint, element: Element): Exposure => {
    const whole = exposure(element.id);
    const i = indexOf(element.id);
    if (whole === 'internal' || i === undefined || element.exposed === true) return whole;
    const elsewhere = (k: number) => flows[k].endpoint !== undefined && flows[k].endpoint !== ep.id;
    let named = false;
    for (let j = inStart[i]; !named && j < inStart[i + 1]; j++) named = elsewhere(inFlow[j]);
    if (!named) return whole;
    let reached = false;
    for (let j = inStart[i]; j < inStart[i + 1]; j++) {
      const k = inFlow[j];
      const s = src[k];
      if (s === i || elsewhere(k)) continue;
      // As the exposure search goes: straight from an untrusted zone, or forwarded by an edge the internet reaches.
      if (zoneUntrusted[s] === 1 || (level[s] === INTERNET && isPassThrough(nodes[s]))) return 'internet';
      if (level[s] !== 0) reached = true;
    }
    return reached ? 'indirect' : 'internal';
  };
  /** Who reaches an endpoint through the callers it names. */
  const callersReach = (callers: readonly string[]): Exposure => {
    // A caller that is an edge the internet reaches (a gateway) forwards the internet's requests as they are.
    if (callers.some((id) => isUntrustedSource(id) || forwardsInternet(id))) return 'internet';
    return callers.some((id) => exposure(id) !== 'internal') ? 'indirect' : 'internal';
  };
  // Every endpoint rule asks about the endpoint it is given, and the engine offers an endpoint to all its
  // rules in a row: the last answer is kept, as a restricted endpoint's answer takes a lookup per caller.
  let lastEndpoint: Endpoint | undefined;
  let lastEndpointExposure: Exposure = 'internal';
  const endpointExposure = (ep: Endpoint, element: Element): Exposure => {
    if (ep === lastEndpoint) return lastEndpointExposure;
    const callers = ep.callers;
    let answer: Exposure;
    if (!callers) answer = reachOf(ep, element);
    else if (callerCheck(ep) !== undefined) answer = callersReach(callers);
    else {
      // `callers` nothing enforces state intent: whoever the flows bring reaches the endpoint, and so do they.
      answer = reachOf(ep, element);
      if (answer !== 'internet') {
        const meant = callersReach(callers);
        if (EXPOSURE_LEVELS.indexOf(meant) > EXPOSURE_LEVELS.indexOf(answer)) answer = meant;
      }
    }
    lastEndpoint = ep;
    lastEndpointExposure = answer;
    return answer;
  };

  return {
    graph,
    exposure,
    // Like `exposure` of an unknown id: a position of no element (-1) is internal.
    exposureAt: (i) => (i < 0 ? 'internal' : EXPOSURE_LEVELS[level[i]]),
    endpointExposure,
    callerCheck,
    perimeterControls: (id) => {
      let set = perimeterSets.get(id);
      if (set === undefined) {
        const i = indexOf(id);
        const mask = i === undefined ? 0 : perimeter[i];
        set = new Set(PERIMETER_CONTROLS.filter((c) => (mask & perimeterBit(c)) !== 0));
        perimeterSets.set(id, set);
      }
      return set;
    },
    elementHas,
    endpointHas,
    controlSource,
    crossing: (id) => crossingByFlow.get(id),
    assetsOf,
    assetsOfFlow,
    isUntrustedSource,
    untrustedSourceAt: (i) => untrusted[i] === 1,
    adjacency: { inStart, inFlow, outStart, outFlow },
    memo: new Map(),
    facts: [],
  };
}

const NO_ASSETS: readonly Asset[] = Object.freeze([]);

/** Sorts in place: by insertion for the few numbers an element usually has, else the built-in sort. */
function sortNumbers(list: number[]): void {
  if (list.length > 16) {
    list.sort((a, b) => a - b);
    return;
  }
  for (let i = 1; i < list.length; i++) {
    const v = list[i];
    let j = i - 1;
    for (; j >= 0 && list[j] > v; j--) list[j + 1] = list[j];
    list[j + 1] = v;
  }
}

/** The assets with these ids, in the same order, skipping unknown ids. */
function assetsById(graph: ModelGraph, ids: readonly string[]): Asset[] {
  const out: Asset[] = [];
  for (let i = 0; i < ids.length; i++) {
    const a = graph.assets.get(ids[i]);
    if (a !== undefined) out.push(a);
  }
  return out;
}
