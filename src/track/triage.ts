// Triage beside the model: `<model>.triage.yaml` holds the team's decisions, one entry per threat under
// its stable id (or its key). Reading it and applying it to an analysis result are pure steps after
// analysis: the threats and their order never change, each gains the decision in force, and the result
// gains the residual risk. The day decisions are judged against is an input (the CLI takes it from the
// clock), so that expiry is testable and reports are reproducible. No Node APIs: runs in the browser.
import type { AnalysisResult, Risk, Threat } from '../analysis/types.js';
import { RISKS } from '../analysis/types.js';
import { displayPath, sortDiagnostics } from '../model/diagnostics.js';
import { parseModelText } from '../model/parse.js';
import { suggest } from '../model/suggest.js';
import type { Diagnostic, Loc, ModelPath } from '../model/types.js';
import { isIsoDate } from './dates.js';
import { KEY_MIGRATIONS, keyChanges, type KeyChange, migrateCommand, mostConservative, shellArg } from './key-migrations.js';
import { type Regroup, RegroupIndex, regroupOf, renamedCandidates, type StaleDecision } from './regroup.js';
import { entryKeyOf, keyComponent, readRisk, type ScopeContext, scopeContext, scopeDrift } from './scope.js';
import {
  isUnresolved, type MigratedEntry, type RegroupedEntry, type RetiredEntry, type RiskCounts, type ScopeDrift, type StaleEntry, type ThreatTriage, TRIAGE_STATUSES, type TriageReport, type TriageStatus,
  type TriageWarning,
} from './types.js';
import { threatUid, UID_PATTERN } from './uid.js';

