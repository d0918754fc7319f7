// Session 23 (device): findings from reviews of an IoT fleet, a mobile bank and a data platform. A device
// uploading readings to the service that also hands out firmware pulls no firmware; a command about a firmware
// update is no firmware; per-team namespaces whose every service faces the internet still share a cluster; a
// pipeline keeping the key that signs what devices verify is reported (signing-key-in-pipeline); an exposed
// broker gets the DDoS finding; topic permissions leave a compromised producer's own topics open; a log-based
// broker's poison record stalls the consumer; and no-timeouts-external's action names what it names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { noDdosProtection, noTimeoutsExternal } from '../../src/analysis/rules/availability.js';
import { unsignedEvents } from '../../src/analysis/rules/messaging.js';
import { containerEscape, isCodeSigningKey, isFirmware, receivesFirmware, signingKeyInPipeline } from '../../src/analysis/rules/supply-chain.js';
import { buildGraph } from '../../src/model/graph.js';
import type { Asset } from '../../src/model/types.js';
import { analyzeText, evidenceFacts, loadText, MODEL_HEAD, noThreat, onlyThreat, runOnly } from './harness.js';

const mitigations = (body: string, rule: Parameters<typeof runOnly>[1][number]) =>
  runOnly(MODEL_HEAD + body, [rule]).mitigations.map((m) => [m.component, m.controls, m.reason]);
const asset = (id: string, name: string, type?: Asset['type']): Asset => ({ id, name, type } as Asset);

describe('unsigned-firmware-update: what a flow moves, and what firmware is', () => {
  const FIELD = 'boundaries:\n  field: { trust: untrusted }\n  vpc: { trust: internal }\n';
  const meter = (assets: string, elements: string, flows: string) =>
    `${FIELD}assets:\n  readings: { name: Meter readings, integrity: high }\n  firmware: { name: Firmware images, integrity: high }\n${assets}` +
    `elements:\n  meter: { type: device, in: field }\n  devmgmt: { type: service, in: vpc, auth: mtls, handles: [firmware] }\n  bucket: { tech: s3, in: vpc, stores: [firmware] }\n${elements}` +
    `flows:\n  - devmgmt -> bucket: { protocol: https, auth: iam, data: [firmware] }\n${flows}`;

  it('does not take readings uploaded to the service that also handles firmware for a firmware pull (review B m2)', () => {
    noThreat(meter('', '', '  - meter -> devmgmt: { protocol: https, auth: mtls, data: [readings] }\n'), 'unsigned-firmware-update');
  });

  it('keeps the reading of a flow that names no data, and of one that carries the firmware', () => {
    const plain = onlyThreat(meter('', '', '  - meter -> devmgmt: { protocol: https, auth: mtls }\n'), 'unsigned-firmware-update');
    assert.equal(plain.title, 'meter installs Firmware images from devmgmt without verifying a signature');
    assert.equal(evidenceFacts(plain)[0], 'devmgmt handles Firmware images');
    const carried = onlyThreat(meter('', '', '  - meter -> devmgmt: { protocol: https, auth: mtls, data: [readings, firmware] }\n'), 'unsigned-firmware-update');
    assert.equal(evidenceFacts(carried)[0], 'meter -> devmgmt carries Firmware images');
  });

  it('tells key-migrations whether a device receives firmware at all', () => {
    const receives = (flows: string) => {
      const { model } = loadText(MODEL_HEAD + meter('', '', flows));
      const graph = buildGraph(model);
      const ctx = buildContext(graph, findCrossings(graph));
      return receivesFirmware(ctx, ctx.graph.elements.get('meter')!);
    };
    assert.equal(receives('  - meter -> devmgmt: { protocol: https, auth: mtls, data: [readings] }\n'), false);
    assert.equal(receives('  - meter -> devmgmt: { protocol: https, auth: mtls }\n'), true);
  });

  it('does not take a command about a firmware update for firmware (review B m2b)', () => {
    const body = `${FIELD}assets:\n  readings: { name: Meter readings, integrity: high }\n  commands: { name: "Device commands (relay on/off, firmware update)", integrity: high }\n` +
      'elements:\n  meter: { type: device, in: field }\n  broker: { tech: emqx, in: vpc, exposed: true, auth: mtls, controls: [authorization], handles: [readings, commands] }\n' +
      'flows:\n  - meter -> broker: { protocol: mqtts, auth: mtls, data: [readings] }\n  - broker -> meter: { protocol: mqtts, auth: mtls }\n';
    noThreat(body, 'unsigned-firmware-update');
  });

  it('reads firmware from the words outside asides, and not from commands, versions, keys or telemetry', () => {
    assert.equal(isFirmware(asset('firmware', 'Firmware images')), true);
    assert.equal(isFirmware(asset('bundle', 'OTA bundles (signed)')), true);
    assert.equal(isFirmware(asset('ota', 'Update packages')), true);
    assert.equal(isFirmware(asset('commands', 'Device commands (relay on/off, firmware update)')), false);
    assert.equal(isFirmware(asset('fw-commands', 'Firmware update commands')), false);
    assert.equal(isFirmware(asset('fw-version', 'Firmware version reports')), false);
    assert.equal(isFirmware(asset('fw-key', 'Firmware signing key', 'secrets')), false);
    assert.equal(isFirmware(asset('diag', 'Firmware diagnostics', 'telemetry')), false);
  });
});

