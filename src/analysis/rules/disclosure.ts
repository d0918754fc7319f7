// Information disclosure from the application and its stores.
import { providerEncryption } from '../../model/catalog.js';
import { routeWords } from '../../model/normalize.js';
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, type Exposure, isPassThrough } from '../context.js';
import { assetImpact, rated } from '../risk.js';
import {
  elementComponent, endpointExposure, endpointTarget, evidence, factTag, factTags, flowComponent, flowIds, flowLabel, internetLikelihood, isExposed,
  adviceLeaving, type AdviceStep, mitigatedBy, missingControlEvidence, namesAtMost, onlyReachableThrough, presentControls, runsAppCode, TEXT_NAMES, threat, TITLE_NAMES, unlessControlled,
  withArticle,
} from './helpers.js';
import {
  assetList, assetNames, callAuth, endpointOfFlow, exchangesProviderSignIn, highConfidentiality, isData, isIssuedKey, isLlm, isOrAre, itOrThem, itOrThey, restricted,
  USER_CREDENTIALS,
} from './facts.js';
import { admittedThrough, CALLER_PERIMETER, openFlowsInto, takesHttp } from './family-shared.js';
import { its, says, verbFor } from './grammar.js';
import { debugEndpointReported, isSubscriptionDelivery, offTheShelf } from './network.js';
import type { RatedLevel } from '../types.js';
import type { ElementRule, EndpointRule, EvidenceRef, FlowRule } from './types.js';

export const verboseErrors: ElementRule = {
  id: 'verbose-errors',
  stride: 'I',
  title: 'Sensitive data in error messages',
  description:
    'A process that takes HTTP requests from the internet, handles confidential data and does not declare generic error responses: stack traces and failed records leak in error messages.',
  condition: 'a process running application code (not `off-the-shelf` software or a `mail-catcher`, whose errors are its vendor\'s) with exposure `internet` (its errors reach the caller) that takes HTTP(S) (an endpoint with a method or URL path, a flow into it over http, https, mtls, graphql, grpc, grpcs, grpc+mtls, ws or wss, a custom protocol, over tcp or tls from a load balancer, proxy, gateway or CDN that is itself sent HTTP(S), or no flow into it: not a RADIUS server reached only over udp, nor a service reached over tcp from anything else), handling data assets of high confidentiality (what it handles, stores, takes, returns or exchanges over its flows; not what it only writes to a log or backups store, which it never reads back), without `generic-errors` on the process or on every one of its endpoints',
  mitigation: 'Return generic error messages with a correlation id; keep details in server-side logs with personal data masked.',
  action: { text: 'Return generic error pages and keep details in logs on {targets}' },
  mitigatedBy: ['generic-errors'],
  references: ['CWE-209', 'CWE-200', 'CAPEC-54', 'OWASP ASVS V7.4'],
  rating: 'Likelihood Medium (needs triggering specific failures), Low when only callers a `vpn` or `ip-allowlist` admits reach it (on it, its boundary or every untrusted path in front); impact Medium (fragments of records, not bulk data).',
  example: "assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, handles: [pii] }\nflows:\n  - visitor -> api: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    // Behind other application code, error details reach that code, not the attacker.
    if (!runsAppCode(element) || offTheShelf(element) || ctx.exposure(element.id) !== 'internet') return undefined;
    let confidential = ctx.assetsOf(element.id).filter((a) => a.confidentiality === 'high' && a.kind === 'data');
    // Error pages answer HTTP requests: a RADIUS server's reject carries no stack trace.
    if (confidential.length === 0 || !takesHttp(ctx, element)) return undefined;
    const shipped = onlyShippedToSinks(ctx, element);
    if (shipped.size) confidential = confidential.filter((a) => !shipped.has(a.id));
    if (confidential.length === 0) return undefined;
    const names = assetNames(confidential);
    const generic = 'errors are generic; details stay in logs';
    // Errors leave through the endpoints: generic on each of them is generic everywhere.
    if (element.endpoints.length > 0 && element.endpoints.every((ep) => ctx.endpointHas(ep, 'generic-errors'))) {
      return mitigatedBy(['generic-errors'], elementComponent(element), generic);
    }
    // Behind a VPN or allow-list, only the callers it admits can send the requests that fail.
    const admitting = admittedThrough(ctx, element);
    const from = admitting.length > 0 ? `requests from the internet that ${admitting.join(' and ')} ${admitting.length > 1 ? 'admit' : 'admits'}` : internetRequests(ctx, element);
    return unlessControlled(ctx, { element }, ['generic-errors'], generic, (missing) => ({
      title: `${names} exposed in error messages from ${element.name}`,
      description: `${says(element.name, 'handles')} ${names} and ${verbFor(element.name, 'takes')} ${from} without generic error responses; exceptions and validation errors can echo records, queries and stack traces.`,
      likelihood: admitting.length > 0
        ? rated('Low', `only callers admitted by ${admitting.join(' and ')} reach ${element.name}, and crafting requests that trigger specific failures needs some skill`)
        : rated('Medium', 'needs crafting requests that trigger specific failures: some skill'),
      impact: rated('Medium', 'fragments of records leak, not bulk data: partial exposure'),
      evidence: [
        evidence(`${says(element.name, 'handles')} ${names}`, element.at),
        ...(admitting.length > 0
          ? [evidence(`${says(element.name, 'is')} reachable from the internet only through ${admitting.join(' and ')}`, ctx.controlSource(element, admitting[0]) ?? element.at)]
          : []),
        missing,
      ],
    }));
  },
};

/**
 * "requests straight from the internet", or, for a service the internet reaches only through a gateway, load
 * balancer or proxy that forwards what it is sent, "requests from the internet through gw": the errors still
 * travel back to the caller, but the service is not on the internet itself.
 */
