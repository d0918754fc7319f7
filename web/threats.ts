// The Threats tab: the result's threats as a table the user filters and sorts, each row opening its
// details (details.ts) below it. Every analysis brings the view up to date, keeping the rows and the open
// details that show the same; what the user chose (filters, order, the open threat, a half-written decision)
// is kept across analyses, matched by the threat's key.
import { riskRank } from '../src/analysis/risk.js';
import { type AnalysisResult, RISKS, STRIDE_LETTERS, STRIDE_NAMES, type Threat } from '../src/analysis/types.js';
import { plural } from '../src/model/diagnostics.js';
import { isOpenThreat, statusOf, uidOf } from '../src/track/triage.js';
import { TRIAGE_STATUSES } from '../src/track/types.js';
import { type DetailsContext, detailsDigest, ThreatDetails } from './details.js';
import { type Attrs, badge, button, type Child, fill, h, type RowSpec, SlicedRows, statusTag } from './dom.js';

/** Rows drawn at most: past this the filters narrow the list (a large model has tens of thousands). */
const MAX_ROWS = 500;

type SortKey = 'id' | 'risk' | 'stride' | 'component' | 'title' | 'status';
const COLUMNS: readonly [SortKey, string][] = [['id', 'ID'], ['risk', 'Risk'], ['stride', 'STRIDE'], ['component', 'Component'], ['title', 'Threat'], ['status', 'Status']];

const idNumber = (t: Threat) => Number(t.id.replace(/\D/g, '')) || 0;
const SORT: Record<SortKey, (a: Threat, b: Threat) => number> = {
  id: () => 0,
  risk: (a, b) => riskRank(b.risk) - riskRank(a.risk),
  stride: (a, b) => STRIDE_LETTERS.indexOf(a.stride) - STRIDE_LETTERS.indexOf(b.stride),
  component: (a, b) => a.componentName.toLowerCase().localeCompare(b.componentName.toLowerCase()),
  title: (a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase()),
  status: (a, b) => TRIAGE_STATUSES.indexOf(statusOf(a)) - TRIAGE_STATUSES.indexOf(statusOf(b)),
};

const option = (value: string, label: string) => h('option', { value }, label);

/** The Status filter's choice of the decisions past their review date. */
const REVIEW_DUE = 'review-due';

/** A control in a threat's rows, by its `data-focus` name: where the focus goes back once they are drawn again. */
interface FocusTarget {
  key: string;
  control: string;
  /** Taken from wherever it is (the user has just opened or closed the threat), not only from a row drawn again. */
  force?: boolean;
}

const cell = (attrs: Attrs, ...children: Child[]) => h('td', { role: 'cell', ...attrs }, ...children);

/** A row of one cell across the columns, that says something of the list. */
const noteRow = (text: string): RowSpec => ({
  key: text,
  draw: () => h('tr', { role: 'row', class: 'empty-row' }, cell({ colspan: COLUMNS.length, 'aria-colspan': COLUMNS.length }, text)),
});

/** Runs `then` too once the row of `spec` is in its place. */
function whenPlaced(spec: RowSpec, then: (row: HTMLTableRowElement) => void): void {
  const before = spec.placed;
  spec.placed = (row) => {
    before?.(row);
    then(row);
  };
}

export class ThreatsView {
  private readonly text = h('input', { type: 'search', id: 'f-text', placeholder: 'Text in any column', autocomplete: 'off' });
  private readonly risk = h('select', { id: 'f-risk' }, option('', 'All'), ...[...RISKS].reverse().map((r) => option(r, r)));
  private readonly stride = h('select', { id: 'f-stride' }, option('', 'All'), ...STRIDE_LETTERS.map((s) => option(s, `${s} - ${STRIDE_NAMES[s]}`)));
  private readonly status = h('select', { id: 'f-status' }, option('', 'All'), option('unresolved', 'Open or mitigating'), ...TRIAGE_STATUSES.map((s) => option(s, s)),
    option(REVIEW_DUE, 'Review due'));
  private readonly count = h('span', { id: 'threat-count', class: 'count', role: 'status', 'aria-live': 'polite' });
  private readonly head = h('tr', { role: 'row' });
  private readonly body = h('tbody', { role: 'rowgroup' });
  private readonly table = h('table', { class: 'sliced tm-threats', id: 'threat-table', role: 'table', 'aria-label': 'Threats' }, h('thead', { role: 'rowgroup' }, this.head), this.body);
  private readonly sliced = new SlicedRows(this.table);
  /** The focus a render is to give back and whose rows are not drawn yet: the next render owes it in its turn. */
  private owedFocus: FocusTarget | undefined;
  private readonly details: ThreatDetails;
  private sortKey: SortKey = 'id';
  private ascending = true;
  private result: AnalysisResult | undefined;
  private mitigatedBy: Record<string, readonly string[]> = {};
  /** The stable ids of the threats whose decision is due for review, as applyTriage warns of them (src/track/triage.ts). */
  private reviewDue = new Set<string>();
  /** The key of the threat whose details are open. */
  private selected: string | undefined;

