// `threatmap import` of draw.io diagrams as a person uses it: the format told from the root element, a
// compressed page inflated by the CLI, the model in a file that validate and analyze read, a summary on
// standard error, and exit 2 with file:line:col and no stack for broken input.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { formatOf } from '../../src/cli/import.js';
import { noStack, run } from './run-cli.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'threatmap-import-drawio-'));
const SHOP = 'test/fixtures/drawio-import/shop.drawio';
const compress = (xml: string) => deflateRawSync(Buffer.from(encodeURIComponent(xml))).toString('base64');

describe('threatmap import: draw.io', () => {
  it('tells a draw.io file by its mxfile or mxGraphModel root, after a BOM, an XML declaration and whitespace', () => {
    assert.equal(formatOf('<mxfile host="drawio"><diagram name="P">abc</diagram></mxfile>'), 'drawio');
    assert.equal(formatOf('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n  <mxfile>'), 'drawio');
    assert.equal(formatOf('<mxGraphModel dx="1"><root/></mxGraphModel>'), 'drawio');
    // Broken after the start tag: still draw.io, and its importer says where.
    assert.equal(formatOf('<mxfile><diagram'), 'drawio');
    assert.equal(formatOf('<mxfileX/>'), 'unknown');
    assert.equal(formatOf('<svg><mxfile/></svg>'), 'unknown');
    assert.equal(formatOf('<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model">'), 'tm7');
  });

  it('-o writes the model; a summary on standard error; validate and analyze run on it', () => {
    const dir = scratch();
    const out = join(dir, 'threatmap.yaml');
    const r = run('import', SHOP, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(dir), ['threatmap.yaml']);
    assert.match(r.stderr, /^threatmap import: read test\/fixtures\/drawio-import\/shop\.drawio \(draw\.io 24\.7\.8; 2 pages: "Shop", "Operations"\)$/m);
    assert.match(r.stderr, /^ {2}imported 15 elements, 14 flows, 6 trust boundaries$/m);
    assert.match(r.stderr, /shop\.drawio:\d+:9: warning\[missing-reference\]: page "Shop": an arrow whose target is attached to no shape/);
    assert.match(r.stderr, /^ {2}check: payment-provider, operator-on-call: in no box; placed in `outside`/m);
    assert.match(r.stderr, new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; next: review it, then run: threatmap analyze`));
    assert.match(readFileSync(out, 'utf8'), /^ {2}orders-api: \{ name: Orders API, tech: lambda, in: aws-private-subnet \}$/m);
    assert.equal(run('validate', out).code, 0);
    const analyze = run('analyze', out, '--quiet');
    assert.equal(analyze.code, 0, analyze.stderr);
    assert.match(analyze.stdout, /^## Threat Model: shop/);
  });

  it('inflates a compressed page itself', () => {
    const dir = scratch();
    const file = join(dir, 'packed.drawio');
    const model = '<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>'
      + '<mxCell id="a" value="Web" style="ellipse;" vertex="1" parent="1"><mxGeometry width="40" height="40" as="geometry"/></mxCell>'
      + '<mxCell id="b" value="DB" style="shape=cylinder3;" vertex="1" parent="1"><mxGeometry x="100" width="40" height="40" as="geometry"/></mxCell>'
      + '<mxCell id="e" value="5432" edge="1" parent="1" source="a" target="b"><mxGeometry relative="1" as="geometry"/></mxCell></root></mxGraphModel>';
    writeFileSync(file, `<mxfile host="test"><diagram name="Only">${compress(model)}</diagram></mxfile>`);
    const r = run('import', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}- web -> db: postgres$/m);
    assert.match(r.stdout, /# [^\n]*packed\.drawio page "Only" \(compressed\) 1:\d+ cell a \(ellipse\)/);
  });

  it('broken XML, a broken compressed page, XML of another root: exit 2, positions, no stack, nothing written', () => {
    const dir = scratch();
    const out = join(dir, 'm.yaml');
    const text = readFileSync(SHOP, 'utf8');
    const broken = join(dir, 'broken.drawio');
    writeFileSync(broken, text.replace('</root>', '</rot>'));
    const line = text.slice(0, text.indexOf('</root>')).split('\n').length;
    const bad = run('import', broken, '-o', out);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`broken\\.drawio:${line}:\\d+: error\\[syntax-error\\]: XML syntax: unexpected close tag`));
    assert.match(bad.stderr, /threatmap import: nothing written; fix the 1 error above/);
    noStack(bad.stderr);
    const garbled = join(dir, 'garbled.drawio');
    writeFileSync(garbled, '<mxfile>\n  <diagram name="Page-1">bm90IGRlZmxhdGU=</diagram>\n</mxfile>\n');
    const g = run('import', garbled, '-o', out);
    assert.equal(g.code, 2);
    assert.match(g.stderr, /garbled\.drawio:2:3: error\[bad-compressed-page\]: page "Page-1": its content does not inflate \(raw deflate\)/);
    noStack(g.stderr);
    const other = join(dir, 'other.xml');
    writeFileSync(other, '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    const none = run('import', other, '-o', out);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /other\.xml:1:1: error\[unknown-format\]: not a file threatmap import reads\n {4}expected: [^\n]*draw\.io \/ diagrams\.net \(\.drawio: XML with an `mxfile` or `mxGraphModel` root\)/);
    noStack(none.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['broken.drawio', 'garbled.drawio', 'other.xml']);
  });

  it('says in its help that it reads draw.io files', () => {
    const r = run('import', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout.replace(/\s+/g, ' '), /draw\.io \/ diagrams\.net diagram \(\.drawio\)/);
    assert.match(r.stdout, /threatmap import diagram\.drawio -o threatmap\.yaml/);
  });
});
