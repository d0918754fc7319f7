// What each command does, reached from the command definitions (program.ts) by one import() at the first
// action: the model loader, the analysis and the renderers are initialised only for a command that runs.
import { filterByRisk } from '../analysis/filter.js';
import type { Risk } from '../analysis/types.js';
import { modelJsonSchema } from '../model/schema.js';
import { renderJsonChunks } from '../render/json.js';
import { markdownChunks } from '../render/markdown.js';
import { renderExport } from './export.js';
import { emit } from './io.js';
import { loadTracked } from './triage.js';

export { checkAction } from './check.js';
export { describeError, UserError, writeStderr } from './io.js';
export { diagramAction } from './diagram.js';
export { diffAction } from './diff.js';
export { discoverAction } from './discover.js';
export { exportAction } from './export.js';
export { generateAction } from './generate.js';
export { importAction } from './import.js';
export { ruleFactsAction, rulesAction, ruleShowAction } from './rules.js';
export { serveAction } from './serve.js';
export { triageAction } from './triage.js';
export { validateAction } from './validate.js';

export interface AnalyzeCliOptions {
  format: string;
  minRisk?: Risk;
  diagram: 'ascii' | 'mermaid';
  width: number;
  details: 'auto' | 'full' | 'grouped';
  output?: string;
  quiet?: boolean;
  triage?: string;
  rules?: string;
}

export async function analyzeAction(file: string, opts: AnalyzeCliOptions): Promise<void> {
  const { result, rules, model } = loadTracked(file, { quiet: opts.quiet, triage: opts.triage, rules: opts.rules });
  const shown = opts.minRisk ? filterByRisk(result, opts.minRisk) : result;
  // Markdown and JSON are written in pieces: a large model's output exceeds what one string may hold.
  const text = opts.format === 'json' ? renderJsonChunks(shown)
    : opts.format === 'markdown' ? markdownChunks(shown, { diagram: opts.diagram, width: opts.width, details: opts.details, rules })
    : await renderExport(opts.format, shown, { model: file, output: opts.output, sections: model });
  await emit(opts.output, text);
}

export async function schemaAction(): Promise<void> {
  await emit(undefined, `${JSON.stringify(modelJsonSchema(), null, 2)}\n`);
}
