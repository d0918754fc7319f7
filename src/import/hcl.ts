// Reading Terraform's files: HCL's native syntax (hashicorp/hcl, hclsyntax/spec.md) as bodies of attributes
// and blocks whose values are expression trees, each part with where it starts, or an HclSyntaxError at the
// first problem. npm has no HCL parser that keeps positions, so this is a small one: recursive descent
// straight on the characters, linear in the input, with nesting capped so hostile input cannot overflow the
// stack. It reads syntax only: what functions, variables and blocks mean is the caller's business.
// Pure: no Node APIs.
import { LineIndex } from './line-index.js';

/** `line` and `column` count from 1, `column` in UTF-16 code units; `offset` indexes the text as given (a BOM included). */
export interface HclPosition { line: number; column: number; offset: number }

export class HclSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  readonly offset: number;

  /** The message says what was expected and what was found, never where: callers print file:line:col first. */
  constructor(message: string, at: HclPosition) {
    super(message);
    this.name = 'HclSyntaxError';
    this.line = at.line;
    this.column = at.column;
    this.offset = at.offset;
  }
}

/** Each list in source order; an attribute set twice is kept twice (Terraform reports that, with its own words). */
export interface HclBody { attributes: HclAttribute[]; blocks: HclBlock[] }
/** `pos`: the name's start. */
export interface HclAttribute { name: string; value: HclExpression; pos: HclPosition }
/** `pos`: the type's start. */
export interface HclBlock { type: string; labels: string[]; body: HclBody; pos: HclPosition }

export type HclExpression =
  /** Numbers, `true`/`false`/`null`, strings and heredocs without `${}`/`%{}`, and `-` applied to a number. */
  | { kind: 'literal'; value: string | number | boolean | null; pos: HclPosition }
  /**
   * Literal strings and expressions in order. A `%{ if }` directive is a part of its own, a '?:' operation
   * of the condition and the two branches (templates or strings); a `%{ for }` is a 'for' whose one part is the body.
   */
  | { kind: 'template'; parts: HclExpression[]; pos: HclPosition }
  | { kind: 'tuple'; items: HclExpression[]; pos: HclPosition }
  /** A bare word key (`k = v`) is the literal string 'k'; `(k) = v` is the expression. */
  | { kind: 'object'; items: { key: HclExpression; value: HclExpression; pos: HclPosition }[]; pos: HclPosition }
  /** A variable and what is taken from it: `var.x`, `aws_lb.example.arn`, `x[0]`, `x[*].id`, `x.*.id`. */
  | { kind: 'traversal'; root: string; steps: HclStep[]; pos: HclPosition }
  /** `expandFinal`: the last argument is expanded into arguments (`f(xs...)`). */
  | { kind: 'call'; name: string; args: HclExpression[]; pos: HclPosition; expandFinal?: boolean }
  /** `target[key]` and `target.name` (key: the literal name) where the target is no variable: `f(x)[0]`, `(x).y`. */
  | { kind: 'index'; target: HclExpression; key: HclExpression; pos: HclPosition }
  /**
   * Unary `!` `-`, binary operators, and '?:' with 3 operands. A splat on what is no variable (`f(x)[*].id`)
   * is the operator '[*]' with the target as its one operand and what is taken from each item as `steps`.
   */
  | { kind: 'operation'; operator: string; operands: HclExpression[]; pos: HclPosition; steps?: HclStep[] }
  /**
   * `[for k, v in x : v if c]` and `{for k, v in x : k => v... if c}`. `parts`: the key (objects only), the
   * value and the condition if any; `variables`: the names the parts see bound (`[k, v]` or `[v]`);
   * `object`: the braces form; `grouped`: its `...`.
   */
  | { kind: 'for'; collection: HclExpression; parts: HclExpression[]; pos: HclPosition; variables?: string[]; object?: boolean; grouped?: boolean }
  | { kind: 'parens'; expression: HclExpression; pos: HclPosition };
export type HclStep = { kind: 'attr'; name: string } | { kind: 'index'; key: HclExpression } | { kind: 'splat' };

export type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue };
export interface HclReference { parts: string[]; pos: HclPosition }

/** Terraform files nest about 10 deep; this is far beyond any real file and far below the stack's limit. */
export const MAX_HCL_DEPTH = 200;

const IDENT = /[\p{ID_Start}_][\p{ID_Continue}-]*/uy;
const IDENT_START = /[\p{ID_Start}_]/uy;
const IDENT_CONTINUE = /[\p{ID_Continue}-]/uy;
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const DIGITS = /[0-9]+/y;
const PRINTABLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
/** Binding strength of the binary operators, higher binds tighter (hclsyntax/spec.md, "Operations"). */
const PRECEDENCE = new Map([['||', 1], ['&&', 2], ['==', 3], ['!=', 3], ['<', 4], ['<=', 4], ['>', 4], ['>=', 4], ['+', 5], ['-', 5], ['*', 6], ['/', 6], ['%', 6]]);
/** What an error names as found when it is one of these, rather than its first character. */
const SYMBOLS = ['...', '${', '%{', '<<', '=>', '==', '!=', '<=', '>=', '&&', '||', '::', '/*'];
const ESCAPES = new Map([['n', '\n'], ['r', '\r'], ['t', '\t'], ['"', '"'], ['\\', '\\']]);

