// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one rule per threat rule with its help
// text, one result per open threat located at the line to change (the flow, for a threat about flows; else the
// element or endpoint it is about), and partialFingerprints from the threat's stable key so that alerts persist
// across commits (line moves and renumbering do not reopen them). Reads only the result and the rule metadata.
import { isWrittenRule, WRITTEN_RULE_PREFIX } from '../analysis/rules/written.js';
import type { Location, Log, ReportingDescriptor, Result, Run } from 'sarif';
import { exampleText } from '../analysis/rules/example.js';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import type { RuleMeta } from '../analysis/rules/types.js';
import { riskRank } from '../analysis/risk.js';
import type { AnalysisResult, Risk, Threat } from '../analysis/types.js';
import { STRIDE_NAMES } from '../analysis/types.js';
import type { Loc } from '../model/types.js';
import { isOpenThreat, statusOf, uidOf } from '../track/triage.js';
import { keyFingerprint } from '../track/uid.js';
import { gatherChunks, joinChunks, rowChunks } from './chunks.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Bumped only if the fingerprint's input changes: code scanning matches alerts across runs by it. */
export const FINGERPRINT_NAME = 'threatmapKey/v1';

export interface SarifOptions {
  /** The model's path relative to the repository root, as code scanning shows it; default the result's file. */
  uri?: string;
  toolVersion?: string;
  /** Rule metadata for help texts; default the built-in library. */
  rules?: readonly RuleMeta[];
  /** Also emit triaged-away threats, as results with a suppression (for audit trails). */
  includeClosed?: boolean;
  /**
   * The code scanning category of the run (`runAutomationDetails.id`). Absent, the log names none, so that the
   * upload's own category applies: codeql-action sets its `category:` input only on a run that states none.
   */
  category?: string;
}

/** Code scanning ranks alerts by this 0-10 score: Critical >= 9, High >= 7, Medium >= 4, Low below. */
const SECURITY_SEVERITY: Record<Risk, string> = { Critical: '9.5', High: '8.0', Medium: '5.5', Low: '2.0' };
const LEVEL: Record<Risk, Result.level> = { Critical: 'error', High: 'error', Medium: 'warning', Low: 'note' };

/**
 * Where the results of a model read from standard input are located: no file of the repository holds its lines,
 * and code scanning rejects a result without an artifact location, so a name that says where the lines came from
 * stands in (a file named `-` is given as `./-`, and its result's file is that).
 */
export const STDIN_URI = 'stdin';
/** The result's file of a model read from standard input (the command line's name for it). */
const STDIN_FILE = '<stdin>';

const fromStdin = (r: AnalysisResult, options: SarifOptions): boolean => r.file === STDIN_FILE && (options.uri === undefined || options.uri === '-');

/** The URI of the model in every location. */
const modelUri = (r: AnalysisResult, options: SarifOptions): string => (fromStdin(r, options) ? STDIN_URI : toUri(options.uri ?? r.file));

/** A relative URI reference: forward slashes, no leading `./`, each segment percent-encoded where needed. */
export function toUri(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').split('/').map((s) => encodeURIComponent(s)).join('/');
}

function cweUri(references: readonly string[]): string | undefined {
  const cwe = references.map((r) => /^CWE-(\d+)$/.exec(r)).find((m) => m);
  return cwe ? `https://cwe.mitre.org/data/definitions/${cwe[1]}.html` : undefined;
}

