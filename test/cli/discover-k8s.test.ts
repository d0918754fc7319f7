// `threatmap discover` on Kubernetes manifests: a folder of them, a Helm chart rendered beside them, and a
// folder with both compose files and manifests drafting one model.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { looksLikeManifest, scanRepository } from '../../src/cli/discover.js';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';


describe('threatmap discover: Kubernetes manifests', () => {
  it('drafts a folder of manifests, and names them in the summary', () => {
    const r = run('discover', 'test/fixtures/discover/k8s-shop');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# {3}app\.yaml \(Kubernetes\)$/m);
    assert.match(r.stdout, /# app\.yaml:41 Service web LoadBalancer 443 -> 8443\n {2}- clients -> web: \{ protocol: https, port: 443 \}/);
    assert.match(r.stdout, /node-agent: \{ type: service, in: monitoring, privileged: true \}/);
    assert.match(r.stderr, /^threatmap discover: read 2 Kubernetes manifests: test\/fixtures\/discover\/k8s-shop\/app\.yaml, test\/fixtures\/discover\/k8s-shop\/data\.yaml$/m);
    assert.match(r.stderr, /drafted 5 services \(and outside clients for the published ports\), 5 flows, 4 trust boundaries/);
    assert.match(r.stderr, /skipped objects that draw no data flow: Namespace\n/);
    assert.match(r.stderr, /left out metrics: a Service selecting app=metrics/);
    assert.equal(run('discover', 'test/fixtures/discover/k8s-shop').stdout, r.stdout);
  });

  it('renders a Helm chart beside the manifests; a template that cannot render is a warning with its position', () => {
    const r = run('discover', 'test/fixtures/discover/k8s-helm');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^test\/fixtures\/discover\/k8s-helm\/chart\/templates\/deployment\.yaml:4:12: warning\[helm-template\]: this template is not rendered: at <include "demo\.fullname" \.>: error calling include: no template "demo\.fullname"$/m);
    assert.match(r.stderr, /read 1 Kubernetes manifest, 1 Helm chart \(0 templates rendered\): test\/fixtures\/discover\/k8s-helm\/manifests\/worker\.yaml, test\/fixtures\/discover\/k8s-helm\/chart\/ \(chart\)$/m);
    assert.match(r.stdout, /report: \{ type: worker, in: default \}/);
    const notes: string[] = [];
    const found = scanRepository('test/fixtures/discover/k8s-helm', (m) => notes.push(m));
    assert.deepEqual([found.manifests, found.charts, notes], [['manifests/worker.yaml'], ['chart'], []]);
  });

  it('a folder with compose files and manifests drafts one model', () => {
    const r = run('discover', 'test/fixtures/discover/k8s-mixed');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /read 1 compose file, 1 Kubernetes manifest: test\/fixtures\/discover\/k8s-mixed\/docker-compose\.yml, test\/fixtures\/discover\/k8s-mixed\/k8s\/web\.yaml/);
    assert.match(r.stdout, /# {3}docker-compose\.yml \(Docker Compose\)\n# {3}k8s\/web\.yaml \(Kubernetes\)/);
    // The same service in both is one element, with both files' provenance; the manifests' facts come last and win.
    assert.match(r.stdout, /# docker-compose\.yml:2 build \.\/web\n {2}# k8s\/web\.yaml:1 Deployment web; container web image example\/web:1; :20 Service web \(NodePort\)\n {2}web: \{ type: service, in: default, replicas: 2 \}/);
    assert.match(r.stdout, /- web -> cache: \{ protocol: redis, auth: none, port: 6379 \}/);
    assert.match(r.stdout, /docker-compose\.yml:5 ports 8080:80; k8s\/web\.yaml:28 Service web NodePort 30080 -> 80/);
    assert.equal((r.stdout.match(/^ {2}web:/gm) ?? []).length, 1);
  });

  it('a manifest given by name; broken manifests: file:line:col and exit 2; sniffing', () => {
    const one = run('discover', 'test/fixtures/discover/k8s-mixed/k8s/web.yaml');
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stderr, /read 1 Kubernetes manifest/);
    const dir = tempFolder('threatmap-k8s-');
    mkdirSync(join(dir, 'deploy'));
    writeFileSync(join(dir, 'deploy', 'app.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [broken\n');
    writeFileSync(join(dir, 'notes.yaml'), 'title: not a manifest\n');
    const broken = run('discover', dir);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /deploy\/app\.yaml:\d+:\d+: error\[syntax-error\]/);
    assert.equal(broken.stdout, '');
    assert.ok(looksLikeManifest('apiVersion: v1\nkind: Pod\n'));
    assert.ok(!looksLikeManifest('spec:\n  apiVersion: v1\n  kind: Pod\n'));
  });

  it('kustomize: kustomizations and the patches they name are not read as manifests, and say so', () => {
    const notes: string[] = [];
    const found = scanRepository('test/fixtures/discover/k8s-kustomize', (m) => notes.push(m));
    assert.deepEqual(found.manifests, ['base/deployment.yaml']);
    assert.deepEqual(notes, [
      'overlays/prod/replicas.yaml: a kustomize patch, not a whole manifest; skipped (run `kubectl kustomize` into a folder and discover that for the overlay as deployed)',
      'overlays/staging/patches/env.yaml: a kustomize patch, not a whole manifest; skipped (run `kubectl kustomize` into a folder and discover that for the overlay as deployed)',
    ]);
    const r = run('discover', 'test/fixtures/discover/k8s-kustomize');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /read 1 Kubernetes manifest: /);
  });
});
