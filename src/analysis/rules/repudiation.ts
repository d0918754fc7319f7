// Repudiation: can someone deny an action because nothing recorded who did it?
import type { Element, Endpoint, Flow } from '../../model/types.js';
import { type AnalysisContext, isPassThrough } from '../context.js';
import { rated } from '../risk.js';
import { assetNames, callAuth, callAuthMethod, endpointOfFlow, highIntegrity, isData, isPerson, moneyOrHighIntegrity, webhookAssets } from './facts.js';
import { openFlowsInto } from './family-shared.js';
import { says } from './grammar.js';
import { endpointOfUnnamedCall } from './integrity.js';
import {
  evidence, flowIds, flowLabel, isExposed, mitigatedBy, namesAtMost, presentControls, pushTo, runsAppCode, TEXT_NAMES, threat,
  TITLE_NAMES, unlessControlled,
} from './helpers.js';
import { flowEvidence } from './service-identity.js';
import { type ServedEndpoint, servedEndpoints } from './authorization.js';
import { forwardEvidence, routeLabel } from './served.js';
import type { ElementRule, EvidenceRef, FlowRule, ModelRule, Outcome } from './types.js';

const AUDIT_CONTROLS = ['audit-logging'] as const;
const SENSITIVE_ENDPOINTS = new Set(['admin', 'webhook', 'login', 'otp', 'password-reset', 'upload']);
const isSensitive = (ep: Endpoint) => SENSITIVE_ENDPOINTS.has(ep.kind);
const isPrivate = (ep: Endpoint) => !ep.public;
const NO_ROUTES: readonly ServedEndpoint[] = Object.freeze([]);

export const noAuditLog: ElementRule = {
  id: 'no-audit-log',
  stride: 'R',
  title: 'Actions are not attributable (no audit log)',
  description:
    'A process that takes state-changing or privileged requests from people or partners without an audit log of who did what: a user or an attacker can deny an action and an incident cannot be reconstructed.',
  condition: 'a process running application code with an endpoint of kind admin, webhook, login, password-reset or upload, or one that authenticates callers (its own `auth`, an endpoint that is not public, or a credential a flow from an external entity carries) and receives flows from external entities while reachable from an untrusted zone, without `audit-logging`. Routes declared on a forwarding element (reverse proxy, load balancer, gateway, CDN) count for the application behind it that serves them, as for `missing-authorization`, and the external entities calling them count as its callers, as do those calling a forwarding element in front of it (through further ones) that forwards their requests to it when the application signs callers in itself (its `auth`, an endpoint that is not public); the forwarding element itself is not judged',
  mitigation: 'Write an audit log of security-relevant actions (who, what, when, from where) to an append-only, tamper-evident store kept apart from the application.',
  action: { text: 'Add audit logging of security-relevant actions to {targets}' },
  mitigatedBy: AUDIT_CONTROLS,
  references: ['CWE-778', 'CAPEC-93', 'OWASP ASVS V7.1', 'OWASP Top 10 A09'],
  rating: 'Likelihood Medium (a user or insider denying an action); impact Medium, High when admin actions (an admin endpoint, an admin panel, requests from an admin) or money (payment or financial data, a webhook moving money or data of high integrity) are involved.',
  example: "elements:\n  ops: { type: admin, tech: browser }\n  api:\n    kind: process\n    endpoints:\n      /admin: { auth: session-cookie }\nflows:\n  - ops -> api: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element)) return undefined;
    // Routes declared on a proxy in front are this application's: the proxy only forwards them.
    const served = servedEndpoints(ctx, element)?.endpoints ?? NO_ROUTES;
    const sensitive = served.length === 0 ? NO_ROUTES : served.filter((s) => isSensitive(s.ep));
    // Requests from anonymous callers cannot be attributed to anyone anyway; signed-in ones can.
    if (sensitive.length === 0) {
      if (!isExposed(ctx.exposure(element.id))) return undefined;
      const external = inboundCalls(ctx, element, served).filter((f) => ctx.graph.elements.get(f.from)?.kind === 'external');
      // Signed in: by the element's own auth, an endpoint's, or a credential an outside caller's flow carries.
      const ownAuth = (element.auth !== undefined && element.auth !== 'none') || served.some((s) => isPrivate(s.ep));
      if (!ownAuth && !external.some((f) => callAuthMethod(ctx.graph, f) !== 'none')) return undefined;
      // A proxy in front that declares none of its routes still forwards outside callers to it: they count when
      // the application signs them in itself; a credential the proxy takes says nothing of which backend acts.
      if (external.length === 0 && !(ownAuth && forwardedCalls(ctx, element).length > 0)) return undefined;
    }
    // Admin actions (an admin endpoint, an admin panel, an administrator's requests), and money: webhooks
    // that move money or data whose integrity matters, or payment and financial data the process handles.
    const privileged =
      element.type === 'admin-panel' ||
      sensitive.some(({ ep }) => ep.kind === 'admin' || (ep.kind === 'webhook' && webhookAssets(ctx, ep, element).some(moneyOrHighIntegrity))) ||
      callsReaching(ctx, element, served).some((f) => ctx.graph.elements.get(f.from)?.type === 'admin') ||
      ctx.assetsOf(element.id).some((a) => isData(a) && (a.type === 'payment' || a.type === 'financial'));
    return unlessControlled(ctx, { element }, AUDIT_CONTROLS, 'actions are audit-logged', (missing) => ({
      title: `No audit trail of actions on ${element.name}`,
      description: `${says(element.name, 'takes')} ${sensitive.length ? namesAtMost(sensitive.map(routeLabel), TEXT_NAMES, 'other routes') : 'requests from external entities'} without an audit log; who did what cannot be proven afterwards.`,
      likelihood: rated('Medium', 'a user or insider can deny an action; an attacker can act unseen'),
      impact: privileged
        ? rated('High', 'administrative or payment actions cannot be attributed')
        : rated('Medium', 'disputed actions and incidents cannot be reconstructed'),
      evidence: [...sensitiveEvidence(ctx, element, sensitive, served), missing],
    }));
  },
};

