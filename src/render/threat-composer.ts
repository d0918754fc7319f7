// AWS Threat Composer (awslabs/threat-composer): the analysis result as a workspace export (`.tc.json`), so
// that a team which keeps its threat statements, mitigations and assumptions in Threat Composer gets
// threatmap's threats there to discuss and track, and brings the decisions made there back with
// `threatmap import FILE --into MODEL`. Pure (no Node APIs): reads only the result and the model's sections
// the result does not hold, never re-analyses.
//
// Mapping, threatmap -> Threat Composer (data exchange format, schema 1):
//   system, summary          -> applicationInfo (name; description, then counts and the highest risks, Markdown)
//   elements by boundary     -> architecture.description (Markdown; no image)
//   flows crossing a boundary -> dataflow.description (Markdown; no image)
//   threat                   -> a threat statement in Threat Composer's grammar: threatSource (who, from the
//                               exposure of what it is on), prerequisites (the reach and the facts behind it),
//                               threatAction (a STRIDE verb and the title), threatImpact (the impact's reason),
//                               impactedGoal (what its STRIDE category violates), impactedAssets (the data
//                               assets at stake), and `statement` composed from them as Threat Composer
//                               composes it; STRIDE, Priority and Comments metadata; tags; status from triage
//   punch-list action        -> a mitigation, linked to every threat it fixes (mitigationLinks); its content
//                               the action and its concrete steps (mitigationContent); its status from the
//                               triage of those threats (mitigationStatus)
//   assumption               -> an assumption, linked to the reported threats it concerns (assumptionLinks)
//
// Limits. Threat Composer validates an import with zod (packages/threat-composer-core/src/schemas and
// constants.ts): ids at most 36 characters, tags 1 to 30, metadata keys 50, each statement field, impacted
// goal and asset and the application name 200, the statement 1,400, comments, mitigations and assumptions
// 1,000, descriptions 100,000; statuses and Priority from fixed lists; metadata keys only Comments, STRIDE,
// Priority and `custom:...`; no keys of our own elsewhere (every object is strict). A file that breaks one
// is refused whole, so every text is shortened to its limit here, at a word where one is near.
//
// What comes back. Each statement carries threatmap's own data as custom metadata, which Threat Composer
// keeps and shows (`custom:threatmap:id`, `:key`, `:status`, `:title`): the stable id and key the triage file
// keys decisions by, and the status the threat had when exported, so that the import can tell a status
// changed in Threat Composer from one changed in the triage file since (a three-way merge). The Comments end
// with a line under which a person writes; what is written there comes back as the reason of a decision.
// Each also carries what decisions are made for (scope.ts): the threat's risk and flows as exported, which a
// decision made in Threat Composer records, and the exported decision's own `risk:`/`covers:`, kept as written.
// Each mitigation carries the status it was exported with (`custom:threatmap:status`, Threat Composer's
// word), so that a mitigation marked done there comes back as a decision on the threats it is linked to.
//
// Ids. Threat Composer's ids are UUIDs; ours are derived from stable keys (the threat key, the action, the
// assumption) by four FNV-1a passes, shaped as version-4 UUIDs, so that two exports of one model are byte
// for byte the same and a threat keeps its id across exports. Numbers (`numericId`) follow report order.
import type { AnalysisResult, Recommendation, Risk, Stride, Threat } from '../analysis/types.js';
import { namesList, recommendationSteps, type StepSets } from '../analysis/recommendations.js';
import type { Assumption, Model } from '../model/types.js';
import { countsPhrase, residualOf, statusOf, uidOf } from '../track/triage.js';
import type { TriageStatus } from '../track/types.js';
import { fnv1a32 } from '../track/uid.js';
import { joinChunks, jsonObjectChunks } from './chunks.js';
import { decisionScope } from './threat-dragon.js';

/** The data exchange schema version written: the one Threat Composer's schema accepts (`schema: z.number().max(1)`). */
export const TC_SCHEMA_VERSION = 1;

/** Threat Composer's limits (packages/threat-composer-core/src/constants.ts, schemas/*.ts). */
export const TC_LIMITS = {
  /** EntityBaseSchema.id, and the ids of links (exactly 36). */
  id: 36,
  /** SINGLE_FIELD_INPUT_TAG_MAX_LENGTH: each tag (and at least one character). */
  tag: 30,
  /** SINGLE_FIELD_INPUT_SMALL_MAX_LENGTH: a metadata key. */
  metadataKey: 50,
  /** SINGLE_FIELD_INPUT_MAX_LENGTH: each statement field, impacted goal and asset; the application name. */
  field: 200,
  /** The composed statement: SINGLE_FIELD_INPUT_MAX_LENGTH * 7. */
  statement: 1400,
  /** FREE_TEXT_INPUT_SMALL_MAX_LENGTH: Comments, a mitigation's or an assumption's content. */
  content: 1000,
  /** FREE_TEXT_INPUT_MAX_LENGTH: the application, architecture and data flow descriptions. */
  description: 100000,
} as const;

export const TC_THREAT_STATUSES = ['threatIdentified', 'threatResolved', 'threatResolvedNotUseful'] as const;
export type TcThreatStatus = (typeof TC_THREAT_STATUSES)[number];
export const TC_MITIGATION_STATUSES = ['mitigationIdentified', 'mitigationInProgress', 'mitigationResolved', 'mitigationResolvedWillNotAction'] as const;
export type TcMitigationStatus = (typeof TC_MITIGATION_STATUSES)[number];
/** LEVEL_SELECTOR_OPTIONS: the values of Priority. */
export const TC_PRIORITIES = ['High', 'Medium', 'Low'] as const;
export type TcPriority = (typeof TC_PRIORITIES)[number];

