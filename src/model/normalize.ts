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

export interface FlowEntry {
  from: string;
  to: string;
  details: RawFlowDetails;
  at: ModelPath;
}

/** Reads both flow forms: `{ from, to, ... }` and the one-key shorthand `a -> b: https`. */
export function flowEntries(raw: RawModel): FlowEntry[] {
  const out: FlowEntry[] = [];
  (raw.flows ?? []).forEach((entry, index) => {
    const at: ModelPath = ['flows', index];
    if ('from' in entry && 'to' in entry && typeof entry.from === 'string') {
      const { from, to, ...details } = entry as RawFlowDetails & { from: string; to: string };
      out.push({ from, to, details, at });
      return;
    }
    for (const [key, value] of Object.entries(entry as Record<string, string | RawFlowDetails>)) {
      const m = FLOW_ARROW.exec(key);
      if (!m) continue;
      const details = typeof value === 'string' ? { protocol: value } : value;
      out.push({ from: m[1], to: m[2], details, at: [...at, key] });
    }
  });
  return out;
}

export const flowId = (e: FlowEntry): string => e.details.id ?? `${e.from}->${e.to}`;

export function normalize(raw: RawModel, source: SourceMap, file: string): Model {
  const located = (at: ModelPath) => ({ at, loc: source.locate(at) });

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
  for (const [id, b] of Object.entries(rawBoundaries)) {
    const trust = boundaryTrust(id);
    boundaries.push({
      id,
      name: b?.name ?? id,
      description: b?.description,
      trust,
      trustRank: trustRank(trust),
      kind: b?.kind ?? 'network',
      parent: b?.in,
      controls: [...(b?.controls ?? [])],
      ...located(['boundaries', id]),
    });
  }

  const assets: Asset[] = Object.entries(raw.assets ?? {}).map(([id, a]) => {
    const classification = a?.classification ?? 'internal';
    const d = CLASSIFICATION_DEFAULTS[classification];
    return {
      id,
      name: a?.name ?? id,
      description: a?.description,
      kind: a?.kind ?? 'data',
      type: a?.type,
      classification,
      confidentiality: a?.confidentiality ?? d.c,
      integrity: a?.integrity ?? d.i,
      availability: a?.availability ?? d.a,
      ...located(['assets', id]),
    };
  });

  const assetIds = new Set(assets.map((a) => a.id));
  const assetRefs = (refs: readonly string[] | undefined): string[] => {
    const out: string[] = [];
    for (const ref of refs ?? []) {
      const id = resolveAssetRef(ref, assetIds);
      if (id !== undefined && !out.includes(id)) out.push(id);
    }
    return out;
  };

  const elements: Element[] = Object.entries(raw.elements).map(([id, e]) => {
    const techInfo = e.tech === undefined ? undefined : TECHNOLOGIES[e.tech.toLowerCase()];
    const type = (e.type as ElementType | undefined) ?? impliedElementType(e.tech);
    const kind = e.kind ?? impliedKind(type, e.tech) ?? 'process';
    const auth = resolveAuth(e.auth);
    const endpoints: Endpoint[] = Object.entries(e.endpoints ?? {}).map(([key, ep]) => {
      const { methods, route } = parseEndpointKey(key);
      const epAuth = ep?.public ? 'none' : (resolveAuth(ep?.auth) ?? auth ?? 'none');
      return {
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
        controls: [...(ep?.controls ?? [])],
        accepts: assetRefs(ep?.accepts),
        returns: assetRefs(ep?.returns),
        ...located(['elements', id, 'endpoints', key]),
      };
    });
    return {
      id,
      name: e.name ?? id,
      kind,
      type,
      tech: e.tech,
      traits: [...(techInfo?.traits ?? [])],
      boundary: e.in,
      description: e.description,
      controls: [...(e.controls ?? [])],
      auth,
      handles: assetRefs(e.handles),
      stores: assetRefs(e.stores),
      endpoints,
      exposed: e.exposed,
      privileged: e.privileged ?? false,
      replicas: e.replicas,
      owner: e.owner,
      tags: [...(e.tags ?? [])],
      ...located(['elements', id]),
    };
  });

  const endpointByTarget = new Map<string, Map<string, string>>();
  for (const el of elements) {
    const byName = new Map<string, string>();
    for (const ep of el.endpoints) {
      byName.set(ep.key, ep.id);
      if (!byName.has(ep.route)) byName.set(ep.route, ep.id);
    }
    endpointByTarget.set(el.id, byName);
  }

  const flows: Flow[] = flowEntries(raw).map((entry) => {
    const d = entry.details;
    const protocol = d.protocol;
    const info = PROTOCOLS[protocol];
    const auth = resolveAuth(d.auth) ?? info?.auth ?? 'none';
    return {
      id: flowId(entry),
      name: d.name,
      description: d.description,
      from: entry.from,
      to: entry.to,
      protocol,
      encrypted: d.encrypted ?? info?.encrypted ?? false,
      auth,
      credential: d.credential,
      data: assetRefs(d.data),
      endpoint: d.endpoint === undefined ? undefined : endpointByTarget.get(entry.to)?.get(d.endpoint),
      controls: [...(d.controls ?? [])],
      synchronous: info?.synchronous ?? true,
      port: d.port,
      ...located(entry.at),
    };
  });

  const assumptions: Assumption[] = (raw.assumptions ?? []).map((a, index) => ({
    text: typeof a === 'string' ? a : a.text,
    rules: typeof a === 'string' ? [] : [...(a.rules ?? [])],
    elements: typeof a === 'string' ? [] : [...(a.elements ?? [])],
    ...located(['assumptions', index]),
  }));

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
