// Information disclosure from the application and its stores.
import { assetImpact, rated } from '../risk.js';
import {
  elementComponent, endpointComponent, endpointExposure, endpointTarget, evidence, isExposed, missingControlEvidence,
  mitigatedBy, presentControls, threat,
  runsAppCode,
} from './helpers.js';
import type { ElementRule, EndpointRule } from './types.js';

export const verboseErrors: ElementRule = {
  id: 'verbose-errors',
  stride: 'I',
  title: 'Sensitive data in error messages',
  description:
    'A process reachable from an untrusted zone that handles confidential data and does not declare generic error responses: stack traces and failed records leak in error messages.',
  mitigation: 'Return generic error messages with a correlation id; keep details in server-side logs with personal data masked.',
  action: { text: 'Return generic error pages and keep details in logs on {targets}' },
  mitigatedBy: ['generic-errors'],
  references: ['CWE-209', 'CWE-200', 'CAPEC-54', 'OWASP ASVS V7.4'],
  rating: 'Likelihood Medium (needs triggering specific failures); impact Medium (fragments of records, not bulk data).',
  example: "assets:\n  pii: { classification: confidential }\nelements:\n  api: { kind: process, handles: [pii] }",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element)) return undefined;
    if (!isExposed(ctx.exposure(element.id))) return undefined;
    const confidential = ctx.assetsOf(element.id).filter((a) => a.confidentiality === 'high' && a.kind === 'data');
    if (confidential.length === 0) return undefined;
    const present = presentControls(ctx, ['generic-errors'], element);
    if (present.length) return mitigatedBy(present, elementComponent(element), 'errors are generic; details stay in logs');
    const names = confidential.map((a) => a.name).join(', ');
    return threat({
      ...elementComponent(element),
      title: `${names} exposed in error messages from ${element.name}`,
      description: `${element.name} handles ${names} and is reachable from an untrusted zone without generic error responses; exceptions and validation errors can echo records, queries and stack traces.`,
      likelihood: rated('Medium', 'needs crafting requests that trigger specific failures: some skill'),
      impact: rated('Medium', 'fragments of records leak, not bulk data: partial exposure'),
      evidence: [
        evidence(`${element.name} handles ${names}`, element.at),
        missingControlEvidence(['generic-errors'], element),
      ],
    });
  },
};

const ENUMERATION_CONTROLS = ['generic-responses'] as const;

export const accountEnumeration: EndpointRule = {
  id: 'account-enumeration',
  stride: 'I',
  title: 'Account enumeration',
  description:
    'Registration, login and password-reset endpoints that answer differently for known and unknown accounts reveal who has an account (email enumeration), feeding phishing and credential stuffing.',
  mitigation: 'Answer the same way whether or not the account exists ("if this address is registered, we sent an email"), with the same timing, and rate-limit the endpoint.',
  action: { text: 'Make {targets} answer identically for known and unknown accounts' },
  mitigatedBy: ENUMERATION_CONTROLS,
  references: ['CWE-204', 'CWE-203', 'CAPEC-575', 'OWASP ASVS V2.2'],
  rating: 'Likelihood High when reachable from the internet (scriptable), Medium otherwise; impact Low (who has an account), Medium when registration of the address is itself sensitive.',
  example: "api:\n  kind: process\n  endpoints:\n    /register: { public: true }",
  appliesTo: 'endpoint',
  endpointKinds: ['register', 'login', 'password-reset'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const present = presentControls(ctx, ENUMERATION_CONTROLS, element, ep);
    if (present.length) return mitigatedBy(present, endpointComponent(ep), 'responses do not reveal whether an account exists');
    return threat({
      ...endpointComponent(ep),
      title: `Email enumeration on ${ep.key}`,
      description: `${ep.key} on ${element.name} can reveal whether an email address has an account (different messages or timing); attackers build target lists for phishing and credential stuffing.`,
      likelihood: exposure === 'internet'
        ? rated('High', 'a script comparing responses is enough')
        : rated('Medium', 'reachable only through other components'),
      impact: rated('Low', 'reveals who has an account, not their data: minor exposure'),
      evidence: [evidence(`${ep.key} is a ${ep.kind} endpoint`, ep.at), missingControlEvidence(ENUMERATION_CONTROLS, element, ep)],
      target: endpointTarget(ep, element),
    });
  },
};

export const unencryptedStore: ElementRule = {
  id: 'unencrypted-store',
  stride: 'I',
  title: 'Sensitive data stored unencrypted',
  description:
    'A data store that holds confidential data without encryption at rest: disks, snapshots and backups expose it to whoever obtains them.',
  mitigation: 'Encrypt the store at rest with keys in a KMS, encrypt its backups, and restrict who can read snapshots.',
  action: { text: 'Encrypt data at rest in {targets}' },
  mitigatedBy: ['encryption-at-rest'],
  references: ['CWE-311', 'CWE-312', 'CAPEC-37', 'OWASP ASVS V6.1'],
  rating: 'Likelihood Low (needs access to the disks, snapshots or backups); impact from the confidentiality of what is stored.',
  example: "assets:\n  pii: { classification: confidential }\nelements:\n  db: { tech: postgres, stores: [pii] }",
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    const stored = element.stores.map((a) => ctx.graph.assets.get(a)).filter((a) => a !== undefined);
    const confidential = stored.filter((a) => a.confidentiality === 'high');
    if (confidential.length === 0) return undefined;
    const present = presentControls(ctx, ['encryption-at-rest'], element);
    if (present.length) return mitigatedBy(present, elementComponent(element), 'stored data is encrypted');
    return threat({
      ...elementComponent(element),
      title: `${confidential.map((a) => a.name).join(', ')} stored unencrypted in ${element.name}`,
      description: `${element.name} stores ${confidential.map((a) => a.name).join(', ')} without encryption at rest; a copied disk, snapshot or backup exposes it all.`,
      likelihood: rated('Low', 'needs access to the storage media, snapshots or backups: insider access or luck'),
      impact: assetImpact(confidential, 'confidentiality', rated('High', 'bulk exposure of stored data')),
      evidence: [
        evidence(`${element.name} stores ${confidential.map((a) => a.name).join(', ')}`, [...element.at, 'stores']),
        missingControlEvidence(['encryption-at-rest'], element),
      ],
    });
  },
};
