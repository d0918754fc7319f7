// The Markdown report follows the method's Output Format exactly, and model text cannot break it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeExample, analyzeText } from '../helpers.js';

describe('Markdown report format', () => {
  const md = renderMarkdown(analyzeExample('ecommerce'));
  it('has the seed\'s sections in order', () => {
    const headings = md.split('\n').filter((l) => /^#{2,3} /.test(l));
    const required = ['## Threat Model: Acme Shop', '### System Description', '### Data Flow Diagram', '### Assets', '### Threats', '### Recommendations'];
    let last = -1;
    for (const h of required) {
      const i = headings.indexOf(h);
      assert.ok(i > last, `${h} missing or out of order`);
      last = i;
    }
  });
  it('has the threats table with exactly the seed\'s columns, IDs in risk order', () => {
    assert.ok(md.includes('| ID | STRIDE | Component | Threat | Risk | Mitigation |'));
    const rows = md.split('\n').filter((l) => /^\| T\d+ \|/.test(l));
    const order = ['Critical', 'High', 'Medium', 'Low'];
    const risks = rows.map((l) => l.split(' | ')[4]);
    assert.deepEqual([...risks].sort((a, b) => order.indexOf(a) - order.indexOf(b)), risks);
    assert.deepEqual(rows.map((l) => l.split(' | ')[0].slice(2)), rows.map((_, i) => `T${i + 1}`));
  });
  it('numbers recommendations with their risk', () => {
    assert.match(md, /^1\. \[(Critical|High)\] /m);
  });
  it('escapes pipes, newlines and HTML in names so tables stay intact', () => {
    const r = analyzeText([
      'threatmap: 1',
      'system: { name: "Evil | <script>alert(1)</script>" }',
      'elements:',
      '  u: { kind: external, name: "a | b\\nc <img src=x onerror=alert(1)>" }',
      '  p: { kind: process, name: "p|q", endpoints: { "/search": { public: true } } }',
      'flows:',
      '  - u -> p: http',
    ].join('\n'));
    const out = renderMarkdown(r);
    // Inside the diagram's code fence text is literal; everywhere else it must be escaped.
    const prose = out.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '');
    assert.ok(!prose.includes('<script>'));
    assert.ok(!prose.includes('<img'));
    for (const line of out.split('\n').filter((l) => l.startsWith('| T'))) {
      assert.equal(line.split(/(?<!\\)\|/).length, 8, line);
    }
  });
});
