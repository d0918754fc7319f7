// Message queues and event buses: who may publish, whether consumers can trust what they read, and what
// happens when messages pile up or keep failing. Producers are the sources of flows into a broker;
// consumers are the targets of its flows.
import type { Asset, Element, Flow, ModelPath } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import type { RatedLevel } from '../types.js';
import { assetImpact, rated, ratingRank } from '../risk.js';
import {
  assetNames, type CallAuth, callAuth, consumerConnection, consumersOf, endpointOfFlow, highIntegrity, isBroker, isNetworkFlow, openToPublic, publicPathsHave,
} from './facts.js';
import { AssetSet } from './family-shared.js';
import { agreeing, its, says, verbFor } from './grammar.js';
import {
  declaredAt, elementComponent, evidence, flowLabel, inUntrustedZone, isExposed, missingControlEvidence, mitigatedBy, namesAtMost,
  presentControls, TEXT_NAMES, threat, TITLE_NAMES, unlessControlled,
} from './helpers.js';
import type { ElementRule } from './types.js';

/** How a client's connection to the broker authenticates, and the consumer's connection a delivery is judged by. */
interface ClientAuth extends CallAuth {
  via?: Flow;
}

/**
 * How a client's connection to the broker authenticates. A flow into the broker is a call to it: its
 * effective auth (callAuth; an endpoint of the broker's it names included). A flow out of it carries what
 * a consumer reads, usually over a connection the consumer opens: the flow's own auth, or that of the
 * consumer's endpoint it names (the broker pushing to it), else the auth of the consumer's own flow into the
 * broker (consumerConnection); the consumer's `auth` is how its own callers reach it, not how it reaches the
 * broker.
 */
function clientAuth(ctx: AnalysisContext, broker: Element, f: Flow): ClientAuth {
  if (f.to === broker.id || f.auth !== 'none') return callAuth(ctx, f);
  const ep = endpointOfFlow(ctx, f);
  if (ep !== undefined) return { method: ep.auth, at: ep.at };
  const via = consumerConnection(ctx.graph, f);
  return via === undefined ? { method: 'none', at: f.at } : { ...callAuth(ctx, via), via };
}

/**
 * The evidence for a call that carries no credential: where only the flow could say (nothing states an auth,
 * or it states none) the model "states no auth"; a public endpoint it names is a choice the model made.
 */
export const noAuthFact = (label: string, auth: CallAuth, flow: Flow): string =>
  auth.at === flow.at ? `${label} states no auth` : `${label} uses auth none`;

/** A connection to the broker that carries no credential, and for a delivery the consumer's connection that says so. */
function openClientEvidence(ctx: AnalysisContext, broker: Element, f: Flow) {
  const auth = clientAuth(ctx, broker, f);
  const label = flowLabel(f, ctx);
  if (auth.via === undefined) return evidence(noAuthFact(label, auth, f), auth.at);
  return evidence(`${label} is read over ${flowLabel(auth.via, ctx)}, which ${auth.at === auth.via.at ? 'states no auth' : 'uses auth none'}`, auth.at);
}

/** A call through a cloud provider's API is signed with IAM credentials (SigV4 and the like) whatever the model states. */
const isOpen = (ctx: AnalysisContext, broker: Element) => (f: Flow) =>
  isNetworkFlow(f) && f.protocol !== 'cloud-api' && clientAuth(ctx, broker, f).method === 'none';
/** A managed broker of a cloud provider (SQS, Pub/Sub, Service Bus...) accepts no client without its IAM or keys. */
const providerAuthenticates = (broker: Element) => broker.traits.includes('cloud');

