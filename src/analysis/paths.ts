// Attack paths: for every asset, the easiest way an attacker gets from an entry point to where the asset
// lives, hop by hop, with what stands in the way and the report's threats on the way. It turns a list of
// threats into a route a team can cut ("fix T3 and the card data has no unauthenticated way in").
//
// - Entry points are the untrusted sources: elements in an untrusted zone, where an attacker stands, and
//   elements the model marks `exposed`, whose public address puts the attacker right in front of them.
// - Hops follow flows in their direction: a flow `a -> b` lets whoever controls `a` reach `b`, and going on
//   from `b` means compromising or abusing `b` to make its own calls. Flows with an end that names no
//   element are not followed.
// - Paths lead to data assets: a resource asset (availability, capacity) is lost where an element stops,
//   which the denial-of-service threats say, not by being reached.
// - An asset lives at the elements that store it; when none does, at those that handle it (`handles`, an
//   endpoint that accepts or returns it, or, for an element of the system, sending it over a flow while no
//   flow brings it there, unless it only passes it on to an element that handles it: see placeSenders); when
//   none does either, at those that receive a flow carrying it, so that a path to an asset only ever carried
//   ends at the first element it reaches over a flow. An entry point can be such a place: its path has no hops.
// - The easiest path has the fewest hops that demand a credential (see demandsCredential), then the fewest
//   hops, then starts at the entry point an attacker most readily stands at (see entryPreference), then at
//   the one with the smallest id; stepping back from where it ends, each hop
//   comes from the caller with the smallest id (of parallel flows from one caller, the first in the model).
//   Of several places where an asset lives, the path ends at the one reached most easily (on a tie, the
//   smallest id).
// - A health probe that takes and returns nothing (see deadEnd) is no way in: a call that names no endpoint
//   is judged by the element's other routes, so a public /health does not open the way to the data behind
//   an API that asks every other caller for a token.
// - The last hop reaches the asset itself: where the element's endpoints say which of them accept or return
//   it, the call has to land on one of those, so their credentials decide that hop (see arriveAt), not a
//   public endpoint elsewhere on the element (a login page does not hand out the data behind the API).
// - The threats on a hop are those about its flow (a threat on the flow, or a boundary's, the system's or
//   an element's threat that lists it), and those about the element it reaches: about the element as a
//   whole, or about an endpoint the flow can reach (see flowReaches). Of those, a path lists the ones that
//   lead on along it (spoofing, tampering or disclosure of the call; spoofing or elevation at the element,
//   disclosure there that names no data or reads keys, secrets or sessions, and tampering there that names
//   no other asset: see leadsOnOver, leadsOnAt, opensTheWay) and the ones
//   whose evidence names its asset (see assetsCited); not, say, a
//   denial of service on a search endpoint of the service that holds the card data. The entry point's
//   threats, chosen the same way, come first.
// - A path's risk is the highest of its threats', bounded by what reaching the asset costs (see
//   pathRiskCap): a public catalogue behind the same API as the card data gets a Low path.
//
// One search from all the entry points at once labels every element with its easiest path, and every
// asset's path is read off those labels: O(elements + flows) for the search (see search), O(threats) to
// place the threats, each path's length to write it, and for a place whose endpoints name the asset, the
// flows into it once per such asset to judge the last hop.
import { CLASSIFICATIONS, type Level } from '../model/catalog.js';
import { displayPath } from '../model/diagnostics.js';
import type { ModelGraph } from '../model/graph.js';
import type { Asset, Element, Endpoint, Flow } from '../model/types.js';
import type { AnalysisContext } from './context.js';
import { levelOf, riskOf, riskRank } from './risk.js';
import { callAuth, flowLandsOn, isDelivery, isPersonOrAgent } from './rules/facts.js';
import { type AttackPath, type AttackPathHop, type AttackPaths, type Rating, type Risk, RISKS, type Stride, type Threat } from './types.js';

/** Controls that make a caller prove who it is: callers must authenticate, or messages are signature-checked. */
const hasCredentialControl = (controls: readonly string[]): boolean =>
  controls.length > 0 && (controls.includes('authentication') || controls.includes('signature-verification'));

/** A verified signature authenticates the sender, as the webhook rules count it. */
const endpointDemands = (ep: Endpoint): boolean => ep.auth !== 'none' || hasCredentialControl(ep.controls);

/** Probes whose answer is a number or a page of them: a route that names them reads internal state. */
const METRICS = /(^|\/)metrics(\/|$)/i;

/**
 * A health probe (`/health`, `/ready`, `/live`: kind `health`) that accepts and returns nothing: a call that
 * lands there learns the element is up, and nothing it does there makes the element call on. It is no way
 * in towards the data behind the element while the element has other routes, so a call that names no
 * endpoint is judged by those (a flow that names the probe still lands there, the only way it has).
 */
const deadEnd = (ep: Endpoint): boolean =>
  ep.kind === 'health' && ep.accepts.length === 0 && ep.returns.length === 0 && !METRICS.test(ep.route);

/** Whether a call that names no endpoint gets in without a credential by landing on `ep`. */
const letsInOpen = (ep: Endpoint): boolean => !endpointDemands(ep) && !deadEnd(ep);

/**
 * Whether a flow can reach an endpoint of its target: the one it names; naming none, any that admits its source
 * (`callers` keep others out only where something enforces them: see flowLandsOn).
 */
const flowReaches = (ctx: AnalysisContext, f: Flow, ep: Endpoint): boolean => flowLandsOn(ctx, f, ep);

