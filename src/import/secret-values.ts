// What counts as a secret written into a deployment's files, for every importer (Docker Compose, Kubernetes,
// Terraform): which names hold secrets, which values stand for one (a placeholder, a reference filled in at
// deploy time) rather than being one, and how to speak of a literal without printing it. One judgement, so
// that the same `DB_PASSWORD=...` is a hard-coded secret in a compose file, a manifest and a Terraform map
// alike. Pure: no Node APIs.
import type { EnvSetting } from './containers.js';
import { SESSION_SIGNING_KEY_TAG, TOKEN_SIGNING_KEY_TAG } from '../analysis/rules/signing-keys.js';

/**
 * Terraform arguments that carry a secret (`password`, `master_password`, `auth_token`, `client_secret`...):
 * not those that name or point at one (`secret_arn`, `kms_key_id`, `password_length`), nor switches.
 */
const SECRET_ARGUMENT = /(?:^|_)(?:password|passwd|secret|token|api_?key|access_key|secret_key|private_key)(?:_|$)/i;

/**
 * Names that say something about a secret without holding it: where it is (`_FILE`, `_PATH`, `_ARN`, `_URL`),
 * what it is (`_TYPE`, `_ALGORITHM`, `_LENGTH`), when it expires, a switch (`ALLOW_EMPTY_PASSWORD`), or a key
 * meant to be public (`PUBLIC_KEY`, Stripe's `PUBLISHABLE_KEY`).
 */
const NOT_A_SECRET = new RegExp([
  '_(?:arn|id|ids|name|names|version|length|type|ttl|enabled|rotation|policy|path|file|url|uri|host|port|endpoint',
  '|algorithm|alg|alias|expiry|expiration|expires|timeout|header|issuer|audience|prefix|size|bits|access|method)$',
  '|^(?:manage|enable|require|allow)_|allow_?empty|(?:^|_)(?:public|publishable)_',
].join(''), 'i');

/** A Terraform argument that holds a secret. */
export const isSecretArgument = (name: string): boolean => SECRET_ARGUMENT.test(name) && !NOT_A_SECRET.test(name);

/** Words that make a setting's name a secret's, unless NOT_A_SECRET says it holds something else about one. */
const SECRET_KEY = /(?:^|_)(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|KEY|APIKEY)(?:_|$)/i;

/**
 * An environment variable (or a settings map's key) that holds a secret: `DB_PASSWORD`, `JWT_SECRET`, `API_TOKEN`;
 * not `TOKEN_URL`, `KEY_VAULT_ENDPOINT` or `PUBLIC_KEY`. A secret's value names no host and must not travel on as one.
 */
export const isSecretSetting = (key: string): boolean => SECRET_KEY.test(key) && !NOT_A_SECRET.test(key);

/**
 * Settings that hold the key a service signs the JWTs it issues with, which other services accept: whoever reads
 * it mints a token for any user. A JWT word with a key word after it (`JWT_SECRET`, `APP_JWT_SIGNING_KEY`,
 * `JWT_PRIVATE_KEY`); a user token's key (`TOKEN_SECRET`, `ACCESS_TOKEN_SECRET`, `REFRESH_TOKEN_KEY`); a bare
 * `SIGNING_KEY`. Not another service's token or signing secret (`GITHUB_TOKEN_SECRET`, `SLACK_SIGNING_SECRET`,
 * `CLOUDFRONT_SIGNING_KEY`, `URL_SIGNING_KEY`), a CSRF token's, an encryption key, nor a webhook's secret, which
 * checks calls coming in and mints nothing.
 */
const TOKEN_SIGNING_SETTING = [
  /(?:^|_)(?:JWT|JWS)(?:_[A-Z0-9]+)*_(?:SECRET|KEY)$/i,
  /^(?:(?:ACCESS|REFRESH|ID|AUTH|USER)_)?TOKEN_(?:SIGNING_)?(?:SECRET|KEY)$/i,
  /^(?:(?:AUTH|ACCESS|TOKEN)_)?SIGNING_(?:SECRET|KEY)$/i,
];

