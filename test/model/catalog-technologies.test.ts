// What each family of technologies means once a model names it: the kind, type and traits the loader gives
// the element, and what the rules then say. Checked through loadModel, as a model file would be.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TECH_TRAITS, TECHNOLOGIES } from '../../src/model/catalog.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Element } from '../../src/model/types.js';
import { analyzeText, replaceOnce, threatsOf } from '../helpers.js';

/** The element each technology becomes, loaded as `x: { tech: NAME }` in a model of its own. */
function resolved(tech: string): Pick<Element, 'kind' | 'type' | 'traits'> {
  const loaded = loadModel(`threatmap: 1\nsystem: { name: t }\nelements:\n  x: { tech: ${tech} }\n`, 'm.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `${tech}: ${formatDiagnostics(loaded.diagnostics)}`);
  const [x] = loaded.model.elements;
  return { kind: x.kind, type: x.type, traits: [...x.traits] };
}

const each = (names: readonly string[], want: (name: string) => Pick<Element, 'kind' | 'type' | 'traits'>) => {
  for (const name of names) assert.deepEqual(resolved(name), want(name), name);
};

describe('technology families', () => {
  it('MQTT brokers are event buses with the message-broker trait; managed ones are cloud services of ours', () => {
    each(['mosquitto', 'emqx', 'hivemq', 'vernemq', 'mqtt-broker'], () => ({ kind: 'store', type: 'event-bus', traits: ['message-broker'] }));
    each(['aws-iot-core', 'azure-iot-hub'], () => ({ kind: 'store', type: 'event-bus', traits: ['message-broker', 'cloud'] }));
    // The MQTT protocol name is a protocol, not a technology: it implies no element.
    assert.equal(Object.hasOwn(TECHNOLOGIES, 'mqtt'), false);
  });

  it('time-series databases: a query language input can inject into, except metrics stores that have none to write', () => {
    assert.deepEqual(resolved('influxdb'), { kind: 'store', type: 'database', traits: ['nosql'] });
    each(['timescaledb', 'questdb'], () => ({ kind: 'store', type: 'database', traits: ['sql'] }));
    each(['prometheus', 'victoriametrics'], () => ({ kind: 'store', type: 'database', traits: [] }));
  });

  it('vector databases we run are databases with the vector trait; pgvector is PostgreSQL; Pinecone is a SaaS', () => {
    each(['qdrant', 'weaviate', 'milvus', 'chroma', 'chromadb'], () => ({ kind: 'store', type: 'database', traits: ['vector'] }));
    assert.deepEqual(resolved('pgvector'), { kind: 'store', type: 'database', traits: ['sql', 'vector'] });
    assert.deepEqual(resolved('pinecone'), { kind: 'external', type: 'third-party', traits: ['vector'] });
  });

  it('a single-page app framework is the browser running our code; a server-rendering framework is a web app', () => {
    const browser = resolved('browser');
    for (const spa of ['react', 'vue', 'angular', 'svelte', 'spa']) {
      const e = resolved(spa);
      assert.deepEqual({ kind: e.kind, type: e.type }, { kind: browser.kind, type: browser.type }, spa);
      assert.deepEqual(e.traits, ['browser', 'spa'], spa);
    }
    each(['nextjs', 'nuxt', 'sveltekit'], () => ({ kind: 'process', type: 'web-app', traits: [] }));
    each(['react-native', 'flutter'], () => ({ kind: 'external', type: 'user-agent', traits: ['mobile'] }));
  });

  it('a hosted identity provider is someone else\'s service; one we run is a process of ours', () => {
    each(['okta', 'auth0', 'onelogin', 'ping-identity', 'pingone'], () => ({ kind: 'external', type: 'third-party', traits: ['identity'] }));
    each(['entra-id', 'azure-ad', 'google-identity', 'firebase-auth'], () => ({ kind: 'external', type: 'third-party', traits: ['identity', 'cloud'] }));
    // Run as shipped (session 22): their queries and error pages are the vendor's code.
    each(['keycloak', 'authentik', 'dex', 'zitadel', 'authelia', 'pingfederate'], () => ({ kind: 'process', type: 'identity-provider', traits: ['identity', 'off-the-shelf'] }));
    // Cognito is a user pool in our own cloud account: ours, as before.
    assert.deepEqual(resolved('cognito'), { kind: 'process', type: 'identity-provider', traits: ['identity', 'cloud', 'off-the-shelf'] });
  });

  it('a type beside the technology wins and the technology\'s traits stay (a hosted Keycloak)', () => {
    const loaded = loadModel('threatmap: 1\nsystem: { name: t }\nelements:\n  idp: { tech: keycloak, type: third-party }\n', 'm.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const [idp] = loaded.model.elements;
    assert.deepEqual({ kind: idp.kind, type: idp.type, traits: idp.traits }, { kind: 'external', type: 'third-party', traits: ['identity', 'off-the-shelf'] });
  });
});

describe('the catalogue itself', () => {
  it('names technologies in lower case, as the loader looks them up', () => {
    const bad = Object.keys(TECHNOLOGIES).filter((name) => !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name));
    assert.deepEqual(bad, []);
    assert.deepEqual(resolved('Mosquitto'), resolved('mosquitto'));
  });
  it('gives only known traits, each at most once', () => {
    for (const [name, info] of Object.entries(TECHNOLOGIES)) {
      const traits = info.traits ?? [];
      assert.ok(traits.every((t) => TECH_TRAITS.includes(t)), name);
      assert.equal(new Set(traits).size, traits.length, name);
    }
  });
});

/** The threats of a small system calling an identity provider of the given technology. */
function idpThreats(idp: string) {
  return analyzeText([
    'threatmap: 1', 'system: { name: IdP }', 'boundaries:', '  app: { trust: internal }', 'elements:',
    '  visitor: { tech: react }', '  api: { type: api, in: app, auth: oidc }', `  idp: ${idp}`,
    'flows:', '  - visitor -> api: https', '  - visitor -> idp: https', '  - api -> idp: { protocol: https, auth: api-key }', '',
  ].join('\n')).threats;
}

describe('what the rules say about the new entries', () => {
  it('Okta is a third party: a call to it wants a timeout, and no mutual TLS between our services is asked of it', () => {
    const threats = idpThreats('{ tech: okta }');
    assert.deepEqual(threats.filter((t) => t.ruleId === 'no-mutual-tls'), []);
    assert.deepEqual(threats.filter((t) => t.ruleId === 'no-timeouts-external').map((t) => [t.component, t.flows]), [['api', ['api->idp']]]);
  });

  it('Keycloak is a service of ours in the zone: the zone\'s service calls want mutual TLS', () => {
    const threats = idpThreats('{ tech: keycloak, in: app }');
    assert.deepEqual(threats.filter((t) => t.ruleId === 'no-mutual-tls').map((t) => t.component), ['app']);
    assert.deepEqual(threats.filter((t) => t.ruleId === 'no-timeouts-external'), []);
  });

  it('a React SPA gets what a browser gets, and DOM XSS in its own code: the same threats as `tech: browser` plus dom-xss', () => {
    // idpThreats draws the visitor with `tech: react`.
    const asReact = idpThreats('{ tech: okta }');
    const asBrowser = analyzeText([
      'threatmap: 1', 'system: { name: IdP }', 'boundaries:', '  app: { trust: internal }', 'elements:',
      '  visitor: { tech: browser }', '  api: { type: api, in: app, auth: oidc }', '  idp: { tech: okta }',
      'flows:', '  - visitor -> api: https', '  - visitor -> idp: https', '  - api -> idp: { protocol: https, auth: api-key }', '',
    ].join('\n')).threats;
    const key = (t: { ruleId: string; component: string; title: string }) => [t.ruleId, t.component, t.title];
    assert.deepEqual(asReact.filter((t) => t.ruleId !== 'dom-xss').map(key), asBrowser.map(key));
    assert.deepEqual(asReact.filter((t) => t.ruleId === 'dom-xss').map((t) => t.component), ['visitor']);
    assert.ok(asBrowser.length > 0);
  });

  it('an InfluxDB written from device data is a query target (NoSQL injection); Prometheus is not', () => {
    const fleet = readFileSync('test/analysis/fixtures/mqtt-fleet.yaml', 'utf8');
    assert.deepEqual(threatsOf(analyzeText(fleet), 'nosql-injection').map((t) => t.component), ['ingest']);
    const metrics = replaceOnce(fleet, 'tsdb: { tech: influxdb,', 'tsdb: { tech: prometheus,');
    assert.deepEqual(threatsOf(analyzeText(metrics), 'nosql-injection'), []);
  });
});

describe('an MQTT broker the devices reach from the internet', () => {
  const fleet = readFileSync('test/analysis/fixtures/mqtt-fleet.yaml', 'utf8');

  it('is asked to authenticate its clients, rated for a client in an untrusted zone', () => {
    const [open] = threatsOf(analyzeText(fleet), 'unauthenticated-broker');
    assert.equal(open?.component, 'broker');
    assert.equal(open.likelihood.level, 'High');
    assert.equal(open.likelihood.reason, 'a client sits in an untrusted zone');
  });

  it('is not asked again once the broker authenticates its clients (auth: mtls)', () => {
    const hardened = replaceOnce(fleet, 'broker: { tech: mosquitto, in: cloud }', 'broker: { tech: mosquitto, in: cloud, auth: mtls }');
    assert.deepEqual(threatsOf(analyzeText(hardened), 'unauthenticated-broker'), []);
  });

  // A device broker is reachable by design: exposed-data-store leaves a broker whose clients sit in untrusted zones
  // to the broker rules (authentication on connect, per-device topic ACLs).
  it('is not told to come off the internet', () => {
    const hardened = replaceOnce(fleet, 'broker: { tech: mosquitto, in: cloud }', 'broker: { tech: mosquitto, in: cloud, auth: mtls }');
    assert.deepEqual(threatsOf(analyzeText(hardened), 'exposed-data-store'), []);
  });
});
