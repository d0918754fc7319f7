// Session 24: Kubernetes Services that nothing in the manifests names. With no NetworkPolicy any pod of the cluster can
// call them, so the draft draws one made-up caller, `cluster-workloads` in the cluster's boundary, with a flow per
// Service port (as compose's outside clients stand for whoever reaches a published port), said in a check and in the
// element's description; a Service a setting, an argument or a mounted configuration file names keeps its real
// caller; one behind a NetworkPolicy keeps none, and is tagged so that isolated-element asks for its callers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { CLUSTER_WORKLOADS, discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { NO_CALLER_TAG } from '../../src/model/sanity.js';
import { analyzeText } from '../rules/harness.js';
import { elementOf, flowSet } from './draft-helpers.js';

const deployment = (name: string, image: string, container = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: main
          image: ${image}
${container}`;

const service = (name: string, ports = '[{ port: 6379 }]', type = 'ClusterIP') =>
  `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec:\n  type: ${type}\n  selector: { app: ${name} }\n  ports: ${ports}\n`;

const POLICY = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny }\nspec: { podSelector: {}, policyTypes: [Ingress] }\n';

function read(...docs: string[]) {
  const r = discoverKubernetesFiles([{ file: 'app.yaml', text: docs.join('---\n') }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const networkCheck = (r: ReturnType<typeof read>) => r.checks.filter((c) => c.message.includes('NetworkPolicy')).map((c) => `${c.file}:${c.line} ${c.message}`);

describe('discover s24: the cluster\'s other pods call the Services nothing names', () => {
  it('a ClusterIP Redis no setting names, no NetworkPolicy: cluster-workloads calls it on its port, in the cluster boundary, said in the check and the description', () => {
    const r = read(deployment('redis', 'redis:7'), service('redis'));
    assert.deepEqual(flowSet(r.draft), ['(cluster workloads) -> redis']);
    const [flow] = r.draft.flows;
    assert.deepEqual([flow.protocol, flow.port, flow.auth], ['redis', 6379, 'none']);
    assert.deepEqual(flow.evidence.map((e) => `${e.provenance.file}:${e.provenance.line} ${e.provenance.note}`),
      ['app.yaml:19 Service redis (ClusterIP) port 6379: no NetworkPolicy: any pod of the cluster may call it']);
    const caller = elementOf(r.draft, CLUSTER_WORKLOADS);
    assert.deepEqual([caller.id, caller.madeUp, caller.identity, caller.boundary], ['cluster-workloads', true, { kind: 'external' }, '(cluster)']);
    assert.match(caller.description ?? '', /^Any pod of the cluster .*namespace default has no NetworkPolicy, so every workload can call the Services there that no setting in these files names/);
    assert.deepEqual(networkCheck(r), [
      'app.yaml:1 namespace default: no NetworkPolicy in these manifests, so any pod in the cluster reaches Deployment redis and every other pod of the namespace on any port; nothing in these manifests names Service redis, so unless another file shows its callers the draft draws cluster-workloads (any other pod of the cluster) calling it: replace it with the workloads that do; add a default-deny policy and allow only the flows each service needs',
    ]);
    // The model says it too, and the open Redis is now a threat: before, with no caller, it was none.
    const yaml = draftToYaml(r.draft);
    assert.match(yaml, /cluster-workloads: \{ name: Other cluster workloads, description: "Any pod of the cluster/);
    assert.match(yaml, /- cluster-workloads -> redis: \{ protocol: redis, auth: none, port: 6379 \}/);
    const threats = analyzeText(yaml).threats.filter((t) => t.ruleId === 'unauthenticated-store-access');
    assert.deepEqual(threats.map((t) => [t.component, t.risk, t.flows]), [['redis', 'High', ['cluster-workloads->redis']]]);
  });

  it('one flow per Service port, named ports resolved in the pod; one caller for every such Service, said once in the check', () => {
    const db = deployment('db', 'postgres:16', '          ports: [{ name: pg, containerPort: 5432 }]\n');
    const r = read(db, service('db', '[{ name: sql, port: 5432, targetPort: pg }, { name: metrics, port: 9187 }]'), deployment('redis', 'redis:7'), service('redis'));
    assert.deepEqual(flowSet(r.draft), ['(cluster workloads) -> db', '(cluster workloads) -> db', '(cluster workloads) -> redis']);
    assert.deepEqual(r.draft.flows.filter((f) => f.to === 'db').map((f) => f.port), [5432, 9187]);
    assert.equal(r.draft.elements.filter((e) => e.madeUp).length, 1);
    assert.match(networkCheck(r)[0], /nothing in these manifests names Services db, redis, so unless another file shows their callers the draft draws cluster-workloads \(any other pod of the cluster\) calling them/);
  });

  it('a namespace other than default is named in the flow and the description', () => {
    const r = read(deployment('redis', 'redis:7').replace('metadata: { name: redis }', 'metadata: { name: redis, namespace: cache }'),
      service('redis').replace('metadata: { name: redis }', 'metadata: { name: redis, namespace: cache }'));
    assert.match(r.draft.flows[0].evidence[0].provenance.note ?? '', /no NetworkPolicy in namespace cache: any pod of the cluster may call it$/);
    assert.match(elementOf(r.draft, CLUSTER_WORKLOADS).description ?? '', /namespace cache has no NetworkPolicy/);
  });

  it('a workload named cluster-workloads keeps its id; the made-up caller takes the fallback, and the check says which', () => {
    const r = read(deployment('cluster-workloads', 'example/app:1'), deployment('redis', 'redis:7'), service('redis'));
    assert.match(networkCheck(r)[0], /the draft draws other-cluster-workloads \(any other pod/);
    assert.match(draftToYaml(r.draft), /- other-cluster-workloads -> redis:/);
  });
});

describe('discover s24: no stand-in where the files show a caller, or a NetworkPolicy guards the namespace', () => {
  it('a setting naming the Service is its caller: no cluster-workloads, and the check stays as before', () => {
    const api = deployment('api', 'example/api:1', '          env: [{ name: REDIS_HOST, value: redis }]\n');
    const r = read(api, deployment('redis', 'redis:7'), service('redis'));
    assert.deepEqual(flowSet(r.draft), ['api -> redis']);
    assert.ok(!r.draft.elements.some((e) => e.key === CLUSTER_WORKLOADS));
    assert.deepEqual(networkCheck(r), [
      'app.yaml:1 namespace default: no NetworkPolicy in these manifests, so any pod in the cluster reaches Deployment api and every other pod of the namespace on any port; add a default-deny policy and allow only the flows each service needs',
    ]);
  });

  it('a NodePort Service already has its outside callers: no cluster-workloads', () => {
    const r = read(deployment('web', 'example/web:1'), service('web', '[{ port: 80, nodePort: 30080 }]', 'NodePort'));
    assert.deepEqual(flowSet(r.draft), ['clients -> web']);
  });

  it('with a NetworkPolicy in the namespace: no caller is made up, and the store is tagged no-caller-found at its Service', () => {
    const r = read(deployment('redis', 'redis:7'), service('redis'), POLICY);
    assert.deepEqual(r.draft.flows, []);
    assert.deepEqual(networkCheck(r), []);
    assert.deepEqual(elementOf(r.draft, 'redis').facts?.map((f) => `${f.tag}:${f.provenance.file}:${f.provenance.line} ${f.provenance.note}`),
      [`${NO_CALLER_TAG}:app.yaml:13 Service redis (ClusterIP) exposes it, and no file here names it`]);
    // isolated-element asks for the callers rather than advising to remove it.
    const loaded = loadModel(draftToYaml(r.draft), 'threatmap.yaml');
    const isolated = loaded.diagnostics.find((d) => d.code === 'isolated-element');
    assert.equal(isolated?.path, 'elements.redis');
    assert.doesNotMatch(isolated?.hint ?? '', /remove/);
    assert.match(isolated?.hint ?? '', /^the draft found no caller, though app\.yaml:13 exposes it: add the flow from each element that calls `redis`/);
  });

  it('a NetworkPolicy in another namespace does not count; a workload behind no Service gets no tag', () => {
    const r = read(deployment('redis', 'redis:7'), service('redis'), POLICY.replace('name: deny }', 'name: deny, namespace: other }'), deployment('worker', 'example/worker:1'));
    assert.deepEqual(flowSet(r.draft), ['(cluster workloads) -> redis']);
    assert.equal(elementOf(r.draft, 'worker').facts, undefined);
    const isolated = loadModel(draftToYaml(r.draft), 'threatmap.yaml').diagnostics.find((d) => d.code === 'isolated-element');
    assert.equal(isolated?.hint, 'connect it with a flow, or remove it; threats need flows to be found');
  });

  it('merged with a compose file whose settings name the service, the stand-in call goes, and the made-up caller with it', () => {
    const k8s = read(deployment('redis', 'redis:7'), service('redis')).draft;
    const compose = discoverCompose('services:\n  vote:\n    image: example/vote:1\n    environment: { REDIS_HOST: redis }\n  redis:\n    image: redis:7\n', 'compose.yaml');
    const merged = mergeDrafts([compose.draft, k8s]);
    assert.deepEqual(flowSet(merged), ['vote -> redis']);
    assert.ok(!merged.elements.some((e) => e.key === CLUSTER_WORKLOADS));
    // Alone, the manifests keep it.
    assert.deepEqual(flowSet(mergeDrafts([k8s])), ['(cluster workloads) -> redis']);
  });
});

describe('discover s24: command-line arguments and mounted configuration files name Services too', () => {
  it('an address flag with its value, `--flag=URL`, and a URL in a mounted ConfigMap file are flows; other flags and secrets are not', () => {
    const worker = deployment('worker', 'example/worker:1',
      '          args: ["--redis-host", "redis", "--db-url=postgres://db:5432/votes", "--workers=4", "--password", "redis"]\n');
    const conf = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web-conf }\ndata:\n  nginx.conf: |\n    # https://nginx.org/en/docs/\n    location / { proxy_pass http://cache:8080; }\n';
    const web = deployment('web', 'nginx:1.25', '          volumeMounts: [{ name: conf, mountPath: /etc/nginx/conf.d }]\n      volumes: [{ name: conf, configMap: { name: web-conf } }]\n');
    const r = read(worker, deployment('redis', 'redis:7'), service('redis'), deployment('db', 'postgres:16'), service('db', '[{ port: 5432 }]'),
      deployment('cache', 'example/cache:1'), service('cache', '[{ port: 8080 }]'), conf, web);
    assert.deepEqual(flowSet(r.draft), ['web -> cache', 'worker -> db', 'worker -> redis']);
    const note = (from: string, to: string) => r.draft.flows.find((f) => f.from === from && f.to === to)?.evidence.map((e) => e.provenance.note);
    assert.deepEqual(note('worker', 'redis'), ['args --redis-host']);
    assert.deepEqual(note('worker', 'db'), ['args --db-url']);
    assert.deepEqual(note('web', 'cache'), ['ConfigMap web-conf nginx.conf, mounted at /etc/nginx/conf.d/nginx.conf']);
    // The documentation link in the file's comment names no Service here: no outside element for it.
    assert.ok(!r.draft.elements.some((e) => e.key.includes('nginx.org')));
  });

  it('a flag not named for an address, or a value that is another flag, names nothing', () => {
    const worker = deployment('worker', 'example/worker:1', '          args: ["--queue", "redis", "--redis-host", "--verbose"]\n');
    const r = read(worker, deployment('redis', 'redis:7'), service('redis'));
    assert.deepEqual(flowSet(r.draft), ['(cluster workloads) -> redis']);
  });
});
