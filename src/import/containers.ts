// Facts about a container that every container format states the same way (Docker Compose now, Kubernetes
// manifests later): which technology an image is, which hosts an environment value names, whether the
// container's own settings make its clients log in with a password. Pure.
import { ELEMENT_TYPES, TECHNOLOGIES } from '../model/catalog.js';
import { lookup } from './import-common.js';
import { isSecretSetting } from './secret-values.js';

/** Image names that are not the catalogue's name for their technology. */
const IMAGE_ALIASES: Record<string, string> = {
  mongo: 'mongodb',
  postgresql: 'postgres',
  postgis: 'postgres',
  // TimescaleDB's other editions; `timescale/timescaledb` and `pgvector/pgvector` already carry the catalogue's names.
  'timescaledb-ha': 'timescaledb',
  'timescaledb-postgis': 'timescaledb',
  cockroach: 'cockroachdb',
  'mysql-server': 'mysql',
  'percona-server': 'mysql',
  httpd: 'apache',
  'cp-kafka': 'kafka',
  'pulsar-all': 'pulsar',
  'clickhouse-server': 'clickhouse',
  'victoria-metrics': 'victoriametrics',
  // MQTT brokers: the Eclipse project's image, HiveMQ's editions.
  'eclipse-mosquitto': 'mosquitto',
  hivemq4: 'hivemq',
  'hivemq-ce': 'hivemq',
  // Redis forks and bundles speak the Redis protocol.
  'redis-stack': 'redis',
  'redis-stack-server': 'redis',
  keydb: 'redis',
  'nginx-unprivileged': 'nginx',
  openresty: 'nginx',
  'azure-sql-edge': 'mssql',
  'oracle-xe': 'oracle',
  'oracle-free': 'oracle',
  'activemq-artemis': 'activemq',
  'activemq-classic': 'activemq',
  artemis: 'activemq',
  scylla: 'cassandra',
  // Docker's own registry image is called `registry`.
  registry: 'docker-registry',
  openldap: 'ldap',
  'kong-gateway': 'kong',
  golang: 'go',
  openjdk: 'java',
  'eclipse-temurin': 'java',
  amazoncorretto: 'java',
};

/** Images known by their whole repository path, where the last part alone says nothing (`mssql/server`). */
const IMAGE_PATHS: Record<string, string> = {
  'mssql/server': 'mssql',
  'dotnet/aspnet': 'dotnet',
  'dotnet/runtime': 'dotnet',
  'goauthentik/server': 'authentik',
};

/**
 * A container runs in the system, so it is never an external entity (an image called `smtp` is a relay
 * you run, not a mail provider), nor a managed cloud service (an image cannot be S3).
 */
function runsInContainer(tech: string): boolean {
  const info = lookup(TECHNOLOGIES, tech);
  return info !== undefined && ELEMENT_TYPES[info.type].kind !== 'external' && !info.traits?.includes('cloud');
}

/**
 * `docker.io/library/postgres:15-alpine@sha256:...` -> ['library', 'postgres']: the repository path
 * without registry, tag or digest. A first part with a dot or a port, or `localhost`, is a registry.
 */
export function imageRepository(image: string): string[] {
  let ref = image.trim().toLowerCase();
  const digest = ref.indexOf('@');
  if (digest >= 0) ref = ref.slice(0, digest);
  const parts = ref.split('/').filter((p) => p !== '');
  if (parts.length === 0) return [];
  const last = parts[parts.length - 1];
  const tag = last.indexOf(':');
  if (tag >= 0) parts[parts.length - 1] = last.slice(0, tag);
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  return parts.filter((p) => p !== '');
}

/** The catalogue technology an image is, when its name says so exactly (`mongo-express` is not MongoDB). */
export function imageTech(image: string): string | undefined {
  const parts = imageRepository(image);
  if (parts.length === 0) return undefined;
  const lastTwo = parts.slice(-2).join('/');
  const name = parts[parts.length - 1];
  const tech = lookup(IMAGE_PATHS, lastTwo) ?? lookup(IMAGE_ALIASES, name) ?? name;
  return runsInContainer(tech) ? tech : undefined;
}

/**
 * Images that serve one protocol the catalogue has no technology for, by the last part of their name: an SSH
 * server answers SSH on whatever port it is given (linuxserver's listens on 2222, which says nothing).
 */
const IMAGE_PROTOCOLS: Record<string, string> = {
  'openssh-server': 'ssh',
  openssh: 'ssh',
  sshd: 'ssh',
  'ssh-server': 'ssh',
};

