// splitFlowArrow stands in for FLOW_ARROW.exec, and the reader's ShorthandFlow entries for the maps they
// replace: both must answer exactly as the originals do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShorthandFlow, fastParseYaml } from '../../src/model/fast-parse.js';
import { loadModel } from '../../src/model/load.js';
import { readFlowRefs } from '../../src/model/normalize.js';
import { parseModelText } from '../../src/model/parse.js';
import { FLOW_ARROW, splitFlowArrow } from '../../src/model/flow-arrow.js';
import { validateModel } from '../../src/model/validate.js';

const byRegex = (key: string): [string, string] | undefined => {
  const m = FLOW_ARROW.exec(key);
  return m === null ? undefined : [m[1], m[2]];
};

describe('splitFlowArrow', () => {
  it('splits like FLOW_ARROW on hand-picked keys', () => {
    const keys = [
      'a -> b', 'a->b', 'a ->b', 'a-> b', '  a  ->  b  ', 'a->b->c', 'a -> b -> c', 'a-->b', 'a->->b', '->b', 'a->',
      '->', ' -> ', 'a -> ', ' -> b', 'a b', 'a - > b', 'a -> b c', 'a\u00a0->\u2003b', 'a\t->\nb', 'a -> ->', '-> -> b',
      'a->b ->c', 'a-> b->c', '', 'web', 'x->y z', 'x ->y->z', 'a -> b\ufeff',
    ];
    for (const key of keys) assert.deepEqual(splitFlowArrow(key), byRegex(key), JSON.stringify(key));
  });

  it('splits like FLOW_ARROW on every short key of arrows, words and spaces', () => {
    const parts = ['a', 'b', '-', '>', '->', ' ', '\u00a0', '\t'];
    let checked = 0;
    const build = (prefix: string, left: number): void => {
      assert.deepEqual(splitFlowArrow(prefix), byRegex(prefix), JSON.stringify(prefix));
      checked++;
      if (left > 0) for (const p of parts) build(prefix + p, left - 1);
    };
    build('', 5);
    assert.ok(checked > 30000);
  });
});

const MODEL = `threatmap: 1
system: { name: S }
elements:
  web: { kind: process }
  api: { kind: process }
  db: { kind: store }
flows:
  - web -> api: https
  - api->db: { protocol: postgres, data: [] }
  - from: web
    to: db
    protocol: https
  - web -> db: tcp
    id: second
`;

describe('shorthand flows as the reader hands them to loading', () => {
  it('are ShorthandFlow objects only for maps whose one key is an arrow, and only when asked for', () => {
    const fast = fastParseYaml(MODEL, true)!;
    const flows = (fast.raw as { flows: unknown[] }).flows;
    assert.deepEqual(flows.map((f) => f instanceof ShorthandFlow), [true, true, false, false]);
    assert.deepEqual(flows[0], new ShorthandFlow('web -> api', 'web', 'api', 'https'));
    const plain = (fastParseYaml(MODEL)!.raw as { flows: unknown[] }).flows;
    assert.deepEqual(flows.map((f) => (f instanceof ShorthandFlow ? f.toPlain() : f)), plain);
    assert.ok(plain.every((f) => !(f instanceof ShorthandFlow)));
  });

  it('give the same flow references as the maps they stand for', () => {
    const shorthand = readFlowRefs((fastParseYaml(MODEL, true)!.raw as { flows: unknown }).flows);
    const plain = readFlowRefs((fastParseYaml(MODEL)!.raw as { flows: unknown }).flows);
    assert.deepEqual(shorthand, plain);
    assert.deepEqual(shorthand.map((f) => `${f.from} ${f.to} ${f.arrow}`), [
      'web api web -> api', 'api db api->db', 'web db undefined', 'web db web -> db',
    ]);
  });

  it('are reported on exactly as the maps are when invalid', () => {
    const bad = MODEL.replace('web -> api: https', 'web -> api: htps').replace('api->db: { protocol', 'api->db: { protocl');
    const withShorthand = parseModelText(bad, 'm.yaml', { shorthandFlows: true });
    const raw = withShorthand.raw as { flows: unknown[] };
    assert.ok(raw.flows[0] instanceof ShorthandFlow);
    const plain = parseModelText(bad, 'm.yaml');
    const a = validateModel(withShorthand.raw, withShorthand.source);
    const b = validateModel(plain.raw, plain.source);
    assert.deepEqual(a.diagnostics, b.diagnostics);
    assert.deepEqual(a.diagnostics.map((d) => d.code).sort(), ['duplicate-id', 'invalid-flow', 'invalid-value', 'missing-key', 'unknown-key']);
    // The entries were put back as maps before the problems were worded.
    assert.ok(!(raw.flows[0] instanceof ShorthandFlow));
  });

  it('load into the same model as the maps', () => {
    const valid = MODEL.replace('tcp\n    id: second', '{ id: second, protocol: tcp }');
    const loaded = loadModel(valid, 'm.yaml');
    assert.ok(loaded.model);
    assert.deepEqual(loaded.model.flows.map((f) => `${f.id} ${f.protocol} ${f.loc.line}:${f.loc.col}`), [
      'web->api https 8:5', 'api->db postgres 9:5', 'web->db https 10:5', 'second tcp 13:5',
    ]);
  });
});
