// The quick checks must never accept what zod refuses, and should accept what it accepts: validateModel
// must give the same model and the same diagnostics with and without them. Compared on the examples,
// generated models, and seeded random damage to them (wrong types, unknown keys, bad ids, odd numbers...).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { generateModel, seededRandom } from '../../src/model/generate.js';
import { emptySourceMap } from '../../src/model/parse.js';
import { compileCheck } from '../../src/model/schema-check.js';
import { flowDetailsSchema, fullFlowSchema, modelSchema, protocolSchema } from '../../src/model/schema.js';
import { quickChecks, validateModel } from '../../src/model/validate.js';

const source = emptySourceMap('m.yaml');

/** Validates with and without the quick checks; throws if they disagree in any way. */
function compare(raw: unknown, context: string): void {
  quickChecks.enabled = false;
  let slow;
  try {
    slow = validateModel(raw, source);
  } finally {
    quickChecks.enabled = true;
  }
  const fast = validateModel(raw, source);
  assert.deepEqual(fast.diagnostics, slow.diagnostics, `diagnostics ${context}`);
  assert.equal(fast.model, slow.model, `model ${context}`);
}

const RULES = {
  disable: ['no-mutual-tls'],
  override: { 'weak-auth': { likelihood: 'low', reason: 'tested' } },
  custom: [{
    id: 'payment-needs-waf', title: 'Payment data at {name}', stride: 'T', 'applies-to': 'element',
    when: { all: [{ 'element.data.types': 'payment' }, { exposure: 'internet' }] },
    'mitigated-by': ['waf'], likelihood: 'medium', impact: { 'from-assets': 'integrity' }, mitigation: 'Add a WAF.',
  }],
};

const THREATS = {
  'coupon-stacking': {
    title: 'Coupons can be stacked', stride: 'tampering', on: 'api:POST /checkout', impact: 'high',
    description: 'Every coupon in the request applies.', mitigation: 'One coupon per order.', 'mitigated-by': ['x-coupon-rules'], references: ['CWE-840'],
  },
  outage: { title: 'The region goes down', stride: 'D', likelihood: 'exposure', impact: 'assets' },
  insider: { title: 'An operator copies the orders', stride: 'I', on: ['db', 'api -> db', 'data'], likelihood: 'low' },
};

function models(): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const name of ['ecommerce', 'microservices', 'prelaunch']) {
    out.push([name, parse(readFileSync(`examples/${name}.yaml`, 'utf8')) as Record<string, unknown>]);
  }
  for (const [n, seed] of [[12, 1], [25, 2], [50, 3]] as const) {
    out.push([`generated ${n}`, generateModel({ elements: n, seed }) as unknown as Record<string, unknown>]);
  }
  out.push(['with rules', { ...out[3][1], rules: RULES }]);
  out.push(['with written threats', { ...out[0][1], threats: THREATS }]);
  return out;
}

/** Values that each break some part of the schema, or nearly do. */
const ODD: unknown[] = [
  undefined, null, true, false, 0, -1, 1.5, 65535, 65536, NaN, Infinity, -0, 2 ** 53, '', ' ', 'x', 'x-custom',
  'X-Bad', 'bad id!', 'https', 'internal', 'process', 'store', 'api', 'none', 'high', 'a -> b', 'GET', [], ['x'],
  [1], [null], {}, { protocol: 'https' }, { name: 1 }, { unknown: 1 }, new Date(0),
];

const show = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

