// Denial of service: exhausting what the system has, or letting one failure take down the rest.
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import type { AnalysisContext, Exposure } from '../context.js';
import { rated } from '../risk.js';
import { credentialStuffing, otpBruteForce } from './authentication.js';
import { UPLOAD_ENDPOINT } from './integrity.js';
import { llmUnboundedConsumption, modelUseThrough } from './llm.js';
import { assetList, assetNames, hasOrHave, isBroker, isOrAre, isPersonOrAgent, itOrThem, perElement, ruleRuns } from './facts.js';
import { perModel, targetKind, targetOf, targetsOfKind } from './family-shared.js';
import { it, itObject, its, possessive, says, verbFor } from './grammar.js';
import {
  anonymousInternetLikelihood, elementComponent, endpointExposure, endpointTarget, evidence,
  flowIds as flowIdsOf, inUntrustedZone, isExposed, missingControlEvidence, mitigatedBy, mitigatedOutcome,
  namesAtMost, presentControls, reportsThreat, TEXT_NAMES, threat, threatOutcome, TITLE_NAMES, unlessControlled,
  untrustedZoneAt, withArticle,
} from './helpers.js';
import { flowEvidence, groupByCommonBoundary, groupComponent } from './service-identity.js';
import type { ElementRule, EndpointRule, ModelRule, Outcome } from './types.js';

const RATE_CONTROLS = ['rate-limiting'] as const;
/**
 * Endpoints whose every call costs real work (queries, storage, email, outbound requests a fetch sends and
 * waits on), worth throttling even behind login.
 */
const EXPENSIVE = new Set(['search', 'upload', 'export', 'graphql', 'register', 'login', 'password-reset', 'fetch', 'otp']);

/** Logging out (or signing out) ends the caller's own session: nothing to guess, nothing costly to repeat. */
const LOGOUT = /(^|\/)(log-?out|sign-?out|log-?off)(\/|$)/i;
/** Files served as they are: style sheets, scripts, images, fonts, and what lies under a static folder. */
const STATIC_FILE = /\.(css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|otf|eot|txt)$/i;
const STATIC_FOLDER = /^\/(static|assets)(\/|$)/i;
const FETCHES = new Set(['GET', 'HEAD']);

/** Whether calling the endpoint costs the service nothing worth throttling: no brute-force or cost target. */
function notWorthLimiting(ep: Endpoint): boolean {
  if (ep.kind === 'health' || LOGOUT.test(ep.route)) return true;
  // A static file is fetched; the same path taking a POST is something else.
  const fetched = ep.methods.length === 0 || ep.methods.every((m) => FETCHES.has(m.toUpperCase()));
  return fetched && (STATIC_FILE.test(ep.route) || STATIC_FOLDER.test(ep.route));
}

export const noRateLimiting: EndpointRule = {
  id: 'no-rate-limiting',
  stride: 'D',
  title: 'No rate limiting',
  description:
    'An endpoint reachable from an untrusted zone without rate limiting on it or in front of it: scripted requests exhaust the service, its database or its email budget.',
  condition: 'an endpoint reachable from an untrusted zone that is public or expensive (search, upload with size limits, export, graphql, register, login, password-reset, fetch, otp), not a health check, webhook or callback, a logout (`/logout`, `/signout`, `/logoff`) or a static file fetched with GET (`.css`, `.js`, images, fonts, `.txt`, or under `/static/` or `/assets/`), nor a login that credential-stuffing reports or a one-time code check that otp-brute-force reports, nor one through which callers make a process run a language model that llm-unbounded-consumption reports (its own endpoint, or a relay\'s in front of it such as a chat widget\'s: that finding names the endpoint and what each request costs), unless the model disables that rule (then it is reported here), without `rate-limiting` on it, its element, its boundary or every path in front (uploads without size limits are `unbounded-upload`)',
  mitigation: 'Rate-limit per client and per account at the gateway or in the service, bound query cost and page size, and cache expensive results.',
  action: { key: 'rate-limiting', text: 'Add rate limiting to {targets}' },
  mitigatedBy: RATE_CONTROLS,
  references: ['CWE-770', 'CWE-400', 'CAPEC-125', 'OWASP API4:2023'],
  rating: 'Likelihood High for unauthenticated endpoints reachable from the internet (a script suffices), Medium behind authentication or through other components; impact Medium (downtime).',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /search: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    // Health checks, logouts and static files are cheap and give nothing to guess; webhooks and callbacks
    // come from partners and are guarded by their signatures.
    if (notWorthLimiting(ep) || ep.kind === 'webhook' || ep.kind === 'callback') return undefined;
    // A login that credential stuffing reports (no MFA, too few throttles) is that one finding, whose fix
    // includes rate limiting; a login with MFA still wants rate limiting against floods, reported here.
    // Each rule left a finding here is asked whether it runs: disabled, it reports nothing to leave to it.
    if (ep.kind === 'login' && ruleRuns(ctx, credentialStuffing.id) && reportsThreat(credentialStuffing.check(ep, element, ctx))) return undefined;
    // Likewise a one-time code check with nothing capping guesses: otp-brute-force's fix is the rate limit.
    if (ep.kind === 'otp' && ruleRuns(ctx, otpBruteForce.id) && reportsThreat(otpBruteForce.check(ep, element, ctx))) return undefined;
    // An upload without size limits is one finding (unbounded-upload), whose fix includes rate limiting.
    if (ep.kind === 'upload' && ruleRuns(ctx, unboundedUpload.id) && !ctx.endpointHas(ep, 'size-limits')) return undefined;
    if (!ep.public && !EXPENSIVE.has(ep.kind)) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    // Where each request runs a language model, llm-unbounded-consumption reports the same missing rate limit
    // and says what it costs (a model call per request): one cause, one finding. Disabled, it says nothing:
    // the missing rate limit is reported here as on any other endpoint.
    if (ruleRuns(ctx, llmUnboundedConsumption.id) && modelUseThrough(ep, element, ctx) !== undefined) return undefined;
    return unlessControlled(ctx, { element, endpoint: ep }, RATE_CONTROLS, 'requests are rate-limited', (missing) => ({
      title: `No rate limiting on ${ep.key}`,
      description: `${ep.key} on ${element.name} can be called ${callers(exposure, ep.public)}${ep.kind === 'register' ? ': mass fake registrations and email floods' : ep.kind === 'search' ? `: expensive queries exhaust the service${queriesDatabase(ctx, element) ? ' and its database' : ''}` : ep.kind === 'fetch' ? ': each call makes the server send requests of its own and wait on them' : ''}.`,
      likelihood: anonymousInternetLikelihood(exposure, ep.public, 'unauthenticated and reachable from the internet: a simple script suffices'),
      impact: rated('Medium', `${says(element.name, 'slows')} down or ${verbFor(element.name, 'stops')}: downtime`),
      evidence: [
        evidence(`${ep.key} is ${ep.public ? 'public' : `${withArticle(ep.kind)} endpoint`} and reachable from an untrusted zone${exposure === 'internet' ? '' : ' through other components'}`, ep.at),
        missing,
      ],
      target: ep.route,
    }));
  },
};

