// What changed between two analyses of a model (two files, or one model at two git revisions): new,
// resolved and re-rated threats, triage changes, new boundary crossings and entry points, and attack paths
// that got easier or harder. Threats are
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

/** An asset's easiest attack path on one side, as a reviewer reads it. */
export interface PathRef {
  /** Element names, from the entry point to where the asset lives. */
  route: string[];
  hops: number;
  /** Hops that demand a credential. */
  authenticatedHops: number;
  risk?: Risk;
}

/** An asset whose easiest path changed in how hard it is: `before` or `after` absent when there was or is none. */
export interface PathChange {
  asset: string;
  assetName: string;
  before?: PathRef;
  after?: PathRef;
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
  /** Assets an entry point now reaches with fewer credentials to present (or fewer hops), or reaches at all. */
  easierPaths: PathChange[];
  /** Assets whose easiest path now asks for more credentials (or hops), or that no entry point reaches any more. */
  harderPaths: PathChange[];
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

function pathRefs(r: AnalysisResult | undefined): Map<string, { name: string; path: PathRef }> {
  const out = new Map<string, { name: string; path: PathRef }>();
  // A result from before attack paths existed has none: its paths are unknown, not absent, so none are compared.
  if (!r?.attackPaths) return out;
  const names = new Map<string, string>(r.elements.map((e) => [e.id, e.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  for (const p of r.attackPaths.paths) {
    out.set(p.asset, {
      name: p.assetName,
      path: {
        route: [nameOf(p.entry), ...p.hops.map((h) => nameOf(h.to))], hops: p.hops.length,
        authenticatedHops: p.hops.length - p.unauthenticatedHops, ...(p.risk ? { risk: p.risk } : {}),
      },
    });
  }
  return out;
}

/** How hard a path is: credentials to present first, then hops; a missing path is the hardest of all. */
const hardness = (p: PathRef | undefined): number => (p === undefined ? Infinity : p.authenticatedHops * 1e6 + p.hops);

/**
 * Paths compared by how hard they are, not by their route: a path that goes another way at the same cost is
 * no change a reviewer needs to see. In the new result's order (riskiest first), then the assets gone.
 */
export function pathChanges(old: AnalysisResult | undefined, next: AnalysisResult): { easier: PathChange[]; harder: PathChange[] } {
  const easier: PathChange[] = [];
  const harder: PathChange[] = [];
  if (!old?.attackPaths || !next.attackPaths) return { easier, harder };
  const before = pathRefs(old);
  const after = pathRefs(next);
  const compare = (asset: string, assetName: string, b: PathRef | undefined, a: PathRef | undefined) => {
    const change: PathChange = { asset, assetName, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) };
    if (hardness(a) < hardness(b)) easier.push(change);
    else if (hardness(a) > hardness(b)) harder.push(change);
  };
  for (const [asset, { name, path }] of after) compare(asset, name, before.get(asset)?.path, path);
  // Assets still modelled but reached no more (an asset removed from the model is no path closed).
  const assets = new Map(next.assets.map((a) => [a.id, a.name]));
  for (const [asset, { path }] of before) if (!after.has(asset) && assets.has(asset)) compare(asset, assets.get(asset)!, path, undefined);
  return { easier, harder };
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

  const paths = pathChanges(old, next);
  const changed = [newThreats, resolvedThreats, rerated, statusChanges, newCrossings, removedCrossings, newEntryPoints, removedEntryPoints,
    paths.easier, paths.harder].some((list) => list.length > 0);
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
    easierPaths: paths.easier,
    harderPaths: paths.harder,
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
