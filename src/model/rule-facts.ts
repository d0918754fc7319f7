// The facts a custom rule condition may ask about, as data: their names, types and meaning. The rule
// checker, the JSON Schema and `threatmap rules facts` are all generated from this.
import {
  ASSET_TYPES, AUTH_METHODS, BOUNDARY_KINDS, CLASSIFICATIONS, ELEMENT_KINDS, ELEMENT_TYPES, ENDPOINT_KINDS,
  LEVELS, TECH_TRAITS, TRUST_LEVELS,
} from './catalog.js';

export const RULE_SUBJECTS = ['element', 'endpoint', 'flow'] as const;
export type RuleSubject = (typeof RULE_SUBJECTS)[number];

/** How a trust boundary crossing is classified (mirrors the analysis's crossing kinds; a test keeps them equal). */
export const FLOW_CROSSING_KINDS = [
  'internet-to-dmz', 'internet-to-internal', 'dmz-to-internal', 'app-to-data', 'service-to-service',
  'user-to-admin', 'to-lower-trust', 'to-higher-trust', 'same-trust',
] as const;

/** Ordered from least to most reachable. */
export const EXPOSURES = ['internal', 'indirect', 'internet'] as const;

export type FactType =
  | { kind: 'enum'; values: readonly string[]; ordered?: boolean }
  | { kind: 'list'; values?: readonly string[] }
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'boolean' };

export interface FactInfo {
  type: FactType;
  description: string;
}

const en = (values: readonly string[], ordered = false): FactType => ({ kind: 'enum', values, ordered });
const list = (values?: readonly string[]): FactType => ({ kind: 'list', values });
const STR: FactType = { kind: 'string' };
const NUM: FactType = { kind: 'number' };
const BOOL: FactType = { kind: 'boolean' };

/** Facts of an element; asked as `element.X` (and `source.X` / `target.X` in flow rules). */
export const ELEMENT_FACTS: Record<string, FactInfo> = {
  id: { type: STR, description: 'the element id' },
  kind: { type: en(ELEMENT_KINDS), description: 'external, process or store' },
  type: { type: en(Object.keys(ELEMENT_TYPES)), description: 'what the element is (api, database, queue...)' },
  tech: { type: STR, description: 'the technology hint: a known one by its catalogue name (`PostgreSQL` is `postgres`), else as written' },
  traits: { type: list(TECH_TRAITS), description: 'traits implied by the technology (sql, browser, llm...)' },
  tags: { type: list(), description: 'the element\'s tags' },
  controls: { type: list(), description: 'controls in place: its own, its boundaries\', and perimeter controls on every untrusted path' },
  auth: { type: en(AUTH_METHODS), description: 'how callers authenticate to it (none when unset)' },
  exposure: { type: en(EXPOSURES, true), description: 'internet (reached straight from an untrusted zone or through edge components), indirect, or internal' },
  trust: { type: en(TRUST_LEVELS, true), description: 'trust level of its zone, ordered untrusted < dmz < internal < restricted' },
  boundary: { type: STR, description: 'the id of its innermost boundary' },
  'boundary-kinds': { type: list(BOUNDARY_KINDS), description: 'kinds of every boundary it sits in' },
  privileged: { type: BOOL, description: 'runs with administrative privileges' },
  exposed: { type: BOOL, description: 'marked as directly reachable from the internet' },
  replicas: { type: NUM, description: 'number of instances, when stated' },
  'endpoint-kinds': { type: list(ENDPOINT_KINDS), description: 'kinds of its endpoints' },
  'data.types': { type: list(ASSET_TYPES), description: 'types of the assets it handles, stores or exchanges' },
  'data.classification': { type: en(CLASSIFICATIONS, true), description: 'highest classification of those assets' },
  'data.confidentiality': { type: en(LEVELS, true), description: 'highest confidentiality of those assets' },
  'data.integrity': { type: en(LEVELS, true), description: 'highest integrity of those assets' },
  'data.availability': { type: en(LEVELS, true), description: 'highest availability of those assets' },
  'stores.types': { type: list(ASSET_TYPES), description: 'types of the assets it stores at rest' },
  'stores.classification': { type: en(CLASSIFICATIONS, true), description: 'highest classification of what it stores' },
};

