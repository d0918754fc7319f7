// The page of `threatmap serve`: the model's YAML on the left, its analysis on the right, live. The file
// on disk stays the source of truth: the page edits its text, analyses every change in a worker, and
// writes it back only when the user saves, refusing to overwrite a file changed elsewhere unless asked.
import { type AnalysisResult, RISKS, type Threat } from '../src/analysis/types.js';
import { applyModelEdit, type EditTarget, type ModelEdit } from '../src/model/edit.js';
import { type WrittenThreatEntry, writtenThreatsIn } from '../src/model/edit-threats.js';
import type { Diagnostic } from '../src/model/types.js';
import { uidOf } from '../src/track/triage.js';
import type { TriageUpdate } from '../src/track/triage-edit.js';
import { type ChangedEvent, type FileState, getState, postTriage, putModel, type ServerState, takeToken, watchFiles } from './api.js';
import { DiagramView } from './diagram.js';
import { showDiagnostics } from './diagnostics.js';
import { badge, button, byId, fill, h } from './dom.js';
import { Editor } from './editor.js';
import type { AnalysisAnswer, AnalysisRequest } from './protocol.js';
import { renderStructure, type StructureContext, StructureForms } from './structure.js';
import { renderCoverage, renderPaths, renderSurface, type TablesContext } from './tables.js';
import { Tabs } from './tabs.js';
import { ThreatsView } from './threats.js';

/** Typing pauses this long before the text is analysed. */
const ANALYSE_AFTER_MS = 250;

const model = { file: '', version: '', saved: '' };
let triage: FileState = { file: '', text: null, version: null };
/** What the server says of every analysis: its custom rules' files, and its day (for triage expiry). */
let server: Pick<ServerState, 'rules' | 'today'> = { rules: [], today: '' };
let saving = false;
let saveError: string | undefined;
/**
 * A look at the files on disk is owed: a change was announced during a save (looked at once the save is
 * answered, when our own new version is known) or during another look.
 */
let recheck = false;
/** The banner asks about a change on disk (else it reports a problem, which a good look at the files clears). */
let conflictShown = false;
let syncing: Promise<void> | undefined;
let result: AnalysisResult | undefined;
let mitigatedBy: Record<string, readonly string[]> = {};
/** The text of the latest request to the worker, and the one `result` is the analysis of. */
let requestedText = '';
let resultText = '';

const editor = new Editor(byId<HTMLTextAreaElement>('editor'), byId('gutter'), () => {
  updateSaveState();
  analyseSoon();
});
const goTo = (line: number, col: number) => editor.goTo(line, col);
const diagram = new DiagramView();
const tabs = new Tabs(byId('views').querySelector('[role="tablist"]')!, () => renderTab());
const tablesContext: TablesContext = {
  goTo,
  showThreat(id) {
    tabs.show('tab-threats');
    threats.reveal(id);
  },
};
const threats = new ThreatsView(byId('panel-threats'), { goTo, addControl, removeComponent, saveTriage });
const structureContext: StructureContext = { goTo, prepare: prepareEdit };
let written: { text: string; threats: WrittenThreatEntry[] } | undefined;
/** The threats written in the text of the result shown, read once per text: a large model's takes a while to parse. */
function writtenThreats(): WrittenThreatEntry[] {
  if (written?.text !== resultText) written = { text: resultText, threats: writtenThreatsIn(resultText) };
  return written.threats;
}
const forms = new StructureForms(structureContext, () => result, writtenThreats);

// ---- analysis in the worker ----

const worker = new Worker('worker.js');
let seq = 0;
let inFlight = false;
let pending: AnalysisRequest | undefined;
let analyseTimer: number | undefined;

function analyseSoon(): void {
  clearTimeout(analyseTimer);
  analyseTimer = window.setTimeout(analyse, ANALYSE_AFTER_MS);
}

