// Browser-facing weaknesses: script injection into pages, forged cross-site requests, permissive CORS,
// open redirects. Each needs a browser in front of the component (directly or through edge components).
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { rated, ratingRank } from '../risk.js';
import type { RatedLevel } from '../types.js';
import {
  assetList, assetNames, authAskedInFront, authenticatedUpstream, changesState, highConfidentiality, browsesTheWeb, isData, isPerson, isPersonOrAgent, isPrivilegedPerson,
  isUserAgent, perElement, USER_CREDENTIALS,
} from './facts.js';
import { browserOriginsOf, browserReached, CALLER_PERIMETER, perModel } from './family-shared.js';
import { agreeing, it, itObject, its, says, verbFor } from './grammar.js';
import { modelOutputReachesBrowsers, pageEndpoints, RENDERS_HTML } from './llm.js';
import {
  elementComponent, endpointExposure, endpointTarget, evidence, flowIds, flowLabel, internetLikelihood, isExposed, mitigatedBy,
  namesAtMost, onlyReachableThrough, presentControls, reportsThreat, runsAppCode, TEXT_NAMES, unlessControlled, withArticle,
} from './helpers.js';
import type { ElementRule, EndpointRule } from './types.js';

const isPrivate = (ep: Endpoint) => !ep.public;
/** Users sign in to it: script in its pages acts with their session. */
const signedIn = (e: Element) => (e.auth !== undefined && e.auth !== 'none') || e.endpoints.some(isPrivate);

const XSS_CONTROLS = ['output-encoding', 'content-security-policy'] as const;
const isPage = (ep: Endpoint) => ep.kind === 'page';
const XSS_MITIGATION = 'Encode all output for its context (templates with auto-escaping, no raw HTML sinks), sanitise rich text with an allow-list, and add a strict Content-Security-Policy.';

/**
 * Our own code running in the user's browser: a plain `browser` is a person's, with nothing of ours in it. A
 * person's type beside the app's technology (`console: { type: admin, tech: react }`) says who uses the app;
 * the technology's `spa` trait still says the app is ours.
 */
const isSpa = (e: Element): boolean => (e.type === 'user-agent' || isPerson(e)) && e.traits.includes('spa');

/** The element types an app in the browser can have: its own, or that of the person the model names as its user. */
const SPA_TYPES = ['user-agent', 'user', 'admin', 'support-staff', 'developer'];

/** What a single-page app does about script injection in its own code: server templates do not cover its sinks. */
const SPA_SINKS = 'keep user content out of raw HTML sinks (dangerouslySetInnerHTML, v-html, innerHTML) and sanitise rich text with DOMPurify';

/**
 * The single-page apps that call an element, in id order: directly, or through edge components that forward
 * to no other process of ours. A load balancer shared with other applications says only that the app's
 * requests could land there, not that the app shows what this element returns (the shop's app behind the
 * ALB that also fronts the staff console is not the console's).
 */
function spasCalling(ctx: AnalysisContext, element: Element): Element[] {
  const spas = (browserOriginsOf(ctx, element) ?? []).filter((spa) => isSpa(spa) && callsAsItsBackend(ctx, spa, element));
  return spas.length > 1 ? spas.sort((x, y) => x.id.localeCompare(y.id, 'en')) : spas;
}

/** Whether one of the app's flows goes to the element, or through edges that lead to no other process of ours. */
function callsAsItsBackend(ctx: AnalysisContext, spa: Element, element: Element): boolean {
  for (const f of ctx.graph.outFlows(spa.id)) {
    if (f.to === element.id) return true;
    const reached = forwardedTo(ctx, f.to);
    if (!reached.has(element.id)) continue;
    let others = false;
    for (const id of reached) {
      const e = ctx.graph.elements.get(id);
      if (id !== element.id && e !== undefined && runsAppCode(e) && e.type !== 'identity-provider' && !e.traits.includes('identity')) others = true;
    }
    if (!others) return true;
  }
  return false;
}

/** How far data is followed from where it enters through the stores and jobs that copy it along. */
const FEED_HOPS = 8;

/**
 * Per element (by position), the element it gets data from the internet or an untrusted zone through, -1
 * where none (so that a pipeline can be named hop by hop back to where the data comes in); a source points
 * at itself. Sources are processes reachable from the internet and anything in an untrusted zone. Data goes
 * on along every flow into a process or store, and a store hands it to whatever reads it, which the model may
 * draw either way (the reader's query into the store, or the rows it sends back). One breadth-first pass over
 * the whole model from all sources at once, at most FEED_HOPS from a source, kept for the analysis.
 */
const fedFrom: (ctx: AnalysisContext) => Int32Array = perModel(findFeeds);

function findFeeds(ctx: AnalysisContext): Int32Array {
  const { graph } = ctx;
  const elements = graph.model.elements;
  const { inStart, inFlow, outStart, outFlow } = ctx.adjacency;
  const parent = new Int32Array(elements.length).fill(-1);
  const depth = new Uint8Array(elements.length);
  const queue: number[] = [];
  // Those the internet reaches directly first: a store both feed is then named after the nearer way in.
  for (const direct of [true, false]) {
    for (let i = 0; i < elements.length; i++) {
      if (parent[i] !== -1) continue;
      const exposure = elements[i].kind === 'process' ? ctx.exposureAt(i) : 'internal';
      if (direct ? ctx.untrustedSourceAt(i) || exposure === 'internet' : exposure === 'indirect') {
        parent[i] = i;
        queue.push(i);
      }
    }
  }
  const carries = (e: Element) => e.kind === 'process' || e.kind === 'store';
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head];
    if (depth[i] >= FEED_HOPS) continue;
    const reach = (t: number) => {
      if (t < 0 || parent[t] !== -1 || !carries(elements[t])) return;
      parent[t] = i;
      depth[t] = depth[i] + 1;
      queue.push(t);
    };
    for (let j = outStart[i]; j < outStart[i + 1]; j++) reach(graph.flowTarget[outFlow[j]]);
    if (elements[i].kind === 'store') for (let j = inStart[i]; j < inStart[i + 1]; j++) reach(graph.flowSource[inFlow[j]]);
  }
  return parent;
}

/**
 * Where an element gets data from an untrusted zone: a store it reads, or a process of ours it calls for data
 * (a back office reading customers' records through the accounts API); where the data comes in; the hops between.
 */
interface UntrustedFeed {
  /** The store read, or the process called. */
  holder: Element;
  /** Where the data comes in: a writer in an untrusted zone or a process the internet reaches (the holder itself when it is one). */
  origin: Element;
  /** The stores and processes that pass the data on between the two, from the origin on. */
  via: Element[];
}

/**
 * The first (in id order) store linked to the element by a flow either way that the internet or an untrusted
 * zone feeds, by a route that does not pass through the element itself; with no such store, the first process
 * the element calls with data that is so fed (the data it asks for comes back from what the public wrote).
 */
