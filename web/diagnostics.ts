// The problems of the editor's text under it: errors first, each a button that takes the caret there.
import { plural } from '../src/model/diagnostics.js';
import type { Diagnostic } from '../src/model/types.js';
import { button, fill, h } from './dom.js';

/** Past this many the list says how many more: a broken paste can give thousands. */
const SHOWN = 200;

const order = (a: Diagnostic, b: Diagnostic): number =>
  Number(b.severity === 'error') - Number(a.severity === 'error') || a.line - b.line || a.col - b.col;

export function showDiagnostics(list: HTMLElement, summary: HTMLElement, diagnostics: readonly Diagnostic[], goTo: (line: number, col: number) => void): void {
  const sorted = [...diagnostics].sort(order);
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.length - errors;
  summary.textContent = sorted.length === 0 ? 'No problems.'
    : [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
  const items = sorted.slice(0, SHOWN).map((d) => h('li', { class: `diag ${d.severity}` },
    button({ class: 'diag-go', title: 'Go to this place in the model' }, () => goTo(d.line, d.col),
      h('span', { class: 'loc mono' }, `${d.line}:${d.col}`), ' ',
      h('span', { class: 'sev' }, d.severity), ' ',
      h('span', { class: 'msg' }, d.message)),
    d.hint ? h('span', { class: 'hint muted' }, d.hint) : null));
  fill(list, ...items, sorted.length > SHOWN ? h('li', { class: 'muted' }, `${sorted.length - SHOWN} more not shown.`) : null);
}
