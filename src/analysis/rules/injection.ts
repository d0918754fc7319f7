// Injection: untrusted input reaching an interpreter.
import { TECHNOLOGIES, type TechTrait } from '../../model/catalog.js';
import { namesOneExport } from '../../model/normalize.js';
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, type Exposure, isPassThrough } from '../context.js';
import { assetImpact, PROPERTY_IMPACT_MEANING, rated } from '../risk.js';
import type { RatedLevel } from '../types.js';
import { highConfidentiality, isBroker, isNoSqlStore, isSqlStore, producersOf, sensitive } from './facts.js';
import { perModel, targetKind, targetNames, targetOf, targetsOfKind } from './family-shared.js';
import { it, itObject, its, says, verbFor } from './grammar.js';
import {
  endpointComponent, endpointExposure, endpointTarget, evidence, factTags, flowIds, internetLikelihood, inUntrustedZone, isExposed, mitigatedBy,
  runsAppCode, unlessControlled, withArticle,
} from './helpers.js';
import { type ServedEndpoint, servedEndpoints } from './authorization.js';
import { servedEvidence } from './served.js';
import type { CheckResult, ElementRule, EndpointRule, EvidenceRef, Outcome } from './types.js';

const SQL_CONTROLS = ['parameterized-queries'] as const;
const SQL_TARGETS = targetKind(isSqlStore, true);

/** The flows that declare none of the controls themselves (a control on a query flow guards that flow). */
const unguarded = (flows: readonly Flow[], controls: readonly string[]): Flow[] =>
  flows.filter((f) => !controls.some((c) => f.controls.includes(c)));

/** Every query flow declares a control: mitigated by the controls they declare. */
function guardedOnEveryFlow(element: Element, flows: readonly Flow[], controls: readonly string[], reason: string | ((present: string[]) => string)): Outcome {
  const present = controls.filter((c) => flows.some((f) => f.controls.includes(c)));
  return mitigatedBy(present, { component: element.id, componentKind: 'element', flows: flowIds(flows) }, typeof reason === 'string' ? reason : reason(present));
}
/** Likelihood when untrusted input reaches the interpreter only through other components. */
const SOME_SKILL = 'input arrives through other components: some skill';

/**
 * What injection into `stores` exposes: what they hold, by its confidentiality; with no data named, a partial
 * exposure, as the transport rules rate traffic that names none (the model does not say the store matters).
 */
const injectionImpact = (assets: readonly Asset[], stores: string): RatedLevel =>
  assetImpact(assets, 'confidentiality', rated('Medium', `${stores}, with no data named: ${PROPERTY_IMPACT_MEANING.confidentiality.Medium}`));

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A path parameter (`{id}`, `:id`, `<id>`) or a query string: input the route itself carries. */
const ROUTE_INPUT = /\/[{:<]|\?/;
/** An endpoint that only reads, takes no parameters in its route, accepts nothing and is no search. */
const takesNoInput = (ep: Endpoint): boolean =>
  ep.methods.length > 0 && ep.methods.every((m) => READ_METHODS.has(m)) && ep.accepts.length === 0 && ep.kind !== 'search' && !ROUTE_INPUT.test(ep.route);

/**
 * The routes the element serves: its own, with those a proxy in front declares for it (see servedEndpoints),
 * so that an application whose routes are written on its proxy is judged on them. A forwarding element parses
 * no bodies and builds no queries: only routes that no application behind it is known to serve stay its own.
 */
function servedRoutes(ctx: AnalysisContext, element: Element): readonly ServedEndpoint[] {
  const served = servedEndpoints(ctx, element);
  if (served !== undefined) return served.endpoints;
  return isPassThrough(element) ? [] : element.endpoints.map((ep) => ({ ep }));
}

/**
 * Injection needs a query built from what callers send. Only a declared endpoint that takes input (route
 * parameters, a query string, `accepts`, a body, a search) shows that; a process whose endpoints all take none
 * (a results page of fixed queries), or that declares none (a draft from Terraform or Compose), shows nothing
 * of the kind: reachability alone made a first draft's top threat a guess (session 17's review, finding 8).
 */
function injectionLikelihood(ctx: AnalysisContext, element: Element, exposure: Exposure, fromInternet: string): RatedLevel {
  if (exposure !== 'internet') return rated('Medium', SOME_SKILL);
  const endpoints = servedRoutes(ctx, element).map((s) => s.ep);
  if (endpoints.length === 0) {
    return rated('Medium', 'it declares no endpoints: nothing shows queries built from input (declare its endpoints to rate it)');
  }
  if (endpoints.every(takesNoInput)) {
    return rated('Medium', 'its endpoints only read, with no parameters or accepted input: queries are less likely built from input');
  }
  return rated('High', fromInternet);
}
/**
 * Software run as shipped (a mail catcher) builds its queries in its vendor's code: injection there is a
 * vendor advisory to patch, not a flaw of ours the query rules could point at.
 */
const writesOwnQueries = (e: Element): boolean => !e.traits.includes('off-the-shelf');

export const sqlInjection: ElementRule = {
  id: 'sql-injection',
  stride: 'I',
  title: 'SQL injection',
  description:
    'A process reachable from an untrusted zone that queries a SQL database and does not declare parameterized queries: crafted input rewrites its queries and reads or changes the whole database.',
  condition: 'a process reachable from an untrusted zone (not `off-the-shelf` software, whose queries are its vendor\'s) with a flow to a store with the `sql` trait, without `parameterized-queries` on the process or on that flow',
  mitigation: 'Use parameterized queries or a query builder everywhere, validate input against allow-lists, and give the service a database account with least privilege.',
  action: { text: 'Use parameterized queries for every database access in {targets}' },
  mitigatedBy: SQL_CONTROLS,
  references: ['CWE-89', 'CAPEC-66', 'OWASP Top 10 A03', 'OWASP ASVS V5.3'],
  rating: 'Likelihood High when reachable from the internet and an endpoint the process serves (declared on it, or on a proxy in front for it) takes input (automated with public tools), Medium otherwise: reachable only through other components, no endpoints declared on it or for it (nothing shows queries built from input), or every declared endpoint only reads and takes no input (no route parameters, query string or `accepts`, no search); impact from the confidentiality of the data in the database, Medium when it names none.',
  example: "elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: postgres }\nflows:\n  - visitor -> api: https\n  - api -> db: sql+tls",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!writesOwnQueries(element)) return undefined;
    const exposure = ctx.exposure(element.id);
    if (!isExposed(exposure)) return undefined;
    const found = targetsOfKind(ctx, SQL_TARGETS, element);
    if (found === undefined) return undefined;
    const sqlFlows = unguarded(found, SQL_CONTROLS);
    if (sqlFlows.length === 0) return guardedOnEveryFlow(element, found, SQL_CONTROLS, 'queries are parameterized');
    return unlessControlled(ctx, { element, flows: sqlFlows }, SQL_CONTROLS, 'queries are parameterized', (missing) => {
      const targets = sqlFlows.map((f) => targetOf(ctx, f));
      // The databases once each, in id order (usually there is one).
      const dbs: Element[] = [];
      for (const t of targets) if (!dbs.includes(t)) dbs.push(t);
      if (dbs.length > 1) dbs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const assets = dbs.length === 1 ? ctx.assetsOf(dbs[0].id) : dbs.flatMap((d) => ctx.assetsOf(d.id));
      const dbNames = dbs.length === 1 ? dbs[0].name : dbs.map((d) => d.name).join(', ');
      // Each database once, at its first query flow.
      const evidenceList: EvidenceRef[] = new Array(dbs.length + 1);
      for (let i = 0; i < dbs.length; i++) evidenceList[i] = evidence(`${says(element.name, 'queries')} ${dbs[i].name} (SQL)`, sqlFlows[targets.indexOf(dbs[i])].at);
      evidenceList[dbs.length] = missing;
      return {
        title: `SQL injection from ${element.name} into ${dbNames}`,
        description: `${says(element.name, 'takes')} input from an untrusted zone and ${verbFor(element.name, 'queries')} ${dbNames}; without parameterized queries crafted input can read or change any data there.`,
        likelihood: injectionLikelihood(ctx, element, exposure, 'reachable from the internet: injection is found and exploited with public tools'),
        impact: injectionImpact(assets, dbNames),
        evidence: evidenceList,
      };
    });
  },
};

