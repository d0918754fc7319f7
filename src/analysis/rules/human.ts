// The human surface: people with privileged access are phished, talked into things, or misuse what they
// can reach. Each rule needs a person in the model (an external element of a people type) and a flow.
import type { Asset, Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { assetImpact, rated, ratingRank } from '../risk.js';
import { mfaOnEveryFlow, servedEndpoints } from './authorization.js';
import { assetNames, cached, callAuthMethod, endpointMfa, endpointOfFlow, isPerson, isPrivilegedPerson, PROVIDER_MFA_TERMS, providerMfa, sensitive, signInMfa } from './facts.js';
import { isGroupName, possessive, says, verbFor } from './grammar.js';
import {
  elementComponent, evidence, flowLabel, inUntrustedZone, missingControlEvidence, mitigatedBy, namesAtMost, TEXT_NAMES,
  threat, TITLE_NAMES, withArticle,
} from './helpers.js';
import type { ElementRule } from './types.js';

const isAdmin = (ep: Endpoint) => ep.kind === 'admin';
/** Keys that never leave the person's device, so a phishing page cannot capture them, by how a finding names them. */
const UNPHISHABLE: ReadonlyMap<string, string> = new Map([['mtls', 'a client certificate'], ['ssh-key', 'an SSH key']]);

/**
 * Where a person's call lands to sign in: the element that takes the credential (past the forwarding elements
 * in front, `via`, which only pass it on), and the endpoint the call names, on it or on a forwarding element.
 */
interface SignIn {
  flow: Flow;
  target: Element;
  ep?: Endpoint;
  via: readonly Element[];
}

/** An endpoint the person may call: no `callers`, or callers naming them or a forwarding element their call passes. */
const usedBy = (ep: Endpoint, s: SignIn): boolean =>
  !ep.callers || ep.callers.includes(s.flow.from) || s.via.some((v) => ep.callers!.includes(v.id));

/**
 * The endpoints staff sign in to that are this rule's: admin endpoints are the admin rules', public ones take
 * no sign-in, and one whose callers exclude them is not theirs.
 */
const staffSignIns = (s: SignIn) => s.target.endpoints.filter((e) => !isAdmin(e) && !e.public && usedBy(e, s));

/**
 * MFA where the person signs in: a forwarding element in front that asks for it where people sign in to it (an
 * identity-aware proxy: signInMfa, as exposed-admin-panel counts it), the identity providers that issue the token
 * the call carries (providerMfa: on them, or on the person's flows to them), the endpoint the call names, else
 * every endpoint of the target they sign in to, else the target.
 */
function signInHasMfa(ctx: AnalysisContext, s: SignIn): boolean {
  if (s.via.some((v) => signInMfa(ctx, v))) return true;
  const person = ctx.graph.elements.get(s.flow.from);
  if (providerMfa(ctx, s.target, signInKey(ctx, s), person) !== undefined) return true;
  if (s.ep && s.ep.element !== s.target.id) {
    const twins = routeTwins(s);
    return ctx.endpointHas(s.ep, 'mfa') || ctx.elementHas(s.target, 'mfa') || (twins.length > 0 && twins.every((e) => endpointMfa(ctx, s.target, e)));
  }
  if (s.ep) return endpointMfa(ctx, s.target, s.ep);
  return s.target.endpoints.length ? staffSignIns(s).every((e) => endpointMfa(ctx, s.target, e)) : ctx.elementHas(s.target, 'mfa');
}

/** The target's own endpoints for the route a forwarding element's endpoint names: where that route is served. */
const routeTwins = (s: SignIn): Endpoint[] => s.target.endpoints.filter((e) => e.route === s.ep!.route && usedBy(e, s));

/** A process behind a forwarding element, and the forwarding elements a request passes to reach it. */
interface Behind {
  target: Element;
  via: readonly Element[];
}

/**
 * The elements a call into a forwarding element (CDN, load balancer, reverse proxy, gateway) reaches: along its
 * flows, through further forwarding elements, the first process on each way, with the forwarding elements
 * passed; each once, in the order met. Staff sign in there, not at the edge that passes the request on.
 */
function behindEdge(ctx: AnalysisContext, edge: Element): readonly Behind[] {
  // Every staff flow into the same edge asks: walked once per edge per analysis (shared: read only).
  const memo = cached(ctx, 'phishing-behind-edge', () => new Map<string, readonly Behind[]>());
  let behind = memo.get(edge.id);
  if (behind === undefined) memo.set(edge.id, behind = walkBehind(ctx, edge));
  return behind;
}

/**
 * Breadth first from the edge, so that each process is met first by its shortest way. Each forwarding element
 * keeps the one it was reached from, and a way is read back only for a process found: a long chain of proxies
 * costs no copy of the way per hop.
 */
function walkBehind(ctx: AnalysisContext, edge: Element): Behind[] {
  const out: Behind[] = [];
  const cameFrom = new Map<Element, Element | undefined>([[edge, undefined]]);
  const seen = new Set<string>([edge.id]);
  const wayTo = (last: Element): Element[] => {
    const way: Element[] = [];
    for (let at: Element | undefined = last; at !== undefined; at = cameFrom.get(at)) way.push(at);
    return way.reverse();
  };
  const queue: Element[] = [edge];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head];
    for (const f of ctx.graph.outFlows(at.id)) {
      const to = ctx.graph.elements.get(f.to);
      if (to === undefined || to.kind !== 'process' || seen.has(to.id)) continue;
      seen.add(to.id);
      if (isPassThrough(to)) {
        cameFrom.set(to, at);
        queue.push(to);
      } else out.push({ target: to, via: wayTo(at) });
    }
  }
  return out;
}

/** Whether a forwarding element passes requests on in the model: one with no flows out stands for what it fronts. */
const forwards = (ctx: AnalysisContext, edge: Element): boolean => ctx.graph.outFlows(edge.id).some((f) => f.to !== edge.id);

/**
 * Where a person's flow signs in: its target, or, for a forwarding element, the processes it forwards to (only
 * the ones serving the route when the call names a route the forwarding element places, else the ones the model
 * says the person signs in to: see signedInBehind). A forwarding element
 * that forwards nowhere in the model stands for what it fronts and is judged itself.
 */
