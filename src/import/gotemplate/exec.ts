// The executor of Go's text/template (text/template/exec.go): walks a tree over data, with Go's scoping of
// variables, its truth, and its type checks at function calls. Work is capped (actions, nested template
// calls, output size) so that no template can run away, and every failure is a GoTemplateError at the node.
import { constantArg, type Fail, idealConstant, NIL_FROM_MAP, nilArg, validateArg } from './args.js';
import { GoTemplateError } from './errors.js';
import { type ArgNode, type At, type BranchNode, type ChainNode, type CommandNode, type FieldNode, type IdentifierNode, type ListNode, type Node, nodeString, type PipeNode, type TemplateNode, type Tree, type VariableNode } from './nodes.js';
import { Output } from './output.js';
import {
  type CallContext, formatValue, FuncError, type GoFunction, GoFunctionValue, GoStruct, isTrue, type ParamType, sortedKeys, typeName,
} from './value.js';

export interface Limits {
  /** Nodes executed plus work charged by functions, per render. */
  actions: number;
  /** Nested template, include and tpl calls. */
  depth: number;
  /** Characters one template (or one include) may write. */
  output: number;
}

export const DEFAULT_LIMITS: Limits = { actions: 1_000_000, depth: 100, output: 16 * 1024 * 1024 };

/** The file name the trees of a `tpl` string carry, so that their errors are reported at the `tpl` call. */
export const TPL_FILE = '<tpl>';

export interface ExecEnv {
  functions: ReadonlyMap<string, GoFunction>;
  /** Parses a `tpl` string: its body first, then its defines. */
  parseInline(text: string): Tree[];
  /** Printed for a nil value: Go's `<no value>`, which Helm removes. */
  noValue: string;
  /** `zero` (Helm): a missing map key is a nil that fails when a field is read from it; `invalid` (Go's default): it reads as nil all the way. */
  missingKey: 'zero' | 'invalid';
  limits: Limits;
}

export interface Rendered {
  text: string;
  sourceLines: number[];
}

type Lookup = (name: string) => Tree | undefined;
type Signal = 'break' | 'continue' | undefined;

interface Frame {
  tree: Tree;
  vars: Array<{ name: string; value: unknown }>;
  depth: number;
  out: Output;
  /** Inside `{{template}}`: the line of the outermost call in the file being rendered, for every line written. */
  line?: number;
  lookup: Lookup;
}

const EXPRESSIONS = new Set(['command', 'pipe', 'field', 'variable', 'chain', 'identifier', 'dot', 'nil', 'bool', 'string', 'number']);

/** No value from an earlier pipeline stage. */
const MISSING = Symbol('missing');

export class Executor {
  private actions = 0;
  private last = { file: '', line: 1, col: 1 };

  constructor(private readonly env: ExecEnv) {}

  render(tree: Tree, data: unknown, lookup: Lookup): Rendered {
    const out = new Output(true, this.env.limits.output);
    try {
      this.walk({ tree, vars: [{ name: '$', value: data }], depth: 0, out, lookup }, data, tree.root);
    } catch (err) {
      throw this.asTemplateError(err);
    }
    return { text: out.text(), sourceLines: out.sourceLines };
  }

  private asTemplateError(err: unknown): GoTemplateError {
    if (err instanceof GoTemplateError) return err;
    const { file, line, col } = this.last;
    if (err instanceof RangeError) return new GoTemplateError('stops: the templates nest too deeply', file, line, col);
    return new GoTemplateError(`internal error: ${err instanceof Error ? err.message : String(err)}`, file, line, col);
  }

  // Errors and budget.

  /** Go names the expression that failed (`at <.Values.a.b>`) when the node is one. */
  private fail(f: Frame, node: At, message: string): never {
    const kind = (node as { kind?: string }).kind;
    const where = kind !== undefined && EXPRESSIONS.has(kind) ? nodeString(node as ArgNode | CommandNode) : '';
    throw new GoTemplateError(where ? `at <${where}>: ${message}` : message, f.tree.file, node.line, node.col);
  }

  private failer(f: Frame): Fail {
    return (node, message) => this.fail(f, node, message);
  }

  private tick(f: Frame, node: At, units = 1): void {
    this.last = { file: f.tree.file, line: node.line, col: node.col };
    this.actions += units;
    if (this.actions > this.env.limits.actions) {
      throw new GoTemplateError(`stops: more than ${this.env.limits.actions.toLocaleString('en-US')} actions executed`, f.tree.file, node.line, node.col);
    }
  }

  private write(f: Frame, node: At, s: string, advance: boolean): void {
    const line = f.line ?? node.line;
    if (!f.out.write(s, line, advance && f.line === undefined)) {
      throw new GoTemplateError(`stops: the output is over ${Math.round(this.env.limits.output / 1024 / 1024)} MB`, f.tree.file, node.line, node.col);
    }
  }

