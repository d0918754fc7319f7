// Per-model facts the rule families ask about every element or flow, computed once per analysis in one pass
// over element or flow positions: a check then answers "not this one" with an array read instead of a walk
// or a list. Only these families use them (facts.ts holds the facts all rules share).
import { PROTOCOLS } from '../../model/catalog.js';
import type { Asset, Element, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { browsesTheWeb, perElement } from './facts.js';

let slots = 0;
/**
 * A fact about the whole model, computed once per analysis by `compute` and kept in the context's `facts`
 * (so that a finished analysis can be collected) at a slot fixed when the module loads: asked for every
 * element, the question is then an array read, with no key to look up.
 */
export function perModel<T>(compute: (ctx: AnalysisContext) => T): (ctx: AnalysisContext) => T {
  const slot = slots++;
  return (ctx) => {
    let value = ctx.facts[slot] as T | undefined;
    if (value === undefined) {
      value = compute(ctx);
      ctx.facts[slot] = value;
    }
    return value;
  };
}

let collator: Intl.Collator | undefined;
/**
 * The order of `a.localeCompare(b, 'en')`, without the per-call collator lookup: group keys are sorted this way.
 * English, whatever the machine's language: reports must be byte-identical everywhere. Made on first use, as
 * making one loads the collation data.
 */
export const byLocale = (a: string, b: string): number => (collator ??= new Intl.Collator('en')).compare(a, b);

/** Whether each element (by its position in `model.elements`) is a browser: asked of the source of every flow. */
export const browsersAt: (ctx: AnalysisContext) => Uint8Array = perModel(findBrowsers);

function findBrowsers(ctx: AnalysisContext): Uint8Array {
  const elements = ctx.graph.model.elements;
  const at = new Uint8Array(elements.length);
  for (let i = 0; i < elements.length; i++) if (browsesTheWeb(ctx, elements[i])) at[i] = 1;
  return at;
}

/**
 * Per element (by position), the browsers that send it requests, directly or through edge components, over
 * protocols a browser speaks (`browserSpeaks`), in no particular order: the browsers among its origins
 * (`originsOf`), found forwards from the few browsers instead of backwards from every element. Undefined where no
 * browser reaches.
 */
const browserOriginsAt: (ctx: AnalysisContext) => readonly (Element[] | undefined)[] = perModel(findBrowserOrigins);

/**
 * The catalogue's protocols a browser speaks: HTTP(S) (GraphQL over HTTPS, HTTPS with a client certificate, the S3
 * API a page uploads to with a signed URL) and WebSocket. A person who also opens a share over SMB or signs in to a
 * directory over LDAP does so with other software: no page's script, cookie or CORS policy is part of that call.
 */
const BROWSER_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'graphql', 'mtls', 's3', 'ws', 'wss']);
/**
 * Whether a browser can make the call: over one of BROWSER_PROTOCOLS, or a protocol the catalogue does not know
 * (a custom `x-grpc-web`) or none stated (a flow built by hand), which are followed as before.
 */
export const browserSpeaks = (f: Flow): boolean => !f.protocol || BROWSER_PROTOCOLS.has(f.protocol) || !Object.hasOwn(PROTOCOLS, f.protocol);
/** What an edge component may forward a browser's requests over as they are: a layer-4 load balancer's TCP or TLS too. */
const FORWARDED_AS_IS: ReadonlySet<string> = new Set(['tcp', 'tls']);

function findBrowserOrigins(ctx: AnalysisContext): (Element[] | undefined)[] {
  const { graph } = ctx;
  const elements = graph.model.elements;
  const browser = browsersAt(ctx);
  const { outStart, outFlow } = ctx.adjacency;
  const target = graph.flowTarget;
  // Requests leave a browser only over protocols a browser speaks (1), and edge components forward them over those
  // or, unchanged, over plain TCP or TLS (2): not over the LDAP, SMB or RDP the same person's other software uses.
  const flows = graph.model.flows;
  const web = new Uint8Array(flows.length);
  for (let k = 0; k < flows.length; k++) web[k] = browserSpeaks(flows[k]) ? 1 : FORWARDED_AS_IS.has(flows[k].protocol) ? 2 : 0;
  const origins: (Element[] | undefined)[] = new Array(elements.length);
  // The last browser that reached each element, so that one browser counts once per element.
  const reachedBy = new Int32Array(elements.length).fill(-1);
  const visited = new Int32Array(elements.length).fill(-1);
  const queue: number[] = [];
  for (let b = 0; b < elements.length; b++) {
    // An edge component is looked through, never an origin itself, even with a browser trait.
    if (browser[b] === 0 || isPassThrough(elements[b])) continue;
    queue.length = 0;
    queue.push(b);
    visited[b] = b;
    for (let head = 0; head < queue.length; head++) {
      // Through the adjacency: each flow's target is a position already, with no lookup by id.
      const at = queue[head];
      for (let j = outStart[at]; j < outStart[at + 1]; j++) {
        const by = web[outFlow[j]];
        if (by === 0 || (by === 2 && at === b)) continue;
        const t = target[outFlow[j]];
        if (t === b) continue;
        if (reachedBy[t] !== b) {
          reachedBy[t] = b;
          (origins[t] ??= []).push(elements[b]);
        }
        if (visited[t] !== b && isPassThrough(elements[t])) {
          visited[t] = b;
          queue.push(t);
        }
      }
    }
  }
  return origins;
}

