// File access for the CLI: reading models with a size guard (a file, or standard input as `-`), atomic writes
// (a temporary file in the same directory, then a rename) so that a failed run never leaves half-written
// output, standard output written as fast as its reader takes it, and system errors in words.
import {
  closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readFileSync, readlinkSync, readSync, realpathSync, renameSync, statSync,
  unlinkSync, writeSync,
} from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { basename, dirname, join, resolve } from 'node:path';
import { isatty } from 'node:tty';
import { terminalSafe } from '../render/terminal-safe.js';

export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

/**
 * The system's errors in words a user reads, for the codes a file command meets; the code stays at the end,
 * in brackets, for searching. ENOTDIR is a parent: the file itself being a folder is EISDIR.
 */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'text file busy',
  ENXIO: 'no such device or address',
  EBADF: 'not open',
  EPIPE: 'the reader has gone away',
  ENOMEM: 'out of memory',
};

/**
 * What went wrong, for a message: `permission denied (EACCES)`. A code not listed takes the system's own words
 * from Node's message (`ENOSPC: no space left on device, write`); an error that is not the system's, its message.
 */
export function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return message;
  const words = ERRNO_WORDS[code] ?? new RegExp(`^${code}: ([^,]+)`).exec(message)?.[1];
  return words ? `${words} (${code})` : code;
}

/** A message, diagnostic or summary for standard error: model text quoted in it cannot drive the terminal. */
export function writeStderr(text: string): void {
  process.stderr.write(terminalSafe(text));
}

/** A short answer for standard output (a listing, a verdict), made terminal-safe as writeStderr's. */
export function writeStdout(text: string): void {
  process.stdout.write(terminalSafe(text));
}

/** `-` as a model (or file to import) is standard input: `cat model.yaml | threatmap analyze -`. */
export const STDIN = '-';
/** How messages and reports name standard input. */
export const STDIN_LABEL = '<stdin>';
/** The name a message gives a file argument: standard input as `<stdin>`, a file as it was given. */
export const shownName = (path: string): string => (path === STDIN ? STDIN_LABEL : path);

/** A command that must name a real file (it writes beside it, or reads it again) refuses `-` with what to do instead. */
export function refuseStandardInput(path: string, why: string): void {
  if (path === STDIN) throw new UserError(`-: ${why}`);
}

export function readModelFile(path: string, maxBytes: number): string {
  return readModelSource(path, maxBytes).text;
}

/**
 * A model file's text and its size in bytes, refused when larger than `maxBytes`. The size is the bytes
 * read, so that a file growing after the check cannot slip past it, and the loader need not count them again.
 * `-` reads standard input, under the same limit and UTF-8 check.
 */
export function readModelSource(path: string, maxBytes: number): { text: string; bytes: number } {
  const bytes = path === STDIN ? readStandardInput(maxBytes) : readFileBytes(path, maxBytes);
  if (!isUtf8(bytes)) throw notUtf8(shownName(path), bytes);
  if (path !== STDIN) filesRead.add(landingPath(path));
  return { text: bytes.toString('utf8'), bytes: bytes.length };
}

const tooLarge = (label: string, size: string, maxBytes: number): UserError =>
  new UserError(`${label}:1:1: error[file-too-large]: the model is ${size} MB; the limit is ${maxBytes / 1048576} MB`);

function readFileBytes(path: string, maxBytes: number): Buffer {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(`${path}: is a directory, expected a model file (.yaml, .yml or .json)`);
    if (st.size > maxBytes) throw tooLarge(path, (st.size / 1048576).toFixed(1), maxBytes);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read: ${describeError(err)}`}`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UserError(`${path}: cannot read: ${describeError(err)}`);
  }
  if (bytes.length > maxBytes) throw tooLarge(path, (bytes.length / 1048576).toFixed(1), maxBytes);
  return bytes;
}

/** Standard input can be read once: a second `-` in the same run would find it empty. */
let standardInputRead = false;

/**
 * Standard input to its end, stopping as soon as it passes `maxBytes` (a stream has no size to check first).
 * A terminal is refused rather than waited on: someone who typed `-` by mistake would see nothing happen.
 */
function readStandardInput(maxBytes: number): Buffer {
  if (standardInputRead) throw new UserError(`${STDIN_LABEL}: standard input is already read; only one argument can be -`);
  standardInputRead = true;
  if (isatty(0)) {
    throw new UserError(`${STDIN_LABEL}: standard input is a terminal; pipe the model in (cat model.yaml | threatmap analyze -) or give its file name`);
  }
  const pieces: Buffer[] = [];
  let total = 0;
  for (;;) {
    const piece = Buffer.allocUnsafe(1 << 16);
    const n = readPiece(piece);
    if (n === 0) break;
    pieces.push(piece.subarray(0, n));
    total += n;
    if (total > maxBytes) throw tooLarge(STDIN_LABEL, `more than ${maxBytes / 1048576}`, maxBytes);
  }
  return Buffer.concat(pieces, total);
}

/** One read of standard input; 0 at its end. A pipe left non-blocking by another program is waited on, briefly. */
function readPiece(piece: Buffer): number {
  for (;;) {
    try {
      return readSync(0, piece, 0, piece.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EOF') return 0;
      if (code !== 'EAGAIN') throw new UserError(`${STDIN_LABEL}: cannot read: ${describeError(err)}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
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
  throw new UserError(`${path}: cannot write: too many levels of symbolic links (ELOOP)`);
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
    throw new UserError(`${given}: cannot write: ${describeError(err)}`);
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

/**
 * Writes to the file when one is given, else to standard output; settles when the last piece has been handed
 * over. (`-o -` arrives here as no file: the command line reads it so.)
 */
export async function emit(output: string | undefined, data: Output): Promise<void> {
  if (output && filesRead.has(landingPath(output))) {
    throw new UserError(`${output}: this command reads that file; writing its output there would replace it (choose another --output)`);
  }
  if (output) writeFileAtomic(output, data);
  else await writeStandardOutput(data);
}

/** A whole output is handed to standard output in pieces of this many characters, so that none is copied whole. */
const STDOUT_PIECE = 1 << 16;

/**
 * Standard output written with backpressure: the next piece is made and handed over only once the stream has
 * taken the last, so that a slow reader (`| wc -c`, `| less`) holds the command back instead of gigabytes
 * queueing in memory (or the pipe failing with ENOBUFS). Files, terminals and /dev/null take each write at once.
 * A reader that went away (`| head`) destroyed the stream: what is left is neither made nor written.
 */
async function writeStandardOutput(data: Output): Promise<void> {
  const out = process.stdout;
  for (const piece of isWhole(data) ? slices(data) : data) {
    if (out.destroyed) return;
    if (!out.write(piece) && !out.destroyed) await drained(out);
  }
}

/** A string or bytes in pieces; a string is never cut inside a surrogate pair, which would encode as two U+FFFD. */
function* slices(data: string | Uint8Array): Generator<string | Uint8Array> {
  for (let start = 0; start < data.length;) {
    let end = Math.min(start + STDOUT_PIECE, data.length);
    if (typeof data === 'string' && end < data.length && isHighSurrogate(data.charCodeAt(end - 1))) end--;
    yield typeof data === 'string' ? data.slice(start, end) : data.subarray(start, end);
    start = end;
  }
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;

/** Settles when the stream wants more, or when it closes or fails (the reader quit): never waits for a drain that cannot come. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}
