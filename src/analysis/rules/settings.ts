// A model's `rules:` section applied to a rule set: custom rules added, rules disabled, ratings
// overridden. `configureRules` is lenient (analysis never fails on it); `checkRuleSettings` reports every
// mistake with its position, for the loader to stop on.
import { describeValue, displayPath, hasErrors, sortDiagnostics } from '../../model/diagnostics.js';
import { parseModelText } from '../../model/parse.js';
import type { RawRuleOverride, RawRulesSection } from '../../model/rules-schema.js';
import { didYouMean } from '../../model/suggest.js';
import type { Diagnostic, Model, ModelPath, SourceMap } from '../../model/types.js';
import { validateModel } from '../../model/validate.js';
import { rated } from '../risk.js';
import { compileCustomRule, type RuleIssue } from './custom.js';
import { isWrittenRule, WRITTEN_RULE_PREFIX } from './written.js';
import type { CheckResult, ElementRule, EndpointRule, FlowRule, ModelRule, Outcome, Rule } from './types.js';

const RATING = { low: 'Low', medium: 'Medium', high: 'High' } as const;

/** Compiles the custom rules of a `rules:` section found at `base` (['rules'] in a model). */
export function compileSection(section: RawRulesSection | undefined, base: ModelPath, origin: string): { rules: Rule[]; issues: RuleIssue[] } {
  const rules: Rule[] = [];
  const issues: RuleIssue[] = [];
  (section?.custom ?? []).forEach((def, i) => {
    const at = [...base, 'custom', i];
    const compiled = compileCustomRule(def, at, `${origin}:${displayPath(at)}`);
    issues.push(...compiled.issues);
    if (compiled.rule) rules.push(compiled.rule);
  });
  return { rules, issues };
}

function withOverride(rule: Rule, override: RawRuleOverride): Rule {
  const reason = override.reason ? `set by the model: ${override.reason}` : 'set by the model (rules.override)';
  const adjust = (result: CheckResult): CheckResult => {
    if (result === undefined) return undefined;
    const one = (o: Outcome): Outcome => o.outcome !== 'threat' ? o : {
      ...o,
      ...(override.likelihood ? { likelihood: rated(RATING[override.likelihood], reason) } : {}),
      ...(override.impact ? { impact: rated(RATING[override.impact], reason) } : {}),
    };
    return Array.isArray(result) ? result.map(one) : one(result as Outcome);
  };
  const rating = `${rule.rating} Re-rated by the model: ${[override.likelihood && `likelihood ${override.likelihood}`, override.impact && `impact ${override.impact}`].filter(Boolean).join(', ')}.`;
  switch (rule.appliesTo) {
    case 'element': {
      const r = rule;
      return { ...r, rating, check: (e, ctx) => adjust(r.check(e, ctx)) } satisfies ElementRule;
    }
    case 'endpoint': {
      const r = rule;
      return { ...r, rating, check: (ep, e, ctx) => adjust(r.check(ep, e, ctx)) } satisfies EndpointRule;
    }
    case 'flow': {
      const r = rule;
      return { ...r, rating, check: (f, ctx) => adjust(r.check(f, ctx)) } satisfies FlowRule;
    }
    case 'model': {
      const r = rule;
      return { ...r, rating, check: (ctx) => adjust(r.check(ctx)) } satisfies ModelRule;
    }
  }
}

/** The rules to run on a model: the base set plus its custom rules, minus disabled ones, re-rated. */
export function configureRules(base: readonly Rule[], model: Pick<Model, 'rules' | 'file'>): Rule[] {
  const section = model.rules;
  if (!section) return [...base];
  const ids = new Set(base.map((r) => r.id));
  const custom = compileSection(section, ['rules'], model.file).rules.filter((r) => !ids.has(r.id));
  const disabled = new Set(section.disable ?? []);
  const overrides = section.override ?? {};
  return [...base, ...custom]
    .filter((r) => !disabled.has(r.id))
    .map((r) => (Object.hasOwn(overrides, r.id) ? withOverride(r, overrides[r.id]) : r));
}

type RuleSettingsModel = Pick<Model, 'rules' | 'file'> & Partial<Pick<Model, 'assumptions' | 'threats'>>;

/**
 * Every problem in a model's `rules:` section that the schema cannot see (conditions, unknown and clashing
 * ids), and rule ids its assumptions name that no rule has.
 */
