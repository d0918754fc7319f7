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
import { countsPhrase, defaultTriagePath, normalizeRef, parseTriage, statusOf, uidOf, applyTriage, residualOf, type TriageEntry, type TriageFile } from '../track/triage.js';
import { removeTriageEntry, renameTriageEntry, setTriageEntry, type TriageTarget, type TriageUpdate } from '../track/triage-edit.js';
import { UID_PATTERN } from '../track/uid.js';
import { migrateTriageText, type MigrationStep } from '../track/migrate.js';
import { applyScopeSteps, type ScopeStep, scopeSteps } from '../track/scope-record.js';
import { entryKeyOf, riskWord, scopeOf } from '../track/scope.js';
import { threatUid } from '../track/uid.js';
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
  const found = lookupThreat(result, id);
  if (found) return found;
  const hint = suggest(id.trim(), result.threats.flatMap((t) => [uidOf(t), t.key]));
  throw new UserError(`no threat '${id}' in ${result.file}${hint ? `; did you mean '${hint}'?` : ''} (list them with \`threatmap triage ${shellQuote(result.file)}\`)`);
}

/** The threat an id names, if any. */
function lookupThreat(result: AnalysisResult, id: string): Threat | undefined {
  const wanted = id.trim();
  const byNumber = /^t\d+$/i.test(wanted) ? result.threats.find((t) => t.id.toLowerCase() === wanted.toLowerCase()) : undefined;
  const ref = normalizeRef(wanted);
  return byNumber ?? result.threats.find((t) => uidOf(t) === ref || t.key === ref);
}

export const describeThreat = (t: Threat): string => `${t.title} (${t.key})`;

/** A threat's status as the listing shows it: the decision that is not in force, and why, in brackets. */
function statusCell(t: Threat): string {
  const tr = t.triage;
  if (tr?.drift) return `${statusOf(t)} (${tr.declared ? `${tr.declared}, ` : ''}needs review)`;
  return statusOf(t) + (tr?.declared ? ` (${tr.declared} expired)` : '');
}

function listThreats(result: AnalysisResult, triagePath: string): string {
  const rows = result.threats.map((t) => [t.id, uidOf(t), t.risk, statusCell(t), term(t.title)]);
  // A fold, not Math.max(...rows): a spread of 240,000 rows overflows the call stack.
  const widths = [0, 1, 2, 3].map((i) => rows.reduce((w, r) => Math.max(w, r[i].length), ['ID', 'Stable id', 'Risk', 'Status'][i].length));
  const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
  const out = [line(['ID', 'Stable id', 'Risk', 'Status', 'Threat']), ...rows.map(line)];
  const tri = residualOf(result);
  out.push('', `Open: ${countsPhrase(tri.open)}. Closed by decision: ${countsPhrase(tri.closed)}.`);
  out.push(tri.file ? `Decisions: ${tri.file}` : `No triage file yet (${triagePath}); set a decision with: threatmap triage ${shellQuote(result.file)} ID --status STATUS --reason TEXT`);
  if (tri.migrated?.length) {
    out.push('', `Entries under keys a release changed (they apply to the threat now in their place; \`threatmap triage ${shellQuote(result.file)} --migrate\` rewrites them):`,
      ...tri.migrated.map((m) => term(`  ${tri.file}:${m.line}  ${m.ref}  ${m.status}  now ${m.key} (${m.uid})${m.supersededBy !== undefined ? `, decided by line ${m.supersededBy}` : ''}${m.redecide !== undefined ? `, needs a re-decision (${m.redecide})` : ''}`)));
  }
  const drifted = result.threats.filter((t) => t.triage?.drift);
  if (drifted.length) {
    out.push('', `Decisions that need review (the threat changed since they were made; \`threatmap triage ${shellQuote(result.file)} ID --status STATUS\` decides again):`,
      ...drifted.map((t) => term(`  ${tri.file}:${t.triage!.line}  ${uidOf(t)}  ${t.triage!.drift!.summary}`)));
  }
  if (tri.regrouped?.length) {
    out.push('', `Entries whose threat is now reported on another component (their scope covers it whole, so they decide it; \`threatmap triage ${shellQuote(result.file)} --migrate\` rewrites them):`,
      ...tri.regrouped.map((r) => term(`  ${tri.file}:${r.line}  ${r.ref}  ${r.status}  now ${r.key} (${r.uid})`)));
  }
  if (tri.retired?.length) {
    out.push('', `Retired entries (their threat is no longer reported, by design):`, ...tri.retired.map((r) => term(`  ${tri.file}:${r.line}  ${r.ref}  ${r.status}  (${r.suspendedWhile !== undefined ? `suspended while ${r.suspendedWhile} reports: ` : ''}${r.reason}; ${r.since})`)));
  }
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
  /** Rewrite entries under keys a release changed (key-migrations.ts), instead of deciding one threat. */
  migrate?: boolean;
  triage?: string;
  quiet?: boolean;
}

