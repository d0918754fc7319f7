// `threatmap triage`: list threats with their decisions, or set one decision in the triage file beside
// the model (comments kept, written atomically). Also the CLI's shared step that applies triage after
// analysis, with "today" read from the clock here, at the edge, and nowhere else.
import { shellQuote } from './check.js';
import { existsSync } from 'node:fs';
import type { AnalysisResult, Threat } from '../analysis/types.js';
import { formatDiagnostics, hasErrors } from '../model/diagnostics.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import { suggest } from '../model/suggest.js';
import { isIsoDate } from '../track/dates.js';
import { countsPhrase, defaultTriagePath, normalizeRef, parseTriage, statusOf, uidOf, applyTriage, residualOf, type TriageFile } from '../track/triage.js';
import { removeTriageEntry, setTriageEntry, type TriageTarget, type TriageUpdate } from '../track/triage-edit.js';
import { TRIAGE_STATUSES, type TriageStatus, type TriageWarning } from '../track/types.js';
import { terminalSafeLine } from '../render/terminal-safe.js';
import { readModelFile, refuseStandardInput, shownName, STDIN, UserError, writeFileAtomic, writeStderr, writeStdout } from './io.js';
import { type Loaded, loadOrExit } from './load.js';

/** The day triage decisions are judged against: THREATMAP_TODAY (for reproducible runs), else the local date. */
export function today(): string {
  const fixed = process.env.THREATMAP_TODAY;
  if (fixed !== undefined && fixed !== '') {
    if (!isIsoDate(fixed)) throw new UserError(`THREATMAP_TODAY: expected a date written YYYY-MM-DD, found '${fixed}'`);
    return fixed;
  }
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Model text for one line of a listing: line breaks as spaces, and nothing a terminal would act on (terminalSafeLine). */
export const term = terminalSafeLine;

export function formatTriageWarnings(warnings: readonly TriageWarning[]): string {
  return warnings.map((w) => `${w.file}:${w.line}:${w.col}: warning[${w.code}]: ${term(w.message)}\n`).join('');
}

/** Reads and checks a triage file; invalid files stop the command (exit 2) with every problem listed. */
export function readTriage(path: string, label = shownName(path)): { triage: TriageFile; text: string } {
  const text = readModelFile(path, MAX_MODEL_BYTES);
  return { triage: checkTriage(text, label), text };
}

export function checkTriage(text: string, label: string): TriageFile {
  const parsed = parseTriage(text, label);
  if (!parsed.triage || hasErrors(parsed.diagnostics)) throw new UserError(formatDiagnostics(parsed.diagnostics).trimEnd());
  return parsed.triage;
}

export interface TrackOptions {
  /** A triage file; default `<model>.triage.yaml` when it exists. */
  triage?: string;
  quiet?: boolean;
  /** A folder of custom rules (`--rules DIR`). */
  rules?: string;
}

export interface Tracked extends Loaded {
  triagePath: string;
  /** The triage file's text, when it exists. */
  triageText?: string;
}

/**
 * Load, analyse, then apply the triage beside the model: what every reporting command starts with. A model
 * read from standard input (`-`) has nothing beside it: its decisions apply only with --triage FILE, and
 * without one a note says so (unless quiet), since a report with every threat open would otherwise look decided.
 */
export function loadTracked(model: string, options: TrackOptions = {}): Tracked {
  const loaded = loadOrExit(model, { quiet: options.quiet, rules: options.rules });
  if (model === STDIN && options.triage === undefined) {
    if (!options.quiet) writeStderr(`note: the model is read from standard input, so no triage file beside it is applied; give one with --triage FILE\n`);
    return { ...loaded, triagePath: '' };
  }
  const triagePath = options.triage ?? defaultTriagePath(model);
  // Without a triage file the result stays as analysed (every threat open), byte for byte.
  if (options.triage === undefined && !existsSync(triagePath)) return { ...loaded, triagePath };
  const { triage, text: triageText } = readTriage(triagePath);
  const result = applyTriage(loaded.result, triage, { today: today() });
  if (!options.quiet && result.triage?.warnings.length) writeStderr(formatTriageWarnings(result.triage.warnings));
  return { ...loaded, result, triagePath, triageText };
}

/** A threat named on the command line: T3 (this report's order), TM-3f9a2c1b (stable) or its key. */
export function findThreat(result: AnalysisResult, id: string): Threat {
  const wanted = id.trim();
  const byNumber = /^t\d+$/i.test(wanted) ? result.threats.find((t) => t.id.toLowerCase() === wanted.toLowerCase()) : undefined;
  const ref = normalizeRef(wanted);
  const found = byNumber ?? result.threats.find((t) => uidOf(t) === ref || t.key === ref);
  if (found) return found;
  const hint = suggest(wanted, result.threats.flatMap((t) => [uidOf(t), t.key]));
  throw new UserError(`no threat '${id}' in ${result.file}${hint ? `; did you mean '${hint}'?` : ''} (list them with \`threatmap triage ${shellQuote(result.file)}\`)`);
}

export const describeThreat = (t: Threat): string => `${t.title} (${t.key})`;

function listThreats(result: AnalysisResult, triagePath: string): string {
  const rows = result.threats.map((t) => [t.id, uidOf(t), t.risk, statusOf(t) + (t.triage?.declared ? ` (${t.triage.declared} expired)` : ''), term(t.title)]);
  // A fold, not Math.max(...rows): a spread of 240,000 rows overflows the call stack.
  const widths = [0, 1, 2, 3].map((i) => rows.reduce((w, r) => Math.max(w, r[i].length), ['ID', 'Stable id', 'Risk', 'Status'][i].length));
  const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
  const out = [line(['ID', 'Stable id', 'Risk', 'Status', 'Threat']), ...rows.map(line)];
  const tri = residualOf(result);
  out.push('', `Open: ${countsPhrase(tri.open)}. Closed by decision: ${countsPhrase(tri.closed)}.`);
  out.push(tri.file ? `Decisions: ${tri.file}` : `No triage file yet (${triagePath}); set a decision with: threatmap triage ${shellQuote(result.file)} ID --status STATUS --reason TEXT`);
  if (tri.stale.length) {
    out.push('', `Stale entries (they match no threat):`, ...tri.stale.map((s) => term(`  ${tri.file}:${s.line}  ${s.ref}  ${s.status}${s.threat ? `  ${s.threat}` : ''}${s.hint ? `  (${s.hint})` : ''}`)));
  }
  return `${out.join('\n')}\n`;
}

interface TriageCliOptions {
  status?: TriageStatus;
  reason?: string;
  owner?: string;
  ticket?: string;
  expires?: string;
  review?: string;
  unset?: string[];
  clear?: boolean;
  triage?: string;
  quiet?: boolean;
}

export function triageAction(model: string, id: string | undefined, opts: TriageCliOptions): void {
  refuseStandardInput(model, 'triage keeps its decisions in the file beside the model (MODEL.triage.yaml): give the model\'s file name, not -');
  if (opts.triage !== undefined) refuseStandardInput(opts.triage, 'triage writes its decisions to --triage FILE: give a file name, not -');
  const tracked = loadTracked(model, { triage: opts.triage, quiet: opts.quiet });
  const { result, triagePath } = tracked;
  if (id === undefined) {
    if (opts.status || opts.clear) throw new UserError('name the threat to triage: threatmap triage MODEL ID --status STATUS');
    writeStdout(listThreats(result, triagePath));
    return;
  }
  const threat = findThreat(result, id);
  const target: TriageTarget = { uid: uidOf(threat), key: threat.key, describe: describeThreat(threat) };
  const label = `${target.uid} (${threat.id}, ${term(threat.title)})`;
  let text: string;
  if (opts.clear) {
    if (opts.status) throw new UserError('--clear removes the decision; it cannot be combined with --status');
    const removed = removeTriageEntry(tracked.triageText, model, target);
    if (!removed.removed) {
      writeStdout(`${triagePath}: ${label} has no entry; nothing to clear\n`);
      return;
    }
    text = removed.text;
  } else {
    const status = opts.status ?? (threat.triage?.line !== undefined ? threat.triage.declared ?? threat.triage.status : undefined);
    if (!status) throw new UserError(`say what to record: --status ${TRIAGE_STATUSES.join('|')}`);
    const now = today();
    if (opts.expires !== undefined && opts.expires < now) {
      throw new UserError(`--expires ${opts.expires} is already past (today is ${now}); the decision would lapse at once`);
    }
    const update: TriageUpdate = { status };
    for (const k of ['reason', 'owner', 'ticket', 'expires', 'review'] as const) if (opts[k] !== undefined) update[k] = opts[k];
    if (opts.unset?.length) update.unset = opts.unset as TriageUpdate['unset'];
    text = setTriageEntry(tracked.triageText, model, target, update);
  }
  // Never write a file this tool could not read back.
  checkTriage(text, triagePath);
  writeFileAtomic(triagePath, text);
  const applied = applyTriage(tracked.result, checkTriage(text, triagePath), { today: today() });
  const after = applied.threats.find((t) => t.key === threat.key)!;
  const tr = after.triage!;
  if (tr.status === 'accepted' && !tr.expires && !opts.quiet) {
    writeStderr('hint: an acceptance without --expires never lapses; consider --expires YYYY-MM-DD so that it is reviewed\n');
  }
  writeStdout(opts.clear
    ? `${triagePath}: cleared the decision on ${label}; it is open\n`
    : `${triagePath}: ${label} is ${tr.status}${tr.declared ? ` (the ${tr.declared} decision has expired)` : ''}${tr.expires && !tr.declared ? ` until ${tr.expires}` : ''}\n`);
}
