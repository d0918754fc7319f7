// Shared test helpers: load and analyse models from text or from the examples folder.
import { readFileSync } from 'node:fs';
import { analyze } from '../src/analysis/analyze.js';
import type { AnalysisResult, Threat } from '../src/analysis/types.js';
import { formatDiagnostics, hasErrors } from '../src/model/diagnostics.js';
import { loadModel } from '../src/model/load.js';

export function analyzeText(text: string, file = 'model.yaml'): AnalysisResult {
  const loaded = loadModel(text, file);
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    throw new Error(`model does not load:\n${formatDiagnostics(loaded.diagnostics)}`);
  }
  return analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics });
}

export const exampleText = (name: string) => readFileSync(`examples/${name}.yaml`, 'utf8');
export const analyzeExample = (name: string) => analyzeText(exampleText(name), `examples/${name}.yaml`);

export function threatsOf(result: AnalysisResult, ruleId: string): Threat[] {
  return result.threats.filter((t) => t.ruleId === ruleId);
}

/** Replaces exactly one occurrence, so a test fails loudly when the example it edits has changed. */
export function replaceOnce(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  if (i < 0 || text.indexOf(from, i + 1) >= 0) throw new Error(`expected exactly one occurrence of ${JSON.stringify(from)}`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}
