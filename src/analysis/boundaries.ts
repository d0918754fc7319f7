// Trust boundary crossings: for each flow, the boundaries it leaves and enters, found through the lowest
// common ancestor of the two elements' boundary chains (O(depth) per flow).
import type { ModelGraph } from '../model/graph.js';
import type { Boundary, Flow } from '../model/types.js';
import type { Crossing, CrossingKind } from './types.js';

const KIND_LABELS: Record<CrossingKind, string> = {
  'internet-to-dmz': 'internet -> DMZ',
  'internet-to-internal': 'internet -> internal',
  'dmz-to-internal': 'DMZ -> internal',
  'app-to-data': 'application -> data tier',
  'service-to-service': 'service -> service',
  'user-to-admin': 'user -> admin privilege',
  'to-lower-trust': 'outbound to lower trust',
  'same-trust': 'between zones of equal trust',
};

export const crossingLabel = (kind: CrossingKind): string => KIND_LABELS[kind];

function classify(graph: ModelGraph, s: number, t: number, entered: readonly Boundary[]): CrossingKind {
  const fromRank = graph.trustRankAt(s);
  const toRank = graph.trustRankAt(t);
  const { elements } = graph.model;
  const source = s < 0 ? undefined : elements[s];
  const target = t < 0 ? undefined : elements[t];
  if (entered.some((b) => b.kind === 'privilege') && toRank >= fromRank) return 'user-to-admin';
  if (fromRank === 0 && toRank === 1) return 'internet-to-dmz';
  if (fromRank === 0 && toRank >= 2) return 'internet-to-internal';
  if (fromRank === 1 && toRank >= 2) return 'dmz-to-internal';
  if (source?.kind === 'process' && (target?.kind === 'store' || entered.some((b) => b.kind === 'data-tier'))) {
    return 'app-to-data';
  }
  if (toRank < fromRank) return 'to-lower-trust';
  if (source?.kind === 'process' && target?.kind === 'process') return 'service-to-service';
  return 'same-trust';
}

/** Where the first boundary of `a` that also encloses `b` sits in `b` (-1 when none): a scan of short chains, a set for long ones. */
function lowestCommon(a: readonly Boundary[], b: readonly Boundary[]): [number, number] {
  if (b.length <= 8) {
    for (let i = 0; i < a.length; i++) {
      const j = b.indexOf(a[i]);
      if (j >= 0) return [i, j];
    }
    return [-1, -1];
  }
  const inB = new Map<Boundary, number>();
  for (let j = 0; j < b.length; j++) if (!inB.has(b[j])) inB.set(b[j], j);
  for (let i = 0; i < a.length; i++) {
    const j = inB.get(a[i]);
    if (j !== undefined) return [i, j];
  }
  return [-1, -1];
}

const names = (list: readonly Boundary[]): string => {
  let text = list[0].name;
  for (let i = 1; i < list.length; i++) text += `, ${list[i].name}`;
  return text;
};
const ids = (list: readonly Boundary[]): string[] => {
  const out: string[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i].id;
  return out;
};

/** The crossing of the flow whose ends sit at element positions `s` and `t` (-1 when unknown). */
function flowCrossing(graph: ModelGraph, flow: Flow, s: number, t: number): Crossing | undefined {
  const a = graph.boundaryChainAt(s);
  const b = graph.boundaryChainAt(t);
  // Elements of one boundary share its chain: such a flow leaves and enters nothing, between equal trust.
  if (a === b && a.length > 0) return undefined;
  const [lcaIndexA, lcaIndexB] = lowestCommon(a, b);
  const left = lcaIndexA < 0 ? a : a.slice(0, lcaIndexA);
  const entered = b.slice(0, lcaIndexB < 0 ? b.length : lcaIndexB).reverse();
  const fromTrust = graph.trustAt(s);
  const toTrust = graph.trustAt(t);
  // Two elements outside every boundary still sit in different implicit zones when their trust differs
  // (a user on the internet calling our unzoned service).
  if (left.length === 0 && entered.length === 0 && fromTrust === toTrust) return undefined;
  const kind = classify(graph, s, t, entered);
  let label = KIND_LABELS[kind];
  if (left.length && entered.length) label += ` (leaves ${names(left)}; enters ${names(entered)})`;
  else if (left.length) label += ` (leaves ${names(left)})`;
  else if (entered.length) label += ` (enters ${names(entered)})`;
  return { flow: flow.id, from: flow.from, to: flow.to, left: ids(left), entered: ids(entered), fromTrust, toTrust, kind, label };
}

export function findCrossings(graph: ModelGraph): Crossing[] {
  const out: Crossing[] = [];
  const { flows } = graph.model;
  for (let k = 0; k < flows.length; k++) {
    const c = flowCrossing(graph, flows[k], graph.flowSource[k], graph.flowTarget[k]);
    if (c) out.push(c);
  }
  return out;
}
