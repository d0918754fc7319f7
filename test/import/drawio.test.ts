// `threatmap import` of draw.io / diagrams.net diagrams: the mapping on a small fixture written for the tests
// (test/fixtures/drawio-import/shop.drawio: two pages, AWS groups nested by parent and a shape placed by
// geometry, generic DFD shapes, Azure and GCP icons, an unknown shape, HTML labels, arrows of every kind and
// the broken ones), a compressed page made here with node:zlib, bad XML as one diagnostic with its position,
// never a throw, and byte-stable output that loads and analyses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importDrawio } from '../../src/import/drawio.js';
import type { ImportOptions } from '../../src/import/import-common.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { analyzeText } from '../helpers.js';

const SHOP = readFileSync('test/fixtures/drawio-import/shop.drawio', 'utf8');
const inflate = (d: Uint8Array) => inflateRawSync(d);
/** The 1-based line of the first occurrence of `needle`. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

function imported(text = SHOP, file = 'shop.drawio', options: ImportOptions = { inflate }) {
  const r = importDrawio(text, file, options);
  assert.ok(r.text && r.summary, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return { ...r, text: r.text, summary: r.summary, model: loaded.model, raw: parseYaml(r.text) as Record<string, any> };
}

/** One page of cells (after the two root cells) in an mxfile, stored inline. */
const page = (cells: string, name = 'P') =>
  `<mxfile><diagram name="${name}"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>\n${cells}\n</root></mxGraphModel></diagram></mxfile>`;
const vertex = (id: string, label: string, style: string, [x, y, w, h]: number[], parent = '1') =>
  `<mxCell id="${id}" value="${label}" style="${style}" vertex="1" parent="${parent}"><mxGeometry x="${x}" y="${y}" width="${w}" height="${h}" as="geometry"/></mxCell>\n`;
const edge = (id: string, source: string, target: string, style = 'html=1;', label = '') =>
  `<mxCell id="${id}" value="${label}" style="${style}" edge="1" parent="1" source="${source}" target="${target}"><mxGeometry relative="1" as="geometry"/></mxCell>\n`;
/** draw.io's compression: base64 of raw deflate of the URI-encoded XML. */
const compress = (xml: string) => deflateRawSync(Buffer.from(encodeURIComponent(xml))).toString('base64');
/** The fixture with every page compressed, as draw.io saves with compression on. */
const compressed = (text: string) => text.replace(/(<diagram [^>]*>)\s*(<mxGraphModel[\s\S]*?<\/mxGraphModel>)\s*(<\/diagram>)/g, (_, open: string, model: string, close: string) => `${open}${compress(model)}${close}`);

