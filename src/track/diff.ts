// What changed between two analyses of a model (two files, or one model at two git revisions): new,
// resolved and re-rated threats, triage changes, new boundary crossings and entry points. Threats are
// matched by their stable key, so renumbering (T1, T2...) is never reported as a change. Pure.
import { riskRank } from '../analysis/risk.js';
import type { AnalysisResult, Crossing, CrossingKind, Rating, Risk, Stride, SurfaceEntry, Threat } from '../analysis/types.js';
import { isUnresolved, type TriageStatus } from './types.js';
import { statusOf, uidOf } from './triage.js';

export interface ThreatRef {
  id: string;
  uid: string;
  key: string;
  ruleId: string;
  stride: Stride;
  component: string;
  componentName: string;
  title: string;
  risk: Risk;
  likelihood: Rating;
  impact: Rating;
  status: TriageStatus;
}

export interface Rerated {
  before: ThreatRef;
  after: ThreatRef;
  /** Up when the risk rose. */
  direction: 'up' | 'down';
}

export interface StatusChange {
  threat: ThreatRef;
  from: TriageStatus;
  to: TriageStatus;
}

export interface CrossingRef {
  flow: string;
  from: string;
  to: string;
  fromName: string;
  toName: string;
  kind: CrossingKind;
  label: string;
}

export interface EntryPointRef {
  id: string;
  category: SurfaceEntry['category'];
  name: string;
  detail: string;
  exposed: boolean;
  line: number;
  /** True when it existed before but was not reachable from an untrusted zone. */
  newlyExposed?: boolean;
}

export interface DiffSideInfo {
  file: string;
  /** How the side was read, e.g. `main:examples/shop.yaml`, or the file name. */
  label: string;
  /** False when the model did not exist there (every threat is then new). */
  exists: boolean;
  threats: number;
}

export interface ResultDiff {
  tool: 'threatmap';
  kind: 'diff';
  schemaVersion: 1;
  system: string;
  old: DiffSideInfo;
  new: DiffSideInfo;
  newThreats: ThreatRef[];
  resolvedThreats: ThreatRef[];
  rerated: Rerated[];
  statusChanges: StatusChange[];
  newCrossings: CrossingRef[];
  removedCrossings: CrossingRef[];
  newEntryPoints: EntryPointRef[];
  removedEntryPoints: EntryPointRef[];
  /** True when anything above is non-empty. */
  changed: boolean;
}

/** The categories of the attack surface that are ways in (the others are targets: stores, people...). */
const ENTRY_CATEGORIES: ReadonlySet<string> = new Set(['Network', 'Application', 'Authentication']);

export function threatRef(t: Threat): ThreatRef {
  return {
    id: t.id, uid: uidOf(t), key: t.key, ruleId: t.ruleId, stride: t.stride, component: t.component,
    componentName: t.componentName, title: t.title, risk: t.risk, likelihood: t.likelihood.level, impact: t.impact.level,
    status: statusOf(t),
  };
}

function crossingRefs(r: AnalysisResult | undefined): Map<string, CrossingRef> {
  const out = new Map<string, CrossingRef>();
  if (!r) return out;
  const names = new Map<string, string>(r.elements.map((e) => [e.id, e.name]));
  for (const c of r.crossings) {
    out.set(crossingKey(c), {
      flow: c.flow, from: c.from, to: c.to, fromName: names.get(c.from) ?? c.from, toName: names.get(c.to) ?? c.to,
      kind: c.kind, label: c.label,
    });
  }
  return out;
}

/** A crossing is the same when the same flow leaves and enters the same boundaries. */
const crossingKey = (c: Crossing): string => JSON.stringify([c.flow, c.kind, c.left, c.entered]);

