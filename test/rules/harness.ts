// Loads fixture models and runs rules on them, for the rule tester.
import { analyze, type AnalyzeOptions } from '../../src/analysis/analyze.js';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { type RuleRun, runRules } from '../../src/analysis/engine.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { buildGraph } from '../../src/model/graph.js';
import { loadModel } from '../../src/model/load.js';
import type { Model, SourceMap } from '../../src/model/types.js';

export interface Loaded {
  model: Model;
  source: SourceMap;
}

export function loadText(text: string, file = 'fixture.yaml'): Loaded {
  const loaded = loadModel(text, file);
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    throw new Error(`${file} does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${text}`);
  }
  return { model: loaded.model, source: loaded.source };
}

export function analyzeText(text: string, options: Omit<AnalyzeOptions, 'source'> = {}, file = 'fixture.yaml'): AnalysisResult {
  const { model, source } = loadText(text, file);
  return analyze(model, { ...options, source });
}

/** The start every small model of the rule tests shares: format version and a system name. */
export const MODEL_HEAD = 'threatmap: 1\nsystem: { name: X }\n';

/** The coverage cell of a component for one STRIDE letter, for a model body written after MODEL_HEAD. */
export const coverageCell = (body: string, component: string, stride: string) =>
  analyzeText(MODEL_HEAD + body).coverage.find((row) => row.component === component)!.cells.find((c) => c.stride === stride)!;

/** The threats of the given rules for a model written out in full. */
export const threatsOf = (text: string, ...ruleIds: string[]) => analyzeText(text).threats.filter((t) => ruleIds.includes(t.ruleId));

/** threatsOf for a model body written after MODEL_HEAD. */
export const threatsIn = (body: string, ...ruleIds: string[]) => threatsOf(MODEL_HEAD + body, ...ruleIds);

/** Runs only the given rules, keeping mitigations (which the result shows only through coverage). */
export function runOnly(text: string, rules: readonly Rule[]): RuleRun {
  const { model } = loadText(text);
  const graph = buildGraph(model);
  return runRules(buildContext(graph, findCrossings(graph)), rules);
}
