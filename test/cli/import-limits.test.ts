// How large a file `threatmap import` reads: XML (.tm7, draw.io), read by a streaming parser, up to 64 MB;
// YAML and JSON, parsed with positions, up to 10 MB. Past either: a message with the file and exit 2.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { corpusDir } from '../corpus.js';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

describe('threatmap import: size limits', () => {
  it('a YAML file over 10 MB is refused with its size and both limits', () => {
    const dir = tempFolder('threatmap-limit-');
    const file = join(dir, 'huge.otm.yaml');
    writeFileSync(file, `otmVersion: 0.2.0\nproject: { name: Huge, id: huge }\n# ${'x'.repeat(11 * 1024 * 1024)}\n`);
    const r = run('import', file);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /huge\.otm\.yaml:1:1: error\[file-too-large\]: the file is 11\.0 MB; the limit is 10 MB for YAML and JSON files \(64 MB for \.tm7 and draw\.io\)/);
    noStack(r.stderr);
  });

  it('a .tm7 over 10 MB imports', (t) => {
    const corpus = corpusDir('mtmt', 'MTMT_example.tm7');
    if (corpus === undefined) {
      t.skip('needs the corpus .tm7 to grow one past 10 MB');
      return;
    }
    const text = readFileSync(join(corpus, 'MTMT_example.tm7'), 'utf8');
    // The same threat repeated until the file is past the YAML limit: the importer keeps the last of a key.
    const at = text.indexOf('</ThreatInstances>');
    const one = /<a:KeyValueOfstringThreatpc_P0_PhOB>[\s\S]*?<\/a:KeyValueOfstringThreatpc_P0_PhOB>/.exec(text.slice(text.indexOf('<ThreatInstances')))![0];
    const dir = tempFolder('threatmap-limit-');
    const file = join(dir, 'big.tm7');
    writeFileSync(file, text.slice(0, at) + one.repeat(Math.ceil((11 * 1024 * 1024) / one.length)) + text.slice(at));
    const r = run('import', file, '-o', join(dir, 'big.yaml'));
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
  });
});
