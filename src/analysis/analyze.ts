// The analysis pipeline: model graph -> crossings -> rules -> threats rated and ordered -> coverage,
// attack surface, recommendations. Pure: no I/O, deterministic for the same model.
import { displayPath } from '../model/diagnostics.js';
import { buildGraph } from '../model/graph.js';
import type { Diagnostic, Model, ModelPath, SourceMap } from '../model/types.js';
import { findCrossings } from './boundaries.js';
import { buildContext } from './context.js';
import { buildCoverage } from './coverage.js';
import { type RuleFinding, runRules } from './engine.js';
import { recommend } from './recommendations.js';
import { BUILTIN_RULES } from './rules/index.js';
import { configureRules } from './rules/settings.js';
import type { Rule } from './rules/types.js';
import { ratingRank, riskOf, riskRank } from './risk.js';
import { attackSurface } from './surface.js';
import { threatUid } from '../track/uid.js';
import {
  type AnalysisResult, type Evidence, type Risk, RISKS, STRIDE_LETTERS, STRIDE_NAMES, type Summary, type Threat,
} from './types.js';

export interface AnalyzeOptions {
  /** The rule set (default the built-in library); the model's `rules:` section is applied on top. */
  rules?: readonly Rule[];
  /** Positions of the model's text, so evidence can cite file:line. */
  source?: SourceMap;
  /** Load-time warnings to carry into the result. */
  diagnostics?: readonly Diagnostic[];
}

function toEvidence(source: SourceMap | undefined, fact: string, at: ModelPath): Evidence {
  const loc = source?.locate(at) ?? { line: 0, col: 0 };
  return { fact, path: displayPath(at), line: loc.line, col: loc.col };
}

/** Report order: risk, then likelihood, impact, STRIDE letter and key (ranks precomputed per finding). */
function compareRanked(a: { ranks: number[]; f: RuleFinding }, b: { ranks: number[]; f: RuleFinding }): number {
  return b.ranks[0] - a.ranks[0] || b.ranks[1] - a.ranks[1] || b.ranks[2] - a.ranks[2] || a.ranks[3] - b.ranks[3] ||
    (a.f.key < b.f.key ? -1 : a.f.key > b.f.key ? 1 : 0);
}

export function analyze(model: Model, options: AnalyzeOptions = {}): AnalysisResult {
  const graph = buildGraph(model);
  const crossings = findCrossings(graph);
  const ctx = buildContext(graph, crossings);
  // The model's own `rules:` section (custom rules, disabled and re-rated ones) applies on top of the rule set.
  const run = runRules(ctx, configureRules(options.rules ?? BUILTIN_RULES, model));

  const componentName = (f: RuleFinding): string => {
    if (f.endpoint) {
      const ep = graph.endpoints.get(f.endpoint);
      if (ep) return `${graph.elements.get(ep.element)?.name ?? ep.element} ${ep.key}`;
    }
    return graph.elements.get(f.component)?.name ?? graph.boundaries.get(f.component)?.name ??
      (f.componentKind === 'flow' ? f.component : f.component === 'system' ? model.system.name : f.component);
  };

  // The comparison's ranks are computed once per finding, not once per comparison.
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

  const ordered = run.findings
    .map((f) => {
      const risk = riskOf(f.likelihood.level, f.impact.level);
      return {
        f, risk,
        ranks: [riskRank(risk), ratingRank(f.likelihood.level), ratingRank(f.impact.level), STRIDE_LETTERS.indexOf(f.rule.stride)],
      };
    })
    .sort(compareRanked);
  const threats: Threat[] = ordered.map(({ f, risk }, i) => ({
    id: `T${i + 1}`,
    key: f.key,
    uid: threatUid(f.key),
    ruleId: f.rule.id,
    stride: f.rule.stride,
    category: STRIDE_NAMES[f.rule.stride],
    component: f.component,
    componentKind: f.componentKind,
    componentName: componentName(f),
    ...(f.endpoint ? { endpoint: f.endpoint } : {}),
    flows: [...(f.flows ?? [])],
    title: f.title,
    description: f.description,
    likelihood: f.likelihood,
    impact: f.impact,
    risk,
    mitigation: f.mitigation ?? f.rule.mitigation,
    references: referencesOf(f.rule),
    evidence: f.evidence.map((e) => toEvidence(options.source, e.fact, e.at)),
  }));
  const findingByKey = new Map(run.findings.map((f) => [f.key, f]));

  const count = (kind: string) => model.elements.filter((e) => e.kind === kind).length;
  const threatCounts = Object.fromEntries(RISKS.map((r) => [r, threats.filter((t) => t.risk === r).length])) as Record<Risk, number>;
  const summary: Summary = {
    elements: { external: count('external'), process: count('process'), store: count('store'), total: model.elements.length },
    flows: model.flows.length,
    boundaries: model.boundaries.length,
    crossings: crossings.length,
    endpoints: model.elements.reduce((n, e) => n + e.endpoints.length, 0),
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
    coverage: buildCoverage(graph, threats, run.mitigations, run.suppressions),
    attackSurface: attackSurface(ctx),
    recommendations: recommend(threats, findingByKey),
    diagnostics: [...(options.diagnostics ?? [])],
  };
}
