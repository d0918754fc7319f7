// Elevation of privilege: reaching what only admins or other services should reach.
import { type RouteOwners, routeOwner, routeOwners } from '../../model/route-owner.js';
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, type CallerCheck, type Exposure, isPassThrough } from '../context.js';
import { assetImpact, rated, ratingRank } from '../risk.js';
import type { RatedLevel } from '../types.js';
import {
  assetList, assetNames, cached, callAuthMethod, endpointMfa, flowLandsOn, inContainer, isData, isLlm, isPerson, isUserAgent, keepsSessions, PER_USER_TYPES, restrictedStored,
  PROVIDER_MFA_TERMS, providerMfa, ruleRuns, signInMfa, signInProvidersMfa, STATE_CHANGING_METHODS,
} from './facts.js';
import {
  elementComponent, endpointComponent, endpointExposure, endpointTarget, evidence, flowLabel, internetLikelihood, isExposed,
  missingControlEvidence, mitigatedBy, namesAtMost, onlyReachableThrough, presentControls, pushTo, runsAppCode, type Subject,
  TEXT_NAMES, threat, type ThreatFacts, TITLE_NAMES, unlessControlled,
} from './helpers.js';
import { agreeing, its, itObject, says, verbFor } from './grammar.js';
import { ANONYMOUS_KINDS, anonymousReach } from './disclosure.js';
import { clientProof } from './integrity.js';
import { offTheShelf } from './network.js';
import { flowEvidence } from './service-identity.js';
import { isDeploy } from './supply-chain.js';
import { forwardEvidence, routeLabel, servedEvidence } from './served.js';
import type { ElementRule, EndpointRule, EvidenceRef, FlowRule, ModelRule, Outcome } from './types.js';

const ADMIN_CONTROLS = ['ip-allowlist', 'vpn'] as const;

/**
 * MFA on every way to the endpoint: declared on every flow that reaches it (naming it or no endpoint, from a
 * caller it admits: flowLandsOn), or asked by the identity providers that issue the token it takes (providerMfa).
 */
export function mfaOnEveryFlow(ep: Endpoint, element: Element, ctx: AnalysisContext): boolean {
  if (providerMfa(ctx, element, ep.auth) !== undefined) return true;
  let reached = false;
  for (const f of ctx.graph.inFlows(element.id)) {
    if (f.from === element.id || !flowLandsOn(ctx, f, ep)) continue;
    if (!f.controls.includes('mfa')) return false;
    reached = true;
  }
  return reached;
}

const PANEL_MFA = 'MFA stands in the way: needs a phished second factor';

/**
 * Why MFA guards the way into an admin panel, or undefined: MFA on it (its boundary), at the identity providers that
 * issue the token it takes (signInProvidersMfa), on every endpoint of it that takes a sign-in (or its login
 * endpoints, which issue the session, or its providers: endpointMfa), or on every flow into it or where
 * the staff on that way sign in first: a forwarding element in front (an identity-aware proxy) that asks for MFA
 * itself, at its login endpoints or on every person's flow into it (signInMfa), through further forwarding elements.
 */
function panelMfa(element: Element, ctx: AnalysisContext): string | undefined {
  if (ctx.elementHas(element, 'mfa')) return PANEL_MFA;
  const providers = signInProvidersMfa(ctx, element);
  if (providers !== undefined) return `staff sign in at ${namesAtMost(providers, TEXT_NAMES, 'other identity providers')}, which ${providers.length === 1 ? 'asks' : 'ask'} for MFA: needs a phished second factor`;
  const signIns = element.endpoints.filter((e) => !e.public);
  if (signIns.length > 0 && signIns.every((e) => endpointMfa(ctx, element, e))) return PANEL_MFA;
  const inFlows = ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id);
  const fronts = new Set<string>();
  const known = new Map<string, boolean>();
  if (inFlows.length === 0 || !inFlows.every((f) => f.controls.includes('mfa') || mfaInFront(ctx, f.from, fronts, known))) return undefined;
  if (fronts.size === 0) return PANEL_MFA;
  return `staff pass MFA at ${namesAtMost([...fronts].sort(), TEXT_NAMES, 'the proxies')} in front on the way in: needs a phished second factor`;
}

/**
 * Whether a call from this element has passed MFA: it forwards requests (proxy, gateway, load balancer) and asks
 * for MFA where people sign in to it, or every call into it has passed MFA. Each element is judged once (`known`;
 * false while being judged, so a loop of forwarding elements proves nothing); those that ask are added to `fronts`.
 */
function mfaInFront(ctx: AnalysisContext, id: string, fronts: Set<string>, known: Map<string, boolean>): boolean {
  const seen = known.get(id);
  if (seen !== undefined) return seen;
  known.set(id, false);
  const e = ctx.graph.elements.get(id);
  if (e === undefined || e.kind !== 'process' || !isPassThrough(e)) return false;
  if (signInMfa(ctx, e)) {
    fronts.add(e.name);
    known.set(id, true);
    return true;
  }
  const inFlows = ctx.graph.inFlows(id).filter((f) => f.from !== id);
  const ok = inFlows.length > 0 && inFlows.every((f) => f.controls.includes('mfa') || mfaInFront(ctx, f.from, fronts, known));
  known.set(id, ok);
  return ok;
}

/** An admin endpoint anyone on the internet can reach: `exposed-admin-interface` owns that finding. */
export function adminOpenToInternet(ep: Endpoint, element: Element, ctx: AnalysisContext): boolean {
  return isExposed(endpointExposure(ep, element, ctx)) && presentControls(ctx, ADMIN_CONTROLS, element, ep).length === 0;
}

/**
 * Credentials no one guesses, and no phishing page or password dump yields: a client certificate, an SSH key and
 * cloud IAM credentials (requests signed with a key the caller holds), by how the finding names them.
 */
const KEY_CREDENTIALS: ReadonlyMap<string, string> = new Map([['iam', 'IAM-signed requests'], ['mtls', 'a client certificate'], ['ssh-key', 'an SSH key']]);

/** An admin route exposed-admin-interface reports, with how it is reached and whether MFA guards it. */
interface OpenAdminRoute {
  ep: Endpoint;
  exposure: Exposure;
  mfa: boolean;
}

/** How one admin route is guarded, in the description's words. */
const guardOf = (r: OpenAdminRoute): string => (r.ep.public ? 'without authentication' : `behind ${r.ep.auth}${r.mfa ? ' and MFA' : ' only'}`);

const ADMIN_IMPACT = rated('High', 'administrative control of the system: full compromise');
const SCANNED = 'admin paths are found by public scanners and attacked with stolen or guessed credentials';

/**
 * How likely an attack on the routes is: High when one of them is reachable from the internet without MFA, else
 * Medium; one step lower when every route takes a key credential (nothing to guess or phish: a stolen key or a
 * flaw in the software it takes).
 */
function openAdminLikelihood(routes: readonly OpenAdminRoute[]): RatedLevel {
  const scanned = routes.some((r) => r.exposure === 'internet' && !r.mfa);
  const indirect = routes.every((r) => r.exposure !== 'internet');
  const base = scanned
    ? SCANNED
    : indirect ? 'reachable only through other components' : 'MFA stands in the way: needs a phished second factor';
  const keys = [...new Set(routes.map((r) => (r.ep.public ? undefined : KEY_CREDENTIALS.get(r.ep.auth))))];
  if (keys.some((k) => k === undefined)) return rated(scanned ? 'High' : 'Medium', base);
  const held = keys.join(' or ');
  const why = `${routes.length === 1 ? 'it takes' : 'every route takes'} ${held}, which cannot be guessed or phished like a password`;
  return scanned
    ? rated('Medium', `${why}: scanners find the paths, but getting in needs a stolen key or an unpatched flaw`)
    : rated('Low', `${why}: getting in needs a stolen key or an unpatched flaw, and ${indirect ? `${routes.length === 1 ? 'it is' : 'the routes are'} reachable only through other components` : 'MFA stands in the way'}`);
}

export const exposedAdmin: ElementRule = {
  id: 'exposed-admin-interface',
  stride: 'E',
  title: 'Admin interface reachable from the internet',
  description:
    'Administrative endpoints reachable from the internet without a VPN or IP allow-list: anyone can attack them, and one stolen password, session or unpatched bug gives full control. One finding per element, naming every such route: the fix is one network restriction.',
  condition: 'an element with endpoints of kind `admin` (on anything but an `admin-panel`, which exposed-admin-panel covers whole) reachable from an untrusted zone, without `vpn` or `ip-allowlist` on them, their element, its boundary or every path in front; not an admin API route (`/api/` in its path, or a method named on an `api`, `service` or `function`) that asks for a sign-in on an application that also serves ordinary callers, nor an admin route whose `callers` nothing enforces (no `authorization`, no `ip-allowlist` on the route, no `mtls`) while others reach it with a credential it accepts, where missing-authorization reports the application: that is broken function-level authorization, missing-authorization\'s finding. One threat per element naming every such route (keyed on the route when there is one), each route with `vpn` or `ip-allowlist` mitigated on its own',
  mitigation: 'Put the admin interface behind a VPN or an IP allow-list (or an identity-aware proxy), require MFA for admins, and log every admin action.',
  action: { text: 'Restrict {targets} to VPN or an IP allow-list' },
  mitigatedBy: ADMIN_CONTROLS,
  references: ['CWE-284', 'CWE-749', 'CAPEC-122', 'OWASP Top 10 A01'],
  rating: 'Likelihood High when one of the routes is reachable from the internet without MFA (scanners find admin paths), Medium when each has MFA (on the endpoint, its element or boundary, or every flow to it; for a route taking a `session-cookie`, on every login endpoint of its element, which issues the cookie; ' + PROVIDER_MFA_TERMS + ') or is reachable only indirectly; one step lower (Medium instead of High, Low instead of Medium) when every route authenticates with a key credential that cannot be guessed or phished (`iam`, `mtls`, `ssh-key`); impact High (full compromise).',
  example: "elements:\n  ops: { type: admin, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /admin: { auth: session-cookie }\nflows:\n  - ops -> api: https",
  appliesTo: 'element',
  kinds: ['process', 'store', 'external'],
  check(element, ctx) {
    // An admin panel's own admin pages are exposed-admin-panel's finding, for the same missing controls.
    if (element.type === 'admin-panel' || !element.endpoints.some(isAdminEndpoint)) return undefined;
    const out: Outcome[] = [];
    const open: OpenAdminRoute[] = [];
    let callersCase: boolean | undefined;
    for (const ep of element.endpoints) {
      // An admin API route signed-in users call is missing-authorization's (a role check, not a network fence).
      if (!isAdminEndpoint(ep) || functionLevelCase(ep, element, ctx)) continue;
      // So is one whose `callers` others reach it past: what it needs first is the list enforced.
      if (unenforcedAdminCallers(ep, element, ctx) && (callersCase ??= reportsUnenforcedCallers(element, ctx))) continue;
      const exposure = endpointExposure(ep, element, ctx);
      if (!isExposed(exposure)) continue;
      const present = presentControls(ctx, ADMIN_CONTROLS, element, ep);
      if (present.length) out.push(mitigatedBy(present, endpointComponent(ep), onlyReachableThrough(present)));
      else open.push({ ep, exposure, mfa: endpointMfa(ctx, element, ep) || mfaOnEveryFlow(ep, element, ctx) });
    }
    if (open.length) out.push(openAdminThreat(element, open));
    return out.length === 1 ? out[0] : out.length ? out : undefined;
  },
};

