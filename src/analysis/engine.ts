// Runs the rules over the graph. Rules are indexed by what they apply to, so each element, endpoint and
// flow is offered only the rules about it; findings with the same cause collapse into one threat.
import type { ElementKind, EndpointKind } from '../model/catalog.js';
import type { Assumption, ModelPath } from '../model/types.js';
import type { AnalysisContext } from './context.js';
import type { CheckResult, ElementRule, EndpointRule, FlowRule, ModelRule, Outcome, Rule, ThreatOutcome } from './rules/types.js';
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

const asList = (r: CheckResult): readonly Outcome[] => (r === undefined ? [] : Array.isArray(r) ? r : [r as Outcome]);

/** Assumptions that rule out a rule (everywhere, or on the elements they name). */
function assumptionFor(assumptions: readonly Assumption[], ruleId: string, elementIds: readonly string[]): Assumption | undefined {
  return assumptions.find((a) =>
    a.rules.includes(ruleId) && (a.elements.length === 0 || a.elements.some((e) => elementIds.includes(e))));
}

export function runRules(ctx: AnalysisContext, rules: readonly Rule[]): RuleRun {
  const { graph } = ctx;
  const index = indexRules(rules);
  const byKey = new Map<string, RuleFinding>();
  const mitigations: Mitigation[] = [];
  const suppressions: Suppression[] = [];
  const assumptions = graph.model.assumptions;
  const flowSets = new Map<RuleFinding, Set<string>>();

  const record = (rule: Rule, result: CheckResult) => {
    for (const o of asList(result)) {
      if (o.outcome === 'mitigated') {
        mitigations.push({
          component: o.component, stride: rule.stride, controls: o.controls, reason: o.reason, flows: o.flows ?? [], endpoint: o.endpoint,
        });
        continue;
      }
      const involved = () => [o.component, ...(o.flows ?? []).flatMap((f) => {
        const flow = graph.flows.get(f);
        return flow ? [flow.from, flow.to] : [];
      })];
      const assumption = assumptions.length ? assumptionFor(assumptions, rule.id, involved()) : undefined;
      if (assumption) {
        suppressions.push({ component: o.component, stride: rule.stride, reason: `assumption: ${assumption.text}`, at: assumption.at });
        continue;
      }
      const key = findingKey(rule.id, o.component, o.endpoint);
      const existing = byKey.get(key);
      if (!existing) {
        byKey.set(key, { ...o, rule, key, flows: [...(o.flows ?? [])], evidence: [...o.evidence] });
        continue;
      }
      // The same cause found twice (e.g. over several flows): one threat, all flows, the worst rating.
      // A set beside the list once it grows, so that a cause found over thousands of flows stays linear.
      const flows = existing.flows!;
      let seen = flowSets.get(existing);
      if (seen === undefined && flows.length + (o.flows?.length ?? 0) > 16) {
        seen = new Set(flows);
        flowSets.set(existing, seen);
      }
      for (const f of o.flows ?? []) {
        if (seen ? seen.has(f) : flows.includes(f)) continue;
        flows.push(f);
        seen?.add(f);
      }
      existing.evidence.push(...o.evidence);
      if (ratingRank(o.likelihood.level) > ratingRank(existing.likelihood.level)) existing.likelihood = o.likelihood;
      if (ratingRank(o.impact.level) > ratingRank(existing.impact.level)) existing.impact = o.impact;
    }
  };

  for (const element of graph.model.elements) {
    for (const rule of index.element.get(element.kind) ?? []) record(rule, rule.check(element, ctx));
    for (const ep of element.endpoints) {
      for (const rule of index.endpointAny) record(rule, rule.check(ep, element, ctx));
      for (const rule of index.endpointByKind.get(ep.kind) ?? []) record(rule, rule.check(ep, element, ctx));
    }
  }
  for (const flow of graph.model.flows) for (const rule of index.flow) record(rule, rule.check(flow, ctx));
  for (const rule of index.model) record(rule, rule.check(ctx));

  return { findings: [...byKey.values()], mitigations, suppressions };
}
