// LLM and agent components (OWASP Top 10 for LLM applications): untrusted text steering the model,
// models acting with too much power, data leaking into or out of prompts, model output used unchecked,
// and unbounded use of a paid model.
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { assetImpact, rated, ratingRank } from '../risk.js';
import type { RatedLevel } from '../types.js';
import { AGENCY_CONTROLS, agentTools, managesCloud, unboundedAgentTool, unusedRestricted } from './authorization.js';
import { assetNames, authenticatedUpstream, cached, endpointOfFlow, isLlm, isNoSqlStore, isSqlStore, perElement, sensitive } from './facts.js';
import { browserReached, perModel, targetKind, targetNames, targetsByPosition } from './family-shared.js';
import { agreeing, it, itObject, its, possessive, says, verbFor } from './grammar.js';
import {
  anonymousInternetLikelihood, endpointExposure, evidence, flowIds, flowLabel, inUntrustedZone, isExposed,
  missingControlEvidence, mitigatedOutcome, namesAtMost, presentControls, reportsThreat, TEXT_NAMES, threatOutcome,
  TITLE_NAMES, unlessControlled, untrustedZoneAt,
} from './helpers.js';
import type { ElementRule } from './types.js';

interface LlmUse {
  self: boolean;
  calls: Flow[];
  /**
   * For an agent that runs its own model: the processes that hand it their users' messages (a chat widget).
   * They relay; the agent builds the prompts, and what it answers reaches their users through them.
   */
  clients: Element[];
}

/** The process that builds prompts: an LLM/agent process itself, or a process calling an LLM (asked by four rules). */
function llmUse(ctx: AnalysisContext, e: Element): LlmUse | undefined {
  if (e.kind !== 'process') return undefined;
  const i = ctx.graph.positionOf(e.id);
  return i < 0 ? undefined : llmUses(ctx)[i];
}

const LLM_TARGETS = targetKind(isLlm);

/** Every process's use of language models, by position, found once per analysis from its flows to LLMs. */
const llmUses: (ctx: AnalysisContext) => readonly (LlmUse | undefined)[] = perModel(findLlmUses);

function findLlmUses(ctx: AnalysisContext): (LlmUse | undefined)[] {
  const { graph } = ctx;
  const { elements } = graph.model;
  const calls = targetsByPosition(ctx, LLM_TARGETS);
  const uses: (LlmUse | undefined)[] = new Array(elements.length);
  const clients: (Element[] | undefined)[] = new Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.kind !== 'process') continue;
    const self = e.type === 'llm' || e.traits.includes('llm');
    let hits = calls[i];
    if (hits !== undefined && !self) {
      // A process that hands messages to an agent running a model of its own relays them: the agent builds the
      // prompts and is where prompt injection and model output are reported (once, not on both).
      const direct: Flow[] = [];
      for (const f of hits) {
        const t = graph.positionOf(f.to);
        if (runsOwnModel(elements, calls, t, e.id)) (clients[t] ??= []).push(e);
        else direct.push(f);
      }
      hits = direct.length ? direct : undefined;
    }
    if (self || hits !== undefined) uses[i] = { self, calls: hits ?? [], clients: [] };
  }
  for (let t = 0; t < elements.length; t++) {
    const use = uses[t];
    if (use !== undefined && clients[t] !== undefined) use.clients = [...new Set(clients[t])];
  }
  return uses;
}

/** Whether the element at position `t` is an agent process of ours that calls a language model other than `caller`. */
function runsOwnModel(elements: readonly Element[], calls: readonly (Flow[] | undefined)[], t: number, caller: string): boolean {
  const agent = elements[t];
  return t >= 0 && agent.kind === 'process' && isLlm(agent) && (calls[t] ?? []).some((g) => g.to !== caller && g.to !== agent.id);
}

/**
 * The sensitive data in the prompts an element builds: all it handles when it is the model (less the keys and
 * secrets it holds: they authenticate its calls, they are not put in prompts), else what its calls to models
 * (all, or those given) carry; its own database is the application's, not the model's.
 */
const promptData = (ctx: AnalysisContext, e: Element, use: LlmUse, calls: readonly Flow[] = use.calls) =>
  sensitive(use.self ? ctx.assetsOf(e.id).filter((a) => !OWN_KEYS.has(a.type ?? '')) : calls.flatMap((f) => ctx.assetsOfFlow(f)));
const OWN_KEYS: ReadonlySet<string> = new Set(['credentials', 'secrets']);

/** Whether a control is declared on every call a process (not a model itself) makes to a model: its prompts travel there. */
const onEveryCall = (use: LlmUse, control: string) => !use.self && use.calls.every((f) => f.controls.includes(control));

const llmEvidence = (ctx: AnalysisContext, e: Element, use: LlmUse) =>
  use.self ? evidence(`${says(e.name, 'is')} an LLM or agent`, e.at) : evidence(`${flowLabel(use.calls[0], ctx)} calls a language model`, use.calls[0].at);

/**
 * The first untrusted element from which anyone can send the element content without a credential, and the
 * components that relay it, or undefined: every flow on the way carries no auth (nor `authentication`), and
 * each component on it takes anonymous calls (no `auth` and no endpoints, or a public endpoint). A chat
 * widget with a public endpoint that forwards to an agent puts the agent in anyone's reach.
 */
export function anonymousPath(ctx: AnalysisContext, e: Element): { from: Element; via: Element[] } | undefined {
  const table = perElement<{ from: Element; via: Element[] } | null>(ctx, 'llm-anonymous-path');
  let path = table.get(e.id);
  if (path === undefined) {
    path = walkAnonymous(ctx, e) ?? null;
    table.set(e.id, path);
  }
  return path ?? undefined;
}

