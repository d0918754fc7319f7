// Tampering with requests: values the client should not control, forged callbacks, hostile uploads.
import { rated } from '../risk.js';
import {
  endpointComponent, endpointExposure, endpointLikelihood, endpointTarget, evidence, flowLabel, isExposed,
  missingControlEvidence, mitigatedBy, presentControls, pushTo, threat, unlessControlled,
} from './helpers.js';
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, type Exposure, isPassThrough } from '../context.js';
import type { RatedLevel } from '../types.js';
import { admitsCaller, assetList, assetNames, hasOrHave, isOrAre, isPersonOrAgent, moneyOrHighIntegrity, USER_CREDENTIALS, webhookAssets } from './facts.js';
import { browserReached, perModel } from './family-shared.js';
import { itObject } from './grammar.js';
import type { EndpointRule } from './types.js';

/**
 * The attacker is the caller: a customer who signs in edits their own requests as easily as an anonymous
 * one. Only a credential that users cannot get (a partner's API key, a service's certificate) narrows who can.
 */
function tamperingLikelihood(ep: Endpoint, exposure: Exposure): RatedLevel {
  if (exposure !== 'internet') return rated('Medium', 'the caller must first reach the endpoint through other components');
  if (ep.public || ep.auth === 'none') return rated('High', 'anyone can edit requests with an intercepting proxy: public tools');
  if (USER_CREDENTIALS.has(ep.auth)) return rated('High', `any user who signs in (${ep.auth}) can edit their own requests with an intercepting proxy: public tools`);
  return rated('Medium', `callers need a service credential (${ep.auth}): partners or services, not any user`);
}

const PRICED: ReadonlySet<string> = new Set(['pricing', 'payment', 'financial']);

/** Endpoints whose callers send values the server does not own: partners' events, and what a user proves themselves with. */
const CLIENT_PROOF_KINDS: ReadonlySet<string> = new Set(['webhook', 'callback', 'login', 'otp', 'register', 'password-reset']);
/**
 * What a client proves itself with (passwords, one-time codes, tokens, keys) comes from the client by design:
 * the server checks it, it does not own it as it owns a price, a role or a balance.
 */
const CLIENT_PROOF_TYPES: ReadonlySet<string> = new Set(['credentials', 'secrets', 'session']);
export const clientProof = (a: Asset): boolean => CLIENT_PROOF_TYPES.has(a.type ?? '');
/** Personal and health data: what users tell the server about themselves, theirs to send and to correct. */
const ABOUT_THE_USER: ReadonlySet<string> = new Set(['pii', 'health']);
/**
 * What users supply about themselves is theirs to send: a customer who edits their own card number in transit
 * pays with another card, as they could have typed it. Payment data kept secret is such details (a card number
 * and its code); payment data that is not secret (a payment status, an amount due) is the server's or its
 * provider's to set, as a price, a total, a balance or a role is.
 */
export const userSupplied = (a: Asset): boolean => {
  // One asset often holds both (a payment with its amount, a profile with the account's tier): a value the
  // server owns named in it keeps the asset the server's.
  const named = `${a.id} ${a.name}`;
  if (SERVER_VALUE_WORDS.test(named)) return false;
  return ABOUT_THE_USER.has(a.type ?? '') || (a.type === 'payment' && a.confidentiality === 'high' && CARD_WORDS.test(named));
};
const SERVER_VALUE_WORDS = /amount|price|total|balance|discount|status|tier|role|plan|limit|quota|credit|points|level|fee|rate|order/i;
const CARD_WORDS = /card|\bpan\b|iban|cvv|cvc|bank|account number|payment (method|details)|billing/i;
const serverOwned = (a: Asset): boolean => a.integrity === 'high' && !clientProof(a) && !userSupplied(a);

