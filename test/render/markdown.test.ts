// Threat Details in the Markdown report: one section per threat while that stays readable, grouped by rule
// above DETAILS_THRESHOLD threats, and nothing actionable lost in the grouping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { generateModelText } from '../../src/model/generate.js';
import { DETAILS_THRESHOLD, renderMarkdown, threatIdList, type MarkdownOptions } from '../../src/render/markdown.js';
import { uidOf } from '../../src/track/triage.js';
import { analyzeExample, analyzeText } from '../helpers.js';

// Just above DETAILS_THRESHOLD: 251 threats of 55 rules. Each report of it routes its text diagram, which takes
// seconds for a few hundred elements (src/diagram/route.ts), and what is asserted here does not grow with it.
const large = analyzeText(generateModelText({ elements: 120, seed: 3 }), 'generated.yaml');

/** The Threat Details section of the report. */
function details(result: AnalysisResult, options: MarkdownOptions = {}): string {
  const md = renderMarkdown(result, options);
  const start = md.indexOf('### Threat Details\n');
  assert.ok(start >= 0, 'Threat Details section');
  return md.slice(start, md.indexOf('\n### ', start + 1));
}

const count = (text: string, part: string): number => text.split(part).length - 1;

/** A rule's part of the grouped details, from its heading to the next. */
function ruleSection(text: string, ruleId: string): string {
  const start = text.indexOf(` (\`${ruleId}\`)\n`);
  assert.ok(start >= 0, ruleId);
  const end = text.indexOf('\n#### ', start);
  return text.slice(start, end < 0 ? text.length : end);
}

