// Docker Compose files -> a Draft: each runtime service an element, published ports calls from outside,
// and a flow wherever a service names another (depends_on, links, an environment value holding its host
// name), a Traefik router routes to it (its labels, or the files of Traefik's file provider) or an nginx
// configuration a service mounts sends requests to it. Compose files say what runs and who connects to whom; what
// they cannot say (assets, authentication, controls, trust) the header of the drafted model asks the reader to add.
// Pure: the caller reads the file and passes its text.
import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { type AuthMethod, type Control, TECHNOLOGIES } from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic, ModelPath } from '../model/types.js';
import {
  authOff, commandAddresses, commandRequiresPassword, companionPort, type DebuggerListener, debuggerListener, debuggerNote, environmentSecret, type EnvSetting, escapeCapability,
  HOST_CONTROL, hostMentions, imageProtocol, imageTech, isRootUser, notACall, passwordSetting, secretFileSetting, sshdKeyOnly, SSHD_CONFIG_PATH, sshPasswordLogin, sshPasswordOff, withDebugger,
} from './containers.js';
import { configAddresses } from './config-addresses.js';
import { nginxServerNames } from './nginx-config.js';
import { type BuildReading, type DependencyFinding, isManifest, readBuildContext } from './dependencies.js';
import {
  addBoundary, addControls, addElement, addEvidence, addOutsideCaller, addOutsideServices, checkLine, type Draft, type DraftCheck, emptyDraft, endsInCommonTld, type FlowEvidence,
  addFacts, type DraftElement, type DraftFact, type DraftFlow, type HostReference, type Identity, isAddressSetting, kindOf, namesAFile, type Provenance, resolveReferences, reviewLimits, ROUTE_PATH, settleFlows,
} from './draft.js';
import { lookup } from './import-common.js';
import { folderOf, joinPath } from './repo-path.js';
import { credentialOf, describeLiteral, isSecretSetting, literalSecretSetting, signingKeyFix, type SigningSetting, signingSetting } from './secret-values.js';
import { portProtocol } from './protocols.js';
import { flattenToml, parseToml } from './traefik-toml.js';
import { describeNode, type Entry, YamlSource } from './yaml-source.js';

export interface ComposeOptions {
  /** Profiles to include, as `docker compose --profile` does; `*` includes every profile. */
  profiles?: readonly string[];
  /** The project's name when the file has no `name:`: Compose uses the name of the file's folder. */
  project?: string;
  /**
   * Reads a service's `env_file` (the path as written, relative to the compose file's folder): its text and
   * the name to cite it by, or undefined when it is missing or may not be read. Without it env files are noted,
   * not read.
   */
  readEnvFile?: (path: string) => { text: string; file: string } | undefined;
  /**
   * Reads a file of the repository that a service mounts or that sits beside the compose file (Traefik's or nginx's
   * configuration, an sshd_config), by its path as written, relative to the compose file's folder: its text and the
   * name to cite it by, or undefined when it is missing or may not be read. Without it such files are not read.
   */
  readFile?: (path: string) => { text: string; file: string } | undefined;
  /** The names of the files in a folder of the repository (relative to the compose file's folder), or undefined when there is none. */
  listFolder?: (path: string) => string[] | undefined;
  /**
   * What the repository does with a file a top-level secret reads (`file: ./secrets/db.txt`, relative to the compose
   * file's folder): the name to cite it by and whether `.gitignore` keeps it out; undefined when it is not there
   * (or outside the folder searched). Without it secret files are not checked.
   */
  secretFile?: (path: string) => { file: string; ignored: boolean } | undefined;
  /**
   * The `.env` beside the compose file, when the repository holds it (there, and not git-ignored): its text and the
   * name to cite it by. Compose takes variables from it; without it every variable is unset.
   */
  projectEnv?: { text: string; file: string };
}

export interface ComposeResult {
  draft: Draft;
  diagnostics: Diagnostic[];
  /** The project the file belongs to (its boundary). */
  project: string;
  /** The file names its project (`name:`), rather than taking its folder's name. */
  projectStated: boolean;
  /** Every profile the file names, so that a --profile naming none can be reported. */
  profiles: string[];
  /** What the file states that a reviewer must act on (a database open to every client), in file order, for the summary's `check:` lines. */
  checks: DraftCheck[];
  /** Services built from a folder of the repository whose dependency manifests were read, in file order, for the summary. */
  builds: BuiltService[];
}

/** What the manifests of a service's build context said (see readBuildContext). */
export interface BuiltService {
  service: string;
  /** The manifests read (and the Dockerfile, when its base image gave the technology), as cited. */
  read: string[];
  findings: DependencyFinding[];
}

/** How the manifests a build context holds are listed among the draft's sources. */
export const MANIFEST_FORMAT = 'dependency manifest';

export const COMPOSE_FORMAT = 'Docker Compose';
/** How the Traefik configuration files a compose file leads to are listed among the draft's sources. */
export const TRAEFIK_FORMAT = 'Traefik configuration';

/** How the nginx configuration files the compose services mount are listed among the draft's sources. */
export const NGINX_FORMAT = 'nginx configuration';

/** What a compose file cannot say, for the drafted model's header. */
export const COMPOSE_LIMITS: readonly string[] = reviewLimits(
  'Compose files say what runs and who connects to whom. They cannot say, so add:',
  [
    '  trust: each Compose project is one internal boundary, and published ports are calls from',
    '    untrusted outside clients (from local clients on this host when bound to 127.0.0.1);',
    '    networks are not trust boundaries by themselves',
  ],
  ['Variables take their values from the .env beside the compose file when the repository holds it (not git-ignored; its secrets only where `environment:` takes them), and are otherwise unset (`${VAR:-default}` gives its default; the shell is never read); env_file files are read, never their secrets.'],
);

/** Top-level keys of the Compose specification: a file with none of them is something else. */
const COMPOSE_KEYS = new Set(['version', 'name', 'services', 'networks', 'volumes', 'configs', 'secrets', 'include', 'models']);

// --- Variables ---------------------------------------------------------------------------------------

const VARIABLE_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const MAX_NESTING = 16;

/** The index of the `}` closing a `${` whose body starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let level = 0;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '$' && text[j + 1] === '{') {
      level++;
      j++;
    } else if (text[j] === '}') {
      if (level === 0) return j;
      level--;
    }
  }
  return -1;
}

/** A variable of the project's `.env`: its value and the line that sets it, for the notes that cite it. */
export interface ProjectVariable {
  value: string;
  file: string;
  line: number;
}

/** The variables substitution takes values from, by name; a name not there is unset. */
export type Variables = ReadonlyMap<string, ProjectVariable>;

const NO_VARIABLES: Variables = new Map();

/** What substitution reads: the variables, and the names of those that decided the text (their notes cite them). */
interface Scope {
  vars: Variables;
  used?: Set<string>;
}

/**
 * `${VAR}` and its forms, as Compose reads them: `${VAR:-d}` gives the default when VAR is unset or empty, `${VAR-d}`
 * when unset; `${VAR:+alt}` the alternative when set and not empty, `${VAR+alt}` when set; `${VAR:?err}` and
 * `${VAR?err}` the value (where Compose would stop, the value reads as empty).
 */
function substitute(body: string, scope: Scope, depth: number): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!m) return '';
  const [, name, op, arg] = m;
  const v = scope.vars.get(name);
  const set = op === undefined || !op.startsWith(':') ? v !== undefined : v !== undefined && v.value !== '';
  const nested = (text: string) => (depth < MAX_NESTING ? interpolateIn(text, scope, depth + 1) : '');
  if (set) scope.used?.add(name);
  if (op === ':+' || op === '+') return set ? nested(arg) : '';
  if (set) return v!.value;
  return op === ':-' || op === '-' ? nested(arg) : '';
}

function interpolateIn(text: string, scope: Scope, depth: number): string {
  if (!text.includes('$')) return text;
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
    } else if (text[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) return out + text.slice(i);
      out += substitute(text.slice(i + 2, end), scope, depth);
      i = end + 1;
    } else {
      VARIABLE_NAME.lastIndex = i + 1;
      const name = VARIABLE_NAME.exec(text);
      if (!name) {
        out += c;
        i++;
        continue;
      }
      out += substitute(name[0], scope, depth);
      i += 1 + name[0].length;
    }
  }
  return out;
}

/**
 * Compose's variable substitution, with the variables given (the project's `.env`, when the repository holds it)
 * and every other one unset: `$$` is a dollar, defaults and alternatives are substituted in turn. The shell's
 * variables are never read: they would make the draft depend on the machine it was made on. `used` collects the
 * names of the variables that were set and so decided the text.
 */
export function interpolate(text: string, vars: Variables = NO_VARIABLES, used?: Set<string>): string {
  return interpolateIn(text, { vars, ...(used ? { used } : {}) }, 0);
}

// --- Names -------------------------------------------------------------------------------------------

/** Compose's own rule for project names: lower case letters, digits, `-` and `_`, starting with a letter or digit. */
export function projectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '').replace(/^[^a-z0-9]+/, '');
}

/** A service name as a model id (ID_PATTERN); Compose's names mostly are ids already. */
export function serviceId(name: string, taken: ReadonlySet<string>): string {
  const id = name.replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'service';
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}-${n}`;
  return unique;
}

// --- Ports -------------------------------------------------------------------------------------------

export interface PortMapping {
  hostIp?: string;
  /** The variable the host address comes from (`${LISTEN_IP:-127.0.0.1}`): a deployment may set it otherwise. */
  hostIpVariable?: string;
  /** The project's `.env` sets the host address's variable: the address is the repository's, not a default. */
  hostIpSetIn?: UsedVariable;
  /** The host port or range; empty for a port Docker picks. */
  published: string;
  /** The container port or range. */
  target: string;
  transport?: string;
  appProtocol?: string;
}

const PORT_OR_RANGE = /^\d{1,5}(?:-\d{1,5})?$/;

/** An IPv6 address in its text forms: eight groups of hex digits, or fewer around one `::`; the last two may be an IPv4 address. */
function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  const v4 = groups.length > 0 && /^\d{1,3}(?:\.\d{1,3}){3}$/.test(groups[groups.length - 1]);
  const count = groups.length + (v4 ? 1 : 0);
  if (!groups.slice(0, v4 ? -1 : undefined).every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}

/** `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, HOST_IP possibly `[::1]` or `::1`; undefined when it is not one. */
export function parsePortSpec(spec: string): PortMapping | undefined {
  let rest = spec.trim();
  let transport: string | undefined;
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    transport = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']:');
    if (end < 0) return undefined;
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  // As Docker reads it, an IPv6 host address may go unbracketed (`::1:6000:5432`): all before the last two parts.
  if (hostIp === undefined && parts.length >= 3) {
    hostIp = parts.slice(0, -2).join(':');
    if (parts.length > 3 && !isIpv6(hostIp)) return undefined;
    parts.splice(0, parts.length - 2);
  }
  if (parts.length > 2) return undefined;
  const target = parts.pop()!;
  const published = parts.pop() ?? '';
  if (!PORT_OR_RANGE.test(target) || (published !== '' && !PORT_OR_RANGE.test(published))) return undefined;
  return { ...(hostIp ? { hostIp } : {}), published, target, ...(transport ? { transport } : {}) };
}

const firstPort = (range: string): number | undefined => {
  const n = Number(range.split('-')[0]);
  return range !== '' && Number.isInteger(n) && n <= 65535 ? n : undefined;
};
const singlePort = (range: string): number | undefined => (range.includes('-') ? undefined : firstPort(range));
const isLoopback = (ip: string | undefined): boolean => ip !== undefined && (/^127\./.test(ip) || ip === '::1' || ip === 'localhost');
/** Bound to the loopback address whatever the deployment sets: only the host itself can call it. */
const hostOnly = (port: PortMapping): boolean => isLoopback(port.hostIp) && port.hostIpVariable === undefined;
/**
 * Bound to the loopback address as the file is written (`${LISTEN_IP:-127.0.0.1}`): the draft follows the default,
 * local clients only, and a check says what a deployment that sets the variable to a public address opens.
 */
const hostByDefault = (port: PortMapping): boolean => isLoopback(port.hostIp) && port.hostIpVariable !== undefined;

/** What a published port says about the connections to it (a Kubernetes Service's port says the same). */
export function portEvidence(port: PortMapping, provenance: Provenance): FlowEvidence {
  const targetPort = firstPort(port.target);
  const published = singlePort(port.published);
  // A UDP port is not HTTP whatever its number, except DNS.
  const udp = port.transport === 'udp' ? (portProtocol(targetPort) === 'dns' ? 'dns' : 'udp') : undefined;
  return {
    provenance,
    ...(targetPort !== undefined ? { targetPort } : {}),
    ...(published !== undefined ? { port: published } : {}),
    ...(port.appProtocol !== undefined ? { protocol: port.appProtocol } : udp ? { protocol: udp } : {}),
  };
}

/** The variable a host address is written with (`${LISTEN_IP:-127.0.0.1}`, `$HOST_IP`), when it starts with one. */
const hostIpVariableOf = (raw: unknown): string | undefined =>
  typeof raw === 'string' ? /^\s*\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(raw)?.[1] : undefined;

function portNote(port: PortMapping, text: string): string {
  const where = hostOnly(port) ? 'loopback: reachable from this host only'
    : hostByDefault(port) ? `loopback unless ${port.hostIpVariable} is set: reachable from this host only by default`
    : port.published === '' ? 'a host port Docker picks' : undefined;
  const set = port.hostIpSetIn && `${port.hostIpSetIn.name} set in ${variableAt(port.hostIpSetIn)}`;
  const said = [where, set].filter((x) => x !== undefined);
  return `ports ${text}${said.length ? ` (${said.join('; ')})` : ''}`;
}

/** Ports of a service whose host address one variable decides, for one check. */
interface PortGroup {
  variable: string;
  ip: string;
  line: number;
  ports: string[];
}

function groupPort(groups: Map<string, PortGroup>, variable: string, port: PortMapping, line: number): void {
  const key = `${variable}\u0000${port.hostIp}`;
  const group = groups.get(key) ?? { variable, ip: port.hostIp!, line, ports: [] };
  groups.set(key, group);
  group.ports.push(port.published ? `${port.published}:${port.target}` : port.target);
}

const portList = (ports: readonly string[]): string => `port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}`;

// --- Reading a file ----------------------------------------------------------------------------------

