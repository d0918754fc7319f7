// Secrets written into Terraform configurations: a literal password, token or key as a resource's argument
// (a database's master password), as a value in a map of settings (a function's environment), as a line of
// an instance's user data (`DB_PASSWORD=...`), or as the default (or the folder's tfvars value) of a variable
// marked `sensitive` or named as a secret. Terraform keeps them in the repository and in its state: each is a
// check for the reviewer with its file:line, naming the setting and never its value, and the element the
// resource draws gets the literal's place, which the model writes as its `hard-coded-secret` tag (what
// `secrets-in-config` reads to rate Likelihood High). Pure.
import { elementByKey, type Provenance } from '../draft.js';
import { type HclBody, type HclExpression, referencesIn } from '../hcl.js';
import { isLiteralSecret, isSecretArgument, isSecretSetting, maskedSecret } from '../secret-values.js';
import { attribute } from './hcl-body.js';
import type { Config, Resource, TerraformReader } from './reader.js';

/** Where a literal secret is written, how it is spoken of (its length, never a character), and through what. */
interface Site {
  file: string;
  line: number;
  masked: string;
  /** The variable it is the value of, when the resource takes it from one. */
  via?: string;
  /** The check at a variable's or a module input's literal: the same for every resource given it, so said once. */
  check?: string;
}

const defaultCheck = (name: string, masked: string) =>
  `variable "${name}" defaults to ${masked}: a secret written in the configuration (and in the state of every resource given it); remove the default and pass it at apply time from a secret store (TF_VAR_${name})`;
const tfvarsCheck = (file: string, name: string, masked: string) =>
  `${file} sets variable "${name}" to ${masked}: a secret written in a variables file (and in the state); keep it out of the repository and pass it from a secret store`;
const moduleCheck = (name: string, masked: string) =>
  `a module call sets input ${name} to ${masked}: a secret written in the configuration (and in the state); pass it from a secret store or a sensitive variable`;

/** A user name is no secret, even in a variable marked sensitive. */
const USER_NAME = /(?:^|_)(?:user|username|user_name|login)$/i;

/** A variable whose value is a secret: marked `sensitive = true`, or named as one (`db_password`). */
function secretVariable(config: Config, name: string): boolean {
  return isSecretArgument(name) || (config.variableSites.get(name)?.sensitive === true && !USER_NAME.test(name));
}

function literalAt(expr: HclExpression, file: string): Site | undefined {
  return expr.kind === 'literal' && typeof expr.value === 'string' && isLiteralSecret(expr.value)
    ? { file, line: expr.pos.line, masked: maskedSecret(expr.value) } : undefined;
}

/**
 * The literal secret an expression is, written in `file`, or the one a variable it names holds as the
 * repository writes it: what its only module caller passes, else the folder's own tfvars value, else its
 * default. A value given on the command line (`-var`, `-var-file`) is not in the repository: none.
 */
function literalSite(config: Config, expr: HclExpression, file: string, depth = 0): Site | undefined {
  if (expr.kind === 'literal') return literalAt(expr, file);
  const name = expr.kind === 'traversal' && expr.root === 'var' && expr.steps.length === 1 && expr.steps[0].kind === 'attr' ? expr.steps[0].name : undefined;
  return name === undefined ? undefined : variableSite(config, name, depth);
}

function variableSite(config: Config, name: string, depth: number): Site | undefined {
  if (depth > 8) return undefined;
  const passed = config.callers.flatMap(({ config: parent, call }) => {
    const value = attribute(call.body, name);
    return value ? [{ parent, value, file: call.file }] : [];
  });
  if (passed.length > 1) return undefined;
  // The innermost variable is where the literal is written: an outer one only passes it on.
  const via = (site: Site | undefined, how: string, check: (masked: string) => string): Site | undefined =>
    site && (site.via !== undefined ? site : { ...site, via: how, check: check(site.masked) });
  if (passed.length === 1) {
    return via(literalSite(passed[0].parent, passed[0].value, passed[0].file, depth + 1), `module input ${name}`, (m) => moduleCheck(name, m));
  }
  const assigned = config.assigned.get(name);
  if (assigned !== undefined) {
    const file = config.assignedIn.get(name);
    return file === undefined ? undefined : via(literalAt(assigned, file), `variable "${name}" set in ${file}`, (m) => tfvarsCheck(file, name, m));
  }
  const fallback = config.variables.get(name);
  const declared = config.variableSites.get(name);
  return fallback && declared ? via(literalAt(fallback, declared.file), `variable "${name}" default`, (m) => defaultCheck(name, m)) : undefined;
}

/** Every hard-coded secret of every resource and variable, as checks of the reader and places on elements, in file order. */
export function hardCodedSecrets(tf: TerraformReader): void {
  for (const config of tf.configs.values()) variableChecks(tf, config);
  for (const r of tf.all.filter((x) => x.mode === 'resource')) walk(tf, r, r.body, []);
}

