// The punch list: one entry per fix and set of targets, most severe first; threats fixed by the same action are merged.
import type { RuleFinding } from './engine.js';
import { riskRank } from './risk.js';
import type { Rule } from './rules/types.js';
import type { Recommendation, Risk, Threat } from './types.js';

interface Group {
  template: string;
  risk: Risk;
  threats: Threat[];
  targets: string[];
  /** Where its first threat stands in report order. */
  first: number;
}

/** One thing to fix under one action, rated by the worst of its threats. */
interface Target {
  name: string;
  risk: Risk;
  /** The entries of its action, one per risk level: targets of one action and one risk share an entry. */
  byRisk: Array<Group | undefined>;
  listed: boolean;
}

const MAX_TARGETS = 10;

/** What a rule's action says: its key (`action.key`, else the rule id) and its text. */
export interface RuleAction {
  key: string;
  text: string;
}

/**
 * The action of each rule with findings. The rules are gathered first and read afterwards, outside the loop
 * over the findings: rule objects all differ in shape, and reading them in that loop made its optimised code
 * deoptimise at each rule it had not yet seen.
 */
export function ruleActions(findings: readonly RuleFinding[]): Map<Rule, RuleAction> {
  const rules = new Set<Rule>();
  for (let i = 0; i < findings.length; i++) rules.add(findings[i].rule);
  const actions = new Map<Rule, RuleAction>();
  for (const rule of rules) actions.set(rule, { key: rule.action.key ?? rule.id, text: rule.action.text });
  return actions;
}

/**
 * Each threat's target under its action (`action.key`, else the rule id), with the target rated by the worst
 * threat it has: a fix is urgent for a target as a whole, not per threat.
 */
function targetsOf(threats: readonly Threat[], findings: readonly RuleFinding[], ruleAction: ReadonlyMap<Rule, RuleAction>): Target[] {
  const actions = new Map<string, { byTarget: Map<string, Target>; byRisk: Array<Group | undefined> }>();
  const out = new Array<Target>(threats.length);
  // Neighbours in report order mostly come from one rule: its action is looked up once for a run of them.
  let rule: Rule | undefined;
  let action: { byTarget: Map<string, Target>; byRisk: Array<Group | undefined> } | undefined;
  for (let i = 0; i < threats.length; i++) {
    const t = threats[i];
    const f = findings[i];
    if (f.rule !== rule || action === undefined) {
      rule = f.rule;
      const key = ruleAction.get(rule)!.key;
      action = actions.get(key);
      if (action === undefined) {
        action = { byTarget: new Map(), byRisk: [] };
        actions.set(key, action);
      }
    }
    const name = f.target ?? t.componentName;
    let target = action.byTarget.get(name);
    if (target === undefined) {
      target = { name, risk: t.risk, byRisk: action.byRisk, listed: false };
      action.byTarget.set(name, target);
    } else if (riskRank(t.risk) > riskRank(target.risk)) target.risk = t.risk;
    out[i] = target;
  }
  return out;
}

/**
 * `a, b and c`. An action for thousands of targets names the first few: the threat ids list every one. As in
 * the rules' texts (namesAtMost), a list is cut only when at least two names would be left out.
 */
export const namesList = (items: readonly string[]): string =>
  items.length > MAX_TARGETS + 1
    ? `${items.slice(0, MAX_TARGETS).join(', ')} and ${items.length - MAX_TARGETS} more`
    : items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/**
 * `findings[i]` is the finding behind `threats[i]`. One entry per action and set of targets: a target's threats
 * all sit in one entry, at the risk of its worst; targets of one action at the same risk share an entry.
 */
export function recommend(threats: readonly Threat[], findings: readonly RuleFinding[]): Recommendation[] {
  const ruleAction = ruleActions(findings);
  return groupsOf(threats, findings, targetsOf(threats, findings, ruleAction), ruleAction)
    .sort((a, b) => riskRank(b.risk) - riskRank(a.risk) || b.threats.length - a.threats.length || a.first - b.first)
    .map((g, i) => ({
      rank: i + 1,
      risk: g.risk,
      // A function, so that a `$` in a name is not read as a replacement pattern.
      text: g.template.replace('{targets}', () => namesList(g.targets)),
      threats: g.threats.map((t) => t.id),
    }));
}

/**
 * The entries in the order first met, from one loop of its own: in the function that goes on to sort them, the
 * loop was optimised for its own sake and the code after it deoptimised at once.
 */
function groupsOf(threats: readonly Threat[], findings: readonly RuleFinding[], targets: readonly Target[], ruleAction: ReadonlyMap<Rule, RuleAction>): Group[] {
  const all: Group[] = [];
  for (let i = 0; i < threats.length; i++) {
    const target = targets[i];
    const level = riskRank(target.risk);
    let g = target.byRisk[level];
    if (g === undefined) {
      g = { template: ruleAction.get(findings[i].rule)!.text, risk: target.risk, threats: [], targets: [], first: i };
      target.byRisk[level] = g;
      all.push(g);
    }
    g.threats.push(threats[i]);
    if (!target.listed) {
      target.listed = true;
      g.targets.push(target.name);
    }
  }
  return all;
}

/** Steps that hold for the same components, in the order first met, and those components. */
export interface StepSet {
  steps: string[];
  components: string[];
}

/** The steps among some threats, grouped by the components they hold for; `all` when every threat has them all. */
export interface StepSets {
  sets: StepSet[];
  all: boolean;
}

/**
 * The steps some threats carry (a punch-list entry's, a rule's), each written once: steps are grouped by the
 * components they hold for, so that a Postgres step shared by ten zones is not repeated under each zone's own
 * mix of technologies. Threats without steps are left out; `all` says whether any were.
 */
export function stepSets(threats: Iterable<Threat>): StepSets {
  const forStep = new Map<string, { names: string[]; seen: Set<string> }>();
  let all = true;
  for (const t of threats) {
    const steps = t.mitigationSteps;
    if (steps === undefined || steps.length === 0) {
      all = false;
      continue;
    }
    const name = t.componentName;
    for (const step of steps) {
      const found = forStep.get(step);
      if (found === undefined) forStep.set(step, { names: [name], seen: new Set([name]) });
      else if (!found.seen.has(name)) {
        found.seen.add(name);
        found.names.push(name);
      }
    }
  }
  const sets = byComponents(forStep);
  return { sets, all: all && sets.length === 1 };
}

/** The steps grouped by their components, in the order first met (a function of its own, see groupsOf). */
function byComponents(forStep: ReadonlyMap<string, { names: string[] }>): StepSet[] {
  const sets = new Map<string, StepSet>();
  for (const [step, { names: components }] of forStep) {
    const key = components.join('\n');
    const set = sets.get(key);
    if (set === undefined) sets.set(key, { steps: [step], components });
    else set.steps.push(step);
  }
  return [...sets.values()];
}

/**
 * The steps of a punch-list entry's threats, looked up by id. Most models name no technology with steps:
 * then no index of the threats is built and every entry has none.
 */
export function recommendationSteps(threats: readonly Threat[]): (rec: Recommendation) => StepSets | undefined {
  if (!threats.some((t) => t.mitigationSteps !== undefined)) return () => undefined;
  const byId = new Map<string, Threat>();
  for (const t of threats) byId.set(t.id, t);
  return (rec) => {
    const found = stepSets(rec.threats.map((id) => byId.get(id)).filter((t): t is Threat => t !== undefined));
    return found.sets.length === 0 ? undefined : found;
  };
}