function internetRequests(ctx: AnalysisContext, element: Element): string {
  const callers = ctx.graph.inFlows(element.id).map((f) => ctx.graph.elements.get(f.from)).filter((e): e is Element => e !== undefined);
  // An exposed gateway counts as an untrusted source itself: what it forwards is still the internet's, through it.
  const direct = element.exposed || callers.some((e) => !isPassThrough(e) && ctx.isUntrustedSource(e.id));
  const edges = [...new Set(callers.filter((e) => isPassThrough(e) && ctx.exposure(e.id) === 'internet').map((e) => e.name))].sort();
  return direct || edges.length === 0 ? 'requests straight from the internet' : `requests from the internet through ${namesAtMost(edges, TEXT_NAMES, 'other components')}`;
}

/** Stores written to and not read back by the services that fill them: what goes there never returns into a request. */
const WRITE_ONLY_SINKS: ReadonlySet<string> = new Set(['logs', 'backups']);

/**
 * The assets an element only ships to log or backups stores (an audit trail it writes): no request it serves
 * reads them, so its errors cannot echo them. Anything it handles, stores, takes or returns at an endpoint, or
 * exchanges over any other flow, it holds while serving requests.
 */
export function onlyShippedToSinks(ctx: AnalysisContext, e: Element): ReadonlySet<string> {
  const out = ctx.graph.outFlows(e.id);
  const intoSink = (f: Flow) => f.to !== e.id && f.data.length > 0 && WRITE_ONLY_SINKS.has(ctx.graph.elements.get(f.to)?.type ?? '');
  // Most processes write no data to a log store: nothing to set apart, and no sets built for them.
  if (!out.some(intoSink)) return NOTHING_SHIPPED;
  const shipped = new Set<string>();
  const held = new Set<string>([...e.handles, ...e.stores, ...e.endpoints.flatMap((ep) => [...ep.accepts, ...ep.returns])]);
  for (const f of out) {
    const sink = intoSink(f);
    for (const id of f.data) (sink ? shipped : held).add(id);
  }
  for (const f of ctx.graph.inFlows(e.id)) for (const id of f.data) held.add(id);
  for (const id of held) shipped.delete(id);
  return shipped;
}
const NOTHING_SHIPPED: ReadonlySet<string> = new Set();

const ENUMERATION_CONTROLS = ['generic-responses'] as const;
/** Controls that each slow a script comparing answers: with both on every endpoint, it needs solving services and many addresses. */
const ENUMERATION_THROTTLES = ['rate-limiting', 'captcha'] as const;

/** What to do about enumeration: a login by username mails nothing, so the same answer for a wrong name and a wrong password is the policy. */
const enumerationAdvice = (email: boolean): AdviceStep[] => [
  email
    ? 'answer the same way whether or not the account exists ("if this address is registered, we sent an email"), with the same timing'
    : 'answer the same way whether the username or the password is wrong ("invalid username or password"), with the same timing',
  { control: 'rate-limiting', text: 'and rate-limit the endpoint' },
];

export const accountEnumeration: ElementRule = {
  id: 'account-enumeration',
  stride: 'I',
  title: 'Account enumeration',
  description:
    'Registration, login and password-reset endpoints that answer differently for known and unknown accounts reveal who has an account (email or username enumeration), feeding phishing and credential stuffing. One finding per element, naming each such endpoint: the fix is one response policy.',
  condition: 'an element with endpoints of kind `register`, `login` or `password-reset` (not a password change that needs the user signed in, nor a session or token route on an element with a flow to an identity provider, which takes the provider\'s token, not a password, unless credentials reach the route or go from the element to the provider) reachable from an untrusted zone, without `generic-responses` on them; one threat per element naming every such endpoint, mitigated when each has `generic-responses`. Worded as email enumeration when a route or an asset the endpoints take (as they accept it, or a flow into them carries it) names email, or the element has a `register` or `password-reset` endpoint (both mail the address); otherwise as account enumeration by username (a VPN login taking directory accounts)',
  mitigation: adviceLeaving(enumerationAdvice(true), [], ', '),
  action: { text: 'Make {targets} answer identically for known and unknown accounts' },
  mitigatedBy: ENUMERATION_CONTROLS,
  references: ['CWE-204', 'CWE-203', 'CAPEC-575', 'OWASP ASVS V2.2'],
  rating: 'Likelihood High when one of the endpoints is reachable from the internet (scriptable), Medium when all are reachable only through other components or every one has both `rate-limiting` and `captcha` (a script needs a CAPTCHA-solving service and many addresses); the advice to rate-limit is left out where every one has `rate-limiting`; impact Low (who has an account), Medium when registration of the address is itself sensitive (the service handles health data).',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /register: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'element',
  kinds: ['process', 'store', 'external'],
  check(element, ctx) {
    const exposed = enumerableEndpoints(element, ctx);
    if (exposed.length === 0) return undefined;
    const open = exposed.filter(({ ep }) => !ctx.endpointHas(ep, 'generic-responses'));
    if (open.length === 0) return mitigatedBy(['generic-responses'], elementComponent(element), 'responses do not reveal whether an account exists');
    // Being known as a patient of the service is itself a disclosure, whatever the account holds.
    const health = ctx.assetsOf(element.id).filter((a) => isData(a) && a.type === 'health');
    const keys = open.map(({ ep }) => ep.key);
    const internet = open.some(({ exposure }) => exposure === 'internet');
    const email = takesEmail(ctx, element, open.map(({ ep }) => ep));
    // A throttle counts only where every open endpoint has it: a script goes to the one without.
    const throttles = ENUMERATION_THROTTLES.filter((c) => open.every(({ ep }) => ctx.endpointHas(ep, c)));
    return threat({
      ...elementComponent(element),
      title: `${email ? 'Email' : 'Account'} enumeration on ${namesAtMost(keys, TITLE_NAMES, 'other endpoints')}`,
      description: `${namesAtMost(keys, TEXT_NAMES, 'other endpoints')} on ${element.name} can reveal whether ${email ? 'an email address' : 'a username'} has an account (different messages or timing); attackers build target lists for phishing and credential stuffing.`,
      mitigation: email && throttles.length === 0 ? undefined : adviceLeaving(enumerationAdvice(email), throttles, ', '),
      likelihood: internet && throttles.length === ENUMERATION_THROTTLES.length
        ? rated('Medium', `${throttles.join(' and ')} on ${namesAtMost(keys, TEXT_NAMES, 'other endpoints')} stop a plain script: it needs a CAPTCHA-solving service and many addresses`)
        : internetLikelihood(internet ? 'internet' : 'indirect', 'a script comparing responses is enough'),
      impact: health.length
        ? rated('Medium', `an account on ${element.name}, which ${verbFor(element.name, 'handles')} ${assetNames(health)}, is itself sensitive`)
        : rated('Low', 'reveals who has an account, not their data: minor exposure'),
      evidence: [
        ...open.map(({ ep }) => evidence(`${ep.key} is ${withArticle(ep.kind)} endpoint`, ep.at)),
        ...(health.length ? [evidence(`${says(element.name, 'handles')} ${assetNames(health)}`, element.at)] : []),
        open.length === 1
          ? missingControlEvidence(ENUMERATION_CONTROLS, element, open[0].ep)
          : evidence(`no generic-responses on ${namesAtMost(keys, TEXT_NAMES, 'other endpoints')} on ${element.name}`, element.at),
      ],
      target: open.length === 1 ? endpointTarget(open[0].ep, element) : `${namesAtMost(keys, TITLE_NAMES, 'other endpoints')} on ${element.name}`,
    });
  },
};