/**
 * Injection into a downstream interpreter: a process reachable from untrusted input that talks to
 * components with a trait (`nosql`, `ldap`), without the controls that neutralise the input.
 */
function downstreamInjection(spec: {
  id: string;
  title: string;
  stride: 'I' | 'T' | 'E';
  what: string;
  picks: (t: Element) => boolean;
  pickText: string;
  controls: readonly string[];
  mitigation: string;
  /** Advice that fits the interpreters reached better than `mitigation` does (undefined: `mitigation`). */
  mitigationFor?: (targets: readonly Element[]) => string | undefined;
  action: string;
  references: string[];
  example: string;
}): ElementRule {
  const targets = targetKind(spec.picks);
  return {
    id: spec.id,
    stride: spec.stride,
    title: spec.title,
    description: `A process reachable from an untrusted zone sends queries to ${spec.what} and does not declare ${spec.controls.join(' or ')}: crafted input changes the query and reads or changes data it should not.`,
    condition: `a process reachable from an untrusted zone (not \`off-the-shelf\` software, whose queries are its vendor's) with a flow to ${spec.pickText}, without ${spec.controls.map((c) => `\`${c}\``).join(' or ')} on the process or on that flow`,
    mitigation: spec.mitigation,
    action: { text: spec.action },
    mitigatedBy: spec.controls,
    references: spec.references,
    rating: 'Likelihood High when reachable from the internet and an endpoint the process serves (declared on it, or on a proxy in front for it) takes input (automated with public tools), Medium otherwise: reachable only through other components, no endpoints declared on it or for it (nothing shows queries built from input), or every declared endpoint only reads and takes no input (no route parameters, query string or `accepts`, no search); impact from the confidentiality of the data behind the interpreter, Medium when it names none.',
    example: spec.example,
    appliesTo: 'element',
    kinds: ['process'],
    check(element, ctx) {
      if (!writesOwnQueries(element)) return undefined;
      const exposure = ctx.exposure(element.id);
      if (!isExposed(exposure)) return undefined;
      const found = targetsOfKind(ctx, targets, element);
      if (found === undefined) return undefined;
      const neutralised = (present: string[]) => `input is neutralised (${present.join(', ')})`;
      const hits = unguarded(found, spec.controls);
      if (hits.length === 0) return guardedOnEveryFlow(element, found, spec.controls, neutralised);
      return unlessControlled(ctx, { element, flows: hits }, spec.controls, neutralised, (missing) => {
        const names = [...new Set(hits.map((f) => targetOf(ctx, f).name))].sort().join(', ');
        const assets = hits.flatMap((f) => ctx.assetsOf(f.to));
        const mitigation = spec.mitigationFor?.([...new Set(hits.map((f) => targetOf(ctx, f)))]);
        return {
          ...(mitigation === undefined ? {} : { mitigation }),
          title: `${spec.title} from ${element.name} into ${names}`,
          description: `${says(element.name, 'takes')} input from an untrusted zone and ${verbFor(element.name, 'queries')} ${names}; without ${spec.controls.join(' or ')} crafted input changes the queries.`,
          likelihood: injectionLikelihood(ctx, element, exposure, 'reachable from the internet: injection is found with public tools'),
          impact: injectionImpact(assets, names),
          // Each target once, at its first flow.
          evidence: [...hits.filter((f, i) => hits.findIndex((g) => g.to === f.to) === i).slice(0, 3).map((f) => evidence(`${says(element.name, 'queries')} ${targetOf(ctx, f).name}`, f.at)), missing],
        };
      });
    },
  };
}

/**
 * Advice in the query language of the stores reached, when they all speak one the generic text does not fit:
 * DynamoDB keeps values apart from expressions unless code concatenates them (PartiQL, expression strings), and a
 * search engine is injected through query strings and scripts, not MongoDB's operator objects; InfluxDB through
 * Flux or InfluxQL text and the line protocol's unescaped separators.
 */
function nosqlAdvice(targets: readonly Element[]): string | undefined {
  if (targets.every((t) => t.tech === 'dynamodb')) {
    return 'Keep every value in ExpressionAttributeValues (and names in ExpressionAttributeNames), never concatenate input into key condition, filter, update or PartiQL statements, validate input types against a schema (API Gateway request validation or in the function), and scope each function\'s IAM policy to the items it needs (dynamodb:LeadingKeys).';
  }
  if (targets.every((t) => t.tech === 'influxdb')) {
    return 'Pass input to Flux and InfluxQL as bound parameters (the `params` of the query API), never concatenate it into query text, escape commas, spaces and equals signs in tag keys, tag values and field keys written in line protocol, allow-list measurement, tag and field names taken from input, and give the application a token scoped to its buckets (read or write).';
  }
  if (targets.every((t) => t.type === 'search-index')) {
    return 'Build queries with the query DSL and typed parameters, never pass input to `query_string` or script queries, validate and allow-list fields and sort keys, disable or sandbox scripting, and give the application a role limited to its indexes.';
  }
  return undefined;
}

export const nosqlInjection = downstreamInjection({
  id: 'nosql-injection',
  title: 'NoSQL injection',
  stride: 'I',
  what: 'a NoSQL database or search index',
  picks: isNoSqlStore,
  pickText: 'a database or search index with the `nosql` trait',
  controls: ['parameterized-queries', 'input-validation'],
  mitigation: 'Build queries with typed query builders, reject operator objects (`$ne`, `$where`) in input, validate input against a schema, and disable server-side JavaScript.',
  mitigationFor: nosqlAdvice,
  action: 'Validate input and build NoSQL queries safely in {targets}',
  references: ['CWE-943', 'CAPEC-676', 'OWASP Top 10 A03'],
  example: "elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: mongodb }\nflows:\n  - visitor -> api: https\n  - api -> db: mongodb+tls",
});

export const ldapInjection = downstreamInjection({
  id: 'ldap-injection',
  title: 'LDAP injection',
  stride: 'I',
  what: 'an LDAP directory',
  picks: (t) => t.traits.includes('ldap'),
  pickText: 'an element with the `ldap` trait',
  controls: ['input-validation', 'output-encoding'],
  mitigation: 'Escape every value placed in an LDAP filter or DN (RFC 4515), validate input against allow-lists, and bind with a read-only account.',
  action: 'Escape LDAP filters and validate input in {targets}',
  references: ['CWE-90', 'CAPEC-136', 'OWASP Top 10 A03'],
  example: "elements:\n  visitor: { tech: browser }\n  portal: { type: web-app }\n  directory: { tech: active-directory }\nflows:\n  - visitor -> portal: https\n  - portal -> directory: ldaps",
});

/** Where a broker-fed consumer's messages come from, in words: who produces them. */
interface BrokerInput {
  via: Flow;
  producers: string;
}

/** A broker the element consumes that producers outside our trusted zones feed (exposed ones, or ones in an untrusted zone). */
function brokerInput(ctx: AnalysisContext, element: Element): BrokerInput | undefined {
  for (const f of ctx.graph.inFlows(element.id)) {
    const src = ctx.graph.elements.get(f.from);
    if (!isBroker(src)) continue;
    const who = fedFromOutside(ctx, src!);
    if (who !== undefined) return { via: f, producers: who };
  }
  return undefined;
}

/** Per broker (by position): who feeds it from outside, null for no one, once asked (by each of its consumers). */
const fedFromOutsideAt: (ctx: AnalysisContext) => (string | null | undefined)[] = perModel((ctx) => new Array(ctx.graph.model.elements.length));

/** Who, in words, feeds the broker from outside our trusted zones; undefined when no such producer does. */
function fedFromOutside(ctx: AnalysisContext, broker: Element): string | undefined {
  const i = ctx.graph.positionOf(broker.id);
  if (i < 0 || ctx.graph.model.elements[i] !== broker) return whoFeeds(ctx, broker);
  const table = fedFromOutsideAt(ctx);
  let known = table[i];
  if (known === undefined) {
    known = whoFeeds(ctx, broker) ?? null;
    table[i] = known;
  }
  return known ?? undefined;
}

function whoFeeds(ctx: AnalysisContext, broker: Element): string | undefined {
  const producers = producersOf(ctx, broker);
  // A producer in an untrusted zone itself (a device, a partner publishing straight into the queue) counts too.
  const outside = producers.some((p) => inUntrustedZone(ctx, p.id));
  const exposed = producers.some((p) => isExposed(ctx.exposure(p.id)));
  if (!outside && !exposed) return undefined;
  return [...(outside ? ['components in an untrusted zone'] : []), ...(exposed ? ['exposed components'] : [])].join(' and ');
}

/**
 * Untrusted data reaches the element: it is exposed, or it consumes a broker fed from outside. The broker
 * is looked for first, even for a component the internet also reaches, as messages are what such a
 * consumer parses (the rating says so).
 */
function untrustedInput(ctx: AnalysisContext, element: Element): { via?: BrokerInput } | undefined {
  const via = brokerInput(ctx, element);
  if (via !== undefined) return { via };
  return isExposed(ctx.exposure(element.id)) ? {} : undefined;
}

/**
 * What shows a risky capability (parsing XML, rendering templates, deserialising objects) used on input, as
 * opposed to a framework that merely has it: Spring parses XML if asked, Django renders templates, a JVM can
 * deserialise objects. The trait such a framework's tech brings is a capability; a tag, an endpoint, a flow or
 * a sign-in method that carries the content is use.
 */
interface CapabilityUse {
  /** Tags a person (or `threatmap discover`, with `:file:line`) writes to say the element does it: the trait first. */
  tags: readonly string[];
  /** Words naming the content in a route, an endpoint's name, an asset it takes or a flow's protocol. */
  words: RegExp;
  /** Sign-in methods whose messages are that content (SAML assertions are XML). */
  auth?: readonly string[];
}

/** How the model shows the capability used: a tag says so without saying where; the others say where. */
interface UseFound {
  /** One entry, or one per place for a tag the files write in several (two instances merged, a module used twice). */
  evidence: EvidenceRef[];
  where: 'tag' | 'input';
}

/** A word standing alone in a route or name: `/soap`, `users.xml`, `saml_acs`, not `/xmlish` or `/samlple`. */
const wordsPattern = (words: readonly string[]): RegExp => new RegExp(`(?:^|[^a-z0-9])(?:${words.join('|')})(?:[^a-z0-9]|$)`, 'i');

const tagUse = (element: Element, use: CapabilityUse): UseFound | undefined => {
  for (const name of use.tags) {
    const places = factTags(element, name);
    if (places.length === 0) continue;
    const cited = places.map((tag) => evidence(`${says(element.name, 'is')} tagged \`${name}\`${tag.where ? ` (${tag.where})` : ''}`, [...element.at, 'tags', tag.index]));
    return { evidence: cited, where: 'tag' };
  }
  return undefined;
};

