// Tells when the model or the triage file changes on disk (an editor, git, our own writes): the folders
// are watched, not the files, since an atomic write replaces a file by renaming another over it. Events
// come in bursts, so they are debounced, and a change is one only when the text's hash changed. A file not
// there yet is watched for all the same (`threatmap serve new.yaml`), even when its folder is missing too or
// goes away meanwhile (a branch switched): then the nearest folder above is watched until the folder is back.
import { type FSWatcher, statSync, watch } from 'node:fs';
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
  const soon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  };
  const names = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = dirname(resolve(f.path));
    names.set(dir, (names.get(dir) ?? new Set()).add(basename(f.path)));
  }
  const folders = [...names].map(([dir, inDir]) => new FolderWatch(dir, inDir, soon));
  return {
    close() {
      clearTimeout(timer);
      for (const w of folders) w.close();
    },
  };
}

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The watch of one folder for some of its files' names; while the folder is missing, the watch of the
 * nearest folder above it for the next folder on the way, moved down as they appear.
 */
class FolderWatch {
  private watcher: FSWatcher | undefined;
  private closed = false;

  constructor(private readonly dir: string, private readonly names: ReadonlySet<string>, private readonly changed: () => void) {
    this.arm();
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Watches the folder itself, or, when it is not there, waits for it. */
  private arm(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.closed) return;
    try {
      const watcher = watch(this.dir, (_event, name) => {
        const which = name === null ? undefined : name.toString();
        // The folder itself gone: its watch ends without a word, so the one above takes over.
        if ((which === undefined || which === basename(this.dir)) && !isFolder(this.dir)) {
          this.changed();
          this.arm();
          return;
        }
        // Some platforms do not say which file changed: then any may have.
        if (which === undefined || this.names.has(which)) this.changed();
      });
      watcher.on('error', () => this.arm());
      this.watcher = watcher;
    } catch (err) {
      // A folder that cannot be watched for another reason (no permission) has nothing to tell.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.awaitFolder();
    }
  }

  /** Watches the nearest existing folder above for the next one down to appear, then moves down. */
  private awaitFolder(): void {
    let missing = this.dir;
    let above = dirname(missing);
    while (above !== missing && !isFolder(above)) {
      missing = above;
      above = dirname(above);
    }
    if (above === missing) return;
    const arrived = (): boolean => {
      if (!isFolder(missing)) return false;
      // The file may have come with its folder (mkdir -p, git checkout) before the folder's own watch began.
      this.arm();
      this.changed();
      return true;
    };
    try {
      const watcher = watch(above, (_event, name) => {
        if (name === null || name.toString() === basename(missing)) arrived();
      });
      watcher.on('error', () => this.arm());
      this.watcher = watcher;
    } catch {
      return;
    }
    // Made between the look and the watch: no event will tell of it.
    arrived();
  }
}