/**
 * Triage status -> Threat Composer's three. Open and being mitigated: Identified (a mitigation in progress
 * says the rest). Mitigated, accepted and transferred: Resolved, which Threat Composer defines as "all agreed
 * risk response actions (mitigation, transfer, avoidance, risk acceptance) have been completed". A false
 * positive: Not Useful ("invalid / not applicable to our system"). The exact status is in the metadata.
 */
export const TC_STATUS: Readonly<Record<TriageStatus, TcThreatStatus>> = {
  open: 'threatIdentified',
  mitigating: 'threatIdentified',
  mitigated: 'threatResolved',
  accepted: 'threatResolved',
  transferred: 'threatResolved',
  'false-positive': 'threatResolvedNotUseful',
};

/** Threat Composer has three priorities: a Critical risk is its High. */
export const TC_PRIORITY: Readonly<Record<Risk, TcPriority>> = { Critical: 'High', High: 'High', Medium: 'Medium', Low: 'Low' };

/** Our custom metadata keys (Threat Composer keeps keys starting `custom:` and shows them as custom metadata). */
export const TC_META = {
  id: 'custom:threatmap:id',
  key: 'custom:threatmap:key',
  status: 'custom:threatmap:status',
  title: 'custom:threatmap:title',
  /** The status the triage file writes, when it is not the one in force (a lapsed or drifted decision). */
  declared: 'custom:threatmap:declared',
  /** The threat's risk and flows as exported: what a decision made in Threat Composer was made for. */
  risk: 'custom:threatmap:risk',
  flows: 'custom:threatmap:flows',
  /** What the exported decision was made for, as its entry records it (`risk:`, `covers:`): absent when it records none. */
  decisionRisk: 'custom:threatmap:decision-risk',
  decisionCovers: 'custom:threatmap:decision-covers',
} as const;

/** The last line of our Comments: what a person writes under it comes back as the reason of a decision. */
export const commentsTrailer = (uid: string): string => `--- threatmap ${uid}: write your comments below this line ---`;
/** Finds our trailer line in a statement's Comments (any uid: the line may have been copied). */
export const COMMENTS_TRAILER = /^--- threatmap TM-[0-9a-f]{8}: write your comments below this line ---$/m;

/**
 * What each STRIDE category violates (Threat Composer's own STRIDE table, data/stride.ts), as the statement's
 * impacted goal: "resulting in reduced integrity of Orders".
 */
export const TC_GOAL: Readonly<Record<Stride, string>> = {
  S: 'authenticity', T: 'integrity', R: 'non-repudiation', I: 'confidentiality', D: 'availability', E: 'authorization',
};

/** The statement's action for each category; the threat's title follows it, in brackets. */
const ACTION: Readonly<Record<Stride, string>> = {
  S: 'impersonate a trusted user or service',
  T: 'tamper with data or requests',
  R: 'act without leaving a trace',
  I: 'read data not meant for them',
  D: 'disrupt the service',
  E: 'gain privileges they should not have',
};

// --- Shapes written -------------------------------------------------------------------------------------

export interface TcMetadata { key: string; value: string | string[] }

export interface TcThreat {
  id: string;
  numericId: number;
  displayOrder: number;
  threatSource: string;
  prerequisites: string;
  threatAction: string;
  threatImpact: string;
  impactedGoal: string[];
  impactedAssets: string[];
  statement: string;
  status: TcThreatStatus;
  metadata: TcMetadata[];
  tags: string[];
}

export interface TcMitigation {
  id: string;
  numericId: number;
  displayOrder: number;
  content: string;
  status: TcMitigationStatus;
  metadata: TcMetadata[];
  tags: string[];
}

export interface TcAssumption {
  id: string;
  numericId: number;
  displayOrder: number;
  content: string;
  metadata: TcMetadata[];
}

export interface TcWorkspace {
  schema: number;
  applicationInfo: { name: string; description: string };
  architecture: { description: string };
  dataflow: { description: string };
  assumptions: TcAssumption[];
  mitigations: TcMitigation[];
  assumptionLinks: Array<{ type: 'Threat'; assumptionId: string; linkedId: string }>;
  mitigationLinks: Array<{ mitigationId: string; linkedId: string }>;
  threats: TcThreat[];
}

export interface ThreatComposerOptions {
  /** The model's sections the result does not hold: its assumptions become Threat Composer's. */
  model?: Pick<Model, 'assumptions' | 'rules' | 'threats'>;
}

// --- Text -----------------------------------------------------------------------------------------------

/** One line: line breaks and runs of spaces as one space (a statement field is one line in Threat Composer). */
const flat = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * The text within `max` characters: whole when it fits, else cut at the last space in its last fifth (a
 * word kept whole where one is near) and ended with `…`. Never longer than `max`.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 1;
  const space = text.lastIndexOf(' ', room);
  const cut = space >= room * 0.8 ? space : room;
  return `${text.slice(0, cut).trimEnd()}…`;
}

/** Lower-cases the first letter, as the grammar's fields start, unless the word is an acronym (`API`, `TLS`). */
const lowerFirst = (text: string): string => (/^[A-Z][a-z]/.test(text) || /^[A-Z]$/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text);

