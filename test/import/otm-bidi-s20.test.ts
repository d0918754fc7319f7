// s20: an OTM dataflow with `bidirectional: true` is one threatmap flow from its source (the caller), since a
// threatmap flow already implies its reply; two flows made every finding of the connection twice. Dataflows the
// file draws each way stay a flow each, and the OTM export and its import keep a model's flows as they were.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { twoWayCaller } from '../../src/import/import-common.js';
import { importOtm } from '../../src/import/otm.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { renderOtm, type OtmDocument } from '../../src/render/otm.js';
import { analyzeText } from '../helpers.js';
import { roundTrip } from './roundtrip.js';

interface Dataflow { id: string; source: string; destination: string; bidirectional?: unknown; threats?: string }

/** A browser on the internet and an API in a DMZ, joined by the dataflows given (no protocol: http assumed). */
function otm(dataflows: Dataflow[]): string {
  const lines = [
    'otmVersion: 0.2.0',
    'project: { name: Bidi, id: bidi }',
    'trustZones:',
    '  - { id: internet, name: Internet, risk: { trustRating: 0 } }',
    '  - { id: dmz, name: DMZ, risk: { trustRating: 33 } }',
    'components:',
    '  - { id: browser, name: Browser, type: web-client, parent: { trustZone: internet } }',
    '  - { id: api, name: API, type: web-service, parent: { trustZone: dmz } }',
    'dataflows:',
  ];
  for (const f of dataflows) {
    lines.push(`  - id: ${f.id}`, `    source: ${f.source}`, `    destination: ${f.destination}`);
    if (f.bidirectional !== undefined) lines.push(`    bidirectional: ${JSON.stringify(f.bidirectional)}`);
    if (f.threats) lines.push('    threats:', `      - { threat: ${f.threats}, state: exposed }`);
  }
  if (dataflows.some((f) => f.threats)) lines.push('threats:', '  - { id: T1, name: Sniffing, categories: [Information Disclosure] }');
  return `${lines.join('\n')}\n`;
}

