// The threats as CSV for spreadsheets and issue trackers: RFC 4180 (CRLF line ends, fields quoted when
// they hold a quote, comma or line break, quotes doubled), one row per threat in report order. Model
// text is untrusted: a cell a spreadsheet would read as a formula (starting with = + - @, tab or carriage
// return) gets a leading apostrophe, as OWASP advises against CSV injection.
import type { AnalysisResult, Threat } from '../analysis/types.js';
import { statusOf, uidOf } from '../track/triage.js';
import { gatherChunks, joinChunks } from './chunks.js';

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, so that Excel reads non-ASCII names correctly. */
  bom?: boolean;
}

export const CSV_COLUMNS = [
  'id', 'stable_id', 'key', 'status', 'risk', 'likelihood', 'impact', 'stride', 'category', 'component', 'component_kind',
  'component_name', 'endpoint', 'flows', 'title', 'description', 'mitigation', 'likelihood_reason', 'impact_reason', 'rule',
  'references', 'evidence', 'declared_status', 'reason', 'owner', 'ticket', 'expires', 'review',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, safe for spreadsheets and quoted per RFC 4180. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The row's values, in CSV_COLUMNS order. */
function rowValues(t: Threat, file: string): string[] {
  const tr = t.triage;
  let evidence = '';
  for (const e of t.evidence) evidence += `${evidence ? '; ' : ''}${e.fact} (${file}:${e.line})`;
  return [
    t.id, uidOf(t), t.key, statusOf(t), t.risk, t.likelihood.level, t.impact.level, t.stride, t.category, t.component,
    t.componentKind, t.componentName, t.endpoint ?? '', t.flows.join('; '), t.title, t.description, t.mitigation,
    t.likelihood.reason, t.impact.reason, t.ruleId, t.references.join('; '), evidence, tr?.declared ?? '', tr?.reason ?? '',
    tr?.owner ?? '', tr?.ticket ?? '', tr?.expires ?? '', tr?.review ?? '',
  ];
}

function* csvPieces(r: AnalysisResult, options: CsvOptions): Generator<string> {
  yield `${options.bom ? '\uFEFF' : ''}${CSV_COLUMNS.join(',')}`;
  for (const t of r.threats) {
    const values = rowValues(t, r.file);
    let line = '\r\n';
    for (let i = 0; i < values.length; i++) line += i === 0 ? csvField(values[i]) : `,${csvField(values[i])}`;
    yield line;
  }
  yield '\r\n';
}

/** renderCsv's text in pieces (of about CHUNK_CHARS), for results with hundreds of thousands of threats. */
export const renderCsvChunks = (r: AnalysisResult, options: CsvOptions = {}): Iterable<string> => gatherChunks(csvPieces(r, options));

export const renderCsv = (r: AnalysisResult, options: CsvOptions = {}): string => joinChunks(renderCsvChunks(r, options));