export const TRIAGE_VERSION = 1;
export const TRIAGE_VERSION_KEY = 'threatmap-triage';
export const ENTRY_FIELDS = ['threat', 'status', 'reason', 'owner', 'ticket', 'expires', 'review', 'risk', 'covers'] as const;
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
  /** The risk the decision was made at (scope.ts). */
  risk?: Risk;
  /** The flows the decision was made for (scope.ts). */
  covers?: string[];
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
    ok = readScope(fields, path, entry) && ok;
    return ok ? entry : undefined;
  }

  /** `risk:` and `covers:`, what the decision was made for: a risk word, and a list of flow ids. */
  function readScope(fields: Record<string, unknown>, path: ModelPath, entry: TriageEntry): boolean {
    let ok = true;
    const risk = fields.risk;
    if (risk !== undefined && risk !== null) {
      const read = typeof risk === 'string' ? readRisk(risk) : undefined;
      if (read === undefined) {
        problem([...path, 'risk'], 'invalid-value', `\`${String(risk)}\` is not a risk`, { expected: RISKS.map((r) => r.toLowerCase()).join(', ') });
        ok = false;
      } else entry.risk = read;
    }
    const covers = fields.covers;
    if (covers !== undefined && covers !== null) {
      if (!Array.isArray(covers) || !covers.every((c) => typeof c === 'string' || typeof c === 'number')) {
        problem([...path, 'covers'], 'invalid-type', '`covers` must be a list of flow ids', { hint: 'e.g. covers: [lb->web]; threatmap writes it when it records a decision' });
        ok = false;
      } else entry.covers = [...new Set(covers.map(String))].sort();
    }
    return ok;
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
 * it has none); an expired decision reopens its threat with a warning, and so does a decision whose threat is
 * rated higher or covers more than the entry records it was made for (scope.ts); entries under a key that a
 * release changed decide the threat now reported in its place (key-migrations.ts), entries about a threat
 * retired by design are listed as retired, entries whose threat moved to another component decide it when their
 * scope covers it whole (regroup.ts), and other entries that match no threat are stale. Threats, their ids and
 * order are unchanged.
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

  const decided = new Map<string, Decided>();
  // A written threat moved to something else (its `on:` edited) is the same threat under a new key: a decision
  // under its old key follows it while the threat has one key, with a warning to update the entry.
  const writtenKeys = new Map<string, string[]>();
  for (const t of result.threats) {
    const id = writtenThreatId(t.key);
    if (id !== undefined) writtenKeys.set(id, [...(writtenKeys.get(id) ?? []), t.key]);
  }
  // Entries matching no threat, for a release's key changes to explain once every entry matched as written has
  // its threat: a decision written under a threat's current key wins over one that followed a key change.
  const unmatched: TriageEntry[] = [];
  for (const entry of triage?.entries ?? []) {
    let matches = UID_PATTERN.test(entry.ref) ? byUid.get(entry.ref) ?? [] : byKey.has(entry.ref) ? [byKey.get(entry.ref)!] : [];
    const moved = matches.length === 0 ? writtenKeys.get(writtenThreatId(entry.ref) ?? '') : undefined;
    let writtenFor: string | undefined;
    if (moved?.length === 1) {
      matches = [byKey.get(moved[0])!];
      writtenFor = entry.ref;
      warn('moved-entry', `\`${entry.ref}\`: the written threat is now reported as \`${moved[0]}\` (its \`on:\` changed); the decision applies to it — write the entry under that key`, entry.loc, uidOf(matches[0]));
    }
    if (matches.length === 0) {
      unmatched.push(entry);
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
      decided.set(t.key, { entry, writtenFor: writtenFor ?? t.key });
    }
  }

  // Indexed only when some entry records a scope: files written before scopes were read cost nothing more.
  let scopes: ScopeContext | undefined;
  const scopeFacts = () => (scopes ??= scopeContext(result));
  const { stale, migrated, retired, regrouped } = placeUnmatched(result, unmatched, { byKey, decided, warn, scopeFacts });

  const threats = result.threats.map((t): Threat => {
    const found = decided.get(t.key);
    if (!found) return { ...t, triage: { status: 'open' } };
    const { entry, writtenFor } = found;
    const uid = uidOf(t);
    const triage: ThreatTriage = { status: entry.status };
    for (const key of ['reason', 'owner', 'ticket', 'expires', 'review'] as const) if (entry[key] !== undefined) triage[key] = entry[key];
    // As written, so that an export carries what the decision was made for, not what the threat is now.
    if (entry.risk !== undefined) triage.risk = entry.risk;
    if (entry.covers !== undefined) triage.covers = [...entry.covers];
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
    const drift = entry.risk === undefined && entry.covers === undefined ? undefined : scopeDrift(entry, writtenFor, t, scopeFacts());
    if (drift) {
      triage.drift = drift;
      // An expired decision is open already; a drifted one is open until it is decided again for what the threat is now.
      if (DECIDED_STATUSES.includes(entry.status) && triage.status !== 'open') {
        triage.status = 'open';
        triage.declared = entry.status;
      }
      warn('scope-drift', driftMessage(result.file, label, uid, drift), entry.loc, uid);
    }
    return { ...t, triage };
  });

  warnings.sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code, 'en'));
  return { ...result, threats, triage: summarizeTriage(threats, file, stale, warnings, migrated, retired, regrouped) };
}

/** A threat's deciding entry, and the key that entry was written for (another one when it followed the threat). */
interface Decided {
  entry: TriageEntry;
  writtenFor: string;
}

/** A model file in a suggested command (one read from standard input is named for the user to fill in). */
const modelArg = (modelFile: string): string => (modelFile === '<stdin>' ? 'MODEL' : shellArg(modelFile));

/** A drifted decision in words: what it was made for, what changed, and the command that decides again. */
function driftMessage(modelFile: string, label: string, uid: string, drift: ScopeDrift): string {
  const redo = `\`threatmap triage ${modelArg(modelFile)} ${uid} --status ${drift.status}\``;
  return DECIDED_STATUSES.includes(drift.status)
    ? `${label}: ${drift.summary}: re-decide; until then the threat is open (${redo} records what it covers now)`
    : `${label}: ${drift.summary}: check that the work still covers it (${redo} records what it covers now)`;
}

/** What applying triage has built so far, for the entries that match no threat as written. */
interface Placing {
  byKey: ReadonlyMap<string, Threat>;
  /** The entry deciding each threat, by key: entries that follow a key change are added here. */
  decided: Map<string, Decided>;
  warn: (code: TriageWarning['code'], message: string, loc: Loc, uid?: string) => void;
  /** The model facts scopes are compared with, indexed on first use. */
  scopeFacts: () => ScopeContext;
}

