// Elevation of privilege: reaching what only admins or other services should reach.
import type { Flow } from '../../model/types.js';
import { assetImpact, rated, ratingRank } from '../risk.js';
import {
  endpointComponent, endpointExposure, endpointTarget, evidence, isExposed, missingControlEvidence, mitigatedBy,
  presentControls, threat,
} from './helpers.js';
import { flowEvidence } from './service-identity.js';
import type { EndpointRule, ModelRule, Outcome } from './types.js';

const ADMIN_CONTROLS = ['ip-allowlist', 'vpn'] as const;

export const exposedAdmin: EndpointRule = {
  id: 'exposed-admin-interface',
  stride: 'E',
  title: 'Admin interface reachable from the internet',
  description:
    'An administrative endpoint reachable from the internet without a VPN or IP allow-list: anyone can attack it, and one stolen password, session or unpatched bug gives full control.',
  mitigation: 'Put the admin interface behind a VPN or an IP allow-list (or an identity-aware proxy), require MFA for admins, and log every admin action.',
  action: { text: 'Restrict {targets} to VPN or an IP allow-list' },
  mitigatedBy: ADMIN_CONTROLS,
  references: ['CWE-284', 'CWE-749', 'CAPEC-122', 'OWASP Top 10 A01'],
  rating: 'Likelihood High when reachable from the internet without MFA (scanners find admin paths), Medium with MFA or when reachable only indirectly; impact High (full compromise).',
  example: "api:\n  kind: process\n  endpoints:\n    /admin: { auth: session-cookie }\nflows:\n  - browser -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['admin'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const present = presentControls(ctx, ADMIN_CONTROLS, element, ep);
    if (present.length) return mitigatedBy(present, endpointComponent(ep), `only reachable through ${present.join(' or ')}`);
    const mfa = ctx.endpointHas(ep, 'mfa');
    return threat({
      ...endpointComponent(ep),
      title: `Admin panel ${ep.key} reachable without VPN or IP allow-list`,
      description: `${ep.key} on ${element.name} is an administrative interface reachable from the internet${ep.public ? ' without authentication' : ` behind ${ep.auth} only`}; a stolen credential, session or an unpatched flaw gives an attacker administrative control.`,
      likelihood: exposure === 'internet' && !mfa
        ? rated('High', 'admin paths are found by public scanners and attacked with stolen or guessed credentials')
        : rated('Medium', mfa ? 'MFA stands in the way: needs a phished second factor' : 'reachable only through other components'),
      impact: rated('High', 'administrative control of the system: full compromise'),
      evidence: [evidence(`${ep.key} is an admin endpoint`, ep.at), missingControlEvidence(ADMIN_CONTROLS, element, ep)],
      target: endpointTarget(ep, element),
    });
  },
};

export const sharedCredentials: ModelRule = {
  id: 'shared-credentials',
  stride: 'E',
  title: 'Credentials shared across services',
  description:
    'Several services log in to the same store with one credential: compromising any of them gives the access of all of them, and no access can be revoked or audited per service.',
  mitigation: 'Give each service its own credential with least privilege (only its schema or tables), issued and rotated by a secrets manager.',
  action: { text: 'Issue per-service database credentials with least privilege for {targets}' },
  mitigatedBy: ['per-service credentials'],
  references: ['CWE-1391', 'CWE-250', 'CWE-522', 'CAPEC-560'],
  rating: 'Likelihood Medium (needs one of the services compromised first); impact from the confidentiality or integrity (the higher) of the data in the store.',
  example: "flows:\n  - orders -> db: { protocol: sql+tls, credential: app-db }\n  - billing -> db: { protocol: sql+tls, credential: app-db }",
  appliesTo: 'model',
  check(ctx) {
    const byCredential = new Map<string, Flow[]>();
    for (const f of ctx.graph.model.flows) {
      if (!f.credential) continue;
      const list = byCredential.get(f.credential);
      if (list) list.push(f);
      else byCredential.set(f.credential, [f]);
    }
    const out: Outcome[] = [];
    for (const [credential, flows] of [...byCredential].sort(([a], [b]) => a.localeCompare(b))) {
      const sources = [...new Set(flows.map((f) => f.from))].sort();
      const targets = [...new Set(flows.map((f) => f.to))].sort();
      const component = targets[0];
      const where = { component, componentKind: 'element' as const, flows: flows.map((f) => f.id) };
      if (sources.length < 2) {
        out.push(mitigatedBy(['per-service credentials'], where, `credential ${credential} is used by one service only`));
        continue;
      }
      const names = sources.map((s) => ctx.graph.elements.get(s)?.name ?? s);
      const targetNames = targets.map((t) => ctx.graph.elements.get(t)?.name ?? t);
      const assets = targets.flatMap((t) => ctx.assetsOf(t));
      const confidentiality = assetImpact(assets, 'confidentiality', rated('High', 'every service\'s data in the store'));
      const integrity = assetImpact(assets, 'integrity', confidentiality);
      out.push(threat({
        ...where,
        title: `Credential ${credential} shared by ${sources.length} services on ${targetNames.join(', ')}`,
        description: `${names.join(', ')} all use credential ${credential} for ${targetNames.join(', ')}; compromising any one of them grants the access of all, and access cannot be revoked or audited per service.`,
        likelihood: rated('Medium', 'needs one of the services compromised first: some skill or access'),
        // The shared login reads and writes: the worse of disclosure and tampering.
        impact: ratingRank(integrity.level) > ratingRank(confidentiality.level) ? integrity : confidentiality,
        evidence: flowEvidence(ctx, flows, (f) => `authenticates with credential ${f.credential}`),
        target: targetNames.join(', '),
      }));
    }
    return out;
  },
};