export const unauthenticatedBroker: ElementRule = {
  id: 'unauthenticated-broker',
  stride: 'S',
  title: 'Anyone on the network can publish or consume',
  description:
    'Clients connect to a message broker without authenticating: anything on the network can publish forged messages or read every topic.',
  condition: 'a queue or event bus (type `queue`/`event-bus` or the `message-broker` trait) that declares no `auth` of its own (how its clients authenticate) and is no cloud provider\'s managed broker (`cloud` trait: its IAM or keys are always required), with network flows in or out (other than `cloud-api` calls, signed with IAM) whose auth is `none` (into it: the flow\'s, else the endpoint it names; out of it, a delivery read over the consumer\'s own connection: the flow\'s, else the consumer endpoint it names, else that of the consumer\'s own flow into the broker, as a consumer\'s own `auth` is how its callers reach it; each such flow is counted and cited), without `authentication` on the broker',
  mitigation: 'Require authentication on the broker (per-service credentials, mTLS or IAM) and authorise each service to publish or consume only its own topics.',
  action: { text: 'Require authentication and per-topic permissions on {targets}' },
  mitigatedBy: ['authentication'],
  references: ['CWE-306', 'CWE-284', 'CAPEC-151'],
  rating: 'Likelihood Medium (needs network access to the broker), High when a client sits in an untrusted zone or the broker itself is reachable from the internet; impact Medium (forged and read messages), High when messages carry data of high integrity.',
  example: 'elements:\n  visitor: { tech: browser }\n  orders: { type: service }\n  billing: { type: service }\n  events: { tech: kafka }\n  db: { tech: postgres }\nflows:\n  - visitor -> orders: https\n  - orders -> events: kafka+tls\n  - events -> billing: kafka+tls\n  - billing -> db: sql+tls',
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    // A broker's own auth is how its clients authenticate: flows that do not restate it are not open.
    if (!isBroker(element) || (element.auth !== undefined && element.auth !== 'none') || providerAuthenticates(element)) return undefined;
    const open = ctx.graph.inFlows(element.id).filter(isOpen(ctx, element)).concat(ctx.graph.outFlows(element.id).filter(isOpen(ctx, element)));
    if (open.length === 0) return undefined;
    const critical = highIntegrity(open.flatMap((f) => ctx.assetsOfFlow(f)));
    const untrusted = open.some((f) => inUntrustedZone(ctx, f.from) || inUntrustedZone(ctx, f.to));
    const likelihood = untrusted
      ? rated('High', 'a client sits in an untrusted zone')
      : ctx.exposure(element.id) === 'internet'
        ? rated('High', 'the broker is reachable from the internet')
        : rated('Medium', 'needs network access to the broker');
    return unlessControlled(ctx, { element, flows: open }, ['authentication'], 'clients authenticate to the broker', (missing) => ({
      title: `${says(element.name, 'accepts')} unauthenticated clients`,
      description: `${open.length === 1 ? '1 connection' : `${open.length} connections`} to ${element.name} ${open.length === 1 ? 'carries' : 'carry'} no credentials; anything that reaches the broker can publish or read messages.`,
      likelihood,
      impact: critical.length ? rated('High', `forged messages change ${assetNames(critical)}`) : rated('Medium', 'forged and disclosed messages'),
      evidence: [...open.map((f) => openClientEvidence(ctx, element, f)), missing],
      // Clients on the internet (a device fleet) are why the broker is reachable: they are named in the fix.
      mitigation: untrusted
        ? 'Require authentication on connect from every client (a certificate per device, per-service credentials or IAM for our own services), and give each client an ACL limited to its own topics.'
        : undefined,
    }));
  },
};

/**
 * A call over HTTP to a broker whose clients speak a messaging protocol of its own (RabbitMQ's management UI on
 * 15672, EMQX's dashboard): its administration interface, not a client publishing or subscribing. A cloud
 * broker's clients (SQS, Pub/Sub) do use HTTPS; MQTT over WebSockets (`wss`) is a client too.
 */
const isManagementCall = (broker: Element, f: Flow): boolean => (f.protocol === 'http' || f.protocol === 'https') && !broker.traits.includes('cloud');

/**
 * The flows between a broker of ours and clients in untrusted zones (devices, apps, partners), which connect
 * to it by design; empty for a broker in an untrusted zone (someone else's) or with no such client.
 */
export function untrustedClientFlows(ctx: AnalysisContext, broker: Element): Flow[] {
  if (!isBroker(broker) || inUntrustedZone(ctx, broker.id)) return [];
  const flows: Flow[] = [];
  for (const f of [...ctx.graph.inFlows(broker.id), ...ctx.graph.outFlows(broker.id)]) {
    const other = f.from === broker.id ? f.to : f.from;
    if (other !== broker.id && isNetworkFlow(f) && !isManagementCall(broker, f) && inUntrustedZone(ctx, other)) flows.push(f);
  }
  return flows;
}

const CLIENT_ISOLATION = ['authorization'] as const;

