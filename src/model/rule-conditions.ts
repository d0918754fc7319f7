// The condition language of custom rules: checking a condition (each mistake with its path and an
// explanation) and describing it in words. Conditions stay data: the analysis interprets the parsed
// tree (src/analysis/rules/custom.ts); nothing is ever evaluated as code.
import { BOUNDARY_KINDS, CONTROLS } from './catalog.js';
import { describeValue, listValues } from './diagnostics.js';
import {
  ALL_FACTS, COMPARISON_OPERATORS, CONDITION_KEYWORDS, EXPOSURES, type FactInfo, type FactType, FLOW_CROSSING_KINDS,
  ORDERED_OPERATORS, type RuleSubject, SUBJECT_PREFIXES,
} from './rule-facts.js';
import { didYouMean } from './suggest.js';
import type { ModelPath } from './types.js';

/** A mistake in a condition, at its path (relative to where the checker was called). */
export interface ConditionIssue {
  at: ModelPath;
  code: string;
  message: string;
  found?: string;
  expected?: string;
  hint?: string;
}

/** Custom controls start with `x-` (the same rule as the model schema's; a test keeps them equal). */
export const CUSTOM_CONTROL_NAME = /^x-[a-z0-9][a-z0-9-]*$/;

export type Test = { operator: string; value: unknown };
export type Condition =
  | { op: 'all' | 'any'; items: Condition[] }
  | { op: 'not'; item: Condition }
  | { op: 'has-control'; control: string }
  | { op: 'crosses'; value: string }
  | { op: 'exposure'; value: string }
  | { op: 'fact'; name: string; info: FactInfo & { prefix: string; fact: string }; tests: Test[] };

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const CONTROL_NAMES = Object.keys(CONTROLS);
export const isControlName = (c: string) => Object.hasOwn(CONTROLS, c) || CUSTOM_CONTROL_NAME.test(c);
const CROSSES_VALUES: readonly string[] = [...BOUNDARY_KINDS, ...FLOW_CROSSING_KINDS];

/** The facts a rule about `subject` may use; all of them while the subject itself is unknown. */
function allowedFacts(subject: RuleSubject | undefined): string[] {
  return [...ALL_FACTS.keys()].filter((n) => subject === undefined || SUBJECT_PREFIXES[subject].includes(n.split('.')[0]));
}