describe('drawio import: the fixture', () => {
  const r = imported();
  const el = (id: string) => r.model.elements.find((e) => e.id === id)!;

  it('both pages merged into one model; the system named after the file; the version said', () => {
    assert.deepEqual(r.summary.pages, ['Shop', 'Operations']);
    assert.equal(r.summary.version, '24.7.8');
    assert.deepEqual(r.raw.system, { name: 'shop' });
    assert.match(r.text, /^# Imported by `threatmap import` from shop\.drawio \(draw\.io 24\.7\.8\)\.$/m);
    assert.match(r.text, /^# Pages merged into this model: "Shop", "Operations"\.$/m);
    assert.deepEqual([r.summary.boundaries, r.summary.elements, r.summary.flows], [6, 15, 13]); // s20: a two-headed arrow is one flow
  });

  it('kinds, types and technologies from the styles: AWS, Azure and GCP icons, DFD shapes, an unknown shape noted', () => {
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.type ?? null, e.tech ?? null]), [
      ['load-balancer', 'process', 'load-balancer', 'alb'],
      ['orders-api', 'process', 'function', 'lambda'],
      ['orders-db', 'store', 'database', 'postgres'],
      // The catalog has no EC2: a type, and a note naming the icon.
      ['worker', 'process', 'service', null],
      ['customer', 'external', 'user', null],
      ['payment-provider', 'external', null, null],
      ['audit-service', 'process', null, null],
      ['audit-log', 'store', null, null],
      ['edge-router', 'process', null, null],
      ['secrets', 'store', 'secrets-vault', null],
      // A GCP card: its white box says nothing, its icon part (and its label) says Cloud Storage.
      ['exports', 'store', 'object-storage', 'gcs'],
      ['mailer', 'process', null, null],
      ['operator-on-call', 'external', 'user', null],
      ['admin-console', 'process', 'cloud-console', 'aws-console'],
      // Same name on another page: another element, its id made unique.
      ['orders-db-2', 'store', null, null],
    ]);
    assert.match(r.text, /^# {3}worker: AWS ec2: the catalog has no technology for it; type service from the icon$/m);
    assert.match(r.text, /# shape mxgraph\.cisco\.routers\.router: not one threatmap reads; a process assumed, set `kind` or `type`\n {2}edge-router: \{ name: Edge router, kind: process, handles: \[ data \] \}/);
    assert.match(r.text, /# a cloud shape: a system outside/);
  });

  it('labels: HTML reduced to its text (<br> a space, entities decoded), placeholders filled from the object', () => {
    assert.equal(el('orders-api').name, 'Orders API');
    assert.equal(el('operator-on-call').name, 'Operator (on call)');
    assert.equal(el('exports').name, 'Exports');
  });

  it('containers become boundaries, nested by parent; AWS groups give trust and kind; subnets told by their fill', () => {
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.trust, b.kind, b.parent ?? null]), [
      ['outside', 'untrusted', 'network', null],
      ['aws-cloud', 'internal', 'cloud', null],
      ['shop-vpc', 'internal', 'network', 'aws-cloud'],
      ['public-subnet', 'dmz', 'network', 'shop-vpc'],
      // Unnamed: called what its icon and fill say it is.
      ['aws-private-subnet', 'internal', 'network', 'shop-vpc'],
      // A plain dashed box drawn around the customer, not grouped with it; untrusted by its name.
      ['internet', 'untrusted', 'network', null],
    ]);
    assert.match(r.text, /# dmz: an AWS public subnet\n {2}public-subnet:/);
    assert.match(r.text, /# a box drawn around other shapes without holding them: read as a boundary\n {2}internet:/);
  });

  it('elements: in their parent box, or by geometry in a box drawn inside it; groups only gather; externals in no box go outside', () => {
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.boundary ?? null]), [
      ['load-balancer', 'public-subnet'], ['orders-api', 'aws-private-subnet'], ['orders-db', 'aws-private-subnet'],
      // Its parent is the VPC; it is drawn inside the private subnet.
      ['worker', 'aws-private-subnet'],
      ['customer', 'internet'], ['payment-provider', 'outside'], ['audit-service', null], ['audit-log', null], ['edge-router', null],
      ['secrets', null], ['exports', null], ['mailer', null], ['operator-on-call', 'outside'], ['admin-console', null], ['orders-db-2', null],
    ]);
    assert.match(r.text, /# drawn inside `aws-private-subnet` without being grouped into it: placed there by where it is drawn\n {2}worker:/);
    assert.match(r.text, /# {3}payment-provider, operator-on-call: in no box; placed in `outside` \(untrusted\) as external; check it/);
  });

  it('text cells, edge labels and decorations are no elements; each entry says where its cell is', () => {
    assert.ok(!r.model.elements.some((e) => /shop architecture|https|cloudwatch/i.test(e.name)));
    assert.match(r.text, /^# 1 text cell \(annotations on the canvas\) not imported\.$/m);
    assert.match(r.text, /left out 1 unlabelled shape that no arrow touches \(decoration\): AWS cloudwatch \(cell metrics\)/);
    assert.match(r.text, new RegExp(`# shop\\.drawio:${lineOf(SHOP, 'id="api"')}:9 page "Shop" cell api \\(AWS lambda\\)\\n {2}orders-api:`));
    assert.match(r.text, new RegExp(`# shop\\.drawio:${lineOf(SHOP, 'id="vpc"')}:9 page "Shop" cell vpc \\(AWS group_vpc\\)\\n`));
    assert.match(r.text, new RegExp(`# shop\\.drawio:${lineOf(SHOP, 'id="op"')}:9 page "Operations" cell op \\(actor\\)\\n`));
  });

  it('arrows: direction from the arrowheads, protocol from the label (HTTPS, gRPC/TLS, a port), else the target\'s technology, else http', () => {
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.to, f.protocol, f.name ?? null]), [
      // The protocol is an edge label's (a vertex whose parent is the edge): the flow needs no other name.
      ['customer', 'load-balancer', 'https', null],
      ['load-balancer', 'orders-api', 'http', 'forwards orders (HTTP)'],
      ['orders-api', 'orders-db', 'postgres', null],
      ['orders-api', 'payment-provider', 'grpcs', null],
      // endArrow=none, startArrow=classic: drawn from the worker, pointing at it.
      ['orders-db', 'worker', 'postgres', null],
      // Arrowheads at both ends: one flow as drawn, whose reply it implies (s20: was one each way).
      ['worker', 'audit-service', 'http', 'audit events'],
      ['audit-service', 'audit-log', 'http', null],
      ['orders-api', 'secrets', 'http', 'reads secrets'],
      // Attached to the GCP card's icon part: the card.
      ['worker', 'exports', 'cloud-api', 'uploads'],
      ['audit-service', 'mailer', 'http', null],
      ['edge-router', 'load-balancer', 'http', null],
      ['operator-on-call', 'admin-console', 'ssh', null],
      ['admin-console', 'orders-db-2', 'http', 'runs migrations'],
    ]);
    assert.match(r.text, /# no protocol on the arrow: postgres, `orders-db`'s technology's, assumed\n {2}- orders-api -> orders-db: postgres/);
    assert.match(r.text, /# arrowheads at both ends: one flow from where it was drawn from \(`worker`\), whose reply it implies; add audit-service -> worker only if `audit-service` also calls `worker`\n {2}- worker -> audit-service:/);
    assert.doesNotMatch(r.text, /the way back|- audit-service -> worker/);
    assert.match(r.text, /# a line without arrowheads: read from where it was drawn from \(`audit-service`\) to `audit-log`; check the direction/);
    assert.match(r.text, /# no protocol on the arrow: http assumed\n {2}- orders-api -> secrets:/);
  });

  it('a loose end, an arrow to a boundary and one to a text: warnings at the arrow\'s line:col, left out', () => {
    assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.line, d.col]), [
      ['warning', 'missing-reference', lineOf(SHOP, 'id="e8"'), 9],
      ['warning', 'edge-to-boundary', lineOf(SHOP, 'id="e9"'), 9],
      ['warning', 'edge-to-non-element', lineOf(SHOP, 'id="e10"'), 9],
    ]);
    assert.match(r.diagnostics[0].message, /^page "Shop": an arrow whose target is attached to no shape \(a loose end\) is left out$/);
    assert.match(r.diagnostics[1].message, /the boundary `aws-private-subnet`, not a shape in it, is left out/);
    assert.match(r.diagnostics[2].message, /is a text \(cell title\) is left out/);
  });

  it('the output is byte-identical for the same input, loads, and analyze runs on it', () => {
    assert.equal(importDrawio(SHOP, 'shop.drawio', { inflate }).text, r.text);
    const a = analyzeText(r.text, 'imported.yaml');
    assert.ok(a.threats.length > 0);
    assert.ok(a.threats.some((t) => t.flows.includes('orders-api->payment-provider')));
  });
});