/**
 * The calls that reach the application's routes: the flows into it, and into each forwarding element in front
 * that declares routes it serves (whoever calls those calls the application).
 */
function inboundCalls(ctx: AnalysisContext, element: Element, served: readonly ServedEndpoint[]): Flow[] {
  const targets = new Set([element.id]);
  for (const s of served) if (s.via) targets.add(s.via.id);
  return [...targets].flatMap((id) => ctx.graph.inFlows(id));
}

/** An external entity's call into a forwarding element in front of the application, and the flow that hands it on. */
interface ForwardedCall {
  call: Flow;
  hop: Flow;
}

/**
 * The external entities' calls into the forwarding elements in front of the application, through further ones
 * (a CDN before a reverse proxy): the proxy only forwards them, so whoever makes them calls the application.
 */
function forwardedCalls(ctx: AnalysisContext, element: Element): ForwardedCall[] {
  const out: ForwardedCall[] = [];
  const seen = new Set<string>([element.id]);
  const queue: Array<{ id: string; hop: Flow }> = [];
  const enqueue = (from: string, hop: Flow) => {
    const e = ctx.graph.elements.get(from);
    if (e !== undefined && !seen.has(e.id) && isPassThrough(e)) {
      seen.add(e.id);
      queue.push({ id: e.id, hop });
    }
  };
  for (const f of ctx.graph.inFlows(element.id)) enqueue(f.from, f);
  for (let head = 0; head < queue.length; head++) {
    const { id, hop } = queue[head];
    for (const f of ctx.graph.inFlows(id)) {
      if (ctx.graph.elements.get(f.from)?.kind === 'external') out.push({ call: f, hop });
      else enqueue(f.from, hop);
    }
  }
  return out;
}

/** Every call that reaches the application: into it, into a proxy declaring its routes, or forwarded to it. */
function callsReaching(ctx: AnalysisContext, element: Element, served: readonly ServedEndpoint[]): Flow[] {
  const calls = inboundCalls(ctx, element, served);
  const seen = new Set(calls);
  for (const { call } of forwardedCalls(ctx, element)) {
    if (seen.has(call)) continue;
    seen.add(call);
    calls.push(call);
  }
  return calls;
}

