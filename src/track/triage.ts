// Triage beside the model: `<model>.triage.yaml` holds the team's decisions, one entry per threat under
// its stable id (or its key). Reading it and applying it to an analysis result are pure steps after
// analysis: the threats and their order never change, each gains the decision in force, and the result
// gains the residual risk. The day decisions are judged against is an input (the CLI takes it from the
// clock), so that expiry is testable and reports are reproducible. No Node APIs: runs in the browser.
import type { AnalysisResult, Threat } from '../analysis/types.js';
import { RISKS } from '../analysis/types.js';
import { displayPath, sortDiagnostics } from '../model/diagnostics.js';
import { parseModelText } from '../model/parse.js';
import { suggest } from '../model/suggest.js';
import type { Diagnostic, Loc, ModelPath } from '../model/types.js';
import { isIsoDate } from './dates.js';
import {
  isUnresolved, type RiskCounts, type StaleEntry, type ThreatTriage, TRIAGE_STATUSES, type TriageReport, type TriageStatus,
  type TriageWarning,
} from './types.js';
import { threatUid, UID_PATTERN } from './uid.js';

export const TRIAGE_VERSION = 1;
export const TRIAGE_VERSION_KEY = 'threatmap-triage';
export const ENTRY_FIELDS = ['threat', 'status', 'reason', 'owner', 'ticket', 'expires', 'review'] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];
const TOP_FIELDS = [TRIAGE_VERSION_KEY, 'threats'];

/** Statuses that close a threat by a decision; they need a reason, and lapse when they expire. */
export const DECIDED_STATUSES: readonly TriageStatus[] = ['mitigated', 'accepted', 'false-positive', 'transferred'];

export interface TriageEntry {
  /** The entry's id as written: `TM-xxxxxxxx` (normalised to lower-case hex) or a threat key. */
  ref: string;
  status: TriageStatus;
  threat?: string;
  reason?: string;
  owner?: string;
  ticket?: string;
  expires?: string;
  review?: string;
  /** Where the entry's id is written. */
  loc: Loc;
}

export interface TriageFile {
  file: string;
  entries: TriageEntry[];
}

export interface ParsedTriage {
  /** Present when the file has no errors. */
  triage?: TriageFile;
  diagnostics: Diagnostic[];
}

/** `<dir>/shop.yaml` -> `<dir>/shop.triage.yaml`: the default triage file of a model. */
export function defaultTriagePath(modelPath: string): string {
  return `${modelPath.replace(/\.(ya?ml|json)$/i, '')}.triage.yaml`;
}

/** An entry id is a stable id or a threat key (`rule@component`); stable ids are matched case-insensitively. */
export function normalizeRef(ref: string): string | undefined {
  const trimmed = ref.trim();
  if (/^tm-[0-9a-f]{8}$/i.test(trimmed)) return trimmed.toLowerCase().replace(/^tm-/, 'TM-');
  if (/^[^@\s]+@\S/.test(trimmed)) return trimmed;
  return undefined;
}

