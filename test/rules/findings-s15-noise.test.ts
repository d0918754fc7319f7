// Findings a new user's review (session 15) called duplicated, misdirected or missing: a partner's webhook
// behind a load balancer, timeouts per caller, device firmware, values that are not prices, agents a public
// chat drives, mutual TLS in a small system, and a device fleet's MQTT broker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noMutualTls } from '../../src/analysis/rules/service-identity.js';
import { unconfinedBrokerClients } from '../../src/analysis/rules/messaging.js';
import { unsignedFirmwareUpdate } from '../../src/analysis/rules/supply-chain.js';
import { unsignedWebhook } from '../../src/analysis/rules/integrity.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { MODEL_HEAD as head, runOnly, threatsIn, threatsOf } from './harness.js';

const idsOf = (text: string, ...ids: string[]) => threatsOf(text, ...ids).map((t) => `${t.ruleId}@${t.endpoint ?? t.component}`).sort();
const mitigationsOf = (text: string, rule: (typeof BUILTIN_RULES)[number]) => runOnly(text, [rule]).mitigations.map((m) => [m.component, m.controls, m.reason]);

describe('a partner\'s webhook behind a load balancer is one finding (session 15)', () => {
  const shop = (endpoint: string, stripeFlow = 'https', more = '') =>
    `${head}assets:\n  pay: { name: Payment status, type: payment }\nelements:\n  visitor: { tech: browser }\n  stripe: { tech: stripe }\n  other: { type: third-party }\n  lb: { tech: alb }\n  api:\n    type: api\n    endpoints:\n      POST /webhooks/stripe: { ${endpoint} }\n` +
    `flows:\n  - visitor -> lb: https\n  - stripe -> lb: ${stripeFlow}\n  - lb -> api: http\n${more}`;
  const RULES = ['unauthenticated-partner-call', 'unsigned-webhook', 'webhook-replay'];

  it('reports a partner call that lands on a webhook behind the edge as the forged-event finding alone', () => {
    assert.deepEqual(idsOf(shop('public: true, accepts: [pay]'), ...RULES), ['unsigned-webhook@api:POST /webhooks/stripe']);
  });

  it('reports nothing once the webhook verifies signatures: neither the partner nor a replay', () => {
    assert.deepEqual(idsOf(shop('public: true, accepts: [pay], controls: [signature-verification]'), ...RULES), []);
  });

  it('still reports the partner when the webhook behind the edge is for another caller', () => {
    // Its allow-list keeps the partner off the webhook; unenforced, the partner's call lands there (callers-reach.test.ts).
    assert.deepEqual(idsOf(shop('public: true, callers: [other], controls: [ip-allowlist]'), ...RULES), ['unauthenticated-partner-call@lb', 'unsigned-webhook@api:POST /webhooks/stripe']);
  });

  it('takes the partner\'s hmac on its flow into the edge as its events\' check; browsers through the edge send no events', () => {
    const text = shop('public: true, accepts: [pay]', '{ protocol: https, auth: hmac }');
    assert.deepEqual(idsOf(text, ...RULES), []);
    assert.deepEqual(mitigationsOf(text, unsignedWebhook), [['api', ['hmac'], 'the sender is authenticated by hmac']]);
    // A second partner through the same edge, declaring nothing, leaves the webhook open.
    assert.deepEqual(idsOf(`${text}  - other -> lb: https\n`, 'unsigned-webhook'), ['unsigned-webhook@api:POST /webhooks/stripe']);
  });

  it('asks for the signature and its timestamp in the forged-event finding, so that following it leaves nothing', () => {
    const [t] = threatsOf(shop('public: true, accepts: [pay]'), 'unsigned-webhook');
    assert.match(t.mitigation, /signed timestamp/);
    assert.match(t.mitigation, /process each event id once/);
  });

  it('reports replay only for a sender authenticated by mutual TLS alone (no signed timestamp exists)', () => {
    const bank = (auth: string) =>
      `${head}elements:\n  bank: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      POST /hooks/bank: { auth: ${auth} }\nflows:\n  - bank -> api: https\n`;
    assert.deepEqual(idsOf(bank('mtls'), ...RULES), ['webhook-replay@api:POST /hooks/bank']);
    assert.deepEqual(idsOf(bank('hmac'), ...RULES), []);
  });
});

