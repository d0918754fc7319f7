// One threat's details: why it was found (ratings, evidence that jumps to the model text), how to fix it
// (the rule's controls, added to the model's text in one click) and the team's decision about it (saved
// to the triage file through the server).
import type { Threat } from '../src/analysis/types.js';
import { uidOf } from '../src/track/triage.js';
import type { TriageUpdate } from '../src/track/triage-edit.js';
import { TRIAGE_STATUSES, type TriageStatus } from '../src/track/types.js';
import { button, type Child, h } from './dom.js';

export interface DetailsContext {
  goTo(line: number, col: number): void;
  /** Adds a control to the threat's component in the editor's text; an error message when it cannot. */
  addControl(threat: Threat, control: string): string | undefined;
  /** Removes the threat's element or flow (and an element's flows) from the editor's text; an error message when it cannot. */
  removeComponent(threat: Threat): string | undefined;
  /** Saves a decision (null removes it); an error message when it was not saved. */
  saveTriage(threat: Threat, update: TriageUpdate | null): Promise<string | undefined>;
}

const FIELDS = ['reason', 'owner', 'ticket', 'expires', 'review'] as const;
const DATES: readonly Field[] = ['expires', 'review'];
const LABELS: Record<Field, string> = { reason: 'Reason', owner: 'Owner', ticket: 'Ticket', expires: 'Expires', review: 'Review on' };
type Field = (typeof FIELDS)[number];
type Draft = Record<'status' | Field, string>;

export class ThreatDetails {
  /** What the user typed and has not saved yet, by threat key: an analysis rebuilds the view meanwhile. */
  private readonly drafts = new Map<string, Draft>();
  /** The last message about each threat's decision or fix (saved, refused...), by threat key. */
  private readonly notes = new Map<string, string>();
  private current: HTMLElement | undefined;

  constructor(private readonly ctx: DetailsContext) {}

  render(t: Threat, controls: readonly string[]): HTMLElement {
    const entry = (term: string, ...value: Child[]) => [h('dt', {}, term), h('dd', {}, ...value)];
    const evidence = h('ul', {}, ...t.evidence.map((e) => h('li', {}, e.fact, ' ',
      e.line > 0 ? button({ class: 'loc mono', title: `Go to ${e.path}` }, () => this.ctx.goTo(e.line, e.col), `${e.line}:${e.col}`) : null)));
    this.current = h('div', { class: 'detail', 'data-key': t.key },
      h('p', {}, t.description),
      h('dl', {},
        ...entry(`Likelihood: ${t.likelihood.level}`, t.likelihood.reason),
        ...entry(`Impact: ${t.impact.level}`, t.impact.reason),
        ...entry('Evidence', evidence),
        ...(t.flows.length ? entry('Flows', ...t.flows.flatMap((f, i) => [i ? ', ' : '', h('code', {}, f)])) : []),
        ...entry('Mitigation', t.mitigation)),
      this.fixes(t, controls),
      this.removal(t),
      h('p', { class: 'detail-note', role: 'status' }, this.notes.get(t.key) ?? ''),
      this.triageForm(t),
      h('dl', {},
        ...(t.references.length ? entry('References', t.references.join(', ')) : []),
        ...entry('Stable id', h('code', {}, uidOf(t)), ' (rule ', h('code', {}, t.ruleId), '; key ', h('code', {}, t.key), ')')));
    return this.current;
  }

  /** The name of the form field that has the focus in the open details, to give it back after a rebuild. */
  focusedField(): string | undefined {
    const active = document.activeElement;
    return this.current && active instanceof HTMLElement && this.current.contains(active) ? active.getAttribute('name') ?? undefined : undefined;
  }

