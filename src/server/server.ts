// `threatmap serve`'s HTTP server (node:http): the page's four files, the JSON API and the event stream,
// behind the checks of security.ts. Every request is checked in the same order: Host, path, token,
// method, then for a body its Origin, type and size.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_RULES } from '../analysis/rules/index.js';
import type { RuleFile } from '../analysis/rules/settings.js';
import type { Rule } from '../analysis/rules/types.js';
import { UserError, writeStderr } from '../cli/io.js';
import { today } from '../cli/triage.js';
import { VERSION } from '../cli/version.js';
import { defaultTriagePath } from '../track/triage.js';
import { type ApiContext, type ApiResponse, getState, postDiagram, postTriage, putModel } from './api.js';
import { EventStreams } from './events.js';
import { diskFiles, type FileAccess } from './files.js';
import {
  allowedHosts, type AllowedHosts, hostAllowed, isWildcard, machineNames, type MachineNames, newToken, originAllowed, parseAllowHost, setSecurityHeaders,
  tokenMatches, urlHost,
} from './security.js';
import { watchFiles } from './watch.js';

/** The page's folder: dist/web, beside dist/server (tsc's output) and dist/cli (the bundled bin) alike. */
export const DEFAULT_ASSETS = fileURLToPath(new URL('../web/', import.meta.url));

export interface ServerOptions {
  /** The model file, as the user named it (the page shows it so). */
  model: string;
  /** The triage file; default `<model>.triage.yaml`. */
  triage?: string;
  /** The address to listen on; default 127.0.0.1. */
  host?: string;
  /** More names the Host header may carry (`--allow-host`): NAME (any port) or NAME:PORT. */
  allowHosts?: readonly string[];
  /** The machine's addresses and name; default os.networkInterfaces() and os.hostname() (tests give their own). */
  machine?: MachineNames;
  /** Default 0: any free port. */
  port?: number;
  /** The rules in use; default the built-in library. */
  rules?: readonly Rule[];
  /** The files of the custom rules among them (`--rules DIR`), which the page compiles for itself. */
  ruleFiles?: readonly RuleFile[];
  /** The folder holding index.html, app.js, app.css and worker.js; default DEFAULT_ASSETS. */
  assets?: string;
  /** How the API reads and writes the two files; default the disk (tests give ones that fail). */
  files?: FileAccess;
  /** Where the server reports what went wrong, a line at a time; default standard error, made terminal-safe. */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The page's address, with the token in its fragment (never sent to the server, kept out of logs). */
  url: string;
  /** Other addresses the page answers at (bound to every interface: this machine's own), the token in each. */
  otherUrls: string[];
  port: number;
  token: string;
  /** Ends the event streams and open connections, stops watching; resolves when the server has closed. */
  close(): Promise<void>;
}

/** Bodies are model texts (at most 50 MB as files, far smaller in practice): 16 MiB is plenty and bounds memory. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const PAGE: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/worker.js': { file: 'worker.js', type: 'text/javascript; charset=utf-8' },
};

type Handler = (ctx: ApiContext, body: unknown) => ApiResponse | Promise<ApiResponse>;

/** Each API path with its one method; `body` handlers take a JSON body. */
const API: Readonly<Record<string, { method: string; handler?: Handler }>> = {
  '/api/state': { method: 'GET' },
  '/api/events': { method: 'GET' },
  '/api/model': { method: 'PUT', handler: putModel },
  '/api/triage': { method: 'POST', handler: postTriage },
  '/api/diagram': { method: 'POST', handler: postDiagram },
};

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const refuse = (res: ServerResponse, status: number, error: string, headers?: Record<string, string>): void => sendJson(res, status, { error }, headers);

/** A short random id that ties what the page shows of a failure to the server's log line about it. */
export const failureId = (): string => randomBytes(4).toString('hex');

/**
 * A request that failed unexpectedly: the page's message, and the log line with the whole error. A bug's or
 * a library's message can carry paths and internals, and the page may be open on another machine: it gets
 * the id alone, the server's terminal the message and stack. The CLI's own errors about the user's files (a
 * read-only folder, a full disk, a model too large) are worded for the user and name only the files given on
 * the command line: the page shows them as the CLI would.
 */
export function failure(err: unknown, request: string, id: string): { error: string; log: string } {
  if (err instanceof UserError) {
    return { error: `${err.message} (error ${id})`, log: `threatmap serve: error ${id} in ${request}: ${err.message}\n` };
  }
  const detail = err instanceof Error ? errorWithStack(err) : String(err);
  return {
    error: `the server failed to answer (error ${id}); the terminal running threatmap serve says why`,
    log: `threatmap serve: internal error ${id} in ${request}: ${detail}\n`,
  };
}

/** An error's message and stack, once each (V8's stack starts with the message, others' may not). */
const errorWithStack = (err: Error): string =>
  (err.stack === undefined ? err.message : err.stack.includes(err.message) ? err.stack : `${err.message}\n${err.stack}`);

const isJsonType = (type: string | undefined): boolean => type !== undefined && type.split(';')[0].trim().toLowerCase() === 'application/json';