const ENUMERABLE_KINDS: ReadonlySet<string> = new Set(['register', 'login', 'password-reset']);

const EMAIL_WORD = /e-?mail/i;
/** Sign-up and password reset go by email: an element with either knows its accounts by address. */
const MAILED_KINDS: ReadonlySet<string> = new Set(['register', 'password-reset']);

/**
 * Whether the accounts the endpoints reveal are known by email address: a route or an asset they take names email,
 * or the element signs people up or resets passwords (both mail the address). Otherwise a login names a username
 * (a VPN taking directory accounts), not an address.
 */
function takesEmail(ctx: AnalysisContext, element: Element, endpoints: readonly Endpoint[]): boolean {
  if (element.endpoints.some((ep) => MAILED_KINDS.has(ep.kind))) return true;
  if (endpoints.some((ep) => EMAIL_WORD.test(ep.route))) return true;
  const ids = new Set(endpoints.flatMap((ep) => ep.accepts));
  for (const f of ctx.graph.inFlows(element.id)) {
    if (f.from === element.id || (f.endpoint !== undefined && !endpoints.some((ep) => ep.id === f.endpoint))) continue;
    for (const id of f.data) ids.add(id);
  }
  return assetList(ctx, [...ids]).some((a) => EMAIL_WORD.test(a.id) || EMAIL_WORD.test(a.name));
}

/** The element's sign-up, login and reset endpoints an untrusted zone reaches, in model order, with how. */
function enumerableEndpoints(element: Element, ctx: AnalysisContext): { ep: Endpoint; exposure: Exposure }[] {
  const out: { ep: Endpoint; exposure: Exposure }[] = [];
  for (const ep of element.endpoints) {
    // A session for an identity provider's token answers nothing about who has a password: the provider's sign-in does.
    if (!ENUMERABLE_KINDS.has(ep.kind) || signedInReset(ep) || exchangesProviderSignIn(ctx, element, ep)) continue;
    const exposure = endpointExposure(ep, element, ctx);
    if (isExposed(exposure)) out.push({ ep, exposure });
  }
  return out;
}

/**
 * A password change that asks for the user's own sign-in: its caller already holds the account, so its answers
 * tell nobody who has one. Logins and registrations are anonymous by nature; a user credential on them is the
 * element's, inherited, and says nothing of who may call them.
 */
const signedInReset = (ep: Endpoint): boolean => ep.kind === 'password-reset' && USER_CREDENTIALS.has(ep.auth);

/**
 * The tag that says a store's data is written unencrypted, against its provider's default: `encryption-at-rest-off`,
 * or with where, `encryption-at-rest-off:main.tf:12` (transparent data encryption switched off on Azure SQL,
 * objects kept from before S3 encrypted them).
 */
export const ENCRYPTION_OFF_TAG = 'encryption-at-rest-off';

/**
 * What the store's provider does about encryption at rest by default (the catalogue's words), unless the model
 * says the store's data is not encrypted; undefined for a store whose encryption is ours to set.
 */
export function providerEncryptsAtRest(e: Pick<Element, 'kind' | 'tech' | 'tags'>): string | undefined {
  if (e.kind !== 'store' || factTag(e, ENCRYPTION_OFF_TAG) !== undefined) return undefined;
  return providerEncryption(e.tech);
}

