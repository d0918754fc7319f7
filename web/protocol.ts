// The messages between the page and its worker (worker.ts): analyses of the editor's text, and structured
// edits of it (a large model's take seconds, which the page's own thread must not spend). Structured-clone
// data only.
import type { AnalysisResult } from '../src/analysis/types.js';
import type { RuleFile } from '../src/analysis/rules/settings.js';
import type { EditResult, ModelEdit } from '../src/model/edit.js';
import type { WrittenThreatEntry } from '../src/model/edit-threats.js';
import type { Diagnostic } from '../src/model/types.js';

export interface AnalysisRequest {
  kind: 'analysis';
  /** Rises with every request: the page keeps only the answer to its latest. */
  seq: number;
  text: string;
  /** The model's name as the server gives it, so that diagnostics and evidence name the same file. */
  file: string;
  /** The triage file's text, or null when there is none yet. */
  triage: string | null;
  triageFile: string;
  /** YYYY-MM-DD: the day triage decisions are judged against (the server's, as the CLI's). */
  today: string;
  /** The custom rules' files (`--rules DIR`), run with the built-in ones. */
  rules: RuleFile[];
}

export type AnalysisAnswer =
  | {
    kind: 'analysis';
    seq: number;
    ok: true;
    result: AnalysisResult;
    /** Warnings of the model (the result carries them too, but they are listed with the editor's). */
    diagnostics: Diagnostic[];
    /** Per rule id with a threat in the result: the controls that mitigate it (the rule's `mitigatedBy`). */
    mitigatedBy: Record<string, readonly string[]>;
    /** Problems of the triage file: its decisions are then left out of the result. */
    triageDiagnostics: Diagnostic[];
    /** The threats written in the model, mitigated ones included (the result lists only the others). */
    written: WrittenThreatEntry[];
  }
  | { kind: 'analysis'; seq: number; ok: false; diagnostics: Diagnostic[]; error?: string };

/** A structured edit (src/model/edit.ts) of `text`; `id` pairs it with its answer. */
export interface EditRequest {
  kind: 'edit';
  id: number;
  text: string;
  edit: ModelEdit;
}

export interface EditAnswer {
  kind: 'edit';
  id: number;
  result: EditResult;
}

export type WorkerRequest = AnalysisRequest | EditRequest;
export type WorkerAnswer = AnalysisAnswer | EditAnswer;
