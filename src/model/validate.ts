// Checks a parsed model against the schema and its own references, reporting every problem at once with
// the file position, the path, what was found and what was expected. zod's issues are rephrased for
// people who write YAML: "unknown key `contrls` (did you mean `controls`?)", never "invalid union".
import { flat } from './flat.js';
import { z } from 'zod';
import {
  CONTROLS, ELEMENT_TYPES, ENDPOINT_KINDS, type ElementKind, PROTOCOLS, STRIDE_SPELLINGS_NOTE, TECHNOLOGIES, type TechTrait, techName,
} from './catalog.js';
import { describeValue, displayPath, listValues, typeOf } from './diagnostics.js';
import { ShorthandFlow } from './fast-parse.js';
import { FLOW_ARROW, arrowHint } from './flow-arrow.js';
import {
  type RawFlowRef, forwardedOwners, forwardsRequests, impliedElementType, parseEndpointKey, readFlowRefs, resolveAssetRef, targetsBySource,
} from './normalize.js';
import { pathKey } from './parse.js';
import {
  CUSTOM_CONTROL_PATTERN, HTTP_METHOD_PATTERN, HTTP_METHODS, ID_PATTERN, elementSchema, flowDetailsSchema, fullFlowSchema, modelSchema, protocolSchema,
  type RawModel, strideSchema,
} from './schema.js';
import { compileCheck } from './schema-check.js';
import { SYNONYMS, type SynonymTable, didYouMean, suggest, suggestions } from './suggest.js';
import { ambiguity, resolveThreatTarget, targetIndex, targetNames, targetRefs } from './threat-targets.js';
import type { Diagnostic, ModelPath, Severity, SourceMap } from './types.js';

export interface ValidateResult {
  /** Present when there are no errors (warnings allowed). */
  model?: RawModel;
  /** With the model: its flows as read, each end the element's own id string, for `normalize`. */
  flows?: RawFlowRef[];
  diagnostics: Diagnostic[];
}

type Path = Array<string | number>;
type Issue = z.core.$ZodIssue;
type Obj = Record<string, unknown>;

// Flows are checked entry by entry below: as a union, zod can only say that neither form matched.
const topSchema = modelSchema.extend({ flows: z.array(z.unknown()).optional() });

// validateModel is given what a parser made (see compileCheck).
const checkTop = compileCheck(topSchema, true);
/** Tests switch the quick checks off to compare with zod alone. */
export const quickChecks = { enabled: true };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a value at a given key is called in messages. */
const VALUE_NAMES: Record<string, string> = {
  controls: 'control', protocol: 'protocol', auth: 'authentication method', kind: 'kind', type: 'type',
  trust: 'trust level', classification: 'classification', confidentiality: 'level', integrity: 'level',
  availability: 'level', threatmap: 'format version', methods: 'HTTP method', stride: 'STRIDE category',
};

const ID_RULE = 'letters, digits and . _ : - (starting with a letter or digit)';

class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  /** Paths with a schema problem, so that one mistake is not reported twice by later checks. */
  private readonly flagged = new Set<string>();
  private flagging = true;

  constructor(private readonly source: SourceMap) {}

  add(severity: Severity, code: string, at: ModelPath, message: string,
    extra: { found?: string; expected?: string; hint?: string; path?: ModelPath } = {}): void {
    const loc = this.source.locate(at);
    const d: Diagnostic = {
      severity, code, message, file: this.source.file, line: loc.line, col: loc.col,
      path: displayPath(extra.path ?? at),
    };
    if (extra.found !== undefined) d.found = extra.found;
    if (extra.expected !== undefined) d.expected = extra.expected;
    if (extra.hint !== undefined) d.hint = extra.hint;
    this.diagnostics.push(d);
    if (this.flagging) this.flagged.add(pathKey(extra.path ?? at));
  }

  /** Later checks may report several problems at one path (`a -> b`: both ends unknown). */
  stopFlagging(): void {
    this.flagging = false;
  }

  error(code: string, at: ModelPath, message: string, extra?: Parameters<Reporter['add']>[4]): void {
    this.add('error', code, at, message, extra);
  }

  lineOf(path: ModelPath): number {
    return this.source.locate(path).line;
  }

  anyFlagged(): boolean {
    return this.flagged.size > 0;
  }

  isFlagged(path: ModelPath): boolean {
    // Asked for every reference; a valid model flags nothing, so no key needs building.
    return this.flagged.size > 0 && this.flagged.has(pathKey(path));
  }
}

/** `raw`: data as a parser makes it (plain maps and lists; ShorthandFlow entries in `flows`). */
export function validateModel(raw: unknown, source: SourceMap): ValidateResult {
  const r = new Reporter(source);
  // zod runs only when the quick check cannot vouch for the model; it then finds and words the problems.
  const quick = quickChecks.enabled && checkTop(raw);
  // Problems are found and worded on the data as written (see plainFlows).
  const asWritten = !quick;
  if (asWritten) plainFlows(raw);
  const parsed = quick ? undefined : topSchema.safeParse(raw);
  const valid = parsed === undefined || parsed.success;
  let flows: RawFlowRef[] | undefined;
  const misplaced = isObj(raw) ? misplacedFields(r, raw.elements) : NONE;
  if (parsed?.success === false) {
    for (const issue of parsed.error.issues) {
      if (misplaced.size > 0 && issue.path[0] === 'elements' && misplaced.has(String(issue.path[1]))) continue;
      convertIssue(r, raw, issue, [], topSchema);
    }
  }
  if (isObj(raw)) {
    const list = raw.flows;
    if (Array.isArray(list)) checkFlowEntries(r, raw, list, asWritten);
    r.stopFlagging();
    flows = checkReferences(r, raw, misplaced);
  }
  const diagnostics = r.diagnostics;
  if (!valid || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  // The input itself, not zod's copy of it: the schema has no defaults or transforms, so they hold the same
  // data, and a second copy of a large model doubled the memory and the garbage collection of loading.
  return { model: raw as RawModel, flows, diagnostics };
}

/**
 * Each entry of `flows:` that the quick check cannot vouch for, checked and worded on the data as written
 * (`asWritten`: the shorthand entries are plain maps already). A function of its own: a loop in validateModel
 * had the whole of it compiled on the stack for the sake of this loop.
 */
function checkFlowEntries(r: Reporter, raw: Obj, list: unknown[], asWritten: boolean): void {
  for (let i = 0; i < list.length; i++) {
    if (quickChecks.enabled && flowIsValid(list[i])) continue;
    if (!asWritten) plainFlows(raw);
    asWritten = true;
    checkFlowEntry(r, raw, list[i], i);
  }
}

const NONE: ReadonlySet<string> = new Set();
const ELEMENT_FIELDS = Object.keys(elementSchema.shape);

/**
 * Under-indented fields of an element (`endpoints:` at the column of the element ids) read as elements of
 * their own, which then have no kind and unknown keys: one message says what happened instead. A field
 * whose value reads as an element (an element may well be called `auth`) stays one.
 */
function misplacedFields(r: Reporter, elements: unknown): ReadonlySet<string> {
  if (!isObj(elements)) return NONE;
  let found: Set<string> | undefined;
  for (const field of ELEMENT_FIELDS) {
    if (!Object.hasOwn(elements, field)) continue;
    const value = elements[field];
    if (isObj(value) && Object.keys(value).every((k) => ELEMENT_FIELDS.includes(k))) continue;
    const ids = Object.keys(elements);
    const above = ids[ids.indexOf(field) - 1];
    r.error('misplaced-key', ['elements', field], above === undefined
      ? `\`${field}\` looks like a field of an element, not an element`
      : `\`${field}\` looks like a field of the element above it, \`${above}\`, not an element`, {
      found: describeValue(value),
      hint: above === undefined ? 'indent it under the element it belongs to' : `indent it under \`${above}\`, in line with its other fields`,
    });
    (found ??= new Set()).add(field);
  }
  return found ?? NONE;
}

// ---------------------------------------------------------------------------------------------------
// zod issues -> diagnostics

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

const toPath = (path: readonly PropertyKey[]): Path => path.map((s) => (typeof s === 'number' ? s : String(s)));

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** The schema that governs `path` below `schema`, following the branch of a union that can hold it. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    if (!s) return undefined;
    s = step(s, seg);
    if (s) s = unwrap(s);
  }
  return s;
}

