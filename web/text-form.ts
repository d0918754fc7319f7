// A file's text as the editor holds it and as it goes back to disk. A textarea gives every line break as
// LF and a BOM is an invisible character there, so the editor holds the text without either; the file's
// own line ending and BOM are remembered and put back on save, so that a CRLF file stays CRLF byte for byte.
// A file that mixes line endings keeps each line's own where a line diff finds it as it was (or changed in
// place), and gives the lines added in the page the ending of the line before them, as the model edits do
// (src/model/edit-structure.ts applySplices), so that a structured edit saved from the page is the edit's text.

export interface TextForm {
  /** The first line break's ending: every line's, unless `mixed` says otherwise. */
  eol: '\n' | '\r\n';
  bom: boolean;
  /** Set for a file whose line breaks differ: its lines as the editor holds them, and the break after each. */
  mixed?: { lines: readonly string[]; breaks: readonly string[] };
}

const BOM = '\ufeff';
const BREAK = /\r\n?|\n/g;

/** The file's form: its first line break's ending, and each line's when they are not all the same. */
export function formOf(text: string): TextForm {
  const lf = text.indexOf('\n');
  const form: TextForm = { eol: lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n', bom: text.startsWith(BOM) };
  const breaks = text.match(BREAK) ?? [];
  if (breaks.some((b) => b !== breaks[0])) form.mixed = { lines: editorForm(text).split('\n'), breaks };
  return form;
}

/** The text as the editor holds it: LF line breaks (as a textarea gives them), no BOM. */
export function editorForm(text: string): string {
  return (text.startsWith(BOM) ? text.slice(1) : text).replace(/\r\n?/g, '\n');
}

/** The editor's text in the file's form. */
export function diskForm(text: string, form: TextForm): string {
  const body = form.mixed ? withOwnBreaks(text, form.mixed, form.eol) : form.eol === '\n' ? text : text.replace(/\n/g, '\r\n');
  return form.bom ? BOM + body : body;
}

/**
 * Each line of the text written with the break after its line in the file: a line diff pairs the text's lines
 * with the file's, so that an unchanged line keeps its own break wherever the changes around it are; in a
 * stretch that replaces some of the file's lines, the new lines take those lines' breaks in turn (a line
 * changed in place keeps its own); lines added beyond them take the break of the line before them (the
 * file's first line's, at the top).
 */
function withOwnBreaks(text: string, file: NonNullable<TextForm['mixed']>, first: string): string {
  const lines = text.split('\n');
  const from = fileLines(lines, file.lines);
  let out = '';
  let previous = first;
  for (let i = 0; i < lines.length - 1; i++) {
    // The file's last line has no break after it: a line now followed by one takes the one before.
    const own = from[i] >= 0 ? file.breaks[from[i]] : undefined;
    previous = own ?? previous;
    out += lines[i] + previous;
  }
  return out + lines[lines.length - 1];
}

/**
 * For each of the text's lines, the file's line it stands for (-1: none): the same line where the diff keeps
 * it, else, in a stretch of changes, the file's replaced lines in order.
 */
function fileLines(lines: readonly string[], old: readonly string[]): Int32Array {
  const same = sameLines(lines, old);
  // The file's line of the next kept line, from each line on: the replaced lines of a stretch end there.
  const ahead = new Int32Array(lines.length + 1);
  ahead[lines.length] = old.length;
  for (let i = lines.length - 1; i >= 0; i--) ahead[i] = same[i] >= 0 ? same[i] : ahead[i + 1];
  const from = new Int32Array(lines.length).fill(-1);
  let next = 0;
  for (let i = 0; i < lines.length; i++) {
    if (same[i] >= 0) next = same[i] + 1;
    from[i] = same[i] >= 0 ? same[i] : next < ahead[i] ? next++ : -1;
  }
  return from;
}

/**
 * Past this many lines added and removed between the file and the text, the diff stops looking (its time
 * grows with their product): the lines between the same start and end are then taken as replaced in order.
 */
const MAX_CHANGES = 1000;

/** For each of the text's lines, the file's line a shortest line diff keeps it as (-1: added or changed). */
function sameLines(lines: readonly string[], old: readonly string[]): Int32Array {
  const same = new Int32Array(lines.length).fill(-1);
  let head = 0;
  while (head < lines.length && head < old.length && lines[head] === old[head]) same[head] = head++;
  let tail = 0;
  while (tail < lines.length - head && tail < old.length - head && lines[lines.length - 1 - tail] === old[old.length - 1 - tail]) {
    tail++;
    same[lines.length - tail] = old.length - tail;
  }
  const middle = diagonals(old.slice(head, old.length - tail), lines.slice(head, lines.length - tail), MAX_CHANGES);
  if (middle) for (const [a, b] of middle) same[head + b] = head + a;
  return same;
}

/**
 * The pairs [line of a, line of b] of equal lines that a shortest edit script from `a` to `b` keeps (Myers'
 * O(ND) algorithm); undefined when it takes more than `limit` lines added and removed.
 */
function diagonals(a: readonly string[], b: readonly string[], limit: number): [number, number][] | undefined {
  const n = a.length;
  const m = b.length;
  const most = Math.min(n + m, limit);
  const offset = most + 1;
  // The furthest x reached on each diagonal k = x - y; one copy per step d, of diagonals -d..d, to trace back.
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= most; d++) {
    const row = new Int32Array(2 * d + 1);
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      row[k + d] = x;
      if (x >= n && y >= m) {
        trace.push(row);
        return traceBack(trace, n, m);
      }
    }
    trace.push(row);
  }
  return undefined;
}

/** The equal lines on the path the steps of `diagonals` found, from the end back to the start. */
function traceBack(trace: readonly Int32Array[], n: number, m: number): [number, number][] {
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    let startX = 0;
    let startY = 0;
    if (d > 0) {
      const before = trace[d - 1];
      const down = k === -d || (k !== d && before[k - 1 + d - 1] < before[k + 1 + d - 1]);
      const prevK = down ? k + 1 : k - 1;
      const prevX = before[prevK + d - 1];
      [startX, startY] = [prevX, prevX - prevK];
    }
    while (x > startX && y > startY) {
      x--;
      y--;
      pairs.push([x, y]);
    }
    [x, y] = [startX, startY];
  }
  return pairs;
}