/**
 * Where the external entities' requests come in: into the application itself, else the first of them into a
 * forwarding element whose routes it serves, with the flow that forwards them, else into a forwarding element
 * in front of it that forwards them.
 */
function callerEvidence(ctx: AnalysisContext, element: Element, served: readonly ServedEndpoint[]): EvidenceRef[] {
  const isExternal = (f: Flow) => ctx.graph.elements.get(f.from)?.kind === 'external';
  const receives = [evidence(`${says(element.name, 'receives')} requests from external entities`, element.at)];
  if (ctx.graph.inFlows(element.id).some(isExternal)) return receives;
  const routed = served.find((s) => s.via !== undefined && ctx.graph.inFlows(s.via.id).some(isExternal));
  if (routed !== undefined) {
    const call = ctx.graph.inFlows(routed.via!.id).find(isExternal)!;
    return [evidence(`${flowLabel(call, ctx)} calls routes on ${routed.via!.name} that ${element.name} serves`, call.at), ...forwardEvidence(ctx, element, [routed])];
  }
  const through = forwardedCalls(ctx, element)[0];
  return through === undefined ? receives : [
    evidence(`${flowLabel(through.call, ctx)} calls ${ctx.graph.elements.get(through.call.to)?.name ?? through.call.to}, which forwards to ${element.name}`, through.call.at),
    evidence(`${flowLabel(through.hop, ctx)} forwards requests`, through.hop.at),
  ];
}

/**
 * What no-audit-log's finding rests on: the sensitive routes the application declares, those declared on each
 * forwarding element in front of it with the flow that forwards them, or its requests from external entities.
 */
function sensitiveEvidence(ctx: AnalysisContext, element: Element, sensitive: readonly ServedEndpoint[], served: readonly ServedEndpoint[]): EvidenceRef[] {
  if (sensitive.length === 0) return callerEvidence(ctx, element, served);
  const own = sensitive.filter((s) => s.via === undefined);
  const out = own.length ? [evidence(`${says(element.name, 'exposes')} ${namesAtMost(own.map((s) => s.ep.key), TEXT_NAMES, 'other routes')}`, own[0].ep.at)] : [];
  const byVia = new Map<string, ServedEndpoint[]>();
  for (const s of sensitive) if (s.via) pushTo(byVia, s.via.id, s);
  for (const routes of byVia.values()) {
    const keys = routes.map((s) => s.ep.key);
    out.push(evidence(`${namesAtMost(keys, TEXT_NAMES, 'other routes')} on ${routes[0].via!.name} ${keys.length > 1 ? 'are' : 'is'} served by ${element.name}`, routes[0].ep.at));
  }
  return [...out, ...forwardEvidence(ctx, element, sensitive)];
}

const TAMPER_CONTROLS = ['tamper-evident-logs'] as const;