/**
 * Entries that match no threat as written: those under a key a release changed decide the threat now reported in
 * its place (unless its own entry does: a decision written for the current key wins, and of several old entries
 * the most conservative); those about a threat retired by design are listed as retired; the others are stale.
 */
function placeUnmatched(result: AnalysisResult, unmatched: readonly TriageEntry[], placing: Placing) {
  const { byKey, decided, warn } = placing;
  const changes = keyChanges(result, unmatched.map((e) => e.ref));
  const rest: TriageEntry[] = [];
  const movedTo = new Map<string, Moved[]>();
  const retired: RetiredEntry[] = [];
  for (const entry of unmatched) {
    const change = changes.get(entry.ref);
    if (change?.kind === 'moved') {
      const group = movedTo.get(change.newKey);
      if (group) group.push({ entry, change });
      else movedTo.set(change.newKey, [{ entry, change }]);
    } else if (change?.kind === 'retired') {
      const { since, note, suspendedWhile } = change.migration;
      retired.push({ ...entryFacts(entry), oldKey: change.oldKey, since, reason: note, ...(suspendedWhile !== undefined ? { suspendedWhile } : {}) });
      warn('retired-entry', retiredMessage(result.file, entry, change), entry.loc);
    } else rest.push(entry);
  }
  const migrated: MigratedEntry[] = [];
  for (const [newKey, group] of movedTo) {
    const t = byKey.get(newKey)!;
    const own = decided.get(newKey)?.entry;
    const used = own ?? mostConservative(group.map((m) => m.entry));
    // A decision made for some of the endpoints, or for another rule's finding, would widen silently: open instead.
    const redecide = own ? undefined : widening(group);
    if (!own && redecide === undefined) decided.set(newKey, { entry: used, writtenFor: group.find((m) => m.entry === used)!.change.oldKey });
    for (const moved of group) {
      const { entry, change } = moved;
      const { since, note } = change.migration;
      const superseded = entry !== used && redecide === undefined ? { supersededBy: used.loc.line } : {};
      migrated.push({
        ...entryFacts(entry), oldKey: change.oldKey, key: newKey, uid: uidOf(t), since, note, ...superseded, ...(redecide !== undefined ? { redecide } : {}),
      });
      const message = redecide === undefined ? migratedMessage(result.file, moved, group, used, own !== undefined) : redecideMessage(result.file, moved, uidOf(t), redecide);
      warn('migrated-entry', message, entry.loc, uidOf(t));
    }
  }
  migrated.sort((a, b) => a.line - b.line || a.col - b.col);
  const { stale, regrouped } = placeRest(result, rest, placing);
  return { stale, migrated, retired, regrouped };
}

/** An entry no release's key change explains, with the key it was written for (when known) and its regroup. */
interface RestPlan {
  entry: TriageEntry;
  decision?: StaleDecision;
  regroup: Regroup;
}

/**
 * The entries no release's key change explains: each decides the threats now reported in its key's place that
 * its recorded scope covers whole (regroup.ts; of several entries on one threat the most conservative, and never
 * over a threat's own entry); the others are stale, with a hint naming the likely threat when there is one.
 */
