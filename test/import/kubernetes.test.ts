// Kubernetes manifests -> a Draft, on fixtures of our own (test/fixtures/discover/k8s*): multi-document
// files, Services selecting workloads in other files, Service names in env values, what publishes a
// workload, privilege, namespaces, bad input with positions, determinism, and never a throw.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetes, discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

const SHOP = ['app.yaml', 'data.yaml'].map((file) => ({ file, text: readFileSync(`test/fixtures/discover/k8s-shop/${file}`, 'utf8') }));
const shop = () => {
  const r = discoverKubernetesFiles(SHOP);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
};
const flow = flowOf;
const element = elementOf;

const deployment = (name: string, labels: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: { ${labels} }
  template:
    metadata:
      labels: { ${labels} }
    spec:
${extra}      containers:
        - name: main
          image: example/${name}:1
`;

describe('discoverKubernetes: workloads', () => {
  it('reads every document of a multi-document file; skips kinds that draw nothing', () => {
    const r = shop();
    assert.deepEqual(r.draft.elements.filter((e) => !e.madeUp).map((e) => e.key), ['web', 'api', 'db', 'cache', 'node-agent']);
    assert.deepEqual(r.skippedKinds, ['Namespace']);
    assert.equal(r.objects, 13);
  });

  it('tech from the main container, skipping a known sidecar (and saying so); replicas; Jobs are workers', () => {
    const { draft } = shop();
    const web = element(draft, 'web');
    assert.deepEqual(web.identity, { tech: 'nginx' });
    assert.equal(web.replicas, 3);
    assert.match(web.provenance[0].note ?? '', /container web image nginx:1\.25; sidecar istio-proxy not counted/);
    assert.deepEqual(element(draft, 'db').identity, { tech: 'postgres' });
    assert.deepEqual(element(draft, 'api').identity, { type: 'service' });
    const cron = discoverKubernetes(readFileSync('test/fixtures/discover/k8s-helm/manifests/worker.yaml', 'utf8'), 'worker.yaml');
    assert.deepEqual(element(cron.draft, 'report').identity, { type: 'worker' });
  });

  it('one internal boundary per namespace, `default` when none is stated, inside one for the cluster', () => {
    const { draft } = shop();
    // Session 22: namespaces share the cluster's nodes, so they sit in its boundary (kind container) as kind service.
    assert.deepEqual(draft.boundaries.filter((b) => b.id !== 'outside').map((b) => [b.id, b.trust, b.kind, b.parent]), [
      ['cluster', 'internal', 'container', undefined], ['shop', 'internal', 'service', '(cluster)'], ['monitoring', 'internal', 'service', '(cluster)'],
    ]);
    assert.equal(element(draft, 'node-agent').boundary, 'namespace:monitoring');
    const plain = discoverKubernetes(deployment('solo', 'app: solo'), 'solo.yaml');
    assert.equal(element(plain.draft, 'solo').boundary, 'namespace:default');
    assert.deepEqual(plain.draft.boundaries.map((b) => b.name), ['Kubernetes cluster', 'Namespace default']);
  });

  it('privileged: securityContext, SYS_ADMIN, hostPID, hostNetwork and the runtime socket', () => {
    assert.match(shop().draft.elements.find((e) => e.key === 'node-agent')?.privileged?.note ?? '', /hostPath \/var\/run\/docker\.sock/);
    const cases: Array<[string, RegExp]> = [
      ['      hostPID: true\n', /hostPID: true/],
      ['      hostNetwork: true\n', /hostNetwork: true/],
    ];
    for (const [extra, note] of cases) {
      const r = discoverKubernetes(deployment('x', 'app: x', extra), 'x.yaml');
      assert.match(element(r.draft, 'x').privileged?.note ?? '', note);
    }
    const secured = deployment('y', 'app: y').replace('image: example/y:1', 'image: example/y:1\n          securityContext:\n            capabilities:\n              add: [NET_ADMIN, SYS_ADMIN]');
    assert.match(element(discoverKubernetes(secured, 'y.yaml').draft, 'y').privileged?.note ?? '', /capabilities add SYS_ADMIN/);
    const priv = deployment('z', 'app: z').replace('image: example/z:1', 'image: example/z:1\n          securityContext: { privileged: true }');
    assert.equal(element(discoverKubernetes(priv, 'z.yaml').draft, 'z').privileged?.line, 15);
    assert.equal(element(discoverKubernetes(deployment('w', 'app: w'), 'w.yaml').draft, 'w').privileged, undefined);
    // hostNetwork also publishes every port the pod listens on, as compose's network_mode host does.
    const hostNet = discoverKubernetes(deployment('h', 'app: h', '      hostNetwork: true\n'), 'h.yaml');
    assert.deepEqual(flowSet(hostNet.draft), ['clients -> h']);
  });
});

describe('discoverKubernetes: Services', () => {
  it('a Service selects workloads by the labels of their pod template, across files', () => {
    const { draft } = shop();
    assert.deepEqual(element(draft, 'db').aliases, ['db.shop', 'db.shop.svc', 'db.shop.svc.cluster.local']);
    assert.match(element(draft, 'db').provenance[1].note ?? '', /Service db \(headless\)/);
    // A Service matching nothing is left out with a reason.
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.provenance.file, o.provenance.line]), [['metrics', 'data.yaml', 83]]);
    // Read alone, the Service file draws nothing and says why.
    const alone = discoverKubernetes('apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec:\n  selector: { app: s }\n', 's.yaml');
    assert.equal(alone.draft.elements.length, 0);
    assert.match(alone.draft.omitted[0].reason, /no workload in these manifests matches/);
  });

  it('a selector of several labels selects the pods of its namespace that have every one of them', () => {
    const inNamespace = (text: string, namespace: string) => text.replace('metadata:\n  name:', `metadata:\n  namespace: ${namespace}\n  name:`);
    const service = (name: string, selector: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  selector: { ${selector} }\n`;
    const { draft } = discoverKubernetesFiles([{ file: 'm.yaml', text: [
      inNamespace(deployment('web', 'app: web, tier: front'), 'shop'),
      inNamespace(deployment('canary', 'app: web, tier: canary'), 'shop'),
      inNamespace(deployment('web', 'app: web, tier: front'), 'other'),
      service('front', 'tier: front, app: web'),
      service('all-web', 'app: web'),
      service('none', 'app: web, tier: back'),
    ].join('---\n') }]);
    const aliases = (key: string) => element(draft, key).aliases.filter((a) => !a.includes('.'));
    assert.deepEqual([aliases('web'), aliases('canary'), aliases('web.other')], [['front', 'all-web'], ['all-web'], []]);
    assert.deepEqual(draft.omitted.map((o) => o.key), ['none']);
  });

  it('Service names (short, namespaced, cluster.local) in env values become flows, with protocol and auth', () => {
    const { draft } = shop();
    assert.deepEqual(flowSet(draft), ['api -> cache', 'api -> db', 'clients -> api', 'clients -> web', 'web -> api']);
    const db = flow(draft, 'api', 'db');
    assert.equal(db.protocol, 'postgres');
    assert.equal(db.auth, 'password');        // POSTGRES_PASSWORD from a secret on the db
    assert.deepEqual(db.evidence.map((e) => e.provenance.note), ['env DB_HOST', 'env DATABASE_URL']);   // $(DB_HOST) expanded
    assert.equal(flow(draft, 'api', 'cache').protocol, 'redis');
    assert.equal(flow(draft, 'web', 'api').port, 8080);
    assert.equal(element(draft, 'db').passwordSetting?.note, 'env POSTGRES_PASSWORD (from a secret)');
    // A secret's setting names no host; its value is nowhere in the draft.
    assert.ok(!draftToYaml(draft).includes('db-credentials'));
  });

  it('a one-label name is read in the pod\'s own namespace, as cluster DNS reads it; `name.namespace` reaches another', () => {
    const objects = (ns: string, dbHost: string) => [
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: db, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: db } }\n  template:\n    metadata: { labels: { app: db } }\n    spec:\n      containers: [{ name: main, image: postgres:16 }]\n`,
      `apiVersion: v1\nkind: Service\nmetadata: { name: db, namespace: ${ns} }\nspec:\n  selector: { app: db }\n  ports: [{ port: 5432 }]\n`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api-${ns}, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: api } }\n  template:\n    metadata: { labels: { app: api } }\n    spec:\n      containers:\n        - name: main\n          image: example/api:1\n          env: [{ name: DB_HOST, value: ${dbHost} }]\n`,
    ].join('---\n');
    const { draft, diagnostics } = discoverKubernetesFiles([{ file: 'a.yaml', text: objects('alpha', 'db') }, { file: 'b.yaml', text: objects('beta', 'db.alpha') }]);
    assert.deepEqual(diagnostics, []);
    const ids = Object.fromEntries(draft.elements.map((e) => [e.key, e.id]));
    const pairs = draft.flows.map((f) => `${ids[f.from]} -> ${ids[f.to]}`).sort();
    // Both namespaces have a `db`: alpha's api reaches its own, and beta's api names alpha's in full.
    // Nothing names beta's own `db`, and no NetworkPolicy guards it: the cluster's other pods stand in as its caller.
    assert.deepEqual(pairs, ['api-alpha -> db', 'api-beta -> db', 'cluster-workloads -> db.beta']);
    assert.equal(draft.elements.find((e) => e.id === 'db')?.boundary, 'namespace:alpha');
    const { draft: other } = discoverKubernetesFiles([{ file: 'a.yaml', text: objects('alpha', 'db') }, { file: 'b.yaml', text: objects('beta', 'db') }]);
    const otherIds = Object.fromEntries(other.elements.map((e) => [e.key, e.id]));
    assert.deepEqual(other.flows.map((f) => `${otherIds[f.from]} -> ${otherIds[f.to]}`).sort(), ['api-alpha -> db', 'api-beta -> db.beta']);
  });

  it('NodePort, LoadBalancer and externalIPs publish the workload; ClusterIP does not', () => {
    const { draft } = shop();
    const web = flow(draft, 'clients', 'web');
    assert.deepEqual([web.protocol, web.port], ['https', 443]);       // targetPort https -> 8443
    assert.match(web.evidence[0].provenance.note ?? '', /Service web LoadBalancer 443 -> 8443/);
    const service = (type: string, extra = '') => `${deployment('p', 'app: p')}---\napiVersion: v1\nkind: Service\nmetadata: { name: p }\nspec:\n  type: ${type}\n  selector: { app: p }\n${extra}  ports:\n    - port: 80\n      nodePort: 30080\n`;
    const nodePort = discoverKubernetes(service('NodePort'), 'p.yaml').draft;
    assert.deepEqual([flowSet(nodePort), flow(nodePort, 'clients', 'p').port, flow(nodePort, 'clients', 'p').protocol], [['clients -> p'], 30080, 'http']);
    // No outside caller: only the cluster's other pods, as nothing names the Service and no NetworkPolicy guards it.
    assert.deepEqual(flowSet(discoverKubernetes(service('ClusterIP'), 'p.yaml').draft), ['(cluster workloads) -> p']);
    assert.deepEqual(flowSet(discoverKubernetes(service('ClusterIP', '  externalIPs: [203.0.113.7]\n'), 'p.yaml').draft), ['clients -> p']);
    const lb = discoverKubernetes(service('LoadBalancer'), 'p.yaml').draft;
    assert.equal(flow(lb, 'clients', 'p').port, 80);
  });

  it('an Ingress publishes its backends: https with tls, http without, at the rule\'s line', () => {
    const { draft } = shop();
    const api = flow(draft, 'clients', 'api');
    assert.deepEqual([api.protocol, api.port, api.evidence[0].provenance.line], ['https', 443, 100]);
    const plain = SHOP[0].text.replace(/  tls:\n.*\n.*\n/, '');
    const r = discoverKubernetesFiles([{ file: 'app.yaml', text: plain }, SHOP[1]]);
    assert.equal(flow(r.draft, 'clients', 'api').protocol, 'http');
  });
});

