// What every browser test needs: Debian's Chromium driven by playwright-core (never a downloaded browser),
// the skip when it is absent (a failure under THREATMAP_BROWSER_TESTS=1, as in CI), and the count of what
// could run or load in a page a hostile model was rendered into.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.THREATMAP_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRED = process.env.THREATMAP_BROWSER_TESTS === '1';

/** The `skip` of a browser suite: false, or why it is skipped. Throws when Chromium is required and missing. */
export function browserSkip(suite: string): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (REQUIRED) throw new Error(`THREATMAP_BROWSER_TESTS=1 but there is no Chromium at ${CHROMIUM}; install it: apt-get install -y chromium fonts-liberation`);
  const why = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-liberation); set THREATMAP_BROWSER_TESTS=1 to make this a failure`;
  process.stderr.write(`${suite} skipped: ${why}\n`);
  return why;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page of the served web UI, opened and analysed, with every console error or warning and page error collected. */
export async function openServedPage(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('#threat-total', { timeout: 120_000 });
  return { page, problems };
}

// The page's globals, typed just enough for the callback that runs in the browser (the project's lib has no DOM).
declare const document: { querySelectorAll(selector: string): ArrayLike<{ attributes: Iterable<{ name: string }> }> & Iterable<{ attributes: Iterable<{ name: string }> }> };

/** What in the page could run or load: scripts, images, frames, style elements and `on*` attributes. */
export function activeContent(page: Page): Promise<{ scripts: number; images: number; iframes: number; styles: number; handlers: number }> {
  return page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img').length,
    iframes: document.querySelectorAll('iframe').length,
    styles: document.querySelectorAll('style').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
  }));
}

/**
 * The page at `url` with every slice of its tables `rows` rows (web/dom.ts `?slice-rows`): what fits in the 10 ms
 * of a real slice depends on the machine, so what a slice holds is asserted only with this.
 */
export const slicedUrl = (url: string, rows: number | string): string => {
  const sliced = new URL(url);
  sliced.search = `slice-rows=${rows}`;
  return sliced.href;
};
