// Runs the rules over the graph. Rules are indexed by what they apply to, so each element, endpoint and
// flow is offered only the rules about it; findings with the same cause collapse into one threat.
import type { ElementKind, EndpointKind } from '../model/catalog.js';
import type { Assumption, ModelPath } from '../model/types.js';
import type { AnalysisContext } from './context.js';
import type { CheckResult, ElementRule, EndpointRule, FlowRule, MitigatedOutcome, ModelRule, Outcome, Rule, ThreatOutcome } from './rules/types.js';
import { ratingRank } from './risk.js';
import type { Stride } from './types.js';

export interface RuleFinding extends ThreatOutcome {
  rule: Rule;
  key: string;
}

export interface Mitigation {
  component: string;
  stride: Stride;
  controls: string[];
  reason: string;
  flows: string[];
  endpoint?: string;
}

export interface Suppression {
  component: string;
  stride: Stride;
  reason: string;
  at: ModelPath;
}

export interface RuleRun {
  findings: RuleFinding[];
  /** Empty when the run was given `onMitigated`. */
  mitigations: Mitigation[];
  suppressions: Suppression[];
}

/** The stable identity of a finding: the rule and what it concerns, never its position in a report. */
export const findingKey = (ruleId: string, component: string, endpoint?: string) =>
  endpoint ? `${ruleId}@${endpoint}` : `${ruleId}@${component}`;

interface RuleIndex {
  element: Map<ElementKind, ElementRule[]>;
  endpointAny: EndpointRule[];
  endpointByKind: Map<EndpointKind, EndpointRule[]>;
  flow: FlowRule[];
  model: ModelRule[];
}

function indexRules(rules: readonly Rule[]): RuleIndex {
  const index: RuleIndex = { element: new Map(), endpointAny: [], endpointByKind: new Map(), flow: [], model: [] };
  const add = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const rule of rules) {
    switch (rule.appliesTo) {
      case 'element':
        for (const kind of rule.kinds) add(index.element, kind, rule);
        break;
      case 'endpoint':
        if (rule.endpointKinds.length === 0) index.endpointAny.push(rule);
        else for (const kind of rule.endpointKinds) add(index.endpointByKind, kind, rule);
        break;
      case 'flow':
        index.flow.push(rule);
        break;
      case 'model':
        index.model.push(rule);
        break;
    }
  }
  return index;
}

/** Assumptions by the rules they rule out, in model order (most rules have none). */
function assumptionsByRule(assumptions: readonly Assumption[]): Map<string, Assumption[]> {
  const byRule = new Map<string, Assumption[]>();
  for (const a of assumptions) {
    for (const ruleId of a.rules) {
      const list = byRule.get(ruleId);
      if (list === undefined) byRule.set(ruleId, [a]);
      else if (list[list.length - 1] !== a) list.push(a);
    }
  }
  return byRule;
}

const NO_FLOWS: string[] = Object.freeze([]) as unknown as string[];

/**
 * `onMitigated`, when given, takes each mitigated outcome as it is found instead of the run's list (the
 * coverage matrix does, in a large model there are hundreds of thousands and it is their only reader).
 */
