// Escaping for the text formats. Names come from a user's model and may hold anything: quotes, brackets,
// pipes, markup, emoji, newlines, hundreds of characters. Each format gets text that is data, never syntax.
import { glyphs, truncate } from './text.js';

/** Longest label, in graphemes, the graphical formats show (longer names end with an ellipsis). */
export const MAX_LABEL = 60;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** One line, no control characters, at most `max` graphemes. */
export function clean(text: string, max = MAX_LABEL): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  // Most names: printable ASCII, one column a character, short enough to keep whole.
  if (flat.length <= max && PRINTABLE_ASCII.test(flat)) return flat;
  return truncate(glyphs(flat), max, '…').map((g) => g.text).join('');
}

/**
 * Text for a quoted Mermaid label. Mermaid decodes `#<number>;` entity codes after parsing, so every
 * character that could end the string, start markup or a Markdown string, or look like an entity is
 * written as one: the label stays text whatever it holds.
 */
export function mermaidText(text: string): string {
  const flat = clean(text);
  // Before parsing, Mermaid 11 drops the last `;` of any line matching /style.*:\S*#.*;/ (or classDef),
  // which would cut the last entity code short and show e.g. `#35f00`; with no raw `:` no line can match.
  const special = /style|classDef/.test(flat) ? /["#&<>|`\\[\]{}();:]/g : /["#&<>|`\\[\]{}();]/g;
  return flat
    .replace(special, (c) => `#${c.codePointAt(0)};`)
    // Mermaid 11 writes entity codes as the placeholders `ﬂ°°60¶ß` / `ﬂ°amp¶ß` and, after rendering, turns
    // every such sequence in the SVG back into `&#60;` / `&amp;`, text from names included. An invisible
    // word joiner keeps a name that holds one from coming out as a different character.
    .replace(/\uFB02(?=\u00B0)|\u00B6(?=\u00DF)/g, '$&\u2060');
}

/**
 * Text for a quoted DOT string. Backslash escapes (`\n`, `\N`, `\G`...) are Graphviz syntax, and `&`
 * starts an HTML entity in Graphviz labels, so both are escaped; `<` and `>` become entities too, so the
 * SVG Graphviz writes can hold no markup from a name.
 */
export function dotText(text: string): string {
  return clean(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"');
}
