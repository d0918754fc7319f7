// Custom rules without code: conditions (checked and parsed by src/model/rule-conditions.ts) are
// interpreted over element, endpoint and flow facts, and compiled into the same Rule objects as the
// built-in library. Conditions are data interpreted here; nothing is ever evaluated as code.
import { CLASSIFICATIONS, LEVELS, strideLetter, TRUST_LEVELS } from '../../model/catalog.js';
import { type Condition, describeCondition, isControlName, parseCondition, showValue, type Test, CONTROL_NAMES } from '../../model/rule-conditions.js';
import { EXPOSURES } from '../../model/rule-facts.js';
import type { RawCustomRule } from '../../model/rules-schema.js';
import { describeValue } from '../../model/diagnostics.js';
import { didYouMean } from '../../model/suggest.js';
import type { Asset, Element, Endpoint, Flow, ModelPath } from '../../model/types.js';
import { type AnalysisContext, PERIMETER_CONTROLS } from '../context.js';
import { assetImpact, exposureLikelihood, rated } from '../risk.js';
import type { RatedLevel, Stride } from '../types.js';
import { sharedCredentialNames } from './authorization.js';
import { assetList } from './facts.js';
import {
  elementComponent, endpointComponent, endpointExposure, endpointLikelihood, evidence, flowComponent, flowLabel,
  mitigatedBy, threat,
} from './helpers.js';
import type { CheckResult, EvidenceRef, Rule, RuleMeta } from './types.js';

export { describeCondition };

/** A problem in a rule definition, at its path in the file. */
export interface RuleIssue {
  at: ModelPath;
  code: string;
  message: string;
  severity?: 'error' | 'warning';
  found?: string;
  expected?: string;
  hint?: string;
}

// ---------------------------------------------------------------------------------------------------
// Facts and evaluation

interface Subject {
  element?: Element;
  endpoint?: Endpoint;
  flow?: Flow;
}

const ORDERS: Record<string, readonly string[]> = {
  exposure: EXPOSURES, trust: TRUST_LEVELS, classification: CLASSIFICATIONS, confidentiality: LEVELS, integrity: LEVELS, availability: LEVELS,
};
const orderOf = (fact: string): readonly string[] | undefined => ORDERS[fact.split('.').pop()!];

function maxBy(assets: readonly Asset[], prop: 'classification' | 'confidentiality' | 'integrity' | 'availability'): string | undefined {
  const order: readonly string[] = prop === 'classification' ? CLASSIFICATIONS : LEVELS;
  let best: string | undefined;
  for (const a of assets) if (a.kind === 'data' && (best === undefined || order.indexOf(a[prop]) > order.indexOf(best))) best = a[prop];
  return best;
}

const uniqueTypes = (assets: readonly Asset[]) => [...new Set(assets.map((a) => a.type).filter((t): t is NonNullable<typeof t> => t !== undefined))].sort();

function elementControls(ctx: AnalysisContext, e: Element): string[] {
  const s = new Set<string>(e.controls);
  for (const b of ctx.graph.boundaryChain(e.id)) for (const c of b.controls) s.add(c);
  for (const c of ctx.perimeterControls(e.id)) s.add(c);
  return [...s].sort();
}