  refocus(name: string): void {
    this.current?.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`)?.focus();
  }

  private fixes(t: Threat, controls: readonly string[]): HTMLElement | null {
    if (t.componentKind === 'system' || controls.length === 0) return null;
    return h('div', { class: 'fixes' },
      h('p', { class: 'muted' }, 'Controls that mitigate this threat, added to the model in the editor (save to keep them):'),
      ...controls.map((control) => button({ class: 'fix' }, () => {
        const error = this.ctx.addControl(t, control);
        const note = error ? `Not added: ${error}` : `Added ${control} to ${t.componentName} in the editor: save the model to keep it.`;
        this.notes.set(t.key, note);
        this.setNote(note);
      }, `Add ${control} to ${t.componentName}`)));
  }

  /** The threat's element or flow, out of the model: for a part that should not be there at all. */
  private removal(t: Threat): HTMLElement | null {
    // An endpoint's threat names its element too: removing the whole element is not what it asks for.
    if ((t.componentKind !== 'element' && t.componentKind !== 'flow') || t.endpoint !== undefined) return null;
    const what = t.componentKind === 'element' ? 'element' : 'flow';
    return h('p', { class: 'removal' }, button({ class: 'remove' }, () => {
      const error = this.ctx.removeComponent(t);
      if (!error) return;
      const note = `Not removed: ${error}`;
      this.notes.set(t.key, note);
      this.setNote(note);
    }, `Remove ${what} ${t.componentName} from the model`), what === 'element' ? ' (with its flows)' : '');
  }

  private triageForm(t: Threat): HTMLFormElement {
    const tr = t.triage;
    const draft = this.drafts.get(t.key) ?? {
      status: tr?.declared ?? tr?.status ?? 'open', reason: tr?.reason ?? '', owner: tr?.owner ?? '', ticket: tr?.ticket ?? '', expires: tr?.expires ?? '', review: tr?.review ?? '',
    };
    const id = (name: string) => `triage-${name}`;
    const status = h('select', { name: 'status', id: id('status') }, ...TRIAGE_STATUSES.map((s) => h('option', { value: s }, s)));
    status.value = draft.status;
    const inputs = FIELDS.map((f) => {
      const input = h('input', { name: f, id: id(f), type: DATES.includes(f) ? 'date' : 'text', autocomplete: 'off' });
      input.value = draft[f];
      return input;
    });
    const label = (text: string, control: HTMLElement) => h('label', { for: control.id }, text);
    const save = h('button', { type: 'submit' }, 'Save decision');
    // An entry is in the file when the threat's decision has a line there.
    const remove = tr?.line !== undefined ? button({}, () => void this.submit(t, null, [save, remove!]), 'Remove decision') : null;
    const form = h('form', { class: 'triage', 'aria-label': `Triage of ${t.id}` },
      h('fieldset', {},
        h('legend', {}, 'Triage decision'),
        tr?.declared ? h('p', { class: 'note' }, `Declared ${tr.declared}, lapsed on ${tr.expires ?? ''}: the threat is open again.`) : null,
        h('div', { class: 'grid' },
          label('Status', status), status,
          ...FIELDS.flatMap((f, i) => [label(LABELS[f], inputs[i]), inputs[i]])),
        h('div', { class: 'actions' }, save, remove)));
    const read = (): Draft => ({ status: status.value, ...Object.fromEntries(FIELDS.map((f, i) => [f, inputs[i].value])) as Record<Field, string> });
    form.addEventListener('input', () => {
      this.drafts.set(t.key, read());
      this.notes.delete(t.key);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const d = read();
      const update: TriageUpdate = { status: d.status as TriageStatus };
      const unset: Field[] = [];
      for (const f of FIELDS) {
        const value = d[f].trim();
        if (value) update[f] = value;
        else if (tr?.[f] !== undefined) unset.push(f);
      }
      if (unset.length) update.unset = unset;
      void this.submit(t, update, [save, remove]);
    });
    return form;
  }

  private async submit(t: Threat, update: TriageUpdate | null, buttons: (HTMLButtonElement | null)[]): Promise<void> {
    for (const b of buttons) if (b) b.disabled = true;
    this.setNote('Saving the decision…');
    const error = await this.ctx.saveTriage(t, update);
    for (const b of buttons) if (b) b.disabled = false;
    const note = error ? `Not saved: ${error}` : update ? 'Decision saved.' : 'Decision removed.';
    if (!error) this.drafts.delete(t.key);
    this.notes.set(t.key, note);
    this.setNote(note);
  }

  /** Shows a message in the open details at once (the view is rebuilt only at the next analysis). */
  private setNote(text: string): void {
    const note = this.current?.querySelector('.detail-note');
    if (note) note.textContent = text;
  }
}
