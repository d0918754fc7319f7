// Session 17 (iac-s17): Terraform facts that discovery read and dropped now reach the model and its analysis
// (a senior review of TF Up & Running's file layout, findings 12 and 14). An instance security group open to
// the world behind a load balancer is load-balancer-bypass; IMDSv1 on an instance with a role is the `imdsv1`
// tag that cloud-metadata-exposure reads; an RDS database with backups off (or a destroy that keeps no copy)
// is the `backups-off` tag; force_destroy on a bucket is a check, louder for one holding Terraform state.
// Each fact is followed from the .tf file into the draft (its comment cites the file:line), then through the
// analysis of the drafted model; each has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { loadBalancerBypass } from '../../src/analysis/rules/network.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import type { Threat } from '../../src/analysis/types.js';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

const OURS: readonly Rule[] = [loadBalancerBypass];
const RULES: readonly Rule[] = [...BUILTIN_RULES.filter((r) => !OURS.some((o) => o.id === r.id)), ...OURS];

interface Discovered {
  draft: Draft;
  yaml: string;
  checks: string[];
}

function discover(text: string): Discovered {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  const draft = mergeDrafts([r.draft]);
  return { draft, yaml: draftToYaml(draft, { output: 'model.yaml' }), checks: r.checks.filter((c) => !c.message.includes(': AWS places it ')).map((c) => `${c.file}:${c.line} ${c.message}`) };
}

/** The drafted model's threats, as analyze gives them. */
function threatsOf(d: Discovered): Threat[] {
  const loaded = loadModel(d.yaml, 'model.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return analyze(loaded.model, { source: loaded.source, rules: RULES }).threats;
}

/** The YAML lines of the element whose id starts the line, with the comment lines just above it. */
function elementLines(yaml: string, id: string): string[] {
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`  ${id}: `));
  assert.ok(at >= 0, `no element ${id} in\n${yaml}`);
  let start = at;
  while (start > 0 && lines[start - 1].startsWith('  #')) start--;
  return lines.slice(start, at + 1).map((l) => l.trim());
}

const PROVIDER = 'provider "aws" { region = "us-east-2" }\ndata "aws_vpc" "default" { default = true }\n';

describe('the instance security group open to the world behind a load balancer', () => {
  const cluster = (cidr: string) => `${PROVIDER}
resource "aws_launch_configuration" "web" {
  image_id        = "ami-1"
  instance_type   = "t3.micro"
  security_groups = [aws_security_group.instance.id]
  metadata_options {
    http_tokens = "required"
  }
}
resource "aws_autoscaling_group" "web" {
  launch_configuration = aws_launch_configuration.web.name
  target_group_arns    = [aws_lb_target_group.web.arn]
  min_size             = 2
  max_size             = 4
}
resource "aws_security_group" "instance" {
  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    ${cidr}
  }
}
resource "aws_security_group" "alb" {
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_lb" "web" {
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_lb_target_group" "web" {
  port     = 8080
  protocol = "HTTP"
}
`;

  it('draws the direct flow with the security group line, and load-balancer-bypass reports the group on it', () => {
    const d = discover(cluster('cidr_blocks = ["0.0.0.0/0"]'));
    assert.ok(d.yaml.includes('  # main.tf:19 aws_security_group.instance allows 0.0.0.0/0 on port 8080\n  - clients -> web-asg: { protocol: http, port: 8080 }'), d.yaml);
    const found = threatsOf(d).filter((t) => t.ruleId === 'load-balancer-bypass');
    assert.deepEqual(found.map((t) => [t.key, t.risk, t.title]), [['load-balancer-bypass@web-asg', 'Medium', 'Callers reach aws_autoscaling_group.web around aws_lb.web']]);
    assert.equal(found[0].evidence[0].fact, 'Outside clients -> aws_autoscaling_group.web comes straight from an untrusted zone on port 8080');
    assert.equal(d.yaml.split('\n')[found[0].evidence[0].line - 2], '  # main.tf:19 aws_security_group.instance allows 0.0.0.0/0 on port 8080');
  });

  it('reports nothing when the instances admit the load balancer\'s group only', () => {
    const d = discover(cluster('security_groups = [aws_security_group.alb.id]'));
    assert.ok(!d.yaml.includes('clients -> web-asg'), d.yaml);
    assert.deepEqual(threatsOf(d).filter((t) => t.ruleId === 'load-balancer-bypass'), []);
  });
});

