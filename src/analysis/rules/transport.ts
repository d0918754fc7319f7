// Data in transit: cleartext flows can be read (I) and modified (T) by anyone on the path.
import { PROTOCOLS } from '../../model/catalog.js';
import type { Asset, Element, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { type AssetProperty, assetImpact, PROPERTY_IMPACT_MEANING, rated, ratingRank } from '../risk.js';
import type { ComponentKind, RatedLevel, Stride } from '../types.js';
import {
  assetNames, callAuth, type CallAuth, isData, isIdentityProvider, isPerson, isPersonOrAgent, isUserAgent, sensitive, staysOnHost, USER_CREDENTIALS,
} from './facts.js';
import { AssetSet, browsersAt, byLocale, perModel } from './family-shared.js';
import { it, its, possessive, says, verbFor } from './grammar.js';
import {
  elementComponent, evidence, flowComponent, flowIds, flowLabel, inUntrustedZone, mitigatedBy, mitigatedOutcome, missingControlEvidence, namesAtMost, presentControls, TEXT_NAMES,
  threat, threatOutcome, TITLE_NAMES, untrustedZoneAt,
} from './helpers.js';
import { flowEvidence, groupComponent, innermostShared, isSourceGroupKey, sourceGroupKey, SSH_PROTOCOLS } from './service-identity.js';
import type { ElementRule, EvidenceRef, FlowRule, ModelRule, Outcome } from './types.js';

/** Local calls never touch a network, so encryption in transit does not apply to them. */
const LOCAL_PROTOCOLS = new Set(['ipc', 'file', 'in-process']);

/** A finding's worth of cleartext flows, with what both cleartext rules say about it (their words differ by a verb). */
interface CleartextGroup {
  component: string;
  componentKind: ComponentKind;
  flowIds: string[];
  /** The title after the rule's own, and the description up to the rule's verb. */
  titleTail: string;
  descriptionHead: string;
  overInternet: boolean;
  likelihood: RatedLevel;
  /** The assets the flows carry, each once. */
  assets: Asset[];
  evidence: EvidenceRef[];
  target: string;
}

/** Network flows sorted once for both cleartext rules: the encrypted ones, and the groups of the others. */
interface Cleartext {
  /**
   * The encrypted flows and the reason each is mitigated (one string per protocol). Each rule makes their
   * outcomes as it runs: the engine reads an outcome once, so one kept here for a whole analysis (one per
   * flow, tens of thousands in a large model) would only be work for the garbage collector.
   */
  encrypted: Flow[];
  reasons: string[];
  /** What protects each encrypted flow, for the coverage matrix: `tls`, or `encrypted` where that is all the model says. */
  controls: string[][];
  groups: CleartextGroup[];
}

const TLS: string[] = ['tls'];
/**
 * What the coverage matrix names for an encrypted flow that is not TLS (SSH, a radio protocol the model marks
 * `encrypted: true`): the model says it is encrypted, not how, so `tls` would claim more than it knows.
 */
const ENCRYPTED: string[] = ['encrypted'];
/** Encrypted protocols of the catalogue that are not TLS underneath. */
const NOT_TLS: ReadonlySet<string> = new Set(['ssh', 'sftp', 'rdp']);
/** Whether an encrypted flow's protection is TLS: a catalogued encrypted protocol built on it (HTTPS, mqtts, ...). */
const overTls = (protocol: string) => encryptedProtocol(protocol) && !NOT_TLS.has(protocol);
const OVER_INTERNET = rated('High', 'the traffic crosses the internet: interception needs only public tools');
const INSIDE = rated('Medium', 'needs a position on the internal network: some skill or access');
/** Traffic that never leaves one host (loopback, a sidecar beside its service): no network position reaches it. */
const ON_HOST = rated('Low', 'needs code running on that host: the traffic never leaves it');
/** Whether the catalogue knows the protocol as encrypted: a flow of it that is not was marked so by the model. */
const encryptedProtocol = (protocol: string) => PROTOCOLS[protocol]?.encrypted === true;
const notEncrypted = (f: Flow) => (encryptedProtocol(f.protocol) ? `${f.protocol} is marked not encrypted` : `${f.protocol} is not encrypted`);

const cleartext: (ctx: AnalysisContext) => Cleartext = perModel(sortCleartext);

/**
 * A person using their own browser or app: no network between them. A person who is the user agent
 * (`type: user, tech: browser`) sends the traffic itself, and a person's flow to one of our servers stands
 * for the browser the model leaves out: both stay network traffic.
 */
export const personUsesProgram = (source: Element | undefined, target: Element | undefined): boolean =>
  isPerson(source) && !isUserAgent(source) && isUserAgent(target);

function sortCleartext(ctx: AnalysisContext): Cleartext {
  const { graph } = ctx;
  const all = graph.model.flows;
  const encrypted: Flow[] = [];
  const reasons: string[] = [];
  const controls: string[][] = [];
  const reasonByProtocol = new Map<string, string>();
  // Cleartext flows by position, with their common boundary and whether they touch the internet (found
  // from element positions, in one pass over the flows in model order).
  const plain: number[] = [];
  const commonAt: (string | undefined)[] = new Array(all.length);
  const touchesAt = new Uint8Array(all.length);
  const onHostAt = new Uint8Array(all.length);
  for (let k = 0; k < all.length; k++) {
    const f = all[k];
    if (f.from === f.to || LOCAL_PROTOCOLS.has(f.protocol)) continue;
    const from = graph.flowSource[k];
    const to = graph.flowTarget[k];
    if (personUsesProgram(graph.model.elements[from], graph.model.elements[to])) continue;
    if (!f.encrypted) {
      plain.push(k);
      commonAt[k] = innermostShared(graph.boundaryChainAt(from), graph.boundaryChainAt(to));
      touchesAt[k] = graph.trustRankAt(from) === 0 || graph.trustRankAt(to) === 0 ? 1 : 0;
      onHostAt[k] = staysOnHost(f, graph.model.elements[from], graph.model.elements[to]) ? 1 : 0;
      continue;
    }
    let reason = reasonByProtocol.get(f.protocol);
    if (reason === undefined) {
      reason = encryptedProtocol(f.protocol) ? `${f.protocol} is encrypted in transit` : `${f.protocol} is marked encrypted in transit`;
      reasonByProtocol.set(f.protocol, reason);
    }
    encrypted.push(f);
    reasons.push(reason);
    controls.push(overTls(f.protocol) ? TLS : ENCRYPTED);
  }
  const groups: CleartextGroup[] = [];
  const { elements } = graph.model;
  for (const [key, positions] of [...groupCleartext(ctx, plain, commonAt, touchesAt)].sort(([a], [b]) => byLocale(a, b))) {
    const group = groupComponent(ctx, key);
    const n = positions.length;
    const flows: Flow[] = new Array(n);
    const flowIds: string[] = new Array(n);
    const assets = new AssetSet();
    const sourceNames = new Set<string>();
    const protocolSet = new Set<string>();
    let inside = group.inBoundary;
    let crossing = 0;
    let onHost = 0;
    for (let i = 0; i < n; i++) {
      const k = positions[i];
      const f = all[k];
      flows[i] = f;
      flowIds[i] = f.id;
      if (commonAt[k] !== group.component) inside = false;
      crossing += touchesAt[k];
      onHost += onHostAt[k];
      assets.addFlow(ctx, f);
      sourceNames.add(elements[graph.flowSource[k]]?.name ?? f.from);
      protocolSet.add(f.protocol);
    }
    const sortedSources = [...sourceNames].sort();
    const sources = namesAtMost(sortedSources, TEXT_NAMES, 'other sources');
    const someSources = namesAtMost(sortedSources, TITLE_NAMES, 'other sources');
    const protocols = [...protocolSet].sort().join(', ');
    const many = n > 1;
    // Only where every flow stays on one host is the reader someone with code there: one network hop among them
    // is still open to a position on the network.
    const local = onHost === n && crossing === 0;
    const reader = local ? `anyone with code running on ${many ? 'those hosts' : 'that host'} can ` : 'anyone on the network path can ';
    groups.push({
      component: group.component,
      componentKind: group.componentKind,
      flowIds,
      titleTail: `${n} cleartext flow${many ? 's' : ''} ${group.inBoundary ? `${inside ? 'in' : 'into'} ${group.name} (${someSources})` : `from ${group.name}`}`,
      descriptionHead: [...protocolSet].some(encryptedProtocol)
        ? `${n} flow${many ? 's' : ''} from ${sources} ${many ? 'are' : 'is'} not encrypted (${protocols}); ${reader}`
        : `${n} flow${many ? 's' : ''} from ${sources} ${many ? 'use' : 'uses'} an unencrypted protocol (${protocols}); ${reader}`,
      overInternet: crossing > 0,
      // A group of flows from one source can mix flows across the internet with internal ones: it says how many cross.
      likelihood: local ? ON_HOST : crossing === 0 ? INSIDE : crossing === n ? OVER_INTERNET : rated('High', `${crossing} of ${n} flows ${crossing === 1 ? 'crosses' : 'cross'} the internet: interception needs only public tools`),
      assets: assets.list,
      evidence: flowEvidence(ctx, flows, notEncrypted),
      target: group.inBoundary ? `${someSources} (${group.name})` : group.name,
    });
  }
  return { encrypted, reasons, controls, groups };
}

/**
 * One finding per place the fix is made: flows inside a zone group by that zone; flows between our own
 * zones group by the zone they enter (its ingress is where TLS is switched on); flows to or from the
 * internet group by their source. Flows are given by position in the model.
 */
function groupCleartext(
  ctx: AnalysisContext,
  plain: readonly number[],
  commonAt: readonly (string | undefined)[],
  touchesAt: Uint8Array,
): Map<string, number[]> {
  const { graph } = ctx;
  const flows = graph.model.flows;
  // A source's group key is made once, not once per flow it sends.
  const sourceKeys: (string | undefined)[] = new Array(graph.model.elements.length);
  const sourceKey = (k: number): string => {
    const s = graph.flowSource[k];
    if (s < 0) return sourceGroupKey(flows[k].from);
    return (sourceKeys[s] ??= sourceGroupKey(flows[k].from));
  };
  // Per zone: its flows, whether all of them enter it from outside, and their source while there is one.
  const byZone = new Map<string, { list: number[]; entering: boolean; source: string | undefined; sourceAt: number }>();
  for (let i = 0; i < plain.length; i++) {
    const k = plain[i];
    const f = flows[k];
    const common = commonAt[k];
    let key = common;
    if (key === undefined) {
      const target = graph.model.elements[graph.flowTarget[k]];
      key = touchesAt[k] === 0 && target?.boundary ? target.boundary : sourceKey(k);
    }
    const zone = byZone.get(key);
    if (zone === undefined) byZone.set(key, { list: [k], entering: common === undefined, source: f.from, sourceAt: k });
    else {
      zone.list.push(k);
      zone.entering &&= common === undefined;
      if (zone.source !== f.from) zone.source = undefined;
    }
  }
  // A zone entered by one source alone stays that source's finding (its key, and so its stable id, unchanged).
  const groups = new Map<string, number[]>();
  for (const [key, { list, entering, source, sourceAt }] of byZone) {
    const single = entering && source !== undefined && !isSourceGroupKey(key);
    if (!single) {
      pushAll(groups, key, list);
      continue;
    }
    pushAll(groups, sourceKey(sourceAt), list);
  }
  return groups;
}

/** Appends `values` to the list kept under `key`; the first list given (a zone's, no longer needed) becomes it. */
function pushAll(groups: Map<string, number[]>, key: string, values: number[]): void {
  const list = groups.get(key);
  if (list === undefined) groups.set(key, values);
  else for (let i = 0; i < values.length; i++) list.push(values[i]);
}

function cleartextRule(stride: Stride, property: AssetProperty, spec: {
  id: string;
  title: string;
  verb: string;
  description: string;
  mitigation: string;
  action: string;
  references: string[];
}): ModelRule {
  // When the flows name no data: what any requests and responses hold, inside or across the internet.
  const meaning = PROPERTY_IMPACT_MEANING[property].Medium;
  const fallbackInside = rated('Medium', `internal requests and responses: ${meaning}`);
  const fallbackInternet = rated('Medium', `requests and responses, with no data named: ${meaning}`);
  const titleHead = `${spec.title}: `;
  const descriptionTail = `${spec.verb} the traffic.`;
  return {
    id: spec.id,
    stride,
    title: spec.title,
    description: spec.description,
    mitigation: spec.mitigation,
    action: { key: 'encrypt-in-transit', text: spec.action },
    mitigatedBy: ['tls'],
    references: spec.references,
    condition: 'network flows (not ipc, file or in-process, nor a person using their own browser or app) that are not encrypted (by protocol or `encrypted: false`), including loopback ones (a flow whose name gives `localhost`, `loopback`, a 127.x.x.x address or `[::1]`, or whose description gives such an address as one: `localhost:5432`, `http://localhost`, 127.x.x.x, `[::1]`; or one joining an element tagged `sidecar` to another placed directly in the same boundary), grouped by the innermost boundary both ends share, else (between our own zones, from several sources) by the zone they enter, else by source element; each encrypted flow is reported as mitigated: by `tls` over a TLS protocol (https, mqtts, postgres+tls, ...), as `encrypted` over any other (ssh, sftp, rdp, or a protocol the model marks `encrypted: true`)',
    rating: `Likelihood High when the flow crosses the internet, Medium inside our network (needs a foothold), Low when every flow of the finding stays on one host (needs code running there); impact from the ${property} of the data carried.`,
    example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  orders: { type: service }\nflows:\n  - visitor -> api: https\n  - api -> orders: http',
    appliesTo: 'model',
    check(ctx) {
      const { encrypted, reasons, controls, groups } = cleartext(ctx);
      const out: Outcome[] = new Array(encrypted.length + groups.length);
      for (let i = 0; i < encrypted.length; i++) {
        const id = encrypted[i].id;
        out[i] = mitigatedOutcome(id, 'flow', undefined, [id], controls[i], reasons[i]);
      }
      for (let i = 0; i < groups.length; i++) {
        const g = groups[i];
        out[encrypted.length + i] = threatOutcome(g.component, g.componentKind, undefined, g.flowIds, {
          title: titleHead + g.titleTail,
          description: g.descriptionHead + descriptionTail,
          likelihood: g.likelihood,
          impact: assetImpact(g.assets, property, g.overInternet ? fallbackInternet : fallbackInside),
          evidence: g.evidence,
          target: g.target,
        });
      }
      return out;
    },
  };
}

export const cleartextTampering = cleartextRule('T', 'integrity', {
  id: 'cleartext-tampering',
  title: 'Traffic can be modified in transit',
  verb: 'modify',
  description: 'Flows over unencrypted protocols: an attacker on the path changes requests and responses undetected.',
  mitigation: 'Use TLS on every network hop (HTTPS, TLS for databases and brokers), ideally mutual TLS between services.',
  action: 'Encrypt traffic with TLS (or mTLS) from {targets}',
  references: ['CWE-319', 'CWE-345', 'CAPEC-94', 'OWASP ASVS V9.1'],
});

export const cleartextDisclosure = cleartextRule('I', 'confidentiality', {
  id: 'cleartext-disclosure',
  title: 'Traffic can be read in transit',
  verb: 'read',
  description: 'Flows over unencrypted protocols: credentials, tokens and data are readable by anyone on the path.',
  mitigation: 'Use TLS on every network hop (HTTPS, TLS for databases and brokers); never send credentials over cleartext.',
  action: 'Encrypt traffic with TLS (or mTLS) from {targets}',
  references: ['CWE-319', 'CAPEC-157', 'OWASP ASVS V9.1'],
});

/** The encrypted flows into the element at `at` from browsers, in model order, through the adjacency (no lookups by id). */
function encryptedFromBrowsers(ctx: AnalysisContext, at: number, browsers: Uint8Array): Flow[] {
  const found: Flow[] = [];
  const { inStart, inFlow } = ctx.adjacency;
  const { flows } = ctx.graph.model;
  for (let j = inStart[at]; j < inStart[at + 1]; j++) {
    const k = inFlow[j];
    if (flows[k].encrypted && browsers[ctx.graph.flowSource[k]] === 1) found.push(flows[k]);
  }
  return found;
}

export const missingHsts: ElementRule = {
  id: 'missing-hsts',
  stride: 'T',
  title: 'TLS can be stripped (no HSTS)',
  description:
    'Browsers reach a component over HTTPS and authenticate with cookies, but the component does not send Strict-Transport-Security: on a hostile network the first plain-HTTP request is intercepted and the session downgraded (SSL stripping).',
  condition: 'an element receiving encrypted flows directly from a browser, where the browser\'s session reaches a component authenticating with `session-cookie` (the element itself or one behind edge components), without `hsts` on the element, its boundary or every such flow, nor (behind edge components) on every component keeping the session',
  mitigation: 'Send Strict-Transport-Security with a long max-age and includeSubDomains, redirect HTTP to HTTPS, and submit the domain to the HSTS preload list.',
  action: { text: 'Send HSTS (and preload) from {targets}' },
  mitigatedBy: ['hsts'],
  references: ['CWE-319', 'CWE-523', 'CAPEC-94', 'OWASP ASVS V9.1'],
  rating: 'Likelihood Medium (needs a position on the victim\'s network, such as public Wi-Fi); impact Medium (one user\'s session).',
  example: "elements:\n  visitor: { tech: browser }\n  app: { type: web-app, auth: session-cookie }\nflows:\n  - visitor -> app: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const i = ctx.graph.positionOf(element.id);
    if (i < 0 || browserHttpsTargetsAt(ctx)[i] === 0) return undefined;
    const fromBrowsers = encryptedFromBrowsers(ctx, i, browsersAt(ctx));
    const keepers = sessionKeepers(ctx, element.id);
    if (keepers.length === 0) return undefined;
    const open = fromBrowsers.filter((f) => !f.controls.includes('hsts'));
    if (open.length === 0 || ctx.elementHas(element, 'hsts')) {
      return mitigatedOutcome(element.id, 'element', undefined, flowIds(fromBrowsers), HSTS, 'browsers are pinned to HTTPS');
    }
    // Behind edge components the header comes from the component answering, and the edges pass it on.
    if (keepers[0] !== element && keepers.every((k) => ctx.elementHas(k, 'hsts'))) {
      const names = keepers.map((k) => k.name).sort().join(', ');
      return mitigatedOutcome(element.id, 'element', undefined, flowIds(fromBrowsers), HSTS, `browsers are pinned to HTTPS: hsts on ${names}`);
    }
    return threatOutcome(element.id, 'element', undefined, flowIds(open), {
      title: `SSL stripping against ${element.name} (no HSTS)`,
      description: `Browsers reach ${element.name} over HTTPS with session cookies, but nothing tells them to refuse plain HTTP; an attacker on the network can downgrade the first request and capture the session.`,
      likelihood: rated('Medium', 'needs a position on the victim\'s network (public Wi-Fi)'),
      impact: rated('Medium', 'one user\'s session: partial exposure'),
      evidence: [evidence(`${flowLabel(open[0], ctx)} comes from a browser`, open[0].at), missingControlEvidence(HSTS, element)],
    });
  },
};

