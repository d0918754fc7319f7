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

function classify(graph: ModelGraph, flow: Flow, entered: readonly Boundary[]): CrossingKind {
  const fromRank = graph.trustRankOf(flow.from);
  const toRank = graph.trustRankOf(flow.to);
  const source = graph.elements.get(flow.from);
  const target = graph.elements.get(flow.to);
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

export function flowCrossing(graph: ModelGraph, flow: Flow): Crossing | undefined {
  const a = graph.boundaryChain(flow.from);
  const b = graph.boundaryChain(flow.to);
  // Elements of one boundary share its chain: such a flow leaves and enters nothing, between equal trust.
  if (a === b && a.length > 0) return undefined;
  const inB = new Set(b.map((x) => x.id));
  const lcaIndexA = a.findIndex((x) => inB.has(x.id));
  const left = lcaIndexA < 0 ? a : a.slice(0, lcaIndexA);
  const lcaId = lcaIndexA < 0 ? undefined : a[lcaIndexA].id;
  const lcaIndexB = lcaId === undefined ? b.length : b.findIndex((x) => x.id === lcaId);
  const entered = b.slice(0, lcaIndexB).reverse();
  const fromTrust = graph.trustOf(flow.from);
  const toTrust = graph.trustOf(flow.to);
  // Two elements outside every boundary still sit in different implicit zones when their trust differs
  // (a user on the internet calling our unzoned service).
  if (left.length === 0 && entered.length === 0 && fromTrust === toTrust) return undefined;
  const kind = classify(graph, flow, entered);
  const name = (x: Boundary) => x.name;
  const parts = [
    left.length ? `leaves ${left.map(name).join(', ')}` : '',
    entered.length ? `enters ${entered.map(name).join(', ')}` : '',
  ].filter(Boolean);
  return {
    flow: flow.id,
    from: flow.from,
    to: flow.to,
    left: left.map((x) => x.id),
    entered: entered.map((x) => x.id),
    fromTrust,
    toTrust,
    kind,
    label: `${KIND_LABELS[kind]}${parts.length ? ` (${parts.join('; ')})` : ''}`,
  };
}

export function findCrossings(graph: ModelGraph): Crossing[] {
  const out: Crossing[] = [];
  for (const flow of graph.model.flows) {
    const c = flowCrossing(graph, flow);
    if (c) out.push(c);
  }
  return out;
}
