// Output written in pieces must be byte for byte the text the one-string renderers make, wherever the
// pieces happen to be cut.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { generateModelText, seededRandom } from '../../src/model/generate.js';
import { loadModel } from '../../src/model/load.js';
import { joinChunks, jsonObjectChunks, LineWriter, rowChunks } from '../../src/render/chunks.js';
import { renderJson, renderJsonChunks } from '../../src/render/json.js';
import { markdownChunks, renderMarkdown } from '../../src/render/markdown.js';

const whole = (lines: string[]) => `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;

function results() {
  const texts: Array<[string, string]> = ['ecommerce', 'microservices', 'prelaunch']
    .map((n) => [`examples/${n}.yaml`, readFileSync(`examples/${n}.yaml`, 'utf8')]);
  texts.push(['generated.yaml', generateModelText({ elements: 400, seed: 6 })]);
  return texts.map(([file, text]) => {
    const loaded = loadModel(text, file);
    assert.ok(loaded.model, file);
    return analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics });
  });
}

describe('output in pieces', () => {
  it('writes lines with blank lines collapsed exactly as the whole-string version, wherever it is cut', () => {
    const next = seededRandom('chunks');
    const pieces = ['', '', '', 'text', '  ', '\n', '\n\n\n', 'a\n\n\nb', ' \u00a0', '| x |', '\t', 'end  '];
    for (let round = 0; round < 400; round++) {
      const lines = Array.from({ length: Math.floor(next() * 30) }, () => pieces[Math.floor(next() * pieces.length)]);
      for (const size of [1, 3, 8, 64, 1 << 20]) {
        const w = new LineWriter(size);
        const out: string[] = [];
        for (const line of lines) {
          w.lines(line);
          if (w.full) out.push(w.take());
        }
        out.push(w.end());
        assert.equal(out.join(''), whole(lines), JSON.stringify({ lines, size }));
      }
    }
  });

  it('writes JSON exactly as JSON.stringify with two-space indentation', () => {
    const samples: Array<Record<string, unknown>> = [
      {}, { a: [] }, { a: [1, { b: [2, 'x\ny'] }], c: null, d: undefined, e: { f: [] } }, { list: [undefined, 'q'] },
      // Long arrays are written in batches; odd keys must come out as JSON.stringify writes them.
      JSON.parse('{"__proto__": [1, 2], "a\\"b\\u2028": {}}') as Record<string, unknown>,
      { long: Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? undefined : i % 5 === 0 ? { n: i, s: ['é\n', [], {}] } : `item ${i}`)), after: [] },
    ];
    for (const value of samples) {
      for (const size of [1, 5, 100, 1 << 20]) {
        assert.equal(joinChunks(jsonObjectChunks(value, size)), `${JSON.stringify(value, null, 2)}\n`, JSON.stringify(value));
      }
    }
  });

  it('writes rows in chunks of at least the asked size but the last, each row whole, with its index', () => {
    const items = Array.from({ length: 50 }, (_, i) => 'x'.repeat(i % 7));
    for (const size of [1, 4, 30, 1 << 20]) {
      const chunks = [...rowChunks(items, (item, i) => `${i}:${item};`, size)];
      assert.equal(chunks.join(''), items.map((item, i) => `${i}:${item};`).join(''));
      for (const c of chunks.slice(0, -1)) assert.ok(c.length >= size, `${c.length} < ${size}`);
      assert.ok(chunks.every((c) => c.endsWith(';')), 'a row is never cut');
    }
    assert.deepEqual([...rowChunks([], () => 'never')], []);
  });

  it('gives the same Markdown and JSON for real results', () => {
    for (const result of results()) {
      assert.equal(joinChunks(renderJsonChunks(result)), renderJson(result));
      assert.equal(joinChunks(jsonObjectChunks(result as unknown as Record<string, unknown>, 999)), renderJson(result));
      const md = renderMarkdown(result);
      assert.equal(joinChunks(markdownChunks(result)), md);
      assert.equal(joinChunks(markdownChunks(result, { diagram: 'mermaid' })), renderMarkdown(result, { diagram: 'mermaid' }));
      assert.ok(md.endsWith('\n') && !md.endsWith('\n\n') && !/\n{3,}/.test(md));
    }
  });
});
