// Short, stable threat ids for people: `TM-` and 8 hex digits of a hash of the threat's key
// (`ruleId@component` or `ruleId@endpointId`). Derived from what the threat is about, never from report
// order, so adding, reordering or renaming (display names) other parts of the model leaves them unchanged.
// Pure JavaScript (no node:crypto): analysis and tracking also run in the browser.

const encoder = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes: tiny, well distributed for short strings, the same everywhere. */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
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