/** A piece of a string or heredoc as read, before directives are matched up into a tree. */
type TemplateToken =
  | { t: 'text'; value: string; offset: number }
  | { t: 'interpolation' | 'if' | 'for' | 'else' | 'endif' | 'endfor'; offset: number; stripBefore: boolean; stripAfter: boolean; expr?: HclExpression; variables?: string[] };
type Markup = Exclude<TemplateToken, { t: 'text' }>;
type Directive = Markup['t'];

interface Sequence { parts: HclExpression[]; markup: boolean; stop: Markup | undefined }

class Parser {
  private i: number;
  private depth = 0;
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    this.i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    // The first line starts after a BOM, so that its columns are those an editor shows.
    this.lines = new LineIndex(text, this.i);
  }

  parseFile(): HclBody {
    return this.parseBody(undefined);
  }

  /** The whole text as one expression: newlines are mere space, as within brackets. */
  parseLoneExpression(): HclExpression {
    this.skipAll();
    const expr = this.parseExpression(false);
    this.skipAll();
    if (this.i < this.text.length) this.expected('the end of the value');
    return expr;
  }

  // ---- positions and errors

  private pos(offset = this.i): HclPosition {
    const { line, col } = this.lines.at(offset);
    return { line, column: col, offset };
  }

  private where(offset: number): string {
    const p = this.pos(offset);
    return `${p.line}:${p.column}`;
  }

  private fail(message: string, offset = this.i): never {
    throw new HclSyntaxError(message, this.pos(offset));
  }

  private expected(what: string, offset = this.i): never {
    return this.fail(`expected ${what}, found ${this.found(offset)}`, offset);
  }

  private found(at: number): string {
    const t = this.text;
    if (at >= t.length) return 'the end of the file';
    if (t[at] === '\n' || t.startsWith('\r\n', at)) return 'a newline';
    if (t[at] === ' ') return 'a space';
    if (t[at] === '\t') return 'a tab';
    const word = this.match(IDENT, at) ?? this.match(NUMBER, at) ?? SYMBOLS.find((s) => t.startsWith(s, at));
    if (word !== undefined) return `'${word.length > 40 ? `${word.slice(0, 40)}…` : word}'`;
    const cp = t.codePointAt(at)!;
    const char = String.fromCodePoint(cp);
    return PRINTABLE.test(char) ? `'${char}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }

  /** Entering one more level of nesting: a block, an expression, a unary operand, a directive. */
  private enter(offset = this.i): void {
    if (++this.depth > MAX_HCL_DEPTH) this.fail(`blocks and expressions nested more than ${MAX_HCL_DEPTH} levels deep`, offset);
  }

  // ---- characters

  private match(re: RegExp, at = this.i): string | undefined {
    re.lastIndex = at;
    return re.exec(this.text)?.[0];
  }

  private at(s: string): boolean {
    return this.text.startsWith(s, this.i);
  }

  private eat(s: string): boolean {
    if (!this.at(s)) return false;
    this.i += s.length;
    return true;
  }

  /** `word` as a whole word: `in` but not `index`. */
  private atWord(word: string): boolean {
    return this.at(word) && this.match(IDENT_CONTINUE, this.i + word.length) === undefined;
  }

  private ident(): string | undefined {
    const word = this.match(IDENT);
    if (word !== undefined) this.i += word.length;
    return word;
  }

  /** Spaces, tabs (a CR too: CRLF is a newline) and comments, not the LF: that ends an attribute, so it is left to read. */
  private skipInline(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.i++;
      else if (c === 0x23 || (c === 0x2f && t.charCodeAt(this.i + 1) === 0x2f)) {
        const end = t.indexOf('\n', this.i);
        this.i = end < 0 ? t.length : end;
      } else if (c === 0x2f && t.charCodeAt(this.i + 1) === 0x2a) {
        const end = t.indexOf('*/', this.i + 2);
        if (end < 0) this.fail(`a '/*' comment is never closed (expected '*/')`);
        this.i = end + 2;
      } else return;
    }
  }

  private skipAll(): void {
    for (;;) {
      this.skipInline();
      if (this.text[this.i] !== '\n') return;
      this.i++;
    }
  }

  /** Newlines are significant (`nl`) in bodies and objects, and mere space inside (), [], ${} and for-expressions. */
  private skip(nl: boolean): void {
    if (nl) this.skipInline();
    else this.skipAll();
  }

  // ---- bodies

  private parseBody(owner: { name: string; start: number } | undefined): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    for (;;) {
      this.skipAll();
      if (this.i >= this.text.length) {
        if (owner) this.expected(`'}' to close the block ${owner.name} that starts at ${this.where(owner.start)}`);
        return body;
      }
      if (owner && this.text[this.i] === '}') {
        this.i++;
        return body;
      }
      this.parseItem(body);
    }
  }

  private parseItem(body: HclBody): void {
    const start = this.i;
    const name = this.ident() ?? this.expected('an attribute name or a block type');
    this.skipInline();
    if (this.at('=') && !this.at('==') && !this.at('=>')) {
      this.i++;
      this.skipInline();
      body.attributes.push({ name, value: this.parseExpression(true), pos: this.pos(start) });
      this.endOfLine(`the value of '${name}'`);
      return;
    }
    const labels: string[] = [];
    for (;;) {
      const label = this.text[this.i] === '"' ? this.parseLabel() : this.ident();
      if (label === undefined) break;
      labels.push(label);
      this.skipInline();
    }
    const title = blockTitle(name, labels);
    if (this.text[this.i] !== '{') this.expected(labels.length ? `another label or the block's '{' after ${title}` : `'=' or a block's '{' after '${name}'`);
    this.enter(start);
    body.blocks.push({ type: name, labels, body: this.parseBlockBody(title, start), pos: this.pos(start) });
    this.depth--;
    this.endOfLine(`the '}' of the block ${title}`);
  }

  private parseLabel(): string {
    const label = this.parseQuoted();
    if (label.kind !== 'literal') this.fail(`a block label must be a plain string, without '\${' or '%{'`, label.pos.offset);
    return label.value as string;
  }

  /** At the block's '{': a body of lines, an empty body, or one attribute on the same line (`a { b = 1 }`). */
  private parseBlockBody(title: string, start: number): HclBody {
    this.i++;
    this.skipInline();
    if (this.eat('}')) return { attributes: [], blocks: [] };
    if (this.i >= this.text.length || this.text[this.i] === '\n') return this.parseBody({ name: title, start });
    const nameAt = this.i;
    const name = this.ident() ?? this.expected(`an attribute, a newline or '}' after the '{' of the block ${title}`);
    this.skipInline();
    if (!this.at('=') || this.at('==') || this.at('=>')) this.expected(`'=' after '${name}' (a block on one line holds one attribute)`);
    this.i++;
    this.skipInline();
    const attribute = { name, value: this.parseExpression(true), pos: this.pos(nameAt) };
    this.skipInline();
    if (!this.eat('}')) this.expected(`'}' to close the one-line block ${title}`);
    return { attributes: [attribute], blocks: [] };
  }

  private endOfLine(after: string): void {
    this.skipInline();
    if (this.i < this.text.length && this.text[this.i] !== '\n') this.expected(`a newline after ${after}`);
  }

  // ---- expressions

  private parseExpression(nl: boolean): HclExpression {
    this.enter();
    const condition = this.parseBinary(0, nl);
    this.skip(nl);
    let result = condition;
    if (this.eat('?')) {
      this.skip(nl);
      const yes = this.parseExpression(nl);
      this.skip(nl);
      if (!this.eat(':')) this.expected(`':' after the true result of the conditional`);
      this.skip(nl);
      const no = this.parseExpression(nl);
      result = { kind: 'operation', operator: '?:', operands: [condition, yes, no], pos: condition.pos };
    }
    this.depth--;
    return result;
  }

  /**
   * Precedence climbing: operators of the same strength group to the left, as in HCL. Each one nests the
   * tree a level deeper (`1+1+1` is `(1+1)+1`), so a long chain counts against the cap like brackets do.
   */
  private parseBinary(minPrecedence: number, nl: boolean): HclExpression {
    let left = this.parseUnary(nl);
    let levels = 0;
    for (;;) {
      this.skip(nl);
      const operator = this.binaryOperator();
      const precedence = operator === undefined ? 0 : PRECEDENCE.get(operator)!;
      if (operator === undefined || precedence < minPrecedence) break;
      this.enter();
      levels++;
      this.i += operator.length;
      this.skip(nl);
      const right = this.parseBinary(precedence + 1, nl);
      left = { kind: 'operation', operator, operands: [left, right], pos: left.pos };
    }
    this.depth -= levels;
    return left;
  }

  private binaryOperator(): string | undefined {
    const two = this.text.slice(this.i, this.i + 2);
    if (PRECEDENCE.has(two)) return two;
    const one = this.text[this.i];
    // '=' is none, so an object's `k = v`, a for's `k => v` and an attribute's end are never read as one.
    return one !== undefined && PRECEDENCE.has(one) ? one : undefined;
  }

  private parseUnary(nl: boolean): HclExpression {
    const start = this.i;
    const operator = this.text[start];
    if (operator !== '-' && operator !== '!') return this.parsePostfix(this.parseTerm(nl), nl);
    this.enter();
    this.i++;
    this.skip(nl);
    const operand = this.parseUnary(nl);
    this.depth--;
    // `-1` is a number to every reader (ports, counts), not an operation on one.
    if (operator === '-' && operand.kind === 'literal' && typeof operand.value === 'number') return { kind: 'literal', value: -operand.value, pos: this.pos(start) };
    return { kind: 'operation', operator, operands: [operand], pos: this.pos(start) };
  }

  private parseTerm(nl: boolean): HclExpression {
    const start = this.i;
    const c = this.text[start];
    if (c === '"') return this.parseQuoted();
    if (c === '<' && this.text[start + 1] === '<') return this.parseHeredoc();
    if (c === '[') return this.parseTuple();
    if (c === '{') return this.parseObject();
    if (c === '(') return this.parseParens();
    const number = this.match(NUMBER);
    if (number !== undefined) {
      this.i += number.length;
      return { kind: 'literal', value: Number(number), pos: this.pos(start) };
    }
    const word = this.ident() ?? this.expected('an expression');
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', pos: this.pos(start) };
    if (word === 'null') return { kind: 'literal', value: null, pos: this.pos(start) };
    this.skip(nl);
    let name = word;
    // Provider functions: `provider::aws::arn_parse(x)`.
    while (this.eat('::')) name += `::${this.ident() ?? this.expected(`a function name after '${name}::'`)}`;
    if (this.text[this.i] === '(') return this.parseCall(name, start);
    if (name !== word) this.expected(`'(' after the function name ${name}`);
    return { kind: 'traversal', root: word, steps: [], pos: this.pos(start) };
  }

  private parseCall(name: string, start: number): HclExpression {
    const open = this.i++;
    const args: HclExpression[] = [];
    let expandFinal = false;
    this.skipAll();
    while (!this.eat(')')) {
      this.unclosed(open, `')' to close the call ${name}(`);
      args.push(this.parseExpression(false));
      this.skipAll();
      if (this.eat('...')) {
        expandFinal = true;
        this.skipAll();
        if (this.text[this.i] !== ')') this.expected(`')' after '...' (only the last argument can be expanded)`);
      } else if (this.eat(',')) this.skipAll();
      else if (this.text[this.i] !== ')') this.unclosed(open, `',' or ')' in the call ${name}(`, true);
    }
    return { kind: 'call', name, args, pos: this.pos(start), ...(expandFinal ? { expandFinal } : {}) };
  }

  /** At the end of the file, or always with `anyway`: what was expected of the bracket opened at `open`. */
  private unclosed(open: number, what: string, anyway = false): void {
    if (anyway || this.i >= this.text.length) this.expected(`${what} opened at ${this.where(open)}`);
  }

  private parseParens(): HclExpression {
    const start = this.i++;
    this.skipAll();
    const expression = this.parseExpression(false);
    this.skipAll();
    if (!this.eat(')')) this.expected(`')' to close the '(' at ${this.where(start)}`);
    return { kind: 'parens', expression, pos: this.pos(start) };
  }

  private parseTuple(): HclExpression {
    const start = this.i++;
    this.skipAll();
    if (this.atForKeyword()) return this.parseFor(start, ']');
    const items: HclExpression[] = [];
    while (!this.eat(']')) {
      this.unclosed(start, `']' to close the list`);
      items.push(this.parseExpression(false));
      this.skipAll();
      if (this.eat(',')) this.skipAll();
      else if (this.text[this.i] !== ']') this.unclosed(start, `',' or ']' in the list`, true);
    }
    return { kind: 'tuple', items, pos: this.pos(start) };
  }

  private parseObject(): HclExpression {
    const start = this.i++;
    this.skipAll();
    if (this.atForKeyword()) return this.parseFor(start, '}');
    const items: { key: HclExpression; value: HclExpression; pos: HclPosition }[] = [];
    for (;;) {
      this.skipAll();
      if (this.eat('}')) return { kind: 'object', items, pos: this.pos(start) };
      this.unclosed(start, `'}' to close the object`);
      const key = this.parseObjectKey();
      this.skipInline();
      if (!this.eat(':') && (this.at('==') || this.at('=>') || !this.eat('='))) this.expected(`'=' or ':' after the object's key`);
      this.skipInline();
      items.push({ key, value: this.parseExpression(true), pos: key.pos });
      this.skipInline();
      if (!this.eat(',') && !this.eat('\n') && this.text[this.i] !== '}') this.unclosed(start, `',', a newline or '}' after the item of the object`, true);
    }
  }

  private parseObjectKey(): HclExpression {
    const key = this.parseExpression(true);
    return key.kind === 'traversal' && key.steps.length === 0 ? { kind: 'literal', value: key.root, pos: key.pos } : key;
  }

  /** `for` opens a for-expression only when a variable name follows: `[for]` and `{ for = 1 }` do not. */
  private atForKeyword(): boolean {
    if (!this.at('for')) return false;
    let j = this.i + 3;
    while (' \t\r\n'.includes(this.text[j] ?? 'x')) j++;
    return j > this.i + 3 && this.match(IDENT_START, j) !== undefined;
  }

  private parseFor(start: number, close: ']' | '}'): HclExpression {
    this.i += 3;
    const object = close === '}';
    const { variables, collection } = this.parseForHead();
    if (!this.eat(':')) this.expected(`':' after the collection of the for-expression`);
    this.skipAll();
    const parts: HclExpression[] = [];
    if (object) {
      parts.push(this.parseExpression(false));
      this.skipAll();
      if (!this.eat('=>')) this.expected(`'=>' after the key of the for-expression`);
      this.skipAll();
    }
    parts.push(this.parseExpression(false));
    this.skipAll();
    const grouped = object && this.eat('...');
    this.skipAll();
    if (this.atWord('if')) {
      this.i += 2;
      this.skipAll();
      parts.push(this.parseExpression(false));
      this.skipAll();
    }
    if (!this.eat(close)) this.unclosed(start, `'${close}' to close the for-expression`, true);
    return { kind: 'for', collection, parts, variables, object, grouped, pos: this.pos(start) };
  }

  /** After `for`: the variables, `in` and the collection, in a for-expression or a `%{ for }` directive. */
  private parseForHead(): { variables: string[]; collection: HclExpression } {
    this.skipAll();
    const variables = [this.ident() ?? this.expected(`a variable name after 'for'`)];
    this.skipAll();
    if (this.eat(',')) {
      this.skipAll();
      variables.push(this.ident() ?? this.expected(`a second variable name after ','`));
      this.skipAll();
    }
    if (!this.atWord('in')) this.expected(`'in' after the variables of the for`);
    this.i += 2;
    this.skipAll();
    const collection = this.parseExpression(false);
    this.skipAll();
    return { variables, collection };
  }

  /**
   * Attribute access, indexes and splats after a term: a variable takes them as steps, anything else as
   * nodes, each a level deeper (counted against the cap, as `f()[0][0]...` can be long).
   */
  private parsePostfix(term: HclExpression, nl: boolean): HclExpression {
    let expr = term;
    let levels = 0;
    for (;;) {
      this.skip(nl);
      const stepAt = this.i;
      const step = this.parseStep(nl);
      if (step === undefined) break;
      if (expr.kind === 'traversal' || (expr.kind === 'operation' && expr.steps)) {
        (expr.kind === 'traversal' ? expr.steps : expr.steps!).push(step);
        continue;
      }
      this.enter(stepAt);
      levels++;
      if (step.kind === 'splat') expr = { kind: 'operation', operator: '[*]', operands: [expr], steps: [], pos: expr.pos };
      else {
        const key: HclExpression = step.kind === 'index' ? step.key : { kind: 'literal', value: step.name, pos: this.pos(this.i - step.name.length) };
        expr = { kind: 'index', target: expr, key, pos: expr.pos };
      }
    }
    this.depth -= levels;
    return expr;
  }

  private parseStep(nl: boolean): HclStep | undefined {
    const start = this.i;
    if (this.at('.') && !this.at('..')) {
      this.i++;
      this.skip(nl);
      if (this.eat('*')) return { kind: 'splat' };
      const keyAt = this.i;
      // The legacy index `aws_instance.web.0.id`.
      const digits = this.match(DIGITS);
      if (digits !== undefined) {
        this.i += digits.length;
        return { kind: 'index', key: { kind: 'literal', value: Number(digits), pos: this.pos(keyAt) } };
      }
      return { kind: 'attr', name: this.ident() ?? this.expected(`an attribute name after '.'`) };
    }
    if (!this.eat('[')) return undefined;
    this.skipAll();
    if (this.eat('*')) {
      this.skipAll();
      if (!this.eat(']')) this.expected(`']' after '[*'`);
      return { kind: 'splat' };
    }
    const key = this.parseExpression(false);
    this.skipAll();
    if (!this.eat(']')) this.expected(`']' to close the index opened at ${this.where(start)}`);
    return { kind: 'index', key };
  }

  // ---- strings and heredocs

  private parseQuoted(): HclExpression {
    const start = this.i++;
    const t = this.text;
    const tokens: TemplateToken[] = [];
    let text = '';
    let textAt = this.i;
    for (;;) {
      let j = this.i;
      for (let c = t.charCodeAt(j); j < t.length && c !== 0x22 && c !== 0x5c && c !== 0x24 && c !== 0x25 && c !== 0x0a && c !== 0x0d; c = t.charCodeAt(++j));
      text += t.slice(this.i, j);
      this.i = j;
      if (this.eat('"')) break;
      if (j >= t.length || t[j] === '\n' || t.startsWith('\r\n', j)) this.fail(`unterminated string (started at ${this.where(start)})`);
      if (t[j] === '\\') text += this.escape(start);
      else if (this.atMarkup()) {
        if (text) tokens.push({ t: 'text', value: text, offset: textAt });
        tokens.push(this.parseMarkup());
        text = '';
        textAt = this.i;
      } else text += this.templateChar();
    }
    if (text) tokens.push({ t: 'text', value: text, offset: textAt });
    return this.template(tokens, start);
  }

  /** `${` or `%{` opening an interpolation or a directive (not their `$${` and `%%{` escapes). */
  private atMarkup(): boolean {
    return this.at('${') || this.at('%{');
  }

  /** The next character of template text: `$${` and `%%{` stand for `${` and `%{`. */
  private templateChar(): string {
    const c = this.text[this.i];
    return this.eat('$${') || this.eat('%%{') ? `${c}{` : this.text[this.i++];
  }

  private escape(start: number): string {
    const at = this.i;
    const c = this.text[at + 1];
    if (c === undefined || c === '\n' || this.text.startsWith('\r\n', at + 1)) this.fail(`unterminated string (started at ${this.where(start)})`, at + 1);
    const simple = ESCAPES.get(c);
    if (simple !== undefined) {
      this.i += 2;
      return simple;
    }
    const size = c === 'u' ? 4 : c === 'U' ? 8 : 0;
    const hex = this.text.slice(at + 2, at + 2 + size);
    const code = size && /^[0-9a-fA-F]+$/.test(hex) && hex.length === size ? parseInt(hex, 16) : -1;
    if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      this.fail(size ? `invalid escape '\\${c}${hex}': expected ${size} hex digits naming a Unicode character` : `invalid escape '\\${c}' in a string (a backslash is written '\\\\')`, at);
    }
    this.i += 2 + size;
    return String.fromCodePoint(code);
  }

  /** At `${` or `%{`: the interpolation or directive up to its `}`, with its `~` strip marks. */
  private parseMarkup(): Markup {
    const offset = this.i;
    const directive = this.text[offset] === '%';
    this.i += 2;
    const stripBefore = this.eat('~');
    this.skipAll();
    let token: Markup;
    if (!directive) token = { t: 'interpolation', offset, stripBefore, stripAfter: false, expr: this.parseExpression(false) };
    else {
      const wordAt = this.i;
      const word = this.ident();
      if (word === 'if') {
        this.skipAll();
        token = { t: 'if', offset, stripBefore, stripAfter: false, expr: this.parseExpression(false) };
      } else if (word === 'for') {
        const { variables, collection } = this.parseForHead();
        token = { t: 'for', offset, stripBefore, stripAfter: false, expr: collection, variables };
      } else if (word === 'else' || word === 'endif' || word === 'endfor') token = { t: word, offset, stripBefore, stripAfter: false };
      else this.expected(`'if', 'for', 'else', 'endif' or 'endfor' after '%{'`, wordAt);
    }
    this.skipAll();
    token.stripAfter = this.eat('~');
    if (!this.eat('}')) this.expected(`'}' to close the '${directive ? '%' : '$'}{' at ${this.where(offset)}`);
    return token;
  }

  private parseHeredoc(): HclExpression {
    const start = this.i;
    this.i += 2;
    const indented = this.eat('-');
    const marker = this.ident() ?? this.expected(`a heredoc marker name after '<<${indented ? '-' : ''}'`);
    const opener = `<<${indented ? '-' : ''}${marker}`;
    if (!this.eat('\n') && !this.eat('\r\n')) this.expected(`a newline right after ${opener}`);
    const tokens: TemplateToken[] = [];
    while (!this.closesHeredoc(marker)) {
      if (this.i >= this.text.length) this.fail(`heredoc ${opener} is never closed (expected a line '${marker}')`, start);
      this.heredocLine(tokens);
    }
    if (indented) dedent(tokens);
    return this.template(tokens, start);
  }

  /** At a line's start: whether it is the closing marker (spaces around it allowed); if so, moves past it. */
  private closesHeredoc(marker: string): boolean {
    const t = this.text;
    let j = this.i;
    while (t[j] === ' ' || t[j] === '\t') j++;
    if (!t.startsWith(marker, j)) return false;
    let k = j + marker.length;
    while (t[k] === ' ' || t[k] === '\t' || (t[k] === '\r' && t[k + 1] === '\n')) k++;
    if (k < t.length && t[k] !== '\n') return false;
    this.i = j + marker.length;
    return true;
  }

  /**
   * One line of a heredoc, its newline included, as HCL cuts it: a text token per stretch between markup, a
   * new one at each line (what `<<-` trims works by lines). No backslash escapes here; CRLF is read as LF.
   */
  private heredocLine(tokens: TemplateToken[]): void {
    const t = this.text;
    let text = '';
    let textAt = this.i;
    while (this.i < t.length) {
      let j = this.i;
      for (let c = t.charCodeAt(j); j < t.length && c !== 0x0a && c !== 0x24 && c !== 0x25; c = t.charCodeAt(++j));
      text += t.slice(this.i, j);
      this.i = j;
      if (this.eat('\n')) {
        text = `${text.endsWith('\r') ? text.slice(0, -1) : text}\n`;
        break;
      }
      if (j >= t.length) break;
      if (this.atMarkup()) {
        if (text) tokens.push({ t: 'text', value: text, offset: textAt });
        tokens.push(this.parseMarkup());
        text = '';
        textAt = this.i;
      } else text += this.templateChar();
    }
    if (text) tokens.push({ t: 'text', value: text, offset: textAt });
  }

  /** The tokens of a string or heredoc opened at `start` as one expression: a literal when there is no markup. */
  private template(tokens: TemplateToken[], start: number): HclExpression {
    stripMarks(tokens);
    const cursor = { k: 0 };
    const seq = this.sequence(tokens, cursor, []);
    return this.branch(seq, start);
  }

  private branch(seq: Sequence, offset: number): HclExpression {
    if (seq.markup) return { kind: 'template', parts: seq.parts, pos: this.pos(offset) };
    const only = seq.parts[0];
    return { kind: 'literal', value: only?.kind === 'literal' ? only.value : '', pos: this.pos(offset) };
  }

  /** Tokens from `cursor` up to one of the directives `stops` (not taken) or the end, with `%{ }` matched up. */
  private sequence(tokens: TemplateToken[], cursor: { k: number }, stops: Directive[]): Sequence {
    const parts: HclExpression[] = [];
    let markup = false;
    let text: { value: string; offset: number } | undefined;
    const flush = () => {
      if (text?.value) parts.push({ kind: 'literal', value: text.value, pos: this.pos(text.offset) });
      text = undefined;
    };
    for (; cursor.k < tokens.length; cursor.k++) {
      const token = tokens[cursor.k];
      if (token.t === 'text') {
        if (text) text.value += token.value;
        else text = { value: token.value, offset: token.offset };
        continue;
      }
      flush();
      if (stops.includes(token.t)) return { parts, markup, stop: token };
      markup = true;
      if (token.t === 'interpolation') parts.push(token.expr!);
      else if (token.t === 'if' || token.t === 'for') parts.push(this.directive(token, tokens, cursor));
      else this.fail(`'%{ ${token.t} }' without a matching '%{ ${token.t === 'endfor' ? 'for' : 'if'} }'`, token.offset);
    }
    flush();
    return { parts, markup, stop: undefined };
  }

  /** An `%{ if }` or `%{ for }` at `cursor` through its `%{ endif }` or `%{ endfor }`, which `cursor` is left at. */
  private directive(token: Markup, tokens: TemplateToken[], cursor: { k: number }): HclExpression {
    this.enter(token.offset);
    const pos = this.pos(token.offset);
    const end = token.t === 'if' ? 'endif' : 'endfor';
    cursor.k++;
    const body = this.sequence(tokens, cursor, token.t === 'if' ? ['else', 'endif'] : ['endfor']);
    let otherwise: Sequence = { parts: [], markup: false, stop: body.stop };
    if (body.stop?.t === 'else') {
      cursor.k++;
      otherwise = this.sequence(tokens, cursor, ['endif']);
    }
    if (otherwise.stop === undefined) this.fail(`'%{ ${token.t} }' is never closed (expected '%{ ${end} }')`, token.offset);
    this.depth--;
    const bodyExpr = this.branch(body, token.offset);
    if (token.t === 'for') return { kind: 'for', collection: token.expr!, parts: [bodyExpr], variables: token.variables!, object: false, grouped: false, pos };
    const elseAt = body.stop!.t === 'else' ? body.stop!.offset : otherwise.stop.offset;
    return { kind: 'operation', operator: '?:', operands: [token.expr!, bodyExpr, this.branch(otherwise, elseAt)], pos };
  }
}