  constructor(root: HTMLElement, ctx: DetailsContext) {
    this.details = new ThreatDetails(ctx);
    const label = (text: string, control: HTMLElement) => h('label', {}, text, control);
    const reset = button({}, () => {
      for (const control of [this.text, this.risk, this.stride, this.status]) control.value = '';
      this.render();
    }, 'Reset');
    for (const control of [this.risk, this.stride, this.status]) control.addEventListener('change', () => this.render());
    this.text.addEventListener('input', () => this.render());
    for (const [key, title] of COLUMNS) {
      this.head.append(h('th', { scope: 'col', role: 'columnheader', 'data-key': key }, button({}, () => this.sortBy(key), title)));
    }
    fill(root,
      h('div', { class: 'filters', role: 'search', 'aria-label': 'Filter threats' },
        label('Search', this.text), label('Risk', this.risk), label('STRIDE', this.stride), label('Status', this.status), reset, this.count),
      this.table);
    this.markSort();
  }

  show(result: AnalysisResult, mitigatedBy: Record<string, readonly string[]>): void {
    this.result = result;
    this.mitigatedBy = mitigatedBy;
    this.reviewDue = new Set((result.triage?.warnings ?? []).flatMap((w) => (w.code === 'review-due' && w.uid !== undefined ? [w.uid] : [])));
    this.render();
  }

  /** Opens a threat's details (from another tab); filters that would hide it give way to its stable id. */
  reveal(id: string): void {
    const threat = this.result?.threats.find((t) => t.id === id);
    if (!threat) return;
    const at = this.rows().indexOf(threat);
    if (at < 0 || at >= MAX_ROWS) {
      for (const control of [this.risk, this.stride, this.status]) control.value = '';
      this.text.value = uidOf(threat);
    }
    this.selected = threat.key;
    this.render({ scrollTo: threat.key });
  }

  /** The threats the filters let through, in the chosen order. */
  private rows(): Threat[] {
    const threats = this.result?.threats ?? [];
    const q = this.text.value.trim().toLowerCase();
    const status = this.status.value;
    const compare = SORT[this.sortKey];
    const sign = this.ascending ? 1 : -1;
    return threats.filter((t) =>
      (!this.risk.value || t.risk === this.risk.value) &&
      (!this.stride.value || t.stride === this.stride.value) &&
      (status === 'unresolved' ? isOpenThreat(t) : status === REVIEW_DUE ? this.reviewDue.has(uidOf(t)) : !status || statusOf(t) === status) &&
      (!q || [t.id, uidOf(t), t.risk, t.stride, t.category, t.componentName, t.title, statusOf(t)].some((s) => s.toLowerCase().includes(q))))
      .sort((a, b) => sign * (compare(a, b) || idNumber(a) - idNumber(b)));
  }

  private sortBy(key: SortKey): void {
    this.ascending = key === this.sortKey ? !this.ascending : true;
    this.sortKey = key;
    this.markSort();
    this.render();
  }

  private markSort(): void {
    for (const th of this.head.children) {
      if ((th as HTMLElement).dataset.key === this.sortKey) th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  /**
   * Brings the table to the filters and the order, a slice at a time (MAX_ROWS threats drawn at once held the
   * page for up to half a second): a row that shows the same is kept, with the focus in it. The focus in a row
   * drawn again goes back to the same control once it is there; `scrollTo` is the key of a threat to scroll
   * to once its row is.
   */
  private render(options: { focus?: FocusTarget; scrollTo?: string } = {}): void {
    const all = this.result?.threats.length ?? 0;
    const rows = this.rows();
    this.count.textContent = rows.length === all ? `Showing all ${plural(all, 'threat')}` : `Showing ${rows.length} of ${plural(all, 'threat')}`;
    if (this.selected !== undefined && !rows.some((t) => t.key === this.selected)) this.selected = undefined;
    // Asked before any row changes: the question is about the ones on the page now.
    const focus = options.focus ?? this.focusedControl() ?? this.owedFocus;
    this.owedFocus = focus;
    const drawn = rows.slice(0, MAX_ROWS);
    const specs: RowSpec[] = [];
    for (const t of drawn) {
      const row = this.rowSpec(t);
      const details = t.key === this.selected ? this.detailSpec(t) : undefined;
      specs.push(row, ...(details ? [details] : []));
      if (t.key === options.scrollTo) whenPlaced(row, (tr) => tr.scrollIntoView({ block: 'start' }));
      // Given back once the threat's last row is in place: the control may be in either.
      if (t.key === focus?.key) whenPlaced(details ?? row, (tr) => this.refocus(focus, details ? [tr.previousElementSibling, tr] : [tr]));
    }
    if (rows.length === 0) specs.push(noteRow(all === 0 ? 'No threats found.' : 'No threat matches the filters.'));
    if (rows.length > drawn.length) specs.push(noteRow(`The first ${MAX_ROWS} are shown: filter to see the other ${rows.length - MAX_ROWS}.`));
    if (focus && !drawn.some((t) => t.key === focus.key)) this.refocus(focus, []);
    this.sliced.draw([[this.body, specs]]);
  }

  /** The control of the table that has the focus: its threat's key and its `data-focus` name, stable across rebuilds. */
  private focusedControl(): FocusTarget | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.body.contains(active)) return undefined;
    const key = active.closest<HTMLElement>('[data-key]')?.dataset.key;
    const control = active.closest<HTMLElement>('[data-focus]')?.dataset.focus;
    return key === undefined || control === undefined ? undefined : { key, control };
  }