/**
 * One threat for the element's open admin routes: on the route when there is one (its key as before the routes
 * were grouped), on the element naming each route when there are several.
 */
function openAdminThreat(element: Element, open: readonly OpenAdminRoute[]): Outcome {
  const likelihood = openAdminLikelihood(open);
  const internet = open.some((r) => r.exposure === 'internet');
  const reach = open.every((r) => r.exposure === 'internet')
    ? 'from the internet'
    : internet ? 'from the internet or through other components' : 'from an untrusted zone through other components';
  const consequence = 'a stolen credential, session or an unpatched flaw gives an attacker administrative control.';
  if (open.length === 1) {
    const [r] = open;
    return threat({
      ...endpointComponent(r.ep),
      title: `Admin interface ${r.ep.key} reachable without VPN or IP allow-list`,
      description: `${r.ep.key} on ${element.name} is an administrative interface reachable ${reach} ${guardOf(r)}; ${consequence}`,
      likelihood,
      impact: ADMIN_IMPACT,
      evidence: [evidence(`${r.ep.key} is an admin endpoint`, r.ep.at), missingControlEvidence(ADMIN_CONTROLS, element, r.ep)],
      target: endpointTarget(r.ep, element),
    });
  }
  const keys = open.map((r) => r.ep.key);
  const guards = [...new Set(open.map(guardOf))];
  const guarded = guards.length === 1 ? guards[0] : `(${namesAtMost(open.map((r) => `${r.ep.key} ${guardOf(r)}`), TEXT_NAMES, 'other admin routes')})`;
  return threat({
    ...elementComponent(element),
    title: `Admin routes ${namesAtMost(keys, TITLE_NAMES, 'other admin routes')} reachable without VPN or IP allow-list`,
    description: `${namesAtMost(keys, TEXT_NAMES, 'other admin routes')} on ${element.name} are administrative routes reachable ${reach} ${guarded}; ${consequence}`,
    likelihood,
    impact: ADMIN_IMPACT,
    // Every route is named where it is declared: a decision taken on one route's key follows it here.
    evidence: [
      ...open.map((r) => evidence(`${r.ep.key} is an admin endpoint`, r.ep.at)),
      evidence(`no ip-allowlist or vpn on ${namesAtMost(keys, TEXT_NAMES, 'other admin routes')} on ${element.name} or in front of them`, element.at),
    ],
    target: `${namesAtMost(keys, TITLE_NAMES, 'other admin routes')} on ${element.name}`,
  });
}

export const sharedCredentials: ModelRule = {
  id: 'shared-credentials',
  stride: 'E',
  title: 'Credentials shared across services',
  description:
    'Several services log in to the same store with one credential: compromising any of them gives the access of all of them, and no access can be revoked or audited per service.',
  condition: 'two or more different source elements whose flows name the same `credential`; a credential used by one source only is reported as mitigated',
  mitigation: 'Give each service its own credential with least privilege (only its schema or tables), issued and rotated by a secrets manager.',
  action: { text: 'Issue per-service database credentials with least privilege for {targets}' },
  mitigatedBy: ['per-service credentials'],
  references: ['CWE-1391', 'CWE-250', 'CWE-522', 'CAPEC-560'],
  rating: 'Likelihood Medium (needs one of the services compromised first); impact from the confidentiality or integrity (the higher) of the data in the store.',
  example: "elements:\n  visitor: { tech: browser }\n  orders: { type: service }\n  billing: { type: service }\n  db: { tech: postgres }\nflows:\n  - visitor -> orders: https\n  - orders -> billing: https\n  - orders -> db: { protocol: sql+tls, credential: app-db }\n  - billing -> db: { protocol: sql+tls, credential: app-db }",
  appliesTo: 'model',
  check(ctx) {
    const byCredential = flowsByCredential(ctx);
    const out: Outcome[] = [];
    for (const credential of [...byCredential.keys()].sort((a, b) => a.localeCompare(b, 'en'))) {
      // People sharing a login are shared-account's finding (repudiation): this one is about services.
      const flows = byCredential.get(credential)!.filter((f) => !isPerson(ctx.graph.elements.get(f.from)));
      if (flows.length === 0) continue;
      const sources = [...new Set(flows.map((f) => f.from))].sort();
      const targets = [...new Set(flows.map((f) => f.to))].sort();
      const component = targets[0];
      const where = { component, componentKind: 'element' as const, flows: flows.map((f) => f.id) };
      if (sources.length < 2) {
        out.push(mitigatedBy(['per-service credentials'], where, `credential ${credential} is used by one service only`));
        continue;
      }
      const names = sources.map((s) => ctx.graph.elements.get(s)?.name ?? s);
      const targetNames = targets.map((t) => ctx.graph.elements.get(t)?.name ?? t);
      const assets = targets.flatMap((t) => ctx.assetsOf(t));
      const confidentiality = assetImpact(assets, 'confidentiality', rated('High', 'every service\'s data in the store'));
      const integrity = assetImpact(assets, 'integrity', confidentiality);
      out.push(threat({
        ...where,
        title: `Credential ${credential} shared by ${sources.length} services on ${targetNames.join(', ')}`,
        description: `${names.join(', ')} ${names.length === 2 ? 'both' : 'all'} use credential ${credential} for ${targetNames.join(', ')}; compromising ${names.length === 2 ? 'either' : 'any one of them'} grants the access of ${names.length === 2 ? 'both' : 'all'}, and access cannot be revoked or audited per service.`,
        likelihood: rated('Medium', 'needs one of the services compromised first: some skill or access'),
        // The shared login reads and writes: the worse of disclosure and tampering.
        impact: ratingRank(integrity.level) > ratingRank(confidentiality.level) ? integrity : confidentiality,
        evidence: flowEvidence(ctx, flows, (f) => `authenticates with credential ${f.credential}`),
        target: targetNames.join(', '),
      }));
    }
    return out;
  },
};

/** The flows naming each credential, in model order (credentials in order of first use); computed once. */
function flowsByCredential(ctx: AnalysisContext): ReadonlyMap<string, Flow[]> {
  let groups = ctx.memo.get('flows-by-credential') as Map<string, Flow[]> | undefined;
  if (groups === undefined) {
    groups = new Map();
    const flows = ctx.graph.model.flows;
    for (let i = 0; i < flows.length; i++) if (flows[i].credential) pushTo(groups, flows[i].credential!, flows[i]);
    ctx.memo.set('flows-by-credential', groups);
  }
  return groups;
}

/** Credentials named on flows from more than one source: `shared-credentials` reports those. */
export function sharedCredentialNames(ctx: AnalysisContext): ReadonlySet<string> {
  // Asked once per flow: computed once per analysis (a scan per flow made large models quadratic).
  let names = ctx.memo.get('shared-credential-names') as Set<string> | undefined;
  if (names === undefined) {
    names = new Set();
    for (const [credential, flows] of flowsByCredential(ctx)) {
      for (let i = 1; i < flows.length; i++) {
        if (flows[i].from === flows[0].from) continue;
        names.add(credential);
        break;
      }
    }
    ctx.memo.set('shared-credential-names', names);
  }
  return names;
}

export const exposedAdminPanel: ElementRule = {
  id: 'exposed-admin-panel',
  stride: 'E',
  title: 'Admin application reachable from the internet',
  description:
    'A separate administration application (back office, admin panel) reachable from the internet without a VPN or IP allow-list: its login and every unpatched flaw in it stand between the internet and full control.',
  condition: 'a process of type `admin-panel` reachable from an untrusted zone, without `vpn` or `ip-allowlist` on it, its boundary or every path in front',
  mitigation: 'Publish the admin application only on the VPN or behind an identity-aware proxy with an IP allow-list, and require MFA.',
  action: { text: 'Restrict {targets} to VPN or an IP allow-list' },
  mitigatedBy: ADMIN_CONTROLS,
  references: ['CWE-284', 'CWE-749', 'CAPEC-122', 'OWASP Top 10 A01'],
  rating: 'Likelihood High from the internet without MFA, Medium with MFA (on it, its boundary, every endpoint of it that takes a sign-in or its login endpoints; ' + PROVIDER_MFA_TERMS + '; or on every flow into it or at a forwarding element in front where staff sign in on the way: an identity-aware proxy asking for MFA on it, its login endpoints, every person\'s flow into it or at its identity providers as above) or when reachable only indirectly; impact High (administrative control).',
  example: 'elements:\n  staff: { type: admin, tech: browser }\n  backoffice: { type: admin-panel }\nflows:\n  - staff -> backoffice: https',
  appliesTo: 'element',
  kinds: ['process'],
  types: ['admin-panel'],
  check(element, ctx) {
    if (element.type !== 'admin-panel') return undefined;
    const exposure = ctx.exposure(element.id);
    if (!isExposed(exposure)) return undefined;
    const mfa = panelMfa(element, ctx);
    return unlessControlled(ctx, { element }, ADMIN_CONTROLS, onlyReachableThrough, (missing) => ({
      title: `${element.name} reachable without VPN or IP allow-list`,
      description: `${says(element.name, 'is')} an administration application reachable from ${exposure === 'internet' ? 'the internet' : 'an untrusted zone through other components'}; a stolen credential or an unpatched flaw gives administrative control.`,
      likelihood: exposure === 'internet' && mfa === undefined
        ? rated('High', 'admin applications are found by scanners and attacked with stolen or guessed credentials')
        : rated('Medium', mfa ?? 'reachable only through other components'),
      impact: rated('High', 'administrative control of the system: full compromise'),
      evidence: [evidence(`${says(element.name, 'is')} an admin panel`, element.at), missing],
    }));
  },
};

