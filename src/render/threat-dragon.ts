// OWASP Threat Dragon v2 (the JSON that Threat Dragon 2.x desktop and web open and save): the analysis
// result as one STRIDE diagram, with each threat on the cell it concerns, so that a threatmap model can be
// opened, drawn and reviewed in Threat Dragon. Pure (no Node APIs): reads only the result, never re-analyses.
//
// Mapping, threatmap -> Threat Dragon (every choice is explained where it is made below):
//   system                 -> summary (title, owner, description) and the one diagram's title
//   boundary               -> trust-boundary-box (data.type tm.BoundaryBox) around its elements and nested
//                             boundaries; trust, kind and controls in its description (a box has no trust)
//   element                -> actor (external) / process / store, with Threat Dragon's flags from the model's
//                             facts; id, type, tech, controls, assets and endpoints in its description
//   flow                   -> flow edge (source.cell, target.cell), protocol, isEncrypted, isPublicNetwork
//   threat                 -> a threat on the cell of its element (endpoints included) or flow; a boundary's
//                             or the system's on each flow it covers, else a boundary's on the elements
//                             directly in it (else on its box), a system's on the system's note; title, STRIDE
//                             type, severity from the risk, status from triage, uid, risk, likelihood, impact
//                             and evidence in its description
//   asset, system version  -> the system's note (a text block, as Threat Dragon's demos title their diagrams)
//   assumptions, `rules:`, -> the system's note too, when `threatmap export` passes the model (options.model):
//   written threats           the result does not hold them, and they change the analysis of the model imported
//                             again; each written threat's entry as written, including one reported nowhere
//
// What Threat Dragon has no field for is also kept as data, under `threatmap` in a cell's `data` (see
// TdOwnElement and the others below), in the model's own spelling, so that `threatmap import` gives the same
// model back: Threat Dragon keeps a cell's data as it is, and its users never see it. The descriptions say
// the same for people.
//
// Threat Dragon places nothing by reference: which box holds an element is geometry (and our importer reads
// it so), so the layout below draws each boundary's box around exactly its own members. Output is
// deterministic: ids are UUID-shaped hashes of the model's ids, cells in a fixed order, no timestamps.
import { providerEncryptsAtRest } from '../analysis/rules/disclosure.js';
import { isWrittenRule, STATED, WRITTEN_RULE_PREFIX } from '../analysis/rules/written.js';
import type { AnalysisResult, RatedLevel, Risk, Stride, Threat } from '../analysis/types.js';
import { type Level, PROTOCOLS, TRUST_LEVELS, type TrustLevel } from '../model/catalog.js';
import { defaultTrust } from '../model/graph.js';
import { defaultEndpointKind, parseEndpointKey } from '../model/normalize.js';
import type { RawRulesSection } from '../model/rules-schema.js';
import type { RawAsset, RawBoundary, RawElement, RawEndpoint, RawFlowDetails, RawWrittenThreat } from '../model/schema.js';
import { type AssumptionAsWritten, assumptionAsWritten, writtenThreatAsWritten } from '../model/as-written.js';
import type { Asset, Boundary, Element, Endpoint, Flow, Model, WrittenThreat } from '../model/types.js';
import { scopeOf } from '../track/scope.js';
import { statusOf, uidOf } from '../track/triage.js';
import type { ThreatTriage, TriageStatus } from '../track/types.js';
import { fnv1a32 } from '../track/uid.js';
import { gatherChunks, joinChunks } from './chunks.js';

/**
 * The version written, top-level and on the diagram: the version of the samples we check against (Threat
 * Dragon 2.3 demo models). Later 2.x releases open 2.3 files as they are.
 */
export const TD_VERSION = '2.3.0';

// --- Shapes written -------------------------------------------------------------------------------------

export type TdStatus = 'Open' | 'Mitigated' | 'NotApplicable';
export type TdSeverity = 'High' | 'Medium' | 'Low';

export interface TdThreat {
  id: string; title: string; status: TdStatus; severity: TdSeverity; type: string; description: string;
  mitigation: string; modelType: 'STRIDE'; new: false; number: number; score: string;
}
interface Point { x: number; y: number }
interface Size { width: number; height: number }
type Attrs = Record<string, Record<string, unknown>>;
interface Ports {
  groups: Record<string, { position: string; attrs: { circle: Record<string, unknown> } }>;
  items: Array<{ group: string; id: string }>;
}
export interface TdNodeData {
  type: 'tm.Actor' | 'tm.Process' | 'tm.Store' | 'tm.BoundaryBox' | 'tm.Text';
  name: string;
  description: string;
  isTrustBoundary: boolean;
  hasOpenThreats: boolean;
  threats: TdThreat[];
  [flag: string]: unknown;
}
export interface TdNode {
  position: Point; size: Size; attrs: Attrs; visible: true; shape: 'actor' | 'process' | 'store' | 'trust-boundary-box' | 'td-text-block';
  zIndex: number; ports?: Ports; id: string; data: TdNodeData;
}
export interface TdFlowData {
  type: 'tm.Flow'; name: string; description: string; outOfScope: false; reasonOutOfScope: ''; hasOpenThreats: boolean;
  isBidirectional: false; isEncrypted: boolean; isPublicNetwork: boolean; protocol: string; isTrustBoundary: false; threats: TdThreat[];
  threatmap: TdOwnFlow;
}
export interface TdEdge {
  shape: 'flow'; attrs: Attrs; width: number; height: number; zIndex: number; labels: unknown[]; connector: 'smooth';
  data: TdFlowData; id: string; source: { cell: string }; target: { cell: string }; vertices: Point[];
}
export type TdCell = TdNode | TdEdge;
export interface TdDiagram {
  version: string; title: string; description: string; thumbnail: string; diagramType: 'STRIDE'; id: 0; cells: TdCell[];
}
export interface TdDocument {
  version: string;
  summary: { title: string; owner: string; description: string; id: 0 };
  detail: { contributors: Array<{ name: string }>; diagrams: [TdDiagram]; diagramTop: 1; reviewer: string; threatTop: number };
}

// --- threatmap's own data -------------------------------------------------------------------------------
// Under `data.threatmap` of a cell: what the model says and Threat Dragon has no field for, spelled as the
// model file spells it. What a Threat Dragon field says (names, descriptions, kinds, protocols, encryption,
// privilege, which box holds what, threat titles, types and statuses) is not repeated: there Threat Dragon's
// field is the one a person edits, and the importer reads it.

/** The key of threatmap's own data in a cell's `data`. */
export const TD_OWN = 'threatmap';

// --- Scopes (src/track/scope.ts): what a decision is made for, carried so that it is checked again -----------
// A decision records the risk and the flows it was made for (`risk:`, `covers:`); the threat it decides may
// grow past them, and the decision then needs review. An export carries each decision's scope as its entry
// records it, and each threat's scope as exported (what a decision made in the other tool was made for: what
// the person saw there), so that the import writes `risk:` and `covers:` again, exactly: a decision stays
// checked as it was, and an entry written without a scope stays without one.

