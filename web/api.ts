// The page's calls to `threatmap serve` (its handlers: src/server/api.ts). The access token arrives in
// the URL's fragment, which never reaches a server log or a Referer; it is sent as a header on every call
// and kept in the tab's sessionStorage (this tab and this origin only, gone with the tab), so that a
// reload of the page still works once the address bar no longer shows it.
import type { RuleFile } from '../src/analysis/rules/settings.js';
import type { Diagnostic } from '../src/model/types.js';
import type { TriageTarget, TriageUpdate } from '../src/track/triage-edit.js';

const TOKEN_KEY = 'threatmap-token';
let token = '';

/** sessionStorage, or undefined where the browser refuses it (storage disabled): the token then lives in memory only. */
function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/**
 * Takes the token from `#token=...` and removes it from the address bar (and so from history and
 * bookmarks); without one, the token this tab was given before (a reload).
 */
export function takeToken(): boolean {
  const found = new URLSearchParams(location.hash.slice(1)).get('token');
  const storage = tabStorage();
  if (found) {
    token = found;
    try {
      storage?.setItem(TOKEN_KEY, found);
    } catch {
      // A full or refused storage: the token stays in memory, and only a reload needs the address again.
    }
    history.replaceState(null, '', location.pathname + location.search);
  } else if (!token) {
    token = storage?.getItem(TOKEN_KEY) ?? '';
  }
  return token !== '';
}

/** Forgets a token the server refused (it was restarted with another): the page asks for the new address. */
export function dropToken(): void {
  token = '';
  try {
    tabStorage()?.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
}

export interface FileState {
  file: string;
  text: string | null;
  /** sha256 of `text`; null when the file does not exist. */
  version: string | null;
}

export interface ServerState {
  file: string;
  text: string;
  version: string;
  triage: FileState;
  generator: string;
  /** The custom rules' files (`--rules DIR`), compiled by the worker as the server compiles them. */
  rules: RuleFile[];
  /** The server's day, YYYY-MM-DD, against which triage decisions are judged. */
  today: string;
}

/** A 200 answer of the server, or its error (status 0 when it could not be reached). */
export type Answer<T> = { ok: true; body: T } | { ok: false; status: number; body: ErrorBody };

export interface ErrorBody {
  error: string;
  /** 409: what is on disk now; 404 of /api/state: null, the model file not being there. */
  version?: string | null;
  text?: string | null;
  /** 404 of /api/state: the rest of the state all the same, for the page to wait for the file or write it. */
  file?: string;
  triage?: FileState;
  rules?: RuleFile[];
  today?: string;
  /** 422: why the text does not load. */
  diagnostics?: Diagnostic[];
}

async function call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'X-Threatmap-Token': token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, body: { error: 'the server cannot be reached: is `threatmap serve` still running?' } };
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    json = undefined;
  }
  if (res.status === 200 && json !== undefined) return { ok: true, body: json as T };
  const error = typeof json === 'object' && json !== null && typeof (json as ErrorBody).error === 'string'
    ? json as ErrorBody : { error: `the server answered ${res.status} ${res.statusText}` };
  return { ok: false, status: res.status, body: error };
}

export const getState = () => call<ServerState>('GET', '/api/state');

/** `base`: the version on disk the text replaces; null to write a file that is not there (re-create it). */
export const putModel = (text: string, base: string | null) => call<{ version: string }>('PUT', '/api/model', { text, base });

export const postTriage = (threat: TriageTarget, update: TriageUpdate | null, base: string | null) =>
  call<{ version: string; text: string }>('POST', '/api/triage', { threat, update, base });

export const postDiagram = (text: string, triage: string | null) =>
  call<{ svg?: string; note?: string }>('POST', '/api/diagram', { text, triage });

export interface ChangedEvent {
  what: 'model' | 'triage';
  version: string | null;
}

/**
 * Calls `onChanged` for each file changed on disk, `onReconnected` when the stream comes back after a break
 * (events may have been missed then: the caller compares versions anew), and `onLost` when the browser gives
 * up on it (the server refused it: restarted, with another token).
 */
export function watchFiles(onChanged: (event: ChangedEvent) => void, onReconnected: () => void, onLost: () => void): EventSource {
  const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  let broken = false;
  source.addEventListener('changed', (e) => {
    try {
      const data = JSON.parse((e as MessageEvent<string>).data) as ChangedEvent;
      if (data.what === 'model' || data.what === 'triage') onChanged(data);
    } catch {
      // Not ours: ignored.
    }
  });
  source.addEventListener('error', () => {
    broken = true;
    if (source.readyState === EventSource.CLOSED) onLost();
  });
  source.addEventListener('open', () => {
    if (broken) onReconnected();
    broken = false;
  });
  return source;
}
