// Images of the catalogue's MQTT brokers, time-series, vector and wire-compatible databases, identity
// providers and brokers: the technology each image names, and the protocol its clients' flows are drafted with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { imageTech } from '../../src/import/containers.js';
import { type Draft, draftToYaml } from '../../src/import/draft.js';
import { guessProtocol, techProtocol } from '../../src/import/protocols.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf } from './draft-helpers.js';

function draftOf(text: string): Draft {
  const r = discoverCompose(text, 'compose.yaml', { project: 'iot' });
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft;
}

const techs = (draft: Draft) => Object.fromEntries(draft.elements.filter((e) => !e.madeUp).map((e) => [e.key, e.identity?.tech ?? null]));

describe('catalogue images: technologies', () => {
  it('each image names its technology, whatever its registry, namespace or tag', () => {
    const cases: Array<[string, string]> = [
      ['eclipse-mosquitto:2.0', 'mosquitto'], ['emqx/emqx:5.7', 'emqx'], ['emqx:5', 'emqx'], ['hivemq/hivemq4:4.28', 'hivemq'],
      ['hivemq/hivemq-ce', 'hivemq'], ['vernemq/vernemq', 'vernemq'],
      ['influxdb:2.7', 'influxdb'], ['timescale/timescaledb:latest-pg16', 'timescaledb'], ['timescale/timescaledb-ha:pg16', 'timescaledb'],
      ['questdb/questdb:8', 'questdb'], ['prom/prometheus:v2.53', 'prometheus'], ['victoriametrics/victoria-metrics:v1.100', 'victoriametrics'],
      ['pgvector/pgvector:pg16', 'pgvector'], ['ankane/pgvector', 'pgvector'], ['qdrant/qdrant:v1.9', 'qdrant'],
      ['semitechnologies/weaviate:1.25', 'weaviate'], ['milvusdb/milvus:v2.4', 'milvus'], ['chromadb/chroma:0.5', 'chroma'],
      ['cockroachdb/cockroach:v24.1', 'cockroachdb'], ['clickhouse/clickhouse-server:24', 'clickhouse'], ['yandex/clickhouse-server', 'clickhouse'],
      ['valkey/valkey:8', 'valkey'], ['redpandadata/redpanda:v24.1', 'redpanda'], ['docker.redpanda.com/vectorized/redpanda', 'redpanda'],
      ['apachepulsar/pulsar:3.2', 'pulsar'], ['apachepulsar/pulsar-all:3.2', 'pulsar'], ['getmeili/meilisearch:v1.8', 'meilisearch'],
      ['typesense/typesense:26.0', 'typesense'], ['quay.io/keycloak/keycloak:25.0', 'keycloak'], ['ghcr.io/goauthentik/server:2024.6', 'authentik'],
      ['ghcr.io/dexidp/dex:v2.40', 'dex'], ['ghcr.io/zitadel/zitadel:v2', 'zitadel'], ['authelia/authelia:4', 'authelia'], ['caddy:2-alpine', 'caddy'],
    ];
    for (const [image, tech] of cases) assert.equal(imageTech(image), tech, image);
  });

  it('names that only resemble them, and forks the catalogue counts as Redis, stay what they were', () => {
    const cases: Array<[string, string | undefined]> = [
      // Another project's `server` image is not authentik; an exporter or a UI is not the database.
      ['acme/server:1', undefined], ['prom/node-exporter', undefined], ['redpandadata/console', undefined], ['emqx/emqx-exporter', undefined],
      ['eqalpha/keydb', 'redis'], ['postgis/postgis:16-3.4', 'postgres'], ['redis/redis-stack-server', 'redis'],
    ];
    for (const [image, tech] of cases) assert.equal(imageTech(image), tech, image);
  });
});

