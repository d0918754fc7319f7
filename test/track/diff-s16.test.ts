// The pull-request comment shows what a reviewer must weigh (s16 review, F6, F7, F14e): suppressions written in the
// model are not fixes, edited decisions are visible, decided threats whose scope moved are flagged, the residual risk
// leads, and the attack surface is worded as the report words it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { loadModel } from '../../src/model/load.js';
import { diffResults, type ModelSetting, modelSettingsOf } from '../../src/track/diff.js';
import { diffHeadline, renderDiffJson, renderDiffMarkdown } from '../../src/track/diff-render.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText, exampleText, replaceOnce } from '../helpers.js';

const FILE = 'examples/ecommerce.yaml';
const BASE = exampleText('ecommerce');
const TODAY = '2026-11-28';

/** A side as the CLI would read it: the result, and the model's settings with their lines. */
function side(text: string): { result: AnalysisResult; settings: ModelSetting[] } {
  const loaded = loadModel(text, FILE);
  assert.ok(loaded.model, JSON.stringify(loaded.diagnostics));
  return { result: analyze(loaded.model, { source: loaded.source }), settings: modelSettingsOf(loaded.model, loaded.source) };
}

/** The diff of the example against an edit of it, with both sides' settings (`withSettings`) or from the results alone. */
function diffOf(base: string, head: string, withSettings = true) {
  const [old, next] = [side(base), side(head)];
  return diffResults(old.result, next.result, { old: `main:${FILE}`, new: FILE }, withSettings ? { settings: { old: old.settings, new: next.settings } } : {});
}

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
const tlsToApi = (t: string) => replaceOnce(t, '  - lb -> api: { protocol: http,', '  - lb -> api: { protocol: https,');
const lowPriceIntegrity = (t: string) => replaceOnce(t, 'classification: internal, integrity: high }\n  orders', 'classification: internal, integrity: low }\n  orders');
const append = (t: string, more: string) => `${t.trimEnd()}\n${more}`;
const disableRateLimiting = (t: string) => append(t, 'rules:\n  disable: [no-rate-limiting]\n');
const overrideTampering = (t: string) =>
  append(t, 'rules:\n  override:\n    cleartext-tampering: { likelihood: low, impact: low, reason: internal network only }\n');
const assumeCache = (elements: string) => (t: string) =>
  append(t, `assumptions:\n  - { text: the cache sits on an encrypted volume, rules: [unencrypted-store], elements: [${elements}] }\n`);

/** The lines of one `### title` section of the comment. */
function sectionOf(md: string, title: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(`### ${title}`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('### '));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
}

