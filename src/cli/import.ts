// `threatmap import FILE`: a model from another tool's file: Open Threat Model (.otm.yaml/.otm.json) or
// OWASP Threat Dragon v2 (.json) or Threagile (.yaml) or AWS Threat Composer (.tc.json) or Microsoft Threat
// Modeling Tool (.tm7) or a draw.io diagram (.drawio). The content decides, not the name: tools save OTM,
// Threat Dragon and Threat Composer files all as plain .json. The file access lives here, and so does zlib for
// draw.io's compressed pages; what a file means is src/import/otm.ts's, threat-dragon.ts's, threagile.ts's,
// threat-composer.ts's, tm7.ts's and drawio.ts's.
import { existsSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { isMap } from 'yaml';
import { formatDiagnostics, hasErrors, plural } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import { type DroppedDecision, dropRemovedThreats, mergeImportedThreats, mergeTriageTexts } from '../import/merge-threats.js';
import { DRAWIO_FORMAT, type DrawioImportSummary, importDrawio } from '../import/drawio.js';
import { importOtm, type OtmImportSummary, THREAT_TITLES_SHOWN } from '../import/otm.js';
import { importThreagile, type ThreagileImportSummary } from '../import/threagile.js';
import { importThreatComposer, THREAT_COMPOSER_FORMAT, type TcImportSummary, threatComposerJson } from '../import/threat-composer.js';
import { importThreatDragon, type TdImportSummary, type TdThreatNote } from '../import/threat-dragon.js';
import { importTm7, threatStateCounts, type Tm7ImportSummary, tm7Version } from '../import/tm7.js';
import { emptyFile, type ImportedTriage } from '../import/import-common.js';
import { YamlSource } from '../import/yaml-source.js';
import { checkOutput } from './discover.js';
import { defaultTriagePath, parseTriage } from '../track/triage.js';
import { emit, readModelFile, readModelSource, refuseStandardInput, shownName, UserError, writeFileAtomic, writeStderr } from './io.js';

export interface ImportCliOptions {
  output?: string;
  /** A model to add the file's threats (and their decisions) to, instead of writing a new one. */
  into?: string;
  force?: boolean;
}

/**
 * Another tool's file of a real system: OTM, Threat Dragon and Threagile files are tens of kilobytes, draw.io
 * diagrams hundreds. A .tm7 carries its template (about 1 MB) and some 2.6 KB per threat, and the tool writes
 * a threat for every flow and category, so large estates reach tens of megabytes: XML files may be up to
 * 64 MB (about 23,000 threats; 5 s and 470 MB to import), read by a streaming parser; the others, parsed as
 * YAML with positions, up to 10 MB.
 */
const MAX_XML_IMPORT_BYTES = 64 * 1024 * 1024;
const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** A page of a real diagram is at most a few megabytes of XML: one that inflates beyond this is a deflate bomb. */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;
const inflate = (data: Uint8Array): Uint8Array => inflateRawSync(data, { maxOutputLength: MAX_PAGE_BYTES });

export async function importAction(given: string, opts: ImportCliOptions): Promise<void> {
  if (opts.into !== undefined && opts.output !== undefined) throw new UserError('threatmap import: give -o FILE (a new model) or --into MODEL (an existing one), not both');
  if (opts.into !== undefined) refuseStandardInput(opts.into, '--into adds to a model file and its triage file: give its file name, not -');
  // Read before anything else: a model that cannot be read stops the run before the file is imported.
  const into = opts.into === undefined ? undefined : readInto(opts.into);
  checkOutput(opts.output, opts.force);
  // The decisions go beside the model, under the name analyze looks for; one already there is added to, not replaced.
  const triagePath = opts.output ? defaultTriagePath(opts.output) : undefined;
  const triageBefore = triagePath === undefined ? undefined : readExistingTriage(triagePath);
  const text = readModelFile(given, MAX_XML_IMPORT_BYTES);
  const file = shownName(given);
  const empty = emptyFile(text, file, 'a file in one of the formats threatmap import reads');
  if (empty) {
    writeStderr(formatDiagnostics([{ ...empty, expected: FORMATS_READ }]));
    throw new UserError('threatmap import: nothing written');
  }
  // Parsed once: to tell the format, then by the importer that reads it. A .tm7 or a draw.io file is XML,
  // told by its root before the YAML parser would read its megabyte as one scalar.
  const xml = xmlFormat(text);
  const bytes = xml ? 0 : Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_IMPORT_BYTES) {
    throw new UserError(`${file}:1:1: error[file-too-large]: the file is ${(bytes / 1048576).toFixed(1)} MB; the limit is ${MAX_IMPORT_BYTES / 1048576} MB for YAML and JSON files (${MAX_XML_IMPORT_BYTES / 1048576} MB for .tm7 and draw.io)`);
  }
  // A Threat Composer export is read as JSON where that reads it as the YAML parser would: a large one's YAML parse takes seconds.
  const tcJson = xml ? undefined : threatComposerJson(text);
  const source = xml || tcJson ? undefined : YamlSource.imported(text, file);
  const format = xml ?? (tcJson ? 'threat-composer' : formatOfSource(source!, text));
  if (format === 'unknown') {
    writeStderr(formatDiagnostics([{
      severity: 'error', code: 'unknown-format', message: 'not a file threatmap import reads', file, line: 1, col: 1, path: '', expected: FORMATS_READ,
    }]));
    throw new UserError('threatmap import: nothing written');
  }
  const options = { ...(source ? { source } : {}), ...(opts.output ? { output: opts.output } : {}) };
  const result = format === 'drawio' ? importDrawio(text, file, { ...options, inflate }) : format === 'tm7' ? importTm7(text, file, options)
    : format === 'threat-dragon' ? importThreatDragon(text, file, options)
    : format === 'threagile' ? importThreagile(text, file, options)
    : format === 'threat-composer' ? importThreatComposer(text, file, { ...options, ...(tcJson ? { json: tcJson } : {}), ...(into ? { into: true } : {}) }) : importOtm(text, file, options);
  if (result.diagnostics.length) writeStderr(formatDiagnostics(result.diagnostics));
  if (!result.text || !result.summary || hasErrors(result.diagnostics)) {
    throw new UserError(`threatmap import: nothing written; fix the ${plural(result.diagnostics.filter((d) => d.severity === 'error').length, 'error')} above and run it again`);
  }
  // The model is checked as `analyze` will read it: one that does not load is our bug, not the user's.
  const loaded = loadModel(result.text, opts.output ?? 'model');
  if (!loaded.model || hasErrors(loaded.diagnostics)) throw new Error(`the imported model does not load:\n${formatDiagnostics(loaded.diagnostics)}`);
  if (into) {
    // A Threat Composer workspace threatmap exported carries this model's threats: their statuses are merged three ways.
    const tc = 'schema' in result.summary ? result.summary : undefined;
    mergeInto(file, into, { text: result.text, ...(result.triage ? { triage: result.triage.text } : {}) }, tc);
    return;
  }
  await emit(opts.output, result.text);
  const s = result.summary;
  const exportedUids = 'exportedUids' in s ? s.exportedUids : undefined;
  const triageNotes = opts.output && triagePath ? writeTriage(result.text, opts.output, triagePath, triageBefore, result.triage, exportedUids)
    : result.triage ? [triageLine(result.triage.decisions, undefined)] : [];
  const report = 'otmVersion' in s ? summary(file, s, opts.output) : 'riskTracking' in s ? threagileSummary(file, s, opts.output)
    : 'schema' in s ? tcSummary(file, s, opts.output)
    : 'threatStates' in s ? tm7Summary(file, s, opts.output) : 'pages' in s ? drawioSummary(file, s, opts.output) : tdSummary(file, s, opts.output);
  writeStderr(triageNotes.reduce(beforeNextStep, report));
}

