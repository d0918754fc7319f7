// The model's structure, edited from the page: dialogs to add an element, a flow or a written threat, and
// the lists of elements, flows and written threats (in the Diagram tab) with a Remove button each. Every
// change is an edit of the editor's text (src/model/edit.ts), as adding a control is: the analysis follows it
// live, Ctrl+Z takes it back, and Save writes it. What the model accepts is edit.ts's to say: its refusals
// are shown as they come.
import { type AnalysisResult, STRIDE_LETTERS, STRIDE_NAMES } from '../src/analysis/types.js';
import { AUTH_METHODS, ELEMENT_TYPES, LEVELS, PROTOCOLS, STRIDE_WORDS, TECHNOLOGIES } from '../src/model/catalog.js';
import type { ElementFields, FlowFields, ModelEdit, ThreatFields } from '../src/model/edit.js';
import type { WrittenThreatEntry } from '../src/model/edit-threats.js';
import { button, type Child, fill, h, type RowSpec, SlicedRows, TABLE_BODIES } from './dom.js';

/** Rows drawn at most per list, as in the other tabs. */
const MAX_ROWS = 1000;

export interface StructureContext {
  /**
   * The edit worked out on the editor's text: why it cannot be made, or the function that puts it in the
   * editor and says so (`done`). Run it once no modal dialog makes the editor inert: the editor takes the
   * change as typing, which goes where the focus is.
   */
  prepare(edit: ModelEdit, done: string): Promise<string | (() => void)>;
  goTo(line: number, col: number): void;
}

const option = (value: string, label: string) => h('option', { value }, label);

/** A labelled group of options, left out when it has none. */
const group = (label: string, options: readonly HTMLOptionElement[]) => (options.length === 0 ? [] : [h('optgroup', { label }, ...options)]);

/** Longer slugs make keys (`threat:<id>@component`) and triage entries hard to read. */
const MAX_SLUG = 48;

/**
 * A threat's id made from its title: its letters and digits in lower case, the rest as single `-` (accents
 * dropped, so that `Données` gives `donnees`), numbered `-2`, `-3`... past the ids `taken`.
 */
export function threatSlug(title: string, taken: ReadonlySet<string>): string {
  const words = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const base = words.replace(/^-+/, '').slice(0, MAX_SLUG).replace(/-+$/, '') || 'threat';
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** A labelled control on a row of the dialog's grid, with an optional hint under it. */
function field(label: string, control: HTMLElement, hint?: string): HTMLElement[] {
  const hintId = hint === undefined ? undefined : `${control.id}-hint`;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return [h('label', { for: control.id }, label), h('div', {}, control, hint ? h('p', { class: 'hint muted', id: hintId }, hint) : null)];
}

/**
 * A modal dialog holding one form: Escape or Cancel closes it, and the focus goes back to what opened it.
 * `submit` answers an error message to show in the dialog (which stays open), or what to do once it is closed.
 */
class EditDialog {
  readonly dialog: HTMLDialogElement;
  readonly form: HTMLFormElement;
  private readonly error = h('p', { class: 'error', role: 'alert' });
  private readonly progress = h('p', { class: 'muted', role: 'status' });
  private opener: HTMLElement | null = null;
  /** The edit is being worked out (in the worker): a second submit waits for it. */
  private busy = false;

  constructor(id: string, title: string, rows: HTMLElement[], action: string, private readonly submit: () => Promise<string | (() => void)>) {
    const titleId = `${id}-title`;
    this.form = h('form', { class: 'edit-form' },
      h('div', { class: 'grid' }, ...rows),
      this.error,
      this.progress,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, action), button({}, () => this.dialog.close(), 'Cancel')));
    this.dialog = h('dialog', { id, class: 'edit-dialog', 'aria-labelledby': titleId }, h('h2', { id: titleId }, title), this.form);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.run();
    });
    this.dialog.addEventListener('close', () => {
      this.opener?.focus();
      this.opener = null;
    });
    document.body.append(this.dialog);
  }

  private async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error.textContent = '';
    this.progress.textContent = 'Making the change…';
    this.form.setAttribute('aria-busy', 'true');
    const outcome = await this.submit();
    this.busy = false;
    this.progress.textContent = '';
    this.form.removeAttribute('aria-busy');
    if (typeof outcome === 'string') {
      this.error.textContent = outcome;
      return;
    }
    // Closed first: the page behind a modal dialog is inert, and the editor must take the change.
    this.dialog.close();
    outcome();
  }

  open(opener: HTMLElement): void {
    this.opener = opener;
    this.error.textContent = '';
    this.dialog.showModal();
    this.form.querySelector<HTMLElement>('input, select')?.focus();
  }
}