/** Checks and parses one condition; every mistake becomes an issue, and undefined comes back. */
export function parseCondition(raw: unknown, at: ModelPath, subject: RuleSubject | undefined, issues: ConditionIssue[]): Condition | undefined {
  if (!isMap(raw)) {
    issues.push({
      at, code: 'invalid-condition', message: 'a condition is a map with one key',
      found: describeValue(raw), expected: '`all:`, `any:`, `not:`, `has-control:`, or a fact such as `element.exposure: internet`',
    });
    return undefined;
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    issues.push({
      at, code: 'invalid-condition',
      message: keys.length === 0 ? 'empty condition' : `a condition has exactly one key, found ${keys.length} (${keys.join(', ')})`,
      hint: keys.length > 1 ? 'list them under `all:` (every one must hold) or `any:` (one is enough)' : undefined,
    });
    return undefined;
  }
  const key = keys[0];
  const value = raw[key];
  const here = [...at, key];
  switch (key) {
    case 'all':
    case 'any': {
      if (!Array.isArray(value) || value.length === 0) {
        issues.push({ at: here, code: 'invalid-condition', message: `\`${key}\` takes a non-empty list of conditions`, found: describeValue(value) });
        return undefined;
      }
      const items = value.map((v, i) => parseCondition(v, [...here, i], subject, issues));
      return items.every((x) => x !== undefined) ? { op: key, items: items as Condition[] } : undefined;
    }
    case 'not': {
      const item = parseCondition(value, here, subject, issues);
      return item ? { op: 'not', item } : undefined;
    }
    case 'has-control': {
      if (typeof value !== 'string' || !isControlName(value)) {
        issues.push({
          at: here, code: 'unknown-control', message: `\`${String(value)}\` is not a control`, found: describeValue(value),
          expected: 'a built-in control or a custom one starting with `x-`', hint: didYouMean(String(value), CONTROL_NAMES),
        });
        return undefined;
      }
      return { op: 'has-control', control: value };
    }
    case 'crosses': {
      if (subject !== undefined && subject !== 'flow') {
        issues.push({ at: here, code: 'wrong-subject', message: `\`crosses\` applies to flows; this rule applies to ${subject}s`, hint: 'use `applies-to: flow`' });
        return undefined;
      }
      if (typeof value !== 'string' || !CROSSES_VALUES.includes(value)) {
        issues.push({
          at: here, code: 'invalid-value', message: `\`${String(value)}\` is not a boundary kind or crossing kind`, found: describeValue(value),
          expected: `one of ${listValues(CROSSES_VALUES, 20)}`, hint: didYouMean(String(value), CROSSES_VALUES),
        });
        return undefined;
      }
      return { op: 'crosses', value };
    }
    case 'exposure': {
      if (subject === 'flow') {
        issues.push({ at: here, code: 'wrong-subject', message: '`exposure` applies to elements and endpoints', hint: 'in a flow rule ask `source.exposure` or `target.exposure`' });
        return undefined;
      }
      if (typeof value !== 'string' || !(EXPOSURES as readonly string[]).includes(value)) {
        issues.push({ at: here, code: 'invalid-value', message: `\`${String(value)}\` is not an exposure`, found: describeValue(value), expected: `one of ${listValues(EXPOSURES)}`, hint: didYouMean(String(value), EXPOSURES) });
        return undefined;
      }
      return { op: 'exposure', value };
    }
  }
  const info = ALL_FACTS.get(key);
  const allowed = allowedFacts(subject);
  if (!info) {
    issues.push({
      at: here, code: 'unknown-fact', message: `unknown fact \`${key}\``,
      expected: `a fact such as ${listValues(allowed.slice(0, 6))}, or one of ${listValues(CONDITION_KEYWORDS)}`,
      hint: didYouMean(key, [...allowed, ...CONDITION_KEYWORDS]) ?? 'see `threatmap rules facts` for every fact',
    });
    return undefined;
  }
  if (subject !== undefined && !allowed.includes(key)) {
    issues.push({
      at: here, code: 'wrong-subject', message: `\`${key}\` is not a fact of ${subject === 'flow' ? 'a flow' : `an ${subject}`} rule`,
      expected: `facts starting with ${SUBJECT_PREFIXES[subject].map((p) => `\`${p}.\``).join(', ')}`,
      hint: `\`applies-to: ${subjectFor(info.prefix)}\` rules can ask it`,
    });
    return undefined;
  }
  const tests = parseComparison(value, here, key, info.type, issues);
  return tests ? { op: 'fact', name: key, info, tests } : undefined;
}

const subjectFor = (prefix: string): RuleSubject => (prefix === 'endpoint' ? 'endpoint' : prefix === 'element' ? 'element' : 'flow');

function operatorsFor(type: FactType): readonly string[] {
  return [...COMPARISON_OPERATORS[type.kind], ...(type.kind === 'enum' && type.ordered ? ORDERED_OPERATORS : [])];
}

function checkScalar(value: unknown, at: ModelPath, fact: string, type: FactType, issues: ConditionIssue[]): boolean {
  const values = type.kind === 'enum' ? type.values : type.kind === 'list' ? type.values : undefined;
  const controlList = fact.endsWith('.controls');
  if (type.kind === 'number') {
    if (typeof value === 'number') return true;
  } else if (type.kind === 'boolean') {
    if (typeof value === 'boolean') return true;
  } else if (typeof value === 'string') {
    if (values && !values.includes(value)) {
      issues.push({
        at, code: 'invalid-value', message: `\`${value}\` is not a value of \`${fact}\``, found: describeValue(value),
        expected: `one of ${listValues(values, 20)}`, hint: didYouMean(value, values),
      });
      return false;
    }
    if (controlList && !isControlName(value)) {
      issues.push({ at, code: 'unknown-control', message: `\`${value}\` is not a control`, found: describeValue(value), hint: didYouMean(value, CONTROL_NAMES) });
      return false;
    }
    return true;
  }
  const expected = type.kind === 'number' ? 'a number' : type.kind === 'boolean' ? 'true or false' : 'a string';
  issues.push({ at, code: 'invalid-type', message: `\`${fact}\` compares with ${expected}`, found: describeValue(value), expected });
  return false;
}

