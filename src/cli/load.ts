// Reads and loads a model for a command, printing every diagnostic; invalid models end with exit code 2.
import { analyze } from '../analysis/analyze.js';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import { type RuleFile, ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import type { Rule } from '../analysis/rules/types.js';
import type { AnalysisResult } from '../analysis/types.js';
import { formatDiagnostics, hasErrors, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import type { Model, SourceMap } from '../model/types.js';
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

/** `rules`: a folder of custom rule files (`--rules DIR`) to run with the built-in library. `path` may be `-`, standard input. */
export function loadOrExit(path: string, options: { quiet?: boolean; rules?: string } = {}): Loaded {
  const custom = options.rules ? loadRulesDirOrExit(options.rules, options.quiet) : { rules: [], files: [] };
  const ruleSet = [...BUILTIN_RULES, ...custom.rules];
  const { text, bytes } = readModelSource(path, MAX_MODEL_BYTES);
  const loaded = loadModel(text, shownName(path), { bytes });
  // The model's `rules:` section (conditions, rule ids) can only be checked against the rules in use.
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...ruleSettingDiagnostics(loaded, ruleSet)]);
  if (!loaded.model || hasErrors(diagnostics)) {
    throw new UserError(formatDiagnostics(diagnostics).trimEnd());
  }
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length && !options.quiet) writeStderr(formatDiagnostics(warnings));
  const result = analyze(loaded.model, { rules: ruleSet, source: loaded.source, diagnostics });
  return { model: loaded.model, source: loaded.source, result, rules: ruleSet, ruleFiles: custom.files };
}
