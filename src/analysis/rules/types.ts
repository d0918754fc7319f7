// The shape of a threat rule: metadata as data plus one small pure check over the model graph.
// `threatmap rules show` and the docs are generated from the metadata.
import type { ElementKind, EndpointKind } from '../../model/catalog.js';
import type { Element, Endpoint, Flow, ModelPath } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import type { ComponentKind, RatedLevel, Stride } from '../types.js';

/** A model fact behind a finding, pointing at where the model states it (or where it should). */
export interface EvidenceRef {
  fact: string;
  at: ModelPath;
}

export interface ThreatOutcome {
  outcome: 'threat';
  component: string;
  componentKind: ComponentKind;
  endpoint?: string;
  flows?: string[];
  title: string;
  description: string;
  likelihood: RatedLevel;
  impact: RatedLevel;
  evidence: EvidenceRef[];
  /** Overrides the rule's generic mitigation when the facts allow a more specific one. */
  mitigation?: string;
  /** How the punch list names what to fix (`/register on Web API`); default the component's name. */
  target?: string;
}

export interface MitigatedOutcome {
  outcome: 'mitigated';
  component: string;
  componentKind: ComponentKind;
  endpoint?: string;
  flows?: string[];
  controls: string[];
  reason: string;
}

export type Outcome = ThreatOutcome | MitigatedOutcome;
export type CheckResult = Outcome | readonly Outcome[] | undefined;

export interface RuleMeta {
  /** Stable kebab-case id; never reused for another meaning. */
  id: string;
  stride: Stride;
  title: string;
  /** What the rule looks for and why it matters. */
  description: string;
  /** The facts that make it fire, precisely, in words (for `rules show` and the catalogue). */
  condition: string;
  /** Generic advice; a finding may give a more specific one. */
  mitigation: string;
  /** The punch-list action; `{targets}` becomes the list of what to fix. Rules sharing `key` merge. */
  action: { key?: string; text: string };
  /** Controls that make the rule report the component as mitigated. */
  mitigatedBy: readonly string[];
  /** CWE, CAPEC, OWASP ids. */
  references: readonly string[];
  /** How likelihood and impact are set, in words (for `rules show`). */
  rating: string;
  /**
   * The sections of a model that trigger the rule (or, when elements alone do, the `elements:` map): as a
   * whole model (example.ts) it loads and the rule reports a threat (test/rules/examples.test.ts).
   */
  example: string;
  /** Where a rule that is not built in was defined (`rules.custom[0]` of a model, or a rules file). */
  origin?: string;
}

export interface ElementRule extends RuleMeta {
  appliesTo: 'element';
  kinds: readonly ElementKind[];
  /**
   * Element types the rule is about, when its check ends at once for any other (absent: every type): the
   * engine then offers it only those elements. The check still asks for itself, so that it holds alone.
   */
  types?: readonly string[];
  check(element: Element, ctx: AnalysisContext): CheckResult;
}

export interface EndpointRule extends RuleMeta {
  appliesTo: 'endpoint';
  /** Endpoint kinds the rule is about; empty means every kind. */
  endpointKinds: readonly EndpointKind[];
  check(endpoint: Endpoint, element: Element, ctx: AnalysisContext): CheckResult;
}

/** Elements by kind and type (an absent list allows every value); an element the model does not name never passes. */
export interface ElementGate {
  kinds?: readonly ElementKind[];
  types?: readonly string[];
}

export interface FlowRule extends RuleMeta {
  appliesTo: 'flow';
  /**
   * What a flow must be for the check to get past its first lines (absent: anything): the call's effective
   * auth (the flow's, else its endpoint's, else its target's: facts.ts callAuth), and its source and target elements. The engine offers the rule only flows that pass; as with `types` on
   * element rules, the check still asks for itself.
   */
  gate?: { auth?: readonly string[]; from?: ElementGate; to?: ElementGate };
  check(flow: Flow, ctx: AnalysisContext): CheckResult;
}

/** Patterns over several elements (shared credentials, a mesh without mTLS): one pass over the graph. */
export interface ModelRule extends RuleMeta {
  appliesTo: 'model';
  check(ctx: AnalysisContext): CheckResult;
}

export type Rule = ElementRule | EndpointRule | FlowRule | ModelRule;
