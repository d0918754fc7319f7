// Rules judge a call by its effective authentication (callAuth: the flow's own `auth`, else the endpoint it
// names, else its target element's), and cite where that auth is written (session 16). Each place has a
// positive case (auth stated on the endpoint or the element changes the result) and a negative one (the
// flow's own auth, when stated, still wins).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weakAuthentication } from '../../src/analysis/rules/authentication.js';
import type { FlowRule } from '../../src/analysis/rules/types.js';
import type { Threat } from '../../src/analysis/types.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeText, MODEL_HEAD, runOnly, threatsIn } from './harness.js';

/** Each evidence fact with the model path it cites. */
const cited = (t: Threat) => t.evidence.map((e) => [e.fact, e.path]);

describe('secrets-in-config: the static secret may be the one the target asks for', () => {
  const shop = (flow: string) =>
    `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres, auth: password }\nflows:\n  - visitor -> api: https\n  - api -> db: ${flow}\n`;

  it('reports a service reaching a database whose `auth: password` the flow does not restate, cited at that auth', () => {
    const [t] = threatsIn(shop('postgres'), 'secrets-in-config');
    assert.equal(t.description, 'api authenticates with password secrets and no secrets manager is declared; they end up in config files, environment variables or images.');
    assert.deepEqual(cited(t), [['api -> db: authenticates with password', 'elements.db.auth'], ['no secrets-management on api', 'elements.api']]);
  });

  it('leaves it when the flow says it authenticates otherwise (an IAM role)', () => {
    assert.deepEqual(threatsIn(shop('{ protocol: postgres, auth: iam }'), 'secrets-in-config'), []);
  });
});

describe('privileged-user-phishing: a key the target asks for cannot be phished', () => {
  const ops = (flow: string) => `elements:\n  ops: { type: admin }\n  tools: { type: service, auth: mtls }\nflows:\n  - ops -> tools: ${flow}\n`;

  it('leaves staff who reach a tool asking for a client certificate (`auth: mtls` on the tool)', () => {
    assert.deepEqual(threatsIn(ops('https'), 'privileged-user-phishing'), []);
  });

  it('reports them when their flow says they sign in with a password', () => {
    assert.deepEqual(threatsIn(ops('{ protocol: https, auth: password }'), 'privileged-user-phishing').map((t) => t.title), ['Phished ops credentials open tools']);
  });
});

describe('weak-authentication: Basic asked for by the target', () => {
  const partner = (flow: string) => `elements:\n  partner: { type: third-party }\n  api: { type: api, auth: basic }\nflows:\n  - partner -> api: ${flow}\n`;

  it('reports a partner calling an API whose `auth: basic` the flow does not restate, cited at the API\'s auth', () => {
    const [t] = threatsIn(partner('https'), 'weak-authentication');
    assert.equal(t.title, 'Basic authentication into api');
    assert.deepEqual(cited(t), [['partner -> api uses auth basic', 'elements.api.auth']]);
  });

  it('leaves a partner whose flow authenticates with mutual TLS', () => {
    assert.deepEqual(threatsIn(partner('{ protocol: https, auth: mtls }'), 'weak-authentication'), []);
  });
});

describe('unauthenticated-store-access: the endpoint of the store the flow names', () => {
  const files = (flow: string) =>
    'assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n' +
    '  files:\n    type: object-storage\n    stores: [pii]\n    endpoints:\n      /private: { auth: iam }\n      /public: { public: true }\n' +
    `flows:\n  - visitor -> api: https\n  - api -> files: ${flow}\n`;

  it('leaves a flow naming an endpoint of the store that asks for IAM', () => {
    assert.deepEqual(threatsIn(files('{ protocol: https, endpoint: /private }'), 'unauthenticated-store-access'), []);
  });

  it('reports a flow naming its public endpoint, cited where the endpoint is made public; a flow stating a credential is not open', () => {
    const [t] = threatsIn(files('{ protocol: https, endpoint: /public }'), 'unauthenticated-store-access');
    assert.deepEqual(cited(t), [['api -> files uses auth none', 'elements.files.endpoints["/public"]'], ['files stores pii', 'elements.files']]);
    assert.deepEqual(threatsIn(files('{ protocol: https, endpoint: /public, auth: api-key }'), 'unauthenticated-store-access'), []);
  });
});