describe('quick schema checks', () => {
  it('accept every valid model, as zod does', () => {
    for (const [name, raw] of models()) {
      const check = compileCheck(modelSchema);
      assert.equal(modelSchema.safeParse(raw).success, true, name);
      assert.equal(check(raw), true, `${name} should take the quick path`);
      compare(raw, name);
    }
  });

  it('agree with zod on seeded random damage', () => {
    const next = seededRandom('schema-check');
    const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)];
    const sources = models();
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      const [name, original] = sources[i % sources.length];
      const raw = structuredClone(original);
      // Every map and list in the document, with its keys: the places a mistake can sit.
      const places: Array<[Record<string, unknown> | unknown[], string | number]> = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach((x, k) => { places.push([v, k]); walk(x); });
        else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) { places.push([v as Record<string, unknown>, k]); walk(x); }
      };
      walk(raw);
      const edits: string[] = [];
      for (let k = 1 + Math.floor(next() * 2); k > 0; k--) {
        const [parent, key] = pick(places);
        const op = next();
        const target = parent as Record<string | number, unknown>;
        if (op < 0.4) {
          target[key] = pick(ODD);
          edits.push(`${String(key)}=${show(target[key])}`);
        } else if (op < 0.55 && !Array.isArray(parent)) {
          delete target[key];
          edits.push(`delete ${String(key)}`);
        } else if (op < 0.68 && !Array.isArray(parent)) {
          const renamed = pick(['contrls', 'name', 'bad id!', '__proto__', 'x-custom', 'a -> b', 'from', 'protocol']);
          Object.defineProperty(target, renamed, { value: target[key], enumerable: true, writable: true, configurable: true });
          delete target[key];
          edits.push(`rename ${String(key)} ${renamed}`);
        } else if (op < 0.8 && !Array.isArray(parent)) {
          const added = pick(['protocol', 'from', 'to', 'a -> b', 'x -> y', 'id', 'data', 'zz']);
          target[added] = pick(ODD);
          edits.push(`add ${added}`);
        } else if (op < 0.88) {
          // A value that is not a plain object but looks like one, or holds a getter.
          const inner = target[key];
          target[key] = next() < 0.5 && inner !== null && typeof inner === 'object'
            ? Object.assign(Object.create({ inherited: 1 }), inner)
            : Object.defineProperty({}, 'protocol', { get: () => 'https', enumerable: next() < 0.5 });
          edits.push(`oddify ${String(key)}`);
        } else {
          target[key] = structuredClone(pick(places)[0]);
          edits.push(`copy into ${String(key)}`);
        }
      }
      const context = `${name} after ${edits.join(', ')}`;
      compare(raw, context);
      if (!modelSchema.safeParse(raw).success) refused++;
    }
    assert.ok(refused > 300 && refused < 900, `the damage should often, not always, break the schema: ${refused}`);
  });

  it('read plain data by its own keys and answer as the full check does', () => {
    const plain = compileCheck(flowDetailsSchema, true);
    const full = compileCheck(flowDetailsSchema);
    const cases: unknown[] = [
      { protocol: 'https' }, { protocol: 'https', port: 443, data: ['a'] }, { port: 443 }, { protocol: 'https', zz: 1 },
      { protocol: 'htps' }, { protocol: 'https', port: -1 }, { protocol: undefined }, { protocol: 'https', port: undefined },
      JSON.parse('{"protocol": "https", "__proto__": 1}'), Object.assign(Object.create({ port: -1 }), { protocol: 'https' }),
      ...ODD,
    ];
    for (const v of cases) {
      assert.equal(plain(v), full(v), show(v));
      if (plain(v)) assert.equal(flowDetailsSchema.safeParse(v).success, true, show(v));
    }
    for (const [name, raw] of models()) assert.equal(compileCheck(modelSchema, true)(raw), true, name);
  });

  it('never vouch for what zod refuses, on odd values of every kind', () => {
    for (const schema of [modelSchema, fullFlowSchema, flowDetailsSchema, protocolSchema]) {
      const check = compileCheck(schema);
      // (A map without a prototype cannot come from a parser, and zod's messages cannot print it.)
      for (const v of [...ODD, Object.create(null)]) {
        if (check(v)) assert.equal(schema.safeParse(v).success, true, show(v));
      }
    }
    const check = compileCheck(flowDetailsSchema);
    const sym = { protocol: 'https', [Symbol('s')]: 1 };
    assert.equal(check(sym), flowDetailsSchema.safeParse(sym).success);
    const hidden = Object.defineProperty({ protocol: 'https' }, 'port', { value: -5, enumerable: false });
    assert.equal(check(hidden), false);
    assert.equal(flowDetailsSchema.safeParse(hidden).success, false);
  });
});
