// Shared caches in front of the application: a CDN or a caching reverse proxy (Varnish) that stores one signed-in
// user's response under a URL anyone can fetch (web cache deception), or that an unkeyed header lets one request
// poison for everyone.
import type { AuthMethod } from '../../model/catalog.js';
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { isPassThrough, type AnalysisContext } from '../context.js';
import { assetImpact, rated } from '../risk.js';
import { assetList, assetNames, isData, itOrThem, STATE_CHANGING_METHODS } from './facts.js';
import { says, verbFor } from './grammar.js';
import {
  elementComponent, evidence, inUntrustedZone, mitigatedBy, namesAtMost, runsAppCode, TEXT_NAMES, threat, TITLE_NAMES,
} from './helpers.js';
import type { ElementRule, EvidenceRef } from './types.js';

const CACHE_CONTROLS = ['cache-control'] as const;

/**
 * Credentials the browser adds to every request by itself, a navigation to a lured link included: only those
 * put a victim's own page into a response the attacker can have cached. A bearer token (jwt, oauth2, an API
 * key) rides in a header the page's script sets, which a lure does not send, and a shared cache does not
 * reuse a response to a request with `Authorization` unless told to (RFC 9111, 3.5).
 */
const AMBIENT: ReadonlySet<AuthMethod> = new Set<AuthMethod>(['session-cookie', 'basic', 'kerberos']);

/** Data that is one user's or confidential: what must not be handed to the next caller of a URL. */
const isPerUser = (a: Asset): boolean =>
  isData(a) && (a.classification === 'confidential' || a.classification === 'restricted' || a.type === 'session' || a.type === 'pii');

/** Caches store answers to reads: an endpoint that takes only POST, PUT, PATCH or DELETE is not stored. */
const onlyWrites = (ep: Endpoint): boolean => ep.methods.length > 0 && ep.methods.every((m) => STATE_CHANGING_METHODS.has(m));

/** A CDN, or a reverse proxy that keeps responses for later callers (the `http-cache` trait: Varnish). */
const isSharedCache = (e: Element): boolean => e.type === 'cdn' || e.traits.includes('http-cache');

/** One of our processes the cache forwards to, with the flows from the cache to it (through load balancers, proxies, gateways). */
interface Origin {
  element: Element;
  path: readonly Flow[];
}

/** What one origin serves signed-in browsers that a cache must not keep: its endpoints, or the element itself when it lists none. */
interface Exposed {
  origin: Origin;
  /** Undefined for an element that declares no endpoints. */
  endpoint?: Endpoint;
  auth: AuthMethod;
  assets: readonly Asset[];
}

/**
 * The processes of ours behind the cache, each once with the shortest path found (breadth first, flows in model
 * order). The walk goes on through another cache behind this one (a CDN in front of Varnish): each keeps its own
 * copies, so each is judged on what it fronts, and `cache-control` on the inner one settles only its finding.
 */
function originsBehind(ctx: AnalysisContext, cdn: Element): Origin[] {
  const out: Origin[] = [];
  // The flow each element was first reached by: a path is read back from it only for an origin, and the walk
  // keeps no stack of its own (a chain of proxies may be long).
  const via = new Map<string, Flow | undefined>([[cdn.id, undefined]]);
  const pathTo = (last: Flow): Flow[] => {
    const path = [last];
    for (let f = via.get(last.from); f !== undefined; f = via.get(f.from)) path.push(f);
    return path.reverse();
  };
  const queue = [cdn.id];
  for (let i = 0; i < queue.length; i++) {
    for (const f of ctx.graph.outFlows(queue[i])) {
      if (via.has(f.to)) continue;
      const next = ctx.graph.elements.get(f.to);
      if (next === undefined || inUntrustedZone(ctx, next.id)) continue;
      via.set(next.id, f);
      if (runsAppCode(next)) out.push({ element: next, path: pathTo(f) });
      else if (isPassThrough(next)) queue.push(next.id);
    }
  }
  return out;
}

/**
 * What the origin serves browsers signed in by an ambient credential that is one user's or confidential: the
 * endpoints the last flow reaches (the one it names, else every endpoint whose callers, if listed and enforced
 * (`ctx.callerCheck`), include someone on the way), or the element's own `handles` when it lists no endpoints.
 */
