// A StatefulSet's pods have addresses of their own under its headless Service (`kafka-0.kafka-headless.messaging`),
// and clients of Kafka, Cassandra or ZooKeeper list them one by one: each is a call to that StatefulSet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { flowOf, flowSet, k8sDeployment } from './draft-helpers.js';

const kafka = `---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: kafka, namespace: messaging }
spec:
  serviceName: kafka-headless
  replicas: 3
  selector: { matchLabels: { app: kafka } }
  template:
    metadata: { labels: { app: kafka } }
    spec:
      containers:
        - { name: kafka, image: "bitnami/kafka:3.7" }
---
apiVersion: v1
kind: Service
metadata: { name: kafka-headless, namespace: messaging }
spec:
  clusterIP: None
  selector: { app: kafka }
  ports: [{ port: 9092 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: messaging }
spec: { podSelector: {} }
`;

const caller = (brokers: string, namespace = 'messaging'): string =>
  `${k8sDeployment('api', 'acme/api:1', `          env:\n            - { name: KAFKA_BROKERS, value: "${brokers}" }\n`, namespace)}${kafka}`;

describe('discover: StatefulSet pod addresses', () => {
  it('pods by full, namespaced and short names are calls to the StatefulSet', () => {
    for (const brokers of [
      'kafka-0.kafka-headless.messaging.svc.cluster.local:9092,kafka-1.kafka-headless.messaging.svc.cluster.local:9092',
      'kafka-0.kafka-headless.messaging:9092',
      'kafka-2.kafka-headless:9092',
    ]) {
      const r = discoverKubernetes(caller(brokers), 'all.yaml');
      assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
      assert.deepEqual(flowSet(r.draft), ['api -> kafka'], brokers);
      assert.equal(flowOf(r.draft, 'api', 'kafka').protocol, 'kafka');
    }
  });

  it('a numbered name that is no pod of that StatefulSet is not read as one', () => {
    // Another StatefulSet's name, and a short name from another namespace (cluster DNS reads it in the caller's).
    for (const brokers of ['zk-0.kafka-headless.messaging:9092', 'kafka-0.kafka-headless:9092']) {
      const ns = brokers.startsWith('zk') ? 'messaging' : 'shop';
      const r = discoverKubernetes(caller(brokers, ns), 'all.yaml');
      assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
      assert.ok(!flowSet(r.draft).includes('api -> kafka'), brokers);
    }
  });
});