/** Whether an asset an endpoint or flow carries is named for the content, by its id or name: what the model calls it. */
const assetSays = (id: string, use: CapabilityUse, assets: ReadonlyMap<string, Asset>): boolean =>
  use.words.test(id) || use.words.test(assets.get(id)?.name ?? id);

function someAssetSays(ids: readonly string[], use: CapabilityUse, assets: ReadonlyMap<string, Asset>): boolean {
  for (let i = 0; i < ids.length; i++) if (assetSays(ids[i], use, assets)) return true;
  return false;
}

/**
 * Whether an endpoint takes content from its callers: a write method, `accepts`, an upload, or methods the model
 * does not name. A read with none of these (`GET /sitemap.xml`, `GET /reports/{id}.xlsx`) serves that content.
 */
const takesContent = (ep: Endpoint): boolean =>
  ep.methods.length === 0 || ep.methods.some((m) => !READ_METHODS.has(m)) || ep.accepts.length > 0 || ep.kind === 'upload';

/**
 * For triage (src/track/key-migrations.ts): an element whose XML, template or serialized-object threat session
 * 18 stopped reporting by design: a forwarding element (the application behind it parses), one serving a route
 * that takes no content (a sitemap it serves), or one a trusted internal caller sends the content to.
 */
export const contentInputNarrowed = (e: Element, inFlows: readonly Flow[], byId: ReadonlyMap<string, Element>): boolean =>
  e.kind === 'process' && (isPassThrough(e) || e.endpoints.some((ep) => !takesContent(ep)) || inFlows.some((f) => byId.get(f.from)?.kind !== 'external'));

/** An endpoint that takes the content (see takesContent), or signs callers in with it: what it says, and where. */
function endpointUse(ep: Endpoint, use: CapabilityUse, assets: ReadonlyMap<string, Asset>): { what: string; at: EvidenceRef['at'] } | undefined {
  if (takesContent(ep)) {
    if (use.words.test(ep.route) || (ep.name !== ep.key && use.words.test(ep.name))) return { what: 'names the content it takes', at: ep.at };
    const asset = ep.accepts.find((id) => assetSays(id, use, assets));
    if (asset !== undefined) return { what: `accepts ${assets.get(asset)?.name ?? asset}`, at: [...ep.at, 'accepts'] };
  }
  // A sign-in's messages arrive whatever the method (SAML's redirect binding is a GET).
  if (use.auth?.includes(ep.auth)) return { what: `signs callers in with ${ep.auth}`, at: ep.authAt ?? ep.at };
  return undefined;
}

/** The caller is named only for a flow that shows the content: most flows show none. */
function flowUse(ctx: AnalysisContext, f: Flow, use: CapabilityUse, assets: ReadonlyMap<string, Asset>): EvidenceRef | undefined {
  if (use.words.test(f.protocol)) return evidence(`${says(callerName(ctx, f), 'sends')} ${f.protocol}`, f.at);
  if (someAssetSays(f.data, use, assets)) return evidence(`${says(callerName(ctx, f), 'sends')} ${f.data.map((id) => assets.get(id)?.name ?? id).join(', ')}`, f.at);
  if (use.auth?.includes(f.auth)) return evidence(`${says(callerName(ctx, f), 'signs')} in with ${f.auth}`, f.at);
  return undefined;
}

