// The analysis pipeline: model graph -> crossings -> rules -> threats rated and ordered -> coverage,
// attack surface, recommendations. Pure: no I/O, deterministic for the same model.
import { displayPath } from '../model/diagnostics.js';
import { buildGraph } from '../model/graph.js';
import type { Diagnostic, Model, ModelPath, SourceMap } from '../model/types.js';
import { findCrossings } from './boundaries.js';
import { buildContext } from './context.js';
import { coverageMatrix } from './coverage.js';
import { type RuleFinding, runRules } from './engine.js';
import { recommend } from './recommendations.js';
import { BUILTIN_RULES } from './rules/index.js';
import { configureRules } from './rules/settings.js';
import type { Rule } from './rules/types.js';
import { ratingRank, riskOf, riskRank } from './risk.js';
import { attackSurface } from './surface.js';
import { threatUid } from '../track/uid.js';
import {
  type AnalysisResult, type Evidence, type RatedLevel, type Risk, RISKS, STRIDE_LETTERS, STRIDE_NAMES, type Summary, type Threat,
} from './types.js';

export interface AnalyzeOptions {
  /** The rule set (default the built-in library); the model's `rules:` section is applied on top. */
  rules?: readonly Rule[];
  /** Positions of the model's text, so evidence can cite file:line. */
  source?: SourceMap;
  /** Load-time warnings to carry into the result. */
  diagnostics?: readonly Diagnostic[];
}

/** Cites each fact at its path; a path object shared by several facts is resolved once. */
function evidenceResolver(source: SourceMap | undefined): (fact: string, at: ModelPath) => Evidence {
  const places = new Map<ModelPath, { path: string; line: number; col: number }>();
  return (fact, at) => {
    let place = places.get(at);
    if (place === undefined) {
      const loc = source?.locate(at);
      place = { path: displayPath(at), line: loc?.line ?? 0, col: loc?.col ?? 0 };
      places.set(at, place);
    }
    return { fact, path: place.path, line: place.line, col: place.col };
  };
}

/**
 * Report order as one number per finding: risk, then likelihood, impact (all highest first) and STRIDE
 * letter (in S-T-R-I-D-E order); the finding's key breaks ties.
 */
function orderKey(f: RuleFinding, risk: Risk): number {
  const stride = STRIDE_LETTERS.indexOf(f.rule.stride);
  return ((riskRank(risk) * 3 + ratingRank(f.likelihood.level)) * 3 + ratingRank(f.impact.level)) * 8 + (6 - stride);
}

function threatOf(f: RuleFinding, id: string, risk: Risk, componentName: string, evidence: Evidence[], references: string[]): Threat {
  const flows = f.flows ? f.flows.slice() : [];
  const mitigation = f.mitigation ?? f.rule.mitigation;
  const { rule } = f;
  // Two literals rather than a conditional spread, as `endpoint` sits between the name and the flows.
  return f.endpoint
    ? {
        id, key: f.key, uid: threatUid(f.key), ruleId: rule.id, stride: rule.stride, category: STRIDE_NAMES[rule.stride],
        component: f.component, componentKind: f.componentKind, componentName, endpoint: f.endpoint, flows,
        title: f.title, description: f.description, likelihood: f.likelihood, impact: f.impact, risk, mitigation, references, evidence,
      }
    : {
        id, key: f.key, uid: threatUid(f.key), ruleId: rule.id, stride: rule.stride, category: STRIDE_NAMES[rule.stride],
        component: f.component, componentKind: f.componentKind, componentName, flows,
        title: f.title, description: f.description, likelihood: f.likelihood, impact: f.impact, risk, mitigation, references, evidence,
      };
}

export function analyze(model: Model, options: AnalyzeOptions = {}): AnalysisResult {
  const graph = buildGraph(model);
  const crossings = findCrossings(graph);
  const ctx = buildContext(graph, crossings);
  // The model's own `rules:` section (custom rules, disabled and re-rated ones) applies on top of the rule set.
  const coverage = coverageMatrix(graph);
  const run = runRules(ctx, configureRules(options.rules ?? BUILTIN_RULES, model), (o, stride) => coverage.mitigated(o, stride));

  // A threat on an endpoint is named after its element and route; endpoints have several threats each.
  const endpointNames = new Map<string, string>();
  const componentName = (f: RuleFinding): string => {
    if (f.endpoint) {
      const ep = graph.endpoints.get(f.endpoint);
      if (ep) {
        let name = endpointNames.get(f.endpoint);
        if (name === undefined) {
          name = `${graph.elements.get(ep.element)?.name ?? ep.element} ${ep.key}`;
          endpointNames.set(f.endpoint, name);
        }
        return name;
      }
    }
    return graph.elements.get(f.component)?.name ?? graph.boundaries.get(f.component)?.name ??
      (f.componentKind === 'flow' ? f.component : f.component === 'system' ? model.system.name : f.component);
  };

  // One frozen copy of a rule's references for all its threats (a large model has thousands per rule).
  const references = new Map<Rule, string[]>();
  const referencesOf = (rule: Rule): string[] => {
    let list = references.get(rule);
    if (list === undefined) {
      list = Object.freeze([...rule.references]) as string[];
      references.set(rule, list);
    }
    return list;
  };

  const found = run.findings;
  const risks = new Array<Risk>(found.length);
  const keys = new Array<number>(found.length);
  const order = new Array<number>(found.length);
  for (let i = 0; i < found.length; i++) {
    risks[i] = riskOf(found[i].likelihood.level, found[i].impact.level);
    keys[i] = orderKey(found[i], risks[i]);
    order[i] = i;
  }
  order.sort((a, b) => keys[b] - keys[a] || (found[a].key < found[b].key ? -1 : found[a].key > found[b].key ? 1 : 0));

  const toEvidence = evidenceResolver(options.source);
  // Ratings repeat across threats (a likelihood reason is one of a few hundred in a 10,000-element model):
  // one object for each level and reason, kept instead of one per outcome.
  const ratings = new Map<string, RatedLevel>();
  const rating = (r: RatedLevel): RatedLevel => {
    const byReason = ratings.get(r.reason);
    if (byReason !== undefined && byReason.level === r.level) return byReason;
    if (byReason === undefined) ratings.set(r.reason, r);
    return r;
  };
  const threats = new Array<Threat>(order.length);
  const findings = new Array<RuleFinding>(order.length);
  const threatCounts: Record<Risk, number> = { Low: 0, Medium: 0, High: 0, Critical: 0 };
  for (let i = 0; i < order.length; i++) {
    const f = found[order[i]];
    const risk = risks[order[i]];
    f.likelihood = rating(f.likelihood);
    f.impact = rating(f.impact);
    const evidence = new Array<Evidence>(f.evidence.length);
    for (let j = 0; j < evidence.length; j++) evidence[j] = toEvidence(f.evidence[j].fact, f.evidence[j].at);
    threats[i] = threatOf(f, `T${i + 1}`, risk, componentName(f), evidence, referencesOf(f.rule));
    findings[i] = f;
    threatCounts[risk]++;
  }

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
    coverage: coverage.rows(threats, run.suppressions),
    attackSurface: attackSurface(ctx),
    recommendations: recommend(threats, findings),
    diagnostics: [...(options.diagnostics ?? [])],
  };
}
