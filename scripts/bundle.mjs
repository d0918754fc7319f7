// Bundles the CLI for the `threatmap` bin, after tsc has built dist/:
//   dist/cli/threatmap.cjs    the whole CLI in one CommonJS file;
//   dist/cli/threatmap.cache  V8's compiled code for it, made by running the CLI once on the bundled example;
//   dist/cli/threatmap.js     the bin: compiles threatmap.cjs with that cache and runs it.
// Why: node resolves and compiles ~150 ES and CommonJS modules one by one at every start (`yaml` alone is
// ~100 CommonJS files); one bundled file starts about twice as fast, which matters to a CI gate or an
// editor that runs threatmap on every change. Node 20 can hand V8 a code cache only for a script compiled
// through node:vm, which runs CommonJS-shaped code, not ES modules: with the cache the parse and compile of
// ~1 MB of code and of the functions a run needs (~40 ms of every start) become a read of the cache.
// A cache that does not fit the running node (another version, other V8 flags) is rejected by V8, and the
// bundle is then compiled as usual and the cache made anew from that run where the package can be written.
// dist/ from tsc stays the library (types, `import 'threatmap'`).
// The two native/WebAssembly renderers stay outside the bundle and load only when an SVG or PNG is asked for.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXTERNAL = ['@hpcc-js/wasm-graphviz', '@resvg/resvg-js'];

/** zod's classic entry re-exports all ~45 of its message locales (a quarter of the bundle); threatmap uses
 * only English, which zod imports on its own, so the re-export is replaced by an empty module. */
export const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * The command definitions (src/cli/program.ts) load what the commands do (src/cli/commands.ts) by one
 * import(): that module and everything it reaches are bundled on their own and put in a function of the
 * bundle that runs at that import(), so that --version, --help and usage errors never initialise the
 * model loader, the analysis or the renderers. A bundle of their own, not esbuild's lazily initialised
 * modules in the one bundle: those turn every module-level const into a variable assigned at
 * initialisation, and the analysis ran ~1-2% more instructions at 10,000 elements.
 */
const COMMANDS = 'threatmap:commands';
const commandsApart = {
  name: 'commands-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\.js$/ }, () => ({ path: COMMANDS, external: true }));
  },
};

/** The commands' bundle as a function that runs it once and returns its exports, as import() would. */
const commandsFunction = (source) => `var __threatmapCommandsModule;
function __threatmapCommands() {
  if (__threatmapCommandsModule === undefined) {
    __threatmapCommandsModule = { exports: {} };
    (function (exports, module) {${source}\n})(__threatmapCommandsModule.exports, __threatmapCommandsModule);
  }
  return __threatmapCommandsModule.exports;
}
`;

/**
 * The parameters the bin passes to the bundle: CommonJS's own, then what the ES sources expect of a module.
 * A script compiled by node:vm cannot run import() itself (Node 20 asks for a flag), so the bin lends its own;
 * `import.meta.url` becomes the bundle's URL.
 */
const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', '__threatmapImport', '__threatmapUrl'];
const WRAP_START = `(function (${PARAMS.join(', ')}) {`;
const WRAP_END = '\n})';
/** The text the bin compiles: a code cache fits only the very same text. */
export const wrapBundle = (source) => WRAP_START + source + WRAP_END;

