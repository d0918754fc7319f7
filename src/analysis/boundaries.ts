// Trust boundary crossings: for each flow, the boundaries it leaves and enters, found through the lowest
// common ancestor of the two elements' boundary chains (O(depth) per flow).
import type { ModelGraph } from '../model/graph.js';
import type { Boundary, Flow } from '../model/types.js';
import { crossingAuthMethod } from './rules/facts.js';
import type { Crossing, CrossingKind } from './types.js';

const KIND_LABELS: Record<CrossingKind, string> = {
  'internet-to-dmz': 'internet -> DMZ',
  'internet-to-internal': 'internet -> internal',
  'dmz-to-internal': 'DMZ -> internal',
  'app-to-data': 'application -> data tier',
  'service-to-service': 'service -> service',
  'user-to-admin': 'user -> admin privilege',
  'to-lower-trust': 'outbound to lower trust',
  'to-higher-trust': 'inbound to higher trust',
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
  // A crossing has one kind, and leaving for a zone of lower trust says more than what the target is: an OT
  // historian writing into the IT network's database is data leaving OT, which `crosses: to-lower-trust` asks for.
  if (toRank < fromRank) return 'to-lower-trust';
  if (source?.kind === 'process' && (target?.kind === 'store' || entered.some((b) => b.kind === 'data-tier'))) {
    return 'app-to-data';
  }
  if (source?.kind === 'process' && target?.kind === 'process') return 'service-to-service';
  // A queue or store feeding a process in a zone of higher trust (internal -> restricted) is no equal-trust hop.
  return toRank > fromRank ? 'to-higher-trust' : 'same-trust';
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

/**
 * The boundaries one end of a flow leaves (or enters) and what a label says of them. Elements of one
 * boundary share its chain, so a large model's crossings have only a few hundred distinct sides: each is
 * made once and shared, frozen, by all its crossings (JSON writes shared objects like any others).
 */
interface Side {
  boundaries: readonly Boundary[];
  ids: string[];
  names: string;
}

function side(boundaries: readonly Boundary[]): Side {
  const ids: string[] = new Array(boundaries.length);
  for (let i = 0; i < boundaries.length; i++) ids[i] = boundaries[i].id;
  // One flat string (a join) rather than a rope of `+=`: labels are kept in the result.
  return { boundaries, ids: Object.freeze(ids) as string[], names: boundaries.map((b) => b.name).join(', ') };
}

/** The sides of the crossings of one analysis, by chain and where the chain is cut, and their labels. */
class Sides {
  private readonly left = new Map<readonly Boundary[], Array<Side | undefined>>();
  private readonly entered = new Map<readonly Boundary[], Array<Side | undefined>>();
  private readonly labels = new Map<Side, Map<Side, Map<CrossingKind, string>>>();

  /** The first `n` boundaries of `chain`, innermost first. */
  leftOf(chain: readonly Boundary[], n: number): Side {
    return this.cut(this.left, chain, n, () => side(chain.slice(0, n)));
  }

  /** The first `n` boundaries of `chain`, outermost first. */
  enteredOf(chain: readonly Boundary[], n: number): Side {
    return this.cut(this.entered, chain, n, () => side(chain.slice(0, n).reverse()));
  }

  label(kind: CrossingKind, left: Side, entered: Side): string {
    let byEntered = this.labels.get(left);
    if (byEntered === undefined) {
      byEntered = new Map();
      this.labels.set(left, byEntered);
    }
    let byKind = byEntered.get(entered);
    if (byKind === undefined) {
      byKind = new Map();
      byEntered.set(entered, byKind);
    }
    let label = byKind.get(kind);
    if (label === undefined) {
      label = KIND_LABELS[kind];
      if (left.ids.length && entered.ids.length) label = [label, ' (leaves ', left.names, '; enters ', entered.names, ')'].join('');
      else if (left.ids.length) label = [label, ' (leaves ', left.names, ')'].join('');
      else if (entered.ids.length) label = [label, ' (enters ', entered.names, ')'].join('');
      byKind.set(kind, label);
    }
    return label;
  }

  private cut(sides: Map<readonly Boundary[], Array<Side | undefined>>, chain: readonly Boundary[], n: number, make: () => Side): Side {
    let byLength = sides.get(chain);
    if (byLength === undefined) {
      byLength = new Array<Side | undefined>(chain.length + 1);
      sides.set(chain, byLength);
    }
    return (byLength[n] ??= make());
  }
}

/** The crossing of the flow whose ends sit at element positions `s` and `t` (-1 when unknown). */
function flowCrossing(graph: ModelGraph, sides: Sides, flow: Flow, s: number, t: number): Crossing | undefined {
  const a = graph.boundaryChainAt(s);
  const b = graph.boundaryChainAt(t);
  // Elements of one boundary share its chain: such a flow leaves and enters nothing, between equal trust.
  if (a === b && a.length > 0) return undefined;
  const [lcaIndexA, lcaIndexB] = lowestCommon(a, b);
  const left = sides.leftOf(a, lcaIndexA < 0 ? a.length : lcaIndexA);
  const entered = sides.enteredOf(b, lcaIndexB < 0 ? b.length : lcaIndexB);
  const fromTrust = graph.trustAt(s);
  const toTrust = graph.trustAt(t);
  // Two elements outside every boundary still sit in different implicit zones when their trust differs
  // (a user on the internet calling our unzoned service).
  if (left.ids.length === 0 && entered.ids.length === 0 && fromTrust === toTrust) return undefined;
  const kind = classify(graph, s, t, entered.boundaries);
  return {
    flow: flow.id, from: flow.from, to: flow.to, left: left.ids, entered: entered.ids, fromTrust, toTrust, kind, label: sides.label(kind, left, entered),
    auth: crossingAuthMethod(graph, flow),
  };
}

export function findCrossings(graph: ModelGraph): Crossing[] {
  const out: Crossing[] = [];
  const { flows } = graph.model;
  const sides = new Sides();
  for (let k = 0; k < flows.length; k++) {
    const c = flowCrossing(graph, sides, flows[k], graph.flowSource[k], graph.flowTarget[k]);
    if (c) out.push(c);
  }
  return out;
}
