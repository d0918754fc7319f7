// AWS Threat Composer export: a workspace Threat Composer imports without complaint (its zod schemas and
// limits, transcribed below from packages/threat-composer-core/src/schemas and constants.ts), threat
// statements composed as Threat Composer composes them, deterministic ids and bytes, links that point at
// records, and triage carried as its statuses and in our custom metadata.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { formatOfOutput } from '../../src/cli/export.js';
import { EXPORT_FORMATS } from '../../src/cli/formats.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { generateModelText } from '../../src/model/generate.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import {
  buildThreatComposer, clip, composeStatement, indefiniteArticle, mitigationStatus, renderThreatComposer, renderThreatComposerChunks, TC_LIMITS,
  TC_META, TC_STATUS, type TcWorkspace,
} from '../../src/render/threat-composer.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { TRIAGE_STATUSES } from '../../src/track/types.js';

// --- Threat Composer's schema, as its source states it ---------------------------------------------------

const L = { tag: 30, small: 50, field: 200, freeSmall: 1000, free: 100000, imageUrl: 2048, imageBase64: 1000000 };
const IMAGE_URL = /^https?:\/\/(www\.)?[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b([-a-zA-Z0-9()@:%_+.~#?&/=]*)/i;
const IMAGE_BASE64 = /^(?:data:image\/[a-z+]{3,};base64,)(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/i;
const Comments = z.object({ key: z.literal('Comments'), value: z.string().max(L.freeSmall) }).strict();
const Custom = z.object({ key: z.string().startsWith('custom:').max(L.small), value: z.union([z.string(), z.array(z.string())]) }).strict();
const Stride = z.object({ key: z.literal('STRIDE'), value: z.array(z.enum(['S', 'T', 'R', 'I', 'D', 'E'])) }).strict();
const Priority = z.object({ key: z.literal('Priority'), value: z.enum(['High', 'Medium', 'Low']) }).strict();
const Tag = z.string().min(1).max(L.tag);
const Entity = {
  id: z.string().max(36), numericId: z.number(), displayOrder: z.number().optional(), tags: z.array(Tag).optional(),
};
const Threat = z.object({
  ...Entity,
  metadata: z.array(z.union([Comments, Custom, Stride, Priority])).optional(),
  threatSource: z.string().max(L.field).optional(), prerequisites: z.string().max(L.field).optional(), threatAction: z.string().max(L.field).optional(),
  threatImpact: z.string().max(L.field).optional(), impactedGoal: z.array(z.string().max(L.field)).optional(), impactedAssets: z.array(z.string().max(L.field)).optional(),
  statement: z.string().max(L.field * 7).optional(), customTemplate: z.string().max(L.field).optional(),
  status: z.enum(['threatIdentified', 'threatResolved', 'threatResolvedNotUseful']).optional(),
}).strict();
const Mitigation = z.object({
  ...Entity, metadata: z.array(z.union([Comments, Custom])).optional(), content: z.string().max(L.freeSmall),
  status: z.enum(['mitigationIdentified', 'mitigationInProgress', 'mitigationResolved', 'mitigationResolvedWillNotAction']).optional(),
}).strict();
const Assumption = z.object({ ...Entity, metadata: z.array(z.union([Comments, Custom])).optional(), content: z.string().max(L.freeSmall) }).strict();
const Image = z.object({
  image: z.string().optional().refine((v) => !v || (v.length <= L.imageUrl && IMAGE_URL.test(v)) || (v.length <= L.imageBase64 && IMAGE_BASE64.test(v))),
  description: z.string().max(L.free).optional(),
}).strict();
const DataExchange = z.object({
  schema: z.number().max(1),
  applicationInfo: z.object({ name: z.string().max(L.field).optional(), description: z.string().max(L.free).optional() }).strict().optional(),
  architecture: Image.optional(),
  dataflow: Image.optional(),
  assumptions: z.array(Assumption).optional(),
  mitigations: z.array(Mitigation).optional(),
  assumptionLinks: z.array(z.object({ type: z.enum(['Mitigation', 'Threat']), assumptionId: z.string().length(36), linkedId: z.string().length(36) }).strict()).optional(),
  mitigationLinks: z.array(z.object({ mitigationId: z.string().length(36), linkedId: z.string().length(36) }).strict()).optional(),
  threats: z.array(Threat).optional(),
}).strict();

/** Every problem Threat Composer's import would find, plus ours: ids, links, statements as it composes them. */
function problems(text: string): string[] {
  const doc = JSON.parse(text) as unknown;
  const parsed = DataExchange.safeParse(doc);
  const out = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const w = doc as TcWorkspace;
  const ids = [...w.threats, ...w.mitigations, ...w.assumptions].map((x) => x.id);
  const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  for (const id of ids) if (!UUID4.test(id)) out.push(`id ${id} is not a version-4 UUID`);
  if (new Set(ids).size !== ids.length) out.push('ids are not unique');
  const threats = new Set(w.threats.map((t) => t.id));
  const mitigations = new Set(w.mitigations.map((m) => m.id));
  const assumptions = new Set(w.assumptions.map((a) => a.id));
  for (const l of w.mitigationLinks) if (!mitigations.has(l.mitigationId) || !threats.has(l.linkedId)) out.push(`mitigation link ${JSON.stringify(l)} points at nothing`);
  for (const l of w.assumptionLinks) if (!assumptions.has(l.assumptionId) || !threats.has(l.linkedId)) out.push(`assumption link ${JSON.stringify(l)} points at nothing`);
  for (const [name, list] of [['threats', w.threats], ['mitigations', w.mitigations], ['assumptions', w.assumptions]] as const) {
    if (new Set(list.map((x) => x.numericId)).size !== list.length) out.push(`${name}: numericIds not unique`);
  }
  for (const t of w.threats) {
    if (t.statement !== composeStatement(t)) out.push(`threat ${t.numericId}: statement is not the one Threat Composer composes`);
    for (const tag of t.tags) if (tag !== tag.trim()) out.push(`threat ${t.numericId}: tag ${JSON.stringify(tag)} has spaces at an end`);
  }
  return out;
}

// --- Models -----------------------------------------------------------------------------------------------

const TODAY = '2026-01-01';

function exported(file: string, triageFile?: string): { model: Model; result: AnalysisResult; text: string; doc: TcWorkspace } {
  const loaded = loadModel(readFileSync(file, 'utf8'), file);
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  let result = analyze(loaded.model, { source: loaded.source });
  if (triageFile) {
    const triage = parseTriage(readFileSync(triageFile, 'utf8'), triageFile).triage;
    assert.ok(triage);
    result = applyTriage(result, triage, { today: TODAY });
  }
  const text = renderThreatComposer(result, { model: loaded.model });
  return { model: loaded.model, result, text, doc: JSON.parse(text) as TcWorkspace };
}

const ECOMMERCE = () => exported('examples/ecommerce.yaml');
const SHOP = () => exported('test/fixtures/roundtrip/shop.yaml', 'test/fixtures/roundtrip/shop.triage.yaml');
const TUNED = () => exported('test/fixtures/roundtrip/tuned.yaml', 'test/fixtures/roundtrip/tuned.triage.yaml');

const metaOf = (t: { metadata: Array<{ key: string; value: string | string[] }> }, key: string) => t.metadata.find((m) => m.key === key)?.value;

describe('Threat Composer export: a workspace Threat Composer imports', () => {
  it('the examples and the round-trip fixtures break none of its limits, and their ids and links hold', () => {
    for (const e of [ECOMMERCE(), SHOP(), TUNED()]) {
      assert.deepEqual(problems(e.text), [], e.result.file);
      assert.equal(e.doc.schema, 1);
      assert.equal(e.doc.threats.length, e.result.threats.length);
    }
  });

  it('the checker refuses what Threat Composer refuses: one case of each limit', () => {
    const base = SHOP().doc;
    const broken = (edit: (w: TcWorkspace & Record<string, unknown>) => void): string[] => {
      const w = structuredClone(base) as TcWorkspace & Record<string, unknown>;
      edit(w);
      return problems(JSON.stringify(w));
    };
    assert.deepEqual(broken(() => {}), []);
    assert.notDeepEqual(broken((w) => { w.threats[0].threatAction = 'x'.repeat(201); }), []);
    assert.notDeepEqual(broken((w) => { w.threats[0].tags.push('x'.repeat(31)); }), []);
    assert.notDeepEqual(broken((w) => { w.threats[0].tags.push(''); }), []);
    assert.notDeepEqual(broken((w) => { w.threats[0].metadata.push({ key: 'threatmap:id', value: 'TM-1' }); }), []);
    assert.notDeepEqual(broken((w) => { w.threats[0].metadata.push({ key: 'Priority', value: 'Critical' }); }), []);
    assert.notDeepEqual(broken((w) => { w.threats[0].metadata.push({ key: `custom:${'k'.repeat(44)}`, value: 'v' }); }), []);
    assert.notDeepEqual(broken((w) => { (w.threats[0] as { status: string }).status = 'open'; }), []);
    assert.notDeepEqual(broken((w) => { w.mitigations[0].content = 'x'.repeat(1001); }), []);
    assert.notDeepEqual(broken((w) => { w.mitigations[0].metadata.push({ key: 'STRIDE', value: ['S'] }); }), []);
    assert.notDeepEqual(broken((w) => { w.applicationInfo.name = 'x'.repeat(201); }), []);
    assert.notDeepEqual(broken((w) => { w.schema = 2; }), []);
    assert.notDeepEqual(broken((w) => { w.threatmap = {}; }), []);
    assert.notDeepEqual(broken((w) => { w.mitigationLinks.push({ mitigationId: w.mitigations[0].id, linkedId: 'x'.repeat(36) }); }), []);
    assert.notDeepEqual(broken((w) => { w.threats[1].id = w.threats[0].id; }), []);
    assert.notDeepEqual(broken((w) => { w.threats[0].statement += '.'; }), []);
  });

  it('texts longer than its limits are shortened at a word, within the limit, and still break none', () => {
    assert.equal(clip('short', 10), 'short');
    assert.equal(clip('one two three four five', 15), 'one two three…');
    assert.equal(clip('one two three four five', 12), 'one two thr…');
    assert.equal(clip('x'.repeat(30), 10), `${'x'.repeat(9)}…`);
    const long = 'Very long title '.repeat(40).trim();
    const name = 'A system with a name far longer than Threat Composer keeps '.repeat(5);
    const text = readFileSync('test/fixtures/roundtrip/shop.yaml', 'utf8')
      .replace('title: Coupons can be stacked on one order', `title: ${long}`)
      .replace('name: Acme Shop', `name: ${name}`)
      .replace('name: Customer PII', `name: ${'Customer personal data '.repeat(12).trim()}`);
    const loaded = loadModel(text, 'long.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const out = renderThreatComposer(analyze(loaded.model), { model: loaded.model });
    assert.deepEqual(problems(out), []);
    const w = JSON.parse(out) as TcWorkspace;
    assert.ok(w.applicationInfo.name.endsWith('…') && w.applicationInfo.name.length <= TC_LIMITS.field);
    const coupon = w.threats.find((t) => metaOf(t, TC_META.key) === 'threat:coupon-stacking@api:POST /checkout')!;
    assert.ok(coupon.threatAction.length <= TC_LIMITS.field && coupon.threatAction.endsWith('…)'), coupon.threatAction);
    assert.equal(metaOf(coupon, TC_META.title), long);
  });

  it('is deterministic: two exports are byte for byte the same, and the pieces join to the whole', () => {
    assert.equal(SHOP().text, SHOP().text);
    const e = SHOP();
    assert.equal([...renderThreatComposerChunks(e.result, { model: e.model })].join(''), e.text);
    assert.ok(e.text.endsWith('}\n'));
    assert.doesNotMatch(e.text, /20\d\d-\d\d-\d\dT/);
  });

  it('a threat keeps its id across exports, whatever else changes in the model', () => {
    const before = SHOP().doc;
    const text = readFileSync('test/fixtures/roundtrip/shop.yaml', 'utf8').replace('  cache:\n    name: Session cache', '  extra:\n    name: Extra\n    tech: node\n    in: app\n  cache:\n    name: Session cache');
    const loaded = loadModel(text, 'shop.yaml');
    const after = buildThreatComposer(analyze(loaded.model!), { model: loaded.model! });
    const idOf = (w: TcWorkspace, key: string) => w.threats.find((t) => metaOf(t, TC_META.key) === key)?.id;
    for (const t of before.threats) {
      const key = metaOf(t, TC_META.key) as string;
      assert.equal(idOf(after, key), t.id, key);
    }
  });
});

describe('Threat Composer export: what a Threat Composer user sees', () => {
  it('the application: name, description, counts and the highest risks; elements by boundary; the flows that cross one', () => {
    const { doc } = SHOP();
    assert.equal(doc.applicationInfo.name, 'Acme Shop');
    assert.match(doc.applicationInfo.description, /^Online store where customers browse/);
    assert.match(doc.applicationInfo.description, /Threats: 14 \(7 High, 5 Medium, 2 Low\); still carried after triage: 10 \(5 High, 3 Medium, 2 Low\)\./);
    assert.match(doc.applicationInfo.description, /^- T2 \(High, mitigating\): Manipulation of Prices and order totals, Orders in POST \/cart requests$/m);
    assert.match(doc.architecture.description, /^### Data tier \(restricted, in Application network\)\n\n- \*\*Orders database\*\* \(store, database, postgres\); data: Customer PII, Orders, Prices and order totals$/m);
    assert.match(doc.dataflow.description, /^- Load balancer → API servers: DMZ -\\> internal \(leaves DMZ; enters Application network\); http, not encrypted, unauthenticated; data: Customer PII, Prices and order totals$/m);
    assert.ok(!('image' in doc.architecture) && !('image' in doc.dataflow));
  });

  it('a threat is a statement in its grammar: who, from where and given what; the action and title; impact, goal and assets', () => {
    const { doc } = SHOP();
    const cart = doc.threats.find((t) => metaOf(t, TC_META.key) === 'client-controlled-value@api:POST /cart')!;
    assert.deepEqual({ ...cart, metadata: undefined, id: undefined }, {
      id: undefined, metadata: undefined, numericId: 2, displayOrder: 2,
      threatSource: 'external actor on the internet',
      prerequisites: 'with a network path to POST /cart on API servers, where POST /cart accepts Prices and order totals, Orders from the caller and no server-side-validation on POST /cart on API servers,',
      threatAction: 'tamper with data or requests (manipulation of Prices and order totals, Orders in POST /cart requests)',
      threatImpact: 'financial or data-integrity loss per transaction, not a system compromise',
      impactedGoal: ['integrity'],
      impactedAssets: ['Prices and order totals', 'Orders'],
      statement: 'An external actor on the internet with a network path to POST /cart on API servers, where POST /cart accepts Prices and order totals, Orders from the caller and no server-side-validation on POST /cart on API servers, can tamper with data or requests (manipulation of Prices and order totals, Orders in POST /cart requests), which leads to financial or data-integrity loss per transaction, not a system compromise, resulting in reduced integrity of Prices and order totals and Orders',
      status: 'threatIdentified',
      tags: ['TM-109a003e', 'client-controlled-value', 'api:POST /cart', 'risk:High'],
    });
    assert.deepEqual(cart.metadata.map((m) => m.key), ['STRIDE', 'Priority', 'Comments', TC_META.id, TC_META.key, TC_META.status, TC_META.title, TC_META.risk]);
    assert.deepEqual([metaOf(cart, 'STRIDE'), metaOf(cart, 'Priority'), metaOf(cart, TC_META.id), metaOf(cart, TC_META.status)], [['T'], 'High', 'TM-109a003e', 'mitigating']);
    const comments = metaOf(cart, 'Comments') as string;
    assert.match(comments, /^T2 Manipulation of Prices and order totals, Orders in POST \/cart requests\nRisk High: likelihood High \(any user who signs in/);
    assert.match(comments, /^Triage: mitigating \(owner checkout-team, ticket SHOP-412\)$/m);
    assert.match(comments, /^Evidence: test\/fixtures\/roundtrip\/shop\.yaml:50 POST \/cart accepts Prices and order totals, Orders from the caller$/m);
    assert.match(comments, /^References: CWE-602, CWE-472, CAPEC-207, OWASP ASVS V11\.1$/m);
    assert.match(comments, /\n--- threatmap TM-109a003e: write your comments below this line ---$/);
    // Traffic inside the network: a compromised service on the path; a Critical risk is Threat Composer's High.
    const clear = doc.threats.find((t) => metaOf(t, TC_META.key) === 'cleartext-tampering@lb')!;
    assert.equal(clear.threatSource, 'compromised internal service');
    assert.match(clear.prerequisites, /^on the network path from Load balancer to API servers, where /);
  });

  it('statuses: each triage status as Threat Composer\'s, the exact one in the metadata', () => {
    assert.deepEqual(TRIAGE_STATUSES.map((s) => TC_STATUS[s]), ['threatIdentified', 'threatIdentified', 'threatResolved', 'threatResolved', 'threatResolvedNotUseful', 'threatResolved']);
    const { doc, result } = SHOP();
    const seen = result.threats.map((t) => [t.triage?.status ?? 'open', doc.threats[Number(t.id.slice(1)) - 1].status, metaOf(doc.threats[Number(t.id.slice(1)) - 1], TC_META.status)]);
    assert.ok(seen.some(([ours, theirs, meta]) => ours === 'false-positive' && theirs === 'threatResolvedNotUseful' && meta === 'false-positive'));
    assert.ok(seen.some(([ours, theirs]) => ours === 'transferred' && theirs === 'threatResolved'));
    for (const [ours, theirs, meta] of seen) assert.equal(theirs, TC_STATUS[ours as keyof typeof TC_STATUS], `${ours} -> ${theirs} (${meta})`);
  });

  it('mitigations are the punch list, linked to every threat each action fixes, their status from the threats\' triage', () => {
    const { doc, result } = SHOP();
    assert.equal(doc.mitigations.length, result.recommendations.length);
    const tls = doc.mitigations.find((m) => m.content.split('\n')[0] === 'Encrypt traffic with TLS (or mTLS) from Load balancer')!;
    const linked = doc.mitigationLinks.filter((l) => l.mitigationId === tls.id).map((l) => doc.threats.find((t) => t.id === l.linkedId)!.numericId);
    assert.deepEqual(linked, [4, 6]);
    const cart = doc.mitigations.find((m) => m.content.startsWith('Recompute or verify'))!;
    assert.equal(cart.status, 'mitigationInProgress');
    assert.equal(doc.mitigations.find((m) => m.content.startsWith('Harden session management'))!.status, 'mitigationResolved');
    assert.equal(doc.mitigations.find((m) => m.content === 'Add rate limiting to /search')!.status, 'mitigationResolvedWillNotAction');
    // Each carries the status it was exported with, for the import to tell a status changed in Threat Composer.
    for (const m of doc.mitigations) assert.deepEqual(m.metadata.map((x) => x.key), ['Comments', TC_META.status]);
    assert.deepEqual(doc.mitigations.map((m) => metaOf(m, TC_META.status)), doc.mitigations.map((m) => m.status));
    assert.equal(mitigationStatus(['open', 'mitigated']), 'mitigationInProgress');
    assert.equal(mitigationStatus(['open', 'accepted']), 'mitigationIdentified');
    assert.equal(mitigationStatus([]), 'mitigationIdentified');
  });

  it('assumptions: the model\'s, linked to the reported threats they concern; none for a model without', () => {
    assert.deepEqual(SHOP().doc.assumptions, []);
    const { doc } = TUNED();
    assert.deepEqual(doc.assumptions.map((a) => a.content), [
      'The CDN provider\'s own staff are trusted.', 'The CDN rate-limits /search per client address.', 'Cache eviction is handled by the session service.',
    ]);
    // The first concerns the whole design; the others rule out every threat they concern here, so none is reported.
    assert.deepEqual(doc.assumptionLinks, []);
    const text = readFileSync('test/fixtures/roundtrip/tuned.yaml', 'utf8').replace('  - The CDN provider\'s own staff are trusted.', '  - text: The cache is internal only.\n    elements: [cache]');
    const loaded = loadModel(text, 'tuned.yaml');
    const w = buildThreatComposer(analyze(loaded.model!), { model: loaded.model! });
    const first = w.assumptions[0];
    const linked = w.assumptionLinks.filter((l) => l.assumptionId === first.id).map((l) => metaOf(w.threats.find((t) => t.id === l.linkedId)!, TC_META.key));
    assert.ok(linked.length > 0 && linked.every((k) => String(k).includes('cache')), linked.join());
  });

  it('the 1,000-element generated model: every limit holds', () => {
    const loaded = loadModel(generateModelText({ elements: 1000, seed: 1 }), 'g.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const out = renderThreatComposer(analyze(loaded.model, { source: loaded.source }), { model: loaded.model });
    assert.deepEqual(problems(out).slice(0, 5), []);
  });
});

describe('Threat Composer export: the statement as Threat Composer composes it', () => {
  it('its own test cases and example statements', () => {
    assert.equal(composeStatement({ threatSource: 'external actor', threatAction: 'steal credentials' }), 'An external actor can steal credentials');
    assert.equal(composeStatement({ threatSource: 'external actor' }), 'external actor...');
    assert.equal(composeStatement({ threatAction: 'steal credentials' }), '...steal credentials...');
    assert.equal(composeStatement({ impactedAssets: ['user data'] }), '...user data');
    assert.equal(composeStatement({}), '');
    const fixture = JSON.parse(readFileSync('test/fixtures/tc-import/shop.tc.json', 'utf8')) as { threats: Array<Record<string, never>> };
    assert.equal(composeStatement(fixture.threats[0]), fixture.threats[0].statement);
    assert.equal(composeStatement({ threatSource: 'actor', threatAction: 'x', impactedGoal: ['confidentiality', 'integrity'], impactedAssets: ['a', 'b', 'c'] }),
      'An actor can x, resulting in reduced confidentiality and/or integrity of a, b and c');
  });

  it('a and an as the `indefinite` package has them, in the source and inside the fields', () => {
    assert.equal(composeStatement({ threatSource: 'user', threatAction: 'send a email' }), 'A user can send an email');
    assert.equal(composeStatement({ threatSource: 'SQL injection attacker', threatAction: 'read an table' }), 'An SQL injection attacker can read a table');
    assert.equal(composeStatement({ threatSource: 'hour-long job', threatAction: 'x' }), 'An hour-long job can x');
    assert.deepEqual(['TLS', 'API', 'UDP', '8-bit', '11', '1100', 'one', 'honest', 'unicorns', 'apple', ''].map((w) => indefiniteArticle(w, false)),
      ['a', 'an', 'a', 'an', 'an', 'a', 'a', 'an', 'a', 'an', 'a']);
  });
});

describe('Threat Composer export: the command line', () => {
  it('`.tc.json` asks for it; `analyze --format threat-composer` offers it', () => {
    assert.equal(formatOfOutput('shop.tc.json'), 'threat-composer');
    assert.equal(formatOfOutput('out/Shop.TC.JSON'), 'threat-composer');
    assert.equal(formatOfOutput('shop.json'), 'json');
    assert.ok((EXPORT_FORMATS as readonly string[]).includes('threat-composer'));
  });
});
