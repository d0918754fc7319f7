// AWS Threat Composer exports: threat statements become the model's written threats, their linked
// mitigations their mitigation text, their statuses triage decisions, assumptions the model's assumptions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatOf } from '../../src/cli/import.js';
import { importThreatComposer, threatComposerJson } from '../../src/import/threat-composer.js';
import { YamlSource } from '../../src/import/yaml-source.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeText } from '../helpers.js';

const FILE = 'test/fixtures/tc-import/shop.tc.json';
const SHOP = readFileSync(FILE, 'utf8');

function imported(text = SHOP) {
  const r = importThreatComposer(text, 'shop.tc.json');
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const loaded = loadModel(r.text, 'shop.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { ...r, text: r.text, summary: r.summary, model: loaded.model, raw: parse(r.text) as Record<string, unknown> };
}

describe('Threat Composer import', () => {
  it('is told from its content, even when it does not parse', () => {
    assert.equal(formatOf(SHOP), 'threat-composer');
    assert.equal(formatOf('{"schema": 1, "threats": [ }'), 'threat-composer');
    assert.equal(formatOf('{"schema": 1}'), 'unknown');
  });

  it('writes each threat statement on the whole system: the action as the title, the statement, STRIDE, priority as impact', () => {
    const r = imported();
    assert.deepEqual(r.raw.system, { name: 'Gift card shop', description: 'Customers buy and redeem gift cards.\n\nThe shop runs on one API behind a CDN.' });
    assert.deepEqual(r.raw.elements, {});
    assert.deepEqual(r.raw.threats, {
      'tc-1': {
        title: 'Redeem the same card twice in parallel requests', stride: 'T',
        description: 'A customer who holds a gift card can redeem the same card twice in parallel requests, which leads to spending the card\'s value twice, resulting in reduced integrity of gift card balances',
        impact: 'high', mitigation: 'One redemption per card, enforced in the database',
      },
      // No STRIDE metadata: the impacted goal decides (confidentiality: disclosure); the comments follow the statement.
      'tc-2': {
        title: 'Guess valid gift card codes', stride: 'I',
        description: 'An external threat actor can guess valid gift card codes, which leads to stealing the balance of cards they do not own, resulting in reduced confidentiality of gift card balances\n\nSeen in the 2025 pen test.',
        impact: 'medium', mitigation: 'Rate-limit redemption attempts per account; Alert on many failed redemptions',
      },
      'tc-3': { title: 'An internal actor can change the price of gift cards', stride: 'T', description: 'An internal actor can change the price of gift cards' },
    });
    assert.match(r.text, /^ {2}# shop\.tc\.json:57 threat 1 t-1\n {2}# Threat Composer: Resolved, priority High, STRIDE T, E \(the first kept\), tags Fraud\n {2}# mitigation 1: Resolved\n {2}tc-1:$/m);
    assert.deepEqual(r.raw.assumptions, ['Only the payment provider sees card numbers (linked to tc-2, mitigation 1)']);
    assert.deepEqual([r.summary.threats, r.summary.mitigations, r.summary.assumptions, r.summary.decisions], [3, 3, 1, 3]);
    assert.ok(r.summary.notes.some((n) => /threat 3 .*no STRIDE category and no impacted goal; written as T/.test(n)));
    assert.ok(r.summary.notes.some((n) => /architecture description is not a model/.test(n)));
    // A threat record without an id is left out, at its position.
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`), ['95:5 warning invalid-record']);
  });

  it('its statuses are decisions: resolved, not useful, and a mitigation in progress; analysis applies each', () => {
    const r = imported();
    const triage = parseTriage(r.triage!.text, 'shop.triage.yaml');
    assert.deepEqual(triage.triage!.entries.map((e) => [e.ref, e.status, e.reason]), [
      ['threat:tc-1@system', 'mitigated', 'resolved in AWS Threat Composer: One redemption per card, enforced in the database'],
      ['threat:tc-2@system', 'mitigating', 'in progress in AWS Threat Composer: Rate-limit redemption attempts per account'],
      ['threat:tc-3@system', 'false-positive', 'marked resolved, not useful, in AWS Threat Composer'],
    ]);
    const result = applyTriage(analyzeText(r.text, 'shop.yaml'), triage.triage, { today: '2026-11-29' });
    assert.deepEqual(result.triage!.stale, []);
    assert.deepEqual(result.threats.map((t) => [t.key, t.risk, t.triage?.status]), [
      ['threat:tc-1@system', 'High', 'mitigated'],
      ['threat:tc-3@system', 'Medium', 'false-positive'],
      ['threat:tc-2@system', 'Medium', 'mitigating'],
    ]);
  });

  it('a workspace of identified threats only makes no triage file; the same file twice gives the same text', () => {
    const open = SHOP.replace(/"threatResolved(NotUseful)?"/g, '"threatIdentified"').replace('"mitigationInProgress"', '"mitigationIdentified"').replace('"mitigationResolved"', '"mitigationIdentified"');
    const r = imported(open);
    assert.equal(r.triage, undefined);
    assert.equal(imported().text, imported().text);
  });

  it('what is not a Threat Composer export, or does not parse, is an error with its position and no model', () => {
    const other = importThreatComposer('{"schema": 1, "name": "x"}', 'other.json');
    assert.equal(other.text, undefined);
    assert.deepEqual(other.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`), ['1:1 not-threat-composer']);
    const broken = importThreatComposer('{\n  "schema": 1,\n  "threats": [ }\n}\n', 'broken.json');
    assert.equal(broken.text, undefined);
    assert.equal(broken.diagnostics[0].line, 3);
    assert.equal(broken.diagnostics[0].severity, 'error');
    const wrong = importThreatComposer('{"schema": 1, "threats": {"a": 1}}', 'wrong.json');
    assert.equal(wrong.text, undefined);
    assert.match(formatDiagnostics(wrong.diagnostics), /wrong\.json:1:\d+: error\[invalid-value\]: `threats` should be a list of threats/);
  });
});

