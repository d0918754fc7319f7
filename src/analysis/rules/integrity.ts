// Tampering with requests: values the client should not control, forged callbacks, hostile uploads.
import { rated } from '../risk.js';
import {
  endpointComponent, endpointExposure, endpointLikelihood, endpointTarget, evidence, internetLikelihood, isExposed,
  missingControlEvidence, mitigatedBy, presentControls, pushTo, threat, unlessControlled,
} from './helpers.js';
import type { Endpoint } from '../../model/types.js';
import type { AnalysisContext, Exposure } from '../context.js';
import type { RatedLevel } from '../types.js';
import { assetList, assetNames, moneyOrHighIntegrity, USER_CREDENTIALS, webhookAssets } from './facts.js';
import { perModel } from './family-shared.js';
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

export const clientControlledValue: EndpointRule = {
  id: 'client-controlled-value',
  stride: 'T',
  title: 'Tampering with server-authoritative values in requests',
  description:
    'An endpoint accepts from the client an asset whose integrity matters (prices, totals, roles, balances): an intercepting proxy changes it before it reaches the server.',
  condition: 'an endpoint (not a webhook or callback) reachable from an untrusted zone that accepts an asset of high integrity, without `server-side-validation`',
  mitigation: 'Never trust client-supplied values of integrity-critical data: look prices and totals up or recompute them on the server, and sign or MAC any value that must round-trip.',
  action: { text: 'Recompute or verify integrity-critical values server-side in {targets}' },
  mitigatedBy: ['server-side-validation'],
  references: ['CWE-602', 'CWE-472', 'CAPEC-207', 'OWASP ASVS V11.1'],
  rating: 'Likelihood High when reachable from the internet, signed in or not (a customer edits their own requests with an intercepting proxy), Medium when callers need a service credential (API key, mutual TLS, IAM, HMAC) or come through other components; impact Medium (financial loss per transaction), High when an accepted asset is restricted.',
  example: "assets:\n  prices: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      POST /cart: { accepts: [prices] }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    // Partners' callbacks carry their own authoritative values; their authenticity is unsigned-webhook's concern.
    if (ep.kind === 'webhook' || ep.kind === 'callback' || !ep.accepts.some((id) => ctx.graph.assets.get(id)?.integrity === 'high')) return undefined;
    const critical = ep.accepts
      .map((id) => ctx.graph.assets.get(id))
      .filter((a) => a !== undefined && a.integrity === 'high');
    if (critical.length === 0) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const names = critical.map((a) => a!.name).join(', ');
    const restricted = critical.filter((a) => a!.classification === 'restricted');
    const restrictedNames = restricted.map((a) => a!.name).join(', ');
    return unlessControlled(ctx, { element, endpoint: ep }, ['server-side-validation'], 'values are recomputed or checked on the server', (missing) => ({
      title: `Manipulation of ${names} in ${ep.key} requests`,
      description: `${ep.key} on ${element.name} takes ${names} from the client; a user can change them in transit with an intercepting proxy (e.g. pay less than the price).`,
      likelihood: tamperingLikelihood(ep, exposure),
      impact: restricted.length
        ? rated('High', `${restrictedNames} ${restricted.length === 1 ? 'is' : 'are'} restricted data`)
        : rated('Medium', 'financial or data-integrity loss per transaction, not a system compromise'),
      evidence: [
        evidence(`${ep.key} accepts ${names} from the caller`, [...ep.at, 'accepts']),
        ...critical.map((a) => evidence(`${a!.name} has integrity ${a!.integrity}`, a!.at)),
        ...restricted.map((a) => evidence(`${a!.name} is classified restricted`, a!.at)),
        missing,
      ],
      target: endpointTarget(ep, element),
    }));
  },
};

const WEBHOOK_CONTROLS = ['signature-verification'] as const;


