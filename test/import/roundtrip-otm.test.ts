// The round trip through Open Threat Model: `threatmap export -f otm` (triage applied), then `threatmap
// import`, must give back a model whose analysis is the same (test/import/roundtrip.ts compares them). What
// OTM has no field for travels in attributes: an element's endpoints as `threatmap:endpoint:<key>` (a JSON
// object each), the model's assumptions, `rules:` and written threats as project attributes, the rest in the
// attributes and tags our export has always written (owner, replicas, credential, endpoint, the triage entry
// of each threat). Also here: edits made in another tool win over that data, and a file that is not our
// export ignores attributes that happen to have the same names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importOtm } from '../../src/import/otm.js';
import { renderOtm, renderOtmYaml, type OtmDocument, type OtmThreatInstance } from '../../src/render/otm.js';
import { analyseText, differences, roundTrip, snapshot } from './roundtrip.js';

const read = (file: string) => readFileSync(file, 'utf8');

const INPUTS: Array<[model: string, triage?: string]> = [
  ['test/fixtures/roundtrip/shop.yaml', 'test/fixtures/roundtrip/shop.triage.yaml'],
  ['test/fixtures/roundtrip/tuned.yaml', 'test/fixtures/roundtrip/tuned.triage.yaml'],
  ['examples/microservices.yaml'],
  ['examples/prelaunch.yaml'],
  ['examples/ecommerce.yaml'],
];

/**
 * The differences OTM cannot avoid, by input, each with its reason. None: every fact the analysis reads
 * has a place in the file (OTM's own fields, else our attributes).
 */
const UNAVOIDABLE: Record<string, string[]> = {};

describe('OTM round trip: export, import, analyse', () => {
  for (const [model, triage] of INPUTS) {
    it(`${model}${triage ? ' with its triage file' : ''} comes back with the same threats, decisions and model`, () => {
      const r = roundTrip('otm', read(model), triage && read(triage));
      assert.deepEqual(r.differences, UNAVOIDABLE[model] ?? [], r.differences.join('\n'));
    });
  }

  it('the YAML form of the export comes back the same as the JSON form', () => {
    const [model, triage] = INPUTS[0];
    const original = analyseText(read(model), 'model.yaml', read(triage!));
    const back = importOtm(renderOtmYaml(original.result, { model: original.model }), 'model.otm.yaml', { output: 'back.yaml' });
    const after = analyseText(back.text!, 'back.yaml', back.triage?.text);
    const lines = differences(snapshot(original), snapshot(after));
    assert.deepEqual(lines, [], lines.join('\n'));
  });

  it('keeps decisions that had expired, and open threats that have a reason, as they were written', () => {
    const triage = [
      'threatmap-triage: 1',
      'threats:',
      '  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue, expires: 2025-06-30 }',
      '  "cleartext-disclosure@lb": { status: transferred, reason: the CDN vendor carries it, owner: ops, review: 2025-01-01 }',
      '  "cleartext-tampering@lb": { status: open, owner: alice, ticket: OPS-9 }',
      '',
    ].join('\n');
    const r = roundTrip('otm', read('examples/ecommerce.yaml'), triage);
    assert.deepEqual(r.differences, [], r.differences.join('\n'));
    assert.match(r.triage!, /no-rate-limiting@api:\/search:\n {4}threat: .*\n {4}status: accepted\n {4}reason: public catalogue\n {4}expires: 2025-06-30\n/);
  });

  it('carries each endpoint as one namespaced attribute: what the model would not infer again, as JSON', () => {
    const r = roundTrip('otm', read(INPUTS[0][0]), read(INPUTS[0][1]!));
    const api = (JSON.parse(r.exported) as OtmDocument).components.find((c) => c.id === 'api')!;
    const own = Object.entries(api.attributes).filter(([k]) => k.startsWith('threatmap:'));
    assert.deepEqual(own, [
      ['threatmap:endpoint:/login', '{"public":true,"controls":["rate-limiting","mfa","generic-responses"]}'],
      ['threatmap:endpoint:/search', '{"public":true,"returns":["catalog"]}'],
      ['threatmap:endpoint:POST /cart', '{"accepts":["prices","orders"]}'],
      ['threatmap:endpoint:POST /checkout', '{"controls":["rate-limiting","server-side-validation"],"accepts":["card","orders"]}'],
      ['threatmap:endpoint:/account', '{"returns":["pii"]}'],
      ['threatmap:endpoint:/webhooks/payment', '{"public":true,"callers":["payments"],"controls":["signature-verification","replay-protection"]}'],
    ]);
    // The list of keys a person reads in the other tool stays as it was.
    assert.equal(api.attributes.endpoints, '/login, /search, POST /cart, POST /checkout, /account, /webhooks/payment');
  });
});

