// Cloud roles in Terraform: which workloads run as an identity that can change the account, project or
// subscription itself (AWS IAM: grant itself more, create users and keys, pass roles to new compute; Google
// IAM: owner, editor or IAM admin roles, the default compute service account with the cloud-platform scope;
// Azure RBAC: Owner, Contributor, User Access Administrator). Such a workload reaches the management plane
// whatever else it does, so the draft draws that reach as a flow to the provider's management API, where the
// rule about excessive cloud permissions can see it. Scoped identities draw nothing.
import type { HclExpression } from '../hcl.js';
import { addElement, addEvidence, type Provenance } from '../draft.js';
import { accountBoundary } from './aws.js';
import { azureGroup } from './azure.js';
import { googleProject } from './google.js';
import { attribute, attributeLine, blocksOf } from './hcl-body.js';
import { policyStatements, type Statement, strings } from './policy.js';
import type { Resource, TerraformReader } from './reader.js';

/** The made-up element for the account's management plane (a key no id can be). */
export const AWS_MANAGEMENT_API = '(aws management api)';

/** AWS managed policies that hand over the account, or enough of it to take the rest. */
const ADMIN_POLICIES = new Set(['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess', 'AmazonEC2FullAccess']);

/**
 * Actions that change who may do what, or run new compute with any role: the usual privilege escalation paths.
 * Passing or assuming roles counts only on every resource (`*`): one named role is a scoped grant.
 */
const ESCALATING_ACTIONS = [
  'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:AttachUserPolicy',
  'iam:PutUserPolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy', 'iam:AddUserToGroup', 'iam:AttachGroupPolicy', 'iam:PutGroupPolicy', 'ec2:RunInstances',
  'ec2:AuthorizeSecurityGroupIngress', 'cloudformation:CreateStack', 'cloudformation:UpdateStack', 'lambda:CreateFunction',
  'lambda:UpdateFunctionCode', 'organizations:LeaveOrganization',
];
const ON_EVERY_RESOURCE = ['iam:PassRole', 'sts:AssumeRole'];

/** A whole service's actions: `s3:*`. */
const SERVICE_WIDE = /^[a-z0-9-]+:\*$/i;

/** `iam:Put*` -> a test of action names (IAM patterns: `*` and `?`, case-insensitive). */
function actionPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

/** The first action a statement grants that hands over the account, or undefined. */
function escalation(st: Statement): string | undefined {
  if (!st.allow) return undefined;
  const everywhere = st.resources.length === 0 || st.resources.includes('*');
  if (st.notActions) return everywhere ? `every action but ${st.actions.join(', ')} (NotAction)` : undefined;
  for (const action of st.actions) {
    const test = actionPattern(action);
    if (action === '*' || action === '*:*') return `"${action}"`;
    if (ESCALATING_ACTIONS.some((a) => test.test(a))) return `"${action}"`;
    if (everywhere && ON_EVERY_RESOURCE.some((a) => test.test(a))) return `"${action}" on "*"`;
    // Every action of a service on every resource (`s3:*` on `*`): all of that service's data and settings in the account.
    if (everywhere && SERVICE_WIDE.test(action)) return `"${action}" on "*"`;
  }
  return undefined;
}

/** The roles a workload runs as: its instance profile's (instances, launch templates and configurations), a function's, a task's. */
function rolesOf(tf: TerraformReader, r: Resource, parts: readonly Resource[]): Resource[] {
  const roles: Resource[] = [];
  for (const res of [r, ...parts]) {
    for (const profile of tf.targetsOf(res, 'iam_instance_profile').filter((p) => p.type === 'aws_iam_instance_profile')) {
      roles.push(...tf.targetsOf(profile, 'role'));
    }
    for (const name of ['role', 'task_role_arn']) roles.push(...tf.targetsOf(res, name));
  }
  return [...new Set(roles.filter((role) => role.type === 'aws_iam_role'))];
}

