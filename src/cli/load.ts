// Reads and loads a model for a command, printing every diagnostic; invalid models end with exit code 2.
import { analyze } from '../analysis/analyze.js';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import { type RuleFile, ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import type { Rule } from '../analysis/rules/types.js';
import type { AnalysisResult } from '../analysis/types.js';
import { formatDiagnostics, hasErrors, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import type { Diagnostic, Model, SourceMap } from '../model/types.js';
import { readModelSource, shownName, UserError, writeStderr } from './io.js';
import { loadRulesDirOrExit } from './rules.js';

export interface Loaded {
  model: Model;
  source: SourceMap;
  result: AnalysisResult;
  /** The rules that ran (built-in and `--rules DIR`), for reports that describe them. */
  rules: readonly Rule[];
  /** The `--rules DIR` files as read (none without it). */
  ruleFiles: readonly RuleFile[];
}

/** The rules a command runs: the built-in library, and the custom rules of `--rules DIR` when given. */
export function ruleSetOrExit(dir: string | undefined, quiet?: boolean): { rules: readonly Rule[]; files: readonly RuleFile[] } {
  const custom = dir ? loadRulesDirOrExit(dir, quiet) : { rules: [], files: [] };
  return { rules: [...BUILTIN_RULES, ...custom.rules], files: custom.files };
}

/** A model's text loaded and analysed; without a result when it has errors. */
export interface AnalysedText {
  loaded?: { model: Model; source: SourceMap; result: AnalysisResult };
  /** Every diagnostic, sorted: the errors when it does not load, else its warnings. */
  diagnostics: Diagnostic[];
}

/**
 * Loads and analyses model text with a rule set: the one way every side of a command (the model, a git revision of
 * it) is read, so that both ends of a comparison are judged by the same rules.
 */
export function analyzeText(text: string, label: string, rules: readonly Rule[], bytes?: number): AnalysedText {
  const loaded = loadModel(text, label, bytes === undefined ? {} : { bytes });
  // The model's `rules:` section (conditions, rule ids) can only be checked against the rules in use.
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...ruleSettingDiagnostics(loaded, rules)]);
  if (!loaded.model || hasErrors(diagnostics)) return { diagnostics };
  const result = analyze(loaded.model, { rules, source: loaded.source, diagnostics });
  return { loaded: { model: loaded.model, source: loaded.source, result }, diagnostics };
}

/** `rules`: a folder of custom rule files (`--rules DIR`) to run with the built-in library. `path` may be `-`, standard input. */
export function loadOrExit(path: string, options: { quiet?: boolean; rules?: string } = {}): Loaded {
  const ruleSet = ruleSetOrExit(options.rules, options.quiet);
  const { text, bytes } = readModelSource(path, MAX_MODEL_BYTES);
  const { loaded, diagnostics } = analyzeText(text, shownName(path), ruleSet.rules, bytes);
  if (!loaded) throw new UserError(formatDiagnostics(diagnostics).trimEnd());
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length && !options.quiet) writeStderr(formatDiagnostics(warnings));
  return { ...loaded, rules: ruleSet.rules, ruleFiles: ruleSet.files };
}
