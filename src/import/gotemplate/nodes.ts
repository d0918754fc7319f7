// The parse tree of a Go template, as text/template/parse builds it: every node keeps the 1-based line and
// column where it starts in its template, for the line map and for errors.

export interface At {
  line: number;
  col: number;
}

export interface ListNode extends At { kind: 'list'; nodes: Node[] }
export interface TextNode extends At { kind: 'text'; text: string }
export interface ActionNode extends At { kind: 'action'; pipe: PipeNode }
export interface BranchNode extends At { kind: 'if' | 'range' | 'with'; pipe: PipeNode; list: ListNode; elseList?: ListNode }
export interface TemplateNode extends At { kind: 'template'; name: string; pipe?: PipeNode }
export interface LoopControlNode extends At { kind: 'break' | 'continue' }
export type Node = ListNode | TextNode | ActionNode | BranchNode | TemplateNode | LoopControlNode;

export interface PipeNode extends At { kind: 'pipe'; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] }
export interface CommandNode extends At { kind: 'command'; args: ArgNode[] }
/** `.a.b`: `ident` is `['a', 'b']`. */
export interface FieldNode extends At { kind: 'field'; ident: string[] }
/** `$x.a`: `ident` is `['$x', 'a']`. */
export interface VariableNode extends At { kind: 'variable'; ident: string[] }
/** `(pipeline).a.b` or another term followed by fields. */
export interface ChainNode extends At { kind: 'chain'; node: ArgNode; field: string[] }
export interface IdentifierNode extends At { kind: 'identifier'; name: string }
export interface DotNode extends At { kind: 'dot' }
export interface NilNode extends At { kind: 'nil' }
export interface BoolNode extends At { kind: 'bool'; value: boolean }
export interface StringNode extends At { kind: 'string'; quoted: string; text: string }
/** A number constant: what it can be taken as, as Go's NumberNode says. */
export interface NumberNode extends At {
  kind: 'number';
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
}
export type ArgNode =
  | FieldNode | VariableNode | ChainNode | IdentifierNode | DotNode | NilNode | BoolNode | StringNode | NumberNode | PipeNode;

/** A parsed template: its body, in the file it came from. */
export interface Tree {
  name: string;
  file: string;
  root: ListNode;
}

/** The node as a template would spell it, for `at <...>` in errors. */
export function nodeString(node: ArgNode | CommandNode): string {
  switch (node.kind) {
    case 'field': return `.${node.ident.join('.')}`;
    case 'variable': return node.ident.join('.');
    case 'chain': return `${node.node.kind === 'pipe' ? `(${nodeString(node.node)})` : nodeString(node.node)}.${node.field.join('.')}`;
    case 'identifier': return node.name;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(node.value);
    case 'string': return node.quoted;
    case 'number': return node.text;
    case 'command': return node.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'pipe': {
      const decl = node.decl.length ? `${node.decl.map((v) => v.ident.join('.')).join(', ')} ${node.isAssign ? '=' : ':='} ` : '';
      return decl + node.cmds.map(nodeString).join(' | ');
    }
  }
}