/**
 * `-o MODEL`: the file's decisions into the model's triage file (a new one, or added to the one already there),
 * without the decisions whose threats the other tool's edit removed (dropRemovedThreats). What was done, as lines.
 */
function writeTriage(model: string, output: string, triagePath: string, before: string | undefined, imported: ImportedTriage | undefined, exportedUids: readonly string[] | undefined): string[] {
  let text = before;
  let changed = false;
  const lines: string[] = [];
  if (imported && before === undefined) {
    text = imported.text;
    changed = true;
    lines.push(triageLine(imported.decisions, triagePath));
  } else if (imported && before !== undefined) {
    const merged = mergeTriageTexts(before, imported.text, output);
    if (merged.added) [text, changed] = [merged.text, true];
    lines.push(`  added ${plural(merged.added, 'decision')} of the file's to ${triagePath}${merged.kept ? `; kept its own decision on ${plural(merged.kept, 'threat')} the file also decides` : ''}`);
  }
  const removed = text !== undefined && exportedUids?.length ? dropRemovedThreats({ model, file: output, triage: text, exportedUids }) : undefined;
  if (!removed?.dropped.length) {
    if (changed && text !== undefined) writeFileAtomic(triagePath, text);
    return lines;
  }
  // A new triage file every decision of which went is not written: it would decide nothing.
  if (before === undefined && !parseTriage(removed.text, triagePath).triage?.entries.length) {
    return [droppedLine(removed.dropped, `of the file's (so ${triagePath} is not written: none is left)`)];
  }
  writeFileAtomic(triagePath, removed.text);
  return [...lines, droppedLine(removed.dropped, `from ${triagePath}`)];
}