const callerName = (ctx: AnalysisContext, f: Flow): string => ctx.graph.elements.get(f.from)?.name ?? f.from;

/**
 * Whether a caller's data counts as untrusted input: it sits in an untrusted zone, the internet reaches it
 * (any exposure, unless only the internet's counts), or it is a broker fed from outside. A trusted internal
 * system (an ERP sending invoices) is no attacker's way in.
 */
function untrustedCaller(ctx: AnalysisContext, from: string, internetOnly: boolean): boolean {
  if (inUntrustedZone(ctx, from)) return true;
  const exposure = ctx.exposure(from);
  if (internetOnly ? exposure === 'internet' : isExposed(exposure)) return true;
  const src = ctx.graph.elements.get(from);
  return !internetOnly && isBroker(src) && fedFromOutside(ctx, src!) !== undefined;
}

/**
 * Where the model shows the element using the capability on what it receives: a tag on it, else one of the
 * endpoints it serves (its own or declared on a proxy in front) that untrusted callers reach (`reaches` says
 * which count), else a flow into it from an untrusted caller, else its own sign-in method. Undefined when
 * nothing does: the capability alone is no finding.
 */
function capabilityUsed(ctx: AnalysisContext, element: Element, use: CapabilityUse, reaches: (s: ServedEndpoint) => boolean, internetOnly: boolean): UseFound | undefined {
  const tagged = tagUse(element, use);
  if (tagged !== undefined) return tagged;
  const assets = ctx.graph.assets;
  for (const s of servedRoutes(ctx, element)) {
    const found = endpointUse(s.ep, use, assets);
    if (found !== undefined && reaches(s)) return { evidence: [{ ...servedEvidence(s, element, found.what), at: found.at }], where: 'input' };
  }
  for (const f of ctx.graph.inFlows(element.id)) {
    const found = flowUse(ctx, f, use, assets);
    if (found !== undefined && untrustedCaller(ctx, f.from, internetOnly)) return { evidence: [found], where: 'input' };
  }
  if (element.auth !== undefined && use.auth?.includes(element.auth)) {
    return { evidence: [evidence(`${says(element.name, 'signs')} callers in with ${element.auth}`, [...element.at, 'auth'])], where: 'input' };
  }
  return undefined;
}

function interpreterRule(spec: {
  id: string;
  stride: 'E' | 'I' | 'T';
  title: string;
  description: string;
  condition: string;
  trait: TechTrait;
  controls: readonly string[];
  mitigation: string;
  action: string;
  references: string[];
  rating: string;
  example: string;
  /**
   * When the trait is a capability (a framework's, by its tech), what shows it used: then the rule reports
   * only with such evidence, whether or not the tech brings the trait. Absent: the trait is the tool's very
   * job (a converter runs commands on its input), and reports alone.
   */
  use?: CapabilityUse | ((ctx: AnalysisContext, e: Element) => CapabilityUse);
  /** Likelihood when untrusted data arrives directly and nothing says where it is used (the trait, a tag); through a broker it is Medium. */
  direct: { level: 'Low' | 'Medium'; reason: string };
  /** Likelihood when an endpoint, flow or sign-in method shows where the capability meets input. */
  located?: { level: 'Low' | 'Medium'; reason: string };
  /** Only input straight from the internet counts (not through other components or brokers). */
  internetOnly?: boolean;
  /** Software beyond `off-the-shelf` whose parsing of the content is its vendor's code: no finding of ours there. */
  vendorParses?: (e: Element) => boolean;
  impact: (ctx: AnalysisContext, e: Element) => ReturnType<typeof rated>;
  /** What the process does with its input, agreeing with its name as the subject. */
  does: (name: string) => string;
}): ElementRule {
  /** Whether an endpoint's callers count as the untrusted input the rule is about. */
  const reaches = (ctx: AnalysisContext, element: Element) => (s: ServedEndpoint): boolean => {
    const exposure = endpointExposure(s.ep, s.via ?? element, ctx);
    return spec.internetOnly ? exposure === 'internet' : isExposed(exposure);
  };
  return {
    id: spec.id,
    stride: spec.stride,
    title: spec.title,
    description: spec.description,
    condition: spec.condition,
    mitigation: spec.mitigation,
    action: { text: spec.action },
    mitigatedBy: spec.controls,
    references: spec.references,
    rating: spec.rating,
    example: spec.example,
    appliesTo: 'element',
    kinds: ['process'],
    check(element, ctx) {
      const capable = element.traits.includes(spec.trait);
      if (spec.use === undefined ? !capable : !writesOwnQueries(element)) return undefined;
      if (spec.vendorParses?.(element)) return undefined;
      // Input straight from the internet only: what arrives through a broker is not what this rule is about.
      const input = spec.internetOnly ? (ctx.exposure(element.id) === 'internet' ? {} : undefined) : untrustedInput(ctx, element);
      if (!input) return undefined;
      const use = typeof spec.use === 'function' ? spec.use(ctx, element) : spec.use;
      const used = use === undefined ? undefined : capabilityUsed(ctx, element, use, reaches(ctx, element), spec.internetOnly === true);
      if (spec.use !== undefined && used === undefined) return undefined;
      const { via } = input;
      const contained = (present: string[]) => `untrusted input is contained (${present.join(', ')})`;
      const direct = used?.where === 'input' && spec.located ? spec.located : spec.direct;
      return unlessControlled(ctx, { element }, spec.controls, contained, (missing) => ({
        title: `${spec.title} in ${element.name}`,
        description: `${element.name} (${element.tech ?? element.type ?? 'process'}) ${spec.does(element.name)}, and ${verbFor(element.name, 'receives')} data from an untrusted zone${via ? ' through a message broker' : ''}.`,
        likelihood: via
          ? rated('Medium', `${it(element.name)} ${verbFor(element.name, 'consumes')} messages that ${via.producers} produce: crafted messages need some skill`)
          : rated(direct.level, direct.reason),
        impact: spec.impact(ctx, element),
        evidence: [
          ...(capable ? [evidence(`${says(element.name, 'has')} the ${spec.trait} trait (${element.tech ?? element.type})`, element.at)] : []),
          via ? evidence(`consumes messages produced by ${via.producers}`, via.via.at) : evidence(`${says(element.name, 'is')} reachable from an untrusted zone`, element.at),
          ...(used?.evidence ?? []),
          missing,
        ],
      }));
    },
  };
}

