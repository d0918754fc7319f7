// Runs every test/**/*.test.ts with node's test runner. Node 20 runs zero tests when given no files
// (and exits 0), so the files are listed explicitly and an empty list is a failure.
// The CLI the tests start is bundled once here for all test files (see test/cli/bin.ts).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleCli } from './bundle.mjs';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...find(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = find('test').filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/');
  process.exit(1);
}
// Two levels below the package root, as dist/cli: the CLI reads its version from ../../package.json.
const parent = mkdtempSync(join(resolve('.'), '.test-cli-'));
let status = 1;
try {
  await bundleCli(join(parent, 'cli'));
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, THREATMAP_TEST_BIN: join(parent, 'cli', 'threatmap.js') },
  });
  // A run stopped by a signal (a CI timeout, a closed terminal) would otherwise leave the bundle folder behind:
  // the signal goes on to the tests, and the folder goes once they have stopped.
  let stoppedBy;
  const forward = (signal) => {
    stoppedBy ??= signal;
    child.kill(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  const [code, signal] = await new Promise((done) => child.on('close', (c, s) => done([c, s])));
  for (const s of signals) process.off(s, forward);
  const byName = stoppedBy ?? signal;
  status = byName ? 128 + constants.signals[byName] : (code ?? 1);
} finally {
  rmSync(parent, { recursive: true, force: true });
}
process.exit(status);
