import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sortDiagnostics } from '../../src/model/diagnostics.js';
import { parseModelText } from '../../src/model/parse.js';
import type { Diagnostic } from '../../src/model/types.js';
import { validateModel } from '../../src/model/validate.js';
import { SKETCH, brief } from './helpers.js';

function check(text: string, file = 'model.yaml') {
  const parsed = parseModelText(text, file);
  assert.deepEqual(parsed.diagnostics, [], 'the test model must parse');
  return validateModel(parsed.raw, parsed.source);
}
const fixture = (name: string) => check(readFileSync(`test/fixtures/bad/${name}`, 'utf8'), name);
const find = (list: Diagnostic[], code: string, line: number): Diagnostic => {
  const d = list.find((x) => x.code === code && x.line === line);
  assert.ok(d, `no ${code} on line ${line} in:\n${brief(list).join('\n')}`);
  return d;
};
const minimal = (elements: string, rest = '') => `threatmap: 1\nsystem: { name: t }\nelements:\n${elements}\n${rest}`;

describe('validateModel', () => {
  it('accepts the sketch with no diagnostics', () => {
    const r = check(SKETCH);
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.model);
    assert.equal(r.model.flows?.length, 6);
  });

  it('reports wrong types with what was found and expected', () => {
    const r = fixture('wrong-types.yaml');
    assert.equal(r.model, undefined);
    assert.deepEqual(brief(r.diagnostics), [
      'error invalid-type@3:3', 'error invalid-type@7:5', 'error invalid-value@8:5', 'error invalid-type@9:5',
      'error invalid-type@11:18', 'error invalid-type@12:1',
    ]);
    const name = find(r.diagnostics, 'invalid-type', 3);
    assert.equal(name.path, 'system.name');
    assert.equal(name.found, 'integer 42');
    assert.equal(name.expected, 'a string');
    assert.equal(find(r.diagnostics, 'invalid-type', 9).hint, 'write a list: `[waf]`');
    assert.equal(find(r.diagnostics, 'invalid-type', 11).path, 'elements.api.endpoints["/search"].public');
  });

  it('reports unknown references with a suggestion', () => {
    const r = fixture('unknown-references.yaml');
    assert.deepEqual(brief(r.diagnostics), [
      'error unknown-reference@5:30', 'error unknown-reference@10:49', 'error unknown-reference@13:5',
      'error unknown-reference@15:28', 'error unknown-reference@18:5', 'error unknown-reference@19:57',
      'error unknown-reference@20:36', 'error unknown-reference@23:16',
    ]);
    const order = find(r.diagnostics, 'unknown-reference', 10);
    assert.equal(order.message, 'unknown asset `order`');
    assert.equal(order.hint, 'did you mean `orders`?');
    assert.equal(order.path, 'elements.web.handles[1]');
    assert.equal(find(r.diagnostics, 'unknown-reference', 18).hint, 'did you mean `api`?');
    assert.equal(find(r.diagnostics, 'unknown-reference', 20).message, '`api` has no endpoint `/serch`');
    assert.equal(find(r.diagnostics, 'unknown-reference', 20).hint, 'did you mean `/search`?');
    assert.equal(find(r.diagnostics, 'unknown-reference', 23).hint, 'did you mean `db`?');
  });

  it('accepts a field of an asset (`orders.price`) as a reference to the asset', () => {
    const r = check(minimal('  api: { kind: process, endpoints: { /cart: { accepts: [orders.price] } } }', 'assets:\n  orders: {}\n'));
    assert.deepEqual(r.diagnostics, []);
  });

  it('reports unknown keys at the key, with a suggestion', () => {
    const r = fixture('unknown-key.yaml');
    assert.deepEqual(brief(r.diagnostics), [
      'error unknown-key@4:3', 'error unknown-key@8:5', 'error unknown-key@12:31', 'error unknown-key@14:36',
    ]);
    const contrls = find(r.diagnostics, 'unknown-key', 8);
    assert.equal(contrls.message, 'unknown key `contrls` in `elements.api`');
    assert.equal(contrls.hint, 'did you mean `controls`?');
    assert.equal(contrls.path, 'elements.api.contrls');
    assert.match(find(r.diagnostics, 'unknown-key', 12).hint ?? '', /controls: \[rate-limiting\]/);
    assert.equal(find(r.diagnostics, 'unknown-key', 14).hint, 'did you mean `data`?');
  });

  it('reports wrong enum values with a suggestion and the allowed values', () => {
    const r = fixture('wrong-enum.yaml');
    assert.deepEqual(brief(r.diagnostics), [
      'error invalid-value@4:10', 'error invalid-value@7:5', 'error invalid-value@8:5', 'error invalid-value@9:5',
      'error invalid-value@10:21', 'error invalid-value@10:43', 'warning unknown-tech@11:25', 'error invalid-value@13:5',
      'error invalid-value@17:5',
    ]);
    const kind = find(r.diagnostics, 'invalid-value', 7);
    assert.equal(kind.message, 'unknown kind `procss`');
    assert.equal(kind.found, '"procss"');
    assert.equal(kind.expected, 'one of `external`, `process`, `store`');
    assert.equal(kind.hint, 'did you mean `process`?');
    const control = find(r.diagnostics, 'invalid-value', 10);
    assert.equal(control.message, 'unknown control `rate-limit`');
    assert.equal(control.hint, 'did you mean `rate-limiting`?');
    assert.match(control.expected ?? '', /more\), or a custom name starting with `x-`$/);
    const protocol = find(r.diagnostics, 'invalid-value', 13);
    assert.equal(protocol.message, 'unknown protocol `htps`');
    assert.equal(protocol.path, 'flows[0]["web -> api"]');
    assert.equal(protocol.hint, 'did you mean `https`?');
    assert.equal(find(r.diagnostics, 'unknown-tech', 11).hint, 'did you mean `postgres`?');
    assert.ok(!r.diagnostics.some((d) => /union/i.test(d.message)), 'no "invalid union" messages');
  });

  it('reports duplicate ids, flows needing an id and boundary cycles', () => {
    const r = fixture('duplicate-ids.yaml');
    assert.deepEqual(brief(r.diagnostics), [
      'error boundary-cycle@5:12', 'error duplicate-id@8:3', 'error kind-conflict@9:10', 'error unknown-kind@11:3',
      'error duplicate-id@14:5', 'error duplicate-id@16:44',
    ]);
    assert.equal(find(r.diagnostics, 'duplicate-id', 8).message, '`app` is both an element and a boundary');
    const flow = find(r.diagnostics, 'duplicate-id', 14);
    assert.match(flow.message, /second flow from `web` to `api` \(the first is on line 13\)/);
    assert.match(flow.hint ?? '', /`id:`/);
    assert.match(find(r.diagnostics, 'boundary-cycle', 5).message, /`inner` in `outer` in `inner`/);
    assert.match(find(r.diagnostics, 'unknown-kind', 11).hint ?? '', /kind: external\|process\|store/);
  });

  it('reports a flow id that is also an element or boundary id', () => {
    const r = check(minimal('  web: { kind: process }\n  api: { kind: process }', 'boundaries:\n  zone: {}\nflows:\n  - web -> api: { protocol: https, id: api }\n  - api -> web: { protocol: https, id: zone }\n'));
    assert.deepEqual(brief(r.diagnostics), ['error duplicate-id@9:36', 'error duplicate-id@10:36']);
    assert.equal(r.diagnostics[0].message, 'flow id `api` is also the id of an element');
    assert.equal(r.diagnostics[1].message, 'flow id `zone` is also the id of a boundary');
  });

  it('reports a boundary inside itself', () => {
    const r = check(minimal('  a: { kind: process }', 'boundaries:\n  b: { in: b }\n'));
    assert.deepEqual(brief(r.diagnostics), ['error boundary-cycle@6:8']);
  });

  it('reports a missing key at its parent', () => {
    const r = check('threatmap: 1\nsystem:\n  owner: me\nelements: {}\nflows:\n  - a -> b: { data: [] }\n');
    assert.deepEqual(brief(r.diagnostics), [
      'error missing-key@2:1', 'error missing-key@6:5', 'error unknown-reference@6:5', 'error unknown-reference@6:5',
    ]);
    const name = find(r.diagnostics, 'missing-key', 2);
    assert.equal(name.message, 'missing required key `name` in `system`');
    assert.equal(name.path, 'system.name');
    assert.equal(find(r.diagnostics, 'missing-key', 6).path, 'flows[0]["a -> b"].protocol');
  });

  it('suggests the right top-level section', () => {
    const r = check('threatmap: 1\nsystem: { name: x }\nelement:\n  a: { kind: process }\n');
    assert.deepEqual(brief(r.diagnostics), ['error missing-key@1:1', 'error unknown-key@3:1']);
    assert.equal(r.diagnostics.find((d) => d.code === 'unknown-key')?.hint, 'did you mean `elements`?');
    assert.equal(r.diagnostics.find((d) => d.code === 'missing-key')?.expected, '`elements: ` with a map');
  });

  it('reports a wrong format version and a model that is not a map', () => {
    assert.deepEqual(brief(check('threatmap: 2\nsystem: { name: x }\nelements: {}\n').diagnostics), ['error invalid-value@1:1']);
    assert.deepEqual(brief(check('- a\n- b\n').diagnostics), ['error invalid-type@1:1']);
  });

  it('explains flows that match neither form', () => {
    const r = check(minimal('  a: { kind: process }\n  b: { kind: process }\n  c: { kind: process }', [
      'flows:',
      '  - a -> b',
      '  - a => b: https',
      '  - b -> a: { protocol: https }',
      '    port: 443',
      '  - { from: a, to: c }',
      '  - c -> a: [https]',
    ].join('\n')));
    assert.deepEqual(brief(r.diagnostics), [
      'error invalid-flow@8:5', 'error invalid-flow@9:5', 'error invalid-flow@11:5', 'error missing-key@12:5',
      'error invalid-type@13:5',
    ]);
    assert.match(find(r.diagnostics, 'invalid-flow', 8).hint ?? '', /a -> b: https/);
    assert.match(find(r.diagnostics, 'invalid-flow', 11).hint ?? '', /b -> a: \{ port: \.\.\. \}/);
  });

  it('checks kinds against type and tech', () => {
    const r = check(minimal([
      '  a: { type: database }',
      '  b: { tech: postgres, kind: process }',
      '  c: { tech: postgres, type: api, kind: process }',
      '  d: { tech: cdn }',
      '  e: { tech: something-new }',
      '  f: { tech: something-new, kind: process }',
    ].join('\n')));
    assert.deepEqual(brief(r.diagnostics), [
      'error kind-conflict@5:24', 'error unknown-kind@8:3', 'warning unknown-tech@8:8', 'warning unknown-tech@9:8',
    ]);
  });

  it('reports everything at once, in a stable order', () => {
    const text = readFileSync('test/fixtures/bad/wrong-enum.yaml', 'utf8');
    const a = check(text).diagnostics;
    const b = check(text).diagnostics;
    assert.deepEqual(sortDiagnostics(a), sortDiagnostics(b));
    assert.ok(a.length >= 9);
  });

  it('gives JSON models the same diagnostics at their JSON positions', () => {
    const json = JSON.stringify({
      threatmap: 1, system: { name: 'x' }, elements: { api: { kind: 'process', contrls: [] } },
    }, null, 2);
    const r = check(json, 'model.json');
    assert.deepEqual(brief(r.diagnostics), ['error unknown-key@9:7']);
  });

  it('never throws on arbitrary data', () => {
    const inputs: unknown[] = [undefined, null, 1, 'x', [], {}, { threatmap: 1, system: null, elements: [] },
      { threatmap: 1, system: { name: 'x' }, elements: { a: null }, flows: [null, [], { 'a -> b': null }] },
      { threatmap: 1, system: { name: 'x' }, elements: { a: { endpoints: { '/x': null } } }, boundaries: { b: null } }];
    for (const raw of inputs) assert.doesNotThrow(() => validateModel(raw, parseModelText('', 'm.yaml').source));
  });
});
