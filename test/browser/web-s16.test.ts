// The page of `threatmap serve`: a save keeps every unchanged line's own line ending in a file that mixes
// CRLF and LF, whatever was changed around it (web/text-form.ts, without a browser); and, in a real browser
// (Debian's Chromium through playwright-core), the Diagram tab of a large model draws all its rows in slices,
// held in bodies of 50 (web/structure.ts ROW_GROUPS); `?slice-rows=N` (web/dom.ts) makes what the first slice
// holds the same on any machine. Timings are printed, never asserted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, drawn, longTasks, observeLongTasks, type PageDocument, type PageElement, type PageGlobals, type PageWindow, servedSuite, typeAt } from './chromium.js';
import { generateModelText } from '../../src/model/generate.js';
import { diskForm, editorForm, formOf } from '../../web/text-form.js';

const skip = browserSkip('web UI s16 browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;
declare const window: PageWindow;
declare const globalThis: PageGlobals;
declare const requestAnimationFrame: (callback: (time: number) => void) => number;

/** Rows in a body of the Diagram tab's tables (web/structure.ts ROW_GROUPS), and drawn at most per list (MAX_ROWS). */
const GROUP = 50;
const MAX_ROWS = 1000;

/** The sizes of the bodies `count` rows fill, GROUP at a time. */
const groupsOf = (count: number): number[] =>
  Array.from({ length: Math.ceil(count / GROUP) }, (_, i) => Math.min(GROUP, count - i * GROUP));

/** The rows of a list of `count` items: at most MAX_ROWS, then a note of how many more there are. */
const listRows = (count: number): number => Math.min(count, MAX_ROWS) + (count > MAX_ROWS ? 1 : 0);

/** The text saved after the editor's text of `file` became `edit(editor text)`. */
const saved = (file: string, edit: (text: string) => string): string => diskForm(edit(editorForm(file)), formOf(file));

/** A file of `count` lines `key-N: N`, the breaks after them cycling through `pattern` (1: CRLF, 0: LF). */
function mixedFile(count: number, pattern: readonly number[]): { lines: string[]; breaks: string[] } {
  const lines = Array.from({ length: count }, (_, i) => `key-${i}: ${i}`);
  return { lines, breaks: lines.map((_, i) => (pattern[i % pattern.length] ? '\r\n' : '\n')) };
}

const joined = (f: { lines: readonly string[]; breaks: readonly string[] }): string => f.lines.map((l, i) => l + f.breaks[i]).join('');

describe('the page\'s save in a file that mixes line endings', () => {
  const file = mixedFile(60, [1, 0, 0, 1, 1, 0, 1]);
  const text = joined(file);

  it('two changes far apart: every line between and around them keeps its own ending, byte for byte', () => {
    // A line added after line 3 (an LF line) and line 50 (CRLF) changed in place: the lines between shift by one.
    const out = saved(text, (t) => t.replace('key-3: 3\n', 'key-3: 3\nadded: 1\n').replace('key-50: 50\n', 'key-50: changed\n'));
    const expected = { lines: [...file.lines], breaks: [...file.breaks] };
    expected.lines.splice(4, 0, 'added: 1');
    expected.breaks.splice(4, 0, file.breaks[3]);
    expected.lines[51] = 'key-50: changed';
    assert.equal(out, joined(expected));
    // Every unchanged line, found by its text, with the ending it had.
    const outLines = out.split(/(?<=\n)/);
    for (let i = 0; i < file.lines.length; i++) {
      if (i === 50) continue;
      assert.ok(outLines.includes(file.lines[i] + file.breaks[i]), `line ${i + 1} keeps ${JSON.stringify(file.breaks[i])}`);
    }
  });

  it('a line removed near the top and another added near the end: the lines between keep theirs', () => {
    const out = saved(text, (t) => t.replace('key-2: 2\n', '').replace('key-55: 55\n', 'key-55: 55\nnew: x\n'));
    const expected = { lines: [...file.lines], breaks: [...file.breaks] };
    expected.lines.splice(56, 0, 'new: x');
    expected.breaks.splice(56, 0, file.breaks[55]);
    expected.lines.splice(2, 1);
    expected.breaks.splice(2, 1);
    assert.equal(out, joined(expected));
  });

  it('a stretch replaced by more lines: they take the replaced lines\' endings in turn, then the one before', () => {
    const out = saved(text, (t) => t.replace('key-10: 10\nkey-11: 11\n', 'ten\neleven\nextra\n'));
    const expected = { lines: [...file.lines], breaks: [...file.breaks] };
    expected.lines.splice(10, 2, 'ten', 'eleven', 'extra');
    expected.breaks.splice(10, 2, file.breaks[10], file.breaks[11], file.breaks[11]);
    assert.equal(out, joined(expected));
  });

  it('random edits (seeded): every line the editor left alone keeps its own ending', () => {
    let seed = 16;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let trial = 0; trial < 40; trial++) {
      const f = mixedFile(80 + next(40), [next(2), next(2), 1, 0, next(2)]);
      const lines = [...f.lines];
      for (let e = 0; e < 1 + next(5); e++) {
        const at = next(lines.length);
        const kind = next(3);
        if (kind === 0) lines.splice(at, 1);
        else if (kind === 1) lines.splice(at, 0, `added-${trial}-${e}`);
        else lines[at] = `changed-${trial}-${e}`;
      }
      const out = saved(joined(f), () => `${lines.join('\n')}\n`).split(/(?<=\n)/);
      const kept = new Set(lines);
      for (let i = 0; i < f.lines.length; i++) {
        if (kept.has(f.lines[i])) assert.ok(out.includes(f.lines[i] + f.breaks[i]), `trial ${trial}, line ${i + 1}`);
      }
    }
  });

  it('a text with no line in common with the file: its lines take the file\'s endings in order, past the diff\'s limit too', () => {
    for (const count of [60, 1500]) {
      const big = mixedFile(count, [1, 0, 0, 1, 1, 0, 1]);
      const other = { lines: big.lines.map((_, i) => `other-${i}`), breaks: big.breaks };
      assert.equal(saved(joined(big), () => editorForm(joined(other))), joined(other), `${count} lines`);
    }
  });

  it('a file all LF stays LF-only, and all CRLF CRLF-only, with the same two changes', () => {
    const edit = (t: string) => t.replace('key-3: 3\n', 'key-3: 3\nadded: 1\n').replace('key-50: 50\n', 'key-50: changed\n');
    const lf = joined(mixedFile(60, [0]));
    const crlf = joined(mixedFile(60, [1]));
    assert.equal(formOf(lf).mixed, undefined);
    assert.equal(saved(lf, edit), edit(lf));
    assert.ok(!saved(lf, edit).includes('\r'));
    assert.equal(saved(crlf, edit), edit(editorForm(crlf)).replace(/\n/g, '\r\n'));
  });
});