  /**
   * Gives the focus back to the same control in the threat's rows just placed (`rows`); when it is gone (a
   * threat now mitigated, its details closed), to its threat's title, else to the table's panel, never to the
   * page's body. Only a focus that went with a row drawn again, or is in one still to go, is moved: not one the
   * user has put elsewhere since.
   */
  private refocus({ control, force }: FocusTarget, rows: readonly (Element | null)[]): void {
    this.owedFocus = undefined;
    const active = document.activeElement;
    if (!force && active !== null && active !== document.body && !this.body.contains(active)) return;
    const target = rows.map((r) => r?.querySelector<HTMLElement>(`[data-focus="${CSS.escape(control)}"]`)).find((el) => el)
      ?? rows[0]?.querySelector<HTMLElement>('[data-focus="title"]')
      ?? this.body.closest<HTMLElement>('[tabindex]');
    if (target !== active) target?.focus({ preventScroll: true });
  }

  /** A threat's row, kept while everything it shows (and whether its details are open) stays the same. */
  private rowSpec(t: Threat): RowSpec {
    const status = statusOf(t);
    const due = this.reviewDue.has(uidOf(t));
    const open = t.key === this.selected;
    return {
      key: JSON.stringify([t.key, t.id, uidOf(t), t.risk, t.stride, t.category, t.componentName, t.title, status, isOpenThreat(t), t.triage?.declared, due && t.triage?.review, open]),
      draw: () => this.row(t, status, due, open),
    };
  }

  /**
   * The open threat's details, kept while what they show is the same (what is typed in them and the focus
   * stay); drawn again when it changes, the half-written decision carried over (details.ts).
   */
  private detailSpec(t: Threat): RowSpec {
    const controls = this.mitigatedBy[t.ruleId] ?? [];
    return {
      key: `details ${uidOf(t)} ${detailsDigest(t, controls)}`,
      draw: () => h('tr', { role: 'row', class: 'detail-row' },
        cell({ colspan: COLUMNS.length, 'aria-colspan': COLUMNS.length }, this.details.render(t, controls))),
    };
  }

  private row(t: Threat, status: string, due: boolean, open: boolean): HTMLTableRowElement {
    const toggle = () => {
      this.selected = open ? undefined : t.key;
      this.render({ focus: { key: t.key, control: 'title', force: true } });
    };
    const tr = h('tr', { role: 'row', class: `threat${isOpenThreat(t) ? '' : ' closed'}${open ? ' selected' : ''}`, 'data-key': t.key, 'data-id': t.id },
      cell({ class: 'id' }, t.id, h('span', { class: 'uid mono' }, uidOf(t))),
      cell({}, badge(t.risk)),
      cell({ title: t.category }, t.stride),
      cell({}, t.componentName),
      cell({}, button({ class: 'title', 'aria-expanded': String(open), 'data-focus': 'title' }, toggle, t.title)),
      cell({}, statusTag(status), t.triage?.declared ? h('span', { class: 'muted' }, ` (${t.triage.declared} expired)`) : null,
        due ? h('span', { class: 'review-due', title: `To be reviewed since ${t.triage?.review ?? ''}` }, 'review due') : null));
    // The whole row opens the details, for the mouse; the title button is the keyboard's way in.
    tr.addEventListener('click', (e) => {
      if (!(e.target instanceof Element && e.target.closest('button'))) toggle();
    });
    return tr;
  }
}