export const unsignedWebhook: EndpointRule = {
  id: 'unsigned-webhook',
  stride: 'T',
  title: 'Webhook without signature verification',
  description:
    'A webhook endpoint that acts on incoming events without verifying the sender\'s signature: anyone who finds the URL can forge events (a payment marked as paid).',
  condition: 'an endpoint of kind `webhook` reachable from an untrusted zone, without `signature-verification` and not authenticated by `mtls` or `hmac`',
  mitigation: 'Verify the provider\'s signature (HMAC over the raw body with a shared secret, or the provider\'s public key) and reject stale timestamps before processing the event.',
  action: { text: 'Add webhook signature verification to {targets} before processing events' },
  mitigatedBy: ['signature-verification', 'mtls', 'hmac'],
  references: ['CWE-345', 'CWE-347', 'CAPEC-94', 'OWASP ASVS V13.1'],
  rating: 'Likelihood High when the endpoint is public (a forged POST needs no skill), Medium otherwise; impact High when the events move money or integrity-critical data, Medium otherwise.',
  example: "elements:\n  stripe: { tech: stripe }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { public: true }\nflows:\n  - stripe -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['webhook'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const present = presentControls(ctx, WEBHOOK_CONTROLS, element, ep);
    if (present.length) return mitigatedBy(present, endpointComponent(ep), 'incoming events are signature-checked');
    if (ep.auth === 'mtls' || ep.auth === 'hmac') {
      return mitigatedBy([ep.auth], endpointComponent(ep), `the sender is authenticated by ${ep.auth}`);
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

export const unsafeFileUpload: EndpointRule = {
  id: 'unsafe-file-upload',
  stride: 'T',
  title: 'File upload without type validation',
  description:
    'An upload endpoint that stores files without checking their type: uploaded HTML or SVG served from the main origin runs script in other users\' sessions, and executables or polyglots reach whoever opens them.',
  condition: 'an endpoint of kind `upload` reachable from an untrusted zone, without `file-type-validation`',
  mitigation: 'Validate uploads against an allow-list of types by content (magic bytes) and extension, limit their size, scan them, and serve them from a separate domain with Content-Disposition: attachment.',
  action: { text: 'Validate file upload types and serve uploads from a separate domain for {targets}' },
  mitigatedBy: ['file-type-validation'],
  references: ['CWE-434', 'CWE-79', 'CAPEC-1', 'OWASP ASVS V12.1'],
  rating: 'Likelihood High when reachable from the internet, Medium otherwise; impact Medium (stored script runs in other users\' sessions), Low when uploads are served from a separate origin.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /upload: { auth: session-cookie }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['upload'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const separate = ctx.endpointHas(ep, 'separate-origin');
    return unlessControlled(ctx, { element, endpoint: ep }, UPLOAD_CONTROLS, 'uploads are type-checked', (missing) => ({
      title: `Malicious file upload on ${ep.key} (no type validation)`,
      description: `${ep.key} on ${element.name} accepts files of any type; an uploaded HTML or SVG file ${separate ? 'is served from a separate origin, but can still carry malware' : 'served back from the same origin runs script in other users\' sessions (stored XSS)'}.`,
      likelihood: internetLikelihood(
        exposure,
        'anyone who can reach the endpoint can upload a crafted file',
        'needs access through other components',
      ),
      impact: separate
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
    'A webhook checks the sender\'s signature but not freshness: a captured, validly signed event (a payment succeeded) can be sent again and processed twice.',
  condition: 'an endpoint of kind `webhook` reachable from an untrusted zone whose sender is authenticated (`signature-verification`, `mtls` or `hmac`), without `replay-protection`',
  mitigation: 'Reject events whose signed timestamp is older than a few minutes, and process each event id once (idempotency keys).',
  action: { text: 'Reject stale and duplicate events on {targets}' },
  mitigatedBy: REPLAY_CONTROLS,
  references: ['CWE-294', 'CAPEC-60', 'OWASP ASVS V13.1'],
  rating: 'Likelihood Low (needs a captured event: TLS protects them in transit); impact High when events move money or integrity-critical data, Medium otherwise.',
  example: "elements:\n  stripe: { tech: stripe }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { public: true, controls: [signature-verification] }\nflows:\n  - stripe -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['webhook'],
  check(ep, element, ctx) {
    if (!isExposed(endpointExposure(ep, element, ctx))) return undefined;
    const signed = ctx.endpointHas(ep, 'signature-verification') || ep.auth === 'mtls' || ep.auth === 'hmac';
    if (!signed) return undefined;
    const valuable = webhookAssets(ctx, ep, element).filter(moneyOrHighIntegrity);
    return unlessControlled(ctx, { element, endpoint: ep }, REPLAY_CONTROLS, 'stale and duplicate events are rejected', (missing) => ({
      title: `Replayed events on ${ep.key}`,
      description: `${ep.key} on ${element.name} verifies signatures but does not reject old or repeated events; a captured event can be processed again.`,
      likelihood: rated('Low', 'needs a captured, validly signed event: insider access or luck'),
      impact: valuable.length ? rated('High', `replays change ${assetNames(valuable)}`) : rated('Medium', 'duplicated side effects'),
      evidence: [evidence(`${ep.key} is a signed webhook`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

const MALWARE_CONTROLS = ['malware-scanning'] as const;
const STAFF_TYPES: readonly string[] = ['admin', 'support-staff', 'developer'];
const NO_POSITIONS: readonly number[] = Object.freeze([]);

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
  for (let k = 0; k < flows.length; k++) {
    const f = flows[k];
    const s = graph.flowSource[k];
    const t = graph.flowTarget[k];
    if (f.from === f.to || s < 0 || t < 0 || elements[s].kind === 'external' || elements[t].kind === 'store') continue;
    const staff = STAFF_TYPES.includes(elements[t].type ?? '');
    for (let a = 0; a < f.data.length; a++) {
      if (!uploadable.has(f.data[a])) continue;
      pushTo(onward, f.data[a], k);
      if (staff) pushTo(toStaff, f.data[a], k);
    }
  }
  return { endpoints, returning, onward, toStaff };
}

export const malwareUpload: EndpointRule = {
  id: 'malware-upload',
  stride: 'T',
  title: 'Uploaded malware reaches other people',
  description:
    'Files uploaded by one party are later served to or opened by others (other users, staff, partners) without malware scanning: the system becomes a distribution channel for malware.',
  condition: 'an endpoint of kind `upload` reachable from an untrusted zone whose accepted assets are returned by another endpoint or carried by a flow to a person, partner or other process (not the store holding them), without `malware-scanning`',
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
    const at = new Set<number>();
    for (const a of ep.accepts) for (const i of index.returning.get(a) ?? []) at.add(i);
    const servedBy = [...at].sort((x, y) => x - y).map((i) => index.endpoints[i]).filter((other) => other.id !== ep.id);
    // Onward flows of the uploaded data, never the uploader's own flow in: the first of them in model
    // order, and whether any reaches staff.
    const flows = ctx.graph.model.flows;
    let firstShared = -1;
    let staff = false;
    for (const a of ep.accepts) {
      for (const k of index.onward.get(a) ?? NO_POSITIONS) {
        if (flows[k].to === element.id) continue;
        if (firstShared < 0 || k < firstShared) firstShared = k;
        break;
      }
      staff ||= (index.toStaff.get(a) ?? NO_POSITIONS).some((k) => flows[k].to !== element.id);
    }
    if (servedBy.length === 0 && firstShared < 0) return undefined;
    const names = assetNames(assetList(ctx, ep.accepts));
    return unlessControlled(ctx, { element, endpoint: ep }, MALWARE_CONTROLS, 'uploads are scanned', (missing) => ({
      title: `Uploaded malware shared through ${ep.key}`,
      description: `${names} uploaded through ${ep.key} on ${element.name} ${servedBy.length ? `is served again by ${servedBy.map((x) => x.key).join(', ')}` : 'is passed on to others'} without malware scanning.`,
      likelihood: rated('Medium', 'needs a recipient to open the file'),
      impact: staff ? rated('High', 'staff open the files: a foothold inside the organisation') : rated('Medium', 'recipients\' machines are infected'),
      evidence: [
        evidence(`${ep.key} accepts ${names}`, [...ep.at, 'accepts']),
        servedBy.length ? evidence(`${servedBy[0].key} returns it`, [...servedBy[0].at, 'returns']) : evidence('a flow passes it on', flows[firstShared].at),
        missing,
      ],
      target: endpointTarget(ep, element),
    }));
  },
};
