// Loads fixture models and runs rules on them, for the rule tester.
import assert from 'node:assert/strict';
import { analyze, type AnalyzeOptions } from '../../src/analysis/analyze.js';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { type RuleRun, runRules } from '../../src/analysis/engine.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
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

/** The one threat `rule` finds in `body` (after MODEL_HEAD); fails naming what it found otherwise. */
export function onlyThreat(body: string, rule: string): Threat {
  const found = threatsIn(body, rule);
  assert.equal(found.length, 1, `${rule}: ${found.map((t) => t.key).join(', ')}`);
  return found[0];
}

/** Asserts that `rule` finds nothing in `body` (after MODEL_HEAD). */
export const noThreat = (body: string, rule: string): void => assert.deepEqual(threatsIn(body, rule).map((t) => t.key), []);

export const evidenceFacts = (t: Threat): string[] => t.evidence.map((e) => e.fact);

/** Runs only the given rules, keeping mitigations (which the result shows only through coverage). */
export function runOnly(text: string, rules: readonly Rule[]): RuleRun {
  const { model } = loadText(text);
  const graph = buildGraph(model);
  return runRules(buildContext(graph, findCrossings(graph)), rules);
}

/** Words that may follow a name without being its verb. */
const NOT_VERBS = new Set(['as', 'its', 'this', 'across', 'plus', 'thus', 'us', 'was']);
/**
 * Words before a name that make it the object of a preposition, not the subject of what follows, also as a
 * later item of a list ("of Card data, Orders is").
 */
const PREPOSITIONS = /(?:\b(?:on|of|to|from|in|into|by|behind|with|for|through|than|at|via|between|before|after|reach|reaches|call|calls)|->)\s+(?:[^;:.()]*(?:, | and ))?$/;

/** The texts a finding shows in sentences (its mitigation is the rule's). */
export const threatTexts = (t: Threat): string[] => [t.title, t.description, t.likelihood.reason, t.impact.reason, ...t.evidence.map((e) => e.fact)];

/**
 * Where one of `names` (plural names) is followed by a verb in the third person singular ("workers handles"),
 * unless the name is the object of a preposition or the end of a flow label ("on Workers is", "a -> Workers is").
 */
export function disagreements(texts: readonly string[], names: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const name of names) {
      let at = text.indexOf(name);
      while (at >= 0) {
        const next = /^ ([A-Za-z']+)/.exec(text.slice(at + name.length))?.[1];
        const before = text.slice(0, at);
        if (next !== undefined && /^(?:is|has|does|[a-z]*[^su's]s)$/.test(next) && !NOT_VERBS.has(next) && !PREPOSITIONS.test(before)) {
          found.push(`${name} ${next}: "${text}"`);
        }
        at = text.indexOf(name, at + name.length);
      }
    }
  }
  return found;
}
