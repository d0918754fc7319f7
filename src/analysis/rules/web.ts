// Browser-facing weaknesses: script injection into pages, forged cross-site requests, permissive CORS,
// open redirects. Each needs a browser in front of the component (directly or through edge components).
import type { Element, Endpoint } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { rated } from '../risk.js';
import { changesState, isPerson, isUserAgent, perElement } from './facts.js';
import { browserOriginsOf, browserReached } from './family-shared.js';
import { agreeing, it, itObject, says, verbFor } from './grammar.js';
import { modelOutputReachesBrowsers, pageEndpoints, RENDERS_HTML } from './llm.js';
import {
  endpointExposure, endpointTarget, evidence, internetLikelihood, isExposed, mitigatedBy, namesAtMost, runsAppCode,
  TEXT_NAMES, unlessControlled, withArticle,
} from './helpers.js';
import type { ElementRule, EndpointRule } from './types.js';

const isPrivate = (ep: Endpoint) => !ep.public;
/** Users sign in to it: script in its pages acts with their session. */
const signedIn = (e: Element) => (e.auth !== undefined && e.auth !== 'none') || e.endpoints.some(isPrivate);

const XSS_CONTROLS = ['output-encoding', 'content-security-policy'] as const;
const isPage = (ep: Endpoint) => ep.kind === 'page';

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

export const crossSiteScripting: ElementRule = {
  id: 'cross-site-scripting',
  stride: 'T',
  title: 'Cross-site scripting (XSS)',
  description:
    'A component renders HTML for browsers from data that users can influence, and declares neither context-aware output encoding nor a restrictive Content-Security-Policy: injected script runs in other users\' sessions.',
  condition: 'a process running application code of type `web-app`, `web-server` or `admin-panel` (or with an endpoint of kind `page`), reached by browsers, without `output-encoding` or `content-security-policy` on it, its boundary or every endpoint that renders pages (all of a page-rendering type\'s endpoints, else its `page` ones); when it also shows a language model\'s output unencoded, llm-insecure-output is the one finding',
  mitigation: 'Encode all output for its context (templates with auto-escaping, no raw HTML sinks), sanitise rich text with an allow-list, and add a strict Content-Security-Policy.',
  action: { text: 'Encode output and add a Content-Security-Policy in {targets}' },
  mitigatedBy: XSS_CONTROLS,
  references: ['CWE-79', 'CAPEC-63', 'OWASP Top 10 A03', 'OWASP ASVS V5.3'],
  rating: 'Likelihood High when reachable from the internet (scanners find reflected XSS), Medium through other components, Low when only browsers in trusted zones reach it; impact High for admin panels, Medium where users sign in or confidential data is handled, Low otherwise.',
  example: 'elements:\n  visitor: { tech: browser }\n  site: { type: web-app }\nflows:\n  - visitor -> site: https',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element)) return undefined;
    const page = element.endpoints.find(isPage);
    if (!RENDERS_HTML.has(element.type ?? '') && page === undefined) return undefined;
    if (!browserReached(ctx, element)) return undefined;
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
    return unlessControlled(ctx, { element }, XSS_CONTROLS, protectedBy, (missing) => ({
      title: `Cross-site scripting in ${element.name}`,
      description: `${says(element.name, 'renders')} pages for browsers and ${verbFor(element.name, 'declares')} neither output encoding nor a Content-Security-Policy${where}; injected script runs ${sessions ? 'with the victim\'s session' : 'in the victim\'s browser'}.`,
      likelihood: isExposed(exposure)
        ? internetLikelihood(exposure, 'reachable from the internet: scanners find injection points')
        : rated('Low', `only browsers in trusted zones reach ${itObject(element.name)}: needs an insider`),
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
        missing,
      ],
    }));
  },
};

const CSRF_CONTROLS = ['csrf-protection', 'secure-cookies'] as const;
const bySessionCookie = (ep: Endpoint) => ep.auth === 'session-cookie';

export const crossSiteRequestForgery: ElementRule = {
  id: 'cross-site-request-forgery',
  stride: 'T',
  title: 'Cross-site request forgery (CSRF)',
  description:
    'Browsers send session cookies automatically: a component that authenticates by cookie and changes state on request, without anti-CSRF tokens or SameSite cookies, acts on requests forged by any page the victim visits.',
  condition: 'a process authenticating callers with `session-cookie`, reached by browsers, with a state-changing endpoint (POST/PUT/PATCH/DELETE, or kind upload, admin, register, password-reset, login) or no endpoints declared, without `csrf-protection` or `secure-cookies` (SameSite) on it, its boundary or each such endpoint',
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
    if (element.auth !== 'session-cookie' && !element.endpoints.some(bySessionCookie)) return undefined;
    const cookieEndpoints = element.endpoints.filter(bySessionCookie);
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
        stateful.length ? evidence(`${stateful[0].key} changes state with a session cookie`, stateful[0].at) : evidence(`${says(element.name, 'authenticates')} with session-cookie`, element.at),
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

/** The components a browser loads pages from, one per flow (asked for every API the browser calls). */
function pageServers(ctx: AnalysisContext, browser: Element): readonly Element[] {
  const table = perElement<readonly Element[]>(ctx, 'page-servers');
  let servers = table.get(browser.id);
  if (servers === undefined) {
    const list: Element[] = [];
    for (const f of ctx.graph.outFlows(browser.id)) {
      const other = ctx.graph.elements.get(f.to);
      if (other !== undefined && SERVES_PAGES.has(other.type ?? '')) list.push(other);
    }
    servers = list;
    table.set(browser.id, servers);
  }
  return servers;
}

/** Browsers that reach this element but load their pages from another component that does not lead to it. */
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

const CORS_CONTROLS = ['cors-policy'] as const;

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
  condition: 'a process running application code (not a page-serving type) that authenticates callers, reached by browsers that load their pages from another component (a web-app, web-server or CDN that does not forward to it), without `cors-policy` on it, its boundary or every endpoint',
  mitigation: 'Allow-list exact origins (never reflect Origin, never `null`), send Access-Control-Allow-Credentials only to those, and keep cookies SameSite.',
  action: { text: 'Restrict CORS to an exact origin allow-list on {targets}' },
  mitigatedBy: CORS_CONTROLS,
  references: ['CWE-942', 'CWE-346', 'CAPEC-111', 'OWASP ASVS V14.5'],
  rating: 'Likelihood Medium (the victim must visit a hostile page while signed in); impact from the confidentiality of what the API handles, Medium by default.',
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
    return unlessControlled(ctx, { element }, CORS_CONTROLS, allowed, (missing) => ({
      title: `Cross-origin reads from ${element.name}`,
      description: `${callersCall(callers)} ${element.name} from pages served by another origin; without a strict CORS allow-list another site can read signed-in users' data.`,
      likelihood: rated('Medium', 'needs the victim to visit a hostile page while signed in'),
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
  rating: 'Likelihood High from the internet (a link is enough), Medium otherwise or when its `callers` are all partners or services that no browser reaches (no link from the public reaches it); impact Low (phishing credibility), Medium when the element runs OAuth callbacks.',
  example: "elements:\n  visitor: { tech: browser }\n  site:\n    type: web-app\n    endpoints:\n      /redirect: { public: true }\nflows:\n  - visitor -> site: https",
  appliesTo: 'endpoint',
  endpointKinds: ['redirect'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const oauth = element.endpoints.some((x) => x.kind === 'callback');
    // A link works through the people and browsers who follow it (and what browsers send requests through):
    // callers that are none of these take no link from the public.
    const restricted = ep.callers?.some((id) => {
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
