// `npm run bench`: how threatmap scales. Generates seeded synthetic models (100 to 100,000 elements, about
// 3 flows each), then measures the BUILT code in dist/ in fresh processes:
//   - each stage in-process (parse+validate, analyze, Markdown, JSON, SARIF, HTML, diagram model) and the
//     peak resident memory of that process;
//   - the whole command `threatmap analyze model.yaml` (dist/cli/threatmap.js; node start included), from YAML and
//     from JSON, with its peak memory;
// several runs each, medians, a table, and the growth exponent between the two largest sizes.
// Options: --sizes 100,1000,10000,100000  --runs 5  --big-runs 3  --seed 1  --no-build  --keep  --json
// Timings never go into tests: machines are noisy. This is run by hand (docs/benchmarks.md) and by an
// optional CI step that only prints.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The build is copied here first, so that rebuilding dist/ during a long run cannot mix two builds. */
let DIST = join(ROOT, 'dist');
/** The installed `threatmap` bin: the bundle (scripts/bundle.mjs). */
let CLI = join(DIST, 'cli', 'threatmap.js');

interface Options {
  sizes: number[];
  runs: number;
  bigRuns: number;
  seed: string;
  build: boolean;
  keep: boolean;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [100, 1000, 10_000, 100_000], runs: 5, bigRuns: 3, seed: '1', build: true, keep: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') o.sizes = value().split(',').map((s) => Number(s.replace(/_/g, '')));
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--big-runs') o.bigRuns = Number(value());
    else if (a === '--seed') o.seed = value();
    else if (a === '--no-build') o.build = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--json') o.json = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).join('\n') + '\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1) || !(o.runs >= 1) || !(o.bigRuns >= 1)) throw new Error('bad --sizes or --runs');
  return o;
}

// --- the worker: plain JavaScript run by node in a fresh process, importing only dist/ --------------------

/**
 * Runs every stage once on one model and prints one JSON line. Written to a temporary .mjs file so that the
 * measured process loads nothing but node and the built code (no TypeScript loader).
 */
const WORKER = `
import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [dist, file, mode] = process.argv.slice(2);
const url = (p) => pathToFileURL(dist + '/' + p).href;
const times = {};
const lap = async (name, fn) => { const t = performance.now(); const v = await fn(); times[name] = performance.now() - t; return v; };
const mods = await lap('import', async () => ({
  load: await import(url('model/load.js')),
  analysis: await import(url('analysis/analyze.js')),
  markdown: await import(url('render/markdown.js')),
  json: await import(url('render/json.js')),
  diagram: await import(url('render/diagram/model.js')),
  sarif: existsSync(dist + '/render/sarif.js') ? await import(url('render/sarif.js')) : undefined,
  html: existsSync(dist + '/render/html.js') ? await import(url('render/html.js')) : undefined,
}));
const text = readFileSync(file, 'utf8');
const loaded = await lap('load', () => mods.load.loadModel(text, file));
const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
if (!loaded.model || errors.length) { console.log(JSON.stringify({ error: errors.slice(0, 3).map((d) => d.message).join('; ') || 'no model' })); process.exit(1); }
const out = { times, threats: 0, bytes: {}, failed: {} };
// Output that comes in pieces is consumed piece by piece, as the CLI writes it; a stage that fails (e.g. a
// result too large for one string) is reported, not fatal.
const size = (text) => { if (typeof text === 'string') return text.length; let n = 0; for (const c of text) n += c.length; return n; };
const stage = async (name, fn) => {
  try { out.bytes[name] = await lap(name, async () => size(await fn())); } catch (e) { delete times[name]; out.failed[name] = String(e && e.message || e).slice(0, 80); }
};
if (mode !== 'load') {
  const result = await lap('analyze', () => mods.analysis.analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics }));
  out.threats = result.threats.length;
  if (mode === 'stages') {
    await stage('markdown', () => (mods.markdown.markdownChunks ?? mods.markdown.renderMarkdown)(result, {}));
    await stage('json', () => (mods.json.renderJsonChunks ?? mods.json.renderJson)(result));
    await lap('diagram', () => mods.diagram.buildDiagram(result, {}));
  }
  // SARIF and HTML run in processes of their own: at 100,000 elements they can run out of memory.
  if (mode === 'sarif' && mods.sarif) await stage('sarif', () => (mods.sarif.renderSarifChunks ?? mods.sarif.renderSarif)(result));
  if (mode === 'html' && mods.html) await stage('html', () => (mods.html.renderHtmlChunks ?? mods.html.renderHtml)(result, {}));
}
out.maxRssMB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify(out));
`;

/** Loaded with --import into the measured CLI process: reports its peak memory on exit. */
const RSS_PRELOAD = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n@@maxrss '+process.resourceUsage().maxRSS+'\\n'))`;

interface WorkerOut {
  times: Record<string, number>;
  threats: number;
  bytes: Record<string, number>;
  /** Stages that threw, with the message. */
  failed: Record<string, string>;
  maxRssMB: number;
  error?: string;
}

