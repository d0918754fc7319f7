// `threatmap export` to other tools' model files, as a person runs it: the format told by the output file's
// name, the file written atomically, and the file importing back into the same model.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatOfOutput } from '../../src/cli/export.js';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';

describe('threatmap export: Threat Dragon', () => {
  it('.td.json and .td-v2.json ask for Threat Dragon', () => {
    assert.equal(formatOfOutput('shop.td.json'), 'threat-dragon');
    assert.equal(formatOfOutput('a/shop.TD-V2.json'), 'threat-dragon');
    assert.equal(formatOfOutput('shop.json'), 'json');
  });

  it('writes the model with its threats, and `import` reads it back to the same elements and flows', () => {
    const dir = tempFolder('threatmap-td-');
    const out = join(dir, 'shop.td.json');
    const r = run('export', 'examples/ecommerce.yaml', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir), ['shop.td.json']);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { version: string; detail: { diagrams: Array<{ cells: Array<{ data: { threats?: unknown[] } }> }> } };
    assert.equal(doc.version, '2.3.0');
    const json = JSON.parse(run('analyze', 'examples/ecommerce.yaml', '-f', 'json').stdout) as { threats: unknown[]; elements: unknown[]; flows: unknown[] };
    assert.equal(doc.detail.diagrams[0].cells.reduce((n, c) => n + (c.data.threats?.length ?? 0), 0), json.threats.length);
    const back = run('import', out, '-o', join(dir, 'back.yaml'));
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stderr, new RegExp(`imported ${json.elements.length} elements, ${json.flows.length} flows`));
    assert.equal(run('export', 'examples/ecommerce.yaml', '-f', 'threat-dragon').stdout, readFileSync(out, 'utf8'));
  });

  it('warns that --min-risk leaves threats, and so their decisions, out of the file a round trip goes through', () => {
    const r = run('export', 'examples/ecommerce.yaml', '-f', 'threat-dragon', '--min-risk', 'high');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^warning: --min-risk high leaves 4 of 9 threats out of the file: importing it again will not bring back their decisions or the written threats among them\n$/);
    assert.equal(run('export', 'examples/ecommerce.yaml', '-f', 'csv', '--min-risk', 'high').stderr, '');
    assert.equal(run('export', 'examples/ecommerce.yaml', '-f', 'otm', '--min-risk', 'high', '-q').stderr, '');
  });
});

describe('threatmap export: Threagile', () => {
  it('threagile.yaml and x.threagile.yml ask for Threagile', () => {
    assert.equal(formatOfOutput('threagile.yaml'), 'threagile');
    assert.equal(formatOfOutput('models/shop.threagile.yml'), 'threagile');
    assert.equal(formatOfOutput('notthreagile.yaml'), undefined);
  });

  it('writes a model whose individual risks are our threats, and `import` reads it back', () => {
    const dir = tempFolder('threatmap-threagile-');
    const out = join(dir, 'threagile.yaml');
    const r = run('export', 'examples/ecommerce.yaml', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    const json = JSON.parse(run('analyze', 'examples/ecommerce.yaml', '-f', 'json').stdout) as { threats: Array<{ uid: string }>; elements: unknown[]; flows: unknown[] };
    for (const t of json.threats) assert.ok(text.includes(`(${t.uid})`), `risk for ${t.uid}`);
    const back = run('import', out, '-o', join(dir, 'back.yaml'));
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stderr, new RegExp(`imported ${json.elements.length} elements, ${json.flows.length} flows`));
    assert.doesNotMatch(back.stderr, /0 shared runtimes/);
  });
});
