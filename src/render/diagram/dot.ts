// Graphviz DOT: clusters (dashed) for trust boundaries, DFD shapes per kind. Every string is quoted and
// escaped and every id generated, so any name is safe; the SVG and PNG are drawn from this.
import type { AnalysisResult } from '../../analysis/types.js';
import { dotText } from './escape.js';
import { buildDiagram, type DiagramModel, type DiagramNode, type DiagramOptions, nesting } from './model.js';
import { RISK_COLORS, riskOrder } from './style.js';

const FONT = 'Helvetica';

export function renderDot(result: AnalysisResult, options: DiagramOptions = {}): string {
  return dotFromModel(buildDiagram(result, options), options);
}

export function dotFromModel(model: DiagramModel, options: DiagramOptions = {}): string {
  const nodeId = new Map(model.nodes.map((n, i) => [n.id, `n${i + 1}`]));
  const groupId = new Map(model.groups.map((g, i) => [g.id, `cluster_${i + 1}`]));
  const q = (s: string): string => `"${dotText(s)}"`;
  const color = options.colorByRisk === true;
  const lines = [
    `digraph ${q(model.title)} {`,
    `  graph [rankdir=${options.direction === 'TD' ? 'TB' : 'LR'}, fontname="${FONT}", fontsize=12, nodesep=0.35, ranksep=0.6, pad=0.2, newrank=true];`,
    `  node [fontname="${FONT}", fontsize=11, color="#333333", fillcolor="#ffffff", style=filled, margin="0.15,0.06"];`,
    `  edge [fontname="${FONT}", fontsize=9, color="#555555", fontcolor="#333333", arrowsize=0.7];`,
  ];
  const attrs = (n: DiagramNode): string => {
    // `\n` is Graphviz's own line break, written after escaping so that it stays one.
    const label = n.note ? `"${dotText(n.name)}\\n${dotText(n.note)}"` : q(n.name);
    const shape =
      n.kind === 'process' ? 'shape=box, style="rounded,filled"'
      : n.kind === 'store' ? 'shape=cylinder'
      : n.kind === 'boundary' ? 'shape=box, style="dashed,filled"'
      : 'shape=box';
    const risk = color && n.risk ? `, fillcolor="${RISK_COLORS[n.risk].fill}", color="${RISK_COLORS[n.risk].stroke}"` : '';
    return `[label=${label}, ${shape}${risk}]`;
  };
  const nest = nesting(model);
  const emit = (parent: string | undefined, indent: string): void => {
    for (const g of nest.groups.get(parent) ?? []) {
      lines.push(`${indent}subgraph ${groupId.get(g.id)} {`);
      lines.push(`${indent}  label=${q(g.name)}; labeljust=l; style="dashed,rounded"; color="#666666"; fontcolor="#333333"; margin=12;`);
      emit(g.id, `${indent}  `);
      lines.push(`${indent}}`);
    }
    for (const n of nest.nodes.get(parent) ?? []) lines.push(`${indent}${nodeId.get(n.id)} ${attrs(n)};`);
  };
  emit(undefined, '  ');
  for (const e of model.edges) {
    const risk = color && e.risk ? `, color="${RISK_COLORS[e.risk].stroke}", penwidth=1.6` : '';
    const label = e.label === '' ? '' : `label=${q(e.label)}`;
    lines.push(`  ${nodeId.get(e.from)} -> ${nodeId.get(e.to)} [${label}${risk}];`);
  }
  if (color) {
    // The legend is the graph's own label, an HTML-like table built from constants only (no model text).
    const used = riskOrder.filter((r) => model.nodes.some((n) => n.risk === r) || model.edges.some((e) => e.risk === r));
    if (used.length > 0) {
      const cells = used
        .map((r) => `<TD BGCOLOR="${RISK_COLORS[r].fill}" COLOR="${RISK_COLORS[r].stroke}" BORDER="1">${r}</TD>`)
        .join('');
      lines.push(`  label=<<TABLE BORDER="0" CELLSPACING="4"><TR><TD>Highest risk:</TD>${cells}</TR></TABLE>>;`);
      lines.push('  labelloc=b; labeljust=r; fontsize=10;');
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