export const unencryptedStore: ElementRule = {
  id: 'unencrypted-store',
  stride: 'I',
  title: 'Sensitive data stored unencrypted',
  description:
    'A data store that holds confidential data without encryption at rest: disks, snapshots and backups expose it to whoever obtains them.',
  condition: 'a store (other than backups and logs, which have their own rules, and secrets vaults, which encrypt what they keep by design) that stores data of high confidentiality, without `encryption-at-rest`; a managed store whose provider encrypts at rest by default (see docs/technologies.md: `s3`, `gcs`, `azure-blob`, `dynamodb`, `cosmosdb`, `azure-sql`...) is covered by that default unless it is tagged `encryption-at-rest-off`',
  mitigation: 'Encrypt the store at rest with keys in a KMS, encrypt its backups, and restrict who can read snapshots.',
  action: { text: 'Encrypt data at rest in {targets}' },
  mitigatedBy: ['encryption-at-rest'],
  references: ['CWE-311', 'CWE-312', 'CAPEC-37', 'OWASP ASVS V6.1'],
  rating: 'Likelihood Low (needs access to the disks, snapshots or backups); impact from the confidentiality of what is stored.',
  example: "assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, stores: [pii] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls",
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (element.type === 'backups' || element.type === 'logs' || element.type === 'secrets-vault') return undefined;
    const confidential = assetList(ctx, element.stores).filter((a) => isData(a) && a.confidentiality === 'high');
    if (confidential.length === 0) return undefined;
    const names = assetNames(confidential);
    const byProvider = providerEncryptsAtRest(element);
    if (byProvider !== undefined && !ctx.elementHas(element, 'encryption-at-rest')) {
      return mitigatedBy(['encryption-at-rest'], elementComponent(element), `stored data is encrypted by default (${element.tech}): ${byProvider}`);
    }
    // Every place: files read together (two instances merged, a module used twice) may each switch it off.
    const off = factTags(element, ENCRYPTION_OFF_TAG);
    return unlessControlled(ctx, { element }, ['encryption-at-rest'], 'stored data is encrypted', (missing) => ({
      title: `${names} stored unencrypted in ${element.name}`,
      description: `${says(element.name, 'stores')} ${names} without encryption at rest; a copied disk, snapshot or backup exposes ${itOrThem(confidential)} all.`,
      likelihood: rated('Low', 'needs access to the storage media, snapshots or backups: insider access or luck'),
      impact: assetImpact(confidential, 'confidentiality', rated('High', 'bulk exposure of stored data')),
      evidence: [
        evidence(`${says(element.name, 'stores')} ${names}`, [...element.at, 'stores']),
        ...off.map((tag) => evidence(`${says(element.name, 'keeps')} ${its(element.name)} data unencrypted at rest (${ENCRYPTION_OFF_TAG}${tag.where ? ` in ${tag.where}` : ''})`, [...element.at, 'tags', tag.index])),
        missing,
      ],
    }));
  },
};

/** Endpoints meant for anonymous callers by nature; their exposure is covered by their own rules. */
export const ANONYMOUS_KINDS: ReadonlySet<string> = new Set(['login', 'otp', 'register', 'password-reset', 'webhook', 'callback', 'health']);

/** Whether anonymous callers get what the endpoint returns: a public endpoint with no `authentication` in front. */
const servesAnonymous = (ep: Endpoint, ctx: AnalysisContext) => ep.public && !ctx.endpointHas(ep, 'authentication');

/**
 * Whether unauthenticated-sensitive-endpoint reports the endpoint's data of high confidentiality: a public
 * endpoint not meant for anonymous callers, with no `authentication` in front (masking mitigates both rules).
 */
const anonymousReadReported = (ep: Endpoint, ctx: AnalysisContext) => !ANONYMOUS_KINDS.has(ep.kind) && servesAnonymous(ep, ctx);

/** The perimeter controls on or in front of an endpoint: its anonymous callers are then whoever they admit, not anyone. */
const admittingControls = (ep: Endpoint, element: Element, ctx: AnalysisContext) => presentControls(ctx, CALLER_PERIMETER, element, ep);

/**
 * Who reaches a public endpoint without signing in: anyone, or only the callers an `ip-allowlist` or `vpn` in
 * front admits (then Medium, with the evidence that says so). `internet` is the reason when anyone can.
 */
export function anonymousReach(ep: Endpoint, element: Element, ctx: AnalysisContext, exposure: Exposure, internet: string): {
  admitted: string | undefined; likelihood: RatedLevel; evidence: EvidenceRef[];
} {
  const admitting = admittingControls(ep, element, ctx);
  if (admitting.length === 0) return { admitted: undefined, likelihood: internetLikelihood(exposure, internet), evidence: [] };
  const admitted = `admitted by ${admitting.join(' and ')}`;
  return { admitted, likelihood: rated('Medium', `only callers ${admitted} reach it`), evidence: [evidence(`${ep.key} is ${onlyReachableThrough(admitting)}`, ep.at)] };
}

