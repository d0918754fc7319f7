// The diff as Markdown for a pull-request comment (short, most important first) and as JSON.
import { riskRank } from '../analysis/risk.js';
import { cell, inline } from '../render/markdown.js';
import { terminalSafe } from '../render/terminal-safe.js';
import type {
  CrossingRef, DecidedChange, DecisionChange, DecisionField, DecisionRef, DiffSideInfo, EntryPointRef, ModelSetting, PathChange, PathRef, ResultDiff,
  SuppressedThreat, ThreatRef,
} from './diff.js';
import { countsPhrase } from './triage.js';
import type { RiskCounts } from './types.js';
import { plural } from '../model/diagnostics.js';

/** How the first line of the comment starts; diffMarker is the whole line. */
export const DIFF_MARKER = '<!-- threatmap-diff';
/**
 * The first line of the comment, naming the model: CI jobs find their earlier comment by it and update it in place,
 * one comment per model (a `--` would end the HTML comment early, so it is written `-%2D`).
 */
export const diffMarker = (model: string): string => `${DIFF_MARKER}:${model.replace(/--/g, '-%2D')} -->`;

const code = (text: string) => `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function byRisk(list: readonly ThreatRef[]): RiskCounts {
  const c: RiskCounts = { Critical: 0, High: 0, Medium: 0, Low: 0, total: 0 };
  for (const t of list) {
    c[t.risk]++;
    c.total++;
  }
  return c;
}

const threatRow = (t: ThreatRef): string[] =>
  [t.id, code(t.uid), `**${t.risk}**`, t.stride, cell(t.componentName), cell(t.title), t.status];

/** A threat no longer reported: its report number was the old report's, and names another threat in the new one. */
const resolvedRow = (t: ThreatRef): string[] => [code(t.uid), `**${t.risk}**`, t.stride, cell(t.componentName), cell(t.title)];

const riskChange = (before: ThreatRef, after: ThreatRef): string =>
  (before.risk === after.risk ? after.risk : `${before.risk} -> **${after.risk}** ${riskRank(after.risk) > riskRank(before.risk) ? '(up)' : '(down)'}`);

/** Where a model setting is written: `shop.yaml:12` when its line is known, else its path in the model. */
const settingPlace = (s: ModelSetting, file: string): string => (s.line !== undefined ? code(`${file}:${s.line}`) : code(s.path));

const suppressedRow = (s: SuppressedThreat, file: string): string[] => [
  code(s.threat.uid), `**${s.threat.risk}**`, cell(`${s.threat.title} (${s.threat.componentName})`),
  s.after ? `${s.threat.risk} -> **${s.after.risk}**, ${s.after.status}` : 'no longer reported',
  `${s.by.kind === 'assumption' ? 'assumption: ' : ''}${code(s.by.text)}`, settingPlace(s.by, file),
];

/** A decision's status in words: one not in force says what it was written as, and why it is not in force. */
const statusWords = (d: DecisionRef): string => (d.declared ? `${d.status} (${d.declared}, ${d.drift ? 'needs review' : 'expired'})` : d.status);

const fieldWords = (d: DecisionRef, f: DecisionField): string => (f === 'status' ? statusWords(d) : d[f] ?? '');

/**
 * One field of an edited decision: its value, or `before -> **after**` when the change edited it (the status also
 * when only the one in force moved, as when a lapsed acceptance is renewed).
 */
function fieldCell(c: DecisionChange, f: DecisionField): string {
  const [before, after] = [fieldWords(c.before, f), fieldWords(c.after, f)];
  if (!c.changed.includes(f) && before === after) return cell(after);
  return `${cell(before) || '(none)'} -> **${cell(after) || '(none)'}**`;
}

/** The columns of the triage table: status, reason, owner and expiry always, ticket and review when one of them was edited. */
const triageFields = (changes: readonly DecisionChange[]): DecisionField[] => {
  const always: DecisionField[] = ['status', 'reason', 'owner', 'expires'];
  const edited = (f: DecisionField) => changes.some((c) => c.changed.includes(f));
  return [...always, ...(['ticket', 'review'] as const).filter(edited)];
};

const FIELD_HEADERS: Record<DecisionField, string> = { status: 'Status', reason: 'Reason', owner: 'Owner', ticket: 'Ticket', expires: 'Expires', review: 'Review' };

/** At most this many flows in a cell: an aggregated threat can cover hundreds. */
const FLOWS_SHOWN = 8;

/** The flows a decided threat covers now, those added marked `+`, then those it no longer covers marked `−`. */
function flowsMoved(c: DecidedChange, flows: readonly string[]): string {
  const added = new Set(c.flowsAdded);
  const all = [...flows.map((f) => (added.has(f) ? `+${code(f)}` : code(f))), ...c.flowsRemoved.map((f) => `−${code(f)}`)];
  if (all.length === 0) return 'none';
  return all.length > FLOWS_SHOWN ? `${all.slice(0, FLOWS_SHOWN).join(' ')} and ${all.length - FLOWS_SHOWN} more` : all.join(' ');
}

/** Why the decision was taken (its reason, and the ticket that tracks it), and for a drifted one what it was made for. */
const decisionWhy = (d: DecisionRef): string =>
  cell([d.reason, d.ticket && `(${d.ticket})`, d.drift && `— needs review: ${d.drift}`].filter(Boolean).join(' '));

const decidedRow = (c: DecidedChange): string[] => [
  code(c.after.uid), cell(`${c.after.title} (${c.after.componentName})`), `**${statusWords(c.decision)}**`, riskChange(c.before, c.after),
  flowsMoved(c, c.flows), decisionWhy(c.decision),
];

const crossingRow = (c: CrossingRef): string[] => [cell(`${c.fromName} -> ${c.toName}`), cell(c.label), code(c.flow)];

// "Endpoint" for what the model declares under `endpoints:`, as the report says: "entry points" are where attack paths start.
const entryRow = (e: EntryPointRef): string[] =>
  [cell(e.name), e.endpoint ? 'endpoint' : 'component', e.category, cell(e.detail), e.exposed ? (e.newlyExposed ? '**newly exposed**' : '**yes**') : 'no'];

const SURFACE_HEAD = ['Endpoint or component', 'Kind', 'Surface', 'Detail', 'Exposed'];

/** `2 endpoints`, `1 component` or `1 endpoint and 1 component`: what a list of attack-surface entries holds. */
function surfaceWords(list: readonly EntryPointRef[]): string {
  const endpoints = list.filter((e) => e.endpoint).length;
  const components = list.length - endpoints;
  return [endpoints && plural(endpoints, 'endpoint'), components && plural(components, 'component')].filter(Boolean).join(' and ');
}

/** How hard a path is, in words: `2 of 4 hops authenticated` (or that there is none). */
export const hardnessOf = (p: PathRef | undefined): string =>
  p === undefined ? 'no path' : `${p.authenticatedHops} of ${plural(p.hops, 'hop')} authenticated${p.risk ? `, ${p.risk}` : ''}`;

const pathRow = (c: PathChange): string[] =>
  [cell(c.assetName), hardnessOf(c.before), `**${hardnessOf(c.after)}**`, c.after ? cell(c.after.route.join(' → ')) : cell(c.before!.route.join(' → '))];

export function diffHeadline(d: ResultDiff): string {
  if (!d.changed) return 'no change to threats, triage decisions, boundary crossings, the attack surface or attack paths';
  const suppressed = d.suppressed ?? [];
  const decided = d.decidedChanged ?? [];
  const triage = triageRows(d);
  const parts: string[] = [];
  if (d.newThreats.length) parts.push(`${plural(d.newThreats.length, 'new threat')} (${countsPhrase(byRisk(d.newThreats))})`);
  if (suppressed.length) parts.push(`${suppressed.length} suppressed or re-rated down by the model`);
  if (d.resolvedThreats.length) parts.push(`${d.resolvedThreats.length} resolved`);
  if (d.rerated.length) parts.push(`${d.rerated.length} re-rated`);
  if (decided.length) parts.push(`${plural(decided.length, 'decided threat')} changed`);
  if (triage.length) parts.push(plural(triage.length, 'triage change'));
  if (d.newCrossings.length) parts.push(plural(d.newCrossings.length, 'new boundary crossing'));
  if (d.removedCrossings.length) parts.push(`${plural(d.removedCrossings.length, 'boundary crossing')} removed`);
  if (d.newEntryPoints.length) parts.push(`${surfaceWords(d.newEntryPoints)} added to the attack surface`);
  if (d.removedEntryPoints.length) parts.push(`${surfaceWords(d.removedEntryPoints)} removed from the attack surface`);
  if (d.easierPaths.length) parts.push(plural(d.easierPaths.length, 'easier attack path'));
  if (d.harderPaths.length) parts.push(plural(d.harderPaths.length, 'harder attack path'));
  return parts.join(', ');
}

/** The residual risk at both ends, `open` counts by risk: what a reviewer weighs first. */
export function residualLine(d: ResultDiff): string | undefined {
  const [before, after] = [d.old.open, d.new.open];
  if (!before || !after) return undefined;
  const words = (c: RiskCounts) => `${c.total} (${countsPhrase(c)})`;
  const same = (['Critical', 'High', 'Medium', 'Low'] as const).every((r) => before[r] === after[r]);
  return `**Residual risk** (open or mitigating threats): ${same ? `${words(after)}, unchanged` : `${words(before)} -> **${words(after)}**`}.`;
}

/** What the base was when there was none to compare with: a model new in the change, or one that did not load there. */
function baseWords(side: DiffSideInfo): string {
  if (side.exists) return '';
  if (side.loadError !== undefined) return ` (did not load: ${code(side.loadError)}; every threat is judged as new)`;
  return ' (not there: a new model)';
}

export function renderDiffMarkdown(d: ResultDiff): string {
  const residual = residualLine(d);
  const out = [
    diffMarker(d.new.file),
    `## Threat model changes: ${inline(d.system)}`,
    '',
    `${code(d.old.label)}${baseWords(d.old)} -> ${code(d.new.label)}: **${diffHeadline(d)}**.`,
    '',
    ...(residual ? [residual, ''] : []),
  ];
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    // One push per line: spreading the rows of a large model's diff overflows the call stack.
    out.push(`### ${title}`, '');
    for (const line of lines) out.push(line);
    out.push('');
  };
  const suppressed = d.suppressed ?? [];
  const decided = d.decidedChanged ?? [];
  const head = ['ID', 'Stable id', 'Risk', 'STRIDE', 'Component', 'Threat', 'Status'];
  section('New threats', d.newThreats.length ? table(head, d.newThreats.map(threatRow)) : []);
  section('Suppressed or re-rated by the model', suppressed.length
    ? ['Gone or rated lower because this change disabled a rule, overrode its rating or added an assumption in the model: no triage decision, ' +
      'owner or expiry covers them. Review the model line as you would an acceptance:', '',
    ...table(['Stable id', 'Risk', 'Threat', 'Now', 'By', 'Model line'], suppressed.map((s) => suppressedRow(s, d.new.file)))]
    : []);
  section('Decided threats that changed', decided.length
    ? ['Their decision was made about the threat as it was: it now covers other flows, or has another risk. Review the decision:', '',
      ...table(['Stable id', 'Threat', 'Status', 'Risk', 'Flows now (+ added, − removed)', 'Reason'], decided.map(decidedRow))]
    : []);
  section('Re-rated threats', d.rerated.length
    ? table(['ID', 'Stable id', 'Threat', 'Risk', 'Likelihood', 'Impact', 'Status'], d.rerated.map((r) => [
      r.after.id, code(r.after.uid), cell(`${r.after.title} (${r.after.componentName})`), riskChange(r.before, r.after),
      r.before.likelihood === r.after.likelihood ? r.after.likelihood : `${r.before.likelihood} -> ${r.after.likelihood}`,
      r.before.impact === r.after.impact ? r.after.impact : `${r.before.impact} -> ${r.after.impact}`,
      r.after.status,
    ]))
    : []);
  section('Resolved threats', d.resolvedThreats.length
    ? ['No longer reported (fixed, or the model no longer has what they concerned):', '',
      ...table(['Stable id', 'Risk', 'STRIDE', 'Component', 'Threat'], d.resolvedThreats.map(resolvedRow))]
    : []);
  triageSection(d, section);
  const pathHead = ['Asset', 'Before', 'Now', 'Route'];
  section('Easier attack paths', d.easierPaths.length
    ? ['An entry point now reaches these assets with fewer credentials to present or fewer hops (or at all); the route is the easiest now:', '',
      ...table(pathHead, d.easierPaths.map(pathRow))]
    : []);
  section('Harder attack paths', d.harderPaths.length
    ? ['These assets now ask more of an attacker (or no entry point reaches them); the route is the easiest now, or the one closed:', '',
      ...table(pathHead, d.harderPaths.map(pathRow))]
    : []);
  section('New boundary crossings', d.newCrossings.length ? table(['Flow', 'Crossing', 'Flow id'], d.newCrossings.map(crossingRow)) : []);
  section('Removed boundary crossings', d.removedCrossings.length ? table(['Flow', 'Crossing', 'Flow id'], d.removedCrossings.map(crossingRow)) : []);
  section('Added to the attack surface', d.newEntryPoints.length ? table(SURFACE_HEAD, d.newEntryPoints.map(entryRow)) : []);
  section('Removed from the attack surface', d.removedEntryPoints.length ? table(SURFACE_HEAD, d.removedEntryPoints.map(entryRow)) : []);
  // A pull-request comment is also printed in the terminal that ran the diff: no model text may drive it.
  return terminalSafe(`${out.join('\n').trimEnd()}\n`);
}