function elementFact(ctx: AnalysisContext, e: Element, fact: string): { value: unknown; at: ModelPath } {
  const at = e.at;
  switch (fact) {
    case 'id': return { value: e.id, at };
    case 'kind': return { value: e.kind, at };
    case 'type': return { value: e.type, at: [...at, 'type'] };
    case 'tech': return { value: e.tech, at: [...at, 'tech'] };
    case 'traits': return { value: e.traits, at: [...at, 'tech'] };
    case 'tags': return { value: e.tags, at: [...at, 'tags'] };
    case 'controls': return { value: elementControls(ctx, e), at: [...at, 'controls'] };
    case 'auth': return { value: e.auth ?? 'none', at: e.auth ? [...at, 'auth'] : at };
    case 'exposure': return { value: ctx.exposure(e.id), at };
    case 'trust': return { value: ctx.graph.trustOf(e.id), at: e.boundary ? [...at, 'in'] : at };
    case 'boundary': return { value: e.boundary, at: [...at, 'in'] };
    case 'boundary-kinds': return { value: [...new Set(ctx.graph.boundaryChain(e.id).map((b) => b.kind))].sort(), at: [...at, 'in'] };
    case 'privileged': return { value: e.privileged, at: [...at, 'privileged'] };
    case 'exposed': return { value: e.exposed === true, at: [...at, 'exposed'] };
    case 'replicas': return { value: e.replicas, at: [...at, 'replicas'] };
    case 'endpoint-kinds': return { value: [...new Set(e.endpoints.map((ep) => ep.kind))].sort(), at: [...at, 'endpoints'] };
    case 'data.types': return { value: uniqueTypes(ctx.assetsOf(e.id)), at };
    case 'data.classification': return { value: maxBy(ctx.assetsOf(e.id), 'classification'), at };
    case 'data.confidentiality': return { value: maxBy(ctx.assetsOf(e.id), 'confidentiality'), at };
    case 'data.integrity': return { value: maxBy(ctx.assetsOf(e.id), 'integrity'), at };
    case 'data.availability': return { value: maxBy(ctx.assetsOf(e.id), 'availability'), at };
    case 'stores.types': return { value: uniqueTypes(assetList(ctx, e.stores)), at: [...at, 'stores'] };
    case 'stores.classification': return { value: maxBy(assetList(ctx, e.stores), 'classification'), at: [...at, 'stores'] };
  }
  return { value: undefined, at };
}

function endpointControls(ctx: AnalysisContext, ep: Endpoint, e: Element): string[] {
  const candidates = new Set<string>([...ep.controls, ...elementControls(ctx, e), ...PERIMETER_CONTROLS]);
  return [...candidates].filter((c) => ctx.endpointHas(ep, c)).sort();
}

function endpointFact(ctx: AnalysisContext, ep: Endpoint, e: Element, fact: string): { value: unknown; at: ModelPath } {
  const at = ep.at;
  switch (fact) {
    case 'key': return { value: ep.key, at };
    case 'route': return { value: ep.route, at };
    case 'kind': return { value: ep.kind, at };
    case 'methods': return { value: ep.methods, at };
    case 'public': return { value: ep.public, at };
    case 'auth': return { value: ep.auth, at };
    case 'exposure': return { value: endpointExposure(ep, e, ctx), at };
    case 'controls': return { value: endpointControls(ctx, ep, e), at: [...at, 'controls'] };
    case 'callers': return { value: ep.callers ?? [], at: [...at, 'callers'] };
    case 'accepts.types': return { value: uniqueTypes(assetList(ctx, ep.accepts)), at: [...at, 'accepts'] };
    case 'accepts.classification': return { value: maxBy(assetList(ctx, ep.accepts), 'classification'), at: [...at, 'accepts'] };
    case 'accepts.integrity': return { value: maxBy(assetList(ctx, ep.accepts), 'integrity'), at: [...at, 'accepts'] };
    case 'returns.types': return { value: uniqueTypes(assetList(ctx, ep.returns)), at: [...at, 'returns'] };
    case 'returns.classification': return { value: maxBy(assetList(ctx, ep.returns), 'classification'), at: [...at, 'returns'] };
    case 'returns.confidentiality': return { value: maxBy(assetList(ctx, ep.returns), 'confidentiality'), at: [...at, 'returns'] };
  }
  return { value: undefined, at };
}

function flowFact(ctx: AnalysisContext, f: Flow, fact: string): { value: unknown; at: ModelPath } {
  const at = f.at;
  const crossing = ctx.crossing(f.id);
  switch (fact) {
    case 'id': return { value: f.id, at };
    case 'protocol': return { value: f.protocol, at };
    case 'encrypted': return { value: f.encrypted, at };
    case 'synchronous': return { value: f.synchronous, at };
    case 'auth': return { value: f.auth, at };
    case 'credential': return { value: f.credential, at };
    case 'credential-shared': return { value: f.credential !== undefined && sharedCredentialNames(ctx).has(f.credential), at };
    case 'controls': return { value: [...f.controls].sort(), at };
    case 'crossing': return { value: crossing?.kind ?? 'none', at };
    case 'crosses': {
      const ids = crossing ? [...crossing.left, ...crossing.entered] : [];
      return { value: [...new Set(ids.map((b) => ctx.graph.boundaries.get(b)?.kind).filter((k) => k !== undefined))].sort(), at };
    }
    case 'endpoint-kind': return { value: f.endpoint ? ctx.graph.endpoints.get(f.endpoint)?.kind : undefined, at };
    case 'port': return { value: f.port, at };
    case 'data.types': return { value: uniqueTypes(ctx.assetsOfFlow(f)), at };
    case 'data.classification': return { value: maxBy(ctx.assetsOfFlow(f), 'classification'), at };
    case 'data.confidentiality': return { value: maxBy(ctx.assetsOfFlow(f), 'confidentiality'), at };
    case 'data.integrity': return { value: maxBy(ctx.assetsOfFlow(f), 'integrity'), at };
  }
  return { value: undefined, at };
}