function signInsOf(ctx: AnalysisContext, f: Flow): SignIn[] {
  const target = ctx.graph.elements.get(f.to);
  if (!target || target.kind !== 'process' || target.type === 'cloud-console') return [];
  const ep = endpointOfFlow(ctx, f);
  if (!isPassThrough(target) || !forwards(ctx, target)) return [{ flow: f, target, ep, via: [] }];
  return signedInBehind(ctx, f, target, ep).picked.map((b) => ({ flow: f, target: b.target, ep, via: b.via }));
}

/**
 * The processes behind a forwarding element that a call into it reaches (`all`), and those the person signs in to
 * (`picked`): the ones serving the route the call names, else those the model tells apart (see staffBehind);
 * `told` when the latter left some out.
 */
function signedInBehind(ctx: AnalysisContext, f: Flow, edge: Element, ep: Endpoint | undefined): { all: readonly Behind[]; picked: readonly Behind[]; told: boolean } {
  // A cloud console is the cloud's own sign-in, not this rule's, behind an edge as when reached directly; a
  // store or a third party behind it takes no staff sign-in this rule judges.
  const all = behindEdge(ctx, edge).filter((b) => b.target.type !== 'cloud-console');
  const serving = ep ? all.filter((b) => servesRoute(ctx, b.target, ep)) : [];
  if (serving.length) return { all, picked: serving, told: false };
  const picked = staffBehind(f, all);
  return { all, picked, told: picked.length < all.length };
}

/**
 * Whether the model tells, for one of the person's calls into a forwarding element that forwards, which of the
 * processes behind it they sign in to (see staffBehind): the threat that named them all named some by mistake.
 */
export function staffBehindTold(ctx: AnalysisContext, person: Element): boolean {
  for (const f of ctx.graph.outFlows(person.id)) {
    const edge = ctx.graph.elements.get(f.to);
    if (edge === undefined || edge.kind !== 'process' || !isPassThrough(edge) || !forwards(ctx, edge)) continue;
    if (signedInBehind(ctx, f, edge, endpointOfFlow(ctx, f)).told) return true;
  }
  return false;
}

/**
 * What tells, behind a shared forwarding element, the processes the person signs in to from those others use,
 * strongest first: an endpoint naming the person among its `callers`, the credential the call states (its `auth`),
 * admin routes (where staff go).
 */
const STAFF_SIGNS: readonly ((f: Flow, b: Behind) => boolean)[] = [
  (f, b) => b.target.endpoints.some((e) => e.callers?.includes(f.from) === true),
  (f, b) => f.auth !== 'none' && (b.target.auth === f.auth || b.target.endpoints.some((e) => !e.public && e.auth === f.auth)),
  (_f, b) => b.target.endpoints.some(isAdmin),
];

/**
 * The processes behind a forwarding element that the person's call, naming no route, signs in to: those the
 * first sign that tells them apart picks (see STAFF_SIGNS); all of them when none does, as the model does not
 * say which (a load balancer shared with customers would otherwise have staff sign in to the shop's API).
 */
function staffBehind(f: Flow, behind: readonly Behind[]): readonly Behind[] {
  for (const sign of STAFF_SIGNS) {
    const picked = behind.filter((b) => sign(f, b));
    if (picked.length > 0 && picked.length < behind.length) return picked;
  }
  return behind;
}

/** Whether an application serves a forwarding element's route: placed on it (see servedEndpoints), or declared by it too. */
const servesRoute = (ctx: AnalysisContext, app: Element, ep: Endpoint): boolean =>
  app.endpoints.some((e) => e.route === ep.route) || (servedEndpoints(ctx, app)?.endpoints.some((s) => s.ep.id === ep.id) ?? false);

/** Whether the sign-in is this rule's: admin endpoints are the admin rules', and public ones take no credential. */
function phishingsCase(s: SignIn): boolean {
  if (s.ep && s.ep.element !== s.target.id) {
    // A route placed on a forwarding element in front is public there (the edge asks nothing itself): the
    // application's own copy of the route says whether it takes a sign-in, else the application does.
    if (isAdmin(s.ep)) return false;
    const twins = routeTwins(s);
    if (twins.length) return twins.some((e) => !isAdmin(e) && !e.public);
  } else if (s.ep) return !isAdmin(s.ep) && !s.ep.public;
  // A call naming no endpoint reaches all of its target's: when none but admin ones takes a sign-in, the admin rules own it.
  return s.target.endpoints.length === 0 || staffSignIns(s).length > 0;
}

/**
 * What a phished credential opens through the sign-in: its target, or the target's sign-ins without MFA when the
 * call names no endpoint and also reaches admin endpoints without MFA (which the admin rules report).
 */
function phishedAccess(ctx: AnalysisContext, s: SignIn): string {
  const { target } = s;
  const adminOpen = target.endpoints.some((e) => isAdmin(e) && !endpointMfa(ctx, target, e) && !mfaOnEveryFlow(e, target, ctx));
  if (s.ep !== undefined || !adminOpen) return target.name;
  return `${staffSignIns(s).filter((e) => !endpointMfa(ctx, target, e)).map((e) => e.key).join(', ')} on ${target.name}`;
}

/**
 * The key the person signs in with: the flow's, else the endpoint it names, else a forwarding element's in front
 * (a client certificate at the edge), else the target's (`auth: mtls` on an internal tool), not restated on the flow.
 */
function signInKey(ctx: AnalysisContext, s: SignIn): string {
  if (s.via.length === 0) return callAuthMethod(ctx.graph, s.flow);
  const stated = [s.flow.auth, s.ep?.auth, ...s.via.map((v) => v.auth), s.target.auth];
  return stated.find((a) => a !== undefined && a !== 'none') ?? 'none';
}

/** The evidence for a sign-in without MFA: the call, and where it lands past the forwarding elements it passes. */
const noMfaEvidence = (ctx: AnalysisContext, s: SignIn) =>
  evidence(s.via.length
    ? `${flowLabel(s.flow, ctx)} reaches ${s.target.name}${s.via.length > 1 ? ` through ${namesAtMost(s.via.slice(1).map((v) => v.name), TEXT_NAMES, 'other proxies')}` : ''} with no MFA`
    : `${flowLabel(s.flow, ctx)} has no MFA`, s.flow.at);

/** Whose credentials: a singular name stays attributive ("Operator credentials"), a plural one owns them ("Operators' credentials"). */
const owner = (name: string): string => (isGroupName(name) ? possessive(name) : name);

