// Verb agreement with plural names in the network, messaging and disclosure families, where
// test/rules/grammar.test.ts does not reach: second verbs and pronouns of a sentence, other branches of a
// rule, and mitigation reasons. Each case is checked with a plural name and with the singular one it had.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queueFlooding } from '../../src/analysis/rules/messaging.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';

const one = (text: string, rule: string) => {
  const [t, ...more] = threatsOf(text, rule);
  assert.ok(t, `${rule} reports`);
  assert.equal(more.length, 0);
  return t;
};

describe('network findings agree with plural names', () => {
  const cloud = (name: string) =>
    `${head}boundaries:\n  vpc: { kind: cloud }\nelements:\n  visitor: { tech: browser }\n  api:\n    name: ${name}\n    type: api\n    in: vpc\n    endpoints:\n      /fetch: { auth: jwt }\nflows:\n  - visitor -> api: https\n`;

  it('cloud-metadata-exposure: every verb and pronoun of the description agrees', () => {
    assert.equal(one(cloud('API servers'), 'cloud-metadata-exposure').description,
      'API servers run in the cloud and fetch caller-chosen URLs (/fetch); pointed at the metadata service, they hand out their own cloud credentials, and requests can also be aimed at internal services.');
    assert.equal(one(cloud('API server'), 'cloud-metadata-exposure').description,
      'API server runs in the cloud and fetches caller-chosen URLs (/fetch); pointed at the metadata service, it hands out its own cloud credentials, and requests can also be aimed at internal services.');
  });

  const waf = (name: string) =>
    `${head}assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  app: { name: ${name}, type: web-app, handles: [pii] }\nflows:\n  - visitor -> app: https\n`;

  it('missing-waf: the second verb and "its code" agree', () => {
    assert.equal(one(waf('Web servers'), 'missing-waf').description,
      'Web servers handle pii and take internet traffic with no web application firewall on the way; exploit attempts reach their code unfiltered.');
    assert.equal(one(waf('Web server'), 'missing-waf').description,
      'Web server handles pii and takes internet traffic with no web application firewall on the way; exploit attempts reach its code unfiltered.');
  });

  const bucket = (name: string) =>
    `${head}assets:\n  pii: { name: Customer PII, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  bucket: { name: ${name}, tech: s3, exposed: true, stores: [pii] }\nflows:\n  - visitor -> bucket: https\n`;

  it('exposed-data-store: "holds" agrees with a store that holds assets', () => {
    assert.equal(one(bucket('Upload buckets'), 'exposed-data-store').description,
      'Upload buckets accept connections from an untrusted zone and hold Customer PII; scanners find such stores within hours.');
    assert.equal(one(bucket('Upload bucket'), 'exposed-data-store').description,
      'Upload bucket accepts connections from an untrusted zone and holds Customer PII; scanners find such stores within hours.');
  });
});

describe('messaging findings agree with plural names', () => {
  const behind = (producer: string, broker: string) =>
    `${head}assets:\n  payments: { type: payment, integrity: high }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-app }\n  api: { name: ${producer}, type: api }\n  events: { name: ${broker}, tech: sns }\n  ledger: { type: service }\nflows:\n  - visitor -> web: https\n  - web -> api: https\n  - api -> events: { protocol: https, data: [payments] }\n  - events -> ledger: { protocol: https, data: [payments] }\n`;

  it('unsigned-events: a producer behind other components, and the broker\'s events, agree', () => {
    const plural = one(behind('API servers', 'Event topics'), 'unsigned-events');
    assert.equal(plural.description,
      'API servers are reached from untrusted zones through other components and publish payments to Event topics; ledger acts on their events without checking who produced them.');
    assert.equal(plural.evidence[1].fact, 'API servers are reached from an untrusted zone through other components');
    const singular = one(behind('API server', 'Event bus'), 'unsigned-events');
    assert.equal(singular.description,
      'API server is reached from untrusted zones through other components and publishes payments to Event bus; ledger acts on its events without checking who produced them.');
    assert.equal(singular.evidence[1].fact, 'API server is reached from an untrusted zone through other components');
  });

  const producer = (name: string, controls: string) =>
    `${head}elements:\n  visitor: { tech: browser }\n  api: { name: ${name}, type: api${controls} }\n  jobs: { name: Job queue, tech: rabbitmq }\nflows:\n  - visitor -> api: https\n  - api -> jobs: amqps\n`;

  it('queue-flooding: "in front of it" and the mitigation reason agree with one plural producer', () => {
    assert.equal(one(producer('API servers', ''), 'queue-flooding').evidence[1].fact, 'no rate-limiting on API servers or in front of them');
    assert.equal(one(producer('API server', ''), 'queue-flooding').evidence[1].fact, 'no rate-limiting on API server or in front of it');
    const reasons = (name: string) => runOnly(producer(name, ', controls: [rate-limiting]'), [queueFlooding]).mitigations.map((m) => m.reason);
    assert.deepEqual(reasons('API servers'), ['rate-limiting at API servers throttles what API servers enqueue']);
    assert.deepEqual(reasons('API server'), ['rate-limiting at API server throttles what API server enqueues']);
  });

  it('poison-message: two consumers of one name are named once, with the verb of that name', () => {
    const consumers = (name: string) =>
      `${head}elements:\n  jobs: { name: Job queue, tech: sqs }\n  a: { name: ${name}, type: worker }\n  b: { name: ${name}, type: worker }\nflows:\n  - jobs -> a: https\n  - jobs -> b: https\n`;
    assert.equal(one(consumers('Worker'), 'poison-message').description,
      'Worker consumes Job queue with no dead-letter queue; one message that always fails blocks processing.');
    assert.equal(one(consumers('Workers'), 'poison-message').description,
      'Workers consume Job queue with no dead-letter queue; one message that always fails blocks processing.');
  });
});