/** One request at a time: the worker cannot be interrupted, so only the latest text waits its turn. */
function analyse(): void {
  clearTimeout(analyseTimer);
  const request: AnalysisRequest = {
    seq: ++seq, text: editor.text, file: model.file, triage: triage.text, triageFile: triage.file, today: server.today, rules: server.rules,
  };
  requestedText = request.text;
  if (inFlight) pending = request;
  else send(request);
}

function send(request: AnalysisRequest): void {
  inFlight = true;
  worker.postMessage(request);
}

worker.addEventListener('message', (e: MessageEvent<AnalysisAnswer>) => {
  inFlight = false;
  if (pending) {
    send(pending);
    pending = undefined;
  }
  if (e.data.seq === seq) showAnswer(e.data);
});
worker.addEventListener('error', (e) => {
  inFlight = false;
  showStale(`The analysis stopped: ${e.message || 'the worker could not start'}`);
});

function showAnswer(answer: AnalysisAnswer): void {
  showDiagnostics(byId('diagnostics'), byId('diagnostics-summary'), answer.diagnostics, goTo);
  if (!answer.ok) {
    showStale(answer.error
      ? `The analysis failed (${answer.error}): the views show the last analysis that worked.`
      : result ? 'The model has errors: the views show the last version that loaded, until they are fixed.' : 'The model has errors: fix them to see its analysis.');
    return;
  }
  showStale(undefined);
  result = answer.result;
  // Only the latest request's answer is shown.
  resultText = requestedText;
  mitigatedBy = answer.mitigatedBy;
  showTriageProblems(answer.triageDiagnostics, result);
  renderHeader(result);
  tabs.setAvailable('tab-paths', result.attackPaths !== undefined);
  threats.show(result, mitigatedBy);
  forms.update();
  renderTab();
  if (tabs.current === 'tab-diagram') diagram.refresh(editor.text, triage.text);
}

function showStale(note: string | undefined): void {
  const el = byId('stale-note');
  el.textContent = note ?? '';
  el.hidden = note === undefined;
  byId('views').classList.toggle('stale', note !== undefined && result !== undefined);
}

