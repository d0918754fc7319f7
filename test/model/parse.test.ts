import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  FILE_TOO_LARGE, IndexedSourceMap, MAX_DEPTH, MAX_MODEL_BYTES, detectFormat, parseModelText,
} from '../../src/model/parse.js';
import { SKETCH, brief, lineOf } from './helpers.js';

const fixture = (name: string) => readFileSync(`test/fixtures/bad/${name}`, 'utf8');

describe('parseModelText', () => {
  it('parses the sketch with no diagnostics', () => {
    const r = parseModelText(SKETCH, 'model.yaml');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.format, 'yaml');
    assert.equal((r.raw as { system: { name: string } }).system.name, 'Acme Shop');
  });

  it('reports malformed YAML with its position and no data', () => {
    const r = parseModelText(fixture('malformed.yaml'), 'malformed.yaml');
    assert.equal(r.raw, undefined);
    // At the `{` left open, not where yaml noticed it (the next line).
    assert.deepEqual(brief(r.diagnostics), ['error syntax-error@5:8']);
    assert.equal(r.diagnostics[0].file, 'malformed.yaml');
  });

  it('collects every YAML error, not only the first', () => {
    const r = parseModelText('a: [1, 2\nb: c: d\n', 'm.yaml');
    assert.deepEqual(brief(r.diagnostics), ['error syntax-error@1:4', 'error syntax-error@2:4']);
  });

  it('reports a duplicate key at its second occurrence', () => {
    const r = parseModelText(fixture('duplicate-key.yaml'), 'duplicate-key.yaml');
    assert.equal(r.raw, undefined);
    assert.deepEqual(brief(r.diagnostics), ['error duplicate-key@7:3']);
    assert.match(r.diagnostics[0].message, /key `api` appears twice/);
  });

  it('reports each duplicate key once, not its children again', () => {
    const r = parseModelText('a:\n  x: 1\n  y: 2\nb: 1\na:\n  x: 3\n"b": 2\n', 'm.yaml');
    assert.deepEqual(brief(r.diagnostics), ['error duplicate-key@5:1', 'error duplicate-key@7:1']);
  });

  it('stops a "billion laughs" alias bomb', () => {
    const r = parseModelText(fixture('alias-bomb.yaml'), 'alias-bomb.yaml');
    assert.equal(r.raw, undefined);
    // Pointed at the first alias.
    assert.deepEqual(brief(r.diagnostics), ['error alias-bomb@3:8']);
  });

  it('allows ordinary aliases and reports an alias to nothing', () => {
    const ok = parseModelText('x: &c [waf]\ny: *c\n', 'm.yaml');
    assert.deepEqual(ok.diagnostics, []);
    assert.deepEqual(ok.raw, { x: ['waf'], y: ['waf'] });
    const bad = parseModelText('x: [waf]\ny: *c\n', 'm.yaml');
    assert.deepEqual(brief(bad.diagnostics), ['error unknown-anchor@2:4']);
  });

  it('refuses 10,000 nested flow lists without overflowing the stack', () => {
    const text = '['.repeat(10_000) + ']'.repeat(10_000);
    const r = parseModelText(text, 'deep.yaml');
    assert.equal(r.raw, undefined);
    assert.deepEqual(brief(r.diagnostics), [`error too-deep@1:${MAX_DEPTH + 1}`]);
  });

  it('refuses 10,000 nested block lists and maps', () => {
    const seq = parseModelText(`${'- '.repeat(10_000)}x\n`, 'deep.yaml');
    assert.deepEqual(brief(seq.diagnostics), [`error too-deep@1:${2 * MAX_DEPTH + 1}`]);
    let map = '';
    for (let i = 0; i < 200; i++) map += `${' '.repeat(i)}k:\n`;
    const m = parseModelText(map, 'deep.yaml');
    assert.deepEqual(brief(m.diagnostics), [`error too-deep@${MAX_DEPTH + 1}:${MAX_DEPTH + 1}`]);
  });

  it('accepts nesting up to the limit', () => {
    const r = parseModelText('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH), 'm.yaml');
    assert.deepEqual(r.diagnostics, []);
  });

  it('refuses text over 50 MB without parsing it', () => {
    // Valid YAML: had it been parsed, `raw` would hold its data.
    const text = `threatmap: 1\nsystem: { name: big }\n# ${'x'.repeat(MAX_MODEL_BYTES)}\n`;
    const r = parseModelText(text, 'big.yaml');
    assert.equal(r.raw, undefined);
    assert.deepEqual(brief(r.diagnostics), [`error ${FILE_TOO_LARGE}@1:1`]);
    assert.match(r.diagnostics[0].message, /50 MB/);
  });

  it('counts bytes, not characters, against the limit', () => {
    const text = `a: "${'é'.repeat(MAX_MODEL_BYTES / 2 + 10)}"\n`; // fewer characters than bytes
    assert.ok(text.length < MAX_MODEL_BYTES);
    assert.deepEqual(brief(parseModelText(text, 'big.yaml').diagnostics), [`error ${FILE_TOO_LARGE}@1:1`]);
  });

  it('takes the size in bytes from the caller that read the file, when given', () => {
    const text = 'threatmap: 1\nsystem: { name: small }\n';
    assert.deepEqual(brief(parseModelText(text, 'm.yaml', { bytes: MAX_MODEL_BYTES + 1 }).diagnostics), [`error ${FILE_TOO_LARGE}@1:1`]);
    assert.deepEqual(parseModelText(text, 'm.yaml', { bytes: text.length }).diagnostics, []);
  });

  it('reports an empty file and several documents', () => {
    assert.deepEqual(brief(parseModelText('# nothing yet\n', 'm.yaml').diagnostics), ['error empty-model@1:1']);
    assert.deepEqual(brief(parseModelText('', 'm.yaml').diagnostics), ['error empty-model@1:1']);
    assert.deepEqual(brief(parseModelText('a: 1\n---\nb: 2\n', 'm.yaml').diagnostics), ['error multiple-documents@2:1']);
  });

  it('reports tabs used as indentation', () => {
    const r = parseModelText('a:\n\tb: 1\n', 'm.yaml');
    assert.deepEqual(brief(r.diagnostics), ['error syntax-error@2:1']);
    assert.match(r.diagnostics[0].hint ?? '', /spaces/);
  });

  it('never throws, whatever prefix of a model it gets', () => {
    const json = JSON.stringify(parseModelText(SKETCH, 'm.yaml').raw, null, 1);
    for (const text of [SKETCH, json]) {
      for (let end = 0; end <= text.length; end += 3) {
        assert.doesNotThrow(() => parseModelText(text.slice(0, end), 'cut.yaml'));
      }
    }
  });
});

