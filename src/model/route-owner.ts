// Which of the services behind a proxy serves a route declared on the proxy, by the words of its path: used by
// the analysis (routes on a reverse proxy judged on the application behind it) and by discover (an OpenAPI spec
// whose server is the proxy split onto the services the proxy forwards to). One matcher, so that the two agree.
// No Node APIs: runs in the browser.

/** `mechanic_api` -> mechanic, api; `userService` -> user, service; `HTTPServer` -> http, server: lower case. */
export const nameWords = (name: string): string[] =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');

/**
 * Segments that say how a path is served, not by whom (`/api/v2/identity/...`): the search goes on past them
 * to the segment that names the service. How they name one themselves: see routeOwner.
 */
const GENERIC_SEGMENT = /^(?:api|apis|rest|public|internal|private|external|service|services|svc|v\d+(?:[a-z]+\d*)?)$/;

/**
 * A cheap singular, the same on both sides (`users` and `user-service` meet at `user`): only the endings that
 * cannot turn one English word into another (`status`, `address`, `analysis` stay).
 */
function singular(word: string): string {
  if (word.length <= 3 || /(?:ss|us|is|ews)$/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(?:ches|shes|sses|xes)$/.test(word)) return word.slice(0, -2);
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

/** A service a route may go to, by the names it is known by (id, name, aliases). */
export interface RouteCandidate<T> {
  value: T;
  names: readonly (string | undefined)[];
}

/** The candidates by each run of consecutive words of their names, as spelt and singular, and by whole name (at most two each). */
export interface RouteOwners<T> {
  runs: Map<string, T[]>;
  /** The runs written together (`userservice`): a name or a segment may run its words into one. */
  joinedRuns: Map<string, T[]>;
  singularRuns: Map<string, T[]>;
  whole: Map<string, T[]>;
}

/** A placed route: the service, and the path up to the segment that named it (`/api/identity/`). */
export interface RouteOwner<T> {
  owner: T;
  prefix: string;
}

/**
 * Adds a candidate under a key once. Candidates are added one after another, so a repeat is the last one; and
 * two are as many as a placement needs to know of (none, one, or too many): a word every name holds (`service`)
 * stays two entries long, and building the index stays linear.
 */
function addOnce<T>(index: Map<string, T[]>, key: string, value: T): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else if (list.length < 2 && list[list.length - 1] !== value) list.push(value);
}

/** Each run of consecutive words of a name (`user-order-service` gives user, user-order, order-service, ...). */
function wordRuns(words: readonly string[]): string[] {
  const runs: string[] = [];
  for (let i = 0; i < words.length; i++) for (let j = i + 1; j <= words.length; j++) runs.push(words.slice(i, j).join('-'));
  return runs;
}

/**
 * The index of the candidates' word runs: built once per proxy, so that placing a route is a few look-ups
 * (names are a few words long, so the runs are few).
 */
export function routeOwners<T>(candidates: readonly RouteCandidate<T>[]): RouteOwners<T> {
  const index: RouteOwners<T> = { runs: new Map(), joinedRuns: new Map(), singularRuns: new Map(), whole: new Map() };
  for (const c of candidates) {
    for (const name of c.names) {
      const words = name === undefined ? [] : nameWords(name);
      if (words.length === 0) continue;
      addOnce(index.whole, words.join('-'), c.value);
      for (const run of wordRuns(words)) {
        addOnce(index.runs, run, c.value);
        addOnce(index.joinedRuns, run.replaceAll('-', ''), c.value);
      }
      for (const run of wordRuns(words.map(singular))) addOnce(index.singularRuns, run, c.value);
    }
  }
  return index;
}

/** A template (`{tenant}`, `:id`, `<id>`) or a wildcard names no service, and the route's owner is not after it. */
const isTemplate = (segment: string): boolean => /^[:<]|[{}*]/.test(segment);

/** What a segment says of the candidates. */
interface Naming<T> {
  generic: boolean;
  /** As spelt, else singular; for a generic segment, by whole name. */
  hits: readonly T[];
  /** A generic segment's word in a longer name (`api` in `backend-api`): a guess a later segment overrides. */
  weak: readonly T[];
}

function naming<T>(segment: string, index: RouteOwners<T>): Naming<T> {
  const words = nameWords(segment);
  const key = words.join('-');
  if (words.length === 0) return { generic: false, hits: [], weak: [] };
  if (GENERIC_SEGMENT.test(key)) return { generic: true, hits: index.whole.get(key) ?? [], weak: index.runs.get(key) ?? [] };
  const hits = index.runs.get(key) ?? index.joinedRuns.get(words.join('')) ?? index.singularRuns.get(words.map(singular).join('-'));
  return { generic: false, hits: hits ?? [], weak: [] };
}

/**
 * The one candidate that serves a path: named by its first segment that names one (`/identity/api/...`), past
 * generic segments (`/api/v2/identity/...`); the words of the segment, camelCase or snake_case, in a row in one
 * of its names (`/userService/` and `/user_service/` go to `user-service`), or run together on either side
 * (`/userservice/` to `userService`, `/OrderService/` to `orderservice`). A generic segment names a candidate
 * by its whole name (the service `api`); as a word of one name only (`backend-api`) it is the owner unless a
 * later segment names another, and as a word of several (`users-api`, `orders-api`) it names none. None when a
 * segment names two candidates; at a template or another segment the search stops.
 */
export function routeOwner<T>(path: string, index: RouteOwners<T>): RouteOwner<T> | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  const upTo = (i: number) => `/${segments.slice(0, i + 1).join('/')}/`;
  let guess: RouteOwner<T> | undefined;
  for (let i = 0; i < segments.length && !isTemplate(segments[i]); i++) {
    const { generic, hits, weak } = naming(segments[i], index);
    if (hits.length === 1) return { owner: hits[0], prefix: upTo(i) };
    if (hits.length > 1) return undefined;
    if (!generic) break;
    if (guess === undefined && weak.length === 1) guess = { owner: weak[0], prefix: upTo(i) };
  }
  return guess;
}