describe('no-timeouts-external: one finding per caller (session 15)', () => {
  const calls = (caller: string, flows: string, more = '') =>
    `${head}elements:\n  ${caller}\n  stripe: { tech: stripe }\n  idp: { tech: okta }\n  mail: { tech: sendgrid }\n  billing: { type: service }\n${more}flows:\n${flows}`;
  const API = 'api: { type: api }';
  const THREE = '  - api -> stripe: https\n  - api -> idp: https\n  - api -> mail: https\n';

  it('names every third party a caller waits on in one finding', () => {
    const found = threatsOf(calls(API, THREE), 'no-timeouts-external');
    assert.deepEqual(found.map((t) => [t.component, t.flows]), [['api', ['api->stripe', 'api->idp', 'api->mail']]]);
    assert.equal(found[0].title, 'api waits without limit on idp, mail, stripe');
    assert.equal(found[0].impact.level, 'Medium');
  });

  it('reports nothing when the caller declares timeouts', () => {
    assert.deepEqual(threatsOf(calls('api: { type: api, controls: [timeouts] }', THREE), 'no-timeouts-external'), []);
  });

  it('names the caller\'s calls to our own services too, and no-circuit-breaker leaves them', () => {
    const text = calls(API, `${THREE}  - api -> billing: https\n`);
    const [t] = threatsOf(text, 'no-timeouts-external');
    assert.deepEqual(t.flows, ['api->stripe', 'api->idp', 'api->mail', 'api->billing']);
    assert.equal(t.description, 'api calls idp, mail, stripe and our own billing synchronously with no timeout or circuit breaker; a slow provider or service ties up api\'s workers.');
    assert.deepEqual(threatsOf(text, 'no-circuit-breaker'), []);
  });

  it('leaves internal calls to no-circuit-breaker when the third-party calls are bounded on their flows', () => {
    const text = calls(API, '  - api -> stripe: { protocol: https, controls: [timeouts] }\n  - api -> billing: https\n');
    assert.deepEqual(threatsOf(text, 'no-timeouts-external'), []);
    assert.deepEqual(threatsOf(text, 'no-circuit-breaker').map((t) => t.flows), [['api->billing']]);
  });

  it('rates a background job nothing waits on Low: a stuck run delays its own work', () => {
    const [job] = threatsOf(calls('batch: { type: worker }', '  - batch -> mail: https\n'), 'no-timeouts-external');
    assert.equal(job.impact.level, 'Low');
    assert.equal(job.risk, 'Low');
    assert.match(job.description, /nothing waits on it: a stuck run only delays its own work/);
  });

  it('rates a job that a synchronous call starts, or an API with no flow in yet, Medium', () => {
    const started = calls('batch: { type: worker }', '  - api -> batch: https\n  - batch -> mail: https\n', '  api: { type: api }\n');
    assert.equal(threatsOf(started, 'no-timeouts-external').find((t) => t.component === 'batch')?.impact.level, 'Medium');
    assert.equal(threatsOf(calls(API, '  - api -> mail: https\n'), 'no-timeouts-external')[0].impact.level, 'Medium');
  });
});

