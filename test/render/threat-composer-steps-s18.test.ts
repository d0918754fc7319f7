// The concrete steps of the technologies in the Threat Composer export: each punch-list action's mitigation
// carries its steps in its content (src/render/threat-composer.ts mitigationContent), within Threat Composer's
// limit, and the import reads them as no change of the model and keeps the mitigation's links.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { importThreatComposer } from '../../src/import/threat-composer.js';
import { mergeImportedThreats, type MergeResult } from '../../src/import/merge-threats.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { mitigationContent, renderThreatComposer, TC_LIMITS, type TcMitigation, type TcWorkspace } from '../../src/render/threat-composer.js';
import { analyseText } from '../import/roundtrip.js';

const SHOP = readFileSync('examples/ecommerce.yaml', 'utf8');
/** The shop with a second cache on Memcached, which names no steps: the encryption-at-rest action covers both caches. */
const TWO_CACHES = SHOP
  .replace('  payments:\n    name: Payment gateway', '  ratecache:\n    name: Rate cache\n    tech: memcached\n    in: data\n    stores: [sessions]\n  payments:\n    name: Payment gateway')
  .replace('  - api -> payments:', '  - api -> ratecache: { protocol: rediss, auth: password, data: [sessions] }\n  - api -> payments:');

const REDIS_STEPS = (text: string) => analyseText(text, 'shop.yaml').result.threats.find((t) => t.key === 'unencrypted-store@cache')!.mitigationSteps!;

function exportOf(text: string): TcWorkspace {
  const { model, result } = analyseText(text, 'shop.yaml');
  return JSON.parse(renderThreatComposer(result, { model })) as TcWorkspace;
}

const byStart = (w: TcWorkspace, start: string): TcMitigation => {
  const m = w.mitigations.find((x) => x.content.startsWith(start));
  assert.ok(m, start);
  return m;
};

/** `import --into` as the CLI does it (src/cli/import.ts): the importer into the model, then the merge. */
function into(w: TcWorkspace, model: string): { merged: MergeResult; notes: string[] } {
  const r = importThreatComposer(JSON.stringify(w, null, 2), 'shop.tc.json', { into: true });
  assert.ok(r.text && r.summary, formatDiagnostics(r.diagnostics));
  const merged = mergeImportedThreats({
    model: { text: model, file: 'shop.yaml' },
    imported: { text: r.text, ...(r.triage ? { triage: r.triage.text } : {}) },
    ...(r.summary.threatmap ? { carried: r.summary.threatmap.carried } : {}),
  });
  assert.ok(!('error' in merged), 'error' in merged ? merged.error : '');
  return { merged, notes: r.summary.notes };
}

describe('Threat Composer export: the steps in the mitigations', () => {
  it('an action whose threats have steps: the action, a blank line, then its steps numbered, code spans as written', () => {
    const steps = REDIS_STEPS(SHOP);
    const m = byStart(exportOf(SHOP), 'Encrypt data at rest in Session cache');
    assert.equal(m.content, ['Encrypt data at rest in Session cache', '', 'Steps:', ...steps.map((s, i) => `${i + 1}. ${s}`)].join('\n'));
    assert.ok(m.content.includes('`appendonly no`'), m.content);
  });

  it('an action whose threats have no steps: its content is the action alone', () => {
    const w = exportOf(SHOP);
    assert.equal(byStart(w, 'Add rate limiting').content, 'Add rate limiting to /search');
    assert.equal(byStart(w, 'Return generic error pages').content, 'Return generic error pages and keep details in logs on API servers');
  });

  it('steps that hold for some of the action\'s components only: under a heading naming those', () => {
    const m = byStart(exportOf(TWO_CACHES), 'Encrypt data at rest in ');
    const lines = m.content.split('\n');
    assert.ok(lines[0].includes('Rate cache'), lines[0]);
    assert.deepEqual(lines.slice(1, 3), ['', 'Steps for Session cache:']);
    assert.deepEqual(lines.slice(3), REDIS_STEPS(TWO_CACHES).map((s, i) => `${i + 1}. ${s}`));
    assert.ok(!m.content.includes('Steps:'), m.content);
  });

  it('steps past the content limit: whole steps while they fit, then how many were left out; never over the limit', () => {
    const steps = Array.from({ length: 20 }, (_, i) => `Step ${i + 1} ${'x'.repeat(90)}.`);
    const content = mitigationContent('Do the thing', { sets: [{ steps, components: ['api'] }], all: true });
    assert.ok(content.length <= TC_LIMITS.content, String(content.length));
    const lines = content.split('\n');
    const kept = lines.filter((l) => /^\d+\. /.test(l));
    assert.deepEqual(kept, steps.slice(0, kept.length).map((s, i) => `${i + 1}. ${s}`));
    assert.equal(lines.at(-1), `… ${steps.length - kept.length} more steps: see threatmap's report (threatmap analyze MODEL).`);
    assert.ok(kept.length >= 8 && kept.length < 20, String(kept.length));
  });

  it('an action at the limit itself with steps: shortened to leave room for a short step or the line; without steps, kept to the limit', () => {
    const action = `Encrypt ${'everything '.repeat(120)}`;
    const short = mitigationContent(action, { sets: [{ steps: ['One step.'], components: ['api'] }], all: true });
    assert.ok(short.length <= TC_LIMITS.content && short.endsWith('…\n\nSteps:\n1. One step.'), short);
    const long = mitigationContent(action, { sets: [{ steps: [`One ${'long '.repeat(40)}step.`], components: ['api'] }], all: true });
    assert.ok(long.length <= TC_LIMITS.content, String(long.length));
    assert.match(long, /…\n… 1 more step: see threatmap's report \(threatmap analyze MODEL\)\.$/);
    const alone = mitigationContent(action, undefined);
    assert.ok(alone.length <= TC_LIMITS.content && alone.length > TC_LIMITS.content - 80, String(alone.length));
    assert.ok(!alone.includes('more step'), alone);
  });

  it('the import writes nothing of the steps into the model, and a plain import carries them to no threat', () => {
    const w = exportOf(SHOP);
    const { merged, notes } = into(w, SHOP);
    assert.equal(merged.text, SHOP);
    assert.deepEqual([merged.added.length, merged.decisions, merged.triage], [0, 0, undefined]);
    assert.deepEqual(notes, []);
    const plain = importThreatComposer(JSON.stringify(w), 'shop.tc.json');
    assert.ok(plain.text !== undefined && !plain.text.includes('Steps:') && !plain.text.includes('appendonly'), plain.text);
  });

  it('the steps keep their mitigation\'s links: resolved there, with the steps edited away, it still decides its threat', () => {
    const w = exportOf(SHOP);
    const m = byStart(w, 'Encrypt data at rest in Session cache');
    m.content = 'Encrypt data at rest in Session cache (persistence turned off)';
    m.status = 'mitigationResolved';
    const { merged } = into(w, SHOP);
    assert.equal(merged.decisions, 1);
    const after = analyseText(SHOP, 'shop.yaml', merged.triage).result.threats.find((t) => t.key === 'unencrypted-store@cache')!;
    assert.equal(after.triage?.status, 'mitigated', merged.triage);
    assert.match(after.triage?.reason ?? '', /mitigation M\d+ 'Encrypt data at rest in Session cache/);
  });

  it('an unchanged export of a model with steps is byte for byte the same twice', () => {
    const { model, result } = analyseText(TWO_CACHES, 'shop.yaml');
    assert.equal(renderThreatComposer(result, { model }), renderThreatComposer(analyseText(TWO_CACHES, 'shop.yaml').result, { model }));
  });
});
