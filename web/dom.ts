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