/** The protocol an image serves, when its name says so and it is no catalogue technology. */
export function imageProtocol(image: string): string | undefined {
  const parts = imageRepository(image);
  return parts.length ? lookup(IMAGE_PROTOCOLS, parts[parts.length - 1]) : undefined;
}

/**
 * Where an SSH server's configuration switches password login off, by line (1-based) and what it says: the first
 * value of each keyword counts, as sshd reads it, and a `Match` block (conditional) ends what applies to everyone.
 * `AuthenticationMethods publickey` says keys only outright; `PasswordAuthentication no` does unless PAM may still
 * ask for the password (`UsePAM yes` with keyboard-interactive not switched off). Undefined when the file leaves
 * password login as it is.
 */
export function sshdKeyOnly(text: string): { line: number; says: string } | undefined {
  const first = new Map<string, { value: string; line: number; says: string }>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*([A-Za-z]+)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(lines[i].replace(/#.*$/, ''));
    if (!m) continue;
    const key = m[1].toLowerCase();
    if (key === 'match') break;
    if (!first.has(key)) first.set(key, { value: m[2].replace(/^"(.*)"$/, '$1').toLowerCase(), line: i + 1, says: `${m[1]} ${m[2]}` });
  }
  const methods = first.get('authenticationmethods');
  if (methods && methods.value.split(/\s+/).every((list) => list.split(',').every((method) => method === 'publickey'))) return { line: methods.line, says: methods.says };
  const password = first.get('passwordauthentication');
  if (password?.value !== 'no') return undefined;
  const kbd = first.get('kbdinteractiveauthentication') ?? first.get('challengeresponseauthentication');
  const pamAsks = first.get('usepam')?.value === 'yes' && kbd?.value !== 'no';
  return pamAsks ? undefined : { line: password.line, says: password.says };
}

/** Where sshd reads its configuration in a container: the file, or a drop-in the usual main file includes. */
export const SSHD_CONFIG_PATH = /^\/etc\/ssh\/(?:sshd_config|sshd_config\.d\/[^/]+\.conf)$/;

/**
 * linuxserver's SSH server (`PASSWORD_ACCESS`): whether a setting switches password login off, by the setting.
 * `PASSWORD_ACCESS=false` says so; so does a key the image installs (`PUBLIC_KEY`, `PUBLIC_KEY_FILE`...) on that
 * image, whose password login stays off unless `PASSWORD_ACCESS` is true. Undefined when no setting says so.
 */
export function sshPasswordOff(image: string | undefined, env: readonly EnvSetting[]): { setting: EnvSetting; says: string } | undefined {
  const access = env.find((e) => e.key === 'PASSWORD_ACCESS');
  if (access?.value !== undefined && /^(?:false|no|0)$/i.test(access.value.trim())) return { setting: access, says: `PASSWORD_ACCESS=${access.value.trim()}` };
  // Any other value, or one the shell of whoever starts it gives, may switch password login on.
  if (access || image === undefined || imageRepository(image).slice(-2).join('/') !== 'linuxserver/openssh-server') return undefined;
  const key = env.find((e) => /^PUBLIC_KEY(?:_FILE|_DIR|_URL)?$/.test(e.key) && (e.raw ?? e.value ?? '').trim() !== '');
  return key && { setting: key, says: `${key.key} set: keys only, as PASSWORD_ACCESS is not true` };
}

/** linuxserver's SSH server lets clients log in with a password when PASSWORD_ACCESS is true (keys only otherwise). */
export function sshPasswordLogin(env: readonly EnvSetting[]): { setting: EnvSetting; says: string } | undefined {
  const on = env.find((e) => e.key === 'PASSWORD_ACCESS' && /^(?:true|yes|1)$/i.test(e.value?.trim() ?? ''));
  return on && { setting: on, says: `PASSWORD_ACCESS=${on.value!.trim()}` };
}

/** A host named in a setting, with what the setting says about the connection. */
export interface HostMention {
  /** As written; names are matched without regard to case, as DNS does. */
  host: string;
  port?: number;
  scheme?: string;
  /** The URL's path, query and parameters, for TLS switches (`?sslmode=require`). */
  query?: string;
  /** The value holds a password (`user:secret@host`). */
  credentials: boolean;
}

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const URL_START = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#;]*)(.*)$/s;

function parsePort(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** `user:secret@host:port` -> the host and port, and whether a password came with them. */
function hostAndPort(authority: string): { host: string; port?: number; credentials: boolean } | undefined {
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : '';
  const rest = at >= 0 ? authority.slice(at + 1) : authority;
  const colon = userinfo.indexOf(':');
  const credentials = colon >= 0 && colon < userinfo.length - 1;
  // IPv6 literals name no service.
  if (rest.startsWith('[')) return undefined;
  const parts = rest.split(':');
  if (parts.length > 2) return undefined;
  const port = parsePort(parts[1]);
  if (port === null || !HOST.test(parts[0]) || !/[A-Za-z]/.test(parts[0])) return undefined;
  return port === undefined ? { host: parts[0], credentials } : { host: parts[0], port, credentials };
}

/**
 * Settings whose bare value is a name of something else than a host: a database, a user, a schema
 * (`POSTGRES_DB=app`, `POSTGRES_USER=app` name a database and its owner, even when a service is called `app`).
 */
const NAME_KEY = /(?:_DB|(?:^|_)(?:DATABASE|DBNAME|DB_NAME|USER|USERNAME|LOGIN|OWNER|NAME|SCHEMA|TABLE|COLLECTION|INDEX|BUCKET|NAMESPACE|REALM|ROLE|GROUP|ENV|ENVIRONMENT|PROFILE|MODE|LEVEL|REGION|ZONE|CLUSTER))$/i;

/**
 * Settings whose addresses are no calls the container makes: its own public address (`PUBLIC_URL`, `SITE_URL`,
 * `APP_URL`, `NEXTAUTH_URL`, Grafana's `GF_SERVER_ROOT_URL`, `VIRTUAL_HOST`, `HOSTNAME`), where it sends browsers
 * (`FRONTEND_URL`, `CLIENT_URL`, `OAUTH_CALLBACK_URL`, `REDIRECT_URIS`), links it shows people (`LOGO_URL`,
 * `DOCS_URL`, `PRIVACY_POLICY_URL`), who may call it (`CORS_ORIGINS`, `ALLOWED_HOSTS`,
 * `CSRF_TRUSTED_ORIGINS`), the hosts it reaches without its proxy (`NO_PROXY`), and URIs that name rather than
 * locate (`JWT_AUDIENCE`, `SAML_ENTITY_ID`). Read as calls, they drew the service calling itself, its own users'
 * browsers or every internal service.
 */
const NOT_A_CALL = new RegExp([
  '^(?:HOSTNAME|DOMAIN|SERVER_NAME|ORIGIN)$',
  '|(?:^|_)(?:CORS(?:_[A-Z]+)*|(?:ALLOW|ALLOWED|TRUSTED)_(?:HOSTS?|ORIGINS?|DOMAINS?))$',
  '|(?:^|_)(?:REDIRECT|CALLBACK|RETURN)_UR[IL]S?$',
  '|(?:^|_)(?:PUBLIC|SITE|APP|EXTERNAL|ROOT|SELF|CANONICAL|FRONTEND|NEXTAUTH|WEB|WEBAPP|CLIENT)_URL$',
  // Links the service shows or mails to people, fetched by their browsers if at all.
  '|(?:^|_)(?:LOGO|ICON|FAVICON|DOCS|DOCUMENTATION|HELP|SUPPORT|TERMS|TOS|PRIVACY(?:_POLICY)?|HOMEPAGE|STATUS_PAGE|CONTACT|FEEDBACK)_URL$',
  '|(?:^|_)(?:VIRTUAL|LETSENCRYPT)_HOST$|(?:^|_)(?:PUBLIC|EXTERNAL)_(?:HOST|HOSTNAME|DOMAIN)$',
  // The hosts reached without the proxy: internal ones the service may or may not call.
  '|(?:^|_)NO_PROXY$',
  // Names, not addresses: the audience a token is for (the service itself), a SAML entity.
  '|(?:^|_)(?:AUDIENCE|ENTITY_ID)$',
].join(''), 'i');

/** Whether a setting's addresses are something else than calls the container makes (see NOT_A_CALL). */
export const notACall = (key: string): boolean => NOT_A_CALL.test(key);

/**
 * The hosts an environment value names: a bare name (`db`), `host:port`, a comma-separated list of them
 * (`kafka1:9092,kafka2:9092`), a URL (`postgres://user:pw@db:5432/app`, `mongodb://a,b/x`, a `jdbc:` URL, a
 * gRPC target `dns:///orders:50051`), or a list of any of these in brackets (Kibana's
 * `ELASTICSEARCH_HOSTS=["http://es01:9200"]`) or of URLs between spaces. Other values with spaces are prose,
 * not addresses; a bare name under a key that names a database, user or the like (`POSTGRES_DB`) is that name,
 * not a host. Whether a name is a service is for the caller to say.
 */
export function hostMentions(value: string, key = ''): HostMention[] {
  const text = value.trim().replace(/^jdbc:/i, '');
  const items = listItems(text);
  if (items !== undefined) return items.flatMap((item) => hostMentions(item, key));
  const url = URL_START.exec(text);
  if (url) {
    const [, scheme, authority, tail] = url;
    // gRPC's name syntax: `dns:[//dns-server]/host:port`, the host in the path.
    if (/^dns$/i.test(scheme)) {
      const hp = hostAndPort(tail.replace(/^\//, '').split('/')[0]);
      return hp ? [{ ...hp, scheme: 'grpc' }] : [];
    }
    return authority.split(',').flatMap((part) => {
      const hp = hostAndPort(part);
      return hp ? [{ ...hp, scheme, ...(tail ? { query: tail } : {}) }] : [];
    });
  }
  if (text === '' || /\s/.test(text) || (NAME_KEY.test(key) && !text.includes(':'))) return [];
  return text.split(',').flatMap((part) => {
    // `mongodb:27017/test`: a path after the address is allowed, as in a URL.
    const hp = hostAndPort(part.trim().split('/')[0]);
    return hp ? [hp] : [];
  });
}

/** An address a command line gives a container, as commandAddresses reads it. */
export interface CommandAddress {
  /** The flag as a variable name (`REDIS_HOST`, `BROKER`), which hostMentions and the outside services read as they read an environment variable's name; '' for a URL on its own. */
  key: string;
  value: string;
  line: number;
  /** The flag as written (`--broker`), when the address follows one. */
  flag?: string;
}

/** Command-line flags named for an address, as variable names (`REDIS_HOST`, `DATABASE_URL`, `BROKER`). */
const ADDRESS_FLAG = /(?:^|_)(?:HOST|HOSTNAME|URL|URI|ADDR|ADDRESS|ENDPOINT|SERVER|BROKERS?|DSN)S?$/;
/** A word that is a URL with a host (`postgres://db:5432/app`, `http://api`). */
const URL_WORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/]/;

/**
 * The addresses a command line gives a container: a flag named for an address with its value (`--redis-host redis`,
 * `--broker=amqp://rabbitmq`), or a URL on its own. Other flags are left alone (`--workers=4` names no host), and so
 * are flags named for secrets.
 */
export function commandAddresses(words: ReadonlyArray<{ text: string; line: number }>): CommandAddress[] {
  const out: CommandAddress[] = [];
  for (const [i, word] of words.entries()) {
    const joined = /^--?([A-Za-z][A-Za-z0-9_.-]*)=(.+)$/.exec(word.text);
    const flag = joined?.[1] ?? /^--?([A-Za-z][A-Za-z0-9_.-]*)$/.exec(word.text)?.[1];
    const next = words[i + 1];
    const value = joined?.[2] ?? (flag !== undefined && next !== undefined && !next.text.startsWith('-') ? next : undefined);
    if (flag !== undefined && value !== undefined) {
      const key = flag.replace(/[-.]/g, '_').toUpperCase();
      if (!ADDRESS_FLAG.test(key) || isSecretSetting(key) || notACall(key)) continue;
      out.push(typeof value === 'string' ? { key, value, line: word.line, flag: word.text.slice(0, word.text.indexOf('=')) } : { key, value: value.text, line: value.line, flag: word.text });
    } else if (URL_WORD.test(word.text) && (i === 0 || !/^--?[A-Za-z]/.test(words[i - 1].text) || words[i - 1].text.includes('='))) {
      out.push({ key: '', value: word.text, line: word.line });
    }
  }
  return out;
}

/**
 * The items of a list of addresses written in one value: in brackets, separated by commas, each perhaps quoted
 * (`["http://es01:9200", "http://es02:9200"]`), or URLs separated by spaces. Undefined for anything else.
 */
function listItems(text: string): string[] | undefined {
  const bracketed = /^\[(.*)\]$/s.exec(text);
  if (bracketed) return bracketed[1].split(',').map((item) => item.trim().replace(/^(["'])(.*)\1$/s, '$2').trim()).filter((item) => item !== '');
  if (!/\s/.test(text)) return undefined;
  const words = text.split(/[\s,]+/).filter((word) => word !== '');
  return words.every((word) => URL_START.test(word)) ? words : undefined;
}

/** One environment variable as a container sets it. */
export interface EnvSetting {
  key: string;
  /** The env file it comes from (Compose's `env_file`), or the ConfigMap's file, when not the file being read. */
  file?: string;
  /** Where the value was taken from, for notes: `ConfigMap app-config`. */
  from?: string;
  /** Undefined when the value comes from the environment of whoever starts the container. */
  value?: string;
  /** The value before variables were substituted: `${DB_PASSWORD}` still sets a password. */
  raw?: string;
  line: number;
  /** The line the value is written on, when not `line` (a Kubernetes env item's `value:` under its `name:`). */
  valueLine?: number;
}

const PASSWORD_KEY = /(?:^|_)(?:PASSWORD|PASSWD|PASS)(?:_FILE)?$/i;
/** Settings that turn passwords off, whatever else is set (bitnami's images, MySQL, PostgreSQL). */
const NO_PASSWORD: ReadonlyArray<[RegExp, RegExp]> = [
  [/(?:^|_)ALLOW_EMPTY(?:_ROOT)?_PASSWORD$/i, /^(?:yes|true|1)$/i],
  [/^POSTGRES_HOST_AUTH_METHOD$/i, /^trust$/i],
];

/**
 * The setting by which a server container makes its clients log in with a password (`POSTGRES_PASSWORD`,
 * `MYSQL_ROOT_PASSWORD`, `RABBITMQ_DEFAULT_PASS`...), or undefined. Only meaningful for servers: in an
 * application's environment a `*_PASSWORD` is the password it uses to call something else.
 */
export function passwordSetting(env: readonly EnvSetting[]): EnvSetting | undefined {
  const off = env.some((e) => e.value !== undefined && NO_PASSWORD.some(([key, value]) => key.test(e.key) && value.test(e.value!.trim())));
  if (off) return undefined;
  return env.find((e) => PASSWORD_KEY.test(e.key) && !/ALLOW_EMPTY/i.test(e.key) && (e.raw ?? e.value ?? 'x') !== '');
}

/** A Redis server started with `--requirepass` asks every client for that password. */
export const commandRequiresPassword = (args: readonly string[]): boolean =>
  args.some((a) => /(?:^|\s)--requirepass(?:\s|=|$)/.test(a));

/**
 * `MAILHOG_HOST=mailhog` with `MAILHOG_PORT=1025` in the same environment: the port completes the address,
 * and may name the protocol (1025 is SMTP) when the target's image does not.
 */
export function companionPort(env: readonly EnvSetting[], key: string): number | undefined {
  const m = /^(.*?)_?(?:HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$/i.exec(key);
  if (!m) return undefined;
  const portKey = m[1] === '' ? 'PORT' : `${m[1]}_PORT`;
  const value = env.find((e) => e.key.toUpperCase() === portKey.toUpperCase())?.value?.trim();
  return value !== undefined && /^\d{1,5}$/.test(value) && Number(value) <= 65535 ? Number(value) : undefined;
}

/** Where a debugger listens: on every interface, on the loopback address only, or where the runtime's version decides. */
export type DebuggerBind = 'all' | 'loopback' | 'unknown';

/** A remote debugger a container starts, from its command line or the environment its runtime reads. */
export interface DebuggerListener {
  /** `the Node.js inspector`, `JDWP`... */
  tool: string;
  port: number;
  bind: DebuggerBind;
  /** The words that start it, as written (`--inspect=0.0.0.0`), and where: `entrypoint`, `command`, `env NODE_OPTIONS`. */
  setting: string;
  where: string;
}

/** Variables a runtime reads its own options from. */
const RUNTIME_OPTIONS = /^(?:NODE_OPTIONS|JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS|JAVA_OPTS|CATALINA_OPTS)$/;

function bindOf(host: string | undefined, missing: DebuggerBind): DebuggerBind {
  if (host === undefined || host === '') return missing;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h) ? 'loopback' : 'all';
}

/** `[host:]port` -> its parts; the host may be `[::]`. */
function hostPort(text: string): { host?: string; port?: number } {
  const m = /^(?:(\[[^\]]*\]|[^:]*):)?(\d{1,5})$/.exec(text);
  if (m) return { ...(m[1] !== undefined ? { host: m[1] } : {}), port: Number(m[2]) };
  return { host: text };
}

const inRange = (port: number | undefined): port is number => port !== undefined && port > 0 && port <= 65535;

/** The debugger the word at `i` of a command line starts, if any (some tools need the words around it). */
function debuggerWord(word: string, words: readonly string[], i: number): Omit<DebuggerListener, 'where'> | undefined {
  // Node.js: --inspect[=[host:]port] (and -brk, -wait); the default is 127.0.0.1:9229.
  let m = /^--inspect(?:-brk|-wait)?(?:=(.+))?$/.exec(word);
  if (m) {
    const { host, port } = m[1] === undefined ? {} : hostPort(m[1]);
    return { tool: 'the Node.js inspector', port: port ?? 9229, bind: bindOf(host, 'loopback'), setting: word };
  }
  // JDWP: -agentlib:jdwp=...,server=y,address=[host:]port (-Xrunjdwp: too). A bare port is the loopback
  // address since JDK 9 and every interface before it.
  m = /^-(?:agentlib:jdwp=|Xrunjdwp:)(.*)$/.exec(word);
  if (m) {
    const options = new Map(m[1].split(',').map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)] as [string, string]));
    if (options.get('server') !== 'y') return undefined;
    const { host, port } = hostPort(options.get('address') ?? '');
    if (!inRange(port)) return undefined;
    return { tool: 'JDWP (the Java debugger)', port, bind: host === '*' ? 'all' : bindOf(host, 'unknown'), setting: word };
  }
  // debugpy: python -m debugpy --listen [host:]port; the default host is 127.0.0.1.
  if (word === '--listen' && words.slice(0, i).some((w) => /(?:^|[/.])debugpy$/.test(w))) {
    const { host, port } = hostPort(words[i + 1] ?? '');
    if (!inRange(port)) return undefined;
    return { tool: 'debugpy (the Python debugger)', port, bind: bindOf(host, 'loopback'), setting: `--listen ${words[i + 1]}` };
  }
  // Delve: dlv --headless --listen=[host]:port (`:2345` is every interface).
  m = /^--listen=(.*)$/.exec(word);
  if (m && words.some((w) => /(?:^|\/)dlv$/.test(w))) {
    const { host, port } = hostPort(m[1]);
    if (!inRange(port)) return undefined;
    return { tool: 'Delve (the Go debugger)', port, bind: host === '' ? 'all' : bindOf(host, 'loopback'), setting: word };
  }
  // Chromium: --remote-debugging-port with --remote-debugging-address (default 127.0.0.1).
  m = /^--remote-debugging-port=(\d{1,5})$/.exec(word);
  if (m && inRange(Number(m[1]))) {
    const address = words.map((w) => /^--remote-debugging-address=(.*)$/.exec(w)?.[1]).find((a) => a !== undefined);
    return { tool: 'the Chrome DevTools protocol', port: Number(m[1]), bind: bindOf(address, 'loopback'), setting: word };
  }
  return undefined;
}

/** A command line's words: list items as given, a shell string split on blanks with its quotes dropped. */
const wordsOf = (args: readonly string[]): string[] =>
  args.flatMap((a) => a.split(/\s+/)).map((w) => w.replace(/^(['"])(.*)\1$/, '$2')).filter((w) => w !== '');

/**
 * The remote debugger a container starts, from its command line (`where` names it: `command`,
 * `entrypoint`) or from the variables its runtime reads (NODE_OPTIONS, JAVA_TOOL_OPTIONS...), or undefined.
 */
export function debuggerListener(commandLines: ReadonlyArray<{ where: string; args: readonly string[] }>, env: readonly EnvSetting[]): DebuggerListener | undefined {
  const options = env.filter((e) => RUNTIME_OPTIONS.test(e.key) && e.value !== undefined).map((e) => ({ where: `env ${e.key}`, args: [e.value!] }));
  for (const { where, args } of [...commandLines, ...options]) {
    const words = wordsOf(args);
    for (let i = 0; i < words.length; i++) {
      const found = debuggerWord(words[i], words, i);
      if (found) return { ...found, where };
    }
  }
  return undefined;
}

/** How a debugger's listening address reads in a note. */
export function debuggerNote(d: DebuggerListener): string {
  return `${d.tool} (${d.where} ${d.setting})`;
}

/**
 * A published port's evidence, as the debugger it reaches when it forwards to the debugger's port and the
 * debugger listens beyond the container's loopback address (a port forwarded to a loopback listener
 * reaches nothing).
 */
export function withDebugger<E extends { targetPort?: number; protocol?: string; provenance: { note?: string } }>(evidence: E, d: DebuggerListener | undefined): E {
  if (d === undefined || evidence.targetPort !== d.port) return evidence;
  const note = evidence.provenance.note;
  if (d.bind === 'loopback') {
    return { ...evidence, provenance: { ...evidence.provenance, note: `${note ? `${note}; ` : ''}${debuggerNote(d)} listens on the container's loopback address only: this port reaches nothing` } };
  }
  return { ...evidence, protocol: 'debugger', provenance: { ...evidence.provenance, note: `${note ? `${note}; ` : ''}${debuggerNote(d)}` } };
}

// --- What a container's settings switch off -------------------------------------------------------------

/** Host paths that hand a container the host: the container runtime's socket, or the host's root. */
export const HOST_CONTROL = /(?:^|\/)(?:docker|containerd|crio|cri-dockerd|podman)\.sock$|^\/(?:var\/)?run\/?$|^\/run\/containerd\/?$|^\/$/;

/**
 * Capabilities that alone let a root process leave its container: SYS_ADMIN (mounts, cgroups release agents),
 * SYS_MODULE (kernel modules), DAC_READ_SEARCH (open_by_handle_at reads the host's files), ALL.
 */
const ESCAPE_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'DAC_READ_SEARCH']);

/**
 * Whether an added capability hands the container its host, given the host namespaces it shares: SYS_PTRACE
 * reaches the host's processes only in the host's PID namespace, NET_ADMIN the host's network only on it.
 */
export function escapeCapability(cap: string, shares: { pid?: boolean; network?: boolean } = {}): string | undefined {
  const name = cap.trim().toUpperCase().replace(/^CAP_/, '');
  if (ESCAPE_CAPABILITIES.has(name)) return name;
  if ((name === 'SYS_PTRACE' && shares.pid) || (name === 'NET_ADMIN' && shares.network)) return name;
  return undefined;
}

/** A user that is root: by name, or uid 0 (`0`, `0:0`, `root:root`). */
export const isRootUser = (user: string): boolean => /^(?:root|0)(?::.*)?$/.test(user.trim());

/** How a container lets its clients in without credentials, with the setting that says so. */
export interface AuthOff {
  /** The environment setting that says so; undefined when the command line or the image's defaults do. */
  setting?: EnvSetting;
  /** What it means, in a few words: `POSTGRES_HOST_AUTH_METHOD=trust: ...`. */
  says: string;
}

const truthy = (value: string | undefined): boolean => /^(?:yes|true|1)$/i.test(value?.trim() ?? '');

const hasValue = (e: EnvSetting): boolean => (e.raw ?? e.value ?? 'x') !== '';

/** The official images whose build (and entrypoint) turn protected mode off: Docker publishes ports only when asked. */
const STOCK_REDIS: Record<string, string> = { redis: 'Redis', 'valkey/valkey': 'Valkey' };

/**
 * Why the official Redis or Valkey image, started as it ships, answers every client: no password setting (the
 * caller has checked --requirepass and *_PASSWORD), no ACL (`--aclfile`, `--user`), no config file (which may set
 * `requirepass` or `protected-mode`), no `--protected-mode yes`, and a command line that is the server's own (an
 * unknown script may start it otherwise). Undefined when any of that is unknown or says otherwise; bitnami's
 * images refuse to start without a password unless ALLOW_EMPTY_PASSWORD says so (read by authOff).
 */
function stockRedisOpen(image: string | undefined, words: readonly string[], envComplete: boolean): string | undefined {
  const repository = image === undefined ? '' : imageRepository(image).join('/').replace(/^library\//, '');
  const server = lookup(STOCK_REDIS, repository);
  if (server === undefined || !envComplete) return undefined;
  const serverCommand = words.length === 0 || words[0].startsWith('-') || words.some((w) => /(?:^|\/)(?:redis|valkey)-server$/.test(w.replace(/^['"]|['"]$/g, '')));
  const configured = words.some((w) => /^--(?:aclfile|user|protected-mode=yes)$|^--(?:aclfile|user)=|\.conf['"]?$/.test(w))
    || words.some((w, i) => w === '--protected-mode' && words[i + 1] === 'yes');
  if (!serverCommand || configured) return undefined;
  return `image ${repository} with no password, ACL or config file: the official image turns protected mode off, so ${server} answers every client without a password`;
}

/**
 * A database or cache whose own settings let every client in without a password: PostgreSQL's `trust`, MySQL's
 * or MariaDB's empty root password, bitnami's ALLOW_EMPTY_PASSWORD with no password set, Redis (or its fork Valkey)
 * without protected mode or a password (the official images ship with it off: a stock `image: redis` is open), the
 * official MongoDB image with no root user (it then starts without access control).
 * `envComplete`: every variable is known (no env file or secret left unread), which an absence needs.
 */
export function authOff(tech: string | undefined, image: string | undefined, env: readonly EnvSetting[], args: readonly string[], envComplete: boolean): AuthOff | undefined {
  const set = (re: RegExp) => env.find((e) => re.test(e.key));
  const trust = env.find((e) => /^POSTGRES_HOST_AUTH_METHOD$/i.test(e.key) && /^trust$/i.test(e.value?.trim() ?? ''));
  if (trust) return { setting: trust, says: 'POSTGRES_HOST_AUTH_METHOD=trust: PostgreSQL lets every client in without checking a password' };
  const emptyRoot = env.find((e) => /^(?:MYSQL|MARIADB)_ALLOW_EMPTY(?:_ROOT)?_PASSWORD$/i.test(e.key) && truthy(e.value));
  if (emptyRoot) return { setting: emptyRoot, says: `${emptyRoot.key}=${emptyRoot.value!.trim()}: root logs in without a password` };
  const passwords = env.filter((e) => /(?:^|_)(?:PASSWORD|PASS)(?:_FILE)?$/i.test(e.key) && !/ALLOW_EMPTY/i.test(e.key) && hasValue(e));
  const emptyAllowed = env.find((e) => /^ALLOW_EMPTY_PASSWORD$/i.test(e.key) && truthy(e.value));
  if (emptyAllowed && passwords.length === 0) return { setting: emptyAllowed, says: `ALLOW_EMPTY_PASSWORD=${emptyAllowed.value!.trim()} and no password set: clients log in without one` };
  const words = args.flatMap((a) => a.split(/\s+/)).filter((w) => w !== '');
  if ((tech === 'redis' || tech === 'valkey') && !commandRequiresPassword(args) && passwords.length === 0) {
    const i = words.findIndex((w) => /^--protected-mode(?:=no)?$/.test(w));
    const server = tech === 'valkey' ? 'Valkey' : 'Redis';
    if (i >= 0 && (words[i].endsWith('=no') || words[i + 1] === 'no')) return { says: `--protected-mode no without --requirepass: ${server} answers every client without a password` };
    const stock = stockRedisOpen(image, words, envComplete);
    if (stock) return { says: stock };
  }
  const official = image !== undefined && imageRepository(image).join('/').replace(/^library\//, '') === 'mongo';
  if (official && envComplete && !set(/^MONGO_INITDB_ROOT_(?:USERNAME|PASSWORD)(?:_FILE)?$/i) && !words.some((w) => /^--(?:auth|keyFile|config)(?:=|$)|^-f$/.test(w))) {
    return { says: 'no MONGO_INITDB_ROOT_USERNAME/PASSWORD and no --auth: MongoDB starts without access control' };
  }
  return undefined;
}

/**
 * The first setting that puts a secret in the container's environment: a secret's own variable with a value
 * (written, or passed from whoever starts it), or a URL with a password. `*_FILE` settings name a file (a
 * Docker secret's `/run/secrets/...`), switches such as ALLOW_EMPTY_PASSWORD hold none.
 */
export function environmentSecret(env: readonly EnvSetting[]): EnvSetting | undefined {
  return env.find((e) => {
    if (/_FILE$/i.test(e.key) || /ALLOW_EMPTY|_(?:LENGTH|ALGORITHM|ALG|ID|NAME|PATH|TYPE)$/i.test(e.key)) return false;
    if (isSecretSetting(e.key)) return hasValue(e);
    return e.value !== undefined && hostMentions(e.value, e.key).some((m) => m.credentials);
  });
}

/** A `*_FILE` setting pointing into `/run/secrets`, where Docker and Swarm mount secrets. */
export const secretFileSetting = (env: readonly EnvSetting[]): EnvSetting | undefined =>
  env.find((e) => /_FILE$/i.test(e.key) && /^\/run\/secrets\/./.test(e.value?.trim() ?? ''));
