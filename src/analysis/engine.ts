// Runs the rules over the graph. Rules are indexed by what they apply to, so each element, endpoint and
// flow is offered only the rules about it; findings with the same cause collapse into one threat.
import type { ElementKind, EndpointKind } from '../model/catalog.js';
import type { Assumption, Element, ModelPath } from '../model/types.js';
import type { AnalysisContext } from './context.js';
import type {
  ElementGate, ElementRule, EndpointRule, EvidenceRef, FlowRule, MitigatedOutcome, ModelRule, Outcome, Rule, ThreatOutcome,
} from './rules/types.js';
import { flat } from '../model/flat.js';
import { callAuthMethod, recordRunningRules } from './rules/facts.js';
import { ratingRank } from './risk.js';
import type { RatedLevel, Stride } from './types.js';

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

/** A rule and what the run keeps about it: its findings by what they concern, the assumptions about it. */
interface RuleState<R extends Rule = Rule> {
  rule: R;
  /**
   * The rule's id, STRIDE letter and check, copied out of it: built-in rules come in half a dozen shapes
   * (by what they apply to and which optional fields they have), and the loops and `recordOne` that read
   * these for every check and outcome stay monomorphic on the one shape of this state.
   */
  id: string;
  stride: Stride;
  check: R['check'];
  /** By the model's own id strings (whose hashes are cached): a key string is built only for a new finding. */
  found: Map<string, RuleFinding>;
  /** In model order; undefined for the many rules no assumption names. */
  assumptions: Assumption[] | undefined;
  /**
   * A flow rule's gate (see FlowRule): the auths it admits (of the call, as callAuth gives it), and its sources
   * and targets by element position.
   */
  auths: readonly string[] | undefined;
  from: Uint8Array | undefined;
  to: Uint8Array | undefined;
}

interface RuleIndex {
  element: Map<ElementKind, RuleState<ElementRule>[]>;
  endpointAny: RuleState<EndpointRule>[];
  endpointByKind: Map<EndpointKind, RuleState<EndpointRule>[]>;
  flow: RuleState<FlowRule>[];
  model: RuleState<ModelRule>[];
}

function indexRules(rules: readonly Rule[], assumptions: Map<string, Assumption[]>, elements: readonly Element[]): RuleIndex {
  const index: RuleIndex = { element: new Map(), endpointAny: [], endpointByKind: new Map(), flow: [], model: [] };
  const add = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  // Findings are one per rule id and concern, even were two rules to share an id.
  const foundById = new Map<string, Map<string, RuleFinding>>();
  for (const rule of rules) {
    let found = foundById.get(rule.id);
    if (found === undefined) {
      found = new Map();
      foundById.set(rule.id, found);
    }
    const gate = rule.appliesTo === 'flow' ? rule.gate : undefined;
    const state: RuleState = {
      rule, id: rule.id, stride: rule.stride, check: rule.check, found, assumptions: assumptions.get(rule.id),
      auths: gate?.auth, from: gate?.from && admitted(gate.from, elements), to: gate?.to && admitted(gate.to, elements),
    };
    switch (rule.appliesTo) {
      case 'element':
        for (const kind of rule.kinds) add(index.element, kind, state as RuleState<ElementRule>);
        break;
      case 'endpoint':
        if (rule.endpointKinds.length === 0) index.endpointAny.push(state as RuleState<EndpointRule>);
        else for (const kind of rule.endpointKinds) add(index.endpointByKind, kind, state as RuleState<EndpointRule>);
        break;
      case 'flow':
        index.flow.push(state as RuleState<FlowRule>);
        break;
      case 'model':
        index.model.push(state as RuleState<ModelRule>);
        break;
    }
  }
  return index;
}

/** Which elements (by position) pass a gate: one pass per gated rule, so that each flow asks two array slots. */
function admitted(gate: ElementGate, elements: readonly Element[]): Uint8Array {
  // The lists are read out of the gate once: gates come in several shapes, and the loop, compiled as it
  // runs, was compiled anew for each gate whose shape it had not seen.
  const { kinds, types } = gate;
  const at = new Uint8Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (kinds !== undefined && !kinds.includes(e.kind)) continue;
    if (types !== undefined && (e.type === undefined || !types.includes(e.type))) continue;
    at[i] = 1;
  }
  return at;
}

/**
 * The element rules for each kind and type, each list made once: a rule that names its types (most of
 * those about backups, logs, pipelines and the like) is left out of the lists of every other type.
 */
