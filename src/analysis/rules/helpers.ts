// Small building blocks shared by rule families, so each rule reads as its facts and nothing else.
import type { Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, type Exposure, isPassThrough } from '../context.js';
import { rated } from '../risk.js';
import type { RatedLevel } from '../types.js';
import type { EvidenceRef, MitigatedOutcome, Outcome, ThreatOutcome } from './types.js';

/** Who can reach an endpoint: its callers when the model restricts them, else whoever reaches the element. */
export function endpointExposure(ep: Endpoint, element: Element, ctx: AnalysisContext): Exposure {
  if (!ep.callers) return ctx.exposure(element.id);
  if (ep.callers.some((c) => ctx.isUntrustedSource(c))) return 'internet';
  if (ep.callers.some((c) => ctx.exposure(c) !== 'internal')) return 'indirect';
  return 'internal';
}

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

export const evidence = (fact: string, at: EvidenceRef['at']): EvidenceRef => ({ fact, at });

/** Evidence that a control is absent: points at where it would be declared. */
export function missingControlEvidence(controls: readonly string[], element: Element, ep?: Endpoint): EvidenceRef {
  const where = ep ? `${ep.key} on ${element.name}` : element.name;
  return evidence(`no ${controls.join(' or ')} on ${where} or in front of it`, ep ? ep.at : element.at);
}

/** The controls from `anyOf` in place for an endpoint (or an element when no endpoint is given). */
export function presentControls(ctx: AnalysisContext, anyOf: readonly string[], element: Element, ep?: Endpoint): string[] {
  const present: string[] = [];
  for (const c of anyOf) if (ep ? ctx.endpointHas(ep, c) : ctx.elementHas(element, c)) present.push(c);
  return present;
}

export function mitigatedBy(
  controls: string[],
  component: Pick<ThreatOutcome, 'component' | 'componentKind' | 'endpoint' | 'flows'>,
  reason: string,
): MitigatedOutcome {
  // Fields copied one by one: spreading objects of many shapes is a slow path in V8, and large models
  // produce tens of thousands of mitigations.
  const out: MitigatedOutcome = { outcome: 'mitigated', component: component.component, componentKind: component.componentKind, controls, reason };
  if (component.endpoint !== undefined) out.endpoint = component.endpoint;
  if (component.flows !== undefined) out.flows = component.flows;
  return out;
}

export function threat(t: Omit<ThreatOutcome, 'outcome'>): ThreatOutcome {
  return { outcome: 'threat', ...t };
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

/** The mitigation reason of the perimeter rules: which of the perimeter controls stand in front. */
export const onlyReachableThrough = (present: string[]) => `only reachable through ${present.join(' or ')}`;

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
  const present = presentControls(ctx, controls, element, endpoint);
  // Built field by field, in the order the outcome always had: most checks end here, tens of thousands of times.
  if (present.length) {
    const reason = typeof mitigated === 'string' ? mitigated : mitigated(present);
    const out: MitigatedOutcome = endpoint
      ? { outcome: 'mitigated', component: endpoint.element, componentKind: 'element', controls: present, reason, endpoint: endpoint.id }
      : { outcome: 'mitigated', component: element.id, componentKind: 'element', controls: present, reason };
    if (subject.flows) out.flows = flowIds(subject.flows);
    return out;
  }
  const where: Omit<ThreatOutcome, keyof ThreatFacts> & { flows?: string[] } = endpoint
    ? { outcome: 'threat', component: endpoint.element, componentKind: 'element', endpoint: endpoint.id }
    : { outcome: 'threat', component: element.id, componentKind: 'element' };
  if (subject.flows) where.flows = flowIds(subject.flows);
  return Object.assign(where, facts(missingControlEvidence(controls, element, endpoint)));
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

/** Application code (not an edge component that only forwards requests). */
export const runsAppCode = (e: Element) => e.kind === 'process' && !isPassThrough(e);