/** The body, or 'too-large' as soon as it passes the limit (declared or counted). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) resolve('too-large');
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The `host:port` pairs to open the page at, the best first: the one an `--allow-host NAME:PORT` names (how
 * the user said the browser reaches it), else the address listened on; for every interface (0.0.0.0, which no
 * browser can open), this machine's outside addresses (IPv4 first), its name and its loopback address.
 */
export function pageHosts(host: string, port: number, allow: readonly string[], machine: MachineNames): string[] {
  const given = allow.map(parseAllowHost).flatMap((a) => (typeof a === 'string' || a.port === undefined ? [] : [`${a.name}:${a.port}`]));
  const own = isWildcard(host)
    ? [...machine.addresses.filter((a) => !a.internal && a.family === 'IPv4'), ...machine.addresses.filter((a) => !a.internal && a.family !== 'IPv4' && !a.address.startsWith('fe80'))]
      .map((a) => urlHost(a.address)).concat(machine.hostname === '' ? [] : [machine.hostname], '127.0.0.1')
    : [urlHost(host)];
  return [...new Set([...given, ...own.map((h) => `${h}:${port}`)])];
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const assets = options.assets ?? DEFAULT_ASSETS;
  const token = newToken();
  const ctx: ApiContext = {
    model: options.model,
    triage: options.triage ?? defaultTriagePath(options.model),
    generator: `threatmap ${VERSION}`,
    rules: options.rules ?? BUILTIN_RULES,
    ruleFiles: options.ruleFiles ?? [],
    files: options.files ?? diskFiles,
    today,
  };
  const log = options.log ?? writeStderr;
  const events = new EventStreams();
  let allowed: AllowedHosts = { withPort: new Set(), anyPort: new Set() };

  const servePage = async (req: IncomingMessage, res: ServerResponse, page: { file: string; type: string }): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, `${req.method} is not allowed here`, { Allow: 'GET, HEAD' });
    let bytes: Buffer;
    try {
      bytes = await readFile(join(assets, page.file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Where the page's files were looked for is the server's own business: its terminal says.
      log(`threatmap serve: ${page.file} is missing from ${assets}: run npm run build\n`);
      return refuse(res, 404, `${page.file} is missing: run npm run build (the terminal running threatmap serve says where it was looked for)`);
    }
    res.writeHead(200, { 'Content-Type': page.type, 'Content-Length': bytes.length });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res);
    const hostHeader = req.headers.host;
    if (!hostAllowed(hostHeader, allowed)) return refuse(res, 403, 'this server answers only requests addressed to it (the Host header is not its own)');
    // The path exactly as sent: no decoding, no resolving of `..`, so that only the paths below match.
    const [path, query = ''] = (req.url ?? '').split('?', 2);
    // Own keys only: no request path may name a property every object has.
    const page = Object.hasOwn(PAGE, path) ? PAGE[path] : undefined;
    if (page) return servePage(req, res, page);
    const route = Object.hasOwn(API, path) ? API[path] : undefined;
    if (route === undefined) return refuse(res, 404, 'not found');
    const given = path === '/api/events' ? new URLSearchParams(query).get('token') ?? undefined : req.headers['x-threatmap-token'];
    if (!tokenMatches(typeof given === 'string' ? given : undefined, token)) {
      return refuse(res, 401, 'missing or wrong token: open the address threatmap serve printed, token included');
    }
    if (req.method !== route.method) return refuse(res, 405, `${req.method} is not allowed here`, { Allow: route.method });
    if (path === '/api/events') return events.open(res);
    if (route.handler === undefined) {
      const state = getState(ctx);
      return sendJson(res, state.status, state.body);
    }
    if (!originAllowed(req.headers.origin, hostHeader!)) return refuse(res, 403, 'a request from another origin');
    if (!isJsonType(req.headers['content-type'])) return refuse(res, 415, 'expected Content-Type: application/json');
    const body = await readBody(req);
    if (body === 'too-large') {
      // What more is sent is discarded unread, and the connection closes after the answer.
      return refuse(res, 413, `the request body is larger than ${MAX_BODY_BYTES / 1048576} MiB`, { Connection: 'close' });
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse(res, 400, 'the request body is not JSON');
    }
    const answer = await route.handler(ctx, json);
    sendJson(res, answer.status, answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const id = failureId();
      // The path without its query: the event stream's carries the token.
      const { error, log: line } = failure(err, `${req.method} ${(req.url ?? '').split('?', 1)[0]}`, id);
      log(line);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error, id });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Its ping timer would keep the process alive.
    events.close();
    throw err;
  }
  const port = (server.address() as { port: number }).port;
  const machine = options.machine ?? machineNames();
  allowed = allowedHosts(host, port, { allow: options.allowHosts, machine });
  const [url, ...otherUrls] = pageHosts(host, port, options.allowHosts ?? [], machine).map((h) => `http://${h}/#token=${token}`);
  const watcher = watchFiles([{ what: 'model', path: ctx.model }, { what: 'triage', path: ctx.triage }], diskFiles.read,
    (change) => events.send('changed', change));

  return {
    url,
    otherUrls,
    port,
    token,
    close: () => new Promise<void>((resolve) => {
      watcher.close();
      events.close();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