function ruleHelp(meta: RuleMeta | undefined, sample: Threat): { text: string; markdown: string } {
  const title = meta?.title ?? sample.title;
  const description = meta?.description ?? sample.description;
  const mitigation = meta?.mitigation ?? sample.mitigation;
  const references = meta?.references ?? sample.references;
  const text = [
    `${title} (STRIDE: ${sample.stride}, ${STRIDE_NAMES[sample.stride]})`,
    '',
    description,
    '',
    `Mitigation: ${mitigation}`,
    ...(meta ? ['', `Rating: ${meta.rating}`, ...(meta.origin === undefined ? [] : ['', `Defined in: ${meta.origin}`])] : []),
    // A custom rule may name no control: no empty line that says so.
    ...(meta?.mitigatedBy.length ? ['', `Mitigated by the controls: ${meta.mitigatedBy.join(', ')}`] : []),
    ...(references.length ? ['', `References: ${references.join(', ')}`] : []),
    '',
    whereDefined(sample.ruleId, '`'),
  ].join('\n');
  const example = meta ? exampleText(meta) : '';
  const fence = '`'.repeat(Math.max(3, ...[...example.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const markdown = [
    `**${title}** (STRIDE: ${sample.stride}, ${STRIDE_NAMES[sample.stride]})`,
    '',
    description,
    '',
    `**Mitigation:** ${mitigation}`,
    ...(meta ? [
      '',
      `**Rating:** ${meta.rating}`,
      '',
      ...(meta.mitigatedBy.length ? [`**Mitigated by the controls:** ${meta.mitigatedBy.map((c) => `\`${c}\``).join(', ')}`, ''] : []),
      // A custom rule has no example model: where it is defined stands in its place.
      ...(meta.origin === undefined ? ['**A model that triggers it:**', '', `${fence}yaml`, example, fence] : [`**Defined in:** \`${meta.origin}\``]),
    ] : []),
    ...(references.length ? ['', `**References:** ${references.join(', ')}`] : []),
    '',
    whereDefined(sample.ruleId, '`'),
  ].join('\n');
  return { text, markdown };
}

/** Where to read the rule in full: `threatmap rules show`, or the model for a threat written in it. */
const whereDefined = (ruleId: string, code: string): string => (isWrittenRule(ruleId)
  ? `Written in the model under ${code}threats.${ruleId.slice(WRITTEN_RULE_PREFIX.length)}${code}.`
  : `Run ${code}threatmap rules show ${ruleId}${code} for the rule in full.`);

interface Locations {
  endpoints: Map<string, Loc>;
  flows: Map<string, Loc>;
  boundaries: Map<string, Loc>;
  elements: Map<string, Loc>;
}

/**
 * Positions by id, built once per result: looking each threat's component up by scanning the model made
 * SARIF quadratic (seconds at 10,000 elements, hours at 100,000). The first element, flow or boundary with
 * an id wins, and for endpoints the last element holding one, as the scans did.
 */
const locationCache = new WeakMap<AnalysisResult, Locations>();
function locationsOf(r: AnalysisResult): Locations {
  let where = locationCache.get(r);
  if (where) return where;
  where = { endpoints: new Map(), flows: new Map(), boundaries: new Map(), elements: new Map() };
  const first = <T extends { id: string; loc: Loc }>(m: Map<string, Loc>, items: readonly T[]) => {
    for (const x of items) if (!m.has(x.id)) m.set(x.id, x.loc);
  };
  for (const e of r.elements) {
    const seen = new Set<string>();
    for (const ep of e.endpoints) {
      if (seen.has(ep.id)) continue;
      seen.add(ep.id);
      where.endpoints.set(ep.id, ep.loc);
    }
  }
  first(where.flows, r.flows);
  first(where.boundaries, r.boundaries);
  first(where.elements, r.elements);
  locationCache.set(r, where);
  return where;
}

/** The model position a threat is about: its endpoint, element, flow or boundary, else its first evidence. */
export function threatLocation(r: AnalysisResult, t: Threat): Loc {
  const valid = (loc: Loc | undefined) => (loc && loc.line > 0 ? loc : undefined);
  const where = locationsOf(r);
  let loc: Loc | undefined;
  if (t.endpoint && where.endpoints.has(t.endpoint)) loc = valid(where.endpoints.get(t.endpoint));
  if (!loc && t.componentKind === 'flow') loc = valid(where.flows.get(t.component));
  if (!loc && t.componentKind === 'boundary') loc = valid(where.boundaries.get(t.component));
  if (!loc) loc = valid(where.elements.get(t.component));
  if (!loc) {
    const ev = t.evidence.find((e) => e.line > 0);
    if (ev) loc = { line: ev.line, col: Math.max(1, ev.col) };
  }
  return loc ?? { line: 1, col: 1 };
}

/** Where a result points, and the line of what it is reported on when that is not where it points. */
export interface Placement {
  loc: Loc;
  /** The element or boundary the threat is reported on, when the result points at its flow instead. */
  component?: { loc: Loc; text: string };
}

/** Whether a fact is about an element (`elements.api`, `elements["a.b"].auth`): a control it lacks, its settings. */
const onElement = (path: string): boolean => /^elements[.[]/.test(path);

const COMPONENT_WORD: Partial<Record<Threat['componentKind'], string>> = { boundary: 'trust boundary', element: 'element' };

/**
 * The line to change. A threat about flows (all its facts are the flows': cleartext, mutual TLS, shared credentials)
 * points at its first flow, as does one on a trust boundary, whose own line holds nothing to change; the component's
 * line is then a related location. A threat with a fact about its element (a control it lacks) points at the element;
 * one about an endpoint or a flow, at it.
 */
export function changeLocation(r: AnalysisResult, t: Threat): Placement {
  const own = threatLocation(r, t);
  if (t.endpoint || t.flows.length === 0 || (t.componentKind !== 'boundary' && t.componentKind !== 'element')) return { loc: own };
  if (t.componentKind === 'element' && t.evidence.some((e) => onElement(e.path))) return { loc: own };
  const first = locationsOf(r).flows.get(t.flows[0]);
  if (!first || !(first.line > 0)) return { loc: own };
  return { loc: first, component: { loc: own, text: `${t.componentName}: the ${COMPONENT_WORD[t.componentKind]} the threat is reported on` } };
}

function physical(uri: string, loc: Loc): Location['physicalLocation'] {
  return { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: { startLine: loc.line, startColumn: Math.max(1, loc.col) } };
}

interface RuleSummary {
  sample: Threat;
  worst: Risk;
}

const ruleMetas = (options: SarifOptions): Map<string, RuleMeta> => new Map((options.rules ?? BUILTIN_RULES).map((m) => [m.id, ruleLevel(m)]));

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The placeholders a custom rule's texts may hold (custom.ts fills them per threat). */
const PLACEHOLDER = /\{(name|element|endpoint|source|target)\}/g;

/** What a custom rule's `{name}` stands for, said of no threat in particular. */
const SUBJECT_WORDS: Record<string, string> = { element: 'the element', endpoint: 'the endpoint', flow: 'the flow', model: 'the component' };

/**
 * A rule's texts as the rule, not one of its threats, reads them: a custom rule's placeholders (`{name}`) are
 * filled per threat, so at the rule level they become the words for what the rule is about ("the element"),
 * never a raw `{name}` or the first threat's component. Built-in texts hold none.
 */
function ruleLevel(meta: RuleMeta): RuleMeta {
  if (meta.origin === undefined) return meta;
  const subject = 'appliesTo' in meta && typeof meta.appliesTo === 'string' ? SUBJECT_WORDS[meta.appliesTo] : undefined;
  const words: Record<string, string> = {
    name: subject ?? 'the component', element: 'the element', endpoint: 'the endpoint', source: 'the flow\'s source', target: 'the flow\'s target',
  };
  // A placeholder that starts a sentence starts it with a capital.
  const general = (text: string) => text.replace(PLACEHOLDER, (_m, key: string, at: number) => (/^$|[.!?]\s+$/.test(text.slice(0, at)) ? capitalized(words[key]) : words[key]));
  return { ...meta, title: general(meta.title), description: general(meta.description), mitigation: general(meta.mitigation) };
}

/** One rule per rule id that has results, sorted, with the worst risk of its results as its severity. */
function sarifRules(reported: readonly Threat[], metas: ReadonlyMap<string, RuleMeta>): { rules: ReportingDescriptor[]; ruleIndex: Map<string, number> } {
  // One pass over the threats (filtering them once per rule made this rules x threats).
  const byRule = new Map<string, RuleSummary>();
  for (const t of reported) {
    const s = byRule.get(t.ruleId);
    if (!s) byRule.set(t.ruleId, { sample: t, worst: riskRank(t.risk) > riskRank('Low') ? t.risk : 'Low' });
    else if (riskRank(t.risk) > riskRank(s.worst)) s.worst = t.risk;
  }
  const ruleIds = [...byRule.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    const { sample, worst } = byRule.get(id)!;
    const meta = metas.get(id);
    const helpUri = cweUri(meta?.references ?? sample.references);
    return {
      id,
      name: (meta?.title ?? sample.title).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
      shortDescription: { text: meta?.title ?? sample.title },
      fullDescription: { text: meta?.description ?? sample.description },
      help: ruleHelp(meta, sample),
      ...(helpUri ? { helpUri } : {}),
      defaultConfiguration: { level: LEVEL[worst] },
      properties: {
        tags: ['security', 'threat-model', `stride/${sample.stride}`, STRIDE_NAMES[sample.stride]],
        precision: 'medium',
        'security-severity': SECURITY_SEVERITY[worst],
      },
    };
  });
  return { rules, ruleIndex };
}

// The title first and no report number: `T2` names another threat as soon as one is added above it, and code scanning
// would show every alert's message as changed.
const messageOf = (t: Threat, uid: string): string =>
  `${t.title} (${uid}, ${t.risk}). ${t.description} Likelihood ${t.likelihood.level}: ${t.likelihood.reason}. ` +
  `Impact ${t.impact.level}: ${t.impact.reason}. Mitigation: ${t.mitigation}${stepsText(t.mitigationSteps)}`;

/**
 * The threat's concrete steps, numbered, after its mitigation. In the message text, which code scanning shows on
 * the alert and every SARIF viewer reads: the rule's help is one text for all its results, and these steps depend
 * on each threat's technologies. Not `fixes`: those are edits of the model's file, which settings of another
 * system are not.
 */
function stepsText(steps: readonly string[] | undefined): string {
  if (steps === undefined || steps.length === 0) return '';
  let out = ' Steps:';
  for (let i = 0; i < steps.length; i++) out += ` (${i + 1}) ${steps[i]}`;
  return out;
}

const justificationOf = (t: Threat, status: string): string => (t.triage?.reason ? `${status}: ${t.triage.reason}` : status);

/** The related locations: the evidence with a model line, then the component when the result points elsewhere. */
function relatedOf(t: Threat, place: Placement): Array<{ loc: Loc; text: string }> {
  const out = t.evidence.filter((e) => e.line > 0).map((e) => ({ loc: { line: e.line, col: e.col }, text: e.fact }));
  if (place.component) out.push(place.component);
  return out;
}

function resultObject(r: AnalysisResult, t: Threat, uri: string, ruleIndex: Map<string, number>): Result {
  const place = changeLocation(r, t);
  const loc = place.loc;
  const uid = uidOf(t);
  const status = statusOf(t);
  const related = relatedOf(t, place).map((x, i) => ({ id: i + 1, physicalLocation: physical(uri, x.loc), message: { text: x.text } }));
  const result: Result = {
    ruleId: t.ruleId,
    ruleIndex: ruleIndex.get(t.ruleId)!,
    level: LEVEL[t.risk],
    message: { text: messageOf(t, uid) },
    locations: [{
      physicalLocation: physical(uri, loc),
      logicalLocations: [{ name: t.componentName, fullyQualifiedName: t.endpoint ?? t.component, kind: t.endpoint ? 'endpoint' : t.componentKind }],
    }],
    ...(related.length ? { relatedLocations: related } : {}),
    partialFingerprints: { [FINGERPRINT_NAME]: keyFingerprint(t.key) },
    properties: {
      id: t.id,
      stableId: uid,
      key: t.key,
      stride: t.stride,
      category: t.category,
      risk: t.risk,
      likelihood: t.likelihood.level,
      impact: t.impact.level,
      status,
      ...(t.flows.length ? { flows: t.flows } : {}),
    },
  };
  if (!isOpenThreat(t)) result.suppressions = [{ kind: 'external', status: 'accepted', justification: justificationOf(t, status) }];
  return result;
}

/** The log around its results: everything but the results, which the caller supplies. */
function sarifLog(r: AnalysisResult, options: SarifOptions, rules: ReportingDescriptor[], results: Result[]): Log {
  const run: Run = {
    tool: {
      driver: {
        name: 'threatmap',
        ...(options.toolVersion ? { version: options.toolVersion, semanticVersion: options.toolVersion } : {}),
        rules,
      },
    },
    // Only when asked: a category derived from the model's path overrode the workflow's and changed with a rename,
    // leaving the old category's alerts open for ever.
    ...(options.category !== undefined ? { automationDetails: { id: automationId(options.category) } } : {}),
    columnKind: 'utf16CodeUnits',
    results,
    properties: {
      system: r.system.name,
      ...(fromStdin(r, options) ? {
        modelSource: 'standard input',
        modelSourceNote: `the model was read from standard input: the locations give its lines under the URI \`${STDIN_URI}\`, which names no file of the repository; export from the model's file for alerts on its lines`,
      } : {}),
      threats: r.summary.threats,
      ...(r.triage ? { open: r.triage.open, closed: r.triage.closed, staleTriageEntries: r.triage.stale.length } : {}),
    },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/** A category as `runAutomationDetails.id`: the part before the last `/` is the category, so it ends with one (no run id). */
const automationId = (category: string): string => (category.endsWith('/') ? category : `${category}/`);

const reportedThreats = (r: AnalysisResult, options: SarifOptions): Threat[] =>
  options.includeClosed ? r.threats : r.threats.filter(isOpenThreat);

export function buildSarif(r: AnalysisResult, options: SarifOptions = {}): Log {
  const uri = modelUri(r, options);
  const reported = reportedThreats(r, options);
  const { rules, ruleIndex } = sarifRules(reported, ruleMetas(options));
  return sarifLog(r, options, rules, reported.map((t) => resultObject(r, t, uri, ruleIndex)));
}

// The text form writes each result directly as the JSON that `JSON.stringify(buildSarif(...), null, 2)`
// gives for it (a result sits at depth 4: 8 spaces), instead of building some twenty objects per threat and
// serialising them: at 250,000 threats that is most of the time and memory. A test holds the two equal.
const str = JSON.stringify as (s: string) => string;
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const NL = Array.from({ length: 11 }, (_, i) => `\n${' '.repeat(2 * i)}`);

/** `physical(uri, loc)` as JSON, the object opening at depth `d`. */
function physicalJson(uriJson: string, line: number, col: number, d: number): string {
  return `{${NL[d + 1]}"artifactLocation": {${NL[d + 2]}"uri": ${uriJson},${NL[d + 2]}"uriBaseId": "%SRCROOT%"${NL[d + 1]}},` +
    `${NL[d + 1]}"region": {${NL[d + 2]}"startLine": ${num(line)},${NL[d + 2]}"startColumn": ${num(Math.max(1, col))}${NL[d + 1]}}${NL[d]}}`;
}

/**
 * A result's JSON in three parts, each a function of its own: one function holding all of it was a
 * TurboFan compile of 35-105 ms, made up to three times as its property loads met new shapes.
 */
function resultJson(r: AnalysisResult, t: Threat, uriJson: string, ruleIndex: Map<string, number>): string {
  const uid = uidOf(t);
  const place = changeLocation(r, t);
  const head = resultLocations(t, place.loc, messageOf(t, uid), uriJson, ruleIndex);
  return `${head}${relatedJson(t, place, uriJson)}${resultProperties(t, uid)}${NL[4]}}`;
}

/**
 * The result up to its locations: rule, level, message, physical and logical location. Each property is
 * read whatever the branch, so that the first threats give feedback for all (a load first met later deoptimised).
 */
function resultLocations(t: Threat, loc: Loc, message: string, uriJson: string, ruleIndex: Map<string, number>): string {
  const endpoint = t.endpoint;
  const component = t.component;
  const kind = t.componentKind;
  const d5 = NL[5];
  const d6 = NL[6];
  const d7 = NL[7];
  const d8 = NL[8];
  const d9 = NL[9];
  // The level by a switch: a keyed load (LEVEL[risk]) meets a new key at each risk and deoptimised.
  return `{${d5}"ruleId": ${str(t.ruleId)},${d5}"ruleIndex": ${num(ruleIndex.get(t.ruleId)!)},${d5}"level": "${levelOf(t.risk)}",` +
    `${d5}"message": {${d6}"text": ${str(message)}${d5}},` +
    `${d5}"locations": [${d6}{${d7}"physicalLocation": ${physicalJson(uriJson, loc.line, loc.col, 7)},` +
    `${d7}"logicalLocations": [${d8}{${d9}"name": ${str(t.componentName)},${d9}"fullyQualifiedName": ${str(endpoint ?? component)},` +
    `${d9}"kind": ${str(endpoint ? 'endpoint' : kind)}${d8}}${d7}]${d6}}${d5}],`;
}

function levelOf(risk: Risk): Result.level {
  switch (risk) {
    case 'Critical':
    case 'High':
      return 'error';
    case 'Medium':
      return 'warning';
    default:
      return 'note';
  }
}

/** The evidence with a model line, then the component the result does not point at, as related locations (empty when none). */
function relatedJson(t: Threat, place: Placement, uriJson: string): string {
  const d6 = NL[6];
  const d7 = NL[7];
  let related = '';
  let n = 0;
  const add = (line: number, col: number, text: string) => {
    n++;
    related += `${n === 1 ? '' : ','}${d6}{${d7}"id": ${n},${d7}"physicalLocation": ${physicalJson(uriJson, line, col, 7)},` +
      `${d7}"message": {${NL[8]}"text": ${str(text)}${d7}}${d6}}`;
  };
  for (const e of t.evidence) if (e.line > 0) add(e.line, e.col, e.fact);
  if (place.component) add(place.component.loc.line, place.component.loc.col, place.component.text);
  return n > 0 ? `${NL[5]}"relatedLocations": [${related}${NL[5]}],` : '';
}

/** The result from its fingerprint on: properties, flows and, for a closed threat, its suppression. */
function resultProperties(t: Threat, uid: string): string {
  const status = statusOf(t);
  const d5 = NL[5];
  const d6 = NL[6];
  const d7 = NL[7];
  let out = `${d5}"partialFingerprints": {${d6}${str(FINGERPRINT_NAME)}: ${str(keyFingerprint(t.key))}${d5}},` +
    `${d5}"properties": {${d6}"id": ${str(t.id)},${d6}"stableId": ${str(uid)},${d6}"key": ${str(t.key)},${d6}"stride": ${str(t.stride)},` +
    `${d6}"category": ${str(t.category)},${d6}"risk": ${str(t.risk)},${d6}"likelihood": ${str(t.likelihood.level)},` +
    `${d6}"impact": ${str(t.impact.level)},${d6}"status": ${str(status)}`;
  if (t.flows.length) {
    out += `,${d6}"flows": [`;
    for (let i = 0; i < t.flows.length; i++) out += `${i === 0 ? '' : ','}${d7}${str(t.flows[i])}`;
    out += `${d6}]`;
  }
  out += `${d5}}`;
  if (!isOpenThreat(t)) {
    out += `,${d5}"suppressions": [${d6}{${d7}"kind": "external",${d7}"status": "accepted",${d7}"justification": ${str(justificationOf(t, status))}${d6}}${d5}]`;
  }
  return out;
}

const RESULTS_HOLE = '\u0000results';

function* sarifPieces(r: AnalysisResult, options: SarifOptions): Generator<string> {
  const uri = modelUri(r, options);
  const reported = reportedThreats(r, options);
  const { rules, ruleIndex } = sarifRules(reported, ruleMetas(options));
  // The log with a marker string where the results go, split around it.
  const frame = JSON.stringify(sarifLog(r, options, rules, RESULTS_HOLE as unknown as Result[]), null, 2);
  const hole = frame.indexOf(str(RESULTS_HOLE));
  yield frame.slice(0, hole);
  if (reported.length === 0) yield '[]';
  else {
    const uriJson = str(uri);
    yield* rowChunks(reported, (t, i) => `${i === 0 ? '[' : ','}${NL[4]}${resultJson(r, t, uriJson, ruleIndex)}`);
    yield `${NL[3]}]`;
  }
  yield `${frame.slice(hole + str(RESULTS_HOLE).length)}\n`;
}

/** renderSarif's text in pieces (of about CHUNK_CHARS): at 250,000 threats the log is more than one string may hold. */
export const renderSarifChunks = (r: AnalysisResult, options: SarifOptions = {}): Iterable<string> => gatherChunks(sarifPieces(r, options));

/** `JSON.stringify(buildSarif(r, options), null, 2)` and a line break. */
export const renderSarif = (r: AnalysisResult, options: SarifOptions = {}): string => joinChunks(renderSarifChunks(r, options));