/**
 * Settings that hold the key a web framework signs its own session cookies (and internal tokens) with: Flask's
 * and Django's `SECRET_KEY`, Rails' `SECRET_KEY_BASE`, Auth.js's `AUTH_SECRET`, express-session's
 * `SESSION_SECRET`, cookie-parser's `COOKIE_SECRET`, Laravel's `APP_KEY`. Whoever reads it forges a session on
 * that application only: no other service reads its cookies.
 */
const SESSION_SIGNING_SETTING = [
  /^(?:DJANGO_|FLASK_)?SECRET_KEY$/i,
  /^(?:RAILS_)?SECRET_KEY_BASE$/i,
  /^(?:NEXTAUTH|AUTH|BETTER_AUTH)_SECRET$/i,
  /(?:^|_)(?:SESSION|COOKIE)_(?:SIGNING_)?(?:SECRET|KEY)S?$/i,
  /^APP_KEY$/i,
];

/** A name saying the key encrypts, guards forms or checks webhooks: it signs no one's identity. */
const NOT_IDENTITY = /(?:^|_)(?:WEBHOOK|CSRF|XSRF|ENCRYPTION|ENCRYPT|ENC|CIPHER)(?:_|$)/i;

/** A setting holding the key its service signs JWTs with (see TOKEN_SIGNING_SETTING). */
export const isTokenSigningSetting = (key: string): boolean =>
  isSecretSetting(key) && !NOT_IDENTITY.test(key) && TOKEN_SIGNING_SETTING.some((re) => re.test(key));

/** A setting holding the key a framework signs its own session cookies with (see SESSION_SIGNING_SETTING). */
export const isSessionSigningSetting = (key: string): boolean =>
  isSecretSetting(key) && !NOT_IDENTITY.test(key) && !isTokenSigningSetting(key) && SESSION_SIGNING_SETTING.some((re) => re.test(key));

/** What a literal session key lets anyone do, as the importers' notes and checks say it. */
export const SESSION_KEY_RISK = 'anyone who reads it forges a session cookie for any user of this application';

/** What a signing setting signs, its fact's tag, and what a literal of it lets anyone do. */
export interface SigningSetting {
  tag: string;
  signs: string;
  risk: string;
}

/** The signing key a setting holds (a JWT key, or a framework's session key), or undefined for any other. */
export function signingSetting(key: string): SigningSetting | undefined {
  if (isTokenSigningSetting(key)) return { tag: TOKEN_SIGNING_KEY_TAG, signs: 'its tokens', risk: SIGNING_KEY_RISK };
  if (isSessionSigningSetting(key)) return { tag: SESSION_SIGNING_KEY_TAG, signs: 'its session cookies', risk: SESSION_KEY_RISK };
  return undefined;
}

/** What a literal signing key lets anyone do, as the importers' notes and checks say it. */
export const SIGNING_KEY_RISK = 'anyone who reads it mints a token for any user';

/** The fix the importers' checks give for a literal signing key, with the secret store the platform offers. */
export const signingKeyFix = (store: string): string => `generate a random 256-bit key per deployment, load it from ${store} and rotate it`;

/**
 * A value standing for a secret rather than being one: empty; a placeholder a person is meant to replace
 * (`<password>`, `changeme`, `xxx`, `***`); a reference filled in at deploy time (`${VAR}`, `$(VAR)`,
 * `{{ .Values.x }}`); a pointer into a secret store (an ARN, a Google Secret Manager name).
 */
const PLACEHOLDER = /^$|^<[^>]*>$|^\$\{[^}]*\}$|^\$\([^)]*\)$|^\{\{.*\}\}$|^(?:changeme|change-me|change_me|todo|xxx+|\*+)$|^arn:|^(?:projects|secrets)\//i;

/** Part of the value still comes from elsewhere: a variable left unexpanded. */
const REFERENCE = /\$\{[^}]*\}|\$\([^)]*\)|\{\{.*\}\}/;

/** A file holding the secret (`certs/server.key`, `/run/secrets/db`, `classpath:keystore.p12`), not the secret. */
const FILE_REFERENCE = /^(?:\.{0,2}\/|~\/|classpath:|file:)|^[\w.-]+(?:\/[\w.-]+)*\.(?:key|pem|p12|pfx|jks|keystore|crt|cer|der|txt|json|ya?ml)$/i;

/** A switch, which no one uses as a secret. */
const SWITCH = /^(?:true|false|yes|no|on|off|enabled?|disabled?|none|null)$/i;