/** The decisions dropped because their threats are gone, each named: a decision never goes silently. */
function droppedLine(dropped: readonly DroppedDecision[], where: string): string {
  const shown = dropped.slice(0, THREAT_TITLES_SHOWN).map((d) => `${d.ref}${d.threat ? ` (${d.threat})` : ''}: ${d.status}`);
  const more = dropped.length > THREAT_TITLES_SHOWN ? `; and ${dropped.length - THREAT_TITLES_SHOWN} more` : '';
  return `  dropped ${plural(dropped.length, 'decision')} ${where}: the export held ${dropped.length === 1 ? 'its threat' : 'their threats'}, which the model as edited in the other tool no longer has: ${shown.join('; ')}${more}`;
}

/** The model's triage file when there is one, to add to; a folder in its place is an error before anything is written. */
function readExistingTriage(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isDirectory()) throw new UserError(`${path}: is a folder; the model's triage file goes there`);
  return readModelFile(path, MAX_MODEL_BYTES);
}

interface IntoModel { file: string; text: string; triagePath: string; triage?: string }

function readInto(model: string): IntoModel {
  const { text } = readModelSource(model, MAX_MODEL_BYTES);
  const triagePath = defaultTriagePath(model);
  return { file: model, text, triagePath, ...(existsSync(triagePath) ? { triage: readModelFile(triagePath, MAX_MODEL_BYTES) } : {}) };
}

/**
 * `--into MODEL`: the imported threats and decisions added to the model and its triage file, each written
 * atomically. Unlike `-o`, no decision can lose its threat here: the model keeps its elements and flows (the
 * other tool's edits to them are not taken), the import only adds threats, and the merge writes no decision
 * about a threat the model does not report (mergeImportedThreats). An entry already stale stays for `analyze`.
 */
