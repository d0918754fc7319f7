// The page of `threatmap serve`: the model's YAML on the left, its analysis on the right, live. The file
// on disk stays the source of truth: the page edits its text, analyses every change in a worker, and
// writes it back only when the user saves, refusing to overwrite a file changed elsewhere unless asked. A
// model file not there yet when the page opens is waited for, and opened once it appears (or written from
// the editor).
import { type AnalysisResult, RISKS, type Threat } from '../src/analysis/types.js';
import type { EditResult, EditTarget, ModelEdit } from '../src/model/edit.js';
import type { WrittenThreatEntry } from '../src/model/edit-threats.js';
import type { Diagnostic } from '../src/model/types.js';
import { uidOf } from '../src/track/triage.js';
import type { TriageUpdate } from '../src/track/triage-edit.js';
import { type ChangedEvent, dropToken, type ErrorBody, type FileState, getState, postTriage, putModel, type ServerState, takeToken, watchFiles } from './api.js';
import { DiagramView } from './diagram.js';
import { showDiagnostics } from './diagnostics.js';
import { badge, button, byId, fill, h } from './dom.js';
import { Editor } from './editor.js';
import type { AnalysisAnswer, AnalysisRequest, EditRequest, WorkerAnswer } from './protocol.js';
import { renderStructure, type StructureContext, StructureForms } from './structure.js';
import { renderCoverage, renderPaths, renderSurface, type TablesContext } from './tables.js';
import { Tabs } from './tabs.js';
import { diskForm, editorForm, formOf, type TextForm } from './text-form.js';
import { ThreatsView } from './threats.js';

/** Typing pauses this long before the text is analysed. */
const ANALYSE_AFTER_MS = 250;

/**
 * The model file as the page knows it: its version on disk (null once it is gone), its text as the editor
 * holds it (LF, no BOM) and the form it is written back in (its own line ending and BOM).
 */
const model: { file: string; version: string | null; saved: string; form: TextForm } = { file: '', version: null, saved: '', form: formOf('') };
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
/**
 * What the banner says: a change on disk to choose about, the model file gone, files that cannot be read
 * (these three a look at the files settles anew), or a problem of the page itself (no token, no connection).
 */
type BannerKind = 'conflict' | 'missing' | 'unreadable' | 'page';
let bannerKind: BannerKind | undefined;
/** The file on disk while it conflicts with the editor: the banner's buttons act on the latest one. */
let theirs: { version: string; text: string } | undefined;
/** saveError when a save was refused for a change on disk or the file being gone: a look that settles it clears it. */
const CONFLICT_ERROR = 'the file changed on disk';
const MISSING_ERROR = 'the file is no longer on disk';
let syncing: Promise<void> | undefined;
let result: AnalysisResult | undefined;
let mitigatedBy: Record<string, readonly string[]> = {};

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
/** The threats written in the text of the result shown, as the worker read them with its analysis (never here: a large model's take a second). */
let written: readonly WrittenThreatEntry[] = [];
const writtenThreats = (): readonly WrittenThreatEntry[] => written;
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
    kind: 'analysis', seq: ++seq, text: editor.text, file: model.file, triage: triage.text, triageFile: triage.file, today: server.today, rules: server.rules,
  };
  if (inFlight) pending = request;
  else send(request);
}

function send(request: AnalysisRequest): void {
  inFlight = true;
  worker.postMessage(request);
}

worker.addEventListener('message', (e: MessageEvent<WorkerAnswer>) => {
  if (e.data.kind === 'edit') {
    editsWaiting.get(e.data.id)?.(e.data.result);
    editsWaiting.delete(e.data.id);
    return;
  }
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
  // No answer will come to the edits it was making.
  for (const resolve of editsWaiting.values()) resolve({ error: 'the page\'s worker stopped; reload the page' });
  editsWaiting.clear();
});

/** The edits sent to the worker, by id, waiting for its answer; they queue behind an analysis in progress. */
const editsWaiting = new Map<number, (result: EditResult) => void>();
let editId = 0;

function editInWorker(text: string, edit: ModelEdit): Promise<EditResult> {
  const request: EditRequest = { kind: 'edit', id: ++editId, text, edit };
  return new Promise((resolve) => {
    editsWaiting.set(request.id, resolve);
    worker.postMessage(request);
  });
}

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
  written = answer.written;
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

/** The page now holds `text` (as read from disk) as the saved version `version` of the model. */
function adopt(version: string, text: string): void {
  model.version = version;
  model.form = formOf(text);
  model.saved = editorForm(text);
}