function entryPoints(r: AnalysisResult | undefined): Map<string, EntryPointRef> {
  const out = new Map<string, EntryPointRef>();
  if (!r) return out;
  for (const e of r.attackSurface) {
    if (!ENTRY_CATEGORIES.has(e.category)) continue;
    const key = `${e.category}\u001f${e.id}`;
    if (!out.has(key)) out.set(key, { id: e.id, category: e.category, name: e.name, detail: e.detail, exposed: e.exposed, line: e.loc.line });
  }
  return out;
}

export interface DiffLabels {
  old?: string;
  new?: string;
}

/**
 * Compares two results. `old` is undefined when the model did not exist at the base revision.
 * Lists keep the order of the result they come from (risk order).
 */
export function diffResults(old: AnalysisResult | undefined, next: AnalysisResult, labels: DiffLabels = {}): ResultDiff {
  const oldThreats = new Map((old?.threats ?? []).map((t) => [t.key, t]));
  const newKeys = new Set(next.threats.map((t) => t.key));

  const newThreats: ThreatRef[] = [];
  const rerated: Rerated[] = [];
  const statusChanges: StatusChange[] = [];
  for (const t of next.threats) {
    const before = oldThreats.get(t.key);
    if (!before) {
      newThreats.push(threatRef(t));
      continue;
    }
    if (before.risk !== t.risk) {
      rerated.push({ before: threatRef(before), after: threatRef(t), direction: riskRank(t.risk) > riskRank(before.risk) ? 'up' : 'down' });
    }
    const [from, to] = [statusOf(before), statusOf(t)];
    if (from !== to) statusChanges.push({ threat: threatRef(t), from, to });
  }
  const resolvedThreats = (old?.threats ?? []).filter((t) => !newKeys.has(t.key)).map(threatRef);

  const oldCrossings = crossingRefs(old);
  const nextCrossings = crossingRefs(next);
  const newCrossings = [...nextCrossings].filter(([k]) => !oldCrossings.has(k)).map(([, c]) => c);
  const removedCrossings = [...oldCrossings].filter(([k]) => !nextCrossings.has(k)).map(([, c]) => c);

  const oldEntries = entryPoints(old);
  const nextEntries = entryPoints(next);
  const newEntryPoints: EntryPointRef[] = [];
  for (const [k, e] of nextEntries) {
    const before = oldEntries.get(k);
    if (!before) newEntryPoints.push(e);
    else if (e.exposed && !before.exposed) newEntryPoints.push({ ...e, newlyExposed: true });
  }
  const removedEntryPoints = [...oldEntries].filter(([k]) => !nextEntries.has(k)).map(([, e]) => e);

  const changed = [newThreats, resolvedThreats, rerated, statusChanges, newCrossings, removedCrossings, newEntryPoints, removedEntryPoints]
    .some((list) => list.length > 0);
  return {
    tool: 'threatmap',
    kind: 'diff',
    schemaVersion: 1,
    system: next.system.name,
    old: { file: old?.file ?? next.file, label: labels.old ?? old?.file ?? next.file, exists: old !== undefined, threats: old?.threats.length ?? 0 },
    new: { file: next.file, label: labels.new ?? next.file, exists: true, threats: next.threats.length },
    newThreats,
    resolvedThreats,
    rerated,
    statusChanges,
    newCrossings,
    removedCrossings,
    newEntryPoints,
    removedEntryPoints,
    changed,
  };
}

/** Threats that are open at or above `min` (the `check` gate). */
export function failingThreats(r: AnalysisResult, min: Risk): Threat[] {
  return r.threats.filter((t) => isUnresolved(statusOf(t)) && riskRank(t.risk) >= riskRank(min));
}

/** Threats failing the gate now that did not fail it in `base` (new, re-rated into the band, or reopened). */
export function newlyFailing(base: AnalysisResult | undefined, next: AnalysisResult, min: Risk): Threat[] {
  const before = new Set(base ? failingThreats(base, min).map((t) => t.key) : []);
  return failingThreats(next, min).filter((t) => !before.has(t.key));
}
