// Session 18: the STRIDE coverage tells "does not apply to this kind of element" (not-applicable) from "applies,
// checked, nothing found" (no-finding), in the result and in every report that draws the matrix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult, CoverageCell, Stride } from '../../src/analysis/types.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeText } from '../helpers.js';

const MODEL = `threatmap: 1
system: { name: shop }
assets:
  orders: { name: Orders, type: business, classification: confidential, integrity: high }
boundaries:
  app: { trust: internal }
elements:
  api: { type: web-app, in: app, handles: [orders], controls: [authentication] }
  db: { type: database, in: app, stores: [orders] }
  audit: { type: logs, in: app }
flows:
  - api -> db: { protocol: postgres, encrypted: true, auth: password, data: [orders] }
  - api -> audit: { protocol: https }
`;

const ASSUMED = `${MODEL}assumptions:
  - text: the disks are encrypted by the platform
    rules: [unencrypted-store]
    elements: [db]
`;

const cellOf = (r: AnalysisResult, component: string, stride: Stride): CoverageCell =>
  r.coverage.find((row) => row.component === component)!.cells.find((c) => c.stride === stride)!;

describe('coverage: no-finding is not not-applicable (session 18)', () => {
  const r = analyzeText(MODEL);

  it('a category that applies and where no rule matched is no-finding, with why', () => {
    const cell = cellOf(r, 'db', 'T');
    assert.equal(cell.status, 'no-finding');
    assert.equal(cell.reason, 'no tampering rule matches its facts');
    assert.deepEqual([cell.threats, cell.controls], [[], []]);
  });

  it('a category that does not apply to the kind of element stays not-applicable', () => {
    const cell = cellOf(r, 'db', 'S');
    assert.equal(cell.status, 'not-applicable');
    assert.match(cell.reason, /a data store has no identity/);
    const flow = r.coverage.find((row) => row.componentKind === 'flow')!;
    assert.deepEqual(flow.cells.map((c) => c.status === 'not-applicable'), [true, false, true, false, false, true]);
  });

  it('one category, by kind of element: no-finding on a process, not-applicable on a store', () => {
    assert.equal(cellOf(r, 'api', 'R').status, 'no-finding');
    assert.equal(cellOf(r, 'db', 'R').status, 'not-applicable');
    // A log store is where repudiation applies to a store: there a rule did find something.
    assert.equal(cellOf(r, 'audit', 'R').status, 'threat');
  });

  it('a category an assumption rules out is not-applicable, with the assumption as its reason', () => {
    assert.equal(cellOf(r, 'db', 'I').status, 'threat');
    const cell = cellOf(analyzeText(ASSUMED), 'db', 'I');
    assert.equal(cell.status, 'not-applicable');
    assert.equal(cell.reason, 'assumption: the disks are encrypted by the platform');
  });

  it('keeps the cells shared and frozen: one object per status, reason and category across rows and runs', () => {
    const again = analyzeText(MODEL);
    const noFinding = cellOf(r, 'db', 'T');
    assert.ok(Object.isFrozen(noFinding));
    assert.equal(cellOf(again, 'db', 'T'), noFinding);
    assert.equal(cellOf(r, 'audit', 'T'), noFinding, 'two stores, one cell');
    assert.equal(cellOf(r, 'db', 'S'), cellOf(r, 'audit', 'S'));
    assert.notEqual(cellOf(r, 'db', 'S').status, noFinding.status);
  });

  it('draws no-finding apart from not-applicable in Markdown, with a legend', () => {
    const md = renderMarkdown(r);
    assert.match(md, /`none` where it applies and no rule found a threat, `-` where it does not apply to this kind of element/);
    const row = md.split('\n').find((l) => l.startsWith('| db |'))!;
    // S, T, R, I, D, E of a store: S, R and E do not apply; T was checked and is clean.
    assert.match(row, /^\| db \| - \| none \| - \| T\d+ \| [^|]+ \| - \|$/);
  });

  it('draws it apart in HTML, with a class and the reason on hover', () => {
    const html = renderHtml(r);
    assert.match(html, /<td class="cov-no-finding" title="no tampering rule matches its facts">none<\/td>/);
    assert.match(html, /<td class="cov-not-applicable" title="a data store has no identity[^"]*">-<\/td>/);
    assert.match(html, /\.cov-no-finding \{/);
    assert.match(html, /<em>none<\/em> where it applies and no rule found a threat/);
  });
});