export const unconfinedBrokerClients: ElementRule = {
  id: 'unconfined-broker-clients',
  stride: 'E',
  title: 'Internet clients of a broker are not confined to their own topics',
  description:
    'Devices, apps or partners on the internet connect to a message broker of ours by design (an MQTT broker for a device fleet) and authenticate, but nothing limits each client to its own topics: one client credential, extracted from a device anyone can buy, subscribes to every client\'s messages or publishes as any of them.',
  condition: 'a queue or event bus of ours (not in an untrusted zone) with network flows to or from elements in an untrusted zone (over HTTP only for a cloud broker: HTTP to another broker is its management interface), all of them authenticated (auth other than `none`, `authentication` on the flow, or an `auth` or `authentication` on the broker; a delivery to a client without auth of its own takes that of the client\'s own flow into the broker), without `authorization` (per-client topic permissions) on the broker or its boundary; clients that connect without credentials are unauthenticated-broker\'s finding, whose fix includes per-client topics',
  mitigation: 'Give each client an ACL limited to its own topics (for devices, `devices/{client id}/#` from the certificate\'s identity), deny wildcard subscriptions to clients, and alert on clients that touch others\' topics.',
  action: { text: 'Confine each client of {targets} to its own topics (per-client ACLs)' },
  mitigatedBy: CLIENT_ISOLATION,
  references: ['CWE-284', 'CWE-639', 'CAPEC-122', 'OWASP IoT Top 10 I3'],
  rating: 'Likelihood Medium (needs one client\'s credential, extracted from a device or app); impact from the confidentiality or integrity (the higher) of what the broker carries, Medium by default.',
  example: "assets:\n  commands: { integrity: high }\nelements:\n  sensor: { type: device }\n  broker: { tech: mosquitto }\n  ingest: { type: service }\n  db: { tech: postgres }\nflows:\n  - sensor -> broker: { protocol: mqtts, auth: mtls }\n  - broker -> sensor: { protocol: mqtts, auth: mtls, data: [commands] }\n  - broker -> ingest: { protocol: mqtts, auth: mtls }\n  - ingest -> db: { protocol: postgres+tls, auth: password }",
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    const clients = untrustedClientFlows(ctx, element);
    if (clients.length === 0) return undefined;
    const brokerAuth = (element.auth !== undefined && element.auth !== 'none') || ctx.elementHas(element, 'authentication');
    const auth = (f: Flow) => clientAuth(ctx, element, f).method;
    if (!brokerAuth && clients.some((f) => auth(f) === 'none' && !f.controls.includes('authentication'))) return undefined;
    const names = [...new Set(clients.map((f) => ctx.graph.elements.get(f.from === element.id ? f.to : f.from)?.name ?? ''))].sort();
    const carried = new AssetSet();
    for (const f of [...ctx.graph.inFlows(element.id), ...ctx.graph.outFlows(element.id)]) carried.addFlow(ctx, f);
    carried.addAll(ctx.assetsOf(element.id));
    const data = carried.list.filter((a) => a.kind === 'data');
    const confidentiality = assetImpact(data, 'confidentiality', rated('Medium', 'other clients\' messages'));
    const integrity = assetImpact(data, 'integrity', confidentiality);
    const means = [...new Set(clients.map(auth).filter((a) => a !== 'none'))].sort();
    return unlessControlled(ctx, { element, flows: clients }, CLIENT_ISOLATION, 'each client is confined to its own topics', (missing) => ({
      title: `Clients of ${element.name} on the internet are not confined to their own topics`,
      description: `${namesAtMost(names, TEXT_NAMES, 'other clients')} ${agreeing(names, 'connects', 'connect')} to ${element.name} from an untrusted zone, as ${agreeing(names, 'it', 'they')} must, and ${agreeing(names, 'authenticates', 'authenticate')}${means.length ? ` (${means.join(', ')})` : ''}; nothing says each client is limited to its own topics, so one extracted client credential reads every client\'s messages${data.length ? ` (${assetNames(data)})` : ''} or publishes as any of them.`,
      likelihood: rated('Medium', 'needs one client\'s credential, extracted from a device or app anyone can get'),
      impact: ratingRank(integrity.level) > ratingRank(confidentiality.level) ? integrity : confidentiality,
      evidence: [evidence(`${flowLabel(clients[0], ctx)} connects a client in an untrusted zone`, clients[0].at), missing],
    }));
  },
};

const EVENT_SIGNING = ['request-signing', 'signature-verification'] as const;

