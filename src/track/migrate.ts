// `threatmap triage --migrate` as text in, text out: a triage file's entries under keys that a release changed
// rewritten under the new keys (unless that would widen a decision: those wait for a re-decision), and entries
// about threats retired by design removed (those suspended while another finding stands for the cause stay),
// each as an edit of that entry alone (triage-edit.ts), so that comments and layout survive. The plan is what applying the triage
// found (triage.ts: `migrated`, `retired`), so the file says afterwards what the reports said before.
import type { AnalysisResult, Threat } from '../analysis/types.js';
import { parseTriage, type TriageEntry, uidOf } from './triage.js';
import { removeTriageEntry, renameTriageEntry, setTriageEntry } from './triage-edit.js';
import type { MigratedEntry, RetiredEntry, TriageStatus } from './types.js';
import { UID_PATTERN } from './uid.js';

/** One change `--migrate` made, in file order, for the command to print. */
export interface MigrationStep {
  /** Where the entry was written (before the change). */
  line: number;
  /** The entry's id as written. */
  ref: string;
  /** The key it was written for. */
  oldKey: string;
  status: TriageStatus;
  reason?: string;
  /**
   * `renamed`: the entry now stands under `to`; `removed`: it is gone, for `why`; `kept`: left as written, since
   * moving it would widen its decision (it waits for a re-decision of the threat now reported in its place).
   */
  kind: 'renamed' | 'removed' | 'kept';
  to?: string;
  why: string;
}

export interface Migration {
  text: string;
  steps: MigrationStep[];
}

/** What a reviewer reads in an entry's `threat:`, as `threatmap triage` writes it. */
const describe = (t: Threat): string => `${t.title} (${t.key})`;

/**
 * The triage file `text` with the key changes applied to it; `result` is the analysis with that file's triage
 * applied. Unchanged text and no steps when there is nothing to migrate.
 */
export function migrateTriageText(text: string, modelFile: string, result: AnalysisResult): Migration {
  const migrated = result.triage?.migrated ?? [];
  const retired = result.triage?.retired ?? [];
  const entries = new Map<string, TriageEntry>((parseTriage(text, '').triage?.entries ?? []).map((e) => [e.ref, e]));
  const steps = [...migrated.map((m) => migrationStep(m, result)), ...retired.filter((r) => r.suspendedWhile === undefined).map(retiredStep)]
    .map((step) => ({ ...step, ...(entries.get(step.ref)?.reason !== undefined ? { reason: entries.get(step.ref)!.reason } : {}) }))
    .sort((a, b) => a.line - b.line);
  let out = text;
  for (const step of steps) out = applyStep(out, modelFile, step, result);
  return { text: out, steps };
}

function migrationStep(m: MigratedEntry, result: AnalysisResult): MigrationStep {
  const base = { line: m.line, ref: m.ref, oldKey: m.oldKey, status: m.status };
  if (m.supersededBy !== undefined) {
    const used = result.triage?.migrated?.find((o) => o.line === m.supersededBy);
    const why = used
      ? `${m.key} is decided by the more conservative entry on line ${m.supersededBy} (${used.status})`
      : `${m.key} has its own entry on line ${m.supersededBy}`;
    return { ...base, kind: 'removed', why };
  }
  if (m.redecide !== undefined) return { ...base, kind: 'kept', to: UID_PATTERN.test(m.ref) ? m.uid : m.key, why: `${m.key} needs a re-decision: ${m.redecide}` };
  // An entry keeps the kind of id it was written under: a key stays a key, a stable id a stable id.
  const to = UID_PATTERN.test(m.ref) ? m.uid : m.key;
  const threat = result.threats.find((t) => t.key === m.key);
  return { ...base, kind: 'renamed', to, why: `${m.note} (${m.since})${threat ? `: ${threat.title}` : ''}` };
}

const retiredStep = (r: RetiredEntry): MigrationStep => ({ line: r.line, ref: r.ref, oldKey: r.oldKey, status: r.status, kind: 'removed', why: `retired in ${r.since}: ${r.reason}` });

function applyStep(text: string, modelFile: string, step: MigrationStep, result: AnalysisResult): string {
  if (step.kind === 'kept') return text;
  if (step.kind === 'removed') return removeTriageEntry(text, modelFile, { uid: step.ref, key: step.ref, describe: '' }).text;
  const renamed = renameTriageEntry(text, step.ref, step.to!);
  const threat = result.threats.find((t) => t.key === step.to || uidOf(t) === step.to);
  // `threat:` said what the old key was about: it now says what the entry decides.
  return threat ? setTriageEntry(renamed, modelFile, { uid: uidOf(threat), key: threat.key, describe: describe(threat) }, { status: step.status }) : renamed;
}
