// The analysis pipeline: model graph -> crossings -> rules -> threats rated and ordered -> coverage,
// attack surface, attack paths, recommendations. Pure: no I/O, deterministic for the same model.
import { displayPath } from '../model/diagnostics.js';
import { flat } from '../model/flat.js';
import { buildGraph } from '../model/graph.js';
import type { ModelGraph } from '../model/graph.js';
import type { Diagnostic, Model, ModelPath, SourceMap } from '../model/types.js';
import { findCrossings } from './boundaries.js';
import { buildContext } from './context.js';
import { coverageMatrix } from './coverage.js';
import { type RuleFinding, runRules } from './engine.js';
import { recommend, ruleActions } from './recommendations.js';
import { BUILTIN_RULES } from './rules/index.js';
import { configureRules } from './rules/settings.js';
import { writtenThreatRules } from './rules/written.js';
import type { Rule } from './rules/types.js';
import { ratingRank, riskOf, riskRank } from './risk.js';
import { attackPaths } from './paths.js';
import { attackSurface } from './surface.js';
import { type StepTable, stepsIn, techFamilies, techStepTable } from './tech-advice.js';
import { fnv1a32, threatUidAfter } from '../track/uid.js';
import {
  type AnalysisResult, type Evidence, type Rating, RATINGS, type Risk, RISKS, type Stride, STRIDE_LETTERS, STRIDE_NAMES, type Summary, type Threat,
} from './types.js';

export interface AnalyzeOptions {
  /** The rule set (default the built-in library); the model's `rules:` section is applied on top. */
  rules?: readonly Rule[];
  /** Positions of the model's text, so evidence can cite file:line. */
  source?: SourceMap;
  /** Load-time warnings to carry into the result. */
  diagnostics?: readonly Diagnostic[];
}

/**
 * Cites each fact at its path. A path object shared by several facts is resolved once, and its first
 * evidence is shared by every threat that cites the same fact there (rules share facts between threats).
 */
function evidenceResolver(source: SourceMap | undefined): (fact: string, at: ModelPath) => Evidence {
  const cited = new Map<ModelPath, Evidence>();
  // A threat's facts often sit at one path (an endpoint and what it lacks): the last path is at hand.
  let lastAt: ModelPath | undefined;
  let last: Evidence | undefined;
  return (fact, at) => {
    let known = at === lastAt ? last : cited.get(at);
    if (known === undefined) {
      const loc = source?.locate(at);
      known = { fact, path: displayPath(at), line: loc?.line ?? 0, col: loc?.col ?? 0 };
      cited.set(at, known);
    }
    lastAt = at;
    last = known;
    return known.fact === fact ? known : { fact, path: known.path, line: known.line, col: known.col };
  };
}

/** Order keys run from 0 to ORDER_KEYS - 1 (see orderKey). */
const ORDER_KEYS = RISKS.length * RATINGS.length * RATINGS.length * 8;

/** What all the findings of one rule share, read from the rule once rather than once per finding. */
interface RuleShared {
  /** Where the rule's `ruleId@` sorts among the rules' (see reportOrder). */
  rank: number;
  /** fnv1a32 of `ruleId@`, the start of each of its keys. */
  uidSeed: number;
  /** One frozen copy of the rule's references for all its threats (a large model has thousands per rule). */
  references: string[];
  ruleId: string;
  stride: Stride;
  category: string;
  mitigation: string;
  /** The STRIDE letter's part of the order key: S-T-R-I-D-E order, S highest. */
  strideOrder: number;
}

function ruleShared(rule: Rule): RuleShared {
  return {
    rank: 0, uidSeed: fnv1a32(`${rule.id}@`), references: Object.freeze([...rule.references]) as string[], ruleId: rule.id,
    stride: rule.stride, category: STRIDE_NAMES[rule.stride], mitigation: rule.mitigation, strideOrder: 6 - STRIDE_LETTERS.indexOf(rule.stride),
  };
}

/**
 * Report order as one number per finding: risk, then likelihood, impact (all highest first) and STRIDE
 * letter (in S-T-R-I-D-E order); the finding's key breaks ties.
 */