function exposedBy(ctx: AnalysisContext, origin: Origin, onTheWay: ReadonlySet<string>): Exposed[] {
  const { element, path } = origin;
  const last = path[path.length - 1];
  if (element.endpoints.length === 0) {
    // The model lends the flows' auth to endpoints only (normalize.ts lendFlowAuth): an element that lists none is
    // signed into by a cookie stated on the hop into it.
    const auth = element.auth ?? (last.auth === 'session-cookie' ? 'session-cookie' : undefined);
    const assets = assetList(ctx, element.handles).filter(isPerUser);
    return auth !== undefined && AMBIENT.has(auth) && assets.length > 0 ? [{ origin, auth, assets }] : [];
  }
  const out: Exposed[] = [];
  for (const ep of element.endpoints) {
    if (last.endpoint !== undefined && last.endpoint !== ep.id) continue;
    if (ep.callers !== undefined && !ep.callers.some((c) => onTheWay.has(c)) && ctx.callerCheck(ep) !== undefined) continue;
    if (onlyWrites(ep)) continue;
    // An endpoint's auth already includes what the flows reaching it state (normalize.ts lendFlowAuth).
    if (!AMBIENT.has(ep.auth)) continue;
    const assets = assetList(ctx, ep.returns).filter(isPerUser);
    if (assets.length > 0) out.push({ origin, endpoint: ep, auth: ep.auth, assets });
  }
  return out;
}

/** Whether `cache-control` is declared where it keeps this response out of the cache: on the endpoint, its element, or a boundary around it. */
const keptOut = (ctx: AnalysisContext, x: Exposed): boolean =>
  x.endpoint !== undefined ? ctx.endpointHas(x.endpoint, CACHE_CONTROLS[0]) : ctx.elementHas(x.origin.element, CACHE_CONTROLS[0]);

const pathLabel = (ctx: AnalysisContext, path: readonly Flow[]): string =>
  [path[0].from, ...path.map((f) => f.to)].map((id) => ctx.graph.elements.get(id)?.name ?? id).join(' -> ');

const exposedName = (x: Exposed): string => (x.endpoint ? `${x.endpoint.key} on ${x.origin.element.name}` : x.origin.element.name);

function exposedEvidence(x: Exposed): EvidenceRef {
  const names = assetNames(x.assets);
  return x.endpoint
    ? evidence(`${x.endpoint.key} on ${x.origin.element.name} returns ${names} to callers signed in with ${x.auth}`, x.endpoint.at)
    : evidence(`${says(x.origin.element.name, 'handles')} ${names} for callers signed in with ${x.auth}, and ${verbFor(x.origin.element.name, 'lists')} no endpoints`, x.origin.element.at);
}

/** A URL that looks static to a cache keying on the extension, under the first exposed route. */
const lureOf = (x: Exposed): string => `${x.endpoint ? x.endpoint.route.replace(/\/+$/, '') : '/account'}/x.css`;

