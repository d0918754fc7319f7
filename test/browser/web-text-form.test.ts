// The page's text forms (web/text-form.ts), without a browser: the editor holds LF and no BOM, and a save
// writes the file's own line endings back, a file that mixes CRLF and LF keeping each unchanged line's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diskForm, editorForm, formOf } from '../../web/text-form.js';

/** The text saved after the editor's text of `file` became `edit(editor text)`. */
const saved = (file: string, edit: (text: string) => string): string => diskForm(edit(editorForm(file)), formOf(file));

describe('the page\'s text forms', () => {
  it('gives a file back byte for byte when the editor did not change it: LF, CRLF with a BOM, mixed', () => {
    for (const file of ['a: 1\nb: 2\n', '\ufeffa: 1\r\nb: 2\r\n', 'a: 1\r\nb: 2\nc: 3\r\n\n', 'a: 1\nb: 2', 'no break']) {
      assert.equal(saved(file, (t) => t), file, JSON.stringify(file));
    }
  });

  it('writes every line of a CRLF file with CRLF, and of an LF file with LF, new lines included', () => {
    assert.equal(saved('a: 1\r\nb: 2\r\n', (t) => `${t}c: 3\n`), 'a: 1\r\nb: 2\r\nc: 3\r\n');
    assert.equal(saved('a: 1\nb: 2\n', (t) => `${t}c: 3\n`), 'a: 1\nb: 2\nc: 3\n');
  });

  it('in a file that mixes them: the lines left as they were or changed in place keep theirs, new lines take the ending of the line before', () => {
    const file = 'a: 1\r\nb: 2\r\nc: 3\nd: 4\n';
    // A line added after a CRLF line, and one after an LF line.
    assert.equal(saved(file, (t) => t.replace('b: 2\n', 'b: 2\nb2: x\n')), 'a: 1\r\nb: 2\r\nb2: x\r\nc: 3\nd: 4\n');
    assert.equal(saved(file, (t) => `${t}e: 5\n`), 'a: 1\r\nb: 2\r\nc: 3\nd: 4\ne: 5\n');
    // A line changed keeps its own, split in two both halves do; one removed takes nothing else with it.
    assert.equal(saved(file, (t) => t.replace('c: 3', 'c: 33')), 'a: 1\r\nb: 2\r\nc: 33\nd: 4\n');
    assert.equal(saved(file, (t) => t.replace('c: 3', 'c:\n  3')), 'a: 1\r\nb: 2\r\nc:\n  3\nd: 4\n');
    assert.equal(saved(file, (t) => t.replace('b: 2', 'b: 22')), 'a: 1\r\nb: 22\r\nc: 3\nd: 4\n');
    assert.equal(saved(file, (t) => t.replace('b: 2\n', '')), 'a: 1\r\nc: 3\nd: 4\n');
    // At the top: the file's first line ending.
    assert.equal(saved('a: 1\nb: 2\r\n', (t) => `# top\n${t}`), '# top\na: 1\nb: 2\r\n');
  });

  it('does not take the editor\'s text for the file\'s: a file all LF stays LF whatever the editor holds', () => {
    const form = formOf('a: 1\nb: 2\n');
    assert.equal(form.mixed, undefined);
    assert.equal(diskForm('x: 1\ny: 2\n', form), 'x: 1\ny: 2\n');
  });
});
