// `threatmap validate`: check a model (and the triage file beside it), or a triage file, and print every
// problem with its position.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze } from '../analysis/analyze.js';
import { ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import type { Rule } from '../analysis/rules/types.js';
import { displayPath, formatDiagnostics, hasErrors, plural, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES, parseModelText } from '../model/parse.js';
import type { Diagnostic, Model, SourceMap } from '../model/types.js';
import { applyTriage, defaultTriagePath, parseTriage, TRIAGE_VERSION_KEY, type TriageFile } from '../track/triage.js';
import { readModelFile, shownName, STDIN, UserError, writeStderr, writeStdout } from './io.js';
import { ruleSetOrExit } from './load.js';
import { today } from './triage.js';

interface ValidateCliOptions {
  /** The model's triage file, instead of the one beside it. */
  triage?: string;
  /** A folder of custom rules (`--rules DIR`): their ids count in `rules:`, and their threats in the stale check. */
  rules?: string;
}

/** A valid model as loaded, for the stale check of its triage file. */
interface ValidModel {
  model: Model;
  source: SourceMap;
}

/** Entries checked against the threats of a model: the stale ones as warnings. */
type StaleCheck = (triage: TriageFile) => Diagnostic[];

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

/**
 * A triage file's text checked as `check` reads it: the same file:line:col messages; true when valid. With its
 * model's stale check, entries that match no threat are warnings too (a valid file may hold them).
 */
function validateTriageText(text: string, label: string, stale?: StaleCheck): boolean {
  const parsed = parseTriage(text, label);
  const found = parsed.triage && !hasErrors(parsed.diagnostics) && stale ? stale(parsed.triage) : [];
  const diagnostics = [...parsed.diagnostics, ...found];
  if (diagnostics.length) writeStderr(formatDiagnostics(diagnostics));
  if (!parsed.triage || hasErrors(parsed.diagnostics)) return false;
  const staleNote = found.length ? `, ${plural(found.length, 'stale entry', 'stale entries')}` : '';
  writeStdout(`${label}: valid triage file (${plural(parsed.triage.entries.length, 'decision')}${staleNote})\n`);
  return true;
}

/** A triage file (`-`: standard input) checked once per run. */
function validateTriageFile(file: string, checked: Checked, text?: string, stale?: StaleCheck): boolean {
  if (file !== STDIN) {
    const key = resolve(file);
    if (checked.has(key)) return true;
    checked.add(key);
  }
  const content = text ?? readOrSay(file);
  return content !== undefined && validateTriageText(content, shownName(file), stale);
}

/**
 * The stale entries of a triage file against its model's threats, as warnings at each entry with the hint the
 * `triage` listing gives (applyTriage words it). The analysis runs only here, when there is a file to check.
 */
function staleCheck(valid: ValidModel, rules: readonly Rule[]): StaleCheck {
  return (triage) => {
    const result = analyze(valid.model, { rules, source: valid.source, diagnostics: [] });
    const report = applyTriage(result, triage, { today: today() }).triage;
    return (report?.stale ?? []).map((s): Diagnostic => ({
      severity: 'warning', code: 'stale-entry', message: `triage entry \`${s.ref}\`${s.threat ? ` (${s.threat})` : ''} matches no threat`,
      file: triage.file, line: s.line, col: s.col, path: displayPath(['threats', s.ref]), ...(s.hint ? { hint: s.hint } : {}),
    }));
  };
}

/** A model's text checked; the model when it is valid. */
function validateModelText(file: string, text: string, rules: readonly Rule[]): ValidModel | undefined {
  const loaded = loadModel(text, shownName(file));
  // Rule ids in `disable`/`override` can only be checked against the rules in use (the library, and --rules DIR).
  loaded.diagnostics.push(...ruleSettingDiagnostics(loaded, rules));
  if (loaded.diagnostics.length) writeStderr(formatDiagnostics(sortDiagnostics(loaded.diagnostics)));
  if (hasErrors(loaded.diagnostics) || !loaded.model) return undefined;
  writeStdout(`${shownName(file)}: valid (${plural(loaded.model.elements.length, 'element')}, ${plural(loaded.model.flows.length, 'flow')})\n`);
  return { model: loaded.model, source: loaded.source };
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
function validateOne(file: string, triage: string | undefined, checked: Checked, rules: readonly Rule[]): boolean {
  const text = readOrSay(file);
  if (text === undefined) return false;
  if (isTriageFile(file, text)) return validateTriageFile(file, checked, text);
  const valid = validateModelText(file, text, rules);
  const triageFile = triageOf(file, triage);
  // Stale entries can only be told against a model that loads; an invalid one is reported already.
  const triageValid = triageFile === undefined || validateTriageFile(triageFile, checked, undefined, valid && staleCheck(valid, rules));
  return valid !== undefined && triageValid;
}

export function validateAction(files: string[], opts: ValidateCliOptions = {}): void {
  if (opts.triage !== undefined && files.length > 1) {
    throw new UserError(`--triage names the triage file of one model: give one model with it (or name the triage files among the files: ${files.length} given)`);
  }
  const { rules } = ruleSetOrExit(opts.rules);
  const checked: Checked = new Set();
  let failed = false;
  for (const file of files) {
    if (!validateOne(file, opts.triage, checked, rules)) failed = true;
  }
  if (failed) throw new UserError('', 2);
}