/**
 * Whether the caller must present a credential to make the call over flow `k`: the flow declares an `auth`
 * other than `none` (or the `authentication` or `signature-verification` control); or the endpoint it names
 * demands one (its `auth`, or either control); or, naming none and no broker's delivery (isDelivery), its
 * target asks every caller for one (its `auth`, or `authentication` declared on it or on a boundary around
 * it) and so does every endpoint of it the flow can reach, since a call that names no endpoint can land on a
 * public one (a health probe that leads nowhere aside: see deadEnd).
 */
function demandsCredential(ctx: AnalysisContext, k: number, gates: Int8Array): boolean {
  const { graph } = ctx;
  const f = graph.model.flows[k];
  if (f.auth !== 'none' || hasCredentialControl(f.controls)) return true;
  if (f.endpoint !== undefined) {
    const ep = graph.endpoints.get(f.endpoint);
    return ep !== undefined && endpointDemands(ep);
  }
  // Whoever controls a broker delivers to its consumers over their own connections: their `auth` is asked of their callers.
  if (isDelivery(graph, f)) return false;
  const t = graph.flowTarget[k];
  if (gates[t] === UNKNOWN) gates[t] = gate(ctx, graph.model.elements[t]);
  if (gates[t] !== BY_CALLER) return gates[t] === GUARDED;
  for (const ep of graph.model.elements[t].endpoints) if (flowReaches(ctx, f, ep) && letsInOpen(ep)) return false;
  return true;
}

/**
 * For a call over flow `k` that demands no credential, the endpoint that lets it in when one is why: the
 * public endpoint it names, or, naming none, the first endpoint of its target (in model order) it can land on
 * without one although the target asks for one. Undefined when the target asks no caller for a credential.
 */
function openEndpointOf(ctx: AnalysisContext, k: number): Endpoint | undefined {
  const { graph } = ctx;
  const f = graph.model.flows[k];
  if (f.endpoint !== undefined) return graph.endpoints.get(f.endpoint);
  const e = graph.model.elements[graph.flowTarget[k]];
  if ((e.auth === undefined || e.auth === 'none') && !ctx.elementHas(e, 'authentication')) return undefined;
  for (const ep of e.endpoints) if (flowReaches(ctx, f, ep) && letsInOpen(ep)) return ep;
  return undefined;
}

/** The endpoint when it is one of the element's, else undefined. */
const ownEndpoint = (ep: Endpoint | undefined, element: string): Endpoint | undefined => (ep?.element === element ? ep : undefined);

/** How a call that names no endpoint fares at an element, worked out once per element (UNKNOWN before). */
const UNKNOWN = -1;
/** The element does not ask every caller for a credential, or has an endpoint (not a dead end: see deadEnd) that any caller may reach without one. */
const OPEN = 0;
/** It asks every caller for a credential, and so does every endpoint of it. */
const GUARDED = 1;
/** It asks every caller, but an endpoint open to listed callers only (something enforcing them) lets those in without one. */
const BY_CALLER = 2;