/**
 * The three dialogs; the choices they offer (elements, endpoints, flows, boundaries, assets) are those of the
 * latest analysis, and the threat ids taken those of the threats written in its text.
 */
export class StructureForms {
  private readonly element: EditDialog;
  private readonly flow: EditDialog;
  private readonly threat: EditDialog;
  private readonly id = h('input', { id: 'new-element-id', name: 'id', required: true, autocomplete: 'off', spellcheck: 'false' });
  private readonly name = h('input', { id: 'new-element-name', name: 'name', autocomplete: 'off' });
  private readonly tech = h('input', { id: 'new-element-tech', name: 'tech', list: 'tech-options', autocomplete: 'off', spellcheck: 'false' });
  private readonly type = h('select', { id: 'new-element-type', name: 'type' },
    option('', '(as the technology says)'), ...Object.entries(ELEMENT_TYPES).map(([t, info]) => option(t, `${t} (${info.kind})`)));
  private readonly boundary = h('select', { id: 'new-element-in', name: 'in' });
  private readonly from = h('select', { id: 'new-flow-from', name: 'from', required: true });
  private readonly to = h('select', { id: 'new-flow-to', name: 'to', required: true });
  private readonly protocol = h('input', { id: 'new-flow-protocol', name: 'protocol', list: 'protocol-options', required: true, autocomplete: 'off', spellcheck: 'false' });
  private readonly auth = h('select', { id: 'new-flow-auth', name: 'auth' }, option('', '(what the protocol gives)'), ...AUTH_METHODS.map((a) => option(a, a)));
  private readonly data = h('select', { id: 'new-flow-data', name: 'data', multiple: true, size: 4 });
  private readonly threatTitle = h('input', { id: 'new-threat-title', name: 'title', required: true, autocomplete: 'off' });
  private readonly threatId = h('input', { id: 'new-threat-id', name: 'id', required: true, autocomplete: 'off', spellcheck: 'false' });
  private readonly stride = h('select', { id: 'new-threat-stride', name: 'stride', required: true },
    ...STRIDE_LETTERS.map((s) => option(STRIDE_WORDS[s], `${s} - ${STRIDE_NAMES[s]}`)));
  private readonly on = h('select', { id: 'new-threat-on', name: 'on' });
  // Several lines each: the model keeps them (a literal block in YAML).
  private readonly description = h('textarea', { id: 'new-threat-description', name: 'description', rows: 3 });
  private readonly mitigation = h('textarea', { id: 'new-threat-mitigation', name: 'mitigation', rows: 2 });
  private readonly likelihood = h('select', { id: 'new-threat-likelihood', name: 'likelihood' }, option('', '(rate from the model)'), ...LEVELS.map((l) => option(l, l)));
  private readonly impact = h('select', { id: 'new-threat-impact', name: 'impact' }, option('', '(rate from the model)'), ...LEVELS.map((l) => option(l, l)));
  /** The id was typed (or changed) by hand: the title no longer makes it. */
  private idEdited = false;

