// s21 (twoway): a connection drawn twice against each other (`db <-> api` and `api <-> db`, or `db <-> api` and a
// one-way `api -> db` from the caller) is one flow in all three importers that read two-way connections (OTM,
// Threat Dragon, draw.io), with the facts of both and the threats of both, not two flows that report every
// finding of the link twice; one-way flows each way (two callers) stay two. And Threat Dragon's isPublicNetwork
// puts on the internet's side the end that is outside, whichever end of a two-way flow is read as its caller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importDrawio } from '../../src/import/drawio.js';
import { type ConnectionFacts, connectionWays, type DrawnConnection, joinFacts } from '../../src/import/import-common.js';
import { importOtm } from '../../src/import/otm.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import type { ElementKind } from '../../src/model/catalog.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { analyzeText } from '../helpers.js';

type Json = Record<string, unknown>;

/** A model text an importer wrote, loaded and analysed. */
function loaded(r: { text?: string; triage?: { text: string }; diagnostics: Parameters<typeof formatDiagnostics>[0] }) {
  assert.ok(r.text && !hasErrors(r.diagnostics), `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const l = loadModel(r.text, 'imported.yaml');
  assert.ok(l.model && !hasErrors(l.diagnostics), `imported model does not load:\n${formatDiagnostics(l.diagnostics)}\n${r.text}`);
  return { text: r.text, triage: r.triage?.text, model: l.model, result: analyzeText(r.text, 'imported.yaml') };
}
const arrows = (m: { flows: ReadonlyArray<{ from: string; to: string }> }) => m.flows.map((f) => `${f.from} -> ${f.to}`);
/** Each finding's key with the flows it names, sorted: a finding twice, or on two flows, shows. */
const findings = (r: ReturnType<typeof loaded>, rule: RegExp) =>
  r.result.threats.filter((t) => rule.test(t.ruleId)).map((t) => `${t.key} ${t.flows.join(',')}`).sort();

// --- The shared logic ----------------------------------------------------------------------------------

describe('connectionWays: connections drawn twice against each other', () => {
  const end = (id: string, kind: ElementKind = 'process', untrusted?: true) => ({ ref: id, id, kind, ...(untrusted ? { untrusted } : {}) });
  const KINDS: Record<string, ElementKind> = { db: 'store', api: 'process', worker: 'process', browser: 'external' };
  const conn = (drawn: string): DrawnConnection<string> => {
    const m = /^(\w+) (<->|->) (\w+)$/.exec(drawn)!;
    return { source: end(m[1], KINDS[m[1]]), target: end(m[3], KINDS[m[3]]), bidirectional: m[2] === '<->' };
  };
  const ways = (...drawn: string[]) => connectionWays(drawn.map(conn)).map((w) => `${w.from} -> ${w.to}${w.into !== undefined ? ` (into ${w.into})` : ''}`);

  it('two two-way connections against each other: one flow from the caller, the second joining the first', () => {
    assert.deepEqual(ways('db <-> api', 'api <-> db'), ['api -> db', 'api -> db (into 0)']);
    assert.deepEqual(ways('api <-> browser', 'browser <-> api'), ['browser -> api', 'browser -> api (into 0)']);
    // Two processes: the ends say nothing, so the first one drawn says who calls.
    assert.deepEqual(ways('worker <-> api', 'api <-> worker'), ['worker -> api', 'worker -> api (into 0)']);
    assert.deepEqual(ways('api <-> worker', 'worker <-> api'), ['api -> worker', 'api -> worker (into 0)']);
  });

  it('a two-way connection and a one-way one from its caller: one flow, whichever comes first', () => {
    assert.deepEqual(ways('db <-> api', 'api -> db'), ['api -> db', 'api -> db (into 0)']);
    assert.deepEqual(ways('api -> db', 'db <-> api'), ['api -> db', 'api -> db (into 0)']);
    assert.deepEqual(ways('api <-> browser', 'worker -> api', 'browser -> api'), ['browser -> api', 'worker -> api', 'browser -> api (into 0)']);
  });

  it('one-way each way, one-way against the caller, or drawn the same way: a flow each', () => {
    assert.deepEqual(ways('api -> db', 'db -> api'), ['api -> db', 'db -> api']);
    // The file says the API calls the browser as well (a push): the browser is still the caller of the two-way one.
    assert.deepEqual(ways('browser <-> api', 'api -> browser'), ['browser -> api', 'api -> browser']);
    assert.deepEqual(ways('worker <-> api', 'api -> worker'), ['worker -> api', 'api -> worker']);
    assert.deepEqual(ways('db <-> api', 'db <-> api'), ['api -> db', 'api -> db']);
    assert.deepEqual(ways('api -> db', 'api <-> db'), ['api -> db', 'api -> db']);
  });

  it('each joins at most one other, in file order', () => {
    assert.deepEqual(ways('db <-> api', 'db <-> api', 'api -> db'), ['api -> db', 'api -> db', 'api -> db (into 0)']);
    assert.deepEqual(ways('db <-> api', 'api <-> db', 'api <-> db'), ['api -> db', 'api -> db (into 0)', 'api -> db']);
  });

  it('the turned flag of a joining connection says whether its own drawing runs against the flow', () => {
    const w = connectionWays([conn('db <-> api'), conn('api -> db')]);
    assert.deepEqual(w.map((x) => [x.turned, x.why]), [[true, 'a store does not call'], [false, undefined]]);
  });
});

describe('joinFacts: one connection\'s facts from two drawings', () => {
  const base: ConnectionFacts = { protocol: 'http', protocolStated: false, data: [], controls: [] };

  it('what one says and the other leaves unsaid is said; lists are both lists', () => {
    const j = joinFacts({ ...base, name: 'Queries', data: ['orders'], controls: ['waf'] },
      { ...base, protocol: 'postgres+tls', protocolStated: true, auth: 'password', port: 5432, data: ['orders', 'users'], controls: ['input-validation'], description: 'Results' }, 'f2');
    assert.equal(j.protocolFrom, 'other');
    assert.deepEqual(j.facts, {
      name: 'Queries', protocol: 'postgres+tls', protocolStated: true, auth: 'password', port: 5432,
      data: ['orders', 'users'], controls: ['waf', 'input-validation'], description: 'Results',
    });
    assert.deepEqual(j.notes, []);
  });

  it('where both say different things: the cleartext protocol, unencrypted, no authentication; else the kept one\'s, noted', () => {
    const j = joinFacts({ ...base, protocol: 'https', protocolStated: true, encrypted: true, auth: 'jwt', name: 'Login', description: 'A' },
      { ...base, protocol: 'http', protocolStated: true, encrypted: false, auth: 'none', name: 'Reply', description: 'B' }, 'flow f2');
    assert.deepEqual([j.protocolFrom, j.facts.protocol, j.facts.encrypted, j.facts.auth, j.facts.name, j.facts.description], ['other', 'http', false, 'none', 'Login', 'A\n\nB']);
    assert.deepEqual(j.notes, [
      'protocol: https here, http in flow f2: http kept (the cleartext one); set the one the connection uses',
      'encrypted here, not in flow f2: read as unencrypted; set `encrypted` if it is',
      'auth jwt here, none in flow f2: none kept (the weaker); set the one the connection uses',
      'name "Reply" in flow f2 left out, this one\'s "Login" kept',
    ]);
    const same = joinFacts({ ...base, protocol: 'grpc', protocolStated: true, auth: 'mtls' }, { ...base, protocol: 'http', protocolStated: true, auth: 'jwt' }, 'f2');
    assert.deepEqual([same.protocolFrom, same.facts.protocol, same.facts.auth], ['kept', 'grpc', 'mtls']);
    assert.equal(same.notes.length, 2);
  });

  it('a stated protocol beats an assumed one, whichever drawing states it; the same facts twice need no note', () => {
    assert.equal(joinFacts({ ...base, protocol: 'https', protocolStated: true }, base, 'f2').protocolFrom, 'kept');
    assert.equal(joinFacts(base, { ...base, protocol: 'sql' }, 'f2').protocolFrom, 'kept');
    const twice = joinFacts({ ...base, name: 'Q', protocol: 'https', protocolStated: true }, { ...base, name: 'Q', protocol: 'https', protocolStated: true }, 'f2');
    assert.deepEqual([twice.notes, twice.facts.name], [[], 'Q']);
  });
});

// --- OTM -------------------------------------------------------------------------------------------------

/** A browser on the internet, an API and its database in a DMZ; dataflows and extra lines given. */
function otm(dataflows: string[], extra: string[] = []): string {
  return `${[
    'otmVersion: 0.2.0',
    'project: { name: Twoway, id: twoway }',
    'trustZones:',
    '  - { id: internet, name: Internet, risk: { trustRating: 0 } }',
    '  - { id: dmz, name: DMZ, risk: { trustRating: 33 } }',
    'components:',
    '  - { id: browser, name: Browser, type: web-client, parent: { trustZone: internet } }',
    '  - { id: api, name: API, type: web-service, parent: { trustZone: dmz } }',
    '  - { id: db, name: DB, type: postgresql, parent: { trustZone: dmz } }',
    '  - { id: worker, name: Worker, type: web-service, parent: { trustZone: dmz } }',
    'dataflows:',
    ...dataflows.map((d) => `  - ${d}`),
    ...extra,
  ].join('\n')}\n`;
}
const otmImported = (text: string) => {
  const r = importOtm(text, 'twoway.otm.yaml');
  return { ...loaded(r), summary: r.summary! };
};
const OTM_THREATS = [
  'threats:',
  '  - { id: T1, name: Sniffing, categories: [Information Disclosure] }',
  '  - { id: T2, name: Replay, categories: [Tampering] }',
  'mitigations:',
  '  - { id: M1, name: Nonces }',
];

describe('OTM import: a connection drawn twice against each other is one flow', () => {
  it('two bidirectional dataflows db <-> api and api <-> db: one flow api -> db, its findings once', () => {
    const r = otmImported(otm([
      '{ id: f1, source: db, destination: api, bidirectional: true }',
      '{ id: f2, source: api, destination: db, bidirectional: true }',
    ]));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.equal(r.summary.flows, 1);
    assert.match(r.text, /# twoway\.otm\.yaml:12 dataflow f1 \(bidirectional in OTM, drawn from db; a store does not call: read as api -> db, whose reply it implies\)\n {2}# no protocol in the OTM file: postgres assumed\n {2}# joined: dataflow f2 \(line 13\), drawn api -> db two-way, is this connection drawn again: one flow with the facts of both, as a flow implies its reply\n {2}- api -> db: postgres\n/);
    assert.ok(r.summary.notes.includes('1 dataflow joins another drawn against it (two-way, or one-way from the caller): one flow each, with the facts and threats of both (see the comments)'), r.summary.notes.join('\n'));
    // Within the DMZ the findings are the zone's, naming each flow: one flow, named once.
    assert.deepEqual(findings(r, /^cleartext-/), ['cleartext-disclosure@dmz api->db', 'cleartext-tampering@dmz api->db']);
  });

  it('bidirectional db <-> api and a one-way api -> db: one flow with the facts of both, the weaker protocol noted', () => {
    const r = otmImported(otm([
      '{ id: f1, source: db, destination: api, bidirectional: true, name: Results, tags: ["protocol:postgres+tls"] }',
      '{ id: f2, source: api, destination: db, name: Queries, tags: ["protocol:postgres", "auth:password"], assets: [orders] }',
    ], ['assets:', '  - { id: orders, name: Orders, risk: { confidentiality: 80, integrity: 50, availability: 50 } }']));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    const f = r.model.flows[0];
    assert.deepEqual([f.name, f.protocol, f.auth, f.data], ['Results', 'postgres', 'password', ['orders']]);
    assert.match(r.text, /# protocol: postgres\+tls here, postgres in dataflow f2 \(line 13\): postgres kept \(the cleartext one\); set the one the connection uses\n {2}# name "Queries" in dataflow f2 \(line 13\) left out, this one's "Results" kept\n/);
  });

  it('the one-way dataflow first: it is the flow, the bidirectional one joins it', () => {
    const r = otmImported(otm([
      '{ id: f2, source: api, destination: db }',
      '{ id: f1, source: db, destination: api, bidirectional: true, tags: [postgres+tls] }',
    ]));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    // The stated protocol of the one that joined replaces the assumed one, and its note with it.
    assert.equal(r.model.flows[0].protocol, 'postgres+tls');
    assert.match(r.text, /# twoway\.otm\.yaml:12 dataflow f2\n {2}# joined: dataflow f1 \(line 13\), drawn db -> api two-way, is this connection drawn again/);
    assert.doesNotMatch(r.text, /no protocol in the OTM file/);
    assert.ok(!r.summary.notes.some((n) => n.startsWith('1 bidirectional dataflow')), r.summary.notes.join('\n'));
  });

  it('the threats and decisions on the dataflow that joined sit on the flow', () => {
    const r = otmImported(otm([
      '{ id: f1, source: db, destination: api, bidirectional: true, threats: [{ threat: T1, state: exposed }] }',
      '{ id: f2, source: api, destination: db, bidirectional: true, threats: [{ threat: T2, state: mitigated, mitigations: [{ mitigation: M1, state: implemented }] }] }',
    ], OTM_THREATS));
    assert.deepEqual(r.summary.threats.map((t) => [t.id, t.on]), [['T1', ['api -> db']], ['T2', ['api -> db']]]);
    assert.deepEqual(r.model.threats.map((t) => [t.id, t.on.map((o) => `${o.kind} ${o.id}`)]), [['T1', ['flow api->db']], ['T2', ['flow api->db']]]);
    assert.match(r.text, /# on dataflow f2 \(line 13\): state mitigated/);
    assert.match(r.text, /is this connection drawn again: one flow with the facts of both, as a flow implies its reply; its 1 threat is on this flow\n/);
    assert.match(r.triage ?? '', /threat:T2@api->db:\n\s+threat: Replay\n\s+status: mitigated/);
  });

  it('one-way dataflows each way stay two flows (two callers), each with its findings', () => {
    const r = otmImported(otm([
      '{ id: f1, source: api, destination: worker }',
      '{ id: f2, source: worker, destination: api }',
    ]));
    assert.deepEqual(arrows(r.model), ['api -> worker', 'worker -> api']);
    assert.deepEqual(findings(r, /^cleartext-/), ['cleartext-disclosure@dmz api->worker,worker->api', 'cleartext-tampering@dmz api->worker,worker->api']);
    assert.doesNotMatch(r.text, /joined/);
    assert.ok(!r.summary.notes.some((n) => n.includes('joins')), r.summary.notes.join('\n'));
  });

  it('bidirectional browser <-> api and a one-way api -> browser against its caller: two flows, the threats each on its own', () => {
    const r = otmImported(otm([
      '{ id: f1, source: browser, destination: api, bidirectional: true, threats: [{ threat: T1, state: exposed }] }',
      '{ id: f2, source: api, destination: browser, threats: [{ threat: T2, state: exposed }] }',
    ], OTM_THREATS));
    assert.deepEqual(arrows(r.model), ['browser -> api', 'api -> browser']);
    assert.deepEqual(r.summary.threats.map((t) => [t.id, t.on]), [['T1', ['browser -> api']], ['T2', ['api -> browser']]]);
    assert.doesNotMatch(r.text, /joined/);
  });
});

// --- Threat Dragon ---------------------------------------------------------------------------------------

const tdNode = (shape: string, type: string, id: string, name: string, x: number, y = 40, w = 160, h = 80): Json =>
  ({ shape, id, position: { x, y }, size: { width: w, height: h }, data: { type, name, threats: [] } });
const tdBox = (id: string, name: string, x: number, w: number): Json => tdNode('trust-boundary-box', 'tm.BoundaryBox', id, name, x, 0, w, 200);
const tdFlow = (id: string, source: string, target: string, data: Json = {}): Json =>
  ({ shape: 'flow', id, source: { cell: source }, target: { cell: target }, data: { type: 'tm.Flow', name: id, protocol: 'HTTP', threats: [], ...data } });
const tdFile = (cells: Json[]) => JSON.stringify({ version: '2.2.0', summary: { title: 'Twoway' }, detail: { diagrams: [{ title: 'D', cells }] } }, null, 2);
/** The browser (actor), the API and a worker (processes) and a database (store), in no box, with the flows given. */
const tdShop = (flows: Json[]) => tdFile([
  tdNode('actor', 'tm.Actor', 'c-b', 'Browser', 0), tdNode('process', 'tm.Process', 'c-a', 'API', 400),
  tdNode('store', 'tm.Store', 'c-s', 'DB', 800), tdNode('process', 'tm.Process', 'c-w', 'Worker', 1200), ...flows,
]);
const tdImported = (text: string) => {
  const r = importThreatDragon(text, 'twoway.td.json');
  return { ...loaded(r), summary: r.summary! };
};
const threat = (id: string, title: string, type: string, status = 'Open'): Json => ({ id, title, type, modelType: 'STRIDE', severity: 'High', status });

describe('Threat Dragon import: a connection drawn twice against each other is one flow', () => {
  it('two bidirectional flows db <-> api and api <-> db: one flow api -> db, its findings once', () => {
    const r = tdImported(tdShop([tdFlow('f1', 'c-s', 'c-a', { isBidirectional: true }), tdFlow('f2', 'c-a', 'c-s', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.equal(r.summary.flows, 1);
    assert.match(r.text, /flow f1 \(bidirectional in OWASP Threat Dragon, drawn from db; a store does not call: read as api -> db, whose reply it implies\)\n {2}# joined: flow f2 \(line \d+\), drawn api -> db two-way, is this connection drawn again/);
    assert.ok(r.summary.notes.includes('1 flow joins another drawn against it (two-way, or one-way from the caller): one flow each, with the facts and threats of both (see the comments)'), r.summary.notes.join('\n'));
    assert.deepEqual(findings(r, /^cleartext-/), ['cleartext-disclosure@api api->db', 'cleartext-tampering@api api->db']);
  });

  it('bidirectional db <-> api and a one-way api -> db: one flow; the stated protocol replaces the assumed one, its note too', () => {
    const r = tdImported(tdShop([tdFlow('f1', 'c-s', 'c-a', { isBidirectional: true, protocol: '' }), tdFlow('f2', 'c-a', 'c-s', { protocol: 'HTTPS', isSigned: true })]));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.deepEqual([r.model.flows[0].protocol, r.model.flows[0].name, r.model.flows[0].controls], ['https', 'f1', ['request-signing']]);
    assert.doesNotMatch(r.text, /no protocol in the file/);
    assert.match(r.text, /# name "f2" in flow f2 \(line \d+\) left out, this one's "f1" kept\n/);
  });

  it('the threats Threat Dragon attaches to the flow that joined, and their statuses, sit on the flow', () => {
    const r = tdImported(tdShop([
      tdFlow('f1', 'c-s', 'c-a', { isBidirectional: true, threats: [threat('t-1', 'Sniffing', 'Information disclosure')] }),
      tdFlow('f2', 'c-a', 'c-s', { threats: [threat('t-2', 'Replay', 'Tampering', 'Mitigated')] }),
    ]));
    assert.deepEqual(r.summary.threats.map((t) => [t.title, t.on]), [['Sniffing', 'api -> db'], ['Replay', 'api -> db']]);
    assert.deepEqual(r.model.threats.map((t) => [t.id, t.on.map((o) => `${o.kind} ${o.id}`)]), [['sniffing', ['flow api->db']], ['replay', ['flow api->db']]]);
    assert.match(r.triage ?? '', /threat:replay@api->db/);
    assert.match(r.text, /its 1 threat is on this flow\n/);
  });

  it('one-way flows each way stay two flows, and so does a two-way flow with a one-way one against its caller', () => {
    const each = tdImported(tdShop([tdFlow('f1', 'c-a', 'c-w'), tdFlow('f2', 'c-w', 'c-a')]));
    assert.deepEqual(arrows(each.model), ['api -> worker', 'worker -> api']);
    assert.equal(findings(each, /^cleartext-disclosure/).length, 2);
    const against = tdImported(tdShop([tdFlow('f1', 'c-b', 'c-a', { isBidirectional: true, threats: [threat('t-1', 'Sniffing', 'Information disclosure')] }), tdFlow('f2', 'c-a', 'c-b')]));
    assert.deepEqual(arrows(against.model), ['browser -> api', 'api -> browser']);
    assert.deepEqual(against.summary.threats.map((t) => t.on), ['browser -> api']);
    for (const r of [each, against]) assert.doesNotMatch(r.text, /joined/);
  });
});

// --- draw.io ----------------------------------------------------------------------------------------------

const page = (cells: string) => `<mxfile><diagram name="P"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>\n${cells}\n</root></mxGraphModel></diagram></mxfile>`;
const vertex = (id: string, label: string, style: string, [x, y, w, h]: number[]) =>
  `<mxCell id="${id}" value="${label}" style="${style}" vertex="1" parent="1"><mxGeometry x="${x}" y="${y}" width="${w}" height="${h}" as="geometry"/></mxCell>\n`;
const edge = (id: string, source: string, target: string, style = 'html=1;', label = '') =>
  `<mxCell id="${id}" value="${label}" style="${style}" edge="1" parent="1" source="${source}" target="${target}"><mxGeometry relative="1" as="geometry"/></mxCell>\n`;
const BOTH = 'html=1;startArrow=classic;endArrow=classic;';
const SHAPES = vertex('b', 'Browser', 'shape=umlActor;', [0, 0, 30, 60]) + vertex('a', 'API', 'rounded=0;', [200, 0, 120, 60])
  + vertex('d', 'DB', 'shape=cylinder3;', [400, 0, 60, 80]) + vertex('w', 'Worker', 'rounded=0;', [600, 0, 120, 60]);
const drawio = (edges: string) => {
  const r = importDrawio(page(SHAPES + edges), 'twoway.drawio', {});
  return { ...loaded(r), summary: r.summary! };
};

describe('draw.io import: an arrow drawn twice against each other is one flow', () => {
  it('two two-headed arrows db <-> api and api <-> db: one flow api -> db', () => {
    const r = drawio(edge('e1', 'd', 'a', BOTH) + edge('e2', 'a', 'd', BOTH));
    assert.deepEqual(arrows(r.model), ['api -> db']);
    assert.match(r.text, /# joined: the arrow of cell e2, drawn api -> db two-way, is this connection drawn again/);
    assert.ok(r.summary.notes.includes('1 arrow joins another drawn against it (two-way, or one-way from the caller): one flow each, with the facts and threats of both (see the comments)'), r.summary.notes.join('\n'));
  });

  it('a two-headed arrow db <-> api and an arrow api -> db, either first: one flow, the labelled protocol kept', () => {
    for (const edges of [edge('e1', 'd', 'a', BOTH) + edge('e2', 'a', 'd', 'html=1;', 'PostgreSQL/TLS'), edge('e2', 'a', 'd', 'html=1;', 'PostgreSQL/TLS') + edge('e1', 'd', 'a', BOTH)]) {
      const r = drawio(edges);
      assert.deepEqual(r.model.flows.map((f) => [`${f.from} -> ${f.to}`, f.protocol]), [['api -> db', 'postgres+tls']]);
      assert.doesNotMatch(r.text, /no protocol on the arrow/);
    }
    // Drawn with its head at the start: the arrow still runs api -> db.
    assert.deepEqual(arrows(drawio(edge('e1', 'd', 'a', BOTH) + edge('e2', 'd', 'a', 'html=1;startArrow=classic;endArrow=none;')).model), ['api -> db']);
  });

  it('arrows each way, or a two-headed one with an arrow against its caller, stay two flows', () => {
    assert.deepEqual(arrows(drawio(edge('e1', 'a', 'w') + edge('e2', 'w', 'a')).model), ['api -> worker', 'worker -> api']);
    const against = drawio(edge('e1', 'a', 'b', BOTH) + edge('e2', 'a', 'b'));
    assert.deepEqual(arrows(against.model), ['browser -> api', 'api -> browser']);
    assert.doesNotMatch(against.text, /joined/);
  });
});

// --- Threat Dragon: the public network, whichever end calls -----------------------------------------------

/**
 * A partner process and our API, each in the box named (or none), joined by the flows given: a box named
 * Internet is untrusted, Data centre internal.
 */
function partnerFile(partnerBox: 'Internet' | undefined, apiBox: 'Data centre' | undefined, flows: Json[]): string {
  const cells: Json[] = [];
  if (partnerBox) cells.push(tdBox('b-net', partnerBox, 0, 300));
  if (apiBox) cells.push(tdBox('b-dc', apiBox, 400, 300));
  cells.push(tdNode('process', 'tm.Process', 'c-p', 'Partner', 60), tdNode('process', 'tm.Process', 'c-a', 'API', 460), ...flows);
  return tdFile(cells);
}
const boundaryOf = (r: ReturnType<typeof tdImported>, id: string) => r.model.elements.find((e) => e.id === id)!.boundary;
const PUBLIC_TWO_WAY = { isBidirectional: true, isPublicNetwork: true };

describe('Threat Dragon import: a two-way flow over the public network, whichever end is read as caller', () => {
  it('a partner in an untrusted box, talking two-way with our API: the partner calls in, drawn either way, and nothing is moved', () => {
    for (const f of [tdFlow('f1', 'c-a', 'c-p', PUBLIC_TWO_WAY), tdFlow('f1', 'c-p', 'c-a', PUBLIC_TWO_WAY)]) {
      const r = tdImported(partnerFile('Internet', 'Data centre', [f]));
      assert.deepEqual(arrows(r.model), ['partner -> api']);
      assert.deepEqual([boundaryOf(r, 'partner'), boundaryOf(r, 'api')], ['internet', 'data-centre']);
      assert.doesNotMatch(r.text, /over a public network/);
      assert.ok(!r.model.boundaries.some((b) => b.id === 'outside'));
    }
  });

  it('a one-way call from our API to a partner in an untrusted box over the public network: the partner\'s side, no note on the API', () => {
    const r = tdImported(partnerFile('Internet', 'Data centre', [tdFlow('f1', 'c-a', 'c-p', { isPublicNetwork: true })]));
    assert.deepEqual(arrows(r.model), ['api -> partner']);
    assert.doesNotMatch(r.text, /over a public network/);
    assert.equal(boundaryOf(r, 'api'), 'data-centre');
  });

  it('a partner in no box, our API in one: the partner is the internet\'s side, placed outside, and calls in, drawn either way', () => {
    for (const f of [tdFlow('f1', 'c-a', 'c-p', PUBLIC_TWO_WAY), tdFlow('f1', 'c-p', 'c-a', PUBLIC_TWO_WAY)]) {
      const r = tdImported(partnerFile(undefined, 'Data centre', [f]));
      assert.deepEqual(arrows(r.model), ['partner -> api'], JSON.stringify(f));
      assert.deepEqual([boundaryOf(r, 'partner'), boundaryOf(r, 'api')], ['outside', 'data-centre']);
      assert.doesNotMatch(r.text, /over a public network, but/);
    }
  });

  it('not over the public network, the same two-way flow is read as drawn and nobody is placed outside', () => {
    const r = tdImported(partnerFile(undefined, 'Data centre', [tdFlow('f1', 'c-a', 'c-p', { isBidirectional: true })]));
    assert.deepEqual(arrows(r.model), ['api -> partner']);
    assert.equal(boundaryOf(r, 'partner'), undefined);
  });

  it('both ends in trusted boxes: the caller\'s box is to check; both in none: the caller goes outside', () => {
    const boxed = tdImported(tdFile([
      tdBox('b-1', 'Data centre', 0, 300), tdBox('b-2', 'Office', 400, 300),
      tdNode('process', 'tm.Process', 'c-p', 'Partner', 60), tdNode('process', 'tm.Process', 'c-a', 'API', 460), tdFlow('f1', 'c-p', 'c-a', PUBLIC_TWO_WAY),
    ]));
    assert.deepEqual(arrows(boxed.model), ['partner -> api']);
    assert.match(boxed.text, /# over a public network, but `partner` is already in a box: check its trust\n/);
    const none = tdImported(partnerFile(undefined, undefined, [tdFlow('f1', 'c-a', 'c-p', PUBLIC_TWO_WAY)]));
    assert.deepEqual(arrows(none.model), ['api -> partner']);
    assert.deepEqual([boundaryOf(none, 'api'), boundaryOf(none, 'partner')], ['outside', undefined]);
  });
});
