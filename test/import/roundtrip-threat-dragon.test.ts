// The Threat Dragon round trip: `threatmap export -f threat-dragon` (triage applied), then `threatmap import`,
// gives back a model whose analysis is the same (test/import/roundtrip.ts compares them), with what Threat
// Dragon has no field for kept under `data.threatmap` of the cells, and the model's assumptions, `rules:` and
// written threats as written on the system's note. An edit made in Threat Dragon wins over that data; a file
// Threat Dragon drew imports exactly as it did before threatmap kept any data of its own.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { importThreatDragon, type TdImportResult } from '../../src/import/threat-dragon.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { renderThreatDragon, TD_OWN, type TdCell, type TdDocument, type TdNode, type TdOwnSystem, type TdThreat } from '../../src/render/threat-dragon.js';
import { corpusDir, corpusMissing } from '../corpus.js';
import { BOUNDARY_THREAT_WITHOUT_FLOWS } from '../render/interchange-models.js';
import { analyseText, roundTrip } from './roundtrip.js';

const read = (path: string) => readFileSync(path, 'utf8');
const SHOP = read('test/fixtures/roundtrip/shop.yaml');
const SHOP_TRIAGE = read('test/fixtures/roundtrip/shop.triage.yaml');
const MICROSERVICES = read('examples/microservices.yaml');
const TUNED = read('test/fixtures/roundtrip/tuned.yaml');
const TUNED_TRIAGE = read('test/fixtures/roundtrip/tuned.triage.yaml');

/** The inputs that must round-trip, with their triage files. */
const INPUTS: Array<[string, string, string | undefined]> = [
  ['test/fixtures/roundtrip/shop.yaml', SHOP, SHOP_TRIAGE],
  ['test/fixtures/roundtrip/tuned.yaml', TUNED, TUNED_TRIAGE],
  ['examples/microservices.yaml', MICROSERVICES, undefined],
  ['examples/prelaunch.yaml', read('examples/prelaunch.yaml'), undefined],
  ['examples/ecommerce.yaml', read('examples/ecommerce.yaml'), undefined],
];

/**
 * Differences the format cannot avoid, by input, each with its reason. None: what Threat Dragon has no field
 * for travels as threatmap's own data, and a threat on the whole system, the assumptions, `rules:` and each
 * written threat as written (one reported nowhere included) sit on the system's note.
 */
const UNAVOIDABLE: Record<string, Array<{ difference: string; why: string }>> = {};

// --- Helpers -------------------------------------------------------------------------------------------

/** As `threatmap export` writes it: the result, and the model's sections the result does not hold. */
function exportOf(model: string, triage?: string): TdDocument {
  const analysed = analyseText(model, 'model.yaml', triage);
  return JSON.parse(renderThreatDragon(analysed.result, { model: analysed.model })) as TdDocument;
}

interface Back {
  imported: TdImportResult;
  model: string;
  result: AnalysisResult;
}

/** A Threat Dragon document imported, and the model it gives analysed with the decisions it carries. */
function importBack(doc: TdDocument): Back {
  const imported = importThreatDragon(JSON.stringify(doc, null, 2), 'model.td.json', { output: 'back.yaml' });
  assert.ok(imported.text && !hasErrors(imported.diagnostics), formatDiagnostics(imported.diagnostics));
  return { imported, model: imported.text, result: analyseText(imported.text, 'back.yaml', imported.triage?.text).result };
}

const cellsOf = (doc: TdDocument): TdCell[] => doc.detail.diagrams[0].cells;
const cellNamed = (doc: TdDocument, name: string): TdCell => {
  const c = cellsOf(doc).find((x) => x.data.name === name);
  assert.ok(c, `no cell named ${name}`);
  return c;
};
const noteOf = (doc: TdDocument) => cellsOf(doc).find((c): c is TdNode => c.shape === 'td-text-block');
/** Every copy of the threat with this title, in the cells it sits on. */
const copiesOf = (doc: TdDocument, title: string): TdThreat[] => cellsOf(doc).flatMap((c) => c.data.threats.filter((t) => t.title === title));
const threatOf = (r: AnalysisResult, key: string) => {
  const t = r.threats.find((x) => x.key === key);
  assert.ok(t, `no threat ${key}: ${r.threats.map((x) => x.key).join(', ')}`);
  return t;
};
const elementOf = (r: AnalysisResult, id: string) => r.elements.find((e) => e.id === id)!;
const keys = (r: AnalysisResult) => r.threats.map((t) => t.key).sort();

// --- The round trip ------------------------------------------------------------------------------------

