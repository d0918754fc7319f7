// `--min-risk` (src/analysis/filter.ts): what a filtered result keeps, and how the report says what it left out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterByRisk } from '../../src/analysis/filter.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeExample } from '../helpers.js';

/** Every threat id a result cites outside its threat list. */
function cited(r: AnalysisResult): string[] {
  const ids = [
    ...r.coverage.flatMap((row) => row.cells.flatMap((c) => c.threats)),
    ...r.recommendations.flatMap((rec) => rec.threats),
    ...r.attackPaths.paths.flatMap((p) => [...p.threats, ...p.entryThreats, ...p.hops.flatMap((h) => h.threats)]),
  ];
  return [...new Set(ids)].sort();
}

describe('filterByRisk', () => {
  const all = analyzeExample('prelaunch');
  const high = filterByRisk(all, 'High');

  it('cites no threat it leaves out, in the coverage, the punch list or the paths', () => {
    const kept = new Set(high.threats.map((t) => t.id));
    assert.deepEqual(high.threats.map((t) => t.id), ['T1', 'T2', 'T3', 'T4', 'T5']);
    assert.deepEqual(cited(high).filter((id) => !kept.has(id)), []);
    assert.ok(cited(all).some((id) => !kept.has(id)), 'the unfiltered result cites the others');
  });

  it('keeps a coverage cell whose threats all go as a threat cell that says how many were left out', () => {
    const row = (r: AnalysisResult, name: string) => r.coverage.find((x) => x.name === name)!;
    const cell = (r: AnalysisResult, name: string, stride: string) => row(r, name).cells.find((c) => c.stride === stride)!;
    assert.deepEqual(cell(all, 'Web application', 'I').threats, ['T6', 'T9']);
    assert.deepEqual(cell(high, 'Web application', 'I'), { ...cell(all, 'Web application', 'I'), threats: [], reason: '2 threats below High risk left out' });
    assert.deepEqual(cell(high, 'Web application', 'D').threats, ['T3', 'T4']);
    assert.equal(cell(high, 'Web application', 'D').reason, 'threats found; 1 threat below High risk left out');
    // A row with nothing left out is the analysed one.
    assert.equal(row(high, 'Database'), row(all, 'Database'));
  });

  it('keeps the summary of every threat found, and leaves a result with nothing below the level as it is', () => {
    assert.deepEqual(high.summary, all.summary);
    assert.equal(all.summary.threats.total, 10);
    assert.equal(filterByRisk(all, 'Low'), all);
  });

  it('makes the report say how many threats it shows and which it leaves out', () => {
    const report = renderMarkdown(high);
    assert.ok(report.includes('**Result:** 10 threats: 1 Critical, 4 High, 4 Medium, 1 Low. 5 of 10 shown, those at or above High risk (--min-risk): 4 Medium, 1 Low left out.'), report);
    assert.ok(report.includes('| Web application | ok: mfa, secure-cookies, session-management | T1 T2 | ok: audit-logging | hidden | T3 T4 | T5 |'));
    assert.doesNotMatch(report, /\bT(6|7|8|9|10)\b/);
    const unfiltered = renderMarkdown(all);
    assert.ok(unfiltered.includes('**Result:** 10 threats: 1 Critical, 4 High, 4 Medium, 1 Low.\n'));
    assert.doesNotMatch(unfiltered, /shown, those at or above|\| hidden/);
  });

  it('names the lowest risk shown as the one above the highest left out', () => {
    const critical = renderMarkdown(filterByRisk(all, 'Critical'));
    assert.ok(critical.includes('1 of 10 shown, those at or above Critical risk (--min-risk): 4 High, 4 Medium, 1 Low left out.'));
  });
});