export const unsignedEvents: ElementRule = {
  id: 'unsigned-events',
  stride: 'T',
  title: 'Consumers trust unsigned events from exposed producers',
  description:
    'Events that change integrity-critical data pass through a broker from producers that face untrusted zones: a compromised producer, or anyone who can publish, forges events that consumers act on.',
  condition: 'a queue or event bus with at least one consumer that is not a store and a producer reachable from an untrusted zone whose flows into it carry assets of high integrity, without `request-signing` or `signature-verification` on the broker; a flow that declares either (or whose producer declares `request-signing`) is signed, and a consumer that declares `signature-verification` (itself or on its flow from the broker) checks what it reads: the finding names the unsigned flows\' producers and the consumers that do not check, and its impact follows what those consumers do: Medium when each of them only notifies (its type, tech, id or name says notification, push, e-mail, mailer, SMS, FCM or APNs, or its tech sends e-mail, or every call it makes goes to such a sender; and it calls nothing else but secrets vaults, identity providers and logs, and writes no restricted or high-integrity data other than secrets and credentials), High otherwise (one moves money: the `payment` trait, or a call to an element with it; one writes restricted or high-integrity data to a store; or nothing says it only notifies). Per-producer topic permissions make it one step less likely (Low), not mitigated: when every producer authenticates (the auth of its flow or of the endpoint it names, an `auth` or `authentication` on the broker, `authentication` on the flow, a `cloud-api` call or a cloud provider\'s managed broker) and `authorization` is declared on the broker (or its boundary) or on every unsigned flow of an exposed producer, no one else publishes on an exposed producer\'s topics, but a compromised exposed producer still publishes on its own (which may carry fleet-wide commands); one producer that connects without credentials keeps it Medium',
  mitigation: 'Sign events at the producer with a key the consumers trust, verify signatures and schemas in consumers (per-producer topics with publish permissions stop other publishers, not a compromised producer on its own topics), and make handlers idempotent.',
  action: { text: 'Sign events and verify them in consumers of {targets}' },
  mitigatedBy: EVENT_SIGNING,
  references: ['CWE-345', 'CWE-346', 'CAPEC-94'],
  rating: 'Likelihood Medium (needs a compromised producer or publish access), Low when every producer authenticates and may publish only to its own topics (needs a compromised exposed producer); impact by what the consumers that do not check do with the events: Medium when each of them only sends notifications (a forged event makes a misleading push, e-mail or text message), else High (they move money, write restricted or integrity-critical data, or act on the events otherwise).',
  example: "assets:\n  payments: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  events: { tech: sns }\n  ledger: { type: service }\nflows:\n  - visitor -> api: https\n  - api -> events: { protocol: https, data: [payments] }\n  - events -> ledger: { protocol: https, data: [payments] }",
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!isBroker(element)) return undefined;
    // A store that keeps the events (an archive, another queue) acts on none of them.
    const consumers = [...new Set(consumersOf(ctx, element))].filter((c) => c.kind !== 'store');
    if (consumers.length === 0) return undefined;
    // What exposed producers publish, each asset once: what other producers send is not theirs to forge here.
    const published = new AssetSet();
    const feeds: Flow[] = [];
    // A feed signed on its flow or by its producer is not forged unnoticed; its controls name the mitigation.
    const signedWith = new Set<string>();
    for (const f of ctx.graph.inFlows(element.id)) {
      const p = ctx.graph.elements.get(f.from);
      if (f.from === element.id || p?.kind !== 'process' || !isExposed(ctx.exposure(p.id))) continue;
      const critical = highIntegrity(ctx.assetsOfFlow(f));
      if (critical.length === 0) continue;
      const signing = EVENT_SIGNING.filter((c) => f.controls.includes(c));
      if (signing.length === 0 && ctx.elementHas(p, 'request-signing')) signing.push('request-signing');
      if (signing.length) {
        for (const c of signing) signedWith.add(c);
        continue;
      }
      published.addAll(critical);
      feeds.push(f);
    }
    if (feeds.length === 0 && signedWith.size === 0) return undefined;
    const own = presentControls(ctx, EVENT_SIGNING, element);
    if (own.length) return mitigatedBy(own, elementComponent(element), 'events are signed and verified');
    if (feeds.length === 0) return mitigatedBy([...signedWith].sort(), elementComponent(element), 'exposed producers sign the events they publish');
    const unchecked = consumers.filter((c) => !checksSignatures(ctx, element, c));
    if (unchecked.length === 0) return mitigatedBy(['signature-verification'], elementComponent(element), 'every consumer verifies signatures');
    // Topic permissions bound to producer identities stop everyone else publishing on an exposed producer's
    // topics, but not the producer itself once compromised: what it may publish (fleet-wide commands) stays open.
    const confined = producersConfined(ctx, element, feeds);
    const producers = [...new Set(feeds.map((f) => ctx.graph.elements.get(f.from)!))];
    const direct = producers.filter((p) => ctx.exposure(p.id) === 'internet');
    const indirect = producers.filter((p) => ctx.exposure(p.id) !== 'internet');
    const critical = published.list;
    const names = (list: readonly Element[], others: string, singular: string, plural: string) =>
      `${namesAtMost(list.map((e) => e.name), TEXT_NAMES, others)} ${agreeing(list.map((e) => e.name), singular, plural)}`;
    const faces = direct.length ? names(direct, 'other producers', 'faces untrusted zones', 'face untrusted zones') : '';
    const behind = indirect.length
      ? names(indirect, 'other producers', 'is reached from untrusted zones through other components', 'are reached from untrusted zones through other components')
      : '';
    const publish = `${assetNames(critical)} to ${element.name}`;
    const who = faces && behind
      ? `${faces} and ${behind}; they publish ${publish}`
      : `${faces || behind} and ${agreeing(producers.map((p) => p.name), 'publishes', 'publish')} ${publish}`;
    const first = producers[0];
    return threat({
      ...elementComponent(element),
      title: `Forged events on ${element.name}`,
      description: `${who}; ${names(unchecked, 'other consumers', 'acts', 'act')} on ${its(element.name)} events without checking who produced them.${confined
        ? ` Topic permissions stop everyone else publishing on the topics of ${namesAtMost(producers.map((p) => p.name), TEXT_NAMES, 'the other producers')}, but not ${producers.length === 1 ? `a compromised ${first.name}` : 'any of them, once compromised,'} on ${producers.length === 1 ? its(first.name) : 'its'} own.`
        : ''}`,
      likelihood: confined
        ? rated('Low', 'every producer authenticates and may publish only to its own topics: that stops everyone else, but not a compromised exposed producer')
        : rated('Medium', 'needs a compromised producer or publish access'),
      impact: forgeryImpact(ctx, unchecked, critical),
      evidence: [
        evidence(`${says(first.name, 'publishes')} ${assetNames(highIntegrity(ctx.assetsOfFlow(feeds[0])))} to ${element.name}`, feeds[0].at),
        evidence(ctx.exposure(first.id) === 'internet' ? `${says(first.name, 'faces')} an untrusted zone` : `${says(first.name, 'is')} reached from an untrusted zone through other components`, first.at),
        missingControlEvidence(EVENT_SIGNING, element),
      ],
    });
  },
};