const orderKey = (risk: Risk, likelihood: Rating, impact: Rating, s: RuleShared): number =>
  ((riskRank(risk) * 3 + ratingRank(likelihood)) * 3 + ratingRank(impact)) * 8 + s.strideOrder;

/**
 * The findings' indexes in report order: order key, then key. A key is `ruleId@` and what the finding
 * concerns, so unless a rule id holds an `@` (when one `ruleId@` could start another), the keys of two
 * rules compare as their `ruleId@` do (`rank`), and two keys of one rule as what they concern. So the
 * findings are bucketed by order key and rank (a counting sort, which keeps their order), and only within
 * a bucket are strings compared, the short ids of what they concern rather than keys with long common
 * prefixes: a large model has tens of thousands of findings.
 */
function reportOrder(found: readonly RuleFinding[], keys: Int32Array, shared: readonly RuleShared[], ranks: number, byKey: boolean): Int32Array {
  const n = found.length;
  const bucket = new Int32Array(n);
  const starts = new Int32Array(ORDER_KEYS * ranks + 1);
  for (let i = 0; i < n; i++) {
    bucket[i] = (ORDER_KEYS - 1 - keys[i]) * ranks + shared[i].rank;
    starts[bucket[i] + 1]++;
  }
  for (let b = 1; b < starts.length; b++) starts[b] += starts[b - 1];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[starts[bucket[i]]++] = i;

  const ties = new Array<string>(n);
  for (let i = 0; i < n; i++) ties[i] = byKey ? found[i].key : (found[i].endpoint || found[i].component);
  const compare = (a: number, b: number) => (ties[a] < ties[b] ? -1 : ties[a] > ties[b] ? 1 : 0);
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && bucket[order[e]] === bucket[order[s]]) e++;
    if (e - s > 1) order.subarray(s, e).sort(compare);
    s = e;
  }
  return order;
}

const NO_FLOWS: readonly string[] = Object.freeze([]);

function threatOf(f: RuleFinding, s: RuleShared, id: string, uid: string, risk: Risk, componentName: string, evidence: Evidence[]): Threat {
  // The finding's own list, not a copy: the engine copies an outcome's list before adding to it, and
  // nothing changes a threat's flows afterwards.
  const flows = (f.flows ?? NO_FLOWS) as string[];
  const mitigation = f.mitigation ?? s.mitigation;
  // Two literals rather than a conditional spread, as `endpoint` sits between the name and the flows.
  return f.endpoint
    ? {
        id, key: f.key, uid, ruleId: s.ruleId, stride: s.stride, category: s.category,
        component: f.component, componentKind: f.componentKind, componentName, endpoint: f.endpoint, flows,
        title: f.title, description: f.description, likelihood: f.likelihood, impact: f.impact, risk, mitigation, references: s.references, evidence,
      }
    : {
        id, key: f.key, uid, ruleId: s.ruleId, stride: s.stride, category: s.category,
        component: f.component, componentKind: f.componentKind, componentName, flows,
        title: f.title, description: f.description, likelihood: f.likelihood, impact: f.impact, risk, mitigation, references: s.references, evidence,
      };
}

/**
 * The findings as threats in report order, and the findings in that order beside them (the punch list
 * reads what threats do not keep), and each threat's component as a position in `model.elements` (-1 when
 * it is no element), looked up once for its name and its place in the coverage matrix.
 */
function rankedThreats(found: readonly RuleFinding[], graph: ModelGraph, source: SourceMap | undefined): { threats: Threat[]; findings: RuleFinding[]; elementAt: Int32Array } {
  const n = found.length;
  // Each rule's shared part is made before the loop over the findings: rule objects all differ in shape, and
  // reading them inside it made its optimised code deoptimise at each rule it had not yet seen.
  const byRule = new Map<Rule, RuleShared>();
  for (const rule of ruleActions(found).keys()) byRule.set(rule, ruleShared(rule));
  const shared = new Array<RuleShared>(n);
  const risks = new Array<Risk>(n);
  const keys = new Int32Array(n);
  rateFindings(found, byRule, shared, risks, keys);
  // Rules of one id (should a rule set repeat one) share a rank: their keys compare by what they concern.
  const prefixes = [...new Set(Array.from(byRule.values(), (s) => `${s.ruleId}@`))].sort();
  const byKey = prefixes.some((p) => p.indexOf('@') < p.length - 1);
  const rankOf = new Map(prefixes.map((p, i) => [p, byKey ? 0 : i]));
  for (const s of byRule.values()) s.rank = rankOf.get(`${s.ruleId}@`)!;
  const order = reportOrder(found, keys, shared, byKey ? 1 : prefixes.length, byKey);

  // Threats are built in the order found, which is the model's (a rule's findings by element), so that
  // neighbours cite nearby evidence and positions (a large model's lookups miss the cache in report
  // order); each is then given its number in report order.
  const built = new Array<Threat>(n);
  const positions = new Int32Array(n);
  buildThreats(found, shared, risks, graph, source, built, positions);
  return numbered(built, found, positions, order);
}

