// Terraform's command-line variables, as `terraform plan -var-file FILE -var NAME=VALUE` sets them: over the
// folder's own terraform.tfvars and *.auto.tfvars, every var file in order, then every -var; in root
// configurations only; a -var value typed by its variable's declaration; what no root declares reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { type CliVariable, discoverTerraform, type TerraformFile, type TerraformResult } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowSet } from './draft-helpers.js';

const files = (map: Record<string, string>): TerraformFile[] => Object.entries(map).map(([file, text]) => ({ file, text }));

function discover(config: Record<string, string>, varFiles: Record<string, string> = {}, vars: CliVariable[] = []): TerraformResult {
  return discoverTerraform(files(config), { varFiles: files(varFiles), vars });
}

function draftOf(config: Record<string, string>, varFiles: Record<string, string> = {}, vars: CliVariable[] = []): Draft {
  const r = discover(config, varFiles, vars);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return mergeDrafts([r.draft]);
}

const v = (name: string, value: string): CliVariable => ({ name, value });

/** A load balancer whose listener's port, and a database whose exposure, come from variables. */
const PORTS = 'variable "port" {\n  type = number\n  default = 80\n}\nvariable "open" {\n  default = false\n}\n'
  + 'resource "aws_lb" "web" {}\nresource "aws_lb_listener" "l" {\n  load_balancer_arn = aws_lb.web.arn\n  port = var.port\n  protocol = "HTTP"\n}\n'
  + 'resource "aws_db_instance" "db" {\n  engine = "mysql"\n  publicly_accessible = var.open\n}\n';

const listenerPort = (draft: Draft): number | undefined => draft.flows.find((f) => f.to === '|aws_lb.web')?.port;