/**
 * What sends notifications, by its words: a notification, push, e-mail or SMS service (FCM, APNs, Twilio,
 * OneSignal), a mailer. Whole words of the type, tech, id or name, so that `mailbox-archive` is no mailer.
 */
const NOTIFY_WORDS = /(?:^|[^a-z])(?:notif(?:y|ier|iers|ication|ications)|push|e?-?mails?|mailer|mailers|sms|fcm|apns|twilio|onesignal)(?:$|[^a-z])/;
const saysNotifies = (e: Element): boolean =>
  e.traits.includes('email') || [e.type, e.tech, e.id, e.name].some((w) => w !== undefined && NOTIFY_WORDS.test(w.toLowerCase()));

/** Data whose change matters: restricted or of high integrity; a sender's own keys (secrets, credentials) are read, not changed. */
const weighty = (assets: readonly Asset[]) =>
  assets.filter((a) => a.kind === 'data' && (a.classification === 'restricted' || a.integrity === 'high') && a.type !== 'secrets' && a.type !== 'credentials');

/** The assets a store keeps, as declared (unknown ids skipped). */
const storedIn = (ctx: AnalysisContext, store: Element): Asset[] =>
  store.stores.map((id) => ctx.graph.assets.get(id)).filter((a): a is Asset => a !== undefined);

/** Where a sender only fetches what it needs to send: its keys, its tokens, or a log line. */
const sendsThrough = (e: Element): boolean =>
  e.type === 'secrets-vault' || e.type === 'logs' || e.type === 'identity-provider' || e.traits.includes('identity');

/** What a consumer does with the events it reads, by what it is and what it calls, for the impact of forging them. */
interface ConsumerUse {
  money: boolean;
  /** Restricted or high-integrity data it writes to stores (and their names). */
  writes: readonly Asset[];
  notifies: boolean;
}

function consumerUse(ctx: AnalysisContext, consumer: Element): ConsumerUse {
  const calls = ctx.graph.outFlows(consumer.id).filter((f) => f.to !== consumer.id);
  const targets = calls.map((f) => ({ f, to: ctx.graph.elements.get(f.to) })).filter((c): c is { f: Flow; to: Element } => c.to !== undefined);
  const money = consumer.traits.includes('payment') || targets.some((c) => c.to.traits.includes('payment'));
  const writes = new AssetSet();
  for (const { f, to } of targets) {
    if (to.kind !== 'store' || sendsThrough(to)) continue;
    writes.addAll(weighty(ctx.assetsOfFlow(f)));
    writes.addAll(weighty(storedIn(ctx, to)));
  }
  const others = targets.filter((c) => c.to.kind !== 'store' && !sendsThrough(c.to));
  const senders = others.filter((c) => saysNotifies(c.to));
  const notifies = !money && writes.list.length === 0 && senders.length === others.length && (saysNotifies(consumer) || senders.length > 0);
  return { money, writes: writes.list, notifies };
}

/**
 * The impact of forged events, by what the consumers that do not check them do: a forged event that only makes
 * a notification misleads one person (Medium); one that moves money or changes restricted data is High.
 */