/** Breadth first, backwards along open flows: the relays found are the fewest (and no deep model overflows a stack). */
function walkAnonymous(ctx: AnalysisContext, e: Element): { from: Element; via: Element[] } | undefined {
  if (!takesAnonymousCalls(e)) return undefined;
  const next = new Map<string, Element | undefined>([[e.id, undefined]]);
  const queue: Element[] = [e];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head];
    for (const f of ctx.graph.inFlows(at.id)) {
      if (f.from === at.id || f.auth !== 'none' || f.controls.includes('authentication') || endpointOfFlow(ctx, f)?.public === false) continue;
      // One lookup by id gives both the source and its zone.
      const from = ctx.graph.positionOf(f.from);
      if (from < 0) continue;
      const src = ctx.graph.model.elements[from];
      if (next.has(src.id)) continue;
      if (untrustedZoneAt(ctx, from)) {
        // The relays from the first one the internet calls to the one that calls `e`.
        const via: Element[] = [];
        for (let r: Element | undefined = at; r !== undefined && r.id !== e.id; r = next.get(r.id)) via.push(r);
        return { from: src, via };
      }
      if (src.kind !== 'process' || !takesAnonymousCalls(src)) continue;
      next.set(src.id, at);
      queue.push(src);
    }
  }
  return undefined;
}

const takesAnonymousCalls = (e: Element): boolean =>
  e.endpoints.length ? e.endpoints.some((ep) => ep.public) : e.auth === undefined || e.auth === 'none';

/** "through widget", or nothing when the internet calls the element directly. */
const through = (path: { via: Element[] }) => (path.via.length ? ` through ${path.via.map((v) => v.name).join(', ')}` : '');

/** Asset ids that flows from untrusted zones carry in: content outside parties write. */
const writtenOutside: (ctx: AnalysisContext) => ReadonlySet<string> = perModel((ctx) => {
  const ids = new Set<string>();
  for (const f of ctx.graph.model.flows) if (f.from !== f.to && inUntrustedZone(ctx, f.from)) for (const a of f.data) ids.add(a);
  return ids;
});

/**
 * The stores a prompt builder retrieves documents from that others can write into: a vector store (the
 * `vector` trait: retrieval for prompts), or one storing data that flows from untrusted zones carry in.
 * What is planted there reaches the prompt without passing the builder's own callers (indirect injection).
 */
function retrievalStores(ctx: AnalysisContext, e: Element): Element[] {
  const stores = new Set<Element>();
  const outside = writtenOutside(ctx);
  for (const f of [...ctx.graph.outFlows(e.id), ...ctx.graph.inFlows(e.id)]) {
    const other = ctx.graph.elements.get(f.from === e.id ? f.to : f.from);
    if (other === undefined || other.id === e.id || other.kind !== 'store') continue;
    if (other.traits.includes('vector') || other.stores.some((a) => outside.has(a))) stores.add(other);
  }
  return [...stores].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const promptInjection: ElementRule = {
  id: 'prompt-injection',
  stride: 'T',
  title: 'Prompt injection',
  description:
    'A component builds prompts for a language model from content that comes from an untrusted zone (user messages, web pages, documents, e-mails), directly or through documents it retrieves: instructions hidden in that content override the system\'s own and steer what the model says and does.',
  condition: 'a process that is an LLM/agent or calls one (not a process that only hands messages to an agent running a model of its own: the agent builds the prompts), reachable from an untrusted zone or retrieving documents from a store others write into (a store with the `vector` trait, or one storing data that flows from untrusted zones carry in: indirect injection), without `prompt-isolation` (on it, or on every call it makes to a model)',
  mitigation: 'Keep untrusted content apart from instructions (delimited, labelled as data), retrieved documents included; constrain outputs to schemas, filter inputs and outputs, and never let model output alone authorise actions.',
  action: { text: 'Isolate untrusted content from instructions in prompts built by {targets}' },
  mitigatedBy: ['prompt-isolation'],
  references: ['OWASP LLM01:2025', 'CWE-1427', 'CAPEC-242'],
  rating: 'Likelihood High when reachable from the internet, or when anyone on the internet reaches it without a credential through components that relay messages (public jailbreak and injection techniques), Medium otherwise (through other components, or only through retrieved documents); impact Medium (misleading output, leaked instructions), High when the model has tools or sensitive data.',
  example: "elements:\n  visitor: { tech: browser }\n  assistant: { tech: llm-agent }\nflows:\n  - visitor -> assistant: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const use = llmUse(ctx, element);
    if (!use) return undefined;
    const exposure = ctx.exposure(element.id);
    const exposed = isExposed(exposure);
    const retrieved = retrievalStores(ctx, element);
    if (!exposed && retrieved.length === 0) return undefined;
    if (onEveryCall(use, 'prompt-isolation')) {
      return mitigatedOutcome(element.id, 'element', undefined, flowIds(use.calls), ['prompt-isolation'], 'untrusted content is kept apart from instructions on every call to the model');
    }
    return unlessControlled(ctx, { element }, ['prompt-isolation'], 'untrusted content is kept apart from instructions', (missing) => {
      const tools = use.self ? agentTools(ctx, element) : [];
      const data = promptData(ctx, element, use);
      const anonymous = exposure === 'internet' ? undefined : anonymousPath(ctx, element);
      const documents = retrieved.length ? `documents ${it(element.name)} ${verbFor(element.name, 'retrieves')} from ${namesAtMost(retrieved.map((r) => r.name), TEXT_NAMES, 'other stores')}` : '';
      const sources = exposed ? `content from an untrusted zone${anonymous ? ` (sent by anyone through ${anonymous.via.map((v) => v.name).join(', ')})` : ''}${documents ? ` and ${documents}` : ''}` : documents;
      return {
        title: `Prompt injection through ${element.name}`,
        description: `${says(element.name, 'puts')} ${sources} into prompts; instructions hidden in ${!exposed ? 'them' : documents ? 'either' : 'it'} can override the system prompt${tools.length ? ` and drive ${its(element.name)} tools` : ''}.`,
        likelihood: !exposed
          ? rated('Medium', `needs instructions planted in what ${namesAtMost(retrieved.map((r) => r.name), TEXT_NAMES, 'other stores')} ${retrieved.length === 1 ? verbFor(retrieved[0].name, 'holds') : 'hold'}`)
          : exposure === 'internet'
            ? rated('High', 'injection techniques are public and need no access')
            : anonymous
              ? rated('High', `anyone on the internet reaches ${itObject(element.name)} without a credential${through(anonymous)}: injection techniques are public`)
              : rated('Medium', 'the content arrives through other components'),
        impact: tools.length || data.length
          ? rated('High', tools.length ? 'the model can act through its tools' : `the model sees ${assetNames(data)}`)
          : rated('Medium', 'misleading or harmful output'),
        evidence: [
          llmEvidence(ctx, element, use),
          ...retrieved.slice(0, 1).map((r) => evidence(r.traits.includes('vector') ? `${says(r.name, 'is')} a vector store ${says(element.name, 'retrieves')} from` : `${says(r.name, 'stores')} data that comes from an untrusted zone`, r.at)),
          missing,
        ],
      };
    });
  },
};

