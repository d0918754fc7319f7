// Settings were read as addresses when their names only held an address word's letters: SECURITY_ENABLED ("URI"),
// SPRING_KAFKA_SECURITY_PROTOCOL, HOSTNAME_STRATEGY, POSTGRES_HOST_AUTH_METHOD and RABBITMQ_DEFAULT_VHOST gave
// "not in these files: false / ssl / strict / scram-sha-256 / tasks" lines, while KAFKA_BROKERS and
// SPRING_KAFKA_BOOTSTRAP_SERVERS naming undefined brokers as host:port gave nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { isAddressSetting, namesAnAddress } from '../../src/import/draft.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { elementOf, flowOf, k8sDeployment } from './draft-helpers.js';

/** The hosts a compose file's `app` names in settings and no file defines, as the summary's "not in these files" lines list them. */
function unknownHosts(environment: Record<string, string>, rest = ''): string[] {
  const env = Object.entries(environment).map(([k, v]) => `      ${k}: "${v}"`).join('\n');
  const r = discoverCompose(`services:\n  app:\n    image: acme/app:1\n    environment:\n${env}\n${rest}`, 'compose.yaml');
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft.references.filter(namesAnAddress).map((ref) => `${ref.setting} ${ref.host}`).sort();
}

describe('address settings are named by their last word', () => {
  it('address words as the name\'s last word, numbered or not', () => {
    for (const key of ['DB_HOST', 'PGHOST_URL', 'PAYMENTS_URL', 'MONGO_URI', 'ELASTICSEARCH_HOSTS', 'DB_HOSTNAME', 'API_ENDPOINT', 'LISTEN_ADDR', 'SMTP_ADDRESS', 'CALLBACK_URLS', 'REPLICA_HOST_2']) {
      assert.ok(isAddressSetting(key), key);
    }
  });

  it('not the letters inside other words, nor an address word followed by what the value is', () => {
    for (const key of ['SECURITY_ENABLED', 'SPRING_KAFKA_SECURITY_PROTOCOL', 'HOSTNAME_STRATEGY', 'POSTGRES_HOST_AUTH_METHOD', 'RABBITMQ_DEFAULT_VHOST', 'URL_REWRITE_MODE', 'GHOST_MODE']) {
      assert.ok(!isAddressSetting(key), key);
      assert.ok(!isAddressSetting(key, true), key);
    }
  });

  it('servers and brokers only with a port', () => {
    for (const key of ['KAFKA_BROKERS', 'SPRING_KAFKA_BOOTSTRAP_SERVERS', 'SMTP_SERVER']) {
      assert.ok(isAddressSetting(key, true), key);
      assert.ok(!isAddressSetting(key), key);
    }
  });

  it('Compose: no unknown hosts from flags, protocols, strategies or virtual hosts', () => {
    assert.deepEqual(unknownHosts({
      SECURITY_ENABLED: 'false', SPRING_KAFKA_SECURITY_PROTOCOL: 'SSL', HOSTNAME_STRATEGY: 'strict',
      POSTGRES_HOST_AUTH_METHOD: 'scram-sha-256', RABBITMQ_DEFAULT_VHOST: 'tasks', MESSAGE_BROKER: 'rabbitmq',
    }), []);
  });

  it('Compose: brokers written host:port are addresses, an address word still is one', () => {
    assert.deepEqual(unknownHosts({
      SPRING_KAFKA_BOOTSTRAP_SERVERS: 'shop-kafka-kafka-bootstrap:9093', KAFKA_BROKERS: 'broker-1:9092,broker-2:9092', CACHE_HOST: 'cache',
    }), ['CACHE_HOST cache', 'KAFKA_BROKERS broker-1', 'KAFKA_BROKERS broker-2', 'SPRING_KAFKA_BOOTSTRAP_SERVERS shop-kafka-kafka-bootstrap']);
  });

  it('Compose: a broker on the internet written host:port is a service outside the files', () => {
    const r = discoverCompose('services:\n  app:\n    image: acme/app:1\n    environment:\n      KAFKA_BROKERS: b-1.shop.kafka.eu-west-1.amazonaws.com:9094\n', 'compose.yaml');
    assert.equal(elementOf(r.draft, 'b-1.shop.kafka.eu-west-1.amazonaws.com').outside, true);
    assert.equal(flowOf(r.draft, 'app', 'b-1.shop.kafka.eu-west-1.amazonaws.com').evidence[0].provenance.line, 5);
  });

  it('Compose: an unset variable gives a check line under an address name only', () => {
    const checks = (key: string) => discoverCompose(`services:\n  app:\n    image: acme/app:1\n    environment:\n      ${key}: \${${key}}\n`, 'compose.yaml').checks.map((c) => c.message);
    assert.match(checks('PAYMENTS_URL').join('\n'), /PAYMENTS_URL takes its host from \$\{PAYMENTS_URL\}/);
    assert.deepEqual(checks('SECURITY_ENABLED').filter((m) => /takes its host/.test(m)), []);
  });

  it('Kubernetes: the bootstrap servers are an address, the security protocol is not', () => {
    const manifest = `${k8sDeployment('orders', 'acme/orders:1')}          env:
            - { name: SPRING_KAFKA_BOOTSTRAP_SERVERS, value: "shop-kafka-kafka-bootstrap:9093" }
            - { name: SPRING_KAFKA_SECURITY_PROTOCOL, value: SSL }
`;
    const r = discoverKubernetes(manifest, 'orders.yaml');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(r.draft.references.filter(namesAnAddress).map((ref) => ref.host), ['shop-kafka-kafka-bootstrap']);
  });
});