function gate(ctx: AnalysisContext, e: Element): number {
  if ((e.auth === undefined || e.auth === 'none') && !ctx.elementHas(e, 'authentication')) return OPEN;
  let answer = GUARDED;
  for (const ep of e.endpoints) {
    if (!letsInOpen(ep)) continue;
    if (ep.callers === undefined || ctx.callerCheck(ep) === undefined) return OPEN;
    answer = BY_CALLER;
  }
  return answer;
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Where an attacker most readily stands, lowest first: anyone can be a person or their browser or app on
 * the internet (0); another outside system or an exposed element has to be reached first (1); a partner's
 * service has to be impersonated or compromised (2). So of two equally easy routes the report shows the
 * one an anonymous attacker takes.
 */
const entryPreference = (e: Element): number => (isPersonOrAgent(e) ? 0 : e.type === 'third-party' ? 2 : 1);

const LEVEL_RANK: Record<Level, number> = { low: 0, medium: 1, high: 2 };

/** An asset's worth to an attacker: the higher of its confidentiality and integrity, then the lower, then its classification. */
function assetValue(a: Asset): number {
  const c = LEVEL_RANK[levelOf(a, 'confidentiality')];
  const i = LEVEL_RANK[levelOf(a, 'integrity')];
  return (Math.max(c, i) * 3 + Math.min(c, i)) * CLASSIFICATIONS.length + CLASSIFICATIONS.indexOf(a.classification);
}

const LEVEL_RATING: Record<Level, Rating> = { low: 'Low', medium: 'Medium', high: 'High' };

/**
 * The highest risk a path to the asset can have: what reaching it costs the owner. A path's threats are
 * rated for their own components, and a public catalogue behind the same API as the card data would
 * otherwise inherit the card data's risk. Reaching data lets the attacker read it (its confidentiality)
 * and change it (its integrity); the bound is the risk the method gives that loss at the highest
 * likelihood (High likelihood x the asset's higher level as impact): Critical for a high level, High for
 * medium, Medium for low. Public data is published: reading it costs nothing, and the owner keeps the
 * original, so changing it counts only when its integrity is declared high (prices a customer pays);
 * otherwise its path is Low, whatever the threats on the way.
 */
export function pathRiskCap(a: Asset): Risk {
  if (a.classification === 'public') return a.integrity === 'high' ? riskOf('High', 'High') : 'Low';
  // An assumed level (data nobody has classified) bounds the path as it bounds the threats' impact.
  const confidentiality = levelOf(a, 'confidentiality');
  const integrity = levelOf(a, 'integrity');
  const stake = LEVEL_RANK[confidentiality] >= LEVEL_RANK[integrity] ? confidentiality : integrity;
  return riskOf('High', LEVEL_RATING[stake]);
}

/** A path's risk: the highest of its threats' (`highest`, a rank; -1 when none), bounded by pathRiskCap; undefined when it has no threat. */
export function boundedPathRisk(highest: number, a: Asset): Risk | undefined {
  return highest < 0 ? undefined : RISKS[Math.min(highest, riskRank(pathRiskCap(a)))];
}

/**
 * Sorts paths in place into report order: risk (Critical first, none last), then the asset's value (highest
 * first), then fewest hops, then asset id. `assets` gives the values; an asset it lacks counts as the least.
 */
export function orderPaths(paths: AttackPath[], assets: readonly Asset[]): AttackPath[] {
  const value = new Map<string, number>();
  for (const a of assets) value.set(a.id, assetValue(a));
  const riskOf = (p: AttackPath) => (p.risk === undefined ? -1 : riskRank(p.risk));
  return paths.sort((a, b) => riskOf(b) - riskOf(a) || (value.get(b.asset) ?? -1) - (value.get(a.asset) ?? -1)
    || a.hops.length - b.hops.length || compareIds(a.asset, b.asset));
}

const UNREACHED = 0x7fffffff;

/** Each element's label, by position: the easiest path to it, as found by `search`. */
interface Labels {
  /** Hops on the path that demand a credential (UNREACHED when no entry point reaches the element). */
  authHops: Int32Array;
  hops: Int32Array;
  /** The rank of the entry point the path starts from, in order of preference, then of id. */
  entryRank: Int32Array;
  /** The flow into the element on its path (-1 at an entry point, and where nothing reaches). */
  via: Int32Array;
}

/**
 * The easiest path to every element from all the entry points (positions, in order of preference, then of id) at once, without a
 * priority queue: a breadth-first search per count of hops demanding a credential. Round `a` takes the
 * elements whose easiest path has `a` such hops, in order of hops, merging two queues that each stay in
 * that order: the round's seeds, reached over a credential by round `a - 1` (which takes its elements in
 * order of hops, so hands them over in order), and the elements the round itself reaches over flows that
 * demand none. So every element is taken once and every flow followed once: O(elements + flows).
 *
 * Every hop adds one to the hop count, so an element's best callers are all taken before it is: its label
 * is final when it is taken, cycles included. Of callers with equal labels the one with the smallest id is
 * kept (of parallel flows from one caller, the first in the model).
 */
function search(graph: ModelGraph, entries: readonly number[], credential: Int8Array, outStart: Int32Array, outFlow: Int32Array): Labels {
  const { elements } = graph.model;
  const n = elements.length;
  const src = graph.flowSource;
  const dst = graph.flowTarget;
  const authHops = new Int32Array(n).fill(UNREACHED);
  const hops = new Int32Array(n);
  const entryRank = new Int32Array(n);
  const via = new Int32Array(n).fill(-1);
  const taken = new Uint8Array(n);
  // The round's own queue: it takes elements in order of hops, so the first of an element's callers it
  // takes gives it its fewest hops, and the element joins the queue at most once per round.
  const round = new Int32Array(n);
  let seeds = [...entries];
  let next: number[] = [];
  for (let r = 0; r < entries.length; r++) {
    authHops[entries[r]] = 0;
    entryRank[entries[r]] = r;
  }
  for (let a = 0; seeds.length > 0; a++) {
    let s = 0;
    let head = 0;
    let tail = 0;
    for (;;) {
      // The next element in order of hops, from the seeds or the round's own queue; stale entries are skipped.
      while (s < seeds.length && (taken[seeds[s]] === 1 || authHops[seeds[s]] !== a)) s++;
      let u: number;
      if (s < seeds.length && (head === tail || hops[seeds[s]] <= hops[round[head]])) u = seeds[s++];
      else if (head < tail) u = round[head++];
      else break;
      if (taken[u] === 1) continue;
      taken[u] = 1;
      for (let j = outStart[u]; j < outStart[u + 1]; j++) {
        const k = outFlow[j];
        const v = dst[k];
        if (taken[v] === 1) continue;
        const av = a + credential[k];
        const hv = hops[u] + 1;
        const rv = entryRank[u];
        if (av !== authHops[v] ? av < authHops[v] : hv !== hops[v] ? hv < hops[v] : rv < entryRank[v]) {
          const requeue = av !== authHops[v] || hv !== hops[v];
          authHops[v] = av;
          hops[v] = hv;
          entryRank[v] = rv;
          via[v] = k;
          if (!requeue) continue;
          if (av === a) round[tail++] = v;
          else next.push(v);
        } else if (av === authHops[v] && hv === hops[v] && rv === entryRank[v] && src[via[v]] !== u
          && compareIds(elements[u].id, elements[src[via[v]]].id) < 0) {
          via[v] = k;
        }
      }
    }
    seeds = next;
    next = [];
  }
  return { authHops, hops, entryRank, via };
}

/** How a path arrives at a place where an asset lives. */
interface Arrival {
  /** The place, by position. */
  at: number;
  authHops: number;
  hops: number;
  entryRank: number;
  /** The last hop's flow (-1 when the place is an entry point). */
  flow: number;
  /** Whether that hop demands a credential, judged for the asset (1) or not (0). */
  credential: number;
  /** Set when the endpoints holding the asset judged the last hop and one of them lets it in without a credential. */
  openAt?: Endpoint;
}

/**
 * The easiest arrival at place `i`, written into `into`; false when no entry point reaches it. `holders` are the endpoints
 * of `i` that accept or return the asset: when there are any, the last hop must land on one of them, so only
 * the flows into `i` that can are followed, each judged by those it can land on (see credentialFor), and the
 * best caller is found again in the search's order (its label with that hop, then the smallest caller id, then
 * the first flow in the model). When no endpoint names the asset, or no flow can land on one, the search's
 * label stands.
 */
function arriveAt(ctx: AnalysisContext, labels: Labels, credential: Int8Array, i: number, holders: readonly Endpoint[] | undefined, into: Arrival): boolean {
  const { authHops, hops, entryRank, via } = labels;
  if (authHops[i] === UNREACHED) return false;
  into.at = i;
  into.authHops = authHops[i];
  into.hops = hops[i];
  into.entryRank = entryRank[i];
  into.flow = via[i];
  into.credential = via[i] < 0 ? 0 : credential[via[i]];
  into.openAt = undefined;
  if (holders === undefined || via[i] < 0) return true;
  const { graph } = ctx;
  const { inStart, inFlow } = ctx.adjacency;
  let best: Arrival | undefined;
  for (let j = inStart[i]; j < inStart[i + 1]; j++) {
    const k = inFlow[j];
    const s = graph.flowSource[k];
    if (s === i || authHops[s] === UNREACHED) continue;
    const c = credentialFor(ctx, graph.model.flows[k], holders, credential[k]);
    if (c === CANNOT_LAND) continue;
    const next: Arrival = { at: i, authHops: authHops[s] + c, hops: hops[s] + 1, entryRank: entryRank[s], flow: k, credential: c };
    if (best === undefined || arrivesFirst(next, best, graph.model.elements, graph.flowSource)) best = next;
  }
  // No flow can land on an endpoint holding the asset: the search's label stands.
  if (best === undefined) return true;
  Object.assign(into, best);
  if (best.credential === 0) into.openAt = openHolder(ctx, graph.model.flows[best.flow], holders);
  return true;
}

/** The endpoint holding the asset that lets a call over `f` in without a credential: the one it names, else the first it can land on. */
function openHolder(ctx: AnalysisContext, f: Flow, holders: readonly Endpoint[]): Endpoint | undefined {
  if (f.endpoint !== undefined) return ctx.graph.endpoints.get(f.endpoint);
  for (const ep of holders) if (flowReaches(ctx, f, ep) && !endpointDemands(ep)) return ep;
  return undefined;
}

/** A flow that cannot land on any endpoint holding the asset (see credentialFor). */
const CANNOT_LAND = -1;

/**
 * Whether a call over `f` that must land on one of `holders` demands a credential (1) or not (0), or
 * CANNOT_LAND. A flow naming its endpoint lands there only, judged as always (`generic`); one naming none
 * lands on any holder that admits its source (see flowReaches), and demands a credential when it
 * carries one of its own or, no broker's delivery, every holder it can land on asks for one.
 */
function credentialFor(ctx: AnalysisContext, f: Flow, holders: readonly Endpoint[], generic: number): number {
  if (f.endpoint !== undefined) {
    for (const ep of holders) if (ep.id === f.endpoint) return generic;
    return CANNOT_LAND;
  }
  let reached = false;
  let open = false;
  for (const ep of holders) {
    if (!flowReaches(ctx, f, ep)) continue;
    reached = true;
    if (!endpointDemands(ep)) open = true;
  }
  if (!reached) return CANNOT_LAND;
  return f.auth !== 'none' || hasCredentialControl(f.controls) || (!open && !isDelivery(ctx.graph, f)) ? 1 : 0;
}

/**
 * Whether arrival `x` comes before `y`: fewer hops demanding a credential, fewer hops, an earlier entry, then
 * (at one place) the caller with the smallest id and the first flow in the model, else the place with the smallest id.
 */
function arrivesFirst(x: Arrival, y: Arrival, elements: readonly Element[], src: Int32Array): boolean {
  if (x.authHops !== y.authHops) return x.authHops < y.authHops;
  if (x.hops !== y.hops) return x.hops < y.hops;
  if (x.entryRank !== y.entryRank) return x.entryRank < y.entryRank;
  if (x.at !== y.at) return compareIds(elements[x.at].id, elements[y.at].id) < 0;
  if (src[x.flow] !== src[y.flow]) return compareIds(elements[src[x.flow]].id, elements[src[y.flow]].id) < 0;
  return x.flow < y.flow;
}

/** How an asset lives at an element, most telling first: a path ends where the highest tier found puts it. */
const STORED = 3;
const HANDLED = 2;
const RECEIVED = 1;
const HELD = ['', 'received', 'handled', 'stored'] as const;

/**
 * Where each asset lives, by its position in `model.assets`: its highest tier (0 when none) and the elements
 * of that tier, in model order, repeats included.
 */
interface Places {
  tier: Uint8Array;
  at: number[][];
  /** The endpoints of an element that accept or return an asset, under `element * assets + asset` (positions). */
  named: Map<number, Endpoint[]>;
}

/** The elements where each asset is stored or handled: one pass over the elements. */
function placesOnElements(graph: ModelGraph, assetAt: ReadonlyMap<string, number>): Places {
  const { elements, assets } = graph.model;
  const places: Places = { tier: new Uint8Array(assets.length), at: assets.map(() => []), named: new Map() };
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.stores.length) place(places, assetAt, e.stores, i, STORED);
    if (e.handles.length) place(places, assetAt, e.handles, i, HANDLED);
    for (const ep of e.endpoints) {
      if (ep.accepts.length === 0 && ep.returns.length === 0) continue;
      place(places, assetAt, ep.accepts, i, HANDLED);
      place(places, assetAt, ep.returns, i, HANDLED);
      nameOn(places, assetAt, ep, i, assets.length);
    }
  }
  return places;
}