function placeRest(result: AnalysisResult, rest: readonly TriageEntry[], { decided, warn, scopeFacts }: Placing) {
  const stale: StaleEntry[] = [];
  const regrouped: RegroupedEntry[] = [];
  if (rest.length === 0) return { stale, regrouped };
  const index = new RegroupIndex(result.threats, scopeFacts());
  const plans = rest.map((entry): RestPlan => {
    const key = entryKeyOf(entry.ref, entry.threat);
    if (key === undefined) return { entry, regroup: { whole: [], wider: [] } };
    const decision: StaleDecision = { status: entry.status, key, ...pick(entry) };
    return { entry, decision, regroup: regroupOf(decision, index) };
  });
  const claims = new Map<string, RestPlan[]>();
  for (const plan of plans) {
    for (const t of plan.regroup.whole) if (!decided.has(t.key)) claims.set(t.key, [...(claims.get(t.key) ?? []), plan]);
  }
  for (const [key, claimed] of claims) {
    const used = mostConservative(claimed.map((p) => p.entry));
    decided.set(key, { entry: used, writtenFor: claimed.find((p) => p.entry === used)!.decision!.key });
  }
  for (const plan of plans) {
    const { entry, decision } = plan;
    const applied = plan.regroup.whole.filter((t) => claims.has(t.key) && decided.get(t.key)?.entry === entry);
    if (decision && applied.length) {
      for (const t of applied) regrouped.push({ ...entryFacts(entry), oldKey: decision.key, key: t.key, uid: uidOf(t) });
      warn('regrouped-entry', regroupedMessage(result.file, entry, decision, applied), entry.loc, uidOf(applied[0]));
      continue;
    }
    const hint = staleHint(result, plan, decided, index);
    stale.push({ ...entryFacts(entry), ...(hint ? { hint } : {}) });
    warn('stale-entry', `triage entry \`${entry.ref}\`${entry.threat ? ` (${entry.threat})` : ''} matches no threat${hint ? `: ${hint}` : ''}`, entry.loc);
  }
  regrouped.sort((a, b) => a.line - b.line || a.col - b.col || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { stale, regrouped };
}

/** An entry's recorded scope, for the checks that compare it with a threat. */
const pick = (entry: TriageEntry) => ({
  ...(entry.risk !== undefined ? { risk: entry.risk } : {}), ...(entry.covers !== undefined ? { covers: entry.covers } : {}), ...(entry.threat !== undefined ? { threat: entry.threat } : {}),
});

/** What an entry was made for, in a few words: its flows, else its key. */
const madeFor = (d: StaleDecision): string => (d.covers?.length ? d.covers.join(', ') : d.key);

function regroupedMessage(modelFile: string, entry: TriageEntry, d: StaleDecision, applied: readonly Threat[]): string {
  const now = applied.map((t) => `\`${t.key}\` (${uidOf(t)})`).join(' and ');
  const head = `triage entry \`${entry.ref}\` (${entry.ref === d.key ? '' : `${d.key}, `}${d.status} for ${madeFor(d)}) now decides ${now}`;
  const why = `the rule reports ${applied.length === 1 ? 'it' : 'them'} on another component since elements were added or removed, and the decision covers ${applied.length === 1 ? 'it' : 'them'} whole`;
  return applied.length === 1
    ? `${head}: ${why}; write the entry under that key (\`${migrateCommand(modelFile)}\` does)`
    : `${head}: ${why}; write an entry for each (\`threatmap triage ${modelArg(modelFile)} ID --status ${d.status}\`) and delete this one`;
}

/** A retired entry in words: delete it, or, while another finding stands for its cause, keep it for when the threat returns. */
function retiredMessage(modelFile: string, entry: TriageEntry, change: KeyChange & { kind: 'retired' }): string {
  const { since, note, suspendedWhile } = change.migration;
  const head = `triage entry \`${entry.ref}\`${entry.ref === change.oldKey ? '' : ` (${change.oldKey})`}`;
  if (suspendedWhile === undefined) return `${head} is retired: since ${since}, ${note}; delete the entry (\`${migrateCommand(modelFile)}\` does)`;
  return `${head} is suspended while ${suspendedWhile} reports the cause: since ${since}, ${note}; keep the entry (\`${migrateCommand(modelFile)}\` leaves it): its decision (${entry.status}) applies again when the threat returns`;
}

/**
 * Why the entries that moved into one threat cannot decide it, in words; undefined when they can: the threat
 * names endpoints none of their old keys did, or is the finding of another rule than the one they decided.
 */
function widening(group: readonly Moved[]): string | undefined {
  const endpoints = group[0].change.endpoints ?? [];
  const had = new Set(group.map((m) => keyComponent(m.change.oldKey)));
  const more = endpoints.filter((id) => !had.has(id));
  const other = group.filter((m) => m.change.migration.from !== undefined).map((m) => m.change.oldKey).sort();
  if (more.length === 0 && other.length === 0) return undefined;
  const parts = [
    ...(more.length ? [`it now also covers ${namedIds(more)} (${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'} in all)`] : []),
    ...(other.length ? [`${namedIds(other)}, another rule's finding, moved into it: a decision on that is none on ${group[0].change.migration.rule}`] : []),
  ];
  return parts.join('; ');
}

/** At most four ids, then a count of the rest. */
const namedIds = (ids: readonly string[]): string => {
  const named = ids.slice(0, 4).map((id) => `\`${id}\``);
  if (ids.length > 4) named.push(`${ids.length - 4} more`);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
};

/** An entry whose decision would widen if it followed its key change: the threat is open until decided anew. */
function redecideMessage(modelFile: string, { entry, change }: Moved, uid: string, why: string): string {
  const { since, note } = change.migration;
  return `triage entry \`${entry.ref}\`${entry.ref === change.oldKey ? '' : ` (${change.oldKey})`} was made for less than \`${change.newKey}\`, now reported in its place (rule changed in ${since}: ${note}): ${why}; `
    + `the threat is open until it is decided anew (\`threatmap triage ${modelArg(modelFile)} ${uid} --status ${entry.status}\` moves this entry there and records it)`;
}

/** An entry under a key a release changed, and the change. */
interface Moved {
  entry: TriageEntry;
  change: KeyChange & { kind: 'moved' };
}

/** What every listed entry says of itself: its id, decision, line and what it was about. */
const entryFacts = (entry: TriageEntry) => ({
  ref: entry.ref, status: entry.status, line: entry.loc.line, col: entry.loc.col, ...(entry.threat ? { threat: entry.threat } : {}),
});

/**
 * An entry that follows a key change, in words: where its decision now applies, whether it is the one in force
 * (another entry may decide the same threat: its own entry, or a more conservative decision), and the command
 * that rewrites the file.
 */
function migratedMessage(modelFile: string, { entry, change }: Moved, group: readonly Moved[], used: TriageEntry, own: boolean): string {
  const { since, note } = change.migration;
  const head = `triage entry \`${entry.ref}\`${entry.ref === change.oldKey ? '' : ` (${change.oldKey})`} now applies to \`${change.newKey}\` (rule changed in ${since}: ${note})`;
  const run = `run \`${migrateCommand(modelFile)}\` to rewrite the file`;
  if (own) return `${head}, which has its own entry on line ${used.loc.line}: that decision (${used.status}) is used; ${run}`;
  const others = group.map((m) => m.entry).filter((e) => e !== entry);
  if (others.length === 0) return `${head}: ${run}`;
  if (entry === used) {
    return `${head}, as ${others.length === 1 ? 'does' : 'do'} ${others.map((e) => `\`${e.ref}\` (${e.status}, line ${e.loc.line})`).join(', ')}: this decision (${entry.status}) is the most conservative and is used; ${run}`;
  }
  return `${head}, as does \`${used.ref}\` (line ${used.loc.line}), whose decision (${used.status}) is the most conservative and is used instead of this one (${entry.status}); ${run}`;
}

