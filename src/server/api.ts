// The web UI's API, one function per route: JSON in (already parsed), a status and JSON out. File access
// and the day are handed in, so that the handlers run on text in memory in tests; HTTP is server.ts's.
import { analyze } from '../analysis/analyze.js';
import { type RuleFile, ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import type { Rule } from '../analysis/rules/types.js';
import type { Threat } from '../analysis/types.js';
import { UNSETTABLE } from '../cli/options.js';
import { hasErrors, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel, type LoadResult } from '../model/load.js';
import type { Diagnostic, Model } from '../model/types.js';
import { inlineSvg, reportDiagram } from '../render/html.js';
import { isIsoDate } from '../track/dates.js';
import { scopeOf } from '../track/scope.js';
import { applyTriage, normalizeRef, parseTriage } from '../track/triage.js';
import { removeTriageEntry, setTriageEntry, TriageEditError, type TriageTarget, type TriageUpdate } from '../track/triage-edit.js';
import { TRIAGE_STATUSES, type TriageStatus } from '../track/types.js';
import { type FileAccess, versionOf } from './files.js';

export interface ApiContext {
  /** The model file, as given on the command line. */
  model: string;
  /** The triage file (it may not exist yet). */
  triage: string;
  /** `threatmap <version>`. */
  generator: string;
  /** The rules in use: built-in and `--rules DIR`. */
  rules: readonly Rule[];
  /** The `--rules DIR` files, for the page to compile the same rules for its live analysis. */
  ruleFiles: readonly RuleFile[];
  files: FileAccess;
  /** The day triage decisions are judged against, YYYY-MM-DD. */
  today: () => string;
}

export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
}

const ok = (body: Record<string, unknown>): ApiResponse => ({ status: 200, body });
const fail = (status: number, error: string, extra: Record<string, unknown> = {}): ApiResponse => ({ status, body: { error, ...extra } });

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A file's text and version, null for both when it does not exist. */
function snapshot(files: FileAccess, path: string): { text: string | null; version: string | null } {
  const text = files.read(path);
  return { text, version: text === null ? null : versionOf(text) };
}

/** The answer when the file on disk is not the version the page started from: the page shows what is there now. */
const conflict = (file: string, now: { text: string | null; version: string | null }): ApiResponse =>
  fail(409, now.text === null
    ? `${file} is no longer there (deleted or moved outside the page); save with a null base to write it anew`
    : `${file} was changed outside the page; reload it to see the change`, { version: now.version, text: now.text });

/**
 * The files and what the page needs to analyse them. A model file that is not there (yet) is a 404 that
 * says the rest all the same, with a null text and version: the page waits for the file (the event stream
 * says when it appears) or writes it.
 */
export function getState(ctx: ApiContext): ApiResponse {
  const model = snapshot(ctx.files, ctx.model);
  const triage = snapshot(ctx.files, ctx.triage);
  const state = {
    file: ctx.model,
    text: model.text,
    version: model.version,
    triage: { file: ctx.triage, text: triage.text, version: triage.version },
    generator: ctx.generator,
    rules: ctx.ruleFiles,
    // The page judges triage decisions on the server's day, as the CLI does (THREATMAP_TODAY included).
    today: ctx.today(),
  };
  return model.text === null ? fail(404, `${ctx.model}: no such file`, state) : ok(state);
}

/** The model in `text`, checked as the CLI checks it (the `rules:` settings against the rules in use); else a 422. */
function loadText(ctx: ApiContext, text: string): { model: Model; loaded: LoadResult; diagnostics: Diagnostic[] } | ApiResponse {
  const loaded = loadModel(text, ctx.model);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...ruleSettingDiagnostics(loaded, ctx.rules)]);
  if (!loaded.model || hasErrors(diagnostics)) return fail(422, 'the model has errors', { diagnostics });
  return { model: loaded.model, loaded, diagnostics };
}

export function putModel(ctx: ApiContext, body: unknown): ApiResponse {
  // A null base writes a file that is not there: the page re-creates a model deleted while it was open.
  if (!isObject(body) || typeof body.text !== 'string' || !(typeof body.base === 'string' || body.base === null)) {
    return fail(400, 'expected { "text": string, "base": string | null }');
  }
  const now = snapshot(ctx.files, ctx.model);
  if (now.version !== body.base) return conflict(ctx.model, now);
  const checked = loadText(ctx, body.text);
  if ('status' in checked) return checked;
  // Saving what is already there would only touch the file (and wake every watcher of it).
  if (body.text !== now.text) ctx.files.write(ctx.model, body.text);
  return ok({ version: versionOf(body.text) });
}

const isRef = (value: unknown): value is string => typeof value === 'string' && normalizeRef(value) !== undefined;

function readTarget(value: unknown): TriageTarget | string {
  if (!isObject(value) || !isRef(value.uid) || !isRef(value.key) || typeof value.describe !== 'string') {
    return '`threat` must be { "uid": "TM-...", "key": "rule@component", "describe": string }';
  }
  return { uid: value.uid, key: value.key, describe: value.describe };
}

const TEXT_FIELDS = ['reason', 'owner', 'ticket'] as const;
const DATE_FIELDS = ['expires', 'review'] as const;

