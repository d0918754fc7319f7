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
import { FIXTURES } from '../rules/fixtures.js';
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

/**
 * Iterations counted while a rule's check runs: steps of every array, Map and Set iterator (for-of, spreads,
 * Array.from) and every callback of the array methods that walk a list. The reads counter above only sees the
 * model's own lists; a rule that walks `ctx.graph.elements` for every element it checks is quadratic all the same.
 */
const iterations = { n: 0, depth: 0 };

function countIterations(): void {
  const counted = (proto: { next: () => unknown }) => {
    const next = proto.next;
    proto.next = function (this: unknown) {
      if (iterations.depth > 0) iterations.n++;
      return next.call(this);
    };
  };
  counted(Object.getPrototypeOf([][Symbol.iterator]()));
  counted(Object.getPrototypeOf(new Map()[Symbol.iterator]()));
  counted(Object.getPrototypeOf(new Set()[Symbol.iterator]()));
  const walking = ['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'reduce', 'flatMap'] as const;
  const arrayProto = Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of walking) {
    const original = arrayProto[name];
    arrayProto[name] = function (this: unknown[], fn: unknown, ...rest: unknown[]) {
      if (iterations.depth === 0 || typeof fn !== 'function') return original.call(this, fn, ...rest);
      const step = fn as (...a: unknown[]) => unknown;
      return original.call(this, function (this: unknown, ...a: unknown[]) {
        iterations.n++;
        return step.apply(this, a);
      }, ...rest);
    };
  }
  for (const name of ['includes', 'indexOf'] as const) {
    const original = arrayProto[name];
    arrayProto[name] = function (this: unknown[], ...args: unknown[]) {
      if (iterations.depth > 0) iterations.n += this.length;
      return original.apply(this, args);
    };
  }
}
countIterations();

/** The rule with its check counted (nested checks, such as one rule asking another, count once). */
function counting(rule: Rule): Rule {
  const check = rule.check as (...a: unknown[]) => unknown;
  return {
    ...rule,
    check: (...args: unknown[]) => {
      iterations.depth++;
      try {
        return check(...args);
      } finally {
        iterations.depth--;
      }
    },
  } as unknown as Rule;
}

/** A fixture's model as the rule tests use it: the positive variant, with every fact the rule needs. */
const positiveText = (model: string, fill: string | undefined) =>
  fill !== undefined ? model.replace('$C', fill) : model.replace(', $C', '').replace('$C', '');

/** The same model with every id prefixed, so that copies of it sit side by side in one model. */
function prefixed(model: Model, p: string): Pick<Model, 'boundaries' | 'assets' | 'elements' | 'flows' | 'assumptions'> {
  const id = (x: string) => p + x;
  const ids = (xs: string[]) => xs.map(id);
  return {
    boundaries: model.boundaries.map((b) => ({ ...b, id: id(b.id), parent: b.parent && id(b.parent), controls: [...b.controls] })),
    assets: model.assets.map((a) => ({ ...a, id: id(a.id) })),
    elements: model.elements.map((e) => ({
      ...e, id: id(e.id), boundary: e.boundary && id(e.boundary), handles: ids(e.handles), stores: ids(e.stores),
      endpoints: e.endpoints.map((ep) => ({
        ...ep, id: id(ep.id), element: id(ep.element), callers: ep.callers && ids(ep.callers), accepts: ids(ep.accepts), returns: ids(ep.returns),
      })),
    })),
    flows: model.flows.map((f) => ({ ...f, id: id(f.id), from: id(f.from), to: id(f.to), data: ids(f.data), endpoint: f.endpoint && id(f.endpoint) })),
    assumptions: model.assumptions.map((a) => ({ ...a, elements: ids(a.elements) })),
  };
}

/**
 * Every rule's positive fixture, `copies` times over, in one model. The generated models hold no LLM agents,
 * device fleets or single-page apps, so a rule whose work only starts on such elements looks linear there; here
 * each rule has something to report in every copy, and a scan of all elements per matching element grows with
 * the square of the copies.
 */
