// Building the page from data without ever parsing it as HTML: model text goes in as text nodes and
// inert attribute values only, so a name like `<img onerror=...>` is shown, never run.

export type Child = Node | string | number | null | undefined | false;
/** Attribute values; false or undefined leaves the attribute out, true sets it empty. */
export type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

export const badge = (risk: string): HTMLSpanElement => h('span', { class: `badge risk-${risk}` }, risk);
export const statusTag = (status: string): HTMLSpanElement => h('span', { class: `status status-${status}` }, status);

/** A `<button type="button">` that calls `onClick`. */
export function button(attrs: Attrs, onClick: () => void, ...children: Child[]): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, ...children);
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A row to draw (a table's, or an item of a list), and a key for what it shows: a row drawn with the same key
 * is kept as it is.
 */
export interface RowSpec<E extends Element = HTMLTableRowElement> {
  key: string;
  draw(): E;
  /** Called once the row is in its place, drawn or kept: what is to be done to it (focus, scroll) waits for its slice. */
  placed?(row: E): void;
}

/**
 * Rows held in groups of `size`, each an element of its own that `make` gives (a table's `tbody`), the groups
 * the children of the container: the page then lays out, and skips out of view, a group at a time. Thousands
 * of rows each skipped on its own (content-visibility) cost every frame a look at each, 20-60 ms at 3,000 rows.
 */
export interface RowGroups {
  size: number;
  make(): Element;
}

/**
 * A table's rows in bodies of 50: Chromium skips a body out of view as one, where rows each skipped on their own
 * cost every frame a look at each (the Diagram, Coverage and Attack surface tables).
 */
export const TABLE_BODIES: RowGroups = { size: 50, make: () => h('tbody', { role: 'rowgroup' }) };

/**
 * A container whose children are the rows (a table body, a list) and the rows it is to hold; with groups, a
 * container whose children are the groups of rows (a table's bodies).
 */
export type SlicedList = readonly [Element, readonly RowSpec<Element>[]] | readonly [Element, readonly RowSpec<Element>[], RowGroups];

/** How long a slice of rows is drawn before the page may paint and answer input again. */
const SLICE_MS = 10;

/**
 * `?slice-rows=N` in the page's address: every slice is N rows, whatever the time they take. What fits in a
 * time budget depends on the machine; tests that look at the first slice set it, to see the same on any.
 */
const SLICE_ROWS = sliceRowsOf(location.search);

/** The positive whole number of `slice-rows` in a query string, or undefined (slices by time). */
function sliceRowsOf(search: string): number | undefined {
  const given = new URLSearchParams(search).get('slice-rows');
  if (given === null || !/^[1-9]\d{0,5}$/.test(given)) return undefined;
  return Number(given);
}

/** When the slice begun now is to end: a time, or a count of rows. */
type SliceEnd = { readonly rows: number } | { readonly at: number };

const sliceEnd = (): SliceEnd => (SLICE_ROWS === undefined ? { at: performance.now() + SLICE_MS } : { rows: SLICE_ROWS });

/** Whether the slice is over, `drawn` rows into it. */
const sliceOver = (end: SliceEnd, drawn: number): boolean => ('rows' in end ? drawn >= end.rows : performance.now() > end.at);

const drawnKeys = new WeakMap<Element, string>();

/**
 * Brings table bodies (or lists) to the rows given a slice at a time, each slice a task of its own: a thousand rows
 * laid out in one task freeze the page for a second. A row whose key is that of the row in its place is kept
 * (the focus with it); another replaces that row in place, so that while the tables change they keep their
 * height, and the pane its scroll. `busy` is aria-busy until the last slice; a new `draw` stops an unfinished one.
 */
export class SlicedRows {
  private timer: number | undefined;

  constructor(private readonly busy: HTMLElement) {}

  draw(tables: readonly SlicedList[]): void {
    window.clearTimeout(this.timer);
    this.busy.setAttribute('aria-busy', 'true');
    let t = 0;
    let i = 0;
    const step = (): void => {
      const end = sliceEnd();
      let drawn = 0;
      for (; t < tables.length; t++, i = 0) {
        const [container, rows, groups] = tables[t];
        for (; i < rows.length; i++, drawn++) {
          if (sliceOver(end, drawn)) {
            this.timer = window.setTimeout(step);
            return;
          }
          if (groups) placeRow(groupOf(container, groups, i), i % groups.size, rows[i]);
          else placeRow(container, i, rows[i]);
        }
        if (groups) trimGroups(container, groups, rows.length);
        else trimRows(container, rows.length);
      }
      this.timer = undefined;
      this.busy.removeAttribute('aria-busy');
    };
    step();
  }
}

/** The groups of rows made in each grouped container, in order. */
const groupsOf = new WeakMap<Element, Element[]>();

/** The group that holds row `i`, made (and those before it) when there is none yet. */
function groupOf(container: Element, groups: RowGroups, i: number): Element {
  let made = groupsOf.get(container);
  if (!made) groupsOf.set(container, (made = []));
  const at = Math.floor(i / groups.size);
  while (made.length <= at) {
    const group = groups.make();
    container.append(group);
    made.push(group);
  }
  return made[at];
}

function trimRows(body: Element, count: number): void {
  while (body.children.length > count) body.lastElementChild!.remove();
}

/** Leaves `count` rows in the groups, and no group without a row. */
function trimGroups(container: Element, groups: RowGroups, count: number): void {
  const made = groupsOf.get(container) ?? [];
  const needed = Math.ceil(count / groups.size);
  while (made.length > needed) made.pop()!.remove();
  if (needed > 0) trimRows(made[needed - 1], count - (needed - 1) * groups.size);
}

function placeRow(body: Element, at: number, spec: RowSpec<Element>): void {
  const old = body.children[at] as Element | undefined;
  // Read once: a key may be made as it is read (web/tables.ts capped).
  const key = spec.key;
  if (old !== undefined && drawnKeys.get(old) === key) {
    spec.placed?.(old);
    return;
  }
  const row = spec.draw();
  drawnKeys.set(row, key);
  if (old === undefined) body.append(row);
  else old.replaceWith(row);
  spec.placed?.(row);
}
