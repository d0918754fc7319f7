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

/** Options of `suggest`, `suggestions` and `didYouMean`. */
export interface SuggestOptions {
  /**
   * What people write for a value in other tools or in everyday words (`sso` for `oidc`), checked before
   * spelling: edit distance cannot see that `datastore` means `store`. Only targets among the candidates
   * are offered, so one table serves every field that shares a name (`kind` of elements and of endpoints).
   */
  synonyms?: SynonymTable;
  /** Among equally close candidates, the ones this accepts win: an encrypted protocol over its cleartext twin. */
  prefer?: (candidate: string) => boolean;
}

/**
 * Word -> the candidates it stands for, or a sentence when no value fits (`tls` is not a control: it is the
 * flow's protocol). Keys are matched in any case and with `-`, `_`, `.` and spaces ignored (`hasAccessControl`).
 */
export type SynonymTable = Readonly<Record<string, readonly string[] | string>>;

const squash = (word: string): string => word.toLowerCase().replace(/[-_.\s]/g, '');

const squashedTables = new WeakMap<SynonymTable, Map<string, readonly string[] | string>>();

function synonymOf(word: string, table: SynonymTable): readonly string[] | string | undefined {
  let index = squashedTables.get(table);
  if (index === undefined) {
    index = new Map(Object.entries(table).map(([key, value]) => [squash(key), value]));
    squashedTables.set(table, index);
  }
  return index.get(squash(word));
}

/** Length of the common start of two words. */
function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The candidate closest to `word`, if one is close enough to be a likely typo. Case is ignored when
 * comparing. Among equally close candidates, the preferred one wins (options.prefer), then the one that
 * shares the longer start with `word`, then the one that comes first in `candidates`.
 */
export function suggest(word: string, candidates: Iterable<string>, options: SuggestOptions = {}): string | undefined {
  const list: readonly string[] = Array.isArray(candidates) ? candidates : [...candidates];
  const w = word.toLowerCase();
  const limit = typoLimit(w.length);
  const prefer = options.prefer ?? (() => false);
  let best: string | undefined;
  let bestDistance = Infinity;
  // Whether `best` is preferred, and how long a start it shares with the word: the tie-breakers.
  let bestPreferred = false;
  let bestShared = 0;
  for (const candidate of list) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    if (c === w) return candidate;
    const max = Math.min(limit, bestDistance);
    if (max < 0) continue;
    const d = editDistance(w, c, max);
    if (d > max) continue;
    if (d === bestDistance) {
      const preferred = prefer(candidate);
      const shared = sharedPrefix(w, c);
      if (preferred === bestPreferred ? shared <= bestShared : !preferred) continue;
    }
    best = candidate;
    bestDistance = d;
    bestPreferred = prefer(candidate);
    bestShared = sharedPrefix(w, c);
  }
  return best ?? byPrefix(w, list, prefer);
}

/**
 * A prefix such as `postgres` for `postgresql` or `rate-limit` for `rate-limiting` is a clearer hint than
 * any edit distance allows for long words. The longest candidate the word starts with wins (`rediss`,
 * not `redis`, for `rediss-tls`: the shorter one drops what the person typed), else the shortest one that
 * starts with the word.
 */
function byPrefix(w: string, list: readonly string[], prefer: (candidate: string) => boolean): string | undefined {
  if (w.length < 4) return undefined;
  let best: string | undefined;
  let bestScore = -Infinity;
  for (const candidate of list) {
    const c = candidate.toLowerCase();
    if (c === w || Math.min(c.length, w.length) < 4) continue;
    // Prefixes of the word rank above extensions of it; the closer in length, the better; then preferred.
    const score = w.startsWith(c) ? 2 * c.length : c.startsWith(w) ? -2 * c.length : -Infinity;
    if (score === -Infinity) continue;
    const ranked = score + (prefer(candidate) ? 1 : 0);
    if (ranked > bestScore) {
      best = candidate;
      bestScore = ranked;
    }
  }
  return best;
}

/**
 * Every likely meaning of `word` among `candidates`: its synonyms that are candidates (`sso`: `oidc`,
 * `saml`), else the closest spelling. A sentence from the synonym table comes back as `{ note }`.
 */
