// Output in pieces: the report or JSON of a 100,000-element model is hundreds of megabytes, more than one
// string may hold (V8 caps strings at about 512 MB) and far more than should sit in memory twice. Each
// function here produces pieces whose concatenation is exactly the text its one-string counterpart makes.

/**
 * Pieces of about this many characters: few enough writes, and small enough that a piece still being
 * built (a rope of many short strings) stays in the young generation and in cache until it is written.
 */
export const CHUNK_CHARS = 1 << 16;

const WHITESPACE = /\s/;

/**
 * Text written line by line and taken in pieces whose concatenation is what joining the lines with `\n`,
 * collapsing every run of three or more line breaks to two and trimming the end to one `\n` would give:
 * a third line break in a row is never written, so there is no pass over the text afterwards. Lines are
 * appended to one string (V8 keeps it as a rope until it is written), with no array of lines: a rope
 * node per line costs less than an array slot per line and a join.
 */
export class LineWriter {
  private text = '';
  /** Line breaks that end the text so far (0, 1 or 2). */
  private breaks = 0;

  constructor(private readonly chunkChars = CHUNK_CHARS) {}

  /** One line that holds no line break (escaped or fixed text). */
  line(s: string): void {
    if (s.length === 0) {
      this.blank();
      return;
    }
    this.text += s;
    this.text += '\n';
    this.breaks = 1;
  }

  /** Whole lines, each ending with its `\n`, none of them empty: a table row written in one piece. */
  add(rows: string): void {
    this.text += rows;
    this.breaks = 1;
  }

  blank(): void {
    if (this.breaks < 2) {
      this.text += '\n';
      this.breaks++;
    }
  }

  /** Text that may hold line breaks (a diagram, model text written unescaped). */
  lines(s: string): void {
    if (!s.includes('\n')) this.line(s);
    else for (const l of s.split('\n')) this.line(l);
  }

  /** A piece is ready. */
  get full(): boolean {
    return this.text.length >= this.chunkChars;
  }

  /** The text so far but its trailing whitespace, which is held back in case nothing but whitespace follows. */
  take(): string {
    const text = this.text;
    let end = text.length;
    while (end > 0 && WHITESPACE.test(text[end - 1])) end--;
    this.text = text.slice(end);
    return text.slice(0, end);
  }

  /** The last piece: the rest, its trailing whitespace trimmed (`\s`, as trimEnd), then one line break. */
  end(): string {
    return `${this.text.trimEnd()}\n`;
  }
}

/** Items stringified together at first, before their size is known. */
const FIRST_BATCH = 64;

/**
 * `JSON.stringify(value, null, 2) + '\n'` for a plain object, in pieces: each top-level array is written a
 * batch of items at a time. A batch is stringified as the only member of an object under the same key, so
 * its items come out already indented as they are in the whole text, and only the object's opening and
 * closing lines are cut off (no pass over the text to shift its lines). Batches are sized from the
 * characters per item seen so far, to fill pieces of about `chunkChars`.
 */
export function* jsonObjectChunks(value: Record<string, unknown>, chunkChars = CHUNK_CHARS): Generator<string> {
  let pending = '';
  let first = true;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    const name = JSON.stringify(key);
    const opening = `${first ? '{' : ','}\n  ${name}: `;
    first = false;
    // The value as the whole text indents it: the member alone is `{\n  "key": ` + value + `\n}`.
    const member = (part: unknown): string => {
      const json = JSON.stringify({ [key]: part }, null, 2);
      return json.slice(name.length + 6, json.length - 2);
    };
    if (!Array.isArray(v) || v.length <= FIRST_BATCH) {
      pending += opening + member(v);
    } else {
      pending += `${opening}[`;
      let perItem = 0;
      for (let i = 0; i < v.length;) {
        const count = perItem === 0 ? FIRST_BATCH : Math.max(1, Math.ceil((chunkChars - pending.length) / perItem));
        const batch = v.slice(i, i + count);
        // `[\n    item,\n    item\n  ]`: the items without the brackets, after a comma when not the first batch.
        const items = member(batch).slice(1, -4);
        perItem = items.length / batch.length;
        pending += i === 0 ? items : `,${items}`;
        i += batch.length;
        if (pending.length >= chunkChars) {
          yield pending;
          pending = '';
        }
      }
      pending += '\n  ]';
    }
    if (pending.length >= chunkChars) {
      yield pending;
      pending = '';
    }
  }
  yield pending + (first ? '{}\n' : '\n}\n');
}

/** The pieces as one string (for callers that want the whole text). */
export function joinChunks(chunks: Iterable<string>): string {
  const parts: string[] = [];
  for (const c of chunks) parts.push(c);
  return parts.join('');
}

/**
 * The concatenation of `row(item, index)` over `items`, in chunks of about `chunkChars`. The loop is a
 * plain function entered once per chunk: a generator holding a long loop is optimised whole (a large
 * compile while its rows run unoptimised) and deoptimised at its first yield, where a small row function
 * is optimised quickly and on its own.
 */
export function* rowChunks<T>(items: readonly T[], row: (item: T, index: number) => string, chunkChars = CHUNK_CHARS): Generator<string> {
  const out = { text: '' };
  for (let i = 0; i < items.length;) {
    i = fillRows(out, items, i, row, chunkChars);
    yield out.text;
  }
}

/** Rows from item `i` into `out.text` until it holds `chunkChars` or the items end; returns the next item. */
function fillRows<T>(out: { text: string }, items: readonly T[], i: number, row: (item: T, index: number) => string, chunkChars: number): number {
  let text = '';
  while (i < items.length) {
    text += row(items[i], i);
    i++;
    if (text.length >= chunkChars) break;
  }
  out.text = text;
  return i;
}

/** The concatenation of small `pieces` (a row, a result), in chunks of about CHUNK_CHARS characters. */
export function* gatherChunks(pieces: Iterable<string>, chunkChars = CHUNK_CHARS): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
