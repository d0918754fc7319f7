// `threatmap rules`: the rule library, listed or explained one by one (generated from rule metadata).
import type { Command } from 'commander';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import type { Rule } from '../analysis/rules/types.js';
import { STRIDE_NAMES } from '../analysis/types.js';
import { suggest } from '../model/suggest.js';
import { UserError } from './io.js';

const appliesTo = (rule: Rule): string => {
  switch (rule.appliesTo) {
    case 'element':
      return `elements of kind ${rule.kinds.join(', ')}`;
    case 'endpoint':
      return rule.endpointKinds.length ? `endpoints of kind ${rule.endpointKinds.join(', ')}` : 'every endpoint';
    case 'flow':
      return 'every data flow';
    case 'model':
      return 'patterns over the whole model';
  }
};

export function explainRule(rule: Rule): string {
  return [
    `${rule.id}: ${rule.title}`,
    '',
    `STRIDE:      ${rule.stride} (${STRIDE_NAMES[rule.stride]})`,
    `Applies to:  ${appliesTo(rule)}`,
    `Looks for:   ${rule.description}`,
    `Rating:      ${rule.rating}`,
    `Mitigated by: ${rule.mitigatedBy.join(', ')}`,
    `Mitigation:  ${rule.mitigation}`,
    `References:  ${rule.references.join(', ')}`,
    '',
    'Example that triggers it:',
    ...rule.example.split('\n').map((l) => `  ${l}`),
    '',
  ].join('\n');
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('List the threat rules, or explain one with `rules show ID`');
  rules.action(() => {
    const width = Math.max(...BUILTIN_RULES.map((r) => r.id.length));
    const lines = [...BUILTIN_RULES]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => `${r.id.padEnd(width)}  ${r.stride}  ${r.title}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  rules
    .command('show')
    .description('Explain one rule: condition, rating, mitigation, references, example')
    .argument('<id>', 'rule id')
    .action((id: string) => {
      const rule = BUILTIN_RULES.find((r) => r.id === id);
      if (!rule) {
        const hint = suggest(id, BUILTIN_RULES.map((r) => r.id));
        throw new UserError(`unknown rule '${id}'${hint ? `; did you mean '${hint}'?` : ''} (see \`threatmap rules\`)`);
      }
      process.stdout.write(explainRule(rule));
    });
}
