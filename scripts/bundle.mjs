// Bundles the CLI into dist/cli/threatmap.js (the `threatmap` bin), after tsc has built dist/.
// Why: node resolves and compiles ~150 ES and CommonJS modules one by one at every start (`yaml` alone is
// ~100 CommonJS files); one bundled file starts about twice as fast, which matters to a CI gate or an
// editor that runs threatmap on every change. dist/ from tsc stays the library (types, `import 'threatmap'`).
// The two native/WebAssembly renderers stay external and load only when an SVG or PNG is asked for.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** zod's classic entry re-exports all ~45 of its message locales (a quarter of the bundle); threatmap uses
 * only English, which zod imports on its own, so the re-export is replaced by an empty module. */
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** Writes threatmap.js (and its lazily loaded chunks) into `outdir`, which must sit two levels below the
 * package root, as dist/cli does: the CLI reads its version from ../../package.json. */
export async function bundleCli(outdir = join(ROOT, 'dist', 'cli')) {
  // Chunk names carry a hash: the chunks of an earlier build would pile up beside the new ones.
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { threatmap: 'src/cli/main.ts' },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@hpcc-js/wasm-graphviz', '@resvg/resvg-js'],
    plugins: [zodWithoutLocales],
    // Bundled CommonJS (commander) still calls require() for node built-ins.
    banner: { js: "import{createRequire as __threatmapRequire}from'node:module';const require=__threatmapRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