describe('OTM round trip: the model\'s assumptions and rules, when the export is given the model', () => {
  // The analysis result holds neither, so the export carries them only when given the model
  // (OtmOptions.model). Here on ecommerce.yaml with sections of its own (tuned.yaml is one of the inputs above).
  const text = `${read('examples/ecommerce.yaml')}
assumptions:
  - The CDN is configured by the provider's reviewed templates.
  - { text: The cache is rebuilt empty after every restart., rules: [unencrypted-store], elements: [cache] }
rules:
  disable: [verbose-errors]
  override:
    session-hijacking: { likelihood: low, reason: sessions last ten minutes }
  custom:
    - id: store-without-backups
      title: "{name} has no backups"
      stride: D
      applies-to: element
      when:
        all:
          - element.kind: store
          - not: { has-control: backups }
      mitigation: Back it up.
`;
  const triage = 'threatmap-triage: 1\nthreats:\n  "store-without-backups@cache": { status: accepted, reason: a cache }\n';
  const original = analyseText(text, 'model.yaml', triage);
  const exported = renderOtm(original.result, { model: original.model });

  it('they change this analysis (the test would show nothing otherwise)', () => {
    const plain = analyseText(read('examples/ecommerce.yaml'), 'model.yaml');
    assert.ok(plain.result.threats.some((t) => t.key === 'unencrypted-store@cache' || t.ruleId === 'verbose-errors'));
    assert.ok(!original.result.threats.some((t) => t.key === 'unencrypted-store@cache' || t.ruleId === 'verbose-errors'));
    assert.ok(original.result.threats.some((t) => t.key === 'store-without-backups@cache'));
  });

  it('travel as project attributes and come back, with no difference in the analysis', () => {
    const project = (JSON.parse(exported) as OtmDocument).project.attributes!;
    assert.deepEqual(JSON.parse(project['threatmap:assumptions']), [
      'The CDN is configured by the provider\'s reviewed templates.',
      { text: 'The cache is rebuilt empty after every restart.', rules: ['unencrypted-store'], elements: ['cache'] },
    ]);
    assert.deepEqual(Object.keys(JSON.parse(project['threatmap:rules'])), ['disable', 'override', 'custom']);
    const back = importOtm(exported, 'model.otm.json', { output: 'back.yaml' });
    const lines = differences(snapshot(original), snapshot(analyseText(back.text!, 'back.yaml', back.triage?.text)));
    assert.deepEqual(lines, [], lines.join('\n'));
  });

  it('an assumption whose elements were all removed in the other tool is left out, noted, not made global', () => {
    const doc = JSON.parse(exported) as OtmDocument;
    doc.components = doc.components.filter((c) => c.id !== 'cache');
    doc.dataflows = doc.dataflows.filter((f) => f.destination !== 'cache');
    const back = importOtm(JSON.stringify(doc), 'edited.otm.json');
    const raw = parseYaml(back.text!) as Record<string, any>;
    assert.deepEqual(raw.assumptions, ['The CDN is configured by the provider\'s reviewed templates.']);
    assert.ok(back.summary!.notes.some((n) => n.startsWith('assumption "The cache is rebuilt empty after every restart.": none of its elements (cache)')));
  });

  it('without the model the export carries neither, as before', () => {
    const project = (JSON.parse(renderOtm(original.result)) as OtmDocument).project.attributes!;
    assert.deepEqual(Object.keys(project).filter((k) => k.startsWith('threatmap:')), []);
  });
});

/** The shop exported, as the other tool would hold it: a document to edit. */
const exportedShop = () => exportedText(read(INPUTS[0][0]), read(INPUTS[0][1]!));

