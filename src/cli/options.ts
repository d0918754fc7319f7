// Parsers and choices of the command-line options: what the command definitions (program.ts) need before
// any command runs, kept apart from the commands so that defining them loads nothing else.
import { InvalidArgumentError, Option } from 'commander';
import { RISKS, type Risk } from '../analysis/types.js';
import { parseSetValues, SetValuesError } from '../import/helm/set-values.js';
import { MAX_GENERATED_ELEMENTS } from '../model/generate.js';
import { isIsoDate } from '../track/dates.js';

/** Fields `triage --unset` may remove. */
export const UNSETTABLE = ['reason', 'owner', 'ticket', 'expires', 'review'] as const;

/**
 * `--rules DIR`, one definition for every command that analyses a model (analyze, serve, check, diff, export), so
 * that the custom rules that ran on a report are the ones that gate it.
 */
export const rulesOption = (): Option => new Option('--rules <dir>', 'also run the custom rules in this folder (.yaml, .yml, .json files)');

/** `--fail-on LEVEL`; the default shown as it is typed (commander would print it quoted, "High"). */
export const failOnOption = (): Option =>
  new Option('--fail-on <level>', 'the lowest risk that fails: low, medium, high, critical').argParser(parseRisk).default('High' as Risk, 'high');

/** `check --format`: github prints GitHub Actions workflow commands, which annotate the lines of the model. */
export const CHECK_FORMATS = ['text', 'json', 'github'] as const;

export const checkFormatOption = (): Option =>
  new Option('-f, --format <format>', 'output format (github: workflow commands that annotate the model\'s lines on GitHub Actions)').choices(CHECK_FORMATS).default('text');

/** `check --allow-model-suppressions`: the opt-out of the gate on suppressions written in the model. */
export const allowModelSuppressionsOption = (): Option =>
  new Option('--allow-model-suppressions', 'with --new-only, do not fail on threats at or above --fail-on that this change\'s rules.disable, rules.override or assumptions took out or rated below it');

/** What `check --help` says of suppressions in the model and of GitHub Actions, after its other notes. */
export const CHECK_GITHUB_HELP = `With --new-only, a threat at or above --fail-on that the change takes out of the gate in the model itself
(rules.disable, a rules.override that rates it lower, an assumption naming its rule) fails the gate too: record
it in triage instead (threatmap triage MODEL ID --status accepted ...), which has an owner and an expiry, or pass
--allow-model-suppressions. --format github prints workflow commands (::error file=...,line=...::...) that
annotate the model's lines; when GITHUB_STEP_SUMMARY names a file, a Markdown job summary is appended to it.`;

/** A SARIF category as code scanning takes it: any text but an empty one, on one line. */
export function parseCategory(value: string): string {
  if (value.trim() === '' || /[\0-\x1f\x7f]/.test(value)) throw new InvalidArgumentError('expected a category: a name on one line, not an empty string (e.g. threatmap-shop)');
  return value;
}

export function parseRisk(value: string): Risk {
  const risk = RISKS.find((r) => r.toLowerCase() === value.toLowerCase());
  if (!risk) throw new InvalidArgumentError(`expected one of ${RISKS.map((r) => r.toLowerCase()).join(', ')}`);
  return risk;
}

/**
 * A plain decimal whole number: Number() would also take `0x40`, `1e2`, ` 7 ` and `` (0), none of which a person
 * means as a count or a width.
 */
function decimalInteger(value: string, expected: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError(`expected ${expected}, written in decimal digits only, not "${value}"`);
  return Number(value);
}

export function parseWidth(value: string): number {
  const n = decimalInteger(value, 'a whole number from 40 to 1000');
  if (n < 40 || n > 1000) throw new InvalidArgumentError(`expected a whole number from 40 to 1000, not ${n}`);
  return n;
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0: any free port)');
  return n;
}

/** What `diagram --hide` may leave out. */
export const HIDE_KINDS = ['store', 'external'] as const;
export type HideKind = (typeof HIDE_KINDS)[number];

export const isHideKind = (value: string): value is HideKind => (HIDE_KINDS as readonly string[]).includes(value);

/**
 * `--hide store,external` or `--hide store --hide external`: one value per use, so that the option never takes
 * the model file that follows it as another kind.
 */
export function parseHide(value: string, previous: HideKind[] = []): HideKind[] {
  const kinds = value.split(',').map((k) => k.trim());
  const bad = kinds.find((k) => !isHideKind(k));
  if (bad !== undefined) throw new InvalidArgumentError(`expected ${HIDE_KINDS.join(', ')} or a comma list of them (store,external), not "${bad}"`);
  return [...new Set([...previous, ...(kinds as HideKind[])])];
}

export function parseDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('expected a date written YYYY-MM-DD');
  return value;
}

