// How the application rules name a route they judge on an application when it is declared on a forwarding
// element (reverse proxy, load balancer, gateway, CDN) in front of it: the reader finds it where it is written.
import type { Element, Flow } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import type { ServedEndpoint } from './authorization.js';
import { cached } from './facts.js';
import { says } from './grammar.js';
import { evidence, flowLabel } from './helpers.js';
import type { EvidenceRef } from './types.js';

/** A route as the text names it: on the forwarding element it is declared on, when not on the application. */
export const routeLabel = (s: ServedEndpoint): string => (s.via ? `${s.ep.key} on ${s.via.name}` : s.ep.key);

export const servedEvidence = (s: ServedEndpoint, element: Element, what: string): EvidenceRef =>
  evidence(s.via ? `${s.ep.key} on ${s.via.name} ${what}, served by ${element.name}` : `${s.ep.key} ${what}`, s.ep.at);

/** Where each forwarding element named hands requests to the application: its flow when direct, else itself. */
export function forwardEvidence(ctx: AnalysisContext, element: Element, routes: readonly ServedEndpoint[]): EvidenceRef[] {
  const out: EvidenceRef[] = [];
  const seen = new Set<string>();
  for (const { via } of routes) {
    if (via === undefined || seen.has(via.id)) continue;
    seen.add(via.id);
    const flow = firstFlowTo(ctx, via).get(element.id);
    out.push(flow ? evidence(`${flowLabel(flow, ctx)} forwards requests`, flow.at) : evidence(`${says(via.name, 'forwards')} requests to ${element.name}`, via.at));
  }
  return out;
}

/** A forwarding element's first flow to each element, indexed once per analysis: asked for each application behind it. */
function firstFlowTo(ctx: AnalysisContext, via: Element): ReadonlyMap<string, Flow> {
  const byVia = cached(ctx, 'first-flow-to', () => new Map<string, Map<string, Flow>>());
  let index = byVia.get(via.id);
  if (index === undefined) {
    index = new Map();
    for (const f of ctx.graph.outFlows(via.id)) if (!index.has(f.to)) index.set(f.to, f);
    byVia.set(via.id, index);
  }
  return index;
}
