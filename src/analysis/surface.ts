// The attack surface in the method's six categories, listing the model's own entry points in each.
import type { Element, Endpoint } from '../model/types.js';
import type { AnalysisContext } from './context.js';
import { endpointExposure } from './rules/helpers.js';
import type { SurfaceCategory, SurfaceEntry } from './types.js';

const AUTH_ENDPOINTS = new Set(['login', 'register', 'password-reset', 'callback']);
const INFRA_TYPES = new Set(['ci-cd', 'container-registry', 'cloud-console', 'secrets-vault']);
const HUMAN_TYPES = new Set(['user', 'admin', 'support-staff', 'developer']);
const DATA_KIND_TYPES = new Set(['logs', 'backups']);

export function attackSurface(ctx: AnalysisContext): SurfaceEntry[] {
  const { graph } = ctx;
  const out: SurfaceEntry[] = [];
  const add = (category: SurfaceCategory, id: string, name: string, detail: string, exposed: boolean, loc: Element['loc']) =>
    out.push({ category, id, name, detail, exposed, loc });

  for (const e of graph.model.elements) {
    const exposure = ctx.exposure(e.id);
    const exposed = exposure !== 'internal';
    if (exposure === 'internet') {
      const protocols = [...new Set(graph.inFlows(e.id).filter((f) => ctx.isUntrustedSource(f.from)).map((f) => f.port ? `${f.protocol}:${f.port}` : f.protocol))].sort();
      add('Network', e.id, e.name, `reachable from the internet${protocols.length ? ` over ${protocols.join(', ')}` : ''}`, true, e.loc);
    }
    for (const ep of e.endpoints) addEndpoint(ep, e);
    if (e.kind === 'store') {
      const stored = e.stores.map((a) => graph.assets.get(a)?.name ?? a);
      const what = DATA_KIND_TYPES.has(e.type ?? '') ? e.type : (e.type ?? 'data store');
      add('Data', e.id, e.name, `${what}${stored.length ? ` holding ${stored.join(', ')}` : ''}`, exposed, e.loc);
    }
    if (INFRA_TYPES.has(e.type ?? '') || e.traits.includes('container')) {
      add('Infrastructure', e.id, e.name, e.type ?? 'infrastructure', exposed, e.loc);
    }
    if (e.kind === 'external' && HUMAN_TYPES.has(e.type ?? '')) {
      const detail = e.type === 'admin' || e.type === 'support-staff' || e.type === 'developer'
        ? 'privileged people: phishing and social engineering targets, insider threat'
        : 'users: phishing targets and account takeover';
      add('Human', e.id, e.name, detail, true, e.loc);
    }
  }

  function addEndpoint(ep: Endpoint, e: Element) {
    const exposed = endpointExposure(ep, e, ctx) !== 'internal';
    const methods = ep.methods.length ? `${ep.methods.join('|')} ` : '';
    const who = ep.public ? 'public' : `auth: ${ep.auth}`;
    const category: SurfaceCategory = AUTH_ENDPOINTS.has(ep.kind) ? 'Authentication' : 'Application';
    add(category, ep.id, `${methods}${ep.route} (${e.name})`, `${ep.kind} endpoint, ${who}`, exposed, ep.loc);
    if (ep.kind === 'admin') add('Human', ep.id, `${ep.route} (${e.name})`, 'administrators using it are phishing targets', exposed, ep.loc);
  }

  for (const e of graph.model.elements) {
    if (e.auth && e.auth !== 'none' && e.kind === 'process' && ctx.exposure(e.id) !== 'internal') {
      add('Authentication', e.id, e.name, `session management: ${e.auth}`, true, e.loc);
    }
  }

  const categoryOrder: SurfaceCategory[] = ['Network', 'Application', 'Authentication', 'Data', 'Infrastructure', 'Human'];
  return out.sort((a, b) =>
    categoryOrder.indexOf(a.category) - categoryOrder.indexOf(b.category) ||
    Number(b.exposed) - Number(a.exposed) ||
    a.loc.line - b.loc.line || a.id.localeCompare(b.id));
}
