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

const NONE: readonly string[] = Object.freeze([]);
/**
 * Cells that say the same thing (not applicable, and why) are one shared, frozen object: most of a large
 * model's matrix is such cells, and a fresh object with two fresh arrays each made the matrix the
 * largest part of the result in memory.
 */
const sharedCells = new Map<string, Array<CoverageCell | undefined>>();
const STRIDE_INDEX = new Map<Stride, number>(STRIDE_LETTERS.map((s, i) => [s, i]));
function notApplicable(stride: Stride, reason: string): CoverageCell {
  // Keyed by the reason (mostly the same few string objects, whose hash is cached), then by STRIDE index.
  let byStride = sharedCells.get(reason);
  if (byStride === undefined) {
    byStride = new Array<CoverageCell | undefined>(STRIDE_LETTERS.length);
    if (sharedCells.size < 10_000) sharedCells.set(reason, byStride);
  }
  const i = STRIDE_INDEX.get(stride)!;
  let cell = byStride[i];
  if (cell === undefined) {
    cell = Object.freeze({ stride, status: 'not-applicable', threats: NONE as string[], controls: NONE as string[], reason }) as CoverageCell;
    byStride[i] = cell;
  }
  return cell;
}
const NO_RULE_REASON = new Map<Stride, string>(STRIDE_LETTERS.map((s) => [s, `no ${STRIDE_NAMES[s].toLowerCase()} rule matches its facts`]));

export function buildCoverage(
  graph: ModelGraph,
  threats: readonly Threat[],
  mitigations: readonly Mitigation[],
  suppressions: readonly Suppression[],
): CoverageRow[] {
  // Component -> its six cells (by STRIDE index), created on first use.
  const cells = new Map<string, Array<Cell | undefined>>();
  const cellOf = (component: string, stride: Stride): Cell => {
    let row = cells.get(component);
    if (!row) {
      row = new Array<Cell | undefined>(STRIDE_LETTERS.length);
      cells.set(component, row);
    }
    const i = STRIDE_INDEX.get(stride)!;
    let c = row[i];
    if (!c) {
      c = { threats: [], controls: new Set(), reasons: [] };
      row[i] = c;
    }
    return c;
  };

  /** Where a finding on a component lands in the matrix: the element, or each flow it covers. */
  const targets = (component: string, stride: Stride, flows: readonly string[]): string[] => {
    // A threat on an element that lists the flows it travels over (cleartext from one source) marks
    // those flows too, where the category applies to flows.
    if (graph.elements.has(component)) {
      return [component, ...(APPLICABLE.flow.includes(stride) ? flows.filter((f) => graph.flows.has(f)) : [])];
    }
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

  // Cells repeat the same reasons and control lists thousands of times in a large model: one copy each.
  const reasons = new Map<string, string>();
  const intern = (text: string): string => {
    const known = reasons.get(text);
    if (known !== undefined) return known;
    reasons.set(text, text);
    return text;
  };
  const controlLists = new Map<string, string[]>();
  const controlList = (controls: Set<string>): string[] => {
    const sorted = [...controls].sort();
    const key = sorted.join('\u0000');
    let list = controlLists.get(key);
    if (list === undefined) {
      list = Object.freeze(sorted) as string[];
      controlLists.set(key, list);
    }
    return list;
  };

  const row = (component: string, kind: ElementKind | 'flow', name: string, element?: Element): CoverageRow => {
    const found = cells.get(component);
    return {
      component,
      componentKind: kind === 'flow' ? 'flow' : 'element',
      name,
      cells: STRIDE_LETTERS.map((stride, i): CoverageCell => {
        const c = found?.[i];
        if (c && c.threats.length) {
          return { stride, status: 'threat', threats: [...new Set(c.threats)], controls: NONE as string[], reason: c.threats.length > 1 ? 'threats found' : 'threat found' };
        }
        if (c && c.controls.size) {
          return { stride, status: 'mitigated', threats: NONE as string[], controls: controlList(c.controls), reason: intern([...new Set(c.reasons)].join('; ')) };
        }
        if (c?.suppressed) return notApplicable(stride, c.suppressed);
        if (!applicableTo(kind, element, stride)) return notApplicable(stride, NOT_APPLICABLE_REASON[kind]);
        return notApplicable(stride, NO_RULE_REASON.get(stride)!);
      }),
    };
  };

  return [
    ...graph.model.elements.map((e) => row(e.id, e.kind, e.name, e)),
    ...graph.model.flows.map((f) => row(f.id, 'flow', `${graph.elements.get(f.from)?.name ?? f.from} -> ${graph.elements.get(f.to)?.name ?? f.to}`)),
  ];
}
