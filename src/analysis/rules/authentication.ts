// Spoofing: can an attacker pass for someone else?
import { rated } from '../risk.js';
import {
  elementComponent, endpointComponent, endpointExposure, endpointLikelihood, endpointTarget, evidence, isExposed,
  missingControlEvidence, mitigatedBy, presentControls, threat,
} from './helpers.js';
import type { ElementRule, EndpointRule } from './types.js';

const SESSION_CONTROLS = ['secure-cookies', 'session-management'] as const;

export const sessionHijacking: ElementRule = {
  id: 'session-hijacking',
  stride: 'S',
  title: 'Session hijacking',
  description:
    'A process that authenticates callers with session cookies and is reachable from an untrusted zone: a stolen or fixed session id lets an attacker act as the user.',
  mitigation: 'Set cookies HttpOnly, Secure and SameSite; rotate the session id at login; expire and revoke sessions server-side.',
  action: { text: 'Harden session management (HttpOnly/Secure/SameSite cookies, rotation at login, expiry) on {targets}' },
  mitigatedBy: SESSION_CONTROLS,
  references: ['CWE-384', 'CWE-614', 'CAPEC-593', 'OWASP ASVS V3'],
  rating: 'Likelihood Medium (needs XSS, a network position or a fixation bug); impact Medium (one user\'s account), High when the sessions reach restricted data.',
  example: 'api: { kind: process, auth: session-cookie }\nflows: [ { browser -> api: https } ]',
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const sessionEndpoints = element.endpoints.filter((ep) => ep.auth === 'session-cookie');
    if (element.auth !== 'session-cookie' && sessionEndpoints.length === 0) return undefined;
    if (!isExposed(ctx.exposure(element.id))) return undefined;
    const present = presentControls(ctx, SESSION_CONTROLS, element);
    if (present.length === SESSION_CONTROLS.length) {
      return mitigatedBy(present, elementComponent(element), 'session cookies are hardened and sessions rotated');
    }
    const missing = SESSION_CONTROLS.filter((c) => !present.includes(c));
    // What a hijacked session can read: the restricted data its endpoints return.
    const restricted = element.endpoints.some((ep) => ep.returns.some((a) => ctx.graph.assets.get(a)?.classification === 'restricted'));
    return threat({
      ...elementComponent(element),
      title: `Session hijacking on ${element.name}`,
      description: `${element.name} identifies users by a session cookie and is reachable from an untrusted zone; without ${missing.join(' and ')} a stolen or fixed session id lets an attacker act as the user.`,
      likelihood: rated('Medium', 'needs XSS, a network position or a session fixation bug: some skill'),
      impact: restricted
        ? rated('High', 'hijacked sessions read restricted data')
        : rated('Medium', 'one user\'s account and data: partial exposure'),
      evidence: [
        evidence(`${element.name} authenticates callers with session-cookie`, element.auth === 'session-cookie' ? [...element.at, 'auth'] : sessionEndpoints[0].at),
        missingControlEvidence(missing, element),
      ],
    });
  },
};

const STUFFING_CONTROLS = ['rate-limiting', 'account-lockout', 'captcha', 'mfa'] as const;

export const credentialStuffing: EndpointRule = {
  id: 'credential-stuffing',
  stride: 'S',
  title: 'Credential stuffing and brute force on login',
  description: 'A login endpoint reachable from the internet with neither throttling nor MFA: leaked password lists are replayed at scale.',
  mitigation: 'Rate limiting and account lockout on login, MFA, and a check of passwords against breach lists.',
  action: { key: 'rate-limiting', text: 'Add rate limiting to {targets}' },
  mitigatedBy: STUFFING_CONTROLS,
  references: ['CWE-307', 'CAPEC-600', 'OWASP ASVS V2.2'],
  rating: 'Likelihood High when reachable from the internet (public tooling), Medium otherwise; impact Medium (individual accounts), High when accounts reach restricted data.',
  example: "api:\n  kind: process\n  endpoints:\n    /login: { public: true }",
  appliesTo: 'endpoint',
  endpointKinds: ['login'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const present = presentControls(ctx, STUFFING_CONTROLS, element, ep);
    if (present.includes('mfa') || (present.length >= 2)) {
      return mitigatedBy(present, endpointComponent(ep), `login is protected by ${present.join(' and ')}`);
    }
    return threat({
      ...endpointComponent(ep),
      title: `Credential stuffing on ${ep.key}`,
      description: `${ep.key} on ${element.name} accepts passwords from the internet${present.length ? ` with only ${present[0]}` : ' with no throttling'} and no MFA: leaked credential lists can be replayed against it.`,
      likelihood: exposure === 'internet'
        ? rated('High', 'automated with public tools and leaked password lists')
        : rated('Medium', 'reachable only through other components'),
      impact: ctx.assetsOf(element.id).some((a) => a.classification === 'restricted')
        ? rated('High', 'accounts reach restricted data')
        : rated('Medium', 'takeover of individual accounts: partial exposure'),
      evidence: [evidence(`${ep.key} is a login endpoint`, ep.at), missingControlEvidence(STUFFING_CONTROLS, element, ep)],
      target: endpointTarget(ep, element),
    });
  },
};