function imported(text: string) {
  const r = importOtm(text, 'bidi.otm.yaml');
  assert.ok(r.text && !hasErrors(r.diagnostics), `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return { text: r.text, triage: r.triage?.text, summary: r.summary!, model: loaded.model, result: analyzeText(r.text, 'imported.yaml') };
}

const arrows = (m: { flows: ReadonlyArray<{ from: string; to: string }> }) => m.flows.map((f) => `${f.from} -> ${f.to}`);
/** The cleartext findings by key (sorted: the report orders them by risk), with the flows each one names. */
const cleartext = (r: ReturnType<typeof imported>) =>
  r.result.threats.filter((t) => t.ruleId.startsWith('cleartext-')).map((t) => [t.key, t.flows]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('OTM import: a bidirectional dataflow is one flow', () => {
  it('one flow from its source, with a comment and a note saying it was bidirectional', () => {
    const r = imported(otm([{ id: 'f1', source: 'browser', destination: 'api', bidirectional: true }]));
    assert.deepEqual(arrows(r.model), ['browser -> api']);
    assert.equal(r.summary.flows, 1);
    assert.match(r.text, /# bidi\.otm\.yaml:10 dataflow f1 \(bidirectional in OTM: one flow from its source, the caller, whose reply it implies; add api -> browser only if api also calls browser\)\n {2}# no protocol in the OTM file: http assumed\n {2}- browser -> api: http\n/);
    assert.ok(r.summary.notes.includes('1 bidirectional dataflow is one flow from the source (a flow implies its reply): add a flow back only where the destination also calls the source'), r.summary.notes.join('\n'));
  });

  it('reports each finding of the connection once, on the caller\'s side', () => {
    const r = imported(otm([{ id: 'f1', source: 'browser', destination: 'api', bidirectional: true }]));
    assert.deepEqual(cleartext(r), [
      ['cleartext-disclosure@browser', ['browser->api']],
      ['cleartext-tampering@browser', ['browser->api']],
    ]);
  });

  it('the threats on it sit on its one flow', () => {
    const r = imported(otm([{ id: 'f1', source: 'browser', destination: 'api', bidirectional: true, threats: 'T1' }]));
    assert.deepEqual(r.summary.threats.map((t) => [t.id, t.on]), [['T1', ['browser -> api']]]);
    assert.deepEqual(r.model.threats.map((t) => t.on.map((o) => `${o.kind} ${o.id}`)), [['flow browser->api']]);
  });

  it('`bidirectional: false`, null or a string is no bidirectional dataflow: one flow, no comment or note', () => {
    for (const value of [false, null, 'true']) {
      const r = imported(otm([{ id: 'f1', source: 'browser', destination: 'api', bidirectional: value }]));
      assert.deepEqual(arrows(r.model), ['browser -> api'], String(value));
      assert.doesNotMatch(r.text, /bidirectional/, String(value));
      assert.ok(!r.summary.notes.some((n) => n.includes('bidirectional')), String(value));
    }
  });
});

describe('OTM import: dataflows drawn each way', () => {
  it('two one-way dataflows in opposite directions stay two flows, each with its findings', () => {
    const r = imported(otm([
      { id: 'f1', source: 'browser', destination: 'api', bidirectional: false },
      { id: 'f2', source: 'api', destination: 'browser' },
    ]));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'api -> browser']);
    assert.deepEqual(cleartext(r), [
      ['cleartext-disclosure@api', ['api->browser']],
      ['cleartext-disclosure@browser', ['browser->api']],
      ['cleartext-tampering@api', ['api->browser']],
      ['cleartext-tampering@browser', ['browser->api']],
    ]);
  });

  it('a bidirectional dataflow and one drawn back: the one back is kept, no flow twice, no id needed', () => {
    const r = imported(otm([
      { id: 'f1', source: 'browser', destination: 'api', bidirectional: true },
      { id: 'f2', source: 'api', destination: 'browser' },
    ]));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'api -> browser']);
    assert.deepEqual(r.model.flows.map((f) => f.id), ['browser->api', 'api->browser']);
    assert.match(r.text, /dataflow f1 \(bidirectional in OTM: one flow from its source, the caller, whose reply it implies; the file's own api -> browser is kept\)\n/);
    assert.match(r.text, /# bidi\.otm\.yaml:\d+ dataflow f2\n/);
  });

  // s21 (twoway): the same connection drawn twice is one flow (was a flow from each source).
  it('a bidirectional dataflow each way is one flow, from the first one\'s caller', () => {
    const r = imported(otm([
      { id: 'f1', source: 'browser', destination: 'api', bidirectional: true },
      { id: 'f2', source: 'api', destination: 'browser', bidirectional: true },
    ]));
    assert.deepEqual(arrows(r.model), ['browser -> api']);
    assert.ok(r.summary.notes.includes('1 bidirectional dataflow is one flow from the source (a flow implies its reply): add a flow back only where the destination also calls the source'), r.summary.notes.join('\n'));
    assert.ok(r.summary.notes.includes('1 dataflow joins another drawn against it (two-way, or one-way from the caller): one flow each, with the facts and threats of both (see the comments)'), r.summary.notes.join('\n'));
  });

  it('two dataflows the same way, one bidirectional: two flows, the second with an id of its own', () => {
    const r = imported(otm([
      { id: 'f1', source: 'browser', destination: 'api', bidirectional: true },
      { id: 'f2', source: 'browser', destination: 'api' },
    ]));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'browser -> api']);
    assert.deepEqual(r.model.flows.map((f) => f.id), ['browser->api', 'f2']);
  });
});

describe('OTM: a bidirectional dataflow through export and import again', () => {
  const first = imported(otm([{ id: 'f1', source: 'browser', destination: 'api', bidirectional: true, threats: 'T1' }]));

  it('stays one flow, and the model and its analysis come back unchanged', () => {
    const r = roundTrip('otm', first.text, first.triage);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    assert.deepEqual(arrows(loadModel(r.model, 'back.yaml').model!), ['browser -> api']);
  });

  it('is exported one-way: the model keeps no trace of `bidirectional`, and one-way reads back the same', () => {
    const doc = JSON.parse(renderOtm(first.result, { model: first.model })) as OtmDocument;
    assert.deepEqual(doc.dataflows.map((d) => [d.source, d.destination, d.bidirectional]), [['browser', 'api', false]]);
  });

  it('a model with a flow each way exports two one-way dataflows and comes back with both', () => {
    const model = [
      'threatmap: 1',
      'system: { name: Each way }',
      'elements:',
      '  browser: { kind: external, type: user-agent }',
      '  api: { kind: process, type: api }',
      'flows:',
      '  - browser -> api: https',
      '  - api -> browser: https',
      '',
    ].join('\n');
    const r = roundTrip('otm', model);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    const doc = JSON.parse(r.exported) as OtmDocument;
    assert.deepEqual(doc.dataflows.map((d) => [d.source, d.destination, d.bidirectional]), [['browser', 'api', false], ['api', 'browser', false]]);
    assert.deepEqual(arrows(loadModel(r.model, 'back.yaml').model!), ['browser -> api', 'api -> browser']);
  });
});

// s20 (bidi-dir): OTM's source of a bidirectional dataflow is only how it was drawn; the ends say which calls.
/** The review's repro: an API and its database in a DMZ, a browser on the internet, each dataflow drawn from the answering end. */
const REVERSED = [
  'otmVersion: 0.2.0',
  'project: { name: Bidi, id: bidi }',
  'trustZones:',
  '  - { id: internet, name: Internet, risk: { trustRating: 0 } }',
  '  - { id: dmz, name: DMZ, risk: { trustRating: 33 } }',
  'components:',
  '  - { id: browser, name: Browser, type: web-client, parent: { trustZone: internet } }',
  '  - { id: api, name: API, type: web-service, parent: { trustZone: dmz } }',
  '  - { id: db, name: DB, type: postgresql, parent: { trustZone: dmz } }',
  '  - { id: worker, name: Worker, type: web-service, parent: { trustZone: dmz } }',
  'dataflows:',
];
const reversed = (...flows: string[]) => `${[...REVERSED, ...flows].join('\n')}\n`;

describe('OTM import: which end of a bidirectional dataflow calls', () => {
  it('drawn from the store: the flow goes into the store, and its comment says it was turned round', () => {
    const r = imported(reversed('  - { id: f2, source: db, destination: api, bidirectional: true }'));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.match(r.text, /dataflow f2 \(bidirectional in OTM, drawn from db; a store does not call: read as api -> db, whose reply it implies\)\n {2}# no protocol in the OTM file: postgres assumed\n {2}- api -> db: postgres\n/);
    assert.ok(r.summary.notes.includes('1 bidirectional dataflow is one flow from the caller (1 against the way it was drawn: see its comment) (a flow implies its reply): add a flow back only where the destination also calls the source'), r.summary.notes.join('\n'));
  });

  it('drawn from the process towards an external browser: the browser calls in', () => {
    const r = imported(reversed('  - { id: f1, source: api, destination: browser, bidirectional: true }'));
    assert.deepEqual(arrows(r.model), ['browser -> api']);
    assert.match(r.text, /dataflow f1 \(bidirectional in OTM, drawn from api; `browser` is external: it calls into ours: read as browser -> api, whose reply it implies;/);
  });

  it('two processes: as drawn, in today\'s words', () => {
    const r = imported(reversed('  - { id: f3, source: worker, destination: api, bidirectional: true }'));
    assert.deepEqual(arrows(r.model), ['worker -> api']);
    assert.match(r.text, /dataflow f3 \(bidirectional in OTM: one flow from its source, the caller, whose reply it implies; add api -> worker only if api also calls worker\)\n/);
    assert.ok(r.summary.notes.includes('1 bidirectional dataflow is one flow from the source (a flow implies its reply): add a flow back only where the destination also calls the source'), r.summary.notes.join('\n'));
  });

  it('a one-way dataflow is never turned, even from a store', () => {
    const r = imported(reversed('  - { id: f2, source: db, destination: api }'));
    assert.deepEqual(arrows(r.model), ['db -> api']);
    assert.doesNotMatch(r.text, /bidirectional/);
  });

  // s21 (twoway): a one-way dataflow from the caller is the same connection (were both kept as drawn, the store calling).
  it('drawn from the store, and the file also draws api -> db: one flow api -> db', () => {
    const r = imported(reversed(
      '  - { id: f2, source: db, destination: api, bidirectional: true }',
      '  - { id: f4, source: api, destination: db }',
    ));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.match(r.text, /dataflow f2 \(bidirectional in OTM, drawn from db; a store does not call: read as api -> db, whose reply it implies\)\n {2}# no protocol in the OTM file: postgres assumed\n {2}# joined: dataflow f4 \(line 13\), drawn api -> db, is this connection drawn again/);
  });

  it('the review\'s repro gets back the API\'s and the store\'s findings', () => {
    const r = imported(reversed(
      '  - { id: f1, source: api, destination: browser, bidirectional: true }',
      '  - { id: f2, source: db, destination: api, bidirectional: true }',
    ));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'api -> db']);
    const keys = r.result.threats.map((t) => t.key);
    for (const k of ['missing-authentication@api', 'unauthenticated-store-access@db', 'sql-injection@api']) assert.ok(keys.includes(k), `${k} in ${keys.join(' ')}`);
  });
});

describe('twoWayCaller: the caller of a two-way connection from its ends', () => {
  const end = (id: string, kind: 'external' | 'process' | 'store', untrusted?: boolean) => ({ ref: id, id, kind, ...(untrusted ? { untrusted } : {}) });
  const way = (f: { from: string; to: string; turned: boolean }) => `${f.from} -> ${f.to}${f.turned ? ' (turned)' : ''}`;

  it('a store never calls; two stores stay as drawn', () => {
    assert.equal(way(twoWayCaller(end('db', 'store'), end('api', 'process'))), 'api -> db (turned)');
    assert.equal(way(twoWayCaller(end('db', 'store'), end('browser', 'external'))), 'browser -> db (turned)');
    assert.equal(way(twoWayCaller(end('api', 'process'), end('db', 'store'))), 'api -> db');
    assert.equal(way(twoWayCaller(end('a', 'store'), end('b', 'store'))), 'a -> b');
  });

  it('the outside (external, or in an untrusted zone) calls into our process; two of a sort stay as drawn', () => {
    assert.equal(way(twoWayCaller(end('api', 'process'), end('browser', 'external'))), 'browser -> api (turned)');
    assert.equal(way(twoWayCaller(end('api', 'process'), end('partner', 'process', true))), 'partner -> api (turned)');
    assert.equal(twoWayCaller(end('api', 'process'), end('partner', 'process', true)).why, '`partner` is in an untrusted zone: it calls into ours');
    assert.equal(way(twoWayCaller(end('browser', 'external'), end('api', 'process'))), 'browser -> api');
    assert.equal(way(twoWayCaller(end('a', 'process'), end('b', 'process'))), 'a -> b');
    assert.equal(way(twoWayCaller(end('a', 'external'), end('b', 'external'))), 'a -> b');
  });
});
