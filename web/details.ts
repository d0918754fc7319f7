// One threat's details: why it was found (ratings, evidence that jumps to the model text), how to fix it
// (the rule's controls, added to the model's text in one click) and the team's decision about it (saved
// to the triage file through the server).
import type { Threat } from '../src/analysis/types.js';
import { isControlName } from '../src/model/rule-conditions.js';
import { uidOf } from '../src/track/triage.js';
import type { TriageUpdate } from '../src/track/triage-edit.js';
import { TRIAGE_STATUSES, type TriageStatus } from '../src/track/types.js';
import { button, type Child, h } from './dom.js';

export interface DetailsContext {
  goTo(line: number, col: number): void;
  /** Adds a control to the threat's component in the editor's text; an error message when it cannot. */
  addControl(threat: Threat, control: string): Promise<string | undefined>;
  /** Removes the threat's element or flow (and an element's flows) from the editor's text; an error message when it cannot. */
  removeComponent(threat: Threat): Promise<string | undefined>;
  /** Saves a decision (null removes it); an error message when it was not saved. */
  saveTriage(threat: Threat, update: TriageUpdate | null): Promise<string | undefined>;
}

const FIELDS = ['reason', 'owner', 'ticket', 'expires', 'review'] as const;
const DATES: readonly Field[] = ['expires', 'review'];
const LABELS: Record<Field, string> = { reason: 'Reason', owner: 'Owner', ticket: 'Ticket', expires: 'Expires', review: 'Review on' };
type Field = (typeof FIELDS)[number];
/** A decision as the form shows it: every field a string, '' for one not set. */
type Decision = Record<'status' | Field, string>;

interface Draft {
  /** What the form holds. */
  values: Decision;
  /** The decision the draft was typed over: a field equal to it is one the user did not change. */
  base: Decision;
  /** Set when the decision changed in the triage file under the draft, until the user chooses between them. */
  theirs?: Decision;
}

/** The decision a threat has now, as the form shows it. */
function decisionOf(t: Threat): Decision {
  const tr = t.triage;
  return { status: tr?.declared ?? tr?.status ?? 'open', reason: tr?.reason ?? '', owner: tr?.owner ?? '', ticket: tr?.ticket ?? '', expires: tr?.expires ?? '', review: tr?.review ?? '' };
}

const KEYS = ['status', ...FIELDS] as const;
const sameDecision = (a: Decision, b: Decision) => KEYS.every((k) => a[k] === b[k]);
/** The fields the user typed: those that differ from the decision the draft started from. */
const typedFields = (d: Draft) => KEYS.filter((k) => d.values[k] !== d.base[k]);

/**
 * A draft carried over a decision changed in the triage file: what the user typed stays, every other field
 * takes the new decision's value. Undefined when the user had typed nothing, or nothing theirs does not say:
 * the form then just shows theirs.
 */
function rebase(draft: Draft, theirs: Decision): Draft | undefined {
  const typed = typedFields(draft);
  if (typed.length === 0) return undefined;
  const values = { ...theirs };
  for (const k of typed) values[k] = draft.values[k];
  // The decision on disk is the draft itself (our own save, seen before its answer): nothing to choose.
  if (sameDecision(values, theirs)) return undefined;
  return { values, base: theirs, theirs };
}

/** A decision in words, for the note that shows the one that arrived on disk. */
function describeDecision(d: Decision): string {
  const fields = FIELDS.filter((f) => d[f] !== '').map((f) => `${LABELS[f].toLowerCase()} "${d[f]}"`);
  return [d.status, ...fields].join(', ');
}

/**
 * The names a rule lists as mitigating that are not controls of the model (`tls`, `mtls`...): what to do
 * instead of adding them, which would make the model invalid.
 */
const ADVICE: Readonly<Record<string, string>> = {
  tls: 'use an encrypted protocol on the flow (protocol: https, or another TLS one)',
  mtls: 'authenticate the caller with a client certificate (the flow\'s auth: mtls)',
  hmac: 'sign the messages with a shared secret (the flow\'s auth: hmac)',
  'per-service credentials': 'give each service credentials of its own',
  'personal accounts': 'give each person an account of their own',
};