describe('Threat Dragon round trip: export, then import, loses nothing', () => {
  for (const [name, model, triage] of INPUTS) {
    it(`${name}: the same threats, decisions, elements, flows, boundaries and assets`, () => {
      const r = roundTrip('threat-dragon', model, triage);
      const allowed = new Set((UNAVOIDABLE[name] ?? []).map((u) => u.difference));
      const unexpected = r.differences.filter((d) => !allowed.has(d));
      assert.deepEqual(unexpected, [], unexpected.join('\n'));
      assert.ok(!r.importDiagnostics.some((d) => d.severity === 'warning'), formatDiagnostics(r.importDiagnostics));
    });
  }

  it('a lapsed decision comes back lapsed, and a decision on a boundary drawn on each of its elements comes back once', () => {
    const lapsed = roundTrip('threat-dragon', SHOP, [
      'threatmap-triage: 1',
      'threats:',
      '  no-rate-limiting@api:/search: { status: accepted, reason: old decision, expires: 2025-06-01, review: 2025-05-01 }',
      '  threat:cache-eviction@cache: { status: transferred, reason: lapsed too, expires: 2024-01-01 }',
      '  threat:dmz-drift@dmz: { status: mitigating, ticket: NET-1 }',
      '',
    ].join('\n'));
    assert.deepEqual(lapsed.differences, [], lapsed.differences.join('\n'));
    const model = `${BOUNDARY_THREAT_WITHOUT_FLOWS}threats:\n  wide: { title: Cluster wide, stride: T, on: cluster }\n`;
    const escape = analyseText(model, 'model.yaml').result.threats.find((t) => t.componentKind === 'boundary' && t.flows.length === 0 && t.ruleId === 'container-escape')!;
    const r = roundTrip('threat-dragon', model, `threats:\n  ${escape.key}: { status: accepted, reason: ok }\n  threat:wide@cluster: { status: false-positive, reason: nope }\n`);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    assert.equal(r.triage?.match(/^ {4}status: /gm)?.length, 2);
  });

  it('a threat on the whole system sits on the system\'s note and comes back on the system; one on a boundary, on the boundary', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const note = noteOf(doc)!;
    assert.equal(note.data.name, 'Acme Shop');
    assert.deepEqual(note.data.threats.map((t) => t.title), ['Insider exports the customer list']);
    // The boundary's threat sits where Threat Dragon shows it (the DMZ's one element), and says it is the boundary's.
    const drift = cellsOf(doc).filter((c) => c.data.threats.some((t) => t.title === 'DMZ firewall rules drift from the reviewed set'));
    assert.deepEqual(drift.map((c) => c.data.name), ['Load balancer']);
    const { model, result } = importBack(doc);
    assert.match(model, /^ {2}dmz-drift:\n {4}title: DMZ firewall rules drift from the reviewed set\n {4}stride: E\n {4}on: dmz\n/m);
    assert.match(model, /^ {2}insider-export:\n {4}title: Insider exports the customer list\n {4}stride: I\n(?! {4}on:)/m);
    assert.equal(threatOf(result, 'threat:insider-export@system').triage?.status, 'transferred');
    assert.equal(threatOf(result, 'threat:dmz-drift@dmz').triage?.status, 'open');
  });

  it("keeps threatmap's data under `threatmap` in the cells, and Threat Dragon's threats as Threat Dragon writes them", () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    for (const c of cellsOf(doc)) {
      const own = (c.data as unknown as Record<string, unknown>)[TD_OWN] as { threats?: Record<string, unknown> } | undefined;
      assert.ok(own && typeof own === 'object', `${c.data.name}: no threatmap data`);
      // One entry per threat of the cell, by its Threat Dragon id; the threat itself has only Threat Dragon's keys.
      assert.deepEqual(Object.keys(own.threats ?? {}).sort(), c.data.threats.map((t) => t.id).sort(), c.data.name);
      for (const t of c.data.threats) assert.ok(!(TD_OWN in t), t.title);
    }
    const api = cellNamed(doc, 'API servers').data as unknown as Record<string, Record<string, unknown>>;
    assert.deepEqual(api[TD_OWN].endpoints, {
      '/login': { public: true, controls: ['rate-limiting', 'mfa', 'generic-responses'] },
      '/search': { public: true, returns: ['catalog'] },
      'POST /cart': { accepts: ['prices', 'orders'] },
      'POST /checkout': { controls: ['rate-limiting', 'server-side-validation'], accepts: ['card', 'orders'] },
      '/account': { returns: ['pii'] },
      '/webhooks/payment': { public: true, callers: ['payments'], controls: ['signature-verification', 'replay-protection'] },
    });
  });

  it("places the system's note clear of every box and element, and the same every time", () => {
    const text = JSON.stringify(exportOf(SHOP, SHOP_TRIAGE));
    assert.equal(JSON.stringify(exportOf(SHOP, SHOP_TRIAGE)), text);
    const doc = JSON.parse(text) as TdDocument;
    const note = noteOf(doc)!;
    const right = (c: TdNode) => c.position.x + c.size.width;
    const others = cellsOf(doc).filter((c): c is TdNode => c.shape !== 'flow' && c !== note);
    assert.ok(others.every((c) => right(c) < note.position.x), 'right of everything');
    // Without assets, a version or a threat on the whole system, there is nothing to keep on a note.
    assert.equal(noteOf(exportOf('threatmap: 1\nsystem: { name: Bare }\nelements:\n  web: { type: web-app }\n')), undefined);
  });

  it('keeps the system\'s version, an element with no type, and facts of every kind, on the way back', () => {
    const model = [
      'threatmap: 1',
      'system: { name: Kinds, version: "2.4" }',
      'assets:',
      '  keys: { type: credentials, classification: restricted, availability: high }',
      'elements:',
      '  ops: { kind: external, type: user, privileged: true, owner: ops-team, tags: [staff] }',
      '  job: { type: worker, exposed: false, replicas: 0 }',
      '  vault: { type: secrets-vault, stores: [keys], controls: [encryption-at-rest], privileged: true }',
      '  kiosk: { kind: store, tech: nosuch-tech }',
      'flows:',
      '  - ops -> job: { protocol: x-custom, encrypted: true, port: 8443, auth: mtls }',
      '  - job -> vault: { protocol: https, encrypted: false, credential: job-token, auth: api-key, data: [keys] }',
      '  - kiosk -> job: { protocol: mtls, auth: none }',
      '',
    ].join('\n');
    const r = roundTrip('threat-dragon', model);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    assert.match(r.model, /^ {2}version: "2\.4"$/m);
  });
});