/**
 * What an agent's unbounded tools reach besides the data they change, as the rules that leave those flows to
 * llm-excessive-agency would say: the cloud account through its management plane (excessive-cloud-permissions)
 * and restricted data in its stores that it never uses (over-privileged-store-access), with the first store
 * holding such data.
 */
function agencyReach(ctx: AnalysisContext, agent: Element, tools: readonly Flow[]) {
  const cloud = tools.some((f) => managesCloud(ctx, f));
  const unused = new Map<string, Asset>();
  let held: { store: Element; assets: Asset[] } | undefined;
  for (const f of tools) {
    const t = ctx.graph.elements.get(f.to)!;
    const beyond = t.kind === 'store' ? unusedRestricted(ctx, agent, t) : undefined;
    if (beyond === undefined) continue;
    held ??= { store: t, assets: beyond };
    for (const a of beyond) unused.set(a.id, a);
  }
  return { cloud, unused: [...unused.values()], held };
}

/** The highest of the ratings, the first on a tie. */
const worst = (ratings: readonly RatedLevel[]) => ratings.reduce((a, b) => (ratingRank(b.level) > ratingRank(a.level) ? b : a));

/**
 * A tool that moves money: a payment provider, or a service (not a store, whose data is read or changed, not
 * acted on) that handles or takes payment or financial data, such as a refunds API.
 */
const movesMoney = (ctx: AnalysisContext) => (t: Element): boolean =>
  t.traits.includes('payment') || (t.kind !== 'store' && ctx.assetsOf(t.id).some((a) => a.type === 'payment' || a.type === 'financial'));

const toolNames = (list: readonly Element[]) => list.map((e) => e.name).sort().join(', ');

/**
 * High when anyone on the internet steers the agent without a credential (directly, or through components that
 * relay messages) and nothing isolates its prompts: public injection techniques then drive its tools.
 */
function agencyLikelihood(ctx: AnalysisContext, agent: Element): RatedLevel {
  const use = llmUse(ctx, agent);
  const isolated = ctx.elementHas(agent, 'prompt-isolation') || (use !== undefined && onEveryCall(use, 'prompt-isolation'));
  const path = isolated ? undefined : anonymousPath(ctx, agent);
  return path !== undefined
    ? rated('High', `anyone on the internet steers ${itObject(agent.name)} without signing in${through(path)}: public prompt injection techniques`)
    : rated('Medium', 'needs the model manipulated (prompt injection) or mistaken');
}