/** A model exported with its triage file (its sections carried), as the other tool would hold it. */
function exportedText(model: string, triage?: string) {
  const r = roundTrip('otm', model, triage);
  const doc = JSON.parse(r.exported) as OtmDocument;
  const uid = (key: string) => doc.threats.find((t) => t.attributes.key === key)!.id;
  const instances = (key: string): OtmThreatInstance[] =>
    [...doc.components, ...doc.dataflows].flatMap((x) => x.threats ?? []).filter((i) => i.threat === uid(key));
  return { doc, instances, original: r.before };
}

function reimported(doc: OtmDocument) {
  const back = importOtm(JSON.stringify(doc, null, 2), 'edited.otm.json', { output: 'back.yaml' });
  assert.ok(back.text, JSON.stringify(back.diagnostics));
  const analysed = analyseText(back.text, 'back.yaml', back.triage?.text);
  return { back, result: analysed.result, raw: parseYaml(back.text) as Record<string, any>, after: snapshot(analysed) };
}

describe('OTM round trip: what a person changed in the other tool wins', () => {
  it('a renamed component, an edited protocol, a changed type and trust rating', () => {
    const { doc } = exportedShop();
    const component = (id: string) => doc.components.find((c) => c.id === id)!;
    component('api').name = 'Storefront API';
    component('db').type = 'mysql';
    // TLS now reaches the servers: the protocol tag is edited, the encryption tag that said `false` is not.
    const lbApi = doc.dataflows.find((f) => f.id === 'lb->api')!;
    lbApi.tags = lbApi.tags.map((t) => (t === 'protocol:http' ? 'protocol:https' : t));
    doc.trustZones.find((z) => z.id === 'dmz')!.risk.trustRating = 0;
    const { raw, result } = reimported(doc);
    assert.equal(raw.elements.api.name, 'Storefront API');
    assert.equal(raw.elements.db.tech, 'mysql');
    // The rest of what the export carried stays: the renamed element keeps its endpoints and replicas.
    assert.equal(Object.keys(raw.elements.api.endpoints).length, 6);
    assert.equal(raw.elements.api.replicas, 4);
    const flow = result.flows.find((f) => f.id === 'lb->api')!;
    assert.deepEqual([flow.protocol, flow.encrypted], ['https', true]);
    assert.ok(!result.threats.some((t) => t.key === 'cleartext-disclosure@lb'), 'no cleartext threat on an https flow');
    assert.equal(result.boundaries.find((b) => b.id === 'dmz')!.trust, 'untrusted');
    assert.deepEqual(result.triage!.stale, []);
  });

  it('a changed threat state: the other tool\'s decision replaces the one the export recorded', () => {
    const { doc, instances } = exportedShop();
    // Reopened there: the mitigated decision is gone. Fixed there: the open threat (with a reason) is mitigated.
    for (const i of instances('session-hijacking@api')) Object.assign(i, { state: 'exposed', mitigations: i.mitigations.map((m) => ({ ...m, state: 'required' })) });
    for (const i of instances('unencrypted-store@cache')) i.state = 'mitigated';
    const { back, result } = reimported(doc);
    const decision = (key: string) => result.threats.find((t) => t.key === key)!.triage;
    assert.deepEqual(decision('session-hijacking@api'), { status: 'open' });
    assert.equal(decision('unencrypted-store@cache')!.status, 'mitigated');
    assert.equal(decision('unencrypted-store@cache')!.reason, 'state "mitigated" in the Open Threat Model file');
    // The decisions nobody touched come back exactly.
    assert.equal(decision('no-rate-limiting@api:/search')!.reason, 'The CDN rate-limits /search per client.');
    assert.ok(back.summary!.notes.some((n) => n.startsWith('unencrypted-store@cache: component cache says mitigated where the export said exposed (open)')), back.summary!.notes.join('\n'));
    assert.deepEqual(result.triage!.stale, []);
  });

  it('an endpoint removed there takes its threats and decisions with it, noted, with no stale entry', () => {
    const { doc } = exportedShop();
    const api = doc.components.find((c) => c.id === 'api')!;
    delete api.attributes['threatmap:endpoint:/search'];
    const { back, result } = reimported(doc);
    assert.ok(!result.threats.some((t) => t.endpoint === 'api:/search'));
    assert.ok(back.summary!.notes.includes('no-rate-limiting@api:/search: its `false-positive` decision is about endpoint api:/search, which is not in the file any more: not kept'));
    assert.deepEqual(result.triage!.stale, []);
  });

  it('a component, dataflow and threat added there have no threatmap data and import as from any OTM file', () => {
    const { doc, original } = exportedShop();
    doc.components.push({
      id: 'mailer', name: 'Mailer', type: 'third-party', parent: { trustZone: 'provider' }, tags: [], attributes: {},
      threats: [{ threat: 'T-spam', state: 'exposed', mitigations: [] }],
    });
    doc.dataflows.push({ id: 'api-mailer', name: 'Sends mail', bidirectional: false, source: 'api', destination: 'mailer', tags: ['smtps'], attributes: {} });
    doc.threats.push({
      id: 'T-spam', name: 'Mail relay abused for spam', description: 'Anyone can send through it.', categories: ['Spoofing'], cwes: [],
      risk: { likelihood: 80, likelihoodComment: '', impact: 40, impactComment: '' }, attributes: {},
    });
    const { raw, result, after } = reimported(doc);
    assert.deepEqual(raw.elements.mailer, { name: 'Mailer', type: 'third-party', in: 'provider' });
    assert.deepEqual(raw.flows.at(-1), { 'api -> mailer': { id: 'api-mailer', name: 'Sends mail', protocol: 'smtps' } });
    assert.deepEqual(raw.threats['T-spam'], {
      title: 'Mail relay abused for spam', stride: 'S', on: 'mailer', description: 'Anyone can send through it.', likelihood: 'high', impact: 'medium',
    });
    // Everything else is as exported: the differences are the additions and what they bring.
    const added = differences(original, after).filter((d) => !/(mailer|api-mailer|T-spam)/.test(d.split('\n')[0]));
    assert.deepEqual(added, [], added.join('\n'));
    assert.deepEqual(result.triage!.stale, []);
  });
});

