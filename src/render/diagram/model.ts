// The diagram model: what every diagram format draws, derived from an AnalysisResult only (renderers never
// re-analyse). One derivation means the ASCII, Mermaid, DOT, SVG and PNG pictures show the same system.
import type { ElementKind, TrustLevel } from '../../model/catalog.js';
import { RISKS, type AnalysisResult, type Risk } from '../../analysis/types.js';

export type Direction = 'LR' | 'TD';
export type Detail = 'elements' | 'boundaries';

export interface DiagramOptions {
  /** Left-right or top-down. ASCII picks whichever fits the width when not given. */
  direction?: Direction;
  /** An element id (it and its neighbours) or a boundary id (its members and their neighbours). */
  focus?: string;
  /** Kinds of element to leave out, with their flows. */
  hide?: ReadonlyArray<'store' | 'external'>;
  /** `boundaries`: one node per trust boundary, flows aggregated with counts. */
  detail?: Detail;
  /**
   * Colour (or, in ASCII, tag) elements and flows by their highest risk, with a legend. Only then does the
   * model carry risks: finding them is a pass over every threat and its flows.
   */
  colorByRisk?: boolean;
  /** Label flows with the data they carry as well as the protocol. */
  showData?: boolean;
}

export interface DiagramNode {
  id: string;
  name: string;
  /** In `boundaries` detail every node is a boundary (or the area outside every boundary). */
  kind: ElementKind | 'boundary';
  /** Innermost group the node sits in. */
  group?: string;
  /** Highest risk, with `colorByRisk`. */
  risk?: Risk;
  /** Extra line under the name, e.g. `4 elements` in the boundary overview. */
  note?: string;
}

export interface DiagramEdge {
  id: string;
  from: string;
  to: string;
  /** Protocol (and data when asked), or `3 flows: https, grpc` when aggregated. */
  label: string;
  /** Highest risk, with `colorByRisk`. */
  risk?: Risk;
  /** Number of model flows this edge stands for (1 unless aggregated). */
  count: number;
}

export interface DiagramGroup {
  id: string;
  name: string;
  trust: TrustLevel;
  parent?: string;
  /** Highest risk, with `colorByRisk`. */
  risk?: Risk;
}

export interface DiagramModel {
  title: string;
  detail: Detail;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** Parents before children. */
  groups: DiagramGroup[];
}

/** A problem with the options (e.g. an unknown focus id): the caller shows the message, not a stack. */
export class DiagramError extends Error {
  override name = 'DiagramError';
}

/** Stands for the elements that sit in no boundary, in the boundary overview. */
export const OUTSIDE_ID = '(outside)';

/**
 * Groups by parent and nodes by group, each in model order: what the nested formats (DOT, Mermaid) walk.
 * Filtering every list once per group made them quadratic (thousands of boundaries at 100,000 elements).
 */
export function nesting(model: DiagramModel): {
  groups: Map<string | undefined, DiagramGroup[]>;
  nodes: Map<string | undefined, DiagramNode[]>;
} {
  const groups = new Map<string | undefined, DiagramGroup[]>();
  const nodes = new Map<string | undefined, DiagramNode[]>();
  for (const g of model.groups) listAt(groups, g.parent).push(g);
  for (const n of model.nodes) listAt(nodes, n.group).push(n);
  return { groups, nodes };
}

function listAt<T>(map: Map<string | undefined, T[]>, key: string | undefined): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

const riskRank = (r: Risk | undefined): number => (r === undefined ? -1 : RISKS.indexOf(r));
export const maxRisk = (a: Risk | undefined, b: Risk | undefined): Risk | undefined =>
  riskRank(b) > riskRank(a) ? b : a;