export const clientControlledValue: EndpointRule = {
  id: 'client-controlled-value',
  stride: 'T',
  title: 'Tampering with server-authoritative values in requests',
  description:
    'An endpoint accepts from the client an asset whose integrity matters (prices, totals, roles, balances): an intercepting proxy changes it before it reaches the server.',
  condition: 'an endpoint (not a webhook, callback, login, register or password-reset) reachable from an untrusted zone that accepts an asset of high integrity that the server owns (not credentials, secrets or session tokens, which clients send by design, nor what users supply about themselves: assets of type `pii` or `health`, and of type `payment` with high confidentiality whose id or name says card, PAN, IBAN, CVV, bank or billing details; an asset whose id or name says amount, price, total, balance, discount, status, tier, role, plan, limit, quota, credit, points, level, fee, rate or order stays the server\'s, as does a payment status that is not secret), without `server-side-validation`',
  mitigation: 'Never trust client-supplied values of integrity-critical data: check each against server-side limits and rules (allowed ranges, states, the caller\'s own objects) or recompute it on the server, and sign or MAC any value that must round-trip.',
  action: { text: 'Recompute or verify integrity-critical values server-side in {targets}' },
  mitigatedBy: ['server-side-validation'],
  references: ['CWE-602', 'CWE-472', 'CAPEC-207', 'OWASP ASVS V11.1'],
  rating: 'Likelihood High when reachable from the internet, signed in or not (a customer edits their own requests with an intercepting proxy), Medium when callers need a service credential (API key, mutual TLS, IAM, HMAC) or come through other components; impact Medium (financial loss per transaction), High when an accepted asset is restricted.',
  example: "assets:\n  prices: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /cart: { accepts: [prices] }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    // Partners' callbacks carry their own authoritative values; their authenticity is unsigned-webhook's concern.
    // Sign-in, sign-up and reset calls exist to take what the client proves itself with.
    if (CLIENT_PROOF_KINDS.has(ep.kind) || !ep.accepts.some((id) => ctx.graph.assets.get(id)?.integrity === 'high')) return undefined;
    const critical = assetList(ctx, ep.accepts).filter(serverOwned);
    if (critical.length === 0) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const names = critical.map((a) => a.name).join(', ');
    // Who edits the request: any user, unless a credential users cannot get narrows callers to its holders.
    const who = ep.auth === 'none' || USER_CREDENTIALS.has(ep.auth) ? 'a user' : `a caller holding the ${ep.auth} credential`;
    // Prices only where prices or money are at stake: a thermostat's setpoint is checked against limits.
    const priced = critical.some((a) => PRICED.has(a.type ?? ''));
    const example = priced && exposure === 'internet' ? moneyExample(critical) : '';
    const pronoun = isOrAre(critical) === 'are' ? 'them' : 'it';
    // Reached only through other components, the value comes from whatever steers those callers, not from a proxy.
    const how = exposure === 'internet'
      ? `${who} can change ${pronoun} in transit with an intercepting proxy${example}`
      : `whoever steers the components that call it (their users' input, a manipulated agent, a compromised service) sets ${pronoun}`;
    const restricted = critical.filter((a) => a.classification === 'restricted');
    const restrictedNames = restricted.map((a) => a.name).join(', ');
    return unlessControlled(ctx, { element, endpoint: ep }, ['server-side-validation'], 'values are recomputed or checked on the server', (missing) => ({
      title: `Manipulation of ${names} in ${ep.key} requests`,
      description: `${ep.key} on ${element.name} takes ${names} from ${exposure === 'internet' ? 'the client' : 'its callers'}; ${how}.`,
      likelihood: tamperingLikelihood(ep, exposure),
      impact: restricted.length
        ? rated('High', `${restrictedNames} ${isOrAre(restricted)} restricted data`)
        : rated('Medium', 'financial or data-integrity loss per transaction, not a system compromise'),
      evidence: [
        evidence(`${ep.key} accepts ${names} from the caller`, [...ep.at, 'accepts']),
        ...critical.map((a) => evidence(`${a.name} ${hasOrHave([a])} integrity ${a.integrity}`, a.at)),
        ...restricted.map((a) => evidence(`${a.name} ${isOrAre([a])} classified restricted`, a.at)),
        missing,
      ],
      mitigation: priced ? PRICED_MITIGATION : undefined,
      target: endpointTarget(ep, element),
    }));
  },
};

/**
 * What tampering buys, in the words of the value at stake: a price is the server's to set, a status its to record,
 * a refund bounded by what was paid; an amount the user chooses (a transfer, a payout) is theirs to write, and its
 * tampering is a sum over their limit or from an account not theirs. The first row whose words an asset has wins.
 */