export const llmExcessiveAgency: ElementRule = {
  id: 'llm-excessive-agency',
  stride: 'E',
  title: 'Agent acts without limits (excessive agency)',
  description:
    'An LLM agent calls tools, services or data stores on its own: a manipulated or mistaken model performs whatever those tools allow, with the agent\'s privileges.',
  condition: 'a process of type `llm` (or with the `llm` trait) with flows to other processes, stores or third parties that are not language models, without `human-approval` or `least-privilege` on it or on those flows (the finding names the tools whose flows have neither, those that move money or send e-mail (with the sensitive data the agent could mail out), what they reach on the cloud management plane and the restricted data in their stores that the agent never uses: excessive-cloud-permissions and over-privileged-store-access leave those flows to it)',
  mitigation: 'Give the agent only the tools and permissions a task needs (read-only where possible), require a person to approve consequential actions, and log every tool call.',
  action: { text: 'Limit the tools of {targets} and require approval for consequential actions' },
  mitigatedBy: AGENCY_CONTROLS,
  references: ['OWASP LLM06:2025', 'CWE-250', 'CWE-862'],
  rating: 'Likelihood High when anyone on the internet reaches the agent without a credential (directly or through components that relay messages) and its prompts are not isolated (`prompt-isolation`), Medium otherwise (needs the model manipulated or mistaken); impact the highest of High for a tool on the cloud management plane, a tool that moves money (the `payment` trait, or payment or financial data) or sends e-mail (the `email` trait: phishing in our name, data mailed out), the integrity of the data its tools change (High by default) and the confidentiality of restricted data in its stores that it never uses.',
  example: "elements:\n  visitor: { tech: browser }\n  agent: { tech: llm-agent }\n  tickets: { tech: postgres }\nflows:\n  - visitor -> agent: https\n  - agent -> tickets: sql+tls",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!isLlm(element)) return undefined;
    const tools = agentTools(ctx, element);
    if (tools.length === 0) return undefined;
    const bounded = (present: string[]) => `the agent's actions are bounded by ${present.join(' and ')}`;
    // A tool whose flow declares an approval step or narrowed permissions is bounded there; the rules that
    // defer to this one ask the same question of each flow.
    const unbounded = tools.filter((f) => unboundedAgentTool(ctx, f));
    if (unbounded.length === 0 && presentControls(ctx, AGENCY_CONTROLS, element).length === 0) {
      const present = AGENCY_CONTROLS.filter((c) => tools.some((f) => f.controls.includes(c)));
      return mitigatedOutcome(element.id, 'element', undefined, flowIds(tools), present, `${bounded(present)} on every tool`);
    }
    return unlessControlled(ctx, { element, flows: tools }, AGENCY_CONTROLS, bounded, (missing) => {
      const names = [...new Set(unbounded.map((f) => ctx.graph.elements.get(f.to)!.name))].sort();
      const { cloud, unused, held } = agencyReach(ctx, element, unbounded);
      const targets = [...new Set(unbounded.map((f) => ctx.graph.elements.get(f.to)!))];
      const money = targets.filter(movesMoney(ctx));
      const mail = targets.filter((t) => t.traits.includes('email'));
      // What a mail tool can carry out: the sensitive data the agent holds or reads, to any address.
      const leaks = mail.length ? sensitive(ctx.assetsOf(element.id)) : [];
      const gains = [
        ...(cloud ? ['changing cloud infrastructure'] : []),
        ...(money.length ? [`moving money through ${toolNames(money)}`] : []),
        ...(mail.length ? [`mailing ${leaks.length ? `${assetNames(leaks)}` : 'anything'} to any address through ${toolNames(mail)}`] : []),
        ...(unused.length ? [`reading ${assetNames(unused)} ${it(element.name)} never ${verbFor(element.name, 'uses')}`] : []),
      ];
      return {
        flows: flowIds(unbounded),
        title: `${says(element.name, 'acts')} on ${names.join(', ')} without limits`,
        description: `${element.name} can call ${names.join(', ')} on ${its(element.name)} own, with no approval step or narrowed permissions; a manipulated model uses them at will${gains.length ? `, including ${gains.join(' and ')}` : ''}.`,
        likelihood: agencyLikelihood(ctx, element),
        impact: worst([
          ...(cloud ? [rated('High', 'control of cloud resources: full compromise')] : []),
          ...(money.length ? [rated('High', `the tools move money (${toolNames(money)})`)] : []),
          ...(mail.length ? [rated('High', `${toolNames(mail)} ${mail.length === 1 ? verbFor(mail[0].name, 'sends') : 'send'} e-mail in our name: phishing from our own domain, and data mailed out`)] : []),
          assetImpact(unbounded.flatMap((f) => ctx.assetsOf(f.to)), 'integrity', rated('High', 'whatever the tools can change')),
          ...(unused.length ? [assetImpact(unused, 'confidentiality', rated('High', 'restricted data'))] : []),
        ]),
        evidence: [
          ...unbounded.slice(0, 3).map((f) => evidence(`${flowLabel(f, ctx)} is a tool the agent calls`, f.at)),
          ...(held ? [evidence(`${says(held.store.name, 'stores')} ${assetNames(held.assets)}`, [...held.store.at, 'stores'])] : []),
          missing,
        ],
      };
    });
  },
};

export const llmDataLeakage: ElementRule = {
  id: 'llm-data-leakage',
  stride: 'I',
  title: 'Sensitive data sent to or exposed by a language model',
  description:
    'Personal or confidential data goes into prompts: it leaves to the model provider, may be retained or used for training, and can be drawn out of the model by other users\' prompts.',
  condition: 'a process that is an LLM/agent or calls one, where the flows to the model carry (or the LLM process handles) sensitive assets, without `data-masking` (on it, or on the flows to the model that carry them)',
  mitigation: 'Send the model only what the task needs, mask or pseudonymise personal data, use providers with zero retention, and scope retrieval to the requesting user\'s data.',
  action: { text: 'Mask sensitive data before it reaches the model in {targets}' },
  mitigatedBy: ['data-masking'],
  references: ['OWASP LLM02:2025', 'CWE-359', 'CWE-200'],
  rating: 'Likelihood Medium (extraction prompts or provider retention); impact from the confidentiality of the data in the prompts.',
  example: "assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  chat: { type: api }\n  model: { tech: openai }\nflows:\n  - visitor -> chat: https\n  - chat -> model: { protocol: https, auth: api-key, data: [pii] }",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const use = llmUse(ctx, element);
    if (!use) return undefined;
    // Masking declared on a call to the model covers what that call carries.
    const calls = use.self ? use.calls : use.calls.filter((f) => !f.controls.includes('data-masking'));
    const data = promptData(ctx, element, use, calls);
    if (data.length === 0) {
      return calls.length < use.calls.length && promptData(ctx, element, use).length
        ? mitigatedOutcome(element.id, 'element', undefined, flowIds(use.calls), ['data-masking'], 'sensitive data is masked on the calls to the model that carry it')
        : undefined;
    }
    return unlessControlled(ctx, { element }, ['data-masking'], 'sensitive data is masked before prompting', (missing) => ({
      ...(calls.length ? { flows: calls.map((f) => f.id) } : {}),
      title: `${assetNames(data)} in prompts from ${element.name}`,
      description: `${says(element.name, 'sends')} ${assetNames(data)} to a language model; the data leaves to the provider and can be drawn out by other prompts.`,
      likelihood: rated('Medium', 'extraction prompts or provider retention: some skill'),
      impact: assetImpact(data, 'confidentiality', rated('Medium', 'data in prompts')),
      evidence: [llmEvidence(ctx, element, use), missing],
    }));
  },
};

