// The flow shorthand's arrow, `a -> b`: the expression the schema checks keys against, and the same
// match worked out by hand for the readers of every flow key. No dependencies, so that the generator and the
// command definitions that use it load no schema library. A key holding `<->` is a two-way arrow however
// it is spaced (ids cannot hold `<`): without the lookahead, `a<->b` read as a flow from an element `a<`.
export const FLOW_ARROW = /^(?![\s\S]*<->)\s*(\S+)\s*->\s*(\S+)\s*$/;

/** `\s` of a regular expression, by character code; only the rare non-ASCII ones ask the engine. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || (c >= 128 && /\s/.test(String.fromCharCode(c)));

const arrowAt = (key: string, i: number): boolean => key.charCodeAt(i) === 45 && key.charCodeAt(i + 1) === 62;

/**
 * FLOW_ARROW.exec's two ends, without running the expression: every flow key of a model goes through it,
 * and a match array per flow was most of the cost of reading flows. Worked out from the expression: with
 * the outer spaces trimmed, the key is one, two or three words, and the greedy first group takes the last
 * arrow it can.
 */
export function splitFlowArrow(key: string): [string, string] | undefined {
  if (key.includes('<->')) return undefined;
  let start = 0;
  let end = key.length;
  while (start < end && isSpace(key.charCodeAt(start))) start++;
  while (end > start && isSpace(key.charCodeAt(end - 1))) end--;
  // The words' bounds: a1..b1, a2..b2, a3..b3; a fourth word means no match.
  let words = 0;
  let a1 = 0, b1 = 0, a2 = 0, b2 = 0, a3 = 0;
  for (let i = start; i < end;) {
    const a = i;
    while (i < end && !isSpace(key.charCodeAt(i))) i++;
    words++;
    if (words === 1) { a1 = a; b1 = i; } else if (words === 2) { a2 = a; b2 = i; } else if (words === 3) a3 = a;
    else return undefined;
    while (i < end && isSpace(key.charCodeAt(i))) i++;
  }
  if (words === 1) {
    // `a->b`: the last arrow with a character on each side.
    const at = key.lastIndexOf('->', b1 - 3);
    return at > a1 ? [key.slice(a1, at), key.slice(at + 2, b1)] : undefined;
  }
  if (words === 2) {
    // `a ->b`, else `a-> b`.
    if (b2 - a2 > 2 && arrowAt(key, a2)) return [key.slice(a1, b1), key.slice(a2 + 2, b2)];
    if (b1 - a1 > 2 && arrowAt(key, b1 - 2)) return [key.slice(a1, b1 - 2), key.slice(a2, b2)];
    return undefined;
  }
  if (words === 3) return b2 - a2 === 2 && arrowAt(key, a2) ? [key.slice(a1, b1), key.slice(a3, end)] : undefined;
  return undefined;
}

/** A flow key's arrows, and the ends between them: `a<->b->c` is a, `<->`, b, `->`, c. */
const ARROWS = /\s*(<->|->|<-)\s*/;

/**
 * `a<->b->c` or `a -> b -> c`: several flows in one key. The hint names one key per flow, in the order
 * written; the way back of a `<->` follows, since it is a flow of its own too.
 */
export function chainedArrowHint(key: string): string | undefined {
  const parts = key.trim().split(ARROWS);
  // ends at even indices, arrows at odd ones
  if (parts.length < 5 || parts.some((p, i) => i % 2 === 0 && p === '')) return undefined;
  const keys: string[] = [];
  const back: string[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const [from, arrow, to] = [parts[i - 1], parts[i], parts[i + 1]];
    keys.push(arrow === '<-' ? `${to} -> ${from}` : `${from} -> ${to}`);
    if (arrow === '<->') back.push(`${to} -> ${from}`);
  }
  const list = (ks: readonly string[]) => {
    const quoted = ks.map((k) => `\`${k}\``);
    return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
  };
  const ways = back.length ? `; \`<->\` is two flows, so also write ${list(back)}` : '';
  return `one flow per key: write ${list(keys)} as keys of their own${ways}`;
}

/** A flow goes one way, source first, one per key: `a <-> b` is two flows, `a <- b` is `b -> a`. */
export function arrowHint(key: string): string | undefined {
  const chained = chainedArrowHint(key);
  if (chained) return chained;
  const both = /^\s*(\S+)\s*<->\s*(\S+)\s*$/.exec(key);
  if (both) return `a flow goes one way: write two flows, \`${both[1]} -> ${both[2]}\` and \`${both[2]} -> ${both[1]}\``;
  const back = /^\s*(\S+)\s*<-\s*(\S+)\s*$/.exec(key);
  if (back) return `write the source first: \`${back[2]} -> ${back[1]}\``;
  return /[=~-]>|→|-/.test(key) ? 'write the arrow as `->` with an element on each side' : undefined;
}
