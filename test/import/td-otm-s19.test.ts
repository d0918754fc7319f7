// s19 review of imported models (/tmp/s19-review-imports/REPORT.md #3, #4, #5, #10, #11, #12, #17, #18): Threat
// Dragon loose ends, file reads, config secrets, clients by name and the author's severity; OTM zones named
// Public that hold our own servers; draw.io's Aurora icon; the OTM spec example's quoted string closed too far out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { importDrawio } from '../../src/import/drawio.js';
import { importOtm } from '../../src/import/otm.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { analyzeText } from '../helpers.js';

type Json = Record<string, unknown>;

/** A loadable model from an import, or a failed assertion with the diagnostics. */
function loaded(r: { text?: string; diagnostics: readonly unknown[] }) {
  assert.ok(r.text, `no model:\n${formatDiagnostics(r.diagnostics as never)}`);
  const l = loadModel(r.text, 'imported.yaml');
  assert.ok(l.model && !hasErrors(l.diagnostics), `imported model does not load:\n${formatDiagnostics(l.diagnostics)}\n${r.text}`);
  return { text: r.text, model: l.model, raw: parseYaml(r.text) as Record<string, any> };
}

// --- Threat Dragon ---------------------------------------------------------------------------------------

const box = (shape: string, type: string, id: string, name: string, [x, y, w, h]: number[], data: Json = {}): Json =>
  ({ shape, id, position: { x, y }, size: { width: w, height: h }, data: { type, name, ...data } });
const actor = (id: string, name: string, at: number[], data: Json = {}) => box('actor', 'tm.Actor', id, name, at, data);
const proc = (id: string, name: string, at: number[], data: Json = {}) => box('process', 'tm.Process', id, name, at, data);
const store = (id: string, name: string, at: number[], data: Json = {}) => box('store', 'tm.Store', id, name, at, data);
const end = (v: string | { x: number; y: number }) => (typeof v === 'string' ? { cell: v } : v);
const flow = (id: string, source: string | { x: number; y: number }, target: string | { x: number; y: number }, data: Json = {}): Json =>
  ({ shape: 'flow', id, source: end(source), target: end(target), data: { type: 'tm.Flow', name: id, ...data } });
const td = (cells: Json[]) => JSON.stringify({ version: '2.2.0', summary: { title: 'T' }, detail: { diagrams: [{ title: 'D', cells }] } }, null, 2);
const tdImport = (cells: Json[]) => importThreatDragon(td(cells), 'm.td.json');

describe('Threat Dragon: a loose flow end beside one element (#3)', () => {
  // The demo's Browser: x 10-170, y 30-110; its Web Request starts at (180, 70), 10 px off its right edge.
  const browser = actor('b', 'Browser', [10, 30, 160, 80]);
  const web = proc('w', 'Web', [220, 180, 100, 100]);

  it('an end within 20 px of one element is attached to it, with a note on the flow and in the header', () => {
    const r = loaded(tdImport([browser, web, flow('req', { x: 180, y: 70 }, 'w', { protocol: 'HTTPS' })]));
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.to, f.protocol]), [['browser', 'web', 'https']]);
    assert.match(r.text, /# its source is a loose end at \(180, 70\), 10 px from `browser`: attached to it/);
    assert.match(r.text, /^# {3}flow browser -> web \(cell req\): its source is a loose end/m);
  });

  it('an end far from every element, or near two, leaves the flow out with a warning', () => {
    const far = tdImport([browser, web, flow('req', { x: 195, y: 70 }, 'w')]);
    assert.deepEqual(loaded(far).model.flows, []);
    assert.ok(far.diagnostics.some((d) => d.code === 'missing-reference' && /within 20 px/.test(d.hint ?? '')), formatDiagnostics(far.diagnostics));
    const other = actor('o', 'Other', [10, 120, 160, 80]);
    const both = tdImport([browser, other, web, flow('req', { x: 90, y: 115 }, 'w')]);
    assert.deepEqual(loaded(both).model.flows, []);
    assert.ok(both.diagnostics.some((d) => d.code === 'missing-reference'));
  });
});

