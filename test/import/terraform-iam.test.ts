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

const management = (draft: Draft) => draft.flows.filter((f) => f.to === AWS_MANAGEMENT_API)
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

  it('IAM resources are read, not listed as skipped', () => {
    const r = discoverTerraform([{ file: 'main.tf', text: instanceWith('') }]);
    assert.ok(!r.skippedTypes.some((t) => t.startsWith('aws_iam_')), r.skippedTypes.join(', '));
  });
});