function untrustedFeed(ctx: AnalysisContext, element: Element): UntrustedFeed | undefined {
  const { graph } = ctx;
  const stores = [...graph.outFlows(element.id), ...graph.inFlows(element.id)].map((f) => graph.elements.get(f.from === element.id ? f.to : f.from))
    .filter((e): e is Element => e !== undefined && e.kind === 'store');
  const called = graph.outFlows(element.id).filter((f) => f.data.length > 0).map((f) => graph.elements.get(f.to))
    .filter((e): e is Element => e !== undefined && e.kind === 'process' && e.id !== element.id);
  return firstFeed(ctx, element, stores) ?? firstFeed(ctx, element, called);
}

function firstFeed(ctx: AnalysisContext, element: Element, holders: readonly Element[]): UntrustedFeed | undefined {
  const { graph } = ctx;
  const parent = fedFrom(ctx);
  const self = graph.positionOf(element.id);
  let best: UntrustedFeed | undefined;
  for (const holder of holders) {
    if (best !== undefined && best.holder.id.localeCompare(holder.id, 'en') <= 0) continue;
    let at = graph.positionOf(holder.id);
    if (at < 0 || parent[at] === -1) continue;
    // Back from the holder to where the data comes in (a holder in an untrusted zone or the internet reaches is its own source).
    const chain: Element[] = [];
    let through = false;
    while (parent[at] !== at && chain.length <= FEED_HOPS) {
      at = parent[at];
      if (at === self) {
        through = true;
        break;
      }
      chain.push(graph.model.elements[at]);
    }
    if (through) continue;
    best = chain.length === 0 ? { holder, origin: holder, via: [] } : { holder, origin: chain[chain.length - 1], via: chain.slice(0, -1).reverse() };
  }
  return best;
}

/** Where the data that feeds a store comes in from, for a reason: "which the internet reaches". */
function originWhere(ctx: AnalysisContext, origin: Element): string {
  if (ctx.isUntrustedSource(origin.id)) return 'in an untrusted zone';
  return ctx.exposure(origin.id) === 'internet' ? 'which the internet reaches' : 'which the internet reaches through other components';
}

/** What a store does with the data (holds it), or a process called for it (returns it). */
const keepsVerb = (holder: Element): string => (holder.kind === 'store' ? 'holds' : 'returns');

/** "warehouse holds data from shop (through events), which the internet reaches"; "accounts returns data its callers write, which the internet reaches". */
function feedText(ctx: AnalysisContext, feed: UntrustedFeed): string {
  const { holder } = feed;
  if (feed.origin === holder) {
    return holder.kind === 'store'
      ? `${says(holder.name, 'sits')} in an untrusted zone, where anyone can write to ${itObject(holder.name)}`
      : `${says(holder.name, 'returns')} data its callers write, ${originWhere(ctx, holder)}`;
  }
  const via = feed.via.length ? ` (through ${namesAtMost(feed.via.map((e) => e.name), TEXT_NAMES, 'other steps')})` : '';
  return `${says(holder.name, keepsVerb(holder))} data from ${feed.origin.name}${via}, ${originWhere(ctx, feed.origin)}`;
}

/** Endpoints a server of files may list: plain paths and health checks, taking and returning no asset. */
const STATIC_KINDS: ReadonlySet<string> = new Set(['api', 'health']);
const servesFile = (ep: Endpoint) => STATIC_KINDS.has(ep.kind) && !changesState(ep) && ep.accepts.length === 0 && ep.returns.length === 0;

/**
 * A web server (nginx, a bucket website) that only hands browsers a single-page app's bundle: it calls
 * nothing (a flow back to a person or browser is a response, no backend), handles or receives no data,
 * lists no endpoint that renders or takes anything, and a single-page app it serves gets its data from
 * another of our processes. Its pages hold nothing users wrote: script injection there is the app's own (dom-xss)
 * or comes from that API. Without the app calling elsewhere the model may simply not show the server's
 * backend, so the server is not taken as static.
 */
function servesOnlyAppFiles(ctx: AnalysisContext, e: Element): boolean {
  if (e.type !== 'web-server' || !e.endpoints.every(servesFile)) return false;
  for (const f of ctx.graph.outFlows(e.id)) if (f.to !== e.id && !isPersonOrAgent(ctx.graph.elements.get(f.to))) return false;
  if (ctx.assetsOf(e.id).some(isData)) return false;
  // Any app whose requests reach it, through a shared load balancer too: one that calls another process of ours.
  return (browserOriginsOf(ctx, e) ?? []).some((spa) => isSpa(spa) && [...spaBackends(ctx, spa).keys()].some((api) => api !== e));
}

/**
 * The controls from `anyOf` in place on each of the endpoints (each may declare its own), in `anyOf`
 * order; undefined when there are no endpoints or one has none of them.
 */
function onEveryEndpoint(ctx: AnalysisContext, endpoints: readonly Endpoint[], anyOf: readonly string[]): string[] | undefined {
  if (endpoints.length === 0) return undefined;
  const present = new Set<string>();
  for (const ep of endpoints) {
    const here = anyOf.filter((c) => ctx.endpointHas(ep, c));
    if (here.length === 0) return undefined;
    for (const c of here) present.add(c);
  }
  return anyOf.filter((c) => present.has(c));
}

/** The rule's mitigation, with what the apps that call it and the data fed from outside ask for; undefined when it is the rule's own. */
function xssMitigation(element: Element, spas: readonly Element[], feed: UntrustedFeed | undefined): string | undefined {
  if (spas.length === 0 && feed === undefined) return undefined;
  const parts = [XSS_MITIGATION];
  if (feed !== undefined) {
    const { holder } = feed;
    const from = feed.origin !== holder ? `written by ${feed.origin.name}` : holder.kind === 'store' ? 'written in an untrusted zone' : `written by ${its(holder.name)} callers`;
    parts.push(`Treat what ${holder.name} ${verbFor(holder.name, keepsVerb(holder))} as untrusted input (${from}): encode it on output in every dashboard, chart label and table of ${element.name}, not only what its own users type.`);
  }
  if (spas.length > 0) parts.push(`In the single-page app${spas.length > 1 ? 's' : ''} (${namesAtMost(spas.map((s) => s.name), TEXT_NAMES, 'others')}), ${SPA_SINKS}.`);
  return parts.join(' ');
}

