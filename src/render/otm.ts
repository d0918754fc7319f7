// Open Threat Model (OTM 0.2.0, IriusRisk's interchange format, read by IriusRisk, StartLeft and OWASP
// Threat Dragon): the analysis result as trust zones, components, dataflows, assets, threats and
// mitigations, so that a threatmap model can be opened in those tools. Pure (no Node APIs): reads only the
// result and the rule metadata, never re-analyses.
//
// Mapping, threatmap -> OTM (every choice is explained where it is made below):
//   system                 -> project (name, id from the model's file name, description, owner)
//   assumptions, `rules:`  -> project attributes `threatmap:assumptions`, `threatmap:rules` (JSON), when the
//                             caller passes the model (the result holds neither)
//   written `threats:`     -> project attributes `threatmap:threats` (each entry as written, JSON) and
//                             `threatmap:threats-reported` (where the export put an OTM threat of each), when
//                             the caller passes the model: the result lacks a written threat's `mitigated-by`,
//                             its targets where it is mitigated, and a threat mitigated everywhere
//   boundary               -> trustZone (risk.trustRating from the trust level, parent.trustZone when nested)
//   (no boundary)          -> one extra trustZone per default zone that some element sits in
//   element                -> component (type from tech/type/kind, parent trust zone, tags, assets)
//   endpoint               -> attribute `threatmap:endpoint:<key>` of its component (JSON of what the model
//                             would not infer), so that `threatmap import` makes it again
//   flow                   -> dataflow (source, destination, bidirectional false, tags, assets)
//   asset                  -> asset (risk confidentiality/integrity/availability on 0-100; kind, type,
//                             classification and `assumed` in attributes)
//   threat                 -> threat (id = stable uid TM-xxxxxxxx) + a threat instance on its component,
//                             flow(s) or boundary members, whose state is the triage status; its
//                             decision in attributes, with what it was made for (`decisionRisk`,
//                             `decisionCovers`: the entry's `risk:`, `covers:`), beside the threat's own
//                             `risk` and `flows` as exported (what a decision made in the other tool is for)
//   rule mitigation text   -> mitigation (id M-<ruleId>), referenced by the threat instances
//
// The schema (draft-07) checks shapes but not references; the tests also check that every reference
// resolves. Output is deterministic: the model's order for zones, components, dataflows and assets, the
// report's order for threats, mitigations sorted by id, and no timestamps.
import { stringify as stringifyYaml } from 'yaml';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import type { RuleMeta } from '../analysis/rules/types.js';
import { isWrittenRule, WRITTEN_RULE_PREFIX } from '../analysis/rules/written.js';
import type { AnalysisResult, Rating, Threat } from '../analysis/types.js';
import { STRIDE_NAMES } from '../analysis/types.js';
import type { AuthMethod, Level, TrustLevel } from '../model/catalog.js';
import { TRUST_LEVELS } from '../model/catalog.js';
import { defaultTrust } from '../model/graph.js';
import { defaultEndpointKind, parseEndpointKey } from '../model/normalize.js';
import { assumptionAsWritten, writtenThreatAsWritten } from '../model/as-written.js';
import type { Asset, Boundary, Element, Endpoint, Flow, Model, WrittenThreat } from '../model/types.js';
import { statusOf, uidOf } from '../track/triage.js';
import type { TriageStatus } from '../track/types.js';
import { fnv1a32 } from '../track/uid.js';
import { joinChunks, jsonObjectChunks } from './chunks.js';
import { decisionScope } from './threat-dragon.js';

/**
 * The version written. Files in the wild often say 0.1.0 (StartLeft's output); we write the version whose
 * schema the output is validated against (otm_schema.json of iriusrisk/OpenThreatModel, 0.2.0).
 */
export const OTM_VERSION = '0.2.0';

