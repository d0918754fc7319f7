// The punch list: one action per fix, most severe first; threats fixed by the same action are merged.
import type { RuleFinding } from './engine.js';
import { riskRank } from './risk.js';
import type { Rule } from './rules/types.js';
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

const MAX_TARGETS = 10;

/** `findings[i]` is the finding behind `threats[i]`. */
export function recommend(threats: readonly Threat[], findings: readonly RuleFinding[]): Recommendation[] {
  // One action per risk level: the punch list says first what is most urgent about it.
  const groups = new Map<string, Array<Group | undefined>>();
  const all: Group[] = [];
  // Neighbours in report order mostly come from one rule: its action is looked up once for a run of them.
  let rule: Rule | undefined;
  let byRisk: Array<Group | undefined> = [];
  for (let i = 0; i < threats.length; i++) {
    const t = threats[i];
    const f = findings[i];
    const target = f.target ?? t.componentName;
    if (f.rule !== rule) {
      rule = f.rule;
      const action = rule.action.key ?? rule.id;
      const known = groups.get(action);
      if (known === undefined) {
        byRisk = [];
        groups.set(action, byRisk);
      } else byRisk = known;
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
  // An action for thousands of targets names the first few: the threat ids list every one. As in the
  // rules' texts (namesAtMost), a list is cut only when at least two names would be left out.
  const list = (items: string[]) =>
    items.length > MAX_TARGETS + 1
      ? `${items.slice(0, MAX_TARGETS).join(', ')} and ${items.length - MAX_TARGETS} more`
      : items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return all
    .sort((a, b) => riskRank(b.risk) - riskRank(a.risk) || b.threats.length - a.threats.length || a.first - b.first)
    .map((g, i) => ({
      rank: i + 1,
      risk: g.risk,
      // A function, so that a `$` in a name is not read as a replacement pattern.
      text: g.template.replace('{targets}', () => list(g.targets)),
      threats: g.threats.map((t) => t.id),
    }));
}