const MONEY_EXAMPLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/price|total|discount|fee|cart|order|checkout|invoice|quote/i, 'pay less than the price'],
  [/status|state/i, 'mark an unpaid payment as paid'],
  [/refund/i, 'refund more than was paid'],
];

function moneyExample(assets: readonly Asset[]): string {
  if (assets.some((a) => a.type === 'pricing')) return ' (e.g. pay less than the price)';
  for (const [words, example] of MONEY_EXAMPLES) if (assets.some((a) => words.test(`${a.id} ${a.name}`))) return ` (e.g. ${example})`;
  return ' (e.g. an amount over their limit, or from an account that is not theirs)';
}

const PRICED_MITIGATION =
  'Never trust client-supplied prices, totals or amounts: look prices and totals up or recompute them on the server, check amounts against what the caller may spend or refund, and sign or MAC any value that must round-trip.';

const WEBHOOK_CONTROLS = ['signature-verification'] as const;

/**
 * The exposed endpoint of one of `kinds` that a flow naming none of its target's endpoints can land on (one that
 * admits the flow's source: admitsCaller). A partner's call that lands on a webhook is judged as
 * one, by `unsigned-webhook` (and `webhook-replay`): the partner rules leave it to them. A call into an edge
 * component (a load balancer, a gateway) lands on what the edge forwards it to: a webhook behind it is the
 * usual place of a partner's events, and the edge has no endpoint of its own to name.
 */
export function endpointOfUnnamedCall(ctx: AnalysisContext, flow: Flow, kinds: readonly Endpoint['kind'][]): Endpoint | undefined {
  if (flow.endpoint !== undefined) return undefined;
  return landingEndpoint(ctx, [flow.from], flow.to, kinds, new Set());
}

/**
 * An exposed endpoint of one of `kinds` on the element, or behind it when it is an edge component, that one of
 * `callers` may call (the original caller, or an edge it came through: either may be listed as the caller).
 */