export const unauthenticatedSensitiveEndpoint: EndpointRule = {
  id: 'unauthenticated-sensitive-endpoint',
  stride: 'I',
  title: 'Confidential data served without authentication',
  description:
    'A public endpoint (no authentication) returns data of high confidentiality: anyone who reaches it and finds or guesses the URL reads it, and scrapers collect it in bulk.',
  condition: 'a public endpoint (auth `none`) reachable from an untrusted zone, not of kind login, register, password-reset, webhook, callback or health, nor a debug endpoint that exposed-debug-endpoint reports (that finding names the data), that returns assets of high confidentiality (restricted ones included: excessive-data-exposure leaves them to this rule), without `authentication` or `data-masking`',
  mitigation: 'Require authentication for the endpoint, or return only masked or public fields to anonymous callers.',
  action: { text: 'Require authentication (or mask the data) on {targets}' },
  mitigatedBy: ['authentication', 'data-masking'],
  references: ['CWE-306', 'CWE-200', 'CAPEC-116', 'OWASP API3:2023'],
  rating: 'Likelihood High from the internet (no skill), Medium otherwise (through other components, or only for callers an `ip-allowlist` or `vpn` admits); impact from the confidentiality of the data returned.',
  example: "assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /customers: { public: true, returns: [pii] }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    if (!ep.public || ANONYMOUS_KINDS.has(ep.kind)) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const secret = highConfidentiality(assetList(ctx, ep.returns));
    if (secret.length === 0) return undefined;
    // An open debug endpoint leaks this and more: one finding, exposed-debug-endpoint's, which names the data.
    if (debugEndpointReported(ep, element, ctx)) return undefined;
    const handled = (present: string[]) => `anonymous callers are handled by ${present.join(' and ')}`;
    return unlessControlled(ctx, { element, endpoint: ep }, ['authentication', 'data-masking'], handled, (missing) => {
      const { admitted, likelihood, evidence: reach } = anonymousReach(ep, element, ctx, exposure, 'public and reachable from the internet: no skill needed');
      return {
        title: `${assetNames(secret)} served without authentication by ${ep.key}`,
        description: `${ep.key} on ${element.name} is public and returns ${assetNames(secret)}; ${admitted ? `anyone ${admitted} can read ${itOrThem(secret)} without signing in` : `anyone can read and scrape ${itOrThem(secret)}`}.`,
        likelihood,
        impact: assetImpact(secret, 'confidentiality', rated('High', 'confidential data')),
        evidence: [evidence(`${ep.key} is public and returns ${assetNames(secret)}`, [...ep.at, 'returns']), ...reach, missing],
        target: endpointTarget(ep, element),
      };
    });
  },
};

export const excessiveDataExposure: EndpointRule = {
  id: 'excessive-data-exposure',
  stride: 'I',
  title: 'Restricted data returned in full',
  description:
    'An endpoint returns restricted data (card numbers, credentials, health records) and the model does not declare masking: whole records reach clients, logs, caches and browser storage.',
  condition: 'an endpoint reachable from an untrusted zone that returns assets classified `restricted`, without `data-masking` or `data-minimization`; not the keys or tokens (assets named so) that a POST route named for them or for rotating one (`POST /v1/api-keys`, `POST /keys/{id}/rotate`) returns: issuing a key shows it to its owner once; under `object-level-authorization` on a route that needs a sign-in, only identifiers and secrets (types payment, credentials, secrets, session, pii): amounts and records shown to their owner are the route\'s purpose; restricted data of high confidentiality that a public endpoint not meant for anonymous callers (not login, register, password-reset, webhook, callback or health) serves without `authentication` is reported by unauthenticated-sensitive-endpoint instead, and what a debug endpoint that exposed-debug-endpoint reports returns, by that rule',
  mitigation: 'Return only the fields the client needs, mask identifiers (the last four digits of a card or account number), and never send secrets or hashes to clients.',
  action: { text: 'Mask restricted fields in responses of {targets}' },
  mitigatedBy: ['data-masking', 'data-minimization'],
  references: ['CWE-213', 'CWE-359', 'CAPEC-116', 'OWASP API3:2023'],
  rating: 'Likelihood High for public endpoints (no `authentication` in front) reachable from the internet without `ip-allowlist` or `vpn`, Low when the endpoint needs a sign-in and declares `object-level-authorization` (each caller gets only their own records: what spreads is their own data, on their own device, caches and logs), Medium otherwise (needs an account or a foothold); impact High (restricted data), Medium under `object-level-authorization` (no other user\'s data is exposed). Masking to the last four digits is advised for identifiers and secrets (types payment, credentials, secrets, session, pii); for amounts and records the caller asked for (financial, health and other types), returning only the fields the caller needs, and keeping them out of shared caches unless the endpoint declares `cache-control`.',
  example: "assets:\n  cards: { type: payment, classification: restricted }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /wallet: { auth: jwt, returns: [cards] }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    if (ep.returns.length === 0) return undefined;
    let data = restricted(assetList(ctx, ep.returns));
    // Issuing a key means showing it to its owner, once: the advice to mask it would leave the key unusable.
    if (issuesKeys(ep)) data = data.filter((a) => !isIssuedKey(a));
    // Anyone reading them without an account is the graver finding, unauthenticated-sensitive-endpoint's: one problem, one finding.
    if (data.length > 0 && anonymousReadReported(ep, ctx)) data = data.filter((a) => a.confidentiality !== 'high');
    if (data.length === 0) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    // An open debug endpoint leaks this and more: one finding, exposed-debug-endpoint's, which names the data.
    if (debugEndpointReported(ep, element, ctx)) return undefined;
    const anonymous = exposure === 'internet' && servesAnonymous(ep, ctx) && admittingControls(ep, element, ctx).length === 0;
    const ownOnly = !anonymous && !servesAnonymous(ep, ctx) && ctx.endpointHas(ep, 'object-level-authorization');
    // Showing owners their own balances or records is the route's purpose; only identifiers and secrets shown in
    // full (a card number) are worth masking for them.
    if (ownOnly) data = data.filter(isMaskable);
    if (data.length === 0) return undefined;
    const maskable = data.some(isMaskable);
    return unlessControlled(ctx, { element, endpoint: ep }, ['data-masking', 'data-minimization'], 'restricted fields are masked or left out', (missing) => ({
      title: maskable ? `${assetNames(data)} returned unmasked by ${ep.key}` : `${assetNames(data)} returned in full by ${ep.key}`,
      description: maskable
        ? `${ep.key} on ${element.name} returns ${assetNames(data)} without masking; full records end up in clients, caches and logs.`
        : `${ep.key} on ${element.name} returns ${assetNames(data)} and the model does not say the responses are cut down to the fields the caller needs; whole records end up in clients, caches and logs.`,
      likelihood: anonymous
        ? rated('High', 'public and reachable from the internet')
        : ownOnly
          ? rated('Low', 'object-level-authorization gives each caller only their own records: what spreads is their own data, on their own device, caches and logs')
          : rated('Medium', 'needs an account or a foothold'),
      impact: ownOnly
        ? rated('Medium', `${assetNames(data)} ${isOrAre(data)} shown only to the caller ${itOrThey(data)} belong${itOrThey(data) === 'it' ? 's' : ''} to: no other user's data is exposed`)
        : rated('High', `${assetNames(data)} ${isOrAre(data)} restricted: data breach`),
      ...(maskable ? {} : { mitigation: fieldsNeededMitigation(ctx.endpointHas(ep, 'cache-control')) }),
      evidence: [
        evidence(`${ep.key} returns ${assetNames(data)}`, [...ep.at, 'returns']),
        ...(ownOnly ? [evidence(`${ep.key} on ${element.name} checks each object against its owner`, ctx.controlSource(element, 'object-level-authorization', ep) ?? ep.at)] : []),
        missing,
      ],
      target: endpointTarget(ep, element),
    }));
  },
};

