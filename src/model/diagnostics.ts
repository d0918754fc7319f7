// Diagnostics as people read them: `file:line:col: error[code]: message`, like a compiler, so that
// editors and CI logs turn them into links.
import { flat } from './flat.js';
import type { Diagnostic, ModelPath } from './types.js';

const PLAIN_SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['elements', 'api', 'endpoints', '/search', 'controls', 0]` -> `elements.api.endpoints["/search"].controls[0]`. */
export function displayPath(path: ModelPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    // Ids may hold dots (`orders.price`), which would read as nesting, so they are quoted.
    else if (PLAIN_SEGMENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return flat(out);
}

/** A short, single-line rendering of a value found in the model, for `found:` lines. */
export function describeValue(value: unknown, max = 60): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (empty value)';
  if (typeof value === 'string') return clip(JSON.stringify(value), max);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeOf(value)} ${String(value)}`;
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    return keys.length === 0 ? 'an empty map' : clip(`a map with keys ${keys.join(', ')}`, max);
  }
  return typeOf(value);
}

/** The YAML-flavoured name of a value's type: map, list, string, number... */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Up to `max` quoted values, then how many more, so a list of 50 controls stays readable. */
export function listValues(values: readonly string[], max = 12): string {
  const shown = values.slice(0, max).map((v) => `\`${v}\``).join(', ');
  return values.length > max ? `${shown}, … (${values.length - max} more)` : shown;
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Position order, then code, path and message, so that output never depends on discovery order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return compare(a.file, b.file) || compare(a.line, b.line) || compare(a.col, b.col) || compare(a.code, b.code)
    || compare(a.path, b.path) || compare(a.message, b.message);
}

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(compareDiagnostics);
}

export function formatDiagnostic(d: Diagnostic): string {
  const lines = [`${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}]: ${d.message}`];
  if (d.path) lines.push(`    at: ${d.path}`);
  if (d.found !== undefined) lines.push(`    found: ${d.found}`);
  if (d.expected !== undefined) lines.push(`    expected: ${d.expected}`);
  if (d.hint !== undefined) lines.push(`    hint: ${d.hint}`);
  return lines.join('\n');
}

/** `1 flow`, `2 flows`: a count and its noun, for every message and report. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** All diagnostics in a stable order, then a count line (`2 errors, 1 warning`). */
export function formatDiagnostics(list: readonly Diagnostic[]): string {
  const sorted = sortDiagnostics(list);
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const warnings = sorted.length - errors;
  const summary = sorted.length === 0 ? 'no problems found' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  return [...sorted.map(formatDiagnostic), summary].join('\n') + '\n';
}

export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === 'error');
