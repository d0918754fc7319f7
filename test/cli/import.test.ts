// `threatmap import` as a person uses it: the model on standard output or atomically in a file (never over
// an existing one without --force), a summary on standard error, and exit 2 with file:line:col for a
// file that is broken or not OTM.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const scratch = () => tempFolder('threatmap-import-');
const SMALL = 'test/fixtures/otm-import/small.otm.yaml';

describe('threatmap import', () => {
  it('writes the model to standard output and a summary to standard error', () => {
    const r = run('import', SMALL);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Imported by `threatmap import` from test\/fixtures\/otm-import\/small\.otm\.yaml \(Open Threat Model 0\.2\.0\)\.\n/);
    assert.match(r.stdout, /^threatmap: 1$/m);
    assert.match(r.stderr, /^threatmap import: read test\/fixtures\/otm-import\/small\.otm\.yaml \(Open Threat Model 0\.2\.0, project "Small shop"\)$/m);
    assert.match(r.stderr, /imported 6 elements, 3 flows, 5 trust boundaries, 2 assets/);
    assert.match(r.stderr, /the file's 1 threat written under `threats:` \(1 in the model\), beside those threatmap analyze derives[^\n]*\n {4}T1: Brute force of the API \(on shop-api\) \[mitigated\]/);
    assert.match(r.stderr, /control from an implemented mitigation: shop-api: rate-limiting \(mitigation M-rate\)/);
    // Unknown references are warnings with positions; the model is still written.
    assert.match(r.stderr, /small\.otm\.yaml:88:5: warning\[unknown-reference\]: no component has id `nobody`/);
    assert.match(r.stderr, /next: save it \(-o threatmap\.yaml\), review it, then run: threatmap analyze threatmap\.yaml/);
  });

  it('-o writes the file atomically; validate and analyze run on it; an existing file needs --force', () => {
    const dir = scratch();
    const out = join(dir, 'threatmap.yaml');
    const r = run('import', SMALL, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    // The file mitigated its threat: the decision goes into the model's triage file.
    assert.deepEqual(readdirSync(dir).sort(), ['threatmap.triage.yaml', 'threatmap.yaml']);
    assert.match(readFileSync(join(dir, 'threatmap.triage.yaml'), 'utf8'), /status: mitigated/);
    assert.match(readFileSync(out, 'utf8'), new RegExp(`# Review it, then run: threatmap analyze ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    assert.equal(run('validate', out).code, 0);
    const analyze = run('analyze', out, '--quiet');
    assert.equal(analyze.code, 0, analyze.stderr);
    assert.match(analyze.stdout, /^## Threat Model: Small shop/);

    writeFileSync(out, 'mine\n');
    const refused = run('import', SMALL, '-o', out);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists; not overwriting it \(add --force to replace it\)/);
    assert.equal(readFileSync(out, 'utf8'), 'mine\n');
    const forced = run('import', SMALL, '-o', out, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(out, 'utf8'), /^threatmap: 1$/m);
  });

  it('a broken file or one that is not OTM: exit 2, file:line:col, nothing written', () => {
    const dir = scratch();
    const out = join(dir, 'm.yaml');
    const bad = run('import', 'test/fixtures/otm-import/bad-syntax.otm.json', '-o', out);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad-syntax\.otm\.json:5:\d+: error\[syntax-error\]/);
    assert.match(bad.stderr, /threatmap import: nothing written/);
    noStack(bad.stderr);
    const other = run('import', 'test/fixtures/otm-import/not-otm.yaml');
    assert.equal(other.code, 2);
    assert.match(other.stderr, /not-otm\.yaml:1:1: error\[unknown-format\]: not a file threatmap import reads/);
    assert.match(other.stderr, /expected: Open Threat Model \(a top-level `otmVersion`\) and OWASP Threat Dragon v2/);
    const missing = run('import', join(dir, 'nope.otm.yaml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.otm\.yaml: no such file/);
    noStack(missing.stderr);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('an exported OTM file imports back (export -> import -> analyze)', () => {
    const dir = scratch();
    const otm = join(dir, 'shop.otm.json');
    assert.equal(run('export', 'examples/ecommerce.yaml', '-o', otm, '--quiet').code, 0);
    const back = join(dir, 'shop.yaml');
    const r = run('import', otm, '-o', back);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(run('analyze', back, '--quiet').code, 0);
  });

  it('says in its help what it reads', () => {
    const r = run('import', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout.replace(/\s+/g, ' '), /Open Threat Model \(\.otm\.yaml\/\.otm\.json\)/);
  });
});