function summarizeTriage(
  threats: readonly Threat[], file: string, stale: StaleEntry[], warnings: TriageWarning[], migrated: MigratedEntry[] = [], retired: RetiredEntry[] = [],
  regrouped: RegroupedEntry[] = [],
): TriageReport {
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
  // Present only when there are some: results of files without such entries read as before, byte for byte.
  return {
    file, open, closed, byStatus, stale, ...(migrated.length ? { migrated } : {}), ...(retired.length ? { retired } : {}), ...(regrouped.length ? { regrouped } : {}), warnings,
  };
}

/** The residual risk of a result: its triage report, or (untriaged) every threat open. */
export const residualOf = (r: AnalysisResult): TriageReport => r.triage ?? summarizeTriage(r.threats, '', [], []);

/** The id of the written threat a key is about (`threat:<id>@...`), else undefined. */
const writtenThreatId = (key: string): string | undefined => /^threat:([^@]+)@/.exec(key)?.[1];

function staleHint(result: AnalysisResult, plan: RestPlan, decided: ReadonlyMap<string, Decided>, index: RegroupIndex): string | undefined {
  const { entry, decision } = plan;
  const { threats } = result;
  const written = writtenThreatId(entry.ref);
  if (written !== undefined) {
    const now = threats.filter((t) => writtenThreatId(t.key) === written).map((t) => `\`${t.key}\``);
    if (now.length) return `the written threat \`${written}\` is now reported as ${now.join(', ')}: move the decision to the one it is about`;
  }
  const uidOnly = 'the threat is no longer reported (fixed, suppressed by an assumption, or its element, flow or endpoint id changed); delete the entry or move the decision to the new id';
  if (decision === undefined) return uidOnly;
  const key = decision.key;
  const rule = key.slice(0, key.indexOf('@'));
  const moved = KEY_MIGRATIONS.find((m) => m.kind === 'moved' && m.rule === rule);
  if (moved?.kind === 'moved' && key.includes('->')) {
    const caller = `${rule}@${key.slice(rule.length + 1, key.indexOf('->'))}`;
    const now = threats.some((t) => t.key === caller) ? `\`${caller}\` does not name this flow now` : 'this flow\'s caller has no such threat now';
    return `since ${moved.since} the rule's key is ${moved.newShape}, was ${moved.oldShape}, and ${now}; delete the entry`;
  }
  const clear = `\`threatmap triage ${modelArg(result.file)} ${shellArg(entry.ref)} --clear\``;
  const regroup = regroupHint(result, plan, decided, clear, index);
  if (regroup) return regroup;
  const renamed = renamedCandidates(decision, index);
  if (renamed.length) {
    return `did you mean ${renamed.map((t) => `\`${t.key}\` (${uidOf(t)})`).join(' or ')}? Same rule, and its component's id or name matches: decide that threat, then delete this entry (${clear})`;
  }
  const near = suggest(key, index.ofRule(rule).map((t) => t.key));
  if (near) return `did you mean \`${near}\`?`;
  if (UID_PATTERN.test(entry.ref)) return uidOnly;
  if (!threats.some((t) => t.ruleId === rule)) return `rule \`${rule}\` reports no threat in this model now`;
  return 'the threat is no longer reported; delete the entry';
}