function factOf(ctx: AnalysisContext, s: Subject, prefix: string, fact: string): { value: unknown; at: ModelPath } | undefined {
  switch (prefix) {
    case 'element': return s.element ? elementFact(ctx, s.element, fact) : undefined;
    case 'endpoint': return s.endpoint && s.element ? endpointFact(ctx, s.endpoint, s.element, fact) : undefined;
    case 'flow': return s.flow ? flowFact(ctx, s.flow, fact) : undefined;
    case 'source':
    case 'target': {
      const id = s.flow ? (prefix === 'source' ? s.flow.from : s.flow.to) : undefined;
      const e = id ? ctx.graph.elements.get(id) : undefined;
      return e ? elementFact(ctx, e, fact) : undefined;
    }
  }
  return undefined;
}

function compare(actual: unknown, t: Test, order: readonly string[] | undefined): boolean {
  const rank = (v: unknown) => (order ? order.indexOf(String(v)) : Number(v));
  switch (t.operator) {
    case 'equals': return actual === t.value;
    case 'not-equals': return actual !== t.value;
    case 'in': return (t.value as unknown[]).includes(actual);
    case 'not-in': return !(t.value as unknown[]).includes(actual);
    case 'exists': return (actual !== undefined) === t.value;
    case 'gt': return actual !== undefined && rank(actual) > rank(t.value);
    case 'gte': return actual !== undefined && rank(actual) >= rank(t.value);
    case 'lt': return actual !== undefined && rank(actual) < rank(t.value);
    case 'lte': return actual !== undefined && rank(actual) <= rank(t.value);
    case 'contains': return Array.isArray(actual) && actual.includes(t.value);
    case 'not-contains': return Array.isArray(actual) && !actual.includes(t.value);
    case 'contains-any': return Array.isArray(actual) && (t.value as unknown[]).some((v) => actual.includes(v));
    case 'contains-all': return Array.isArray(actual) && (t.value as unknown[]).every((v) => actual.includes(v));
    case 'empty': return Array.isArray(actual) && (actual.length === 0) === t.value;
  }
  return false;
}

function subjectAt(s: Subject): ModelPath {
  return s.endpoint?.at ?? s.flow?.at ?? s.element?.at ?? [];
}

function hasControl(ctx: AnalysisContext, s: Subject, control: string): ModelPath | undefined {
  if (s.endpoint && s.element) return ctx.endpointHas(s.endpoint, control) ? ctx.controlSource(s.element, control, s.endpoint) ?? s.endpoint.at : undefined;
  if (s.flow) {
    if (s.flow.controls.includes(control)) return [...s.flow.at, 'controls'];
    const target = ctx.graph.elements.get(s.flow.to);
    return target && ctx.elementHas(target, control) ? ctx.controlSource(target, control) ?? target.at : undefined;
  }
  if (s.element) return ctx.elementHas(s.element, control) ? ctx.controlSource(s.element, control) ?? s.element.at : undefined;
  return undefined;
}

function subjectExposure(ctx: AnalysisContext, s: Subject): string | undefined {
  if (s.endpoint && s.element) return endpointExposure(s.endpoint, s.element, ctx);
  return s.element ? ctx.exposure(s.element.id) : undefined;
}