/** Notes the assets endpoint `ep` of element `i` accepts or returns, each once per endpoint. */
function nameOn(places: Places, assetAt: ReadonlyMap<string, number>, ep: Endpoint, i: number, assetCount: number): void {
  for (let d = 0; d < ep.accepts.length + ep.returns.length; d++) {
    const a = assetAt.get(d < ep.accepts.length ? ep.accepts[d] : ep.returns[d - ep.accepts.length]);
    if (a === undefined) continue;
    const key = i * assetCount + a;
    const named = places.named.get(key);
    if (named === undefined) places.named.set(key, [ep]);
    else if (named[named.length - 1] !== ep) named.push(ep);
  }
}

/**
 * Places each asset nothing stores at the elements of the system (not external entities) that send it over a
 * flow while no flow brings it to them: the data is theirs (they make it, or keep it where the model does not
 * say), so they handle it. A service that sends card data to a payment provider holds that data, and the
 * provider's side is not where an attacker of this system gets it. But a sender whose flows carrying the asset
 * lead (directly, or on through further flows carrying it) to an element that handles it by the model's word
 * (`handles`, an endpoint that accepts or returns it) and is not someone else's service (a `third-party`)
 * only passes it on: a jump host relaying setpoints to the HMI and the PLC that declare them is a step on the
 * way, not where they live. A provider that declares the card data it takes is still the provider's side:
 * the service sending it there keeps it. One pass over the flows lists the flows carrying each such asset;
 * then, asset by asset, its receivers are stamped, the elements that pass it on to a declared holder are
 * found by walking its carrying flows back from the holders, and its other senders placed, each once:
 * O(flows' data + elements).
 */
