// The loading pipeline: text -> parse (positions) -> validate (all problems at once) -> normalise -> sanity
// warnings. Pure: the caller reads the file; this gets its text and name.
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { normalize } from './normalize.js';
import { parseModelText } from './parse.js';
import { sanityWarnings } from './sanity.js';
import type { Diagnostic, Model, SourceMap } from './types.js';
import { validateModel } from './validate.js';

export interface LoadResult {
  /** Present when the model has no errors (warnings allowed). */
  model?: Model;
  /**
   * The `rules:` section as written when the model has errors: the ids it names can only be checked against
   * the rules in use (see ruleSettingDiagnostics), and should be in the same run as the other errors.
   */
  rules?: unknown;
  source: SourceMap;
  diagnostics: Diagnostic[];
}

/** `bytes`: the text's size in UTF-8 when the caller knows it (it read the file), so that it is not counted again. */
export function loadModel(text: string, file: string, options: { bytes?: number } = {}): LoadResult {
  const parsed = parseModelText(text, file, { shorthandFlows: true, bytes: options.bytes });
  if (parsed.raw === undefined || hasErrors(parsed.diagnostics)) {
    return { source: parsed.source, diagnostics: sortDiagnostics(parsed.diagnostics) };
  }
  const validated = validateModel(parsed.raw, parsed.source);
  const diagnostics = [...parsed.diagnostics, ...validated.diagnostics];
  if (!validated.model || hasErrors(diagnostics)) {
    const rules = typeof parsed.raw === 'object' && parsed.raw !== null ? (parsed.raw as { rules?: unknown }).rules : undefined;
    return { source: parsed.source, diagnostics: sortDiagnostics(diagnostics), ...(rules === undefined ? {} : { rules }) };
  }
  const model = normalize(validated.model, parsed.source, file, validated.flows);
  for (const d of sanityWarnings(model)) diagnostics.push(d); // a loop: a spread of many warnings overflows the stack
  return { model, source: parsed.source, diagnostics: sortDiagnostics(diagnostics) };
}