  constructor(
    private readonly ctx: StructureContext,
    private readonly current: () => AnalysisResult | undefined,
    private readonly written: () => readonly WrittenThreatEntry[],
  ) {
    document.body.append(
      h('datalist', { id: 'tech-options' }, ...Object.entries(TECHNOLOGIES).map(([t, info]) => option(t, info.type))),
      h('datalist', { id: 'protocol-options' }, ...Object.entries(PROTOCOLS).map(([p, info]) => option(p, info.description))));
    this.element = new EditDialog('add-element-dialog', 'Add an element', [
      ...field('Id', this.id, 'How flows and reports name it: letters, digits and . _ : -'),
      ...field('Name', this.name),
      ...field('Technology', this.tech, 'postgres, nginx, browser... (the list suggests the known ones)'),
      ...field('Type', this.type),
      ...field('Boundary', this.boundary),
    ], 'Add element', () => this.addElement());
    this.flow = new EditDialog('add-flow-dialog', 'Add a flow', [
      ...field('From', this.from),
      ...field('To', this.to),
      ...field('Protocol', this.protocol, 'https, postgres+tls, amqps... (custom ones start with x-)'),
      ...field('Authentication', this.auth),
      ...field('Data', this.data, 'The assets it carries (Ctrl or Shift to pick several)'),
    ], 'Add flow', () => this.addFlow());
    this.threat = new EditDialog('add-threat-dialog', 'Add a threat', [
      ...field('Title', this.threatTitle, 'What can go wrong, in a line'),
      ...field('Id', this.threatId, 'How reports and triage name it; made from the title: letters, digits and . _ : -'),
      ...field('STRIDE', this.stride),
      ...field('On', this.on, 'What it threatens'),
      ...field('Description', this.description, 'How it happens and why it matters'),
      ...field('Mitigation', this.mitigation, 'What to do about it'),
      ...field('Likelihood', this.likelihood),
      ...field('Impact', this.impact),
    ], 'Add threat', () => this.addThreat());
    this.threatTitle.addEventListener('input', () => {
      if (!this.idEdited) this.threatId.value = threatSlug(this.threatTitle.value, new Set(this.written().map((t) => t.id)));
    });
    // Emptied, the id is the title's again.
    this.threatId.addEventListener('input', () => {
      this.idEdited = this.threatId.value !== '';
    });
  }

  openElement(opener: HTMLElement): void {
    this.element.form.reset();
    this.fillChoices();
    this.element.open(opener);
  }

  openFlow(opener: HTMLElement): void {
    this.flow.form.reset();
    this.fillChoices();
    // A flow joins two elements: the second one is offered first as its end.
    if (this.to.options.length > 1) this.to.selectedIndex = 1;
    this.flow.open(opener);
  }

  openThreat(opener: HTMLElement): void {
    this.threat.form.reset();
    this.idEdited = false;
    this.fillChoices();
    this.threat.open(opener);
  }

  /** A new analysis while a dialog is open (the element just added, say): its choices follow, the ones made kept. */
  update(): void {
    if (this.element.dialog.open || this.flow.dialog.open || this.threat.dialog.open) this.fillChoices();
  }

  private fillChoices(): void {
    const r = this.current();
    const choose = (select: HTMLSelectElement, options: (HTMLOptionElement | HTMLOptGroupElement)[]) => {
      const chosen = new Set([...select.selectedOptions].map((o) => o.value));
      fill(select, ...options);
      for (const o of select.options) o.selected = chosen.has(o.value);
      if (!select.multiple && select.selectedIndex < 0 && select.options.length > 0) select.selectedIndex = 0;
    };
    choose(this.boundary, [option('', '(none)'), ...(r?.boundaries ?? []).map((b) => option(b.id, `${b.name} (${b.id})`))]);
    const elements = (r?.elements ?? []).map((e) => [e.id, `${e.name} (${e.id})`] as const);
    choose(this.from, elements.map(([id, label]) => option(id, label)));
    choose(this.to, elements.map(([id, label]) => option(id, label)));
    choose(this.data, (r?.assets ?? []).map((a) => option(a.id, `${a.name} (${a.id})`)));
    // Each by the id `on:` names it with: an endpoint as `element:key`, a flow by its id (`a->b` unless it has one).
    const names = new Map((r?.elements ?? []).map((e) => [e.id, e.name]));
    choose(this.on, [
      option('', '(the whole system)'),
      ...group('Elements', elements.map(([id, label]) => option(id, label))),
      ...group('Endpoints', (r?.elements ?? []).flatMap((e) => e.endpoints.map((ep) => option(ep.id, `${ep.key} on ${e.name} (${ep.id})`)))),
      ...group('Flows', (r?.flows ?? []).map((f) => option(f.id, `${names.get(f.from) ?? f.from} \u2192 ${names.get(f.to) ?? f.to} (${f.id})`))),
      ...group('Boundaries', (r?.boundaries ?? []).map((b) => option(b.id, `${b.name} (${b.id})`))),
    ]);
  }