/** A threat's risk and flows (ids, sorted; absent when none, or empty where an entry records them so), as a triage entry records them. */
export interface CarriedScope {
  risk: Risk;
  covers?: string[];
}

/** A threat's scope as exported. */
export function exportedScope(t: Threat): CarriedScope {
  const { risk, covers } = scopeOf(t);
  return { risk, ...(covers.length ? { covers } : {}) };
}

/**
 * What a decision was made for, as its entry records it. A result whose triage does not hold the entry's scope
 * (analysed before it did) has it worked out for a drifted decision (driftedScope); otherwise a decision that
 * records none is carried with none, and comes back unscoped. An empty `covers` is carried as recorded: it is
 * a scope (the key's component, no flow), which the decision still needs review against; left out, the
 * decision would come back with none, checked against nothing.
 */
export function decisionScope(t: Threat): Partial<CarriedScope> {
  const tr = t.triage;
  if (tr === undefined || (tr.risk === undefined && tr.covers === undefined)) return driftedScope(t) ?? {};
  return { ...(tr.risk ? { risk: tr.risk } : {}), ...(tr.covers !== undefined ? { covers: [...tr.covers] } : {}) };
}

/**
 * What a drifted decision was made for, as far as its drift tells it: the recorded risk where the threat is
 * rated higher now (else the risk now, which is no higher), and the threat's flows less those the decision did
 * not cover. No wider than the entry, and imported again it drifts as it does now (but for a drift in the
 * component alone, which a reimported entry under the threat's id no longer shows). Undefined for a decision
 * that did not drift.
 */
function driftedScope(t: Threat): CarriedScope | undefined {
  const drift = t.triage?.drift;
  if (!drift) return undefined;
  const covers = scopeOf(t).covers.filter((f) => !drift.added.includes(f));
  return { risk: drift.risk ?? t.risk, ...(covers.length ? { covers } : {}) };
}

/**
 * A decision as triage applied it (`declared`: the decision of the triage file when it has lapsed or drifted;
 * `drift`: what changed), with what it was made for (`risk`, `covers`: decisionScope), which may differ from
 * the threat's own `scope` as exported.
 */
export type TdOwnDecision = Omit<ThreatTriage, 'line'>;

/** A threat written in the model's `threats:` section: what its entry says that a Threat Dragon threat cannot. */
export interface TdOwnWritten {
  /** Its id under `threats:`. */
  id: string;
  /** What it threatens, as `on:` names it, when that is not the cell it sits on: an endpoint, a boundary, `system`. */
  on?: string;
  /** Ratings the model states (absent: rated from the model). */
  likelihood?: Level;
  impact?: Level;
  'mitigated-by'?: string[];
  references?: string[];
}

/** One threat of a cell, by its Threat Dragon id. A threat the rules find comes back by its uid alone. */
export interface TdOwnThreat {
  uid: string;
  decision?: TdOwnDecision;
  written?: TdOwnWritten;
  /** A written threat's severity as exported (from its risk): one edited in Threat Dragon differs, and is then its impact. */
  severity?: TdSeverity;
  /** The threat as exported (its risk and flows): what a decision made on it in Threat Dragon was made for. */
  scope?: CarriedScope;
}

interface TdOwnCell {
  id: string;
  threats?: Record<string, TdOwnThreat>;
}
/** An element less its name, description, kind, box and (a process's) privilege, which Threat Dragon's fields say. */
export type TdOwnElement = TdOwnCell & Pick<RawElement,
  'type' | 'tech' | 'controls' | 'auth' | 'handles' | 'stores' | 'endpoints' | 'exposed' | 'privileged' | 'replicas' | 'owner' | 'tags'>;
/**
 * A flow less its name, description, protocol and encryption; with the ids of the ends it was exported
 * with, which the edge's own ends (cells) say in Threat Dragon: the rest holds only while they are still its
 * ends (a flow reversed there is no longer the flow whose credential or endpoint this is).
 */
export type TdOwnFlow = TdOwnCell & { from: string; to: string } & Pick<RawFlowDetails, 'auth' | 'credential' | 'data' | 'endpoint' | 'controls' | 'port'>;
/** A boundary less its name, description and the box around it. */
export type TdOwnBoundary = TdOwnCell & Pick<RawBoundary, 'trust' | 'kind' | 'controls'>;
/** An assumption as the model writes it: its text alone when it rules out nothing in particular. */
export type TdOwnAssumption = AssumptionAsWritten;

/**
 * A threat written in the model, its entry of `threats:` as written (each `on:` target by its id), so that a
 * threat the analysis does not report (mitigated or ruled out everywhere) comes back, and one reported on
 * some of its targets comes back on all of them, in their order.
 */
export interface TdOwnWrittenEntry {
  entry: RawWrittenThreat;
  /**
   * The targets of `on:` on which no threat is in the file (mitigated there, or ruled out by an assumption):
   * nothing there could be deleted in Threat Dragon, so the import keeps them; absent: none.
   */
  unreported?: string[];
}

/**
 * The system's note: the system's version, the assets, the threats to the whole system that cover no flow,
 * and the model's sections that the result does not hold (assumptions, `rules:`, the written threats as
 * written), which change its analysis once it is imported and analysed again.
 */
export interface TdOwnSystem {
  version?: string;
  assets?: Record<string, RawAsset>;
  threats?: Record<string, TdOwnThreat>;
  assumptions?: TdOwnAssumption[];
  rules?: RawRulesSection;
  written?: Record<string, TdOwnWrittenEntry>;
}

/** What `threatmap export` passes beside the result: the model's sections the result does not hold. */
export interface ThreatDragonOptions {
  model?: Pick<Model, 'assumptions' | 'rules' | 'threats'>;
}

// --- Vocabularies ---------------------------------------------------------------------------------------

/** STRIDE categories as Threat Dragon spells them (its English labels, which it stores as the type). */
export const TD_THREAT_TYPE: Record<Stride, string> = {
  S: 'Spoofing',
  T: 'Tampering',
  R: 'Repudiation',
  I: 'Information disclosure',
  D: 'Denial of service',
  E: 'Elevation of privilege',
};

/**
 * Risk -> severity. Threat Dragon 2.3 offers High, Medium and Low (its schema: "the threat severity as High,
 * Medium or Low"; Critical and TBD came in later 2.x releases), so Critical is written as High, the most a
 * 2.3 reader can show; the risk word itself is kept in `score` and in the description.
 */
export const TD_SEVERITY: Record<Risk, TdSeverity> = { Critical: 'High', High: 'High', Medium: 'Medium', Low: 'Low' };

