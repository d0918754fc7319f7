// The analysis result: a plain, serialisable object. `threatmap analyze --format json` prints exactly this,
// and every renderer reads only this (renderers never re-analyse).
import type { AuthMethod, TrustLevel } from '../model/catalog.js';
import type { Asset, Boundary, Diagnostic, Element, Flow, Loc, ModelPath, System } from '../model/types.js';
import type { ThreatTriage, TriageReport } from '../track/types.js';

export const STRIDE_LETTERS = ['S', 'T', 'R', 'I', 'D', 'E'] as const;
export type Stride = (typeof STRIDE_LETTERS)[number];
export const STRIDE_NAMES: Record<Stride, string> = {
  S: 'Spoofing',
  T: 'Tampering',
  R: 'Repudiation',
  I: 'Information Disclosure',
  D: 'Denial of Service',
  E: 'Elevation of Privilege',
};

export const RATINGS = ['Low', 'Medium', 'High'] as const;
export type Rating = (typeof RATINGS)[number];
export const RISKS = ['Low', 'Medium', 'High', 'Critical'] as const;
export type Risk = (typeof RISKS)[number];

export interface RatedLevel {
  level: Rating;
  /** Why, in terms of the model's facts. */
  reason: string;
}

/** One fact from the model that made a rule fire (or that mitigates), with where it is written. */
export interface Evidence {
  fact: string;
  path: string;
  line: number;
  col: number;
}

export type ComponentKind = 'element' | 'flow' | 'boundary' | 'endpoint' | 'system';

export interface Threat {
  /** T1, T2... in risk order (report order). */
  id: string;
  /** Stable across edits: derived from the rule and what it concerns, never from report order. */
  key: string;
  /** The stable id shown to people, `TM-` + a hash of `key` (src/track/uid.ts). */
  uid?: string;
  ruleId: string;
  stride: Stride;
  category: string;
  /** The element, flow or boundary id the threat concerns. */
  component: string;
  componentKind: ComponentKind;
  componentName: string;
  /** The endpoint id (`element:key`) when the threat is about one entry point. */
  endpoint?: string;
  /** Every flow the threat covers (a threat found on several flows is reported once). */
  flows: string[];
  title: string;
  description: string;
  likelihood: RatedLevel;
  impact: RatedLevel;
  risk: Risk;
  mitigation: string;
  /** Concrete steps for the mitigation in the technologies involved (src/analysis/tech-advice.ts); absent when none is known. */
  mitigationSteps?: string[];
  references: string[];
  evidence: Evidence[];
  /** The team's decision, once triage is applied (src/track/triage.ts); absent means open. */
  triage?: ThreatTriage;
}

/**
 * `not-applicable`: the category does not apply to this kind of element (STRIDE per element) or an assumption
 * rules it out; `no-finding`: it applies and the rules checked it, but none matched the element's facts.
 */
export type CoverageStatus = 'threat' | 'mitigated' | 'no-finding' | 'not-applicable';

/** How one (component, STRIDE category) pair ended: nothing is silently skipped. */
export interface CoverageCell {
  stride: Stride;
  status: CoverageStatus;
  /** Threat ids, when status is `threat`. */
  threats: string[];
  /** Controls that mitigate, when status is `mitigated`. */
  controls: string[];
  reason: string;
}

export interface CoverageRow {
  component: string;
  componentKind: ComponentKind;
  name: string;
  cells: CoverageCell[];
}

export const CROSSING_KINDS = [
  'internet-to-dmz', 'internet-to-internal', 'dmz-to-internal', 'app-to-data', 'service-to-service',
  'user-to-admin', 'to-lower-trust', 'to-higher-trust', 'same-trust',
] as const;
export type CrossingKind = (typeof CROSSING_KINDS)[number];

export interface Crossing {
  flow: string;
  from: string;
  to: string;
  /** Boundaries the flow leaves, innermost first. */
  left: string[];
  /** Boundaries the flow enters, outermost first. */
  entered: string[];
  fromTrust: TrustLevel;
  toTrust: TrustLevel;
  kind: CrossingKind;
  label: string;
  /**
   * How the call across authenticates: the flow's own auth, else that of the endpoint it names, else its
   * target's (`none` when none of them says); the flow's own is `flows[].auth`. A broker's delivery to a
   * consumer takes not the consumer's auth but that of the consumer's own connection to the broker, else
   * the broker's `auth`.
   */
  auth: AuthMethod;
}

export const SURFACE_CATEGORIES = ['Network', 'Application', 'Authentication', 'Data', 'Infrastructure', 'Human'] as const;
export type SurfaceCategory = (typeof SURFACE_CATEGORIES)[number];