export const mutableLogs: ElementRule = {
  id: 'mutable-logs',
  stride: 'R',
  title: 'Logs can be altered or deleted',
  description:
    'A log store written by the system\'s own components is not append-only or signed: an attacker (or insider) with the writers\' access erases the traces of what they did.',
  condition: 'a store of type `logs` with at least one flow in from a process, without `tamper-evident-logs`; mitigated when every process that writes to it also writes the same trail (the data its flow carries, else what the store keeps) to a store with `tamper-evident-logs`, or the store forwards it to one',
  mitigation: 'Ship logs to an append-only store in a separate account (object lock, WORM), sign or hash-chain entries, and alert on gaps.',
  action: { text: 'Make {targets} append-only and tamper-evident' },
  mitigatedBy: TAMPER_CONTROLS,
  references: ['CWE-117', 'CWE-778', 'CAPEC-268', 'OWASP ASVS V7.3'],
  rating: 'Likelihood Low (needs the writers\' access first); impact High when a writer keeps an audit log (the audit trail itself), Medium otherwise.',
  example: 'elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  logs: { type: logs }\nflows:\n  - visitor -> api: https\n  - api -> logs: https',
  appliesTo: 'element',
  kinds: ['store'],
  types: ['logs'],
  check(element, ctx) {
    if (element.type !== 'logs') return undefined;
    const writes = ctx.graph.inFlows(element.id).filter((f) => ctx.graph.elements.get(f.from)?.kind === 'process');
    if (writes.length === 0) return undefined;
    const writers = writes.map((f) => ctx.graph.elements.get(f.from));
    const audit = writers.some((w) => ctx.elementHas(w!, 'audit-logging'));
    if (!TAMPER_CONTROLS.some((c) => ctx.elementHas(element, c))) {
      const copy = tamperEvidentCopy(ctx, element, writes);
      if (copy !== undefined) {
        const names = namesAtMost([...new Set(copy.map((f) => ctx.graph.elements.get(f.to)!.name))], TEXT_NAMES, 'other stores');
        return mitigatedBy([...TAMPER_CONTROLS], { component: element.id, componentKind: 'element', flows: flowIds(copy) },
          `what is written to ${element.name} is also kept, tamper-evident, in ${names} (${namesAtMost(copy.map((f) => f.id), TEXT_NAMES, 'other flows')})`);
      }
    }
    return unlessControlled(ctx, { element }, TAMPER_CONTROLS, 'log entries cannot be altered unnoticed', (missing) => ({
      title: `${element.name} can be altered or deleted`,
      description: `${says(element.name, 'is')} not append-only or signed; whoever gains a writer's access can erase the record of what they did.`,
      likelihood: rated('Low', 'needs the writers\' access first: insider or prior compromise'),
      impact: audit ? rated('High', 'the audit trail itself can be rewritten') : rated('Medium', 'incidents cannot be reconstructed'),
      evidence: [evidence(`${says(element.name, 'is')} a log store`, element.at), missing],
    }));
  },
};

/**
 * The flows that put what a log store keeps into a tamper-evident store as well (one that declares
 * `tamper-evident-logs`), when every write into it has such a copy: the process that writes it writes the same
 * trail there too, or the store forwards it there. What a write carries is its flow's data, else what the
 * store keeps; a write that says neither has no copy anyone can tell is the same. Erasing the mutable store
 * then leaves the record intact where it cannot be altered unnoticed: CloudWatch beside an object-locked
 * archive. Undefined when some write has no such copy.
 */
function tamperEvidentCopy(ctx: AnalysisContext, store: Element, writes: readonly Flow[]): Flow[] | undefined {
  const copies: Flow[] = [];
  const carries = (f: Flow, asset: string): boolean => {
    const target = ctx.graph.elements.get(f.to);
    if (target === undefined || target.id === store.id || !TAMPER_CONTROLS.some((c) => ctx.elementHas(target, c))) return false;
    return f.data.length > 0 ? f.data.includes(asset) : target.stores.includes(asset);
  };
  const forwarded = ctx.graph.outFlows(store.id);
  for (const write of writes) {
    const trail = write.data.length > 0 ? write.data : store.stores;
    if (trail.length === 0) return undefined;
    const own = ctx.graph.outFlows(write.from);
    for (const asset of trail) {
      const copy = own.find((f) => carries(f, asset)) ?? forwarded.find((f) => carries(f, asset));
      if (copy === undefined) return undefined;
      if (!copies.includes(copy)) copies.push(copy);
    }
  }
  return copies;
}