// --- Edits in Threat Dragon ----------------------------------------------------------------------------

describe('Threat Dragon round trip: an edit made in Threat Dragon wins', () => {
  it('a renamed element and a new description come back under the same id, its threats under the same keys', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const api = cellNamed(doc, 'API servers') as TdNode;
    api.data.name = 'Shop API';
    api.attrs.text.text = 'Shop API';
    api.data.description = `Node.js behind the load balancer.\n\n${api.data.description}`;
    const before = analyseText(SHOP, 'model.yaml', SHOP_TRIAGE).result;
    const { result } = importBack(doc);
    assert.equal(elementOf(result, 'api').name, 'Shop API');
    assert.equal(elementOf(result, 'api').description, 'Node.js behind the load balancer.');
    assert.deepEqual(keys(result), keys(before));
    assert.deepEqual(elementOf(result, 'api').endpoints.map((e) => e.key), elementOf(before, 'api').endpoints.map((e) => e.key));
  });

  it('a changed status is the decision: Open undoes one, Mitigated and Not Applicable make one', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const status = (title: string, to: TdThreat['status']) => {
      const copies = copiesOf(doc, title);
      assert.ok(copies.length > 0, title);
      for (const t of copies) t.status = to;
    };
    status('Session hijacking on API servers', 'Open');
    status('Traffic can be read in transit: 1 cleartext flow from Load balancer', 'Mitigated');
    status('Coupons can be stacked on one order', 'NotApplicable');
    const { result } = importBack(doc);
    assert.equal(threatOf(result, 'session-hijacking@api').triage?.status, 'open');
    assert.equal(threatOf(result, 'session-hijacking@api').triage?.reason, undefined);
    assert.deepEqual([threatOf(result, 'cleartext-disclosure@lb').triage?.status, threatOf(result, 'cleartext-disclosure@lb').triage?.reason],
      ['mitigated', 'marked Mitigated in OWASP Threat Dragon']);
    assert.equal(threatOf(result, 'threat:coupon-stacking@api:POST /checkout').triage?.status, 'false-positive');
    // The decisions nobody touched are the ones exported.
    assert.equal(threatOf(result, 'no-rate-limiting@api:/search').triage?.reason, 'The CDN rate-limits /search per client.');
    assert.deepEqual(result.triage?.stale, []);
  });

  it("a threat on many cells changed on one of them: that copy's status is the decision", () => {
    const doc = exportOf(MICROSERVICES);
    const copies = copiesOf(doc, analyseText(MICROSERVICES, 'model.yaml').result.threats.find((t) => t.key === 'no-mutual-tls@mesh')!.title);
    assert.ok(copies.length > 1);
    copies[copies.length - 1].status = 'Mitigated';
    const { result, imported } = importBack(doc);
    assert.equal(threatOf(result, 'no-mutual-tls@mesh').triage?.status, 'mitigated');
    // One decision for the one threat, however many copies.
    assert.equal(imported.triage?.decisions, 1);
  });

  it("a flow's protocol and encryption, a store's flags and a process's privilege level are Threat Dragon's", () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const lbToApi = cellsOf(doc).find((c) => c.shape === 'flow' && c.data.protocol === 'http')!;
    lbToApi.data.protocol = 'https';
    (lbToApi.data as { isEncrypted: boolean }).isEncrypted = true;
    (cellNamed(doc, 'Session cache').data as Record<string, unknown>).isEncrypted = true;
    (cellNamed(doc, 'Orders database').data as Record<string, unknown>).isEncrypted = false;
    (cellNamed(doc, 'Load balancer').data as Record<string, unknown>).privilegeLevel = 'root';
    const { result } = importBack(doc);
    const flow = result.flows.find((f) => f.id === 'lb->api')!;
    assert.deepEqual([flow.protocol, flow.encrypted, flow.data], ['https', true, ['pii', 'prices']]);
    assert.ok(!result.threats.some((t) => t.key === 'cleartext-disclosure@lb'));
    assert.deepEqual(elementOf(result, 'cache').controls, ['encryption-at-rest']);
    assert.ok(!result.threats.some((t) => t.key === 'unencrypted-store@cache'));
    assert.deepEqual(elementOf(result, 'db').controls, ['backups']);
    assert.equal(elementOf(result, 'lb').privileged, true);
  });

  it('an element moved out of every box is in no boundary; one moved into a box is in its boundary', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const box = (name: string) => cellNamed(doc, name) as TdNode;
    (cellNamed(doc, 'Customer browser') as TdNode).position = { x: 9000, y: 9000 };
    const lb = cellNamed(doc, 'Load balancer') as TdNode;
    const edge = box('CDN edge');
    lb.position = { x: edge.position.x + edge.size.width - lb.size.width - 5, y: edge.position.y + edge.size.height - lb.size.height - 5 };
    const { result } = importBack(doc);
    // threatmap exported it in a box: moved out of all of them, it is in none (not in the importer's `outside`).
    assert.equal(elementOf(result, 'browser').boundary, undefined);
    assert.ok(!result.boundaries.some((b) => b.id === 'outside'));
    assert.equal(elementOf(result, 'lb').boundary, 'edge');
  });

  it('an element, a flow and a threat drawn in Threat Dragon import as from any Threat Dragon file', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const api = cellNamed(doc, 'API servers') as TdNode;
    const partner: TdNode = {
      position: { x: 9000, y: 40 }, size: { width: 160, height: 80 }, attrs: { text: { text: 'Partner' } }, visible: true, shape: 'actor', zIndex: 1,
      id: 'partner-cell', data: { type: 'tm.Actor', name: 'Partner', description: '', isTrustBoundary: false, hasOpenThreats: false, providesAuthentication: false, threats: [] },
    };
    const flow = structuredClone(cellsOf(doc).find((c) => c.shape === 'flow')!);
    Object.assign(flow, { id: 'partner-flow', source: { cell: partner.id }, target: { cell: api.id } });
    Object.assign(flow.data, { name: 'Orders feed', protocol: 'HTTPS', threats: [] });
    delete (flow.data as unknown as Record<string, unknown>)[TD_OWN];
    api.data.threats.push({
      id: 'new-threat', title: 'Feed floods the API', status: 'Open', severity: 'High', type: 'Denial of service', description: 'Too many orders.',
      mitigation: '', modelType: 'STRIDE', new: false, number: 99, score: '',
    });
    cellsOf(doc).push(partner, flow);
    const { result, model } = importBack(doc);
    // An actor Threat Dragon drew in no box goes into the importer's untrusted `outside`, as from any file.
    assert.equal(elementOf(result, 'partner').boundary, 'outside');
    assert.equal(elementOf(result, 'partner').type, 'user');
    const feed = result.flows.find((f) => f.from === 'partner')!;
    assert.deepEqual([feed.name, feed.protocol, feed.data], ['Orders feed', 'https', []]);
    assert.match(model, /^ {2}feed-floods-the-api:\n {4}title: Feed floods the API\n {4}stride: D\n {4}on: api\n {4}description: Too many orders\.\n {4}likelihood: medium\n {4}impact: high\n/m);
    // Its severity High kept as the risk (likelihood medium by impact high), and the note says so.
    assert.match(model, /^ {2}# likelihood medium and impact high set so that the risk is the author's High: Threat Dragon rates severity only; rate them if you know better\n {2}feed-floods-the-api:\n/m);
    assert.equal(threatOf(result, 'threat:feed-floods-the-api@api').risk, 'High');
    assert.equal(threatOf(result, 'threat:feed-floods-the-api@api').stride, 'D');
  });

  it("the system's note deleted: the assets go, the references to them are left out with a note, the model loads", () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const cells = cellsOf(doc);
    cells.splice(cells.indexOf(noteOf(doc)!), 1);
    const { result, imported } = importBack(doc);
    assert.deepEqual(result.assets, []);
    assert.deepEqual(elementOf(result, 'db').stores, []);
    assert.ok(imported.summary!.notes.some((n) => /^db: stored asset `pii`, `orders`, `prices` no longer in the file: left out$/.test(n)), imported.summary!.notes.join('\n'));
    assert.ok(imported.summary!.notes.some((n) => n.startsWith("the system's note threatmap's export drew is gone from the file: the assets, assumptions, `rules:` section and written threats it kept")),
      imported.summary!.notes.join('\n'));
  });

  it('threatmap data edited by hand into something the model refuses is left out with a note', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const own = (cellNamed(doc, 'API servers').data as unknown as Record<string, Record<string, unknown>>)[TD_OWN];
    own.auth = 'carrier-pigeon';
    own.replicas = -1;
    const { result, imported } = importBack(doc);
    assert.equal(elementOf(result, 'api').auth, undefined);
    assert.equal(elementOf(result, 'api').replicas, undefined);
    assert.ok(imported.summary!.notes.includes("api: its `auth` in threatmap's data is not one the model accepts; left out"), imported.summary!.notes.join('\n'));
  });
});

