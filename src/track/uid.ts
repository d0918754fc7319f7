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

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

export const UID_PREFIX = 'TM-';
export const UID_PATTERN = /^TM-[0-9a-f]{8}$/;

/** The id shown next to T1, T2...: `TM-3f9a2c1b`. */
export const threatUid = (key: string): string => `${UID_PREFIX}${hex8(fnv1a32(key))}`;

/**
 * A longer digest of the key (64 bits from two independently seeded passes) for machine fingerprints
 * such as SARIF's partialFingerprints, where a collision between two threats would merge their alerts.
 */
export const keyFingerprint = (key: string): string => `${hex8(fnv1a32(key))}${hex8(fnv1a32(key, 0x050c5d1f))}`;
