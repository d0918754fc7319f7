// The normalised model: every default applied, every reference resolved, every object able to say
// where it came from. Plain data (serialisable); analysis reads only this.
import type {
  AssetKind, AssetType, AuthMethod, BoundaryKind, Classification, ElementKind, ElementType, EndpointKind, Level,
  TechTrait, TrustLevel,
} from './catalog.js';
import type { RawRulesSection } from './rules-schema.js';

/** 1-based line and column in the model file. */
export interface Loc {
  line: number;
  col: number;
}

/** A path into the model file, e.g. ['elements', 'api', 'endpoints', '/search']. */
export type ModelPath = ReadonlyArray<string | number>;

/** Answers where a node of the source file starts; the nearest located ancestor stands in for the rest. */
export interface SourceMap {
  readonly file: string;
  locate(path: ModelPath): Loc;
}

export interface Located {
  /** Where the object is defined in the model file. */
  loc: Loc;
  /** Its path in the model file, for evidence of the facts it holds. */
  at: ModelPath;
}

export interface System {
  name: string;
  description?: string;
  owner?: string;
  version?: string;
}

export interface Boundary extends Located {
  id: string;
  name: string;
  description?: string;
  trust: TrustLevel;
  /** Index in TRUST_LEVELS: 0 untrusted ... 3 restricted. */
  trustRank: number;
  kind: BoundaryKind;
  parent?: string;
  controls: string[];
}

export interface Asset extends Located {
  id: string;
  name: string;
  description?: string;
  kind: AssetKind;
  type?: AssetType;
  classification: Classification;
  confidentiality: Level;
  integrity: Level;
  availability: Level;
  /** A stand-in nobody classified: its levels gate the rules, but it rates impact Medium at most. */
  assumed?: boolean;
}

export interface Endpoint extends Located {
  /** `element:key`, unique in the model. */
  id: string;
  element: string;
  /** The key as written, e.g. `POST /cart`. */
  key: string;
  /** The URL path part of the key, e.g. `/cart`. */
  route: string;
  methods: string[];
  name: string;
  description?: string;
  kind: EndpointKind;
  /**
   * How callers authenticate: the endpoint's own, else the element's, else the one every flow that reaches it
   * states (see `authAt`), else `none` when public.
   */
  auth: AuthMethod;
  /** True when the model says it is public or its auth is none. */
  public: boolean;
  /**
   * True when the endpoint itself says it is public (`public: true`, or its own `auth: none`); absent when
   * `public` only follows from no auth being stated for it or its element. Only a stated choice tells an
   * endpoint meant for anyone from one whose session check the model does not show (a cookie stated on the
   * flows). Normalisation always sets the property, to `undefined` when not stated: the JSON result then
   * names it only where the model does.
   */
  declaredPublic?: true;
  /**
   * Where `auth` is stated when neither the endpoint nor its element states one and it comes from the flows
   * that reach the endpoint, every one of which states it: the `auth` of the flow cited (a flow's path when
   * its protocol implies it). Normalisation always sets the property, to `undefined` otherwise, so that the
   * JSON result names it only on such endpoints.
   */
  authAt?: ModelPath;
  /** Who may call it, when the model restricts it. */
  callers?: string[];
  controls: string[];
  accepts: string[];
  returns: string[];
}

export interface Element extends Located {
  id: string;
  name: string;
  kind: ElementKind;
  type?: ElementType;
  /** The catalogue's name for a known technology however written (`PostgreSQL` is `postgres`), else as written. */
  tech?: string;
  traits: TechTrait[];
  boundary?: string;
  description?: string;
  controls: string[];
  auth?: AuthMethod;
  handles: string[];
  stores: string[];
  endpoints: Endpoint[];
  /** Directly reachable from the internet, as stated by the model. */
  exposed?: boolean;
  privileged: boolean;
  replicas?: number;
  owner?: string;
  tags: string[];
}

export interface Flow extends Located {
  /** `source->target`, or the model's own id when it gives one. */
  id: string;
  name?: string;
  description?: string;
  from: string;
  to: string;
  protocol: string;
  encrypted: boolean;
  auth: AuthMethod;
  credential?: string;
  data: string[];
  /** The target endpoint's id (`element:key`) when the flow names one. */
  endpoint?: string;
  controls: string[];
  synchronous: boolean;
  port?: number;
}

export interface Assumption extends Located {
  text: string;
  rules: string[];
  elements: string[];
}

/** What a written threat is about, resolved from its `on:` list. */
export interface ThreatTarget {
  kind: 'element' | 'boundary' | 'flow' | 'endpoint' | 'system';
  /** The element, boundary, flow or endpoint id (`element:key`); `system` for the whole system. */
  id: string;
}

/** A threat written in the model's `threats:` section (src/analysis/rules/written.ts makes it a finding). */
export interface WrittenThreat extends Located {
  id: string;
  title: string;
  stride: 'S' | 'T' | 'R' | 'I' | 'D' | 'E';
  /** In the order written, each once. */
  on: ThreatTarget[];
  description?: string;
  /** Stated ratings; absent: rated from the model like the rules' threats. */
  likelihood?: Level;
  impact?: Level;
  mitigation?: string;
  mitigatedBy: string[];
  references: string[];
}

export interface Model {
  file: string;
  system: System;
  boundaries: Boundary[];
  assets: Asset[];
  elements: Element[];
  flows: Flow[];
  assumptions: Assumption[];
  /** The threats written by hand in the model's `threats:` section. */
  threats: WrittenThreat[];
  /** The model's `rules:` section as written (disable, override, custom rules); paths start at ['rules']. */
  rules?: RawRulesSection;
}

export type Severity = 'error' | 'warning';

/** A problem found while loading: always with the file, position and path, never a stack trace. */
export interface Diagnostic {
  severity: Severity;
  /** Stable, kebab-case: `unknown-key`, `unknown-reference`, `duplicate-id`, `invalid-value`... */
  code: string;
  message: string;
  file: string;
  line: number;
  col: number;
  /** Dotted path in the model, e.g. `elements.api.endpoints["/search"].controls[0]`. */
  path: string;
  found?: string;
  expected?: string;
  hint?: string;
}