const HSTS: string[] = ['hsts'];

/** Elements receiving an encrypted flow from a browser, by position: found in one pass over the flows. */
const browserHttpsTargetsAt: (ctx: AnalysisContext) => Uint8Array = perModel(findBrowserHttpsTargets);

function findBrowserHttpsTargets(ctx: AnalysisContext): Uint8Array {
  const { graph } = ctx;
  const flows = graph.model.flows;
  const browsers = browsersAt(ctx);
  const at = new Uint8Array(graph.model.elements.length);
  for (let k = 0; k < flows.length; k++) {
    const s = graph.flowSource[k];
    const t = graph.flowTarget[k];
    if (s >= 0 && t >= 0 && flows[k].encrypted && browsers[s] === 1) at[t] = 1;
  }
  return at;
}

/** The components keeping sessions in cookies that requests to `id` reach: the element itself, or those behind it along forwarded requests. */
function sessionKeepers(ctx: AnalysisContext, start: string): Element[] {
  const out: Element[] = [];
  const seen = new Set<string>();
  // Depth first in flow order, as a recursion would go, on a stack of its own: a chain of proxies may be long.
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const e = ctx.graph.elements.get(id);
    if (!e) continue;
    if (e.auth === 'session-cookie' || e.endpoints.some((ep) => ep.auth === 'session-cookie')) out.push(e);
    else if (isPassThrough(e)) {
      const next = ctx.graph.outFlows(id);
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i].to);
    }
  }
  return out;
}


