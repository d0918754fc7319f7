// What every browser test needs: Debian's Chromium driven by playwright-core (never a downloaded browser),
// the skip when it is absent (a failure under THREATMAP_BROWSER_TESTS=1, as in CI), a page watched for what no
// test expects, the types of the page's globals, the count of what could run or load in a page a hostile
// model was rendered into, the set-up of a suite of the served page and what its tests do in that page.
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

/** A page a test opened, and what it did that no test expects: the suites assert these lists empty. */
export interface WatchedPage {
  page: Page;
  /** Console errors and warnings, page errors and dialogs (dismissed), as they came. */
  problems: string[];
  /** Requests the page's own addresses do not include (for a served page: any to another origin). */
  elsewhere: string[];
}

/**
 * Starts collecting `page`'s problems and its requests that `own` does not accept, before it loads anything
 * so that nothing is missed. Console messages matching `expected` (answers a test provokes) are not problems.
 */
export function watchPage(page: Page, own: (url: string) => boolean, expected?: RegExp): WatchedPage {
  const watched: WatchedPage = { page, problems: [], elsewhere: [] };
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && expected?.test(m.text()) !== true) watched.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => watched.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { watched.problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('request', (r) => { if (!own(r.url())) watched.elsewhere.push(r.url()); });
  return watched;
}

export interface OpenOptions {
  /** What shows the page is ready: by default the threat count of its first analysis. */
  ready?: string;
  /** Console messages the test provokes on purpose (see watchPage). */
  expected?: RegExp;
}

/** A page of the served web UI, opened and analysed, watched from the start (watchPage; its own server's origin only). */
export async function openServedPage(browser: Browser, url: string, options: OpenOptions = {}): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const origin = new URL(url).origin;
  const watched = watchPage(page, (u) => new URL(u).origin === origin, options.expected);
  await page.goto(url);
  await page.waitForSelector(options.ready ?? '#threat-total', { timeout: 120_000 });
  return watched;
}

/** Chromium, launched in the calling `describe`'s `before` and closed in its `after`: the getter is for tests and later hooks. */
export function suiteBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => { browser = await launchChromium(); });
  after(async () => { await browser?.close(); });
  return () => made(browser, 'the browser');
}

/**
 * A temporary folder for the calling `describe`, made at its first use and removed in an `after` hook, which
 * runs whether the tests pass or fail: no run leaves a folder behind. Hooks run in the order they were
 * added and a failing one stops the rest, so call this after adding the hooks that close what uses the folder.
 */
export function suiteFolder(prefix: string): () => string {
  let dir: string | undefined;
  after(() => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }); });
  return () => (dir ??= mkdtempSync(join(tmpdir(), prefix)));
}

// The page's globals, typed just enough for the callbacks that run in the browser. The project's lib has no DOM,
// and a global declaration would let src/ use one unnoticed: so these are types, and a suite declares the
// names its callbacks use (`declare const document: PageDocument;`), which Playwright finds in the page.

export interface PageAttribute {
  readonly name: string;
  readonly value: string;
}

/** What a page's `querySelectorAll` and `children` give: indexed, and iterable for `[...list]`. */
export type PageList = ArrayLike<PageElement> & Iterable<PageElement>;

export interface PageElement {
  id: string;
  readonly tagName: string;
  value: string;
  hidden: boolean;
  innerHTML: string;
  textContent: string | null;
  selectionStart: number;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { contains(name: string): boolean };
  readonly attributes: ArrayLike<PageAttribute> & Iterable<PageAttribute>;
  readonly children: PageList;
  readonly parentElement: PageElement | null;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): PageList;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): { top: number; bottom: number };
  dispatchEvent(event: Event): boolean;
  append(child: PageElement): void;
  remove(): void;
  click(): void;
  focus(): void;
  setSelectionRange(start: number, end: number): void;
}

export interface PageSelection {
  readonly anchorNode: { readonly parentElement: PageElement | null } | null;
  removeAllRanges(): void;
}

export interface PageDocument {
  readonly documentElement: PageElement;
  readonly body: PageElement;
  readonly activeElement: PageElement | null;
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): PageList;
  createElement(tag: string): PageElement;
  getSelection(): PageSelection | null;
}

/** The page's window: find in the page, and the globals a payload or a test sets (`window.__pwned`). */
export interface PageWindow {
  find(text: string): boolean;
  getSelection(): PageSelection | null;
  readonly [name: string]: unknown;
}

/** The page's globalThis, as a test uses it: a place to keep what it measures between two evaluate calls. */
export type PageGlobals = Record<string, unknown>;

declare const document: PageDocument;

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

// What the suites of the served page do in it. The callbacks are serialised by Playwright: they use only the
// page's own globals and define no named inner functions (tsx would wrap them in a helper the page lacks).

/** Waits for every slice of `busy` (a selector) to be drawn: the page sets aria-busy on it until the last one. */
export const drawn = (page: Page, busy: string) =>
  page.waitForFunction((b) => !document.querySelector(b)!.hasAttribute('aria-busy'), busy, { timeout: 120_000 });

/** The attribute `name` of every element `selector` finds, in document order. */
export const attributes = (page: Page, selector: string, name: string) =>
  page.evaluate(([s, n]) => Array.from(document.querySelectorAll(s), (e) => e.getAttribute(n)!), [selector, name]);

/** Puts `text` in the editor in place of its characters `start` to `end` (none by default), as typed (page.fill of a megabyte's textarea is too slow). */
export async function typeAt(page: Page, start: number, text: string, end = start): Promise<void> {
  await page.evaluate(([from, to]) => {
    const editor = document.getElementById('editor')!;
    editor.focus();
    editor.setSelectionRange(from, to);
  }, [start, end]);
  await page.keyboard.insertText(text);
}

/** Where observeLongTasks keeps the durations, on the page's globalThis. */
const LONG_TASKS = 'threatmapLongTasks';

/** Records the page's long tasks from now on: a diagnostic of how the page does, never asserted. */
export const observeLongTasks = (page: Page) => page.evaluate((key) => {
  const tasks: number[] = [];
  (globalThis as PageGlobals)[key] = tasks;
  // Node's types, which the test is checked with, know no browser entry types.
  new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); }).observe({ type: 'longtask' as never });
}, LONG_TASKS);

/** The long tasks recorded since observeLongTasks, in whole ms: `12, 80`, or `none`. */
export const longTasks = async (page: Page): Promise<string> =>
  (await page.evaluate((key) => (globalThis as PageGlobals)[key] as number[], LONG_TASKS)).map(Math.round).join(', ') || 'none';

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
  open(name: Name, rows?: number | string): Promise<WatchedPage>;
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
  const browser = suiteBrowser();
  const servers = new Map<Name, RunningServer>();
  const extra: RunningServer[] = [];
  const results = new Map<Name, AnalysisResult>();
  after(async () => {
    for (const server of [...servers.values(), ...extra]) await server.close();
  });
  // Added after the hooks that close the browser and the servers, so that it is removed once nothing uses it.
  const folder = suiteFolder(prefix);
  const suite: ServedSuite<Name> = {
    get browser() { return browser(); },
    get dir() { return folder(); },
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
    const script = (await import(pathToFileURL(resolve('scripts', 'bundle-web.mjs')).href)) as BundleScript;
    await script.bundleWeb(suite.assets);
    for (const name of names) {
      writeFileSync(suite.file(name), models[name]);
      servers.set(name, await startServer({ model: suite.file(name), assets: suite.assets }));
    }
  });
  return suite;
}