function forgeryImpact(ctx: AnalysisContext, unchecked: readonly Element[], critical: readonly Asset[]): RatedLevel {
  const uses = unchecked.map((c) => ({ c, use: consumerUse(ctx, c) }));
  const named = (list: typeof uses) => list.map((u) => u.c.name);
  const forged = `forged ${assetNames(critical)}`;
  const paying = uses.filter((u) => u.use.money);
  if (paying.length) return rated('High', `${namesAtMost(named(paying), TEXT_NAMES, 'other consumers')} ${agreeing(named(paying), 'moves', 'move')} money on ${forged}`);
  const writing = uses.filter((u) => u.use.writes.length > 0);
  if (writing.length) {
    return rated('High', `${namesAtMost(named(writing), TEXT_NAMES, 'other consumers')} ${agreeing(named(writing), 'writes', 'write')} ${assetNames(writing.flatMap((u) => u.use.writes))} on ${forged}`);
  }
  if (uses.every((u) => u.use.notifies)) {
    const names = named(uses);
    return rated('Medium', `${namesAtMost(names, TEXT_NAMES, 'other consumers')} only ${agreeing(names, 'sends', 'send')} notifications: a forged event makes a misleading notification but changes no data`);
  }
  return rated('High', `consumers act on ${forged}`);
}

/**
 * Whether the broker's producers publish only where their identity allows: every producer authenticates (its
 * flow's auth, the broker's `auth` or `authentication`, `authentication` on the flow, a `cloud-api` call or a
 * cloud provider's broker) and topic permissions are declared (`authorization` on the broker or its boundary,
 * or on every unsigned feed of an exposed producer). One anonymous producer publishes wherever it likes.
 */
function producersConfined(ctx: AnalysisContext, broker: Element, feeds: readonly Flow[]): boolean {
  const brokerAuth = (broker.auth !== undefined && broker.auth !== 'none') || ctx.elementHas(broker, 'authentication') || providerAuthenticates(broker);
  const authenticated = (f: Flow) =>
    brokerAuth || f.protocol === 'cloud-api' || f.controls.includes('authentication') || clientAuth(ctx, broker, f).method !== 'none';
  const producers = ctx.graph.inFlows(broker.id).filter((f) => f.from !== broker.id && isNetworkFlow(f));
  if (!producers.every(authenticated)) return false;
  return ctx.elementHas(broker, 'authorization') || feeds.every((f) => f.controls.includes('authorization'));
}

/** Whether a consumer verifies what it reads from the broker: itself, or on every flow it reads over. */
function checksSignatures(ctx: AnalysisContext, broker: Element, consumer: Element): boolean {
  return ctx.elementHas(consumer, 'signature-verification') ||
    ctx.graph.outFlows(broker.id).every((f) => f.to !== consumer.id || f.controls.includes('signature-verification'));
}

/**
 * Brokers that keep messages in a partitioned log consumers read by offset (Kafka and what speaks its protocol,
 * Kinesis, Event Hubs): nothing is redelivered by the broker, so a record that always fails stops its consumer at
 * that offset. By tech (the catalogue has no trait for it), by name, or by a consumer flow over the Kafka protocol.
 */
const LOG_BROKER_TECH: ReadonlySet<string> = new Set(['kafka', 'redpanda', 'kinesis', 'azure-event-hubs', 'msk', 'amazon-msk', 'confluent', 'event-hubs']);
const LOG_BROKER_WORDS = /(?:^|[^a-z])(?:kafka|msk|kinesis|event[- ]?hubs?|redpanda)(?:$|[^a-z])/i;
const isLogBroker = (broker: Element, reads: readonly Flow[]): boolean =>
  (broker.tech !== undefined && LOG_BROKER_TECH.has(broker.tech)) || LOG_BROKER_WORDS.test(broker.id) || LOG_BROKER_WORDS.test(broker.name) ||
  reads.some((f) => f.protocol.startsWith('kafka'));

const QUEUE_POISON_ADVICE = 'Cap redeliveries and move failing messages to a dead-letter queue with an alert; validate message schemas before processing.';
const LOG_POISON_ADVICE =
  'Catch the failure in the consumer: after a few attempts route the failing record to a dead-letter topic with its error and commit past it, so that the partition moves on; alert on consumer lag (iterator age on Kinesis); validate record schemas (a schema registry) before processing.';

