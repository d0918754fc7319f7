// Data in transit: cleartext flows can be read (I) and modified (T) by anyone on the path.
import type { Flow } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { type AssetProperty, assetImpact, rated } from '../risk.js';
import type { Stride } from '../types.js';
import { flowComponent, mitigatedBy, threat } from './helpers.js';
import { flowEvidence, groupByCommonBoundary, groupComponent } from './service-identity.js';
import type { ModelRule, Outcome } from './types.js';

/** Local calls never touch a network, so encryption in transit does not apply to them. */
const LOCAL_PROTOCOLS = new Set(['ipc', 'file', 'in-process']);

const networkFlows = (ctx: AnalysisContext) =>
  ctx.graph.model.flows.filter((f) => f.from !== f.to && !LOCAL_PROTOCOLS.has(f.protocol));

const touchesUntrusted = (ctx: AnalysisContext, f: Flow) =>
  ctx.graph.trustRankOf(f.from) === 0 || ctx.graph.trustRankOf(f.to) === 0;

function cleartextRule(stride: Stride, property: AssetProperty, spec: {
  id: string;
  title: string;
  verb: string;
  description: string;
  mitigation: string;
  action: string;
  references: string[];
}): ModelRule {
  return {
    id: spec.id,
    stride,
    title: spec.title,
    description: spec.description,
    mitigation: spec.mitigation,
    action: { key: 'encrypt-in-transit', text: spec.action },
    mitigatedBy: ['tls'],
    references: spec.references,
    rating: `Likelihood High when the flow crosses the internet, Medium inside our network (needs a foothold); impact from the ${property} of the data carried.`,
    example: 'flows:\n  - api -> orders: http',
    appliesTo: 'model',
    check(ctx) {
      const out: Outcome[] = [];
      const cleartext: Flow[] = [];
      for (const f of networkFlows(ctx)) {
        if (f.encrypted) out.push(mitigatedBy(['tls'], flowComponent(f), `${f.protocol} is encrypted in transit`));
        else cleartext.push(f);
      }
      for (const [key, flows] of [...groupByCommonBoundary(ctx.graph, cleartext)].sort(([a], [b]) => a.localeCompare(b))) {
        const group = groupComponent(ctx, key);
        const overInternet = flows.some((f) => touchesUntrusted(ctx, f));
        const assets = flows.flatMap((f) => ctx.assetsOfFlow(f));
        const sources = [...new Set(flows.map((f) => ctx.graph.elements.get(f.from)?.name ?? f.from))].sort();
        out.push(threat({
          component: group.component,
          componentKind: group.componentKind,
          flows: flows.map((f) => f.id),
          title: `${spec.title}: ${flows.length} cleartext flow${flows.length > 1 ? 's' : ''} ${group.inBoundary ? `in ${group.name} (${sources.join(', ')})` : `from ${group.name}`}`,
          description: `${flows.length} flow${flows.length > 1 ? 's' : ''} from ${sources.join(', ')} ${flows.length > 1 ? 'use' : 'uses'} an unencrypted protocol (${[...new Set(flows.map((f) => f.protocol))].sort().join(', ')}); anyone on the network path can ${spec.verb} the traffic.`,
          likelihood: overInternet
            ? rated('High', 'the traffic crosses the internet: interception needs only public tools')
            : rated('Medium', 'needs a position on the internal network: some skill or access'),
          impact: assetImpact(assets, property, rated('Medium', 'internal requests and responses: partial exposure')),
          evidence: flowEvidence(ctx, flows, (f) => `${f.protocol} is not encrypted`),
          target: group.inBoundary ? `${sources.join(', ')} (${group.name})` : group.name,
        }));
      }
      return out;
    },
  };
}

export const cleartextTampering = cleartextRule('T', 'integrity', {
  id: 'cleartext-tampering',
  title: 'Traffic can be modified in transit',
  verb: 'modify',
  description: 'Flows over unencrypted protocols: an attacker on the path changes requests and responses undetected.',
  mitigation: 'Use TLS on every network hop (HTTPS, TLS for databases and brokers), ideally mutual TLS between services.',
  action: 'Encrypt traffic with TLS (or mTLS) from {targets}',
  references: ['CWE-319', 'CWE-345', 'CAPEC-94', 'OWASP ASVS V9.1'],
});

export const cleartextDisclosure = cleartextRule('I', 'confidentiality', {
  id: 'cleartext-disclosure',
  title: 'Traffic can be read in transit',
  verb: 'read',
  description: 'Flows over unencrypted protocols: credentials, tokens and data are readable by anyone on the path.',
  mitigation: 'Use TLS on every network hop (HTTPS, TLS for databases and brokers); never send credentials over cleartext.',
  action: 'Encrypt traffic with TLS (or mTLS) from {targets}',
  references: ['CWE-319', 'CAPEC-157', 'OWASP ASVS V9.1'],
});