export function suggestions(word: string, candidates: Iterable<string>, options: SuggestOptions = {}): string[] | { note: string } {
  const list: readonly string[] = Array.isArray(candidates) ? candidates : [...candidates];
  const synonym = options.synonyms ? synonymOf(word, options.synonyms) : undefined;
  if (typeof synonym === 'string') return { note: synonym };
  if (synonym !== undefined) {
    const known = synonym.filter((s) => list.includes(s) && s !== word);
    if (known.length > 0) return known;
  }
  const s = suggest(word, list, options);
  return s === undefined ? [] : [s];
}

/** `x`, `x` or `y`, `x`, `y` or `z`. */
export function orList(values: readonly string[]): string {
  const quoted = values.map((v) => `\`${v}\``);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** A hint sentence for a diagnostic, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>, options: SuggestOptions = {}): string | undefined {
  const found = suggestions(word, candidates, options);
  if (!Array.isArray(found)) return found.note;
  return found.length === 0 ? undefined : `did you mean ${orList(found)}?`;
}

const TLS_NOT_A_CONTROL = 'TLS is the flow\'s protocol (`https`, `rediss`, `postgres+tls`...) or `encrypted: true` on the flow, not a control';

/**
 * Words from other tools (Threagile, Threat Dragon, OTM, IriusRisk) and everyday speech, by what the value
 * is called in messages (validate.ts's value names; `key` for map keys). Every target is checked against
 * the real values in a test, and offered only when the field at hand allows it.
 */
