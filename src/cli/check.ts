// `threatmap check`: the CI gate. Exit 1 when open threats at or above a risk level exist (with
// `--new-only --base REV`, only those that did not fail at the base revision), or with
// `--fail-on-easier-paths --base REV` when a change makes an asset easier to reach; 0 otherwise, 2 for
// invalid input. Prints one screen: the verdict, the counts, the failing threats with file:line, what to do.
import { riskRank } from '../analysis/risk.js';
import type { AnalysisResult, Risk, Threat } from '../analysis/types.js';
import { failingThreats, newlyFailing, type PathChange, pathChanges, threatRef } from '../track/diff.js';
import { hardnessOf } from '../track/diff-render.js';
import { countsPhrase, DECIDED_STATUSES, residualOf, uidOf } from '../track/triage.js';
import type { TriageStatus } from '../track/types.js';
import { threatLocation } from '../render/sarif.js';
import { loadAtRevision } from './diff.js';
import { terminalSafe } from '../render/terminal-safe.js';
import { emit, refuseStandardInput, shownName, STDIN_LABEL, UserError, writeStderr } from './io.js';
import { loadTracked, term, today } from './triage.js';

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
  format: 'text' | 'json';
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
}

function textSummary(r: AnalysisResult, o: CheckOutcome): string {
  const tri = residualOf(r);
  // A model from standard input has no name to paste into the commands suggested.
  const model = r.file === STDIN_LABEL ? 'MODEL' : r.file;
  const scope = o.newOnly ? `new open threat${o.failing.length === 1 ? '' : 's'} (not failing at ${o.base})` : `open threat${o.failing.length === 1 ? '' : 's'}`;
  const lines = [
    o.passed
      ? `threatmap check ${r.file}: PASS, no ${o.newOnly ? 'new ' : ''}open threat at or above ${o.failOn}${o.pathsChecked ? `, no asset easier to reach than at ${o.base}` : ''}${o.expiredChecked ? `, no expired decision at or above ${o.failOn}` : ''}`
      : o.failing.length > 0
        ? `threatmap check ${r.file}: FAIL, ${o.failing.length} ${scope} at or above ${o.failOn}`
        : o.easierPaths.length > 0
          ? `threatmap check ${r.file}: FAIL, ${o.easierPaths.length} asset${o.easierPaths.length === 1 ? '' : 's'} easier to reach than at ${o.base} (--fail-on-easier-paths)`
          : o.expiredFailing.length > 0
            ? `threatmap check ${r.file}: FAIL, ${o.expiredFailing.length} expired decision${o.expiredFailing.length === 1 ? '' : 's'} at or above ${o.failOn} (--fail-on-expired)`
            : `threatmap check ${r.file}: FAIL, stale triage entries (--fail-on-stale)`,
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

export async function checkAction(model: string, opts: CheckCliOptions): Promise<void> {
  if (opts.newOnly && opts.base === undefined) throw new UserError('--new-only compares with a revision: add --base REV (e.g. --base origin/main)');
  if (opts.failOnEasierPaths && opts.base === undefined) throw new UserError('--fail-on-easier-paths compares with a revision: add --base REV (e.g. --base origin/main)');
  // Printed even with --quiet: a gate that silently compares with nothing looks like one that compares.
  if (opts.base !== undefined && !opts.newOnly && !opts.failOnEasierPaths) {
    writeStderr(`warning: --base ${opts.base} is used only by --new-only and --fail-on-easier-paths; ignored (every open threat at or above ${opts.failOn} counts)\n`);
  }
  if (opts.newOnly || opts.failOnEasierPaths) refuseStandardInput(model, `--base ${opts.base} reads the model's file as git has it: give its file name, not -`);
  const { result, rules } = loadTracked(model, { triage: opts.triage, quiet: opts.quiet, rules: opts.rules });
  const base = opts.newOnly || opts.failOnEasierPaths ? loadAtRevision(opts.base!, model, opts.triage, rules) : undefined;
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
    passed: failing.length === 0 && !staleFailed && easierPaths.length === 0 && expiredFailing.length === 0, failing, staleFailed, easierPaths,
    pathsChecked: Boolean(opts.failOnEasierPaths), expiredChecked: Boolean(opts.failOnExpired), expiredFailing,
  };
  if (opts.format === 'json') {
    await emit(undefined, `${JSON.stringify({
      tool: 'threatmap', kind: 'check', model: shownName(model), failOn: outcome.failOn, newOnly: outcome.newOnly, base: opts.base ?? null,
      passed: outcome.passed, failing: failing.map(threatRef), open: residual.open, closed: residual.closed,
      stale: residual.stale, expired, ...(opts.failOnEasierPaths ? { easierPaths } : {}),
    }, null, 2)}\n`);
  } else await emit(undefined, terminalSafe(textSummary(result, outcome)));
  if (!outcome.passed) throw new UserError('', 1);
}
