// The CLI the tests run: the bundle `npm install` builds for the `threatmap` bin (scripts/bundle.mjs), made from
// the current sources. Why not the sources through tsx: a start from source took ~1.5 s against ~0.35 s for the
// bundle, the suite starts the CLI hundreds of times, and the bundle is what users run.
// scripts/run-tests.mjs builds it once for the whole run and names it in THREATMAP_TEST_BIN; a test file run on
// its own (`node --import tsx --test FILE`) builds one for itself, removed when its process ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

async function buildOwn(): Promise<string> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // Two levels below the package root, as dist/cli: the CLI reads its version from ../../package.json.
  const parent = mkdtempSync(join(root, '.test-cli-'));
  process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
  const { bundleCli } = (await import(pathToFileURL(join(root, 'scripts', 'bundle.mjs')).href)) as { bundleCli: (dir: string) => Promise<void> };
  await bundleCli(join(parent, 'cli'));
  return join(parent, 'cli', 'threatmap.js');
}

/** The bin's path: `node CLI ARGS` is `threatmap ARGS`. */
export const CLI = process.env.THREATMAP_TEST_BIN || (await buildOwn());

/** `threatmap` as a shell command, for pipelines. */
export const CLI_SHELL = `"${process.execPath}" "${CLI}"`;
