// What every browser test needs: Debian's Chromium driven by playwright-core (never a downloaded browser),
// the skip when it is absent (a failure under THREATMAP_BROWSER_TESTS=1, as in CI), the count of what
// could run or load in a page a hostile model was rendered into, and the set-up of a suite of the served page.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { loadOrExit } from '../../src/cli/load.js';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/server.js';

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

type BundleScript = { bundleWeb: (outdir: string) => Promise<Record<string, number>> };

/** What a suite of the served page works with, once its `before` has run (see servedSuite). */
export interface ServedSuite<Name extends string> {
  readonly browser: Browser;
  /** The suite's temporary folder: the bundled page in `web/`, each model as `<name>.yaml`. */
  readonly dir: string;
  /** The bundled page, which every server of the suite serves. */
  readonly assets: string;
  file(name: Name): string;
  server(name: Name): RunningServer;
  /** The model as the CLI analyses it (no triage applied), read at the first call only: not for a file a test changes. */
  result(name: Name): AnalysisResult;
  /** The model's page opened and analysed (openServedPage); with `rows`, every slice that many rows (slicedUrl). */
  open(name: Name, rows?: number | string): Promise<{ page: Page; problems: string[] }>;
  /** Serves another model file with the suite's page, closed with the others. */
  serve(options: Omit<ServerOptions, 'assets'>): Promise<RunningServer>;
}

/** A value of the suite's set-up, or why there is none yet: it is made in `before`, and only tests can use it. */
function made<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is made in the suite's before(): use it in a test or a later hook`);
  return value;
}

/**
 * The set-up every suite of the served page repeated, as `before` and `after` hooks of the calling `describe`: the
 * page bundled once into a temporary folder, each model's text written there as `<name>.yaml` and served, Chromium
 * launched; in the end all of it closed and the folder removed. Call it in the `describe`, before the suite's own hooks.
 */
export function servedSuite<Name extends string>(prefix: string, models: Readonly<Record<Name, string>>): ServedSuite<Name> {
  const names = Object.keys(models) as Name[];
  let dir: string | undefined;
  let browser: Browser | undefined;
  const servers = new Map<Name, RunningServer>();
  const extra: RunningServer[] = [];
  const results = new Map<Name, AnalysisResult>();
  const suite: ServedSuite<Name> = {
    get browser() { return made(browser, 'the browser'); },
    get dir() { return made(dir, 'the folder'); },
    get assets() { return join(suite.dir, 'web'); },
    file: (name) => join(suite.dir, `${name}.yaml`),
    server: (name) => made(servers.get(name), `the server of ${name}`),
    result(name) {
      if (!results.has(name)) results.set(name, loadOrExit(suite.file(name), { quiet: true }).result);
      return results.get(name)!;
    },
    open: (name, rows) => openServedPage(suite.browser, rows === undefined ? suite.server(name).url : slicedUrl(suite.server(name).url, rows)),
    async serve(options) {
      const server = await startServer({ ...options, assets: suite.assets });
      extra.push(server);
      return server;
    },
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    const script = (await import(pathToFileURL(resolve('scripts', 'bundle-web.mjs')).href)) as BundleScript;
    await script.bundleWeb(suite.assets);
    for (const name of names) {
      writeFileSync(suite.file(name), models[name]);
      servers.set(name, await startServer({ model: suite.file(name), assets: suite.assets }));
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const server of [...servers.values(), ...extra]) await server.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return suite;
}