describe('unauthenticated-device: judged by the call\'s auth, cited where it is stated', () => {
  const sensor = (flow: string, ingest = '{ type: service }') =>
    `elements:\n  sensor: { type: device }\n  ingest: ${ingest}\n  db: { tech: postgres }\nflows:\n  - sensor -> ingest: ${flow}\n  - ingest -> db: sql+tls\n`;
  const API = '{ type: service, auth: mtls, endpoints: { /telemetry: {}, /ping: { public: true } } }';

  it('leaves a device calling an endpoint that asks for a certificate, and reports one calling the public one, cited there', () => {
    assert.deepEqual(threatsIn(sensor('{ protocol: https, endpoint: /telemetry }', API), 'unauthenticated-device'), []);
    const [t] = threatsIn(sensor('{ protocol: https, endpoint: /ping }', API), 'unauthenticated-device');
    assert.deepEqual(cited(t), [['sensor -> ingest uses auth none', 'elements.ingest.endpoints["/ping"]']]);
  });

  it('leaves a device whose own flow states a credential, even to the public endpoint', () => {
    assert.deepEqual(threatsIn(sensor('{ protocol: https, endpoint: /ping, auth: api-key }', API), 'unauthenticated-device'), []);
  });
});

describe('broker clients: how a connection to the broker authenticates', () => {
  const kafka = (events: string, into: string, out: string, billing = '{ type: service }') =>
    `elements:\n  visitor: { tech: browser }\n  orders: { type: service }\n  billing: ${billing}\n  events: ${events}\n` +
    `flows:\n  - visitor -> orders: https\n  - orders -> events: ${into}\n  - events -> billing: ${out}\n`;
  const TOPICS = '{ tech: kafka, endpoints: { orders: { auth: mtls }, status: { public: true } } }';

  it('unauthenticated-broker: a producer naming a topic that asks for a certificate is not open', () => {
    assert.deepEqual(threatsIn(kafka(TOPICS, '{ protocol: kafka+tls, endpoint: orders }', '{ protocol: kafka+tls, auth: mtls }'), 'unauthenticated-broker'), []);
  });

  it('unauthenticated-broker: a producer naming the public topic is open, and a consumer\'s own `auth` says nothing of how it reads', () => {
    const [open] = threatsIn(kafka(TOPICS, '{ protocol: kafka+tls, endpoint: status }', '{ protocol: kafka+tls, auth: mtls }'), 'unauthenticated-broker');
    assert.deepEqual(cited(open), [['orders -> events uses auth none', 'elements.events.endpoints.status'], ['no authentication on events', 'elements.events']]);
    const [read] = threatsIn(kafka('{ tech: kafka }', '{ protocol: kafka+tls, auth: mtls }', 'kafka+tls', '{ type: service, auth: jwt }'), 'unauthenticated-broker');
    assert.deepEqual(cited(read)[0], ['events -> billing states no auth', 'flows[2]["events -> billing"]']);
  });

  const fleet = (into: string) =>
    'elements:\n  sensor: { type: device }\n  broker: { tech: mosquitto, endpoints: { telemetry: { auth: mtls } } }\n  ingest: { type: service }\n  db: { tech: postgres }\n' +
    `flows:\n  - sensor -> broker: ${into}\n  - broker -> ingest: { protocol: mqtts, auth: mtls }\n  - ingest -> db: { protocol: postgres+tls, auth: password }\n`;

  it('unconfined-broker-clients: a device naming a topic that asks for a certificate authenticates with it', () => {
    const [t] = threatsIn(fleet('{ protocol: mqtts, endpoint: telemetry }'), 'unconfined-broker-clients');
    assert.match(t.description, /^sensor connects to broker from an untrusted zone, as it must, and authenticates \(mtls\);/);
  });

  it('unconfined-broker-clients: the credential the device\'s flow states is the one named', () => {
    const [t] = threatsIn(fleet('{ protocol: mqtts, endpoint: telemetry, auth: api-key }'), 'unconfined-broker-clients');
    assert.match(t.description, /and authenticates \(api-key\);/);
  });
});