const commandInjectionWhereInputArrives = interpreterRule({
  id: 'command-injection',
  stride: 'E',
  title: 'OS command injection',
  description:
    'A component that runs operating-system commands or command-line tools on its input (image and document converters, shell-outs) processes untrusted data: crafted file names, options or file contents execute commands.',
  condition: 'a process with the `os-command` trait that is reachable from an untrusted zone or consumes a broker fed by exposed producers or producers in an untrusted zone, or that reads or consumes (a flow either way) object or file storage or a queue another process writes to, which takes files on an exposed endpoint (of kind `upload`, or whose route, name or accepted asset says SVG or an Office format: the converter behind an upload), without `input-validation` or `sandboxing`',
  trait: 'os-command',
  controls: ['input-validation', 'sandboxing'],
  mitigation: 'Never build shell commands from input: call programs with argument arrays, allow-list options and file types, disable dangerous coders/delegates, and run the tool in a sandbox without network.',
  action: 'Sandbox and allow-list the input of {targets}',
  references: ['CWE-78', 'CWE-88', 'CAPEC-88', 'OWASP Top 10 A03'],
  rating: 'Likelihood Medium (needs a crafted input matching a known flaw, sent directly or uploaded for the converter behind); impact High (code execution).',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  thumbnails: { tech: imagemagick }\nflows:\n  - visitor -> api: https\n  - api -> thumbnails: https',
  direct: { level: 'Medium', reason: 'crafted files and arguments for these tools are public: some skill' },
  does: (name) => `${verbFor(name, 'runs')} external commands or converters on ${its(name)} input`,
  impact: () => rated('High', 'commands run on the host: full compromise'),
});

/** Templates a caller writes (an e-mail template editor, a report designer): input that is a template. */
const TEMPLATE_USE: CapabilityUse = { tags: ['template-engine'], words: wordsPattern(['templates?']) };

export const templateInjection = interpreterRule({
  id: 'template-injection',
  stride: 'E',
  title: 'Server-side template injection',
  description:
    'An application takes templates from untrusted callers, or renders server-side templates by its own account: input that becomes part of a template (not just a value in it) runs code on the server. A framework that merely has a template engine (Django, Flask, Rails) is no finding by itself: rendering pages is not rendering input as a template.',
  condition: 'a process (not `off-the-shelf` software) that receives flows straight from the internet (or through edge components) and that the model shows taking templates: an endpoint reached from the internet (its own or declared for it on a proxy in front) that takes input (a write method, `accepts`, an upload: not a read) whose route or name says `template(s)` or that accepts an asset so named, a flow into it carrying one from a caller in an untrusted zone or reached from the internet, or the tag `template-engine` (written by a person: the trait a framework\'s tech brings, alone, reports nothing); without `sandboxing` or `input-validation`',
  trait: 'template-engine',
  controls: ['sandboxing', 'input-validation'],
  mitigation: 'Never render templates built from user input; pass input only as template variables, use a sandboxed environment for user-defined templates, keep auto-escaping on.',
  action: 'Keep user input out of templates (sandboxed rendering) in {targets}',
  references: ['CWE-1336', 'CWE-94', 'CAPEC-242', 'OWASP Top 10 A03'],
  rating: 'Likelihood Medium when an endpoint or flow shows callers sending templates (an engine without a sandbox runs what they write), Low when only the `template-engine` tag says so (needs a code path that renders input as a template); impact High (code execution).',
  example: 'elements:\n  visitor: { tech: browser }\n  site:\n    tech: flask\n    endpoints:\n      PUT /email-templates/{id}: { auth: session }\nflows:\n  - visitor -> site: https',
  use: TEMPLATE_USE,
  located: { level: 'Medium', reason: 'callers send templates: an engine without a sandbox runs what they write' },
  does: (name) => `${verbFor(name, 'renders')} server-side templates`,
  direct: { level: 'Low', reason: 'only where input becomes part of a template: needs a specific coding mistake' },
  internetOnly: true,
  impact: () => rated('High', 'code runs on the server: full compromise'),
});

/** Native object formats on the wire: Java RMI, JMX and IIOP, Hessian, .NET remoting and ViewState, Python pickle. */
const DESERIALIZATION_USE: CapabilityUse = {
  tags: ['object-deserialization', 'pickle'],
  words: wordsPattern(['rmi', 'jmx', 'iiop', 'hessian', 'pickle', 'seriali[sz]ed', 'java-serialization', 'viewstate', 'remoting', 'binaryformatter']),
};

export const insecureDeserialization = interpreterRule({
  id: 'insecure-deserialization',
  stride: 'E',
  title: 'Insecure deserialisation',
  description:
    'A process deserialises native objects (Java, .NET, PHP, pickle) from untrusted data, directly or through a queue: a crafted serialized object runs code through gadget chains. A runtime that merely can (any JVM, Celery) is no finding by itself: JSON APIs and queues do not deserialise objects.',
  condition: 'a process (not `off-the-shelf` software) reachable from an untrusted zone or consuming a broker fed by exposed producers or producers in an untrusted zone, that the model shows taking native serialized objects: the tag `object-deserialization` or `pickle`, an exposed endpoint (its own or declared for it on a proxy in front) that takes input (a write method, `accepts`, an upload: not a read) whose route or name, or an asset it accepts, says RMI, JMX, IIOP, Hessian, pickle, serialized, ViewState, remoting or BinaryFormatter, or a flow into it from a caller in an untrusted zone, an exposed one or a broker fed from outside (not a trusted internal system) whose protocol or data does (the trait a runtime\'s tech brings, alone, reports nothing); without `safe-parsers`',
  trait: 'object-deserialization',
  controls: ['safe-parsers'],
  mitigation: 'Exchange plain data formats (JSON with a schema) instead of native objects; where native deserialisation remains, allow-list the classes and sign the payloads.',
  action: 'Replace native deserialisation of untrusted data in {targets}',
  references: ['CWE-502', 'CAPEC-586', 'OWASP Top 10 A08'],
  rating: 'Likelihood Medium when it consumes messages from exposed or untrusted producers (even when the internet also reaches it) or an endpoint or flow shows where serialized objects arrive (public gadget chains), Low when only a tag says it deserialises and the internet reaches it (the entry point is luck); impact High (code execution).',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  queue: { tech: rabbitmq }\n  jobs: { tech: celery, tags: [pickle] }\n  db: { tech: postgres }\nflows:\n  - visitor -> api: https\n  - api -> queue: amqps\n  - queue -> jobs: amqps\n  - jobs -> db: sql+tls',
  use: DESERIALIZATION_USE,
  located: { level: 'Medium', reason: 'the model shows where serialized objects arrive: gadget chains are public, only a match is needed' },
  does: (name) => `${verbFor(name, 'deserialises')} objects natively`,
  direct: { level: 'Low', reason: 'needs an endpoint that deserialises request data: gadget chains are public, the entry point is luck' },
  impact: () => rated('High', 'code runs in the process: full compromise'),
});

/**
 * XML from callers: SOAP and its WSDL, SAML assertions, XML-RPC, XSLT, RSS, and the file formats that are XML
 * inside (SVG, Office documents).
 */
const MARKUP_WORDS = ['xml', 'soap', 'wsdl', 'saml', 'xslt?', 'xml-?rpc', 'rss'];
/** Files that are XML inside: what a document converter opens, and what an upload only stores unopened. */
const DOCUMENT_WORDS = ['svg', 'docx', 'xlsx', 'pptx', 'odt', 'ods'];
const XML_USE: CapabilityUse = {
  tags: ['xml', 'soap', 'saml', 'xslt'],
  words: wordsPattern([...MARKUP_WORDS, ...DOCUMENT_WORDS]),
  auth: ['saml'],
};
/** XML_USE less the document formats: what an element that only stores uploaded documents may still parse. */
const MARKUP_USE: CapabilityUse = { ...XML_USE, words: wordsPattern(MARKUP_WORDS) };
const DOCUMENT_USE: CapabilityUse = { tags: [], words: wordsPattern(DOCUMENT_WORDS) };