// --- The model's own sections ------------------------------------------------------------------------------

/** The system's note's own data: where the model's sections that the result does not hold are kept. */
const noteOwn = (doc: TdDocument) => (noteOf(doc)!.data as unknown as Record<string, TdOwnSystem>)[TD_OWN];

/** A model whose written threats are shown on some targets and ruled out on another by an assumption. */
const PARTLY = [
  'threatmap: 1',
  'system: { name: Partly }',
  'elements:',
  '  web: { type: web-app }',
  '  job: { type: worker }',
  '  db: { type: database }',
  'threats:',
  '  both: { title: Both ways, stride: T, on: [web, job], impact: low }',
  '  gone: { title: Gone soon, stride: D, on: [web, db] }',
  'assumptions:',
  '  - text: The database is a managed service.',
  '    rules: [threat:gone]',
  '    elements: [db]',
  '',
].join('\n');

describe("Threat Dragon round trip: the model's assumptions, `rules:` and written threats as written", () => {
  it("keeps them on the system's note, for people in its description and for the import under `threatmap`", () => {
    const doc = exportOf(TUNED, TUNED_TRIAGE);
    const own = noteOwn(doc);
    assert.equal(own.assumptions?.length, 3);
    assert.deepEqual(own.rules?.disable, ['verbose-errors']);
    // Reported nowhere (mitigated on both its targets): only the note has it.
    assert.deepEqual(copiesOf(doc, 'Refunds leave no audit trail'), []);
    assert.deepEqual(own.written?.['audit-gap'], {
      entry: { title: 'Refunds leave no audit trail', stride: 'R', on: ['api', 'payments->api'], likelihood: 'low', 'mitigated-by': ['audit-logging'] },
      unreported: ['api', 'payments->api'],
    });
    // Mitigated on its endpoint, reported on its flow: the endpoint is the one target with nothing to show.
    assert.deepEqual(own.written?.['replayed-webhook']?.unreported, ['api:/webhooks/payment']);
    const description = noteOf(doc)!.data.description;
    assert.match(description, /^Assumption: The CDN rate-limits \/search per client address\.$/m);
    assert.match(description, /^Rules disabled: verbose-errors$/m);
    assert.match(description, /^Written threats reported nowhere \(mitigated or ruled out\): Session cache evicts .*, Refunds leave no audit trail$/m);
  });

  it('without the model (a caller with only the result), the export and its import are as before', () => {
    const { result } = analyseText(TUNED, 'model.yaml', TUNED_TRIAGE);
    const doc = JSON.parse(renderThreatDragon(result)) as TdDocument;
    assert.deepEqual(Object.keys(noteOwn(doc)).sort(), ['assets', 'threats']);
    const { model } = importBack(doc);
    assert.doesNotMatch(model, /^(assumptions|rules):/m);
    assert.doesNotMatch(model, /^ {2}audit-gap:/m);
    assert.match(model, /^ {2}replayed-webhook:\n(?: {4}.*\n)* {4}mitigated-by: \[ replay-protection \]\n/m);
  });

  it("a written threat's title, type, description and mitigation edited in Threat Dragon win; its entry keeps `on:` and its ratings", () => {
    const doc = exportOf(TUNED, TUNED_TRIAGE);
    const [copy] = copiesOf(doc, 'Payment webhook replayed after a refund');
    Object.assign(copy, { title: 'Webhook replayed', type: 'Tampering', description: 'Replays a refund notice.', mitigation: 'Reject old nonces.' });
    const { model, result } = importBack(doc);
    assert.match(model, /^ {2}replayed-webhook:\n {4}title: Webhook replayed\n {4}stride: T\n {4}on: \[ payments -> api, api:\/webhooks\/payment \]\n {4}description: Replays a refund notice\.\n {4}mitigation: Reject old nonces\.\n {4}mitigated-by: \[ replay-protection \]\n/m);
    assert.equal(threatOf(result, 'threat:replayed-webhook@payments->api').title, 'Webhook replayed');
  });

  it('deleted in Threat Dragon, a written threat is gone; one the file never showed comes back', () => {
    const doc = exportOf(TUNED, TUNED_TRIAGE);
    for (const title of ['Payment webhook replayed after a refund', 'DMZ firewall rules drift from the reviewed set']) {
      for (const c of cellsOf(doc)) c.data.threats = c.data.threats.filter((t) => t.title !== title);
    }
    const { model, result, imported } = importBack(doc);
    // Gone with the target nothing showed it on (its endpoint, where it was mitigated).
    assert.doesNotMatch(model, /^ {2}(replayed-webhook|dmz-drift):/m);
    assert.ok(imported.summary!.notes.includes('threats.replayed-webhook: deleted in OWASP Threat Dragon (no threat of it left in the file): left out'));
    // Nothing of these was in the file to delete: as written.
    assert.match(model, /^ {2}audit-gap:\n {4}title: Refunds leave no audit trail\n {4}stride: R\n {4}on: \[ api, payments -> api \]\n {4}likelihood: low\n {4}mitigated-by: \[ audit-logging \]\n/m);
    assert.match(model, /^ {2}cache-eviction:\n/m);
    assert.deepEqual(result.triage?.stale, []);
  });

  it("one copy deleted: that target is gone; an assumption loses the threat deleted, and keeps its text and elements", () => {
    const before = exportOf(PARTLY);
    assert.deepEqual(noteOwn(before).written?.gone?.unreported, ['db']);
    const doc = exportOf(PARTLY);
    const drop = (element: string, title: string) => {
      const c = cellNamed(doc, element);
      c.data.threats = c.data.threats.filter((t) => t.title !== title);
    };
    drop('job', 'Both ways');
    drop('web', 'Gone soon');
    const { model, result, imported } = importBack(doc);
    assert.ok(imported.summary!.notes.includes('assumption "The database is a managed service.": `threat:gone` no longer in the file: left out'), imported.summary!.notes.join('\n'));
    assert.match(model, /^ {2}both:\n {4}title: Both ways\n {4}stride: T\n {4}on: web\n {4}impact: low\n/m);
    assert.doesNotMatch(model, /^ {2}gone:/m);
    assert.match(model, /^assumptions:\n {2}- text: The database is a managed service\.\n {4}elements: \[ db \]\n/m);
    assert.deepEqual(keys(result), ['threat:both@web']);
    // Untouched, the same model comes back.
    const r = roundTrip('threat-dragon', PARTLY);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
  });

  it("the note's data edited by hand into something the model refuses is left out with a note", () => {
    const doc = exportOf(TUNED, TUNED_TRIAGE);
    const own = noteOwn(doc) as unknown as Record<string, unknown>;
    own.rules = { disable: 'verbose-errors' };
    (own.assumptions as unknown[]).push({ text: 'no', elsewhere: true });
    (own.written as Record<string, unknown>)['audit-gap'] = { entry: { title: 'No stride' } };
    const { model, imported } = importBack(doc);
    assert.doesNotMatch(model, /^rules:|^ {2}audit-gap:/m);
    assert.match(model, /^assumptions:\n(?:  - .*\n(?: {4}.*\n)*){3}(?!  - )/m);
    for (const n of [
      "the `rules` in threatmap's data on the system's note are not a `rules:` section the model accepts; left out",
      "threat `audit-gap` in threatmap's data on the system's note is not one the model accepts; left out",
    ]) assert.ok(imported.summary!.notes.includes(n), imported.summary!.notes.join('\n'));
  });
});