function step(s: z.ZodType, seg: PropertyKey): z.ZodType | undefined {
  if (s instanceof z.ZodObject) return (s.shape as Record<string, z.ZodType>)[seg as string];
  if (s instanceof z.ZodRecord) return s.valueType as z.ZodType;
  if (s instanceof z.ZodArray) return s.element as z.ZodType;
  if (s instanceof z.ZodUnion) {
    for (const option of s.options as z.ZodType[]) {
      const next = step(unwrap(option), seg);
      if (next) return next;
    }
  }
  return undefined;
}

function objectKeys(s: z.ZodType | undefined): string[] {
  if (!s) return [];
  const u = unwrap(s);
  if (u instanceof z.ZodObject) return Object.keys(u.shape);
  if (u instanceof z.ZodUnion) return (u.options as z.ZodType[]).flatMap((o) => objectKeys(o));
  return [];
}

interface EnumOptions {
  values: string[];
  /** `x-` custom names are allowed too. */
  custom: boolean;
  /** The other spellings of the values that are allowed, in words. */
  spellings?: string;
}

/** The names an enum (or a union holding one) allows, and whether `x-` custom names are allowed too. */
function enumOptions(s: z.ZodType | undefined): EnumOptions | undefined {
  if (!s) return undefined;
  const u = unwrap(s);
  if (u instanceof z.ZodEnum) return { values: u.options.map(String), custom: false };
  if (u instanceof z.ZodLiteral) return { values: [...u.values].map(String), custom: false };
  if (u instanceof z.ZodUnion) {
    let values: string[] = [];
    let custom = false;
    for (const option of u.options as z.ZodType[]) {
      const inner = enumOptions(option);
      if (inner) values = values.concat(inner.values);
      // The string beside a STRIDE category's names takes their other spellings, not custom names.
      else if (unwrap(option) instanceof z.ZodString) custom ||= u !== strideSchema;
    }
    if (values.length === 0) return undefined;
    return u === strideSchema ? { values, custom, spellings: STRIDE_SPELLINGS_NOTE } : { values, custom };
  }
  return undefined;
}

function valueName(path: Path): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'string') return VALUE_NAMES[seg] ?? (FLOW_ARROW.test(seg) ? 'protocol' : `value of \`${seg}\``);
  }
  return 'value';
}

const where = (parent: Path): string => (parent.length === 0 ? 'at the top level' : `in \`${displayPath(parent)}\``);

function reportEnum(r: Reporter, path: Path, value: unknown, options: EnumOptions): void {
  const name = valueName(path);
  const customNote = options.custom ? ', or a custom name starting with `x-`' : options.spellings ? ` (${options.spellings})` : '';
  const expected = `${options.values.length === 1 ? '' : 'one of '}${listValues(options.values)}${customNote}`;
  if (typeof value !== 'string' && !options.values.includes(String(value))) {
    const hint = options.values.length === 1 ? undefined : didYouMean(String(value), options.values);
    const message = typeof value === 'string' || typeof value === 'number'
      ? `\`${String(value)}\` is not a valid ${name}`
      : `expected a ${name}, found ${typeOf(value)}`;
    r.error(typeof value === 'string' || typeof value === 'number' ? 'invalid-value' : 'invalid-type', path, message,
      { found: describeValue(value), expected, hint });
    return;
  }
  const hint = enumHint(path, String(value), options.values)
    ?? (options.custom && /^x[-_]/i.test(String(value)) ? 'custom names are lower case and start with `x-`' : undefined);
  r.error('invalid-value', path, `unknown ${name} \`${String(value)}\``, { found: describeValue(value), expected, hint });
}

/** What people write for the value at `path`, besides its spelling (see SYNONYMS). */
function synonymsAt(path: Path, name: string): SynonymTable | undefined {
  return name === 'control' && path[0] === 'flows' ? FLOW_CONTROL_SYNONYMS : SYNONYMS[name];
}

// On a flow, `encrypted` as a control means in transit: its own words come first.
const FLOW_CONTROL_SYNONYMS: SynonymTable = { ...SYNONYMS.control, ...SYNONYMS['flow control'] };

function enumHint(path: Path, value: string, values: readonly string[]): string | undefined {
  const name = valueName(path);
  if (name === 'protocol') return protocolHint(value, values);
  return didYouMean(value, values, { synonyms: synonymsAt(path, name) });
}

const isEncrypted = (protocol: string): boolean => Object.hasOwn(PROTOCOLS, protocol) && PROTOCOLS[protocol].encrypted;

/** The encrypted form of a protocol (`redis` -> `rediss`, `postgres` -> `postgres+tls`), or itself when it is one. */
function encryptedTwin(protocol: string, values: readonly string[]): string | undefined {
  if (isEncrypted(protocol)) return protocol;
  return [`${protocol}s`, `${protocol}+tls`].find((c) => values.includes(c) && isEncrypted(c));
}

/** The protocol a word most likely names: itself in another case, a synonym, or the closest spelling. */
function likelyProtocol(word: string, values: readonly string[]): string | undefined {
  if (values.includes(word)) return word;
  const found = suggestions(word, values, { synonyms: SYNONYMS.protocol, prefer: isEncrypted });
  return Array.isArray(found) ? found[0] : undefined;
}

// `https:443`, `https://api.example.com`, and a TLS word after a protocol (`redis-tls`, `mysql+ssl`).
const PROTOCOL_AND_PORT = /^(.+?):(\d{1,5})$/;
const PROTOCOL_URL = /^([A-Za-z][\w+.-]*):\/\//;
const TLS_SUFFIX = /^(.*?)[-+_. ]?(?:over-?)?(?:tls|ssl|secure)(?:v?[\d.]+)?$/i;

/**
 * Never a cleartext protocol for a word that asks for TLS: `redis-tls` is `rediss`, not `redis`, the prefix
 * a spelling match finds. A value longer than any protocol is no typo of one (and the patterns stay cheap).
 */
function protocolHint(value: string, values: readonly string[]): string | undefined {
  if (value.length > 64) return undefined;
  const port = PROTOCOL_AND_PORT.exec(value);
  if (port) {
    const protocol = likelyProtocol(port[1], values);
    return `the port goes in a key of its own: \`{ protocol: ${protocol ?? port[1]}, port: ${port[2]} }\``;
  }
  const url = PROTOCOL_URL.exec(value);
  const scheme = url ? likelyProtocol(url[1], values) : undefined;
  if (scheme !== undefined) return `a protocol is written without \`://\` and the address: did you mean \`${scheme}\`?`;
  const tls = TLS_SUFFIX.exec(value);
  if (tls) {
    const base = tls[1] === '' ? 'tls' : likelyProtocol(tls[1], values);
    const twin = base === undefined ? undefined : encryptedTwin(base, values);
    if (twin !== undefined) return `did you mean \`${twin}\`?`;
  }
  return didYouMean(value, values, { synonyms: SYNONYMS.protocol, prefer: isEncrypted });
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'object':
    case 'record': return 'a map';
    case 'array': return 'a list';
    case 'null': return 'nothing (an empty value)';
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'int': return 'a whole number';
    case 'boolean': return 'true or false';
    default: return expected;
  }
}

/** `parent`: the map holding the key; a flow's `tls:` is answered with the TLS form of its protocol. */
function unknownKeyHint(key: string, allowed: readonly string[], parent: unknown): string | undefined {
  if (/^(?:tls|ssl|https|secure)$/i.test(key) && allowed.includes('encrypted')) return tlsKeyHint(parent);
  const cut = cutValueHint(key, parent);
  if (cut !== undefined) return cut;
  const control = Object.hasOwn(CONTROLS, key) && allowed.includes('controls');
  return didYouMean(key, allowed, { synonyms: SYNONYMS.key })
    ?? (control ? `\`${key}\` is a control: list it under \`controls: [${key}]\`` : undefined);
}

