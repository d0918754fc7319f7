// The library API: load a model, analyse it, render the result.
export { analyze, type AnalyzeOptions } from './analysis/analyze.js';
export { filterByRisk } from './analysis/filter.js';
export { BUILTIN_RULES } from './analysis/rules/index.js';
export type { Rule } from './analysis/rules/types.js';
export * from './analysis/types.js';
export { formatDiagnostic, formatDiagnostics } from './model/diagnostics.js';
export { loadModel, type LoadResult } from './model/load.js';
export { modelJsonSchema } from './model/schema.js';
export type { Diagnostic, Model, SourceMap } from './model/types.js';
export { renderJson } from './render/json.js';
export { renderMarkdown, type MarkdownOptions } from './render/markdown.js';
