// `threatmap import` of OWASP Threat Dragon v2 files as a person uses it: the format told from the content,
// the model on standard output or in a file, a summary on standard error, exit 2 with file:line:col for a
// broken or v1 file, and a clear message for a file in no format it reads.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatOf } from '../../src/cli/import.js';
import { importThenAnalyze, noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const scratch = () => tempFolder('threatmap-import-td-');
const SHOP = 'test/fixtures/td-import/shop.td.json';

describe('threatmap import: Threat Dragon', () => {
  it('tells the format from the content', () => {
    assert.equal(formatOf('{"summary": {}, "detail": {"diagrams": []}}'), 'threat-dragon');
    assert.equal(formatOf('otmVersion: 0.2.0\nproject: {name: x, id: x}\n'), 'otm');
    assert.equal(formatOf('services: {}\n'), 'unknown');
    // Broken JSON still goes to the importer its words suggest, which reports the syntax error.
    assert.equal(formatOf('{"summary": {}, "detail": {"diagrams": [ }'), 'threat-dragon');
    assert.equal(formatOf('{"otmVersion": "0.2.0", '), 'otm');
  });

  it('writes the model to standard output and a summary to standard error', () => {
    const r = run('import', SHOP);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Imported by `threatmap import` from test\/fixtures\/td-import\/shop\.td\.json \(OWASP Threat Dragon 2\.2\.0\)\.\n/);
    assert.match(r.stderr, /^threatmap import: read test\/fixtures\/td-import\/shop\.td\.json \(OWASP Threat Dragon 2\.2\.0, "Shop"; 2 diagrams: "Front", "Partners"\)$/m);
    // s20 (td-bidi): 7 flows, the bidirectional Login one flow from its source (no reply), and a check saying so.
    assert.match(r.stderr, /imported 9 elements, 7 flows, 4 trust boundaries; 1 boundary curve placed no element/);
    assert.match(r.stderr, /^ {2}check: 1 bidirectional flow is one flow from the source \(a flow implies its reply\)/m);
    assert.match(r.stderr, /the file's 3 threats: 3 written under `threats:`, beside those threatmap analyze derives:\n {4}Spoofed session \(High, Open, on web-app\)/);
    assert.match(r.stderr, /shop\.td\.json:\d+:13: warning\[missing-reference\]/);
  });

  it('-o writes the file; validate and analyze run on it', () => {
    importThenAnalyze(SHOP, 'Shop');
  });

  it('a v1 file, a broken file, a file of no format: exit 2, positions, nothing written', () => {
    const dir = scratch();
    const out = join(dir, 'm.yaml');
    const v1 = run('import', 'test/fixtures/td-import/v1.td.json', '-o', out);
    assert.equal(v1.code, 2);
    assert.match(v1.stderr, /v1\.td\.json:8:7: error\[threat-dragon-v1\]: a Threat Dragon v1 file/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "summary": {"title": "x"},\n  "detail": {"diagrams": [ }\n}\n');
    const bad = run('import', broken, '-o', out);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /broken\.json:3:\d+: error\[syntax-error\]/);
    noStack(bad.stderr);
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"name": "x"}\n');
    const none = run('import', other, '-o', out);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /other\.json:1:1: error\[unknown-format\]: not a file threatmap import reads\n {4}expected: Open Threat Model \(a top-level `otmVersion`\) and OWASP Threat Dragon v2/);
    noStack(none.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['broken.json', 'other.json']);
  });

  it('says in its help that it reads Threat Dragon', () => {
    const r = run('import', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout.replace(/\s+/g, ' '), /OWASP Threat Dragon v2 \(\.json\)/);
  });
});