// --- A flow's ends changed, a written threat's copies edited ----------------------------------------------

/** A flow cell by the model id threatmap exported it under. */
const flowCell = (doc: TdDocument, id: string) => {
  const c = cellsOf(doc).find((x) => x.shape === 'flow' && (x.data as unknown as Record<string, { id?: string }>)[TD_OWN]?.id === id);
  assert.ok(c && c.shape === 'flow', `no flow ${id}`);
  return c;
};
const flowOf = (r: AnalysisResult, from: string, to: string) => r.flows.filter((f) => f.from === from && f.to === to);
const endsNote = (imported: TdImportResult) => imported.summary!.notes.filter((n) => / \(cell [^)]+\): exported as /.test(n));

describe('Threat Dragon round trip: a flow whose ends changed in Threat Dragon', () => {
  it('reversed: its id, auth and credential went with the old direction and are left out, with a note; its data and protocol stay', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const cell = flowCell(doc, 'api->db');
    assert.deepEqual([(cell.data.threatmap as { from: string }).from, (cell.data.threatmap as { to: string }).to], ['api', 'db']);
    [cell.source, cell.target] = [cell.target, cell.source];
    const { result, imported } = importBack(doc);
    const [flow] = flowOf(result, 'db', 'api');
    assert.deepEqual([flow.id, flow.protocol, flow.credential, flow.auth, flow.data], ['db->api', 'postgres+tls', undefined, 'none', ['pii', 'orders']]);
    assert.deepEqual(flowOf(result, 'api', 'db'), []);
    assert.deepEqual(endsNote(imported), [`flow db -> api (cell ${cell.id}): exported as api -> db, reversed in OWASP Threat Dragon: its id api->db, its auth password,`
      + ' its credential shop-db left out, as they go with those ends']);
  });

  it('reversed onto a pair that has a flow already: its endpoint (its old target\'s) is left out too, and it gets an id of its own', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const cell = flowCell(doc, 'payments->api');
    [cell.source, cell.target] = [cell.target, cell.source];
    const { result, imported } = importBack(doc);
    const flows = flowOf(result, 'api', 'payments');
    assert.equal(flows.length, 2);
    assert.ok(flows.every((f) => f.endpoint === undefined && f.id !== 'payments->api'), JSON.stringify(flows));
    assert.match(endsNote(imported)[0], /: exported as payments -> api, reversed in OWASP Threat Dragon: its id payments->api, its endpoint \/webhooks\/payment left out/);
  });

  it('its source moved to another element: the endpoint is still its target\'s and stays; the id named by the old ends goes', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const cell = flowCell(doc, 'payments->api');
    cell.source = { cell: cellNamed(doc, 'Customer browser').id };
    const { result, imported } = importBack(doc);
    const [flow] = flowOf(result, 'browser', 'api');
    assert.deepEqual([flow.id, flow.endpoint], ['browser->api', 'api:/webhooks/payment']);
    assert.match(endsNote(imported)[0], /: exported as payments -> api, its ends changed in OWASP Threat Dragon: its id payments->api left out/);
  });

  it('untouched, or exported before the ends were kept: the flow as exported, and no note', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    assert.deepEqual(endsNote(importBack(doc).imported), []);
    // An older export's data has no ends: nothing to check them against, so its data is read as before.
    for (const c of cellsOf(doc)) {
      if (c.shape !== 'flow') continue;
      const own = (c.data as unknown as Record<string, Record<string, unknown>>)[TD_OWN];
      delete own.from;
      delete own.to;
    }
    const { result, imported } = importBack(doc);
    assert.deepEqual(endsNote(imported), []);
    assert.equal(flowOf(result, 'api', 'db')[0].credential, 'shop-db');
  });
});

