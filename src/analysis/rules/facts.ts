// Derived facts several rule families ask about (whether something in front authenticates, which people
// and brokers are involved, which assets are sensitive). Memoised per analysis context,
// so a rule asking about every element stays linear in the size of the model.
import type { AuthMethod } from '../../model/catalog.js';
import type { ModelGraph } from '../../model/graph.js';
import { landsOnOpenEndpoint, tokenRouteNoPassword } from '../../model/normalize.js';
import { carriesMessages } from '../../model/sanity.js';
import type { Asset, Element, Endpoint, Flow, ModelPath } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { isPluralName } from './grammar.js';

// The memo lives on the context, so a finished analysis (the model and every derived fact) can be collected:
// a process that analyses many times, like an editor or the web UI, must not keep the previous model alive.
export function cached<T>(ctx: AnalysisContext, key: string, compute: () => T): T {
  const m = ctx.memo;
  const value = m.get(key) as T | undefined;
  if (value !== undefined || m.has(key)) return value as T;
  const computed = compute();
  m.set(key, computed);
  return computed;
}

const RUNNING_RULES = 'running-rules';

/** Records the ids of the rules a run checks (the engine does, before any check), for `ruleRuns`. */
export function recordRunningRules(ctx: AnalysisContext, rules: readonly { id: string }[]): void {
  ctx.memo.set(RUNNING_RULES, new Set(rules.map((r) => r.id)));
}

/**
 * Whether the run checks a rule: a rule that leaves a finding to another asks first, so that one disabled in the
 * model's `rules:` leaves it nothing (and so does a run of chosen rules without it). True for a check called
 * outside a run (none recorded), which keeps the library's division of findings.
 */
export function ruleRuns(ctx: AnalysisContext, id: string): boolean {
  const running = ctx.memo.get(RUNNING_RULES) as ReadonlySet<string> | undefined;
  return running === undefined || running.has(id);
}

/** A per-context table of facts by element id, under `name`: for facts asked about every element. */
export function perElement<V>(ctx: AnalysisContext, name: string): Map<string, V> {
  const m = ctx.memo;
  let table = m.get(name) as Map<string, V> | undefined;
  if (table === undefined) {
    table = new Map();
    m.set(name, table);
  }
  return table;
}

/**
 * A per-context table of facts by element position (`model.elements`), under `name`: an array read by
 * index, for facts asked about most elements. Empty slots are facts not computed yet.
 */
