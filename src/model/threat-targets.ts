// What a written threat's `on:` names: an element, boundary, flow or endpoint of the model, or the whole
// system. Validation (raw model) and normalisation (normalised model) resolve with the same rules, so a
// reference that validates is exactly one that normalises.
import { splitFlowArrow } from './flow-arrow.js';
import type { ThreatTarget } from './types.js';

export interface TargetIndex {
  elements: ReadonlySet<string>;
  boundaries: ReadonlySet<string>;
  flows: ReadonlySet<string>;
  /** `from->to` -> the ids of the flows joining them, in model order. */
  flowsBetween: ReadonlyMap<string, readonly string[]>;
  /** Element id -> its endpoints' keys by key, and by route (`/reset` for `POST /reset`: every key on it). */
  endpoints: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

export interface TargetSource {
  elements: ReadonlyArray<{ id: string; endpoints: ReadonlyArray<{ key: string; route: string }> }>;
  boundaries: readonly string[];
  flows: ReadonlyArray<{ id: string; from: string; to: string }>;
}

export function targetIndex(source: TargetSource): TargetIndex {
  const endpoints = new Map<string, Map<string, string[]>>();
  for (const e of source.elements) {
    if (e.endpoints.length === 0) continue;
    const byName = new Map<string, string[]>();
    for (const ep of e.endpoints) byName.set(ep.key, [ep.key]);
    const byRoute = new Map<string, string[]>();
    for (const ep of e.endpoints) if (!byName.has(ep.route)) byRoute.set(ep.route, [...(byRoute.get(ep.route) ?? []), ep.key]);
    for (const [route, keys] of byRoute) byName.set(route, keys);
    endpoints.set(e.id, byName);
  }
  const flowsBetween = new Map<string, string[]>();
  for (const f of source.flows) {
    const pair = `${f.from}->${f.to}`;
    const list = flowsBetween.get(pair);
    if (list) list.push(f.id);
    else flowsBetween.set(pair, [f.id]);
  }
  return {
    elements: new Set(source.elements.map((e) => e.id)),
    boundaries: new Set(source.boundaries),
    flows: new Set(source.flows.map((f) => f.id)),
    flowsBetween,
    endpoints,
  };
}

export type TargetResolution =
  | { target: ThreatTarget }
  | { problem: 'unknown' }
  /** A name several flows (`a -> b`) or endpoints (`element:/route`) answer to: the ids that tell them apart. */
  | { problem: 'ambiguous'; what: 'flows' | 'endpoints'; candidates: readonly string[] };

/**
 * Ids first (element, boundary, flow), then `a -> b` for the one flow joining them, then `element:key` or
 * `element:route`, and `system` last, so that an element called `system` is still the element.
 */
export function resolveThreatTarget(ref: string, index: TargetIndex): TargetResolution {
  const r = ref.trim();
  if (index.elements.has(r)) return { target: { kind: 'element', id: r } };
  if (index.boundaries.has(r)) return { target: { kind: 'boundary', id: r } };
  if (index.flows.has(r)) return { target: { kind: 'flow', id: r } };
  const ends = splitFlowArrow(r);
  if (ends) {
    const flows = index.flowsBetween.get(`${ends[0]}->${ends[1]}`);
    if (flows?.length === 1) return { target: { kind: 'flow', id: flows[0] } };
    if (flows) return { problem: 'ambiguous', what: 'flows', candidates: flows };
  }
  for (let colon = r.indexOf(':'); colon > 0; colon = r.indexOf(':', colon + 1)) {
    const element = r.slice(0, colon).trimEnd();
    const keys = index.endpoints.get(element)?.get(r.slice(colon + 1).trim());
    if (keys?.length === 1) return { target: { kind: 'endpoint', id: `${element}:${keys[0]}` } };
    if (keys) return { problem: 'ambiguous', what: 'endpoints', candidates: keys.map((k) => `${element}:${k}`) };
  }
  if (r === 'system') return { target: { kind: 'system', id: 'system' } };
  return { problem: 'unknown' };
}

/** Every id `on:` may name, for suggestions. */
export function targetNames(index: TargetIndex): string[] {
  const names = [...index.elements, ...index.boundaries, ...index.flows];
  for (const [element, byName] of index.endpoints) for (const key of new Set([...byName.values()].flat())) names.push(`${element}:${key}`);
  return names;
}

/** The `on:` of a written threat as a list (a single id may be written alone). */
export const targetRefs = (on: unknown): unknown[] => (on === undefined ? [] : Array.isArray(on) ? on : [on]);

/** Why a name is ambiguous, in validation's and the page's words. */
export const ambiguity = (ref: string, found: { what: 'flows' | 'endpoints'; candidates: readonly string[] }): string => (found.what === 'flows'
  ? `${found.candidates.length} flows join these elements: \`${ref}\` could be any of them`
  : `${found.candidates.length} endpoints share this route: \`${ref}\` could be any of them`);
