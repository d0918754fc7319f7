// Seeded damage to real files, for the readers' robustness tests: each mutation deletes, doubles or inserts a
// character (1 to 3 times), the same sequence on every run, so that a failure can be run again.

/** A small seeded PRNG (mulberry32). */
export function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` damaged copies of the sources, inserting characters drawn from `chars`. */
export function* mutations(sources: readonly string[], chars: string, seed: number, count: number): Generator<string> {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  for (let n = 0; n < count; n++) {
    let text = sources[pick(sources.length)];
    for (let m = 1 + pick(3); m > 0; m--) {
      const i = pick(text.length);
      const op = pick(3);
      if (op === 0) text = text.slice(0, i) + text.slice(i + 1);
      else if (op === 1) text = text.slice(0, i + 1) + text.slice(i);
      else text = text.slice(0, i) + chars[pick(chars.length)] + text.slice(i);
    }
    yield text;
  }
}
