// `threatmap diff`: what a change does to the threat model, for a pull-request comment (Markdown) or a
// pipeline (JSON). Two model files, or one model against itself at a git revision (`--base main`, read
// with `git show`; this module is the only place that runs git).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import type { Rule } from '../analysis/rules/types.js';
import type { AnalysisResult } from '../analysis/types.js';
import { hasErrors } from '../model/diagnostics.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import type { Diagnostic } from '../model/types.js';
import { terminalSafeLine } from '../render/terminal-safe.js';
import { type DiffLabels, diffResults, modelSettingsOf, type ModelSetting } from '../track/diff.js';
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
  return showAt(rev, `./${basename(abs)}`, dirname(abs), path);
}

/** `git show REV:spec` run in `cwd` (`./name` from there, or a path from the repository's root); `path` names it in messages. */
function showAt(rev: string, spec: string, cwd: string, path: string): string | undefined {
  const r = runGit(['show', `${rev}:${spec}`], cwd);
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

/** The extensions a model file may have: a model converted from one to another is the same model. */
const MODEL_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** The file's path from the repository's root, as `git show REV:path` and `git diff` name it; undefined outside a repository. */
function pathFromRoot(abs: string): string | undefined {
  const r = runGit(['rev-parse', '--show-prefix'], dirname(abs));
  return r.status === 0 ? `${r.stdout.trim()}${basename(abs)}` : undefined;
}

/**
 * The path `now` (from the root) had at `rev`, when git's rename detection pairs it with a path gone since: the
 * whole tree is compared, as a pathspec would hide the old path from the detection.
 */
function renamedFrom(rev: string, now: string, cwd: string): string | undefined {
  const r = runGit(['diff', '--find-renames', '--name-status', '-z', '--diff-filter=R', '--no-ext-diff', '--no-color', rev, '--'], cwd);
  if (r.status !== 0) return undefined;
  // -z: `R<score>`, the old path and the new one, each ended by a NUL, so that no path needs unquoting.
  const fields = r.stdout.split('\0');
  for (let i = 0; i + 2 < fields.length; i += 3) if (fields[i + 2] === now) return fields[i + 1];
  return undefined;
}

/**
 * The same stem with the other model extensions (`shop.yaml` -> `shop.yml`, `shop.json`), from the root, for a model
 * converted in the change (too different for rename detection). One still on disk is a model of its own, never this one.
 */
function otherExtensions(abs: string, now: string): string[] {
  const ext = extname(abs).toLowerCase();
  if (!(MODEL_EXTENSIONS as readonly string[]).includes(ext)) return [];
  const stem = now.slice(0, now.length - ext.length);
  const absStem = abs.slice(0, abs.length - ext.length);
  return MODEL_EXTENSIONS.filter((e) => e !== ext && !existsSync(`${absStem}${e}`)).map((e) => `${stem}${e}`);
}

/** The model at a revision: its text, and its path from the root when it had another path there. */
interface ModelAtRevision {
  text: string;
  renamedFrom?: string;
}

/**
 * The model's text at `rev`: at its own path, else at the path git's rename detection gives it there, else under
 * the same name with another extension. A note says which path was used, as the gate then compares with another file.
 */
function modelAtRevision(rev: string, model: string): ModelAtRevision | undefined {
  const text = gitShow(rev, model);
  if (text !== undefined) return { text };
  const abs = resolve(model);
  const cwd = dirname(abs);
  const now = pathFromRoot(abs);
  if (now === undefined) return undefined;
  const renamed = renamedFrom(rev, now, cwd);
  const candidates: Array<[string, string]> = [
    ...(renamed !== undefined ? [[renamed, 'git detects a rename'] as [string, string]] : []),
    ...otherExtensions(abs, now).map((p): [string, string] => [p, 'the same model under another extension']),
  ];
  for (const [path, why] of candidates) {
    const old = showAt(rev, path, cwd, path);
    if (old === undefined) continue;
    writeStderr(terminalSafeLine(`note: --base ${rev}: ${model} has no version at ${rev} under that name; compared with ${rev}:${path} (${why})`) + '\n');
    return { text: old, renamedFrom: path };
  }
  return undefined;
}

export interface BaseSide {
  /** Undefined when the model did not exist at the revision, or did not load there. */
  result?: AnalysisResult;
  label: string;
  /** The model did not load at the revision: its first error (`file:line:col: message`). */
  loadError?: string;
  /** The model's rule settings and assumptions there: what the diff needs to tell a suppression from a fix. */
  settings?: ModelSetting[];
}

/** The first error of a file that does not load, as one line: `file:line:col: message`. */
function firstError(diagnostics: readonly Diagnostic[]): string {
  const d = diagnostics.find((x) => x.severity === 'error') ?? diagnostics[0];
  return d ? terminalSafeLine(`${d.file}:${d.line}:${d.col}: ${d.message}`) : 'no reason given';
}

/**
 * A base that does not load is compared as no model at all, said in one line: failing the change would block the
 * pull request that repairs it, while judging every threat as new keeps the gate at its strictest.
 */
function unloadableBase(label: string, what: string, diagnostics: readonly Diagnostic[]): BaseSide {
  const loadError = firstError(diagnostics);
  writeStderr(`warning: the base revision's ${what} does not load (${loadError}): every threat is judged as new\n`);
  return { label, loadError };
}

/**
 * The model (and its triage file, when it had one) at a git revision, analysed as it was then with the same
 * rules as the current side (`rules`: the rule set that ran on it), with decisions judged against the same day.
 */
export function loadAtRevision(rev: string, model: string, triagePath?: string, rules: readonly Rule[] = BUILTIN_RULES): BaseSide {
  refuseStandardInput(model, `--base ${rev} reads the model's file as git has it: give its file name, not -`);
  const found = modelAtRevision(rev, model);
  if (found === undefined) {
    // An untracked model compares as new, but said so: it would be new at every revision, and in no commit.
    if (!isTracked(model)) writeStderr(`warning: --base ${rev}: ${model} is untracked by git, so it has no version at ${rev}: compared as a new model (git add it to keep it)\n`);
    return { label: `${rev}:${model}` };
  }
  const label = `${rev}:${found.renamedFrom ?? model}`;
  const { loaded, diagnostics } = analyzeText(found.text, label, rules);
  if (!loaded) return unloadableBase(label, 'model', diagnostics);
  const triageFile = triagePath ?? defaultTriagePath(found.renamedFrom ?? model);
  // A renamed model's triage file is looked for beside its path there, named from the root as that path is.
  const triageText = triagePath === undefined && found.renamedFrom !== undefined
    ? showAt(rev, triageFile, dirname(resolve(model)), triageFile)
    : gitShow(rev, triageFile);
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
    await emitDiff(base.result, next.result, { old: base.label, new: first, ...(base.loadError !== undefined ? { oldLoadError: base.loadError } : {}) }, opts, { old: base.settings, new: modelSettingsOf(next.model, next.source) });
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
  old: AnalysisResult | undefined, next: AnalysisResult, labels: DiffLabels, opts: DiffCliOptions,
  settings: { old?: readonly ModelSetting[]; new: readonly ModelSetting[] },
): Promise<void> {
  const diff = diffResults(old, next, labels, { settings });
  await emit(opts.output, opts.format === 'json' ? renderDiffJson(diff) : renderDiffMarkdown(diff));
}