export const poisonMessage: ElementRule = {
  id: 'poison-message',
  stride: 'D',
  title: 'Poison messages block consumers',
  description:
    'A message that always fails (malformed, or triggering a bug) is redelivered forever: the consumer loops on it and the rest of the queue waits.',
  condition: 'a queue or event bus with at least one consumer process, without `dead-letter-queue` on the broker or its consumers (themselves, or on their flows from the broker). A log-based broker (tech kafka, redpanda, kinesis or azure-event-hubs, an id or name saying Kafka, MSK, Kinesis, Event Hubs or Redpanda, or a consumer flow over the Kafka protocol) redelivers nothing: its consumer stops at the failing record\'s offset, and the advice is a dead-letter topic in the consumer and an alert on consumer lag',
  mitigation: 'Cap redeliveries and move failing messages to a dead-letter queue with an alert; validate message schemas before processing. On a log-based broker (Kafka, Kinesis, Event Hubs), route failing records to a dead-letter topic in the consumer, commit past them after a few attempts, and alert on consumer lag.',
  action: { text: 'Add dead-letter queues and retry limits to {targets}' },
  mitigatedBy: ['dead-letter-queue'],
  references: ['CWE-400', 'CWE-835', 'CAPEC-130'],
  rating: 'Likelihood Low (needs a malformed message or a bug); impact Medium (processing stops).',
  example: 'elements:\n  jobs: { tech: sqs }\n  worker: { type: worker }\nflows:\n  - jobs -> worker: https',
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!isBroker(element)) return undefined;
    const reads = ctx.graph.outFlows(element.id).filter((f) => f.to !== element.id && ctx.graph.elements.get(f.to)?.kind === 'process');
    if (reads.length === 0) return undefined;
    const present = presentControls(ctx, ['dead-letter-queue'], element);
    // Consumers with a dead-letter queue of their own, or on the flow they read over, are not named among those without.
    const without = reads.filter((f) => !f.controls.includes('dead-letter-queue')).map((f) => ctx.graph.elements.get(f.to)!)
      .filter((c) => !ctx.elementHas(c, 'dead-letter-queue'));
    if (present.length || without.length === 0) {
      return mitigatedBy(['dead-letter-queue'], elementComponent(element), 'failing messages are moved aside');
    }
    const names = without.map((c) => c.name);
    const consume = `${namesAtMost(names, TEXT_NAMES, 'other consumers')} ${agreeing(names, 'consumes', 'consume')} ${element.name}`;
    // A log redelivers nothing: the consumer itself stops on the record, so the fix is in the consumer.
    const log = isLogBroker(element, reads);
    return threat({
      ...elementComponent(element),
      title: log ? `Poison records can stall consumers of ${element.name}` : `Poison messages can stall ${element.name}`,
      description: log
        ? `${consume} with no dead-letter topic; ${says(element.name, 'keeps')} records in a log and ${verbFor(element.name, 'redelivers')} nothing, so one record that always fails stops ${agreeing(names, 'its consumer', 'its consumers')} at that offset and every record behind it waits.`
        : `${consume} with no dead-letter queue; one message that always fails blocks processing.`,
      likelihood: rated('Low', log ? 'needs a malformed record or a bug' : 'needs a malformed message or a bug'),
      impact: rated('Medium', 'message processing stops: downtime'),
      evidence: [evidence(`${says(without[0].name, 'consumes')} ${element.name}`, element.at), missingControlEvidence(['dead-letter-queue'], element)],
      mitigation: log ? LOG_POISON_ADVICE : QUEUE_POISON_ADVICE,
    });
  },
};

const FLOOD_CONTROLS = ['rate-limiting', 'size-limits'] as const;

