// `threatmap check`: the CI gate. Exit 1 when open threats at or above a risk level exist (with
// `--new-only --base REV`, only those that did not fail at the base revision), or with
// `--fail-on-easier-paths --base REV` when a change makes an asset easier to reach; 0 otherwise, 2 for
// invalid input. Prints one screen: the verdict, the counts, the failing threats with file:line, what to do.
import { appendFileSync, existsSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { riskRank } from '../analysis/risk.js';
import type { AnalysisResult, Risk, Threat } from '../analysis/types.js';
import {
  failingThreats, modelSettingsOf, newlyFailing, type PathChange, pathChanges, type SuppressedThreat, suppressedByModel, suppressedPastGate, threatRef,
} from '../track/diff.js';
import { hardnessOf } from '../track/diff-render.js';
import { applyTriage, countsPhrase, DECIDED_STATUSES, defaultTriagePath, residualOf, uidOf } from '../track/triage.js';
import type { TriageStatus } from '../track/types.js';
import { threatLocation } from '../render/sarif.js';
import { loadAtRevision } from './diff.js';
import { type Annotation, formatAnnotations, jobSummary, type SummaryThreat } from '../render/github.js';
import { terminalSafe } from '../render/terminal-safe.js';
import { describeError, emit, refuseStandardInput, shownName, STDIN, STDIN_LABEL, UserError, writeStderr } from './io.js';
import { loadOrExit } from './load.js';
import { loadTracked, readTriage, type Tracked, term, today } from './triage.js';

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * An argument as a POSIX shell reads it back: as it is when it holds only characters no shell treats specially,
 * else in single quotes (a quote inside written '\''), so that a suggested command can be pasted as printed.
 */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line to suggest, every argument quoted as it needs. */
const suggest = (...args: string[]): string => ['threatmap', ...args].map(shellQuote).join(' ');

/** At most this many failing threats are listed, so that the summary fits one screen. */
const MAX_LISTED = 15;

interface CheckCliOptions {
  failOn: Risk;
  newOnly?: boolean;
  base?: string;
  triage?: string;
  format: 'text' | 'json' | 'github';
  /** With --new-only, let the model's own settings (rules.disable, rules.override, assumptions) take threats out of the gate. */
  allowModelSuppressions?: boolean;
  failOnStale?: boolean;
  failOnEasierPaths?: boolean;
  failOnExpired?: boolean;
  quiet?: boolean;
  /** A folder of custom rules (`--rules DIR`), run on the model and on the base revision. */
  rules?: string;
}

/** A closing decision (accepted, mitigated...) whose `expires` has passed: its threat is open again. */
export interface ExpiredDecision {
  id: string;
  uid: string;
  key: string;
  title: string;
  componentName: string;
  risk: Risk;
  /** The decision as written, no longer in force. */
  status: TriageStatus;
  expires: string;
  /** Where the decision is written: the triage file and the line of its entry. */
  file: string;
  line: number;
}

/**
 * The closing decisions that lapsed by `day`, in report order. Judged from the dates, not only from the status the
 * decision left behind: a decision reopened for another reason is not an expiry.
 */
export function expiredDecisions(r: AnalysisResult, day: string): ExpiredDecision[] {
  const file = residualOf(r).file;
  return r.threats.flatMap((t): ExpiredDecision[] => {
    const tr = t.triage;
    if (!tr?.declared || tr.expires === undefined || tr.line === undefined || tr.expires >= day || !DECIDED_STATUSES.includes(tr.declared)) return [];
    return [{
      id: t.id, uid: uidOf(t), key: t.key, title: t.title, componentName: t.componentName, risk: t.risk, status: tr.declared, expires: tr.expires, file, line: tr.line,
    }];
  });
}

export interface CheckOutcome {
  model: string;
  failOn: Risk;
  newOnly: boolean;
  base?: string;
  passed: boolean;
  failing: Threat[];
  staleFailed: boolean;
  /** --fail-on-easier-paths: the attack paths were compared with the base. */
  pathsChecked: boolean;
  /** The assets an entry point reaches more easily than at the base (none unless compared). */
  easierPaths: PathChange[];
  /** --fail-on-expired: lapsed decisions were looked for. */
  expiredChecked: boolean;
  /** --fail-on-expired: the lapsed closing decisions of threats at or above the level (none without it). */
  expiredFailing: ExpiredDecision[];
  /** --new-only: threats at or above the level the change's model settings took out or re-rated below it. */
  suppressed: SuppressedThreat[];
  /** Those that fail the gate: all of them, none with --allow-model-suppressions. */
  suppressedFailing: SuppressedThreat[];
}

/** The verdict in one line, after `threatmap check MODEL: `: PASS or FAIL, and the first reason it fails. */
function verdictOf(o: CheckOutcome): string {
  const s = (n: number) => (n === 1 ? '' : 's');
  if (o.passed) {
    return `PASS, no ${o.newOnly ? 'new ' : ''}open threat at or above ${o.failOn}${o.pathsChecked ? `, no asset easier to reach than at ${o.base}` : ''}${o.expiredChecked ? `, no expired decision at or above ${o.failOn}` : ''}`;
  }
  if (o.failing.length > 0) {
    const scope = o.newOnly ? `new open threat${s(o.failing.length)} (not failing at ${o.base})` : `open threat${s(o.failing.length)}`;
    return `FAIL, ${o.failing.length} ${scope} at or above ${o.failOn}`;
  }
  const n = o.suppressedFailing.length;
  if (n > 0) return `FAIL, ${n} threat${s(n)} at or above ${o.failOn} suppressed or re-rated below it by the model in this change`;
  if (o.easierPaths.length > 0) return `FAIL, ${o.easierPaths.length} asset${s(o.easierPaths.length)} easier to reach than at ${o.base} (--fail-on-easier-paths)`;
  if (o.expiredFailing.length > 0) return `FAIL, ${o.expiredFailing.length} expired decision${s(o.expiredFailing.length)} at or above ${o.failOn} (--fail-on-expired)`;
  return 'FAIL, stale triage entries (--fail-on-stale)';
}

/** A model from standard input has no name to paste into the commands suggested. */
const modelArg = (r: AnalysisResult): string => (r.file === STDIN_LABEL ? 'MODEL' : r.file);

/** Where a model setting is written: `shop.yaml:12:5`, or the model and the setting's path when its line is unknown. */
export function settingPlace(s: SuppressedThreat, file: string): string {
  if (s.by.line === undefined) return `${file} (${s.by.path})`;
  return `${file}:${s.by.line}${s.by.col !== undefined ? `:${s.by.col}` : ''}`;
}

/** What the model did to a threat in this change, and which of its lines did it. */
export function suppressionWords(s: SuppressedThreat, file: string): string {
  const what = s.after ? `re-rated ${s.threat.risk} -> ${s.after.risk}` : 'suppressed';
  const by = s.by.kind === 'assumption' ? `the assumption "${clip(s.by.text, 80)}"` : s.by.text;
  return `${what} by ${by} at ${settingPlace(s, file)} in this change`;
}

/** What to do instead of a model suppression: a decision has an owner, a reason and an expiry; the flag is the way out. */
const suppressionAdvice = (s: SuppressedThreat, model: string): string =>
  `record it in triage instead (take that line out, then ${suggest('triage', model, s.threat.uid)} --status accepted --reason "..." --expires YYYY-MM-DD), or pass --allow-model-suppressions`;

/** The gate's message about one suppressed threat: what did it, and (when it fails the gate) what to do instead. */
export function suppressionMessage(s: SuppressedThreat, r: AnalysisResult, failing: boolean): string {
  const words = suppressionWords(s, r.file);
  return failing ? `${words}: ${suppressionAdvice(s, modelArg(r))}` : `${words} (allowed by --allow-model-suppressions)`;
}

function suppressedLines(r: AnalysisResult, o: CheckOutcome): string[] {
  if (o.suppressed.length === 0) return [];
  const failing = o.suppressedFailing.length > 0;
  const lines = ['', failing
    ? `  threats at or above ${o.failOn} the model's settings take out of the gate in this change, with no triage decision:`
    : `  threats at or above ${o.failOn} the model's settings take out of the gate in this change (allowed by --allow-model-suppressions):`];
  for (const s of o.suppressed.slice(0, MAX_LISTED)) {
    lines.push(`  ${s.threat.uid}  ${s.threat.risk.padEnd(8)}  ${clip(term(s.threat.title), 70)} [${clip(term(s.threat.componentName), 30)}]`,
      `      ${term(failing ? suppressionMessage(s, r, true) : suppressionWords(s, r.file))}`);
  }
  if (o.suppressed.length > MAX_LISTED) lines.push(`  ... and ${o.suppressed.length - MAX_LISTED} more (${suggest('diff', modelArg(r), '--base', o.base!)})`);
  return lines;
}

function textSummary(r: AnalysisResult, o: CheckOutcome): string {
  const tri = residualOf(r);
  const model = modelArg(r);
  const lines = [
    `threatmap check ${r.file}: ${verdictOf(o)}`,
    `  ${r.threats.length} threats; open: ${countsPhrase(tri.open)}; closed by decision: ${countsPhrase(tri.closed)}`,
  ];
  if (o.failing.length) {
    lines.push('');
    const shown = o.failing.slice(0, MAX_LISTED);
    const w = Math.max(...shown.map((t) => t.id.length));
    for (const t of shown) {
      const loc = threatLocation(r, t);
      lines.push(`  ${t.id.padEnd(w)}  ${uidOf(t)}  ${t.risk.padEnd(8)}  ${clip(term(t.title), 70)} [${clip(term(t.componentName), 30)}]  ${r.file}:${loc.line}`);
    }
    if (o.failing.length > shown.length) lines.push(`  ... and ${o.failing.length - shown.length} more (${suggest('analyze', model, '--min-risk', o.failOn.toLowerCase())})`);
  }
  if (o.easierPaths.length) {
    lines.push('', `  easier attack paths than at ${o.base}:`);
    for (const c of o.easierPaths.slice(0, MAX_LISTED)) {
      lines.push(`  ${clip(term(c.assetName), 30)}: ${hardnessOf(c.before)} -> ${hardnessOf(c.after)}: ${clip(term(c.after!.route.join(' -> ')), 90)}`);
    }
    if (o.easierPaths.length > MAX_LISTED) lines.push(`  ... and ${o.easierPaths.length - MAX_LISTED} more (${suggest('diff', model, '--base', o.base!)})`);
  }
  lines.push(...suppressedLines(r, o));
  if (o.expiredFailing.length) lines.push('', ...expiredLines(o.expiredFailing, o.failOn));
  const notes: string[] = [];
  const expired = tri.warnings.filter((w) => w.code === 'expired').length;
  if (expired) notes.push(`${expired} expired decision${expired === 1 ? '' : 's'}`);
  if (tri.stale.length) notes.push(`${tri.stale.length} stale triage entr${tri.stale.length === 1 ? 'y' : 'ies'}${o.staleFailed ? ' (failing: --fail-on-stale)' : ''}`);
  if (notes.length) lines.push('', `  triage: ${notes.join(', ')}; see the warnings above or \`${suggest('triage', model)}\``);
  if (!o.passed && o.failing.length) {
    const first = o.failing[0];
    lines.push('', `Fix them in the design (the model says what mitigates each), or record a decision, e.g.:`,
      `  ${suggest('triage', model, uidOf(first))} --status accepted --reason "..." --expires YYYY-MM-DD`);
  } else if (o.expiredFailing.length) {
    lines.push('', `Fix them, or review each decision and renew it (its status is kept), e.g.:`,
      `  ${suggest('triage', model, o.expiredFailing[0].uid)} --expires YYYY-MM-DD`);
  }
  return `${lines.join('\n')}\n`;
}

/** The lapsed decisions that fail the gate: risk, stable id, title, where the decision is written and when it lapsed. */
function expiredLines(expired: readonly ExpiredDecision[], failOn: Risk): string[] {
  const shown = expired.slice(0, MAX_LISTED);
  const w = Math.max(...shown.map((e) => e.id.length));
  const lines = [`  expired decisions at or above ${failOn} (--fail-on-expired):`];
  for (const e of shown) {
    lines.push(`  ${e.id.padEnd(w)}  ${e.uid}  ${e.risk.padEnd(8)}  ${clip(term(e.title), 70)} [${clip(term(e.componentName), 30)}]  ${term(e.file)}:${e.line}  ${e.status}, expired on ${e.expires}`);
  }
  if (expired.length > shown.length) lines.push(`  ... and ${expired.length - shown.length} more (see the warnings above)`);
  return lines;
}

/** A suppressed threat in `check --format json`: the threat at the base, what it is now, the model line, and whether it fails. */
function suppressedJson(s: SuppressedThreat, file: string, failing: boolean) {
  return {
    ...s.threat, ...(s.after ? { now: { risk: s.after.risk, status: s.after.status } } : {}),
    by: { kind: s.by.kind, text: s.by.text, path: s.by.path, file, ...(s.by.line !== undefined ? { line: s.by.line } : {}), ...(s.by.col !== undefined ? { col: s.by.col } : {}) },
    failing,
  };
}

/**
 * A file as GitHub names it in an annotation: relative to the repository's root, which is the working directory of
 * a workflow's steps; a path given absolute is made relative to it.
 */
const annotationFile = (file: string): string | undefined =>
  // Standard input is no file of the repository: its annotations stand on the run, at no line.
  (file === STDIN_LABEL || file === '' ? undefined : (isAbsolute(file) ? relative(process.cwd(), file) : file).split(sep).join('/'));

/** The threat as an annotation names it: title, component, stable id and risk. */
const threatWords = (t: { title: string; componentName: string; uid: string; risk: Risk }): string => `${t.title} [${t.componentName}] (${t.uid}, ${t.risk})`;

/** Every reason the gate fails, as an error on the line to change; triage warnings (stale, drifted, due) as warnings. */
function annotationsOf(r: AnalysisResult, o: CheckOutcome): Annotation[] {
  const file = annotationFile(r.file);
  const model = modelArg(r);
  const out: Annotation[] = o.failing.map((t) => {
    const loc = threatLocation(r, t);
    return {
      level: 'error', file, line: loc.line, col: loc.col, title: `${t.risk} threat: ${t.title}`,
      message: `${threatWords({ ...t, uid: uidOf(t) })} is open${o.newOnly ? ` and did not fail at ${o.base}` : ''}, at or above ${o.failOn}: `
        + `fix it in the design, or record a decision (${suggest('triage', model, uidOf(t))} --status accepted --reason "..." --expires YYYY-MM-DD)`,
    };
  });
  const failing = o.suppressedFailing.length > 0;
  for (const s of o.suppressed) {
    out.push({
      level: failing ? 'error' : 'warning', file, line: s.by.line, col: s.by.col, title: `${s.threat.risk} threat suppressed by the model: ${s.threat.title}`,
      message: `${threatWords(s.threat)} ${suppressionMessage(s, r, failing)}`,
    });
  }
  for (const c of o.easierPaths) {
    out.push({ level: 'error', file, title: `Easier attack path to ${c.assetName}`, message: `${c.assetName}: ${hardnessOf(c.before)} -> ${hardnessOf(c.after)} (than at ${o.base}): ${c.after?.route.join(' -> ') ?? ''}` });
  }
  for (const e of o.expiredFailing) {
    out.push({
      level: 'error', file: annotationFile(e.file), line: e.line, title: `Expired decision: ${e.title}`,
      message: `${e.status} decision of ${threatWords(e)} expired on ${e.expires}: fix the threat, or review the decision and renew it (${suggest('triage', model, e.uid)} --expires YYYY-MM-DD)`,
    });
  }
  // A lapsed decision that fails the gate is an error above; its warning would say it twice.
  const lapsed = new Set(o.expiredFailing.map((e) => e.uid));
  for (const w of residualOf(r).warnings) {
    if (w.code === 'expired' && w.uid !== undefined && lapsed.has(w.uid)) continue;
    const level = w.code === 'stale-entry' && o.staleFailed ? 'error' : 'warning';
    out.push({ level, file: annotationFile(w.file), line: w.line, col: w.col, title: `threatmap ${w.code}`, message: w.message });
  }
  return out;
}

/** The job summary: the verdict, the counts by risk, and the failing threats (open, or taken out by the model) as a table. */
function summaryOf(r: AnalysisResult, o: CheckOutcome): string {
  const tri = residualOf(r);
  const failing: SummaryThreat[] = o.failing.map((t) => ({
    uid: uidOf(t), risk: t.risk, title: t.title, component: t.componentName, where: `${r.file}:${threatLocation(r, t).line}`, ...(o.suppressedFailing.length ? { why: 'open' } : {}),
  }));
  for (const s of o.suppressedFailing) {
    failing.push({
      uid: s.threat.uid, risk: s.threat.risk, title: s.threat.title, component: s.threat.componentName, where: settingPlace(s, r.file),
      why: `${s.after ? `re-rated to ${s.after.risk}` : 'suppressed'} by the model: ${s.by.kind === 'assumption' ? `assumption "${clip(s.by.text, 80)}"` : s.by.text}`,
    });
  }
  const notes = [
    ...(o.easierPaths.length ? [`${o.easierPaths.length} asset${o.easierPaths.length === 1 ? '' : 's'} easier to reach than at ${o.base} (--fail-on-easier-paths)`] : []),
    ...(o.expiredFailing.length ? [`${o.expiredFailing.length} expired decision${o.expiredFailing.length === 1 ? '' : 's'} at or above ${o.failOn} (--fail-on-expired)`] : []),
    ...(tri.stale.length ? [`${tri.stale.length} stale triage entr${tri.stale.length === 1 ? 'y' : 'ies'}${o.staleFailed ? ' (failing: --fail-on-stale)' : ''}`] : []),
    ...(o.suppressed.length && !o.suppressedFailing.length ? [`${o.suppressed.length} threat${o.suppressed.length === 1 ? '' : 's'} at or above ${o.failOn} suppressed by the model in this change (allowed by --allow-model-suppressions)`] : []),
  ];
  return jobSummary({ command: `threatmap check ${r.file}`, passed: o.passed, verdict: verdictOf(o), open: tri.open, closed: tri.closed, failing, notes });
}

/**
 * On GitHub Actions (GITHUB_STEP_SUMMARY names a file), the summary is appended to the job's: other steps and other
 * models write there too. A summary that cannot be written is warned about: the gate's verdict stays the exit code.
 */
function appendStepSummary(r: AnalysisResult, o: CheckOutcome): void {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (path === undefined || path === '') return;
  try {
    appendFileSync(path, terminalSafe(summaryOf(r, o)));
  } catch (err) {
    writeStderr(`warning: GITHUB_STEP_SUMMARY ${path}: the job summary was not written: ${describeError(err)}\n`);
  }
}

/**
 * The model and its decisions, as loadTracked has them. In github format the triage warnings are left to
 * annotationsOf: each is a `::warning`, which GitHub shows in the job log as well as on the file, so the plain line
 * loadTracked writes to standard error would say each twice. The model's own warnings stay plain lines (no
 * annotation says them). TrackOptions has no switch to leave out the triage warnings alone, hence the steps here.
 */
function loadChecked(model: string, opts: CheckCliOptions): Tracked {
  const options = { triage: opts.triage, quiet: opts.quiet, rules: opts.rules };
  const triagePath = opts.triage ?? (model === STDIN ? undefined : defaultTriagePath(model));
  // No triage file to read, no warning to say twice (and standard input keeps loadTracked's note).
  if (opts.format !== 'github' || opts.quiet || triagePath === undefined || (opts.triage === undefined && !existsSync(triagePath))) {
    return loadTracked(model, options);
  }
  const loaded = loadOrExit(model, options);
  const { triage, text } = readTriage(triagePath);
  return { ...loaded, result: applyTriage(loaded.result, triage, { today: today() }), triagePath, triageText: text };
}

export async function checkAction(model: string, opts: CheckCliOptions): Promise<void> {
  if (opts.newOnly && opts.base === undefined) throw new UserError('--new-only compares with a revision: add --base REV (e.g. --base origin/main)');
  if (opts.failOnEasierPaths && opts.base === undefined) throw new UserError('--fail-on-easier-paths compares with a revision: add --base REV (e.g. --base origin/main)');
  // Printed even with --quiet: a gate that silently compares with nothing looks like one that compares.
  if (opts.base !== undefined && !opts.newOnly && !opts.failOnEasierPaths) {
    writeStderr(`warning: --base ${opts.base} is used only by --new-only and --fail-on-easier-paths; ignored (every open threat at or above ${opts.failOn} counts)\n`);
  }
  if (opts.newOnly || opts.failOnEasierPaths) refuseStandardInput(model, `--base ${opts.base} reads the model's file as git has it: give its file name, not -`);
  const tracked = loadChecked(model, opts);
  const { result, rules } = tracked;
  const base = opts.newOnly || opts.failOnEasierPaths ? loadAtRevision(opts.base!, model, opts.triage, rules) : undefined;
  // Only a comparison sees what a change's model lines took away: without --new-only the model is judged as it is.
  const suppressed = opts.newOnly && base?.result
    ? suppressedPastGate(suppressedByModel(base.result, result, { settings: { old: base.settings, new: modelSettingsOf(tracked.model, tracked.source) } }), opts.failOn)
    : [];
  const suppressedFailing = opts.allowModelSuppressions ? [] : suppressed;
  // A model new at this revision has no paths to compare with: its paths are all new, not easier.
  const easierPaths = opts.failOnEasierPaths && base?.result ? pathChanges(base.result, result).easier : [];
  const failing = opts.newOnly ? newlyFailing(base!.result, result, opts.failOn) : failingThreats(result, opts.failOn);
  const residual = residualOf(result);
  const staleFailed = Boolean(opts.failOnStale && residual.stale.length > 0);
  // Judged on this revision alone, also with --new-only: a decision lapses with time, not with a change, so a
  // comparison with the base (judged the same day) would never see it.
  const expired = expiredDecisions(result, today());
  const expiredFailing = opts.failOnExpired ? expired.filter((e) => riskRank(e.risk) >= riskRank(opts.failOn)) : [];
  const outcome: CheckOutcome = {
    model, failOn: opts.failOn, newOnly: Boolean(opts.newOnly), ...(opts.base ? { base: opts.base } : {}),
    passed: failing.length === 0 && suppressedFailing.length === 0 && !staleFailed && easierPaths.length === 0 && expiredFailing.length === 0,
    failing, staleFailed, easierPaths, pathsChecked: Boolean(opts.failOnEasierPaths), expiredChecked: Boolean(opts.failOnExpired), expiredFailing,
    suppressed, suppressedFailing,
  };
  appendStepSummary(result, outcome);
  if (opts.format === 'json') {
    await emit(undefined, `${JSON.stringify({
      tool: 'threatmap', kind: 'check', model: shownName(model), failOn: outcome.failOn, newOnly: outcome.newOnly, base: opts.base ?? null,
      passed: outcome.passed, failing: failing.map(threatRef), open: residual.open, closed: residual.closed,
      stale: residual.stale, expired, ...(opts.failOnEasierPaths ? { easierPaths } : {}),
      ...(opts.newOnly ? { suppressedByModel: suppressed.map((x) => suppressedJson(x, result.file, suppressedFailing.length > 0)) } : {}),
    }, null, 2)}\n`);
  } else if (opts.format === 'github') {
    await emit(undefined, terminalSafe(`threatmap check ${result.file}: ${verdictOf(outcome)}\n${formatAnnotations(annotationsOf(result, outcome))}`));
  } else await emit(undefined, terminalSafe(textSummary(result, outcome)));
  if (!outcome.passed) throw new UserError('', 1);
}