const unclosed = (text: string, open: string, close: string): boolean => text.split(open).length > text.split(close).length;

/**
 * In a flow-style map (`{ name: Card data (PAN, CVV), ... }`) a comma ends an unquoted value, and the rest reads
 * as keys with no value (`CVV)`). Such a key follows a string value left with an open parenthesis or bracket, or
 * looks like the rest of one (it holds a space or ends with one closed): the hint names the cut value and quotes it.
 */
function cutValueHint(key: string, parent: unknown): string | undefined {
  if (!isObj(parent) || parent[key] !== null) return undefined;
  const keys = Object.keys(parent);
  let at = keys.indexOf(key) - 1;
  // Every piece after the first comma is a key with no value: back over them to the value they were cut from.
  while (at >= 0 && parent[keys[at]] === null) at--;
  const owner = keys[at];
  const value = owner === undefined ? undefined : parent[owner];
  if (typeof value !== 'string') return undefined;
  let end = at + 1;
  while (end < keys.length && parent[keys[end]] === null) end++;
  const pieces = keys.slice(at + 1, end);
  const looksCut = unclosed(value, '(', ')') || unclosed(value, '[', ']') || /\s/.test(key) || /[)\]]$/.test(key);
  if (!looksCut) return undefined;
  return `the comma ended the value of \`${owner}\` (it was cut to "${value}"): quote it, \`${owner}: "${[value, ...pieces].join(', ')}"\``;
}

/** `tls: true` on a flow: TLS is what its protocol says, so the hint names the protocol's TLS form. */
function tlsKeyHint(flow: unknown): string {
  const protocol = isObj(flow) && typeof flow.protocol === 'string' ? flow.protocol : undefined;
  const twin = protocol === undefined ? undefined : encryptedTwin(protocol, Object.keys(PROTOCOLS));
  if (twin !== undefined && twin === protocol) return `\`${protocol}\` is encrypted already: remove the key`;
  if (twin !== undefined) return `use the TLS protocol: \`protocol: ${twin}\` (or write \`encrypted: true\`)`;
  return 'write `encrypted: true`, or use a TLS protocol (`https`, `rediss`, `postgres+tls`...)';
}

function convertIssue(r: Reporter, root: unknown, issue: Issue, base: Path, baseSchema: z.ZodType): void {
  const rel = toPath(issue.path);
  const path = [...base, ...rel];
  const value = valueAt(root, path);
  const schema = schemaAt(baseSchema, rel);

  if (value === undefined && rel.length > 0 && isObj(valueAt(root, path.slice(0, -1)))
    && (issue.code === 'invalid_type' || issue.code === 'invalid_union' || issue.code === 'invalid_value')) {
    const key = String(path[path.length - 1]);
    const options = enumOptions(schema);
    const expected = options
      ? (options.values.length === 1 ? options.values[0] : `a ${valueName(path)} such as \`${options.values[0]}\``)
      : issue.code === 'invalid_type' ? expectedName(issue.expected) : 'a value';
    r.error('missing-key', path.slice(0, -1), `missing required key \`${key}\` ${where(path.slice(0, -1))}`, {
      expected: `\`${key}: \` with ${expected}`, path,
    });
    return;
  }

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = objectKeys(schema);
      for (const key of issue.keys) {
        r.error('unknown-key', [...path, key], `unknown key \`${key}\` ${where(path)}`, {
          expected: allowed.length > 0 ? `one of ${listValues(allowed, 20)}` : undefined,
          hint: unknownKeyHint(key, allowed, valueAt(root, path)),
        });
      }
      return;
    }
    case 'invalid_key': {
      const key = String(rel[rel.length - 1] ?? '');
      r.error('invalid-id', path, `\`${key}\` is not a valid id`, { found: describeValue(key), expected: ID_RULE });
      return;
    }
    case 'invalid_union': {
      const options = enumOptions(schema);
      if (options && (typeof value === 'string' || typeof value === 'number')) {
        reportEnum(r, path, value, options);
        return;
      }
      // The branch whose top-level type matched holds the real problems (e.g. a map with a bad key).
      const matching = issue.errors.filter((branch) => !branch.some((i) => i.path.length === 0 && i.code === 'invalid_type'));
      if (matching.length > 0) {
        const best = matching.reduce((a, b) => (b.length < a.length ? b : a));
        const unionSchema = schema ?? baseSchema;
        for (const sub of best) convertIssue(r, root, sub, path, unionSchema);
        return;
      }
      const expected = [...new Set(issue.errors.flatMap((branch) => branch
        .filter((i) => i.path.length === 0 && i.code === 'invalid_type')
        .map((i) => expectedName((i as { expected: string }).expected))))];
      if (options) expected.unshift(`a ${valueName(path)} name`);
      r.error('invalid-type', path, `expected ${expected.join(' or ')}, found ${typeOf(value)}`, {
        found: describeValue(value), expected: expected.join(' or '),
      });
      return;
    }
    case 'invalid_value': {
      reportEnum(r, path, value, enumOptions(schema) ?? { values: issue.values.map(String), custom: false });
      return;
    }
    case 'invalid_format': {
      const pattern = (issue as { pattern?: string }).pattern;
      const options = enumOptions(schema);
      if (options) {
        reportEnum(r, path, value, options);
      } else if (pattern === String(ID_PATTERN)) {
        r.error('invalid-id', path, `${describeValue(value)} is not a valid id`, { found: describeValue(value), expected: ID_RULE, hint: namedHint(root, value) });
      } else if (pattern === String(HTTP_METHOD_PATTERN)) {
        reportMethod(r, path, value);
      } else if (pattern === String(CUSTOM_CONTROL_PATTERN)) {
        r.error('invalid-value', path, `${describeValue(value)} is not a valid custom name`, {
          found: describeValue(value), expected: 'x- followed by lower-case letters, digits and dashes',
        });
      } else {
        const name = valueName(path);
        r.error('invalid-value', path, `${describeValue(value)} is not a valid ${name}`, {
          found: describeValue(value), expected: name === 'HTTP method' ? 'a method name such as GET or POST' : `text matching ${pattern}`,
        });
      }
      return;
    }
    case 'invalid_type': {
      const expected = expectedName(issue.expected);
      let hint: string | undefined;
      if (issue.expected === 'array' && (typeof value === 'string' || typeof value === 'number')) hint = `write a list: \`[${String(value)}]\``;
      if (issue.expected === 'boolean' && typeof value === 'string' && /^(yes|no|on|off|y|n|true|false)$/i.test(value)) {
        hint = 'YAML 1.2 reads only `true` and `false` (unquoted) as booleans';
      }
      r.error('invalid-type', path, `expected ${expected}, found ${typeOf(value)}`, { found: describeValue(value), expected, hint });
      return;
    }
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const bound = issue.code === 'too_small' ? 'at least' : 'at most';
      let expected = `${bound} ${String(limit)}`;
      if (issue.origin === 'string') expected = issue.code === 'too_small' && Number(limit) === 1 ? 'a non-empty string' : `${bound} ${String(limit)} characters`;
      else if (issue.origin === 'array') expected = `${bound} ${String(limit)} items`;
      r.error('invalid-value', path, `${describeValue(value)} is out of range: expected ${expected}`, { found: describeValue(value), expected });
      return;
    }
    default:
      r.error('invalid-value', path, issue.message, { found: describeValue(value) });
  }
}

function convertAll(r: Reporter, root: unknown, result: z.ZodSafeParseResult<unknown>, base: Path, schema: z.ZodType): void {
  if (!result.success) for (const issue of result.error.issues) convertIssue(r, root, issue, base, schema);
}

// ---------------------------------------------------------------------------------------------------
// Flows: two forms, checked by hand so that each gets its own messages

const FLOW_FORMS = 'a flow is written `source -> target: protocol`, `source -> target: { protocol: ..., ... }`, '
  + 'or as a map with `from`, `to` and `protocol`';