function blockTitle(type: string, labels: string[]): string {
  const title = [type, ...labels.map((l) => JSON.stringify(l))].join(' ');
  return title.length > 80 ? `${title.slice(0, 80)}…` : title;
}

/**
 * `<<-`: cut from each line the indentation all lines share, as HCL does: lines of nothing but spaces
 * neither count nor are cut, and a line starting with `${` or `%{` has none, so then nothing is cut.
 */
function dedent(tokens: TemplateToken[]): void {
  let least = Infinity;
  let lineStart = true;
  const cut: Array<Extract<TemplateToken, { t: 'text' }>> = [];
  for (const token of tokens) {
    if (lineStart) {
      lineStart = false;
      if (token.t !== 'text') least = 0;
      else {
        const spaces = /^[ \t]*/.exec(token.value)![0].length;
        if (token.value.slice(spaces) !== '\n') {
          least = Math.min(least, spaces);
          cut.push(token);
        }
      }
    }
    if (token.t === 'text' && token.value.endsWith('\n')) lineStart = true;
  }
  for (const token of cut) {
    token.value = token.value.slice(least);
    token.offset += least;
  }
}

/** `${~ x ~}` and `%{~ if ~}`: the `~` side's neighbouring text loses its whitespace. */
function stripMarks(tokens: TemplateToken[]): void {
  tokens.forEach((token, k) => {
    if (token.t === 'text') return;
    const before = tokens[k - 1];
    const after = tokens[k + 1];
    if (token.stripBefore && before?.t === 'text') before.value = before.value.trimEnd();
    if (token.stripAfter && after?.t === 'text') {
      const trimmed = after.value.trimStart();
      after.offset += after.value.length - trimmed.length;
      after.value = trimmed;
    }
  });
}