/** Whether browsers send this element requests (with their cookies), directly or through edge components. */
export const browserReached = (ctx: AnalysisContext, e: Element): boolean => browserOriginsOf(ctx, e) !== undefined;

/** The browsers that send this element requests, in no particular order (see `browserOriginsAt`). */
export const browserOriginsOf = (ctx: AnalysisContext, e: Element): readonly Element[] | undefined => {
  const i = ctx.graph.positionOf(e.id);
  return i < 0 ? undefined : browserOriginsAt(ctx)[i];
};

/** Controls that admit only known callers: an element behind them is not open to anyone on the internet. */
export const CALLER_PERIMETER = ['ip-allowlist', 'vpn'] as const;

/**
 * The caller perimeter controls (`CALLER_PERIMETER`) on the element or on every untrusted path into it: its
 * callers from the internet are then the ones these admit (staff signed in to the VPN), not every scanner.
 */
export const admittedThrough = (ctx: AnalysisContext, e: Element): string[] => CALLER_PERIMETER.filter((c) => ctx.elementHas(e, c));

/** Protocols of HTTP requests: what a web application firewall filters and what error pages answer. */
const HTTP_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'mtls', 'graphql', 'grpc', 'grpcs', 'grpc+mtls', 'ws', 'wss']);
/** The catalogue's protocols that are not HTTP (RADIUS over udp, LDAP, SMB, SQL): a custom `x-` one may be. */
const notHttp = (protocol: string): boolean => Object.hasOwn(PROTOCOLS, protocol) && !HTTP_PROTOCOLS.has(protocol);

/**
 * Whether the element takes HTTP(S) requests: an endpoint with a method or a URL path, or a flow into it over
 * HTTP(S), gRPC or WebSocket, a custom protocol or none stated, or over TCP or TLS from an edge component that
 * carries HTTP (a layer-4 load balancer passes a browser's HTTPS through as it is). Only flows over known other
 * protocols (a RADIUS server's udp, a directory's ldap, TCP from a service) say it does not; with no flow into
 * it, nothing says so either.
 */
export const takesHttp = (ctx: AnalysisContext, e: Element): boolean => takesHttpOver(ctx, e, edgesCarryingHttp(ctx));

/** takesHttp, with the edge components known to carry HTTP (`forwarded`: none while these are being found). */
function takesHttpOver(ctx: AnalysisContext, e: Element, forwarded: Uint8Array | undefined): boolean {
  for (let i = 0; i < e.endpoints.length; i++) if (e.endpoints[i].methods.length > 0 || e.endpoints[i].route.startsWith('/')) return true;
  let other = false;
  for (const f of ctx.graph.inFlows(e.id)) {
    if (f.from === e.id) continue;
    if (!f.protocol || !notHttp(f.protocol)) return true;
    if (forwarded !== undefined && FORWARDED_AS_IS.has(f.protocol) && forwarded[ctx.graph.positionOf(f.from)] === 1) return true;
    other = true;
  }
  return !other;
}

/**
 * Per element (by position), whether an edge component carries HTTP requests: it takes them itself, or another
 * that carries them passes them on over TCP or TLS. Found forwards from the edge components that take HTTP
 * themselves, each flow followed once, so that a chain of thousands of load balancers (or a loop of them) is one
 * pass and the answer does not depend on which element is asked first.
 */
const edgesCarryingHttp: (ctx: AnalysisContext) => Uint8Array = perModel(findEdgesCarryingHttp);

function findEdgesCarryingHttp(ctx: AnalysisContext): Uint8Array {
  const elements = ctx.graph.model.elements;
  const flows = ctx.graph.model.flows;
  const { outStart, outFlow } = ctx.adjacency;
  const target = ctx.graph.flowTarget;
  const carries = new Uint8Array(elements.length);
  const queue: number[] = [];
  for (let i = 0; i < elements.length; i++) {
    if (isPassThrough(elements[i]) && takesHttpOver(ctx, elements[i], undefined)) {
      carries[i] = 1;
      queue.push(i);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head];
    for (let j = outStart[at]; j < outStart[at + 1]; j++) {
      const t = target[outFlow[j]];
      if (t < 0 || carries[t] === 1 || !isPassThrough(elements[t]) || !FORWARDED_AS_IS.has(flows[outFlow[j]].protocol)) continue;
      carries[t] = 1;
      queue.push(t);
    }
  }
  return carries;
}

