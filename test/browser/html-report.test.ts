// The HTML report in a real browser (Debian's Chromium, driven by playwright-core): it opens with no
// console errors and no requests, its filters and sorting work, print styles show everything, and a
// model whose names are script and image payloads runs nothing. Skipped when Chromium is absent, unless
// THREATMAP_BROWSER_TESTS=1 (CI), where a missing browser is a failure.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { activeContent, browserSkip, type PageDocument, type PageElement, type PageWindow, suiteBrowser, suiteFolder, type WatchedPage, watchPage } from './chromium.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { renderHtmlReport } from '../../src/render/html.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText } from '../helpers.js';

const skip = browserSkip('HTML report browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;
declare const window: PageWindow;

describe('HTML report in Chromium', { skip }, () => {
  const browser = suiteBrowser();
  // Added after the browser's hooks: the report files are removed once it is closed, whatever the tests did.
  const folder = suiteFolder('threatmap-html-');

  /** The report of `result` written as `<name>.html` and opened from the file, watched; the one file is its own. */
  async function open(result: AnalysisResult, name: string): Promise<WatchedPage> {
    const file = join(folder(), `${name}.html`);
    writeFileSync(file, await renderHtmlReport(result, { generator: 'threatmap test' }));
    const url = pathToFileURL(file).href;
    const page = await browser().newPage();
    const watched = watchPage(page, (u) => u === url);
    await page.goto(url, { waitUntil: 'load' });
    return watched;
  }

  const visibleIds = (page: Page) => page.$$eval('#tm-threat-table tr.threat', (rows) =>
    (rows as unknown as PageElement[]).filter((r) => !r.hidden).map((r) => r.id.replace('tm-t-', '')));

  it('opens with no console errors and no requests, and the script runs', async () => {
    const result = analyzeExample('ecommerce');
    const { page, problems, elsewhere } = await open(result, 'ecommerce');
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('js')), true);
    assert.equal(await page.textContent('#tm-count'), `Showing all ${result.threats.length} threats`);
    assert.equal(await page.locator('#tm-diagram svg').count(), 1, 'the diagram is inline SVG');
    await page.close();
  });

  it('filters by STRIDE, risk, status, component and text, and resets', async () => {
    const triage = parseTriage('threats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: public }\n  "cleartext-disclosure@lb": { status: mitigating }\n', 'x').triage!;
    const result = applyTriage(analyzeExample('ecommerce'), triage, { today: '2026-11-28' });
    const { page, problems } = await open(result, 'ecommerce-triaged');
    const ids = (pred: (t: AnalysisResult['threats'][number]) => boolean) => result.threats.filter(pred).map((t) => t.id);

    await page.selectOption('#tm-f-stride', 'I');
    assert.deepEqual(await visibleIds(page), ids((t) => t.stride === 'I'));
    assert.equal(await page.textContent('#tm-count'), `Showing ${ids((t) => t.stride === 'I').length} of ${result.threats.length} threats`);
    await page.selectOption('#tm-f-risk', 'Medium');
    assert.deepEqual(await visibleIds(page), ids((t) => t.stride === 'I' && t.risk === 'Medium'));
    await page.click('#tm-f-reset');
    assert.equal((await visibleIds(page)).length, result.threats.length);

    await page.selectOption('#tm-f-status', 'accepted');
    assert.deepEqual(await visibleIds(page), ids((t) => t.key === 'no-rate-limiting@api:/search'));
    await page.selectOption('#tm-f-status', 'unresolved');
    assert.deepEqual(await visibleIds(page), ids((t) => t.key !== 'no-rate-limiting@api:/search'));
    await page.selectOption('#tm-f-status', '');

    await page.selectOption('#tm-f-component', 'api');
    assert.deepEqual(await visibleIds(page), ids((t) => t.component === 'api'));
    await page.selectOption('#tm-f-component', '');

    // Text search, case-insensitive: a stable id finds exactly its threat.
    const target = result.threats[2];
    await page.fill('#tm-f-text', target.uid!.toUpperCase());
    assert.deepEqual(await visibleIds(page), [target.id]);
    await page.fill('#tm-f-text', 'no such text anywhere');
    assert.deepEqual(await visibleIds(page), []);
    assert.equal(await page.isVisible('#tm-empty'), true);
    await page.click('#tm-f-reset');
    assert.equal((await visibleIds(page)).length, result.threats.length);
    assert.equal(await page.isVisible('#tm-empty'), false);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('sorts by column and expands details', async () => {
    const result = analyzeExample('ecommerce');
    const { page, problems } = await open(result, 'ecommerce-sort');
    await page.click('button[data-sort="title"]');
    const titles = [...result.threats].sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase())).map((t) => t.id);
    assert.deepEqual(await visibleIds(page), titles);
    assert.equal(await page.getAttribute('th:has(button[data-sort="title"])', 'aria-sort'), 'ascending');
    await page.click('button[data-sort="title"]');
    assert.deepEqual(await visibleIds(page), [...titles].reverse());
    await page.click('button[data-sort="id"]');
    assert.deepEqual(await visibleIds(page), result.threats.map((t) => t.id));

    const detail = page.locator('#tm-t-T1-detail');
    assert.equal(await detail.isVisible(), false);
    await page.click('#tm-t-T1 button.toggle');
    assert.equal(await detail.isVisible(), true);
    assert.equal(await page.getAttribute('#tm-t-T1 button.toggle', 'aria-expanded'), 'true');

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('.filters'), false, 'controls hidden in print');
    assert.equal(await page.locator('#tm-t-T2-detail').isVisible(), true, 'every detail shown in print');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('runs no script from a model whose names are script and image payloads', async () => {
    const result = analyzeText(readFileSync('test/fixtures/track/hostile.yaml', 'utf8'), 'hostile.yaml');
    const { page, problems, elsewhere } = await open(result, 'hostile');
    await page.click('#tm-t-T1 button.toggle');
    await page.fill('#tm-f-text', 'pwned');
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    const counts = await activeContent(page);
    assert.deepEqual(counts, { scripts: 1, images: 0, iframes: 0, styles: 1, handlers: 0 });
    // The payloads are shown as text.
    assert.match(await page.title(), /^Threat model: <script>window.__pwned = 'system'<\/script>Evil shop$/);
    assert.match(await page.textContent('#tm-threat-table') ?? '', /<img src=x onerror="window.__pwned='img'">User/);
    await page.close();
  });
});