export const missingAuthorization: ElementRule = {
  id: 'missing-authorization',
  stride: 'E',
  title: 'Users can reach administrative functions (no role checks)',
  description:
    'One application serves both administrative endpoints and ordinary users, and does not declare checking each request against the caller\'s role: any signed-in user who calls an admin route gains its powers (broken function-level authorization). Likewise a route whose `callers` name who is meant to call it, while others reach its application with a credential it accepts and nothing enforces the list.',
  condition: 'a process running application code (not a forwarding element, nor software run as shipped: `off-the-shelf`, such as an identity provider like Keycloak, or a `mail-catcher`, whose role checks are its vendor\'s code) with at least one endpoint of kind `admin` and at least one endpoint for other callers (not `health`, `webhook` or `callback`), or with inbound flows from both people of type `admin` and people of type `user`, without `authorization`; mitigated as well when every admin route declares `authorization` itself (the role check where the admin function is). Routes declared on a forwarding element (reverse proxy, load balancer, gateway, CDN) count for the application behind it that serves them: its only application (through further forwarding elements; not software run as shipped), or the one whose id or name holds the words of the route\'s first path segment that names any in a row (`/user-service/` and `/userService/` go to `user-service`, `/users/` to `user-service` when no name says `users`), past generic segments (`/api/v2/identity/` goes to `identity`; `/api/orders` to the one application whose name says `api`) but not past a template (`/{tenant}/`) or another segment; a route the application declares itself counts once. An `authorization` declared on the forwarding element checks the routes declared on it, as one declared on such a route checks it (either counts only when admins and users do not call the application directly too). With several applications behind it and routes none of them is named for, one threat on the forwarding element names them, mitigated when it, each of them or each admin route declares `authorization`. Admin routes of an API (`/api/` in the path, or a method named on an API) are framed as broken function-level authorization (OWASP API5), with a role check in the service as the fix. Second case, when the first reports no threat: a process running application code (as above) with endpoints naming their `callers` (not public, not of kind login, otp, register, password-reset, webhook, callback or health) that an element not among them reaches with a credential the endpoint accepts (a flow naming the endpoint or none whose auth, as the call carries it, is the endpoint\'s; a forwarding element in front is one of the callers when named, or when only they reach it), unless `authorization` is on the endpoint, its element or boundary, `ip-allowlist` on the endpoint, or the endpoint takes `mtls` (each caller\'s own certificate, admitted by name): one threat per element naming those routes (OWASP API5)',
  mitigation: 'Check the caller\'s role on every request server-side (deny by default, one central policy), and keep admin routes on a separate host or service where possible.',
  action: { text: 'Enforce role checks on every request in {targets}' },
  mitigatedBy: ['authorization'],
  references: ['CWE-285', 'CWE-269', 'CAPEC-122', 'OWASP API5:2023', 'OWASP Top 10 A01'],
  rating: 'Likelihood Medium (needs an ordinary account and knowledge of admin routes); impact High (administrative powers). For routes meant for named callers: likelihood Medium when one of those left out is reachable from an untrusted zone (its credential is anyone\'s to get), Low when all are internal (one must be compromised first); impact High when one of them is an admin route (administrative powers: exposed-admin-interface leaves it to this finding), else from the confidentiality of what the routes return and the integrity of what they change, Medium when they name neither.',
  example: "elements:\n  visitor: { tech: browser }\n  app:\n    kind: process\n    endpoints:\n      /admin: { auth: session-cookie }\n      /orders: { auth: session-cookie }\nflows:\n  - visitor -> app: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const served = servedEndpoints(ctx, element);
    if (served === undefined) return undefined;
    const role = roleCase(ctx, element, served) ? adminRoleOutcome(ctx, element, served) : undefined;
    // The role finding's fix (a role check on every request) covers the routes meant for named callers too.
    if (role !== undefined && role.outcome === 'threat') return role;
    const callers = served.behind === undefined && !offTheShelf(element) ? unenforcedCallersOutcome(ctx, element) : undefined;
    return callers !== undefined && (callers.outcome === 'threat' || role === undefined) ? callers : role;
  },
};

/** missing-authorization's first case: admin routes next to ordinary ones (or admins and users calling), no role check. */
function adminRoleOutcome(ctx: AnalysisContext, element: Element, served: Served): Outcome {
  const declared = served.endpoints.filter((s) => isAdminEndpoint(s.ep));
  const others = served.endpoints.filter((s) => servesOrdinaryCallers(s.ep));
  if (served.behind) return unplacedAdminRoutes(ctx, element, served.behind, declared, others);
  // A forwarding element that checks the caller's role (a gateway's authorization policy) does so for the
  // routes declared on it: those are checked before they reach the application. So does a route that declares
  // its own role check: the check sits exactly where the admin function is.
  const admin = declared.filter((s) => !checkedAtGateway(ctx, s) && !routeChecksRole(s));
  if (admin.length === 0 && declared.length > 0) {
    const checked = adminRoutesChecked(ctx, element, declared);
    if (checked !== undefined) return mitigatedBy(['authorization'], elementComponent(element), checked);
  }
  // Signed-in users call the same API as admins: only a role check in the service tells them apart.
  const api = admin.length > 0 && admin.every((s) => apiRoute(s.ep, [element]));
  const routes = namesAtMost(admin.map(routeLabel), TEXT_NAMES, 'other admin routes');
  const ordinary = signedIn(others);
  return unlessControlled(ctx, { element }, ['authorization'], 'every request is checked against the caller\'s role', (missing) => ({
    title: `Privilege escalation to admin functions on ${element.name}`,
    description: api
      ? `${says(element.name, 'serves')} ${admin.length === 1 ? `an admin API route (${routes})` : `admin API routes (${routes})`} next to routes for ordinary signed-in users and ${verbFor(element.name, 'declares')} no role check on ${admin.length === 1 ? 'it' : 'them'}: broken function-level authorization (OWASP API5); any signed-in user who calls ${admin.length === 1 ? 'it' : 'an admin route'} gets its powers.`
      : `${says(element.name, 'serves')} ${admin.length === 0 ? 'administrative users' : `${admin.length === 1 ? 'an administrative endpoint' : 'administrative endpoints'} (${routes})`} next to ordinary users and ${verbFor(element.name, 'declares')} no per-request authorization; a signed-in user calling an admin route may get its powers.`,
    ...(api ? { mitigation: `Check the caller's role in ${element.name} on every admin route, server-side (deny by default, one central policy): signed-in users call the same API, so a VPN or IP allow-list in front does not tell them apart from admins.` } : {}),
    likelihood: rated('Medium', 'needs an ordinary account and the admin routes: some skill'),
    impact: rated('High', 'administrative powers: full compromise'),
    evidence: [
      ...(admin.length ? admin.slice(0, TEXT_NAMES).map((s) => servedEvidence(s, element, 'is an admin endpoint')) : [evidence(`${says(element.name, 'is')} used by administrators`, element.at)]),
      ordinary ? servedEvidence(ordinary, element, 'serves ordinary callers') : evidence(`${says(element.name, 'is')} used by ordinary users`, element.at),
      ...forwardEvidence(ctx, element, ordinary ? [...admin, ordinary] : admin),
      missing,
    ],
  }));
}

/** A route declared on a forwarding element that checks the caller's role itself. */
const checkedAtGateway = (ctx: AnalysisContext, s: ServedEndpoint): boolean => s.via !== undefined && ctx.elementHas(s.via, 'authorization');

/** A route that declares its own role check (`authorization` among the endpoint's controls). */
const routeChecksRole = (s: ServedEndpoint): boolean => s.ep.controls.includes('authorization');

/**
 * Why every admin route of the application is checked (each declares `authorization`, or a forwarding element it
 * is declared on checks it), or undefined when a check can be bypassed: a route declared on a forwarding element
 * is checked in front of the application, which counts only when admins and users do not call it directly too.
 */
function adminRoutesChecked(ctx: AnalysisContext, element: Element, declared: readonly ServedEndpoint[]): string | undefined {
  if (declared.some((s) => s.via !== undefined) && adminsAndUsersCall(ctx, element)) return undefined;
  const atGateway = declared.filter((s) => checkedAtGateway(ctx, s));
  const gateways = [...new Set(atGateway.map((s) => s.via!.name))];
  const routes = declared.filter((s) => !atGateway.includes(s)).map(routeLabel);
  const reasons: string[] = [];
  if (routes.length) reasons.push(`${namesAtMost(routes, TEXT_NAMES, 'other admin routes')} ${agreeing(routes, 'checks', 'check')} the caller's role`);
  if (gateways.length) reasons.push(`${namesAtMost(gateways, TEXT_NAMES, 'others')} ${agreeing(gateways, 'checks', 'check')} the caller's role on the admin routes`);
  return reasons.join('; ');
}

/** The route to show for ordinary callers: one that signed-in users call, when there is one. */
const signedIn = (others: readonly ServedEndpoint[]): ServedEndpoint | undefined => others.find((s) => !s.ep.public) ?? others[0];

/**
 * Admin and ordinary routes on a forwarding element with several applications behind it, none named by the
 * route: one finding on the forwarding element, naming them, rather than silence (the role check is missing
 * somewhere) or a guess at which one serves each route.
 */
function unplacedAdminRoutes(ctx: AnalysisContext, edge: Element, behind: readonly Element[], declared: readonly ServedEndpoint[], others: readonly ServedEndpoint[]): Outcome {
  // A role check on the forwarding element covers the routes declared on it, wherever they go.
  if (ctx.elementHas(edge, 'authorization')) return mitigatedBy(['authorization'], elementComponent(edge), `${says(edge.name, 'checks')} the caller's role on its routes`);
  // So does one each admin route declares, wherever it goes: the finding is about the routes without one.
  const admin = declared.filter((s) => !routeChecksRole(s));
  if (admin.length === 0) {
    const routes = declared.map((s) => s.ep.key);
    return mitigatedBy(['authorization'], elementComponent(edge), `${namesAtMost(routes, TEXT_NAMES, 'other admin routes')} on ${edge.name} ${agreeing(routes, 'checks', 'check')} the caller's role`);
  }
  const unchecked = behind.filter((b) => !ctx.elementHas(b, 'authorization'));
  if (unchecked.length === 0) return mitigatedBy(['authorization'], elementComponent(edge), `every application behind ${edge.name} checks the caller's role`);
  const names = namesAtMost(behind.map((b) => b.name), TEXT_NAMES, 'other applications');
  const uncheckedNames = unchecked.map((b) => b.name);
  const uncheckedText = namesAtMost(uncheckedNames, TEXT_NAMES, 'other applications');
  // roleCase asks a forwarding element for ordinary routes next to the admin ones: there is one.
  const ordinary = signedIn(others)!;
  return threat({
    ...elementComponent(edge),
    title: `Privilege escalation to admin functions behind ${edge.name}`,
    description: `${says(edge.name, 'forwards')} ${admin.length === 1 ? 'an admin route' : 'admin routes'} (${namesAtMost(admin.map(routeLabel), TEXT_NAMES, 'other admin routes')}) next to routes for ordinary users to ${names}; the model does not say which of them serves each route, and ${uncheckedText} ${agreeing(uncheckedNames, 'declares', 'declare')} no role check: a signed-in user calling an admin route may get its powers (broken function-level authorization, OWASP API5).`,
    mitigation: `Check the caller's role on every admin route in the application that serves it (${names}), deny by default; say in the model which application serves ${edge.name}'s routes so that each is judged there.`,
    likelihood: rated('Medium', 'needs an ordinary account and the admin routes: some skill'),
    impact: rated('High', 'administrative powers: full compromise'),
    evidence: [
      ...admin.slice(0, TEXT_NAMES).map((s) => evidence(`${s.ep.key} on ${edge.name} is an admin endpoint`, s.ep.at)),
      evidence(`${ordinary.ep.key} on ${edge.name} serves ordinary callers`, ordinary.ep.at),
      evidence(`${says(edge.name, 'forwards')} requests to ${names}`, edge.at),
      evidence(`no authorization on ${namesAtMost(uncheckedNames, TEXT_NAMES, 'other applications')}`, unchecked[0].at),
    ],
  });
}

// --- Routes meant for named callers -------------------------------------------------------------------------
// `callers` says who is meant to call a route; unless something checks it, anyone whose credential the route
// accepts calls it too: the technician's commissioning route, called with a household's token.

/** Kinds callers reach before they hold a credential, or that other systems call back on: their own rules judge them. */
const NOT_CALLER_CHECKED: ReadonlySet<string> = new Set(['login', 'otp', 'register', 'password-reset', 'webhook', 'callback', 'health']);

/** A route meant for named callers, and the flows of others that reach it with a credential it accepts. */
interface CallerRestriction {
  ep: Endpoint;
  others: readonly Flow[];
}

/**
 * The flows into the element that land on the route (naming it or no route) with a credential it accepts (the
 * auth the call carries is the route's) from an element its `callers` do not name: a forwarding element in front
 * is one of its callers when it is named, or when everything that reaches it is (see forwardsOnly).
 */
