// Mermaid `flowchart` (renders on GitHub and GitLab): subgraphs for trust boundaries, DFD shapes per kind.
// Ids are generated (n1, b1...), never taken from the model, so no name or id can break the syntax.
import type { AnalysisResult, Risk } from '../../analysis/types.js';
import { mermaidText } from './escape.js';
import { buildDiagram, type DiagramModel, type DiagramNode, type DiagramOptions, nesting } from './model.js';
import { RISK_COLORS, riskOrder } from './style.js';

export function renderMermaid(result: AnalysisResult, options: DiagramOptions = {}): string {
  return mermaidFromModel(buildDiagram(result, options), options);
}

export function mermaidFromModel(model: DiagramModel, options: DiagramOptions = {}): string {
  const nodeId = new Map(model.nodes.map((n, i) => [n.id, `n${i + 1}`]));
  const groupId = new Map(model.groups.map((g, i) => [g.id, `b${i + 1}`]));
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  const shape = (n: DiagramNode): string => {
    const label = `"${mermaidText(n.name)}${n.note ? ` (${mermaidText(n.note)})` : ''}"`;
    switch (n.kind) {
      case 'process': return `([${label}])`;
      case 'store': return `[(${label})]`;
      case 'boundary': return `[[${label}]]`;
      default: return `[${label}]`;
    }
  };
  const nest = nesting(model);
  const emit = (parent: string | undefined, indent: string): void => {
    for (const g of nest.groups.get(parent) ?? []) {
      lines.push(`${indent}subgraph ${groupId.get(g.id)}["${mermaidText(g.name)}"]`);
      emit(g.id, `${indent}  `);
      lines.push(`${indent}end`);
    }
    for (const n of nest.nodes.get(parent) ?? []) lines.push(`${indent}${nodeId.get(n.id)}${shape(n)}`);
  };
  emit(undefined, '  ');
  model.edges.forEach((e) => {
    const label = e.label === '' ? '' : `|"${mermaidText(e.label)}"|`;
    lines.push(`  ${nodeId.get(e.from)} -->${label} ${nodeId.get(e.to)}`);
  });
  for (const id of groupId.values()) lines.push(`  style ${id} fill:none,stroke:#666,stroke-dasharray:5 5`);
  if (options.colorByRisk) {
    const used = new Set<Risk>();
    for (const r of riskOrder) {
      const nodes = model.nodes.filter((n) => n.risk === r).map((n) => nodeId.get(n.id));
      const edges = model.edges.flatMap((e, i) => (e.risk === r ? [i] : []));
      if (nodes.length === 0 && edges.length === 0) continue;
      used.add(r);
      const c = RISK_COLORS[r];
      lines.push(`  classDef risk${r} fill:${c.fill},stroke:${c.stroke},color:#000`);
      if (nodes.length > 0) lines.push(`  class ${nodes.join(',')} risk${r}`);
      if (edges.length > 0) lines.push(`  linkStyle ${edges.join(',')} stroke:${c.stroke},stroke-width:2px`);
    }
    if (used.size > 0) {
      lines.push('  subgraph legend["Highest risk"]');
      for (const r of riskOrder) if (used.has(r)) lines.push(`    legend${r}["${r}"]:::risk${r}`);
      lines.push('  end');
    }
  }
  return `${lines.join('\n')}\n`;
}