/**
 * Converters and extractors that open Office documents or SVG images (their XML inside) by their job: a process of
 * one of these techs parses the documents that reach it, as no framework (Spring) does by merely being able to.
 * Ghostscript reads PostScript and PDF, no XML.
 */
const DOCUMENT_PARSER_TECHS: ReadonlySet<string> = new Set(['libreoffice', 'apache-tika', 'tika', 'pandoc', 'imagemagick', 'gotenberg', 'unoconv']);

const parsesDocuments = (e: Element): boolean => e.tech !== undefined && DOCUMENT_PARSER_TECHS.has(e.tech.toLowerCase());
const taggedParser = (e: Element): boolean => XML_USE.tags.some((t) => factTags(e, t).length > 0);

/** A store uploads are kept in, or a queue that names them to a worker: where documents go on unopened. */
const keepsUploads = (e: Element | undefined): boolean =>
  e !== undefined && (e.type === 'object-storage' || e.type === 'file-storage' || isBroker(e));

/**
 * Whether a process opens documents that reach it: a converter by its tech, a tag saying it parses XML, or a tool
 * with the `os-command` trait (ImageMagick, Ghostscript) that runs on the files. Where one takes uploads from a
 * store or queue, the threat of what is in them is judged there (xxeDownstream, commandInjectionDownstream).
 */
const opensDocuments = (e: Element): boolean => e.kind === 'process' && (parsesDocuments(e) || taggedParser(e) || e.traits.includes('os-command'));

/**
 * Per store or queue (keepsUploads), the processes that open documents (opensDocuments) reading or consuming it, a
 * flow either way, at most the first two in flow order ("another than the uploader" needs no more). Found once:
 * asked per uploader, walking the store's flows made a bucket with many writers and readers quadratic.
 */
const documentReaders: (ctx: AnalysisContext) => ReadonlyMap<string, readonly string[]> = perModel((ctx) => {
  const readers = new Map<string, string[]>();
  const add = (store: string, parser: string) => {
    if (!keepsUploads(ctx.graph.elements.get(store))) return;
    const ids = readers.get(store);
    if (ids === undefined) readers.set(store, [parser]);
    else if (ids.length < 2 && !ids.includes(parser)) ids.push(parser);
  };
  for (const f of ctx.graph.model.flows) {
    const from = ctx.graph.elements.get(f.from);
    const to = ctx.graph.elements.get(f.to);
    if (from !== undefined && opensDocuments(from)) add(f.to, f.from);
    if (to !== undefined && opensDocuments(to)) add(f.from, f.to);
  }
  return readers;
});

/**
 * An element whose use of the uploaded documents is storing them: it writes to object or file storage or a queue
 * that another process opening documents (a converter's tech, a tag saying it parses XML, the os-command trait)
 * reads or consumes, and neither a converter's tech nor a tag says it parses them itself (a BFF that copies a DOCX
 * upload to a bucket a converter reads). With no such reader modelled behind it, the upload is taken to be parsed
 * where it arrives, and stays its finding. For triage too (src/track/key-migrations.ts): its xxe finding on those
 * uploads went by design in session 23 exactly when this holds.
 */
export const onlyStoresDocuments = (ctx: AnalysisContext, e: Element): boolean => {
  if (parsesDocuments(e) || taggedParser(e)) return false;
  const readers = documentReaders(ctx);
  return ctx.graph.outFlows(e.id).some((f) => f.to !== e.id && (readers.get(f.to)?.some((id) => id !== e.id) ?? false));
};

/** The XML an element is judged to take: its document uploads count only where it does more than store them. */
const xmlUseOf = (ctx: AnalysisContext, e: Element): CapabilityUse => (onlyStoresDocuments(ctx, e) ? MARKUP_USE : XML_USE);

/** An upload to the element that stores or queues it, and how the process behind gets it. */
interface DocumentHandoff {
  upload: ServedEndpoint;
  /** What the upload endpoint shows it takes, and where. */
  found: { what: string; at: EvidenceRef['at'] };
  uploader: Element;
  /** The uploader's flow into the store or queue. */
  kept: Flow;
  /** The parser's flow with that store or queue, either way (it reads the bucket, or the queue delivers to it). */
  taken: Flow;
}

/** Which uploads count: what an endpoint shows it takes, undefined for none. */
type UploadTest = (ep: Endpoint, assets: ReadonlyMap<string, Asset>) => DocumentHandoff['found'] | undefined;
/** Office or SVG documents, by the endpoint's route, name or an asset it accepts (xxe). */
const officeOrSvg: UploadTest = (ep, assets) => endpointUse(ep, DOCUMENT_USE, assets);
/** Any file: those, or an endpoint of kind `upload` (command-injection: converters run on whatever file arrives). */
const anyFile: UploadTest = (ep, assets) => officeOrSvg(ep, assets) ?? (ep.kind === 'upload' ? { what: 'takes file uploads', at: ep.at } : undefined);

/** An exposed endpoint of the element taking the uploads the test counts. */
function exposedUpload(ctx: AnalysisContext, e: Element, takes: UploadTest): Pick<DocumentHandoff, 'upload' | 'found'> | undefined {
  for (const s of servedRoutes(ctx, e)) {
    const found = takes(s.ep, ctx.graph.assets);
    if (found !== undefined && isExposed(endpointExposure(s.ep, s.via ?? e, ctx))) return { upload: s, found };
  }
  return undefined;
}

/** An uploader writing to a store or queue, with the exposed upload it takes and its flow into the store or queue. */
type Uploader = Omit<DocumentHandoff, 'taken'>;
/** Per store or queue, the first two uploaders writing to it (see uploadersOf). */
type UploadersOf = (ctx: AnalysisContext, store: string) => readonly Uploader[];

/**
 * Per store or queue, the processes writing to it that take the uploads the test counts on an exposed endpoint:
 * the first two, distinct, in flow order (the parser skips itself, so no more is needed). Found once per store and
 * analysis: asked per parser, walking every writer's routes made a bucket with many writers and readers quadratic.
 */
function uploadersOf(takes: UploadTest): UploadersOf {
  const known = perModel((): Map<string, readonly Uploader[]> => new Map());
  return (ctx, store) => {
    const cache = known(ctx);
    let found = cache.get(store);
    if (found !== undefined) return found;
    const uploaders: Uploader[] = [];
    const seen = new Set<string>();
    for (const kept of ctx.graph.inFlows(store)) {
      const uploader = ctx.graph.elements.get(kept.from);
      if (uploader === undefined || uploader.kind !== 'process' || seen.has(uploader.id)) continue;
      seen.add(uploader.id);
      const upload = exposedUpload(ctx, uploader, takes);
      if (upload === undefined) continue;
      uploaders.push({ ...upload, uploader, kept });
      if (uploaders.length === 2) break;
    }
    found = uploaders;
    cache.set(store, found);
    return found;
  };
}
const documentUploaders = uploadersOf(officeOrSvg);
const fileUploaders = uploadersOf(anyFile);

/**
 * Where a document parser (a converter's tech, or a tag saying it parses XML) gets documents uploaded elsewhere: a
 * store or queue it reads or consumes (a flow either way) that another process writes to, which takes them on an
 * exposed endpoint. The first in flow order.
 */