/**
 * What a threat's details show, and what their buttons act on, as one string: details drawn for the same
 * digest are kept (what is typed in them, and the focus, with them). The note is not in it: it is set in the
 * details drawn (setNote) as it changes.
 */
export function detailsDigest(t: Threat, controls: readonly string[]): string {
  return JSON.stringify([t.id, t.key, uidOf(t), t.ruleId, t.title, t.component, t.componentKind, t.componentName, t.endpoint ?? null, t.flows,
    t.description, t.likelihood, t.impact, t.mitigation, t.mitigationSteps ?? null, t.references, t.evidence, t.triage ?? null, controls]);
}

/**
 * A threat's concrete steps in the technologies of the model, as the HTML report lists them under the
 * mitigation (its `ul.steps`, whose style the page bundles): the steps are Markdown, their code spans `<code>`.
 * Nothing for a threat without steps, so that no empty list is drawn.
 */
function stepsList(steps: readonly string[] | undefined): HTMLElement | null {
  if (steps === undefined || steps.length === 0) return null;
  return h('ul', { class: 'steps' }, ...steps.map((step) => h('li', {}, ...step.split('`').map((part, i) => (i % 2 === 1 ? h('code', {}, part) : part)))));
}

export class ThreatDetails {
  /** What the user typed and has not saved yet, by threat key: an analysis rebuilds the view meanwhile. */
  private readonly drafts = new Map<string, Draft>();
  /** The last message about each threat's decision or fix (saved, refused...), by threat key. */
  private readonly notes = new Map<string, string>();
  private current: HTMLElement | undefined;
  /** A decision is being saved: its buttons stay focusable (a disabled button drops the focus) but do nothing. */
  private busy = false;

  constructor(private readonly ctx: DetailsContext) {}

  render(t: Threat, controls: readonly string[]): HTMLElement {
    const entry = (term: string, ...value: Child[]) => [h('dt', {}, term), h('dd', {}, ...value)];
    const evidence = h('ul', {}, ...t.evidence.map((e, i) => h('li', {}, e.fact, ' ',
      e.line > 0 ? button({ class: 'loc mono', title: `Go to ${e.path}`, 'data-focus': `evidence-${i}` }, () => this.ctx.goTo(e.line, e.col), `${e.line}:${e.col}`) : null)));
    this.current = h('div', { class: 'detail', 'data-key': t.key },
      h('p', {}, t.description),
      h('dl', {},
        ...entry(`Likelihood: ${t.likelihood.level}`, t.likelihood.reason),
        ...entry(`Impact: ${t.impact.level}`, t.impact.reason),
        ...entry('Evidence', evidence),
        ...(t.flows.length ? entry('Flows', ...t.flows.flatMap((f, i) => [i ? ', ' : '', h('code', {}, f)])) : []),
        ...entry('Mitigation', t.mitigation, stepsList(t.mitigationSteps))),
      this.fixes(t, controls),
      this.removal(t),
      h('p', { class: 'detail-note', role: 'status' }, this.notes.get(t.key) ?? ''),
      this.triageForm(t),
      h('dl', {},
        ...(t.references.length ? entry('References', t.references.join(', ')) : []),
        ...entry('Stable id', h('code', {}, uidOf(t)), ' (rule ', h('code', {}, t.ruleId), '; key ', h('code', {}, t.key), ')')));
    return this.current;
  }