const FULL_FLOW_KEYS = Object.keys(fullFlowSchema.shape);

/** FLOW_ARROW.test, skipped for the keys of the full form, which have no arrow. */
const isArrow = (key: string): boolean => key.includes('->') && FLOW_ARROW.test(key);

const checkFullFlow = compileCheck(fullFlowSchema, true);
const checkProtocol = compileCheck(protocolSchema, true);
const checkFlowDetails = compileCheck(flowDetailsSchema, true);
const FULL_FLOW_KEY_SET = new Set(FULL_FLOW_KEYS);

/**
 * The reader's ShorthandFlow entries (see parse.ts's shorthandFlows) replaced by the maps they stand for,
 * in place: the checks that find and word problems read the data as written.
 */
function plainFlows(raw: unknown): void {
  const list = isObj(raw) ? raw.flows : undefined;
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) if (list[i] instanceof ShorthandFlow) list[i] = (list[i] as ShorthandFlow).toPlain();
}

/** Whether the value of a flow's arrow is a valid protocol or valid details. */
const arrowValueIsValid = (value: unknown): boolean =>
  (typeof value === 'string' ? checkProtocol(value) : isObj(value) && checkFlowDetails(value));

/** True when checkFlowEntry would report nothing; false when it may (it then decides). */
export function flowIsValid(entry: unknown): boolean {
  // Its arrow is known to be one (FLOW_ARROW), and it is the only key.
  if (entry instanceof ShorthandFlow) return arrowValueIsValid(entry.value);
  if (!isObj(entry)) return false;
  let arrows = 0;
  let details = false;
  for (const key in entry) {
    if (!Object.hasOwn(entry, key)) return false;
    if (isArrow(key)) {
      if (!arrowValueIsValid(entry[key])) return false;
      arrows++;
    } else if (FULL_FLOW_KEY_SET.has(key)) details = true;
    else return false;
  }
  // Arrows beside `from`/`to`-style keys are a mistake; neither, an empty flow.
  return arrows > 0 ? !details : details && checkFullFlow(entry);
}

function checkFlowEntry(r: Reporter, root: Obj, entry: unknown, i: number): void {
  const at: Path = ['flows', i];
  if (!isObj(entry)) {
    const arrowText = typeof entry === 'string' && /->/.test(entry) ? entry.trim() : undefined;
    // `- "a -> b: https"` has its protocol already: the quotes make the whole flow one string, not a key and a value.
    const quotedWhole = arrowText !== undefined && /->\s*[^\s:]+\s*:\s*\S/.test(arrowText);
    r.error('invalid-flow', at, `expected a flow, found ${typeOf(entry)}`, {
      found: describeValue(entry), expected: FLOW_FORMS,
      hint: quotedWhole ? `write it without quotes, \`- ${arrowText}\` on a line of its own: quoted, the whole flow is one string`
        : arrowText !== undefined ? `add the protocol after a colon: \`${arrowText}: https\`` : undefined,
    });
    return;
  }
  const keys = Object.keys(entry);
  const arrows = keys.filter((k) => FLOW_ARROW.test(k));
  if (arrows.length === 0 && keys.some((k) => FULL_FLOW_KEYS.includes(k))) {
    convertAll(r, root, fullFlowSchema.safeParse(entry), at, fullFlowSchema);
    return;
  }
  if (keys.length === 0) {
    r.error('invalid-flow', at, 'empty flow', { expected: FLOW_FORMS });
    return;
  }
  const beside = arrows.length === 1 && (entry[arrows[0]] ?? null) === null ? keys.filter((k) => FULL_FLOW_KEYS.includes(k)) : [];
  if (beside.length > 0) reportDetailsBeside(r, [...at, arrows[0]], arrows[0], beside);
  for (const key of keys) {
    const keyPath = [...at, key];
    if (beside.length > 0 && (key === arrows[0] || beside.includes(key))) continue;
    if (!FLOW_ARROW.test(key)) {
      const isDetail = FULL_FLOW_KEYS.includes(key);
      r.error('invalid-flow', keyPath, isDetail
        ? `\`${key}\` sits beside \`${arrows[0]}\`; a shorthand flow keeps its details under the arrow`
        : `\`${key}\` is not a flow`, {
        expected: FLOW_FORMS,
        hint: isDetail ? `write \`${arrows[0]}: { ${key}: ... }\`` : arrowHint(key),
      });
      continue;
    }
    const value = entry[key];
    if (typeof value === 'string') convertAll(r, root, protocolSchema.safeParse(value), keyPath, protocolSchema);
    else if (isObj(value)) convertAll(r, root, flowDetailsSchema.safeParse(value), keyPath, flowDetailsSchema);
    else {
      r.error('invalid-type', keyPath, `expected a protocol or the flow's details, found ${typeOf(value)}`, {
        found: describeValue(value), expected: 'a protocol such as `https`, or a map such as `{ protocol: https, data: [pii] }`',
      });
    }
  }
}

/** `- a -> b:` with its details on the next lines at the arrow's own column: one mistake, one message. */
function reportDetailsBeside(r: Reporter, at: Path, arrow: string, keys: readonly string[]): void {
  const listed = keys.map((k) => `\`${k}\``).join(', ');
  r.error('invalid-flow', at, `the details of \`${arrow}\` (${listed}) sit beside it, not under it`, {
    expected: FLOW_FORMS,
    hint: `indent ${listed} two more spaces than \`${arrow}\`, or write \`${arrow}: { ${keys.map((k) => `${k}: ...`).join(', ')} }\``,
  });
}

// ---------------------------------------------------------------------------------------------------
// References and cross-checks, on data that may still be partly invalid: every access is guarded.

// Paths are built only for a problem: a valid model has some 100,000 references to check.
/** Where to point for the flow as a whole, and for its details. */
const flowAt = (f: RawFlowRef): Path => (f.arrow === undefined ? ['flows', f.index] : ['flows', f.index, f.arrow]);
const flowEndAt = (f: RawFlowRef, end: 'from' | 'to'): Path => (f.arrow === undefined ? ['flows', f.index, end] : flowAt(f));

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

const KIND_LIST = '`kind: external`, `kind: process` or `kind: store`';

const TECH_NAMES = [...Object.keys(TECHNOLOGIES), ...Object.keys(ELEMENT_TYPES)];

const TOP_KEYS = Object.keys(modelSchema.shape);

/**
 * The ids of a section, for references. A misspelt section (`asset:` for `assets:`) is reported once as
 * an unknown key; its entries still count here, or every reference to them would be an error of its own.
 */
function referableIds(raw: Obj, name: string, own: string[]): string[] {
  if (isObj(raw[name])) return own;
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (isObj(value) && !TOP_KEYS.includes(key) && suggest(key, TOP_KEYS) === name) return Object.keys(value);
  }
  return own;
}

const SECTION_OF = { boundary: 'boundaries', asset: 'assets', element: 'elements' } as const;
const SECTION_KIND: Record<string, string> = { boundaries: 'boundary', assets: 'asset', elements: 'element' };

/** `Production VPC` and `production-vpc` both name `{ name: Production VPC }`: compared lower-cased, runs of other characters as one dash. */
const nameKey = (text: string): string => text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Per model, each section's entries by the key of their `name`, built on the first problem that asks (see namedHint). */
const namesByModel = new WeakMap<Obj, Map<string, Map<string, string>>>();

function nameIndex(root: Obj): Map<string, Map<string, string>> {
  let index = namesByModel.get(root);
  if (index !== undefined) return index;
  index = new Map();
  for (const section of Object.keys(SECTION_KIND)) {
    const byName = new Map<string, string>();
    const entries = root[section];
    if (isObj(entries)) {
      for (const [id, entry] of Object.entries(entries)) {
        if (isObj(entry) && typeof entry.name === 'string' && !byName.has(nameKey(entry.name))) byName.set(nameKey(entry.name), id);
      }
    }
    index.set(section, byName);
  }
  namesByModel.set(root, index);
  return index;
}