export function checkRuleSettings(model: RuleSettingsModel, base: readonly Rule[]): RuleIssue[] {
  const section = model.rules;
  if (!section) return checkAssumptionRules(model, base);
  const { issues } = compileSection(section, ['rules'], model.file);
  const idIssues = checkRuleIds(section, base);
  issues.push(...idIssues);
  // An unknown rule's override is that error alone.
  const unknown = new Set(idIssues.filter((i) => i.code === 'unknown-rule' && i.at[1] === 'override').map((i) => i.at[2]));
  for (const [id, o] of Object.entries(section.override ?? {})) {
    if (!o.likelihood && !o.impact && !unknown.has(id)) {
      issues.push({ at: ['rules', 'override', id], code: 'empty-override', severity: 'warning', message: `the override of \`${id}\` changes neither likelihood nor impact` });
    }
    if ((section.disable ?? []).includes(id)) {
      issues.push({ at: ['rules', 'override', id], code: 'disabled-override', severity: 'warning', message: `\`${id}\` is both disabled and overridden; the override has no effect` });
    }
  }
  issues.push(...checkAssumptionRules(model, base));
  return issues;
}

/**
 * An assumption that names a rule no rule set has rules nothing out, and its author believes it does (a typo,
 * a renamed rule, a written threat since deleted): a warning, as the threats it meant stay reported.
 */