  /**
   * The rule's controls as buttons that add them; the other ways it names (`tls`, `mtls`...: not controls a
   * model lists, so adding one would break it) as advice.
   */
  private fixes(t: Threat, mitigatedBy: readonly string[]): HTMLElement | null {
    if (t.componentKind === 'system' || mitigatedBy.length === 0) return null;
    const controls = mitigatedBy.filter(isControlName);
    const advice = mitigatedBy.filter((name) => !isControlName(name)).map((name) => ADVICE[name] ?? name);
    return h('div', { class: 'fixes' },
      controls.length ? h('p', { class: 'muted' }, 'Controls that mitigate this threat, added to the model in the editor (save to keep them):') : null,
      ...controls.map((control) => button({ class: 'fix', 'data-focus': `fix-${control}` }, () => void this.fix(t, control), `Add ${control} to ${t.componentName}`)),
      advice.length ? h('p', { class: 'muted advice' }, controls.length ? 'Or, in the model by hand: ' : 'To mitigate it, in the model by hand: ', advice.join('; '), '.') : null);
  }

  /** The threat's element or flow, out of the model: for a part that should not be there at all. */
  private removal(t: Threat): HTMLElement | null {
    // An endpoint's threat names its element too: removing the whole element is not what it asks for.
    if ((t.componentKind !== 'element' && t.componentKind !== 'flow') || t.endpoint !== undefined) return null;
    const what = t.componentKind === 'element' ? 'element' : 'flow';
    return h('p', { class: 'removal' }, button({ class: 'remove', 'data-focus': 'remove' }, () => void this.remove(t), `Remove ${what} ${t.componentName} from the model`),
      what === 'element' ? ' (with its flows)' : '');
  }

  private async fix(t: Threat, control: string): Promise<void> {
    const error = await this.ctx.addControl(t, control);
    const note = error ? `Not added: ${error}` : `Added ${control} to ${t.componentName} in the editor: save the model to keep it.`;
    this.notes.set(t.key, note);
    this.setNote(note);
  }

  private async remove(t: Threat): Promise<void> {
    const error = await this.ctx.removeComponent(t);
    if (!error) return;
    const note = `Not removed: ${error}`;
    this.notes.set(t.key, note);
    this.setNote(note);
  }

  /** The draft of a threat's decision, carried over a change of the decision on disk (the user then chooses). */
  private draftOf(t: Threat): Draft | undefined {
    const draft = this.drafts.get(t.key);
    if (!draft) return undefined;
    const now = decisionOf(t);
    if (sameDecision(draft.base, now)) return draft;
    const carried = rebase(draft, now);
    if (carried) this.drafts.set(t.key, carried);
    else this.drafts.delete(t.key);
    return carried;
  }

  private triageForm(t: Threat): HTMLFormElement {
    const tr = t.triage;
    const draft = this.draftOf(t);
    const shown = draft?.values ?? decisionOf(t);
    const id = (name: string) => `triage-${name}`;
    const status = h('select', { name: 'status', id: id('status'), 'data-focus': 'triage-status' }, ...TRIAGE_STATUSES.map((s) => h('option', { value: s }, s)));
    status.value = shown.status;
    const inputs = FIELDS.map((f) => {
      const input = h('input', { name: f, id: id(f), type: DATES.includes(f) ? 'date' : 'text', autocomplete: 'off', 'data-focus': `triage-${f}` });
      input.value = shown[f];
      return input;
    });
    const label = (text: string, control: HTMLElement) => h('label', { for: control.id }, text);
    const save = h('button', { type: 'submit', 'data-focus': 'triage-save' }, 'Save decision');
    // An entry is in the file when the threat's decision has a line there.
    const remove = tr?.line !== undefined ? button({ 'data-focus': 'triage-remove' }, () => void this.submit(t, null), 'Remove decision') : null;
    const form = h('form', { class: 'triage', 'aria-label': `Triage of ${t.id}` },
      h('fieldset', {},
        h('legend', {}, 'Triage decision'),
        // A drifted decision has not lapsed: the threat grew past what it was made for, and saving decides it again.
        tr?.drift ? h('p', { class: 'note' }, `Declared ${tr.drift.status}, needs review: ${tr.drift.summary}. Save to decide it for what the threat covers now.`)
        : tr?.declared ? h('p', { class: 'note' }, `Declared ${tr.declared}, lapsed on ${tr.expires ?? ''}: the threat is open again.`) : null,
        draft?.theirs ? this.changedNote(t, draft, draft.theirs) : null,
        h('div', { class: 'grid' },
          label('Status', status), status,
          ...FIELDS.flatMap((f, i) => [label(LABELS[f], inputs[i]), inputs[i]])),
        h('div', { class: 'actions' }, save, remove)));
    const read = (): Decision => ({ status: status.value, ...Object.fromEntries(FIELDS.map((f, i) => [f, inputs[i].value])) as Record<Field, string> });
    form.addEventListener('input', () => {
      const before = this.drafts.get(t.key);
      this.drafts.set(t.key, { values: read(), base: before?.base ?? decisionOf(t), theirs: before?.theirs });
      this.notes.delete(t.key);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const pending = this.drafts.get(t.key);
      if (pending?.theirs) {
        this.setNote('Not saved: the decision changed in the triage file meanwhile; choose "Use theirs" or "Keep my changes" first.');
        form.querySelector<HTMLElement>('.decision-changed button')?.focus();
        return;
      }
      void this.submit(t, this.update(read(), pending?.base ?? decisionOf(t)));
    });
    return form;
  }

