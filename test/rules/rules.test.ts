// The shared rule tester: every built-in rule has a positive fixture (exactly one threat from the rule, on
// the expected component) and a negative one (the control added: no threat, reported as mitigated by it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES, RULE_FAMILIES } from '../../src/analysis/rules/index.js';
import { CONTROLS } from '../../src/model/catalog.js';
import { FIXTURES, type RuleFixture } from './fixtures.js';
import { analyzeText, runOnly } from './harness.js';

const positiveOf = (f: RuleFixture) =>
  f.fill !== undefined ? f.model.replace('$C', f.fill) : f.model.replace(', $C', '').replace('$C', '');
const negativeOf = (f: RuleFixture) => f.model.replace('$C', f.control);

describe('rule library', () => {
  it('has at least 80 rules with unique kebab-case ids', () => {
    assert.ok(BUILTIN_RULES.length >= 80, `${BUILTIN_RULES.length} rules`);
    const ids = BUILTIN_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
    for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
  it('puts every rule in exactly one family', () => {
    const seen = RULE_FAMILIES.flatMap((f) => f.rules.map((r) => r.id));
    assert.equal(seen.length, new Set(seen).size);
    assert.equal(seen.length, BUILTIN_RULES.length);
  });
  it('gives every rule complete metadata', () => {
    for (const r of BUILTIN_RULES) {
      for (const key of ['title', 'description', 'condition', 'mitigation', 'rating', 'example'] as const) {
        assert.ok(r[key].trim().length > 0, `${r.id}: empty ${key}`);
      }
      assert.ok(r.references.length > 0, `${r.id}: no references`);
      assert.ok(r.references.some((x) => /^(CWE|OWASP)/.test(x)), `${r.id}: no CWE or OWASP reference`);
      assert.ok(r.action.text.includes('{targets}'), `${r.id}: action without {targets}`);
      assert.ok(r.mitigatedBy.length > 0, `${r.id}: nothing mitigates it`);
    }
  });
  it('names only catalogued controls in conditions written as `control`', () => {
    const known = new Set(Object.keys(CONTROLS));
    for (const r of BUILTIN_RULES) {
      for (const c of r.mitigatedBy) {
        if (/^[a-z-]+$/.test(c) && !known.has(c) && !['mtls', 'hmac', 'tls'].includes(c)) {
          assert.fail(`${r.id}: mitigatedBy names unknown control ${c}`);
        }
      }
    }
  });
  it('has a positive and a negative fixture for every rule, and no fixture for an unknown rule', () => {
    const ids = new Set(BUILTIN_RULES.map((r) => r.id));
    const missing = BUILTIN_RULES.filter((r) => !FIXTURES.some((f) => f.rule === r.id)).map((r) => r.id);
    assert.deepEqual(missing, [], 'rules without fixtures');
    for (const f of FIXTURES) {
      assert.ok(ids.has(f.rule), `fixture for unknown rule ${f.rule}`);
      assert.equal(f.model.split('$C').length, 2, `${f.rule}: the model must mark exactly one $C`);
    }
  });
});

describe('rule fixtures', () => {
  for (const f of FIXTURES) {
    const rule = BUILTIN_RULES.find((r) => r.id === f.rule);
    describe(f.rule, () => {
      it('positive: reports exactly this threat, with evidence', () => {
        const result = analyzeText(positiveOf(f));
        const found = result.threats.filter((t) => t.ruleId === f.rule);
        assert.equal(found.length, 1, `${f.rule}: expected one threat, got ${found.length}: ${found.map((t) => t.title).join('; ')}`);
        const [t] = found;
        assert.equal(t.component, f.component);
        if (f.endpoint) assert.equal(t.endpoint, f.endpoint);
        assert.equal(t.stride, rule?.stride);
        assert.ok(t.evidence.length > 0, 'no evidence');
        assert.ok(t.evidence.every((e) => e.line > 0), 'evidence without a line');
        assert.ok(t.likelihood.reason && t.impact.reason, 'rating without reasons');
      });
      it(`negative: ${f.control} mitigates it`, () => {
        const text = negativeOf(f);
        const result = analyzeText(text);
        assert.deepEqual(result.threats.filter((t) => t.ruleId === f.rule).map((t) => t.title), []);
        const run = runOnly(text, [rule!]);
        const control = f.mitigatedBy ?? f.control;
        assert.ok(run.mitigations.some((mi) => mi.controls.includes(control)), `${f.rule}: not reported as mitigated by ${control}`);
      });
      for (const n of f.negatives ?? []) {
        it(`negative: ${n.name}`, () => {
          const result = analyzeText(n.model);
          assert.deepEqual(result.threats.filter((t) => t.ruleId === f.rule).map((t) => t.title), []);
        });
      }
    });
  }
});
