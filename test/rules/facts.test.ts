// The shared rule facts are computed over positions and memoised on the context: they must answer exactly
// what the plain definitions (a search by id, sets and sorts) answer, on generated models with edge
// components, brokers and cycles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { type AnalysisContext, buildContext } from '../../src/analysis/context.js';
import { assetNames, consumersOf, producersOf } from '../../src/analysis/rules/facts.js';
import { missingControlEvidence, onlyReachableThrough } from '../../src/analysis/rules/helpers.js';
import { generateModelText } from '../../src/model/generate.js';
import { buildGraph } from '../../src/model/graph.js';
import type { Asset, Element } from '../../src/model/types.js';
import { loadText } from './harness.js';

function contextOf(seed: number): AnalysisContext {
  const { model } = loadText(generateModelText({ elements: 400, seed }), `g${seed}.yaml`);
  const graph = buildGraph(model);
  return buildContext(graph, findCrossings(graph));
}

describe('rule facts', () => {
  for (const seed of [1, 2, 3]) {
    it(`agree with their plain definitions (generated model, seed ${seed})`, () => {
      const ctx = contextOf(seed);
      for (const e of ctx.graph.model.elements) {
        const producers = ctx.graph.inFlows(e.id).map((f) => ctx.graph.elements.get(f.from)).filter((x) => x !== undefined && x.id !== e.id);
        const consumers = ctx.graph.outFlows(e.id).map((f) => ctx.graph.elements.get(f.to)).filter((x) => x !== undefined && x.id !== e.id);
        assert.deepEqual(producersOf(ctx, e), producers, e.id);
        assert.deepEqual(consumersOf(ctx, e), consumers, e.id);
        const assets = ctx.assetsOf(e.id);
        assert.equal(assetNames(assets), [...new Set(assets.map((a) => a.name))].sort().join(', '), e.id);
      }
      for (const f of ctx.graph.model.flows) {
        assert.deepEqual(ctx.assetsOfFlow(f), f.data.map((id) => ctx.graph.assets.get(id)).filter((a) => a !== undefined), f.id);
      }
    });
  }

  it('name assets once each, sorted, however often they repeat', () => {
    const asset = (name: string) => ({ name }) as Asset;
    assert.equal(assetNames([]), '');
    assert.equal(assetNames([asset('b'), asset('b')]), 'b');
    assert.equal(assetNames([asset('b'), asset('a')]), 'a, b');
    assert.equal(assetNames([asset('c'), asset('a'), asset('c'), asset('B'), asset('a')]), 'B, a, c');
  });

  it('word control lists the same whether shared or made per call', () => {
    const element = { name: 'API', at: ['elements', 'api'] } as unknown as Element;
    const controls = ['waf', 'rate-limiting'] as const;
    assert.equal(missingControlEvidence(controls, element).fact, 'no waf or rate-limiting on API or in front of it');
    assert.equal(missingControlEvidence(controls, element).fact, 'no waf or rate-limiting on API or in front of it');
    assert.equal(missingControlEvidence([...controls], element).fact, 'no waf or rate-limiting on API or in front of it');
    assert.equal(onlyReachableThrough(['waf']), 'only reachable through waf');
    assert.equal(onlyReachableThrough(['my-own-control']), 'only reachable through my-own-control');
    assert.equal(onlyReachableThrough(['waf', 'vpn']), 'only reachable through waf or vpn');
  });
});