/**
 * A secret variable's literal default, or the value the folder's own tfvars file gives it: a check where it is
 * written, once, whichever resources take it (each of those is tagged where it takes it, see walk).
 */
function variableChecks(tf: TerraformReader, config: Config): void {
  for (const [name, declared] of config.variableSites) {
    if (!secretVariable(config, name)) continue;
    const fallback = config.variables.get(name);
    const site = fallback && literalAt(fallback, declared.file);
    if (site) tf.checks.push({ file: site.file, line: site.line, message: defaultCheck(name, site.masked) });
    const file = config.assignedIn.get(name);
    const assigned = file === undefined ? undefined : literalAt(config.assigned.get(name)!, file);
    if (assigned) tf.checks.push({ file: assigned.file, line: assigned.line, message: tfvarsCheck(assigned.file, name, assigned.masked) });
  }
}

function walk(tf: TerraformReader, r: Resource, body: HclBody, path: readonly string[]): void {
  for (const a of body.attributes) {
    const where = [...path, a.name].join('.');
    if (isSecretArgument(a.name)) found(tf, r, where, literalSite(r.config, a.value, r.file));
    else variableSecrets(tf, r, where, a.value);
    // Settings maps (a function's environment variables): keys named as environment variables are.
    if (a.value.kind === 'object') {
      for (const item of a.value.items) {
        const key = item.key.kind === 'literal' && typeof item.key.value === 'string' ? item.key.value
          : item.key.kind === 'traversal' && item.key.steps.length === 0 ? item.key.root : undefined;
        if (key !== undefined && isSecretSetting(key)) found(tf, r, `${where} ${key}`, literalSite(r.config, item.value, r.file));
      }
    }
    if (a.name === 'user_data') for (const line of userDataSecrets(a.value, r.file)) found(tf, r, `${where} ${line.key}`, line.site);
  }
  for (const b of body.blocks) walk(tf, r, b.body, [...path, b.type]);
}

/** Any argument naming a secret variable whose value the repository writes (`user_data = templatefile(..., { pw = var.db_password })`). */
function variableSecrets(tf: TerraformReader, r: Resource, where: string, expr: HclExpression): void {
  for (const ref of referencesIn(expr)) {
    const [root, name] = ref.parts;
    if (root !== 'var' || name === undefined || !secretVariable(r.config, name)) continue;
    found(tf, r, `${where} (var.${name})`, variableSite(r.config, name, 0));
  }
}

/**
 * A literal secret a resource sets: a check where it is written (a variable's or a module input's names no
 * resource, so that the summary says it once), and the place on the element the resource draws or is part of.
 */
function found(tf: TerraformReader, r: Resource, where: string, site: Site | undefined): void {
  if (site === undefined) return;
  tf.checks.push({
    file: site.file, line: site.line,
    message: site.check ?? `${r.address} sets ${where} to a literal: a secret written in the configuration (and its state); take it from a secret store or a sensitive variable`,
  });
  const key = tf.elementOf.get(r.key);
  const element = key === undefined ? undefined : elementByKey(tf.draft, key);
  if (element === undefined) return;
  const places = (element.hardCodedSecrets ??= []);
  const at: Provenance = { file: site.file, line: site.line, note: `${r.address} ${where} (${site.masked}${site.via ? `, ${site.via}` : ''})` };
  if (!places.some((p) => p.file === at.file && p.line === at.line)) places.push(at);
}

/** `KEY=value` and `export KEY="value"` lines of a shell script. */
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(["']?)([^"'\s]*)\2\s*$/;

/**
 * The secrets an instance's user data script assigns as literals, each at its line. Interpolations stand as
 * `${}`, which no literal secret contains, so `DB_PASSWORD=${var.pw}` is none.
 */
function userDataSecrets(expr: HclExpression, file: string): Array<{ key: string; site: Site }> {
  const parts = expr.kind === 'template' ? expr.parts : expr.kind === 'literal' && typeof expr.value === 'string' ? [expr] : [];
  if (!parts.length) return [];
  const text = parts.map((p) => (p.kind === 'literal' ? String(p.value) : '${}')).join('');
  // A template's first part starts where its text does; a heredoc without interpolation is one literal placed at
  // its `<<EOF`, so its text starts a line below (a heredoc ends with a newline, a quoted string rarely does).
  const first = expr.kind === 'literal' && text.includes('\n') && text.endsWith('\n') ? expr.pos.line + 1 : parts[0].pos.line;
  const out: Array<{ key: string; site: Site }> = [];
  text.split('\n').forEach((line, i) => {
    const m = ASSIGNMENT.exec(line);
    if (m && isSecretSetting(m[1]) && isLiteralSecret(m[3])) out.push({ key: m[1], site: { file, line: first + i, masked: maskedSecret(m[3]) } });
  });
  return out;
}
