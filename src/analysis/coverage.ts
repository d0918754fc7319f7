// The STRIDE coverage matrix: every (element or flow, category) pair ends as threat, mitigated (by which
// control), checked with nothing found, or not applicable (and why), so a reader sees that nothing was skipped.
import { flat } from '../model/flat.js';
import type { ElementKind } from '../model/catalog.js';
import type { ModelGraph } from '../model/graph.js';
import type { Element } from '../model/types.js';
import type { Suppression } from './engine.js';
import type { MitigatedOutcome } from './rules/types.js';
import { type CoverageCell, type CoverageRow, type CoverageStatus, STRIDE_LETTERS, STRIDE_NAMES, type Stride, type Threat } from './types.js';

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

const NONE: readonly string[] = Object.freeze([]);
/** The statuses of cells that cite nothing: a category that does not apply, or one checked where nothing was found. */
type EmptyStatus = Extract<CoverageStatus, 'not-applicable' | 'no-finding'>;
/**
 * Cells that say the same thing (the status, and why) are one shared, frozen object: most of a large
 * model's matrix is such cells, and a fresh object with two fresh arrays each made the matrix the
 * largest part of the result in memory.
 */
const sharedCells: Record<EmptyStatus, Map<string, Array<CoverageCell | undefined>>> = { 'not-applicable': new Map(), 'no-finding': new Map() };
const STRIDE_INDEX = Object.fromEntries(STRIDE_LETTERS.map((s, i) => [s, i])) as Record<Stride, number>;
function emptyCell(status: EmptyStatus, stride: Stride, reason: string): CoverageCell {
  // Keyed by the reason (mostly the same few string objects, whose hash is cached), then by STRIDE index.
  const byReason = sharedCells[status];
  let byStride = byReason.get(reason);
  if (byStride === undefined) {
    byStride = new Array<CoverageCell | undefined>(STRIDE_LETTERS.length);
    if (byReason.size < 10_000) byReason.set(reason, byStride);
  }
  const i = STRIDE_INDEX[stride];
  let cell = byStride[i];
  if (cell === undefined) {
    cell = Object.freeze({ stride, status, threats: NONE as string[], controls: NONE as string[], reason }) as CoverageCell;
    byStride[i] = cell;
  }
  return cell;
}
const NO_RULE_REASON = new Map<Stride, string>(STRIDE_LETTERS.map((s) => [s, `no ${STRIDE_NAMES[s].toLowerCase()} rule matches its facts`]));
/**
 * The cells of a row where nothing was found, by kind of row (a log store, where R applies, is one of its own).
 * A category that applies was checked: no rule matching is not the category failing to apply.
 */
const emptyRow = (kind: ElementKind | 'flow', element?: Element): CoverageCell[] =>
  STRIDE_LETTERS.map((s) => (applicableTo(kind, element, s)
    ? emptyCell('no-finding', s, NO_RULE_REASON.get(s)!)
    : emptyCell('not-applicable', s, NOT_APPLICABLE_REASON[kind])));
const FLOW_STRIDE = STRIDE_LETTERS.map((s) => APPLICABLE.flow.includes(s));
const NO_FLOWS: readonly string[] = NONE;

export interface CoverageMatrix {
  /** Takes in one mitigated outcome as the rules find it (see runRules' `onMitigated`). */
  mitigated(o: MitigatedOutcome, stride: Stride): void;
  /**
   * The matrix's rows, elements then flows, once the threats are known. `elementAt`, when known, is each
   * threat's component as a position in `model.elements` (-1 when it is no element), saving a lookup.
   */
  rows(threats: readonly Threat[], suppressions: readonly Suppression[], elementAt?: Int32Array): CoverageRow[];
}

/**
 * The matrix in flat per-cell slots (row index x 6 + STRIDE index). Mitigations are taken in while the
 * rules run and kept as what the cell will show (a shared list of controls and the reasons), so that the
 * rules' outcomes, hundreds of thousands in a large model, are not held until the threats are ranked.
 */