export const SYNONYMS: Readonly<Record<string, SynonymTable>> = {
  key: {
    boundary: ['in'], zone: ['in'], 'trust-boundary': ['in'], 'trust-zone': ['in'], parent: ['in'], inside: ['in'],
    within: ['in'], network: ['in'], segment: ['in'],
    data: ['handles', 'stores', 'accepts', 'returns'], assets: ['handles', 'stores', 'data', 'accepts', 'returns'],
    asset: ['handles', 'stores', 'data', 'accepts', 'returns'], processes: ['handles'], stored: ['stores'], persists: ['stores'],
    technology: ['tech'], framework: ['tech'], platform: ['tech'], stack: ['tech'], language: ['tech'],
    tls: ['encrypted'], ssl: ['encrypted'], secure: ['encrypted'], encryption: ['encrypted'],
    proto: ['protocol'], transport: ['protocol'],
    authentication: ['auth'], authn: ['auth'], 'auth-method': ['auth'],
    source: ['from'], src: ['from'], origin: ['from'], target: ['to', 'on'], dest: ['to'], destination: ['to'], sink: ['to'],
    targets: ['on'], component: ['on'], element: ['on'], affects: ['on'],
    category: ['stride'], severity: ['impact', 'likelihood'], risk: ['impact', 'likelihood'],
    mitigations: ['mitigated-by', 'mitigation'], countermeasures: ['mitigated-by', 'mitigation'],
    label: ['name'], title: ['name'], desc: ['description'],
    'internet-facing': ['exposed'], internet: ['exposed'], public: ['exposed'],
    routes: ['endpoints'], paths: ['endpoints'], apis: ['endpoints'], operations: ['endpoints'],
    verb: ['methods'], verbs: ['methods'],
    root: ['privileged'], admin: ['privileged'], instances: ['replicas'], team: ['owner'], labels: ['tags'],
    'trust-level': ['trust'], level: ['trust'], ports: ['port'],
  },
  control: {
    rbac: ['authorization'], abac: ['authorization'], acl: ['authorization'], 'access-control': ['authorization'],
    'has-access-control': ['authorization'], permissions: ['authorization'], authz: ['authorization'], authn: ['authentication'],
    logging: ['audit-logging'], 'audit-trail': ['audit-logging'], 'logs-actions': ['audit-logging'],
    'sanitizes-input': ['input-validation'], 'input-sanitization': ['input-validation'], 'input-sanitisation': ['input-validation'],
    sanitization: ['input-validation', 'output-encoding'], 'validates-input': ['input-validation'], 'schema-validation': ['input-validation'],
    'encodes-output': ['output-encoding'], 'xss-protection': ['output-encoding', 'content-security-policy'], csp: ['content-security-policy'],
    'prepared-statements': ['parameterized-queries'], 'parametrized-queries': ['parameterized-queries'], orm: ['parameterized-queries'],
    firewall: ['ip-allowlist', 'waf'], 'network-firewall': ['ip-allowlist'], 'security-groups': ['ip-allowlist'],
    'ip-whitelist': ['ip-allowlist'], 'ip-filtering': ['ip-allowlist'], 'web-application-firewall': ['waf'],
    antivirus: ['malware-scanning'], 'anti-virus': ['malware-scanning'], av: ['malware-scanning'], 'virus-scanning': ['malware-scanning'],
    'secrets-vault': ['secrets-management'], vault: ['secrets-management'], 'secret-manager': ['secrets-management'],
    'secrets-manager': ['secrets-management'], kms: ['secrets-management', 'encryption-at-rest'],
    '2fa': ['mfa'], 'two-factor': ['mfa'], totp: ['mfa'], otp: ['mfa'],
    throttling: ['rate-limiting'], ratelimit: ['rate-limiting'],
    'dual-control': ['human-approval'], 'four-eyes': ['human-approval'], 'maker-checker': ['human-approval'],
    'second-approval': ['human-approval'],
    'no-store': ['cache-control'], 'cache-headers': ['cache-control'], 'no-cache': ['cache-control'],
    encrypted: ['encryption-at-rest'], encryption: ['encryption-at-rest'], 'disk-encryption': ['encryption-at-rest'],
    tls: TLS_NOT_A_CONTROL, ssl: TLS_NOT_A_CONTROL, https: TLS_NOT_A_CONTROL, 'encryption-in-transit': TLS_NOT_A_CONTROL,
    'transport-encryption': TLS_NOT_A_CONTROL, 'encrypted-in-transit': TLS_NOT_A_CONTROL,
    mtls: 'mutual TLS is the flow\'s protocol (`mtls`, `grpc+mtls`) or its `auth: mtls`, not a control',
    hashing: ['password-hashing'], bcrypt: ['password-hashing'], argon2: ['password-hashing'],
    'jwt-validation': ['token-validation'], 'webhook-signature': ['signature-verification'], hmac: ['signature-verification'],
    signing: ['request-signing'], pinning: ['certificate-pinning', 'host-key-pinning'], 'known-hosts': ['host-key-pinning'],
    'host-key-verification': ['host-key-pinning'], 'strict-host-key-checking': ['host-key-pinning'], 'proof-key': ['pkce'], backup: ['backups'], 'least-privileges': ['least-privilege'],
    'non-root': ['least-privilege'], sandbox: ['sandboxing'], isolation: ['sandboxing'],
  },
  /** Controls on a flow: there `encrypted` means in transit. */
  'flow control': {
    encrypted: TLS_NOT_A_CONTROL, encryption: TLS_NOT_A_CONTROL,
  },
  protocol: {
    ssl: ['tls'], 'http2': ['https'], h2: ['https'], rest: ['https', 'http'], soap: ['https', 'http'], json: ['https', 'http'],
    websocket: ['wss', 'ws'], websockets: ['wss', 'ws'], postgresql: ['postgres+tls', 'postgres'], psql: ['postgres+tls', 'postgres'],
    pg: ['postgres+tls', 'postgres'], jdbc: ['sql+tls', 'sql'], odbc: ['sql+tls', 'sql'], tds: ['sql+tls', 'sql'],
    mssql: ['sql+tls', 'sql'], mongo: ['mongodb+tls', 'mongodb'], rabbitmq: ['amqps', 'amqp'], email: ['smtps', 'smtp'],
    scp: ['ssh', 'sftp'], aws: ['cloud-api'], 'aws-sdk': ['cloud-api'], 'aws-api': ['cloud-api'], sdk: ['cloud-api'],
  },
  'authentication method': {
    sso: ['oidc', 'saml'], 'single-sign-on': ['oidc', 'saml'], openid: ['oidc'], 'openid-connect': ['oidc'],
    oauth: ['oauth2'], 'client-certificate': ['mtls'], cert: ['mtls'], x509: ['mtls'], tls: ['mtls'],
    'username-password': ['password'], login: ['password'], form: ['password'], anonymous: ['none'], unauthenticated: ['none'],
    public: ['none'], sigv4: ['iam'], 'aws-iam': ['iam'], ssh: ['ssh-key'], 'bearer-token': ['jwt'], 'access-token': ['jwt'],
    apikey: ['api-key'], 'api-token': ['api-key'],
  },
  kind: {
    datastore: ['store'], 'data-store': ['store'], database: ['store'], db: ['store'], storage: ['store'],
    app: ['process'], application: ['process'], server: ['process'], component: ['process'],
    actor: ['external'], 'external-entity': ['external'], entity: ['external'], person: ['external'], interactor: ['external'],
    'file-upload': ['upload'], uploads: ['upload'], signin: ['login'], logon: ['login'], signup: ['register'],
    'reset-password': ['password-reset'], 'forgot-password': ['password-reset'], hook: ['webhook'],
    healthcheck: ['health'], status: ['health'], download: ['export'], 'oauth-callback': ['callback'], proxy: ['fetch'],
    vpc: ['network'], subnet: ['network'], namespace: ['service', 'container'], pod: ['container'], account: ['cloud'],
  },
  type: {
    db: ['database'], datastore: ['database'], rdbms: ['database'], sql: ['database'],
    idp: ['identity-provider'], sso: ['identity-provider'], 'auth-server': ['identity-provider'],
    lb: ['load-balancer'], proxy: ['reverse-proxy'], browser: ['user-agent'], spa: ['user-agent'], 'mobile-app': ['user-agent'],
    saas: ['third-party'], vendor: ['third-party'], 'external-service': ['third-party'],
    bucket: ['object-storage'], blob: ['object-storage'], s3: ['object-storage'], mq: ['queue'], 'message-queue': ['queue'],
    broker: ['queue', 'event-bus'], lambda: ['function'], serverless: ['function'], vault: ['secrets-vault'],
    person: ['user'], customer: ['user'], human: ['user'], operator: ['admin'], backend: ['service'], microservice: ['service'],
    job: ['worker'], cron: ['worker'], batch: ['worker'], 'batch-job': ['worker'], 'scheduled-job': ['worker'], 'cron-job': ['worker'],
    etl: ['worker'],
    'personal-data': ['pii'], personal: ['pii'], card: ['payment'], 'credit-card': ['payment'], pci: ['payment'],
    password: ['credentials'], passwords: ['credentials'], keys: ['secrets'], 'api-keys': ['secrets'], tokens: ['secrets', 'session'],
    phi: ['health'], medical: ['health'], cookies: ['session'], code: ['source-code'],
  },
  'trust level': {
    'semi-trusted': ['dmz'], 'partially-trusted': ['dmz'], perimeter: ['dmz'], edge: ['dmz'],
    trusted: ['internal'], private: ['internal'], corporate: ['internal'],
    external: ['untrusted'], outside: ['untrusted'], high: ['restricted'], secure: ['restricted'], sensitive: ['restricted'],
  },
  classification: {
    secret: ['restricted'], 'top-secret': ['restricted'], 'highly-confidential': ['restricted'], 'strictly-confidential': ['restricted'],
    private: ['confidential'], sensitive: ['confidential'], pii: ['confidential'],
    open: ['public'], 'internal-only': ['internal'], company: ['internal'],
  },
  'STRIDE category': {
    'info-disclosure': ['information-disclosure'], disclosure: ['information-disclosure'], 'information-leak': ['information-disclosure'],
    'data-leak': ['information-disclosure'], leak: ['information-disclosure'], info: ['information-disclosure'],
    denial: ['denial-of-service'], 'privilege-escalation': ['elevation-of-privilege'], escalation: ['elevation-of-privilege'],
    privesc: ['elevation-of-privilege'], elevation: ['elevation-of-privilege'], 'non-repudiation': ['repudiation'],
    impersonation: ['spoofing'],
  },
};
