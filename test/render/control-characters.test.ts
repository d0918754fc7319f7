// A model whose names and descriptions hold terminal controls (a model `discover` drafted from someone else's
// repository): the text renderers write them out visibly, so that printing a report cannot clear the screen,
// retitle the window or reorder what is shown; the data formats keep them as data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderAscii } from '../../src/render/diagram/ascii.js';
import { renderJson } from '../../src/render/json.js';
import { markdownChunks, renderMarkdown } from '../../src/render/markdown.js';
import { diffResults } from '../../src/track/diff.js';
import { renderDiffMarkdown } from '../../src/track/diff-render.js';
import { analyzeExample, analyzeText } from '../helpers.js';

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Each kind: ESC sequences (clear screen, window title), NUL, BEL, backspace, CR, DEL, C1 CSI, bidi override and isolate. */
const HOSTILE_MODEL = [
  'threatmap: 1',
  'system:',
  '  name: "Shop\\e[2J\\e]0;pwned\\a"',
  '  description: "one\\ttab\\ntwo\\rCR \\0NUL \\x9b31m C1 \\u202Eevil\\u2066 end\\x7f"',
  'boundaries:',
  '  internet: { name: "Inter\\e[31mnet", trust: untrusted }',
  '  app: { name: "App\\u202Enet", trust: internal }',
  'assets:',
  '  pii: { name: "PII\\e[5m", type: pii, classification: confidential }',
  'elements:',
  '  browser: { name: "Browser\\e[2J", tech: browser, in: internet }',
  '  api: { name: "API\\x9b2J\\u202Egnp.exe", description: "desc\\e[1m\\x85", tech: node, in: app, handles: [pii] }',
  '  db: { name: "DB\\0\\a\\b", tech: postgres, in: app, stores: [pii] }',
  'flows:',
  '  - { from: browser, to: api, protocol: http, data: [pii] }',
  '  - { from: api, to: db, protocol: tcp, data: [pii] }',
  '',
].join('\n');

const hostile = analyzeText(HOSTILE_MODEL, 'hostile.yaml');

describe('control characters in model text', () => {
  it('the model really holds them (else this test proves nothing)', () => {
    assert.match(hostile.system.name, /\u001b\[2J/);
    assert.ok(hostile.elements.some((e) => e.name.includes('\u202e')));
  });

  it('the Markdown report writes each out visibly, in every section and every piece', () => {
    const md = renderMarkdown(hostile);
    assert.doesNotMatch(md, UNSAFE);
    assert.ok(md.startsWith('## Threat Model: Shop\\u001b[2J\\u001b]0;pwned\\u0007\n'), md.slice(0, 80));
    for (const shown of ['\\u0000NUL', '\\u009b31m', '\\u202eevil\\u2066', 'end\\u007f', 'DB\\u0000\\u0007\\u0008']) assert.ok(md.includes(shown), shown);
    for (const piece of markdownChunks(hostile)) assert.doesNotMatch(piece, UNSAFE);
  });

  it('the ASCII and Unicode diagrams show them as text, and the boxes still line up', () => {
    for (const unicode of [false, true]) {
      const text = renderAscii(hostile, { width: 100, unicode });
      assert.doesNotMatch(text, UNSAFE);
      assert.ok(text.includes('Browser\\u001b[2J'), text);
      assert.ok(text.includes('App\\u202enet'), text);
    }
    // The box is sized to the name as shown, escapes included.
    const box = renderAscii(hostile, { width: 100 }).split('\n').filter((l) => l.includes('Browser'))[0];
    assert.match(box, /\| Browser\\u001b\[2J \|/);
  });

  it('the diff comment writes them out too', () => {
    const md = renderDiffMarkdown(diffResults(analyzeExample('ecommerce'), hostile, { old: 'a.yaml', new: 'hostile.yaml' }));
    assert.doesNotMatch(md, UNSAFE);
    assert.ok(md.includes('Shop\\u001b[2J'), md.slice(0, 300));
  });

  it('JSON keeps the text as data: escaped by JSON itself, the same characters when read back', () => {
    const json = renderJson(hostile);
    assert.doesNotMatch(json, /[\u0000-\u0009\u000b-\u001f]/, 'only the line breaks of its own layout');
    assert.equal((JSON.parse(json) as { system: { name: string } }).system.name, 'Shop\u001b[2J\u001b]0;pwned\u0007');
  });

  it('a model without them renders exactly as before: nothing escaped', () => {
    const md = renderMarkdown(analyzeExample('ecommerce'));
    assert.ok(!md.includes('\\u00'), 'no escape written');
    assert.ok(md.startsWith('## Threat Model: Acme Shop\n'));
  });
});