describe('device firmware updates (session 15)', () => {
  const FIRMWARE = 'assets:\n  firmware: { name: Firmware images, integrity: high }\n  readings: { name: Readings, type: telemetry }\n';
  const fleet = (ota: string, flows: string, device = '{ type: device, replicas: 500 }') =>
    `${head}${FIRMWARE}elements:\n  thermostat: ${device}\n  ota: ${ota}\n  bucket: { tech: s3, stores: [firmware] }\n  ingest: { type: service, handles: [readings] }\nflows:\n${flows}`;
  const PULL = '  - thermostat -> ota: https\n  - ota -> bucket: { protocol: https, auth: iam }\n';

  it('reports firmware a device pulls from a service that handles it, and who can push it', () => {
    const [t] = threatsOf(fleet('{ type: service, handles: [firmware] }', PULL), 'unsigned-firmware-update');
    assert.equal(t.component, 'thermostat');
    assert.deepEqual(t.flows, ['thermostat->ota']);
    assert.equal(t.title, 'thermostat installs Firmware images from ota without verifying a signature');
    assert.match(t.description, /whoever controls ota or bucket can push firmware of their choice to the fleet of thermostat \(500 devices\)/);
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Medium', 'High']);
  });

  it('finds the firmware from the flow, the endpoint, the store the service reads, or the service\'s name', () => {
    const found = (ota: string, flows: string) => threatsOf(fleet(ota, flows), 'unsigned-firmware-update').map((t) => t.evidence[0].fact);
    assert.deepEqual(found('{ type: service }', '  - ota -> thermostat: { protocol: https, data: [firmware] }\n'), ['ota -> thermostat carries Firmware images']);
    assert.deepEqual(found('{ type: service, endpoints: { /images/latest: { returns: [firmware] } } }', '  - thermostat -> ota: { protocol: https, endpoint: /images/latest }\n'),
      ['/images/latest on ota returns Firmware images']);
    assert.deepEqual(found('{ type: service }', PULL), ['ota reads Firmware images from bucket']);
    assert.deepEqual(found('{ type: service, name: Update service }', '  - thermostat -> ota: https\n'), ['Update service is named as an update service']);
  });

  it('is High when the update travels in cleartext', () => {
    const [t] = threatsOf(fleet('{ type: service, handles: [firmware] }', '  - thermostat -> ota: http\n'), 'unsigned-firmware-update');
    assert.equal(t.likelihood.level, 'High');
  });

  it('reports nothing for a device that only sends readings, even to a service named for updates', () => {
    assert.deepEqual(threatsOf(fleet('{ type: service }', '  - thermostat -> ingest: { protocol: mqtts, data: [readings] }\n'), 'unsigned-firmware-update'), []);
    assert.deepEqual(threatsOf(fleet('{ type: service, name: Status updates }', '  - thermostat -> ota: { protocol: https, data: [readings] }\n'), 'unsigned-firmware-update'), []);
  });

  it('takes signature-verification on the device or on the update flow as the check', () => {
    const onDevice = fleet('{ type: service, handles: [firmware] }', PULL, '{ type: device, controls: [signature-verification] }');
    assert.deepEqual(threatsOf(onDevice, 'unsigned-firmware-update'), []);
    assert.deepEqual(mitigationsOf(onDevice, unsignedFirmwareUpdate), [['thermostat', ['signature-verification'], 'devices verify the signature of what they install']]);
    const onFlow = fleet('{ type: service, handles: [firmware] }', '  - thermostat -> ota: { protocol: https, controls: [signature-verification] }\n');
    assert.deepEqual(threatsOf(onFlow, 'unsigned-firmware-update'), []);
  });

  it('words an unauthenticated firmware download as what an impostor gains, not as forged readings', () => {
    const [download] = threatsOf(fleet('{ type: service, handles: [firmware] }', PULL), 'unauthenticated-device');
    assert.equal(download.title, 'Anyone can download Firmware images from ota');
    assert.doesNotMatch(download.description, /forged/);
    assert.deepEqual([download.likelihood.level, download.impact.level, download.risk], ['High', 'Low', 'Medium']);
    // A device sending readings is still the forged-data finding.
    const [send] = threatsOf(fleet('{ type: service }', '  - thermostat -> ingest: { protocol: mqtts, data: [readings] }\n'), 'unauthenticated-device');
    assert.equal(send.title, 'Unauthenticated devices send data to ingest');
  });
});