/** The last word of a route that creates a key or token: the collection (`/v1/api-keys`) or a rotation of one. */
const ISSUING_WORD = /^((api|access|personal-access|deploy)[-_]?)?(keys?|tokens?)$|^(client[-_]?)?secrets?$|^credentials?$|^(rotate|regenerate|reissue|roll)$/i;

/**
 * Whether an endpoint issues keys to whoever asks for them: only POST, on a route whose last word names keys or
 * tokens or rotating one (`POST /v1/api-keys`, `POST /keys/{id}/rotate`). Reading them back (`GET /v1/api-keys`)
 * is no issuing.
 */
function issuesKeys(ep: Endpoint): boolean {
  const words = routeWords(ep.route);
  return ep.methods.length > 0 && ep.methods.every((m) => m === 'POST') && words.length > 0 && ISSUING_WORD.test(words[words.length - 1]);
}

/**
 * Identifiers and secrets, which a response can show masked (a card's last four digits, an account number's
 * tail) and still serve the caller. Amounts and records the caller asked for are useless masked: for them the
 * advice is to return only the fields needed.
 */
const MASKABLE_TYPES: ReadonlySet<string> = new Set(['payment', 'credentials', 'secrets', 'session', 'pii']);
const isMaskable = (a: { type?: string }): boolean => MASKABLE_TYPES.has(a.type ?? '');
/** What to do about whole records; shared caches are left out where the endpoint declares `cache-control`. */
const fieldsNeededMitigation = (cacheControlled: boolean): string =>
  `Return only the fields the caller needs (the amounts or records asked for, not whole rows with internal fields)${cacheControlled ? '' : ', keep restricted responses out of shared caches (`Cache-Control: no-store`),'} and never send secrets or hashes to clients.`;

export const apiKeyInClient: FlowRule = {
  id: 'api-key-in-client',
  stride: 'I',
  title: 'API key shipped in a client application',
  description:
    'A browser or mobile app authenticates to a service with an API key: the key is in the client\'s code, so every user (and every attacker) has it.',
  condition: 'a flow authenticating with `api-key` (its own `auth`, else that of the endpoint it names, else its target\'s) whose source is a browser or mobile app (the `browser` or `mobile` trait its tech gives: `browser`, `spa`, `react`, `mobile-app`, `ios`...; not a user agent no tech says is one, such as a developer\'s laptop holding its user\'s own key), into a target without `least-privilege` (a publishable key scoped to harmless operations) on the target, on the flow or on the endpoint the flow names; one finding per target, naming every client',
  mitigation: 'Authenticate users, not the app: use per-user tokens (OAuth 2 with PKCE); if a key must ship, make it publishable, scoped to harmless operations and rate-limited.',
  action: { text: 'Replace client-embedded API keys with per-user tokens for {targets}' },
  mitigatedBy: ['least-privilege'],
  references: ['CWE-798', 'CWE-522', 'CAPEC-191', 'OWASP MASVS-STORAGE'],
  rating: 'Likelihood High (the key is extracted with public tools); impact Medium (whatever the key allows), High when the target handles restricted data.',
  example: 'elements:\n  app: { tech: mobile-app }\n  api: { type: api }\nflows:\n  - app -> api: { protocol: https, auth: api-key }',
  appliesTo: 'flow',
  // No gate on the flow's auth: the key may be the endpoint's or the target's (see callAuth).
  check(flow, ctx) {
    if (!clientKeyFlow(ctx, flow)) return undefined;
    const target = ctx.graph.elements.get(flow.to)!;
    const where = { ...elementComponent(target), flows: [flow.id] };
    const scoped = 'the embedded key is scoped to harmless operations';
    const present = presentControls(ctx, ['least-privilege'], target);
    if (present.length || keyScopedAtCall(ctx, flow)) return mitigatedBy(['least-privilege'], where, scoped);
    const open = openFlowsInto(ctx, 'api-key-in-client', target.id, (f) => clientKeyFlow(ctx, f) && !keyScopedAtCall(ctx, f));
    if (open[0].id !== flow.id) return undefined;
    const clients = [...new Set(open.map((f) => ctx.graph.elements.get(f.from)!.name))].sort();
    const labels = [...new Set(open.map((f) => flowLabel(f, ctx)))].sort();
    const data = restricted(ctx.assetsOf(target.id));
    return threat({
      ...where,
      flows: flowIds(open),
      title: `API key for ${target.name} embedded in ${namesAtMost(clients, TITLE_NAMES, 'other clients')}`,
      description: labels.length === 1
        ? `${labels[0]} authenticates with an API key, which ships inside the client; anyone can extract it and call ${target.name} directly.`
        : `${namesAtMost(labels, TEXT_NAMES, 'other flows')} authenticate with API keys, which ship inside the clients; anyone can extract them and call ${target.name} directly.`,
      likelihood: rated('High', 'keys are extracted from apps and pages with public tools'),
      impact: data.length ? rated('High', `${says(target.name, 'handles')} ${assetNames(data)}`) : rated('Medium', 'whatever the key allows'),
      evidence: open.map((f) => evidence(`${flowLabel(f, ctx)} uses auth api-key`, callAuth(ctx, f).at)),
      target: target.name,
    });
  },
};