/** Facts of an endpoint; asked as `endpoint.X` in endpoint rules (with `element.X` for its element). */
export const ENDPOINT_FACTS: Record<string, FactInfo> = {
  key: { type: STR, description: 'the endpoint as written, e.g. `POST /cart`' },
  route: { type: STR, description: 'its path, e.g. `/cart`' },
  kind: { type: en(ENDPOINT_KINDS), description: 'login, search, upload, webhook, admin...' },
  methods: { type: list(), description: 'HTTP methods, upper case' },
  public: { type: BOOL, description: 'callable without authentication' },
  auth: { type: en(AUTH_METHODS), description: 'how callers authenticate' },
  exposure: { type: en(EXPOSURES, true), description: 'who can reach it: internet, indirect or internal' },
  controls: { type: list(), description: 'controls in place for it (its own, its element\'s, boundaries\', and on every path that reaches it)' },
  callers: { type: list(), description: 'ids of the elements allowed to call it' },
  'accepts.types': { type: list(ASSET_TYPES), description: 'types of the assets callers send' },
  'accepts.classification': { type: en(CLASSIFICATIONS, true), description: 'highest classification of what callers send' },
  'accepts.integrity': { type: en(LEVELS, true), description: 'highest integrity of what callers send' },
  'returns.types': { type: list(ASSET_TYPES), description: 'types of the assets in responses' },
  'returns.classification': { type: en(CLASSIFICATIONS, true), description: 'highest classification of what it returns' },
  'returns.confidentiality': { type: en(LEVELS, true), description: 'highest confidentiality of what it returns' },
};

/** Facts of a data flow; asked as `flow.X` in flow rules (with `source.X` and `target.X`). */
export const FLOW_FACTS: Record<string, FactInfo> = {
  id: { type: STR, description: 'the flow id' },
  protocol: { type: STR, description: 'the protocol as written (https, sql+tls, amqp...)' },
  encrypted: { type: BOOL, description: 'encrypted in transit' },
  synchronous: { type: BOOL, description: 'request/response (as opposed to fire-and-forget messaging)' },
  auth: { type: en(AUTH_METHODS), description: 'how the caller authenticates' },
  credential: { type: STR, description: 'the named credential, when stated' },
  'credential-shared': { type: BOOL, description: 'its credential is also used by another source element' },
  controls: { type: list(), description: 'controls declared on the flow' },
  crossing: { type: en([...FLOW_CROSSING_KINDS, 'none']), description: 'the kind of trust boundary crossing, or none' },
  crosses: { type: list(BOUNDARY_KINDS), description: 'kinds of the boundaries it leaves or enters' },
  'endpoint-kind': { type: en(ENDPOINT_KINDS), description: 'kind of the target endpoint, when the flow names one' },
  port: { type: NUM, description: 'the port, when stated' },
  'data.types': { type: list(ASSET_TYPES), description: 'types of the assets carried' },
  'data.classification': { type: en(CLASSIFICATIONS, true), description: 'highest classification of what it carries' },
  'data.confidentiality': { type: en(LEVELS, true), description: 'highest confidentiality of what it carries' },
  'data.integrity': { type: en(LEVELS, true), description: 'highest integrity of what it carries' },
};

/** Which fact prefixes each kind of rule may use. */
export const SUBJECT_PREFIXES: Record<RuleSubject, readonly string[]> = {
  element: ['element'],
  endpoint: ['endpoint', 'element'],
  flow: ['flow', 'source', 'target'],
};

const PREFIX_FACTS: Record<string, Record<string, FactInfo>> = {
  element: ELEMENT_FACTS, source: ELEMENT_FACTS, target: ELEMENT_FACTS, endpoint: ENDPOINT_FACTS, flow: FLOW_FACTS,
};

/** Every fact name a condition may use, with its type: `element.exposure`, `flow.crosses`... */
export const ALL_FACTS: ReadonlyMap<string, FactInfo & { prefix: string; fact: string }> = new Map(
  Object.entries(PREFIX_FACTS).flatMap(([prefix, facts]) =>
    Object.entries(facts).map(([fact, info]) => [`${prefix}.${fact}`, { ...info, prefix, fact }] as const)),
);

export const COMPARISON_OPERATORS: Record<FactType['kind'], readonly string[]> = {
  enum: ['equals', 'not-equals', 'in', 'not-in', 'exists'],
  string: ['equals', 'not-equals', 'in', 'not-in', 'exists'],
  number: ['equals', 'not-equals', 'gt', 'gte', 'lt', 'lte', 'exists'],
  boolean: ['equals', 'exists'],
  list: ['contains', 'contains-any', 'contains-all', 'not-contains', 'empty'],
};
/** Extra operators for enums whose values are ordered (exposure, trust, classification, levels). */
export const ORDERED_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;

/** Condition keys that are not facts. */
export const CONDITION_KEYWORDS = ['all', 'any', 'not', 'has-control', 'crosses', 'exposure'] as const;
