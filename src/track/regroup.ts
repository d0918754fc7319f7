// Stale triage entries that are about a threat now reported under another key. Rules that group flows by
// the boundary they share (else by their source element) move a threat from `rule@worker` to `rule@app` when
// another element joins, and back when it leaves; a component's id may also change (a rename, or only its
// case). The entry then matches nothing. When its recorded scope covers the threat now reported in its place
// whole, the decision still holds and is applied; when that threat covers more, or the entry recorded no
// scope, the match is only named in the stale warning, so that a decision never widens. No Node APIs.
import type { Threat } from '../analysis/types.js';
import { hasScope, keyComponent, keyRule, type RecordedScope, type ScopeContext, scopeDrift } from './scope.js';

/** A stale entry's decision and scope, with the key it was written for. */
export interface StaleDecision extends RecordedScope {
  key: string;
  /** The entry's `threat:` text, which says what it was about when written. */
  threat?: string;
}

/** The threats of a stale entry's rule that concern what it decided: the ones its scope covers whole, and the wider ones. */
export interface Regroup {
  whole: Threat[];
  wider: Threat[];
}

/**
 * The threats stale entries are compared with, by rule, and what each concerns, computed once: a file with many
 * stale entries must not cost a pass over every threat for each.
 */
export class RegroupIndex {
  private readonly byRule = new Map<string, Threat[]>();
  private readonly touched = new Map<Threat, Set<string>>();

  constructor(threats: readonly Threat[], readonly ctx: ScopeContext) {
    for (const t of threats) {
      const list = this.byRule.get(t.ruleId);
      if (list) list.push(t);
      else this.byRule.set(t.ruleId, [t]);
    }
  }

  ofRule(rule: string): readonly Threat[] {
    return this.byRule.get(rule) ?? [];
  }

  /** What a threat concerns, every way an entry may name it: its component, its key's, its flows and their ends. */
  touches(t: Threat): Set<string> {
    let out = this.touched.get(t);
    if (out) return out;
    out = new Set<string>([t.component, keyComponent(t.key), ...t.flows]);
    for (const id of t.flows) {
      const f = this.ctx.flows.get(id);
      if (f) out.add(f.from).add(f.to);
    }
    this.touched.set(t, out);
    return out;
  }
}

/**
 * The current threats of the entry's rule that concern what it decided: its recorded flows, else the component
 * its key names. Those its recorded scope covers whole (no flow, component or risk beyond it) are `whole`; a
 * threat with no flows is whole only when the scope names its component itself, not only as a flow's end.
 */
export function regroupOf(entry: StaleDecision, index: RegroupIndex): Regroup {
  const named = [keyComponent(entry.key), ...(entry.covers ?? [])];
  const out: Regroup = { whole: [], wider: [] };
  for (const t of index.ofRule(keyRule(entry.key))) {
    if (t.key === entry.key) continue;
    const seen = index.touches(t);
    if (!named.some((x) => seen.has(x))) continue;
    const direct = t.flows.length > 0 || named.includes(keyComponent(t.key));
    if (hasScope(entry) && direct && scopeDrift(entry, entry.key, t, index.ctx) === undefined) out.whole.push(t);
    else out.wider.push(t);
  }
  return out;
}

/** The title part of an entry's `threat:` text (threatmap writes `Title (rule@component)`). */
const titleOf = (text: string, key: string): string => {
  const tail = ` (${key})`;
  return text.endsWith(tail) ? text.slice(0, -tail.length) : text;
};

/**
 * Current threats of the same rule that are likely the entry's under a new component id: the id differs only in
 * case, or equals the component's name; else the threat has the title the entry's `threat:` text has; else the
 * component's name appears in that text. The first of those that finds any, at most three, by key.
 */
export function renamedCandidates(entry: StaleDecision, index: RegroupIndex): Threat[] {
  const old = keyComponent(entry.key).toLowerCase();
  const same = index.ofRule(keyRule(entry.key)).filter((t) => t.key !== entry.key);
  const title = entry.threat === undefined ? undefined : titleOf(entry.threat.trim(), entry.key);
  const tests: ((t: Threat) => boolean)[] = [
    (t) => keyComponent(t.key).toLowerCase() === old || t.componentName.toLowerCase() === old,
    (t) => title !== undefined && t.title === title,
    (t) => title !== undefined && t.componentName.length >= 3 && title.includes(t.componentName),
  ];
  for (const test of tests) {
    const found = same.filter(test);
    if (found.length) return [...found].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, 3);
  }
  return [];
}
