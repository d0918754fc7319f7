// Kubernetes workloads calling hosts outside the cluster: a two-label host on the internet (`stripe.com`) is drawn
// like a longer one, while a two-label name cluster DNS reads as a Service (`redis.cache`, a namespace of the
// manifests) and words that are no host (`config.json`, `v1.2`) are not; an ExternalName Service is the cluster's name
// for a host outside it, drawn as that host and reached by the workloads naming the Service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, flowSet, k8sDeployment } from './draft-helpers.js';

const deployment = (env: string) => k8sDeployment('api', 'example/api:1', `          env:\n${env}`, 'shop');

const env = (pairs: Record<string, string>) => Object.entries(pairs).map(([k, v]) => `            - { name: ${k}, value: "${v}" }\n`).join('');

function read(...texts: string[]) {
  const r = discoverKubernetesFiles(texts.map((text, i) => ({ text, file: `m${i}.yaml` })));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

describe('discover s16: Kubernetes hosts of two labels', () => {
  it('a two-label host ending in a common top-level domain is a service outside, cited by its setting', () => {
    const { draft } = read(deployment(env({ API_URL: 'https://stripe.com', CATALOG_URL: 'https://example.io/v1', SEARCH_HOST: 'algolia.net' })));
    assert.deepEqual(flowSet(draft), ['api -> algolia.net', 'api -> example.io', 'api -> stripe.com']);
    assert.equal(elementOf(draft, 'stripe.com').identity?.tech, 'stripe');
    const stripe = flowOf(draft, 'api', 'stripe.com');
    assert.deepEqual([stripe.protocol, stripe.evidence[0].provenance.line, stripe.evidence[0].provenance.note], ['https', 13, 'env API_URL']);
  });

  it('no host: a file name, a version, a Service in another namespace, a namespace of the manifests, an uncommon last label', () => {
    const { draft } = read(deployment(env({
      CONFIG_URL: 'config.json', PAGE_URL: 'index.html', API_VERSION_URL: 'v1.2', CACHE_HOST: 'redis.cache', SHOP_URL: 'http://web.shop', DEV_HOST: 'api.dev',
    })));
    assert.deepEqual(flowSet(draft), []);
    assert.deepEqual(draft.references.map((r) => r.host).sort(), ['api.dev', 'config.json', 'index.html', 'redis.cache', 'v1.2', 'web.shop']);
    // `shop` is a namespace these manifests use, even were it a top-level domain: cluster DNS answers first.
    const io = read(deployment(env({ SHOP_URL: 'http://web.io' })).replace('namespace: shop', 'namespace: io'));
    assert.deepEqual(flowSet(io.draft), []);
  });
});

const EXTERNAL = `apiVersion: v1
kind: Service
metadata: { name: payments, namespace: shop }
spec:
  type: ExternalName
  externalName: api.adyen.com
---
apiVersion: v1
kind: Service
metadata: { name: unused, namespace: shop }
spec:
  type: ExternalName
  externalName: unused.example.net
`;

/** A database Service in `data`, and `legacy-db` in `shop`: an ExternalName Service naming it. */
const LEGACY_DB = `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data }
spec:
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: postgres:16 }]
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: data }
spec: { selector: { app: db }, ports: [{ port: 5432 }] }
---
apiVersion: v1
kind: Service
metadata: { name: legacy-db, namespace: shop }
spec:
  type: ExternalName
  externalName: db.data.svc.cluster.local
`;

describe('discover s16: ExternalName Services', () => {
  it('the host an ExternalName names is an element outside, cited by the Service, called by the workloads naming it', () => {
    const { draft } = read(deployment(env({ PAYMENTS_URL: 'https://payments/v1', PAYMENTS_BACKUP: 'payments.shop.svc.cluster.local:443' })), EXTERNAL);
    assert.deepEqual(flowSet(draft), ['api -> api.adyen.com']);
    const adyen = elementOf(draft, 'api.adyen.com');
    assert.deepEqual([adyen.outside, adyen.identity?.tech], [true, 'adyen']);
    assert.deepEqual(adyen.provenance, [{ file: 'm1.yaml', line: 6, note: 'ExternalName Service payments in shop -> api.adyen.com' }]);
    const flow = flowOf(draft, 'api', 'api.adyen.com');
    assert.deepEqual([flow.protocol, flow.evidence.map((e) => e.provenance.note)], ['https', ['env PAYMENTS_URL', 'env PAYMENTS_BACKUP']]);
    const text = draftToYaml(draft);
    assert.match(text, /# m1\.yaml:6 ExternalName Service payments in shop -> api\.adyen\.com\n {2}api\.adyen\.com: \{ tech: adyen \}/);
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });

  it('one no workload names is left out and listed; one naming a Service of the manifests is another name for its workload', () => {
    const { draft } = read(deployment(env({ TZ: 'UTC' })), EXTERNAL);
    assert.deepEqual(draft.elements.filter((e) => !e.madeUp).map((e) => e.key), ['api']);
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.reason]), [
      ['payments', 'an ExternalName Service for api.adyen.com, which no workload in these manifests names'],
      ['unused', 'an ExternalName Service for unused.example.net, which no workload in these manifests names'],
    ]);
    const alias = read(
      deployment(env({ DB_HOST: 'legacy-db' })),
      LEGACY_DB);
    assert.deepEqual(flowSet(alias.draft), ['api -> db']);
    assert.equal(flowOf(alias.draft, 'api', 'db').protocol, 'postgres');
    assert.ok(!alias.draft.elements.some((e) => e.outside));
  });

  it('one naming another that names a workload is a further name for that workload', () => {
    const { draft } = read(
      deployment(env({ DB_HOST: 'older-db' })),
      `${LEGACY_DB}---
apiVersion: v1
kind: Service
metadata: { name: older-db, namespace: shop }
spec:
  type: ExternalName
  externalName: legacy-db.shop.svc.cluster.local
`);
    assert.deepEqual(flowSet(draft), ['api -> db']);
    assert.ok(elementOf(draft, 'db').aliases.includes('older-db.shop'));
    assert.ok(!draft.elements.some((e) => e.outside));
    assert.deepEqual(draft.omitted, []);
  });
});
