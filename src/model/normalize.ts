// Turns a validated raw model into the normalised model: defaults applied so that models stay short
// (an https flow is encrypted, a postgres element is a store, /login is a login endpoint...).
import { flat } from './flat.js';
import {
  AUTH_ALIASES, type AuthMethod, type Classification, ELEMENT_TYPES, type ElementKind, type ElementType,
  ENDPOINT_PATH_HINTS, type EndpointKind, type Level, PROTOCOLS, strideLetter, type TechTrait, TECHNOLOGIES, techName, TRUST_ALIASES,
  type TrustLevel, trustRank,
} from './catalog.js';
import { ShorthandFlow } from './fast-parse.js';
import { splitFlowArrow } from './flow-arrow.js';
import type { RawElement, RawFlowDetails, RawModel, RawWrittenThreat } from './schema.js';
import { resolveThreatTarget, targetIndex, targetRefs } from './threat-targets.js';
import type {
  Asset, Assumption, Boundary, Element, Endpoint, Flow, Model, ModelPath, SourceMap, ThreatTarget, WrittenThreat,
} from './types.js';

const CLASSIFICATION_DEFAULTS: Record<Classification, { c: Level; i: Level; a: Level }> = {
  public: { c: 'low', i: 'medium', a: 'low' },
  internal: { c: 'medium', i: 'medium', a: 'medium' },
  confidential: { c: 'high', i: 'medium', a: 'medium' },
  restricted: { c: 'high', i: 'high', a: 'medium' },
};

export const resolveAuth = (auth: string | undefined): AuthMethod | undefined =>
  auth === undefined ? undefined : (AUTH_ALIASES[auth] ?? (auth as AuthMethod));

const resolveTrust = (trust: string): TrustLevel => TRUST_ALIASES[trust] ?? (trust as TrustLevel);

/** Splits `POST /cart` into methods and route. */
export function parseEndpointKey(key: string): { methods: string[]; route: string } {
  const m = /^([A-Za-z]+(?:\s*[|,]\s*[A-Za-z]+)*)\s+(\S.*)$/.exec(key.trim());
  if (m && /^[A-Z|,\s]+$/.test(m[1])) {
    return { methods: m[1].split(/[\s|,]+/).filter(Boolean), route: m[2].trim() };
  }
  return { methods: [], route: key.trim() };
}

/** The methods whose request carries a file: an upload is sent in a body. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Whether a path that says files (`/files`, `/attachments`) may be an upload: a read (GET, HEAD, OPTIONS) or a
 * DELETE sends no file, whatever its path; with no methods stated, the path alone decides.
 */
const mayUpload = (methods: readonly string[]): boolean =>
  methods.length === 0 || methods.some((m) => BODY_METHODS.has(m));

