// `threatmap diff`: what a change does to the threat model, for a pull-request comment (Markdown) or a
// pipeline (JSON). Two model files, or one model against itself at a git revision (`--base main`, read
// with `git show`; this module is the only place that runs git).
import { spawnSync } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { analyze } from '../analysis/analyze.js';
import type { AnalysisResult } from '../analysis/types.js';
import { formatDiagnostics, hasErrors } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import { diffResults } from '../track/diff.js';
import { renderDiffJson, renderDiffMarkdown } from '../track/diff-render.js';
import { applyTriage, defaultTriagePath } from '../track/triage.js';
import { emit, UserError } from './io.js';
import { checkTriage, loadTracked, today } from './triage.js';

/**
 * A file's text at a git revision, or undefined when the file did not exist there. `REV:./name` run in
 * the file's own directory lets git resolve the path, wherever the repository root is.
 */
export function gitShow(rev: string, path: string): string | undefined {
  if (rev.startsWith('-') || /[\0\r\n]/.test(rev)) throw new UserError(`--base '${rev}': not a revision`);
  const abs = resolve(path);
  const r = spawnSync('git', ['show', `${rev}:./${basename(abs)}`], {
    cwd: dirname(abs), encoding: 'utf8', maxBuffer: MAX_MODEL_BYTES + 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? '--base needs git, and git is not installed' : `git show failed: ${r.error.message}`);
  }
  if (r.status === 0) return r.stdout;
  const err = r.stderr.trim();
  if (/does not exist in|exists on disk, but not in/i.test(err)) return undefined;
  if (/not a git repository/i.test(err)) throw new UserError(`--base ${rev}: ${path} is not in a git repository`);
  if (/invalid object name|unknown revision|bad revision|ambiguous argument|not a valid object/i.test(err)) {
    throw new UserError(`--base ${rev}: no such revision in this repository (in CI, fetch it first, e.g. \`git fetch origin ${rev}\`)`);
  }
  throw new UserError(`--base ${rev}: git show failed: ${err.split('\n')[0] ?? ''}`);
}

export interface BaseSide {
  /** Undefined when the model did not exist at the revision. */
  result?: AnalysisResult;
  label: string;
}

/**
 * The model (and its triage file, when it had one) at a git revision, analysed as it was then, with
 * decisions judged against the same day as the current side.
 */
export function loadAtRevision(rev: string, model: string, triagePath?: string): BaseSide {
  const label = `${rev}:${model}`;
  const text = gitShow(rev, model);
  if (text === undefined) return { label };
  const loaded = loadModel(text, label);
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    throw new UserError(`the model at ${rev} does not load:\n${formatDiagnostics(loaded.diagnostics).trimEnd()}`);
  }
  const result = analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics });
  const triageFile = triagePath ?? defaultTriagePath(model);
  const triageText = gitShow(rev, triageFile);
  const triage = triageText === undefined ? undefined : checkTriage(triageText, `${rev}:${triageFile}`);
  return { result: applyTriage(result, triage, { today: today() }), label };
}

interface DiffCliOptions {
  base?: string;
  format: 'markdown' | 'json';
  output?: string;
  triage?: string;
  quiet?: boolean;
}

export function diffAction(first: string, second: string | undefined, opts: DiffCliOptions): void {
  let old: AnalysisResult | undefined;
  let labels: { old: string; new: string };
  let model: string;
  if (opts.base !== undefined) {
    if (second !== undefined) throw new UserError('with --base, give one model: threatmap diff MODEL --base REV');
    model = first;
    const base = loadAtRevision(opts.base, first, opts.triage);
    old = base.result;
    labels = { old: base.label, new: first };
  } else {
    if (second === undefined) throw new UserError('give two model files, or one model and --base REV');
    old = loadTracked(first, { quiet: true }).result;
    model = second;
    labels = { old: first, new: second };
  }
  const next = loadTracked(model, { triage: opts.triage, quiet: opts.quiet }).result;
  const diff = diffResults(old, next, labels);
  emit(opts.output, opts.format === 'json' ? renderDiffJson(diff) : renderDiffMarkdown(diff));
}
