// AWS IAM in Terraform: a workload whose role can change the account (admin policies, IAM writes, passing any
// role) reaches the management API; a scoped role does not. Each way of attaching and writing a policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { AWS_MANAGEMENT_API } from '../../src/import/terraform/iam.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

function draftOf(text: string): Draft {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return mergeDrafts([r.draft]);
}

const PLANES = [AWS_MANAGEMENT_API, '(gcp management api)', '(azure resource manager)'];
const management = (draft: Draft) => draft.flows.filter((f) => PLANES.includes(f.to))
  .map((f) => [draft.elements.find((e) => e.key === f.from)?.name, f.protocol, f.evidence.map((e) => `${e.provenance.line} ${e.provenance.note}`)]);

const instanceWith = (policies: string) => `provider "aws" {
  region = "eu-west-1"
}
resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({ Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_instance_profile" "app" {
  role = aws_iam_role.app.name
}
resource "aws_instance" "app" {
  ami = "ami-1"
  iam_instance_profile = aws_iam_instance_profile.app.name
}
${policies}`;

describe('discover: Terraform IAM', () => {
  it('an instance whose role has AdministratorAccess attached calls the management API; the rule then fires', () => {
    const draft = draftOf(instanceWith('resource "aws_iam_role_policy_attachment" "admin" {\n  role = aws_iam_role.app.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n'));
    assert.deepEqual(management(draft), [['aws_instance.app', 'cloud-api', [
      '13 runs as aws_iam_role.app',
      '17 aws_iam_role.app may everything AdministratorAccess allows (aws_iam_role_policy_attachment.admin)',
    ]]]);
    const api = draft.elements.find((e) => e.key === AWS_MANAGEMENT_API);
    assert.deepEqual([api?.id, api?.identity, api?.boundary], ['aws-api', { tech: 'aws-console' }, 'aws:eu-west-1']);
    const loaded = loadModel(draftToYaml(draft), 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    // The grant is the finding; the call signed by the role is no unauthenticated service call nor a request-path dependency.
    assert.deepEqual(analyze(loaded.model).threats.map((t) => `${t.ruleId}@${t.component}`), ['excessive-cloud-permissions@app']);
  });

  it('inline and attached policies: jsonencode, a heredoc, a policy document, NotAction', () => {
    const inline = (policy: string) => management(draftOf(instanceWith(`resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.app.id\n  policy = ${policy}\n}\n`)));
    assert.match(String(inline('jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }] })')[0]?.[2]), /may "iam:\*" \(aws_iam_role_policy\.p\)/);
    assert.match(String(inline('<<EOF\n{"Statement": [{"Effect": "Allow", "Action": "iam:Put*", "Resource": "${aws_iam_role.app.arn}"}]}\nEOF')[0]?.[2]), /may "iam:Put\*"/);
    assert.match(String(inline('jsonencode({ Statement = [{ Effect = "Allow", NotAction = ["iam:*"], Resource = "*" }] })')[0]?.[2]), /may every action but iam:\* \(NotAction\)/);
    const document = `data "aws_iam_policy_document" "pass" {\n  statement {\n    actions = ["iam:PassRole"]\n    resources = ["*"]\n  }\n}\nresource "aws_iam_policy" "pass" {\n  policy = data.aws_iam_policy_document.pass.json\n}\nresource "aws_iam_role_policy_attachment" "pass" {\n  role = aws_iam_role.app.name\n  policy_arn = aws_iam_policy.pass.arn\n}\n`;
    assert.match(String(management(draftOf(instanceWith(document)))[0]?.[2]), /may "iam:PassRole" on "\*" \(aws_iam_policy\.pass\)/);
  });

  it('a function\'s role and a task\'s role; a managed policy list on the role', () => {
    const fn = draftOf(`resource "aws_iam_role" "fn" {\n  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]\n}\nresource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  role = aws_iam_role.fn.arn\n}\n`);
    assert.deepEqual(management(fn).map((m) => m[0]), ['aws_lambda_function.fn']);
    const task = draftOf(`resource "aws_iam_role" "task" {\n  inline_policy {\n    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n  }\n}\nresource "aws_ecs_task_definition" "t" {\n  family = "t"\n  task_role_arn = aws_iam_role.task.arn\n  container_definitions = "[]"\n}\nresource "aws_ecs_service" "svc" {\n  task_definition = aws_ecs_task_definition.t.arn\n}\n`);
    assert.deepEqual(management(task).map((m) => m[0]), ['aws_ecs_service.svc']);
  });

  it('scoped roles draw nothing: named resources, reads, one role passed, a Deny, an interpolated action', () => {
    for (const statement of [
      '{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "*" }',
      '{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.app.arn }',
      '{ Effect = "Deny", Action = "*", Resource = "*" }',
      '{ Effect = "Allow", Action = var.action, Resource = "*" }',
      '{ Effect = "Allow", Action = "iam:Get*", Resource = "*" }',
    ]) {
      const draft = draftOf(instanceWith(`resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.app.id\n  policy = jsonencode({ Statement = [${statement}] })\n}\n`));
      assert.deepEqual(management(draft), [], statement);
      assert.ok(!draft.elements.some((e) => e.key === AWS_MANAGEMENT_API), statement);
    }
    const readOnly = draftOf(instanceWith('resource "aws_iam_role_policy_attachment" "ro" {\n  role = aws_iam_role.app.name\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n'));
    assert.deepEqual(management(readOnly), []);
  });

  it('Google: a service account with a project role, and the default compute account with the cloud-platform scope', () => {
    const vm = (serviceAccount: string, extra = '') => draftOf(`provider "google" {\n  project = "shop"\n}\n${extra}resource "google_compute_instance" "vm" {\n  name = "vm"\n  machine_type = "e2-small"\n  network_interface {\n    network = "default"\n  }\n${serviceAccount}}\n`);
    const account = 'resource "google_service_account" "app" {\n  account_id = "app"\n}\nresource "google_project_iam_member" "app" {\n  project = "shop"\n  role = "ROLE"\n  member = "serviceAccount:${google_service_account.app.email}"\n}\n';
    const own = '  service_account {\n    email = google_service_account.app.email\n    scopes = ["cloud-platform"]\n  }\n';
    assert.deepEqual(management(vm(own, account.replace('ROLE', 'roles/editor'))), [['google_compute_instance.vm', 'cloud-api', [
      '9 google_service_account.app has roles/editor (google_project_iam_member.app)',
      '18 runs as google_service_account.app',
    ]]]);
    assert.deepEqual(management(vm(own, account.replace('ROLE', 'roles/storage.objectViewer'))), []);
    const defaultAccount = vm('  service_account {\n    scopes = ["https://www.googleapis.com/auth/cloud-platform"]\n  }\n');
    assert.match(String(management(defaultAccount)[0]?.[2]), /the default compute service account \(Editor on the project by default\) with the cloud-platform scope/);
    assert.equal(defaultAccount.elements.find((e) => e.id === 'gcp-api')?.boundary, 'gcp:shop');
    assert.deepEqual(management(vm('  service_account {\n    scopes = ["storage-ro"]\n  }\n')), []);
    const run = draftOf(`${account.replace('ROLE', 'roles/owner')}resource "google_cloud_run_v2_service" "api" {\n  name = "api"\n  location = "europe-west1"\n  template {\n    service_account = google_service_account.app.email\n    containers {\n      image = "gcr.io/shop/api"\n    }\n  }\n}\n`);
    assert.deepEqual(management(run).map((m) => m[0]), ['google_cloud_run_v2_service.api']);
  });

  it('Azure: a managed identity (system- or user-assigned) that is Owner or Contributor', () => {
    const app = (identity: string, role: string, principal: string) => draftOf(`resource "azurerm_resource_group" "rg" {\n  name = "shop"\n  location = "westeurope"\n}\nresource "azurerm_user_assigned_identity" "ops" {\n  name = "ops"\n  resource_group_name = azurerm_resource_group.rg.name\n}\nresource "azurerm_linux_web_app" "api" {\n  name = "api"\n  resource_group_name = azurerm_resource_group.rg.name\n${identity}}\nresource "azurerm_role_assignment" "api" {\n  scope = azurerm_resource_group.rg.id\n  role_definition_name = "${role}"\n  principal_id = ${principal}\n}\n`);
    const system = '  identity {\n    type = "SystemAssigned"\n  }\n';
    assert.deepEqual(management(app(system, 'Contributor', 'azurerm_linux_web_app.api.identity[0].principal_id')), [['azurerm_linux_web_app.api', 'cloud-api', [
      '12 system-assigned identity',
      '18 azurerm_linux_web_app.api\'s identity is Contributor on azurerm_resource_group.rg (azurerm_role_assignment.api)',
    ]]]);
    const user = '  identity {\n    type = "UserAssigned"\n    identity_ids = [azurerm_user_assigned_identity.ops.id]\n  }\n';
    assert.match(String(management(app(user, 'Owner', 'azurerm_user_assigned_identity.ops.principal_id'))[0]?.[2]), /runs as azurerm_user_assigned_identity\.ops/);
    assert.deepEqual(management(app(system, 'Reader', 'azurerm_linux_web_app.api.identity[0].principal_id')), []);
    assert.deepEqual(management(app('', 'Owner', 'azurerm_linux_web_app.api.identity[0].principal_id')), [], 'no identity: nothing signs in as the app');
  });

  it('IAM resources are read, not listed as skipped', () => {
    const r = discoverTerraform([{ file: 'main.tf', text: instanceWith('') }]);
    assert.ok(!r.skippedTypes.some((t) => t.startsWith('aws_iam_')), r.skippedTypes.join(', '));
  });
});