/**
 * The threat now reported in a stale entry's place (regroup.ts), when the decision cannot follow it: it covers
 * more than the decision did (or the entry recorded no scope to tell), or it has a decision of its own.
 */
function regroupHint(result: AnalysisResult, { decision, regroup }: RestPlan, decided: ReadonlyMap<string, Decided>, clear: string, index: RegroupIndex): string | undefined {
  const d = decision!;
  const named = (t: Threat) => `\`${t.key}\` (${uidOf(t)}, ${t.title})`;
  const own = regroup.whole.filter((t) => decided.has(t.key));
  if (own.length) {
    const by = decided.get(own[0].key)!.entry;
    return `its threat is now reported as ${named(own[0])}, decided by the entry on line ${by.loc.line}; delete this entry (${clear})`;
  }
  if (regroup.wider.length === 0) return undefined;
  const t = regroup.wider[0];
  const drift = scopeDrift(d, d.key, t, index.ctx);
  const flows = drift?.added.filter((id) => t.flows.includes(id)) ?? [];
  const beyond = drift
    ? `, which ${[drift.risk ? `is rated ${t.risk} (the decision was made at ${drift.risk})` : '', flows.length ? `also covers ${flows.join(', ')}` : ''].filter(Boolean).join(' and ') || `concerns ${t.componentName}`}`
    : `, which covers ${t.flows.length ? t.flows.join(', ') : t.componentName}: this entry recorded no scope to tell whether the decision covers all of it`;
  const more = regroup.wider.length > 1 ? ` (also ${regroup.wider.slice(1).map((o) => `\`${o.key}\``).join(', ')})` : '';
  return `its threat is now reported as ${named(t)}${more}${beyond}; the decision does not follow it — decide that threat (\`threatmap triage ${modelArg(result.file)} ${uidOf(t)} --status ${d.status}\`), then delete this entry (${clear})`;
}

/** Risk counts as a short phrase: `2 Critical, 1 High` (or `none`). */
export function countsPhrase(c: RiskCounts): string {
  const parts = [...RISKS].reverse().filter((r) => c[r] > 0).map((r) => `${c[r]} ${r}`);
  return parts.length ? parts.join(', ') : 'none';
}