describe('container-escape: internet-facing workloads that hold restricted data are targets too', () => {
  const bank = (cards: string, accounts = '') =>
    'assets:\n  card: { name: Card data, type: payment, classification: restricted }\n' +
    'boundaries:\n  aks: { kind: container }\n  ns-a: { kind: service, in: aks }\n  ns-c: { kind: service, in: aks }\n' +
    `elements:\n  app: { tech: mobile-app }\n  gw: { type: gateway }\n  accounts: { type: api, in: ns-a, auth: jwt${accounts} }\n  cards: { type: api, in: ns-c, auth: jwt, handles: [card]${cards} }\n` +
    'flows:\n  - app -> gw: https\n  - gw -> accounts: https\n  - gw -> cards: https\n';

  it('reports an escape from one internet-facing namespace to another holding restricted data (review A)', () => {
    const t = onlyThreat(bank(''), 'container-escape');
    assert.equal(t.key, 'container-escape@aks');
    assert.equal(t.title, 'Container escape from accounts to cards in aks');
    assert.equal(t.description, 'aks runs internet-facing accounts next to cards (Card data); cards is internet-facing too; a container escape crosses that line.');
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Low', 'High']);
    assert.deepEqual(evidenceFacts(t).slice(0, 3), ['aks is a container boundary', 'accounts is internet-facing', 'cards handles restricted data']);
  });

  it('words workloads that each face the internet and hold restricted data as escaping to one another', () => {
    const t = onlyThreat(bank('', ', handles: [card]'), 'container-escape');
    assert.equal(t.title, 'Container escape between accounts, cards in aks');
    assert.equal(t.description, 'aks runs internet-facing accounts, cards, each holding restricted data (Card data); a container escape from one reaches the others.');
    assert.deepEqual(evidenceFacts(t).slice(1, 3), ['accounts is internet-facing', 'cards handles restricted data']);
  });

  it('reports nothing when the only internet-facing workload is the one holding the data', () => {
    const alone = 'assets:\n  card: { name: Card data, classification: restricted }\nboundaries:\n  aks: { kind: container }\n' +
      'elements:\n  app: { tech: mobile-app }\n  cards: { type: api, in: aks, handles: [card] }\n  batch: { type: worker, in: aks }\nflows:\n  - app -> cards: https\n  - cards -> batch: https\n';
    noThreat(alone, 'container-escape');
  });

  it('takes the escaping workload\'s sandboxing as the mitigation, not the target\'s', () => {
    noThreat(bank('', ', controls: [sandboxing]'), 'container-escape');
    assert.deepEqual(mitigations(bank('', ', controls: [sandboxing]'), containerEscape), [['aks', ['sandboxing'], 'internet-facing workloads are sandboxed']]);
    assert.equal(onlyThreat(bank(', controls: [sandboxing]'), 'container-escape').title, 'Container escape from accounts to cards in aks');
  });
});