export function parseTriage(text: string, file: string): ParsedTriage {
  const parsed = parseModelText(text, file);
  const diagnostics: Diagnostic[] = [];
  const at = (path: ModelPath) => parsed.source.locate(path);
  const problem = (path: ModelPath, code: string, message: string, extra: Partial<Diagnostic> = {}, severity: 'error' | 'warning' = 'error') => {
    const loc = at(path);
    diagnostics.push({ severity, code, message, file, line: loc.line, col: loc.col, path: displayPath(path), ...extra });
  };

  // The model parser words an empty file as an empty model; an empty triage file is simply no decisions.
  const fatal = parsed.diagnostics.filter((d) => d.code !== 'empty-model');
  if (fatal.some((d) => d.severity === 'error')) return { diagnostics: fatal };
  diagnostics.push(...fatal);
  const raw = parsed.raw;
  if (raw === undefined || raw === null) return { triage: { file, entries: [] }, diagnostics };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problem([], 'invalid-triage', 'a triage file is a map with a `threats:` key', { hint: 'see `threatmap triage --help`' });
    return { diagnostics };
  }
  const root = raw as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (!TOP_FIELDS.includes(key)) {
      const hint = suggest(key, TOP_FIELDS);
      problem([key], 'unknown-key', `unknown key \`${key}\` in the triage file`, {
        expected: TOP_FIELDS.map((k) => `\`${k}\``).join(', '), ...(hint ? { hint: `did you mean \`${hint}\`?` } : {}),
      });
    }
  }
  const version = root[TRIAGE_VERSION_KEY];
  if (version !== undefined && version !== TRIAGE_VERSION) {
    problem([TRIAGE_VERSION_KEY], 'invalid-value', `this version of threatmap reads triage format ${TRIAGE_VERSION}`, { found: String(version) });
  }

  const entries: TriageEntry[] = [];
  const threats = root.threats;
  if (threats !== undefined && threats !== null && (typeof threats !== 'object' || Array.isArray(threats))) {
    problem(['threats'], 'invalid-type', '`threats` must be a map from threat ids to decisions', {
      hint: 'e.g.\n      threats:\n        TM-3f9a2c1b: { status: accepted, reason: ..., expires: 2027-01-31 }',
    });
  } else if (threats) {
    const seen = new Map<string, string>();
    for (const [ref, value] of Object.entries(threats as Record<string, unknown>)) {
      const entry = readEntry(ref, value);
      if (!entry) continue;
      const first = seen.get(entry.ref);
      if (first !== undefined) {
        problem(['threats', ref], 'duplicate-entry', `\`${ref}\` is the same threat as \`${first}\` above`, { hint: 'keep one entry per threat' });
        continue;
      }
      seen.set(entry.ref, ref);
      entries.push(entry);
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics: sortDiagnostics(diagnostics) };
  return { triage: { file, entries }, diagnostics: sortDiagnostics(diagnostics) };

  function readEntry(ref: string, value: unknown): TriageEntry | undefined {
    const path = ['threats', ref];
    const normalized = normalizeRef(ref);
    if (!normalized) {
      problem(path, 'invalid-id', `\`${ref}\` is not a threat id`, {
        expected: 'a stable id such as `TM-3f9a2c1b`, or a threat key such as `no-rate-limiting@api:/search`',
        hint: 'the ids are in every report; `T1`, `T2`... change as the model changes, so they cannot be used here',
      });
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problem(path, 'invalid-type', `the decision for \`${ref}\` must be a map with at least \`status\``, {
        hint: `e.g. ${ref}: { status: accepted, reason: ..., expires: 2027-01-31 }`,
      });
      return undefined;
    }
    const fields = value as Record<string, unknown>;
    let ok = true;
    for (const key of Object.keys(fields)) {
      if ((ENTRY_FIELDS as readonly string[]).includes(key)) continue;
      const hint = suggest(key, ENTRY_FIELDS);
      // A misspelt `expires` would otherwise keep an acceptance forever: unknown keys are errors.
      problem([...path, key], 'unknown-key', `unknown key \`${key}\` in the decision for \`${ref}\``, {
        expected: ENTRY_FIELDS.map((k) => `\`${k}\``).join(', '), ...(hint ? { hint: `did you mean \`${hint}\`?` } : {}),
      });
      ok = false;
    }
    const status = fields.status;
    if (status === undefined || status === null) {
      problem(path, 'missing-status', `the decision for \`${ref}\` has no \`status\``, { expected: TRIAGE_STATUSES.join(', ') });
      ok = false;
    } else if (typeof status !== 'string' || !(TRIAGE_STATUSES as readonly string[]).includes(status)) {
      const hint = typeof status === 'string' ? suggest(status, TRIAGE_STATUSES) : undefined;
      problem([...path, 'status'], 'invalid-value', `\`${String(status)}\` is not a triage status`, {
        expected: TRIAGE_STATUSES.join(', '), ...(hint ? { hint: `did you mean \`${hint}\`?` } : {}),
      });
      ok = false;
    }
    const entry: TriageEntry = { ref: normalized, status: status as TriageStatus, loc: at(path) };
    for (const key of ['threat', 'reason', 'owner', 'ticket'] as const) {
      const v = fields[key];
      if (v === undefined || v === null) continue;
      if (typeof v === 'string' || typeof v === 'number') entry[key] = String(v);
      else {
        problem([...path, key], 'invalid-type', `\`${key}\` must be text`);
        ok = false;
      }
    }
    for (const key of ['expires', 'review'] as const) {
      const v = fields[key];
      if (v === undefined || v === null) continue;
      const text = v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v.trim() : undefined;
      if (text === undefined || !isIsoDate(text)) {
        problem([...path, key], 'invalid-date', `\`${key}\` must be a date written YYYY-MM-DD`, { found: String(v) });
        ok = false;
      } else entry[key] = text;
    }
    return ok ? entry : undefined;
  }
}