describe('drawio import: compressed pages', () => {
  const packed = compressed(SHOP);

  it('the fixture compressed (made here with deflateRawSync) reads the same, with positions in each page\'s XML', () => {
    assert.ok(!packed.includes('<mxGraphModel'), 'every page compressed');
    const plain = imported();
    const r = imported(packed);
    const body = (t: string) => t.replace(/^ *#.*\n/gm, '');
    assert.equal(body(r.text), body(plain.text));
    assert.match(r.text, new RegExp(`# shop\\.drawio page "Shop" \\(compressed\\) ${lineOf(SHOP, 'id="api"') - 3}:9 cell api \\(AWS lambda\\)\\n {2}orders-api:`));
    // A warning points at the page's <diagram> in the file and says where in the page's XML.
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.col]), [
      ['edge-to-boundary', 3, 3], ['edge-to-non-element', 3, 3], ['missing-reference', 3, 3],
    ]);
    assert.match(r.diagnostics[2].message, new RegExp(`^page "Shop" \\(compressed\\), ${lineOf(SHOP, 'id="e8"') - 3}:9 of its XML: an arrow whose target`));
  });

  it('without an inflater, a compressed page is one error naming the page; a broken one says why', () => {
    const r = importDrawio(packed, 'shop.drawio');
    assert.equal(r.text, undefined);
    assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.line, d.col]), [
      ['error', 'compressed-page', 3, 3], ['error', 'compressed-page', lineOf(packed, '<diagram id="ops"'), 3],
    ]);
    assert.match(r.diagnostics[0].message, /^page "Shop" is compressed \(deflate and base64\) and nothing was given to inflate it$/);
    assert.match(r.diagnostics[0].hint!, /options\.inflate/);
    const bad = (data: string) => importDrawio(`<mxfile><diagram name="X">${data}</diagram></mxfile>`, 'x.drawio', { inflate }).diagnostics;
    assert.deepEqual(bad('not base64!').map((d) => [d.code, d.message]), [['bad-compressed-page', 'page "X": its content is neither a graph nor base64 (how draw.io stores a compressed page)']]);
    assert.match(bad(Buffer.from('plain text').toString('base64'))[0].message, /^page "X": its content does not inflate \(raw deflate\)/);
    const broken = bad(compress('<mxGraphModel><root><mxCell id="0"></root></mxGraphModel>'));
    // Where the page is in the file; where in the page's XML, in the message.
    assert.deepEqual(broken.map((d) => [d.code, d.line, d.col]), [['syntax-error', 1, 9]]);
    assert.match(broken[0].message, /^page "X" \(compressed\), 1:\d+ of its XML: XML syntax: unexpected close tag/);
  });
});

