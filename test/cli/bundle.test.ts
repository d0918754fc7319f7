// The installed `threatmap` command is the esbuild bundle (scripts/bundle.mjs), not the TypeScript sources the
// other CLI tests run: it is built here from the current sources and must behave the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Script } from 'node:vm';

const ROOT = resolve('.');
// Two levels below the package root, like dist/cli: the CLI finds package.json at ../../package.json.
const parent = mkdtempSync(join(ROOT, '.bundle-test-'));
const outdir = join(parent, 'cli');
const cli = join(outdir, 'threatmap.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type BundleScript = { bundleCli: (dir: string) => Promise<void>; wrapBundle: (source: string) => string };
let wrapBundle: BundleScript['wrapBundle'];

describe('the bundled CLI', () => {
  before(async () => {
    const bundle = (await import(pathToFileURL(join(ROOT, 'scripts', 'bundle.mjs')).href)) as BundleScript;
    await bundle.bundleCli(outdir);
    wrapBundle = bundle.wrapBundle;
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('loads only its own code at start: dependencies are inside, Graphviz and resvg wait until asked for', () => {
    // The bin imports node's own modules and compiles the bundle; the bundle requires node's own modules.
    const binImports = [...readFileSync(cli, 'utf8').matchAll(/\bimport\s*(?:[^;"'()]*?\bfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
    assert.deepEqual(binImports.filter((spec) => !spec.startsWith('node:')), [], 'the bin imports packages');
    const bundle = readFileSync(join(outdir, 'threatmap.cjs'), 'utf8');
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.ok(required.length > 0);
    assert.deepEqual(required.filter((spec) => !isBuiltin(spec) && spec !== '@resvg/resvg-js'), [], 'packages loaded from node_modules');
    // resvg is CommonJS, required where the lazily started PNG module first runs; Graphviz is an ES module.
    assert.ok(bundle.includes('__threatmapImport("@hpcc-js/wasm-graphviz")'), 'Graphviz is loaded on demand');
    assert.ok(!/\bimport\(/.test(bundle.replaceAll('__threatmapImport(', '')), 'an import() the compiled bundle cannot run');
  });
  it('defines the commands apart from what they do, which only a command that runs loads', () => {
    const bundle = readFileSync(join(outdir, 'threatmap.cjs'), 'utf8');
    const at = bundle.indexOf('function __threatmapCommands()');
    assert.ok(at > 0, 'the commands are a function of the bundle');
    const definitions = bundle.slice(0, at);
    assert.ok(definitions.includes('--version') && definitions.includes('Promise.resolve().then(__threatmapCommands)'));
    // The YAML parser, zod and the report renderers are in the commands' part only.
    for (const text of ['YAMLParseError', 'ZodError', '## Threat Model: ']) {
      assert.ok(!definitions.includes(text) && bundle.slice(at).includes(text), text);
    }
  });
  it('prints its help without running any command', () => {
    const r = run('--help');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /analyze \[options\] <model>/);
  });
  const cacheFits = (): boolean => {
    const source = readFileSync(join(outdir, 'threatmap.cjs'), 'utf8');
    const script = new Script(wrapBundle(source), { filename: join(outdir, 'threatmap.cjs'), cachedData: readFileSync(join(outdir, 'threatmap.cache')) });
    return script.cachedDataRejected === false;
  };
  it('starts from a code cache that fits this node', () => {
    assert.ok(cacheFits());
  });
  it('runs without a code cache, or with one that does not fit, and makes a cache that fits', () => {
    const cache = readFileSync(join(outdir, 'threatmap.cache'));
    try {
      for (const damage of [() => rmSync(join(outdir, 'threatmap.cache')), () => writeFileSync(join(outdir, 'threatmap.cache'), cache.subarray(0, 100))]) {
        damage();
        const r = run('analyze', 'examples/ecommerce.yaml', '--quiet');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, readFileSync('test/golden/ecommerce.md', 'utf8'));
        assert.ok(cacheFits(), 'the run made a cache that fits');
      }
    } finally {
      writeFileSync(join(outdir, 'threatmap.cache'), cache);
    }
  });
  it('keeps the cache of a run under other V8 flags apart, leaving the plain runs\' cache as it was', () => {
    const plain = readFileSync(join(outdir, 'threatmap.cache'));
    const flagged = () => readdirSync(outdir).filter((name) => /^threatmap\.[0-9a-f]{8}\.cache$/.test(name));
    const runFlagged = () => spawnSync(process.execPath, ['--single-threaded', cli, 'analyze', 'examples/ecommerce.yaml', '--quiet'], { encoding: 'utf8' });
    try {
      const first = runFlagged();
      assert.equal(first.status, 0, first.stderr);
      assert.equal(first.stdout, readFileSync('test/golden/ecommerce.md', 'utf8'));
      assert.ok(readFileSync(join(outdir, 'threatmap.cache')).equals(plain), 'the plain runs\' cache was replaced');
      assert.equal(flagged().length, 1);
      const made = statSync(join(outdir, flagged()[0])).mtimeMs;
      const second = runFlagged();
      assert.equal(second.status, 0, second.stderr);
      // Accepted by the second run under the same flags, so not written again.
      assert.equal(statSync(join(outdir, flagged()[0])).mtimeMs, made);
      assert.ok(cacheFits(), 'a plain run still starts from its cache');
    } finally {
      for (const name of flagged()) rmSync(join(outdir, name));
    }
  });
  it('prints the version of package.json', () => {
    const r = run('--version');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
  it('writes the same report as the sources', () => {
    for (const name of ['ecommerce', 'microservices']) {
      const r = run('analyze', `examples/${name}.yaml`, '--quiet');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(`test/golden/${name}.md`, 'utf8'), name);
    }
  });
  it('loads Graphviz on demand for an SVG diagram', () => {
    const r = run('diagram', 'examples/ecommerce.yaml', '--format', 'svg');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<svg[\s>]/);
  });
  it('reports bad input with its position and exit code 2, without a stack trace', () => {
    const r = run('validate', 'test/fixtures/does-not-exist.yaml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does-not-exist\.yaml: no such file/);
    assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
  });
  it('writes to a pipe given as the output in place, leaving it a pipe', { skip: process.platform === 'win32' }, () => {
    // The temporary file and rename of an atomic write would replace the pipe (or `-o /dev/null`, the device).
    const fifo = join(parent, 'pipe');
    const copy = join(parent, 'copy.md');
    const r = spawnSync('bash', ['-c', `mkfifo "${fifo}" && { timeout 30 cat "${fifo}" > "${copy}" & } && "${process.execPath}" "${cli}" analyze examples/ecommerce.yaml --quiet -o "${fifo}" && wait`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(statSync(fifo).isFIFO());
    assert.equal(readFileSync(copy, 'utf8'), readFileSync('test/golden/ecommerce.md', 'utf8'));
  });
  it('ends quietly when the reader of its output stops early', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${cli}" generate --elements 3000 | head -c 100 > /dev/null`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});