export function triageAction(model: string, id: string | undefined, opts: TriageCliOptions): void {
  refuseStandardInput(model, 'triage keeps its decisions in the file beside the model (MODEL.triage.yaml): give the model\'s file name, not -');
  if (opts.triage !== undefined) refuseStandardInput(opts.triage, 'triage writes its decisions to --triage FILE: give a file name, not -');
  if (opts.migrate) {
    const others = (['status', 'reason', 'owner', 'ticket', 'expires', 'review', 'unset', 'clear'] as const).filter((k) => opts[k] !== undefined && opts[k] !== false);
    if (id !== undefined || others.length) throw new UserError(`--migrate rewrites every entry a release's key change concerns: give it no threat${others.length ? ` and no --${others.join(', --')}` : ''}`);
    // Its warnings are what --migrate acts on and prints: saying them first would say everything twice.
    migrateFile(loadTracked(model, { triage: opts.triage, quiet: true }));
    return;
  }
  const tracked = loadTracked(model, { triage: opts.triage, quiet: opts.quiet });
  const { result, triagePath } = tracked;
  if (id === undefined) {
    if (opts.status || opts.clear) throw new UserError('name the threat to triage: threatmap triage MODEL ID --status STATUS');
    writeStdout(listThreats(result, triagePath));
    return;
  }
  if (opts.clear && lookupThreat(result, id) === undefined && clearEntry(tracked, id, opts)) return;
  const threat = findThreat(result, id);
  const target: TriageTarget = { uid: uidOf(threat), key: threat.key, describe: describeThreat(threat) };
  const triageText = followedKey(tracked, threat);
  const label = `${target.uid} (${threat.id}, ${term(threat.title)})`;
  let text: string;
  if (opts.clear) {
    if (opts.status) throw new UserError('--clear removes the decision; it cannot be combined with --status');
    const removed = removeTriageEntry(triageText, model, target);
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
    // A status given is a decision about the threat as it is now: it records what that covers. A renewal or a
    // new owner alone keeps what the decision was made for, so that it never widens it.
    if (opts.status !== undefined) Object.assign(update, scopeOf(threat));
    else if (threat.triage?.drift && !opts.quiet) {
      writeStderr(`note: ${label} still needs review (${term(threat.triage.drift.summary)}); give --status to decide it for what it covers now\n`);
    }
    text = setTriageEntry(triageText, model, target, update);
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
    : `${triagePath}: ${label} is ${tr.status}${inForce(tr)}${tr.expires && !tr.declared ? ` until ${tr.expires}` : ''}${redecided(threat, opts.status)}\n`);
}

/** Why the decision written is not the status in force, in brackets (or nothing). */
function inForce(tr: NonNullable<Threat['triage']>): string {
  if (tr.drift) return ` (the ${tr.declared ?? tr.status} decision needs review: ${term(tr.drift.summary)})`;
  return tr.declared ? ` (the ${tr.declared} decision has expired)` : '';
}

/** What a decision made anew over a drifted one now records, to show the reviewer what it widened to. */
function redecided(before: Threat, status: TriageStatus | undefined): string {
  const drift = before.triage?.drift;
  if (status === undefined || drift === undefined) return '';
  const { risk, covers } = scopeOf(before);
  return `; it was ${term(drift.summary)} — it now records risk ${riskWord(risk)}${covers.length ? `, covers ${term(covers.join(', '))}` : ''}`;
}

/**
 * `--clear` with the id of an entry that decides no threat (stale, retired, or under an old key): the entry is
 * deleted. False when the file has no such entry.
 */
function clearEntry({ triagePath, triageText }: Tracked, id: string, opts: TriageCliOptions): boolean {
  const ref = normalizeRef(id);
  if (ref === undefined || triageText === undefined) return false;
  if (opts.status) throw new UserError('--clear removes the decision; it cannot be combined with --status');
  // An entry is named by what it is written under, by the stable id of its key, or by the key its stable id stands for.
  const names = (e: TriageEntry) => [e.ref, UID_PATTERN.test(e.ref) ? entryKeyOf(e.ref, e.threat) : threatUid(e.ref)];
  const entry = parseTriage(triageText, triagePath).triage?.entries.find((e) => names(e).includes(ref));
  if (entry === undefined) return false;
  const { text, removed } = removeTriageEntry(triageText, '', { uid: entry.ref, key: entry.ref, describe: '' });
  if (!removed) return false;
  checkTriage(text, triagePath);
  writeFileAtomic(triagePath, text);
  const about = entry.threat ? `, ${term(entry.threat)}` : '';
  writeStdout(`${triagePath}: removed the entry ${term(entry.ref)} (line ${entry.loc.line}, ${entry.status}${about}); it decided no threat\n`);
  return true;
}