/** Element types that render HTML for browsers (as opposed to JSON APIs); cross-site-scripting asks too. */
export const RENDERS_HTML: ReadonlySet<string> = new Set(['web-app', 'web-server', 'admin-panel']);

/** The endpoints that render pages: all of a page-rendering type's, else its `page` ones. */
export const pageEndpoints = (e: Element): readonly Endpoint[] => RENDERS_HTML.has(e.type ?? '') ? e.endpoints : e.endpoints.filter((ep) => ep.kind === 'page');

/**
 * The endpoints through which browsers are shown what the element returns: the pages it renders, else (an
 * API that scripts in browsers call) all its endpoints.
 */
function browserEndpoints(e: Element): readonly Endpoint[] {
  const pages = pageEndpoints(e);
  return pages.length ? pages : e.endpoints;
}

/**
 * Whether every endpoint that answers browsers encodes its output (declared on each, not on the element):
 * model output reaches browsers through them; pages are judged as cross-site-scripting judges them.
 */
function browserOutputEncoded(ctx: AnalysisContext, e: Element): boolean {
  const endpoints = browserEndpoints(e);
  return endpoints.length > 0 && !ctx.elementHas(e, 'output-encoding') && endpoints.every((ep) => ctx.endpointHas(ep, 'output-encoding'));
}

/**
 * The controls that keep model output sent over a flow from acting as code in its target, as the injection
 * rules take them: bound parameters for a SQL or NoSQL database (on the flow, or the process that builds
 * every query), schema validation on the flow for anything but SQL, and encoding on the flow for any target.
 */
function sinkControls(target: Element): string[] {
  const sql = isSqlStore(target);
  const queries = sql || isNoSqlStore(target);
  return [
    'output-encoding',
    ...(queries ? ['parameterized-queries'] : []),
    ...(sql ? [] : ['input-validation']),
  ];
}

/** Which of a sink's controls are declared where they cover it (see `sinkControls`). */
function sinkCoveredBy(ctx: AnalysisContext, e: Element, f: Flow, target: Element): string[] {
  return sinkControls(target).filter((c) => f.controls.includes(c) || (c === 'parameterized-queries' && ctx.elementHas(e, c)));
}

/** Whether the internet reaches the prompts the element builds with nothing isolating them: prompt injection is then public technique. */
function steeredFromInternet(ctx: AnalysisContext, e: Element, use: LlmUse): RatedLevel | undefined {
  if (ctx.elementHas(e, 'prompt-isolation') || onEveryCall(use, 'prompt-isolation')) return undefined;
  if (ctx.exposure(e.id) === 'internet') return rated('High', `the internet reaches ${its(e.name)} prompts: public injection techniques steer the model`);
  const path = anonymousPath(ctx, e);
  return path && rated('High', `anyone on the internet reaches ${its(e.name)} prompts without a credential${through(path)}: public injection techniques steer the model`);
}

/**
 * The clients of an agent that show its answers to browsers unencoded (a chat widget): the agent's model
 * output reaches browsers through them, and its finding says so (theirs would repeat it).
 */
const unencodedRelays = (ctx: AnalysisContext, use: LlmUse): Element[] =>
  use.clients.filter((c) => browserReached(ctx, c) && !browserOutputEncoded(ctx, c) && !ctx.elementHas(c, 'output-encoding'));

const OUTPUT_CONTROLS = ['output-encoding', 'parameterized-queries', 'input-validation'] as const;

