// The `rules:` section of a model (and of a rules file): disable or re-rate built-in rules, and define
// custom rules in a small declarative condition language (facts in rule-facts.ts). zod checks the
// structure; each condition is checked by rule-conditions.ts inside the same validation, so every
// mistake is reported at once with its line. The JSON Schema for editors is written out by hand below,
// because zod only sees a condition as data.
import { z } from 'zod';
import {
  BOUNDARY_KINDS, CONTROLS, LEVELS, STRIDE_NAMES_WRITTEN, STRIDE_SPELLING_PATTERN, STRIDE_SPELLINGS_NOTE,
} from './catalog.js';
import { type ConditionIssue, isControlName, parseCondition } from './rule-conditions.js';
import {
  ALL_FACTS, COMPARISON_OPERATORS, EXPOSURES, type FactType, FLOW_CROSSING_KINDS, ORDERED_OPERATORS, RULE_SUBJECTS,
  type RuleSubject,
} from './rule-facts.js';
import { didYouMean } from './suggest.js';

const CONTROL_NAMES = Object.keys(CONTROLS);

// ---------------------------------------------------------------------------------------------------
// JSON Schema for editors

function comparisonJsonSchema(type: FactType): Record<string, unknown> {
  const scalar: Record<string, unknown> =
    type.kind === 'enum' ? { type: 'string', enum: [...type.values] }
      : type.kind === 'list' ? (type.values ? { type: 'string', enum: [...type.values] } : { type: 'string' })
        : type.kind === 'number' ? { type: 'number' }
          : type.kind === 'boolean' ? { type: 'boolean' } : { type: 'string' };
  const ops = [...COMPARISON_OPERATORS[type.kind], ...(type.kind === 'enum' && type.ordered ? ORDERED_OPERATORS : [])];
  const properties: Record<string, unknown> = {};
  for (const op of ops) {
    if (op === 'exists' || op === 'empty') properties[op] = { type: 'boolean' };
    else if (op === 'in' || op === 'not-in' || op === 'contains-any' || op === 'contains-all') properties[op] = { type: 'array', items: scalar };
    else properties[op] = scalar;
  }
  return { anyOf: [scalar, { type: 'object', properties, additionalProperties: false, minProperties: 1 }] };
}

// Facts of the same type share one comparison schema (element, source and target facts are the same),
// so the published schema stays small.
const comparisonDefs = new Map<string, Record<string, unknown>>();
const comparisonKeys = new Map<string, string>();
function comparisonAnchor(type: FactType): string {
  const schema = comparisonJsonSchema(type);
  const key = JSON.stringify(schema);
  let anchor = comparisonKeys.get(key);
  if (!anchor) {
    anchor = `threatmap-rule-comparison-${comparisonKeys.size + 1}`;
    comparisonKeys.set(key, anchor);
    comparisonDefs.set(anchor, schema);
  }
  return anchor;
}

const conditionJsonSchema: Record<string, unknown> = {
  $anchor: 'threatmap-rule-condition',
  description: 'A condition: exactly one key. `all`/`any` (lists of conditions), `not`, `has-control`, `crosses` (flows), `exposure`, or a fact compared with a value (`element.exposure: internet`) or with operators (`element.data.classification: { gte: confidential }`)',
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    all: { type: 'array', minItems: 1, items: { $ref: '#threatmap-rule-condition' }, description: 'every condition holds' },
    any: { type: 'array', minItems: 1, items: { $ref: '#threatmap-rule-condition' }, description: 'at least one condition holds' },
    not: { $ref: '#threatmap-rule-condition', description: 'the condition does not hold' },
    'has-control': { type: 'string', description: 'the subject has this control in place', examples: CONTROL_NAMES },
    crosses: {
      type: 'string', enum: [...BOUNDARY_KINDS, ...FLOW_CROSSING_KINDS],
      description: 'flow rules: the flow crosses a boundary of this kind, or a crossing of this kind',
    },
    exposure: { type: 'string', enum: [...EXPOSURES], description: 'the subject (element or endpoint) is exactly this reachable' },
    ...Object.fromEntries([...ALL_FACTS].map(([name, info]) => [name, { $ref: `#${comparisonAnchor(info.type)}`, description: info.description }])),
  },
  $defs: Object.fromEntries([...comparisonDefs].map(([anchor, schema]) => [anchor, { $anchor: anchor, ...schema }])),
};

// ---------------------------------------------------------------------------------------------------
// zod: the structure around conditions

export const RULE_ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ruleIdSchema = z.string().regex(RULE_ID_PATTERN).meta({ description: 'A rule id: lower-case words joined by dashes' });
const ratingSchema = z.enum(LEVELS);