export const sharedAccount: ModelRule = {
  id: 'shared-account',
  stride: 'R',
  title: 'People share one account',
  description:
    'Several people (or roles) log in with the same named credential: nothing the account does can be attributed to a person, and leavers keep access until it is rotated.',
  condition: 'one `credential` named on flows from two or more external elements that are people (user, admin, support-staff, developer); a credential used by one person only is reported as mitigated',
  mitigation: 'Give every person their own account (through single sign-on), and keep break-glass accounts sealed, logged and rotated after use.',
  action: { text: 'Give every person their own account instead of {targets}' },
  mitigatedBy: ['personal accounts'],
  references: ['CWE-1391', 'CWE-778', 'CAPEC-560'],
  rating: 'Likelihood Medium (any of the holders, or a leaver); impact Medium (actions cannot be attributed), High for admin accounts.',
  example: "elements:\n  alice: { type: admin }\n  bob: { type: admin }\n  console: { type: service }\nflows:\n  - alice -> console: { protocol: https, credential: ops-root }\n  - bob -> console: { protocol: https, credential: ops-root }",
  appliesTo: 'model',
  check(ctx) {
    const byCredential = new Map<string, Flow[]>();
    const all = ctx.graph.model.flows;
    for (let k = 0; k < all.length; k++) {
      const f = all[k];
      if (f.credential && isPerson(ctx.graph.elements.get(f.from))) pushTo(byCredential, f.credential, f);
    }
    const out: Outcome[] = [];
    // Shared accounts by the element their finding sits on: findings on one element merge into one, so
    // each element gets one finding naming all of its shared accounts.
    const sharedAt = new Map<string, { credential: string; flows: Flow[]; people: string[] }[]>();
    for (const [credential, flows] of [...byCredential].sort(([a], [b]) => a.localeCompare(b, 'en'))) {
      const people = [...new Set(flows.map((f) => f.from))].sort();
      const target = flows[0].to;
      if (people.length < 2) {
        const where = { component: target, componentKind: 'element' as const, flows: flows.map((f) => f.id) };
        out.push(mitigatedBy(['personal accounts'], where, `credential ${credential} belongs to one person`));
        continue;
      }
      pushTo(sharedAt, target, { credential, flows, people });
    }
    const nameOf = (id: string) => ctx.graph.elements.get(id)?.name ?? id;
    for (const [target, accounts] of sharedAt) {
      const flows = accounts.flatMap((a) => a.flows);
      const credentials = accounts.map((a) => a.credential).join(', ');
      const people = new Set(accounts.flatMap((a) => a.people));
      const admin = [...people].some((p) => ctx.graph.elements.get(p)?.type === 'admin');
      const uses = accounts.map((a) => `${namesAtMost(a.people.map(nameOf), TEXT_NAMES, 'other people')} ${a.people.length === 2 ? 'both' : 'all'} use ${a.credential}`).join('; ');
      out.push(threat({
        component: target,
        componentKind: 'element',
        flows: flows.map((f) => f.id),
        title: accounts.length === 1 ? `Account ${credentials} shared by ${people.size} people` : `Accounts ${credentials} shared by ${people.size} people`,
        description: `${uses}; what ${accounts.length === 1 ? 'it does' : 'each does'} cannot be tied to a person.`,
        likelihood: rated('Medium', 'any holder or former holder can act unseen'),
        impact: admin ? rated('High', 'administrative actions cannot be attributed') : rated('Medium', 'actions cannot be attributed'),
        evidence: flowEvidence(ctx, flows, (f) => `uses credential ${f.credential}`),
        target: credentials,
      }));
    }
    return out;
  },
};

const PARTNER_SIGNING = ['request-signing', 'signature-verification'] as const;
const WEBHOOK: readonly Endpoint['kind'][] = ['webhook'];
const SHARED_SECRET_AUTH: ReadonlySet<string> = new Set(['api-key', 'basic', 'password']);

/**
 * A partner's request that changes integrity-critical data with a shared secret, and the signing controls
 * in place for it (on the flow, the process or the endpoint it names, or declared by the partner itself).
 * A request to a webhook, named or where a flow naming none lands, is a webhook event: the webhook rules'.
 */
function partnerRequest(ctx: AnalysisContext, flow: Flow): { present: string[] } | undefined {
  // The secret may be the one the target asks every caller for (its `auth`, or the endpoint's), not restated on the flow.
  if (!SHARED_SECRET_AUTH.has(callAuthMethod(ctx.graph, flow))) return undefined;
  const src = ctx.graph.elements.get(flow.from);
  const target = ctx.graph.elements.get(flow.to);
  if (src?.type !== 'third-party' || target?.kind !== 'process') return undefined;
  const ep = endpointOfFlow(ctx, flow);
  if (ep?.kind === 'webhook' || endpointOfUnnamedCall(ctx, flow, WEBHOOK) !== undefined) return undefined;
  if (highIntegrity(ctx.assetsOfFlow(flow)).length === 0) return undefined;
  // A partner that signs what it sends declares so itself.
  const signs = ctx.elementHas(src, 'request-signing') ? ['request-signing'] : [];
  return { present: [...new Set([...presentControls(ctx, PARTNER_SIGNING, target, ep), ...PARTNER_SIGNING.filter((c) => flow.controls.includes(c)), ...signs])] };
}