export const crossSiteScripting: ElementRule = {
  id: 'cross-site-scripting',
  stride: 'T',
  title: 'Cross-site scripting (XSS)',
  description:
    'A component renders HTML for browsers from data that users can influence, and declares neither context-aware output encoding nor a restrictive Content-Security-Policy: injected script runs in other users\' sessions.',
  condition: 'a process running application code of type `web-app`, `web-server` or `admin-panel` (or with an endpoint of kind `page`), reached by browsers, other than a `web-server` that only serves a single-page app\'s files (no flows to anything but people and their browsers or apps, no data it handles or that its flows carry, no endpoints but plain paths and health checks that change nothing and take and return no asset, and a single-page app it serves calls another process of ours: what that app shows is dom-xss\'s finding), without `output-encoding` or `content-security-policy` on it, its boundary or every endpoint that renders pages (all of a page-rendering type\'s endpoints, else its `page` ones); when it also shows a language model\'s output unencoded, llm-insecure-output is the one finding; the single-page apps that call it directly, or through edge components that forward to no other process of ours, are named in its evidence and mitigation (dom-xss reports nothing for what any app reads from it); a store it reads (a flow between them, either way) that holds data from the internet or an untrusted zone is named in its likelihood, evidence and mitigation: a writer in an untrusted zone or a process reachable from the internet, directly or through up to 8 hops of processes and stores that pass the data on (a flow into a process or store, or a read of a store drawn either way); with no such store, a process it calls with data (a flow from it carrying assets) that is itself reachable from the internet or so fed, whose answers carry what the public wrote',
  mitigation: XSS_MITIGATION,
  action: { text: 'Encode output and add a Content-Security-Policy in {targets}' },
  mitigatedBy: XSS_CONTROLS,
  references: ['CWE-79', 'CAPEC-63', 'OWASP Top 10 A03', 'OWASP ASVS V5.3'],
  rating: 'Likelihood High when reachable from the internet (scanners find reflected XSS), Medium through other components or when only callers an `ip-allowlist` or `vpn` admits reach it, Medium too when a store it reads, or a process it calls for data, holds or returns data from the internet or an untrusted zone (stored XSS: a dashboard over data the public writes), Low when only browsers in trusted zones reach it and no such store feeds it; impact High for admin panels, Medium where users sign in or confidential data is handled, Low otherwise.',
  example: 'elements:\n  visitor: { tech: browser }\n  site: { type: web-app }\nflows:\n  - visitor -> site: https',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element)) return undefined;
    const page = element.endpoints.find(isPage);
    if (!RENDERS_HTML.has(element.type ?? '') && page === undefined) return undefined;
    if (!browserReached(ctx, element) || servesOnlyAppFiles(ctx, element)) return undefined;
    const protectedBy = (present: string[]) => `output is protected by ${present.join(' and ')}`;
    // Controls declared on the endpoints that render pages (all of a page-rendering type's, else its page ones).
    const pages = pageEndpoints(element);
    const onPages = onEveryEndpoint(ctx, pages, XSS_CONTROLS);
    if (onPages !== undefined && !XSS_CONTROLS.some((c) => ctx.elementHas(element, c))) {
      return mitigatedBy(onPages, { component: element.id, componentKind: 'element' }, protectedBy(onPages));
    }
    // Model output in the pages is the specific cause and its fix the same encoding: one finding, the LLM rule's.
    if (!XSS_CONTROLS.some((c) => ctx.elementHas(element, c)) && modelOutputReachesBrowsers(element, ctx)) return undefined;
    const exposure = ctx.exposure(element.id);
    const sessions = element.type === 'admin-panel' || signedIn(element);
    // Where some pages are protected, the finding is about the others.
    const open = pages.filter((ep) => !XSS_CONTROLS.some((c) => ctx.endpointHas(ep, c)));
    const where = open.length < pages.length ? ` on ${open.map((ep) => ep.key).join(', ')}` : '';
    // The single-page apps that call it are this finding's too (dom-xss steps aside): one XSS finding per app.
    const spas = spasCalling(ctx, element);
    // An allow-list or VPN in front admits only known callers: scanners on the internet do not reach the pages.
    const admitting = isExposed(exposure) ? presentControls(ctx, CALLER_PERIMETER, element) : [];
    const reach = !isExposed(exposure)
      ? rated('Low', `only browsers in trusted zones reach ${itObject(element.name)}: needs an insider`)
      : admitting.length > 0
        ? rated('Medium', `only callers admitted by ${admitting.join(' and ')} reach ${itObject(element.name)}`)
        : internetLikelihood(exposure, 'reachable from the internet: scanners find injection points');
    // Script stored where the public writes reaches the pages without any attacker reaching the app (stored XSS
    // through a warehouse the shop feeds): the store is the way in wherever the app itself is harder to reach.
    const feed = reach.level === 'High' ? undefined : untrustedFeed(ctx, element);
    const feedFact = feed === undefined ? undefined : feedText(ctx, feed);
    return unlessControlled(ctx, { element }, XSS_CONTROLS, protectedBy, (missing) => ({
      title: `Cross-site scripting in ${element.name}`,
      description: `${says(element.name, 'renders')} pages for browsers and ${verbFor(element.name, 'declares')} neither output encoding nor a Content-Security-Policy${where}; injected script runs ${sessions ? 'with the victim\'s session' : 'in the victim\'s browser'}.`,
      likelihood: feed !== undefined
        ? rated('Medium', `${feedFact!}; ${says(element.name, feed.holder.kind === 'store' ? 'reads' : 'calls')} ${itObject(feed.holder.name)}: stored script runs in ${its(element.name)} pages without the attacker reaching ${element.name}`)
        : reach,
      impact: element.type === 'admin-panel'
        ? rated('High', 'script runs with an administrator\'s session')
        : sessions
          ? rated('Medium', 'other users\' sessions and data: partial exposure')
          : ctx.assetsOf(element.id).some((a) => a.kind === 'data' && a.confidentiality === 'high')
            ? rated('Medium', `the confidential data ${it(element.name)} ${verbFor(element.name, 'handles')} can be read: partial exposure`)
            : rated('Low', 'no sessions or confidential data to steal: defacement and phishing'),
      evidence: [
        // The page-rendering types: web-app, web-server, admin-panel.
        page ? evidence(`${page.key} serves pages`, page.at) : evidence(`${says(element.name, 'is')} ${withArticle(element.type!)}`, element.at),
        ...spas.map((spa) => evidence(`${says(element.name, 'is')} called by the single-page app ${spa.name}`, spa.at)),
        ...(admitting.length > 0 && feed === undefined ? [evidence(`${says(element.name, 'is')} ${onlyReachableThrough(admitting)}`, element.at)] : []),
        ...(feed !== undefined ? [evidence(feedFact!, feed.holder.at)] : []),
        missing,
      ],
      mitigation: xssMitigation(element, spas, feed),
    }));
  },
};

// DOM-based XSS: the single-page app puts what an API returns into the page itself. The server's templates
// are not involved, so its own controls (output encoding on the API) do not cover the app's sinks.

/** Bearer tokens the app's own script holds (localStorage or memory): injected script reads them too. */
const SCRIPT_READABLE: ReadonlySet<string> = new Set(['jwt', 'oauth2', 'oidc']);
/** Endpoints whose input is not content shown to others: signing in, plumbing, partners' calls, queries. */
const NOT_CONTENT: ReadonlySet<string> = new Set(['login', 'otp', 'password-reset', 'callback', 'webhook', 'health', 'redirect', 'debug', 'fetch', 'search']);
/** Assets that are credentials, never content anyone is shown. */
const NOT_SHOWN: ReadonlySet<string> = new Set(['credentials', 'secrets', 'session']);
/** Components that can hand a single-page app its pages, and so send the Content-Security-Policy it runs under. */
const PAGE_HOSTS: ReadonlySet<string> = new Set([...RENDERS_HTML, 'cdn']);

