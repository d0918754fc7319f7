// The attack surface in the method's six categories, listing the model's own entry points in each.
import { flat } from '../model/flat.js';
import type { Element, Endpoint } from '../model/types.js';
import type { AnalysisContext, Exposure } from './context.js';
import { CALLER_PERIMETER, admittedThrough } from './rules/family-shared.js';
import { endpointExposure, presentControls } from './rules/helpers.js';
import { SURFACE_CATEGORIES, type SurfaceCategory, type SurfaceEntry } from './types.js';

const AUTH_ENDPOINTS = new Set(['login', 'otp', 'register', 'password-reset', 'callback']);
const INFRA_TYPES = new Set(['ci-cd', 'container-registry', 'cloud-console', 'secrets-vault']);
const HUMAN_TYPES = new Set(['user', 'user-agent', 'admin', 'support-staff', 'developer']);
const DATA_KIND_TYPES = new Set(['logs', 'backups']);
const CATEGORY_RANK = Object.fromEntries(SURFACE_CATEGORIES.map((c, i) => [c, i])) as Record<SurfaceCategory, number>;
/** Category and exposure: the groups the surface is listed in. */
const GROUPS = SURFACE_CATEGORIES.length * 2;

export function attackSurface(ctx: AnalysisContext): SurfaceEntry[] {
  const { graph } = ctx;
  const out: SurfaceEntry[] = [];
  // Details repeat (an endpoint's kind and auth, a store's type and assets): a large model has a few
  // thousand distinct ones among tens of thousands of entries, and the result keeps one copy of each.
  const details = new Map<string, string>();
  // What the internet reaches only through a VPN or an allow-list is said so, as the threats rate it (`admitted`
  // is asked only for what the internet reaches).
  const add = (category: SurfaceCategory, id: string, name: string, detail: string, exposure: Exposure, loc: Element['loc'], admitted?: () => string[]) => {
    let kept = details.get(detail);
    if (kept === undefined) {
      kept = flat(detail);
      details.set(kept, kept);
    }
    const admittedBy = exposure === 'internet' && admitted !== undefined ? admitted() : [];
    out.push({ category, id, name, detail: kept, exposed: exposure !== 'internal', exposure, ...(admittedBy.length > 0 ? { admittedBy } : {}), loc });
  };

  const { elements } = graph.model;
  const exposures = new Array<Exposure>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    const exposure = ctx.exposureAt(i);
    exposures[i] = exposure;
    if (exposure === 'internet') add('Network', e.id, e.name, networkDetail(i), 'internet', e.loc, () => admittedThrough(ctx, e));
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
      // People are where the model puts them, as the attack paths start from them: staff inside the VPN are no
      // entry point from the internet (exposure counts what reaches an element, and no flow reaches a person).
      add('Human', e.id, e.name, detail, ctx.untrustedSourceAt(i) ? 'internet' : 'internal', e.loc);
    }
  }

  /** How the internet reaches an exposed element: straight, or through which neighbours, and over what. */
  function networkDetail(at: number): string {
    // One pass over the inbound flows, without intermediate lists: thousands of elements are exposed. Through
    // the adjacency, whose sources are positions (a flow from an unknown element reaches from nowhere).
    const protocols = new Set<string>();
    const sources = new Set<string>();
    let direct = false;
    const { inStart, inFlow } = ctx.adjacency;
    for (let j = inStart[at]; j < inStart[at + 1]; j++) {
      const k = inFlow[j];
      const from = graph.flowSource[k];
      const untrusted = ctx.untrustedSourceAt(from);
      if (!untrusted && ctx.exposureAt(from) !== 'internet') continue;
      direct ||= untrusted;
      const f = graph.model.flows[k];
      protocols.add(f.port ? `${f.protocol}:${f.port}` : f.protocol);
      if (!direct) sources.add(elements[from].name);
    }
    const via = direct ? '' : ` through ${[...sources].sort().join(', ')}`;
    return `reachable from the internet${via}${protocols.size ? ` over ${[...protocols].sort().join(', ')}` : ''}`;
  }

  function addEndpoint(ep: Endpoint, e: Element) {
    const exposure = endpointExposure(ep, e, ctx);
    const methods = ep.methods.length ? `${ep.methods.join('|')} ` : '';
    const who = ep.public ? 'public' : `auth: ${ep.auth}`;
    const category: SurfaceCategory = AUTH_ENDPOINTS.has(ep.kind) ? 'Authentication' : 'Application';
    const admitted = () => presentControls(ctx, CALLER_PERIMETER, e, ep);
    add(category, ep.id, flat(`${methods}${ep.route} (${e.name})`), `${ep.kind} endpoint, ${who}`, exposure, ep.loc, admitted);
    if (ep.kind === 'admin') add('Human', ep.id, flat(`${ep.route} (${e.name})`), 'administrators using it are phishing targets', exposure, ep.loc, admitted);
  }

  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.auth && e.auth !== 'none' && e.kind === 'process' && exposures[i] !== 'internal') {
      add('Authentication', e.id, e.name, `session management: ${e.auth}`, exposures[i], e.loc, () => admittedThrough(ctx, e));
    }
  }

  // Category, exposed first, then line, then id. A typed array sorts the entries by line (and position,
  // below the line: exact, as a model has fewer than 2^26 lines and far fewer than 2^27 entries) without
  // calling a comparison function; a counting sort, which keeps that order, then groups them.
  const n = out.length;
  const byLine = new Float64Array(n);
  for (let i = 0; i < n; i++) byLine[i] = out[i].loc.line * n + i;
  byLine.sort();
  const group = new Uint8Array(n);
  const starts = new Int32Array(GROUPS + 1);
  for (let i = 0; i < n; i++) {
    group[i] = CATEGORY_RANK[out[i].category] * 2 + (out[i].exposed ? 0 : 1);
    starts[group[i] + 1]++;
  }
  for (let g = 1; g <= GROUPS; g++) starts[g] += starts[g - 1];
  const sorted = new Array<SurfaceEntry>(n);
  for (let j = 0; j < n; j++) {
    const i = byLine[j] % n;
    sorted[starts[group[i]]++] = out[i];
  }
  // Entries of one group and line (an element's several entries in one category) go by id.
  for (let s = 0; s < n;) {
    const first = sorted[s];
    let e = s + 1;
    while (e < n && sorted[e].loc.line === first.loc.line && sorted[e].category === first.category && sorted[e].exposed === first.exposed) e++;
    if (e - s > 1) {
      const tied = sorted.slice(s, e).sort((a, b) => a.id.localeCompare(b.id, 'en'));
      for (let i = 0; i < tied.length; i++) sorted[s + i] = tied[i];
    }
    s = e;
  }
  return sorted;
}