function callersLeftOut(ctx: AnalysisContext, element: Element, ep: Endpoint): Flow[] {
  const callers = ep.callers;
  // An empty list names no one to leave others out of: it says as little as no list (and a finding would read "meant for ").
  if (callers === undefined || callers.length === 0 || ep.public || ep.auth === 'none' || NOT_CALLER_CHECKED.has(ep.kind)) return [];
  return ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id && (f.endpoint === undefined || f.endpoint === ep.id)
    && !callers.includes(f.from) && callAuthMethod(ctx.graph, f) === ep.auth && !forwardsOnly(ctx, f.from, callers, new Set([element.id])));
}

/** A forwarding element (not `exposed`) that only elements among `callers` reach, directly or through further forwarding elements. */
function forwardsOnly(ctx: AnalysisContext, id: string, callers: readonly string[], seen: Set<string>): boolean {
  const edge = ctx.graph.elements.get(id);
  if (edge === undefined || !isPassThrough(edge) || edge.exposed === true || seen.has(id)) return false;
  seen.add(id);
  const before = ctx.graph.inFlows(id).filter((f) => f.from !== id);
  return before.length > 0 && before.every((f) => callers.includes(f.from) || forwardsOnly(ctx, f.from, callers, seen));
}

/** Why a route's `callers` hold, for the finding's reason: what enforces them is the exposure search's (ctx.callerCheck). */
const CALLER_CHECK_REASONS: Record<CallerCheck, (ep: Endpoint) => string> = {
  authorization: (ep) => `${ep.key} checks that the caller is one it is meant for`,
  'ip-allowlist': (ep) => `${ep.key} admits only its callers' addresses`,
  mtls: (ep) => `each caller of ${ep.key} proves its own identity with a client certificate, which the route admits by name`,
};

/** What enforces a route's `callers` (see CallerCheck), with the reason, or undefined. */
function callerCheck(ctx: AnalysisContext, ep: Endpoint): { controls: string[]; reason: string } | undefined {
  const by = ctx.callerCheck(ep);
  return by === undefined ? undefined : { controls: [by], reason: CALLER_CHECK_REASONS[by](ep) };
}

/** Whether a route's `callers` are all who can call it: no one else reaches it with a credential it takes, or something enforces the list. */
const callersHold = (ctx: AnalysisContext, element: Element, ep: Endpoint): boolean =>
  callersLeftOut(ctx, element, ep).length === 0 || callerCheck(ctx, ep) !== undefined;

/** Names of elements by id, each once, in the order given. */
const elementNames = (ctx: AnalysisContext, ids: readonly string[]): string[] => [...new Set(ids.map((id) => ctx.graph.elements.get(id)?.name ?? id))];

/**
 * missing-authorization's second case: routes whose `callers` leave out others who reach the element with a
 * credential the route accepts, with nothing that enforces the list (broken function-level authorization).
 */
function unenforcedCallersOutcome(ctx: AnalysisContext, element: Element): Outcome | undefined {
  const open: CallerRestriction[] = [];
  const enforced: { controls: string[]; reason: string }[] = [];
  for (const ep of element.endpoints) {
    const others = callersLeftOut(ctx, element, ep);
    if (others.length === 0) continue;
    const check = callerCheck(ctx, ep);
    if (check) enforced.push(check);
    else open.push({ ep, others });
  }
  if (open.length === 0) {
    if (enforced.length === 0) return undefined;
    return mitigatedBy([...new Set(enforced.flatMap((c) => c.controls))], elementComponent(element), enforced.map((c) => c.reason).join('; '));
  }
  return unenforcedCallersThreat(ctx, element, open);
}

function unenforcedCallersThreat(ctx: AnalysisContext, element: Element, open: readonly CallerRestriction[]): Outcome {
  const keys = open.map((r) => r.ep.key);
  const routes = namesAtMost(keys, TEXT_NAMES, 'other routes');
  const meant = namesAtMost(elementNames(ctx, open.flatMap((r) => r.ep.callers!)), TEXT_NAMES, 'others');
  const otherIds = [...new Set(open.flatMap((r) => r.others.map((f) => f.from)))];
  const others = elementNames(ctx, otherIds);
  const othersText = namesAtMost(others, TEXT_NAMES, 'others');
  const auths = [...new Set(open.map((r) => r.ep.auth))].join(' or ');
  // Whoever reaches an untrusted element can open an account there (a household's app); an internal service
  // left out must be compromised first.
  const public_ = otherIds.some((id) => ctx.exposure(id) !== 'internal' || ctx.isUntrustedSource(id));
  const returned = nonEmpty(open.flatMap((r) => assetList(ctx, r.ep.returns).filter(isData)));
  const changed = nonEmpty(open.flatMap((r) => (onlyReads(r.ep) ? [] : assetList(ctx, r.ep.accepts).filter(isData))));
  // exposed-admin-interface leaves such admin routes to this finding: it carries their stakes.
  const admin = open.filter((r) => isAdminEndpoint(r.ep));
  const title = open.length === 1
    ? `${keys[0]} on ${element.name} callable by others than ${meant}`
    : `Routes of ${element.name} meant for ${namesAtMost(elementNames(ctx, open.flatMap((r) => r.ep.callers!)), TITLE_NAMES, 'others')} callable by anyone signed in`;
  // Route keys are counted, not read as names: `/admin/users` is one route.
  const byCount = (one: string, several: string) => (keys.length === 1 ? one : several);
  return unlessControlled(ctx, { element }, ['authorization'], 'every request is checked against the caller\'s role', (missing) => ({
    title,
    description: `${routes} on ${element.name} ${byCount('is', 'are')} meant for ${meant} (${byCount('its', 'their')} \`callers\`), but ${othersText} also ${agreeing(others, 'reaches', 'reach')} ${element.name} with ${auths}, which ${byCount('the route accepts', 'the routes accept')}, and nothing enforces the list: broken function-level authorization (OWASP API5); whoever holds a credential of ${othersText} calls ${byCount('it', 'them')} too.`,
    mitigation: `Check on every request to ${routes} that the caller is ${meant} (a role, scope or client id in the credential, checked server-side, deny by default), or serve ${byCount('the route', 'the routes')} where only ${meant} can reach.`,
    likelihood: public_
      ? rated('Medium', `needs a credential ${says(element.name, 'accepts')}, which ${othersText} ${agreeing(others, 'holds', 'hold')} or ${agreeing(others, 'passes', 'pass')} on from users, and the route: some skill`)
      : rated('Low', `needs one of ${othersText} compromised first: ${agreeing(others, 'it is', 'they are')} internal`),
    impact: admin.length ? ADMIN_POWERS : returned || changed ? objectImpact(returned, changed) : rated('Medium', 'the model does not say what the route returns or changes: name it in `returns` or `accepts` to rate it'),
    evidence: [
      ...admin.slice(0, TEXT_NAMES).map((r) => evidence(`${r.ep.key} is an admin endpoint`, r.ep.at)),
      ...open.slice(0, TEXT_NAMES).map((r) => evidence(`${r.ep.key} is meant for ${namesAtMost(elementNames(ctx, r.ep.callers!), TEXT_NAMES, 'others')}`, [...r.ep.at, 'callers'])),
      ...[...new Map(open.flatMap((r) => r.others).map((f) => [f.id, f])).values()].slice(0, TEXT_NAMES)
        .map((f) => evidence(`${flowLabel(f, ctx)} authenticates with ${callAuthMethod(ctx.graph, f)}`, f.at)),
      missing,
    ],
    target: open.length === 1 ? `${keys[0]} on ${element.name}` : element.name,
  }));
}

const isAdminEndpoint = (ep: Endpoint) => ep.kind === 'admin';
const ADMIN_POWERS = rated('High', 'administrative powers: full compromise');
const servesOrdinaryCallers = (ep: Endpoint) => ep.kind !== 'admin' && ep.kind !== 'health' && ep.kind !== 'webhook' && ep.kind !== 'callback';

// --- Endpoints declared on a forwarding element (proxy, load balancer, gateway, CDN) ---------------------------
// A proxy runs none of the application: the routes declared on it are served by what it forwards to, and the
// application rules judge them there.

/** An endpoint an application serves, and the forwarding element it is declared on when not on the application. */
export interface ServedEndpoint {
  ep: Endpoint;
  via?: Element;
}

/**
 * What the application rules judge on an element: the endpoints it serves; for a forwarding element, the
 * routes on it that none of the applications behind it (`behind`, two or more) can be told to serve.
 */
export interface Served {
  endpoints: ServedEndpoint[];
  behind?: Element[];
}

interface Forwarding {
  /** Routes declared on forwarding elements, by the application element that serves them. */
  into: Map<string, ServedEndpoint[]>;
  /** Routes of a forwarding element with several applications behind it that no path segment places. */
  unplaced: Map<string, Served>;
  /** The element that serves each route declared on a forwarding element (the forwarding element when unplaced). */
  ownerOf: Map<string, Element>;
}

/**
 * The applications behind a forwarding element: along its flows, through further forwarding elements, the
 * first element on each way that runs application code (software run as shipped, a mail catcher, serves none
 * of our routes). Each once, in the order met.
 */
export function appBehind(ctx: AnalysisContext, edge: Element): Element[] {
  const out: Element[] = [];
  const seen = new Set<string>([edge.id]);
  const queue = [edge];
  for (let head = 0; head < queue.length; head++) {
    for (const f of ctx.graph.outFlows(queue[head].id)) {
      const to = ctx.graph.elements.get(f.to);
      if (to === undefined || seen.has(to.id)) continue;
      seen.add(to.id);
      if (isPassThrough(to)) queue.push(to);
      else if (runsAppCode(to) && !offTheShelf(to)) out.push(to);
    }
  }
  return out;
}

/** The applications behind a forwarding element by the words of their ids and names: once per forwarding element. */
const backendsByWords = (behind: readonly Element[]): RouteOwners<Element> => routeOwners(behind.map((b) => ({ value: b, names: [b.id, b.name] })));

/** The application's own endpoint for a route declared on a forwarding element in front, when it declares it too. */
const sameRouteOn = (owner: Element, ep: Endpoint): Endpoint | undefined =>
  owner.endpoints.find((o) => o.key === ep.key || (o.route === ep.route && (o.key === o.route || ep.key === ep.route)));

/** Whether the application declares the route itself: then its own endpoint is the one judged, once. */
const declaresSame = (owner: Element, ep: Endpoint): boolean => sameRouteOn(owner, ep) !== undefined;

/**
 * The applications that serve a route declared on a forwarding element: the one it is placed on, or every one
 * behind it when none is known to serve it (any of them may). Empty for an application's own route, or when
 * nothing behind runs our code.
 */
export function routeServers(ctx: AnalysisContext, element: Element, ep: Endpoint): readonly Element[] {
  if (!isPassThrough(element)) return [];
  const fw = forwarding(ctx);
  const owner = fw.ownerOf.get(ep.id);
  if (owner === undefined) return [];
  return owner === element ? fw.unplaced.get(element.id)?.behind ?? [] : [owner];
}

/**
 * Whether an application behind the forwarding element that serves one of its routes (see routeServers) declares
 * that route too: the object rules judge the application's own endpoint, where the check must be written, and
 * leave the forwarding element's copy alone (one finding for one cause).
 */
