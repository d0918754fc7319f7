// Verb agreement with plural names in the supply-chain, availability and human families, on the branches the
// grammar test's examples and fixtures do not reach: each sentence is checked for a plural name and for the
// singular name, whose sentence stays as it was.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Threat } from '../../src/analysis/types.js';
import { analyzeText } from './harness.js';

const HEAD = 'threatmap: 1\nsystem: { name: Grammar }\n';

/** The one threat of `ruleId` (on `component`, when given) in a model body written after HEAD. */
function finding(body: string, ruleId: string, component?: string): Threat {
  const found = analyzeText(HEAD + body).threats.filter((t) => t.ruleId === ruleId && (component === undefined || t.component === component));
  assert.equal(found.length, 1, `${ruleId} findings: ${found.map((t) => t.title).join('; ')}`);
  return found[0];
}

const facts = (t: Threat) => t.evidence.map((e) => e.fact);

describe('verb agreement with plural names (supply chain)', () => {
  const pipeline = (ci: string, store: string, auth: string) =>
    `assets:\n  cards: { name: Card numbers, classification: restricted }\nelements:\n  dev: { type: developer }\n  ci: { tech: jenkins, name: ${ci} }\n  api: { type: api, name: Order API }\n  db: { tech: postgres, stores: [cards], name: ${store} }\nflows:\n  - dev -> ci: https\n  - ci -> api: { protocol: https, auth: ${auth} }\n  - ci -> db: { protocol: sql+tls, auth: ${auth} }\n  - api -> db: sql+tls\n`;

  it('pipeline-over-privileged: a pipeline deploying without a named credential', () => {
    const plural = finding(pipeline('Build runners', 'Card shards', 'none'), 'pipeline-over-privileged');
    assert.equal(plural.title, 'Build runners hold standing production access');
    assert.equal(plural.description, 'Build runners deploy to Card shards, Order API; whatever access they deploy with, anything that runs in the pipeline can use it.');
    assert.ok(facts(plural).includes('Card shards store Card numbers'));
    const singular = finding(pipeline('Build runner', 'Card shard', 'none'), 'pipeline-over-privileged');
    assert.equal(singular.title, 'Build runner holds standing production access');
    assert.equal(singular.description, 'Build runner deploys to Card shard, Order API; whatever access it deploys with, anything that runs in the pipeline can use it.');
    assert.ok(facts(singular).includes('Card shard stores Card numbers'));
  });

  it('pipeline-over-privileged: standing and federated credentials', () => {
    assert.equal(finding(pipeline('Build runners', 'Card shards', 'api-key'), 'pipeline-over-privileged').description,
      'Build runners reach Card shards, Order API with their own credentials (api-key); anything that runs in the pipeline can use them.');
    assert.equal(finding(pipeline('Build runner', 'Card shard', 'api-key'), 'pipeline-over-privileged').description,
      'Build runner reaches Card shard, Order API with its own credentials (api-key); anything that runs in the pipeline can use them.');
    const federated = finding(pipeline('Build runners', 'Card shards', 'oidc'), 'pipeline-over-privileged');
    assert.equal(federated.title, 'Build runners hold unscoped production access');
    assert.match(federated.description, /^Build runners reach Card shards, Order API with short-lived federated credentials \(oidc\)/);
    assert.equal(finding(pipeline('Build runner', 'Card shard', 'oidc'), 'pipeline-over-privileged').title, 'Build runner holds unscoped production access');
  });

  it('secrets-in-ci-cd: the settings are the pipelines\' own', () => {
    assert.equal(finding(pipeline('Build runners', 'Card shards', 'api-key'), 'secrets-in-ci-cd').description,
      'Build runners authenticate with api-key secrets kept in their settings; logs, forks and plugins can leak them.');
    assert.equal(finding(pipeline('Build runner', 'Card shard', 'api-key'), 'secrets-in-ci-cd').description,
      'Build runner authenticates with api-key secrets kept in its settings; logs, forks and plugins can leak them.');
  });

  it('cloud-console-without-mfa: a group of people signs in, and one of them is phished', () => {
    const console = (people: string) => `elements:\n  ops: { type: admin, name: ${people} }\n  console: { tech: aws-console, name: Cloud console }\nflows:\n  - ops -> console: https\n`;
    assert.equal(finding(console('Operators'), 'cloud-console-without-mfa').description,
      'Operators sign in to Cloud console with no second factor; phishing one of them yields the whole cloud account.');
    assert.equal(finding(console('Operator'), 'cloud-console-without-mfa').description,
      'Operator signs in to Cloud console with no second factor; phishing Operator yields the whole cloud account.');
  });

  it('privileged-container: escaping them', () => {
    const container = (name: string) => `boundaries:\n  cluster: { kind: container }\nelements:\n  visitor: { tech: browser }\n  agent: { type: service, in: cluster, privileged: true, name: ${name} }\nflows:\n  - visitor -> agent: https\n`;
    const plural = finding(container('Node agents'), 'privileged-container');
    assert.equal(plural.description, 'Node agents are a privileged container; escaping them gives the node and every workload on it.');
    assert.ok(facts(plural).includes('Node agents are privileged'));
    assert.equal(finding(container('Node agent'), 'privileged-container').description,
      'Node agent is a privileged container; escaping it gives the node and every workload on it.');
  });

  it('container-escape: a boundary, a workload and a store named in the plural', () => {
    const cluster = (boundary: string, web: string, ledger: string) =>
      `assets:\n  cards: { name: Card numbers, classification: restricted }\nboundaries:\n  cluster: { kind: container, name: ${boundary} }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-app, in: cluster, name: ${web} }\n  ledger: { type: service, in: cluster, handles: [cards], name: ${ledger} }\nflows:\n  - visitor -> web: https\n  - web -> ledger: https\n`;
    const plural = finding(cluster('Shared nodes', 'Web servers', 'Ledger workers'), 'container-escape');
    assert.equal(plural.description, 'Shared nodes run internet-facing Web servers next to Ledger workers (Card numbers); a container escape crosses that line.');
    assert.deepEqual(facts(plural), ['Shared nodes are a container boundary', 'Web servers are internet-facing', 'Ledger workers handle restricted data']);
    assert.deepEqual(facts(finding(cluster('Shared node', 'Web server', 'Ledger'), 'container-escape')),
      ['Shared node is a container boundary', 'Web server is internet-facing', 'Ledger handles restricted data']);
  });
});