describe('OTM round trip: written threats travel as written', () => {
  const TUNED = INPUTS[1];
  const tuned = () => exportedText(read(TUNED[0]), read(TUNED[1]!));
  /** Deletes, as a person would in the other tool, the OTM threat of a key and its instances. */
  const deleteThreat = (doc: OtmDocument, key: string) => {
    const id = doc.threats.find((t) => t.attributes.key === key)!.id;
    doc.threats = doc.threats.filter((t) => t.id !== id);
    for (const x of [...doc.components, ...doc.dataflows]) if (x.threats) x.threats = x.threats.filter((i) => i.threat !== id);
  };

  it('carries each entry of `threats:` as written, and the targets the export reported it on', () => {
    const project = tuned().doc.project.attributes!;
    const carried = JSON.parse(project['threatmap:threats']) as Record<string, unknown>;
    assert.deepEqual(Object.keys(carried), ['coupon-stacking', 'insider-export', 'dmz-drift', 'replayed-webhook', 'cache-eviction', 'audit-gap']);
    assert.deepEqual(carried['audit-gap'], {
      title: 'Refunds leave no audit trail', stride: 'R', on: ['api', 'payments->api'], likelihood: 'low', 'mitigated-by': ['audit-logging'],
    });
    // audit-gap (mitigated everywhere) and cache-eviction (ruled out by an assumption) were reported nowhere.
    assert.deepEqual(JSON.parse(project['threatmap:threats-reported']), {
      'coupon-stacking': ['api:POST /checkout'], 'insider-export': ['system'], 'dmz-drift': ['dmz'], 'replayed-webhook': ['payments->api'],
    });
  });

  it('writes them back in the model\'s order, with `mitigated-by` and the targets where they are mitigated', () => {
    const { raw } = reimported(tuned().doc);
    assert.deepEqual(Object.keys(raw.threats), ['coupon-stacking', 'insider-export', 'dmz-drift', 'replayed-webhook', 'cache-eviction', 'audit-gap']);
    assert.deepEqual(raw.threats['replayed-webhook'], {
      title: 'Payment webhook replayed after a refund', stride: 'S', on: ['payments -> api', 'api:/webhooks/payment'], 'mitigated-by': ['replay-protection'],
    });
    assert.deepEqual(raw.threats['audit-gap'], {
      title: 'Refunds leave no audit trail', stride: 'R', on: ['api', 'payments -> api'], likelihood: 'low', 'mitigated-by': ['audit-logging'],
    });
  });

  it('edited there wins: the title, the STRIDE category, a rating, the state; the rest stays as written', () => {
    const { doc, instances, original } = tuned();
    const otm = doc.threats.find((t) => t.attributes.key === 'threat:coupon-stacking@api:POST /checkout')!;
    otm.name = 'Coupons stack at checkout';
    otm.categories = ['Information Disclosure'];
    otm.risk.likelihood = 80;
    for (const i of instances('threat:coupon-stacking@api:POST /checkout')) {
      Object.assign(i, { state: 'mitigated', mitigations: i.mitigations.map((m) => ({ ...m, state: 'implemented' })) });
    }
    const { raw, result, after } = reimported(doc);
    assert.deepEqual(raw.threats['coupon-stacking'], {
      title: 'Coupons stack at checkout', stride: 'I', on: 'api:POST /checkout',
      description: 'A customer applies the same coupon twice\nby replaying the checkout request.',
      likelihood: 'high', impact: 'high', mitigation: 'Accept one coupon per order.', references: ['CWE-840'],
    });
    const t = result.threats.find((x) => x.key === 'threat:coupon-stacking@api:POST /checkout')!;
    assert.deepEqual([t.stride, t.likelihood.level, t.triage?.status], ['I', 'High', 'mitigated']);
    // Nothing else moved.
    const others = differences(original, after).filter((d) => !d.includes('coupon-stacking'));
    assert.deepEqual(others, [], others.join('\n'));
    assert.deepEqual(result.triage!.stale, []);
  });

  it('deleted there is gone, with its decisions; one reported nowhere comes back, as there was nothing to delete', () => {
    const { doc } = tuned();
    deleteThreat(doc, 'threat:dmz-drift@dmz');
    // Its one reported target deleted: gone, although it was also written on an endpoint where it is mitigated.
    deleteThreat(doc, 'threat:replayed-webhook@payments->api');
    const { back, raw, result } = reimported(doc);
    assert.equal(raw.threats['dmz-drift'], undefined);
    assert.equal(raw.threats['replayed-webhook'], undefined);
    assert.ok(back.summary!.notes.includes('threats.dmz-drift: its threats were deleted in the other tool: left out'), back.summary!.notes.join('\n'));
    assert.ok(raw.threats['audit-gap'] && raw.threats['cache-eviction']);
    assert.deepEqual(result.triage!.stale, []);
  });

  it('one of its reported targets deleted there: no longer on it; its targets where it was mitigated stay', () => {
    const model = `threatmap: 1
system: { name: Orders }
elements:
  web: { type: web-app }
  api: { type: api, controls: [audit-logging] }
  db: { type: database }
flows:
  - web -> api: https
  - api -> db: postgres
threats:
  tampered-orders:
    title: Orders tampered with
    stride: T
    on: [web, db, api]
    mitigated-by: [audit-logging]
`;
    const triage = ['threatmap-triage: 1', 'threats:', '  "threat:tampered-orders@db": { status: accepted, reason: read-only replica }',
      '  "threat:tampered-orders@web": { status: mitigating, reason: signed forms, ticket: WEB-7 }', ''].join('\n');
    const { doc } = exportedText(model, triage);
    assert.deepEqual(JSON.parse(doc.project.attributes!['threatmap:threats-reported']), { 'tampered-orders': ['web', 'db'] });
    deleteThreat(doc, 'threat:tampered-orders@db');
    const { back, raw, result } = reimported(doc);
    assert.deepEqual(raw.threats['tampered-orders'].on, ['web', 'api']);
    assert.ok(back.summary!.notes.includes('threats.tampered-orders: its threat on `db` was deleted in the other tool: no longer on it'), back.summary!.notes.join('\n'));
    // The decision on the target it is still on stays; the one on db went with its threat.
    assert.deepEqual(result.threats.filter((t) => t.triage && t.triage.status !== 'open').map((t) => [t.key, t.triage!.status]), [['threat:tampered-orders@web', 'mitigating']]);
    assert.deepEqual(result.triage!.stale, []);
  });

  it('a target removed there (its component) is no longer one; a threat left with none is gone, not made global', () => {
    const { doc } = tuned();
    doc.components = doc.components.filter((c) => c.id !== 'cache');
    doc.dataflows = doc.dataflows.filter((f) => f.destination !== 'cache');
    const { back, raw } = reimported(doc);
    assert.equal(raw.threats['cache-eviction'], undefined);
    assert.ok(back.summary!.notes.includes('threats.cache-eviction: `cache` is not in the file any more: no longer on it'), back.summary!.notes.join('\n'));
  });

  it('without the model the export carries none, and the import builds them from the file\'s threats as before', () => {
    const { model, result } = analyseText(read(TUNED[0]), 'model.yaml', read(TUNED[1]!));
    const exported = renderOtm(result, { model: { assumptions: model.assumptions, rules: model.rules, threats: [] } });
    assert.equal((JSON.parse(exported) as OtmDocument).project.attributes!['threatmap:threats'], undefined);
    const raw = parseYaml(importOtm(renderOtm(result), 'model.otm.json').text!) as Record<string, any>;
    // What the result holds: the threats it reports, on their reported targets, with no `mitigated-by`.
    assert.deepEqual(Object.keys(raw.threats), ['replayed-webhook', 'coupon-stacking', 'dmz-drift', 'insider-export']);
    assert.deepEqual(raw.threats['replayed-webhook'], { title: 'Payment webhook replayed after a refund', stride: 'S', on: 'payments -> api' });
  });
});

