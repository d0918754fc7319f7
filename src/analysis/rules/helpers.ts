// Small building blocks shared by rule families, so each rule reads as its facts and nothing else.
import { CONTROLS } from '../../model/catalog.js';
import type { Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, type Exposure, isPassThrough, PERIMETER_CONTROLS } from '../context.js';
import { rated } from '../risk.js';
import type { ComponentKind, RatedLevel } from '../types.js';
import { itObject } from './grammar.js';
import type { CheckResult, EvidenceRef, MitigatedOutcome, Outcome, ThreatOutcome } from './types.js';

/** Who can reach an endpoint: its callers when the model restricts them, else whoever reaches the element. */
export const endpointExposure = (ep: Endpoint, element: Element, ctx: AnalysisContext): Exposure => ctx.endpointExposure(ep, element);

export function endpointLikelihood(ep: Endpoint, element: Element, ctx: AnalysisContext): RatedLevel {
  const exposure = endpointExposure(ep, element, ctx);
  if (exposure === 'internet' && ep.public) {
    return rated('High', `${ep.route} is reachable from the internet without authentication: public tools suffice`);
  }
  if (exposure === 'internet') return rated('Medium', `${ep.route} is reachable from the internet, but needs a valid ${ep.auth} credential`);
  if (exposure === 'indirect') return rated('Medium', `${ep.route} is reachable only through other components: needs some skill or a foothold`);
  return rated('Low', `${ep.route} is not reachable from an untrusted zone: needs insider access`);
}

export const isExposed = (exposure: Exposure) => exposure !== 'internal';

/**
 * Whether the element sits in an untrusted zone (the internet, a partner's network): traffic from it is
 * untrusted. Unlike `ctx.isUntrustedSource`, an element of ours marked `exposed` (it has a public address)
 * is not: what it sends on is its own traffic, not the internet's.
 */
export const inUntrustedZone = (ctx: AnalysisContext, elementId: string): boolean => ctx.graph.trustRankOf(elementId) === 0;

/** `inUntrustedZone` for a caller that holds the element's position (-1: unknown, trusted): no lookup by id. */
export const untrustedZoneAt = (ctx: AnalysisContext, position: number): boolean => position >= 0 && ctx.graph.trustRankAt(position) === 0;

/** High when the internet reaches the component directly (public tools, no foothold), Medium through other components. */
export const internetLikelihood = (
  exposure: Exposure,
  fromInternet: string,
  otherwise = 'reachable only through other components',
): RatedLevel => (exposure === 'internet' ? rated('High', fromInternet) : rated('Medium', otherwise));

/** High when anyone on the internet can call without credentials; Medium when it takes an account or other components. */
export const anonymousInternetLikelihood = (exposure: Exposure, anonymous: boolean, fromInternet: string): RatedLevel =>
  exposure === 'internet' && anonymous
    ? rated('High', fromInternet)
    : rated('Medium', anonymous ? 'reachable only through other components' : 'needs a valid account');

export const endpointTarget = (ep: Endpoint, element: Element) => `${ep.key} on ${element.name}`;

/**
 * `a` or `an` before a word of the catalogue (element types, endpoint kinds): "an upload", "a search", and
 * "a user" (a `u` that sounds like "you": us-, uni-).
 */
export const withArticle = (word: string): string => `${/^(?:[aeio]|u(?!s|ni))/i.test(word) ? 'an' : 'a'} ${word}`;

export const evidence = (fact: string, at: EvidenceRef['at']): EvidenceRef => ({ fact, at });

const PERIMETER: ReadonlySet<string> = new Set(PERIMETER_CONTROLS);

/** Evidence that a control is absent: points at where it would be declared. */
export function missingControlEvidence(controls: readonly string[], element: Element, ep?: Endpoint): EvidenceRef {
  const where = ep ? `${ep.key} on ${element.name}` : element.name;
  // No cache of the joined lists: many are literals made per call, and a weak map of them costs the
  // collector more than the join. Only perimeter controls count from in front (see context.ts).
  const fromInFront = controls.some((c) => PERIMETER.has(c));
  return evidence(`no ${controls.join(' or ')} on ${where}${fromInFront ? ` or in front of ${ep ? 'it' : itObject(element.name)}` : ''}`, ep ? ep.at : element.at);
}

/**
 * Where the element or a boundary around it declares a control, by name: unlike `ctx.elementHas`, what
 * stands in front of it does not count (an allow-list at the edge does not segment a store behind it).
 */
