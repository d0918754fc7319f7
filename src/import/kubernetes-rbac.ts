// Kubernetes RBAC: which workloads run as a service account that can take over the cluster or a namespace
// (start pods with any service account, read every Secret, grant itself more, exec into pods, impersonate).
// Such a workload reaches the API server's management plane whatever else it does. Pure: the manifests'
// Roles, ClusterRoles and bindings come in as data.
import type { Provenance } from './draft.js';

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  line: number;
}

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  /** A Role's namespace; a ClusterRole has none. */
  namespace?: string;
  name: string;
  rules: RbacRule[];
  file: string;
}

export interface RbacBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  namespace?: string;
  name: string;
  roleRef: { kind: string; name: string };
  subjects: Array<{ kind: string; name: string; namespace?: string }>;
  file: string;
  line: number;
}

/** ClusterRoles every cluster has, and what makes each dangerous (`view` reads no Secrets, so it is left out). */
const BUILT_IN: Record<string, string> = {
  'cluster-admin': 'do anything (cluster-admin)',
  admin: 'read Secrets, start pods and grant roles (admin)',
  edit: 'read Secrets and start pods (edit)',
};

const WORKLOAD_RESOURCES = ['pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers'];
const RBAC_RESOURCES = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];
const WRITE = ['create', 'update', 'patch'];

/** The API group of each resource the checks name ('' is the core group). */
const GROUP_OF: Record<string, string> = {
  pods: '', replicationcontrollers: '', secrets: '', serviceaccounts: '', users: '', groups: '',
  'serviceaccounts/token': '', 'pods/exec': '', 'pods/attach': '', 'nodes/proxy': '',
  deployments: 'apps', daemonsets: 'apps', statefulsets: 'apps', replicasets: 'apps', jobs: 'batch', cronjobs: 'batch',
  ...Object.fromEntries(RBAC_RESOURCES.map((r) => [r, 'rbac.authorization.k8s.io'])),
};

/** What one rule lets its holder do that hands over what it applies to, or undefined. */
function dangerous(rule: RbacRule): string | undefined {
  const verbs = rule.verbs.map((v) => v.toLowerCase());
  const can = (...wanted: string[]) => verbs.includes('*') || wanted.some((v) => verbs.includes(v));
  // A rule grants its resources in its API groups only: `resources: ["*"]` in `apps` reads no Secret. A rule
  // that names no group is read as naming them all, so that a manifest's omission never hides a grant.
  const inGroup = (name: string) => rule.apiGroups.length === 0 || rule.apiGroups.includes('*') || rule.apiGroups.includes(GROUP_OF[name] ?? '');
  const on = (...names: string[]) => names.some((n) => (rule.resources.includes('*') || rule.resources.includes(n)) && inGroup(n));
  if (verbs.includes('*') && rule.resources.includes('*') && (rule.apiGroups.length === 0 || rule.apiGroups.includes('*'))) return 'do anything ("*" on "*")';
  if (can('escalate', 'bind') && on(...RBAC_RESOURCES)) return 'grant roles beyond its own (escalate, bind)';
  if (can('impersonate') && on('users', 'groups', 'serviceaccounts')) return 'impersonate other users and service accounts';
  // Naming the objects (resourceNames) scopes reads and writes to those objects.
  if (rule.resourceNames.length > 0) return undefined;
  if (can('get', 'list', 'watch') && on('secrets')) return 'read every Secret';
  if (can(...WRITE) && on(...WORKLOAD_RESOURCES)) return 'start pods, with any service account and its rights';
  if (can('create', 'get') && on('pods/exec', 'pods/attach')) return 'run commands in other pods (pods/exec)';
  if (can(...WRITE) && on(...RBAC_RESOURCES)) return 'grant itself roles';
  if (can('create') && on('serviceaccounts/token')) return 'issue tokens for other service accounts';
  if (can('get', 'create') && on('nodes/proxy')) return 'reach every kubelet (nodes/proxy)';
  return undefined;
}

/** A binding's subjects that are this service account: itself, or a group of service accounts that holds it. */
function names(binding: RbacBinding, namespace: string, account: string): boolean {
  return binding.subjects.some((s) => {
    if (s.kind === 'ServiceAccount') return s.name === account && (s.namespace ?? binding.namespace ?? 'default') === namespace;
    if (s.kind === 'Group') return s.name === 'system:serviceaccounts' || s.name === `system:serviceaccounts:${namespace}`;
    return false;
  });
}

/** A grant that hands over the cluster or a namespace: where it is written, what it allows, and how far it reaches. */
export interface RbacAccess {
  provenance: Provenance;
  /** What its holder may do ("read every Secret"). */
  allows: string;
  /** The grant in words, without file:line: a model's text should not go stale when a manifest gains a line. */
  description: string;
  /** The one namespace it reaches (a RoleBinding's); absent for a ClusterRoleBinding, which reaches them all. */
  namespace?: string;
}

/**
 * The first grant that lets a workload's service account take over the cluster or a namespace: where it is
 * written, what it allows and its reach. Bindings and roles are in manifest order, so the answer does not
 * depend on which file was read first; cluster-wide bindings come first, so that a namespaced grant never
 * stands for (and understates) a cluster-wide one the same account also holds.
 */
export function rbacAccess(namespace: string, account: string, roles: readonly RbacRole[], bindings: readonly RbacBinding[]): RbacAccess | undefined {
  const widestFirst = [...bindings.filter((b) => b.kind === 'ClusterRoleBinding'), ...bindings.filter((b) => b.kind !== 'ClusterRoleBinding')];
  for (const binding of widestFirst) {
    if (binding.kind === 'RoleBinding' && binding.namespace !== namespace) continue;
    if (!names(binding, namespace, account)) continue;
    const clusterWide = binding.kind === 'ClusterRoleBinding';
    const grant = (allows: string, role = '', roleAt = ''): RbacAccess => {
      const description = `service account ${account} may ${allows} ${clusterWide ? 'in every namespace' : `in namespace ${namespace}`} (${binding.kind} ${binding.name})${role}`;
      return {
        provenance: { file: binding.file, line: binding.line, note: `${description}${roleAt}` },
        description,
        allows,
        ...(clusterWide ? {} : { namespace }),
      };
    };
    const { kind, name } = binding.roleRef;
    const role = roles.find((r) => r.kind === kind && r.name === name && (kind === 'ClusterRole' || r.namespace === binding.namespace));
    if (role === undefined) {
      if (kind === 'ClusterRole' && BUILT_IN[name] !== undefined) return grant(BUILT_IN[name]);
      continue;
    }
    for (const rule of role.rules) {
      const allows = dangerous(rule);
      if (allows !== undefined) return grant(allows, `, ${role.kind} ${role.name}`, ` (${role.file}:${rule.line})`);
    }
  }
  return undefined;
}

/** Where the grant of rbacAccess is written, and what it allows where, in a note. */
export function rbacGrant(namespace: string, account: string, roles: readonly RbacRole[], bindings: readonly RbacBinding[]): Provenance | undefined {
  return rbacAccess(namespace, account, roles, bindings)?.provenance;
}
