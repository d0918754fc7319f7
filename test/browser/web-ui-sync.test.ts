// The page of `threatmap serve` keeping step with the files on disk, in a real browser (Debian's Chromium
// through playwright-core) against the real server, each test on its own temp model: CRLF line endings and a
// BOM kept through edits and saves; a half-typed triage decision never silently overwriting one that arrived
// on disk; fix buttons only for real controls; the conflict banner following every change on disk; a model
// deleted while open written back, and one not there yet waited for or written; a file mixing line endings
// keeping them; a reload of the page; the keyboard focus kept across re-analyses; and a
// large model's structured edit worked out off the page's thread, with its progress shown.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, openServedPage, type PageDocument, type PageElement, servedSuite, type WatchedPage } from './chromium.js';
import { loadOrExit } from '../../src/cli/load.js';
import { applyModelEdit } from '../../src/model/edit.js';
import { generateModelText } from '../../src/model/generate.js';
import { isControlName } from '../../src/model/rule-conditions.js';
import type { RunningServer } from '../../src/server/server.js';
import { uidOf } from '../../src/track/triage.js';
import { replaceOnce } from '../helpers.js';

const skip = browserSkip('web UI sync browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;

const ORIGINAL = readFileSync('examples/ecommerce.yaml', 'utf8');
const NO_RATE_LIMIT = 'no-rate-limiting@api:/search';
const CLEARTEXT = 'cleartext-disclosure@lb';
/** What the browser logs for the answers a test provokes on purpose (a conflict, a file gone). */
const EXPECTED_STATUS = /Failed to load resource: the server responded with a status of (404|409)/;

interface Served {
  model: string;
  triage: string;
  server: RunningServer;
}

describe('the web UI follows the files on disk', { skip }, () => {
  // No model of the suite's own: each test serves its own (serve below).
  const suite = servedSuite('threatmap-web-sync-', {});
  let count = 0;

  /** A model of its own in a folder of its own, served (null: a model file not written yet). */
  async function serve(text: string | Buffer | null = ORIGINAL): Promise<Served> {
    const folder = join(suite.dir, `m${++count}`);
    mkdirSync(folder);
    const model = join(folder, 'shop.yaml');
    if (text !== null) writeFileSync(model, text);
    const server = await suite.serve({ model });
    return { model, triage: join(folder, 'shop.triage.yaml'), server };
  }

  /** The page open and its first analysis shown (or, for a model not there, `ready` shown). */
  const open = (served: Served, ready = '#threat-total'): Promise<WatchedPage> =>
    openServedPage(suite.browser, served.server.url, { ready, expected: EXPECTED_STATUS });

  const saveState = (page: Page) => page.getAttribute('#save-state', 'data-state');
  const bannerShown = (page: Page) => page.isVisible('#banner');
  const systemName = (page: Page, name: string) => page.waitForFunction(
    (n) => document.getElementById('system-name')!.textContent === n, name);
  /** The focused element's `data-focus` name and its threat's key. */
  const focused = (page: Page) => page.evaluate(`(() => { const a = document.activeElement;
    return a.id === 'editor' ? 'editor' : (a.closest('[data-key]')?.dataset.key ?? '') + ' ' + (a.dataset.focus ?? a.tagName); })()`) as Promise<string>;
  /** Types at the end of the editor, as a person would. */
  async function typeAtEnd(page: Page, text: string): Promise<void> {
    await page.locator('#editor').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(text);
    await page.waitForSelector('#save-state[data-state="dirty"]');
  }

  it('a CRLF model with a BOM opens saved, follows a change on disk, and a fix then Save keep every CRLF and the BOM', async () => {
    const crlf = `\ufeff${ORIGINAL.replace(/\n/g, '\r\n')}`;
    const served = await serve(crlf);
    const { page, problems } = await open(served);
    assert.equal(await saveState(page), 'saved');
    const changed = replaceOnce(crlf, 'name: Acme Shop', 'name: Acme Shop (CRLF)');
    writeFileSync(served.model, changed);
    await systemName(page, 'Acme Shop (CRLF)');
    assert.equal(await saveState(page), 'saved');
    assert.equal(await bannerShown(page), false);
    await page.locator(`tr.threat[data-key="${NO_RATE_LIMIT}"] button.title`).click();
    await page.locator('.detail button.fix', { hasText: 'Add rate-limiting' }).click();
    // Worked out in the page's worker: the threat goes once the control is in the editor.
    await page.locator(`tr.threat[data-key="${NO_RATE_LIMIT}"]`).waitFor({ state: 'detached' });
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    const saved = readFileSync(served.model, 'utf8');
    const expected = applyModelEdit(changed, { op: 'add-control', target: { endpoint: 'api:/search' }, control: 'rate-limiting' });
    assert.ok('text' in expected);
    assert.equal(saved, expected.text);
    assert.ok(saved.startsWith('\ufeff'));
    assert.equal(/[^\r]\n/.test(saved), false, 'no line ends in a bare LF');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('an LF model stays LF, with no BOM, when saved', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await typeAtEnd(page, '# reviewed\n');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(served.model, 'utf8'), `${ORIGINAL}# reviewed\n`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a half-typed decision meets a decision that arrived on disk: theirs is shown, Save asks first, nothing the user did not clear is removed', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    const threat = loadOrExit(served.model, { quiet: true }).result.threats.find((t) => t.key === CLEARTEXT)!;
    await page.locator(`tr.threat[data-key="${CLEARTEXT}"] button.title`).click();
    await page.fill('#triage-reason', 'my draft reason');
    const theirs = `threatmap-triage: 1\nthreats:\n  ${uidOf(threat)}:\n    status: accepted\n    reason: teammate decided\n    owner: bob\n    ticket: SEC-1\n`;
    writeFileSync(served.triage, theirs);
    await page.waitForSelector(`tr.threat[data-key="${CLEARTEXT}"] .status-accepted`);
    const changed = page.locator('.decision-changed');
    await changed.waitFor();
    assert.match(await changed.textContent() ?? '', /Theirs: accepted, reason "teammate decided", owner "bob", ticket "SEC-1"\..*keeps what you typed \(reason\)/);
    const form = async () => Promise.all(['status', 'reason', 'owner', 'ticket'].map((f) => page.inputValue(`#triage-${f}`)));
    assert.deepEqual(await form(), ['accepted', 'my draft reason', 'bob', 'SEC-1']);
    // Save before choosing: refused, the file as the teammate wrote it.
    await page.click('form.triage button[type="submit"]');
    assert.match(await page.textContent('.detail-note') ?? '', /^Not saved: the decision changed in the triage file meanwhile/);
    assert.equal(readFileSync(served.triage, 'utf8'), theirs);
    // Typed on after the note came, then kept.
    await page.fill('#triage-ticket', 'SEC-2');
    await page.click('.decision-changed button:has-text("Keep my changes")');
    assert.equal(await changed.count(), 0);
    assert.deepEqual(await form(), ['accepted', 'my draft reason', 'bob', 'SEC-2']);
    await page.click('form.triage button[type="submit"]');
    await page.waitForSelector('.detail-note:has-text("Decision saved.")');
    assert.match(readFileSync(served.triage, 'utf8'), /status: accepted\n {4}reason: my draft reason\n {4}owner: bob\n {4}ticket: SEC-2\n/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('"Use theirs" drops the draft, and Save then removes only the field the user empties; a decision unchanged on disk keeps the draft with no question', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    const threat = loadOrExit(served.model, { quiet: true }).result.threats.find((t) => t.key === CLEARTEXT)!;
    await page.locator(`tr.threat[data-key="${CLEARTEXT}"] button.title`).click();
    await page.fill('#triage-owner', 'me');
    // Another threat's decision: this draft's decision did not change.
    writeFileSync(served.triage, 'threatmap-triage: 1\nthreats:\n  no-rate-limiting@api:/search:\n    status: accepted\n');
    await page.waitForSelector(`tr.threat[data-key="${NO_RATE_LIMIT}"] .status-accepted`);
    assert.equal(await page.locator('.decision-changed').count(), 0);
    assert.equal(await page.inputValue('#triage-owner'), 'me');
    writeFileSync(served.triage, `threatmap-triage: 1\nthreats:\n  ${uidOf(threat)}:\n    status: mitigating\n    owner: carol\n`);
    await page.locator('.decision-changed').waitFor();
    await page.click('.decision-changed button:has-text("Use theirs")');
    assert.equal(await page.locator('.decision-changed').count(), 0);
    assert.deepEqual([await page.inputValue('#triage-status'), await page.inputValue('#triage-owner')], ['mitigating', 'carol']);
    // A field the user empties is removed; the others stay as theirs.
    await page.fill('#triage-owner', '');
    await page.click('form.triage button[type="submit"]');
    await page.waitForSelector('.detail-note:has-text("Decision saved.")');
    const written = readFileSync(served.triage, 'utf8');
    assert.match(written, /status: mitigating\n/);
    assert.doesNotMatch(written, /owner/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('offers as buttons only controls of the catalogue; the other ways to mitigate are advice', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await page.locator(`tr.threat[data-key="${CLEARTEXT}"] button.title`).click();
    assert.equal(await page.locator('.detail button.fix').count(), 0);
    assert.match(await page.textContent('.detail .fixes .advice') ?? '', /use an encrypted protocol/);
    const offered: string[] = [];
    for (const key of await page.locator('tr.threat').evaluateAll((rows) => rows.map((r) => (r as unknown as PageElement).dataset.key))) {
      await page.locator(`tr.threat[data-key="${key}"] button.title`).click();
      for (const text of await page.locator('.detail button.fix').allTextContents()) offered.push(/^Add (\S+) to /.exec(text)![1]);
    }
    assert.ok(offered.includes('rate-limiting'));
    assert.deepEqual(offered.filter((c) => !isControlName(c)), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('keeps the note of a fix in the header when the threat leaves the table, until the model is saved', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await page.locator(`tr.threat[data-key="${NO_RATE_LIMIT}"] button.title`).click();
    await page.locator('.detail button.fix', { hasText: 'Add rate-limiting' }).click();
    await page.locator(`tr.threat[data-key="${NO_RATE_LIMIT}"]`).waitFor({ state: 'detached' });
    assert.equal(await page.textContent('#edit-note'), 'Added rate-limiting to API servers /search in the editor: save the model to keep it.');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(await page.textContent('#edit-note'), '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('the conflict banner follows the file: it goes when the file is back as the editor\'s base, and then Save works', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await typeAtEnd(page, '# mine\n');
    writeFileSync(served.model, replaceOnce(ORIGINAL, 'name: Acme Shop', 'name: Acme Shop X'));
    await page.waitForSelector('#banner:not([hidden])');
    writeFileSync(served.model, ORIGINAL);
    await page.waitForSelector('#banner', { state: 'hidden' });
    assert.equal(await page.locator('#banner-actions button').count(), 0);
    assert.equal(await saveState(page), 'dirty');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(served.model, 'utf8'), `${ORIGINAL}# mine\n`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('"Load theirs" loads the latest file on disk, not the one the banner first showed', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await typeAtEnd(page, '# mine\n');
    writeFileSync(served.model, replaceOnce(ORIGINAL, 'name: Acme Shop', 'name: Acme Shop X'));
    await page.waitForSelector('#banner:not([hidden])');
    const latest = replaceOnce(ORIGINAL, 'name: Acme Shop', 'name: Acme Shop Y');
    writeFileSync(served.model, latest);
    // The banner stays (still a conflict) while the page catches up with the second change.
    await page.waitForTimeout(600);
    await page.click('#banner-actions button:has-text("Load theirs")');
    await systemName(page, 'Acme Shop Y');
    assert.equal(await page.inputValue('#editor'), latest);
    assert.equal(await saveState(page), 'saved');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a model deleted while open: the banner offers to write the editor\'s text back, and goes when the file is back', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    unlinkSync(served.model);
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await page.textContent('#banner-text') ?? '', /no longer on disk/);
    writeFileSync(served.model, ORIGINAL);
    await page.waitForSelector('#banner', { state: 'hidden' });
    assert.equal(await saveState(page), 'saved');

    unlinkSync(served.model);
    await page.waitForSelector('#banner:not([hidden])');
    await typeAtEnd(page, '# mine\n');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="error"]');
    assert.equal(existsSync(served.model), false);
    await page.click('#banner-actions button:has-text("re-create the file")');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(served.model, 'utf8'), `${ORIGINAL}# mine\n`);
    assert.equal(await bannerShown(page), false);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a model not there when the page opens: the banner says so, and the page opens the file once it appears', async () => {
    const served = await serve(null);
    const { page, problems } = await open(served, '#banner:not([hidden])');
    assert.match(await page.textContent('#banner-text') ?? '', /does not exist yet/);
    assert.equal(await page.textContent('#model-file'), served.model);
    assert.equal(await page.inputValue('#editor'), '');
    writeFileSync(served.model, ORIGINAL);
    await page.waitForSelector('#threat-total');
    await page.waitForSelector('#banner', { state: 'hidden' });
    assert.equal(await page.inputValue('#editor'), ORIGINAL);
    assert.equal(await saveState(page), 'saved');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a model not there when the page opens, written in the page: Save creates the file', async () => {
    const served = await serve(null);
    const { page, problems } = await open(served, '#banner:not([hidden])');
    await page.locator('#editor').fill('threatmap: 1\nsystem: { name: New }\nelements:\n  api: { tech: node }\n');
    await systemName(page, 'New');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(served.model, 'utf8'), 'threatmap: 1\nsystem: { name: New }\nelements:\n  api: { tech: node }\n');
    assert.equal(await bannerShown(page), false);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a model that mixes CRLF and LF: a fix then Save keep each line\'s ending, the fix\'s lines taking their neighbours\'', async () => {
    // CRLF up to the `api` element's endpoints, LF after.
    const cut = ORIGINAL.indexOf('      /search:');
    const mixed = ORIGINAL.slice(0, cut).replace(/\n/g, '\r\n') + ORIGINAL.slice(cut);
    const served = await serve(mixed);
    const { page, problems } = await open(served);
    await page.locator(`tr.threat[data-key="${NO_RATE_LIMIT}"] button.title`).click();
    await page.locator('.detail button.fix', { hasText: 'Add rate-limiting' }).click();
    await page.locator(`tr.threat[data-key="${NO_RATE_LIMIT}"]`).waitFor({ state: 'detached' });
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    const expected = applyModelEdit(mixed, { op: 'add-control', target: { endpoint: 'api:/search' }, control: 'rate-limiting' });
    assert.ok('text' in expected);
    assert.equal(readFileSync(served.model, 'utf8'), expected.text);
    // A second save of a change typed at the end: the lines above keep theirs still.
    await typeAtEnd(page, '# reviewed\n');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(served.model, 'utf8'), `${expected.text}# reviewed\n`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a reload keeps working in the same tab, the token still out of the address; another tab without it is told what to open', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await page.reload();
    await page.waitForSelector('#threat-total');
    assert.equal(await bannerShown(page), false);
    assert.equal(new URL(page.url()).hash, '');
    const other = await suite.browser.newPage();
    await other.goto(new URL(served.server.url).origin + '/');
    await other.waitForSelector('#banner:not([hidden])');
    assert.match(await other.textContent('#banner-text') ?? '', /needs the address that `threatmap serve` printed/);
    assert.deepEqual(problems, []);
    await other.close();
    await page.close();
  });

  it('keeps the keyboard focus on the same control across a re-analysis: a threat\'s title, Save decision', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await page.locator(`tr.threat[data-key="${CLEARTEXT}"] button.title`).focus();
    writeFileSync(served.model, replaceOnce(ORIGINAL, 'name: Acme Shop', 'name: Acme Shop 2'));
    await systemName(page, 'Acme Shop 2');
    assert.equal(await focused(page), `${CLEARTEXT} title`);

    await page.keyboard.press('Enter');
    await page.selectOption('#triage-status', 'accepted');
    await page.locator('form.triage button[type="submit"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`tr.threat[data-key="${CLEARTEXT}"] .status-accepted`);
    assert.equal(await focused(page), `${CLEARTEXT} triage-save`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('works out a large model\'s edit in the worker: the page shows its progress meanwhile, the editor read-only, and then the edit', { timeout: 180_000 }, async () => {
    const big = generateModelText({ elements: 1000, seed: 1, format: 'yaml' });
    const served = await serve(big);
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(served.server.url);
    await page.waitForSelector('#threat-total', { timeout: 120_000 });
    await page.click('#add-element');
    await page.fill('#new-element-id', 'zz-new');
    await page.fill('#new-element-tech', 'node');
    await page.click('#add-element-dialog button[type="submit"]');
    // Seen only if the page's thread is free while the edit is made: a timer puts it there, and the test reads it.
    await page.waitForSelector('#edit-note:has-text("Making the change in the model…")', { timeout: 60_000 });
    assert.equal(await page.getAttribute('#editor', 'readonly'), '');
    assert.equal(await page.getAttribute('#editor', 'aria-busy'), 'true');
    await page.waitForSelector('#add-element-dialog', { state: 'hidden', timeout: 60_000 });
    assert.equal(await page.textContent('#edit-note'), 'Added element zz-new in the editor: save the model to keep it.');
    assert.equal(await page.getAttribute('#editor', 'readonly'), null);
    const expected = applyModelEdit(big, { op: 'add-element', id: 'zz-new', fields: { tech: 'node' } });
    assert.ok('text' in expected);
    assert.equal(await page.inputValue('#editor'), expected.text);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('leaves the focus in the editor when typing there re-analyses the model', async () => {
    const served = await serve();
    const { page, problems } = await open(served);
    await page.locator(`tr.threat[data-key="${CLEARTEXT}"] button.title`).click();
    const [line, col] = (await page.textContent('.detail button.loc') ?? '').split(':').map(Number);
    await page.locator('#editor').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('# a note\n');
    // The re-analysis shown: the open details' first place in the model a line lower.
    await page.waitForFunction((moved) => document.querySelector('.detail button.loc')?.textContent === moved, `${line + 1}:${col}`);
    assert.equal(await focused(page), 'editor');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