export const llmInsecureOutput: ElementRule = {
  id: 'llm-insecure-output',
  stride: 'T',
  title: 'Model output used without validation',
  description:
    'Text generated by a language model is shown in browsers or passed on to interpreters (databases, commands, other services) as if it were trusted: a manipulated model emits script, queries or commands.',
  condition: 'a process that is an LLM/agent or calls one, and is reached by browsers (itself, or through the processes that hand it messages and show its answers, such as a chat widget in front of an agent running its own model: those are named here, not reported on their own) or writes to stores or calls other processes, without `output-encoding` on it or its boundary (or on such a relay); for browsers, `output-encoding` on every endpoint that answers them also counts (the pages it renders: all of a page-rendering type\'s endpoints, else its `page` ones; with no pages, all its endpoints), and on pages that show the output it stands for cross-site-scripting; a store or process it sends to (not a vector store: it is searched with embeddings, and what it returns is prompt-injection\'s concern) is covered by `output-encoding` on that flow, by `parameterized-queries` on the flow or the process for a SQL or NoSQL database, and by `input-validation` on the flow for anything but a SQL database (the finding names those not covered)',
  mitigation: 'Treat model output as untrusted input: encode it for the page, validate it against schemas, and never pass it to interpreters without parameterisation.',
  action: { text: 'Validate and encode model output in {targets}' },
  mitigatedBy: OUTPUT_CONTROLS,
  references: ['OWASP LLM05:2025', 'CWE-79', 'CWE-94'],
  rating: 'Likelihood High when the internet reaches the component, or anyone on the internet reaches it without a credential through components that relay messages, and its prompts are not isolated (`prompt-isolation`), as for prompt-injection: public techniques steer the model; Medium otherwise (the model must be steered through other components or past the isolation); impact Medium (script in users\' sessions or altered data), High when browsers reach an admin panel.',
  example: "elements:\n  visitor: { tech: browser }\n  chat: { type: api }\n  model: { tech: openai }\nflows:\n  - visitor -> chat: https\n  - chat -> model: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const use = llmUse(ctx, element);
    if (!use) return undefined;
    const reached = browserReached(ctx, element);
    // Endpoints that each encode their output cover what browsers are shown; stores and services are not covered.
    const encoded = reached && browserOutputEncoded(ctx, element);
    const relays = unencodedRelays(ctx, use);
    const direct = reached && !encoded;
    const browsers = direct || relays.length > 0;
    const sinks: Flow[] = [];
    const open: Flow[] = [];
    const covering = new Set<string>();
    for (const f of ctx.graph.outFlows(element.id)) {
      const t = ctx.graph.elements.get(f.to);
      // A vector store is searched with embeddings, not with text a query could be injected through; what it
      // returns into prompts is prompt-injection's concern.
      if (t === undefined || f.to === element.id || isLlm(t) || (t.kind !== 'store' && t.kind !== 'process') || t.traits.includes('vector')) continue;
      sinks.push(f);
      const present = sinkCoveredBy(ctx, element, f, t);
      if (present.length === 0) open.push(f);
      else for (const c of present) covering.add(c);
    }
    if (!browsers && open.length === 0) {
      // Clients that show the agent's answers to browsers encode them (unencodedRelays found none that do not).
      const relayedEncoded = use.clients.filter((c) => browserReached(ctx, c));
      const controls = OUTPUT_CONTROLS.filter((c) => (c === 'output-encoding' && (encoded || relayedEncoded.length > 0)) || covering.has(c));
      if (controls.length === 0) return undefined;
      const shown = [
        ...(encoded ? [`model output is encoded on every ${pageEndpoints(element).length ? 'page that shows it' : 'endpoint browsers call'}`] : []),
        ...(relayedEncoded.length ? [`${relayedEncoded.map((r) => r.name).sort().join(', ')} ${agreeing(relayedEncoded.map((r) => r.name), 'encodes', 'encode')} the answers ${it(element.name)} ${verbFor(element.name, 'gives')} browsers`] : []),
      ];
      const sent = sinks.length ? [`what ${it(element.name)} ${verbFor(element.name, 'sends')} to ${targetNames(ctx, sinks)} is neutralised there`] : [];
      return mitigatedOutcome(element.id, 'element', undefined, sinks.length ? flowIds(sinks) : undefined, controls, [...shown, ...sent].join('; '));
    }
    const stores = open.filter((f) => ctx.graph.elements.get(f.to)!.kind === 'store');
    const services = open.filter((f) => ctx.graph.elements.get(f.to)!.kind !== 'store');
    const sends = [
      ...(stores.length ? [`${verbFor(element.name, 'writes')} to ${targetNames(ctx, stores)}`] : []),
      ...(services.length ? [`${verbFor(element.name, 'calls')} ${targetNames(ctx, services)}`] : []),
    ].join(' and ');
    const relayed = relays.length ? ` (${direct ? 'and ' : ''}through ${relays.map((r) => r.name).sort().join(', ')})` : '';
    const passes = browsers
      ? `${verbFor(element.name, 'passes')} model output to browsers${relayed} without validating or encoding it`
      : `${verbFor(element.name, use.self ? 'runs' : 'calls')} a language model`;
    return unlessControlled(ctx, { element }, ['output-encoding'], 'model output is validated and encoded', (missing) => ({
      title: `Unvalidated model output from ${element.name}`,
      // The model shows what the element sends where, not that model output is in it: said as such.
      description: `${element.name} ${passes}${sends ? `${browsers ? ',' : ''} and ${sends}; nothing declared validates or neutralises model output ${it(element.name)} ${verbFor(element.name, 'sends')} there` : ''}.`,
      likelihood: steeredFromInternet(ctx, element, use) ?? rated('Medium', 'needs the model steered, usually by prompt injection'),
      impact: browsers && element.type === 'admin-panel'
        ? rated('High', 'script runs with an administrator\'s session')
        : rated('Medium', browsers && sends ? 'script in users\' sessions or altered data' : browsers ? 'script in users\' sessions' : 'altered data'),
      evidence: [
        llmEvidence(ctx, element, use),
        missing,
        // Where the first store or service left open would take its control.
        ...open.slice(0, 1).map((f) => evidence(`no ${sinkControls(ctx.graph.elements.get(f.to)!).join(' or ')} on ${flowLabel(f, ctx)}`, f.at)),
        ...relays.slice(0, 1).map((r) => evidence(`${says(r.name, 'shows')} ${possessive(element.name)} answers to browsers, with no output-encoding`, r.at)),
      ],
    }));
  },
};

/**
 * Whether llm-insecure-output reports this element's model output reaching browsers: for pages that show
 * it, that is the one finding, and cross-site-scripting (about any content users influence) defers to it.
 */
