// Terraform's JSON syntax (`*.tf.json`, what CDK for Terraform writes) read into the same HclBody as a .tf
// file, so that the reader works on either (developer.hashicorp.com/terraform/language/syntax/json and
// hashicorp/hcl json/spec.md). A small JSON scanner keeps where every key and value starts (JSON.parse says
// nothing of positions); the tree is then mapped as Terraform maps it: root keys are block types, each level
// of labels one level of objects, a body's keys attributes or nested blocks, strings templates that
// src/import/hcl.ts parses, with every position mapped back onto the JSON text.
//
// Terraform tells attributes from nested blocks by the providers' schemas, which are not here: in a body, a
// key whose value is an object, or an array of objects only, is a nested block (an array: one block per
// item), unless the key is one of ATTRIBUTE_KEYS (maps such as `tags`) or the block type's own rules say
// otherwise (every key of a `module` call, of `locals`, of `required_providers` is an attribute; `provisioner`,
// `dynamic` and `backend` take a label, one level of objects as at the top). A top-level block is at the key
// of its name; a nested one at its key, or at its own '{' when it is an item of a list. Strings are
// templates where Terraform evaluates expressions; taken literally where it does (a variable's `default` and
// `description`, a module's `source` and `version`, a provider's `alias`, everything in `terraform`); and read
// as an expression where the native syntax has a bare reference or keyword (`depends_on`, `provider`,
// `lifecycle.ignore_changes`, a variable's `type`, a module's `providers`). `"//"` keys are comments in
// every object that stands for a block body or a level of labels, the root included; in an object that is a
// value (`tags`) it is a key like any other, as in Terraform.
// Errors are HclSyntaxError at the first problem, never anything else. Pure: no Node APIs.
import { type HclBlock, type HclBody, type HclExpression, type HclPosition, HclSyntaxError, MAX_HCL_DEPTH, parseHcl } from '../hcl.js';
import { LineIndex } from '../line-index.js';

/**
 * Keys whose object values are attributes (maps, or values of any shape), not nested blocks, in any body read
 * by value shape. Extend it for a provider attribute that takes an object or a list of objects.
 *  - `count`, `for_each`, `depends_on`: meta-arguments (a `for_each` may be a literal map).
 *  - `tags`, `tags_all` (AWS, Azure), `labels`, `resource_labels` (Google), `annotations`: maps of strings.
 *  - `metadata`: Google Compute instance metadata, a map (the Kubernetes provider's `metadata` is a block:
 *    not read by this project).
 *  - `variables`: Lambda's `environment { variables = {...} }`; `environment` itself is a block there (ECS
 *    environments are inside the `container_definitions` JSON string), so it is not listed.
 *  - `app_settings` (Azure App Service and Functions), `environment_variables`, `secure_environment_variables`
 *    (Azure containers, Amplify), `stage_variables`, `request_parameters`, `request_templates` (API Gateway),
 *    `parameters` (CloudFormation stacks, SSM), `default_arguments` (Glue), `triggers` (null_resource),
 *    `keepers` (random_*): maps.
 *  - `config`: terraform_remote_state's backend settings.
 *  - `default`, `value`: a variable's default and an output's value, any shape (their blocks say so too).
 */
export const ATTRIBUTE_KEYS: Set<string> = new Set([
  'count', 'for_each', 'depends_on',
  'tags', 'tags_all', 'labels', 'resource_labels', 'annotations', 'metadata',
  'variables', 'app_settings', 'environment_variables', 'secure_environment_variables', 'stage_variables',
  'request_parameters', 'request_templates', 'parameters', 'default_arguments', 'triggers', 'keepers',
  'config', 'default', 'value',
]);

/** Nesting of objects and arrays allowed, as for HCL: far beyond any real file, far below the stack's limit. */
export const MAX_JSON_DEPTH = MAX_HCL_DEPTH;

// ---- the JSON tree, with where each part starts

