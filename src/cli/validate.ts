// `threatmap validate`: check a model (and the triage file beside it), or a triage file, and print every
// problem with its position.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import { ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import { formatDiagnostics, hasErrors, plural, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES, parseModelText } from '../model/parse.js';
import { defaultTriagePath, parseTriage, TRIAGE_VERSION_KEY } from '../track/triage.js';
import { readModelFile, shownName, STDIN, UserError, writeStderr, writeStdout } from './io.js';

interface ValidateCliOptions {
  /** The model's triage file, instead of the one beside it. */
  triage?: string;
}

/** The triage files checked in this run, by absolute path: one named beside its model is checked once. */
type Checked = Set<string>;

/** A file's text, or undefined (said on standard error) when it cannot be read: one error, not the end of the run. */
function readOrSay(file: string): string | undefined {
  try {
    return readModelFile(file, MAX_MODEL_BYTES);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    writeStderr(`${err.message}\n`);
    return undefined;
  }
}

const TRIAGE_NAME = /\.triage\.(ya?ml|json)$/i;

/**
 * Whether a file is a triage file: by its name (`shop.triage.yaml`, as pre-commit passes it), or by its
 * `threatmap-triage:` key. The text is parsed for that only when it holds the key's name at all.
 */
function isTriageFile(file: string, text: string): boolean {
  if (TRIAGE_NAME.test(file)) return true;
  if (!text.includes(TRIAGE_VERSION_KEY)) return false;
  const raw = parseModelText(text, shownName(file)).raw;
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && TRIAGE_VERSION_KEY in raw;
}

/** A triage file's text checked as `check` reads it: the same file:line:col messages; true when valid. */
function validateTriageText(text: string, label: string): boolean {
  const parsed = parseTriage(text, label);
  if (parsed.diagnostics.length) writeStderr(formatDiagnostics(parsed.diagnostics));
  if (!parsed.triage || hasErrors(parsed.diagnostics)) return false;
  writeStdout(`${label}: valid triage file (${plural(parsed.triage.entries.length, 'decision')})\n`);
  return true;
}

/** A triage file (`-`: standard input) checked once per run. */
function validateTriageFile(file: string, checked: Checked, text?: string): boolean {
  if (file !== STDIN) {
    const key = resolve(file);
    if (checked.has(key)) return true;
    checked.add(key);
  }
  const content = text ?? readOrSay(file);
  return content !== undefined && validateTriageText(content, shownName(file));
}

/** A model's text checked; true when it is valid. */
function validateModelText(file: string, text: string): boolean {
  const loaded = loadModel(text, shownName(file));
  // Rule ids in `disable`/`override` can only be checked against the rule library.
  loaded.diagnostics.push(...ruleSettingDiagnostics(loaded, BUILTIN_RULES));
  if (loaded.diagnostics.length) writeStderr(formatDiagnostics(sortDiagnostics(loaded.diagnostics)));
  if (hasErrors(loaded.diagnostics)) return false;
  writeStdout(`${shownName(file)}: valid (${plural(loaded.model?.elements.length ?? 0, 'element')}, ${plural(loaded.model?.flows.length ?? 0, 'flow')})\n`);
  return true;
}

/**
 * The triage file a model's commands would read: --triage FILE, else the one beside the model when it exists (a
 * model from standard input has none beside it).
 */
function triageOf(file: string, triage: string | undefined): string | undefined {
  if (triage !== undefined) return triage;
  if (file === STDIN) return undefined;
  const beside = defaultTriagePath(file);
  return existsSync(beside) ? beside : undefined;
}

/**
 * One file checked (`-`: standard input): a triage file as such; a model with its triage file, since a decision
 * that `check` would refuse (a misspelt `expries:`) must not pass the hook that runs before it. True when valid.
 */
function validateOne(file: string, triage: string | undefined, checked: Checked): boolean {
  const text = readOrSay(file);
  if (text === undefined) return false;
  if (isTriageFile(file, text)) return validateTriageFile(file, checked, text);
  const modelValid = validateModelText(file, text);
  const triageFile = triageOf(file, triage);
  const triageValid = triageFile === undefined || validateTriageFile(triageFile, checked);
  return modelValid && triageValid;
}

export function validateAction(files: string[], opts: ValidateCliOptions = {}): void {
  if (opts.triage !== undefined && files.length > 1) {
    throw new UserError(`--triage names the triage file of one model: give one model with it (or name the triage files among the files: ${files.length} given)`);
  }
  const checked: Checked = new Set();
  let failed = false;
  for (const file of files) {
    if (!validateOne(file, opts.triage, checked)) failed = true;
  }
  if (failed) throw new UserError('', 2);
}
