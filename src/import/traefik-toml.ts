// The TOML that Traefik's configuration files are written in (traefik.toml, the file provider's dynamic files):
// tables, arrays of tables, dotted keys, strings of the four kinds, numbers, booleans, arrays and inline tables,
// each value with the line it is written on, for provenance. No dependency reads TOML with positions (see
// /work/shared/notes/dependencies.md), and Traefik needs only this much. Dates are kept as their text (Traefik
// has none). Pure and never throws: a problem comes back as an error with its line and column, with what was read
// before it.

export type TomlScalar = string | number | boolean;

/** A value and the line it is written on (a table's: its header's, or its first key's). */
export interface TomlNode {
  line: number;
  value: TomlScalar | TomlNode[] | TomlTable;
}

/** Keys in the order written. */
export type TomlTable = Map<string, TomlNode>;

export interface TomlError {
  line: number;
  col: number;
  message: string;
}

export interface TomlResult {
  root: TomlTable;
  error?: TomlError;
}

/** Arrays and inline tables nested deeper than this are no configuration, and could exhaust the stack. */
const MAX_DEPTH = 64;

const isTable = (v: TomlNode['value']): v is TomlTable => v instanceof Map;

/** What stops reading: carries its position to parseToml, which turns it into the result's error. */
class TomlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

class Parser {
  private pos = 0;
  /** Offsets where each line starts, for turning an offset into a line and column. */
  private readonly lineStarts: number[] = [0];
  readonly root: TomlTable = new Map();
  /** Tables a header or a dotted key has defined, and inline tables and arrays, which no later line may extend. */
  private readonly defined = new Set<TomlTable>();
  private readonly sealed = new Set<TomlTable>();

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  colOf(offset: number): number {
    return offset - this.lineStarts[this.lineOf(offset) - 1] + 1;
  }

  private fail(message: string, offset = this.pos): never {
    throw new TomlSyntaxError(message, offset);
  }

