// Spoofing: can an attacker pass for someone else?
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, type Exposure, isPassThrough, isPipelineTrigger } from '../context.js';
import { assetImpact, rated, ratingRank } from '../risk.js';
import type { RatedLevel } from '../types.js';
import { adminOpenToInternet, mfaOnEveryFlow, type ServedEndpoint, servedEndpoints } from './authorization.js';
import { noAuthFact } from './messaging.js';
import { forwardEvidence, servedEvidence } from './served.js';
import { endpointOfUnnamedCall } from './integrity.js';
import {
  assetList, assetNames, authAskerOf, callAuth, callAuthMethod, endpointMfa, endpointOfFlow, exchangesProviderSignIn, flowLandsOn, highIntegrity, isBroker, isIdentityProvider, isData, isNetworkFlow, isOrAre, isPerson, isPersonOrAgent,
  isUserAgent, itOrThem, perElement, PROVIDER_MFA_TERMS, restricted, ruleRuns, sensitiveAssetsOf, signInMfa, signInsUpstream, untrustedPaths, USER_CREDENTIALS,
} from './facts.js';
import { type ForgedToken, signingKeyOf, signingKeys } from './signing-keys.js';
import { firmwareDelivery, isFirmware } from './supply-chain.js';
import { agreeing, its, itObject, possessive, says, verbFor } from './grammar.js';
import {
  adviceLeaving, type AdviceStep, elementComponent, endpointComponent, endpointExposure, flowComponent, endpointTarget, evidence, flowIds, flowLabel, internetLikelihood,
  inUntrustedZone, isExposed, missingControlEvidence, mitigatedBy, mitigatedOutcome, namesAtMost, presentControls, reportsThreat, runsAppCode,
  pushTo, TEXT_NAMES, threat, type ThreatFacts, TITLE_NAMES, unlessControlled, writtenIn,
} from './helpers.js';
import type { ElementRule, EndpointRule, EvidenceRef, FlowRule, MitigatedOutcome, Outcome } from './types.js';
import { perModel } from './family-shared.js';

const SESSION_CONTROLS = ['secure-cookies', 'session-management'] as const;
const bySessionCookie = (ep: Endpoint) => ep.auth === 'session-cookie';

/** The assets in a session's or an account's traffic: what the element's endpoints return, and what the flows into it carry. */
function sessionAssets(ctx: AnalysisContext, element: Element): Asset[] {
  const ids = new Set<string>();
  for (const ep of element.endpoints) for (const id of ep.returns) ids.add(id);
  for (const f of ctx.graph.inFlows(element.id)) if (f.from !== element.id) for (const id of f.data) ids.add(id);
  return assetList(ctx, [...ids]);
}

/**
 * The assets in the traffic of some of the element's endpoints: what they return, and what the flows that
 * reach them carry (a flow naming one of them, or naming none and from a caller they allow).
 */
function endpointSessionAssets(ctx: AnalysisContext, element: Element, endpoints: readonly Endpoint[]): Asset[] {
  const ids = new Set<string>();
  for (const ep of endpoints) for (const id of ep.returns) ids.add(id);
  for (const f of ctx.graph.inFlows(element.id)) {
    if (f.from === element.id) continue;
    const reaches = endpoints.some((ep) => (f.endpoint === undefined ? !ep.callers || ep.callers.includes(f.from) : f.endpoint === ep.id));
    if (reaches) for (const id of f.data) ids.add(id);
  }
  return assetList(ctx, [...ids]);
}

const SESSION_ADVICE: readonly AdviceStep[] = [
  { control: 'secure-cookies', text: 'set cookies HttpOnly, Secure and SameSite' },
  { control: 'session-management', text: 'rotate the session id at login' },
  { control: 'session-management', text: 'expire and revoke sessions server-side' },
];

export const sessionHijacking: ElementRule = {
  id: 'session-hijacking',
  stride: 'S',
  title: 'Session hijacking',
  description:
    'A process that authenticates callers with session cookies and is reachable from an untrusted zone: a stolen or fixed session id lets an attacker act as the user.',
  condition: 'a process whose callers authenticate with `session-cookie` (the element, or one of its endpoints that an untrusted zone reaches), reachable from an untrusted zone, without both `secure-cookies` and `session-management` (on the element, its boundary, or every such endpoint that takes the cookie)',
  mitigation: adviceLeaving(SESSION_ADVICE, []),
  action: { text: 'Harden session management (HttpOnly/Secure/SameSite cookies, rotation at login, expiry) on {targets}' },
  mitigatedBy: SESSION_CONTROLS,
  references: ['CWE-384', 'CWE-614', 'CAPEC-593', 'OWASP ASVS V3'],
  rating: 'Likelihood Medium (needs XSS, a network position or a fixation bug); impact Medium (one user\'s account), High when the sessions reach restricted data.',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api, auth: session-cookie }\nflows:\n  - visitor -> api: https',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const cookieEndpoints = element.endpoints.filter(bySessionCookie);
    if (element.auth !== 'session-cookie' && cookieEndpoints.length === 0) return undefined;
    if (!isExposed(ctx.exposure(element.id))) return undefined;
    // A back-office page only internal callers reach is not where an attacker from outside gets a session.
    const sessionEndpoints = cookieEndpoints.filter((ep) => isExposed(endpointExposure(ep, element, ctx)));
    if (cookieEndpoints.length > 0 && sessionEndpoints.length === 0) return undefined;
    // The cookie is hardened where it is issued and read: on the endpoints that take it, when the model has them.
    const present = sessionEndpoints.length
      ? SESSION_CONTROLS.filter((c) => sessionEndpoints.every((ep) => ctx.endpointHas(ep, c)))
      : presentControls(ctx, SESSION_CONTROLS, element);
    if (present.length === SESSION_CONTROLS.length) {
      return mitigatedOutcome(element.id, 'element', undefined, undefined, present, 'session cookies are hardened and sessions rotated');
    }
    const missing = SESSION_CONTROLS.filter((c) => !present.includes(c));
    // What a hijacked session reaches is the user's own traffic: what the service returns and what requests
    // carry into it, not everything it handles (card numbers it only forwards to a provider stay out of reach);
    // with cookie endpoints, only theirs (what an endpoint taking another credential returns is not in it).
    const restrictedData = restricted(sessionEndpoints.length ? endpointSessionAssets(ctx, element, sessionEndpoints) : sessionAssets(ctx, element));
    return threat({
      ...elementComponent(element),
      title: `Session hijacking on ${element.name}`,
      description: `${says(element.name, 'identifies')} users by a session cookie and ${verbFor(element.name, 'is')} reachable from an untrusted zone; without ${missing.join(' and ')} a stolen or fixed session id lets an attacker act as the user.`,
      mitigation: present.length ? adviceLeaving(SESSION_ADVICE, present) : undefined,
      likelihood: rated('Medium', 'needs XSS, a network position or a session fixation bug: some skill'),
      impact: restrictedData.length
        ? rated('High', `hijacked sessions reach ${assetNames(restrictedData)}: restricted data`)
        : rated('Medium', 'one user\'s account and data: partial exposure'),
      evidence: [
        element.auth === 'session-cookie'
          ? evidence(`${says(element.name, 'authenticates')} callers with session-cookie`, [...element.at, 'auth'])
          : evidence(`${sessionEndpoints[0].key} on ${element.name} authenticates callers with session-cookie`, sessionEndpoints[0].authAt ?? sessionEndpoints[0].at),
        missingControlEvidence(missing, element),
      ],
    });
  },
};

const STUFFING_CONTROLS = ['rate-limiting', 'account-lockout', 'captcha', 'mfa'] as const;

export const credentialStuffing: EndpointRule = {
  id: 'credential-stuffing',
  stride: 'S',
  title: 'Credential stuffing and brute force on login',
  description: 'A login endpoint reachable from the internet with neither throttling nor MFA: leaked password lists are replayed at scale.',
  condition: 'an endpoint of kind `login` reachable from an untrusted zone, without MFA (on it, its element, its boundary or every path in front, or on every flow that can bring a person\'s sign-in to it: naming it or no endpoint, from a caller it allows (any, when nothing enforces its `callers`), not from a store nor with a service\'s own credential (mtls, api-key, hmac, iam, ssh-key); through a forwarding element, on every such flow into that element) and with fewer than two of `rate-limiting`, `account-lockout`, `captcha`; not a session or token route (not named for logging in, stating no `password` or `basic` auth of its own) on an element with a flow to an identity provider: the password is typed at the provider, whose protection it is; unless credentials (an asset of type `credentials`) reach the route (it accepts them, or a flow naming it carries them) or go from the element to the provider (a password grant)',
  mitigation: 'Rate limiting and account lockout on login, MFA, and a check of passwords against breach lists.',
  action: { key: 'rate-limiting', text: 'Add rate limiting to {targets}' },
  mitigatedBy: STUFFING_CONTROLS,
  references: ['CWE-307', 'CAPEC-600', 'OWASP ASVS V2.2'],
  rating: 'Likelihood High when reachable from the internet (public tooling), Medium otherwise; impact Medium (individual accounts), High when accounts reach restricted data.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /login: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['login'],
  check(ep, element, ctx) {
    // A session handed out for the provider's token: leaked passwords are tried at the provider's sign-in.
    if (exchangesProviderSignIn(ctx, element, ep)) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const present = stuffingControls(ctx, element, ep);
    if (present.includes('mfa') || (present.length >= 2)) {
      const how = present.includes('mfa') && !presentControls(ctx, ['mfa'], element, ep).length ? ' (on every sign-in that reaches it)' : '';
      return mitigatedBy(present, endpointComponent(ep), `login is protected by ${present.join(' and ')}${how}`);
    }
    // Where some sign-ins state MFA, the ones that do not are the gap: named, as the fix is theirs.
    const bare = signInFlows(ctx, element, ep);
    const gaps = bare.some((f) => f.controls.includes('mfa')) ? bare.filter((f) => !f.controls.includes('mfa')) : [];
    const noMfa = gaps.length ? `no MFA on ${namesAtMost(gaps.map((f) => flowLabel(f, ctx)), TEXT_NAMES, 'other sign-ins')}` : 'no MFA';
    return threat({
      ...endpointComponent(ep),
      title: `Credential stuffing on ${ep.key}`,
      description: `${ep.key} on ${element.name} accepts passwords ${exposure === 'internet' ? 'from the internet' : 'from untrusted callers through other components'}${present.length ? ` with only ${present[0]}` : ' with no throttling'} and ${noMfa}: leaked credential lists can be replayed against it.`,
      likelihood: internetLikelihood(exposure, 'automated with public tools and leaked password lists'),
      // An account reaches its own traffic, not what the service only forwards (as a hijacked session).
      impact: restricted(sessionAssets(ctx, element)).length
        ? rated('High', 'accounts reach restricted data')
        : rated('Medium', 'takeover of individual accounts: partial exposure'),
      evidence: [
        evidence(`${ep.key} is a login endpoint`, ep.at),
        // A lone control in place is cited, and the missing ones are only the others, as the description says.
        ...(present.length ? [evidence(`only ${present[0]} protects ${ep.key}`, ep.at)] : []),
        missingControlEvidence(STUFFING_CONTROLS.filter((c) => !present.includes(c)), element, ep),
        ...gaps.map((f) => evidence(`${flowLabel(f, ctx)} signs in without MFA`, f.at)),
      ],
      target: endpointTarget(ep, element),
    });
  },
};

/**
 * The controls against credential stuffing at a login: on it, its element, its boundary or every path in front;
 * and MFA where every sign-in that reaches it states it on its flow (as admin-without-mfa counts it).
 */
function stuffingControls(ctx: AnalysisContext, element: Element, ep: Endpoint): string[] {
  const present = presentControls(ctx, STUFFING_CONTROLS, element, ep);
  if (present.includes('mfa') || !mfaOnSignIns(ctx, element, ep)) return present;
  return ['mfa', ...present];
}

/** Credentials a service presents for itself: a call carrying one is no person signing in. */
const MACHINE_AUTH: ReadonlySet<string> = new Set(['mtls', 'api-key', 'hmac', 'iam', 'ssh-key']);

/**
 * The flows that can bring a person's sign-in to a login: into its element, naming it or no endpoint, from a
 * caller it admits (flowLandsOn: unenforced `callers` keep no one out); not from a store, nor with a service's own credential.
 */
function signInFlows(ctx: AnalysisContext, element: Element, ep: Endpoint): Flow[] {
  return ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id && flowLandsOn(ctx, f, ep) && canSignIn(ctx, f));
}

const canSignIn = (ctx: AnalysisContext, f: Flow): boolean => ctx.graph.elements.get(f.from)?.kind !== 'store' && !MACHINE_AUTH.has(f.auth);

/**
 * Whether every sign-in reaching a login states MFA: on its flow, or, through a forwarding element (CDN, load
 * balancer, proxy), on every sign-in flow into that element. At least one sign-in must reach it.
 */
function mfaOnSignIns(ctx: AnalysisContext, element: Element, ep: Endpoint): boolean {
  return everySignInHasMfa(ctx, signInFlows(ctx, element, ep), new Set([element.id]));
}

/**
 * A worklist, not recursion: a chain of thousands of load balancers must not overflow the stack. A forwarding
 * element met a second time (two balancers behind one CDN, two flows from one balancer) has its sign-ins
 * checked already; one that no sign-in reaches leaves the login without one with MFA.
 */