export function buildDiagram(result: AnalysisResult, options: DiagramOptions = {}): DiagramModel {
  const detail = options.detail ?? 'elements';
  const boundaryById = new Map(result.boundaries.map((b) => [b.id, b]));
  if (detail === 'boundaries') {
    // Without a focus or hidden kinds every element is counted: no set of their ids to build and ask.
    const all = options.focus === undefined && !options.hide?.length;
    return overview(result, all ? undefined : selectElements(result, options, boundaryById), boundaryById, options.colorByRisk === true);
  }

  const risk = options.colorByRisk ? componentRisks(result) : undefined;
  const included = selectElements(result, options, boundaryById);
  const elements = result.elements.filter((e) => included.has(e.id));
  const flows = result.flows.filter((f) => included.has(f.from) && included.has(f.to));

  const used = new Set<string>();
  for (const e of elements) for (let b = e.boundary; b !== undefined && !used.has(b); b = boundaryById.get(b)?.parent) used.add(b);
  const nodes: DiagramNode[] = elements.map((e) => ({
    id: e.id,
    name: e.name,
    kind: e.kind,
    ...(e.boundary !== undefined && boundaryById.has(e.boundary) ? { group: e.boundary } : {}),
    ...(risk?.elements.has(e.id) ? { risk: risk.elements.get(e.id) } : {}),
  }));
  const edges: DiagramEdge[] = flows.map((f) => ({
    id: f.id,
    from: f.from,
    to: f.to,
    label: options.showData && f.data.length > 0 ? `${f.protocol}: ${f.data.join(', ')}` : f.protocol,
    ...(risk?.flows.has(f.id) ? { risk: risk.flows.get(f.id) } : {}),
    count: 1,
  }));
  return {
    title: result.system.name,
    detail,
    nodes,
    edges,
    groups: orderGroups(result.boundaries.filter((b) => used.has(b.id)), risk?.boundaries),
  };
}

/** The highest risk of each element, flow and boundary that has threats. */
function componentRisks(result: AnalysisResult): { elements: Map<string, Risk>; flows: Map<string, Risk>; boundaries: Map<string, Risk> } {
  const elements = new Map<string, Risk>();
  const flows = new Map<string, Risk>();
  const boundaries = new Map<string, Risk>();
  for (const t of result.threats) {
    const target = t.componentKind === 'flow' ? flows : t.componentKind === 'boundary' ? boundaries : elements;
    if (t.componentKind !== 'system') target.set(t.component, maxRisk(target.get(t.component), t.risk)!);
    for (const f of t.flows) flows.set(f, maxRisk(flows.get(f), t.risk)!);
  }
  return { elements, flows, boundaries };
}

function orderGroups(boundaries: AnalysisResult['boundaries'], risk: Map<string, Risk> | undefined): DiagramGroup[] {
  const ids = new Set(boundaries.map((b) => b.id));
  const out: DiagramGroup[] = [];
  const done = new Set<string>();
  // Children listed once per parent (in model order), so the walk is linear in the number of boundaries.
  const children = new Map<string | undefined, AnalysisResult['boundaries']>();
  for (const b of boundaries) {
    const p = b.parent !== undefined && ids.has(b.parent) ? b.parent : undefined;
    const list = children.get(p);
    if (list) list.push(b);
    else children.set(p, [b]);
  }
  const visit = (parent: string | undefined): void => {
    for (const b of children.get(parent) ?? []) {
      const p = parent;
      if (done.has(b.id)) continue;
      done.add(b.id);
      out.push({
        id: b.id,
        name: b.name,
        trust: b.trust,
        ...(p !== undefined ? { parent: p } : {}),
        ...(risk?.has(b.id) ? { risk: risk.get(b.id) } : {}),
      });
      visit(b.id);
    }
  };
  visit(undefined);
  return out;
}

function selectElements(
  result: AnalysisResult,
  options: DiagramOptions,
  boundaryById: Map<string, AnalysisResult['boundaries'][number]>,
): Set<string> {
  const hide = new Set<string>(options.hide ?? []);
  let core: Set<string>;
  if (options.focus === undefined) {
    core = new Set(result.elements.map((e) => e.id));
  } else {
    const focus = options.focus;
    if (result.elements.some((e) => e.id === focus)) core = new Set([focus]);
    else if (boundaryById.has(focus)) {
      const inside = (b: string | undefined): boolean => {
        for (let seen = 0; b !== undefined && seen <= boundaryById.size; seen++, b = boundaryById.get(b)?.parent) {
          if (b === focus) return true;
        }
        return false;
      };
      core = new Set(result.elements.filter((e) => inside(e.boundary)).map((e) => e.id));
    } else {
      throw new DiagramError(`--focus: "${focus}" is neither an element id nor a boundary id`);
    }
    const neighbours = new Set(core);
    for (const f of result.flows) {
      if (core.has(f.from)) neighbours.add(f.to);
      if (core.has(f.to)) neighbours.add(f.from);
    }
    core = neighbours;
  }
  const keep = new Set<string>();
  for (const e of result.elements) {
    // The focused element stays even when its kind is hidden: hiding it would leave an empty picture.
    if (core.has(e.id) && (!hide.has(e.kind) || e.id === options.focus)) keep.add(e.id);
  }
  return keep;
}

