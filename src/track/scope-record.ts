// `threatmap triage --migrate`, the part about scopes: entries written before decisions recorded what they
// were made for get `risk:` and `covers:`, as an edit of that entry alone (triage-edit.ts). Only where the
// threat is still what the entry says it decided: an entry whose `threat:` text differs from the threat's now
// may have been made for less, and recording today's scope would bless the difference, so it is listed for a
// re-decision instead. Entries under a key a release changed record the one flow their old key named, and
// entries that followed a regroup (regroup.ts) move to the key of the threat they decide. Text in, text out.
import type { AnalysisResult, Risk, Threat } from '../analysis/types.js';
import { KEY_MIGRATIONS } from './key-migrations.js';
import { keyComponent, scopeOf } from './scope.js';
import { DECIDED_STATUSES, parseTriage, type TriageEntry, uidOf } from './triage.js';
import { renameTriageEntry, setEntryScope } from './triage-edit.js';
import type { TriageStatus } from './types.js';
import { UID_PATTERN } from './uid.js';

/** One entry `--migrate` recorded the scope of, moved, or could not record: in file order, for the command to print. */
export interface ScopeStep {
  /** Where the entry was written (before the change). */
  line: number;
  ref: string;
  status: TriageStatus;
  /** `recorded`: risk and covers written; `moved`: written under the key of the threat it decides; `skipped`: left for a re-decision. */
  kind: 'recorded' | 'moved' | 'skipped';
  /** The threat the entry decides. */
  uid: string;
  key: string;
  risk?: Risk;
  covers?: string[];
  /** The id the entry is now written under (`moved`). */
  to?: string;
  why: string;
}

/** What a reviewer reads in an entry's `threat:`, as `threatmap triage` writes it. */
const describe = (t: Threat): string => `${t.title} (${t.key})`;

/**
 * The scope steps for the triage file `text`; `result` is the analysis with that file's triage applied. Entries
 * that record a scope, `open` entries and entries deciding several threats (an ambiguous stable id) are left.
 */
export function scopeSteps(text: string, result: AnalysisResult): ScopeStep[] {
  const entries = new Map<number, TriageEntry>((parseTriage(text, '').triage?.entries ?? []).map((e) => [e.loc.line, e]));
  const deciding = new Map<number, Threat[]>();
  for (const t of result.threats) {
    const line = t.triage?.line;
    if (line !== undefined) deciding.set(line, [...(deciding.get(line) ?? []), t]);
  }
  const steps: ScopeStep[] = [];
  for (const [line, threats] of deciding) {
    const entry = entries.get(line);
    if (entry === undefined || threats.length !== 1 || entry.status === 'open') continue;
    const step = stepFor(entry, threats[0], result);
    if (step) steps.push(step);
  }
  return steps.sort((a, b) => a.line - b.line);
}

function stepFor(entry: TriageEntry, t: Threat, result: AnalysisResult): ScopeStep | undefined {
  const base = { line: entry.loc.line, ref: entry.ref, status: entry.status, uid: uidOf(t), key: t.key };
  const regrouped = result.triage?.regrouped?.filter((r) => r.line === entry.loc.line) ?? [];
  if (regrouped.length === 1) {
    const to = UID_PATTERN.test(entry.ref) ? base.uid : t.key;
    return { ...base, kind: 'moved', to, why: `its threat is reported on another component now, and the scope it records covers it whole` };
  }
  if (entry.risk !== undefined || entry.covers !== undefined) return undefined;
  const migrated = result.triage?.migrated?.find((m) => m.line === entry.loc.line && m.supersededBy === undefined);
  if (migrated) return migratedStep(base, migrated.oldKey, t);
  if (entry.ref !== t.key && entry.ref !== base.uid) return undefined;
  if (!DECIDED_STATUSES.includes(entry.status)) return undefined;
  const now = describe(t);
  if (entry.threat !== undefined && entry.threat.trim() !== now) {
    return { ...base, kind: 'skipped', why: `its \`threat:\` says "${entry.threat.trim()}", the threat is now "${now}": it may have been decided for less than it covers now` };
  }
  const { risk, covers } = scopeOf(t);
  return { ...base, kind: 'recorded', risk, covers, why: entry.threat === undefined ? 'no `threat:` text to compare with: recorded as the threat is now' : 'the threat is what the entry says it decided' };
}

/**
 * An entry under a per-flow key a release moved to the calling element: the decision was made for that one
 * flow, so that is what it records (no risk: the old threat's is not known). A caller with other unbounded
 * calls then needs a re-decision, rather than the decision widening to them.
 */
function migratedStep(base: Omit<ScopeStep, 'kind' | 'why'>, oldKey: string, t: Threat): ScopeStep | undefined {
  const flow = keyComponent(oldKey);
  const perFlow = KEY_MIGRATIONS.some((m) => m.kind === 'moved' && m.resolve === 'flow-to-caller' && m.rule === t.ruleId);
  if (!perFlow || base.status === 'open') return undefined;
  const others = t.flows.filter((f) => f !== flow);
  const why = others.length
    ? `the flow its old key \`${oldKey}\` named; the threat also covers ${others.join(', ')}, so the decision needs a re-decision`
    : `the flow its old key \`${oldKey}\` named`;
  return { ...base, kind: 'recorded', covers: [flow], why };
}

/** `text` with the steps applied: scopes written, entries moved; skipped steps change nothing. */
export function applyScopeSteps(text: string, steps: readonly ScopeStep[]): string {
  let out = text;
  for (const step of steps) {
    if (step.kind === 'recorded') out = setEntryScope(out, { uid: step.uid, key: step.key }, { ...(step.risk ? { risk: step.risk } : {}), covers: step.covers ?? [] });
    else if (step.kind === 'moved') out = renameTriageEntry(out, step.ref, step.to!);
  }
  return out;
}