export function runRules(
  ctx: AnalysisContext,
  rules: readonly Rule[],
  onMitigated?: (o: MitigatedOutcome, stride: Stride) => void,
): RuleRun {
  const { graph } = ctx;
  const index = indexRules(rules);
  // Findings by rule id, then by what they concern (the model's own id strings, whose hashes are cached):
  // a key string is built only for a new finding.
  const byRule = new Map<string, Map<string, RuleFinding>>();
  const findings: RuleFinding[] = [];
  const mitigations: Mitigation[] = [];
  const mitigated = onMitigated ?? ((o: MitigatedOutcome, stride: Stride) => {
    mitigations.push({ component: o.component, stride, controls: o.controls, reason: o.reason, flows: o.flows ?? [], endpoint: o.endpoint });
  });
  const suppressions: Suppression[] = [];
  const assumptions = assumptionsByRule(graph.model.assumptions);
  const flowSets = new Map<RuleFinding, Set<string>>();
  // A finding keeps its first outcome's flow and evidence lists until a second outcome merges into it.
  const owned = new Set<RuleFinding>();

  /** The first assumption that rules out this outcome: everywhere, or on an element it involves. */
  const assumptionFor = (candidates: readonly Assumption[], o: ThreatOutcome): Assumption | undefined => {
    const involves = (id: string): boolean => {
      if (id === o.component) return true;
      for (const f of o.flows ?? NO_FLOWS) {
        const flow = graph.flows.get(f);
        if (flow && (flow.from === id || flow.to === id)) return true;
      }
      return false;
    };
    return candidates.find((a) => a.elements.length === 0 || a.elements.some(involves));
  };

  const recordOne = (rule: Rule, o: Outcome) => {
    if (o.outcome === 'mitigated') {
      mitigated(o, rule.stride);
      return;
    }
    const candidates = assumptions.get(rule.id);
    const assumption = candidates === undefined ? undefined : assumptionFor(candidates, o);
    if (assumption) {
      suppressions.push({ component: o.component, stride: rule.stride, reason: `assumption: ${assumption.text}`, at: assumption.at });
      return;
    }
    let found = byRule.get(rule.id);
    if (found === undefined) {
      found = new Map();
      byRule.set(rule.id, found);
    }
    const concerns = o.endpoint || o.component;
    const existing = found.get(concerns);
    if (existing === undefined) {
      const finding: RuleFinding = {
        outcome: 'threat', component: o.component, componentKind: o.componentKind, endpoint: o.endpoint,
        flows: o.flows ?? NO_FLOWS, title: o.title, description: o.description, likelihood: o.likelihood, impact: o.impact,
        evidence: o.evidence, mitigation: o.mitigation, target: o.target, rule, key: findingKey(rule.id, o.component, o.endpoint),
      };
      found.set(concerns, finding);
      findings.push(finding);
      return;
    }
    // The same cause found twice (e.g. over several flows): one threat, all flows, the worst rating.
    if (!owned.has(existing)) {
      existing.flows = [...existing.flows!];
      existing.evidence = [...existing.evidence];
      owned.add(existing);
    }
    // A set beside the list once it grows, so that a cause found over thousands of flows stays linear.
    const flows = existing.flows!;
    const more = o.flows ?? NO_FLOWS;
    let seen = flowSets.get(existing);
    if (seen === undefined && flows.length + more.length > 16) {
      seen = new Set(flows);
      flowSets.set(existing, seen);
    }
    for (const f of more) {
      if (seen ? seen.has(f) : flows.includes(f)) continue;
      flows.push(f);
      seen?.add(f);
    }
    for (const e of o.evidence) existing.evidence.push(e);
    if (ratingRank(o.likelihood.level) > ratingRank(existing.likelihood.level)) existing.likelihood = o.likelihood;
    if (ratingRank(o.impact.level) > ratingRank(existing.impact.level)) existing.impact = o.impact;
  };
  const record = (rule: Rule, result: CheckResult) => {
    if (result === undefined) return;
    if (Array.isArray(result)) {
      const list = result as readonly Outcome[];
      for (let i = 0; i < list.length; i++) recordOne(rule, list[i]);
    } else recordOne(rule, result as Outcome);
  };
  // Indexed loops (no iterators): this is the innermost loop of the analysis.
  const NO_RULES: never[] = [];
  const { elements, flows } = graph.model;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    const byKind = index.element.get(element.kind) ?? NO_RULES;
    for (let r = 0; r < byKind.length; r++) record(byKind[r], byKind[r].check(element, ctx));
    for (let j = 0; j < element.endpoints.length; j++) {
      const ep = element.endpoints[j];
      const any = index.endpointAny;
      for (let r = 0; r < any.length; r++) record(any[r], any[r].check(ep, element, ctx));
      const byEndpoint = index.endpointByKind.get(ep.kind) ?? NO_RULES;
      for (let r = 0; r < byEndpoint.length; r++) record(byEndpoint[r], byEndpoint[r].check(ep, element, ctx));
    }
  }
  const flowRules = index.flow;
  for (let i = 0; i < flows.length; i++) for (let r = 0; r < flowRules.length; r++) record(flowRules[r], flowRules[r].check(flows[i], ctx));
  for (const rule of index.model) record(rule, rule.check(ctx));

  return { findings, mitigations, suppressions };
}
