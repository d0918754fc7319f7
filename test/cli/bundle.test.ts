// The installed `threatmap` command is the esbuild bundle (scripts/bundle.mjs), not the TypeScript sources the
// other CLI tests run: it is built here from the current sources and must behave the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';

const ROOT = resolve('.');
// Two levels below the package root, like dist/cli: the CLI finds package.json at ../../package.json.
const parent = mkdtempSync(join(ROOT, '.bundle-test-'));
const outdir = join(parent, 'cli');
const cli = join(outdir, 'threatmap.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the bundled CLI', () => {
  before(async () => {
    const { bundleCli } = (await import(pathToFileURL(join(ROOT, 'scripts', 'bundle.mjs')).href)) as { bundleCli: (dir: string) => Promise<void> };
    await bundleCli(outdir);
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('loads only its own code at start: dependencies are inside, Graphviz and resvg wait until asked for', () => {
    // The start-up closure: the entry and every chunk it imports statically (dynamic import() calls excluded).
    const staticImports = (text: string) => [...text.matchAll(/\bimport\s*(?:[^;"'()]*?\bfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) visit(join(dirname(file), spec));
        else if (!spec.startsWith('node:')) external.add(spec);
      }
    };
    visit(cli);
    assert.deepEqual([...external], [], 'packages loaded from node_modules at start-up');
    const all = [...seen].map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.ok(all.includes('import("'), 'the diagram renderers are loaded on demand');
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