describe('diff: suppressions written in the model (F6)', () => {
  it('a rule disabled by the change is a suppression with its model line, never a resolved threat', () => {
    const head = disableRateLimiting(BASE);
    const d = diffOf(BASE, head);
    assert.deepEqual(d.suppressed?.map((s) => [s.threat.key, s.by.kind, s.by.text, s.by.line, s.after]),
      [['no-rate-limiting@api:/search', 'disable', 'rules.disable: no-rate-limiting', lineOf(head, 'disable: [no-rate-limiting]'), undefined]]);
    assert.deepEqual(d.resolvedThreats, []);
    assert.equal(diffHeadline(d), '1 suppressed or re-rated down by the model');
    const rows = sectionOf(renderDiffMarkdown(d), 'Suppressed or re-rated by the model');
    assert.ok(rows.some((r) => r.includes('`rules.disable: no-rate-limiting`') && r.includes(`\`${FILE}:${lineOf(head, 'disable: [no-rate-limiting]')}\``)
      && r.includes('no longer reported')), rows.join('\n'));
    assert.equal(sectionOf(renderDiffMarkdown(d), 'Resolved threats').length, 0);
  });

  it('a fix in the same change stays resolved; a rule disabled at both ends suppresses nothing of this change', () => {
    const both = diffOf(BASE, tlsToApi(disableRateLimiting(BASE)));
    assert.deepEqual(both.resolvedThreats.map((t) => t.key), ['cleartext-tampering@lb', 'cleartext-disclosure@lb']);
    assert.deepEqual(both.suppressed?.map((s) => s.threat.key), ['no-rate-limiting@api:/search']);
    // The disable was already there: only the fix is in this change.
    const already = diffOf(disableRateLimiting(BASE), tlsToApi(disableRateLimiting(BASE)));
    assert.deepEqual(already.suppressed, []);
    assert.deepEqual(already.resolvedThreats.map((t) => t.key), ['cleartext-tampering@lb', 'cleartext-disclosure@lb']);
  });

  it('a rating override re-rates down as a suppression, with the settings or recognised from the ratings alone', () => {
    const head = overrideTampering(BASE);
    const wired = diffOf(BASE, head);
    assert.deepEqual(wired.suppressed?.map((s) => [s.threat.key, s.threat.risk, s.after?.risk, s.by.kind, s.by.line]),
      [['cleartext-tampering@lb', 'High', 'Low', 'override', lineOf(head, 'cleartext-tampering: {')]]);
    assert.equal(wired.suppressed?.[0].by.text, 'rules.override.cleartext-tampering: likelihood low, impact low (internal network only)');
    assert.deepEqual(wired.rerated, []);
    const inferred = diffOf(BASE, head, false);
    assert.deepEqual(inferred.suppressed?.map((s) => [s.threat.key, s.by.kind, s.by.path, s.by.line, s.by.text]),
      [['cleartext-tampering@lb', 'override', 'rules.override.cleartext-tampering', undefined, 'set by the model: internal network only']]);
    assert.deepEqual(inferred.rerated, []);
    assert.match(renderDiffMarkdown(inferred), /\| `rules\.override\.cleartext-tampering` \|$/m);
  });

  it('a re-rating by the system\'s facts stays a re-rating, with or without the settings', () => {
    for (const withSettings of [true, false]) {
      const d = diffOf(BASE, lowPriceIntegrity(BASE), withSettings);
      assert.deepEqual(d.suppressed, []);
      assert.deepEqual(d.rerated.map((r) => [r.after.key, r.direction]), [['cleartext-tampering@lb', 'down']]);
    }
  });

  it('an assumption naming the rule and the element suppresses, with the settings or recognised from the coverage', () => {
    const head = assumeCache('cache')(BASE);
    for (const withSettings of [true, false]) {
      const d = diffOf(BASE, head, withSettings);
      assert.deepEqual(d.suppressed?.map((s) => [s.threat.key, s.by.kind, s.by.text]),
        [['unencrypted-store@cache', 'assumption', 'the cache sits on an encrypted volume']], String(withSettings));
      assert.deepEqual(d.resolvedThreats, []);
    }
    assert.equal(diffOf(BASE, head).suppressed?.[0].by.line, lineOf(head, '  - { text: the cache'));
  });

  it('an assumption about another element does not claim a threat the change fixed', () => {
    const encrypted = (t: string) => replaceOnce(t, '    stores: [sessions]\n', '    stores: [sessions]\n    controls: [encryption-at-rest]\n');
    const d = diffOf(BASE, encrypted(assumeCache('db')(BASE)));
    assert.deepEqual(d.suppressed, []);
    assert.deepEqual(d.resolvedThreats.map((t) => t.key), ['unencrypted-store@cache']);
  });

  it('reads the settings of a model: disabled rules, overrides, assumptions that name rules', () => {
    const text = assumeCache('cache')(overrideTampering(BASE)).replace('rules:\n  override:', 'rules:\n  disable: [verbose-errors]\n  override:');
    const loaded = loadModel(`${text}  - the office network is trusted\n`, FILE);
    assert.deepEqual(modelSettingsOf(loaded.model!, loaded.source).map((s) => [s.kind, s.rules, s.elements, s.path]), [
      ['disable', ['verbose-errors'], [], 'rules.disable[0]'],
      ['override', ['cleartext-tampering'], [], 'rules.override.cleartext-tampering'],
      ['assumption', ['unencrypted-store'], ['cache'], 'assumptions[0]'],
    ]);
  });
});