/** A written threat on three elements, so three copies in the file: web's, job's and db's, in that order. */
const THREE = [
  'threatmap: 1', 'system: { name: Three }', 'elements:', '  web: { type: web-app }', '  job: { type: worker }', '  db: { type: database }',
  'threats:', '  wide: { title: Everywhere, stride: T, on: [web, job, db], impact: low, description: As written., mitigation: Check it. }', '',
].join('\n');
/** The copy of `wide` on the cell of this element. */
const wideOn = (doc: TdDocument, element: string): TdThreat => {
  const t = cellNamed(doc, element).data.threats.find((x) => x.title === 'Everywhere');
  assert.ok(t, `no copy on ${element}`);
  return t;
};
const wideEntry = (model: string): string => {
  const m = /^ {2}wide:\n(?: {4}.*\n)*/m.exec(model);
  assert.ok(m, model);
  return m[0];
};

describe('Threat Dragon round trip: a written threat edited on one of its copies', () => {
  it('untouched, the entry comes back as written', () => {
    const r = roundTrip('threat-dragon', THREE);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    assert.deepEqual(copiesOf(exportOf(THREE), 'Everywhere').map((t) => t.severity), ['Low', 'Low', 'Low']);
  });

  it('edited on a copy that is not the first: its title, type, description, mitigation and severity (as the impact) win', () => {
    const doc = exportOf(THREE);
    Object.assign(wideOn(doc, 'job'), { title: 'Everywhere at once', type: 'Spoofing', description: 'Edited there.', mitigation: 'Fix it.', severity: 'High' });
    const { model, result, imported } = importBack(doc);
    assert.equal(wideEntry(model), '  wide:\n    title: Everywhere at once\n    stride: S\n    on: [ web, job, db ]\n    description: Edited there.\n    impact: high\n    mitigation: Fix it.\n');
    assert.deepEqual(keys(result), ['threat:wide@db', 'threat:wide@job', 'threat:wide@web']);
    assert.ok(!imported.summary!.notes.some((n) => n.startsWith('threats.wide:')), imported.summary!.notes.join('\n'));
  });

  it('two copies edited differently: the first in the file wins, with a note; a copy left alone undoes neither', () => {
    const doc = exportOf(THREE);
    Object.assign(wideOn(doc, 'job'), { title: 'Job title' });
    Object.assign(wideOn(doc, 'db'), { title: 'Store title', mitigation: 'Only here.' });
    const { model, imported } = importBack(doc);
    assert.match(wideEntry(model), /^ {4}title: Job title\n(?:.*\n)* {4}mitigation: Only here\.\n/m);
    const conflicts = imported.summary!.notes.filter((n) => n.startsWith('threats.wide:'));
    assert.equal(conflicts.length, 1, conflicts.join('\n'));
    assert.match(conflicts[0], /^threats\.wide: its title differs between its copies edited in OWASP Threat Dragon \(model\.td\.json:\d+, model\.td\.json:\d+\); the first is taken$/);
  });

  it('one copy deleted and another edited: only that target goes, and the edit stays', () => {
    const doc = exportOf(THREE);
    const web = cellNamed(doc, 'web');
    web.data.threats = web.data.threats.filter((t) => t.title !== 'Everywhere');
    wideOn(doc, 'db').description = 'Edited on the store.';
    const { model, result, imported } = importBack(doc);
    assert.equal(wideEntry(model), '  wide:\n    title: Everywhere\n    stride: T\n    on: [ job, db ]\n    description: Edited on the store.\n    impact: low\n    mitigation: Check it.\n');
    assert.deepEqual(keys(result), ['threat:wide@db', 'threat:wide@job']);
    assert.ok(imported.summary!.notes.includes('threats.wide: its threat on `web` was deleted in OWASP Threat Dragon; left out of its `on:`'), imported.summary!.notes.join('\n'));
  });
});