export function parseUnset(value: string, previous: string[] = []): string[] {
  const fields = value.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of fields) {
    if (!(UNSETTABLE as readonly string[]).includes(f)) throw new InvalidArgumentError(`expected some of ${UNSETTABLE.join(', ')}`);
  }
  return [...previous, ...fields];
}

/**
 * The most elements `generate` writes: about 495 bytes each in JSON (430 in YAML), so that 100,000 stays under
 * the 50 MB a model file may hold (49.3 MB measured) and every generated model can be validated and analysed.
 */
export const MAX_CLI_ELEMENTS = Math.min(100_000, MAX_GENERATED_ELEMENTS);

/** MAX_MODEL_BYTES of model/parse.ts in MB, written here so that the option parsers do not load the YAML parser. */
export const MODEL_LIMIT_MB = 50;

export function parseElements(value: string): number {
  const n = decimalInteger(value, `a whole number from 1 to ${MAX_CLI_ELEMENTS}`);
  if (n < 1) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_CLI_ELEMENTS}, not ${n}`);
  if (n > MAX_CLI_ELEMENTS) {
    throw new InvalidArgumentError(`expected at most ${MAX_CLI_ELEMENTS} elements, not ${n}: a larger model is over the ${MODEL_LIMIT_MB} MB a model file may hold, so validate and analyze would refuse it`);
  }
  return n;
}

export function parseSeed(value: string): number | string {
  // An empty seed is almost always an unset shell variable (`--seed "$SEED"`), not a choice.
  if (value.trim() === '') throw new InvalidArgumentError('expected a seed: a number or a word, not an empty string');
  // Numbers and words both work; `1` and `01` are the same seed.
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** `--profile a --profile b`: names as Compose allows them, or `*` for every profile. */
export function parseProfile(value: string, previous: string[] = []): string[] {
  if (value !== '*' && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value)) {
    throw new InvalidArgumentError('expected a Compose profile name (letters, digits, . _ -), or * for every profile');
  }
  return [...previous, value];
}

/** A repeatable file option: each occurrence added to the list, in the order given. */
export function collectValues(value: string, previous: string[] = []): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('expected a values file');
  return [...previous, value];
}

/** `--var-file FILE` (repeatable), in the order given. */
export function collectVarFile(value: string, previous: string[] = []): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('expected a Terraform variables file (.tfvars, or .tfvars.json)');
  return [...previous, value];
}

/**
 * `--var NAME=VALUE` (repeatable), split at the first `=` as terraform -var does (the value may hold more); how
 * the value reads (a string, or HCL for a variable of another type) depends on the declaration, so is the reader's.
 */
export function collectVar(value: string, previous: Array<{ name: string; value: string }> = []): Array<{ name: string; value: string }> {
  const eq = value.indexOf('=');
  if (eq < 0) throw new InvalidArgumentError('expected NAME=VALUE: a variable name and its value separated by =, as terraform -var takes it');
  const name = value.slice(0, eq);
  if (name === '') throw new InvalidArgumentError('expected NAME=VALUE: the variable name before = is empty');
  // Terraform's own check: `--var "name =x"` is a mistake for `--var "name=x"`, not a name with a space.
  if (/\s$/.test(name)) throw new InvalidArgumentError(`expected NAME=VALUE: the name "${name}" ends in a space (did you mean ${name.trimEnd()}=${value.slice(eq + 1).trimStart()}?)`);
  return [...previous, { name, value: value.slice(eq + 1) }];
}

/**
 * `--set a=1,b.c=x` (repeatable): each argument checked on its own as Helm reads it, so that a typing
 * mistake is a usage error before any file is read; how it applies over the values files is the renderer's.
 */
export function collectSet(value: string, previous: string[] = []): string[] {
  return checkSet(value, previous, false);
}

/** `--set-string`: as --set, every value kept a string. */
export function collectSetString(value: string, previous: string[] = []): string[] {
  return checkSet(value, previous, true);
}

function checkSet(value: string, previous: string[], asString: boolean): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('expected KEY=VALUE[,KEY=VALUE...]');
  try {
    parseSetValues(value, asString);
  } catch (err) {
    if (err instanceof SetValuesError) throw new InvalidArgumentError(err.message);
    throw err;
  }
  return [...previous, value];
}

/** A Kubernetes namespace: a DNS label (RFC 1123), as kubectl and helm accept one. */
export function parseNamespace(value: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value)) throw new InvalidArgumentError('expected a namespace: lower-case letters, digits and -, at most 63');
  return value;
}

/** A Helm release name: lower-case letters, digits, - and ., at most 53 characters, as helm install requires. */
export function parseReleaseName(value: string): string {
  if (!/^[a-z0-9](?:[a-z0-9.-]{0,51}[a-z0-9])?$/.test(value)) throw new InvalidArgumentError('expected a release name: lower-case letters, digits, - and ., at most 53');
  return value;
}
