// What a Terraform reviewer finds that discovery used to miss (review s17, finding 14): literal secrets reach
// the element as its `hard-coded-secret` tag (so secrets-in-config rates Likelihood High and cites the .tf
// line), a database password lands in the Terraform state (a check, and the state bucket's restricted asset),
// and a database left where AWS puts it (default VPC, default security group) is a check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform, type TerraformFile, type TerraformResult } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';

function read(files: readonly TerraformFile[]): TerraformResult {
  const r = discoverTerraform(files);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}
const one = (text: string) => read([{ file: 'main.tf', text }]);

function modelOf(draft: Draft): Model {
  const loaded = loadModel(draftToYaml(mergeDrafts([draft])), 'model.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return loaded.model;
}

const tagsOf = (r: TerraformResult, address: string): string[] => modelOf(r.draft).elements.find((e) => e.name === address)?.tags ?? [];
const checksAbout = (r: TerraformResult, words: RegExp): string[] => r.checks.filter((c) => words.test(c.message)).map((c) => `${c.file}:${c.line} ${c.message}`);

/** A database the web instances log into, placed in subnets and behind a group of its own, with `password` as given. */
const database = (password: string, extra = '') => `provider "aws" { region = "eu-west-1" }
resource "aws_db_instance" "db" {
  engine                 = "postgres"
  db_subnet_group_name   = "private"
  vpc_security_group_ids = ["sg-1"]
  password               = ${password}${extra}
}
resource "aws_instance" "web" {
  ami       = "ami-1"
  subnet_id = "subnet-1"
  user_data = "DB_HOST=\${aws_db_instance.db.address}"
}
`;

describe('terraform literal secrets are tagged on their element (review s17, finding 3)', () => {
  it('a literal password tags the database with its line; secrets-in-config rates Likelihood High and cites it', () => {
    const r = one(database('"Xk29fjq!vbz0Lm"'));
    assert.deepEqual(tagsOf(r, 'aws_db_instance.db'), ['hard-coded-secret:main.tf:6']);
    const threat = analyze(modelOf(r.draft)).threats.find((t) => t.ruleId === 'secrets-in-config');
    assert.equal(threat?.likelihood.level, 'High');
    assert.match(threat!.likelihood.reason, /main\.tf:6/);
    assert.doesNotMatch(draftToYaml(r.draft), /Xk29fjq/);
  });

  it('a password from a variable without a default tags nothing, and secrets-in-config stays Low', () => {
    const r = one(`variable "db_password" {
  sensitive = true
}
${database('var.db_password')}`);
    assert.deepEqual(tagsOf(r, 'aws_db_instance.db'), []);
    assert.equal(analyze(modelOf(r.draft)).threats.find((t) => t.ruleId === 'secrets-in-config')?.likelihood.level, 'Low');
  });

  it('a literal default of a variable named or marked as a secret: a check at the default, the database tagged there', () => {
    const r = one(`variable "db_pass" {
  sensitive = true
  default   = "Xk29fjq!vbz0Lm"
}
variable "db_username" {
  sensitive = true
  default   = "admin"
}
${database('var.db_pass', '\n  username               = var.db_username')}`);
    assert.deepEqual(tagsOf(r, 'aws_db_instance.db'), ['hard-coded-secret:main.tf:3']);
    assert.deepEqual(checksAbout(r, /literal/), [
      'main.tf:3 variable "db_pass" defaults to a literal of 14 characters: a secret written in the configuration (and in the state of every resource given it); remove the default and pass it at apply time from a secret store (TF_VAR_db_pass)',
    ]);
  });

  it('a literal a module call passes tags the module\'s database at the call, with one check there', () => {
    const r = read([
      { file: 'main.tf', text: 'module "db" {\n  source = "./modules/db"\n  master = "Xk29fjq!vbz0Lm"\n}\n' },
      { file: 'modules/db/main.tf', text: `variable "master" {}\n${database('var.master')}` },
    ]);
    assert.deepEqual(tagsOf(r, 'aws_db_instance.db'), ['hard-coded-secret:main.tf:3']);
    assert.deepEqual(checksAbout(r, /literal/), [
      'main.tf:3 a module call sets input master to a literal of 14 characters: a secret written in the configuration (and in the state); pass it from a secret store or a sensitive variable',
    ]);
    const passedOn = read([
      { file: 'main.tf', text: 'variable "master" {}\nmodule "db" {\n  source = "./modules/db"\n  master = var.master\n}\n' },
      { file: 'modules/db/main.tf', text: `variable "master" {}\n${database('var.master')}` },
    ]);
    assert.deepEqual(tagsOf(passedOn, 'aws_db_instance.db'), []);
  });

  it('a tfvars file of the folder counts; a -var on the command line is not the repository', () => {
    const files = [{ file: 'main.tf', text: `variable "db_password" {}\n${database('var.db_password')}` }, { file: 'terraform.tfvars', text: 'db_password = "Xk29fjq!vbz0Lm"\n' }];
    assert.deepEqual(tagsOf(read(files), 'aws_db_instance.db'), ['hard-coded-secret:terraform.tfvars:1']);
    const given = discoverTerraform(files, { vars: [{ name: 'db_password', value: 'Other-secret-42' }] });
    assert.deepEqual(tagsOf(given, 'aws_db_instance.db'), []);
  });

  it('user data assigning a literal secret tags the instance at the script\'s line; an interpolated one does not', () => {
    const script = (value: string) => `resource "aws_instance" "web" {
  ami       = "ami-1"
  subnet_id = "subnet-1"
  user_data = <<-EOF
    #!/bin/bash
    export DB_PASSWORD="${value}"
  EOF
}
`;
    const r = one(script('Xk29fjq!vbz0Lm'));
    assert.deepEqual(tagsOf(r, 'aws_instance.web'), ['hard-coded-secret:main.tf:6']);
    assert.deepEqual(checksAbout(r, /user_data/).map((c) => c.split(':').slice(0, 2).join(':')), ['main.tf:6 aws_instance.web sets user_data DB_PASSWORD to a literal']);
    assert.deepEqual(tagsOf(one(script('${var.db_password}')), 'aws_instance.web'), []);
  });
});

/** The state bucket (a lock table beside it says so) and a database configuration keeping its state there. */
const stateLayout = (db: string, backend = 'backend "s3" {}'): TerraformFile[] => [
  {
    file: 'global/s3/main.tf', text: `provider "aws" { region = "eu-west-1" }
resource "aws_s3_bucket" "terraform_state" {
  bucket = var.bucket_name
}
resource "aws_dynamodb_table" "terraform_locks" {
  name     = "locks"
  hash_key = "LockID"
}
variable "bucket_name" {}
`,
  },
  {
    file: 'stage/mysql/main.tf', text: `terraform {
  ${backend}
}
provider "aws" { region = "eu-west-1" }
variable "db_password" {
  sensitive = true
}
resource "aws_db_instance" "example" {
  engine                 = "mysql"
  db_subnet_group_name   = "private"
  vpc_security_group_ids = ["sg-1"]
${db}
}
`,
  },
];

describe('a database password is in the Terraform state (review s17, finding 14)', () => {
  it('with an s3 backend: a check at the password naming the state bucket, and the bucket stores the state as a restricted secret', () => {
    const r = read(stateLayout('  password = var.db_password'));
    assert.deepEqual(checksAbout(r, /state/).filter((c) => !c.includes('force_destroy')), [
      'stage/mysql/main.tf:12 aws_db_instance.example sets password: Terraform records it in plaintext in the state (backend "s3" at stage/mysql/main.tf:2, bucket aws_s3_bucket.terraform_state), so whoever reads the state has the database; set manage_master_user_password = true (RDS keeps it in Secrets Manager) or password_wo (write-only), and restrict who can read the state',
    ]);
    const model = modelOf(r.draft);
    const bucket = model.elements.find((e) => e.name === 'aws_s3_bucket.terraform_state')!;
    assert.deepEqual(bucket.stores, ['terraform-state-data']);
    const asset = model.assets.find((a) => a.id === 'terraform-state-data')!;
    assert.deepEqual([asset.type, asset.classification], ['secrets', 'restricted']);
    assert.match(asset.description ?? '', /aws_db_instance\.example \(stage\/mysql\/main\.tf:12\)/);
  });

  it('once the reviewer draws who reads the state, insider-data-access weighs the password', () => {
    const yaml = draftToYaml(mergeDrafts([read(stateLayout('  password = var.db_password')).draft]))
      .replace(/^elements:\n/m, 'elements:\n  ops: { name: Operator, type: developer }\n')
      .concat('\nflows:\n  - ops -> terraform-state: { protocol: https, auth: iam }\n');
    const loaded = loadModel(yaml, 'model.yaml');
    assert.ok(loaded.model, formatDiagnostics(loaded.diagnostics));
    assert.ok(analyze(loaded.model).threats.some((t) => t.ruleId === 'insider-data-access' && t.component === 'ops'));
  });

  it('without a backend the state is the local terraform.tfstate: a check, and no bucket holds it', () => {
    const r = read(stateLayout('  password = var.db_password', ''));
    assert.equal(checksAbout(r, /records it in plaintext/).length, 1);
    assert.match(checksAbout(r, /records it in plaintext/)[0], /the local terraform\.tfstate in stage\/mysql on every machine that runs apply/);
    assert.deepEqual(modelOf(r.draft).assets, []);
  });

  it('a password from Secrets Manager is still copied into the state: the check says where it comes from', () => {
    const r = read(stateLayout(`  password = data.aws_secretsmanager_secret_version.db.secret_string
}
data "aws_secretsmanager_secret_version" "db" {
  secret_id = "db"`));
    assert.match(checksAbout(r, /records it in plaintext/)[0], /sets password from data\.aws_secretsmanager_secret_version\.db \(a secret store or a generated value, still copied into the state\)/);
  });

  it('manage_master_user_password = true keeps the password out of the state: no check, no asset', () => {
    const r = read(stateLayout('  manage_master_user_password = true'));
    assert.deepEqual(checksAbout(r, /records it in plaintext/), []);
    assert.deepEqual(modelOf(r.draft).assets, []);
  });
});

describe('a database left where AWS puts it (review s17, finding 14)', () => {
  it('no subnet group and no security groups: a check at the resource naming both', () => {
    const r = one(`resource "aws_db_instance" "db" {
  engine   = "mysql"
  password = var.db_password
}
variable "db_password" {}
`);
    assert.deepEqual(checksAbout(r, /sets no/), [
      'main.tf:1 aws_db_instance.db sets no db_subnet_group_name and no vpc_security_group_ids: AWS places it in the default VPC\'s default subnets (public subnets) and behind the VPC\'s default security group (which admits every other member of that group); give it a subnet group of private subnets and a security group that admits only its clients',
    ]);
  });

  it('security groups alone leave the default subnets; both given is no check', () => {
    const db = (extra: string) => one(`resource "aws_rds_cluster" "db" {
  engine                 = "aurora-postgresql"
  vpc_security_group_ids = ["sg-1"]
${extra}}
`);
    assert.deepEqual(checksAbout(db(''), /sets no/).map((c) => c.split(':').slice(0, 2).join(':')), ['main.tf:1 aws_rds_cluster.db sets no db_subnet_group_name']);
    assert.deepEqual(checksAbout(db('  db_subnet_group_name = "private"\n'), /sets no/), []);
  });
});