export const privilegedUserPhishing: ElementRule = {
  id: 'privileged-user-phishing',
  stride: 'S',
  title: 'Privileged staff can be phished',
  description:
    'Administrators, developers and support staff reach internal systems with no second factor: phishing one of them (the most targeted people in any organisation) gives an attacker their access.',
  condition: 'an external element of type admin, developer or support-staff with flows into our processes, judged where the person signs in: the target, or, for a forwarding element (CDN, load balancer, reverse proxy, gateway), the processes it forwards to through further forwarding elements (those serving the route when the flow names one the forwarding element places; else, when the model tells which of them the person signs in to, those with an endpoint naming the person among its `callers`, else those taking the `auth` the flow states, else those with admin endpoints; every one of them when nothing tells them apart; the forwarding element itself when it forwards nowhere in the model; none when only stores, third parties or cloud consoles are behind it). Not flows to admin endpoints, named by the flow or the only endpoints of the target that take a sign-in, which `exposed-admin-interface` and `admin-without-mfa` cover, nor to public endpoints, which take no credential; endpoints whose `callers` name neither the person nor a forwarding element on the way are not theirs; a flow naming no endpoint to a target that also has admin endpoints without MFA concerns only its other endpoints. Reported where the call (the flow, else the endpoint it names, else a forwarding element on the way, else the target) does not authenticate with `mtls` or `ssh-key` and has no `mfa` on the flow, on a forwarding element on the way, nor where the person signs in (the endpoint the flow names, else every non-admin, non-public endpoint of the target they may call, else the target or its boundary), nor ' + PROVIDER_MFA_TERMS + ', or on the person\'s own flows to it; an endpoint taking a `session-cookie` has the MFA of its element\'s login endpoints when every one of them has it, as they issue the session',
  mitigation: 'Require phishing-resistant MFA (FIDO2/WebAuthn) for staff on every system, train them, and alert on unusual sign-ins.',
  // Its own action, naming the people: the admin rules' "for administrators" would misname developers and support staff.
  action: { text: 'Require phishing-resistant MFA for {targets}' },
  mitigatedBy: ['mfa', 'mtls'],
  references: ['CWE-308', 'CAPEC-98', 'CAPEC-163', 'OWASP Top 10 A07'],
  rating: 'Likelihood Medium (targeted phishing needs some skill); impact High for admins and developers, Medium for support staff (customer data).',
  example: 'elements:\n  ops: { type: admin }\n  tools: { type: service }\nflows:\n  - ops -> tools: https',
  appliesTo: 'element',
  kinds: ['external'],
  check(person, ctx) {
    if (!isPrivilegedPerson(person)) return undefined;
    const access = ctx.graph.outFlows(person.id).flatMap((f) => signInsOf(ctx, f)).filter(phishingsCase);
    if (access.length === 0) return undefined;
    const hasMfa = (s: SignIn) => s.flow.controls.includes('mfa') || signInHasMfa(ctx, s);
    const key = (s: SignIn) => signInKey(ctx, s);
    const unprotected = access.filter((s) => !hasMfa(s) && !UNPHISHABLE.has(key(s)));
    const flowsOf = (signIns: readonly SignIn[]) => [...new Set(signIns.map((s) => s.flow.id))];
    const where = { ...elementComponent(person), flows: flowsOf(access) };
    if (unprotected.length === 0) {
      const mfa = access.some(hasMfa);
      const keys = [...new Set(access.filter((s) => !hasMfa(s)).map(key))].sort();
      const ways = [...(mfa ? ['MFA'] : []), ...keys.map((k) => UNPHISHABLE.get(k)!)];
      return mitigatedBy([...(mfa ? ['mfa'] : []), ...keys], where, `staff sign in with ${ways.join(' or ')}`);
    }
    const targets = [...new Set(unprotected.map((s) => phishedAccess(ctx, s)))].sort();
    return threat({
      ...elementComponent(person),
      flows: flowsOf(unprotected),
      title: `Phished ${owner(person.name)} credentials open ${namesAtMost(targets, TITLE_NAMES, 'other systems')}`,
      description: `${person.name} (${person.type}) ${verbFor(person.name, 'reaches')} ${namesAtMost(targets, TEXT_NAMES, 'other systems')} with no second factor; one phishing email is enough to take over that access.`,
      likelihood: rated('Medium', 'targeted phishing: some skill'),
      impact: person.type === 'support-staff'
        ? rated('Medium', 'the customer data support staff can see')
        : rated('High', `${person.type} access: full compromise`),
      evidence: [noMfaEvidence(ctx, unprotected[0])],
      target: `${staffNamed(person)} on ${namesAtMost(targets, TITLE_NAMES, 'other systems')}`,
    });
  },
};

/** What each privileged people type is called in a punch-list line. */
const STAFF_NOUNS: Readonly<Record<string, string>> = { admin: 'administrators', developer: 'developers', 'support-staff': 'support staff' };

/** The people a finding is about, by name and, unless the name says it already, by what they are: "Data scientists (developers)". */
function staffNamed(person: Element): string {
  const noun = STAFF_NOUNS[person.type ?? ''] ?? 'staff';
  const name = person.name.toLowerCase();
  return name === noun || noun.startsWith(name) || name.includes(noun.replace(/s$/, '')) ? person.name : `${person.name} (${noun})`;
}

/** A process support staff act in through one of their flows, and whether the flow reaches it past forwarding elements. */
interface SupportReach {
  flow: Flow;
  target: Element;
  via: boolean;
}

/**
 * Where a support flow lands: its target, or, for a forwarding element (identity-aware proxy, gateway, load
 * balancer) that forwards in the model, the processes behind it the person signs in to, as privileged-user-phishing
 * finds them (signedInBehind: one memoized walk per forwarding element).
 */
function supportReach(ctx: AnalysisContext, f: Flow): SupportReach[] {
  const target = ctx.graph.elements.get(f.to);
  if (target === undefined || target.kind !== 'process') return [];
  if (!isPassThrough(target) || !forwards(ctx, target)) return [{ flow: f, target, via: false }];
  return signedInBehind(ctx, f, target, endpointOfFlow(ctx, f)).picked.map((b) => ({ flow: f, target: b.target, via: true }));
}