describe('signing-key-in-pipeline', () => {
  const FLEET = 'boundaries:\n  field: { trust: untrusted }\n  vpc: { trust: internal }\n';
  const KEY = '  fw-key: { name: Firmware signing key, type: secrets, classification: restricted }\n';
  const fleet = (ci: string, more = '', flows = '', assets = KEY) =>
    `${FLEET}assets:\n  firmware: { name: Firmware images, integrity: high }\n${assets}` +
    `elements:\n  meter: { type: device, in: field, controls: [signature-verification] }\n  developers: { type: developer }\n  ci: ${ci}\n  cdn: { tech: cloudfront, in: vpc, exposed: true }\n  bucket: { tech: s3, in: vpc, stores: [firmware] }\n${more}` +
    `flows:\n  - developers -> ci: { protocol: https, auth: oidc }\n  - ci -> bucket: { protocol: https, auth: iam, data: [firmware] }\n  - meter -> cdn: { protocol: https, auth: mtls, data: [firmware] }\n  - cdn -> bucket: { protocol: https, auth: iam, data: [firmware] }\n${flows}`;
  const CI = (handles: string, controls = 'protected-branches, dependency-pinning, least-privilege') => `{ tech: github-actions, in: vpc, handles: [${handles}], controls: [${controls}] }`;
  const KMS = '  kms: { type: secrets-vault, name: Signing KMS, in: vpc, stores: [fw-key] }\n';

  it('reports a pipeline that keeps the firmware signing key the devices trust (review B m6)', () => {
    const t = onlyThreat(fleet(CI('firmware, fw-key')), 'signing-key-in-pipeline');
    assert.equal(t.key, 'signing-key-in-pipeline@ci');
    assert.equal(t.stride, 'T');
    assert.equal(t.title, 'Firmware signing key is kept in ci');
    assert.match(t.description, /^ci keeps Firmware signing key, which meter trusts; whoever runs code in ci/);
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Medium', 'High']);
    assert.deepEqual(evidenceFacts(t), ['ci handles Firmware signing key', 'meter verifies the signature of Firmware images', 'no HSM or signing service keeps the key out of ci']);
    assert.match(t.mitigation, /KMS- or HSM-backed signing service/);
    // An approval does not take the key out of the pipeline.
    assert.equal(onlyThreat(fleet(CI('firmware, fw-key', 'human-approval')), 'signing-key-in-pipeline').likelihood.level, 'Medium');
  });

  it('reports a key a flow brings into the pipeline', () => {
    const vault = '  vault: { type: secrets-vault, in: vpc }\n';
    const t = onlyThreat(fleet(CI('firmware'), vault, '  - vault -> ci: { protocol: https, data: [fw-key] }\n'), 'signing-key-in-pipeline');
    assert.equal(evidenceFacts(t)[0], 'vault -> ci brings Firmware signing key into ci');
  });

  it('reports a pipeline shipping firmware the devices verify when nothing else keeps a signing key', () => {
    const t = onlyThreat(fleet(CI('firmware'), '', '', ''), 'signing-key-in-pipeline');
    assert.equal(t.title, 'ci signs Firmware images with a key of its own');
    assert.equal(t.likelihood.level, 'Medium');
  });

  it('is one step less likely through a signing service, and mitigated by an approval before release signing', () => {
    const service = (controls = '') => fleet(CI('firmware'), KMS, `  - ci -> kms: { protocol: https, auth: oidc${controls} }\n`);
    const t = onlyThreat(service(), 'signing-key-in-pipeline');
    assert.equal(t.title, 'ci signs through Signing KMS with no approval');
    assert.deepEqual(t.flows, ['ci->kms']);
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Low', 'High']);
    assert.equal(evidenceFacts(t).at(-1), 'no human-approval on ci');
    noThreat(service(', controls: [human-approval]'), 'signing-key-in-pipeline');
    assert.deepEqual(mitigations(service(', controls: [human-approval]'), signingKeyInPipeline),
      [['ci', ['human-approval'], 'the key stays in Signing KMS, and a person approves release signing']]);
  });

  it('reports nothing when the key is kept elsewhere and not called from the pipeline (an offline signer)', () => {
    noThreat(fleet(CI('firmware'), '  signer: { type: service, name: Release workstation, in: vpc, handles: [fw-key] }\n'), 'signing-key-in-pipeline');
  });

  it('reports nothing for a pipeline without signing keys or verified firmware, nor for token keys', () => {
    noThreat('elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  api: { type: api }\nflows:\n  - dev -> ci: https\n  - ci -> api: https\n', 'signing-key-in-pipeline');
    const jwt = 'assets:\n  jwt-key: { name: JWT signing key, type: secrets }\nelements:\n  dev: { type: developer }\n  ci: { tech: github-actions, handles: [jwt-key] }\nflows:\n  - dev -> ci: https\n';
    noThreat(jwt, 'signing-key-in-pipeline');
    // The devices do not verify: unsigned-firmware-update's finding, not this one.
    noThreat(fleet(CI('firmware'), '', '', '').replace(', controls: [signature-verification]', ''), 'signing-key-in-pipeline');
  });

  it('recognises code-signing keys by type and words', () => {
    assert.equal(isCodeSigningKey(asset('fw-key', 'Firmware signing key', 'secrets')), true);
    assert.equal(isCodeSigningKey(asset('codesign', 'Code signing certificate', 'credentials')), true);
    assert.equal(isCodeSigningKey(asset('release-key', 'Release key', 'secrets')), true);
    assert.equal(isCodeSigningKey(asset('cosign', 'Cosign private key', 'secrets')), true);
    assert.equal(isCodeSigningKey(asset('deploy-key', 'Deploy key', 'credentials')), false);
    assert.equal(isCodeSigningKey(asset('fw-key', 'Firmware signing key')), false);
    assert.equal(isCodeSigningKey(asset('jwt-key', 'JWT signing key', 'secrets')), false);
    assert.equal(isCodeSigningKey(asset('db', 'Database password', 'credentials')), false);
  });

  // The rule tester's fixture (test/rules/fixtures.ts gets the same entry): positive, and human-approval mitigating.
  it('fixture: positive, and human-approval mitigating', () => {
    const model = (c: string) =>
      `assets:\n  fw-key: { name: Firmware signing key, type: secrets }\nelements:\n  ci: { tech: github-actions, controls: [${c}] }\n  signer: { type: secrets-vault, stores: [fw-key] }\nflows:\n  - ci -> signer: https\n`;
    assert.equal(onlyThreat(model(''), 'signing-key-in-pipeline').component, 'ci');
    noThreat(model('human-approval'), 'signing-key-in-pipeline');
    assert.deepEqual(mitigations(model('human-approval'), signingKeyInPipeline).map((m) => m[1]), [['human-approval']]);
  });

  it('has an example that triggers it', () => {
    assert.equal(analyzeText(`${MODEL_HEAD}${signingKeyInPipeline.example}\n`).threats.filter((t) => t.ruleId === 'signing-key-in-pipeline').length, 1);
  });
});