export function coverageMatrix(graph: ModelGraph): CoverageMatrix {
  const { elements, flows } = graph.model;
  // Rows are positions: an element's in `model.elements`, a flow's after them. An id names one row, its
  // first element's, else its first flow's (set backwards, so that the first is set last).
  const elementRows = elements.length;
  const rowById = new Map<string, number>();
  for (let k = flows.length - 1; k >= 0; k--) rowById.set(flows[k].id, elementRows + k);
  for (let i = elementRows - 1; i >= 0; i--) rowById.set(elements[i].id, i);
  // With every id distinct (any valid model), a component's row is its position, found without a lookup.
  const distinct = rowById.size === elementRows + flows.length;
  const elementRow = (i: number): number => (distinct ? i : rowById.get(elements[i].id)!);
  const flowRow = (k: number): number => (distinct ? elementRows + k : rowById.get(flows[k].id)!);
  // A flow's row also knows its target's, so that placing a finding takes one lookup by id.
  const targetRow = new Int32Array(elementRows + flows.length).fill(-1);
  for (let k = 0; k < flows.length; k++) {
    const row = flowRow(k);
    const target = distinct ? graph.flowTarget[k] : -1;
    if (row >= elementRows) targetRow[row] = target >= 0 ? target : (rowById.get(flows[k].to) ?? -1);
  }
  const rowOf = (id: string): number => rowById.get(id) ?? -1;
  const width = STRIDE_LETTERS.length;
  const slots = (elementRows + flows.length) * width;
  // A mitigated cell's place in `controlsAt` and `reasonsAt`, plus one (0: none). Few cells are mitigated:
  // two lists as long as the matrix would be mostly empty slots the garbage collector copies and scans.
  const mitigationIn = new Int32Array(slots);
  const controlsAt: string[][] = [];
  // One reason, or the reasons in the order found (repeats are dropped when the cell is built).
  const reasonsAt: Array<string | string[]> = [];

  /**
   * Where a finding on a component lands in the matrix: the element, or each flow it covers. A threat on
   * an element that lists the flows it travels over (cleartext from one source) marks those flows too,
   * where the category applies to flows. A category that does not apply to flows lands on a flow's target.
   * Each id is looked up once (`row` is the flow's), as a large model places hundreds of thousands.
   */
  const flowCell = (flowId: string, row: number, s: number, visit: (slot: number) => void) => {
    if (FLOW_STRIDE[s]) {
      if (row >= 0) visit(row * width + s);
    } else if (row >= elementRows) {
      if (targetRow[row] >= 0) visit(targetRow[row] * width + s);
    } else {
      const to = graph.flows.get(flowId)?.to;
      const at = to === undefined ? row : rowOf(to);
      if (at >= 0) visit(at * width + s);
    }
  };
  /** `row` is the component's (see rowOf). */
  const eachTarget = (component: string, row: number, s: number, over: readonly string[], visit: (slot: number) => void) => {
    if (row >= 0 && row < elementRows) {
      visit(row * width + s);
      if (!FLOW_STRIDE[s]) return;
      for (let i = 0; i < over.length; i++) {
        const flowRow = rowOf(over[i]);
        // A flow that shares an element's id has that element's row.
        if (flowRow >= elementRows || (flowRow >= 0 && graph.flows.has(over[i]))) visit(flowRow * width + s);
      }
    } else if (row >= 0 && over.length <= 1) {
      flowCell(component, row, s, visit);
    } else {
      for (let i = 0; i < over.length; i++) flowCell(over[i], over[i] === component ? row : rowOf(over[i]), s, visit);
    }
  };

  // Cells repeat the same control lists thousands of times in a large model: one frozen copy of each.
  const controlLists = new Map<string, string[]>();
  const controlList = (controls: readonly string[]): string[] => {
    if (controls.length === 0) return NONE as string[];
    // Most mitigations name one control: its list is found by the control itself, with nothing to sort.
    const sorted = controls.length === 1 ? undefined : [...new Set(controls)].sort();
    const key = sorted === undefined ? controls[0] : sorted.length === 1 ? sorted[0] : sorted.join('\u0000');
    let list = controlLists.get(key);
    if (list === undefined) {
      list = Object.freeze(sorted ?? [controls[0]]) as string[];
      controlLists.set(key, list);
    }
    return list;
  };
  const unions = new Map<string[], Map<string[], string[]>>();
  const union = (a: string[], b: string[]): string[] => {
    if (a === b || b.length === 0) return a;
    if (a.length === 0) return b;
    let withA = unions.get(a);
    if (withA === undefined) {
      withA = new Map();
      unions.set(a, withA);
    }
    let both = withA.get(b);
    if (both === undefined) {
      both = controlList([...a, ...b]);
      withA.set(b, both);
    }
    return both;
  };

  let controls: string[] = NONE as string[];
  let reason = '';
  const addMitigation = (slot: number) => {
    const known = mitigationIn[slot] - 1;
    if (known < 0) {
      controlsAt.push(controls);
      reasonsAt.push(reason);
      mitigationIn[slot] = controlsAt.length;
      return;
    }
    controlsAt[known] = union(controlsAt[known], controls);
    const reasons = reasonsAt[known];
    if (typeof reasons === 'string') {
      if (reasons !== reason) reasonsAt[known] = [reasons, reason];
    } else if (reasons[reasons.length - 1] !== reason) reasons.push(reason);
  };

  const mitigatedCells = new Map<string[], Map<string, Array<CoverageCell | undefined>>>();
  /** Like the cells that cite nothing, each distinct (controls, reason, category) is one shared, frozen cell. */
  const mitigatedCell = (s: number, list: string[], text: string): CoverageCell => {
    let byReason = mitigatedCells.get(list);
    if (byReason === undefined) {
      byReason = new Map();
      mitigatedCells.set(list, byReason);
    }
    let byStride = byReason.get(text);
    if (byStride === undefined) {
      byStride = new Array<CoverageCell | undefined>(width);
      byReason.set(text, byStride);
    }
    let cell = byStride[s];
    if (cell === undefined) {
      cell = Object.freeze({ stride: STRIDE_LETTERS[s], status: 'mitigated', threats: NONE as string[], controls: list, reason: text }) as CoverageCell;
      byStride[s] = cell;
    }
    return cell;
  };

  return {
    mitigated(o, stride) {
      controls = controlList(o.controls);
      reason = o.reason;
      eachTarget(o.component, rowOf(o.component), STRIDE_INDEX[stride], o.flows ?? NO_FLOWS, addMitigation);
    },

    rows(threats, suppressions, elementAt) {
      // One threat (its index + 1), or a list of the distinct ids once a second arrives (-1 - its place
      // in `lists`): a threat lands on a cell only while it is being placed, so a repeat is always the
      // last id. A list, even of one id, says `threats found`. Numbers in a typed array, as most of the
      // matrix has none, and the garbage collector need not look through it.
      const threatsIn = new Int32Array(slots);
      const lists: string[][] = [];
      let threatIndex = 0;
      const addThreat = (slot: number) => {
        const known = threatsIn[slot];
        if (known === 0) {
          threatsIn[slot] = threatIndex + 1;
          return;
        }
        const id = threats[threatIndex].id;
        if (known > 0) {
          lists.push(known === threatIndex + 1 ? [id] : [threats[known - 1].id, id]);
          threatsIn[slot] = -lists.length;
          return;
        }
        const list = lists[-1 - known];
        if (list[list.length - 1] !== id) list.push(id);
      };
      for (threatIndex = 0; threatIndex < threats.length; threatIndex++) {
        const t = threats[threatIndex];
        const at = distinct && elementAt !== undefined ? elementAt[threatIndex] : -1;
        eachTarget(t.component, at >= 0 ? at : rowOf(t.component), STRIDE_INDEX[t.stride], t.flows, addThreat);
      }
      // A threat alone in its cell reads the same wherever it lands (its element and its flows): one cell.
      const ownCells = new Array<CoverageCell | undefined>(threats.length);
      const ownCell = (i: number): CoverageCell => {
        let cell = ownCells[i];
        if (cell === undefined) {
          const t = threats[i];
          cell = Object.freeze({ stride: t.stride, status: 'threat', threats: Object.freeze([t.id]) as string[], controls: NONE as string[], reason: 'threat found' }) as CoverageCell;
          ownCells[i] = cell;
        }
        return cell;
      };
      const suppressedIn = new Map<number, string>();
      for (const s of suppressions) {
        const row = rowOf(s.component);
        if (row >= 0) suppressedIn.set(row * width + STRIDE_INDEX[s.stride], s.reason);
      }

      // Rows without threats are made of shared cells only, and many have the same six: one frozen list
      // of cells for each such combination (a tree keyed by the cells in STRIDE order).
      type Level = Map<CoverageCell, Level | CoverageCell[]>;
      const sharedRows: Level = new Map();
      const shared = (cells: readonly CoverageCell[]): CoverageCell[] => {
        let level = sharedRows;
        for (let s = 0; s < width - 1; s++) {
          let next = level.get(cells[s]) as Level | undefined;
          if (next === undefined) {
            next = new Map();
            level.set(cells[s], next);
          }
          level = next;
        }
        let list = level.get(cells[width - 1]) as CoverageCell[] | undefined;
        if (list === undefined) {
          list = Object.freeze(cells.slice()) as CoverageCell[];
          level.set(cells[width - 1], list);
        }
        return list;
      };

      const empty = {
        external: emptyRow('external'), process: emptyRow('process'), store: emptyRow('store'), flow: emptyRow('flow'),
      } as const;
      const emptyLogs = new Map<ElementKind, CoverageCell[]>();
      // An element's empty row by explicit tests, not `empty[kind]`: a load keyed by several names deoptimised
      // the row function at each new kind.
      const defaultsOf = (e: Element): CoverageCell[] => {
        if (e.type === 'logs') {
          let cells = emptyLogs.get(e.kind);
          if (cells === undefined) emptyLogs.set(e.kind, (cells = emptyRow(e.kind, e)));
          return cells;
        }
        return e.kind === 'process' ? empty.process : e.kind === 'store' ? empty.store : empty.external;
      };
      const scratch = new Array<CoverageCell>(width);
      const row = (index: number, component: string, componentKind: CoverageRow['componentKind'], name: string, defaults: readonly CoverageCell[]): CoverageRow => {
        let cells = scratch;
        for (let s = 0; s < width; s++) {
          const slot = index * width + s;
          const placed = threatsIn[slot];
          if (placed !== 0) {
            if (cells === scratch) cells = scratch.slice();
            cells[s] = placed > 0
              ? ownCell(placed - 1)
              : { stride: STRIDE_LETTERS[s], status: 'threat', threats: lists[-1 - placed], controls: NONE as string[], reason: 'threats found' };
            continue;
          }
          const mitigation = mitigationIn[slot] - 1;
          const list = mitigation < 0 ? (NONE as string[]) : controlsAt[mitigation];
          if (list.length > 0) {
            const reasons = reasonsAt[mitigation];
            cells[s] = mitigatedCell(s, list, typeof reasons === 'string' ? reasons : [...new Set(reasons)].join('; '));
            continue;
          }
          const suppressed = suppressedIn.size === 0 ? undefined : suppressedIn.get(slot);
          cells[s] = suppressed ? emptyCell('not-applicable', STRIDE_LETTERS[s], suppressed) : defaults[s];
        }
        return { component, componentKind, name, cells: cells === scratch ? shared(cells) : cells };
      };

      const out = new Array<CoverageRow>(elements.length + flows.length);
      for (let i = 0; i < elements.length; i++) {
        const e = elements[i];
        out[i] = row(elementRow(i), e.id, 'element', e.name, defaultsOf(e));
      }
      for (let k = 0; k < flows.length; k++) {
        const f = flows[k];
        const from = graph.flowSource[k];
        const to = graph.flowTarget[k];
        const name = `${(from >= 0 ? elements[from].name : undefined) ?? f.from} -> ${(to >= 0 ? elements[to].name : undefined) ?? f.to}`;
        out[elementRows + k] = row(flowRow(k), f.id, 'flow', flat(name), empty.flow);
      }
      return out;
    },
  };
}
