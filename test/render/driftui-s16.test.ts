// A decision whose threat grew past what it was made for is worded "needs review", with what changed, in the
// Markdown and HTML reports: it has not expired, and saying so would send the reader to renew a date.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample } from '../helpers.js';

const base = analyzeExample('ecommerce');
/** A threat rated above Low: a decision recorded at Low has drifted from it. */
const grown = base.threats.find((t) => t.risk !== 'Low')!;
const other = base.threats.find((t) => t.key !== grown.key)!;

function triaged(entries: string): AnalysisResult {
  const parsed = parseTriage(`threatmap-triage: 1\nthreats:\n${entries}`, 'shop.triage.yaml');
  assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
  return applyTriage(base, parsed.triage, { today: '2026-06-01' });
}

const drifted = triaged(`  ${grown.key}:\n    status: accepted\n    reason: low value\n    risk: low\n`);
const expired = triaged(`  ${other.key}:\n    status: accepted\n    reason: low value\n    expires: 2026-01-31\n`);

describe('reports word a drifted decision "needs review"', () => {
  it('the applied triage is a drift (the premise of the other cases)', () => {
    const tr = drifted.threats.find((t) => t.key === grown.key)!.triage!;
    assert.deepEqual([tr.status, tr.declared, tr.drift?.risk], ['open', 'accepted', 'Low']);
    assert.match(tr.drift!.summary, new RegExp(`^accepted at Low for .*; now ${grown.risk}`));
  });

  it('Markdown: the drifted decision needs review with what changed; it is not called expired', () => {
    const md = renderMarkdown(drifted);
    const row = md.split('\n').find((l) => l.startsWith(`| ${grown.id} `) && l.includes('needs review'));
    assert.ok(row, md);
    assert.match(row, new RegExp(`\\| open \\(accepted needs review: accepted at Low for .*now ${grown.risk}.*\\) \\|`));
    assert.doesNotMatch(md, /accepted expired/);
  });

  it('Markdown: an expired decision is still called expired, not "needs review"', () => {
    const md = renderMarkdown(expired);
    assert.match(md, new RegExp(`^\\| ${other.id} .*\\| open \\(accepted expired\\) \\|`, 'm'));
    assert.doesNotMatch(md, /needs review/);
  });

  it('HTML: the drifted decision needs review (row, decisions table, details); it is not called expired', () => {
    const html = renderHtml(drifted);
    assert.match(html, /<span class="muted">\(accepted needs review\)<\/span>/);
    assert.match(html, new RegExp(`<span class="muted">\\(accepted needs review: accepted at Low for [^<]*now ${grown.risk}[^<]*\\)</span>`));
    assert.match(html, /declared <strong>accepted<\/strong>, needs review: accepted at Low/);
    assert.doesNotMatch(html, /accepted expired|lapsed on/);
  });

  it('HTML: an expired decision is still called expired and lapsed, not "needs review"', () => {
    const html = renderHtml(expired);
    assert.match(html, /<span class="muted">\(accepted expired\)<\/span>/);
    assert.match(html, /<span class="muted">\(accepted expired 2026-01-31\)<\/span>/);
    assert.match(html, /declared <strong>accepted<\/strong>, lapsed on 2026-01-31/);
    assert.doesNotMatch(html, /needs review/);
  });
});