/** The triage file's own problems and warnings: about another file, so shown apart from the editor's. */
function showTriageProblems(diagnostics: readonly Diagnostic[], r: AnalysisResult): void {
  const lines = [
    ...diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}${d.hint ? `; ${d.hint}` : ''}`),
    ...(r.triage?.warnings ?? []).map((w) => `${w.line}:${w.col} warning: ${w.message}`),
  ];
  const el = byId('triage-problems');
  el.hidden = lines.length === 0;
  fill(el,
    h('h3', {}, 'Triage file ', h('span', { class: 'mono' }, triage.file),
      diagnostics.some((d) => d.severity === 'error') ? ': its decisions are not applied until its errors are fixed' : ''),
    h('ul', {}, ...lines.map((l) => h('li', {}, l))));
}

function renderHeader(r: AnalysisResult): void {
  byId('system-name').textContent = r.system.name;
  document.title = `${r.system.name} - threatmap`;
  const open = r.triage?.open.total;
  fill(byId('counts'),
    h('span', { class: 'total' }, h('strong', { id: 'threat-total' }, r.summary.threats.total), r.summary.threats.total === 1 ? ' threat' : ' threats'),
    ...[...RISKS].reverse().map((risk) => h('span', { class: 'count', 'data-risk': risk }, badge(risk), ' ', h('strong', {}, r.summary.threats[risk]))),
    open !== undefined && open !== r.summary.threats.total ? h('span', { class: 'muted' }, `${open} open`) : null);
}

/** Only the visible tab is drawn: a large model's coverage and surface tables are thousands of rows. */
function renderTab(): void {
  if (!result) return;
  const current = tabs.current;
  if (current === 'tab-surface') renderSurface(byId('panel-surface'), result, tablesContext);
  else if (current === 'tab-coverage') renderCoverage(byId('panel-coverage'), result, tablesContext);
  else if (current === 'tab-paths' && result.attackPaths) renderPaths(byId('panel-paths'), result, result.attackPaths, tablesContext);
  else if (current === 'tab-diagram') {
    renderStructure(byId('structure'), result, writtenThreats(), structureContext);
    diagram.refresh(editor.text, triage.text, true);
  }
}

// ---- saving, and the files changing on disk ----

const dirty = () => editor.text !== model.saved;

function updateSaveState(): void {
  const [state, label] = saving ? ['saving', 'Saving…'] : saveError ? ['error', `Not saved: ${saveError}`] : dirty() ? ['dirty', 'Unsaved changes'] : ['saved', 'Saved'];
  const el = byId('save-state');
  el.dataset.state = state;
  el.textContent = label;
}

async function save(base = model.version): Promise<void> {
  if (saving || !dirty()) return;
  const text = editor.text;
  saving = true;
  saveError = undefined;
  updateSaveState();
  const answer = await putModel(text, base);
  saving = false;
  if (answer.ok) {
    model.version = answer.body.version;
    model.saved = text;
    byId('edit-note').textContent = '';
    hideBanner();
  } else if (answer.status === 409 && typeof answer.body.text === 'string' && typeof answer.body.version === 'string') {
    saveError = 'the file changed on disk';
    showConflict(answer.body.version, answer.body.text);
  } else {
    saveError = answer.body.error;
    if (answer.body.diagnostics) showDiagnostics(byId('diagnostics'), byId('diagnostics-summary'), answer.body.diagnostics, goTo);
  }
  updateSaveState();
  if (recheck) {
    recheck = false;
    void sync();
  }
}

function showBanner(text: string, ...actions: HTMLButtonElement[]): void {
  byId('banner-text').textContent = text;
  fill(byId('banner-actions'), ...actions);
  byId('banner').hidden = false;
}

function hideBanner(): void {
  byId('banner').hidden = true;
  conflictShown = false;
}

/** The file on disk is not the one the editor's text was based on, and the editor has changes of its own. */
function showConflict(version: string, text: string): void {
  conflictShown = true;
  showBanner('The file changed on disk while you were editing it.',
    button({}, () => {
      hideBanner();
      saveError = undefined;
      model.version = version;
      model.saved = text;
      // As an edit, so that Ctrl+Z brings back what was in the editor.
      editor.edit(text);
    }, 'Load theirs'),
    button({}, () => {
      hideBanner();
      void save(version);
    }, 'Keep mine (overwrite)'));
}

/** Brings the page up to date with the files on disk; one at a time, the last call redoing it once more. */
function sync(): Promise<void> {
  if (syncing) {
    recheck = true;
    return syncing;
  }
  syncing = (async () => {
    const state = await getState();
    if (!state.ok) {
      showBanner(`The files cannot be read: ${state.body.error}`);
      return;
    }
    const s = state.body;
    if (!conflictShown) hideBanner();
    let analyseNow = s.today !== server.today;
    server = { rules: s.rules, today: s.today };
    if (s.triage.version !== triage.version) {
      triage = s.triage;
      analyseNow = true;
    }
    if (s.version !== model.version) {
      if (!dirty()) {
        model.version = s.version;
        model.saved = s.text;
        editor.load(s.text);
        analyseNow = true;
      } else if (s.text === editor.text) {
        // Changed on disk to just what the editor holds (the same edit made twice): nothing to choose.
        model.version = s.version;
        model.saved = s.text;
      } else showConflict(s.version, s.text);
    }
    updateSaveState();
    if (analyseNow) analyse();
  })().finally(() => {
    syncing = undefined;
    if (recheck && !saving) {
      recheck = false;
      void sync();
    }
  });
  return syncing;
}

function onChanged(event: ChangedEvent): void {
  const held = event.what === 'model' ? model.version : triage.version;
  if (event.version === held) return;
  // Our own save is announced too, possibly before its answer tells us the new version.
  if (saving) recheck = true;
  else void sync();
}

// ---- edits of the model's text: controls from the threat details, elements, flows and written threats ----

/**
 * A structured edit (src/model/edit.ts) of the editor's text: why it cannot be made, or the function that
 * makes it as the user's own edit (Ctrl+Z takes it back, the analysis follows, and Save writes it like any
 * other change, a file changed on disk meanwhile getting the conflict banner) and says `done` in the header.
 */
function prepareEdit(edit: ModelEdit, done?: string): string | (() => void) {
  const edited = applyModelEdit(editor.text, edit);
  if ('error' in edited) return edited.error;
  return () => {
    editor.edit(edited.text);
    byId('edit-note').textContent = done ?? '';
  };
}

function editModel(edit: ModelEdit, done?: string): string | undefined {
  const outcome = prepareEdit(edit, done);
  if (typeof outcome === 'string') return outcome;
  outcome();
  return undefined;
}

function targetOf(t: Threat): EditTarget | undefined {
  if (t.endpoint !== undefined) return { endpoint: t.endpoint };
  switch (t.componentKind) {
    case 'element': return { element: t.component };
    case 'flow': return { flow: t.component };
    case 'endpoint': return { endpoint: t.component };
    case 'boundary': return { boundary: t.component };
    case 'system': return undefined;
  }
}

function addControl(t: Threat, control: string): string | undefined {
  const target = targetOf(t);
  if (!target) return 'the threat is about the whole system, not one part of it';
  return editModel({ op: 'add-control', target, control });
}

/** The threat's element or flow out of the model; its details close with it, so the header says it was done. */
function removeComponent(t: Threat): string | undefined {
  if (t.componentKind === 'element') return editModel({ op: 'remove-element', id: t.component }, `Removed element ${t.component} in the editor: save the model to keep the change.`);
  if (t.componentKind === 'flow') return editModel({ op: 'remove-flow', flow: t.component }, `Removed the flow ${t.component} in the editor: save the model to keep the change.`);
  return 'only an element or a flow is removed from here';
}

async function saveTriage(t: Threat, update: TriageUpdate | null): Promise<string | undefined> {
  // What the entry says about its threat, as `threatmap triage` writes it (src/cli/triage.ts describeThreat).
  const threat = { uid: uidOf(t), key: t.key, describe: `${t.title} (${t.key})` };
  const answer = await postTriage(threat, update, triage.version);
  if (answer.ok) {
    triage = { ...triage, text: answer.body.text, version: answer.body.version };
    analyse();
    return undefined;
  }
  if (answer.status === 409) {
    triage = { ...triage, text: answer.body.text ?? null, version: answer.body.version ?? null };
    analyse();
    return 'the triage file changed on disk; it is reloaded: check the decision and save it again';
  }
  return answer.body.error;
}

// ---- start ----

async function start(): Promise<void> {
  if (!takeToken()) {
    showBanner('This page needs the address that `threatmap serve` printed: it carries the access token (#token=...).');
    return;
  }
  const state = await getState();
  if (!state.ok) {
    showBanner(`The model cannot be read: ${state.body.error}`);
    return;
  }
  const s = state.body;
  Object.assign(model, { file: s.file, version: s.version, saved: s.text });
  triage = s.triage;
  server = { rules: s.rules, today: s.today };
  byId('model-file').textContent = s.file;
  editor.load(s.text);
  updateSaveState();
  analyse();
  watchFiles(onChanged, () => void sync(), () => showBanner('The page has lost its connection to `threatmap serve`: changes on disk are no longer followed, and saving may fail. If it was restarted, open the address it printed.'));
}

byId('save').addEventListener('click', () => void save());
byId('add-element').addEventListener('click', (e) => forms.openElement(e.currentTarget as HTMLElement));
byId('add-flow').addEventListener('click', (e) => forms.openFlow(e.currentTarget as HTMLElement));
byId('add-threat').addEventListener('click', (e) => forms.openThreat(e.currentTarget as HTMLElement));
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
    e.preventDefault();
    void save();
  }
});
window.addEventListener('beforeunload', (e) => {
  if (dirty()) e.preventDefault();
});
void start();