/**
 * Each finding's rule part, risk and order key. The loops of ranking are functions of their own: in one
 * function, each loop's optimised code met code after it that had never run, and was thrown away there.
 */
function rateFindings(found: readonly RuleFinding[], byRule: ReadonlyMap<Rule, RuleShared>, shared: RuleShared[], risks: Risk[], keys: Int32Array): void {
  for (let i = 0; i < found.length; i++) {
    const f = found[i];
    const s = byRule.get(f.rule)!;
    shared[i] = s;
    const likelihood = f.likelihood.level;
    const impact = f.impact.level;
    const risk = riskOf(likelihood, impact);
    risks[i] = risk;
    keys[i] = orderKey(risk, likelihood, impact, s);
  }
}

/** The threats in the order found, unnumbered, and each one's component as a position (see rankedThreats). */
function buildThreats(found: readonly RuleFinding[], shared: readonly RuleShared[], risks: readonly Risk[], graph: ModelGraph, source: SourceMap | undefined, built: Threat[], positions: Int32Array): void {
  const toEvidence = evidenceResolver(source);
  const componentName = componentNamer(graph);
  for (let k = 0; k < found.length; k++) {
    const f = found[k];
    const s = shared[k];
    const refs = f.evidence;
    const evidence = new Array<Evidence>(refs.length);
    for (let j = 0; j < refs.length; j++) evidence[j] = toEvidence(refs[j].fact, refs[j].at);
    const uid = threatUidAfter(s.uidSeed, f.endpoint || f.component);
    const at = graph.positionOf(f.component);
    positions[k] = at;
    built[k] = threatOf(f, s, '', uid, risks[k], componentName(f, at), evidence);
  }
}

/** The threats numbered in report order, with their findings and positions in that order. */
function numbered(built: readonly Threat[], found: readonly RuleFinding[], positions: Int32Array, order: Int32Array): { threats: Threat[]; findings: RuleFinding[]; elementAt: Int32Array } {
  const n = built.length;
  const threats = new Array<Threat>(n);
  const findings = new Array<RuleFinding>(n);
  const elementAt = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = order[i];
    const t = built[k];
    t.id = `T${i + 1}`;
    threats[i] = t;
    findings[i] = found[k];
    elementAt[i] = positions[k];
  }
  return { threats, findings, elementAt };
}

/**
 * A threat on an endpoint is named after its element and route; endpoints have several threats each.
 * `at` is the component's position in `model.elements` (-1 when it is no element).
 */
function componentNamer(graph: ModelGraph): (f: RuleFinding, at: number) => string {
  const endpointNames = new Map<string, string>();
  const { elements } = graph.model;
  return (f, at) => {
    if (f.endpoint) {
      let name = endpointNames.get(f.endpoint);
      if (name !== undefined) return name;
      const ep = graph.endpoints.get(f.endpoint);
      if (ep) {
        name = flat(`${graph.elements.get(ep.element)?.name ?? ep.element} ${ep.key}`);
        endpointNames.set(f.endpoint, name);
        return name;
      }
    }
    if (at >= 0) return elements[at].name;
    return graph.boundaries.get(f.component)?.name ??
      (f.componentKind === 'flow' ? f.component : f.component === 'system' ? graph.model.system.name : f.component);
  };
}

/**
 * Gives each threat the concrete steps known for its action in the technologies it touches: its element, and
 * the ends of its flows (TLS on a hop is set up at both). One pass; a rule's table of steps is found once for
 * a run of its threats (rule objects differ in shape: their fields are read once per rule), threats whose
 * action has no steps skip their flows, and each element's families are worked out once.
 */
