// Open Threat Model export: valid against the OTM 0.2.0 JSON schema (draft-07, read by Ajv 8), one trust
// zone per boundary, one component per element, one dataflow per flow, one threat per threat, every
// reference resolving, triage status as the threat instance's state, and byte-stable output.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { AnalysisResult } from '../../src/analysis/types.js';
import {
  buildOtm, MITIGATION_STATE, mitigationName, type OtmDocument, type OtmThreatInstance, renderOtm, renderOtmChunks,
  renderOtmYaml, slug, THREAT_STATE, TRUST_RATING,
} from '../../src/render/otm.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { TRIAGE_STATUSES } from '../../src/track/types.js';
import { analyzeExample, analyzeText } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';
import { BOUNDARY_THREAT_WITHOUT_FLOWS } from './interchange-models.js';
import { analyseText } from '../import/roundtrip.js';

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown };

const SCHEMA_NAME = 'otm_schema-0.2.0.json';
/** The committed fixture (test/fixtures/otm/README.md: origin and licence), else the shared corpus copy. */
const FIXTURE = join('test', 'fixtures', 'otm', SCHEMA_NAME);
const corpusFile = (name: string): string | undefined => {
  const dir = corpusDir('otm', name);
  return dir && join(dir, name);
};
const schemaPath = existsSync(FIXTURE) ? FIXTURE : corpusFile(SCHEMA_NAME);
const NO_SCHEMA = `the OTM schema is not at ${FIXTURE}, and ${corpusMissing(`otm/${SCHEMA_NAME}`)}`;

function otmValidator(path: string): Validator {
  // The OTM schema is JSON Schema draft-07, Ajv 8's default draft; strict mode stays on (the schema passes it).
  const Ajv = require('ajv') as new (opts: object) => { compile(schema: object): Validator };
  const schema = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(schema.$id, 'https://iriusrisk.com/schema/otm-0.2.0.schema.json');
  return new Ajv({ allErrors: true }).compile(schema);
}
const validate = schemaPath ? otmValidator(schemaPath) : undefined;

function assertValid(doc: unknown) {
  assert.ok(validate, NO_SCHEMA);
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
}

/** For tests about something else: validates too when the schema is there (the tests above skip, saying why, when not). */
const validIfSchema = (doc: unknown) => {
  if (validate) assertValid(doc);
};

const EXAMPLES = ['ecommerce', 'microservices', 'prelaunch'];
const parseOtm = (r: AnalysisResult): OtmDocument => JSON.parse(renderOtm(r)) as OtmDocument;

/** What the schema cannot say: ids unique per collection, and every reference naming something that exists. */
function assertReferences(doc: OtmDocument) {
  const ids = (items: Array<{ id: string }>, what: string) => {
    const set = new Set(items.map((x) => x.id));
    assert.equal(set.size, items.length, `duplicate ${what} id`);
    return set;
  };
  const zones = ids(doc.trustZones, 'trust zone');
  const components = ids(doc.components, 'component');
  const assets = ids(doc.assets, 'asset');
  const threats = ids(doc.threats, 'threat');
  const mitigations = ids(doc.mitigations, 'mitigation');
  ids(doc.dataflows, 'dataflow');
  for (const z of doc.trustZones) if (z.parent) assert.ok(zones.has(z.parent.trustZone), `${z.id}'s parent`);
  const instances: OtmThreatInstance[] = [];
  for (const c of doc.components) {
    assert.ok(zones.has(c.parent.trustZone), `${c.id}'s parent`);
    for (const a of [...(c.assets?.processed ?? []), ...(c.assets?.stored ?? [])]) assert.ok(assets.has(a), `${c.id}: asset ${a}`);
    instances.push(...(c.threats ?? []));
  }
  for (const f of doc.dataflows) {
    assert.ok(components.has(f.source) && components.has(f.destination), `${f.id}'s ends`);
    for (const a of f.assets ?? []) assert.ok(assets.has(a), `${f.id}: asset ${a}`);
    instances.push(...(f.threats ?? []));
  }
  for (const i of instances) {
    assert.ok(threats.has(i.threat), `instance of ${i.threat}`);
    for (const m of i.mitigations) assert.ok(mitigations.has(m.mitigation), `mitigation ${m.mitigation}`);
  }
  return { instances };
}