function mergeInto(file: string, into: IntoModel, imported: { text: string; triage?: string }, tc?: TcImportSummary): void {
  const carried = tc?.threatmap?.carried;
  const merged = mergeImportedThreats({
    model: { text: into.text, file: into.file, ...(into.triage !== undefined ? { triage: into.triage } : {}) }, imported, ...(carried ? { carried } : {}),
  });
  if ('error' in merged) throw new UserError(`threatmap import: ${merged.error}`);
  if (merged.added.length) writeFileAtomic(into.file, merged.text);
  if (merged.triage !== undefined) writeFileAtomic(into.triagePath, merged.triage);
  const lines = [
    `threatmap import: read ${file}; added ${plural(merged.added.length, 'threat')} to ${into.file}${merged.added.length ? `: ${merged.added.slice(0, THREAT_TITLES_SHOWN).map((t) => t.id).join(', ')}${merged.added.length > THREAT_TITLES_SHOWN ? ` and ${merged.added.length - THREAT_TITLES_SHOWN} more` : ''}` : ''}`,
    ...(merged.already.length ? [`  ${plural(merged.already.length, 'threat')} the model already writes (same title and STRIDE category) left as ${merged.already.length === 1 ? 'it is' : 'they are'}`] : []),
    ...(carried ? [tcCarriedLine(carried.length, merged.changed, into.triagePath)] : []),
    ...(merged.decisions - merged.changed ? [`  added ${plural(merged.decisions - merged.changed, 'decision')} to ${into.triagePath}`] : []),
    ...(tc?.threatmap ? tc.notes : []).map((n) => `  check: ${n}`),
    ...merged.notes.map((n) => `  check: ${n}`),
    `  next: review them, then run: threatmap analyze ${into.file}`,
  ];
  writeStderr(`${lines.join('\n')}\n`);
}

/** What came back of the threats a threatmap export carried to Threat Composer. */
const tcCarriedLine = (carried: number, changed: number, triagePath: string): string =>
  `  ${plural(carried, 'threat statement')} threatmap exported from this model: ${changed ? `${plural(changed, 'status', 'statuses')} changed in ${THREAT_COMPOSER_FORMAT} written to ${triagePath}` : `no status changed in ${THREAT_COMPOSER_FORMAT}`}`;

function triageLine(decisions: number, triagePath: string | undefined): string {
  const these = `the file's ${plural(decisions, 'decision')} about its threats`;
  return triagePath ? `  wrote ${triagePath}: ${these}, which analyze applies`
    : `  ${these} ${decisions === 1 ? 'is' : 'are'} not written: give -o FILE to write ${decisions === 1 ? 'it' : 'them'} to FILE's triage file too`;
}

/** A line placed above a summary's last one, so that the summary still ends with what was written and what to run next. */
function beforeNextStep(summaryText: string, line: string): string {
  const last = summaryText.lastIndexOf('\n', summaryText.length - 2) + 1;
  return `${summaryText.slice(0, last)}${line}\n${summaryText.slice(last)}`;
}

export const FORMATS_READ = 'Open Threat Model (a top-level `otmVersion`) and OWASP Threat Dragon v2 (`summary` and `detail.diagrams` with `cells`), and Threagile (top-level `threagile_version` and `technical_assets`), and AWS Threat Composer (`schema` and `threats`, `mitigations`, `assumptions` or `applicationInfo`), and Microsoft Threat Modeling Tool (.tm7: XML with a `ThreatModel` root in the ThreatModeling namespace), and draw.io / diagrams.net (.drawio: XML with an `mxfile` or `mxGraphModel` root; .drawio.svg: an SVG with the diagram in its `content`)';

type ImportFormat = 'otm' | 'threat-dragon' | 'threagile' | 'threat-composer' | 'tm7' | 'drawio' | 'unknown';

/**
 * A .tm7: a `ThreatModel` root element in the tool's namespace, after an optional byte order mark, XML
 * declaration and whitespace. Only the start tag is looked at, so that telling the format costs nothing
 * however large the file; whether the rest is well-formed is the importer's to say, with its position.
 */
