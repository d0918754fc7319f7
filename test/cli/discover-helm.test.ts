// `threatmap discover` on a Helm chart: rendered as `helm template` would (the release named after the chart),
// each element and flow cited by its template's line, test hooks left out, --values files and --set applied on top.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const CHART = 'test/fixtures/discover/helm-app';

describe('threatmap discover: Helm charts', () => {
  it('drafts the chart and its subchart, cited by template lines; the test Pod is left out; the model analyses', () => {
    const r = run('discover', CHART);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# {3}templates\/deployment\.yaml \(Helm template, rendered\)$/m);
    assert.match(r.stdout, /^ {2}# templates\/deployment\.yaml:1 Deployment app; container app image nginx:1\.16\.0\n {2}# templates\/service\.yaml:1 Service app \(ClusterIP\)\n {2}app: \{ tech: nginx, in: default, replicas: 1 \}$/m);
    assert.match(r.stdout, /^ {2}# templates\/deployment\.yaml:41 env DATABASE_URL\n {2}- app -> app-postgresql: \{ protocol: postgres, auth: password, port: 5432 \}$/m);
    // POSTGRES_DB and POSTGRES_USER name the database and its owner, not the service that shares their name.
    assert.doesNotMatch(r.stdout, /app-postgresql -> app/);
    assert.match(r.stderr, /read 1 Helm chart \(7 templates rendered\): test\/fixtures\/discover\/helm-app\/ \(chart\)/);
    assert.match(r.stderr, /left out app-test-connection: a Helm test hook \(helm\.sh\/hook: test\), run by `helm test` only/);
    assert.equal(run('discover', CHART).stdout, r.stdout, 'deterministic');
    const dir = tempFolder('threatmap-helm-');
    writeFileSync(join(dir, 'model.yaml'), r.stdout);
    const analysed = run('analyze', join(dir, 'model.yaml'));
    assert.equal(analysed.code, 0, analysed.stderr);
  });

  it('--values files apply over values.yaml, later ones winning', () => {
    const dir = tempFolder('threatmap-helm-values-');
    writeFileSync(join(dir, 'public.yaml'), 'service:\n  type: LoadBalancer\n');
    writeFileSync(join(dir, 'private.yaml'), 'service:\n  type: ClusterIP\n');
    const open = run('discover', CHART, '--values', join(dir, 'public.yaml'));
    assert.equal(open.code, 0, open.stderr);
    assert.match(open.stdout, /^ {2}# templates\/service\.yaml:10 Service app LoadBalancer 80\n {2}- clients -> app: \{ protocol: http, port: 80 \}$/m);
    const closed = run('discover', CHART, '--values', join(dir, 'public.yaml'), '--values', join(dir, 'private.yaml'));
    assert.doesNotMatch(closed.stdout, /clients -> app/);
  });

  it('--set applies over the --values files as helm template --set does; --set-string after it', () => {
    const dir = tempFolder('threatmap-helm-set-');
    writeFileSync(join(dir, 'private.yaml'), 'service:\n  type: ClusterIP\n');
    const r = run('discover', CHART, '--values', join(dir, 'private.yaml'), '--set', 'service.type=LoadBalancer,postgresql.enabled=false', '--set', 'replicaCount=3');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}# templates\/service\.yaml:10 Service app LoadBalancer 80\n {2}- clients -> app: \{ protocol: http, port: 80 \}$/m);
    assert.match(r.stdout, /^ {2}app: \{ tech: nginx, in: default, replicas: 3 \}$/m);
    assert.doesNotMatch(r.stdout, /postgresql/);
    assert.match(r.stderr, /helm: subchart postgresql is switched off by postgresql\.enabled and is not rendered/);
    const strings = run('discover', CHART, '--set-string', 'replicaCount=5', '--set', 'replicaCount=3');
    assert.equal(strings.code, 0, strings.stderr);
    assert.match(strings.stdout, /^ {2}app: \{ tech: nginx, in: default, replicas: 5 \}$/m);
  });

  it('a malformed --set is a usage error naming it and what was expected; nothing is written', () => {
    const dir = tempFolder('threatmap-helm-set-bad-');
    const out = join(dir, 'model.yaml');
    for (const [arg, expected] of [
      ['service.type', /option '--set <key=value>' argument 'service\.type' is invalid\. service\.type has no value; expected service\.type=VALUE/],
      ['ports[x]=80', /argument 'ports\[x\]=80' is invalid\. ports\[x\]: the index is not a whole number; expected ports\[0\], ports\[1\]\.\.\./],
      ['hosts={a,b', /argument 'hosts=\{a,b' is invalid\. the list \{a,b has no closing "\}"; expected \{A,B,\.\.\.\}/],
    ] as const) {
      const bad = run('discover', CHART, '--set', arg, '-o', out);
      assert.equal(bad.code, 2, arg);
      assert.match(bad.stderr, expected);
      assert.equal(bad.stdout, '');
      assert.ok(!existsSync(out), `${arg}: wrote ${out}`);
    }
    const conflict = run('discover', CHART, '--set', 'image=nginx', '--set', 'image.tag=2', '-o', out);
    assert.equal(conflict.code, 2);
    assert.match(conflict.stderr, /^--set:1:1: error\[helm-set\]: --set "image\.tag=2": cannot set keys under image: it is already the string "nginx", not a map$/m);
    assert.match(conflict.stderr, /nothing written; fix the 1 error above/);
    assert.ok(!existsSync(out));
    const none = run('discover', 'test/fixtures/discover/k8s-shop', '--set', 'a=1');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--set is for Helm charts, and test\/fixtures\/discover\/k8s-shop holds none \(no Chart\.yaml\)/);
  });

  it('--release-name and --namespace render the release as helm template --namespace would', () => {
    const r = run('discover', CHART, '--release-name', 'prod', '--namespace', 'shop');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}prod-app: \{ tech: nginx, in: shop, replicas: 1 \}$/m);
    assert.match(r.stdout, /- prod-app -> prod-postgresql: \{ protocol: postgres/);
    const bad = run('discover', CHART, '--release-name', 'Prod_1');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expected a release name: lower-case letters, digits, - and \., at most 53/);
  });

  it('bad --values: a file that is not there, one that is not YAML, a folder without charts', () => {
    const dir = tempFolder('threatmap-helm-bad-');
    const missing = run('discover', CHART, '--values', join(dir, 'nope.yaml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml: cannot read: no such file or folder \(ENOENT\)/);
    writeFileSync(join(dir, 'broken.yaml'), 'service: [unclosed\n');
    const broken = run('discover', CHART, '--values', join(dir, 'broken.yaml'));
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.yaml:2:1: error\[invalid-yaml\]: .*; expected a Helm values file \(YAML\)/);
    assert.equal(broken.stdout, '');
    assert.ok(!broken.stderr.includes('    at '), broken.stderr);
    const none = run('discover', 'test/fixtures/discover/k8s-shop', '--values', join(dir, 'broken.yaml'));
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--values is for Helm charts, and test\/fixtures\/discover\/k8s-shop holds none \(no Chart\.yaml\)/);
  });
});