/** One way content that others wrote reaches a single-page app: an endpoint of one of our processes, rated by who writes. */
interface ContentSource {
  api: Element;
  /** Absent when the process declares no endpoints: the model does not say what it returns. */
  endpoint?: Endpoint;
  /** What the endpoint takes that the process returns; empty for files the model names no asset for. */
  assets: readonly Asset[];
  /** Who writes it ("signed-in users"); undefined when the model does not say. */
  who: string | undefined;
  likelihood: RatedLevel;
}

/** The processes of ours a single-page app talks to (directly or through edge components), each with the app's flows that lead there. */
function spaBackends(ctx: AnalysisContext, spa: Element): Map<Element, Flow[]> {
  const backends = new Map<Element, Flow[]>();
  const add = (e: Element | undefined, f: Flow) => {
    // An identity provider answers with tokens and its own sign-in pages, not with what users wrote.
    if (e === undefined || !runsAppCode(e) || e.type === 'identity-provider' || e.traits.includes('identity')) return;
    // Each flow reaches an element once: forwardedTo lists it once, and a flow in is no flow out.
    const flows = backends.get(e);
    if (flows === undefined) backends.set(e, [f]);
    else flows.push(f);
  };
  for (const f of ctx.graph.outFlows(spa.id)) for (const id of forwardedTo(ctx, f.to)) add(ctx.graph.elements.get(id), f);
  // A process that pushes to the app (a WebSocket, server-sent events) is a source as much as one it asks.
  for (const f of ctx.graph.inFlows(spa.id)) add(ctx.graph.elements.get(f.from), f);
  return backends;
}

/**
 * The components that can serve a single-page app its pages, and so send the Content-Security-Policy it runs
 * under: those its flows go to directly, in id order. What sits behind a gateway or load balancer is left
 * out: those fan out to components that serve other pages.
 */
function pageHosts(ctx: AnalysisContext, spa: Element): Element[] {
  const hosts = new Set<Element>();
  for (const f of ctx.graph.outFlows(spa.id)) {
    const e = ctx.graph.elements.get(f.to);
    if (e !== undefined && PAGE_HOSTS.has(e.type ?? '')) hosts.add(e);
  }
  return [...hosts].sort((x, y) => x.id.localeCompare(y.id, 'en'));
}

/** Who can put content in front of other users through an endpoint: anyone, holders of a credential, or staff only. */
function writersOf(ctx: AnalysisContext, ep: Endpoint, api: Element): { who: string; likelihood: RatedLevel } {
  const at = `${ep.key} on ${api.name}`;
  if (ep.kind === 'admin') return { who: 'staff', likelihood: rated('Low', `only staff write what it shows: ${at} is an admin endpoint`) };
  // Unenforced `callers` say who is meant to write: whoever reaches the route writes all the same.
  const callers = ctx.callerCheck(ep) === undefined ? undefined : ep.callers?.map((id) => ctx.graph.elements.get(id));
  if (callers !== undefined && callers.length > 0 && callers.every((c) => isPrivilegedPerson(c) || c?.type === 'admin-panel')) {
    return { who: 'staff', likelihood: rated('Low', `only staff write what it shows: ${at} is called only by ${namesAtMost(callers.map((c) => c!.name), TEXT_NAMES, 'others')}`) };
  }
  const exposure = ctx.endpointExposure(ep, api);
  if (exposure === 'internal') return { who: 'insiders', likelihood: rated('Low', `only insiders write what it shows: ${at} is not reachable from an untrusted zone`) };
  // A public endpoint behind a gateway that checks tokens takes content from those holding one (and so does one
  // whose auth is that gateway's: the model lends it).
  if ((ep.public || authAskedInFront(ep)) && authenticatedUpstream(ctx, api)) {
    return { who: 'signed-in users', likelihood: rated('Medium', `signed-in users can put content in front of others through ${at} (requests are authenticated on the way)`) };
  }
  if (ep.public) {
    return exposure === 'internet'
      ? { who: 'anyone', likelihood: rated('High', `anyone on the internet can put content in front of other users through ${at} without signing in`) }
      : { who: 'anyone who reaches the endpoint', likelihood: rated('Medium', `${at} takes content without signing in, but is reachable only through other components`) };
  }
  const who = USER_CREDENTIALS.has(ep.auth) ? 'signed-in users' : `callers holding ${withArticle(ep.auth)} credential`;
  return { who, likelihood: rated('Medium', `${who} can put content in front of others through ${at} (${ep.auth})`) };
}

/** The ways content others wrote comes back from a process (memoised: many apps may call one API). */
function contentOf(ctx: AnalysisContext, api: Element): readonly ContentSource[] {
  const table = perElement<readonly ContentSource[]>(ctx, 'dom-xss-content');
  let sources = table.get(api.id);
  if (sources === undefined) {
    sources = findContent(ctx, api);
    table.set(api.id, sources);
  }
  return sources;
}

function findContent(ctx: AnalysisContext, api: Element): ContentSource[] {
  // Model output shown in browsers is llm-insecure-output's finding, with the same fix; the server of the
  // app's own files hands out no one's content.
  if (modelOutputReachesBrowsers(api, ctx) || servesOnlyAppFiles(ctx, api)) return [];
  if (api.endpoints.length === 0) {
    const unknown = `the model does not say what ${api.name} returns or who writes it (name \`accepts\` and \`returns\` on its endpoints)`;
    const likelihood = isExposed(ctx.exposure(api.id))
      ? rated('Medium', unknown)
      : rated('Low', `${unknown}, and only trusted zones reach ${itObject(api.name)}`);
    return [{ api, assets: [], who: undefined, likelihood }];
  }
  const returned = new Set<string>();
  for (const ep of api.endpoints) for (const id of ep.returns) returned.add(id);
  const sources: ContentSource[] = [];
  for (const ep of api.endpoints) {
    if (NOT_CONTENT.has(ep.kind)) continue;
    const taken = assetList(ctx, ep.accepts).filter((a) => isData(a) && !NOT_SHOWN.has(a.type ?? ''));
    // Where the model says what comes back, only that is shown; an upload's files count even unnamed.
    const shown = returned.size > 0 ? taken.filter((a) => returned.has(a.id)) : taken;
    if (shown.length === 0 && !(ep.kind === 'upload' && ep.accepts.length === 0)) continue;
    sources.push({ api, endpoint: ep, assets: shown, ...writersOf(ctx, ep, api) });
  }
  return sources;
}

/** The source that puts content in front of users most easily: the first of the highest likelihood. */
function strongest(sources: readonly ContentSource[]): ContentSource {
  let best = sources[0];
  for (const s of sources) if (ratingRank(s.likelihood.level) > ratingRank(best.likelihood.level)) best = s;
  return best;
}

