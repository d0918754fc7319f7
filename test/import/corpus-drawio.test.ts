// The draw.io example of the shared corpus (shared/corpus/README.md: origin and licence), read where it is:
// IriusRisk StartLeft's basic example, one compressed page of AWS shapes. What a reader of the picture sees:
// three VPCs side by side; an EC2 "Availability" in VPC 1, an SQS queue "Messaging" in VPC 2, an EC2
// "Bookings" and an Aurora database "DDBB" in VPC 3; arrows Availability -> Messaging -> Bookings -> DDBB.
// Skipped, with the reason, when the file is not there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { importDrawio } from '../../src/import/drawio.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { analyzeText } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const FILE = join('drawio', 'startleft-drawio-basic-example.drawio');
const dir = corpusDir('', FILE);
const skip = dir ? false : corpusMissing(`the StartLeft draw.io example (${FILE})`);
const inflate = (d: Uint8Array) => inflateRawSync(d);

function load() {
  const text = readFileSync(join(dir!, FILE), 'utf8');
  const r = importDrawio(text, 'basic.drawio', { inflate });
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { ...r, text: r.text, summary: r.summary, model: loaded.model, drawio: text };
}

describe('draw.io corpus: StartLeft\'s basic AWS example', { skip }, () => {
  it('one compressed page, read without a diagnostic', () => {
    const r = load();
    assert.deepEqual(r.diagnostics, []);
    assert.ok(!r.drawio.includes('<mxGraphModel'), 'the page is stored compressed');
    assert.deepEqual(r.summary.pages, ['Page-1']);
    assert.equal(r.summary.version, '19.0.3');
  });

  it('each VPC a boundary: an AWS VPC group, internal network, none inside another', () => {
    const r = load();
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.name, b.trust, b.kind, b.parent ?? null]), [
      ['vpc-1', 'VPC 1', 'internal', 'network', null],
      ['vpc-2', 'VPC 2', 'internal', 'network', null],
      ['vpc-3', 'VPC 3', 'internal', 'network', null],
    ]);
    assert.match(r.text, /# internal: an AWS VPC\n {2}vpc-1:/);
  });

  it('each icon an element of its service\'s type or technology, in its VPC', () => {
    const r = load();
    assert.deepEqual(r.model.elements.map((e) => [e.name, e.kind, e.type ?? null, e.tech ?? null, e.boundary ?? null]), [
      // EC2: the catalog has no such technology; a service, and a note naming the icon.
      ['Availability', 'process', 'service', null, 'vpc-1'],
      ['Messaging', 'store', 'queue', 'sqs', 'vpc-2'],
      // Aurora: the catalog's technology (a database); which engine the icon does not say.
      ['DDBB', 'store', 'database', 'aurora', 'vpc-3'],
      ['Bookings', 'process', 'service', null, 'vpc-3'],
    ]);
    assert.match(r.text, /# AWS ec2: the catalog has no technology for it; type service from the icon\n {2}availability:/);
    assert.match(r.text, /# Aurora is MySQL- or PostgreSQL-compatible, and the icon does not say which: set `tech` to mysql or postgres if the engine matters\n {2}ddbb:/);
  });

  it('each arrow a flow, in the direction drawn; no label: SQS\'s own API, sql to a database, else http, noted', () => {
    const r = load();
    const name = new Map(r.model.elements.map((e) => [e.id, e.name]));
    assert.deepEqual(r.model.flows.map((f) => [name.get(f.from), name.get(f.to), f.protocol]), [
      // File order: the arrow inside VPC 3 is stored first.
      ['Bookings', 'DDBB', 'sql'],
      ['Availability', 'Messaging', 'cloud-api'],
      ['Messaging', 'Bookings', 'http'],
    ]);
    assert.equal(r.text.match(/# no protocol on the arrow: http assumed\n/g)?.length, 1);
    assert.match(r.text, /\n {2}# no protocol on the arrow: sql, as `ddbb` is a database, assumed\n {2}- bookings -> ddbb: sql\n/);
    // Each says where its cell is in the page's XML.
    assert.match(r.text, /# basic\.drawio page "Page-1" \(compressed\) 1:\d+ cell la1Y3zmRGmYUid53ubu8-11 \(arrow\)\n {2}# no protocol on the arrow: cloud-api, `messaging`'s technology's, assumed\n {2}- availability -> messaging: cloud-api/);
  });

  it('without an inflater, one error naming the page; with one, byte-identical output that analyze reads', () => {
    const r = load();
    const none = importDrawio(r.drawio, 'basic.drawio');
    assert.deepEqual(none.diagnostics.map((d) => [d.code, d.message]), [['compressed-page', 'page "Page-1" is compressed (deflate and base64) and nothing was given to inflate it']]);
    assert.equal(load().text, r.text);
    const a = analyzeText(r.text, 'imported.yaml');
    assert.ok(a.threats.length > 0);
  });
});