describe('client-controlled-value words the value at hand (session 15)', () => {
  const api = (asset: string, flows = '  - app -> api: https\n') =>
    `${head}assets:\n  value: ${asset}\nelements:\n  app: { tech: mobile-app }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /devices/{id}/setpoint: { accepts: [value] }\nflows:\n${flows}`;

  it('asks for server-side limits for a setpoint, not prices', () => {
    const [t] = threatsOf(api('{ name: Device commands, integrity: high }'), 'client-controlled-value');
    assert.doesNotMatch(`${t.description} ${t.mitigation}`, /price|total/i);
    assert.match(t.mitigation, /server-side limits/);
  });

  it('keeps prices and totals for money, with the example that fits the value', () => {
    const [t] = threatsOf(api('{ name: Refund amount, type: financial, integrity: high }'), 'client-controlled-value');
    assert.match(t.mitigation, /look prices and totals up/);
    assert.match(t.description, /refund more than was paid/);
    const [transfer] = threatsOf(api('{ name: Payment instructions, type: payment, integrity: high }'), 'client-controlled-value');
    assert.match(transfer.description, /an amount over their limit, or from an account that is not theirs/);
    assert.doesNotMatch(transfer.description, /price/);
    const [cart] = threatsOf(api('{ name: Cart totals, type: financial, integrity: high }'), 'client-controlled-value');
    assert.match(cart.description, /pay less than the price/);
  });

  it('speaks of who steers the callers, not of a proxy, when only other components reach the endpoint', () => {
    const text = api('{ name: Refund amount, type: financial, integrity: high }', '  - app -> agent: https\n  - agent -> api: https\n').replace('elements:\n', 'elements:\n  agent: { type: service }\n');
    const [t] = threatsOf(text, 'client-controlled-value');
    assert.equal(t.description, 'POST /devices/{id}/setpoint on api takes Refund amount from its callers; whoever steers the components that call it (their users\' input, a manipulated agent, a compromised service) sets it.');
  });
});

describe('an agent a public chat drives (session 15)', () => {
  const bot = (widget = '{ public: true }', extra = '') =>
    `${head}assets:\n  tickets: { name: Customer tickets, type: pii, classification: confidential }\n  orders: { name: Orders and refunds, type: financial, integrity: high }\n` +
    `elements:\n  visitor: { tech: browser }\n  widget:\n    type: web-app\n    endpoints:\n      POST /chat: ${widget}\n  orchestrator: { tech: llm-agent, handles: [tickets, orders] }\n  llm: { tech: openai }\n` +
    `  docs: { tech: pgvector, stores: [tickets] }\n  refunds: { type: api, handles: [orders], endpoints: { POST /refunds: { accepts: [orders] } } }\n  mailer: { tech: sendgrid }\n${extra}` +
    'flows:\n  - visitor -> widget: https\n  - widget -> orchestrator: https\n  - orchestrator -> llm: { protocol: https, auth: api-key, data: [tickets] }\n' +
    '  - orchestrator -> docs: { protocol: postgres+tls, auth: password }\n  - orchestrator -> refunds: https\n  - orchestrator -> mailer: { protocol: https, auth: api-key }\n';

  it('reports prompt injection and model output where the prompt is built, not on the widget that relays', () => {
    assert.deepEqual(idsOf(bot(), 'prompt-injection', 'llm-insecure-output', 'cross-site-scripting'), ['llm-insecure-output@orchestrator', 'prompt-injection@orchestrator']);
    const [output] = threatsOf(bot(), 'llm-insecure-output');
    assert.match(output.description, /passes model output to browsers \(through widget\)/);
  });

  it('rates agency Critical when anyone on the internet drives tools that move money and send mail, and says what can be mailed out', () => {
    const [t] = threatsOf(bot(), 'llm-excessive-agency');
    assert.equal(t.risk, 'Critical');
    assert.equal(t.likelihood.reason, 'anyone on the internet steers it without signing in through widget: public prompt injection techniques');
    assert.match(t.description, /moving money through refunds and mailing Customer tickets, Orders and refunds to any address through mailer/);
  });

  it('keeps agency High when the chat takes a credential', () => {
    const [t] = threatsOf(bot('{ auth: session-cookie }'), 'llm-excessive-agency');
    assert.deepEqual([t.likelihood.level, t.risk], ['Medium', 'High']);
  });

  it('names documents retrieved from a vector store as a way in, and reports an internal agent that retrieves them', () => {
    const [t] = threatsOf(bot(), 'prompt-injection');
    assert.match(t.description, /and documents it retrieves from docs into prompts/);
    const internal = `${head}elements:\n  ops: { type: admin }\n  summariser: { tech: llm-agent }\n  docs: { tech: qdrant }\nflows:\n  - ops -> summariser: https\n  - summariser -> docs: https\n`;
    const [indirect] = threatsOf(internal.replace('ops: { type: admin }', 'ops: { type: admin, in: office }').replace('elements:', 'boundaries:\n  office: { trust: internal }\nelements:'), 'prompt-injection');
    assert.equal(indirect?.likelihood.level, 'Medium');
    // An ordinary database the same agent reads is not a way in for outsiders' text.
    const plain = internal.replace('tech: qdrant', 'tech: postgres').replace('ops: { type: admin }', 'ops: { type: admin, in: office }').replace('elements:', 'boundaries:\n  office: { trust: internal }\nelements:');
    assert.deepEqual(threatsIn(plain.slice(head.length), 'prompt-injection'), []);
  });
});

