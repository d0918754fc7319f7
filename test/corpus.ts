// The shared corpus of real files from public projects (../shared/corpus beside the repository): the corpus
// tests read it when it is there and skip, saying why, when it is not (a clean clone in CI), where the tests
// on fixtures of our own cover the same code.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Beside the repository; or where the development machine keeps it, for a clone made elsewhere. */
const ROOTS = [join('..', 'shared', 'corpus'), '/work/shared/corpus'];

/** The corpus folder `sub` (`''`: the corpus itself) when it holds every one of `files`; else undefined. */
export function corpusDir(sub: string, ...files: string[]): string | undefined {
  return ROOTS.map((root) => join(root, sub)).find((dir) => existsSync(dir) && files.every((f) => existsSync(join(dir, f))));
}

/** Why a test that needs `what` from the corpus is skipped. */
export const corpusMissing = (what: string): string => `${what} is not in the shared corpus (${ROOTS.join(' or ')})`;
