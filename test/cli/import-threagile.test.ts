// `threatmap import` of Threagile models as a person uses it: the format told from the content, the model on
// standard output or in a file, a summary on standard error, exit 2 with file:line:col for a broken file.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatOf } from '../../src/cli/import.js';
import { importThenAnalyze, noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const scratch = () => tempFolder('threatmap-import-tg-');
const SHOP = 'test/fixtures/threagile-import/shop.threagile.yaml';

describe('threatmap import: Threagile', () => {
  it('tells the format from the content', () => {
    assert.equal(formatOf('threagile_version: 1.0.0\ntechnical_assets: {}\n'), 'threagile');
    // The version alone is not a model to import.
    assert.equal(formatOf('threagile_version: 1.0.0\n'), 'unknown');
    // Broken YAML with Threagile's version key goes to its importer, which reports the syntax error.
    assert.equal(formatOf('threagile_version: 1.0.0\ntechnical_assets: [\n'), 'threagile');
    assert.equal(formatOf('otmVersion: 0.2.0\nproject: {name: x, id: x}\n'), 'otm');
  });

  it('writes the model to standard output and a summary to standard error', () => {
    const r = run('import', SHOP);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Imported by `threatmap import` from test\/fixtures\/threagile-import\/shop\.threagile\.yaml \(Threagile 1\.0\.0\)\.\n/);
    assert.match(r.stderr, /^threatmap import: read test\/fixtures\/threagile-import\/shop\.threagile\.yaml \(Threagile 1\.0\.0, "Shop"\)$/m);
    assert.match(r.stderr, /imported 5 elements, 6 flows, 4 trust boundaries, 3 assets/);
    assert.match(r.stderr, /1 shared runtime \(threatmap has no shared host\): Shared VM \(runs web, db\); each that runs assets of several trust zones is written as a threat/);
    assert.match(r.stderr, /the file's 2 risk-tracking entries: those about the risks written, and those about Threagile rules threatmap has an equivalent of, are decisions in the triage file[^\n]*\n {4}sql-nosql-injection@web@db: mitigated\n {4}missing-waf@web: accepted \(decides 1 threat threatmap finds\)\n/);
    assert.match(r.stderr, /shop\.threagile\.yaml:76:9: warning\[unknown-reference\]/);
  });

  it('-o writes the file; validate and analyze run on it', () => {
    importThenAnalyze(SHOP, 'Shop');
  });

  it('a broken file: exit 2 with its position, nothing written, no stack', () => {
    const dir = scratch();
    const out = join(dir, 'm.yaml');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'threagile_version: 1.0.0\ntitle: x\ntechnical_assets:\n  A: {id: a\n');
    const bad = run('import', broken, '-o', out);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /broken\.yaml:\d+:\d+: error\[syntax-error\]/);
    noStack(bad.stderr);
    const other = join(dir, 'other.yaml');
    writeFileSync(other, 'name: x\n');
    const none = run('import', other, '-o', out);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /expected: [^\n]*Threagile \(top-level `threagile_version` and `technical_assets`\)/);
    assert.deepEqual(readdirSync(dir).sort(), ['broken.yaml', 'other.yaml']);
  });

  it('says in its help that it reads Threagile', () => {
    const r = run('import', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout.replace(/\s+/g, ' '), /Threagile \(\.yaml\)/);
  });
});