  // Nodes.

  private walk(f: Frame, dot: unknown, node: Node): Signal {
    this.tick(f, node);
    switch (node.kind) {
      case 'list': return this.walkList(f, dot, node);
      case 'text':
        this.write(f, node, node.text, true);
        return undefined;
      case 'action': {
        const value = this.evalPipeline(f, dot, node.pipe);
        if (node.pipe.decl.length === 0) this.print(f, node, value);
        return undefined;
      }
      case 'if': case 'with': return this.walkIfOrWith(f, dot, node);
      case 'range': return this.walkRange(f, dot, node);
      case 'template': return this.walkTemplate(f, dot, node);
      case 'break': case 'continue': return node.kind;
    }
  }

  private walkList(f: Frame, dot: unknown, list: ListNode): Signal {
    for (const n of list.nodes) {
      const signal = this.walk(f, dot, n);
      if (signal) return signal;
    }
    return undefined;
  }

  private print(f: Frame, node: At, value: unknown): void {
    if (value instanceof GoFunctionValue) this.fail(f, node, `can't print a value of type ${typeName(value)}`);
    this.write(f, node, value === null || value === undefined ? this.env.noValue : formatValue(value), false);
  }

  private walkIfOrWith(f: Frame, dot: unknown, node: BranchNode): Signal {
    const mark = f.vars.length;
    try {
      const value = this.evalPipeline(f, dot, node.pipe);
      if (isTrue(value)) return this.walk(f, node.kind === 'with' ? value : dot, node.list);
      return node.elseList ? this.walk(f, dot, node.elseList) : undefined;
    } finally {
      f.vars.length = mark;
    }
  }