/**
 * A download the app makes from an object store with a presigned URL (a signature in the link, scoped to one object
 * and minutes), or any call into a store of a cloud provider (AWS, Google Cloud, Azure), whose certificates the
 * provider rotates on its own schedule: pinning them breaks the app at the next rotation, and the API that hands
 * out the links is the call to pin.
 */
const managedStoreDownload = (ctx: AnalysisContext, flow: Flow, target: Element): boolean =>
  (target.kind === 'store' && target.traits.includes('cloud')) || (target.type === 'object-storage' && callAuth(ctx, flow).method === 'hmac');

/** A call of a mobile app not to pin: a sign-in at an identity provider, or a presigned or managed-store download. */
export const unpinnableCall = (ctx: AnalysisContext, flow: Flow, target: Element): boolean =>
  isIdentityProvider(target) || managedStoreDownload(ctx, flow, target);

/** The app's calls a rogue CA reads something of value from, each with what it would read. */
interface PinnableCall {
  flow: Flow;
  target: Element;
  data: Asset[];
  /** The user's credential the call sends, when it sends one. */
  credential: CallAuth | undefined;
}

/**
 * What a user signs in with, or the tokens standing for it: sent in every request, so a rogue CA reads it.
 * An app's own API key ships inside the app anyway, and mtls, hmac and iam never send their secret.
 */
