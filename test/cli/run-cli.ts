// The CLI as the tests run it: the bundled bin (./bin.ts), in a child process, as a person would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../temp.js';
import { CLI } from './bin.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const run = (...args: string[]): Run => runIn(process.cwd(), ...args);

/** `threatmap ARGS` in the folder `cwd`. */
export function runIn(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Fails when the text holds a stack trace: bad input gets a message, never a trace. */
export const noStack = (text: string): void => assert.ok(!/\n\s+at .+:\d+:\d+\)?/.test(text), `stack trace in output:\n${text}`);

/**
 * `threatmap import FILE -o` into a folder of its own, as every importer must behave: exit 0, nothing on
 * standard output, the model the only file written (with its triage file, when the imported file decided about
 * threats: every decision then matches a threat); then `validate` and `analyze` run on it and the report is
 * that of `system` (its name as the import gives it).
 */
export function importThenAnalyze(file: string, system: string): { out: string; stderr: string; text: string } {
  const dir = tempFolder('threatmap-import-');
  const out = join(dir, 'threatmap.yaml');
  const r = run('import', file, '-o', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  // The model, and its triage file when the imported file decided about some of its threats.
  const files = readdirSync(dir).sort();
  assert.ok(files.join() === 'threatmap.yaml' || files.join() === 'threatmap.triage.yaml,threatmap.yaml', files.join());
  assert.equal(run('validate', out).code, 0);
  const analyze = run('analyze', out);
  assert.equal(analyze.code, 0, analyze.stderr);
  assert.doesNotMatch(analyze.stderr, /stale-entry/);
  assert.ok(analyze.stdout.startsWith(`## Threat Model: ${system}\n`), analyze.stdout.slice(0, 200));
  return { out, stderr: r.stderr, text: readFileSync(out, 'utf8') };
}
