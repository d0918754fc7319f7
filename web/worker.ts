// The live analysis, off the page's thread: the CLI's own steps (src/cli/load.ts loadOrExit, then the
// triage as src/cli/triage.ts loadTracked applies it), on the editor's text instead of a file.
import { analyze } from '../src/analysis/analyze.js';
import { BUILTIN_RULES } from '../src/analysis/rules/index.js';
import { configureRules, ruleSettingDiagnostics } from '../src/analysis/rules/settings.js';
import { hasErrors, sortDiagnostics } from '../src/model/diagnostics.js';
import { loadModel } from '../src/model/load.js';
import { applyTriage, parseTriage } from '../src/track/triage.js';
import type { AnalysisAnswer, AnalysisRequest } from './protocol.js';

// The DOM lib types `self` as a window; a dedicated worker's scope needs only these two members.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<AnalysisRequest>) => void) | null;
  postMessage(message: AnalysisAnswer): void;
};

function analyseRequest(req: AnalysisRequest): AnalysisAnswer {
  const loaded = loadModel(req.text, req.file);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...ruleSettingDiagnostics(loaded, BUILTIN_RULES)]);
  if (!loaded.model || hasErrors(diagnostics)) return { seq: req.seq, ok: false, diagnostics };
  const analysed = analyze(loaded.model, { rules: BUILTIN_RULES, source: loaded.source, diagnostics });
  const parsed = req.triage === null ? undefined : parseTriage(req.triage, req.triageFile);
  // A triage file with errors is left out, as if absent, and its problems shown: the model's view stays live.
  const result = applyTriage(analysed, parsed?.triage, { today: req.today });
  const rules = new Map(configureRules(BUILTIN_RULES, loaded.model).map((r) => [r.id, r.mitigatedBy]));
  const mitigatedBy: Record<string, readonly string[]> = {};
  for (const t of result.threats) mitigatedBy[t.ruleId] ??= rules.get(t.ruleId) ?? [];
  return { seq: req.seq, ok: true, result, diagnostics, mitigatedBy, triageDiagnostics: parsed?.diagnostics ?? [] };
}

scope.onmessage = (event) => {
  const req = event.data;
  let answer: AnalysisAnswer;
  try {
    answer = analyseRequest(req);
  } catch (e) {
    // A bug in a rule must not leave the page waiting for an answer that never comes.
    answer = { seq: req.seq, ok: false, diagnostics: [], error: e instanceof Error ? e.message : String(e) };
  }
  scope.postMessage(answer);
};