describe('drawio import: more shapes and arrows', () => {
  it('a bare <mxGraphModel> is one page; a box styled container=1 holds what is drawn in it; drawn boxes nest by geometry', () => {
    const cells = vertex('outer', 'Corporate network', 'rounded=0;container=1;html=1;', [0, 0, 400, 400])
      + vertex('inner', 'DMZ', 'swimlane;html=1;', [50, 50, 200, 200])
      + vertex('web', 'Web', 'ellipse;html=1;', [100, 100, 40, 40])
      + vertex('far', 'Far', 'ellipse;html=1;', [300, 300, 40, 40])
      + vertex('empty', 'Empty zone', 'container=1;html=1;', [500, 0, 100, 100])
      + edge('e', 'web', 'far');
    const text = `<?xml version="1.0"?>\n<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>${cells}</root></mxGraphModel>`;
    const r = imported(text, 'net.drawio.xml');
    assert.deepEqual(r.summary.pages, ['page 1']);
    assert.equal(r.model.system.name, 'net');
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.trust, b.parent ?? null]), [
      ['corporate-network', 'internal', null], ['dmz', 'dmz', 'corporate-network'], ['empty-zone', 'internal', null],
    ]);
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.boundary ?? null]), [['web', 'dmz'], ['far', 'corporate-network']]);
  });

  it('a list shape (a UML class, an ER table) is one element, its rows no elements; plain boxes are processes, said once', () => {
    const r = imported(page(vertex('cls', 'Account', 'swimlane;childLayout=stackLayout;html=1;', [0, 0, 160, 90])
      + vertex('row', '+ id: int', 'text;html=1;', [0, 26, 160, 26], 'cls')
      + vertex('row2', '+ name: string', 'html=1;', [0, 52, 160, 26], 'cls')
      + vertex('box', 'Billing', 'rounded=1;whiteSpace=wrap;html=1;', [300, 0, 120, 60])
      + edge('e', 'box', 'cls', 'html=1;', 'HTTP/S')));
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind]), [['account', 'process'], ['billing', 'process']]);
    assert.deepEqual(r.model.boundaries.map((b) => b.id), []);
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.to, f.protocol]), [['billing', 'account', 'https']]);
    assert.match(r.text, /# {3}account, billing: plain boxes, read as processes/);
  });

  it('DFD notation: external entity, data stores (open rectangle, cylinder), processes; label protocols by port and TLS', () => {
    const r = imported(page(vertex('u', 'Client', 'shape=mxgraph.dfd.externalEntity;html=1;', [0, 0, 100, 60])
      + vertex('p', 'Order process', 'shape=ellipse;html=1;perimeter=ellipsePerimeter;', [200, 0, 80, 80])
      + vertex('s', 'Orders', 'shape=partialRectangle;right=0;left=0;html=1;', [400, 0, 100, 30])
      + vertex('q', 'Queue', 'shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.sqs;html=1;', [600, 0, 78, 78])
      + edge('a', 'u', 'p', 'html=1;', 'TLS')
      + edge('b', 'p', 's', 'html=1;', 'TCP 5432 (TLS)')
      + edge('c', 'p', 'q', 'html=1;', 'upload file')));
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.boundary ?? null]), [
      ['client', 'external', 'outside'], ['order-process', 'process', null], ['orders', 'store', null], ['queue', 'store', null],
    ]);
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.to, f.protocol, f.name ?? null]), [
      ['client', 'order-process', 'tls', null], ['order-process', 'orders', 'postgres+tls', null], ['order-process', 'queue', 'cloud-api', 'upload file'],
    ]);
  });

  it('an arrow to itself, to an unknown cell, to a group: warnings; AWS groups of other icons and unnamed boxes', () => {
    const r = imported(page(vertex('a', 'A', 'ellipse;', [0, 0, 40, 40])
      + vertex('g', '', 'group', [100, 0, 100, 100]) + vertex('b', 'B', 'ellipse;', [0, 0, 40, 40], 'g')
      + vertex('asg', '', 'container=1;shape=mxgraph.aws4.groupCenter;grIcon=mxgraph.aws4.group_auto_scaling_group;', [300, 0, 200, 200])
      + vertex('c', 'C', 'ellipse;', [10, 10, 40, 40], 'asg')
      + edge('e1', 'a', 'a') + edge('e2', 'a', 'nowhere') + edge('e3', 'a', 'g') + edge('e4', 'b', 'c')));
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['self-flow', 'unknown-reference', 'edge-to-non-element']);
    assert.match(r.diagnostics[2].message, /is a group \(cell g\)/);
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.trust]), [['boundary', 'internal']]);
    assert.match(r.text, /# internal assumed: AWS group_auto_scaling_group is not an AWS group threatmap knows; check it\n {2}boundary:/);
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.to]), [['b', 'c']]);
  });
});