describe('no-ddos-protection: an exposed broker', () => {
  const broker = (attrs: string, flows = '  - meter -> broker: { protocol: mqtts, auth: mtls, data: [readings] }\n', controls = 'authorization') =>
    'boundaries:\n  field: { trust: untrusted }\n  vpc: { trust: internal }\n' +
    'assets:\n  readings: { name: Meter readings, integrity: high, availability: high }\n' +
    `elements:\n  meter: { type: device, in: field }\n  broker: { tech: emqx, in: vpc, auth: mtls, controls: [${controls}], handles: [readings]${attrs} }\n  ingester: { type: worker, in: vpc }\n` +
    `flows:\n${flows}  - broker -> ingester: { protocol: mqtts, auth: mtls, data: [readings] }\n`;

  it('reports an exposed MQTT broker with advice for brokers (review B m5)', () => {
    const t = onlyThreat(broker(', exposed: true'), 'no-ddos-protection');
    assert.equal(t.key, 'no-ddos-protection@broker');
    assert.equal(t.title, 'broker has no DDoS protection');
    assert.equal(t.description, 'broker takes connections straight from the internet, Meter readings must stay available, and nothing absorbs a volumetric attack or a flood of connections.');
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Medium', 'High']);
    assert.match(t.mitigation, /connection rate limit/);
    assert.match(t.mitigation, /network load balancer with DDoS protection/);
    assert.doesNotMatch(t.mitigation, /CDN/);
  });

  it('reports a broker devices connect to from an untrusted zone, whichever way the flow is drawn', () => {
    onlyThreat(broker(''), 'no-ddos-protection');
    onlyThreat(broker('', '  - broker -> meter: { protocol: mqtts, auth: mtls, data: [readings] }\n'), 'no-ddos-protection');
  });

  it('takes ddos-protection on the broker as the mitigation', () => {
    const shielded = broker(', exposed: true', undefined, 'authorization, ddos-protection');
    noThreat(shielded, 'no-ddos-protection');
    assert.deepEqual(mitigations(shielded, noDdosProtection).map((m) => m.slice(0, 2)), [['broker', ['ddos-protection']]]);
  });

  it('reports nothing for an internal broker, nor for another kind of store', () => {
    const internal = 'assets:\n  readings: { availability: high }\nelements:\n  api: { type: api }\n  jobs: { tech: rabbitmq, handles: [readings] }\n  worker: { type: worker }\nflows:\n  - api -> jobs: amqps\n  - jobs -> worker: amqps\n';
    noThreat(internal, 'no-ddos-protection');
    const db = 'boundaries:\n  field: { trust: untrusted }\nassets:\n  readings: { availability: high }\nelements:\n  meter: { type: device, in: field }\n  db: { tech: postgres, exposed: true, stores: [readings] }\nflows:\n  - meter -> db: postgres+tls\n';
    noThreat(db, 'no-ddos-protection');
  });
});

