// `threatmap export`: the analysis (with triage applied) as SARIF, HTML, CSV, JSON, PDF, OTM, a Threat
// Dragon or a Threagile model, or an AWS Threat Composer workspace. PDF is the HTML report printed by a locally installed Chromium; nothing is
// downloaded. OTM (Open Threat Model) is JSON, or YAML when the output file ends in .yaml or .yml.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { filterByRisk } from '../analysis/filter.js';
import { configureRules } from '../analysis/rules/settings.js';
import type { RuleMeta } from '../analysis/rules/types.js';
import type { AnalysisResult, Risk } from '../analysis/types.js';
import type { Model } from '../model/types.js';
import { renderCsvChunks } from '../render/csv.js';
import { renderHtmlReportChunks } from '../render/html.js';
import { renderJsonChunks } from '../render/json.js';
import { renderOtmChunks, renderOtmYaml } from '../render/otm.js';
import { renderSarifChunks, type SarifOptions } from '../render/sarif.js';
import { renderThreagile } from '../render/threagile.js';
import { renderThreatComposerChunks } from '../render/threat-composer.js';
import { renderThreatDragonChunks } from '../render/threat-dragon.js';
import { emit, UserError, writeFileAtomic, writeStderr } from './io.js';
import { ALL_FORMATS, EXPORT_FORMATS, type ExportFormat as Format } from './formats.js';
import { loadTracked } from './triage.js';
import { VERSION } from './version.js';

export { EXPORT_FORMATS };

export interface ExportOptions {
  /** The model file as given on the command line (for SARIF locations). */
  model: string;
  bom?: boolean;
  includeClosed?: boolean;
  /** The output file, when there is one: for OTM, a .yaml or .yml ending asks for YAML rather than JSON. */
  output?: string;
  /**
   * The loaded model: the interchange formats (OTM, Threat Dragon, Threagile, Threat Composer) carry what the
   * analysis result does not hold (assumptions, `rules:`, the written threats as written), so that importing
   * them gives the model back (Threat Composer: the assumptions, and the decisions made there).
   */
  sections?: Pick<Model, 'assumptions' | 'rules' | 'threats'>;
  /** SARIF: the code scanning category of the upload (`--category`); none unless given. */
  category?: string;
  /**
   * SARIF: the metadata of the rules that ran (`--rules DIR` and the model's own `rules:` section), for the rules'
   * titles and help; default the built-in library.
   */
  rules?: readonly RuleMeta[];
}

/** The formats another tool reads and `threatmap import` reads back. */
const INTERCHANGE: ReadonlySet<string> = new Set(['otm', 'threat-dragon', 'threagile', 'threat-composer']);

/** OTM is written as YAML for an output file ending in .yaml or .yml (`model.otm.yaml`), else as JSON. */
export const otmAsYaml = (output: string | undefined): boolean => output !== undefined && /\.ya?ml$/i.test(output);

/**
 * The model's path relative to the repository root, as code scanning wants it; relative to the current
 * directory outside a repository.
 */
