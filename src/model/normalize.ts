// Turns a validated raw model into the normalised model: defaults applied so that models stay short
// (an https flow is encrypted, a postgres element is a store, /login is a login endpoint...).
import {
  AUTH_ALIASES, type AuthMethod, type Classification, ELEMENT_TYPES, type ElementKind, type ElementType,
  ENDPOINT_PATH_HINTS, type EndpointKind, type Level, PROTOCOLS, TECHNOLOGIES, TRUST_ALIASES, type TrustLevel,
  trustRank,
} from './catalog.js';
import { FLOW_ARROW, type RawFlowDetails, type RawModel } from './schema.js';
import type {
  Asset, Assumption, Boundary, Element, Endpoint, Flow, Model, ModelPath, SourceMap,
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

/**
 * The last path word says most about what an endpoint does (`/api/auth/signup` registers, it does not
 * log in), so it is tried before the whole path (`/webhooks/payment` is a webhook).
 */
export function inferEndpointKind(route: string): EndpointKind {
  const segments = route.split(/[/?#]/).filter((seg) => seg !== '' && !/^[{:<]/.test(seg));
  const last = segments.length ? `/${segments[segments.length - 1]}` : '';
  for (const candidate of [last, route]) {
    for (const [pattern, kind] of ENDPOINT_PATH_HINTS) if (candidate && pattern.test(candidate)) return kind;
  }
  return 'api';
}

/** A known technology implies its type; a tech that names a type (`tech: cdn`) is that type. */
export function impliedElementType(tech: string | undefined): ElementType | undefined {
  if (tech === undefined) return undefined;
  const t = tech.toLowerCase();
  if (Object.hasOwn(TECHNOLOGIES, t)) return TECHNOLOGIES[t].type;
  return Object.hasOwn(ELEMENT_TYPES, t) ? (t as ElementType) : undefined;
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

export function normalize(raw: RawModel, source: SourceMap, file: string): Model {
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

  const elements: Element[] = [];
  // Endpoint ids by target element and by key or route, for flows that name the endpoint they call.
  const endpointByTarget = new Map<string, Map<string, string>>();
  // Each id once: flows name their ends with strings cut from their own text, one copy per flow otherwise.
  const elementIds = new Map<string, string>();
  for (const id of Object.keys(raw.elements)) {
    elementIds.set(id, id);
    const e = raw.elements[id];
    const techInfo = e.tech === undefined ? undefined : TECHNOLOGIES[e.tech.toLowerCase()];
    const type = (e.type as ElementType | undefined) ?? impliedElementType(e.tech);
    const kind = e.kind ?? impliedKind(type, e.tech) ?? 'process';
    const auth = resolveAuth(e.auth);
    let endpoints: Endpoint[] = none();
    if (e.endpoints !== undefined && Object.keys(e.endpoints).length > 0) {
      endpoints = [];
      const byName = new Map<string, string>();
      for (const key of Object.keys(e.endpoints)) {
        const ep = e.endpoints[key];
        const { methods, route } = parseEndpointKey(key);
        const epAuth = ep?.public ? 'none' : (resolveAuth(ep?.auth) ?? auth ?? 'none');
        const at = ['elements', id, 'endpoints', key];
        const endpoint: Endpoint = {
          id: `${id}:${key}`,
          element: id,
          key,
          route,
          methods: ep?.methods?.map((m) => m.toUpperCase()) ?? methods,
          name: ep?.name ?? key,
          description: ep?.description,
          kind: ep?.kind ?? inferEndpointKind(route),
          auth: epAuth,
          public: epAuth === 'none',
          callers: ep?.callers ? [...ep.callers] : undefined,
          controls: copy(ep?.controls),
          accepts: assetRefs(ep?.accepts),
          returns: assetRefs(ep?.returns),
          at,
          loc: source.locate(at),
        };
        endpoints.push(endpoint);
        byName.set(key, endpoint.id);
        if (!byName.has(route)) byName.set(route, endpoint.id);
      }
      endpointByTarget.set(id, byName);
    }
    const at = ['elements', id];
    elements.push({
      id,
      name: e.name ?? id,
      kind,
      type,
      tech: e.tech,
      traits: copy(techInfo?.traits),
      boundary: e.in,
      description: e.description,
      controls: copy(e.controls),
      auth,
      handles: assetRefs(e.handles),
      stores: assetRefs(e.stores),
      endpoints,
      exposed: e.exposed,
      privileged: e.privileged ?? false,
      replicas: e.replicas,
      owner: e.owner,
      tags: copy(e.tags),
      at,
      loc: source.locate(at),
    });
  }

  const flows: Flow[] = [];
  const addFlow = (fromId: string, toId: string, d: RawFlowDetails, at: ModelPath): void => {
    const from = elementIds.get(fromId) ?? fromId;
    const to = elementIds.get(toId) ?? toId;
    const protocol = d.protocol;
    const info = PROTOCOLS[protocol];
    flows.push({
      id: d.id ?? `${from}->${to}`,
      name: d.name,
      description: d.description,
      from,
      to,
      protocol,
      encrypted: d.encrypted ?? info?.encrypted ?? false,
      auth: resolveAuth(d.auth) ?? info?.auth ?? 'none',
      credential: d.credential,
      data: assetRefs(d.data),
      endpoint: d.endpoint === undefined ? undefined : endpointByTarget.get(to)?.get(d.endpoint),
      controls: copy(d.controls),
      synchronous: info?.synchronous ?? true,
      port: d.port,
      at,
      loc: source.locate(at),
    });
  };
  // Both forms: `{ from, to, ... }`, and the one-key shorthand `a -> b: https` (or `a -> b: { ... }`).
  const rawFlows = raw.flows ?? [];
  for (let index = 0; index < rawFlows.length; index++) {
    const entry = rawFlows[index] as Record<string, unknown>;
    if ('from' in entry && 'to' in entry && typeof entry.from === 'string') {
      addFlow(entry.from, entry.to as string, entry as RawFlowDetails, ['flows', index]);
      continue;
    }
    for (const key in entry) {
      const m = FLOW_ARROW.exec(key);
      if (!m) continue;
      const value = entry[key] as string | RawFlowDetails;
      addFlow(m[1], m[2], typeof value === 'string' ? { protocol: value } : value, ['flows', index, key]);
    }
  }

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

  return {
    file,
    system: { ...raw.system },
    boundaries,
    assets,
    elements,
    flows,
    assumptions,
    ...(raw.rules ? { rules: raw.rules } : {}),
  };
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

/** A model's own copy of a list from the raw data (which YAML aliases may share between places). */
const copy = <T>(list: readonly T[] | undefined): T[] => (list === undefined || list.length === 0 ? none() : list.slice());