describe('unsigned-events: topic permissions do not stop a compromised producer', () => {
  const commands = (broker: string, meter = '') =>
    'boundaries:\n  internet: { trust: untrusted }\n  field: { trust: untrusted }\n  vpc: { trust: internal }\n' +
    'assets:\n  commands: { name: Relay on/off commands, integrity: high }\n' +
    'elements:\n  technician: { tech: android, in: internet }\n  api: { tech: node, in: vpc, auth: jwt }\n  devmgmt: { type: service, in: vpc, auth: jwt }\n' +
    `  broker: { tech: emqx, in: vpc, exposed: true, auth: mtls, controls: [${broker}] }\n  meter: { type: device, in: field${meter} }\n` +
    'flows:\n  - technician -> api: { protocol: https, auth: jwt, data: [commands] }\n  - api -> devmgmt: { protocol: https, auth: jwt, data: [commands] }\n' +
    '  - devmgmt -> broker: { protocol: mqtts, auth: mtls, data: [commands] }\n  - broker -> meter: { protocol: mqtts, auth: mtls, data: [commands] }\n';

  it('keeps the finding, Low, under per-producer topic permissions (review B m7), with the same key as without (m7b)', () => {
    const confined = onlyThreat(commands('authorization, dead-letter-queue'), 'unsigned-events');
    const open = onlyThreat(commands('dead-letter-queue'), 'unsigned-events');
    assert.equal(confined.key, 'unsigned-events@broker');
    assert.equal(confined.key, open.key);
    assert.deepEqual([confined.likelihood.level, confined.impact.level, confined.risk], ['Low', 'High', 'Medium']);
    assert.deepEqual([open.likelihood.level, open.risk], ['Medium', 'High']);
    assert.match(confined.likelihood.reason, /stops everyone else, but not a compromised exposed producer/);
    assert.match(confined.description, /Topic permissions stop everyone else publishing on the topics of devmgmt, but not a compromised devmgmt on its own\.$/);
    assert.doesNotMatch(open.description, /Topic permissions/);
  });

  it('is mitigated only by signing and verification', () => {
    noThreat(commands('authorization, dead-letter-queue', ', controls: [signature-verification]'), 'unsigned-events');
    assert.deepEqual(mitigations(commands('authorization, dead-letter-queue', ', controls: [signature-verification]'), unsignedEvents).map((m) => m[1]), [['signature-verification']]);
    assert.deepEqual(unsignedEvents.mitigatedBy, ['request-signing', 'signature-verification']);
  });
});

