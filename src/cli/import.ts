// `threatmap import FILE`: a model from another tool's file. Open Threat Model (.otm.yaml/.otm.json) only
// for now: the content decides (importOtm reports a file without `otmVersion` and `project`), not the
// name. The file access lives here; what the file means is src/import/otm.ts's.
import { formatDiagnostics, hasErrors, plural } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { importOtm, type OtmImportSummary, THREAT_TITLES_SHOWN } from '../import/otm.js';
import { checkOutput } from './discover.js';
import { emit, readModelFile, UserError } from './io.js';

export interface ImportCliOptions {
  output?: string;
  force?: boolean;
}

/** OTM files of real systems are tens of kilobytes; anything near this is not one. */
const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

export function importAction(file: string, opts: ImportCliOptions): void {
  checkOutput(opts.output, opts.force);
  const text = readModelFile(file, MAX_IMPORT_BYTES);
  const result = importOtm(text, file, opts.output ? { output: opts.output } : {});
  if (result.diagnostics.length) process.stderr.write(formatDiagnostics(result.diagnostics));
  if (!result.text || !result.summary || hasErrors(result.diagnostics)) {
    throw new UserError(`threatmap import: nothing written; fix the ${plural(result.diagnostics.filter((d) => d.severity === 'error').length, 'error')} above and run it again`);
  }
  // The model is checked as `analyze` will read it: one that does not load is our bug, not the user's.
  const loaded = loadModel(result.text, opts.output ?? 'model');
  if (!loaded.model || hasErrors(loaded.diagnostics)) throw new Error(`the imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}`);
  emit(opts.output, result.text);
  process.stderr.write(summary(file, result.summary, opts.output));
}

function summary(file: string, s: OtmImportSummary, output: string | undefined): string {
  const lines = [
    `threatmap import: read ${file} (Open Threat Model ${s.otmVersion}, project "${s.system}")`,
    `  imported ${plural(s.elements, 'element')}, ${plural(s.flows, 'flow')}, ${plural(s.boundaries, 'trust boundary', 'trust boundaries')}, ${plural(s.assets, 'asset')}`,
    `  the file's ${plural(s.threats.length, 'threat')} and ${plural(s.mitigations, 'mitigation')} are not model input: threatmap analyze derives its own threats`,
  ];
  for (const t of s.threats.slice(0, THREAT_TITLES_SHOWN)) lines.push(`    ${t.id}: ${t.name}${t.on.length ? ` (on ${t.on.join(', ')})` : ''}`);
  if (s.threats.length > THREAT_TITLES_SHOWN) lines.push(`    ... and ${s.threats.length - THREAT_TITLES_SHOWN} more (listed in the model's header)`);
  for (const c of s.controls) lines.push(`  control from an implemented mitigation: ${c}`);
  for (const n of s.notes) lines.push(`  check: ${n}`);
  lines.push(output ? `  wrote ${output}; next: review it, then run: threatmap analyze ${output}`
    : '  next: save it (-o threatmap.yaml), review it, then run: threatmap analyze threatmap.yaml');
  return `${lines.join('\n')}\n`;
}
