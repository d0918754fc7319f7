// `threatmap validate`: check a model and print every problem with its position.
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import { ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import { formatDiagnostics, hasErrors, plural, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import { readModelFile, shownName, UserError, writeStderr, writeStdout } from './io.js';

/** One model checked (`-`: standard input); true when it is valid. A file that cannot be read is one error, not the end of the run. */
function validateOne(file: string): boolean {
  let text: string;
  try {
    text = readModelFile(file, MAX_MODEL_BYTES);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    writeStderr(`${err.message}\n`);
    return false;
  }
  const loaded = loadModel(text, shownName(file));
  // Rule ids in `disable`/`override` can only be checked against the rule library.
  loaded.diagnostics.push(...ruleSettingDiagnostics(loaded, BUILTIN_RULES));
  if (loaded.diagnostics.length) writeStderr(formatDiagnostics(sortDiagnostics(loaded.diagnostics)));
  if (hasErrors(loaded.diagnostics)) return false;
  writeStdout(`${shownName(file)}: valid (${plural(loaded.model?.elements.length ?? 0, 'element')}, ${plural(loaded.model?.flows.length ?? 0, 'flow')})\n`);
  return true;
}

export function validateAction(files: string[]): void {
  let failed = false;
  for (const file of files) {
    if (!validateOne(file)) failed = true;
  }
  if (failed) throw new UserError('', 2);
}
