// The fast reader must give exactly what the `yaml` library gives (data, positions, diagnostics) or decline.
// Compared on the examples, generated models, hand-picked edge cases and seeded random documents.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { PATH_SEP, PathIndex, fastParseJson, fastParseYaml, fastPaths } from '../../src/model/fast-parse.js';
import { generateModel, modelToJson, modelToYaml, seededRandom } from '../../src/model/generate.js';
import { IndexedSourceMap, parseModelText, pathKey } from '../../src/model/parse.js';

type Outcome = 'same' | 'declined';

/** Parses with and without the fast path; throws if the fast path answered differently. */
function compare(text: string, file: string): Outcome {
  fastPaths.enabled = false;
  let slow;
  try {
    slow = parseModelText(text, file);
  } finally {
    fastPaths.enabled = true;
  }
  const json = /\.json$/i.test(file) || text.trimStart().startsWith('{');
  const direct = json ? (fastParseJson(text) ?? fastParseYaml(text)) : fastParseYaml(text);
  if (direct === undefined) return 'declined';
  const fast = parseModelText(text, file);
  const context = `for input ${JSON.stringify(text.slice(0, 300))}`;
  assert.deepEqual(fast.raw, slow.raw, `data ${context}`);
  assert.deepEqual(fast.diagnostics, slow.diagnostics, `diagnostics ${context}`);
  const entries = (s: unknown) => [...(s as { offsets: ReadonlyMap<string, number> }).offsets.entries()].map(([k, v]) => `${k}=${v}`).sort();
  assert.deepEqual(entries(fast.source), entries(slow.source), `positions ${context}`);
  // Lookups too, for every path in the data and paths below and beside them.
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, p: Array<string | number>) => {
    paths.push(p, [...p, 'zz'], [...p, 0], [...p, '0']);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(slow.raw, []);
  for (const p of paths) assert.deepEqual(fast.source.locate(p), slow.source.locate(p), `locate ${JSON.stringify(p)} ${context}`);
  assert.ok(fast.source instanceof IndexedSourceMap);
  return 'same';
}

const BASE = 'threatmap: 1\nsystem: { name: S }\n';

const SAME = [
  'a: 1\nb: 2\n',
  'a:\n  b: 1\n  c:\n    - x\n    - y\n',
  'a:\n- x\n- y\nb: 1\n',
  'a:\n  - x: 1\n    y: 2\n  - z: 3\n',
  'a: "x\\ty"\nb: \'it\'\'s\'\n',
  'a: x # comment\nb: y#notcomment\n',
  '# lead\n\na: 1 # c\n\n# trail\n',
  'a: [1, 2, 3]\nb: {x: 1, y: [a, b]}\n',
  'a: { x: 1,\n  y: 2 }\n',
  'a: 0x1F\nb: 0o17\nc: 1e3\nd: .inf\ne: -.Inf\nf: .nan\ng: 1.50\nh: +12\ni: 007\nj: 1.2.3\nk: 3rd\n',
  'a: ~\nb: null\nc: Null\nd: NULL\ne: true\nf: False\ng: TRUE\nh: yes\ni: no\nj: on\n',
  'a:\nb: 1\n',
  '"quoted key": 1\n\'single\': 2\n',
  '  a: 1\n  b: 2\n',
  'a: 1\r\nb:\r\n  - x\r\n',
  'a: http://x.y/z\nb: {u: http://x, v: "q:r"}\n',
  'a: [\n  x,\n  y\n  ]\n',
  '{"a": 1, "b": [1, 2]}',
  '{a: 1, b: [x]}',
  'a:\n  # comment\n  b: 1\n',
  '-\n  a: 1\n- b\n',
  'key with spaces: v\nGET /x/{id}: 1\n',
  'flows:\n  - a -> b: { protocol: https, data: [x] }\n  - { from: a, to: b }\n',
  'a: "\\u00e9\\n"\nb: \'\'\nc: ""\n',
  'a: [a # c\n  , b]\n',
  'é: ü\nb: 😀\n',
];

const DECLINED = [
  'a: "x\\x41"\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  text\n', 'a: >\n  text\n', 'a: multi\n  line\n',
  'a: 1\na: 2\n', '---\na: 1\n', 'a: 1\n---\nb: 2\n', '%YAML 1.2\n---\na: 1\n', 'a: { x: 1,\ny: 2 }\n',
  'a: [a, b,]\n', 'a: { x: }\n', 'a: [x: 1]\n', 'a: "unterminated\n', 'a: b: c\n', 'a:\n    b: 1\n  c: 2\n',
  'a: 1\rb: 2\n', 'a:\tb\n', '{"a": 1, "a": 2}', '- - a\n', '? a\n: 1\n', '__proto__: 1\n', 'a: x\n b: y\n',
  '1: a\n', '', '# only comment\n', 'a:\n  -\n  - x\n', 'a: "x"\n"a": 2\n', 'a: @x\n',
];