/** The file's top-level body; an HclSyntaxError at the first problem, and never any other error. */
export function parseHcl(text: string): HclBody {
  return new Parser(text).parseFile();
}

/**
 * One expression and nothing else, as Terraform reads a `-var NAME=VALUE` value for a variable whose type is
 * not string (hclsyntax.ParseExpression); an HclSyntaxError at the first problem.
 */
export function parseHclExpression(text: string): HclExpression {
  return new Parser(text).parseLoneExpression();
}

/** An object key as the string it stands for: HCL converts numbers and booleans; null or an expression is none. */
function keyString(key: HclExpression): string | undefined {
  if (key.kind !== 'literal' || key.value === null) return undefined;
  return String(key.value);
}

/** The value when the expression alone says it: literals, and tuples, objects and parentheses of them. */
export function literalValue(expr: HclExpression): HclValue | undefined {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'parens':
      return literalValue(expr.expression);
    case 'tuple': {
      const items: HclValue[] = [];
      for (const item of expr.items) {
        const value = literalValue(item);
        if (value === undefined) return undefined;
        items.push(value);
      }
      return items;
    }
    case 'object': {
      const object: { [key: string]: HclValue } = Object.create(null);
      for (const item of expr.items) {
        const key = keyString(item.key);
        const value = literalValue(item.value);
        if (key === undefined || value === undefined) return undefined;
        object[key] = value;
      }
      return object;
    }
    default:
      return undefined;
  }
}

