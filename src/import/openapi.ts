// Reading an OpenAPI 3.0/3.1 or Swagger 2.0 spec (YAML or JSON) for `threatmap discover`: the API's
// operations become endpoints (`POST /login`) with the authentication the spec requires of each, so the
// rules that key on endpoints (login, upload, public, admin...) name real operations. Which element gets
// them depends on the other files (a compose service the servers name), so reading and placing are two
// steps: discoverOpenApi reads one spec, placeApi adds it to the merged draft. Pure: no Node APIs.
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { type EndpointKind } from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import { defaultEndpointKind, forwardsRequests, impliedElementType, inferEndpointKind, resolveAuth } from '../model/normalize.js';
import { nameWords, type RouteOwners, routeOwner, routeOwners } from '../model/route-owner.js';
import type { Diagnostic, ModelPath } from '../model/types.js';
import {
  addElement, addEndpoints, addOutsideCaller, type Draft, type DraftElement, type DraftEndpoint, elementByKey, emptyDraft, formatProvenance, HOST_CLIENTS, type Identity, kindOf,
  OUTSIDE_CLIENTS, type Provenance, settleFlows,
} from './draft.js';
import { isWithin } from './repo-path.js';
import { type Entry, YamlSource } from './yaml-source.js';

export const OPENAPI_FORMAT = 'OpenAPI';

/** Where the spec says the API is served: a URL's scheme, host, port and base path. */
export interface ApiServer {
  url: string;
  scheme?: string;
  host?: string;
  port?: number;
  basePath: string;
  provenance: Provenance;
}

export interface OpenApiResult {
  /** Its source and the header's limits; the API's element is placed by placeApi. */
  draft: Draft;
  diagnostics: Diagnostic[];
  /** The API: its id from the title, `type: api`, its endpoints. Absent when the spec could not be read. */
  api?: DraftElement;
  servers: ApiServer[];
  /** `OpenAPI 3.0.1` or `Swagger 2.0`. */
  version?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Bodies that carry files: an operation taking one is an upload whatever its path says. */
const UPLOAD_TYPES = new Set(['multipart/form-data', 'application/octet-stream']);

/**
 * A request field that takes an address is where the server may be made to call one (OWASP API7:2023: a
 * profile picture "by URL", a webhook, a callback): its name says so (`callback_url`, `avatarUrl`), its
 * format does, or an example value is one (`"mechanic_api": "http://localhost:8000/..."`).
 */
const URL_NAME = /(?:^|[_.-])(?:url|uri|href|webhook|callback)s?$|^(?:URL|URI)s?$|[a-z0-9](?:Url|URL|Uri|URI|Href|Webhook|Callback)s?$/;
const URL_FORMATS = new Set(['uri', 'url', 'iri', 'uri-reference', 'iri-reference']);
const URL_VALUE = /^(?:https?|ftp|gopher|file):\/\//i;
/** Parameters the caller fills in with a value the server reads (headers and cookies are the client's own). */
const INPUT_PARAMETERS = new Set(['query', 'formData', 'body', 'path']);
/** How deep a request schema is searched for such a field (nested objects, allOf, arrays): bounds `$ref` cycles too. */
const URL_SEARCH_DEPTH = 4;

/**
 * Words of a field's name (or of an object it is nested in) that say the server calls the address: a callback
 * or webhook, an endpoint or target, another API (`mechanic_api`), a source or feed to import, a proxy's upstream.
 */
const CALLED_WORDS = new Set(['callback', 'webhook', 'hook', 'notify', 'notification', 'ping', 'endpoint', 'target', 'api', 'fetch', 'import', 'proxy', 'feed', 'source', 'remote', 'upstream', 'server']);
/**
 * Words that say the address is kept and shown, not fetched: pictures and profile links a browser loads, pages
 * a redirect sends the browser to.
 */
const STORED_WORDS = new Set([
  'image', 'img', 'photo', 'picture', 'pic', 'avatar', 'logo', 'icon', 'thumbnail', 'banner', 'cover', 'profile', 'homepage', 'website', 'site', 'blog',
  'social', 'twitter', 'facebook', 'linkedin', 'github', 'redirect', 'return', 'success', 'cancel', 'failure', 'error', 'terms', 'privacy', 'tos', 'policy',
  'docs', 'documentation', 'help', 'support',
]);
/** The kinds a path gives that an operation taking an address to fetch is not: a plain API, or an upload that takes no file. */
const FETCH_CAPABLE_KINDS: ReadonlySet<EndpointKind> = new Set(['api', 'upload']);

/** What an operation whose path, id or summary says it, does with an address it takes: the server fetches it. */
const FETCHING_OPERATION = /import|fetch|preview|proxy|download|webhook|callback|crawl|scrape|unfurl|screenshot|mirror|from[-_ ]?url|by[-_ ]?url/i;

/** A request field that takes an address, by its dotted path (`source.location`). */
interface UrlField {
  path: string;
  /** A list of addresses (`photoUrls: string[]`): links kept, not one the server is asked to call. */
  list: boolean;
}

/**
 * Whether a field taking an address is one the server fetches: its name (or an enclosing object's) says the server
 * calls it; or the operation says it fetches (`POST /import`, summary "Preview a link") and the field is not a list;
 * or it is the operation's only input and its name is no stored link (`url` alone). A list of links, or a picture or
 * profile link the browser loads, is stored, unless the operation says it fetches (an avatar imported by URL).
 */
function fetchedField(field: UrlField, operationFetches: boolean, onlyInput: boolean): boolean {
  if (field.list) return false;
  const words = field.path.split('.').flatMap(nameWords);
  const last = field.path.split('.').pop() ?? '';
  if (/(?:urls|uris|links|hrefs)$/i.test(last)) return false;
  if (words.some((w) => CALLED_WORDS.has(w))) return true;
  if (operationFetches) return true;
  return onlyInput && !words.some((w) => STORED_WORDS.has(w));
}

/** What a spec cannot say, for the header. */
const LIMITS = [
  'An OpenAPI spec cannot say:',
  '  who calls the API: the flows into its element (the spec names servers, not callers)',
  '  the data behind it: which assets requests carry and responses return (`accepts:`, `returns:`, `handles:`)',
  '  its controls: rate limiting, input validation, audit logging... (`controls:` on the element or an endpoint)',
  '  whether the code enforces the security the spec states: each endpoint\'s auth is the spec\'s word',
];

/** `OWASP crAPI API` -> `owasp-crapi-api`: an id the model accepts. */
export function apiId(title: string | undefined, fallback: string): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const id = slug(title ?? '') || slug(fallback) || 'api';
  return /^[a-z]/.test(id) ? id : `api-${id}`;
}