export function declaredBehind(ctx: AnalysisContext, element: Element, ep: Endpoint): boolean {
  const servers = routeServers(ctx, element, ep);
  for (let i = 0; i < servers.length; i++) if (declaresSame(servers[i], ep)) return true;
  return false;
}

/** The controls among `controls` an application declares for a route it serves: on itself, or on its own copy of the route. */
export function serverControls(ctx: AnalysisContext, server: Element, ep: Endpoint, controls: readonly string[]): string[] {
  const own = sameRouteOn(server, ep);
  return controls.filter((c) => ctx.elementHas(server, c) || (own !== undefined && ctx.endpointHas(own, c)));
}

/**
 * unlessControlled for a route whose control is the application's code (an ownership check, a sign-in): a route
 * declared on a forwarding element is served by the application behind it, whose controls count as its own
 * (every application behind, when the model does not say which one serves the route), as missing-authorization
 * and no-audit-log judge such routes on the application.
 */
function unlessServedControlled(
  ctx: AnalysisContext,
  subject: Subject & { endpoint: Endpoint },
  controls: readonly string[],
  mitigated: string,
  facts: (missing: EvidenceRef) => ThreatFacts,
): Outcome {
  const { element, endpoint: ep } = subject;
  const servers = presentControls(ctx, controls, element, ep).length ? [] : routeServers(ctx, element, ep);
  if (servers.length === 0) return unlessControlled(ctx, subject, controls, mitigated, facts);
  const present = new Set<string>();
  const lacking: Element[] = [];
  for (const server of servers) {
    const has = serverControls(ctx, server, ep, controls);
    if (has.length === 0) lacking.push(server);
    for (const c of has) present.add(c);
  }
  const names = servers.map((b) => b.name);
  const serving = servers.length === 1 ? `${names[0]}, which serves it` : `each of ${namesAtMost(names, TEXT_NAMES, 'other applications')}, which may serve it`;
  if (lacking.length === 0) return mitigatedBy(controls.filter((c) => present.has(c)), endpointComponent(ep), `${mitigated} in ${serving}`);
  const lackingNames = lacking.map((b) => b.name);
  return unlessControlled(ctx, subject, controls, mitigated, (missing) => facts(evidence(
    `${missing.fact} or on ${namesAtMost(lackingNames, TEXT_NAMES, 'other applications')}, which ${servers.length === 1 ? 'serves' : 'may serve'} it`,
    missing.at,
  )));
}

/** Where each route on a forwarding element is served, computed once per analysis. */
function forwarding(ctx: AnalysisContext): Forwarding {
  return cached(ctx, 'forwarded-endpoints', () => {
    const fw: Forwarding = { into: new Map(), unplaced: new Map(), ownerOf: new Map() };
    for (const edge of ctx.graph.model.elements) {
      if (!isPassThrough(edge) || edge.endpoints.length === 0) continue;
      const behind = appBehind(ctx, edge);
      if (behind.length === 0) continue;
      const byWords = behind.length === 1 ? undefined : backendsByWords(behind);
      for (const ep of edge.endpoints) {
        const owner = byWords === undefined ? behind[0] : routeOwner(ep.route, byWords)?.owner;
        fw.ownerOf.set(ep.id, owner ?? edge);
        if (owner === undefined) {
          const u = fw.unplaced.get(edge.id);
          if (u) u.endpoints.push({ ep });
          else fw.unplaced.set(edge.id, { endpoints: [{ ep }], behind });
        } else if (!declaresSame(owner, ep)) pushTo(fw.into, owner.id, { ep, via: edge });
      }
    }
    return fw;
  });
}

/**
 * The endpoints the application rules judge on an element: an application's own, with the routes declared on
 * forwarding elements in front that it serves (its only application, or the one the route's path names: see
 * routeOwner); a forwarding element's routes that none of the several applications behind it is known to serve;
 * undefined for anything else (a forwarding element with nothing, or one placed application, behind it).
 */
export function servedEndpoints(ctx: AnalysisContext, element: Element): Served | undefined {
  // Asked once per endpoint by exposed-admin-interface: computed once per element per analysis (shared: read only).
  const memo = cached(ctx, 'served-endpoints', () => new Map<string, Served | undefined>());
  if (memo.has(element.id)) return memo.get(element.id);
  const served = computeServed(ctx, element);
  memo.set(element.id, served);
  return served;
}

function computeServed(ctx: AnalysisContext, element: Element): Served | undefined {
  if (runsAppCode(element)) {
    const forwarded = forwarding(ctx).into.get(element.id);
    const own = element.endpoints.map((ep): ServedEndpoint => ({ ep }));
    return { endpoints: forwarded ? [...own, ...forwarded] : own };
  }
  return isPassThrough(element) ? forwarding(ctx).unplaced.get(element.id) : undefined;
}

const API_SEGMENT = /(^|\/)(api|graphql|rest)(\/|$)/i;
const API_TYPES: ReadonlySet<string> = new Set(['api', 'service', 'function']);

/**
 * Whether a route is an API's (a client calls it with a token) rather than a page or port an operator opens:
 * its path says `/api/`, or it names its method on an API (`DELETE /admin/videos/{id}`). A role check in the
 * service is the fix for the first; a network restriction for the second.
 */
export const apiRoute = (ep: Endpoint, servers: readonly Element[]): boolean =>
  API_SEGMENT.test(ep.route) || (ep.key !== ep.route && servers.length > 0 && servers.every((s) => API_TYPES.has(s.type ?? '')));

/** Whether missing-authorization judges the element: admin and ordinary routes, or admins and users calling it. */
function roleCase(ctx: AnalysisContext, element: Element, served: Served): boolean {
  // Asked once per admin endpoint: once per element per analysis.
  const memo = cached(ctx, 'role-case', () => new Map<string, boolean>());
  let role = memo.get(element.id);
  if (role === undefined) memo.set(element.id, role = computeRoleCase(ctx, element, served));
  return role;
}

function computeRoleCase(ctx: AnalysisContext, element: Element, served: Served): boolean {
  // Software run as shipped (an identity provider such as Keycloak) checks roles in its vendor's code: its admin
  // console exposed is exposed-admin-interface's finding, a flaw in its checks an advisory to patch.
  if (served.behind === undefined && offTheShelf(element)) return false;
  return (served.endpoints.some((s) => isAdminEndpoint(s.ep)) && served.endpoints.some((s) => servesOrdinaryCallers(s.ep)))
    || (served.behind === undefined && adminsAndUsersCall(ctx, element));
}

/**
 * Whether an admin API route that signed-in users reach is missing-authorization's finding (broken
 * function-level authorization, fixed by a role check in the service), so that exposed-admin-interface's
 * network advice does not report the same cause again.
 */
export function functionLevelCase(ep: Endpoint, element: Element, ctx: AnalysisContext): boolean {
  if (ep.public || !ruleRuns(ctx, 'missing-authorization')) return false;
  const owner = runsAppCode(element) ? element : forwarding(ctx).ownerOf.get(ep.id);
  const served = owner && servedEndpoints(ctx, owner);
  return served !== undefined && apiRoute(ep, served.behind ?? [owner!]) && roleCase(ctx, owner!, served);
}

/**
 * Whether missing-authorization reports the application (its routes meant for named callers, or its admin routes
 * next to ordinary ones: a role check on every request covers both), for exposed-admin-interface to leave it an
 * admin route whose `callers` nothing enforces while others reach it with a credential it accepts: anyone signed
 * in calls that route, and a VPN in front would not tell them from its callers.
 */
function reportsUnenforcedCallers(element: Element, ctx: AnalysisContext): boolean {
  if (element.kind !== 'process' || !ruleRuns(ctx, missingAuthorization.id)) return false;
  const found = missingAuthorization.check(element, ctx);
  return (Array.isArray(found) ? found : found === undefined ? [] : [found]).some((o: Outcome) => o.outcome === 'threat');
}

/** An admin route whose `callers` nothing enforces while others reach it with a credential it accepts. */
const unenforcedAdminCallers = (ep: Endpoint, element: Element, ctx: AnalysisContext): boolean =>
  isAdminEndpoint(ep) && callersLeftOut(ctx, element, ep).length > 0 && ctx.callerCheck(ep) === undefined;

/** Whether exposed-admin-interface leaves an admin route to missing-authorization for its unenforced `callers` (see reportsUnenforcedCallers). */
export const adminCallersCase = (ep: Endpoint, element: Element, ctx: AnalysisContext): boolean =>
  unenforcedAdminCallers(ep, element, ctx) && reportsUnenforcedCallers(element, ctx);

/** Both administrators and ordinary users send the element requests directly. */
function adminsAndUsersCall(ctx: AnalysisContext, element: Element): boolean {
  const inFlows = ctx.graph.inFlows(element.id);
  let admins = false;
  let users = false;
  for (let i = 0; i < inFlows.length && !(admins && users); i++) {
    const p = ctx.graph.elements.get(inFlows[i].from);
    if (!isPerson(p)) continue;
    admins ||= p!.type === 'admin';
    users ||= p!.type === 'user';
  }
  return admins && users;
}

const OBJECT_CONTROLS = ['object-level-authorization'] as const;