function placeSenders(graph: ModelGraph, places: Places, assetAt: ReadonlyMap<string, number>): void {
  const { flows, elements } = graph.model;
  const { tier } = places;
  const src = graph.flowSource;
  const dst = graph.flowTarget;
  let carriers: number[][] | undefined;
  for (let k = 0; k < flows.length; k++) {
    const data = flows[k].data;
    if (data.length === 0 || src[k] < 0 || dst[k] < 0) continue;
    for (let d = 0; d < data.length; d++) {
      const a = assetAt.get(data[d]);
      if (a === undefined || tier[a] === STORED) continue;
      carriers ??= Array.from({ length: tier.length }, (): number[] => []);
      carriers[a].push(k);
    }
  }
  if (carriers === undefined) return;
  const stamp = new Int32Array(elements.length);
  // Elements that lead the asset on to one that declares it, marked a+1 (so no mark needs clearing).
  const leads = new Int32Array(elements.length);
  for (let a = 0; a < carriers.length; a++) {
    const list = carriers[a];
    if (list.length === 0) continue;
    // The declared holders, found before any sender is placed: only then is every place a declared one.
    if (tier[a] === HANDLED) passersOn(list, places.at[a].filter((i) => elements[i].type !== 'third-party'), a + 1, leads, src, dst);
    // Two stamps per asset: receivers get 2a+1, senders placed 2a+2, so neither mark needs clearing.
    for (const k of list) stamp[dst[k]] = 2 * a + 1;
    for (const k of list) {
      const s = src[k];
      if (stamp[s] === 2 * a + 1 || stamp[s] === 2 * a + 2 || elements[s].kind === 'external' || leads[s] === a + 1) continue;
      stamp[s] = 2 * a + 2;
      placeOne(places, a, s, HANDLED);
    }
  }
}

/**
 * Marks with `mark`, in `leads`, the elements from which the flows `carrying` an asset lead to one of
 * `holders` (the holders included): a walk back along those flows from the holders, each flow looked at
 * once per element it reaches: O(carrying flows) with the flows grouped by target first.
 */
function passersOn(carrying: readonly number[], holders: readonly number[], mark: number, leads: Int32Array, src: Int32Array, dst: Int32Array): void {
  const into = new Map<number, number[]>();
  for (const k of carrying) {
    const list = into.get(dst[k]);
    if (list === undefined) into.set(dst[k], [k]);
    else list.push(k);
  }
  const queue: number[] = [];
  for (const h of holders) {
    if (leads[h] === mark) continue;
    leads[h] = mark;
    queue.push(h);
  }
  for (let q = 0; q < queue.length; q++) {
    for (const k of into.get(queue[q]) ?? []) {
      const s = src[k];
      if (leads[s] === mark) continue;
      leads[s] = mark;
      queue.push(s);
    }
  }
}

/** Notes that element `i` holds the assets `ids` at `level`: a higher tier replaces what was found before. */
function place(places: Places, assetAt: ReadonlyMap<string, number>, ids: readonly string[], i: number, level: number): void {
  for (let d = 0; d < ids.length; d++) {
    const a = assetAt.get(ids[d]);
    if (a !== undefined) placeOne(places, a, i, level);
  }
}

function placeOne(places: Places, a: number, i: number, level: number): void {
  if (places.tier[a] > level) return;
  if (places.tier[a] < level) {
    places.tier[a] = level;
    places.at[a] = [];
  }
  places.at[a].push(i);
}

/**
 * One pass over the flows, in model order (the order they lie in memory, where the search takes them by
 * their source): whether each demands a credential (1) or not (0; -1 when an end names no element), and
 * where it brings the assets that no element stores or handles.
 */