// --- Review fixes: what the export adds to a mitigation, and statuses that are no decision ---------------

const COUPON = 'threat:coupon-stacking@api:POST /checkout';
/** The shop's triage with the coupon decision's reason on two lines. */
const TWO_LINE_REASON = SHOP_TRIAGE.replace(
  '    reason: Marketing accepts the loss until the new coupon service ships.\n',
  '    reason: |-\n      Marketing accepts the loss\n      until the new coupon service ships.\n',
);
/** The `coupon-stacking` entry of a model as the import wrote it. */
const couponEntry = (model: string): string => {
  const m = /^ {2}coupon-stacking:\n(?: {4}.*\n)*/m.exec(model);
  assert.ok(m, model);
  return m[0];
};

describe('Threat Dragon round trip: what the export writes above a mitigation is not the mitigation', () => {
  it("a decision's reason with a line break stays out of the mitigation, however many times the model goes round", () => {
    assert.notEqual(TWO_LINE_REASON, SHOP_TRIAGE);
    let model = SHOP;
    for (let i = 0; i < 2; i++) {
      const { imported } = importBack(exportOf(model, TWO_LINE_REASON));
      model = imported.text!;
      assert.match(couponEntry(model), /^ {4}mitigation: Accept one coupon per order\.\n/m, `round ${i + 1}`);
    }
    const r = roundTrip('threat-dragon', SHOP, TWO_LINE_REASON);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
  });

  it("a written threat with no mitigation and a decision with a two-line reason comes back with no mitigation, not the export's placeholder", () => {
    const model = SHOP.replace('    mitigation: Accept one coupon per order.\n', '');
    assert.notEqual(model, SHOP);
    const doc = exportOf(model, TWO_LINE_REASON);
    assert.match(copiesOf(doc, 'Coupons can be stacked on one order')[0].mitigation, /^Risk accepted: Marketing accepts the loss\nuntil/);
    const { model: back } = importBack(doc);
    assert.doesNotMatch(couponEntry(back), /mitigation|No mitigation is written/);
  });

  it("an open written threat whose own mitigation starts as a decision would comes back whole", () => {
    const own = 'Risk accepted: the CFO signed off in Q3.\n\nReview it yearly.';
    const model = SHOP.replace('    mitigation: Accept one coupon per order.\n', `    mitigation: ${JSON.stringify(own)}\n`);
    const triage = SHOP_TRIAGE.replace(/^ {2}threat:coupon-stacking@.*\n(?: {4}.*\n)*/m, '');
    assert.notEqual(triage, SHOP_TRIAGE);
    const { result } = importBack(exportOf(model, triage));
    assert.equal(threatOf(result, COUPON).mitigation, own);
    assert.equal(threatOf(result, COUPON).triage?.status ?? 'open', 'open');
  });

  it('a mitigation edited in Threat Dragon that no longer starts with the decision the export wrote is taken whole', () => {
    const doc = exportOf(SHOP, SHOP_TRIAGE);
    const edited = 'Risk accepted: by the board instead.\n\nOne coupon per order.';
    for (const t of copiesOf(doc, 'Coupons can be stacked on one order')) t.mitigation = edited;
    const { result } = importBack(doc);
    assert.equal(threatOf(result, COUPON).mitigation, edited);
  });
});

