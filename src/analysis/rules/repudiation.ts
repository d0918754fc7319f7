// Repudiation: can someone deny an action because nothing recorded who did it?
import { rated } from '../risk.js';
import { elementComponent, evidence, isExposed, missingControlEvidence, mitigatedBy, presentControls, threat, runsAppCode } from './helpers.js';
import type { ElementRule } from './types.js';

const AUDIT_CONTROLS = ['audit-logging'] as const;
const SENSITIVE_ENDPOINTS = new Set(['admin', 'webhook', 'login', 'password-reset', 'upload']);

export const noAuditLog: ElementRule = {
  id: 'no-audit-log',
  stride: 'R',
  title: 'Actions are not attributable (no audit log)',
  description:
    'A process that takes state-changing or privileged requests from people or partners without an audit log of who did what: a user or an attacker can deny an action and an incident cannot be reconstructed.',
  mitigation: 'Write an audit log of security-relevant actions (who, what, when, from where) to an append-only, tamper-evident store kept apart from the application.',
  action: { text: 'Add audit logging of security-relevant actions to {targets}' },
  mitigatedBy: AUDIT_CONTROLS,
  references: ['CWE-778', 'CAPEC-93', 'OWASP ASVS V7.1', 'OWASP Top 10 A09'],
  rating: 'Likelihood Medium (a user or insider denying an action); impact Medium, High when admin actions or money are involved.',
  example: "api:\n  kind: process\n  endpoints:\n    /admin: { auth: session-cookie }",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element)) return undefined;
    const sensitive = element.endpoints.filter((ep) => SENSITIVE_ENDPOINTS.has(ep.kind));
    const fromPeople = ctx.graph.inFlows(element.id).some((f) => ctx.graph.elements.get(f.from)?.kind === 'external');
    if (sensitive.length === 0 && !(fromPeople && isExposed(ctx.exposure(element.id)))) return undefined;
    const present = presentControls(ctx, AUDIT_CONTROLS, element);
    if (present.length) return mitigatedBy(present, elementComponent(element), 'actions are audit-logged');
    const privileged = sensitive.some((ep) => ep.kind === 'admin' || ep.kind === 'webhook');
    return threat({
      ...elementComponent(element),
      title: `No audit trail of actions on ${element.name}`,
      description: `${element.name} takes ${sensitive.length ? sensitive.map((ep) => ep.key).join(', ') : 'requests from external entities'} without an audit log; who did what cannot be proven afterwards.`,
      likelihood: rated('Medium', 'a user or insider can deny an action; an attacker can act unseen'),
      impact: privileged
        ? rated('High', 'administrative or payment actions cannot be attributed')
        : rated('Medium', 'disputed actions and incidents cannot be reconstructed'),
      evidence: [
        sensitive.length
          ? evidence(`${element.name} exposes ${sensitive.map((ep) => ep.key).join(', ')}`, sensitive[0].at)
          : evidence(`${element.name} receives requests from external entities`, element.at),
        missingControlEvidence(AUDIT_CONTROLS, element),
      ],
    });
  },
};