describe('diff: triage edits (F7)', () => {
  const triaged = (entries: string, today = TODAY) =>
    applyTriage(analyzeExample('ecommerce'), parseTriage(`threats:\n${entries}`, 'x').triage!, { today });
  const SEARCH = '  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue, owner: alice';

  it('shows a renewed expiry, with risk, reason and the expiry before -> after', () => {
    const d = diffResults(triaged(`${SEARCH}, expires: 2027-02-28 }\n`), triaged(`${SEARCH}, expires: 2099-12-31 }\n`));
    assert.equal(d.changed, true);
    assert.deepEqual(d.statusChanges, []);
    assert.deepEqual(d.triageChanges?.map((c) => [c.threat.key, c.changed, c.before.expires, c.after.expires]),
      [['no-rate-limiting@api:/search', ['expires'], '2027-02-28', '2099-12-31']]);
    const md = renderDiffMarkdown(d);
    assert.match(md, /\*\*1 triage change\*\*/);
    const rows = sectionOf(md, 'Triage changes');
    assert.equal(rows[0], '| ID | Stable id | Threat | Risk | Status | Reason | Owner | Expires |');
    assert.match(rows[2], /\| High \| accepted \| public catalogue \| alice \| 2027-02-28 -> \*\*2099-12-31\*\* \|$/);
  });

  it('shows the renewal of a lapsed acceptance, and a handover of the owner', () => {
    const lapsed = diffResults(triaged(`${SEARCH}, expires: 2027-02-28 }\n`, '2027-03-01'), triaged(`${SEARCH}, expires: 2099-12-31 }\n`, '2027-03-01'));
    assert.deepEqual(lapsed.triageChanges?.map((c) => c.changed), [['expires']]);
    assert.match(renderDiffMarkdown(lapsed), /\| open \(accepted, expired\) -> \*\*accepted\*\* \|/);
    const handover = diffResults(triaged(`${SEARCH} }\n`), triaged(`${SEARCH.replace('alice', 'bob')} }\n`));
    assert.deepEqual(handover.triageChanges?.map((c) => c.changed), [['owner']]);
    assert.match(renderDiffMarkdown(handover), /\| alice -> \*\*bob\*\* \|/);
  });

  it('an unchanged triage file is no change', () => {
    const d = diffResults(triaged(`${SEARCH}, expires: 2027-02-28 }\n`), triaged(`${SEARCH}, expires: 2027-02-28 }\n`));
    assert.deepEqual(d.triageChanges, []);
    assert.equal(d.changed, false);
    assert.equal(diffHeadline(d), 'no change to threats, triage decisions, boundary crossings, the attack surface or attack paths');
  });

  it('lists resolved threats by stable id, not by the old report\'s number', () => {
    const d = diffResults(analyzeExample('ecommerce'), analyzeText(tlsToApi(BASE), FILE));
    const rows = sectionOf(renderDiffMarkdown(d), 'Resolved threats');
    assert.equal(rows[1], '| Stable id | Risk | STRIDE | Component | Threat |');
    assert.deepEqual(rows.slice(3).map((r) => r.split(' | ')[0]), d.resolvedThreats.map((t) => `| \`${t.uid}\``));
    assert.equal(d.resolvedThreats.length, 2);
    assert.ok(!rows.some((r) => /\| T\d+ \|/.test(r)), rows.join('\n'));
  });

  it('keeps the new report\'s numbers where they name the threat now, and gives the re-rated table a status', () => {
    const mitigating = '  "cleartext-tampering@lb": { status: mitigating, ticket: SEC-7 }\n';
    const t = parseTriage(`threats:\n${mitigating}`, 'x').triage!;
    const d = diffResults(applyTriage(analyzeExample('ecommerce'), t, { today: TODAY }), applyTriage(analyzeText(lowPriceIntegrity(BASE), FILE), t, { today: TODAY }));
    const rows = sectionOf(renderDiffMarkdown(d), 'Re-rated threats');
    assert.equal(rows[0], '| ID | Stable id | Threat | Risk | Likelihood | Impact | Status |');
    assert.match(rows[2], /^\| T\d+ \| `TM-[0-9a-f]{8}` \| .* \| High -> \*\*Medium\*\* \(down\) \| .* \| mitigating \|$/);
  });
});