function pinnableCalls(ctx: AnalysisContext, app: Element): PinnableCall[] {
  const out: PinnableCall[] = [];
  for (const flow of ctx.graph.outFlows(app.id)) {
    if (!flow.encrypted || flow.to === app.id) continue;
    const target = ctx.graph.elements.get(flow.to);
    if (target === undefined || unpinnableCall(ctx, flow, target)) continue;
    const data = sensitive(ctx.assetsOfFlow(flow));
    const auth = callAuth(ctx, flow);
    const credential = USER_CREDENTIALS.has(auth.method) ? auth : undefined;
    if (data.length > 0 || credential !== undefined) out.push({ flow, target, data, credential });
  }
  return out;
}

export const mobileCertificatePinning: ElementRule = {
  id: 'mobile-certificate-pinning',
  stride: 'S',
  title: 'Mobile app accepts any trusted certificate',
  description:
    'A mobile app sends sensitive data or the user\'s credentials over TLS without pinning the server\'s certificate: a user-installed or rogue CA, or a compromised device, lets an attacker impersonate the server. One finding per app, naming the hosts: the control is one, in the app.',
  condition: 'an element with the `mobile` trait whose encrypted flows carry sensitive assets or send the user\'s credentials (auth session-cookie, jwt, oauth2, oidc, saml, basic, password or kerberos, as the flow, the endpoint it names or else its target declares it; not the app\'s api-key, nor mtls, hmac or iam, which a rogue CA does not reveal), without `certificate-pinning` on the app (a flow that has it is mitigated on its own); one threat per app naming the hosts of the flows without it. Left out: flows to an identity provider (type `identity-provider` or a tech with the `identity` trait), as the sign-in runs in the system browser (RFC 8252), whose trust store the app does not control; and downloads from an object store with a presigned URL (auth `hmac`/`signature`) or any call into a managed store of a cloud provider (AWS, Google Cloud, Azure), whose certificates the provider rotates on its own schedule: pinning them breaks the app, and the API that hands out the links is the call to pin',
  mitigation: 'Pin the server\'s public key (with a backup pin and a rotation plan) in the app, and disallow user-installed CAs for the app\'s traffic.',
  action: { text: 'Pin server certificates in {targets}' },
  mitigatedBy: ['certificate-pinning'],
  references: ['CWE-295', 'CAPEC-94', 'OWASP MASVS-NETWORK-2'],
  rating: 'Likelihood Low (needs a rogue CA on the device or a targeted network attack); impact from the confidentiality of the data carried (the highest over the app\'s flows), Medium for credentials alone.',
  example: 'elements:\n  app: { tech: mobile-app }\n  api: { type: api, auth: jwt }\nflows:\n  - app -> api: https',
  appliesTo: 'element',
  kinds: ['external', 'process'],
  check(app, ctx) {
    if (!app.traits.includes('mobile')) return undefined;
    const calls = pinnableCalls(ctx, app);
    if (calls.length === 0) return undefined;
    const present = presentControls(ctx, ['certificate-pinning'], app);
    if (present.length) return mitigatedBy(present, { ...elementComponent(app), flows: calls.map((c) => c.flow.id) }, 'the app pins the server certificates');
    const out: Outcome[] = [];
    const open: PinnableCall[] = [];
    for (const c of calls) {
      if (c.flow.controls.includes('certificate-pinning')) out.push(mitigatedBy(['certificate-pinning'], flowComponent(c.flow), 'the app pins the server certificate'));
      else open.push(c);
    }
    if (open.length) out.push(pinningThreat(ctx, app, open));
    return out.length === 1 ? out[0] : out;
  },
};