/** A decision as the CLI's options would give it: a known status, text fields, real dates, an expiry not yet past. */
function readUpdate(value: unknown, today: string): TriageUpdate | string {
  if (!isObject(value)) return '`update` must be a decision ({ "status": ... }) or null';
  if (!(TRIAGE_STATUSES as readonly unknown[]).includes(value.status)) return `\`status\` must be one of ${TRIAGE_STATUSES.join(', ')}`;
  const update: TriageUpdate = { status: value.status as TriageStatus };
  for (const k of TEXT_FIELDS) {
    if (value[k] === undefined) continue;
    if (typeof value[k] !== 'string') return `\`${k}\` must be a string`;
    update[k] = value[k];
  }
  for (const k of DATE_FIELDS) {
    if (value[k] === undefined) continue;
    if (typeof value[k] !== 'string' || !isIsoDate(value[k])) return `\`${k}\` must be a date written YYYY-MM-DD`;
    update[k] = value[k];
  }
  if (update.expires !== undefined && update.expires < today) {
    return `\`expires\` ${update.expires} is already past (today is ${today}); the decision would lapse at once`;
  }
  if (value.unset !== undefined) {
    const unset = value.unset;
    if (!Array.isArray(unset) || !unset.every((f) => (UNSETTABLE as readonly unknown[]).includes(f))) return `\`unset\` must list some of ${UNSETTABLE.join(', ')}`;
    update.unset = unset as TriageUpdate['unset'];
  }
  return update;
}

/**
 * triage-edit.ts's refusal to edit a file, told by its class: its message, about the file, is worded for the
 * user. Any other error (a bug's, a library's), whatever its words, is not one.
 */
export const isTriageRefusal = (e: unknown): e is TriageEditError => e instanceof TriageEditError;

/**
 * The answer to a refusal: the file is as the user left it and not what the page can edit (422), the message
 * and its code for the page to show and tell apart.
 */
export const refusalAnswer = (e: TriageEditError): ApiResponse => fail(422, e.message, { code: e.code });

/**
 * The threat under `key` in the model on disk, read and analysed once: what a decision written now is made
 * for. Undefined when the model has errors or no longer reports it (the page's text may be ahead of the file):
 * the entry is then written without a scope, and not checked for drift, like one written by hand.
 */
function threatOnDisk(ctx: ApiContext, key: string): Threat | undefined {
  const text = ctx.files.read(ctx.model);
  if (text === null) return undefined;
  const checked = loadText(ctx, text);
  if ('status' in checked) return undefined;
  const result = analyze(checked.model, { rules: ctx.rules, source: checked.loaded.source, diagnostics: checked.diagnostics });
  return result.threats.find((t) => t.key === key);
}

export function postTriage(ctx: ApiContext, body: unknown): ApiResponse {
  if (!isObject(body) || !('update' in body) || !(typeof body.base === 'string' || body.base === null)) {
    return fail(400, 'expected { "threat": {...}, "update": {...} | null, "base": string | null }');
  }
  const target = readTarget(body.threat);
  if (typeof target === 'string') return fail(400, target);
  const update = body.update === null ? null : readUpdate(body.update, ctx.today());
  if (typeof update === 'string') return fail(400, update);
  const now = snapshot(ctx.files, ctx.triage);
  if (now.version !== body.base) return conflict(ctx.triage, now);
  let text: string;
  try {
    if (update === null) {
      const removed = removeTriageEntry(now.text ?? undefined, ctx.model, target);
      if (!removed.removed) return ok({ version: now.version, text: now.text });
      text = removed.text;
    } else {
      // A status set on the page is a decision about the threat as it is now, as `threatmap triage --status` is.
      const threat = threatOnDisk(ctx, target.key);
      if (threat) Object.assign(update, scopeOf(threat));
      text = setTriageEntry(now.text ?? undefined, ctx.model, target, update);
    }
  } catch (e) {
    // The file on disk is not YAML that can be edited: say so, and leave it as it is. Anything else is a bug,
    // whose message is the server's log's to show (server.ts).
    if (!isTriageRefusal(e)) throw e;
    return refusalAnswer(e);
  }
  // Never write a file that threatmap could not read back.
  const parsed = parseTriage(text, ctx.triage);
  if (hasErrors(parsed.diagnostics)) return fail(422, 'the triage file has errors', { diagnostics: parsed.diagnostics });
  ctx.files.write(ctx.triage, text);
  return ok({ version: versionOf(text), text });
}

/** The diagram of the HTML report for the text in the page, its triage applied: SVG, an overview with a note, or a note. */
export async function postDiagram(ctx: ApiContext, body: unknown): Promise<ApiResponse> {
  if (!isObject(body) || typeof body.text !== 'string' || !(body.triage === undefined || body.triage === null || typeof body.triage === 'string')) {
    return fail(400, 'expected { "text": string, "triage"?: string | null }');
  }
  const checked = loadText(ctx, body.text);
  if ('status' in checked) return checked;
  let result = analyze(checked.model, { rules: ctx.rules, source: checked.loaded.source, diagnostics: checked.diagnostics });
  if (typeof body.triage === 'string') {
    const parsed = parseTriage(body.triage, ctx.triage);
    if (!parsed.triage || hasErrors(parsed.diagnostics)) return fail(422, 'the triage file has errors', { diagnostics: parsed.diagnostics });
    result = applyTriage(result, parsed.triage, { today: ctx.today() });
  }
  const diagram = await reportDiagram(result);
  return ok({
    ...(diagram.svg === undefined ? {} : { svg: inlineSvg(diagram.svg) }),
    ...(diagram.diagramNote === undefined ? {} : { note: diagram.diagramNote }),
  });
}