export interface SurfaceEntry {
  category: SurfaceCategory;
  /** Element or endpoint id. */
  id: string;
  name: string;
  detail: string;
  /** Reachable from an untrusted zone. */
  exposed: boolean;
  /** `internet`: straight from an untrusted zone (or through edge components); `indirect`: through application code. */
  exposure: 'internet' | 'indirect' | 'internal';
  /**
   * For an entry reachable from the internet: the controls that admit only some callers (`vpn`, `ip-allowlist`)
   * on it or on every untrusted path to it, as the rules rate it; absent when there are none.
   */
  admittedBy?: string[];
  loc: Loc;
}

/**
 * One step of an attack path: a flow followed in its direction. A flow `a -> b` lets whoever controls `a`
 * reach `b`; going on from `b` means compromising (or abusing) `b` to make its own calls.
 */
export interface AttackPathHop {
  flow: string;
  from: string;
  to: string;
  protocol: string;
  encrypted: boolean;
  /**
   * How the call authenticates: the flow's own `auth`, else the endpoint's it names, else its target's unless
   * the flow is a broker's delivery to a consumer (`none` when none says).
   */
  auth: AuthMethod;
  /** Where the model states `auth`: the flow, the endpoint (its element's `auth` when it inherits it) or the target's `auth`. */
  authAt?: ModelPath;
  /** The endpoint of `to` the flow names (`element:key`). */
  endpoint?: string;
  /**
   * Whether the call demands a credential: the flow's `auth`, or the endpoint it names, or (naming none)
   * the target and every endpoint the flow can reach; on a path's last hop, every endpoint holding the asset
   * that the flow can land on (see src/analysis/paths.ts). A broker's delivery to a consumer demands only
   * what it states itself: the consumer's `auth` is asked of its callers.
   */
  authenticated: boolean;
  /**
   * When an endpoint is why the call demands no credential: the public one it names, or, naming none, the first
   * (in model order) it can land on without one although its target asks for one. Absent when the call is
   * authenticated or its target asks no caller for a credential.
   */
  openAt?: string;
  /** The label of the trust boundary crossing, when the flow crosses one. */
  crossing?: string;
  crossingKind?: CrossingKind;
  /**
   * Threats on this step that concern the asset or lead on (see src/analysis/paths.ts), in report order: the
   * flow's, and those of `to` (its endpoints': those the flow can reach).
   */
  threats: string[];
}

/** The easiest way from an entry point to an element where an asset lives (see src/analysis/paths.ts). */
export interface AttackPath {
  asset: string;
  assetName: string;
  /** The element the attacker starts from: in an untrusted zone, or marked `exposed`. */
  entry: string;
  /** Where the path ends: an element where the asset lives. */
  target: string;
  /**
   * How the asset lives at `target`: the element stores it; handles it (when none stores it); or receives it
   * over a flow (when none stores or handles it).
   */
  held: 'stored' | 'handled' | 'received';
  /** Threats on the entry element itself, in report order: what an attacker standing there, or in front of it, can use. */
  entryThreats: string[];
  /** Empty when the entry is where the asset lives. */
  hops: AttackPathHop[];
  unauthenticatedHops: number;
  /** Every threat on the path (the entry's and the hops'), once each, in report order. */
  threats: string[];
  /** The highest risk of `threats`; absent when there is none. */
  risk?: Risk;
}

/** An asset no entry point reaches. */
export interface UnreachableAsset {
  asset: string;
  assetName: string;
  /** The elements where it lives, in model order: empty when no element stores or handles it and no flow carries it. */
  at: string[];
}

export interface AttackPaths {
  /** The entry points' ids, sorted. */
  entries: string[];
  /** One per asset some entry point reaches: by risk (Critical first, none last), asset value, hops, asset id. */
  paths: AttackPath[];
  /** In the same order of asset value, then id. */
  unreachable: UnreachableAsset[];
}

export interface Recommendation {
  rank: number;
  risk: Risk;
  text: string;
  /** Threat ids fixed by this action. */
  threats: string[];
}

export interface Summary {
  elements: { external: number; process: number; store: number; total: number };
  flows: number;
  boundaries: number;
  crossings: number;
  endpoints: number;
  assets: number;
  threats: Record<Risk, number> & { total: number };
}

export interface AnalysisResult {
  tool: 'threatmap';
  /** Version of this result's shape. */
  schemaVersion: 1;
  file: string;
  system: System;
  summary: Summary;
  boundaries: Boundary[];
  assets: Asset[];
  elements: Element[];
  flows: Flow[];
  crossings: Crossing[];
  threats: Threat[];
  coverage: CoverageRow[];
  attackSurface: SurfaceEntry[];
  /** For every asset, the easiest way in from an entry point (src/analysis/paths.ts). */
  attackPaths: AttackPaths;
  recommendations: Recommendation[];
  /** Warnings found while loading (sanity checks); errors stop before analysis. */
  diagnostics: Diagnostic[];
  /** Residual risk, stale entries and warnings, once triage is applied (src/track/triage.ts). */
  triage?: TriageReport;
}