type Mode = 'stages' | 'load' | 'sarif' | 'html';

/** One fresh process; a crash (e.g. out of memory) is recorded as the failure of that mode, not fatal. */
function runWorker(worker: string, file: string, mode: Mode): WorkerOut {
  const r = spawnSync(process.execPath, [worker, DIST, file, mode], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: WorkerOut;
  try {
    parsed = JSON.parse(line) as WorkerOut;
  } catch {
    const oom = /heap out of memory/.test(r.stderr);
    return { times: {}, threats: 0, bytes: {}, failed: { [mode]: oom ? 'out of memory' : `exit ${r.status ?? r.signal}` }, maxRssMB: NaN };
  }
  if (parsed.error) throw new Error(`${file}: ${parsed.error}`);
  return parsed;
}

function runCli(file: string): { ms: number; maxRssMB: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS_PRELOAD, CLI, 'analyze', file, '--quiet'], {
    encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20,
  });
  const ms = performance.now() - started;
  if (r.status !== 0) {
    process.stderr.write(`\nthreatmap analyze ${file} failed (exit ${r.status ?? r.signal}): ${r.stderr.slice(-500)}\n`);
    return { ms: NaN, maxRssMB: NaN };
  }
  const m = /@@maxrss (\d+)/.exec(r.stderr);
  return { ms, maxRssMB: m ? Number(m[1]) / 1024 : NaN };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// --- formatting --------------------------------------------------------------------------------------------

const ms = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const mb = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : `${Math.round(x)} MB`);
const count = (n: number): string => n.toLocaleString('en-US');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

