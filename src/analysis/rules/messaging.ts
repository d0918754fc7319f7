// Message queues and event buses: who may publish, whether consumers can trust what they read, and what
// happens when messages pile up or keep failing. Producers are the sources of flows into a broker;
// consumers are the targets of its flows.
import type { Flow } from '../../model/types.js';
import { rated } from '../risk.js';
import { assetNames, consumersOf, highIntegrity, isBroker, isNetworkFlow, producersOf } from './facts.js';
import { AssetSet } from './family-shared.js';
import {
  elementComponent, evidence, flowLabel, inUntrustedZone, isExposed, missingControlEvidence, mitigatedBy, namesAtMost,
  presentControls, TEXT_NAMES, threat, TITLE_NAMES, unlessControlled,
} from './helpers.js';
import type { ElementRule } from './types.js';

const isOpen = (f: Flow) => isNetworkFlow(f) && f.auth === 'none';

export const unauthenticatedBroker: ElementRule = {
  id: 'unauthenticated-broker',
  stride: 'S',
  title: 'Anyone on the network can publish or consume',
  description:
    'Clients connect to a message broker without authenticating: anything on the network can publish forged messages or read every topic.',
  condition: 'a queue or event bus (type `queue`/`event-bus` or the `message-broker` trait) with network flows in or out whose auth is `none`, without `authentication` on the broker',
  mitigation: 'Require authentication on the broker (per-service credentials, mTLS or IAM) and authorise each service to publish or consume only its own topics.',
  action: { text: 'Require authentication and per-topic permissions on {targets}' },
  mitigatedBy: ['authentication'],
  references: ['CWE-306', 'CWE-284', 'CAPEC-151'],
  rating: 'Likelihood Medium (needs network access to the broker), High when a producer sits in an untrusted zone; impact Medium (forged and read messages), High when messages carry data of high integrity.',
  example: 'elements:\n  orders: { type: service }\n  billing: { type: service }\n  events: { tech: kafka }\nflows:\n  - orders -> events: kafka+tls\n  - events -> billing: kafka+tls',
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!isBroker(element)) return undefined;
    const open = ctx.graph.inFlows(element.id).filter(isOpen).concat(ctx.graph.outFlows(element.id).filter(isOpen));
    if (open.length === 0) return undefined;
    const critical = highIntegrity(open.flatMap((f) => ctx.assetsOfFlow(f)));
    const untrusted = open.some((f) => inUntrustedZone(ctx, f.from));
    return unlessControlled(ctx, { element, flows: open }, ['authentication'], 'clients authenticate to the broker', (missing) => ({
      title: `${element.name} accepts unauthenticated clients`,
      description: `${open.length} connection${open.length > 1 ? 's' : ''} to ${element.name} carry no credentials; anything that reaches the broker can publish or read messages.`,
      likelihood: untrusted ? rated('High', 'a client sits in an untrusted zone') : rated('Medium', 'needs network access to the broker'),
      impact: critical.length ? rated('High', `forged messages change ${assetNames(critical)}`) : rated('Medium', 'forged and disclosed messages'),
      evidence: [evidence(`${flowLabel(open[0], ctx)} uses auth none`, open[0].at), missing],
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
  condition: 'a queue or event bus with at least one producer reachable from an untrusted zone and at least one consumer, carrying assets of high integrity, without `request-signing` or `signature-verification` on the broker',
  mitigation: 'Sign events at the producer (or use per-producer topics with publish permissions), verify signatures and schemas in consumers, and make handlers idempotent.',
  action: { text: 'Sign events and verify them in consumers of {targets}' },
  mitigatedBy: EVENT_SIGNING,
  references: ['CWE-345', 'CWE-346', 'CAPEC-94'],
  rating: 'Likelihood Medium (needs a compromised producer or publish access); impact High (consumers change integrity-critical data).',
  example: "assets:\n  payments: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  events: { tech: sns }\n  ledger: { type: service }\nflows:\n  - visitor -> api: https\n  - api -> events: { protocol: https, data: [payments] }\n  - events -> ledger: { protocol: https, data: [payments] }",
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!isBroker(element)) return undefined;
    const exposedProducers = producersOf(ctx, element).filter((p) => p.kind === 'process' && isExposed(ctx.exposure(p.id)));
    const consumers = consumersOf(ctx, element);
    if (exposedProducers.length === 0 || consumers.length === 0) return undefined;
    // What the broker's flows carry, each asset once (only the names of the critical ones are shown).
    const carried = new AssetSet();
    for (const f of ctx.graph.inFlows(element.id)) carried.addFlow(ctx, f);
    for (const f of ctx.graph.outFlows(element.id)) carried.addFlow(ctx, f);
    const critical = highIntegrity(carried.list);
    if (critical.length === 0) return undefined;
    return unlessControlled(ctx, { element }, EVENT_SIGNING, 'events are signed and verified', (missing) => ({
      title: `Forged events on ${element.name}`,
      description: `${namesAtMost(exposedProducers.map((p) => p.name), TEXT_NAMES, 'other producers')} face untrusted zones and publish ${assetNames(critical)} to ${element.name}; ${namesAtMost(consumers.map((c) => c.name), TEXT_NAMES, 'other consumers')} act on events without checking who produced them.`,
      likelihood: rated('Medium', 'needs a compromised producer or publish access'),
      impact: rated('High', `consumers change ${assetNames(critical)}`),
      evidence: [evidence(`${exposedProducers[0].name} publishes to ${element.name} and faces an untrusted zone`, exposedProducers[0].at), missing],
    }));
  },
};