export interface OtmOptions {
  /** Rule metadata, for each mitigation's controls; default the built-in library. */
  rules?: readonly RuleMeta[];
  /**
   * The model's sections that change its analysis but are not in the result (its assumptions, its
   * `rules:` section, and its written threats as written), carried for `threatmap import` to give back;
   * absent: not carried.
   */
  model?: Pick<Model, 'assumptions' | 'rules' | 'threats'>;
}

// The OTM shapes we write: a subset of the schema (no representations: threatmap has no diagram geometry).
// Attribute values are strings throughout, as the spec types attributes Map[string, string].
export type OtmAttributes = Record<string, string>;
export interface OtmParent { trustZone: string }
export interface OtmMitigationInstance { mitigation: string; state: string }
export interface OtmThreatInstance { threat: string; state: string; mitigations: OtmMitigationInstance[] }
export interface OtmProject { name: string; id: string; description?: string; owner?: string; attributes?: OtmAttributes }
export interface OtmTrustZone {
  id: string; name: string; type: string; description?: string; risk: { trustRating: number }; parent?: OtmParent;
  attributes: OtmAttributes;
}
export interface OtmComponent {
  id: string; name: string; type: string; description?: string; parent: OtmParent; tags: string[];
  assets?: { processed?: string[]; stored?: string[] }; threats?: OtmThreatInstance[]; attributes: OtmAttributes;
}
export interface OtmDataflow {
  id: string; name: string; description?: string; bidirectional: false; source: string; destination: string;
  assets?: string[]; tags: string[]; threats?: OtmThreatInstance[]; attributes: OtmAttributes;
}
export interface OtmAsset {
  id: string; name: string; description?: string;
  risk: { confidentiality: number; integrity: number; availability: number; comment: string }; attributes: OtmAttributes;
}
export interface OtmThreat {
  id: string; name: string; description: string; categories: string[]; cwes: string[];
  risk: { likelihood: number; likelihoodComment: string; impact: number; impactComment: string }; attributes: OtmAttributes;
}
export interface OtmMitigation { id: string; name: string; description: string; riskReduction: number; attributes: OtmAttributes }
export interface OtmDocument {
  otmVersion: string;
  project: OtmProject;
  assets: OtmAsset[];
  trustZones: OtmTrustZone[];
  components: OtmComponent[];
  dataflows: OtmDataflow[];
  threats: OtmThreat[];
  mitigations: OtmMitigation[];
}

// --- Scales -------------------------------------------------------------------------------------------

/**
 * Trust level -> trustRating ("from 0 to 100: how trustworthy is this trust zone?"): the four levels in
 * equal steps over the whole range, round(100 * rank / 3). The ends are real here: an untrusted zone (the
 * internet, a third party) is trusted not at all, a restricted zone is the most trusted the model has.
 */
export const TRUST_RATING: Record<TrustLevel, number> = Object.fromEntries(
  TRUST_LEVELS.map((t, rank) => [t, Math.round((100 * rank) / (TRUST_LEVELS.length - 1))]),
) as Record<TrustLevel, number>;

/**
 * Low / Medium / High -> 25 / 50 / 75, for a threat's likelihood and impact and for an asset's
 * confidentiality, integrity and availability. Three coarse bands at the quarter points of OTM's 0-100:
 * a three-level rating claims neither 0 (impossible, harmless) nor 100 (certain, catastrophic). The level's
 * word stays in the comment beside the number, so nothing is lost.
 */
export const RATING_SCORE: Record<Rating, number> = { Low: 25, Medium: 50, High: 75 };
const LEVEL_SCORE: Record<Level, number> = { low: RATING_SCORE.Low, medium: RATING_SCORE.Medium, high: RATING_SCORE.High };

/**
 * Triage status -> the threat instance's `state`. The schema leaves `state` a free string; the spec's own
 * examples say `exposed` and `mitigated`, and the other words follow IriusRisk's threat states (expose,
 * mitigate, partly-mitigate, accept, not-applicable) in the spec's past-participle form, so each status
 * keeps a distinct state except transferred, which OTM has no word for. The exact status is also in the
 * threat's attributes (`status`).
 */
