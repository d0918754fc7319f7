// Triage: the team's decisions about threats, kept beside the model in git and applied to an analysis
// result as a pure step. Types only; shared by the analysis result, the renderers and the CLI.

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
}

/** One threat's triage, as applied to it (every threat has one once triage is applied). */
export interface ThreatTriage {
  /** The status in force: `open` when untriaged, or when the decision has expired. */
  status: TriageStatus;
  /** What the triage file says, when that is not what is in force (an expired acceptance). */
  declared?: TriageStatus;
  reason?: string;
  owner?: string;
  ticket?: string;
  /** YYYY-MM-DD: after this day the decision lapses and the threat is open again. */
  expires?: string;
  /** YYYY-MM-DD: when the decision should be looked at again (a reminder; nothing lapses). */
  review?: string;
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

export interface TriageWarning {
  code: 'expired' | 'review-due' | 'stale-entry' | 'moved-entry' | 'ambiguous-id' | 'missing-reason';
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
  warnings: TriageWarning[];
}