function rulesByType(byKind: Map<ElementKind, RuleState<ElementRule>[]>) {
  const lists = new Map<ElementKind, Map<string | undefined, RuleState<ElementRule>[]>>();
  return (e: Element): readonly RuleState<ElementRule>[] => {
    let byType = lists.get(e.kind);
    if (byType === undefined) {
      byType = new Map();
      lists.set(e.kind, byType);
    }
    let list = byType.get(e.type);
    if (list === undefined) {
      list = (byKind.get(e.kind) ?? []).filter((s) => s.rule.types === undefined || (e.type !== undefined && s.rule.types.includes(e.type)));
      byType.set(e.type, list);
    }
    return list;
  };
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
  // A rule that leaves a finding to another asks whether that one runs (a model may disable it).
  recordRunningRules(ctx, rules);
  const index = indexRules(rules, assumptionsByRule(graph.model.assumptions), graph.model.elements);
  const findings: RuleFinding[] = [];
  const mitigations: Mitigation[] = [];
  const mitigated = onMitigated ?? ((o: MitigatedOutcome, stride: Stride) => {
    mitigations.push({ component: o.component, stride, controls: o.controls, reason: o.reason, flows: o.flows ?? [], endpoint: o.endpoint });
  });
  const suppressions: Suppression[] = [];
  const flowSets = new Map<RuleFinding, Set<string>>();
  const evidenceSets = new Map<RuleFinding, Set<string>>();
  // A finding keeps its first outcome's flow and evidence lists until a second outcome merges into it.
  const owned = new Set<RuleFinding>();

  /** Whether the outcome involves the element: it is the component, or an end of one of its flows. */
  const involves = (o: ThreatOutcome, id: string): boolean => {
    if (id === o.component) return true;
    const flows = o.flows ?? NO_FLOWS;
    for (let i = 0; i < flows.length; i++) {
      const flow = graph.flows.get(flows[i]);
      if (flow && (flow.from === id || flow.to === id)) return true;
    }
    return false;
  };
  /** The first assumption that rules out this outcome: everywhere, or on an element it involves. */
  const assumptionFor = (candidates: readonly Assumption[], o: ThreatOutcome): Assumption | undefined => {
    for (let i = 0; i < candidates.length; i++) {
      const elements = candidates[i].elements;
      if (elements.length === 0) return candidates[i];
      for (let j = 0; j < elements.length; j++) if (involves(o, elements[j])) return candidates[i];
    }
    return undefined;
  };

  // Ratings repeat across findings (at 10,000 elements, 40,000 ratings have about 4,500 distinct reasons):
  // a finding keeps the first rating of each level and reason, so that the others die young.
  // Many ratings are shared objects already (a rule's fixed ones): the last one is recognised without a lookup.
  const ratings = new Map<string, RatedLevel>();
  let lastRating: RatedLevel | undefined;
  let lastKept: RatedLevel | undefined;
  const kept = (r: RatedLevel): RatedLevel => {
    if (r === lastRating) return lastKept!;
    const reason = flat(r.reason);
    const known = ratings.get(reason);
    if (known === undefined) ratings.set(reason, r);
    lastRating = r;
    lastKept = known !== undefined && known.level === r.level ? known : r;
    return lastKept;
  };

  const recordOne = (state: RuleState, o: Outcome) => {
    if (o.outcome === 'mitigated') {
      flat(o.reason);
      mitigated(o, state.stride);
      return;
    }
    const assumption = state.assumptions === undefined ? undefined : assumptionFor(state.assumptions, o);
    if (assumption) {
      suppressions.push({ component: o.component, stride: state.stride, reason: `assumption: ${assumption.text}`, at: assumption.at });
      return;
    }
    const found = state.found;
    const concerns = o.endpoint || o.component;
    const existing = found.get(concerns);
    if (existing === undefined) {
      const finding: RuleFinding = {
        outcome: 'threat', component: o.component, componentKind: o.componentKind, endpoint: o.endpoint,
        flows: o.flows ?? NO_FLOWS, title: flat(o.title), description: flat(o.description), likelihood: kept(o.likelihood), impact: kept(o.impact),
        evidence: o.evidence, mitigation: o.mitigation, target: o.target === undefined ? undefined : flat(o.target), rule: state.rule, key: flat(findingKey(state.id, o.component, o.endpoint)),
      };
      flattenFacts(o.evidence);
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
    for (let i = 0; i < more.length; i++) {
      const f = more[i];
      if (seen ? seen.has(f) : flows.includes(f)) continue;
      flows.push(f);
      seen?.add(f);
    }
    flattenFacts(o.evidence);
    // The same fact at the same place is cited once (two flows to one store both lack its control); a set
    // of keys beside a long list, as with flows.
    const cited = existing.evidence;
    let keys = evidenceSets.get(existing);
    if (keys === undefined && cited.length + o.evidence.length > 16) {
      keys = new Set(cited.map(evidenceKey));
      evidenceSets.set(existing, keys);
    }
    for (let i = 0; i < o.evidence.length; i++) {
      const e = o.evidence[i];
      if (keys === undefined ? citedAlready(cited, e) : keys.has(evidenceKey(e))) continue;
      cited.push(e);
      keys?.add(evidenceKey(e));
    }
    if (ratingRank(o.likelihood.level) > ratingRank(existing.likelihood.level)) existing.likelihood = kept(o.likelihood);
    if (ratingRank(o.impact.level) > ratingRank(existing.impact.level)) existing.impact = kept(o.impact);
  };
  /** Most checks find nothing (a result comes back from one in seven): the loops below call this only for a result. */
  const record = (state: RuleState, result: Outcome | readonly Outcome[]) => {
    if (Array.isArray(result)) {
      const list = result as readonly Outcome[];
      for (let i = 0; i < list.length; i++) recordOne(state, list[i]);
    } else recordOne(state, result as Outcome);
  };
  runElementRules(ctx, index, record);
  runFlowRules(ctx, index.flow, record);
  for (const state of index.model) {
    const result = state.check(ctx);
    if (result !== undefined) record(state, result);
  }

  return { findings, mitigations, suppressions };
}

const evidenceKey = (e: EvidenceRef): string => `${e.fact}\u0000${e.at.join('\u0000')}`;

/** Whether the list cites this fact at this path already (paths compared by their segments). */
function citedAlready(cited: readonly EvidenceRef[], e: EvidenceRef): boolean {
  for (let i = 0; i < cited.length; i++) {
    const c = cited[i];
    if (c === e) return true;
    if (c.fact !== e.fact || c.at.length !== e.at.length) continue;
    let same = true;
    for (let j = 0; same && j < c.at.length; j++) same = c.at[j] === e.at[j];
    if (same) return true;
  }
  return false;
}

// The texts of findings are templates, ropes of a few pieces each (see model/flat.ts).
const flattenFacts = (evidence: readonly EvidenceRef[]) => {
  for (let i = 0; i < evidence.length; i++) flat(evidence[i].fact);
};

type Record = (state: RuleState, result: Outcome | readonly Outcome[]) => void;
const NO_RULES: never[] = [];

// The loops over elements and over flows are functions of their own: each is compiled (on the stack, as it
// runs) with the feedback of its own loop, where one function holding both was compiled twice more when its
// run reached the loop that had no feedback yet. Indexed loops (no iterators): these are the innermost
// loops of the analysis.
function runElementRules(ctx: AnalysisContext, index: RuleIndex, record: Record): void {
  const { elements } = ctx.graph.model;
  const elementRules = rulesByType(index.element);
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    const byKind = elementRules(element);
    for (let r = 0; r < byKind.length; r++) {
      const result = byKind[r].check(element, ctx);
      if (result !== undefined) record(byKind[r], result);
    }
    for (let j = 0; j < element.endpoints.length; j++) {
      const ep = element.endpoints[j];
      const any = index.endpointAny;
      for (let r = 0; r < any.length; r++) {
        const result = any[r].check(ep, element, ctx);
        if (result !== undefined) record(any[r], result);
      }
      const byEndpoint = index.endpointByKind.get(ep.kind) ?? NO_RULES;
      for (let r = 0; r < byEndpoint.length; r++) {
        const result = byEndpoint[r].check(ep, element, ctx);
        if (result !== undefined) record(byEndpoint[r], result);
      }
    }
  }
}

/**
 * Most flow rules are about a few flows (unauthenticated, into stores, from partners): their gates are
 * asked here, with the flow's ends as positions, instead of calling every rule on every flow.
 */
function runFlowRules(ctx: AnalysisContext, flowRules: readonly RuleState<FlowRule>[], record: Record): void {
  const { graph } = ctx;
  const { flows } = graph.model;
  const { flowSource, flowTarget } = graph;
  for (let k = 0; k < flows.length; k++) {
    const flow = flows[k];
    const s = flowSource[k];
    const t = flowTarget[k];
    // The call's effective auth (the flow's, else its endpoint's, else its target's), asked once per flow and
    // only when a gate needs it: `auth: jwt` on an API gates the flows into it that do not restate it.
    let auth: string | undefined;
    for (let r = 0; r < flowRules.length; r++) {
      const state = flowRules[r];
      if (state.auths !== undefined && !state.auths.includes(auth ??= callAuthMethod(graph, flow))) continue;
      if (state.from !== undefined && (s < 0 || state.from[s] === 0)) continue;
      if (state.to !== undefined && (t < 0 || state.to[t] === 0)) continue;
      const result = state.check(flow, ctx);
      if (result !== undefined) record(state, result);
    }
  }
}
