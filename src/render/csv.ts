// The threats as CSV for spreadsheets and issue trackers: RFC 4180 (CRLF line ends, fields quoted when
// they hold a quote, comma or line break, quotes doubled), one row per threat in report order. Model
// text is untrusted: a cell a spreadsheet would read as a formula (starting with = + - @, tab or carriage
// return) gets a leading apostrophe, as OWASP advises against CSV injection.
import type { AnalysisResult, Threat } from '../analysis/types.js';
import { statusOf, uidOf } from '../track/triage.js';

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

/** One field, safe for spreadsheets and quoted per RFC 4180. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(t: Threat, file: string): Record<(typeof CSV_COLUMNS)[number], string> {
  const tr = t.triage;
  return {
    id: t.id,
    stable_id: uidOf(t),
    key: t.key,
    status: statusOf(t),
    risk: t.risk,
    likelihood: t.likelihood.level,
    impact: t.impact.level,
    stride: t.stride,
    category: t.category,
    component: t.component,
    component_kind: t.componentKind,
    component_name: t.componentName,
    endpoint: t.endpoint ?? '',
    flows: t.flows.join('; '),
    title: t.title,
    description: t.description,
    mitigation: t.mitigation,
    likelihood_reason: t.likelihood.reason,
    impact_reason: t.impact.reason,
    rule: t.ruleId,
    references: t.references.join('; '),
    evidence: t.evidence.map((e) => `${e.fact} (${file}:${e.line})`).join('; '),
    declared_status: tr?.declared ?? '',
    reason: tr?.reason ?? '',
    owner: tr?.owner ?? '',
    ticket: tr?.ticket ?? '',
    expires: tr?.expires ?? '',
    review: tr?.review ?? '',
  };
}

export function renderCsv(r: AnalysisResult, options: CsvOptions = {}): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const t of r.threats) {
    const values = row(t, r.file);
    lines.push(CSV_COLUMNS.map((c) => csvField(values[c])).join(','));
  }
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}
