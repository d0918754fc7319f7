// Tells when the model or the triage file changes on disk (an editor, git, our own writes): the folders
// are watched, not the files, since an atomic write replaces a file by renaming another over it. Events
// come in bursts, so they are debounced, and a change is one only when the text's hash changed.
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { versionOf } from './files.js';

export interface WatchedFile {
  what: 'model' | 'triage';
  path: string;
}

export interface FileChange {
  what: WatchedFile['what'];
  /** The new text's version; null when the file is gone. */
  version: string | null;
}

const DEBOUNCE_MS = 100;

/**
 * Calls `onChange` for each file whose text differs from the last seen (first seen: now). `read` gives a
 * file's text, or null when there is none.
 */
export function watchFiles(files: readonly WatchedFile[], read: (path: string) => string | null, onChange: (change: FileChange) => void): { close(): void } {
  /** A file's version now; undefined when it cannot be read (too large, unreadable), to leave it at its last. */
  const versionNow = (path: string): string | null | undefined => {
    try {
      const text = read(path);
      return text === null ? null : versionOf(text);
    } catch {
      return undefined;
    }
  };
  const seen = new Map(files.map((f) => [f.what, versionNow(f.path)]));
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    timer = undefined;
    for (const f of files) {
      const version = versionNow(f.path);
      if (version === undefined || version === seen.get(f.what)) continue;
      seen.set(f.what, version);
      onChange({ what: f.what, version });
    }
  };
  const names = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = dirname(resolve(f.path));
    names.set(dir, (names.get(dir) ?? new Set()).add(basename(f.path)));
  }
  const watchers: FSWatcher[] = [];
  for (const [dir, inDir] of names) {
    try {
      const watcher = watch(dir, (_event, name) => {
        // Some platforms do not say which file changed: then any may have.
        if (name !== null && !inDir.has(name.toString())) return;
        clearTimeout(timer);
        timer = setTimeout(check, DEBOUNCE_MS);
      });
      // A folder that goes away ends its watch; the server goes on.
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // A folder that does not exist (a --triage path in a folder yet to be made) has nothing to watch.
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
