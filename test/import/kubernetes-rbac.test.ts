// Kubernetes RBAC in discover: a workload whose service account can take over the cluster or its namespace
// reaches the API server (cited by the binding, with how far it reaches); scoped roles, read-only Roles,
// `view`, other namespaces and pods without a token draw nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverKubernetesFiles, KUBERNETES_API } from '../../src/import/kubernetes.js';
import { rbacAccess, rbacGrant, type RbacBinding, type RbacRole } from '../../src/import/kubernetes-rbac.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

const deployment = (pod = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ops, namespace: tools }
spec:
  selector: { matchLabels: { app: ops } }
  template:
    metadata: { labels: { app: ops } }
    spec:
      serviceAccountName: ops
${pod}      containers:
        - name: ops
          image: example/ops:1
`;
const binding = (kind: string, role: string, roleKind = 'ClusterRole') => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: { name: ops-binding${kind === 'RoleBinding' ? ', namespace: tools' : ''} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: ${role} }
subjects:
  - { kind: ServiceAccount, name: ops, namespace: tools }
`;
const role = (kind: string, rules: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: { name: ops-role${kind === 'Role' ? ', namespace: tools' : ''} }
rules:
${rules}`;

const apiFlows = (text: string) => {
  const r = discoverKubernetesFiles([{ file: 'ops.yaml', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return { draft: r.draft, notes: r.draft.flows.filter((f) => f.to === KUBERNETES_API).map((f) => f.evidence.map((e) => `${e.provenance.line} ${e.provenance.note}`)) };
};

describe('discover: Kubernetes RBAC', () => {
  it('cluster-admin through a ClusterRoleBinding: a flow to the Kubernetes API, and the finding in the cluster\'s words', () => {
    const { draft, notes } = apiFlows(deployment() + binding('ClusterRoleBinding', 'cluster-admin'));
    assert.deepEqual(notes, [[
      '9 runs as service account ops',
      '17 service account ops may do anything (cluster-admin) in every namespace (ClusterRoleBinding ops-binding)',
    ]]);
    const loaded = loadModel(draftToYaml(draft), 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const threats = analyze(loaded.model).threats;
    assert.deepEqual(threats.map((t) => `${t.ruleId}@${t.component}`), ['excessive-cloud-permissions@ops']);
    assert.equal(threats[0].title, 'ops can take over its Kubernetes namespace or the cluster');
  });

  // The model cannot say how far a grant reaches, so the finding claims no more than a namespace; the
  // importer knows, and says it (the flow's provenance, rbacAccess for whoever writes it on the flow).
  const findings = (draft: ReturnType<typeof apiFlows>['draft']) => {
    const loaded = loadModel(draftToYaml(draft), 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    return analyze(loaded.model).threats.filter((t) => t.ruleId === 'excessive-cloud-permissions').map((t) => `${t.title} | ${t.impact.level}: ${t.impact.reason}`);
  };

  it('a namespaced read-only Role reaches nothing worth a flow: no finding', () => {
    const readOnly = apiFlows(deployment() + role('Role', '  - { apiGroups: [""], resources: [pods, configmaps], verbs: [get, list, watch] }\n') + binding('RoleBinding', 'ops-role', 'Role'));
    assert.deepEqual(readOnly.notes, []);
    assert.deepEqual(findings(readOnly.draft), []);
  });

  it('a namespaced Role that reads Secrets: its namespace in the draft, and a finding that claims no more', () => {
    const secrets = apiFlows(deployment() + role('Role', '  - { apiGroups: [""], resources: [secrets], verbs: [get] }\n') + binding('RoleBinding', 'ops-role', 'Role'));
    assert.match(secrets.notes[0]?.[1] ?? '', /may read every Secret in namespace tools \(RoleBinding ops-binding\)/);
    assert.deepEqual(findings(secrets.draft), [
      'ops can take over its Kubernetes namespace or the cluster | High: control of the workloads, Secrets and service accounts of a namespace, or of the whole cluster',
    ]);
  });

  it('a ClusterRole with "*" bound cluster-wide: every namespace in the draft, and the finding', () => {
    const all = apiFlows(deployment() + role('ClusterRole', '  - { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }\n') + binding('ClusterRoleBinding', 'ops-role'));
    assert.match(all.notes[0]?.[1] ?? '', /may do anything \("\*" on "\*"\) in every namespace \(ClusterRoleBinding ops-binding\)/);
    // The same words as the namespaced grant's: nothing in the drafted model tells the two apart.
    assert.deepEqual(findings(all.draft), [
      'ops can take over its Kubernetes namespace or the cluster | High: control of the workloads, Secrets and service accounts of a namespace, or of the whole cluster',
    ]);
  });

  it('a namespaced grant says its namespace; a cluster-wide grant the same account holds is the one cited, whatever the order', () => {
    const scoped = apiFlows(deployment() + binding('RoleBinding', 'edit'));
    assert.match(scoped.notes[0].join(' | '), /may read Secrets and start pods \(edit\) in namespace tools \(RoleBinding ops-binding\)/);
    const both = apiFlows(deployment() + binding('RoleBinding', 'edit') + binding('ClusterRoleBinding', 'cluster-admin'));
    assert.match(both.notes[0].join(' | '), /may do anything \(cluster-admin\) in every namespace \(ClusterRoleBinding ops-binding\)/);
  });

  it('a Role of its own that reads Secrets, starts pods or grants roles; its rule is cited', () => {
    const reads = apiFlows(deployment() + role('Role', '  - { apiGroups: [""], resources: [secrets], verbs: [get, list] }\n') + binding('RoleBinding', 'ops-role', 'Role'));
    assert.match(reads.notes[0]?.[1] ?? '', /may read every Secret in namespace tools \(RoleBinding ops-binding\), Role ops-role \(ops\.yaml:\d+\)/);
    const pods = apiFlows(deployment() + role('ClusterRole', '  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [create, patch]\n') + binding('ClusterRoleBinding', 'ops-role'));
    assert.match(pods.notes[0]?.[1] ?? '', /may start pods, with any service account and its rights in every namespace/);
    const wildcard = apiFlows(deployment() + role('ClusterRole', '  - { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }\n') + binding('RoleBinding', 'ops-role'));
    assert.match(wildcard.notes[0]?.[1] ?? '', /may do anything \("\*" on "\*"\) in namespace tools/);
  });

  // The flow's description carries the grant's reach into the model, where the finding quotes it; places stay in comments.
  const apiFlowLine = (text: string) => draftToYaml(apiFlows(text).draft).split('\n').filter((l) => l.includes('-> kubernetes-api'));
  const managementEvidence = (text: string) => {
    const loaded = loadModel(draftToYaml(apiFlows(text).draft), 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    return analyze(loaded.model).threats.filter((t) => t.ruleId === 'excessive-cloud-permissions').map((t) => t.evidence[0]?.fact);
  };

  it('a RoleBinding\'s grant is the flow\'s description, with its namespace and without file:line', () => {
    const text = deployment() + role('Role', '  - { apiGroups: [""], resources: [secrets], verbs: [get] }\n') + binding('RoleBinding', 'ops-role', 'Role');
    assert.deepEqual(apiFlowLine(text), [
      '  - ops -> kubernetes-api: { protocol: https, auth: jwt, description: "service account ops may read every Secret in namespace tools (RoleBinding ops-binding), Role ops-role" }',
    ]);
    // The role's place stays in the comment above the flow.
    assert.match(draftToYaml(apiFlows(text).draft), /# ops\.yaml:9 runs as service account ops; :\d+ service account ops .*Role ops-role \(ops\.yaml:\d+\)\n  - ops -> kubernetes-api/);
    assert.deepEqual(managementEvidence(text), [
      'ops -> Kubernetes API uses the management API: service account ops may read every Secret in namespace tools (RoleBinding ops-binding), Role ops-role',
    ]);
    // `discover` merges the drafts of every source, which rebuilds flows from their evidence: the description stays.
    const merged = mergeDrafts([apiFlows(text).draft, apiFlows(deployment()).draft]);
    assert.deepEqual(merged.flows.map((f) => f.description), ['service account ops may read every Secret in namespace tools (RoleBinding ops-binding), Role ops-role']);
  });

  it('a ClusterRoleBinding\'s grant says every namespace; a flow no grant made has no description', () => {
    const text = deployment() + binding('ClusterRoleBinding', 'cluster-admin');
    assert.deepEqual(apiFlowLine(text), [
      '  - ops -> kubernetes-api: { protocol: https, auth: jwt, description: service account ops may do anything (cluster-admin) in every namespace (ClusterRoleBinding ops-binding) }',
    ]);
    assert.deepEqual(managementEvidence(text), [
      'ops -> Kubernetes API uses the management API: service account ops may do anything (cluster-admin) in every namespace (ClusterRoleBinding ops-binding)',
    ]);
    const service = '---\napiVersion: v1\nkind: Service\nmetadata: { name: ops, namespace: tools }\nspec: { type: NodePort, selector: { app: ops }, ports: [{ port: 80 }] }\n';
    const others = apiFlows(deployment() + service + binding('ClusterRoleBinding', 'cluster-admin')).draft.flows;
    assert.deepEqual(others.map((f) => [f.to, f.description !== undefined]), [[KUBERNETES_API, true], ['ops', false]]);
  });

  it('draws nothing for view, named Secrets, another namespace\'s binding, another account, or a pod without a token', () => {
    assert.deepEqual(apiFlows(deployment() + binding('ClusterRoleBinding', 'view')).notes, []);
    assert.deepEqual(apiFlows(deployment() + role('Role', '  - { apiGroups: [""], resources: [secrets], resourceNames: [ops-config], verbs: [get] }\n') + binding('RoleBinding', 'ops-role', 'Role')).notes, []);
    assert.deepEqual(apiFlows(deployment() + binding('ClusterRoleBinding', 'cluster-admin').replace('namespace: tools }\n', 'namespace: other }\n')).notes, []);
    assert.deepEqual(apiFlows(deployment().replace('serviceAccountName: ops', 'serviceAccountName: web') + binding('ClusterRoleBinding', 'cluster-admin')).notes, []);
    assert.deepEqual(apiFlows(deployment('      automountServiceAccountToken: false\n') + binding('ClusterRoleBinding', 'cluster-admin')).notes, []);
    const account = '---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ops, namespace: tools }\nautomountServiceAccountToken: false\n';
    assert.deepEqual(apiFlows(deployment() + binding('ClusterRoleBinding', 'cluster-admin') + account).notes, []);
  });

  it('RBAC objects are read, not listed as skipped', () => {
    const r = discoverKubernetesFiles([{ file: 'ops.yaml', text: deployment() + binding('ClusterRoleBinding', 'cluster-admin') }]);
    assert.deepEqual(r.skippedKinds, []);
  });
});

describe('rbacAccess', () => {
  const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({ apiGroups, resources, verbs, resourceNames: [], line: 4 });
  const access = (kind: 'Role' | 'ClusterRole', bindingKind: RbacBinding['kind'], rules: RbacRole['rules']) => rbacAccess('shop', 'web', [{ kind, name: 'r', file: 'r.yaml', rules, ...(kind === 'Role' ? { namespace: 'shop' } : {}) }], [{
    kind: bindingKind, name: 'b', roleRef: { kind, name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }], file: 'b.yaml', line: 3,
    ...(bindingKind === 'RoleBinding' ? { namespace: 'shop' } : {}),
  }]);

  it('says how far a grant reaches: its namespace for a RoleBinding, every namespace for a ClusterRoleBinding', () => {
    const namespaced = access('Role', 'RoleBinding', [rule([''], ['secrets'], ['get'])]);
    assert.deepEqual({ allows: namespaced?.allows, namespace: namespaced?.namespace }, { allows: 'read every Secret', namespace: 'shop' });
    const clusterWide = access('ClusterRole', 'ClusterRoleBinding', [rule(['*'], ['*'], ['*'])]);
    assert.deepEqual({ allows: clusterWide?.allows, namespace: clusterWide?.namespace }, { allows: 'do anything ("*" on "*")', namespace: undefined });
    assert.equal(access('Role', 'RoleBinding', [rule([''], ['pods', 'configmaps'], ['get', 'list'])]), undefined);
  });

  it('reads a rule within its API groups: "*" in apps reads no Secret and impersonates no one', () => {
    assert.equal(access('ClusterRole', 'ClusterRoleBinding', [rule(['apps'], ['*'], ['get', 'list'])]), undefined);
    assert.equal(access('ClusterRole', 'ClusterRoleBinding', [rule(['apps'], ['*'], ['*'])])?.allows, 'start pods, with any service account and its rights');
    assert.equal(access('ClusterRole', 'ClusterRoleBinding', [rule(['batch'], ['*'], ['impersonate'])]), undefined);
    assert.equal(access('ClusterRole', 'ClusterRoleBinding', [rule([''], ['serviceaccounts'], ['impersonate'])])?.allows, 'impersonate other users and service accounts');
    // A rule that names no group is read as naming them all.
    assert.equal(access('ClusterRole', 'ClusterRoleBinding', [rule([], ['secrets'], ['list'])])?.allows, 'read every Secret');
  });
});

describe('rbacGrant', () => {
  const roles: RbacRole[] = [{ kind: 'ClusterRole', name: 'pods-exec', file: 'r.yaml', rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'], resourceNames: [], line: 4 }] }];
  const bind = (subject: RbacBinding['subjects'][number]): RbacBinding[] => [{ kind: 'ClusterRoleBinding', name: 'b', roleRef: { kind: 'ClusterRole', name: 'pods-exec' }, subjects: [subject], file: 'b.yaml', line: 3 }];

  it('a group of service accounts holds each of them; a user is no service account', () => {
    assert.match(rbacGrant('ns', 'x', roles, bind({ kind: 'Group', name: 'system:serviceaccounts:ns' }))?.note ?? '', /run commands in other pods/);
    assert.equal(rbacGrant('ns', 'x', roles, bind({ kind: 'Group', name: 'system:serviceaccounts:other' })), undefined);
    assert.equal(rbacGrant('ns', 'x', roles, bind({ kind: 'User', name: 'x' })), undefined);
  });
});
