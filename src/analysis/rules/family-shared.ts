// Per-model facts the rule families ask about every element or flow, computed once per analysis in one pass
// over element or flow positions: a check then answers "not this one" with an array read instead of a walk
// or a list. Only these families use them (facts.ts holds the facts all rules share).
import type { Asset, Element, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { browsesTheWeb, perElement } from './facts.js';

let slots = 0;
/**
 * A fact about the whole model, computed once per analysis by `compute` and kept in the context's `facts`
 * (so that a finished analysis can be collected) at a slot fixed when the module loads: asked for every
 * element, the question is then an array read, with no key to look up.
 */
export function perModel<T>(compute: (ctx: AnalysisContext) => T): (ctx: AnalysisContext) => T {
  const slot = slots++;
  return (ctx) => {
    let value = ctx.facts[slot] as T | undefined;
    if (value === undefined) {
      value = compute(ctx);
      ctx.facts[slot] = value;
    }
    return value;
  };
}

let collator: Intl.Collator | undefined;
/**
 * The order of `a.localeCompare(b, 'en')`, without the per-call collator lookup: group keys are sorted this way.
 * English, whatever the machine's language: reports must be byte-identical everywhere. Made on first use, as
 * making one loads the collation data.
 */
export const byLocale = (a: string, b: string): number => (collator ??= new Intl.Collator('en')).compare(a, b);

/** Whether each element (by its position in `model.elements`) is a browser: asked of the source of every flow. */
export const browsersAt: (ctx: AnalysisContext) => Uint8Array = perModel(findBrowsers);

function findBrowsers(ctx: AnalysisContext): Uint8Array {
  const elements = ctx.graph.model.elements;
  const at = new Uint8Array(elements.length);
  for (let i = 0; i < elements.length; i++) if (browsesTheWeb(ctx, elements[i])) at[i] = 1;
  return at;
}

/**
 * Per element (by position), the browsers that send it requests, directly or through edge components, in
 * no particular order: the browsers among its origins (`originsOf`), found forwards from the few browsers
 * instead of backwards from every element. Undefined where no browser reaches.
 */
const browserOriginsAt: (ctx: AnalysisContext) => readonly (Element[] | undefined)[] = perModel(findBrowserOrigins);

function findBrowserOrigins(ctx: AnalysisContext): (Element[] | undefined)[] {
  const { graph } = ctx;
  const elements = graph.model.elements;
  const browser = browsersAt(ctx);
  const { outStart, outFlow } = ctx.adjacency;
  const target = graph.flowTarget;
  const origins: (Element[] | undefined)[] = new Array(elements.length);
  // The last browser that reached each element, so that one browser counts once per element.
  const reachedBy = new Int32Array(elements.length).fill(-1);
  const visited = new Int32Array(elements.length).fill(-1);
  const queue: number[] = [];
  for (let b = 0; b < elements.length; b++) {
    // An edge component is looked through, never an origin itself, even with a browser trait.
    if (browser[b] === 0 || isPassThrough(elements[b])) continue;
    queue.length = 0;
    queue.push(b);
    visited[b] = b;
    for (let head = 0; head < queue.length; head++) {
      // Through the adjacency: each flow's target is a position already, with no lookup by id.
      const at = queue[head];
      for (let j = outStart[at]; j < outStart[at + 1]; j++) {
        const t = target[outFlow[j]];
        if (t === b) continue;
        if (reachedBy[t] !== b) {
          reachedBy[t] = b;
          (origins[t] ??= []).push(elements[b]);
        }
        if (visited[t] !== b && isPassThrough(elements[t])) {
          visited[t] = b;
          queue.push(t);
        }
      }
    }
  }
  return origins;
}

/** Whether browsers send this element requests (with their cookies), directly or through edge components. */
export const browserReached = (ctx: AnalysisContext, e: Element): boolean => browserOriginsOf(ctx, e) !== undefined;

/** The browsers that send this element requests, in no particular order (see `browserOriginsAt`). */
export const browserOriginsOf = (ctx: AnalysisContext, e: Element): readonly Element[] | undefined => {
  const i = ctx.graph.positionOf(e.id);
  return i < 0 ? undefined : browserOriginsAt(ctx)[i];
};

/**
 * Distinct assets in first-seen order. An asset impact depends only on which assets are at stake, so a
 * group of flows that carries the same asset many times is rated from each asset once.
 */
export class AssetSet {
  readonly list: Asset[] = [];
  private readonly seen = new Set<Asset>();

  add(a: Asset): void {
    if (this.seen.has(a)) return;
    this.seen.add(a);
    this.list.push(a);
  }

  addAll(assets: readonly Asset[]): void {
    for (let i = 0; i < assets.length; i++) this.add(assets[i]);
  }

  /** The assets a flow carries (as `assetsOfFlow`: its data in order, unknown ids skipped). */
  addFlow(ctx: AnalysisContext, f: Flow): void {
    for (let i = 0; i < f.data.length; i++) {
      const a = ctx.graph.assets.get(f.data[i]);
      if (a !== undefined) this.add(a);
    }
  }
}

/** A kind of target rules look for among an element's flows (databases, log stores, language models). */
export interface TargetKind {
  readonly bit: number;
  readonly pick: (target: Element) => boolean;
  /** Whether an element's flows to itself count. */
  readonly withSelf: boolean;
}

const targetKinds: TargetKind[] = [];

/** Declares a kind of target (at module load): all kinds are then found in one pass over the flows. */
export function targetKind(pick: (target: Element) => boolean, withSelf = false): TargetKind {
  if (targetKinds.length === 31) throw new Error('too many target kinds for one bit mask');
  const kind = { bit: 1 << targetKinds.length, pick, withSelf };
  targetKinds.push(kind);
  return kind;
}

type TargetTable = (Flow[] | undefined)[];

/**
 * Per kind, per source element (by position), its flows to targets of that kind in model order: one pass
 * over the flows per analysis, with each kind asked once per element. Rules that ask every exposed
 * process about its targets of one kind then read a slot. Every such flow's target is a known element.
 */
const targetTables: (ctx: AnalysisContext) => Map<TargetKind, TargetTable> = perModel(findTargets);

function findTargets(ctx: AnalysisContext): Map<TargetKind, TargetTable> {
  const { graph } = ctx;
  const { elements, flows } = graph.model;
  const kinds = targetKinds.slice();
  const mask = new Int32Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    let m = 0;
    for (let j = 0; j < kinds.length; j++) if (kinds[j].pick(elements[i])) m |= kinds[j].bit;
    mask[i] = m;
  }
  const lists: TargetTable[] = kinds.map(() => new Array(elements.length));
  for (let k = 0; k < flows.length; k++) {
    const s = graph.flowSource[k];
    const t = graph.flowTarget[k];
    if (s < 0 || t < 0 || mask[t] === 0) continue;
    for (let j = 0; j < kinds.length; j++) {
      if ((mask[t] & kinds[j].bit) === 0 || (s === t && !kinds[j].withSelf)) continue;
      (lists[j][s] ??= []).push(flows[k]);
    }
  }
  const tables = new Map<TargetKind, TargetTable>();
  for (let j = 0; j < kinds.length; j++) tables.set(kinds[j], lists[j]);
  return tables;
}