export const brokenObjectLevelAuthorization: EndpointRule = {
  id: 'broken-object-level-authorization',
  stride: 'E',
  title: 'Insecure direct object references (BOLA/IDOR)',
  description:
    'An authenticated endpoint returns (or changes) per-user data that is confidential, and the model does not declare that each object is checked against its owner: changing an id in the request reads or changes another user\'s data.',
  condition: 'an endpoint (not of kind admin, whose callers reach every user\'s objects by design) reachable from an untrusted zone that requires authentication and returns per-user assets (pii, payment, financial, health, credentials, session, business) of high confidentiality, or accepts them with PUT, PATCH or DELETE, or, when it names no such data, whose path takes an object id (`{id}`, `{order_id}`, `:userId`) and that is not of kind login, register, password-reset, webhook, callback or health; without `object-level-authorization` on it, its element or its boundary, nor, for a route declared on a forwarding element (reverse proxy, load balancer, gateway, CDN), on the application behind it that serves the route (placed as missing-authorization places it: on each application behind when the route names none of them, every one of them must declare it); such a route is judged only when no application behind it that serves it declares the route too: that application\'s own endpoint is judged instead, once, where the check is written',
  mitigation: 'Check on every request that the object belongs to (or is shared with) the caller, in one data-access layer; prefer ids the caller cannot enumerate.',
  action: { text: 'Check object ownership on every request to {targets}' },
  mitigatedBy: OBJECT_CONTROLS,
  references: ['CWE-639', 'CWE-284', 'CAPEC-1', 'OWASP API1:2023', 'OWASP Top 10 A01'],
  rating: 'Likelihood High when reachable from the internet (edit an id with a proxy), Medium when reachable only through other components or called only by partners or devices (external elements of a `type` that says so: one of no `type` is anyone), directly or through load balancers, proxies, gateways or CDNs that no one else reaches (needs their credential); impact from the confidentiality of the data returned or the integrity of the data changed (the higher; an endpoint that only changes data is rated by its integrity); for an object id in the path, the same from whatever data the endpoint returns or accepts, Medium when it names none.',
  example: "assets:\n  profile: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /profile: { auth: jwt, returns: [profile] }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    // An admin route reaches every user's objects by design: who may call it at all is the function-level
    // finding (exposed-admin-interface, missing-authorization), not an ownership check on each object.
    if (ep.public || ep.kind === 'admin' || declaredBehind(ctx, element, ep)) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    let writes = false;
    for (let i = 0; i < ep.methods.length && !writes; i++) writes = changesObject(ep.methods[i]);
    // Most endpoints return no such asset: a list is made only for one that does.
    const returned = perUserConfidential(ctx, ep.returns);
    const changed = writes ? perUserConfidential(ctx, ep.accepts) : undefined;
    if (returned === undefined && changed === undefined) return objectIdInPath(ep, element, ctx, exposure);
    const perUser = [...(returned ?? []), ...(changed ?? []).filter((a) => !returned?.includes(a))];
    const callers = machineCallers(ep, element, ctx);
    const clients = callers?.join(', ');
    return unlessServedControlled(ctx, { element, endpoint: ep }, OBJECT_CONTROLS, 'each object is checked against its owner', (missing) => ({
      ...(clients === undefined
        ? {
          title: `Other users' ${assetNames(perUser)} reachable through ${ep.key} (IDOR)`,
          description: `${ep.key} on ${element.name} ${objectAccess(returned, changed)} for the signed-in caller; without an ownership check, changing an id in the request reaches other users' records.`,
          likelihood: internetLikelihood(
            exposure,
            'any user can change ids in requests with an intercepting proxy',
            'needs access through other components',
          ),
        }
        : {
          title: `Any user's ${assetNames(perUser)} reachable through ${ep.key} (IDOR)`,
          description: `${ep.key} on ${element.name} ${objectAccess(returned, changed)} for ${clients}, which ${agreeing(callers!, 'authenticates', 'authenticate')} with ${ep.auth}; without an ownership check, changing an id in the request reaches any user's records.`,
          likelihood: rated('Medium', `needs the credential of ${clients}: some access`),
        }),
      impact: objectImpact(returned, changed),
      evidence: [
        ...(returned ? [evidence(`${ep.key} returns ${assetNames(returned)}`, [...ep.at, 'returns'])] : []),
        ...(changed ? [evidence(`${ep.key} accepts ${assetNames(changed)} with ${writeMethods(ep)}`, [...ep.at, 'accepts'])] : []),
        ...(clients === undefined ? [] : [evidence(`only ${clients} ${agreeing(callers!, 'calls', 'call')} ${ep.key}`, ep.callers ? [...ep.at, 'callers'] : ep.at)]),
        missing,
      ],
      target: endpointTarget(ep, element),
    }));
  },
};

export const unauthenticatedObjectChange: EndpointRule = {
  id: 'unauthenticated-object-change',
  stride: 'T',
  title: 'Objects changed or deleted without authentication',
  description:
    'A public endpoint (no authentication) takes PUT, PATCH or DELETE, or a POST that changes what matters (data of high integrity, money, accounts): whoever reaches it changes or deletes records that are not theirs, moves money or changes accounts, without an account and without leaving a name.',
  condition: 'a public endpoint (auth `none`) reachable from an untrusted zone with a PUT, PATCH or DELETE method, or with POST when it accepts an asset of high integrity (not credentials, secrets or session tokens, which callers prove themselves with) or its path names money moving or an account change (refund, payout, payment, pay, charge, transfer, withdraw, order, role, permission, grant, delete, remove; a public POST is otherwise a sign-up, a contact form, a search or an ingest), not of kind login, register, password-reset, webhook, callback or health (their own rules judge them), nor admin or debug (exposed-admin-interface and exposed-debug-endpoint), nor, for POST, search, export, fetch or redirect (reads), without `authentication` on it, its element or its boundary, nor, for a route declared on a forwarding element, on the application behind it that serves the route (each application behind when the route names none of them); such a route is judged only when no application behind it that serves it declares the route too: that application\'s own endpoint is judged instead, once',
  mitigation: 'Require authentication on every method that changes or deletes data, then check that the object belongs to the caller; leave only reads public.',
  action: { text: 'Require authentication for the changing methods of {targets}' },
  mitigatedBy: ['authentication'],
  references: ['CWE-306', 'CWE-862', 'CAPEC-115', 'OWASP API2:2023', 'OWASP API5:2023'],
  rating: 'Likelihood High from the internet (no account, no skill), Medium otherwise (through other components, or only for callers an `ip-allowlist` or `vpn` admits); impact from the integrity of the data it accepts, Medium when the model does not say what it changes.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      DELETE /users/{name}: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    if (!ep.public || ANONYMOUS_KINDS.has(ep.kind) || ep.kind === 'admin' || ep.kind === 'debug') return undefined;
    const accepted = assetList(ctx, ep.accepts);
    const post = consequentialPost(ep, accepted);
    const methods = post === undefined ? writeMethods(ep) : ep.methods.filter((m) => STATE_CHANGING_METHODS.has(m)).join(', ');
    if (methods === '' || declaredBehind(ctx, element, ep)) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    return unlessServedControlled(ctx, { element, endpoint: ep }, ['authentication'], 'callers are authenticated', (missing) => {
      const { admitted, likelihood, evidence: reach } = anonymousReach(ep, element, ctx, exposure, 'public and reachable from the internet: no account, no skill');
      const deletes = methods === 'DELETE';
      const can = post?.can ?? `${deletes ? 'delete' : 'change or delete'} ${accepted.length ? assetNames(accepted) : 'the objects it acts on'}`;
      return {
        title: `Anyone can ${deletes ? 'delete' : 'change'} ${post === undefined ? 'objects' : 'data'} through ${ep.key} without signing in`,
        description: `${ep.key} on ${element.name} is public and takes ${methods}${post === undefined ? '' : `, and ${post.why}`}; ${admitted ? `anyone ${admitted}` : 'anyone who reaches it'} can ${can} without an account, and nothing records who did.`,
        likelihood,
        impact: assetImpact(accepted, 'integrity', post?.impact ?? rated('Medium', 'the model does not say what it changes: name it in `accepts` to rate it')),
        evidence: [
          evidence(`${ep.key} is public and takes ${methods}`, ep.at),
          ...(post === undefined ? [] : [evidence(`${ep.key} ${post.fact}`, post.at)]),
          ...reach,
          missing,
        ],
        target: endpointTarget(ep, element),
      };
    });
  },
};

/** What a public POST whose path names it does: the words, what anyone can then do, and the impact when the model names no data. */
interface PostPurpose {
  words: readonly string[];
  does: string;
  can: string;
  impact: RatedLevel;
}
/**
 * Path words of a POST that moves money or changes an account: anonymous callers have no business there. A
 * public POST is otherwise legitimate (a sign-up, a contact form, a search, telemetry ingestion).
 */
const POST_PURPOSES: readonly PostPurpose[] = [
  {
    words: ['refund', 'payout', 'payment', 'pay', 'charge', 'transfer', 'withdraw', 'withdrawal'],
    does: 'moves money', can: 'move money', impact: rated('High', 'money moved by anyone: fraud'),
  },
  { words: ['order'], does: 'places or changes orders', can: 'place or change orders', impact: rated('Medium', 'orders placed or changed by anyone') },
  {
    words: ['role', 'permission', 'grant'],
    does: 'changes who may do what', can: 'change who may do what', impact: rated('High', 'anyone grants themselves rights: privilege escalation'),
  },
  { words: ['delete', 'remove'], does: 'deletes data', can: 'delete data', impact: rated('Medium', 'data deleted by anyone: the model does not say which') },
];
const PURPOSE_OF_WORD = new Map(POST_PURPOSES.flatMap((p) => p.words.map((w) => [w, p] as const)));
/** Kinds that read, whatever their method: a POST to them changes nothing. */
const READING_KINDS: ReadonlySet<string> = new Set(['search', 'export', 'fetch', 'redirect']);

/** The words of a route, lower-case, a plural `s` dropped: `/v1/Refunds/{id}/issueRefund` gives v1, refund, issue, refund. */
function routeWords(route: string): string[] {
  const words: string[] = [];
  for (const segment of route.split('/')) {
    if (/^[{:<]/.test(segment)) continue;
    for (const word of segment.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/)) {
      if (word === '') continue;
      const lower = word.toLowerCase();
      words.push(lower.length > 3 && lower.endsWith('s') && !lower.endsWith('ss') ? lower.slice(0, -1) : lower);
    }
  }
  return words;
}

/**
 * Why a public POST changes what matters, or undefined when it need not: it accepts data of high integrity, or
 * its path says it moves money, places orders, changes rights or deletes data.
 */
function consequentialPost(ep: Endpoint, accepted: readonly Asset[]): ConsequentialPost | undefined {
  if (!ep.methods.includes('POST') || READING_KINDS.has(ep.kind)) return undefined;
  // A password or one-time code sent to an anonymous endpoint is the caller proving who they are, not data changed.
  const critical = accepted.filter((a) => isData(a) && a.integrity === 'high' && !clientProof(a));
  if (critical.length) {
    const names = assetNames(critical);
    return { why: `it accepts ${names}, of high integrity`, fact: `accepts ${names}, of high integrity`, at: [...ep.at, 'accepts'], can: `create or change ${names}` };
  }
  for (const word of routeWords(ep.route)) {
    const purpose = PURPOSE_OF_WORD.get(word);
    if (purpose === undefined) continue;
    const says = `says it ${purpose.does} (${word})`;
    return { why: `its path ${says}`, fact: `has a path that ${says}`, at: ep.at, can: purpose.can, impact: purpose.impact };
  }
  return undefined;
}

/** Why a public POST matters: in the description (`why`) and as evidence after the endpoint's key (`fact`, at `at`). */
interface ConsequentialPost {
  why: string;
  fact: string;
  at: EvidenceRef['at'];
  can: string;
  /** The impact when the path, not the data, says it (the accepted data, when named, rates it otherwise). */
  impact?: RatedLevel;
}

/** Path parameters that name one object: `{id}`, `{order_id}`, `{vehicleId}`, `:uuid` (not `{version}` or `{lang}`). */
const OBJECT_ID = /^(?:id|uuid|guid)$|[_-](?:id|uuid|guid)$|[a-z0-9](?:Id|ID|Uuid|UUID|Guid|GUID)$/i;
/** Endpoints that act on any object by design, or before there is a user to own one. */
const NOT_PER_OBJECT: ReadonlySet<string> = new Set(['admin', 'login', 'otp', 'register', 'password-reset', 'webhook', 'callback', 'health']);

/** The first path parameter of a route that names an object (OpenAPI `{x}`, Express `:x`, Flask `<int:x>`); undefined when none does. */
export function objectIdParameter(route: string): string | undefined {
  for (const segment of route.split('/')) {
    const m = /^\{([^}]+)\}$|^:([A-Za-z_][\w-]*)$|^<(?:[^:>]+:)?([^>]+)>$/.exec(segment);
    const name = m?.[1] ?? m?.[2] ?? m?.[3];
    if (name !== undefined && OBJECT_ID.test(name)) return name;
  }
  return undefined;
}

/**
 * An authenticated endpoint that takes an object id in its path, when the model names no per-user
 * confidential data for it: the caller picks the object, and nothing says it is checked against its owner
 * (OWASP API1). The impact comes from the data the endpoint returns (its confidentiality) or accepts (its
 * integrity, unless the endpoint only reads), the worse of the two; Medium when it names none.
 */