  private peek(n = 0): string {
    return this.text[this.pos + n] ?? '';
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  private skipComment(): void {
    if (this.peek() !== '#') return;
    while (this.pos < this.text.length && this.peek() !== '\n') this.pos++;
  }

  /** Spaces, comments and line ends: what may stand between an array's items. */
  private skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (this.peek() === '\n') this.pos++;
      else if (this.startsWith('\r\n')) this.pos += 2;
      else return;
    }
  }

  /** After a key/value pair or a header: nothing but a comment before the line ends. */
  private endOfLine(): void {
    this.skipSpaces();
    this.skipComment();
    if (this.pos >= this.text.length) return;
    if (this.peek() === '\n') this.pos++;
    else if (this.startsWith('\r\n')) this.pos += 2;
    else this.fail(`expected the end of the line, found \`${this.peek()}\``);
  }

  /** The whole file: headers and key/value pairs, one per line. */
  parse(): void {
    let table = this.root;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) return;
      if (this.peek() === '[') table = this.header();
      else this.pair(table);
      this.endOfLine();
    }
  }

  /** `[a.b]` or `[[a.b]]`: the table the following pairs go into. */
  private header(): TomlTable {
    const start = this.pos;
    const array = this.startsWith('[[');
    this.pos += array ? 2 : 1;
    this.skipSpaces();
    const keys = this.key();
    this.skipSpaces();
    if (!this.startsWith(array ? ']]' : ']')) this.fail(`expected \`${array ? ']]' : ']'}\` to close the table header`);
    this.pos += array ? 2 : 1;
    const line = this.lineOf(start);
    const parent = this.descend(this.root, keys.slice(0, -1), line, start);
    const last = keys[keys.length - 1];
    const known = parent.get(last);
    if (array) {
      if (known && !Array.isArray(known.value)) this.fail(`\`${keys.join('.')}\` is already defined as something else than an array of tables`, start);
      if (known && this.sealed.has(parent)) this.fail(`\`${keys.join('.')}\` is an inline array and cannot be extended`, start);
      const items = known ? known.value as TomlNode[] : [];
      if (!known) parent.set(last, { line, value: items });
      const table: TomlTable = new Map();
      items.push({ line, value: table });
      this.defined.add(table);
      return table;
    }
    if (known && !isTable(known.value)) this.fail(`\`${keys.join('.')}\` is already defined as a value`, start);
    if (known && (this.defined.has(known.value as TomlTable) || this.sealed.has(known.value as TomlTable))) this.fail(`table \`${keys.join('.')}\` is defined twice`, start);
    const table = known ? known.value as TomlTable : new Map<string, TomlNode>();
    if (!known) parent.set(last, { line, value: table });
    this.defined.add(table);
    return table;
  }

  /**
   * The table at `keys` below `from`, made where missing; through an array of tables, its last table. A value
   * or an inline table on the way is an error.
   */
  private descend(from: TomlTable, keys: readonly string[], line: number, offset: number): TomlTable {
    let table = from;
    for (const k of keys) {
      const node = table.get(k);
      if (!node) {
        const next: TomlTable = new Map();
        table.set(k, { line, value: next });
        table = next;
        continue;
      }
      const v = node.value;
      const inner = Array.isArray(v) ? v[v.length - 1]?.value : v;
      if (inner === undefined || !isTable(inner) || (Array.isArray(v) && this.sealed.has(table))) this.fail(`\`${k}\` is already defined as a value, not a table`, offset);
      if (this.sealed.has(inner)) this.fail(`\`${k}\` is an inline table and cannot be extended`, offset);
      table = inner;
    }
    return table;
  }

  /** `key = value`, the key perhaps dotted (`a.b = 1` defines table a). */
  private pair(table: TomlTable, depth = 0): void {
    const start = this.pos;
    const keys = this.key();
    this.skipSpaces();
    if (this.peek() !== '=') this.fail('expected `=` after the key');
    this.pos++;
    this.skipSpaces();
    const line = this.lineOf(start);
    const parent = this.descend(table, keys.slice(0, -1), line, start);
    // A dotted key defines its tables: a header may not open them again.
    if (parent !== table) this.defined.add(parent);
    const last = keys[keys.length - 1];
    if (parent.has(last)) this.fail(`\`${keys.join('.')}\` is defined twice`, start);
    parent.set(last, { line, value: this.value(depth) });
  }

  /** A key: bare or quoted parts joined by dots. */
  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === '"' || c === "'") {
        if (this.startsWith(c.repeat(3))) this.fail('a key cannot be a multi-line string');
        parts.push(c === '"' ? this.basicString() : this.literalString());
      } else {
        const start = this.pos;
        while (BARE_KEY.test(this.peek())) this.pos++;
        if (this.pos === start) this.fail(c === '' || c === '\n' || c === '\r' ? 'expected a key' : `expected a key, found \`${c}\``);
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }

  /** A value: a string, a number, a boolean, a date (as its text), an array or an inline table. */
  private value(depth: number): TomlNode['value'] {
    if (depth > MAX_DEPTH) this.fail(`arrays and inline tables nested more than ${MAX_DEPTH} deep`);
    const c = this.peek();
    if (c === '"') return this.startsWith('"""') ? this.multilineBasic() : this.basicString();
    if (c === "'") return this.startsWith("'''") ? this.multilineLiteral() : this.literalString();
    if (c === '[') return this.array(depth);
    if (c === '{') return this.inlineTable(depth);
    return this.bareValue();
  }

  /** true, false, a number, or a date: a run of characters up to a separator. */
  private bareValue(): TomlScalar {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_+\-.:]/.test(this.peek())) this.pos++;
    // A local date and time may be written with a space (`1979-05-27 07:32:00`).
    if (/^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos)) && this.peek() === ' ' && /\d/.test(this.peek(1))) {
      this.pos++;
      while (this.pos < this.text.length && /[0-9+\-.:Zz]/.test(this.peek())) this.pos++;
    }
    const word = this.text.slice(start, this.pos);
    if (word === '') this.fail(this.peek() === '' || this.peek() === '\n' ? 'expected a value' : `expected a value, found \`${this.peek()}\``, start);
    if (word === 'true' || word === 'false') return word === 'true';
    const number = tomlNumber(word);
    if (number !== undefined) return number;
    if (/^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(word)) return word;
    return this.fail(`\`${word}\` is not a TOML value (a string needs quotes)`, start);
  }

  /** `"..."` with its escapes. */
  private basicString(): string {
    const start = this.pos++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n' || c === '\r') this.fail('a string is not closed on its line', start);
      this.pos++;
      if (c === '"') return out;
      out += c === '\\' ? this.escape() : c;
    }
  }

  private escape(): string {
    const c = this.peek();
    this.pos++;
    const simple = Object.hasOwn(ESCAPES, c) ? ESCAPES[c] : undefined;
    if (simple !== undefined) return simple;
    const digits = c === 'u' ? 4 : c === 'U' ? 8 : c === 'x' ? 2 : 0;
    const hex = this.text.slice(this.pos, this.pos + digits);
    if (digits === 0 || !new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) this.fail(`\`\\${c}\` is no escape TOML knows`, this.pos - 2);
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail(`\`\\${c}${hex}\` is no Unicode character`, this.pos - 2);
    this.pos += digits;
    return String.fromCodePoint(code);
  }

  /** `'...'`: no escapes. */
  private literalString(): string {
    const start = this.pos++;
    const end = this.text.indexOf("'", this.pos);
    const newline = this.text.indexOf('\n', this.pos);
    if (end < 0 || (newline >= 0 && newline < end)) this.fail('a string is not closed on its line', start);
    const out = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  /** `"""..."""`: escapes, a line end after the opening quotes dropped, `\` at a line's end joining it to the next. */
  private multilineBasic(): string {
    const start = this.pos;
    this.pos += 3;
    this.skipFirstNewline();
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('a multi-line string is not closed', start);
      if (this.startsWith('"""')) {
        // Up to two quotes may end the string's text before the closing three.
        let quotes = 3;
        while (quotes < 5 && this.peek(quotes) === '"') quotes++;
        this.pos += quotes;
        return out + '"'.repeat(quotes - 3);
      }
      const c = this.peek();
      this.pos++;
      if (c !== '\\') out += c;
      else if (/^[ \t]*\r?\n/.test(this.text.slice(this.pos, this.pos + 64))) {
        while (/[ \t\r\n]/.test(this.peek())) this.pos++;
      } else out += this.escape();
    }
  }

  /** `'''...'''`: no escapes, a line end after the opening quotes dropped. */
  private multilineLiteral(): string {
    const start = this.pos;
    this.pos += 3;
    this.skipFirstNewline();
    const end = this.text.indexOf("'''", this.pos);
    if (end < 0) this.fail('a multi-line string is not closed', start);
    let close = end + 3;
    while (close < end + 5 && this.text[close] === "'") close++;
    const out = this.text.slice(this.pos, close - 3);
    this.pos = close;
    return out;
  }

  private skipFirstNewline(): void {
    if (this.peek() === '\n') this.pos++;
    else if (this.startsWith('\r\n')) this.pos += 2;
  }

  /** `[a, b, ...]`, over several lines if need be, a comma after the last item allowed. */
  private array(depth: number): TomlNode[] {
    const start = this.pos++;
    const items: TomlNode[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === ']') break;
      if (this.pos >= this.text.length) this.fail('an array is not closed', start);
      items.push({ line: this.lineOf(this.pos), value: this.value(depth + 1) });
      this.skipBlank();
      if (this.peek() === ',') this.pos++;
      else if (this.pos >= this.text.length) this.fail('an array is not closed', start);
      else if (this.peek() !== ']') this.fail('expected `,` or `]` in the array');
    }
    this.pos++;
    return items;
  }

  /** `{ a = 1, b.c = 2 }`: a table no later line may add to. */
  private inlineTable(depth: number): TomlTable {
    const start = this.pos++;
    const table: TomlTable = new Map();
    for (;;) {
      this.skipBlank();
      if (this.peek() === '}') break;
      if (this.pos >= this.text.length) this.fail('an inline table is not closed', start);
      this.pair(table, depth + 1);
      this.skipBlank();
      if (this.peek() === ',') this.pos++;
      else if (this.pos >= this.text.length) this.fail('an inline table is not closed', start);
      else if (this.peek() !== '}') this.fail('expected `,` or `}` in the inline table');
    }
    this.pos++;
    this.seal(table);
    return table;
  }

  /** An inline table and the tables its dotted keys made: complete as written. */
  private seal(table: TomlTable): void {
    this.sealed.add(table);
    for (const node of table.values()) if (isTable(node.value)) this.seal(node.value);
  }
}

