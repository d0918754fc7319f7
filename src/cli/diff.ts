// `threatmap diff`: what a change does to the threat model, for a pull-request comment (Markdown) or a
// pipeline (JSON). Two model files, or one model against itself at a git revision (`--base main`, read
// with `git show`; this module is the only place that runs git).
import { spawnSync } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import type { Rule } from '../analysis/rules/types.js';
import type { AnalysisResult } from '../analysis/types.js';
import { hasErrors } from '../model/diagnostics.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import type { Diagnostic } from '../model/types.js';
import { terminalSafeLine } from '../render/terminal-safe.js';
import { diffResults, modelSettingsOf, type ModelSetting } from '../track/diff.js';
import { renderDiffJson, renderDiffMarkdown } from '../track/diff-render.js';
import { applyTriage, defaultTriagePath, parseTriage } from '../track/triage.js';
import { emit, refuseStandardInput, shownName, UserError, writeStderr } from './io.js';
import { analyzeText } from './load.js';
import { loadTracked, today } from './triage.js';

interface GitRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** git run in `cwd`; git missing or failing to start is the user's to fix, said so. */
function runGit(args: string[], cwd: string): GitRun {
  const r = spawnSync('git', args, {
    cwd, encoding: 'utf8', maxBuffer: MAX_MODEL_BYTES + 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? '--base needs git, and git is not installed' : `git ${args[0]} failed: ${r.error.message}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

/** What --base may name: an empty one would make `git show :./file` read the index, not a revision. */
export function checkRevision(rev: string): void {
  if (rev.trim() === '') throw new UserError('--base needs a revision (e.g. --base origin/main), not an empty string');
  if (rev.startsWith('-') || /[\0\r\n]/.test(rev)) throw new UserError(`--base '${rev}': not a revision`);
}

/** `origin/main` when `origin` is one of the repository's remotes: the only kind of name a fetch can bring. */
function remoteBranch(rev: string, cwd: string): { remote: string; branch: string } | undefined {
  const m = /^([^/~^:@\s]+)\/([^~^:@\s]+)$/.exec(rev);
  if (!m) return undefined;
  const remotes = runGit(['remote'], cwd).stdout.split('\n').map((r) => r.trim());
  return remotes.includes(m[1]) ? { remote: m[1], branch: m[2] } : undefined;
}

/** Why a revision is not there, and what would bring it: advice fit for the name given, not one for all. */
function missingRevision(rev: string, cwd: string): string {
  const start = `--base ${rev}: no such revision in this repository`;
  if (runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], cwd).status !== 0 && runGit(['rev-list', '-n', '1', '--all'], cwd).stdout.trim() === '') {
    return `${start}: the repository has no commits yet (commit the model first)`;
  }
  const remote = remoteBranch(rev, cwd);
  if (remote) return `${start} (in CI, fetch it first, e.g. \`git fetch ${remote.remote} ${remote.branch}\`)`;
  if (/[~^]/.test(rev)) return `${start} (a shallow clone lacks older commits: fetch more history, e.g. \`git fetch --deepen=50\`, or fetch-depth: 0 in actions/checkout)`;
  return `${start} (check the name with \`git rev-parse --verify ${rev}\`)`;
}

/**
 * A file's text at a git revision, or undefined when the file did not exist there. `REV:./name` run in
 * the file's own directory lets git resolve the path, wherever the repository root is.
 */
export function gitShow(rev: string, path: string): string | undefined {
  checkRevision(rev);
  const abs = resolve(path);
  const cwd = dirname(abs);
  const r = runGit(['show', `${rev}:./${basename(abs)}`], cwd);
  if (r.status === 0) return r.stdout;
  const err = r.stderr;
  if (/does not exist in|exists on disk, but not in/i.test(err)) return undefined;
  if (/not a git repository/i.test(err)) throw new UserError(`--base ${rev}: ${path} is not in a git repository`);
  if (/invalid object name|unknown revision|bad revision|ambiguous argument|not a valid object/i.test(err)) {
    throw new UserError(missingRevision(rev, cwd));
  }
  throw new UserError(`--base ${rev}: git show failed: ${err.split('\n')[0] ?? ''}`);
}

/** Whether git tracks the file (committed or added): one it does not has no past to compare with. */
function isTracked(path: string): boolean {
  const abs = resolve(path);
  return runGit(['ls-files', '--error-unmatch', '--', `./${basename(abs)}`], dirname(abs)).status === 0;
}

export interface BaseSide {
  /** Undefined when the model did not exist at the revision, or did not load there. */
  result?: AnalysisResult;
  label: string;
  /** The model's rule settings and assumptions there: what the diff needs to tell a suppression from a fix. */
  settings?: ModelSetting[];
}

/** The first error of a file that does not load, as one line: `file:line: message`. */
function firstError(diagnostics: readonly Diagnostic[]): string {
  const d = diagnostics.find((x) => x.severity === 'error') ?? diagnostics[0];
  return d ? `${d.file}:${d.line}: ${d.message}` : 'no reason given';
}

/**
 * A base that does not load is compared as no model at all, said in one line: failing the change would block the
 * pull request that repairs it, while judging every threat as new keeps the gate at its strictest.
 */
function unloadableBase(label: string, what: string, diagnostics: readonly Diagnostic[]): BaseSide {
  writeStderr(terminalSafeLine(`warning: the base revision's ${what} does not load (${firstError(diagnostics)}): every threat is judged as new`) + '\n');
  return { label: `${label} (does not load)` };
}

/**
 * The model (and its triage file, when it had one) at a git revision, analysed as it was then with the same
 * rules as the current side (`rules`: the rule set that ran on it), with decisions judged against the same day.
 */
export function loadAtRevision(rev: string, model: string, triagePath?: string, rules: readonly Rule[] = BUILTIN_RULES): BaseSide {
  refuseStandardInput(model, `--base ${rev} reads the model's file as git has it: give its file name, not -`);
  const label = `${rev}:${model}`;
  const text = gitShow(rev, model);
  if (text === undefined) {
    // An untracked model compares as new, but said so: it would be new at every revision, and in no commit.
    if (!isTracked(model)) writeStderr(`warning: --base ${rev}: ${model} is untracked by git, so it has no version at ${rev}: compared as a new model (git add it to keep it)\n`);
    return { label };
  }
  const { loaded, diagnostics } = analyzeText(text, label, rules);
  if (!loaded) return unloadableBase(label, 'model', diagnostics);
  const triageFile = triagePath ?? defaultTriagePath(model);
  const triageText = gitShow(rev, triageFile);
  const parsed = triageText === undefined ? undefined : parseTriage(triageText, `${rev}:${triageFile}`);
  if (parsed && (!parsed.triage || hasErrors(parsed.diagnostics))) return unloadableBase(label, 'triage file', parsed.diagnostics);
  return { result: applyTriage(loaded.result, parsed?.triage, { today: today() }), label, settings: modelSettingsOf(loaded.model, loaded.source) };
}

interface DiffCliOptions {
  base?: string;
  format: 'markdown' | 'json';
  output?: string;
  triage?: string;
  quiet?: boolean;
  /** A folder of custom rules (`--rules DIR`), run on both sides. */
  rules?: string;
}

export async function diffAction(first: string, second: string | undefined, opts: DiffCliOptions): Promise<void> {
  if (opts.base !== undefined) {
    if (second !== undefined) throw new UserError('with --base, give one model: threatmap diff MODEL --base REV');
    refuseStandardInput(first, `--base ${opts.base} reads the model's file as git has it: give its file name, not -`);
    checkRevision(opts.base);
    // The current side first: the revision is analysed with the rules that ran on it.
    const next = loadTracked(first, { triage: opts.triage, quiet: opts.quiet, rules: opts.rules });
    const base = loadAtRevision(opts.base, first, opts.triage, next.rules);
    await emitDiff(base.result, next.result, { old: base.label, new: first }, opts, { old: base.settings, new: modelSettingsOf(next.model, next.source) });
    return;
  }
  if (second === undefined) throw new UserError('give two model files, or one model and --base REV');
  const old = loadTracked(first, { quiet: true, rules: opts.rules });
  const next = loadTracked(second, { triage: opts.triage, quiet: opts.quiet, rules: opts.rules });
  await emitDiff(old.result, next.result, { old: shownName(first), new: shownName(second) }, opts, {
    old: modelSettingsOf(old.model, old.source), new: modelSettingsOf(next.model, next.source),
  });
}

async function emitDiff(
  old: AnalysisResult | undefined, next: AnalysisResult, labels: { old: string; new: string }, opts: DiffCliOptions,
  settings: { old?: readonly ModelSetting[]; new: readonly ModelSetting[] },
): Promise<void> {
  const diff = diffResults(old, next, labels, { settings });
  await emit(opts.output, opts.format === 'json' ? renderDiffJson(diff) : renderDiffMarkdown(diff));
}