function checkAssumptionRules(model: RuleSettingsModel, base: readonly Rule[]): RuleIssue[] {
  const assumptions = model.assumptions ?? [];
  if (!assumptions.some((a) => a.rules.length > 0)) return [];
  const known = [
    ...base.map((r) => r.id),
    ...(model.rules?.custom ?? []).map((def) => def.id),
    ...(model.threats ?? []).map((t) => WRITTEN_RULE_PREFIX + t.id),
  ];
  const knownSet = new Set(known);
  const issues: RuleIssue[] = [];
  assumptions.forEach((a, i) => a.rules.forEach((id, j) => {
    if (knownSet.has(id)) return;
    issues.push({
      at: ['assumptions', i, 'rules', j], code: 'unknown-rule', severity: 'warning',
      message: `the assumption rules out \`${id}\`, which is no rule: it rules nothing out`,
      found: describeValue(id),
      hint: didYouMean(id, known) ?? (isWrittenRule(id) ? 'no threat of that id is written under `threats:`' : 'see `threatmap rules` for the ids'),
    });
  }));
  return issues;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Unknown and clashing rule ids in a `rules:` section as written, whatever else is wrong with it or with the
 * model (ids are checked against the rules in use, which the schema does not know): a model with other errors
 * gets these reported in the same run. Entries that are not strings or maps are the schema's to report.
 */
export function checkRuleIds(section: unknown, base: readonly Rule[]): RuleIssue[] {
  if (!isObject(section)) return [];
  const issues: RuleIssue[] = [];
  const baseIds = base.map((r) => r.id);
  const customIds: string[] = [];
  const seen = new Map<string, number>();
  (Array.isArray(section.custom) ? section.custom : []).forEach((def: unknown, i) => {
    if (!isObject(def) || typeof def.id !== 'string') return;
    const at = ['rules', 'custom', i, 'id'];
    if (baseIds.includes(def.id)) {
      issues.push({ at, code: 'duplicate-rule', message: `rule \`${def.id}\` already exists`, hint: 'pick another id; to change a built-in rule, use `disable` or `override`' });
    } else if (seen.has(def.id)) {
      issues.push({ at, code: 'duplicate-rule', message: `rule \`${def.id}\` is defined twice (also at rules.custom[${seen.get(def.id)}])` });
    } else seen.set(def.id, i);
    customIds.push(def.id);
  });
  const known = [...baseIds, ...customIds];
  const unknown = (at: ModelPath, id: string) => {
    if (known.includes(id)) return;
    // A written threat is the model's own words, not a rule to tune: its own entry says what to do instead.
    const hint = isWrittenRule(id)
      ? `\`${id}\` is a threat written in the model: to drop it, delete threats.${id.slice(WRITTEN_RULE_PREFIX.length)}; to rate it, give it \`likelihood\` and \`impact\`; to decide it, use the triage file`
      : didYouMean(id, known) ?? 'see `threatmap rules` for the ids';
    issues.push({ at, code: 'unknown-rule', message: `unknown rule \`${id}\``, found: describeValue(id), hint });
  };
  (Array.isArray(section.disable) ? section.disable : []).forEach((id: unknown, i) => {
    if (typeof id === 'string') unknown(['rules', 'disable', i], id);
  });
  if (isObject(section.override)) for (const id of Object.keys(section.override)) unknown(['rules', 'override', id], id);
  return issues;
}

/**
 * The rule-settings diagnostics of a loaded model: all of them for a valid model; for one with errors, the
 * unknown and clashing ids of its `rules:` section as written, so that they come in the same run as the rest.
 */
export function ruleSettingDiagnostics(loaded: { model?: RuleSettingsModel; rules?: unknown; source: SourceMap }, base: readonly Rule[]): Diagnostic[] {
  if (loaded.model) return ruleDiagnostics(checkRuleSettings(loaded.model, base), loaded.source);
  return loaded.rules === undefined ? [] : ruleDiagnostics(checkRuleIds(loaded.rules, base), loaded.source);
}

/** Rule issues as diagnostics, positioned in the file the rules came from. */
export function ruleDiagnostics(issues: readonly RuleIssue[], source: SourceMap): Diagnostic[] {
  return issues.map((i) => {
    const loc = source.locate(i.at);
    const d: Diagnostic = {
      severity: i.severity ?? 'error', code: i.code, message: i.message, file: source.file, line: loc.line, col: loc.col, path: displayPath(i.at),
    };
    if (i.found !== undefined) d.found = i.found;
    if (i.expected !== undefined) d.expected = i.expected;
    if (i.hint !== undefined) d.hint = i.hint;
    return d;
  });
}

/** A rules file's name and text, as a folder of custom rules (`--rules DIR`) holds it: the CLI reads the
 * folder, and the web page compiles the same texts for its live analysis. */
export interface RuleFile {
  file: string;
  text: string;
}

/**
 * A rules file: the same `rules:` section a model has (only `custom:` rules), as YAML or JSON. Its
 * structure is checked by the model validator, its conditions by the rule checker; every problem comes
 * back as a diagnostic with the file's line and column.
 */
export function loadRulesText(text: string, file: string): { rules: Rule[]; diagnostics: Diagnostic[] } {
  const parsed = parseModelText(text, file);
  if (parsed.raw === undefined || hasErrors(parsed.diagnostics)) return { rules: [], diagnostics: parsed.diagnostics };
  const raw = parsed.raw;
  const diagnostics: Diagnostic[] = [];
  const at = (path: ModelPath) => parsed.source.locate(path);
  const problem = (path: ModelPath, code: string, message: string, extra: Partial<Diagnostic> = {}) => {
    const loc = at(path);
    diagnostics.push({ severity: 'error', code, message, file, line: loc.line, col: loc.col, path: displayPath(path), ...extra });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem([], 'invalid-type', 'a rules file is a map with a `rules:` key', { found: describeValue(raw), expected: '`rules: { custom: [...] }`' });
    return { rules: [], diagnostics };
  }
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (key !== 'rules' && key !== '$schema') {
      problem([key], 'unknown-key', `unknown key \`${key}\` at the top level of a rules file`, { expected: '`rules`', hint: didYouMean(key, ['rules']) });
    }
  }
  if (!('rules' in top)) {
    problem([], 'missing-key', 'missing required key `rules`', { expected: '`rules: { custom: [...] }`' });
    return { rules: [], diagnostics };
  }
  const section = top.rules as Record<string, unknown> | null;
  if (section && typeof section === 'object' && !Array.isArray(section)) {
    for (const key of ['disable', 'override']) {
      if (key in section) problem(['rules', key], 'not-in-rules-file', `\`${key}\` belongs in a model's \`rules:\` section, not in a shared rules file`);
    }
  }
  // The model validator checks the section's structure with its usual messages; only its own paths count.
  const checked = validateModel({ threatmap: 1, system: { name: file }, elements: {}, rules: top.rules }, parsed.source);
  diagnostics.push(...checked.diagnostics.filter((d) => d.path === 'rules' || d.path.startsWith('rules.') || d.path.startsWith('rules[')));
  if (hasErrors(diagnostics) || !checked.model?.rules) return { rules: [], diagnostics: sortDiagnostics(diagnostics) };
  const { rules, issues } = compileSection(checked.model.rules, ['rules'], file);
  diagnostics.push(...ruleDiagnostics(issues, parsed.source));
  return { rules: hasErrors(diagnostics) ? [] : rules, diagnostics: sortDiagnostics(diagnostics) };
}

/** Ids that two rule sets both define: a rules file may not redefine a built-in or another file's rule. */
export function clashingIds(rules: readonly Rule[]): string[] {
  const seen = new Set<string>();
  const clashes = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) clashes.add(r.id);
    seen.add(r.id);
  }
  return [...clashes].sort();
}
