// `threatmap import` of Open Threat Model files: the mapping on small fixtures, the round trip through our
// own OTM export (every example comes back with the same ids, kinds, boundaries, flows and assets), bad
// input as diagnostics with positions, never a throw, and byte-stable output.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { controlOfMitigation, importOtm, levelFromRisk, trustFromRating } from '../../src/import/otm.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import { renderOtm, renderOtmYaml, TRUST_RATING } from '../../src/render/otm.js';
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
  it('dataflows -> flows: bidirectional is two, protocol and auth from tags, else the target\'s protocol, noted', () => {
    assert.deepEqual(r.model.flows.map((f) => [f.from, f.to, f.protocol, f.auth, f.data]), [
      ['shopper', 'edge', 'https', 'none', []],
      ['edge', 'shopper', 'https', 'none', []],
      ['edge', 'shop-api', 'http', 'jwt', ['prices']],
      ['shop-api', 'db', 'postgres', 'none', ['card']],
    ]);
    assert.match(r.text!, /# small\.otm\.yaml:71 dataflow f1 \(bidirectional: the reply\)\n {2}- edge -> shopper/);
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
  it('threats are listed in the header, not imported', () => {
    assert.match(r.text!, /^# The file lists 1 threat and 3 mitigations; threats are not model input:\n# `threatmap analyze` derives its own/m);
    assert.match(r.text!, /^# {3}T1: Brute force of the API \(on shop-api\)$/m);
    assert.deepEqual(r.summary!.threats, [{ id: 'T1', name: 'Brute force of the API', on: ['shop-api'] }]);
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
