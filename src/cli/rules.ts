// `threatmap rules`: the rule library listed, one rule explained, the facts custom rules may ask about;
// and rules folders (`--rules DIR`) read from disk. Everything shown comes from rule metadata.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exampleText } from '../analysis/rules/example.js';
import { BUILTIN_RULES, familyOf } from '../analysis/rules/index.js';
import { clashingIds, loadRulesText, type RuleFile } from '../analysis/rules/settings.js';
import type { Rule } from '../analysis/rules/types.js';
import { STRIDE_NAMES } from '../analysis/types.js';
import { formatDiagnostics, hasErrors } from '../model/diagnostics.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import {
  COMPARISON_OPERATORS, CONDITION_KEYWORDS, ELEMENT_FACTS, ENDPOINT_FACTS, type FactInfo, FLOW_FACTS, ORDERED_OPERATORS,
} from '../model/rule-facts.js';
import { suggest } from '../model/suggest.js';
import type { Diagnostic } from '../model/types.js';
import { describeError, readModelFile, UserError, writeStderr, writeStdout } from './io.js';

const RULE_FILE = /\.(ya?ml|json)$/i;

export interface LoadedRules {
  rules: Rule[];
  files: RuleFile[];
}

/** Reads every rules file in a folder (sorted, not recursive). Problems come back as diagnostics. */
export function loadRulesDir(dir: string): LoadedRules & { diagnostics: Diagnostic[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`${dir}: not a folder; --rules expects a folder of rule files (.yaml, .yml, .json)`);
    names = readdirSync(dir).filter((n) => RULE_FILE.test(n)).sort();
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${dir}: ${code === 'ENOENT' ? 'no such folder' : `cannot read: ${describeError(err)}`}`);
  }
  const rules: Rule[] = [];
  const files: RuleFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = readModelFile(file, MAX_MODEL_BYTES);
    files.push({ file, text });
    const loaded = loadRulesText(text, file);
    rules.push(...loaded.rules);
    diagnostics.push(...loaded.diagnostics);
  }
  for (const id of clashingIds([...BUILTIN_RULES, ...rules])) {
    const origin = rules.find((r) => r.id === id)?.origin ?? dir;
    diagnostics.push({
      severity: 'error', code: 'duplicate-rule', message: `rule \`${id}\` is defined more than once (${BUILTIN_RULES.some((r) => r.id === id) ? 'it is a built-in rule' : 'in several rules files'})`,
      file: origin.split(':')[0], line: 1, col: 1, path: '', hint: 'give custom rules their own ids; to change a built-in rule use `disable` or `override` in the model',
    });
  }
  return { rules, files, diagnostics };
}

/** Loads a rules folder for a command, or stops with every problem (exit code 2). */
export function loadRulesDirOrExit(dir: string, quiet = false): LoadedRules {
  const { rules, files, diagnostics } = loadRulesDir(dir);
  if (hasErrors(diagnostics)) throw new UserError(formatDiagnostics(diagnostics).trimEnd());
  if (diagnostics.length && !quiet) writeStderr(formatDiagnostics(diagnostics));
  return { rules, files };
}

const appliesTo = (rule: Rule): string => {
  switch (rule.appliesTo) {
    case 'element':
      return `each element of kind ${rule.kinds.join(', ')}`;
    case 'endpoint':
      return rule.endpointKinds.length ? `each endpoint of kind ${rule.endpointKinds.join(', ')}` : 'each endpoint';
    case 'flow':
      return 'each data flow (source, flow, target)';
    case 'model':
      return 'patterns over the whole model';
  }
};

