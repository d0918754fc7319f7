// Kubernetes manifests: who reaches a workload and what stands in front of it, as the files state it.
// Internal load balancers are called from the cloud network, not the internet; source ranges and Ingress
// allow-lists are ip-allowlist controls; Ingress auth annotations are the flow's auth; Ingress paths are
// endpoints; a Secret committed with its values is a check for the reviewer (never its value).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml, OUTSIDE_CLIENTS } from '../../src/import/draft.js';
import { NETWORK_CLIENTS } from '../../src/import/draft.js';
import { discoverKubernetes, discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { analyze } from '../../src/analysis/analyze.js';
import { elementOf } from './draft-helpers.js';

const workload = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - { name: main, image: example/${name}:1 }
---
`;

const service = (name: string, spec: string, annotations = '') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  selector: { app: ${name} }
${spec}  ports: [{ port: 80, targetPort: 8080 }]
---
`;

const ingress = (annotations: string, paths: string[]) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  rules:
    - host: web.example.com
      http:
        paths:
${paths.map((p) => `          - { path: ${p}, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }\n`).join('')}`;

const read = (text: string) => {
  const r = discoverKubernetes(text, 'a.yaml');
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
};
const callersOf = (text: string, to: string) => read(text).draft.flows.filter((f) => f.to === to).map((f) => f.from);

describe('discoverKubernetes: internal load balancers', () => {
  for (const [cloud, annotation] of [
    ['AWS', 'service.beta.kubernetes.io/aws-load-balancer-internal: "true"'],
    ['AWS load balancer controller', 'service.beta.kubernetes.io/aws-load-balancer-scheme: internal'],
    ['GCP', 'networking.gke.io/load-balancer-type: Internal'],
    ['Azure', 'service.beta.kubernetes.io/azure-load-balancer-internal: "true"'],
  ]) {
    it(`an internal LoadBalancer (${cloud}) is called by the made-up network clients, not the outside clients`, () => {
      const r = read(workload('api') + service('api', '  type: LoadBalancer\n', `    ${annotation}\n`));
      assert.deepEqual(r.draft.flows.map((f) => f.from), [NETWORK_CLIENTS]);
      const caller = elementOf(r.draft, NETWORK_CLIENTS);
      assert.equal(caller.madeUp, true);
      const zone = r.draft.boundaries.find((b) => b.key === caller.boundary);
      assert.equal(zone?.trust, 'internal');
      assert.match(r.draft.flows[0].evidence[0].provenance.note ?? '', /internal load balancer/);
    });
  }

  it('a LoadBalancer without such an annotation is called by the outside clients', () => {
    assert.deepEqual(callersOf(workload('api') + service('api', '  type: LoadBalancer\n'), 'api'), [OUTSIDE_CLIENTS]);
    assert.deepEqual(callersOf(workload('api') + service('api', '  type: LoadBalancer\n', '    service.beta.kubernetes.io/aws-load-balancer-internal: "false"\n'), 'api'), [OUTSIDE_CLIENTS]);
  });

  it('the drafted model loads, and the internal caller raises no unauthenticated-call finding from the internet', () => {
    const r = read(workload('api') + service('api', '  type: LoadBalancer\n', '    service.beta.kubernetes.io/aws-load-balancer-internal: "true"\n'));
    const text = draftToYaml(r.draft);
    assert.match(text, /network-clients -> api/);
    const loaded = loadModel(text, 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const rules = analyze(loaded.model).threats.map((t) => t.ruleId);
    assert.ok(!rules.includes('unauthenticated-partner-call'), rules.join(', '));
  });
});

describe('discoverKubernetes: source ranges', () => {
  it('loadBalancerSourceRanges is an ip-allowlist on the workload, cited by the line', () => {
    const r = read(workload('api') + service('api', '  type: LoadBalancer\n  loadBalancerSourceRanges: ["10.0.0.0/8", "192.168.0.0/16"]\n'));
    const controls = elementOf(r.draft, 'api').controls ?? [];
    assert.deepEqual(controls.map((c) => [c.control, c.provenance.line]), [['ip-allowlist', 19]]);
    assert.match(controls[0].provenance.note ?? '', /loadBalancerSourceRanges 10\.0\.0\.0\/8, 192\.168\.0\.0\/16/);
    assert.deepEqual(r.draft.flows.map((f) => f.from), [OUTSIDE_CLIENTS]);
  });

  it('ranges that admit everyone, and ranges on a Service that publishes nothing, are no allow-list', () => {
    const open = read(workload('api') + service('api', '  type: LoadBalancer\n  loadBalancerSourceRanges: ["0.0.0.0/0"]\n'));
    assert.equal(elementOf(open.draft, 'api').controls, undefined);
    const clusterIp = read(workload('api') + service('api', '  loadBalancerSourceRanges: ["10.0.0.0/8"]\n'));
    assert.equal(elementOf(clusterIp.draft, 'api').controls, undefined);
  });
});

describe('discoverKubernetes: Ingress annotations and paths', () => {
  const web = (annotations: string, paths = ['/']) => read(workload('web') + service('web', '') + ingress(annotations, paths));

  it('nginx basic auth is the flow\'s auth; an allow-list annotation is an ip-allowlist on the workload', () => {
    const r = web('    nginx.ingress.kubernetes.io/auth-type: basic\n    nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8, 172.16.0.0/12"\n');
    assert.equal(r.draft.flows[0].auth, 'basic');
    const controls = elementOf(r.draft, 'web').controls ?? [];
    assert.deepEqual(controls.map((c) => [c.control, c.provenance.line]), [['ip-allowlist', 26]]);
    assert.match(controls[0].provenance.note ?? '', /whitelist-source-range 10\.0\.0\.0\/8, 172\.16\.0\.0\/12/);
  });

  it('allowlist-source-range (the new name) counts too; an allow-list of everyone does not', () => {
    assert.deepEqual(elementOf(web('    nginx.ingress.kubernetes.io/allowlist-source-range: 10.0.0.0/8\n').draft, 'web').controls?.map((c) => c.control), ['ip-allowlist']);
    assert.equal(elementOf(web('    nginx.ingress.kubernetes.io/allowlist-source-range: 0.0.0.0/0\n').draft, 'web').controls, undefined);
  });

  it('oauth2-proxy external auth is oauth2; another auth service is an authentication control; none is no auth', () => {
    assert.equal(web('    nginx.ingress.kubernetes.io/auth-url: "https://$host/oauth2/auth"\n').draft.flows[0].auth, 'oauth2');
    const other = web('    nginx.ingress.kubernetes.io/auth-url: http://authz.auth.svc/check\n');
    assert.equal(other.draft.flows[0].auth, undefined);
    assert.deepEqual(elementOf(other.draft, 'web').controls?.map((c) => c.control), ['authentication']);
    const none = web('');
    assert.equal(none.draft.flows[0].auth, undefined);
    assert.equal(elementOf(none.draft, 'web').controls, undefined);
  });

  it('rule paths are endpoints of the workload, whose kind the model infers (/admin is admin); `/` is none', () => {
    const r = web('', ['/', '/admin', '/api/v1']);
    const endpoints = elementOf(r.draft, 'web').endpoints ?? [];
    assert.deepEqual(endpoints.map((e) => [e.key, e.provenance[0].line]), [['/admin', 30], ['/api/v1', 31]]);
    const loaded = loadModel(draftToYaml(r.draft), 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const admin = loaded.model.elements.find((e) => e.id === 'web')?.endpoints.find((e) => e.key === '/admin');
    assert.equal(admin?.kind, 'admin');
    assert.equal(elementOf(web('', ['/']).draft, 'web').endpoints, undefined);
  });

  it('a path behind the controller\'s auth asks for it; the element does not (pods inside call it directly)', () => {
    const r = web('    nginx.ingress.kubernetes.io/auth-type: basic\n', ['/admin']);
    assert.deepEqual(elementOf(r.draft, 'web').endpoints?.map((e) => [e.key, e.auth]), [['/admin', 'basic']]);
    const text = draftToYaml(r.draft);
    assert.match(text, /\/admin: { auth: basic }/);
    assert.doesNotMatch(text, /\n {4}auth: basic/);
    assert.deepEqual(elementOf(web('', ['/admin']).draft, 'web').endpoints?.map((e) => e.auth), [undefined]);
  });
});

describe('discoverKubernetes: committed Secrets', () => {
  const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\ntype: Opaque\n${body}`;

  it('a Secret with stringData or data values is a check with file:line that names the keys, never a value', () => {
    const r = read(secret('stringData:\n  password: hunter2-in-git\n  user: app\n'));
    assert.deepEqual(r.checks.map((c) => [c.file, c.line]), [['a.yaml', 5]]);
    assert.match(r.checks[0].message, /Secret db commits 2 values in stringData \(password, user\)/);
    const text = draftToYaml(r.draft);
    assert.match(text, /Check: a\.yaml:5 Secret db commits/);
    assert.doesNotMatch(text + JSON.stringify(r.checks), /hunter2/);
    assert.deepEqual(read(secret('data:\n  token: aHVudGVyMg==\n')).checks.map((c) => c.line), [5]);
  });

  it('placeholders, empty Secrets and a rendered chart\'s Secrets are no check', () => {
    assert.deepEqual(read(secret('stringData:\n  password: ${DB_PASSWORD}\n  token: ""\n')).checks, []);
    assert.deepEqual(read(secret('')).checks, []);
    const helm = discoverKubernetesFiles([{ file: 'chart/templates/secret.yaml', text: secret('stringData:\n  password: from-values\n'), format: 'Helm chart' }]);
    assert.deepEqual(helm.checks, []);
  });
});