describe('drawio import: icon libraries', () => {
  it('AWS, Azure and GCP icons: a catalog technology where it has one, else a type; network plumbing not read, noted', () => {
    const icons: Array<[string, string]> = [
      ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.ec2;', 'service'], ['shape=mxgraph.aws4.lambda_function;', 'lambda'],
      ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.rds;', 'database'], ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.aurora;', 'aurora'],
      ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.dynamodb;', 'dynamodb'], ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.s3;', 's3'],
      ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.sqs;', 'sqs'], ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.sns;', 'sns'],
      ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.api_gateway;', 'api-gateway'], ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.cloudfront;', 'cloudfront'],
      ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.elastic_load_balancing;', 'elb'], ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.cognito;', 'cognito'],
      ['shape=mxgraph.aws4.elasticache_for_redis;', 'redis'], ['shape=mxgraph.aws4.users;', 'user'], ['shape=mxgraph.aws3.dynamo_db;', 'dynamodb'],
      ['image;image=img/lib/azure2/databases/Azure_Database_PostgreSQL_Server.svg;', 'azure-postgres'], ['image;image=img/lib/azure2/databases/SQL_Database.svg;', 'azure-sql'],
      ['image;image=img/lib/azure2/compute/Function_Apps.svg;', 'function'], ['image;image=img/lib/azure2/integration/Service_Bus.svg;', 'queue'],
      ['shape=mxgraph.gcp2.hexIcon;prIcon=cloud_sql;', 'database'], ['shape=mxgraph.gcp2.hexIcon;prIcon=cloud_pubsub;', 'pub-sub'],
      ['shape=mxgraph.gcp2.hexIcon;prIcon=compute_engine;', 'service'],
      ['shape=mxgraph.aws4.internet_gateway;', 'process'], ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.waf;', 'process'],
    ];
    const r = imported(page(icons.map(([style], i) => vertex(`c${i}`, `Icon ${i}`, style, [i * 100, 0, 78, 78])).join('')));
    assert.deepEqual(r.model.elements.map((e) => e.tech ?? e.type ?? e.kind), icons.map(([, want]) => want));
    assert.match(r.text, /# AWS internet_gateway: a shape threatmap does not read; a process assumed, set `kind` or `type`\n {2}icon-22:/);
    assert.match(r.text, /# a firewall in the path: threatmap has no firewall element; put the `waf` control on what it guards, or remove it\n {2}icon-23:/);
  });
});