/** The stable id of a threat (results from before ids were added get one computed from the key). */
export const uidOf = (t: Threat): string => t.uid ?? threatUid(t.key);

/** The status in force: untriaged threats are open. */
export const statusOf = (t: Threat): TriageStatus => t.triage?.status ?? 'open';

/** Open or being mitigated: the risk is still carried. */
export const isOpenThreat = (t: Threat): boolean => isUnresolved(statusOf(t));

const zeroCounts = (): RiskCounts => ({ Critical: 0, High: 0, Medium: 0, Low: 0, total: 0 });

export interface ApplyOptions {
  /** The day decisions are judged against, YYYY-MM-DD. */
  today: string;
}

/**
 * Applies triage decisions to an analysis result. Every threat gets the decision in force (open when
 * it has none); an expired decision reopens its threat with a warning; entries that match no threat
 * are listed as stale. Threats, their ids and order are unchanged.
 */
export function applyTriage(result: AnalysisResult, triage: TriageFile | undefined, options: ApplyOptions): AnalysisResult {
  if (!isIsoDate(options.today)) throw new Error(`applyTriage: today must be YYYY-MM-DD, got ${options.today}`);
  const today = options.today;
  const file = triage?.file ?? '';
  const warnings: TriageWarning[] = [];
  const warn = (code: TriageWarning['code'], message: string, loc: Loc, uid?: string) =>
    warnings.push({ code, message, file, line: loc.line, col: loc.col, ...(uid ? { uid } : {}) });

  const byUid = new Map<string, Threat[]>();
  const byKey = new Map<string, Threat>();
  for (const t of result.threats) {
    const uid = uidOf(t);
    byUid.set(uid, [...(byUid.get(uid) ?? []), t]);
    byKey.set(t.key, t);
  }

  const decided = new Map<string, { entry: TriageEntry }>();
  const stale: StaleEntry[] = [];
  // A written threat moved to something else (its `on:` edited) is the same threat under a new key: a decision
  // under its old key follows it while the threat has one key, with a warning to update the entry.
  const writtenKeys = new Map<string, string[]>();
  for (const t of result.threats) {
    const id = writtenThreatId(t.key);
    if (id !== undefined) writtenKeys.set(id, [...(writtenKeys.get(id) ?? []), t.key]);
  }
  for (const entry of triage?.entries ?? []) {
    let matches = UID_PATTERN.test(entry.ref) ? byUid.get(entry.ref) ?? [] : byKey.has(entry.ref) ? [byKey.get(entry.ref)!] : [];
    const moved = matches.length === 0 ? writtenKeys.get(writtenThreatId(entry.ref) ?? '') : undefined;
    if (moved?.length === 1) {
      matches = [byKey.get(moved[0])!];
      warn('moved-entry', `\`${entry.ref}\`: the written threat is now reported as \`${moved[0]}\` (its \`on:\` changed); the decision applies to it — write the entry under that key`, entry.loc, uidOf(matches[0]));
    }
    if (matches.length === 0) {
      const hint = staleHint(entry, result.threats);
      stale.push({
        ref: entry.ref, status: entry.status, line: entry.loc.line, col: entry.loc.col,
        ...(entry.threat ? { threat: entry.threat } : {}), ...(hint ? { hint } : {}),
      });
      warn('stale-entry', `triage entry \`${entry.ref}\`${entry.threat ? ` (${entry.threat})` : ''} matches no threat${hint ? `: ${hint}` : ''}`, entry.loc);
      continue;
    }
    if (matches.length > 1) {
      warn('ambiguous-id', `\`${entry.ref}\` is the stable id of ${matches.length} threats (${matches.map((t) => t.key).join(', ')}); the decision applies to all of them — write their keys instead to tell them apart`, entry.loc, entry.ref);
    }
    for (const t of matches) {
      const earlier = decided.get(t.key);
      if (earlier) {
        warn('ambiguous-id', `\`${entry.ref}\` and \`${earlier.entry.ref}\` (line ${earlier.entry.loc.line}) both decide ${uidOf(t)} (${t.key}); the first one is used`, entry.loc, uidOf(t));
        continue;
      }
      decided.set(t.key, { entry });
    }
  }

  const threats = result.threats.map((t): Threat => {
    const found = decided.get(t.key);
    if (!found) return { ...t, triage: { status: 'open' } };
    const { entry } = found;
    const uid = uidOf(t);
    const triage: ThreatTriage = { status: entry.status };
    for (const key of ['reason', 'owner', 'ticket', 'expires', 'review'] as const) if (entry[key] !== undefined) triage[key] = entry[key];
    triage.line = entry.loc.line;
    const label = `${uid} (${t.id}, ${t.title})`;
    if (entry.expires !== undefined && entry.expires < today) {
      if (DECIDED_STATUSES.includes(entry.status)) {
        triage.status = 'open';
        triage.declared = entry.status;
        warn('expired', `${label}: \`${entry.status}\` expired on ${entry.expires}; the threat is open again — fix it, or renew the decision with a new \`expires\``, entry.loc, uid);
      } else if (entry.status === 'mitigating') {
        warn('expired', `${label}: the mitigation was due by ${entry.expires} and the threat is still reported`, entry.loc, uid);
      }
    } else if (entry.review !== undefined && entry.review <= today && entry.status !== 'open') {
      warn('review-due', `${label}: \`${entry.status}\` was due for review on ${entry.review}`, entry.loc, uid);
    }
    if (DECIDED_STATUSES.includes(entry.status) && entry.status !== 'mitigated' && !entry.reason) {
      warn('missing-reason', `${label}: \`${entry.status}\` without a \`reason\`; say why, so that reviewers can judge it`, entry.loc, uid);
    }
    return { ...t, triage };
  });

  warnings.sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code, 'en'));
  return { ...result, threats, triage: summarizeTriage(threats, file, stale, warnings) };
}