describe('catalogue images: the protocols of their flows', () => {
  const text = `services:
  app:
    build: .
    environment:
      MQTT_URL: tcp://broker:1883
      SECURE_MQTT_HOST: secure
      SECURE_MQTT_PORT: "8883"
      TSDB_URL: postgres://app:secret@tsdb:5432/metrics
      CRDB_URL: postgresql://root@crdb:26257/defaultdb?sslmode=verify-full
      VECTORS_HOST: pgv
      CACHE_HOST: cache
      KAFKA_BROKERS: events:9092
      METRICS_URL: http://influx:8086
      PULSAR_URL: pulsar+ssl://pulsar:6651
      PULSAR_PLAIN: pulsar://pulsar:6650
      MILVUS_HOST: milvus
  broker: { image: "eclipse-mosquitto:2", ports: ["1883:1883"] }
  secure: { image: "hivemq/hivemq4:4.28" }
  tsdb: { image: "timescale/timescaledb:latest-pg16", environment: { POSTGRES_PASSWORD: secret } }
  crdb: { image: "cockroachdb/cockroach:v24.1" }
  pgv: { image: "pgvector/pgvector:pg16" }
  cache: { image: "valkey/valkey:8", command: valkey-server --protected-mode no }
  events: { image: "redpandadata/redpanda:v24.1" }
  influx: { image: "influxdb:2.7" }
  pulsar: { image: "apachepulsar/pulsar:3.2" }
  milvus: { image: "milvusdb/milvus:v2.4" }
`;

  it('drafts each service as its technology', () => {
    assert.deepEqual(techs(draftOf(text)), {
      app: null, broker: 'mosquitto', secure: 'hivemq', tsdb: 'timescaledb', crdb: 'cockroachdb', pgv: 'pgvector', cache: 'valkey',
      events: 'redpanda', influx: 'influxdb', pulsar: 'pulsar', milvus: 'milvus',
    });
  });

  it('clients speak each technology\'s protocol: MQTT (over TLS on 8883), PostgreSQL, Redis, Kafka, HTTP, gRPC', () => {
    const draft = draftOf(text);
    const to = (target: string) => flowOf(draft, 'app', target);
    assert.deepEqual(
      ['broker', 'secure', 'tsdb', 'crdb', 'pgv', 'cache', 'events', 'influx', 'milvus'].map((t) => [t, to(t).protocol, to(t).port ?? null]),
      [
        ['broker', 'mqtt', 1883], ['secure', 'mqtts', 8883], ['tsdb', 'postgres', 5432], ['crdb', 'postgres+tls', 26257], ['pgv', 'postgres', null],
        ['cache', 'redis', null], ['events', 'kafka', 9092], ['influx', 'http', 8086], ['milvus', 'grpc', null],
      ],
    );
    assert.equal(flowOf(draft, 'clients', 'broker').protocol, 'mqtt');
    // Pulsar's own schemes: TLS when it says +ssl, else plain TCP, one flow for each listener.
    assert.deepEqual(draft.flows.filter((f) => f.to === 'pulsar').map((f) => [f.protocol, f.port]), [['tcp', 6650], ['tls', 6651]]);
  });

  it('a Valkey started without protected mode or a password lets clients in without one, in its own words', () => {
    const draft = draftOf(text);
    assert.equal(flowOf(draft, 'app', 'cache').auth, 'none');
    assert.match(elementOf(draft, 'cache').noAuth?.note ?? '', /Valkey answers every client without a password/);
    const guarded = draftOf(text.replace('valkey-server --protected-mode no', 'valkey-server --requirepass secret'));
    assert.equal(elementOf(guarded, 'cache').noAuth, undefined);
    assert.equal(flowOf(guarded, 'app', 'cache').auth, 'password');
  });

  it('the drafted model loads', () => {
    const loaded = loadModel(draftToYaml(draftOf(text)), 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    assert.deepEqual(loaded.model.elements.filter((e) => e.id === 'broker' || e.id === 'cache').map((e) => [e.id, e.type]), [['broker', 'event-bus'], ['cache', 'cache']]);
  });
});

describe('techProtocol: the catalogue\'s new technologies', () => {
  it('managed brokers and streams: MQTT over TLS to IoT hubs, the provider\'s API to Kinesis, AMQP over TLS to Event Hubs and Service Bus', () => {
    const cases: Array<[string, string | undefined]> = [
      ['aws-iot-core', 'mqtts'], ['azure-iot-hub', 'mqtts'], ['mqtt-broker', 'mqtt'], ['emqx', 'mqtt'], ['vernemq', 'mqtt'],
      ['kinesis', 'cloud-api'], ['azure-event-hubs', 'amqps'], ['azure-service-bus', 'amqps'],
      ['questdb', 'postgres'], ['clickhouse', 'http'],
      // HTTP APIs stay the default: no entry.
      ['qdrant', undefined], ['keycloak', undefined],
    ];
    assert.deepEqual(cases.map(([tech]) => [tech, techProtocol(tech)]), cases);
  });

  it('a known port outranks the technology: an MQTT broker on 8883 is mqtts, EMQX\'s dashboard is HTTP', () => {
    assert.equal(guessProtocol({ targetPort: 8883 }, 'mosquitto').protocol, 'mqtts');
    assert.equal(guessProtocol({ targetPort: 1883 }, 'mosquitto').protocol, 'mqtt');
    assert.equal(guessProtocol({ targetPort: 18083 }, 'emqx').protocol, 'http');
    assert.equal(guessProtocol({}, 'emqx').protocol, 'mqtt');
  });
});
