// s20 (td-bidi): a Threat Dragon flow with `isBidirectional: true` is one threatmap flow from its source (read as
// the caller), since a threatmap flow already implies its reply; a flow back as well made every finding of the
// connection twice. Flows the file draws each way stay a flow each, the threats on the flow stay on its one
// flow, and the Threat Dragon export and its import keep it one flow (as OTM does: otm-bidi-s20.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { renderThreatDragon, TD_OWN, type TdDocument } from '../../src/render/threat-dragon.js';
import { analyzeText } from '../helpers.js';
import { analyseText, roundTrip } from './roundtrip.js';

type Json = Record<string, unknown>;

/** A browser (an actor, so outside) and an API (a process), joined by the flows given. */
function td(flows: Json[]): string {
  const node = (shape: string, type: string, id: string, name: string, x: number): Json =>
    ({ shape, id, position: { x, y: 40 }, size: { width: 160, height: 80 }, data: { type, name, threats: [] } });
  const cells = [node('actor', 'tm.Actor', 'c-b', 'Browser', 0), node('process', 'tm.Process', 'c-a', 'API', 400), ...flows];
  return JSON.stringify({ version: '2.2.0', summary: { title: 'Bidi' }, detail: { diagrams: [{ title: 'D', cells }] } }, null, 2);
}

/** A flow cell between the browser (`b`) and the API (`a`), over HTTP unless the data says otherwise. */
function flow(id: string, source: 'b' | 'a', target: 'b' | 'a', data: Json = {}): Json {
  return { shape: 'flow', id, source: { cell: `c-${source}` }, target: { cell: `c-${target}` }, data: { type: 'tm.Flow', name: id, protocol: 'HTTP', threats: [], ...data } };
}

const SNIFFING = { id: 't-1', title: 'Sniffing', type: 'Information disclosure', modelType: 'STRIDE', severity: 'High', status: 'Open' };

