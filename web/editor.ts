// The YAML editor: a plain textarea (the browser's own undo, search and accessibility) with a line-number
// gutter, Tab that indents, and caret moves to a line and column of the model for diagnostics and evidence.

const INDENT = '  ';

export class Editor {
  private lineCount = 0;
  /** Escape, then Tab, leaves the editor: Tab alone indents, and a keyboard user must not be trapped. */
  private escaped = false;
  private measured: number | undefined;

  constructor(readonly area: HTMLTextAreaElement, private readonly gutter: HTMLElement, onInput: () => void) {
    area.addEventListener('input', () => {
      this.renumber();
      onInput();
    });
    area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
    area.addEventListener('keydown', (e) => this.keydown(e));
  }

  get text(): string {
    return this.area.value;
  }

  /** Puts text in the editor as read from disk: the caret stays where it was, as near as the new text allows. */
  load(text: string): void {
    const { selectionStart, selectionEnd, scrollTop } = this.area;
    this.area.value = text;
    this.area.setSelectionRange(Math.min(selectionStart, text.length), Math.min(selectionEnd, text.length));
    this.area.scrollTop = scrollTop;
    this.renumber();
  }

  /**
   * Changes the text to `text` as an edit of the user's own: only the part that differs is replaced, as
   * typing would, so that one Ctrl+Z takes it back; the caret goes to its end, in view. Fires `input`.
   */
  edit(text: string): void {
    const old = this.area.value;
    let start = 0;
    while (start < old.length && start < text.length && old[start] === text[start]) start++;
    let end = 0;
    while (end < old.length - start && end < text.length - start && old[old.length - 1 - end] === text[text.length - 1 - end]) end++;
    const inserted = text.slice(start, text.length - end);
    this.area.focus();
    this.area.setSelectionRange(start, old.length - end);
    this.replaceSelection(inserted);
    this.reveal(start + inserted.length);
  }

  /** Moves the caret to a 1-based line and column of the text and scrolls it into view. */
  goTo(line: number, col: number): void {
    const text = this.area.value;
    let offset = 0;
    for (let l = 1; l < line; l++) {
      const next = text.indexOf('\n', offset);
      if (next < 0) break;
      offset = next + 1;
    }
    const lineEnd = text.indexOf('\n', offset);
    offset = Math.min(offset + Math.max(col - 1, 0), lineEnd < 0 ? text.length : lineEnd);
    this.area.focus();
    this.area.setSelectionRange(offset, offset);
    this.reveal(offset);
  }

  /** Replaces the selection through the editing commands, which keep the undo history; else directly. */
  private replaceSelection(text: string): void {
    const done = text === '' ? document.execCommand('delete') : document.execCommand('insertText', false, text);
    if (done) return;
    this.area.setRangeText(text, this.area.selectionStart, this.area.selectionEnd, 'end');
    this.area.dispatchEvent(new Event('input'));
  }

  private reveal(offset: number): void {
    const before = this.area.value.slice(0, offset);
    const line = before.split('\n').length - 1;
    const col = offset - (before.lastIndexOf('\n') + 1);
    const style = getComputedStyle(this.area);
    const lineHeight = parseFloat(style.lineHeight) || 20;
    const top = line * lineHeight;
    const { scrollTop, clientHeight, clientWidth } = this.area;
    if (top < scrollTop || top > scrollTop + clientHeight - 2 * lineHeight) this.area.scrollTop = Math.max(0, top - clientHeight / 3);
    // Horizontally, as little as shows the caret with a few characters after it: the line's start stays in view if it can.
    const left = col * this.charWidth(style);
    const margin = 8 * this.charWidth(style);
    if (left < clientWidth - margin) this.area.scrollLeft = 0;
    else if (left < this.area.scrollLeft || left > this.area.scrollLeft + clientWidth - margin) this.area.scrollLeft = left + margin - clientWidth;
    this.gutter.scrollTop = this.area.scrollTop;
    // On a narrow window the panes stack: the editor itself may be out of view.
    this.area.scrollIntoView({ block: 'nearest' });
  }

  /** The width of a character of the editor's monospace font. */
  private charWidth(style: CSSStyleDeclaration): number {
    if (this.measured === undefined) {
      const context = document.createElement('canvas').getContext('2d');
      if (context) context.font = style.font;
      this.measured = context?.measureText('0').width || (parseFloat(style.fontSize) || 13) * 0.6;
    }
    return this.measured;
  }

  private renumber(): void {
    const text = this.area.value;
    let count = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
    if (count === this.lineCount) return;
    this.lineCount = count;
    const numbers = new Array<number>(count);
    for (let i = 0; i < count; i++) numbers[i] = i + 1;
    this.gutter.textContent = numbers.join('\n');
    this.gutter.dataset.digits = String(String(count).length);
    this.gutter.scrollTop = this.area.scrollTop;
  }

  private keydown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      this.escaped = true;
      return;
    }
    const escaped = this.escaped;
    this.escaped = false;
    if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey || escaped) return;
    e.preventDefault();
    this.replaceSelection(INDENT);
  }
}