export function modelOutputReachesBrowsers(element: Element, ctx: AnalysisContext): boolean {
  if (!browserReached(ctx, element) || browserOutputEncoded(ctx, element)) return false;
  if (reportsThreat(llmInsecureOutput.check(element, ctx))) return true;
  // A chat widget relaying an agent's answers: the agent's finding names it.
  if (ctx.elementHas(element, 'output-encoding')) return false;
  const elements = ctx.graph.model.elements;
  for (const agent of agentsRelayedBy(ctx).get(element) ?? []) {
    if (reportsThreat(llmInsecureOutput.check(elements[agent], ctx))) return true;
  }
  return false;
}

/** The agents (element positions) each client relays the answers of: the clients lists inverted once per analysis. */
function agentsRelayedBy(ctx: AnalysisContext): Map<Element, number[]> {
  return cached(ctx, 'llm:agents-relayed-by', () => {
    const uses = llmUses(ctx);
    const agents = new Map<Element, number[]>();
    for (let i = 0; i < uses.length; i++) {
      for (const client of uses[i]?.clients ?? []) {
        const list = agents.get(client);
        if (list === undefined) agents.set(client, [i]);
        else list.push(i);
      }
    }
    return agents;
  });
}

/** A way for callers to make a process call its model: an endpoint (its own, or a relay's in front of it), or a relay that lists none. */
interface ModelEntry {
  /** Where the rate limit belongs: the process itself or a relay. */
  on: Element;
  endpoint?: Endpoint;
  /** For a relay: its flows that hand the messages on. */
  relayFlows?: Flow[];
}

const entryExposure = (ctx: AnalysisContext, e: ModelEntry) => (e.endpoint ? endpointExposure(e.endpoint, e.on, ctx) : ctx.exposure(e.on.id));
const entryLimited = (ctx: AnalysisContext, e: ModelEntry) => (e.endpoint ? ctx.endpointHas(e.endpoint, 'rate-limiting') : ctx.elementHas(e.on, 'rate-limiting'));
/** Open to anyone: a public endpoint, or a relay with no `auth` that nothing in front authenticates. */
const entryAnonymous = (ctx: AnalysisContext, e: ModelEntry) =>
  e.endpoint ? e.endpoint.public : (!e.on.auth || e.on.auth === 'none') && !authenticatedUpstream(ctx, e.on);
const entryName = (agent: Element, e: ModelEntry) =>
  (e.endpoint ? (e.on === agent ? e.endpoint.key : `${e.endpoint.key} on ${e.on.name}`) : e.on.name);

/**
 * How likely callers run up the bill through these entries: anonymous internet callers are anyone,
 * an account narrows them to its holders.
 */
function callerLikelihood(ctx: AnalysisContext, entries: readonly ModelEntry[]) {
  const fromInternet = entries.filter((e) => entryExposure(ctx, e) === 'internet');
  return anonymousInternetLikelihood(
    fromInternet.length ? 'internet' : 'indirect',
    fromInternet.length === 0 || fromInternet.some((e) => entryAnonymous(ctx, e)),
    'anyone on the internet can send requests',
  );
}

/**
 * Endpoints for signing in and plumbing answer without the model (and credential stuffing and the other
 * sign-in rules report their missing throttles); any other endpoint may call it.
 */
const MODEL_FREE: ReadonlySet<Endpoint['kind']> = new Set<Endpoint['kind']>(['health', 'login', 'otp', 'register', 'password-reset', 'callback', 'redirect']);

/**
 * The ways in from untrusted zones through which callers make the element call its model, each reachable
 * from there: its endpoints that may call it; when it lists none and is not on the internet itself, the
 * endpoints of the relays that hand it their users' messages (a chat widget in front of an agent: a rate
 * limit there bounds the agent's model calls too), a relay listing none standing for itself. Empty when
 * the element itself is the one way in.
 */
function modelEntries(ctx: AnalysisContext, element: Element, use: LlmUse): ModelEntry[] {
  const own = element.endpoints.filter((ep) => !MODEL_FREE.has(ep.kind));
  if (own.length > 0) return own.map((ep): ModelEntry => ({ on: element, endpoint: ep })).filter((e) => isExposed(entryExposure(ctx, e)));
  if (ctx.exposure(element.id) === 'internet') return [];
  const entries: ModelEntry[] = [];
  for (const relay of use.clients) {
    if (!isExposed(ctx.exposure(relay.id))) continue;
    const relayFlows = ctx.graph.outFlows(relay.id).filter((f) => f.to === element.id);
    const ways = relay.endpoints.length ? relay.endpoints.filter((ep) => !MODEL_FREE.has(ep.kind)) : undefined;
    if (ways === undefined) entries.push({ on: relay, relayFlows });
    for (const ep of ways ?? []) if (isExposed(endpointExposure(ep, relay, ctx))) entries.push({ on: relay, endpoint: ep, relayFlows });
  }
  return entries;
}

/** The entries of `modelEntries` without a rate limit, memoised: no-rate-limiting asks for every endpoint of a relay. */
function openModelEntries(ctx: AnalysisContext, element: Element, use: LlmUse): { all: readonly ModelEntry[]; open: readonly ModelEntry[] } {
  const table = perElement<{ all: readonly ModelEntry[]; open: readonly ModelEntry[] }>(ctx, 'llm-model-entries');
  let found = table.get(element.id);
  if (found === undefined) {
    const all = modelEntries(ctx, element, use);
    found = { all, open: all.filter((e) => !entryLimited(ctx, e)) };
    table.set(element.id, found);
  }
  return found;
}

/**
 * The process whose unbounded-model-use finding names this endpoint (its own, or a relay's in front of it):
 * each request there costs a model call, which is what that finding says about the missing rate limit, so
 * no-rate-limiting leaves the endpoint to it (one cause, one finding).
 */