/**
 * A flow from a browser or mobile app (by its tech: `react`, `spa`, `ios`...) authenticating with an API key: the
 * key ships in code handed to the public. A user agent no tech says is one (a developer's laptop, a CLI) may hold
 * its user's own key in a config file: nothing shipped to extract.
 */
const clientKeyFlow = (ctx: AnalysisContext, f: Flow): boolean =>
  shipsToThePublic(ctx.graph.elements.get(f.from)) && ctx.graph.elements.has(f.to) && callAuth(ctx, f).method === 'api-key';
const shipsToThePublic = (e: Element | undefined): boolean => e !== undefined && (e.traits.includes('browser') || e.traits.includes('mobile'));

/** The key's scope can be declared where it is used: on the call, or on the endpoint it calls. */
function keyScopedAtCall(ctx: AnalysisContext, f: Flow): boolean {
  const ep = endpointOfFlow(ctx, f);
  return f.controls.includes('least-privilege') || (ep !== undefined && ctx.endpointHas(ep, 'least-privilege'));
}


const MAIL_CATCHER_CONTROLS = ['authentication', 'ip-allowlist', 'vpn'] as const;

export const exposedMailCatcher: ElementRule = {
  id: 'exposed-mail-catcher',
  stride: 'I',
  title: 'Mail catcher readable from an untrusted zone',
  description:
    'A development mail server (MailHog, Mailpit, MailDev) keeps every mail the system sends and shows them in a web UI and API that need no login: whoever reaches it reads every user\'s sign-up codes, one-time passwords and password reset links, and takes over their accounts.',
  condition: 'a process with the `mail-catcher` trait reachable from an untrusted zone (directly or through other components), declaring no `auth`, without `authentication`, `ip-allowlist` or `vpn` (on it, its boundary, or every path in front)',
  mitigation: 'Send mail through a real mail service outside development; where a mail catcher must run, publish its web port on localhost only, turn on its login, and keep it behind a VPN or an IP allow-list.',
  action: { text: 'Take {targets} off untrusted networks or put a login in front' },
  mitigatedBy: MAIL_CATCHER_CONTROLS,
  references: ['CWE-200', 'CWE-306', 'CWE-640', 'CAPEC-118', 'OWASP Top 10 A01'],
  rating: 'Likelihood High when reachable from the internet (its web UI and API answer anyone), Medium through other components; impact High (every user\'s one-time codes and reset links: account takeover).',
  example: 'elements:\n  visitor: { tech: browser }\n  mail: { tech: mailhog }\nflows:\n  - visitor -> mail: http',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!element.traits.includes('mail-catcher')) return undefined;
    const exposure = ctx.exposure(element.id);
    if (!isExposed(exposure)) return undefined;
    // A login of its own (MailHog's and Mailpit's basic auth) stands between callers and the mails.
    if (element.auth !== undefined && element.auth !== 'none') {
      return mitigatedBy([element.auth], elementComponent(element), `its web UI asks for ${element.auth}`);
    }
    const guarded = (present: string[]) => `the mails are ${onlyReachableThrough(present)}`;
    return unlessControlled(ctx, { element }, MAIL_CATCHER_CONTROLS, guarded, (missing) => ({
      title: `Every mail in ${element.name} readable from an untrusted zone`,
      description: `${says(element.name, 'catches')} the mails the system sends and ${verbFor(element.name, 'shows')} them to whoever opens ${its(element.name)} web UI or API${exposure === 'internet' ? ' from the internet' : ' through other components'}; sign-up codes, one-time passwords and password reset links of every user can be read and used to take over their accounts.`,
      likelihood: internetLikelihood(exposure, 'its web UI and API answer anyone who reaches the port', 'reachable through other components'),
      impact: rated('High', 'every user\'s one-time codes and reset links: account takeover'),
      evidence: [evidence(`${says(element.name, 'is')} a mail catcher${element.tech ? ` (${element.tech})` : ''}`, element.at), missing],
    }));
  },
};

/** What a third party gets that is worth a finding: personal, health, payment, financial data and credentials. */
const SHARED_TYPES: ReadonlySet<string> = new Set(['pii', 'health', 'payment', 'financial', 'credentials']);

/**
 * Recipients that show what they get or pass it on: push services put payloads on lock screens, marketing and
 * analytics tools share segments with more people and tools. Read from the element's names and technology: no
 * trait says it yet.
 */
const SPREADING_RECIPIENT = /\b(fcm|apns|firebase[- ]?messaging|push|notifications?|onesignal|airship|braze|hubspot|marketo|mailchimp|klaviyo|iterable|marketing|segment|mixpanel|amplitude|heap|analytics)\b/i;
const spreads = (e: Element): boolean => SPREADING_RECIPIENT.test(`${e.id} ${e.name} ${e.tech ?? ''}`);

/**
 * The assets of a flow to a third party that it shares: confidential or restricted data of a sensitive type, less
 * what the recipient exists to take (payment and financial data for a payment processor, credentials and
 * personal data for an identity provider, the addressee's personal data for a mail service) and the call's own
 * credential (a key the provider issued).
 */