function imported(text: string) {
  const r = importThreatDragon(text, 'bidi.td.json');
  assert.ok(r.text && r.summary && !hasErrors(r.diagnostics), `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return { text: r.text, triage: r.triage?.text, summary: r.summary, model: loaded.model, result: analyzeText(r.text, 'imported.yaml') };
}

const arrows = (m: { flows: ReadonlyArray<{ from: string; to: string }> }) => m.flows.map((f) => `${f.from} -> ${f.to}`);
/** The cleartext findings by key (sorted: the report orders them by risk), with the flows each one names. */
const cleartext = (r: ReturnType<typeof imported>) =>
  r.result.threats.filter((t) => t.ruleId.startsWith('cleartext-')).map((t) => [t.key, t.flows]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const NOTE_ONE = '1 bidirectional flow is one flow from the source (a flow implies its reply): add a flow back only where the destination also calls the source';

describe('Threat Dragon import: a bidirectional flow is one flow', () => {
  it('one flow from its source, with a comment and a note saying it was bidirectional', () => {
    const r = imported(td([flow('f1', 'b', 'a', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['browser -> api']);
    assert.equal(r.summary.flows, 1);
    assert.match(r.text, /# bidi\.td\.json:\d+ flow f1 \(bidirectional in OWASP Threat Dragon: one flow from its source, the caller, whose reply it implies; add api -> browser only if api also calls browser\)\n {2}- browser -> api: \{ name: f1, protocol: http \}\n/);
    assert.ok(r.summary.notes.includes(NOTE_ONE), r.summary.notes.join('\n'));
  });

  it('reports each finding of the connection once, on the caller\'s side', () => {
    const r = imported(td([flow('f1', 'b', 'a', { isBidirectional: true })]));
    assert.deepEqual(cleartext(r), [
      ['cleartext-disclosure@browser', ['browser->api']],
      ['cleartext-tampering@browser', ['browser->api']],
    ]);
  });

  it('the threats Threat Dragon attaches to it, and their statuses, sit on its one flow', () => {
    const r = imported(td([flow('f1', 'b', 'a', { isBidirectional: true, threats: [SNIFFING, { ...SNIFFING, id: 't-2', title: 'Replay', type: 'Tampering', status: 'Mitigated', mitigation: 'nonces' }] })]));
    assert.deepEqual(r.summary.threats.map((t) => [t.title, t.on]), [['Sniffing', 'browser -> api'], ['Replay', 'browser -> api']]);
    assert.deepEqual(r.model.threats.map((t) => [t.id, t.on.map((o) => `${o.kind} ${o.id}`)]), [['sniffing', ['flow browser->api']], ['replay', ['flow browser->api']]]);
    assert.deepEqual(r.result.threats.filter((t) => t.ruleId.startsWith('threat:')).map((t) => t.key).sort(), ['threat:replay@browser->api', 'threat:sniffing@browser->api']);
    assert.match(r.triage ?? '', /threat:replay@browser->api/);
  });

  it('`isBidirectional` false, absent or the string "true" is no bidirectional flow: one flow, no comment or note', () => {
    for (const data of [{ isBidirectional: false }, {}, { isBidirectional: 'true' }]) {
      const r = imported(td([flow('f1', 'b', 'a', data)]));
      assert.deepEqual(arrows(r.model), ['browser -> api'], JSON.stringify(data));
      assert.doesNotMatch(r.text, /bidirectional/, JSON.stringify(data));
      assert.ok(!r.summary.notes.some((n) => n.includes('bidirectional')), JSON.stringify(data));
    }
  });
});

describe('Threat Dragon import: flows drawn each way', () => {
  it('two one-way flows in opposite directions stay two flows, each with its findings', () => {
    const r = imported(td([flow('f1', 'b', 'a'), flow('f2', 'a', 'b', { isBidirectional: false })]));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'api -> browser']);
    assert.deepEqual(cleartext(r), [
      ['cleartext-disclosure@api', ['api->browser']],
      ['cleartext-disclosure@browser', ['browser->api']],
      ['cleartext-tampering@api', ['api->browser']],
      ['cleartext-tampering@browser', ['browser->api']],
    ]);
  });

  it('a bidirectional flow and one drawn back: the one back is kept, no flow twice, no id needed', () => {
    const r = imported(td([flow('f1', 'b', 'a', { isBidirectional: true }), flow('f2', 'a', 'b')]));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'api -> browser']);
    assert.deepEqual(r.model.flows.map((f) => f.id), ['browser->api', 'api->browser']);
    assert.match(r.text, /flow f1 \(bidirectional in OWASP Threat Dragon: one flow from its source, the caller, whose reply it implies; the file's own api -> browser is kept\)\n/);
    assert.match(r.text, /# bidi\.td\.json:\d+ flow f2\n/);
    assert.ok(r.summary.notes.includes(NOTE_ONE), r.summary.notes.join('\n'));
  });

  // s21 (twoway): the same connection drawn twice is one flow (was a flow from each source).
  it('a bidirectional flow each way is one flow, from the first one\'s caller', () => {
    const r = imported(td([flow('f1', 'b', 'a', { isBidirectional: true }), flow('f2', 'a', 'b', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['browser -> api']);
    assert.ok(r.summary.notes.includes(NOTE_ONE), r.summary.notes.join('\n'));
    assert.ok(r.summary.notes.includes('1 flow joins another drawn against it (two-way, or one-way from the caller): one flow each, with the facts and threats of both (see the comments)'), r.summary.notes.join('\n'));
  });

  it('two flows the same way, one bidirectional: two flows, the second with an id of its own', () => {
    const r = imported(td([flow('f1', 'b', 'a', { isBidirectional: true }), flow('f2', 'b', 'a')]));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'browser -> api']);
    assert.deepEqual(r.model.flows.map((f) => f.id), ['browser->api', 'f2']);
  });
});

describe('Threat Dragon: a bidirectional flow through export and import again', () => {
  const first = imported(td([flow('f1', 'b', 'a', { isBidirectional: true, threats: [SNIFFING] })]));

  it('stays one flow, and the model and its analysis come back unchanged', () => {
    const r = roundTrip('threat-dragon', first.text, first.triage);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    assert.deepEqual(arrows(loadModel(r.model, 'back.yaml').model!), ['browser -> api']);
  });

  it('is exported one-way: the model keeps no trace of `isBidirectional`, and one-way reads back the same', () => {
    const doc = JSON.parse(renderThreatDragon(first.result, { model: first.model })) as TdDocument;
    const flows = doc.detail.diagrams[0].cells.filter((c) => c.shape === 'flow');
    assert.deepEqual(flows.map((c) => c.shape === 'flow' && c.data.isBidirectional), [false]);
  });

  it('a flow threatmap exported, made bidirectional in Threat Dragon: still its one flow, with its id and its facts', () => {
    const model = [
      'threatmap: 1',
      'system: { name: Shop }',
      'elements:',
      '  api: { kind: process, type: api }',
      '  db: { kind: store, type: database }',
      'flows:',
      '  - api -> db: { protocol: postgres+tls, auth: password, credential: shop-db }',
      '  - api -> db: { id: api-reports, protocol: postgres+tls, auth: password, credential: shop-db }',
      '',
    ].join('\n');
    const before = analyseText(model, 'model.yaml');
    const doc = JSON.parse(renderThreatDragon(before.result, { model: before.model })) as TdDocument;
    // The exporter's type says `false`: Threat Dragon's own edit is what this stands for.
    for (const c of doc.detail.diagrams[0].cells) if (c.shape === 'flow') (c.data as unknown as Json).isBidirectional = true;
    assert.ok(doc.detail.diagrams[0].cells.some((c) => c.shape === 'flow' && (c.data as unknown as Record<string, { id?: string }>)[TD_OWN]?.id === 'api-reports'));
    const r = importThreatDragon(JSON.stringify(doc, null, 2), 'model.td.json', { output: 'back.yaml' });
    assert.ok(r.text && !hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    const back = analyseText(r.text, 'back.yaml');
    assert.deepEqual(back.model.flows.map((f) => [f.id, f.from, f.to, f.credential, f.auth]), [
      ['api->db', 'api', 'db', 'shop-db', 'password'],
      ['api-reports', 'api', 'db', 'shop-db', 'password'],
    ]);
    assert.deepEqual(back.result.threats.map((t) => t.key).sort(), before.result.threats.map((t) => t.key).sort());
  });
});

describe('Threat Dragon import: the fixture drawn in Threat Dragon', () => {
  it("shop.td.json's bidirectional Login is one flow web-app -> auth, and no-circuit-breaker no longer reads a reply as auth calling web-app", () => {
    const r = imported(readFileSync('test/fixtures/td-import/shop.td.json', 'utf8'));
    assert.deepEqual(r.model.flows.filter((f) => [f.from, f.to].includes('auth')).map((f) => `${f.from} -> ${f.to}`), ['web-app -> auth']);
    assert.ok(!r.result.threats.some((t) => t.flows.includes('auth->web-app')), r.result.threats.map((t) => t.key).join(', '));
  });
});

// s20 (bidi-dir): Threat Dragon's source of a bidirectional flow is only how it was drawn; the ends say which calls.
/** The browser (actor), the API and a worker (processes) and a database (store), joined by the flows given. */
function tdWithStore(flows: Json[]): string {
  const node = (shape: string, type: string, id: string, name: string, x: number): Json =>
    ({ shape, id, position: { x, y: 40 }, size: { width: 160, height: 80 }, data: { type, name, threats: [] } });
  const cells = [
    node('actor', 'tm.Actor', 'c-b', 'Browser', 0), node('process', 'tm.Process', 'c-a', 'API', 400),
    node('store', 'tm.Store', 'c-s', 'DB', 800), node('process', 'tm.Process', 'c-w', 'Worker', 1200), ...flows,
  ];
  return JSON.stringify({ version: '2.2.0', summary: { title: 'Bidi' }, detail: { diagrams: [{ title: 'D', cells }] } }, null, 2);
}
const between = (id: string, source: string, target: string, data: Json = {}): Json =>
  ({ shape: 'flow', id, source: { cell: `c-${source}` }, target: { cell: `c-${target}` }, data: { type: 'tm.Flow', name: id, protocol: 'HTTP', threats: [], ...data } });

describe('Threat Dragon import: which end of a bidirectional flow calls', () => {
  it('drawn from the store: the flow goes into the store, and its comment says it was turned round', () => {
    const r = imported(tdWithStore([between('f2', 's', 'a', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.match(r.text, /flow f2 \(bidirectional in OWASP Threat Dragon, drawn from db; a store does not call: read as api -> db, whose reply it implies\)\n {2}- api -> db:/);
    assert.ok(r.summary.notes.includes('1 bidirectional flow is one flow from the caller (1 against the way it was drawn: see its comment) (a flow implies its reply): add a flow back only where the destination also calls the source'), r.summary.notes.join('\n'));
  });

  it('drawn from the process towards the browser (an actor): the browser calls in', () => {
    const r = imported(tdWithStore([between('f1', 'a', 'b', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['browser -> api']);
    assert.match(r.text, /flow f1 \(bidirectional in OWASP Threat Dragon, drawn from api; `browser` is external: it calls into ours: read as browser -> api, whose reply it implies;/);
  });

  it('two processes: as drawn, in today\'s words', () => {
    const r = imported(tdWithStore([between('f3', 'w', 'a', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['worker -> api']);
    assert.match(r.text, /flow f3 \(bidirectional in OWASP Threat Dragon: one flow from its source, the caller, whose reply it implies; add api -> worker only if api also calls worker\)\n/);
    assert.ok(r.summary.notes.includes(NOTE_ONE), r.summary.notes.join('\n'));
  });

  it('a one-way flow is never turned, even from a store', () => {
    const r = imported(tdWithStore([between('f2', 's', 'a')]));
    assert.deepEqual(arrows(r.model), ['db -> api']);
  });

  // s21 (twoway): a one-way flow from the caller is the same connection (were both kept as drawn, the store calling).
  it('drawn from the store, and the file also draws api -> db: one flow api -> db', () => {
    const r = imported(tdWithStore([between('f2', 's', 'a', { isBidirectional: true }), between('f4', 'a', 's')]));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.match(r.text, /flow f2 \(bidirectional in OWASP Threat Dragon, drawn from db; a store does not call: read as api -> db, whose reply it implies\)\n {2}# joined: flow f4 \(line \d+\), drawn api -> db, is this connection drawn again/);
  });

  it('drawn from the answering ends, as the review\'s repro: the API\'s and the store\'s findings come back', () => {
    const r = imported(tdWithStore([between('f1', 'a', 'b', { isBidirectional: true }), between('f2', 's', 'a', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'api -> db']);
    const keys = r.result.threats.map((t) => t.key);
    for (const k of ['missing-authentication@api', 'unauthenticated-store-access@db']) assert.ok(keys.includes(k), `${k} in ${keys.join(' ')}`);
  });
});
