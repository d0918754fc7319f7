// What changed between two analyses of a model (two files, or one model at two git revisions): new,
// resolved and re-rated threats, threats the model itself suppressed or re-rated (its `rules:` and
// `assumptions:`), edited triage decisions, decided threats whose scope or risk moved under their decision,
// new boundary crossings, changes to the attack surface, and attack paths that got easier or harder. Threats are
// matched by their stable key, so renumbering (T1, T2...) is never reported as a change. Pure.
import { riskRank } from '../analysis/risk.js';
import type { AnalysisResult, CoverageRow, Crossing, CrossingKind, Rating, Risk, Stride, SurfaceEntry, Threat } from '../analysis/types.js';
import { displayPath } from '../model/diagnostics.js';
import type { Model, SourceMap } from '../model/types.js';
import { isUnresolved, type RiskCounts, type TriageStatus } from './types.js';
import { residualOf, statusOf, uidOf } from './triage.js';

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

/**
 * A threat's decision as the triage file states it: `status` is the one in force, `declared` the one written when
 * that is not it (the decision expired, or its threat drifted from what it was made for: `drift` then says how).
 */
export interface DecisionRef {
  status: TriageStatus;
  declared?: TriageStatus;
  /** The decision no longer closes its threat, which is rated higher or covers more than the decision recorded (triage.ts). */
  drift?: string;
  reason?: string;
  owner?: string;
  ticket?: string;
  expires?: string;
  review?: string;
}

export const DECISION_FIELDS = ['status', 'reason', 'owner', 'ticket', 'expires', 'review'] as const;
export type DecisionField = (typeof DECISION_FIELDS)[number];

/** A decision edited by the change: renewed, re-argued, handed over or given another status. */
export interface DecisionChange {
  /** The threat as it is now. */
  threat: ThreatRef;
  before: DecisionRef;
  after: DecisionRef;
  /** The fields whose written value differs, in DECISION_FIELDS order (`status`: the status written, not the one in force). */
  changed: DecisionField[];
}

/**
 * A decided threat (mitigating, or closed by a decision, or one whose decision no longer closes it as it drifted)
 * that changed under its decision: it covers other flows or has another risk than when the change started, or its
 * decision drifted in this change, so the decision was made about something else.
 */
export interface DecidedChange {
  before: ThreatRef;
  after: ThreatRef;
  /** The decision in force now. */
  decision: DecisionRef;
  /** Flow ids the threat covers now; of those, the ones it did not cover; and those it no longer covers. */
  flows: string[];
  flowsAdded: string[];
  flowsRemoved: string[];
}

/** A line of the model that takes threats out of the analysis or re-rates them: not a decision in the triage file. */
export interface ModelSetting {
  kind: 'disable' | 'override' | 'assumption';
  /** The rules it concerns. */
  rules: string[];
  /** The elements an assumption is limited to; empty: everywhere. */
  elements: string[];
  /** What the model says, e.g. `rules.disable: prompt-injection` or the assumption's text. */
  text: string;
  /** Where it is written: the model path, and the line and column when known. */
  path: string;
  line?: number;
  col?: number;
}