function objectIdInPath(ep: Endpoint, element: Element, ctx: AnalysisContext, exposure: ReturnType<typeof endpointExposure>): Outcome | undefined {
  if (NOT_PER_OBJECT.has(ep.kind)) return undefined;
  const id = objectIdParameter(ep.route);
  if (id === undefined) return undefined;
  const callers = machineCallers(ep, element, ctx);
  const clients = callers?.join(', ');
  const returned = nonEmpty(assetList(ctx, ep.returns).filter(isData));
  const changed = onlyReads(ep) ? undefined : nonEmpty(assetList(ctx, ep.accepts).filter(isData));
  const held = [...(returned ?? []), ...(changed ?? []).filter((a) => !returned?.includes(a))];
  const objects = held.length ? assetNames(held) : 'objects';
  return unlessServedControlled(ctx, { element, endpoint: ep }, OBJECT_CONTROLS, 'each object is checked against its owner', (missing) => ({
    title: `Other users' ${objects} reachable through ${ep.key} (IDOR)`,
    description: `${ep.key} on ${element.name} takes the id of the object it acts on (${id}) in its path${clients === undefined ? '' : `, called by ${clients} with ${ep.auth}`}${held.length ? ` and ${objectAccess(returned, changed)}` : ''}; without an ownership check, a caller who changes the id ${changed !== undefined || ep.methods.some(changesObject) ? 'changes' : 'reaches'} another user's ${held.length ? objects : 'object'}.`,
    likelihood: clients === undefined
      ? internetLikelihood(exposure, 'any user can change the id in the path with an intercepting proxy', 'needs access through other components')
      : rated('Medium', `needs the credential of ${clients}: some access`),
    impact: held.length ? objectImpact(returned, changed) : rated('Medium', 'the model does not say what the object holds: name it in `returns` or `accepts` to rate it'),
    evidence: [
      evidence(`${ep.key} takes the object id ${id} in its path and requires ${ep.auth}`, ep.at),
      ...(returned ? [evidence(`${ep.key} returns ${assetNames(returned)}`, [...ep.at, 'returns'])] : []),
      ...(changed ? [evidence(`${ep.key} accepts ${assetNames(changed)}`, [...ep.at, 'accepts'])] : []),
      missing,
    ],
    target: endpointTarget(ep, element),
  }));
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length ? list : undefined);
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** An endpoint whose methods all read: what it `accepts` are query parameters, not data it changes. */
const onlyReads = (ep: Endpoint): boolean => ep.methods.length > 0 && ep.methods.every((m) => READ_METHODS.has(m));

/**
 * The names of the endpoint's callers when they are all partners or devices (external, neither people nor
 * their browsers): no one can open an account and try ids, it takes their credential. Undefined when a
 * person, a browser or one of our components (which may relay users' requests) calls it, or anyone can
 * (a public address of the element's own, open to every caller). An external of no `type` (nor a tech that
 * implies one) is anyone, people included: the model does not say it is a system, and the untyped-caller
 * warning tells the author its calls count as anyone's.
 */
function machineCallers(ep: Endpoint, element: Element, ctx: AnalysisContext): string[] | undefined {
  // `callers` nothing enforces, with others reaching the route with a credential it takes, says who is meant to
  // call it, not who can: those who reach it are the callers then.
  const declared = ep.callers !== undefined && callersHold(ctx, element, ep) ? ep.callers : undefined;
  if (element.exposed === true && declared === undefined) return undefined;
  const ids = declared ?? callersPastEdges(ctx, element, ep);
  if (ids === undefined || ids.length === 0) return undefined;
  const names = new Set<string>();
  for (const id of ids) {
    const caller = ctx.graph.elements.get(id);
    if (caller === undefined || caller.kind !== 'external' || caller.type === undefined || isPerson(caller) || isUserAgent(caller)) return undefined;
    names.add(caller.name);
  }
  return [...names].sort();
}

/**
 * Who calls the endpoint, looking through the load balancers, proxies, gateways and CDNs in front (a partner's
 * calls through an ALB are still the partner's); undefined when an edge on the way is `exposed` or has no callers
 * drawn (anyone may be behind it).
 */
function callersPastEdges(ctx: AnalysisContext, element: Element, ep: Endpoint): string[] | undefined {
  const out: string[] = [];
  const seen = new Set<string>([element.id]);
  const queue = ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id && (f.endpoint === undefined || f.endpoint === ep.id)).map((f) => f.from);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    if (seen.has(id)) continue;
    seen.add(id);
    const caller = ctx.graph.elements.get(id);
    if (caller === undefined || !isPassThrough(caller)) {
      out.push(id);
      continue;
    }
    const before = ctx.graph.inFlows(id).filter((f) => f.from !== id);
    if (caller.exposed === true || before.length === 0) return undefined;
    for (const f of before) queue.push(f.from);
  }
  return out;
}

/** What the endpoint does with the data, in the direction it flows: what it returns is read, what it accepts is changed. */
function objectAccess(returned: Asset[] | undefined, changed: Asset[] | undefined): string {
  if (!changed) return `returns ${assetNames(returned!)}`;
  if (!returned) return `changes ${assetNames(changed)}`;
  const [read, written] = [assetNames(returned), assetNames(changed)];
  return read === written ? `returns and changes ${read}` : `returns ${read} and changes ${written}`;
}

/**
 * What another user's objects are worth to the caller: reading what the endpoint returns discloses them,
 * changing what it accepts tampers with them; the worse of the two.
 */
function objectImpact(returned: Asset[] | undefined, changed: Asset[] | undefined): RatedLevel {
  const read = returned ? assetImpact(returned, 'confidentiality', EVERY_RECORD) : undefined;
  const written = changed ? assetImpact(changed, 'integrity', EVERY_RECORD) : undefined;
  if (read === undefined) return written!;
  return written !== undefined && ratingRank(written.level) > ratingRank(read.level) ? written : read;
}
const EVERY_RECORD = rated('High', 'every user\'s records');

/** A method that changes an existing object (POST creates one). */
const changesObject = (method: string) => method !== 'POST' && STATE_CHANGING_METHODS.has(method);
const writeMethods = (ep: Endpoint) => ep.methods.filter(changesObject).join(', ');

/** The per-user assets of high confidentiality among `ids`, in order; undefined when there are none. */
function perUserConfidential(ctx: AnalysisContext, ids: readonly string[]): Asset[] | undefined {
  let into: Asset[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    const a = ctx.graph.assets.get(ids[i]);
    if (a !== undefined && isData(a) && a.confidentiality === 'high' && PER_USER_TYPES.has(a.type ?? '')) (into ??= []).push(a);
  }
  return into;
}

/**
 * Credentials that `shared-credentials` reports: named by two or more services. A login shared with a person
 * is not (that is shared-account's), so the service's own over-privilege is still this rule's.
 */
function reportedShared(ctx: AnalysisContext): ReadonlySet<string> {
  return cached(ctx, 'credentials-shared-by-services', () => {
    const names = new Set<string>();
    // Two services are enough: the walk stops at the second (a credential may name thousands of flows).
    for (const [credential, flows] of flowsByCredential(ctx)) {
      let first: string | undefined;
      for (let i = 0; i < flows.length; i++) {
        const from = flows[i].from;
        if (from === first || isPerson(ctx.graph.elements.get(from))) continue;
        if (first !== undefined) {
          names.add(credential);
          break;
        }
        first = from;
      }
    }
    return names;
  });
}

/**
 * The restricted data a store holds that a process never touches (it neither handles nor stores it, takes or
 * returns it at an endpoint, nor carries it on a flow): its account there reads it all the same. Undefined
 * when there is none. A process that keeps sessions in cookies looks up the session records it finds there,
 * and a cache that no other component uses holds only what the process put in it: it touches both.
 */
export function unusedRestricted(ctx: AnalysisContext, source: Element, store: Element): Asset[] | undefined {
  const stored = restrictedStored(ctx, store);
  if (stored.length === 0 || ownCache(ctx, source, store)) return undefined;
  const used = ctx.assetsOf(source.id);
  const sessions = keepsSessions(source);
  let beyond: Asset[] | undefined;
  for (let i = 0; i < stored.length; i++) {
    const a = stored[i];
    if (!(sessions && a.type === 'session') && !used.some((u) => u.id === a.id)) (beyond ??= []).push(a);
  }
  return beyond;
}

/** An in-memory cache (Redis, Memcached) that only `source` reads and writes: everything in it, `source` put there. */
function ownCache(ctx: AnalysisContext, source: Element, store: Element): boolean {
  if (!isCache(store)) return false;
  for (const f of ctx.graph.inFlows(store.id)) if (f.from !== source.id && f.from !== store.id) return false;
  for (const f of ctx.graph.outFlows(store.id)) if (f.to !== source.id && f.to !== store.id) return false;
  return true;
}

const isCache = (e: Element): boolean => e.type === 'cache' || e.traits.includes('in-memory');

/** The controls that bound what an LLM agent does through its tools: llm-excessive-agency's. */
export const AGENCY_CONTROLS = ['human-approval', 'least-privilege'] as const;

/** Whether a flow of an agent is one of its tools: to anything but a model, people and their browsers (a reply is no tool). */
function isAgentTool(ctx: AnalysisContext, agent: Element, f: Flow): boolean {
  const t = ctx.graph.elements.get(f.to);
  return t !== undefined && f.to !== agent.id && !isLlm(t) && !(t.kind === 'external' && t.type !== 'third-party');
}

/**
 * An agent's tools (see `isAgentTool`). A process that only calls a model has none: its own database is the
 * application's, not the model's.
 */
export const agentTools = (ctx: AnalysisContext, agent: Element): Flow[] => ctx.graph.outFlows(agent.id).filter((f) => isAgentTool(ctx, agent, f));

/**
 * Whether llm-excessive-agency reports the flow as a tool its agent uses without limits: neither the flow nor
 * the agent declares an agency control. The agent's privileges on that flow are that finding, so the rules
 * here about a workload's own privileges (on the cloud, on a store) leave it to it. Kept in this file, not in
 * llm.ts, because llm.ts reaches this one through its imports: the other way round would close a cycle.
 */
export function unboundedAgentTool(ctx: AnalysisContext, f: Flow): boolean {
  const agent = ctx.graph.elements.get(f.from);
  return agent !== undefined && agent.kind === 'process' && isLlm(agent) && isAgentTool(ctx, agent, f) &&
    !AGENCY_CONTROLS.some((c) => f.controls.includes(c)) && presentControls(ctx, AGENCY_CONTROLS, agent).length === 0;
}

/** A cache has no schemas or tables: its accounts are limited by key prefix, or the data kept apart. */
const CACHE_MITIGATION = 'Give the service its own cache user limited to its key prefixes and commands (Redis ACLs), or a cache of its own; keep restricted data out of caches shared with other services.';