describe('disclosure findings agree with plural names', () => {
  const api = (name: string) =>
    `${head}assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { name: ${name}, type: api, handles: [pii] }\nflows:\n  - visitor -> api: https\n`;

  it('verbose-errors: the second verb agrees', () => {
    assert.match(one(api('API servers'), 'verbose-errors').description, /^API servers handle pii and take requests straight from the internet/);
    assert.match(one(api('API server'), 'verbose-errors').description, /^API server handles pii and takes requests straight from the internet/);
  });

  const register = (name: string) =>
    `${head}assets:\n  h: { name: Health records, type: health }\nelements:\n  visitor: { tech: browser }\n  api:\n    name: ${name}\n    type: api\n    handles: [h]\n    endpoints:\n      /register: { public: true }\nflows:\n  - visitor -> api: https\n`;

  it('account-enumeration: the health-data branch agrees', () => {
    const plural = one(register('API servers'), 'account-enumeration');
    assert.equal(plural.impact.reason, 'an account on API servers, which handle Health records, is itself sensitive');
    assert.equal(plural.evidence[1].fact, 'API servers handle Health records');
    const singular = one(register('API server'), 'account-enumeration');
    assert.equal(singular.impact.reason, 'an account on API server, which handles Health records, is itself sensitive');
    assert.equal(singular.evidence[1].fact, 'API server handles Health records');
  });

  const db = (asset: string) =>
    `${head}assets:\n  pii: { name: ${asset}, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { name: Orders database, tech: postgres, stores: [pii] }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls\n`;

  it('unencrypted-store: the pronoun for the stored assets agrees', () => {
    assert.equal(one(db('Orders'), 'unencrypted-store').description,
      'Orders database stores Orders without encryption at rest; a copied disk, snapshot or backup exposes them all.');
    assert.equal(one(db('Customer PII'), 'unencrypted-store').description,
      'Orders database stores Customer PII without encryption at rest; a copied disk, snapshot or backup exposes it all.');
  });

  const endpoints = (asset: string) =>
    `${head}assets:\n  pii: { name: ${asset}, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /customers: { public: true, returns: [pii] }\n      /partners: { public: true, returns: [pii], controls: [ip-allowlist] }\nflows:\n  - visitor -> api: https\n`;

  it('unauthenticated-sensitive-endpoint: "read it" agrees with the data returned, admitted callers or not', () => {
    const descriptions = (asset: string) => threatsOf(endpoints(asset), 'unauthenticated-sensitive-endpoint').map((t) => t.description);
    assert.deepEqual(descriptions('Customer records'), [
      '/customers on api is public and returns Customer records; anyone can read and scrape them.',
      '/partners on api is public and returns Customer records; anyone admitted by ip-allowlist can read them without signing in.',
    ]);
    assert.deepEqual(descriptions('Customer PII'), [
      '/customers on api is public and returns Customer PII; anyone can read and scrape it.',
      '/partners on api is public and returns Customer PII; anyone admitted by ip-allowlist can read it without signing in.',
    ]);
  });

  it('api-key-in-client: the impact of a target holding restricted data agrees', () => {
    const key = (name: string) =>
      `${head}assets:\n  cards: { name: Card data, classification: restricted }\nelements:\n  app: { tech: mobile-app }\n  api: { name: ${name}, type: api, handles: [cards] }\nflows:\n  - app -> api: { protocol: https, auth: api-key }\n`;
    assert.equal(one(key('API servers'), 'api-key-in-client').impact.reason, 'API servers handle Card data');
    assert.equal(one(key('API server'), 'api-key-in-client').impact.reason, 'API server handles Card data');
  });
});
