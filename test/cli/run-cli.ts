// The CLI as the tests run it: from source through tsx, in a child process, as a person would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

export function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Fails when the text holds a stack trace: bad input gets a message, never a trace. */
export const noStack = (text: string): void => assert.ok(!/\n\s+at .+:\d+:\d+\)?/.test(text), `stack trace in output:\n${text}`);