describe('repudiation: signed-in callers and partners\' shared secrets', () => {
  const partner = (flow: string, api = '{ type: api }') => `elements:\n  partner: { type: third-party }\n  api: ${api}\nflows:\n  - partner -> api: ${flow}\n`;

  it('no-audit-log: a process an outside caller reaches with a credential takes signed-in requests', () => {
    assert.deepEqual(threatsIn(partner('{ protocol: https, auth: api-key }'), 'no-audit-log').map((t) => t.title), ['No audit trail of actions on api']);
  });

  it('no-audit-log: anonymous calls to a process that asks for nothing are not attributable anyway', () => {
    assert.deepEqual(threatsIn(partner('https'), 'no-audit-log'), []);
  });

  const supplier = (flow: string) =>
    `assets:\n  orders: { integrity: high }\nelements:\n  supplier: { type: third-party }\n  api: { type: api, auth: api-key }\nflows:\n  - supplier -> api: ${flow}\n`;

  it('unsigned-partner-requests: the API key the API asks for is the partner\'s shared secret, cited at that auth', () => {
    const [t] = threatsIn(supplier('{ protocol: https, data: [orders] }'), 'unsigned-partner-requests');
    assert.equal(t.description, 'supplier -> api changes orders with only a shared api-key; a disputed or forged request cannot be attributed.');
    assert.deepEqual(cited(t), [['supplier -> api uses auth api-key and carries orders', 'elements.api.auth']]);
  });

  it('unsigned-partner-requests: a partner whose flow uses mutual TLS holds no shared secret', () => {
    assert.deepEqual(threatsIn(supplier('{ protocol: https, auth: mtls, data: [orders] }'), 'unsigned-partner-requests'), []);
  });
});

describe('written threats on a flow: rated by the call\'s auth', () => {
  const written = (flow: string) =>
    'elements:\n  visitor: { tech: browser }\n  api: { type: api, auth: jwt, endpoints: { /orders: {}, /health: { public: true } } }\n' +
    `flows:\n  - visitor -> api: ${flow}\nthreats:\n  replay:\n    title: Requests are replayed\n    stride: S\n    on: visitor -> api\n`;
  const likelihood = (flow: string) => threatsIn(written(flow), 'threat:replay').map((t) => t.likelihood);

  it('a call to an API that asks for a JWT is reachable only with credentials; one naming its public endpoint is not', () => {
    assert.deepEqual(likelihood('https'), [{ level: 'Medium', reason: 'reachable from the internet, but only with valid credentials' }]);
    assert.deepEqual(likelihood('{ protocol: https, endpoint: /health }').map((l) => l.level), ['High']);
  });

  it('a flow stating its own credential is authenticated, even to the public endpoint', () => {
    assert.deepEqual(likelihood('{ protocol: https, endpoint: /health, auth: api-key }').map((l) => l.level), ['Medium']);
  });
});

describe('no-mutual-tls: the auth of the service called', () => {
  const mesh = (payments: string, flow: string) =>
    'boundaries:\n  mesh: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  orders: { type: service, in: mesh }\n' +
    `  payments: ${payments}\nflows:\n  - visitor -> orders: https\n  - orders -> payments: ${flow}\n`;

  it('leaves calls to a service whose `auth: mtls` they do not restate', () => {
    assert.deepEqual(threatsIn(mesh('{ type: service, in: mesh, auth: mtls }', 'https'), 'no-mutual-tls'), []);
  });

  it('cites the service\'s own auth when it identifies no workload, and the flow\'s when the flow states one', () => {
    const [element] = threatsIn(mesh('{ type: service, in: mesh, auth: api-key }', 'https'), 'no-mutual-tls');
    assert.deepEqual(cited(element), [['orders -> payments: https, auth api-key', 'elements.payments.auth']]);
    const [flow] = threatsIn(mesh('{ type: service, in: mesh, auth: mtls }', '{ protocol: https, auth: api-key }'), 'no-mutual-tls');
    assert.deepEqual(cited(flow), [['orders -> payments: https, auth api-key', 'flows[1]["orders -> payments"]']]);
  });

  const idp = (elements: string, flows: string) =>
    `boundaries:\n  vpc: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  api: { type: api, in: vpc }\n${elements}flows:\n  - visitor -> api: https\n${flows}`;

  it('leaves managed identity providers modelled as processes: a cloud\'s user pool, a hosted one typed as a service', () => {
    const text = idp('  cognito: { tech: cognito, in: vpc }\n  auth0: { type: identity-provider, tech: auth0, in: vpc }\n  okta: { type: service, tech: okta, in: vpc }\n',
      '  - api -> cognito: https\n  - api -> auth0: https\n  - cognito -> api: https\n  - api -> okta: https\n');
    assert.deepEqual(threatsIn(text, 'no-mutual-tls'), []);
  });

  it('still reports calls to an identity provider we run (Keycloak), beside the managed ones', () => {
    const [t] = threatsIn(idp('  cognito: { tech: cognito, in: vpc }\n  keycloak: { tech: keycloak, in: vpc }\n', '  - api -> cognito: https\n  - api -> keycloak: https\n'), 'no-mutual-tls');
    assert.deepEqual(t.flows, ['api->keycloak']);
  });
});

