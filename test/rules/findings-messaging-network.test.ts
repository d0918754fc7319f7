// What queue, network-zone and availability findings say, against the facts of small models: a control
// counts only where it limits what the finding is about, and a finding names only what flows where it says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheStampede } from '../../src/analysis/rules/availability.js';
import { queueFlooding } from '../../src/analysis/rules/messaging.js';
import { flatNetwork } from '../../src/analysis/rules/network.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';

const reasonsOf = (text: string, rule: Rule) => runOnly(text, [rule]).mitigations.map((m) => `${m.controls.join(',')}: ${m.reason}`);

describe('queue-flooding', () => {
  const behindGateway = (gateway: string, jobs = '') =>
    `${head}elements:\n  visitor: { tech: browser }\n  gw: { type: gateway, controls: [${gateway}] }\n  api: { type: api }\n  jobs: { tech: rabbitmq${jobs} }\nflows:\n  - visitor -> gw: https\n  - gw -> api: https\n  - api -> jobs: amqps\n`;

  it('does not take a request size limit in front of the producer for a bounded queue, and says where it is', () => {
    const [t, ...more] = threatsOf(behindGateway('size-limits'), 'queue-flooding');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.equal(t.title, 'jobs can be flooded through api');
    assert.equal(t.description, 'api enqueues work for internet requests with no rate limit on the way, and jobs is unbounded; size-limits at gw caps the size of requests, not the length of the queue.');
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'api produces to jobs',
      'no rate-limiting on api or in front of it',
      'no size-limits or rate-limiting declared on jobs',
    ]);
    // On the broker itself, the limit bounds the queue.
    assert.deepEqual(threatsOf(behindGateway('size-limits', ', controls: [size-limits]'), 'queue-flooding'), []);
    assert.deepEqual(reasonsOf(behindGateway('size-limits', ', controls: [size-limits]'), queueFlooding), ['size-limits: the queue itself is limited: size-limits on jobs']);
  });

  it('counts a rate limiter in front of the producer, and names it', () => {
    assert.deepEqual(threatsOf(behindGateway('rate-limiting'), 'queue-flooding'), []);
    assert.deepEqual(reasonsOf(behindGateway('rate-limiting'), queueFlooding), ['rate-limiting: rate-limiting at gw throttles what api enqueues']);
  });

  it('wants every flow from an exposed producer into the broker rate-limited', () => {
    const twoFlows = (q1: string, q2: string) =>
      `${head}elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  jobs: { tech: rabbitmq }\nflows:\n  - visitor -> api: https\n  - api -> jobs: { id: q1, protocol: amqps, controls: [${q1}] }\n  - api -> jobs: { id: q2, protocol: amqps, controls: [${q2}] }\n`;
    const [t] = threatsOf(twoFlows('rate-limiting', ''), 'queue-flooding');
    assert.ok(t);
    assert.equal(t.title, 'jobs can be flooded through api');
    assert.equal(t.evidence[0].fact, 'api produces to jobs');
    assert.deepEqual(threatsOf(twoFlows('rate-limiting', 'rate-limiting'), 'queue-flooding'), []);
    assert.deepEqual(reasonsOf(twoFlows('rate-limiting', 'rate-limiting'), queueFlooding), ['rate-limiting: rate-limiting at api -> jobs throttles what api enqueues']);
  });
});

describe('flat-network', () => {
  const zone = (gateway: string, db = '', net = '') =>
    `${head}assets:\n  cards: { classification: restricted }\nboundaries:\n  net: { trust: internal${net} }\nelements:\n  visitor: { tech: browser }\n  gw: { type: gateway, controls: [${gateway}] }\n  app: { type: web-app, in: net }\n  db: { tech: postgres, in: net, stores: [cards]${db} }\nflows:\n  - visitor -> gw: https\n  - gw -> app: https\n  - app -> db: sql+tls\n`;

  it('does not take an allow-list in front of the application for segmentation of the store', () => {
    const [t, ...more] = threatsOf(zone('ip-allowlist'), 'flat-network');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.equal(t.component, 'db');
    assert.equal(t.title, 'db shares a zone with internet-facing app');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['db is in net', 'app is in net and internet-facing', 'no ip-allowlist on db or net']);
  });

  it('counts an allow-list on the store or its zone, and names it', () => {
    assert.deepEqual(threatsOf(zone('ip-allowlist', ', controls: [ip-allowlist]'), 'flat-network'), []);
    assert.deepEqual(reasonsOf(zone('ip-allowlist', ', controls: [ip-allowlist]'), flatNetwork), ['ip-allowlist: only listed services may connect: ip-allowlist on db']);
    assert.deepEqual(threatsOf(zone('', '', ', controls: [ip-allowlist]'), 'flat-network'), []);
    assert.deepEqual(reasonsOf(zone('', '', ', controls: [ip-allowlist]'), flatNetwork), ['ip-allowlist: only listed services may connect: ip-allowlist on net']);
  });
});