describe('poison-message on a log-based broker', () => {
  const stream = (events: string, protocol = 'https', controls = '') =>
    `elements:\n  api: { type: api }\n  events: ${events}\n  spark: { type: worker${controls} }\nflows:\n  - api -> events: ${protocol}\n  - events -> spark: ${protocol}\n`;

  it('tells a Kafka consumer to dead-letter and skip the record and to alert on lag, not to cap redeliveries', () => {
    const t = onlyThreat(stream('{ tech: kafka, name: Amazon MSK }', 'kafka+tls'), 'poison-message');
    assert.equal(t.key, 'poison-message@events');
    assert.equal(t.title, 'Poison records can stall consumers of Amazon MSK');
    assert.match(t.description, /redelivers nothing, so one record that always fails stops its consumer at that offset/);
    assert.match(t.mitigation, /dead-letter topic/);
    assert.match(t.mitigation, /consumer lag/);
    assert.doesNotMatch(t.mitigation, /[Cc]ap redeliveries/);
    // By name or by protocol, too.
    assert.match(onlyThreat(stream('{ type: event-bus, name: Orders on MSK }'), 'poison-message').mitigation, /consumer lag/);
    assert.match(onlyThreat(stream('{ type: event-bus }', 'kafka+tls'), 'poison-message').mitigation, /consumer lag/);
    assert.match(onlyThreat(stream('{ tech: kinesis }'), 'poison-message').mitigation, /consumer lag/);
  });

  it('keeps the queue advice for a broker that redelivers, and dead-letter-queue mitigates both', () => {
    const t = onlyThreat(stream('{ tech: rabbitmq }', 'amqps'), 'poison-message');
    assert.equal(t.title, 'Poison messages can stall events');
    assert.equal(t.mitigation, 'Cap redeliveries and move failing messages to a dead-letter queue with an alert; validate message schemas before processing.');
    noThreat(stream('{ tech: kafka }', 'kafka+tls', ', controls: [dead-letter-queue]'), 'poison-message');
  });
});

describe('no-timeouts-external: the action says what the finding names', () => {
  it('speaks of outbound calls, third-party and our own', () => {
    assert.equal(noTimeoutsExternal.action.text, 'Add timeouts and a circuit breaker to the outbound calls of {targets}');
    const body = 'elements:\n  visitor: { tech: browser }\n  web: { type: web-app }\n  accounts: { type: api }\n  idp: { type: third-party }\nflows:\n  - visitor -> web: https\n  - web -> idp: https\n  - web -> accounts: https\n';
    const result = analyzeText(MODEL_HEAD + body);
    const t = result.threats.find((x) => x.ruleId === 'no-timeouts-external')!;
    assert.match(t.description, /calls idp and our own accounts/);
    assert.ok(result.recommendations.some((r) => r.text === 'Add timeouts and a circuit breaker to the outbound calls of web' && r.threats.includes(t.id)));
  });
});