  /**
   * What Save writes: the form's fields, and the removal of only those the user emptied (the decision they
   * started from had them): a field left empty and never seen is not one to remove.
   */
  private update(values: Decision, base: Decision): TriageUpdate {
    const update: TriageUpdate = { status: values.status as TriageStatus };
    const unset: Field[] = [];
    for (const f of FIELDS) {
      const value = values[f].trim();
      if (value) update[f] = value;
      else if (base[f] !== '') unset.push(f);
    }
    if (unset.length) update.unset = unset;
    return update;
  }

  /** Says that the decision changed on disk under the draft, shows theirs, and offers the choice. */
  private changedNote(t: Threat, draft: Draft, theirs: Decision): HTMLElement {
    const typed = typedFields(draft).map((k) => (k === 'status' ? 'status' : LABELS[k].toLowerCase()));
    const redraw = () => {
      const form = this.current?.querySelector('form.triage');
      if (form && this.current?.dataset.key === t.key) {
        const fresh = this.triageForm(t);
        form.replaceWith(fresh);
        fresh.querySelector<HTMLElement>('[data-focus="triage-status"]')?.focus();
      }
    };
    return h('div', { class: 'note decision-changed', role: 'alert' },
      h('p', {}, 'This decision was changed in the triage file while you were editing it. Theirs: ', h('strong', {}, describeDecision(theirs)), '.'),
      h('p', {}, typed.length
        ? `The form keeps what you typed (${typed.join(', ')}) and shows theirs for the rest.`
        : 'The form shows theirs.'),
      h('div', { class: 'actions' },
        button({ 'data-focus': 'use-theirs' }, () => {
          this.drafts.delete(t.key);
          redraw();
        }, 'Use theirs'),
        button({ 'data-focus': 'keep-mine' }, () => {
          // What the form holds now: the user may have typed on since the note came.
          const now = this.drafts.get(t.key) ?? draft;
          this.drafts.set(t.key, { values: now.values, base: now.base });
          redraw();
        }, 'Keep my changes')));
  }

  private async submit(t: Threat, update: TriageUpdate | null): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const buttons = [...this.current?.querySelectorAll('form.triage button') ?? []];
    for (const b of buttons) b.setAttribute('aria-disabled', 'true');
    this.setNote('Saving the decision…');
    const error = await this.ctx.saveTriage(t, update);
    this.busy = false;
    for (const b of buttons) b.removeAttribute('aria-disabled');
    const note = error ? `Not saved: ${error}` : update ? 'Decision saved.' : 'Decision removed.';
    if (!error) this.drafts.delete(t.key);
    this.notes.set(t.key, note);
    this.setNote(note);
  }

  /** Shows a message in the open details at once (they are drawn again only when what they show changes). */
  private setNote(text: string): void {
    const note = this.current?.querySelector('.detail-note');
    if (note) note.textContent = text;
  }
}