describe('Threat Dragon round trip: a status that is no Threat Dragon decision', () => {
  it('`constructor` (any case) on an exported or a drawn threat writes no decision, and the triage file loads', () => {
    for (const word of ['constructor', 'Constructor', 'CONSTRUCTOR']) {
      const doc = exportOf(SHOP, SHOP_TRIAGE);
      // An exported rule's threat, an exported written threat (both: the status changed in Threat Dragon) and a drawn one.
      for (const t of copiesOf(doc, 'Session hijacking on API servers')) t.status = word as TdThreat['status'];
      for (const t of copiesOf(doc, 'Coupons can be stacked on one order')) t.status = word as TdThreat['status'];
      (cellNamed(doc, 'API servers') as TdNode).data.threats.push({
        id: 'drawn-threat', title: 'Feed floods the API', status: word as TdThreat['status'], severity: 'High', type: 'Denial of service',
        description: 'Too many orders.', mitigation: '', modelType: 'STRIDE', new: false, number: 99, score: '',
      });
      // importBack analyses the model with the triage file written, which throws if that file does not load.
      const { imported, result } = importBack(doc);
      assert.doesNotMatch(imported.triage?.text ?? '', /undefined|constructor/i, word);
      assert.equal(threatOf(result, 'session-hijacking@api').triage?.status ?? 'open', 'open', word);
      assert.equal(threatOf(result, COUPON).triage?.status ?? 'open', 'open', word);
      assert.equal(threatOf(result, 'threat:feed-floods-the-api@api').triage?.status ?? 'open', 'open', word);
    }
  });
});

// --- Files Threat Dragon drew ----------------------------------------------------------------------------

/**
 * What importing a file gives (model, triage, diagnostics, summary), as a digest: the digests below are those
 * of the importer before threatmap kept data of its own in the cells. A file without that data must import
 * exactly so; if the import of such files is changed on purpose, update the digest with the change.
 */
function importDigest(path: string, file: string): string {
  const r = importThreatDragon(read(path), file, { output: 'model.yaml' });
  assert.equal(r.summary?.fromThreatmap, false, `${file} is not a threatmap export`);
  // The digests were taken before the summary said whether the file is a threatmap export, and counted its written threats.
  const outcome = JSON.stringify({
    text: r.text, triage: r.triage?.text, diagnostics: r.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`),
    summary: { ...r.summary, fromThreatmap: undefined, written: undefined },
  });
  return createHash('sha256').update(outcome).digest('hex');
}

// s19: the digests changed with the placeholder asset (`data`) that a file with no data model now gets.
// s19 (review of imports): and again with a Threat Dragon severity kept as the risk (likelihood medium), loose
// ends attached to the one element within 20 px, clients read by name and config stores' secrets; recomputed then.
// s20: and again with the placeholders split (`data` for processes, `stored-data` confidential for stores)
// and a severity that is no assessment (TBA, none, a new threat nobody filled in) left for analyze to rate.
// s20 (td-bidi): shop.td.json's bidirectional Login (f-3) is one flow web-app -> auth now, not a reply auth ->
// web-app as well, with a comment and a note saying so; the other files draw no bidirectional flow: unchanged.
// s20 (assumed): all four again, for the placeholder alone: `data` is `classification: confidential, assumed: true`
// (earlier this session a separate `internal` placeholder), with its comment and the check note ("`data` (assumed confidential)") saying so.
describe('Threat Dragon round trip: a file not from threatmap imports as before', () => {
  it('the fixtures drawn in Threat Dragon', () => {
    assert.equal(importDigest('test/fixtures/td-import/shop.td.json', 'shop.td.json'), '63db0f4382fa11fc3c6ae6a9a90cccf2d10b5fbecbb80567fe9a8be9ab4266bb');
    assert.equal(importDigest('test/fixtures/td-import/bad-cells.td.json', 'bad-cells.td.json'), 'f74b57bd9ad1110e052724a778bda72b78908ad0bd9d32993886efcbdc26a536');
  });

  it("Threat Dragon's own demo models", (t) => {
    const samples = { 'demo-threat-model.td-v2.json': '683f30189565a6f873e11a99b365d90dd4665639b42a8484a5f67ee4b1e18b55', 'iot-device.td-v2.json': '4bd83f1ff34442d43a451a0a7bf4b56a02018efb3fa171e1b1d226b097971056' };
    const dir = corpusDir('threat-dragon', ...Object.keys(samples));
    if (!dir) return t.skip(corpusMissing(`threat-dragon/${Object.keys(samples).join(', ')}`));
    for (const [file, digest] of Object.entries(samples)) assert.equal(importDigest(join(dir, file), file), digest, file);
  });
});