export const supportSocialEngineering: ElementRule = {
  id: 'support-social-engineering',
  stride: 'S',
  title: 'Account takeover through the support desk',
  description:
    'Support staff can act on customer accounts: an attacker who calls or writes pretending to be the customer gets the email changed, MFA reset or data read out.',
  condition: 'an external element of type `support-staff` with flows into a process that handles personal or other sensitive data, directly or through forwarding elements (CDN, load balancer, reverse proxy, gateway, identity-aware proxy: the processes behind them the person signs in to, as privileged-user-phishing picks them), without `identity-verification` on that process or the flow',
  mitigation: 'Verify callers with a strong, scripted procedure before any account change (no knowledge-based questions), notify the customer, and delay sensitive changes.',
  action: { text: 'Verify customers\' identity before support acts on accounts in {targets}' },
  mitigatedBy: ['identity-verification'],
  references: ['CWE-1390', 'CAPEC-410', 'CAPEC-416'],
  rating: 'Likelihood Medium (pretexting needs no technical skill but some preparation); impact Medium (one customer\'s account and data).',
  example: "assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  agent: { type: support-staff }\n  crm: { type: service, handles: [pii] }\nflows:\n  - agent -> crm: https",
  appliesTo: 'element',
  kinds: ['external'],
  check(person, ctx) {
    if (person.type !== 'support-staff') return undefined;
    const access = ctx.graph.outFlows(person.id).flatMap((f) => supportReach(ctx, f)).filter((r) => sensitive(ctx.assetsOf(r.target.id)).length > 0);
    if (access.length === 0) return undefined;
    const unverified = access.filter((r) => !r.flow.controls.includes('identity-verification') && !ctx.elementHas(r.target, 'identity-verification'));
    const flowsOf = (reach: readonly SupportReach[]) => [...new Set(reach.map((r) => r.flow.id))];
    const where = { ...elementComponent(person), flows: flowsOf(access) };
    if (unverified.length === 0) return mitigatedBy(['identity-verification'], where, 'callers are verified before account changes');
    const data = sensitive(unverified.flatMap((r) => ctx.assetsOf(r.target.id)));
    const first = unverified[0];
    return threat({
      ...elementComponent(person),
      flows: flowsOf(unverified),
      title: `Social engineering of ${person.name} to take over accounts`,
      description: `${person.name} can change accounts and read ${assetNames(data)}; a convincing caller can have them act on someone else's account.`,
      likelihood: rated('Medium', 'pretexting needs preparation, not technical skill'),
      impact: rated('Medium', 'one customer\'s account and data'),
      evidence: [
        evidence(first.via ? `${flowLabel(first.flow, ctx)} reaches ${first.target.name}, which gives support access` : `${flowLabel(first.flow, ctx)} gives support access`, first.flow.at),
        missingControlEvidence(['identity-verification'], first.target),
      ],
      // Where the check goes: the systems support acts through, which the evidence names.
      target: namesAtMost([...new Set(unverified.map((r) => r.target.name))], TITLE_NAMES, 'other systems'),
    });
  },
};

const INSIDER_CONTROLS = ['audit-logging', 'least-privilege', 'data-masking'] as const;

/** Staff, or any person outside an untrusted zone: a customer is no insider (a store they reach from the internet is exposed-data-store's). */
const isInsider = (person: Element, ctx: AnalysisContext): boolean =>
  isPrivilegedPerson(person) || (isPerson(person) && !inUntrustedZone(ctx, person.id));

/**
 * A process that runs the code its users write: a notebook server (the `runs-user-code` trait: Jupyter, SageMaker
 * Studio, Databricks, Zeppelin), or one named as notebooks with no tech the catalogue knows.
 */
const NOTEBOOK_NAME = /(?:^|[^a-z])notebooks?(?:$|[^a-z])/i;
export const runsUsersCode = (e: Element): boolean =>
  e.kind === 'process' && (e.traits.includes('runs-user-code') || NOTEBOOK_NAME.test(e.id) || NOTEBOOK_NAME.test(e.name));

/** A person's way into a store: their own flow, or their flow into a process that runs their code and its flow on. */
interface StoreReach {
  store: Element;
  /** The person's flow, then the runner's flow into the store when they go through one. */
  flows: readonly Flow[];
  via?: Element;
}

/** The stores holding sensitive data that a person reaches directly, or through a process that runs their code. */
function storesReached(ctx: AnalysisContext, person: Element): StoreReach[] {
  const holdsSensitive = (e: Element | undefined): boolean => e?.kind === 'store' && sensitive(ctx.assetsOf(e.id)).length > 0;
  const out: StoreReach[] = [];
  for (const f of ctx.graph.outFlows(person.id)) {
    const to = ctx.graph.elements.get(f.to);
    if (to === undefined) continue;
    if (holdsSensitive(to)) out.push({ store: to, flows: [f] });
    else if (runsUsersCode(to)) {
      for (const g of ctx.graph.outFlows(to.id)) {
        const store = ctx.graph.elements.get(g.to);
        if (store !== undefined && holdsSensitive(store)) out.push({ store, flows: [f, g], via: to });
      }
    }
  }
  return out;
}

/** How the person reaches the stores: "connects directly to db", "reaches lake through notebooks, which run the code Data scientists write". */
function reachText(person: Element, reaches: readonly StoreReach[]): string {
  const direct = [...new Set(reaches.filter((r) => r.via === undefined).map((r) => r.store.name))].sort();
  const through = [...new Set(reaches.filter((r) => r.via !== undefined).map((r) => r.store.name))].sort();
  const runners = [...new Set(reaches.flatMap((r) => (r.via ? [r.via.name] : [])))].sort();
  const parts: string[] = [];
  if (direct.length) parts.push(`${verbFor(person.name, 'connects')} directly to ${direct.join(', ')}`);
  if (through.length) {
    const run = runners.length === 1 ? verbFor(runners[0], 'runs') : 'run';
    parts.push(`${verbFor(person.name, 'reaches')} ${through.join(', ')} through ${runners.join(', ')}, which ${run} the code ${person.name} ${verbFor(person.name, 'writes')}`);
  }
  return parts.join(' and ');
}