/**
 * Writes the editor's text in the file's own form. `base` is the version on disk it replaces (null: the
 * file must not exist, to re-create it); `force` saves even an unchanged text (the file is gone).
 */
async function save(options: { base?: string | null; force?: boolean } = {}): Promise<void> {
  if (saving || (!dirty() && !options.force)) return;
  const text = editor.text;
  const base = options.base === undefined ? model.version : options.base;
  saving = true;
  saveError = undefined;
  updateSaveState();
  const written = diskForm(text, model.form);
  const answer = await putModel(written, base);
  saving = false;
  if (answer.ok) {
    model.version = answer.body.version;
    model.saved = text;
    // The next save keeps the line endings of this one's lines (a file that mixes them).
    model.form = formOf(written);
    byId('edit-note').textContent = '';
    if (bannerKind !== 'page') hideBanner();
  } else if (answer.status === 409 && typeof answer.body.text === 'string' && typeof answer.body.version === 'string') {
    saveError = CONFLICT_ERROR;
    showConflict(answer.body.version, answer.body.text);
  } else if (answer.status === 409) {
    saveError = MISSING_ERROR;
    showMissing();
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

function showBanner(kind: BannerKind, text: string, ...actions: HTMLButtonElement[]): void {
  bannerKind = kind;
  if (kind !== 'conflict') theirs = undefined;
  byId('banner-text').textContent = text;
  fill(byId('banner-actions'), ...actions);
  byId('banner').hidden = false;
}

function hideBanner(): void {
  byId('banner').hidden = true;
  // Its buttons go with it: none may act later on what it was about.
  fill(byId('banner-actions'));
  bannerKind = undefined;
  theirs = undefined;
}

/** A look at the files settled what the banner asked or reported: it goes, with the save error it explained. */
function settle(): void {
  if (bannerKind === 'conflict' || bannerKind === 'missing' || bannerKind === 'unreadable') hideBanner();
  if (saveError === CONFLICT_ERROR || saveError === MISSING_ERROR) saveError = undefined;
}

/**
 * The file on disk is not the one the editor's text was based on, and the editor has changes of its own.
 * Shown anew for every change on disk: the buttons act on the latest file, never on one since replaced.
 */
function showConflict(version: string, text: string): void {
  const shown = bannerKind === 'conflict';
  theirs = { version, text };
  if (shown) return;
  showBanner('conflict', 'The file changed on disk while you were editing it.',
    button({}, () => {
      if (!theirs) return;
      const now = theirs;
      hideBanner();
      saveError = undefined;
      adopt(now.version, now.text);
      // As an edit, so that Ctrl+Z brings back what was in the editor.
      editor.edit(model.saved);
    }, 'Load theirs'),
    button({}, () => {
      if (!theirs) return;
      const base = theirs.version;
      hideBanner();
      void save({ base });
    }, 'Keep mine (overwrite)'));
}

/** No model file when the page opened: it is opened once it appears, or written from the editor. */
function showNewModel(): void {
  showBanner('missing', 'The model file does not exist yet: the page opens it as soon as it appears, or write the model here and save it.',
    button({}, () => void save({ base: null }), 'Save the editor\'s text as the model file'));
}

/** The model file is gone (deleted, moved): the editor's text is all there is, and can be written back. */
function showMissing(): void {
  if (bannerKind === 'missing') return;
  showBanner('missing', 'The model file is no longer on disk (deleted or moved): the editor still holds its text.',
    button({}, () => void save({ base: null, force: true }), 'Save the editor\'s text (re-create the file)'));
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
      if (state.status === 404) showMissing();
      else if (state.status !== 401) showBanner('unreadable', `The files cannot be read: ${state.body.error}`);
      else showTokenProblem();
      updateSaveState();
      return;
    }
    const s = state.body;
    let analyseNow = s.today !== server.today;
    server = { rules: s.rules, today: s.today };
    if (s.triage.version !== triage.version) {
      triage = s.triage;
      analyseNow = true;
    }
    if (s.version === model.version) settle();
    else if (!dirty()) {
      settle();
      adopt(s.version, s.text);
      editor.load(model.saved);
      analyseNow = true;
    } else if (editorForm(s.text) === editor.text) {
      // Changed on disk to just what the editor holds (the same edit made twice): nothing to choose.
      settle();
      adopt(s.version, s.text);
    } else {
      if (bannerKind !== 'conflict') settle();
      showConflict(s.version, s.text);
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
  // A version the page holds needs no look, unless the banner is about the files: the file may be back as it was.
  if (event.version === held && (bannerKind === undefined || bannerKind === 'page')) return;
  // Our own save is announced too, possibly before its answer tells us the new version.
  if (saving) recheck = true;
  else void sync();
}

// ---- edits of the model's text: controls from the threat details, elements, flows and written threats ----

/** Shown while an edit is worked out, once it takes longer than this: a small model's is done before. */
const PROGRESS_AFTER_MS = 150;
/** An edit is being worked out: the editor is read-only meanwhile, so that its result applies to what it holds. */
let editing = false;

/**
 * A structured edit (src/model/edit.ts) of the editor's text, worked out in the worker: why it cannot be
 * made, or the function that makes it as the user's own edit (Ctrl+Z takes it back, the analysis follows,
 * and Save writes it like any other change, a file changed on disk meanwhile getting the conflict banner)
 * and says `done` in the header.
 */
async function prepareEdit(edit: ModelEdit, done?: string): Promise<string | (() => void)> {
  if (editing) return 'another change is being made: wait for it to finish';
  const text = editor.text;
  const note = byId('edit-note');
  const progress = window.setTimeout(() => { note.textContent = 'Making the change in the model…'; }, PROGRESS_AFTER_MS);
  editing = true;
  editor.area.readOnly = true;
  editor.area.setAttribute('aria-busy', 'true');
  let edited: EditResult;
  try {
    edited = await editInWorker(text, edit);
  } finally {
    clearTimeout(progress);
    editing = false;
    editor.area.readOnly = false;
    editor.area.removeAttribute('aria-busy');
    if (note.textContent === 'Making the change in the model…') note.textContent = '';
  }
  if ('error' in edited) return edited.error;
  // The file on disk may have been loaded into the editor meanwhile: the edit was of the text before it.
  if (editor.text !== text) return 'the model changed while the change was being made; make it again';
  return () => {
    editor.edit(edited.text);
    note.textContent = done ?? '';
  };
}

async function editModel(edit: ModelEdit, done?: string): Promise<string | undefined> {
  const outcome = await prepareEdit(edit, done);
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

async function addControl(t: Threat, control: string): Promise<string | undefined> {
  const target = targetOf(t);
  if (!target) return 'the threat is about the whole system, not one part of it';
  // Said in the header too: the threat, now mitigated, may leave the table with its details and their note.
  return editModel({ op: 'add-control', target, control }, `Added ${control} to ${t.componentName} in the editor: save the model to keep it.`);
}

/** The threat's element or flow out of the model; its details close with it, so the header says it was done. */
async function removeComponent(t: Threat): Promise<string | undefined> {
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

/** The token is missing, or the server refused it (restarted with another). */
function showTokenProblem(): void {
  dropToken();
  showBanner('page', 'This page needs the address that `threatmap serve` printed: it carries the access token (#token=...). If the server was restarted, open the address it printed this time.');
}

async function start(): Promise<void> {
  if (!takeToken()) {
    showTokenProblem();
    return;
  }
  const state = await getState();
  const waiting = !state.ok && state.status === 404 ? withoutModel(state.body) : undefined;
  if (waiting) {
    // No model file (yet): the page waits for it, and the editor may write it meanwhile.
    begin(waiting, undefined);
    showNewModel();
    return;
  }
  if (!state.ok) {
    if (state.status === 401) showTokenProblem();
    else showBanner('page', `The model cannot be read: ${state.body.error}`);
    return;
  }
  const s = state.body;
  begin(s, { version: s.version, text: s.text });
  analyse();
}

/** What a 404 of /api/state says besides: the model file is not there, the rest of the state is. */
function withoutModel(body: ErrorBody): Pick<ServerState, 'file' | 'triage' | 'rules' | 'today'> | undefined {
  const { file, triage: t, rules, today } = body;
  return file !== undefined && t !== undefined && rules !== undefined && today !== undefined ? { file, triage: t, rules, today } : undefined;
}

/** The page set up on the server's state, with the model file's text (none when it is not there), and the files followed from then on. */
function begin(s: Pick<ServerState, 'file' | 'triage' | 'rules' | 'today'>, file: { version: string; text: string } | undefined): void {
  model.file = s.file;
  if (file) adopt(file.version, file.text);
  triage = s.triage;
  server = { rules: s.rules, today: s.today };
  byId('model-file').textContent = s.file;
  editor.load(model.saved);
  updateSaveState();
  watchFiles(onChanged, () => void sync(), () => showBanner('page', 'The page has lost its connection to `threatmap serve`: changes on disk are no longer followed, and saving may fail. If it was restarted, open the address it printed.'));
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
