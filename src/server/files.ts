// The two files the server edits, as text: read (absent is null), their version (sha256 of the text), and
// written atomically by the CLI's own writer.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readModelFile, writeFileAtomic } from '../cli/io.js';
import { MAX_MODEL_BYTES } from '../model/parse.js';

/** File access as the API handlers need it, so that they can be tested on text in memory. */
export interface FileAccess {
  /** The file's text, or null when it does not exist. */
  read(path: string): string | null;
  write(path: string, text: string): void;
}

/** A text's version: sha256 of its UTF-8 bytes, hex (the page computes the same). */
export const versionOf = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const diskFiles: FileAccess = {
  read: (path) => (existsSync(path) ? readModelFile(path, MAX_MODEL_BYTES) : null),
  write: (path, text) => writeFileAtomic(path, text),
};