/**
 * A reference written as a display name (`in: Production VPC`) rather than an id: the hint names the id. Only
 * `sections` are searched when the reference's kind is known.
 */
function namedHint(root: unknown, value: unknown, ...sections: string[]): string | undefined {
  if (typeof value !== 'string' || !isObj(root)) return undefined;
  const wanted = nameKey(value);
  if (wanted === '') return undefined;
  const index = nameIndex(root);
  for (const section of sections.length ? sections : Object.keys(SECTION_KIND)) {
    const id = index.get(section)?.get(wanted);
    if (id === undefined || id === value) continue;
    const name = (root[section] as Obj)[id] as Obj;
    return `${describeValue(name.name)} is the name of ${SECTION_KIND[section]} \`${id}\`: refer to it by its id, \`${id}\``;
  }
  return undefined;
}

function checkReferences(r: Reporter, raw: Obj, misplaced: ReadonlySet<string>): RawFlowRef[] {
  const section = (name: string): Obj => (isObj(raw[name]) ? (raw[name] as Obj) : {});
  const boundaries = section('boundaries');
  const assets = section('assets');
  const elements = section('elements');
  const own = { boundary: Object.keys(boundaries), element: Object.keys(elements) };
  const ids = {
    boundary: referableIds(raw, 'boundaries', own.boundary),
    asset: referableIds(raw, 'assets', Object.keys(assets)),
    element: referableIds(raw, 'elements', own.element),
  };
  // Elements map each id to itself: a flow's ends become the element's own id string (see withOwnIds).
  const elementIds = new Map<string, string>();
  for (let i = 0; i < ids.element.length; i++) elementIds.set(ids.element[i], ids.element[i]);
  const sets = { boundary: new Set(ids.boundary), asset: new Set(ids.asset), element: elementIds };
  type RefKind = keyof typeof ids;

  // Paths are built only for a problem: a valid model has some 100,000 references to check.
  /** True when `value` needs no report: not a string (the schema's business), or a known id. */
  const resolves = (value: unknown, kind: RefKind): boolean => typeof value !== 'string'
    || (kind === 'asset' ? resolveAssetRef(value, sets.asset) !== undefined : sets[kind].has(value));
  const allResolve = (value: unknown, kind: RefKind): boolean => {
    if (!Array.isArray(value)) return true;
    for (let i = 0; i < value.length; i++) if (!resolves(value[i], kind)) return false;
    return true;
  };

  // Each suggestion scans every id; a generated model with thousands of broken references must still load fast.
  let suggestionsLeft = 200;
  const ref = (path: Path, value: unknown, kind: RefKind): void => {
    if (resolves(value, kind) || r.isFlagged(path)) return;
    const known = ids[kind];
    const suggestion = suggestionsLeft-- > 0 ? namedHint(raw, value, SECTION_OF[kind]) ?? didYouMean(value as string, known) : undefined;
    r.error('unknown-reference', path, `unknown ${kind} \`${value as string}\``, {
      expected: known.length > 0 ? `${article(kind)} ${kind} id: ${listValues(known, 8)}` : `${article(kind)} ${kind}, but the model defines none`,
      hint: suggestion ?? (known.length === 0 ? `define it under \`${kind === 'boundary' ? 'boundaries' : `${kind}s`}:\`` : undefined),
    });
  };
  const refList = (path: Path, value: unknown, kind: RefKind): void => {
    if (Array.isArray(value)) value.forEach((v, i) => ref([...path, i], v, kind));
  };

  // Boundaries: parents exist and do not nest in a circle.
  for (let i = 0; i < own.boundary.length; i++) {
    const id = own.boundary[i];
    const b = boundaries[id];
    if (isObj(b) && !resolves(b.in, 'boundary')) ref(['boundaries', id, 'in'], b.in, 'boundary');
  }
  checkBoundaryCycles(r, boundaries);
  checkCaseOnlyIds(r, [['boundaries', own.boundary], ['elements', own.element]]);
  checkCaseOnlyIds(r, [['assets', Object.keys(assets)]]);

  // Elements. Each element and each flow is checked by a function of its own, not in the loop's body: the
  // loops of one long function were compiled whole twice (on-stack, then again after the flows' first turn).
  let spaModelled: boolean | undefined;
  let untyped: Set<string> | undefined;
  const checkElement = (id: string): void => {
    const e = elements[id];
    // Findings and diagrams name elements and boundaries side by side; assets are only ever referenced
    // from asset fields, so an asset may share an element's id.
    if (sets.boundary.has(id)) {
      r.error('duplicate-id', ['elements', id], `\`${id}\` is both an element and a boundary`, {
        hint: 'elements and boundaries share one namespace in findings and diagrams; rename one of them',
      });
    }
    if (!isObj(e)) return;
    if (!resolves(e.in, 'boundary')) ref(['elements', id, 'in'], e.in, 'boundary');
    if (!allResolve(e.handles, 'asset')) refList(['elements', id, 'handles'], e.handles, 'asset');
    if (!allResolve(e.stores, 'asset')) refList(['elements', id, 'stores'], e.stores, 'asset');
    if (isObj(e.endpoints)) {
      for (const key of Object.keys(e.endpoints)) {
        const ep = e.endpoints[key];
        // Most keys are a path alone; only the others can hold a method.
        if (key.charCodeAt(0) !== 47) checkEndpointKeyMethods(r, ['elements', id, 'endpoints', key], key);
        if (!isObj(ep)) continue;
        if (!allResolve(ep.callers, 'element')) refList(['elements', id, 'endpoints', key, 'callers'], ep.callers, 'element');
        if (!allResolve(ep.accepts, 'asset')) refList(['elements', id, 'endpoints', key, 'accepts'], ep.accepts, 'asset');
        if (!allResolve(ep.returns, 'asset')) refList(['elements', id, 'endpoints', key, 'returns'], ep.returns, 'asset');
      }
    }
    checkKind(r, id, e);
    if (typeof e.tech === 'string') checkServerAsUserAgent(r, id, e, e.tech);
    if (untypedExternal(e)) (untyped ??= new Set()).add(id);
    if (typeof e.tech === 'string' && e.tech.toLowerCase() === 'browser') checkAppAsBrowser(r, id, e, spaModelled ??= modelsSpa(elements));
  };
  for (let i = 0; i < own.element.length; i++) {
    const id = own.element[i];
    if (misplaced.size > 0 && misplaced.has(id)) continue;
    checkElement(id);
  }

  // Flows.
  const flowIds = new Map<string, RawFlowRef>();
  const flows = readFlowRefs(raw.flows);
  let targets: Map<string, string[]> | undefined;
  // Flow ends are read as written here: an end naming no element leads nowhere.
  const endpointCheck: EndpointCheck = { elements, names: new Map(), targets: () => (targets ??= targetsBySource(flows)) };
  const checkFlow = (f: RawFlowRef): void => {
    const from = f.from === undefined ? undefined : elementIds.get(f.from);
    const to = f.to === undefined ? undefined : elementIds.get(f.to);
    if (from === undefined) ref(flowEndAt(f, 'from'), f.from, 'element');
    else f.from = from;
    if (to === undefined) ref(flowEndAt(f, 'to'), f.to, 'element');
    else f.to = to;
    if (!allResolve(f.details.data, 'asset')) refList([...flowAt(f), 'data'], f.details.data, 'asset');
    if (f.details.endpoint !== undefined) checkFlowEndpoint(r, f, endpointCheck);
    if (f.from === undefined || f.to === undefined) return;
    const explicit = typeof f.details.id === 'string' ? f.details.id : undefined;
    const id = explicit ?? flat(`${f.from}->${f.to}`);
    f.id = id;
    // Findings, coverage rows and diagrams name flows and elements (and boundaries) side by side.
    if (explicit !== undefined && (elementIds.has(id) || sets.boundary.has(id))) {
      r.error('duplicate-id', [...flowAt(f), 'id'], `flow id \`${id}\` is also the id of ${elementIds.has(id) ? 'an element' : 'a boundary'}`, {
        hint: 'findings and coverage name flows and elements by id; give the flow an id of its own',
      });
      return;
    }
    const first = flowIds.get(id);
    if (first === undefined) {
      flowIds.set(id, f);
      return;
    }
    const firstLine = r.lineOf(flowAt(first));
    r.error('duplicate-id', explicit !== undefined ? [...flowAt(f), 'id'] : flowAt(f), explicit !== undefined
      ? `two flows have the id \`${id}\` (the first is on line ${firstLine})`
      : `a second flow from \`${f.from}\` to \`${f.to}\` (the first is on line ${firstLine})`, {
      hint: explicit !== undefined ? 'flow ids must be unique' : 'give one of them an `id:` so that findings can tell them apart',
    });
  };
  for (let k = 0; k < flows.length; k++) checkFlow(flows[k]);

  if (untyped !== undefined) warnUntypedCallers(r, untyped, flows);

  // Assumptions.
  if (Array.isArray(raw.assumptions)) {
    raw.assumptions.forEach((a, i) => {
      if (isObj(a)) refList(['assumptions', i, 'elements'], a.elements, 'element');
    });
  }
  if (isObj(raw.threats)) checkThreatTargets(r, raw.threats, elements, ids.boundary, flowIds);
  return flows;
}

