// The human surface: people with privileged access are phished, talked into things, or misuse what they
// can reach. Each rule needs a person in the model (an external element of a people type) and a flow.
import type { Element, Endpoint, Flow } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { assetImpact, rated } from '../risk.js';
import { mfaOnEveryFlow } from './authorization.js';
import { assetNames, callAuthMethod, endpointOfFlow, isPerson, isPrivilegedPerson, sensitive } from './facts.js';
import { isGroupName, possessive, says, verbFor } from './grammar.js';
import {
  elementComponent, evidence, flowLabel, inUntrustedZone, missingControlEvidence, mitigatedBy, namesAtMost, TEXT_NAMES,
  threat, TITLE_NAMES,
} from './helpers.js';
import type { ElementRule } from './types.js';

const isAdmin = (ep: Endpoint) => ep.kind === 'admin';
/** Keys that never leave the person's device, so a phishing page cannot capture them, by how a finding names them. */
const UNPHISHABLE: ReadonlyMap<string, string> = new Map([['mtls', 'a client certificate'], ['ssh-key', 'an SSH key']]);

/** The endpoints staff sign in to that are this rule's: admin endpoints are the admin rules', and public ones take no sign-in. */
const staffSignIns = (target: Element) => target.endpoints.filter((e) => !isAdmin(e) && !e.public);

/** MFA where the person signs in: the endpoint the flow names, else every endpoint of the target they sign in to, else the target. */
function signInHasMfa(ctx: AnalysisContext, f: Flow): boolean {
  const ep = endpointOfFlow(ctx, f);
  if (ep) return ctx.endpointHas(ep, 'mfa');
  const target = ctx.graph.elements.get(f.to)!;
  return target.endpoints.length ? staffSignIns(target).every((e) => ctx.endpointHas(e, 'mfa')) : ctx.elementHas(target, 'mfa');
}

/**
 * What a phished credential opens through the flow: its target, or the target's sign-ins without MFA when the
 * flow names no endpoint and also reaches admin endpoints without MFA (which the admin rules report).
 */
function phishedAccess(ctx: AnalysisContext, f: Flow): string {
  const target = ctx.graph.elements.get(f.to)!;
  const adminOpen = target.endpoints.some((e) => isAdmin(e) && !ctx.endpointHas(e, 'mfa') && !mfaOnEveryFlow(e, target, ctx));
  if (f.endpoint !== undefined || !adminOpen) return target.name;
  return `${staffSignIns(target).filter((e) => !ctx.endpointHas(e, 'mfa')).map((e) => e.key).join(', ')} on ${target.name}`;
}

/** Whose credentials: a singular name stays attributive ("Operator credentials"), a plural one owns them ("Operators' credentials"). */
const owner = (name: string): string => (isGroupName(name) ? possessive(name) : name);