/** Who calls an endpoint at will: anyone on the internet directly, or only as fast as the components in front forward. */
const callers = (exposure: Exposure, anonymous: boolean) => {
  const who = anonymous ? 'anyone' : 'any account';
  return exposure === 'internet' ? `by ${who} as fast as they like` : `as fast as other components forward requests from ${who}`;
};

const RESILIENCE_CONTROLS = ['circuit-breaker', 'timeouts'] as const;
/** Interactive sessions and file transfers: a person or a deploy step waits on them, no request handler does. */
const SESSION_PROTOCOLS: ReadonlySet<string> = new Set(['ssh', 'sftp', 'scp', 'rdp', 'vnc', 'telnet']);

/**
 * A call whose failure cascades into no one: from a client (a browser or app acting for a person), or from a
 * build pipeline (a failed step fails the build), or an interactive session or file transfer.
 */
export const cannotCascade = (caller: Element, f: Flow): boolean =>
  caller.type === 'ci-cd' || isPersonOrAgent(caller) || SESSION_PROTOCOLS.has(f.protocol);

/**
 * Someone else's service: an external element or one of type `third-party`, wherever the model puts it (a
 * provider drawn in a DMZ zone is still a provider), and not a person, a browser or app, or a device (what a
 * service answers or pushes to is no provider it waits on).
 */
export const isProvider = (e: Element): boolean =>
  (e.kind === 'external' || e.type === 'third-party') && !isPersonOrAgent(e) && e.type !== 'device';

export const noCircuitBreaker: ModelRule = {
  id: 'no-circuit-breaker',
  stride: 'D',
  title: 'Cascading failure (no circuit breakers)',
  description:
    'Our services make synchronous calls to other services without circuit breakers or timeouts: one slow dependency ties up every caller\'s threads and the failure cascades.',
  condition: 'synchronous flows (not an interactive session or file transfer: ssh, sftp, scp, rdp, vnc, telnet) between a process in an internal or restricted zone that is not a load balancer (its health checks take a failing target out of rotation: they are its circuit breaker), a managed API gateway (type `gateway` with the `cloud` trait: tech `api-gateway`, `azure-api-management`, `apigee`, `gcp-api-gateway`; it ends every integration call at its own timeout, 29 s for AWS REST APIs), a client or a build pipeline (`ci-cd`: a failed step fails the build) and another element outside untrusted zones that is not a store, person, browser, app or cloud console, nor a third party (an external element or one of type `third-party`, in whatever zone, a DMZ included): a call into an untrusted zone or to a third party is no-timeouts-external\'s finding, and so are all the calls of a process that no-timeouts-external reports, grouped by the innermost boundary they share, where the calling process has neither `circuit-breaker` nor `timeouts` (nor the flow)',
  mitigation: 'Give every synchronous call a timeout and a circuit breaker with a fallback; bulkhead thread pools per dependency.',
  action: { text: 'Add circuit breakers and timeouts to service calls in {targets}' },
  mitigatedBy: RESILIENCE_CONTROLS,
  references: ['CWE-400', 'CWE-1088', 'CAPEC-227'],
  rating: 'Likelihood Medium (a partial outage or deliberate load on one dependency); impact Medium (downtime of the callers).',
  example: 'elements:\n  visitor: { tech: browser }\n  orders: { type: service }\n  payments: { type: service }\nflows:\n  - visitor -> orders: https\n  - orders -> payments: https',
  appliesTo: 'model',
  check(ctx) {
    const { graph } = ctx;
    const { elements, flows: all } = graph.model;
    // One pass over the flows with their ends as element positions: no lookups by id.
    const calls: number[] = [];
    for (let k = 0; k < all.length; k++) {
      const f = all[k];
      if (f.from === f.to || !f.synchronous) continue;
      const s = graph.flowSource[k];
      const t = graph.flowTarget[k];
      // A load balancer's health checks take a failing target out of rotation: that is its circuit breaker; a
      // managed API gateway ends each call at its integration timeout.
      // A call into an untrusted zone, or to a third party wherever the model draws it (a DMZ zone), is
      // no-timeouts-external's finding, not a second one here; a response or push to a person or their browser is
      // no call to a dependency, nor is acting on a cloud management plane (excessive-cloud-permissions' finding).
      if (s < 0 || t < 0 || elements[s].kind !== 'process' || boundsItsCalls(elements[s]) || elements[t].kind === 'store' || isPersonOrAgent(elements[t]) || elements[t].type === 'cloud-console'
        || graph.trustRankAt(s) < 2 || graph.trustRankAt(t) === 0 || isProvider(elements[t]) || cannotCascade(elements[s], f)) continue;
      // A caller that also waits on a third party is one finding there, naming these calls too (one missing control).
      if (externalWaits(ctx, elements[s]) !== undefined) continue;
      calls.push(k);
    }
    // Whether a calling process has either control itself, asked once per caller (by position; 0 unknown, 1 no, 2 yes).
    const resilient = new Uint8Array(elements.length);
    // The last group that listed each caller, so that a group names its callers once each.
    const namedIn = new Int32Array(elements.length).fill(-1);
    const out: Outcome[] = [];
    const groups = groupByCommonBoundary(graph, calls);
    for (let g = 0; g < groups.length; g++) {
      const [key, flows] = groups[g];
      const group = groupComponent(ctx, key);
      const flowIds = flowIdsOf(flows);
      const fragile: Flow[] = [];
      const names: string[] = [];
      for (let i = 0; i < flows.length; i++) {
        const f = flows[i];
        if (f.controls.includes('circuit-breaker') || f.controls.includes('timeouts')) continue;
        const s = graph.positionOf(f.from);
        if (resilient[s] === 0) {
          const source = elements[s];
          resilient[s] = ctx.elementHas(source, 'circuit-breaker') || ctx.elementHas(source, 'timeouts') ? 2 : 1;
        }
        if (resilient[s] === 2) continue;
        fragile.push(f);
        if (namedIn[s] !== g) {
          namedIn[s] = g;
          names.push(elements[s].name);
        }
      }
      if (fragile.length === 0) {
        out.push(mitigatedOutcome(group.component, group.componentKind, undefined, flowIds, RESILIENCE, 'every synchronous call has a timeout or circuit breaker'));
        continue;
      }
      const distinct = distinctSorted(names);
      const callers = namesAtMost(distinct, TEXT_NAMES, 'other callers');
      const one = distinct.length === 1;
      out.push(threatOutcome(group.component, group.componentKind, undefined, fragile.length === flows.length ? flowIds : flowIdsOf(fragile), {
        title: `Cascading failure: no circuit breakers ${group.inBoundary ? `in ${group.name}` : `on calls from ${group.name}`}`,
        description: `${callers} ${one ? verbFor(callers, 'makes') : 'make'} ${fragile.length} synchronous call${fragile.length > 1 ? 's' : ''} without circuit breakers or timeouts; one slow dependency exhausts ${one ? its(callers) : 'their'} workers and the outage spreads.`,
        likelihood: rated('Medium', 'a partial outage or load on one dependency triggers it: some access'),
        impact: rated('Medium', 'callers stop responding: downtime'),
        evidence: [
          ...flowEvidence(ctx, fragile, synchronousCall),
          evidence(`no ${RESILIENCE_CONTROLS.join(' or ')} on ${callers}`, graph.elements.get(fragile[0].from)!.at),
        ],
        target: group.name,
      }));
    }
    return out;
  },
};