/** The one finding for an app's unpinned calls: the hosts it trusts any certificate for, and what a rogue CA reads. */
function pinningThreat(ctx: AnalysisContext, app: Element, open: readonly PinnableCall[]): Outcome {
  const hosts = [...new Set(open.map((c) => c.target.name))];
  const data = [...new Set(open.flatMap((c) => c.data))];
  const methods = [...new Set(open.flatMap((c) => (c.credential ? [c.credential.method] : [])))];
  const userCredentials = `the user's credentials (${methods.join(', ')})`;
  const read = [...(data.length ? [assetNames(data)] : []), ...(methods.length ? [userCredentials] : [])].join(' and ');
  const titleHosts = hosts.length === 1 ? `${possessive(hosts[0])} certificate` : `the certificates of ${namesAtMost(hosts, TITLE_NAMES, 'other hosts')}`;
  return threat({
    ...elementComponent(app),
    flows: open.map((c) => c.flow.id),
    title: `${says(app.name, 'does')} not pin ${titleHosts}`,
    // One call is named as the flow it is; several by the hosts they go to.
    description: open.length === 1
      ? `${flowLabel(open[0].flow, ctx)} trusts any certificate the device trusts; a rogue or user-installed CA lets an attacker read ${read}.`
      : `${says(app.name, 'trusts')} any certificate the device trusts on ${its(app.name)} calls to ${namesAtMost(hosts, TEXT_NAMES, 'other hosts')}; a rogue or user-installed CA lets an attacker read ${read}.`,
    likelihood: rated('Low', 'needs a rogue CA on the device or a targeted network attack'),
    impact: assetImpact(data, 'confidentiality', rated('Medium', userCredentials)),
    evidence: open.flatMap((c) => {
      const label = flowLabel(c.flow, ctx);
      return [
        evidence(`${label} comes from a mobile app`, c.flow.at),
        ...(c.credential ? [evidence(`${label} authenticates the user with ${c.credential.method}`, c.credential.at)] : []),
      ];
    }),
    target: app.name,
  });
}