describe('pipelines: the credential their target asks for', () => {
  const deploy = (console: string, flow: string) =>
    `elements:\n  dev: { type: developer }\n  ci: { tech: jenkins }\n  console: ${console}\nflows:\n  - dev -> ci: https\n  - ci -> console: ${flow}\n`;

  it('pipeline-over-privileged: a console asking for IAM is reached with standing credentials, cited at that auth', () => {
    const [t] = threatsIn(deploy('{ tech: aws-console, auth: iam }', 'cloud-api'), 'pipeline-over-privileged');
    assert.equal(t.description, 'ci reaches console with its own credentials (iam); anything that runs in the pipeline can use them.');
    assert.deepEqual(cited(t)[0], ['ci -> console authenticates with iam', 'elements.console.auth']);
  });

  it('pipeline-over-privileged: a flow federating with OIDC holds short-lived credentials though the console names IAM', () => {
    const [t] = threatsIn(deploy('{ tech: aws-console, auth: iam }', '{ protocol: cloud-api, auth: oidc }'), 'pipeline-over-privileged');
    assert.equal(t.title, 'ci holds unscoped production access');
    assert.deepEqual(cited(t)[0], ['ci -> console authenticates with oidc', 'flows[1]["ci -> console"]']);
  });

  const ssh = (flow: string) =>
    `elements:\n  dev: { type: developer }\n  ci: { tech: gitlab-ci }\n  server: { type: service, auth: ssh-key }\nflows:\n  - dev -> ci: https\n  - ci -> server: ${flow}\n`;

  it('secrets-in-ci-cd: the SSH key a server asks for is kept in the pipeline, cited at the server\'s auth', () => {
    const [t] = threatsIn(ssh('ssh'), 'secrets-in-ci-cd');
    assert.equal(t.description, 'ci authenticates with ssh-key secrets kept in its settings; logs, forks and plugins can leak them.');
    assert.deepEqual(cited(t)[0], ['ci -> server uses ssh-key', 'elements.server.auth']);
  });

  it('secrets-in-ci-cd: a flow federating with OIDC keeps no static secret', () => {
    assert.deepEqual(threatsIn(ssh('{ protocol: ssh, auth: oidc }'), 'secrets-in-ci-cd'), []);
  });
});

describe('flow rule gates admit flows by the call\'s auth', () => {
  const offered = (gateAuth: string[], text: string) => {
    const seen: string[] = [];
    const spy: FlowRule = { ...weakAuthentication, id: 'spy', gate: { auth: gateAuth }, check: (f) => void seen.push(f.id) };
    runOnly(MODEL_HEAD + text, [spy]);
    return seen;
  };
  const TEXT = 'elements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  api: { type: api, auth: jwt, endpoints: { /health: { public: true } } }\n' +
    'flows:\n  - visitor -> api: https\n  - partner -> api: { protocol: https, auth: api-key }\n  - { id: probe, from: visitor, to: api, protocol: https, endpoint: /health }\n';

  it('a gate on jwt is offered the call into an API asking for one, not the flows that say otherwise', () => {
    assert.deepEqual(offered(['jwt'], TEXT), ['visitor->api']);
  });

  it('a gate on none is offered only the call to the public endpoint, and one on api-key the flow stating it', () => {
    assert.deepEqual(offered(['none'], TEXT), ['probe']);
    assert.deepEqual(offered(['api-key'], TEXT), ['partner->api']);
  });
});