export const insiderDataAccess: ElementRule = {
  id: 'insider-data-access',
  stride: 'I',
  title: 'Insiders can read sensitive data directly',
  description:
    'People connect straight to a data store holding sensitive data (or through a notebook that runs the code they write), bypassing the application\'s checks: a malicious or compromised insider copies it in bulk and nothing records it.',
  condition: 'an insider (a person of type admin, developer or support-staff, or any person outside an untrusted zone; a `user` in one is a customer, whose direct connection is `exposed-data-store`\'s) with a flow directly into a store holding sensitive assets, or into a process that runs code its users write (a notebook server, recognised by its tech or name: jupyter, sagemaker, databricks, zeppelin, notebook) with a flow into such a store, where none of `audit-logging`, `least-privilege`, `data-masking` is on the store (or its boundary), on the person\'s flow, nor, through a notebook, on it or its flow into the store',
  mitigation: 'Remove standing direct access: use just-in-time, approved and logged access through a bastion, give read access to masked replicas, and review access regularly.',
  action: { text: 'Replace direct human access with logged, just-in-time access to {targets}' },
  mitigatedBy: INSIDER_CONTROLS,
  references: ['CWE-284', 'CWE-778', 'CAPEC-116'],
  rating: 'Likelihood Low (an insider, or a compromised staff account); impact from the confidentiality of the data in the store.',
  example: "assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  dev: { type: developer }\n  db: { tech: postgres, stores: [pii] }\nflows:\n  - dev -> db: postgres+tls",
  appliesTo: 'element',
  kinds: ['external'],
  check(person, ctx) {
    if (!isInsider(person, ctx)) return undefined;
    const direct = storesReached(ctx, person);
    if (direct.length === 0) return undefined;
    // A control on the person's own connection (a logging proxy, a masked view), on the notebook they go through
    // or its connection, guards it as well as one on the store.
    const guards = (r: StoreReach, c: string) =>
      r.flows.some((f) => f.controls.includes(c)) || ctx.elementHas(r.store, c) || (r.via !== undefined && ctx.elementHas(r.via, c));
    const unguarded = direct.filter((r) => INSIDER_CONTROLS.every((c) => !guards(r, c)));
    const flowsOf = (reaches: readonly StoreReach[]) => [...new Set(reaches.flatMap((r) => r.flows.map((f) => f.id)))];
    const where = { ...elementComponent(person), flows: flowsOf(direct) };
    if (unguarded.length === 0) return mitigatedBy(INSIDER_CONTROLS.filter((c) => direct.some((r) => guards(r, c))), where, 'direct access is limited and recorded');
    const data = sensitive(unguarded.flatMap((r) => ctx.assetsOf(r.store.id)));
    const stores = [...new Set(unguarded.map((r) => r.store.name))].sort();
    const first = unguarded[0];
    return threat({
      ...elementComponent(person),
      flows: flowsOf(unguarded),
      title: `${person.name} can copy ${assetNames(data)} from ${stores.join(', ')}`,
      description: `${person.name} ${reachText(person, unguarded)}, bypassing the application; nothing limits or records what they read.`,
      likelihood: rated('Low', 'needs a malicious insider or a compromised staff account'),
      impact: assetImpact(data, 'confidentiality', rated('Medium', 'the data in the store')),
      evidence: [
        first.via
          ? evidence(`${flowLabel(first.flows[0], ctx)} runs code in ${first.via.name}, which reaches ${first.store.name}: the application is bypassed`, first.flows[0].at)
          : evidence(`${flowLabel(first.flows[0], ctx)} bypasses the application`, first.flows[0].at),
        missingControlEvidence(INSIDER_CONTROLS, first.store),
      ],
      target: stores.join(', '),
    });
  },
};

// ---- One person runs what should take two: maker-checker on a back office's irreversible operations.

const APPROVAL = 'human-approval';

/** People who act for the business on others' money, cards, accounts and rights: administrators and support staff. */
const isOperator = (e: Element): boolean => e.kind === 'external' && (e.type === 'admin' || e.type === 'support-staff');

/**
 * An operation that moves money or power and cannot be taken back, found in the words of an endpoint's route or
 * of the verb phrase its description opens with (`any` of them, and `all` of the second list when there is one).
 * `reads`: still one when fetched with GET (an exported key is out whatever the method).
 */
interface Operation {
  /** What one is called ("a refund"), and several ("refunds"); by the words, where they tell more (a card's unblock). */
  name: (words: string) => { one: string; many: string };
  any: RegExp;
  all?: RegExp;
  not?: RegExp;
  reads?: true;
}

const named = (one: string, many = `${one}s`) => () => ({ one, many });
const OPERATIONS: readonly Operation[] = [
  { name: named('payment reversal'), any: /\b(?:revers(?:e|es|ed|al|als|ing)|chargebacks?)\b/ },
  { name: named('refund'), any: /\brefund(?:s|ed|ing)?\b/ },
  { name: named('payout'), any: /\b(?:payouts?|disburse(?:s|d|ment|ments)?)\b/ },
  { name: named('transfer'), any: /\b(?:transfers?|wires|remittances?)\b/ },
  { name: named('write-off'), any: /\b(?:write ?offs?|writes off|written off)\b/ },
  { name: (words) => named(/\bcards?\b/.test(words) ? 'card unblock' : 'unblock')(), any: /\b(?:unblock|unfreeze)(?:s|d|ed|ing)?\b/ },
  { name: named('limit change'), any: /\b(?:limits?|overdrafts?)\b/, not: /\brate limits?\b/ },
  { name: named('account closure'), any: /\b(?:clos(?:e|es|ed|ing|ure|ures))\b/, all: /\baccounts?\b/ },
  {
    name: named('role or permission grant', 'role and permission grants'),
    any: /\b(?:roles?|permissions?|privileges?|entitlements?|grant(?:s|ed|ing)?|role ?bindings?)\b/,
    // Asking whether someone may do something grants nothing.
    not: /\b(?:check|checks|verify|evaluate|has)\b/,
  },
  {
    name: named('key or secret export', 'key and secret exports'),
    any: /\b(?:export(?:s|ed|ing)?|reveal(?:s|ed|ing)?|unwrap|extract|download)\b/, all: /\b(?:keys?|secrets?|kek|dek)\b/, reads: true,
  },
];

/** Endpoints that run no operation for staff: a report or search reads, a login or webhook is someone else's call. */
const NOT_OPERATIONS: ReadonlySet<string> = new Set(['export', 'search', 'health', 'login', 'register', 'password-reset', 'otp', 'webhook', 'callback']);
const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A route about the caller's own account (`/me/account/close`): a customer acting for themselves. */
const OWN_ACCOUNT = /(?:^|\/)(?:me|my|self|mine)(?:\/|$)/i;

/** The words of a route (path parameters left out, camelCase split) or of a description, lower case, one space apart. */
const wordsOf = (text: string): string =>
  text.replace(/\{[^}]*\}|(?:^|\/):[^/]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join(' ');

/**
 * Where the verb phrase a description opens with ends: a mark, or a word that starts another clause or a
 * modifier ("Add a note to a ticket, e.g. about a refund" adds a note; the refund is only its subject).
 */