export const THREAT_STATE: Record<TriageStatus, string> = {
  open: 'exposed',
  // Work under way; the risk is still carried (threatmap's check and SARIF count it as open).
  mitigating: 'partly-mitigated',
  mitigated: 'mitigated',
  accepted: 'accepted',
  // The threat does not apply: IriusRisk's not-applicable, not an accepted risk.
  'false-positive': 'not-applicable',
  // The risk is carried by someone else (insurer, vendor): not reduced here, a decision not to act on it,
  // which is what accepted says; attributes.status keeps `transferred`.
  transferred: 'accepted',
};

/**
 * Triage status -> the mitigation instance's `state` (the rule's mitigation on that threat): the spec's
 * `implemented` and `required`, and IriusRisk's countermeasure states `recommended` and `not-applicable`.
 */
export const MITIGATION_STATE: Record<TriageStatus, string> = {
  open: 'required',
  // Being put in place, not yet in place: still required (there is no in-progress word to use).
  mitigating: 'required',
  mitigated: 'implemented',
  // The team decided not to (or not here to) implement it: still advised, no longer required.
  accepted: 'recommended',
  transferred: 'recommended',
  'false-positive': 'not-applicable',
};

/**
 * How much a rule's mitigation reduces its threat's risk once implemented: 100. A threatmap rule reports
 * a threat exactly while its mitigation is absent from the model (the controls the rule names make it
 * report the component as mitigated instead), so implementing it removes the threat, not part of it.
 */
export const MITIGATION_RISK_REDUCTION = 100;

// --- Helpers ------------------------------------------------------------------------------------------

/** Lower-case letters, digits and single dashes: a project id from a file or system name. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The model file's name without folders or extension: `examples/ecommerce.yaml` -> `ecommerce`. */
function fileStem(file: string): string {
  const base = file.replace(/\\/g, '/').split('/').pop() ?? '';
  return base.replace(/\.(ya?ml|json)$/i, '');
}

/** `id`, or `id-2`, `id-3`... the first not yet taken; records the one returned. */
function unique(id: string, taken: Set<string>): string {
  let out = id;
  for (let n = 2; taken.has(out); n++) out = `${id}-${n}`;
  taken.add(out);
  return out;
}