/** `kind: external` with no `type`, and no `tech` that gives one: nothing says whether people or systems are behind it. */
const untypedExternal = (e: Obj): boolean => e.kind === 'external' && e.type === undefined && techType(e.tech) === undefined;

/**
 * An untyped external element that calls into the system: the spoofing rules judge people (a login) and
 * other organisations' systems (mTLS, signed requests) differently, and can tell neither here, so its calls
 * are taken as anyone's. Once per element, where it is defined.
 */
function warnUntypedCallers(r: Reporter, untyped: ReadonlySet<string>, flows: readonly RawFlowRef[]): void {
  const warned = new Set<string>();
  for (const f of flows) {
    if (f.from === undefined || !untyped.has(f.from) || warned.has(f.from)) continue;
    warned.add(f.from);
    r.add('warning', 'untyped-caller', ['elements', f.from], `external element \`${f.from}\` calls into the system but does not say who it is (no \`type\`)`, {
      hint: 'say who calls: `type: user` or `tech: browser` for people, `type: third-party` for another organisation\'s system, `type: device`; until then its calls count as anyone\'s, and no partner or device rule judges them',
    });
  }
}

/** Each written threat's `on:` names something in the model, unambiguously. */
function checkThreatTargets(r: Reporter, threats: Obj, elements: Obj, boundaries: string[], flows: ReadonlyMap<string, RawFlowRef>): void {
  const index = targetIndex({
    elements: Object.keys(elements).map((id) => {
      const e = elements[id];
      const keys = isObj(e) && isObj(e.endpoints) ? Object.keys(e.endpoints) : [];
      return { id, endpoints: keys.map((key) => ({ key, route: parseEndpointKey(key).route })) };
    }),
    boundaries,
    flows: [...flows.values()].map((f) => ({ id: f.id!, from: f.from!, to: f.to! })),
  });
  let names: string[] | undefined;
  for (const id of Object.keys(threats)) {
    const t = threats[id];
    if (!isObj(t)) continue;
    const refs = targetRefs(t.on);
    refs.forEach((ref, i) => {
      if (typeof ref !== 'string') return;
      const path = Array.isArray(t.on) ? ['threats', id, 'on', i] : ['threats', id, 'on'];
      if (r.isFlagged(path)) return;
      const found = resolveThreatTarget(ref, index);
      if ('target' in found) return;
      if (found.problem === 'ambiguous') {
        r.error('ambiguous-reference', path, ambiguity(ref, found), {
          expected: found.what === 'flows' ? `one flow id: ${listValues([...found.candidates], 8)}` : `one endpoint: ${listValues([...found.candidates], 8)}`,
        });
        return;
      }
      names ??= targetNames(index);
      r.error('unknown-reference', path, `\`${ref}\` names nothing in the model`, {
        expected: 'an element, boundary, flow (`a -> b` or its id) or endpoint (`element:key`) id, or `system`',
        hint: didYouMean(ref, names),
      });
    });
  }
}

/**
 * Ids of one namespace (elements and boundaries share one) that differ only in case (`Api` and `api`): a warning
 * at the later one naming the earlier. Not an error: threat keys, triage entries and exports match ids exactly,
 * so the two stay apart; but a reader takes them for one, and `triage` suggests an entry of one for the other
 * when it looks for a renamed component.
 */
function checkCaseOnlyIds(r: Reporter, sections: readonly (readonly [string, readonly string[]])[]): void {
  const seen = new Map<string, Path>();
  for (const [section, ids] of sections) {
    for (const id of ids) {
      const path: Path = [section, id];
      const folded = id.toLowerCase();
      const first = seen.get(folded);
      if (first === undefined) {
        seen.set(folded, path);
        continue;
      }
      // The same id twice (an element and a boundary) is a duplicate-id error of its own.
      if (first[1] === id) continue;
      const [earlier, later] = r.lineOf(first) <= r.lineOf(path) ? [first, path] : [path, first];
      if (r.lineOf(first) > r.lineOf(path)) seen.set(folded, path);
      caseOnlyWarning(r, earlier, later);
    }
  }
}

function caseOnlyWarning(r: Reporter, earlier: Path, later: Path): void {
  const what = (p: Path) => (p[0] === 'boundaries' ? 'boundary' : p[0] === 'assets' ? 'asset' : 'element');
  r.add('warning', 'case-only-id', later, `${what(later)} id \`${String(later[1])}\` differs only in case from ${what(earlier)} \`${String(earlier[1])}\` (line ${r.lineOf(earlier)})`, {
    hint: 'findings and triage keep them apart, but readers take them for one: rename one of them',
  });
}

function checkBoundaryCycles(r: Reporter, boundaries: Obj): void {
  const parentOf = (id: string): string | undefined => {
    const b = boundaries[id];
    return isObj(b) && typeof b.in === 'string' && b.in in boundaries ? b.in : undefined;
  };
  const order = new Map(Object.keys(boundaries).map((id, i) => [id, i]));
  const done = new Set<string>();
  for (const start of order.keys()) {
    const chain: string[] = [];
    const onChain = new Set<string>();
    let id: string | undefined = start;
    while (id !== undefined && !done.has(id) && !onChain.has(id)) {
      chain.push(id);
      onChain.add(id);
      id = parentOf(id);
    }
    if (id !== undefined && onChain.has(id)) {
      const cycle = chain.slice(chain.indexOf(id));
      // Reported once, at the member that comes first in the file.
      const first = cycle.reduce((a, b) => (order.get(b)! < order.get(a)! ? b : a));
      const rotated = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first];
      r.error('boundary-cycle', ['boundaries', first, 'in'], cycle.length === 1
        ? `boundary \`${first}\` is inside itself`
        : `boundaries are inside each other: ${rotated.map((b) => `\`${b}\``).join(' in ')}`, {
        hint: 'remove one of the `in:` keys; the outermost boundary has none',
      });
    }
    for (const b of chain) done.add(b);
  }
}

function kindOfType(type: unknown): ElementKind | undefined {
  return typeof type === 'string' && Object.hasOwn(ELEMENT_TYPES, type)
    ? ELEMENT_TYPES[type as keyof typeof ELEMENT_TYPES].kind
    : undefined;
}

/** The element type a technology implies; an element type's own name works as a technology too (`tech: cdn`). */
export const techType = (tech: unknown): string | undefined =>
  typeof tech === 'string' ? impliedElementType(tech) : undefined;

/**
 * An unknown technology alone leaves the kind open, and the kind decides which rules apply: a guess would
 * report threats about the wrong thing, so this stays an error, with the nearest known name and the list.
 */
function unknownTechHint(tech: string): string {
  const near = didYouMean(tech, TECH_NAMES);
  const open = `\`tech: ${tech}\` is not a known technology (docs/technologies.md lists them), so nothing says what the element is: add \`type:\` (such as \`api\` or \`database\`) or \`kind: external|process|store\``;
  return near === undefined ? open : `${near} ${open}`;
}

