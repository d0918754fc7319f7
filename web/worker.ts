// The live analysis, off the page's thread: the CLI's own steps (src/cli/load.ts loadOrExit, then the
// triage as src/cli/triage.ts loadTracked applies it), on the editor's text instead of a file, with the
// threats written in it for the Diagram tab's list; and the structured edits of that text, which parse it
// twice (seconds on a large model).
import { analyze } from '../src/analysis/analyze.js';
import { BUILTIN_RULES } from '../src/analysis/rules/index.js';
import { configureRules, loadRulesText, type RuleFile, ruleSettingDiagnostics } from '../src/analysis/rules/settings.js';
import { writtenThreatRules } from '../src/analysis/rules/written.js';
import type { Rule } from '../src/analysis/rules/types.js';
import { hasErrors, sortDiagnostics } from '../src/model/diagnostics.js';
import { applyModelEdit } from '../src/model/edit.js';
import { writtenThreatEntries } from '../src/model/edit-threats.js';
import { loadModel } from '../src/model/load.js';
import { applyTriage, parseTriage } from '../src/track/triage.js';
import type { AnalysisAnswer, AnalysisRequest, EditAnswer, EditRequest, WorkerAnswer, WorkerRequest } from './protocol.js';

// The DOM lib types `self` as a window; a dedicated worker's scope needs only these two members.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerAnswer): void;
};

/** The rule set for the custom rules' files: compiled once, as they stay the same for the page's life. */
let compiled: { key: string; rules: readonly Rule[] } | undefined;
function ruleSet(files: readonly RuleFile[]): readonly Rule[] {
  const key = JSON.stringify(files);
  if (compiled?.key !== key) {
    // The server loaded these files without errors before it started, so what they hold are rules.
    compiled = { key, rules: [...BUILTIN_RULES, ...files.flatMap((f) => loadRulesText(f.text, f.file).rules)] };
  }
  return compiled.rules;
}

function analyseRequest(req: AnalysisRequest): AnalysisAnswer {
  const rules = ruleSet(req.rules);
  const loaded = loadModel(req.text, req.file);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...ruleSettingDiagnostics(loaded, rules)]);
  if (!loaded.model || hasErrors(diagnostics)) return { kind: 'analysis', seq: req.seq, ok: false, diagnostics };
  const analysed = analyze(loaded.model, { rules, source: loaded.source, diagnostics });
  const parsed = req.triage === null ? undefined : parseTriage(req.triage, req.triageFile);
  // A triage file with errors is left out, as if absent, and its problems shown: the model's view stays live.
  const result = applyTriage(analysed, parsed?.triage, { today: req.today });
  const controls = new Map([...configureRules(rules, loaded.model), ...writtenThreatRules(loaded.model.threats)].map((r) => [r.id, r.mitigatedBy]));
  const mitigatedBy: Record<string, readonly string[]> = {};
  for (const t of result.threats) mitigatedBy[t.ruleId] ??= controls.get(t.ruleId) ?? [];
  return {
    kind: 'analysis', seq: req.seq, ok: true, result, diagnostics, mitigatedBy, triageDiagnostics: parsed?.diagnostics ?? [],
    written: writtenThreatEntries(loaded.model.threats),
  };
}

/** applyModelEdit answers its refusals itself; anything else is a bug, said as a refusal too. */
function editRequest(req: EditRequest): EditAnswer {
  try {
    return { kind: 'edit', id: req.id, result: applyModelEdit(req.text, req.edit) };
  } catch (e) {
    return { kind: 'edit', id: req.id, result: { error: `the edit could not be made (${e instanceof Error ? e.message : String(e)})` } };
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  if (req.kind === 'edit') {
    scope.postMessage(editRequest(req));
    return;
  }
  let answer: AnalysisAnswer;
  try {
    answer = analyseRequest(req);
  } catch (e) {
    // A bug in a rule must not leave the page waiting for an answer that never comes.
    answer = { kind: 'analysis', seq: req.seq, ok: false, diagnostics: [], error: e instanceof Error ? e.message : String(e) };
  }
  scope.postMessage(answer);
};