function attachTechSteps(threats: readonly Threat[], findings: readonly RuleFinding[], elementAt: Int32Array, graph: ModelGraph): void {
  const tables = new Map<Rule, StepTable | undefined>();
  for (const [rule, action] of ruleActions(findings)) tables.set(rule, techStepTable(action.key));
  const families = new Array<readonly string[] | undefined>(graph.model.elements.length);
  let rule: Rule | undefined;
  let table: StepTable | undefined;
  for (let i = 0; i < threats.length; i++) {
    if (findings[i].rule !== rule) {
      rule = findings[i].rule;
      table = tables.get(rule);
    }
    if (table === undefined) continue;
    const steps = threatSteps(table, threats[i], elementAt[i], graph, families);
    if (steps !== undefined) threats[i].mitigationSteps = steps;
  }
}

/**
 * The steps of one threat: its element's, then its flows' ends', each list once, in the order found; undefined
 * when none. `families` is each element's families by position, filled as asked.
 */
function threatSteps(table: StepTable, t: Threat, at: number, graph: ModelGraph, families: Array<readonly string[] | undefined>): string[] | undefined {
  const { elements } = graph.model;
  let found: Array<readonly string[]> | undefined;
  const add = (steps: readonly string[] | undefined): void => {
    if (steps === undefined) return;
    if (found === undefined) found = [steps];
    else if (!found.includes(steps)) found.push(steps);
  };
  if (at >= 0) add(stepsIn(table, (families[at] ??= techFamilies(elements[at])), 'at'));
  const { flows } = t;
  for (let j = 0; j < flows.length; j++) {
    const flow = graph.flows.get(flows[j]);
    if (flow === undefined) continue;
    const from = graph.positionOf(flow.from);
    if (from >= 0) add(stepsIn(table, (families[from] ??= techFamilies(elements[from])), 'from'));
    const to = graph.positionOf(flow.to);
    if (to >= 0) add(stepsIn(table, (families[to] ??= techFamilies(elements[to])), 'to'));
  }
  return found === undefined ? undefined : found.flat();
}

export function analyze(model: Model, options: AnalyzeOptions = {}): AnalysisResult {
  const graph = buildGraph(model);
  const crossings = findCrossings(graph);
  const ctx = buildContext(graph, crossings);
  const coverage = coverageMatrix(graph);
  // The model's own `rules:` section (custom rules, disabled and re-rated ones) applies on top of the rule set.
  // Threats written in the model run as rules of their own, after the library's.
  const rules = [...configureRules(options.rules ?? BUILTIN_RULES, model), ...writtenThreatRules(model.threats)];
  const run = runRules(ctx, rules, (o, stride) => coverage.mitigated(o, stride));
  const { threats, findings, elementAt } = rankedThreats(run.findings, graph, options.source);
  attachTechSteps(threats, findings, elementAt, graph);

  const threatCounts: Record<Risk, number> = { Low: 0, Medium: 0, High: 0, Critical: 0 };
  for (let i = 0; i < threats.length; i++) threatCounts[threats[i].risk]++;
  const elements = { external: 0, process: 0, store: 0, total: model.elements.length };
  let endpoints = 0;
  for (const e of model.elements) {
    elements[e.kind]++;
    endpoints += e.endpoints.length;
  }
  const summary: Summary = {
    elements,
    flows: model.flows.length,
    boundaries: model.boundaries.length,
    crossings: crossings.length,
    endpoints,
    assets: model.assets.length,
    threats: { ...threatCounts, total: threats.length },
  };

  return {
    tool: 'threatmap',
    schemaVersion: 1,
    file: model.file,
    system: model.system,
    summary,
    boundaries: model.boundaries,
    assets: model.assets,
    elements: model.elements,
    flows: model.flows,
    crossings,
    threats,
    coverage: coverage.rows(threats, run.suppressions, elementAt),
    attackSurface: attackSurface(ctx),
    attackPaths: attackPaths(ctx, threats, elementAt),
    recommendations: recommend(threats, findings),
    diagnostics: [...(options.diagnostics ?? [])],
  };
}