/** How policies reach a principal: its inline policies' resource type, and the attachments that name it. */
interface PolicyLinks { inline: readonly [string, string]; attachments: ReadonlyArray<readonly [string, string]> }

const ROLE_LINKS: PolicyLinks = { inline: ['aws_iam_role_policy', 'role'], attachments: [['aws_iam_role_policy_attachment', 'role'], ['aws_iam_policy_attachment', 'roles']] };
const USER_LINKS: PolicyLinks = { inline: ['aws_iam_user_policy', 'user'], attachments: [['aws_iam_user_policy_attachment', 'user'], ['aws_iam_policy_attachment', 'users']] };

/** The first grant of a role (or, with USER_LINKS, a user) that hands over the account: where it is written, and what it allows. */
function roleGrant(tf: TerraformReader, role: Resource, links: PolicyLinks = ROLE_LINKS): Provenance | undefined {
  const cite = (res: Resource, line: number, what: string): Provenance => ({ file: res.file, line, note: `${role.address} may ${what} (${res.address})` });
  const managed = (res: Resource, expr: HclExpression | undefined): Provenance | undefined => {
    const name = strings(tf.value(res.config, expr)).map((arn) => /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1]).find((n) => n !== undefined && ADMIN_POLICIES.has(n));
    return name === undefined || expr === undefined ? undefined : cite(res, expr.pos.line, `everything ${name} allows`);
  };
  const fromPolicy = (res: Resource, expr: HclExpression | undefined): Provenance | undefined => {
    if (expr === undefined) return undefined;
    for (const st of policyStatements(tf, res, expr)) {
      const what = escalation(st);
      if (what !== undefined) return cite(res, st.line, what);
    }
    return undefined;
  };
  const attached = (res: Resource): Provenance | undefined => {
    const arn = attribute(res.body, 'policy_arn');
    return managed(res, arn) ?? tf.targetsOf(res, 'policy_arn').filter((p) => p.type === 'aws_iam_policy')
      .map((p) => fromPolicy(p, attribute(p.body, 'policy'))).find((g) => g !== undefined);
  };
  return managed(role, attribute(role.body, 'managed_policy_arns'))
    ?? blocksOf(role.body, 'inline_policy').map((b) => fromPolicy(role, attribute(b.body, 'policy'))).find((g) => g !== undefined)
    ?? tf.pointingAt(role, ...links.inline).map((p) => fromPolicy(p, attribute(p.body, 'policy'))).find((g) => g !== undefined)
    ?? links.attachments.flatMap(([type, attr]) => tf.pointingAt(role, type, attr))
      .map(attached).find((g) => g !== undefined);
}

/**
 * An IAM user with an access key and a grant that hands over the account: a long-lived credential that is
 * the account, held outside it. The model has no element for a credential, so it is a check, at the key.
 */
export function staticAdminKeys(tf: TerraformReader): void {
  for (const key of tf.ofType('aws_iam_access_key')) {
    for (const user of tf.targetsOf(key, 'user').filter((u) => u.type === 'aws_iam_user')) {
      const grant = roleGrant(tf, user, USER_LINKS);
      if (grant === undefined) continue;
      tf.checks.push({
        file: key.file, line: key.line,
        message: `${key.address} is a long-lived access key of ${user.address}, and ${grant.note ?? 'its policy hands over the account'} at ${grant.file}:${grant.line}: a static admin credential; use short-lived credentials (roles, SSO) or scope the user`,
      });
    }
  }
}

