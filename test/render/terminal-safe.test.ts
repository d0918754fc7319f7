// Model text printed to a terminal: every character a terminal acts on is written out visibly, nothing dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { terminalSafe, terminalSafeChunks, terminalSafeLine } from '../../src/render/terminal-safe.js';

/** Any character a terminal would act on: C0 but tab and line feed, DEL, C1, bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

describe('terminalSafe', () => {
  it('writes out each kind of control character as its \\u escape', () => {
    const cases: Array<[string, string]> = [
      ['\u001b[2J', '\\u001b[2J'], // ESC: clear the screen
      ['a\u0000b', 'a\\u0000b'], // NUL
      ['ding\u0007', 'ding\\u0007'], // BEL
      ['over\rwrite', 'over\\u000dwrite'], // CR alone
      ['\u009b31m', '\\u009b31m'], // C1 CSI
      ['del\u007f', 'del\\u007f'],
      ['\u202eexe.txt', '\\u202eexe.txt'], // right-to-left override
      ['\u2066isolate\u2069', '\\u2066isolate\\u2069'],
      ['\u000b\u000c', '\\u000b\\u000c'],
    ];
    for (const [raw, shown] of cases) {
      assert.equal(terminalSafe(raw), shown);
      assert.doesNotMatch(terminalSafe(raw), UNSAFE);
    }
  });

  it('keeps tabs, line breaks and every printable character, and returns clean text as it is', () => {
    const text = 'Line one\tcol\nLine two: Café € 𝄞 日本 العربية \u200f';
    assert.equal(terminalSafe(text), text);
    assert.equal(terminalSafe(''), '');
  });

  it('on one line: line breaks and tabs become spaces, the rest as terminalSafe', () => {
    assert.equal(terminalSafeLine('a\nb\r\nc\td\u001b'), 'a b c d\\u001b');
    assert.equal(terminalSafeLine('plain'), 'plain');
  });

  it('pieces of output, each made safe', () => {
    assert.deepEqual([...terminalSafeChunks(['ok\n', '\u001b]0;title\u0007', ''])], ['ok\n', '\\u001b]0;title\\u0007', '']);
  });
});