interface SizeResult {
  elements: number;
  flows: number;
  yamlMB: number;
  jsonMB: number;
  threats: number;
  stages: Record<string, number>;
  stageRssMB: number;
  loadJson: number;
  cliYaml: number;
  cliYamlRssMB: number;
  cliJson: number;
  runs: number;
  failed: Record<string, string>;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.build || !existsSync(CLI)) {
    process.stderr.write('building dist/ (npm run build: tsc, then the bundled CLI)...\n');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'threatmap-bench-'));
  cpSync(DIST, join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  DIST = join(dir, 'dist');
  CLI = join(DIST, 'cli', 'threatmap.js');
  const gen = (await import(pathToFileURL(join(DIST, 'model', 'generate.js')).href)) as typeof import('../src/model/generate.js');
  const worker = join(dir, 'worker.mjs');
  writeFileSync(worker, WORKER);
  const results: SizeResult[] = [];
  try {
    for (const n of o.sizes) {
      const raw = gen.generateModel({ elements: n, seed: o.seed });
      const yamlFile = join(dir, `model-${n}.yaml`);
      const jsonFile = join(dir, `model-${n}.json`);
      writeFileSync(yamlFile, gen.modelToYaml(raw));
      writeFileSync(jsonFile, gen.modelToJson(raw));
      const runs = n >= 100_000 ? o.bigRuns : o.runs;
      process.stderr.write(`${count(n)} elements: ${runs} runs `);
      const stageRuns: WorkerOut[] = [];
      const loadJsonRuns: number[] = [];
      const cliYaml: Array<{ ms: number; maxRssMB: number }> = [];
      const cliJson: number[] = [];
      const exportRuns: WorkerOut[] = [];
      for (let r = 0; r < runs; r++) {
        stageRuns.push(runWorker(worker, yamlFile, 'stages'));
        loadJsonRuns.push(runWorker(worker, jsonFile, 'load').times.load);
        cliYaml.push(runCli(yamlFile));
        cliJson.push(runCli(jsonFile).ms);
        // The exports analyse again in their own process: once is enough for the largest models.
        if (r === 0 || n < 100_000) for (const mode of ['sarif', 'html'] as const) exportRuns.push(runWorker(worker, yamlFile, mode));
        process.stderr.write('.');
      }
      process.stderr.write('\n');
      const stages: Record<string, number> = {};
      const failed: Record<string, string> = {};
      for (const w of [...stageRuns, ...exportRuns]) Object.assign(failed, w.failed);
      const stageNames = new Set(stageRuns.flatMap((w) => Object.keys(w.times)));
      for (const s of stageNames) stages[s] = median(stageRuns.map((w) => w.times[s]).filter((t) => t !== undefined));
      for (const s of ['sarif', 'html']) {
        const times = exportRuns.map((w) => w.times[s]).filter((t) => t !== undefined);
        if (times.length) stages[s] = median(times);
      }
      results.push({
        elements: n,
        flows: (raw as { flows?: unknown[] }).flows?.length ?? 0,
        yamlMB: statSync(yamlFile).size / 1048576,
        jsonMB: statSync(jsonFile).size / 1048576,
        threats: stageRuns.find((w) => w.threats)?.threats ?? 0,
        stages,
        stageRssMB: median(stageRuns.map((w) => w.maxRssMB).filter((x) => !Number.isNaN(x))),
        loadJson: median(loadJsonRuns),
        cliYaml: median(cliYaml.map((c) => c.ms)),
        cliYamlRssMB: median(cliYaml.map((c) => c.maxRssMB)),
        cliJson: median(cliJson),
        runs,
        failed,
      });
    }
  } finally {
    if (o.keep) process.stderr.write(`models kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }

  if (o.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  process.stdout.write(report(results, o));
}

function report(results: SizeResult[], o: Options): string {
  const has = (s: string) => results.some((r) => r.stages[s] !== undefined || r.failed[s] !== undefined);
  const stageCols = ['load', 'analyze', 'markdown', 'json', 'sarif', 'html', 'diagram'].filter(has);
  const label: Record<string, string> = {
    load: 'parse+validate (YAML)', analyze: 'analyze', markdown: 'Markdown', json: 'JSON', sarif: 'SARIF', html: 'HTML', diagram: 'diagram model',
  };
  const out: string[] = [];
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim()) commit += ' (with local changes)';
  } catch {
    commit = 'unknown';
  }
  out.push(`threatmap benchmark: ${new Date().toISOString().slice(0, 10)}, commit ${commit}, node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 1073741824)} GB, seed ${o.seed}`);
  out.push(`medians of ${o.runs} runs (${o.bigRuns} at 100,000 elements and above); each run is a fresh process`, '');
  out.push('Whole process, `threatmap analyze <model>` (the bundled bin: node start, load, analyze, Markdown report):', '');
  out.push(table(
    ['elements', 'flows', 'threats', 'YAML', 'YAML -> report', 'JSON', 'JSON -> report', 'peak memory'],
    results.map((r) => [count(r.elements), count(r.flows), count(r.threats), `${r.yamlMB.toFixed(1)} MB`, ms(r.cliYaml), `${r.jsonMB.toFixed(1)} MB`, ms(r.cliJson), mb(r.cliYamlRssMB)]),
  ), '');
  out.push('Stages, in one fresh process per run (import: loading the modules; Markdown and JSON as the CLI writes them, in pieces):', '');
  out.push(table(
    ['elements', 'import', ...stageCols.map((s) => label[s]), 'load (JSON)', 'peak memory'],
    results.map((r) => [count(r.elements), ms(r.stages.import), ...stageCols.map((s) => (r.failed[s] ? 'failed' : ms(r.stages[s]))), ms(r.loadJson), mb(r.stageRssMB)]),
  ), '');
  for (const r of results) {
    for (const [s, message] of Object.entries(r.failed)) out.push(`- ${label[s] ?? s} failed at ${count(r.elements)} elements: ${message}`);
  }
  if (results.some((r) => Object.keys(r.failed).length)) out.push('');

  const big = results.filter((r) => r.elements >= 10_000).sort((a, b) => a.elements - b.elements);
  if (big.length >= 2) {
    const [a, b] = [big[big.length - 2], big[big.length - 1]];
    const k = (x: number, y: number) => Math.log(y / x) / Math.log(b.elements / a.elements);
    const parts = [`whole process ${k(a.cliYaml, b.cliYaml).toFixed(2)}`];
    for (const s of stageCols) if (a.stages[s] && b.stages[s]) parts.push(`${label[s]} ${k(a.stages[s], b.stages[s]).toFixed(2)}`);
    out.push(`Growth exponent from ${count(a.elements)} to ${count(b.elements)} elements (time ~ n^k; 1 is linear): ${parts.join(', ')}.`, '');
  }
  const checks: string[] = [];
  const r10 = results.find((r) => r.elements === 10_000);
  const r100 = results.find((r) => r.elements === 100_000);
  if (r10) checks.push(`10,000 elements, YAML -> Markdown report under 1 s: ${ms(r10.cliYaml)} ${r10.cliYaml < 1000 ? 'PASS' : 'FAIL'}`);
  if (r10) checks.push(`JSON loads faster than YAML at 10,000 elements: ${ms(r10.loadJson)} vs ${ms(r10.stages.load)} ${r10.loadJson < r10.stages.load ? 'PASS' : 'FAIL'}`);
  if (r100) checks.push(`100,000 elements under 10 s: ${ms(r100.cliYaml)} ${r100.cliYaml < 10_000 ? 'PASS' : 'FAIL'}`);
  if (r100) checks.push(`100,000 elements under 1.5 GB: ${mb(r100.cliYamlRssMB)} ${r100.cliYamlRssMB < 1536 ? 'PASS' : 'FAIL'}`);
  if (r10 && r100) {
    const e = Math.log(r100.cliYaml / r10.cliYaml) / Math.log(10);
    checks.push(`growth exponent 10,000 -> 100,000 below 1.2: ${e.toFixed(2)} ${e < 1.2 ? 'PASS' : 'FAIL'}`);
  }
  if (checks.length) out.push('Targets:', '', ...checks.map((c) => `- ${c}`), '');
  return `${out.join('\n')}\n`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
