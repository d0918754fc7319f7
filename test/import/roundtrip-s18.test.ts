// roundtrip-s18: a flow to a load balancer or CDN that names an endpoint of the service behind it keeps that
// endpoint through OTM, Threat Dragon and Threagile (the importers place it by the model's own forwarding walk,
// and warn at file:line:col about one found nowhere); an empty `covers` is read the same way by every importer
// (a scope of no flows, never "no scope"); Threat Dragon's words of a drift name no component as a flow.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { importOtm } from '../../src/import/otm.js';
import { importThreagile } from '../../src/import/threagile.js';
import { importThreatComposer } from '../../src/import/threat-composer.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import type { Diagnostic } from '../../src/model/types.js';
import { renderThreatComposer, TC_META, type TcWorkspace } from '../../src/render/threat-composer.js';
import { TD_OWN, type TdDocument } from '../../src/render/threat-dragon.js';
import { parseTriage, type TriageEntry } from '../../src/track/triage.js';
import { analyseText, roundTrip, type RoundTripFormat } from './roundtrip.js';

const FORWARDED = readFileSync('test/fixtures/roundtrip/forwarded-s18.yaml', 'utf8');
const SHOP = readFileSync('test/fixtures/roundtrip/shop.yaml', 'utf8');

/** Each flow's endpoint as the analysed model resolves it (`element:key`). */
const endpointsOf = (model: string, triage?: string): Record<string, string | undefined> =>
  Object.fromEntries(analyseText(model, 'back.yaml', triage).model.flows.map((f) => [f.id, f.endpoint]));

const FORWARDED_ENDPOINTS = {
  'browser->lb': 'api:POST /login', 'browser->cdn': 'web:GET /', 'partner->cdn': 'api:/webhooks/fulfilment',
  'monitor->lb': 'lb:GET /health', 'cdn->lb': undefined, 'lb->api': undefined, 'lb->web': undefined,
};

function importAs(format: RoundTripFormat, text: string) {
  const file = format === 'otm' ? 'edited.otm.json' : format === 'threat-dragon' ? 'edited.td.json' : 'edited.threagile.yaml';
  const out = format === 'otm' ? importOtm(text, file, { output: 'back.yaml' })
    : format === 'threat-dragon' ? importThreatDragon(text, file, { output: 'back.yaml' }) : importThreagile(text, file, { output: 'back.yaml' });
  assert.ok(out.text, formatDiagnostics(out.diagnostics));
  return { model: out.text, triage: out.triage?.text, diagnostics: out.diagnostics };
}

