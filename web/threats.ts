// The Threats tab: the result's threats as a table the user filters and sorts, each row opening its
// details (details.ts) below it. The view is rebuilt on every analysis; what the user chose (filters,
// order, the open threat, a half-written decision) is kept across rebuilds, matched by the threat's key.
import { riskRank } from '../src/analysis/risk.js';
import { type AnalysisResult, RISKS, STRIDE_LETTERS, STRIDE_NAMES, type Threat } from '../src/analysis/types.js';
import { plural } from '../src/model/diagnostics.js';
import { isOpenThreat, statusOf, uidOf } from '../src/track/triage.js';
import { TRIAGE_STATUSES } from '../src/track/types.js';
import { type DetailsContext, ThreatDetails } from './details.js';
import { badge, button, fill, h, statusTag } from './dom.js';

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

export class ThreatsView {
  private readonly text = h('input', { type: 'search', id: 'f-text', placeholder: 'Text in any column', autocomplete: 'off' });
  private readonly risk = h('select', { id: 'f-risk' }, option('', 'All'), ...[...RISKS].reverse().map((r) => option(r, r)));
  private readonly stride = h('select', { id: 'f-stride' }, option('', 'All'), ...STRIDE_LETTERS.map((s) => option(s, `${s} - ${STRIDE_NAMES[s]}`)));
  private readonly status = h('select', { id: 'f-status' }, option('', 'All'), option('unresolved', 'Open or mitigating'), ...TRIAGE_STATUSES.map((s) => option(s, s)),
    option(REVIEW_DUE, 'Review due'));
  private readonly count = h('span', { id: 'threat-count', class: 'count', role: 'status', 'aria-live': 'polite' });
  private readonly head = h('tr');
  private readonly body = h('tbody');
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
      this.head.append(h('th', { scope: 'col', 'data-key': key }, button({}, () => this.sortBy(key), title)));
    }
    fill(root,
      h('div', { class: 'filters', role: 'search', 'aria-label': 'Filter threats' },
        label('Search', this.text), label('Risk', this.risk), label('STRIDE', this.stride), label('Status', this.status), reset, this.count),
      h('table', { class: 'tm-threats', id: 'threat-table' }, h('thead', {}, this.head), this.body));
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
    this.render();
    this.body.querySelector('tr.selected')?.scrollIntoView({ block: 'start' });
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

  private render(): void {
    const all = this.result?.threats.length ?? 0;
    const rows = this.rows();
    this.count.textContent = rows.length === all ? `Showing all ${plural(all, 'threat')}` : `Showing ${rows.length} of ${plural(all, 'threat')}`;
    if (this.selected !== undefined && !rows.some((t) => t.key === this.selected)) this.selected = undefined;
    // Asked before the rows are rebuilt: the question is about the ones on the page now.
    const focused = this.focusedControl();
    const drawn = rows.slice(0, MAX_ROWS);
    const trs: HTMLTableRowElement[] = [];
    for (const t of drawn) {
      trs.push(this.row(t));
      if (t.key === this.selected) trs.push(h('tr', { class: 'detail-row' }, h('td', { colspan: COLUMNS.length }, this.details.render(t, this.mitigatedBy[t.ruleId] ?? []))));
    }
    if (rows.length === 0) trs.push(h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length }, all === 0 ? 'No threats found.' : 'No threat matches the filters.')));
    if (rows.length > drawn.length) {
      trs.push(h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length }, `The first ${MAX_ROWS} are shown: filter to see the other ${rows.length - MAX_ROWS}.`)));
    }
    this.body.replaceChildren(...trs);
    if (focused) this.refocus(focused);
  }

  /** The control of the table that has the focus: its threat's key and its `data-focus` name, stable across rebuilds. */
  private focusedControl(): { key: string; control: string } | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.body.contains(active)) return undefined;
    const key = active.closest<HTMLElement>('[data-key]')?.dataset.key;
    const control = active.closest<HTMLElement>('[data-focus]')?.dataset.focus;
    return key === undefined || control === undefined ? undefined : { key, control };
  }

  /**
   * Gives the focus back to the same control in the rebuilt rows; when it is gone (a threat now mitigated,
   * its details closed), to its threat's title, else to the table's panel, never to the page's body.
   */
  private refocus({ key, control }: { key: string; control: string }): void {
    const within = `[data-key="${CSS.escape(key)}"]`;
    const target = this.body.querySelector<HTMLElement>(`${within} [data-focus="${CSS.escape(control)}"]`)
      ?? this.body.querySelector<HTMLElement>(`tr${within} [data-focus="title"]`)
      ?? this.body.closest<HTMLElement>('[tabindex]');
    target?.focus({ preventScroll: true });
  }

  private row(t: Threat): HTMLTableRowElement {
    const open = t.key === this.selected;
    const toggle = () => {
      this.selected = open ? undefined : t.key;
      this.render();
      this.body.querySelector<HTMLButtonElement>(`tr[data-key="${CSS.escape(t.key)}"] button.title`)?.focus();
    };
    const status = statusOf(t);
    const tr = h('tr', { class: `threat${isOpenThreat(t) ? '' : ' closed'}${open ? ' selected' : ''}`, 'data-key': t.key, 'data-id': t.id },
      h('td', { class: 'id' }, t.id, h('span', { class: 'uid mono' }, uidOf(t))),
      h('td', {}, badge(t.risk)),
      h('td', { title: t.category }, t.stride),
      h('td', {}, t.componentName),
      h('td', {}, button({ class: 'title', 'aria-expanded': String(open), 'data-focus': 'title' }, toggle, t.title)),
      h('td', {}, statusTag(status), t.triage?.declared ? h('span', { class: 'muted' }, ` (${t.triage.declared} expired)`) : null,
        this.reviewDue.has(uidOf(t)) ? h('span', { class: 'review-due', title: `To be reviewed since ${t.triage?.review ?? ''}` }, 'review due') : null));
    // The whole row opens the details, for the mouse; the title button is the keyboard's way in.
    tr.addEventListener('click', (e) => {
      if (!(e.target instanceof Element && e.target.closest('button'))) toggle();
    });
    return tr;
  }
}
