// `threatmap import` of Open Threat Model files: the mapping on small fixtures, the round trip through our
// own OTM export (every example comes back with the same ids, kinds, boundaries, flows and assets), bad
// input as diagnostics with positions, never a throw, and byte-stable output.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { controlOfMitigation, importOtm, levelFromRisk, levelFromScore, trustFromRating } from '../../src/import/otm.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import { renderOtm, renderOtmYaml, TRUST_RATING } from '../../src/render/otm.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText } from '../helpers.js';

const FIXTURES = 'test/fixtures/otm-import';
const fixture = (name: string) => readFileSync(`${FIXTURES}/${name}`, 'utf8');

function imported(text: string, file = 'in.otm.yaml') {
  const r = importOtm(text, file);
  assert.ok(r.text, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const loaded = loadModel(r.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
  return { ...r, model: loaded.model, raw: parseYaml(r.text) as Record<string, any> };
}

/**
 * The imported model analysed as `threatmap analyze` does, with the triage file written beside it: the
 * decisions in force by threat key, and the triage entries that matched no threat.
 */
function analysed(r: { text?: string; triage?: { text: string } }) {
  const result = analyzeText(r.text!, 'imported.yaml');
  const parsed = r.triage ? parseTriage(r.triage.text, 'imported.triage.yaml') : undefined;
  assert.ok(!parsed || parsed.triage, `the triage file does not parse:\n${parsed ? formatDiagnostics(parsed.diagnostics) : ''}`);
  const applied = applyTriage(result, parsed?.triage, { today: '2026-11-28' });
  const decided = Object.fromEntries(applied.threats.filter((t) => t.triage && t.triage.status !== 'open').map((t) => [t.key, t.triage!.status]));
  return { result: applied, decided, stale: applied.triage!.stale };
}

/** What a round trip must keep, in a form that compares exactly. */
function essentials(m: Model) {
  return {
    elements: m.elements.map((e) => ({ id: e.id, kind: e.kind, type: e.type, tech: e.tech, boundary: e.boundary, handles: e.handles, stores: e.stores })),
    boundaries: m.boundaries.map((b) => ({ id: b.id, trust: b.trust, parent: b.parent, kind: b.kind })),
    flows: m.flows.map((f) => ({ from: f.from, to: f.to, protocol: f.protocol, auth: f.auth, encrypted: f.encrypted, data: f.data })),
    assets: m.assets.map((a) => ({ id: a.id, name: a.name, classification: a.classification, c: a.confidentiality, i: a.integrity, a: a.availability })),
  };
}

describe('OTM import: scales', () => {
  it('inverts the exporter\'s trust ratings exactly and bands the rest at the midpoints', () => {
    for (const [trust, rating] of Object.entries(TRUST_RATING)) assert.equal(trustFromRating(rating), trust);
    assert.deepEqual([0, 16, 17, 49, 50, 83, 84, 100].map(trustFromRating), ['untrusted', 'untrusted', 'dmz', 'dmz', 'internal', 'internal', 'restricted', 'restricted']);
  });
  it('reads asset risk 0-100 as low / medium / high (exporter 25/50/75 exact)', () => {
    assert.deepEqual([0, 25, 37, 38, 50, 62, 63, 75, 100].map(levelFromRisk), ['low', 'low', 'low', 'medium', 'medium', 'medium', 'high', 'high', 'high']);
  });
  it('reads a threat\'s likelihood and impact (0-100) in thirds: up to 33 low, up to 66 medium', () => {
    assert.deepEqual([0, 25, 33, 34, 50, 66, 67, 75, 100].map(levelFromScore), ['low', 'low', 'low', 'medium', 'medium', 'medium', 'high', 'high', 'high']);
  });
  it('turns a mitigation into a control only when it names exactly one', () => {
    assert.equal(controlOfMitigation('Rate limiting', {}), 'rate-limiting');
    assert.equal(controlOfMitigation('Enable MFA for admins', {}), 'mfa');
    assert.equal(controlOfMitigation('input validation and audit logging', {}), undefined);
    assert.equal(controlOfMitigation('Do something sensible', {}), undefined);
    assert.equal(controlOfMitigation('anything', { controls: 'waf' }), 'waf');
    assert.equal(controlOfMitigation('anything', { controls: 'waf, rate-limiting' }), undefined);
  });
});

describe('OTM import: mapping', () => {
  const r = imported(fixture('small.otm.yaml'), 'small.otm.yaml');
  const el = (id: string) => r.model.elements.find((e) => e.id === id)!;
  it('project -> system', () => {
    assert.deepEqual(r.raw.system, { name: 'Small shop', description: 'A shop in a few parts', owner: 'Team Shop' });
  });
  it('trust zones -> boundaries: readable ids, trust from names and ratings, nesting', () => {
    assert.deepEqual(r.model.boundaries.map((b) => [b.id, b.trust, b.parent ?? null, b.kind]), [
      ['internet', 'untrusted', null, 'network'], // a UUID gives way to the name; "Internet" is untrusted at 60
      ['dmz', 'dmz', null, 'network'],
      ['core', 'internal', null, 'network'],
      ['vault', 'restricted', 'core', 'data-tier'],
      ['nowhere-child', 'internal', null, 'network'],
    ]);
  });
  it('components -> elements: kind/type/tech, zones (a component in a component goes to its zone), assets', () => {
    assert.deepEqual(r.model.elements.map((e) => [e.id, e.kind, e.type, e.tech ?? null, e.boundary ?? null]), [
      ['shopper', 'external', 'user-agent', 'browser', 'internet'],
      ['edge', 'process', 'load-balancer', null, 'dmz'],
      ['shop-api', 'process', 'api', null, 'core'],
      ['pricing-plugin', 'process', undefined, null, 'core'],
      ['db', 'store', 'database', 'postgres', 'vault'],
      ['stray', 'store', 'queue', null, null],
    ]);
    assert.deepEqual(el('shop-api').handles, ['card', 'prices']);
    assert.deepEqual(el('db').stores, ['card']);
    assert.match(r.text!, /# inside component `shop-api` in the OTM file: placed in its zone `core`\n {2}pricing-plugin:/);
    assert.match(r.text!, /# OTM type `code-module` is not one threatmap knows: a process/);
  });
  it('implemented mitigations naming one control become controls; others are comments', () => {
    assert.deepEqual(el('shop-api').controls, ['rate-limiting']);
    assert.match(r.text!, /mitigation M-vague "Harden everything with input validation and audit logging" is implemented here but names no threatmap control/);
    assert.deepEqual(r.summary!.controls, ['shop-api: rate-limiting (mitigation M-rate)']);
  });
  it('dataflows -> flows: bidirectional is one from its source, protocol and auth from tags, else the target\'s protocol, noted', () => {
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.to, f.protocol, f.auth, f.data]), [
      ['shopper', 'edge', 'https', 'none', []],
      ['edge', 'shop-api', 'http', 'jwt', ['prices']],
      ['shop-api', 'db', 'postgres', 'none', ['card']],
    ]);
    assert.match(r.text!, /# small\.otm\.yaml:71 dataflow f1 \(bidirectional in OTM: one flow from its source, the caller, whose reply it implies; add edge -> shopper only if edge also calls shopper\)\n {2}- shopper -> edge/);
    assert.match(r.text!, /# small\.otm\.yaml:82 dataflow f3\n {2}# no protocol in the OTM file: postgres assumed\n {2}- shop-api -> db/);
  });
  it('assets: C/I/A in bands, classification from attributes', () => {
    assert.deepEqual(r.model.assets.map((a) => [a.id, a.classification, a.confidentiality, a.integrity, a.availability]), [
      ['card', 'restricted', 'high', 'medium', 'low'],
      ['prices', 'internal', 'low', 'high', 'medium'],
    ]);
  });
  it('every element and flow names its OTM line', () => {
    assert.match(r.text!, /# small\.otm\.yaml:36 component shopper\n {2}shopper:/);
    assert.match(r.text!, /# small\.otm\.yaml:60 component db\n {2}db:/);
    assert.match(r.text!, /# small\.otm\.yaml:77 dataflow f2\n {2}- edge -> shop-api/);
  });
  it('threats are written under `threats:` on their element, and their state is a triage decision', () => {
    assert.match(r.text!, /^# The file lists 1 threat and 3 mitigations\. Its threats are under `threats:` below \(1 written\),$/m);
    assert.match(r.text!, /^# {3}T1: Brute force of the API \(on shop-api\) \[mitigated\]$/m);
    assert.deepEqual(r.summary!.threats, [{ id: 'T1', name: 'Brute force of the API', on: ['shop-api'], decisions: ['mitigated'] }]);
    assert.deepEqual([r.summary!.written, r.summary!.decisions], [1, 1]);
    assert.deepEqual(r.raw.threats, {
      T1: { title: 'Brute force of the API', stride: 'D', on: 'shop-api', mitigation: 'Rate limiting; Harden everything with input validation and audit logging; MFA' },
    });
    assert.match(r.text!, /# small\.otm\.yaml:90 threat T1\n {2}# on component shop-api \(line 50\): state mitigated; mitigations M-rate implemented, M-vague implemented, M-later required\n {2}T1:/);
    const triage = parseYaml(r.triage!.text) as Record<string, any>;
    assert.deepEqual(triage.threats, {
      'threat:T1@shop-api': {
        threat: 'Brute force of the API', status: 'mitigated',
        reason: 'state "mitigated" in the Open Threat Model file; implemented: Rate limiting; Harden everything with input validation and audit logging (riskReduction 50)',
      },
    });
  });
  it('unknown references are warnings with file:line:col, and what needs them is left out', () => {
    const ws = r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code}`);
    assert.deepEqual(ws, [
      'small.otm.yaml:34:15 warning unknown-reference',
      'small.otm.yaml:48:41 warning unknown-reference',
      'small.otm.yaml:69:15 warning unknown-reference',
      'small.otm.yaml:88:5 warning unknown-reference',
    ]);
    assert.match(r.diagnostics[3].message, /no component has id `nobody`; this dataflow is left out/);
  });
});

/** An OTM file with two components, a flow between them and a flow that is left out, and the threats given. */
const STATES_OTM = `otmVersion: 0.2.0
project: { name: States, id: states }
trustZones:
  - { id: core, name: Core, risk: { trustRating: 70 } }
components:
  - id: web
    name: Web app
    type: web-application
    parent: { trustZone: core }
    threats:
      - { threat: S-mitigated, state: MITIGATED }
      - { threat: S-na, state: NOT_APPLICABLE }
      - { threat: S-partly, state: partly-mitigated, mitigations: [{ mitigation: M1, state: implemented }, { mitigation: M2, state: required }] }
      - { threat: S-allimpl, state: exposed, mitigations: [{ mitigation: M1, state: implemented }, { mitigation: M3, state: IMPLEMENTED }, { mitigation: M2, state: not-applicable }] }
      - { threat: S-open, state: exposed, mitigations: [{ mitigation: M1, state: required }] }
      - { threat: S-odd, state: Pondering }
      - { threat: S-shared, state: exposed, mitigations: [{ mitigation: M3, state: recommended }] }
      - { threat: S-split, state: mitigated }
      - { threat: S-ghost, state: exposed }
  - id: db
    name: Orders DB
    type: database
    tags: [postgres]
    parent: { trustZone: core }
    threats:
      - { threat: S-accepted, state: ACCEPTED }
      - { threat: S-someimpl, state: exposed, mitigations: [{ mitigation: M1, state: implemented }, { mitigation: M3, state: required }] }
      - { threat: S-shared, state: exposed, mitigations: [{ mitigation: M3, state: recommended }] }
      - { threat: S-split, state: exposed }
dataflows:
  - id: web-db
    source: web
    destination: db
    tags: [postgres]
    threats:
      - { threat: S-shared, state: exposed, mitigations: [{ mitigation: M3, state: recommended }] }
  - id: lost
    source: web
    destination: nowhere
    threats:
      - { threat: S-lost, state: accepted }
threats:
  - { id: S-mitigated, name: SQL injection, categories: [Injection, Tampering], cwes: [CWE-89, "79", cwe-20], risk: { likelihood: 10, impact: 90 } }
  - { id: S-na, name: Cross-site scripting, categories: [Injection], risk: { likelihood: 34, impact: 67 } }
  - { id: S-accepted, name: Backups readable, categories: [Information Disclosure], risk: { likelihood: 33, impact: 66 } }
  - { id: S-partly, name: Brute force, categories: [Denial Of Service] }
  - { id: S-allimpl, name: Admin actions denied, categories: [Repudiation] }
  - { id: S-someimpl, name: Query tampering, categories: [Tampering] }
  - { id: S-open, name: Session theft, categories: [Spoofing] }
  - { id: S-odd, name: Odd state, categories: [Spoofing] }
  - { id: S-shared, name: Privilege escalation, categories: [Elevation of Privileges] }
  - { id: S-split, name: Data exfiltration, categories: [Information Disclosure] }
  - { id: S-nowhere, name: Insider threat, categories: [Information Disclosure] }
  - { id: S-lost, name: Lost flow threat, categories: [Tampering] }
mitigations:
  - { id: M1, name: Parameterised queries, riskReduction: 100 }
  - { id: M2, name: Account lockout, riskReduction: 50 }
  - { id: M3, name: Audit logging, description: Audit logging of every admin action., riskReduction: 100 }
`;

describe('OTM import: threats and their decisions', () => {
  const r = imported(STATES_OTM, 'states.otm.yaml');
  const triage = parseYaml(r.triage!.text) as { threats: Record<string, { status: string; reason?: string }> };
  it('writes each threat on the element or flow its instances name, splitting only instances that differ', () => {
    // The file's order of threats; the ids are the file's own.
    assert.deepEqual(Object.keys(r.raw.threats), [
      'S-mitigated', 'S-na', 'S-accepted', 'S-partly', 'S-allimpl', 'S-someimpl', 'S-open', 'S-odd', 'S-shared', 'S-split-web', 'S-split-db',
      'S-nowhere', 'S-lost',
    ]);
    // The same threat on two components and a flow, in the same state: one threat with every target.
    assert.deepEqual(r.raw.threats['S-shared'].on, ['web', 'db', 'web -> db']);
    assert.equal(r.raw.threats['S-shared'].mitigation, 'Audit logging of every admin action.');
    // In different states: one threat per kind of instance, each on its own target.
    assert.equal(r.raw.threats['S-split-web'].on, 'web');
    assert.equal(r.raw.threats['S-split-db'].on, 'db');
    assert.match(r.text!, /threat S-split: its instances differ, so one threat per kind of instance/);
    // Defined but placed nowhere, or placed on a dataflow that is left out: the whole system.
    assert.equal(r.raw.threats['S-nowhere'].on, undefined);
    assert.equal(r.raw.threats['S-lost'].on, undefined);
    assert.match(r.text!, /threat S-nowhere: no component or dataflow names it, so the whole system/);
  });
  it('takes STRIDE from the first category that maps, references from cwes, levels from 0-100 in thirds', () => {
    const t = r.raw.threats;
    assert.deepEqual(t['S-mitigated'], { title: 'SQL injection', stride: 'T', on: 'web', likelihood: 'low', impact: 'high', references: ['CWE-89', 'CWE-79', 'CWE-20'] });
    assert.deepEqual([t['S-na'].stride, t['S-na'].likelihood, t['S-na'].impact], ['T', 'medium', 'high']);
    assert.deepEqual([t['S-accepted'].stride, t['S-accepted'].likelihood, t['S-accepted'].impact], ['I', 'low', 'medium']);
    assert.deepEqual(['S-partly', 'S-allimpl', 'S-open', 'S-shared'].map((id) => t[id].stride), ['D', 'R', 'S', 'E']);
    // No numbers: left for analyze to rate.
    assert.deepEqual([t['S-open'].likelihood, t['S-open'].impact], [undefined, undefined]);
    assert.ok(r.summary!.notes.includes('threat S-na "Cross-site scripting": its categories (Injection) name no STRIDE category; written as T (tampering): correct it'));
    assert.ok(!r.summary!.notes.some((n) => n.startsWith('threat S-mitigated')), 'Tampering maps: no note');
  });
  it('turns states and mitigation states into decisions, each with a reason; open states decide nothing', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(triage.threats).map(([k, v]) => [k, v.status])), {
      'threat:S-mitigated@web': 'mitigated',
      'threat:S-na@web': 'false-positive',
      'threat:S-partly@web': 'mitigating',
      'threat:S-allimpl@web': 'mitigated',
      'threat:S-split-web@web': 'mitigated',
      'threat:S-accepted@db': 'accepted',
      'threat:S-someimpl@db': 'mitigating',
      'threat:S-lost@system': 'accepted',
    });
    assert.equal(triage.threats['threat:S-na@web'].reason, 'state "NOT_APPLICABLE" in the Open Threat Model file');
    assert.equal(triage.threats['threat:S-accepted@db'].reason, 'state "ACCEPTED" in the Open Threat Model file');
    assert.equal(triage.threats['threat:S-allimpl@web'].reason, 'every mitigation it references is implemented in the Open Threat Model file: Parameterised queries; Audit logging');
    assert.equal(triage.threats['threat:S-someimpl@db'].reason, 'partly mitigated in the Open Threat Model file: implemented Parameterised queries; not yet Audit logging');
    assert.equal(triage.threats['threat:S-partly@web'].reason, 'state "partly-mitigated" in the Open Threat Model file; implemented: Parameterised queries; not yet: Account lockout (riskReduction 50)');
    // exposed with its mitigation only required, and a state threatmap does not read: no decision, and a note for the latter.
    assert.equal(triage.threats['threat:S-open@web'], undefined);
    assert.equal(triage.threats['threat:S-odd@web'], undefined);
    assert.ok(r.summary!.notes.includes('threat S-odd on component web: state "Pondering" is not one threatmap reads: left open'));
    assert.equal(r.summary!.decisions, 8);
    assert.deepEqual(r.summary!.threats.find((t) => t.id === 'S-split')!.decisions, ['mitigated']);
  });
  it('an instance naming no threat of the file is a warning at its place, and is left out', () => {
    const ghost = r.diagnostics.find((d) => d.message.includes('S-ghost'))!;
    assert.deepEqual([ghost.severity, ghost.code, ghost.line], ['warning', 'unknown-reference', 19]);
    assert.ok(!Object.keys(r.raw.threats).some((id) => id.includes('ghost')));
  });
  it('analyze applies every decision to the threat of its key, none stale', () => {
    const { decided, stale } = analysed(r);
    assert.deepEqual(stale, []);
    assert.deepEqual(decided, Object.fromEntries(Object.entries(triage.threats).map(([k, v]) => [k, v.status])));
  });
  it('a converter\'s one pair of numbers on every threat is a placeholder: not written, and noted', () => {
    const two = (a: string, b: string) => `otmVersion: 0.1.0
project: { name: P, id: p }
components: [{ id: web, type: web-application, threats: [{ threat: A, state: AutoGenerated }, { threat: B, state: AutoGenerated }] }]
threats:
  - { id: A, name: First, categories: [Spoofing], risk: ${a} }
  - { id: B, name: Second, categories: [Tampering], risk: ${b} }
`;
    const same = imported(two('{ likelihood: 100, impact: 100 }', '{ likelihood: 100, impact: 100 }'));
    assert.deepEqual(Object.values(same.raw.threats).map((t: any) => [t.likelihood, t.impact]), [[undefined, undefined], [undefined, undefined]]);
    assert.ok(same.summary!.notes.includes('every threat has likelihood 100 and impact 100: a converter\'s placeholder, not a rating, so both are left out and analyze rates each threat from the model'));
    assert.equal(same.triage, undefined, 'AutoGenerated decides nothing');
    const differ = imported(two('{ likelihood: 100, impact: 100 }', '{ likelihood: 20, impact: 100 }'));
    assert.deepEqual(Object.values(differ.raw.threats).map((t: any) => [t.likelihood, t.impact]), [['high', 'high'], ['low', 'high']]);
    // (The placeholder asset's note, for a file with no assets, is another placeholder.)
    assert.ok(!differ.summary!.notes.some((n) => n.includes('converter\'s placeholder')));
    // A rating that is no number is a warning at its place; the threat is still written, that rating left out.
    const odd = imported(two('{ likelihood: unknown, impact: 50 }', '{ likelihood: 20, impact: 100 }'), 'odd.otm.yaml');
    assert.deepEqual(odd.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}`), ['warning invalid-value 5']);
    assert.deepEqual(Object.values(odd.raw.threats).map((t: any) => [t.likelihood, t.impact]), [[undefined, 'medium'], ['low', 'high']]);
  });
});

describe('OTM import: round trip through our export', () => {
  const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml')).sort();
  it('covers the three examples', () => assert.deepEqual(examples, ['ecommerce.yaml', 'microservices.yaml', 'prelaunch.yaml']));
  for (const name of examples) {
    for (const form of ['json', 'yaml'] as const) {
      it(`${name} exported as OTM ${form} imports back to the same elements, boundaries, flows and assets`, () => {
        const original = loadModel(readFileSync(`examples/${name}`, 'utf8'), `examples/${name}`).model!;
        const result = analyzeText(readFileSync(`examples/${name}`, 'utf8'), `examples/${name}`);
        const otm = form === 'json' ? renderOtm(result) : renderOtmYaml(result);
        const back = imported(otm, `${name}.otm.${form}`);
        assert.deepEqual(essentials(back.model), essentials(original));
        assert.equal(back.model.system.name, original.system.name);
        // The exporter's zones for elements in no boundary are not boundaries of the model.
        assert.ok(!back.model.boundaries.some((b) => b.id.startsWith('outside-')));
        // The element's own controls and auth come back too (they are in the exporter's attributes).
        assert.deepEqual(back.model.elements.map((e) => [e.id, [...e.controls].sort(), e.auth]),
          original.elements.map((e) => [e.id, [...e.controls].sort(), e.auth]));
      });
    }
  }
  it('keeps an exported model\'s decisions: its own threats as decisions only, its written threats written back once', () => {
    const text = `${readFileSync('examples/ecommerce.yaml', 'utf8')}
threats:
  replay:
    title: Replay of checkout requests
    stride: T
    on: [api, "api:/search", lb -> api, data, system]
    description: A captured checkout request is sent again.
    likelihood: high
    mitigation: Sign each checkout request
    references: [CWE-294]
  insider:
    title: Insider exports the customer list
    stride: I
    description: Someone with database access copies the customers.
`;
    const decisions = parseTriage([
      'threats:',
      '  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue, owner: alice }',
      '  "cleartext-disclosure@lb": { status: transferred, reason: the CDN vendor terminates TLS, ticket: OPS-7 }',
      '  "cleartext-tampering@lb": { status: mitigating }',
      '  "unencrypted-store@cache": { status: mitigated, reason: encrypted volume, owner: bob, review: 2027-03-01 }',
      '  "threat:replay@lb->api": { status: false-positive, reason: TLS inside too }',
      '  "threat:replay@api": { status: accepted, reason: nonce planned, expires: 2027-06-30 }',
      '  "threat:insider@system": { status: mitigated, reason: audit logs reviewed }',
      '',
    ].join('\n'), 'ecommerce.triage.yaml').triage!;
    const before = applyTriage(analyzeText(text, 'examples/ecommerce.yaml'), decisions, { today: '2026-11-28' });
    assert.deepEqual(before.triage!.stale, []);
    const kept = (t: { triage?: { status: string; reason?: string; owner?: string; ticket?: string; expires?: string; review?: string } }) =>
      t.triage && t.triage.status !== 'open' ? [t.triage.status, t.triage.reason, t.triage.owner, t.triage.ticket, t.triage.expires, t.triage.review] : undefined;
    for (const otm of [renderOtm(before), renderOtmYaml(before)]) {
      const back = imported(otm, 'ecommerce.otm.json');
      // threatmap's own threats are derived again by analyze: only the written ones are written, each once,
      // on every target it had (an endpoint too: the export carries the endpoints, the import makes them again).
      assert.deepEqual(back.raw.threats, {
        replay: {
          title: 'Replay of checkout requests', stride: 'T', on: ['api', 'api:/search', 'lb -> api', 'system', 'data'], description: 'A captured checkout request is sent again.',
          likelihood: 'high', mitigation: 'Sign each checkout request', references: ['CWE-294'],
        },
        // Its likelihood and impact were rated from the model, not written: left for analyze to rate again.
        insider: { title: 'Insider exports the customer list', stride: 'I', description: 'Someone with database access copies the customers.' },
      });
      assert.equal(back.summary!.threats.filter((t) => t.derived).length, 9);
      const { result, stale } = analysed(back);
      assert.deepEqual(stale, []);
      const keys = result.threats.map((t) => t.key);
      assert.equal(new Set(keys).size, keys.length, `a threat appears twice: ${keys.join(', ')}`);
      assert.deepEqual(keys.filter((k) => k.startsWith('threat:')).sort(), ['threat:insider@system', 'threat:replay@api', 'threat:replay@api:/search', 'threat:replay@data', 'threat:replay@lb->api', 'threat:replay@system']);
      // Every decision comes back exactly (transferred too, which the instance state writes as accepted), one
      // about an endpoint too: the endpoint is in the model again, so nothing is noted about it.
      const decidedBefore = Object.fromEntries(before.threats.filter((t) => kept(t)).map((t) => [t.key, kept(t)]));
      const decidedAfter = Object.fromEntries(result.threats.filter((t) => kept(t)).map((t) => [t.key, kept(t)]));
      assert.deepEqual(decidedAfter, decidedBefore);
      assert.equal(Object.keys(decidedAfter).length, 7);
      assert.ok(!back.summary!.notes.some((n) => n.includes('endpoint')), back.summary!.notes.join('\n'));
    }
  });
  it('an exported model nobody triaged and that wrote no threat imports with no threats and no triage file', () => {
    const back = imported(renderOtm(analyzeText(readFileSync('examples/ecommerce.yaml', 'utf8'), 'examples/ecommerce.yaml')), 'e.otm.json');
    assert.equal(back.raw.threats, undefined);
    assert.equal(back.triage, undefined);
    assert.ok(back.summary!.threats.length > 0 && back.summary!.threats.every((t) => t.derived && !t.decisions));
  });
});

describe('OTM import: threats on one of two flows between the same elements', () => {
  it('name the flow by its id, where the arrow would be ambiguous, and the decision applies to it', () => {
    const otm = [
      'otmVersion: 0.2.0',
      'project: { name: Two, id: two }',
      'trustZones: [{ id: z, name: Internal, risk: { trustRating: 80 } }]',
      'components:',
      '  - { id: web, name: web, type: web-service, parent: { trustZone: z } }',
      '  - { id: db, name: db, type: postgresql, parent: { trustZone: z } }',
      'dataflows:',
      '  - { id: f1, name: reads, source: web, destination: db, threats: [{ threat: T1, state: mitigated }] }',
      '  - { id: f2, name: writes, source: web, destination: db }',
      'threats:',
      '  - { id: T1, name: Reads go unencrypted, categories: [Information Disclosure], risk: { likelihood: 50, impact: 80 } }',
      '',
    ].join('\n');
    const r = imported(otm);
    assert.equal(r.raw.threats.T1.on, 'web->db');
    const { decided, stale } = analysed(r);
    assert.deepEqual(stale, []);
    assert.deepEqual(decided, { 'threat:T1@web->db': 'mitigated' });
  });
});

describe('OTM import: bad input', () => {
  it('a JSON syntax error is a diagnostic with its position, and no model', () => {
    const r = importOtm(fixture('bad-syntax.otm.json'), 'bad.otm.json');
    assert.equal(r.text, undefined);
    assert.ok(hasErrors(r.diagnostics));
    assert.deepEqual([r.diagnostics[0].file, r.diagnostics[0].line, r.diagnostics[0].code], ['bad.otm.json', 5, 'syntax-error']);
  });
  it('a file that is not OTM says so at 1:1', () => {
    const r = importOtm(fixture('not-otm.yaml'), 'compose.yaml');
    assert.equal(r.text, undefined);
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`), ['1:1 not-otm']);
    assert.match(r.diagnostics[0].message, /no `otmVersion`/);
    const noProject = importOtm('otmVersion: 0.2.0\ncomponents: []\n', 'x.otm.yaml');
    assert.match(noProject.diagnostics[0].message, /no `project`/);
    assert.deepEqual(importOtm('- a\n- b\n', 'list.yaml').diagnostics.map((d) => d.code), ['not-otm']);
  });
  it('wrong shapes are errors at their place', () => {
    const r = importOtm('otmVersion: 0.2.0\nproject: { name: P, id: p }\ncomponents: { a: 1 }\n', 'x.otm.yaml');
    assert.equal(r.text, undefined);
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`), ['3:13 invalid-value']);
  });
  it('never throws, whatever the text', () => {
    const base = fixture('small.otm.yaml');
    const inputs = ['', '\u0000', '{', '[', 'otmVersion:', 'otmVersion: 1\nproject: 3\n', 'otmVersion: 1\nproject: {}\ntrustZones: [1, null, {id: [x]}]\n',
      'otmVersion: 1\nproject: {name: x}\ncomponents: [{id: a, parent: {component: a}}, {id: b, parent: {component: c}}, {id: c, parent: {component: b}}]\ndataflows: [{source: a, destination: a}]\n',
      'otmVersion: 1\nproject: {name: x}\ntrustZones: [{id: a, parent: {trustZone: b}}, {id: b, parent: {trustZone: a}}]\n',
      ...Array.from({ length: 40 }, (_, i) => base.slice(0, Math.floor((base.length * i) / 40)))];
    for (const text of inputs) {
      const r = importOtm(text, 'fuzz.otm.yaml');
      for (const d of r.diagnostics) assert.ok(d.line >= 1 && d.col >= 1, JSON.stringify(d));
      assert.ok(!r.diagnostics.some((d) => d.code === 'internal-error'), `${JSON.stringify(text)}: ${formatDiagnostics(r.diagnostics)}`);
      if (r.text) {
        const loaded = loadModel(r.text, 'fuzz.yaml');
        assert.ok(!hasErrors(loaded.diagnostics), `${JSON.stringify(text)}:\n${formatDiagnostics(loaded.diagnostics)}\n${r.text}`);
      }
    }
  });
});

describe('OTM import: determinism', () => {
  it('the same file gives the same bytes', () => {
    const text = fixture('small.otm.yaml');
    assert.equal(importOtm(text, 'a.otm.yaml').text, importOtm(text, 'a.otm.yaml').text);
  });
});