const TM7_ROOT = /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?<ThreatModel[\s>][^>]*\bxmlns=(["'])http:\/\/schemas\.datacontract\.org\/2004\/07\/ThreatModeling\.Model\1/;
/**
 * A draw.io diagram: an `mxfile` (pages) or a bare `mxGraphModel` root, told the same way; or draw.io's
 * editable SVG, whose root keeps the diagram in its `content` attribute (after a comment and SVG's DOCTYPE).
 */
const DRAWIO_ROOT = /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?(?:<(?:mxfile|mxGraphModel)[\s>/]|(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>[]*>\s*)*<svg\b[^>]*\scontent=["']\s*(?:&lt;\?xml[^>]*?\?&gt;\s*)?&lt;mxfile)/;
const xmlFormat = (text: string): 'tm7' | 'drawio' | undefined => {
  const head = text.slice(0, 4096);
  return TM7_ROOT.test(head) ? 'tm7' : DRAWIO_ROOT.test(head) ? 'drawio' : undefined;
};

/**
 * Which importer reads the text. A .tm7 or a draw.io diagram: its root element (above). Threat Dragon:
 * `summary` and `detail.diagrams` (v1 too, so that its importer can say v1 is not read). OTM: a top-level `otmVersion`. Threagile: top-level `threagile_version`
 * and `technical_assets` (the version alone could be a fragment; the assets are what is imported). A file that does not parse goes to the
 * importer its words suggest, which reports the syntax error with its position; the rest to OTM. Anything
 * else is in no format read here.
 */
export const formatOf = (text: string): ImportFormat => xmlFormat(text) ?? formatOfSource(YamlSource.imported(text, ''), text);

function formatOfSource(src: YamlSource, text: string): ImportFormat {
  if (src.failed && /^threagile_version\s*:/m.test(text)) return 'threagile';
  if (src.failed && /"schema"\s*:/.test(text) && /"(?:threats|applicationInfo|mitigationLinks)"\s*:/.test(text) && !/"(?:otmVersion|summary)"\s*:/.test(text)) return 'threat-composer';
  if (src.failed) return /"summary"\s*:/.test(text) && /"diagrams"\s*:/.test(text) && !/otmVersion/.test(text) ? 'threat-dragon' : 'otm';
  const root = src.root;
  if (!isMap(root)) return 'unknown';
  const top = src.entries(root, []);
  const has = (key: string) => top.some((e) => e.key === key);
  if (has('otmVersion')) return 'otm';
  if (has('threagile_version') && has('technical_assets')) return 'threagile';
  const detail = top.find((e) => e.key === 'detail')?.value ?? null;
  if (has('summary') && isMap(detail) && src.entries(detail, ['detail']).some((e) => e.key === 'diagrams')) return 'threat-dragon';
  if (has('schema') && ['threats', 'applicationInfo', 'mitigations', 'assumptions'].some(has)) return 'threat-composer';
  return 'unknown';
}

function drawioSummary(file: string, s: DrawioImportSummary, output: string | undefined): string {
  const lines = [
    `threatmap import: read ${file} (${DRAWIO_FORMAT}${s.version ? ` ${s.version}` : ''}; ${plural(s.pages.length, 'page')}: ${s.pages.map((p) => `"${p}"`).join(', ')})`,
    `  imported ${plural(s.elements, 'element')}, ${plural(s.flows, 'flow')}, ${plural(s.boundaries, 'trust boundary', 'trust boundaries')}`,
  ];
  return finish(lines, s.notes, output);
}

function threagileSummary(file: string, s: ThreagileImportSummary, output: string | undefined): string {
  const lines = [
    `threatmap import: read ${file} (Threagile ${s.version}, "${s.system}")`,
    `  imported ${plural(s.elements, 'element')}, ${plural(s.flows, 'flow')}, ${plural(s.boundaries, 'trust boundary', 'trust boundaries')}, ${plural(s.assets, 'asset')}`,
    ...(s.sharedRuntimes.length ? [`  ${plural(s.sharedRuntimes.length, 'shared runtime')} (threatmap has no shared host): ${s.sharedRuntimes.join('; ')}`
      + '; each that runs assets of several trust zones is written as a threat (mixed targets on a shared runtime)'] : []),
  ];
  if (s.threatmapSection) {
    lines.push(exportLine(s.written));
    return finish(lines, s.notes, output);
  }
  if (s.individualRisks) lines.push(`  the file's ${plural(s.individualRisks, 'risk')} identified by hand written under \`threats:\`, beside those threatmap analyze derives`);
  if (s.exportedRisks) lines.push(`  ${plural(s.exportedRisks, 'risk')} of threatmap's own rules, exported earlier, only as decisions: analyze finds them again`);
  if (s.riskTracking.length) {
    lines.push(`  the file's ${plural(s.riskTracking.length, 'risk-tracking entry', 'risk-tracking entries')}: those about the risks written, and those about Threagile rules`
      + ' threatmap has an equivalent of, are decisions in the triage file (or the control they say is in place); the others are listed only');
  }
  for (const r of s.riskTracking.slice(0, THREAT_TITLES_SHOWN)) lines.push(`    ${r.id}: ${r.status}${trackingEffect(r)}`);
  if (s.riskTracking.length > THREAT_TITLES_SHOWN) lines.push(`    ... and ${s.riskTracking.length - THREAT_TITLES_SHOWN} more`);
  return finish(lines, s.notes, output);
}

/** What a risk-tracking entry did to the imported model, in the words of the summary. */
function trackingEffect(r: ThreagileImportSummary['riskTracking'][number]): string {
  const effects = [
    ...(r.matches ? [`decides ${plural(r.matches, 'written risk')}`] : []),
    ...(r.decided ? [`decides ${plural(r.decided, 'threat')} threatmap finds`] : []),
    ...(r.controlled ? [`its control written on ${plural(r.controlled, 'element or flow', 'elements or flows')}`] : []),
  ];
  return effects.length ? ` (${effects.join('; ')})` : '';
}

function tm7Summary(file: string, s: Tm7ImportSummary, output: string | undefined): string {
  const lines = [
    `threatmap import: read ${file} (Microsoft Threat Modeling Tool ${tm7Version(s)}, "${s.system}"; ${plural(s.diagrams.length, 'diagram')}: ${s.diagrams.map((d) => `"${d}"`).join(', ')})`,
    `  imported ${plural(s.elements, 'element')}, ${plural(s.flows, 'flow')}, ${plural(s.boundaries, 'trust boundary', 'trust boundaries')}; ${plural(s.lines, 'boundary line')} placed no element`,
    `  the file's ${plural(s.threats.length, 'threat')}${s.threats.length ? ` (${threatStateCounts(s.threatStates)})` : ''}:`,
    ...tm7ThreatLines(s),
  ];
  return finish(lines, s.notes, output);
}

/** What became of a .tm7's threats: written as the team left them, written merged, or left to threatmap's rules. */
function tm7ThreatLines({ threats, generatedWritten }: Pick<Tm7ImportSummary, 'threats' | 'generatedWritten'>): string[] {
  if (threats.length === 0) return [];
  const worked = threats.filter((t) => t.written).length;
  const ruled = threats.filter((t) => t.rules);
  const carried = threats.length - worked - ruled.length;
  const lines = [
    `    ${worked} the team worked on (a state, a justification, added by hand): written under \`threats:\`, their states as triage decisions`,
    `    ${carried} as the template generated them: written under \`threats:\` as ${plural(generatedWritten, 'threat')}, the instances of one threat type on one element merged`,
    `    ${ruled.length} as generated, left to threatmap's rules, which report the same threat there${ruled.length ? ' (all listed in the model\'s header):' : ''}`,
  ];
  for (const t of ruled.slice(0, THREAT_TITLES_SHOWN)) lines.push(`      ${t.title} (on ${t.on}) -> ${t.rules!.join(', ')}`);
  if (ruled.length > THREAT_TITLES_SHOWN) lines.push(`      ... and ${ruled.length - THREAT_TITLES_SHOWN} more (listed in the model's header)`);
  return lines;
}

function tcSummary(file: string, s: TcImportSummary, output: string | undefined): string {
  const ours = s.threatmap;
  const lines = [
    `threatmap import: read ${file} (${THREAT_COMPOSER_FORMAT}, schema ${s.schema}, "${s.system}")`,
    `  ${plural(s.threats, 'threat statement')} written under \`threats:\` on the whole system, ${plural(s.mitigations, 'mitigation')} as their mitigations, ${plural(s.assumptions, 'assumption')}`,
    ...(ours ? [`  a threatmap export: ${ours.written} of them written in the model it was exported from; ${plural(ours.rules, 'threat')} of threatmap's rules not written`] : []),
    '  no elements: Threat Composer has no system model; add the elements and flows, then move each threat to what it threatens (on:)',
  ];
  return finish(lines, s.notes, output);
}

function tdThreatsLine(threats: readonly TdThreatNote[]): string {
  const own = threats.filter((t) => t.own).length;
  const written = threats.length - own;
  return `  the file's ${plural(threats.length, 'threat')}: ${written} written under \`threats:\`, beside those threatmap analyze derives${own ? `; ${own} threatmap's own, exported earlier, only as their decisions` : ''}:`;
}

function tdSummary(file: string, s: TdImportSummary, output: string | undefined): string {
  const lines = [
    `threatmap import: read ${file} (OWASP Threat Dragon ${s.version}, "${s.system}"; ${plural(s.diagrams.length, 'diagram')}: ${s.diagrams.map((d) => `"${d}"`).join(', ')})`,
    `  imported ${plural(s.elements, 'element')}, ${plural(s.flows, 'flow')}, ${plural(s.boundaries, 'trust boundary', 'trust boundaries')}; ${plural(s.curves, 'boundary curve')} placed no element`,
  ];
  if (s.fromThreatmap) lines.push(exportLine(s.written));
  else {
    lines.push(tdThreatsLine(s.threats));
    for (const t of s.threats.slice(0, THREAT_TITLES_SHOWN)) lines.push(`    ${t.title} (${t.severity}, ${t.status}, on ${t.on})${t.own ? " (threatmap's own)" : ''}`);
    if (s.threats.length > THREAT_TITLES_SHOWN) lines.push(`    ... and ${s.threats.length - THREAT_TITLES_SHOWN} more (under \`threats:\` in the model)`);
  }
  return finish(lines, s.notes, output);
}

function summary(file: string, s: OtmImportSummary, output: string | undefined): string {
  const lines = [
    `threatmap import: read ${file} (Open Threat Model ${s.otmVersion}, project "${s.system}")`,
    `  imported ${plural(s.elements, 'element')}, ${plural(s.flows, 'flow')}, ${plural(s.boundaries, 'trust boundary', 'trust boundaries')}, ${plural(s.assets, 'asset')}`,
  ];
  if (s.fromThreatmap) lines.push(exportLine(s.written));
  else {
    lines.push(`  the file's ${plural(s.threats.length, 'threat')} written under \`threats:\` (${s.written} in the model), beside those threatmap analyze derives (threatmap's own, exported earlier, only as decisions):`);
    for (const t of s.threats.slice(0, THREAT_TITLES_SHOWN)) {
      lines.push(`    ${t.id}: ${t.name}${t.on.length ? ` (on ${t.on.join(', ')})` : ''}${t.derived ? " (threatmap's own)" : ''}${t.decisions?.length ? ` [${t.decisions.join(', ')}]` : ''}`);
    }
    if (s.threats.length > THREAT_TITLES_SHOWN) lines.push(`    ... and ${s.threats.length - THREAT_TITLES_SHOWN} more (under \`threats:\` in the model, threatmap's own as decisions in its triage file)`);
  }
  for (const c of s.controls) lines.push(`  control from an implemented mitigation: ${c}`);
  return finish(lines, s.notes, output);
}

/**
 * A file threatmap exported comes back as the model it was made from (what the other tool changed in it wins,
 * and the notes say where the file and the export disagree): one line instead of a list of its threats.
 */
const exportLine = (written: number): string =>
  `  a threatmap export: the model comes back as it was exported, with edits made in the other tool; ${plural(written, 'written threat')} under \`threats:\`, and the rules' threats only as their decisions, as analyze finds them again`;

/** The end of every summary: what to check, where the model went, and the next step. */
function finish(lines: string[], notes: readonly string[], output: string | undefined): string {
  for (const n of notes) lines.push(`  check: ${n}`);
  lines.push(output ? `  wrote ${output}; next: review it, then run: threatmap analyze ${output}`
    : '  next: save it (-o threatmap.yaml), review it, then run: threatmap analyze threatmap.yaml');
  return `${lines.join('\n')}\n`;
}
