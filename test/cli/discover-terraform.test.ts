// `threatmap discover` with Terraform: *.tf files found in every folder, read together, drafted into a
// model that loads, with the summary naming what was read and what was skipped.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanRepository } from '../../src/cli/discover.js';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const DIR = 'test/fixtures/discover/terraform-shop';

describe('threatmap discover: Terraform', () => {
  it('finds .tf files in every folder', () => {
    assert.deepEqual(scanRepository(DIR, () => {}).terraform, ['main.tf', 'modules/worker/main.tf']);
  });

  it('drafts the configuration and its local module, and says what it skipped', () => {
    const r = run('discover', DIR);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}# modules\/worker\/main\.tf:9 user_data -> aws_db_instance\.orders \(via main\.tf:187 module input database_url\)\n {2}- worker -> orders-db: \{ protocol: postgres, auth: password \}$/m);
    assert.match(r.stdout, /^ {2}main-vpc: \{ name: shop-vpc, trust: internal, kind: network, in: aws-eu-west-1 \}$/m);
    assert.match(r.stderr, /read 2 Terraform files: /);
    assert.match(r.stderr, /drafted 9 services \(and outside clients for the published ports\), 11 flows, 4 trust boundaries/);
    // Roles are read for what workloads may do to the account (none here can change it).
    assert.doesNotMatch(r.stderr, /skipped Terraform resource types/);
    assert.doesNotMatch(r.stdout, /aws-api/);
    assert.equal(run('discover', DIR).stdout, r.stdout);
  });

  it('what the files state and the model cannot hold is a check line with file:line, never the secret itself', () => {
    const dir = tempFolder('threatmap-tf-checks-');
    writeFileSync(join(dir, 'main.tf'), 'resource "aws_db_instance" "orders" {\n  engine   = "postgres"\n  password = "hunter2-in-code"\n}\n');
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`take it from a secret store or a sensitive variable (${join(dir, 'main.tf')}:3)\n`), r.stderr);
    assert.match(r.stderr, /^ {2}check: aws_db_instance\.orders sets password to a literal: /m);
    assert.doesNotMatch(r.stderr + r.stdout, /hunter2/);
  });

  it('one .tf file given by name; a broken one is an error with file:line:col and nothing written', () => {
    const one = run('discover', `${DIR}/modules/worker/main.tf`);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^ {2}worker: \{ name: aws_instance\.worker, type: service, in: default-vpc, controls: \[ metadata-protection \] \}$/m);
    const bad = run('discover', 'test/fixtures/discover/terraform-broken');
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /terraform-broken\/main\.tf:4:1: error\[invalid-hcl\]: /);
    assert.equal(bad.stdout, '');
  });

  it('reads terraform.tfvars and *.auto.tfvars in Terraform\'s order, and says other variable files are not read', () => {
    const dir = tempFolder('threatmap-tfvars-');
    writeFileSync(join(dir, 'main.tf'), 'variable "open" {\n  default = false\n}\nresource "aws_db_instance" "db" {\n  engine = "mysql"\n  publicly_accessible = var.open\n}\n');
    writeFileSync(join(dir, 'b.auto.tfvars'), 'open = true\n');
    writeFileSync(join(dir, 'a.auto.tfvars'), 'open = false\n');
    writeFileSync(join(dir, 'terraform.tfvars'), 'open = false\n');
    writeFileSync(join(dir, 'prod.tfvars'), 'open = false\n');
    const notes: string[] = [];
    assert.deepEqual(scanRepository(dir, (m) => notes.push(m)).terraform, ['main.tf', 'terraform.tfvars', 'a.auto.tfvars', 'b.auto.tfvars']);
    assert.deepEqual(notes, ['prod.tfvars: not read (Terraform loads it only with -var-file); variables take terraform.tfvars(.json), *.auto.tfvars(.json) or their defaults']);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /- clients -> db: \{ protocol: mysql, auth: password \}/);
  });

  it('reads terraform.tfvars.json after terraform.tfvars and *.auto.tfvars.json among the .auto files; a broken one is an error with its position', () => {
    const dir = tempFolder('threatmap-tfvars-json-');
    writeFileSync(join(dir, 'main.tf'), 'variable "open" {\n  default = false\n}\nvariable "n" {\n  default = 1\n}\nresource "aws_db_instance" "db" {\n  engine = "mysql"\n  publicly_accessible = var.open\n}\nresource "aws_instance" "app" {\n  count = var.n\n  user_data = "DB=${aws_db_instance.db.address}"\n}\n');
    writeFileSync(join(dir, 'terraform.tfvars'), 'open = false\n');
    writeFileSync(join(dir, 'terraform.tfvars.json'), '{\n  "open": true,\n  "n": 2\n}\n');
    writeFileSync(join(dir, 'a.auto.tfvars.json'), '{ "n": 3 }');
    writeFileSync(join(dir, 'b.auto.tfvars'), 'n = 4\n');
    writeFileSync(join(dir, 'staging.tfvars.json'), '{}');
    const notes: string[] = [];
    assert.deepEqual(scanRepository(dir, (m) => notes.push(m)).terraform, ['main.tf', 'terraform.tfvars', 'terraform.tfvars.json', 'a.auto.tfvars.json', 'b.auto.tfvars']);
    assert.deepEqual(notes, ['staging.tfvars.json: not read (Terraform loads it only with -var-file); variables take terraform.tfvars(.json), *.auto.tfvars(.json) or their defaults']);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /- clients -> db: \{ protocol: mysql, auth: password \}/, 'terraform.tfvars.json wins over terraform.tfvars');
    assert.match(r.stdout, /app: \{ name: aws_instance\.app, type: service, in: default-vpc, replicas: 4 \}/, 'b.auto.tfvars comes last');
    writeFileSync(join(dir, 'a.auto.tfvars.json'), '{ "n": 3,, }');
    const bad = run('discover', dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /a\.auto\.tfvars\.json:1:10: error\[invalid-hcl\]: /);
    assert.ok(!bad.stderr.includes('    at '), bad.stderr);
  });

  it('reads Terraform JSON (cdk.tf.json, as CDK for Terraform writes it)', () => {
    const dir = tempFolder('threatmap-tfjson-');
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify({
      '//': { metadata: { backend: 'local' } },
      resource: {
        aws_db_instance: { orders: { engine: 'postgres', publicly_accessible: true } },
        aws_instance: { app: { associate_public_ip_address: false, user_data: 'DB=${aws_db_instance.orders.address}' } },
      },
    }, null, 2));
    assert.deepEqual(scanRepository(dir, () => {}).terraform, ['cdk.tf.json']);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}# cdk\.tf\.json:\d+ user_data -> aws_db_instance\.orders\n {2}- app -> orders: \{ protocol: postgres, auth: password \}$/m);
    assert.match(r.stdout, /- clients -> orders: \{ protocol: postgres, auth: password \}/);
  });
});