/** The 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; col: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `no ${needle} in the file`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

const endpointWarnings = (diagnostics: readonly Diagnostic[]): Diagnostic[] =>
  diagnostics.filter((d) => d.message.includes('endpoint') && (d.code === 'unknown-reference' || d.code === 'ambiguous-reference'));

// The Threagile export carries each link's endpoint in our section, the one behind the link's target too
// (src/render/threagile.ts endpointKeyOf): a key edited there is what the import must place again.
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const withEndpoint = (exported: string, link: string, was: string, now: string): string => {
  const line = new RegExp(`^( {4}${literal(link)}: \\{ [^}\\n]*?endpoint: )${literal(was)}( \\}|,)`, 'm');
  assert.match(exported, line, `no endpoint ${was} of link ${link} in the section`);
  return exported.replace(line, `$1${now}$2`);
};

// --- The endpoint behind the flow's target ------------------------------------------------------------------

describe('a flow naming an endpoint behind the load balancer or CDN it calls keeps it through the round trip', () => {
  it('the fixture resolves each endpoint behind its flow\'s target (one hop, two hops, and an edge\'s own)', () => {
    assert.deepEqual(endpointsOf(FORWARDED), FORWARDED_ENDPOINTS);
  });

  for (const format of ['otm', 'threat-dragon', 'threagile'] as const) {
    it(`${format}: nothing differs, each flow's endpoint included, and the import warns of none`, () => {
      const rt = roundTrip(format, FORWARDED);
      assert.deepEqual(rt.differences, []);
      assert.deepEqual(endpointsOf(rt.model, rt.triage), FORWARDED_ENDPOINTS);
      assert.deepEqual(endpointWarnings(rt.importDiagnostics), []);
    });
  }

  it('threagile: our section carries each link\'s endpoint, its target\'s or one behind it; a link calling none carries none', () => {
    const section = roundTrip('threagile', FORWARDED).exported.split('\n').filter((l) => /^ {4}\S+>\S+: \{ title: /.test(l));
    assert.deepEqual(section, [
      '    browser>to-load-balancer-post-login: { title: to Load balancer POST /login, endpoint: POST /login }',
      '    browser>to-cdn-get: { title: to CDN GET /, endpoint: GET / }',
      '    partner>to-cdn-webhooks-fulfilment: { title: to CDN /webhooks/fulfilment, endpoint: /webhooks/fulfilment }',
      '    monitor>to-load-balancer-get-health: { title: to Load balancer GET /health, endpoint: GET /health }',
      '    cdn>to-load-balancer: { title: to Load balancer }',
      '    lb>to-api-servers: { title: to API servers }',
      '    lb>to-web-front-end: { title: to Web front end }',
    ]);
  });
});

describe('an endpoint found nowhere is left out, with a warning at file:line:col', () => {
  it('otm: an endpoint id no component declares', () => {
    const doc = JSON.parse(roundTrip('otm', FORWARDED).exported) as { dataflows: Array<{ source: string; destination: string; attributes: Record<string, string> }> };
    const flow = doc.dataflows.find((f) => f.source === 'browser' && f.destination === 'lb')!;
    flow.attributes.endpoint = 'api:POST /nowhere';
    const text = JSON.stringify(doc, null, 2);
    const back = importAs('otm', text);
    const [warning, ...rest] = endpointWarnings(back.diagnostics);
    assert.deepEqual(rest, []);
    assert.deepEqual({ file: warning.file, ...positionOf(text, '"endpoint": "api:POST /nowhere"'), code: warning.code },
      { file: 'edited.otm.json', line: warning.line, col: warning.col, code: 'unknown-reference' });
    assert.equal(warning.message, 'flow browser -> lb: endpoint POST /nowhere left out: neither `lb` nor a service it forwards requests to has it');
    assert.equal(endpointsOf(back.model)['browser->lb'], undefined);
    assert.equal(endpointsOf(back.model)['partner->cdn'], 'api:/webhooks/fulfilment');
  });

  it('otm: the service behind the load balancer no longer reached (its dataflow deleted), and one now served twice', () => {
    const exported = roundTrip('otm', FORWARDED).exported;
    const doc = JSON.parse(exported) as { dataflows: Array<{ source: string; destination: string }>; components: Array<{ id: string; attributes: Record<string, string> }> };
    doc.dataflows = doc.dataflows.filter((f) => !(f.source === 'lb' && f.destination === 'api'));
    const cut = importAs('otm', JSON.stringify(doc, null, 2));
    assert.deepEqual(endpointWarnings(cut.diagnostics).map((d) => d.message), [
      'flow browser -> lb: endpoint POST /login left out: neither `lb` nor a service it forwards requests to has it',
      'flow partner -> cdn: endpoint /webhooks/fulfilment left out: neither `cdn` nor a service it forwards requests to has it',
    ]);
    const twice = JSON.parse(exported) as typeof doc;
    twice.components.find((c) => c.id === 'web')!.attributes['threatmap:endpoint:POST /login'] = '{}';
    const both = importAs('otm', JSON.stringify(twice, null, 2));
    assert.deepEqual(endpointWarnings(both.diagnostics).map((d) => `${d.code} ${d.message}`), [
      'ambiguous-reference flow browser -> lb: endpoint POST /login left out: 2 services behind `lb` have it (api, web), and the flow cannot tell which it calls',
    ]);
    // The model written loads: the flow calls no endpoint rather than one the loader refuses.
    assert.equal(endpointsOf(both.model)['browser->lb'], undefined);
  });

  it('threat-dragon: an endpoint key that neither the target nor what is behind it declares', () => {
    const doc = JSON.parse(roundTrip('threat-dragon', FORWARDED).exported) as TdDocument;
    const cell = doc.detail.diagrams[0].cells.find((c) => (c.data as unknown as Record<string, Record<string, unknown>>)[TD_OWN]?.endpoint === 'POST /login')!;
    (cell.data as unknown as Record<string, Record<string, unknown>>)[TD_OWN].endpoint = 'POST /nowhere';
    const text = JSON.stringify(doc, null, 2);
    const back = importAs('threat-dragon', text);
    const [warning, ...rest] = endpointWarnings(back.diagnostics);
    assert.deepEqual(rest, []);
    assert.deepEqual({ file: warning.file, line: warning.line, code: warning.code }, { file: 'edited.td.json', line: positionOf(text, '"endpoint": "POST /nowhere"').line, code: 'unknown-reference' });
    assert.equal(warning.message, 'flow browser -> lb: endpoint POST /nowhere left out: neither `lb` nor a service it forwards requests to has it');
    assert.match(back.model, /# endpoint POST \/nowhere left out/);
    assert.equal(endpointsOf(back.model)['browser->lb'], undefined);
    assert.equal(endpointsOf(back.model)['browser->cdn'], 'web:GET /');
  });

  it('threagile: an endpoint key the section carries that nothing behind the link\'s target declares', () => {
    const text = withEndpoint(roundTrip('threagile', FORWARDED).exported, 'browser>to-load-balancer-post-login', 'POST /login', 'POST /nowhere');
    const back = importAs('threagile', text);
    const [warning, ...rest] = endpointWarnings(back.diagnostics);
    assert.deepEqual(rest, []);
    assert.deepEqual({ file: warning.file, line: warning.line, code: warning.code }, { file: 'edited.threagile.yaml', line: positionOf(text, '      to Load balancer POST /login:').line, code: 'unknown-reference' });
    assert.equal(warning.message, 'link to Load balancer POST /login: endpoint POST /nowhere left out: neither `lb` nor a service it forwards requests to has it');
    assert.equal(endpointsOf(back.model)['browser->lb'], undefined);
    assert.equal(endpointsOf(back.model)['partner->cdn'], 'api:/webhooks/fulfilment');
  });
});

// --- An empty `covers`: a scope of no flows, the same through every importer ----------------------------------

// cleartext-disclosure@lb now covers lb->api: a decision recorded for no flow needs review; one recording no
// scope at all (neither `risk` nor `covers`, as written before scopes were) is not checked.
const DRIFTED = 'TM-10723191';
const EMPTY_COVERS = `threatmap-triage: 1
threats:
  cleartext-disclosure@lb:
    status: accepted
    reason: Internal hop.
    covers: []
`;

const entryOf = (triage: string | undefined, ref: string): TriageEntry | undefined =>
  parseTriage(triage ?? '', 'triage').triage?.entries.find((e) => e.ref === ref);

/** The recorded scope of the imported entry, and what the analysis of the imported model makes of it. */
function readBack(back: { model: string; triage?: string }, ref: string) {
  const e = entryOf(back.triage, ref);
  const t = analyseText(back.model, 'back.yaml', back.triage).result.threats.find((x) => x.uid === DRIFTED);
  return { risk: e?.risk, covers: e?.covers, status: t?.triage?.status, needsReview: t?.triage?.drift?.summary };
}