/**
 * Distinct assets in first-seen order. An asset impact depends only on which assets are at stake, so a
 * group of flows that carries the same asset many times is rated from each asset once.
 */
export class AssetSet {
  readonly list: Asset[] = [];
  private readonly seen = new Set<Asset>();

  add(a: Asset): void {
    if (this.seen.has(a)) return;
    this.seen.add(a);
    this.list.push(a);
  }

  addAll(assets: readonly Asset[]): void {
    for (let i = 0; i < assets.length; i++) this.add(assets[i]);
  }

  /** The assets a flow carries (as `assetsOfFlow`: its data in order, unknown ids skipped). */
  addFlow(ctx: AnalysisContext, f: Flow): void {
    for (let i = 0; i < f.data.length; i++) {
      const a = ctx.graph.assets.get(f.data[i]);
      if (a !== undefined) this.add(a);
    }
  }
}

/** A kind of target rules look for among an element's flows (databases, log stores, language models). */
export interface TargetKind {
  readonly bit: number;
  readonly pick: (target: Element) => boolean;
  /** Whether an element's flows to itself count. */
  readonly withSelf: boolean;
}

const targetKinds: TargetKind[] = [];

/** Declares a kind of target (at module load): all kinds are then found in one pass over the flows. */
export function targetKind(pick: (target: Element) => boolean, withSelf = false): TargetKind {
  if (targetKinds.length === 31) throw new Error('too many target kinds for one bit mask');
  const kind = { bit: 1 << targetKinds.length, pick, withSelf };
  targetKinds.push(kind);
  return kind;
}

type TargetTable = (Flow[] | undefined)[];

/**
 * Per kind, per source element (by position), its flows to targets of that kind in model order: one pass
 * over the flows per analysis, with each kind asked once per element. Rules that ask every exposed
 * process about its targets of one kind then read a slot. Every such flow's target is a known element.
 */
const targetTables: (ctx: AnalysisContext) => Map<TargetKind, TargetTable> = perModel(findTargets);

function findTargets(ctx: AnalysisContext): Map<TargetKind, TargetTable> {
  const { graph } = ctx;
  const { elements, flows } = graph.model;
  const kinds = targetKinds.slice();
  const mask = new Int32Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    let m = 0;
    for (let j = 0; j < kinds.length; j++) if (kinds[j].pick(elements[i])) m |= kinds[j].bit;
    mask[i] = m;
  }
  const lists: TargetTable[] = kinds.map(() => new Array(elements.length));
  for (let k = 0; k < flows.length; k++) {
    const s = graph.flowSource[k];
    const t = graph.flowTarget[k];
    if (s < 0 || t < 0 || mask[t] === 0) continue;
    for (let j = 0; j < kinds.length; j++) {
      if ((mask[t] & kinds[j].bit) === 0 || (s === t && !kinds[j].withSelf)) continue;
      (lists[j][s] ??= []).push(flows[k]);
    }
  }
  const tables = new Map<TargetKind, TargetTable>();
  for (let j = 0; j < kinds.length; j++) tables.set(kinds[j], lists[j]);
  return tables;
}

/** Per element (by position), its flows to targets of a kind, in model order; undefined where it has none. */
export const targetsByPosition = (ctx: AnalysisContext, kind: TargetKind): readonly (Flow[] | undefined)[] =>
  targetTables(ctx).get(kind)!;

/** The element's flows to targets of a kind, in model order; undefined when it has none. */
export function targetsOfKind(ctx: AnalysisContext, kind: TargetKind, e: Element): Flow[] | undefined {
  const i = ctx.graph.positionOf(e.id);
  return i < 0 ? undefined : targetsByPosition(ctx, kind)[i];
}

/** The element a flow of `targetsOfKind` reaches. */
export const targetOf = (ctx: AnalysisContext, f: Flow): Element => ctx.graph.elements.get(f.to)!;

/**
 * The flows into a target that a flow rule reports (`open`), in model order, found once per target and rule:
 * such a rule makes one finding per target at the first of them, naming them all (findings made per flow
 * would be merged by the engine under the first one's words).
 */
export function openFlowsInto(ctx: AnalysisContext, ruleId: string, target: string, open: (f: Flow) => boolean): readonly Flow[] {
  const table = perElement<readonly Flow[]>(ctx, `open-flows:${ruleId}`);
  let flows = table.get(target);
  if (flows === undefined) {
    flows = ctx.graph.inFlows(target).filter(open);
    table.set(target, flows);
  }
  return flows;
}

/** The names of the flows' targets, each once, in order: several flows often reach one target. */
export const targetNames = (ctx: AnalysisContext, flows: readonly Flow[]): string =>
  [...new Set(flows.map((f) => ctx.graph.elements.get(f.to)?.name ?? f.to))].sort().join(', ');