describe('the page of a large model and of a file that mixes line endings, in a browser', { skip }, () => {
  // A model whose lines end in CRLF and LF by turns, in blocks: the two edits below are 40 lines apart.
  const MIXED = readFileSync('examples/ecommerce.yaml', 'utf8').split('\n').map((l, i, all) => (i === all.length - 1 ? l : l + (Math.floor(i / 3) % 2 ? '\r\n' : '\n'))).join('');
  // One element past the lists' MAX_ROWS: the most a list draws, and its note row, are reached there, and every
  // element more only lengthens each analysis of the page's worker.
  const served = servedSuite('threatmap-web-s16-', { large: generateModelText({ elements: MAX_ROWS + 1, seed: 1 }), mixed: MIXED });

  /** For each of the Diagram tab's tables: the number of rows in each of its bodies, and whether every body is a row group. */
  const bodies = (page: Page) => page.evaluate(() => Array.from(document.querySelectorAll('#structure table'), (table) => {
    const groups = Array.from(table.querySelectorAll(':scope > tbody'));
    return { sizes: groups.map((g) => g.children.length), rowgroups: groups.every((g) => g.getAttribute('role') === 'rowgroup') };
  }));

  /** Records the time between frames from now until the Diagram tab's last slice is drawn (printed, never asserted). */
  const observeFrames = (page: Page) => page.evaluate(() => {
    const gaps: number[] = [];
    globalThis.s16Frames = gaps;
    let last = performance.now();
    let begun = false;
    // In an array, not a named const: tsx names such functions with a helper the page does not have.
    const frame = [(now: number): void => {
      const busy = document.getElementById('structure')!.hasAttribute('aria-busy');
      begun ||= busy;
      if (begun) gaps.push(now - last);
      last = now;
      if (busy || !begun) requestAnimationFrame(frame[0]);
    }];
    requestAnimationFrame(frame[0]);
  });

  /** The frames recorded by observeFrames: how many, their median and longest gap (ms). */
  const frames = async (page: Page): Promise<string> => {
    const gaps = [...(await page.evaluate(() => globalThis.s16Frames as number[]))].sort((a, b) => a - b);
    if (gaps.length === 0) return 'none (every row drawn in the click\'s own task)';
    return `${gaps.length} frames, median ${Math.round(gaps[Math.floor(gaps.length / 2)])}, longest ${Math.round(gaps[gaps.length - 1])}`;
  };

  /** The Diagram tab's lists once every row is drawn: the ids of their rows, and their note rows' text. */
  async function listed(page: Page): Promise<{ elements: string[]; flows: string[]; notes: string[] }> {
    await drawn(page, '#structure');
    return page.evaluate(() => ({
      elements: Array.from(document.querySelectorAll('#structure tr[data-element]'), (r) => r.getAttribute('data-element')!),
      flows: Array.from(document.querySelectorAll('#structure tr[data-flow]'), (r) => r.getAttribute('data-flow')!),
      notes: Array.from(document.querySelectorAll('#structure tr.empty-row'), (r) => r.textContent!),
    }));
  }

  it('1,001 elements: the Diagram tab draws its lists a slice at a time, every row in the end, reached by the keyboard and by find', { timeout: 300_000 }, async (t) => {
    const { page, problems } = await served.open('large');
    const result = served.result('large');
    await observeLongTasks(page);
    await observeFrames(page);
    // Under the real 10 ms slices: what the click's own task draws depends on the machine (asserted under
    // ?slice-rows below), the rest comes after it.
    await page.click('#tab-diagram');
    const lists = await listed(page);
    assert.deepEqual(lists.elements, result.elements.slice(0, 1000).map((e) => e.id));
    assert.deepEqual(lists.flows, result.flows.slice(0, 1000).map((f) => f.id));
    assert.deepEqual(lists.notes, [`The first 1000 of ${result.elements.length} are shown.`, `The first 1000 of ${result.flows.length} are shown.`,
      'No threat is written in the model: Add threat writes one.']);
    t.diagnostic(`long tasks after opening the Diagram tab (ms): ${await longTasks(page)}`);
    t.diagnostic(`frames while the Diagram tab's rows are drawn: ${await frames(page)}`);

    // Far below the view (not laid out until needed): the keyboard goes from a row's Remove to the next row's place, which goes to it in the editor.
    const last = result.elements[999];
    await page.focus(`#structure tr[data-element="${result.elements[998].id}"] button.remove`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), `${last.loc.line}:${last.loc.col}`);
    await page.keyboard.press('Enter');
    const caret = await page.evaluate(() => (document.getElementById('editor') as PageElement).selectionStart);
    const text = readFileSync(served.file('large'), 'utf8');
    assert.equal(text.slice(0, caret).split('\n').length, last.loc.line);
    // Find in the page reaches the rows out of view too.
    assert.equal(await page.evaluate((id) => window.find(id), result.flows[990].id), true);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('?slice-rows=7: the click draws the first 7 elements only; in the end every list\'s rows are in bodies of 50, in order', { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('large', 7);
    const result = served.result('large');
    const seen = await page.evaluate(() => {
      document.getElementById('tab-diagram')!.click();
      return {
        busy: document.getElementById('structure')!.hasAttribute('aria-busy'),
        elements: Array.from(document.querySelectorAll('#structure tr[data-element]'), (r) => r.getAttribute('data-element')!),
        flows: document.querySelectorAll('#structure tr[data-flow]').length,
      };
    });
    assert.deepEqual(seen, { busy: true, elements: result.elements.slice(0, 7).map((e) => e.id), flows: 0 });
    const lists = await listed(page);
    assert.deepEqual(lists.elements, result.elements.slice(0, MAX_ROWS).map((e) => e.id));
    assert.deepEqual(lists.flows, result.flows.slice(0, MAX_ROWS).map((f) => f.id));
    assert.ok(result.elements.length > MAX_ROWS && result.flows.length > MAX_ROWS);
    // A thousand rows and the note: 21 bodies, the note alone in the last; no written threat: one body, its note.
    assert.deepEqual(await bodies(page), [
      { sizes: groupsOf(listRows(result.elements.length)), rowgroups: true },
      { sizes: groupsOf(listRows(result.flows.length)), rowgroups: true },
      { sizes: [1], rowgroups: true },
    ]);
    assert.equal(groupsOf(listRows(result.elements.length)).length, 21);
    assert.deepEqual(await page.evaluate(() => Array.from(document.querySelectorAll('#structure table.elements > tbody:last-of-type > tr'), (r) => r.getAttribute('class'))), ['empty-row']);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a small model: one body a list, fewer rows than a slice of 200, and the click draws them all at once', { timeout: 120_000 }, async () => {
    const { page, problems } = await served.open('mixed', 200);
    const shop = served.result('mixed');
    assert.ok(shop.elements.length < GROUP && shop.flows.length < GROUP);
    assert.equal(await page.evaluate(() => {
      document.getElementById('tab-diagram')!.click();
      return document.getElementById('structure')!.hasAttribute('aria-busy');
    }), false);
    assert.deepEqual(await bodies(page), [
      { sizes: [shop.elements.length], rowgroups: true },
      { sizes: [shop.flows.length], rowgroups: true },
      { sizes: [1], rowgroups: true },
    ]);
    assert.deepEqual((await listed(page)).elements, shop.elements.map((e) => e.id));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a new analysis keeps the rows that show the same, and redraws those that changed', { timeout: 300_000 }, async () => {
    const { page } = await served.open('large');
    const result = served.result('large');
    await page.click('#tab-diagram');
    await listed(page);
    const row = (i: number) => `#structure tr[data-element="${result.elements[i].id}"]`;
    await page.evaluate(([a, b]) => { globalThis.s16Rows = [document.querySelector(a), document.querySelector(b)]; }, [row(0), row(999)]);
    const same = () => page.evaluate(([a, b]) => [a, b].map((sel, i) => document.querySelector(sel) === (globalThis.s16Rows as unknown[])[i]), [row(0), row(999)]);
    // The 1000th element renamed in place: its row alone is drawn again, the others are kept as they were.
    const text = await page.inputValue('#editor');
    const last = result.elements[999];
    const at = text.indexOf(`name: ${last.name}`, text.split('\n').slice(0, last.loc.line - 1).join('\n').length) + `name: ${last.name}`.length;
    await typeAt(page, at, ' renamed');
    await page.waitForFunction((sel) => document.querySelector(`${sel} strong`)?.textContent?.endsWith(' renamed') === true, row(999), { timeout: 120_000 });
    await listed(page);
    assert.deepEqual(await same(), [true, false]);
    // A line at the top moves every element: each row is drawn again, at its new line.
    await typeAt(page, 0, '# top\n');
    const moved = `${result.elements[0].loc.line + 1}:${result.elements[0].loc.col}`;
    await page.waitForFunction(([sel, m]) => document.querySelector(`${sel} button.loc`)?.textContent === m, [row(0), moved], { timeout: 120_000 });
    await listed(page);
    assert.deepEqual(await same(), [false, false]);
    await page.close();
  });

  it('a save of two far-apart changes in a file that mixes line endings keeps every other line\'s own', { timeout: 120_000 }, async () => {
    const { page } = await served.open('mixed');
    const shown = await page.inputValue('#editor');
    assert.equal(shown, MIXED.replace(/\r\n/g, '\n'));
    const lines = shown.split('\n');
    // A comment line added near the top, and one further down changed in place.
    const edited = [...lines.slice(0, 2), '# added in the page', ...lines.slice(2, 42), `${lines[42]} # changed`, ...lines.slice(43)].join('\n');
    await page.fill('#editor', edited);
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]', { timeout: 60_000 });
    const fileLines = MIXED.split(/(?<=\n)/);
    const expected = [...fileLines.slice(0, 2), `# added in the page${fileLines[1].endsWith('\r\n') ? '\r\n' : '\n'}`, ...fileLines.slice(2, 42),
      fileLines[42].replace(/(\r?\n)$/, ' # changed$1'), ...fileLines.slice(43)].join('');
    assert.equal(readFileSync(served.file('mixed'), 'utf8'), expected);
    await page.close();
  });
});
