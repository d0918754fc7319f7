// `threatmap import` of Microsoft Threat Modeling Tool files (.tm7): the mapping on a small fixture written
// for the tests (test/fixtures/tm7-import/shop.tm7: two diagrams, nested boxes, a boundary line, template
// properties, a loose flow end), the threats the team worked on and their States as triage decisions, bad XML
// as one diagnostic with its position, never a throw, the limits on depth and size, and byte-stable output
// that loads and analyses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importTm7, MAX_XML_DEPTH, MAX_XML_ELEMENTS, TM7_NAMESPACE } from '../../src/import/tm7.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText } from '../helpers.js';

const SHOP = readFileSync('test/fixtures/tm7-import/shop.tm7', 'utf8');
/** The 1-based line of the first occurrence of `needle`. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
/** The line of the stencil (its `<a:Value`) whose Guid is `guid`. */
const stencilLine = (text: string, guid: string) => lineOf(text, `<a:Key>${guid}</a:Key>`) + 1;
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function imported(text = SHOP, file = 'shop.tm7') {
  const r = importTm7(text, file);
  assert.ok(r.text && r.summary, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return { ...r, text: r.text, summary: r.summary, model: loaded.model, raw: parseYaml(r.text) as Record<string, any> };
}

/** A minimal .tm7 around one diagram's Borders and Lines, in the tool's namespaces. */
function tm7(borders: string, lines = '', extra = ''): string {
  const abs = 'xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts"';
  return `<ThreatModel xmlns="${TM7_NAMESPACE}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<DrawingSurfaceList><DrawingSurfaceModel>
<Borders xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">${borders}</Borders>
<Header>D</Header>
<Lines xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">${lines}</Lines>
</DrawingSurfaceModel></DrawingSurfaceList>${extra}<Version>4.3</Version>
</ThreatModel>`.replace(/<(GenericTypeId|Guid|TypeId|Left|Top|Width|Height|SourceGuid|TargetGuid)>/g, `<$1 ${abs}>`);
}
const stencil = (id: string, generic: string, name: string, geo = '<Left>0</Left><Top>0</Top><Width>100</Width><Height>100</Height>') =>
  `<a:KeyValueOfguidanyType><a:Key>${id}</a:Key><a:Value><GenericTypeId>${generic}</GenericTypeId><Guid>${id}</Guid>`
  + `<Properties xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts"><a:anyType xmlns:b="http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase" i:type="b:StringDisplayAttribute"><b:DisplayName>Name</b:DisplayName><b:Value>${name}</b:Value></a:anyType></Properties>`
  + `<TypeId>${generic}</TypeId>${geo}</a:Value></a:KeyValueOfguidanyType>`;
const flow = (id: string, from: string, to: string) =>
  `<a:KeyValueOfguidanyType><a:Key>${id}</a:Key><a:Value i:type="Connector"><GenericTypeId>GE.DF</GenericTypeId><Guid>${id}</Guid><TypeId>GE.DF</TypeId>`
  + `<SourceGuid>${from}</SourceGuid><TargetGuid>${to}</TargetGuid></a:Value></a:KeyValueOfguidanyType>`;

describe('tm7 import: elements, boxes and properties', () => {
  const r = imported();
  const el = (id: string) => r.model.elements.find((e) => e.id === id)!;
  const b = (id: string) => r.model.boundaries.find((x) => x.id === id)!;

  it('MetaInformation -> system; both diagrams merged; ids from the stencils\' names; the template named', () => {
    assert.deepEqual(r.raw.system, { name: 'Shop', description: 'A small shop.', owner: 'Team A' });
    assert.deepEqual(r.summary.diagrams, ['Front', 'Back office']);
    assert.deepEqual(r.summary.template, { name: 'Shop Template', version: '2.0' });
    assert.match(r.text, /^# Imported by `threatmap import` from shop\.tm7 \(Microsoft Threat Modeling Tool 4\.3; template "Shop Template" 2\.0\)\.$/m);
    assert.match(r.text, /^# Diagrams merged into this model: "Front", "Back office"\.$/m);
    assert.deepEqual(r.model.elements.map((e) => e.id), [
      'customer-browser', 'web-app', 'orders-db', 'audit-log', 'secrets', 'partner-api', 'order-events', 'support-agent', 'operator', 'admin-portal',
    ]);
    // Each entry says where its stencil is (line:column of its <a:Value>) and its Guid.
    assert.match(r.text, new RegExp(`# shop\\.tm7:${stencilLine(SHOP, guid(2))}:11 Web Application ${guid(2)}\\n  web-app:`));
  });

  it('kinds from GenericTypeId; catalog types and technologies from the stencil where the kind agrees', () => {
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.type ?? null, e.tech ?? null]), [
      ['customer-browser', 'external', 'user-agent', 'browser'],
      ['web-app', 'process', 'web-app', null],
      // Azure Database for PostgreSQL: the managed service, whose TLS and logins are set in Azure.
      ['orders-db', 'store', 'database', 'azure-postgres'],
      ['audit-log', 'store', 'logs', null],
      ['secrets', 'store', 'secrets-vault', null],
      ['partner-api', 'external', 'third-party', null],
      // Azure Event Hub drawn as a process: the catalog's event bus is a store, so no type, and a comment says so.
      ['order-events', 'process', null, null],
      ['support-agent', 'external', 'user', null],
      ['operator', 'external', 'user', null],
      // Not in the KnowledgeBase: named by the heading of its properties, "Dynamics CRM Portal".
      ['admin-portal', 'process', 'web-app', null],
    ]);
    assert.match(r.text, /# stencil "Azure Event Hub": no process type in the catalog fits; set `type` or `tech`\n {2}# out of scope in TMT[^\n]*\n {2}order-events:/);
    // The free text annotation is no element.
    assert.ok(!/Remember the CDN/.test(r.text));
  });

  it('boxes hold the elements whose centre lies inside them; nested boxes nest; trust and kind from name and stencil', () => {
    assert.deepEqual([b('internet').trust, b('internet').kind], ['untrusted', 'network']);
    // "Public Cloud" names where the services are hosted, not the internet.
    assert.deepEqual([b('public-cloud').trust, b('public-cloud').kind], ['internal', 'cloud']);
    assert.deepEqual([b('data-tier').trust, b('data-tier').parent], ['internal', 'public-cloud']);
    assert.equal(b('staff-laptops').trust, 'untrusted');
    assert.equal(el('customer-browser').boundary, 'internet');
    assert.equal(el('web-app').boundary, 'public-cloud');
    for (const id of ['orders-db', 'audit-log', 'secrets']) assert.equal(el(id).boundary, 'data-tier', id);
    assert.equal(el('support-agent').boundary, 'staff-laptops');
  });

  it('external interactors in no box go into an untrusted `outside`; processes in no box stay in none', () => {
    assert.equal(b('outside').trust, 'untrusted');
    assert.equal(el('partner-api').boundary, 'outside');
    assert.equal(el('operator').boundary, 'outside');
    assert.equal(el('order-events').boundary, undefined);
    assert.equal(el('admin-portal').boundary, undefined);
    assert.equal(r.summary.boundaries, 5);
  });

  it('properties that map to facts: privilege, controls, exposure, credentials; the rest as comments', () => {
    assert.equal(el('web-app').privileged, true);
    // Sanitizes Output is "No": no output-encoding.
    assert.deepEqual(el('web-app').controls, ['authentication', 'authorization', 'input-validation']);
    assert.deepEqual(el('orders-db').controls, ['ip-allowlist']);
    assert.deepEqual(el('audit-log').controls, ['encryption-at-rest', 'tamper-evident-logs']);
    // Every store also stores the placeholder asset `stored-data` (TMT has no data model; `data` is what processes handle).
    assert.deepEqual([el('secrets').exposed, el('secrets').stores, el('secrets').controls], [true, ['credentials', 'stored-data'], ['audit-logging']]);
    assert.deepEqual(el('audit-log').stores, ['stored-data']);
    assert.equal(r.raw.assets.credentials.type, 'credentials');
    assert.match(r.text, /# authenticates itself in TMT: set `auth` on its flows \(the method is not said\)\n {2}customer-browser:/);
  });
});

describe('tm7 import: flows, boundary lines and threats', () => {
  const r = imported();
  const flows = (from: string, to: string) => r.model.flows.filter((f) => f.from === from && f.to === to);
  const flow = (from: string, to: string) => flows(from, to)[0];

  it('protocols: the stencil\'s, else the server end\'s technology\'s; confidentiality and enforced TLS give the TLS form', () => {
    assert.equal(flow('customer-browser', 'web-app').protocol, 'https');
    // Request to PostgreSQL, which enforces TLS.
    assert.deepEqual(flows('web-app', 'orders-db').map((f) => f.protocol), ['postgres+tls', 'postgres+tls']);
    // The Response is that connection's other direction: folded into its request, no flow of its own.
    assert.deepEqual(flows('orders-db', 'web-app'), []);
    assert.equal(flow('web-app', 'partner-api').protocol, 'https');
    assert.equal(flow('web-app', 'audit-log').protocol, 'ipc');
    assert.equal(flow('order-events', 'web-app').protocol, 'tcp');
    assert.match(r.text, /# a "RPC or DCOM" flow in TMT: no catalog protocol; tcp is the nearest\n {2}# source authenticated in TMT: set `auth`/);
    assert.match(r.text, /# its reply, TMT's Response "Order rows" \(shop\.tm7:\d+:11 \S+\), is this connection's other direction: folded into it, not a flow of its own\n {2}- web-app -> orders-db: \{ name: Order query,/);
    assert.match(r.text, /# provides confidentiality in TMT: https\n {2}- web-app -> partner-api:/);
  });

  it('names kept; a second flow between one pair gets an id; the flows of both diagrams', () => {
    assert.deepEqual(flows('web-app', 'orders-db').map((f) => [f.name, f.id]), [['Order query', 'web-app->orders-db'], ['Report query', 'report-query']]);
    assert.equal(flow('operator', 'admin-portal').name, 'Admin session');
    // 8 drawn, the Response folded into its request.
    assert.equal(r.summary.flows, 7);
  });

  it('a loose flow end and an unknown Guid are warnings with their positions; those flows are left out', () => {
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`), [
      `${lineOf(SHOP, `<SourceGuid xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">00000000-0000-0000`)}:13 warning missing-reference`,
      `${lineOf(SHOP, `>${guid(999)}</TargetGuid>`)}:13 warning unknown-reference`,
    ]);
    assert.ok(!r.model.flows.some((f) => f.name === 'Dangling' || f.name === 'Ghost'));
  });

  it('a boundary line places no element; the flow whose path crosses it says so', () => {
    assert.equal(r.summary.lines, 1);
    assert.ok(!r.model.boundaries.some((x) => /corporate/i.test(x.name)));
    assert.match(r.text, /# crosses boundary line "Corporate edge" \(00000000-0000-4000-8000-000000000030\): a trust boundary in TMT[^\n]*\n {2}- customer-browser -> web-app:/);
    assert.match(r.text, /1 boundary line \("Corporate edge"[^\n]*no element is placed by it; 1 flow crossing noted/);
  });

  it('threats are listed with their flow and counted by state; the two left as generated written too, no rule deriving them', () => {
    assert.deepEqual(r.summary.threatStates, { AutoGenerated: 2, Mitigated: 1, NeedsInvestigation: 1 });
    assert.deepEqual(r.summary.threats.map((t) => [t.id, t.priority, t.state, t.category, t.on, t.written]), [
      ['1', 'High', 'AutoGenerated', 'Spoofing', 'customer-browser -> web-app', false],
      ['2', 'High', 'Mitigated', 'Tampering', 'web-app -> orders-db', true],
      ['3', 'Medium', 'NeedsInvestigation', 'Repudiation', 'order-events -> web-app', true],
      // Its flow is not in the file: the element it targets.
      ['4', 'Low', 'AutoGenerated', 'Denial of Service', 'audit-log', false],
    ]);
    assert.match(r.text, /^# The file records 4 threats \(AutoGenerated 2, Mitigated 1, NeedsInvestigation 1\)\.$/m);
    assert.match(r.text, /^# 2 that the team worked on \(a State other than Not Started, a justification, or added by hand\): written under `threats:` below/m);
    assert.match(r.text, /^# 2 as the template generated them, untouched: written under `threats:` as 2 \(the instances of one threat type on one element merged\), open, rated from the model[^\n]*\n# None as generated is left to threatmap's rules: no rule reports the same threat on the same element or flow\.\n# Check:$/m);
    // No threatmap rule reports them: written, so that they are not lost (test/import/generated-threats-tm7-s19.test.ts has the rest).
    assert.deepEqual([r.raw.threats['tmt-th1-web-app'].on, r.raw.threats['tmt-th4-audit-log'].on], ['customer-browser -> web-app', 'audit-log']);
    assert.deepEqual(Object.keys(r.raw), ['threatmap', 'system', 'boundaries', 'assets', 'elements', 'flows', 'threats']);
  });

  it('the output is byte-identical for the same input, loads, and analyze derives its own threats', () => {
    assert.equal(importTm7(SHOP, 'shop.tm7').text, r.text);
    const a = analyzeText(r.text, 'imported.yaml');
    assert.ok(a.threats.length > 0);
    // What the properties said counts: the web app runs as Administrator and is reached from the internet.
    assert.ok(a.threats.some((t) => t.ruleId === 'privileged-process-exposed' && t.component === 'web-app'));
  });
});

/** The analysis of an imported model with its imported triage file applied, as `threatmap analyze` does. */
function triaged(r: { text: string; triage?: { text: string } }) {
  assert.ok(r.triage, 'no triage file');
  const parsed = parseTriage(r.triage.text, 'imported.triage.yaml');
  assert.ok(parsed.triage, formatDiagnostics(parsed.diagnostics));
  assert.deepEqual(parsed.diagnostics, []);
  return applyTriage(analyzeText(r.text, 'imported.yaml'), parsed.triage, { today: '2026-01-01' });
}

/** One threat instance as the tool saves it; `key` defaults to the generated one (TypeId and the three Guids). */
function threatXml(o: {
  id: string; type?: string; key?: string; from: string; flowGuid: string; to: string; state: string; info?: string; title: string;
  category: string; priority: string; mitigations?: string;
}): string {
  const prop = (k: string, v: string) => `<a:KeyValueOfstringstring><a:Key>${k}</a:Key><a:Value>${v}</a:Value></a:KeyValueOfstringstring>`;
  return `<a:KeyValueOfstringThreatpc_P0_PhOB><a:Key>${o.key ?? `${o.type}${o.from}${o.flowGuid}${o.to}`}</a:Key>`
    + '<a:Value xmlns:b="http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase"><b:ChangedBy i:nil="true"/>'
    + `<b:FlowGuid>${o.flowGuid}</b:FlowGuid><b:Id>${o.id}</b:Id><b:Priority>${o.priority}</b:Priority><b:Properties>`
    + `${prop('Title', o.title)}${prop('UserThreatCategory', o.category)}${prop('UserThreatDescription', `${o.title}, described.`)}`
    + `${o.mitigations ? prop('PossibleMitigations', o.mitigations) : ''}</b:Properties><b:SourceGuid>${o.from}</b:SourceGuid><b:State>${o.state}</b:State>`
    + `${o.info ? `<b:StateInformation>${o.info}</b:StateInformation>` : '<b:StateInformation i:nil="true"/>'}<b:TargetGuid>${o.to}</b:TargetGuid>`
    + `${o.type ? `<b:TypeId>${o.type}</b:TypeId>` : ''}</a:Value></a:KeyValueOfstringThreatpc_P0_PhOB>`;
}
const instances = (...threats: string[]) => `<ThreatInstances xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">${threats.join('')}</ThreatInstances>`;

describe('tm7 import: threats the team worked on', () => {
  it('the fixture\'s Mitigated and Needs Investigation threats: on their flows, priority as impact, states as decisions analyze applies', () => {
    const r = imported();
    assert.deepEqual(r.raw.threats, {
      // Two flows join web-app and orders-db: the arrow would be ambiguous, so the first one's id is named.
      'tmt-2': { title: 'SQL injection into Orders DB', stride: 'T', on: 'web-app->orders-db', impact: 'high' },
      'tmt-3': { title: 'Order events can be replayed', stride: 'R', on: 'order-events -> web-app', impact: 'medium' },
      // The two left as generated: written too (no rule reports them), rated from the model, no decision.
      'tmt-th1-web-app': { title: 'Spoofing of the customer browser', stride: 'S', on: 'customer-browser -> web-app' },
      'tmt-th4-audit-log': { title: 'Audit log fills up', stride: 'D', on: 'audit-log' },
    });
    assert.match(r.text, new RegExp(`# shop\\.tm7:${lineOf(SHOP, '<b:Id>2</b:Id>') - 2}:7 threat 2 \\(TH2\\)\\n {2}# Microsoft Threat Modeling Tool: Mitigated, priority High, Tampering\\n {2}tmt-2:`));
    assert.equal(r.triage?.decisions, 2);
    assert.match(r.triage!.text, /^# Decisions imported by `threatmap import` from shop\.tm7 \(Microsoft Threat Modeling Tool 4\.3; template "Shop Template" 2\.0\):$/m);
    const applied = triaged(r);
    assert.deepEqual(applied.triage!.stale, []);
    const written = applied.threats.filter((t) => t.ruleId.startsWith('threat:'));
    assert.deepEqual(written.map((t) => [t.key, t.triage?.status, t.triage?.reason]).sort(), [
      ['threat:tmt-2@web-app->orders-db', 'mitigated', 'marked Mitigated in the Microsoft Threat Modeling Tool'],
      ['threat:tmt-3@order-events->web-app', 'open', 'marked Needs Investigation in the Microsoft Threat Modeling Tool'],
      // As generated: open, with no decision.
      ['threat:tmt-th1-web-app@customer-browser->web-app', 'open', undefined],
      ['threat:tmt-th4-audit-log@audit-log', 'open', undefined],
    ]);
    assert.equal(written.find((t) => t.key.startsWith('threat:tmt-2@'))!.impact.level, 'High');
  });

  const client = guid(1);
  const api = guid(2);
  const db = guid(3);
  const toApi = guid(21);
  const toDb = guid(22);
  const diagram = (...threats: string[]) => tm7(stencil(client, 'GE.EI', 'Client') + stencil(api, 'GE.P', 'Api') + stencil(db, 'GE.DS', 'Db'),
    flow(toApi, client, api) + flow(toDb, api, db), instances(...threats));
  const text = diagram(
    threatXml({ id: '1', type: 'TH1', from: client, flowGuid: toApi, to: api, state: 'Mitigated', info: 'TLS &amp; tokens everywhere', title: 'Session hijack', category: 'Spoofing', priority: 'High',
      mitigations: 'Use tokens. Refer: &lt;a href="https://aka.ms/x"&gt;https://aka.ms/x&lt;/a&gt;' }),
    threatXml({ id: '2', type: 'TH2', from: api, flowGuid: toDb, to: db, state: 'NotApplicable', title: 'SQL injection', category: 'Tampering', priority: 'Medium' }),
    threatXml({ id: '3', type: 'TH3', from: client, flowGuid: toApi, to: api, state: 'AutoGenerated', info: 'Rate limits planned', title: 'Flooding', category: 'Denial Of Service', priority: 'Low' }),
    threatXml({ id: '4', type: 'TH9', key: 'user-defined-threat', from: api, flowGuid: toDb, to: db, state: 'AutoGenerated', title: 'Backups readable', category: 'Information Disclosure', priority: 'Low' }),
    threatXml({ id: '5', type: 'TH5', from: client, flowGuid: toApi, to: api, state: 'AutoGenerated', title: 'Untouched one', category: 'Repudiation', priority: 'High' }),
    threatXml({ id: '6', type: 'TH6', from: guid(90), flowGuid: guid(91), to: guid(92), state: 'NeedsInvestigation', info: 'ask the vendor', title: 'Gone flow', category: 'Privacy', priority: 'Medium' }),
  );

  it('a justification, Not Applicable, a threat added by hand, one on no imported flow; the untouched one written after them', () => {
    const r = imported(text, 'm.tm7');
    assert.deepEqual(r.summary.threats.map((t) => [t.id, t.written]), [['1', true], ['2', true], ['3', true], ['4', true], ['5', false], ['6', true]]);
    assert.deepEqual(Object.keys(r.raw.threats), ['tmt-1', 'tmt-2', 'tmt-3', 'tmt-4', 'tmt-6', 'tmt-th5-api']);
    assert.deepEqual(r.raw.threats['tmt-1'], {
      title: 'Session hijack', stride: 'S', on: 'client -> api', description: 'Session hijack, described.', impact: 'high',
      // The template's HTML link is text in a model.
      mitigation: 'Use tokens. Refer: https://aka.ms/x',
    });
    assert.deepEqual([r.raw.threats['tmt-3'].stride, r.raw.threats['tmt-3'].impact], ['D', 'low']);
    assert.deepEqual([r.raw.threats['tmt-4'].stride, r.raw.threats['tmt-4'].on], ['I', 'api -> db']);
    assert.match(r.text, /# Microsoft Threat Modeling Tool: Not Started, priority Low, Information Disclosure; added by hand, not generated from the template\n {2}tmt-4:/);
    // Its flow and ends are not in the file: the whole system; its category is no STRIDE one: T, and a note says so.
    assert.deepEqual([r.raw.threats['tmt-6'].on, r.raw.threats['tmt-6'].stride], [undefined, 'T']);
    assert.match(r.text, /its flow and target are not imported, so the whole system\n/);
    assert.match(r.text, /^# {3}threat 6 "Gone flow" \(m\.tm7:\d+:\d+\): its category "Privacy" is no STRIDE category; written as T \(tampering\): correct it$/m);
    // The untouched one: written (no rule reports it), with no decision, its template priority in its comment only.
    assert.match(r.text, /^# 1 as the template generated it, untouched: written under `threats:` as 1 /m);
    assert.deepEqual(r.raw.threats['tmt-th5-api'], { title: 'Untouched one', stride: 'R', on: 'client -> api', description: 'Untouched one, described.' });
    assert.match(r.text, /# Microsoft Threat Modeling Tool: Not Started, the template's priority High, Repudiation\n {2}tmt-th5-api:/);
  });

  it('the states as decisions: Mitigated and Not Applicable closed with the justification or the state, the others open; none stale', () => {
    const r = imported(text, 'm.tm7');
    assert.equal(r.triage?.decisions, 4);
    const applied = triaged(r);
    assert.deepEqual(applied.triage!.stale, []);
    const decided = applied.threats.filter((t) => t.ruleId.startsWith('threat:')).map((t) => [t.key, t.triage?.status, t.triage?.reason ?? null]);
    assert.deepEqual(decided.sort(), [
      ['threat:tmt-1@client->api', 'mitigated', 'TLS & tokens everywhere'],
      ['threat:tmt-2@api->db', 'false-positive', 'marked Not Applicable in the Microsoft Threat Modeling Tool'],
      ['threat:tmt-3@client->api', 'open', 'Rate limits planned'],
      // Added by hand and Not Started: no decision.
      ['threat:tmt-4@api->db', 'open', null],
      ['threat:tmt-6@system', 'open', 'marked Needs Investigation in the Microsoft Threat Modeling Tool: ask the vendor'],
      // Generated and untouched: written, open, no decision.
      ['threat:tmt-th5-api@client->api', 'open', null],
    ]);
    assert.equal(importTm7(text, 'm.tm7').triage?.text, r.triage!.text);
  });

  it('a file whose threats are all as generated: written under `threats:`, and no triage file', () => {
    const only = diagram(threatXml({ id: '5', type: 'TH5', from: client, flowGuid: toApi, to: api, state: 'AutoGenerated', title: 'Untouched one', category: 'Repudiation', priority: 'High' }));
    const r = imported(only, 'm.tm7');
    assert.equal(r.triage, undefined);
    assert.deepEqual(Object.keys(r.raw.threats), ['tmt-th5-api']);
    assert.deepEqual(r.summary.threats.map((t) => t.written), [false]);
    assert.match(r.text, /^# None that the team worked on \(a State other than Not Started, a justification, or added by hand\): none is written into the model\.$/m);
  });
});

describe('tm7 import: bad input', () => {
  const only = (text: string) => {
    const r = importTm7(text, 'm.tm7');
    assert.equal(r.text, undefined);
    assert.equal(r.diagnostics.length, 1, formatDiagnostics(r.diagnostics));
    return r.diagnostics[0];
  };

  it('an XML syntax error is one error with its line and column', () => {
    const d = only(`<ThreatModel xmlns="${TM7_NAMESPACE}">\n  <DrawingSurfaceList>\n    <Borders></Lines>\n</ThreatModel>\n`);
    assert.equal(d.code, 'syntax-error');
    assert.deepEqual([d.file, d.line], ['m.tm7', 3]);
    assert.ok(d.col > 1);
    assert.match(d.message, /^XML syntax: unexpected close tag/);
    // A file cut short, as an interrupted copy leaves it.
    const cut = only(SHOP.slice(0, 5000));
    assert.equal(cut.code, 'syntax-error');
    assert.ok(cut.line > 1);
  });

  it('XML that is not a ThreatModel says what was expected', () => {
    const d = only('<?xml version="1.0"?>\n<mxfile host="drawio"><diagram/></mxfile>\n');
    assert.deepEqual([d.code, d.line, d.col], ['not-tm7', 2, 1]);
    assert.match(d.message, /expected a `ThreatModel` root element in namespace http:\/\/schemas\.datacontract\.org\/2004\/07\/ThreatModeling\.Model, found `mxfile`/);
    assert.match(only('<ThreatModel xmlns="urn:other"><DrawingSurfaceList/></ThreatModel>').message, /found `ThreatModel` in urn:other/);
    assert.match(only(`<ThreatModel xmlns="${TM7_NAMESPACE}"><Version>4.3</Version></ThreatModel>`).message, /without `DrawingSurfaceList`/);
    // An empty file is said to be empty, with what it should have held; text that is not XML is XML's error.
    assert.deepEqual([only('').code, only(' \n').message], ['empty-file', 'the file is empty; expected a Microsoft Threat Modeling Tool model (.tm7: XML with a `ThreatModel` root)']);
    assert.equal(only('threatmap: 1\n').code, 'syntax-error');
  });

  it('entities: a DOCTYPE is refused and nothing is expanded (no billion laughs, no external entity)', () => {
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE ThreatModel [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>\n<ThreatModel xmlns="${TM7_NAMESPACE}">&b;&x;</ThreatModel>`;
    const d = only(laughs);
    assert.deepEqual([d.code, d.line], ['xml-doctype', 2]);
    // Without the DOCTYPE, an entity is simply undefined.
    const u = only(`<ThreatModel xmlns="${TM7_NAMESPACE}">&b;</ThreatModel>`);
    assert.equal(u.code, 'syntax-error');
    assert.match(u.message, /undefined entity/);
  });

  it('nesting deeper than the cap, and more elements than the cap, are refused with a clear error', () => {
    const deep = only(`<ThreatModel xmlns="${TM7_NAMESPACE}">${'<a>'.repeat(MAX_XML_DEPTH)}${'</a>'.repeat(MAX_XML_DEPTH)}</ThreatModel>`);
    assert.equal(deep.code, 'too-deep');
    assert.match(deep.message, new RegExp(`nested more than ${MAX_XML_DEPTH} deep`));
    const wide = only(`<ThreatModel xmlns="${TM7_NAMESPACE}">${'<a/>'.repeat(MAX_XML_ELEMENTS)}</ThreatModel>`);
    assert.equal(wide.code, 'too-large');
  });

  it('stencils of unknown generic types and boxes without geometry are warnings; the rest is imported', () => {
    const text = tm7(
      // `constructor`: a word from the file that must not find Object's own property in a lookup table.
      stencil(guid(1), 'GE.P', 'Api') + stencil(guid(2), 'GE.X', 'Odd') + stencil(guid(3), 'GE.TB.B', 'Zone', '') + stencil(guid(5), 'constructor', 'Proto'),
      flow(guid(4), guid(1), guid(1)),
    );
    const r = imported(text, 'm.tm7');
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['unknown-stencil', 'missing-geometry', 'unknown-stencil', 'self-flow']);
    assert.deepEqual(r.model.elements.map((e) => e.id), ['api']);
    // No name in MetaInformation: the file's own name.
    assert.equal(r.model.system.name, 'm');
  });
});
