// Terraform facts a reviewer must see: a public database that its security groups open only to listed
// ranges (an ip-allowlist, not the internet), a service's every action on every resource, a long-lived access
// key of an admin user, and secrets written as literals (checks with file:line, never the value).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { type Draft, draftToYaml, mergeDrafts, OUTSIDE_CLIENTS } from '../../src/import/draft.js';
import { discoverTerraform, type TerraformResult } from '../../src/import/terraform.js';
import { AWS_MANAGEMENT_API } from '../../src/import/terraform/iam.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

function read(text: string): TerraformResult {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}
/** Leaves out the default-VPC placement check, which a database without a subnet group always gets (tested in terraform-s18). */
const placed = <C extends { message: string }>(checks: readonly C[]): C[] => checks.filter((c) => !c.message.includes(': AWS places it '));
const draftOf = (text: string): Draft => mergeDrafts([read(text).draft]);
const ruleIds = (draft: Draft): string[] => {
  const loaded = loadModel(draftToYaml(draft), 'model.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return analyze(loaded.model).threats.map((t) => `${t.ruleId}@${t.component}`);
};

const publicDb = (rule: string) => `provider "aws" { region = "us-east-1" }
resource "aws_security_group" "db" {
  name = "db"
}
${rule}
resource "aws_db_instance" "db" {
  engine                 = "postgres"
  publicly_accessible    = true
  vpc_security_group_ids = [aws_security_group.db.id]
}
`;
const sgRule = (cidrs: string) => `resource "aws_security_group_rule" "db_in" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ${cidrs}
}`;

describe('discoverTerraform: a public database behind its security groups', () => {
  it('groups open to listed ranges only: outside callers on that port, an ip-allowlist citing the rule, no exposed-data-store', () => {
    const draft = draftOf(publicDb(sgRule('["203.0.113.0/24"]')));
    const flows = draft.flows.filter((f) => f.from === OUTSIDE_CLIENTS);
    assert.deepEqual(flows.map((f) => [f.port, f.evidence[0].provenance.line, f.evidence[0].provenance.note]),
      [[5432, 5, 'aws_security_group.db allows 203.0.113.0/24 on port 5432 (publicly_accessible = true)']]);
    const db = draft.elements.find((e) => e.name === 'aws_db_instance.db');
    assert.deepEqual(db?.controls?.map((c) => [c.control, c.provenance.line]), [['ip-allowlist', 5]]);
    assert.ok(!ruleIds(draft).some((r) => r.startsWith('exposed-data-store')), ruleIds(draft).join(', '));
  });

  it('groups open to nobody outside: no outside callers at all', () => {
    const draft = draftOf(publicDb(''));
    assert.deepEqual(draft.flows.filter((f) => f.from === OUTSIDE_CLIENTS), []);
  });

  it('ranges the files do not state, or no security groups, leave the public address as the call from outside', () => {
    const unknown = draftOf(`variable "office" {}\n${publicDb(sgRule('[var.office]'))}`);
    assert.deepEqual(unknown.flows.filter((f) => f.from === OUTSIDE_CLIENTS).map((f) => f.evidence[0].provenance.note), ['publicly_accessible = true']);
    const bare = draftOf('resource "aws_db_instance" "db" {\n  engine = "postgres"\n  publicly_accessible = true\n}\n');
    assert.deepEqual(bare.flows.filter((f) => f.from === OUTSIDE_CLIENTS).map((f) => f.evidence[0].provenance.note), ['publicly_accessible = true']);
    assert.ok(ruleIds(bare).some((r) => r.startsWith('exposed-data-store')));
  });

  it('a group open to the world is still the world, whatever other rules say', () => {
    const draft = draftOf(publicDb(sgRule('["0.0.0.0/0"]')));
    assert.deepEqual(draft.flows.filter((f) => f.from === OUTSIDE_CLIENTS).map((f) => f.evidence[0].provenance.note), ['aws_security_group.db allows 0.0.0.0/0 on port 5432']);
    assert.equal(draft.elements.find((e) => e.name === 'aws_db_instance.db')?.controls, undefined);
  });
});

const instanceWith = (policy: string) => `provider "aws" { region = "eu-west-1" }
resource "aws_iam_role" "app" {
  name = "app"
}
resource "aws_iam_instance_profile" "app" {
  role = aws_iam_role.app.name
}
resource "aws_instance" "app" {
  ami = "ami-1"
  iam_instance_profile = aws_iam_instance_profile.app.name
}
resource "aws_iam_role_policy" "app" {
  role = aws_iam_role.app.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ${policy} }] })
}
`;

describe('discoverTerraform: IAM wildcards and static keys', () => {
  it('a service\'s every action on every resource (s3:* on *) reaches the management API, cited by the statement', () => {
    const draft = draftOf(instanceWith('"s3:*", Resource = "*"'));
    const calls = draft.flows.filter((f) => f.to === AWS_MANAGEMENT_API);
    assert.deepEqual(calls.map((f) => f.evidence.map((e) => e.provenance.note)), [['runs as aws_iam_role.app', 'aws_iam_role.app may "s3:*" on "*" (aws_iam_role_policy.app)']]);
    assert.ok(ruleIds(draft).includes('excessive-cloud-permissions@app'));
  });

  it('the same wildcard on one bucket, or one action on every resource, is scoped: nothing', () => {
    assert.deepEqual(draftOf(instanceWith('"s3:*", Resource = "arn:aws:s3:::uploads/*"')).flows.filter((f) => f.to === AWS_MANAGEMENT_API), []);
    assert.deepEqual(draftOf(instanceWith('"s3:GetObject", Resource = "*"')).flows.filter((f) => f.to === AWS_MANAGEMENT_API), []);
  });

  const user = (action: string, key = true) => `resource "aws_iam_policy" "deployer" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "${action}", Resource = "*" }] })
}
resource "aws_iam_user" "ci" {
  name = "ci"
}
resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name
  policy_arn = aws_iam_policy.deployer.arn
}
${key ? 'resource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n' : ''}`;

  it('an admin IAM user with an access key is a check at the key, citing the grant', () => {
    const r = read(user('*'));
    assert.deepEqual(r.checks.map((c) => [c.file, c.line]), [['main.tf', 11]]);
    assert.match(r.checks[0].message, /aws_iam_access_key\.ci is a long-lived access key of aws_iam_user\.ci, and aws_iam_user\.ci may "\*" \(aws_iam_policy\.deployer\) at main\.tf:2/);
    assert.match(draftToYaml(r.draft), /# Check: main\.tf:11 aws_iam_access_key\.ci/);
  });

  it('a user without a key, or a key of a scoped user, is no check', () => {
    assert.deepEqual(read(user('*', false)).checks, []);
    assert.deepEqual(read(user('s3:GetObject')).checks, []);
  });
});

describe('discoverTerraform: hard-coded secrets', () => {
  it('a literal password and a literal token in a function\'s environment are checks with file:line, never the value', () => {
    const r = read(`resource "aws_db_instance" "db" {
  engine   = "postgres"
  password = "p4ssw0rd-in-code"
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  environment {
    variables = {
      BUCKET    = "uploads"
      API_TOKEN = "sk_live_abc123"
    }
  }
}
`);
    assert.deepEqual(placed(r.checks).map((c) => [c.line, c.message.split(':')[0]]), [
      [3, 'aws_db_instance.db sets password to a literal'],
      [10, 'aws_lambda_function.fn sets environment.variables API_TOKEN to a literal'],
    ]);
    const text = draftToYaml(r.draft) + JSON.stringify(r.checks);
    assert.doesNotMatch(text, /p4ssw0rd|sk_live/);
  });

  it('secrets from variables, references, switches and names of secrets are no check', () => {
    const r = read(`variable "db_password" { sensitive = true }
resource "aws_db_instance" "db" {
  engine                      = "postgres"
  password                    = var.db_password
  manage_master_user_password = true
  kms_key_id                  = "arn:aws:kms:eu-west-1:1:key/abc"
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  environment {
    variables = {
      API_TOKEN  = aws_ssm_parameter.token.value
      SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:1:secret:x"
    }
  }
}
`);
    assert.deepEqual(placed(r.checks), []);
  });
});