function documentHandoff(ctx: AnalysisContext, parser: Element, uploaders: UploadersOf): DocumentHandoff | undefined {
  const sides = [...ctx.graph.outFlows(parser.id).map((f) => ({ f, other: f.to })), ...ctx.graph.inFlows(parser.id).map((f) => ({ f, other: f.from }))];
  for (const { f: taken, other } of sides) {
    if (!keepsUploads(ctx.graph.elements.get(other))) continue;
    const first = uploaders(ctx, other).find((u) => u.uploader.id !== parser.id);
    if (first !== undefined) return { ...first, taken };
  }
  return undefined;
}

/** The upload, the uploader's flow into the store or queue, and the process's flow with it. */
function handoffEvidence(ctx: AnalysisContext, element: Element, { upload, found, uploader, kept, taken }: DocumentHandoff): EvidenceRef[] {
  const store = ctx.graph.elements.get(kept.to)?.name ?? kept.to;
  return [
    { ...servedEvidence(upload, uploader, found.what), at: found.at },
    evidence(`${says(uploader.name, 'writes')} to ${store}`, kept.at),
    evidence(taken.to === element.id ? `${says(store, 'delivers')} to ${element.name}` : `${says(element.name, 'reads')} ${store}`, taken.at),
  ];
}

const XXE_DOWNSTREAM_MITIGATION =
  'Disable DTDs and external entities in the parser (or use one that has them off by default), and run the converter sandboxed: a separate container with no network egress, no secrets or cloud credentials, a seccomp profile and a read-only file system, so that a crafted document reads and reaches nothing.';

/**
 * An identity provider run as shipped, by its tech (Keycloak, Dex, Authentik, a cloud's user pool): its SAML
 * parser is its vendor's, fixed by upgrading the product, not a parser the team can configure. The applications
 * that consume its assertions parse them in their own code and keep their finding; an identity provider of no
 * known product may be the team's own.
 */
export const vendorIdentityProvider = (e: Element): boolean => {
  const tech = e.tech?.toLowerCase();
  return e.kind === 'process' && tech !== undefined && Object.hasOwn(TECHNOLOGIES, tech) && TECHNOLOGIES[tech].type === 'identity-provider';
};

const xxeWhereXmlArrives = interpreterRule({
  id: 'xxe',
  stride: 'I',
  title: 'XML external entities (XXE)',
  description:
    'A component that parses XML takes untrusted input: external entities in a crafted document read local files (keys, configuration) or make the server send requests inside the network. A framework that merely can parse XML (Spring, .NET) is no finding by itself: a JSON API parses no XML.',
  condition: 'a process (not `off-the-shelf` software, nor an identity provider run as shipped, by its tech: Keycloak, Dex, Authentik, Cognito..., whose SAML parser is its vendor\'s, fixed by upgrading; the applications consuming its assertions keep theirs) reachable from an untrusted zone or consuming a broker fed by exposed producers or producers in an untrusted zone, that the model shows taking XML: the tag `xml`, `soap`, `saml` or `xslt`, an exposed endpoint (its own or declared for it on a proxy in front) that takes input (a write method, `accepts`, an upload: not a read) whose route or name, or an asset it accepts, says XML, SOAP, WSDL, SAML, XSLT, XML-RPC, RSS, SVG or an Office format, or that signs callers in with SAML, a flow into it from a caller in an untrusted zone, an exposed one or a broker fed from outside (not a trusted internal system) whose protocol or data does or that signs in with SAML, or SAML as its own `auth` (the `xml` trait a framework\'s tech brings, Spring or .NET, alone reports nothing); an SVG or Office format on an endpoint, or in the data of a flow into it, does not count for a process that writes to object or file storage or a queue which another process opening documents reads or consumes (a flow either way: a document converter by its tech, LibreOffice, Apache Tika, Pandoc, ImageMagick, Gotenberg or unoconv, one tagged `xml`, `soap`, `saml` or `xslt`, or one with the `os-command` trait), and that is itself neither such a converter nor so tagged (it stores the upload; the parser behind it is judged there). With no such reader modelled, the upload counts where it arrives. Also such a converter or tagged process (when nothing above reports it) that reads or consumes (a flow either way) object or file storage or a queue another process writes to, which takes an SVG or Office format on an exposed endpoint (the document is parsed where it is converted); without `safe-parsers`',
  trait: 'xml',
  controls: ['safe-parsers'],
  mitigation: 'Disable DTDs and external entities in every XML parser (or use a parser that has them off by default), and prefer JSON where possible.',
  action: 'Disable XML external entities in {targets}',
  references: ['CWE-611', 'CAPEC-221', 'OWASP Top 10 A05'],
  rating: 'Likelihood Medium when an endpoint, flow or SAML sign-in shows where XML arrives (scanners send external entities there), it consumes messages from exposed or untrusted producers (even when the internet also reaches it), or it converts documents uploaded elsewhere (crafted files are public), Low when only a tag says it parses XML (needs an endpoint that parses request XML); impact from the confidentiality of what the process handles, High by default (local files and secrets).',
  example: 'elements:\n  partner: { type: third-party }\n  billing:\n    tech: spring\n    endpoints:\n      POST /soap/invoices: { auth: api-key }\nflows:\n  - partner -> billing: https',
  use: xmlUseOf,
  located: { level: 'Medium', reason: 'the model shows where XML arrives: scanners send external entities there' },
  vendorParses: vendorIdentityProvider,
  does: (name) => `${verbFor(name, 'parses')} XML`,
  direct: { level: 'Low', reason: 'needs an endpoint that parses request XML: luck' },
  impact: (ctx, e) => assetImpact(highConfidentiality(ctx.assetsOf(e.id)), 'confidentiality', rated('High', 'local files and secrets can be read')),
});

/**
 * A document parser behind an upload: the process that opens what another stored or queued for it, which no
 * exposure of its own shows. Judged only where the parser has no finding for XML arriving at it directly.
 */
function xxeDownstream(element: Element, ctx: AnalysisContext): CheckResult {
  if (!writesOwnQueries(element) || vendorIdentityProvider(element) || !(parsesDocuments(element) || taggedParser(element))) return undefined;
  const handoff = documentHandoff(ctx, element, documentUploaders);
  if (handoff === undefined) return undefined;
  const { upload, uploader, kept } = handoff;
  const store = ctx.graph.elements.get(kept.to)!;
  return unlessControlled(ctx, { element }, ['safe-parsers'], (present) => `untrusted input is contained (${present.join(', ')})`, (missing) => ({
    title: `XML external entities (XXE) in ${element.name}`,
    description: `${element.name} (${element.tech ?? element.type ?? 'process'}) ${verbFor(element.name, 'opens')} the documents uploaded to ${uploader.name} (${upload.ep.key}), which ${store.name} ${isBroker(store) ? 'passes on' : 'keeps'}; external entities in a crafted Office or SVG file read ${its(element.name)} local files or make ${itObject(element.name)} send requests inside the network.`,
    likelihood: rated('Medium', `the model shows uploaded documents reaching ${itObject(element.name)} through ${store.name}: crafted files are public`),
    impact: assetImpact(highConfidentiality(ctx.assetsOf(element.id)), 'confidentiality', rated('High', 'local files and secrets can be read')),
    evidence: [
      parsesDocuments(element) ? evidence(`${says(element.name, 'is')} a document converter (${element.tech})`, [...element.at, 'tech']) : tagUse(element, XML_USE)!.evidence[0],
      ...handoffEvidence(ctx, element, handoff),
      missing,
    ],
    mitigation: XXE_DOWNSTREAM_MITIGATION,
  }));
}

