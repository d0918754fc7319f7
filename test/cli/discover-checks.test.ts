// `threatmap discover` lists what the files switch off in so many words as `check:` lines of its summary, each
// with its file:line, Compose's with Kubernetes' and Terraform's; a file that switches nothing off gives none.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';

describe('threatmap discover: check lines for what the files switch off', () => {
  it('a database open to every client and storage written unencrypted are checks; the drafted model analyses with their findings', () => {
    const dir = tempFolder('threatmap-checks-');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  api:\n    build: .\n    environment: [DB_HOST=db]\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_HOST_AUTH_METHOD: trust\n');
    writeFileSync(join(dir, 'main.tf'), 'resource "aws_db_instance" "orders" {\n  engine            = "postgres"\n  password          = var.pw\n  storage_encrypted = false\n}\nvariable "pw" {}\n');
    const out = join(dir, 'threatmap.yaml');
    const r = run('discover', dir, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    // Named as the user can open them from the current folder (here: absolute, the folder is outside it).
    assert.ok(r.stderr.includes(`\n  check: service db: POSTGRES_HOST_AUTH_METHOD=trust: PostgreSQL lets every client in without checking a password (${join(dir, 'compose.yaml')}:8)\n`), r.stderr);
    assert.match(r.stderr, /\n {2}check: aws_db_instance\.orders sets storage_encrypted = false: .* \(\/\S+\/main\.tf:4\)\n/);
    const analyze = run('analyze', out, '-f', 'json');
    assert.equal(analyze.code, 0, analyze.stderr);
    const rules = (JSON.parse(analyze.stdout) as { threats: Array<{ ruleId: string; component: string }> }).threats.map((t) => `${t.ruleId} ${t.component}`);
    assert.ok(rules.includes('unauthenticated-store-access db'), rules.join(', '));
    assert.ok(rules.includes('unencrypted-store orders'), rules.join(', '));
  });

  it('a file that switches nothing off gives no such check', () => {
    const dir = tempFolder('threatmap-checks-');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  api:\n    build: .\n    environment: [DB_HOST=db]\n  db:\n    image: postgres:16\n    environment: [POSTGRES_PASSWORD_FILE=/run/secrets/pg]\n');
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /check: service/);
    assert.doesNotMatch(r.stdout, /\nassets:/);
  });
});
