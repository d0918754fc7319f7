// The parser of Go's text/template (text/template/parse/parse.go): actions and control structures into a
// tree, `define`s and `block`s into templates of their own. Like Go's, it rejects a call to a function the
// template set does not have and a variable used before it is declared, so those fail before anything runs.
import { GoTemplateError } from './errors.js';
import { lex, type Token } from './lex.js';
import { numberConstant, unquote } from './literals.js';
import type { ArgNode, At, BranchNode, CommandNode, ListNode, Node, PipeNode, TemplateNode, Tree, VariableNode } from './nodes.js';

/** What `{{end}}` or `{{else}}` ends a list with. */
interface Terminator extends At { kind: 'end' | 'else' }

const isTerminator = (n: Node | Terminator): n is Terminator => n.kind === 'end' || n.kind === 'else';

const EXECUTABLE_FIRST = new Set(['bool', 'dot', 'nil', 'number', 'string']);

/** Go's item String(): how an unexpected token reads in a message. */
function describeToken(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (t.type === 'keyword') return `<${t.val}>`;
  const text = JSON.stringify(t.val);
  return t.val.length > 10 ? `${JSON.stringify(t.val.slice(0, 10))}...` : text;
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  readonly trees: Tree[] = [];

  constructor(private readonly file: string, private readonly tokens: Token[], private readonly hasFunction: (name: string) => boolean) {}

  // Tokens.

  private fail(message: string, at: At): never {
    throw new GoTemplateError(message, this.file, at.line, at.col);
  }

  private peek(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length) this.i++;
    return t;
  }

  private peekNonSpace(): Token {
    while (this.peek().type === 'space') this.i++;
    return this.peek();
  }

  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') this.fail(t.val, t);
    this.fail(`unexpected ${describeToken(t)} in ${context}`, t);
  }

  private expect(type: Token['type'], context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private at(t: At): At {
    return { line: t.line, col: t.col };
  }

  // Templates.

  parseFile(name: string): void {
    const root: ListNode = { kind: 'list', nodes: [], line: 1, col: 1 };
    while (this.peek().type !== 'eof') {
      const start = this.i;
      if (this.peek().type === 'leftDelim') {
        this.next();
        const word = this.nextNonSpace();
        if (word.type === 'keyword' && word.val === 'define') {
          this.parseDefinition(word);
          continue;
        }
        this.i = start;
      }
      const n = this.textOrAction();
      if (isTerminator(n)) this.fail(`unexpected {{${n.kind}}}`, n);
      root.nodes.push(n);
    }
    this.trees.unshift({ name, file: this.file, root });
  }

  private parseDefinition(word: Token): void {
    const nameToken = this.nextNonSpace();
    if (nameToken.type !== 'string' && nameToken.type !== 'rawString') this.unexpected(nameToken, 'define clause');
    const name = this.templateName(nameToken);
    this.expect('rightDelim', 'define clause');
    this.withFreshScope(() => {
      const { list, end } = this.itemList(`{{define "${name}"}}`, word);
      if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in define clause`, end);
      this.trees.push({ name, file: this.file, root: list });
    });
  }

  private withFreshScope(body: () => void): void {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      body();
    } finally {
      this.vars = saved.vars;
      this.rangeDepth = saved.rangeDepth;
    }
  }

  private templateName(t: Token): string {
    const name = unquote(t.val);
    if (name === undefined) this.fail(`malformed template name ${t.val}`, t);
    return name;
  }

  /** Nodes up to the `{{end}}` or `{{else}}` that closes what `opener` began. */
  private itemList(what: string, opener: At): { list: ListNode; end: Terminator } {
    const first = this.peekNonSpace();
    const list: ListNode = { kind: 'list', nodes: [], line: first.line, col: first.col };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (isTerminator(n)) return { list, end: n };
      list.nodes.push(n);
    }
    this.fail(`unexpected EOF: ${what} has no {{end}}`, opener);
  }

  private textOrAction(): Node | Terminator {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { kind: 'text', text: t.val, ...this.at(t) };
    if (t.type === 'leftDelim') return this.action(t);
    this.unexpected(t, 'input');
  }

  private action(delim: Token): Node | Terminator {
    const t = this.nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.val) {
        case 'block': return this.blockControl(delim);
        case 'break': case 'continue': return this.loopControl(t);
        case 'else': return this.elseControl(t);
        case 'end':
          this.expect('rightDelim', 'end');
          return { kind: 'end', ...this.at(t) };
        case 'if': case 'range': case 'with': return this.branch(t.val, delim);
        case 'template': return this.templateControl(delim);
      }
    }
    this.i--;
    return { kind: 'action', pipe: this.pipeline('command', 'rightDelim'), ...this.at(delim) };
  }

  private loopControl(t: Token): Node {
    const close = this.nextNonSpace();
    if (close.type !== 'rightDelim') this.unexpected(close, `{{${t.val}}}`);
    if (this.rangeDepth === 0) this.fail(`{{${t.val}}} outside {{range}}`, t);
    return { kind: t.val as 'break' | 'continue', ...this.at(t) };
  }

  private elseControl(t: Token): Terminator {
    const peek = this.peekNonSpace();
    // `{{else if x}}` and `{{else with x}}` read as `{{else}}{{if x}}`: the `if` is left for the branch.
    if (peek.type === 'keyword' && (peek.val === 'if' || peek.val === 'with')) return { kind: 'else', ...this.at(peek) };
    this.expect('rightDelim', 'else');
    return { kind: 'else', ...this.at(t) };
  }

  private branch(kind: 'if' | 'range' | 'with', delim: Token): BranchNode {
    const depth = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      const body = this.itemList(`{{${kind}}}`, delim);
      if (kind === 'range') this.rangeDepth--;
      const node: BranchNode = { kind, pipe, list: body.list, ...this.at(delim) };
      if (body.end.kind === 'else') node.elseList = this.elseBranch(kind, body.end, delim);
      return node;
    } finally {
      this.vars.length = depth;
    }
  }

  private elseBranch(kind: 'if' | 'range' | 'with', elseAt: Terminator, delim: Token): ListNode {
    const peek = this.peek();
    if ((kind === 'if' || kind === 'with') && peek.type === 'keyword' && peek.val === kind) {
      this.next();
      // The chained branch shares this one's {{end}}.
      return { kind: 'list', nodes: [this.branch(kind, peek)], ...this.at(elseAt) };
    }
    const rest = this.itemList(`{{${kind}}}`, delim);
    if (rest.end.kind !== 'end') this.fail('expected end; found {{else}}', rest.end);
    return rest.list;
  }

  private templateControl(delim: Token): TemplateNode {
    const nameToken = this.nextNonSpace();
    if (nameToken.type !== 'string' && nameToken.type !== 'rawString') this.unexpected(nameToken, 'template clause');
    const name = this.templateName(nameToken);
    const node: TemplateNode = { kind: 'template', name, ...this.at(delim) };
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.i--;
      node.pipe = this.pipeline('template clause', 'rightDelim');
    }
    return node;
  }

  private blockControl(delim: Token): TemplateNode {
    const nameToken = this.nextNonSpace();
    if (nameToken.type !== 'string' && nameToken.type !== 'rawString') this.unexpected(nameToken, 'block clause');
    const name = this.templateName(nameToken);
    const pipe = this.pipeline('block clause', 'rightDelim');
    this.withFreshScope(() => {
      const { list, end } = this.itemList(`{{block "${name}"}}`, delim);
      if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in block clause`, end);
      this.trees.push({ name, file: this.file, root: list });
    });
    return { kind: 'template', name, pipe, ...this.at(delim) };
  }

  // Pipelines.

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', isAssign: false, decl: [], cmds: [], ...this.at(first) };
    this.declarations(pipe, context);
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context, t);
        return pipe;
      }
      if (['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'].includes(t.type)) {
        this.i--;
        pipe.cmds.push(this.command());
      } else this.unexpected(t, context);
    }
  }

  /** `$x :=`, `$x =` and a range's `$i, $v :=` at the start of a pipeline. */
  private declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const start = this.i;
      const v = this.peekNonSpace();
      if (v.type !== 'variable') return;
      this.next();
      const next = this.peekNonSpace();
      const variable: VariableNode = { kind: 'variable', ident: [v.val], ...this.at(v) };
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.next();
        pipe.decl.push(variable);
        this.vars.push(v.val);
        return;
      }
      if (next.type === 'char' && next.val === ',') {
        this.next();
        pipe.decl.push(variable);
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace().type;
          if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') continue;
          this.fail('range can only initialize variables', this.peekNonSpace());
        }
        this.fail(`too many declarations in ${context}`, next);
      }
      this.i = start;
      return;
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, end: Token): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, end);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (EXECUTABLE_FIRST.has(c.args[0].kind)) this.fail(`non executable command in pipeline stage ${i + 2}`, c.args[0]);
    });
  }

  private command(): CommandNode {
    const first = this.peekNonSpace();
    const cmd: CommandNode = { kind: 'command', args: [], ...this.at(first) };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.i--;
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command', first);
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field': return { ...node, ident: [...node.ident, ...fields] };
      case 'variable': return { ...node, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.fail(`unexpected . after term ${JSON.stringify(node.kind === 'string' ? node.quoted : node.kind === 'number' ? node.text : node.kind === 'bool' ? String(node.value) : node.kind === 'nil' ? 'nil' : '.')}`, node);
      default: return { kind: 'chain', node, field: fields, line: node.line, col: node.col };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    const at = this.at(t);
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.fail(`function ${JSON.stringify(t.val)} not defined`, t);
        return { kind: 'identifier', name: t.val, ...at };
      case 'dot': return { kind: 'dot', ...at };
      case 'nil': return { kind: 'nil', ...at };
      case 'variable':
        if (!this.vars.includes(t.val)) this.fail(`undefined variable ${JSON.stringify(t.val)}`, t);
        return { kind: 'variable', ident: [t.val], ...at };
      case 'field': return { kind: 'field', ident: [t.val.slice(1)], ...at };
      case 'bool': return { kind: 'bool', value: t.val === 'true', ...at };
      case 'charConstant': case 'number': {
        const n = numberConstant(t.val);
        if (typeof n === 'string') this.fail(n, t);
        return { kind: 'number', text: t.val, ...n, ...at };
      }
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        return { ...pipe, ...at };
      }
      case 'string': case 'rawString': {
        const text = unquote(t.val);
        if (text === undefined) this.fail(`malformed string ${t.val}`, t);
        return { kind: 'string', quoted: t.val, text, ...at };
      }
    }
    this.i--;
    return undefined;
  }
}

/**
 * Parses one file of a template set: the first tree is the file's own body (named `name`), the others the
 * templates its `define`s and `block`s declare. Throws GoTemplateError, and only that.
 */
export function parseTemplate(name: string, file: string, text: string, hasFunction: (name: string) => boolean): Tree[] {
  const parser = new Parser(file, lex(text), hasFunction);
  try {
    parser.parseFile(name);
  } catch (err) {
    if (err instanceof RangeError) throw new GoTemplateError('stops: the template nests too deeply to parse', file, 1, 1);
    throw err;
  }
  return parser.trees;
}
