// Kubernetes RBAC in discover: a workload whose service account can take over the cluster or its namespace
// reaches the API server (cited by the binding); scoped roles, `view`, other namespaces and pods without a
// token draw nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles, KUBERNETES_API } from '../../src/import/kubernetes.js';
import { rbacGrant, type RbacBinding, type RbacRole } from '../../src/import/kubernetes-rbac.js';
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
    assert.equal(threats[0].title, 'ops can take over the Kubernetes cluster');
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

describe('rbacGrant', () => {
  const roles: RbacRole[] = [{ kind: 'ClusterRole', name: 'pods-exec', file: 'r.yaml', rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'], resourceNames: [], line: 4 }] }];
  const bind = (subject: RbacBinding['subjects'][number]): RbacBinding[] => [{ kind: 'ClusterRoleBinding', name: 'b', roleRef: { kind: 'ClusterRole', name: 'pods-exec' }, subjects: [subject], file: 'b.yaml', line: 3 }];

  it('a group of service accounts holds each of them; a user is no service account', () => {
    assert.match(rbacGrant('ns', 'x', roles, bind({ kind: 'Group', name: 'system:serviceaccounts:ns' }))?.note ?? '', /run commands in other pods/);
    assert.equal(rbacGrant('ns', 'x', roles, bind({ kind: 'Group', name: 'system:serviceaccounts:other' })), undefined);
    assert.equal(rbacGrant('ns', 'x', roles, bind({ kind: 'User', name: 'x' })), undefined);
  });
});
