// Kubernetes facts a senior reviewer raises on the voting app: a database whose data directory is an emptyDir
// (the `ephemeral-data` tag no-backups reads, and a check), a namespace without a NetworkPolicy, containers no
// securityContext keeps from root, and images whose tag floats (checks, each citing file:line).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { analyzeText } from '../rules/harness.js';
import { elementOf } from './draft-helpers.js';

const workload = (o: { name?: string; image: string; volume?: string; mount?: string; security?: string; pod?: string; kind?: string }) => `apiVersion: apps/v1
kind: ${o.kind ?? 'Deployment'}
metadata: { name: ${o.name ?? 'db'} }
spec:
  selector: { matchLabels: { app: ${o.name ?? 'db'} } }
  template:
    metadata: { labels: { app: ${o.name ?? 'db'} } }
    spec:
${o.pod ? `      securityContext: ${o.pod}\n` : ''}      containers:
      - name: main
        image: ${o.image}
${o.security ? `        securityContext: ${o.security}\n` : ''}${o.mount ? `        volumeMounts:\n        - { name: data, mountPath: ${o.mount} }\n` : ''}${o.volume ? `      volumes:\n      - name: data\n        ${o.volume}\n` : ''}`;

function read(...texts: string[]) {
  const r = discoverKubernetesFiles(texts.map((text, i) => ({ text, file: `m${i}.yaml` })));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const checksMatching = (r: ReturnType<typeof read>, pattern: RegExp) => r.checks.filter((c) => pattern.test(c.message)).map((c) => `${c.file}:${c.line} ${c.message}`);

describe('k8s s17: a database on an emptyDir', () => {
  it('tags the store `ephemeral-data` at its emptyDir line, with a check; no-backups fires on the analysed draft', () => {
    const r = read(workload({ image: 'postgres:15-alpine', mount: '/var/lib/postgresql/data', volume: 'emptyDir: {}' }));
    assert.deepEqual(elementOf(r.draft, 'db').facts?.map((f) => `${f.tag}:${f.provenance.file}:${f.provenance.line}`), ['ephemeral-data:m0.yaml:16']);
    const [check, ...more] = checksMatching(r, /emptyDir/);
    assert.equal(more.length, 0);
    assert.match(check, /^m0\.yaml:16 Deployment db keeps its data \(\/var\/lib\/postgresql\/data\) on emptyDir volume data: a rollout/);
    const yaml = draftToYaml(r.draft, { output: 'threatmap.yaml' });
    assert.match(yaml, /# ephemeral-data: m0\.yaml:16 emptyDir volume data holds the data directory \/var\/lib\/postgresql\/data: deleted with the pod/);
    const [t] = analyzeText(yaml).threats.filter((x) => x.ruleId === 'no-backups');
    assert.equal(t.key, 'no-backups@db');
    assert.equal(t.title, 'Data in db has no persistent storage');
    assert.equal(t.likelihood.level, 'High');
    assert.equal(t.evidence[0].fact, 'db keeps its data on a volume deleted with its pod (m0.yaml:16)');
  });

  it('a mount above the data directory counts (/var/lib for mysql)', () => {
    const r = read(workload({ image: 'mysql:8', mount: '/var/lib', volume: 'emptyDir: { medium: Memory }' }));
    assert.equal(elementOf(r.draft, 'db').facts?.[0].tag, 'ephemeral-data');
  });

  it('no tag and no check for a PersistentVolumeClaim, an emptyDir elsewhere (/tmp), or an emptyDir under an application', () => {
    const claim = read(workload({ image: 'postgres:15', mount: '/var/lib/postgresql/data', volume: 'persistentVolumeClaim: { claimName: pg }' }));
    const scratch = read(workload({ image: 'postgres:15', mount: '/tmp', volume: 'emptyDir: {}' }));
    const app = read(workload({ name: 'api', image: 'example/api:1', mount: '/data', volume: 'emptyDir: {}' }));
    for (const [r, key] of [[claim, 'db'], [scratch, 'db'], [app, 'api']] as const) {
      assert.equal(elementOf(r.draft, key).facts, undefined);
      assert.deepEqual(checksMatching(r, /emptyDir/), []);
    }
    const yaml = draftToYaml(claim.draft, { output: 'threatmap.yaml' });
    assert.deepEqual(analyzeText(yaml).threats.filter((x) => x.ruleId === 'no-backups'), []);
  });
});

describe('k8s s17: a namespace without a NetworkPolicy', () => {
  const policy = (namespace: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: ${namespace} }\nspec: { podSelector: {}, policyTypes: [Ingress] }\n`;

  it('a check per namespace with workloads and no policy, cited at its first workload', () => {
    const r = read(workload({ image: 'postgres:15' }), workload({ name: 'api', image: 'example/api:1' }));
    assert.deepEqual(checksMatching(r, /NetworkPolicy/), [
      'm0.yaml:1 namespace default: no NetworkPolicy in these manifests, so any pod in the cluster reaches Deployment db and every other pod of the namespace on any port; add a default-deny policy and allow only the flows each service needs',
    ]);
  });

  it('no check when the namespace has a NetworkPolicy; one in another namespace does not count', () => {
    assert.deepEqual(checksMatching(read(workload({ image: 'postgres:15' }), policy('default')), /NetworkPolicy/), []);
    assert.equal(checksMatching(read(workload({ image: 'postgres:15' }), policy('other')), /NetworkPolicy/).length, 1);
  });
});

describe('k8s s17: root containers and floating images', () => {
  it('a container with no securityContext may run as root: a check at the container', () => {
    const r = read(workload({ name: 'api', image: 'example/api:1' }));
    assert.deepEqual(checksMatching(r, /root/).map((c) => c.slice(0, 60)), ['m0.yaml:10 Deployment api: container main may run as root (n']);
  });

  it('runAsNonRoot on the pod, or a non-zero runAsUser on the container, is no check; runAsUser 0 overrides the pod', () => {
    assert.deepEqual(checksMatching(read(workload({ name: 'api', image: 'example/api:1', pod: '{ runAsNonRoot: true }' })), /root/), []);
    assert.deepEqual(checksMatching(read(workload({ name: 'api', image: 'example/api:1', security: '{ runAsUser: 1000 }' })), /root/), []);
    assert.equal(checksMatching(read(workload({ name: 'api', image: 'example/api:1', pod: '{ runAsNonRoot: true }', security: '{ runAsUser: 0 }' })), /root/).length, 1);
  });

  it('an image with no tag, or `latest`, is a check at its image line', () => {
    assert.deepEqual(checksMatching(read(workload({ name: 'vote', image: 'dockersamples/examplevotingapp_vote' })), /runs image/).map((c) => c.split(':').slice(0, 2).join(':')),
      ['m0.yaml:11 Deployment vote runs image dockersamples/examplevotingapp_vote (no tag)']);
    assert.match(checksMatching(read(workload({ name: 'vote', image: 'registry:5000/vote:latest' })), /runs image/)[0], /\(tag latest\)/);
  });

  it('a version tag, a digest, or a registry port without a tag read right', () => {
    assert.deepEqual(checksMatching(read(workload({ name: 'vote', image: 'vote:1.2' })), /runs image/), []);
    assert.deepEqual(checksMatching(read(workload({ name: 'vote', image: 'vote@sha256:0123456789abcdef' })), /runs image/), []);
    assert.match(checksMatching(read(workload({ name: 'vote', image: 'localhost:5000/vote' })), /runs image/)[0], /\(no tag\)/);
  });
});
