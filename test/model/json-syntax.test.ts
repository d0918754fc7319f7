// A .json model is held to JSON, with the position of the first syntax error (JSON.parse on Node 20 gives none).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { jsonSyntaxError } from '../../src/model/json-syntax.js';
import { parseModelText } from '../../src/model/parse.js';

const errorOf = (text: string, file = 'model.json') => {
  const r = parseModelText(text, file);
  assert.equal(r.raw, undefined);
  assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics));
  const [d] = r.diagnostics;
  return `${d.line}:${d.col} ${d.code}: ${d.message}`;
};

describe('JSON syntax errors in a .json model', () => {
  it('points at a missing value, which YAML would read as null', () => {
    assert.equal(errorOf('{\n  "threatmap": 1,\n  "elements": { "a": }\n}\n'),
      '3:22 syntax-error: invalid JSON: expected a value (a string in double quotes, a number, true, false, null, an object or an array), found `}`');
  });
  it('names trailing commas, single quotes, unclosed containers and text after the value', () => {
    assert.match(errorOf('{"a": {"b": 1}, }'), /^1:17 .*a key after `,` \(JSON allows no trailing comma\), found `}`$/);
    assert.match(errorOf('{"a": [1, 2, ]}'), /^1:14 .*a value after `,` \(JSON allows no trailing comma\), found `]`$/);
    assert.match(errorOf("{'a': 1}"), /^1:2 .*expected a key in double quotes, found `'`$/);
    assert.match(errorOf('{"a": 1'), /^1:8 .*expected `,` or `}`, found the end of the file$/);
    assert.match(errorOf('{"a": 1}\n{"b": 2}'), /^2:1 .*expected the end of the file after the value, found `{`$/);
    assert.match(errorOf('{"a": "x\ny"}'), /^1:9 .*line break or control character inside a string/);
    assert.match(errorOf('{"a": "\\q"}'), /^1:8 .*unknown escape/);
    assert.match(errorOf('{"a": "open'), /^1:7 .*a string is not closed/);
    assert.match(errorOf('{"a": yes}'), /^1:7 .*expected a value .*found `y`$/);
  });
  it('leaves a .yaml file that starts with `{`, and a .json file of plain YAML, to the YAML reader', () => {
    assert.deepEqual(parseModelText('threatmap: 1\n', 'model.json').raw, { threatmap: 1 });
    const r = parseModelText('{threatmap: 1, system: {name: x}}', 'model.yaml');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.raw, { threatmap: 1, system: { name: 'x' } });
  });
  it('still reads valid JSON, and reports its duplicate keys as before', () => {
    assert.deepEqual(parseModelText('{"threatmap": 1}', 'm.json').raw, { threatmap: 1 });
    const dup = parseModelText('{"a": 1, "a": 2}', 'm.json');
    assert.equal(dup.diagnostics[0]?.code, 'duplicate-key');
  });
});

describe('jsonSyntaxError agrees with JSON.parse', () => {
  // Seeded damage to real model files: every text JSON.parse accepts is valid here, and every other has an error.
  const texts = ['ecommerce', 'microservices', 'prelaunch'].map((n) =>
    JSON.stringify(parseYaml(readFileSync(`examples/${n}.yaml`, 'utf8')), null, 2));
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '1', '-', '.', 'e', 'true', 'nul', "'", '\t', '\u0001', 'x'];
  it('on 3,000 damaged documents and the originals', () => {
    let invalid = 0;
    for (let n = 0; n < 3000; n++) {
      let text = texts[n % texts.length];
      for (let k = 1 + random(3); k > 0; k--) {
        const at = random(text.length + 1);
        const cut = random(3);
        text = text.slice(0, at) + (random(3) ? pieces[random(pieces.length)] : '') + text.slice(at + cut);
      }
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
        invalid++;
      }
      const found = jsonSyntaxError(text);
      assert.equal(found === undefined, valid, `${valid ? 'valid' : 'invalid'} JSON judged otherwise: ${JSON.stringify(text.slice(0, 200))} ${found?.message ?? ''}`);
      if (found) assert.ok(found.offset >= 0 && found.offset <= text.length);
    }
    for (const text of texts) assert.equal(jsonSyntaxError(text), undefined);
    assert.ok(invalid > 1500, `only ${invalid} damaged documents were invalid`);
  });
  it('deep nesting is no stack overflow', () => {
    assert.equal(jsonSyntaxError(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), undefined);
    assert.match(jsonSyntaxError('['.repeat(200_000))!.message, /expected a value/);
  });
});
