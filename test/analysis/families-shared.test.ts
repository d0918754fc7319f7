// The per-model facts of family-shared.ts give the same answers as their plain definitions: a walk back
// from each element through edge components, a filter of its outgoing flows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { type AnalysisContext, buildContext, isPassThrough } from '../../src/analysis/context.js';
import { browsesTheWeb } from '../../src/analysis/rules/facts.js';
import {
  AssetSet, browserOriginsOf, browserReached, byLocale, targetKind, targetsOfKind,
} from '../../src/analysis/rules/family-shared.js';
import { generateModelText } from '../../src/model/generate.js';
import { buildGraph } from '../../src/model/graph.js';
import { loadModel } from '../../src/model/load.js';
import type { Element, Flow } from '../../src/model/types.js';

function contextOf(text: string): AnalysisContext {
  const loaded = loadModel(text, 'model.yaml');
  assert.ok(loaded.model, 'the model loads');
  const graph = buildGraph(loaded.model);
  return buildContext(graph, findCrossings(graph));
}

// Edge components in a cycle, a browser behind a CDN, an edge component with a browser trait, self-flows.
const EDGES = `threatmap: 1
system: { name: Edges }
boundaries:
  internet: { name: Internet, trust: untrusted }
  app: { name: App, trust: internal }
elements:
  Browser: { tech: browser, in: internet }
  b-2: { tech: browser, in: internet }
  odd: { type: cdn, tech: browser, in: internet }
  cdn: { tech: cloudfront, in: app }
  lb: { tech: alb, in: app }
  api: { type: api, in: app }
  db: { tech: postgres, in: app }
  logs: { type: logs, in: app }
flows:
  - Browser -> cdn: https
  - cdn -> lb: https
  - lb -> cdn: https
  - lb -> api: https
  - b-2 -> api: https
  - odd -> db: https
  - api -> api: ipc
  - api -> db: sql
  - api -> logs: https
  - lb -> logs: https
`;

/** The definition: every element whose requests reach `id`, looking through edge components, sorted by id. */
function plainOrigins(ctx: AnalysisContext, id: string): Element[] {
  const out = new Map<string, Element>();
  const seen = new Set<string>([id]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const f of ctx.graph.inFlows(queue[i])) {
      if (seen.has(f.from)) continue;
      seen.add(f.from);
      const src = ctx.graph.elements.get(f.from);
      if (!src) continue;
      if (isPassThrough(src)) queue.push(src.id);
      else out.set(src.id, src);
    }
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The definition: the flows out of `e` (not to itself) whose target is picked, in model order. */
const plainTargets = (ctx: AnalysisContext, e: Element, pick: (t: Element) => boolean): Flow[] =>
  ctx.graph.outFlows(e.id).filter((f) => {
    const target = ctx.graph.elements.get(f.to);
    return f.to !== e.id && target !== undefined && pick(target);
  });

const models = [EDGES, generateModelText({ elements: 400, seed: 21 }), generateModelText({ elements: 900, seed: 22 })];
const WRITES_LOGS = targetKind((t) => t.type === 'logs');

describe('family-shared facts', () => {
  it('finds the browsers that reach an element as the walk back from it does', () => {
    for (const text of models) {
      const ctx = contextOf(text);
      for (const e of ctx.graph.model.elements) {
        const expected = plainOrigins(ctx, e.id).filter((o) => browsesTheWeb(ctx, o)).map((b) => b.id);
        assert.equal(browserReached(ctx, e), expected.length > 0, e.id);
        const found = [...(browserOriginsOf(ctx, e) ?? [])].map((b) => b.id).sort(byLocale);
        assert.deepEqual(found, expected, e.id);
      }
    }
  });

  it('lists the flows to targets of a kind as a filter of the outgoing flows does', () => {
    for (const text of models) {
      const ctx = contextOf(text);
      for (const e of ctx.graph.model.elements) {
        const expected = plainTargets(ctx, e, (t) => t.type === 'logs');
        assert.deepEqual(targetsOfKind(ctx, WRITES_LOGS, e) ?? [], expected, e.id);
      }
    }
  });

  it('sorts as localeCompare does', () => {
    const keys = ['b', 'B', 'a-1', 'a_1', 'a.1', 'a:1', '\u0000a', 'A1', '10', '9'];
    assert.deepEqual([...keys].sort(byLocale), [...keys].sort((a, b) => a.localeCompare(b)));
  });

  it('keeps each asset once, in first-seen order', () => {
    const ctx = contextOf(models[1]);
    const [a, b] = ctx.graph.model.assets;
    const set = new AssetSet();
    set.addAll([b, a, b]);
    set.add(a);
    assert.deepEqual(set.list, [b, a]);
  });
});