/** Attributes without the empty ones (absent facts are left out rather than written as ""). */
function attributes(entries: Array<[string, string | undefined]>): OtmAttributes {
  const out: OtmAttributes = {};
  for (const [k, v] of entries) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

const list = (items: readonly string[]): string | undefined => (items.length ? items.join(', ') : undefined);

/**
 * The prefix of the attribute that carries one endpoint of a component, followed by the endpoint's key
 * (`threatmap:endpoint:POST /cart`). OTM has no field for a component's entry points and its attributes are
 * Map[string, string], so each endpoint is one attribute, namespaced as threatmap's own, whose value is a
 * JSON object: what `threatmap import` reads back, one entry per endpoint in a tool's attribute table.
 */
export const ENDPOINT_ATTRIBUTE = 'threatmap:endpoint:';

/**
 * An endpoint's properties as its model would write them: only what the loader would not infer again from
 * its key and its element (name = key, kind from the path, methods from the key, auth inherited), so that
 * an element's auth changed in another tool still reaches the endpoints that inherited it.
 */
export function endpointDetails(ep: Endpoint, elementAuth: AuthMethod | undefined): Record<string, unknown> {
  const inherited = elementAuth ?? 'none';
  const ownAuth = !ep.declaredPublic && ep.auth !== inherited && ep.authAt === undefined ? ep.auth : undefined;
  return {
    ...(ep.name !== ep.key ? { name: ep.name } : {}),
    ...(ep.description !== undefined ? { description: ep.description } : {}),
    ...(ep.kind !== defaultEndpointKind(ep.route, ep.methods, ownAuth) ? { kind: ep.kind } : {}),
    ...(ep.methods.join() !== parseEndpointKey(ep.key).methods.join() ? { methods: ep.methods } : {}),
    // A public endpoint is `auth: none`; `public: true` says it as people write it. An auth lent by the
    // flows (authAt) comes back from the flows, which are exported too.
    ...(ep.declaredPublic ? { public: true } : ep.auth === inherited || ep.authAt !== undefined ? {} : ep.auth === 'none' ? { public: true } : { auth: ep.auth }),
    ...(ep.callers !== undefined ? { callers: ep.callers } : {}),
    ...(ep.controls.length ? { controls: ep.controls } : {}),
    ...(ep.accepts.length ? { accepts: ep.accepts } : {}),
    ...(ep.returns.length ? { returns: ep.returns } : {}),
  };
}

const endpointAttributes = (e: Element): Array<[string, string]> =>
  e.endpoints.map((ep) => [`${ENDPOINT_ATTRIBUTE}${ep.key}`, JSON.stringify(endpointDetails(ep, e.auth))]);

/**
 * A mitigation's name from its text: OTM names are short titles, threatmap's mitigations are sentences.
 * The first sentence or clause (up to `.`, `:` or `;`), cut at a word to at most 80 characters with an
 * ellipsis; the whole text is the description.
 */
export function mitigationName(text: string): string {
  const first = /^(.+?)[.:;](?:\s|$)/.exec(text)?.[1] ?? text;
  if (first.length <= 80) return first;
  const cut = first.slice(0, 80);
  const space = cut.lastIndexOf(' ');
  return `${(space > 40 ? cut.slice(0, space) : cut.slice(0, 79)).replace(/[\s,;:(—-]+$/, '')}…`;
}

// --- Parts --------------------------------------------------------------------------------------------

/** The project attribute that carries the model's assumptions, as the model writes them (a JSON array). */
export const ASSUMPTIONS_ATTRIBUTE = 'threatmap:assumptions';
/** The project attribute that carries the model's `rules:` section as written (a JSON object). */
export const RULES_ATTRIBUTE = 'threatmap:rules';

/** The project attribute that carries the model's written threats, id -> entry as written (a JSON object). */
export const THREATS_ATTRIBUTE = 'threatmap:threats';
/**
 * The project attribute that says, for each written threat, on which of its targets the export put an OTM
 * threat (id -> target ids, as its keys name them; a JSON object). The import needs it to tell a threat
 * deleted in the other tool (it was in the file and is not) from one the analysis did not report there
 * (mitigated, ruled out: it never was in the file).
 */
export const THREATS_REPORTED_ATTRIBUTE = 'threatmap:threats-reported';

/**
 * Written threat id -> the targets (key components) of its threats in the result, for those it has any;
 * in the model's order of threats and of each one's `on`, as the report's order is by risk.
 */
function reportedTargets(r: AnalysisResult, threats: readonly WrittenThreat[]): Record<string, string[]> {
  const keys = new Set(r.threats.filter((t) => isWrittenRule(t.ruleId)).map((t) => t.key));
  const out: Record<string, string[]> = {};
  for (const t of threats) {
    const on = t.on.map((o) => o.id).filter((target) => keys.has(`${WRITTEN_RULE_PREFIX}${t.id}@${target}`));
    if (on.length) out[t.id] = on;
  }
  return out;
}

function writtenThreats(model: NonNullable<OtmOptions['model']>, r: AnalysisResult): Array<[string, string | undefined]> {
  if (!model.threats.length) return [];
  const reported = reportedTargets(r, model.threats);
  return [
    [THREATS_ATTRIBUTE, JSON.stringify(Object.fromEntries(model.threats.map((t) => [t.id, writtenThreatAsWritten(t)])))],
    [THREATS_REPORTED_ATTRIBUTE, Object.keys(reported).length ? JSON.stringify(reported) : undefined],
  ];
}

/**
 * The model's sections OTM has no place for, as project attributes (OTM's free data about the whole
 * model), namespaced and as JSON: they are threatmap's own input, which another tool shows but does not use.
 */
function modelSections(model: OtmOptions['model'], r: AnalysisResult): Array<[string, string | undefined]> {
  if (!model) return [];
  return [
    [ASSUMPTIONS_ATTRIBUTE, model.assumptions.length ? JSON.stringify(model.assumptions.map(assumptionAsWritten)) : undefined],
    [RULES_ATTRIBUTE, model.rules && Object.keys(model.rules).length ? JSON.stringify(model.rules) : undefined],
    ...writtenThreats(model, r),
  ];
}

function project(r: AnalysisResult, model: OtmOptions['model']): OtmProject {
  // The id is the model file's name (what a team calls the model, stable across renames of the system),
  // else the system's name, else a fixed word: OTM requires one.
  const id = slug(fileStem(r.file)) || slug(r.system.name) || 'threatmap-model';
  return {
    name: r.system.name,
    id,
    ...(r.system.description ? { description: r.system.description } : {}),
    ...(r.system.owner ? { owner: r.system.owner } : {}),
    attributes: attributes([['source', 'threatmap'], ['model', r.file || undefined], ['version', r.system.version], ...modelSections(model, r)]),
  };
}

function trustZone(b: Boundary): OtmTrustZone {
  return {
    id: b.id,
    name: b.name,
    // The boundary's kind (network, container, data-tier, service, privilege, cloud): OTM's optional type
    // is a free word for what the zone is, as the spec's `internet` and `private` are.
    type: b.kind,
    ...(b.description ? { description: b.description } : {}),
    risk: { trustRating: TRUST_RATING[b.trust] },
    // A boundary `in` another is a trust zone whose parent is that zone (the schema's parent.trustZone).
    ...(b.parent ? { parent: { trustZone: b.parent } } : {}),
    attributes: attributes([['trust', b.trust], ['controls', list(b.controls)]]),
  };
}

/**
 * The trust zones for elements outside every boundary. OTM requires every component to have a parent, and
 * threatmap places such an element in a default zone (graph.ts defaultTrust: untrusted for external
 * entities, internal for our own parts), so each default zone that holds an element becomes a trust zone,
 * and only then: a model whose elements all sit in boundaries gets exactly one zone per boundary. The id
 * avoids every boundary, element and flow id (they share one namespace in threatmap).
 */
function defaultZones(r: AnalysisResult, taken: Set<string>): Map<TrustLevel, OtmTrustZone> {
  const zones = new Map<TrustLevel, OtmTrustZone>();
  for (const e of r.elements) {
    if (e.boundary !== undefined) continue;
    const trust = defaultTrust(e);
    if (zones.has(trust)) continue;
    zones.set(trust, {
      id: '',
      name: `Outside every boundary (${trust})`,
      type: 'default',
      description: `Elements the model places in no boundary: threatmap treats ${trust === 'untrusted' ? 'external entities as untrusted' : 'its own parts as internal'}.`,
      risk: { trustRating: TRUST_RATING[trust] },
      attributes: { trust },
    });
  }
  // Ids in a fixed order (untrusted first), whatever order the elements came in.
  for (const trust of TRUST_LEVELS) {
    const z = zones.get(trust);
    if (z) z.id = unique(`outside-${trust}`, taken);
  }
  return zones;
}

function component(e: Element, parent: string, threats: OtmThreatInstance[] | undefined): OtmComponent {
  // Tags as `key:value`: a bare `none` or `api` says nothing in a tool's tag list. Then the model's own tags.
  const tags = [`kind:${e.kind}`, ...(e.tech ? [`tech:${e.tech}`] : []), ...(e.type ? [`type:${e.type}`] : []), ...e.tags];
  return {
    id: e.id,
    name: e.name,
    // OTM's type is "the kind of the described component" (the spec's ec2-instance, postgresql): the most
    // specific fact we have, the technology (postgres), else the type (database), else the kind (store).
    type: e.tech ?? e.type ?? e.kind,
    ...(e.description ? { description: e.description } : {}),
    parent: { trustZone: parent },
    tags,
    // handles -> processed, stores -> stored, as the model says them (the spec's asset instance).
    ...(e.handles.length || e.stores.length
      ? { assets: { ...(e.handles.length ? { processed: [...e.handles] } : {}), ...(e.stores.length ? { stored: [...e.stores] } : {}) } }
      : {}),
    ...(threats ? { threats } : {}),
    attributes: attributes([
      ['kind', e.kind], ['type', e.type], ['tech', e.tech], ['auth', e.auth], ['controls', list(e.controls)],
      ['endpoints', list(e.endpoints.map((ep) => ep.key))], ['exposed', e.exposed === undefined ? undefined : String(e.exposed)],
      ['privileged', e.privileged ? 'true' : undefined], ['replicas', e.replicas === undefined ? undefined : String(e.replicas)],
      ['owner', e.owner], ...endpointAttributes(e),
    ]),
  };
}

function dataflow(f: Flow, threats: OtmThreatInstance[] | undefined): OtmDataflow {
  return {
    id: f.id,
    // `source -> target` by id, as the model writes flows; a flow's own name, when it has one, is kept
    // in the attributes.
    name: `${f.from} -> ${f.to}`,
    ...(f.description ? { description: f.description } : {}),
    // A threatmap flow is a call from its source with the reply implied: OTM's arrow from the caller. The
    // import reads a bidirectional dataflow as that same one flow, and the model keeps no trace that it
    // was one, so a bidirectional dataflow imported and exported again comes out one-way (same analysis).
    bidirectional: false,
    source: f.from,
    destination: f.to,
    ...(f.data.length ? { assets: [...f.data] } : {}),
    tags: [`protocol:${f.protocol}`, `auth:${f.auth}`, `encrypted:${f.encrypted}`],
    ...(threats ? { threats } : {}),
    attributes: attributes([
      ['name', f.name], ['protocol', f.protocol], ['auth', f.auth], ['encrypted', String(f.encrypted)], ['credential', f.credential],
      ['endpoint', f.endpoint], ['port', f.port === undefined ? undefined : String(f.port)], ['controls', list(f.controls)],
      ['synchronous', String(f.synchronous)],
    ]),
  };
}

function asset(a: Asset): OtmAsset {
  return {
    id: a.id,
    name: a.name,
    ...(a.description ? { description: a.description } : {}),
    risk: {
      confidentiality: LEVEL_SCORE[a.confidentiality],
      integrity: LEVEL_SCORE[a.integrity],
      availability: LEVEL_SCORE[a.availability],
      comment: `classification ${a.classification}: confidentiality ${a.confidentiality}, integrity ${a.integrity}, ` +
        `availability ${a.availability} (threatmap levels low, medium, high as 25, 50, 75)`,
    },
    // `assumed` too: without it an import's placeholder would come back rated as data someone classified.
    attributes: attributes([['kind', a.kind], ['type', a.type], ['classification', a.classification], ['assumed', a.assumed ? 'true' : undefined]]),
  };
}

/** `fact (file:line)` for each piece of evidence, as the CSV export writes them. */
const evidenceText = (t: Threat, file: string): string => t.evidence.map((e) => `${e.fact} (${file}:${e.line})`).join('; ');

function threat(t: Threat, id: string, file: string): OtmThreat {
  const tr = t.triage;
  const made = decisionScope(t);
  return {
    id,
    name: t.title,
    description: t.description,
    // The STRIDE category in Microsoft's spelling (files in the wild vary: "Elevation of Privileges").
    categories: [STRIDE_NAMES[t.stride]],
    // Only CWE ids go here (the schema's field); CAPEC and OWASP references are in the attributes.
    cwes: t.references.filter((x) => /^CWE-\d+$/.test(x)),
    risk: {
      likelihood: RATING_SCORE[t.likelihood.level],
      likelihoodComment: `${t.likelihood.level}: ${t.likelihood.reason}`,
      impact: RATING_SCORE[t.impact.level],
      impactComment: `${t.impact.level}: ${t.impact.reason}`,
    },
    attributes: {
      ...attributes([
        ['ruleId', t.ruleId],
        // OTM has no overall risk: threatmap's Critical/High/Medium/Low from its 3x3 matrix, as in the report.
        ['risk', t.risk],
        ['reportId', t.id],
        ['key', t.key],
        ['stride', t.stride],
        ['component', t.component],
        ['componentKind', t.componentKind],
        ['endpoint', t.endpoint],
        ['flows', list(t.flows)],
        ['evidence', evidenceText(t, file)],
        ['references', list(t.references)],
        ['status', statusOf(t)],
        ['declaredStatus', tr?.declared],
        ['reason', tr?.reason],
        ['owner', tr?.owner],
        ['ticket', tr?.ticket],
        ['expires', tr?.expires],
        ['review', tr?.review],
        ['decisionRisk', made.risk],
      ]),
      ...decisionCovers(made.covers),
    },
  };
}

/**
 * A decision's recorded flows, `a->b, c->d`; present and empty for an entry recording `covers: []` (a scope of
 * the key's component alone, which the import reads back as such), absent for one recording no scope.
 */
const decisionCovers = (covers: readonly string[] | undefined): OtmAttributes => (covers === undefined ? {} : { decisionCovers: covers.join(', ') });

/**
 * One mitigation per distinct mitigation text of a rule (a finding may carry a more specific text than
 * its rule's generic one). The id is `M-` and the rule id, like the threats' `TM-`; a rule with several
 * texts gets `M-<ruleId>-<8 hex digits of the text>` for each, named by its text rather than by its rank
 * among them, so that a new text does not renumber the others.
 */
function mitigations(threats: readonly Threat[], rules: readonly RuleMeta[], taken: Set<string>): {
  list: OtmMitigation[]; idOf: (t: Threat) => string;
} {
  const texts = new Map<string, Set<string>>();
  for (const t of threats) {
    let s = texts.get(t.ruleId);
    if (!s) texts.set(t.ruleId, (s = new Set()));
    s.add(t.mitigation);
  }
  const metas = new Map(rules.map((m) => [m.id, m]));
  const ids = new Map<string, Map<string, string>>();
  const out: OtmMitigation[] = [];
  for (const ruleId of [...texts.keys()].sort()) {
    const own = texts.get(ruleId)!;
    const byText = new Map<string, string>();
    ids.set(ruleId, byText);
    const controls = metas.get(ruleId)?.mitigatedBy ?? [];
    for (const text of [...own].sort()) {
      const base = own.size === 1 ? `M-${ruleId}` : `M-${ruleId}-${fnv1a32(text).toString(16).padStart(8, '0')}`;
      const id = unique(base, taken);
      byText.set(text, id);
      out.push({
        id,
        name: mitigationName(text),
        description: text,
        riskReduction: MITIGATION_RISK_REDUCTION,
        attributes: attributes([['ruleId', ruleId], ['controls', list([...controls])]]),
      });
    }
  }
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { list: out, idOf: (t) => ids.get(t.ruleId)!.get(t.mitigation)! };
}

// --- The document -------------------------------------------------------------------------------------

export function buildOtm(r: AnalysisResult, options: OtmOptions = {}): OtmDocument {
  // Threat ids are the stable uids (TM-xxxxxxxx); two threats whose keys hash alike (32 bits) would share
  // one, so a second gets a suffix rather than silently merging in the importing tool.
  const threatIds = new Set<string>();
  const threatIdOf = new Map<Threat, string>();
  for (const t of r.threats) threatIdOf.set(t, unique(uidOf(t), threatIds));
  const mits = mitigations(r.threats, options.rules ?? BUILTIN_RULES, new Set());

  // Where each threat's instance goes. An element's threat (endpoint threats included: their component is
  // the element) sits on that component; a flow's on that dataflow. A boundary's or the whole system's
  // threat has no OTM component of its own (trust zones carry no threats), so it sits on each flow it
  // covers, else (a boundary threat about its members, such as a shared container platform) on each
  // component directly in that boundary; a system threat with no flows stays in `threats` unattached.
  const onComponent = new Map<string, OtmThreatInstance[]>();
  const onFlow = new Map<string, OtmThreatInstance[]>();
  const push = (m: Map<string, OtmThreatInstance[]>, id: string, inst: OtmThreatInstance) => {
    const l = m.get(id);
    if (l) l.push(inst);
    else m.set(id, [inst]);
  };
  const elementIds = new Set(r.elements.map((e) => e.id));
  const flowIds = new Set(r.flows.map((f) => f.id));
  // Each boundary's own elements, built only when a boundary threat needs them.
  let members: Map<string, string[]> | undefined;
  const membersOf = (boundary: string): string[] => {
    if (!members) {
      const m = new Map<string, string[]>();
      for (const e of r.elements) {
        if (e.boundary === undefined) continue;
        const l = m.get(e.boundary);
        if (l) l.push(e.id);
        else m.set(e.boundary, [e.id]);
      }
      members = m;
    }
    return members.get(boundary) ?? [];
  };
  for (const t of r.threats) {
    const status = statusOf(t);
    // A fresh object per place: the YAML form would otherwise write anchors and aliases for shared ones.
    const instance = (): OtmThreatInstance => ({
      threat: threatIdOf.get(t)!,
      state: THREAT_STATE[status],
      mitigations: [{ mitigation: mits.idOf(t), state: MITIGATION_STATE[status] }],
    });
    if (t.componentKind === 'flow' && flowIds.has(t.component)) push(onFlow, t.component, instance());
    else if (t.componentKind !== 'boundary' && t.componentKind !== 'system' && elementIds.has(t.component)) push(onComponent, t.component, instance());
    else if (t.flows.some((f) => flowIds.has(f))) {
      for (const f of new Set(t.flows)) if (flowIds.has(f)) push(onFlow, f, instance());
    } else if (t.componentKind === 'boundary') {
      for (const e of membersOf(t.component)) push(onComponent, e, instance());
    }
  }

  const taken = new Set<string>([...r.boundaries.map((b) => b.id), ...elementIds, ...flowIds]);
  const defaults = defaultZones(r, taken);
  const trustZones = [...r.boundaries.map(trustZone), ...TRUST_LEVELS.flatMap((t) => (defaults.has(t) ? [defaults.get(t)!] : []))];
  const zoneOf = (e: Element): string => e.boundary ?? defaults.get(defaultTrust(e))!.id;

  return {
    otmVersion: OTM_VERSION,
    project: project(r, options.model),
    assets: r.assets.map(asset),
    trustZones,
    components: r.elements.map((e) => component(e, zoneOf(e), onComponent.get(e.id))),
    dataflows: r.flows.map((f) => dataflow(f, onFlow.get(f.id))),
    threats: r.threats.map((t) => threat(t, threatIdOf.get(t)!, r.file)),
    mitigations: mits.list,
  };
}

/** The OTM document as JSON (`JSON.stringify(buildOtm(r), null, 2)` and a line break), in pieces. */
export const renderOtmChunks = (r: AnalysisResult, options: OtmOptions = {}): Iterable<string> =>
  jsonObjectChunks(buildOtm(r, options) as unknown as Record<string, unknown>);

/** The OTM document as JSON, OTM's usual form for tools. */
export const renderOtm = (r: AnalysisResult, options: OtmOptions = {}): string => joinChunks(renderOtmChunks(r, options));

/**
 * The OTM document as YAML, for `-o model.otm.yaml`. Written as YAML 1.1 (no directive): every string a
 * YAML 1.1 reader would take for something else (`yes`, `no`, `on`, `1:20`) is quoted, and StartLeft
 * reads OTM with PyYAML, a YAML 1.1 parser; the text reads the same under YAML 1.2. No anchors or aliases,
 * and no folding of long lines.
 */
export function renderOtmYaml(r: AnalysisResult, options: OtmOptions = {}): string {
  return stringifyYaml(buildOtm(r, options), { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 });
}