/** A bearer token the app sends towards our side (on its flows, or asked for by what they reach): script reads it too. */
interface Token {
  method: string;
  to: string;
  fact: string;
  at: Flow['at'];
}

function scriptReadableToken(ctx: AnalysisContext, spa: Element): Token | undefined {
  const out = ctx.graph.outFlows(spa.id);
  for (const f of out) {
    if (SCRIPT_READABLE.has(f.auth)) return { method: f.auth, to: ctx.graph.elements.get(f.to)?.name ?? f.to, fact: `${flowLabel(f, ctx)} authenticates with ${f.auth}`, at: f.at };
  }
  for (const f of out) {
    for (const id of forwardedTo(ctx, f.to)) {
      const e = ctx.graph.elements.get(id);
      if (e === undefined) continue;
      if (e.auth !== undefined && SCRIPT_READABLE.has(e.auth)) return { method: e.auth, to: e.name, fact: `${says(e.name, 'authenticates')} callers with ${e.auth}`, at: e.at };
      const ep = e.endpoints.find((x) => SCRIPT_READABLE.has(x.auth));
      if (ep !== undefined) return { method: ep.auth, to: e.name, fact: `${ep.key} on ${e.name} authenticates with ${ep.auth}`, at: ep.authAt ?? ep.at };
    }
  }
  return undefined;
}

/** The confidential data the app shows: the content others write, what its backends return (all they handle when none says), and what its flows carry. */
function confidentialShown(ctx: AnalysisContext, spa: Element, backends: Iterable<Element>, sources: readonly ContentSource[]): Asset[] {
  const seen = new Set<Asset>();
  for (const s of sources) for (const a of s.assets) seen.add(a);
  for (const f of ctx.graph.outFlows(spa.id)) for (const a of ctx.assetsOfFlow(f)) seen.add(a);
  for (const f of ctx.graph.inFlows(spa.id)) for (const a of ctx.assetsOfFlow(f)) seen.add(a);
  for (const api of backends) for (const a of shownBy(ctx, api)) seen.add(a);
  return highConfidentiality([...seen]);
}

/** What a process returns (all it handles when no endpoint says), memoised: every app that calls it asks. */
function shownBy(ctx: AnalysisContext, api: Element): readonly Asset[] {
  const table = perElement<readonly Asset[]>(ctx, 'dom-xss-shown');
  let shown = table.get(api.id);
  if (shown === undefined) {
    const returned = api.endpoints.flatMap((ep) => ep.returns);
    shown = assetList(ctx, returned.length > 0 ? returned : api.handles);
    table.set(api.id, shown);
  }
  return shown;
}

/** Users sign in to it (an app's API key is no user's session). */
const userSignsIn = (e: Element): boolean =>
  USER_CREDENTIALS.has(e.auth ?? 'none') || e.endpoints.some((ep) => !ep.public && USER_CREDENTIALS.has(ep.auth));

/** Whose session script in an app typed as its privileged user runs with. */
const STAFF_SESSION: Readonly<Record<string, string>> = { admin: "an administrator's", 'support-staff': "a support agent's", developer: "a developer's" };

/** What injected script gains: an administrator's session, a token to take away, a session to act in, data to read. */
function spaImpact(
  ctx: AnalysisContext, spa: Element, backends: ReadonlyMap<Element, Flow[]>, sources: readonly ContentSource[], token: Token | undefined,
): RatedLevel {
  // The model may type the app as its staff user (`type: admin` beside `tech: react`): that says the same.
  if (isPrivilegedPerson(spa)) return rated('High', `script runs with ${STAFF_SESSION[spa.type ?? ''] ?? "an administrator's"} session (${says(spa.name, 'is')} typed \`${spa.type}\`, the person who uses it)`);
  const admin = ctx.graph.inFlows(spa.id).map((f) => ctx.graph.elements.get(f.from)).find(isPrivilegedPerson);
  if (admin !== undefined) return rated('High', `script runs with an administrator's session (${says(admin.name, 'uses')} ${itObject(spa.name)})`);
  const data = confidentialShown(ctx, spa, backends.keys(), sources);
  if (token !== undefined) {
    const theft = `the ${token.method} token ${says(spa.name, 'sends')} to ${token.to} is readable by injected script (localStorage or memory) and works from anywhere until it expires`;
    return data.length > 0 ? rated('High', `${theft}: ${assetNames(data)} can be read`) : rated('Medium', `${theft}: the user's account`);
  }
  const session = [...backends.keys()].some(userSignsIn) || ctx.graph.outFlows(spa.id).some((f) => USER_CREDENTIALS.has(f.auth));
  if (session) return rated('Medium', `script acts with the user's session while the page is open${data.length > 0 ? ` and reads ${assetNames(data)}` : ''}`);
  if (data.length > 0) return rated('Medium', `${assetNames(data)} can be read in other users' browsers: partial exposure`);
  return rated('Low', 'no sessions or confidential data to steal: defacement and phishing');
}

/** Whether cross-site-scripting reports a component (memoised: every app that calls it asks). */
function xssReported(ctx: AnalysisContext, e: Element): boolean {
  const table = perElement<boolean>(ctx, 'dom-xss-xss-reported');
  let reported = table.get(e.id);
  if (reported === undefined) {
    reported = reportsThreat(crossSiteScripting.check(e, ctx));
    table.set(e.id, reported);
  }
  return reported;
}

const SPA_MITIGATION = 'Keep user content out of raw HTML sinks (dangerouslySetInnerHTML, v-html, innerHTML) and sanitise rich text with DOMPurify; let the framework render everything else as text (its default); allow only http(s) URLs in href and src; serve the app with a strict Content-Security-Policy and Trusted Types.';

