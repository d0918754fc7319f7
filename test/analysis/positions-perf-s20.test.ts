// The position-taking questions of the analysis context and rule helpers give the answers of their by-id
// forms: rules that hold a position (from the adjacency or a loop over elements) ask them to skip a lookup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { type AnalysisContext, buildContext } from '../../src/analysis/context.js';
import { inUntrustedZone, untrustedZoneAt } from '../../src/analysis/rules/helpers.js';
import { generateModelText } from '../../src/model/generate.js';
import { buildGraph } from '../../src/model/graph.js';
import { loadModel } from '../../src/model/load.js';

function contextOf(text: string): AnalysisContext {
  const loaded = loadModel(text, 'model.yaml');
  assert.ok(loaded.model, 'the model loads');
  const graph = buildGraph(loaded.model);
  return buildContext(graph, findCrossings(graph));
}

const SMALL = `threatmap: 1
system: { name: Positions }
boundaries:
  internet: { name: Internet, trust: untrusted }
  app: { name: App, trust: internal }
elements:
  visitor: { tech: browser, in: internet }
  partner: { kind: external, in: internet }
  lb: { tech: alb, in: app }
  api: { type: api, in: app }
  worker: { type: worker, in: app }
  edge: { type: api, in: app, exposed: true }
flows:
  - visitor -> lb: https
  - lb -> api: http
  - api -> worker: amqp
  - partner -> edge: https
`;

describe('position-taking context questions (perf-s20)', () => {
  it('exposureAt and untrustedSourceAt agree with exposure and isUntrustedSource on every element', () => {
    for (const text of [SMALL, generateModelText({ elements: 300, seed: 7 })]) {
      const ctx = contextOf(text);
      const { elements } = ctx.graph.model;
      for (let i = 0; i < elements.length; i++) {
        assert.equal(ctx.exposureAt(i), ctx.exposure(elements[i].id), elements[i].id);
        assert.equal(ctx.untrustedSourceAt(i), ctx.isUntrustedSource(elements[i].id), elements[i].id);
      }
    }
  });

  it('answers by position as the model says: the internet reaches api through the load balancer, not the worker', () => {
    const ctx = contextOf(SMALL);
    const at = (id: string) => ctx.graph.positionOf(id);
    assert.equal(ctx.exposureAt(at('api')), 'internet');
    assert.equal(ctx.exposureAt(at('worker')), 'indirect');
    assert.equal(ctx.untrustedSourceAt(at('visitor')), true);
    // An element of ours with a public address is an untrusted source, but not in an untrusted zone.
    assert.equal(ctx.untrustedSourceAt(at('edge')), true);
    assert.equal(untrustedZoneAt(ctx, at('edge')), false);
    assert.equal(ctx.untrustedSourceAt(at('api')), false);
  });

  it('untrustedZoneAt agrees with inUntrustedZone, and an unknown position (-1) is no untrusted zone', () => {
    const ctx = contextOf(SMALL);
    for (const e of ctx.graph.model.elements) assert.equal(untrustedZoneAt(ctx, ctx.graph.positionOf(e.id)), inUntrustedZone(ctx, e.id), e.id);
    assert.equal(untrustedZoneAt(ctx, ctx.graph.positionOf('visitor')), true);
    assert.equal(untrustedZoneAt(ctx, -1), false);
    assert.equal(inUntrustedZone(ctx, 'no-such-element'), false);
  });
});
