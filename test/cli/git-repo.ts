// The CLI gate as a team runs it, for the tests of `check --new-only --base`, `diff --base` and the CI output: a
// temporary git repository whose `main` holds the e-commerce example, and the CLI run in it as a person would, with
// "today" fixed by THREATMAP_TODAY. The repositories are removed when the test process ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './bin.js';
import { noStack, type Run } from './run-cli.js';

/** A child's output, failing when standard error holds a stack trace: bad input gets a message, never a trace. */
function finish(r: ReturnType<typeof spawnSync>): Run {
  const [stdout, stderr] = [String(r.stdout), String(r.stderr)];
  noStack(stderr);
  return { code: r.status, stdout, stderr };
}

export interface RunOptions {
  cwd?: string;
  /** THREATMAP_TODAY; 2027-01-15 unless given. */
  today?: string;
  env?: Record<string, string | undefined>;
}

/**
 * The environment of a command: "today" fixed, and GITHUB_STEP_SUMMARY unset unless given, so that a run of the
 * tests on GitHub Actions writes nothing into its own job summary.
 */
function envOf(options: RunOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, THREATMAP_TODAY: options.today ?? '2027-01-15' };
  delete env.GITHUB_STEP_SUMMARY;
  return { ...env, ...options.env };
}

/** `threatmap ARGS` in `cwd` (this process's by default). */
export const run = (args: string[], options: RunOptions = {}): Run =>
  finish(spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: options.cwd ?? process.cwd(), env: envOf(options) }));

/** git in `cwd` as a set user, never signing: the machine's own git settings must not change what a test sees. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const made: string[] = [];
// Synchronous, as an `exit` listener must be; a test that fails leaves nothing behind either.
process.on('exit', () => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

export interface RepositoryOptions {
  /** The start of the temporary folder's name: which suite made it. */
  prefix: string;
  /** Files committed beside the model, by name (e.g. its triage file). */
  files?: Record<string, string>;
  /** A branch checked out after the commit: the change under test is then on it, `main` its base. */
  branch?: string;
}

/** A repository whose `main` holds the e-commerce example as shop.yaml (and the files given), in one commit. */
export function modelRepository(options: RepositoryOptions): { dir: string; model: string } {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  made.push(dir);
  const model = join(dir, 'shop.yaml');
  copyFileSync('examples/ecommerce.yaml', model);
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), text);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'model');
  if (options.branch !== undefined) git(dir, 'checkout', '-q', '-b', options.branch);
  return { dir, model };
}

/** Changes the file at `path` as `edit` says, in the working tree (not committed). */
export const editFile = (path: string, edit: (text: string) => string): void => writeFileSync(path, edit(readFileSync(path, 'utf8')));

/** Adds `more` at the end of the file at `path`, after its last line. */
export const append = (path: string, more: string): void => editFile(path, (text) => `${text.trimEnd()}\n${more}`);

/** A triage file accepting the example's High `no-rate-limiting@api:/search` (its entry on line 3) until `expires`. */
export const searchAccepted = (expires: string): string => `threatmap-triage: 1
threats:
  "no-rate-limiting@api:/search":
    status: accepted
    reason: the catalogue is public and cached at the CDN
    expires: ${expires}
`;