describe('no-mutual-tls in a small system (session 15)', () => {
  const zone = (services: number) => {
    const names = Array.from({ length: services }, (_, i) => `s${i}`);
    return `${head}boundaries:\n  app: { trust: internal }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n` +
      `${names.map((n) => `  ${n}: { type: service, in: app, handles: [pii] }\n`).join('')}flows:\n${names.slice(1).map((n) => `  - s0 -> ${n}: https\n`).join('')}`;
  };

  it('rates calls inside one zone of a few services Low likelihood, and asks for no service mesh', () => {
    const [t] = threatsOf(zone(3), 'no-mutual-tls');
    assert.deepEqual([t.likelihood.level, t.risk], ['Low', 'Medium']);
    assert.doesNotMatch(t.mitigation, /a service mesh issues/);
    assert.equal(noMutualTls.action.text.includes('service mesh'), false);
  });

  it('keeps Medium likelihood for a zone of many services', () => {
    const [t] = threatsOf(zone(8), 'no-mutual-tls');
    assert.deepEqual([t.likelihood.level, t.risk], ['Medium', 'High']);
  });
});

describe('a device fleet\'s MQTT broker (session 15)', () => {
  const broker = (device: string, controls = '') =>
    `${head}boundaries:\n  field: { trust: untrusted }\n  cloud: { trust: internal }\nassets:\n  commands: { name: Device commands, integrity: high }\nelements:\n` +
    `  thermostat: { type: device, in: field }\n  broker: { tech: mosquitto, in: cloud${controls} }\n  ingest: { type: service, in: cloud }\n  db: { tech: postgres, in: cloud }\n` +
    `flows:\n  - thermostat -> broker: ${device}\n  - broker -> thermostat: { protocol: mqtts, data: [commands]${device.includes('mtls') ? ', auth: mtls' : ''} }\n  - broker -> ingest: { protocol: mqtts, auth: mtls }\n  - ingest -> db: { protocol: postgres+tls, auth: password }\n`;
  const RULES = ['exposed-data-store', 'unauthenticated-broker', 'unconfined-broker-clients'];

  it('does not ask to take a device broker off the internet; with device mTLS it asks for per-client topics', () => {
    const text = broker('{ protocol: mqtts, auth: mtls }');
    assert.deepEqual(idsOf(text, ...RULES), ['unconfined-broker-clients@broker']);
    const [t] = threatsOf(text, 'unconfined-broker-clients');
    assert.equal(t.impact.level, 'High');
    assert.match(t.description, /thermostat connects to broker from an untrusted zone, as it must, and authenticates \(mtls\)/);
  });

  it('takes authorization on the broker as per-client topics', () => {
    const text = broker('{ protocol: mqtts, auth: mtls }', ', controls: [authorization]');
    assert.deepEqual(idsOf(text, ...RULES), []);
    assert.deepEqual(mitigationsOf(text, unconfinedBrokerClients), [['broker', ['authorization'], 'each client is confined to its own topics']]);
  });

  it('leaves devices that connect without credentials to unauthenticated-broker, whose fix names devices and topics', () => {
    const text = broker('mqtts');
    assert.deepEqual(idsOf(text, ...RULES), ['unauthenticated-broker@broker']);
    assert.match(threatsOf(text, 'unauthenticated-broker')[0].mitigation, /a certificate per device.*its own topics/);
  });

  it('still reports a database the internet connects to, and a broker marked exposed with no clients there', () => {
    const db = `${head}elements:\n  visitor: { tech: browser }\n  db: { tech: postgres }\nflows:\n  - visitor -> db: postgres+tls\n`;
    assert.deepEqual(idsOf(db, 'exposed-data-store'), ['exposed-data-store@db']);
    assert.deepEqual(idsOf(`${head}elements:\n  events: { tech: mosquitto, exposed: true }\n`, 'exposed-data-store'), ['exposed-data-store@events']);
  });
});
