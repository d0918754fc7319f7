// Reads and loads a model for a command, printing every diagnostic; invalid models end with exit code 2.
import { analyze } from '../analysis/analyze.js';
import type { AnalysisResult } from '../analysis/types.js';
import { formatDiagnostics, hasErrors } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import type { Model, SourceMap } from '../model/types.js';
import { readModelFile, UserError } from './io.js';

export interface Loaded {
  model: Model;
  source: SourceMap;
  result: AnalysisResult;
}

export function loadOrExit(path: string, options: { quiet?: boolean } = {}): Loaded {
  const text = readModelFile(path, MAX_MODEL_BYTES);
  const loaded = loadModel(text, path);
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    throw new UserError(formatDiagnostics(loaded.diagnostics).trimEnd());
  }
  const warnings = loaded.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length && !options.quiet) process.stderr.write(formatDiagnostics(warnings));
  const result = analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics });
  return { model: loaded.model, source: loaded.source, result };
}
