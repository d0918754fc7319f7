// `threatmap serve MODEL`: the web page to explore and edit a model and its triage, served on this machine
// until Ctrl-C or SIGTERM. The model must load first, as for `analyze`, so that a typo is reported here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTriagePath } from '../track/triage.js';
import { DEFAULT_ASSETS, type RunningServer, type ServerOptions, startServer } from '../server/server.js';
import { UserError } from './io.js';
import { loadOrExit } from './load.js';
import { loadTracked } from './triage.js';

export interface ServeCliOptions {
  port: number;
  host: string;
  triage?: string;
  rules?: string;
}

const LOOPBACK = '127.0.0.1';

/** Resolves once the server has closed after SIGINT or SIGTERM. */
export async function serveAction(model: string, opts: ServeCliOptions): Promise<void> {
  // Loads, analyses and applies the triage once: the model's and the triage file's problems are reported
  // as `analyze` reports them, and the rules folder is read once. A triage file not there yet is made at
  // the page's first decision.
  const triagePath = opts.triage ?? defaultTriagePath(model);
  const { rules, ruleFiles } = existsSync(triagePath) ? loadTracked(model, { triage: triagePath, rules: opts.rules }) : loadOrExit(model, { rules: opts.rules });
  // THREATMAP_WEB_DIR: a folder of the page's files other than the built one (the tests' stub page, or a page in development).
  const assets = process.env.THREATMAP_WEB_DIR || DEFAULT_ASSETS;
  if (!existsSync(join(assets, 'index.html'))) {
    throw new UserError(`threatmap serve: the web page is not built (${join(assets, 'index.html')} is missing); run npm run build`);
  }
  const server = await listen({ model, triage: triagePath, host: opts.host, port: opts.port, rules, ruleFiles, assets });
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
    process.stderr.write(`threatmap serve: warning: listening on ${opts.host}, not ${LOOPBACK}: anyone who can reach it and has the address printed below can edit ${model} and ${triagePath}\n`);
  }
  process.stdout.write(`threatmap serve: ${server.url}\n`);
  process.stderr.write(`threatmap serve: editing ${model} and ${triagePath}; open the address above, Ctrl-C to stop\n`);
  await closed;
}

/** startServer, its failures to listen said in the user's terms. */
async function listen(options: ServerOptions & { host: string; port: number }): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`threatmap serve: port ${options.port} is in use; choose another with --port, or --port 0 for any free one`);
    if (code === 'EACCES') throw new UserError(`threatmap serve: not allowed to listen on port ${options.port} (ports below 1024 need privileges)`);
    throw new UserError(`threatmap serve: cannot listen on ${options.host}:${options.port} (${code ?? (err as Error).message})`);
  }
}