export const unsignedPartnerRequests: FlowRule = {
  id: 'unsigned-partner-requests',
  stride: 'R',
  title: 'Partner requests cannot be proven',
  description:
    'A third party sends requests that change integrity-critical data, authenticated only by a shared secret (API key, password): if a request is disputed, neither side can prove who sent it, and a leaked key is indistinguishable from the partner.',
  condition: 'a flow from an external element of type `third-party` into a process, authenticated (by the flow, else the endpoint it names, else the process) with `api-key`, `basic` or `password`, carrying assets of high integrity, not aimed at a webhook endpoint (named by the flow, or an exposed one the partner may call when the flow names none: `unsigned-webhook` or `webhook-replay` judge those requests), without `request-signing` or `signature-verification` on the flow, the process or the endpoint the flow names, and without `request-signing` on the partner; one finding per target, naming every partner',
  mitigation: 'Have the partner sign requests with its own private key (or use mutual TLS), verify and keep the signatures with the records.',
  action: { text: 'Require signed requests from partners into {targets}' },
  mitigatedBy: PARTNER_SIGNING,
  references: ['CWE-345', 'CWE-778', 'CAPEC-268'],
  rating: 'Likelihood Low (a dispute or a leaked key); impact Medium (disputed changes to integrity-critical data).',
  example: "assets:\n  orders: { integrity: high }\nelements:\n  supplier: { type: third-party }\n  api: { type: api }\nflows:\n  - supplier -> api: { protocol: https, auth: api-key, data: [orders] }",
  appliesTo: 'flow',
  gate: { auth: [...SHARED_SECRET_AUTH], from: { types: ['third-party'] }, to: { kinds: ['process'] } },
  check(flow, ctx) {
    const request = partnerRequest(ctx, flow);
    if (request === undefined) return undefined;
    const target = ctx.graph.elements.get(flow.to)!;
    if (request.present.length) {
      return mitigatedBy(request.present, { component: target.id, componentKind: 'element', flows: [flow.id] }, 'partner requests are signed');
    }
    const open = openFlowsInto(ctx, 'unsigned-partner-requests', target.id, (f) => partnerRequest(ctx, f)?.present.length === 0);
    if (open[0].id !== flow.id) return undefined;
    const critical = [...new Set(open.flatMap((f) => highIntegrity(ctx.assetsOfFlow(f))))];
    const partners = [...new Set(open.map((f) => ctx.graph.elements.get(f.from)!.name))].sort();
    const auths = [...new Set(open.map((f) => callAuthMethod(ctx.graph, f)))].sort();
    const labels = [...new Set(open.map((f) => flowLabel(f, ctx)))].sort();
    return threat({
      component: target.id,
      componentKind: 'element',
      flows: open.map((f) => f.id),
      title: `Requests from ${namesAtMost(partners, TITLE_NAMES, 'other partners')} to ${target.name} cannot be proven`,
      description: `${namesAtMost(labels, TEXT_NAMES, 'other flows')} ${labels.length === 1 ? 'changes' : 'change'} ${assetNames(critical)} with only ${open.length === 1 ? `a shared ${auths[0]}` : `shared secrets (${auths.join(', ')})`}; a disputed or forged request cannot be attributed.`,
      likelihood: rated('Low', 'needs a dispute or a leaked key'),
      impact: rated('Medium', `disputed changes to ${assetNames(critical)}`),
      evidence: open.map((f) => {
        const auth = callAuth(ctx, f);
        return evidence(`${flowLabel(f, ctx)} uses auth ${auth.method} and carries ${assetNames(highIntegrity(ctx.assetsOfFlow(f)))}`, auth.at);
      }),
      target: target.name,
    });
  },
};