/**
 * A converter behind an upload: the tool runs on files another process stored or queued for it, which no exposure
 * of its own shows. Judged only where the converter has no finding for input arriving at it directly.
 */
function commandInjectionDownstream(element: Element, ctx: AnalysisContext): CheckResult {
  if (!element.traits.includes('os-command')) return undefined;
  const handoff = documentHandoff(ctx, element, fileUploaders);
  if (handoff === undefined) return undefined;
  const store = ctx.graph.elements.get(handoff.kept.to)?.name ?? handoff.kept.to;
  return unlessControlled(ctx, { element }, ['input-validation', 'sandboxing'], (present) => `untrusted input is contained (${present.join(', ')})`, (missing) => ({
    title: `OS command injection in ${element.name}`,
    description: `${element.name} (${element.tech ?? element.type ?? 'process'}) ${verbFor(element.name, 'runs')} on the files uploaded to ${handoff.uploader.name} (${handoff.upload.ep.key}), which ${store} passes on; crafted file contents or names run commands where ${it(element.name)} ${verbFor(element.name, 'runs')}.`,
    likelihood: rated('Medium', `uploaded files reach ${itObject(element.name)} through ${store}: crafted files for these tools are public, some skill`),
    impact: rated('High', 'commands run on the host: full compromise'),
    evidence: [evidence(`${says(element.name, 'has')} the os-command trait (${element.tech ?? element.type})`, element.at), ...handoffEvidence(ctx, element, handoff), missing],
    mitigation: CONVERTER_SANDBOX_MITIGATION,
  }));
}

const CONVERTER_SANDBOX_MITIGATION =
  'Call the converter with argument arrays and server-side file names, allow-list file types and disable dangerous coders and delegates, and run it sandboxed: a separate container with no network egress, no secrets or cloud credentials, a seccomp profile and a read-only file system.';

export const commandInjection: ElementRule = {
  ...commandInjectionWhereInputArrives,
  check: (element, ctx) => commandInjectionWhereInputArrives.check(element, ctx) ?? commandInjectionDownstream(element, ctx),
};

export const xxe: ElementRule = {
  ...xxeWhereXmlArrives,
  check: (element, ctx) => xxeWhereXmlArrives.check(element, ctx) ?? xxeDownstream(element, ctx),
};

const LOG_TARGETS = targetKind((t) => t.type === 'logs');
const FILE_TARGETS = targetKind((t) => t.type === 'file-storage');

const LOG_CONTROLS = ['log-sanitization'] as const;

export const logInjection: ElementRule = {
  id: 'log-injection',
  stride: 'R',
  title: 'Log injection (forged log entries)',
  description:
    'A process that takes untrusted input writes to a log store without sanitising it: injected newlines and control characters forge entries, hide an attack, or attack the log viewer.',
  condition: 'a process running application code, reachable from an untrusted zone, with a flow to a store of type `logs`, without `log-sanitization` on the process or on that flow',
  mitigation: 'Log structured records (JSON) with input in fields, encode CR/LF and control characters, and escape log output where it is displayed.',
  action: { text: 'Encode untrusted input in log records written by {targets}' },
  mitigatedBy: LOG_CONTROLS,
  references: ['CWE-117', 'CAPEC-93', 'OWASP ASVS V7.3'],
  rating: 'Likelihood Medium (any input that is logged); impact Medium (the audit trail cannot be trusted).',
  example: "elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\nflows:\n  - visitor -> api: https\n  - api -> logs: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element) || !isExposed(ctx.exposure(element.id))) return undefined;
    const found = targetsOfKind(ctx, LOG_TARGETS, element);
    if (found === undefined) return undefined;
    // Sanitising on one log flow (a logging library or shipper on that path) covers that flow only.
    const logs = unguarded(found, LOG_CONTROLS);
    if (logs.length === 0) return guardedOnEveryFlow(element, found, LOG_CONTROLS, 'input is encoded before logging');
    return unlessControlled(ctx, { element, flows: logs }, LOG_CONTROLS, 'input is encoded before logging', (missing) => ({
      title: `Forged log entries from ${element.name}`,
      description: `${says(element.name, 'logs')} requests from an untrusted zone to ${targetNames(ctx, logs)} without declaring that input is encoded; an attacker can forge or hide entries.`,
      likelihood: rated('Medium', 'any logged input field will do'),
      impact: rated('Medium', 'the log can no longer prove what happened'),
      evidence: [evidence(`${says(element.name, 'writes')} to ${targetOf(ctx, logs[0]).name}`, logs[0].at), missing],
    }));
  },
};

const PATH_CONTROLS = ['input-validation'] as const;

export const pathTraversal: EndpointRule = {
  id: 'path-traversal',
  stride: 'I',
  title: 'Path traversal in file access',
  description:
    'An upload or download endpoint on a service that reads and writes a file system: a file name such as `../../etc/passwd` escapes the intended folder.',
  condition: 'an endpoint of kind `upload` or `export`, or a route naming one download, export or report (`/downloads/{name}`, `/files/{id}/download`), reachable from an untrusted zone, on a process with a flow to a store of type `file-storage`, without `input-validation` on the endpoint, its element, its boundary or that flow',
  mitigation: 'Never build paths from user input: generate server-side names, resolve and check the canonical path stays inside the base folder, and run with a file-system sandbox.',
  action: { text: 'Generate server-side file names and confine paths in {targets}' },
  mitigatedBy: PATH_CONTROLS,
  references: ['CWE-22', 'CAPEC-126', 'OWASP Top 10 A01'],
  rating: 'Likelihood High from the internet (scanners try it), Medium otherwise; impact from the confidentiality of the stored files, High by default.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /files: { auth: jwt }\n  share: { tech: nfs }\nflows:\n  - visitor -> api: https\n  - api -> share: nfs",
  appliesTo: 'endpoint',
  // A route naming one download (`/downloads/{name}`) is kind `api`: nothing to page, but a name to traverse with.
  endpointKinds: ['upload', 'export', 'api'],
  check(ep, element, ctx) {
    if (ep.kind === 'api' && !namesOneExport(ep.route)) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const fs = targetsOfKind(ctx, FILE_TARGETS, element);
    if (fs === undefined) return undefined;
    // Validation declared on a flow to a file store guards the paths built for that store.
    const open = unguarded(fs, PATH_CONTROLS);
    if (open.length === 0) return mitigatedBy([...PATH_CONTROLS], { ...endpointComponent(ep), flows: flowIds(fs) }, 'file names are validated on every flow to the file store');
    return unlessControlled(ctx, { element, endpoint: ep }, PATH_CONTROLS, 'file names are validated', (missing) => ({
      title: `Path traversal through ${ep.key}`,
      description: `${ep.key} on ${element.name} handles files on ${targetNames(ctx, open)}; a crafted file name can escape the intended folder.`,
      likelihood: internetLikelihood(exposure, 'scanners try traversal sequences automatically'),
      impact: assetImpact(sensitive(open.flatMap((f) => ctx.assetsOf(f.to))), 'confidentiality', rated('High', 'arbitrary files on the server')),
      // Both kinds (upload, export) take `an`.
      evidence: [evidence(ep.kind === 'api' ? `${ep.key} downloads one file by name` : `${ep.key} is ${withArticle(ep.kind)} endpoint`, ep.at), evidence(`${says(element.name, 'uses')} ${targetOf(ctx, open[0]).name}`, open[0].at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};
