// Terminal-width text handling for the ASCII diagram: any name (emoji, CJK, combining marks, control
// characters) must occupy a known number of columns or the boxes would not line up.

/** One grapheme and the columns it takes (1 or 2). */
export interface Glyph {
  text: string;
  width: 1 | 2;
}

// Made on first use: building a segmenter loads ICU data (~20 ms), which a run without a non-ASCII name never needs.
let segmenter: Intl.Segmenter | undefined;
const graphemes = (text: string) => (segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' })).segment(text);
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

// East Asian wide/fullwidth ranges and emoji: two columns in a terminal.
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x2600 && cp <= 0x27bf) ||
    (cp >= 0x1f000 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Splits text into glyphs; control characters become spaces, invisible ones are dropped. */
export function glyphs(text: string): Glyph[] {
  // Printable ASCII (most names): one column per character, no segmentation needed.
  if (PRINTABLE_ASCII.test(text)) return Array.from(text, (c) => ({ text: c, width: 1 }));
  const out: Glyph[] = [];
  for (const { segment } of graphemes(text)) {
    const cp = segment.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      out.push({ text: ' ', width: 1 });
      continue;
    }
    // Zero-width characters, combining marks on their own and bidi controls take no column: drop them
    // rather than let them shift everything after them.
    if (/^[\p{Mn}\p{Me}\p{Cf}]+$/u.test(segment)) continue;
    const wide = [...segment].some((c) => isWide(c.codePointAt(0)!)) || segment.includes('\uFE0F');
    out.push({ text: segment, width: wide ? 2 : 1 });
  }
  return out;
}

export const widthOf = (gs: readonly Glyph[]): number => gs.reduce((s, g) => s + g.width, 0);

/** At most `maxWidth` columns; a cut ends with the ellipsis. */
export function truncate(gs: readonly Glyph[], maxWidth: number, ellipsis: string): Glyph[] {
  if (widthOf(gs) <= maxWidth) return [...gs];
  const out: Glyph[] = [];
  let w = 0;
  const room = maxWidth - ellipsis.length;
  for (const g of gs) {
    if (w + g.width > room) break;
    out.push(g);
    w += g.width;
  }
  for (const c of ellipsis) out.push({ text: c, width: 1 });
  return out;
}

/** Word-wraps to `maxWidth` columns in at most `maxLines` lines, breaking long words, ellipsis on overflow. */
export function wrap(text: string, maxWidth: number, maxLines: number, ellipsis: string): Glyph[][] {
  const gs = glyphs(text.trim());
  const lines: Glyph[][] = [];
  let i = 0;
  while (i < gs.length && lines.length < maxLines) {
    while (i < gs.length && gs[i]!.text === ' ') i++;
    let w = 0;
    let j = i;
    let lastSpace = -1;
    while (j < gs.length && w + gs[j]!.width <= maxWidth) {
      if (gs[j]!.text === ' ') lastSpace = j;
      w += gs[j]!.width;
      j++;
    }
    const end = j < gs.length && lastSpace > i ? lastSpace : j;
    lines.push(trimEnd(gs.slice(i, end)));
    i = end;
  }
  while (i < gs.length && gs[i]!.text === ' ') i++;
  if (i < gs.length && lines.length > 0) {
    const last = lines[lines.length - 1]!;
    lines[lines.length - 1] = truncate([...last, ...gs.slice(i)], maxWidth, ellipsis);
  }
  return lines.filter((l) => l.length > 0);
}

function trimEnd(gs: Glyph[]): Glyph[] {
  let n = gs.length;
  while (n > 0 && gs[n - 1]!.text === ' ') n--;
  return gs.slice(0, n);
}
