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

/** A table row to draw, and a key for what it shows: a row drawn with the same key is kept as it is. */
export interface RowSpec {
  key: string;
  draw(): HTMLTableRowElement;
  /** Called once the row is in its place, drawn or kept: what is to be done to it (focus, scroll) waits for its slice. */
  placed?(row: HTMLTableRowElement): void;
}

/** How long a slice of rows is drawn before the page may paint and answer input again. */
const SLICE_MS = 10;

const drawnKeys = new WeakMap<HTMLTableRowElement, string>();

/**
 * Brings table bodies to the rows given a slice at a time, each slice a task of its own: a thousand rows
 * laid out in one task freeze the page for a second. A row whose key is that of the row in its place is kept
 * (the focus with it); another replaces that row in place, so that while the tables change they keep their
 * height, and the pane its scroll. `busy` is aria-busy until the last slice; a new `draw` stops an unfinished one.
 */
export class SlicedRows {
  private timer: number | undefined;

  constructor(private readonly busy: HTMLElement) {}

  draw(tables: readonly (readonly [HTMLTableSectionElement, readonly RowSpec[]])[]): void {
    window.clearTimeout(this.timer);
    this.busy.setAttribute('aria-busy', 'true');
    let t = 0;
    let i = 0;
    const step = (): void => {
      const end = performance.now() + SLICE_MS;
      for (; t < tables.length; t++, i = 0) {
        const [body, rows] = tables[t];
        for (; i < rows.length; i++) {
          if (performance.now() > end) {
            this.timer = window.setTimeout(step);
            return;
          }
          placeRow(body, i, rows[i]);
        }
        while (body.rows.length > rows.length) body.deleteRow(-1);
      }
      this.timer = undefined;
      this.busy.removeAttribute('aria-busy');
    };
    step();
  }
}

function placeRow(body: HTMLTableSectionElement, at: number, spec: RowSpec): void {
  const old = body.rows[at] as HTMLTableRowElement | undefined;
  if (old !== undefined && drawnKeys.get(old) === spec.key) {
    spec.placed?.(old);
    return;
  }
  const row = spec.draw();
  drawnKeys.set(row, spec.key);
  if (old === undefined) body.append(row);
  else old.replaceWith(row);
  spec.placed?.(row);
}
