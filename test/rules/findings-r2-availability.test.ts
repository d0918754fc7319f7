// Availability, queue and LLM findings (second review round) against the facts of small models: verbs agree
// with the lists they follow, texts name only what the model has, and controls count where they are declared
// (on a flow, a consumer, a tool call, the broker's own auth).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { llmDataLeakage, llmExcessiveAgency, promptInjection } from '../../src/analysis/rules/llm.js';
import { poisonMessage, unsignedEvents } from '../../src/analysis/rules/messaging.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';

const reasonsOf = (text: string, rule: Rule) => runOnly(text, [rule]).mitigations.map((m) => `${m.controls.join(',')}: ${m.reason}`);

describe('no-circuit-breaker', () => {
  const calls = (extra: string) =>
    `${head}elements:\n  visitor: { tech: browser }\n  orders: { type: service }\n  payments: { type: service }\n  stock: { type: service }\nflows:\n  - visitor -> orders: https\n  - orders -> payments: https\n${extra}`;

  it('says one caller makes its calls, several callers make theirs', () => {
    const [one, ...more] = threatsOf(calls(''), 'no-circuit-breaker');
    assert.ok(one);
    assert.equal(more.length, 0);
    assert.equal(one.description, 'orders makes 1 synchronous call without circuit breakers or timeouts; one slow dependency exhausts its workers and the outage spreads.');
    const [two] = threatsOf(`${head}boundaries:\n  mesh: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  orders: { type: service, in: mesh }\n  payments: { type: service, in: mesh }\n  stock: { type: service, in: mesh }\nflows:\n  - visitor -> orders: https\n  - orders -> payments: https\n  - payments -> stock: https\n`, 'no-circuit-breaker');
    assert.ok(two);
    assert.equal(two.description, 'orders, payments make 2 synchronous calls without circuit breakers or timeouts; one slow dependency exhausts their workers and the outage spreads.');
  });
});

describe('no-ddos-protection', () => {
  const site = (assets: string) =>
    threatsOf(`${head}assets:\n${assets}elements:\n  visitor: { tech: browser }\n  web: { type: web-server }\nflows:\n  - visitor -> web: https\n`, 'no-ddos-protection');

  it('says one asset is rated availability high, several are', () => {
    const [one] = site('  uptime: { kind: resource, availability: high }\n');
    assert.equal(one?.impact.reason, 'uptime is rated availability high: the service goes offline');
    const [two] = site('  uptime: { kind: resource, availability: high }\n  checkout: { kind: resource, availability: high }\n');
    assert.equal(two?.impact.reason, 'checkout, uptime are rated availability high: the service goes offline');
  });
});

describe('cache-stampede', () => {
  const cache = (db2: string) =>
    `${head}assets:\n  catalog: { classification: public }\n  prices: { classification: public }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  cache: { tech: redis, stores: [catalog, prices] }\n  db1: { tech: postgres, stores: [catalog, prices] }\n  db2: { tech: postgres, stores: [${db2}] }\nflows:\n  - visitor -> api: https\n  - api -> cache: rediss\n  - api -> db1: sql+tls\n  - api -> db2: sql+tls\n`;

  it('says which of the cached data each database holds', () => {
    const [t] = threatsOf(cache('prices'), 'cache-stampede');
    assert.ok(t);
    assert.deepEqual(t.evidence.map((e) => e.fact), ['cache stores catalog, prices', 'db1 stores them too', 'db2 stores prices too', 'no request-coalescing on cache or api']);
    const [all] = threatsOf(cache('catalog, prices'), 'cache-stampede');
    assert.deepEqual(all?.evidence.map((e) => e.fact), ['cache stores catalog, prices', 'db1 stores them too', 'db2 stores them too', 'no request-coalescing on cache or api']);
  });
});