export function modelUseThrough(ep: Endpoint, element: Element, ctx: AnalysisContext): Element | undefined {
  if (!isExposed(ctx.exposure(element.id))) return undefined;
  const own = llmUse(ctx, element);
  const elements = ctx.graph.model.elements;
  const agents = own !== undefined ? [element] : (agentsRelayedBy(ctx).get(element) ?? []).map((i) => elements[i]);
  for (const agent of agents) {
    const use = llmUse(ctx, agent);
    if (use === undefined || !isExposed(ctx.exposure(agent.id))) continue;
    if (openModelEntries(ctx, agent, use).open.some((e) => e.endpoint === ep)) return agent;
  }
  return undefined;
}

export const llmUnboundedConsumption: ElementRule = {
  id: 'llm-unbounded-consumption',
  stride: 'D',
  title: 'Unbounded use of a paid model',
  description:
    'Anyone who reaches the component can make it call a language model as often and with prompts as large as they like: the bill grows without limit (denial of wallet) and the service slows for everyone.',
  condition: 'a process that is an LLM/agent or calls one, reachable from an untrusted zone, with an endpoint reachable from an untrusted zone (other than health, login, register, password-reset, callback and redirect ones) without `rate-limiting` on it, its element, its boundary or every path in front; when it declares none of those and only relays reach it (processes handing it their users\' messages, such as a chat widget in front of an agent), such an endpoint of a relay reachable from an untrusted zone (the relay itself when it declares no endpoints); else the element itself. This finding owns the missing rate limit on those endpoints: no-rate-limiting leaves them to it, as each request there costs a model call',
  mitigation: 'Rate-limit and quota per user, cap prompt and output tokens, set spending alerts and hard limits with the provider, and cache answers.',
  action: { key: 'rate-limiting', text: 'Add rate limiting to {targets}' },
  mitigatedBy: ['rate-limiting'],
  references: ['OWASP LLM10:2025', 'CWE-770', 'CWE-400'],
  rating: 'Likelihood High when one of the endpoints without a rate limit (or the element or relay, when it declares none) is reachable from the internet without authentication, Medium when they all require an account or are reached through other components; impact Medium (cost and slowdown).',
  example: "elements:\n  visitor: { tech: browser }\n  assistant: { tech: llm-agent }\nflows:\n  - visitor -> assistant: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const use = llmUse(ctx, element);
    const exposure = ctx.exposure(element.id);
    if (!use || !isExposed(exposure)) return undefined;
    const uses = verbFor(element.name, use.self ? 'runs' : 'calls');
    const { all, open } = openModelEntries(ctx, element, use);
    if (all.length === 0) {
      if (element.endpoints.some((ep) => !MODEL_FREE.has(ep.kind))) return undefined;
      // Credentials on every untrusted path in (or at a gateway in front) narrow callers to account holders.
      const anonymous = (!element.auth || element.auth === 'none') && !authenticatedUpstream(ctx, element);
      return unlessControlled(ctx, { element }, ['rate-limiting'], 'model use is rate-limited', (missing) => ({
        title: `Unbounded model use through ${element.name}`,
        description: `${element.name} ${uses} a language model for requests from an untrusted zone with no rate limit; cost and latency grow with whatever callers send.`,
        likelihood: anonymousInternetLikelihood(exposure, anonymous, 'anyone on the internet can send requests'),
        impact: rated('Medium', 'runaway cost and slowdown'),
        evidence: [llmEvidence(ctx, element, use), missing],
        target: element.name,
      }));
    }
    if (open.length === 0) {
      return mitigatedOutcome(element.id, 'element', undefined, undefined, ['rate-limiting'], 'model use is rate-limited on every endpoint that reaches it');
    }
    const names = open.map((e) => entryName(element, e));
    const relayed = open[0].on !== element;
    const handOn = relayed ? relayFlowsOf(open) : [];
    return threatOutcome(element.id, 'element', undefined, relayed ? flowIds(handOn) : undefined, {
      title: `Unbounded model use through ${element.name}`,
      description: `${element.name} ${uses} a language model for requests to ${namesAtMost(names, TEXT_NAMES, 'other endpoints')} from an untrusted zone with no rate limit there; ${relayed ? 'each request costs a model call, and ' : ''}cost and latency grow with whatever callers send.`,
      likelihood: callerLikelihood(ctx, open),
      impact: rated('Medium', 'runaway cost and slowdown'),
      evidence: [
        llmEvidence(ctx, element, use),
        ...handOn.slice(0, 1).map((f) => relayEvidence(ctx, f, element)),
        ...open.slice(0, 3).map((e) => missingControlEvidence(['rate-limiting'], e.on, e.endpoint)),
      ],
      target: relayed ? namesAtMost(names, TITLE_NAMES, 'other endpoints') : `${namesAtMost(names, TITLE_NAMES, 'other endpoints')} on ${element.name}`,
    });
  },
};

/** The relays' flows to the agent, each once, in the order of the entries. */
function relayFlowsOf(entries: readonly ModelEntry[]): Flow[] {
  const flows = new Set<Flow>();
  for (const e of entries) for (const f of e.relayFlows ?? []) flows.add(f);
  return [...flows];
}

function relayEvidence(ctx: AnalysisContext, f: Flow, agent: Element) {
  const relay = ctx.graph.elements.get(f.from)?.name ?? f.from;
  return evidence(`${says(relay, 'hands')} ${its(relay)} users' messages to ${agent.name}`, f.at);
}