function readFlows(ctx: AnalysisContext, places: Places, assetAt: ReadonlyMap<string, number>): Int8Array {
  const { graph } = ctx;
  const { flows } = graph.model;
  const credential = new Int8Array(flows.length).fill(-1);
  const gates = new Int8Array(graph.model.elements.length).fill(UNKNOWN);
  const carried = places.tier.includes(0);
  for (let k = 0; k < flows.length; k++) {
    const t = graph.flowTarget[k];
    if (graph.flowSource[k] < 0 || t < 0) continue;
    credential[k] = demandsCredential(ctx, k, gates) ? 1 : 0;
    if (carried && flows[k].data.length) place(places, assetAt, flows[k].data, t, RECEIVED);
  }
  return credential;
}

/** Sorts indexes and drops repeats, in place: by insertion for the few a hop or a path usually has. */
function sortUnique(list: number[]): number[] {
  if (list.length > 16) list.sort((a, b) => a - b);
  else {
    for (let i = 1; i < list.length; i++) {
      const v = list[i];
      let j = i - 1;
      for (; j >= 0 && list[j] > v; j--) list[j + 1] = list[j];
      list[j + 1] = v;
    }
  }
  let w = 0;
  for (let r = 0; r < list.length; r++) if (r === 0 || list[r] !== list[w - 1]) list[w++] = list[r];
  list.length = w;
  return list;
}

/**
 * Threats that let an attacker go on from the element a hop reaches, whatever they name: pass as someone
 * (S) or take it over (E). Reading what it holds (I) leads on when what is read opens the next hop (see
 * opensTheWay), and tampering there unless it names other assets (see leadsOnFrom). Stopping it (D) or acting
 * there unseen (R) takes the attacker nowhere: those count only on a path to an asset they name.
 */
const leadsOnAt = (s: Stride): boolean => s === 'S' || s === 'E';

/** What a disclosure hands an attacker to go on with: credentials, secrets and sessions. */
const KEY_TYPES: ReadonlySet<string> = new Set(['credentials', 'secrets', 'session']);

/**
 * Whether a disclosure leads on: it names no data (an SSRF, verbose errors, a path traversal: they read files,
 * keys and tokens, whatever the model lists), or some of what it names opens the way (see KEY_TYPES). A
 * customer reading their own balance is no step towards the secrets: that threat counts only on the path to
 * the balances.
 */
const opensTheWay = (disclosed: readonly number[], assets: readonly Asset[]): boolean =>
  disclosed.length === 0 || disclosed.some((a) => KEY_TYPES.has(assets[a].type ?? ''));

/**
 * The assets (positions) a disclosure threat names: those its evidence cites (see assetsCited), and what its
 * evidence points at by the model's own lists, an endpoint's `returns` (the threat's endpoint) or an element's
 * `stores` (the threat's element).
 */
function assetsDisclosed(graph: ModelGraph, th: Threat, cited: readonly number[], assetAt: ReadonlyMap<string, number>): number[] {
  const found = [...cited];
  const add = (ids: readonly string[]) => {
    for (const id of ids) {
      const a = assetAt.get(id);
      if (a !== undefined && !found.includes(a)) found.push(a);
    }
  };
  const ep = th.endpoint === undefined ? undefined : graph.endpoints.get(th.endpoint);
  const el = th.componentKind === 'element' ? graph.elements.get(th.component) : undefined;
  const returnsAt = ep === undefined ? undefined : displayPath([...ep.at, 'returns']);
  const storesAt = el === undefined ? undefined : displayPath([...el.at, 'stores']);
  for (const ev of th.evidence) {
    if (ep !== undefined && ev.path === returnsAt) add(ep.returns);
    else if (el !== undefined && ev.path === storesAt) add(el.stores);
  }
  return found;
}

/** On the call a hop makes, changing it (T) leads on too: a forged or altered request reaches what the call reaches. */
const leadsOnOver = (s: Stride): boolean => s !== 'D' && s !== 'R';

/** `assets.card` or `assets["card data"]` at the start of an evidence path (see displayPath). */
const CITED_ASSET = /^assets(?:\.[A-Za-z_$][A-Za-z0-9_$-]*|\["(?:[^"\\]|\\.)*"\])/;

/** The assets (positions) a threat's evidence names, each once: what the rule found the threat about. */
function assetsCited(th: Threat, assetAt: ReadonlyMap<string, number>): number[] {
  const found: number[] = [];
  for (const ev of th.evidence) {
    const m = CITED_ASSET.exec(ev.path);
    if (m === null) continue;
    const id = m[0].startsWith('assets.') ? m[0].slice(7) : unquote(m[0].slice(7, -1));
    const a = id === undefined ? undefined : assetAt.get(id);
    if (a !== undefined && !found.includes(a)) found.push(a);
  }
  return found;
}

/** A JSON string's text, or undefined when it is not one. */
function unquote(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The report ids of threats given by index. */
function idsOf(threats: readonly Threat[], list: readonly number[]): string[] {
  const ids = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) ids[i] = threats[list[i]].id;
  return ids;
}

/**
 * The attack paths of an analysis. `threats` are in report order, and `elementAt` gives each one's
 * component as a position in `model.elements` (-1 when it is no element).
 */