describe('fast model reader', () => {
  it('joins path segments exactly as parse.ts does', () => {
    assert.equal(pathKey(['elements', 'api', 0]), `${PATH_SEP}elements${PATH_SEP}api${PATH_SEP}0`);
  });

  it('reads the examples as the yaml library does', () => {
    for (const name of ['ecommerce', 'microservices', 'prelaunch']) {
      assert.equal(compare(readFileSync(`examples/${name}.yaml`, 'utf8'), `${name}.yaml`), 'same', name);
    }
  });

  it('reads generated models, YAML and JSON, as the yaml library does', () => {
    for (const [n, seed] of [[10, 1], [300, 2], [2000, 3]] as const) {
      const raw = generateModel({ elements: n, seed });
      assert.equal(compare(modelToYaml(raw), 'g.yaml'), 'same');
      assert.equal(compare(modelToJson(raw), 'g.json'), 'same');
      assert.equal(compare(JSON.stringify(raw, null, 2), 'g.json'), 'same');
      assert.equal(compare(stringify(raw, { lineWidth: 0 }), 'g.yaml'), 'same', 'the yaml library\'s own block style');
    }
  });

  it('gives the same answer on the subset it reads', () => {
    for (const c of SAME) {
      assert.equal(compare(c, 'x.yaml'), 'same', JSON.stringify(c));
      compare(BASE + c, 'x.yaml'); // (some of these are invalid after the prefix: then declined)
    }
  });

  it('declines what it does not read, leaving diagnostics to the yaml library', () => {
    for (const c of DECLINED) assert.equal(compare(c, 'x.yaml'), 'declined', JSON.stringify(c));
  });

  it('agrees with the yaml library on seeded random documents', () => {
    const next = seededRandom('fast-parse');
    const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)];
    const CH = 'abcXYZ019 -_:#/.,[]{}\'"!&*?|>%@`~\\é';
    const WORDS = ['a', 'api', 'true', 'null', '1', '1.5', '0x10', 'x: y', 'a #b', '- x', 'http://h', '', ' lead', 'trail ', 'yes', '~'];
    const str = () => {
      if (next() < 0.5) return pick(WORDS);
      let s = '';
      for (let n = Math.floor(next() * 8); n > 0; n--) s += CH[Math.floor(next() * CH.length)];
      return s;
    };
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.4) return pick<unknown>([str(), str(), 1, -2.5, true, null, 0]);
      if (r < 0.7) {
        const o: Record<string, unknown> = {};
        for (let n = Math.floor(next() * 4); n > 0; n--) o[str() || 'k'] = value(depth + 1);
        return o;
      }
      return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    };
    const styles = [{}, { flowCollectionPadding: false }, { defaultStringType: 'QUOTE_SINGLE' }, { defaultStringType: 'QUOTE_DOUBLE' },
      { collectionStyle: 'flow' }, { indentSeq: false }, { indent: 4 }, { lineWidth: 20 }] as const;
    const outcomes = { same: 0, declined: 0 };
    for (let i = 0; i < 600; i++) {
      const doc = { root: value(0), other: value(0) };
      const text = next() < 0.2 ? JSON.stringify(doc, null, pick([0, 2])) : stringify(doc, pick(styles) as object);
      outcomes[compare(text, next() < 0.1 ? 'x.json' : 'x.yaml')]++;
    }
    assert.ok(outcomes.same > 300, `the fast path should read most documents: ${JSON.stringify(outcomes)}`);
  });

  it('agrees with the yaml library on damaged models (or declines)', () => {
    const next = seededRandom('damage');
    const sources = ['ecommerce', 'microservices', 'prelaunch'].map((x) => readFileSync(`examples/${x}.yaml`, 'utf8'));
    const CH = ' \n-:#{}[],\'"&*!|>? a1.';
    for (let i = 0; i < 600; i++) {
      let t = sources[i % sources.length];
      for (let k = 1 + Math.floor(next() * 3); k > 0; k--) {
        const p = Math.floor(next() * t.length);
        const c = CH[Math.floor(next() * CH.length)];
        const op = next();
        t = op < 0.33 ? t.slice(0, p) + t.slice(p + 1) : op < 0.66 ? t.slice(0, p) + c + t.slice(p) : t.slice(0, p) + c + t.slice(p + 1);
      }
      compare(t, 'x.yaml');
    }
  });

  it('answers lookups like a Map of path keys', () => {
    const r = fastParseYaml('a:\n  b: [x, y]\n  c: { d: 1 }\nlist:\n  - 1\n  - k: v\n');
    assert.ok(r);
    const index: PathIndex = r.offsets;
    const key = (...p: Array<string | number>) => pathKey(p);
    assert.equal(index.get(''), 0);
    assert.equal(index.get(key('a')), 0);
    assert.equal(index.get(key('a', 'b', 1)), 12);
    assert.equal(index.get(key('list', 1, 'k')), 45);
    assert.equal(index.get(key('a', 'zz')), undefined);
    assert.equal(index.get(key('list', 2)), undefined);
    assert.equal(index.has(key('a', 'c', 'd')), true);
    assert.equal(index.size, [...index.entries()].length);
    assert.equal(index.size, 11);
  });
});