describe('format detection', () => {
  it('uses the extension, else the first character', () => {
    assert.equal(detectFormat('a: 1', 'm.json'), 'json');
    assert.equal(detectFormat('  \n {"a": 1}', 'm.yaml'), 'json');
    assert.equal(detectFormat('a: 1', 'm.yaml'), 'yaml');
  });

  it('parses YAML in a .json file and JSON in a .yaml file', () => {
    assert.deepEqual(parseModelText('a: 1\n', 'm.json').raw, { a: 1 });
    assert.deepEqual(parseModelText('{"a": [1, "x"]}', 'm.yaml').raw, { a: [1, 'x'] });
  });

  it('ignores a byte order mark when counting columns', () => {
    const r = parseModelText('\uFEFFa: 1\nb: [\n', 'm.yaml');
    assert.equal(r.source.locate(['a']).col, 1);
  });
});

describe('SourceMap', () => {
  const { source } = parseModelText(SKETCH, 'model.yaml');

  it('points a map entry at its key line', () => {
    assert.deepEqual(source.locate(['elements', 'api']), { line: lineOf(SKETCH, '  api:'), col: 3 });
    assert.deepEqual(source.locate(['elements', 'api', 'endpoints', '/login']), { line: lineOf(SKETCH, '/login:'), col: 7 });
    assert.deepEqual(source.locate(['system', 'name']), { line: 4, col: 3 });
  });

  it('points into flow maps and sequences', () => {
    const line = lineOf(SKETCH, '/login:');
    assert.deepEqual(source.locate(['elements', 'api', 'endpoints', '/login', 'controls', 1]),
      { line, col: SKETCH.split('\n')[line - 1].indexOf('mfa') + 1 });
    const flow = lineOf(SKETCH, 'api -> db:');
    assert.deepEqual(source.locate(['flows', 3]), { line: flow, col: 5 });
    assert.deepEqual(source.locate(['flows', 3, 'api -> db', 'data', 1]),
      { line: flow, col: SKETCH.split('\n')[flow - 1].indexOf('orders') + 1 });
  });

  it('falls back to the nearest ancestor for unknown paths', () => {
    assert.deepEqual(source.locate(['elements', 'api', 'no-such-key']), source.locate(['elements', 'api']));
    assert.deepEqual(source.locate(['elements', 'nope', 'x', 3]), source.locate(['elements']));
    assert.deepEqual(source.locate(['nothing']), source.locate([]));
  });

  it('gives JSON the same semantics: the key of an entry, the start of an item', () => {
    const json = JSON.stringify(parseModelText(SKETCH, 'm.yaml').raw, null, 2);
    const r = parseModelText(json, 'model.json');
    assert.equal(r.format, 'json');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.raw, parseModelText(SKETCH, 'm.yaml').raw);
    assert.deepEqual(r.source.locate(['elements', 'api']), { line: lineOf(json, '"api": {'), col: 5 });
    const mfa = lineOf(json, '"mfa"');
    assert.deepEqual(r.source.locate(['elements', 'api', 'endpoints', '/login', 'controls', 1]), { line: mfa, col: 13 });
  });

  it('indexes large models and locates every entry', () => {
    const n = 5000;
    let text = 'threatmap: 1\nsystem: { name: big }\nelements:\n';
    for (let i = 0; i < n; i++) text += `  e${i}:\n    kind: process\n    controls: [waf]\n`;
    const r = parseModelText(text, 'big.yaml');
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.source instanceof IndexedSourceMap);
    for (let i = 0; i < n; i++) assert.equal(r.source.locate(['elements', `e${i}`, 'controls', 0]).line, 6 + 3 * i);
  });
});
