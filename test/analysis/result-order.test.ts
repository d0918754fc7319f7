// Report order and stable ids as documented, checked against a plain sort of the threats: risk, likelihood,
// impact (highest first), STRIDE letter (S-T-R-I-D-E), then key. The analysis gets there without comparing
// keys; these models include rule ids where one `ruleId@` starts another's keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { RATINGS, RISKS, STRIDE_LETTERS, type AnalysisResult, type Threat } from '../../src/analysis/types.js';
import { generateModelText } from '../../src/model/generate.js';
import { loadModel } from '../../src/model/load.js';
import { threatUid } from '../../src/track/uid.js';
import { analyzeExample } from '../helpers.js';

const rank = (t: Threat): number[] => [
  -RISKS.indexOf(t.risk), -RATINGS.indexOf(t.likelihood.level), -RATINGS.indexOf(t.impact.level), STRIDE_LETTERS.indexOf(t.stride),
];

function assertReportOrder(r: AnalysisResult, name: string) {
  const expected = [...r.threats].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  assert.deepEqual(r.threats.map((t) => t.key), expected.map((t) => t.key), `${name}: report order`);
  r.threats.forEach((t, i) => {
    assert.equal(t.id, `T${i + 1}`);
    assert.equal(t.uid, threatUid(t.key), `${name}: uid of ${t.key}`);
    assert.equal(t.key, `${t.ruleId}@${t.endpoint || t.component}`);
  });
}

const generated = (seed: number) => {
  const loaded = loadModel(generateModelText({ elements: 300, seed }), `g${seed}.yaml`);
  assert.ok(loaded.model);
  return loaded;
};

describe('report order', () => {
  it('is risk, likelihood, impact, STRIDE, then key, in the examples and generated models', () => {
    for (const name of ['ecommerce', 'microservices', 'prelaunch']) assertReportOrder(analyzeExample(name), name);
    for (const seed of [1, 7]) {
      const loaded = generated(seed);
      assertReportOrder(analyze(loaded.model!, { source: loaded.source }), `generated ${seed}`);
    }
  });

  it('holds for rule ids that hold an @, one rule id starting another\'s keys', () => {
    const loaded = generated(3);
    // Copies of one rule find the same threats, rated alike: their keys meet in every tie.
    const waf = BUILTIN_RULES.find((rule) => rule.id === 'missing-waf')!;
    const copies = ['x', 'x@a', 'x@a@b', 'x-', 'x@z'].map((id) => ({ ...waf, id }) as Rule);
    const r = analyze(loaded.model!, { rules: [...BUILTIN_RULES.filter((rule) => rule !== waf), ...copies], source: loaded.source });
    assert.ok(copies.every((c) => r.threats.filter((t) => t.ruleId === c.id).length > 1), 'every copy fires');
    assertReportOrder(r, 'renamed rules');
  });

  it('holds for two rules of one id', () => {
    const loaded = generated(5);
    const waf = BUILTIN_RULES.find((rule) => rule.id === 'missing-waf')!;
    const r = analyze(loaded.model!, { rules: [...BUILTIN_RULES, { ...waf, stride: 'T' } as Rule], source: loaded.source });
    assertReportOrder(r, 'repeated rule id');
  });
});
