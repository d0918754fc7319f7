// Session 28 (review): RabbitMQ's management UI published to the internet (`clients -> rabbitmq: http 15672`, as
// discover drafts rabbitmq:3-management) was read as broker clients on the internet: "Clients of rabbitmq on the
// internet are not confined to their own topics". An HTTP call to a broker whose clients speak its own protocol is
// its administration interface; the broker's exposure is then the store's, as for a database's published port.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noThreat, onlyThreat, threatsIn } from './harness.js';

const model = (broker: string, client: string) => `boundaries:
  outside: { trust: untrusted }
  app: { trust: internal }
elements:
  client: { type: device, in: outside }
  broker: { ${broker}, in: app }
  api: { type: service, in: app }
flows:
  - client -> broker: { ${client} }
  - api -> broker: { protocol: amqps, auth: password }
`;

describe('unconfined-broker-clients: a broker\'s management UI is no client', () => {
  it('the repro: http to RabbitMQ\'s management port is no client connection, and the broker reachable from the internet is said', () => {
    const body = model('tech: rabbitmq', 'protocol: http, auth: password, port: 15672');
    noThreat(body, 'unconfined-broker-clients');
    assert.deepEqual(threatsIn(body, 'exposed-data-store').map((t) => t.title), ['broker is reachable from the internet']);
  });

  it('negative: clients speaking the broker\'s protocols (amqps, MQTT over wss) and a cloud broker\'s HTTPS clients still count', () => {
    for (const [broker, client] of [
      ['tech: rabbitmq', 'protocol: amqps, auth: password'],
      ['tech: emqx', 'protocol: wss, auth: mtls'],
      ['tech: sqs', 'protocol: https, auth: iam'],
    ]) {
      const t = onlyThreat(model(broker, client), 'unconfined-broker-clients');
      assert.match(t.title, /^Clients of broker on the internet are not confined to their own topics$/, broker);
      assert.deepEqual(threatsIn(model(broker, client), 'exposed-data-store'), [], broker);
    }
  });
});
