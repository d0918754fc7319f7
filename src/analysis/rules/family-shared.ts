// Per-model facts the rule families ask about every element or flow, computed once per analysis in one pass
// over element positions: a check then answers "not this one" with an array read instead of a walk.
import type { Asset, Element, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { cached, isBrowser } from './facts.js';

/** A fact per element, by its position in `model.elements`. */
export type ByPosition = Uint8Array;

/** Whether the element is a browser (asked of the source of every flow). */
export const browsersAt = (ctx: AnalysisContext): ByPosition =>
  cached(ctx, 'family:browsers', () => {
    const elements = ctx.graph.model.elements;
    const at = new Uint8Array(elements.length);
    for (let i = 0; i < elements.length; i++) if (isBrowser(elements[i])) at[i] = 1;
    return at;
  });

/**
 * Elements that browsers send requests to, directly or through edge components: the same answer as
 * `reachedByBrowsers` (a browser among the element's origins), found forwards from the few browsers
 * instead of backwards from every element.
 */
export const browserReachedAt = (ctx: AnalysisContext): ByPosition =>
  cached(ctx, 'family:browser-reached', () => {
    const { graph } = ctx;
    const elements = graph.model.elements;
    const browser = browsersAt(ctx);
    const reached = new Uint8Array(elements.length);
    const visited = new Int32Array(elements.length).fill(-1);
    const queue: number[] = [];
    for (let b = 0; b < elements.length; b++) {
      // An edge component is looked through, never an origin itself, even with a browser trait.
      if (browser[b] === 0 || isPassThrough(elements[b])) continue;
      queue.length = 0;
      queue.push(b);
      visited[b] = b;
      for (let head = 0; head < queue.length; head++) {
        for (const f of graph.outFlows(elements[queue[head]].id)) {
          const t = graph.positionOf(f.to);
          if (t < 0 || t === b) continue;
          reached[t] = 1;
          if (visited[t] !== b && isPassThrough(elements[t])) {
            visited[t] = b;
            queue.push(t);
          }
        }
      }
    }
    return reached;
  });

/** Whether browsers send this element requests (with their cookies), directly or through edge components. */
export const browserReached = (ctx: AnalysisContext, e: Element): boolean => {
  const i = ctx.graph.positionOf(e.id);
  return i >= 0 && browserReachedAt(ctx)[i] === 1;
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

/** A flow and the element it reaches. */
export interface FlowTarget {
  flow: Flow;
  target: Element;
}

/**
 * Per source element (by position), its flows to targets that `pick` accepts, in model order (self-flows
 * aside unless `withSelf`): one pass over the flows per analysis, under `name`, with `pick` asked once per
 * target. Rules that ask every exposed process about its targets of one kind then read a slot.
 */
export function flowsToTargets(
  ctx: AnalysisContext,
  name: string,
  pick: (target: Element) => boolean,
  withSelf = false,
): readonly (FlowTarget[] | undefined)[] {
  return cached(ctx, `family:flows-to:${name}`, () => {
    const { graph } = ctx;
    const { elements, flows } = graph.model;
    const bySource: (FlowTarget[] | undefined)[] = new Array(elements.length);
    const picked = new Uint8Array(elements.length); // 0 not asked yet, 1 no, 2 yes
    for (let k = 0; k < flows.length; k++) {
      const s = graph.flowSource[k];
      const t = graph.flowTarget[k];
      if (s < 0 || t < 0 || (s === t && !withSelf)) continue;
      if (picked[t] === 0) picked[t] = pick(elements[t]) ? 2 : 1;
      if (picked[t] === 2) (bySource[s] ??= []).push({ flow: flows[k], target: elements[t] });
    }
    return bySource;
  });
}

/** The slot of `flowsToTargets` for one element. */
export function targetsFrom(table: readonly (FlowTarget[] | undefined)[], ctx: AnalysisContext, e: Element): FlowTarget[] | undefined {
  const i = ctx.graph.positionOf(e.id);
  return i < 0 ? undefined : table[i];
}
