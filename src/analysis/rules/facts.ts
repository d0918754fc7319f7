// Derived facts several rule families ask about (who reaches an element through edge components, whether
// something in front authenticates, which people and brokers are involved). Memoised per analysis context,
// so a rule asking about every element stays linear in the size of the model.
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';

// Weakly held, so a finished analysis (the model and every derived fact) can be collected: a process that
// analyses many times, like an editor or the web UI, must not keep the previous model alive.
const memo = new WeakMap<AnalysisContext, Map<string, unknown>>();

function memoOf(ctx: AnalysisContext): Map<string, unknown> {
  let m = memo.get(ctx);
  if (!m) {
    m = new Map();
    memo.set(ctx, m);
  }
  return m;
}

export function cached<T>(ctx: AnalysisContext, key: string, compute: () => T): T {
  const m = memoOf(ctx);
  if (m.has(key)) return m.get(key) as T;
  const value = compute();
  m.set(key, value);
  return value;
}

/** A per-context table of facts by element id, under `name`: for facts asked about every element. */
export function perElement<V>(ctx: AnalysisContext, name: string): Map<string, V> {
  const m = memoOf(ctx);
  let table = m.get(name) as Map<string, V> | undefined;
  if (table === undefined) {
    table = new Map();
    m.set(name, table);
  }
  return table;
}

/** People, as opposed to services and devices. */
export const PEOPLE_TYPES: ReadonlySet<string> = new Set(['user', 'admin', 'support-staff', 'developer']);
/** People whose accounts reach more than their own data. */
export const PRIVILEGED_PEOPLE: ReadonlySet<string> = new Set(['admin', 'support-staff', 'developer']);
/** Asset types that belong to one user or customer, so reading someone else's is a breach. */
export const PER_USER_TYPES: ReadonlySet<string> = new Set(['pii', 'payment', 'financial', 'health', 'credentials', 'session', 'business']);
/** Asset types that must never reach logs or third parties unmasked. */
export const SENSITIVE_TYPES: ReadonlySet<string> = new Set(['pii', 'credentials', 'secrets', 'session', 'payment', 'health', 'financial']);
/** Authentication that rests on a static secret someone has to store (as opposed to mTLS, IAM roles, Kerberos). */
export const STATIC_SECRET_AUTH: ReadonlySet<string> = new Set(['api-key', 'password', 'basic', 'hmac', 'ssh-key']);
/** Calls that never leave the host. */
export const LOCAL_PROTOCOLS: ReadonlySet<string> = new Set(['ipc', 'file', 'in-process']);
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const defined = <T>(x: T | undefined): x is T => x !== undefined;

export const assetList = (ctx: AnalysisContext, ids: readonly string[]): Asset[] =>
  ids.map((id) => ctx.graph.assets.get(id)).filter(defined);

export const isData = (a: Asset) => a.kind === 'data';
export const highConfidentiality = (assets: readonly Asset[]) => assets.filter((a) => isData(a) && a.confidentiality === 'high');
export const highIntegrity = (assets: readonly Asset[]) => assets.filter((a) => isData(a) && a.integrity === 'high');
export const restricted = (assets: readonly Asset[]) => assets.filter((a) => isData(a) && a.classification === 'restricted');
export const sensitive = (assets: readonly Asset[]) =>
  assets.filter((a) => isData(a) && (a.confidentiality === 'high' || SENSITIVE_TYPES.has(a.type ?? '')));

/** Per-element memo of a fact derived from the element alone (asked once per flow into it, say). */
function memoised<V>(ctx: AnalysisContext, name: string, id: string, compute: () => V): V {
  const table = perElement<V>(ctx, name);
  let value = table.get(id);
  if (value === undefined) {
    value = compute();
    table.set(id, value);
  }
  return value;
}

/** The sensitive assets an element touches (shared: read only). */
export const sensitiveAssetsOf = (ctx: AnalysisContext, id: string): readonly Asset[] =>
  memoised(ctx, 'sensitive-assets', id, () => sensitive(ctx.assetsOf(id)));

/** The restricted assets a store declares (shared: read only). */
export const restrictedStored = (ctx: AnalysisContext, store: Element): readonly Asset[] =>
  memoised(ctx, 'restricted-stored', store.id, () => restricted(assetList(ctx, store.stores)));

/** Asset names, unique and sorted, for titles and descriptions. */
export const assetNames = (assets: readonly Asset[]) => [...new Set(assets.map((a) => a.name))].sort().join(', ');

export const nameOf = (ctx: AnalysisContext, id: string) => ctx.graph.elements.get(id)?.name ?? id;

export const isNetworkFlow = (f: Flow) => f.from !== f.to && !LOCAL_PROTOCOLS.has(f.protocol);

export const isBroker = (e: Element | undefined) =>
  e !== undefined && (e.type === 'queue' || e.type === 'event-bus' || e.traits.includes('message-broker'));
export const isLlm = (e: Element | undefined) => e !== undefined && (e.type === 'llm' || e.traits.includes('llm'));
export const isPerson = (e: Element | undefined) => e !== undefined && e.kind === 'external' && PEOPLE_TYPES.has(e.type ?? '');
export const isPrivilegedPerson = (e: Element | undefined) =>
  e !== undefined && e.kind === 'external' && PRIVILEGED_PEOPLE.has(e.type ?? '');
export const isBrowser = (e: Element | undefined) =>
  e !== undefined && (e.traits.includes('browser') || (e.type === 'user-agent' && !e.traits.includes('mobile')));
