// `discover` on the example-voting-app's Kubernetes manifests (the shared corpus, beside the repository),
// alone and together with the same app's compose file. Skipped, with the reason, when the corpus is not
// there (a clean clone in CI); test/import/kubernetes.test.ts covers the same rules on our own fixtures.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { type Draft, draftToYaml, mergeDrafts, OUTSIDE_CLIENTS } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { flowSet } from './draft-helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const CORPUS = corpusDir('', join('kubernetes', 'voting-app'));

function kubernetesDraft(t: TestContext): Draft | undefined {
  if (CORPUS === undefined) {
    t.skip(corpusMissing('kubernetes/voting-app/'));
    return undefined;
  }
  const dir = join(CORPUS, 'kubernetes', 'voting-app');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({ file: `k8s/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  const r = discoverKubernetesFiles(files);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft;
}

const realKeys = (draft: Draft) => draft.elements.filter((e) => !e.madeUp).map((e) => e.key).sort();

describe('corpus: example-voting-app Kubernetes manifests', () => {
  it('5 workloads; vote and result published by their NodePort Services; redis and db are stores', (t) => {
    const draft = kubernetesDraft(t);
    if (!draft) return;
    assert.deepEqual(realKeys(draft), ['db', 'redis', 'result', 'vote', 'worker']);
    // Session 24: the code of vote, worker and result names redis and db, not the manifests; with no NetworkPolicy
    // the cluster's other pods stand in as their callers.
    assert.deepEqual(flowSet(draft), ['(cluster workloads) -> db', '(cluster workloads) -> redis', 'clients -> result', 'clients -> vote']);
    const vote = draft.flows.find((f) => f.to === 'vote')!;
    assert.deepEqual([vote.protocol, vote.port], ['http', 31000]);
    const text = draftToYaml(draft, { output: 'threatmap.yaml' });
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const kinds = Object.fromEntries(loaded.model.elements.map((e) => [e.id, e.kind]));
    assert.deepEqual([kinds.redis, kinds.db, kinds.vote], ['store', 'store', 'process']);
    // Session 22: the namespace sits in the cluster's boundary (its nodes are shared).
    assert.deepEqual(draft.boundaries.filter((b) => b.id !== 'outside').map((b) => b.name), ['Kubernetes cluster', 'Namespace default']);
  });

  it('with the compose file: one model of the 5 services (and outside clients) with the compose flows', (t) => {
    const k8s = kubernetesDraft(t);
    if (!k8s || CORPUS === undefined) return;
    const compose = discoverCompose(readFileSync(join(CORPUS, 'compose', 'voting-app.docker-compose.yml'), 'utf8'), 'voting-app.docker-compose.yml', { project: 'compose' });
    assert.ok(!hasErrors(compose.diagnostics), formatDiagnostics(compose.diagnostics));
    const merged = mergeDrafts([compose.draft, k8s]);
    assert.deepEqual(realKeys(merged), ['db', 'redis', 'result', 'vote', 'worker']);
    assert.equal(merged.elements.filter((e) => e.madeUp).length, 2);
    assert.deepEqual(flowSet(merged), ['clients -> result', 'clients -> vote', 'local -> result', 'result -> db', 'vote -> redis', 'worker -> db', 'worker -> redis']);
    // Both files are the element's provenance, and both published ports the flow's evidence.
    const vote = merged.elements.find((e) => e.key === 'vote')!;
    assert.deepEqual([...new Set(vote.provenance.map((p) => p.file))], ['voting-app.docker-compose.yml', 'k8s/vote-deployment.yaml', 'k8s/vote-service.yaml']);
    assert.deepEqual(merged.flows.find((f) => f.to === 'vote' && f.from === OUTSIDE_CLIENTS)!.evidence.map((e) => e.provenance.file), ['voting-app.docker-compose.yml', 'k8s/vote-service.yaml']);
    assert.equal(merged.flows.find((f) => f.from === 'result' && f.to === 'db')!.auth, 'password');
    const loaded = loadModel(draftToYaml(merged), 'model');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });
});