/** A path parameter: `{id}` (OpenAPI), `:id` (Express), `<id>` (Flask). */
const PATH_PARAMETER = /^[{:<]/;
/** A route's words, without its path parameters (`/v1/orders/{id}/items` -> v1, orders, items). */
export const routeWords = (route: string): string[] => route.split(/[/?#]/).filter((seg) => seg !== '' && !PATH_PARAMETER.test(seg));
/** The words of the `export` path hint (catalog.ts ENDPOINT_PATH_HINTS), and the one of them that names fetching a file. */
const EXPORT_WORD = /^(export|download|report)s?$/i;
const DOWNLOAD_WORD = /^downloads?$/i;

/**
 * The last path word says most about what an endpoint does (`/api/auth/signup` registers, it does not
 * log in), so it is tried before the whole path (`/webhooks/payment` is a webhook). The endpoint's methods
 * (in upper case; none when not stated) keep a read of `/files` from being an upload. A route naming one export
 * (namesOneExport: `/exports/{id}/download`) is no `export`, which asks for paging: it takes the kind the other
 * hints give it, never `upload` (`/uploads/{id}/download` reads), else `api`.
 */
export function inferEndpointKind(route: string, methods: readonly string[] = []): EndpointKind {
  const segments = routeWords(route);
  const last = segments.length ? `/${segments[segments.length - 1]}` : '';
  const kind = kindByHints(route, last, mayUpload(methods), false);
  // One export fetched by its id sends back a file made already: nothing to page or bound, and no file comes in.
  return kind === 'export' && namesOneExport(route) ? kindByHints(route, last, false, true) : kind;
}

function kindByHints(route: string, last: string, upload: boolean, noExport: boolean): EndpointKind {
  for (const candidate of [last, route]) {
    if (!candidate) continue;
    for (const [pattern, kind] of ENDPOINT_PATH_HINTS) {
      if ((upload || kind !== 'upload') && (!noExport || kind !== 'export') && pattern.test(candidate)) return kind;
    }
  }
  return 'api';
}

/**
 * Whether a route names one export, download or report rather than the collection: a path parameter after the word
 * (`/exports/{id}`, `/reports/:id/summary`, `/downloads/<name>`), or `/download` right after a parameter
 * (`/files/{id}/download`). `/exports`, `POST /reports` and `/users/{id}/export` (all of one user's data) name none.
 */
export function namesOneExport(route: string): boolean {
  const segments = route.split(/[/?#]/).filter((seg) => seg !== '');
  let word = false;
  for (let i = 0; i < segments.length; i++) {
    if (PATH_PARAMETER.test(segments[i])) {
      if (word) return true;
    } else if (DOWNLOAD_WORD.test(segments[i]) && i > 0 && PATH_PARAMETER.test(segments[i - 1])) {
      return true;
    } else if (EXPORT_WORD.test(segments[i])) {
      word = true;
    }
  }
  return false;
}

/**
 * Tokens a program presents, never a password a person types: a token or session route that states one of them as
 * its own auth exchanges or checks tokens (`POST /session: { auth: jwt }`, `/oauth/token: { auth: mtls }`) and is
 * no login (credential stuffing and account enumeration do not apply there). Not an API key: it names the client
 * app, and a login behind one still takes the user's password. Not a route named for logging in (`/auth/login`).
 * `oidc` on a session route is the identity provider's ID token handed over for a session, `saml` its signed
 * assertion, `kerberos` a ticket the domain issued: the password, if any, was typed at the provider. `oauth2` is an
 * access token already issued.
 */
const TOKEN_CREDENTIALS: ReadonlySet<AuthMethod> = new Set<AuthMethod>(['jwt', 'oidc', 'saml', 'oauth2', 'kerberos', 'mtls', 'hmac', 'iam', 'ssh-key']);
const TOKEN_ROUTE = /(^|\/)(token|session|refresh)s?(\/|$)/i;
/**
 * A route named for refreshing (`/auth/token/refresh/`, `/refresh-token`, `/token_refresh`): it takes the refresh
 * token a sign-in issued, never a password.
 */
const REFRESH_ROUTE = /(^|\/)(refresh|refresh[-_]?tokens?|tokens?[-_]?refresh)(\/|$)/i;
const LOGIN_ROUTE = /(^|\/)(login|signin|sign-in|logon)(\/|$)/i;
/**
 * Routes whose very name says a token the caller already holds is traded for a session or another token
 * (`/api/auth/session`, `/session/exchange`, `/token/exchange`): a sign-in done
 * elsewhere, at an identity provider, is turned into this application's session.
 */
const EXCHANGE_ROUTE = /(^|\/)(auth\/sessions?|(sessions?|tokens?)\/exchange)(\/|$)/i;
/** Credentials a person types: a route stating one as its own auth takes a password, whatever its name. */
const PASSWORD_CREDENTIALS: ReadonlySet<AuthMethod> = new Set<AuthMethod>(['password', 'basic']);
/** An asset a request carries that is an OpenID Connect ID token (`accepts: [id-token]`). */
const ID_TOKEN = /^id[-_]?tokens?$/i;

/**
 * The kind an endpoint has when the model states none: the path's and methods' (inferEndpointKind), less a login
 * for a token route that exchanges a token rather than taking a password (notLoginByToken). Exporters ask it too,
 * to write a kind only where the model would not infer it.
 */
export function defaultEndpointKind(route: string, methods: readonly string[], ownAuth: AuthMethod | undefined, around: WebhookContext = {}): EndpointKind {
  return notWebhookBySubscription(notLoginByToken(inferEndpointKind(route, methods), route, ownAuth), route, methods, ownAuth, around);
}

/**
 * Whether a login-kind route is a session or token route not named for logging in, stating no password credential
 * as its own: where the element's users sign in at an identity provider, it takes what the provider issued.
 */
export const tokenRouteNoPassword = (route: string, ownAuth: AuthMethod | undefined): boolean =>
  TOKEN_ROUTE.test(route) && !LOGIN_ROUTE.test(route) && (ownAuth === undefined || !PASSWORD_CREDENTIALS.has(ownAuth));

/**
 * A token or session route is no login (kind `api`: credential stuffing and account enumeration do not apply)
 * when it states a program's token as its own auth, when its name says it exchanges a token (EXCHANGE_ROUTE) or
 * refreshes one (REFRESH_ROUTE), or when it accepts an ID token; never a route named for logging in, nor one stating
 * a password credential as its own.
 */
export function notLoginByToken(kind: EndpointKind, route: string, ownAuth: AuthMethod | undefined, accepts: readonly string[] = []): EndpointKind {
  if (kind !== 'login' || LOGIN_ROUTE.test(route) || !TOKEN_ROUTE.test(route)) return kind;
  if (ownAuth !== undefined && TOKEN_CREDENTIALS.has(ownAuth)) return 'api';
  if (ownAuth !== undefined && PASSWORD_CREDENTIALS.has(ownAuth)) return kind;
  return EXCHANGE_ROUTE.test(route) || REFRESH_ROUTE.test(route) || accepts.some((a) => ID_TOKEN.test(a)) ? 'api' : kind;
}

/** What besides its key and own auth tells a webhook receiver from a subscription endpoint. */
export interface WebhookContext {
  /** The element's auth, which the endpoint takes when it states none. */
  inherited?: AuthMethod;
  /** `signature-verification` is declared on the endpoint or its element: a receiver checking senders' signatures. */
  signed?: boolean;
}

/**
 * Credentials a customer of the API presents (a user's sign-in, the customer's API key), as opposed to a sender's
 * signature (hmac) or certificate (mtls, which webhook-replay judges): a webhook route asking one of them is where
 * customers register the URLs the service will post its events to, not where a provider posts events.
 */
const CUSTOMER_CREDENTIALS: ReadonlySet<AuthMethod> = new Set<AuthMethod>([
  'session-cookie', 'basic', 'password', 'jwt', 'oauth2', 'oidc', 'saml', 'kerberos', 'api-key',
]);
/**
 * No provider sends its events by DELETE: it removes a subscription. A GET alone says less: providers verify a
 * receiver with one (Meta's `hub.challenge`), so reading is subscription management only where a customer's
 * credential guards the collection.
 */
const SUBSCRIPTION_METHODS: ReadonlySet<string> = new Set(['DELETE']);
const WEBHOOK_WORD = /^(webhook|webhooks|hooks)$/i;

/** Whether some word of a route is a webhook word (`/v1/webhooks/{id}`, `/hooks/billing`). */
export const namesWebhooks = (route: string): boolean => WEBHOOK_ROUTE.test(route);
const WEBHOOK_ROUTE = /(^|\/)(webhooks?|hooks)(\/|[?#]|$)/i;

/**
 * Whether a route names the webhook collection or one item of it (`/v1/webhooks`, `/v1/webhooks/{id}`), as a
 * subscription API does, rather than one provider's receiver (`/webhooks/stripe`).
 */
function namesWebhookCollection(route: string): boolean {
  const words = routeWords(route);
  return words.length > 0 && WEBHOOK_WORD.test(words[words.length - 1]);
}

/**
 * The kind of a webhook route by what the route itself says: one that is signed (hmac, or `signature-verification`),
 * sender-certified (mtls) or declared public receives events; one that deletes (no provider sends events that way)
 * manages subscriptions, kind `api`: the service will call the URLs registered there (server-side-request-forgery
 * judges that), and no signature is expected. The collection or one item of it under a customer's credential (its
 * own auth, or its element's) is subscription management too, unless a provider calls it: normalize asks the flows
 * (providerCalledWebhooks); without them (exporters, importers) the route alone decides.
 */
export function webhookSubscription(route: string, methods: readonly string[], ownAuth: AuthMethod | undefined, around: WebhookContext = {}): boolean {
  return subscriptionBy(route, methods, ownAuth, around) !== undefined;
}

/** What makes a webhook route subscription management: a method no provider sends events by, or a customer's credential. */
type SubscriptionSign = 'method' | 'credential';

function subscriptionBy(route: string, methods: readonly string[], ownAuth: AuthMethod | undefined, around: WebhookContext): SubscriptionSign | undefined {
  if (around.signed === true || ownAuth === 'none' || ownAuth === 'hmac' || ownAuth === 'mtls') return undefined;
  if (ownAuth === undefined && (around.inherited === 'hmac' || around.inherited === 'mtls')) return undefined;
  if (methods.some((m) => SUBSCRIPTION_METHODS.has(m))) return 'method';
  // A provider's receiver may take a shared secret too (`/webhooks/twilio` with basic auth): only the collection
  // or one item of it, under a customer's credential, is where subscriptions are managed.
  const credential = ownAuth ?? around.inherited;
  return credential !== undefined && CUSTOMER_CREDENTIALS.has(credential) && namesWebhookCollection(route) ? 'credential' : undefined;
}

const signedReceiver = (own: readonly string[] | undefined, element: readonly string[] | undefined): boolean =>
  own?.includes('signature-verification') === true || element?.includes('signature-verification') === true;

const notWebhookBySubscription = (kind: EndpointKind, route: string, methods: readonly string[], ownAuth: AuthMethod | undefined, around: WebhookContext): EndpointKind =>
  kind === 'webhook' && webhookSubscription(route, methods, ownAuth, around) ? 'api' : kind;

/**
 * Endpoints meant for callers who have not signed in yet (or for other systems' callbacks): the auth a flow or an
 * edge in front states is not theirs to take (a gateway checking tokens forwards its login route unchecked).
 */
const ANONYMOUS_BY_NATURE: ReadonlySet<EndpointKind> = new Set<EndpointKind>(['login', 'otp', 'register', 'password-reset', 'webhook', 'callback', 'health']);

/** A flow as written: each arrow of a shorthand entry is a flow of its own. */
export interface RawFlowRef {
  /** The flow's entry in `flows:`. */
  index: number;
  /** The shorthand's `a -> b` key; absent for the full form. */
  arrow?: string;
  from?: string;
  to?: string;
  /** The entry itself (full form) or its arrow's value (shorthand), when a map. */
  details: Record<string, unknown>;
  /** The shorthand's value as written (a protocol, or the details); absent for the full form. */
  value: unknown;
  /** The id it goes by, once validation has worked it out. */
  id?: string;
}

const NO_DETAILS: Record<string, unknown> = Object.freeze({});

/**
 * The flows of a raw model, which may still be invalid (validation reads them first, then hands them to
 * `normalize`, so that each key is matched and each end looked up once).
 */
export function readFlowRefs(flows: unknown): RawFlowRef[] {
  const refs: RawFlowRef[] = [];
  if (!Array.isArray(flows)) return refs;
  for (let index = 0; index < flows.length; index++) {
    const entry: unknown = flows[index];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    if (entry instanceof ShorthandFlow) {
      refs.push({ index, arrow: entry.arrow, from: entry.from, to: entry.to, details: detailsOf(entry.value), value: entry.value, id: undefined });
      continue;
    }
    const map = entry as Record<string, unknown>;
    let arrows = 0;
    for (const key in map) {
      if (!Object.hasOwn(map, key)) continue;
      const ends = key.includes('->') ? splitFlowArrow(key) : undefined;
      if (ends === undefined) continue;
      arrows++;
      const value = map[key];
      refs.push({ index, arrow: key, from: ends[0], to: ends[1], details: detailsOf(value), value, id: undefined });
    }
    if (arrows === 0) {
      const from = typeof map.from === 'string' ? map.from : undefined;
      const to = typeof map.to === 'string' ? map.to : undefined;
      refs.push({ index, arrow: undefined, from, to, details: map, value: undefined, id: undefined });
    }
  }
  return refs;
}

const detailsOf = (value: unknown): Record<string, unknown> =>
  (typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : NO_DETAILS);

/**
 * Flows name their ends with strings cut from their own text: each end that names an element becomes the
 * element's own id string, so that the model holds each id once and lookups compare strings by identity.
 */
export function withOwnIds(refs: RawFlowRef[], elementIds: readonly string[]): RawFlowRef[] {
  const own = new Map<string, string>();
  for (let i = 0; i < elementIds.length; i++) own.set(elementIds[i], elementIds[i]);
  for (let k = 0; k < refs.length; k++) {
    const f = refs[k];
    if (f.from !== undefined) f.from = own.get(f.from) ?? f.from;
    if (f.to !== undefined) f.to = own.get(f.to) ?? f.to;
  }
  return refs;
}

/** A known technology implies its type; a tech that names a type (`tech: cdn`) is that type. */
export function impliedElementType(tech: string | undefined): ElementType | undefined {
  if (tech === undefined) return undefined;
  const name = techName(tech);
  if (name !== undefined) return TECHNOLOGIES[name].type;
  const t = tech.toLowerCase();
  return Object.hasOwn(ELEMENT_TYPES, t) ? (t as ElementType) : undefined;
}

/** Element types that forward requests to what stands behind them (as the analysis's edge components). */
const FORWARDING_TYPES: ReadonlySet<string> = new Set(['cdn', 'load-balancer', 'reverse-proxy', 'gateway']);
export const forwardsRequests = (type: string | undefined): boolean => type !== undefined && FORWARDING_TYPES.has(type);

/** What `forwardedOwners` asks of a model, raw or normalised. */
export interface ForwardingView {
  /** An element's type, stated or implied by its tech. */
  typeOf(id: string): string | undefined;
  /** Whether an element declares the endpoint (by key or route). */
  declares(id: string): boolean;
  /** The targets of an element's flows, in model order. */
  next(id: string): readonly string[];
}

/**
 * The elements that serve an endpoint a call to an edge component (load balancer, gateway, proxy, CDN) names
 * without the edge declaring it: followed along the edge's flows, through further edges, to the first element on
 * each way that declares it (a partner's webhook to the load balancer lands on the API behind it). Each once,
 * in the order met; empty when none does or `start` forwards nothing.
 */
export function forwardedOwners(start: string, view: ForwardingView): string[] {
  const owners: string[] = [];
  if (!forwardsRequests(view.typeOf(start))) return owners;
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const to of view.next(queue[head])) {
      if (seen.has(to)) continue;
      seen.add(to);
      if (view.declares(to)) owners.push(to);
      else if (forwardsRequests(view.typeOf(to))) queue.push(to);
    }
  }
  return owners;
}

/** `orders.price` names a field of asset `orders`: the longest dotted prefix that is an asset counts. */
export function resolveAssetRef(ref: string, assetIds: ReadonlySet<string>): string | undefined {
  if (assetIds.has(ref)) return ref;
  for (let dot = ref.lastIndexOf('.'); dot > 0; dot = ref.lastIndexOf('.', dot - 1)) {
    if (assetIds.has(ref.slice(0, dot))) return ref.slice(0, dot);
  }
  return undefined;
}

export function impliedKind(type: ElementType | undefined, tech: string | undefined): ElementKind | undefined {
  const t = type ?? impliedElementType(tech);
  return t === undefined ? undefined : ELEMENT_TYPES[t].kind;
}

/**
 * `flowRefs` are the flows as validation read them, each end already the element's own id string; read
 * here when not given.
 */
export function normalize(raw: RawModel, source: SourceMap, file: string, flowRefs?: readonly RawFlowRef[]): Model {
  // Objects are built field by field, in the order they always had (reports serialise them): a model has
  // tens of thousands, so intermediate objects, spreads and entry arrays were most of the work.
  const boundaries: Boundary[] = [];
  const rawBoundaries = raw.boundaries ?? {};
  const trustOf = new Map<string, TrustLevel>();
  const boundaryTrust = (id: string, seen = new Set<string>()): TrustLevel => {
    const known = trustOf.get(id);
    if (known) return known;
    const b = rawBoundaries[id];
    let trust: TrustLevel = 'internal';
    if (b?.trust) trust = resolveTrust(b.trust);
    else if (b?.in && !seen.has(id) && rawBoundaries[b.in] !== undefined) trust = boundaryTrust(b.in, seen.add(id));
    trustOf.set(id, trust);
    return trust;
  };
  for (const id of Object.keys(rawBoundaries)) {
    const b = rawBoundaries[id];
    const trust = boundaryTrust(id);
    const at = ['boundaries', id];
    boundaries.push({
      id,
      name: b?.name ?? id,
      description: b?.description,
      trust,
      trustRank: trustRank(trust),
      kind: b?.kind ?? 'network',
      parent: b?.in,
      controls: copy(b?.controls),
      at,
      loc: source.locate(at),
    });
  }

  const assets: Asset[] = [];
  const rawAssets = raw.assets ?? {};
  for (const id of Object.keys(rawAssets)) {
    const a = rawAssets[id];
    const classification = a?.classification ?? 'internal';
    const d = CLASSIFICATION_DEFAULTS[classification];
    const at = ['assets', id];
    assets.push({
      id,
      name: a?.name ?? id,
      description: a?.description,
      kind: a?.kind ?? 'data',
      type: a?.type,
      classification,
      confidentiality: a?.confidentiality ?? d.c,
      integrity: a?.integrity ?? d.i,
      availability: a?.availability ?? d.a,
      ...(a?.assumed ? { assumed: true } : {}),
      at,
      loc: source.locate(at),
    });
  }

  const assetIds = new Set(assets.map((a) => a.id));
  const assetRefs = (refs: readonly string[] | undefined): string[] => {
    if (refs === undefined || refs.length === 0) return none();
    // Usually every reference names an asset, once: a copy of the list, exactly as long (a list grown by
    // pushes reserves room for 16 entries, and the model keeps tens of thousands of these).
    if (plainRefs(refs, assetIds)) return refs.slice();
    const out: string[] = [];
    for (let i = 0; i < refs.length; i++) {
      const id = resolveAssetRef(refs[i], assetIds);
      if (id !== undefined && !out.includes(id)) out.push(id);
    }
    return out.length === 0 ? none() : out;
  };

  // Endpoint ids by target element and by key or route, for flows that name the endpoint they call.
  const endpointByTarget = new Map<string, Map<string, string>>();
  // Keys repeat across elements (`POST /login`): each is read once.
  const endpointKeys = new Map<string, EndpointKey>();
  // Whether some endpoint states no auth, nor does its element: only then are the flows asked (lendFlowAuth).
  let mayTakeFlowAuth = false;

  // One function per kind of object rather than one long loop: each is compiled on its own as soon as it
  // is hot, where a loop inside a long function waits to be replaced on the stack.
  const endpointsOf = (id: string, e: RawElement, auth: AuthMethod | undefined): Endpoint[] => {
    const raws = e.endpoints!;
    const endpoints: Endpoint[] = [];
    const byName = new Map<string, string>();
    for (const key of Object.keys(raws)) {
      const ep = raws[key];
      let parsed = endpointKeys.get(key);
      if (parsed === undefined) {
        const { methods, route } = parseEndpointKey(key);
        parsed = { methods: methods.length === 0 ? none() : Object.freeze(methods) as string[], route, kind: undefined };
        endpointKeys.set(key, parsed);
      }
      const ownAuth = resolveAuth(ep?.auth);
      const epAuth = ep?.public ? 'none' : (ownAuth ?? auth ?? 'none');
      const at = ['elements', id, 'endpoints', key];
      const methods = ep?.methods?.map((m) => m.toUpperCase()) ?? parsed.methods;
      const endpoint: Endpoint = {
        id: flat(`${id}:${key}`),
        element: id,
        key,
        route: parsed.route,
        methods,
        name: ep?.name ?? key,
        description: ep?.description,
        // The key's kind is worked out once; methods written beside it (`methods: [GET]`) are this endpoint's own.
        kind: ep?.kind ?? notLoginByToken(ep?.methods === undefined ? (parsed.kind ??= inferEndpointKind(parsed.route, parsed.methods)) : inferEndpointKind(parsed.route, methods), parsed.route, ownAuth, ep?.accepts),
        auth: epAuth,
        public: epAuth === 'none',
        declaredPublic: ep?.public === true || ownAuth === 'none' ? true : undefined,
        authAt: undefined,
        callers: ep?.callers ? [...ep.callers] : undefined,
        controls: copy(ep?.controls),
        accepts: assetRefs(ep?.accepts),
        returns: assetRefs(ep?.returns),
        at,
        loc: source.locate(at),
      };
      if (ep?.kind === undefined && endpoint.kind === 'webhook') subscriptionKind(endpoint, ownAuth, auth, signedReceiver(ep?.controls, e.controls));
      endpoints.push(endpoint);
      if (auth === undefined && endpoint.public && endpoint.declaredPublic === undefined) mayTakeFlowAuth = true;
      byName.set(key, endpoint.id);
      if (!byName.has(parsed.route)) byName.set(parsed.route, endpoint.id);
    }
    if (endpoints.length === 0) return none();
    endpointByTarget.set(id, byName);
    return endpoints;
  };

  // Subscription endpoints told only by a customer's credential: a provider's call to one makes it a receiver again.
  let subscriptionsByCredential: Set<string> | undefined;
  const subscriptionKind = (endpoint: Endpoint, ownAuth: AuthMethod | undefined, inherited: AuthMethod | undefined, signed: boolean): void => {
    const sign = subscriptionBy(endpoint.route, endpoint.methods, ownAuth, { inherited, signed });
    if (sign === undefined) return;
    endpoint.kind = 'api';
    if (sign === 'credential') (subscriptionsByCredential ??= new Set()).add(endpoint.id);
  };

  const element = (id: string, e: RawElement): Element => {
    // A known technology is kept by its catalogue name (`PostgreSQL`, `postgresql` are `postgres`): the rules and
    // exporters that ask for one by name (`dynamodb`, `kubernetes-api`) then find it however it was written.
    const known = e.tech === undefined ? undefined : techName(e.tech);
    const techInfo = known === undefined ? undefined : TECHNOLOGIES[known];
    const type = (e.type as ElementType | undefined) ?? impliedElementType(e.tech);
    const auth = resolveAuth(e.auth);
    const at = ['elements', id];
    return {
      id,
      name: e.name ?? id,
      kind: e.kind ?? impliedKind(type, e.tech) ?? 'process',
      type,
      tech: known ?? e.tech,
      traits: techInfo?.traits === undefined ? none() : traitsOf(techInfo.traits),
      boundary: e.in,
      description: e.description,
      controls: copy(e.controls),
      auth,
      handles: assetRefs(e.handles),
      stores: assetRefs(e.stores),
      endpoints: e.endpoints === undefined ? none() : endpointsOf(id, e, auth),
      exposed: e.exposed,
      privileged: e.privileged ?? false,
      replicas: e.replicas,
      owner: e.owner,
      tags: copy(e.tags),
      at,
      loc: source.locate(at),
    };
  };

  const elements: Element[] = [];
  const elementIds = Object.keys(raw.elements);
  for (let i = 0; i < elementIds.length; i++) elements.push(element(elementIds[i], raw.elements[elementIds[i]]));

  // Where edges forward to, made when a flow first names an endpoint its target (an edge) does not declare.
  let forwarding: { types: Map<string, string | undefined>; targets: Map<string, string[]> } | undefined;
  /** The endpoint id behind an edge that the one element the edge forwards to declaring `name` has (see forwardedOwners). */
  const forwardedEndpoint = (to: string, name: string): string | undefined => {
    forwarding ??= { types: new Map(elements.map((e) => [e.id, e.type])), targets: targetsBySource(refs) };
    const { types, targets } = forwarding;
    const owners = forwardedOwners(to, {
      typeOf: (id) => types.get(id),
      declares: (id) => endpointByTarget.get(id)?.has(name) === true,
      next: (id) => targets.get(id) ?? none(),
    });
    return owners.length === 1 ? endpointByTarget.get(owners[0])?.get(name) : undefined;
  };

  // Both forms: `{ from, to, ... }`, and the one-key shorthand `a -> b: https` (or `a -> b: { ... }`).
  const flow = (f: RawFlowRef): Flow => {
    const value = f.value;
    // `a -> b: https` has no details: one shared empty set of them stands in.
    const d = (typeof value === 'string' ? NO_DETAILS : f.details) as RawFlowDetails;
    const at = f.arrow === undefined ? ['flows', f.index] : ['flows', f.index, f.arrow];
    const from = f.from!;
    const to = f.to!;
    const protocol = typeof value === 'string' ? value : d.protocol;
    const info = PROTOCOLS[protocol];
    return {
      id: f.id ?? d.id ?? flat(`${from}->${to}`),
      name: d.name,
      description: d.description,
      from,
      to,
      protocol,
      encrypted: d.encrypted ?? info?.encrypted ?? false,
      auth: resolveAuth(d.auth) ?? info?.auth ?? 'none',
      credential: d.credential,
      data: assetRefs(d.data),
      endpoint: d.endpoint === undefined ? undefined : endpointByTarget.get(to)?.get(d.endpoint) ?? forwardedEndpoint(to, d.endpoint),
      controls: copy(d.controls),
      synchronous: info?.synchronous ?? true,
      port: d.port,
      at,
      loc: source.locate(at),
    };
  };
  const refs = flowRefs ?? withOwnIds(readFlowRefs(raw.flows), elementIds);
  const flows: Flow[] = [];
  for (let k = 0; k < refs.length; k++) flows.push(flow(refs[k]));
  if (subscriptionsByCredential !== undefined) {
    // Every boundary's trust is known by now; an element in none is untrusted when external (graph.ts defaultTrust).
    const untrusted = (e: Element): boolean =>
      ((e.boundary === undefined ? undefined : trustOf.get(e.boundary)) ?? (e.kind === 'external' ? 'untrusted' : 'internal')) === 'untrusted';
    providerCalledWebhooks(elements, flows, subscriptionsByCredential, untrusted);
  }
  if (mayTakeFlowAuth) lendFlowAuth(elements, flows, refs);

  const assumptions: Assumption[] = (raw.assumptions ?? []).map((a, index) => {
    const at = ['assumptions', index];
    return {
      text: typeof a === 'string' ? a : a.text,
      rules: typeof a === 'string' ? none() : copy(a.rules),
      elements: typeof a === 'string' ? none() : copy(a.elements),
      at,
      loc: source.locate(at),
    };
  });

  const threats = raw.threats ? writtenThreats(raw.threats, source, boundaries, elements, flows) : none<WrittenThreat>();

  return {
    file,
    system: { ...raw.system },
    boundaries,
    assets,
    elements,
    flows,
    assumptions,
    threats,
    ...(raw.rules ? { rules: raw.rules } : {}),
  };
}

/**
 * People and what they use (as facts.ts isPersonOrAgent reads them, and client devices): customers managing their
 * subscriptions, never providers posting events.
 */
const PEOPLE_TYPES: ReadonlySet<string> = new Set(['user', 'admin', 'support-staff', 'developer']);
export const personOrApp = (e: Element): boolean =>
  (e.kind === 'external' && PEOPLE_TYPES.has(e.type ?? '')) || e.type === 'user-agent' || e.type === 'device'
  || e.traits.includes('browser') || e.traits.includes('mobile');

/**
 * A system that may post events to us: a third party, or anything in an untrusted zone that is no person, browser,
 * app or device. An edge in front (CDN, load balancer, gateway, proxy) sends on what reaches it, so it is followed
 * (providerCalledWebhooks), not counted.
 */
const mayPostEvents = (e: Element | undefined, untrusted: (e: Element) => boolean): boolean =>
  e !== undefined && !forwardsRequests(e.type) && !personOrApp(e) && (e.type === 'third-party' || untrusted(e));

/**
 * A webhook route that only a customer's credential made a subscription endpoint (webhookSubscription) receives
 * events when a provider calls it: by a flow naming it, by one naming no endpoint (the provider may post anywhere on
 * the element), directly or through edges in front, or by its declared `callers`. Reporting an unsigned receiver
 * that is a subscription API costs a look; hiding a provider's unsigned webhook costs forged events. A call that
 * presents a customer's credential itself (a partner's client with its JWT or API key) is the API's own customer
 * at work, not a provider posting events: providers sign (hmac), certify (mtls) or send nothing.
 */
function providerCalledWebhooks(elements: readonly Element[], flows: readonly Flow[], candidates: ReadonlySet<string>, untrusted: (e: Element) => boolean): void {
  const byId = new Map(elements.map((e) => [e.id, e]));
  const outOf = new Map<string, Flow[]>();
  for (const f of flows) {
    const out = outOf.get(f.from);
    if (out === undefined) outOf.set(f.from, [f]);
    else out.push(f);
  }
  const called = new Set<string>();
  // Elements a provider calls without naming an endpoint: every candidate route on them may be the one it posts to.
  const reached = new Set<string>();
  const callers = elements.filter((e) => mayPostEvents(e, untrusted)).map((e) => e.id);
  const counted = new Set(callers);
  const providers = callers.length;
  for (let head = 0; head < callers.length; head++) {
    for (const f of outOf.get(callers[head]) ?? []) {
      // An edge's own hop may state the credential it adds; only the caller's says who the caller is.
      if (head < providers && CUSTOMER_CREDENTIALS.has(f.auth)) continue;
      if (f.endpoint !== undefined) {
        if (candidates.has(f.endpoint)) called.add(f.endpoint);
        continue;
      }
      reached.add(f.to);
      if (!counted.has(f.to) && forwardsRequests(byId.get(f.to)?.type)) {
        counted.add(f.to);
        callers.push(f.to);
      }
    }
  }
  for (const e of elements) {
    for (const ep of e.endpoints) {
      if (!candidates.has(ep.id)) continue;
      if (reached.has(e.id) || called.has(ep.id) || ep.callers?.some((c) => mayPostEvents(byId.get(c), untrusted)) === true) ep.kind = 'webhook';
    }
  }
}

/**
 * The order in which `lendFlowAuth` picks among the methods of flows that disagree, weakest first: a caller
 * gets in by the easiest credential the endpoint accepts. Credentials of users (anyone can sign up) come
 * before those issued to services (api-key onwards); among them the session cookie first, which the browser
 * sends by itself (cross-site requests ride on it), then secrets sent as they are (basic, password), then
 * tokens and federated sign-in; among the services' a shared key or secret before keys bound to an identity
 * and certificates.
 */
const WEAKEST_FIRST: readonly AuthMethod[] = [
  'session-cookie', 'basic', 'password', 'jwt', 'oauth2', 'oidc', 'saml', 'kerberos', 'api-key', 'hmac', 'ssh-key', 'iam', 'mtls',
];
const WEAKNESS = new Map<AuthMethod, number>(WEAKEST_FIRST.map((m, i) => [m, i]));
/** An edge whose inbound flows are being worked out: a flow out of it, met again, closes a loop and lends nothing. */
const PENDING: unique symbol = Symbol('pending');
const NO_INDEXES: readonly number[] = [];

/** A method a flow's caller authenticates with, and where the model says so. */
interface CarriedAuth {
  method: AuthMethod;
  at: ModelPath;
}

/** The weaker of two (see WEAKEST_FIRST); `a` on a tie, so that the first flow in model order is cited. */
const weaker = (a: CarriedAuth, b: CarriedAuth): CarriedAuth =>
  (WEAKNESS.get(b.method) ?? -1) < (WEAKNESS.get(a.method) ?? -1) ? b : a;

/**
 * Gives an endpoint that states no auth, on an element that states none, the auth of the flows that reach it
 * when every one of them states one (other than `none`): such an endpoint is then not public, and `authAt`
 * cites the flow. A flow that names an endpoint reaches that one only (the one behind an edge when it names
 * one the edge forwards to), one that names none every endpoint of its target. No reaching flow, or one
 * without auth, leaves the endpoint public, and so does `exposed` on its element or on an edge in front of it
 * (the internet reaches it with no flow drawn, so with no credential stated). A flow an element makes to itself
 * is no caller's and is skipped.
 *
 * Edge components (load balancer, reverse proxy, gateway, CDN) pass the caller's credential on: a flow out of
 * one that states no auth carries the auth every flow into the edge carries (through further edges), as the
 * analysis treats callers behind edges (authenticatedUpstream); nothing when some flow into the edge carries
 * none, or a loop of edges leads back before any states one; a flow out of an edge that says `auth: none`
 * carries nothing. An edge that states its own `auth` (a gateway checking tokens) asks it of every call into it
 * that states none, so such a call carries the edge's auth, unless it can land on an endpoint of the edge that
 * asks for none (`public: true` or `auth: none`: the edge forwards that call unchecked), as `edgeAuthenticates`
 * judges it in the analysis; an `exposed` edge passes its auth on only when it has no such endpoint. When the
 * flows disagree the weakest method is taken (WEAKEST_FIRST).
 *
 * One pass over the flows files them by target; each element's flows that name no endpoint, and each edge's
 * inbound flows, are then read once, edges behind edges without recursion (a chain of them may be long).
 */
function lendFlowAuth(elements: readonly Element[], flows: readonly Flow[], refs: readonly RawFlowRef[]): void {
  const takers = new Map<string, Endpoint>();
  const edges = new Set<string>();
  // Elements the internet reaches without any flow drawn (`exposed`): a way in that states no auth.
  const exposed = new Set<string>();
  // Edges that ask callers for their own auth, and that auth with where it is stated.
  const gates = new Map<string, { edge: Element; auth: CarriedAuth }>();
  for (const e of elements) {
    if (e.exposed === true) exposed.add(e.id);
    if (forwardsRequests(e.type)) {
      edges.add(e.id);
      if (e.auth !== undefined && e.auth !== 'none') gates.set(e.id, { edge: e, auth: { method: e.auth, at: [...e.at, 'auth'] } });
    }
    if (e.auth !== undefined || e.exposed === true) continue;
    for (const ep of e.endpoints) if (ep.public && ep.declaredPublic === undefined && !ANONYMOUS_BY_NATURE.has(ep.kind)) takers.set(ep.id, ep);
  }
  // Flow positions by what they reach: every endpoint of an element, one endpoint, or (into an edge) anything.
  const toElement = new Map<string, number[]>();
  const toEndpoint = new Map<string, number[]>();
  const intoEdge = new Map<string, number[]>();
  const file = (index: Map<string, number[]>, key: string, k: number) => {
    const list = index.get(key);
    if (list === undefined) index.set(key, [k]);
    else list.push(k);
  };
  for (let k = 0; k < flows.length; k++) {
    const f = flows[k];
    if (f.from === f.to) continue;
    if (f.endpoint === undefined) file(toElement, f.to, k);
    else if (takers.has(f.endpoint)) file(toEndpoint, f.endpoint, k);
    if (edges.has(f.to)) file(intoEdge, f.to, k);
  }

  // What each edge passes on (null: nothing), worked out without recursion: a chain of edges may be long.
  const passedOn = new Map<string, CarriedAuth | null | typeof PENDING>();
  // A flow that states `auth: none` says so even out of an edge; one that states nothing carries the edge's.
  const saysNone = (k: number): boolean => {
    const stated = refs[k].details.auth;
    return typeof stated === 'string' && resolveAuth(stated) === 'none';
  };
  const own = (k: number): CarriedAuth => ({ method: flows[k].auth, at: refs[k].details.auth === undefined ? flows[k].at : [...flows[k].at, 'auth'] });
  const fromEdge = (k: number): boolean => flows[k].auth === 'none' && !saysNone(k) && edges.has(flows[k].from);
  /** The auth a gated edge asks of flow k into it (null: none, the flow may land on an endpoint it leaves open). */
  const askedAt = (k: number): CarriedAuth | null => {
    const gate = gates.get(flows[k].to);
    return gate === undefined || saysNone(k) || landsOnOpenEndpoint(gate.edge, flows[k].endpoint, flows[k].from) ? null : gate.auth;
  };
  /** What flow k carries once the edges before it are worked out; an edge still pending (a loop) carries nothing. */
  const carried = (k: number): CarriedAuth | null => {
    if (flows[k].auth !== 'none') return own(k);
    const asked = askedAt(k);
    if (asked !== null) return asked;
    if (!fromEdge(k)) return null;
    const through = passedOn.get(flows[k].from);
    return through === undefined || through === PENDING ? null : through;
  };
  const settle = (edge: string): CarriedAuth | null => {
    const gate = gates.get(edge);
    const ks = intoEdge.get(edge);
    if (exposed.has(edge)) return gate === undefined || landsOnOpenEndpoint(gate.edge, undefined, undefined) ? null : allCarry(ks, gate.auth);
    // A gated edge no flow reaches still asks its auth of whoever reaches it.
    return ks === undefined ? gate?.auth ?? null : allCarry(ks, null);
  };
  const workOut = (start: string): void => {
    if (passedOn.has(start)) return;
    const stack = [start];
    const next = [0];
    passedOn.set(start, PENDING);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const edge = stack[top];
      const ks = intoEdge.get(edge) ?? NO_INDEXES;
      let i = next[top];
      while (i < ks.length && !(fromEdge(ks[i]) && !passedOn.has(flows[ks[i]].from))) i++;
      if (i < ks.length) {
        next[top] = i + 1;
        const before = flows[ks[i]].from;
        passedOn.set(before, PENDING);
        stack.push(before);
        next.push(0);
        continue;
      }
      stack.pop();
      next.pop();
      passedOn.set(edge, settle(edge));
    }
  };
  // The weakest auth all the flows carry, starting from `from` (null: none yet); null when one carries none.
  const allCarry = (ks: readonly number[] | undefined, from: CarriedAuth | null): CarriedAuth | null => {
    if (ks === undefined) return from;
    let out = from;
    for (let i = 0; i < ks.length; i++) {
      if (fromEdge(ks[i])) workOut(flows[ks[i]].from);
      const c = carried(ks[i]);
      if (c === null) return null;
      out = out === null ? c : weaker(out, c);
    }
    return out;
  };

  // Per element, what its flows naming no endpoint carry: undefined when there are none, null when one carries none.
  const wide = new Map<string, CarriedAuth | null | undefined>();
  for (const ep of takers.values()) {
    let all: CarriedAuth | null | undefined;
    if (wide.has(ep.element)) all = wide.get(ep.element);
    else {
      const ks = toElement.get(ep.element);
      all = ks === undefined ? undefined : allCarry(ks, null);
      wide.set(ep.element, all);
    }
    if (all === null) continue;
    const named = toEndpoint.get(ep.id);
    if (all === undefined && named === undefined) continue;
    const auth = allCarry(named, all ?? null);
    if (auth === null) continue;
    ep.auth = auth.method;
    ep.public = false;
    ep.authAt = auth.at;
  }
}

/**
 * Whether a call into an element can land on an endpoint of it that asks for no credential: the one it names,
 * or, naming none, any whose `callers` (when listed) include its source (any at all for a source unknown).
 */
export function landsOnOpenEndpoint(target: Element, endpoint: string | undefined, from: string | undefined): boolean {
  for (const ep of target.endpoints) {
    if (ep.auth !== 'none' || ep.controls.includes('authentication')) continue;
    if (endpoint !== undefined ? endpoint === ep.id : from === undefined || ep.callers === undefined || ep.callers.includes(from)) return true;
  }
  return false;
}

/** The targets of the flows from each element, in model order (a target may repeat: readers skip what they saw). */
export function targetsBySource(refs: readonly RawFlowRef[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of refs) {
    if (f.from === undefined || f.to === undefined || f.from === f.to) continue;
    const list = out.get(f.from);
    if (list === undefined) out.set(f.from, [f.to]);
    else list.push(f.to);
  }
  return out;
}

/** True when each reference is an asset id itself and none repeats. */
function plainRefs(refs: readonly string[], assetIds: ReadonlySet<string>): boolean {
  for (let i = 0; i < refs.length; i++) {
    if (!assetIds.has(refs[i])) return false;
    for (let j = 0; j < i; j++) if (refs[j] === refs[i]) return false;
  }
  return true;
}

/**
 * Most lists of a large model are empty (an element's tags, a flow's controls): they all share one frozen
 * array, tens of megabytes fewer at 100,000 elements. Nothing mutates the model (freezing makes sure).
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];
const none = <T>(): T[] => NONE;

/** An endpoint key read once: its methods (shared, frozen), its route, and the kind its route implies. */
interface EndpointKey {
  methods: string[];
  route: string;
  kind: EndpointKind | undefined;
}

/** A technology's traits, one frozen copy for all the elements that use it. */
const sharedTraits = new Map<readonly TechTrait[], TechTrait[]>();
function traitsOf(traits: readonly TechTrait[]): TechTrait[] {
  let shared = sharedTraits.get(traits);
  if (shared === undefined) {
    shared = traits.length === 0 ? none() : Object.freeze(traits.slice()) as TechTrait[];
    sharedTraits.set(traits, shared);
  }
  return shared;
}

/** A model's own copy of a list from the raw data (which YAML aliases may share between places). */
const copy = <T>(list: readonly T[] | undefined): T[] => (list === undefined || list.length === 0 ? none() : list.slice());


/** The `threats:` section, with each `on:` resolved (validation has checked that every reference resolves). */
function writtenThreats(raw: Record<string, RawWrittenThreat>, source: SourceMap, boundaries: Boundary[], elements: Element[], flows: Flow[]): WrittenThreat[] {
  const index = targetIndex({ elements, boundaries: boundaries.map((b) => b.id), flows });
  return Object.keys(raw).map((id): WrittenThreat => {
    const t = raw[id];
    const at = ['threats', id];
    const on: ThreatTarget[] = [];
    for (const ref of targetRefs(t.on)) {
      const found = resolveThreatTarget(String(ref), index);
      if ('target' in found && !on.some((o) => o.id === found.target.id && o.kind === found.target.kind)) on.push(found.target);
    }
    if (on.length === 0) on.push({ kind: 'system', id: 'system' });
    return {
      id,
      title: t.title,
      stride: strideLetter(t.stride)!,
      on,
      description: t.description,
      likelihood: t.likelihood === 'exposure' ? undefined : t.likelihood,
      impact: t.impact === 'assets' ? undefined : t.impact,
      mitigation: t.mitigation,
      mitigatedBy: copy(t['mitigated-by']),
      references: copy(t.references),
      at,
      loc: source.locate(at),
    };
  });
}
