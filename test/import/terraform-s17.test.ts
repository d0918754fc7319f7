// Bucket protections discovery used to read and drop (review s17, finding 2): a public access block with all
// four flags set is the `authentication` control (no anonymous access), and versioning is `backups` in place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Draft, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';

function draftOf(text: string): Draft {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return mergeDrafts([r.draft]);
}

/** The controls of the element named `address`, each as `control line note`. */
const controlsOf = (draft: Draft, address: string): string[] =>
  (draft.elements.find((e) => e.name === address)?.controls ?? []).map((c) => `${c.control} ${c.provenance.line} ${c.provenance.note}`);

const bucket = (extra: string) => `provider "aws" { region = "us-east-2" }
resource "aws_s3_bucket" "state" {
  bucket = "state"
}
${extra}`;

const block = (flag: string) => `resource "aws_s3_bucket_public_access_block" "public_access" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = ${flag}
}
`;

const versioning = (status: string) => `resource "aws_s3_bucket_versioning" "enabled" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "${status}"
  }
}
`;

describe('S3 bucket protections become controls (review s17, finding 2)', () => {
  it('a public access block with all four flags true is authentication, at the block\'s line', () => {
    assert.deepEqual(controlsOf(draftOf(bucket(block('true'))), 'aws_s3_bucket.state'), [
      'encryption-at-rest 2 S3 encrypts new objects by default (SSE-S3)',
      'authentication 5 aws_s3_bucket_public_access_block.public_access: all four flags true, no anonymous access',
    ]);
  });

  it('a block with one flag off is no control', () => {
    assert.deepEqual(controlsOf(draftOf(bucket(block('false'))), 'aws_s3_bucket.state'), [
      'encryption-at-rest 2 S3 encrypts new objects by default (SSE-S3)',
    ]);
  });

  it('versioning Enabled is backups, at its status line; Suspended is none', () => {
    assert.deepEqual(controlsOf(draftOf(bucket(versioning('Enabled'))), 'aws_s3_bucket.state'), [
      'encryption-at-rest 2 S3 encrypts new objects by default (SSE-S3)',
      'backups 8 aws_s3_bucket_versioning.enabled: status = "Enabled"',
    ]);
    assert.deepEqual(controlsOf(draftOf(bucket(versioning('Suspended'))), 'aws_s3_bucket.state'), [
      'encryption-at-rest 2 S3 encrypts new objects by default (SSE-S3)',
    ]);
  });

  it('the provider\'s older inline versioning block counts too, only when enabled', () => {
    const inline = (enabled: string) => `provider "aws" { region = "us-east-2" }
resource "aws_s3_bucket" "state" {
  bucket = "state"
  versioning {
    enabled = ${enabled}
  }
}
`;
    assert.ok(controlsOf(draftOf(inline('true')), 'aws_s3_bucket.state').includes('backups 5 versioning { enabled = true }'));
    assert.ok(!controlsOf(draftOf(inline('false')), 'aws_s3_bucket.state').some((c) => c.startsWith('backups')));
  });

  it('RDS backups follow backup_retention_period: more than 0 is backups, 0 is none', () => {
    const rds = (days: number) => `provider "aws" { region = "us-east-2" }
resource "aws_db_instance" "db" {
  engine                  = "mysql"
  backup_retention_period = ${days}
}
`;
    assert.deepEqual(controlsOf(draftOf(rds(7)), 'aws_db_instance.db'), ['backups 4 backup_retention_period = 7']);
    assert.deepEqual(controlsOf(draftOf(rds(0)), 'aws_db_instance.db'), []);
  });
});