const BIN = `#!/usr/bin/env node
// The threatmap bin: runs the bundled CLI (threatmap.cjs) from V8's code cache (threatmap.cache), both made
// by scripts/bundle.mjs. The cache saves the compile of the bundle at every start; V8 checks that it fits
// this node and its flags, and compiles the bundle as usual when it does not.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

/** A short name for a set of flags (FNV-1a: node:crypto would add a module to every start). */
function flagsName(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const bundle = fileURLToPath(new URL('./threatmap.cjs', import.meta.url));
// V8 takes a cache only under the flags it was made with: a run under other flags (\`node --single-threaded\`,
// NODE_OPTIONS) keeps a cache of its own, rather than replacing the one plain runs use with one they refuse
// (the next plain run then compiled the whole bundle and wrote the cache again).
const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
const cacheFile = fileURLToPath(new URL(flags === '' ? './threatmap.cache' : \`./threatmap.\${flagsName(flags)}.cache\`, import.meta.url));
// scripts/bundle.mjs sets this to make the cache: what one run compiled is what a run needs.
const making = process.env.THREATMAP_MAKE_CODE_CACHE === '1';
let cachedData;
if (!making) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache: compile as usual (and make one, below).
  }
}
const source = readFileSync(bundle, 'utf8');
const script = new Script(${JSON.stringify(WRAP_START)} + source + ${JSON.stringify(WRAP_END)}, { filename: bundle, cachedData });
// A missing cache, or one that does not fit this node (installed with another version), is made anew from
// this run where the package can be written, as Python writes its .pyc files; elsewhere runs go on without.
if (making || cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temporary = \`\${cacheFile}.\${process.pid}.tmp\`;
    try {
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    } catch (err) {
      try {
        unlinkSync(temporary);
      } catch {
        // never written
      }
      if (making) throw err;
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), (specifier) => import(specifier), pathToFileURL(bundle).href);
`;

/**
 * Writes threatmap.js, threatmap.cjs and threatmap.cache into `outdir`, which must sit two levels below the
 * package root, as dist/cli does: the CLI reads its version from ../../package.json.
 */
export async function bundleCli(outdir = join(ROOT, 'dist', 'cli')) {
  const options = {
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    define: { 'import.meta.url': '__threatmapUrl' },
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  };
  const [cli, commands] = await Promise.all([
    build({ ...options, entryPoints: ['src/cli/main.ts'], plugins: [commandsApart] }),
    build({ ...options, entryPoints: ['src/cli/commands.ts'], plugins: [zodWithoutLocales] }),
  ]);
  let code = `${cli.outputFiles[0].text.replace(/^#!.*\n/, '').replace(`import("${COMMANDS}")`, 'Promise.resolve().then(__threatmapCommands)')}
${commandsFunction(commands.outputFiles[0].text)}`;
  // The external packages are reached only by import() (see render/diagram/svg.ts): each becomes a call of
  // the bin's import(). Any other import() would fail at run time, so the build stops on one.
  for (const name of EXTERNAL) code = code.replaceAll(`import("${name}")`, `__threatmapImport("${name}")`);
  const left = code.match(/\bimport\("[^"]*"\)/);
  if (left) throw new Error(`bundle: ${left[0]} cannot run in the bundle; add the package to EXTERNAL or import it statically`);

  mkdirSync(outdir, { recursive: true });
  // Chunks of the former ES-module bundle would otherwise stay beside the new files.
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  rmSync(join(outdir, 'threatmap.cache'), { force: true });
  // The caches of runs under other flags fit the old bundle only.
  for (const name of readdirSync(outdir)) if (/^threatmap\.[0-9a-f]{8}\.cache$/.test(name)) rmSync(join(outdir, name), { force: true });
  writeFileSync(join(outdir, 'threatmap.cjs'), code);
  writeFileSync(join(outdir, 'threatmap.js'), BIN);
  chmodSync(join(outdir, 'threatmap.js'), 0o755);
  makeCodeCache(join(outdir, 'threatmap.js'));
}

/**
 * Runs the CLI's main job on the bundled example, so that the cache holds the code a run compiles (V8
 * compiles most functions lazily, on first call). Should that run fail, the bin makes a cache at its first run.
 */
function makeCodeCache(bin) {
  const scratch = mkdtempSync(join(tmpdir(), 'threatmap-cache-'));
  try {
    const run = spawnSync(process.execPath, [bin, 'analyze', join(ROOT, 'examples', 'ecommerce.yaml'), '--quiet', '-o', join(scratch, 'report.md')], {
      env: { ...process.env, THREATMAP_MAKE_CODE_CACHE: '1' },
      encoding: 'utf8',
    });
    if (run.status !== 0) process.stderr.write(`bundle: no code cache, the example run failed:\n${run.stderr}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