/**
 * A key made to be public, whatever the setting is called: Stripe's publishable keys (`pk_live_`, `pk_test_`; Laravel
 * Cashier's `STRIPE_KEY` holds one beside the secret `STRIPE_SECRET`), which browsers receive by design.
 */
const PUBLISHABLE_KEY = /^pk_(?:live|test)_/;

/** A value written as the secret itself: not a placeholder, a reference, a file's name, a switch or a publishable key. */
export function isLiteralSecret(value: string): boolean {
  const v = value.trim();
  return !PLACEHOLDER.test(v) && !REFERENCE.test(v) && !FILE_REFERENCE.test(v) && !SWITCH.test(v) && !PUBLISHABLE_KEY.test(v);
}

/** A placeholder or a reference (see PLACEHOLDER): a Kubernetes Secret's value that commits nothing. */
export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value.trim());

/** A secret written in a setting: the literal, and the user it goes with where the setting says (a URL's). */
export interface LiteralSecretValue {
  secret: string;
  user?: string;
  /** The literal is the password of a URL (`postgres://app:pw@db`), not the whole value. */
  inUrl?: boolean;
}

/**
 * `postgres://user:password@db/app`, or without a scheme (`admin:pw@mongodb:27017`): the user and password a
 * connection string carries, percent-decoded. A user alone (`git@github.com`) is no login.
 */
