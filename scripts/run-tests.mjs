// Runs every test/**/*.test.ts with node's test runner. Node 20 runs zero tests when given no files
// (and exits 0), so the files are listed explicitly and an empty list is a failure.
// The CLI the tests start is bundled once here for all test files (see test/cli/bin.ts).
import { spawnSync } from 'node:child_process';
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
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, THREATMAP_TEST_BIN: join(parent, 'cli', 'threatmap.js') },
  });
  status = result.status ?? 1;
} finally {
  rmSync(parent, { recursive: true, force: true });
}
process.exit(status);