function tiledFixtures(copies: number): Model {
  const parts = FIXTURES.map((f, i) => {
    const loaded = loadModel(positiveText(f.model, f.fill), `fixture-${f.rule}.yaml`);
    assert.ok(loaded.model, `${f.rule}'s fixture loads`);
    return { model: loaded.model, name: `f${i}` };
  });
  const tiled: Model = { ...parts[0].model, file: `tiled-${copies}.yaml`, boundaries: [], assets: [], elements: [], flows: [], assumptions: [], threats: [] };
  for (let c = 0; c < copies; c++) {
    for (const { model, name } of parts) {
      const copy = prefixed(model, `${name}c${c}-`);
      tiled.boundaries.push(...copy.boundaries);
      tiled.assets.push(...copy.assets);
      tiled.elements.push(...copy.elements);
      tiled.flows.push(...copy.flows);
      tiled.assumptions.push(...copy.assumptions);
    }
  }
  return tiled;
}

describe('work grows linearly on models where every rule fires', () => {
  const small = tiledFixtures(2);
  const large = tiledFixtures(8);

  it('the tiled model reports every fixture\'s rule', () => {
    // Once at least: some findings gather every copy into one (the same credential name, one per system).
    const found = new Set(analyze(small).threats.map((t) => t.ruleId));
    assert.deepEqual([...new Set(FIXTURES.map((f) => f.rule))].filter((rule) => !found.has(rule)), [], 'rules that report nothing');
  });

  /** Iterations while `work` runs, everything counted (not only inside rules). */
  const iterating = (work: () => unknown) => {
    iterations.n = 0;
    iterations.depth++;
    try {
      work();
    } finally {
      iterations.depth--;
    }
    return iterations.n;
  };

  it('analyses (context, rules, risk, coverage, attack paths) and writes reports in linear iterations', () => {
    const results = [analyze(small), analyze(large)];
    // The ASCII and SVG diagrams switch to a boundary overview past a readable size, so the two models would be
    // drawn differently; the renderers' reads are guarded on generated models above, their iterations here.
    const stages: Record<string, (m: Model, r: AnalysisResult) => unknown> = {
      analyze: (m) => analyze(m),
      'markdown (full)': (_, r) => renderMarkdown(r, { diagram: 'mermaid', details: 'full' }),
      'markdown (grouped)': (_, r) => renderMarkdown(r, { diagram: 'mermaid', details: 'grouped' }),
      json: (_, r) => renderJson(r),
      sarif: (_, r) => renderSarif(r),
      csv: (_, r) => renderCsv(r),
    };
    for (const [stage, work] of Object.entries(stages)) {
      const s = iterating(() => work(small, results[0]));
      const l = iterating(() => work(large, results[1]));
      assert.ok(l <= Math.max(MAX_GROWTH * s, 1000), `${stage}: iterations grew ${s} -> ${l} (x${(l / s).toFixed(1)})`);
    }
  });

  for (const rule of BUILTIN_RULES) {
    it(`rule ${rule.id} does linear work where it fires`, () => {
      const measure = (model: Model) => {
        const { counter, watch } = reads();
        analyze(watchedModel(model, watch), { rules: [rule] });
        return counter.n;
      };
      const s = measure(small);
      const l = measure(large);
      assert.ok(l / s < MAX_GROWTH, `${rule.id}: reads of model lists grew ${s} -> ${l} (x${(l / s).toFixed(1)})`);
    });

    it(`rule ${rule.id} iterates linearly where it fires (the graph's maps and lists included)`, () => {
      const measure = (model: Model) => {
        iterations.n = 0;
        analyze(model, { rules: [counting(rule)] });
        return iterations.n;
      };
      const s = measure(small);
      const l = measure(large);
      assert.ok(l <= Math.max(MAX_GROWTH * s, 20 * FIXTURES.length), `${rule.id}: iterations grew ${s} -> ${l} (x${(l / s).toFixed(1)})`);
    });
  }
});

void growth;
