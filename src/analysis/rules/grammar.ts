// Verb agreement with the names a model gives its elements and assets. Names are the subjects of findings'
// sentences ("Web servers handle Card data"), and models name things in the plural as often as in the
// singular ("Web servers", "Workers", "Orders", "Prices and totals"). Pure: no Node APIs.

/**
 * Names that end like a plural but name one thing: products, services and fields that readers treat as
 * singular ("Postgres is", "Analytics is").
 */
const SINGULAR_WORDS = new Set([
  'analytics', 'atlas', 'canvas', 'diagnostics', 'devops', 'forensics', 'gitops', 'jenkins', 'kubernetes', 'logistics',
  'mlops', 'news', 'postgres', 'series', 'species', 'statistics', 'telematics', 'windows',
]);

/**
 * One-word component names that stand for several instances or people. Other one-word names in the plural
 * name one component after its domain ("Orders", "Payments", "events": the orders service, the events
 * topic), as ids do when a model gives no name.
 */
const GROUP_WORDS = new Set([
  'admins', 'administrators', 'agents', 'apps', 'bots', 'browsers', 'buyers', 'clients', 'consumers', 'containers',
  'crawlers', 'customers', 'developers', 'devices', 'employees', 'engineers', 'functions', 'hosts', 'instances',
  'lambdas', 'machines', 'members', 'merchants', 'microservices', 'nodes', 'operators', 'partners', 'patients',
  'phones', 'pods', 'producers', 'replicas', 'runners', 'sellers', 'sensors', 'servers', 'services', 'students',
  'subscribers', 'suppliers', 'users', 'vendors', 'visitors', 'workers',
]);

interface NameNumber {
  /** The last word is a plural: right for data ("Orders", "Session tokens"). */
  plural: boolean;
  /** The name stands for several components or people ("Web servers", "Workers", "VMs"; not "Orders"). */
  group: boolean;
}

/**
 * Names read so far. The module outlives an analysis (an editor or the web UI analyses model after model),
 * so the memo is bounded, as coverage.ts bounds its shared cells: past the bound a name is read again.
 */
const numbers = new Map<string, NameNumber>();
const MAX_NAMES_KEPT = 10_000;

function numberOf(name: string): NameNumber {
  let known = numbers.get(name);
  if (known === undefined) {
    known = readNumber(name);
    if (numbers.size < MAX_NAMES_KEPT) numbers.set(name, known);
  }
  return known;
}

/**
 * Whether a name of data reads as plural: its last word is a regular English plural ("Orders", "Session
 * tokens", "Prices and totals", "VMs"), not an acronym ("PII"), a word ending in -ss, -us or -is, a
 * short word or a singular name known to end in s.
 */
export const isPluralName = (name: string): boolean => numberOf(name).plural;

/**
 * Whether a component's name stands for several of them: a plural after other words ("Web servers",
 * "Celery workers"), an acronym in the plural ("VMs") or a one-word group ("Workers", "Customers").
 */
export const isGroupName = (name: string): boolean => numberOf(name).group;

function readNumber(name: string): NameNumber {
  // A trailing qualifier does not change the number: "Workers (EU)", "Orders database [legacy]".
  const words = name.replace(/\s*[([][^)\]]*[)\]]\s*$/, '').match(/[A-Za-z][A-Za-z'’-]*/g) ?? [];
  const word = words[words.length - 1];
  if (word === undefined) return { plural: false, group: false };
  // An acronym in the plural keeps its capitals: "VMs", "APIs"; all capitals is one thing ("DNS", "AWS").
  if (/^[A-Z]{1,5}s$/.test(word)) return { plural: true, group: true };
  const lower = word.toLowerCase();
  const plural = word.length >= 4 && word !== word.toUpperCase() && lower.endsWith('s')
    && !/(?:ss|us|is|['’]s)$/.test(lower) && !SINGULAR_WORDS.has(lower);
  // An identifier (`aws_db_instance.orders`, drafted from Terraform) names one resource, whatever its last word.
  const identifier = !/\s/.test(name) && /[._]/.test(name);
  return { plural, group: plural && !identifier && (words.length > 1 || GROUP_WORDS.has(lower)) };
}

const IRREGULAR: Record<string, string> = { is: 'are', has: 'have', does: 'do', was: 'were', "doesn't": "don't", "isn't": "aren't", "hasn't": "haven't" };

/**
 * The form of a verb, given in the third person singular ("handles", "is"), that agrees with a component's
 * name: "handle", "are" after a group's ("Web servers").
 */
export function verbFor(subject: string, verb: string): string {
  return isGroupName(subject) ? pluralVerb(verb) : verb;
}

function pluralVerb(verb: string): string {
  const irregular = IRREGULAR[verb];
  if (irregular !== undefined) return irregular;
  if (/[^aeiou]ies$/.test(verb)) return `${verb.slice(0, -3)}y`;
  if (/(?:ches|shes|sses|xes|zes|oes)$/.test(verb)) return verb.slice(0, -2);
  return verb.endsWith('s') ? verb.slice(0, -1) : verb;
}

/** The subject and its verb, agreeing: `says('Web servers', 'handles')` is "Web servers handle". */
export const says = (subject: string, verb: string): string => `${subject} ${verbFor(subject, verb)}`;

/** The pronouns that stand for a component: its/their; it/they as a subject; it/them as an object. */
export const its = (subject: string): string => (isGroupName(subject) ? 'their' : 'its');
export const it = (subject: string): string => (isGroupName(subject) ? 'they' : 'it');
export const itObject = (subject: string): string => (isGroupName(subject) ? 'them' : 'it');

/** A component's possessive: "API gateway's", "Web servers'". */
export const possessive = (name: string): string => (isGroupName(name) ? `${name}'` : `${name}'s`);

/**
 * The word agreeing with a list of components' names as it is printed (each name once): `plural` for
 * several names or one group's ("Workers"), else `singular`. Serves verbs and pronouns alike.
 */
export const agreeing = (names: readonly string[], singular: string, plural: string): string =>
  new Set(names).size === 1 && !isGroupName(names[0]) ? singular : plural;