describe('unsigned-events', () => {
  const bus = (publishers: string) =>
    `${head}assets:\n  clicks: { type: business, integrity: low }\n  payments: { type: payment, integrity: high }\n  refunds: { type: payment, integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  batch: { type: service }\n  events: { tech: sns }\n  ledger: { type: service }\nflows:\n  - visitor -> api: https\n${publishers}  - events -> ledger: { protocol: https, data: [payments, refunds] }\n`;

  it('names only what the exposed producers publish, never what internal producers send', () => {
    // The exposed producer sends low-integrity clicks; payments come from an internal batch job.
    assert.deepEqual(threatsOf(bus('  - api -> events: { protocol: https, data: [clicks] }\n  - batch -> events: { protocol: https, data: [payments] }\n'), 'unsigned-events'), []);
    const [t] = threatsOf(bus('  - api -> events: { protocol: https, data: [clicks, payments] }\n  - batch -> events: { protocol: https, data: [refunds] }\n'), 'unsigned-events');
    assert.ok(t);
    assert.equal(t.description, 'api faces untrusted zones and publishes payments to events; ledger acts on its events without checking who produced them.');
    assert.equal(t.impact.reason, 'consumers act on forged payments');
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'api publishes payments to events',
      'api faces an untrusted zone',
      'no request-signing or signature-verification on events',
    ]);
  });

  it('says a producer behind other components is reached through them, not that it faces untrusted zones', () => {
    const [t] = threatsOf(`${head}assets:\n  payments: { type: payment, integrity: high }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-app }\n  api: { type: api }\n  events: { tech: sns }\n  ledger: { type: service }\nflows:\n  - visitor -> web: https\n  - web -> api: https\n  - api -> events: { protocol: https, data: [payments] }\n  - events -> ledger: { protocol: https, data: [payments] }\n`, 'unsigned-events');
    assert.ok(t);
    assert.equal(t.description, 'api is reached from untrusted zones through other components and publishes payments to events; ledger acts on its events without checking who produced them.');
    assert.equal(t.evidence[1].fact, 'api is reached from an untrusted zone through other components');
  });
});

describe('cache-stampede', () => {
  const cache = (api: string, batch: string) =>
    `${head}assets:\n  catalog: { classification: public }\nelements:\n  api: { type: api, controls: [${api}] }\n  batch: { type: service, controls: [${batch}] }\n  cache: { tech: redis, stores: [catalog] }\n  db: { tech: postgres, stores: [catalog] }\nflows:\n  - api -> cache: rediss\n  - api -> db: sql+tls\n  - batch -> cache: rediss\n  - batch -> db: sql+tls\n`;

  it('reports the users of a cache that do not coalesce misses, whatever the first user does', () => {
    const [t, ...more] = threatsOf(cache('request-coalescing', ''), 'cache-stampede');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.equal(t.title, 'Cache stampede from cache onto db');
    assert.equal(t.description, 'cache caches catalog that batch otherwise reads from db, and batch does not coalesce misses (api does); an expiry or restart under load sends every request from batch to db at once.');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['cache stores catalog', 'db stores them too', 'no request-coalescing on cache or batch']);
    const [other] = threatsOf(cache('', 'request-coalescing'), 'cache-stampede');
    assert.ok(other);
    assert.match(other.description, /that api otherwise reads from db, and api does not coalesce misses \(batch does\);/);
  });

  it('is mitigated when every user of the cache, or the cache itself, coalesces misses', () => {
    const both = cache('request-coalescing', 'request-coalescing');
    assert.deepEqual(threatsOf(both, 'cache-stampede'), []);
    assert.deepEqual(reasonsOf(both, cacheStampede), ['request-coalescing: concurrent misses are coalesced by every user of cache: api, batch']);
    const none = threatsOf(cache('', ''), 'cache-stampede');
    assert.equal(none.length, 1);
    assert.equal(none[0].description, 'cache caches catalog that api, batch otherwise read from db, and they do not coalesce misses; an expiry or restart under load sends every request from them to db at once.');
  });
});

describe('unauthenticated-broker', () => {
  const broker = (events: string, flows: string) =>
    threatsOf(`${head}elements:\n  orders: { type: service }\n  billing: { type: service }\n  events: { tech: kafka${events} }\nflows:\n${flows}`, 'unauthenticated-broker');

  it('rates a broker reachable from the internet High, and one only the network reaches Medium', () => {
    const [exposed] = broker(', exposed: true', '  - events -> billing: kafka+tls\n');
    assert.deepEqual([exposed?.likelihood.level, exposed?.likelihood.reason], ['High', 'the broker is reachable from the internet']);
    const [inside] = broker('', '  - orders -> events: kafka+tls\n  - events -> billing: kafka+tls\n');
    assert.deepEqual([inside?.likelihood.level, inside?.likelihood.reason], ['Medium', 'needs network access to the broker']);
  });

  it('counts its connections in agreement: 1 connection carries, 2 connections carry', () => {
    assert.match(broker(', exposed: true', '  - events -> billing: kafka+tls\n')[0]?.description ?? '', /^1 connection to events carries no credentials/);
    assert.match(broker('', '  - orders -> events: kafka+tls\n  - events -> billing: kafka+tls\n')[0]?.description ?? '', /^2 connections to events carry no credentials/);
  });
});