/**
 * The triage file with the entry that decides `threat` under its old key (a release changed the key) written under
 * the new one, so that a decision changed or cleared is that entry's, not a second one beside it.
 */
function followedKey({ result, triageText }: Tracked, threat: Threat): string | undefined {
  if (triageText === undefined) return triageText;
  const moved = result.triage?.migrated?.find((m) => m.key === threat.key && m.supersededBy === undefined)
    ?? regroupedOnce(result, threat);
  if (moved === undefined) return triageText;
  return renameTriageEntry(triageText, moved.ref, UID_PATTERN.test(moved.ref) ? moved.uid : moved.key);
}

/** The entry that follows a regroup to this threat alone (one deciding several stays, for the others). */
function regroupedOnce(result: AnalysisResult, threat: Threat) {
  const regrouped = result.triage?.regrouped ?? [];
  const entry = regrouped.find((r) => r.key === threat.key && threat.triage?.line === r.line);
  return entry && regrouped.filter((r) => r.line === entry.line).length === 1 ? entry : undefined;
}

/** `triage --migrate`: the triage file rewritten under the keys a release changed, each change printed. */
function migrateFile(tracked: Tracked): void {
  const { triagePath, triageText, result } = tracked;
  if (triageText === undefined) {
    writeStdout(`${shownName(triagePath)}: no triage file; nothing to migrate\n`);
    return;
  }
  const migration = migrateTriageText(triageText, result.file, result);
  const steps = migration.steps.filter((s) => s.kind !== 'kept');
  const kept = migration.steps.filter((s) => s.kind === 'kept');
  const scoped = scopeSteps(triageText, result);
  const changes = scoped.filter((s) => s.kind !== 'skipped');
  const skipped = scoped.filter((s) => s.kind === 'skipped');
  const out: string[] = [];
  if (steps.length === 0 && changes.length === 0) {
    if (kept.length === 0) out.push(`${triagePath}: every entry is under its current key; nothing to migrate`);
  } else {
    const text = applyScopeSteps(migration.text, changes);
    // Never write a file this tool could not read back.
    checkTriage(text, triagePath);
    writeFileAtomic(triagePath, text);
    if (steps.length) out.push(`${triagePath}: ${steps.length} entr${steps.length === 1 ? 'y' : 'ies'} migrated (comments kept):`, ...steps.map((s) => term(`  line ${s.line}: ${migrationLine(s)}`)));
    if (changes.length) {
      out.push(`${triagePath}: recorded what ${changes.length} decision${changes.length === 1 ? ' was' : 's were'} made for (a threat rated higher or covering more is open again until decided anew):`,
        ...changes.map((s) => term(`  line ${s.line}: ${scopeLine(s)}`)));
    }
  }
  if (kept.length) {
    out.push(`${kept.length} entr${kept.length === 1 ? 'y' : 'ies'} left under ${kept.length === 1 ? 'its' : 'their'} old key${kept.length === 1 ? '' : 's'}: moving ${kept.length === 1 ? 'it' : 'them'} would widen the decision (\`threatmap triage ${shellQuote(result.file)} ID --status STATUS\` decides the threat anew):`,
      ...kept.map((s) => term(`  line ${s.line}: ${s.ref} (${s.status}): ${s.why}`)));
  }
  if (skipped.length) {
    out.push(`${skipped.length} decision${skipped.length === 1 ? '' : 's'} left as written, to be decided again (\`threatmap triage ${shellQuote(result.file)} ID --status STATUS\` records what it covers):`,
      ...skipped.map((s) => term(`  line ${s.line}: ${s.ref} (${s.status}): ${s.why}`)));
  }
  writeStdout(`${out.join('\n')}\n`);
}

function scopeLine(s: ScopeStep): string {
  if (s.kind === 'moved') return `${s.ref} -> ${s.to} (${s.status}); ${s.why}`;
  const fields = [s.risk ? `risk: ${riskWord(s.risk)}` : '', s.covers?.length ? `covers: [${s.covers.join(', ')}]` : ''].filter(Boolean).join(', ');
  return `${s.ref} (${s.status}) ${fields || 'covers its key\'s component only'}: ${s.why}`;
}

function migrationLine(s: MigrationStep): string {
  const was = s.ref === s.oldKey ? s.ref : `${s.ref} (${s.oldKey})`;
  const decision = `${s.status}${s.reason !== undefined ? `: ${s.reason}` : ''}`;
  return s.kind === 'renamed' ? `${was} -> ${s.to} (${decision}); ${s.why}` : `${was} removed (${decision}); ${s.why}`;
}