export const webCacheDeception: ElementRule = {
  id: 'web-cache-deception',
  stride: 'I',
  title: 'Web cache deception and poisoning at a shared cache',
  description:
    'A CDN or a caching reverse proxy (Varnish) caches in front of an application that returns per-user or confidential data to browsers signed in by cookie: a link to `/account/x.css` makes the victim\'s browser fetch their own page, which the cache stores as a static file for the attacker to read (web cache deception), and a header the cache does not key on (X-Forwarded-Host) lets one request store a response that everyone is then served (web cache poisoning).',
  condition: 'an element of type `cdn`, or a reverse proxy that caches (the `http-cache` trait: `tech: varnish`), reachable from an untrusted zone that forwards requests, directly or through load balancers, reverse proxies, gateways or other caches (each cache its own finding), to a process of ours that serves data of classification confidential or restricted, or of type pii or session, to callers signed in by a credential the browser sends by itself (`session-cookie`, `basic`, `kerberos`: the endpoint\'s auth, which is its own, its element\'s or the one every flow reaching it states; for a process that lists no endpoints, its own or a `session-cookie` on the hop into it): an endpoint reached through the cache (the one the hop names; its `callers`, if listed and enforced by `authorization`, an `ip-allowlist` on the route or `mtls`, include the cache, a component on the way or a caller of the cache) that `returns` such data and is not write-only (POST, PUT, PATCH, DELETE), or, when the process lists no endpoints, its own `auth` and the data it `handles`; without `cache-control` on the cache or a boundary around it, nor on each such endpoint, its process or a boundary around that. One finding per cache, naming every such endpoint',
  mitigation: 'Send `Cache-Control: no-store` (or `private`) on every authenticated or per-user response and have the cache honour it; cache only an explicit allow-list of paths and content types, never by file extension, and answer a path the application does not serve (`/account/x.css`) with a 404 rather than the page above it; key the cache on every input that changes the response and strip forwarding headers such as X-Forwarded-Host before they reach the origin; use the cache\'s own settings (CloudFront cache policies per path behaviour, Cloudflare Cache Deception Armor, no "cache everything" rules over signed-in routes; in Varnish, `return (pass)` in `vcl_recv` for requests with a session cookie or `Authorization`, as its built-in VCL does unless a custom VCL removes cookies).',
  action: { text: 'Keep per-user responses out of the cache at {targets}' },
  mitigatedBy: CACHE_CONTROLS,
  references: ['CWE-524', 'CWE-525', 'CAPEC-141', 'OWASP Top 10 A05'],
  rating: 'Likelihood Medium (a signed-in victim must open a crafted link, or the cache must key on too little; the techniques are well documented and scanners test for them); impact from the confidentiality of the data those endpoints return.',
  example: "assets:\n  profile: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  edge: { tech: cloudfront }\n  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      GET /account: { returns: [profile] }\nflows:\n  - visitor -> edge: https\n  - edge -> app: https",
  appliesTo: 'element',
  kinds: ['process'],
  types: ['cdn', 'reverse-proxy'],
  check(cdn, ctx) {
    const exposure = ctx.exposure(cdn.id);
    if (!isSharedCache(cdn) || exposure === 'internal') return undefined;
    const origins = originsBehind(ctx, cdn);
    if (origins.length === 0) return undefined;
    const onTheWay = new Set<string>([cdn.id, ...ctx.graph.inFlows(cdn.id).map((f) => f.from)]);
    for (const o of origins) for (const f of o.path) onTheWay.add(f.from);
    const exposed = origins.flatMap((o) => exposedBy(ctx, o, onTheWay));
    if (exposed.length === 0) return undefined;
    if (ctx.elementHas(cdn, CACHE_CONTROLS[0])) return mitigatedBy([...CACHE_CONTROLS], elementComponent(cdn), `${cdn.name} keeps per-user responses out of its cache`);
    const open = exposed.filter((x) => !keptOut(ctx, x));
    if (open.length === 0) return mitigatedBy([...CACHE_CONTROLS], elementComponent(cdn), `every per-user response behind ${cdn.name} is marked uncacheable`);
    const assets = [...new Set(open.flatMap((x) => x.assets))];
    const names = assetNames(assets);
    const openOrigins = [...new Set(open.map((x) => x.origin))];
    const originNames = openOrigins.map((o) => o.element.name);
    const where = namesAtMost(open.map(exposedName), TEXT_NAMES, 'other endpoints');
    const lure = lureOf(open[0]);
    return threat({
      // No flows: the weakness is the cache's, met on reaching it; listed, the calls behind it would carry it on attack paths.
      ...elementComponent(cdn),
      title: `${cdn.name} can cache ${namesAtMost(assets.map((a) => a.name).sort(), TITLE_NAMES, 'other assets')} and serve ${itOrThem(assets)} to other users`,
      description: `${says(cdn.name, 'caches')} in front of ${namesAtMost(originNames, TEXT_NAMES, 'other services')}, where ${where} ${open.length === 1 ? (open[0].endpoint ? 'returns' : verbFor(open[0].origin.element.name, 'returns')) : 'return'} ${names} to browsers signed in with ${[...new Set(open.map((x) => x.auth))].sort().join(' or ')}. A link ${open[0].endpoint ? 'to' : 'such as'} ${lure} makes a victim's browser fetch ${open[0].endpoint ? 'that page' : 'their own data'}, which ${cdn.name} may store as a static file for the attacker to read; and an input the cache does not key on (X-Forwarded-Host) lets one request store a response that everyone is then served.`,
      likelihood: rated('Medium', 'a signed-in victim must open a crafted link, or the cache must key on too little; the techniques are well documented and scanners test for them'),
      impact: assetImpact(assets, 'confidentiality', rated('Medium', `one user's data served to others`)),
      evidence: [
        evidence(`${says(cdn.name, 'caches')} responses and ${verbFor(cdn.name, 'is')} reachable from ${exposure === 'internet' ? 'the internet' : 'an untrusted zone through other components'}`, cdn.at),
        ...openOrigins.map((o) => evidence(`requests reach ${o.element.name} from the cache along ${pathLabel(ctx, o.path)}`, o.path[o.path.length - 1].at)),
        ...open.slice(0, TEXT_NAMES).map(exposedEvidence),
        evidence(`no cache-control on ${cdn.name}, ${namesAtMost(originNames, TEXT_NAMES, 'other services')} or ${open.some((x) => x.endpoint) ? (open.length === 1 ? 'the endpoint' : 'the endpoints') : 'a boundary around them'}`, cdn.at),
      ],
    });
  },
};
