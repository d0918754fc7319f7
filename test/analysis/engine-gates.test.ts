// Rule gates (`types` on element rules, `gate` on flow rules) let the engine skip a check: they must never
// hide a result, and the engine must offer a gated rule exactly the elements and flows its gate admits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { type AnalysisContext, buildContext } from '../../src/analysis/context.js';
import { runRules } from '../../src/analysis/engine.js';
import { callAuthMethod } from '../../src/analysis/rules/facts.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import type { ElementGate, ElementRule, FlowRule, Rule } from '../../src/analysis/rules/types.js';
import { generateModelText } from '../../src/model/generate.js';
import { buildGraph } from '../../src/model/graph.js';
import { loadModel } from '../../src/model/load.js';
import type { Element, Flow } from '../../src/model/types.js';
import { FIXTURES } from '../rules/fixtures.js';

function contextOf(text: string): AnalysisContext {
  const loaded = loadModel(text, 'model.yaml');
  assert.ok(loaded.model, 'the model loads');
  const graph = buildGraph(loaded.model);
  return buildContext(graph, findCrossings(graph));
}

// The gates written out plainly, as the rules' types say they are read.
const passes = (gate: ElementGate | undefined, e: Element | undefined): boolean =>
  gate === undefined ||
  (e !== undefined && (gate.kinds === undefined || gate.kinds.includes(e.kind)) &&
    (gate.types === undefined || (e.type !== undefined && gate.types.includes(e.type))));
const flowPasses = (rule: FlowRule, f: Flow, ctx: AnalysisContext): boolean =>
  (rule.gate?.auth === undefined || rule.gate.auth.includes(callAuthMethod(ctx.graph, f))) &&
  passes(rule.gate?.from, ctx.graph.elements.get(f.from)) && passes(rule.gate?.to, ctx.graph.elements.get(f.to));

const withFill = (model: string, fill: string | undefined) =>
  fill !== undefined ? model.replace('$C', fill) : model.replace(', $C', '').replace('$C', '');
const MODELS = [
  ...FIXTURES.flatMap((f) => [withFill(f.model, f.fill), f.model.replace('$C', f.control), ...(f.negatives ?? []).map((n) => n.model)]),
  ...['ecommerce', 'microservices', 'prelaunch'].map((name) => readFileSync(`examples/${name}.yaml`, 'utf8')),
  generateModelText({ elements: 600, seed: 5 }),
  generateModelText({ elements: 900, seed: 31 }),
];

const elementGated = BUILTIN_RULES.filter((r): r is ElementRule => r.appliesTo === 'element' && r.types !== undefined);
const flowGated = BUILTIN_RULES.filter((r): r is FlowRule => r.appliesTo === 'flow' && r.gate !== undefined);

describe('rule gates', () => {
  it('are declared by the rules that begin by asking for a type, an auth or the kinds of a flow\'s ends', () => {
    assert.ok(elementGated.length >= 10, `${elementGated.length} element rules with types`);
    assert.ok(flowGated.length >= 6, `${flowGated.length} flow rules with gates`);
  });

  it('never hide a result: a check finds nothing on what its gate leaves out', () => {
    let skipped = 0;
    for (const text of MODELS) {
      const ctx = contextOf(text);
      for (const rule of elementGated) {
        for (const e of ctx.graph.model.elements) {
          if (!rule.kinds.includes(e.kind) || passes({ types: rule.types }, e)) continue;
          skipped++;
          assert.equal(rule.check(e, ctx), undefined, `${rule.id} on ${e.id} (${e.type})`);
        }
      }
      for (const rule of flowGated) {
        for (const f of ctx.graph.model.flows) {
          if (flowPasses(rule, f, ctx)) continue;
          skipped++;
          assert.equal(rule.check(f, ctx), undefined, `${rule.id} on ${f.id}`);
        }
      }
    }
    assert.ok(skipped > 10_000, `${skipped} gated-out checks`);
  });

  it('are what the engine offers a rule: exactly the admitted elements and flows, in model order', () => {
    const ctx = contextOf(generateModelText({ elements: 500, seed: 9 }));
    const { elements, flows } = ctx.graph.model;
    const seen = new Map<string, string[]>();
    const note = (id: string, what: string) => {
      const list = seen.get(id);
      if (list) list.push(what);
      else seen.set(id, [what]);
    };
    // The built-in gates on rules that find nothing, so that the run records only whom they were offered.
    const spies: Rule[] = [
      ...elementGated.map((r): ElementRule => ({ ...r, check: (e) => void note(r.id, e.id) })),
      ...flowGated.map((r): FlowRule => ({ ...r, check: (f) => void note(r.id, f.id) })),
    ];
    runRules(ctx, spies);
    for (const r of elementGated) {
      const expected = elements.filter((e) => r.kinds.includes(e.kind) && passes({ types: r.types }, e)).map((e) => e.id);
      assert.deepEqual(seen.get(r.id) ?? [], expected, r.id);
    }
    for (const r of flowGated) {
      assert.deepEqual(seen.get(r.id) ?? [], flows.filter((f) => flowPasses(r, f, ctx)).map((f) => f.id), r.id);
    }
    assert.ok([...seen.values()].some((list) => list.length > 0), 'some gate admits something');
  });

  it('leave a rule without a gate offered everything of its kind', () => {
    const ctx = contextOf(generateModelText({ elements: 200, seed: 3 }));
    const offered: string[] = [];
    const plain: FlowRule = { ...flowGated[0], gate: undefined, check: (f) => void offered.push(f.id) };
    runRules(ctx, [plain]);
    assert.deepEqual(offered, ctx.graph.model.flows.map((f) => f.id));
  });
});
