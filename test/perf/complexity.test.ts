// Complexity guards without timings: count the work done (rule invocations, reads of the model's and the
// result's lists) on a model and on one four times its size. Linear work grows about 4x; a rule or a
// renderer that scans every element for every element grows 16x and fails here long before anyone
// notices a slow CI run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { buildContext } from '../../src/analysis/context.js';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { attackPaths } from '../../src/analysis/paths.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { generateModelText } from '../../src/model/generate.js';
import { buildGraph } from '../../src/model/graph.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderHtml } from '../../src/render/html.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderSarif } from '../../src/render/sarif.js';
import { buildDiagram } from '../../src/render/diagram/index.js';

const SMALL = 250;
const LARGE = 1000;
/** Linear work grows by LARGE/SMALL = 4; allow for n log n and for the models not being exact scalings. */
const MAX_GROWTH = 6.5;

function load(n: number): Model {
  const loaded = loadModel(generateModelText({ elements: n, seed: 4 }), `g${n}.yaml`);
  assert.ok(loaded.model, `generated model of ${n} elements loads`);
  return loaded.model;
}

/** A counter of reads by index (loops, map/filter, spreads all read through it) on arrays wrapped by `watch`. */
function reads() {
  const counter = { n: 0 };
  const watch = <T>(list: T[]): T[] => new Proxy(list, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop.length > 0 && prop.charCodeAt(0) >= 48 && prop.charCodeAt(0) <= 57) counter.n++;
      return Reflect.get(target, prop, receiver);
    },
  });
  return { counter, watch };
}

function watchedModel(model: Model, watch: <T>(list: T[]) => T[]): Model {
  return {
    ...model,
    elements: watch(model.elements),
    flows: watch(model.flows),
    boundaries: watch(model.boundaries),
    assets: watch(model.assets),
    assumptions: watch(model.assumptions),
  };
}

function growth(measure: (model: Model) => number): { small: number; large: number; ratio: number } {
  const small = measure(load(SMALL));
  const large = measure(load(LARGE));
  return { small, large, ratio: large / small };
}

const models = new Map<number, Model>();
const cached = (n: number) => models.get(n) ?? (models.set(n, load(n)), models.get(n)!);

describe('work grows linearly with the model', () => {
  it('offers each rule only what it applies to (rule invocations)', () => {
    const measure = (model: Model) => {
      let calls = 0;
      const counted = BUILTIN_RULES.map((rule) => ({
        ...rule,
        check: (...args: unknown[]) => {
          calls++;
          return (rule.check as (...a: unknown[]) => unknown)(...args);
        },
      })) as unknown as Rule[];
      analyze(model, { rules: counted });
      return calls;
    };
    const g = { small: measure(cached(SMALL)), large: measure(cached(LARGE)) };
    assert.ok(g.large / g.small < MAX_GROWTH, `rule invocations grew ${g.small} -> ${g.large}`);
  });

  it('reads the model\'s lists a bounded number of times per element (analysis, rules included)', () => {
    const measure = (model: Model) => {
      const { counter, watch } = reads();
      analyze(watchedModel(model, watch));
      return counter.n;
    };
    const small = measure(cached(SMALL));
    const large = measure(cached(LARGE));
    assert.ok(large / small < MAX_GROWTH, `reads of model lists grew ${small} -> ${large} (x${(large / small).toFixed(1)})`);
  });

  for (const rule of BUILTIN_RULES) {
    it(`rule ${rule.id} does linear work`, () => {
      const measure = (model: Model) => {
        const { counter, watch } = reads();
        analyze(watchedModel(model, watch), { rules: [rule] });
        return counter.n;
      };
      const small = measure(cached(SMALL));
      const large = measure(cached(LARGE));
      assert.ok(large <= Math.max(MAX_GROWTH * small, 50 * LARGE), `${rule.id}: reads of model lists grew ${small} -> ${large} (x${(large / small).toFixed(1)})`);
    });
  }

  it('finds the attack paths in linear work (reads of the model\'s lists and of the threats)', () => {
    const measure = (model: Model) => {
      const { threats } = analyze(model);
      const { counter, watch } = reads();
      const graph = buildGraph(watchedModel(model, watch));
      const ctx = buildContext(graph, findCrossings(graph));
      const elementAt = Int32Array.from(threats, (t) => graph.positionOf(t.component));
      counter.n = 0;
      const { paths } = attackPaths(ctx, watch([...threats]), elementAt);
      assert.ok(paths.length > 0);
      return counter.n;
    };
    const small = measure(cached(SMALL));
    const large = measure(cached(LARGE));
    assert.ok(large / small < MAX_GROWTH, `reads grew ${small} -> ${large} (x${(large / small).toFixed(1)})`);
  });

  it('renders the report, JSON, SARIF, HTML, CSV and the diagram model in linear work', () => {
    const measure = (model: Model) => {
      const result = analyze(model);
      const { counter, watch } = reads();
      const watched: AnalysisResult = {
        ...result,
        elements: watch(result.elements),
        flows: watch(result.flows),
        boundaries: watch(result.boundaries),
        assets: watch(result.assets),
        crossings: watch(result.crossings),
        threats: watch(result.threats),
        coverage: watch(result.coverage),
        attackSurface: watch(result.attackSurface),
        attackPaths: {
          entries: watch(result.attackPaths.entries),
          paths: watch(result.attackPaths.paths),
          unreachable: watch(result.attackPaths.unreachable),
        },
        recommendations: watch(result.recommendations),
      };
      renderMarkdown(watched);
      renderJson(watched);
      renderSarif(watched);
      renderHtml(watched);
      renderCsv(watched);
      buildDiagram(watched);
      buildDiagram(watched, { detail: 'boundaries' });
      return counter.n;
    };
    const small = measure(cached(SMALL));
    const large = measure(cached(LARGE));
    assert.ok(large / small < MAX_GROWTH, `reads of result lists grew ${small} -> ${large} (x${(large / small).toFixed(1)})`);
  });
});

describe('perimeter controls', () => {
  it('reach every element behind an edge control, around cycles and in any model order', () => {
    // The services call each other in a cycle and come before the gateway in the file; an earlier version
    // either missed the gateway's WAF here or, on larger models, never finished.
    const text = `threatmap: 1
system: { name: Cycle }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
elements:
  b: { kind: process, in: app }
  a: { kind: process, in: app }
  gw: { type: gateway, in: app, controls: [waf] }
  user: { type: user, in: internet }
flows:
  - user -> gw: https
  - gw -> a: https
  - a -> b: https
  - b -> a: https
`;
    const loaded = loadModel(text, 'cycle.yaml');
    assert.ok(loaded.model, JSON.stringify(loaded.diagnostics));
    const graph = buildGraph(loaded.model);
    const ctx = buildContext(graph, findCrossings(graph));
    for (const id of ['gw', 'a', 'b']) assert.deepEqual([...ctx.perimeterControls(id)], ['waf'], id);
  });

  it('finish on large generated models full of cycles', () => {
    const model = cached(LARGE);
    const graph = buildGraph(model);
    const ctx = buildContext(graph, findCrossings(graph));
    assert.ok(model.elements.some((e) => ctx.perimeterControls(e.id).size > 0));
  });
});

void growth;