describe('OTM round trip: a file that is not our export', () => {
  const foreign = (source: string) => `otmVersion: 0.2.0
project: { name: Other, id: other${source} }
trustZones: [{ id: z, name: Private, risk: { trustRating: 70 }, attributes: { trust: restricted } }]
components:
  - id: api
    name: API
    type: process
    parent: { trustZone: z }
    tags: [kind:process, custom]
    attributes: { owner: someone, exposed: "true", replicas: "3", privileged: "true", "threatmap:endpoint:/x": "{}" }
  - { id: db, name: DB, type: postgresql, parent: { trustZone: z } }
dataflows:
  - { id: f, name: f, source: api, destination: db, tags: [postgres], attributes: { credential: shared, endpoint: "db:/x" } }
`;
  it('reads none of our attributes, even when they are there under the same names', () => {
    const raw = parseYaml(importOtm(foreign(''), 'other.otm.yaml').text!) as Record<string, any>;
    // A file of no assets: the placeholder asset every process handles (import-common.ts placeholderAsset), as for any such file.
    assert.deepEqual(raw.elements.api, { name: 'API', kind: 'process', in: 'z', handles: ['data'] });
    assert.deepEqual(raw.flows, [{ 'api -> db': { name: 'f', protocol: 'postgres' } }]);
  });
  it('reads no written threats from project attributes of our names', () => {
    const text = foreign('').replace('id: other }', `id: other, attributes: { "threatmap:threats": '{"x":{"title":"X","stride":"S"}}' } }`);
    const raw = parseYaml(importOtm(text, 'other.otm.yaml').text!) as Record<string, any>;
    assert.equal(raw.threats, undefined);
  });
  it('reads them only when the project says it is our export (source: threatmap)', () => {
    const raw = parseYaml(importOtm(foreign(', attributes: { source: threatmap }'), 'ours.otm.yaml').text!) as Record<string, any>;
    assert.deepEqual(raw.elements.api, {
      name: 'API', kind: 'process', in: 'z', endpoints: { '/x': {} }, exposed: true, privileged: true, replicas: 3, owner: 'someone', tags: ['custom'],
    });
    assert.deepEqual(raw.flows, [{ 'api -> db': { id: 'f', name: 'f', protocol: 'postgres', credential: 'shared' } }]);
  });
});