const NEEDS_REVIEW = { risk: undefined, covers: [], status: 'open', needsReview: 'accepted for lb; now also covers lb->api carrying Customer PII, Prices and order totals' };
const UNCHECKED = { risk: undefined, covers: undefined, status: 'accepted', needsReview: undefined };

describe('an empty `covers` is a scope of no flows in every importer; an absent one is no scope', () => {
  it('the fixture: the entry needs review before any round trip', () => {
    const t = analyseText(SHOP, 'model.yaml', EMPTY_COVERS).result.threats.find((x) => x.uid === DRIFTED);
    assert.equal(t?.triage?.drift?.summary, NEEDS_REVIEW.needsReview);
  });

  it('otm: the export carries `decisionCovers` empty, which comes back `covers: []`; removed, no scope; beside a risk it is left out as triage writes it', () => {
    const rt = roundTrip('otm', SHOP, EMPTY_COVERS);
    const edited = (edit: (attrs: Record<string, string>) => void): string => {
      const doc = JSON.parse(rt.exported) as { threats: Array<{ id: string; attributes: Record<string, string> }> };
      edit(doc.threats.find((t) => t.id === DRIFTED)!.attributes);
      return JSON.stringify(doc, null, 2);
    };
    const carried = (JSON.parse(rt.exported) as { threats: Array<{ id: string; attributes: Record<string, string> }> }).threats.find((t) => t.id === DRIFTED);
    assert.equal(carried?.attributes.decisionCovers, '');
    assert.deepEqual(rt.differences, []);
    assert.deepEqual(readBack(rt, 'cleartext-disclosure@lb'), NEEDS_REVIEW);
    assert.deepEqual(readBack(importAs('otm', edited((a) => delete a.decisionCovers)), 'cleartext-disclosure@lb'), UNCHECKED);
    const withRisk = importAs('otm', edited((a) => (a.decisionRisk = 'High')));
    assert.doesNotMatch(withRisk.triage ?? '', /covers/);
    assert.deepEqual(readBack(withRisk, 'cleartext-disclosure@lb'), { ...NEEDS_REVIEW, risk: 'High', covers: undefined, needsReview: 'accepted at High for lb; now also covers lb->api carrying Customer PII, Prices and order totals' });
  });

  it('threat-dragon: the export carries the decision\'s `covers: []`, which comes back `covers: []`; removed, no scope', () => {
    const rt = roundTrip('threat-dragon', SHOP, EMPTY_COVERS);
    const doc = JSON.parse(rt.exported) as TdDocument;
    const carried: Array<Record<string, unknown>> = [];
    for (const cell of doc.detail.diagrams[0].cells) {
      const own = (cell.data as unknown as Record<string, { threats?: Record<string, { uid: string; decision?: Record<string, unknown> }> }>)[TD_OWN];
      for (const t of Object.values(own?.threats ?? {})) if (t.uid === DRIFTED && t.decision) carried.push(t.decision);
    }
    assert.deepEqual(carried.map((d) => d.covers), [[]]);
    assert.deepEqual(rt.differences, []);
    assert.deepEqual(readBack(rt, DRIFTED), NEEDS_REVIEW);
    delete carried[0].covers;
    assert.deepEqual(readBack(importAs('threat-dragon', JSON.stringify(doc, null, 2)), DRIFTED), UNCHECKED);
  });

  it('threagile: the section carries the decision\'s `covers: []`, which comes back `covers: []`; removed, no scope', () => {
    const rt = roundTrip('threagile', SHOP, EMPTY_COVERS);
    const decision = new RegExp(`(\\n {4}${DRIFTED}:\\n {6}decision: \\{ [^}\\n]*?), covers: \\[\\]`);
    assert.match(rt.exported, decision);
    assert.deepEqual(rt.differences, []);
    assert.deepEqual(readBack(rt, DRIFTED), NEEDS_REVIEW);
    assert.deepEqual(readBack(importAs('threagile', rt.exported.replace(decision, '$1')), DRIFTED), UNCHECKED);
  });

  it('an entry recording no scope is exported with no `covers` in any format, and comes back with none', () => {
    const unscoped = EMPTY_COVERS.replace('    covers: []\n', '');
    for (const format of ['otm', 'threat-dragon', 'threagile'] as const) {
      const rt = roundTrip(format, SHOP, unscoped);
      assert.doesNotMatch(rt.exported, /decisionCovers|"covers": \[\]|covers: \[\]/, format);
      assert.deepEqual(readBack(rt, format === 'otm' ? 'cleartext-disclosure@lb' : DRIFTED), UNCHECKED, format);
    }
    const { model, result } = analyseText(SHOP, 'shop.yaml', unscoped);
    assert.doesNotMatch(renderThreatComposer(result, { model }), new RegExp(TC_META.decisionCovers));
  });

  it('threat-composer: the export carries `decision-covers` empty, which comes back `covers: []`; removed, no scope', () => {
    const triage = `threatmap-triage: 1\nthreats:\n  threat:cache-eviction@cache:\n    status: accepted\n    reason: Fine.\n    covers: []\n`;
    const { model, result } = analyseText(SHOP, 'shop.yaml', triage);
    const imported = (w: TcWorkspace): TriageEntry | undefined => {
      const out = importThreatComposer(JSON.stringify(w, null, 2), 'shop.tc.json', { output: 'back.yaml' });
      assert.ok(out.text, formatDiagnostics(out.diagnostics));
      return out.triage?.text === undefined ? undefined : parseTriage(out.triage.text, 'triage').triage?.entries.find((e) => e.status === 'accepted');
    };
    const workspace = JSON.parse(renderThreatComposer(result, { model })) as TcWorkspace;
    const statement = workspace.threats.find((t) => t.metadata.some((m) => m.key === TC_META.key && m.value === 'threat:cache-eviction@cache'))!;
    assert.deepEqual(statement.metadata.filter((m) => m.key === TC_META.decisionCovers), [{ key: TC_META.decisionCovers, value: '' }]);
    assert.deepEqual(imported(workspace)?.covers, []);
    statement.metadata = statement.metadata.filter((m) => m.key !== TC_META.decisionCovers);
    const absent = imported(workspace);
    assert.equal(absent?.status, 'accepted');
    assert.equal(absent?.covers, undefined);
  });
});

