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
export { renderCsv } from './render/csv.js';
export { renderHtml, renderHtmlReport } from './render/html.js';
export { renderSarif } from './render/sarif.js';
export { renderAscii, renderDot, renderMermaid, renderPng, renderSvg } from './render/diagram/index.js';
export { applyTriage, parseTriage } from './track/triage.js';
export { diffResults } from './track/diff.js';
export { renderDiffMarkdown } from './track/diff-render.js';
