// "Did you mean" suggestions for typos in keys, enum values and references. Pure and deterministic.

/**
 * Optimal string alignment distance (Damerau-Levenshtein where each substring is edited once):
 * a transposition such as `contorls` counts as one edit, as people mistype that way.
 * Gives up early and returns `limit + 1` once the distance must exceed `limit`, so that
 * checking a typo against 100,000 ids stays cheap.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

/** How many edits still read as a typo of a word of this length rather than a different word. */
export function typoLimit(length: number): number {
  if (length <= 2) return 0;
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

/**
 * The candidate closest to `word`, if one is close enough to be a likely typo. Case is ignored when
 * comparing; ties go to the candidate that comes first in `candidates`, so callers control the order.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const list: readonly string[] = Array.isArray(candidates) ? candidates : [...candidates];
  const w = word.toLowerCase();
  const limit = typoLimit(w.length);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    if (c === w) return candidate;
    const max = Math.min(limit, bestDistance - 1);
    if (max < 0) continue;
    const d = editDistance(w, c, max);
    if (d <= max && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  // A prefix such as `postgres` for `postgresql` or `rate-limit` for `rate-limiting` is a clearer hint
  // than any edit distance allows for long words.
  if (w.length >= 4) {
    for (const candidate of list) {
      const c = candidate.toLowerCase();
      if (c !== w && (c.startsWith(w) || w.startsWith(c)) && Math.min(c.length, w.length) >= 4) return candidate;
    }
  }
  return undefined;
}

/** A hint sentence for a diagnostic, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(word, candidates);
  return s === undefined ? undefined : `did you mean \`${s}\`?`;
}
