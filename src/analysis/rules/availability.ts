// Denial of service: exhausting what the system has, or letting one failure take down the rest.
import type { Flow } from '../../model/types.js';
import { rated } from '../risk.js';
import {
  endpointComponent, endpointExposure, endpointTarget, evidence, isExposed, missingControlEvidence, mitigatedBy,
  presentControls, threat,
} from './helpers.js';
import { flowEvidence, groupByCommonBoundary, groupComponent } from './service-identity.js';
import type { EndpointRule, ModelRule, Outcome } from './types.js';

const RATE_CONTROLS = ['rate-limiting'] as const;
/** Endpoints whose every call costs real work (queries, storage, email), worth throttling even behind login. */
const EXPENSIVE = new Set(['search', 'upload', 'export', 'graphql', 'register', 'login', 'password-reset']);

export const noRateLimiting: EndpointRule = {
  id: 'no-rate-limiting',
  stride: 'D',
  title: 'No rate limiting',
  description:
    'An endpoint reachable from an untrusted zone without rate limiting on it or in front of it: scripted requests exhaust the service, its database or its email budget.',
  mitigation: 'Rate-limit per client and per account at the gateway or in the service, bound query cost and page size, and cache expensive results.',
  action: { key: 'rate-limiting', text: 'Add rate limiting to {targets}' },
  mitigatedBy: RATE_CONTROLS,
  references: ['CWE-770', 'CWE-400', 'CAPEC-125', 'OWASP API4:2023'],
  rating: 'Likelihood High for unauthenticated endpoints reachable from the internet (a script suffices), Medium behind authentication; impact Medium (downtime), High for registration when it sends email or creates resources.',
  example: "api:\n  kind: process\n  endpoints:\n    /search: { public: true }\nflows:\n  - browser -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: [],
  check(ep, element, ctx) {
    // Health checks are cheap; webhooks and callbacks come from partners and are guarded by their signatures.
    if (ep.kind === 'health' || ep.kind === 'webhook' || ep.kind === 'callback') return undefined;
    if (!ep.public && !EXPENSIVE.has(ep.kind)) return undefined;
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    const present = presentControls(ctx, RATE_CONTROLS, element, ep);
    if (present.length) return mitigatedBy(present, endpointComponent(ep), 'requests are rate-limited');
    return threat({
      ...endpointComponent(ep),
      title: `No rate limiting on ${ep.key}`,
      description: `${ep.key} on ${element.name} can be called ${ep.public ? 'by anyone' : 'by any account'} as fast as they like${ep.kind === 'register' ? ': mass fake registrations and email floods' : ep.kind === 'search' ? ': expensive queries exhaust the service and its database' : ''}.`,
      likelihood: exposure === 'internet' && ep.public
        ? rated('High', 'unauthenticated and reachable from the internet: a simple script suffices')
        : rated('Medium', ep.public ? 'reachable only through other components' : 'needs a valid account'),
      impact: rated('Medium', `${element.name} slows down or stops: downtime`),
      evidence: [
        evidence(`${ep.key} is ${ep.public ? 'public' : `a ${ep.kind} endpoint`} and reachable from an untrusted zone`, ep.at),
        missingControlEvidence(RATE_CONTROLS, element, ep),
      ],
      target: ep.route,
    });
  },
};

const RESILIENCE_CONTROLS = ['circuit-breaker', 'timeouts'] as const;

export const noCircuitBreaker: ModelRule = {
  id: 'no-circuit-breaker',
  stride: 'D',
  title: 'Cascading failure (no circuit breakers)',
  description:
    'Our services make synchronous calls to other services without circuit breakers or timeouts: one slow dependency ties up every caller\'s threads and the failure cascades.',
  mitigation: 'Give every synchronous call a timeout and a circuit breaker with a fallback; bulkhead thread pools per dependency.',
  action: { text: 'Add circuit breakers and timeouts to service calls in {targets}' },
  mitigatedBy: RESILIENCE_CONTROLS,
  references: ['CWE-400', 'CWE-1088', 'CAPEC-227'],
  rating: 'Likelihood Medium (a partial outage or deliberate load on one dependency); impact Medium (downtime of the callers).',
  example: 'orders: { kind: process, in: internal }\npayments: { kind: process, in: internal }\nflows:\n  - orders -> payments: https',
  appliesTo: 'model',
  check(ctx) {
    const { graph } = ctx;
    const calls: Flow[] = [];
    for (const f of graph.model.flows) {
      const source = graph.elements.get(f.from);
      const target = graph.elements.get(f.to);
      if (!source || !target || f.from === f.to || !f.synchronous) continue;
      if (source.kind !== 'process' || target.kind === 'store' || graph.trustRankOf(f.from) < 2) continue;
      calls.push(f);
    }
    const out: Outcome[] = [];
    for (const [key, flows] of [...groupByCommonBoundary(graph, calls)].sort(([a], [b]) => a.localeCompare(b))) {
      const group = groupComponent(ctx, key);
      const where = { component: group.component, componentKind: group.componentKind, flows: flows.map((f) => f.id) };
      const fragile = flows.filter((f) => {
        const source = graph.elements.get(f.from)!;
        return presentControls(ctx, RESILIENCE_CONTROLS, source).length === 0 &&
          !f.controls.some((c) => (RESILIENCE_CONTROLS as readonly string[]).includes(c));
      });
      if (fragile.length === 0) {
        out.push(mitigatedBy([...RESILIENCE_CONTROLS], where, 'every synchronous call has a timeout or circuit breaker'));
        continue;
      }
      const callers = [...new Set(fragile.map((f) => graph.elements.get(f.from)!.name))].sort();
      out.push(threat({
        component: group.component,
        componentKind: group.componentKind,
        flows: fragile.map((f) => f.id),
        title: `Cascading failure: no circuit breakers ${group.inBoundary ? `in ${group.name}` : `on calls from ${group.name}`}`,
        description: `${callers.join(', ')} make ${fragile.length} synchronous call${fragile.length > 1 ? 's' : ''} without circuit breakers or timeouts; one slow dependency exhausts their workers and the outage spreads.`,
        likelihood: rated('Medium', 'a partial outage or load on one dependency triggers it: some access'),
        impact: rated('Medium', 'callers stop responding: downtime'),
        evidence: [
          ...flowEvidence(ctx, fragile, (f) => `synchronous ${f.protocol} call`),
          evidence(`no ${RESILIENCE_CONTROLS.join(' or ')} on ${callers.join(', ')}`, graph.elements.get(fragile[0].from)!.at),
        ],
        target: group.name,
      }));
    }
    return out;
  },
};
