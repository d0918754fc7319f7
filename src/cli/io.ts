// File access for the CLI: reading models with a size guard, and atomic writes (a temporary file in the
// same directory, then a rename) so that a failed run never leaves half-written output.
import {
  closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync,
  writeSync,
} from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { basename, dirname, join, resolve } from 'node:path';

export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export function readModelFile(path: string, maxBytes: number): string {
  return readModelSource(path, maxBytes).text;
}

/**
 * A model file's text and its size in bytes, refused when larger than `maxBytes`. The size is the bytes
 * read, so that a file growing after the check cannot slip past it, and the loader need not count them again.
 */
export function readModelSource(path: string, maxBytes: number): { text: string; bytes: number } {
  const tooLarge = (size: number) =>
    new UserError(`${path}:1:1: error[file-too-large]: the model is ${(size / 1048576).toFixed(1)} MB; the limit is ${maxBytes / 1048576} MB`);
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(`${path}: is a directory, expected a model file (.yaml, .yml or .json)`);
    if (st.size > maxBytes) throw tooLarge(st.size);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`}`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UserError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (bytes.length > maxBytes) throw tooLarge(bytes.length);
  if (!isUtf8(bytes)) throw notUtf8(path, bytes);
  filesRead.add(landingPath(path));
  return { text: bytes.toString('utf8'), bytes: bytes.length };
}

/**
 * A file that is not UTF-8 (often Latin-1 or Windows-1252 from an old editor) would be read with replacement
 * characters in its names, silently: it is refused at the first byte that does not decode, by line and column.
 */
function notUtf8(path: string, bytes: Uint8Array): UserError {
  const at = firstInvalidUtf8(bytes);
  const before = Buffer.from(bytes.subarray(0, at)).toString('utf8');
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0');
  return new UserError(`${path}:${line}:${col}: error[not-utf8]: byte 0x${byte} is not UTF-8; expected a UTF-8 text file (save it as UTF-8: e.g. iconv -f latin1 -t utf-8)`);
}

/** The offset of the first byte that does not begin or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (length > 1 && !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length - 1;
}

/** The files this run read (their real paths): an --output naming one of them would replace it with the output. */
const filesRead = new Set<string>();

/** The real path a write to `path` lands on, whether or not the file exists yet. */
function landingPath(path: string): string {
  const target = linkTarget(path);
  try {
    return realpathSync(target);
  } catch {
    return resolve(target);
  }
}

/** Output as one string or bytes, or as pieces written one after the other (a report too large for one string). */
export type Output = string | Uint8Array | Iterable<string>;

const isWhole = (data: Output): data is string | Uint8Array => typeof data === 'string' || data instanceof Uint8Array;

/**
 * A device or pipe given as the output (`-o /dev/null`, a FIFO) is written in place: a file renamed over it
 * would replace the device itself.
 */
function isDeviceOrPipe(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

/**
 * A new file beside `path` to write before renaming it over `path`. It is created exclusively (`wx`): an
 * existing file or link of that name is never opened, so the name need not be unguessable, and a run does
 * not load node:crypto (~3 ms of start-up) for one.
 */
function createTemporary(path: string): { fd: number; temporary: string } {
  for (let attempt = 1; ; attempt++) {
    const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
    try {
      return { fd: openSync(temporary, 'wx'), temporary };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 10) throw err;
    }
  }
}

/**
 * The file a write to `path` should replace: the end of its chain of symbolic links (a model kept elsewhere and
 * linked into the repository stays a link, and the file it points to gets the new text), even when that file
 * does not exist yet. A chain too long or circular is refused, as the system refuses to open it.
 */
function linkTarget(path: string): string {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return current;
    }
    if (!isLink) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new UserError(`${path}: cannot write (ELOOP: too many levels of symbolic links)`);
}

/**
 * The replaced file's permissions and owner go to the new one: a model readable only by its group stays so, and a
 * file root rewrites keeps its owner. Ownership is best effort (only root may give a file away).
 */
function keepAccess(fd: number, path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  fchmodSync(fd, st.mode & 0o7777);
  try {
    fchownSync(fd, st.uid, st.gid);
  } catch {
    // not ours to give away: the new file keeps the writer's owner
  }
}

export function writeFileAtomic(given: string, data: Output): void {
  const path = linkTarget(given);
  let fd: number | undefined;
  // Set once the temporary file exists: it is removed if anything fails after.
  let temporary: string | undefined;
  try {
    if (isDeviceOrPipe(path)) fd = openSync(path, 'w');
    else {
      ({ fd, temporary } = createTemporary(path));
      keepAccess(fd, path);
    }
    if (isWhole(data)) writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    else writeChunks(fd, data);
    if (temporary !== undefined) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (temporary !== undefined) renameSync(temporary, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    if (temporary !== undefined) {
      try {
        unlinkSync(temporary);
      } catch {
        // nothing to clean up
      }
    }
    // A failure to render the pieces is not a failure to write: it keeps its own message.
    if (!isWhole(data) && (err as NodeJS.ErrnoException).code === undefined) throw err;
    throw new UserError(`${given}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Each piece encoded into one reused buffer (a UTF-16 unit is at most 3 UTF-8 bytes), not a buffer per piece. */
function writeChunks(fd: number, chunks: Iterable<string>): void {
  let buffer = Buffer.allocUnsafe(0);
  for (const chunk of chunks) {
    if (buffer.length < chunk.length * 3) buffer = Buffer.allocUnsafe(chunk.length * 3);
    writeAll(fd, buffer, buffer.write(chunk, 0, 'utf8'));
  }
}

function writeAll(fd: number, bytes: Uint8Array, length = bytes.length): void {
  for (let done = 0; done < length;) done += writeSync(fd, bytes, done, length - done);
}

/** Writes to the file when one is given, else to standard output. */
export function emit(output: string | undefined, data: Output): void {
  if (output && filesRead.has(landingPath(output))) {
    throw new UserError(`${output}: this command reads that file; writing its output there would replace it (choose another --output)`);
  }
  if (output) writeFileAtomic(output, data);
  // A reader that went away (`| head`) destroyed the stream: what is left is neither made nor written.
  else if (process.stdout.destroyed) return;
  else if (isWhole(data)) process.stdout.write(data);
  else {
    for (const chunk of data) {
      if (process.stdout.destroyed) break;
      process.stdout.write(chunk);
    }
  }
}