/** A TOML integer or float (`8080`, `1_000`, `0x1F`, `1e3`, `inf`), or undefined for any other word. */
function tomlNumber(word: string): number | undefined {
  const w = word.replace(/(?<=[0-9A-Fa-f])_(?=[0-9A-Fa-f])/g, '');
  if (/^[+-]?(?:inf|nan)$/.test(w)) return w.endsWith('nan') ? Number.NaN : w.startsWith('-') ? -Infinity : Infinity;
  if (/^0x[0-9A-Fa-f]+$|^0o[0-7]+$|^0b[01]+$/.test(w)) return Number(w);
  if (/^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(w)) return Number(w);
  return undefined;
}

/**
 * Reads a TOML file. Never throws: a syntax error comes back with its line and column, and the tables read
 * before it.
 */
export function parseToml(text: string): TomlResult {
  const parser = new Parser(text.replace(/^\uFEFF/, ''));
  try {
    parser.parse();
    return { root: parser.root };
  } catch (err) {
    if (err instanceof TomlSyntaxError) return { root: parser.root, error: { line: parser.lineOf(err.offset), col: parser.colOf(err.offset), message: err.message } };
    if (err instanceof RangeError) return { root: parser.root, error: { line: 1, col: 1, message: 'the file nests too deeply to read' } };
    throw err;
  }
}

/** A setting of a TOML file as a dotted path, its value as text, and its line. */
export interface TomlSetting {
  path: string[];
  value: string;
  line: number;
}

/**
 * A TOML file as flat settings, as Traefik's labels write them: a list of scalars is one comma-separated value, a
 * list of tables is numbered (`servers.0.url`), an empty table is `true` (`[http.routers.api.tls]` switches TLS on).
 */
export function flattenToml(root: TomlTable): TomlSetting[] {
  const out: TomlSetting[] = [];
  const walk = (node: TomlNode, path: readonly string[]): void => {
    const v = node.value;
    if (isTable(v)) {
      if (v.size === 0 && path.length) out.push({ path: [...path], value: 'true', line: node.line });
      for (const [k, child] of v) walk(child, [...path, k]);
    } else if (Array.isArray(v)) {
      if (v.every((item) => !isTable(item.value) && !Array.isArray(item.value))) out.push({ path: [...path], value: v.map((item) => String(item.value)).join(','), line: node.line });
      else v.forEach((item, i) => walk(item, [...path, String(i)]));
    } else out.push({ path: [...path], value: String(v), line: node.line });
  };
  walk({ line: 1, value: root }, []);
  return out;
}