/**
 * The canonical names first, so that editors offer them; then the other spellings people write ("Tampering",
 * "Information Disclosure", "DoS"), which normalize turns into the same letters.
 */
export const strideSchema = z.union([
  z.enum(STRIDE_NAMES_WRITTEN as [string, ...string[]]),
  z.string().regex(STRIDE_SPELLING_PATTERN).meta({ description: `The same categories ${STRIDE_SPELLINGS_NOTE.replaceAll('`', '')}` }),
]).meta({
  description: 'The STRIDE category: S, T, R, I, D, E, or spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege (in any case; "Information Disclosure", "DoS" and the like are read too)',
});

export const customRuleSchema = z.strictObject({
  id: ruleIdSchema,
  title: z.string().min(1).meta({ description: 'Short name of the threat; `{name}` (or {element}, {endpoint}, {source}, {target}) is replaced' }),
  stride: strideSchema,
  'applies-to': z.enum(RULE_SUBJECTS).meta({ description: 'What the condition is evaluated on: each element, each endpoint, or each flow' }),
  when: z.unknown().meta(conditionJsonSchema),
  'mitigated-by': z.array(z.string()).optional().meta({
    description: 'Controls that, when in place, turn a match into "mitigated" (shown in the STRIDE coverage)',
    items: { type: 'string', examples: CONTROL_NAMES },
  }),
  likelihood: z.union([ratingSchema, z.literal('exposure')]).optional().meta({
    description: 'low, medium, high, or exposure (from who can reach the subject; the default)',
  }),
  impact: z.union([
    ratingSchema,
    z.strictObject({
      'from-assets': z.enum(['confidentiality', 'integrity', 'availability']),
      default: ratingSchema.optional(),
    }),
  ]).optional().meta({ description: 'low, medium, high (default medium), or { from-assets: confidentiality } to rate by the assets involved' }),
  description: z.string().optional(),
  mitigation: z.string().min(1),
  recommendation: z.string().optional().meta({ description: 'The punch-list line; `{targets}` becomes the list of what to fix' }),
  references: z.array(z.string()).optional().meta({ description: 'CWE, CAPEC, OWASP ids' }),
}).superRefine((rule, ctx) => {
  // Runs even when other fields are wrong, so a file's every mistake is reported at once: the input may
  // not have the rule's shape yet.
  if (typeof rule !== 'object' || rule === null) return;
  const raw = rule as Record<string, unknown>;
  const subject = (RULE_SUBJECTS as readonly unknown[]).includes(raw['applies-to']) ? raw['applies-to'] as RuleSubject : undefined;
  const issues: ConditionIssue[] = [];
  if ('when' in raw) parseCondition(raw.when, ['when'], subject, issues);
  if (Array.isArray(raw['mitigated-by'])) {
    raw['mitigated-by'].forEach((c, i) => {
      if (typeof c === 'string' && !isControlName(c)) {
        issues.push({ at: ['mitigated-by', i], code: 'unknown-control', message: `\`${c}\` is not a control`, hint: didYouMean(c, CONTROL_NAMES) });
      }
    });
  }
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: [...issue.at], message: issueMessage(issue), input: raw });
}, { when: () => true });

/** One line that carries what the checker knows: the problem, then the suggestion or what is expected. */
function issueMessage(issue: ConditionIssue): string {
  if (issue.hint) return `${issue.message}; ${/^(did you mean|use|list|see|in a|`)/.test(issue.hint) ? issue.hint : `hint: ${issue.hint}`}`;
  return issue.expected ? `${issue.message}; expected ${issue.expected}` : issue.message;
}

export const ruleOverrideSchema = z.strictObject({
  likelihood: ratingSchema.optional(),
  impact: ratingSchema.optional(),
  reason: z.string().optional().meta({ description: 'Why the model re-rates the rule; shown with the rating' }),
});

export const rulesSectionSchema = z.strictObject({
  disable: z.array(z.string()).optional().meta({ description: 'Rule ids not to run on this model' }),
  override: z.record(z.string(), ruleOverrideSchema).optional().meta({ description: 'Re-rate rules: rule id -> { likelihood, impact, reason }' }),
  custom: z.array(customRuleSchema).optional().meta({ description: 'Rules of your own, in the declarative condition language' }),
}).meta({ description: 'Tune the rule library for this model: disable or re-rate rules, and add your own' });

export type RawRulesSection = z.infer<typeof rulesSectionSchema>;
export type RawCustomRule = z.infer<typeof customRuleSchema>;
export type RawRuleOverride = z.infer<typeof ruleOverrideSchema>;