/** What makes an SSH client refuse a server it has not been told about: its known host key, checked strictly. */
const HOST_KEY_PINNING: string[] = ['host-key-pinning'];
/** Auth whose secret the SSH client sends to the server itself (a password), so that an impostor keeps it. */
const SSH_SECRET_SENT: ReadonlySet<string> = new Set(['password', 'basic']);

/**
 * Whom an SSH connection goes to outside our trusted zones: a third party, or anything but a person or the
 * program a person uses in an untrusted zone (a partner's network, the internet); undefined for our own servers.
 */
function sshServerOutside(ctx: AnalysisContext, to: Element): string | undefined {
  if (isPersonOrAgent(to)) return undefined;
  if (to.type === 'third-party') return `${says(to.name, 'is')} a third party`;
  return inUntrustedZone(ctx, to.id) ? `${says(to.name, 'sits')} in an untrusted zone` : undefined;
}

export const sshServerSpoofing: FlowRule = {
  id: 'ssh-server-spoofing',
  stride: 'S',
  title: 'SSH/SFTP server can be impersonated (host key not pinned)',
  description:
    'Our process connects over SSH (sftp, ssh) to a server outside our trusted zones and sends it data: unless the client knows the server\'s host key in advance and refuses any other (`StrictHostKeyChecking yes`), an attacker who controls DNS or a position on the path answers as the server and receives the files, and a password the client logs in with. A client key (`auth: ssh-key`) is not sent and cannot be relayed, but the impostor still receives what is uploaded.',
  condition: 'a flow over ssh, sftp or scp from a process (our code) to an element of type `third-party` or to one in an untrusted zone (not a person or the browser or app a person uses), carrying data assets or authenticating with a password (auth `password` or `basic`, as the flow, the endpoint it names or else its target declares it), without `host-key-pinning` on the flow or on the calling process (its boundary included): the client checks the host key, so the control is the client\'s',
  mitigation: 'Pin the server\'s host key: put it in the client\'s known_hosts from a fingerprint the partner gives out of band (not from a first connection), set `StrictHostKeyChecking yes` (and never `no` or `accept-new` in scripts and SFTP libraries), alert when a connection fails on a changed key, and prefer key authentication to a password.',
  action: { text: 'Pin SSH host keys (known_hosts, StrictHostKeyChecking yes) on {targets}' },
  mitigatedBy: HOST_KEY_PINNING,
  references: ['CWE-322', 'CAPEC-94', 'CAPEC-89', 'OWASP ASVS V9.2'],
  rating: 'Likelihood Low (needs control of DNS or a position on the path to the server), Medium when the calling process itself sits in an untrusted zone (a hostile network); impact from the confidentiality of the data sent, Medium for a password alone (it opens the real server to the attacker).',
  example: "assets:\n  statements: { type: financial, classification: confidential }\nelements:\n  ledger: { type: database, stores: [statements] }\n  export: { type: worker }\n  partner: { type: third-party }\nflows:\n  - export -> ledger: postgres+tls\n  - export -> partner: { protocol: sftp, auth: ssh-key, data: [statements] }",
  appliesTo: 'flow',
  gate: { from: { kinds: ['process'] } },
  check(flow, ctx) {
    if (!SSH_PROTOCOLS.has(flow.protocol) || flow.from === flow.to) return undefined;
    const from = ctx.graph.elements.get(flow.from);
    const to = ctx.graph.elements.get(flow.to);
    if (from === undefined || to === undefined || from.kind !== 'process') return undefined;
    const outside = sshServerOutside(ctx, to);
    if (outside === undefined) return undefined;
    const data = ctx.assetsOfFlow(flow).filter(isData);
    const auth = callAuth(ctx, flow);
    const password = SSH_SECRET_SENT.has(auth.method);
    if (data.length === 0 && !password) return undefined;
    const where = flowComponent(flow);
    if (flow.controls.includes('host-key-pinning')) return mitigatedBy(HOST_KEY_PINNING, where, 'the client accepts only the server\'s pinned host key');
    if (ctx.elementHas(from, 'host-key-pinning')) return mitigatedBy(HOST_KEY_PINNING, where, `${says(from.name, 'accepts')} only pinned host keys`);
    const label = flowLabel(flow, ctx);
    const names = data.length ? assetNames(data) : undefined;
    const given = [...(names ? [names] : []), ...(password ? [`the password ${it(from.name)} ${verbFor(from.name, 'logs')} in with`] : [])].join(' and ');
    const passwordImpact = rated('Medium', 'the password opens the real server to the attacker: partial data exposure');
    const dataImpact = data.length ? assetImpact(data, 'confidentiality', passwordImpact) : passwordImpact;
    return threat({
      ...where,
      title: `${to.name} can be impersonated to ${from.name} (${flow.protocol} host key not pinned)`,
      description: `${label} goes over ${flow.protocol} to a server outside our trusted zones; unless ${says(from.name, 'checks')} ${possessive(to.name)} host key against a pinned one, an attacker who answers for ${to.name} (DNS spoofing, a hijacked route) receives ${given}.`,
      likelihood: untrustedZoneAt(ctx, ctx.graph.positionOf(from.id))
        ? rated('Medium', `${says(from.name, 'sits')} in an untrusted zone: an attacker on the same network can answer for the server`)
        : rated('Low', 'needs control of DNS or a position on the network path to the server'),
      impact: password && ratingRank(dataImpact.level) < ratingRank(passwordImpact.level) ? passwordImpact : dataImpact,
      evidence: [
        evidence(`${label} uses ${flow.protocol}${names ? ` and carries ${names}` : ''}`, flow.at),
        ...(password ? [evidence(`${label} logs in with ${auth.method === 'basic' ? 'a password (basic)' : 'a password'}`, auth.at)] : []),
        evidence(outside, to.at),
        evidence(`no host-key-pinning on ${label} or on ${from.name}`, flow.at),
      ],
      target: label,
    });
  },
};