/** An object's items by key (the last of a key twice), when every key is a literal; else undefined. */
export function objectItems(expr: HclExpression): Map<string, HclExpression> | undefined {
  if (expr.kind === 'parens') return objectItems(expr.expression);
  if (expr.kind !== 'object') return undefined;
  const items = new Map<string, HclExpression>();
  for (const item of expr.items) {
    const key = keyString(item.key);
    if (key === undefined) return undefined;
    items.set(key, item.value);
  }
  return items;
}

/**
 * Every variable the expression reads, in source order: the root then each attribute name and literal
 * index (`data.a.b.c[0]` is data, a, b, c, 0), up to the first splat or computed index. The variables a
 * for-expression binds are the for's own, not references.
 */
export function referencesIn(expr: HclExpression): HclReference[] {
  const out: HclReference[] = [];
  collectReferences(expr, new Set(), out);
  return out;
}

function collectReferences(expr: HclExpression, bound: ReadonlySet<string>, out: HclReference[]): void {
  const walk = (e: HclExpression) => collectReferences(e, bound, out);
  switch (expr.kind) {
    case 'literal':
      return;
    case 'traversal':
      if (!bound.has(expr.root)) out.push({ parts: [expr.root, ...namedSteps(expr.steps)], pos: expr.pos });
      return stepKeys(expr.steps, walk);
    case 'template':
      return expr.parts.forEach(walk);
    case 'tuple':
      return expr.items.forEach(walk);
    case 'object':
      return expr.items.forEach((item) => { walk(item.key); walk(item.value); });
    case 'call':
      return expr.args.forEach(walk);
    case 'index':
      walk(expr.target);
      return walk(expr.key);
    case 'operation':
      expr.operands.forEach(walk);
      return stepKeys(expr.steps ?? [], walk);
    case 'for': {
      walk(expr.collection);
      const inner = new Set([...bound, ...(expr.variables ?? [])]);
      return expr.parts.forEach((part) => collectReferences(part, inner, out));
    }
    case 'parens':
      return walk(expr.expression);
  }
}

/** The steps as names, up to the first that names nothing fixed. */
function namedSteps(steps: HclStep[]): string[] {
  const names: string[] = [];
  for (const step of steps) {
    if (step.kind === 'splat') break;
    if (step.kind === 'attr') names.push(step.name);
    else if (step.key.kind === 'literal' && (typeof step.key.value === 'string' || typeof step.key.value === 'number')) names.push(String(step.key.value));
    else break;
  }
  return names;
}

function stepKeys(steps: HclStep[], walk: (e: HclExpression) => void): void {
  for (const step of steps) if (step.kind === 'index') walk(step.key);
}
