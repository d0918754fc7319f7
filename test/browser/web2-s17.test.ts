// The page of `threatmap serve`, in a real browser (Debian's Chromium through playwright-core): the Attack
// surface and Coverage tables of a 300-element model hold their rows in bodies of 50 (web/tables.ts
// ROW_GROUPS, each skipped out of view as one), and `?slice-rows=N` (web/dom.ts) makes every slice N rows, so
// that what a slice holds is the same on any machine. Behaviour only, no timing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, drawn, type PageDocument, servedSuite } from './chromium.js';
import { type AnalysisResult, SURFACE_CATEGORIES } from '../../src/analysis/types.js';
import { generateModelText } from '../../src/model/generate.js';

const skip = browserSkip('web2 s17 browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;

/**
 * A model just large enough: its 1,200 Coverage rows pass the 1,000 a table draws (MAX_ROWS below), and some Attack
 * surface categories fill more than two bodies; every element more only lengthens each analysis in the page's worker.
 */
const LARGE = generateModelText({ elements: 300, seed: 1 });
const SHOP = readFileSync('examples/ecommerce.yaml', 'utf8');
/** Rows in a body of the Attack surface and Coverage tables (web/tables.ts ROW_GROUPS). */
const GROUP = 50;
/** Rows drawn at most per table (web/tables.ts MAX_ROWS), then a row that says how many more there are. */
const MAX_ROWS = 1000;

/** The sizes of the bodies `count` rows fill, GROUP at a time. */
const groupsOf = (count: number): number[] =>
  Array.from({ length: Math.ceil(count / GROUP) }, (_, i) => Math.min(GROUP, count - i * GROUP));

/** The rows each table of the Attack surface holds: its entries (at most MAX_ROWS and a note), or a note that it has none. */
const surfaceRows = (r: AnalysisResult): number[] => SURFACE_CATEGORIES.map((c) => {
  const n = r.attackSurface.filter((e) => e.category === c).length;
  return n === 0 ? 1 : Math.min(n, MAX_ROWS) + (n > MAX_ROWS ? 1 : 0);
});

/** For each table in `panel`: the number of rows in each of its bodies, and whether every body is a row group. */
const bodies = (page: Page, panel: string) => page.evaluate((p) => Array.from(document.querySelectorAll(`${p} table`), (table) => {
  const groups = Array.from(table.querySelectorAll(':scope > tbody'));
  return { sizes: groups.map((g) => g.children.length), rowgroups: groups.every((g) => g.getAttribute('role') === 'rowgroup') };
}), panel);

const entryIds = (page: Page) => page.evaluate(() => Array.from(document.querySelectorAll('#panel-surface tr[data-entry]'), (r) => r.getAttribute('data-entry')!));

/** Clicks `selector` and says, at the end of the click's own task, whether `busy` is aria-busy and which entries are drawn. */
const clickAndSee = (page: Page, selector: string, busy: string) => page.evaluate(([s, b]) => {
  document.querySelector(s)!.click();
  return {
    busy: document.querySelector(b)!.hasAttribute('aria-busy'),
    entries: Array.from(document.querySelectorAll('#panel-surface tr[data-entry]'), (r) => r.getAttribute('data-entry')!),
  };
}, [selector, busy]);

describe('the Attack surface and Coverage tables in bodies of 50 rows, and slices of a set number of rows, in a browser', { skip }, () => {
  const served = servedSuite('threatmap-web2-s17-', { large: LARGE, shop: SHOP });

  it('?slice-rows=3: the click draws the first 3 entries only; in the end every table\'s rows are in bodies of 50, in order', { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large', '3');
    const result = served.result('large');
    const byCategory = SURFACE_CATEGORIES.map((c) => result.attackSurface.filter((e) => e.category === c));
    assert.deepEqual(await clickAndSee(page, '#tab-surface', '#panel-surface'), { busy: true, entries: byCategory[0].slice(0, 3).map((e) => e.id) });
    await drawn(page, '#panel-surface');
    const counts = surfaceRows(result);
    assert.ok(counts.some((n) => n > 2 * GROUP), `${counts}`);
    assert.deepEqual(await bodies(page, '#panel-surface'), counts.map((n) => ({ sizes: groupsOf(n), rowgroups: true })));
    assert.deepEqual(await entryIds(page), byCategory.flatMap((entries) => entries.slice(0, MAX_ROWS).map((e) => e.id)));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('Coverage: a thousand rows and the note in 21 bodies, the note alone in the last', { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large', '200');
    assert.ok(served.result('large').coverage.length > MAX_ROWS);
    await page.click('#tab-coverage');
    await drawn(page, '#panel-coverage');
    assert.deepEqual(await bodies(page, '#panel-coverage'), [{ sizes: groupsOf(MAX_ROWS + 1), rowgroups: true }]);
    assert.equal(groupsOf(MAX_ROWS + 1).length, 21);
    assert.deepEqual(await page.evaluate(() => Array.from(document.querySelectorAll('#panel-coverage tbody:last-of-type > tr'), (r) => r.getAttribute('class'))), ['empty-row']);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a small model: one body a table, the one with no entry holding its note', { timeout: 120_000 }, async () => {
    const { page, problems } = await served.open('shop');
    await page.click('#tab-surface');
    await drawn(page, '#panel-surface');
    const counts = surfaceRows(served.result('shop'));
    assert.ok(counts.every((n) => n < GROUP));
    assert.deepEqual(await bodies(page, '#panel-surface'), counts.map((n) => ({ sizes: [n], rowgroups: true })));
    assert.equal(await page.textContent('#panel-surface table:nth-of-type(5) tbody'), 'None in the model.');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a new analysis with far fewer entries leaves one body a table and no row of the old ones', { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large', '500');
    const shopResult = served.result('shop');
    await page.click('#tab-surface');
    await drawn(page, '#panel-surface');
    assert.ok((await bodies(page, '#panel-surface')).some((t) => t.sizes.length > 2));
    // The large model's text replaced by the shop's, as a paste over all of it would: the surface tab shows the
    // shop's entries once analysed.
    await page.evaluate((text) => {
      const editor = document.querySelector('#editor')!;
      editor.value = text;
      editor.dispatchEvent(new Event('input', { bubbles: true }));
    }, SHOP);
    const shopIds = SURFACE_CATEGORIES.flatMap((c) => shopResult.attackSurface.filter((e) => e.category === c).map((e) => e.id));
    await page.waitForFunction((n) => document.querySelectorAll('#panel-surface tr[data-entry]').length === n, shopIds.length, { timeout: 120_000 });
    await drawn(page, '#panel-surface');
    assert.deepEqual(await bodies(page, '#panel-surface'), surfaceRows(shopResult).map((n) => ({ sizes: [n], rowgroups: true })));
    assert.deepEqual(await entryIds(page), shopIds);
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const given of ['0', 'abc', '-5', '2.5']) {
    it(`?slice-rows=${given} is no number of rows: the slices go by time, and every row comes`, { timeout: 300_000 }, async () => {
      const { page, problems } = await served.open('shop', given);
      await page.click('#tab-surface');
      await drawn(page, '#panel-surface');
      assert.deepEqual(await entryIds(page), SURFACE_CATEGORIES.flatMap((c) => served.result('shop').attackSurface.filter((e) => e.category === c).map((e) => e.id)));
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
