// Terraform's `count` and `for_each`: how many instances a resource makes, with the values the reader
// works out (variables, tfvars, conditionals, toset/length); none made is no element, several compute
// instances are replicas of one element.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

function draftOf(files: Record<string, string>): Draft {
  const r = discoverTerraform(Object.entries(files).map(([file, text]) => ({ file, text })));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return mergeDrafts([r.draft]);
}

const instance = (meta: string, name = 'web') => `resource "aws_instance" "${name}" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  ${meta}\n}\n`;
const replicasOf = (files: Record<string, string>, address = 'aws_instance.web') =>
  draftOf(files).elements.find((e) => e.name === address)?.replicas;

describe('discover: Terraform count and for_each', () => {
  it('a literal count, a variable\'s default, a tfvars value and a conditional on a switch', () => {
    assert.equal(replicasOf({ 'main.tf': instance('count = 3') }), 3);
    assert.equal(replicasOf({ 'main.tf': `variable "n" {\n  default = 2\n}\n${instance('count = var.n')}` }), 2);
    assert.equal(replicasOf({ 'main.tf': `variable "n" {\n  default = 2\n}\n${instance('count = var.n')}`, 'terraform.tfvars': 'n = 4\n' }), 4);
    const ha = (value: string) => ({ 'main.tf': `variable "env" {\n  default = "${value}"\n}\n${instance('count = var.env == "prod" ? 3 : 1')}` });
    assert.equal(replicasOf(ha('prod')), 3);
    assert.equal(replicasOf(ha('dev')), 1);
    assert.equal(replicasOf({ 'main.tf': instance('count = var.unknown') }), undefined, 'a variable with no value says nothing');
    assert.equal(replicasOf({ 'main.tf': instance('') }), undefined, 'no count: nothing stated (one instance, no replicas claimed)');
  });

  it('for_each over a list, a set made with toset, a map, and length()', () => {
    assert.equal(replicasOf({ 'main.tf': instance('for_each = toset(["a", "b", "a"])') }), 2);
    assert.equal(replicasOf({ 'main.tf': instance('for_each = { blue = "t3.micro", green = "t3.small" }') }), 2);
    assert.equal(replicasOf({ 'main.tf': `variable "zones" {\n  default = ["a", "b", "c"]\n}\n${instance('count = length(var.zones)')}` }), 3);
    assert.equal(replicasOf({ 'main.tf': `locals {\n  zones = ["a", "b"]\n}\n${instance('for_each = toset(local.zones)')}` }), 2);
  });

  it('counted stores are separate stores, not replicas', () => {
    const draft = draftOf({ 'main.tf': 'resource "aws_s3_bucket" "logs" {\n  count = 2\n  bucket = "logs"\n}\n' });
    const bucket = draft.elements.find((e) => e.name === 'aws_s3_bucket.logs');
    assert.ok(bucket);
    assert.equal(bucket.replicas, undefined);
  });

  it('count = 0 (a feature switched off) makes no element, and the draft says why', () => {
    const files = { 'main.tf': `variable "enabled" {\n  default = false\n}\n${instance('count = var.enabled ? 1 : 0', 'bastion')}${instance('count = 2')}` };
    const draft = draftOf(files);
    assert.deepEqual(draft.elements.filter((e) => !e.madeUp).map((e) => e.name), ['aws_instance.web']);
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.reason, o.provenance.line]), [
      ['aws_instance.bastion', 'count is 0 with the values read, so Terraform creates none', 7],
    ]);
    const yaml = draftToYaml(draft);
    assert.match(yaml, /# {3}aws_instance\.bastion: count is 0 with the values read, so Terraform creates none \(main\.tf:7\)/);
    const loaded = loadModel(yaml, 'model.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    assert.equal(loaded.model.elements.find((e) => e.name === 'aws_instance.web')?.replicas, 2);
  });
});