function checkKind(r: Reporter, id: string, e: Obj): void {
  const tech = e.tech;
  const impliedByTech = techType(tech);
  if (typeof tech === 'string' && impliedByTech === undefined && !r.isFlagged(['elements', id, 'tech'])) {
    r.add('warning', 'unknown-tech', ['elements', id, 'tech'], `unknown technology \`${tech}\`; it adds no type or traits`, {
      hint: didYouMean(tech, TECH_NAMES) ?? 'docs/technologies.md lists the known ones; else set `type:` to say what the element is (tech is only a hint)',
    });
  }
  if (r.anyFlagged() && (r.isFlagged(['elements', id, 'kind']) || r.isFlagged(['elements', id, 'type']))) return;
  const kind = typeof e.kind === 'string' ? e.kind : undefined;
  const typeKind = kindOfType(e.type);
  const techKind = e.type === undefined ? kindOfType(impliedByTech) : undefined;
  if (kind !== undefined && typeKind !== undefined && kind !== typeKind) {
    r.error('kind-conflict', ['elements', id, 'kind'], `\`kind: ${kind}\` contradicts \`type: ${String(e.type)}\`, which is a ${typeKind}`, {
      hint: 'remove `kind` (the type implies it) or correct the type',
    });
  } else if (kind !== undefined && techKind !== undefined && kind !== techKind) {
    r.error('kind-conflict', ['elements', id, 'kind'], `\`kind: ${kind}\` contradicts \`tech: ${String(tech)}\`, which is a ${techKind} (${impliedByTech})`, {
      hint: 'remove `kind`, or add a `type:` that says what the element is',
    });
  } else if (kind === undefined && typeKind === undefined && techKind === undefined && e.type === undefined) {
    r.error('unknown-kind', ['elements', id], `cannot tell what kind of element \`${id}\` is`, {
      expected: `${KIND_LIST}, or a \`type:\` such as \`api\` or \`database\``,
      hint: typeof tech === 'string' ? unknownTechHint(tech) : 'add `type:` (such as `api` or `database`), a known `tech:` (docs/technologies.md lists them), or `kind: external|process|store`',
    });
  }
}

/** The traits a technology gives, read as normalize reads it (any case, other spellings). */
function techTraits(tech: string): readonly TechTrait[] {
  const name = techName(tech);
  return name === undefined ? [] : (TECHNOLOGIES[name].traits ?? []);
}

/**
 * What a server has and the user's browser or app does not: routes it serves, a credential its callers present.
 * Not the data it handles or stores: a single-page app handles what it shows, and a mobile app keeps tokens and
 * offline copies on the device.
 */
const SERVER_FIELDS = ['endpoints', 'auth'] as const;

function saysServer(field: (typeof SERVER_FIELDS)[number], value: unknown): boolean {
  if (field === 'endpoints') return isObj(value) && Object.keys(value).length > 0;
  if (field === 'auth') return typeof value === 'string' && value !== 'none';
  return Array.isArray(value) && value.length > 0;
}

/**
 * `dashboard: { tech: react, endpoints: ..., auth: oidc }` is the dashboard's server written with what its pages
 * are built in: the technology makes it the user's browser, so the server's threats (injection, XSS, phishing of
 * its staff, audit) are never looked for and the browser's are (an API key it sends counts as shipped to users).
 * A `type:` does not help while the technology stays: its `browser` or `mobile` trait still makes rules take the
 * element for the client. A person's type beside it is how a model says who uses the app (web.ts isSpa), and
 * a device or a third party is no server of ours either. People's flows into it are no sign either way: a
 * person using their own browser or app is drawn that way (transport.ts personUsesProgram).
 */
function checkServerAsUserAgent(r: Reporter, id: string, e: Obj, tech: string): void {
  const name = techName(tech);
  if (name === undefined || TECHNOLOGIES[name].type !== 'user-agent') return;
  const type = typeof e.type === 'string' ? e.type : undefined;
  if (type !== undefined && type !== 'user-agent' && kindOfType(type) === 'external') return;
  const field = SERVER_FIELDS.find((f) => saysServer(f, e[f]));
  if (field === undefined || r.isFlagged(['elements', id, field]) || r.isFlagged(['elements', id, 'type'])) return;
  const traits = techTraits(tech);
  const client = traits.includes('spa') ? 'the app in the user\'s browser' : traits.includes('mobile') ? 'the app on the user\'s device' : 'the user\'s browser';
  const alone = `what \`tech: ${tech}\` names can be an element of its own that calls the server`;
  if (type === undefined || type === 'user-agent') {
    r.add('warning', 'server-as-user-agent', ['elements', id, field], `\`${id}\` has \`${field}\`, as a server does, but \`tech: ${tech}\` makes it ${client} (type \`user-agent\`): the rules treat it as a client, not a server`, {
      hint: `for the server, write \`type: web-app\` (or \`admin-panel\`, \`api\`) without \`tech: ${tech}\`, or a server technology such as \`nextjs\` or \`node\` (beside a \`type:\`, \`tech: ${tech}\` still makes it the client); ${alone}`,
    });
    return;
  }
  const trait = traits.includes('browser') ? 'browser' : 'mobile';
  r.add('warning', 'server-as-user-agent', ['elements', id, field], `\`${id}\` has \`${field}\` and \`type: ${type}\`, but \`tech: ${tech}\` still gives it the \`${trait}\` trait: rules take it for ${client}`, {
    hint: `drop \`tech: ${tech}\` (the type says what the server is), or write a server technology such as \`nextjs\` or \`node\`; ${alone}`,
  });
}

/** The single-page-app technologies (`react`, `vue`...; not `spa` itself), each with the words that name it. */
const SPA_FRAMEWORKS: ReadonlyArray<readonly [string, RegExp]> = Object.keys(TECHNOLOGIES)
  .filter((t) => t !== 'spa' && TECHNOLOGIES[t].traits?.includes('spa'))
  // `React Native` is a mobile app, not a page in a browser.
  .map((t) => [t, new RegExp(`\\b${t}(?:\\.?js)?\\b(?![- ]?native)`, 'i')] as const);
/** `SPA` in capitals (a `spa` may be a spa), or `single-page` in any case. */
const SPA_ABBREVIATION = /\bSPAs?\b/;
const SINGLE_PAGE = /\bsingle[- ]page\b/i;

/** Whether an element of the model is a single-page app already (then a `browser` is the user's browser). */
function modelsSpa(elements: Obj): boolean {
  return Object.values(elements).some((e) => isObj(e) && typeof e.tech === 'string' && techTraits(e.tech).includes('spa'));
}

/** The one single-page app a name or description names: a framework, else `spa`; undefined when none or several. */
function spaNamed(text: string): string | undefined {
  const named = SPA_FRAMEWORKS.filter(([, words]) => words.test(text));
  if (named.length > 0) return named.length === 1 ? named[0][0] : undefined;
  return SPA_ABBREVIATION.test(text) || SINGLE_PAGE.test(text) ? 'spa' : undefined;
}

/**
 * "React app" with `tech: browser`: the rules for single-page apps (DOM XSS, tokens in browser storage...)
 * look for an SPA technology and never see it. Only a warning: the element may well be the browser.
 */
function checkAppAsBrowser(r: Reporter, id: string, e: Obj, spaModelled: boolean): void {
  if (spaModelled || r.isFlagged(['elements', id, 'tech'])) return;
  const name = typeof e.name === 'string' ? e.name : id;
  const tech = spaNamed(`${name}\n${typeof e.description === 'string' ? e.description : ''}`);
  if (tech === undefined) return;
  const app = tech === 'spa' ? 'a single-page app' : `${article(tech)} ${tech[0].toUpperCase()}${tech.slice(1)} app`;
  r.add('warning', 'app-as-browser', ['elements', id, 'tech'], `\`${name}\` names ${app} but its tech is \`browser\``, {
    hint: `use \`tech: ${tech}\` for the app (the browser is the user's): the single-page-app rules, such as \`dom-xss\`, apply only then`,
  });
}