describe('Threat Dragon: flows that read files (#12)', () => {
  const web = proc('w', 'Web', [220, 180, 100, 100]);

  it('a flow whose out-of-scope reason says file system, or that reads a config store, is `file`', () => {
    const r = loaded(tdImport([
      web, store('c', 'Web Config', [0, 400, 160, 80]), store('s', 'Keys', [300, 400, 160, 80]),
      flow('read', 'c', 'w'),
      flow('keys', 's', 'w', { outOfScope: true, reasonOutOfScope: 'This data flow represents a read from the file system' }),
    ]));
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.protocol]), [['web-config', 'file'], ['keys', 'file']]);
    assert.match(r.text, /# no protocol in the file: file assumed, as the flow says "This data flow represents a read from the file system"/);
    assert.match(r.text, /# no protocol in the file: file assumed, as its store "Web Config" is named as files/);
  });

  it('a database read, a config DB, and a flow that names its protocol keep the network protocol', () => {
    const r = loaded(tdImport([
      web, store('d', 'Database', [0, 400, 160, 80]), store('c', 'Config DB', [300, 400, 160, 80]), store('f', 'Config', [600, 400, 160, 80]),
      flow('q', 'd', 'w'), flow('cq', 'c', 'w'), flow('named', 'f', 'w', { protocol: 'HTTPS' }),
    ]));
    assert.deepEqual(r.model.flows.map((f) => f.protocol), ['http', 'http', 'https']);
  });
});

describe('Threat Dragon: storesCredentials on a store only read (#10)', () => {
  const web = proc('w', 'Web', [220, 180, 100, 100]);
  const config = store('c', 'Web Config', [0, 400, 160, 80], { storesCredentials: true });

  it('holds the secrets services read: a `secrets` asset, with a note, and no slow-hash advice', () => {
    const r = loaded(tdImport([web, config, flow('read', 'c', 'w')]));
    const stores = r.model.elements.find((e) => e.id === 'web-config')!.stores;
    assert.ok(stores.includes('service-secrets') && !stores.includes('credentials'), stores.join());
    // s20: the placeholders are `data` (what processes handle) and `stored-data` (what stores keep).
    assert.deepEqual(r.model.assets.filter((a) => a.id !== 'data' && a.id !== 'stored-data').map((a) => [a.id, a.type]), [['service-secrets', 'secrets']]);
    // The placeholder data assets are still added: the import's own asset is no data the file declared.
    assert.ok(r.model.assets.some((a) => a.id === 'data') && stores.includes('stored-data'), stores.join());
    assert.match(r.text, /# storesCredentials, but no flow writes to it: read as the secrets services read/);
    assert.ok(!analyzeText(r.text).threats.some((t) => t.ruleId === 'unhashed-passwords'));
  });

  it('a store some flow writes to keeps the `credentials` asset', () => {
    const users = store('u', 'Users', [0, 400, 160, 80], { storesCredentials: true });
    const r = loaded(tdImport([web, users, flow('write', 'w', 'u'), flow('read', 'u', 'w')]));
    assert.ok(r.model.elements.find((e) => e.id === 'users')!.stores.includes('credentials'));
    assert.ok(!r.model.assets.some((a) => a.id === 'service-secrets'));
  });
});

describe('Threat Dragon: clients by name (#11)', () => {
  it('processes named Browser, Mobile App, My script, Desktop app, and an actor named Browser, are clients', () => {
    const r = loaded(tdImport([
      proc('b', 'Browser', [0, 0, 100, 100]), proc('m', 'Mobile App', [200, 0, 100, 100]), proc('s', 'My script', [400, 0, 100, 100]),
      proc('d', 'Desktop app', [600, 0, 100, 100]), actor('a', 'Web Browser', [800, 0, 100, 100]),
    ]));
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.type, e.tech ?? null]), [
      ['browser', 'external', 'user-agent', 'browser'], ['mobile-app', 'external', 'user-agent', 'mobile-app'],
      ['my-script', 'external', 'user-agent', null], ['desktop-app', 'external', 'user-agent', null],
      ['web-browser', 'external', 'user-agent', 'browser'],
    ]);
    assert.match(r.text, /# a process in Threat Dragon named "Mobile App": read as the client a person uses \(tech mobile-app\)/);
  });

  it('a service whose name only mentions a client (Mobile API, Browser Gateway) and a person stay what they were', () => {
    const r = loaded(tdImport([
      proc('m', 'Mobile API', [0, 0, 100, 100]), proc('g', 'Browser Gateway', [200, 0, 100, 100]), actor('u', 'User', [400, 0, 100, 100]),
      proc('w', 'Browser', [600, 0, 100, 100], { isWebApplication: true }),
    ]));
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.type ?? null]),
      [['mobile-api', 'process', null], ['browser-gateway', 'process', null], ['user', 'external', 'user'], ['browser', 'process', 'web-app']]);
  });
});

