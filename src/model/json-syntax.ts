// Where a .json model stops being JSON. JSON.parse on Node 20 says only "is not valid JSON", without a
// position, and the YAML reader (every JSON file is YAML) would accept `"a": }` or a trailing comma as
// YAML and report something else further on. So a .json file that JSON.parse refuses is scanned here
// for its first syntax error. Iterative, so deep nesting cannot overflow the stack.

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** The first syntax error in `text` as JSON, or undefined when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  /** The containers open around the current position, innermost last. */
  const open: Array<'{' | '['> = [];
  const skipWhitespace = () => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(text);
    i = WHITESPACE.lastIndex;
  };
  const fail = (expected: string, at = i): JsonSyntaxError => ({
    offset: at,
    message: `invalid JSON: expected ${expected}, found ${at >= text.length ? 'the end of the file' : `\`${text[at]}\``}`,
  });
  /** Reads a string starting at its opening quote; the error, if any. */
  const readString = (): JsonSyntaxError | undefined => {
    const start = i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { offset: i, message: 'invalid JSON: a line break or control character inside a string (write it as an escape such as \\n)' };
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else return { offset: i, message: 'invalid JSON: unknown escape in a string (expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' };
        continue;
      }
      i++;
    }
    return { offset: start, message: 'invalid JSON: a string is not closed (expected `"` before the end of the file)' };
  };
  const sticky = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  /** Reads `"key"` and `:` inside an object; the error, if any. */
  const readKey = (): JsonSyntaxError | undefined => {
    skipWhitespace();
    if (text[i] !== '"') return fail('a key in double quotes');
    const bad = readString();
    if (bad) return bad;
    skipWhitespace();
    if (text[i] !== ':') return fail('`:` after the key');
    i++;
    return undefined;
  };

  for (;;) {
    // A value is expected here.
    skipWhitespace();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skipWhitespace();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        open.push(c);
        if (c === '{') {
          const bad = readKey();
          if (bad) return bad;
        }
        continue;
      }
    } else if (c === '"') {
      const bad = readString();
      if (bad) return bad;
    } else if (!sticky(NUMBER) && !sticky(LITERAL)) {
      return fail('a value (a string in double quotes, a number, true, false, null, an object or an array)');
    }
    // After a value: the next item, the end of its container, or the end of the text.
    for (;;) {
      skipWhitespace();
      const container = open[open.length - 1];
      if (container === undefined) return i < text.length ? fail('the end of the file after the value') : undefined;
      const close = container === '{' ? '}' : ']';
      if (text[i] === close) {
        i++;
        open.pop();
        continue;
      }
      if (text[i] !== ',') return fail(`\`,\` or \`${close}\``);
      i++;
      if (container === '{') {
        skipWhitespace();
        if (text[i] === '}') return fail('a key after `,` (JSON allows no trailing comma)');
        const bad = readKey();
        if (bad) return bad;
      } else {
        skipWhitespace();
        if (text[i] === ']') return fail('a value after `,` (JSON allows no trailing comma)');
      }
      break;
    }
  }
}