/** The made-up management plane of each provider: the element a workload with a broad identity reaches. */
export const MANAGEMENT_PLANES = {
  aws: { key: AWS_MANAGEMENT_API, id: 'aws-api', fallbackId: 'aws-management-api', name: 'AWS management API', tech: 'aws-console', what: 'IAM role can change the account (IAM, new compute, stacks)' },
  google: { key: '(gcp management api)', id: 'gcp-api', fallbackId: 'gcp-management-api', name: 'Google Cloud management API', tech: 'gcp-console', what: 'service account can change the project (owner, editor, IAM admin)' },
  azure: { key: '(azure resource manager)', id: 'azure-arm', fallbackId: 'azure-resource-manager', name: 'Azure Resource Manager', tech: 'azure-portal', what: 'managed identity can change the subscription or resource group (Owner, Contributor)' },
} as const;

/** How a workload got its broad identity: the grant, and where the workload says whom it runs as. */
interface Access {
  grant: Provenance;
  runsAs: Provenance;
}

/**
 * A workload whose identity can change the account, project or subscription calls the provider's management
 * API (a made-up element in the account, project or resource group), cited by the grant; its other flows
 * are unchanged. The identity's credentials sign every call: auth `iam`.
 */
export function managementAccess(tf: TerraformReader, r: Resource, parts: readonly Resource[]): void {
  const provider = r.type.startsWith('google_') ? 'google' : r.type.startsWith('azurerm_') ? 'azure' : 'aws';
  const access = provider === 'google' ? googleAccess(tf, r, parts) : provider === 'azure' ? azureAccess(tf, r) : awsAccess(tf, r, parts);
  if (access === undefined) return;
  const plane = MANAGEMENT_PLANES[provider];
  addElement(tf.draft, {
    key: plane.key, id: plane.id, fallbackId: plane.fallbackId, name: plane.name, madeUp: true, identity: { tech: plane.tech },
    boundary: provider === 'google' ? googleProject(tf, r) : provider === 'azure' ? azureGroup(tf, r) : accountBoundary(tf, r.config), aliases: [], provenance: [],
    comment: `Made up for the workloads whose ${plane.what}: what their credentials reach.`,
  });
  addEvidence(tf.draft, r.key, plane.key, [{ provenance: access.grant, protocol: 'cloud-api', auth: 'iam' }, { provenance: access.runsAs }]);
}

function awsAccess(tf: TerraformReader, r: Resource, parts: readonly Resource[]): Access | undefined {
  for (const role of rolesOf(tf, r, parts)) {
    const grant = roleGrant(tf, role);
    if (grant === undefined) continue;
    const line = attributeLine(r.body, 'iam_instance_profile') ?? attributeLine(r.body, 'role') ?? attributeLine(r.body, 'task_role_arn') ?? r.line;
    return { grant, runsAs: { file: r.file, line, note: `runs as ${role.address}` } };
  }
  return undefined;
}

/** Google roles that hand over the project: its owners and editors, and whoever administers IAM or acts as any service account. */
const GOOGLE_ADMIN_ROLES = new Set([
  'roles/owner', 'roles/editor', 'roles/iam.securityAdmin', 'roles/resourcemanager.projectIamAdmin', 'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountUser', 'roles/iam.serviceAccountTokenCreator', 'roles/iam.serviceAccountKeyAdmin', 'roles/compute.admin',
]);
const GOOGLE_GRANTS = [
  ['google_project_iam_member', 'member'], ['google_project_iam_binding', 'members'], ['google_folder_iam_member', 'member'],
  ['google_folder_iam_binding', 'members'], ['google_organization_iam_member', 'member'], ['google_organization_iam_binding', 'members'],
] as const;
const CLOUD_PLATFORM = /^(?:cloud-platform|https:\/\/www\.googleapis\.com\/auth\/cloud-platform)$/;

/**
 * A Google workload's service account (an instance's or its template's `service_account`, Cloud Run's, a
 * function's) with a role over the project, or the default compute service account (Editor unless the
 * organisation turned that grant off) with the cloud-platform scope.
 */