/**
 * One node per boundary (and one for the elements outside every boundary), flows between them aggregated.
 * It runs over every element and flow (and with `withRisk` every threat), so each id is looked up once: the
 * home boundary of an element, the aggregate edge of a flow; threats raise their risks directly.
 * `included`: the elements to count, all when undefined.
 */
function overview(
  result: AnalysisResult,
  included: Set<string> | undefined,
  boundaryById: Map<string, AnalysisResult['boundaries'][number]>,
  withRisk: boolean,
): DiagramModel {
  const homeOf = new Map<string, string>();
  const members = new Map<string, number>();
  for (const e of result.elements) {
    if (included !== undefined && !included.has(e.id)) continue;
    const h = e.boundary !== undefined && boundaryById.has(e.boundary) ? e.boundary : OUTSIDE_ID;
    homeOf.set(e.id, h);
    members.set(h, (members.get(h) ?? 0) + 1);
  }
  // Flows between two boundaries by pair of homes, in the order of their first flow.
  interface Aggregate { from: string; to: string; count: number; protocols: string[]; risk?: Risk }
  const aggregates: Aggregate[] = [];
  const byPair = new Map<string, Map<string, Aggregate>>();
  const aggregateOf = new Map<string, Aggregate>();
  for (const f of result.flows) {
    const from = homeOf.get(f.from);
    const to = homeOf.get(f.to);
    if (from === undefined || to === undefined || from === to) continue;
    let row = byPair.get(from);
    if (row === undefined) byPair.set(from, (row = new Map()));
    let a = row.get(to);
    if (a === undefined) {
      row.set(to, (a = { from, to, count: 0, protocols: [] }));
      aggregates.push(a);
    }
    a.count++;
    if (!a.protocols.includes(f.protocol)) a.protocols.push(f.protocol);
    if (withRisk) aggregateOf.set(f.id, a);
  }
  // A boundary's risk is the highest of its own threats and its elements'; an edge's, of its flows'.
  const risk = new Map<string, Risk>();
  const boundaryRisk = new Map<string, Risk>();
  if (withRisk) for (const t of result.threats) {
    const kind = t.componentKind;
    if (kind === 'flow') {
      const a = aggregateOf.get(t.component);
      if (a !== undefined) a.risk = maxRisk(a.risk, t.risk);
    } else if (kind === 'boundary') {
      boundaryRisk.set(t.component, maxRisk(boundaryRisk.get(t.component), t.risk)!);
    } else if (kind !== 'system') {
      const h = homeOf.get(t.component);
      if (h !== undefined) risk.set(h, maxRisk(risk.get(h), t.risk)!);
    }
    const flows = t.flows;
    for (let i = 0; i < flows.length; i++) {
      const a = aggregateOf.get(flows[i]);
      if (a !== undefined) a.risk = maxRisk(a.risk, t.risk);
    }
  }
  // A boundary with child boundaries becomes a group that holds its own node, so nesting stays visible.
  const hasChild = new Set<string>();
  const used = new Set<string>();
  for (const h of members.keys()) {
    for (let b: string | undefined = h; b !== undefined && !used.has(b); b = boundaryById.get(b)?.parent) used.add(b);
  }
  for (const id of used) {
    const p = boundaryById.get(id)?.parent;
    if (p !== undefined && used.has(p)) hasChild.add(p);
  }
  const nodes: DiagramNode[] = [];
  const order = [...result.boundaries.map((b) => b.id), OUTSIDE_ID];
  for (const id of order) {
    const n = members.get(id);
    if (n === undefined) continue;
    const b = boundaryById.get(id);
    const group = b === undefined ? undefined : hasChild.has(id) ? id : b.parent !== undefined && used.has(b.parent) ? b.parent : undefined;
    const r = maxRisk(risk.get(id), boundaryRisk.get(id));
    nodes.push({
      id,
      name: b?.name ?? 'outside any boundary',
      kind: 'boundary',
      ...(group !== undefined ? { group } : {}),
      ...(r !== undefined ? { risk: r } : {}),
      note: `${n} element${n === 1 ? '' : 's'}`,
    });
  }
  const edges: DiagramEdge[] = aggregates.map((a) => ({
    id: `${a.from}->${a.to}`,
    from: a.from,
    to: a.to,
    label: `${a.count} flow${a.count === 1 ? '' : 's'}: ${a.protocols.join(', ')}`,
    ...(a.risk !== undefined ? { risk: a.risk } : {}),
    count: a.count,
  }));
  return {
    title: result.system.name,
    detail: 'boundaries',
    nodes,
    edges,
    groups: orderGroups(result.boundaries.filter((b) => hasChild.has(b.id)), boundaryRisk),
  };
}