describe('Threat Composer import: a JSON file read as JSON, as the YAML reading would read it', () => {
  /** The importer's own reading (JSON where it can), and the YAML reading of the same text (the one `import` parses to tell formats). */
  const both = (text: string) => [importThreatComposer(text, 'x.tc.json'), importThreatComposer(text, 'x.tc.json', { source: YamlSource.imported(text, 'x.tc.json') })];
  const positions = (r: ReturnType<typeof importThreatComposer>) => r.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`);

  it('gives what the YAML reading gives: the model, its decisions, every diagnostic at the same line and column', () => {
    const texts = [
      SHOP, SHOP.replace(/\n/g, '\r\n'), SHOP.replace(/^(?: {2})+/gm, (indent) => '\t'.repeat(indent.length / 2)), `\uFEFF${SHOP}`,
      SHOP.replace('"threats": [', '"threats": "not a list", "x": ['),
      '{"schema": 1, "threats": null, "mitigations": [null, 1, {"id": 3}, {"id": "m", "content": "x"}]}',
      '{\n  "schema": 1,\n  "threats": {"a": 1}\n}', '  [1]', '\n null', '{"schema": 1, "name": "x"}',
    ];
    for (const text of texts) {
      assert.doesNotThrow(() => JSON.parse(text.replace(/^\uFEFF/, '')));
      const [json, yaml] = both(text);
      assert.deepEqual(json, yaml, text.slice(0, 60));
    }
    const [json] = both(SHOP.replace('"threats": [', '"threats": "not a list", "x": ['));
    assert.deepEqual(positions(json), ['56:14 error invalid-value: `threats` should be a list of threats']);
    assert.deepEqual([json.diagnostics[0].expected, json.diagnostics[0].found], ['a list of threats', 'the string "not a list"']);
    assert.match(positions(both('{\n  "schema": 1,\n  "threats": {"a": 1}\n}')[0]).join('\n'), /^3:14 error invalid-value: `threats` should be a list of threats$/m);
  });

  it('what the YAML reading reads otherwise than JSON.parse is left to it: a key twice, a bare CR, nesting deeper than it goes', () => {
    // JSON.parse would take the second `schema` silently; the YAML reading says where the key is doubled.
    const twice = both(SHOP.replace('"schema": 1,', '"schema": 1, "schema": 2,'));
    assert.deepEqual(twice[0], twice[1]);
    assert.equal(twice[0].text, undefined);
    assert.deepEqual(positions(twice[0]), ['2:16 error syntax-error: key `schema` appears twice in the same map']);
    // One key twice deep inside, written another way: the same.
    assert.deepEqual(positions(importThreatComposer(SHOP.replace('"id": "t-1",', '"id": "t-1", "\\u0069d": "t-9",'), 'x.tc.json')), ['58:20 error syntax-error: key `\\u0069d` appears twice in the same map']);
    // A bare CR ends a line to YAML, not to JSON: the YAML reading's errors, not a model.
    const cr = both(SHOP.replace(/\n/g, '\r'));
    assert.deepEqual(cr[0], cr[1]);
    assert.ok(hasErrors(cr[0].diagnostics));
    const deep = both(SHOP.replace('"schema": 1,', `"schema": 1, "deep": ${'['.repeat(100)}${']'.repeat(100)},`));
    assert.deepEqual(deep[0], deep[1]);
  });

  it('threatComposerJson: a Threat Composer export as the command line tells one, read once; anything else is left to the YAML reading', () => {
    const json = threatComposerJson(SHOP);
    assert.ok(json);
    assert.deepEqual(importThreatComposer(SHOP, 'shop.tc.json', { json }), importThreatComposer(SHOP, 'shop.tc.json'));
    assert.equal(formatOf(SHOP), 'threat-composer');
    const others = [
      readFileSync('test/fixtures/td-import/shop.td.json', 'utf8'), readFileSync('test/fixtures/otm-import/bad-syntax.otm.json', 'utf8'),
      '{"schema": 1, "otmVersion": "0.2.0", "threats": []}', '{"schema": 1}', 'schema: 1\nthreats: []\n', SHOP.replace('"schema": 1,', '"schema": 1, "schema": 2,'),
    ];
    for (const text of others) assert.equal(threatComposerJson(text), undefined, text.slice(0, 60));
    // Those still go where they went: the YAML one is Threat Composer's too, read by the YAML parser.
    assert.deepEqual(others.map(formatOf), ['threat-dragon', 'otm', 'otm', 'unknown', 'threat-composer', 'threat-composer']);
  });
});