export const domXss: ElementRule = {
  id: 'dom-xss',
  stride: 'T',
  title: 'DOM-based cross-site scripting in a single-page app',
  description:
    'A single-page app puts content that other users wrote (uploads, comments, names) into the page through a raw HTML sink, with no Content-Security-Policy to stop what that injects: the script runs in every viewer\'s browser with their session and whatever tokens the app keeps.',
  condition: 'an element of type `user-agent` with the `spa` trait (tech `react`, `vue`, `angular`, `svelte` or `spa`; a plain `browser` is a person\'s and gets nothing), or of a person\'s type (`user`, `admin`, `support-staff`, `developer`) with that trait, a type that says who uses the app, that talks to a process of ours other than an identity provider (directly or through edge components, or that pushes to it) whose responses carry content others wrote: an endpoint that accepts data (not a login, password-reset, callback, webhook, health, redirect, debug, fetch or search endpoint, and not credentials, secrets or session assets) that the process also returns (any of it when none of its endpoints declares `returns`), an `upload` endpoint with no `accepts`, or any response of a process that declares no endpoints (the model cannot tell), not a `web-server` that only serves the app\'s files (as cross-site-scripting tells them); not a process that cross-site-scripting reports (that finding covers its output, and names the app when the app calls it directly or through edge components that forward to no other process of ours) nor model output that llm-insecure-output reports; without `output-encoding` or `content-security-policy` on the app or its boundary, or `content-security-policy` on a component that serves its pages (a `web-app`, `web-server`, `admin-panel` or `cdn` its flows go to directly)',
  mitigation: SPA_MITIGATION,
  action: { text: 'Keep user content out of dangerouslySetInnerHTML, v-html and innerHTML, sanitise rich text with DOMPurify and enforce a strict CSP with Trusted Types in {targets}' },
  mitigatedBy: XSS_CONTROLS,
  references: ['CWE-79', 'CAPEC-588', 'OWASP Top 10 A03', 'OWASP ASVS V5.3'],
  rating: 'Likelihood by who can put content in front of other users (the easiest way in): High when an endpoint that takes it is public and reachable from the internet, Medium for signed-in users or holders of another credential (and when the process declares no endpoints), Low when only staff or insiders write it (an `admin` endpoint, `callers` all privileged people or admin panels that `authorization`, an `ip-allowlist` on the route or `mtls` enforces, or no untrusted zone reaches it); impact High when administrators use the app, or when it sends a bearer token (`jwt`, `oauth2`, `oidc`) that script can read and shows confidential data; Medium with a token, a session or confidential data alone; Low otherwise.',
  example: 'assets:\n  docs: { type: financial, classification: confidential }\nelements:\n  app: { tech: react }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /uploads: { accepts: [docs] }\n      /documents/{id}: { returns: [docs] }\nflows:\n  - app -> api: https',
  appliesTo: 'element',
  kinds: ['external'],
  types: SPA_TYPES,
  check(element, ctx) {
    if (!isSpa(element)) return undefined;
    const backends = spaBackends(ctx, element);
    const sources: ContentSource[] = [];
    const via = new Set<Flow>();
    for (const [api, apiFlows] of backends) {
      // A server-rendered app reported by cross-site-scripting names the app in that finding: one XSS finding.
      if (xssReported(ctx, api)) continue;
      const content = contentOf(ctx, api);
      if (content.length === 0) continue;
      sources.push(...content);
      for (const f of apiFlows) via.add(f);
    }
    if (sources.length === 0) return undefined;
    const flows = [...via];
    const protectedBy = (present: string[]) => `output is protected by ${present.join(' and ')}`;
    const cspHost = XSS_CONTROLS.some((c) => ctx.elementHas(element, c))
      ? undefined
      : pageHosts(ctx, element).find((h) => ctx.elementHas(h, 'content-security-policy'));
    if (cspHost !== undefined) {
      return mitigatedBy(['content-security-policy'], { ...elementComponent(element), flows: flowIds(flows) }, `${says(cspHost.name, 'serves')} its pages with a Content-Security-Policy`);
    }
    const source = strongest(sources);
    const token = scriptReadableToken(ctx, element);
    return unlessControlled(ctx, { element, flows }, XSS_CONTROLS, protectedBy, (missing) => ({
      title: `DOM-based cross-site scripting in ${element.name}`,
      description: `${says(element.name, 'shows')} ${shownText(source)}, and ${verbFor(element.name, 'declares')} neither output encoding nor a Content-Security-Policy: a raw HTML sink (dangerouslySetInnerHTML, v-html, innerHTML) runs script hidden in it in other users' browsers${token ? `, where it can read the ${token.method} token` : ''}.`,
      likelihood: source.likelihood,
      impact: spaImpact(ctx, element, backends, sources, token),
      evidence: [
        evidence(`${says(element.name, 'is')} a single-page app (${element.tech ?? 'spa'})`, element.at),
        sourceEvidence(source),
        ...(token ? [evidence(token.fact, token.at)] : []),
        missing,
      ],
      mitigation: token ? `${SPA_MITIGATION} Keep the ${token.method} token out of localStorage (an HttpOnly cookie or a backend-for-frontend holds it).` : undefined,
    }));
  },
};

/** What the app shows and who wrote it, for the description. */
function shownText(s: ContentSource): string {
  if (s.endpoint === undefined) return `what ${s.api.name} returns (the model does not say who writes it)`;
  const what = s.assets.length > 0 ? assetNames(s.assets) : 'files';
  return `${what} that ${s.who} can write through ${s.endpoint.key} on ${s.api.name}`;
}

function sourceEvidence(s: ContentSource) {
  if (s.endpoint === undefined) return evidence(`${says(s.api.name, 'declares')} no endpoints: what ${it(s.api.name)} ${verbFor(s.api.name, 'returns')} is unknown`, s.api.at);
  // Only where the model says what comes back is the content known to be returned.
  const returns = s.api.endpoints.some((ep) => ep.returns.length > 0);
  const what = s.assets.length === 0 ? 'uploaded files' : `${assetNames(s.assets)}${returns ? `, which ${s.api.name} also returns` : ''}`;
  return evidence(`${s.endpoint.key} on ${s.api.name} accepts ${what}`, s.endpoint.at);
}

const CSRF_CONTROLS = ['csrf-protection', 'secure-cookies'] as const;
const bySessionCookie = (ep: Endpoint) => ep.auth === 'session-cookie';
/** Endpoints a cookie on the flows authenticates: those that state no other way of their own. */
const byFlowCookie = (ep: Endpoint) => ep.auth === 'session-cookie' || ep.auth === 'none';

/**
 * A flow into `element` stating `session-cookie` auth that brings a browser's requests, directly or through
 * edge components: imported models state auth on the links, not on the element. Only the hop into the
 * element counts: a cookie stated on the way to an edge says nothing of what a component behind it checks.
 */
function browserCookieFlow(ctx: AnalysisContext, element: Element): Flow | undefined {
  for (const f of ctx.graph.inFlows(element.id)) {
    if (f.auth !== 'session-cookie' || f.from === element.id) continue;
    const source = ctx.graph.elements.get(f.from);
    if (browsesTheWeb(ctx, source) || (source !== undefined && isPassThrough(source) && browserReached(ctx, source))) return f;
  }
  return undefined;
}

