// The threats as CSV for spreadsheets and issue trackers: RFC 4180 (CRLF line ends, fields quoted when
// they hold a quote, comma or line break, quotes doubled), one row per threat in report order. Model
// text is untrusted: a cell a spreadsheet would read as a formula (starting with = + - @, tab or carriage
// return) gets a leading apostrophe, as OWASP advises against CSV injection. A character a terminal or a
// spreadsheet would act on rather than show (an escape sequence, a bidirectional override: terminal-safe.ts) is
// written out visibly, `\u001b`, as the Markdown report writes it: CSV is read by people, in a spreadsheet or
// printed to a terminal, and already trades exactness for safety (the apostrophe); the JSON output keeps the data.
import type { AnalysisResult, Threat } from '../analysis/types.js';
import { statusOf, uidOf } from '../track/triage.js';
import { gatherChunks, joinChunks, rowChunks } from './chunks.js';
import { terminalSafe } from './terminal-safe.js';

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, so that Excel reads non-ASCII names correctly. */
  bom?: boolean;
}

export const CSV_COLUMNS = [
  'id', 'stable_id', 'key', 'status', 'risk', 'likelihood', 'impact', 'stride', 'category', 'component', 'component_kind',
  'component_name', 'endpoint', 'flows', 'title', 'description', 'mitigation', 'mitigation_steps', 'likelihood_reason', 'impact_reason', 'rule',
  'references', 'evidence', 'declared_status', 'reason', 'owner', 'ticket', 'expires', 'review',
] as const;

const NEEDS_QUOTES = /[",\r\n]/;

/** A cell a spreadsheet would read as a formula starts with one of = + - @, tab or carriage return. */
const formulaStart = (c: number): boolean => c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;

/** One field, safe for spreadsheets and terminals, and quoted per RFC 4180. */
export function csvField(value: string): string {
  const shown = terminalSafe(value);
  // A carriage return written out (`\u000d`) no longer starts a formula, but the cell stays marked as before.
  const safe = formulaStart(value.charCodeAt(0)) ? `'${shown}` : shown;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * One row, CRLF first, in CSV_COLUMNS order. Ids, stable ids and the fixed vocabularies (status, risk and
 * ratings, STRIDE letter and category, component kind) never start like a formula nor hold a quote, comma
 * or line break, so they are written as they are; a rule's mitigation is shared by its threats and made a
 * field once (`fields`).
 */
function csvRow(t: Threat, file: string, fields: Map<string, string>): string {
  const tr = t.triage;
  let evidence = '';
  for (const e of t.evidence) evidence += `${evidence ? '; ' : ''}${e.fact} (${file}:${e.line})`;
  let mitigation = fields.get(t.mitigation);
  if (mitigation === undefined) fields.set(t.mitigation, (mitigation = csvField(t.mitigation)));
  return `\r\n${t.id},${uidOf(t)},${csvField(t.key)},${statusOf(t)},${t.risk},${t.likelihood.level},${t.impact.level},${t.stride},` +
    `${t.category},${csvField(t.component)},${t.componentKind},${csvField(t.componentName)},${csvField(t.endpoint ?? '')},` +
    `${csvField(t.flows.join('; '))},${csvField(t.title)},${csvField(t.description)},${mitigation},${stepsField(t.mitigationSteps)},` +
    `${csvField(t.likelihood.reason)},` +
    `${csvField(t.impact.reason)},${csvField(t.ruleId)},${csvField(t.references.join('; '))},${csvField(evidence)},` +
    `${csvField(tr?.declared ?? '')},${csvField(tr?.reason ?? '')},${csvField(tr?.owner ?? '')},${csvField(tr?.ticket ?? '')},` +
    `${csvField(tr?.expires ?? '')},${csvField(tr?.review ?? '')}`;
}

/**
 * A threat's steps in one cell, a line each: a spreadsheet shows them as a list in the cell, and the steps
 * hold semicolons of their own. Beside the mitigation they make concrete, rather than last, for people reading
 * across a row; consumers find columns by their header.
 */
const stepsField = (steps: readonly string[] | undefined): string => (steps === undefined ? '' : csvField(steps.join('\n')));

function* csvChunks(r: AnalysisResult, options: CsvOptions): Generator<string> {
  yield `${options.bom ? '\uFEFF' : ''}${CSV_COLUMNS.join(',')}`;
  const fields = new Map<string, string>();
  const file = r.file;
  yield* rowChunks(r.threats, (t) => csvRow(t, file, fields));
  yield '\r\n';
}

/** renderCsv's text in pieces (of about CHUNK_CHARS), for results with hundreds of thousands of threats. */
export const renderCsvChunks = (r: AnalysisResult, options: CsvOptions = {}): Iterable<string> => gatherChunks(csvChunks(r, options));

export const renderCsv = (r: AnalysisResult, options: CsvOptions = {}): string => joinChunks(renderCsvChunks(r, options));