const PHRASE_END = /[,.;:!?()[\]]|\s(?:about|regarding|on|in|into|to|for|from|with|by|once|when|whenever|after|before|if|unless|until|while|because|since|so|where|which|that|whether|like)(?=\s|$)/i;
/** A phrase that opens with a read or a look describes no operation run ("Lists the refunds of an order"). */
const READ_VERB = /^(?:lists?|shows?|views?|fetch(?:es)?|reads?|search(?:es)?|finds?|previews?|counts?)\b/;

/** What a description says its endpoint does: the verb phrase it opens with, not every word in it. */
function leadingPhrase(description: string): string {
  const text = description.trim();
  const end = text.search(PHRASE_END);
  const phrase = wordsOf(end < 0 ? text : text.slice(0, end));
  return READ_VERB.test(phrase) ? '' : phrase;
}

/** The irreversible operation an endpoint runs, by what the finding calls it; undefined for any other endpoint. */
export function highValueOperation(ep: Endpoint): { one: string; many: string } | undefined {
  if (ep.declaredPublic || OWN_ACCOUNT.test(ep.route)) return undefined;
  const reads = ep.methods.length > 0 && ep.methods.every((m) => READS.has(m.toUpperCase()));
  for (const words of [wordsOf(ep.route), leadingPhrase(ep.description ?? '')]) {
    if (words === '') continue;
    const op = OPERATIONS.find((o) => o.any.test(words) && (o.all === undefined || o.all.test(words)) && !(o.not?.test(words) ?? false));
    if (op === undefined) continue;
    if (op.reads || (!reads && !NOT_OPERATIONS.has(ep.kind))) return op.name(words);
  }
  return undefined;
}

/**
 * Whether only insiders reach an element: every flow into it comes from an element `ok` accepts, directly or
 * through forwarding elements that only such elements reach. Breadth first: a long chain of proxies is no recursion.
 */
function onlyReachedBy(ctx: AnalysisContext, start: Element, ok: (source: Element) => boolean): boolean {
  const seen = new Set<string>([start.id]);
  const queue: Element[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head];
    for (const f of ctx.graph.inFlows(at.id)) {
      if (f.from === at.id) continue;
      const source = ctx.graph.elements.get(f.from);
      if (source === undefined) return false;
      if (ok(source)) continue;
      if (source.kind !== 'process' || !isPassThrough(source)) return false;
      if (!seen.has(source.id)) {
        seen.add(source.id);
        queue.push(source);
      }
    }
  }
  return true;
}

/** A person signed in to an element (their flow is `signIn.flow`). */
interface Staff {
  person: Element;
  signIn: SignIn;
}

/**
 * People who come one way: one person signed in to an element, or everyone signed in to a back office (one
 * group per back office, shared by every service it calls, so that many staff and many services make no way per
 * pair). Filled while the staff are found; `facts` once, when a finding first asks.
 */
interface StaffGroup {
  staff: Staff[];
  /** Those of `staff` whose own flow carries no approval. */
  unapproved: Staff[];
  facts?: GroupFacts;
}

/** What a finding says of a group's unapproved staff. */
interface GroupFacts {
  names: readonly string[];
  /** The names as a finding's text gives them. */
  text: string;
  flows: readonly string[];
  /** Some sign in without MFA or an unphishable key. */
  weak: boolean;
}

/** A way staff run an element's endpoints: signed in to it, or through a back office they sign in to that calls it. */
interface StaffWay {
  group: StaffGroup;
  /** The back office the group signs in to, when the element is a service it calls, and its flow towards it. */
  backOffice?: Element;
  call?: Flow;
  /** The element's endpoints this way reaches. */
  endpoints: readonly Endpoint[];
}

const groupOf = (staff: Staff): StaffGroup => ({ staff: [staff], unapproved: staff.signIn.flow.controls.includes(APPROVAL) ? [] : [staff] });

/**
 * Every staff way into every element, found once per analysis (shared: read only). A back office is a process of
 * type `admin-panel`, or one that only privileged people reach (through forwarding elements only they reach):
 * all its endpoints are theirs, and so are the services it calls. Elsewhere only the endpoints that say they are
 * staff's: named by the staff's call, naming them among `callers`, or admin endpoints; a customer's own refund
 * request on an application both use is not a staff operation.
 */
function staffWays(ctx: AnalysisContext): ReadonlyMap<string, readonly StaffWay[]> {
  return cached(ctx, 'dual-control-ways', () => {
    const ways = new Map<string, StaffWay[]>();
    const add = (id: string, way: StaffWay) => {
      if (way.endpoints.length === 0) return;
      const list = ways.get(id);
      if (list === undefined) ways.set(id, [way]);
      else list.push(way);
    };
    // Both asked of an element once: a back office, and a service only insiders and back offices reach.
    const remember = (test: (e: Element) => boolean) => {
      const known = new Map<string, boolean>();
      return (e: Element): boolean => {
        let answer = known.get(e.id);
        if (answer === undefined) known.set(e.id, answer = test(e));
        return answer;
      };
    };
    const isBackOffice = remember((e) => e.kind === 'process' && (e.type === 'admin-panel' || onlyReachedBy(ctx, e, isPrivilegedPerson)));
    const insidersOnly = remember((e) => onlyReachedBy(ctx, e, (source) => isPrivilegedPerson(source) || isBackOffice(source)));
    // The services a back office calls are found when its first person signs in; later ones join its group.
    const offices = new Map<string, StaffGroup>();
    const joinOffice = (staff: Staff) => {
      const office = staff.signIn.target;
      const group = offices.get(office.id);
      if (group !== undefined) {
        group.staff.push(staff);
        if (!staff.signIn.flow.controls.includes(APPROVAL)) group.unapproved.push(staff);
        return;
      }
      const first = groupOf(staff);
      offices.set(office.id, first);
      for (const g of ctx.graph.outFlows(office.id)) {
        for (const call of officeCalls(ctx, office, g, insidersOnly)) add(call.target.id, { group: first, backOffice: office, call: g, endpoints: call.endpoints });
      }
    };
    for (const person of ctx.graph.model.elements) {
      if (!isOperator(person)) continue;
      for (const f of ctx.graph.outFlows(person.id)) {
        for (const s of signInsOf(ctx, f)) {
          const office = isBackOffice(s.target);
          add(s.target.id, { group: groupOf({ person, signIn: s }), endpoints: signedInEndpoints(s, office) });
          if (office) joinOffice({ person, signIn: s });
        }
      }
    }
    return ways;
  });
}