export function attackPaths(ctx: AnalysisContext, threats: readonly Threat[], elementAt: Int32Array): AttackPaths {
  const { graph } = ctx;
  const { elements, flows, assets } = graph.model;
  const src = graph.flowSource;
  const dst = graph.flowTarget;

  const entries: number[] = [];
  for (let i = 0; i < elements.length; i++) if (ctx.untrustedSourceAt(i)) entries.push(i);
  entries.sort((a, b) => entryPreference(elements[a]) - entryPreference(elements[b]) || compareIds(elements[a].id, elements[b].id));
  const assetAt = new Map<string, number>();
  for (let a = 0; a < assets.length; a++) assetAt.set(assets[a].id, a);
  const places = placesOnElements(graph, assetAt);
  placeSenders(graph, places, assetAt);
  const credential = readFlows(ctx, places, assetAt);
  const labels = search(graph, entries, credential, ctx.adjacency.outStart, ctx.adjacency.outFlow);
  const { tier } = places;

  // How each asset is reached at the place where it lives that is reached most easily (undefined when none
  // is; on a tie, the smallest id).
  const arrival = new Array<Arrival | undefined>(assets.length);
  // An asset can live at many places: each is judged into one scratch arrival, and only a better one is kept.
  const found: Arrival = { at: -1, authHops: 0, hops: 0, entryRank: 0, flow: -1, credential: 0, openAt: undefined };
  for (let a = 0; a < assets.length; a++) {
    if (assets[a].kind === 'resource') continue;
    let best: Arrival | undefined;
    for (const i of places.at[a]) {
      if (!arriveAt(ctx, labels, credential, i, places.named.get(i * assets.length + a), found)) continue;
      if (best === undefined) best = { ...found };
      else if (arrivesFirst(found, best, elements, src)) Object.assign(best, found);
    }
    arrival[a] = best;
  }

  // Each asset's hops; the flows and elements on the paths get a slot each, by which their threats are gathered.
  const steps = new Array<number[]>(assets.length);
  const flowSlot = new Int32Array(flows.length).fill(-1);
  const slotFlows: number[] = [];
  const elementSlot = new Int32Array(elements.length).fill(-1);
  let elementSlots = 0;
  const onPathFlow = (list: number[], k: number): void => {
    list.push(k);
    if (flowSlot[k] < 0) {
      flowSlot[k] = slotFlows.length;
      slotFlows.push(k);
    }
    if (elementSlot[dst[k]] < 0) elementSlot[dst[k]] = elementSlots++;
  };
  for (let a = 0; a < assets.length; a++) {
    const arrived = arrival[a];
    if (arrived === undefined) continue;
    const list: number[] = [];
    let i = arrived.at;
    if (arrived.flow >= 0) {
      onPathFlow(list, arrived.flow);
      i = src[arrived.flow];
    }
    for (; labels.via[i] >= 0; i = src[labels.via[i]]) onPathFlow(list, labels.via[i]);
    if (elementSlot[i] < 0) elementSlot[i] = elementSlots++;
    steps[a] = list.reverse();
  }

  // The threats on the paths' elements (their endpoints' included) and on their hops: first those of the
  // flow (its own, and those of a boundary, the system or an element that list it), in report order, from
  // one pass over the threats; then, once the hop is made, those of the element it reaches that it can
  // reach. Each list keeps the threats that lead on (see leadsOnOver, leadsOnAt) apart from the others,
  // which a path shows only where their evidence names its asset (see assetsCited).
  const onElement = Array.from({ length: elementSlots }, (): number[] => []);
  const onHop = Array.from({ length: slotFlows.length }, (): number[] => []);
  const hopOthers = Array.from({ length: slotFlows.length }, (): number[] => []);
  const slotOf = new Map<string, number>();
  for (let s = 0; s < slotFlows.length; s++) slotOf.set(flows[slotFlows[s]].id, s);
  // Validation keeps the ids of elements, boundaries and flows apart, so a threat at an element's position
  // is about that element, unless it is the system's and an element is named `system`.
  const systemAt = graph.positionOf('system');
  for (let t = 0; t < threats.length; t++) {
    const at = elementAt[t];
    const th = threats[t];
    // An element's threat that lists flows is about those calls (cleartext from it, credentials shared by
    // its callers): it goes on their hops, not on every hop that reaches the element.
    if (at >= 0 && (at !== systemAt || th.componentKind === 'element') && th.flows.length === 0) {
      if (elementSlot[at] >= 0) onElement[elementSlot[at]].push(t);
      continue;
    }
    // A flow's threat concerns its flow (which its list normally holds); a boundary's or the system's, the flows it lists.
    const on = th.componentKind === 'flow' && !th.flows.includes(th.component) ? [th.component, ...th.flows] : th.flows;
    const lists = leadsOnOver(th.stride) ? onHop : hopOthers;
    for (let j = 0; j < on.length; j++) {
      const s = slotOf.get(on[j]);
      if (s !== undefined && lists[s][lists[s].length - 1] !== t) lists[s].push(t);
    }
  }

  // The assets each threat's evidence names, read once per threat a path asks about.
  const cited = new Array<number[] | undefined>(threats.length);
  const citedBy = (t: number): number[] => (cited[t] ??= assetsCited(threats[t], assetAt));
  // A disclosure's assets, read as citedBy's are; for other threats, those their evidence cites.
  const disclosed = new Array<number[] | undefined>(threats.length);
  const aboutAssets = (t: number): number[] =>
    threats[t].stride === 'I' ? (disclosed[t] ??= assetsDisclosed(graph, threats[t], citedBy(t), assetAt)) : citedBy(t);
  /**
   * Whether a threat of an element on a path leads on from it (see leadsOnAt). Tampering counts unless its
   * evidence names assets, which makes it about those: an unsafe upload or an unsigned webhook is a way in,
   * manipulated cart prices are about the prices (on their path only). Disclosure counts when what it reads
   * opens the way (see opensTheWay); else only on the path to what it names.
   */
  const leadsOnFrom = (t: number): boolean => {
    const stride = threats[t].stride;
    if (stride === 'I') return opensTheWay(aboutAssets(t), assets);
    return leadsOnAt(stride) || (stride === 'T' && citedBy(t).length === 0);
  };

  // Paths share hops: each is made once, and once more for each other way the endpoints holding an asset judge it as a last hop.
  const hopAt = new Array<AttackPathHop | undefined>(slotFlows.length);
  const judged = new Map<string, AttackPathHop>();
  const lastHopOf = (k: number, arrived: Arrival): AttackPathHop => {
    const hop = hopOf(k);
    const authenticated = arrived.credential === 1;
    const openAt = arrived.openAt?.id;
    if (hop.authenticated === authenticated && (authenticated || openAt === undefined || hop.openAt === openAt)) return hop;
    const key = `${flowSlot[k]}:${openAt ?? (authenticated ? '+' : '-')}`;
    let made = judged.get(key);
    if (made === undefined) {
      const { openAt: _generic, ...rest } = hop;
      made = { ...rest, authenticated, ...(openAt === undefined ? {} : { openAt }) };
      judged.set(key, made);
    }
    return made;
  };
  const hopOf = (k: number): AttackPathHop => {
    const s = flowSlot[k];
    const made = hopAt[s];
    if (made !== undefined) return made;
    const f = flows[k];
    const list = onHop[s];
    const others = hopOthers[s];
    for (const t of onElement[elementSlot[dst[k]]]) {
      const ep = threats[t].endpoint;
      const endpoint = ep === undefined ? undefined : graph.endpoints.get(ep);
      if (ep === undefined || (endpoint !== undefined && flowReaches(ctx, f, endpoint))) (leadsOnFrom(t) ? list : others).push(t);
    }
    sortUnique(list);
    sortUnique(others);
    const crossing = ctx.crossing(f.id);
    // A hop names endpoints of its target only: an endpoint a load balancer forwards to is the service's.
    const open = credential[k] === 1 ? undefined : ownEndpoint(openEndpointOf(ctx, k), f.to);
    // What the call presents, as the crossings say it (the flow's, else its endpoint's, else its target's):
    // the same facts the hop's `authenticated` judges, and where the model says it, for a reader to fix it there.
    const auth = callAuth(ctx, f);
    const hop: AttackPathHop = {
      flow: f.id, from: f.from, to: f.to, protocol: f.protocol, encrypted: f.encrypted, auth: auth.method, authAt: auth.at,
      ...(f.endpoint === undefined || ownEndpoint(graph.endpoints.get(f.endpoint), f.to) === undefined ? {} : { endpoint: f.endpoint }),
      authenticated: credential[k] === 1,
      ...(open === undefined ? {} : { openAt: open.id }),
      ...(crossing === undefined ? {} : { crossing: crossing.label, crossingKind: crossing.kind }),
      threats: idsOf(threats, list),
    };
    hopAt[s] = hop;
    return hop;
  };

  const paths: AttackPath[] = [];
  const unreachable: number[] = [];
  for (let a = 0; a < assets.length; a++) {
    const asset = assets[a];
    if (asset.kind === 'resource') continue;
    const arrived = arrival[a];
    if (arrived === undefined) {
      unreachable.push(a);
      continue;
    }
    const entry = steps[a].length ? src[steps[a][0]] : arrived.at;
    // At the entry the attacker already stands: its threats count as a hop's do.
    const own: number[] = [];
    for (const t of onElement[elementSlot[entry]]) if (leadsOnFrom(t) || aboutAssets(t).includes(a)) own.push(t);
    const onPath = [...own];
    const pathHops: AttackPathHop[] = [];
    let unauthenticated = 0;
    for (const k of steps[a]) {
      let hop = k === arrived.flow ? lastHopOf(k, arrived) : hopOf(k);
      const leading = onHop[flowSlot[k]];
      for (const t of leading) onPath.push(t);
      const extra: number[] = [];
      for (const t of hopOthers[flowSlot[k]]) if (aboutAssets(t).includes(a)) extra.push(t);
      // The shared hop lists what leads on; a hop that also carries threats about this asset is this path's own.
      if (extra.length) {
        for (const t of extra) onPath.push(t);
        hop = { ...hop, threats: idsOf(threats, sortUnique([...leading, ...extra])) };
      }
      pathHops.push(hop);
      if (!hop.authenticated) unauthenticated++;
    }
    sortUnique(onPath);
    const path: AttackPath = {
      asset: asset.id, assetName: asset.name, entry: elements[entry].id, target: elements[arrived.at].id,
      held: HELD[tier[a]] as AttackPath['held'], entryThreats: idsOf(threats, own), hops: pathHops,
      unauthenticatedHops: unauthenticated, threats: idsOf(threats, onPath),
    };
    let highest = -1;
    for (const t of onPath) highest = Math.max(highest, riskRank(threats[t].risk));
    const risk = boundedPathRisk(highest, asset);
    if (risk !== undefined) path.risk = risk;
    paths.push(path);
  }

  const value = assets.map(assetValue);
  unreachable.sort((x, y) => value[y] - value[x] || compareIds(assets[x].id, assets[y].id));
  return {
    entries: entries.map((i) => elements[i].id).sort(compareIds),
    paths: orderPaths(paths, assets),
    unreachable: unreachable.map((a) => ({
      asset: assets[a].id, assetName: assets[a].name, at: sortUnique(places.at[a]).map((i) => elements[i].id),
    })),
  };
}