export function repositoryPath(model: string): string {
  const abs = resolve(model);
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: resolve(abs, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const root = r.status === 0 ? r.stdout.trim() : '';
  const rel = relative(root || process.cwd(), abs);
  return (rel.startsWith('..') ? model : rel).split(sep).join('/');
}

/**
 * What the SARIF renderer is told. The category is passed only when given: code scanning's upload (codeql-action)
 * uses its own `category:` input only for a run that states none.
 */
function sarifOptions(options: ExportOptions): SarifOptions {
  return {
    uri: repositoryPath(options.model), toolVersion: VERSION, includeClosed: options.includeClosed,
    ...(options.category !== undefined ? { category: options.category } : {}),
    ...(options.rules !== undefined ? { rules: options.rules } : {}),
  };
}

/** The report in pieces, written one after the other: a large model's report exceeds what one string may hold. */
export async function renderExport(format: string, result: AnalysisResult, options: ExportOptions): Promise<Iterable<string>> {
  switch (format) {
    case 'sarif':
      return renderSarifChunks(result, sarifOptions(options));
    case 'html':
      return renderHtmlReportChunks(result, { generator: `threatmap ${VERSION}` });
    case 'csv':
      return renderCsvChunks(result, { bom: options.bom });
    case 'json':
      return renderJsonChunks(result);
    case 'otm':
      return otmAsYaml(options.output) ? [renderOtmYaml(result, { model: options.sections })] : renderOtmChunks(result, { model: options.sections });
    case 'threat-dragon':
      return renderThreatDragonChunks(result, { model: options.sections });
    case 'threagile':
      return [renderThreagile(result, { model: options.sections })];
    case 'threat-composer':
      return renderThreatComposerChunks(result, { model: options.sections });
    default:
      throw new UserError(`unknown format '${format}'`);
  }
}

/** A Chromium (or Chrome) to print with: THREATMAP_CHROMIUM, else the first on PATH. */
export function findChromium(): string | undefined {
  const fixed = process.env.THREATMAP_CHROMIUM;
  if (fixed) return existsSync(fixed) ? fixed : undefined;
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Prints the HTML report to PDF with headless Chromium (the print styles make it a clean document). */
export function printPdf(html: Iterable<string>): Uint8Array {
  const chromium = findChromium();
  if (!chromium) {
    throw new UserError('PDF export needs Chromium or Chrome (none found on PATH; set THREATMAP_CHROMIUM to its path), ' +
      'or export HTML and use the browser\'s "Print to PDF": threatmap export MODEL --format html -o report.html');
  }
  const dir = mkdtempSync(join(tmpdir(), 'threatmap-pdf-'));
  try {
    const page = join(dir, 'report.html');
    const pdf = join(dir, 'report.pdf');
    writeFileAtomic(page, html);
    const r = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-extensions', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check',
      `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, pathToFileURL(page).href,
    ], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (!existsSync(pdf)) {
      const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-3).join('\n');
      throw new UserError(`${chromium} could not print the report to PDF${why ? `:\n${why}` : ''}`);
    }
    return withoutPrintDates(readFileSync(pdf));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Chromium stamps the time of printing as the document's creation and modification dates; the same model must
 * give the same bytes (reports live in git), so the dates become a fixed one of the same length (the
 * cross-reference table counts bytes).
 */
export function withoutPrintDates(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const fixed = text.replace(/(\/(?:CreationDate|ModDate) \(D:)\d{14}/g, '$119700101000000');
  return new Uint8Array(Buffer.from(fixed, 'latin1'));
}

const EXTENSIONS: Record<string, Format> = { sarif: 'sarif', html: 'html', htm: 'html', csv: 'csv', json: 'json', pdf: 'pdf', otm: 'otm' };

/**
 * The format an output file's name asks for: `.otm`, `.otm.json`, `.otm.yaml` and `.otm.yml` are OTM (the
 * second extension says how it is written, not what it is), `.td.json` and `.td-v2.json` Threat Dragon,
 * `threagile.yaml` and `.threagile.yaml` Threagile, `.tc.json` Threat Composer (its own exports' ending),
 * otherwise the last extension.
 */
export function formatOfOutput(output: string | undefined): Format | undefined {
  if (!output) return undefined;
  if (/\.otm(\.(json|ya?ml))?$/i.test(output)) return 'otm';
  if (/\.td(?:-v2)?\.json$/i.test(output)) return 'threat-dragon';
  if (/(?:^|[/\\.])threagile\.ya?ml$/i.test(output)) return 'threagile';
  if (/\.tc\.json$/i.test(output)) return 'threat-composer';
  const ext = /\.([A-Za-z]+)$/.exec(output)?.[1]?.toLowerCase();
  return ext ? EXTENSIONS[ext] : undefined;
}

interface ExportCliOptions {
  format?: Format;
  output?: string;
  triage?: string;
  minRisk?: Risk;
  bom?: boolean;
  includeClosed?: boolean;
  quiet?: boolean;
  /** A folder of custom rules (`--rules DIR`). */
  rules?: string;
  category?: string;
}

export async function exportAction(model: string, opts: ExportCliOptions): Promise<void> {
  const format = opts.format ?? formatOfOutput(opts.output);
  if (!format) throw new UserError(`say which format: --format ${ALL_FORMATS.join('|')} (or an --output file ending in one of them)`);
  if (!opts.quiet) {
    if (opts.bom && format !== 'csv') writeStderr(`warning: --bom applies to csv only; ignored for ${format}\n`);
    if (opts.includeClosed && format !== 'sarif') writeStderr(`warning: --include-closed applies to sarif only; ignored for ${format}\n`);
    if (opts.category !== undefined && format !== 'sarif') writeStderr(`warning: --category applies to sarif only; ignored for ${format}\n`);
  }
  if (format === 'pdf' && !opts.output && process.stdout.isTTY) throw new UserError('a PDF goes to a file: add --output report.pdf');
  const { result, model: sections, rules } = loadTracked(model, { triage: opts.triage, quiet: opts.quiet, rules: opts.rules });
  const shown = opts.minRisk ? filterByRisk(result, opts.minRisk) : result;
  const left = result.threats.length - shown.threats.length;
  if (left > 0 && INTERCHANGE.has(format) && !opts.quiet) {
    // The file is also how the model travels back (import): what --min-risk leaves out cannot come back.
    writeStderr(`warning: --min-risk ${String(opts.minRisk).toLowerCase()} leaves ${left} of ${result.threats.length} threats out of the file: importing it again will not bring back their decisions or the written threats among them\n`);
  }
  if (format === 'pdf') {
    const html = await renderExport('html', shown, { model });
    await emit(opts.output, printPdf(html));
    return;
  }
  await emit(opts.output, await renderExport(format, shown, {
    model, bom: opts.bom, includeClosed: opts.includeClosed, output: opts.output, sections, category: opts.category,
    // As the analysis ran them: the model's custom rules, disabled and re-rated ones applied.
    rules: configureRules(rules, sections),
  }));
}
