// `threatmap discover --var-file FILE --var NAME=VALUE`: Terraform's command-line variables change the draft;
// a broken var file or --var stops the run with its position and writes nothing; a malformed --var is a
// usage error; either option without Terraform is refused.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inCommandLineOrder } from '../../src/cli/discover.js';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const MAIN = 'variable "enabled" {\n  type = bool\n  default = true\n}\nvariable "open" {\n  default = false\n}\n'
  + 'resource "aws_db_instance" "db" {\n  engine = "mysql"\n  publicly_accessible = var.open\n}\n'
  + 'resource "aws_elasticache_cluster" "cache" {\n  count = var.enabled ? 1 : 0\n  engine = "redis"\n}\n';

/** A configuration with its own production variables beside it, and a staging file elsewhere. */
function repository(): { dir: string; infra: string; outside: string } {
  const dir = tempFolder('threatmap-tf-vars-');
  const infra = join(dir, 'infra');
  mkdirSync(infra);
  writeFileSync(join(infra, 'main.tf'), MAIN);
  writeFileSync(join(infra, 'prod.tfvars'), 'open = true\n');
  const outside = join(dir, 'staging.tfvars.json');
  writeFileSync(outside, '{\n  "enabled": false\n}\n');
  return { dir, infra, outside };
}

const NOT_READ = 'prod.tfvars: not read (Terraform loads it only with -var-file)';

describe('--var and --var-file in command-line order', () => {
  it('counts the var files before each --var, whatever the spelling, and skips option values', () => {
    const vars = [{ name: 'a', value: '1' }, { name: 'b', value: '2' }, { name: 'c', value: '3' }];
    const argv = ['node', 'threatmap', 'discover', '.', '--var', 'a=1', '--var-file', 'x.tfvars', '--values', '--var-file.yaml', '--var=b=2', '--var-file=y.tfvars', '--var', 'c=3'];
    assert.deepEqual(inCommandLineOrder(vars, argv).map((v) => v.afterVarFiles), [0, 1, 2]);
    // When the two cannot be matched, every --var stays after every var file.
    assert.deepEqual(inCommandLineOrder(vars, ['node', 'threatmap', 'discover']).map((v) => v.afterVarFiles), [undefined, undefined, undefined]);
  });

  it('a --var given before a var file gives way to it, as in terraform plan', () => {
    const { infra } = repository();
    writeFileSync(join(infra, 'open.tfvars'), 'open = true\n');
    const before = run('discover', infra, '--var', 'open=false', '--var-file', join(infra, 'open.tfvars'));
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /- clients -> db/);
    const after = run('discover', infra, '--var-file', join(infra, 'open.tfvars'), '--var', 'open=false');
    assert.equal(after.code, 0, after.stderr);
    assert.doesNotMatch(after.stdout, /- clients -> db/);
  });
});