describe('verb agreement with plural names (availability)', () => {
  it('no-circuit-breaker: one caller named in the plural exhausts their workers', () => {
    const calls = (name: string) => `elements:\n  visitor: { tech: browser }\n  orders: { type: service, name: ${name} }\n  payments: { type: service, name: Payments API }\nflows:\n  - visitor -> orders: https\n  - orders -> payments: https\n`;
    assert.equal(finding(calls('Order workers'), 'no-circuit-breaker').description,
      'Order workers make 1 synchronous call without circuit breakers or timeouts; one slow dependency exhausts their workers and the outage spreads.');
    assert.equal(finding(calls('Order service'), 'no-circuit-breaker').description,
      'Order service makes 1 synchronous call without circuit breakers or timeouts; one slow dependency exhausts its workers and the outage spreads.');
  });

  it('unbounded-query: the service and its database', () => {
    const search = (name: string, db: boolean) =>
      `elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    name: ${name}\n    endpoints:\n      /graphql: { auth: jwt }\n${db ? '  db: { tech: postgres }\n' : ''}flows:\n  - visitor -> api: https\n${db ? '  - api -> db: sql+tls\n' : ''}`;
    assert.equal(finding(search('API servers', true), 'unbounded-query').impact.reason, 'API servers and their database slow down: downtime');
    assert.equal(finding(search('API server', true), 'unbounded-query').impact.reason, 'API server and its database slow down: downtime');
    assert.equal(finding(search('API servers', false), 'unbounded-query').impact.reason, 'API servers slow down: downtime');
    assert.equal(finding(search('API server', false), 'unbounded-query').impact.reason, 'API server slows down: downtime');
  });

  it('single-point-of-failure: several components depend on them', () => {
    const spof = (name: string) =>
      `elements:\n  api: { type: api }\n  jobs: { type: service }\n  db: { tech: postgres, replicas: 1, name: ${name} }\nflows:\n  - api -> jobs: https\n  - api -> db: sql+tls\n  - jobs -> db: sql+tls\n`;
    const plural = finding(spof('Order shards'), 'single-point-of-failure');
    assert.equal(plural.title, 'Order shards are a single point of failure');
    assert.equal(plural.description, 'Order shards run as one instance and 2 components depend on them; their failure stops them.');
    assert.equal(plural.impact.reason, 'their callers stop: downtime');
    assert.deepEqual(facts(plural), ['Order shards have replicas: 1']);
    const singular = finding(spof('Order database'), 'single-point-of-failure');
    assert.equal(singular.description, 'Order database runs as one instance and 2 components depend on it; its failure stops them.');
    assert.equal(singular.impact.reason, 'its callers stop: downtime');
  });

  it('single-point-of-failure: one dependent named in the plural', () => {
    const spof = (api: string) =>
      `elements:\n  api: { type: api, name: ${api} }\n  jobs: { type: worker }\n  db: { tech: postgres, replicas: 1, name: Order database }\nflows:\n  - jobs -> api: https\n  - api -> db: sql+tls\n`;
    const plural = finding(spof('API servers'), 'single-point-of-failure');
    assert.equal(plural.description, 'Order database runs as one instance and API servers depend on it; its failure stops API servers.');
    assert.equal(plural.impact.reason, 'API servers stop: downtime');
    const singular = finding(spof('API server'), 'single-point-of-failure');
    assert.equal(singular.description, 'Order database runs as one instance and API server depends on it; its failure stops API server.');
    assert.equal(singular.impact.reason, 'API server stops: downtime');
  });

  it('cache-stampede: a coalescing user and a database named in the plural', () => {
    const stampede = (search: string, db: string) =>
      `assets:\n  catalog: { classification: public }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, name: API server }\n  search: { type: service, name: ${search}, controls: [request-coalescing] }\n  cache: { tech: redis, stores: [catalog], name: Catalog cache }\n  db: { tech: postgres, stores: [catalog], name: ${db} }\nflows:\n  - visitor -> api: https\n  - api -> search: https\n  - api -> cache: rediss\n  - api -> db: sql+tls\n  - search -> cache: rediss\n  - search -> db: sql+tls\n`;
    const plural = finding(stampede('Search workers', 'Catalog shards'), 'cache-stampede');
    assert.equal(plural.description,
      'Catalog cache caches catalog that API server otherwise reads from Catalog shards, and API server does not coalesce misses (Search workers do); an expiry or restart under load sends every request from API server to Catalog shards at once.');
    assert.equal(plural.impact.reason, 'Catalog shards slow down or fall over: downtime');
    assert.ok(facts(plural).includes('Catalog shards store them too'));
    const singular = finding(stampede('Search worker', 'Catalog database'), 'cache-stampede');
    assert.match(singular.description, /\(Search worker does\)/);
    assert.equal(singular.impact.reason, 'Catalog database slows down or falls over: downtime');
  });

  it('no-timeouts-external: the workers of a caller named in the plural', () => {
    const call = (name: string) => `elements:\n  visitor: { tech: browser }\n  api: { type: api, name: ${name} }\n  mailer: { type: third-party, name: Mailer }\nflows:\n  - visitor -> api: https\n  - api -> mailer: https\n`;
    const plural = finding(call('API servers'), 'no-timeouts-external');
    assert.equal(plural.title, 'API servers wait without limit on Mailer');
    assert.equal(plural.description, 'API servers call Mailer synchronously with no timeout or circuit breaker; a slow provider ties up API servers\' workers.');
    assert.equal(finding(call('API server'), 'no-timeouts-external').description,
      'API server calls Mailer synchronously with no timeout or circuit breaker; a slow provider ties up API server\'s workers.');
  });

  it('no-ddos-protection: an asset named in the plural', () => {
    const ddos = (asset: string) => `assets:\n  uptime: { name: ${asset}, kind: resource, availability: high }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-server, name: Web servers }\nflows:\n  - visitor -> web: https\n`;
    const plural = finding(ddos('Orders'), 'no-ddos-protection');
    assert.equal(plural.title, 'Web servers have no DDoS protection');
    assert.deepEqual(facts(plural).slice(0, 2), ['Web servers receive traffic directly from an untrusted zone', 'Orders have availability high']);
    assert.equal(facts(finding(ddos('Uptime'), 'no-ddos-protection'))[1], 'Uptime has availability high');
  });
});

