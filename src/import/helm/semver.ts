// Semantic versions and constraints as Masterminds/semver v3 reads them for Sprig's semverCompare:
// `>=1.19-0`, `^1.2`, `~1.2.3`, `1.x`, `1.2 - 1.4`, comma or space for "and", `||` for "or". A version with a
// prerelease only satisfies a constraint that names a prerelease (hence the `-0` charts write).

export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  prerelease: string;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { major: BigInt(m[1]), minor: BigInt(m[2] ?? 0), patch: BigInt(m[3] ?? 0), prerelease: m[4] ?? '' };
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    if (as[i] === undefined) return -1;
    if (bs[i] === undefined) return 1;
    if (as[i] === bs[i]) continue;
    const an = /^\d+$/.test(as[i]);
    const bn = /^\d+$/.test(bs[i]);
    if (an && bn) return BigInt(as[i]) < BigInt(bs[i]) ? -1 : 1;
    if (an !== bn) return an ? -1 : 1;
    return as[i] < bs[i] ? -1 : 1;
  }
  return 0;
}

export function compareVersions(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

/** One constraint term: an operator and a version whose later parts may be wildcards. */
interface Term {
  op: string;
  version: Version;
  /** How many of major, minor, patch were given as numbers (the rest were absent or x/X/*). */
  given: number;
}

const TERM = /^(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(-[0-9A-Za-z-.]+)?(\+[0-9A-Za-z-.]+)?$/;

function parseTerm(text: string): Term | undefined {
  const m = TERM.exec(text.trim());
  if (!m) return undefined;
  const parts = [m[2], m[3], m[4]];
  const wild = (p: string | undefined) => p === undefined || /^[xX*]$/.test(p);
  let given = 0;
  while (given < 3 && !wild(parts[given])) given++;
  if (parts.slice(given).some((p) => p !== undefined && !wild(p))) return undefined;
  const num = (i: number) => (i < given ? BigInt(parts[i]!) : 0n);
  return {
    op: m[1] ?? '=',
    version: { major: num(0), minor: num(1), patch: num(2), prerelease: m[5]?.slice(1) ?? '' },
    given,
  };
}

/** The version just past the given parts: `1.2` -> 1.3.0, `1` -> 2.0.0. */
function bump(v: Version, part: number): Version {
  if (part <= 0) return { major: v.major + 1n, minor: 0n, patch: 0n, prerelease: '' };
  if (part === 1) return { major: v.major, minor: v.minor + 1n, patch: 0n, prerelease: '' };
  return { major: v.major, minor: v.minor, patch: v.patch + 1n, prerelease: '' };
}

function satisfies(v: Version, t: Term): boolean {
  if (v.prerelease !== '' && t.version.prerelease === '') return false;
  const c = t.version;
  const cmp = compareVersions(v, c);
  const exact = t.given === 3 || c.prerelease !== '';
  const inRange = () => cmp >= 0 && compareVersions(v, bump(c, t.given - 1)) < 0;
  switch (t.op) {
    case '=': return exact ? cmp === 0 : t.given === 0 || inRange();
    case '!=': return exact ? cmp !== 0 : !(t.given === 0 || inRange());
    case '>': return exact ? cmp > 0 : t.given > 0 && compareVersions(v, bump(c, t.given - 1)) >= 0;
    case '>=': case '=>': return cmp >= 0;
    case '<': return cmp < 0;
    case '<=': case '=<': return exact ? cmp <= 0 : t.given === 0 || compareVersions(v, bump(c, t.given - 1)) < 0;
    case '~': case '~>': return cmp >= 0 && compareVersions(v, bump(c, t.given <= 1 ? 0 : 1)) < 0;
    case '^': {
      if (cmp < 0) return false;
      if (c.major > 0n || t.given <= 1) return compareVersions(v, bump(c, 0)) < 0;
      if (c.minor > 0n || t.given === 2) return compareVersions(v, bump(c, 1)) < 0;
      return compareVersions(v, bump(c, 2)) < 0;
    }
  }
  return false;
}

/** Splits one `||` alternative into terms, turning `a - b` into `>=a` and `<=b`. */
function andTerms(group: string): Term[] | undefined {
  const text = group.trim().replace(/\s*-\s+(?=v?\d)/g, ' - ');
  const words = text.split(/\s*,\s*|\s+/).filter(Boolean);
  const terms: Term[] = [];
  for (let i = 0; i < words.length; i++) {
    let word = words[i];
    if (words[i + 1] === '-' && words[i + 2] !== undefined) {
      const from = parseTerm(`>=${word}`);
      const to = parseTerm(`<=${words[i + 2]}`);
      if (!from || !to) return undefined;
      terms.push(from, to);
      i += 2;
      continue;
    }
    // An operator written apart from its version (`>= 1.2`).
    if (/^(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)$/.test(word) && words[i + 1] !== undefined) word += words[++i];
    const term = parseTerm(word);
    if (!term) return undefined;
    terms.push(term);
  }
  return terms.length ? terms : undefined;
}

/** Whether `version` meets `constraint`; a string is the problem with either. */
export function semverCompare(constraint: string, version: string): boolean | string {
  const groups = constraint.split('||').map(andTerms);
  if (groups.some((g) => g === undefined)) return `improper constraint: ${constraint}`;
  const v = parseVersion(version);
  if (!v) return 'Invalid Semantic Version';
  return groups.some((g) => g!.every((t) => satisfies(v, t)));
}