export const crossSiteRequestForgery: ElementRule = {
  id: 'cross-site-request-forgery',
  stride: 'T',
  title: 'Cross-site request forgery (CSRF)',
  description:
    'Browsers send session cookies automatically: a component that authenticates by cookie and changes state on request, without anti-CSRF tokens or SameSite cookies, acts on requests forged by any page the victim visits.',
  condition: 'a process authenticating callers with `session-cookie` (its `auth`, an endpoint\'s, or that of a flow bringing a browser\'s requests to it, directly or through edge components), reached by browsers, with a state-changing endpoint (POST/PUT/PATCH/DELETE, or kind upload, admin, register, password-reset, login) or no endpoints declared, without `csrf-protection` or `secure-cookies` (SameSite) on it, its boundary or each such endpoint',
  mitigation: 'Use SameSite=Lax or Strict session cookies and anti-CSRF tokens (or require a custom header) on every state-changing request.',
  action: { text: 'Add CSRF tokens and SameSite cookies to {targets}' },
  mitigatedBy: CSRF_CONTROLS,
  references: ['CWE-352', 'CAPEC-62', 'OWASP ASVS V4.2'],
  rating: 'Likelihood Medium (the victim must visit the attacker\'s page while signed in); impact Medium (actions in one user\'s name), High with admin endpoints.',
  example: "elements:\n  visitor: { tech: browser }\n  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      POST /transfer: {}\nflows:\n  - visitor -> app: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element)) return undefined;
    const ownCookie = element.auth === 'session-cookie' || element.endpoints.some(bySessionCookie);
    const cookieFlow = ownCookie ? undefined : browserCookieFlow(ctx, element);
    if (!ownCookie && cookieFlow === undefined) return undefined;
    const cookieEndpoints = element.endpoints.filter(ownCookie ? bySessionCookie : byFlowCookie);
    const changing = (element.endpoints.length ? cookieEndpoints : []).filter(changesState);
    if (element.endpoints.length > 0 && changing.length === 0) return undefined;
    if (!browserReached(ctx, element)) return undefined;
    const refused = (present: string[]) => `forged cross-site requests are refused (${present.join(', ')})`;
    // Each endpoint may declare its own protection: the finding is about those that do not.
    const stateful = changing.filter((ep) => !CSRF_CONTROLS.some((c) => ctx.endpointHas(ep, c)));
    const onEndpoints = onEveryEndpoint(ctx, changing, CSRF_CONTROLS);
    if (onEndpoints !== undefined && !CSRF_CONTROLS.some((c) => ctx.elementHas(element, c))) {
      return mitigatedBy(onEndpoints, { component: element.id, componentKind: 'element' }, refused(onEndpoints));
    }
    const admin = stateful.some((ep) => ep.kind === 'admin');
    return unlessControlled(ctx, { element }, CSRF_CONTROLS, refused, (missing) => ({
      title: `Cross-site request forgery against ${element.name}`,
      description: `${says(element.name, 'authenticates')} browsers by cookie and ${verbFor(element.name, 'changes')} state${stateful.length ? ` on ${stateful.map((ep) => ep.key).join(', ')}` : ''} without anti-CSRF tokens or SameSite cookies; any page the user visits can act in their name.`,
      likelihood: rated('Medium', 'needs the victim to visit a hostile page while signed in'),
      impact: admin ? rated('High', 'administrative actions can be forged') : rated('Medium', 'actions in one user\'s name'),
      evidence: [
        stateful.length ? evidence(`${stateful[0].key} changes state with a session cookie`, stateful[0].at) : cookieFlow
          ? evidence(`${flowLabel(cookieFlow, ctx)} brings a browser's session cookie`, cookieFlow.at)
          : evidence(`${says(element.name, 'authenticates')} with session-cookie`, element.at),
        missing,
      ],
    }));
  },
};

/** Where requests sent to `from` arrive unchanged: `from` itself, and what edge components forward them to. */
function forwardedTo(ctx: AnalysisContext, from: string): ReadonlySet<string> {
  const table = perElement<ReadonlySet<string>>(ctx, 'forwarded-to');
  let reached = table.get(from);
  if (reached === undefined) {
    const set = new Set<string>([from]);
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      if (!isPassThrough(ctx.graph.elements.get(queue[i]))) continue;
      for (const f of ctx.graph.outFlows(queue[i])) {
        if (set.has(f.to)) continue;
        set.add(f.to);
        queue.push(f.to);
      }
    }
    reached = set;
    table.set(from, reached);
  }
  return reached;
}

/** Components that hand browsers their pages (and so define the origin scripts run in). */
const SERVES_PAGES = new Set(['web-app', 'web-server', 'cdn']);

/**
 * The components a browser loads pages from whose script may call other APIs, one per flow (asked for every
 * API the browser calls). Software run as shipped (Grafana, Kibana: `off-the-shelf`) serves pages whose script
 * calls its own backend: that the same people also call an API does not make its pages the API's callers. Our own
 * front ends, signing users in or not, hand out script that may get its data from the APIs their users call.
 */
function pageServers(ctx: AnalysisContext, browser: Element): readonly Element[] {
  const table = perElement<readonly Element[]>(ctx, 'page-servers');
  let servers = table.get(browser.id);
  if (servers === undefined) {
    const list: Element[] = [];
    for (const f of ctx.graph.outFlows(browser.id)) {
      const other = ctx.graph.elements.get(f.to);
      if (other !== undefined && SERVES_PAGES.has(other.type ?? '') && !other.traits.includes('off-the-shelf')) list.push(other);
    }
    servers = list;
    table.set(browser.id, servers);
  }
  return servers;
}

/** Browsers that reach this element but load their pages from a front end of another component that does not lead to it. */
function crossOriginCallers(ctx: AnalysisContext, element: Element): Element[] {
  const callers: Element[] = [];
  const browsers = browserOriginsOf(ctx, element);
  if (browsers === undefined) return callers;
  for (const b of browsers) {
    if (pageServers(ctx, b).some((other) => !forwardedTo(ctx, other.id).has(element.id))) callers.push(b);
  }
  // In id order, as the element's origins are listed.
  return callers.length > 1 ? callers.sort((x, y) => x.id.localeCompare(y.id, 'en')) : callers;
}

/**
 * Session 23: whether cors-misconfiguration judged the element cross-origin before only for pages of software run as
 * shipped (a Grafana the same operators open), and no longer does: for key-migrations.ts, which retires the old key
 * of such an element.
 */
export function crossOriginOnlyFromVendorApps(ctx: AnalysisContext, element: Element): boolean {
  if (!runsAppCode(element) || RENDERS_HTML.has(element.type ?? '') || crossOriginCallers(ctx, element).length > 0) return false;
  for (const b of browserOriginsOf(ctx, element) ?? []) {
    for (const f of ctx.graph.outFlows(b.id)) {
      const other = ctx.graph.elements.get(f.to);
      if (other !== undefined && SERVES_PAGES.has(other.type ?? '') && other.traits.includes('off-the-shelf') && !forwardedTo(ctx, other.id).has(element.id)) return true;
    }
  }
  return false;
}

const CORS_CONTROLS = ['cors-policy'] as const;

/**
 * How the API authenticates the cross-origin callers: its own `auth`, that of its endpoints that are not public,
 * and that of the callers' flows into it (directly or through edge components), in that order, without repeats.
 */
function corsAuths(ctx: AnalysisContext, element: Element, callers: readonly Element[]): string[] {
  const auths = new Set<string>();
  if (element.auth !== undefined && element.auth !== 'none') auths.add(element.auth);
  for (const ep of element.endpoints) if (isPrivate(ep)) auths.add(ep.auth);
  for (const b of callers) {
    for (const f of ctx.graph.outFlows(b.id)) if (f.auth !== 'none' && forwardedTo(ctx, f.to).has(element.id)) auths.add(f.auth);
  }
  return [...auths];
}