describe('drawio import: bad input', () => {
  const only = (text: string) => {
    const r = importDrawio(text, 'd.drawio', { inflate });
    assert.equal(r.text, undefined);
    assert.equal(r.diagnostics.length, 1, formatDiagnostics(r.diagnostics));
    return r.diagnostics[0];
  };

  it('an XML syntax error is one error with its line and column', () => {
    const d = only(SHOP.replace('</mxGraphModel>', '</mxGraphModl>'));
    assert.deepEqual([d.code, d.line], ['syntax-error', lineOf(SHOP, '</mxGraphModel>')]);
    assert.ok(d.col > 1);
    assert.match(d.message, /^XML syntax: unexpected close tag/);
  });

  it('a DOCTYPE is refused; XML of another root, and an mxfile without pages, say what was expected', () => {
    const doctype = only('<?xml version="1.0"?>\n<!DOCTYPE mxfile [<!ENTITY a "ha">]>\n<mxfile>&a;</mxfile>');
    assert.deepEqual([doctype.code, doctype.line], ['xml-doctype', 2]);
    assert.match(doctype.hint!, /draw\.io never writes one/);
    const other = only('<svg xmlns="http://www.w3.org/2000/svg"/>');
    assert.deepEqual([other.code, other.message], ['not-drawio', 'not a draw.io diagram: expected an `mxfile` or `mxGraphModel` root element, found `svg`']);
    assert.equal(only('<mxfile host="drawio"/>').code, 'no-pages');
    // An empty file is said to be empty, with what it should have held.
    assert.deepEqual([only('').code, only('').message], ['empty-file', 'the file is empty; expected a draw.io diagram (XML with an `mxfile` or `mxGraphModel` root)']);
    assert.equal(only('<?xml version="1.0"?>\n').code, 'syntax-error');
  });
});