/** One service as the file states it, its `extends` applied. */
interface Service {
  name: string;
  id: string;
  offset: number;
  path: ModelPath;
  settings: Map<string, Entry>;
  /** Where `extends` took settings from, for its comment. */
  extendsNote?: string;
  profiles: string[];
  /** The names other containers reach it by: its name, container_name, network aliases. */
  hostNames: string[];
}

type Located = { text: string; offset: number };

const NOT_INHERITED = new Set(['depends_on', 'links', 'volumes_from', 'extends', 'profiles']);

interface EnvFile {
  path: string | undefined;
  required: boolean;
  read?: { text: string; file: string };
}

/** One setting of an env file: `raw` undefined for a `KEY` alone, `literal` for a single-quoted value. */
interface EnvLine {
  key: string;
  line: number;
  raw?: string;
  literal: boolean;
}

/**
 * An env file's lines as Compose reads them: `KEY=value` lines (an `export ` prefix allowed), `#` comments, values
 * in single quotes taken as they are, in double quotes with `\n`-style escapes, unquoted ones up to a ` #` comment;
 * `KEY` alone passes the caller's value, unknown.
 */
function envLines(text: string): EnvLine[] {
  const out: EnvLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!m) continue;
    const [, key, rest] = m;
    if (rest === undefined) {
      out.push({ key, line: i + 1, literal: false });
      continue;
    }
    let raw: string;
    if (rest.startsWith("'")) raw = rest.slice(1, rest.indexOf("'", 1) < 0 ? undefined : rest.indexOf("'", 1));
    else if (rest.startsWith('"')) {
      const end = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      raw = (end ? end[1] : rest.slice(1)).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    } else raw = rest.replace(/\s+#.*$/, '');
    out.push({ key, line: i + 1, raw, literal: rest.startsWith("'") });
  }
  return out;
}

/** An env file's settings (see envLines), variables substituted from `vars` (the project's `.env`), every other one unset. */
export function parseEnvFile(text: string, file: string, vars: Variables = NO_VARIABLES): EnvSetting[] {
  return envLines(text).map(({ key, line, raw, literal }) =>
    raw === undefined ? { key, file, line } : { key, file, line, raw, value: literal ? raw : interpolate(raw, vars) });
}

/**
 * The project's `.env` (the file beside the compose file that Compose reads for substitution), as variables: a
 * value may use those set above it, a later line replaces an earlier one, and a `KEY` alone (the shell's value)
 * sets nothing.
 */
export function projectVariables(text: string, file: string): Map<string, ProjectVariable> {
  const vars = new Map<string, ProjectVariable>();
  for (const { key, line, raw, literal } of envLines(text)) {
    if (raw !== undefined) vars.set(key, { value: literal ? raw : interpolate(raw, vars), file, line });
  }
  return vars;
}

// --- Traefik -----------------------------------------------------------------------------------------

/** Where a Traefik setting is written: a label of the compose file, a key of a configuration file. */
interface At {
  file: string;
  line: number;
}

/**
 * A Traefik setting: a container's label, or a key of a configuration file flattened to the label it stands for
 * (`http: { routers: { api: { rule: ... } } }` is `traefik.http.routers.api.rule`).
 */
interface Label {
  value: string;
  at: At;
}

/** Where Traefik takes a router, service or middleware from: containers' labels, or the file provider's files. */
type TraefikProvider = 'docker' | 'file';
type RouterProtocol = 'http' | 'tcp';

/** A Traefik router, as a container's labels or the file provider declare it. */
interface TraefikRouter {
  name: string;
  protocol: RouterProtocol;
  provider: TraefikProvider;
  rule?: Label;
  entrypoints: string[];
  tls: boolean;
  /** A TCP router that hands the client's TLS on to the backend unopened. */
  passthrough: boolean;
  middlewares: string[];
  /** The Traefik service it forwards to, when a setting names one (or the container declares exactly one). */
  service?: string;
  /** Where it is declared: its first setting. */
  at: At;
}

type MiddlewareKind = 'basicauth' | 'digestauth' | 'forwardauth' | 'ipallowlist' | 'ratelimit' | 'redirectscheme' | 'chain' | 'other' | 'unknown';

interface TraefikMiddleware {
  name: string;
  protocol: RouterProtocol;
  provider: TraefikProvider;
  kind: MiddlewareKind;
  /** The forward auth address, the allowed source ranges, the chained middlewares. */
  detail?: string;
  at: At;
}

interface TraefikEntrypoint {
  port?: number;
  /** Every request is redirected to another entrypoint (HTTP to HTTPS). */
  redirects: boolean;
  /** TLS on every router of the entrypoint. */
  tls: boolean;
}

interface TraefikSetup {
  exposedByDefault: boolean;
  entrypoints: Map<string, TraefikEntrypoint>;
  /** The file provider's file and folder, as the proxy's container sees them. */
  fileProvider: { filename?: string; directory?: string };
}

/** A server of a file provider's service: `url: http://api:8080` (HTTP), `address: db:5432` (TCP). */
interface TraefikServer {
  host: string;
  port?: number;
  scheme?: string;
}

/** A scalar's text (a number as written), or undefined for anything else: for settings read without diagnostics. */
const scalarText = (node: YamlNode | null): string | undefined =>
  isScalar(node) && node.value !== null && typeof node.value !== 'object' ? String(node.value) : undefined;

const ROUTER_LABEL = /^traefik\.(http|tcp)\.routers\.([^.]+)\.(.+)$/;
const SERVICE_LABEL = /^traefik\.(http|tcp)\.services\.([^.]+)\./;
const MIDDLEWARE_LABEL = /^traefik\.(http|tcp)\.middlewares\.([^.]+)\.([^.]+)(?:\.(.+))?$/;
const SERVER_LABEL = /^traefik\.(http|tcp)\.services\.([^.]+)\.loadbalancer\.servers\.\d+\.(?:url|address)$/;

/**
 * A Traefik setting's name as Traefik matches it: without regard to case (`entryPoints`, `loadBalancer`,
 * `basicAuth`), except the names of routers, services and middlewares (`traefik.http.routers.MyApp.rule`), which
 * are case-sensitive.
 */
function traefikKey(key: string): string {
  const parts = key.split('.');
  const named = /^(?:http|tcp|udp)$/i.test(parts[1] ?? '') && /^(?:routers|services|middlewares|serverstransports)$/i.test(parts[2] ?? '');
  return parts.map((p, i) => (named && i === 3 ? p : p.toLowerCase())).join('.');
}

/** A YAML configuration file as labels (see configLabels); undefined when it is no YAML map. */
function yamlLabels(text: string, file: string): Map<string, Label> | undefined {
  const src = new YamlSource(text, file);
  return src.failed || !isMap(src.root) ? undefined : configLabels(src);
}

/**
 * A Traefik configuration file (YAML) as the labels it stands for: a list of scalars is one comma-separated value
 * (as a label writes it), a list of maps is numbered (`...servers.0.url`), and an empty map or a key without a
 * value is `true` (`tls: {}` switches TLS on).
 */
function configLabels(src: YamlSource): Map<string, Label> {
  const out = new Map<string, Label>();
  const at = (offset: number): At => ({ file: src.file, line: src.lineOf(offset) });
  const walk = (node: YamlNode | null, path: readonly string[], offset: number, depth: number): void => {
    if (depth > MAX_NESTING * 2) return;
    const key = traefikKey(['traefik', ...path].join('.'));
    if (isMap(node)) {
      const entries = src.entries(node, []);
      if (entries.length === 0 && path.length) out.set(key, { value: 'true', at: at(offset) });
      for (const e of entries) walk(e.value, [...path, e.key], e.offset, depth + 1);
    } else if (isSeq(node)) {
      const items = node.items.map((item) => src.resolve(item as YamlNode | null));
      if (items.every((item) => scalarText(item) !== undefined)) out.set(key, { value: items.map((item) => scalarText(item)!).join(','), at: at(offset) });
      else items.forEach((item, i) => walk(item, [...path, String(i)], src.offsetOf(item, offset), depth + 1));
    } else if (path.length) out.set(key, { value: scalarText(node) ?? 'true', at: at(offset) });
  };
  walk(src.root, [], src.offsetOf(src.root), 0);
  return out;
}

const commaList = (value: string): string[] => value.split(',').map((x) => x.trim()).filter((x) => x !== '');

/**
 * The routers a set of labels declares (HTTP and TCP), in label order; with `defaultName` (a container with
 * `traefik.enable=true`) and none declared, the HTTP router Traefik makes by default, named after the service.
 */
function traefikRouters(labels: Map<string, Label>, provider: TraefikProvider, defaultName?: string): TraefikRouter[] {
  const routers = new Map<string, TraefikRouter>();
  const services: Record<RouterProtocol, Set<string>> = { http: new Set(), tcp: new Set() };
  for (const key of labels.keys()) {
    const m = SERVICE_LABEL.exec(key);
    if (m) services[m[1] as RouterProtocol].add(m[2]);
  }
  for (const [key, label] of labels) {
    const m = ROUTER_LABEL.exec(key);
    if (!m) continue;
    const protocol = m[1] as RouterProtocol;
    const id = `${protocol} ${m[2]}`;
    const router = routers.get(id) ?? { name: m[2], protocol, provider, entrypoints: [], tls: false, passthrough: false, middlewares: [], at: label.at };
    routers.set(id, router);
    const option = m[3];
    if (option === 'rule') router.rule = label;
    // Options are read without regard to case, and so are the names they give entrypoints.
    else if (option === 'entrypoints') router.entrypoints = commaList(label.value).map((e) => e.toLowerCase());
    else if (option === 'middlewares') router.middlewares = commaList(label.value);
    else if (option === 'service') router.service = label.value;
    else if (option === 'tls') router.tls = label.value.toLowerCase() !== 'false';
    else if (option === 'tls.passthrough') {
      router.tls = true;
      router.passthrough = label.value.toLowerCase() === 'true';
    } else if (option.startsWith('tls.')) router.tls = true;
  }
  const enable = labels.get('traefik.enable');
  if (routers.size === 0 && defaultName !== undefined && enable) {
    routers.set(`http ${defaultName}`, { name: defaultName, protocol: 'http', provider, entrypoints: [], tls: false, passthrough: false, middlewares: [], at: enable.at });
  }
  // Traefik's own services (the dashboard's api@internal) are no route to a container.
  return [...routers.values()].filter((r) => !r.service?.endsWith('@internal'))
    .map((r) => (r.service === undefined && services[r.protocol].size === 1 ? { ...r, service: [...services[r.protocol]][0] } : r));
}

/** A middleware's key among all those read: its protocol, name and provider. */
const middlewareKey = (protocol: RouterProtocol, name: string, provider: string): string => `${protocol} ${name}@${provider}`;

/** A router's (or chain's) reference to a middleware: `auth` is one of its own provider, `auth@file` the file provider's. */
function middlewareRef(protocol: RouterProtocol, ref: string, provider: TraefikProvider): string {
  const at = ref.lastIndexOf('@');
  return at > 0 ? middlewareKey(protocol, ref.slice(0, at), ref.slice(at + 1).toLowerCase()) : middlewareKey(protocol, ref, provider);
}

/**
 * Middlewares declared in any container's labels (Traefik's Docker provider collects them all) and in the file
 * provider's files, by key (see middlewareKey).
 */
function traefikMiddlewares(sources: ReadonlyArray<{ labels: Map<string, Label>; provider: TraefikProvider }>): Map<string, TraefikMiddleware> {
  const out = new Map<string, TraefikMiddleware>();
  const kinds: Record<string, MiddlewareKind> = {
    basicauth: 'basicauth', digestauth: 'digestauth', forwardauth: 'forwardauth', ipallowlist: 'ipallowlist', ipwhitelist: 'ipallowlist',
    ratelimit: 'ratelimit', redirectscheme: 'redirectscheme', chain: 'chain',
  };
  for (const { labels, provider } of sources) {
    for (const [key, label] of labels) {
      const m = MIDDLEWARE_LABEL.exec(key);
      if (!m) continue;
      const protocol = m[1] as RouterProtocol;
      const kind = lookup(kinds, m[3]) ?? 'other';
      const id = middlewareKey(protocol, m[2], provider);
      const known = out.get(id);
      const option = m[4] ?? '';
      const detail = (kind === 'forwardauth' && option === 'address') || (kind === 'ipallowlist' && option === 'sourcerange') || (kind === 'chain' && option === 'middlewares')
        ? label.value : known?.detail;
      out.set(id, { name: m[2], protocol, provider, kind, at: known?.at ?? label.at, ...(detail !== undefined ? { detail } : {}) });
    }
  }
  return out;
}

type Gate = { auth?: { method: AuthMethod; note: string }; controls: Array<{ control: Control; at: At; note: string }> };

/**
 * What a router's middlewares say about its callers, as an Ingress's annotations do: basic auth (`basic`),
 * digest (`password`), forward auth to oauth2-proxy (`oauth2`) or another service (`authentication`), a source
 * allow-list (`ip-allowlist`), a rate limit (`rate-limiting`). Chains are followed, in their own provider.
 */
function traefikGate(used: readonly TraefikMiddleware[], all: Map<string, TraefikMiddleware>, depth = 0): Gate {
  let auth: Gate['auth'];
  const controls: Gate['controls'] = [];
  for (const m of used) {
    if (m.kind === 'basicauth' || m.kind === 'digestauth') auth ??= { method: m.kind === 'basicauth' ? 'basic' : 'password', note: `${m.kind === 'basicauth' ? 'basic' : 'digest'} auth (middleware ${m.name})` };
    else if (m.kind === 'forwardauth' && m.detail !== undefined && /oauth2/i.test(m.detail)) auth ??= { method: 'oauth2', note: `forward auth ${m.detail} (oauth2-proxy)` };
    else if (m.kind === 'forwardauth') controls.push({ control: 'authentication', at: m.at, note: `traefik middleware ${m.name} forward auth ${m.detail ?? '?'}` });
    else if (m.kind === 'ratelimit') controls.push({ control: 'rate-limiting', at: m.at, note: `traefik middleware ${m.name} rate limit` });
    else if (m.kind === 'ipallowlist') {
      const ranges = commaList(m.detail ?? '');
      if (ranges.length && !ranges.some((r) => r === '0.0.0.0/0' || r === '::/0')) controls.push({ control: 'ip-allowlist', at: m.at, note: `traefik middleware ${m.name} ip allow-list ${ranges.join(', ')}` });
    } else if (m.kind === 'chain' && depth < 8) {
      const inner = traefikGate(commaList(m.detail ?? '').flatMap((n) => all.get(middlewareRef(m.protocol, n, m.provider)) ?? []), all, depth + 1);
      auth ??= inner.auth;
      controls.push(...inner.controls);
    }
  }
  return { ...(auth ? { auth } : {}), controls };
}