/** `https://api.example.com:8443/v1` in parts; `{var}` already replaced. Relative URLs have no host. */
export function parseServerUrl(url: string): { scheme?: string; host?: string; port?: number; basePath: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?([^?#]*)/i.exec(url.trim());
  if (!m) return { basePath: url.trim().replace(/[?#].*$/, '').replace(/\/+$/, '') };
  const port = m[3] ? Number(m[3]) : undefined;
  return {
    scheme: m[1].toLowerCase(), host: m[2].toLowerCase() || undefined, basePath: m[4].replace(/\/+$/, ''),
    ...(port !== undefined && port > 0 && port < 65536 ? { port } : {}),
  };
}

/** A host the internet can reach: not loopback, not a private or link-local address, not a one-label or cluster-internal name. */
export function isPublicHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '0.0.0.0' || h === '::1' || h === '::') return false;
  if (/^(?:fc|fd|fe80)[0-9a-f]*:/i.test(h)) return false;
  const ip = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (ip) {
    const [a, b] = [Number(ip[1]), Number(ip[2])];
    return !(a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254));
  }
  if (!h.includes('.')) return false;
  return !/\.(?:local|internal|svc|cluster\.local|lan|home|test|example|invalid)$/.test(h);
}

class OpenApiReader {
  readonly draft = emptyDraft();
  readonly servers: ApiServer[] = [];
  api?: DraftElement;
  version?: string;
  private schemes = new Map<string, Entry>();
  private tokenPaths = new Set<string>();

  constructor(private readonly src: YamlSource, private readonly file: string) {
    this.draft.sources.push({ file, format: OPENAPI_FORMAT });
    this.draft.limits.push(...LIMITS);
  }

  private line(offset: number): number {
    return this.src.lineOf(offset);
  }

  private map(node: YamlNode | null, offset: number, path: ModelPath, expected = 'a map'): Map<string, Entry> {
    const entries = this.src.mapEntries(node, offset, path, expected) ?? [];
    return new Map(entries.map((e) => [e.key, e]));
  }

  private str(entry: Entry | undefined): string | undefined {
    if (!entry) return undefined;
    const v = this.src.text(entry.value, entry.offset, entry.path, 'a string');
    return v ?? undefined;
  }

  /** A local `$ref` (`#/components/requestBodies/Upload`), followed a few times; other refs are left unread. */
  private deref(entry: Entry | undefined): Entry | undefined {
    let current = entry;
    for (let i = 0; i < 8 && current && isMap(current.value); i++) {
      const ref = this.str(this.map(current.value, current.offset, current.path).get('$ref'));
      if (ref === undefined) return current;
      if (!ref.startsWith('#/')) return undefined;
      let at: Entry | undefined = { key: '#', offset: 0, value: this.src.root, path: [] };
      for (const part of ref.slice(2).split('/')) {
        const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
        at = at && isMap(at.value) ? this.map(at.value, at.offset, at.path).get(key) : undefined;
      }
      current = at;
    }
    return current;
  }

  read(): void {
    const root = this.src.root;
    if (!isMap(root)) {
      this.src.problem('error', 'not-openapi', this.src.offsetOf(root), [], 'an OpenAPI spec is a map with `openapi: 3.x` or `swagger: "2.0"` at its top');
      return;
    }
    const top = this.map(root, 0, []);
    const openapi = this.str(top.get('openapi'));
    const swagger = this.str(top.get('swagger'));
    const v3 = openapi !== undefined && /^3\./.test(openapi);
    if (!v3 && swagger !== '2.0') {
      const e = top.get('openapi') ?? top.get('swagger');
      this.src.problem('error', 'not-openapi', e?.value ? this.src.offsetOf(e.value) : 0, e?.path ?? [],
        'not an OpenAPI 3.x or Swagger 2.0 spec', { expected: '`openapi: 3.x` or `swagger: "2.0"`', found: openapi ?? swagger ?? 'neither key' });
      return;
    }
    this.version = v3 ? `OpenAPI ${openapi}` : 'Swagger 2.0';
    const info = top.get('info');
    const infoMap = info ? this.map(info.value, info.offset, info.path) : new Map<string, Entry>();
    const titleEntry = infoMap.get('title');
    const title = this.str(titleEntry);
    this.readServers(top, v3);
    this.readSchemes(top, v3);
    const id = apiId(title, this.file.replace(/^.*\//, '').replace(/\.[^.]*$/, ''));
    const at = titleEntry ?? info ?? { offset: 0 };
    this.api = {
      key: id, id, identity: { type: 'api' }, aliases: [],
      provenance: [{ file: this.file, line: this.line(at.offset), note: `${this.version}${title !== undefined ? ` "${title}"` : ''}` }],
      endpoints: [],
    };
    const paths = top.get('paths');
    if (!paths) {
      this.src.problem('warning', 'no-paths', 0, [], 'the spec has no `paths`: no endpoints drafted');
      return;
    }
    const globalSecurity = top.get('security');
    const globalConsumes = v3 ? [] : this.strings(top.get('consumes'));
    for (const [route, item] of this.map(paths.value, paths.offset, paths.path)) {
      if (!route.startsWith('/')) {
        this.src.problem('warning', 'invalid-path', item.offset, item.path, `path \`${route}\` does not start with \`/\`; skipped`);
        continue;
      }
      const operations = this.map(item.value, item.offset, item.path, 'a path item (a map of operations)');
      // Parameters stated once for every operation of the path.
      const shared = operations.get('parameters');
      for (const [method, op] of operations) {
        if (!METHODS.includes(method)) continue;
        const ep = this.operation(route, method, op, shared, globalSecurity, globalConsumes, v3);
        if (ep) addEndpoints(this.api, [ep]);
      }
    }
  }

  private strings(entry: Entry | undefined): string[] {
    if (!entry) return [];
    const items = this.src.listItems(entry.value, entry.offset, entry.path, 'a list of strings') ?? [];
    return items.map((i) => this.src.text(i.node, i.offset, i.path, 'a string')).filter((s): s is string => typeof s === 'string');
  }

  private readServers(top: Map<string, Entry>, v3: boolean): void {
    if (v3) {
      const servers = top.get('servers');
      if (!servers) return;
      for (const item of this.src.listItems(servers.value, servers.offset, servers.path, 'a list of servers') ?? []) {
        const server = this.map(item.node, item.offset, item.path);
        let url = this.str(server.get('url'));
        if (url === undefined) continue;
        // `{region}` placeholders take their defaults, so the host can still name an element.
        const vars = server.get('variables');
        const defaults = vars ? this.map(vars.value, vars.offset, vars.path) : new Map<string, Entry>();
        url = url.replace(/\{([^}]*)\}/g, (whole, name: string) => {
          const v = defaults.get(name);
          const d = v ? this.str(this.map(v.value, v.offset, v.path).get('default')) : undefined;
          return d ?? whole;
        });
        this.servers.push({ url, ...parseServerUrl(url), provenance: { file: this.file, line: this.line(item.offset), note: `server ${url}` } });
      }
      return;
    }
    const hostEntry = top.get('host');
    const host = this.str(hostEntry);
    const basePath = this.str(top.get('basePath')) ?? '';
    const schemes = this.strings(top.get('schemes'));
    if (host === undefined) return;
    const scheme = schemes.includes('https') ? 'https' : schemes[0] ?? 'https';
    const url = `${scheme}://${host}${basePath}`;
    this.servers.push({ url, ...parseServerUrl(url), provenance: { file: this.file, line: this.line(hostEntry!.offset), note: `host ${host}` } });
  }

  private readSchemes(top: Map<string, Entry>, v3: boolean): void {
    let holder = top.get('securityDefinitions');
    if (v3) {
      const components = top.get('components');
      holder = components ? this.map(components.value, components.offset, components.path).get('securitySchemes') : undefined;
    }
    if (!holder) return;
    for (const [name, entry] of this.map(holder.value, holder.offset, holder.path)) {
      const scheme = this.deref(entry);
      if (!scheme) continue;
      this.schemes.set(name, scheme);
      // An operation at an OAuth2 token or authorization URL is where people log in.
      const s = this.map(scheme.value, scheme.offset, scheme.path);
      const urls: Array<string | undefined> = [this.str(s.get('tokenUrl')), this.str(s.get('authorizationUrl'))];
      const flows = s.get('flows');
      for (const [, flow] of flows ? this.map(flows.value, flows.offset, flows.path) : []) {
        const f = this.map(flow.value, flow.offset, flow.path);
        urls.push(this.str(f.get('tokenUrl')), this.str(f.get('authorizationUrl')));
      }
      for (const url of urls) if (url !== undefined) this.tokenPaths.add(parseServerUrl(url).basePath || '/');
    }
  }

  /** The AUTH value of a security scheme (see AUTH_METHODS and AUTH_ALIASES in the catalog). */
  private authOf(name: string, at: Entry): string | undefined {
    const scheme = this.schemes.get(name);
    if (!scheme) {
      this.src.problem('warning', 'unknown-security-scheme', at.offset, at.path, `security scheme \`${name}\` is not defined; its endpoints get no auth`);
      return undefined;
    }
    const s = this.map(scheme.value, scheme.offset, scheme.path);
    const type = this.str(s.get('type'))?.toLowerCase();
    const httpScheme = this.str(s.get('scheme'))?.toLowerCase();
    const format = this.str(s.get('bearerFormat'))?.toLowerCase();
    switch (type) {
      case 'http':
        if (httpScheme === 'bearer') return format?.includes('jwt') ? 'jwt' : 'bearer';
        if (httpScheme === 'basic') return 'basic';
        if (httpScheme === 'digest') return 'password';
        if (httpScheme === 'negotiate') return 'kerberos';
        if (httpScheme !== undefined && /jwt/.test(httpScheme)) return 'jwt';
        return 'bearer';
      case 'basic': return 'basic';
      // A key the browser sends in a cookie is the session's, with a session's threats (CSRF, hijacking).
      case 'apikey': return this.str(s.get('in'))?.toLowerCase() === 'cookie' ? 'session-cookie' : 'api-key';
      case 'oauth2': return 'oauth2';
      case 'openidconnect': return 'oidc';
      case 'mutualtls': return 'mtls';
      default:
        this.src.problem('warning', 'unknown-security-type', scheme.offset, scheme.path, `security scheme \`${name}\` has type \`${type ?? 'none'}\`; its endpoints get no auth`);
        return undefined;
    }
  }

  /**
   * No `security` at all, `security: []`, or an empty requirement `{}` among the alternatives, means callable without
   * authentication; otherwise the first scheme of the first requirement names the auth (a model endpoint
   * has one).
   */
  private security(entry: Entry | undefined): { public?: boolean; auth?: string } {
    // No requirement on the operation or the spec: the spec says it needs no authentication.
    if (!entry) return { public: true };
    const items = this.src.listItems(entry.value, entry.offset, entry.path, 'a list of security requirements') ?? [];
    if (items.length === 0) return { public: true };
    const requirements = items.map((i) => ({ item: i, schemes: [...this.map(i.node, i.offset, i.path, 'a security requirement (a map)')] }));
    if (requirements.some((r) => r.schemes.length === 0)) return { public: true };
    const [name, at] = requirements[0].schemes[0];
    const auth = this.authOf(name, at);
    return auth === undefined ? {} : { auth };
  }

  private isUpload(op: Map<string, Entry>, globalConsumes: readonly string[], v3: boolean): boolean {
    if (v3) {
      const body = this.deref(op.get('requestBody'));
      if (!body) return false;
      const content = this.map(body.value, body.offset, body.path).get('content');
      return content !== undefined && [...this.map(content.value, content.offset, content.path).keys()].some((t) => UPLOAD_TYPES.has(t.toLowerCase().split(';')[0].trim()));
    }
    const consumes = op.has('consumes') ? this.strings(op.get('consumes')) : globalConsumes;
    if (consumes.some((t) => UPLOAD_TYPES.has(t.toLowerCase()))) return true;
    const params = op.get('parameters');
    for (const p of params ? this.src.listItems(params.value, params.offset, params.path, 'a list of parameters') ?? [] : []) {
      const param = this.map(p.node, p.offset, p.path);
      if (this.str(param.get('in')) === 'formData' && this.str(param.get('type')) === 'file') return true;
    }
    return false;
  }

  /** A map's entries, or none for anything else: request schemas are searched, never checked (no diagnostics). */
  private fields(entry: Entry | undefined): Map<string, Entry> {
    return entry !== undefined && isMap(entry.value) ? this.map(entry.value, entry.offset, entry.path) : new Map<string, Entry>();
  }

  private items(entry: Entry | undefined): Entry[] {
    if (entry === undefined || !isSeq(entry.value)) return [];
    return (this.src.listItems(entry.value, entry.offset, entry.path, 'a list') ?? []).map((i, n) => ({ key: String(n), offset: i.offset, value: i.node, path: i.path }));
  }

  /** A scalar string, or undefined: never a diagnostic for an example of another type. */
  private plain(entry: Entry | undefined): string | undefined {
    const v = entry?.value;
    return isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
  }

  /** Whether an example (`example`, or each of `examples`' values) is an absolute URL. */
  private urlExample(f: Map<string, Entry>): boolean {
    if (URL_VALUE.test(this.plain(f.get('example')) ?? '')) return true;
    const examples = f.get('examples');
    const values = examples && isSeq(examples.value) ? this.items(examples) : [...this.fields(examples).values()].map((e) => this.fields(e).get('value') ?? e);
    return values.some((e) => URL_VALUE.test(this.plain(e) ?? ''));
  }

  /** Whether a field (a property or a parameter, as `f`) named `name` takes an address. */
  private takesUrl(name: string, f: Map<string, Entry>): boolean {
    const schema = this.fields(this.deref(f.get('schema')));
    const format = (this.plain(f.get('format')) ?? this.plain(schema.get('format')))?.toLowerCase();
    return URL_NAME.test(name) || (format !== undefined && URL_FORMATS.has(format)) || this.urlExample(f) || this.urlExample(schema);
  }

  /** Whether a field's schema is a list (`type: array`). */
  private isList(f: Map<string, Entry>): boolean {
    const schema = this.fields(this.deref(f.get('schema')));
    return [f.get('type'), schema.get('type')].some((t) => this.plain(t) === 'array');
  }

  /**
   * The writable properties of a request schema that take an address, searched through nesting and compositions,
   * into `out` (at most a few: enough to judge the operation), with the names of its top-level properties into `names`.
   */
  private urlProperties(entry: Entry | undefined, prefix: string, out: UrlField[], names?: Set<string>, depth = 0): void {
    const schema = this.fields(this.deref(entry));
    if (depth > URL_SEARCH_DEPTH || schema.size === 0 || out.length >= 8) return;
    for (const [name, prop] of this.fields(schema.get('properties'))) {
      const p = this.fields(this.deref(prop));
      // The server writes a read-only property: the caller's value is not taken.
      const readOnly = p.get('readOnly')?.value;
      if (isScalar(readOnly) && readOnly.value === true) continue;
      names?.add(name);
      if (this.takesUrl(name, p)) out.push({ path: `${prefix}${name}`, list: this.isList(p) });
      else this.urlProperties(prop, `${prefix}${name}.`, out, undefined, depth + 1);
    }
    for (const part of ['allOf', 'oneOf', 'anyOf'].flatMap((k) => this.items(schema.get(k)))) this.urlProperties(part, prefix, out, names, depth + 1);
    // The items of a list of objects are fields of their own; a list of strings is the property's, judged above.
    const items = schema.get('items');
    if (items !== undefined) this.urlProperties(items, prefix, out, undefined, depth + 1);
  }

  /** A body's fields with a URL as their example value: `example: { callback: "https://..." }` states it without a schema. */
  private urlsInBodyExample(media: Map<string, Entry>, out: UrlField[]): void {
    const examples = [media.get('example'), ...[...this.fields(media.get('examples')).values()].map((e) => this.fields(e).get('value'))];
    for (const example of examples) {
      for (const [name, value] of this.fields(example)) {
        if (URL_VALUE.test(this.plain(value) ?? '') && !out.some((f) => f.path === name)) out.push({ path: name, list: false });
      }
    }
  }

  /**
   * The request field of an operation that the server fetches (see fetchedField), among its parameters, the path
   * item's, its body's properties and examples; undefined when none is.
   */
  private urlField(op: Map<string, Entry>, shared: Entry | undefined, v3: boolean, route: string): string | undefined {
    const found: UrlField[] = [];
    // The caller's inputs, to tell an operation that takes an address and nothing else.
    const inputs = new Set<string>();
    for (const p of [...this.items(op.get('parameters')), ...this.items(shared)]) {
      const param = this.fields(this.deref(p));
      const name = this.plain(param.get('name'));
      const where = this.plain(param.get('in'));
      if (name === undefined || where === undefined || !INPUT_PARAMETERS.has(where)) continue;
      // A Swagger 2 body parameter is the whole body: its schema's properties are the fields.
      if (where === 'body') this.urlProperties(param.get('schema'), '', found, inputs);
      else {
        // A path parameter names the object the operation is about, not what it is asked to do.
        if (where !== 'path') inputs.add(name);
        if (this.takesUrl(name, param)) found.push({ path: name, list: this.isList(param) });
      }
    }
    if (v3) {
      const body = this.fields(this.deref(op.get('requestBody')));
      for (const [, mediaEntry] of this.fields(body.get('content'))) {
        const media = this.fields(mediaEntry);
        this.urlProperties(media.get('schema'), '', found, inputs);
        this.urlsInBodyExample(media, found);
      }
    }
    const says = [route, this.plain(op.get('operationId')) ?? '', this.plain(op.get('summary')) ?? ''].join(' ');
    const fetches = FETCHING_OPERATION.test(says);
    return found.find((f) => fetchedField(f, fetches, inputs.size <= 1 && !f.path.includes('.')))?.path;
  }

  private operation(route: string, method: string, entry: Entry, shared: Entry | undefined, globalSecurity: Entry | undefined, globalConsumes: readonly string[], v3: boolean): DraftEndpoint | undefined {
    if (!isMap(entry.value)) {
      this.src.wrongType(entry.value, entry.offset, entry.path, 'an operation (a map)');
      return undefined;
    }
    const op = this.map(entry.value, entry.offset, entry.path);
    const sec = this.security(op.get('security') ?? globalSecurity);
    let kind: EndpointKind | undefined;
    if (this.isUpload(op, globalConsumes, v3)) kind = 'upload';
    else if (this.tokenPaths.has(route) || this.servers.some((s) => s.basePath && this.tokenPaths.has(s.basePath + route))) kind = 'login';
    // A field taking an address makes an operation whose path says nothing a fetch (SSRF); a path that names
    // what it is (a login's `redirect_uri`, a webhook's callback) keeps its kind. A path that says upload
    // (`POST /import`) but takes no file (isUpload above) is given an address to fetch, not a file.
    const url = kind === undefined && FETCH_CAPABLE_KINDS.has(inferEndpointKind(route, [method.toUpperCase()])) ? this.urlField(op, shared, v3, route) : undefined;
    if (url !== undefined) kind = 'fetch';
    // The model infers a kind from the path: only a kind the path does not imply is written.
    if (kind !== undefined && kind === defaultEndpointKind(route, [method.toUpperCase()], sec.public ? undefined : resolveAuth(sec.auth))) kind = undefined;
    const deprecated = op.get('deprecated');
    const isDeprecated = deprecated !== undefined && isScalar(deprecated.value) && deprecated.value.value === true;
    const notes = [...(isDeprecated ? ['deprecated'] : []), ...(url !== undefined ? [`takes a URL in \`${url}\``] : [])];
    const provenance: Provenance = { file: this.file, line: this.line(entry.offset), ...(notes.length ? { note: notes.join('; ') } : {}) };
    return {
      key: `${method.toUpperCase()} ${route}`, provenance: [provenance],
      ...(kind !== undefined ? { kind } : {}), ...(sec.public ? { public: true } : {}), ...(sec.auth !== undefined ? { auth: sec.auth } : {}),
    };
  }
}

/** Reads one spec. Never throws: whatever the text, problems are diagnostics with file, line and column. */
export function discoverOpenApi(text: string, file: string): OpenApiResult {
  try {
    const src = new YamlSource(text, file);
    const reader = new OpenApiReader(src, file);
    if (!src.failed) reader.read();
    const failed = src.diagnostics.some((d) => d.severity === 'error');
    return {
      draft: reader.draft, diagnostics: sortDiagnostics(src.diagnostics), servers: reader.servers,
      ...(reader.api && !failed ? { api: reader.api } : {}), ...(reader.version ? { version: reader.version } : {}),
    };
  } catch (err) {
    // Hostile nesting can still overflow the stack: the caller gets a diagnostic, not an exception.
    if (!(err instanceof RangeError)) throw err;
    const draft = emptyDraft();
    draft.sources.push({ file, format: OPENAPI_FORMAT });
    return { draft, servers: [], diagnostics: [{ severity: 'error', code: 'too-deep', message: 'the file nests too deeply to read', file, line: 1, col: 1, path: '' }] };
  }
}

export interface Placement {
  /** The element's key in the draft. */
  key: string;
  reason: string;
  /**
   * When `key` is a proxy whose settings name the services behind the spec's path prefixes: the operations
   * each of them received, in spec order (the rest stay on the proxy).
   */
  forwarded?: ForwardedShare[];
  /**
   * No file names the spec's host, and every operation's path is one that routes of the files (an Ingress, an
   * IngressRoute, a Traefik router) send to a service: `key` is the first of them, `forwarded` says all.
   */
  routed?: boolean;
  /**
   * `key` is a router (Traefik) whose own routes sent the operations in `forwarded` to the services behind it;
   * the operations no route matches stay on it.
   */
  byRouter?: boolean;
}

/** The operations a proxy forwards to one upstream, by path prefix. */
export interface ForwardedShare {
  /** The upstream's key in the draft. */
  key: string;
  /** Path prefixes up to the segment that names the upstream (`/identity/`, `/api/identity/`), in spec order. */
  prefixes: string[];
  count: number;
  /** The proxy's setting that names the upstream (`IDENTITY_SERVICE`), or the route that sends the prefix there (`Ingress shop path /users`). */
  setting: string;
  /** Every route that sends operations there (`setting` is the first), in spec order: for routed shares only. */
  routes?: string[];
  provenance: Provenance;
}

/**
 * Variables in which a proxy names a service it forwards to: `IDENTITY_SERVICE=crapi-identity:8080`,
 * `API_UPSTREAM`, `SHOP_HOST`, `AUTH_URL=http://auth:8080`.
 */
const UPSTREAM_SETTING = /(?:^|_)(?:SERVICE|SVC|HOST|UPSTREAM|URL|BACKEND|ADDR)$/i;

/** A service a proxy's setting names. */
interface Upstream {
  element: DraftElement;
  setting: string;
  provenance: Provenance;
}

/** The services the element's settings name over HTTP, each once, in flow order: stores and outside hosts serve no API paths. */
function upstreamsOf(draft: Draft, proxy: DraftElement): Upstream[] {
  const out: Upstream[] = [];
  for (const f of draft.flows) {
    if (f.from !== proxy.key || !/^https?$/.test(f.protocol) || out.some((u) => u.element.key === f.to)) continue;
    const found = elementByKey(draft, f.to);
    const element = found && !found.madeUp && !found.outside ? found : undefined;
    const named = f.evidence.find((ev) => ev.setting !== undefined && UPSTREAM_SETTING.test(ev.setting));
    if (element && kindOf(element.identity) === 'process' && named) out.push({ element, setting: named.setting!, provenance: named.provenance });
  }
  return out;
}

/**
 * The upstreams by the names they are reached by, for routeOwner: a path prefix goes to the one whose name (or
 * another name it is reached by) holds it. The setting's own name (`USERS_SERVICE`) is not enough: it says what
 * the proxy calls the upstream, and a service named otherwise may serve other paths.
 */
const upstreamIndex = (upstreams: readonly Upstream[]): RouteOwners<Upstream> =>
  routeOwners(upstreams.map((u) => ({ value: u, names: [u.element.key, u.element.name, ...u.element.aliases] })));

/** A Compose `build:` note (`build ./bff`): the element's image is built from the project's own code. */
const BUILD_NOTE = /(?:^|; )build(?: |;|$)/;
const builtHere = (element: DraftElement): boolean => element.provenance.some((p) => p.note !== undefined && BUILD_NOTE.test(p.note));

interface Split {
  shares: Array<ForwardedShare & { upstream: Upstream; endpoints: DraftEndpoint[] }>;
  kept: DraftEndpoint[];
}

/**
 * The spec's operations sorted by the upstream their path names (see routeOwner, upstreamIndex), the
 * rest kept by the element. Undefined when the element is no proxy for them: a service calling one helper named
 * like a prefix (`AUTH_URL` beside its own `/auth/login`) is not routing, so it takes a type that forwards, or
 * two upstreams or more each serving a prefix.
 */
function splitByPrefix(draft: Draft, element: DraftElement, endpoints: readonly DraftEndpoint[], basePath: string): Split | undefined {
  const forwards = forwardsRequests(element.identity?.type ?? impliedElementType(element.identity?.tech));
  // Code built from the repository that calls services named like its paths is a backend-for-frontend that
  // serves those paths itself (aggregating what it calls), not a proxy: only a forwarding type or image routes.
  if (!forwards && builtHere(element)) return undefined;
  const upstreams = upstreamsOf(draft, element);
  if (upstreams.length === 0) return undefined;
  const index = upstreamIndex(upstreams);
  const split: Split = { shares: [], kept: [] };
  for (const ep of endpoints) {
    const placed = routeOwner(routedPath(basePath, ep), index);
    if (!placed) {
      split.kept.push(ep);
      continue;
    }
    const upstream = placed.owner;
    let share = split.shares.find((s) => s.key === upstream.element.key);
    if (!share) {
      share = { key: upstream.element.key, prefixes: [], count: 0, setting: upstream.setting, provenance: { ...upstream.provenance }, upstream, endpoints: [] };
      split.shares.push(share);
    }
    if (!share.prefixes.includes(placed.prefix)) share.prefixes.push(placed.prefix);
    share.count++;
    share.endpoints.push(ep);
  }
  return split.shares.length >= (forwards ? 1 : 2) ? split : undefined;
}

/**
 * The proxy as what it is: a type that forwards requests (its tech kept: an nginx image is one already), so that
 * the application rules judge the services behind it; its comment says which setting sent which prefix where.
 */
function draftAsProxy(proxy: DraftElement, shares: Split['shares']): void {
  const retyped = !forwardsRequests(proxy.identity?.type ?? impliedElementType(proxy.identity?.tech));
  if (retyped) {
    // A kind stated beside the type could contradict it; the type says it.
    const identity: Identity = { ...proxy.identity, type: 'reverse-proxy' };
    delete identity.kind;
    proxy.identity = identity;
  }
  const routes = shares.map((s) => `${s.prefixes.join(', ')} to ${s.key} (${formatProvenance([s.provenance])})`).join('; ');
  const said = `${retyped ? 'A reverse proxy: its' : 'Its'} settings name the services behind the API's path prefixes, which serve those endpoints: ${routes}`;
  proxy.comment = proxy.comment !== undefined ? `${proxy.comment}. ${said}` : said;
}

/** A path prefix a route of the files sends to a service (a routed endpoint: an Ingress path), with where. */
interface Route {
  prefix: string;
  element: DraftElement;
  endpoint: DraftEndpoint;
}

/** The routed paths of the draft's elements; `/` alone routes everything and says nothing of an API's parts. */
function routesOf(draft: Draft): Route[] {
  return draft.elements.filter((e) => !e.madeUp).flatMap((element) => (element.endpoints ?? [])
    .filter((ep) => ep.routed && !ep.key.includes(' '))
    .map((endpoint) => ({ prefix: endpoint.key.replace(/\/+$/, ''), element, endpoint }))
    .filter((r) => r.prefix !== ''));
}

/** The route whose prefix is the longest that the path starts with, by whole segments; none when two elements tie. */
function routeFor(path: string, routes: readonly Route[]): Route | undefined {
  const matching = routes.filter((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
  const longest = Math.max(-1, ...matching.map((r) => r.prefix.length));
  const best = matching.filter((r) => r.prefix.length === longest);
  return best.length > 0 && best.every((r) => r.element === best[0].element) ? best[0] : undefined;
}

/**
 * The operations by the service a route sends each one's path to, when routes take every one of them: a spec
 * with a path no route sends anywhere is not (all) behind those routes, and keeps today's placement.
 */
function splitByRoutes(draft: Draft, endpoints: readonly DraftEndpoint[], basePath: string): Split | undefined {
  const routes = routesOf(draft);
  if (routes.length === 0 || endpoints.length === 0) return undefined;
  const split: Split = { shares: [], kept: [] };
  for (const ep of endpoints) {
    const route = routeFor(routedPath(basePath, ep), routes);
    if (!route) return undefined;
    shareByRoute(split, route, ep);
  }
  return split;
}

/** The path a route sees for an operation: the server's base path, then the operation's. */
const routedPath = (basePath: string, ep: DraftEndpoint): string => `${basePath}${ep.key.slice(ep.key.indexOf(' ') + 1)}`;

/** Adds the operation to the share of the service its route sends it to. */
function shareByRoute(split: Split, route: Route, ep: DraftEndpoint): void {
  // A routed endpoint is drafted with the route's place, which names the route (`Ingress shop path /users`).
  const at = route.endpoint.provenance[0];
  const named = at.note ?? route.prefix;
  let share = split.shares.find((s) => s.key === route.element.key);
  if (!share) {
    share = {
      key: route.element.key, prefixes: [], count: 0, setting: named, routes: [], provenance: { ...at },
      upstream: { element: route.element, setting: named, provenance: { ...at } }, endpoints: [],
    };
    split.shares.push(share);
  }
  if (!share.routes!.includes(named)) share.routes!.push(named);
  if (!share.prefixes.includes(`${route.prefix}/`)) share.prefixes.push(`${route.prefix}/`);
  share.count++;
  share.endpoints.push(ep);
}

/** The services a router's own routes send requests to: its flows that a route (a Traefik router) drew. */
function routeTargets(draft: Draft, router: DraftElement): Set<string> {
  return new Set(draft.flows.filter((f) => f.from === router.key && f.evidence.some((ev) => ev.route !== undefined)).map((f) => f.to));
}

/**
 * The operations of a spec that lands on a router (Traefik) by the service its routes send each one's path to
 * (the longest prefix), among the services it routes to: another proxy's routes say nothing of this one. The
 * operations no route matches stay on the router. Undefined when no route of it matches any.
 */
function splitByRouter(draft: Draft, router: DraftElement, endpoints: readonly DraftEndpoint[], basePath: string): Split | undefined {
  const targets = routeTargets(draft, router);
  const routes = routesOf(draft).filter((r) => targets.has(r.element.key));
  if (routes.length === 0) return undefined;
  const split: Split = { shares: [], kept: [] };
  for (const ep of endpoints) {
    const route = routeFor(routedPath(basePath, ep), routes);
    if (route) shareByRoute(split, route, ep);
    else split.kept.push(ep);
  }
  return split.shares.length > 0 ? split : undefined;
}

/** The spec on the services the routes send its paths to; each notes the prefixes it serves. */
function placeByRoutes(api: DraftElement, split: Split): Placement {
  for (const share of split.shares) {
    share.upstream.element.provenance.push(...api.provenance.map((p) => ({ ...p, note: `${p.note ?? 'API spec'}: its ${share.prefixes.join(', ')} paths, as routed` })));
    addEndpoints(share.upstream.element, share.endpoints);
  }
  return {
    key: split.shares[0].key, reason: 'no file names its host, and routes of the files send each of its paths to a service', routed: true,
    forwarded: sharesOf(split),
  };
}

/**
 * The spec on a proxy and the services behind it: each upstream gets its operations and the spec's place (noting
 * the prefixes it serves), the proxy the rest, the spec's place (its server) and a type that forwards.
 */
function forward(proxy: DraftElement, api: DraftElement, split: Split): void {
  const through = (note: string | undefined, what: string) => (note !== undefined ? `${note}: ${what}` : what);
  for (const share of split.shares) {
    const upstream = share.upstream.element;
    upstream.provenance.push(...api.provenance.map((p) => ({ ...p, note: through(p.note, `its ${share.prefixes.join(', ')} paths, through ${proxy.key}`) })));
    addEndpoints(upstream, share.endpoints);
  }
  const kept = split.kept.length ? `, ${split.kept.length} served here (no setting names a service for their prefix)` : '';
  proxy.provenance.push(...api.provenance.map((p) => ({ ...p, note: through(p.note, `forwarded to the services behind it by path prefix${kept}`) })));
  addEndpoints(proxy, split.kept);
  draftAsProxy(proxy, split.shares);
}

/**
 * The spec on a router and the services its routes send the operations to: each service gets its operations
 * and the spec's place (noting the prefixes it serves), the router the rest and the spec's place.
 */
function forwardByRouter(router: DraftElement, api: DraftElement, split: Split): void {
  const through = (note: string | undefined, what: string) => (note !== undefined ? `${note}: ${what}` : what);
  for (const share of split.shares) {
    const upstream = share.upstream.element;
    upstream.provenance.push(...api.provenance.map((p) => ({ ...p, note: through(p.note, `its ${share.prefixes.join(', ')} paths, routed by ${router.key}`) })));
    addEndpoints(upstream, share.endpoints);
  }
  const kept = split.kept.length ? `, ${split.kept.length} served here (no route matches their path)` : '';
  router.provenance.push(...api.provenance.map((p) => ({ ...p, note: through(p.note, `sent to the services behind it by its routes${kept}`) })));
  addEndpoints(router, split.kept);
}

/** What a placement says of the services that received operations. */
const sharesOf = (split: Split): ForwardedShare[] => split.shares.map(({ key, prefixes, count, setting, routes, provenance }) => ({
  key, prefixes, count, setting, ...(routes !== undefined ? { routes: [...routes] } : {}), provenance,
}));

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/**
 * The element whose build context holds the spec's folder, the innermost context first: a spec kept with a
 * service's code describes that service, whatever its servers say (often the public address of a proxy in front
 * of it). None when two elements are built from that folder: it cannot say which of them serves the spec.
 */
function builtFrom(real: readonly DraftElement[], specFolder: string): { element: DraftElement; folder: string } | undefined {
  const holding = real.flatMap((element) => (element.codeFolders ?? []).filter((f) => isWithin(specFolder, f)).map((folder) => ({ element, folder })));
  // Every folder holding the spec's is a prefix of it: the longest is the innermost.
  const depth = Math.max(-1, ...holding.map((h) => h.folder.length));
  const innermost = holding.filter((h) => h.folder.length === depth);
  return innermost.length > 0 && innermost.every((h) => h.element === innermost[0].element) ? innermost[0] : undefined;
}

/** Whether the element was drafted from an earlier spec (a new element named after it), not by the other files. */
const fromSpec = (draft: Draft, element: DraftElement): boolean =>
  draft.sources.some((s) => s.format === OPENAPI_FORMAT && s.file === element.provenance[0]?.file);

/** The outside clients call the element at the spec's public server. */
function callFromOutside(draft: Draft, key: string, server: ApiServer): void {
  addOutsideCaller(draft, key, { provenance: { ...server.provenance }, ...(server.scheme ? { scheme: server.scheme } : {}), ...(server.port !== undefined ? { port: server.port } : {}) });
  settleFlows(draft);
}

/**
 * What a public server says of how an element of the files is reached, as the end of the placement's reason. When
 * no file shows how it is reached (nothing publishes it, nothing calls it), the outside clients call it there.
 * When services call it and nothing publishes it, the public address is theirs (a proxy in front of it): no direct
 * call from outside is drawn, which would invent a way around the proxy.
 */
function reachFromOutside(draft: Draft, element: DraftElement, servers: readonly ApiServer[]): string {
  const server = servers.find((s) => isPublicHost(s.host));
  if (!server) return '';
  const inbound = draft.flows.filter((f) => f.to === element.key);
  if (inbound.length === 0) {
    callFromOutside(draft, element.key, server);
    return `; called by outside clients at ${server.url}`;
  }
  if (inbound.some((f) => f.from === OUTSIDE_CLIENTS || f.from === HOST_CLIENTS)) return '';
  const callers = [...new Set(inbound.map((f) => f.from))].map((key) => {
    const caller = elementByKey(draft, key);
    return caller?.madeUp ? caller.name ?? key : key;
  });
  return `; not published, so its server ${server.url} is reached through ${callers.join(', ')}`;
}

/**
 * Adds a spec's API to the merged draft, on the element it describes: the element a server's host names
 * (a compose service, a Kubernetes Service name); for a loopback server, the element whose published port
 * it is; else the element whose build context holds the spec (see builtFrom); else the element named like a
 * folder the spec is in (innermost first); else the services routes send every path to (see splitByRoutes);
 * else the element named like the spec's title; else a new element named after the spec. When that element is
 * a proxy whose settings name the services behind the spec's path prefixes, those services get the operations
 * (see splitByPrefix). An element of the files keeps what they say it is; outside clients call it at a public
 * server only when nothing else reaches it (see reachFromOutside). A new element is called by them at a public server.
 */
export function placeApi(draft: Draft, result: OpenApiResult, folders: readonly string[]): Placement | undefined {
  const api = result.api;
  if (!api) return undefined;
  const real = draft.elements.filter((e) => !e.madeUp);
  const byName = (name: string) => real.find((e) => [e.key, e.name, ...e.aliases].some((n) => n !== undefined && n.toLowerCase() === name.toLowerCase()));
  const attach = (target: DraftElement, reason: string, basePath = result.servers[0]?.basePath ?? ''): Placement => {
    const placement = attachTo(draft, target, api, reason, basePath);
    return { ...placement, reason: `${placement.reason}${reachFromOutside(draft, target, result.servers)}` };
  };
  for (const s of result.servers) {
    const target = s.host !== undefined ? byName(s.host) : undefined;
    if (target) return attach(target, `its server ${s.url} names it`, s.basePath);
  }
  for (const s of result.servers) {
    if (s.host === undefined || !LOOPBACK.has(s.host) || s.port === undefined) continue;
    // The spec was written against a local deployment: the service publishing that port serves it.
    const published = draft.flows.filter((f) => (f.from === OUTSIDE_CLIENTS || f.from === HOST_CLIENTS) && f.evidence.some((ev) => ev.port === s.port));
    const targets = [...new Set(published.map((f) => f.to))];
    const target = targets.length === 1 ? real.find((e) => e.key === targets[0]) : undefined;
    if (target) return attach(target, `its server ${s.url} is the port ${s.port} it publishes`, s.basePath);
  }
  const built = builtFrom(real, folders.join('/'));
  if (built) return attach(built.element, `the spec is in its build context${built.folder === '' ? ', the folder searched' : ` ${built.folder}/`}`);
  for (const folder of [...folders].reverse()) {
    const target = real.find((e) => e.key === folder);
    if (target) return attach(target, `the spec is in its folder ${folder}/`);
  }
  const routed = splitByRoutes(draft, api.endpoints ?? [], result.servers[0]?.basePath ?? '');
  if (routed) return placeByRoutes(api, routed);
  const existing = elementByKey(draft, api.key);
  if (existing && !fromSpec(draft, existing)) return attach(existing, 'it is named like the spec\'s title');
  const element = addElement(draft, { ...api, aliases: [], provenance: api.provenance.map((p) => ({ ...p })), endpoints: [] });
  addEndpoints(element, api.endpoints ?? []);
  const publicServer = result.servers.find((s) => isPublicHost(s.host));
  if (publicServer) callFromOutside(draft, element.key, publicServer);
  const why = existing ? 'another spec of the same title' : 'no file names its host';
  return { key: element.key, reason: `a new element named after the spec (${why})${publicServer ? `; called by outside clients at ${publicServer.url}` : ''}` };
}

/**
 * The spec on an element of the files: split among the services behind it when it is a proxy or a router whose
 * settings or routes send the operations on (see splitByPrefix, splitByRouter), else all its own. What the element
 * is stays what the files say.
 */
function attachTo(draft: Draft, target: DraftElement, api: DraftElement, reason: string, basePath: string): Placement {
  const split = splitByPrefix(draft, target, api.endpoints ?? [], basePath);
  if (split) {
    forward(target, api, split);
    return { key: target.key, reason, forwarded: sharesOf(split) };
  }
  const routed = splitByRouter(draft, target, api.endpoints ?? [], basePath);
  if (routed) {
    forwardByRouter(target, api, routed);
    return { key: target.key, reason, byRouter: true, forwarded: sharesOf(routed) };
  }
  target.provenance.push(...api.provenance.map((p) => ({ ...p })));
  addEndpoints(target, api.endpoints ?? []);
  return { key: target.key, reason };
}