/** Text as literal Markdown: the characters that would format are escaped. */
const md = (text: string): string => escapeMd(flat(text));
const escapeMd = (text: string): string => text.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`);
/** A paragraph as literal Markdown, its own line breaks kept. */
const mdBlock = (text: string): string => text.trim().split(/\r\n?|\n/).map((l) => escapeMd(l.trimEnd())).join('\n');

// --- The statement, as Threat Composer composes it --------------------------------------------------------
// renderThreatStatement (packages/threat-composer-core/src/utils): the template of the filled fields, each
// field's text with a/an corrected, the leading `A` made the article of the threat source; parts joined by
// spaces, runs of spaces made one, ` ,` made `,`. The article is the `indefinite` package's.

/** The fields of the grammar, by Threat Composer's field ids (a bit each). */
export interface StatementFields {
  threatSource?: string;
  prerequisites?: string;
  threatAction?: string;
  threatImpact?: string;
  impactedGoal?: readonly string[];
  impactedAssets?: readonly string[];
}

const FIELD_BITS: ReadonlyArray<[keyof StatementFields, number, string]> = [
  ['threatSource', 1, 'threat source'], ['prerequisites', 2, 'prerequisites'], ['threatAction', 4, 'threat action'],
  ['threatImpact', 8, 'threat impact'], ['impactedGoal', 16, 'impacted goal'], ['impactedAssets', 32, 'impacted assets'],
];
const TOKENS: Readonly<Record<string, keyof StatementFields>> = {
  threat_source: 'threatSource', prerequisites: 'prerequisites', threat_action: 'threatAction',
  threat_impact: 'threatImpact', impacted_goal: 'impactedGoal', impacted_assets: 'impactedAssets',
};
/** data/threatStatementFormat.ts: the template of each combination of filled fields (source, prerequisites, action always). */
const TEMPLATES: Readonly<Record<number, string>> = {
  7: 'A [threat_source] [prerequisites] can [threat_action]',
  15: 'A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact]',
  23: 'A [threat_source] [prerequisites] can [threat_action], resulting in reduced [impacted_goal]',
  31: 'A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact], resulting in reduced [impacted_goal]',
  39: 'A [threat_source] [prerequisites] can [threat_action], negatively impacting [impacted_assets]',
  47: 'A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact], negatively impacting [impacted_assets]',
  55: 'A [threat_source] [prerequisites] can [threat_action], resulting in reduced [impacted_goal] of [impacted_assets]',
  63: 'A [threat_source] [prerequisites] can [threat_action], which leads to [threat_impact], resulting in reduced [impacted_goal] of [impacted_assets]',
};
const PLACEHOLDER = '<placeholder>';

const filled = (v: string | readonly string[] | undefined): boolean => (typeof v === 'string' ? v !== '' : v !== undefined && v.length > 0);

/** renderArrayField: `a`, `a and b`, `a, b and c` (`and/or` for the impacted goal). */
const arrayField = (items: readonly string[], or: boolean): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')}${or ? ' and/or ' : ' and '}${items[items.length - 1]}`;

function fieldText(token: string, s: StatementFields): string {
  const key = Object.hasOwn(TOKENS, token) ? TOKENS[token] : undefined;
  const v = key === undefined ? undefined : s[key];
  if (typeof v === 'string' && v) return v;
  if (Array.isArray(v) && v.length) return arrayField(v as readonly string[], token === 'impacted_goal');
  return FIELD_BITS.find(([k]) => k === key)?.[2] ?? '';
}

/** The statement Threat Composer composes from the fields (its renderThreatStatement's `statement`). */
export function composeStatement(s: StatementFields): string {
  const present = FIELD_BITS.filter(([k]) => filled(s[k]));
  if (present.length === 0) return '';
  if (present.length === 1) {
    const [key, bit] = present[0];
    const token = Object.keys(TOKENS).find((t) => TOKENS[t] === key)!;
    return `${bit === 1 ? '' : '...'}${fieldText(token, s)}${bit === 32 ? '' : '...'}`;
  }
  const full: StatementFields = {
    ...s, threatSource: s.threatSource || 'threat source', prerequisites: s.prerequisites || PLACEHOLDER, threatAction: s.threatAction || 'perform a threat action',
  };
  const combination = FIELD_BITS.reduce((n, [k, bit]) => n + (filled(full[k]) ? bit : 0), 0);
  let template = TEMPLATES[combination] ?? '';
  const parts: string[] = [];
  for (;;) {
    const start = template.indexOf('[');
    const end = template.indexOf(']');
    if (start < 0 || end < 0) break;
    let before = template.slice(0, start);
    const token = template.slice(start + 1, end);
    const content = correctArticles(fieldText(token, full));
    if (before === 'A ') before = before.replace('A', indefiniteArticle(content, true));
    parts.push(correctArticles(before), token === 'prerequisites' && content === PLACEHOLDER ? '' : content);
    template = template.slice(end + 1);
  }
  return parts.join(' ').replace(/\s\s+/g, ' ').replace(/ ,/g, ',');
}

