// Model text shown as text: a name or description from an untrusted file (a model `discover` drafted from
// someone else's repository, an imported diagram) must not drive the terminal it is printed on. Pure: the
// text renderers and the command line share it.

/**
 * What a terminal acts on rather than shows: C0 controls but tab and line feed (ESC starts escape sequences,
 * CR overwrites the line, BEL rings), DEL, C1 controls (U+009B is a one-character CSI), and the bidirectional
 * embeddings, overrides and isolates that reorder what is shown (Trojan Source, CVE-2021-42574).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** `\u001b` for ESC: the character stays visible, written as JSON and JavaScript would write it. */
const escaped = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The text with every character a terminal would act on written out visibly (`\u001b[2J`), nothing dropped;
 * tabs and line breaks stay (descriptions hold them). Text without any (nearly all) is returned as it is, after
 * one test.
 */
export function terminalSafe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escaped) : text;
}

/** As terminalSafe, on one line: line breaks and tabs become spaces (a row of a listing, a table cell). */
export function terminalSafeLine(text: string): string {
  return terminalSafe(text.replace(/\r\n|[\n\t]/g, ' '));
}

/** Pieces of output made terminal-safe one by one: a character to replace is one code unit, so no piece splits one. */
export function* terminalSafeChunks(chunks: Iterable<string>): Generator<string> {
  for (const chunk of chunks) yield terminalSafe(chunk);
}