describe('no-rate-limiting and unbounded-query', () => {
  const api = (db: boolean) =>
    `${head}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /search: { public: true }\n      /export: { auth: jwt }\n${db ? '  db: { tech: postgres }\n' : ''}flows:\n  - visitor -> api: https\n${db ? '  - api -> db: sql+tls\n' : ''}`;
  const on = (text: string, rule: string, key: string) => threatsOf(text, rule).find((t) => t.title.endsWith(key));

  it('names a database that queries exhaust only where the service calls one', () => {
    const bare = on(api(false), 'unbounded-query', '/search');
    assert.equal(bare?.description, '/search on api lets a caller ask for arbitrarily large result sets; a few requests exhaust the service.');
    assert.equal(bare?.impact.reason, 'api slows down: downtime');
    assert.equal(on(api(false), 'no-rate-limiting', '/search')?.description, '/search on api can be called by anyone as fast as they like: expensive queries exhaust the service.');
    const backed = on(api(true), 'unbounded-query', '/search');
    assert.equal(backed?.description, '/search on api lets a caller ask for arbitrarily large result sets; a few requests exhaust the service and its database.');
    assert.equal(backed?.impact.reason, 'api and its database slow down: downtime');
    assert.equal(on(api(true), 'no-rate-limiting', '/search')?.description, '/search on api can be called by anyone as fast as they like: expensive queries exhaust the service and its database.');
  });

  it('writes an export endpoint, a search endpoint', () => {
    assert.equal(on(api(true), 'unbounded-query', '/export')?.evidence[0].fact, '/export is an export endpoint');
    assert.equal(on(api(true), 'no-rate-limiting', '/export')?.evidence[0].fact, '/export is an export endpoint and reachable from an untrusted zone');
    const search = `${head}elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /search: { auth: jwt }\nflows:\n  - visitor -> api: https\n`;
    assert.equal(on(search, 'unbounded-query', '/search')?.evidence[0].fact, '/search is a search endpoint');
  });
});

describe('unauthenticated-broker', () => {
  const broker = (events: string) =>
    threatsOf(`${head}elements:\n  visitor: { tech: browser }\n  orders: { type: service }\n  billing: { type: service }\n  events: { tech: kafka${events} }\nflows:\n  - visitor -> orders: https\n  - orders -> events: kafka+tls\n  - events -> billing: kafka+tls\n`, 'unauthenticated-broker');

  it('takes the auth a broker declares as how its clients authenticate', () => {
    assert.deepEqual(broker(', auth: mtls'), []);
    assert.equal(broker('').length, 1);
    assert.equal(broker(', auth: none').length, 1);
  });
});

describe('unsigned-events', () => {
  const bus = (feed: string, consumers = '', ledger = '') =>
    `${head}assets:\n  payments: { integrity: high }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  events: { tech: sns }\n  ledger: { type: service${ledger} }\n  audit: { type: service }\nflows:\n  - visitor -> api: https\n  - api -> events: { protocol: https, data: [payments]${feed} }\n  - events -> ledger: { protocol: https, data: [payments] }\n  - events -> audit: { protocol: https, data: [payments]${consumers} }\n`;

  it('counts signing declared on the producer\'s flow into the broker, or on the producer', () => {
    assert.equal(threatsOf(bus(''), 'unsigned-events').length, 1);
    assert.deepEqual(threatsOf(bus(', controls: [request-signing]'), 'unsigned-events'), []);
    assert.deepEqual(reasonsOf(bus(', controls: [request-signing]'), unsignedEvents), ['request-signing: exposed producers sign the events they publish']);
    const signer = bus('').replace('api: { type: api }', 'api: { type: api, controls: [request-signing] }');
    assert.deepEqual(threatsOf(signer, 'unsigned-events'), []);
  });

  it('names only the consumers that do not verify signatures, and none when all do', () => {
    const [t] = threatsOf(bus('', ', controls: [signature-verification]'), 'unsigned-events');
    assert.ok(t);
    assert.equal(t.description, 'api faces untrusted zones and publishes payments to events; ledger acts on its events without checking who produced them.');
    const all = bus('', ', controls: [signature-verification]', ', controls: [signature-verification]');
    assert.deepEqual(threatsOf(all, 'unsigned-events'), []);
    assert.deepEqual(reasonsOf(all, unsignedEvents), ['signature-verification: every consumer verifies signatures']);
  });

  it('does not say a store that keeps the events acts on them', () => {
    const archived = bus('').replace('audit: { type: service }', 'audit: { tech: s3 }');
    const [t] = threatsOf(archived, 'unsigned-events');
    assert.ok(t);
    assert.equal(t.description, 'api faces untrusted zones and publishes payments to events; ledger acts on its events without checking who produced them.');
    const onlyArchive = archived.replace('  - events -> ledger: { protocol: https, data: [payments] }\n', '');
    assert.deepEqual(threatsOf(onlyArchive, 'unsigned-events'), []);
  });
});

describe('poison-message', () => {
  const jobs = (flow: string) =>
    `${head}elements:\n  jobs: { tech: sqs }\n  worker: { type: worker }\n  mailer: { type: worker }\nflows:\n  - jobs -> worker: { protocol: https${flow} }\n  - jobs -> mailer: https\n`;

  it('counts a dead-letter queue declared on the flow a consumer reads over', () => {
    const [t] = threatsOf(jobs(', controls: [dead-letter-queue]'), 'poison-message');
    assert.ok(t);
    assert.equal(t.description, 'mailer consumes jobs with no dead-letter queue; one message that always fails blocks processing.');
    const [both] = threatsOf(jobs(''), 'poison-message');
    assert.equal(both?.description, 'worker, mailer consume jobs with no dead-letter queue; one message that always fails blocks processing.');
    const covered = jobs(', controls: [dead-letter-queue]').replace('mailer: https', 'mailer: { protocol: https, controls: [dead-letter-queue] }');
    assert.deepEqual(threatsOf(covered, 'poison-message'), []);
    assert.deepEqual(reasonsOf(covered, poisonMessage), ['dead-letter-queue: failing messages are moved aside']);
  });
});

