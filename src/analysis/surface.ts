// The attack surface in the method's six categories, listing the model's own entry points in each.
import type { Element, Endpoint } from '../model/types.js';
import type { AnalysisContext, Exposure } from './context.js';
import { endpointExposure } from './rules/helpers.js';
import { SURFACE_CATEGORIES, type SurfaceCategory, type SurfaceEntry } from './types.js';

const AUTH_ENDPOINTS = new Set(['login', 'register', 'password-reset', 'callback']);
const INFRA_TYPES = new Set(['ci-cd', 'container-registry', 'cloud-console', 'secrets-vault']);
const HUMAN_TYPES = new Set(['user', 'user-agent', 'admin', 'support-staff', 'developer']);
const DATA_KIND_TYPES = new Set(['logs', 'backups']);
const CATEGORY_RANK = Object.fromEntries(SURFACE_CATEGORIES.map((c, i) => [c, i])) as Record<SurfaceCategory, number>;
/** More than any model's line numbers (a model is at most 50 MB), and 12 times it stays an exact integer. */
const LINES = 2 ** 32;

export function attackSurface(ctx: AnalysisContext): SurfaceEntry[] {
  const { graph } = ctx;
  const out: SurfaceEntry[] = [];
  const add = (category: SurfaceCategory, id: string, name: string, detail: string, exposure: Exposure, loc: Element['loc']) =>
    out.push({ category, id, name, detail, exposed: exposure !== 'internal', exposure, loc });

  const { elements } = graph.model;
  const exposures = new Array<Exposure>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    const exposure = ctx.exposure(e.id);
    exposures[i] = exposure;
    if (exposure === 'internet') {
      const inbound = graph.inFlows(e.id).filter((f) => ctx.isUntrustedSource(f.from) || ctx.exposure(f.from) === 'internet');
      const protocols = [...new Set(inbound.map((f) => f.port ? `${f.protocol}:${f.port}` : f.protocol))].sort();
      const direct = inbound.some((f) => ctx.isUntrustedSource(f.from));
      const via = direct ? '' : ` through ${[...new Set(inbound.map((f) => graph.elements.get(f.from)?.name ?? f.from))].sort().join(', ')}`;
      add('Network', e.id, e.name, `reachable from the internet${via}${protocols.length ? ` over ${protocols.join(', ')}` : ''}`, 'internet', e.loc);
    }
    for (const ep of e.endpoints) addEndpoint(ep, e);
    if (e.kind === 'store') {
      const stored = e.stores.map((a) => graph.assets.get(a)?.name ?? a);
      const what = DATA_KIND_TYPES.has(e.type ?? '') ? e.type : (e.type ?? 'data store');
      add('Data', e.id, e.name, `${what}${stored.length ? ` holding ${stored.join(', ')}` : ''}`, exposure, e.loc);
    }
    if (INFRA_TYPES.has(e.type ?? '') || e.traits.includes('container')) {
      add('Infrastructure', e.id, e.name, e.type ?? 'infrastructure', exposure, e.loc);
    }
    if (e.kind === 'external' && HUMAN_TYPES.has(e.type ?? '')) {
      const detail = e.type === 'admin' || e.type === 'support-staff' || e.type === 'developer'
        ? 'privileged people: phishing and social engineering targets, insider threat'
        : 'the people behind it: phishing targets and account takeover';
      add('Human', e.id, e.name, detail, 'internet', e.loc);
    }
  }

  function addEndpoint(ep: Endpoint, e: Element) {
    const exposure = endpointExposure(ep, e, ctx);
    const methods = ep.methods.length ? `${ep.methods.join('|')} ` : '';
    const who = ep.public ? 'public' : `auth: ${ep.auth}`;
    const category: SurfaceCategory = AUTH_ENDPOINTS.has(ep.kind) ? 'Authentication' : 'Application';
    add(category, ep.id, `${methods}${ep.route} (${e.name})`, `${ep.kind} endpoint, ${who}`, exposure, ep.loc);
    if (ep.kind === 'admin') add('Human', ep.id, `${ep.route} (${e.name})`, 'administrators using it are phishing targets', exposure, ep.loc);
  }

  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.auth && e.auth !== 'none' && e.kind === 'process' && exposures[i] !== 'internal') {
      add('Authentication', e.id, e.name, `session management: ${e.auth}`, exposures[i], e.loc);
    }
  }

  // Category, exposed first, then line: one number per entry, computed once, not once per comparison.
  const keys = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const entry = out[i];
    keys[i] = (CATEGORY_RANK[entry.category] * 2 + (entry.exposed ? 0 : 1)) * LINES + entry.loc.line;
  }
  const order = out.map((_, i) => i);
  order.sort((a, b) => keys[a] - keys[b] || out[a].id.localeCompare(out[b].id));
  return order.map((i) => out[i]);
}
