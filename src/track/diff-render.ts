// The diff as Markdown for a pull-request comment (short, most important first) and as JSON.
import { cell, inline } from '../render/markdown.js';
import { terminalSafe } from '../render/terminal-safe.js';
import type { CrossingRef, EntryPointRef, PathChange, PathRef, ResultDiff, ThreatRef } from './diff.js';
import { countsPhrase } from './triage.js';
import type { RiskCounts } from './types.js';
import { plural } from '../model/diagnostics.js';

/** The first line of the comment: CI jobs find their earlier comment by it and update it in place. */
export const DIFF_MARKER = '<!-- threatmap-diff -->';

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

const crossingRow = (c: CrossingRef): string[] => [cell(`${c.fromName} -> ${c.toName}`), cell(c.label), code(c.flow)];

const entryRow = (e: EntryPointRef): string[] =>
  [cell(e.name), e.category, cell(e.detail), e.exposed ? (e.newlyExposed ? '**newly exposed**' : '**yes**') : 'no'];

/** How hard a path is, in words: `2 of 4 hops authenticated` (or that there is none). */
export const hardnessOf = (p: PathRef | undefined): string =>
  p === undefined ? 'no path' : `${p.authenticatedHops} of ${plural(p.hops, 'hop')} authenticated${p.risk ? `, ${p.risk}` : ''}`;

const pathRow = (c: PathChange): string[] =>
  [cell(c.assetName), hardnessOf(c.before), `**${hardnessOf(c.after)}**`, c.after ? cell(c.after.route.join(' → ')) : cell(c.before!.route.join(' → '))];

export function diffHeadline(d: ResultDiff): string {
  if (!d.changed) return 'no change to threats, boundary crossings, entry points or attack paths';
  const parts: string[] = [];
  if (d.newThreats.length) parts.push(`${plural(d.newThreats.length, 'new threat')} (${countsPhrase(byRisk(d.newThreats))})`);
  if (d.resolvedThreats.length) parts.push(`${d.resolvedThreats.length} resolved`);
  if (d.rerated.length) parts.push(`${d.rerated.length} re-rated`);
  if (d.statusChanges.length) parts.push(plural(d.statusChanges.length, 'triage change'));
  if (d.newCrossings.length) parts.push(plural(d.newCrossings.length, 'new boundary crossing'));
  if (d.removedCrossings.length) parts.push(`${plural(d.removedCrossings.length, 'boundary crossing')} removed`);
  if (d.newEntryPoints.length) parts.push(plural(d.newEntryPoints.length, 'new entry point'));
  if (d.removedEntryPoints.length) parts.push(`${plural(d.removedEntryPoints.length, 'entry point')} removed`);
  if (d.easierPaths.length) parts.push(plural(d.easierPaths.length, 'easier attack path'));
  if (d.harderPaths.length) parts.push(plural(d.harderPaths.length, 'harder attack path'));
  return parts.join(', ');
}

export function renderDiffMarkdown(d: ResultDiff): string {
  const out = [
    DIFF_MARKER,
    `## Threat model changes: ${inline(d.system)}`,
    '',
    `${code(d.old.label)}${d.old.exists ? '' : ' (not there: a new model)'} -> ${code(d.new.label)}: **${diffHeadline(d)}**.`,
    '',
  ];
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    // One push per line: spreading the rows of a large model's diff overflows the call stack.
    out.push(`### ${title}`, '');
    for (const line of lines) out.push(line);
    out.push('');
  };
  const head = ['ID', 'Stable id', 'Risk', 'STRIDE', 'Component', 'Threat', 'Status'];
  section('New threats', d.newThreats.length ? table(head, d.newThreats.map(threatRow)) : []);
  section('Re-rated threats', d.rerated.length
    ? table(['ID', 'Stable id', 'Threat', 'Risk', 'Likelihood', 'Impact'], d.rerated.map((r) => [
      r.after.id, code(r.after.uid), cell(`${r.after.title} (${r.after.componentName})`),
      `${r.before.risk} -> **${r.after.risk}** ${r.direction === 'up' ? '(up)' : '(down)'}`,
      r.before.likelihood === r.after.likelihood ? r.after.likelihood : `${r.before.likelihood} -> ${r.after.likelihood}`,
      r.before.impact === r.after.impact ? r.after.impact : `${r.before.impact} -> ${r.after.impact}`,
    ]))
    : []);
  section('Resolved threats', d.resolvedThreats.length
    ? ['No longer reported (fixed, or the model no longer has what they concerned):', '', ...table(head.slice(0, 6), d.resolvedThreats.map((t) => threatRow(t).slice(0, 6)))]
    : []);
  section('Triage changes', d.statusChanges.length
    ? table(['ID', 'Stable id', 'Threat', 'Status'], d.statusChanges.map((s) => [
      s.threat.id, code(s.threat.uid), cell(`${s.threat.title} (${s.threat.componentName})`), `${s.from} -> **${s.to}**`,
    ]))
    : []);
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
  section('New entry points', d.newEntryPoints.length ? table(['Entry point', 'Surface', 'Detail', 'Exposed'], d.newEntryPoints.map(entryRow)) : []);
  section('Removed entry points', d.removedEntryPoints.length ? table(['Entry point', 'Surface', 'Detail', 'Exposed'], d.removedEntryPoints.map(entryRow)) : []);
  // A pull-request comment is also printed in the terminal that ran the diff: no model text may drive it.
  return terminalSafe(`${out.join('\n').trimEnd()}\n`);
}

export const renderDiffJson = (d: ResultDiff): string => `${JSON.stringify(d, null, 2)}\n`;