function parseComparison(value: unknown, at: ModelPath, fact: string, type: FactType, issues: ConditionIssue[]): Test[] | undefined {
  if (!isMap(value)) {
    if (Array.isArray(value)) {
      issues.push({
        at, code: 'invalid-type', message: `\`${fact}\` compares with one value; for several, use an operator`, found: describeValue(value),
        hint: type.kind === 'list' ? `\`{ contains-any: [...] }\` or \`{ contains-all: [...] }\`` : '`{ in: [...] }`',
      });
      return undefined;
    }
    return checkScalar(value, at, fact, type, issues) ? [{ operator: type.kind === 'list' ? 'contains' : 'equals', value }] : undefined;
  }
  const ops = operatorsFor(type);
  const entries = Object.entries(value);
  if (entries.length === 0) {
    issues.push({ at, code: 'invalid-condition', message: `no comparison for \`${fact}\``, expected: `one of ${listValues(ops)}` });
    return undefined;
  }
  const tests: Test[] = [];
  let ok = true;
  for (const [operator, operand] of entries) {
    const here = [...at, operator];
    if (!ops.includes(operator)) {
      const all = [...new Set(Object.values(COMPARISON_OPERATORS).flat().concat(ORDERED_OPERATORS))];
      issues.push({
        at: here, code: 'invalid-operator',
        message: all.includes(operator) ? `\`${operator}\` does not apply to \`${fact}\` (${type.kind === 'enum' && !type.ordered ? 'unordered values' : type.kind})` : `unknown operator \`${operator}\``,
        expected: `one of ${listValues(ops)}`, hint: didYouMean(operator, ops),
      });
      ok = false;
      continue;
    }
    if (operator === 'exists' || operator === 'empty') {
      if (typeof operand !== 'boolean') {
        issues.push({ at: here, code: 'invalid-type', message: `\`${operator}\` takes true or false`, found: describeValue(operand) });
        ok = false;
      }
    } else if (['in', 'not-in', 'contains-any', 'contains-all'].includes(operator)) {
      if (!Array.isArray(operand) || operand.length === 0) {
        issues.push({ at: here, code: 'invalid-type', message: `\`${operator}\` takes a non-empty list`, found: describeValue(operand) });
        ok = false;
      } else if (!operand.every((v, i) => checkScalar(v, [...here, i], fact, type, issues))) ok = false;
    } else if (!checkScalar(operand, here, fact, type, issues)) ok = false;
    tests.push({ operator, value: operand });
  }
  return ok ? tests : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Describing conditions in words (rules show, the catalogue)

export const showValue = (v: unknown) => (Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v));
const OPERATOR_WORDS: Record<string, string> = {
  equals: 'is', 'not-equals': 'is not', in: 'is one of', 'not-in': 'is none of', gt: '>', gte: '>=', lt: '<', lte: '<=',
  contains: 'contains', 'contains-any': 'contains any of', 'contains-all': 'contains all of', 'not-contains': 'does not contain',
};

export function describeCondition(c: Condition): string {
  switch (c.op) {
    case 'all': return c.items.length === 1 ? describeCondition(c.items[0]) : `all of (${c.items.map(describeCondition).join('; ')})`;
    case 'any': return c.items.length === 1 ? describeCondition(c.items[0]) : `any of (${c.items.map(describeCondition).join('; ')})`;
    case 'not': return `not (${describeCondition(c.item)})`;
    case 'has-control': return `has control ${c.control}`;
    case 'crosses': return `crosses ${c.value}`;
    case 'exposure': return `exposure is ${c.value}`;
    case 'fact':
      return c.tests.map((t) => t.operator === 'exists' ? `${c.name} ${t.value ? 'is set' : 'is not set'}`
        : t.operator === 'empty' ? `${c.name} is ${t.value ? '' : 'not '}empty`
          : `${c.name} ${OPERATOR_WORDS[t.operator]} ${showValue(t.value)}`).join(' and ');
  }
}