describe('drawio import: editable SVG (.drawio.svg)', () => {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  /** The fixture as draw.io exports an editable SVG: a comment, SVG 1.1's DOCTYPE, the diagram in the root's `content`. */
  const svgOf = (mxfile: string, doctype = '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">') =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<!-- Do not edit this file with editors other than draw.io -->\n${doctype}\n`
    + `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="800px" height="600px" content="${escape(mxfile)}"><defs/><g><rect x="0" y="0" width="10" height="10"/></g></svg>\n`;

  it('reads the diagram its content holds: the same model as the .drawio, positions inside the diagram', () => {
    const plain = importDrawio(SHOP, 'shop.drawio', { inflate });
    for (const svg of [svgOf(SHOP), svgOf(compressed(SHOP))]) {
      const r = importDrawio(svg, 'shop.drawio.svg', { inflate });
      assert.ok(r.text !== undefined, formatDiagnostics(r.diagnostics));
      const model = (text: string) => loadModel(text, 'm.yaml').model!;
      const [a, b] = [model(plain.text!), model(r.text)];
      assert.deepEqual(b.elements.map((e) => [e.id, e.kind, e.type, e.tech, e.boundary]), a.elements.map((e) => [e.id, e.kind, e.type, e.tech, e.boundary]));
      assert.deepEqual(b.flows.map((f) => [f.id, f.protocol]), a.flows.map((f) => [f.id, f.protocol]));
      assert.match(r.text, /# shop\.drawio\.svg page "[^"]+" \((?:compressed, )?in the SVG\) \d+:\d+ cell /);
      // Warnings point at the <svg> (line 4) and name the place inside the diagram.
      assert.ok(r.diagnostics.length > 0 && r.diagnostics.every((d) => d.line === 4 && /\(.*in the SVG\), \d+:\d+ of its XML/.test(d.message)), formatDiagnostics(r.diagnostics));
    }
  });

  it('refuses a DOCTYPE other than SVG 1.1\'s, or one that declares entities; an SVG without a diagram is not one', () => {
    const entity = importDrawio(svgOf(SHOP, '<!DOCTYPE svg [<!ENTITY x "boom">]>'), 'evil.drawio.svg');
    assert.deepEqual(entity.diagnostics.map((d) => [d.code, d.line]), [['xml-doctype', 3]]);
    const other = importDrawio(svgOf(SHOP, '<!DOCTYPE html>'), 'x.drawio.svg');
    assert.deepEqual(other.diagnostics.map((d) => d.code), ['xml-doctype']);
    const plainSvg = importDrawio('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', 'logo.svg');
    assert.deepEqual(plainSvg.diagnostics.map((d) => d.code), ['not-drawio']);
    const broken = importDrawio(svgOf('<mxfile><diagram name="A"><mxGraphModel><root></mxGraphModel></diagram></mxfile>'), 'b.drawio.svg');
    assert.equal(broken.diagnostics[0].line, 4);
    assert.match(broken.diagnostics[0].message, /^the diagram in the SVG's content attribute, 1:\d+ of its XML: XML syntax/);
  });
});

describe('drawio import: a technology from the label', () => {
  const shapes = (...cells: string[]) => imported(page(cells.join(''))).model.elements.map((e) => [e.name, e.kind, e.type ?? null, e.tech ?? null]);

  it('takes the one catalog technology a label names, when the shape allows it', () => {
    assert.deepEqual(shapes(
      vertex('a', 'Orders DB (PostgreSQL)', 'shape=cylinder3;whiteSpace=wrap;html=1;', [0, 0, 60, 80]),
      vertex('b', 'Redis cache', 'rounded=0;whiteSpace=wrap;html=1;', [100, 0, 120, 60]),
      vertex('c', 'Bookings (PostgreSQL)', 'shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.aurora;', [200, 0, 78, 78]),
      vertex('d', 'API Gateway', 'rounded=0;whiteSpace=wrap;html=1;', [300, 0, 120, 60]),
    ), [
      ['Orders DB (PostgreSQL)', 'store', 'database', 'postgres'],
      ['Redis cache', 'store', 'cache', 'redis'],
      ['Bookings (PostgreSQL)', 'store', 'database', 'postgres'],
      ['API Gateway', 'process', 'gateway', 'api-gateway'],
    ]);
  });

  it('reads none from two technologies, a shape of another kind, or an everyday word', () => {
    assert.deepEqual(shapes(
      vertex('a', 'Kafka to Postgres bridge', 'rounded=0;whiteSpace=wrap;html=1;', [0, 0, 120, 60]),
      vertex('b', 'PostgreSQL adapter', 'ellipse;whiteSpace=wrap;html=1;', [150, 0, 80, 80]),
      vertex('c', 'Node 1', 'rounded=0;whiteSpace=wrap;html=1;', [300, 0, 120, 60]),
    ), [
      ['Kafka to Postgres bridge', 'process', null, null],
      ['PostgreSQL adapter', 'process', null, null],
      ['Node 1', 'process', null, null],
    ]);
  });

  it('leaves out what hidden layers and hidden shapes hold, and says so', () => {
    const text = page([
      vertex('web', 'Web app', 'rounded=0;', [0, 0, 100, 60]),
      vertex('db', 'Orders DB', 'shape=cylinder3;', [200, 0, 80, 80]),
      edge('e1', 'web', 'db'),
      '<mxCell id="draft" value="Ideas" parent="0" visible="0"/>\n',
      vertex('queue', 'Future queue', 'rounded=0;', [0, 200, 100, 60], 'draft'),
      edge('e2', 'web', 'queue').replace('parent="1"', 'parent="draft"'),
      vertex('old', 'Old cache', 'rounded=0;', [300, 200, 100, 60]).replace('vertex="1"', 'vertex="1" visible="0"'),
    ].join(''));
    const r = imported(text, 'hidden.drawio');
    assert.deepEqual(Object.keys(r.raw.elements), ['web-app', 'orders-db']);
    assert.deepEqual(r.raw.flows.map((f: Record<string, unknown>) => Object.keys(f)[0]), ['web-app -> orders-db']);
    assert.ok(r.summary.notes.includes('left out 3 shapes and arrows that are hidden (hidden layer Ideas (P)); show the layer in draw.io to import them'), r.summary.notes.join('\n'));
  });
});

// s20 (bidi-dir): two arrowheads say nothing of who calls; the ends do (twoWayCaller), as in OTM and Threat Dragon.
describe('draw.io import: which end of a two-headed arrow calls', () => {
  const BOTH = 'html=1;startArrow=classic;endArrow=classic;';
  const shapes = vertex('b', 'Browser', 'shape=umlActor;', [0, 0, 30, 60]) + vertex('a', 'API', 'rounded=0;', [200, 0, 120, 60])
    + vertex('d', 'DB', 'shape=cylinder3;', [400, 0, 60, 80]) + vertex('w', 'Worker', 'rounded=0;', [600, 0, 120, 60]);
  const flowsOf = (edges: string) => imported(page(shapes + edges), 'bidi.drawio', {}).model.flows.map((f) => `${f.from} -> ${f.to}`);

  it('drawn from the store: the flow goes into the store, and its comment says it was turned round', () => {
    const r = imported(page(shapes + edge('e1', 'd', 'a', BOTH)), 'bidi.drawio', {});
    assert.deepEqual(r.model.flows.map((f) => `${f.from} -> ${f.to}`), ['api -> db']);
    assert.match(r.text, /# arrowheads at both ends, drawn from `db`; a store does not call: read as api -> db, whose reply it implies\n {2}- api -> db:/);
  });

  it('drawn from the process towards the browser: the browser calls in', () => {
    const r = imported(page(shapes + edge('e1', 'a', 'b', BOTH)), 'bidi.drawio', {});
    assert.deepEqual(r.model.flows.map((f) => `${f.from} -> ${f.to}`), ['browser -> api']);
    assert.match(r.text, /# arrowheads at both ends, drawn from `api`; `browser` is external: it calls into ours: read as browser -> api,/);
  });

  it('two processes: as drawn, in today\'s words', () => {
    const r = imported(page(shapes + edge('e1', 'w', 'a', BOTH)), 'bidi.drawio', {});
    assert.deepEqual(r.model.flows.map((f) => `${f.from} -> ${f.to}`), ['worker -> api']);
    assert.match(r.text, /# arrowheads at both ends: one flow from where it was drawn from \(`worker`\), whose reply it implies;/);
  });

  it('one arrowhead is never turned, even from a store', () => {
    assert.deepEqual(flowsOf(edge('e1', 'd', 'a')), ['db -> api']);
    assert.deepEqual(flowsOf(edge('e1', 'a', 'd', 'html=1;startArrow=classic;endArrow=none;')), ['db -> api']);
  });

  // s21 (twoway): an arrow from the caller is the same connection (were both kept as drawn, the store calling).
  it('drawn from the store, and an arrow api -> db as well: one flow api -> db, either first', () => {
    assert.deepEqual(flowsOf(edge('e1', 'd', 'a', BOTH) + edge('e2', 'a', 'd')), ['api -> db']);
    assert.deepEqual(flowsOf(edge('e2', 'a', 'd') + edge('e1', 'd', 'a', BOTH)), ['api -> db']);
  });
});
