// Threats written by hand in the model's `threats:` section, as rules of their own: one rule per threat,
// reporting it on each thing it names. So a written threat is rated, numbered, placed in the STRIDE
// coverage, put on attack paths, triaged and diffed exactly like a rule's, and turns "mitigated" once one
// of its `mitigated-by` controls is in place.
import type { Asset, Boundary, Element, Endpoint, Flow, ThreatTarget, WrittenThreat } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { assetImpact, type AssetProperty, exposureLikelihood, IMPACT_MEANING, LIKELIHOOD_MEANING, rated } from '../risk.js';
import type { RatedLevel, Rating, Stride } from '../types.js';
import { callAuthMethod } from './facts.js';
import { endpointLikelihood, evidence, flowLabel, mitigatedOutcome, threatOutcome } from './helpers.js';
import type { ModelRule, Outcome } from './types.js';

/** A written threat's rule id: the `threat:` prefix keeps it apart from every rule id, present or future. */
export const WRITTEN_RULE_PREFIX = 'threat:';
export const writtenRuleId = (threatId: string): string => `${WRITTEN_RULE_PREFIX}${threatId}`;
export const isWrittenRule = (ruleId: string): boolean => ruleId.startsWith(WRITTEN_RULE_PREFIX);

/** The security property a STRIDE category puts at stake, to rate impact by the assets involved. */
const PROPERTY: Record<Stride, AssetProperty> = {
  S: 'confidentiality', T: 'integrity', R: 'integrity', I: 'confidentiality', D: 'availability', E: 'integrity',
};

const RATING: Record<'low' | 'medium' | 'high', Rating> = { low: 'Low', medium: 'Medium', high: 'High' };

export const NO_DESCRIPTION_WRITTEN = 'A threat written in the model; it has no description yet.';
export const NO_MITIGATION_WRITTEN = 'No mitigation is written in the model yet: decide one, or record the decision in triage.';

export function writtenThreatRules(threats: readonly WrittenThreat[]): ModelRule[] {
  return threats.map(writtenThreatRule);
}

/** How the reason of a stated rating ends: an exported threat read back knows its rating was stated, not derived. */
export const STATED = 'as written in the model';
const writtenAt = (id: string) => `threats.${id}`;

function writtenThreatRule(t: WrittenThreat): ModelRule {
  const where = writtenAt(t.id);
  const mitigation = t.mitigation ?? NO_MITIGATION_WRITTEN;
  const description = t.description ?? NO_DESCRIPTION_WRITTEN;
  return {
    appliesTo: 'model',
    id: writtenRuleId(t.id),
    stride: t.stride,
    title: t.title,
    description,
    condition: `Written by hand in the model (${where}): reported on ${t.on.map((o) => o.id).join(', ')} as written.`,
    mitigation,
    action: { text: t.mitigation ? `On {targets}: ${t.mitigation}` : `On {targets}: decide how to address "${t.title}" (the model has no mitigation for it)` },
    mitigatedBy: t.mitigatedBy,
    references: t.references,
    rating: 'Likelihood and impact as written; each one left out is rated from the model: likelihood from who can reach what it threatens, impact from the most valuable asset at stake.',
    example: '',
    origin: where,
    check: (ctx) => t.on.map((target) => outcomeOn(ctx, t, target, description)),
  };
}

interface Subject {
  component: string;
  componentKind: 'element' | 'flow' | 'boundary' | 'system';
  endpoint?: string;
  flows?: string[];
  name: string;
  assets: readonly Asset[];
  likelihood: () => RatedLevel;
  has: (control: string) => boolean;
}

function subjectOf(ctx: AnalysisContext, target: ThreatTarget): Subject {
  const { graph } = ctx;
  switch (target.kind) {
    case 'element': {
      const e = graph.elements.get(target.id)!;
      return elementSubject(ctx, e);
    }
    case 'endpoint': {
      const ep = graph.endpoints.get(target.id)!;
      const e = graph.elements.get(ep.element)!;
      return endpointSubject(ctx, ep, e);
    }
    case 'flow': {
      const f = graph.flows.get(target.id)!;
      return flowSubject(ctx, f);
    }
    case 'boundary': {
      const b = graph.boundaries.get(target.id)!;
      return boundarySubject(b);
    }
    case 'system':
      return {
        component: 'system', componentKind: 'system', name: graph.model.system.name, assets: graph.model.assets,
        likelihood: () => rated('Medium', 'not written in the model; Medium assumed for a threat to the whole system'),
        has: () => false,
      };
  }
}

const elementSubject = (ctx: AnalysisContext, e: Element): Subject => ({
  component: e.id, componentKind: 'element', name: e.name, assets: ctx.assetsOf(e.id),
  likelihood: () => exposureLikelihood(ctx, e.id, e.auth !== undefined && e.auth !== 'none'),
  has: (c) => ctx.elementHas(e, c),
});

const endpointSubject = (ctx: AnalysisContext, ep: Endpoint, e: Element): Subject => ({
  component: e.id, componentKind: 'element', endpoint: ep.id, name: `${ep.key} on ${e.name}`, assets: ctx.assetsOf(e.id),
  likelihood: () => endpointLikelihood(ep, e, ctx),
  has: (c) => ctx.endpointHas(ep, c),
});

function flowSubject(ctx: AnalysisContext, f: Flow): Subject {
  const to = ctx.graph.elements.get(f.to);
  return {
    component: f.id, componentKind: 'flow', flows: [f.id], name: flowLabel(f, ctx), assets: ctx.assetsOfFlow(f),
    // A call to an API that asks for a credential is authenticated though the flow does not restate it.
    likelihood: () => exposureLikelihood(ctx, f.to, callAuthMethod(ctx.graph, f) !== 'none'),
    has: (c) => f.controls.includes(c) || (to !== undefined && ctx.elementHas(to, c)),
  };
}

const boundarySubject = (b: Boundary): Subject => ({
  component: b.id, componentKind: 'boundary', name: b.name, assets: [],
  likelihood: () => rated('Medium', 'not written in the model; Medium assumed for a trust boundary'),
  has: (c) => b.controls.includes(c),
});

function outcomeOn(ctx: AnalysisContext, t: WrittenThreat, target: ThreatTarget, description: string): Outcome {
  const s = subjectOf(ctx, target);
  const present = t.mitigatedBy.filter((c) => s.has(c));
  if (present.length > 0) {
    return mitigatedOutcome(s.component, s.componentKind, s.endpoint, s.flows, present,
      `${present.join(' and ')} in place, as threats.${t.id} asks`);
  }
  const where = writtenAt(t.id);
  const likelihood = t.likelihood
    ? rated(RATING[t.likelihood], `${LIKELIHOOD_MEANING[RATING[t.likelihood]]}, ${STATED} (${where})`)
    : s.likelihood();
  const property = PROPERTY[t.stride];
  const impact = t.impact
    ? rated(RATING[t.impact], `${IMPACT_MEANING[RATING[t.impact]]}, ${STATED} (${where})`)
    : assetImpact(s.assets, property, rated('Medium', `no asset whose ${property} is at stake is named; Medium assumed`));
  const facts = [evidence(`written in the model: ${t.title}`, t.at)];
  if (t.mitigatedBy.length > 0) facts.push(evidence(`${t.mitigatedBy.length === 1 ? 'no' : 'none of'} ${t.mitigatedBy.join(', ')} on ${s.name}`, t.at));
  return threatOutcome(s.component, s.componentKind, s.endpoint, s.flows, {
    title: t.title, description, likelihood, impact, evidence: facts, mitigation: t.mitigation ?? NO_MITIGATION_WRITTEN, target: s.name,
  });
}