export const poisonMessage: ElementRule = {
  id: 'poison-message',
  stride: 'D',
  title: 'Poison messages block consumers',
  description:
    'A message that always fails (malformed, or triggering a bug) is redelivered forever: the consumer loops on it and the rest of the queue waits.',
  condition: 'a queue or event bus with at least one consumer process, without `dead-letter-queue` on the broker or its consumers',
  mitigation: 'Cap redeliveries and move failing messages to a dead-letter queue with an alert; validate message schemas before processing.',
  action: { text: 'Add dead-letter queues and retry limits to {targets}' },
  mitigatedBy: ['dead-letter-queue'],
  references: ['CWE-400', 'CWE-835', 'CAPEC-130'],
  rating: 'Likelihood Low (needs a malformed message or a bug); impact Medium (processing stops).',
  example: 'elements:\n  jobs: { tech: sqs }\n  worker: { type: worker }\nflows:\n  - jobs -> worker: https',
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!isBroker(element)) return undefined;
    const consumers = consumersOf(ctx, element).filter((c) => c.kind === 'process');
    if (consumers.length === 0) return undefined;
    const present = presentControls(ctx, ['dead-letter-queue'], element);
    // Consumers with a dead-letter queue of their own are not named among those without.
    const without = consumers.filter((c) => !ctx.elementHas(c, 'dead-letter-queue'));
    if (present.length || without.length === 0) {
      return mitigatedBy(['dead-letter-queue'], elementComponent(element), 'failing messages are moved aside');
    }
    return threat({
      ...elementComponent(element),
      title: `Poison messages can stall ${element.name}`,
      description: `${namesAtMost(without.map((c) => c.name), TEXT_NAMES, 'other consumers')} ${new Set(without).size === 1 ? 'consumes' : 'consume'} ${element.name} with no dead-letter queue; one message that always fails blocks processing.`,
      likelihood: rated('Low', 'needs a malformed message or a bug'),
      impact: rated('Medium', 'message processing stops: downtime'),
      evidence: [evidence(`${without[0].name} consumes ${element.name}`, element.at), missingControlEvidence(['dead-letter-queue'], element)],
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
  condition: 'a queue or event bus with a producer whose exposure is `internet`, without `rate-limiting` on that producer (or in front of it) and without `size-limits` on the broker',
  mitigation: 'Rate-limit the producing endpoints per client, bound queue length and message size, and separate queues for untrusted and internal work.',
  action: { text: 'Bound queue length and rate-limit producers of {targets}' },
  mitigatedBy: FLOOD_CONTROLS,
  references: ['CWE-770', 'CWE-400', 'CAPEC-125'],
  rating: 'Likelihood Medium (needs sustained requests); impact Medium (delayed processing and cost).',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  jobs: { tech: rabbitmq }\nflows:\n  - visitor -> api: https\n  - api -> jobs: amqps',
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!isBroker(element)) return undefined;
    const producers = producersOf(ctx, element).filter((p) => p.kind === 'process' && ctx.exposure(p.id) === 'internet');
    if (producers.length === 0) return undefined;
    const own = presentControls(ctx, ['size-limits'], element);
    const unthrottled = producers.filter((p) => !ctx.elementHas(p, 'rate-limiting'));
    if (own.length || unthrottled.length === 0) {
      return mitigatedBy(own.length ? own : ['rate-limiting'], elementComponent(element), own.length ? 'the queue is bounded' : 'producers are rate-limited');
    }
    return threat({
      ...elementComponent(element),
      title: `${element.name} can be flooded through ${namesAtMost(unthrottled.map((p) => p.name), TITLE_NAMES, 'other producers')}`,
      description: `${namesAtMost(unthrottled.map((p) => p.name), TEXT_NAMES, 'other producers')} enqueue work for internet requests with no rate limit, and ${element.name} is unbounded.`,
      likelihood: rated('Medium', 'needs sustained requests from the internet'),
      impact: rated('Medium', 'delayed processing and cost'),
      evidence: [evidence(`${unthrottled[0].name} produces to ${element.name}`, unthrottled[0].at), missingControlEvidence(FLOOD_CONTROLS, element)],
    });
  },
};
