// The page of `threatmap serve` changing the model's structure, in a real browser (Debian's Chromium through
// playwright-core) against the real server on a temp copy of the e-commerce example: an element and a flow
// added through their dialogs (keyboard and focus included), the threat count following as the CLI counts
// it, both removed again from the Diagram tab and the file saved back byte for byte; a written threat added
// through its dialog, seen in the Threats tab and the Diagram tab's list, and removed from there; refusals
// shown where they were asked for; and a triage decision's review date written and flagged once it is past.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, type PageDocument, type PageElement, servedSuite } from './chromium.js';
import { loadOrExit } from '../../src/cli/load.js';
import { applyModelEdit, type ModelEdit } from '../../src/model/edit.js';
import { applyTriage, defaultTriagePath, parseTriage } from '../../src/track/triage.js';

const skip = browserSkip('web UI structure browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;

const ORIGINAL = readFileSync('examples/ecommerce.yaml', 'utf8');
const ADD_ADMIN: ModelEdit = { op: 'add-element', id: 'admin', fields: { name: 'Back office', type: 'admin-panel', in: 'dmz' } };
const ADD_FLOW: ModelEdit = { op: 'add-flow', from: 'browser', to: 'admin', fields: { protocol: 'https', auth: 'oidc' } };

function edited(text: string, edit: ModelEdit): string {
  const out = applyModelEdit(text, edit);
  assert.ok('text' in out, JSON.stringify(out));
  return out.text;
}

describe('the web UI edits the model\'s structure', { skip }, () => {
  const served = servedSuite('threatmap-web-structure-', { shop: ORIGINAL });
  let shop: string;
  let shopTriage: string;
  before(() => { shop = served.file('shop'); shopTriage = defaultTriagePath(shop); });

  const open = () => served.open('shop');

  const total = async (page: Page) => Number(await page.textContent('#threat-total'));
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  /** Waits for the header to show this many threats (the live analysis runs after a pause). */
  const totalBecomes = (page: Page, count: number) => page.waitForFunction((n) => document.getElementById('threat-total')?.textContent === String(n), count);
  const cliCount = () => loadOrExit(shop, { quiet: true }).result.threats.length;
  /** An element's text once it has one: edits are worked out in the page's worker, their answer a moment later. */
  const shownText = async (page: Page, selector: string) => {
    await page.waitForSelector(`${selector}:not(:empty)`);
    return page.textContent(selector);
  };

  it('adds an element and a flow through the dialogs, counts the threats as the CLI does, removes them, and saves the file back byte for byte', async () => {
    const { page, problems, elsewhere } = await open();
    const before = await total(page);
    assert.equal(before, cliCount());

    // The element, from the keyboard: the dialog takes the focus and gives it back.
    await page.focus('#add-element');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#add-element-dialog[open]');
    assert.equal(await focused(page), 'new-element-id');
    await page.keyboard.type('admin');
    await page.fill('#new-element-name', 'Back office');
    await page.selectOption('#new-element-type', 'admin-panel');
    await page.selectOption('#new-element-in', 'dmz');
    await page.click('#add-element-dialog button[type="submit"]');
    await page.waitForSelector('#add-element-dialog', { state: 'hidden' });
    assert.equal(await focused(page), 'add-element');
    const withElement = edited(ORIGINAL, ADD_ADMIN);
    assert.equal(await page.inputValue('#editor'), withElement);
    assert.equal(await page.textContent('#edit-note'), 'Added element admin in the editor: save the model to keep it.');
    assert.equal(await page.getAttribute('#save-state', 'data-state'), 'dirty');

    // The flow that reaches it: the admin panel's threats appear.
    await page.click('#add-flow');
    await page.waitForSelector('#add-flow-dialog[open]');
    // The element just added is offered as soon as the live analysis has it, the dialog open or not.
    await page.waitForSelector('#new-flow-to option[value="admin"]', { state: 'attached' });
    assert.equal(await page.locator('#new-flow-from option').count(), loadOrExit(shop, { quiet: true }).result.elements.length + 1);
    await page.selectOption('#new-flow-from', 'browser');
    await page.selectOption('#new-flow-to', 'admin');
    await page.selectOption('#new-flow-auth', 'oidc');
    // Enter in a field submits: the edit lands in the editor, not in the field that had the focus.
    await page.fill('#new-flow-protocol', 'https');
    await page.press('#new-flow-protocol', 'Enter');
    await page.waitForSelector('#add-flow-dialog', { state: 'hidden' });
    // The dialog's close event gives the focus back after it hides: wait for it rather than race it.
    await page.waitForFunction(() => document.activeElement?.id === 'add-flow', undefined, { timeout: 5000 }).catch(() => undefined);
    assert.equal(await focused(page), 'add-flow');
    const withFlow = edited(withElement, ADD_FLOW);
    assert.equal(await page.inputValue('#editor'), withFlow);
    await page.locator('tr.threat[data-key="exposed-admin-panel@admin"]').waitFor();

    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(shop, 'utf8'), withFlow);
    const added = cliCount();
    assert.ok(added > before);
    assert.equal(await total(page), added);

    // Both out again from the Diagram tab's lists: the flow, then the element.
    await page.click('#tab-diagram');
    await page.click('button[aria-label="Remove flow browser->admin"]');
    await page.locator('#structure tr[data-flow="browser->admin"]').waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('#editor'), withElement);
    await page.click('button[aria-label="Remove element admin"]');
    await page.locator('#structure tr[data-element="admin"]').waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('#editor'), ORIGINAL);
    await totalBecomes(page, before);
    await page.click('#save');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(shop, 'utf8'), ORIGINAL);
    assert.equal(cliCount(), before);
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    await page.close();
  });

  it('shows a refusal where it was asked for: in the dialog, which stays open, or beside the lists', async () => {
    const { page, problems } = await open();
    await page.click('#add-element');
    await page.fill('#new-element-id', 'api');
    await page.fill('#new-element-tech', 'node');
    await page.click('#add-element-dialog button[type="submit"]');
    assert.equal(await shownText(page, '#add-element-dialog [role="alert"]'), 'element `api` is already in the model (line 40)');
    assert.equal(await page.isVisible('#add-element-dialog'), true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#add-element-dialog', { state: 'hidden' });
    assert.equal(await focused(page), 'add-element');
    assert.equal(await page.inputValue('#editor'), ORIGINAL);

    await page.click('#tab-diagram');
    await page.click('button[aria-label="Remove element payments"]');
    assert.equal(await shownText(page, '#structure [role="status"]'),
      'Not removed: element `payments` is still named in the `callers` of endpoint `api:/webhooks/payment` (line 54); take it out there first');
    assert.equal(await page.inputValue('#editor'), ORIGINAL);
    assert.equal(await page.getAttribute('#save-state', 'data-state'), 'saved');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('adds a written threat through its dialog, shows it in the Threats tab and the list of written threats, and removes it', async () => {
    const { page, problems, elsewhere } = await open();
    const before = await total(page);
    const id = 'coupons-stacked-without-limit';
    await page.focus('#add-threat');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#add-threat-dialog[open]');
    assert.equal(await focused(page), 'new-threat-title');
    // The id follows the title as it is typed.
    await page.keyboard.type('Coupons: stacked without limit');
    assert.equal(await page.inputValue('#new-threat-id'), id);
    await page.selectOption('#new-threat-stride', 'tampering');
    // What it may be on: the analysis's elements, endpoints, flows and boundaries, and the whole system first.
    const shown = loadOrExit(shop, { quiet: true }).result;
    assert.equal(await page.locator('#new-threat-on option').count(),
      1 + shown.elements.length + shown.elements.reduce((n, e) => n + e.endpoints.length, 0) + shown.flows.length + shown.boundaries.length);
    assert.equal(await page.inputValue('#new-threat-on'), '');
    await page.selectOption('#new-threat-on', 'api:POST /cart');
    await page.fill('#new-threat-description', 'The cart applies every coupon code it is given.');
    await page.fill('#new-threat-mitigation', 'Allow one coupon per order,\nchecked on the server.');
    assert.equal(await page.inputValue('#new-threat-likelihood'), '');
    await page.selectOption('#new-threat-impact', 'high');
    await page.click('#add-threat-dialog button[type="submit"]');
    await page.waitForSelector('#add-threat-dialog', { state: 'hidden' });
    assert.equal(await focused(page), 'add-threat');
    const withThreat = edited(ORIGINAL, { op: 'add-threat', id, fields: {
      title: 'Coupons: stacked without limit', stride: 'tampering', on: ['api:POST /cart'], description: 'The cart applies every coupon code it is given.',
      impact: 'high', mitigation: 'Allow one coupon per order,\nchecked on the server.',
    } });
    assert.equal(await page.inputValue('#editor'), withThreat);
    assert.ok(withThreat.endsWith(`  ${id}:\n    title: "Coupons: stacked without limit"\n    stride: tampering\n    on: "api:POST /cart"\n`
      + '    description: The cart applies every coupon code it is given.\n    impact: high\n    mitigation: |-\n      Allow one coupon per order,\n      checked on the server.\n'));
    assert.equal(await page.textContent('#edit-note'), `Added threat ${id} in the editor: save the model to keep it.`);

    // In the Threats tab under its title, counted as the CLI counts it once saved.
    const row = page.locator(`tr.threat[data-key="threat:${id}@api:POST /cart"]`);
    await row.waitFor();
    assert.equal(await row.locator('button.title').textContent(), 'Coupons: stacked without limit');
    await page.keyboard.press('Control+s');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(shop, 'utf8'), withThreat);
    assert.equal(cliCount(), before + 1);
    assert.equal(await total(page), before + 1);

    // In the Diagram tab's list of written threats, with where it is written.
    await page.click('#tab-diagram');
    const listed = page.locator(`#structure tr[data-threat="${id}"]`);
    await listed.waitFor();
    // Where edit.ts wrote it (its layout of a new `threats:` section is its own to choose).
    const line = withThreat.split('\n').indexOf(`  ${id}:`) + 1;
    assert.deepEqual(await listed.locator('td').allTextContents(), [`Coupons: stacked without limit ${id}`, 'api:POST /cart', `${line}:3`, 'Remove']);

    // The same title again: a numbered id; a taken one typed by hand is refused in the dialog.
    await page.click('#add-threat');
    await page.fill('#new-threat-title', 'Coupons: stacked without limit');
    assert.equal(await page.inputValue('#new-threat-id'), `${id}-2`);
    await page.fill('#new-threat-id', id);
    await page.click('#add-threat-dialog button[type="submit"]');
    assert.equal(await shownText(page, '#add-threat-dialog [role="alert"]'), `threat \`${id}\` is already in the model (line ${line})`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#add-threat-dialog', { state: 'hidden' });
    assert.equal(await focused(page), 'add-threat');
    assert.equal(await page.inputValue('#editor'), withThreat);

    // Removed from the list: the file as it was, byte for byte.
    await page.click(`button[aria-label="Remove threat ${id}"]`);
    await listed.waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('#editor'), ORIGINAL);
    assert.equal(await page.textContent('#edit-note'), `Removed threat ${id} in the editor: save the model to keep the change.`);
    assert.equal(await page.textContent('#structure tr.empty-row'), 'No threat is written in the model: Add threat writes one.');
    await totalBecomes(page, before);
    await page.click('#save');
    await page.waitForSelector('#save-state[data-state="saved"]');
    assert.equal(readFileSync(shop, 'utf8'), ORIGINAL);
    assert.equal(cliCount(), before);
    assert.deepEqual(problems, []);
    assert.deepEqual(elsewhere, []);
    await page.close();
  });

  it('removes a threat\'s element from its details, with its flows', async () => {
    const { page, problems } = await open();
    await page.locator('tr.threat[data-key="unencrypted-store@cache"] button.title').click();
    assert.equal(await page.textContent('.detail button.remove'), 'Remove element Session cache from the model');
    await page.click('.detail button.remove');
    const expected = edited(ORIGINAL, { op: 'remove-element', id: 'cache' });
    await page.locator('tr.threat[data-key="unencrypted-store@cache"]').waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('#editor'), expected);
    assert.doesNotMatch(expected, /api -> cache/);
    assert.equal(await focused(page), 'editor');
    assert.equal(await page.textContent('#edit-note'), 'Removed element cache in the editor: save the model to keep the change.');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('writes a decision\'s review date, and flags the threat once the date is past', async () => {
    const { page, problems } = await open();
    const key = 'cleartext-tampering@lb';
    const threat = loadOrExit(shop, { quiet: true }).result.threats.find((t) => t.key === key)!;
    await page.locator(`tr.threat[data-key="${key}"] button.title`).click();
    await page.selectOption('#triage-status', 'accepted');
    await page.fill('#triage-reason', 'TLS inside the VPC is planned');
    await page.fill('#triage-review', '2020-01-31');
    await page.click('form.triage button[type="submit"]');
    await page.waitForSelector(`tr.threat[data-key="${key}"] .review-due`);
    const text = readFileSync(shopTriage, 'utf8');
    assert.match(text, new RegExp(`${threat.uid}:\\n {4}threat: .*\\n {4}status: accepted\\n {4}reason: TLS inside the VPC is planned\\n {4}review: 2020-01-31\\n`));
    assert.equal(await page.textContent(`tr.threat[data-key="${key}"] .review-due`), 'review due');
    // The flag is src/track's own warning, as `threatmap analyze` gives it for the same files.
    const server = served.server('shop');
    const today = (await (await fetch(new URL('/api/state', server.url), { headers: { 'X-Threatmap-Token': server.token } })).json() as { today: string }).today;
    const parsed = parseTriage(text, shopTriage);
    const warnings = applyTriage(loadOrExit(shop, { quiet: true }).result, parsed.triage, { today }).triage!.warnings;
    assert.deepEqual(warnings.filter((w) => w.code === 'review-due').map((w) => w.uid), [threat.uid]);
    await page.selectOption('#f-status', 'review-due');
    assert.deepEqual(await page.locator('tr.threat').evaluateAll((rows) => rows.map((r) => (r as unknown as PageElement).dataset.key)), [key]);
    assert.equal(await page.inputValue('#triage-review'), '2020-01-31');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