/**
 * The rows of the triage table: every edited decision, and every other change of the status in force that no other
 * section explains (a drifted decision is among the decided threats that changed). A diff built without
 * `triageChanges` has its status changes alone.
 */
function triageRows(d: ResultDiff): DecisionChange[] {
  const explained = new Set([...(d.triageChanges ?? []), ...(d.decidedChanged ?? []).map((c) => ({ threat: c.after }))].map((c) => c.threat.key));
  const statusOnly = d.statusChanges
    .filter((s) => !explained.has(s.threat.key))
    .map((s): DecisionChange => ({ threat: s.threat, before: { status: s.from }, after: { status: s.to }, changed: [] }));
  return [...(d.triageChanges ?? []), ...statusOnly];
}

/** Decisions, a row each with the fields before -> after. */
function triageSection(d: ResultDiff, section: (title: string, lines: string[]) => void): void {
  const rows = triageRows(d);
  const fields = triageFields(rows);
  section('Triage changes', rows.length
    ? table(['ID', 'Stable id', 'Threat', 'Risk', ...fields.map((f) => FIELD_HEADERS[f])], rows.map((c) => [
      c.threat.id, code(c.threat.uid), cell(`${c.threat.title} (${c.threat.componentName})`), c.threat.risk, ...fields.map((f) => fieldCell(c, f)),
    ]))
    : []);
}

export const renderDiffJson = (d: ResultDiff): string => `${JSON.stringify(d, null, 2)}\n`;