function landingEndpoint(
  ctx: AnalysisContext,
  callers: readonly string[],
  id: string,
  kinds: readonly Endpoint['kind'][],
  seen: Set<string>,
): Endpoint | undefined {
  const target = ctx.graph.elements.get(id);
  if (target === undefined || seen.has(id)) return undefined;
  seen.add(id);
  const lands = (ep: Endpoint, on: Element) =>
    kinds.includes(ep.kind) && callers.some((c) => admitsCaller(ctx, ep, c)) && isExposed(endpointExposure(ep, on, ctx));
  const own = target.endpoints.find((ep) => lands(ep, target));
  if (own !== undefined || !isPassThrough(target)) return own;
  const through = [...callers, id];
  for (const f of ctx.graph.outFlows(id)) {
    if (f.to === id) continue;
    const named = f.endpoint === undefined ? undefined : ctx.graph.endpoints.get(f.endpoint);
    const behind = ctx.graph.elements.get(f.to);
    const found = named !== undefined
      ? (behind !== undefined && lands(named, behind) ? named : undefined)
      : landingEndpoint(ctx, through, f.to, kinds, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Webhook sender authentication that proves who sent an event. */
const SENDER_AUTH: ReadonlySet<string> = new Set(['mtls', 'hmac']);

/**
 * How a webhook's senders are authenticated: a signature check in place for the endpoint, its own mtls or
 * hmac, or else the same declared on every sender's flow that can reach it (as `endpointHas` selects them:
 * naming this endpoint or none, from a caller it admits), also through edge components in front of it (a
 * partner's `stripe -> lb: { auth: hmac }` says how its events are checked). People and their browsers send
 * no events: their flows through the same edge are not a sender's. Empty when some sender is not authenticated.
 */
function senderChecks(ctx: AnalysisContext, ep: Endpoint, element: Element): string[] {
  const present = presentControls(ctx, WEBHOOK_CONTROLS, element, ep);
  if (present.length) return present;
  if (SENDER_AUTH.has(ep.auth)) return [ep.auth];
  const means = new Set<string>();
  return sendersAuthenticated(ctx, ep, element.id, [], means, new Set()) ? [...means].sort() : [];
}

/**
 * Adds to `means` how each sender's flow into `id` that can reach the webhook is authenticated, following
 * flows from edge components back to theirs (`edges`: the ones passed, any of which may be a listed caller);
 * false as soon as one sender's flow is not authenticated.
 */
function sendersAuthenticated(
  ctx: AnalysisContext,
  ep: Endpoint,
  id: string,
  edges: readonly string[],
  means: Set<string>,
  seen: Set<string>,
): boolean {
  seen.add(id);
  for (const f of ctx.graph.inFlows(id)) {
    if (f.from === id || (f.endpoint !== undefined && f.endpoint !== ep.id)) continue;
    const src = ctx.graph.elements.get(f.from);
    const declared = f.controls.includes('signature-verification') ? 'signature-verification' : SENDER_AUTH.has(f.auth) ? f.auth : undefined;
    // What an edge forwards is judged by the flows into the edge: the callers list may name either.
    if (declared === undefined && isPassThrough(src) && !seen.has(f.from)) {
      if (!sendersAuthenticated(ctx, ep, f.from, [...edges, f.from], means, seen)) return false;
      continue;
    }
    if (!admitsCaller(ctx, ep, f.from) && !edges.some((e) => admitsCaller(ctx, ep, e))) continue;
    if (declared !== undefined) means.add(declared);
    else if (!isPersonOrAgent(src)) return false;
  }
  return true;
}


export const unsignedWebhook: EndpointRule = {
  id: 'unsigned-webhook',
  stride: 'T',
  title: 'Webhook without signature verification',
  description:
    'A webhook endpoint that acts on incoming events without verifying the sender\'s signature: anyone who finds the URL can forge events (a payment marked as paid).',
  condition: 'an endpoint of kind `webhook` reachable from an untrusted zone, without `signature-verification` and not authenticated by `mtls` or `hmac` (on the endpoint, or on every flow of a sender that reaches it, directly or through edge components in front; people and browsers send no events)',
  mitigation: 'Verify the provider\'s signature (HMAC over the raw body with a shared secret, or the provider\'s public key) together with its signed timestamp before processing the event: reject events older than a few minutes, and process each event id once.',
  action: { text: 'Add webhook signature verification (signature and timestamp) to {targets} before processing events' },
  mitigatedBy: ['signature-verification', 'mtls', 'hmac'],
  references: ['CWE-345', 'CWE-347', 'CAPEC-94', 'OWASP ASVS V13.1'],
  rating: 'Likelihood High when the endpoint is public (a forged POST needs no skill), Medium otherwise; impact High when the events move money or integrity-critical data, Medium otherwise.',
  example: "elements:\n  stripe: { tech: stripe }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { public: true }\nflows:\n  - stripe -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['webhook'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const checks = senderChecks(ctx, ep, element);
    if (checks.length) {
      const reason = checks.every((c) => c === 'signature-verification') ? 'incoming events are signature-checked' : `the sender is authenticated by ${checks.join(', ')}`;
      return mitigatedBy(checks, endpointComponent(ep), reason);
    }
    const valuable = webhookAssets(ctx, ep, element).filter(moneyOrHighIntegrity);
    return threat({
      ...endpointComponent(ep),
      title: `Forged events on ${ep.key} (no signature verification)`,
      description: `${ep.key} on ${element.name} processes incoming events without checking a signature; an attacker can post a forged event${valuable.length ? ` that changes ${assetNames(valuable)}` : ''}.`,
      likelihood: ep.public && exposure === 'internet'
        ? rated('High', 'the webhook URL is public and a forged POST needs only curl')
        : endpointLikelihood(ep, element, ctx),
      impact: valuable.length
        ? rated('High', `forged events change ${assetNames(valuable)}: fraud or full loss of integrity`)
        : rated('Medium', 'forged events corrupt part of the data'),
      evidence: [evidence(`${ep.key} is a webhook endpoint`, ep.at), missingControlEvidence(['signature-verification'], element, ep)],
      target: endpointTarget(ep, element),
    });
  },
};

const UPLOAD_CONTROLS = ['file-type-validation'] as const;

/** Which endpoints the upload rules judge, in the words of their conditions (docs/rules.md). */
export const UPLOAD_ENDPOINT =
  'an endpoint of kind `upload` (written as `kind: upload`, or read from a path word `upload`, `uploads`, `files`, `attachments` or `import` on an endpoint that takes POST, PUT or PATCH or states no methods: a read such as `GET /files` uploads nothing)';

/** Who can upload a crafted file: anyone, any user who signs in, or only holders of a service credential. */
function uploadLikelihood(ep: Endpoint, exposure: Exposure): RatedLevel {
  if (exposure !== 'internet') return rated('Medium', 'needs access through other components');
  if (ep.public || ep.auth === 'none') return rated('High', 'anyone who can reach the endpoint can upload a crafted file');
  if (USER_CREDENTIALS.has(ep.auth)) return rated('High', `any user who signs in (${ep.auth}) can upload a crafted file`);
  return rated('Medium', `uploaders need a service credential (${ep.auth}): partners or services, not any user`);
}

export const unsafeFileUpload: EndpointRule = {
  id: 'unsafe-file-upload',
  stride: 'T',
  title: 'File upload without type validation',
  description:
    'An upload endpoint that stores files without checking their type: uploaded HTML or SVG served from the main origin runs script in other users\' sessions, and executables or polyglots reach whoever opens them.',
  condition: `${UPLOAD_ENDPOINT} reachable from an untrusted zone, without \`file-type-validation\``,
  mitigation: 'Validate uploads against an allow-list of types by content (magic bytes) and extension, limit their size, scan them, and serve them from a separate domain with Content-Disposition: attachment.',
  action: { text: 'Validate file upload types and serve uploads from a separate domain for {targets}' },
  mitigatedBy: ['file-type-validation'],
  references: ['CWE-434', 'CWE-79', 'CAPEC-1', 'OWASP ASVS V12.1'],
  rating: 'Likelihood High when reachable from the internet, signed in or not, Medium when uploaders need a service credential (API key, mutual TLS, IAM, HMAC) or come through other components; impact Medium (stored script runs in other users\' sessions), Low when no browser reaches the element or uploads are served from a separate origin.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /upload: { auth: session-cookie }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['upload'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    // Stored script needs browsers loading the element's origin: without them, what remains is the file itself.
    const browsers = browserReached(ctx, element);
    const separate = ctx.endpointHas(ep, 'separate-origin');
    const harm = !browsers
      ? `no browser reaches ${element.name} to run script from an uploaded file, but executables or polyglots can still reach whoever opens them`
      : `an uploaded HTML or SVG file ${separate ? 'is served from a separate origin, but can still carry malware' : 'served back from the same origin runs script in other users\' sessions (stored XSS)'}`;
    return unlessControlled(ctx, { element, endpoint: ep }, UPLOAD_CONTROLS, 'uploads are type-checked', (missing) => ({
      title: `Malicious file upload on ${ep.key} (no type validation)`,
      description: `${ep.key} on ${element.name} accepts files of any type; ${harm}.`,
      likelihood: uploadLikelihood(ep, exposure),
      impact: !browsers
        ? rated('Low', `no browser reaches ${itObject(element.name)}: no script in users' sessions`)
        : separate
          ? rated('Low', 'uploads are served from a separate origin: little reaches users')
          : rated('Medium', 'script runs in other users\' sessions: partial exposure'),
      evidence: [evidence(`${ep.key} is an upload endpoint`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

const REPLAY_CONTROLS = ['replay-protection'] as const;

export const webhookReplay: EndpointRule = {
  id: 'webhook-replay',
  stride: 'T',
  title: 'Replayed webhook events',
  description:
    'A webhook whose sender is authenticated by mutual TLS alone: the connection is authenticated, not each event, so no signed timestamp marks an event as stale, and an event sent again (a payment succeeded) is processed twice.',
  condition: 'an endpoint of kind `webhook` reachable from an untrusted zone whose senders are authenticated by `mtls` alone (on the endpoint or on every sender\'s flow that reaches it), without `replay-protection`; a signed webhook (`signature-verification` or `hmac`) is left to unsigned-webhook, whose advice already asks for the signed timestamp and one processing per event id',
  mitigation: 'Have the sender put an id and a timestamp in each event, reject events older than a few minutes, and process each event id once (idempotency keys).',
  action: { text: 'Reject stale and duplicate events on {targets}' },
  mitigatedBy: REPLAY_CONTROLS,
  references: ['CWE-294', 'CAPEC-60', 'OWASP ASVS V13.1'],
  rating: 'Likelihood Low (needs a captured event and the sender\'s certificate); impact High when events move money or integrity-critical data, Medium otherwise.',
  example: "elements:\n  bank: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { auth: mtls }\nflows:\n  - bank -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['webhook'],
  check(ep, element, ctx) {
    if (!isExposed(endpointExposure(ep, element, ctx))) return undefined;
    const checks = senderChecks(ctx, ep, element);
    // A signature is checked with its signed timestamp, as unsigned-webhook's advice asks: reporting replay
    // once the user follows that advice would be a second finding for the same advice.
    if (checks.length === 0 || checks.some((c) => c !== 'mtls')) return undefined;
    const valuable = webhookAssets(ctx, ep, element).filter(moneyOrHighIntegrity);
    return unlessControlled(ctx, { element, endpoint: ep }, REPLAY_CONTROLS, 'stale and duplicate events are rejected', (missing) => ({
      title: `Replayed events on ${ep.key}`,
      description: `${ep.key} on ${element.name} authenticates its sender by mutual TLS but does not reject old or repeated events; an event sent again over the sender's certificate is processed again.`,
      likelihood: rated('Low', 'needs a captured event and the sender\'s certificate: insider access or luck'),
      impact: valuable.length ? rated('High', `replays change ${assetNames(valuable)}`) : rated('Medium', 'duplicated side effects'),
      evidence: [evidence(`${ep.key} authenticates its sender by mutual TLS`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

const MALWARE_CONTROLS = ['malware-scanning'] as const;
const STAFF_TYPES: readonly string[] = ['admin', 'support-staff', 'developer'];
const NO_POSITIONS: readonly number[] = Object.freeze([]);
const isStaff = (e: Element | undefined) => e !== undefined && STAFF_TYPES.includes(e.type ?? '');

/** Endpoints returning and onward flows carrying each asset that some upload endpoint accepts. */
interface UploadIndex {
  endpoints: Endpoint[];
  /** Positions in `endpoints`, in model order. */
  returning: Map<string, number[]>;
  /**
   * Positions of flows in model order that pass an asset on to others: between two known elements, from
   * one of ours, not into a store (the one keeping the file), not a self-flow; and those of them to staff.
   */
  onward: Map<string, number[]>;
  toStaff: Map<string, number[]>;
  /** By position in `endpoints`, for those in `returning`: 1 where staff open what it returns (a listed caller, or a flow from staff names it). */
  staffOpened: Uint8Array;
}

/**
 * Indexed once per analysis (a scan of the whole model per upload endpoint made large models quadratic),
 * and only for assets some upload endpoint accepts: an upload then reads its assets' lists.
 */
const uploadIndex: (ctx: AnalysisContext) => UploadIndex = perModel(indexUploads);

function indexUploads(ctx: AnalysisContext): UploadIndex {
  const { graph } = ctx;
  const { elements, flows } = graph.model;
  const uploadable = new Set<string>();
  const endpoints: Endpoint[] = [];
  for (let e = 0; e < elements.length; e++) {
    const list = elements[e].endpoints;
    for (let j = 0; j < list.length; j++) {
      const other = list[j];
      endpoints.push(other);
      if (other.kind === 'upload') for (let a = 0; a < other.accepts.length; a++) uploadable.add(other.accepts[a]);
    }
  }
  const returning = new Map<string, number[]>();
  for (let i = 0; i < endpoints.length; i++) {
    const returns = endpoints[i].returns;
    for (let a = 0; a < returns.length; a++) if (uploadable.has(returns[a])) pushTo(returning, returns[a], i);
  }
  const onward = new Map<string, number[]>();
  const toStaff = new Map<string, number[]>();
  const namedByStaff = new Set<string>();
  for (let k = 0; k < flows.length; k++) {
    const f = flows[k];
    const s = graph.flowSource[k];
    const t = graph.flowTarget[k];
    if (s >= 0 && f.endpoint !== undefined && isStaff(elements[s])) namedByStaff.add(f.endpoint);
    if (f.from === f.to || s < 0 || t < 0 || elements[s].kind === 'external' || elements[t].kind === 'store') continue;
    const staff = isStaff(elements[t]);
    for (let a = 0; a < f.data.length; a++) {
      if (!uploadable.has(f.data[a])) continue;
      pushTo(onward, f.data[a], k);
      if (staff) pushTo(toStaff, f.data[a], k);
    }
  }
  const staffOpened = new Uint8Array(endpoints.length);
  for (const positions of returning.values()) {
    for (const i of positions) {
      const other = endpoints[i];
      if (namedByStaff.has(other.id) || other.callers?.some((id) => isStaff(graph.elements.get(id)))) staffOpened[i] = 1;
    }
  }
  return { endpoints, returning, onward, toStaff, staffOpened };
}

export const malwareUpload: EndpointRule = {
  id: 'malware-upload',
  stride: 'T',
  title: 'Uploaded malware reaches other people',
  description:
    'Files uploaded by one party are later served to or opened by others (other users, staff, partners) without malware scanning: the system becomes a distribution channel for malware.',
  condition: `${UPLOAD_ENDPOINT} reachable from an untrusted zone whose accepted assets are returned by another endpoint or carried by a flow to a person, partner or other process (not the store holding them), without \`malware-scanning\``,
  mitigation: 'Scan uploads before anyone else can open them (quarantine until clean), strip active content, and serve them as downloads from a separate origin.',
  action: { text: 'Scan uploads for malware before sharing them from {targets}' },
  mitigatedBy: MALWARE_CONTROLS,
  references: ['CWE-434', 'CWE-509', 'CAPEC-441'],
  rating: 'Likelihood Medium (needs a recipient to open the file); impact Medium (the recipients\' machines), High when staff open them.',
  example: "assets:\n  docs: { classification: internal }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /upload: { auth: jwt, accepts: [docs] }\n      /shared: { auth: jwt, returns: [docs] }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['upload'],
  check(ep, element, ctx) {
    if (ep.accepts.length === 0 || !isExposed(endpointExposure(ep, element, ctx))) return undefined;
    const index = uploadIndex(ctx);
    // Per accepted asset: the other endpoints returning it, and its onward flows (never the uploader's own
    // flow in), the first of them in model order; only the assets shared one of these ways are named.
    const flows = ctx.graph.model.flows;
    const at = new Set<number>();
    const shared: string[] = [];
    let firstShared = -1;
    let staff = false;
    for (const a of ep.accepts) {
      let passed = false;
      for (const i of index.returning.get(a) ?? NO_POSITIONS) {
        if (index.endpoints[i].id === ep.id) continue;
        at.add(i);
        passed = true;
        staff ||= index.staffOpened[i] === 1;
      }
      for (const k of index.onward.get(a) ?? NO_POSITIONS) {
        if (flows[k].to === element.id) continue;
        if (firstShared < 0 || k < firstShared) firstShared = k;
        passed = true;
        break;
      }
      staff ||= (index.toStaff.get(a) ?? NO_POSITIONS).some((k) => flows[k].to !== element.id);
      if (passed) shared.push(a);
    }
    if (shared.length === 0) return undefined;
    const servedBy = [...at].sort((x, y) => x - y).map((i) => index.endpoints[i]);
    const sharedAssets = assetList(ctx, shared);
    const names = assetNames(sharedAssets);
    const verb = isOrAre(sharedAssets);
    const sharedOf = (ids: readonly string[]) => assetNames(assetList(ctx, ids.filter((id) => shared.includes(id))));
    return unlessControlled(ctx, { element, endpoint: ep }, MALWARE_CONTROLS, 'uploads are scanned', (missing) => ({
      title: `Uploaded malware shared through ${ep.key}`,
      description: `${names} uploaded through ${ep.key} on ${element.name} ${verb} ${servedBy.length ? `served again by ${[...new Set(servedBy.map((x) => x.key))].join(', ')}` : 'passed on to others'} without malware scanning.`,
      likelihood: rated('Medium', 'needs a recipient to open the file'),
      impact: staff ? rated('High', 'staff open the files: a foothold inside the organisation') : rated('Medium', 'recipients\' machines are infected'),
      evidence: [
        evidence(`${ep.key} accepts ${names}`, [...ep.at, 'accepts']),
        servedBy.length
          ? evidence(`${servedBy[0].key} returns ${sharedOf(servedBy[0].returns)}`, [...servedBy[0].at, 'returns'])
          : evidence(`${flowLabel(flows[firstShared], ctx)} carries ${sharedOf(flows[firstShared].data)}`, flows[firstShared].at),
        missing,
      ],
      target: endpointTarget(ep, element),
    }));
  },
};