/**
 * Triage status -> Threat Dragon's three statuses. Open and being-mitigated threats still carry the risk:
 * Open. A decided risk (mitigated, accepted, transferred) is Mitigated, as Threat Dragon's own demo models
 * record accepted and transferred risks, with the decision in the mitigation text; a false positive is
 * NotApplicable. The exact status is in the description.
 */
export const TD_STATUS: Record<TriageStatus, TdStatus> = {
  open: 'Open',
  mitigating: 'Open',
  mitigated: 'Mitigated',
  accepted: 'Mitigated',
  transferred: 'Mitigated',
  'false-positive': 'NotApplicable',
};

// --- Ids ------------------------------------------------------------------------------------------------

const SEEDS = [0x811c9dc5, 0x050c5d1f, 0x1b873593, 0x27d4eb2f];
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * A UUID-shaped id from a stable key: four FNV-1a passes with different seeds give 128 bits, marked as an
 * RFC 9562 version 8 (custom) UUID. A clash with an id already given (vanishingly rare) takes the next
 * `key#n`, in the document's fixed order, so the output stays deterministic.
 */
function uuidFor(key: string, taken: Set<string>): string {
  for (let n = 0; ; n++) {
    const k = n === 0 ? key : `${key}#${n}`;
    const h = SEEDS.map((seed) => hex8(fnv1a32(k, seed))).join('');
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

// --- Layout ---------------------------------------------------------------------------------------------

/** Each element sits centred in a slot of the grid of its box; the shapes are Threat Dragon's usual sizes. */
const SLOT = { width: 220, height: 150 };
const SHAPE_SIZE: Record<Element['kind'], Size> = {
  external: { width: 160, height: 80 },
  process: { width: 100, height: 100 },
  store: { width: 160, height: 80 },
};
/** Inside a box: room for its name above the contents, and a margin on the other sides. */
const HEADER = 50;
const PAD = 30;
/** Between sibling boxes, and between a box's elements and its nested boxes. */
const GAP = 60;
const MARGIN = 40;
const MIN_BOX: Size = { width: 200, height: 120 };

/**
 * A region of the diagram: a boundary's box, or (no boundary) the elements of one default trust level that
 * sit in no boundary, laid out the same way but with no box drawn, so that no box holds them.
 */
interface Group {
  boundary?: Boundary;
  trustRank: number;
  depth: number;
  elements: Element[];
  children: Group[];
  cols: number;
  size: Size;
  at: Point;
}

const newGroup = (trustRank: number, boundary?: Boundary): Group =>
  ({ boundary, trustRank, depth: 0, elements: [], children: [], cols: 0, size: { width: 0, height: 0 }, at: { x: 0, y: 0 } });

/** Untrusted first, left to right; the model's order within a trust level (Array.prototype.sort is stable). */
const byTrust = (a: Group, b: Group): number => a.trustRank - b.trustRank;

interface Layout {
  /** Top-level groups in drawing order, then every group below them (parents before children). */
  groups: Group[];
  position: Map<string, Point>;
  /** Boxes nest this deep at most (1: no nesting). */
  maxDepth: number;
  /** Where the system's note goes: right of everything, clear of every box. */
  noteAt: Point;
}

/**
 * Where every box and element goes, in one pass down and one up the boundary tree. A box holds a grid of
 * its own elements (about square) and, below it, its nested boxes side by side, each ordered by trust;
 * sizes are computed children first, positions parents first. Sibling regions never overlap, so the
 * smallest box that holds an element's centre is its own boundary's, and a nested box lies inside its parent.
 */
function layout(r: AnalysisResult): Layout {
  const top = topGroups(r);
  // Parents before children, without recursion (nesting may be deep).
  const order: Group[] = [...top];
  for (let i = 0; i < order.length; i++) {
    const g = order[i];
    g.children.sort(byTrust);
    for (const c of g.children) {
      c.depth = g.depth + 1;
      order.push(c);
    }
  }
  let maxDepth = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    measure(order[i]);
    maxDepth = Math.max(maxDepth, order[i].depth + 1);
  }
  let x = MARGIN;
  for (const g of top) {
    g.at = { x, y: MARGIN };
    x += g.size.width + GAP;
  }
  const position = new Map<string, Point>();
  for (const g of order) place(g, position);
  return { groups: order, position, maxDepth, noteAt: { x, y: MARGIN } };
}

/** The boundary tree's roots, by trust: top-level boxes, and a loose group per default trust in use. */
function topGroups(r: AnalysisResult): Group[] {
  const byId = new Map<string, Group>();
  for (const b of r.boundaries) byId.set(b.id, newGroup(b.trustRank, b));
  const loose = new Map<TrustLevel, Group>();
  for (const e of r.elements) {
    let g = e.boundary === undefined ? undefined : byId.get(e.boundary);
    if (!g) {
      const trust = defaultTrust(e);
      g = loose.get(trust);
      if (!g) loose.set(trust, (g = newGroup(TRUST_LEVELS.indexOf(trust))));
    }
    g.elements.push(e);
  }
  // Loose groups first: at equal trust, what lies outside every box is drawn on the outer side.
  const top: Group[] = [];
  for (const t of TRUST_LEVELS) if (loose.has(t)) top.push(loose.get(t)!);
  for (const b of r.boundaries) {
    const parent = b.parent === undefined ? undefined : byId.get(b.parent);
    (parent ? parent.children : top).push(byId.get(b.id)!);
  }
  return top.sort(byTrust);
}

const gridRows = (g: Group): number => (g.elements.length ? Math.ceil(g.elements.length / g.cols) : 0);

/** A group's size, its children's being known: the grid of its elements above the row of its nested boxes. */
function measure(g: Group): void {
  g.cols = Math.ceil(Math.sqrt(g.elements.length));
  let childWidth = 0;
  let childHeight = 0;
  for (const c of g.children) {
    childWidth += (childWidth ? GAP : 0) + c.size.width;
    childHeight = Math.max(childHeight, c.size.height);
  }
  const between = g.elements.length && g.children.length ? GAP : 0;
  g.size = {
    width: Math.max(MIN_BOX.width, Math.max(g.cols * SLOT.width, childWidth) + 2 * PAD),
    height: Math.max(MIN_BOX.height, HEADER + gridRows(g) * SLOT.height + between + childHeight + PAD),
  };
}

/** A group's elements and nested boxes, its own place being known. */
function place(g: Group, position: Map<string, Point>): void {
  g.elements.forEach((e, i) => {
    const size = SHAPE_SIZE[e.kind];
    position.set(e.id, {
      x: g.at.x + PAD + (i % g.cols) * SLOT.width + (SLOT.width - size.width) / 2,
      y: g.at.y + HEADER + Math.floor(i / g.cols) * SLOT.height + (SLOT.height - size.height) / 2,
    });
  });
  let x = g.at.x + PAD;
  const y = g.at.y + HEADER + (g.elements.length ? gridRows(g) * SLOT.height + GAP : 0);
  for (const c of g.children) {
    c.at = { x, y };
    x += c.size.width + GAP;
  }
}

// --- Threats --------------------------------------------------------------------------------------------

const list = (items: readonly string[]): string => items.join(', ');

/** The system's note among the cell keys, which are model ids: no id is empty. */
const SYSTEM_KEY = '';

/**
 * Why the decision written is not the status in force: its threat grew past it (needs review, with what changed;
 * `, ` for the summary's `; `, which separates the line's details), or it lapsed.
 */
function declaredRemark(tr: ThreatTriage | undefined): string | undefined {
  if (tr?.drift) return `declared ${tr.drift.status} (needs review: ${tr.drift.summary.replaceAll('; ', ', ')})`;
  return tr?.declared && `declared ${tr.declared} (lapsed)`;
}

/** The triage decision as one line: the status and, when given, why, who, where and until when. */
function triageLine(t: Threat): string {
  const tr = t.triage;
  const status = statusOf(t);
  const details = [
    tr?.reason, tr?.owner && `owner ${tr.owner}`, tr?.ticket && `ticket ${tr.ticket}`, tr?.expires && `expires ${tr.expires}`,
    tr?.review && `review ${tr.review}`, declaredRemark(tr),
  ].filter((d): d is string => !!d);
  return `Triage: ${status}${details.length ? ` (${details.join('; ')})` : ''}`;
}

/**
 * What Threat Dragon has no field for, in the description under threatmap's own text: the stable id (to
 * find the threat again in reports and the triage file), the risk with its likelihood and impact and their
 * reasons, the triage decision, the evidence with its lines in the model, and the references.
 */
function threatDescription(t: Threat, file: string): string {
  const severity = TD_SEVERITY[t.risk];
  const lines = [
    t.description,
    '',
    `threatmap ${uidOf(t)} (${t.id}, rule ${t.ruleId}, on ${t.componentName})`,
    `Risk: ${t.risk}${severity !== t.risk ? ` (severity ${severity}: Threat Dragon 2.3 has no ${t.risk})` : ''}`,
    `Likelihood: ${t.likelihood.level}: ${t.likelihood.reason}`,
    `Impact: ${t.impact.level}: ${t.impact.reason}`,
    triageLine(t),
  ];
  if (t.evidence.length) lines.push(`Evidence: ${t.evidence.map((e) => `${e.fact} (${file}:${e.line})`).join('; ')}`);
  if (t.references.length) lines.push(`References: ${list(t.references)}`);
  return lines.join('\n');
}

/**
 * What the export writes above a decided risk's mitigation (then a blank line), for a decision of this status
 * and reason; undefined for a status it writes nothing for. The import strips exactly this, so both use it.
 */
export function decisionHead(status: TriageStatus, reason: string | undefined): string | undefined {
  if (status === 'open' || status === 'mitigating' || status === 'mitigated') return undefined;
  const what = status === 'accepted' ? 'Risk accepted' : status === 'transferred' ? 'Risk transferred' : 'Not applicable (false positive)';
  // A reason that ends its own sentence gets no second full stop.
  return `${what}${reason ? `: ${reason}` : ''}${reason && /[.!?]$/.test(reason) ? '' : '.'}`;
}

/** The rule's mitigation; a decided risk says first what was decided, as Threat Dragon's demos do. */
function mitigationText(t: Threat): string {
  const head = decisionHead(statusOf(t), t.triage?.reason);
  return head === undefined ? t.mitigation : `${head}\n\n${t.mitigation}`;
}

/**
 * Where each threat goes, by cell key (element, flow or boundary id: one namespace in threatmap). An
 * element's threat (endpoint threats included) sits on that element; a flow's on that flow. A boundary's
 * or the system's threat has no cell of its own kind, so it sits on each flow it covers, where Threat
 * Dragon shows and counts it; else a boundary's sits on the elements directly in that boundary, and on its
 * box only when the boundary holds no element of its own. What is left (a system threat covering no flow)
 * sits on the system's note. Each threat's own data says what it concerns, wherever it sits.
 */
function placeThreats(r: AnalysisResult): Map<string, Threat[]> {
  const on = new Map<string, Threat[]>();
  const put = (key: string, t: Threat) => {
    const l = on.get(key);
    if (l) l.push(t);
    else on.set(key, [t]);
  };
  const elementIds = new Set(r.elements.map((e) => e.id));
  const flowIds = new Set(r.flows.map((f) => f.id));
  const boundaryIds = new Set(r.boundaries.map((b) => b.id));
  let members: Map<string, string[]> | undefined;
  const membersOf = (boundary: string): string[] => {
    if (!members) {
      members = new Map();
      for (const e of r.elements) {
        if (e.boundary === undefined) continue;
        const l = members.get(e.boundary);
        if (l) l.push(e.id);
        else members.set(e.boundary, [e.id]);
      }
    }
    return members.get(boundary) ?? [];
  };
  for (const t of r.threats) {
    if (t.componentKind === 'flow' && flowIds.has(t.component)) put(t.component, t);
    else if (t.componentKind !== 'boundary' && t.componentKind !== 'system' && elementIds.has(t.component)) put(t.component, t);
    else if (t.flows.some((f) => flowIds.has(f))) {
      for (const f of new Set(t.flows)) if (flowIds.has(f)) put(f, t);
    } else if (t.componentKind === 'boundary' && boundaryIds.has(t.component)) {
      const own = membersOf(t.component);
      for (const e of own.length ? own : [t.component]) put(e, t);
    } else put(SYSTEM_KEY, t);
  }
  return on;
}

// --- Own data -------------------------------------------------------------------------------------------
// Each value as the model file would write it, and only when it differs from the model's default, so that
// the importer writes back a model that reads as the team wrote it.

/** A list only when it says something: an empty list is the model's default. */
const listed = <K extends string>(key: K, items: readonly string[]): Partial<Record<K, string[]>> =>
  (items.length ? ({ [key]: [...items] } as Record<K, string[]>) : {});

/** Only own keys of the model's `PROTOCOLS`, so that no protocol string reads an object's built-in property. */
const protocolAuth = (protocol: string) => (Object.hasOwn(PROTOCOLS, protocol) ? PROTOCOLS[protocol].auth : undefined) ?? 'none';

function ownElement(e: Element): TdOwnElement {
  return {
    id: e.id,
    ...(e.type !== undefined ? { type: e.type } : {}),
    ...(e.tech !== undefined ? { tech: e.tech } : {}),
    ...listed('controls', e.controls),
    ...(e.auth !== undefined ? { auth: e.auth } : {}),
    ...listed('handles', e.handles),
    ...listed('stores', e.stores),
    ...(e.endpoints.length ? { endpoints: Object.fromEntries(e.endpoints.map((ep) => [ep.key, ownEndpoint(ep, e)])) } : {}),
    ...(e.exposed !== undefined ? { exposed: e.exposed } : {}),
    // A process's privilege is Threat Dragon's privilegeLevel; the other kinds have no field for it.
    ...(e.privileged && e.kind !== 'process' ? { privileged: true } : {}),
    ...(e.replicas !== undefined ? { replicas: e.replicas } : {}),
    ...(e.owner !== undefined ? { owner: e.owner } : {}),
    ...listed('tags', e.tags),
  };
}

/** An endpoint less what its key and its element already say (methods, kind, auth). */
function ownEndpoint(ep: Endpoint, e: Element): RawEndpoint {
  const { methods, route } = parseEndpointKey(ep.key);
  const elementAuth = e.auth ?? 'none';
  const ownAuth = !ep.declaredPublic && ep.auth !== elementAuth && ep.authAt === undefined ? ep.auth : undefined;
  return {
    ...(ep.name !== ep.key ? { name: ep.name } : {}),
    ...(ep.description !== undefined ? { description: ep.description } : {}),
    ...(ep.kind !== defaultEndpointKind(route, ep.methods, ownAuth) ? { kind: ep.kind } : {}),
    ...(ep.methods.join(' ') !== methods.join(' ') ? { methods: [...ep.methods] } : {}),
    // Declared public stays declared: an endpoint open by the element's own lack of auth is not one by choice.
    // An auth lent by the flows (authAt) comes back from the flows, which are exported too.
    ...(ep.declaredPublic ? { public: true } : ep.auth === elementAuth || ep.authAt !== undefined ? {} : ep.auth === 'none' ? { public: true } : { auth: ep.auth }),
    ...(ep.callers ? { callers: [...ep.callers] } : {}),
    ...listed('controls', ep.controls),
    ...listed('accepts', ep.accepts),
    ...listed('returns', ep.returns),
  };
}

function ownFlow(f: Flow, endpointKey: ReadonlyMap<string, string>): TdOwnFlow {
  return {
    id: f.id,
    from: f.from,
    to: f.to,
    ...(f.auth !== protocolAuth(f.protocol) ? { auth: f.auth } : {}),
    ...(f.credential !== undefined ? { credential: f.credential } : {}),
    ...listed('data', f.data),
    // As the model names it: the endpoint's key, on the flow's target or a service behind it.
    ...(f.endpoint !== undefined ? { endpoint: endpointKey.get(f.endpoint) ?? f.endpoint.slice(f.to.length + 1) } : {}),
    ...listed('controls', f.controls),
    ...(f.port !== undefined ? { port: f.port } : {}),
  };
}

function ownBoundary(b: Boundary): TdOwnBoundary {
  return { id: b.id, trust: b.trust, ...(b.kind !== 'network' ? { kind: b.kind } : {}), ...listed('controls', b.controls) };
}

/** An asset with its three ratings stated: the same asset whatever defaults its classification implies. */
function ownAsset(a: Asset): RawAsset {
  return {
    ...(a.name !== a.id ? { name: a.name } : {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.kind !== 'data' ? { kind: a.kind } : {}),
    ...(a.type !== undefined ? { type: a.type } : {}),
    classification: a.classification,
    confidentiality: a.confidentiality,
    integrity: a.integrity,
    availability: a.availability,
    // Stated ratings are no classification: a placeholder stays one until someone rates it.
    ...(a.assumed ? { assumed: true } : {}),
  };
}

/** Each written threat as written, with the targets of its `on:` where the result reports it nowhere. */
function ownWrittenEntries(threats: readonly WrittenThreat[], r: AnalysisResult): Record<string, TdOwnWrittenEntry> {
  // Where each written threat is reported, as a target of `on:` names it (an endpoint by its id).
  const reported = new Set(r.threats.filter((t) => isWrittenRule(t.ruleId)).map((t) => `${t.ruleId}\u0000${t.endpoint ?? t.component}`));
  const out: Record<string, TdOwnWrittenEntry> = {};
  for (const t of threats) {
    const unreported = t.on.map((o) => o.id).filter((id) => !reported.has(`${WRITTEN_RULE_PREFIX}${t.id}\u0000${id}`));
    out[t.id] = { entry: writtenThreatAsWritten(t), ...listed('unreported', unreported) };
  }
  return out;
}

/** The model's sections the result does not hold, for the system's note; none without the model. */
function ownModelSections(model: ThreatDragonOptions['model'], r: AnalysisResult): Pick<TdOwnSystem, 'assumptions' | 'rules' | 'written'> {
  if (!model) return {};
  return {
    ...(model.assumptions.length ? { assumptions: model.assumptions.map(assumptionAsWritten) } : {}),
    ...(model.rules && Object.keys(model.rules).length ? { rules: model.rules } : {}),
    ...(model.threats.length ? { written: ownWrittenEntries(model.threats, r) } : {}),
  };
}

// --- Cells ----------------------------------------------------------------------------------------------

interface Ctx {
  taken: Set<string>;
  cellId: Map<string, string>;
  threatsOn: Map<string, Threat[]>;
  number: Map<Threat, number>;
  file: string;
  assetType: Map<string, string | undefined>;
  trustOf: Map<string, TrustLevel>;
  /** Each endpoint's key as written, by its id: a flow may name one of a service behind the load balancer it calls. */
  endpointKey: Map<string, string>;
}

/** The threats of one cell, and the own data of each by its Threat Dragon id (absent: the cell has none). */
interface CellThreats {
  threats: TdThreat[];
  own?: Record<string, TdOwnThreat>;
}

function cellThreats(ctx: Ctx, key: string): CellThreats {
  const out: CellThreats = { threats: [] };
  for (const t of ctx.threatsOn.get(key) ?? []) {
    const x = tdThreat(t, key, ctx);
    out.threats.push(x);
    (out.own ??= {})[x.id] = ownThreat(t, key);
  }
  return out;
}

function tdThreat(t: Threat, key: string, ctx: Ctx): TdThreat {
  return {
    // One id per threat and cell: a threat drawn on several flows is one threat (same number) in several places.
    id: uuidFor(`threat:${uidOf(t)}@${key}`, ctx.taken),
    title: t.title,
    status: TD_STATUS[statusOf(t)],
    severity: TD_SEVERITY[t.risk],
    type: TD_THREAT_TYPE[t.stride],
    description: threatDescription(t, ctx.file),
    mitigation: mitigationText(t),
    modelType: 'STRIDE',
    new: false,
    number: ctx.number.get(t)!,
    // Threat Dragon's free "custom score/risk": threatmap's risk, Critical included.
    score: t.risk,
  };
}

function ownThreat(t: Threat, key: string): TdOwnThreat {
  const decision = ownDecision(t);
  return {
    uid: uidOf(t),
    ...(decision ? { decision } : {}),
    ...(isWrittenRule(t.ruleId) ? { written: ownWritten(t, key), severity: TD_SEVERITY[t.risk] } : {}),
    scope: exportedScope(t),
  };
}

/** The decision, when triage made one: an open threat with nothing said about it has none. */
function ownDecision(t: Threat): TdOwnDecision | undefined {
  const tr = t.triage;
  if (!tr) return undefined;
  const { line: _line, risk: _risk, covers: _covers, ...applied } = tr;
  const said = tr.declared ?? tr.reason ?? tr.owner ?? tr.ticket ?? tr.expires ?? tr.review;
  return tr.status === 'open' && said === undefined ? undefined : { ...applied, ...decisionScope(t) };
}

/** What a written threat's entry says beyond the title, STRIDE, description and mitigation its Threat Dragon threat shows. */
function ownWritten(t: Threat, key: string): TdOwnWritten {
  const target = t.endpoint ?? t.component;
  const stated = (l: RatedLevel): Level | undefined => (l.reason.includes(STATED) ? (l.level.toLowerCase() as Level) : undefined);
  const likelihood = stated(t.likelihood);
  const impact = stated(t.impact);
  const mitigatedBy = writtenMitigatedBy(t);
  return {
    id: t.ruleId.slice(WRITTEN_RULE_PREFIX.length),
    ...(target !== key ? { on: target } : {}),
    ...(likelihood ? { likelihood } : {}),
    ...(impact ? { impact } : {}),
    ...(mitigatedBy.length ? { 'mitigated-by': mitigatedBy } : {}),
    ...(t.references.length ? { references: [...t.references] } : {}),
  };
}

/**
 * A written threat's `mitigated-by`: the result has no field for it, but where the threat is still reported
 * its evidence names the controls missing there (`no replay-protection on ...`, src/analysis/rules/written.ts).
 */
function writtenMitigatedBy(t: Threat): string[] {
  for (const e of t.evidence) {
    const m = /^(?:no|none of) ([a-z0-9-]+(?:, [a-z0-9-]+)*) on /.exec(e.fact);
    if (m) return m[1].split(', ');
  }
  return [];
}

const hasOpen = (threats: readonly TdThreat[]): boolean => threats.some((x) => x.status === 'Open');

/** Threat Dragon draws a cell with open threats in red, as it does on every change. */
const stroke = (open: boolean): Record<string, unknown> =>
  open ? { stroke: 'red', strokeWidth: 2.5, strokeDasharray: null } : { stroke: '#333333', strokeWidth: 1, strokeDasharray: null };

const PORT_SIDES = ['top', 'right', 'bottom', 'left'] as const;
const PORT_CIRCLE = { r: 4, magnet: true, stroke: '#5F95FF', strokeWidth: 1, fill: '#fff', style: { visibility: 'hidden' } };

/** The four connection ports Threat Dragon gives every element and saves with it. */
function ports(elementId: string, taken: Set<string>): Ports {
  return {
    groups: Object.fromEntries(PORT_SIDES.map((side) => [side, { position: side, attrs: { circle: { ...PORT_CIRCLE, style: { ...PORT_CIRCLE.style } } } }])),
    items: PORT_SIDES.map((side) => ({ group: side, id: uuidFor(`port:${elementId}:${side}`, taken) })),
  };
}

/** The model's facts Threat Dragon has no field for, one line each, under the element's own description. */
function elementDescription(e: Element): string {
  const what = [e.kind, e.type && `type ${e.type}`, e.tech && `tech ${e.tech}`, e.auth && `auth ${e.auth}`].filter(Boolean).join('; ');
  const lines = [`threatmap element ${e.id} (${what})`];
  if (e.controls.length) lines.push(`Controls: ${list(e.controls)}`);
  if (e.handles.length) lines.push(`Handles: ${list(e.handles)}`);
  if (e.stores.length) lines.push(`Stores: ${list(e.stores)}`);
  if (e.endpoints.length) lines.push(`Endpoints: ${list(e.endpoints.map((ep) => ep.key))}`);
  if (e.exposed !== undefined) lines.push(`Exposed: ${e.exposed}`);
  return [...(e.description ? [e.description, ''] : []), ...lines].join('\n');
}

/**
 * Threat Dragon's flags, each from the fact it names. Actors and processes that issue identities provide
 * authentication; a process whose type is web-app is a web application; one that handles or stores payment
 * data handles card payment; privileged processes say so in the free-text privilege level. A store is a log
 * by type; encrypted when the model names encryption at rest; signed when a log is tamper-evident; holds
 * credentials when it stores credentials or secrets. Nothing in the model says goods or services, or inventory.
 */
function flags(e: Element, ctx: Ctx): Record<string, unknown> {
  const identity = e.type === 'identity-provider' || e.traits.includes('identity');
  const assetTypes = [...e.handles, ...e.stores].map((a) => ctx.assetType.get(a));
  if (e.kind === 'external') return { providesAuthentication: identity };
  if (e.kind === 'process') {
    return {
      handlesCardPayment: assetTypes.includes('payment'),
      handlesGoodsOrServices: false,
      isWebApplication: e.type === 'web-app',
      privilegeLevel: e.privileged ? 'privileged' : '',
      providesAuthentication: identity,
    };
  }
  const log = e.type === 'logs';
  return {
    isALog: log,
    isEncrypted: storeEncrypted(e),
    isSigned: log && e.controls.includes('tamper-evident-logs'),
    storesCredentials: e.stores.some((a) => ['credentials', 'secrets'].includes(ctx.assetType.get(a) ?? '')),
    storesInventory: false,
  };
}

/**
 * A store's isEncrypted as unencrypted-store reads it: the control, or a provider that encrypts the store by default
 * (S3, Azure SQL...) and no `encryption-at-rest-off` tag.
 */
export const storeEncrypted = (e: Pick<Element, 'kind' | 'tech' | 'tags' | 'controls'>): boolean =>
  e.controls.includes('encryption-at-rest') || providerEncryptsAtRest(e) !== undefined;

const SHAPE = { external: ['actor', 'tm.Actor'], process: ['process', 'tm.Process'], store: ['store', 'tm.Store'] } as const;

function elementCell(e: Element, at: Point, ctx: Ctx): TdNode {
  const [shape, type] = SHAPE[e.kind];
  const { threats, own } = cellThreats(ctx, e.id);
  const open = hasOpen(threats);
  // A store is drawn as two lines (top and bottom), the others as a body.
  const attrs: Attrs = e.kind === 'store'
    ? { text: { text: e.name }, topLine: stroke(open), bottomLine: stroke(open) }
    : { text: { text: e.name }, body: stroke(open) };
  return {
    position: at,
    size: { ...SHAPE_SIZE[e.kind] },
    attrs,
    visible: true,
    shape,
    zIndex: 1,
    ports: ports(e.id, ctx.taken),
    id: ctx.cellId.get(e.id)!,
    data: {
      type,
      name: e.name,
      description: elementDescription(e),
      isTrustBoundary: false,
      outOfScope: false,
      reasonOutOfScope: '',
      hasOpenThreats: open,
      ...flags(e, ctx),
      threats,
      [TD_OWN]: { ...ownElement(e), ...(own ? { threats: own } : {}) },
    },
  };
}

/** A box has no trust in Threat Dragon: the boundary's trust, kind and controls go in its description. */
function boxDescription(b: Boundary): string {
  const lines = [`threatmap boundary ${b.id} (trust ${b.trust}; kind ${b.kind})`];
  if (b.controls.length) lines.push(`Controls: ${list(b.controls)}`);
  return [...(b.description ? [b.description, ''] : []), ...lines].join('\n');
}

function boxCell(g: Group, b: Boundary, maxDepth: number, ctx: Ctx): TdNode {
  const { threats, own } = cellThreats(ctx, b.id);
  return {
    position: { ...g.at },
    size: { ...g.size },
    // `label` is where Threat Dragon 2.3 draws a box's name, `headerText` where later 2.x releases do.
    attrs: { label: { text: b.name }, headerText: { text: b.name }, body: { stroke: '#333333', strokeWidth: 3, strokeDasharray: '5 5' } },
    visible: true,
    shape: 'trust-boundary-box',
    // Behind everything, and a nested box in front of the box around it, so that each can be selected.
    zIndex: g.depth - maxDepth - 1,
    id: ctx.cellId.get(b.id)!,
    data: {
      type: 'tm.BoundaryBox',
      name: b.name,
      description: boxDescription(b),
      isTrustBoundary: true,
      hasOpenThreats: hasOpen(threats),
      threats,
      [TD_OWN]: { ...ownBoundary(b), ...(own ? { threats: own } : {}) },
    },
  };
}

/**
 * Threat Dragon's "public network" flag: said when either end sits in an untrusted zone (its boundary's trust,
 * or an external entity's outside every boundary), the analysis's own reading of where the internet is
 * (trust rank 0), whichever end calls: our API calling a partner in an untrusted zone goes over it too. An
 * `exposed` element is not such an end: the internet reaches it, but its flows to our other parts do not cross
 * the internet. Read back, the untrusted end is the one on the internet's side (the importer's publicEnd), and
 * as it is in an untrusted box or external already, nothing moves between boundaries.
 */
function publicNetwork(f: Flow, ctx: Ctx): boolean {
  return ctx.trustOf.get(f.from) === 'untrusted' || ctx.trustOf.get(f.to) === 'untrusted';
}

/**
 * Flows between the same two elements (a call and its reply) would be drawn on one line, labels on top of
 * each other: each gets a bend to its own side, further out for each further flow in the same direction.
 */
function bends(flows: readonly Flow[], position: Map<string, Point>, kindOf: Map<string, Element['kind']>): Map<Flow, Point[]> {
  const pair = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const count = new Map<string, number>();
  for (const f of flows) count.set(pair(f.from, f.to), (count.get(pair(f.from, f.to)) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out = new Map<Flow, Point[]>();
  const centre = (id: string): Point | undefined => {
    const p = position.get(id);
    const s = SHAPE_SIZE[kindOf.get(id) ?? 'process'];
    return p && { x: p.x + s.width / 2, y: p.y + s.height / 2 };
  };
  for (const f of flows) {
    if ((count.get(pair(f.from, f.to)) ?? 0) < 2) continue;
    const a = centre(f.from);
    const b = centre(f.to);
    if (!a || !b) continue;
    const k = (seen.get(`${f.from}\u0000${f.to}`) ?? 0) + 1;
    seen.set(`${f.from}\u0000${f.to}`, k);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const off = 30 * k;
    out.set(f, [{ x: Math.round((a.x + b.x) / 2 - (dy / len) * off), y: Math.round((a.y + b.y) / 2 + (dx / len) * off) }]);
  }
  return out;
}

function flowCell(f: Flow, ctx: Ctx, vertices: Point[]): TdEdge {
  const { threats, own } = cellThreats(ctx, f.id);
  const open = hasOpen(threats);
  // Labelled by its name, else its protocol, as Threat Dragon's own models label their flows (HTTPS, MQTT).
  const name = f.name ?? f.protocol;
  return {
    shape: 'flow',
    attrs: { line: { ...stroke(open), targetMarker: { name: 'block' }, sourceMarker: { name: '' } } },
    width: 200,
    height: 100,
    zIndex: 10,
    labels: [{
      markup: [{ tagName: 'ellipse', selector: 'labelBody' }, { tagName: 'text', selector: 'labelText' }],
      attrs: {
        labelText: { text: name, textAnchor: 'middle', textVerticalAnchor: 'middle' },
        labelBody: { ref: 'labelText', refRx: '50%', refRy: '60%', fill: '#fff', strokeWidth: 0 },
      },
      position: 0.5,
    }],
    connector: 'smooth',
    data: {
      type: 'tm.Flow',
      name,
      description: flowDescription(f),
      outOfScope: false,
      reasonOutOfScope: '',
      hasOpenThreats: open,
      isBidirectional: false,
      isEncrypted: f.encrypted,
      isPublicNetwork: publicNetwork(f, ctx),
      protocol: f.protocol,
      isTrustBoundary: false,
      threats,
      [TD_OWN]: { ...ownFlow(f, ctx.endpointKey), ...(own ? { threats: own } : {}) },
    },
    id: ctx.cellId.get(f.id)!,
    source: { cell: ctx.cellId.get(f.from)! },
    target: { cell: ctx.cellId.get(f.to)! },
    vertices,
  };
}

function flowDescription(f: Flow): string {
  const lines = [`threatmap flow ${f.id} (${f.protocol}; auth ${f.auth}${f.port !== undefined ? `; port ${f.port}` : ''})`];
  if (f.data.length) lines.push(`Data: ${list(f.data)}`);
  if (f.endpoint) lines.push(`Endpoint: ${f.endpoint}`);
  if (f.controls.length) lines.push(`Controls: ${list(f.controls)}`);
  return [...(f.description ? [f.description, ''] : []), ...lines].join('\n');
}

/** The system's note: Threat Dragon's demos title their diagrams with a text block; ours is the system's. */
const NOTE_SIZE: Size = { width: 220, height: 60 };

/** A written threat unreported on every target of its `on:` (none: the whole system, one target). */
const reportedNowhere = (w: TdOwnWrittenEntry): boolean => (w.unreported?.length ?? 0) === Math.max(1, w.entry.on?.length ?? 0);

function systemDescription(r: AnalysisResult, sections: Pick<TdOwnSystem, 'assumptions' | 'rules' | 'written'>): string {
  const lines = ['threatmap system (the whole system: its threats that concern no one element or flow sit on this note)'];
  if (r.system.version !== undefined) lines.push(`Version: ${r.system.version}`);
  if (r.assets.length) lines.push(`Assets: ${list(r.assets.map((a) => `${a.name} (${[a.type ?? a.kind, a.classification].join('; ')})`))}`);
  // What the model assumes and how it tunes the rules explain threats a reader would expect and does not find.
  for (const a of sections.assumptions ?? []) lines.push(`Assumption: ${typeof a === 'string' ? a : a.text}`);
  const rules = sections.rules;
  if (rules?.disable?.length) lines.push(`Rules disabled: ${list(rules.disable)}`);
  if (rules?.override && Object.keys(rules.override).length) lines.push(`Rules re-rated: ${list(Object.keys(rules.override))}`);
  if (rules?.custom?.length) lines.push(`Rules of the model's own: ${list(rules.custom.map((c) => c.id))}`);
  // Those have no threat in the diagram to say they were written at all.
  const quiet = Object.values(sections.written ?? {}).filter(reportedNowhere);
  if (quiet.length) lines.push(`Written threats reported nowhere (mitigated or ruled out): ${list(quiet.map((w) => w.entry.title))}`);
  return lines.join('\n');
}

/**
 * The cell that stands for the whole system, when there is something to keep on it: threats on no element or
 * flow, the assets (which have no cell of their own), the system's version (the summary has no field for it).
 */
function systemCell(r: AnalysisResult, at: Point, id: string, ctx: Ctx, model: ThreatDragonOptions['model']): TdNode | undefined {
  const { threats, own } = cellThreats(ctx, SYSTEM_KEY);
  const sections = ownModelSections(model, r);
  if (!threats.length && !r.assets.length && r.system.version === undefined && !Object.keys(sections).length) return undefined;
  const data: TdOwnSystem = {
    ...(r.system.version !== undefined ? { version: r.system.version } : {}),
    ...(r.assets.length ? { assets: Object.fromEntries(r.assets.map((a) => [a.id, ownAsset(a)])) } : {}),
    ...(own ? { threats: own } : {}),
    ...sections,
  };
  return {
    position: at,
    size: { ...NOTE_SIZE },
    attrs: { text: { text: r.system.name } },
    visible: true,
    shape: 'td-text-block',
    zIndex: 1,
    id,
    data: {
      type: 'tm.Text',
      name: r.system.name,
      description: systemDescription(r, sections),
      isTrustBoundary: false,
      hasOpenThreats: hasOpen(threats),
      threats,
      [TD_OWN]: data,
    },
  };
}

// --- The document ---------------------------------------------------------------------------------------

export function buildThreatDragon(r: AnalysisResult, options: ThreatDragonOptions = {}): TdDocument {
  const taken = new Set<string>();
  // Cell ids first, in the model's order, so that each keeps its id whatever threats are added.
  const cellId = new Map<string, string>();
  for (const b of r.boundaries) cellId.set(b.id, uuidFor(`boundary:${b.id}`, taken));
  for (const e of r.elements) cellId.set(e.id, uuidFor(`element:${e.id}`, taken));
  for (const f of r.flows) cellId.set(f.id, uuidFor(`flow:${f.id}`, taken));
  const noteId = uuidFor('system', taken);

  const on = placeThreats(r);
  const boundaryTrust = new Map(r.boundaries.map((b) => [b.id, b.trust]));
  const ctx: Ctx = {
    taken, cellId, threatsOn: on, file: r.file,
    number: new Map(r.threats.map((t, i) => [t, i + 1])),
    assetType: new Map(r.assets.map((a) => [a.id, a.type])),
    trustOf: new Map(r.elements.map((e) => [e.id, (e.boundary !== undefined && boundaryTrust.get(e.boundary)) || defaultTrust(e)])),
    endpointKey: new Map(r.elements.flatMap((e) => e.endpoints.map((ep) => [ep.id, ep.key] as const))),
  };
  const kindOf = new Map(r.elements.map((e) => [e.id, e.kind]));
  const { groups, position, maxDepth, noteAt } = layout(r);
  const bent = bends(r.flows, position, kindOf);

  // Boxes first (behind), then elements, then flows: every flow's ends exist before it, as Threat Dragon saves.
  const cells: TdCell[] = [];
  for (const g of groups) if (g.boundary) cells.push(boxCell(g, g.boundary, maxDepth, ctx));
  for (const e of r.elements) cells.push(elementCell(e, position.get(e.id)!, ctx));
  for (const f of r.flows) cells.push(flowCell(f, ctx, bent.get(f) ?? []));
  const note = systemCell(r, noteAt, noteId, ctx, options.model);
  if (note) cells.push(note);

  return {
    version: TD_VERSION,
    summary: { title: r.system.name, owner: r.system.owner ?? '', description: r.system.description ?? '', id: 0 },
    detail: {
      contributors: [],
      diagrams: [{
        version: TD_VERSION,
        title: r.system.name,
        description: (r.system.description ?? '').trim(),
        thumbnail: './public/content/images/thumbnail.stride.jpg',
        diagramType: 'STRIDE',
        id: 0,
        cells,
      }],
      diagramTop: 1,
      reviewer: '',
      // The highest threat number given: Threat Dragon numbers new threats from here.
      threatTop: r.threats.length,
    },
  };
}

/**
 * Where the cells go in the document's JSON: an empty `cells` array, written with its key. Model text
 * cannot produce this sequence: inside a JSON string every quote is escaped.
 */
const CELLS_MARK = '"cells": []';
/** The indentation of a cell in the whole document: root, detail, diagrams, the diagram, cells. */
const CELL_INDENT = ' '.repeat(10);

/**
 * The document as JSON (`JSON.stringify(buildThreatDragon(r), null, 2)` and a line break), in pieces: the
 * cells of a large model are most of the text, so they are written a few at a time, each re-indented to
 * its depth, and never held as one string with the rest.
 */
export function* renderThreatDragonChunks(r: AnalysisResult, options: ThreatDragonOptions = {}): Generator<string> {
  const doc = buildThreatDragon(r, options);
  const [diagram] = doc.detail.diagrams;
  const frame = JSON.stringify({ ...doc, detail: { ...doc.detail, diagrams: [{ ...diagram, cells: [] }] } }, null, 2);
  const at = frame.indexOf(CELLS_MARK);
  if (!diagram.cells.length) {
    yield `${frame}\n`;
    return;
  }
  yield* gatherChunks(pieces(frame, at, diagram.cells));
}

function* pieces(frame: string, at: number, cells: readonly TdCell[]): Generator<string> {
  yield `${frame.slice(0, at)}"cells": [`;
  for (let i = 0; i < cells.length; i++) {
    yield `${i ? ',' : ''}\n${CELL_INDENT}${JSON.stringify(cells[i], null, 2).replace(/\n/g, `\n${CELL_INDENT}`)}`;
  }
  yield `\n${CELL_INDENT.slice(2)}]${frame.slice(at + CELLS_MARK.length)}\n`;
}

/** The Threat Dragon v2 document as pretty JSON with a trailing line break. */
export const renderThreatDragon = (r: AnalysisResult, options: ThreatDragonOptions = {}): string => joinChunks(renderThreatDragonChunks(r, options));
