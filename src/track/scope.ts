// What a triage decision was made for, and whether the threat it decides is still that. Several rules report
// one threat per element or boundary covering several flows, so the threat under a key can grow: a new
// cleartext flow joins `cleartext-disclosure@lb`, a new service joins `secrets-in-config@app`. A decision
// records the risk it was made at and the flows it covered (`risk:`, `covers:`), and a threat rated higher or
// covering more than that is no longer closed by it. No Node APIs: runs in the browser.
import { riskRank } from '../analysis/risk.js';
import type { AnalysisResult, Risk, Threat } from '../analysis/types.js';
import { RISKS } from '../analysis/types.js';
import type { Flow } from '../model/types.js';
import type { ScopeDrift, TriageStatus } from './types.js';
import { threatUid, UID_PATTERN } from './uid.js';

/** What a decision is made for, as its entry records it: the threat's risk and its flows (ids, sorted). */
export interface DecisionScope {
  risk: Risk;
  covers: string[];
}

/** A decision's recorded scope, as read from its entry (either field may be missing in a hand-written one). */
export interface RecordedScope {
  status: TriageStatus;
  risk?: Risk;
  covers?: readonly string[];
}

/**
 * The scope of a threat as a decision records it. Flow ids only: the flows' ends are implied by them, and the
 * elements an evidence names are a sample (the first of several), which would change with the file's order.
 */
export function scopeOf(t: Threat): DecisionScope {
  return { risk: t.risk, covers: [...new Set(t.flows)].sort() };
}

/** A risk as an entry writes it: `low`, `medium`, `high`, `critical`. */
export const riskWord = (risk: Risk): string => risk.toLowerCase();

/** A risk written in an entry, in any case; undefined when it is none. */
export const readRisk = (text: string): Risk | undefined => RISKS.find((r) => r.toLowerCase() === text.trim().toLowerCase());

/** Whether an entry records what its decision was made for; entries written before it was recorded are not checked. */
export const hasScope = (d: { risk?: Risk; covers?: readonly string[] }): boolean => d.risk !== undefined || d.covers !== undefined;

/** The part of a threat key after `rule@`: what the key ties the threat to (an element, boundary, endpoint...). */
export const keyComponent = (key: string): string => key.slice(key.indexOf('@') + 1);

/** The rule of a threat key. */
export const keyRule = (key: string): string => key.slice(0, Math.max(0, key.indexOf('@')));

/** The model facts the words of a drift need, indexed once per result. */
export interface ScopeContext {
  flows: ReadonlyMap<string, Flow>;
  assetNames: ReadonlyMap<string, string>;
}

export function scopeContext(result: AnalysisResult): ScopeContext {
  return { flows: new Map(result.flows.map((f) => [f.id, f])), assetNames: new Map(result.assets.map((a) => [a.id, a.name])) };
}

/**
 * Everything a recorded scope covers: the component its key names, its flows, and those flows' ends (so that a
 * threat now reported on one of those elements is inside it).
 */
function coveredBy(entryKey: string, covers: readonly string[], ctx: ScopeContext): Set<string> {
  const out = new Set<string>([keyComponent(entryKey), ...covers]);
  for (const id of covers) {
    const f = ctx.flows.get(id);
    if (f) out.add(f.from).add(f.to);
  }
  return out;
}

/** What a threat concerns now, in the terms a scope records: the component its key names, and its flows. */
const concerns = (t: Threat): string[] => [keyComponent(t.key), ...t.flows];

/**
 * How `t` differs from what the decision written under `entryKey` was made for: rated higher, or covering flows
 * (or a component) it did not. Undefined when it does not (a risk gone down or a flow gone is no widening), when
 * the entry records no scope, and for an `open` entry (it closes nothing).
 */
export function scopeDrift(entry: RecordedScope, entryKey: string, t: Threat, ctx: ScopeContext): ScopeDrift | undefined {
  if (!hasScope(entry) || entry.status === 'open') return undefined;
  const riskUp = entry.risk !== undefined && riskRank(t.risk) > riskRank(entry.risk);
  const covered = coveredBy(entryKey, entry.covers ?? [], ctx);
  const added = [...new Set(concerns(t).filter((x) => !covered.has(x)))].sort();
  if (!riskUp && added.length === 0) return undefined;
  return { status: entry.status, ...(riskUp ? { risk: entry.risk } : {}), added, summary: driftSummary(entry, entryKey, t, added, riskUp, ctx) };
}

/** At most this many ids are named in a drift's words; the rest are counted. */
const MAX_NAMED = 4;

function driftSummary(entry: RecordedScope, entryKey: string, t: Threat, added: readonly string[], riskUp: boolean, ctx: ScopeContext): string {
  const recorded = entry.covers?.length ? entry.covers : [keyComponent(entryKey)];
  const made = `${entry.status}${entry.risk ? ` at ${entry.risk}` : ''} for ${listed(recorded, (id) => id)}`;
  const now = [riskUp ? `now ${t.risk}` : ''];
  if (added.length) now.push(`${riskUp ? 'and also' : 'now also'} covers ${listed(added, (id) => carrying(id, ctx))}`);
  // The key's own component is no flow that can go (an import that read it from a drift's words lists it).
  const gone = (entry.covers ?? []).filter((id) => !t.flows.includes(id) && id !== keyComponent(entryKey));
  const tail = gone.length && added.length ? `; no longer ${listed(gone, (id) => id)}` : '';
  return `${made}; ${now.filter(Boolean).join(' ')}${tail}`;
}

/** `a, b and c`, at most MAX_NAMED of them named. */
function listed(ids: readonly string[], word: (id: string) => string): string {
  const named = ids.slice(0, MAX_NAMED).map(word);
  if (ids.length > MAX_NAMED) named.push(`${ids.length - MAX_NAMED} more`);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

/** A flow id with the data it carries (`lb->pay carrying Card data`); other ids as they are. */
function carrying(id: string, ctx: ScopeContext): string {
  const data = ctx.flows.get(id)?.data ?? [];
  return data.length ? `${id} carrying ${data.map((a) => ctx.assetNames.get(a) ?? a).join(', ')}` : id;
}

/**
 * The threat key an entry was written for: its id when that is a key, else the key its `threat:` text ends with
 * (`... (rule@component)`, as threatmap writes it), when that key's stable id is the entry's: the text is only
 * informational, so the hash must agree.
 */
export function entryKeyOf(ref: string, threatText: string | undefined): string | undefined {
  if (!UID_PATTERN.test(ref)) return ref;
  const text = threatText?.trimEnd();
  if (!text?.endsWith(')')) return undefined;
  for (let i = text.lastIndexOf('('); i >= 0; i = text.lastIndexOf('(', i - 1)) {
    const key = text.slice(i + 1, -1);
    if (key.includes('@') && threatUid(key) === ref) return key;
    if (i === 0) break;
  }
  return undefined;
}