  private *rangeItems(f: Frame, node: BranchNode, value: unknown): Generator<[unknown, unknown]> {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) yield [BigInt(i), value[i]];
    } else if (value instanceof Map) {
      for (const k of sortedKeys(value)) yield [k, value.get(k)];
    } else if (typeof value === 'bigint') {
      if (node.pipe.decl.length > 1) this.fail(f, node.pipe, `can't use ${value} to iterate over more than one variable`);
      for (let i = 0n; i < value; i++) yield [i, i];
    } else if (value !== null && value !== undefined) {
      this.fail(f, node.pipe, `range can't iterate over ${formatValue(value)}`);
    }
  }

  private walkRange(f: Frame, dot: unknown, node: BranchNode): Signal {
    const mark = f.vars.length;
    try {
      const value = this.evalPipeline(f, dot, node.pipe);
      const inner = f.vars.length;
      let ran = false;
      for (const [index, elem] of this.rangeItems(f, node, value)) {
        ran = true;
        this.tick(f, node);
        this.setRangeVars(f, node.pipe, index, elem);
        const signal = this.walk(f, elem, node.list);
        f.vars.length = inner;
        if (signal === 'break') break;
      }
      // As in Go, a {{break}} in the else branch ends this range, not an outer one.
      if (!ran && node.elseList) {
        const signal = this.walk(f, dot, node.elseList);
        return signal === 'break' ? undefined : signal;
      }
      return undefined;
    } finally {
      f.vars.length = mark;
    }
  }

  private setRangeVars(f: Frame, pipe: PipeNode, index: unknown, elem: unknown): void {
    const { decl } = pipe;
    if (decl.length === 0) return;
    if (pipe.isAssign) {
      this.setVar(f, decl[0], decl.length > 1 ? index : elem);
      if (decl.length > 1) this.setVar(f, decl[1], elem);
      return;
    }
    f.vars[f.vars.length - 1].value = elem;
    if (decl.length > 1) f.vars[f.vars.length - 2].value = index;
  }

  private walkTemplate(f: Frame, dot: unknown, node: TemplateNode): Signal {
    const tree = f.lookup(node.name);
    if (!tree) this.fail(f, node, `template ${JSON.stringify(node.name)} not defined`);
    const data = node.pipe ? this.evalPipeline(f, dot, node.pipe) : null;
    const frame = this.enter(f, node, tree, data, f.out, f.lookup);
    frame.line = f.line ?? node.line;
    this.walk(frame, data, tree.root);
    return undefined;
  }

  private enter(f: Frame, node: At, tree: Tree, data: unknown, out: Output, lookup: Lookup): Frame {
    if (f.depth >= this.env.limits.depth) this.fail(f, node, `stops: more than ${this.env.limits.depth} nested template calls`);
    return { tree, vars: [{ name: '$', value: data }], depth: f.depth + 1, out, lookup };
  }

  // Pipelines and commands.

  private evalPipeline(f: Frame, dot: unknown, pipe: PipeNode): unknown {
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(f, dot, cmd, value);
      if (value === NIL_FROM_MAP || value === undefined) value = null;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(f, v, value);
      else f.vars.push({ name: v.ident[0], value });
    }
    return value;
  }

  private setVar(f: Frame, v: VariableNode, value: unknown): void {
    for (let i = f.vars.length - 1; i >= 0; i--) {
      if (f.vars[i].name === v.ident[0]) {
        f.vars[i].value = value;
        return;
      }
    }
    this.fail(f, v, `undefined variable: ${v.ident[0]}`);
  }

  private varValue(f: Frame, v: VariableNode): unknown {
    for (let i = f.vars.length - 1; i >= 0; i--) if (f.vars[i].name === v.ident[0]) return f.vars[i].value;
    this.fail(f, v, `undefined variable: ${v.ident[0]}`);
  }

  private evalCommand(f: Frame, dot: unknown, cmd: CommandNode, final: unknown): unknown {
    const [first, ...rest] = cmd.args;
    this.tick(f, first, 0);
    switch (first.kind) {
      case 'field': return this.fieldChain(f, dot, dot, first, first.ident, rest, final, cmd);
      case 'chain': return this.evalChain(f, dot, first, rest, final, cmd);
      case 'identifier': return this.evalFunction(f, dot, first, rest, final, cmd);
      case 'variable': return this.evalVariable(f, dot, first, rest, final, cmd);
      case 'pipe':
        this.notAFunction(f, first, rest, final);
        return this.evalPipeline(f, dot, first);
    }
    this.notAFunction(f, first, rest, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.fail(f, first, 'nil is not a command');
      case 'number': return idealConstant(first, this.failer(f));
      case 'string': return first.text;
    }
  }

  private notAFunction(f: Frame, first: ArgNode, rest: ArgNode[], final: unknown): void {
    if (rest.length > 0 || final !== MISSING) this.fail(f, first, `can't give argument to non-function ${nodeString(first)}`);
  }

  private evalVariable(f: Frame, dot: unknown, v: VariableNode, rest: ArgNode[], final: unknown, cmd: CommandNode | ArgNode): unknown {
    const value = this.varValue(f, v);
    if (v.ident.length === 1) {
      this.notAFunction(f, v, rest, final);
      return value;
    }
    return this.fieldChain(f, dot, value, v, v.ident.slice(1), rest, final, cmd);
  }

  private evalChain(f: Frame, dot: unknown, chain: ChainNode, rest: ArgNode[], final: unknown, cmd: CommandNode | ArgNode): unknown {
    if (chain.node.kind === 'nil') this.fail(f, chain, `indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(f, dot, 'any', chain.node);
    return this.fieldChain(f, dot, receiver, chain, chain.field, rest, final, cmd);
  }

  private fieldChain(f: Frame, dot: unknown, receiver: unknown, node: FieldNode | VariableNode | ChainNode, ident: string[], rest: ArgNode[], final: unknown, cmd: CommandNode | ArgNode): unknown {
    let current = receiver;
    for (let i = 0; i < ident.length - 1; i++) current = this.field(f, dot, ident[i], node, [], MISSING, current, node);
    return this.field(f, dot, ident[ident.length - 1], node, rest, final, current, cmd);
  }

  private field(f: Frame, dot: unknown, name: string, node: ArgNode, rest: ArgNode[], final: unknown, receiver: unknown, cmd: CommandNode | ArgNode): unknown {
    if (receiver === null || receiver === undefined) return null;
    if (receiver === NIL_FROM_MAP) this.fail(f, node, `nil pointer evaluating interface {}.${name}`);
    const hasArgs = rest.length > 0 || final !== MISSING;
    if (receiver instanceof GoStruct) {
      const method = receiver.methods.get(name);
      if (method) return this.evalCall(f, dot, method, name, cmd, rest, final);
      if (receiver.fields.has(name)) {
        if (hasArgs) this.fail(f, node, `${name} has arguments but cannot be invoked as function`);
        return receiver.fields.get(name);
      }
    } else if (receiver instanceof Map) {
      if (hasArgs) this.fail(f, node, `${name} is not a method but has arguments`);
      const value = receiver.get(name);
      if (value !== undefined && value !== null) return value;
      return receiver.has(name) || this.env.missingKey === 'zero' ? NIL_FROM_MAP : null;
    }
    return this.fail(f, node, `can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalFunction(f: Frame, dot: unknown, node: IdentifierNode, rest: ArgNode[], final: unknown, cmd: CommandNode | ArgNode): unknown {
    const fn = this.env.functions.get(node.name);
    if (!fn) this.fail(f, node, `"${node.name}" is not a defined function`);
    return this.evalCall(f, dot, fn, node.name, cmd, rest, final);
  }

  private evalCall(f: Frame, dot: unknown, fn: GoFunction, name: string, cmd: CommandNode | ArgNode, args: ArgNode[], final: unknown): unknown {
    const hasFinal = final !== MISSING;
    const count = args.length + (hasFinal ? 1 : 0);
    const fixed = fn.params.length;
    if (fn.variadic ? count < fixed : count !== fixed) {
      this.fail(f, cmd, `wrong number of args for ${name}: want ${fn.variadic ? 'at least ' : ''}${fixed} got ${count}`);
    }
    if (fn.shortCircuit) {
      let v: unknown = null;
      for (const arg of args) {
        v = this.evalArg(f, dot, 'any', arg);
        if (isTrue(v) === (fn.shortCircuit === 'or')) return v;
      }
      return hasFinal ? final : v;
    }
    const argv = args.map((arg, i) => this.evalArg(f, dot, i < fixed ? fn.params[i] : fn.variadic ?? 'any', arg));
    if (hasFinal) argv.push(this.validate(f, cmd, final, args.length < fixed ? fn.params[args.length] : fn.variadic ?? 'any'));
    const ctx: CallContext = {
      include: (template, data) => this.include(f, cmd, template, data),
      tpl: (text, data) => this.tpl(f, cmd, text, data),
      charge: (units) => this.tick(f, cmd, units),
    };
    let result: unknown;
    try {
      result = fn.call(argv, ctx);
    } catch (err) {
      if (err instanceof FuncError) this.fail(f, cmd, `error calling ${name}: ${err.message}`);
      throw err;
    }
    this.chargeResult(f, cmd, result);
    return result === undefined ? null : result;
  }

  /** Big results cost in proportion, so that loops that grow strings or lists stop in time. */
  private chargeResult(f: Frame, cmd: At, result: unknown): void {
    const size = typeof result === 'string' || Array.isArray(result) ? result.length : result instanceof Map ? result.size : 0;
    if (size > this.env.limits.output) throw new GoTemplateError(`stops: a value over ${Math.round(this.env.limits.output / 1024 / 1024)} MB`, f.tree.file, cmd.line, cmd.col);
    if (size >= 100) this.tick(f, cmd, Math.floor(size / 100));
  }

  private evalArg(f: Frame, dot: unknown, type: ParamType, node: ArgNode): unknown {
    switch (node.kind) {
      case 'dot': return this.validate(f, node, dot, type);
      case 'nil': return nilArg(node, type, this.failer(f));
      case 'field': return this.validate(f, node, this.fieldChain(f, dot, dot, node, node.ident, [], MISSING, node), type);
      case 'variable': return this.validate(f, node, this.evalVariable(f, dot, node, [], MISSING, node), type);
      case 'pipe': return this.validate(f, node, this.evalPipeline(f, dot, node), type);
      case 'identifier': return this.validate(f, node, this.evalFunction(f, dot, node, [], MISSING, node), type);
      case 'chain': return this.validate(f, node, this.evalChain(f, dot, node, [], MISSING, node), type);
    }
    return constantArg(node, type, this.failer(f));
  }

  private validate(f: Frame, node: At, value: unknown, type: ParamType): unknown {
    return validateArg(node, value, type, this.failer(f));
  }

  // Templates run from functions.

  private include(f: Frame, at: At, name: string, data: unknown): string {
    const tree = f.lookup(name);
    if (!tree) throw new FuncError(`no template ${JSON.stringify(name)}`);
    const frame = this.enter(f, at, tree, data, new Output(false, this.env.limits.output), f.lookup);
    this.walk(frame, data, tree.root);
    return frame.out.text();
  }

  private tpl(f: Frame, at: At, text: string, data: unknown): string {
    let trees: Tree[];
    try {
      trees = this.env.parseInline(text);
    } catch (err) {
      if (err instanceof GoTemplateError) throw new FuncError(`cannot parse template: ${err.message}`);
      throw err;
    }
    const defines = new Map(trees.slice(1).map((t) => [t.name, t]));
    const lookup: Lookup = (name) => defines.get(name) ?? f.lookup(name);
    const frame = this.enter(f, at, trees[0], data, new Output(false, this.env.limits.output), lookup);
    try {
      this.walk(frame, data, trees[0].root);
    } catch (err) {
      // The text given to tpl has no file to point into: its own errors are the tpl call's.
      if (err instanceof GoTemplateError && err.file === TPL_FILE) throw new FuncError(err.message);
      throw err;
    }
    return frame.out.text();
  }
}