export const isUserAgent = (e: Element | undefined) =>
  e !== undefined && (e.type === 'user-agent' || e.traits.includes('browser') || e.traits.includes('mobile'));

export const inCloud = (ctx: AnalysisContext, e: Element) =>
  e.traits.includes('cloud') || e.traits.includes('serverless') || ctx.graph.boundaryChain(e.id).some((b) => b.kind === 'cloud');
export const inContainer = (ctx: AnalysisContext, e: Element) =>
  e.traits.includes('container') || ctx.graph.boundaryChain(e.id).some((b) => b.kind === 'container');

/**
 * The elements whose requests arrive at `id`, looking through edge components that forward requests
 * unchanged (a browser behind a CDN and a load balancer still talks to the application).
 */
export function originsOf(ctx: AnalysisContext, id: string): readonly Element[] {
  const table = perElement<readonly Element[]>(ctx, 'origins');
  let origins = table.get(id);
  if (origins === undefined) {
    origins = findOrigins(ctx, id);
    table.set(id, origins);
  }
  return origins;
}

function findOrigins(ctx: AnalysisContext, id: string): readonly Element[] {
  const out = new Map<string, Element>();
  const seen = new Set<string>([id]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const f of ctx.graph.inFlows(queue[i])) {
      if (seen.has(f.from)) continue;
      seen.add(f.from);
      const src = ctx.graph.elements.get(f.from);
      if (!src) continue;
      if (isPassThrough(src)) queue.push(src.id);
      else out.set(src.id, src);
    }
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Browsers send this element requests (with their cookies), directly or through edge components. */
export function reachedByBrowsers(ctx: AnalysisContext, e: Element): boolean {
  for (const o of originsOf(ctx, e.id)) if (isBrowser(o)) return true;
  return false;
}

/**
 * Whether every untrusted request reaching the element has been authenticated on the way: by the flow
 * itself, or by an edge component in front (a gateway validating tokens) that every such path crosses.
 * Requests relayed by other application code are that code's business, so only untrusted sources and
 * pass-through edges are followed.
 */
export function authenticatedUpstream(ctx: AnalysisContext, e: Element): boolean {
  const table = perElement<boolean>(ctx, 'authenticated-upstream');
  let answer = table.get(e.id);
  if (answer === undefined) {
    answer = walk(e.id, new Set());
    table.set(e.id, answer);
  }
  return answer;
  function walk(id: string, seen: Set<string>): boolean {
    if (seen.has(id)) return true;
    seen.add(id);
    const inbound = ctx.graph.inFlows(id).filter((f) => {
      if (f.from === id) return false;
      const src = ctx.graph.elements.get(f.from);
      return ctx.isUntrustedSource(f.from) || isPassThrough(src);
    });
    if (inbound.length === 0) return false;
    return inbound.every((f) => {
      if (f.auth !== 'none') return true;
      const src = ctx.graph.elements.get(f.from);
      if (!src || !isPassThrough(src)) return false;
      if ((src.auth && src.auth !== 'none') || src.controls.includes('authentication')) return true;
      return walk(src.id, seen);
    });
  }
}

/** Sources of flows into a broker (producers) and targets of its flows (consumers). */
export function producersOf(ctx: AnalysisContext, broker: Element): Element[] {
  return ctx.graph.inFlows(broker.id).map((f) => ctx.graph.elements.get(f.from)).filter(defined).filter((x) => x.id !== broker.id);
}
export function consumersOf(ctx: AnalysisContext, broker: Element): Element[] {
  return ctx.graph.outFlows(broker.id).map((f) => ctx.graph.elements.get(f.to)).filter(defined).filter((x) => x.id !== broker.id);
}

/** Endpoints that change state: a state-changing method, or a kind that always does. */
export const changesState = (ep: Endpoint) =>
  ep.methods.some((m) => STATE_CHANGING_METHODS.has(m)) ||
  ['upload', 'admin', 'register', 'password-reset', 'login'].includes(ep.kind);

/** A flow's target endpoint, when the flow names one. */
export const endpointOfFlow = (ctx: AnalysisContext, f: Flow): Endpoint | undefined =>
  f.endpoint ? ctx.graph.endpoints.get(f.endpoint) : undefined;

/** Elements the flows out of `e` reach, of the given kind of target. */
const NO_TARGETS: readonly never[] = Object.freeze([]);

export function targetsOf(ctx: AnalysisContext, e: Element, pick: (t: Element) => boolean): ReadonlyArray<{ flow: Flow; target: Element }> {
  // Asked of every exposed process: most have no such target, and then no list is made.
  let hits: Array<{ flow: Flow; target: Element }> | undefined;
  for (const flow of ctx.graph.outFlows(e.id)) {
    if (flow.to === e.id) continue;
    const target = ctx.graph.elements.get(flow.to);
    if (target !== undefined && pick(target)) (hits ??= []).push({ flow, target });
  }
  return hits ?? NO_TARGETS;
}

/**
 * Whether a control is in place on the paths the public uses: for an element with endpoints, every
 * endpoint open to any caller (partner-only endpoints with `callers` arrive their own way); otherwise
 * the element itself.
 */
export function publicPathsHave(ctx: AnalysisContext, e: Element, control: string): boolean {
  const open = e.endpoints.filter((ep) => !ep.callers);
  if (open.length === 0) return ctx.elementHas(e, control);
  return open.every((ep) => ctx.endpointHas(ep, control));
}