describe("Threat Dragon: the author's severity is the risk (#5)", () => {
  const threat = (severity: string, title: string) => ({ id: title, title, type: 'Tampering', status: 'Open', severity, description: 'd' });
  // Deep inside (no untrusted caller): left to the model, the likelihood would be Low and High would drop to Medium.
  const cells = (severity: string) => [
    proc('w', 'Worker', [220, 180, 100, 100], { threats: [threat(severity, 'Forged jobs')] }), store('d', 'Jobs', [0, 400, 160, 80]), flow('q', 'w', 'd'),
  ];

  it('High, Medium, Low and Critical come out as written, with a note', () => {
    for (const [severity, risk] of [['High', 'High'], ['Medium', 'Medium'], ['Low', 'Low'], ['Critical', 'Critical']]) {
      const r = loaded(tdImport(cells(severity)));
      const t = analyzeText(r.text).threats.find((x) => x.title === 'Forged jobs')!;
      assert.equal(t.risk, risk, severity);
    }
    assert.match(loaded(tdImport(cells('High'))).text, /# likelihood medium and impact high set so that the risk is the author's High/);
  });

  it('a severity that is no rating (TBA) states none: the model rates it', () => {
    const r = loaded(tdImport(cells('TBA')));
    const written = r.raw.threats['forged-jobs'];
    assert.equal(written.likelihood, undefined);
    assert.equal(written.impact, undefined);
    assert.doesNotMatch(r.text, /set so that the risk is the author's/);
  });
});

// --- OTM ------------------------------------------------------------------------------------------------

const otm = (zones: string, components: string, flows = '') =>
  `otmVersion: 0.1.0\nproject:\n  name: P\n  id: p\ntrustZones:\n${zones}components:\n${components}${flows ? `dataflows:\n${flows}` : ''}`;
const zone = (id: string, name: string, rating: number) => `  - id: ${id}\n    name: ${name}\n    risk:\n      trustRating: ${rating}\n`;
const component = (id: string, type: string, z: string) => `  - id: ${id}\n    name: ${id}\n    type: ${type}\n    parent:\n      trustZone: ${z}\n`;
const dataflow = (id: string, from: string, to: string) => `  - id: ${id}\n    source: ${from}\n    destination: ${to}\n`;

describe('OTM: a zone named Public or Internet (#4)', () => {
  const model = otm(
    zone('internet', 'Internet', 1) + zone('public', 'Public', 1) + zone('private-secured', 'Private Secured', 100),
    component('user', 'generic-client', 'internet') + component('web', 'web-application-server-side', 'public') + component('db', 'postgresql', 'private-secured'),
    dataflow('f1', 'user', 'web') + dataflow('f2', 'web', 'db'),
  );
  const r = loaded(importOtm(model, 'm.otm.yaml'));
  const trust = (id: string) => r.model.boundaries.find((b) => b.id === id)?.trust;

  it('holding our own web server, it is the DMZ, with a note; no "database reachable from the internet"', () => {
    assert.equal(trust('public'), 'dmz');
    assert.match(r.text, /# dmz: named like the outside, but it holds the system's own `web`: the part facing the internet; check it/);
    assert.ok(!analyzeText(r.text).threats.some((t) => t.ruleId === 'exposed-data-store'));
  });

  it('holding only clients, it stays untrusted', () => {
    assert.equal(trust('internet'), 'untrusted');
    assert.equal(trust('private-secured'), 'restricted');
  });
});

// --- draw.io --------------------------------------------------------------------------------------------

const page = (cells: string) =>
  `<mxfile><diagram name="P"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>\n${cells}\n</root></mxGraphModel></diagram></mxfile>`;
const vertex = (id: string, label: string, style: string, [x, y, w, h]: number[]) =>
  `<mxCell id="${id}" value="${label}" style="${style}" vertex="1" parent="1"><mxGeometry x="${x}" y="${y}" width="${w}" height="${h}" as="geometry"/></mxCell>\n`;
const edge = (id: string, source: string, target: string, label = '') =>
  `<mxCell id="${id}" value="${label}" style="html=1;" edge="1" parent="1" source="${source}" target="${target}"><mxGeometry relative="1" as="geometry"/></mxCell>\n`;
const AURORA = 'shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.aurora;';
const LAMBDA = 'shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.lambda;';
const drawio = (cells: string) => loaded(importDrawio(page(cells), 'm.drawio', { inflate: (d: Uint8Array) => inflateRawSync(d) }));

describe('draw.io: the Aurora icon (#17)', () => {
  it('is tech aurora, and an arrow to it with no protocol is sql, each with a note', () => {
    const r = drawio(vertex('a', 'Bookings', LAMBDA, [0, 0, 78, 78]) + vertex('d', 'DDBB', AURORA, [200, 0, 78, 78]) + edge('e', 'a', 'd'));
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.tech ?? null]), [['bookings', 'lambda'], ['ddbb', 'aurora']]);
    assert.equal(r.model.flows[0].protocol, 'sql');
    assert.match(r.text, /# no protocol on the arrow: sql, as `ddbb` is a database, assumed/);
    assert.match(r.text, /# Aurora is MySQL- or PostgreSQL-compatible, and the icon does not say which: set `tech` to mysql or postgres/);
  });

  it('a label naming the engine still wins; an arrow to a service, or one naming its protocol, is not sql', () => {
    const r = drawio(vertex('a', 'Bookings', LAMBDA, [0, 0, 78, 78]) + vertex('d', 'Orders (PostgreSQL)', AURORA, [200, 0, 78, 78])
      + vertex('b', 'Billing', 'html=1;', [400, 0, 78, 78]) + edge('e1', 'a', 'd') + edge('e2', 'a', 'b') + edge('e3', 'b', 'd', 'HTTPS'));
    assert.equal(r.model.elements.find((e) => e.id.startsWith('orders'))!.tech, 'postgres');
    assert.deepEqual(r.model.flows.map((f) => f.protocol), ['postgres', 'http', 'https']);
  });
});

// --- The OTM specification's example: a quoted string closed too far out (#18) ---------------------------

describe('import: a multi-line quoted string closed at its key\'s indent (#18)', () => {
  const snippet = (closing: string) => otm(zone('z', 'Cloud', 60), `${component('app', 'web-service', 'z')}    representations:\n`
    + '      - representation: code\n        id: c\n        codeSnippet:\n'
    + "          'public void f() {\n          int n = 1;\n                System.out.println(\"n: \" + n);\n"
    + `${closing}}'\n`);

  it('is reported at the closing line, with the hint, and yaml\'s follow-on errors there are cut', () => {
    const text = snippet('        ');
    const r = importOtm(text, 'spec.yaml');
    assert.equal(r.text, undefined);
    const closingLine = text.split('\n').findIndex((l) => l === "        }'") + 1;
    assert.deepEqual(r.diagnostics.map((d) => [d.line, d.col, d.code]), [[closingLine, 9, 'syntax-error']]);
    assert.match(r.diagnostics[0].message, new RegExp(`^line ${closingLine} closes the quoted value of \`codeSnippet\``));
    assert.match(r.diagnostics[0].hint ?? '', /^indent the continuation lines of a quoted string more than its key/);
  });

  it('indented past its key, the same file imports; a quote left open on one line is said as validate says it', () => {
    loaded(importOtm(snippet('          '), 'spec.yaml'));
    const open = importOtm(otm(zone('z', 'Cloud', 60), "  - id: app\n    name: 'App\n    type: web-service\n"), 'open.yaml');
    assert.ok(open.diagnostics.some((d) => d.message === "the quoted value `'App` has no closing `'`"), formatDiagnostics(open.diagnostics));
  });
});