/** Per element (by position), its flows to targets of a kind, in model order; undefined where it has none. */
export const targetsByPosition = (ctx: AnalysisContext, kind: TargetKind): readonly (Flow[] | undefined)[] =>
  targetTables(ctx).get(kind)!;

/** The element's flows to targets of a kind, in model order; undefined when it has none. */
export function targetsOfKind(ctx: AnalysisContext, kind: TargetKind, e: Element): Flow[] | undefined {
  const i = ctx.graph.positionOf(e.id);
  return i < 0 ? undefined : targetsByPosition(ctx, kind)[i];
}

/** The element a flow of `targetsOfKind` reaches. */
export const targetOf = (ctx: AnalysisContext, f: Flow): Element => ctx.graph.elements.get(f.to)!;

/**
 * The flows into a target that a flow rule reports (`open`), in model order, found once per target and rule:
 * such a rule makes one finding per target at the first of them, naming them all (findings made per flow
 * would be merged by the engine under the first one's words).
 */
export function openFlowsInto(ctx: AnalysisContext, ruleId: string, target: string, open: (f: Flow) => boolean): readonly Flow[] {
  const table = perElement<readonly Flow[]>(ctx, `open-flows:${ruleId}`);
  let flows = table.get(target);
  if (flows === undefined) {
    flows = ctx.graph.inFlows(target).filter(open);
    table.set(target, flows);
  }
  return flows;
}

/** The names of the flows' targets, each once, in order: several flows often reach one target. */
export const targetNames = (ctx: AnalysisContext, flows: readonly Flow[]): string =>
  [...new Set(flows.map((f) => ctx.graph.elements.get(f.to)?.name ?? f.to))].sort().join(', ');