  private addElement(): Promise<string | (() => void)> {
    const fields: ElementFields = {};
    for (const [key, control] of [['name', this.name], ['tech', this.tech], ['type', this.type], ['in', this.boundary]] as const) {
      const value = control.value.trim();
      if (value) fields[key] = value;
    }
    const id = this.id.value.trim();
    return this.ctx.prepare({ op: 'add-element', id, fields }, `Added element ${id} in the editor: save the model to keep it.`);
  }

  private addFlow(): Promise<string | (() => void)> {
    const fields: FlowFields = { protocol: this.protocol.value.trim() };
    if (this.auth.value) fields.auth = this.auth.value;
    const data = [...this.data.selectedOptions].map((o) => o.value);
    if (data.length) fields.data = data;
    const [from, to] = [this.from.value, this.to.value];
    return this.ctx.prepare({ op: 'add-flow', from, to, fields }, `Added the flow ${from} -> ${to} in the editor: save the model to keep it.`);
  }

  private addThreat(): Promise<string | (() => void)> {
    const fields: ThreatFields = { title: this.threatTitle.value.trim(), stride: this.stride.value, on: this.on.value ? [this.on.value] : [] };
    for (const [key, control] of [['description', this.description], ['likelihood', this.likelihood], ['impact', this.impact], ['mitigation', this.mitigation]] as const) {
      const value = control.value.trim();
      if (value) fields[key] = value;
    }
    const id = this.threatId.value.trim();
    return this.ctx.prepare({ op: 'add-threat', id, fields }, `Added threat ${id} in the editor: save the model to keep it.`);
  }
}

/** The last refusal of a Remove button, shown until the next one is pressed (the lists are redrawn on every analysis). */
let note = '';

/** The lists of a root, made once: every analysis then changes their rows, a slice at a time. */
interface StructureView {
  status: HTMLElement;
  elements: HTMLTableElement;
  flows: HTMLTableElement;
  threats: HTMLTableElement;
  rows: SlicedRows;
  /** The latest context, which the rows kept from an earlier analysis call too. */
  ctx: StructureContext;
}

const views = new WeakMap<HTMLElement, StructureView>();

/**
 * A list's table, its rows to come in bodies of TABLE_BODIES.size, with the roles it has already: its display
 * is not a table's (app.css), which some browsers take as not one.
 */
const listTable = (kind: string, caption: string, head: readonly string[]): HTMLTableElement =>
  h('table', { class: `sliced grouped structure ${kind}`, role: 'table', 'aria-labelledby': `structure-${kind}-caption` },
    h('caption', { id: `structure-${kind}-caption` }, caption),
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ...head.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c)))));

function structureView(root: HTMLElement, ctx: StructureContext): StructureView {
  const known = views.get(root);
  if (known) {
    known.ctx = ctx;
    return known;
  }
  const view: StructureView = {
    status: h('p', { class: 'note structure-note', role: 'status' }),
    elements: listTable('elements', 'Elements', ['Element', 'Kind', 'Technology', 'Boundary', 'In the model', '']),
    flows: listTable('flows', 'Flows', ['Flow', 'From, to', 'Protocol', 'In the model', '']),
    threats: listTable('threats', 'Written threats', ['Threat', 'On', 'In the model', '']),
    rows: new SlicedRows(root), ctx,
  };
  fill(root,
    h('h2', { id: 'structure-title' }, 'Elements, flows and written threats'),
    h('p', { class: 'muted' }, 'Removing an element removes its flows too; it is refused while an endpoint\'s callers, an assumption or a written threat still name it. The change is made in the editor: save to keep it.'),
    view.status, view.elements, view.flows, view.threats);
  views.set(root, view);
  return view;
}

const cell = (...children: Child[]) => h('td', { role: 'cell' }, ...children);

/** A row of one cell across the table's columns, that says something of the list. */
const noteRow = (text: string, columns: number) =>
  h('tr', { role: 'row', class: 'empty-row' }, h('td', { role: 'cell', colspan: columns, 'aria-colspan': columns }, text));