export const privilegedUserPhishing: ElementRule = {
  id: 'privileged-user-phishing',
  stride: 'S',
  title: 'Privileged staff can be phished',
  description:
    'Administrators, developers and support staff reach internal systems with no second factor: phishing one of them (the most targeted people in any organisation) gives an attacker their access.',
  condition: 'an external element of type admin, developer or support-staff with flows into our processes (other than flows to admin endpoints, named by the flow or the only endpoints of its target that take a sign-in, which `exposed-admin-interface` and `admin-without-mfa` cover, and flows to public endpoints, which take no credential; a flow naming no endpoint to a target that also has admin endpoints without MFA concerns only its other endpoints), where the call (the flow, else the endpoint it names, else its target) does not authenticate with `mtls` or `ssh-key` and has no `mfa` on the flow nor where the person signs in (the endpoint the flow names, else every non-admin, non-public endpoint of the target, else the target or its boundary)',
  mitigation: 'Require phishing-resistant MFA (FIDO2/WebAuthn) for staff on every system, train them, and alert on unusual sign-ins.',
  action: { key: 'admin-mfa', text: 'Require MFA for administrators on {targets}' },
  mitigatedBy: ['mfa', 'mtls'],
  references: ['CWE-308', 'CAPEC-98', 'CAPEC-163', 'OWASP Top 10 A07'],
  rating: 'Likelihood Medium (targeted phishing needs some skill); impact High for admins and developers, Medium for support staff (customer data).',
  example: 'elements:\n  ops: { type: admin }\n  tools: { type: service }\nflows:\n  - ops -> tools: https',
  appliesTo: 'element',
  kinds: ['external'],
  check(person, ctx) {
    if (!isPrivilegedPerson(person)) return undefined;
    const access = ctx.graph.outFlows(person.id).filter((f) => {
      const target = ctx.graph.elements.get(f.to);
      if (!target || target.kind !== 'process' || target.type === 'cloud-console') return false;
      const ep = endpointOfFlow(ctx, f);
      // A flow naming no endpoint reaches all of its target's: when none but admin ones takes a sign-in, the admin rules own it.
      return ep ? !isAdmin(ep) && !ep.public : target.endpoints.length === 0 || staffSignIns(target).length > 0;
    });
    if (access.length === 0) return undefined;
    const hasMfa = (f: Flow) => f.controls.includes('mfa') || signInHasMfa(ctx, f);
    // The key the person signs in with may be the target's (`auth: mtls` on an internal tool), not restated on the flow.
    const key = (f: Flow) => callAuthMethod(ctx.graph, f);
    const unprotected = access.filter((f) => !hasMfa(f) && !UNPHISHABLE.has(key(f)));
    const where = { ...elementComponent(person), flows: access.map((f) => f.id) };
    if (unprotected.length === 0) {
      const mfa = access.some(hasMfa);
      const keys = [...new Set(access.filter((f) => !hasMfa(f)).map(key))].sort();
      const ways = [...(mfa ? ['MFA'] : []), ...keys.map((k) => UNPHISHABLE.get(k)!)];
      return mitigatedBy([...(mfa ? ['mfa'] : []), ...keys], where, `staff sign in with ${ways.join(' or ')}`);
    }
    const targets = [...new Set(unprotected.map((f) => phishedAccess(ctx, f)))].sort();
    return threat({
      ...elementComponent(person),
      flows: unprotected.map((f) => f.id),
      title: `Phished ${owner(person.name)} credentials open ${namesAtMost(targets, TITLE_NAMES, 'other systems')}`,
      description: `${person.name} (${person.type}) ${verbFor(person.name, 'reaches')} ${namesAtMost(targets, TEXT_NAMES, 'other systems')} with no second factor; one phishing email is enough to take over that access.`,
      likelihood: rated('Medium', 'targeted phishing: some skill'),
      impact: person.type === 'support-staff'
        ? rated('Medium', 'the customer data support staff can see')
        : rated('High', `${person.type} access: full compromise`),
      evidence: [evidence(`${flowLabel(unprotected[0], ctx)} has no MFA`, unprotected[0].at)],
      target: namesAtMost(targets, TITLE_NAMES, 'other systems'),
    });
  },
};