/** The cross-origin callers with their verb: one name agrees with it ("Visitor calls", "Visitors call"), several call. */
function callersCall(callers: readonly Element[]): string {
  const names = callers.map((c) => c.name);
  const list = namesAtMost(names, TEXT_NAMES, 'other callers');
  return `${list} ${agreeing(names, 'calls', 'call')}`;
}

export const corsMisconfiguration: ElementRule = {
  id: 'cors-misconfiguration',
  stride: 'I',
  title: 'Cross-origin reads of authenticated data (CORS)',
  description:
    'An API called from browsers on another origin (the pages come from a different component) must send CORS headers; without a strict allow-list, a reflected Origin with credentials lets any site read the user\'s data.',
  condition: 'a process running application code (not a page-serving type) that authenticates callers, reached by browsers that load their pages from another component that does not forward to it (a web-app, web-server or CDN; not software run as shipped, `off-the-shelf` such as Grafana or Kibana, whose pages call their own backend: that its users also call the API does not make them its callers), without `cors-policy` on it, its boundary or every endpoint',
  mitigation: 'Allow-list exact origins (never reflect Origin, never `null`), send Access-Control-Allow-Credentials only to those, and keep cookies SameSite.',
  action: { text: 'Restrict CORS to an exact origin allow-list on {targets}' },
  mitigatedBy: CORS_CONTROLS,
  references: ['CWE-942', 'CWE-346', 'CAPEC-111', 'OWASP ASVS V14.5'],
  rating: 'Likelihood Low when every way the API authenticates those callers (its `auth`, its non-public endpoints\', their flows into it) is a bearer token (`jwt`, `oauth2`, `oidc`) that the app\'s script adds and the browser does not send on its own (a permissive policy then matters only if the token is kept in a cookie or the API allows credentials), Medium otherwise (a session cookie, basic or a client certificate goes with any site\'s request: the victim must visit a hostile page while signed in); impact from the confidentiality of what the API handles, Medium by default.',
  example: "elements:\n  visitor: { tech: browser }\n  site: { type: web-server }\n  api: { type: api, auth: jwt }\nflows:\n  - visitor -> site: https\n  - visitor -> api: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element) || RENDERS_HTML.has(element.type ?? '')) return undefined;
    const authenticated = (element.auth !== undefined && element.auth !== 'none') || element.endpoints.some(isPrivate);
    if (!authenticated) return undefined;
    const callers = crossOriginCallers(ctx, element);
    if (callers.length === 0) return undefined;
    const allowed = 'cross-origin access is allow-listed';
    const onEndpoints = onEveryEndpoint(ctx, element.endpoints, CORS_CONTROLS);
    if (onEndpoints !== undefined && !ctx.elementHas(element, 'cors-policy')) return mitigatedBy(onEndpoints, { component: element.id, componentKind: 'element' }, allowed);
    const confidential = ctx.assetsOf(element.id).filter((a) => a.kind === 'data' && a.confidentiality === 'high');
    // A browser attaches cookies (and basic or certificate credentials) to another site's requests by itself;
    // a bearer token is added by the app's own script, which a hostile page cannot run.
    const auths = corsAuths(ctx, element, callers);
    const bearerOnly = auths.length > 0 && auths.every((a) => SCRIPT_READABLE.has(a));
    return unlessControlled(ctx, { element }, CORS_CONTROLS, allowed, (missing) => ({
      title: `Cross-origin reads from ${element.name}`,
      description: `${callersCall(callers)} ${element.name} from pages served by another origin; without a strict CORS allow-list another site can read signed-in users' data.`,
      likelihood: bearerOnly
        ? rated('Low', `callers send a bearer token (${auths.join(', ')}) that the app's script adds, which the browser does not attach to another site's requests: a permissive policy exposes data only if the token is kept in a cookie or the API allows credentials`)
        : rated('Medium', 'needs the victim to visit a hostile page while signed in'),
      impact: confidential.length
        ? rated('High', `${confidential.map((a) => a.name).sort().join(', ')} can be read`)
        : rated('Medium', 'the signed-in user\'s data'),
      evidence: [evidence(`${says(callers[0].name, 'calls')} ${element.name} cross-origin`, callers[0].at), missing],
    }));
  },
};

const REDIRECT_CONTROLS = ['redirect-allowlist'] as const;

export const openRedirect: EndpointRule = {
  id: 'open-redirect',
  stride: 'S',
  title: 'Open redirect',
  description:
    'A redirect endpoint sends the browser wherever a parameter says: phishing links start on our trusted domain, and OAuth flows can leak codes and tokens to the attacker\'s site.',
  condition: 'an endpoint of kind `redirect` reachable from an untrusted zone, without `redirect-allowlist`',
  mitigation: 'Redirect only to relative paths or to an allow-list of destinations; never to a URL taken verbatim from the request.',
  action: { text: 'Allow-list redirect targets on {targets}' },
  mitigatedBy: REDIRECT_CONTROLS,
  references: ['CWE-601', 'CAPEC-194', 'OWASP ASVS V5.1'],
  rating: 'Likelihood High from the internet (a link is enough), Medium otherwise or when its `callers` are all partners or services that no browser reaches and `authorization`, an `ip-allowlist` on the route or `mtls` enforces them (no link from the public reaches it); impact Low (phishing credibility), Medium when the element runs OAuth callbacks.',
  example: "elements:\n  visitor: { tech: browser }\n  site:\n    type: web-app\n    endpoints:\n      /redirect: { public: true }\nflows:\n  - visitor -> site: https",
  appliesTo: 'endpoint',
  endpointKinds: ['redirect'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const oauth = element.endpoints.some((x) => x.kind === 'callback');
    // A link works through the people and browsers who follow it (and what browsers send requests through):
    // callers that are none of these take no link from the public, when something keeps others out.
    const restricted = ctx.callerCheck(ep) !== undefined && ep.callers?.some((id) => {
      const caller = ctx.graph.elements.get(id)!;
      return isPerson(caller) || isUserAgent(caller) || browserReached(ctx, caller);
    }) === false;
    const callers = restricted ? namesAtMost(ep.callers!.map((id) => ctx.graph.elements.get(id)!.name).sort(), TEXT_NAMES, 'other callers') : '';
    return unlessControlled(ctx, { element, endpoint: ep }, REDIRECT_CONTROLS, 'redirect targets are allow-listed', (missing) => ({
      title: `Open redirect on ${ep.key}`,
      description: `${ep.key} on ${element.name} redirects to a destination from the request; ${restricted ? `links sent to ${callers}` : 'phishing links'} can start on the trusted domain${oauth ? ' and OAuth codes can leak' : ''}.`,
      likelihood: restricted
        ? rated('Medium', `only ${callers} may call it, not anyone a crafted link reaches`)
        : internetLikelihood(exposure, 'a crafted link is enough'),
      impact: oauth ? rated('Medium', 'OAuth codes or tokens can leak to the attacker') : rated('Low', 'lends credibility to phishing: minor'),
      evidence: [evidence(`${ep.key} is a redirect endpoint`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};
