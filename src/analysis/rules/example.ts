// A rule's example is written short: the sections of a model, or, when elements alone trigger the rule,
// the `elements:` map by itself. Users see it, and the tests check it, as a whole model.
import type { RuleMeta } from './types.js';

const SECTION = /^(boundaries|assets|elements|flows|assumptions|rules):/m;

/** The example as the sections of a model: a bare elements map goes under `elements:`. */
function exampleSections(example: string): string {
  return SECTION.test(example) ? example : `elements:\n${example.split('\n').map((l) => `  ${l}`).join('\n')}`;
}

/** The example as a whole model file, to paste and run: it loads, and the rule reports a threat. */
export function exampleModel(example: string): string {
  return `threatmap: 1\nsystem: { name: Example }\n${exampleSections(example)}\n`;
}

/**
 * The example as users read it (`rules show`, the rules catalogue, SARIF rule help): a whole model for a
 * built-in rule; a custom rule's example only says where it was defined.
 */
export function exampleText(rule: Pick<RuleMeta, 'example' | 'origin'>): string {
  return rule.origin === undefined ? exampleModel(rule.example).trimEnd() : rule.example;
}