export const supportSocialEngineering: ElementRule = {
  id: 'support-social-engineering',
  stride: 'S',
  title: 'Account takeover through the support desk',
  description:
    'Support staff can act on customer accounts: an attacker who calls or writes pretending to be the customer gets the email changed, MFA reset or data read out.',
  condition: 'an external element of type `support-staff` with flows into a process that handles personal or other sensitive data, without `identity-verification` on the target or the flow',
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
    const access = ctx.graph.outFlows(person.id).filter((f) => {
      const target = ctx.graph.elements.get(f.to);
      return target?.kind === 'process' && sensitive(ctx.assetsOf(target.id)).length > 0;
    });
    if (access.length === 0) return undefined;
    const unverified = access.filter((f) => !f.controls.includes('identity-verification') && !ctx.elementHas(ctx.graph.elements.get(f.to)!, 'identity-verification'));
    const where = { ...elementComponent(person), flows: access.map((f) => f.id) };
    if (unverified.length === 0) return mitigatedBy(['identity-verification'], where, 'callers are verified before account changes');
    const data = sensitive(unverified.flatMap((f) => ctx.assetsOf(f.to)));
    return threat({
      ...elementComponent(person),
      flows: unverified.map((f) => f.id),
      title: `Social engineering of ${person.name} to take over accounts`,
      description: `${person.name} can change accounts and read ${assetNames(data)}; a convincing caller can have them act on someone else's account.`,
      likelihood: rated('Medium', 'pretexting needs preparation, not technical skill'),
      impact: rated('Medium', 'one customer\'s account and data'),
      evidence: [evidence(`${flowLabel(unverified[0], ctx)} gives support access`, unverified[0].at), missingControlEvidence(['identity-verification'], ctx.graph.elements.get(unverified[0].to)!)],
      target: person.name,
    });
  },
};

const INSIDER_CONTROLS = ['audit-logging', 'least-privilege', 'data-masking'] as const;

/** Staff, or any person outside an untrusted zone: a customer is no insider (a store they reach from the internet is exposed-data-store's). */
const isInsider = (person: Element, ctx: AnalysisContext): boolean =>
  isPrivilegedPerson(person) || (isPerson(person) && !inUntrustedZone(ctx, person.id));

export const insiderDataAccess: ElementRule = {
  id: 'insider-data-access',
  stride: 'I',
  title: 'Insiders can read sensitive data directly',
  description:
    'People connect straight to a data store holding sensitive data, bypassing the application\'s checks: a malicious or compromised insider copies it in bulk and nothing records it.',
  condition: 'an insider (a person of type admin, developer or support-staff, or any person outside an untrusted zone; a `user` in one is a customer, whose direct connection is `exposed-data-store`\'s) with a flow directly into a store holding sensitive assets, where neither the store (or its boundary) nor the flow has any of `audit-logging`, `least-privilege`, `data-masking`',
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
    const direct = ctx.graph.outFlows(person.id).filter((f) => {
      const store = ctx.graph.elements.get(f.to);
      return store?.kind === 'store' && sensitive(ctx.assetsOf(store.id)).length > 0;
    });
    if (direct.length === 0) return undefined;
    // A control on the person's own connection (a logging proxy, a masked view) guards it as well as one on the store.
    const guards = (f: Flow, c: string) => f.controls.includes(c) || ctx.elementHas(ctx.graph.elements.get(f.to)!, c);
    const unguarded = direct.filter((f) => INSIDER_CONTROLS.every((c) => !guards(f, c)));
    const where = { ...elementComponent(person), flows: direct.map((f) => f.id) };
    if (unguarded.length === 0) return mitigatedBy(INSIDER_CONTROLS.filter((c) => direct.some((f) => guards(f, c))), where, 'direct access is limited and recorded');
    const data = sensitive(unguarded.flatMap((f) => ctx.assetsOf(f.to)));
    const stores = [...new Set(unguarded.map((f) => ctx.graph.elements.get(f.to)!.name))].sort();
    return threat({
      ...elementComponent(person),
      flows: unguarded.map((f) => f.id),
      title: `${person.name} can copy ${assetNames(data)} from ${stores.join(', ')}`,
      description: `${says(person.name, 'connects')} directly to ${stores.join(', ')}, bypassing the application; nothing limits or records what they read.`,
      likelihood: rated('Low', 'needs a malicious insider or a compromised staff account'),
      impact: assetImpact(data, 'confidentiality', rated('Medium', 'the data in the store')),
      evidence: [evidence(`${flowLabel(unguarded[0], ctx)} bypasses the application`, unguarded[0].at), missingControlEvidence(INSIDER_CONTROLS, ctx.graph.elements.get(unguarded[0].to)!)],
      target: stores.join(', '),
    });
  },
};
