// `threatmap import` of Microsoft Threat Modeling Tool files (.tm7): the mapping on a small fixture written
// for the tests (test/fixtures/tm7-import/shop.tm7: two diagrams, nested boxes, a boundary line, template
// properties, a loose flow end), bad XML as one diagnostic with its position, never a throw, the limits
// on depth and size, and byte-stable output that loads and analyses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importTm7, MAX_XML_DEPTH, MAX_XML_ELEMENTS, TM7_NAMESPACE } from '../../src/import/tm7.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
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
      ['orders-db', 'store', 'database', 'postgres'],
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
    assert.deepEqual([el('secrets').exposed, el('secrets').stores, el('secrets').controls], [true, ['credentials'], ['audit-logging']]);
    assert.deepEqual(el('audit-log').stores, []);
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
    // Request to PostgreSQL, which enforces TLS; the Response's server end is its source, the database.
    assert.deepEqual(flows('web-app', 'orders-db').map((f) => f.protocol), ['postgres+tls', 'postgres+tls']);
    assert.equal(flow('orders-db', 'web-app').protocol, 'postgres+tls');
    assert.equal(flow('web-app', 'partner-api').protocol, 'https');
    assert.equal(flow('web-app', 'audit-log').protocol, 'ipc');
    assert.equal(flow('order-events', 'web-app').protocol, 'tcp');
    assert.match(r.text, /# a "RPC or DCOM" flow in TMT: no catalog protocol; tcp is the nearest\n {2}# source authenticated in TMT: set `auth`/);
    assert.match(r.text, /# a response in TMT: the reply on the connection `web-app` opens to `orders-db`/);
    assert.match(r.text, /# provides confidentiality in TMT: https\n {2}- web-app -> partner-api:/);
  });

  it('names kept; a second flow between one pair gets an id; the flows of both diagrams', () => {
    assert.deepEqual(flows('web-app', 'orders-db').map((f) => [f.name, f.id]), [['Order query', 'web-app->orders-db'], ['Report query', 'report-query']]);
    assert.equal(flow('operator', 'admin-portal').name, 'Admin session');
    assert.equal(r.summary.flows, 8);
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

  it('threats are listed with their flow and counted by state, not imported', () => {
    assert.deepEqual(r.summary.threatStates, { AutoGenerated: 2, Mitigated: 1, NeedsInvestigation: 1 });
    assert.deepEqual(r.summary.threats.map((t) => [t.id, t.priority, t.state, t.category, t.on]), [
      ['1', 'High', 'AutoGenerated', 'Spoofing', 'customer-browser -> web-app'],
      ['2', 'High', 'Mitigated', 'Tampering', 'web-app -> orders-db'],
      ['3', 'Medium', 'NeedsInvestigation', 'Repudiation', 'order-events -> web-app'],
      // Its flow is not in the file: the element it targets.
      ['4', 'Low', 'AutoGenerated', 'Denial of Service', 'audit-log'],
    ]);
    assert.match(r.text, /^# The file records 4 threats \(AutoGenerated 2, Mitigated 1, NeedsInvestigation 1\); threats are not model input/m);
    assert.match(r.text, /^# {3}SQL injection into Orders DB \(High, Mitigated, Tampering, on web-app -> orders-db\)$/m);
    assert.ok(!/SQL injection/.test(r.text.replace(/^#.*$/gm, '')), 'a threat outside the header');
    assert.deepEqual(Object.keys(r.raw), ['threatmap', 'system', 'boundaries', 'assets', 'elements', 'flows']);
  });

  it('the output is byte-identical for the same input, loads, and analyze derives its own threats', () => {
    assert.equal(importTm7(SHOP, 'shop.tm7').text, r.text);
    const a = analyzeText(r.text, 'imported.yaml');
    assert.ok(a.threats.length > 0);
    // What the properties said counts: the web app runs as Administrator and is reached from the internet.
    assert.ok(a.threats.some((t) => t.ruleId === 'privileged-process-exposed' && t.component === 'web-app'));
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
    assert.equal(only('').code, 'syntax-error');
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
