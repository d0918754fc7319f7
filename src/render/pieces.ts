// Small pieces of output (a row, a result) gathered into the chunks the CLI writes one after the other.
import { CHUNK_CHARS } from './chunks.js';

/** The concatenation of `pieces`, in chunks of about CHUNK_CHARS characters. */
export function* gatherChunks(pieces: Iterable<string>, chunkChars = CHUNK_CHARS): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
