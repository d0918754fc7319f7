// Line and column of every offset, as the source map gives them, must be what yaml's LineCounter gives:
// evidence and messages cite them. The fast path's line index is checked offset by offset against it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineCounter, Parser } from 'yaml';
import { IndexedSourceMap, parseModelText } from '../../src/model/parse.js';

function lineCounter(text: string): LineCounter {
  const lines = new LineCounter();
  for (const _ of new Parser(lines.addNewLine).parse(text)); // (the parser reports each line start)
  return lines;
}

describe('source positions', () => {
  it('match LineCounter at every offset, across short, long, blank and CRLF lines', () => {
    const long = (key: string) => `${key}: ${'x'.repeat(700)}\n`;
    const texts = [
      'a: 1\nb: 2\n',
      'a: 1\nb: 2',
      `${long('a')}b:\n\n\n  - ${'y'.repeat(300)}\n  - z\n${long('c')}`,
      'a: 1\r\nb:\r\n  - x\r\n\r\nc: 3\r\n',
      `# ${'c'.repeat(255)}\n${Array.from({ length: 200 }, (_, i) => `k${i}: v\n`).join('')}`,
      '{"a": [1, 2], "b": {"c": "d"}}',
    ];
    for (const text of texts) {
      const parsed = parseModelText(text, text.startsWith('{') ? 'm.json' : 'm.yaml');
      assert.deepEqual(parsed.diagnostics, []);
      const source = parsed.source;
      assert.ok(source instanceof IndexedSourceMap);
      const lines = lineCounter(text);
      for (let offset = -3; offset <= text.length + 3; offset++) {
        const context = `offset ${offset} of ${JSON.stringify(text.slice(0, 40))}`;
        assert.deepEqual(source.position(offset), lines.linePos(offset), context);
      }
    }
  });
});