function summarizeTriage(threats: readonly Threat[], file: string, stale: StaleEntry[], warnings: TriageWarning[]): TriageReport {
  const open = zeroCounts();
  const closed = zeroCounts();
  const byStatus = Object.fromEntries(TRIAGE_STATUSES.map((s) => [s, 0])) as Record<TriageStatus, number>;
  for (const t of threats) {
    const status = statusOf(t);
    byStatus[status]++;
    const counts = isUnresolved(status) ? open : closed;
    counts[t.risk]++;
    counts.total++;
  }
  return { file, open, closed, byStatus, stale, warnings };
}

/** The residual risk of a result: its triage report, or (untriaged) every threat open. */
export const residualOf = (r: AnalysisResult): TriageReport => r.triage ?? summarizeTriage(r.threats, '', [], []);

/** The id of the written threat a key is about (`threat:<id>@...`), else undefined. */
const writtenThreatId = (key: string): string | undefined => /^threat:([^@]+)@/.exec(key)?.[1];

function staleHint(entry: TriageEntry, threats: readonly Threat[]): string | undefined {
  const written = writtenThreatId(entry.ref);
  if (written !== undefined) {
    const now = threats.filter((t) => writtenThreatId(t.key) === written).map((t) => `\`${t.key}\``);
    if (now.length) return `the written threat \`${written}\` is now reported as ${now.join(', ')}: move the decision to the one it is about`;
  }
  if (UID_PATTERN.test(entry.ref)) {
    return 'the threat is no longer reported (fixed, suppressed by an assumption, or its element, flow or endpoint id changed); delete the entry or move the decision to the new id';
  }
  const rule = entry.ref.slice(0, entry.ref.indexOf('@'));
  const sameRule = threats.filter((t) => t.ruleId === rule).map((t) => t.key);
  const near = suggest(entry.ref, sameRule);
  if (near) return `did you mean \`${near}\`?`;
  if (!threats.some((t) => t.ruleId === rule)) return `rule \`${rule}\` reports no threat in this model now`;
  return 'the threat is no longer reported; delete the entry';
}

/** Risk counts as a short phrase: `2 Critical, 1 High` (or `none`). */
export function countsPhrase(c: RiskCounts): string {
  const parts = [...RISKS].reverse().filter((r) => c[r] > 0).map((r) => `${c[r]} ${r}`);
  return parts.length ? parts.join(', ') : 'none';
}