const URL_USERINFO = /^(?:[a-z][a-z0-9+.-]*:\/\/([^@/?#\s]*)|([^@/?#\s:]+:[^@/?#\s]*))@/i;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The user and password of a connection string, when it carries both. */
function urlLogin(value: string): { user: string; password: string } | undefined {
  const m = URL_USERINFO.exec(value.trim());
  const userinfo = m?.[1] ?? m?.[2];
  const colon = userinfo?.indexOf(':') ?? -1;
  if (userinfo === undefined || colon < 0) return undefined;
  return { user: decoded(userinfo.slice(0, colon)), password: decoded(userinfo.slice(colon + 1)) };
}

/**
 * The secret an environment setting writes in the file, or undefined: a secret's name with a literal value, or a
 * connection string with a literal password. The value is read as substituted with every variable unset:
 * `${DB_PASSWORD}` alone comes from whoever starts the container (empty), while a default written with it
 * (`${DB_PASSWORD:-postgres}`) is a literal the deployment runs with unless told otherwise.
 */
export function literalSecretSetting(setting: EnvSetting): LiteralSecretValue | undefined {
  if (setting.value === undefined) return undefined;
  if (isSecretSetting(setting.key)) return isLiteralSecret(setting.value) ? { secret: setting.value.trim() } : undefined;
  const login = urlLogin(setting.value);
  return login && isLiteralSecret(login.password) ? { secret: login.password, inUrl: true, ...(login.user ? { user: login.user } : {}) } : undefined;
}

/** Defaults and words tried first by anyone guessing: the images' examples, the tutorials' passwords. */
const COMMON = /^(?:pass(?:word)?\d*|passw0rd|p@ssw(?:o|0)rd|secret\d*|admin\d*|root|toor|postgres|mysql|mongo|redis|guest|test\d*|demo|example|default|letmein|qwerty|12345\d*)$/i;

/** Guessable: short, a common default, or the user name again. */
export function weakSecret(value: string, user?: string): boolean {
  const v = value.trim();
  return v.length < 12 || COMMON.test(v) || (user !== undefined && v.toLowerCase() === user.trim().toLowerCase());
}

/** How a report speaks of a literal secret: its length and whether it is guessable, never a character of it. */
export function maskedSecret(value: string, user?: string): string {
  const n = [...value.trim()].length;
  return `a literal of ${n} character${n === 1 ? '' : 's'}${weakSecret(value, user) ? ', guessable' : ''}`;
}

/**
 * A setting's literal secret as notes and checks speak of it (`a literal of 5 characters, guessable`; `a URL with a
 * password, a literal of...`), with the user set beside it (`DB_USER` for `DB_PASSWORD`) to tell a password that
 * repeats it.
 */
export function describeLiteral(found: LiteralSecretValue, setting: EnvSetting, env: readonly EnvSetting[]): string {
  const userKey = setting.key.replace(/(?:PASSWORD|PASSWD|PASS|PWD)$/i, 'USER');
  const user = found.user ?? (userKey !== setting.key ? env.find((x) => x.key === userKey)?.value : undefined);
  const masked = maskedSecret(found.secret, user);
  return found.inUrl ? `a URL with a password, ${masked}` : masked;
}

/**
 * A fingerprint of a credential (a user and a password), to tell whether two services log in with the same one
 * without keeping or printing either: 53 bits of two 32-bit multiplicative hashes (cyrb53), which the browser can
 * compute too (no crypto module in pure code). Equal credentials give equal fingerprints; a collision between
 * two different ones is one chance in 2^53.
 */
export function credentialFingerprint(user: string | undefined, password: string): string {
  const text = `${user ?? ''}\u0000${password}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The login a client sends with a call: its fingerprint (see credentialFingerprint) and the user, never the password. */
export interface CredentialUse {
  fingerprint: string;
  user?: string;
}

/** The value of the first setting among `keys` (any case), as the environment holds it. */
const settingNamed = (env: readonly EnvSetting[], keys: readonly string[]): EnvSetting | undefined =>
  env.find((e) => keys.includes(e.key.toUpperCase()));

/** A user name written in the file (or a default written with its variable), not one filled in at deploy time. */
const literalUser = (setting: EnvSetting | undefined): string | undefined =>
  setting?.value !== undefined && setting.value.trim() !== '' && !REFERENCE.test(setting.value) ? setting.value.trim() : undefined;

/**
 * The literal login a setting naming a host goes with: the password in its URL (`postgres://admin:pw@db`), else the
 * password and user set beside it under the same prefix (`DB_HOST` with `DB_PASSWORD` and `DB_USER`, `MONGO_HOST`
 * with `MONGO_PASSWORD`). Undefined when the password is not a literal, or the user beside it is not one: then the
 * login is not known from the files, and two services cannot be seen to share it.
 */
export function hostCredential(env: readonly EnvSetting[], hostSetting: EnvSetting): CredentialUse | undefined {
  const login = hostSetting.value === undefined ? undefined : urlLogin(hostSetting.value);
  if (login) {
    const { user, password } = login;
    return isLiteralSecret(password) ? { fingerprint: credentialFingerprint(user, password), ...(user ? { user } : {}) } : undefined;
  }
  const m = /^(.*?)_?(?:HOST|HOSTNAME|SERVER|ADDR|ADDRESS|URL|URI|DSN)$/i.exec(hostSetting.key);
  if (!m) return undefined;
  const p = m[1] === '' ? '' : `${m[1].toUpperCase()}_`;
  const password = settingNamed(env, ['PASSWORD', 'PASS', 'PASSWD', 'PWD'].map((k) => p + k));
  if (!password || !isSecretSetting(password.key) || !literalSecretSetting(password)) return undefined;
  const userSetting = settingNamed(env, ['USER', 'USERNAME', 'USER_NAME', 'LOGIN'].map((k) => p + k));
  const user = literalUser(userSetting);
  if (userSetting && user === undefined) return undefined;
  return { fingerprint: credentialFingerprint(user, password.value!.trim()), ...(user !== undefined ? { user } : {}) };
}

/** The literal login a host setting goes with (see hostCredential), as a flow's evidence carries it. */
export function credentialOf(env: readonly EnvSetting[], hostSetting: EnvSetting): { credential?: CredentialUse } {
  const credential = hostCredential(env, hostSetting);
  return credential ? { credential } : {};
}

/**
 * Whether a URL's user part reads as a login name that may be written in a model (`admin`, `app_user`), not a
 * token that some services take as the user (`https://TOKEN:x-oauth-basic@github.com`, `glpat-...`, an API key):
 * short, a letter first, and no long run of digits or mixed-case noise.
 */
export function isPlainUserName(user: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/.test(user)) return false;
  if (/^(gh[pousr]_|github_pat_|glpat-|xox[abpr]-|sk_|pk_|rk_|AKIA|ASIA|AIza)/.test(user)) return false;
  if (/\d{5,}/.test(user)) return false;
  // A name is one case or has its capitals at word starts; a key mixes them throughout.
  return (user.match(/[a-z][A-Z]/g) ?? []).length < 3;
}
