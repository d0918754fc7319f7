// The punch list: one action per fix, most severe first; threats fixed by the same action are merged.
import type { RuleFinding } from './engine.js';
import { riskRank } from './risk.js';
import type { Recommendation, Risk, Threat } from './types.js';

export function recommend(threats: readonly Threat[], findings: ReadonlyMap<string, RuleFinding>): Recommendation[] {
  // `named` mirrors `targets` for constant-time membership: a large model puts thousands of targets in one group.
  const groups = new Map<string, { template: string; risk: Risk; threats: Threat[]; targets: string[]; named: Set<string> }>();
  for (const t of threats) {
    const f = findings.get(t.key);
    if (!f) continue;
    // One action per risk level: the punch list says first what is most urgent about it.
    const key = `${f.rule.action.key ?? f.rule.id}\u0000${t.risk}`;
    const target = f.target ?? t.componentName;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { template: f.rule.action.text, risk: t.risk, threats: [t], targets: [target], named: new Set([target]) });
      continue;
    }
    g.threats.push(t);
    if (!g.named.has(target)) {
      g.named.add(target);
      g.targets.push(target);
    }
  }
  const list = (items: string[]) =>
    items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  // Computed once per group, not per comparison (and without spreading thousands of arguments).
  const firstIndex = new Map<Threat[], number>();
  for (const g of groups.values()) {
    let min = Infinity;
    for (const t of g.threats) min = Math.min(min, Number(t.id.slice(1)));
    firstIndex.set(g.threats, min);
  }
  return [...groups.values()]
    .sort((a, b) =>
      riskRank(b.risk) - riskRank(a.risk) ||
      b.threats.length - a.threats.length ||
      firstIndex.get(a.threats)! - firstIndex.get(b.threats)!)
    .map((g, i) => ({
      rank: i + 1,
      risk: g.risk,
      text: g.template.replace('{targets}', list(g.targets)),
      threats: g.threats.map((t) => t.id),
    }));
}
