// Bundles the page of `threatmap serve` (web/) into dist/web, the four files the server serves:
//   index.html  copied as is (no inline script or style: the server's CSP forbids them);
//   app.js      the page (web/app.ts), one classic script;
//   worker.js   the live analysis (web/worker.ts): the model loader, the rules and the triage of src/, which
//               use no Node API, so that the page analyses every edit without a round trip to the server;
//   app.css     the HTML report's own style (src/render/html-assets.ts REPORT_CSS), then the page's (web/app.css).
// A Node built-in reached from web/ fails the build: the browser has none, and the page must not load a stub.
import { build, transform } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// zod's message locales are left out of the worker as they are of the CLI (a quarter of its size).
import { zodWithoutLocales } from './bundle.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** REPORT_CSS, read from its TypeScript module through esbuild (the build may run before tsc has made dist/). */
async function reportCss() {
  const compiled = await build({
    absWorkingDir: ROOT, entryPoints: ['src/render/html-assets.ts'], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'warning',
  });
  const { REPORT_CSS } = await import(`data:text/javascript;base64,${Buffer.from(compiled.outputFiles[0].contents).toString('base64')}`);
  return REPORT_CSS;
}

/** Writes index.html, app.js, worker.js and app.css into `outdir`; returns their sizes in bytes. */
export async function bundleWeb(outdir = join(ROOT, 'dist', 'web')) {
  const options = {
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [zodWithoutLocales],
    write: false,
  };
  const [app, worker, css] = await Promise.all([
    build({ ...options, entryPoints: ['web/app.ts'] }),
    build({ ...options, entryPoints: ['web/worker.ts'] }),
    reportCss().then((report) => transform(`${report}\n${readFileSync(join(ROOT, 'web', 'app.css'), 'utf8')}`, { loader: 'css', minify: true })),
  ]);
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'app.js'), app.outputFiles[0].contents);
  writeFileSync(join(outdir, 'worker.js'), worker.outputFiles[0].contents);
  writeFileSync(join(outdir, 'app.css'), css.code);
  copyFileSync(join(ROOT, 'web', 'index.html'), join(outdir, 'index.html'));
  return Object.fromEntries(['index.html', 'app.js', 'worker.js', 'app.css'].map((name) => [name, statSync(join(outdir, name)).size]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await bundleWeb();
  process.stdout.write(`bundle-web: ${Object.entries(sizes).map(([name, size]) => `${name} ${(size / 1024).toFixed(1)} KiB`).join(', ')}\n`);
}
