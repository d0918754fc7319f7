// The lexer of Go's text/template, as Go's own (text/template/parse/lex.go) splits a template: text, actions
// between `{{` and `}}`, trim markers that eat the whitespace next to an action, comments, and the words
// inside actions. It runs to the end at once (Go's runs beside the parser, but its tokens never depend on
// it), stopping at the first problem with an `error` token that the parser reports where it meets it.
import { LineIndex } from '../line-index.js';

export type TokenType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'identifier' | 'keyword' | 'field' | 'variable' | 'dot'
  | 'string' | 'rawString' | 'charConstant' | 'number' | 'bool' | 'nil' | 'pipe' | 'leftParen' | 'rightParen'
  | 'declare' | 'assign' | 'char' | 'eof' | 'error';

export interface Token {
  type: TokenType;
  /** The token's text; for `text` the text left after trimming, for `error` the problem. */
  val: string;
  offset: number;
  /** 1-based, of the token's first character. */
  line: number;
  col: number;
}

export const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

const LEFT = '{{';
const RIGHT = '}}';

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const ALPHANUMERIC = /^[\p{L}\p{Nd}_]$/u;
export const isAlphaNumeric = (c: string): boolean => c !== '' && ALPHANUMERIC.test(c);

const hasLeftTrimMarker = (s: string, at: number): boolean => s[at] === '-' && isSpace(s[at + 1] ?? '');
const hasRightTrimMarker = (s: string, at: number): boolean => isSpace(s[at] ?? '') && s[at + 1] === '-';


class Lexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private start = 0;
  private parenDepth = 0;
  /** Where the open action began, for an action never closed. */
  private actionStart = 0;
  private readonly positions: LineIndex;

  constructor(private readonly input: string) {
    this.positions = new LineIndex(input);
  }

  run(): Token[] {
    let inside = false;
    for (;;) {
      const done: 'inside' | 'text' | 'stop' = inside ? this.insideAction() : this.text();
      if (done === 'stop') return this.tokens;
      inside = done === 'inside';
    }
  }

  private emitAt(type: TokenType, val: string, offset: number): void {
    const { line, col } = this.positions.at(offset);
    this.tokens.push({ type, val, offset, line, col });
  }

  private emit(type: TokenType): void {
    this.emitAt(type, this.input.slice(this.start, this.pos), this.start);
    this.start = this.pos;
  }

  private fail(message: string, offset = this.start): 'stop' {
    this.emitAt('error', message, offset);
    return 'stop';
  }

  /** The code point at `pos` ('' at the end), whole even outside the basic plane. */
  private peek(): string {
    const c = this.input.codePointAt(this.pos);
    return c === undefined ? '' : String.fromCodePoint(c);
  }

  private next(): string {
    const c = this.peek();
    this.pos += c.length;
    return c;
  }

  private accept(chars: string): boolean {
    const c = this.peek();
    if (c !== '' && chars.includes(c)) {
      this.pos += c.length;
      return true;
    }
    return false;
  }

  private acceptRun(chars: string): void {
    while (this.accept(chars));
  }

  private text(): 'inside' | 'text' | 'stop' {
    const x = this.input.indexOf(LEFT, this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) this.emit('text');
      this.emitAt('eof', '', this.pos);
      return 'stop';
    }
    const trim = hasLeftTrimMarker(this.input, x + LEFT.length);
    let end = x;
    if (trim) while (end > this.start && isSpace(this.input[end - 1])) end--;
    if (end > this.start) this.emitAt('text', this.input.slice(this.start, end), this.start);
    return this.leftDelim(x, trim);
  }

  private leftDelim(at: number, trim: boolean): 'inside' | 'text' | 'stop' {
    this.actionStart = at;
    const afterMarker = at + LEFT.length + (trim ? 2 : 0);
    if (this.input.startsWith('/*', afterMarker)) return this.comment(at, afterMarker);
    this.emitAt('leftDelim', LEFT, at);
    this.pos = afterMarker;
    this.start = this.pos;
    this.parenDepth = 0;
    return 'inside';
  }

  private comment(at: number, from: number): 'text' | 'stop' {
    const close = this.input.indexOf('*/', from + 2);
    if (close < 0) return this.fail('unclosed comment', at);
    this.pos = close + 2;
    const delim = this.atRightDelim();
    if (!delim.found) return this.fail('comment ends before closing delimiter', at);
    this.pos += (delim.trim ? 2 : 0) + RIGHT.length;
    if (delim.trim) this.skipSpaces();
    this.start = this.pos;
    return 'text';
  }

  private skipSpaces(): void {
    while (this.pos < this.input.length && isSpace(this.input[this.pos])) this.pos++;
  }

  private atRightDelim(): { found: boolean; trim: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT, this.pos + 2)) return { found: true, trim: true };
    return { found: this.input.startsWith(RIGHT, this.pos), trim: false };
  }

  private rightDelim(): 'text' {
    const { trim } = this.atRightDelim();
    if (trim) this.pos += 2;
    this.start = this.pos;
    this.pos += RIGHT.length;
    this.emit('rightDelim');
    if (trim) this.skipSpaces();
    this.start = this.pos;
    return 'text';
  }

  private insideAction(): 'inside' | 'text' | 'stop' {
    if (this.atRightDelim().found) {
      if (this.parenDepth === 0) return this.rightDelim();
      return this.fail('unclosed left paren');
    }
    const r = this.next();
    if (r === '') return this.fail('unclosed action', this.actionStart);
    if (isSpace(r)) {
      this.pos -= r.length;
      return this.space();
    }
    switch (r) {
      case '=': this.emit('assign'); return 'inside';
      case ':':
        if (this.next() !== '=') return this.fail('expected :=');
        this.emit('declare');
        return 'inside';
      case '|': this.emit('pipe'); return 'inside';
      case '"': return this.quote('"', 'string', 'unterminated quoted string');
      case "'": return this.quote("'", 'charConstant', 'unterminated character constant');
      case '`': return this.rawQuote();
      case '$': return this.fieldOrVariable('variable');
      case '(':
        this.parenDepth++;
        this.emit('leftParen');
        return 'inside';
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) return this.fail('unexpected right paren');
        this.emit('rightParen');
        return 'inside';
    }
    if (r === '.') {
      const c = this.input[this.pos] ?? '';
      if (!(c >= '0' && c <= '9')) return this.fieldOrVariable('field');
    }
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      this.pos -= r.length;
      return this.number();
    }
    if (isAlphaNumeric(r)) {
      this.pos -= r.length;
      return this.identifier();
    }
    const code = r.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f) {
      this.emit('char');
      return 'inside';
    }
    return this.fail(`unrecognized character in action: ${describeRune(r)}`);
  }

  private space(): 'inside' | 'text' {
    let count = 0;
    while (isSpace(this.peek())) {
      this.pos++;
      count++;
    }
    // A run of spaces may end in the ` -}}` of a trimming delimiter: its space belongs to the delimiter.
    if (hasRightTrimMarker(this.input, this.pos - 1) && this.input.startsWith(RIGHT, this.pos + 1)) {
      this.pos--;
      if (count === 1) return this.rightDelim();
    }
    this.emit('space');
    return 'inside';
  }

  private atTerminator(): boolean {
    const r = this.peek();
    if (r === '' || isSpace(r) || '.,|:)('.includes(r)) return true;
    return this.input.startsWith(RIGHT, this.pos);
  }

  private identifier(): 'inside' | 'stop' {
    while (isAlphaNumeric(this.peek())) this.next();
    if (!this.atTerminator()) return this.fail(`bad character ${describeRune(this.peek())}`, this.pos);
    const word = this.input.slice(this.start, this.pos);
    if (KEYWORDS.has(word)) this.emit('keyword');
    else if (word === 'nil') this.emit('nil');
    else if (word === 'true' || word === 'false') this.emit('bool');
    else this.emit('identifier');
    return 'inside';
  }

  private fieldOrVariable(type: 'field' | 'variable'): 'inside' | 'stop' {
    if (this.atTerminator()) {
      this.emit(type === 'variable' ? 'variable' : 'dot');
      return 'inside';
    }
    while (isAlphaNumeric(this.peek())) this.next();
    if (!this.atTerminator()) return this.fail(`bad character ${describeRune(this.peek())}`, this.pos);
    this.emit(type);
    return 'inside';
  }

  private quote(close: string, type: TokenType, unterminated: string): 'inside' | 'stop' {
    for (;;) {
      let r = this.next();
      if (r === '\\') {
        r = this.next();
        if (r !== '' && r !== '\n') continue;
      }
      if (r === '' || r === '\n') return this.fail(unterminated);
      if (r === close) break;
    }
    this.emit(type);
    return 'inside';
  }

  private rawQuote(): 'inside' | 'stop' {
    const close = this.input.indexOf('`', this.pos);
    if (close < 0) return this.fail('unterminated raw quoted string');
    this.pos = close + 1;
    this.emit('rawString');
    return 'inside';
  }

  private number(): 'inside' | 'stop' {
    if (!this.scanNumber()) return this.fail(`bad number syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
    if (this.peek() === '+' || this.peek() === '-') {
      return this.fail('complex numbers are not supported');
    }
    this.emit('number');
    return 'inside';
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

/** Go's `%#U`: `U+0041 'A'`. */
export function describeRune(r: string): string {
  if (r === '') return 'EOF';
  const code = r.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return code >= 0x20 && code !== 0x7f ? `U+${hex} '${r}'` : `U+${hex}`;
}

/** The tokens of a template; the last is `eof` or `error`. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}