/** The endpoints of the element staff sign in to that they run: see staffWays. */
function signedInEndpoints(s: SignIn, office: boolean): readonly Endpoint[] {
  if (s.ep !== undefined) {
    if (s.ep.element === s.target.id) return [s.ep];
    const twins = routeTwins(s);
    return twins.length ? twins : [s.ep];
  }
  return s.target.endpoints.filter((e) => usedBy(e, s) && (office || e.callers !== undefined || isAdmin(e)));
}

/**
 * The services a back office's flow reaches (past forwarding elements, as staff sign-ins are found) and their
 * endpoints it may call: the one the flow names (or the route it names, where served), else those whose `callers`
 * name the back office or a forwarding element on the way, else, on a service that only privileged people and back
 * offices reach (`insidersOnly`), every endpoint not kept for other callers.
 */
function officeCalls(
  ctx: AnalysisContext, office: Element, g: Flow, insidersOnly: (e: Element) => boolean,
): { target: Element; endpoints: readonly Endpoint[] }[] {
  const to = ctx.graph.elements.get(g.to);
  if (to === undefined || to.kind !== 'process' || to.id === office.id || to.type === 'cloud-console') return [];
  const ep = endpointOfFlow(ctx, g);
  const reached: readonly Behind[] = isPassThrough(to) && forwards(ctx, to) ? behindEdge(ctx, to) : [{ target: to, via: [] }];
  return reached.map(({ target, via }) => {
    const callers = [office.id, ...via.map((v) => v.id)];
    const mayCall = (e: Endpoint) => e.callers === undefined || e.callers.some((c) => callers.includes(c));
    if (ep !== undefined) return { target, endpoints: ep.element === target.id ? [ep] : target.endpoints.filter((e) => e.route === ep.route && mayCall(e)) };
    const theirs = insidersOnly(target);
    return { target, endpoints: target.endpoints.filter((e) => mayCall(e) && (theirs || e.callers !== undefined)) };
  });
}

/**
 * The data an operation puts at stake: what the element handles and stores and what the operations' endpoints take
 * and return; else all it exchanges (its flows), as a service that declares nothing still moves what it is sent.
 */
function heldData(ctx: AnalysisContext, element: Element, eps: readonly Endpoint[]): Asset[] {
  const ids = new Set([...element.handles, ...element.stores, ...eps.flatMap((ep) => [...ep.accepts, ...ep.returns])]);
  const held = [...ids].map((id) => ctx.graph.assets.get(id)).filter((a): a is Asset => a !== undefined && a.kind === 'data');
  return held.length ? held : ctx.assetsOf(element.id).filter((a) => a.kind === 'data');
}

/** The operations a back office declares endpoints of its own for (each then calls the service that runs it), once per office. */
function officeOperations(ctx: AnalysisContext): (office: Element) => ReadonlySet<string> {
  const known = cached(ctx, 'dual-control-office-ops', () => new Map<string, ReadonlySet<string>>());
  return (office) => {
    let ops = known.get(office.id);
    if (ops === undefined) {
      ops = new Set(office.endpoints.flatMap((e) => highValueOperation(e)?.one ?? []));
      known.set(office.id, ops);
    }
    return ops;
  };
}

/** Whether staff signing in this way are asked for a second factor, or a key a phishing page cannot take. */
const strongSignIn = (ctx: AnalysisContext, s: SignIn): boolean =>
  s.flow.controls.includes('mfa') || signInHasMfa(ctx, s) || UNPHISHABLE.has(signInKey(ctx, s));

/**
 * Whether a second person approves the operation for everyone on this way: on the endpoint (its element, a
 * boundary), the back office's flow or the back office, or on each person's own flow.
 */
const approvedOn = (ctx: AnalysisContext, ep: Endpoint, w: StaffWay): boolean =>
  w.group.unapproved.length === 0 || ctx.endpointHas(ep, APPROVAL) || (w.call?.controls.includes(APPROVAL) ?? false)
  || (w.backOffice !== undefined && ctx.elementHas(w.backOffice, APPROVAL));

/** A group's names, flows and sign-in strength, worked out once however many services the group reaches. */
function groupFacts(ctx: AnalysisContext, group: StaffGroup): GroupFacts {
  if (group.facts === undefined) {
    const names = [...new Set(group.unapproved.map((s) => staffNamed(s.person)))];
    group.facts = {
      names,
      text: namesAtMost(names, TEXT_NAMES, 'other staff'),
      flows: [...new Set(group.unapproved.map((s) => s.signIn.flow.id))],
      weak: group.unapproved.some((s) => !strongSignIn(ctx, s.signIn)),
    };
  }
  return group.facts;
}

/**
 * The ids of the flows of these ways, in the order of before: a way's first person's flow, the back office's
 * call, its other people's. `distinct`: each way's staff flows are, so that one way needs no set.
 */
function wayFlows(list: readonly StaffWay[], staffFlows: (w: StaffWay) => readonly string[], distinct = false): string[] {
  if (distinct && list.length === 1) {
    const own = staffFlows(list[0]);
    const call = list[0].call;
    return call === undefined ? [...own] : [...own.slice(0, 1), call.id, ...own.slice(1)];
  }
  const ids = new Set<string>();
  for (const w of list) {
    const own = staffFlows(w);
    if (own.length > 0) ids.add(own[0]);
    if (w.call !== undefined) ids.add(w.call.id);
    for (const id of own) ids.add(id);
  }
  return [...ids];
}