describe('IMDSv1 on an EC2 instance', () => {
  const instance = (extra: string) => `${PROVIDER}
resource "aws_instance" "app" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
${extra}}
resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
  const ROLE = '  iam_instance_profile = "app"\n';

  it('with a role: a check, the `imdsv1` tag citing the instance, and cloud-metadata-exposure with no fetch endpoint drawn', () => {
    const d = discover(instance(ROLE));
    assert.deepEqual(d.checks.filter((c) => c.includes('IMDSv1')), [
      'main.tf:4 aws_instance.app answers metadata requests without a session token (IMDSv1, no metadata_options { http_tokens = "required" }): an SSRF in the application reads the instance role\'s temporary credentials; set metadata_options { http_tokens = "required" }',
    ]);
    assert.deepEqual(elementLines(d.yaml, 'app').slice(-2), [
      '# imdsv1: main.tf:4 aws_instance.app: no metadata_options { http_tokens = "required" }, with iam_instance_profile',
      'app: { name: aws_instance.app, type: service, in: default-vpc, tags: [ imdsv1:main.tf:4 ] }',
    ]);
    const [t, ...more] = threatsOf(d).filter((x) => x.ruleId === 'cloud-metadata-exposure');
    assert.equal(more.length, 0);
    assert.equal(t.key, 'cloud-metadata-exposure@app');
    assert.equal(t.title, 'Cloud credentials of aws_instance.app readable through IMDSv1');
    assert.equal(t.risk, 'Medium');
    assert.equal(t.evidence[0].fact, 'aws_instance.app\'s metadata service answers without a session token (IMDSv1), as main.tf:4 says');
    assert.match(t.mitigation, /http_tokens = "required"/);
  });

  it('without a role: the check says there is no role, and no tag or threat', () => {
    const d = discover(instance(''));
    assert.match(d.checks.find((c) => c.includes('IMDSv1')) ?? '', /no iam_instance_profile, so no role credentials yet/);
    assert.ok(!d.yaml.includes('imdsv1'), d.yaml);
    assert.deepEqual(threatsOf(d).filter((t) => t.ruleId === 'cloud-metadata-exposure'), []);
  });

  it('with http_tokens = "required": metadata-protection, no check and no threat', () => {
    const d = discover(instance(`${ROLE}  metadata_options {\n    http_tokens = "required"\n  }\n`));
    assert.deepEqual(d.checks.filter((c) => c.includes('IMDSv1')), []);
    assert.ok(elementLines(d.yaml, 'app').includes('# metadata-protection: main.tf:10 metadata_options http_tokens = "required" (IMDSv2)'), d.yaml);
    assert.deepEqual(threatsOf(d).filter((t) => t.ruleId === 'cloud-metadata-exposure'), []);
  });

  it('with http_tokens from a variable the files do not give: nothing said', () => {
    const d = discover(`variable "tokens" {}\n${instance(`${ROLE}  metadata_options {\n    http_tokens = var.tokens\n  }\n`)}`);
    assert.deepEqual(d.checks.filter((c) => c.includes('IMDSv1')), []);
    assert.ok(!d.yaml.includes('imdsv1') && !d.yaml.includes('metadata-protection'), d.yaml);
  });
});

describe('an RDS database with backups off', () => {
  const db = (settings: string) => `${PROVIDER}
resource "aws_db_instance" "main" {
  engine            = "mysql"
  instance_class    = "db.t3.micro"
  allocated_storage = 10
${settings}}
`;

  it('skip_final_snapshot with the retention left at its default: a check and the `backups-off` tag citing the line', () => {
    const d = discover(db('  skip_final_snapshot = true\n'));
    assert.deepEqual(d.checks, [
      'main.tf:8 aws_db_instance.main: skip_final_snapshot = true, backup_retention_period not set (one day): a destroy or replacement keeps no copy; set backup_retention_period (7 or more), skip_final_snapshot = false with a final_snapshot_identifier, and deletion_protection = true',
    ]);
    assert.deepEqual(elementLines(d.yaml, 'main-db').slice(-2), [
      '# backups-off: main.tf:8 skip_final_snapshot = true, backup_retention_period not set (one day): a destroy or replacement keeps no copy',
      'main-db: { name: aws_db_instance.main, tech: mysql, in: default-vpc, tags: [ backups-off:main.tf:8 ] }',
    ]);
    assert.equal(d.draft.elements.find((e) => e.id === 'main-db')?.controls, undefined);
  });

  it('backup_retention_period = 0: backups off, whatever the final snapshot', () => {
    const d = discover(db('  backup_retention_period = 0\n  skip_final_snapshot = false\n'));
    assert.match(d.yaml, /tags: \[ backups-off:main\.tf:8 \]/);
    assert.match(d.checks[0], /^main\.tf:8 aws_db_instance\.main: backup_retention_period = 0: no automated backups;/);
  });

  it('a retention period set: the `backups` control, no tag and no check', () => {
    const d = discover(db('  backup_retention_period = 7\n  skip_final_snapshot = true\n'));
    assert.deepEqual(d.checks, []);
    assert.ok(!d.yaml.includes('backups-off'), d.yaml);
    assert.deepEqual(d.draft.elements.find((e) => e.id === 'main-db')?.controls?.map((c) => c.control), ['backups']);
  });

  it('the final snapshot kept: no tag', () => {
    const d = discover(db('  skip_final_snapshot = false\n  final_snapshot_identifier = "main-final"\n'));
    assert.ok(!d.yaml.includes('backups-off'), d.yaml);
  });
});

describe('force_destroy on a bucket', () => {
  const bucket = (name: string, force: string, lock = '') => `${PROVIDER}
resource "aws_s3_bucket" "${name}" {
  bucket        = "acme-${name}"
  force_destroy = ${force}
}
${lock}`;
  const LOCKS = 'resource "aws_dynamodb_table" "locks" {\n  name     = "locks"\n  hash_key = "LockID"\n}\n';

  it('holding Terraform state (a lock table beside it): a check that says so', () => {
    assert.deepEqual(discover(bucket('artifacts', 'true', LOCKS)).checks, [
      'main.tf:6 aws_s3_bucket.artifacts sets force_destroy = true: it holds Terraform state (aws_dynamodb_table.locks beside it locks state), and terraform destroy, or a change that replaces it, deletes every object and every version with it; remove it and add lifecycle { prevent_destroy = true }',
    ]);
  });

  it('named for Terraform state: a check that says so', () => {
    assert.match(discover(bucket('terraform_state', 'true')).checks[0], /it holds Terraform state \(its name, terraform_state, says so\)/);
  });

  it('any other bucket: a plainer check; none without force_destroy', () => {
    assert.deepEqual(discover(bucket('uploads', 'true')).checks, [
      'main.tf:6 aws_s3_bucket.uploads sets force_destroy = true: terraform destroy, or a change that replaces it, deletes every object and every version with it; remove it unless the bucket is scratch space',
    ]);
    assert.deepEqual(discover(bucket('uploads', 'false', LOCKS)).checks, []);
  });
});

describe('IMDSv1: what the files do not settle', () => {
  it('an instance launched from a template it does not override: nothing said, the template decides', () => {
    const d = discover(`${PROVIDER}
resource "aws_instance" "app" {
  iam_instance_profile = "app"
  launch_template {
    id = "lt-0123"
  }
}
`);
    assert.deepEqual(d.checks.filter((c) => c.includes('IMDSv1')), []);
    assert.ok(!d.yaml.includes('imdsv1'), d.yaml);
  });

  it('a launch template without metadata_options that a group launches: the check cites the template', () => {
    const d = discover(`${PROVIDER}
resource "aws_launch_template" "web" {
  image_id = "ami-1"
  iam_instance_profile {
    name = "web"
  }
}
resource "aws_autoscaling_group" "web" {
  min_size = 1
  max_size = 2
  launch_template {
    id = aws_launch_template.web.id
  }
}
`);
    assert.deepEqual(d.checks.filter((c) => c.includes('IMDSv1')).map((c) => c.split(' answers')[0]), ['main.tf:4 aws_launch_template.web']);
    assert.match(d.yaml, /tags: \[ imdsv1:main\.tf:4 \]/);
  });
});