describe('Markdown Threat Details', () => {
  it('groups the details by rule above the threshold, every threat once, every rule once', () => {
    assert.ok(large.threats.length > DETAILS_THRESHOLD, `the generated model has ${large.threats.length} threats`);
    const text = details(large);
    assert.equal(text, details(large, { details: 'grouped' }));
    assert.doesNotMatch(text, /^#### T\d+\. /m, 'no section per threat');
    const rules = new Set(large.threats.map((t) => t.ruleId));
    assert.equal(count(text, '\n#### '), rules.size);
    for (const rule of rules) assert.equal(count(text, ` (\`${rule}\`)\n`), 1, rule);
    const rows = text.split('\n').filter((l) => /^\| T\d+ /.test(l));
    assert.equal(rows.length, large.threats.length);
    for (const t of large.threats) {
      const row = rows.filter((l) => l.startsWith(`| ${t.id} \`${uidOf(t)}\` |`));
      assert.equal(row.length, 1, t.id);
      assert.ok(row[0].includes(`| ${t.risk} | ${t.likelihood.level} | ${t.impact.level} |`), row[0]);
      for (const e of t.evidence) assert.ok(row[0].includes(`\`generated.yaml:${e.line}\``), `${t.id} evidence line ${e.line}`);
    }
  });

  it('states each rule\'s mitigation and references once, or the mitigation per threat when they differ', () => {
    const first = large.threats[0];
    const rule = large.threats.filter((t) => t.ruleId === first.ruleId);
    const changed = { ...large, threats: large.threats.map((t) => (t === first ? { ...t, mitigation: 'A mitigation of its own.' } : t)) };
    const section = ruleSection(details(changed), first.ruleId);
    assert.ok(!section.includes('- **Mitigation:**'));
    assert.ok(section.includes('| ID | Component | Risk | Likelihood | Impact | Mitigation | Evidence |'));
    assert.ok(section.includes('| A mitigation of its own. |'));
    if (rule.length > 1) assert.ok(section.includes(`| ${rule[1].mitigation} |`));
    const shared = ruleSection(details(large), first.ruleId);
    assert.equal(count(shared, `- **Mitigation:** ${first.mitigation}\n`), 1);
    assert.ok(shared.includes('| ID | Component | Risk | Likelihood | Impact | Evidence |'));
    if (first.references.length) assert.equal(count(shared, `- **References:** ${first.references.join(', ')}\n`), 1);
  });

  it('names rules without metadata by what their threat titles share', () => {
    const text = details(large, { rules: [] });
    const rules = new Set(large.threats.map((t) => t.ruleId));
    assert.equal(count(text, '\n#### '), rules.size);
    for (const rule of rules) assert.equal(count(text, ` (\`${rule}\`)\n`), 1, rule);
  });

  it('keeps one section per threat in a small report, and when asked for', () => {
    const small = analyzeExample('ecommerce');
    assert.ok(small.threats.length <= DETAILS_THRESHOLD);
    for (const [result, options] of [[small, {}], [large, { details: 'full' }]] as const) {
      const text = details(result, options);
      for (const t of result.threats) assert.equal(count(text, `\n#### ${t.id}. `), 1, t.id);
      assert.equal(count(text, '\n#### '), result.threats.length);
      assert.equal(count(text, '- **Likelihood:** '), result.threats.length);
    }
    assert.match(details(small, { details: 'grouped' }), /\| T1 `TM-[0-9a-f]+` \|/);
  });

  it('switches to grouped just above the threshold', () => {
    const at = { ...large, threats: large.threats.slice(0, DETAILS_THRESHOLD) };
    const above = { ...large, threats: large.threats.slice(0, DETAILS_THRESHOLD + 1) };
    assert.match(details(at), /^#### T1\. /m);
    assert.doesNotMatch(details(above), /^#### T1\. /m);
  });

  it('finds each crossing\'s flow whatever the order of the crossings', () => {
    const rows = (md: string) => md.split('\n').filter((l) => / -> .* \| (yes|\*\*no\*\*) \| /.test(l));
    const inOrder = rows(renderMarkdown(large));
    assert.ok(inOrder.length > 10);
    const reversed = rows(renderMarkdown({ ...large, crossings: [...large.crossings].reverse() }));
    assert.deepEqual(reversed, [...inOrder].reverse());
  });

  it('keeps the seed\'s Output Format sections in a grouped report', () => {
    const headings = renderMarkdown(large).split('\n').filter((l) => /^#{2,3} /.test(l));
    const required = ['### System Description', '### Data Flow Diagram', '### Assets', '### Threats', '### Recommendations', '### Threat Details'];
    let last = 0;
    assert.match(headings[0], /^## Threat Model: /);
    for (const h of required) {
      const i = headings.indexOf(h);
      assert.ok(i > last, `${h} missing or out of order`);
      last = i;
    }
  });
});

describe('punch-list threat ids', () => {
  const ids = (...n: number[]) => n.map((i) => `T${i}`);

  it('are listed one by one up to ten', () => {
    assert.equal(threatIdList(ids(1, 2, 3)), 'T1, T2, T3');
    assert.equal(threatIdList(ids(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)), 'T1, T2, T3, T4, T5, T6, T7, T8, T9, T10');
  });

  it('past ten, give runs of three or more as ranges and the count', () => {
    assert.equal(threatIdList(ids(4, 5, 6, 7, 9, 10, 12, 13, 14, 20, 31)), 'T4 to T7, T9, T10, T12 to T14, T20, T31; 11 threats');
    assert.equal(threatIdList(Array.from({ length: 431 }, (_, i) => `T${693 + i}`)), 'T693 to T1123; 431 threats');
  });

  it('keep ids of another form as they are', () => {
    const odd = ['T1', 'T2', 'T3', 'x', 'T5', 'T6', 'T7', 'T8', 'T9', 'T10', 'T11'];
    assert.equal(threatIdList(odd), 'T1 to T3, x, T5 to T11; 11 threats');
  });

  it('shorten a large report\'s recommendations', () => {
    const md = renderMarkdown(large);
    const section = md.slice(md.indexOf('### Recommendations'), md.indexOf('###', md.indexOf('### Recommendations') + 5));
    const long = large.recommendations.find((rec) => rec.threats.length > 10)!;
    assert.ok(long, 'an action with more than ten threats');
    assert.ok(section.includes(`; ${long.threats.length} threats)`), section.slice(0, 400));
  });
});
