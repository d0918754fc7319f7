// The page of `threatmap serve`, in a real browser (Debian's Chromium through playwright-core): a threat's
// details list the concrete steps of the technologies it touches under its mitigation, as the HTML report
// does (web/details.ts stepsList), and draw no list for a threat without steps. The details stay kept while
// what they show stays the same, and are drawn again, the typed decision carried over, when only the steps change.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkip, drawn, type PageDocument, type PageGlobals, servedSuite, typeAt } from './chromium.js';

const skip = browserSkip('websteps s18 browser tests');

// The page's globals its callbacks use (chromium.ts has why they are declared here).
declare const document: PageDocument;
declare const globalThis: PageGlobals;

const SHOP = readFileSync('examples/ecommerce.yaml', 'utf8');
/** The session cache's threat: Redis names steps for it; the same threat on Memcached has none, and nothing else changes. */
const REDIS_KEY = 'unencrypted-store@cache';
/** A threat of the shop whose action has no steps in any technology. */
const PLAIN_KEY = 'session-hijacking@api';

/** Opens a threat's details and waits for them. */
async function openDetails(page: Page, key: string): Promise<void> {
  await drawn(page, '#threat-table');
  await page.click(`#threat-table tr.threat[data-key="${key}"] button.title`);
  await page.waitForSelector('#threat-table tr.detail-row #triage-owner');
}

/** What the open details show of the steps: each item's text and code spans, and whether the list is the Mitigation's. */
const shownSteps = (page: Page) => page.evaluate(() => {
  const detail = document.querySelector('#threat-table .detail')!;
  const lists = detail.querySelectorAll('ul.steps');
  const list = lists[0];
  return {
    lists: lists.length,
    underMitigation: list === undefined ? false : detail.querySelector('dd ul.steps') === list,
    items: list === undefined ? [] : Array.from(list.querySelectorAll('li'), (li) => li.textContent),
    codes: list === undefined ? 0 : list.querySelectorAll('code').length,
  };
});

/** Puts `text` in the editor in place of `old`, as typed. */
async function replaceInEditor(page: Page, old: string, text: string): Promise<void> {
  const at = (await page.inputValue('#editor')).indexOf(old);
  assert.ok(at >= 0, old);
  await typeAt(page, at, text, at + old.length);
}

describe('the steps under a threat\'s mitigation in the page, in a browser', { skip }, () => {
  const served = servedSuite('threatmap-websteps-s18-', { shop: SHOP });
  const threat = (key: string) => served.result('shop').threats.find((t) => t.key === key)!;

  it('the Redis threat lists its steps under the mitigation, code spans as <code>, in the analysis\' order', { timeout: 300_000 }, async () => {
    const steps = threat(REDIS_KEY).mitigationSteps ?? [];
    assert.ok(steps.length >= 2 && steps[0].startsWith('Redis'), steps.join(' | '));
    const { page, problems } = await served.open('shop');
    await openDetails(page, REDIS_KEY);
    assert.deepEqual(await shownSteps(page), {
      lists: 1, underMitigation: true,
      items: steps.map((s) => s.replaceAll('`', '')),
      codes: steps.reduce((n, s) => n + (s.split('`').length - 1) / 2, 0),
    });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a threat without steps: no list, not even an empty one', { timeout: 300_000 }, async () => {
    assert.equal(threat(PLAIN_KEY).mitigationSteps, undefined);
    const { page, problems } = await served.open('shop');
    await openDetails(page, PLAIN_KEY);
    assert.deepEqual(await shownSteps(page), { lists: 0, underMitigation: false, items: [], codes: 0 });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('the details are kept while their steps stay, and drawn again, the typed owner carried over, when only the steps change', { timeout: 300_000 }, async () => {
    const { page, problems } = await served.open('shop');
    await openDetails(page, REDIS_KEY);
    await page.fill('#triage-owner', 'alice');
    await page.evaluate(() => { globalThis.s18Details = document.querySelector('#threat-table .detail'); });
    const details = () => page.evaluate(() => ({
      same: document.querySelector('#threat-table .detail') === globalThis.s18Details,
      steps: document.querySelector('#threat-table .detail')!.querySelectorAll('ul.steps li').length,
      owner: document.getElementById('triage-owner')!.value,
    }));
    const steps = threat(REDIS_KEY).mitigationSteps!.length;

    // A new analysis that changes nothing the details show (the load balancer renamed): the same details, steps and all.
    await replaceInEditor(page, 'name: Load balancer', 'name: Front balancer');
    await page.waitForFunction(() => document.querySelector('#threat-table tr.threat[data-key="cleartext-tampering@lb"]')?.textContent?.includes('Front balancer') === true, null, { timeout: 60_000 });
    await drawn(page, '#threat-table');
    assert.deepEqual(await details(), { same: true, steps, owner: 'alice' });

    // Memcached names no steps for it, and that is all that changes of the threat: its details drawn again.
    await replaceInEditor(page, 'tech: redis', 'tech: memcached');
    await page.waitForFunction(() => document.querySelector('#threat-table .detail')?.querySelector('ul.steps') === null, null, { timeout: 60_000 });
    await drawn(page, '#threat-table');
    assert.deepEqual(await details(), { same: false, steps: 0, owner: 'alice' });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