/** correctIndefiniteArticle: every `a`/`an` before a word made the article that word takes. */
const correctArticles = (text: string): string =>
  text.replace(/\b(a|an) ([\s("'“‘-]?\w*)\b/gim, (_m, article: string, following: string) =>
    `${indefiniteArticle(following.replace(/^[\s("'“‘-]+|\s+$/g, ''), article.startsWith('A'))} ${following}`);

/** The `indefinite` package's irregular words: consonants said as vowels (hour) and vowels said as consonants (user). */
const IRREGULAR = new Set([
  'eunuch', 'eucalyptus', 'eugenics', 'eulogy', 'euphemism', 'euphony', 'euphoria', 'eureka', 'euro', 'european', 'euphemistic', 'euphonic',
  'euphoric', 'euphemistically', 'euphonically', 'euphorically', 'heir', 'heiress', 'herb', 'homage', 'honesty', 'honor', 'honour', 'hour',
  'honest', 'honorous', 'honestly', 'hourly', 'one', 'ouija', 'once', 'ubiquity', 'udometer', 'ufo', 'uke', 'ukelele', 'ululate', 'unicorn',
  'unicycle', 'uniform', 'unify', 'union', 'unison', 'unit', 'unity', 'universe', 'university', 'upas', 'ural', 'uranium', 'urea', 'ureter',
  'urethra', 'urine', 'urologist', 'urology', 'urus', 'usage', 'use', 'user', 'usual', 'usurp', 'usury', 'utensil', 'uterus', 'utility', 'utopia',
  'utricle', 'uvarovite', 'uvea', 'uvula', 'ubiquitous', 'ugandan', 'ukrainian', 'unanimous', 'unicameral', 'unified', 'unique', 'unisex',
  'universal', 'urinal', 'urological', 'useful', 'useless', 'usurious', 'usurped', 'utilitarian', 'utopic', 'ubiquitously', 'unanimously',
  'unicamerally', 'uniquely', 'universally', 'urologically', 'usefully', 'uselessly', 'usuriously', 'yttria', 'yggdrasil', 'ylem', 'yperite',
  'ytterbia', 'ytterbium', 'yttrium', 'ytterbous', 'ytterbic', 'yttric',
]);

/** `indefinite(word, { articleOnly: true })`: its acronym, number and word rules. */
export function indefiniteArticle(word: string, capitalize: boolean): string {
  const vowel = /^[aeiouAEIOU]/.test(word);
  let an: boolean;
  const number = /^([0-9,]+)/.exec(word)?.[1].replace(/,/g, '');
  if (/^[A-Z]+$/.test(word.split(' ')[0])) an = vowel !== /^[UFHLMNRSX]/.test(word.charAt(0));
  else if (number !== undefined) an = numberTakesAn(number);
  else {
    const first = word.split(/[\s'-]/)[0].toLowerCase();
    const irregular = IRREGULAR.has(first) || ['s', 'es', 'ed'].some((ending) => IRREGULAR.has(first.replace(new RegExp(`${ending}$`), '')));
    an = vowel !== irregular;
  }
  const article = an ? 'an' : 'a';
  return capitalize ? article.charAt(0).toUpperCase() + article.slice(1) : article;
}

/** 8, 11 and 18 are said with a vowel: an 8, an 11, an 18,000 (an 1100 is read "a thousand one hundred"). */
function numberTakesAn(n: string): boolean {
  if (!/^(11|8|18)/.test(n)) return false;
  const elevenOrEighteen = /^(11|18)/.test(n);
  if (elevenOrEighteen && n.length === 4) return false;
  if (elevenOrEighteen && (n.length - 2) % 3 === 0) return true;
  return n.startsWith('8');
}

// --- Ids ------------------------------------------------------------------------------------------------

const SEEDS = [0x811c9dc5, 0x050c5d1f, 0x1b873593, 0x27d4eb2f];
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * A UUID-shaped id (version 4, RFC 9562 variant) from a stable key: four FNV-1a passes with different seeds
 * give the 122 bits. A clash with an id already given (vanishingly rare) takes the next `key#n`, in the
 * document's fixed order, so that the output stays deterministic.
 */
export function uuidOf(key: string, taken: Set<string>): string {
  for (let n = 0; ; n++) {
    const h = SEEDS.map((seed) => hex8(fnv1a32(n === 0 ? key : `${key}#${n}`, seed))).join('');
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

// --- Threats --------------------------------------------------------------------------------------------

/** What the statements need to know of the model, looked up once. */
interface Index {
  r: AnalysisResult;
  /** The exposure of each element and endpoint on the attack surface. */
  exposure: Map<string, 'internet' | 'indirect' | 'internal'>;
  elementName: Map<string, string>;
  assetName: Map<string, string>;
  /** The boundaries whose trust is untrusted. */
  untrusted: Set<string>;
  elementBoundary: Map<string, string | undefined>;
  flows: Map<string, AnalysisResult['flows'][number]>;
  endpoints: Map<string, { name: string; data: string[] }>;
  elements: Map<string, AnalysisResult['elements'][number]>;
}

function indexOf(r: AnalysisResult): Index {
  const exposure = new Map<string, 'internet' | 'indirect' | 'internal'>();
  const rank = { internet: 2, indirect: 1, internal: 0 } as const;
  // An element is on the surface once per category: the widest exposure stands.
  for (const s of r.attackSurface) {
    const before = exposure.get(s.id);
    if (before === undefined || rank[s.exposure] > rank[before]) exposure.set(s.id, s.exposure);
  }
  const endpoints = new Map<string, { name: string; data: string[] }>();
  for (const e of r.elements) {
    for (const ep of e.endpoints) endpoints.set(ep.id, { name: `${ep.key} on ${e.name}`, data: [...ep.accepts, ...ep.returns] });
  }
  return {
    r, exposure, endpoints,
    elementName: new Map(r.elements.map((e) => [e.id, e.name])),
    assetName: new Map(r.assets.map((a) => [a.id, a.name])),
    untrusted: new Set(r.boundaries.filter((b) => b.trust === 'untrusted').map((b) => b.id)),
    elementBoundary: new Map(r.elements.map((e) => [e.id, e.boundary])),
    flows: new Map(r.flows.map((f) => [f.id, f])),
    elements: new Map(r.elements.map((e) => [e.id, e])),
  };
}

const INTERNET_ACTOR = 'external actor on the internet';
const INTERNAL_ACTOR = 'compromised internal service';

/** Who can act, and from where: the grammar's threat source and the start of its prerequisites. */
function reachOf(t: Threat, ix: Index): { source: string; reach: string } {
  const onUntrusted = (element: string) => {
    const b = ix.elementBoundary.get(element);
    return b !== undefined && ix.untrusted.has(b);
  };
  const flows = t.flows.map((id) => ix.flows.get(id)).filter((f) => f !== undefined);
  if (flows.length) {
    // A threat to traffic: whoever stands on its path, outside when either end is out on the internet.
    const outside = flows.some((f) => onUntrusted(f.from) || onUntrusted(f.to));
    const f = flows[0];
    const more = flows.length > 1 ? ` (and ${flows.length - 1} more flow${flows.length === 2 ? '' : 's'})` : '';
    return { source: outside ? INTERNET_ACTOR : INTERNAL_ACTOR, reach: `on the network path from ${ix.elementName.get(f.from) ?? f.from} to ${ix.elementName.get(f.to) ?? f.to}${more}` };
  }
  if (t.componentKind === 'system') return { source: 'insider or external actor', reach: '' };
  if (t.componentKind === 'boundary') {
    const name = ix.r.boundaries.find((b) => b.id === t.component)?.name ?? t.component;
    return ix.untrusted.has(t.component) ? { source: INTERNET_ACTOR, reach: `in ${name}` } : { source: INTERNAL_ACTOR, reach: `inside ${name}` };
  }
  const target = t.endpoint ?? t.component;
  const name = t.endpoint ? ix.endpoints.get(t.endpoint)?.name ?? t.componentName : t.componentName;
  const exposure = ix.exposure.get(target) ?? ix.exposure.get(t.component) ?? (onUntrusted(t.component) ? 'internet' : 'internal');
  if (exposure === 'internet') return { source: INTERNET_ACTOR, reach: `with a network path to ${name}` };
  if (exposure === 'indirect') return { source: 'external actor', reach: `who reaches ${name} through the application's own calls` };
  return { source: INTERNAL_ACTOR, reach: `with a network path to ${name}` };
}

/**
 * The prerequisites: the reach, then the facts that make the threat (not those about the assets at stake,
 * which are its impact, nor the line that a threat is written in the model), as many as fit, as a clause
 * set off by commas: "with a network path to API servers, where /search is public, can ...".
 */
function prerequisitesOf(t: Threat, reach: string): string {
  const facts = t.evidence.filter((e) => !e.path.startsWith('assets.') && !e.fact.startsWith('written in the model')).map((e) => flat(e.fact));
  const start = flat(reach);
  let text = start;
  for (const [i, fact] of facts.slice(0, 2).entries()) {
    const next = `${text}${i > 0 ? ' and ' : start ? ', where ' : 'where '}${fact}`;
    if (next.length + 1 > TC_LIMITS.field) {
      if (i === 0) text = clip(next, TC_LIMITS.field - 1);
      break;
    }
    text = next;
  }
  return text === start ? clip(text, TC_LIMITS.field) : `${text},`;
}

/**
 * The impact's reason as what the threat leads to: "confidentiality of Orders is high: data breach" reads
 * "data breach (confidentiality of Orders is high)"; where a written threat's rating came from is left out.
 */
function impactOf(t: Threat): string {
  const reason = flat(t.impact.reason).replace(/, as written in the model \([^)]*\)$/, '');
  const colon = reason.lastIndexOf(': ');
  const text = colon > 0 ? `${reason.slice(colon + 2)} (${reason.slice(0, colon)})` : reason;
  return clip(lowerFirst(text), TC_LIMITS.field);
}

/** The action: what the category lets the actor do, and the title, clipped so that the whole fits. */
function actionOf(t: Threat): string {
  const verb = ACTION[t.stride];
  return `${verb} (${clip(lowerFirst(flat(t.title)), TC_LIMITS.field - verb.length - 3)})`;
}

/** The data assets at stake: those the evidence names, then those of what the threat is on (its flows, endpoint or element). */
function assetsOf(t: Threat, ix: Index): string[] {
  const ids: string[] = [];
  const add = (id: string) => { if (!ids.includes(id) && ix.assetName.has(id)) ids.push(id); };
  for (const e of t.evidence) {
    const m = /^assets\.([^.[\]]+)$/.exec(e.path);
    if (m) add(m[1]);
  }
  for (const id of t.flows) for (const a of ix.flows.get(id)?.data ?? []) add(a);
  if (t.endpoint) for (const a of ix.endpoints.get(t.endpoint)?.data ?? []) add(a);
  const element = ix.elements.get(t.component);
  if (element && !t.flows.length && !t.endpoint) for (const a of [...element.stores, ...element.handles]) add(a);
  // Enough to say what is at stake; the rest are in threatmap's report.
  return ids.slice(0, 10).map((id) => clip(flat(ix.assetName.get(id)!), TC_LIMITS.field));
}

/** The triage decision in words: `accepted: Marketing accepts... (owner x, ticket y, expires 2099-06-30)`. */
function decisionLine(t: Threat): string | undefined {
  const d = t.triage;
  if (d === undefined || (d.status === 'open' && !d.reason && !d.owner && !d.ticket)) return undefined;
  const more = [d.owner && `owner ${d.owner}`, d.ticket && `ticket ${d.ticket}`, d.expires && `expires ${d.expires}`, d.review && `review ${d.review}`,
    d.declared && `${d.declared} lapsed`].filter(Boolean);
  return `Triage: ${d.status}${d.reason ? `: ${flat(d.reason)}` : ''}${more.length ? ` (${more.join(', ')})` : ''}`;
}

/**
 * The Comments: what the statement's fields cannot hold (the title, the risk and its reasons, the
 * description, the decision, the references, the evidence with its place in the model and the recommended
 * mitigation), most important first, whole lines while they fit, then the trailer a person writes under.
 */
function commentsOf(t: Threat, file: string): string {
  const description = flat(t.description);
  const lines = [
    `${t.id} ${flat(t.title)}`,
    `Risk ${t.risk}: likelihood ${t.likelihood.level} (${flat(t.likelihood.reason)}); impact ${t.impact.level} (${flat(t.impact.reason)}).`,
    description,
    decisionLine(t),
    t.references.length ? `References: ${t.references.join(', ')}` : undefined,
    ...t.evidence.map((e) => `Evidence: ${e.line > 0 ? `${file}:${e.line} ` : ''}${flat(e.fact)}`),
    t.mitigation ? `Mitigation: ${flat(t.mitigation)}` : undefined,
  ].filter((l): l is string => l !== undefined && l !== '');
  const trailer = commentsTrailer(uidOf(t));
  let room = TC_LIMITS.content - trailer.length - 1;
  const kept: string[] = [];
  for (const line of lines) {
    // The description is cut rather than lost; a line that does not fit otherwise is left out, and shorter
    // ones after it still go in.
    const fitted = line.length + 1 > room && line === description && room > 80 ? clip(line, room - 1) : line;
    if (fitted.length + 1 > room) continue;
    kept.push(fitted);
    room -= fitted.length + 1;
  }
  return [...kept, trailer].join('\n');
}

/** A tag within Threat Composer's 30 characters. */
const tag = (text: string): string => clip(flat(text), TC_LIMITS.tag);

function threatRecord(t: Threat, n: number, id: string, ix: Index): TcThreat {
  const { source, reach } = reachOf(t, ix);
  const fields = {
    threatSource: source,
    prerequisites: prerequisitesOf(t, reach),
    threatAction: actionOf(t),
    threatImpact: impactOf(t),
    impactedGoal: [TC_GOAL[t.stride]],
    impactedAssets: assetsOf(t, ix),
  };
  // The statement is the fields composed: assets are left out, the last first, until it fits its limit.
  let statement = composeStatement(fields);
  while (statement.length > TC_LIMITS.statement && fields.impactedAssets.length > 1) {
    fields.impactedAssets.pop();
    statement = composeStatement(fields);
  }
  const uid = uidOf(t);
  const status = statusOf(t);
  return {
    id, numericId: n, displayOrder: n, ...fields,
    statement: clip(statement, TC_LIMITS.statement),
    status: TC_STATUS[status],
    metadata: [
      { key: 'STRIDE', value: [t.stride] },
      { key: 'Priority', value: TC_PRIORITY[t.risk] },
      { key: 'Comments', value: commentsOf(t, ix.r.file) },
      { key: TC_META.id, value: uid },
      { key: TC_META.key, value: t.key },
      { key: TC_META.status, value: status },
      { key: TC_META.title, value: flat(t.title) },
      ...(t.triage?.declared ? [{ key: TC_META.declared, value: t.triage.declared }] : []),
      ...scopeMetadata(t),
    ],
    tags: [...new Set([uid, tag(t.ruleId), tag(t.endpoint ?? t.component), `risk:${t.risk}`])],
  };
}

/**
 * The scopes a statement carries (src/track/scope.ts): the threat's as exported, and its decision's as recorded,
 * so that the import writes `risk:` and `covers:` again. Flow ids joined by `, ` (ids hold no comma); a list
 * longer than a metadata value may be is left out, keeping the risk: the decision then covers fewer flows,
 * never more, and is reviewed sooner rather than widened.
 */
function scopeMetadata(t: Threat): TcMetadata[] {
  const made = decisionScope(t);
  const flows = (ids: readonly string[] | undefined) => {
    const text = [...new Set(ids ?? [])].sort().join(', ');
    return text && text.length <= TC_LIMITS.content ? text : undefined;
  };
  // An entry's `covers: []` is carried empty: a scope of the key's component alone, which the import reads back
  // as such; left out, the decision would come back with no scope at all, checked against nothing.
  const recorded = made.covers?.length === 0 ? '' : flows(made.covers);
  const entries: Array<[string, string | undefined]> = [
    [TC_META.risk, t.risk], [TC_META.flows, flows(t.flows)], [TC_META.decisionRisk, made.risk], [TC_META.decisionCovers, recorded],
  ];
  return entries.filter((e): e is [string, string] => e[1] !== undefined).map(([key, value]) => ({ key, value }));
}

// --- Mitigations and assumptions -------------------------------------------------------------------------

/**
 * A punch-list action's status from the decisions on the threats it fixes, leaving out those decided
 * without it (accepted, transferred, false positives): all of the rest mitigated, Resolved; some mitigated
 * or being mitigated, In progress; none, Identified; nothing left to fix (all decided otherwise), Will not action.
 */
export function mitigationStatus(statuses: readonly TriageStatus[]): TcMitigationStatus {
  const fixing = statuses.filter((s) => s === 'open' || s === 'mitigating' || s === 'mitigated');
  if (fixing.length === 0) return statuses.length ? 'mitigationResolvedWillNotAction' : 'mitigationIdentified';
  if (fixing.every((s) => s === 'mitigated')) return 'mitigationResolved';
  return fixing.some((s) => s !== 'open') ? 'mitigationInProgress' : 'mitigationIdentified';
}

/** Room kept at the end of a mitigation's content for the line that says how many steps were left out. */
const STEPS_TRAILER_ROOM = 80;

/**
 * The pieces of a punch-list action's steps, each a line or two kept together: numbered steps, so that they
 * still read as a list where Threat Composer's card runs the lines of its plain text together; under the
 * components they hold for when the action's threats do not share them all, a group's heading kept with its
 * first step so that no heading is left without one.
 */
function stepPieces(found: StepSets): string[] {
  const pieces: string[] = [];
  for (const set of found.sets) {
    const heading = found.all ? 'Steps:' : `Steps for ${namesList(set.components)}:`;
    set.steps.forEach((step, i) => pieces.push(`${i === 0 ? `${heading}\n` : ''}${i + 1}. ${flat(step)}`));
  }
  return pieces;
}

/**
 * A mitigation's content: the action, then its concrete steps in the technologies of the model, whole pieces
 * while they fit Threat Composer's limit, then a line saying how many were left out. The mitigation's id is
 * derived from the action alone, never from this text, so that steps edited or cut there keep its links.
 */
export function mitigationContent(text: string, found: StepSets | undefined): string {
  const pieces = found === undefined ? [] : stepPieces(found);
  // An action as long as the limit still leaves room for the line that says its steps were left out.
  let content = clip(flat(text), TC_LIMITS.content - (pieces.length > 0 ? STEPS_TRAILER_ROOM : 0));
  for (let i = 0; i < pieces.length; i++) {
    const next = `${content}\n${i === 0 ? '\n' : ''}${pieces[i]}`;
    const room = i < pieces.length - 1 ? STEPS_TRAILER_ROOM : 0;
    if (next.length + room > TC_LIMITS.content) {
      const left = pieces.length - i;
      return `${content}\n… ${left} more step${left === 1 ? '' : 's'}: see threatmap's report (threatmap analyze MODEL).`;
    }
    content = next;
  }
  return content;
}

function mitigationRecord(rec: Recommendation, id: string, threats: readonly Threat[], steps: StepSets | undefined): TcMitigation {
  const ids = threats.map((t) => t.id);
  const listed = ids.length > 10 ? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more` : ids.join(', ');
  const status = mitigationStatus(threats.map(statusOf));
  return {
    id, numericId: rec.rank, displayOrder: rec.rank,
    content: mitigationContent(rec.text, steps),
    status,
    metadata: [
      { key: 'Comments', value: clip(`threatmap punch-list action ${rec.rank} (${rec.risk} risk): fixes ${ids.length === 1 ? 'threat' : `${ids.length} threats`} ${listed}.`, TC_LIMITS.content) },
      // The status exported: the import tells a status changed in Threat Composer from it (the base of the merge).
      { key: TC_META.status, value: status },
    ],
    tags: [`risk:${rec.risk}`],
  };
}

/**
 * The reported threats an assumption is about: those of the rules it names (any, when it names none) on the
 * elements it names (any, when it names none). One that names neither is about the whole design: no links.
 */
function concerns(a: Assumption, t: Threat, ix: Index): boolean {
  if (a.rules.length === 0 && a.elements.length === 0) return false;
  if (a.rules.length && !a.rules.includes(t.ruleId)) return false;
  if (a.elements.length === 0) return true;
  const involved = new Set([t.component, ...(t.endpoint ? [t.endpoint.slice(0, t.endpoint.indexOf(':'))] : [])]);
  for (const f of t.flows) {
    const flow = ix.flows.get(f);
    if (flow) involved.add(flow.from).add(flow.to);
  }
  return a.elements.some((e) => involved.has(e));
}

function assumptionRecord(a: Assumption, n: number, id: string): TcAssumption {
  const scope = [a.rules.length ? `rules ${a.rules.join(', ')}` : '', a.elements.length ? `elements ${a.elements.join(', ')}` : ''].filter(Boolean).join('; ');
  return {
    id, numericId: n, displayOrder: n, content: clip(flat(a.text), TC_LIMITS.content),
    metadata: scope ? [{ key: 'Comments', value: clip(`threatmap assumption about ${scope}.`, TC_LIMITS.content) }] : [],
  };
}

// --- Descriptions (Markdown) ----------------------------------------------------------------------------

/** Lines as Markdown within the description limit: whole lines, then one saying how many were left out. */
function markdown(lines: readonly string[]): string {
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const next = `${text}${i ? '\n' : ''}${lines[i]}`;
    if (next.length > TC_LIMITS.description - 200) {
      return `${text}\n\n… ${lines.length - i} more lines: see threatmap's report (threatmap analyze MODEL).`;
    }
    text = next;
  }
  return text;
}

function applicationDescription(r: AnalysisResult): string {
  const s = r.summary;
  const residual = residualOf(r);
  const top = r.threats.slice(0, 10);
  return markdown([
    ...(r.system.description ? [mdBlock(r.system.description), ''] : []),
    ...[r.system.owner && `Owner: ${md(r.system.owner)}`, r.system.version && `Version: ${md(r.system.version)}`].filter((l): l is string => !!l),
    '',
    '### threatmap analysis',
    '',
    `Exported by threatmap from ${md(r.file)}: ${s.elements.total} elements (${s.elements.external} external, ${s.elements.process} processes, ${s.elements.store} stores), ` +
      `${s.flows} flows, ${s.boundaries} trust boundaries (${s.crossings} crossings), ${s.endpoints} endpoints, ${s.assets} assets.`,
    '',
    `Threats: ${s.threats.total} (${countsPhrase({ ...s.threats })}); still carried after triage: ${residual.open.total} (${countsPhrase(residual.open)}).`,
    ...(top.length ? ['', '#### Highest risks', '', ...top.map((t) => `- ${t.id} (${t.risk}, ${statusOf(t)}): ${md(t.title)}`)] : []),
    '',
    'Each threat statement carries threatmap\'s stable id in its custom metadata (`threatmap:id`). Change statuses and add comments here, ' +
      'export the workspace, then bring the decisions back with `threatmap import WORKSPACE.tc.json --into MODEL`.',
  ]);
}

function architectureDescription(r: AnalysisResult, ix: Index): string {
  const lines = ['## Elements by trust boundary'];
  const element = (e: AnalysisResult['elements'][number]) => {
    const what = [e.kind, e.type, e.tech].filter((x, i, all) => x && all.indexOf(x) === i).join(', ');
    const exposure = ix.exposure.get(e.id);
    const held = [...new Set([...e.stores, ...e.handles])].map((a) => ix.assetName.get(a) ?? a);
    return `- **${md(e.name)}** (${md(what)})${exposure === 'internet' ? ', reachable from the internet' : ''}${held.length ? `; data: ${held.map(md).join(', ')}` : ''}`;
  };
  for (const b of r.boundaries) {
    const inside = r.elements.filter((e) => e.boundary === b.id);
    const parent = b.parent ? r.boundaries.find((p) => p.id === b.parent)?.name ?? b.parent : undefined;
    lines.push('', `### ${md(b.name)} (${b.trust}${parent ? `, in ${md(parent)}` : ''})`, '', ...(inside.length ? inside.map(element) : ['- (no element directly inside)']));
  }
  const none = r.elements.filter((e) => e.boundary === undefined);
  if (none.length) lines.push('', '### In no trust boundary', '', ...none.map(element));
  if (r.assets.length) {
    lines.push('', '## Assets', '');
    for (const a of r.assets) lines.push(`- **${md(a.name)}** (${a.kind}${a.type ? `, ${a.type}` : ''}, ${a.classification}): confidentiality ${a.confidentiality}, integrity ${a.integrity}, availability ${a.availability}`);
  }
  return markdown(lines);
}

function dataflowDescription(r: AnalysisResult, ix: Index): string {
  const name = (id: string) => md(ix.elementName.get(id) ?? id);
  const lines = ['## Flows that cross trust boundaries'];
  if (r.crossings.length === 0) lines.push('', 'No flow crosses a trust boundary.');
  else lines.push('');
  for (const c of r.crossings) {
    const f = ix.flows.get(c.flow);
    const data = f?.data.map((a) => md(ix.assetName.get(a) ?? a)) ?? [];
    const how = f ? `${md(f.protocol)}${f.encrypted ? '' : ', not encrypted'}${f.auth === 'none' ? ', unauthenticated' : `, ${md(f.auth)}`}` : '';
    lines.push(`- ${name(c.from)} → ${name(c.to)}: ${md(c.label)}${how ? `; ${how}` : ''}${data.length ? `; data: ${data.join(', ')}` : ''}`);
  }
  const inside = r.flows.length - new Set(r.crossings.map((c) => c.flow)).size;
  if (inside > 0) lines.push('', `${inside} other flow${inside === 1 ? ' stays' : 's stay'} within one trust boundary.`);
  return markdown(lines);
}

// --- The workspace ---------------------------------------------------------------------------------------

/** The analysis result (triage applied) as a Threat Composer workspace export. */
export function buildThreatComposer(r: AnalysisResult, options: ThreatComposerOptions = {}): TcWorkspace {
  const ix = indexOf(r);
  const taken = new Set<string>();
  const threatIds = new Map<string, string>();
  const threats = r.threats.map((t, i) => {
    const id = uuidOf(`threat:${t.key}`, taken);
    threatIds.set(t.id, id);
    return threatRecord(t, i + 1, id, ix);
  });
  const byId = new Map(r.threats.map((t) => [t.id, t]));
  const mitigations: TcMitigation[] = [];
  const mitigationLinks: TcWorkspace['mitigationLinks'] = [];
  const stepsOf = recommendationSteps(r.threats);
  for (const rec of r.recommendations) {
    const fixed = rec.threats.map((id) => byId.get(id)).filter((t) => t !== undefined);
    if (fixed.length === 0) continue;
    const id = uuidOf(`mitigation:${rec.risk}:${rec.text}`, taken);
    mitigations.push(mitigationRecord(rec, id, fixed, stepsOf(rec)));
    for (const t of fixed) mitigationLinks.push({ mitigationId: id, linkedId: threatIds.get(t.id)! });
  }
  const assumptions: TcAssumption[] = [];
  const assumptionLinks: TcWorkspace['assumptionLinks'] = [];
  for (const [i, a] of (options.model?.assumptions ?? []).entries()) {
    const id = uuidOf(`assumption:${a.text}`, taken);
    assumptions.push(assumptionRecord(a, i + 1, id));
    for (const t of r.threats) if (concerns(a, t, ix)) assumptionLinks.push({ type: 'Threat', assumptionId: id, linkedId: threatIds.get(t.id)! });
  }
  return {
    schema: TC_SCHEMA_VERSION,
    applicationInfo: { name: clip(flat(r.system.name), TC_LIMITS.field), description: applicationDescription(r) },
    architecture: { description: architectureDescription(r, ix) },
    dataflow: { description: dataflowDescription(r, ix) },
    assumptions, mitigations, assumptionLinks, mitigationLinks, threats,
  };
}

/** The workspace as JSON (two-space indented, as Threat Composer's own exports), in pieces. */
export const renderThreatComposerChunks = (r: AnalysisResult, options: ThreatComposerOptions = {}): Iterable<string> =>
  jsonObjectChunks(buildThreatComposer(r, options) as unknown as Record<string, unknown>);

export const renderThreatComposer = (r: AnalysisResult, options: ThreatComposerOptions = {}): string => joinChunks(renderThreatComposerChunks(r, options));
