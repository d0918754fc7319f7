// Output in pieces: the report or JSON of a 100,000-element model is hundreds of megabytes, more than one
// string may hold (V8 caps strings at about 512 MB) and far more than should sit in memory twice. Each
// function here produces pieces whose concatenation is exactly the text its one-string counterpart makes.

/** Pieces of about this many characters: few enough writes, small enough to stay cheap. */
export const CHUNK_CHARS = 1 << 20;

/** `lines.join('\n')`, in pieces. */
export function* joinLines(lines: Iterable<string>, chunkChars = CHUNK_CHARS): Generator<string> {
  let buffer: string[] = [];
  let size = 0;
  let first = true;
  for (const line of lines) {
    buffer.push(line);
    size += line.length + 1;
    if (size >= chunkChars) {
      const text = buffer.join('\n');
      yield first ? text : `\n${text}`;
      first = false;
      buffer = [];
      size = 0;
    }
  }
  if (buffer.length > 0) {
    const text = buffer.join('\n');
    yield first ? text : `\n${text}`;
  }
}

const WHITESPACE = /\s/;

/**
 * `text.replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'` over the concatenation of `pieces`, in pieces. Trailing
 * whitespace of each piece is held back and put in front of the next, so no run of line breaks is ever
 * split between two replacements, and what is still held at the end is exactly what trimEnd drops (`\s`
 * and trimEnd agree on what whitespace is).
 */
export function* collapseBlankLines(pieces: Iterable<string>): Generator<string> {
  let held = '';
  for (const piece of pieces) {
    const text = held + piece;
    let end = text.length;
    while (end > 0 && WHITESPACE.test(text[end - 1])) end--;
    if (end === 0) {
      held = text;
      continue;
    }
    held = text.slice(end);
    yield text.slice(0, end).replace(/\n{3,}/g, '\n\n');
  }
  yield '\n';
}

const indent = (json: string, spaces: string): string => json.replace(/\n/g, `\n${spaces}`);

/**
 * `JSON.stringify(value, null, 2) + '\n'` for a plain object, in pieces: each top-level array is written
 * item by item. (Nested indentation is the item's own JSON with every line shifted; strings in JSON never
 * hold a raw line break, so only structural lines move.)
 */
export function* jsonObjectChunks(value: Record<string, unknown>, chunkChars = CHUNK_CHARS): Generator<string> {
  let buffer: string[] = [];
  let size = 0;
  const put = (s: string): string | undefined => {
    buffer.push(s);
    size += s.length;
    if (size < chunkChars) return undefined;
    const out = buffer.join('');
    buffer = [];
    size = 0;
    return out;
  };
  let ready: string | undefined;
  let first = true;
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    ready = put(`${first ? '{' : ','}\n  ${JSON.stringify(key)}: `);
    if (ready) yield ready;
    first = false;
    if (Array.isArray(v) && v.length > 0) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i] as unknown;
        const json = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : JSON.stringify(item, null, 2);
        ready = put(`${i === 0 ? '[' : ','}\n    ${indent(json, '    ')}`);
        if (ready) yield ready;
      }
      ready = put('\n  ]');
    } else {
      ready = put(indent(JSON.stringify(v, null, 2), '  '));
    }
    if (ready) yield ready;
  }
  buffer.push(first ? '{}\n' : '\n}\n');
  yield buffer.join('');
}

/** The pieces as one string (for callers that want the whole text). */
export function joinChunks(chunks: Iterable<string>): string {
  const parts: string[] = [];
  for (const c of chunks) parts.push(c);
  return parts.join('');
}
