// Kubernetes ConfigMaps: a pod's envFrom and configMapKeyRef values are read from the ConfigMaps applied with
// it, so a database URL kept there is a flow, cited by the ConfigMap's own line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLUSTER_WORKLOADS, discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';

const DIR = 'test/fixtures/discover/k8s-configmap';

function read(files: string[]) {
  const r = discoverKubernetesFiles(files.map((f) => ({ file: f, text: readFileSync(`${DIR}/${f}`, 'utf8') })));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

// The flows the ConfigMaps' values draw: the cluster's other pods, drawn calling the Services nothing names (the
// fixtures have no NetworkPolicy), are no reading of a ConfigMap (see discover-s24-cluster-callers).
const named = (r: { draft: ReturnType<typeof read>['draft'] }) => r.draft.flows.filter((f) => f.from !== CLUSTER_WORKLOADS);
const flows = (r: ReturnType<typeof read>) =>
  named(r).map((f) => `${f.from} -> ${f.to} ${f.protocol} ${f.evidence.map((e) => `${e.provenance.file}:${e.provenance.line} ${e.provenance.note}`).join('; ')}`);

describe('kubernetes ConfigMaps', () => {
  it('envFrom and configMapKeyRef values name Services; env replaces an envFrom value; a ConfigMap not read is unset', () => {
    const r = read(['app.yaml', 'backends.yaml']);
    assert.deepEqual(flows(r), [
      'api -> db postgres app.yaml:7 env DATABASE_URL (ConfigMap api-config)',
      'api -> queue amqp app.yaml:17 env QUEUE_HOST (ConfigMap queue-config)',
    ]);
    // CACHE_HOST is `cache` in the ConfigMap but `other-cache` in env: env wins, and names no Service here.
    assert.ok(r.draft.references.some((x) => x.host === 'other-cache'));
    assert.ok(!r.draft.references.some((x) => x.host === 'cache' || x.host === 'cache.shop'));
    assert.ok(!r.skippedKinds.includes('ConfigMap'));
  });

  it('ConfigMaps are found in any file applied together, in the pod namespace only', () => {
    const reversed = read(['backends.yaml', 'app.yaml']);
    assert.equal(flows(reversed).length, 2);
    const other = readFileSync(`${DIR}/app.yaml`, 'utf8').replace(/namespace: shop\ndata:\n {2}DATABASE_URL/, 'namespace: elsewhere\ndata:\n  DATABASE_URL');
    const r = discoverKubernetesFiles([{ file: 'app.yaml', text: other }, { file: 'backends.yaml', text: readFileSync(`${DIR}/backends.yaml`, 'utf8') }]);
    assert.deepEqual(named(r).map((f) => `${f.from} -> ${f.to}`), ['api -> queue']);
  });

  it('a password kept in a ConfigMap counts as the server\'s password setting, cited without its value', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: pg }\ndata:\n  POSTGRES_PASSWORD: hunter2\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: db }\nspec:\n  selector: { matchLabels: { app: db } }\n  template:\n    metadata: { labels: { app: db } }\n    spec:\n      containers:\n        - name: db\n          image: postgres:16\n          envFrom: [{ configMapRef: { name: pg } }]\n';
    const r = discoverKubernetesFiles([{ file: 'db.yaml', text }]);
    assert.deepEqual(r.draft.elements[0].passwordSetting, { file: 'db.yaml', line: 5, note: 'env POSTGRES_PASSWORD (ConfigMap pg)' });
    assert.doesNotMatch(JSON.stringify(r.draft), /hunter2/);
  });
});