/** Whether the condition holds, with the facts that made it hold (for the threat's evidence). */
export function evaluate(ctx: AnalysisContext, c: Condition, s: Subject): { holds: boolean; evidence: EvidenceRef[] } {
  switch (c.op) {
    case 'all': {
      const out: EvidenceRef[] = [];
      for (const item of c.items) {
        const r = evaluate(ctx, item, s);
        if (!r.holds) return { holds: false, evidence: [] };
        out.push(...r.evidence);
      }
      return { holds: true, evidence: out };
    }
    case 'any': {
      for (const item of c.items) {
        const r = evaluate(ctx, item, s);
        if (r.holds) return r;
      }
      return { holds: false, evidence: [] };
    }
    case 'not': {
      const r = evaluate(ctx, c.item, s);
      return r.holds ? { holds: false, evidence: [] } : { holds: true, evidence: [evidence(`not (${describeCondition(c.item)})`, subjectAt(s))] };
    }
    case 'has-control': {
      const at = hasControl(ctx, s, c.control);
      return at ? { holds: true, evidence: [evidence(`${c.control} is in place`, at)] } : { holds: false, evidence: [] };
    }
    case 'crosses': {
      const crossing = s.flow ? ctx.crossing(s.flow.id) : undefined;
      if (!crossing) return { holds: false, evidence: [] };
      const kinds = [...crossing.left, ...crossing.entered].map((b) => ctx.graph.boundaries.get(b)?.kind);
      const holds = crossing.kind === c.value || kinds.includes(c.value as never);
      return holds ? { holds, evidence: [evidence(`the flow crosses ${c.value} (${crossing.label})`, s.flow!.at)] } : { holds, evidence: [] };
    }
    case 'exposure': {
      const holds = subjectExposure(ctx, s) === c.value;
      return holds ? { holds, evidence: [evidence(`exposure is ${c.value}`, subjectAt(s))] } : { holds, evidence: [] };
    }
    case 'fact': {
      const f = factOf(ctx, s, c.info.prefix, c.info.fact);
      if (!f) return { holds: false, evidence: [] };
      const order = c.info.type.kind === 'enum' && c.info.type.ordered ? orderOf(c.name) : undefined;
      const holds = c.tests.every((t) => compare(f.value, t, order));
      return holds ? { holds, evidence: [evidence(`${c.name} is ${f.value === undefined ? 'not set' : showValue(f.value)}`, f.at)] } : { holds, evidence: [] };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Compiling a definition into a rule

const RATING = { low: 'Low', medium: 'Medium', high: 'High' } as const;

function fill(template: string, names: Record<string, string>): { text: string; used: boolean } {
  let used = false;
  // Placeholders are fixed words in braces; nothing else in the text is interpreted.
  const text = template.replace(/\{(name|element|endpoint|source|target)\}/g, (_m, key: string) => {
    used = true;
    return names[key] ?? '';
  });
  return { text, used };
}

/** The first sentence of a text, without its full stop: the default punch-list line of a custom rule. */
function firstSentence(text: string): string {
  const m = /^(.*?[^.])\.(\s|$)/s.exec(text.trim());
  return (m ? m[1] : text.trim()).replace(/\.$/, '');
}

export interface CompiledRule {
  rule?: Rule;
  issues: RuleIssue[];
}

/** Checks a custom rule definition (its condition and controls) and builds the rule when it is sound. */
export function compileCustomRule(def: RawCustomRule, at: ModelPath, origin: string): CompiledRule {
  const issues: RuleIssue[] = [];
  const subject = def['applies-to'];
  const condition = parseCondition(def.when, [...at, 'when'], subject, issues);
  const controls = def['mitigated-by'] ?? [];
  controls.forEach((c, i) => {
    if (!isControlName(c)) {
      issues.push({
        at: [...at, 'mitigated-by', i], code: 'unknown-control', message: `\`${c}\` is not a control`, found: describeValue(c),
        expected: 'a built-in control or a custom one starting with `x-`', hint: didYouMean(c, CONTROL_NAMES),
      });
    }
  });
  if (!condition || issues.length) return { issues };

  const likelihoodSpec = def.likelihood ?? 'exposure';
  const impactSpec = def.impact ?? 'medium';
  const meta: RuleMeta = {
    id: def.id,
    // The schema admitted only spellings that name a category.
    stride: strideLetter(def.stride)! as Stride,
    title: def.title,
    description: def.description ?? def.title,
    condition: `${subject === 'element' ? 'an element' : subject === 'endpoint' ? 'an endpoint' : 'a flow'} where ${describeCondition(condition)}`,
    mitigation: def.mitigation,
    action: { text: def.recommendation ?? `${firstSentence(def.mitigation)}: {targets}` },
    mitigatedBy: controls,
    references: def.references ?? [],
    rating: `Likelihood ${likelihoodSpec !== 'exposure' ? RATING[likelihoodSpec] : subject === 'flow' ? 'High when the flow comes from an untrusted zone, Medium otherwise' : 'from exposure (High from the internet without authentication, Medium with it or through other components, Low inside)'}; impact ${typeof impactSpec === 'string' ? RATING[impactSpec] : `from the ${impactSpec['from-assets']} of the assets involved (default ${RATING[impactSpec.default ?? 'medium']})`}.`,
    example: `(custom rule defined in ${origin})`,
    origin,
  };

  const rate = (ctx: AnalysisContext, s: Subject): { likelihood: RatedLevel; impact: RatedLevel } => {
    let likelihood: RatedLevel;
    if (likelihoodSpec !== 'exposure') likelihood = rated(RATING[likelihoodSpec], `set by rule ${def.id}`);
    else if (s.endpoint && s.element) likelihood = endpointLikelihood(s.endpoint, s.element, ctx);
    else if (s.flow) {
      likelihood = ctx.isUntrustedSource(s.flow.from)
        ? rated('High', 'the flow comes from an untrusted zone')
        : rated('Medium', 'needs a position on the path between the two ends');
    } else likelihood = exposureLikelihood(ctx, s.element!.id, s.element!.auth !== undefined && s.element!.auth !== 'none');
    let impact: RatedLevel;
    if (typeof impactSpec === 'string') impact = rated(RATING[impactSpec], `set by rule ${def.id}`);
    else {
      const assets = s.flow ? ctx.assetsOfFlow(s.flow)
        : s.endpoint ? assetList(ctx, [...s.endpoint.accepts, ...s.endpoint.returns, ...s.element!.handles, ...s.element!.stores])
          : ctx.assetsOf(s.element!.id);
      impact = assetImpact(assets, impactSpec['from-assets'], rated(RATING[impactSpec.default ?? 'medium'], `set by rule ${def.id} (no rated assets involved)`));
    }
    return { likelihood, impact };
  };

  const run = (ctx: AnalysisContext, s: Subject, where: ReturnType<typeof elementComponent> | ReturnType<typeof endpointComponent> | ReturnType<typeof flowComponent>, name: string): CheckResult => {
    const r = evaluate(ctx, condition, s);
    if (!r.holds) return undefined;
    const present = controls.filter((c) => hasControl(ctx, s, c) !== undefined);
    if (present.length) return mitigatedBy(present, where, `${present.join(' and ')} in place (rule ${def.id})`);
    const names: Record<string, string> = {
      name,
      element: s.element?.name ?? '',
      endpoint: s.endpoint?.key ?? '',
      source: s.flow ? ctx.graph.elements.get(s.flow.from)?.name ?? s.flow.from : '',
      target: s.flow ? ctx.graph.elements.get(s.flow.to)?.name ?? s.flow.to : '',
    };
    const title = fill(def.title, names);
    const { likelihood, impact } = rate(ctx, s);
    return threat({
      ...where,
      title: title.used ? title.text : `${def.title}: ${name}`,
      description: fill(def.description ?? def.title, names).text,
      likelihood,
      impact,
      evidence: r.evidence.length ? r.evidence : [evidence(`matches rule ${def.id}`, subjectAt(s))],
      target: name,
    });
  };

  let rule: Rule;
  switch (subject) {
    case 'element':
      rule = { ...meta, appliesTo: 'element', kinds: ['external', 'process', 'store'], check: (e, ctx) => run(ctx, { element: e }, elementComponent(e), e.name) };
      break;
    case 'endpoint':
      rule = {
        ...meta, appliesTo: 'endpoint', endpointKinds: [],
        check: (ep, e, ctx) => run(ctx, { endpoint: ep, element: e }, endpointComponent(ep), `${ep.key} on ${e.name}`),
      };
      break;
    case 'flow':
      rule = { ...meta, appliesTo: 'flow', check: (f, ctx) => run(ctx, { flow: f }, flowComponent(f), flowLabel(f, ctx)) };
      break;
  }
  return { rule, issues };
}