const RESILIENCE: string[] = [...RESILIENCE_CONTROLS];
/**
 * A caller whose calls cannot tie it up: a load balancer (ALB, ELB, HAProxy...) health-checks its targets and
 * stops sending to a failing one; a managed API gateway (AWS API Gateway) ends every integration call at a
 * timeout of its own that cannot be switched off (29 s for REST APIs). A gateway we run (Kong, Istio) waits as
 * long as it is configured to.
 */
export const managedGateway = (e: Element | undefined): boolean => e?.type === 'gateway' && e.traits.includes('cloud');
const boundsItsCalls = (e: Element | undefined): boolean => e?.type === 'load-balancer' || managedGateway(e);
/** A person or the browser or app acting for one: what a service answers or pushes to, not a dependency it waits on. */

/** Sorts in place and drops repeats (two callers may share a name). */
function distinctSorted(names: string[]): string[] {
  if (names.length < 2) return names;
  names.sort();
  let kept = 1;
  for (let i = 1; i < names.length; i++) if (names[i] !== names[kept - 1]) names[kept++] = names[i];
  names.length = kept;
  return names;
}
const synchronousCall = (f: Flow) => `synchronous ${f.protocol} call`;


const QUERY_CONTROLS = ['pagination'] as const;

export const unboundedQuery: EndpointRule = {
  id: 'unbounded-query',
  stride: 'D',
  title: 'Unbounded queries',
  description:
    'A search, export or GraphQL endpoint reachable from an untrusted zone that does not bound what one request may ask for (page size, depth, cost): one request scans or returns the whole data set.',
  condition: 'an endpoint of kind `search`, `export` or `graphql` reachable from an untrusted zone, without `pagination`',
  mitigation: 'Cap page size and result count, bound GraphQL depth and cost, set query timeouts in the database, and stream large exports as background jobs.',
  action: { text: 'Bound page size, query cost and timeouts on {targets}' },
  mitigatedBy: QUERY_CONTROLS,
  references: ['CWE-400', 'CWE-770', 'CAPEC-130', 'OWASP API4:2023'],
  rating: 'Likelihood High for public endpoints reachable from the internet, Medium otherwise; impact Medium (the service and its database slow down).',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /graphql: { auth: jwt }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['search', 'export', 'graphql'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const db = queriesDatabase(ctx, element);
    return unlessControlled(ctx, { element, endpoint: ep }, QUERY_CONTROLS, 'queries and results are bounded', (missing) => ({
      title: `Unbounded queries on ${ep.key}`,
      description: `${ep.key} on ${element.name} lets a caller ask for ${ep.kind === 'graphql' ? 'arbitrarily deep and wide queries' : 'arbitrarily large result sets'}; a few requests exhaust the service${db ? ' and its database' : ''}.`,
      likelihood: anonymousInternetLikelihood(exposure, ep.public, 'public and reachable from the internet: one crafted request'),
      impact: rated('Medium', `${db ? `${element.name} and ${its(element.name)} database slow` : says(element.name, 'slows')} down: downtime`),
      evidence: [evidence(`${ep.key} is ${withArticle(ep.kind)} endpoint`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

const UPLOAD_SIZE = ['size-limits'] as const;

export const unboundedUpload: EndpointRule = {
  id: 'unbounded-upload',
  stride: 'D',
  title: 'Unbounded uploads',
  description:
    'An upload endpoint reachable from an untrusted zone without size limits: large or endless uploads fill disks and storage budgets and tie up workers.',
  condition: `${UPLOAD_ENDPOINT} reachable from an untrusted zone, without \`size-limits\` on it, its element, its boundary or every path in front`,
  mitigation: 'Limit request body and file size at the edge and in the service, set per-account quotas and rate limits, and time out slow uploads.',
  action: { text: 'Limit upload size and rate on {targets}' },
  mitigatedBy: UPLOAD_SIZE,
  references: ['CWE-400', 'CWE-770', 'CAPEC-130', 'OWASP API4:2023'],
  rating: 'Likelihood High for public uploads from the internet, Medium behind authentication; impact Medium (storage and workers exhausted).',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /upload: { auth: session-cookie }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['upload'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const limited = ctx.endpointHas(ep, 'rate-limiting');
    return unlessControlled(ctx, { element, endpoint: ep }, UPLOAD_SIZE, 'upload size is limited', (missing) => ({
      title: `Unbounded uploads on ${ep.key}`,
      description: `${ep.key} on ${element.name} accepts files of any size${limited ? '' : ' as often as callers like'}; storage, bandwidth and workers can be exhausted.`,
      likelihood: anonymousInternetLikelihood(exposure, ep.public, 'public uploads from the internet: a script suffices'),
      impact: rated('Medium', 'storage fills and uploads stall: downtime'),
      evidence: [evidence(`${ep.key} is an upload endpoint`, ep.at), missing],
      target: ep.route,
    }));
  },
};

const SPOF_CONTROLS = ['redundancy', 'autoscaling'] as const;

export const singlePointOfFailure: ElementRule = {
  id: 'single-point-of-failure',
  stride: 'D',
  title: 'Single point of failure',
  description:
    'A component others depend on runs as a single instance: a crash, a bad deploy or maintenance takes down everything that calls it.',
  condition: 'a process or store with `replicas: 1` (or 0) that receives flows from at least one process or from an untrusted zone, without `redundancy` or `autoscaling`; a model that does not state replicas is not evidence',
  mitigation: 'Run at least two instances across failure zones (or a managed, replicated service), with health checks and automatic failover.',
  action: { text: 'Run {targets} redundantly (two or more instances with failover)' },
  mitigatedBy: SPOF_CONTROLS,
  references: ['CWE-400', 'CWE-1088', 'CAPEC-607'],
  rating: 'Likelihood Low (a crash or an outage: luck); impact High when the component is internet-facing, an internet-facing component depends on it (a store behind the front ends stops their path as well), or three or more components depend on it, Medium otherwise.',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, replicas: 1 }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls',
  appliesTo: 'element',
  kinds: ['process', 'store'],
  check(element, ctx) {
    if (element.replicas === undefined || element.replicas > 1) return undefined;
    const dependents = [...new Set(ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id)
      .filter((f) => ctx.graph.elements.get(f.from)?.kind === 'process' || ctx.isUntrustedSource(f.from)).map((f) => f.from))];
    if (dependents.length === 0) return undefined;
    // People, browsers and third parties calling in are no components of the system: they count as callers.
    const components = dependents.filter((id) => ctx.graph.elements.get(id)?.kind !== 'external').length;
    const outside = components < dependents.length;
    // A store or service behind an internet-facing component stops that path as surely as a failing entry point:
    // ranking only the entry point High put the stateful stores everything waits on below stateless front ends.
    const facing = dependents.map((id) => ctx.graph.elements.get(id)!)
      .filter((d) => d.kind !== 'external' && ctx.exposure(d.id) === 'internet').map((d) => d.name).sort();
    const critical = ctx.exposure(element.id) === 'internet' || components >= 3 || facing.length > 0;
    // A single component that depends on it is named: "1 component ... stops them" says less, and wrongly.
    const only = components === 1 && !outside ? ctx.graph.elements.get(dependents[0])!.name : undefined;
    const counted = components ? `${components} component${components > 1 ? 's' : ''}` : '';
    const who = `${counted}${counted && outside ? ' and ' : ''}${outside ? 'callers from untrusted zones' : ''}`;
    return unlessControlled(ctx, { element }, SPOF_CONTROLS, 'capacity is redundant', () => ({
      title: `${says(element.name, 'is')} a single point of failure`,
      description: `${says(element.name, 'runs')} as ${element.replicas === 0 ? 'no declared instance' : 'one instance'} and ${only ? says(only, 'depends') : `${who} depend`} on ${itObject(element.name)}; ${its(element.name)} failure stops ${only ?? 'them'}.`,
      likelihood: rated('Low', 'needs a crash, a bad deploy or an outage: luck'),
      impact: critical
        ? rated('High', ctx.exposure(element.id) === 'internet'
          ? 'the internet-facing path stops'
          : components >= 3 ? `${components} components stop` : `the internet-facing path through ${namesAtMost(facing, TEXT_NAMES, 'other components')} stops`)
        : rated('Medium', `${only ? says(only, 'stops') : `${its(element.name)} callers stop`}: downtime`),
      evidence: [evidence(`${says(element.name, 'has')} replicas: ${element.replicas}`, [...element.at, 'replicas'])],
    }));
  },
};

const COALESCING = ['request-coalescing'];
const DATABASES = targetKind((t) => t.type === 'database' || t.type === 'search-index', true);
/** Whether the element calls a database (or search index): only then do texts name one that queries exhaust. */
const queriesDatabase = (ctx: AnalysisContext, e: Element) => targetsOfKind(ctx, DATABASES, e) !== undefined;

export const cacheStampede: ElementRule = {
  id: 'cache-stampede',
  stride: 'D',
  title: 'Cache stampede on the database',
  description:
    'A cache holds copies of data that also lives in a database behind it: when a popular key expires (or the cache restarts), every request falls through to the database at once.',
  condition: 'a store of type `cache` storing an asset that a database (or search index) also stores, both used by the same process, where no process puts that asset into the cache (a flow into it naming the asset) without using a database that holds it (then the cache is where the data starts, a queue or buffer drained into the database, not a copy in front of it), without `request-coalescing` on the cache or on every such process (the finding names those without it)',
  mitigation: 'Coalesce concurrent misses for one key (single flight or locks), refresh popular keys early with jittered expiry, and protect the database with a connection limit.',
  action: { text: 'Coalesce cache misses and jitter expiry for {targets}' },
  mitigatedBy: COALESCING,
  references: ['CWE-400', 'CAPEC-130'],
  rating: 'Likelihood Medium (happens under normal peak load); impact Medium (the database slows or falls over).',
  example: "assets:\n  catalog: { classification: public }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  cache: { tech: redis, stores: [catalog] }\n  db: { tech: postgres, stores: [catalog] }\nflows:\n  - visitor -> api: https\n  - api -> cache: rediss\n  - api -> db: sql+tls",
  appliesTo: 'element',
  kinds: ['store'],
  types: ['cache'],
  check(element, ctx) {
    if (element.type !== 'cache' || element.stores.length === 0) return undefined;
    const cached = copiedFromDatabases(ctx, element);
    if (cached.size === 0) return undefined;
    // Each user of the cache that also reads a database holding some of what the cache holds, with those databases.
    const users = new Map<Element, Element[]>();
    for (const f of ctx.graph.inFlows(element.id)) {
      const user = ctx.graph.elements.get(f.from);
      if (user?.kind !== 'process' || users.has(user)) continue;
      const dbs = new Set<Element>();
      for (const g of targetsOfKind(ctx, DATABASES, user) ?? []) {
        const target = targetOf(ctx, g);
        if (target.stores.some((a) => cached.has(a))) dbs.add(target);
      }
      if (dbs.size) users.set(user, [...dbs]);
    }
    if (users.size === 0) return undefined;
    const own = presentControls(ctx, COALESCING, element);
    if (own.length) return mitigatedBy(own, elementComponent(element), `concurrent misses are coalesced by ${element.name}`);
    // One user that coalesces its own misses does not protect the database from the others.
    const coalescing = [...users.keys()].filter((u) => ctx.elementHas(u, 'request-coalescing'));
    const without = [...users.keys()].filter((u) => !coalescing.includes(u));
    const userNames = (list: readonly Element[]) => namesAtMost(list.map((u) => u.name).sort(), TEXT_NAMES, 'other services');
    if (without.length === 0) {
      return mitigatedBy(COALESCING, elementComponent(element), `concurrent misses are coalesced by every user of ${element.name}: ${userNames(coalescing)}`);
    }
    const dbs = [...new Set(without.flatMap((u) => users.get(u)!))].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const dbNames = namesAtMost(dbs.map((d) => d.name), TEXT_NAMES, 'other databases');
    const shared = assetList(ctx, element.stores.filter((a) => dbs.some((d) => d.stores.includes(a))));
    const one = without.length === 1;
    const who = userNames(without);
    return threat({
      ...elementComponent(element),
      title: `Cache stampede from ${element.name} onto ${namesAtMost(dbs.map((d) => d.name), TITLE_NAMES, 'other databases')}`,
      description: `${says(element.name, 'caches')} ${assetNames(shared)} that ${who} otherwise ${one ? verbFor(who, 'reads') : 'read'} from ${dbNames}, and ${one ? says(who, 'does') : 'they do'} not coalesce misses${coalescing.length ? ` (${userNames(coalescing)} ${coalescing.length === 1 ? verbFor(coalescing[0].name, 'does') : 'do'})` : ''}; an expiry or restart under load sends every request from ${one ? who : 'them'} to ${dbNames} at once.`,
      likelihood: rated('Medium', 'happens under ordinary peak load'),
      impact: rated('Medium', `${dbNames} ${dbs.length === 1 ? verbFor(dbNames, 'slows') : 'slow'} down or ${dbs.length === 1 ? verbFor(dbNames, 'falls') : 'fall'} over: downtime`),
      evidence: [
        evidence(`${says(element.name, 'stores')} ${assetNames(shared)}`, [...element.at, 'stores']),
        ...dbs.map((d) => {
          const held = shared.filter((a) => d.stores.includes(a.id));
          return evidence(`${says(d.name, 'stores')} ${held.length === shared.length ? 'them' : assetNames(held)} too`, [...d.at, 'stores']);
        }),
        evidence(`no request-coalescing on ${element.name} or ${who}`, without[0].at),
      ],
    });
  },
};

/**
 * What a cache holds as a copy of what sits in a database: all it stores, but for data that a process puts
 * into it without using any database that holds that data. There the cache is where the data starts (a queue
 * or buffer, such as Redis lists a front end pushes votes to and a worker drains into the database), not a
 * copy in front of the database whose misses fall through to it.
 */
function copiedFromDatabases(ctx: AnalysisContext, cache: Element): Set<string> {
  const cached = new Set(cache.stores);
  for (const f of ctx.graph.inFlows(cache.id)) {
    // What the writer's databases hold is gathered only for a flow carrying something still counted as a copy.
    if (cached.size === 0) break;
    if (!f.data.some((a) => cached.has(a))) continue;
    const writer = ctx.graph.elements.get(f.from);
    if (writer?.kind !== 'process') continue;
    const held = new Set<string>();
    for (const g of targetsOfKind(ctx, DATABASES, writer) ?? []) for (const a of targetOf(ctx, g).stores) held.add(a);
    for (const a of f.data) if (!held.has(a)) cached.delete(a);
  }
  return cached;
}

const EXTERNAL_CALL_CONTROLS = ['timeouts', 'circuit-breaker'] as const;

/** A flow declaring a timeout or circuit breaker is bounded, whatever its caller does elsewhere. */
const boundedFlow = (f: Flow) => f.controls.includes('timeouts') || f.controls.includes('circuit-breaker');

/**
 * A synchronous call to a third party: a process's flow to a provider (see isProvider), or to an element in an
 * untrusted zone that is not a person, a browser or app, or a device.
 */
function thirdPartyCall(ctx: AnalysisContext, f: Flow, to: number): boolean {
  if (!f.synchronous || f.from === f.to || to < 0) return false;
  const target = ctx.graph.model.elements[to];
  if (isProvider(target)) return true;
  return untrustedZoneAt(ctx, to) && !isPersonOrAgent(target) && target.type !== 'device';
}

/**
 * The element's synchronous calls to third parties whose wait can hold up someone (not cannotCascade's: a build
 * pipeline's step, an interactive session or a file transfer), in model order. Through the adjacency, where each
 * target is a position already: asked of every process, by id it was a lookup per call that mostly missed the caches.
 */
function thirdPartyCalls(ctx: AnalysisContext, e: Element): Flow[] {
  const calls: Flow[] = [];
  const at = ctx.graph.positionOf(e.id);
  if (at < 0) return calls;
  const { outStart, outFlow } = ctx.adjacency;
  const { flowTarget } = ctx.graph;
  const { flows } = ctx.graph.model;
  for (let j = outStart[at]; j < outStart[at + 1]; j++) {
    const k = outFlow[j];
    if (thirdPartyCall(ctx, flows[k], flowTarget[k]) && !cannotCascade(e, flows[k])) calls.push(flows[k]);
  }
  return calls;
}

/** Who the caller of such calls is and what it calls without a bound, when no-timeouts-external reports it. */
interface ExternalWaits {
  /** Unbounded synchronous calls to third parties, in model order. */
  external: Flow[];
  /** Its unbounded synchronous calls to our own services, which no-circuit-breaker leaves to this finding. */
  internal: Flow[];
}

/**
 * The unbounded calls of a process outside untrusted zones that calls a third party synchronously without
 * `timeouts` or `circuit-breaker` (on itself, its boundary or the flow); undefined when it makes none. One
 * missing control is one finding: its calls to our own services are named with them (no-circuit-breaker
 * leaves such a caller to no-timeouts-external).
 */
function externalWaits(ctx: AnalysisContext, e: Element): ExternalWaits | undefined {
  const table = perElement<ExternalWaits | null>(ctx, 'no-timeouts-external');
  let waits = table.get(e.id);
  if (waits === undefined) {
    waits = null;
    if (e.kind === 'process' && !managedGateway(e) && ctx.graph.trustRankOf(e.id) !== 0 && presentControls(ctx, EXTERNAL_CALL_CONTROLS, e).length === 0) {
      const out = ctx.graph.outFlows(e.id);
      const external = thirdPartyCalls(ctx, e).filter((f) => !boundedFlow(f));
      if (external.length) waits = { external, internal: out.filter((f) => !boundedFlow(f) && !external.includes(f) && dependencyCall(ctx, f)) };
    }
    table.set(e.id, waits);
  }
  return waits ?? undefined;
}

/**
 * A synchronous call no-circuit-breaker judges: from a process in an internal or restricted zone, not a load
 * balancer or a managed API gateway, to another element outside untrusted zones that is not a store, a person,
 * a browser or app, or a cloud console.
 */
function dependencyCall(ctx: AnalysisContext, f: Flow): boolean {
  if (f.from === f.to || boundsItsCalls(ctx.graph.elements.get(f.from)) || !f.synchronous || ctx.graph.trustRankOf(f.from) < 2 || ctx.graph.trustRankOf(f.to) === 0) return false;
  const target = ctx.graph.elements.get(f.to);
  const caller = ctx.graph.elements.get(f.from);
  return target !== undefined && target.kind !== 'store' && !isPersonOrAgent(target) && target.type !== 'cloud-console' && !isProvider(target) &&
    (caller === undefined || !cannotCascade(caller, f));
}

/** Background jobs: a scheduled job or a queue consumer, which answers no one when it runs. */
const BACKGROUND_TYPES: ReadonlySet<string> = new Set(['worker', 'function']);

/**
 * Whether anything waits on the process's answers: anything but a background job (an API or service with no
 * flow in is a model not yet complete, not a job), or a job that a synchronous call from another element
 * that is not a store or a broker starts (a consumer reading a queue, a job the scheduler starts, answer nobody).
 */
const someoneWaitsOn = (ctx: AnalysisContext, e: Element): boolean =>
  !BACKGROUND_TYPES.has(e.type ?? '') ||
  ctx.graph.inFlows(e.id).some((f) => f.from !== e.id && f.synchronous && ctx.graph.elements.get(f.from)?.kind !== 'store');

export const noTimeoutsExternal: ElementRule = {
  id: 'no-timeouts-external',
  stride: 'D',
  title: 'Calls to third parties without timeouts',
  description:
    'A service makes synchronous calls to third-party services without timeouts or a circuit breaker: when a provider slows down, every worker waits on it and the service stops answering.',
  condition: 'a process outside untrusted zones, not a managed API gateway (type `gateway` with the `cloud` trait: tech `api-gateway`, `azure-api-management`, `apigee`, `gcp-api-gateway`; it ends every integration call at its own timeout), with synchronous flows to third parties (external elements or elements of type `third-party`, in whatever zone the model puts them, a DMZ included, and any other element in an untrusted zone; not people, browsers, apps or devices), not from a client (a browser or app) or a build pipeline (`ci-cd`: a failed step fails the build), nor an interactive session or file transfer (ssh, sftp, scp, rdp, vnc, telnet), as no-circuit-breaker exempts them, where neither the flow nor the process has `timeouts` or `circuit-breaker`; one finding per calling process, naming those calls and its unbounded synchronous calls to our own services (no-circuit-breaker leaves that process to this rule)',
  mitigation: 'Set connect and read timeouts on every outbound call, add a circuit breaker with a fallback, and queue non-urgent calls.',
  // It names the caller's unbounded calls to our own services too (no-circuit-breaker leaves them to it).
  action: { text: 'Add timeouts and a circuit breaker to the outbound calls of {targets}' },
  mitigatedBy: EXTERNAL_CALL_CONTROLS,
  references: ['CWE-400', 'CWE-1088', 'CAPEC-227'],
  rating: 'Likelihood Medium (provider outages happen, or an attacker slows the provider); impact Medium (the caller stops responding), Low for a background job nothing waits on (type `worker` or `function` with no synchronous flow into it but from stores and brokers: a scheduled job or a queue consumer, whose stuck run the next run or its monitoring finds).',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  mailer: { type: third-party }\nflows:\n  - visitor -> api: https\n  - api -> mailer: https',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    // A managed gateway's integration timeout bounds each call it makes: there is no wait to report.
    if (element.kind !== 'process' || managedGateway(element) || ctx.graph.trustRankOf(element.id) === 0) return undefined;
    const calls = thirdPartyCalls(ctx, element);
    if (calls.length === 0) return undefined;
    const present = presentControls(ctx, EXTERNAL_CALL_CONTROLS, element);
    if (present.length) return mitigatedBy(present, { ...elementComponent(element), flows: flowIdsOf(calls) }, 'the calls are bounded in time');
    const waits = externalWaits(ctx, element);
    if (waits === undefined) {
      const declared = EXTERNAL_CALL_CONTROLS.filter((c) => calls.some((f) => f.controls.includes(c)));
      return mitigatedBy(declared, { ...elementComponent(element), flows: flowIdsOf(calls) }, 'every call to a third party is bounded in time');
    }
    const { external, internal } = waits;
    const all = [...external, ...internal];
    const name = element.name;
    const providers = namesOf(ctx, external, 'other providers');
    const services = internal.length ? namesOf(ctx, internal, 'other services') : '';
    const waited = someoneWaitsOn(ctx, element);
    return threat({
      ...elementComponent(element),
      flows: flowIdsOf(all),
      title: `${says(name, 'waits')} without limit on ${namesAtMost([...sortedNames(ctx, external), ...sortedNames(ctx, internal)], TITLE_NAMES, 'other services')}`,
      description: `${says(name, 'calls')} ${providers}${services ? ` and our own ${services}` : ''} synchronously with no timeout or circuit breaker; a slow ${services ? 'provider or service' : 'provider'} ties up ${possessive(name)} workers${waited ? '' : `, though nothing waits on ${itObject(name)}: a stuck run only delays ${its(name)} own work`}.`,
      likelihood: rated('Medium', 'provider slowdowns happen and can be provoked'),
      impact: waited
        ? rated('Medium', `${says(name, 'stops')} responding: downtime`)
        : rated('Low', `nothing waits on ${itObject(name)} (no synchronous call into ${itObject(name)}): a stuck run delays ${its(name)} own work until the next run or ${its(name)} monitoring notices`),
      evidence: [
        ...flowEvidence(ctx, all, (f) => `synchronous ${f.protocol} call`),
        missingControlEvidence(EXTERNAL_CALL_CONTROLS, element),
      ],
      target: name,
    });
  },
};

const nameOf = (ctx: AnalysisContext, id: string) => ctx.graph.elements.get(id)?.name ?? id;
const sortedNames = (ctx: AnalysisContext, flows: readonly Flow[]) => flows.map((f) => nameOf(ctx, f.to)).sort();
/** The targets of the flows, each once, sorted, the first few named. */
const namesOf = (ctx: AnalysisContext, flows: readonly Flow[], others: string) => namesAtMost(sortedNames(ctx, flows), TEXT_NAMES, others);

/**
 * Assets whose availability is rated high, found once per analysis (asked for every entry element), and those
 * of them that no element handles or stores and no flow carries: those stand for the whole service (`uptime`).
 */
interface CriticalAssets {
  all: Asset[];
  /** Of `all`, those held by nothing. */
  serviceWide: Asset[];
  /** Each asset of `all` by id, with its place in `all` (the order findings name them in). */
  byId: Map<string, { asset: Asset; order: number }>;
}

const availabilityCritical: (ctx: AnalysisContext) => CriticalAssets = perModel((ctx) => {
  const all = ctx.graph.model.assets.filter((a) => a.availability === 'high');
  const held = new Set<string>();
  for (const e of ctx.graph.model.elements) for (const id of [...e.handles, ...e.stores]) held.add(id);
  for (const f of ctx.graph.model.flows) for (const id of f.data) held.add(id);
  return { all, serviceWide: all.filter((a) => !held.has(a.id)), byId: new Map(all.map((asset, order) => [asset.id, { asset, order }])) };
});

/**
 * The critical assets an outage of the element takes down: service-wide ones, those it handles or stores, and
 * those its calls carry, in model order. From the element's own lists, not a scan of every critical asset per
 * element (a model may rate thousands of assets availability high).
 */
function criticalAt(ctx: AnalysisContext, element: Element, critical: CriticalAssets): Asset[] {
  const found = new Map<string, { asset: Asset; order: number }>();
  const add = (id: string) => {
    const known = critical.byId.get(id);
    if (known !== undefined) found.set(id, known);
  };
  for (const a of critical.serviceWide) add(a.id);
  for (const id of element.handles) add(id);
  for (const id of element.stores) add(id);
  for (const f of ctx.graph.outFlows(element.id)) for (const id of f.data) add(id);
  return [...found.values()].sort((a, b) => a.order - b.order).map((x) => x.asset);
}

/**
 * What absorbs a flood of connections to an MQTT or AMQP broker: limits the broker enforces per client and per
 * address, and a network load balancer with DDoS protection in front (a CDN does not carry MQTT or AMQP).
 */
const BROKER_DDOS_ADVICE =
  'Limit connections at the broker: a connection rate limit, a maximum number of connections per client id and per source address, a cap on TLS handshakes per second (or terminate TLS on the load balancer), and per-client message rate and size quotas (EMQX: `max_conn_rate` and `max_connections` on the listener; Mosquitto: `max_connections`; RabbitMQ: per-virtual-host `max-connections` limits); and put a network load balancer with DDoS protection (AWS Shield, Azure DDoS Protection, Google Cloud Armor) in front of the broker.';

/**
 * Whether the element takes traffic straight from the internet: exposure `internet`, and marked `exposed` or with
 * a flow in from an untrusted zone other than from third-party services (partners calling a webhook say where
 * their events go, not where the public's traffic lands). Clients connect to a broker of ours whichever way the
 * flow is drawn (a device subscribing is drawn broker -> device), so a broker outside untrusted zones counts
 * flows to such clients too, whatever its exposure says.
 */
function takesTrafficDirectly(ctx: AnalysisContext, element: Element): boolean {
  const client = (id: string) => id !== element.id && inUntrustedZone(ctx, id) && ctx.graph.elements.get(id)?.type !== 'third-party';
  if (ctx.exposure(element.id) === 'internet' && (element.exposed === true || ctx.graph.inFlows(element.id).some((f) => client(f.from)))) return true;
  return isBroker(element) && !inUntrustedZone(ctx, element.id) && ctx.graph.outFlows(element.id).some((f) => client(f.to));
}

export const noDdosProtection: ElementRule = {
  id: 'no-ddos-protection',
  stride: 'D',
  title: 'No protection against volumetric attacks',
  description:
    'The model says availability matters (an asset or resource with high availability), but the component that takes traffic straight from the internet (a process, or a message broker that devices or apps connect to) has no DDoS protection: a rented botnet takes the service offline.',
  condition: 'a process, or a queue or event bus (type `queue`/`event-bus` or the `message-broker` trait: an MQTT or AMQP broker clients connect to), with exposure `internet` that is marked `exposed` or has flows directly from an untrusted zone other than from third-party services; or a broker outside untrusted zones with flows to such clients (a subscription is drawn broker -> client), when some asset in the model has availability `high` (impact High when the element handles or stores such an asset, its outgoing flows carry one, or one is held by nothing, so standing for the whole service), without `ddos-protection` on it or its boundary or in front of it; a broker gets advice for brokers (connection limits, a network load balancer with DDoS protection)',
  mitigation: 'Put the entry point behind a CDN or cloud DDoS protection service, absorb traffic at the edge, and autoscale behind it.',
  action: { text: 'Put {targets} behind DDoS protection (a CDN, a cloud shield or, for a broker, a protected network load balancer)' },
  mitigatedBy: ['ddos-protection'],
  references: ['CWE-400', 'CAPEC-125', 'CAPEC-482'],
  rating: 'Likelihood Medium (DDoS for hire is cheap, but someone must want it); impact High (the service is offline and availability is rated high), Medium when none of the assets rated so is handled, stored or passed on by the element itself (its own data, or what its flows carry).',
  example: "assets:\n  uptime: { kind: resource, availability: high }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-server }\nflows:\n  - visitor -> web: https",
  appliesTo: 'element',
  kinds: ['process', 'store'],
  check(element, ctx) {
    // Other stores take no traffic from the public (exposed-data-store reports one that does): brokers do.
    const broker = element.kind === 'store';
    if (broker && !isBroker(element)) return undefined;
    if (!takesTrafficDirectly(ctx, element)) return undefined;
    const model = availabilityCritical(ctx);
    if (model.all.length === 0) return undefined;
    const critical = criticalAt(ctx, element, model);
    const traffic = broker ? 'connections' : 'traffic';
    return unlessControlled(ctx, { element }, ['ddos-protection'], 'volumetric attacks are absorbed', (missing) => ({
      title: `${says(element.name, 'has')} no DDoS protection`,
      description: critical.length
        ? `${says(element.name, 'takes')} ${traffic} straight from the internet, ${assetNames(critical)} must stay available, and nothing absorbs a volumetric attack${broker ? ' or a flood of connections' : ''}.`
        : `${says(element.name, 'takes')} ${traffic} straight from the internet and nothing absorbs a volumetric attack${broker ? ' or a flood of connections' : ''}.`,
      likelihood: rated('Medium', 'DDoS for hire is cheap, but needs a motivated attacker'),
      impact: critical.length
        ? rated('High', `${assetNames(critical)} ${isOrAre(critical)} rated availability high: the service goes offline`)
        : rated('Medium', `${says(element.name, 'goes')} offline, but none of the data ${it(element.name)} ${verbFor(element.name, 'handles')} or ${verbFor(element.name, 'passes')} on is rated availability high`),
      evidence: [
        evidence(`${says(element.name, 'receives')} ${traffic} directly from an untrusted zone`, element.at),
        critical.length
          ? evidence(`${critical[0].name} ${hasOrHave([critical[0]])} availability high`, critical[0].at)
          : evidence(`${model.all[0].name} ${hasOrHave([model.all[0]])} availability high, but ${element.name} neither ${verbFor(element.name, 'handles')} nor ${verbFor(element.name, 'passes')} ${itOrThem([model.all[0]])} on`, model.all[0].at),
        missing,
      ],
      mitigation: broker ? BROKER_DDOS_ADVICE : undefined,
    }));
  },
};