describe('LLM rules', () => {
  const chat = (call: string) =>
    `${head}assets:\n  pii: { type: pii, classification: confidential }\n  notes: { type: health, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  chat: { type: api }\n  db: { tech: postgres, stores: [pii] }\n  model: { tech: openai }\nflows:\n  - visitor -> chat: https\n  - chat -> db: { protocol: sql+tls, auth: password, data: [pii] }\n  - chat -> model: { protocol: https, auth: api-key${call} }\n`;

  it('rates prompt injection through an app by what its prompts carry, not by its own database', () => {
    const [own] = threatsOf(chat(''), 'prompt-injection');
    assert.deepEqual([own?.impact.level, own?.impact.reason], ['Medium', 'misleading or harmful output']);
    const [sent] = threatsOf(chat(', data: [pii]'), 'prompt-injection');
    assert.deepEqual([sent?.impact.level, sent?.impact.reason], ['High', 'the model sees pii']);
  });

  it('counts prompt isolation declared on the calls to the model', () => {
    assert.deepEqual(threatsOf(chat(', controls: [prompt-isolation]'), 'prompt-injection'), []);
    assert.deepEqual(reasonsOf(chat(', controls: [prompt-isolation]'), promptInjection), ['prompt-isolation: untrusted content is kept apart from instructions on every call to the model']);
  });

  it('counts data masking declared on a call to the model for what that call carries', () => {
    assert.equal(threatsOf(chat(', data: [pii]'), 'llm-data-leakage').length, 1);
    const masked = chat(', data: [pii], controls: [data-masking]');
    assert.deepEqual(threatsOf(masked, 'llm-data-leakage'), []);
    assert.deepEqual(reasonsOf(masked, llmDataLeakage), ['data-masking: sensitive data is masked on the calls to the model that carry it']);
    const [t] = threatsOf(`${masked}  - chat -> model: { id: triage, protocol: https, auth: api-key, data: [notes] }\n`, 'llm-data-leakage');
    assert.ok(t);
    assert.equal(t.title, 'notes in prompts from chat');
    assert.deepEqual(t.flows, ['triage']);
  });

  const agent = (tickets: string, mailer: string) =>
    `${head}assets:\n  tickets: { integrity: low }\nelements:\n  visitor: { tech: browser }\n  agent: { tech: llm-agent }\n  tickets: { tech: postgres, stores: [tickets] }\n  mailer: { type: third-party }\nflows:\n  - visitor -> agent: https\n  - agent -> tickets: { protocol: sql+tls${tickets} }\n  - agent -> mailer: { protocol: https${mailer} }\n`;

  it('counts approval or narrowed permissions declared on a tool\'s flow, and names only the tools without', () => {
    const [t] = threatsOf(agent('', ', controls: [human-approval]'), 'llm-excessive-agency');
    assert.ok(t);
    assert.equal(t.title, 'agent acts on tickets without limits');
    assert.equal(t.description, 'agent can call tickets on its own, with no approval step or narrowed permissions; a manipulated model uses them at will.');
    assert.deepEqual([t.impact.level, t.flows], ['Low', ['agent->tickets']]);
    assert.equal(threatsOf(agent('', ''), 'llm-excessive-agency')[0]?.title, 'agent acts on mailer, tickets without limits');
    const bounded = agent(', controls: [least-privilege]', ', controls: [human-approval]');
    assert.deepEqual(threatsOf(bounded, 'llm-excessive-agency'), []);
    assert.deepEqual(reasonsOf(bounded, llmExcessiveAgency), ['human-approval,least-privilege: the agent\'s actions are bounded by human-approval and least-privilege on every tool']);
  });

  it('rates unbounded use of an agent that every caller signs in to as needing an account', () => {
    const assistant = (auth: string) =>
      threatsOf(`${head}elements:\n  visitor: { tech: browser }\n  assistant: { tech: llm-agent }\nflows:\n  - visitor -> assistant: { protocol: https${auth} }\n`, 'llm-unbounded-consumption');
    const [signed] = assistant(', auth: jwt');
    assert.deepEqual([signed?.likelihood.level, signed?.likelihood.reason], ['Medium', 'needs a valid account']);
    const [anyone] = assistant('');
    assert.deepEqual([anyone?.likelihood.level, anyone?.likelihood.reason], ['High', 'anyone on the internet can send requests']);
  });
});
