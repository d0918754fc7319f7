// GitHub Actions output of the gate: workflow commands that annotate the lines of a model (`::error file=...::...`)
// and the Markdown job summary. Pure: the command line writes them (standard output, the GITHUB_STEP_SUMMARY file).
import type { Risk } from '../analysis/types.js';
import type { RiskCounts } from '../track/types.js';
import { cell, inline } from './markdown.js';

/**
 * A command's message as GitHub reads it back: `%`, CR and LF escaped (actions/toolkit `escapeData`), so that a
 * title from a model can neither break the line nor start another command.
 */
export const escapeData = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A property's value: as a message, and `:` and `,` too, which end a value (actions/toolkit `escapeProperty`). */
export const escapeProperty = (text: string): string => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  /** The file, relative to the repository's root as GitHub shows files. */
  file?: string;
  line?: number;
  col?: number;
  title?: string;
  message: string;
}

/** One workflow command on one line: `::error file=shop.yaml,line=12,col=3,title=...::message`. */
export function formatAnnotation(a: Annotation): string {
  const props: string[] = [];
  const file = a.file !== undefined && a.file !== '';
  if (file) props.push(`file=${escapeProperty(a.file!)}`);
  // A line of no file, or one GitHub cannot place (0 for "unknown"), is left out rather than pointing at nothing.
  const line = file && a.line !== undefined && a.line > 0;
  if (line) props.push(`line=${a.line}`);
  if (line && a.col !== undefined && a.col > 0) props.push(`col=${a.col}`);
  if (a.title !== undefined && a.title !== '') props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(a.message)}`;
}

export const formatAnnotations = (list: readonly Annotation[]): string => list.map((a) => `${formatAnnotation(a)}\n`).join('');

/** A threat as a row of the summary's table. */
export interface SummaryThreat {
  uid: string;
  risk: Risk;
  title: string;
  component: string;
  /** `shop.yaml:12`: where to change the model. */
  where: string;
  /** Why it fails, when not only for being open (e.g. what suppressed it). */
  why?: string;
}

export interface JobSummary {
  /** The command and model, e.g. `threatmap check shop.yaml`. */
  command: string;
  passed: boolean;
  /** The verdict as the text output words it, e.g. `FAIL, 4 open threats at or above High`. */
  verdict: string;
  open: RiskCounts;
  closed: RiskCounts;
  failing: SummaryThreat[];
  /** Other reasons it fails (expired decisions, easier paths, stale entries), a line each. */
  notes: string[];
}

/** At most this many rows: a summary is capped at 1 MiB per step, and read at a glance. */
export const SUMMARY_ROWS = 50;

const RISK_COLUMNS = ['Critical', 'High', 'Medium', 'Low'] as const;

const countsRow = (label: string, c: RiskCounts): string => `| ${label} | ${RISK_COLUMNS.map((r) => c[r]).join(' | ')} | ${c.total} |`;

/** Inline code that no backtick in the text can end early. */
const code = (text: string): string => `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;

function failingTable(list: readonly SummaryThreat[]): string[] {
  const withWhy = list.some((t) => t.why !== undefined);
  const head = ['Stable id', 'Risk', 'Threat', 'Component', 'Where', ...(withWhy ? ['Why'] : [])];
  const rows = list.slice(0, SUMMARY_ROWS).map((t) =>
    [code(t.uid), `**${t.risk}**`, cell(t.title), cell(t.component), code(t.where), ...(withWhy ? [cell(t.why ?? 'open')] : [])]);
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  if (list.length > SUMMARY_ROWS) out.push('', `... and ${list.length - SUMMARY_ROWS} more: see the job log.`);
  return out;
}

/**
 * The job summary of one run of the gate, ended by a blank line so that summaries appended one after another
 * (several models, several steps) stay apart.
 */
export function jobSummary(s: JobSummary): string {
  const out = [
    `### ${inline(s.command)}: ${s.passed ? 'PASS' : 'FAIL'}`,
    '',
    inline(s.verdict),
    '',
    `| Threats | ${RISK_COLUMNS.join(' | ')} | Total |`,
    '|---|---|---|---|---|---|',
    countsRow('Open', s.open),
    countsRow('Closed by decision', s.closed),
  ];
  if (s.failing.length) out.push('', '#### Failing threats', '', ...failingTable(s.failing));
  if (s.notes.length) out.push('', ...s.notes.map((n) => `- ${inline(n)}`));
  return `${out.join('\n')}\n\n`;
}