export const missingDualControl: ElementRule = {
  id: 'missing-dual-control',
  stride: 'E',
  title: 'One person can run irreversible high-value operations',
  description:
    'Staff run operations that move money or power and cannot be taken back (payment reversals, refunds, payouts, transfers, write-offs, card unblocking, limit changes, account closures, role grants, key exports) with no second person approving: one malicious insider, or one stolen staff session, is enough, and the record shows only the one account that did it.',
  condition: 'a process with endpoints whose route, or the verb phrase its description opens with (up to a punctuation mark or a word that starts a clause or an aside, such as to, for, about, once or when; not one that lists, shows, views, fetches, reads, searches, finds, previews or counts), names a payment reversal or chargeback, a refund, a payout or disbursement, a transfer or wire, a write-off, an unblock or unfreeze, a limit or overdraft change (not rate limits), an account closure (close or closure with account), a role, permission, privilege, entitlement or grant (not a check of one), or a key or secret export (export, reveal, unwrap, extract or download with key or secret: also when read with GET); not one whose methods only read (GET, HEAD, OPTIONS), an export, search, health, login, registration, password reset, one-time code, webhook or callback endpoint, one that says it is public, nor a route about the caller\'s own account (`/me/`, `/my/`, `/self/`). Reported when an administrator or support staff member (type `admin` or `support-staff`) runs it: signed in to the process (directly or through forwarding elements, as privileged-user-phishing finds where they sign in), through the endpoint their flow names, else, on a back office (type `admin-panel`, or a process that only privileged people reach, directly or through forwarding elements only they reach), any endpoint they may call (its `callers`), else an endpoint whose `callers` name them or a forwarding element on the way, or an admin endpoint; or through a back office they sign in to that calls the process: the endpoint its flow names, else endpoints whose `callers` name the back office, else, when only privileged people and back offices reach the process, any endpoint not kept for other callers. Without `human-approval` on the endpoint (its element or boundary), on a flow of the way or on the back office. One finding per process, naming the operations',
  mitigation: 'Make these operations maker-checker: one person requests, a second approves in the tool before it runs (never the same account, and never one who can approve their own request); where volume makes approving every case impractical, require approval above amount limits; log requester and approver in a tamper-evident audit trail and review it.',
  action: { text: 'Require a second approver (maker-checker) for {targets}' },
  mitigatedBy: [APPROVAL],
  references: ['CWE-654', 'CWE-284', 'CAPEC-122'],
  rating: 'Likelihood Low (needs a malicious insider or a stolen staff session), Medium when staff sign in on that way without MFA (a phished password is enough); impact from the integrity of the data the process handles (and its confidentiality for key or secret exports), High when it names none.',
  example: 'elements:\n  agent: { type: support-staff }\n  backoffice:\n    type: admin-panel\n    endpoints:\n      POST /payments/{id}/refund: { auth: oidc }\nflows:\n  - agent -> backoffice: https',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const ways = staffWays(ctx).get(element.id);
    if (ways === undefined) return undefined;
    const runsItself = officeOperations(ctx);
    // Each operation once, in the order the element lists its endpoints, with the ways that reach it.
    const opOf = new Map<Endpoint, { one: string; many: string } | null>();
    const ops = new Map<Endpoint, { op: { one: string; many: string }; ways: Set<StaffWay> }>();
    for (const w of ways) {
      for (const ep of w.endpoints) {
        let op = opOf.get(ep);
        if (op === undefined) opOf.set(ep, op = highValueOperation(ep) ?? null);
        // A back office whose own route runs the same operation is where staff run it: that finding names it.
        if (op === null || (w.backOffice !== undefined && runsItself(w.backOffice).has(op.one))) continue;
        const known = ops.get(ep);
        if (known === undefined) ops.set(ep, { op, ways: new Set([w]) });
        else known.ways.add(w);
      }
    }
    if (ops.size === 0) return undefined;
    const position = new Map(element.endpoints.map((ep, i) => [ep, i]));
    const order = (ep: Endpoint) => position.get(ep) ?? element.endpoints.length;
    const all = [...ops].sort(([a], [b]) => order(a) - order(b) || a.id.localeCompare(b.id));
    const open = all.map(([ep, o]) => ({ ep, op: o.op, ways: [...o.ways].filter((w) => !approvedOn(ctx, ep, w)) })).filter((o) => o.ways.length > 0);
    if (open.length === 0) {
      const everyone = [...new Set(all.flatMap(([, o]) => [...o.ways]))];
      return mitigatedBy([APPROVAL], { ...elementComponent(element), flows: wayFlows(everyone, (w) => w.group.staff.map((s) => s.signIn.flow.id)) }, 'a second person approves these operations');
    }
    const openWays = [...new Set(open.flatMap((o) => o.ways))];
    const facts = openWays.map((w) => groupFacts(ctx, w.group));
    const offices = [...new Set(openWays.flatMap((w) => (w.backOffice ? [w.backOffice.name] : [])))];
    const routes = open.map((o) => o.ep.key);
    const kinds = [...new Set(open.map((o) => o.op.many))];
    const first = open[0];
    const way = first.ways[0];
    const who = way.group.unapproved[0];
    const weak = facts.some((f) => f.weak);
    const data = heldData(ctx, element, open.map((o) => o.ep));
    const fallback = rated('High', 'money or rights moved for good by one person');
    const integrity = assetImpact(data, 'integrity', fallback);
    const confidentiality = kinds.includes('key and secret exports') ? assetImpact(data, 'confidentiality', fallback) : undefined;
    const peopleText = facts.length === 1 ? facts[0].text : namesAtMost(facts.flatMap((f) => f.names), TEXT_NAMES, 'other staff');
    return threat({
      ...elementComponent(element),
      flows: wayFlows(openWays, (w) => groupFacts(ctx, w.group).flows, true),
      title: `No second approver for ${namesAtMost(routes, TITLE_NAMES, 'other operations')} on ${element.name}`,
      description: `${peopleText} can run ${kinds.join(', ')} on ${element.name}${offices.length ? ` through ${namesAtMost(offices, TEXT_NAMES, 'other back offices')}` : ''} (${namesAtMost(routes, TEXT_NAMES, 'other operations')}) with no second person approving; what is done cannot be taken back, so one malicious insider or one stolen staff session is enough.`,
      likelihood: weak
        ? rated('Medium', 'staff sign in without MFA on the way: a phished password runs it')
        : rated('Low', 'needs a malicious insider or a stolen staff session'),
      impact: confidentiality !== undefined && ratingRank(confidentiality.level) >= ratingRank(integrity.level) ? confidentiality : integrity,
      evidence: [
        evidence(`${first.ep.key} is ${withArticle(first.op.one)}`, first.ep.at),
        way.backOffice && way.call
          ? evidence(`${says(who.person.name, 'signs')} in to ${way.backOffice.name}, which calls ${element.name}`, way.call.at)
          : evidence(`${says(who.person.name, 'signs')} in to ${element.name}${who.signIn.via.length ? ` through ${namesAtMost(who.signIn.via.map((v) => v.name), TEXT_NAMES, 'other proxies')}` : ''}`, who.signIn.flow.at),
        missingControlEvidence([APPROVAL], element, first.ep),
      ],
      target: `${namesAtMost(routes, TITLE_NAMES, 'other operations')} on ${element.name}`,
    });
  },
};