export function declaredAt(ctx: AnalysisContext, e: Element, control: string): string | undefined {
  if (e.controls.includes(control)) return e.name;
  return ctx.graph.boundaryChain(e.id).find((b) => b.controls.includes(control))?.name;
}

/** The controls from `anyOf` in place for an endpoint (or an element when no endpoint is given). */
export function presentControls(ctx: AnalysisContext, anyOf: readonly string[], element: Element, ep?: Endpoint): string[] {
  const present: string[] = [];
  for (let i = 0; i < anyOf.length; i++) if (ep ? ctx.endpointHas(ep, anyOf[i]) : ctx.elementHas(element, anyOf[i])) present.push(anyOf[i]);
  return present;
}

/** A step of a rule's advice that a control puts in place; a plain string is a step no declared control covers. */
export type AdviceStep = string | { readonly control: string; readonly text: string };

/**
 * A rule's advice without the steps whose control is already in place: advice to add what the model declares
 * reads as if it were missing. The steps left are joined by `separator`, the first capitalized.
 */
export function adviceLeaving(steps: readonly AdviceStep[], present: readonly string[], separator = '; '): string {
  const kept = steps.flatMap((s) => (typeof s === 'string' ? [s] : present.includes(s.control) ? [] : [s.text]));
  const text = kept.join(separator);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function mitigatedBy(
  controls: string[],
  component: Pick<ThreatOutcome, 'component' | 'componentKind' | 'endpoint' | 'flows'>,
  reason: string,
): MitigatedOutcome {
  return mitigatedOutcome(component.component, component.componentKind, component.endpoint, component.flows, controls, reason);
}

// Every outcome is built by one of the two functions below, with the same fields in the same order (undefined
// where absent): the engine reads tens of thousands of them at one place, fast only while they share a shape.
export function mitigatedOutcome(
  component: string,
  componentKind: ComponentKind,
  endpoint: string | undefined,
  flows: string[] | undefined,
  controls: string[],
  reason: string,
): MitigatedOutcome {
  return { outcome: 'mitigated', component, componentKind, endpoint, flows, controls, reason };
}

export function threatOutcome(
  component: string,
  componentKind: ComponentKind,
  endpoint: string | undefined,
  flows: string[] | undefined,
  t: ThreatFacts,
): ThreatOutcome {
  return {
    outcome: 'threat', component, componentKind, endpoint, flows, title: t.title, description: t.description,
    likelihood: t.likelihood, impact: t.impact, evidence: t.evidence, mitigation: t.mitigation, target: t.target,
  };
}

export function threat(t: Omit<ThreatOutcome, 'outcome'>): ThreatOutcome {
  return threatOutcome(t.component, t.componentKind, t.endpoint, t.flows, t);
}

/**
 * Whether a check's one outcome reports a threat: a rule asks whether another reports a case before it steps
 * aside for it (one problem, one finding).
 */
export function reportsThreat(result: CheckResult): boolean {
  return result !== undefined && !Array.isArray(result) && (result as Outcome).outcome === 'threat';
}

export const elementComponent = (e: Element) => ({ component: e.id, componentKind: 'element' as const });
export const endpointComponent = (ep: Endpoint) => ({
  component: ep.element,
  componentKind: 'element' as const,
  endpoint: ep.id,
});
export const flowComponent = (f: Flow) => ({ component: f.id, componentKind: 'flow' as const, flows: [f.id] });

export const flowLabel = (f: Flow, ctx: AnalysisContext) =>
  `${ctx.graph.elements.get(f.from)?.name ?? f.from} -> ${ctx.graph.elements.get(f.to)?.name ?? f.to}`;

export type { Outcome };

/**
 * The first `max` names of a list, then how many more: a finding about a zone or the whole system can
 * concern thousands of components, and a title naming them all is unreadable (the flows and evidence
 * still name every one).
 */
export function namesAtMost(names: readonly string[], max: number, others: string): string {
  // Lists are often made per flow: a component with two flows is named once.
  const distinct = [...new Set(names)];
  // One name more costs less than "and 1 other", which would also want a singular noun.
  if (distinct.length <= max + 1) return distinct.join(', ');
  return `${distinct.slice(0, max).join(', ')} and ${distinct.length - max} ${others}`;
}

/** How many names a title gives; a description gives more. */
export const TITLE_NAMES = 3;
export const TEXT_NAMES = 10;

/** The mitigation reason of the perimeter rules: which of the perimeter controls stand in front. */
export const onlyReachableThrough = (present: string[]): string =>
  (present.length === 1 ? REACHABLE_THROUGH.get(present[0]) : undefined) ?? `only reachable through ${present.join(' or ')}`;
// One built-in control is the usual answer: its sentence is made once.
const REACHABLE_THROUGH = new Map(Object.keys(CONTROLS).map((c) => [c, `only reachable through ${c}`]));

/** What a control-gated finding is about: the element (or its endpoint) whose controls count, and the flows in question. */
export interface Subject {
  element: Element;
  endpoint?: Endpoint;
  flows?: readonly Flow[];
}

/** A threat's own words, ratings and evidence: everything but the component it sits on. */
export type ThreatFacts = Omit<ThreatOutcome, 'outcome' | 'component' | 'componentKind' | 'endpoint'>;

/**
 * The usual last step of a rule once its facts hold: mitigated when any of `controls` is in place
 * (on the subject or in front of it), else the threat `facts` describes. `facts` receives the
 * evidence that the controls are missing, to place among its own.
 */
export function unlessControlled(
  ctx: AnalysisContext,
  subject: Subject,
  controls: readonly string[],
  mitigated: string | ((present: string[]) => string),
  facts: (missing: EvidenceRef) => ThreatFacts,
): Outcome {
  const { element, endpoint } = subject;
  // Most subjects have none of the controls: a list is made only for one that is present.
  let present: string[] | undefined;
  for (let i = 0; i < controls.length; i++) {
    const c = controls[i];
    if (endpoint ? ctx.endpointHas(endpoint, c) : ctx.elementHas(element, c)) (present ??= []).push(c);
  }
  const component = endpoint ? endpoint.element : element.id;
  const endpointId = endpoint ? endpoint.id : undefined;
  const flows = subject.flows ? flowIds(subject.flows) : undefined;
  if (present !== undefined) {
    const reason = typeof mitigated === 'string' ? mitigated : mitigated(present);
    return mitigatedOutcome(component, 'element', endpointId, flows, present, reason);
  }
  const t = facts(missingControlEvidence(controls, element, endpoint));
  return threatOutcome(component, 'element', endpointId, t.flows ?? flows, t);
}

export function flowIds(flows: readonly Flow[]): string[] {
  const ids: string[] = new Array(flows.length);
  for (let i = 0; i < flows.length; i++) ids[i] = flows[i].id;
  return ids;
}

/** Appends `value` to the list kept under `key`, starting the list on first use (grouping in input order). */
export function pushTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

/**
 * Our application code: not an edge component that only forwards requests, nor a cloud provider's console,
 * whose sign-in, firewall and errors are the provider's (cloud-console-without-mfa is about using it).
 */
export const runsAppCode = (e: Element) => e.kind === 'process' && !isPassThrough(e) && e.type !== 'cloud-console';

/** A fact `threatmap discover` found in the files, as an element tag: `NAME`, or `NAME:file:line` with where. */
export interface FactTag {
  /** The tag's index in the element's tags, for the evidence's path. */
  index: number;
  /** `main.tf:16`, when the tag says. */
  where?: string;
}

export function factTag(e: Pick<Element, 'tags'>, name: string): FactTag | undefined {
  const index = e.tags.findIndex((t) => t === name || t.startsWith(`${name}:`));
  if (index < 0) return undefined;
  const where = e.tags[index].slice(name.length + 1).trim();
  return { index, ...(where ? { where } : {}) };
}

/**
 * Every tag stating the fact, in tag order (factTag's first): files read together may each write it (a JWT key in
 * a compose file and in a manifest), and a finding cites every place.
 */
export function factTags(e: Element, name: string): FactTag[] {
  const out: FactTag[] = [];
  e.tags.forEach((t, index) => {
    if (t !== name && !t.startsWith(`${name}:`)) return;
    const where = t.slice(name.length + 1).trim();
    out.push({ index, ...(where ? { where } : {}) });
  });
  return out;
}

/** `a.yml:3, b.yaml:9` for the places the tags say (at most `max` named), or undefined when none says. */
export function placesNamed(tags: readonly FactTag[], max: number): string | undefined {
  const wheres = tags.flatMap((t) => (t.where ? [t.where] : []));
  return wheres.length ? namesAtMost(wheres, max, 'other places') : undefined;
}

/** ` in a.yml:3, b.yaml:9` for the places the tags say, or `fallback` when none says. */
export function writtenIn(tags: readonly FactTag[], max: number, fallback: string): string {
  const places = placesNamed(tags, max);
  return places === undefined ? fallback : ` in ${places}`;
}
