// The STRIDE coverage matrix: every (element or flow, category) pair ends as threat, mitigated (by which
// control) or not applicable (and why), so a reader sees that nothing was skipped.
import type { ElementKind } from '../model/catalog.js';
import type { ModelGraph } from '../model/graph.js';
import type { Element } from '../model/types.js';
import type { Mitigation, Suppression } from './engine.js';
import { type CoverageCell, type CoverageRow, STRIDE_LETTERS, STRIDE_NAMES, type Stride, type Threat } from './types.js';

/** STRIDE per element: which categories apply to each kind of DFD element. */
const APPLICABLE: Record<ElementKind | 'flow', readonly Stride[]> = {
  external: ['S', 'R'],
  process: ['S', 'T', 'R', 'I', 'D', 'E'],
  store: ['T', 'I', 'D'],
  flow: ['T', 'I', 'D'],
};

const NOT_APPLICABLE_REASON: Record<ElementKind | 'flow', string> = {
  external: 'outside the system: only its identity (S) and deniability (R) are analysed (STRIDE per element)',
  process: '',
  store: 'a data store has no identity or privileges of its own (STRIDE per element)',
  flow: 'a data flow has no identity or privileges; its ends are analysed (STRIDE per element)',
};

const applicableTo = (kind: ElementKind | 'flow', element: Element | undefined, stride: Stride) =>
  APPLICABLE[kind].includes(stride) || (stride === 'R' && element?.type === 'logs');

type Cell = { threats: string[]; controls: Set<string>; reasons: string[]; suppressed?: string };

export function buildCoverage(
  graph: ModelGraph,
  threats: readonly Threat[],
  mitigations: readonly Mitigation[],
  suppressions: readonly Suppression[],
): CoverageRow[] {
  const cells = new Map<string, Cell>();
  const cellOf = (component: string, stride: Stride): Cell => {
    const key = `${component}\u0000${stride}`;
    let c = cells.get(key);
    if (!c) {
      c = { threats: [], controls: new Set(), reasons: [] };
      cells.set(key, c);
    }
    return c;
  };

  /** Where a finding on a component lands in the matrix: the element, or each flow it covers. */
  const targets = (component: string, stride: Stride, flows: readonly string[]): string[] => {
    if (graph.elements.has(component)) return [component];
    if (graph.flows.has(component) && flows.length <= 1) return [flowCell(component, stride)];
    return flows.map((f) => flowCell(f, stride));
  };
  const flowCell = (flowId: string, stride: Stride): string => {
    if (APPLICABLE.flow.includes(stride)) return flowId;
    return graph.flows.get(flowId)?.to ?? flowId;
  };

  for (const t of threats) {
    for (const c of targets(t.component, t.stride, t.flows)) cellOf(c, t.stride).threats.push(t.id);
  }
  for (const m of mitigations) {
    for (const c of targets(m.component, m.stride, m.flows)) {
      const cell = cellOf(c, m.stride);
      for (const control of m.controls) cell.controls.add(control);
      cell.reasons.push(m.reason);
    }
  }
  for (const s of suppressions) cellOf(s.component, s.stride).suppressed = s.reason;

  const row = (component: string, kind: ElementKind | 'flow', name: string, element?: Element): CoverageRow => ({
    component,
    componentKind: kind === 'flow' ? 'flow' : 'element',
    name,
    cells: STRIDE_LETTERS.map((stride): CoverageCell => {
      const c = cells.get(`${component}\u0000${stride}`);
      if (c && c.threats.length) {
        return { stride, status: 'threat', threats: [...new Set(c.threats)], controls: [], reason: `${c.threats.length > 1 ? 'threats' : 'threat'} found` };
      }
      if (c && c.controls.size) {
        return { stride, status: 'mitigated', threats: [], controls: [...c.controls].sort(), reason: [...new Set(c.reasons)].join('; ') };
      }
      if (c?.suppressed) return { stride, status: 'not-applicable', threats: [], controls: [], reason: c.suppressed };
      if (!applicableTo(kind, element, stride)) {
        return { stride, status: 'not-applicable', threats: [], controls: [], reason: NOT_APPLICABLE_REASON[kind] };
      }
      return {
        stride, status: 'not-applicable', threats: [], controls: [],
        reason: `no ${STRIDE_NAMES[stride].toLowerCase()} rule matches its facts`,
      };
    }),
  });

  return [
    ...graph.model.elements.map((e) => row(e.id, e.kind, e.name, e)),
    ...graph.model.flows.map((f) => row(f.id, 'flow', `${graph.elements.get(f.from)?.name ?? f.from} -> ${graph.elements.get(f.to)?.name ?? f.to}`)),
  ];
}
