// The page of `threatmap serve`, in a real browser (Debian's Chromium through playwright-core): the Coverage
// and Attack surface tabs and the Threats table of a 300-element model draw their rows a slice at a time
// (web/dom.ts SlicedRows), every row in the end; sorting and filtering still order and narrow them, the
// keyboard reaches and opens rows far below the first slice, find in the page reaches rows out of view, and
// a new analysis keeps the rows that show the same. What the click's own task draws is asserted under
// `?slice-rows=N` (web/dom.ts), the same on any machine. Behaviour only: the timings are in diagnostics.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { attributes, browserSkip, drawn, longTasks, observeLongTasks, type PageDocument, type PageGlobals, type PageWindow, servedSuite } from './chromium.js';
import { type AnalysisResult, SURFACE_CATEGORIES, type Threat } from '../../src/analysis/types.js';
import { generateModelText } from '../../src/model/generate.js';
import { statusOf, uidOf } from '../../src/track/triage.js';

const skip = browserSkip('web tables s16 browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;
declare const window: PageWindow;
declare const globalThis: PageGlobals;

/**
 * A model just large enough: its 1,200 Coverage rows pass the 1,000 a table draws (web/tables.ts MAX_ROWS) and its
 * 645 threats the 500 of the Threats table (web/threats.ts MAX_ROWS), where the notes and the rows far below the
 * first slice asserted here begin; every element more only lengthens each analysis in the page's worker.
 */
const LARGE = generateModelText({ elements: 300, seed: 1 });

/** Threats in the Threats tab's own order for a column (web/threats.ts SORT), ties by id number. */
function sortedBy(threats: readonly Threat[], column: (t: Threat) => string, sign: 1 | -1): Threat[] {
  const idNumber = (t: Threat) => Number(t.id.replace(/\D/g, ''));
  return [...threats].sort((a, b) => sign * (column(a).toLowerCase().localeCompare(column(b).toLowerCase()) || idNumber(a) - idNumber(b)));
}

/** The threats the text filter lets through: the columns it looks in, as web/threats.ts has them. */
const matching = (threats: readonly Threat[], q: string): Threat[] => threats.filter((t) =>
  [t.id, uidOf(t), t.risk, t.stride, t.category, t.componentName, t.title, statusOf(t)].some((s) => s.toLowerCase().includes(q.toLowerCase())));

describe('the Coverage, Attack surface and Threats tables of a large model, in a browser', { skip }, () => {
  const served = servedSuite('threatmap-webtables-s16-', { large: LARGE, shop: readFileSync('examples/ecommerce.yaml', 'utf8') });
  let result: AnalysisResult;
  before(() => {
    result = served.result('large');
    assert.ok(result.coverage.length > 1000 && result.threats.length > 500, `${result.coverage.length} Coverage rows, ${result.threats.length} threats`);
  });

  /** Rows in a slice where the first slice is asserted: far fewer than any table here holds. */
  const SLICE = 25;

  /** Clicks a tab (or a button) and answers whether `busy` was aria-busy at the end of the click's own task. */
  const clickBusy = (page: Page, selector: string, busy: string) => page.evaluate(([s, b]) => {
    document.querySelector(s)!.click();
    return document.querySelector(b)!.hasAttribute('aria-busy');
  }, [selector, busy]);

  /**
   * Clicks a tab and answers, at the end of the click's own task, whether `busy` was aria-busy and the
   * `name` attribute of each row drawn that has it.
   */
  const clickAndSee = (page: Page, selector: string, busy: string, name: string) => page.evaluate(([s, b, n]) => {
    document.querySelector(s)!.click();
    return { busy: document.querySelector(b)!.hasAttribute('aria-busy'), rows: Array.from(document.querySelectorAll(`${b} tr[${n}]`), (r) => r.getAttribute(n)!) };
  }, [selector, busy, name]);

  const texts = (page: Page, selector: string) => page.evaluate((s) => Array.from(document.querySelectorAll(s), (e) => e.textContent!), selector);

  /** Finds `text` in the page, from its start: where the match is, or undefined when there is none. */
  const find = (page: Page, text: string) => page.evaluate((t) => {
    document.getSelection()?.removeAllRanges();
    if (!window.find(t)) return undefined;
    const at = document.getSelection()?.anchorNode?.parentElement;
    return at?.closest('[role="tabpanel"]')?.getAttribute('id') ?? 'elsewhere';
  }, text);

  it(`Coverage, ?slice-rows=${SLICE}: the click draws the first ${SLICE} rows only, every row comes in the end, the keyboard opens a threat far below, find reaches it`, { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large', SLICE);
    assert.deepEqual(await clickAndSee(page, '#tab-coverage', '#panel-coverage', 'data-component'),
      { busy: true, rows: result.coverage.slice(0, SLICE).map((r) => r.component) });
    await drawn(page, '#panel-coverage');
    assert.deepEqual(await attributes(page, '#panel-coverage tr[data-component]', 'data-component'), result.coverage.slice(0, 1000).map((r) => r.component));
    assert.deepEqual(await texts(page, '#panel-coverage tr.empty-row'), [`The first 1000 of ${result.coverage.length} are shown; \`threatmap analyze\` lists them all.`]);
    assert.equal(await page.getAttribute('#panel-coverage table', 'role'), 'table');

    // Tab goes from the last threat of a row far below to the first of the next row that has one.
    const withThreats = result.coverage.slice(0, 1000).flatMap((r, i) => {
      const ids = r.cells.flatMap((c) => c.threats);
      return ids.length ? [{ i, component: r.component, ids }] : [];
    });
    const [from, to] = withThreats.slice(-2);
    assert.ok(from.i > 900, 'a row far below the first slice');
    await page.locator(`#panel-coverage tr[data-component="${from.component}"] button.link`).last().focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), to.ids[0]);
    assert.equal(await page.getAttribute('#tab-threats', 'aria-selected'), 'false');
    // Enter opens it in the Threats tab, its details drawn and scrolled into view once its slice comes.
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#tab-threats', 'aria-selected'), 'true');
    await drawn(page, '#threat-table');
    const opened = `#threat-table tr.selected[data-id="${to.ids[0]}"]`;
    assert.equal(await page.locator(opened).count(), 1);
    assert.equal(await page.locator(`${opened} + tr.detail-row`).count(), 1);
    const inView = await page.evaluate((s) => {
      const row = document.querySelector(s)!.getBoundingClientRect();
      const pane = document.querySelector('.panels')!.getBoundingClientRect();
      return row.top >= pane.top - 1 && row.top < pane.bottom;
    }, opened);
    assert.equal(inView, true);

    // Find in the page reaches a row out of view; the 1,001st, which is not drawn, it does not.
    await page.click('#tab-coverage');
    await drawn(page, '#panel-coverage');
    const row = (i: number) => `${result.coverage[i].name} ${result.coverage[i].componentKind}`;
    assert.equal(await find(page, row(990)), 'panel-coverage');
    assert.equal(await find(page, row(1000)), undefined);
    assert.deepEqual(problems, []);
    await page.close();
  });

  /** The ids of each category's entries in the Attack surface tab, and its note rows, once every row is drawn. */
  async function surface(page: Page): Promise<{ ids: string[][]; notes: string[][] }> {
    await drawn(page, '#panel-surface');
    return page.evaluate(() => {
      const tables = Array.from(document.querySelectorAll('#panel-surface table'), (_, i) => `#panel-surface table:nth-of-type(${i + 1})`);
      return {
        ids: tables.map((s) => Array.from(document.querySelectorAll(`${s} tr[data-entry]`), (r) => r.getAttribute('data-entry')!)),
        notes: tables.map((s) => Array.from(document.querySelectorAll(`${s} tr.empty-row`), (r) => r.textContent!)),
      };
    });
  }

  const byCategory = (r: AnalysisResult) => SURFACE_CATEGORIES.map((c) => r.attackSurface.filter((e) => e.category === c));

  it(`Attack surface, ?slice-rows=${SLICE}: the click draws the first ${SLICE} entries only, every category's entries come in the end, the keyboard goes to one far below in the model`, { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large', SLICE);
    const expected = byCategory(result);
    assert.ok(expected[0].length > SLICE);
    assert.deepEqual(await clickAndSee(page, '#tab-surface', '#panel-surface', 'data-entry'),
      { busy: true, rows: expected[0].slice(0, SLICE).map((e) => e.id) });
    const shown = await surface(page);
    assert.deepEqual(shown.ids, expected.map((entries) => entries.slice(0, 1000).map((e) => e.id)));
    assert.deepEqual(shown.notes, expected.map(() => []));
    assert.deepEqual(await page.evaluate(() => Array.from(document.querySelectorAll('#panel-surface table'), (e) => e.getAttribute('aria-label')!)),
      SURFACE_CATEGORIES.map((c) => `Attack surface: ${c}`));

    // Tab from one entry's place in the model to the next one's, in the last table; Enter puts the caret there.
    const last = expected[expected.length - 1];
    const [before, target] = last.slice(-2);
    // An element is an entry of several categories: its row in the last table.
    await page.focus(`#panel-surface table:nth-of-type(${SURFACE_CATEGORIES.length}) tr[data-entry="${before.id}"] button.loc`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), `${target.loc.line}:${target.loc.col}`);
    await page.keyboard.press('Enter');
    const caret = await page.evaluate(() => document.getElementById('editor')!.selectionStart);
    assert.equal(LARGE.slice(0, caret).split('\n').length, target.loc.line);
    assert.notEqual(target.loc.line, before.loc.line);
    // Find in the page reaches an entry out of view: the last of the third table, below the two before it.
    assert.equal(await find(page, expected[2][expected[2].length - 1].detail), 'panel-surface');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('under the real 10 ms slices, opening Coverage and Attack surface draws every row in the end (the long tasks printed, never asserted)', { timeout: 300_000 }, async (t) => {
    const { page, problems } = await served.open('large');
    for (const [tab, panel, name] of [['#tab-coverage', '#panel-coverage', 'Coverage'], ['#tab-surface', '#panel-surface', 'Attack surface']]) {
      await observeLongTasks(page);
      // How much the click's own task draws depends on the machine: printed, the rows that come in the end asserted.
      t.diagnostic(`${name}: busy at the end of the click's task: ${await clickBusy(page, tab, panel)}`);
      await drawn(page, panel);
      t.diagnostic(`long tasks after opening the ${name} tab (ms): ${await longTasks(page)}`);
    }
    assert.equal((await attributes(page, '#panel-coverage tr[data-component]', 'data-component')).length, Math.min(result.coverage.length, 1000));
    assert.deepEqual((await surface(page)).ids.flat(), byCategory(result).flatMap((entries) => entries.slice(0, 1000).map((e) => e.id)));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('Attack surface of a model with no infrastructure: that table says so in a row, the others list their entries', { timeout: 120_000 }, async () => {
    const { page, problems } = await served.open('shop');
    await page.click('#tab-surface');
    const shown = await surface(page);
    const expected = byCategory(served.result('shop'));
    const none = SURFACE_CATEGORIES.indexOf('Infrastructure');
    assert.deepEqual(expected[none], []);
    assert.deepEqual(shown.ids, expected.map((entries) => entries.map((e) => e.id)));
    assert.deepEqual(shown.notes, expected.map((_, i) => (i === none ? ['None in the model.'] : [])));
    assert.ok(shown.ids.every((ids, i) => i === none || ids.length > 0));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a new analysis keeps the Coverage rows that show the same, and draws again the one that changed', { timeout: 300_000 }, async () => {
    const { page } = await served.open('large');
    await page.click('#tab-coverage');
    await drawn(page, '#panel-coverage');
    const row = (i: number) => `#panel-coverage tr[data-component="${result.coverage[i].component}"]`;
    // The elements' rows come before the flows': the last element's is far below the first slice.
    const far = result.elements.length - 1;
    const hold = () => page.evaluate(([a, b]) => { globalThis.webtablesRows = [document.querySelector(a), document.querySelector(b)]; }, [row(0), row(far)]);
    const same = () => page.evaluate(([a, b]) => [a, b].map((s, i) => document.querySelector(s) === (globalThis.webtablesRows as unknown[])[i]), [row(0), row(far)]);
    await hold();
    // The last element renamed in place: its row is drawn again, the first kept.
    const element = result.elements.find((e) => e.id === result.coverage[far].component)!;
    const text = await page.inputValue('#editor');
    const name = `name: ${element.name}`;
    const at = text.indexOf(name, text.split('\n').slice(0, element.loc.line - 1).join('\n').length) + name.length;
    await page.evaluate((offset) => {
      const editor = document.getElementById('editor')!;
      editor.focus();
      editor.setSelectionRange(offset, offset);
    }, at);
    await page.keyboard.insertText(' renamed');
    await page.waitForFunction(([s, renamed]) => document.querySelector(`${s} td.name`)?.textContent?.startsWith(renamed) === true,
      [row(far), `${element.name} renamed `], { timeout: 120_000 });
    await drawn(page, '#panel-coverage');
    assert.deepEqual(await same(), [true, false]);
    // A comment line at the top moves every element in the text, which no Coverage row shows: all are kept.
    await hold();
    await page.evaluate(() => {
      const editor = document.getElementById('editor')!;
      editor.focus();
      editor.setSelectionRange(0, 0);
    });
    await page.keyboard.insertText('# top\n');
    await page.click('#tab-surface');
    const first = result.attackSurface[0];
    await page.waitForFunction(([id, loc]) => document.querySelector(`#panel-surface tr[data-entry="${id}"] button.loc`)?.textContent === loc,
      [first.id, `${first.loc.line + 1}:${first.loc.col}`], { timeout: 120_000 });
    await page.click('#tab-coverage');
    await drawn(page, '#panel-coverage');
    assert.deepEqual(await same(), [true, true]);
    await page.close();
  });

  const threatIds = (page: Page) => attributes(page, '#threat-table tr.threat', 'data-id');

  it(`Threats, ?slice-rows=${SLICE}: 500 rows drawn in slices, which sorting orders and the filters narrow as before`, { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large', SLICE);
    await drawn(page, '#threat-table');
    assert.deepEqual(await threatIds(page), result.threats.slice(0, 500).map((x) => x.id));
    assert.deepEqual(await texts(page, '#threat-table tr.empty-row'), [`The first 500 are shown: filter to see the other ${result.threats.length - 500}.`]);

    // The sort button's click draws the first slice only, in place of the rows that were there (the others stay
    // until their slice comes); in the end the rows come in the title's order, then the reverse.
    const unsorted = result.threats.slice(0, 500).map((x) => x.id);
    assert.deepEqual(await clickAndSee(page, '#threat-table th[data-key="title"] button', '#threat-table', 'data-id'), {
      busy: true, rows: [...sortedBy(result.threats, (x) => x.title, 1).slice(0, SLICE).map((x) => x.id), ...unsorted.slice(SLICE)],
    });
    await drawn(page, '#threat-table');
    assert.equal(await page.getAttribute('#threat-table th[data-key="title"]', 'aria-sort'), 'ascending');
    assert.equal(await page.getAttribute('#threat-table th[data-key="id"]', 'aria-sort'), null);
    assert.deepEqual(await threatIds(page), sortedBy(result.threats, (x) => x.title, 1).slice(0, 500).map((x) => x.id));
    await page.click('#threat-table th[data-key="title"] button');
    await drawn(page, '#threat-table');
    assert.equal(await page.getAttribute('#threat-table th[data-key="title"]', 'aria-sort'), 'descending');
    assert.deepEqual(await threatIds(page), sortedBy(result.threats, (x) => x.title, -1).slice(0, 500).map((x) => x.id));

    // A text that some threats have: those alone, in the chosen order, and the count says how many.
    const q = result.threats.map((x) => x.componentName).find((name) => {
      const n = matching(result.threats, name).length;
      return n > 1 && n < 500;
    })!;
    const hits = sortedBy(matching(result.threats, q), (x) => x.title, -1);
    assert.ok(hits.length > 1 && hits.length < 500, q);
    await page.fill('#f-text', q);
    await drawn(page, '#threat-table');
    assert.deepEqual(await threatIds(page), hits.map((x) => x.id));
    assert.equal(await page.textContent('#threat-count'), `Showing ${hits.length} of ${result.threats.length} threats`);
    assert.deepEqual(await texts(page, '#threat-table tr.empty-row'), []);
    // A text none has: no threat row, a row that says so.
    await page.fill('#f-text', 'no such text anywhere');
    await drawn(page, '#threat-table');
    assert.deepEqual(await threatIds(page), []);
    assert.deepEqual(await texts(page, '#threat-table tr.empty-row'), ['No threat matches the filters.']);
    await page.click('.filters button');
    await drawn(page, '#threat-table');
    assert.equal((await threatIds(page)).length, 500);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('Threats: the keyboard opens and closes a threat far below the first slice and keeps the focus on it; find reaches the rows out of view', { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large');
    await drawn(page, '#threat-table');
    const threat = result.threats[450];
    const title = `#threat-table tr.threat[data-id="${threat.id}"] button.title`;
    await page.focus(title);
    await page.keyboard.press('Enter');
    await drawn(page, '#threat-table');
    const focused = () => page.evaluate(() => {
      const active = document.activeElement;
      return { id: active?.closest('tr')?.getAttribute('data-id'), expanded: active?.getAttribute('aria-expanded') };
    });
    assert.deepEqual(await focused(), { id: threat.id, expanded: 'true' });
    assert.equal(await page.locator(`#threat-table tr.threat[data-id="${threat.id}"] + tr.detail-row`).count(), 1);
    // Into its details and out again: the keyboard goes on from the title to the details' first control.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('class')), 'detail-row');
    await page.focus(title);
    await page.keyboard.press('Enter');
    await drawn(page, '#threat-table');
    assert.deepEqual(await focused(), { id: threat.id, expanded: 'false' });
    assert.equal(await page.locator('#threat-table tr.detail-row').count(), 0);

    // The stable id of a row out of view is found in the table; that of the 501st threat, not drawn, nowhere.
    assert.equal(await find(page, uidOf(result.threats[480])), 'panel-threats');
    assert.equal(await find(page, uidOf(result.threats[500])), undefined);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