describe('verb agreement with plural names (human)', () => {
  it('privileged-user-phishing: the credentials of staff named in the plural', () => {
    const phishing = (name: string) => `elements:\n  ops: { type: admin, name: ${name} }\n  tools: { type: service, name: Tools }\nflows:\n  - ops -> tools: https\n`;
    const plural = finding(phishing('Operators'), 'privileged-user-phishing');
    assert.equal(plural.title, 'Phished Operators\' credentials open Tools');
    assert.equal(plural.description, 'Operators (admin) reach Tools with no second factor; one phishing email is enough to take over that access.');
    const singular = finding(phishing('Operator'), 'privileged-user-phishing');
    assert.equal(singular.title, 'Phished Operator credentials open Tools');
    assert.equal(singular.description, 'Operator (admin) reaches Tools with no second factor; one phishing email is enough to take over that access.');
  });

  it('insider-data-access: staff named in the plural connect directly', () => {
    const insider = (name: string) => `assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  dev: { type: developer, name: ${name} }\n  db: { tech: postgres, stores: [pii], name: Customer database }\nflows:\n  - dev -> db: postgres+tls\n`;
    assert.equal(finding(insider('Developers'), 'insider-data-access').description,
      'Developers connect directly to Customer database, bypassing the application; nothing limits or records what they read.');
    assert.equal(finding(insider('Developer'), 'insider-data-access').description,
      'Developer connects directly to Customer database, bypassing the application; nothing limits or records what they read.');
  });
});
