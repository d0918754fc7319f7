// A file's text as the editor holds it and as it goes back to disk. A textarea gives every line break as
// LF and a BOM is an invisible character there, so the editor holds the text without either; the file's
// own line ending and BOM are remembered and put back on save, so that a CRLF file stays CRLF byte for byte.

export interface TextForm {
  eol: '\n' | '\r\n';
  bom: boolean;
}

const BOM = '\ufeff';

/** The file's form: its first line break's ending (a file mixing both is written back with that one). */
export function formOf(text: string): TextForm {
  const lf = text.indexOf('\n');
  return { eol: lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n', bom: text.startsWith(BOM) };
}

/** The text as the editor holds it: LF line breaks (as a textarea gives them), no BOM. */
export function editorForm(text: string): string {
  return (text.startsWith(BOM) ? text.slice(1) : text).replace(/\r\n?/g, '\n');
}

/** The editor's text in the file's form. */
export function diskForm(text: string, form: TextForm): string {
  const body = form.eol === '\n' ? text : text.replace(/\n/g, '\r\n');
  return form.bom ? BOM + body : body;
}
