// Short, stable threat ids for people: `TM-` and 8 hex digits of a hash of the threat's key
// (`ruleId@component` or `ruleId@endpointId`). Derived from what the threat is about, never from report
// order, so adding, reordering or renaming (display names) other parts of the model leaves them unchanged.
// Pure JavaScript (no node:crypto): analysis and tracking also run in the browser.

const mix = (h: number, byte: number): number => Math.imul(h ^ byte, 0x01000193) >>> 0;

/**
 * FNV-1a, 32 bits, over the UTF-8 bytes: tiny, well distributed for short strings, the same everywhere.
 * The bytes are taken from the UTF-16 code units as they go (a lone surrogate counts as U+FFFD, as
 * TextEncoder has it), so hashing a key allocates nothing.
 */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      h = mix(h, c);
      continue;
    }
    if (c < 0x800) {
      h = mix(h, 0xc0 | (c >> 6));
      h = mix(h, 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const point = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        h = mix(h, 0xf0 | (point >> 18));
        h = mix(h, 0x80 | ((point >> 12) & 0x3f));
        h = mix(h, 0x80 | ((point >> 6) & 0x3f));
        h = mix(h, 0x80 | (point & 0x3f));
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    h = mix(h, 0xe0 | (c >> 12));
    h = mix(h, 0x80 | ((c >> 6) & 0x3f));
    h = mix(h, 0x80 | (c & 0x3f));
  }
  return h >>> 0;
}

const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const hexCode = (n: number, digit: number): number => HEX[(n >>> (28 - 4 * digit)) & 15];
const hex8 = (n: number) =>
  String.fromCharCode(hexCode(n, 0), hexCode(n, 1), hexCode(n, 2), hexCode(n, 3), hexCode(n, 4), hexCode(n, 5), hexCode(n, 6), hexCode(n, 7));

export const UID_PREFIX = 'TM-';
export const UID_PATTERN = /^TM-[0-9a-f]{8}$/;

const T = 'T'.charCodeAt(0);
const M = 'M'.charCodeAt(0);
const DASH = '-'.charCodeAt(0);
/** `TM-` and 8 hex digits as one flat string: a report holds one per threat, tens of thousands at scale. */
const uidOfHash = (h: number): string =>
  String.fromCharCode(T, M, DASH, hexCode(h, 0), hexCode(h, 1), hexCode(h, 2), hexCode(h, 3), hexCode(h, 4), hexCode(h, 5), hexCode(h, 6), hexCode(h, 7));

/** The id shown next to T1, T2...: `TM-3f9a2c1b`. */
export const threatUid = (key: string): string => uidOfHash(fnv1a32(key));

/**
 * `threatUid(prefix + rest)` given `fnv1a32(prefix)`: FNV-1a reads left to right, so the prefix many keys
 * share (a rule's `ruleId@`) is hashed once and the key itself need not be built. The prefix must not end
 * inside a surrogate pair.
 */
export const threatUidAfter = (prefixHash: number, rest: string): string => uidOfHash(fnv1a32(rest, prefixHash));

/**
 * A longer digest of the key (64 bits from two independently seeded passes) for machine fingerprints
 * such as SARIF's partialFingerprints, where a collision between two threats would merge their alerts.
 */
export const keyFingerprint = (key: string): string => `${hex8(fnv1a32(key))}${hex8(fnv1a32(key, 0x050c5d1f))}`;
