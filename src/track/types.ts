// Triage: the team's decisions about threats, kept beside the model in git and applied to an analysis
// result as a pure step. Types only; shared by the analysis result, the renderers and the CLI.
import type { Risk } from '../analysis/types.js';

export const TRIAGE_STATUSES = ['open', 'mitigating', 'mitigated', 'accepted', 'false-positive', 'transferred'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

/** Statuses under which the risk is still carried: they count as open in reports, `check` and SARIF. */
export const UNRESOLVED_STATUSES: readonly TriageStatus[] = ['open', 'mitigating'];
export const isUnresolved = (status: TriageStatus): boolean => UNRESOLVED_STATUSES.includes(status);

/** A decision as a triage file entry states it. */
export interface TriageDecision {
  status: TriageStatus;
  reason?: string;
  owner?: string;
  ticket?: string;
  /** YYYY-MM-DD: after this day the decision lapses and the threat is open again. */
  expires?: string;
  /** YYYY-MM-DD: when the decision should be looked at again. */
  review?: string;
  /** The risk the decision was made at: a threat rated higher later no longer counts as decided (scope.ts). */
  risk?: Risk;
  /** The flows the decision was made for, sorted: a threat that later covers others no longer counts as decided. */
  covers?: readonly string[];
}

/**
 * How a threat differs from what its decision was made for (scope.ts): rated higher, or covering flows or
 * components the decision did not. A closing decision then no longer closes the threat.
 */
export interface ScopeDrift {
  /** The decision as written. */
  status: TriageStatus;
  /** The risk the decision recorded, when the threat is rated higher now. */
  risk?: Risk;
  /** What the threat covers now that the decision did not (flow ids, or the component a moved entry now names), sorted. */
  added: string[];
  /** The change in words, e.g. `accepted at Low for lb->web; now High and also covers lb->pay carrying Card data`. */
  summary: string;
}

/** One threat's triage, as applied to it (every threat has one once triage is applied). */
export interface ThreatTriage {
  /** The status in force: `open` when untriaged, or when the decision has expired. */
  status: TriageStatus;
  /** What the triage file says, when that is not what is in force (an expired acceptance, or a decision whose threat drifted). */
  declared?: TriageStatus;
  /** Set when the threat is no longer what its decision was made for: the decision needs a review (and no longer closes it). */
  drift?: ScopeDrift;
  reason?: string;
  owner?: string;
  ticket?: string;
  /** YYYY-MM-DD: after this day the decision lapses and the threat is open again. */
  expires?: string;
  /** YYYY-MM-DD: when the decision should be looked at again (a reminder; nothing lapses). */
  review?: string;
  /** The risk the entry records its decision was made at (`risk:`, scope.ts): exports carry it as written. */
  risk?: Risk;
  /** The flows the entry records its decision was made for (`covers:`), sorted; absent when it records none. */
  covers?: string[];
  /** Where the entry is written (absent when the threat has no entry). */
  line?: number;
}

/** A triage entry that matches no threat: reported, never silently dropped. */
export interface StaleEntry {
  /** The entry's id as written: a stable id (`TM-...`) or a threat key (`rule@component`). */
  ref: string;
  status: TriageStatus;
  /** The informational `threat:` text of the entry, to say what it was about. */
  threat?: string;
  line: number;
  col: number;
  /** Why it may no longer match, when a likely cause is known. */
  hint?: string;
}

/** A triage entry applied to a threat under another key than the one it was written for. */
interface MovedEntry {
  /** The entry's id as written. */
  ref: string;
  status: TriageStatus;
  threat?: string;
  line: number;
  col: number;
  /** The key the entry was written for. */
  oldKey: string;
  /** The key and stable id of the threat it now applies to. */
  key: string;
  uid: string;
}

/**
 * A triage entry written under a threat key that a release changed (src/track/key-migrations.ts): its decision
 * applies to the threat now reported in its place, until `threatmap triage --migrate` rewrites the entry.
 */
export interface MigratedEntry extends MovedEntry {
  /** The release that changed the rule, and what changed. */
  since: string;
  note: string;
  /**
   * The line of the entry whose decision applies instead, when another entry decides the same threat (its own
   * entry, or a more conservative one that also moved there); absent when this entry's decision applies.
   */
  supersededBy?: number;
  /**
   * Why the decision does not carry over: the threat now covers endpoints no entry that moved into it was written
   * for, or is another rule's finding. The threat is open until decided anew, and `--migrate` leaves the entry.
   */
  redecide?: string;
}

/**
 * A triage entry whose key went away because its threat is now reported on another component (a boundary
 * instead of its elements, or back), applied to the threat now reported in its place because its recorded
 * scope covers that threat whole: no widening. A match that would widen the decision is only a hint.
 */
export type RegroupedEntry = MovedEntry;

/** A triage entry about a threat that a release no longer reports by design: retired, with the reason, not stale. */
export interface RetiredEntry {
  ref: string;
  status: TriageStatus;
  threat?: string;
  line: number;
  col: number;
  oldKey: string;
  since: string;
  reason: string;
  /**
   * The rule whose finding stands for the cause while it reports: the entry is kept, suspended meanwhile, and
   * decides its threat again when that comes back; `--migrate` leaves it.
   */
  suspendedWhile?: string;
}

export interface TriageWarning {
  code: 'expired' | 'review-due' | 'stale-entry' | 'moved-entry' | 'migrated-entry' | 'retired-entry' | 'regrouped-entry' | 'scope-drift' | 'ambiguous-id' | 'missing-reason';
  message: string;
  file: string;
  line: number;
  col: number;
  /** The stable id of the threat concerned, when there is one. */
  uid?: string;
}

export type RiskCounts = { Critical: number; High: number; Medium: number; Low: number; total: number };

/** Residual risk after triage: what is still carried, and what was decided. */
export interface TriageReport {
  /** The triage file (empty when there is none: every threat is then open). */
  file: string;
  /** Threats still carried (open or mitigating), by risk. */
  open: RiskCounts;
  /** Threats closed by a decision (mitigated, accepted, false-positive, transferred), by risk. */
  closed: RiskCounts;
  byStatus: Record<TriageStatus, number>;
  stale: StaleEntry[];
  /** Entries under keys a release changed, applied to the threats now reported in their place (absent when none). */
  migrated?: MigratedEntry[];
  /** Entries about threats a release no longer reports by design (absent when none). */
  retired?: RetiredEntry[];
  /** Entries applied to the threat now reported in their key's place, which their recorded scope covers whole (absent when none). */
  regrouped?: RegroupedEntry[];
  warnings: TriageWarning[];
}