function sharedWith(ctx: AnalysisContext, flow: Flow, to: Element): Asset[] {
  const payment = to.traits.includes('payment');
  const identity = to.traits.includes('identity');
  const mail = to.traits.includes('email');
  const authenticated = callAuth(ctx, flow).method !== 'none';
  return ctx.assetsOfFlow(flow).filter((a) => {
    if (!isData(a) || (a.classification !== 'confidential' && a.classification !== 'restricted') || !SHARED_TYPES.has(a.type ?? '')) return false;
    if (payment && (a.type === 'payment' || a.type === 'financial')) return false;
    if ((identity || mail) && a.type === 'pii') return false;
    if (identity && a.type === 'credentials') return false;
    // The key the provider issued for this very call is no data shared with it; users' passwords sent along are.
    return !(authenticated && a.type === 'credentials' && (a.id === flow.credential || isIssuedKey(a)));
  });
}

const SHARING_CONTROLS = ['data-masking', 'data-minimization'] as const;

export const thirdPartyDataSharing: FlowRule = {
  id: 'third-party-data-sharing',
  stride: 'I',
  title: 'Confidential data sent to a third party',
  description:
    'Our code sends personal, health, payment or financial data or credentials to a third party: TLS protects the call, not what the recipient keeps, shows or passes on. A breach or misuse there is a breach of our data, and push payloads and marketing or analytics tools spread it further.',
  condition: 'a flow from a process (our code) to an element of type `third-party` that is not a language model (llm-data-leakage covers those), carrying assets classified confidential or restricted of type pii, health, payment, financial or credentials; not payment or financial data sent to a payment processor (trait `payment`: taking it is what it is for), nor credentials or personal data sent to an identity provider (trait `identity`), nor personal data sent to a mail service (trait `email`: it needs the addressee), nor credentials on a call that authenticates (the key the provider issued for that call), nor a webhook subscription service\'s deliveries to the endpoints its customers registered (as server-side-request-forgery recognises them: the recipient owns the data); without `data-masking` or `data-minimization` on the flow or the sender',
  mitigation: 'Send the third party only the fields it needs (an id, a masked number, a summary: no card details in push payloads, no full profiles in marketing segments), tokenize or pseudonymize what must identify a person, and hold the recipient to a data processing agreement with retention limits.',
  action: { text: 'Send only the fields the third party needs on {targets}' },
  mitigatedBy: SHARING_CONTROLS,
  references: ['CWE-359', 'CWE-200', 'CAPEC-118', 'OWASP Top 10 A04'],
  rating: 'Likelihood Low (the recipient is bound by contract: a breach or misuse on its side), Medium when the recipient is a push, notification, marketing or analytics service (its id, name or tech says fcm, apns, firebase messaging, push, notification, onesignal, airship, braze, hubspot, marketo, mailchimp, klaviyo, iterable, marketing, segment, mixpanel, amplitude, heap or analytics: it shows the data on lock screens or shares it further); impact from the confidentiality of the data sent.',
  example: "assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  crm: { type: third-party }\nflows:\n  - visitor -> api: https\n  - api -> crm: { protocol: https, data: [pii] }",
  appliesTo: 'flow',
  gate: { from: { kinds: ['process'] }, to: { types: ['third-party'] } },
  check(flow, ctx) {
    const from = ctx.graph.elements.get(flow.from);
    const to = ctx.graph.elements.get(flow.to);
    if (from === undefined || to === undefined || from.kind !== 'process' || to.type !== 'third-party' || isLlm(to) || flow.data.length === 0) return undefined;
    // A webhook delivery goes to the endpoint the customer registered: the recipient owns the data, and sending it to
    // the wrong tenant is the risk, not sharing it.
    if (isSubscriptionDelivery(ctx, flow)) return undefined;
    const shared = sharedWith(ctx, flow, to);
    if (shared.length === 0) return undefined;
    const where = flowComponent(flow);
    const masked = 'only masked or minimal fields are sent';
    const onFlow = SHARING_CONTROLS.filter((c) => flow.controls.includes(c));
    if (onFlow.length) return mitigatedBy(onFlow, where, masked);
    const present = presentControls(ctx, SHARING_CONTROLS, from);
    if (present.length) return mitigatedBy(present, where, masked);
    const names = assetNames(shared);
    const further = spreads(to);
    return threat({
      ...where,
      title: `${names} sent to ${to.name}`,
      // Encryption in transit is said only of a call that has it: a cleartext one is cleartext-disclosure's finding.
      description: `${flowLabel(flow, ctx)} carries ${names} to a third party; ${flow.encrypted ? 'encryption protects the call, not' : 'nothing of ours governs'} what ${to.name} ${verbFor(to.name, 'keeps')}${further ? `, ${verbFor(to.name, 'shows')} on devices or ${verbFor(to.name, 'shares')} further` : ` or ${verbFor(to.name, 'passes')} on`}.`,
      likelihood: further
        ? rated('Medium', `${says(to.name, 'is')} a push, notification, marketing or analytics service: the data is shown on devices or shared further`)
        : rated('Low', `${says(to.name, 'is')} bound by contract: needs a breach or misuse on its side`),
      impact: assetImpact(shared, 'confidentiality', rated('High', 'confidential data outside our control')),
      evidence: [
        evidence(`${flowLabel(flow, ctx)} carries ${names}`, [...flow.at, 'data']),
        evidence(`${says(to.name, 'is')} a third party`, to.at),
        evidence(`no data-masking or data-minimization on ${flowLabel(flow, ctx)} or on ${from.name}`, flow.at),
      ],
      target: flowLabel(flow, ctx),
    });
  },
};