function googleAccess(tf: TerraformReader, r: Resource, parts: readonly Resource[]): Access | undefined {
  for (const res of [r, ...parts]) {
    for (const block of blocksOf(res.body, 'service_account')) {
      const scopes = strings(tf.value(res.config, attribute(block.body, 'scopes')));
      const email = attribute(block.body, 'email');
      const account = email && tf.targets(res.config, email).find((t) => t.resource.type === 'google_service_account')?.resource;
      const runsAs = { file: res.file, line: block.pos.line, note: `runs as ${account ? account.address : 'the default compute service account'}` };
      if (account) {
        const grant = googleGrant(tf, account);
        if (grant) return { grant, runsAs };
      } else if (scopes.some((scope) => CLOUD_PLATFORM.test(scope)) && (email === undefined || /-compute@developer\.gserviceaccount\.com$/.test(String(tf.value(res.config, email))))) {
        return { grant: { file: res.file, line: attributeLine(block.body, 'scopes') ?? block.pos.line, note: 'the default compute service account (Editor on the project by default) with the cloud-platform scope' }, runsAs };
      }
    }
    for (const name of ['service_account_name', 'service_account', 'service_account_email']) {
      for (const account of tf.targetsOf(res, name).filter((a) => a.type === 'google_service_account')) {
        const grant = googleGrant(tf, account);
        if (grant) return { grant, runsAs: { file: res.file, line: attributeLine(res.body, name) ?? res.line, note: `runs as ${account.address}` } };
      }
    }
  }
  return undefined;
}

function googleGrant(tf: TerraformReader, account: Resource): Provenance | undefined {
  for (const [type, attr] of GOOGLE_GRANTS) {
    for (const grant of tf.pointingAt(account, type, attr)) {
      const role = tf.value(grant.config, attribute(grant.body, 'role'));
      if (typeof role === 'string' && GOOGLE_ADMIN_ROLES.has(role)) {
        return { file: grant.file, line: attributeLine(grant.body, 'role') ?? grant.line, note: `${account.address} has ${role} (${grant.address})` };
      }
    }
  }
  return undefined;
}

/** Azure roles that hand over what they are assigned on. */
const AZURE_ADMIN_ROLES = new Set(['Owner', 'Contributor', 'User Access Administrator', 'Role Based Access Control Administrator']);

/** An Azure workload's managed identity (system-assigned, or a user-assigned one it names) with such a role. */
function azureAccess(tf: TerraformReader, r: Resource): Access | undefined {
  const identity = blocksOf(r.body, 'identity')[0];
  if (identity === undefined) return undefined;
  const principals = [r, ...tf.targetsOf(r, 'identity_ids').filter((i) => i.type === 'azurerm_user_assigned_identity')];
  for (const principal of principals) {
    for (const assignment of tf.pointingAt(principal, 'azurerm_role_assignment', 'principal_id')) {
      const role = tf.value(assignment.config, attribute(assignment.body, 'role_definition_name'));
      if (typeof role !== 'string' || !AZURE_ADMIN_ROLES.has(role)) continue;
      const scope = attribute(assignment.body, 'scope');
      const target = scope && tf.targets(assignment.config, scope)[0]?.resource;
      const where = target ? ` on ${target.address}` : typeof tf.value(assignment.config, scope) === 'string' ? ` on ${String(tf.value(assignment.config, scope))}` : '';
      return {
        grant: { file: assignment.file, line: attributeLine(assignment.body, 'role_definition_name') ?? assignment.line, note: `${principal === r ? `${r.address}'s identity` : principal.address} is ${role}${where} (${assignment.address})` },
        runsAs: { file: r.file, line: identity.pos.line, note: principal === r ? 'system-assigned identity' : `runs as ${principal.address}` },
      };
    }
  }
  return undefined;
}

/** IAM resources read for the identities of workloads: not listed as skipped. */
export const IAM_TYPES = [
  'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_policy', 'aws_iam_instance_profile',
  'google_service_account', ...GOOGLE_GRANTS.map(([type]) => type), 'azurerm_role_assignment', 'azurerm_user_assigned_identity',
];