interface JsonString { t: 'string'; value: string; at: number; end: number }
interface JsonMember { key: JsonString; value: JsonNode }
type JsonNode =
  | JsonString
  | { t: 'object'; members: JsonMember[]; at: number }
  | { t: 'array'; items: JsonNode[]; at: number }
  | { t: 'number'; value: number; at: number }
  | { t: 'boolean'; value: boolean; at: number }
  | { t: 'null'; at: number };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NUMBER_RUN = /[-+0-9.eE]+/y;
const WORD = /[\p{L}\p{N}_$.+-]+/uy;
const PRINTABLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
const ESCAPES = new Map([['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t']]);

/** Offsets to positions as hcl.ts gives them; line 1 starts after a BOM, as in hcl.ts. */
class Lines {
  private readonly index: LineIndex;

  constructor(text: string, first = 0) {
    this.index = new LineIndex(text, first);
  }

  pos(offset: number): HclPosition {
    const { line, col } = this.index.at(offset);
    return { line, column: col, offset };
  }

  /** The offset of a 1-based line and column (as hcl.ts writes them into messages). */
  offset(line: number, column: number): number {
    return this.index.offset(line, column);
  }
}

/** What a message names as found at `at`: a word or number, a character, or what the place is. */
function found(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file';
  if (text[at] === '\n' || text.startsWith('\r\n', at)) return 'a newline';
  if (text[at] === ' ') return 'a space';
  if (text[at] === '\t') return 'a tab';
  WORD.lastIndex = at;
  const word = WORD.exec(text)?.[0];
  if (word !== undefined) return `'${word.length > 40 ? `${word.slice(0, 40)}…` : word}'`;
  const cp = text.codePointAt(at)!;
  const char = String.fromCodePoint(cp);
  return PRINTABLE.test(char) ? `'${char}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A key or label as a message quotes it. */
const quote = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

class Scanner {
  private i: number;
  private depth = 0;
  readonly lines: Lines;

  constructor(private readonly text: string) {
    this.i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.lines = new Lines(text, this.i);
  }

  parse(): JsonNode {
    const root = this.value();
    this.space();
    if (this.i < this.text.length) this.expected('the end of the file after the JSON value');
    return root;
  }

  private fail(message: string, at = this.i): never {
    throw new HclSyntaxError(message, this.lines.pos(at));
  }

  private expected(what: string, at = this.i, note = ''): never {
    return this.fail(`expected ${what}, found ${found(this.text, at)}${note}`, at);
  }

  private space(): void {
    const t = this.text;
    for (let c = t.charCodeAt(this.i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = t.charCodeAt(++this.i));
  }

  private value(): JsonNode {
    this.space();
    const at = this.i;
    const t = this.text;
    const c = t[at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (t.startsWith(word, at) && !/[\p{L}\p{N}_]/u.test(t[at + word.length] ?? '')) {
        this.i += word.length;
        return value === null ? { t: 'null', at } : { t: 'boolean', value, at };
      }
    }
    return this.expected('a value (an object, an array, a string, a number, true, false or null)');
  }

  private enter(at: number): void {
    if (++this.depth > MAX_JSON_DEPTH) this.fail(`objects and arrays nested more than ${MAX_JSON_DEPTH} levels deep`, at);
  }

  private object(): JsonNode {
    const at = this.i++;
    this.enter(at);
    const members: JsonMember[] = [];
    this.space();
    if (this.text[this.i] === '}') this.i++;
    else {
      for (;;) {
        this.space();
        if (this.text[this.i] !== '"') {
          if (members.length && this.text[this.i] === '}') this.expected(`another key after ','`, this.i, ' (JSON allows no comma before \'}\')');
          this.expected('a key in double quotes');
        }
        const key = this.string();
        this.space();
        if (this.text[this.i] !== ':') this.expected(`':' after the key ${quote(key.value)}`);
        this.i++;
        members.push({ key, value: this.value() });
        this.space();
        if (this.text[this.i] === ',') {
          this.i++;
          continue;
        }
        if (this.text[this.i] === '}') {
          this.i++;
          break;
        }
        this.expected(`',' or '}' after the value of ${quote(key.value)}`);
      }
    }
    this.depth--;
    return { t: 'object', members, at };
  }

  private array(): JsonNode {
    const at = this.i++;
    this.enter(at);
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.i] === ']') this.i++;
    else {
      for (;;) {
        this.space();
        if (items.length && this.text[this.i] === ']') this.expected(`another value after ','`, this.i, ' (JSON allows no comma before \']\')');
        items.push(this.value());
        this.space();
        if (this.text[this.i] === ',') {
          this.i++;
          continue;
        }
        if (this.text[this.i] === ']') {
          this.i++;
          break;
        }
        this.expected(`',' or ']' after the item of the array`);
      }
    }
    this.depth--;
    return { t: 'array', items, at };
  }

  private number(): JsonNode {
    const at = this.i;
    NUMBER.lastIndex = at;
    const text = NUMBER.exec(this.text)?.[0];
    NUMBER_RUN.lastIndex = at;
    const run = NUMBER_RUN.exec(this.text)![0];
    if (text === undefined || text !== run) {
      this.fail(`expected a number such as 12, -0.5 or 1e3, found '${run.length > 40 ? `${run.slice(0, 40)}…` : run}'`, at);
    }
    this.i += text.length;
    return { t: 'number', value: Number(text), at };
  }

  private string(): JsonString {
    const t = this.text;
    const at = this.i++;
    let value = '';
    let run = this.i;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (this.i >= t.length) this.expected(`'"' to close the string`);
      if (c === 0x22) break;
      if (c === 0x5c) {
        value += t.slice(run, this.i) + this.escape();
        run = this.i;
      } else if (c < 0x20) {
        if (c === 0x0a || c === 0x0d) this.expected(`'"' to close the string before the end of the line`);
        this.expected('an escape such as \\t or \\u0001 for a control character in a string');
      } else this.i++;
    }
    value += t.slice(run, this.i);
    return { t: 'string', value, at, end: this.i++ };
  }

  private escape(): string {
    const at = this.i;
    const c = this.text[at + 1];
    const simple = c === undefined ? undefined : ESCAPES.get(c);
    if (simple !== undefined) {
      this.i += 2;
      return simple;
    }
    if (c !== 'u') this.expected(`an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX) after '\\'`, at + 1);
    for (let k = 2; k < 6; k++) {
      if (!/[0-9a-fA-F]/.test(this.text[at + k] ?? '')) this.expected(`4 hex digits after '\\u'`, at + k);
    }
    this.i += 6;
    return String.fromCharCode(parseInt(this.text.slice(at + 2, at + 6), 16));
  }
}

/** For each UTF-16 unit of a (valid) JSON string's value, where it starts in the text: its character or escape. */
function sourceOffsets(text: string, s: JsonString): number[] {
  const out: number[] = [];
  for (let j = s.at + 1; j < s.end;) {
    out.push(j);
    j += text[j] !== '\\' ? 1 : text[j + 1] === 'u' ? 6 : 2;
  }
  return out;
}

// ---- Terraform's mapping

/** How strings are read: templates, literally, or as an expression (a reference or keyword written bare in HCL). */
type Strings = 'template' | 'literal' | 'expression';

interface Context {
  /** Keys read their own way: an attribute whose strings are read so, or blocks with these labels. */
  rules: Map<string, { strings: Strings } | { block: () => Context; labels: string[] }>;
  /** Other keys: nested blocks by value shape, or attributes all. */
  rest: 'shape' | 'attributes';
  strings: Strings;
}

const context = (
  rest: Context['rest'], strings: Strings, rules: Array<[string, Strings | [() => Context, ...string[]]]> = [],
): Context => ({
  rest, strings, rules: new Map(rules.map(([k, r]) => [k, typeof r === 'string' ? { strings: r } : { block: r[0], labels: r.slice(1) as string[] }])),
});

const BLOCK: Context = context('shape', 'template', [['dynamic', [() => DYNAMIC, 'block type']]]);
const LITERAL_BLOCK: Context = context('shape', 'literal');
const CONNECTION: Context = context('shape', 'template', [['type', 'literal']]);
const DYNAMIC: Context = context('shape', 'template', [['iterator', 'expression'], ['for_each', 'template'], ['labels', 'template'], ['content', [() => BLOCK]]]);
const LIFECYCLE: Context = context('shape', 'template', [['ignore_changes', 'expression'], ['replace_triggered_by', 'expression']]);
const PROVISIONER: Context = context('shape', 'template', [['when', 'expression'], ['on_failure', 'expression'], ['connection', [() => CONNECTION]]]);
const RESOURCE: Context = context('shape', 'template', [
  ['provider', 'expression'], ['depends_on', 'expression'], ['count', 'template'], ['for_each', 'template'],
  ['lifecycle', [() => LIFECYCLE]], ['connection', [() => CONNECTION]], ['provisioner', [() => PROVISIONER, 'provisioner type']],
  ['dynamic', [() => DYNAMIC, 'block type']],
]);
const VARIABLE: Context = context('shape', 'template', [
  ['type', 'expression'], ['default', 'literal'], ['description', 'literal'], ['sensitive', 'literal'], ['nullable', 'literal'], ['ephemeral', 'literal'],
]);
const OUTPUT: Context = context('shape', 'template', [
  ['value', 'template'], ['description', 'literal'], ['sensitive', 'literal'], ['ephemeral', 'literal'], ['depends_on', 'expression'],
]);
const MODULE: Context = context('attributes', 'template', [['source', 'literal'], ['version', 'literal'], ['providers', 'expression'], ['depends_on', 'expression']]);
const PROVIDER: Context = context('shape', 'template', [['alias', 'literal'], ['version', 'literal']]);
const LOCALS: Context = context('attributes', 'template');
const LITERAL_ATTRIBUTES: Context = context('attributes', 'literal');
const TERRAFORM: Context = context('shape', 'literal', [
  ['backend', [() => LITERAL_ATTRIBUTES, 'backend type']], ['required_providers', [() => LITERAL_ATTRIBUTES]],
  ['provider_meta', [() => LITERAL_BLOCK, 'provider']], ['experiments', 'expression'],
]);
const MOVED: Context = context('shape', 'template', [['from', 'expression'], ['to', 'expression']]);
const IMPORT: Context = context('shape', 'template', [['to', 'expression'], ['provider', 'expression'], ['identity', 'template']]);
const REMOVED: Context = context('shape', 'template', [
  ['from', 'expression'], ['lifecycle', [() => LIFECYCLE]], ['connection', [() => CONNECTION]], ['provisioner', [() => PROVISIONER, 'provisioner type']],
]);
const CHECK: Context = context('shape', 'template', [['data', [() => RESOURCE, 'data source type', 'data source name']]]);

/** The top-level block types and the labels each takes. */
const ROOT: Context = context('shape', 'template', [
  ['resource', [() => RESOURCE, 'resource type', 'resource name']],
  ['data', [() => RESOURCE, 'data source type', 'data source name']],
  ['ephemeral', [() => RESOURCE, 'resource type', 'resource name']],
  ['variable', [() => VARIABLE, 'variable name']],
  ['output', [() => OUTPUT, 'output name']],
  ['module', [() => MODULE, 'module name']],
  ['provider', [() => PROVIDER, 'provider name']],
  ['check', [() => CHECK, 'check name']],
  ['locals', [() => LOCALS]],
  ['terraform', [() => TERRAFORM]],
  ['moved', [() => MOVED]],
  ['import', [() => IMPORT]],
  ['removed', [() => REMOVED]],
]);

function kindOf(node: JsonNode): string {
  switch (node.t) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
  }
}

const blockShaped = (node: JsonNode): boolean => node.t === 'object' || (node.t === 'array' && node.items.length > 0 && node.items.every((i) => i.t === 'object'));

/** `${` or `%{` opening markup, as HCL reads template text (`$${` and `%%{` are literal `${` and `%{`). */
function firstMarkup(s: string): '$' | '%' | undefined {
  for (let j = 0; j < s.length; j++) {
    if ((s[j] === '$' || s[j] === '%') && s[j + 1] === '{') return s[j] as '$' | '%';
    if (s.startsWith('$${', j) || s.startsWith('%%{', j)) j += 2;
  }
  return undefined;
}

/** Template text without markup: its `$${` and `%%{` escapes undone. */
const unescapeText = (s: string): string => s.replace(/\$\$\{|%%\{|[$%]/g, (m) => (m.length === 3 ? m.slice(1) : m));

class Mapper {
  constructor(private readonly text: string, private readonly lines: Lines) {}

  private pos(offset: number): HclPosition {
    return this.lines.pos(offset);
  }

  private fail(message: string, offset: number): never {
    throw new HclSyntaxError(message, this.pos(offset));
  }

  /** A `.tfvars.json` file: variable names to plain values, whose strings Terraform does not evaluate. */
  variables(root: JsonNode): HclBody {
    if (root.t !== 'object') this.fail(`expected an object of variable values at the root of a .tfvars.json file, found ${kindOf(root)}`, root.at);
    return { attributes: root.members.map(({ key, value }) => ({ name: key.value, value: this.expression(value, 'literal'), pos: this.pos(key.at) })), blocks: [] };
  }

  file(root: JsonNode): HclBody {
    if (root.t !== 'object') this.fail(`expected an object at the root of a Terraform JSON file, found ${kindOf(root)}`, root.at);
    return this.body(root, ROOT);
  }

  private body(node: Extract<JsonNode, { t: 'object' }>, ctx: Context): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    for (const { key, value } of node.members) {
      const name = key.value;
      if (name === '//') continue;
      const rule = ctx.rules.get(name);
      if (rule && 'block' in rule) this.blocks(body.blocks, key, value, rule.block(), rule.labels, [], key.at, ctx !== ROOT);
      else if (!rule && ctx.rest === 'shape' && !ATTRIBUTE_KEYS.has(name) && blockShaped(value)) {
        this.blocks(body.blocks, key, value, ctx.strings === 'literal' ? LITERAL_BLOCK : BLOCK, [], [], key.at, ctx !== ROOT);
      } else body.attributes.push({ name, value: this.expression(value, rule?.strings ?? ctx.strings), pos: this.pos(key.at) });
    }
    return body;
  }

  /** A block type's value: one level of objects per label left (arrays of them allowed), then a body or an array of bodies. */
  private blocks(into: HclBlock[], type: JsonString, value: JsonNode, ctx: Context, labelsLeft: string[], labels: string[], at: number, ownPlace: boolean): void {
    const title = [type.value, ...labels].map((s, k) => (k ? quote(s) : s.length > 40 ? `${s.slice(0, 40)}…` : s)).join(' ');
    if (value.t === 'null') return;
    if (labelsLeft.length) {
      const levels = value.t === 'array' ? value.items : [value];
      for (const level of levels) {
        if (level.t !== 'object') this.fail(`expected an object keyed by ${labelsLeft[0]} in ${title}, found ${kindOf(level)}`, level.at);
        for (const m of level.members) {
          if (m.key.value !== '//') this.blocks(into, type, m.value, ctx, labelsLeft.slice(1), [...labels, m.key.value], m.key.at, ownPlace);
        }
      }
      return;
    }
    for (const item of value.t === 'array' ? value.items : [value]) {
      if (item.t === 'null' && value.t === 'array') continue;
      if (item.t !== 'object') this.fail(`expected an object for the body of ${title}, found ${kindOf(item)}`, item.at);
      // A nested block of a list (`ingress`, `parameter`) at its own '{', for the line of each; else at its name.
      const own = value.t === 'array' && ownPlace && !labels.length;
      into.push({ type: type.value, labels, body: this.body(item, ctx), pos: this.pos(own ? item.at : at) });
    }
  }

  private expression(node: JsonNode, strings: Strings): HclExpression {
    const pos = this.pos(node.at);
    switch (node.t) {
      case 'string':
        return strings === 'template' ? this.template(node) : strings === 'expression' ? this.bare(node) : { kind: 'literal', value: node.value, pos };
      case 'number':
      case 'boolean':
        return { kind: 'literal', value: node.value, pos };
      case 'null':
        return { kind: 'literal', value: null, pos };
      case 'array':
        return { kind: 'tuple', items: node.items.map((item) => this.expression(item, strings)), pos };
      case 'object':
        return {
          kind: 'object',
          // Terraform reads an object's keys as templates too where it evaluates expressions.
          items: node.members.map((m) => ({
            key: strings === 'template' ? this.template(m.key) : { kind: 'literal' as const, value: m.key.value, pos: this.pos(m.key.at) },
            value: this.expression(m.value, strings),
            pos: this.pos(m.key.at),
          })),
          pos,
        };
    }
  }

  /**
   * A string as a template, as Terraform reads it: its text literally (no backslash escapes: JSON had its
   * own), `${}` and `%{}` as HCL, `$${` and `%%{` for literal `${` and `%{`. Exactly one `${...}` is that
   * expression. hcl.ts parses it as a heredoc (whose text is read the same way), followed by `${0}` so that
   * the heredoc's own final newline is told from the string's.
   */
  private template(node: JsonString): HclExpression {
    const s = node.value;
    const markup = firstMarkup(s);
    if (markup === undefined) return { kind: 'literal', value: unescapeText(s), pos: this.pos(node.at) };
    // A marker no line of the string can be (found in one pass: a hostile string may hold JSON0, JSON1...).
    const taken = new Set(s.match(/JSON\d*/g));
    let marker = 'JSON';
    for (let n = 0; taken.has(marker); n++) marker = `JSON${n}`;
    const prefix = `v = <<${marker}\n`;
    const heredoc = (content: string) => `${prefix}${content}\${0}\n${marker}\n`;
    let expr = this.parseString(node, heredoc(s), prefix.length);
    // A heredoc reads CRLF as LF: so each CR before a LF is read again as a character the string lacks, then
    // put back; unless the CRLF is inside `${}` (space there), where this fails and the first reading stands.
    let cr: string | undefined;
    if (s.includes('\r\n')) {
      const used = new Set(s.match(/[\ue000-\uf8ff]/g));
      for (let code = 0xe000; code <= 0xf8ff && cr === undefined; code++) if (!used.has(String.fromCharCode(code))) cr = String.fromCharCode(code);
      try {
        if (cr !== undefined) expr = parseHcl(heredoc(s.replace(/\r(?=\n)/g, cr))).attributes[0].value;
      } catch {
        cr = undefined;
      }
    }
    const sentinel = prefix.length + s.length;
    const parts = expr.kind === 'template' ? expr.parts : [];
    const last = parts[parts.length - 1];
    const zero = parts[parts.length - 2];
    if (last?.kind !== 'literal' || last.value !== '\n' || zero?.kind !== 'literal' || zero.pos.offset !== sentinel + 2) {
      this.fail(`expected the end of the string after its last '${markup}{'`, node.end);
    }
    parts.splice(-2);
    this.relocate(expr, node, prefix.length, cr);
    expr.pos = this.pos(node.at);
    // One interpolation and nothing else is its expression's value (a lone directive is still a template).
    if (parts.length === 1 && markup === '$' && /^\s*\$\{/.test(s)) return parts[0];
    return expr;
  }

  /** A string that holds a reference or keyword the native syntax writes bare: `aws_instance.web`, `list(string)`, `all`. */
  private bare(node: JsonString): HclExpression {
    const s = node.value;
    // Older configurations interpolate even these: `"${aws_instance.web}"`.
    if (/^\s*\$\{/.test(s)) return this.template(node);
    const newline = s.search(/[\r\n]/);
    if (newline >= 0) this.fail(`expected a reference or keyword on one line, found a newline`, sourceOffsets(this.text, node)[newline]);
    const prefix = 'v = ';
    const expr = this.parseString(node, `${prefix}${s}\n`, prefix.length);
    this.relocate(expr, node, prefix.length, undefined);
    return expr;
  }

  /** The value of `v` in `hcl`, whose text from `start` on is the string's; errors placed in the JSON text. */
  private parseString(node: JsonString, hcl: string, start: number): HclExpression {
    try {
      return parseHcl(hcl).attributes[0].value;
    } catch (err) {
      if (!(err instanceof HclSyntaxError)) throw err;
      const offsets = sourceOffsets(this.text, node);
      const end = start + offsets.length;
      const place = (offset: number) => (offset < start ? node.at : offset >= end ? node.end : offsets[offset - start]);
      const lines = new Lines(hcl);
      let message = err.message
        .replace(/\b(\d+):(\d+)\b/g, (_, line: string, column: string) => {
          const p = this.pos(place(lines.offset(Number(line), Number(column))));
          return `${p.line}:${p.column}`;
        })
        .replace(/the value of 'v'/g, 'the reference');
      if (err.offset >= end) message = message.replace(/, found [^]*$/, ', found the end of the string');
      throw new HclSyntaxError(message, this.pos(place(err.offset)));
    }
  }

  /** Every position of an expression parsed from a string's content moved onto the JSON text; the CR stand-in undone. */
  private relocate(root: HclExpression, node: JsonString, start: number, cr: string | undefined): void {
    const offsets = sourceOffsets(this.text, node);
    const moved = new Map<HclPosition, HclPosition>();
    const at = (p: HclPosition): HclPosition => {
      let q = moved.get(p);
      if (q === undefined) {
        const k = p.offset - start;
        q = this.pos(k < 0 ? node.at : k >= offsets.length ? node.end : offsets[k]);
        moved.set(p, q);
        moved.set(q, q);
      }
      return q;
    };
    const text = (s: string) => (cr === undefined ? s : s.split(cr).join('\r'));
    const walk = (e: HclExpression): void => {
      e.pos = at(e.pos);
      switch (e.kind) {
        case 'literal':
          if (typeof e.value === 'string') e.value = text(e.value);
          return;
        case 'template':
          return e.parts.forEach(walk);
        case 'tuple':
          return e.items.forEach(walk);
        case 'object':
          for (const item of e.items) {
            item.pos = at(item.pos);
            walk(item.key);
            walk(item.value);
          }
          return;
        case 'traversal':
          for (const step of e.steps) if (step.kind === 'index') walk(step.key);
          return;
        case 'call':
          return e.args.forEach(walk);
        case 'index':
          walk(e.target);
          return walk(e.key);
        case 'operation':
          e.operands.forEach(walk);
          for (const step of e.steps ?? []) if (step.kind === 'index') walk(step.key);
          return;
        case 'for':
          walk(e.collection);
          return e.parts.forEach(walk);
        case 'parens':
          return walk(e.expression);
      }
    };
    walk(root);
  }
}

/**
 * A `.tf.json` file's top-level body, the same tree a `.tf` file of the same configuration gives (positions
 * aside): blocks at their name's key, attributes at their key, values where they start. An HclSyntaxError at
 * the first problem (invalid JSON, a root that is no object, a shape Terraform rejects), never another error.
 */
export function parseTerraformJson(text: string): HclBody {
  const scanner = new Scanner(text);
  const root = scanner.parse();
  return new Mapper(text, scanner.lines).file(root);
}

/** `terraform.tfvars.json`, `*.auto.tfvars.json`: the values as attributes of one body, with their positions. */
export function parseTfvarsJson(text: string): HclBody {
  const scanner = new Scanner(text);
  const root = scanner.parse();
  return new Mapper(text, scanner.lines).variables(root);
}
