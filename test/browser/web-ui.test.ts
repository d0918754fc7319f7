// The page of `threatmap serve` in a real browser (Debian's Chromium, driven by playwright-core), against
// the real server in-process on temp copies of the models: it opens with no console errors and no requests
// elsewhere, shows the CLI's count of threats, re-analyses as the text is edited, points at syntax errors,
// adds a control from a threat's details, saves without losing a comment, writes triage decisions, follows
// outside changes, draws the diagram, and runs nothing from a model whose names are script and image
// payloads. Skipped when Chromium is absent, unless THREATMAP_BROWSER_TESTS=1 (CI), where that is a failure.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { activeContent, browserSkip, openServedPage, type PageDocument, type PageElement, type PageWindow, servedSuite, type WatchedPage } from './chromium.js';
import { loadOrExit } from '../../src/cli/load.js';
import { loadModel } from '../../src/model/load.js';
import type { RunningServer } from '../../src/server/server.js';
import { defaultTriagePath } from '../../src/track/triage.js';
import { replaceOnce } from '../helpers.js';

const skip = browserSkip('web UI browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;
declare const window: PageWindow;

const ORIGINAL = readFileSync('examples/ecommerce.yaml', 'utf8');
const SEARCH_LINE = '      /search:   { public: true, returns: [catalog] }       # no rate limiting';
const NO_RATE_LIMIT = 'no-rate-limiting@api:/search';

describe('the web UI of threatmap serve in Chromium', { skip }, () => {
  const served = servedSuite('threatmap-web-', { shop: ORIGINAL });
  let dir: string;
  let shop: string;
  let shopTriage: string;
  before(() => { dir = served.dir; shop = served.file('shop'); shopTriage = defaultTriagePath(shop); });

  const open = (on: RunningServer = served.server('shop')): Promise<WatchedPage> => openServedPage(served.browser, on.url);

  const threatRows = (page: Page, key: string) => page.locator(`tr.threat[data-key="${key}"]`);
  const total = async (page: Page) => Number(await page.textContent('#threat-total'));

  it('opens with no console errors and no requests elsewhere, the token out of the address, and the CLI\'s threat count', async () => {
    const { page, problems, elsewhere } = await open();
    const cli = loadOrExit(shop, { quiet: true }).result;
    assert.equal(await total(page), cli.threats.length);
    assert.equal(await page.textContent('#system-name'), cli.system.name);
    assert.equal(await page.locator('tr.threat').count(), cli.threats.length);
    assert.equal(new URL(page.url()).hash, '', 'the token is removed from the address bar');
    assert.equal(await page.getAttribute('#save-state', 'data-state'), 'saved');
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    await page.close();
  });

  it('re-analyses as the text changes: rate limiting on /search removes its threat', async () => {
    const { page, problems } = await open();
    const before = await total(page);
    assert.equal(await threatRows(page, NO_RATE_LIMIT).count(), 1);
    await page.fill('#editor', replaceOnce(ORIGINAL, SEARCH_LINE, SEARCH_LINE.replace('returns: [catalog]', 'returns: [catalog], controls: [rate-limiting]')));
    await threatRows(page, NO_RATE_LIMIT).waitFor({ state: 'detached' });
    assert.equal(await total(page), before - 1);
    assert.equal(await page.getAttribute('#save-state', 'data-state'), 'dirty');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows a syntax error with its line, greys the last result, and a click on it moves the caret there', async () => {
    const { page, problems } = await open();
    const broken = replaceOnce(ORIGINAL, SEARCH_LINE, '      /search:   { public: true, returns: [catalog]');
    const expected = loadModel(broken, shop).diagnostics.find((d) => d.severity === 'error')!;
    await page.fill('#editor', broken);
    const first = page.locator('#diagnostics .diag.error button').first();
    await first.waitFor();
    assert.equal(await first.locator('.loc').textContent(), `${expected.line}:${expected.col}`);
    assert.equal(await page.isVisible('#stale-note'), true);
    assert.equal(await page.locator('#views.stale').count(), 1);
    await first.click();
    const lines = broken.split('\n');
    const offset = lines.slice(0, expected.line - 1).reduce((n, l) => n + l.length + 1, 0) + expected.col - 1;
    assert.equal(await page.$eval('#editor', (el) => (el as unknown as PageElement).selectionStart), offset);
    assert.equal(await page.evaluate(() => document.activeElement!.id), 'editor');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('adds a control from the threat\'s details, and saves the file with every comment kept', async () => {
    const { page, problems } = await open();
    await threatRows(page, NO_RATE_LIMIT).locator('button.title').click();
    const add = page.locator('.detail button.fix', { hasText: 'Add rate-limiting to API servers /search' });
    await add.click();
    await threatRows(page, NO_RATE_LIMIT).waitFor({ state: 'detached' });
    const edited = await page.inputValue('#editor');
    assert.match(edited, /\/search: {3}\{ public: true, returns: \[catalog\], controls: \[rate-limiting\] \} {7}# no rate limiting/);
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    const saved = readFileSync(shop, 'utf8');
    assert.equal(saved, edited);
    const comments = (text: string) => text.split('\n').filter((l) => l.includes('#')).map((l) => l.slice(l.indexOf('#')));
    assert.deepEqual(comments(saved), comments(ORIGINAL));
    assert.equal(loadOrExit(shop, { quiet: true }).result.threats.some((t) => t.key === NO_RATE_LIMIT), false);
    assert.deepEqual(problems, []);
    await page.close();
    writeFileSync(shop, ORIGINAL);
  });

  it('writes a triage decision to the triage file', async () => {
    const { page, problems } = await open();
    const key = 'cleartext-tampering@lb';
    const threat = loadOrExit(shop, { quiet: true }).result.threats.find((t) => t.key === key)!;
    await threatRows(page, key).locator('button.title').click();
    await page.selectOption('#triage-status', 'accepted');
    await page.fill('#triage-reason', 'TLS inside the VPC is planned');
    await page.fill('#triage-expires', '2099-12-31');
    await page.click('form.triage button[type="submit"]');
    await page.waitForSelector(`tr.threat[data-key="${key}"] .status-accepted`);
    const text = readFileSync(shopTriage, 'utf8');
    assert.match(text, new RegExp(`${threat.uid}:\\n {4}threat: .*\\(${key}\\)"?\\n {4}status: accepted\\n {4}reason: TLS inside the VPC is planned\\n {4}expires: 2099-12-31`));
    assert.equal(await page.textContent('.detail-note'), 'Decision saved.');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('reloads a clean editor when the file changes on disk', async () => {
    const { page, problems } = await open();
    const changed = replaceOnce(ORIGINAL, 'name: Acme Shop', 'name: Acme Shop (edited elsewhere)');
    writeFileSync(shop, changed);
    await page.waitForFunction((name) => document.getElementById('system-name')!.textContent === name, 'Acme Shop (edited elsewhere)');
    assert.equal(await page.inputValue('#editor'), changed);
    assert.equal(await page.getAttribute('#save-state', 'data-state'), 'saved');
    assert.equal(await page.isVisible('#banner'), false);
    assert.deepEqual(problems, []);
    await page.close();
    writeFileSync(shop, ORIGINAL);
  });

  it('draws the diagram, with the tabs reached by the arrow keys', async () => {
    const { page, problems, elsewhere } = await open();
    await page.focus('#tab-threats');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-diagram', 'aria-selected'), 'true');
    await page.waitForSelector('#diagram-figure svg', { timeout: 20_000 });
    assert.equal(await page.isVisible('#panel-threats'), false);
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    await page.close();
  });

  it('runs the custom rules of --rules DIR in the live analysis, as the CLI does', async () => {
    const rulesDir = join(dir, 'org-rules');
    mkdirSync(rulesDir);
    const ruleFile = join(rulesDir, 'org.yaml');
    writeFileSync(ruleFile, 'rules:\n  custom:\n    - id: no-plain-http\n      title: "{source} calls {target} over plain HTTP"\n      stride: I\n'
      + '      applies-to: flow\n      when: { flow.protocol: http }\n      likelihood: high\n      impact: medium\n      mitigation: Use HTTPS.\n');
    const customDir = join(dir, 'custom');
    mkdirSync(customDir);
    const model = join(customDir, 'shop.yaml');
    writeFileSync(model, ORIGINAL);
    const loaded = loadOrExit(model, { quiet: true, rules: rulesDir });
    const custom = await served.serve({ model, rules: loaded.rules, ruleFiles: loaded.ruleFiles });
    const { page, problems } = await open(custom);
    await threatRows(page, 'no-plain-http@lb->api').waitFor();
    assert.equal(await total(page), loaded.result.threats.length);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('runs no script from a model whose names are script and image payloads', async () => {
    const hostileDir = join(dir, 'hostile');
    mkdirSync(hostileDir);
    const hostile = join(hostileDir, 'hostile.yaml');
    copyFileSync('test/fixtures/track/hostile.yaml', hostile);
    const evil = await served.serve({ model: hostile });
    const { page, problems, elsewhere } = await open(evil);
    await page.locator('tr.threat button.title').first().click();
    for (const tab of ['#tab-diagram', '#tab-surface', '#tab-coverage', '#tab-paths', '#tab-threats']) {
      await page.click(tab);
      if (tab === '#tab-diagram') await page.waitForSelector('#diagram-figure svg', { timeout: 20_000 });
    }
    await page.fill('#f-text', 'pwned');
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    const counts = await activeContent(page);
    assert.deepEqual(counts, { scripts: 1, images: 0, iframes: 0, styles: 0, handlers: 0 });
    // The payloads are shown as text.
    assert.equal(await page.textContent('#system-name'), "<script>window.__pwned = 'system'</script>Evil shop");
    assert.match(await page.title(), /^<script>window.__pwned = 'system'<\/script>Evil shop - threatmap$/);
    await page.fill('#f-text', '');
    assert.match(await page.textContent('#threat-table') ?? '', /<script>window.__pwned='api'<\/script>API/);
    await page.close();
  });
});