describe('threatmap discover: Terraform --var-file and --var', () => {
  it('a var file changes the draft; one inside the folder is no longer named as not read', () => {
    const { infra, outside } = repository();
    const plain = run('discover', infra);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(plain.stderr.includes(NOT_READ), plain.stderr);
    assert.doesNotMatch(plain.stdout, /- clients -> db/);
    assert.match(plain.stdout, /^ {2}cache: \{ name: aws_elasticache_cluster\.cache, tech: redis, in: default-vpc \}$/m);

    const prod = run('discover', infra, '--var-file', join(infra, 'prod.tfvars'), '--var-file', outside);
    assert.equal(prod.code, 0, prod.stderr);
    assert.ok(!prod.stderr.includes('not read'), prod.stderr);
    assert.match(prod.stdout, /^ {2}- clients -> db: \{ protocol: mysql, auth: password \}$/m, 'prod.tfvars: open = true');
    assert.doesNotMatch(prod.stdout, /^ {2}cache:/m, 'staging.tfvars.json: enabled = false');
    assert.match(prod.stderr, /^ {2}left out aws_elasticache_cluster\.cache: count is 0 with the values read, so Terraform creates none$/m);
    assert.match(prod.stderr, /read 1 Terraform file, 2 --var-files: /);
    // Named in the model as the other files are: relative to the folder searched when inside it.
    assert.match(prod.stdout, /^# {3}prod\.tfvars \(Terraform variables, given with --var-file\)$/m);
    assert.match(prod.stdout, /^# The root configurations' variables were also set with --var-file prod\.tfvars, --var-file .*staging\.tfvars\.json \(in that order\)/m);

    const vars = run('discover', infra, '--var-file', join(infra, 'prod.tfvars'), '--var', 'open=false', '--var', 'enabled=true');
    assert.equal(vars.code, 0, vars.stderr);
    assert.doesNotMatch(vars.stdout, /- clients -> db/, '--var comes after every --var-file');
    assert.match(vars.stdout, /^ {2}cache: /m);
  });

  it('a broken var file: exit 2, its file:line:col, nothing written', () => {
    const { dir, infra } = repository();
    const broken = join(dir, 'broken.tfvars');
    writeFileSync(broken, 'open = true\nenabled = [\n');
    const out = join(dir, 'threatmap.yaml');
    const r = run('discover', infra, '--var-file', broken, '-o', out);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${broken}:3:1: error[invalid-hcl]: `), r.stderr);
    assert.match(r.stderr, /nothing written; fix the 1 error above/);
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(out));
    noStack(r.stderr);
    const missing = run('discover', infra, '--var-file', join(dir, 'nope.tfvars'), '-o', out);
    assert.equal(missing.code, 2);
    assert.ok(missing.stderr.includes(`${join(dir, 'nope.tfvars')}: cannot read: no such file or folder (ENOENT)`), missing.stderr);
    assert.ok(!existsSync(out));
  });

  it('a value for an undeclared variable: a warning with its place from a file, an error from --var', () => {
    const { dir, infra } = repository();
    const extra = join(dir, 'extra.tfvars');
    writeFileSync(extra, 'open = true\n  region = "eu-west-1"\n');
    const warned = run('discover', infra, '--var-file', extra);
    assert.equal(warned.code, 0, warned.stderr);
    assert.ok(warned.stderr.includes(`${extra}:2:3: warning[undeclared-variable]: a value for undeclared variable "region"`), warned.stderr);
    assert.match(warned.stdout, /- clients -> db/);
    const out = join(dir, 'threatmap.yaml');
    const refused = run('discover', infra, '--var', 'regoin=eu-west-1', '-o', out);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--var:1:1: error\[undeclared-variable\]: --var "regoin=eu-west-1": no root configuration \(\.\) declares a variable "regoin"/);
    assert.ok(!existsSync(out));
    const typed = run('discover', infra, '--var', 'enabled=maybe', '-o', out);
    assert.equal(typed.code, 2);
    assert.match(typed.stderr, /--var:1:9: error\[invalid-var\]: --var "enabled=maybe": variable "enabled" is not of type string, but bool: expected true or false/);
    assert.ok(!existsSync(out));
  });

  it('a malformed --var is a usage error naming it; nothing is written', () => {
    const { dir, infra } = repository();
    const out = join(dir, 'threatmap.yaml');
    for (const [arg, why] of [['enabled', /separated by =/], ['=true', /the variable name before = is empty/], ['open =true', /the name "open " ends in a space \(did you mean open=true\?\)/]] as const) {
      const r = run('discover', infra, '--var', arg, '-o', out);
      assert.equal(r.code, 2, arg);
      assert.ok(r.stderr.includes(`option '--var <name=value>' argument '${arg}' is invalid`), r.stderr);
      assert.match(r.stderr, why);
      assert.ok(!existsSync(out));
      noStack(r.stderr);
    }
  });

  it('--var-file or --var without Terraform is an error, as --values is without a chart', () => {
    const { outside } = repository();
    const file = run('discover', 'test/fixtures/discover/k8s-shop', '--var-file', outside);
    assert.equal(file.code, 2);
    assert.match(file.stderr, /--var-file is for Terraform, and test\/fixtures\/discover\/k8s-shop holds none \(no \*\.tf or \*\.tf\.json\)/);
    assert.equal(file.stdout, '');
    const one = run('discover', 'test/fixtures/discover/k8s-shop', '--var', 'a=1');
    assert.equal(one.code, 2);
    assert.match(one.stderr, /--var is for Terraform, and test\/fixtures\/discover\/k8s-shop holds none/);
    // Variable files alone are not a configuration for them to set.
    const dir = tempFolder('threatmap-tf-vars-only-');
    writeFileSync(join(dir, 'terraform.tfvars'), 'open = true\n');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
    const only = run('discover', dir, '--var', 'open=true');
    assert.equal(only.code, 2);
    assert.match(only.stderr, /--var is for Terraform, and .* holds none/);
  });
});
