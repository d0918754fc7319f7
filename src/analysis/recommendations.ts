// The punch list: one action per fix, most severe first; threats fixed by the same action are merged.
import type { RuleFinding } from './engine.js';
import { riskRank } from './risk.js';
import type { Recommendation, Risk, Threat } from './types.js';

interface Group {
  template: string;
  risk: Risk;
  threats: Threat[];
  targets: string[];
  /** Mirrors `targets` for constant-time membership: a large model puts thousands of targets in one group. */
  named: Set<string>;
  /** Where its first threat stands in report order. */
  first: number;
}

/** `findings[i]` is the finding behind `threats[i]`. */
export function recommend(threats: readonly Threat[], findings: readonly RuleFinding[]): Recommendation[] {
  // One action per risk level: the punch list says first what is most urgent about it.
  const groups = new Map<string, Array<Group | undefined>>();
  const all: Group[] = [];
  for (let i = 0; i < threats.length; i++) {
    const t = threats[i];
    const f = findings[i];
    const action = f.rule.action.key ?? f.rule.id;
    const target = f.target ?? t.componentName;
    let byRisk = groups.get(action);
    if (byRisk === undefined) {
      byRisk = [];
      groups.set(action, byRisk);
    }
    const level = riskRank(t.risk);
    const g = byRisk[level];
    if (g === undefined) {
      const created = { template: f.rule.action.text, risk: t.risk, threats: [t], targets: [target], named: new Set([target]), first: i };
      byRisk[level] = created;
      all.push(created);
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
  return all
    .sort((a, b) => riskRank(b.risk) - riskRank(a.risk) || b.threats.length - a.threats.length || a.first - b.first)
    .map((g, i) => ({
      rank: i + 1,
      risk: g.risk,
      text: g.template.replace('{targets}', list(g.targets)),
      threats: g.threats.map((t) => t.id),
    }));
}