describe('discover: Terraform --var-file and --var', () => {
  it('precedence: the folder\'s own variable files, then each var file in order, then each --var', () => {
    const config = { 'main.tf': PORTS, 'terraform.tfvars': 'port = 8080\n', 'x.auto.tfvars': 'port = 8081\n' };
    assert.equal(listenerPort(draftOf(config)), 8081, 'without var files: the last automatic one');
    const a = { 'envs/a.tfvars': 'port = 9001\nopen = true\n' };
    const b = { 'envs/b.tfvars': 'port = 9002\n' };
    const ab = draftOf(config, { ...a, ...b });
    assert.equal(listenerPort(ab), 9002, 'the later var file wins');
    assert.ok(flowSet(ab).includes('clients -> |aws_db_instance.db'), 'what only the earlier file sets still applies');
    assert.equal(listenerPort(draftOf(config, { ...b, ...a })), 9001, 'in the order given, not by name');
    const withVars = draftOf(config, { ...a, ...b }, [v('port', '9100'), v('port', '9200'), v('open', 'false')]);
    assert.equal(listenerPort(withVars), 9200, 'every --var after every var file, the later winning');
    assert.ok(!flowSet(withVars).includes('clients -> |aws_db_instance.db'), '--var open=false over the var file\'s open = true');
    assert.deepEqual(ab.sources.map((s) => `${s.file} (${s.format})`), [
      'main.tf (Terraform)', 'terraform.tfvars (Terraform variables)', 'x.auto.tfvars (Terraform variables)',
      'envs/a.tfvars (Terraform variables, given with --var-file)', 'envs/b.tfvars (Terraform variables, given with --var-file)',
    ]);
    assert.ok(withVars.limits.includes('The root configurations\' variables were also set with --var-file envs/a.tfvars, --var-file envs/b.tfvars, --var port, --var port, --var open (in that order): run discover with them again to redraft.'));
    assert.ok(!draftOf(config).limits.some((l) => l.includes('--var')), 'no note without command-line values');
    // In command-line order, as Terraform applies -var and -var-file: a --var before a var file gives way to it.
    const interleaved = draftOf(config, { ...a, ...b }, [{ ...v('port', '9300'), afterVarFiles: 0 }, { ...v('port', '9400'), afterVarFiles: 1 }]);
    assert.equal(listenerPort(interleaved), 9002, '--var port=9400 --var-file b: the file, given later, wins');
    assert.ok(interleaved.limits.includes('The root configurations\' variables were also set with --var port, --var-file envs/a.tfvars, --var port, --var-file envs/b.tfvars (in that order): run discover with them again to redraft.'));
  });

  it('a JSON var file (named .json) is read as terraform.tfvars.json is; a broken one is an error with its position', () => {
    const main = `variable "n" {\n  type = number\n  default = 1\n}\n${PORTS}resource "aws_instance" "app" {\n  count = var.n\n  user_data = "DB=\${aws_db_instance.db.address}"\n}\n`;
    const draft = draftOf({ 'main.tf': main }, { 'prod.tfvars.json': '{\n  "open": true,\n  "n": 3,\n  "port": 443\n}\n' });
    assert.equal(elementOf(draft, '|aws_instance.app').replicas, 3);
    assert.equal(listenerPort(draft), 443);
    assert.ok(flowSet(draft).includes('clients -> |aws_db_instance.db'));
    const broken = discover({ 'main.tf': main }, { 'prod.tfvars.json': '{\n  "open": true,,\n}\n' });
    assert.deepEqual(broken.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity}[${d.code}]`), ['prod.tfvars.json:2:16 error[invalid-hcl]']);
    assert.equal(broken.draft.elements.length, 0, 'nothing drafted from a broken var file');
    const hcl = discover({ 'main.tf': main }, { 'prod.tfvars': 'open = \nn = 2\n' });
    assert.deepEqual(hcl.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity}[${d.code}] ${d.message}`), ['prod.tfvars:1:8 error[invalid-hcl] expected an expression, found a newline']);
  });

  it('sets the root configurations only: a local module keeps what its caller passes, and its own defaults', () => {
    const module = 'variable "open" {\n  default = false\n}\nvariable "engine" {\n  default = "postgres"\n}\n'
      + 'resource "aws_db_instance" "db" {\n  engine = var.engine\n  publicly_accessible = var.open\n}\n';
    const root = `${PORTS}module "reports" {\n  source = "./modules/reports"\n  engine = "mysql"\n}\n`;
    const r = discover({ 'main.tf': root, 'modules/reports/main.tf': module }, { 'prod.tfvars': 'open = true\nengine = "mariadb"\n' });
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    const draft = mergeDrafts([r.draft]);
    assert.ok(flowSet(draft).includes('clients -> |aws_db_instance.db'), 'the root\'s open = true');
    assert.ok(!flowSet(draft).includes('clients -> modules/reports|aws_db_instance.db'), 'the module keeps its default open = false');
    assert.equal(elementOf(draft, 'modules/reports|aws_db_instance.db').identity?.tech, 'mysql', 'what the caller passes, not the var file');
    // Only the module declares engine: for Terraform that is a value for no variable of the root.
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity}[${d.code}] ${d.message}`), [
      'prod.tfvars:2:1 warning[undeclared-variable] a value for undeclared variable "engine": no root configuration (.) declares it, so it sets nothing',
    ]);
    // Two roots, each set: a var file serves every configuration no other one calls.
    const two = draftOf({ 'blue/main.tf': PORTS, 'green/main.tf': PORTS }, { 'prod.tfvars': 'open = true\n' });
    assert.deepEqual(flowSet(two).filter((f) => f.includes('aws_db_instance')), ['clients -> blue|aws_db_instance.db', 'clients -> green|aws_db_instance.db']);
  });

  it('--var: a string for a variable of type string or of none; HCL for any other type; a value its type refuses is an error', () => {
    const main = 'variable "engine" {}\nvariable "label" {\n  type = string\n}\nvariable "zones" {\n  type = list(string)\n  default = ["a"]\n}\n'
      + 'variable "n" {\n  type = number\n  default = 1\n}\nvariable "on" {\n  type = bool\n  default = false\n}\nvariable "switch" {\n  default = true\n}\n'
      + 'resource "aws_db_instance" "db" {\n  engine = var.engine\n  identifier = var.label\n  publicly_accessible = var.on\n}\n'
      + 'resource "aws_instance" "app" {\n  for_each = toset(var.zones)\n}\nresource "aws_instance" "batch" {\n  count = var.switch ? var.n : 0\n}\n';
    const draft = draftOf({ 'main.tf': main }, {}, [
      v('engine', 'postgres'), v('label', '["not", "a", "list"]'), v('zones', '["a", "b", "c"]'), v('n', '4'), v('on', 'true'),
    ]);
    const db = elementOf(draft, '|aws_db_instance.db');
    assert.equal(db.identity?.tech, 'postgres', 'a bare word is a string, not a reference, for a variable of no type');
    assert.ok(flowSet(draft).includes('clients -> |aws_db_instance.db'), 'on = true is the boolean');
    assert.equal(elementOf(draft, '|aws_instance.app').replicas, 3, 'a list parsed from HCL');
    assert.equal(elementOf(draft, '|aws_instance.batch').replicas, 4, 'a number parsed from HCL');
    // A variable of no type holds the text "false", which a condition reads as false, as Terraform converts it.
    const off = draftOf({ 'main.tf': main }, {}, [v('engine', 'postgres'), v('label', 'x'), v('switch', 'false')]);
    assert.ok(!off.elements.some((e) => e.key === '|aws_instance.batch'));
    assert.deepEqual(off.omitted.map((o) => o.key), ['aws_instance.batch']);
    const errors = (vars: CliVariable[]) => discover({ 'main.tf': main }, {}, [v('engine', 'postgres'), v('label', 'x'), ...vars]).diagnostics
      .map((d) => `${d.file}:${d.line}:${d.col} ${d.severity}[${d.code}] ${d.message}`);
    assert.deepEqual(errors([v('zones', '["a", "b"')]), [
      '--var:1:16 error[invalid-var] --var "zones=[\\"a\\", \\"b\\"": variable "zones" is not of type string, so its value is read as an HCL expression: expected \',\' or \']\' in the list opened at 1:1, found the end of the file',
    ]);
    assert.deepEqual(errors([v('zones', '[a]')]), [
      '--var:1:8 error[invalid-var] --var "zones=[a]": variable "zones" is not of type string, so its value is read as an HCL expression: variables are not allowed here (a); write a string in double quotes',
    ]);
    // A number's or a bool's value is text Terraform converts, not HCL: `"3"` (quotes and all) is no number.
    assert.equal(errors([v('on', 'yes')])[0], '--var:1:4 error[invalid-var] --var "on=yes": variable "on" is not of type string, but bool: expected true or false');
    assert.equal(errors([v('n', '"3"')])[0], '--var:1:3 error[invalid-var] --var "n=\\"3\\"": variable "n" is not of type string, but number: expected a number');
    assert.match(errors([v('on', '1')])[0], /^--var:1:4 error\[invalid-var\] .*: expected true or false$/);
    assert.match(errors([v('n', '"many"')])[0], /^--var:1:3 error\[invalid-var\] .*: expected a number$/);
    assert.deepEqual(errors([v('nope', '1')]), ['--var:1:1 error[undeclared-variable] --var "nope=1": no root configuration (.) declares a variable "nope"']);
  });

  it('a value for a variable no root configuration declares: a warning at its place in the var file, and the draft is still made', () => {
    const r = discover({ 'main.tf': PORTS }, { 'envs/prod.tfvars': '# production\nport = 443\n  replicas = 3\n', 'envs/extra.tfvars.json': '{\n  "open": true,\n  "region": "eu-west-1"\n}\n' });
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity}[${d.code}] ${d.message}`), [
      'envs/extra.tfvars.json:3:3 warning[undeclared-variable] a value for undeclared variable "region": no root configuration (.) declares it, so it sets nothing',
      'envs/prod.tfvars:3:3 warning[undeclared-variable] a value for undeclared variable "replicas": no root configuration (.) declares it, so it sets nothing',
    ]);
    assert.equal(listenerPort(mergeDrafts([r.draft])), 443);
  });

  it('count = var.enabled ? 1 : 0: left out when a var file sets enabled = false, drawn when true; the draft loads', () => {
    const main = 'variable "enabled" {\n  type = bool\n  default = true\n}\nresource "aws_elasticache_cluster" "cache" {\n  count = var.enabled ? 1 : 0\n  engine = "redis"\n}\n'
      + 'resource "aws_instance" "app" {\n  user_data = "REDIS=${aws_elasticache_cluster.cache[0].cache_nodes[0].address}"\n}\n';
    const off = draftOf({ 'main.tf': main }, { 'off.tfvars': 'enabled = false\n' });
    assert.ok(!off.elements.some((e) => e.key === '|aws_elasticache_cluster.cache'));
    assert.deepEqual(off.omitted.map((o) => `${o.key}: ${o.reason} (${o.provenance.file}:${o.provenance.line})`), [
      'aws_elasticache_cluster.cache: count is 0 with the values read, so Terraform creates none (main.tf:6)',
    ]);
    assert.deepEqual(flowSet(off), []);
    const on = draftOf({ 'main.tf': main, 'terraform.tfvars': 'enabled = false\n' }, { 'on.tfvars': 'enabled = true\n' });
    assert.equal(elementOf(on, '|aws_elasticache_cluster.cache').identity?.tech, 'redis');
    assert.deepEqual(on.omitted, []);
    assert.deepEqual(flowSet(on), ['|aws_instance.app -> |aws_elasticache_cluster.cache']);
    const loaded = loadModel(draftToYaml(on), 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });
});