describe('boundary crossings carry the call\'s auth', () => {
  const TEXT = 'boundaries:\n  internet: { trust: untrusted }\n  app: { trust: internal }\n' +
    'elements:\n  visitor: { tech: browser, in: internet }\n  partner: { type: third-party, in: internet }\n  api: { type: api, in: app, auth: jwt }\n' +
    'flows:\n  - visitor -> api: https\n  - partner -> api: { protocol: https, auth: api-key }\n';

  it('in the result: the target\'s auth where the flow states none, the flow\'s own where it does; flows keep their own', () => {
    const r = analyzeText(MODEL_HEAD + TEXT);
    assert.deepEqual(r.crossings.map((c) => [c.flow, c.auth]), [['visitor->api', 'jwt'], ['partner->api', 'api-key']]);
    assert.deepEqual(r.flows.map((f) => [f.id, f.auth]), [['visitor->api', 'none'], ['partner->api', 'api-key']]);
  });

  it('in the Markdown and HTML crossings tables', () => {
    const r = analyzeText(MODEL_HEAD + TEXT);
    const md = renderMarkdown(r);
    assert.match(md, /\n\| visitor -> api \| [^|]+ \| https \| yes \| jwt \|\n\| partner -> api \| [^|]+ \| https \| yes \| api-key \|\n/);
    const html = renderHtml(r);
    assert.match(html, /<td>visitor -&gt; api<\/td><td>[^<]+<\/td><td>https<\/td><td>yes<\/td><td>jwt<\/td>/);
    assert.match(html, /<td>partner -&gt; api<\/td><td>[^<]+<\/td><td>https<\/td><td>yes<\/td><td>api-key<\/td>/);
  });
});

describe('callAuth cites where an endpoint\'s auth is written', () => {
  const api = (auth: string, orders: string) =>
    `elements:\n  partner: { type: third-party }\n  api: { type: api, auth: ${auth}, endpoints: { /orders: ${orders} } }\n` +
    'flows:\n  - partner -> api: { protocol: https, endpoint: /orders }\n';

  it('an endpoint that inherits its element\'s auth is cited at the element\'s auth', () => {
    const [t] = threatsIn(api('basic', '{}'), 'weak-authentication');
    assert.deepEqual(cited(t), [['partner -> api uses auth basic', 'elements.api.auth']]);
  });

  it('an endpoint with an auth of its own is cited at the endpoint', () => {
    const [t] = threatsIn(api('jwt', '{ auth: basic }'), 'weak-authentication');
    assert.deepEqual(cited(t), [['partner -> api uses auth basic', 'elements.api.endpoints["/orders"]']]);
  });
});