function everySignInHasMfa(ctx: AnalysisContext, flows: readonly Flow[], seen: Set<string>): boolean {
  if (flows.length === 0) return false;
  const pending = [...flows];
  while (pending.length > 0) {
    const f = pending.pop()!;
    if (f.controls.includes('mfa')) continue;
    const src = ctx.graph.elements.get(f.from);
    if (src === undefined || !isPassThrough(src)) return false;
    if (seen.has(src.id)) continue;
    seen.add(src.id);
    let reached = false;
    for (const g of ctx.graph.inFlows(src.id)) {
      if (g.from === src.id || !canSignIn(ctx, g)) continue;
      pending.push(g);
      reached = true;
    }
    if (!reached) return false;
  }
  return true;
}

// Either caps the guesses a code can take: a per-client limit, or a lockout of the account after failures.
const OTP_CONTROLS = ['rate-limiting', 'account-lockout'] as const;

export const otpBruteForce: EndpointRule = {
  id: 'otp-brute-force',
  stride: 'S',
  title: 'One-time code brute force',
  description:
    'An endpoint that checks one-time codes (a reset, sign-in or MFA code) is reachable from an untrusted zone with nothing capping the guesses: a short code is found by trying them all, and whatever the code unlocks (a password reset, a sign-in) is taken over.',
  condition: 'an endpoint of kind `otp` reachable from an untrusted zone, without `rate-limiting` or `account-lockout` (on it, its element, its boundary or every path in front). Where the same element also starts a password reset for callers not signed in (an endpoint of kind `password-reset`), the code checks that callers not signed in reach (not a sign-in\'s second factor: no `login`, `signin`, `mfa`, `2fa` or `totp` in the route) are that reset\'s last step: one finding on the element for the whole flow, citing every endpoint, which insecure-password-reset leaves to it',
  mitigation: 'Cap attempts per code and per account, invalidate the code after a few failures, expire codes within minutes, use codes of 6 or more digits, and retire old API versions of the route.',
  action: { key: 'rate-limiting', text: 'Cap one-time code attempts per code and per account on {targets}' },
  mitigatedBy: OTP_CONTROLS,
  references: ['CWE-307', 'CWE-640', 'CAPEC-112', 'OWASP ASVS V2.8'],
  rating: 'Likelihood High when reachable from the internet (a script tries every code), Medium otherwise; impact Medium (individual accounts), High when accounts reach restricted data.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /auth/check-otp: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['otp'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const flow = resetFlowOf(ctx, element);
    if (flow?.codes.includes(ep)) return resetFlowTakeover(ctx, element, flow);
    // An account reaches its own traffic, not what the service only forwards (as for credential stuffing).
    const restrictedData = restricted(sessionAssets(ctx, element));
    return unlessControlled(ctx, { element, endpoint: ep }, OTP_CONTROLS, 'guesses at one-time codes are capped', (missing) => ({
      title: `One-time code brute force on ${ep.key}`,
      description: `${ep.key} on ${element.name} checks one-time codes ${exposure === 'internet' ? 'from the internet' : 'from untrusted callers through other components'} with nothing capping the guesses: trying every code takes over whatever account the code unlocks.`,
      likelihood: internetLikelihood(exposure, 'a script tries every possible code'),
      impact: restrictedData.length
        ? rated('High', `accounts reach ${assetNames(restrictedData)}`)
        : rated('Medium', 'takeover of individual accounts: partial exposure'),
      evidence: [evidence(`${ep.key} checks one-time codes`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

/** A one-time code that is a sign-in's second factor, not a password reset's: its route says so. */
const SIGN_IN_FACTOR = /(?:^|[/_-])(?:login|log-in|signin|sign-in|mfa|2fa|totp)(?:[/_-]|$)/i;

/**
 * A password reset by one-time code on one element: the endpoints that start it for callers not signed in, and
 * the code checks those callers reach with nothing capping the guesses. Guessing the code completes the reset,
 * so the two are one account takeover, not a weak reset beside a guessable code.
 */
export interface ResetFlow {
  resets: Endpoint[];
  codes: Endpoint[];
  /** The widest reach among the code checks. */
  exposure: Exposure;
}

/** Callers who need not sign in, from an untrusted zone: the only ones a reset flow is for. */
const openToStrangers = (ctx: AnalysisContext, element: Element, ep: Endpoint): boolean =>
  !USER_CREDENTIALS.has(ep.auth) && isExposed(endpointExposure(ep, element, ctx));

/** The element's password reset by one-time code (see ResetFlow), when it has both halves; asked once per element. */
export function resetFlowOf(ctx: AnalysisContext, element: Element): ResetFlow | undefined {
  const table = perElement<ResetFlow | null>(ctx, 'reset-flow');
  let flow = table.get(element.id);
  if (flow === undefined) {
    flow = findResetFlow(ctx, element) ?? null;
    table.set(element.id, flow);
  }
  return flow ?? undefined;
}

function findResetFlow(ctx: AnalysisContext, element: Element): ResetFlow | undefined {
  const resets = element.endpoints.filter((ep) => ep.kind === 'password-reset' && openToStrangers(ctx, element, ep));
  if (resets.length === 0) return undefined;
  const codes = element.endpoints.filter((ep) => ep.kind === 'otp' && !SIGN_IN_FACTOR.test(ep.route) && openToStrangers(ctx, element, ep)
    && presentControls(ctx, OTP_CONTROLS, element, ep).length === 0);
  if (codes.length === 0) return undefined;
  const exposure = codes.some((ep) => endpointExposure(ep, element, ctx) === 'internet') ? 'internet' : 'indirect';
  return { resets, codes, exposure };
}

/** `/v2/` in a route: an API version. */
const API_VERSION = /\/v(\d+(?:\.\d+)*)(?=\/)/i;

/**
 * The code checks an API keeps beside a newer version of the same route (`/v2/check-otp` beside `/v3/check-otp`):
 * an old version left open is the one attackers use, whatever the new one caps.
 */
function olderVersions(codes: readonly Endpoint[]): Endpoint[] {
  const newest = new Map<string, number[]>();
  const versionOf = (ep: Endpoint) => API_VERSION.exec(ep.route)?.[1]?.split('.').map(Number);
  const later = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    return false;
  };
  const unversioned = (ep: Endpoint) => `${ep.methods.join(',')} ${ep.route.replace(API_VERSION, '/v*')}`;
  for (const ep of codes) {
    const v = versionOf(ep);
    const best = newest.get(unversioned(ep));
    if (v && (best === undefined || later(v, best))) newest.set(unversioned(ep), v);
  }
  return codes.filter((ep) => {
    const v = versionOf(ep);
    return v !== undefined && later(newest.get(unversioned(ep))!, v);
  });
}

/** The advice for a reset flow: cap the guesses, then what the model does not say of the reset itself. */
function resetFlowMitigation(ctx: AnalysisContext, flow: ResetFlow): string {
  const older = olderVersions(flow.codes);
  const hardened = flow.resets.every((ep) => ctx.endpointHas(ep, 'secure-password-reset'));
  return `Cap attempts per code and per account on ${namesAtMost(flow.codes.map((ep) => ep.key), TEXT_NAMES, 'other code checks')}, invalidate a code after 3 failures, expire codes within minutes and use codes of 6 or more digits`
    + `${older.length ? `; retire ${namesAtMost(older.map((ep) => ep.key), TEXT_NAMES, 'other old routes')}, which newer versions replace` : ''}`
    + `${hardened ? '' : '; issue a new random code for each request, invalidate the account\'s sessions after a reset and notify the user'}.`;
}

/** The one finding for a reset flow, the same for each of its code checks (the engine keeps one: element-keyed). */
function resetFlowTakeover(ctx: AnalysisContext, element: Element, flow: ResetFlow): Outcome {
  const { resets, codes } = flow;
  const resetNames = namesAtMost(resets.map((ep) => ep.key), TEXT_NAMES, 'other reset endpoints');
  const codeNames = namesAtMost(codes.map((ep) => ep.key), TEXT_NAMES, 'other code checks');
  // An account reaches its own traffic, not what the service only forwards (as for credential stuffing).
  const restrictedData = restricted(sessionAssets(ctx, element));
  return threat({
    ...elementComponent(element),
    title: `Account takeover: one-time code brute force completes the password reset on ${element.name}`,
    description: `${resetNames} ${resets.length === 1 ? 'starts' : 'start'} a password reset and ${codeNames} ${codes.length === 1 ? 'checks' : 'check'} the one-time code that completes it, ${flow.exposure === 'internet' ? 'from the internet' : 'from untrusted callers through other components'}, with nothing capping the guesses: a script tries every code and resets the password of any account whose email it knows.`,
    likelihood: internetLikelihood(flow.exposure, 'a script tries every possible code, knowing only the account\'s email'),
    impact: restrictedData.length
      ? rated('High', `any account can be taken over, and accounts reach ${assetNames(restrictedData)}`)
      : rated('High', 'any account whose email is known is taken over, one after another: every account, not one'),
    evidence: [
      ...resets.map((ep) => evidence(`${ep.key} starts a password reset for callers who are not signed in`, ep.at)),
      ...codes.map((ep) => evidence(`${ep.key} checks one-time codes`, ep.at)),
      ...codes.map((ep) => missingControlEvidence(OTP_CONTROLS, element, ep)),
    ],
    mitigation: resetFlowMitigation(ctx, flow),
    target: `password reset on ${element.name}`,
  });
}

export const missingAuthentication: ElementRule = {
  id: 'missing-authentication',
  stride: 'S',
  title: 'No authentication in front of a service',
  description:
    'A service that runs application code and handles sensitive data is reachable from the internet, and on some path into it neither the service, the flow, nor an edge component in front authenticates callers: anyone can call it that way as any user.',
  condition: 'a process running application code with exposure `internet`, no `auth` and no endpoints of its own, not a `mail-catcher` (exposed-mail-catcher\'s finding, while that rule runs), handling data of high confidentiality or taking in data of high integrity from its callers (what the flows into it carry, all it handles when one names no data or it is `exposed`, but not data classified `public` that people and their browsers exchange with it: what it publishes to them), with an untrusted path into it that is unauthenticated (flow auth `none` and, when the flow names an endpoint, that endpoint\'s auth `none` too; no gateway in front that authenticates or is reached only by calls so authenticated; a gateway\'s own `auth` does not count where a call into it can land on an endpoint of it that says `public` or `auth: none`); when partners\' and devices\' calls are the only such paths (directly or through edge components) they are left to `unauthenticated-partner-call` and `unauthenticated-device`, otherwise their direct calls from any zone (a partner\'s unless `ip-allowlist` or `signature-verification` covers it) are reported here with the others (one missing control, one finding)',
  mitigation: 'Authenticate every request (OIDC/OAuth 2 tokens or sessions) in the service or at a gateway that every path crosses, and deny by default.',
  action: { text: 'Require authentication on {targets}' },
  mitigatedBy: ['authentication'],
  references: ['CWE-306', 'CAPEC-115', 'OWASP Top 10 A07', 'OWASP ASVS V1.2'],
  rating: 'Likelihood High (anyone on the internet, no skill needed); impact from what callers can do through it (the higher): the confidentiality of the data the service handles, the integrity of the data they send into it (data it only shows them does not count).',
  example: "assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> app: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const data = openServiceData(ctx, element);
    if (data === undefined) return undefined;
    const { valuable, written } = data;
    const present = presentControls(ctx, AUTHENTICATION, element);
    if (present.length) return mitigatedBy(present, elementComponent(element), 'callers are authenticated');
    const { authenticated, open } = untrustedPaths(ctx, element);
    if (authenticated.length > 0 && open.length === 0) {
      return mitigatedBy(['authentication'], elementComponent(element), 'every untrusted path is authenticated on the way in');
    }
    const unauthenticated = missingAuthCalls(ctx, element);
    if (unauthenticated === undefined) return undefined;
    const names = (flows: readonly Flow[]) => [...new Set(flows.map((f) => ctx.graph.elements.get(f.from)!.name))].sort();
    const callers = (flows: readonly Flow[], max: number) => namesAtMost(names(flows), max, 'other callers');
    // The partners and devices whose calls are reported here are the identities anyone can take.
    const posed = names(unauthenticated.filter((f) => partnerFlow(f, ctx) !== undefined || deviceFlow(f, ctx) !== undefined));
    const posing = posed.length === 0 ? '' : `, or pose as ${posed.length === 1 ? posed[0] : `any of ${namesAtMost(posed, TEXT_NAMES, 'others')}`}`;
    const confidentiality = assetImpact(valuable, 'confidentiality', rated('High', 'sensitive data'));
    // Tampering counts only for what callers send in: data it only shows them is theirs to read, not to change.
    const integrity = assetImpact(written, 'integrity', confidentiality);
    const partial = authenticated.length > 0;
    return threat({
      ...elementComponent(element),
      flows: unauthenticated.length ? flowIds(unauthenticated) : undefined,
      title: partial
        ? `No authentication on calls from ${callers(unauthenticated, TITLE_NAMES)} to ${element.name}`
        : `No authentication in front of ${element.name}`,
      description: partial
        ? `${says(element.name, 'handles')} ${assetNames(valuable)} and ${verbFor(element.name, 'is')} reachable from the internet; calls from ${callers(authenticated, TEXT_NAMES)} are authenticated, but calls from ${callers(unauthenticated, TEXT_NAMES)} carry no authentication on the way: anyone can call ${itObject(element.name)} that way, as anyone${posing}.`
        : `${says(element.name, 'handles')} ${assetNames(valuable)} and ${verbFor(element.name, 'is')} reachable from the internet, but nothing on the way authenticates the caller: anyone can call ${itObject(element.name)} as anyone${posing}.`,
      likelihood: rated('High', 'reachable from the internet without credentials: no skill needed'),
      impact: ratingRank(integrity.level) > ratingRank(confidentiality.level) ? integrity : confidentiality,
      evidence: [
        evidence(`${says(element.name, 'declares')} no auth and ${verbFor(element.name, 'is')} reachable from the internet`, element.at),
        ...unauthenticated.map((f) => evidence(`${flowLabel(f, ctx)} carries no authentication`, f.at)),
        ...authenticated.map((f) => evidence(`${flowLabel(f, ctx)} is authenticated on the way in`, f.at)),
      ],
    });
  },
};

/** What anyone can do through a service nobody authenticates: the data it can hand them, and the data they can change. */
interface OpenServiceData {
  /** Data of high confidentiality it handles, or of high integrity that callers send into it. */
  valuable: Asset[];
  /** The data of high integrity among what callers send into it. */
  written: Asset[];
}

/**
 * The data that makes a service `missing-authentication` judges worth calling unauthenticated: a process running
 * application code, reachable from the internet, with no `auth` and no endpoints, handling data of high
 * confidentiality, or taking in data of high integrity from its callers. Undefined for any other element, and
 * for a mail catcher while exposed-mail-catcher runs (the mails it shows are that finding's, one cause).
 */
function openServiceData(ctx: AnalysisContext, element: Element): OpenServiceData | undefined {
  if (!runsAppCode(element) || ctx.exposure(element.id) !== 'internet') return undefined;
  if (declaresAuth(element) || element.endpoints.length > 0) return undefined;
  if (element.traits.includes('mail-catcher') && ruleRuns(ctx, 'exposed-mail-catcher')) return undefined;
  const written = new Set(highIntegrity(writtenByCallers(ctx, element)));
  const valuable = ctx.assetsOf(element.id).filter((a) => a.kind === 'data' && (a.confidentiality === 'high' || written.has(a)));
  return valuable.length ? { valuable, written: [...written] } : undefined;
}

/**
 * The data callers can change through a service with no endpoints: what the flows into it carry, but for data
 * classified `public` that people and their browsers exchange with it (what it publishes to them, such as
 * prices or tallies, not what they write). A flow naming no data, or a public address no flow shows, may
 * carry anything it handles.
 */
function writtenByCallers(ctx: AnalysisContext, element: Element): readonly Asset[] {
  const ids = new Set<string>();
  const calls = ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id);
  if (calls.length === 0 || element.exposed === true) return ctx.assetsOf(element.id);
  for (const f of calls) {
    if (f.data.length === 0) return ctx.assetsOf(element.id);
    const published = isPersonOrAgent(ctx.graph.elements.get(f.from));
    for (const a of ctx.assetsOfFlow(f)) if (!(published && a.classification === 'public')) ids.add(a.id);
  }
  return assetList(ctx, [...ids]);
}

/**
 * The unauthenticated flows `missing-authentication` reports into a service, or undefined when it reports none.
 * A partner's or a device's call is one problem, reported by the rule made for it, while such calls are the
 * only open paths; once another path is open too, the service authenticates nobody, and their direct calls are
 * that same missing control: they join it here, and `partnerCall` and `deviceCall` leave them.
 */
function missingAuthCalls(ctx: AnalysisContext, element: Element): readonly Flow[] | undefined {
  const table = perElement<readonly Flow[] | null>(ctx, 'missing-authentication');
  let calls = table.get(element.id);
  if (calls === undefined) {
    calls = null;
    if (openServiceData(ctx, element) !== undefined && presentControls(ctx, AUTHENTICATION, element).length === 0) {
      const { authenticated, open } = untrustedPaths(ctx, element);
      const own = open.filter((f) => !handedOff(f, ctx, new Set()));
      if (own.length > 0 || (open.length === 0 && authenticated.length === 0)) {
        // A partner's call its own checks already cover stays that rule's (mitigated), not an open door here. A
        // partner or device inside our zones (no untrusted path) calls the same open service: named here too.
        calls = ctx.graph.inFlows(element.id).filter((f) => own.includes(f) || (f.from !== element.id && !f.controls.includes('authentication') && (deviceFlow(f, ctx) !== undefined ||
          (partnerFlow(f, ctx) !== undefined && partnerChecks(f, element, ctx).length === 0))));
      }
    }
    table.set(element.id, calls);
  }
  return calls ?? undefined;
}

const reportedByMissingAuth = (flow: Flow, target: Element, ctx: AnalysisContext): boolean =>
  missingAuthCalls(ctx, target)?.includes(flow) === true;

const WEAK_AUTH = new Set(['basic']);
const WEAK_AUTH_BACKING = ['mfa', 'ip-allowlist', 'vpn'] as const;

export const weakAuthentication: FlowRule = {
  id: 'weak-authentication',
  stride: 'S',
  title: 'Weak authentication from a less trusted or exposed caller',
  description:
    'Callers from a less trusted zone, or exposed to the internet, authenticate with HTTP Basic: a static password sent with every request, with no lockout, no MFA and no expiry; one leaked or guessed password is a permanent login. Likewise remote access (a VPN, remote desktop or shell) from an untrusted zone on a password alone: one phished, reused or sprayed password opens the network behind it.',
  condition: 'a flow authenticated with `basic` (by the flow, else the endpoint it names, else its target) that enters a zone of higher trust (or comes from an untrusted zone or an element marked `exposed`), into a target without `mfa`, `ip-allowlist` or `vpn` (on the target, its boundary, the flow, or every path in front). Also a network flow from an untrusted zone authenticated with `password` (as above) into remote access: a VPN (a target whose tech, or, for a `gateway`, id or name, names a VPN product, or a `gateway` declaring `vpn` of its own) or a remote desktop or shell (protocol rdp, ssh, vnc or telnet), without `mfa` (on the flow, the target, its boundary, every path in front, or every endpoint the call can land on) or `ip-allowlist` (on the flow or the target; `vpn` counts only in front of a remote desktop or shell, not on the VPN itself); not where the call can land on a login endpoint of the target that credential-stuffing reports (that finding says the login has no MFA)',
  mitigation: 'Replace Basic authentication with tokens from an identity provider (OAuth 2 / OIDC) or mutual TLS for machines; until then restrict the source addresses.',
  action: { text: 'Replace Basic authentication with tokens or mTLS on {targets}' },
  mitigatedBy: WEAK_AUTH_BACKING,
  references: ['CWE-1390', 'CWE-521', 'CWE-308', 'CAPEC-49', 'OWASP ASVS V2.1'],
  rating: 'Likelihood High from an untrusted zone (password spraying with public tools), Medium otherwise (a foothold in the caller, exposed or not); impact Medium, High when the target handles restricted data. For password-only remote access: likelihood Medium (a phished, reused or sprayed password: some skill, as for an administrator\'s single factor); impact High when what lies behind the entry (the elements its flows lead to, onward, with what they handle and what the flows carry) holds restricted data or data of high integrity, Medium otherwise.',
  example: 'elements:\n  partner: { type: third-party }\n  api: { type: api }\nflows:\n  - partner -> api: { protocol: https, auth: basic }',
  appliesTo: 'flow',
  gate: { auth: [...WEAK_AUTH, 'password'] },
  check(flow, ctx) {
    const method = callAuthMethod(ctx.graph, flow);
    if (!isNetworkFlow(flow)) return undefined;
    if (method === 'password') return passwordRemoteAccess(flow, ctx);
    // Basic may be what the target asks every caller for (`auth: basic` on it or the endpoint named), not restated on the flow.
    if (!WEAK_AUTH.has(method)) return undefined;
    const fromRank = ctx.graph.trustRankOf(flow.from);
    const toRank = ctx.graph.trustRankOf(flow.to);
    if (!(fromRank < toRank || ctx.isUntrustedSource(flow.from))) return undefined;
    const target = ctx.graph.elements.get(flow.to);
    if (!target) return undefined;
    const restrictedData = restricted(ctx.assetsOf(target.id));
    // An exposed component of ours is an untrusted source, but the internet reaches only it, not this flow.
    const fromInternet = inUntrustedZone(ctx, flow.from);
    const lessTrusted = fromRank < toRank;
    const caller = ctx.graph.elements.get(flow.from)?.name ?? flow.from;
    const exposed = ctx.isUntrustedSource(flow.from);
    const origin = fromInternet
      ? (lessTrusted ? 'from a less trusted zone' : 'from an untrusted zone')
      : exposed
        ? `from ${caller}, which ${verbFor(caller, 'is')} exposed to the internet${lessTrusted ? ` and ${verbFor(caller, 'sits')} in a less trusted zone` : ''}`
        : `from ${caller}, which ${verbFor(caller, 'sits')} in a less trusted zone`;
    // An allow-list or MFA on this caller's flow backs its password as well as one on the target.
    const present = WEAK_AUTH_BACKING.filter((c) => flow.controls.includes(c) || ctx.elementHas(target, c));
    const where = { ...elementComponent(target), flows: [flow.id] };
    if (present.length) return mitigatedBy(present, where, `Basic authentication is backed by ${present.join(' and ')}`);
    return threat({
      ...where,
      title: `Basic authentication into ${target.name}`,
      description: `${flowLabel(flow, ctx)} authenticates with HTTP Basic ${origin}; the password travels with every request and can be sprayed, replayed or reused indefinitely.`,
      likelihood: fromInternet
        ? rated('High', 'from the internet: password spraying needs only public tools')
        : rated('Medium', exposed ? `needs a foothold in ${caller}, which ${verbFor(caller, 'is')} exposed to the internet` : 'needs a foothold in the calling zone'),
      impact: restrictedData.length
        ? rated('High', `${assetNames(restrictedData)} ${isOrAre(restrictedData)} restricted`)
        : rated('Medium', 'the caller\'s access: partial exposure'),
      evidence: [evidence(`${flowLabel(flow, ctx)} uses auth basic`, callAuth(ctx, flow).at)],
      target: target.name,
    });
  },
};

/** Remote desktop and shell protocols: a session on the host itself. */
const REMOTE_SHELLS: ReadonlySet<string> = new Set(['rdp', 'ssh', 'vnc', 'telnet']);
/** VPN products and the word itself, as a tech or a gateway's id or name gives them. */
const VPN_WORDS = /(?:^|[^a-z0-9])(?:vpn|openvpn|wireguard|ipsec|fortigate|fortinet|anyconnect|globalprotect|pulse-secure|ivanti-connect|netscaler|citrix-gateway)(?:$|[^a-z0-9])/i;

/** A VPN: its tech names one, or a gateway's id or name does, or a gateway declares `vpn` of its own (it is the VPN). */
const isVpn = (e: Element): boolean =>
  VPN_WORDS.test(e.tech ?? '') || (e.type === 'gateway' && (VPN_WORDS.test(e.id) || VPN_WORDS.test(e.name) || e.controls.includes('vpn')));

/**
 * The endpoints of the target a call can land on: the one it names, else those that admit its source (flowLandsOn).
 */
function landingEndpoints(ctx: AnalysisContext, flow: Flow, target: Element): Endpoint[] {
  return target.endpoints.filter((ep) => flowLandsOn(ctx, flow, ep));
}

/**
 * A password alone opens remote access from an untrusted zone: a VPN, or a remote desktop or shell. What lies
 * behind it (the restricted or high-integrity data its onward flows reach) rates the impact.
 */
function passwordRemoteAccess(flow: Flow, ctx: AnalysisContext): Outcome | undefined {
  const access = passwordAccess(flow, ctx);
  if (access === undefined || access.outcome === 'mitigated') return access;
  const { source, target, vpn } = access;
  const into = remoteAccessInto(ctx, target);
  const behind = into.behind;
  const label = flowLabel(flow, ctx);
  const one = into.sources.length === 1;
  const signsIn = one ? `${label} signs in to ${into.entries}` : `${into.inText} sign in to ${target.name}, ${into.entries},`;
  return threat({
    ...elementComponent(target),
    flows: [flow.id],
    title: `Password-only remote access from ${into.inTitle} into ${target.name}`,
    description: `${signsIn} from an untrusted zone with a password alone: one phished, reused or sprayed password of ${one ? source.name : 'any of them'} opens ${behind.length ? `the way to ${assetNames(behind)}` : `${vpn ? 'the network behind it' : 'a session on it'}`} with no second factor.`,
    // As for an administrator's single factor: a phished or reused password is some skill, not none.
    likelihood: rated('Medium', 'needs a phished, reused or sprayed password: some skill'),
    impact: behind.length
      ? rated('High', `${assetNames(behind)} behind ${target.name} ${isOrAre(behind)} ${valueWords(behind)}`)
      : rated('Medium', 'the access the account gives: partial exposure'),
    evidence: [
      evidence(`${label} authenticates with password from an untrusted zone`, callAuth(ctx, flow).at),
      evidence(vpn ? `${says(target.name, 'is')} a VPN` : `${label} is a remote ${remoteKind(flow.protocol)}`, vpn ? target.at : flow.at),
      missingControlEvidence(['mfa'], target),
    ],
    mitigation: 'Require MFA for every remote access (phishing-resistant where possible: FIDO2, or a certificate plus a one-time code), give each third party its own account enabled only for its maintenance windows, and restrict the source addresses.',
    target: target.name,
  });
}

/** A password-only sign-in into remote access that nothing backs, before it is reported. */
interface OpenRemoteAccess {
  outcome: 'open';
  source: Element;
  target: Element;
  vpn: boolean;
  /** What the finding calls the way in ("a VPN", "a remote desktop over rdp"). */
  entry: string;
}

/** Every open password-only sign-in into a target, as one finding names them, and what lies behind it. */
interface RemoteAccessInto {
  /** The sources' names, once each, in the order of their flows; as a title and a description give them. */
  sources: readonly string[];
  inTitle: string;
  inText: string;
  entries: string;
  behind: readonly Asset[];
}

const remoteAccessTargets: (ctx: AnalysisContext) => Map<string, RemoteAccessInto> = perModel(() => new Map());

/**
 * The flows into a target this rule reports as password-only remote access, found once per target: each flow's
 * outcome merges into one finding, whose title and description come from the first, so that one names them all.
 */
function remoteAccessInto(ctx: AnalysisContext, target: Element): RemoteAccessInto {
  const known = remoteAccessTargets(ctx);
  let into = known.get(target.id);
  if (into === undefined) {
    const open: OpenRemoteAccess[] = [];
    for (const f of ctx.graph.inFlows(target.id)) {
      // As the rule's gate and check admit a flow.
      if (!isNetworkFlow(f) || callAuthMethod(ctx.graph, f) !== 'password') continue;
      const access = passwordAccess(f, ctx);
      if (access?.outcome === 'open') open.push(access);
    }
    const sources = [...new Set(open.map((a) => a.source.name))];
    into = {
      sources, inTitle: namesAtMost(sources, TITLE_NAMES, 'other sources'), inText: namesAtMost(sources, TEXT_NAMES, 'other sources'),
      entries: [...new Set(open.map((a) => a.entry))].join(' and '), behind: valuableBehind(ctx, target),
    };
    known.set(target.id, into);
  }
  return into;
}

/** A password-only sign-in into remote access from an untrusted zone: open, backed by a control, or none of this rule's. */
function passwordAccess(flow: Flow, ctx: AnalysisContext): OpenRemoteAccess | MitigatedOutcome | undefined {
  if (!inUntrustedZone(ctx, flow.from)) return undefined;
  const target = ctx.graph.elements.get(flow.to);
  const source = ctx.graph.elements.get(flow.from);
  if (target === undefined || source === undefined || target.kind === 'external') return undefined;
  const vpn = isVpn(target);
  const shell = REMOTE_SHELLS.has(flow.protocol);
  if (!vpn && !shell) return undefined;
  const landing = landingEndpoints(ctx, flow, target);
  // A login credential-stuffing reports already says it takes passwords with no MFA: one cause, that finding.
  if (ruleRuns(ctx, credentialStuffing.id) && landing.some((ep) => stuffingReported(ctx, target, ep))) return undefined;
  const where = { ...elementComponent(target), flows: [flow.id] };
  const backing: string[] = [];
  if (flow.controls.includes('mfa') || ctx.elementHas(target, 'mfa') || (landing.length > 0 && landing.every((ep) => ctx.endpointHas(ep, 'mfa')))) backing.push('mfa');
  if (flow.controls.includes('ip-allowlist') || ctx.elementHas(target, 'ip-allowlist')) backing.push('ip-allowlist');
  // In front of a remote desktop, a VPN is a gate of its own; on a VPN, `vpn` names what it is.
  if (!vpn && (flow.controls.includes('vpn') || ctx.elementHas(target, 'vpn'))) backing.push('vpn');
  if (backing.length) return mitigatedBy(backing, where, `the password is backed by ${backing.join(' and ')}`);
  return { outcome: 'open', source, target, vpn, entry: vpn ? 'a VPN' : `a remote ${remoteKind(flow.protocol)} over ${flow.protocol}` };
}

const remoteKind = (protocol: string): string => (protocol === 'ssh' || protocol === 'telnet' ? 'shell' : 'desktop');

/** What makes the data behind an entry worth the way in: restricted, of high integrity, or some of each. */
function valueWords(assets: readonly Asset[]): string {
  const secret = assets.some((a) => a.classification === 'restricted');
  const exact = assets.some((a) => a.integrity === 'high');
  return secret && exact ? 'restricted or of high integrity' : secret ? 'restricted' : 'of high integrity';
}

/** Whether credential-stuffing reports the login (not mitigated, not a provider's token route, reached from outside). */
function stuffingReported(ctx: AnalysisContext, element: Element, ep: Endpoint): boolean {
  if (ep.kind !== 'login' || exchangesProviderSignIn(ctx, element, ep) || !isExposed(endpointExposure(ep, element, ctx))) return false;
  const present = stuffingControls(ctx, element, ep);
  return !present.includes('mfa') && present.length < 2;
}

/**
 * The restricted or high-integrity data behind a remote-access entry: what the elements its flows lead to, onward
 * (not into external elements, which are others' systems), handle, and what those flows carry.
 */
function valuableBehind(ctx: AnalysisContext, entry: Element): Asset[] {
  const ids = new Set<string>();
  const seen = new Set<string>([entry.id]);
  const queue = [entry.id];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    for (const f of ctx.graph.outFlows(id)) {
      const next = ctx.graph.elements.get(f.to);
      if (next === undefined || next.kind === 'external') continue;
      for (const a of ctx.assetsOfFlow(f)) ids.add(a.id);
      if (seen.has(next.id)) continue;
      seen.add(next.id);
      for (const a of ctx.assetsOf(next.id)) ids.add(a.id);
      queue.push(next.id);
    }
  }
  const assets = assetList(ctx, [...ids]);
  return assets.filter((a) => isData(a) && (a.classification === 'restricted' || a.integrity === 'high'));
}

const ADMIN_MFA = ['mfa'] as const;
/** Keys held on the administrator's device: stolen, not phished or reused. */
const KEY_AUTH: ReadonlySet<string> = new Set(['mtls', 'ssh-key']);

/**
 * What one factor at an admin endpoint lets an attacker in with, and how likely that is; `many` words it for
 * several routes that take the same factor.
 */
function adminFactor(ep: Endpoint, many = false): { title: string; alone: string; enough: string; likelihood: RatedLevel } {
  const them = many ? 'them' : 'it';
  if (ep.public) {
    return {
      title: `Admin access to ${ep.key} without any credential or MFA`,
      alone: 'nothing but network access',
      enough: `anyone who reaches ${them} has administrative control without any credential`,
      likelihood: rated('Medium', `needs only network access to ${them}: some access`),
    };
  }
  // Named for what the route is (an admin action as often as a sign-in page): the credential it takes is one factor.
  const title = `Admin access to ${ep.key} without MFA`;
  if (KEY_AUTH.has(ep.auth)) {
    return {
      title,
      alone: `${ep.auth} alone`,
      enough: `a stolen administrator key is enough for anyone who reaches ${them}`,
      likelihood: rated('Medium', 'needs a stolen administrator key and network access: some skill'),
    };
  }
  return {
    title,
    alone: `${ep.auth} alone`,
    enough: `a phished or reused administrator credential is enough for anyone who reaches ${them}`,
    likelihood: rated('Medium', 'needs a phished or reused credential and network access: some skill'),
  };
}

/**
 * How one admin route stands: undefined where exposed-admin-interface owns it, a mitigated outcome where
 * administrators pass MFA on the way, else `open` (the route's factor is reported, alone or with the element's
 * other open routes).
 */
function adminRouteMfa(ep: Endpoint, element: Element, ctx: AnalysisContext): Outcome | 'open' | undefined {
  if (adminOpenToInternet(ep, element, ctx)) return undefined;
  if (mfaOnEveryFlow(ep, element, ctx)) return mitigatedBy(['mfa'], endpointComponent(ep), 'administrators use MFA');
  if (ctx.endpointHas(ep, 'mfa')) return mitigatedBy(['mfa'], endpointComponent(ep), 'administrators use MFA');
  // The session cookie the route takes is issued only past MFA at the element's login: the admins behind it passed it.
  if (endpointMfa(ctx, element, ep)) {
    return mitigatedBy(['mfa'], endpointComponent(ep), `administrators pass MFA at every login of ${element.name}, which issues the session cookie ${ep.key} takes`);
  }
  // No administrator signs in here: the applications calling the route do, and so MFA is asked where they sign in.
  const upstream = signInsUpstream(ctx, element, ep);
  if (upstream !== undefined && upstream.every((app) => signInMfa(ctx, app))) {
    const names = namesAtMost(upstream.map((app) => app.name), TEXT_NAMES, 'other applications');
    return mitigatedBy(['mfa'], endpointComponent(ep), `administrators sign in with MFA to ${names}, which ${upstream.length === 1 ? 'calls' : 'call'} ${ep.key} with ${upstream.length === 1 ? 'its' : 'their'} own credential`);
  }
  return 'open';
}

const ADMIN_CONTROL_IMPACT = rated('High', 'administrative control of the system: full compromise');
/** Weakest first: a route that asks for nothing, then one a phished password opens, then one a stolen key opens. */
const factorRank = (ep: Endpoint): number => (ep.public ? 0 : KEY_AUTH.has(ep.auth) ? 2 : 1);

/**
 * One threat for an element's admin routes without MFA: on the route when there is one (its key as before the
 * routes were grouped), on the element naming each route when there are several, since the cause is one: the
 * element's administrators sign in without a second factor.
 */
function adminMfaThreat(element: Element, open: readonly Endpoint[]): Outcome {
  if (open.length === 1) {
    const [ep] = open;
    const factor = adminFactor(ep);
    return threat({
      ...endpointComponent(ep),
      title: factor.title,
      description: `${ep.key} on ${element.name} is administrative and protected by ${factor.alone}; ${factor.enough}.`,
      likelihood: factor.likelihood,
      impact: ADMIN_CONTROL_IMPACT,
      evidence: [evidence(`${ep.key} is an admin endpoint`, ep.at), missingControlEvidence(ADMIN_MFA, element, ep)],
      target: endpointTarget(ep, element),
    });
  }
  const keys = open.map((ep) => ep.key);
  const weakest = [...open].sort((x, y) => factorRank(x) - factorRank(y))[0];
  // Routes by the factor they take, in model order: each factor named once, with its routes when they differ.
  const byFactor = new Map<string, string[]>();
  for (const ep of open) pushTo(byFactor, adminFactor(ep).alone, ep.key);
  const guarded = byFactor.size === 1
    ? [...byFactor.keys()][0]
    : [...byFactor].map(([alone, routes]) => `${alone} (${namesAtMost(routes, TEXT_NAMES, 'other admin routes')})`).join(', or ');
  const consequence = byFactor.size === 1
    ? adminFactor(weakest, true).enough
    : `at the weakest, ${weakest.key}, ${adminFactor(weakest).enough}`;
  const text = namesAtMost(keys, TEXT_NAMES, 'other admin routes');
  const title = namesAtMost(keys, TITLE_NAMES, 'other admin routes');
  return threat({
    ...elementComponent(element),
    title: `Admin access to ${title} on ${element.name} without MFA`,
    description: `${text} on ${element.name} are administrative and protected by ${guarded}; ${consequence}.`,
    // The attacker picks the weakest route.
    likelihood: adminFactor(weakest, byFactor.size === 1).likelihood,
    impact: ADMIN_CONTROL_IMPACT,
    // Every route is named where it is declared: a decision taken on one route's key follows it here.
    evidence: [...open.map((ep) => evidence(`${ep.key} is an admin endpoint`, ep.at)), missingControlEvidence(ADMIN_MFA, element)],
    target: `${title} on ${element.name}`,
  });
}

export const adminWithoutMfa: ElementRule = {
  id: 'admin-without-mfa',
  stride: 'S',
  title: 'Administrative access without MFA',
  description:
    'An administrative endpoint that is not open to the internet (a VPN or allow-list stands in front) but accepts one factor or none: a phished, reused or stolen admin credential (or, with no credential, network access alone) is full control. One finding per element, naming every such route: the cause is one, administrators signing in without a second factor.',
  condition: 'an endpoint of kind `admin` that is either not exposed (whether or not the model shows anyone reaching it: administrators do) or is behind `vpn` / `ip-allowlist` (otherwise `exposed-admin-interface` reports it), without `mfa` (on the endpoint, its element or boundary, or every flow that reaches it; for an endpoint taking a `session-cookie`, on every login endpoint of its element, which issues the cookie; for an endpoint that only our applications call (naming it or no endpoint, from its `callers` when listed and enforced), each of them called by people, their browsers or apps (directly or through forwarding elements), where those people sign in: on each application, its boundary, every one of its login endpoints, or every flow from a person or their browser or app into it; or ' + PROVIDER_MFA_TERMS + '). One threat per element naming every such route (keyed on the route when there is one), each route with MFA mitigated on its own',
  mitigation: 'Require phishing-resistant MFA (WebAuthn/FIDO2) for every administrative login, and re-authenticate for dangerous actions.',
  action: { key: 'admin-mfa', text: 'Require MFA for administrators on {targets}' },
  mitigatedBy: ADMIN_MFA,
  references: ['CWE-308', 'CAPEC-560', 'OWASP ASVS V2.8', 'OWASP Top 10 A07'],
  rating: 'Likelihood Medium (a phished, reused or stolen credential plus network access, or network access alone where the endpoint asks for no credential; for several routes, the weakest of them); impact High (administrative control).',
  example: "elements:\n  ops: { type: admin, tech: browser }\n  api:\n    kind: process\n    endpoints:\n      /admin: { auth: password, controls: [vpn] }\nflows:\n  - ops -> api: https",
  appliesTo: 'element',
  kinds: ['process', 'store', 'external'],
  check(element, ctx) {
    if (!element.endpoints.some(isAdminRoute)) return undefined;
    const out: Outcome[] = [];
    const open: Endpoint[] = [];
    for (const ep of element.endpoints) {
      if (!isAdminRoute(ep)) continue;
      const verdict = adminRouteMfa(ep, element, ctx);
      if (verdict === 'open') open.push(ep);
      else if (verdict !== undefined) out.push(verdict);
    }
    if (open.length) out.push(adminMfaThreat(element, open));
    return out.length === 1 ? out[0] : out.length ? out : undefined;
  },
};

const isAdminRoute = (ep: Endpoint): boolean => ep.kind === 'admin';

const RESET_CONTROLS = ['secure-password-reset'] as const;

export const insecurePasswordReset: EndpointRule = {
  id: 'insecure-password-reset',
  stride: 'S',
  title: 'Account takeover through password reset',
  description:
    'A password-reset endpoint reachable from an untrusted zone whose tokens are not declared random, single-use and short-lived: guessable, reusable or leaked reset links (Host header poisoning, referrers, logs) take over accounts.',
  condition: 'an endpoint of kind `password-reset` reachable from an untrusted zone whose callers do not sign in with a user credential (a signed-in user changing their password is not the reset flow), without `secure-password-reset`; not where the same element checks the reset\'s one-time code with nothing capping the guesses: otp-brute-force reports that flow once, on the element',
  mitigation: 'Issue random single-use reset tokens that expire within minutes, build reset links from a configured host (never the Host header), invalidate sessions after a reset and notify the user.',
  action: { text: 'Harden password reset (single-use, short-lived tokens, fixed link host) on {targets}' },
  mitigatedBy: RESET_CONTROLS,
  references: ['CWE-640', 'CAPEC-50', 'OWASP ASVS V2.5'],
  rating: 'Likelihood Medium (needs a flaw in token handling or access to the victim\'s mail); impact Medium (one account), High when accounts reach restricted data.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /password/forgot: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['password-reset'],
  check(ep, element, ctx) {
    // A caller who must sign in already holds the account: changing its password mails no token to steal.
    if (USER_CREDENTIALS.has(ep.auth)) return undefined;
    if (!isExposed(endpointExposure(ep, element, ctx))) return undefined;
    // Guessing the code completes this reset: one account takeover, which otp-brute-force reports on the element.
    if (ruleRuns(ctx, 'otp-brute-force') && resetFlowOf(ctx, element)?.resets.includes(ep)) return undefined;
    const restrictedData = restricted(sessionAssets(ctx, element));
    return unlessControlled(ctx, { element, endpoint: ep }, RESET_CONTROLS, 'reset tokens are single-use and short-lived', (missing) => ({
      title: `Account takeover through password reset on ${ep.key}`,
      description: `${ep.key} on ${element.name} resets passwords from an untrusted zone, and the model does not say its tokens are random, single-use and short-lived.`,
      likelihood: rated('Medium', 'needs a weakness in token handling or access to the victim\'s mailbox'),
      impact: restrictedData.length ? rated('High', `accounts reach ${assetNames(restrictedData)}`) : rated('Medium', 'one account at a time: partial exposure'),
      evidence: [evidence(`${ep.key} is a password-reset endpoint`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

const TOKEN_CONTROLS = ['token-validation'] as const;
const byJwt = (x: { auth?: string }) => x.auth === 'jwt';
const VALIDATION_FLAW = rated('Medium', 'needs a validation flaw; public tools try the known ones');
const FORGED_IDENTITY = rated('High', 'any identity can be forged: full compromise of access control');

export const missingTokenValidation: ElementRule = {
  id: 'missing-token-validation',
  stride: 'S',
  title: 'Bearer tokens accepted without full validation',
  description:
    'A component accepts JWT bearer tokens from callers without declaring that it validates them (signature with a pinned algorithm, issuer, audience, expiry): forged tokens (`alg: none`, key confusion) or tokens minted for another service are accepted.',
  condition: 'a process (application code or an edge gateway) whose callers authenticate with `jwt` (its own auth, an endpoint\'s, or an inbound flow\'s; not an endpoint\'s that only a gateway in front asks for with its own `auth`, which is the gateway\'s finding) and that is reachable from an untrusted zone, without `token-validation` (on the element or its boundary, on every endpoint that takes the tokens (routes declared on a reverse proxy, load balancer or CDN in front count for the application behind it that serves them, as for `missing-authorization`, and not for the proxy), or on a gateway or other edge component that every untrusted path into it crosses, which rejects forged tokens before they arrive); not while a JWT signing key is a literal in the repository (forgeable-tokens): a token signed with the real key passes any validation, so that is the one finding until the key is out of the files',
  mitigation: 'Validate every token: signature with an allow-listed algorithm and pinned keys, issuer, audience, expiry and not-before; reject unsigned tokens.',
  action: { text: 'Validate JWT signature, issuer, audience and expiry on {targets}' },
  mitigatedBy: TOKEN_CONTROLS,
  references: ['CWE-347', 'CWE-287', 'CAPEC-196', 'OWASP ASVS V3.5'],
  rating: 'Likelihood Medium (forging needs a validation flaw, found with public tools); impact High (any identity, including admins).',
  example: 'elements:\n  client: { type: third-party }\n  api: { type: api, auth: jwt }\nflows:\n  - client -> api: { protocol: https, auth: jwt }',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    // A CDN, load balancer or reverse proxy passes tokens on to what validates them.
    if (!runsAppCode(element) && element.type !== 'gateway') return undefined;
    if (!isExposed(ctx.exposure(element.id))) return undefined;
    const jwtFlows = ctx.graph.inFlows(element.id).filter(byJwt);
    const jwtFlow = jwtFlows[0];
    const jwtRoutes = tokenRoutes(ctx, element, jwtFlows);
    const jwtEndpoints = jwtRoutes.map((s) => s.ep);
    if (jwtFlow === undefined && element.auth !== 'jwt' && jwtEndpoints.length === 0) return undefined;
    // Validation declared where the tokens arrive counts: on every endpoint that takes them.
    if (jwtEndpoints.length && jwtEndpoints.every((ep) => ctx.endpointHas(ep, 'token-validation'))) {
      return mitigatedBy([...TOKEN_CONTROLS], elementComponent(element), 'tokens are fully validated');
    }
    const front = validationInFront(ctx, element, new Map());
    const validated = front.validators.size > 0;
    if (validated && front.origins.size === 0) {
      return mitigatedBy([...TOKEN_CONTROLS], elementComponent(element), `tokens are validated by ${[...front.validators].sort().join(', ')} on every untrusted path`);
    }
    // Where a validator covers some paths, the tokens in question are those on the others.
    const shownFlow = (validated ? jwtFlows.find((f) => front.bypasses.some((b) => b.flow === f)) : undefined) ?? jwtFlow;
    const outcome = unlessControlled(ctx, { element }, TOKEN_CONTROLS, 'tokens are fully validated', (missing) => ({
      title: `JWTs accepted without full validation by ${element.name}`,
      description: `${says(element.name, 'authenticates')} callers by JWT and ${verbFor(element.name, 'does')} not declare validating signature, algorithm, issuer, audience and expiry; a forged or foreign token is accepted as a real identity.`,
      likelihood: VALIDATION_FLAW,
      impact: FORGED_IDENTITY,
      evidence: [
        shownFlow
          ? evidence(`${flowLabel(shownFlow, ctx)} authenticates with jwt`, shownFlow.at)
          : element.auth === 'jwt'
            ? evidence(`${says(element.name, 'accepts')} jwt`, element.at)
            : jwtRoutes[0].via
              ? servedEvidence(jwtRoutes[0], element, 'accepts jwt')
              : evidence(`${jwtEndpoints[0].key} on ${element.name} accepts jwt`, jwtEndpoints[0].authAt ?? jwtEndpoints[0].at),
        // The forwarding flow explains a route on a proxy only when that route is the one shown.
        ...(shownFlow || element.auth === 'jwt' ? [] : forwardEvidence(ctx, element, jwtRoutes.slice(0, 1))),
        ...(validated ? bypassEvidence(ctx, element, front) : []),
        missing,
      ],
    }));
    // With the signing key in the repository a forger needs no validation flaw: one cause, forgeable-tokens' finding.
    // It comes back here once the key is out of the files.
    if (reportsThreat(outcome) && ruleRuns(ctx, forgeableTokens.id) && jwtForgeable(ctx, element)) return undefined;
    return outcome;
  },
};

/**
 * The routes that take tokens on the element: their own auth, or a jwt flow naming them. For application code,
 * also those declared on a reverse proxy, load balancer or CDN in front that it serves; a gateway's routes stay
 * the gateway's finding, since it is judged itself and validating there covers what is behind it.
 */
function tokenRoutes(ctx: AnalysisContext, element: Element, jwtFlows: readonly Flow[]): ServedEndpoint[] {
  // A token a gateway in front checks is the gateway's finding (see above), though the route takes it; one a
  // proxy, load balancer or CDN asks for is the application's to validate (this rule does not judge those edges).
  const takesTokens = (s: ServedEndpoint, flows: readonly Flow[]) =>
    (byJwt(s.ep) && authAskerOf(ctx, s.ep)?.type !== 'gateway') || flows.some((f) => f.endpoint === s.ep.id);
  const own = element.endpoints.map((ep): ServedEndpoint => ({ ep })).filter((s) => takesTokens(s, jwtFlows));
  if (!runsAppCode(element)) return own;
  const forwarded = (servedEndpoints(ctx, element)?.endpoints ?? []).filter(
    (s) => s.via !== undefined && s.via.type !== 'gateway' && takesTokens(s, ctx.graph.inFlows(s.via.id).filter(byJwt)),
  );
  return [...own, ...forwarded];
}

const TOKEN_WORDS: Record<ForgedToken, string> = { jwt: 'JWT', 'session-cookie': 'session cookie' };

/** Where the holder says its keys now come from a secret store: the literal in the files is no longer the key in use. */
const KEY_STORE = ['secrets-management'] as const;

/**
 * Whether a literal key in the files signs the JWTs the element takes (it is among what an unmitigated key opens):
 * forgeable-tokens' finding, which no validation fixes. The set is found once per analysis.
 */
function jwtForgeable(ctx: AnalysisContext, element: Element): boolean {
  let opened = ctx.memo.get('jwt-forgeable') as ReadonlySet<string> | undefined;
  if (opened === undefined) {
    const ids = new Set<string>();
    for (const k of signingKeys(ctx).values()) {
      if (k.kinds.includes('jwt') && presentControls(ctx, KEY_STORE, k.holder).length === 0) for (const e of k.opened) ids.add(e.id);
    }
    opened = ids;
    ctx.memo.set('jwt-forgeable', opened);
  }
  return opened.has(element.id);
}

export const forgeableTokens: ElementRule = {
  id: 'forgeable-tokens',
  stride: 'S',
  title: 'Token signing key written in the repository',
  description:
    'The key a component signs its tokens with (a JWT secret, a framework\'s session-signing key) is a literal in the repository\'s files, and nothing says the deployment takes it from a secret store instead: anyone who reads the repository, an image or a copy of the deployment mints a valid token for any user, admins included, and every service that trusts the tokens accepts it. No validation stops a token signed with the real key.',
  condition: 'a process tagged `token-signing-key` (as `threatmap discover` tags a literal `JWT_SECRET`, `JWT_SIGNING_KEY`, `TOKEN_SECRET` or `SIGNING_KEY` in compose or Kubernetes env, with file:line) whose callers authenticate with `jwt` or `session-cookie` (its own auth, an endpoint\'s, or an inbound flow\'s), or that takes neither while other components take JWTs (a sign-in service issuing them), or tagged `session-signing-key` (a framework\'s session key: Flask/Django `SECRET_KEY`, `SECRET_KEY_BASE`, `AUTH_SECRET`, `SESSION_SECRET`...) whose callers authenticate with `session-cookie`, without `secrets-management` (on it or its boundary); where it is the model\'s only JWT key, every other application or gateway taking JWTs counts among what the tokens open (with several keys, the model does not say which issuer a service trusts: each opens its holder, and an issuer taking none opens the JWT takers holding no key), and missing-token-validation leaves those to this finding; a session key opens its holder only',
  mitigation: 'Generate a random 256-bit key per deployment, load it from a secret store (Docker secrets, a Kubernetes Secret kept out of the repository, a secrets manager), rotate it now (tokens signed with the old key stop working) and purge it from the repository\'s history; where several services verify the tokens, sign with an asymmetric key (RS256, ES256) so that they hold only the public key.',
  action: { text: 'Replace the literal token signing key of {targets} with a generated key from a secret store, and rotate it' },
  mitigatedBy: KEY_STORE,
  references: ['CWE-798', 'CWE-321', 'CWE-347', 'CAPEC-196', 'OWASP ASVS V3.5'],
  rating: 'Likelihood High when a component the tokens open is reachable from an untrusted zone (a minted token needs no other flaw), Medium otherwise; impact High (a token for any user, admins included).',
  example: 'elements:\n  client: { tech: browser }\n  api: { type: api, auth: jwt, tags: [token-signing-key:docker-compose.yml:31] }\nflows:\n  - client -> api: { protocol: https, auth: jwt }',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const key = signingKeyOf(ctx, element);
    if (key === undefined) return undefined;
    const { opened } = key;
    const names = opened.map((e) => e.name);
    const exposed = opened.filter((e) => isExposed(ctx.exposure(e.id))).map((e) => e.name);
    const tokens = key.session ? 'session' : key.kinds.length === 1 ? TOKEN_WORDS[key.kinds[0]] : 'token';
    const where = writtenIn(key.places, TITLE_NAMES, ' in the repository\'s files');
    return unlessControlled(ctx, { element }, KEY_STORE, 'the signing key comes from a secret store', (missing) => ({
      title: `${tokens[0].toUpperCase()}${tokens.slice(1)} signing key of ${element.name} is a literal${where}: anyone can mint tokens`,
      description: `The key ${says(element.name, 'signs')} ${its(element.name)} ${plural(tokens)} with is written${where}: anyone who reads the repository, an image or a copy of the deployment mints a token for any user or admin, and ${namesAtMost(names, TEXT_NAMES, 'other services')} ${agreeing(names, 'accepts', 'accept')} it as that user's.`,
      likelihood: exposed.length
        ? rated('High', `${namesAtMost(exposed, TEXT_NAMES, 'other services')} ${agreeing(exposed, 'is', 'are')} reachable from an untrusted zone, and a minted token needs no other flaw`)
        : rated('Medium', 'the components the tokens open are reachable only from inside: needs network access'),
      impact: rated('High', `a token for any user, admins included, on ${namesAtMost(names, TEXT_NAMES, 'other services')}`),
      evidence: [
        // Every place the key is written: each copy is one to rotate and purge.
        ...key.places.map((p) => evidence(
          `${says(element.name, 'signs')} ${its(element.name)} ${plural(tokens)} with a literal key${writtenIn([p], 1, ' in the repository\'s files')}`,
          [...element.at, 'tags', p.index],
        )),
        // Every one, not a few: a team's decisions on their missing-token-validation findings follow this list.
        ...opened.filter((e) => e !== element).map((e) => evidence(`${says(e.name, 'accepts')} jwt`, e.at)),
        missing,
      ],
      target: element.name,
    }));
  },
};

const plural = (tokens: string): string => `${tokens}s`;

/** Token validation in front of an element: the edge components that validate, and the ways in that pass none of them. */
interface FrontValidation {
  validators: Set<string>;
  /** The untrusted sources whose calls arrive unchecked (`the internet` for a public address of its own). */
  origins: Set<string>;
  /** The flows into the element that bring unchecked calls, with the sources of those calls when an edge forwards them. */
  bypasses: { flow: Flow; forwarded?: Set<string> }[];
}

/**
 * The edge components that validate tokens on untrusted paths into the element, and the paths that arrive
 * unchecked: a forged token from outside is rejected before it gets here only on the former. A public address
 * of its own is a path with nothing in front, and a flow from application code relays that code's requests.
 * `walked` keeps each edge's answer for the walk (an edge on a cycle is asked again before it has one: nothing).
 */
function validationInFront(ctx: AnalysisContext, element: Element, walked: Map<string, FrontValidation | null>): FrontValidation {
  const known = walked.get(element.id);
  if (known !== undefined) return known ?? noValidation();
  // Depth first on a stack of its own: a chain of thousands of edges in front would overflow the call stack.
  const stack: WalkFrame[] = [];
  const open = (e: Element) => {
    walked.set(e.id, null);
    const front = noValidation();
    if (e.exposed === true) front.origins.add('the internet');
    stack.push({ element: e, front, flows: ctx.graph.inFlows(e.id), next: 0 });
  };
  open(element);
  let done = noValidation();
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.waiting !== undefined) {
      addBehind(top.front, top.waiting.flow, walked.get(top.waiting.edge) ?? noValidation());
      top.waiting = undefined;
    }
    if (top.next >= top.flows.length) {
      walked.set(top.element.id, top.front);
      done = top.front;
      stack.pop();
      continue;
    }
    const f = top.flows[top.next++];
    if (f.from === top.element.id) continue;
    const src = ctx.graph.elements.get(f.from);
    const edge = isPassThrough(src) && isExposed(ctx.exposure(f.from));
    if (!edge && !ctx.isUntrustedSource(f.from)) continue;
    if (!edge) {
      top.front.origins.add(src?.name ?? f.from);
      top.front.bypasses.push({ flow: f });
      continue;
    }
    if (ctx.elementHas(src!, 'token-validation')) {
      top.front.validators.add(src!.name);
      continue;
    }
    const behind = walked.get(src!.id);
    if (behind !== undefined) addBehind(top.front, f, behind ?? noValidation());
    else {
      top.waiting = { flow: f, edge: src!.id };
      open(src!);
    }
  }
  return done;
}

/** One element of validationInFront's walk: its answer so far, its flows in, and the edge it waits on. */
interface WalkFrame {
  element: Element;
  front: FrontValidation;
  flows: readonly Flow[];
  next: number;
  waiting?: { flow: Flow; edge: string };
}

const noValidation = (): FrontValidation => ({ validators: new Set(), origins: new Set(), bypasses: [] });

/** What an edge in front lets through, added to the element behind it that the flow reaches. */
function addBehind(front: FrontValidation, flow: Flow, behind: FrontValidation): void {
  for (const name of behind.validators) front.validators.add(name);
  for (const name of behind.origins) front.origins.add(name);
  if (behind.origins.size > 0) front.bypasses.push({ flow, forwarded: behind.origins });
}

/** Where calls reach the element without passing the validators in front: its public address, and each open flow. */
function bypassEvidence(ctx: AnalysisContext, element: Element, front: FrontValidation): EvidenceRef[] {
  const validators = [...front.validators].sort().join(', ');
  const facts: EvidenceRef[] = [];
  if (element.exposed === true) facts.push(evidence(`${says(element.name, 'has')} a public address of ${its(element.name)} own, which bypasses ${validators}`, element.at));
  for (const { flow, forwarded } of front.bypasses) {
    facts.push(forwarded
      ? evidence(`${flowLabel(flow, ctx)} forwards calls from ${namesAtMost([...forwarded].sort(), TEXT_NAMES, 'other callers')} that bypass ${validators}`, flow.at)
      : evidence(`${flowLabel(flow, ctx)} bypasses ${validators}`, flow.at));
  }
  return facts;
}

export const unauthenticatedStoreAccess: FlowRule = {
  id: 'unauthenticated-store-access',
  stride: 'S',
  title: 'Data store accepts unauthenticated connections',
  description:
    'A network connection into a data store that holds sensitive data carries no authentication: anything that can reach the store on the network can read and write it as if it were the application.',
  condition: 'a network flow into a store (not local file or in-process access) with auth `none` (on the flow, and on the endpoint of the store it names), where the store declares no `auth` of its own and holds data of high confidentiality, of sensitive type or of high integrity, without `authentication` on the store; a message broker\'s open connections are `unauthenticated-broker`\'s',
  mitigation: 'Require authentication on the store (per-service credentials or IAM), and restrict network access to the services that use it.',
  action: { text: 'Require authentication for connections to {targets}' },
  mitigatedBy: ['authentication'],
  references: ['CWE-306', 'CWE-284', 'CAPEC-115'],
  rating: 'Likelihood Medium (needs network access to the store), High when the caller is in an untrusted zone; impact from the confidentiality of the stored data, or from its integrity when that is higher (forged, changed or deleted entries).',
  example: "assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: mongodb, stores: [pii] }\nflows:\n  - visitor -> api: https\n  - api -> db: mongodb+tls",
  appliesTo: 'flow',
  gate: { auth: ['none'], to: { kinds: ['store'] } },
  check(flow, ctx) {
    const store = ctx.graph.elements.get(flow.to);
    if (store === undefined || !openStoreFlow(ctx, flow, store)) return undefined;
    const held = heldSensitive(ctx, store);
    if (held === undefined) return undefined;
    return unlessControlled(ctx, { element: store, flows: [flow] }, AUTHENTICATION, 'the store requires authentication', () => {
      const label = flowLabel(flow, ctx);
      return {
        title: held.title,
        description: `${label} carries no credentials, so ${held.holding}`,
        // An exposed component of ours is an untrusted source, but it is not in an untrusted zone.
        likelihood: inUntrustedZone(ctx, flow.from) ? UNTRUSTED_CALLER : NETWORK_ACCESS,
        impact: held.impact,
        // The open flows into one store make one finding: what the store holds is said with the first of them.
        evidence: flow === held.first
          ? [evidence(noAuthFact(label, callAuth(ctx, flow), flow), callAuth(ctx, flow).at), held.evidence]
          : [evidence(noAuthFact(label, callAuth(ctx, flow), flow), callAuth(ctx, flow).at)],
        target: store.name,
      };
    });
  },
};

/**
 * An unauthenticated network connection into a store that asks for no credential of its own: what
 * `unauthenticated-store-access` judges (brokers are `unauthenticated-broker`'s, and `unauthenticated-device` leaves both).
 */
const openStoreFlow = (ctx: AnalysisContext, flow: Flow, store: Element): boolean =>
  callAuthMethod(ctx.graph, flow) === 'none' && isNetworkFlow(flow) && store.kind === 'store' && !isBroker(store) && !declaresAuth(store);

const AUTHENTICATION = ['authentication'] as const;
const UNTRUSTED_CALLER = rated('High', 'the caller sits in an untrusted zone');
const NETWORK_ACCESS = rated('Medium', 'needs network access to the store: some access');
const STORED_DATA = rated('Medium', 'the stored data');

/** What every unauthenticated connection into one store says about the store, worded once per store. */
interface HeldSensitive {
  title: string;
  holding: string;
  impact: RatedLevel;
  evidence: EvidenceRef;
  /** The first open flow into the store, in model order. */
  first: Flow | undefined;
}

function heldSensitive(ctx: AnalysisContext, store: Element): HeldSensitive | undefined {
  const table = perElement<HeldSensitive | null>(ctx, 'unauthenticated-store-access');
  let facts = table.get(store.id);
  if (facts === undefined) {
    const secret = sensitiveAssetsOf(ctx, store.id);
    // Data whose integrity matters is at stake too: an open store takes forged or deleted entries (votes, orders).
    const forgeable = highIntegrity(ctx.assetsOf(store.id));
    const held = [...secret, ...forgeable.filter((a) => !secret.includes(a))];
    facts = held.length === 0 ? null : openStoreFacts(ctx, store, held, secret, forgeable);
    table.set(store.id, facts);
  }
  return facts ?? undefined;
}

/** The words and rating of an open store's finding: the higher of what reading and what writing it costs. */
function openStoreFacts(ctx: AnalysisContext, store: Element, held: readonly Asset[], secret: readonly Asset[], forgeable: readonly Asset[]): HeldSensitive {
  const names = assetNames(held);
  const read = assetImpact(secret, 'confidentiality', STORED_DATA);
  const written = forgeable.length ? assetImpact(forgeable, 'integrity', STORED_DATA) : undefined;
  const tampering = written !== undefined && (secret.length === 0 || ratingRank(written.level) > ratingRank(read.level));
  return {
    title: `${says(store.name, 'accepts')} unauthenticated connections`,
    holding: `${store.name} (holding ${names}) ${verbFor(store.name, 'answers')} anyone who can reach ${itObject(store.name)} on the network${tampering ? `: they can forge, change or delete ${assetNames(forgeable)}` : ''}.`,
    impact: tampering ? written : read,
    evidence: evidence(`${says(store.name, 'stores')} ${names}`, store.at),
    first: ctx.graph.inFlows(store.id).find((f) => openStoreFlow(ctx, f, store)),
  };
}

/**
 * An open path that only partners' or devices' unauthenticated calls take: theirs directly, or through edge
 * components that only such calls reach (their rules report them at the first component they call).
 */
function handedOff(flow: Flow, ctx: AnalysisContext, seen: Set<string>): boolean {
  if (partnerFlow(flow, ctx) !== undefined || deviceFlow(flow, ctx) !== undefined) return true;
  const edge = ctx.graph.elements.get(flow.from);
  if (edge === undefined || !isPassThrough(edge) || seen.has(edge.id)) return false;
  seen.add(edge.id);
  const { open } = untrustedPaths(ctx, edge);
  return open.length > 0 && open.every((f) => handedOff(f, ctx, seen));
}

/** An unauthenticated flow from a device: what `unauthenticated-device` judges, but for a call `missing-authentication` reports. */
function deviceCall(flow: Flow, ctx: AnalysisContext): { device: Element; target: Element } | undefined {
  const call = deviceFlow(flow, ctx);
  return call && !reportedByMissingAuth(flow, call.target, ctx) ? call : undefined;
}

/**
 * An unauthenticated flow from a device into a target that asks for no credential, but for an open connection
 * into a broker or a store holding sensitive data, which the broker's or the store's rule reports.
 */
function deviceFlow(flow: Flow, ctx: AnalysisContext): { device: Element; target: Element } | undefined {
  // The call carries a credential: the flow's own, or the one the endpoint it names (unless public), else its target, asks for.
  if (callAuthMethod(ctx.graph, flow) !== 'none') return undefined;
  const device = ctx.graph.elements.get(flow.from);
  if (device?.type !== 'device') return undefined;
  const target = ctx.graph.elements.get(flow.to);
  if (target === undefined || reportedByStoreRules(flow, target, ctx)) return undefined;
  return { device, target };
}

const declaresAuth = (e: Element) => e.auth !== undefined && e.auth !== 'none';

/** An open connection that `unauthenticated-broker` or `unauthenticated-store-access` reports. */
const reportedByStoreRules = (flow: Flow, target: Element, ctx: AnalysisContext): boolean =>
  isNetworkFlow(flow) &&
  (isBroker(target) || (openStoreFlow(ctx, flow, target) && heldSensitive(ctx, target) !== undefined));

export const unauthenticatedDevice: FlowRule = {
  id: 'unauthenticated-device',
  stride: 'S',
  title: 'Devices are not authenticated',
  description:
    'A device sends data into the system without authenticating: anyone can impersonate a device and inject readings or commands, or enrol fake devices at scale (a device that only downloads its firmware gives an impostor the firmware). Likewise a device that takes commands or other data of high integrity from an unauthenticated call: anyone within reach of it (radio range, its network) commands it.',
  condition: 'a flow from an external element of type `device` with auth `none`, into a target that asks for no credential of its own (the flow names a public endpoint, or names none and the target declares no `auth`), without `authentication` on the target or the flow; a network connection into a broker, or into a store that `unauthenticated-store-access` judges, is left to `unauthenticated-broker` or that rule, and a call into a service that `missing-authentication` reports for other open paths too is reported there. A call that only fetches firmware (carrying nothing but firmware, to a source unsigned-firmware-update recognises) is a download: an impostor gains the firmware, not a way to send forged data; when the device authenticates elsewhere (a flow of it taking `mtls`), the advice is to require that identity at the source. Also a network flow into a device (not from another device, whose call is judged as the sender\'s, nor from a broker, whose subscribers the messaging rules judge) with auth `none` carrying data of high integrity (or, naming none, into a device that handles such data), without `authentication` on the flow, the device or its boundary',
  mitigation: 'Give each device its own identity (a client certificate provisioned at manufacture, mutual TLS) and revoke identities individually.',
  action: { text: 'Authenticate devices and the calls into them (per-device certificates or keys, authenticated pairing) on {targets}' },
  mitigatedBy: ['authentication'],
  references: ['CWE-306', 'CWE-290', 'CAPEC-151'],
  rating: 'Likelihood High when the device or its target is in an untrusted zone or has a public address of its own (device protocols are easy to replay; over an encrypted one anyone who reaches the target still poses as the device), Medium otherwise (a foothold on the internal network first); impact from the integrity of the data the devices send, Medium by default; for a firmware download, Low (the firmware any device holds too), or from its confidentiality when that is high. For a call into a device: likelihood Medium over short-range radio (BLE, Bluetooth, Zigbee, Z-Wave, NFC, LoRa, Thread: the attacker must come near), else High when the device or the caller is in an untrusted zone, Medium otherwise; impact from the integrity of the data it takes.',
  example: 'elements:\n  sensor: { type: device }\n  ingest: { type: service }\n  db: { tech: postgres }\nflows:\n  - sensor -> ingest: mqtts\n  - ingest -> db: sql+tls',
  appliesTo: 'flow',
  // Calls from a device and calls into one: the check tells them apart.
  gate: { auth: ['none'] },
  check(flow, ctx) {
    const into = callIntoDevice(flow, ctx);
    if (into !== undefined) return into;
    const call = deviceCall(flow, ctx);
    if (call === undefined) return undefined;
    const { device, target } = call;
    // Authentication declared on the connection itself covers it (as on the target).
    if (flow.controls.includes('authentication')) {
      return mitigatedBy(['authentication'], { component: target.id, componentKind: 'element', flows: [flow.id] }, 'devices authenticate');
    }
    const download = firmwareDownload(ctx, flow);
    if (download !== undefined) return unlessControlled(ctx, { element: target, flows: [flow] }, ['authentication'], 'devices authenticate', () => download);
    return unlessControlled(ctx, { element: target, flows: [flow] }, ['authentication'], 'devices authenticate', () => ({
      title: `Unauthenticated devices send data to ${target.name}`,
      description: `${flowLabel(flow, ctx)} carries no device identity; anyone can pose as ${device.name} and send forged data.`,
      likelihood: deviceCallLikelihood(ctx, flow, device, target),
      impact: assetImpact(ctx.assetsOfFlow(flow), 'integrity', rated('Medium', 'forged readings or commands')),
      evidence: [evidence(noAuthFact(flowLabel(flow, ctx), callAuth(ctx, flow), flow), callAuth(ctx, flow).at)],
      target: target.name,
    }));
  },
};

/**
 * How easily someone poses as a device calling in: from where anyone reaches the call (the device or its target in
 * an untrusted zone or with a public address of its own) it takes nothing, and plain traffic hands over a message to
 * replay; on an internal network the attacker first needs a foothold there, as for a call into a device.
 */
function deviceCallLikelihood(ctx: AnalysisContext, flow: Flow, device: Element, target: Element): RatedLevel {
  const reachable = inUntrustedZone(ctx, device.id) || ctx.isUntrustedSource(device.id) || ctx.isUntrustedSource(target.id);
  if (!reachable) return rated('Medium', `needs a foothold on the network ${device.name} ${verbFor(device.name, 'is')} on`);
  return flow.encrypted
    ? rated('High', `anyone who reaches ${target.name} can pose as ${device.name}: encryption hides the traffic, not who sends it`)
    : rated('High', 'device traffic is easy to capture and replay');
}

/** Short-range radio protocols: an attacker must come near the device. */
const RADIO = /(?:^|[^a-z])(?:ble|bluetooth|zigbee|z-?wave|nfc|lora(?:wan)?|thread|802\.15\.4)(?:$|[^a-z])/i;

const INTO_DEVICE_MITIGATION =
  'Authenticate whoever sends the device commands: pair with authentication (LE Secure Connections with a passkey or out-of-band pairing, never Just Works), give each device its own key (none shared across the fleet), accept commissioning only in a mode that needs physical presence (a button press) for a short time, and have the back end sign commands the device verifies.';

/** Industrial control protocols, by name (a custom `x-` one) or by their well-known port, with each one's authenticated variant. */
const INDUSTRIAL: readonly { name: RegExp; port: number; secure: string }[] = [
  { name: /^(?:x-)?modbus/i, port: 502, secure: 'Modbus/TCP Security (TLS with certificate roles)' },
  { name: /^(?:x-)?dnp3/i, port: 20000, secure: 'DNP3 Secure Authentication v5' },
  { name: /^(?:x-)?(?:s7|s7comm|iso-tsap)(?![a-z])/i, port: 102, secure: 'S7 access protection with a password on the CPU (S7comm-plus with TLS on recent CPUs)' },
  { name: /^(?:x-)?(?:ethernet-ip|enip|cip)(?![a-z])/i, port: 44818, secure: 'CIP Security' },
  { name: /^(?:x-)?bacnet/i, port: 47808, secure: 'BACnet/SC (secure connect)' },
  { name: /^(?:x-)?opc-?ua/i, port: 4840, secure: 'OPC UA in SignAndEncrypt mode with user authentication' },
];
/** Raw transports an industrial protocol rides on: the port or the device tells which one. */
const RAW_TRANSPORTS: ReadonlySet<string> = new Set(['tcp', 'udp']);

/**
 * What to do about an unauthenticated call into a device, by the medium it comes over: radio pairing for short-range
 * radio; for an industrial protocol (by name or well-known port) or a raw TCP/UDP one, what OT networks use (an
 * allow-list of the hosts that reach it, the protocol's authenticated variant, the controller's own write
 * protection); for any other network protocol, an authenticated caller and a restricted reach.
 */
function intoDeviceMitigation(flow: Flow): string {
  if (RADIO.test(flow.protocol)) return INTO_DEVICE_MITIGATION;
  const known = INDUSTRIAL.find((p) => p.name.test(flow.protocol) || (flow.port !== undefined && flow.port === p.port));
  if (known === undefined && !RAW_TRANSPORTS.has(flow.protocol)) {
    return 'Authenticate whoever calls the device (mutual TLS with a certificate per caller, or a signed command the device verifies), and restrict who reaches it on the network to the hosts that need to.';
  }
  const secure = known ? `switch to ${known.secure}` : `use the protocol's authenticated variant where the device supports one (Modbus/TCP Security, DNP3 Secure Authentication v5, OPC UA SignAndEncrypt)`;
  return `Allow only the hosts that must reach the device (an industrial firewall in front of it, with function-code filtering that lets through only the reads and writes they need), ${secure}, and turn on the controller's own write protection (the run/program key in RUN, or write-protected registers and a CPU password) so that a forged write is refused.`;
}

/**
 * An unauthenticated call into a device that takes data of high integrity (commands, commissioning): encryption
 * alone (BLE pairing without authentication) keeps out eavesdroppers, not impostors. Not a call from another
 * device (judged as that device's call) nor from a broker (its subscribers are the messaging rules').
 */
function callIntoDevice(flow: Flow, ctx: AnalysisContext): Outcome | undefined {
  const device = ctx.graph.elements.get(flow.to);
  // A person at the device itself (its buttons, a local port: `in-process`, `ipc`, `file`) makes no call to spoof.
  if (device?.type !== 'device' || !isNetworkFlow(flow)) return undefined;
  const source = ctx.graph.elements.get(flow.from);
  if (source === undefined || source.type === 'device' || isBroker(source) || callAuthMethod(ctx.graph, flow) !== 'none') return undefined;
  const carried = ctx.assetsOfFlow(flow);
  const data = highIntegrity(carried.length ? carried : assetList(ctx, device.handles));
  if (data.length === 0) return undefined;
  const where = { component: device.id, componentKind: 'element' as const, flows: [flow.id] };
  if (flow.controls.includes('authentication')) return mitigatedBy(['authentication'], where, `${says(device.name, 'authenticates')} who sends ${itObject(device.name)} ${assetNames(data)}`);
  const names = assetNames(data);
  const reachable = inUntrustedZone(ctx, device.id) || ctx.isUntrustedSource(source.id);
  return unlessControlled(ctx, { element: device, flows: [flow] }, ['authentication'], 'callers of the device authenticate', () => ({
    title: `Unauthenticated calls into ${device.name} carry ${names}`,
    description: `${flowLabel(flow, ctx)} sends ${names} with no authentication${flow.encrypted ? ' (encrypted, which keeps out eavesdroppers, not impostors)' : ''}; anyone who reaches ${device.name} can pose as ${source.name} and send ${itObject(device.name)} ${names}.`,
    mitigation: intoDeviceMitigation(flow),
    likelihood: RADIO.test(flow.protocol)
      ? rated('Medium', `needs to be within radio range of ${device.name}, where anyone can send ${itObject(device.name)} data: some access`)
      : reachable
        ? rated('High', `anyone who reaches ${device.name} on ${its(device.name)} network can send ${itObject(device.name)} data`)
        : rated('Medium', `needs access to the network ${device.name} ${verbFor(device.name, 'is')} on`),
    impact: assetImpact(data, 'integrity', rated('High', 'commands the device acts on')),
    evidence: [
      evidence(noAuthFact(flowLabel(flow, ctx), callAuth(ctx, flow), flow), callAuth(ctx, flow).at),
      evidence(`${names} ${isOrAre(data)} of high integrity`, data[0].at),
    ],
    target: device.name,
  }));
}

/**
 * A device's call that only fetches its firmware: what an impostor gains there is the firmware itself (to take
 * apart for flaws and secrets, or to build clones), not a way to send forged data. Undefined for any other call.
 */
function firmwareDownload(ctx: AnalysisContext, flow: Flow): ThreatFacts | undefined {
  const delivery = firmwareDelivery(ctx, flow);
  if (delivery === undefined || !delivery.pulled || !ctx.assetsOfFlow(flow).every(isFirmware)) return undefined;
  const { device, source, firmware } = delivery;
  const what = firmware.length ? assetNames(firmware) : 'firmware';
  const secret = firmware.filter((a) => a.confidentiality === 'high');
  return {
    title: `Anyone can download ${what} from ${source.name}`,
    description: `${flowLabel(flow, ctx)} carries no device identity; anyone can fetch ${what} from ${source.name} as ${device.name} would, to take ${firmware.length ? itOrThem(firmware) : 'it'} apart for flaws and embedded secrets or to build clones.`,
    likelihood: rated('High', 'the download needs no credential'),
    impact: secret.length
      ? assetImpact(secret, 'confidentiality', rated('High', 'confidential firmware'))
      : rated('Low', 'the firmware itself, which any device bought holds too: no user data'),
    evidence: [evidence(noAuthFact(flowLabel(flow, ctx), callAuth(ctx, flow), flow), callAuth(ctx, flow).at), delivery.why],
    mitigation: downloadMitigation(ctx, device, source),
    target: source.name,
  };
}

const SECRETS_OUT_OF_FIRMWARE = 'keep secrets out of firmware images: they are extracted from any device anyway';

/**
 * What to do about an open firmware download: a device that already authenticates elsewhere (a client certificate
 * it presents on another flow) should present it at the source too; else it needs an identity of its own.
 */
function downloadMitigation(ctx: AnalysisContext, device: Element, source: Element): string {
  const known = ctx.graph.outFlows(device.id).find((f) => f.to !== source.id && callAuthMethod(ctx.graph, f) === 'mtls');
  if (known === undefined) return `Give each device its own identity (a client certificate provisioned at manufacture, mutual TLS) so that only enrolled devices download firmware, and ${SECRETS_OUT_OF_FIRMWARE}.`;
  const peer = ctx.graph.elements.get(known.to)?.name ?? known.to;
  return `${device.name} already ${verbFor(device.name, 'holds')} an identity (the client certificate ${its(device.name)} calls to ${peer} present): require it at ${source.name} too (mutual TLS), or serve downloads through short-lived signed URLs that the device-management service issues to authenticated devices; and ${SECRETS_OUT_OF_FIRMWARE}.`;
}

/**
 * An unauthenticated call from a partner: what `unauthenticated-partner-call` judges, but for one that lands on a
 * webhook or an OAuth callback (`unsigned-webhook` or `webhook-replay`, and `oauth-state-missing`, judge those)
 * and for one `missing-authentication` reports.
 */
function partnerCall(flow: Flow, ctx: AnalysisContext): { src: Element; target: Element } | undefined {
  const call = partnerFlow(flow, ctx);
  if (call === undefined || endpointOfUnnamedCall(ctx, flow, OWN_RULE_ENDPOINTS) !== undefined) return undefined;
  if (pipelineTrigger(flow, call.src, call.target, ctx)) return undefined;
  return reportedByMissingAuth(flow, call.target, ctx) ? undefined : call;
}

/**
 * A call from its code host into a pipeline that is its job trigger (isPipelineTrigger), or that lands on no route
 * of the pipeline the caller may post to with no credential. A pipeline that declares such a route (Jenkins'
 * `/github-webhook/`, Atlantis' `/events`), asking no auth and checking no signature, takes the call there: still
 * reported.
 */
function pipelineTrigger(flow: Flow, src: Element, target: Element, ctx: AnalysisContext): boolean {
  if (isPipelineTrigger(flow, src, target)) return true;
  if (target.type !== 'ci-cd') return false;
  return !landingEndpoints(ctx, flow, target).some((ep) => ep.auth === 'none' && !ctx.endpointHas(ep, 'signature-verification'));
}

const OWN_RULE_ENDPOINTS: readonly Endpoint['kind'][] = ['webhook', 'callback'];

/** An unauthenticated call from a partner into a process, not aimed at an endpoint nor at a target that authenticates. */
function partnerFlow(flow: Flow, ctx: AnalysisContext): { src: Element; target: Element } | undefined {
  // The flow's own auth first: what its endpoint or target asks for is judged below, and any endpoint rules it out
  // (a public one too), which is stricter than the call's auth (callAuth) alone.
  if (flow.auth !== 'none') return undefined;
  const src = ctx.graph.elements.get(flow.from);
  const target = ctx.graph.elements.get(flow.to);
  if (!src || !target || target.kind !== 'process') return undefined;
  // An external caller of no type may be people as well as systems (a drafted model's outside clients): not
  // taken for a partner, its calls are anyone's, which missing-authentication judges; the model is warned.
  const partner = src.type === 'third-party' || (src.kind !== 'store' && !unknownCaller(src) && ctx.graph.trustRankOf(src.id) === 0 &&
    !isPerson(src) && !isUserAgent(src) && src.type !== 'device');
  if (!partner) return undefined;
  // A public endpoint wants no partner identity (webhooks and callbacks have their own rules), and any other
  // endpoint asks for its own auth, which a flow that does not restate it still has to present.
  if (endpointOfFlow(ctx, flow) !== undefined || declaresAuth(target)) return undefined;
  return { src, target };
}

/** An external element of no type: the model does not say whether people or systems call from it. */
const unknownCaller = (e: Element): boolean => e.kind === 'external' && e.type === undefined;

const PARTNER_CHECKS = ['authentication', 'ip-allowlist', 'signature-verification'] as const;

/** The checks in place for a partner's call: on the flow or on its target. */
const partnerChecks = (flow: Flow, target: Element, ctx: AnalysisContext): string[] =>
  PARTNER_CHECKS.filter((c) => flow.controls.includes(c) || ctx.elementHas(target, c));

export const unauthenticatedPartnerCall: FlowRule = {
  id: 'unauthenticated-partner-call',
  stride: 'S',
  title: 'Calls from a third party are not authenticated',
  description:
    'A third-party service calls into our application without any authentication (and not through a webhook or callback endpoint, which other rules cover): anyone can pose as the partner.',
  condition: 'a flow from an external element of type `third-party` (or any element in an untrusted zone that is not a person, a user agent, a device or an external element of no `type`) into a process, with auth `none`, naming no endpoint (a public one wants no credential, webhooks and callbacks have their own rules, and any other asks for its own `auth`) nor landing on an exposed webhook or callback endpoint the partner may call, on the target or behind it when the target is an edge component such as a load balancer (`unsigned-webhook` or `webhook-replay`, and `oauth-state-missing`, judge that call), into a target that declares no `auth`, without `authentication`, `ip-allowlist` or `signature-verification` (on the target, its boundary, the flow, or every path in front); not a call into a pipeline (type `ci-cd`, or a tech of that type) that declares no route the caller may call asking no auth and without `signature-verification`: the pipeline fetches its jobs from its code host (runners poll, GitOps deployers pull), so the call is the trigger, not a request to an address we publish; a call into a service that `missing-authentication` reports for other open paths too is reported there, and one into a `mail-catcher` by exposed-mail-catcher',
  mitigation: 'Authenticate the partner (mutual TLS, OAuth 2 client credentials, or signed requests) and restrict its source addresses.',
  action: { text: 'Authenticate outside callers (a login for people, mTLS or signed requests for systems) into {targets}' },
  mitigatedBy: PARTNER_CHECKS,
  references: ['CWE-306', 'CWE-290', 'CAPEC-151'],
  rating: 'Likelihood High (anyone who finds the address); impact from the integrity of what the partner sends, Medium by default. An external caller of no `type` is not taken for a partner: the model does not say whether people or systems call from it, so its calls are anyone\'s (missing-authentication judges the service they reach) and the model gets an `untyped-caller` warning asking who it is.',
  example: 'elements:\n  carrier: { type: third-party }\n  api: { type: api }\nflows:\n  - carrier -> api: https',
  appliesTo: 'flow',
  gate: { auth: ['none'], from: {}, to: { kinds: ['process'] } },
  check(flow, ctx) {
    const call = partnerCall(flow, ctx);
    if (call === undefined) return undefined;
    const { src, target } = call;
    // Who reads a mail catcher is exposed-mail-catcher's finding: the mails, not forged requests, are at stake.
    if (target.traits.includes('mail-catcher')) return undefined;
    const where = { component: target.id, componentKind: 'element' as const, flows: [flow.id] };
    const present = partnerChecks(flow, target, ctx);
    if (present.length) return mitigatedBy(present, where, `the partner is checked by ${present.join(' and ')}`);
    return threat({
      ...where,
      title: `Unauthenticated calls from ${src.name} to ${target.name}`,
      description: `${flowLabel(flow, ctx)} carries no authentication; anyone who learns the address can pose as ${src.name}.`,
      likelihood: rated('High', 'the partner-facing address is reachable and needs no credential'),
      impact: assetImpact(ctx.assetsOfFlow(flow), 'integrity', rated('Medium', 'forged partner requests')),
      evidence: [evidence(`${flowLabel(flow, ctx)} states no auth`, flow.at)],
      target: target.name,
    });
  },
};

export const oauthStateMissing: EndpointRule = {
  id: 'oauth-state-missing',
  stride: 'S',
  title: 'OAuth callback without state (login CSRF)',
  description:
    'An OAuth/OIDC callback that does not bind the response to the browser that started the login (state or PKCE): an attacker logs the victim into the attacker\'s account, or injects a stolen authorization code.',
  condition: 'an endpoint of kind `callback` reachable from an untrusted zone, without `csrf-protection` (state) or `pkce` (which binds the code to the client that started the login: RFC 9700 lets a client that checks it rely on it against CSRF)',
  mitigation: 'Use PKCE and a random `state` bound to the user\'s session, check both on the callback, and allow-list redirect URIs exactly.',
  action: { text: 'Check OAuth state and PKCE on {targets}' },
  mitigatedBy: ['csrf-protection', 'pkce'],
  references: ['CWE-352', 'CAPEC-62', 'OWASP ASVS V51.7'],
  rating: 'Likelihood Medium (needs luring the victim to a crafted link); impact Medium (the victim works in the attacker\'s account, or one account is taken over).',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /oauth/callback: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['callback'],
  check(ep, element, ctx) {
    if (!isExposed(endpointExposure(ep, element, ctx))) return undefined;
    return unlessControlled(ctx, { element, endpoint: ep }, ['csrf-protection', 'pkce'], 'the callback checks state/PKCE', (missing) => ({
      title: `OAuth callback ${ep.key} without state or PKCE`,
      description: `${ep.key} on ${element.name} completes logins without binding them to the browser that started them; login CSRF and code injection become possible.`,
      likelihood: rated('Medium', 'needs the victim to follow a crafted link'),
      impact: rated('Medium', 'one account misused or taken over'),
      evidence: [evidence(`${ep.key} is a callback endpoint`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

const PKCE: string[] = ['pkce'];
/**
 * How a native app's call to an identity provider authenticates when it is an OAuth/OIDC sign-in: the redirect to
 * the provider carries no credential of its own, or the model names the protocol (or the tokens it gives). A
 * password sent by the app (the password grant), SAML, Kerberos or a directory bind has no authorization code.
 */
const OAUTH_SIGN_IN: ReadonlySet<string> = new Set(['none', 'oauth2', 'oidc', 'jwt']);
const WEB: ReadonlySet<string> = new Set(['https', 'http']);

/** An app installed on the user's device (the `mobile` trait): it gets the code back through a redirect to itself. */
const isNativeApp = (e: Element): boolean => e.traits.includes('mobile');

/** The native app's OAuth/OIDC sign-ins: its calls over HTTP(S) to an identity provider that is not a directory. */
function nativeSignIns(ctx: AnalysisContext, app: Element): Array<{ flow: Flow; idp: Element }> {
  const out: Array<{ flow: Flow; idp: Element }> = [];
  for (const flow of ctx.graph.outFlows(app.id)) {
    if (flow.to === app.id || !WEB.has(flow.protocol)) continue;
    const idp = ctx.graph.elements.get(flow.to);
    if (idp === undefined || !isIdentityProvider(idp) || idp.traits.includes('ldap')) continue;
    if (OAUTH_SIGN_IN.has(callAuth(ctx, flow).method)) out.push({ flow, idp });
  }
  return out;
}

export const authorizationCodeInterception: ElementRule = {
  id: 'authorization-code-interception',
  stride: 'S',
  title: 'Native app sign-in without PKCE (authorization code interception)',
  description:
    'A mobile app signs users in at an identity provider with OAuth/OIDC without PKCE: the authorization code comes back through a redirect to the app, and another app on the device that registers the same custom URL scheme receives it and redeems it for the user\'s tokens (RFC 8252, RFC 7636). Multi-factor authentication at the provider does not help: the user completes it, and the code is what is stolen.',
  condition: 'an element with the `mobile` trait with a flow over https or http to an identity provider (type `identity-provider` or a tech with the `identity` trait, not a directory with the `ldap` trait) whose auth (the flow\'s, else the endpoint it names, else the provider\'s) is none, oauth2, oidc or jwt (not a password the app sends itself, SAML or Kerberos, which have no authorization code), without `pkce` on the app or its boundary, on the flow, or on the identity provider (which then requires it of the client); one threat per app naming the providers. A single-page app in the browser is not a native app and is left out',
  mitigation: 'Use the authorization code flow with PKCE (code_challenge_method S256, a fresh code verifier per sign-in) through the system browser (ASWebAuthenticationSession, Custom Tabs; never an embedded web view), redirect to a claimed https URL (Android App Links, iOS Universal Links) rather than a custom URL scheme, register the app as a public client with no client secret in it, and have the identity provider require PKCE for the client.',
  action: { text: 'Use PKCE (S256) and claimed https redirects for sign-in in {targets}' },
  mitigatedBy: PKCE,
  references: ['CWE-939', 'CWE-287', 'OWASP MASVS-AUTH-1', 'RFC 7636', 'RFC 8252'],
  rating: 'Likelihood Medium (needs a malicious app on the user\'s device registering the same redirect scheme); impact from the confidentiality of the data the app handles or exchanges (what the user\'s tokens reach), Medium when the model gives none (one user\'s account).',
  example: 'elements:\n  app: { tech: mobile-app }\n  idp: { tech: okta }\nflows:\n  - app -> idp: https',
  appliesTo: 'element',
  kinds: ['external', 'process'],
  check(app, ctx) {
    if (!isNativeApp(app)) return undefined;
    const signIns = nativeSignIns(ctx, app);
    if (signIns.length === 0) return undefined;
    if (ctx.elementHas(app, 'pkce')) {
      return mitigatedBy(PKCE, { ...elementComponent(app), flows: signIns.map((s) => s.flow.id) }, `${says(app.name, 'signs')} in with PKCE`);
    }
    const out: Outcome[] = [];
    const open: Array<{ flow: Flow; idp: Element }> = [];
    for (const s of signIns) {
      if (s.flow.controls.includes('pkce')) out.push(mitigatedBy(PKCE, flowComponent(s.flow), 'the sign-in uses PKCE'));
      else if (ctx.elementHas(s.idp, 'pkce')) out.push(mitigatedBy(PKCE, flowComponent(s.flow), `${says(s.idp.name, 'requires')} PKCE`));
      else open.push(s);
    }
    if (open.length) out.push(codeInterceptionThreat(ctx, app, open));
    return out.length === 1 ? out[0] : out;
  },
};

function codeInterceptionThreat(ctx: AnalysisContext, app: Element, open: ReadonlyArray<{ flow: Flow; idp: Element }>): Outcome {
  const providers = [...new Set(open.map((s) => s.idp.name))];
  const named = namesAtMost(providers, TITLE_NAMES, 'other identity providers');
  const data = ctx.assetsOf(app.id).filter(isData);
  const mfa = open.filter((s) => ctx.elementHas(s.idp, 'mfa')).map((s) => s.idp.name);
  return threat({
    ...elementComponent(app),
    flows: flowIds(open.map((s) => s.flow)),
    title: `${possessive(app.name)} sign-in at ${named} can be intercepted (no PKCE)`,
    description: `${says(app.name, 'signs')} users in at ${namesAtMost(providers, TEXT_NAMES, 'other identity providers')} without PKCE; another app on the device that registers the same redirect scheme receives the authorization code and redeems it for the user's tokens${data.length ? `, reaching ${assetNames(data)}` : ''}.${mfa.length ? ` MFA at ${namesAtMost([...new Set(mfa)], TEXT_NAMES, 'other providers')} does not stop it: the user completes it before the code is issued.` : ''}`,
    likelihood: rated('Medium', 'needs a malicious app on the user\'s device that registers the same redirect scheme'),
    impact: assetImpact(data, 'confidentiality', rated('Medium', 'one user\'s account: the tokens the sign-in gives')),
    evidence: open.flatMap((s) => [
      evidence(`${flowLabel(s.flow, ctx)}: a mobile app signs in at an identity provider`, s.flow.at),
      evidence(`no pkce on ${app.name}, on ${flowLabel(s.flow, ctx)} or on ${s.idp.name}`, s.flow.at),
    ]),
    target: app.name,
  });
}