describe('OTM export', () => {
  it('validates against the OTM 0.2.0 JSON schema for every example, as JSON and as YAML', (t) => {
    if (!validate) return t.skip(NO_SCHEMA);
    for (const name of EXAMPLES) {
      const r = analyzeExample(name);
      const doc = parseOtm(r);
      assertValid(doc);
      assert.equal(doc.otmVersion, '0.2.0');
      assert.deepEqual(parseYaml(renderOtmYaml(r), { version: '1.1' }), doc, `${name}: YAML reads as the JSON`);
    }
  });

  it('stays valid with the model\'s own sections carried for the round trip (assumptions, rules:, written threats)', (t) => {
    if (!validate) return t.skip(NO_SCHEMA);
    for (const name of ['shop', 'tuned']) {
      const { model, result } = analyseText(readFileSync(`test/fixtures/roundtrip/${name}.yaml`, 'utf8'), `${name}.yaml`);
      const doc = JSON.parse(renderOtm(result, { model })) as OtmDocument & { project: { attributes?: Record<string, string> } };
      assertValid(doc);
      assert.ok(Object.keys(doc.project.attributes ?? {}).includes('threatmap:threats'), name);
      assert.deepEqual(parseYaml(renderOtmYaml(result, { model }), { version: '1.1' }), doc, `${name}: YAML reads as the JSON`);
    }
  });

  it('the schema check is real: broken documents fail it', (t) => {
    if (!validate) return t.skip(NO_SCHEMA);
    const broken: Array<(d: Record<string, any>) => void> = [
      (d) => { delete d.components[0].parent; },
      (d) => { d.trustZones[0].risk.trustRating = 'low'; },
      (d) => { d.threats[0].risk = { likelihood: 50 }; },
      (d) => { delete d.components[2].threats[0].state; },
      (d) => { d.components[0].parent = { trustZone: 'a', component: 'b' }; },
      (d) => { delete d.project.id; },
    ];
    for (const [i, breakIt] of broken.entries()) {
      const doc = parseOtm(analyzeExample('ecommerce')) as unknown as Record<string, any>;
      assert.ok(doc.components[2].threats?.length, 'the third component has threats');
      breakIt(doc);
      assert.equal(validate(doc), false, `breakage ${i}`);
    }
  });

  it("the validator accepts the spec's own example and StartLeft's files", (t) => {
    if (!validate) return t.skip(NO_SCHEMA);
    const files = ['otm-spec-EXAMPLE.yaml', 'startleft-manual_threat_model.otm.yaml', 'startleft-mtmt_example.otm.yaml'].map(corpusFile);
    if (files.some((f) => !f)) return t.skip('the OTM files of the shared corpus are absent');
    for (const f of files) {
      // The spec's example ends a quoted code snippet on a line indented less than YAML allows (PyYAML reads
      // it anyway, the yaml package does not): that one line is indented as the snippet's other lines.
      const text = readFileSync(f!, 'utf8').replace(/\n {8}\}'\n/, "\n          }'\n");
      assertValid(parseYaml(text));
    }
  });

  it('the committed schema is the shared corpus copy, byte for byte', (t) => {
    const shared = corpusFile(SCHEMA_NAME);
    if (!shared) return t.skip('the shared corpus is absent');
    assert.ok(existsSync(FIXTURE), `${FIXTURE} is committed`);
    assert.ok(readFileSync(FIXTURE).equals(readFileSync(shared)));
  });

  it('has one trust zone per boundary, component per element, dataflow per flow, asset per asset, threat per threat', () => {
    for (const name of EXAMPLES) {
      const r = analyzeExample(name);
      const doc = parseOtm(r);
      assert.deepEqual(doc.trustZones.map((z) => z.id), r.boundaries.map((b) => b.id), name);
      assert.deepEqual(doc.components.map((c) => c.id), r.elements.map((e) => e.id), name);
      assert.deepEqual(doc.dataflows.map((f) => [f.id, f.source, f.destination]), r.flows.map((f) => [f.id, f.from, f.to]), name);
      assert.deepEqual(doc.assets.map((a) => a.id), r.assets.map((a) => a.id), name);
      assert.deepEqual(doc.threats.map((x) => x.id), r.threats.map((x) => x.uid), name);
      assert.equal(doc.mitigations.length, new Set(r.threats.map((x) => `${x.ruleId}\n${x.mitigation}`)).size, name);
    }
  });

  it('every reference resolves, ids are unique, and every threat sits somewhere', () => {
    for (const name of EXAMPLES) {
      const r = analyzeExample(name);
      const doc = parseOtm(r);
      const { instances } = assertReferences(doc);
      assert.deepEqual(new Set(instances.map((i) => i.threat)), new Set(doc.threats.map((x) => x.id)), name);
    }
  });

  it('nests boundaries through parent.trustZone and rates trust from untrusted 0 to restricted 100', () => {
    assert.deepEqual(TRUST_RATING, { untrusted: 0, dmz: 33, internal: 67, restricted: 100 });
    const shop = parseOtm(analyzeExample('ecommerce'));
    const zone = (doc: OtmDocument, id: string) => doc.trustZones.find((z) => z.id === id)!;
    assert.deepEqual(zone(shop, 'data').parent, { trustZone: 'app' });
    assert.equal(zone(shop, 'data').risk.trustRating, 100);
    assert.equal(zone(shop, 'internet').risk.trustRating, 0);
    assert.equal(zone(shop, 'app').parent, undefined);
    assert.equal(zone(shop, 'data').type, 'data-tier');
    const launch = parseOtm(analyzeExample('prelaunch'));
    assert.deepEqual(zone(launch, 'storage').parent, { trustZone: 'cloud' });
    // Components sit in their own boundary, not its parent.
    const db = shop.components.find((c) => c.id === 'db')!;
    assert.deepEqual(db.parent, { trustZone: 'data' });
    assert.equal(db.type, 'postgres');
    assert.deepEqual(db.tags.slice(0, 3), ['kind:store', 'tech:postgres', 'type:database']);
    assert.deepEqual(db.assets?.stored, analyzeExample('ecommerce').elements.find((e) => e.id === 'db')!.stores);
    assert.ok(db.assets?.stored?.includes('pii'));
  });

  it('rates likelihood, impact and C/I/A as 25, 50, 75 with the reasons beside them; cwes from the references', () => {
    const r = analyzeExample('ecommerce');
    const doc = parseOtm(r);
    for (const t of r.threats) {
      const x = doc.threats.find((d) => d.id === t.uid)!;
      assert.equal(x.name, t.title);
      assert.equal(x.risk.likelihood, { Low: 25, Medium: 50, High: 75 }[t.likelihood.level]);
      assert.equal(x.risk.impact, { Low: 25, Medium: 50, High: 75 }[t.impact.level]);
      assert.equal(x.risk.likelihoodComment, `${t.likelihood.level}: ${t.likelihood.reason}`);
      assert.equal(x.risk.impactComment, `${t.impact.level}: ${t.impact.reason}`);
      assert.deepEqual(x.cwes, t.references.filter((ref) => ref.startsWith('CWE-')));
      assert.equal(x.categories.length, 1);
      assert.equal(x.attributes.ruleId, t.ruleId);
      assert.equal(x.attributes.risk, t.risk);
      assert.match(x.attributes.evidence, /\(examples\/ecommerce\.yaml:\d+\)/);
    }
    const search = doc.threats.find((x) => x.attributes.key === 'no-rate-limiting@api:/search')!;
    assert.deepEqual(search.categories, ['Denial of Service']);
    const pii = doc.assets.find((a) => a.id === 'pii')!;
    assert.deepEqual({ ...pii.risk, comment: undefined }, { confidentiality: 75, integrity: 50, availability: 50, comment: undefined });
    assert.match(pii.risk.comment, /classification confidential/);
  });

  it("sets a triaged threat's instance state and its mitigation's state from the triage status", () => {
    assert.deepEqual(Object.keys(THREAT_STATE).sort(), [...TRIAGE_STATUSES].sort());
    assert.deepEqual(Object.keys(MITIGATION_STATE).sort(), [...TRIAGE_STATUSES].sort());
    const triage = parseTriage([
      'threats:',
      '  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue, owner: alice }',
      '  "cleartext-disclosure@lb": { status: mitigating }',
      '  "unencrypted-store@cache": { status: mitigated, reason: encrypted volume }',
      '  "client-controlled-value@api:POST /cart": { status: false-positive, reason: prices are looked up }',
      '',
    ].join('\n'), 'x').triage!;
    const r = applyTriage(analyzeExample('ecommerce'), triage, { today: '2026-11-28' });
    const doc = parseOtm(r);
    validIfSchema(doc);
    const instanceOf = (key: string) => {
      const uid = r.threats.find((t) => t.key === key)!.uid!;
      const all = [...doc.components, ...doc.dataflows].flatMap((c) => c.threats ?? []).filter((i) => i.threat === uid);
      assert.equal(all.length, 1, key);
      return all[0];
    };
    assert.deepEqual(instanceOf('no-rate-limiting@api:/search'), {
      threat: r.threats.find((t) => t.key === 'no-rate-limiting@api:/search')!.uid,
      state: 'accepted',
      mitigations: [{ mitigation: 'M-no-rate-limiting', state: 'recommended' }],
    });
    assert.equal(instanceOf('cleartext-disclosure@lb').state, 'partly-mitigated');
    assert.equal(instanceOf('unencrypted-store@cache').state, 'mitigated');
    assert.equal(instanceOf('unencrypted-store@cache').mitigations[0].state, 'implemented');
    assert.equal(instanceOf('client-controlled-value@api:POST /cart').state, 'not-applicable');
    const open = r.threats.find((t) => !t.triage || t.triage.status === 'open')!;
    assert.equal(instanceOf(open.key).state, 'exposed');
    assert.equal(instanceOf(open.key).mitigations[0].state, 'required');
    const accepted = doc.threats.find((x) => x.attributes.key === 'no-rate-limiting@api:/search')!;
    assert.equal(accepted.attributes.status, 'accepted');
    assert.equal(accepted.attributes.reason, 'public catalogue');
    assert.equal(accepted.attributes.owner, 'alice');
  });

  it("puts each threat on its element (endpoints included), its flow, or a boundary's flows", () => {
    const shop = analyzeExample('ecommerce');
    const shopDoc = parseOtm(shop);
    const api = shopDoc.components.find((c) => c.id === 'api')!;
    const cart = shop.threats.find((t) => t.key === 'client-controlled-value@api:POST /cart')!;
    assert.ok(api.threats?.some((i) => i.threat === cart.uid), 'an endpoint threat sits on its element');
    // A boundary threat (no mutual TLS in the service mesh) sits on every flow it covers, and nowhere else.
    const ms = analyzeExample('microservices');
    const msDoc = parseOtm(ms);
    const mesh = ms.threats.find((t) => t.key === 'no-mutual-tls@mesh')!;
    const on = msDoc.dataflows.filter((f) => f.threats?.some((i) => i.threat === mesh.uid)).map((f) => f.id);
    assert.deepEqual(on, msDoc.dataflows.map((f) => f.id).filter((id) => mesh.flows.includes(id)));
    assert.ok(!msDoc.components.some((c) => c.threats?.some((i) => i.threat === mesh.uid)));
    // A flow's own threat sits on that dataflow.
    const r = analyzeText('threatmap: 1\nsystem: { name: App }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  user: { tech: browser }\n  app: { type: api }\n  crm: { type: third-party }\nflows:\n  - user -> app: https\n  - app -> crm: { protocol: https, data: [pii] }\n');
    const flowThreat = r.threats.find((t) => t.componentKind === 'flow')!;
    assert.equal(flowThreat.component, 'app->crm');
    const doc = parseOtm(r);
    assert.deepEqual(doc.dataflows.find((f) => f.id === 'app->crm')!.threats?.map((i) => i.threat), [flowThreat.uid]);
    assertReferences(doc);
  });

  it('a boundary threat without flows sits on the components directly in that boundary', () => {
    const r = analyzeText(BOUNDARY_THREAT_WITHOUT_FLOWS);
    const t = r.threats.find((x) => x.componentKind === 'boundary' && x.flows.length === 0)!;
    assert.ok(t, 'the model has a boundary threat without flows');
    const doc = parseOtm(r);
    validIfSchema(doc);
    const holders = doc.components.filter((c) => c.threats?.some((i) => i.threat === t.uid)).map((c) => c.id);
    assert.deepEqual(holders, ['web', 'ledger']);
  });

  it('elements outside every boundary get a default trust zone, only when needed, with an id of its own', () => {
    const r = analyzeText([
      'threatmap: 1', 'system: { name: Loose }',
      'boundaries:', '  outside-internal: { trust: restricted }',
      'elements:', '  visitor: { tech: browser }', '  api: { type: api }', '  vault: { type: database, in: outside-internal }',
      'flows:', '  - visitor -> api: https', '  - api -> vault: postgres+tls', '',
    ].join('\n'));
    const doc = parseOtm(r);
    validIfSchema(doc);
    assertReferences(doc);
    assert.deepEqual(doc.trustZones.map((z) => [z.id, z.risk.trustRating]), [
      ['outside-internal', 100], ['outside-untrusted', 0], ['outside-internal-2', 67],
    ]);
    const parent = (id: string) => doc.components.find((c) => c.id === id)!.parent.trustZone;
    assert.deepEqual([parent('visitor'), parent('api'), parent('vault')], ['outside-untrusted', 'outside-internal-2', 'outside-internal']);
    // Every element in a boundary: no extra zone (the examples above count exactly one per boundary).
    const zoned = parseOtm(analyzeText('threatmap: 1\nsystem: { name: Z }\nboundaries:\n  net: { trust: internal }\nelements:\n  api: { type: api, in: net }\n'));
    assert.deepEqual(zoned.trustZones.map((z) => z.id), ['net']);
  });

  it('takes the project id from the file name, else the system name', () => {
    assert.equal(parseOtm(analyzeExample('ecommerce')).project.id, 'ecommerce');
    const text = 'threatmap: 1\nsystem: { name: Acme Shop — EU, description: Shop }\nelements:\n  api: { type: api }\n';
    assert.equal(parseOtm(analyzeText(text, 'models/Shop Model.v2.yml')).project.id, 'shop-model-v2');
    const doc = parseOtm(analyzeText(text, ''));
    assert.deepEqual([doc.project.id, doc.project.name, doc.project.description], ['acme-shop-eu', 'Acme Shop — EU', 'Shop']);
    assert.equal(slug('  ¿¡ '), '');
  });

  it('has one mitigation per distinct text of a rule, with ids from the rule id and a short name', () => {
    const doc = parseOtm(analyzeExample('prelaunch'));
    for (const m of doc.mitigations) {
      assert.match(m.id, /^M-[a-z0-9-]+$/);
      assert.equal(m.id, `M-${m.attributes.ruleId}`);
      assert.equal(m.riskReduction, 100);
      assert.ok(m.name.length <= 81 && m.description.startsWith(m.name.replace(/…$/, '')), m.name);
    }
    assert.deepEqual(doc.mitigations.map((m) => m.id), doc.mitigations.map((m) => m.id).sort());
    assert.equal(mitigationName('Set cookies HttpOnly, Secure and SameSite. Rotate the session id at login.'), 'Set cookies HttpOnly, Secure and SameSite');
    const long = mitigationName(`${'word '.repeat(30)}end.`);
    assert.ok(long.endsWith('word…') && long.length <= 81, long);
  });

  it('gives a rule with several mitigation texts one mitigation per text, and a repeated uid a suffix', () => {
    const r = analyzeExample('ecommerce');
    const t = r.threats.find((x) => x.key === 'no-rate-limiting@api:/search')!;
    const twin = { ...t, key: `${t.key}-twin`, component: 'lb', endpoint: undefined, mitigation: 'Rate-limit at the load balancer.' };
    const doc = parseOtm({ ...r, threats: [...r.threats, twin] });
    validIfSchema(doc);
    assertReferences(doc);
    const own = doc.mitigations.filter((m) => m.attributes.ruleId === 'no-rate-limiting');
    assert.equal(own.length, 2);
    for (const m of own) assert.match(m.id, /^M-no-rate-limiting-[0-9a-f]{8}$/);
    assert.deepEqual(new Set(own.map((m) => m.description)), new Set([t.mitigation, twin.mitigation]));
    // The twin kept t's uid: the second threat with it is written as uid-2, and both have an instance.
    assert.deepEqual(doc.threats.filter((x) => x.id.startsWith(t.uid!)).map((x) => x.id), [t.uid, `${t.uid}-2`]);
    const lb = doc.components.find((c) => c.id === 'lb')!;
    assert.ok(lb.threats?.some((i) => i.threat === `${t.uid}-2` && own.some((m) => m.id === i.mitigations[0].mitigation && m.description === twin.mitigation)));
  });

  it('is deterministic, and its pieces are the JSON of the document it builds', () => {
    for (const name of EXAMPLES) {
      const text = renderOtm(analyzeExample(name));
      assert.equal(renderOtm(analyzeExample(name)), text);
      assert.equal(text, `${JSON.stringify(buildOtm(analyzeExample(name)), null, 2)}\n`);
      assert.equal(renderOtmYaml(analyzeExample(name)), renderOtmYaml(analyzeExample(name)));
      assert.ok(!/\d{4}-\d{2}-\d{2}T\d{2}:/.test(text), 'no timestamps');
    }
    const big = analyzeText(`threatmap: 1\nsystem: { name: Big }\nelements:\n${Array.from({ length: 400 }, (_, i) => `  s${i}: { type: service }\n`).join('')}`);
    const pieces = [...renderOtmChunks(big)];
    assert.ok(pieces.length > 1, 'written in pieces');
    assert.equal(pieces.join(''), `${JSON.stringify(buildOtm(big), null, 2)}\n`);
  });

  it('writes YAML that a YAML 1.1 reader (PyYAML, StartLeft) reads as written: no aliases, ambiguous words quoted', () => {
    const r = analyzeText('threatmap: 1\nsystem: { name: "yes" }\nboundaries:\n  "on": { trust: internal }\nelements:\n  "no": { type: api, in: "on", tags: ["1:20", "off"] }\n', 'y.yaml');
    const yaml = renderOtmYaml(r);
    assert.ok(!/[&*]a\d/.test(yaml), 'no anchors or aliases');
    assert.match(yaml, /^ {2}name: "yes"$/m);
    assert.deepEqual(parseYaml(yaml, { version: '1.1' }), buildOtm(r));
    assert.deepEqual(parseYaml(yaml), buildOtm(r));
  });
});