/** `threatmap rules show ID`: everything a reviewer needs to trust (or tune) one rule. */
export function explainRule(rule: Rule): string {
  const family = familyOf(rule.id);
  const wrap = (label: string, text: string) => `${label.padEnd(14)}${text}`;
  return [
    `${rule.id}: ${rule.title}`,
    '',
    wrap('STRIDE:', `${rule.stride} (${STRIDE_NAMES[rule.stride]})`),
    wrap('Family:', family ? family.title : `custom (${rule.origin ?? 'unknown origin'})`),
    wrap('Applies to:', appliesTo(rule)),
    wrap('Looks for:', rule.description),
    wrap('Fires when:', rule.condition),
    wrap('Mitigated by:', `${rule.mitigatedBy.join(', ')} (reported as mitigated in the STRIDE coverage)`),
    wrap('Rating:', rule.rating),
    wrap('Mitigation:', rule.mitigation),
    wrap('Punch list:', rule.action.text.replace('{targets}', '<what to fix>')),
    wrap('References:', rule.references.length ? rule.references.join(', ') : '(none)'),
    '',
    'Example that triggers it (a whole model):',
    ...exampleText(rule).split('\n').map((l) => `  ${l}`),
    '',
    `Tune it per model:  rules: { disable: [${rule.id}] }   or   rules: { override: { ${rule.id}: { likelihood: low, reason: ... } } }`,
    '',
  ].join('\n');
}

function factLines(prefixes: string, facts: Record<string, FactInfo>): string[] {
  return Object.entries(facts).map(([name, info]) => {
    const t = info.type;
    const values = t.kind === 'enum' || t.kind === 'list' ? (t.values ? `: ${t.values.join(', ')}` : '') : '';
    const type = t.kind === 'enum' ? (t.ordered ? 'ordered value' : 'value') : t.kind === 'list' ? 'list' : t.kind;
    return `  ${`${prefixes}.${name}`.padEnd(34)} ${type}${values}\n  ${''.padEnd(34)} ${info.description}`;
  });
}

export function describeFacts(): string {
  const ops = (kind: keyof typeof COMPARISON_OPERATORS) => COMPARISON_OPERATORS[kind].join(', ');
  return [
    'Facts a custom rule condition can ask about (`when:`):',
    '',
    'Element rules (applies-to: element) ask element.*; endpoint rules ask endpoint.* and element.*;',
    'flow rules ask flow.*, source.* and target.* (the element facts of either end).',
    '',
    ...factLines('element', ELEMENT_FACTS),
    '',
    ...factLines('endpoint', ENDPOINT_FACTS),
    '',
    ...factLines('flow', FLOW_FACTS),
    '',
    `Other condition keys: ${CONDITION_KEYWORDS.join(', ')}`,
    '  all: [..] / any: [..] / not: {..}   combine conditions',
    '  has-control: NAME                   the control is in place for the subject',
    '  crosses: KIND                       flow rules: crosses a boundary of that kind (network, data-tier, privilege...)',
    '                                      or a crossing of that kind (internet-to-dmz, app-to-data...)',
    '  exposure: internet|indirect|internal',
    '',
    'Comparisons: `fact: value`, or `fact: { operator: value }` with',
    `  values and strings: ${ops('enum')}; ordered values also ${ORDERED_OPERATORS.join(', ')}`,
    `  numbers: ${ops('number')}; true/false: ${ops('boolean')}`,
    `  lists: ${ops('list')} (a bare value means contains)`,
    '',
  ].join('\n');
}

/** `threatmap rules`: the library, sorted by id, one line each. */
export function rulesAction(opts: { rules?: string }): void {
  const all = [...BUILTIN_RULES, ...(opts.rules ? loadRulesDirOrExit(opts.rules).rules : [])];
  const width = Math.max(...all.map((r) => r.id.length));
  const lines = [...all]
    .sort((a, b) => a.id.localeCompare(b.id, 'en'))
    .map((r) => `${r.id.padEnd(width)}  ${r.stride}  ${(familyOf(r.id)?.id ?? 'custom').padEnd(16)}  ${r.title}`);
  writeStdout(`${lines.join('\n')}\n`);
}

export function ruleShowAction(id: string, _opts: unknown, command: Command): void {
  // `--rules` may be parsed by `rules` itself when written after `show`.
  const opts = command.optsWithGlobals<{ rules?: string }>();
  const all = [...BUILTIN_RULES, ...(opts.rules ? loadRulesDirOrExit(opts.rules).rules : [])];
  const rule = all.find((r) => r.id === id);
  if (!rule) {
    const hint = suggest(id, all.map((r) => r.id));
    throw new UserError(`unknown rule '${id}'${hint ? `; did you mean '${hint}'?` : ''} (see \`threatmap rules\`)`);
  }
  writeStdout(explainRule(rule));
}

export function ruleFactsAction(): void {
  writeStdout(describeFacts());
}