function byPosition<V>(ctx: AnalysisContext, name: string): (V | undefined)[] {
  const m = ctx.memo;
  let table = m.get(name) as (V | undefined)[] | undefined;
  if (table === undefined) {
    table = new Array<V | undefined>(ctx.graph.model.elements.length).fill(undefined);
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
/** Credentials a person signs in with: anyone who can open an account holds one (unlike an API key or a client certificate). */
export const USER_CREDENTIALS: ReadonlySet<string> = new Set(['session-cookie', 'jwt', 'oauth2', 'oidc', 'saml', 'basic', 'password', 'kerberos']);
/** Authentication that rests on a static secret someone has to store (as opposed to mTLS, IAM roles, Kerberos). */
export const STATIC_SECRET_AUTH: ReadonlySet<string> = new Set(['api-key', 'password', 'basic', 'hmac', 'ssh-key']);
/** Calls that never leave the host. */
export const LOCAL_PROTOCOLS: ReadonlySet<string> = new Set(['ipc', 'file', 'in-process']);
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const defined = <T>(x: T | undefined): x is T => x !== undefined;

export function assetList(ctx: AnalysisContext, ids: readonly string[]): Asset[] {
  const out: Asset[] = [];
  for (let i = 0; i < ids.length; i++) {
    const a = ctx.graph.assets.get(ids[i]);
    if (a !== undefined) out.push(a);
  }
  return out;
}

/** What an event on a webhook can change: the data it accepts, or, when the model does not say, what the service holds. */
export function webhookAssets(ctx: AnalysisContext, ep: Endpoint, element: Element): readonly Asset[] {
  const accepted = assetList(ctx, ep.accepts);
  return accepted.length ? accepted : ctx.assetsOf(element.id);
}

/** Money, or data whose integrity the model rates high. */
export const moneyOrHighIntegrity = (a: Asset): boolean => a.type === 'payment' || a.type === 'financial' || a.integrity === 'high';

export const isData = (a: Asset) => a.kind === 'data';
export const highConfidentiality = (assets: readonly Asset[]) => assets.filter((a) => isData(a) && a.confidentiality === 'high');
export const highIntegrity = (assets: readonly Asset[]) => assets.filter((a) => isData(a) && a.integrity === 'high');
export const restricted = (assets: readonly Asset[]) => assets.filter((a) => isData(a) && a.classification === 'restricted');
export const sensitive = (assets: readonly Asset[]) =>
  assets.filter((a) => isData(a) && (a.confidentiality === 'high' || SENSITIVE_TYPES.has(a.type ?? '')));

const NO_ASSETS: readonly Asset[] = Object.freeze([]);

/** The sensitive assets an element touches (shared: read only). */
export function sensitiveAssetsOf(ctx: AnalysisContext, id: string): readonly Asset[] {
  const i = ctx.graph.positionOf(id);
  if (i < 0) return sensitive(ctx.assetsOf(id));
  const table = byPosition<readonly Asset[]>(ctx, 'sensitive-assets');
  let value = table[i];
  if (value === undefined) {
    const all = ctx.assetsOf(id);
    value = all.length === 0 ? NO_ASSETS : sensitive(all);
    table[i] = value;
  }
  return value;
}

/** The restricted assets a store declares (shared: read only). */
export function restrictedStored(ctx: AnalysisContext, store: Element): readonly Asset[] {
  const i = ctx.graph.positionOf(store.id);
  if (i < 0) return restricted(assetList(ctx, store.stores));
  const table = byPosition<readonly Asset[]>(ctx, 'restricted-stored');
  let value = table[i];
  if (value === undefined) {
    value = store.stores.length === 0 ? NO_ASSETS : restricted(assetList(ctx, store.stores));
    table[i] = value;
  }
  return value;
}

/** Asset names, unique and sorted, for titles and descriptions. */
export function assetNames(assets: readonly Asset[]): string {
  // Most lists hold one or two assets: no set, no sort, no join for those.
  if (assets.length === 1) return assets[0].name;
  if (assets.length === 2) {
    const a = assets[0].name;
    const b = assets[1].name;
    return a === b ? a : a < b ? `${a}, ${b}` : `${b}, ${a}`;
  }
  const names: string[] = new Array(assets.length);
  for (let i = 0; i < assets.length; i++) names[i] = assets[i].name;
  names.sort();
  let unique = 1;
  for (let i = 1; i < names.length; i++) if (names[i] !== names[unique - 1]) names[unique++] = names[i];
  names.length = Math.min(unique, names.length);
  return names.join(', ');
}

/** More than one name as assetNames gives them (each once), or one name in the plural ("Orders"). */
const pluralNames = (assets: readonly Asset[]): boolean =>
  assets.length > 0 && (assets.some((a) => a.name !== assets[0].name) || isPluralName(assets[0].name));
/** The verb agreeing with `assetNames(assets)`: "Card data is", "Card data, Keys are", "Orders are". */
export const isOrAre = (assets: readonly Asset[]): string => (pluralNames(assets) ? 'are' : 'is');
export const hasOrHave = (assets: readonly Asset[]): string => (pluralNames(assets) ? 'have' : 'has');
/** The pronouns standing for `assetNames(assets)`: "it" for Card data, they/them for Orders or several names. */
export const itOrThey = (assets: readonly Asset[]): string => (pluralNames(assets) ? 'they' : 'it');
export const itOrThem = (assets: readonly Asset[]): string => (pluralNames(assets) ? 'them' : 'it');

/** A SQL database: queries built from input are SQL injection's concern. */
export const isSqlStore = (t: Element) => t.traits.includes('sql');
/** A NoSQL database or search index: queries built from input are NoSQL injection's concern. */
export const isNoSqlStore = (t: Element) => t.traits.includes('nosql') && (t.type === 'database' || t.type === 'search-index');

export const isNetworkFlow = (f: Flow) => f.from !== f.to && !LOCAL_PROTOCOLS.has(f.protocol);

/** Credentials named as keys or tokens issued to clients (`Partner API keys`), not passwords people choose. */
export const isIssuedKey = (a: Asset): boolean =>
  /\b(api[- _]?keys?|access[- _]?keys?|tokens?|client[- _]?secrets?)\b/i.test(`${a.id} ${a.name}`) && !/password|passphrase|pin\b/i.test(`${a.id} ${a.name}`);

export const isBroker = (e: Element | undefined) => e !== undefined && carriesMessages(e);
export const isLlm = (e: Element | undefined) => e !== undefined && (e.type === 'llm' || e.traits.includes('llm'));
export const isPerson = (e: Element | undefined) => e !== undefined && e.kind === 'external' && PEOPLE_TYPES.has(e.type ?? '');
export const isPrivilegedPerson = (e: Element | undefined) =>
  e !== undefined && e.kind === 'external' && PRIVILEGED_PEOPLE.has(e.type ?? '');
export const isBrowser = (e: Element | undefined) =>
  e !== undefined && (e.traits.includes('browser') || (e.type === 'user-agent' && !e.traits.includes('mobile')));
/**
 * Whether the element sends requests from a web browser: a browser, or a person whose calls go over HTTP(S) with no
 * browser drawn (a customer calling the shop's web app directly is in a browser: what reaches browsers reaches them).
 */
export const browsesTheWeb = (ctx: AnalysisContext, e: Element | undefined): boolean =>
  isBrowser(e) || (isPerson(e) && ctx.graph.outFlows(e!.id).some((f) => f.to !== e!.id && WEB_PROTOCOLS.has(f.protocol)));
const WEB_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https']);
export const isUserAgent = (e: Element | undefined) =>
  e !== undefined && (e.type === 'user-agent' || e.traits.includes('browser') || e.traits.includes('mobile'));
/** A person or what a person uses (browser, app): a client, never a dependency, and the public on a path. */
export const isPersonOrAgent = (e: Element | undefined): boolean => isPerson(e) || isUserAgent(e);

const inBoundaryOfKind = (ctx: AnalysisContext, e: Element, kind: string): boolean => {
  const chain = ctx.graph.boundaryChain(e.id);
  for (let i = 0; i < chain.length; i++) if (chain[i].kind === kind) return true;
  return false;
};
export const inCloud = (ctx: AnalysisContext, e: Element) =>
  e.traits.includes('cloud') || e.traits.includes('serverless') || inBoundaryOfKind(ctx, e, 'cloud');
export const inContainer = (ctx: AnalysisContext, e: Element) => e.traits.includes('container') || inBoundaryOfKind(ctx, e, 'container');

/** An identity provider: by type, or by a technology the catalogue knows as one (Keycloak, Auth0, Okta...). */
export const isIdentityProvider = (e: Element | undefined): boolean => e !== undefined && (e.type === 'identity-provider' || e.traits.includes('identity'));

/**
 * Whether a login-kind endpoint only turns a sign-in made at an identity provider into a session: a session or
 * token route (`POST /api/auth/session`, not one named for logging in, nor one stating a password credential)
 * on an element with a flow to an identity provider. The password is typed at the provider: credential stuffing
 * and account enumeration are about its sign-in, and the provider's protection (a third party's, usually). Not
 * where credentials (an asset of type `credentials`) reach the route or go from the element to the provider.
 */
export function exchangesProviderSignIn(ctx: AnalysisContext, element: Element, ep: Endpoint): boolean {
  if (ep.kind !== 'login' || !tokenRouteNoPassword(ep.route, ep.auth)) return false;
  // A password the route takes, or passes on to the provider (an OAuth password grant), is typed here.
  const isPassword = (id: string) => ctx.graph.assets.get(id)?.type === 'credentials';
  if (ep.accepts.some(isPassword)) return false;
  if (ctx.graph.inFlows(element.id).some((f) => f.endpoint === ep.id && f.data.some(isPassword))) return false;
  let provider = false;
  for (const f of ctx.graph.outFlows(element.id)) {
    if (f.to === element.id || !isIdentityProvider(ctx.graph.elements.get(f.to))) continue;
    if (f.data.some(isPassword)) return false;
    provider = true;
  }
  return provider;
}

/** A loopback address or name in a flow's name: `localhost`, `127.0.0.1` (any of 127/8), `[::1]`, "loopback". */
const LOOPBACK = /(?:^|[^\w.-])(?:localhost|loopback|127(?:\.\d{1,3}){3}|\[?::1\]?)(?![\w-])/i;
/**
 * A loopback address in a flow's description, written as one (`localhost:5432`, `http://localhost`, `127.0.0.1`,
 * `[::1]`): prose that mentions localhost ("pointed at localhost in development") says nothing of production.
 */
const LOOPBACK_ADDRESS = /(?:^|[^\w.-])(?:(?:[a-z][a-z0-9+.-]*:\/\/)localhost(?![\w-])|localhost:\d+|127(?:\.\d{1,3}){3}|\[::1\])/i;
/** A proxy or agent deployed beside one service, sharing its host or pod (an Envoy, Linkerd or Dapr sidecar). */
const isSidecar = (e: Element | undefined): boolean => e !== undefined && e.tags.includes('sidecar');

/**
 * Whether a flow stays on one host, never touching a network: its name gives a loopback address or says loopback,
 * or its description gives a loopback address (`localhost:5432`, `127.0.0.1`), or it joins a sidecar (tagged
 * `sidecar`) to the service it sits beside, both placed directly in the same boundary (a pod, a host). Reading or
 * changing such traffic takes code running on that host, not a position on the network.
 */
export function staysOnHost(flow: Flow, from: Element | undefined, to: Element | undefined): boolean {
  if ((flow.name !== undefined && LOOPBACK.test(flow.name)) || (flow.description !== undefined && LOOPBACK_ADDRESS.test(flow.description))) return true;
  if (from === undefined || to === undefined || from === to || (!isSidecar(from) && !isSidecar(to))) return false;
  return from.boundary === to.boundary && from.boundary !== undefined;
}

/**
 * Whether every untrusted request reaching the element has been authenticated on the way: by the call
 * itself (its flow, or the endpoint it names), or by an edge component in front (a gateway validating
 * tokens) that every such path crosses. Requests relayed by other application code are that code's
 * business, so only untrusted sources and pass-through edges are followed.
 */
export function authenticatedUpstream(ctx: AnalysisContext, e: Element): boolean {
  const table = perElement<boolean>(ctx, 'authenticated-upstream');
  let answer = table.get(e.id);
  if (answer === undefined) {
    answer = walk(e.id, new Set());
    table.set(e.id, answer);
  }
  return answer;
  // True when the element has inbound untrusted or forwarded flows and every one of them is authenticated.
  function walk(id: string, seen: Set<string>): boolean {
    if (seen.has(id)) return true;
    seen.add(id);
    const inFlows = ctx.graph.inFlows(id);
    let inbound = 0;
    for (let i = 0; i < inFlows.length; i++) {
      const f = inFlows[i];
      const src = bringsUntrusted(ctx, id, f);
      if (src === false) continue;
      inbound++;
      if (!authenticatedOnTheWay(ctx, f, src, (edge) => walk(edge.id, seen))) return false;
    }
    return inbound > 0;
  }
}

/**
 * The flows into an element that bring untrusted requests, split by whether each is authenticated on the
 * way: `authenticatedUpstream` flow by flow, for a finding that names the open paths.
 */
export function untrustedPaths(ctx: AnalysisContext, e: Element): { authenticated: Flow[]; open: Flow[] } {
  const authenticated: Flow[] = [];
  const open: Flow[] = [];
  for (const f of ctx.graph.inFlows(e.id)) {
    const src = bringsUntrusted(ctx, e.id, f);
    if (src === false) continue;
    (authenticatedOnTheWay(ctx, f, src, (edge) => authenticatedUpstream(ctx, edge)) ? authenticated : open).push(f);
  }
  return { authenticated, open };
}

/**
 * A flow into `id` from an untrusted source or through an edge component: its source (undefined when the
 * model has none by that id); false for any other flow (requests relayed by application code are that code's).
 */
function bringsUntrusted(ctx: AnalysisContext, id: string, f: Flow): Element | undefined | false {
  if (f.from === id) return false;
  const src = ctx.graph.elements.get(f.from);
  return ctx.isUntrustedSource(f.from) || isPassThrough(src) ? src : false;
}

/**
 * The call carries credentials (carriesCredential), or comes through an edge that authenticates or is itself
 * reached only authenticated.
 */
const authenticatedOnTheWay = (ctx: AnalysisContext, f: Flow, src: Element | undefined, upstream: (edge: Element) => boolean): boolean =>
  carriesCredential(ctx.graph, f) ||
  (src !== undefined && isPassThrough(src) && (edgeAuthenticates(ctx, src) || upstream(src)));

/**
 * Whether an edge authenticates whatever it forwards by what it declares itself: its `authentication`, or its
 * `auth` unless an untrusted call into it that carries no credential can land on an endpoint of it that says
 * `public` or `auth: none` (the endpoint's statement wins there, and the edge forwards that call unchecked).
 */
function edgeAuthenticates(ctx: AnalysisContext, edge: Element): boolean {
  if (edge.controls.includes('authentication')) return true;
  if (edge.auth === undefined || edge.auth === 'none') return false;
  const table = perElement<boolean>(ctx, 'edge-authenticates');
  let answer = table.get(edge.id);
  if (answer === undefined) {
    answer = !ctx.graph.inFlows(edge.id).some((g) => bringsUntrusted(ctx, edge.id, g) !== false && !carriesCredential(ctx.graph, g) && landsOnOpenEndpoint(edge, g.endpoint, g.from));
    table.set(edge.id, answer);
  }
  return answer;
}

/**
 * Whether a call is authenticated by what it names: the flow's `auth` or `authentication`, else the endpoint
 * it names (its `auth` as callAuthMethod gives it, the element's when it inherits it, or `authentication`
 * on it). A call naming no endpoint is not credited with its target's `auth`: at an edge in front that is
 * the edge's own `auth`, asked of the next hop; at the element asked about, its callers judge its `auth`
 * themselves, and a call naming no endpoint may land on a public one of it (see web.ts writersOf).
 */
function carriesCredential(graph: ModelGraph, f: Flow): boolean {
  if (f.auth !== 'none' || f.controls.includes('authentication')) return true;
  if (f.endpoint === undefined) return false;
  const ep = graph.endpoints.get(f.endpoint);
  return ep !== undefined && (callAuthMethod(graph, f) !== 'none' || ep.controls.includes('authentication'));
}

/** Sources of flows into a broker (producers) and targets of its flows (consumers), one per flow (shared: read only). */
export function producersOf(ctx: AnalysisContext, broker: Element): Element[] {
  return peers(ctx, broker, 'producers', ctx.graph.flowSource, ctx.adjacency.inStart, ctx.adjacency.inFlow);
}
export function consumersOf(ctx: AnalysisContext, broker: Element): Element[] {
  return peers(ctx, broker, 'consumers', ctx.graph.flowTarget, ctx.adjacency.outStart, ctx.adjacency.outFlow);
}

/** The other ends of the element's flows in one direction, in model order, memoised (asked once per flow). */
function peers(ctx: AnalysisContext, e: Element, name: string, end: Int32Array, start: Int32Array, edges: Int32Array): Element[] {
  const i = ctx.graph.positionOf(e.id);
  if (i < 0) return [];
  const table = byPosition<Element[]>(ctx, name);
  let list = table[i];
  if (list === undefined) {
    const nodes = ctx.graph.model.elements;
    list = [];
    for (let j = start[i]; j < start[i + 1]; j++) {
      const other = nodes[end[edges[j]]];
      if (other.id !== e.id) list.push(other);
    }
    table[i] = list;
  }
  return list;
}

const STATE_CHANGING_KINDS: ReadonlySet<string> = new Set(['upload', 'admin', 'register', 'password-reset', 'login']);

/** Endpoints that change state: a state-changing method, or a kind that always does. */
export function changesState(ep: Endpoint): boolean {
  for (let i = 0; i < ep.methods.length; i++) if (STATE_CHANGING_METHODS.has(ep.methods[i])) return true;
  return STATE_CHANGING_KINDS.has(ep.kind);
}

/** A flow's target endpoint, when the flow names one. */
export const endpointOfFlow = (ctx: AnalysisContext, f: Flow): Endpoint | undefined =>
  f.endpoint ? ctx.graph.endpoints.get(f.endpoint) : undefined;

/** A component that keeps its users' sessions in cookies (its `auth`, or an endpoint's): it looks up session records. */
export const keepsSessions = (e: Element): boolean =>
  e.auth === 'session-cookie' || e.endpoints.some((ep) => ep.auth === 'session-cookie');

/** How a call authenticates and where the model says so. */
export interface CallAuth {
  method: AuthMethod;
  /**
   * Where the method is declared: the flow, the endpoint it names (its element's `auth` when the endpoint
   * inherits it), or its target element's `auth` (the flow when none says).
   */
  at: ModelPath;
}

/**
 * How the caller of a flow authenticates: the flow's own `auth`; else that of the endpoint it names (the
 * endpoint's own, else its element's, else the one the flows reaching it all state, `none` when public);
 * else its target element's `auth`, which is how callers authenticate by default, unless the flow is a
 * broker's delivery (isDelivery). `none` when none of them says. Rules that ask what credential a call
 * carries read this, so that `auth: jwt` on an API needs no restating on every flow into it.
 */
export function callAuth(ctx: AnalysisContext, f: Flow): CallAuth {
  if (f.auth !== 'none') return { method: f.auth, at: f.at };
  const ep = endpointOfFlow(ctx, f);
  if (ep !== undefined) return { method: ep.auth, at: endpointAuthAt(ctx, ep) };
  const target = ctx.graph.elements.get(f.to);
  if (target?.auth !== undefined && target.auth !== 'none' && !isDelivery(ctx.graph, f)) return { method: target.auth, at: [...target.at, 'auth'] };
  return { method: 'none', at: f.at };
}

/**
 * Whether a flow out of a broker delivers messages to a consumer (a process, a device, a partner): the consumer
 * opens the connection it reads over, with its own credentials toward the broker, so the consumer's `auth` (how
 * its callers reach its API) says nothing of the delivery. A store or another broker the flow writes to is
 * called as any store is, with that store's auth.
 */
export function isDelivery(graph: ModelGraph, f: Flow): boolean {
  const target = graph.elements.get(f.to);
  return f.from !== f.to && target !== undefined && target.kind !== 'store' && isBroker(graph.elements.get(f.from));
}

/**
 * The connection a consumer reads a broker's delivery over: its own flow into the broker, the first (in model
 * order) that carries a credential (callAuthMethod), else its first; undefined when it draws none.
 */
export function consumerConnection(graph: ModelGraph, delivery: Flow): Flow | undefined {
  let first: Flow | undefined;
  for (const g of graph.inFlows(delivery.from)) {
    if (g.from !== delivery.to || !isNetworkFlow(g)) continue;
    if (callAuthMethod(graph, g) !== 'none') return g;
    first ??= g;
  }
  return first;
}

/**
 * How a flow across a trust boundary authenticates, as the crossings table states it: callAuthMethod, except
 * that a delivery out of a broker naming no endpoint and stating no auth is read over the consumer's own
 * connection to the broker (consumerConnection), else asks the broker's own `auth` of its clients.
 */
export function crossingAuthMethod(graph: ModelGraph, f: Flow): AuthMethod {
  const method = callAuthMethod(graph, f);
  if (method !== 'none' || f.endpoint !== undefined || !isDelivery(graph, f)) return method;
  const connection = consumerConnection(graph, f);
  return connection === undefined ? (graph.elements.get(f.from)?.auth ?? 'none') : callAuthMethod(graph, connection);
}

/**
 * Whether an endpoint's auth is the one a gateway or other edge in front asks of every call through it: the
 * model cites that edge's `auth` (an element's path) rather than a flow's (normalize.ts lendFlowAuth).
 */
export const authAskedInFront = (ep: Endpoint): boolean => ep.authAt !== undefined && ep.authAt[0] === 'elements';
/** The element in front whose own `auth` an endpoint takes (see authAskedInFront), if any. */
export const authAskerOf = (ctx: AnalysisContext, ep: Endpoint): Element | undefined =>
  authAskedInFront(ep) ? ctx.graph.elements.get(String(ep.authAt![1])) : undefined;

/**
 * Where an endpoint's auth is written: the flow it takes it from when neither it nor its element states one
 * (Endpoint.authAt); an endpoint that asks for its element's auth inherits it (the model cannot tell a
 * restated one apart, and the element's is written either way); else the endpoint itself.
 */
function endpointAuthAt(ctx: AnalysisContext, ep: Endpoint): ModelPath {
  if (ep.authAt !== undefined) return ep.authAt;
  const owner = ctx.graph.elements.get(ep.element);
  return !ep.public && owner?.auth === ep.auth ? [...owner.at, 'auth'] : ep.at;
}

/**
 * callAuth's method alone, from the graph: the engine's gates and the boundary crossings ask it of every
 * flow (before any analysis context exists, for the crossings), so it builds nothing.
 */
export function callAuthMethod(graph: ModelGraph, f: Flow): AuthMethod {
  if (f.auth !== 'none') return f.auth;
  const ep = f.endpoint ? graph.endpoints.get(f.endpoint) : undefined;
  if (ep !== undefined) return ep.auth;
  return isDelivery(graph, f) ? 'none' : (graph.elements.get(f.to)?.auth ?? 'none');
}

/**
 * Whether a call from `from` can land on the endpoint as far as its `callers` go: they keep others out only where
 * something enforces them (`ctx.callerCheck`); otherwise they say who is meant to call it, and an attacker who
 * reaches the element is not stopped for being no caller.
 */
export const admitsCaller = (ctx: AnalysisContext, ep: Endpoint, from: string): boolean =>
  ep.callers === undefined || ep.callers.includes(from) || ctx.callerCheck(ep) === undefined;

/** Whether a flow into the endpoint's element can land on it: the flow names it, or names none and its source is admitted (admitsCaller). */
export const flowLandsOn = (ctx: AnalysisContext, f: Flow, ep: Endpoint): boolean =>
  f.endpoint !== undefined ? f.endpoint === ep.id : admitsCaller(ctx, ep, f.from);

/**
 * An endpoint the public uses: open to any caller, or to people and their browsers among its `callers`, or
 * listing others that nothing enforces (the public reaching the element reaches it too).
 */
export const openToPublic = (ctx: AnalysisContext, ep: Endpoint): boolean =>
  !ep.callers || ep.callers.some((id) => isPersonOrAgent(ctx.graph.elements.get(id))) || ctx.callerCheck(ep) === undefined;

/**
 * Whether a control is in place on the paths the public uses: for an element with endpoints, every
 * endpoint open to the public (openToPublic; endpoints whose `callers` are partners' or services' arrive
 * their own way); otherwise the element itself.
 */
export function publicPathsHave(ctx: AnalysisContext, e: Element, control: string): boolean {
  let open = 0;
  for (let i = 0; i < e.endpoints.length; i++) {
    const ep = e.endpoints[i];
    if (!openToPublic(ctx, ep)) continue;
    open++;
    if (!ctx.endpointHas(ep, control)) return false;
  }
  return open > 0 || ctx.elementHas(e, control);
}

/**
 * MFA on an endpoint, or on the sign-in that issues its session or token: the element's login endpoints hand out the
 * session cookie, so MFA on every one of them covers the endpoints that take that cookie (an admin who must pass
 * MFA to get the cookie is MFA-protected); a token from an identity provider is issued past that provider's MFA
 * (providerMfa). Shared by privileged-user-phishing, admin-without-mfa, exposed-admin-interface and
 * exposed-admin-panel, so that they agree on who is protected.
 */
export function endpointMfa(ctx: AnalysisContext, element: Element, ep: Endpoint): boolean {
  if (ctx.endpointHas(ep, 'mfa')) return true;
  if (ep.auth === 'session-cookie' && loginsAskMfa(ctx, element)) return true;
  return providerMfa(ctx, element, ep.auth) !== undefined;
}

/** Whether the element has login endpoints and every one asks for MFA: once per element (asked per endpoint). */
function loginsAskMfa(ctx: AnalysisContext, element: Element): boolean {
  const table = perElement<boolean>(ctx, 'logins-ask-mfa');
  let known = table.get(element.id);
  if (known === undefined) {
    const logins = element.endpoints.filter((x) => x.kind === 'login');
    known = logins.length > 0 && logins.every((x) => ctx.endpointHas(x, 'mfa'));
    table.set(element.id, known);
  }
  return known;
}

/**
 * MFA where people sign in to an element: on it (or its boundary), on every one of its login endpoints (which
 * issue its session), on every flow into it from a person or their browser or app, or at the identity providers
 * that issue the token it takes (providerMfa, for the `auth` it or its callers state).
 */
export function signInMfa(ctx: AnalysisContext, e: Element): boolean {
  return ownSignInMfa(ctx, e) || signInProvidersMfa(ctx, e) !== undefined;
}

/** The identity providers whose MFA guards people's sign-in to the element, for the `auth` it or its callers state (see providerMfa). */
export const signInProvidersMfa = (ctx: AnalysisContext, e: Element): string[] | undefined => providerMfa(ctx, e, signInAuth(ctx, e));

/** signInMfa asked of the element's own sign-in alone: an identity provider's, not followed to another provider. */
function ownSignInMfa(ctx: AnalysisContext, e: Element): boolean {
  if (ctx.elementHas(e, 'mfa') || loginsAskMfa(ctx, e)) return true;
  const people = ctx.graph.inFlows(e.id).filter((f) => isPersonOrAgent(ctx.graph.elements.get(f.from)));
  return people.length > 0 && people.every((f) => f.controls.includes('mfa'));
}

/**
 * The credential people sign in to an element with: its `auth`, else the one every flow into it states (the same
 * on each); `none` when neither says.
 */
function signInAuth(ctx: AnalysisContext, e: Element): AuthMethod {
  if (e.auth !== undefined && e.auth !== 'none') return e.auth;
  let stated: AuthMethod = 'none';
  for (const f of ctx.graph.inFlows(e.id)) {
    if (f.from === e.id) continue;
    if (f.auth === 'none' || (stated !== 'none' && f.auth !== stated)) return 'none';
    stated = f.auth;
  }
  return stated;
}

/**
 * The rules' words for providerMfa, for their conditions: where MFA at an identity provider counts for a sign-in
 * (the person's own flows to the provider count for privileged-user-phishing, which judges one person).
 */
export const PROVIDER_MFA_TERMS =
  'at the identity providers that issue the token it takes: when that is `oidc`, `saml`, `oauth2` or `jwt` and the element has no login endpoint of its own that hands it out without MFA (one that only turns the provider\'s sign-in into a session does not count), every identity provider (type `identity-provider`, or an identity tech such as `okta` or `keycloak`) that the element or a forwarding element in front has a flow to (else that the people signing in have a flow to) has `mfa` on it, its boundary or its login endpoints, or on every flow into it from a person or their browser or app';

/** Credentials a person gets by signing in at an identity provider: its tokens and assertions. */
const PROVIDER_CREDENTIALS: ReadonlySet<string> = new Set(['oidc', 'saml', 'oauth2', 'jwt']);

/** The elements a call reaches an element through (forwarding elements in front), and the people who make it. */
interface SignInWay {
  /** Forwarding elements (proxy, gateway, load balancer, CDN) in front, through further ones. */
  fronts: Element[];
  /** People, or their browsers or apps, calling the element or a forwarding element in front. */
  people: Element[];
  /** The identity providers the element or a forwarding element in front has flows to. */
  providers: Element[];
}

/** The way people reach an element and the providers on it (see SignInWay), walked once per element. */
function signInWay(ctx: AnalysisContext, e: Element): SignInWay {
  const table = perElement<SignInWay>(ctx, 'sign-in-way');
  let way = table.get(e.id);
  if (way === undefined) {
    way = { fronts: [], people: [], providers: [] };
    const seen = new Set<string>([e.id]);
    const queue: string[] = [e.id];
    for (let head = 0; head < queue.length; head++) {
      for (const f of ctx.graph.inFlows(queue[head])) {
        const src = ctx.graph.elements.get(f.from);
        if (src === undefined || seen.has(src.id)) continue;
        seen.add(src.id);
        if (isPersonOrAgent(src)) way.people.push(src);
        else if (src.kind === 'process' && isPassThrough(src)) {
          way.fronts.push(src);
          queue.push(src.id);
        }
      }
    }
    way.providers = providersCalledBy(ctx, [e, ...way.fronts]);
    table.set(e.id, way);
  }
  return way;
}

/** The identity providers the elements have flows to, each once, in model order of the flows. */
function providersCalledBy(ctx: AnalysisContext, from: readonly Element[]): Element[] {
  const out: Element[] = [];
  for (const e of from) {
    for (const f of ctx.graph.outFlows(e.id)) {
      const to = ctx.graph.elements.get(f.to);
      if (to !== undefined && to.id !== e.id && isIdentityProvider(to) && !out.includes(to)) out.push(to);
    }
  }
  return out;
}

/**
 * Whether people get the element's session or token only by signing in at an identity provider: every login
 * endpoint of its own either just turns the provider's sign-in into a session (exchangesProviderSignIn) or asks
 * for MFA itself. A local password login without MFA is another way to the same token.
 */
function onlyProviderSignIn(ctx: AnalysisContext, e: Element): boolean {
  // Asked per endpoint of the element: its logins are read once.
  const table = perElement<boolean>(ctx, 'only-provider-sign-in');
  let known = table.get(e.id);
  if (known === undefined) {
    known = e.endpoints.every((ep) => ep.kind !== 'login' || ctx.endpointHas(ep, 'mfa') || exchangesProviderSignIn(ctx, e, ep));
    table.set(e.id, known);
  }
  return known;
}

/**
 * The identity providers whose MFA guards a sign-in to the element with the credential `auth`, by name; undefined
 * when none does. The credential must be one a provider issues (`oidc`, `saml`, `oauth2`, `jwt`), the element must
 * have no login of its own that hands it out without MFA, and the providers are those the element or a forwarding
 * element in front has flows to (it redirects there, or checks tokens against their keys), else those the people
 * signing in (`person`, else everyone calling it or a forwarding element in front) have flows to. Every one of
 * them must ask for MFA: on the provider (its boundary, its login endpoints), on every flow into it from a person or
 * their browser or app, or on `person`'s own flows to it.
 */
export function providerMfa(ctx: AnalysisContext, e: Element, auth: string, person?: Element): string[] | undefined {
  if (!PROVIDER_CREDENTIALS.has(auth) || !onlyProviderSignIn(ctx, e)) return undefined;
  const way = signInWay(ctx, e);
  let providers = way.providers;
  if (providers.length === 0) providers = providersCalledBy(ctx, person !== undefined ? [person] : way.people);
  if (providers.length === 0) return undefined;
  const asks = (p: Element): boolean => ownSignInMfa(ctx, p) || (person !== undefined && personMfaAt(ctx, person, p));
  return providers.every(asks) ? providers.map((p) => p.name).sort() : undefined;
}

/** MFA on every flow from the person to the provider (at least one). */
function personMfaAt(ctx: AnalysisContext, person: Element, provider: Element): boolean {
  const flows = ctx.graph.outFlows(person.id).filter((f) => f.to === provider.id);
  return flows.length > 0 && flows.every((f) => f.controls.includes('mfa'));
}

/**
 * The applications that call an endpoint on behalf of the people who sign in to them (a back office calling the
 * payments service with its own token), when every call that reaches the endpoint (naming it or no endpoint,
 * from a caller it admits: flowLandsOn) comes from one of our processes running application code that people
 * (or their browsers or apps) call, directly or through forwarding elements: nobody signs in at the endpoint itself. Undefined when a person,
 * their browser or app, an untrusted source or a forwarding element calls it, or a caller is called by no person.
 */
export function signInsUpstream(ctx: AnalysisContext, element: Element, ep: Endpoint): Element[] | undefined {
  const out: Element[] = [];
  for (const f of ctx.graph.inFlows(element.id)) {
    if (f.from === element.id || !flowLandsOn(ctx, f, ep)) continue;
    const src = ctx.graph.elements.get(f.from);
    if (src === undefined || src.kind !== 'process' || isPassThrough(src) || ctx.isUntrustedSource(src.id)) return undefined;
    if (!calledByPeople(ctx, src.id, new Set())) return undefined;
    if (!out.includes(src)) out.push(src);
  }
  return out.length ? out : undefined;
}

/** Whether people (or their browsers or apps) call the element: directly, or through forwarding elements in front. */
function calledByPeople(ctx: AnalysisContext, id: string, seen: Set<string>): boolean {
  if (seen.has(id)) return false;
  seen.add(id);
  return ctx.graph.inFlows(id).some((g) => {
    const from = ctx.graph.elements.get(g.from);
    return isPersonOrAgent(from) || (from !== undefined && from.id !== id && isPassThrough(from) && calledByPeople(ctx, from.id, seen));
  });
}