describe('a broker\'s delivery is read over the consumer\'s own connection (session 27)', () => {
  // A device fleet: the device subscribes with its certificate and the broker delivers commands to it.
  const fleet = (broker = '', delivery = '{ protocol: mqtts, data: [commands] }', device = '{ protocol: mqtts, auth: mtls }') =>
    'boundaries: { field: { trust: untrusted }, cloud: { trust: internal } }\nassets: { commands: { name: Device commands, integrity: high } }\n' +
    `elements:\n  device: { type: device, in: field }\n  broker: { tech: emqx, in: cloud${broker} }\n  app: { type: service, in: cloud }\n` +
    `flows:\n  - device -> broker: ${device}\n  - app -> broker: { protocol: mqtts, auth: mtls, data: [commands] }\n  - broker -> device: ${delivery}\n`;
  const RULES = ['unauthenticated-broker', 'unconfined-broker-clients'];
  const rulesOf = (body: string) => threatsIn(body, ...RULES).map((t) => t.ruleId);

  it('unauthenticated-broker: a delivery to a device that subscribes with mTLS is not open; the device is asked for per-client topics', () => {
    assert.deepEqual(rulesOf(fleet()), ['unconfined-broker-clients']);
    assert.deepEqual(rulesOf(fleet(', auth: mtls')), ['unconfined-broker-clients']);
    const [t] = threatsIn(fleet(), 'unconfined-broker-clients');
    assert.match(t.description, /^device connects to broker from an untrusted zone, as it must, and authenticates \(mtls\);/);
  });

  it('unauthenticated-broker: a delivery to a consumer that draws no connection and states no auth is open, as is one read over a connection without credentials', () => {
    const alone = 'elements:\n  orders: { type: service }\n  billing: { type: service }\n  events: { tech: kafka }\n' +
      'flows:\n  - orders -> events: { protocol: kafka+tls, auth: mtls }\n  - events -> billing: kafka+tls\n';
    const [open] = threatsIn(alone, 'unauthenticated-broker');
    assert.deepEqual(cited(open), [['events -> billing states no auth', 'flows[1]["events -> billing"]'], ['no authentication on events', 'elements.events']]);
    const [anonymous] = threatsIn(fleet('', '{ protocol: mqtts, data: [commands] }', 'mqtts'), 'unauthenticated-broker');
    assert.match(anonymous.description, /^2 connections to broker carry no credentials/);
    assert.deepEqual(cited(anonymous), [
      ['device -> broker states no auth', 'flows[0]["device -> broker"]'],
      ['broker -> device is read over device -> broker, which states no auth', 'flows[0]["device -> broker"]'],
      ['no authentication on broker', 'elements.broker'],
    ]);
  });

  it('unauthenticated-broker: a consumer\'s own `auth` is not inherited, and every connection counted is cited', () => {
    const body = 'boundaries: { vpc: { trust: internal }, data: { trust: restricted, kind: data-tier, in: vpc } }\n' +
      'elements:\n  api: { tech: java, in: vpc }\n  accounts: { tech: java, auth: jwt, in: vpc }\n  kafka: { tech: kafka, in: data }\n' +
      'flows:\n  - api -> kafka: { protocol: kafka }\n  - kafka -> accounts: { protocol: kafka }\n';
    const [t] = threatsIn(body, 'unauthenticated-broker');
    assert.match(t.description, /^2 connections to kafka carry no credentials/);
    assert.deepEqual(cited(t).map(([fact]) => fact), ['api -> kafka states no auth', 'kafka -> accounts states no auth', 'no authentication on kafka']);
    const r = analyzeText(MODEL_HEAD + body);
    assert.deepEqual(r.crossings.map((c) => [c.flow, c.auth]), [['api->kafka', 'none'], ['kafka->accounts', 'none']]);
  });

  it('boundary crossings: a delivery takes the auth of the consumer\'s connection, else the broker\'s; an ordinary call keeps its target\'s', () => {
    const crossings = (body: string) => analyzeText(MODEL_HEAD + body).crossings.map((c) => [c.flow, c.auth]);
    assert.deepEqual(crossings(fleet()), [['device->broker', 'mtls'], ['broker->device', 'mtls']]);
    const noConnection = 'boundaries: { field: { trust: untrusted }, cloud: { trust: internal } }\n' +
      'elements:\n  phone: { type: device, in: field }\n  bus: { tech: rabbitmq, in: cloud, auth: password }\n  api: { type: api, in: cloud, auth: jwt }\n' +
      'flows:\n  - phone -> api: https\n  - api -> bus: amqps\n  - bus -> phone: amqps\n';
    assert.deepEqual(crossings(noConnection), [['phone->api', 'jwt'], ['bus->phone', 'password']]);
  });

  it('attack paths: whoever controls the broker reaches a consumer without the consumer\'s `auth`; a call to it still needs it', () => {
    const ledger = (via: string) =>
      'boundaries: { field: { trust: untrusted }, cloud: { trust: internal } }\nassets: { ledger: { name: Ledger, integrity: high, classification: restricted } }\n' +
      `elements:\n  device: { type: device, in: field }\n  bus: { tech: rabbitmq, in: cloud }\n  accounts: { tech: java, auth: jwt, in: cloud, stores: [ledger] }\n  gw: { type: gateway, in: cloud }\n` +
      `flows:\n  - device -> ${via}: amqps\n  - ${via} -> accounts: amqps\n`;
    const hops = (body: string) => analyzeText(MODEL_HEAD + body).attackPaths.paths[0].hops.map((h) => [h.flow, h.auth, h.authenticated]);
    assert.deepEqual(hops(ledger('bus')), [['device->bus', 'none', false], ['bus->accounts', 'none', false]]);
    assert.deepEqual(hops(ledger('gw')), [['device->gw', 'none', false], ['gw->accounts', 'jwt', true]]);
  });
});
