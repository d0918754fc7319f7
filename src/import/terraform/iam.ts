// AWS IAM in Terraform: which workloads run as a role that can change the account itself (grant itself more,
// create users and keys, pass roles to new compute, launch instances, rewrite stacks). Such a workload reaches
// the management plane whatever else it does, so the draft draws that reach as a flow to the account's
// management API, where the rule about excessive cloud permissions can see it. Scoped roles draw nothing.
import type { HclExpression } from '../hcl.js';
import { addElement, addEvidence, type Provenance } from '../draft.js';
import { accountBoundary } from './aws.js';
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

/** The first grant of a role that hands over the account: where it is written, and what it allows. */
function roleGrant(tf: TerraformReader, role: Resource): Provenance | undefined {
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
    ?? tf.pointingAt(role, 'aws_iam_role_policy', 'role').map((p) => fromPolicy(p, attribute(p.body, 'policy'))).find((g) => g !== undefined)
    ?? [...tf.pointingAt(role, 'aws_iam_role_policy_attachment', 'role'), ...tf.pointingAt(role, 'aws_iam_policy_attachment', 'roles')]
      .map(attached).find((g) => g !== undefined);
}

/**
 * A workload whose role can change the account calls the account's management API (a made-up element in the
 * account boundary), cited by the grant; its other flows are unchanged.
 */
export function managementAccess(tf: TerraformReader, r: Resource, parts: readonly Resource[]): void {
  for (const role of rolesOf(tf, r, parts)) {
    const grant = roleGrant(tf, role);
    if (grant === undefined) continue;
    addElement(tf.draft, {
      key: AWS_MANAGEMENT_API, id: 'aws-api', fallbackId: 'aws-management-api', name: 'AWS management API', madeUp: true,
      identity: { tech: 'aws-console' }, boundary: accountBoundary(tf, r.config), aliases: [], provenance: [],
      comment: 'Made up for the workloads whose IAM role can change the account (IAM, new compute, stacks): what their credentials reach.',
    });
    const line = attributeLine(r.body, 'iam_instance_profile') ?? attributeLine(r.body, 'role') ?? attributeLine(r.body, 'task_role_arn') ?? r.line;
    // The role's credentials sign every call (SigV4): the workload's cloud identity.
    addEvidence(tf.draft, r.key, AWS_MANAGEMENT_API, [{ provenance: grant, protocol: 'cloud-api', auth: 'iam' }, { provenance: { file: r.file, line, note: `runs as ${role.address}` } }]);
    return;
  }
}

/** IAM resources read for the roles of workloads: not listed as skipped. */
export const IAM_TYPES = ['aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_policy', 'aws_iam_instance_profile'];
