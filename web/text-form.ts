// A file's text as the editor holds it and as it goes back to disk. A textarea gives every line break as
// LF and a BOM is an invisible character there, so the editor holds the text without either; the file's
// own line ending and BOM are remembered and put back on save, so that a CRLF file stays CRLF byte for byte.
// A file that mixes line endings keeps each line's own where the lines are as they were (or changed in place),
// and gives the lines added in the page the ending of the line before them, as the model edits do
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
 * The lines the same at the start and at the end of the text as in the file keep the break after them; the
 * lines between replace the file's lines there, whose breaks they take in turn (a line changed in place keeps
 * its own); lines added beyond those take the break of the line before them (the first line's, at the top).
 */
function withOwnBreaks(text: string, file: NonNullable<TextForm['mixed']>, first: string): string {
  const lines = text.split('\n');
  const old = file.lines;
  let head = 0;
  while (head < lines.length - 1 && head < old.length - 1 && lines[head] === old[head]) head++;
  let tail = 0;
  while (tail < lines.length - head && tail < old.length - head && lines[lines.length - 1 - tail] === old[old.length - 1 - tail]) tail++;
  /** Where the lines kept at the end were in the file. */
  const shift = old.length - lines.length;
  /** How many of the file's lines the changed ones replace. */
  const replaced = old.length - tail - head;
  let out = '';
  let previous = first;
  for (let i = 0; i < lines.length - 1; i++) {
    const own = i < head ? file.breaks[i] : i >= lines.length - tail ? file.breaks[i + shift] : i - head < replaced ? file.breaks[i] : undefined;
    previous = own ?? previous;
    out += lines[i] + previous;
  }
  return out + lines[lines.length - 1];
}