export const queueFlooding: ElementRule = {
  id: 'queue-flooding',
  stride: 'D',
  title: 'Queue flooding from exposed producers',
  description:
    'Producers that take requests from the internet enqueue work without limits: a burst of requests fills the queue, delays every other job and runs up cost.',
  condition: 'a queue or event bus fed by a producer whose exposure is `internet` over a flow without `rate-limiting` on the flow, on the producer (all its public endpoints) or on every path in front of the producer, and without `size-limits` or `rate-limiting` declared on the broker or its boundary (a size limit in front of the producer caps requests, not the queue)',
  mitigation: 'Rate-limit the producing endpoints per client, bound queue length and message size, and separate queues for untrusted and internal work.',
  action: { text: 'Bound queue length and rate-limit producers of {targets}' },
  mitigatedBy: FLOOD_CONTROLS,
  references: ['CWE-770', 'CWE-400', 'CAPEC-125'],
  rating: 'Likelihood Medium (needs sustained requests); impact Medium (delayed processing and cost).',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  jobs: { tech: rabbitmq }\n  worker: { type: worker }\n  db: { tech: postgres }\nflows:\n  - visitor -> api: https\n  - api -> jobs: amqps\n  - jobs -> worker: amqps\n  - worker -> db: postgres+tls',
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!isBroker(element)) return undefined;
    const feeds = ctx.graph.inFlows(element.id).filter((f) => f.from !== element.id && isInternetProcess(ctx, f.from));
    if (feeds.length === 0) return undefined;
    // Only the broker's own limits bound the queue: what stands in front of it (a gateway's body size
    // limit) caps requests, and reaches the broker through ctx.elementHas as a perimeter control.
    const own = FLOOD_CONTROLS.filter((c) => declaredAt(ctx, element, c) !== undefined);
    if (own.length) {
      return mitigatedBy(own, elementComponent(element), `the queue itself is limited: ${own.map((c) => `${c} on ${declaredAt(ctx, element, c)}`).join(', ')}`);
    }
    const throttles = new Set<string>();
    const open: Flow[] = [];
    for (const f of feeds) {
      const at = rateLimitedAt(ctx, f);
      if (at === undefined) open.push(f);
      else for (const place of at) throttles.add(place);
    }
    const producers = (flows: readonly Flow[]) => [...new Set(flows.map((f) => ctx.graph.elements.get(f.from)!))];
    if (open.length === 0) {
      const names = producers(feeds).map((p) => p.name);
      return mitigatedBy(['rate-limiting'], elementComponent(element), `rate-limiting at ${[...throttles].sort().join(', ')} throttles what ${namesAtMost(names, TEXT_NAMES, 'other producers')} ${agreeing(names, 'enqueues', 'enqueue')}`);
    }
    const unthrottled = producers(open);
    const names = unthrottled.map((p) => p.name);
    const text = namesAtMost(names, TEXT_NAMES, 'other producers');
    // A limit in front that does not bound the queue is named, so that the reader sees why it does not count.
    const capped = ctx.elementHas(element, 'size-limits') ? ctx.controlSource(element, 'size-limits') : undefined;
    // Where some endpoints of a producer are rate-limited, the way without a limit is through the others: named.
    const parts = unthrottled.map((p) => unlimitedPart(ctx, p));
    const partly = parts.some((part, i) => part !== names[i]);
    const unlimited = namesAtMost(parts, TEXT_NAMES, 'other producers');
    return threat({
      ...elementComponent(element),
      title: `${element.name} can be flooded through ${namesAtMost(names, TITLE_NAMES, 'other producers')}`,
      description: `${text} ${agreeing(names, 'enqueues', 'enqueue')} work for internet requests with no rate limit on the way${partly ? ` to ${unlimited}` : ''}, and ${says(element.name, 'is')} unbounded${capped ? `; size-limits at ${placeOf(ctx, capped)} caps the size of requests, not the length of the queue` : ''}.`,
      likelihood: rated('Medium', 'needs sustained requests from the internet'),
      impact: rated('Medium', 'delayed processing and cost'),
      evidence: [
        evidence(`${says(unthrottled[0].name, 'produces')} to ${element.name}`, open[0].at),
        evidence(`no rate-limiting on ${unlimited} or in front of ${agreeing(names, 'it', 'them')}`, unthrottled[0].at),
        evidence(`no size-limits or rate-limiting declared on ${element.name}`, element.at),
      ],
    });
  },
};

function isInternetProcess(ctx: AnalysisContext, id: string): boolean {
  return ctx.graph.elements.get(id)?.kind === 'process' && ctx.exposure(id) === 'internet';
}

/**
 * Where the requests that a producer turns into messages over this flow are rate-limited, by name: the
 * flow, or the producer (itself, its boundary, its public endpoints or every path in front of it).
 */
function rateLimitedAt(ctx: AnalysisContext, f: Flow): string[] | undefined {
  if (f.controls.includes('rate-limiting')) return [flowLabel(f, ctx)];
  const producer = ctx.graph.elements.get(f.from)!;
  if (!publicPathsHave(ctx, producer, 'rate-limiting')) return undefined;
  const open = producer.endpoints.filter((ep) => openToPublic(ctx, ep));
  const sources = open.length ? open.map((ep) => ctx.controlSource(producer, 'rate-limiting', ep)) : [ctx.controlSource(producer, 'rate-limiting')];
  return sources.map((at) => (at ? placeOf(ctx, at) : `in front of ${producer.name}`));
}

/**
 * What of a producer lacks rate-limiting: the open endpoints without it when others have it, else the producer.
 * Open as `publicPathsHave` counts them (openToPublic).
 */
function unlimitedPart(ctx: AnalysisContext, producer: Element): string {
  const open = producer.endpoints.filter((ep) => openToPublic(ctx, ep));
  const without = open.filter((ep) => !ctx.endpointHas(ep, 'rate-limiting'));
  return without.length && without.length < open.length ? `${without.map((ep) => ep.key).sort().join(', ')} on ${producer.name}` : producer.name;
}

/** The name of what a path from `ctx.controlSource` points at: a flow, a boundary, an endpoint or an element. */
function placeOf(ctx: AnalysisContext, at: ModelPath): string {
  const [section, key] = at;
  if (section === 'flows') {
    const f = ctx.graph.model.flows[key as number];
    return f ? flowLabel(f, ctx) : String(key);
  }
  if (section === 'boundaries') return ctx.graph.boundaries.get(String(key))?.name ?? String(key);
  const name = ctx.graph.elements.get(String(key))?.name ?? String(key);
  return at[2] === 'endpoints' ? `${at[3]} on ${name}` : name;
}
