// `threatmap validate`: check a model and print every problem with its position.
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import { ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import { formatDiagnostics, hasErrors, plural, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import { readModelFile, UserError } from './io.js';

export function validateAction(files: string[]): void {
  let failed = false;
  for (const file of files) {
    const loaded = loadModel(readModelFile(file, MAX_MODEL_BYTES), file);
    // Rule ids in `disable`/`override` can only be checked against the rule library.
    loaded.diagnostics.push(...ruleSettingDiagnostics(loaded, BUILTIN_RULES));
    if (loaded.diagnostics.length) process.stderr.write(formatDiagnostics(sortDiagnostics(loaded.diagnostics)));
    if (hasErrors(loaded.diagnostics)) failed = true;
    else process.stdout.write(`${file}: valid (${plural(loaded.model?.elements.length ?? 0, 'element')}, ${plural(loaded.model?.flows.length ?? 0, 'flow')})\n`);
  }
  if (failed) throw new UserError('', 2);
}