// --- Threat Dragon without threatmap's data: the words of a drift name the key's component, no flow ------------

/** The exported Threat Dragon file without threatmap's data on its cells: only the descriptions' lines are left. */
function withoutOwnData(exported: string): string {
  const doc = JSON.parse(exported) as TdDocument;
  for (const cell of doc.detail.diagrams[0].cells) delete (cell.data as unknown as Record<string, unknown>)[TD_OWN];
  return JSON.stringify(doc, null, 2);
}

describe('Threat Dragon without threatmap\'s data: a decision made for no flow covers none', () => {
  const FLOWLESS = 'TM-6801fb4a'; // session-hijacking@api: Medium, no flows
  const triage = `threatmap-triage: 1
threats:
  session-hijacking@api:
    status: mitigated
    reason: HttpOnly cookies.
    risk: low
  cleartext-disclosure@lb:
    status: accepted
    reason: Internal hop.
    risk: low
    covers: [lb->api]
`;
  const exported = roundTrip('threat-dragon', SHOP, triage).exported;
  const back = importAs('threat-dragon', withoutOwnData(exported));

  it('`mitigated at Low for api` records risk Low and no flow (not `api`, the component its key names)', () => {
    assert.match(exported, /needs review: mitigated at Low for api, now Medium/);
    const e = entryOf(back.triage, FLOWLESS);
    assert.deepEqual(e && { status: e.status, risk: e.risk, covers: e.covers }, { status: 'mitigated', risk: 'Low', covers: undefined });
  });

  it('the flows the words name are still read as covered', () => {
    const e = entryOf(back.triage, DRIFTED);
    assert.deepEqual(e && { risk: e.risk, covers: e.covers }, { risk: 'Low', covers: ['lb->api'] });
  });

  it('without a risk, `accepted for lb` is `covers: []`: the decision still needs review after the import', () => {
    const out = importAs('threat-dragon', withoutOwnData(roundTrip('threat-dragon', SHOP, EMPTY_COVERS).exported));
    // The assets' names are threatmap's data, lost with it: the flow is named without what it carries.
    assert.deepEqual(readBack(out, DRIFTED), { ...NEEDS_REVIEW, needsReview: 'accepted for lb; now also covers lb->api' });
  });
});