describe('diff: decided threats that changed under their decision (F1, F3)', () => {
  const accepted = parseTriage('threats:\n  "cleartext-disclosure@lb": { status: accepted, reason: only the public catalogue }\n', 'x').triage!;
  const cacheInClear = (t: string) => append(t, '  - lb -> cache: { protocol: redis, data: [sessions] }\n');

  it('lists an acceptance that now also covers another cleartext flow, with its status and flows', () => {
    const d = diffResults(applyTriage(analyzeExample('ecommerce'), accepted, { today: TODAY }), applyTriage(analyzeText(cacheInClear(BASE), FILE), accepted, { today: TODAY }));
    assert.deepEqual(d.decidedChanged?.map((c) => [c.after.key, c.decision.status, c.flows, c.flowsAdded, c.flowsRemoved]),
      [['cleartext-disclosure@lb', 'accepted', ['lb->api', 'lb->cache'], ['lb->cache'], []]]);
    const md = renderDiffMarkdown(d);
    assert.match(md, /1 decided threat changed/);
    const rows = sectionOf(md, 'Decided threats that changed');
    assert.ok(rows.some((r) => r.includes('| **accepted** | High | `lb->api` +`lb->cache` | only the public catalogue |')), rows.join('\n'));
  });

  it('lists a decision that no longer closes its threat, as it recorded another scope, as needing review (not as an edit)', () => {
    const recorded = parseTriage('threats:\n  "cleartext-disclosure@lb": { status: accepted, reason: only the public catalogue, risk: high, covers: [lb->api] }\n', 'x').triage!;
    const d = diffResults(applyTriage(analyzeExample('ecommerce'), recorded, { today: TODAY }), applyTriage(analyzeText(cacheInClear(BASE), FILE), recorded, { today: TODAY }));
    assert.deepEqual(d.decidedChanged?.map((c) => [c.after.key, c.decision.status, c.decision.declared, c.flowsAdded]),
      [['cleartext-disclosure@lb', 'open', 'accepted', ['lb->cache']]]);
    assert.match(d.decidedChanged?.[0].decision.drift ?? '', /lb->cache/);
    assert.deepEqual(d.triageChanges, []);
    assert.deepEqual(d.statusChanges.map((c) => [c.from, c.to]), [['accepted', 'open']]);
    const rows = sectionOf(renderDiffMarkdown(d), 'Decided threats that changed');
    assert.ok(rows.some((r) => r.includes('| **open (accepted, needs review)** |') && r.includes('— needs review: accepted at High for lb->api')), rows.join('\n'));
  });

  it('leaves out open threats whose flows moved, and decisions taken in this very change', () => {
    const untriaged = diffResults(analyzeExample('ecommerce'), analyzeText(cacheInClear(BASE), FILE));
    assert.deepEqual(untriaged.decidedChanged, []);
    const decidedNow = diffResults(analyzeExample('ecommerce'), applyTriage(analyzeText(cacheInClear(BASE), FILE), accepted, { today: TODAY }));
    assert.deepEqual(decidedNow.decidedChanged, []);
    assert.deepEqual(decidedNow.triageChanges?.map((c) => [c.threat.key, c.changed]), [['cleartext-disclosure@lb', ['status', 'reason']]]);
  });
});

describe('diff: residual risk and the attack surface (F14e)', () => {
  it('leads with the open threats by risk, before -> after, in the comment and the JSON', () => {
    const d = diffResults(analyzeExample('ecommerce'), analyzeText(tlsToApi(BASE), FILE));
    assert.deepEqual([d.old.open, d.new.open], [
      { Critical: 0, High: 5, Medium: 3, Low: 1, total: 9 }, { Critical: 0, High: 3, Medium: 3, Low: 1, total: 7 },
    ]);
    const md = renderDiffMarkdown(d);
    assert.equal(md.split('\n')[5], '**Residual risk** (open or mitigating threats): 9 (5 High, 3 Medium, 1 Low) -> **7 (3 High, 3 Medium, 1 Low)**.');
    assert.deepEqual(JSON.parse(renderDiffJson(d)).new.open, d.new.open);
    const same = renderDiffMarkdown(diffResults(analyzeExample('ecommerce'), analyzeExample('ecommerce')));
    assert.match(same, /^\*\*Residual risk\*\* \(open or mitigating threats\): 9 \(5 High, 3 Medium, 1 Low\), unchanged\.$/m);
  });

  it('words declared endpoints as endpoints, not entry points', () => {
    const addAdmin = (t: string) => append(replaceOnce(t, '  payments:\n', '  admin:\n    name: Back office\n    tech: node\n    in: dmz\n    controls: [audit-logging, ddos-protection]\n    endpoints:\n      /admin: { kind: admin }\n  payments:\n'),
      '  - browser -> admin: { protocol: https }\n');
    const d = diffResults(analyzeExample('ecommerce'), analyzeText(addAdmin(BASE), FILE));
    assert.deepEqual(d.newEntryPoints.map((e) => [e.id, e.endpoint]), [['admin', false], ['admin:/admin', true]]);
    const md = renderDiffMarkdown(d);
    assert.match(diffHeadline(d), /1 endpoint and 1 component added to the attack surface/);
    const rows = sectionOf(md, 'Added to the attack surface');
    assert.equal(rows[0], '| Endpoint or component | Kind | Surface | Detail | Exposed |');
    assert.ok(rows.some((r) => r.startsWith('| /admin (Back office) | endpoint | Application |')), rows.join('\n'));
    assert.doesNotMatch(md, /new entry point|### New entry points/);
  });
});