/** The paths a router rule matches: `Path` and `PathPrefix` arguments, not negated ones. */
export function traefikPaths(rule: string): string[] {
  const out: string[] = [];
  for (const m of rule.matchAll(/(!?)\s*Path(?:Prefix)?\(([^)]*)\)/g)) {
    if (m[1] === '!') continue;
    for (const arg of m[2].matchAll(/[`"']([^`"']*)[`"']/g)) if (!out.includes(arg[1])) out.push(arg[1]);
  }
  return out;
}

/** The host names a router rule matches: `Host` and `HostSNI` arguments (not `*`, not negated ones), in rule order. */
export function traefikHosts(rule: string): string[] {
  const out: string[] = [];
  for (const m of rule.matchAll(/(!?)\s*Host(?:SNI)?\(([^)]*)\)/g)) {
    if (m[1] === '!') continue;
    for (const arg of m[2].matchAll(/[`"']([^`"']*)[`"']/g)) if (arg[1] !== '*' && arg[1] !== '' && !out.includes(arg[1])) out.push(arg[1]);
  }
  return out;
}

/** The servers of the file provider's services, by `protocol name`, in file order. */
function traefikServers(labels: Map<string, Label>): Map<string, TraefikServer[]> {
  const out = new Map<string, TraefikServer[]>();
  for (const [key, label] of labels) {
    const m = SERVER_LABEL.exec(key);
    const [mention] = m ? hostMentions(label.value) : [];
    if (!m || !mention) continue;
    const id = `${m[1]} ${m[2]}`;
    out.set(id, [...(out.get(id) ?? []), {
      host: mention.host, ...(mention.port !== undefined ? { port: mention.port } : {}), ...(mention.scheme ? { scheme: mention.scheme.toLowerCase() } : {}),
    }]);
  }
  return out;
}

/**
 * What Traefik's static settings say, from its command line (`--entrypoints.web.address=:80`), its TRAEFIK_*
 * variables or its static configuration file, as dotted lower-case names: entrypoints, redirections, TLS,
 * exposedByDefault, the file provider.
 */
function traefikSetup(settings: ReadonlyMap<string, string>): TraefikSetup {
  const entrypoints = new Map<string, TraefikEntrypoint>();
  for (const [key, value] of settings) {
    const m = /^entrypoints\.([^.]+)\.(.+)$/.exec(key);
    if (!m) continue;
    const ep = entrypoints.get(m[1]) ?? { redirects: false, tls: false };
    entrypoints.set(m[1], ep);
    if (m[2] === 'address') {
      const port = /:(\d{1,5})(?:\/\w+)?$/.exec(value.trim())?.[1];
      if (port !== undefined) ep.port = Number(port);
    } else if (m[2] === 'http.redirections.entrypoint.to') ep.redirects = true;
    else if (/^http\.tls(?:$|\.)/.test(m[2]) && value.toLowerCase() !== 'false') ep.tls = true;
  }
  const filename = settings.get('providers.file.filename');
  const directory = settings.get('providers.file.directory');
  return {
    exposedByDefault: settings.get('providers.docker.exposedbydefault')?.toLowerCase() !== 'false',
    entrypoints,
    fileProvider: { ...(filename ? { filename } : {}), ...(directory ? { directory } : {}) },
  };
}

/** A bind mount of the proxy: a path of the repository (as written) the container sees at `target`. */
interface Mount {
  source: string;
  target: string;
  offset: number;
}

const containerPath = (path: string): string => path.trim().replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '').replace(/(.)\/$/, '$1');

/** Where a path the container sees comes from: the mount whose target holds it (the deepest), with the rest of the path. */
function mountedAt(mounts: readonly Mount[], path: string): Mount | undefined {
  const p = containerPath(path);
  let best: Mount | undefined;
  for (const m of mounts) {
    const inside = p === m.target || p.startsWith(m.target === '/' ? '/' : `${m.target}/`);
    if (inside && (!best || m.target.length > best.target.length)) best = m;
  }
  if (!best) return undefined;
  const rest = p.slice(best.target.length).replace(/^\//, '');
  return { ...best, source: rest ? `${best.source.replace(/\/+$/, '')}/${rest}` : best.source, target: p };
}

/**
 * Where nginx reads its configuration in a container: the main file, the files the official image includes
 * (conf.d) or renders into them at start (templates), and Debian's sites-enabled.
 */
const NGINX_CONFIG_PATH = /^\/etc\/nginx\/(?:nginx\.conf|conf\.d\/[^/]+\.conf|templates\/[^/]+\.conf\.template|sites-enabled\/[^/]+)$/;
/** The folders of NGINX_CONFIG_PATH: a folder of the repository mounted as one gives nginx its files. */
const NGINX_CONFIG_FOLDERS: readonly string[] = ['/etc/nginx/conf.d', '/etc/nginx/templates', '/etc/nginx/sites-enabled'];

/** A file of the repository a service mounts: its text, the name it is cited by, its path as written and in the container. */
interface MountedFile {
  text: string;
  file: string;
  source: string;
  target: string;
}

/** Labels of Traefik v1 (`traefik.frontend.rule`, `traefik.port`, `traefik.backend`), which v2 and later ignore. */
const V1_LABEL = /^traefik\.(?:frontend\.|backend(?:\.|$)|port$|(?!(?:http|tcp|udp|docker|enable)\.)[^.]+\.(?:frontend\.|port$))/;

/** What every route of one compose file is read against. */
interface TraefikContext {
  setup: TraefikSetup;
  proxy: Service | undefined;
  labels: Map<Service, Map<string, Label>>;
  middlewares: Map<string, TraefikMiddleware>;
  servers: Map<string, TraefikServer[]>;
}

/** Where a route forwards: a service of the file (with its host name), or a host no service of the file has. */
interface Backend {
  service?: Service;
  host: string;
  port?: number;
  scheme?: string;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Whether a dotted value a setting holds is written as a host on the internet: in a URL, as `host:port`, or ending
 * in a common top-level domain. Settings named like addresses also hold file names (`SETTINGS_URL=settings.yaml`,
 * `SECURITY_POLICY=policy.json` has URI in its name), and a file is no service outside the files.
 */
function writtenAsHost(ref: HostReference): boolean {
  if (ref.evidence.scheme !== undefined) return true;
  if (namesAFile(ref.host)) return false;
  return ref.withPort === true || endsInCommonTld(ref.host);
}

/** What a store is (a database, a cache, a queue): its stated type, else its technology's. */
const storeRole = (identity: Identity | undefined): string | undefined =>
  identity?.type ?? (identity?.tech !== undefined ? lookup(TECHNOLOGIES, identity.tech)?.type : undefined);

/**
 * A `.env` variable holding a secret: its name says so (`DB_PASSWORD`, `JWT_SECRET`, `API_TOKEN`, not
 * `TOKEN_URL` or `PUBLIC_KEY`: see isSecretSetting), or its value is a connection string with a password. Only
 * `environment:` entries take it, where a literal secret is checked and masked; everywhere else it reads as unset,
 * so that no note of the draft carries it.
 */
const holdsSecret = (name: string, v: ProjectVariable): boolean =>
  isSecretSetting(name) || literalSecretSetting({ key: name, value: v.value, line: v.line }) !== undefined;

/** A `.env` variable a setting took, by name. */
type UsedVariable = ProjectVariable & { name: string };

/** An `environment:` setting, with the `.env` variables its value took, for the notes that cite them. */
interface ComposeEnvSetting extends EnvSetting {
  dotEnv?: UsedVariable[];
}

/**
 * The variable that gives an address setting its host: the one in a URL's host place (`https://${API_HOST}/v1`,
 * `postgres://app:${PW}@${DB_HOST:?}/app`), or the whole value of a setting named for an address
 * (`DB_HOST: ${DB_HOST}`), with its operator (`:?`, `-`...).
 */
function hostVariable(raw: string, key: string): { name: string; op: string } | undefined {
  const url = /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/\s]*@)?\$\{?([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?/.exec(raw);
  const whole = isAddressSetting(key) ? /^\s*\$\{?([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?/.exec(raw) : null;
  const m = url ?? whole;
  return m ? { name: m[1], op: m[2] ?? '' } : undefined;
}

/** ` (DB_HOST set in .env:3)` when the host a setting names comes from a `.env` variable; else nothing. */
function hostFrom(setting: ComposeEnvSetting, host: string): string {
  const v = setting.dotEnv?.find((x) => x.value.toLowerCase().includes(host.toLowerCase()));
  return v ? ` (${v.name} set in ${variableAt(v)})` : '';
}

/** `.env:3` for a variable the `.env` sets. */
const variableAt = (v: { file: string; line: number }): string => `${v.file}:${v.line}`;

class ComposeReader {
  readonly draft = emptyDraft();
  private readonly envFileCache = new Map<Service, EnvFile[]>();
  readonly profilesSeen = new Set<string>();
  /** What the file states that a reviewer must act on (a database open to every client), in file order. */
  readonly checks: DraftCheck[] = [];
  /** Where each top-level secret comes from (`file ./db_password.txt`, `external`), by name. */
  private readonly secretSources = new Map<string, string>();
  /** The top-level networks declared `internal: true`: no route to or from the outside. */
  private readonly internalNetworks = new Set<string>();
  /** Top-level secrets read from a file the repository holds (not git-ignored), by name. */
  private readonly committedSecrets = new Set<string>();
  project = 'compose';
  projectStated = false;
  /** Services built from the repository whose manifests were read, in file order. */
  readonly builds: BuiltService[] = [];
  /** Manifests that could not be read whole, each reported once however many services build from its folder. */
  readonly manifestDiagnostics: Diagnostic[] = [];
  /** Build contexts read, by context and Dockerfile: services built from one folder share what it says. */
  private readonly buildReadings = new Map<string, BuildReading>();
  /** The evidence of `depends_on` entries, which order start-up and say nothing of who connects (see dropStartupOnly). */
  private readonly startupOnly = new Set<FlowEvidence>();

  /** The `.env`'s variables every setting takes: those holding no secret (see holdsSecret). */
  private readonly vars: Variables = NO_VARIABLES;
  /** All the `.env`'s variables, secrets too: for `environment:` entries only, whose literal secrets are checked. */
  private readonly allVars: Variables = NO_VARIABLES;

  constructor(readonly src: YamlSource, readonly file: string, readonly options: ComposeOptions) {
    this.draft.sources.push({ file, format: COMPOSE_FORMAT });
    this.draft.limits.push(...COMPOSE_LIMITS);
    const env = options.projectEnv;
    if (!env) return;
    this.draft.sources.push({ file: env.file, format: 'env file' });
    this.allVars = projectVariables(env.text, env.file);
    this.vars = new Map([...this.allVars].filter(([name, v]) => !holdsSecret(name, v)));
  }

  /** Variables substituted from the `.env`'s non-secret ones (see interpolate). */
  private interp(text: string, used?: Set<string>): string {
    return interpolate(text, this.vars, used);
  }

  private line(offset: number): number {
    return this.src.lineOf(offset);
  }

  private provenance(offset: number, note?: string): Provenance {
    return { file: this.file, line: this.line(offset), ...(note ? { note } : {}) };
  }

  private fields(entry: Entry | undefined): Map<string, Entry> {
    return entry && isMap(entry.value) ? new Map(this.src.entries(entry.value, entry.path).map((e) => [e.key, e])) : new Map();
  }

  /** A string setting, variables substituted (their names added to `used`); undefined (with an error for a list or map) otherwise. */
  private text(entry: Entry | undefined, expected = 'a string', used?: Set<string>): string | undefined {
    if (!entry) return undefined;
    const t = this.src.text(entry.value, entry.offset, entry.path, expected);
    return typeof t === 'string' ? this.interp(t, used) : undefined;
  }

  /** The items of a list setting, as entries (their key is their index). */
  private items(entry: Entry | undefined, expected: string): Entry[] {
    if (!entry) return [];
    return (this.src.listItems(entry.value, entry.offset, entry.path, expected) ?? [])
      .map((item) => ({ key: String(item.path[item.path.length - 1]), offset: item.offset, value: item.node, path: item.path }));
  }

  /** The strings of a list setting, variables substituted. */
  private strings(entry: Entry | undefined, expected: string): Located[] {
    if (!entry) return [];
    const items = this.src.listItems(entry.value, entry.offset, entry.path, expected) ?? [];
    const out: Located[] = [];
    for (const item of items) {
      const t = this.src.text(item.node, item.offset, item.path, 'a string');
      if (typeof t === 'string') out.push({ text: this.interp(t), offset: item.offset });
    }
    return out;
  }

  read(): void {
    const root = this.src.root;
    const rootOffset = this.src.offsetOf(root);
    if (root === null || (isScalar(root) && root.value === null)) {
      this.notCompose(rootOffset, 'the file is empty', 'nothing');
      return;
    }
    if (!isMap(root)) {
      this.notCompose(rootOffset, 'this is not a Docker Compose file', describeNode(root));
      return;
    }
    const top = new Map(this.src.entries(root, []).map((e) => [e.key, e]));
    const services = top.get('services');
    if (!services && ![...top.keys()].some((k) => COMPOSE_KEYS.has(k) || k.startsWith('x-'))) {
      this.noServices(top, rootOffset);
      return;
    }
    this.setProject(top.get('name'));
    this.readSecrets(top.get('secrets'));
    this.readNetworks(top.get('networks'));
    // A file without services (networks only, `include:` only) is valid Compose and drafts nothing.
    if (!services) return;
    const entries = this.src.mapEntries(services.value, services.offset, services.path, 'a map of services (name: settings)');
    if (entries) this.readServices(entries);
  }

  private readNetworks(entry: Entry | undefined): void {
    if (!entry || !isMap(entry.value)) return;
    for (const e of this.src.entries(entry.value, entry.path)) {
      const internal = isMap(e.value) ? this.fields(e).get('internal') : undefined;
      if (internal && isScalar(internal.value) && (internal.value.value === true || internal.value.value === 'true')) this.internalNetworks.add(e.key);
    }
  }

  /** The networks a service joins, as written (none: the project's `default`). */
  private networksOf(s: Service): string[] {
    const networks = s.settings.get('networks');
    if (!networks) return [];
    return isMap(networks.value)
      ? this.src.entries(networks.value, networks.path).map((e) => e.key)
      : this.strings(networks, 'a list of networks, or a map of them').map((n) => n.text);
  }

  /**
   * The top-level `secrets:`: each secret's source, for the comments of the services that use it. A secret read
   * from a file the repository holds (there, and not git-ignored) is a secret kept in the repository: a check
   * naming the file, never its content, as a Secret committed with values is.
   */
  private readSecrets(entry: Entry | undefined): void {
    if (!entry || !isMap(entry.value)) return;
    for (const e of this.src.entries(entry.value, entry.path)) {
      const f = this.fields(e);
      const external = f.get('external');
      const path = this.text(f.get('file'));
      const source = f.has('file') ? `file ${path ?? '?'}`
        : external && isScalar(external.value) && (external.value.value === true || external.value.value === 'true') ? 'external'
          : f.has('environment') ? `from variable ${this.text(f.get('environment')) ?? '?'}` : undefined;
      if (source) this.secretSources.set(e.key, source);
      const kept = path === undefined || path.trim() === '' ? undefined : this.options.secretFile?.(path.trim());
      if (!kept || kept.ignored) continue;
      this.committedSecrets.add(e.key);
      this.secretSources.set(e.key, `${source ?? 'file'}, kept in the repository`);
      this.checks.push({
        file: this.file, line: this.line(f.get('file')!.offset),
        message: `secret ${e.key} is read from ${kept.file}, a file in the repository that .gitignore does not keep out: a secret kept in the repository; move it to a secret store`,
      });
    }
  }

  private notCompose(offset: number, message: string, found: string): void {
    this.src.problem('error', 'not-compose', offset, [], `${message}: a Docker Compose file is a map with \`services:\``,
      { expected: 'a map with `services:`', found });
  }

  private noServices(top: Map<string, Entry>, offset: number): void {
    // The version 1 format had the services at the top level; Compose no longer reads it.
    const v1 = [...top.values()].some((e) => isMap(e.value) && e.value.items.some((p) => isScalar(p.key) && (p.key.value === 'image' || p.key.value === 'build')));
    this.src.problem('error', 'not-compose', offset, [], 'this is not a Docker Compose file: it has no `services:`', {
      expected: 'a map with `services:`',
      found: `a map with keys ${[...top.keys()].slice(0, 6).join(', ')}`,
      hint: v1
        ? 'this looks like the version 1 format (services at the top level), which Compose no longer reads; put them under `services:`'
        : 'a compose file lists its containers under `services:`',
    });
  }

  private setProject(entry: Entry | undefined): void {
    const stated = this.text(entry);
    const name = projectName(stated ?? '') || projectName(this.options.project ?? '') || 'compose';
    this.project = name;
    this.projectStated = projectName(stated ?? '') !== '';
    this.draft.name = name;
    addBoundary(this.draft, {
      key: name,
      id: name,
      fallbackId: `${name}-project`,
      name: `Compose project ${name}`,
      trust: 'internal',
      kind: 'container',
      provenance: entry ? [this.provenance(entry.offset, `name: ${name}`)] : [],
      comment: `One host's containers and their networks${entry ? '' : ' (the project is named after its folder)'}`,
    });
  }

  private readServices(entries: readonly Entry[]): void {
    const raw = new Map<string, Entry>();
    for (const e of entries) {
      if (isMap(e.value)) raw.set(e.key, e);
      else {
        this.src.problem('error', 'invalid-service', this.src.offsetOf(e.value, e.offset), e.path, `service \`${e.key}\` is not a map of settings`,
          { expected: 'a map of settings (image, build, ports, environment...)', found: describeNode(e.value) });
      }
    }
    const taken = new Set<string>();
    const services: Service[] = [];
    for (const [name, entry] of raw) {
      const id = serviceId(name, taken);
      taken.add(id);
      const { settings, extendsNote } = this.withExtends(name, entry, raw);
      const profiles = this.strings(settings.get('profiles'), 'a list of profile names').map((p) => p.text);
      for (const p of profiles) this.profilesSeen.add(p);
      services.push({
        name, id, offset: entry.offset, path: entry.path, settings, profiles, hostNames: this.hostNames(name, settings),
        ...(extendsNote ? { extendsNote } : {}),
      });
    }
    const wanted = this.options.profiles ?? [];
    const isActive = (s: Service) => s.profiles.length === 0 || wanted.includes('*') || s.profiles.some((p) => wanted.includes(p));
    const inactive = new Set<string>();
    for (const s of services) {
      if (isActive(s)) continue;
      this.omit(s);
      for (const n of s.hostNames) inactive.add(n.toLowerCase());
    }
    for (const s of services) if (isActive(s)) this.addService(s, inactive);
    this.addTraefikRoutes(services, services.filter(isActive));
    this.addNginxRoutes(services.filter(isActive));
    resolveReferences(this.draft);
    addOutsideServices(this.draft, writtenAsHost);
    this.dropStartupOnly();
    settleFlows(this.draft);
  }

  /**
   * depends_on orders start-up; it says nothing of what a service connects to. A store that only depends_on names,
   * from a service whose settings name another store of the same type (DB_HOST=postgresdb beside `depends_on:
   * mongodb`), is no flow: drawing it would invent queries, and the injection and credential threats that come with
   * them, to a database the service does not use. The header says what was left out, for the reviewer to add back.
   * With no store of that type named otherwise, depends_on is all the file says, and its flow stays.
   */
  private dropStartupOnly(): void {
    const byKey = new Map(this.draft.elements.map((e) => [e.key, e]));
    const storeType = (key: string): string | undefined => {
      const e = byKey.get(key);
      return e && !e.madeUp && kindOf(e.identity) === 'store' ? storeRole(e.identity) : undefined;
    };
    const onlyStartup = (f: DraftFlow) => f.evidence.every((ev) => this.startupOnly.has(ev));
    const named = new Map<string, string[]>();
    for (const f of this.draft.flows) {
      const type = onlyStartup(f) ? undefined : storeType(f.to);
      if (type === undefined) continue;
      const key = `${f.from}\u0000${type}`;
      named.set(key, [...(named.get(key) ?? []), f.to]);
    }
    this.draft.flows = this.draft.flows.filter((f) => {
      const type = onlyStartup(f) ? storeType(f.to) : undefined;
      const others = type === undefined ? undefined : named.get(`${f.from}\u0000${type}`);
      if (others === undefined) return true;
      this.draft.omitted.push({
        key: `flow ${f.from} -> ${f.to}`,
        reason: `depends_on orders start-up only, and ${f.from}'s settings name ${others.join(', ')} as its ${type}`,
        provenance: { ...f.evidence[0].provenance },
        hint: `add the flow if ${f.from} does connect to ${f.to}`,
      });
      return false;
    });
  }

  /** `extends: base` or `extends: { service: base, file: other.yml }`. */
  private extendsTarget(entry: Entry): { service?: string; file?: string } {
    if (isMap(entry.value)) {
      const f = this.fields(entry);
      const service = this.text(f.get('service'));
      const file = this.text(f.get('file'));
      return { ...(service ? { service } : {}), ...(file ? { file } : {}) };
    }
    const service = this.text(entry, 'a service name, or a map with `service:`');
    return service ? { service } : {};
  }

  /**
   * A service's settings with `extends` of a service in the same file applied: the base's settings it does
   * not set itself (Compose merges deeper, but the settings read here are mostly whole values). As in
   * Compose, dependencies are not inherited; nor are profiles, since a base kept out of the default run
   * by a profile is a template whose children run. A base in another file is not read (noted in the comment).
   */
  private withExtends(name: string, entry: Entry, raw: Map<string, Entry>): { settings: Map<string, Entry>; extendsNote?: string } {
    const settings = this.fields(entry);
    const ext = settings.get('extends');
    if (!ext) return { settings };
    const first = this.extendsTarget(ext);
    if (first.file) return { settings, extendsNote: `extends ${first.service ?? '?'} in ${first.file} (not read)` };
    const seen = new Set([name]);
    for (let current = first.service; current !== undefined && !seen.has(current);) {
      seen.add(current);
      const parent = raw.get(current);
      if (!parent) {
        this.src.problem('warning', 'unknown-service', ext.offset, ext.path, `\`${name}\` extends \`${current}\`, which this file does not define`);
        break;
      }
      const inherited = this.fields(parent);
      for (const [key, value] of inherited) {
        if (!settings.has(key) && !NOT_INHERITED.has(key)) settings.set(key, value);
      }
      const next = inherited.get('extends');
      current = next ? this.extendsTarget(next).service : undefined;
    }
    return { settings, extendsNote: `extends ${first.service ?? '?'}` };
  }

  private omit(s: Service): void {
    const list = s.profiles.map((p) => `"${p}"`).join(', ');
    this.draft.omitted.push({
      key: s.id,
      reason: `only in profile${s.profiles.length > 1 ? 's' : ''} ${list}, not started by default`,
      provenance: this.provenance(s.offset),
      hint: `add --profile ${s.profiles[0]} to include it`,
    });
  }

  private hostNames(name: string, settings: Map<string, Entry>): string[] {
    const names = [name];
    const container = this.text(settings.get('container_name'));
    if (container) names.push(container);
    const networks = settings.get('networks');
    if (networks && isMap(networks.value)) {
      for (const net of this.src.entries(networks.value, networks.path)) {
        if (isMap(net.value)) for (const a of this.strings(this.fields(net).get('aliases'), 'a list of host names')) names.push(a.text);
      }
    }
    return [...new Set(names)];
  }

  private identity(s: Service, notes: string[]): Identity | undefined {
    const image = this.text(s.settings.get('image'));
    const build = s.settings.get('build');
    if (build) {
      const context = isMap(build.value) ? this.text(this.fields(build).get('context')) : this.text(build, 'a folder, or a map with `context:`');
      notes.push(context ? `build ${context}` : 'build');
    }
    if (image) notes.push(`image ${image}`);
    // An image the catalogue knows says what the service is, even when it is built here (the tag names it).
    const tech = image ? imageTech(image) : undefined;
    if (tech) return { tech };
    const protocol = image ? imageProtocol(image) : undefined;
    return image || build ? { type: 'service', ...(protocol ? { protocol } : {}) } : undefined;
  }

  /**
   * The folder a service is built from and its Dockerfile (relative to that folder), read quietly: identity()
   * reported what is wrong with the setting. A remote context (a Git URL) is no folder of the repository.
   */
  private buildContext(s: Service): { context: string; dockerfile: string } | undefined {
    const build = s.settings.get('build');
    if (!build) return undefined;
    const map = isMap(build.value) ? build.value : undefined;
    const context = this.interp((map ? scalarText(map.get('context', true) as YamlNode | null) : scalarText(build.value as YamlNode | null)) ?? (map ? '.' : '')).trim();
    const dockerfile = this.interp((map && scalarText(map.get('dockerfile', true) as YamlNode | null)) ?? 'Dockerfile').trim();
    if (!context || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(context)) return undefined;
    return { context: context.replace(/\/+$/, '') || '/', dockerfile };
  }

  /** The build context as a folder of the repository (see DraftElement codeFolders): none when it is elsewhere on the machine. */
  private codeFolder(s: Service): string | undefined {
    const at = this.buildContext(s);
    return at && !at.context.startsWith('/') ? joinPath(folderOf(this.file), at.context) : undefined;
  }

  /**
   * What the dependency manifests of a service's build context say (see readBuildContext): undefined when the
   * service is not built here, the reader cannot list the folder, or it holds neither a manifest nor a Dockerfile.
   */
  private readBuild(s: Service): BuildReading | undefined {
    const at = this.buildContext(s);
    const names = at && this.options.listFolder?.(at.context);
    if (!at || !names) return undefined;
    const key = `${at.context}\u0000${at.dockerfile}`;
    const cached = this.buildReadings.get(key);
    if (cached) return cached;
    const inFolder = (name: string) => this.options.readFile?.(`${at.context}/${name}`);
    const manifests = names.filter(isManifest).sort(byCodeUnits).flatMap((n) => inFolder(n) ?? []);
    const dockerfile = /^\//.test(at.dockerfile) ? undefined : inFolder(at.dockerfile);
    if (manifests.length === 0 && !dockerfile) return undefined;
    const reading = readBuildContext(manifests, dockerfile);
    this.buildReadings.set(key, reading);
    // Two services built from one folder with different Dockerfiles read its manifests twice: each warning once.
    for (const d of reading.diagnostics) {
      if (!this.manifestDiagnostics.some((x) => x.file === d.file && x.line === d.line && x.col === d.col && x.message === d.message)) this.manifestDiagnostics.push(d);
    }
    for (const file of reading.read) {
      if (!this.draft.sources.some((x) => x.file === file)) this.draft.sources.push({ file, format: isManifest(file) ? MANIFEST_FORMAT : 'Dockerfile' });
    }
    return reading;
  }

  /** The capability facts and controls a service's manifests state, on its element, and what was read for the summary. */
  private addBuilt(element: DraftElement, s: Service, built: BuildReading): void {
    addFacts(element, built.facts);
    if (built.controls.length) addControls(element, built.controls);
    this.builds.push({ service: s.id, read: built.read, findings: built.findings });
  }

  /** Networks, network_mode and env_file, for the element's comment; returns the network mode. */
  private networkNotes(s: Service, notes: string[]): string | undefined {
    const names = this.networksOf(s);
    if (names.length) notes.push(`network${names.length > 1 ? 's' : ''} ${names.join(', ')}`);
    const mode = this.text(s.settings.get('network_mode'));
    if (mode) notes.push(`network_mode ${mode}`);
    const files = this.envFiles(s);
    if (files.length) {
      const state = (f: EnvFile) => (!this.options.readEnvFile ? ' (not read)' : f.read ? '' : f.required ? ' (not read: missing, or outside the folder searched)' : ' (optional, not there)');
      notes.push(`env_file ${files.map((f) => `${f.path ?? '?'}${state(f)}`).join(', ')}`);
    }
    return mode;
  }

  /** `env_file: .env`, or a list of files and `{ path: ..., required: false }` maps, each read once. */
  private envFiles(s: Service): EnvFile[] {
    const cached = this.envFileCache.get(s);
    if (cached) return cached;
    const entry = s.settings.get('env_file');
    const listed = !entry ? [] : isSeq(entry.value)
      ? this.items(entry, 'a list of files').map((item) => {
        if (!isMap(item.value)) return { path: this.text(item, 'a file'), required: true };
        const fields = this.fields(item);
        return { path: this.text(fields.get('path'), 'a file'), required: this.text(fields.get('required'))?.toLowerCase() !== 'false' };
      })
      : [{ path: this.text(entry, 'a file, or a list of files'), required: true }];
    const files = listed.map((f) => {
      const read = f.path !== undefined ? this.options.readEnvFile?.(f.path) : undefined;
      if (read && !this.draft.sources.some((x) => x.file === read.file)) this.draft.sources.push({ file: read.file, format: 'env file' });
      return { ...f, ...(read ? { read } : {}) };
    });
    this.envFileCache.set(s, files);
    return files;
  }

  /**
   * Settings that hand the container the host: `privileged`, capabilities that escape (SYS_ADMIN, ALL...), the
   * Docker socket or the host's root mounted, and, for a container running as root (the default), the host's
   * PID, IPC or network namespace. A non-root `user:` keeps the namespaces from counting; seccomp or AppArmor
   * switched off alone hands over nothing (see `weakenedConfinement`).
   */
  private privilege(s: Service): Provenance | undefined {
    const privileged = s.settings.get('privileged');
    if (privileged && isScalar(privileged.value) && (privileged.value.value === true || privileged.value.value === 'true')) {
      return this.provenance(privileged.offset, 'privileged: true');
    }
    const shared = this.hostNamespaces(s);
    const shares = { pid: shared.some((n) => n.key === 'pid'), network: shared.some((n) => n.key === 'network_mode') };
    for (const cap of this.strings(s.settings.get('cap_add'), 'a list of capabilities')) {
      const name = escapeCapability(cap.text, shares);
      if (name) return this.provenance(cap.offset, `cap_add ${name}${name === 'SYS_PTRACE' ? ' with pid: host' : name === 'NET_ADMIN' ? ' with network_mode: host' : ''}`);
    }
    // `/var/run/docker.sock:/var/run/docker.sock`, or `{ type: bind, source: /var/run/docker.sock, ... }`.
    for (const item of this.items(s.settings.get('volumes'), 'a list of volumes')) {
      const source = isMap(item.value) ? this.text(this.fields(item).get('source')) : this.text(item, 'a volume, or a map with `source:`')?.split(':')[0];
      if (source && /(?:^|\/)docker\.sock$/.test(source)) return this.provenance(item.offset, 'mounts the Docker socket (control of the host)');
      if (source && HOST_CONTROL.test(source.trim())) return this.provenance(item.offset, `mounts ${source.trim()} from the host`);
    }
    const user = this.text(s.settings.get('user'));
    const [first] = shared;
    if (first && (user === undefined || isRootUser(user))) {
      const asRoot = user === undefined ? 'as root, the default' : `as user ${user.trim()}`;
      return this.provenance(first.offset, `${first.key}: host (shares the host's ${first.what}, ${asRoot})`);
    }
    return undefined;
  }

  /** The host namespaces a service joins: `pid: host`, `ipc: host`, `network_mode: host`, in that order. */
  private hostNamespaces(s: Service): Array<{ key: string; offset: number; what: string }> {
    const out: Array<{ key: string; offset: number; what: string }> = [];
    for (const [key, what] of [['pid', 'processes'], ['ipc', 'shared memory'], ['network_mode', 'network']] as const) {
      const entry = s.settings.get(key);
      if (entry && this.text(entry)?.trim() === 'host') out.push({ key, offset: entry.offset, what });
    }
    return out;
  }

  /** `security_opt` entries that switch off a confinement (seccomp, AppArmor, SELinux labels), for the element's comment. */
  private weakenedConfinement(s: Service): string[] {
    return this.strings(s.settings.get('security_opt'), 'a list of security options').map((o) => o.text.trim())
      .filter((o) => /^(?:seccomp|apparmor)[:=]unconfined$|^label[:=]disable$|^systempaths[:=]unconfined$/i.test(o));
  }

  private replicas(s: Service): number | undefined {
    const fromDeploy = this.fields(s.settings.get('deploy')).get('replicas');
    for (const entry of [fromDeploy, s.settings.get('scale')]) {
      if (!entry) continue;
      const t = this.text(entry, 'a whole number');
      // The model counts in safe integers: a count past them is no number of containers anyone runs.
      if (t !== undefined && /^\d+$/.test(t.trim()) && Number.isSafeInteger(Number(t))) return Number(t);
      if (t !== undefined) this.src.wrongType(entry.value, entry.offset, entry.path, `a whole number up to ${Number.MAX_SAFE_INTEGER}`);
    }
    return undefined;
  }

  /**
   * The words of `command` or `entrypoint` with their lines: a list's items each at its own, a command line split at
   * spaces (as Compose splits it, quotes aside) at the setting's.
   */
  private commandWords(s: Service, key: 'command' | 'entrypoint'): Array<{ text: string; line: number }> {
    const command = s.settings.get(key);
    if (!command) return [];
    if (isScalar(command.value)) {
      const line = this.line(command.offset);
      return (this.text(command) ?? '').split(/\s+/).filter((w) => w !== '').map((text) => ({ text: text.replace(/^(["'])(.*)\1$/, '$2'), line }));
    }
    return this.strings(command, 'a command line, or a list of its words').map((w) => ({ text: w.text.trim(), line: this.line(w.offset) }));
  }

  /** The addresses the service's command line names (`celery --broker=amqp://rabbitmq`), by where they are written. */
  private commandLineAddresses(s: Service): Array<ReturnType<typeof commandAddresses>[number] & { where: string }> {
    return (['entrypoint', 'command'] as const).flatMap((where) => commandAddresses(this.commandWords(s, where)).map((a) => ({ ...a, where })));
  }

  private command(s: Service, key = 'command'): string[] {
    const command = s.settings.get(key);
    if (!command) return [];
    if (isScalar(command.value)) return [this.text(command) ?? ''];
    return this.strings(command, 'a command line, or a list of its words').map((w) => w.text);
  }

  /** The env files' settings, then `environment:`, which wins for a key both set (as in Compose). */
  private environment(s: Service): ComposeEnvSetting[] {
    const own = this.ownEnvironment(s);
    const keys = new Set(own.map((e) => e.key));
    const fromFiles = new Map<string, EnvSetting>();
    for (const f of this.envFiles(s)) {
      // A later file's setting replaces an earlier one's.
      if (f.read) for (const e of parseEnvFile(f.read.text, f.read.file, this.vars)) if (!keys.has(e.key)) fromFiles.set(e.key, e);
    }
    return [...fromFiles.values(), ...own];
  }

  private ownEnvironment(s: Service): ComposeEnvSetting[] {
    const env = s.settings.get('environment');
    if (!env) return [];
    if (isMap(env.value)) {
      return this.src.entries(env.value, env.path).flatMap((e) => {
        const raw = this.src.text(e.value, e.offset, e.path, 'a string, number or boolean');
        return raw === null ? [] : [this.ownSetting(e.key, this.line(e.offset), raw)];
      });
    }
    const items = this.src.listItems(env.value, env.offset, env.path, 'a map of variables, or a list of KEY=value') ?? [];
    return items.flatMap((item) => {
      const t = this.src.text(item.node, item.offset, item.path, 'a string KEY=value');
      if (typeof t !== 'string') return [];
      const eq = t.indexOf('=');
      const line = this.line(item.offset);
      return [eq < 0 ? this.ownSetting(t.trim(), line, undefined) : this.ownSetting(t.slice(0, eq).trim(), line, t.slice(eq + 1))];
    });
  }

  /**
   * One `environment:` entry, its variables substituted from every `.env` variable, secrets too (see holdsSecret).
   * A `KEY` with no value passes Compose's own value of KEY: the shell's, unknown, or the `.env`'s.
   */
  private ownSetting(key: string, line: number, raw: string | undefined): ComposeEnvSetting {
    if (raw === undefined) {
      const passed = this.allVars.get(key);
      return passed ? { key, line, raw: `\${${key}}`, value: passed.value, dotEnv: [{ name: key, ...passed }] } : { key, line };
    }
    const used = new Set<string>();
    const value = interpolate(raw, this.allVars, used);
    const dotEnv = [...used].map((name) => ({ name, ...this.allVars.get(name)! }));
    return { key, line, raw, value, ...(dotEnv.length ? { dotEnv } : {}) };
  }

  /** The service's element, the calls into its published ports, and the hosts it names. */
  private addService(s: Service, inactive: ReadonlySet<string>): void {
    const notes: string[] = [];
    const built = this.readBuild(s);
    const stated = this.identity(s, notes);
    // An image the catalogue knows says what runs; the manifests say it only when nothing else does.
    const builtTech = stated?.tech === undefined ? built?.tech : undefined;
    const identity: Identity | undefined = builtTech ? { tech: builtTech.id, ...(stated?.protocol ? { protocol: stated.protocol } : {}) } : stated;
    const networkMode = this.networkNotes(s, notes);
    if (s.extendsNote) notes.push(s.extendsNote);
    const env = this.environment(s);
    const password = passwordSetting(env);
    const command = s.settings.get('command');
    const requiresPassword = command && commandRequiresPassword(this.command(s)) ? this.provenance(command.offset, 'command --requirepass')
      : identity?.protocol === 'ssh' ? this.sshPasswordLogin(env) : undefined;
    const keyOnly = requiresPassword ? undefined : this.sshKeyOnly(s, env, identity);
    const privileged = this.privilege(s);
    const confinement = this.weakenedConfinement(s);
    if (confinement.length) notes.push(`security_opt ${confinement.join(', ')}: confinement off (not privileged by itself)`);
    const replicas = this.replicas(s);
    const debuggerListener = this.debuggerOf(s, env, notes);
    const open = kindOf(identity) === 'store' ? this.authOffOf(s, identity, env) : undefined;
    const secrets = this.secretStore(s, env);
    const facts: DraftFact[] = [];
    const literals = this.hardCodedSecrets(s, env, facts);
    const codeFolder = this.codeFolder(s);
    const element = addElement(this.draft, {
      key: s.id,
      id: s.id,
      ...(s.id !== s.name ? { name: s.name } : {}),
      ...(identity ? { identity } : {}),
      boundary: this.project,
      aliases: s.hostNames.filter((n) => n !== s.id),
      ...(codeFolder !== undefined ? { codeFolders: [codeFolder] } : {}),
      ...(privileged ? { privileged } : {}),
      ...(replicas !== undefined ? { replicas } : {}),
      ...(password ? { passwordSetting: { file: password.file ?? this.file, line: password.line, note: `${password.file ? 'env_file' : 'environment'} ${password.key}` } } : {}),
      ...(requiresPassword ? { requiresPassword } : {}),
      ...(keyOnly ? { sshKeyOnly: keyOnly } : {}),
      ...(open ? { noAuth: open, dataAtRisk: open } : {}),
      ...(secrets ? { controls: [{ control: 'secrets-management' as const, provenance: secrets }] } : {}),
      ...(literals.length ? { hardCodedSecrets: literals } : {}),
      ...(facts.length ? { facts } : {}),
      provenance: [this.provenance(s.offset, notes.join('; ')), ...(builtTech ? [builtTech.provenance] : [])],
    });
    if (built) this.addBuilt(element, s, built);
    this.addPublished(s, networkMode, debuggerListener);
    this.addReferences(s, env, inactive);
  }

  /**
   * The setting by which a database or cache lets every client in (see authOff), cited where it is written, and
   * a check for the reviewer. An env file not read may set a password, so an absence then says nothing.
   */
  private authOffOf(s: Service, identity: Identity | undefined, env: readonly EnvSetting[]): Provenance | undefined {
    const image = this.text(s.settings.get('image'));
    const args = [...this.command(s, 'entrypoint'), ...this.command(s)];
    const complete = this.envFiles(s).every((f) => f.read !== undefined || !f.required);
    const off = authOff(identity?.tech, image, env, args, complete);
    if (!off) return undefined;
    const at = off.setting
      ? { file: off.setting.file ?? this.file, line: off.setting.line, note: `${off.setting.file ? 'env_file' : 'environment'} ${off.says}` }
      : this.provenance((s.settings.get('command') ?? s.settings.get('image') ?? { offset: s.offset }).offset, off.says);
    this.checks.push({ file: at.file, line: at.line, message: `service ${s.name}: ${off.says}` });
    return at;
  }

  /**
   * Where the service takes its secrets from Docker secrets (its `secrets:`, or a `*_FILE` setting pointing into
   * /run/secrets) rather than its environment: `secrets-management`, unless a secret is in its environment all the
   * same (a password written in `environment:`, a URL with one), which is what secrets-in-config is about.
   */
  private secretStore(s: Service, env: readonly EnvSetting[]): Provenance | undefined {
    if (environmentSecret(env)) return undefined;
    const used = this.items(s.settings.get('secrets'), 'a list of secrets (names, or maps with `source:`)')
      .map((item) => ({ item, name: isMap(item.value) ? this.text(this.fields(item).get('source')) : this.text(item, 'a secret name') }));
    // A secret the repository holds is no better kept than one written in the environment.
    if (used.some((u) => u.name !== undefined && this.committedSecrets.has(u.name))) return undefined;
    const [first] = used;
    if (first) {
      const source = first.name !== undefined ? this.secretSources.get(first.name) : undefined;
      return this.provenance(first.item.offset, `secrets ${first.name ?? '?'}${source ? ` (Docker secret ${source})` : ' (Docker secret)'}`);
    }
    const file = secretFileSetting(env);
    return file && { file: file.file ?? this.file, line: file.line, note: `${file.file ? 'env_file' : 'environment'} ${file.key} (a mounted secret file)` };
  }

  /**
   * The secrets the service's environment writes as literals (see literalSecretSetting), each cited where it is
   * written with a check for the reviewer; the value's length only, never the value. An env file counts when the
   * repository holds it (not git-ignored): a developer's own `.env` is not the repository's. A secret an
   * `environment:` entry takes from the project's `.env` is cited at the `.env`'s line, where it is written. A key that
   * signs tokens goes to `facts` instead (its own tag, read by forgeable-tokens), so secrets-in-config does not report it too.
   */
  private hardCodedSecrets(s: Service, env: readonly ComposeEnvSetting[], facts: DraftFact[]): Provenance[] {
    const committed = new Set<string>();
    for (const f of this.envFiles(s)) {
      const kept = f.read && f.path !== undefined ? this.options.secretFile?.(f.path) : undefined;
      if (f.read && kept && !kept.ignored) committed.add(f.read.file);
    }
    const out: Provenance[] = [];
    for (const e of env) {
      const found = e.file === undefined || committed.has(e.file) ? literalSecretSetting(e) : undefined;
      if (!found) continue;
      const masked = describeLiteral(found, e, env);
      const from = e.dotEnv?.find((v) => v.value.includes(found.secret));
      const at: Provenance = from ? { file: from.file, line: from.line, note: `environment ${e.key}, set from ${from.name} in ${from.file} (${masked})` }
        : { file: e.file ?? this.file, line: e.line, note: `${e.file ? 'env_file' : 'environment'} ${e.key} (${masked})` };
      const signing = found.inUrl ? undefined : signingSetting(e.key);
      if (signing && this.signingKey(s, e.key, signing, masked, at, facts)) continue;
      if (!signing) this.checks.push({ file: at.file, line: at.line, message: `service ${s.name} sets ${e.key} to ${masked}: a secret written in the configuration; take it from a secret store (Docker secrets) and rotate it` });
      out.push(at);
    }
    // A URL with a password on the command line (`celery --broker=amqp://user:pw@rabbitmq`) is written in the file too,
    // and shows in every process listing besides.
    for (const arg of this.commandLineAddresses(s)) {
      const setting = { key: arg.key !== '' ? arg.key : 'URL', value: arg.value, line: arg.line };
      const found = literalSecretSetting(setting);
      if (!found?.inUrl) continue;
      const masked = describeLiteral(found, setting, env);
      const written = `${arg.where}${arg.flag !== undefined ? ` ${arg.flag}` : ' URL'}`;
      this.checks.push({ file: this.file, line: arg.line, message: `service ${s.name}: its ${arg.where} passes ${arg.flag !== undefined ? `${arg.flag} ` : ''}${masked}: a secret written in the configuration, and shown to anyone who lists the host's processes; take it from a secret store (Docker secrets) and rotate it` });
      out.push({ file: this.file, line: arg.line, note: `${written} (${masked})` });
    }
    return out;
  }

  /**
   * A literal signing key's check, and its fact when it is the first of its kind on the service (see
   * signingSetting): false for a later one, which the caller keeps among the hard-coded secrets, so that every
   * literal is cited somewhere.
   */
  private signingKey(s: Service, key: string, signing: SigningSetting, masked: string, at: Provenance, facts: DraftFact[]): boolean {
    this.checks.push({ file: at.file, line: at.line, message: `service ${s.name} sets ${key}, the key that signs ${signing.signs}, to ${masked}: ${signing.risk}; ${signingKeyFix('a secret store (Docker secrets)')}` });
    if (facts.some((f) => f.tag === signing.tag)) return false;
    facts.push({ tag: signing.tag, provenance: { ...at, note: `${at.note}: signs ${signing.signs}; ${signing.risk}` } });
    return true;
  }

  /** linuxserver's SSH server lets clients log in with a password when PASSWORD_ACCESS is true (see sshPasswordLogin). */
  private sshPasswordLogin(env: readonly EnvSetting[]): Provenance | undefined {
    const on = sshPasswordLogin(env);
    return on && { file: on.setting.file ?? this.file, line: on.setting.line, note: `${on.setting.file ? 'env_file' : 'environment'} ${on.says}` };
  }

  /**
   * Where the service's own settings switch SSH password login off: linuxserver's settings (see sshPasswordOff) on
   * an SSH server image, else an sshd_config (or drop-in) of the repository it mounts that says so (see sshdKeyOnly).
   */
  private sshKeyOnly(s: Service, env: readonly EnvSetting[], identity: Identity | undefined): Provenance | undefined {
    const off = identity?.protocol === 'ssh' ? sshPasswordOff(this.text(s.settings.get('image')), env) : undefined;
    if (off) return { file: off.setting.file ?? this.file, line: off.setting.line, note: `${off.setting.file ? 'env_file' : 'environment'} ${off.says}` };
    if (!this.options.readFile) return undefined;
    const mounts = this.bindMounts(s);
    const configs = [mountedAt(mounts, '/etc/ssh/sshd_config'), ...mounts.filter((m) => SSHD_CONFIG_PATH.test(m.target) && m.target !== '/etc/ssh/sshd_config')];
    for (const m of configs) {
      const read = m && this.options.readFile(m.source);
      const found = read && sshdKeyOnly(read.text);
      if (!read || !found) continue;
      if (!this.draft.sources.some((x) => x.file === read.file)) this.draft.sources.push({ file: read.file, format: 'sshd_config' });
      return { file: read.file, line: found.line, note: found.says };
    }
    return undefined;
  }

  /** The remote debugger the service starts, with a note on the element when it listens on every interface. */
  private debuggerOf(s: Service, env: readonly EnvSetting[], notes: string[]): DebuggerListener | undefined {
    const listener = debuggerListener(['entrypoint', 'command'].map((key) => ({ where: key, args: this.command(s, key) })), env);
    if (listener?.bind === 'all') notes.push(`${debuggerNote(listener)} listens on every interface: services on its networks can attach`);
    return listener;
  }

  private addPublished(s: Service, networkMode: string | undefined, debuggerListener: DebuggerListener | undefined): void {
    // Ports bound to a variable's loopback default, or to a public address the `.env` sets, by variable and address: one check each.
    const byDefault = new Map<string, PortGroup>();
    const byDotEnv = new Map<string, PortGroup>();
    const sealed = this.onInternalNetworksOnly(s, networkMode);
    const unpublished: string[] = [];
    for (const item of this.items(s.settings.get('ports'), 'a list of port mappings')) {
      const port = this.portMapping(item.value, item.offset, item.path);
      if (!port) continue;
      if (sealed) {
        unpublished.push(port.text);
        continue;
      }
      const evidence = withDebugger(portEvidence(port.mapping, this.provenance(item.offset, portNote(port.mapping, port.text))), debuggerListener);
      const local = hostOnly(port.mapping) || hostByDefault(port.mapping);
      addOutsideCaller(this.draft, s.id, evidence, local ? 'host' : 'outside');
      const { hostIpVariable, hostIpSetIn } = port.mapping;
      if (hostByDefault(port.mapping)) groupPort(byDefault, hostIpVariable!, port.mapping, this.line(item.offset));
      else if (hostIpSetIn && !local) groupPort(byDotEnv, hostIpSetIn.name, port.mapping, this.line(item.offset));
    }
    for (const { variable, ip, line, ports } of byDefault.values()) {
      this.checks.push({
        file: this.file, line,
        message: `service ${s.name} publishes on \${${variable}} (default ${ip}): if a deployment sets it to a public address, ${s.name} is reachable from outside (${portList(ports)}); the draft follows the default, local clients only`,
      });
    }
    for (const { variable, ip, line, ports } of byDotEnv.values()) {
      const at = variableAt(this.vars.get(variable)!);
      this.checks.push({ file: this.file, line, message: `service ${s.name} publishes on \${${variable}}, which ${at} sets to ${ip}: ${s.name} is reachable from outside (${portList(ports)})` });
    }
    if (unpublished.length) {
      const ports = s.settings.get('ports')!;
      const listed = this.networksOf(s);
      const nets = listed.length ? listed : ['default'];
      this.checks.push({
        file: this.file, line: this.line(ports.offset),
        message: `service ${s.name} lists ports ${unpublished.join(', ')} but joins only internal network${nets.length > 1 ? 's' : ''} ${nets.join(', ')}: Docker publishes no port of such a container, so the draft draws no call from outside; if it must be reachable, attach it to a network that is not internal too`,
      });
    }
    if (networkMode === 'host') {
      const mode = s.settings.get('network_mode')!;
      addOutsideCaller(this.draft, s.id, { provenance: this.provenance(mode.offset, 'network_mode host: every port it listens on is a port of the host') });
    }
  }

  /**
   * A container attached only to `internal: true` networks has no gateway, and Docker publishes none of its ports
   * (moby/moby#36174). Without `networks:` it joins the project's `default`, internal only when declared so.
   */
  private onInternalNetworksOnly(s: Service, networkMode: string | undefined): boolean {
    if (networkMode !== undefined) return false;
    const nets = this.networksOf(s);
    return nets.length > 0 ? nets.every((n) => this.internalNetworks.has(n)) : this.internalNetworks.has('default');
  }

  private portMapping(node: YamlNode | null, offset: number, path: ModelPath): { mapping: PortMapping; text: string } | undefined {
    const expected = 'a port mapping such as "8080:80" or "127.0.0.1:8080:80/tcp", or a map with `target:`';
    if (isMap(node)) return this.longPortMapping(node, offset, path);
    const raw = this.src.text(node, offset, path, expected);
    if (typeof raw !== 'string') {
      if (raw === undefined) this.src.wrongType(node, offset, path, expected);
      return undefined;
    }
    const used = new Set<string>();
    const text = this.interp(raw, used);
    const mapping = parsePortSpec(text);
    // The host address is the mapping's first part: a mapping that starts with a variable takes it from there.
    const variable = hostIpVariableOf(raw);
    if (mapping) return { mapping: mapping.hostIp !== undefined && variable ? { ...mapping, ...this.hostIpOrigin(variable, used) } : mapping, text };
    if (raw.includes('$')) {
      const how = used.size ? `with the variables ${this.options.projectEnv?.file} sets and every other one unset` : 'with its variables unset';
      this.src.problem('warning', 'unreadable-port', this.src.offsetOf(node, offset), path,
        `port mapping \`${raw}\` reads \`${text}\` ${how}, which is not a port mapping; left out`);
    } else {
      this.src.problem('error', 'invalid-value', this.src.offsetOf(node, offset), path, `\`${raw}\` is not a port mapping`, { expected, found: describeNode(node) });
    }
    return undefined;
  }

  /** Where a host address written with a variable comes from: the `.env` when it set the variable, else the deployment. */
  private hostIpOrigin(variable: string, used: ReadonlySet<string>): Pick<PortMapping, 'hostIpVariable' | 'hostIpSetIn'> {
    const set = used.has(variable) ? this.vars.get(variable) : undefined;
    return set ? { hostIpSetIn: { name: variable, ...set } } : { hostIpVariable: variable };
  }

  /** `{ target: 80, published: "8080", host_ip: 127.0.0.1, protocol: tcp, app_protocol: http }`. */
  private longPortMapping(node: YamlNode, offset: number, path: ModelPath): { mapping: PortMapping; text: string } | undefined {
    const fields = this.fields({ key: '', offset, value: node, path });
    const targetEntry = fields.get('target');
    const target = this.text(targetEntry, 'a port number')?.trim();
    if (target === undefined || !PORT_OR_RANGE.test(target)) {
      if (!targetEntry || target !== undefined) {
        this.src.problem('error', 'invalid-value', this.src.offsetOf(targetEntry?.value ?? node, targetEntry?.offset ?? offset), [...path, 'target'],
          'a port mapping needs the container port as `target:`', { expected: 'a port number', found: describeNode(targetEntry?.value ?? null) });
      }
      return undefined;
    }
    const published = this.text(fields.get('published'))?.trim() ?? '';
    const hostIpEntry = fields.get('host_ip');
    const used = new Set<string>();
    const hostIp = this.text(hostIpEntry, 'a string', used);
    const hostIpVariable = hostIpEntry && isScalar(hostIpEntry.value) ? hostIpVariableOf(hostIpEntry.value.value) : undefined;
    const transport = this.text(fields.get('protocol'))?.toLowerCase();
    const appProtocol = this.text(fields.get('app_protocol'))?.toLowerCase();
    const mapping: PortMapping = {
      published: PORT_OR_RANGE.test(published) ? published : '',
      target,
      ...(hostIp ? { hostIp } : {}),
      ...(hostIp && hostIpVariable ? this.hostIpOrigin(hostIpVariable, used) : {}),
      ...(transport ? { transport } : {}),
      ...(appProtocol ? { appProtocol } : {}),
    };
    return { mapping, text: `${hostIp ? `${hostIp}:` : ''}${mapping.published ? `${mapping.published}:` : ''}${target}${transport ? `/${transport}` : ''}` };
  }

  // --- Traefik -------------------------------------------------------------------------------------

  /**
   * A service's labels (`labels:`, and `deploy.labels:` for Swarm), list or map form, variables substituted, Traefik's
   * named as Traefik matches them (see traefikKey). Read quietly: a label that is no string is Compose's to refuse,
   * and says nothing of routes.
   */
  private labels(s: Service): Map<string, Label> {
    const out = new Map<string, Label>();
    const set = (key: string, value: string, offset: number) => {
      const name = key.trim();
      out.set(/^traefik\./i.test(name) ? traefikKey(name) : name, { value: this.interp(value).trim(), at: { file: this.file, line: this.line(offset) } });
    };
    for (const entry of [s.settings.get('labels'), this.fields(s.settings.get('deploy')).get('labels')]) {
      if (entry && isMap(entry.value)) {
        for (const e of this.src.entries(entry.value, entry.path)) {
          const v = scalarText(e.value);
          if (v !== undefined) set(e.key, v, e.offset);
        }
      } else if (entry && isSeq(entry.value)) {
        for (const item of entry.value.items) {
          const text = scalarText(item as YamlNode | null);
          const eq = text === undefined ? -1 : text.indexOf('=');
          if (eq > 0) set(text!.slice(0, eq), text!.slice(eq + 1), this.src.offsetOf(item as YamlNode | null, entry.offset));
        }
      }
    }
    return out;
  }

  /**
   * Routes a Traefik in this file (or, when the file runs none, one outside it, as a Kubernetes Ingress
   * controller is) takes: to the services whose labels declare routers, and to the servers of the routers its
   * file provider declares (files it mounts, or next to the compose file). Each is a flow from the proxy to the
   * service on the port it forwards to, the router's paths endpoints, and what its middlewares say about callers
   * (basic or forward auth, an allow-list, a rate limit). `traefik.enable=false` routes nothing, and nor do
   * routers that Traefik only redirects to HTTPS; a Traefik v1 proxy, or v1 labels, are named as not read.
   */
  private addTraefikRoutes(services: readonly Service[], active: readonly Service[]): void {
    const proxies = services.filter((s) => this.identityTech(s) === 'traefik');
    const proxy = proxies.find((s) => active.includes(s));
    // A proxy this file defines but does not start routes nothing.
    if (proxies.length && !proxy) return;
    if (proxy && this.traefikV1(proxy)) return;
    const config = proxy ? this.traefikConfig(proxy) : { setup: traefikSetup(new Map()), files: [] };
    const labels = new Map(active.map((s) => [s, this.labels(s)]));
    const ctx: TraefikContext = {
      setup: config.setup,
      proxy,
      labels,
      middlewares: traefikMiddlewares([
        ...[...labels.values()].map((l) => ({ labels: l, provider: 'docker' as const })), ...config.files.map((f) => ({ labels: f, provider: 'file' as const })),
      ]),
      servers: new Map(config.files.flatMap((f) => [...traefikServers(f)])),
    };
    for (const s of active) {
      if (s === proxy) continue;
      const own = labels.get(s)!;
      const enable = own.get('traefik.enable')?.value.toLowerCase();
      if (enable === 'false' || (enable !== 'true' && !config.setup.exposedByDefault)) continue;
      const routers = traefikRouters(own, 'docker', enable === 'true' ? s.name : undefined);
      this.noteTraefikV1(s, own, routers);
      for (const router of routers) this.addTraefikRoute(router, this.labelBackends(s, own, router, ctx), ctx);
    }
    for (const file of config.files) {
      for (const router of traefikRouters(file, 'file')) this.addTraefikRoute(router, this.fileBackends(router, ctx), ctx);
    }
  }

  /** Traefik v1 reads neither the labels nor the configuration this reader knows: a check, and no route. */
  private traefikV1(proxy: Service): boolean {
    const entry = proxy.settings.get('image');
    const image = this.text(entry) ?? '';
    const tag = /:([^/:@]+)(?:@.*)?$/.exec(image.trim())?.[1] ?? '';
    if (!/^v?1(?:[.-]|$)/.test(tag)) return false;
    this.checks.push({ file: this.file, line: this.line(entry?.offset ?? proxy.offset), message: `service ${proxy.name}: Traefik v1 (image ${image.trim()}), end-of-life; its labels and configuration are not read, so add its routes by hand` });
    return true;
  }

  /** v1 labels on a service Traefik v2 or later routes: they route nothing, and the draft says so. */
  private noteTraefikV1(s: Service, own: Map<string, Label>, routers: readonly TraefikRouter[]): void {
    const v1 = [...own].filter(([key]) => V1_LABEL.test(key));
    if (v1.length === 0 || routers.some((r) => r.rule !== undefined)) return;
    const [key, label] = v1[0];
    this.checks.push({
      file: label.at.file, line: label.at.line,
      message: `service ${s.name}: Traefik v1 labels (${key}${v1.length > 1 ? ', ...' : ''}), which Traefik v2 and later ignore: no route read from them; write them as v2 routers`,
    });
  }

  /**
   * The proxy's static configuration and file provider: a static file it mounts (`--configfile`, else Traefik's
   * own places), which then replaces its command line as in Traefik, else its command line and TRAEFIK_* variables
   * (with a `traefik.yml` next to the compose file under them); then the file provider's file or folder, mounted
   * or next to the compose file. Whatever cannot be read is said in the proxy's comment.
   */
  private traefikConfig(proxy: Service): { setup: TraefikSetup; files: Array<Map<string, Label>> } {
    const flags = this.traefikFlags(proxy);
    const mounts = this.bindMounts(proxy);
    const notes: Provenance[] = [];
    const found = this.traefikStatic(flags, mounts, proxy, notes);
    const settings = new Map<string, string>();
    for (const [key, label] of found?.labels ?? []) settings.set(key.replace(/^traefik\./, ''), label.value);
    // Traefik reads one source of static settings: a configuration file it finds wins over its command line.
    if (!found?.mounted) for (const [key, value] of flags) settings.set(key, value);
    const setup = traefikSetup(settings);
    const files = this.traefikDynamic(setup.fileProvider, mounts, proxy, notes);
    if (notes.length) addElement(this.draft, { key: proxy.id, id: proxy.id, aliases: [], provenance: notes });
    return { setup, files };
  }

  /** The proxy's command-line options and TRAEFIK_* variables, as dotted lower-case names. */
  private traefikFlags(proxy: Service): Map<string, string> {
    const settings = new Map<string, string>();
    for (const word of [...this.command(proxy, 'entrypoint'), ...this.command(proxy)].flatMap((a) => a.split(/\s+/))) {
      const m = /^--([A-Za-z0-9_.-]+)(?:=(.*))?$/.exec(word.replace(/^(['"])(.*)\1$/, '$2'));
      if (m) settings.set(m[1].toLowerCase(), m[2] ?? 'true');
    }
    for (const e of this.environment(proxy)) {
      if (/^TRAEFIK_/i.test(e.key) && e.value !== undefined) settings.set(e.key.slice(8).toLowerCase().replace(/_/g, '.'), e.value);
    }
    return settings;
  }

  /** The repository's files and folders a service bind-mounts, read quietly (the volumes were read, with their problems, for privileges). */
  private bindMounts(s: Service): Mount[] {
    const entry = s.settings.get('volumes');
    const out: Mount[] = [];
    for (const item of entry && isSeq(entry.value) ? entry.value.items as Array<YamlNode | null> : []) {
      let source: string | undefined;
      let target: string | undefined;
      if (isMap(item)) {
        const type = scalarText(item.get('type', true) as YamlNode | null);
        if (type !== undefined && type !== 'bind') continue;
        source = scalarText(item.get('source', true) as YamlNode | null);
        target = scalarText(item.get('target', true) as YamlNode | null);
      } else [source, target] = this.interp(scalarText(item) ?? '').split(':');
      source = source === undefined ? undefined : this.interp(source).trim();
      // A source that is no path is a named volume, not the repository's.
      if (!source || !target || !/^[.~/]/.test(source)) continue;
      out.push({ source, target: containerPath(this.interp(target)) || '/', offset: this.src.offsetOf(item, entry!.offset) });
    }
    return out;
  }

  /**
   * A Traefik configuration file of the repository (YAML or TOML), as labels (see configLabels); undefined when it
   * is not there, or not YAML or TOML. TOML that does not parse is a check: Traefik would refuse it too.
   */
  private readTraefikFile(path: string): Map<string, Label> | undefined {
    const toml = /\.toml$/i.test(path);
    if (!toml && !/\.ya?ml$/i.test(path)) return undefined;
    const read = this.options.readFile?.(path);
    if (!read) return undefined;
    const labels = toml ? this.tomlLabels(read.text, read.file) : yamlLabels(read.text, read.file);
    if (labels && !this.draft.sources.some((x) => x.file === read.file)) this.draft.sources.push({ file: read.file, format: TRAEFIK_FORMAT });
    return labels;
  }

  /** A TOML configuration file as labels, each at its line; undefined, and a check, when it does not parse. */
  private tomlLabels(text: string, file: string): Map<string, Label> | undefined {
    const { root, error } = parseToml(text);
    if (error) {
      const message = `Traefik configuration ${file} is not valid TOML (column ${error.col}: ${error.message}); its settings are not read`;
      // The static file and the file provider may both name it: one check.
      if (!this.checks.some((c) => c.file === file && c.message === message)) this.checks.push({ file, line: error.line, message });
      return undefined;
    }
    return new Map(flattenToml(root).map((s) => [traefikKey(['traefik', ...s.path].join('.')), { value: s.value, at: { file, line: s.line } }]));
  }

  /** The static configuration file Traefik reads: mounted where it looks (or `--configfile` says), else a `traefik.yml` next to the compose file. */
  private traefikStatic(flags: ReadonlyMap<string, string>, mounts: readonly Mount[], proxy: Service, notes: Provenance[]): { labels: Map<string, Label>; mounted: boolean } | undefined {
    const named = flags.get('configfile');
    const places = named !== undefined ? [named] : ['/etc/traefik/traefik.yml', '/etc/traefik/traefik.yaml', '/traefik.yml', '/traefik.yaml', '/etc/traefik/traefik.toml', '/traefik.toml'];
    const mounted = places.flatMap((p) => mountedAt(mounts, p) ?? []);
    for (const m of mounted) {
      const labels = this.readTraefikFile(m.source);
      if (labels) return { labels, mounted: true };
    }
    if (mounted.length || named !== undefined) return undefined;
    for (const name of ['traefik.yml', 'traefik.yaml', 'traefik.toml']) {
      const labels = this.readTraefikFile(name);
      if (labels) {
        notes.push(this.provenance(proxy.offset, `traefik static configuration ${name} read from beside the compose file (not mounted: check the container sees it)`));
        return { labels, mounted: false };
      }
    }
    return undefined;
  }

  /** The file provider's files: its file, or the YAML and TOML files of its folder, where the proxy mounts them from (else beside the compose file). */
  private traefikDynamic(provider: TraefikSetup['fileProvider'], mounts: readonly Mount[], proxy: Service, notes: Provenance[]): Array<Map<string, Label>> {
    const out: Array<Map<string, Label>> = [];
    for (const [path, folder] of [[provider.filename, false], [provider.directory, true]] as const) {
      if (path === undefined) continue;
      const mount = mountedAt(mounts, path);
      const source = mount?.source ?? containerPath(path).split('/').pop() ?? '';
      const files = folder
        ? (this.options.listFolder?.(source) ?? []).filter((n) => /\.(?:ya?ml|toml)$/i.test(n)).sort(byCodeUnits).map((n) => `${source.replace(/\/+$/, '')}/${n}`)
        : [source];
      const read = files.flatMap((f) => this.readTraefikFile(f) ?? []);
      out.push(...read);
      const where = mount ? this.provenance(mount.offset) : this.provenance(proxy.offset);
      if (read.length === 0) notes.push({ ...where, note: `traefik file provider ${path} not read (${mount ? `${source} is not there, or not YAML or TOML` : 'not mounted from the folder searched'})` });
      else if (!mount) notes.push({ ...where, note: `traefik file provider ${path} read from ${source} beside the compose file (not mounted: check the container sees it)` });
    }
    return out;
  }

  /** Where a label-declared router forwards: its own container (on the port its labels or its ports say), or the file provider's servers. */
  private labelBackends(s: Service, own: Map<string, Label>, router: TraefikRouter, ctx: TraefikContext): Backend[] {
    if (router.service?.toLowerCase().endsWith('@file')) return this.serverBackends(router.protocol, router.service.slice(0, -5), ctx);
    const service = router.service?.replace(/@docker$/i, '') ?? '';
    const scheme = own.get(`traefik.http.services.${service}.loadbalancer.server.scheme`)?.value.toLowerCase();
    const port = this.backendPort(s, own, router.protocol, service);
    return [{ service: s, host: s.name, ...(port !== undefined ? { port } : {}), ...(scheme ? { scheme } : {}) }];
  }

  /** Where a file-provider router forwards: its service's servers, or (`name@docker`) the container whose labels define that service. */
  private fileBackends(router: TraefikRouter, ctx: TraefikContext): Backend[] {
    const ref = router.service ?? '';
    const at = ref.lastIndexOf('@');
    const [name, provider] = at > 0 ? [ref.slice(0, at), ref.slice(at + 1).toLowerCase()] : [ref, 'file'];
    if (provider === 'file') return this.serverBackends(router.protocol, name, ctx);
    if (provider !== 'docker') return [];
    const prefix = `traefik.${router.protocol}.services.${name}.`;
    const s = [...ctx.labels].find(([svc, l]) => svc !== ctx.proxy && ([...l.keys()].some((k) => k.startsWith(prefix)) || svc.name === name))?.[0];
    if (!s) return [];
    const port = this.backendPort(s, ctx.labels.get(s)!, router.protocol, name);
    return [{ service: s, host: s.name, ...(port !== undefined ? { port } : {}) }];
  }

  /** The servers of a file provider's service: the compose service a server's host names, else the host itself. */
  private serverBackends(protocol: RouterProtocol, name: string, ctx: TraefikContext): Backend[] {
    return (ctx.servers.get(`${protocol} ${name}`) ?? []).map((server) => {
      const s = [...ctx.labels.keys()].find((svc) => svc.hostNames.some((h) => h.toLowerCase() === server.host.toLowerCase()));
      return { ...(s ? { service: s } : {}), host: server.host, ...(server.port !== undefined ? { port: server.port } : {}), ...(server.scheme ? { scheme: server.scheme } : {}) };
    });
  }

  private addTraefikRoute(router: TraefikRouter, backends: readonly Backend[], ctx: TraefikContext): void {
    const { setup, proxy } = ctx;
    const entrypoints = router.entrypoints.length ? router.entrypoints : [...setup.entrypoints.keys()];
    // An HTTP router whose every entrypoint redirects to another answers with a redirect only.
    if (router.protocol === 'http' && entrypoints.length && entrypoints.every((e) => setup.entrypoints.get(e)?.redirects)) return;
    const used = router.middlewares.map((m) => ctx.middlewares.get(middlewareRef(router.protocol, m, router.provider))
      ?? { name: m, protocol: router.protocol, provider: router.provider, kind: 'unknown' as const, at: router.at });
    if (used.some((m) => m.kind === 'redirectscheme')) return;
    const name = router.provider === 'file' ? `${router.name}@file` : router.name;
    const at = router.rule?.at ?? router.at;
    if (backends.length === 0) {
      this.draft.omitted.push({ key: `router ${name}`, reason: `a Traefik router to service ${router.service ?? '?'}, which no configuration read defines`, provenance: { ...at } });
      return;
    }
    const tls = router.tls || (router.protocol === 'http' && entrypoints.some((e) => setup.entrypoints.get(e)?.tls));
    const gate = traefikGate(used, ctx.middlewares);
    const controls = gate.controls.map((c) => ({ control: c.control, provenance: { ...c.at, note: c.note } }));
    const rule = router.rule?.value ?? `(default rule: Host of ${backends[0].host})`;
    const on = entrypoints.length ? ` on ${entrypoints.join(', ')}` : '';
    const unread = used.filter((m) => m.kind === 'unknown').map((m) => m.name);
    const tlsNote = !tls ? '' : router.passthrough ? ' (TLS passed through to the backend)' : ' (TLS at the proxy)';
    const notes = [
      `traefik ${router.protocol === 'tcp' ? 'TCP ' : ''}router ${name} ${rule}${on}${tlsNote}`,
      ...(gate.auth ? [gate.auth.note] : []),
      ...(unread.length ? [`middleware${unread.length > 1 ? 's' : ''} ${unread.join(', ')} not read`] : []),
    ];
    const provenance: Provenance = { ...at, note: notes.join(', ') };
    const facts = { provenance, route: `router ${name}`, ...(gate.auth ? { auth: gate.auth.method } : {}) };
    const endpoints = router.protocol !== 'http' ? [] : traefikPaths(router.rule?.value ?? '').filter((p) => ROUTE_PATH.test(p))
      .map((p) => ({ key: p, routed: true, ...(gate.auth ? { auth: gate.auth.method } : {}), provenance: [{ ...router.rule!.at, note: `traefik router ${name} path ${p}` }] }));
    const listening = entrypoints.map((e) => setup.entrypoints.get(e)?.port).find((p) => p !== undefined);
    for (const b of backends) {
      // A TCP route says nothing of the protocol: the backend's port or technology does.
      const protocol = router.protocol === 'tcp' ? {} : { protocol: b.scheme === 'https' ? 'https' : 'http' };
      const ports = b.port !== undefined ? { port: b.port, targetPort: b.port } : {};
      if (b.service) addElement(this.draft, { key: b.service.id, id: b.service.id, aliases: [], provenance: [], ...(controls.length ? { controls } : {}), ...(endpoints.length ? { endpoints } : {}) });
      if (proxy && b.service) addEvidence(this.draft, proxy.id, b.service.id, [{ ...facts, ...protocol, ...ports }]);
      // A server outside the file (a host on the internet, another machine) is a reference, drawn once resolved.
      else if (proxy) this.draft.references.push({ from: proxy.id, host: b.host, evidence: { ...facts, ...protocol, ...ports, ...(b.scheme ? { scheme: b.scheme } : {}) } });
      else if (b.service) {
        const outside = router.protocol === 'tcp' ? { ...(b.port !== undefined ? { targetPort: b.port } : {}), ...(tls ? { protocol: 'tls' } : {}) } : { protocol: tls ? 'https' : 'http' };
        addOutsideCaller(this.draft, b.service.id, { ...facts, ...outside, ...(listening !== undefined ? { port: listening } : {}) });
      }
    }
  }

  /**
   * The port Traefik forwards to: the service label's, else the container's only exposed or published port
   * (read quietly: the published ports were read, with their problems, as flows).
   */
  private backendPort(s: Service, own: Map<string, Label>, protocol: RouterProtocol, service: string): number | undefined {
    const stated = own.get(`traefik.${protocol}.services.${service}.loadbalancer.server.port`)?.value;
    if (stated !== undefined && /^\d{1,5}$/.test(stated) && Number(stated) <= 65535) return Number(stated);
    const ports = new Set<number>();
    const list = (key: string) => {
      const entry = s.settings.get(key);
      return entry && isSeq(entry.value) ? entry.value.items as Array<YamlNode | null> : [];
    };
    for (const item of list('expose')) {
      const p = firstPort(this.interp(scalarText(item) ?? '').trim().split('/')[0]);
      if (p !== undefined) ports.add(p);
    }
    for (const item of list('ports')) {
      const target = isMap(item) ? scalarText(item.get('target', true) as YamlNode | null) : parsePortSpec(this.interp(scalarText(item) ?? ''))?.target;
      const p = target === undefined ? undefined : firstPort(this.interp(target).trim());
      if (p !== undefined) ports.add(p);
    }
    return ports.size === 1 ? [...ports][0] : undefined;
  }

  private identityTech(s: Service): string | undefined {
    const image = this.text(s.settings.get('image'));
    return image ? imageTech(image) : undefined;
  }

  // --- References ----------------------------------------------------------------------------------

  /**
   * An address setting whose host is set when the project starts, not in these files: `http://${API_HOST:?err}:8080`,
   * `PAYMENTS_URL: ${PAYMENTS_URL}` or a bare `PAYMENTS_URL` passed from the shell, with no `.env` setting it. The call
   * is real (Compose refuses to start without a `:?` variable) and usually goes to a service of another project or
   * outside; with no host there is no flow to draw, so a check line says what is missing instead of nothing.
   */
  private noteUnsetHost(s: Service, setting: ComposeEnvSetting): void {
    const variable = setting.raw === undefined ? (isAddressSetting(setting.key) ? { name: setting.key, op: '' } : undefined) : hostVariable(setting.raw, setting.key);
    if (variable === undefined || this.allVars.get(variable.name)?.value) return;
    const how = setting.raw === undefined ? `${setting.key} is passed from the environment of whoever starts it`
      : `${setting.key} takes its host from \${${variable.name}}, which ${variable.op.includes('?') ? 'Compose requires and ' : ''}no .env sets here`;
    this.checks.push({
      file: setting.file ?? this.file, line: setting.line,
      message: `service ${s.name}: ${how}, so the call it names is not drawn; set it in the .env beside the compose file, or add what it calls to the model`,
    });
  }

  /** Hosts the service names; they become flows once matched to an element (in this file or another). */
  private addReferences(s: Service, env: readonly ComposeEnvSetting[], inactive: ReadonlySet<string>): void {
    const own = new Set(s.hostNames.map((n) => n.toLowerCase()));
    const linkAliases = new Map<string, string>();
    const refer = (host: string, evidence: FlowEvidence, explicit: boolean, setting?: string, withPort = false) => {
      const target = linkAliases.get(host.toLowerCase()) ?? host;
      // A service calling itself is not a flow; one left out by its profile is not in the model.
      if (own.has(target.toLowerCase()) || inactive.has(target.toLowerCase())) return;
      this.draft.references.push({ from: s.id, host: target, evidence, ...(explicit ? { explicit } : {}), ...(setting !== undefined ? { setting } : {}), ...(withPort ? { withPort } : {}) });
    };
    for (const dep of this.dependencies(s)) {
      if (dep.alias) linkAliases.set(dep.alias.toLowerCase(), dep.name);
      const evidence: FlowEvidence = { provenance: this.provenance(dep.offset, dep.how) };
      // A link gives the service a host name to call; depends_on only a start-up order.
      if (dep.how === 'depends_on') this.startupOnly.add(evidence);
      refer(dep.name, evidence, true);
    }
    for (const arg of this.commandLineAddresses(s)) {
      for (const m of hostMentions(arg.value, arg.key)) {
        refer(m.host, {
          provenance: { file: this.file, line: arg.line, note: `${arg.where}${arg.flag !== undefined ? ` ${arg.flag}` : ' URL'}` },
          ...(m.scheme ? { scheme: m.scheme } : {}),
          ...(m.query ? { query: m.query } : {}),
          ...(m.port !== undefined ? { port: m.port, targetPort: m.port } : {}),
          ...(m.credentials ? { credentials: true } : {}),
        }, false, arg.key !== '' ? arg.key : undefined, m.port !== undefined);
      }
    }
    for (const setting of env) {
      // A secret's value names no host, and must not travel on as one; `KEY_VAULT_URL` or `TOKEN_ENDPOINT` is an address.
      if (isSecretSetting(setting.key) || notACall(setting.key)) continue;
      const mentions = setting.value === undefined ? [] : hostMentions(setting.value, setting.key);
      if (mentions.length === 0) this.noteUnsetHost(s, setting);
      const siblingPort = companionPort(env, setting.key);
      for (const m of mentions) {
        const port = m.port ?? siblingPort;
        refer(m.host, {
          provenance: { file: setting.file ?? this.file, line: setting.line, note: `${setting.file ? 'env_file' : 'environment'} ${setting.key}${hostFrom(setting, m.host)}` },
          ...(m.scheme ? { scheme: m.scheme } : {}),
          ...(m.query ? { query: m.query } : {}),
          ...(port !== undefined ? { port, targetPort: port } : {}),
          ...(m.credentials ? { credentials: true } : {}),
          ...credentialOf(env, setting),
        }, false, setting.key, m.port !== undefined);
      }
    }
  }

  /**
   * The services an nginx configuration a service mounts sends requests to (`proxy_pass http://app:3000;`), read as
   * a ConfigMap mounted in a pod is (see configAddresses), each cited at its line. As there, a configuration file
   * holds comments and documentation links too: only a name another service of the file answers to counts.
   */
  private addNginxRoutes(active: readonly Service[]): void {
    const byName = new Map(active.flatMap((s) => s.hostNames.map((n) => [n.toLowerCase(), s] as const)));
    for (const s of active) {
      const own = new Set(s.hostNames.map((n) => n.toLowerCase()));
      for (const config of this.nginxConfigs(s)) {
        if (!this.draft.sources.some((x) => x.file === config.file)) this.draft.sources.push({ file: config.file, format: NGINX_FORMAT });
        // Its public names: an API spec whose server is `https://shop.example.com/api` is served through it.
        const names = nginxServerNames(config.text).filter((n) => !byName.has(n.name.toLowerCase()));
        if (names.length) addElement(this.draft, { key: s.id, id: s.id, aliases: names.map((n) => n.name), provenance: [] });
        for (const m of configAddresses(config.text)) {
          const host = m.host.toLowerCase();
          const upstream = byName.get(host);
          if (own.has(host) || !upstream) continue;
          // A `location /api/` is a route, as an Ingress path or a Traefik rule is: a spec's /api paths belong behind it.
          const route = m.location !== undefined && m.location !== '/' && ROUTE_PATH.test(m.location) ? m.location : undefined;
          if (route) addElement(this.draft, { key: upstream.id, id: upstream.id, aliases: [], provenance: [], endpoints: [{ key: route, routed: true, provenance: [{ file: config.file, line: m.line, note: `nginx location ${route} (${s.name})` }] }] });
          this.draft.references.push({
            from: s.id,
            host: m.host,
            evidence: {
              provenance: { file: config.file, line: m.line, note: `mounted at ${config.target}${route ? `, location ${route}` : ''}` },
              ...(route ? { route: `nginx location ${route}` } : {}),
              ...(m.scheme ? { scheme: m.scheme } : {}),
              ...(m.port !== undefined ? { port: m.port, targetPort: m.port } : {}),
              ...(m.credentials ? { credentials: true } : {}),
            },
          });
        }
      }
    }
  }

  /**
   * The nginx configuration files of the repository a service mounts where nginx reads them (NGINX_CONFIG_PATH):
   * each file mounted there, and the files of a folder mounted as one of nginx's folders or above them
   * (`./nginx:/etc/nginx`), the deepest mount winning as in the container.
   */
  private nginxConfigs(s: Service): MountedFile[] {
    const { readFile, listFolder } = this.options;
    if (!readFile) return [];
    const mounts = this.bindMounts(s);
    const paths = new Set(['/etc/nginx/nginx.conf', ...mounts.map((m) => m.target)]);
    for (const folder of NGINX_CONFIG_FOLDERS) {
      const m = mountedAt(mounts, folder);
      for (const name of m ? listFolder?.(m.source) ?? [] : []) paths.add(`${folder}/${name}`);
    }
    const files = [...paths].filter((p) => NGINX_CONFIG_PATH.test(p)).sort(byCodeUnits).flatMap((path) => {
      const m = mountedAt(mounts, path);
      const read = m && readFile(m.source);
      return read ? [{ ...read, source: m.source, target: path }] : [];
    });
    this.noteUnreadNginx(s, mounts, files);
    return files;
  }

  /**
   * A mount where nginx reads its configuration that gave no file read leaves the routes it holds out of the draft:
   * the service's comment says so, at the mount.
   */
  private noteUnreadNginx(s: Service, mounts: readonly Mount[], files: readonly MountedFile[]): void {
    const gave = (m: Mount) => files.some((f) => f.source === m.source || f.source.startsWith(`${m.source.replace(/\/+$/, '')}/`));
    const notes = mounts.filter((m) => (NGINX_CONFIG_PATH.test(m.target) || NGINX_CONFIG_FOLDERS.includes(m.target)) && !gave(m))
      .map((m) => this.provenance(m.offset, NGINX_CONFIG_PATH.test(m.target)
        ? `nginx configuration ${m.source} mounted at ${m.target} not read (missing, or outside the folder searched)`
        : `nginx configuration folder ${m.source} mounted at ${m.target} not read (missing, outside the folder searched, or no configuration file in it)`));
    if (notes.length) addElement(this.draft, { key: s.id, id: s.id, aliases: [], provenance: notes });
  }

  /** depends_on (list or map form) and links (`service` or `service:alias`). */
  private dependencies(s: Service): Array<{ name: string; offset: number; how: string; alias?: string }> {
    const out: Array<{ name: string; offset: number; how: string; alias?: string }> = [];
    const depends = s.settings.get('depends_on');
    if (depends && isMap(depends.value)) {
      for (const e of this.src.entries(depends.value, depends.path)) out.push({ name: e.key, offset: e.offset, how: 'depends_on' });
    } else {
      for (const d of this.strings(depends, 'a list of services, or a map of them')) out.push({ name: d.text, offset: d.offset, how: 'depends_on' });
    }
    for (const link of this.strings(s.settings.get('links'), 'a list of services (`service` or `service:alias`)')) {
      const [name, alias] = link.text.split(':');
      out.push({ name, offset: link.offset, how: 'links', ...(alias ? { alias } : {}) });
    }
    return out;
  }
}

/**
 * Reads one compose file. Problems come back as diagnostics with their positions, never as exceptions;
 * with an error the draft may be incomplete and should not be written.
 */
export function discoverCompose(text: string, file: string, options: ComposeOptions = {}): ComposeResult {
  try {
    const src = new YamlSource(text, file);
    const reader = new ComposeReader(src, file, options);
    if (!src.failed) reader.read();
    const checks = [...reader.checks].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    // The checks are also in the model's header: the reviewer reads them there, beside what they concern.
    reader.draft.limits.push(...checks.map(checkLine));
    return {
      draft: reader.draft, diagnostics: sortDiagnostics([...src.diagnostics, ...reader.manifestDiagnostics]), project: reader.project, projectStated: reader.projectStated,
      profiles: [...reader.profilesSeen].sort(), checks, builds: reader.builds,
    };
  } catch (err) {
    // Whatever the input, the caller gets a diagnostic: hostile nesting can still overflow the stack.
    if (!(err instanceof RangeError)) throw err;
    const draft = emptyDraft();
    draft.sources.push({ file, format: COMPOSE_FORMAT });
    return {
      draft, project: projectName(options.project ?? '') || 'compose', projectStated: false, profiles: [], checks: [], builds: [],
      diagnostics: [{ severity: 'error', code: 'too-deep', message: 'the file nests too deeply to read', file, line: 1, col: 1, path: '' }],
    };
  }
}