describe('discoverKubernetes: bad input', () => {
  it('YAML errors and malformed objects come back with file:line:col', () => {
    const syntax = discoverKubernetes('apiVersion: v1\nkind: Service\n---\nmetadata: [unclosed\n', 'bad.yaml');
    assert.ok(syntax.diagnostics.some((d) => d.severity === 'error' && d.code === 'syntax-error' && d.file === 'bad.yaml' && d.line >= 4), formatDiagnostics(syntax.diagnostics));
    const noKind = discoverKubernetes('apiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\nfoo: bar\n', 'x.yaml');
    assert.deepEqual(noKind.diagnostics.map((d) => [d.code, d.line, d.col]), [['invalid-object', 5, 1]]);
    const noName = discoverKubernetes('apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\n', 'n.yaml');
    assert.deepEqual(noName.diagnostics.map((d) => [d.code, d.line]), [['invalid-object', 1]]);
    const noPod = discoverKubernetes('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: {}\n', 'd.yaml');
    assert.deepEqual(noPod.diagnostics.map((d) => d.code), ['invalid-object']);
    const list = discoverKubernetes('- a\n- b\n', 'l.yaml');
    assert.deepEqual(list.diagnostics.map((d) => [d.code, d.line, d.col]), [['not-kubernetes', 1, 1]]);
    const badContainers = discoverKubernetes(deployment('c', 'app: c').replace(/      containers:\n[\s\S]*$/, '      containers: nope\n'), 'c.yaml');
    assert.deepEqual(badContainers.diagnostics.map((d) => [d.code, d.line]), [['invalid-value', 12]]);
  });

  it('never throws on odd input, and empty documents are nothing', () => {
    const odd = ['', '---\n---\n', '# only a comment\n', 'null', '[', '{{ .Values.x }}', 'apiVersion: v1\nkind: List\nitems: [1, {}]\n',
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [ { env: 5 } ] }\n', `${'['.repeat(5000)}`,
      'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { selector: 3, ports: {} }\n', 'a: &a [*a]\n'];
    for (const text of odd) {
      const r = discoverKubernetes(text, 'odd.yaml');
      assert.ok(Array.isArray(r.diagnostics));
    }
    assert.deepEqual(discoverKubernetes('---\n---\n', 'e.yaml').diagnostics, []);
  });

  it('reads a List, and is deterministic: the same files give the same bytes', () => {
    const listText = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: { name: l }\n    spec:\n      containers: [{ name: l, image: redis:7 }]\n';
    const list = discoverKubernetes(listText, 'list.yaml');
    assert.ok(!hasErrors(list.diagnostics), formatDiagnostics(list.diagnostics));
    assert.deepEqual(list.draft.elements.map((e) => e.key), ['l']);
    const a = draftToYaml(shop().draft, { output: 'threatmap.yaml' });
    assert.equal(draftToYaml(shop().draft, { output: 'threatmap.yaml' }), a);
    const loaded = loadModel(a, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });
});