/** A threat that disappeared, or went down, because of a model setting this change added or changed. */
export interface SuppressedThreat {
  /** The threat as it was at the base. */
  threat: ThreatRef;
  /** The threat as it is now, when still reported (re-rated down); absent when no longer reported. */
  after?: ThreatRef;
  by: ModelSetting;
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

/**
 * An entry of the attack surface that is a way in: a declared endpoint, an internet-facing element, or an element
 * managing sessions (not only where attack paths start, despite the name kept for the JSON's sake).
 */
export interface EntryPointRef {
  id: string;
  category: SurfaceEntry['category'];
  /** True for a declared endpoint (`element:key`), false for an element. */
  endpoint: boolean;
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
  /** False when there was no model to compare with there (every threat is then new): it did not exist, or did not load. */
  exists: boolean;
  /** Why the model there did not load (its first error, `file:line:col: message`); absent when it loaded or did not exist. */
  loadError?: string;
  threats: number;
  /** Threats still carried there (open or mitigating), by risk: the residual risk. Set by diffResults. */
  open?: RiskCounts;
}

export interface ResultDiff {
  tool: 'threatmap';
  kind: 'diff';
  schemaVersion: 1;
  system: string;
  old: DiffSideInfo;
  new: DiffSideInfo;
  newThreats: ThreatRef[];
  /** No longer reported, for a reason other than the model's own settings (those are in `suppressed`). */
  resolvedThreats: ThreatRef[];
  /** Re-rated threats, except those the model's settings re-rated down (in `suppressed`). */
  rerated: Rerated[];
  statusChanges: StatusChange[];
  /**
   * Threats gone or re-rated down because this change disabled a rule, overrode its rating or added an assumption:
   * a suppression in the model, with no triage decision. Set by diffResults (optional for diffs built by hand).
   */
  suppressed?: SuppressedThreat[];
  /** Decisions whose status, reason, owner, ticket, expiry or review date the change edited. Set by diffResults. */
  triageChanges?: DecisionChange[];
  /** Decided threats whose flows or risk changed under their decision. Set by diffResults. */
  decidedChanged?: DecidedChange[];
  newCrossings: CrossingRef[];
  removedCrossings: CrossingRef[];
  /** Added to the attack surface: endpoints, internet-facing elements, session management (see EntryPointRef). */
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
  const endpoints = new Set(r.elements.flatMap((e) => e.endpoints.map((ep) => ep.id)));
  for (const e of r.attackSurface) {
    if (!ENTRY_CATEGORIES.has(e.category)) continue;
    const key = `${e.category}\u001f${e.id}`;
    if (!out.has(key)) {
      out.set(key, { id: e.id, category: e.category, endpoint: endpoints.has(e.id), name: e.name, detail: e.detail, exposed: e.exposed, line: e.loc.line });
    }
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
  /** The old side existed but did not load: its first error. */
  oldLoadError?: string;
}

/** The decision a threat carries, as its triage entry states it (`open` and nothing else without one). */
export function decisionOf(t: Threat): DecisionRef {
  const out: DecisionRef = { status: statusOf(t) };
  const tri = t.triage;
  if (!tri) return out;
  if (tri.declared) out.declared = tri.declared;
  if (tri.drift) out.drift = tri.drift.summary;
  for (const key of ['reason', 'owner', 'ticket', 'expires', 'review'] as const) if (tri[key] !== undefined) out[key] = tri[key];
  return out;
}

/**
 * A field as written: an edit of the file is a change, a decision that lapsed or drifted is not one (the status in
 * force shows it, and the decided threats that changed list a drift).
 */
const fieldValue = (d: DecisionRef, f: DecisionField): string | undefined => (f === 'status' ? d.declared ?? d.status : d[f]);

function decisionChange(before: Threat, after: Threat): DecisionChange | undefined {
  const [b, a] = [decisionOf(before), decisionOf(after)];
  const changed = DECISION_FIELDS.filter((f) => fieldValue(b, f) !== fieldValue(a, f));
  return changed.length ? { threat: threatRef(after), before: b, after: a, changed } : undefined;
}

/** Decided: a triage entry says more than `open`, and is in force or no longer closes the threat as it drifted (not one that expired). */
const isDecided = (t: Threat): boolean => t.triage?.line !== undefined && (statusOf(t) !== 'open' || t.triage.drift !== undefined);

/** A threat decided at both ends whose flows or risk moved, or whose decision drifted here: it was made about something else. */
function decidedChange(before: Threat, after: Threat): DecidedChange | undefined {
  if (!isDecided(before) || !isDecided(after)) return undefined;
  const was = new Set(before.flows);
  const now = new Set(after.flows);
  const flowsAdded = after.flows.filter((f) => !was.has(f));
  const flowsRemoved = before.flows.filter((f) => !now.has(f));
  const drifted = after.triage?.drift !== undefined && after.triage.drift.summary !== before.triage?.drift?.summary;
  if (before.risk === after.risk && flowsAdded.length === 0 && flowsRemoved.length === 0 && !drifted) return undefined;
  return { before: threatRef(before), after: threatRef(after), decision: decisionOf(after), flows: [...after.flows], flowsAdded, flowsRemoved };
}

/**
 * The model lines that take threats out of the analysis or re-rate them: disabled rules, rating overrides, and
 * assumptions that name rules (one that names none suppresses nothing). Lines come from `source` when given.
 */
export function modelSettingsOf(model: Pick<Model, 'rules' | 'assumptions'>, source?: SourceMap): ModelSetting[] {
  const out: ModelSetting[] = [];
  const at = (path: Array<string | number>) => {
    const loc = source?.locate(path);
    return { path: displayPath(path), ...(loc !== undefined && loc.line > 0 ? { line: loc.line, col: Math.max(1, loc.col) } : {}) };
  };
  (model.rules?.disable ?? []).forEach((id, i) => {
    out.push({ kind: 'disable', rules: [id], elements: [], text: `rules.disable: ${id}`, ...at(['rules', 'disable', i]) });
  });
  for (const [id, o] of Object.entries(model.rules?.override ?? {})) {
    const rating = [o.likelihood && `likelihood ${o.likelihood}`, o.impact && `impact ${o.impact}`].filter(Boolean).join(', ') || 'no rating';
    const where = at(['rules', 'override', id]);
    out.push({ kind: 'override', rules: [id], elements: [], text: `${where.path}: ${rating}${o.reason ? ` (${o.reason})` : ''}`, ...where });
  }
  for (const a of model.assumptions) {
    if (a.rules.length === 0) continue;
    out.push({ kind: 'assumption', rules: [...a.rules], elements: [...a.elements], text: a.text, path: displayPath(a.at), ...(a.loc.line > 0 ? { line: a.loc.line, col: Math.max(1, a.loc.col) } : {}) });
  }
  return out;
}

/** What a setting does, without where it is written: moving it in the file is no change. */
const settingKey = (s: ModelSetting): string => JSON.stringify([s.kind, s.rules, s.elements, s.text]);

export interface DiffContext {
  /**
   * Each side's model settings (modelSettingsOf). Without those of the new side, rating overrides and assumptions
   * are recognised from the results (the ratings' and coverage's reasons), and a disabled rule's threats read as resolved.
   */
  settings?: { old?: readonly ModelSetting[]; new?: readonly ModelSetting[] };
}

/** Which model setting of this change, if any, took a threat out or re-rated it down. */
interface SuppressionFinder {
  removed(t: Threat): ModelSetting | undefined;
  reratedDown(before: Threat, after: Threat): ModelSetting | undefined;
}

/** How the rules engine words a rating set by `rules.override` (src/analysis/rules/settings.ts). */
const OVERRIDE_REASON = 'set by the model';
/** How the coverage matrix words a cell an assumption ruled out (src/analysis/engine.ts). */
const ASSUMPTION_REASON = 'assumption: ';

function suppressionFinder(old: AnalysisResult | undefined, next: AnalysisResult, context: DiffContext): SuppressionFinder {
  const settings = context.settings;
  if (settings?.new) {
    const before = new Set((settings.old ?? []).map(settingKey));
    const added = settings.new.filter((s) => !before.has(settingKey(s)));
    const ends = flowEnds(old);
    return {
      removed: (t) => added.find((s) => s.kind !== 'override' && rulesOut(s, t, ends)),
      reratedDown: (b) => added.find((s) => s.kind === 'override' && s.rules.includes(b.ruleId)),
    };
  }
  const reasons = { old: coverageReasons(old), next: coverageReasons(next) };
  return { removed: (t) => inferredAssumption(t, reasons), reratedDown: inferredOverride };
}

function flowEnds(r: AnalysisResult | undefined): Map<string, readonly string[]> {
  return new Map((r?.flows ?? []).map((f) => [f.id, [f.from, f.to]]));
}

/**
 * Whether a setting rules a threat out as the engine does: it names the threat's rule, and an assumption limited
 * to elements names one the threat involves (its component, or an end of one of its flows).
 */
function rulesOut(s: ModelSetting, t: Threat, ends: ReadonlyMap<string, readonly string[]>): boolean {
  if (!s.rules.includes(t.ruleId)) return false;
  if (s.kind !== 'assumption' || s.elements.length === 0) return true;
  return s.elements.some((e) => e === t.component || t.flows.some((f) => ends.get(f)?.includes(e)));
}

/** A rating the model's `rules.override` set at the head and not at the base. */
function inferredOverride(before: Threat, after: Threat): ModelSetting | undefined {
  const now = [after.likelihood.reason, after.impact.reason].find((r) => r.startsWith(OVERRIDE_REASON));
  if (now === undefined || before.likelihood.reason === now || before.impact.reason === now) return undefined;
  return { kind: 'override', rules: [after.ruleId], elements: [], text: now, path: displayPath(['rules', 'override', after.ruleId]) };
}

/** A coverage cell's reason, by component and STRIDE letter; the rows are indexed when a resolved threat first asks. */
type CellReason = (component: string, stride: Stride) => string | undefined;

function coverageReasons(r: AnalysisResult | undefined): CellReason {
  let rows: Map<string, CoverageRow> | undefined;
  return (component, stride) => {
    rows ??= new Map((r?.coverage ?? []).map((row) => [row.component, row]));
    return rows.get(component)?.cells.find((c) => c.stride === stride)?.reason;
  };
}

/** A threat whose coverage cell an assumption rules out at the head and did not at the base. */
function inferredAssumption(t: Threat, reasons: { old: CellReason; next: CellReason }): ModelSetting | undefined {
  const now = reasons.next(t.component, t.stride);
  if (now === undefined || !now.startsWith(ASSUMPTION_REASON) || reasons.old(t.component, t.stride) === now) return undefined;
  return { kind: 'assumption', rules: [t.ruleId], elements: [], text: now.slice(ASSUMPTION_REASON.length), path: 'assumptions' };
}

/** How the threats changed: each threat lands in one list of a kind (a suppressed one is neither resolved nor re-rated). */
interface ThreatChanges {
  newThreats: ThreatRef[];
  resolvedThreats: ThreatRef[];
  suppressed: SuppressedThreat[];
  rerated: Rerated[];
  decidedChanged: DecidedChange[];
  statusChanges: StatusChange[];
  triageChanges: DecisionChange[];
}

function threatChanges(old: AnalysisResult | undefined, next: AnalysisResult, finder: SuppressionFinder): ThreatChanges {
  const oldThreats = new Map((old?.threats ?? []).map((t) => [t.key, t]));
  const newKeys = new Set(next.threats.map((t) => t.key));
  const out: ThreatChanges = { newThreats: [], resolvedThreats: [], suppressed: [], rerated: [], decidedChanged: [], statusChanges: [], triageChanges: [] };
  const suppressedBy = new Map<string, SuppressedThreat>();
  for (const t of next.threats) {
    const before = oldThreats.get(t.key);
    if (!before) {
      out.newThreats.push(threatRef(t));
      continue;
    }
    const down = riskRank(t.risk) < riskRank(before.risk);
    const by = down ? finder.reratedDown(before, t) : undefined;
    if (by) suppressedBy.set(t.key, { threat: threatRef(before), after: threatRef(t), by });
    else if (before.risk !== t.risk) out.rerated.push({ before: threatRef(before), after: threatRef(t), direction: down ? 'down' : 'up' });
    const decided = by ? undefined : decidedChange(before, t);
    if (decided) out.decidedChanged.push(decided);
    const [from, to] = [statusOf(before), statusOf(t)];
    if (from !== to) out.statusChanges.push({ threat: threatRef(t), from, to });
    const edited = decisionChange(before, t);
    if (edited) out.triageChanges.push(edited);
  }
  for (const t of old?.threats ?? []) {
    if (newKeys.has(t.key)) continue;
    const by = finder.removed(t);
    if (by) suppressedBy.set(t.key, { threat: threatRef(t), by });
    else out.resolvedThreats.push(threatRef(t));
  }
  // In the base's order (riskiest first), gone and re-rated alike.
  for (const t of old?.threats ?? []) {
    const s = suppressedBy.get(t.key);
    if (s) out.suppressed.push(s);
  }
  return out;
}

function crossingChanges(old: AnalysisResult | undefined, next: AnalysisResult): { newCrossings: CrossingRef[]; removedCrossings: CrossingRef[] } {
  const before = crossingRefs(old);
  const after = crossingRefs(next);
  return {
    newCrossings: [...after].filter(([k]) => !before.has(k)).map(([, c]) => c),
    removedCrossings: [...before].filter(([k]) => !after.has(k)).map(([, c]) => c),
  };
}

function surfaceChanges(old: AnalysisResult | undefined, next: AnalysisResult): { newEntryPoints: EntryPointRef[]; removedEntryPoints: EntryPointRef[] } {
  const before = entryPoints(old);
  const after = entryPoints(next);
  const newEntryPoints: EntryPointRef[] = [];
  for (const [k, e] of after) {
    const was = before.get(k);
    if (!was) newEntryPoints.push(e);
    else if (e.exposed && !was.exposed) newEntryPoints.push({ ...e, newlyExposed: true });
  }
  return { newEntryPoints, removedEntryPoints: [...before].filter(([k]) => !after.has(k)).map(([, e]) => e) };
}

const NO_COUNTS: RiskCounts = Object.freeze({ Critical: 0, High: 0, Medium: 0, Low: 0, total: 0 });

/**
 * Compares two results. `old` is undefined when the model did not exist at the base revision.
 * Lists keep the order of the result they come from (risk order).
 */
export function diffResults(old: AnalysisResult | undefined, next: AnalysisResult, labels: DiffLabels = {}, context: DiffContext = {}): ResultDiff {
  const threats = threatChanges(old, next, suppressionFinder(old, next, context));
  const crossings = crossingChanges(old, next);
  const surface = surfaceChanges(old, next);
  const paths = pathChanges(old, next);
  const changed = [...Object.values(threats), ...Object.values(crossings), ...Object.values(surface), paths.easier, paths.harder]
    .some((list) => list.length > 0);
  return {
    tool: 'threatmap',
    kind: 'diff',
    schemaVersion: 1,
    system: next.system.name,
    old: {
      file: old?.file ?? next.file, label: labels.old ?? old?.file ?? next.file, exists: old !== undefined, threats: old?.threats.length ?? 0,
      ...(old === undefined && labels.oldLoadError !== undefined ? { loadError: labels.oldLoadError } : {}),
      open: { ...(old ? residualOf(old).open : NO_COUNTS) },
    },
    new: { file: next.file, label: labels.new ?? next.file, exists: true, threats: next.threats.length, open: { ...residualOf(next).open } },
    newThreats: threats.newThreats,
    resolvedThreats: threats.resolvedThreats,
    suppressed: threats.suppressed,
    rerated: threats.rerated,
    decidedChanged: threats.decidedChanged,
    statusChanges: threats.statusChanges,
    triageChanges: threats.triageChanges,
    ...crossings,
    ...surface,
    easierPaths: paths.easier,
    harderPaths: paths.harder,
    changed,
  };
}

/** Threats that are open at or above `min` (the `check` gate). */
export function failingThreats(r: AnalysisResult, min: Risk): Threat[] {
  return r.threats.filter((t) => isUnresolved(statusOf(t)) && riskRank(t.risk) >= riskRank(min));
}

/**
 * The threats this change's model settings took out or re-rated down (diffResults' `suppressed`), without the rest of
 * the diff: what the gate asks of a change.
 */
export function suppressedByModel(old: AnalysisResult | undefined, next: AnalysisResult, context: DiffContext = {}): SuppressedThreat[] {
  return threatChanges(old, next, suppressionFinder(old, next, context)).suppressed;
}

/**
 * Of those, the ones that take a threat out of the gate: rated at or above `min` before, and now gone or rated below
 * it. Whatever its status at the base: a model line, unlike a decision, has no owner, expiry or review date.
 */
export function suppressedPastGate(suppressed: readonly SuppressedThreat[], min: Risk): SuppressedThreat[] {
  const bar = riskRank(min);
  return suppressed.filter((s) => riskRank(s.threat.risk) >= bar && (s.after === undefined || riskRank(s.after.risk) < bar));
}

/** Threats failing the gate now that did not fail it in `base` (new, re-rated into the band, or reopened). */
export function newlyFailing(base: AnalysisResult | undefined, next: AnalysisResult, min: Risk): Threat[] {
  const before = new Set(base ? failingThreats(base, min).map((t) => t.key) : []);
  return failingThreats(next, min).filter((t) => !before.has(t.key));
}
