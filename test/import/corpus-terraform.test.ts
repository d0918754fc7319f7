// `discover` on Terraform: Up & Running's file-layout example (the shared corpus, beside the repository):
// three configurations read together, the web cluster finding its database through the other
// configuration's remote-state outputs. Skipped, with the reason, when the corpus is not there (a clean
// clone in CI); test/import/terraform.test.ts covers the same code on our own fixtures.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { corpusDir, corpusMissing } from '../corpus.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

const SUB = join('terraform', 'tfupandrunning-file-layout');
const CORPUS = corpusDir(SUB, 'global/s3/main.tf', 'stage/services/webserver-cluster/main.tf');

function tfFiles(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.tf')) out.push({ file: relative(dir, path).split('\\').join('/'), text: readFileSync(path, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

function corpusDraft(t: TestContext): Draft | undefined {
  if (CORPUS === undefined) {
    t.skip(corpusMissing(`${SUB}/`));
    return undefined;
  }
  const r = discoverTerraform(tfFiles(CORPUS));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  assert.equal(r.resources, 17);
  assert.deepEqual(r.skippedTypes, []);
  return mergeDrafts([r.draft]);
}

const WEB = 'stage/services/webserver-cluster|';
const DB = 'stage/data-stores/mysql|aws_db_instance.example';

describe('corpus: Terraform Up & Running file layout', () => {
  it('the three stacks: state bucket and lock table, MySQL, load balancer in front of an auto-scaling group', (t) => {
    const draft = corpusDraft(t);
    if (!draft) return;
    const real = draft.elements.filter((e) => !e.madeUp).map((e) => [e.id, e.identity?.tech ?? e.identity?.type, e.boundary]);
    assert.deepEqual(real, [
      ['terraform-state', 's3', 'aws:us-east-2'],
      ['terraform-locks', 'dynamodb', 'aws:us-east-2'],
      ['example-db', 'mysql', 'default-vpc:us-east-2'],
      ['example-asg', 'service', 'default-vpc:us-east-2'],
      ['example-lb', 'alb', 'default-vpc:us-east-2'],
    ]);
    const asg = elementOf(draft, `${WEB}aws_autoscaling_group.example`);
    assert.equal(asg.replicas, 2);
    // The launch configuration is part of the group: one element, both places.
    assert.deepEqual(asg.provenance.map((p) => `${p.file}:${p.line}`), [
      'stage/services/webserver-cluster/main.tf:34', 'stage/services/webserver-cluster/main.tf:16',
    ]);
    assert.deepEqual(elementOf(draft, 'global/s3|aws_s3_bucket.terraform_state').controls?.map((c) => `${c.control} ${c.provenance.file}:${c.provenance.line}`),
      // The public access block (all four flags) refuses anonymous access; versioning keeps every state file's history.
      ['encryption-at-rest global/s3/main.tf:36', 'authentication global/s3/main.tf:47', 'backups global/s3/main.tf:31']);
    assert.equal(elementOf(draft, DB).passwordSetting?.line, 39);
    assert.equal(elementOf(draft, DB).controls, undefined, 'storage_encrypted is not set: no encryption at rest');
  });

  it('flows: the world to the listener and, through the open security group, to the instances; the cluster to the database through remote state', (t) => {
    const draft = corpusDraft(t);
    if (!draft) return;
    assert.deepEqual(flowSet(draft), [
      `clients -> ${WEB}aws_autoscaling_group.example`,
      `clients -> ${WEB}aws_lb.example`,
      `${WEB}aws_autoscaling_group.example -> ${DB}`,
      `${WEB}aws_lb.example -> ${WEB}aws_autoscaling_group.example`,
    ]);
    const listener = flowOf(draft, 'clients', `${WEB}aws_lb.example`);
    assert.deepEqual([listener.protocol, listener.port, listener.evidence[0].provenance.line], ['http', 80, 69]);
    const open = flowOf(draft, 'clients', `${WEB}aws_autoscaling_group.example`);
    assert.deepEqual([open.protocol, open.port], ['http', 8080]);
    assert.equal(open.evidence[0].provenance.note, 'aws_security_group.instance allows 0.0.0.0/0 on port 8080');
    const forward = flowOf(draft, `${WEB}aws_lb.example`, `${WEB}aws_autoscaling_group.example`);
    assert.deepEqual([forward.protocol, forward.port], ['http', 8080]);
    const db = flowOf(draft, `${WEB}aws_autoscaling_group.example`, DB);
    assert.deepEqual([db.protocol, db.auth], ['mysql', 'password']);
    assert.equal(db.evidence[0].provenance.note,
      'user_data db_address -> aws_db_instance.example (via stage/data-stores/mysql/outputs.tf:1 output address)');
  });

  it('the draft loads as a model, with the VPC inside the account', (t) => {
    const draft = corpusDraft(t);
    if (!draft) return;
    const text = draftToYaml(draft, { output: 'threatmap.yaml' });
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    assert.match(text, /^ {2}default-vpc: \{ name: Default VPC \(us-east-2\), trust: internal, kind: network, in: aws-us-east-2 \}$/m);
    assert.match(text, /^ {2}# stage\/services\/webserver-cluster\/main\.tf:54 aws_security_group\.instance allows 0\.0\.0\.0\/0 on port 8080\n {2}- clients -> example-asg: \{ protocol: http, port: 8080 \}$/m);
    assert.equal(draftToYaml(draft, { output: 'threatmap.yaml' }), text);
  });
});