export const overPrivilegedStoreAccess: FlowRule = {
  id: 'over-privileged-store-access',
  stride: 'E',
  title: 'Service account can reach data the service does not use',
  description:
    'A service logs in to a data store that also holds restricted data the service neither handles nor exchanges: if the service is compromised, its account reads that data too.',
  condition: 'a flow from a process into a store that stores restricted assets the process never touches (it neither handles nor stores them, no endpoint of its takes or returns them, none of its flows carries them; a process keeping sessions in cookies, by its `auth` or an endpoint\'s, touches the `session` assets, and an in-memory cache that no other component uses is wholly its own), where the credential is not shared with other services (that is `shared-credentials`), without `least-privilege` on the process or the flow; the flows of a `ci-cd` pipeline are reported by pipeline-over-privileged, and the tools of an LLM agent that neither the flow nor the agent bounds with `human-approval` or `least-privilege` by llm-excessive-agency',
  mitigation: 'Grant the service\'s database account only the schemas, tables or prefixes it needs (and read-only where it only reads); keep restricted data in a separate store.',
  action: { key: 'least-privilege-data', text: 'Narrow the store permissions of {targets} to the data they use' },
  mitigatedBy: ['least-privilege'],
  references: ['CWE-250', 'CWE-269', 'CAPEC-122', 'OWASP ASVS V1.4'],
  rating: 'Likelihood Medium when the service is reachable from an untrusted zone (its compromise is the first step), Low otherwise; impact from the confidentiality of the restricted data.',
  example: "assets:\n  cards: { classification: restricted }\nelements:\n  ops: { type: admin }\n  reports: { type: service }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - ops -> reports: https\n  - reports -> db: { protocol: sql+tls, auth: password }",
  appliesTo: 'flow',
  gate: { from: { kinds: ['process'] }, to: { kinds: ['store'] } },
  check(flow, ctx) {
    if (flow.from === flow.to) return undefined;
    const source = ctx.graph.elements.get(flow.from);
    const store = ctx.graph.elements.get(flow.to);
    if (source?.kind !== 'process' || store?.kind !== 'store') return undefined;
    if (flow.credential && reportedShared(ctx).has(flow.credential)) return undefined;
    const beyond = unusedRestricted(ctx, source, store);
    if (beyond === undefined) return undefined;
    // The account is a pipeline's deploy credential (pipeline-over-privileged) or an agent's unbounded tool
    // (llm-excessive-agency, which names this data): the specific finding for it.
    if ((source.type === 'ci-cd' && isDeploy(ctx, source, flow)) || unboundedAgentTool(ctx, flow)) return undefined;
    // The account is the connection's: a least-privilege login declared on the flow limits it as well.
    if (flow.controls.includes('least-privilege')) {
      return mitigatedBy(['least-privilege'], { component: source.id, componentKind: 'element', flows: [flow.id] }, 'the service account is limited to what it uses');
    }
    return unlessControlled(ctx, { element: source, flows: [flow] }, ['least-privilege'], 'the service account is limited to what it uses', (missing) => ({
      title: `${source.name} can read ${assetNames(beyond)} in ${store.name}`,
      description: `${says(source.name, 'connects')} to ${store.name}, which also ${verbFor(store.name, 'stores')} ${assetNames(beyond)}; the service never uses that data, but its account can read it.`,
      ...(isCache(store) ? { mitigation: CACHE_MITIGATION } : {}),
      likelihood: isExposed(ctx.exposure(source.id))
        ? rated('Medium', `${says(source.name, 'is')} reachable from an untrusted zone: ${its(source.name)} compromise is the first step`)
        : rated('Low', `${says(source.name, 'is')} internal: needs an insider or a prior foothold`),
      impact: assetImpact(beyond, 'confidentiality', rated('High', 'restricted data')),
      evidence: [
        evidence(`${flowLabel(flow, ctx)} logs in to ${store.name}`, flow.at),
        evidence(`${says(store.name, 'stores')} ${assetNames(beyond)}`, [...store.at, 'stores']),
        missing,
      ],
      target: source.name,
    }));
  },
};

export const excessiveCloudPermissions: ElementRule = {
  id: 'excessive-cloud-permissions',
  stride: 'E',
  title: 'Workload can change cloud infrastructure',
  description:
    'A workload calls the cloud provider\'s management API (or the cloud console) with its own identity: unless its role is scoped to exactly what it needs, compromising the workload hands over the cloud account.',
  condition: 'a process with a flow over protocol `cloud-api` to an external element (the provider; not to one of the system\'s own managed services, whose data plane that is) or to an element of type `cloud-console` (a Kubernetes API server, `tech: kubernetes-api`, is the cluster\'s), without `least-privilege` on the process or on that flow; a `ci-cd` pipeline\'s calls (to the provider or to a `cloud-console`) are its deployment role, reported once by pipeline-over-privileged instead, in this rule\'s words, and the tools of an LLM agent that neither the flow nor the agent bounds with `human-approval` or `least-privilege` by llm-excessive-agency',
  mitigation: 'Scope the workload\'s role to the actions and resources it needs (no wildcards, no IAM changes), use permission boundaries, and alert on unusual API calls.',
  action: { text: 'Scope the cloud role of {targets} to least privilege' },
  mitigatedBy: ['least-privilege'],
  references: ['CWE-250', 'CWE-732', 'CAPEC-122', 'OWASP Top 10 A01'],
  rating: 'Likelihood Medium when the workload is reachable from an untrusted zone, Low otherwise; impact High (the cloud account; behind a Kubernetes API, the namespace or the cluster its service account\'s role is bound to).',
  example: 'elements:\n  dev: { type: developer }\n  deployer: { type: service }\n  cloud: { type: third-party }\nflows:\n  - dev -> deployer: https\n  - deployer -> cloud: { protocol: cloud-api, auth: iam }',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (element.type === 'cloud-console' || !callsCloudManagement(ctx, element)) return undefined;
    // A pipeline's cloud role, to its provider or a console, is pipeline-over-privileged's (isDeploy counts both
    // as deploying), and an agent's unbounded tool llm-excessive-agency's: one finding for one role.
    const pipeline = element.type === 'ci-cd';
    const calls = ctx.graph.outFlows(element.id).filter((f) =>
      managesCloud(ctx, f) && !(pipeline && isDeploy(ctx, element, f)) && !unboundedAgentTool(ctx, f));
    if (calls.length === 0) return undefined;
    // A role scoped on the call itself (least-privilege on the flow) limits that call.
    const mgmt = calls.filter((f) => !f.controls.includes('least-privilege'));
    if (mgmt.length === 0) {
      return mitigatedBy(['least-privilege'], { component: element.id, componentKind: 'element', flows: calls.map((f) => f.id) }, 'the workload\'s cloud role is scoped');
    }
    // A Kubernetes API server is the cluster's management plane: the same finding, in the cluster's words. The
    // model does not say how far the service account's role reaches (a RoleBinding: its namespace; a
    // ClusterRoleBinding: every namespace), so the words claim no more than the narrower of the two.
    const cluster = mgmt.every((f) => ctx.graph.elements.get(f.to)?.tech === 'kubernetes-api');
    return unlessControlled(ctx, { element, flows: mgmt }, ['least-privilege'], 'the workload\'s cloud role is scoped', (missing) => ({
      title: cluster ? `${element.name} can take over ${its(element.name)} Kubernetes namespace or the cluster` : `${element.name} can change cloud infrastructure`,
      description: cluster
        ? `${says(element.name, 'calls')} the Kubernetes API with ${its(element.name)} service account and ${verbFor(element.name, 'declares')} no least-privilege role; whoever compromises ${itObject(element.name)} holds that account's rights: over the Secrets, pods and service accounts of ${its(element.name)} namespace when the role is bound there (a RoleBinding), of every namespace when it is bound cluster-wide (a ClusterRoleBinding).`
        : `${says(element.name, 'calls')} the cloud management plane with ${its(element.name)} own identity and ${verbFor(element.name, 'declares')} no least-privilege role; whoever compromises ${itObject(element.name)} can act on the cloud account.`,
      likelihood: isExposed(ctx.exposure(element.id))
        ? rated('Medium', 'the workload is reachable from an untrusted zone')
        : rated('Low', 'needs a foothold on an internal workload'),
      impact: cluster
        ? rated('High', 'control of the workloads, Secrets and service accounts of a namespace, or of the whole cluster')
        : rated('High', 'control of cloud resources: full compromise'),
      // A call's own description says what it may do there (an importer's reading of the role, a reviewer's note).
      evidence: [...mgmt.slice(0, 3).map((f) => evidence(`${flowLabel(f, ctx)} uses the management API${f.description ? `: ${f.description}` : ''}`, f.at)), missing],
    }));
  },
};

/**
 * Whether a flow acts on the cloud management plane: over the provider's API to the provider itself (an
 * external element), or to its console. A cloud-api call to one of the system's own managed services drawn
 * as an element (a DynamoDB table, a queue, a function) uses its data plane: that is not the account.
 */
export const managesCloud = (ctx: AnalysisContext, f: Flow): boolean => {
  const target = ctx.graph.elements.get(f.to);
  return target?.type === 'cloud-console' || (f.protocol === 'cloud-api' && (target === undefined || target.kind === 'external'));
};

/** Whether the element has a flow to the cloud management plane: one pass over the flows marks every such source. */
function callsCloudManagement(ctx: AnalysisContext, element: Element): boolean {
  const i = ctx.graph.positionOf(element.id);
  if (i < 0) return true;
  const marks = cached(ctx, 'calls-cloud-management', () => {
    const { flowSource: src, flowTarget: dst, model } = ctx.graph;
    const found = new Uint8Array(model.elements.length);
    for (let k = 0; k < model.flows.length; k++) {
      if (src[k] < 0) continue;
      const target = dst[k] >= 0 ? model.elements[dst[k]] : undefined;
      if (target?.type === 'cloud-console' || (model.flows[k].protocol === 'cloud-api' && (target === undefined || target.kind === 'external'))) found[src[k]] = 1;
    }
    return found;
  });
  return marks[i] === 1;
}

export const privilegedProcessExposed: ElementRule = {
  id: 'privileged-process-exposed',
  stride: 'E',
  title: 'Privileged process reachable from untrusted input',
  description:
    'A process running with administrative or root privileges takes input that originates in an untrusted zone: any code-execution flaw in it is immediately a full host compromise.',
  condition: 'a process marked `privileged: true`, not a container (that is `privileged-container`), reachable from an untrusted zone, without `sandboxing` or `least-privilege`',
  mitigation: 'Run the process as an unprivileged user, drop capabilities, and isolate what must stay privileged behind a narrow interface.',
  action: { key: 'drop-privileges', text: 'Drop root privileges from {targets}' },
  mitigatedBy: ['sandboxing', 'least-privilege'],
  references: ['CWE-250', 'CWE-269', 'CAPEC-69'],
  rating: 'Likelihood Medium (needs a code-execution flaw); impact High (the host).',
  example: 'elements:\n  visitor: { tech: browser }\n  agent: { type: service, privileged: true }\nflows:\n  - visitor -> agent: https',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!element.privileged || inContainer(ctx, element) || !isExposed(ctx.exposure(element.id))) return undefined;
    return unlessControlled(ctx, { element }, ['sandboxing', 'least-privilege'], 'privileges are contained', (missing) => ({
      title: `${says(element.name, 'runs')} privileged on untrusted input`,
      description: `${says(element.name, 'runs')} with administrative privileges and ${verbFor(element.name, 'is')} reachable from an untrusted zone; a single code-execution flaw yields the whole host.`,
      likelihood: rated('Medium', 'needs a code-execution flaw in the process'),
      impact: rated('High', 'root on the host: full compromise'),
      evidence: [evidence(`${says(element.name, 'is')} privileged`, [...element.at, 'privileged']), missing],
    }));
  },
};
