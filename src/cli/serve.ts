// `threatmap serve MODEL`: the web page to explore and edit a model and its triage, served on this machine
// until Ctrl-C or SIGTERM. A model or triage file with errors is served all the same (the page shows the
// errors where they can be fixed), after they are printed as `analyze` prints them; a file that cannot be
// read at all, or a triage file that could never be written, stops it at once.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyze } from '../analysis/analyze.js';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import { type RuleFile, ruleSettingDiagnostics } from '../analysis/rules/settings.js';
import type { Rule } from '../analysis/rules/types.js';
import { formatDiagnostics, hasErrors, sortDiagnostics } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';
import { applyTriage, defaultTriagePath, parseTriage } from '../track/triage.js';
import { DEFAULT_ASSETS, type RunningServer, type ServerOptions, startServer } from '../server/server.js';
import { parseAllowHost } from '../server/security.js';
import { describeError, readModelFile, readModelSource, refuseStandardInput, UserError, writeStderr, writeStdout } from './io.js';
import { loadRulesDirOrExit } from './rules.js';
import { formatTriageWarnings, today } from './triage.js';

export interface ServeCliOptions {
  port: number;
  host: string;
  triage?: string;
  rules?: string;
  /** `--allow-host`, repeatable: more names the page may be opened at. */
  allowHost?: string[];
}

const LOOPBACK = '127.0.0.1';

/** Resolves once the server has closed after SIGINT or SIGTERM. */
export async function serveAction(model: string, opts: ServeCliOptions): Promise<void> {
  refuseStandardInput(model, 'serve writes the model back as the page edits it: give its file name, not -');
  if (opts.triage !== undefined) refuseStandardInput(opts.triage, 'serve writes the decisions to --triage FILE: give a file name, not -');
  // A triage file not there yet is made at the page's first decision: its folder must be there to take it.
  const triagePath = opts.triage ?? defaultTriagePath(model);
  const allowHosts = checkAllowHosts(opts.allowHost ?? []);
  checkTriagePath(triagePath);
  const custom = opts.rules ? loadRulesDirOrExit(opts.rules) : { rules: [], files: [] as RuleFile[] };
  const rules = [...BUILTIN_RULES, ...custom.rules];
  // A model not there yet is waited for: the page shows it when it appears, and saving from the page creates it.
  const missing = !existsSync(model);
  const problems = missing ? undefined : reportFiles(model, triagePath, rules);
  // THREATMAP_WEB_DIR: a folder of the page's files other than the built one (the tests' stub page, or a page in development).
  const assets = process.env.THREATMAP_WEB_DIR || DEFAULT_ASSETS;
  if (!existsSync(join(assets, 'index.html'))) {
    throw new UserError(`threatmap serve: the web page is not built (${join(assets, 'index.html')} is missing); run npm run build`);
  }
  const server = await listen({ model, triage: triagePath, host: opts.host, port: opts.port, rules, ruleFiles: custom.files, assets, allowHosts });
  const closed = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Printed once the signals are handled: whoever reads the address may stop the server at once.
  if (opts.host !== LOOPBACK) {
    writeStderr(`threatmap serve: warning: listening on ${opts.host}, not ${LOOPBACK}: anyone who can reach it and has the address printed below can edit ${model} and ${triagePath}\n`);
  }
  writeStdout(`threatmap serve: ${server.url}\n`);
  for (const url of server.otherUrls) writeStderr(`threatmap serve: also at ${url}\n`);
  if (problems) writeStderr(`threatmap serve: ${problems} (listed above): the page shows them, and saves the model only once it loads\n`);
  if (missing) writeStderr(`threatmap serve: ${model} does not exist yet: the page opens it when it appears, or creates it when you save a model there\n`);
  writeStderr(`threatmap serve: editing ${model} and ${triagePath}; open the address above, Ctrl-C to stop\n`);
  await closed;
}

/** The `--allow-host` values, each checked: a name the Host header may carry, with or without its port. */
function checkAllowHosts(values: readonly string[]): string[] {
  for (const value of values) {
    const parsed = parseAllowHost(value);
    if (typeof parsed === 'string') throw new UserError(`threatmap serve: ${parsed}`);
  }
  return [...values];
}

/** The triage file is written at the page's first decision: a folder that is not there would fail only then. */
function checkTriagePath(path: string): void {
  const folder = dirname(resolve(path));
  const kind = (p: string): 'file' | 'folder' | undefined => {
    try {
      return statSync(p).isDirectory() ? 'folder' : 'file';
    } catch {
      return undefined;
    }
  };
  if (kind(folder) !== 'folder') {
    throw new UserError(`threatmap serve: the triage file ${path} cannot be written: its folder ${folder} does not exist; create it, or choose another file with --triage`);
  }
  if (kind(path) === 'folder') throw new UserError(`threatmap serve: the triage file ${path} is a folder; choose a file with --triage`);
}

/**
 * Prints the model's and the triage file's diagnostics, and the triage's warnings once both load, as
 * `analyze` would. Ends the command (exit 2) only for a file that cannot be read; else says what has errors.
 */
function reportFiles(model: string, triagePath: string, rules: readonly Rule[]): string | undefined {
  const { text, bytes } = readModelSource(model, MAX_MODEL_BYTES);
  const loaded = loadModel(text, model, { bytes });
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...ruleSettingDiagnostics(loaded, rules)]);
  if (diagnostics.length) writeStderr(formatDiagnostics(diagnostics));
  const modelOk = loaded.model !== undefined && !hasErrors(diagnostics);
  let triageOk = true;
  if (existsSync(triagePath)) {
    const parsed = parseTriage(readModelFile(triagePath, MAX_MODEL_BYTES), triagePath);
    if (parsed.diagnostics.length) writeStderr(formatDiagnostics(parsed.diagnostics));
    triageOk = parsed.triage !== undefined && !hasErrors(parsed.diagnostics);
    if (modelOk && triageOk && loaded.model) {
      const result = applyTriage(analyze(loaded.model, { rules, source: loaded.source, diagnostics }), parsed.triage, { today: today() });
      if (result.triage?.warnings.length) writeStderr(formatTriageWarnings(result.triage.warnings));
    }
  }
  if (!modelOk && !triageOk) return `${model} and ${triagePath} have errors`;
  if (!modelOk) return `${model} has errors`;
  return triageOk ? undefined : `${triagePath} has errors`;
}

/** startServer, its failures to listen said in the user's terms. */
async function listen(options: ServerOptions & { host: string; port: number }): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`threatmap serve: port ${options.port} is in use; choose another with --port, or --port 0 for any free one`);
    if (code === 'EACCES') throw new UserError(`threatmap serve: not allowed to listen on port ${options.port} (ports below 1024 need privileges)`);
    throw new UserError(`threatmap serve: cannot listen on ${options.host}:${options.port}: ${describeError(err)}`);
  }
}