const HTTP_METHOD_SET: ReadonlySet<string> = new Set(HTTP_METHODS);
const METHOD_LIST = listValues(HTTP_METHODS);
/** How normalize's parseEndpointKey splits a key into its methods and route, in any case. */
const METHODS_AND_ROUTE = /^([A-Za-z]+(?:\s*[|,]\s*[A-Za-z]+)*)\s+(\S.*)$/;

/**
 * A key's leading word is read as a method only in upper case, so `PSOT /uploads` would silently be a
 * method and `post /uploads` silently a path (with `post ` in it).
 */
function checkEndpointKeyMethods(r: Reporter, at: Path, key: string): void {
  // `POST /cart`, as most keys with a method are, needs no pattern (a large model has thousands).
  const space = key.indexOf(' ');
  if (space > 0 && HTTP_METHOD_SET.has(key.slice(0, space))) return;
  const m = METHODS_AND_ROUTE.exec(key.trim());
  if (!m) return;
  const words = m[1].split(/[\s|,]+/).filter(Boolean);
  const route = m[2].trim();
  if (/^[A-Z|,\s]+$/.test(m[1])) {
    const unknown = words.find((w) => !HTTP_METHOD_SET.has(w));
    if (unknown === undefined) return;
    const method = suggest(unknown, HTTP_METHODS);
    const kind = ENDPOINT_KINDS.find((k) => k === unknown.toLowerCase());
    r.error('invalid-value', at, `\`${unknown}\` is not an HTTP method`, {
      found: describeValue(key), expected: `\`METHOD /path\` with a method among ${METHOD_LIST}, or the path alone`,
      hint: method !== undefined ? `did you mean \`${key.trim().replace(unknown, method)}\`?`
        : kind !== undefined ? `\`${kind}\` is an endpoint kind: write \`${route}: { kind: ${kind} }\``
          : `write the path alone (\`${route}\`), or name the endpoint with \`name:\``,
    });
    return;
  }
  // A lower-case word before a path is most likely a method; before anything else it may be a name.
  if (!route.startsWith('/') || !words.every((w) => HTTP_METHOD_SET.has(w.toUpperCase()))) return;
  const upper = `${m[1].toUpperCase()} ${route}`;
  r.error('invalid-value', at, `\`${m[1]}\` in \`${key.trim()}\` is read as part of the path: methods are written in upper case`, {
    found: describeValue(key), expected: `\`METHOD /path\` with a method among ${METHOD_LIST}`,
    hint: `write \`${upper}\``,
  });
}

/** An entry of `methods:` that the schema refused: any case is taken (normalize upper-cases it), but only real methods. */
function reportMethod(r: Reporter, path: Path, value: unknown): void {
  const text = typeof value === 'string' ? value : String(value);
  const words = text.split(/[\s,|]+/).filter(Boolean);
  r.error('invalid-value', path, `\`${text}\` is not an HTTP method`, {
    found: describeValue(value), expected: `one of ${METHOD_LIST}`,
    hint: words.length > 1 ? `write one method per entry: \`methods: [${words.join(', ')}]\`` : didYouMean(text.toUpperCase(), HTTP_METHODS),
  });
}

/** The flows' endpoint names checked against their targets, each element's keys and routes read once. */
interface EndpointCheck {
  elements: Obj;
  /** Each element's endpoint keys and routes (null: it declares none). */
  names: Map<string, Set<string> | null>;
  /** Where each element's flows go, made when a flow first names an endpoint behind an edge. */
  targets: () => ReadonlyMap<string, readonly string[]>;
}

function endpointNamesOf(check: EndpointCheck, id: string): Set<string> | undefined {
  let known = check.names.get(id);
  if (known === undefined) {
    const e = check.elements[id];
    const keys = isObj(e) && isObj(e.endpoints) ? Object.keys(e.endpoints) : [];
    known = keys.length === 0 ? null : new Set<string>();
    for (const key of keys) {
      known!.add(key);
      known!.add(parseEndpointKey(key).route);
    }
    check.names.set(id, known);
  }
  return known ?? undefined;
}

const namesEndpoint = (known: Set<string> | undefined, endpoint: string): boolean =>
  known !== undefined && (known.has(endpoint) || known.has(endpoint.trim()));

/** The raw element's type, stated or implied by its tech. */
const rawTypeOf = (e: unknown): string | undefined => (isObj(e) ? (typeof e.type === 'string' ? e.type : techType(e.tech)) : undefined);

/** The elements behind an edge (see forwardedOwners) for which `declares` holds. */
const behindEdge = (check: EndpointCheck, edge: string, declares: (id: string) => boolean): string[] =>
  forwardedOwners(edge, { typeOf: (id) => rawTypeOf(check.elements[id]), declares, next: (id) => check.targets().get(id) ?? [] });

function checkFlowEndpoint(r: Reporter, f: RawFlowRef, check: EndpointCheck): void {
  const endpoint = f.details.endpoint;
  if (typeof endpoint !== 'string' || f.to === undefined) return;
  const path = [...flowAt(f), 'endpoint'];
  if (r.isFlagged(path)) return;
  const target = check.elements[f.to];
  if (!isObj(target)) return; // an unknown target is reported on its own
  const known = endpointNamesOf(check, f.to);
  if (namesEndpoint(known, endpoint)) return;
  // A call to a load balancer or gateway may name the endpoint of the service behind it that serves the path.
  if (forwardsRequests(rawTypeOf(target))) return checkForwardedEndpoint(r, f.to, endpoint, path, check);
  if (known === undefined) {
    r.error('unknown-reference', path, `\`${f.to}\` has no endpoints, so the flow cannot call \`${endpoint}\``, {
      hint: `declare it under \`elements.${f.to}.endpoints\`, or drop \`endpoint:\``,
    });
    return;
  }
  const keys = Object.keys(target.endpoints as Obj);
  r.error('unknown-reference', path, `\`${f.to}\` has no endpoint \`${endpoint}\``, {
    expected: `one of ${listValues(keys, 10)}`,
    hint: didYouMean(endpoint, [...known]),
  });
}

/**
 * An endpoint named on a call to an edge that does not declare it: exactly one element the edge forwards to
 * (directly or through further edges) must declare it; else an error listing the endpoints behind the edge.
 */
function checkForwardedEndpoint(r: Reporter, edge: string, endpoint: string, path: Path, check: EndpointCheck): void {
  const owners = behindEdge(check, edge, (id) => namesEndpoint(endpointNamesOf(check, id), endpoint));
  if (owners.length === 1) return;
  if (owners.length > 1) {
    r.error('ambiguous-reference', path, `\`${endpoint}\` is declared by ${owners.length} services behind \`${edge}\`: the flow cannot tell which one it reaches`, {
      expected: `one service declaring it: ${listValues(owners, 8)}`,
      hint: 'draw the flow to the service it reaches, or give the endpoint a key only one of them declares',
    });
    return;
  }
  const declared = (check.elements[edge] as Obj).endpoints;
  const own = isObj(declared) ? Object.keys(declared) : [];
  const served = behindEdge(check, edge, (id) => endpointNamesOf(check, id) !== undefined);
  const offered = [...own, ...served.flatMap((id) => Object.keys((check.elements[id] as Obj).endpoints as Obj).map((key) => `${key} (on ${id})`))];
  const names = [...own, ...served.flatMap((id) => [...endpointNamesOf(check, id)!])];
  r.error('unknown-reference', path, `neither \`${edge}\` nor a service it forwards to declares the endpoint \`${endpoint}\``, {
    expected: offered.length > 0 ? `one of ${listValues(offered, 10)}` : `an endpoint, but \`${edge}\` and the services it forwards to declare none`,
    hint: didYouMean(endpoint, names) ?? (offered.length > 0 ? undefined : `declare it under the endpoints of the service behind \`${edge}\` that serves it, or drop \`endpoint:\``),
  });
}