/** The rows of a list, at most MAX_ROWS, then a row that says how many more there are. */
function capped<T>(items: readonly T[], key: (item: T) => unknown[], draw: (item: T) => HTMLTableRowElement, columns: number): RowSpec[] {
  const rows = items.slice(0, MAX_ROWS).map((item): RowSpec => ({ key: JSON.stringify(key(item)), draw: () => draw(item) }));
  if (items.length > MAX_ROWS) {
    const text = `The first ${MAX_ROWS} of ${items.length} are shown.`;
    rows.push({ key: text, draw: () => noteRow(text, columns) });
  }
  return rows;
}

/**
 * The elements and flows of the result and the threats written in its text (`written`: mitigated ones
 * included, which the result does not list), each with its place in the model and a Remove button. The rows
 * come a slice at a time (a large model has thousands), each row kept while what it shows stays the same.
 */
export function renderStructure(root: HTMLElement, r: AnalysisResult, written: readonly WrittenThreatEntry[], ctx: StructureContext): void {
  const view = structureView(root, ctx);
  view.status.textContent = note;
  const names = new Map(r.elements.map((e) => [e.id, e.name]));
  const remove = (what: string, id: string, edit: ModelEdit) => button({ class: 'remove', 'aria-label': `Remove ${what} ${id}` }, () => void (async () => {
    const outcome = await view.ctx.prepare(edit, `Removed ${what} ${id} in the editor: save the model to keep the change.`);
    note = typeof outcome === 'string' ? `Not removed: ${outcome}` : '';
    view.status.textContent = note;
    if (typeof outcome !== 'string') outcome();
  })(), 'Remove');
  const place = (loc: { line: number; col: number }) => (loc.line > 0 ? button({ class: 'loc mono', title: 'Go to it in the model' }, () => view.ctx.goTo(loc.line, loc.col), `${loc.line}:${loc.col}`) : '');
  const elements = capped(r.elements, (e) => [e.id, e.name, e.kind, e.type, e.tech, e.boundary, e.loc.line, e.loc.col], (e) => h('tr', { role: 'row', 'data-element': e.id },
    cell(h('strong', {}, e.name), ' ', h('code', {}, e.id)),
    cell(e.type ? `${e.kind} (${e.type})` : e.kind),
    cell(e.tech ?? ''),
    cell(e.boundary ?? ''),
    cell(place(e.loc)),
    cell(remove('element', e.id, { op: 'remove-element', id: e.id }))), 6);
  const flowEnds = (f: AnalysisResult['flows'][number]) => [names.get(f.from) ?? f.from, names.get(f.to) ?? f.to];
  const flows = capped(r.flows, (f) => [f.id, ...flowEnds(f), f.protocol, f.auth, f.loc.line, f.loc.col], (f) => h('tr', { role: 'row', 'data-flow': f.id },
    cell(h('code', {}, f.id)),
    cell(flowEnds(f).join(' \u2192 ')),
    cell(f.protocol, f.auth === 'none' ? '' : `, ${f.auth}`),
    cell(place(f.loc)),
    cell(remove('flow', f.id, { op: 'remove-flow', flow: f.id }))), 5);
  const none = 'No threat is written in the model: Add threat writes one.';
  const threats: RowSpec[] = written.length === 0
    ? [{ key: none, draw: () => noteRow(none, 4) }]
    : capped(written, (t) => [t.id, t.title, t.on, t.loc.line, t.loc.col], (t) => h('tr', { role: 'row', 'data-threat': t.id },
      cell(h('strong', {}, t.title), ' ', h('code', {}, t.id)),
      cell(...(t.on.length === 0 ? ['the whole system'] : t.on.flatMap((ref, i) => [i > 0 ? ', ' : '', h('code', {}, ref)]))),
      cell(place(t.loc)),
      cell(remove('threat', t.id, { op: 'remove-threat', id: t.id }))), 4);
  view.rows.draw([[view.elements, elements, TABLE_BODIES], [view.flows, flows, TABLE_BODIES], [view.threats, threats, TABLE_BODIES]]);
}
