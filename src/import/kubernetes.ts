// Kubernetes manifests -> a Draft: each workload (Deployment, StatefulSet, Job...) an element, the Services
// that select it the names other pods reach it by, NodePort, LoadBalancer, externalIPs, Ingress and Traefik
// IngressRoute backends calls from outside, and a flow wherever a container's environment (its ConfigMap values too), its
// command-line arguments or a configuration file it mounts from a ConfigMap names another Service; a Service nothing names,
// in a namespace with no NetworkPolicy, is called by a made-up element for the cluster's other pods. Objects that draw nothing on a data flow diagram (Secrets, RBAC, autoscalers...) are skipped. A
// Service and the Deployment it selects usually sit in different files, so the files applied together are
// read together (discoverKubernetesFiles). Pure: the caller reads the files and passes their text.
import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic, ModelPath } from '../model/types.js';
import { portEvidence, serviceId, traefikHosts, traefikPaths } from './compose.js';
import {
  authOff, type CommandAddress, commandAddresses, commandRequiresPassword, companionPort, type DebuggerListener, debuggerListener, debuggerNote, type EnvSetting, escapeCapability, HOST_CONTROL,
  hostMentions, imageProtocol, imageRepository, imageTech, notACall, passwordSetting, sshdKeyOnly, SSHD_CONFIG_PATH, sshPasswordLogin, sshPasswordOff,
  withDebugger,
} from './containers.js';
import { configAddresses } from './config-addresses.js';
import type { CommittedText } from './helm.js';
import {
  addBoundary, addElement, addEvidence, addFacts, addOutsideCaller, addOutsideServices, checkLine, type Draft, type DraftCheck, type DraftControl, type DraftElement, type DraftEndpoint, type DraftFact,
  emptyDraft, type FlowEvidence, type HostReference, type Identity, kindOf, ListIndex, namesAFile, outsideIdentity, type Provenance, publicTwoLabelName, resolveReferences, reviewLimits, ROUTE_PATH, settleFlows,
} from './draft.js';

export { checkLine, type DraftCheck };
import type { AuthMethod } from '../model/catalog.js';
import { EPHEMERAL_DATA_TAG } from '../analysis/rules/data-at-rest.js';
import { NO_CALLER_TAG } from '../model/sanity.js';
import { lookup } from './import-common.js';
import { rbacAccess, type RbacBinding, type RbacRole, type RbacRule } from './kubernetes-rbac.js';
import { credentialOf, describeLiteral, isPlaceholder, isSecretSetting, literalSecretSetting, signingKeyFix, type SigningSetting, signingSetting } from './secret-values.js';
import { describeNode, type Entry, YamlSource } from './yaml-source.js';

export interface KubernetesOptions {
  /** The namespace of objects that state none, as `kubectl apply -n` gives it; default `default`. */
  namespace?: string;
}

export interface KubernetesResult {
  draft: Draft;
  diagnostics: Diagnostic[];
  /** Objects read (every document that is an object, and every item of a `List`). */
  objects: number;
  /** Kinds skipped because they draw nothing on the diagram, sorted. */
  skippedKinds: string[];
  /** What the files state that the model cannot hold (a Secret's values committed), in file order, for the summary's `check:` lines. */
  checks: DraftCheck[];
}


export interface ManifestFile {
  text: string;
  file: string;
  /** For a manifest rendered from a template (a Helm chart's): the template's line of each line of `text`. */
  sourceLines?: readonly number[];
  /** What the file is, for the draft's list of sources; default `Kubernetes`. */
  format?: string;
  /** For a rendered manifest: the template and values files it came from, where its literals are written. */
  committed?: CommittedText;
}

export const KUBERNETES_FORMAT = 'Kubernetes';

/** Objects read for what workloads' service accounts may do, not drawn. */
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
/** Made-up parts for the API server (keys no id can be). */
export const KUBERNETES_API = '(kubernetes api)';
const CONTROL_PLANE = '(control plane)';
/** The cluster's boundary, around every namespace: a key no namespace can have. */
const CLUSTER_BOUNDARY = '(cluster)';
/** The made-up caller standing for the cluster's other pods (see KubernetesReader.clusterCallers). */
export const CLUSTER_WORKLOADS = '(cluster workloads)';
const CLUSTER_WORKLOADS_ID = 'cluster-workloads';
const CLUSTER_WORKLOADS_FALLBACK = 'other-cluster-workloads';

/** What manifests cannot say, for the drafted model's header. */
export const KUBERNETES_LIMITS: readonly string[] = reviewLimits(
  'Kubernetes manifests say what runs, which Services name it and what is published. They cannot say, so add:',
  [
    '  trust: each namespace is one internal boundary inside the cluster\'s, and NodePort, LoadBalancer, externalIPs and Ingress',
    '    backends are calls from untrusted outside clients; NetworkPolicies are not read as trust boundaries',
  ],
  ['ConfigMap values are read (env valueFrom and envFrom); Secrets never are (a secretKeyRef is "a secret", never its value); Helm charts are rendered as `helm template` would, with values.yaml and --values files, the release named after the chart unless --release-name names it.'],
);

/** Kinds whose pods run the system's code, and where their pod template is. */
const WORKLOADS: Record<string, ModelPath> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

/** A namespace's name, as Kubernetes requires it (an RFC 1123 label). */
const NAMESPACE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Kinds with a replica count in `spec.replicas`. */
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/**
 * Containers that ride along with the main one (service meshes, log shippers, secret agents, database
 * proxies): the workload is what its main container is, not its proxy. Matched by container name or
 * the last part of the image's repository.
 */
const SIDECARS = new Set([
  'istio-proxy', 'proxyv2', 'linkerd-proxy', 'envoy', 'envoyproxy', 'cloud-sql-proxy', 'cloudsql-proxy', 'gce-proxy',
  'vault-agent', 'consul-connect-envoy', 'fluent-bit', 'fluentd', 'filebeat', 'promtail', 'vector', 'jaeger-agent',
  'otel-collector', 'opentelemetry-collector', 'opentelemetry-collector-contrib', 'daprd', 'oauth2-proxy', 'datadog-agent',
]);

/** Ingress annotations that admit only the listed source addresses (ingress-nginx's old and new names, the AWS ALB's). */
const ALLOWLIST_ANNOTATIONS = [
  'nginx.ingress.kubernetes.io/whitelist-source-range', 'nginx.ingress.kubernetes.io/allowlist-source-range', 'alb.ingress.kubernetes.io/inbound-cidrs',
];


/** Traefik's custom resources, under their current and their older API group. */
const TRAEFIK_API = /^traefik\.(?:io|containo\.us)\/v1alpha1$/;
const TRAEFIK_ROUTES = new Set(['IngressRoute', 'IngressRouteTCP']);
const TRAEFIK_MIDDLEWARES = new Set(['Middleware', 'MiddlewareTCP']);

/** Source ranges that admit every address: no allow-list. */
const WORLD_RANGES = new Set(['0.0.0.0/0', '::/0']);

/**
 * Where database, queue and search images keep their data unless told otherwise: a volume mounted there (or on a
 * directory above it) holds everything the store keeps.
 */
const DATA_DIRS = [
  '/var/lib/postgresql/data', '/var/lib/mysql', '/data', '/data/db', '/var/lib/mongodb', '/bitnami/postgresql', '/bitnami/mysql',
  '/bitnami/mariadb', '/bitnami/mongodb', '/bitnami/redis/data', '/usr/share/elasticsearch/data', '/usr/share/opensearch/data',
  '/var/lib/rabbitmq', '/var/lib/cassandra', '/var/lib/clickhouse', '/var/lib/influxdb', '/var/lib/neo4j/data', '/opt/couchdb/data',
];

/** An image's tag when it floats: none written (so `latest`), or `latest`; a digest pins it whatever the tag. */
function floatingTag(image: string): string | undefined {
  const ref = image.trim();
  if (ref === '' || ref.includes('@') || ref.includes('{{') || ref.includes('$')) return undefined;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'no tag';
  return last.slice(colon + 1).toLowerCase() === 'latest' ? 'tag latest' : undefined;
}

const holdsData = (mountPath: string): boolean => {
  const m = mountPath.replace(/\/+$/, '');
  return m !== '' && DATA_DIRS.some((d) => d === m || d.startsWith(`${m}/`));
};


// --- Reading objects ---------------------------------------------------------------------------------

interface ObjectRef {
  src: YamlSource;
  file: string;
  kind: string;
  name: string;
  namespace: string;
  offset: number;
  path: ModelPath;
  fields: Map<string, Entry>;
}

interface Container {
  name: string;
  image?: string;
  offset: number;
  fields: Map<string, Entry>;
  init: boolean;
}

/** A ConfigMap's value, cited at its key. */
interface ConfigMapValue {
  value: string;
  line: number;
  /** The line of each of the value's lines, when it is a literal block (`key: |`), whose lines are the file's. */
  lines?: readonly number[];
}

/** A ConfigMap of the manifests, with its `data` by key. */
interface ConfigMap {
  file: string;
  name: string;
  data: Map<string, ConfigMapValue>;
}

/** A file a container sees from a ConfigMap it mounts: the value of `key`, at `path` in the container. */
interface ConfigMapFile extends ConfigMapValue {
  path: string;
  key: string;
  map: ConfigMap;
}

/** A namespace and one of its pods' labels, as a key (no namespace or label has a NUL in it). */
const labelKey = (namespace: string, key: string, value: string): string => `${namespace}\u0000${key}\u0000${value}`;

interface Workload {
  obj: ObjectRef;
  id: string;
  labels: Map<string, string>;
  pod: Map<string, Entry>;
  containers: Container[];
  main?: Container;
  sidecars: Container[];
  /** Names other pods reach it by, from the Services that select it. */
  aliases: string[];
  /** The Services that select it, for its comment. */
  services: Provenance[];
  published: FlowEvidence[];
  /** Calls through an internal load balancer: from the cloud network, not from the internet. */
  internalCalls: FlowEvidence[];
  /** Controls the objects in front of it state (source ranges on its Service or Ingress), each with where. */
  controls: DraftControl[];
  /** Paths its Ingresses route to it. */
  endpoints: DraftEndpoint[];
  /** The remote debugger its main container starts (set when the workload is drafted). */
  debugger?: DebuggerListener;
}

/** What a Traefik route's middlewares ask of callers (see KubernetesReader.traefikGate). */
interface TraefikGate {
  auth?: { method: AuthMethod; note: string };
  controls: DraftControl[];
  /** Middlewares named and not found in these manifests (or another provider's). */
  unread: string[];
  /** A middleware redirects every request (HTTP to HTTPS): the route serves nothing. */
  redirects: boolean;
}

const isTrue = (entry: Entry | undefined): boolean =>
  entry !== undefined && isScalar(entry.value) && (entry.value.value === true || entry.value.value === 'true');

class KubernetesReader {
  readonly draft = emptyDraft();
  /** The reader's own problems; the documents' are read from their sources (see problems). */
  readonly diagnostics: Diagnostic[] = [];
  /** Every document read: building the draft (finish) still reports problems in them, after the files are read. */
  private readonly sources: YamlSource[] = [];
  readonly skipped = new Set<string>();
  readonly checks: DraftCheck[] = [];
  objects = 0;
  private readonly workloads: Workload[] = [];
  private readonly byNamespacedName = new Map<string, Workload>();
  private readonly services: ObjectRef[] = [];
  /** ConfigMaps' `data` by `namespace/name`: the values pods take into their environment. */
  private readonly configMaps = new Map<string, ConfigMap>();
  private readonly ingresses: ObjectRef[] = [];
  /** Traefik's IngressRoutes (HTTP and TCP), and its Middlewares by `namespace/name`. */
  private readonly ingressRoutes: ObjectRef[] = [];
  private readonly middlewares = new Map<string, ObjectRef>();
  private readonly taken = new Set<string>();
  /** RBAC, for what each workload's service account may do to the cluster. */
  private readonly roles: RbacRole[] = [];
  private readonly bindings: RbacBinding[] = [];
  /** What each file is (a manifest as written, a rendered template). */
  private readonly sourceFormat = new Map<string, string>();
  private readonly committed = new Map<string, CommittedText>();
  /** Each values file's string scalars with their lines, read once. */
  private readonly valueLines = new Map<string, Array<{ value: string; line: number }>>();
  /** ExternalName Services: a cluster name for a host outside it, with the line of its `externalName`. */
  private readonly externalNames: Array<{ service: ObjectRef; host: string; line: number }> = [];
  /** Each Service that selects workloads of these manifests, with them: the names the cluster's pods call them by. */
  private readonly selecting: Array<{ service: ObjectRef; type: string; targets: Workload[] }> = [];
  /** Namespaces with no NetworkPolicy whose Services the cluster's other pods are drawn calling, in order. */
  private readonly openNamespaces: string[] = [];
  /** Namespaces some NetworkPolicy of these manifests is written in (what it admits is not read). */
  private readonly policed = new Set<string>();
  /** `automountServiceAccountToken` of the service accounts that state it, by `namespace/name`. */
  private readonly automount = new Map<string, boolean>();

  constructor(readonly options: KubernetesOptions) {
    this.draft.limits.push(...KUBERNETES_LIMITS);
  }

  /** Every problem: the reader's own, and each document's, those found while the draft was built included. */
  problems(): Diagnostic[] {
    return [...this.diagnostics, ...this.sources.flatMap((src) => src.diagnostics)];
  }

  // Small readers over one document's YAML.

  private fields(src: YamlSource, entry: Entry | undefined): Map<string, Entry> {
    return entry && isMap(entry.value) ? new Map(src.entries(entry.value, entry.path).map((e) => [e.key, e])) : new Map();
  }

  /** The entry at a path of maps below `start`, or undefined. */
  private at(src: YamlSource, start: Map<string, Entry>, path: readonly (string | number)[]): Entry | undefined {
    let fields = start;
    let entry: Entry | undefined;
    for (const key of path) {
      entry = fields.get(String(key));
      if (!entry) return undefined;
      fields = this.fields(src, entry);
    }
    return entry;
  }

  private text(src: YamlSource, entry: Entry | undefined, expected = 'a string'): string | undefined {
    if (!entry) return undefined;
    const t = src.text(entry.value, entry.offset, entry.path, expected);
    return typeof t === 'string' ? t : undefined;
  }

  private items(src: YamlSource, entry: Entry | undefined, expected: string): Entry[] {
    if (!entry) return [];
    return (src.listItems(entry.value, entry.offset, entry.path, expected) ?? [])
      .map((item) => ({ key: String(item.path[item.path.length - 1]), offset: item.offset, value: item.node, path: item.path }));
  }

  private stringMap(src: YamlSource, entry: Entry | undefined, expected: string): Map<string, string> {
    const out = new Map<string, string>();
    if (!entry) return out;
    for (const e of src.mapEntries(entry.value, entry.offset, entry.path, expected) ?? []) {
      const v = this.text(src, e, 'a string');
      if (v !== undefined) out.set(e.key, v);
    }
    return out;
  }

  /**
   * An object's namespace: its own, else the one it is applied to. `namespace: ""` states none, as kubectl
   * reads it. One that Kubernetes would refuse is an error (undefined): it names the namespace's boundary,
   * and a model id cannot be made of just anything.
   */
  private namespaceOf(src: YamlSource, metadata: Map<string, Entry>, path: ModelPath): string | undefined {
    const entry = metadata.get('namespace');
    const own = this.text(src, entry);
    if (own === undefined || own === '') return this.options.namespace ?? 'default';
    if (NAMESPACE.test(own) && own.length <= 63) return own;
    src.problem('error', 'invalid-value', src.offsetOf(entry!.value, entry!.offset), [...path, 'metadata', 'namespace'], `namespace \`${own}\` is not a name Kubernetes accepts`, {
      expected: 'lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters', found: JSON.stringify(own),
    });
    return undefined;
  }

  private provenance(obj: { src: YamlSource; file: string }, offset: number, note?: string): Provenance {
    return { file: obj.file, line: obj.src.lineOf(offset), ...(note ? { note } : {}) };
  }

  // Documents and objects.

  readFile(text: string, file: string, sourceLines?: readonly number[], format = KUBERNETES_FORMAT, committed?: CommittedText): void {
    if (!this.draft.sources.some((s) => s.file === file)) this.draft.sources.push({ file, format });
    this.sourceFormat.set(file, format);
    if (committed) this.committed.set(file, committed);
    let sources: YamlSource[] = [];
    try {
      sources = YamlSource.stream(text, file, sourceLines);
      for (const src of sources) if (!src.failed) this.readDocument(src, file);
    } catch (err) {
      // Whatever the input, the caller gets a diagnostic: hostile nesting can still overflow the stack.
      if (!(err instanceof RangeError)) throw err;
      this.diagnostics.push({ severity: 'error', code: 'too-deep', message: 'the file nests too deeply to read', file, line: 1, col: 1, path: '' });
    }
    this.sources.push(...sources);
  }

  private readDocument(src: YamlSource, file: string): void {
    const root = src.root;
    // An empty document (a `---` at the end, a file of comments) holds no object.
    if (root === null || (isScalar(root) && root.value === null)) return;
    const offset = src.offsetOf(root);
    if (!isMap(root)) {
      src.problem('error', 'not-kubernetes', offset, [], 'this document is not a Kubernetes object: expected a map with `apiVersion` and `kind`',
        { expected: 'a map with `apiVersion` and `kind`', found: describeNode(root) });
      return;
    }
    const top = new Map(src.entries(root, []).map((e) => [e.key, e]));
    this.readObject(src, file, top, offset, []);
  }

  private readObject(src: YamlSource, file: string, top: Map<string, Entry>, offset: number, path: ModelPath): void {
    const kind = this.text(src, top.get('kind'));
    const apiVersion = this.text(src, top.get('apiVersion'));
    if (!kind || !apiVersion) {
      src.problem('error', 'invalid-object', offset, path, 'a Kubernetes object needs `apiVersion` and `kind`', {
        expected: 'a map with `apiVersion` and `kind`',
        found: `a map with keys ${[...top.keys()].slice(0, 6).join(', ') || '(none)'}`,
      });
      return;
    }
    // `kubectl get -o yaml` writes a List of objects.
    if (kind === 'List' || (kind.endsWith('List') && top.has('items'))) {
      for (const item of this.items(src, top.get('items'), 'a list of objects')) {
        if (isMap(item.value)) this.readObject(src, file, new Map(src.entries(item.value, item.path).map((e) => [e.key, e])), item.offset, item.path);
        else src.wrongType(item.value, item.offset, item.path, 'a Kubernetes object (a map with `apiVersion` and `kind`)');
      }
      return;
    }
    this.objects++;
    if (kind === 'ConfigMap') {
      this.readConfigMap(src, file, top, path);
      return;
    }
    if (kind === 'Secret') this.readSecret(src, file, top);
    if (RBAC_KINDS.has(kind) || kind === 'ServiceAccount') {
      this.readRbac(src, file, top, kind, path);
      return;
    }
    if (kind === 'NetworkPolicy') {
      const namespace = this.namespaceOf(src, this.fields(src, top.get('metadata')), path);
      if (namespace !== undefined) this.policed.add(namespace);
    }
    const isWorkload = lookup(WORKLOADS, kind) !== undefined;
    const traefik = TRAEFIK_API.test(apiVersion) && (TRAEFIK_ROUTES.has(kind) || TRAEFIK_MIDDLEWARES.has(kind));
    if (!isWorkload && kind !== 'Service' && kind !== 'Ingress' && !traefik) {
      this.skipped.add(kind);
      return;
    }
    const metadata = this.fields(src, top.get('metadata'));
    const name = this.text(src, metadata.get('name'));
    if (!name) {
      const generated = this.text(src, metadata.get('generateName'));
      if (!generated) {
        src.problem('error', 'invalid-object', offset, [...path, 'metadata'], `this ${kind} has no \`metadata.name\``,
          { expected: 'a name under `metadata:`', found: describeNode(top.get('metadata')?.value ?? null) });
        return;
      }
    }
    const namespace = this.namespaceOf(src, metadata, path);
    if (namespace === undefined) return;
    // `helm test` runs these, never an install: a chart's test Pod is no part of the system.
    const hook = this.text(src, this.fields(src, metadata.get('annotations')).get('helm.sh/hook'));
    if (hook !== undefined && hook.split(',').some((h) => /^test(?:-success|-failure)?$/.test(h.trim()))) {
      this.draft.omitted.push({ key: name ?? kind, reason: `a Helm test hook (helm.sh/hook: ${hook}), run by \`helm test\` only`, provenance: this.provenance({ src, file }, offset) });
      return;
    }
    const obj: ObjectRef = {
      src, file, kind, namespace, offset, path, fields: top,
      // `generateName: migrate-` names a fresh object each time; its prefix is the name to show.
      name: name ?? this.text(src, metadata.get('generateName'))!.replace(/-+$/, ''),
    };
    if (isWorkload) this.readWorkload(obj);
    else if (kind === 'Service') this.services.push(obj);
    else if (TRAEFIK_ROUTES.has(kind) && traefik) this.ingressRoutes.push(obj);
    else if (traefik) this.middlewares.set(`${kind === 'MiddlewareTCP' ? 'tcp ' : ''}${namespace}/${obj.name}`, obj);
    else this.ingresses.push(obj);
  }

  private readConfigMap(src: YamlSource, file: string, top: Map<string, Entry>, path: ModelPath): void {
    const metadata = this.fields(src, top.get('metadata'));
    const name = this.text(src, metadata.get('name'));
    const namespace = this.namespaceOf(src, metadata, path);
    if (!name || namespace === undefined) return;
    const data = new Map<string, ConfigMapValue>();
    const entry = top.get('data');
    for (const e of entry ? src.mapEntries(entry.value, entry.offset, entry.path, 'a map of keys to strings') ?? [] : []) {
      const value = this.text(src, e, 'a string');
      const lines = src.blockLines(e.value);
      if (value !== undefined) data.set(e.key, { value, line: src.lineOf(e.offset), ...(lines ? { lines } : {}) });
    }
    this.configMaps.set(`${namespace}/${name}`, { file, name, data });
  }

  /**
   * A Secret written with its values (`stringData`, or base64 `data`) is a secret committed with the manifests:
   * the model cannot hold that, so it is a check for the reviewer, naming the keys and never a value. A
   * rendered chart's Secrets take their values from values files or generate them: only manifests as written count.
   */
  private readSecret(src: YamlSource, file: string, top: Map<string, Entry>): void {
    if (this.sourceFormat.get(file) !== KUBERNETES_FORMAT) return;
    const name = this.text(src, this.fields(src, top.get('metadata')).get('name')) ?? '(unnamed)';
    for (const field of ['stringData', 'data']) {
      const entry = top.get(field);
      const keys = (entry && isMap(entry.value) ? src.entries(entry.value, entry.path) : [])
        .filter((e) => isScalar(e.value) && typeof e.value.value === 'string' && !isPlaceholder(e.value.value))
        .map((e) => e.key);
      if (!entry || keys.length === 0) continue;
      this.checks.push({
        file, line: src.lineOf(entry.offset),
        message: `Secret ${name} commits ${keys.length === 1 ? 'a value' : `${keys.length} values`} in ${field} (${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', ...' : ''}): a secret kept in the repository; move it to a secret store`,
      });
    }
  }

  private strings(src: YamlSource, entry: Entry | undefined): string[] {
    return this.items(src, entry, 'a list of strings').flatMap((item) => this.text(src, item) ?? []);
  }

  private readRbac(src: YamlSource, file: string, top: Map<string, Entry>, kind: string, path: ModelPath): void {
    const metadata = this.fields(src, top.get('metadata'));
    const name = this.text(src, metadata.get('name'));
    if (!name) return;
    const cluster = kind.startsWith('Cluster');
    // A cluster-wide object has no namespace, whatever its metadata says.
    const namespace = cluster ? undefined : this.namespaceOf(src, metadata, path);
    if (!cluster && namespace === undefined) return;
    if (kind === 'ServiceAccount') {
      const automount = top.get('automountServiceAccountToken');
      if (automount) this.automount.set(`${namespace}/${name}`, isTrue(automount));
      return;
    }
    if (kind === 'Role' || kind === 'ClusterRole') {
      const rules = this.items(src, top.get('rules'), 'a list of rules').map((item): RbacRule => {
        const f = this.fields(src, item);
        return {
          apiGroups: this.strings(src, f.get('apiGroups')), resources: this.strings(src, f.get('resources')), verbs: this.strings(src, f.get('verbs')),
          resourceNames: this.strings(src, f.get('resourceNames')), line: src.lineOf(item.offset),
        };
      });
      this.roles.push({ kind, ...(namespace ? { namespace } : {}), name, rules, file });
      return;
    }
    const ref = this.fields(src, top.get('roleRef'));
    const subjects = this.items(src, top.get('subjects'), 'a list of subjects').map((item) => {
      const f = this.fields(src, item);
      const ns = this.text(src, f.get('namespace'));
      return { kind: this.text(src, f.get('kind')) ?? '', name: this.text(src, f.get('name')) ?? '', ...(ns ? { namespace: ns } : {}) };
    });
    this.bindings.push({
      kind: kind as RbacBinding['kind'], ...(namespace ? { namespace } : {}), name, file, line: src.lineOf(top.get('roleRef')?.offset ?? 0),
      roleRef: { kind: this.text(src, ref.get('kind')) ?? '', name: this.text(src, ref.get('name')) ?? '' }, subjects,
    });
  }

  /**
   * A workload whose service account can take over the cluster or its namespace calls the API server's
   * management plane (a made-up element), cited by the binding; a pod that mounts no token reaches nothing.
   */
  private addApiAccess(w: Workload): void {
    const { obj } = w;
    const account = this.text(obj.src, w.pod.get('serviceAccountName')) ?? this.text(obj.src, w.pod.get('serviceAccount')) ?? 'default';
    const own = w.pod.get('automountServiceAccountToken');
    if (own ? !isTrue(own) : this.automount.get(`${obj.namespace}/${account}`) === false) return;
    const access = rbacAccess(obj.namespace, account, this.roles, this.bindings);
    if (access === undefined) return;
    addBoundary(this.draft, {
      key: CONTROL_PLANE, id: 'control-plane', fallbackId: 'kubernetes-control-plane', name: 'Kubernetes control plane', trust: 'restricted', kind: 'service',
      provenance: [], comment: 'The cluster\'s API server: what a service account may do there is what its pods may do to the cluster.',
    });
    addElement(this.draft, {
      key: KUBERNETES_API, id: 'kubernetes-api', fallbackId: 'kube-apiserver', name: 'Kubernetes API', madeUp: true, identity: { tech: 'kubernetes-api' },
      boundary: CONTROL_PLANE, aliases: [], provenance: [],
      comment: 'Made up for the workloads whose service account can take over the cluster or a namespace: what their token reaches.',
    });
    const line = w.pod.get('serviceAccountName') ?? w.pod.get('serviceAccount');
    addEvidence(this.draft, w.id, KUBERNETES_API, [
      { provenance: access.provenance, protocol: 'https', auth: 'jwt', description: access.description },
      { provenance: this.provenance(obj, line?.offset ?? obj.offset, `runs as service account ${account}`) },
    ]);
  }

  private readWorkload(obj: ObjectRef): void {
    const { src } = obj;
    const templatePath = lookup(WORKLOADS, obj.kind) ?? [];
    const template = templatePath.length ? this.at(src, obj.fields, templatePath) : { key: '', offset: obj.offset, value: null, path: obj.path };
    const templateFields = templatePath.length ? this.fields(src, template) : obj.fields;
    const spec = templateFields.get('spec');
    if (!template || !spec || !isMap(spec.value)) {
      const where = [...obj.path, ...templatePath, 'spec'];
      src.problem('error', 'invalid-object', template?.offset ?? obj.offset, where,
        `${obj.kind} \`${obj.name}\` has no pod spec (\`${[...templatePath, 'spec'].join('.')}\` with \`containers:\`)`,
        { expected: 'a map with `containers:`', found: describeNode(spec?.value ?? null) });
      return;
    }
    const pod = this.fields(src, spec);
    const labels = this.stringMap(src, this.fields(src, templateFields.get('metadata')).get('labels'), 'a map of labels');
    const containers = [
      ...this.containers(obj, pod.get('initContainers'), true),
      ...this.containers(obj, pod.get('containers'), false),
    ];
    if (!pod.has('containers')) {
      src.problem('error', 'invalid-object', spec.offset, spec.path, `${obj.kind} \`${obj.name}\` runs no containers`,
        { expected: 'a pod spec with `containers:`', found: `a map with keys ${[...pod.keys()].slice(0, 6).join(', ') || '(none)'}` });
      return;
    }
    const regular = containers.filter((c) => !c.init);
    const isSidecar = (c: Container) => SIDECARS.has(c.name.toLowerCase()) || (c.image !== undefined && SIDECARS.has(imageRepository(c.image).at(-1) ?? ''));
    const main = regular.find((c) => !isSidecar(c)) ?? regular[0];
    // The same object in two files (a base and an overlay) is one element; another object of the same
    // name in another namespace gets an id of its own.
    const nsKey = `${obj.namespace}/${obj.name}`;
    const existing = this.byNamespacedName.get(nsKey);
    const id = existing?.id ?? serviceId(this.taken.has(serviceId(obj.name, new Set())) ? `${obj.name}.${obj.namespace}` : obj.name, this.taken);
    this.taken.add(id);
    const workload: Workload = {
      obj, id, labels, pod, containers, ...(main ? { main } : {}), sidecars: regular.filter((c) => c !== main && isSidecar(c)),
      aliases: [], services: [], published: [], internalCalls: [], controls: [], endpoints: [],
    };
    this.byNamespacedName.set(nsKey, workload);
    this.workloads.push(workload);
  }

  private containers(obj: ObjectRef, entry: Entry | undefined, init: boolean): Container[] {
    const out: Container[] = [];
    for (const item of this.items(obj.src, entry, 'a list of containers')) {
      if (!isMap(item.value)) {
        obj.src.wrongType(item.value, item.offset, item.path, 'a container (a map with `name:` and `image:`)');
        continue;
      }
      const fields = this.fields(obj.src, item);
      const image = this.text(obj.src, fields.get('image'));
      const name = this.text(obj.src, fields.get('name')) ?? image ?? `container ${item.key}`;
      if (!image && !init) {
        obj.src.problem('warning', 'no-image', item.offset, item.path, `container \`${name}\` of ${obj.kind} \`${obj.name}\` names no image`);
      }
      out.push({ name, ...(image ? { image } : {}), offset: item.offset, fields, init });
    }
    return out;
  }

  // Building the draft.

  finish(): void {
    for (const service of this.services) this.readService(service);
    for (const ingress of this.ingresses) this.readIngress(ingress);
    for (const route of this.ingressRoutes) this.readIngressRoute(route);
    for (const w of this.workloads) this.addWorkload(w);
    for (const w of this.workloads) this.addApiAccess(w);
    for (const w of this.workloads) for (const ev of w.published) addOutsideCaller(this.draft, w.id, withDebugger(ev, w.debugger));
    for (const w of this.workloads) for (const ev of w.internalCalls) addOutsideCaller(this.draft, w.id, withDebugger(ev, w.debugger), 'network');
    // Every name a Service of these manifests answers to (`db`, `db.shop`, ... `db.shop.svc.cluster.local`), and the
    // Services' own names: made once, after every Service gave its workloads their names.
    const serviceNames = new Set(this.workloads.flatMap((x) => x.aliases.map((a) => a.toLowerCase())));
    const shortNames = new Set(this.services.map((x) => x.name.toLowerCase()));
    const statefulSets = new Map<string, Workload[]>();
    for (const w of this.workloads) {
      if (w.obj.kind !== 'StatefulSet') continue;
      const name = w.obj.name.toLowerCase();
      statefulSets.set(name, [...(statefulSets.get(name) ?? []), w]);
    }
    for (const w of this.workloads) this.addReferences(w, serviceNames, shortNames, statefulSets);
    this.addExternalNames();
    resolveReferences(this.draft);
    // After the settings' flows are drawn: the cluster's other pods stand in only for callers no file names.
    this.unpolicedNamespaces();
    const namespaces = new Set([...this.workloads.map((w) => w.obj.namespace), ...this.services.map((s) => s.namespace), ...this.ingresses.map((i) => i.namespace)]);
    // A file name (`app.settings.json`) is no host, however many dots it has; in a URL it is what the URL says.
    addOutsideServices(this.draft, (ref) => mayBeOutside(ref.host, namespaces) && (ref.evidence.scheme !== undefined || !namesAFile(ref.host)));
    settleFlows(this.draft);
    this.markUncalled();
  }

  /**
   * A workload a Service exposes that the draft still connects to nothing (its namespace has a NetworkPolicy, and no
   * setting names the Service): something calls it that these files do not show. The `no-caller-found` tag, citing
   * the Service, tells isolated-element to ask for the callers rather than advise removing it.
   */
  private markUncalled(): void {
    const connected = new Set(this.draft.flows.flatMap((f) => [f.from, f.to]));
    const byKey = new Map(this.draft.elements.map((e) => [e.key, e]));
    for (const w of this.workloads) {
      const element = byKey.get(w.id);
      if (w.services.length === 0 || connected.has(w.id) || element === undefined) continue;
      addFacts(element, [{ tag: NO_CALLER_TAG, provenance: { ...w.services[0], note: `${w.services[0].note ?? 'a Service'} exposes it, and no file here names it` } }]);
    }
  }

  /**
   * A namespace with workloads and no NetworkPolicy in the files read: Kubernetes lets every pod of the cluster
   * reach every pod there. A check, cited at its first workload; the draft's namespace boundary already draws
   * the open zone (flat-network weighs it once assets are added). The Services there that no setting names get
   * the cluster's other pods as their caller (see clusterCallers), which the check says.
   */
  private unpolicedNamespaces(): void {
    const first = new Map<string, Workload>();
    for (const w of this.workloads) if (!first.has(w.obj.namespace)) first.set(w.obj.namespace, w);
    for (const [namespace, w] of first) {
      if (this.policed.has(namespace)) continue;
      const called = this.clusterCallers(namespace);
      const at = this.provenance(w.obj, w.obj.offset);
      const drawn = called.length === 0 ? ''
        : `; nothing in these manifests names Service${called.length > 1 ? 's' : ''} ${called.join(', ')}, so unless another file shows ${called.length > 1 ? 'their' : 'its'} callers the draft draws ${this.clusterWorkloadsId()} (any other pod of the cluster) calling ${called.length > 1 ? 'them' : 'it'}: replace it with the workloads that do`;
      this.checks.push({ file: at.file, line: at.line, message: `namespace ${namespace}: no NetworkPolicy in these manifests, so any pod in the cluster reaches ${w.obj.kind} ${w.obj.name} and every other pod of the namespace on any port${drawn}; add a default-deny policy and allow only the flows each service needs` });
    }
  }

  /** The id the made-up cluster caller gets in the model: a workload of that name keeps it (see assignIds). */
  private clusterWorkloadsId(): string {
    const real = new Set(this.draft.elements.filter((e) => !e.madeUp).map((e) => e.id));
    if (!real.has(CLUSTER_WORKLOADS_ID)) return CLUSTER_WORKLOADS_ID;
    let id = CLUSTER_WORKLOADS_FALLBACK;
    for (let n = 2; real.has(id); n++) id = `${CLUSTER_WORKLOADS_FALLBACK}-${n}`;
    return id;
  }

  /**
   * With no NetworkPolicy, any pod of the cluster (another team's application, a compromised pod) can call a Service
   * of the namespace. Where a setting names the Service, its workload has that caller; a Service nothing calls in
   * these files (its clients name it in their code, or live in other manifests) would leave the store or service
   * behind it with no caller and no threats. As compose's outside clients stand for whoever reaches a published
   * port, one made-up element in the cluster's boundary stands for the cluster's other pods, with a flow to each
   * such Service's workloads per port, cited at the port. Returns the Services, by name, in file order.
   */
  private clusterCallers(namespace: string): string[] {
    const called = new Set(this.draft.flows.map((f) => f.to));
    const names: string[] = [];
    for (const { service, type, targets } of this.selecting) {
      const uncalled = targets.filter((w) => !called.has(w.id));
      if (service.namespace !== namespace || uncalled.length === 0) continue;
      const reason = `no NetworkPolicy${namespace !== 'default' ? ` in namespace ${namespace}` : ''}: any pod of the cluster may call it`;
      for (const w of uncalled) addEvidence(this.draft, CLUSTER_WORKLOADS, w.id, this.servicePorts(service, type, w, reason).map((ev) => ({ ...ev, standIn: true })));
      names.push(service.name);
    }
    if (names.length) this.addClusterWorkloads(namespace);
    return names;
  }

  /** A call to each port of a Service (to `w`, one of the workloads it selects), cited at the port with `reason`. */
  private servicePorts(service: ObjectRef, type: string, w: Workload, reason: string): FlowEvidence[] {
    const { src } = service;
    const ports = this.items(src, this.at(src, service.fields, ['spec', 'ports']), 'a list of ports');
    if (ports.length === 0) return [{ provenance: this.provenance(service, service.offset, `Service ${service.name} (${type}): ${reason}`) }];
    return ports.map((item) => {
      const port = this.fields(src, item);
      const text = (key: string, expected?: string) => this.text(src, port.get(key), expected)?.trim();
      const servicePort = text('port', 'a port number');
      const published = servicePort !== undefined && /^\d{1,5}$/.test(servicePort) ? servicePort : '';
      const targetText = text('targetPort', 'a port number or name');
      const target = targetText === undefined ? published : /^\d+$/.test(targetText) ? targetText : this.namedPort(w, targetText) ?? '';
      const transport = text('protocol')?.toLowerCase();
      const appProtocol = text('appProtocol')?.toLowerCase();
      const note = `Service ${service.name} (${type}) port ${published || '?'}${target !== '' && target !== published ? ` -> ${target}` : ''}: ${reason}`;
      return portEvidence({ published, target, ...(transport ? { transport } : {}), ...(appProtocol ? { appProtocol } : {}) }, this.provenance(service, item.offset, note));
    });
  }

  /** The made-up caller for the cluster's other pods (see clusterCallers), its description naming every open namespace. */
  private addClusterWorkloads(namespace: string): void {
    this.openNamespaces.push(namespace);
    const all = this.openNamespaces;
    addElement(this.draft, {
      key: CLUSTER_WORKLOADS, id: CLUSTER_WORKLOADS_ID, fallbackId: CLUSTER_WORKLOADS_FALLBACK, name: 'Other cluster workloads', madeUp: true,
      identity: { kind: 'external' }, boundary: CLUSTER_BOUNDARY, aliases: [], provenance: [],
      comment: 'Made up for the Services nothing in these files names, in namespaces with no NetworkPolicy: any pod of the cluster can call them. Replace it with the workloads that do, or add NetworkPolicies.',
      description: `Any pod of the cluster (another application, a compromised pod): namespace${all.length > 1 ? 's' : ''} ${all.join(', ')} ${all.length > 1 ? 'have' : 'has'} no NetworkPolicy, so every workload can call the Services there that no setting in these files names. It stands for the callers the draft could not find.`,
    });
  }

  private omit(obj: ObjectRef, reason: string, hint?: string): void {
    this.draft.omitted.push({ key: obj.name, reason, provenance: this.provenance(obj, obj.offset, `${obj.kind} ${obj.name}`), ...(hint ? { hint } : {}) });
  }

  /**
   * An ExternalName Service is the cluster's name for a host outside it (a managed database, a partner's API):
   * the workloads that name the Service call that host, an element outside the files' boundaries, cited by the
   * Service. One naming a Service of these manifests is another name for its workloads; one no workload names is
   * left out and listed. The elements' names and the references are indexed once: a scan of both per Service
   * made hundreds of ExternalName Services among thousands of references quadratic.
   */
  private addExternalNames(): void {
    // The first element in the draft's order with the name, as a search through the draft would find it.
    const inCluster = new Map<string, { element: DraftElement; at: number }>();
    const name = (alias: string, element: DraftElement, at: number): void => {
      const key = alias.toLowerCase();
      const known = inCluster.get(key);
      if (known === undefined || at < known.at) inCluster.set(key, { element, at });
    };
    this.draft.elements.forEach((e, at) => {
      if (!e.madeUp && !e.outside) for (const alias of [e.key, ...e.aliases]) name(alias, e, at);
    });
    const firstCaller = new Map<string, { ref: HostReference; at: number }>();
    this.draft.references.forEach((ref, at) => {
      const host = ref.host.toLowerCase();
      if (!firstCaller.has(host)) firstCaller.set(host, { ref, at });
    });
    for (const { service, host, line } of this.externalNames) {
      const { name: serviceName, namespace } = service;
      const names = [serviceName, `${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`];
      const key = host.toLowerCase();
      const provenance = { file: service.file, line, note: `ExternalName Service ${serviceName}${namespace !== 'default' ? ` in ${namespace}` : ''} -> ${host}` };
      const known = inCluster.get(key);
      if (known !== undefined) {
        for (const n of names) {
          if (known.element.aliases.includes(n)) continue;
          known.element.aliases.push(n);
          name(n, known.element, known.at);
        }
        known.element.provenance.push(provenance);
        continue;
      }
      let caller: { ref: HostReference; at: number } | undefined;
      for (const n of names) {
        const found = firstCaller.get(n);
        if (found !== undefined && (caller === undefined || found.at < caller.at)) caller = found;
      }
      if (caller === undefined) {
        this.omit(service, `an ExternalName Service for ${host}, which no workload in these manifests names`, `add ${host} as an external element if something calls it`);
        continue;
      }
      addElement(this.draft, {
        key, id: key, identity: outsideIdentity(key, caller.ref.evidence, caller.ref.setting), outside: true, aliases: names, provenance: [provenance],
        comment: 'Outside the cluster, named by an ExternalName Service: who runs it (a managed service, a partner) and what it holds is for you to add',
      });
    }
  }

  /**
   * The workloads a Service's selector matches: pods in its namespace with every label it asks for, in manifest
   * order. Only the workloads that have the selector's rarest label are tried (see labelIndex).
   */
  private selected(service: ObjectRef, selector: Map<string, string>): Workload[] {
    const matches = (w: Workload) => w.obj.namespace === service.namespace && [...selector].every(([k, v]) => w.labels.get(k) === v);
    if (selector.size === 0) return this.workloads.filter(matches);
    const byLabel = this.workloadsByLabel();
    let fewest: readonly Workload[] | undefined;
    for (const [k, v] of selector) {
      const having = byLabel.get(labelKey(service.namespace, k, v)) ?? [];
      if (fewest === undefined || having.length < fewest.length) fewest = having;
    }
    return (fewest ?? []).filter(matches);
  }

  /**
   * The workloads by namespace and label, each list in manifest order: thousands of Services each trying every
   * workload were quadratic. Made again when workloads were read since.
   */
  private labelIndex: { count: number; byLabel: Map<string, Workload[]> } | undefined;

  private workloadsByLabel(): Map<string, Workload[]> {
    if (this.labelIndex?.count !== this.workloads.length) {
      const byLabel = new Map<string, Workload[]>();
      for (const w of this.workloads) {
        for (const [k, v] of w.labels) {
          const key = labelKey(w.obj.namespace, k, v);
          const list = byLabel.get(key);
          if (list === undefined) byLabel.set(key, [w]);
          else list.push(w);
        }
      }
      this.labelIndex = { count: this.workloads.length, byLabel };
    }
    return this.labelIndex.byLabel;
  }

  private readService(service: ObjectRef): void {
    const { src } = service;
    const spec = this.fields(src, service.fields.get('spec'));
    const type = this.text(src, spec.get('type')) ?? 'ClusterIP';
    if (type === 'ExternalName') {
      const entry = spec.get('externalName');
      const host = this.text(src, entry)?.trim().replace(/\.$/, '');
      if (host === undefined || !/^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(host) || !/[A-Za-z]/.test(host)) {
        this.omit(service, `an ExternalName Service for ${host || '?'}, which is no host name`);
        return;
      }
      this.externalNames.push({ service, host, line: src.lineOf(entry?.offset ?? service.offset) });
      return;
    }
    const selector = this.stringMap(src, spec.get('selector'), 'a map of labels');
    if (selector.size === 0) {
      this.omit(service, 'a Service without a selector: its endpoints are set by hand or by an operator', 'add what it points at by hand');
      return;
    }
    const targets = this.selected(service, selector);
    if (targets.length === 0) {
      const wanted = [...selector].map(([k, v]) => `${k}=${v}`).join(',');
      this.omit(service, `a Service selecting ${wanted}, which no workload in these manifests matches`, 'discover the folder that holds its workload too');
      return;
    }
    // A headless Service (`clusterIP: None`) is a ClusterIP one to Kubernetes, but the reviewer reads "headless".
    const shown = type === 'ClusterIP' && this.text(src, spec.get('clusterIP')) === 'None' ? 'headless' : type;
    this.selecting.push({ service, type: shown, targets });
    // Cluster DNS: `name` within the namespace, then ever longer names from anywhere in the cluster.
    const { name, namespace } = service;
    const names = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
    for (const w of targets) {
      for (const n of names) if (!w.aliases.includes(n)) w.aliases.push(n);
      w.services.push(this.provenance(service, service.offset, `Service ${name} (${shown})`));
    }
    const externalIPs = this.items(src, spec.get('externalIPs'), 'a list of addresses').map((e) => this.text(src, e)).filter((t) => t !== undefined);
    const publishedBy = type === 'NodePort' || type === 'LoadBalancer' ? type : externalIPs.length ? 'externalIPs' : undefined;
    if (!publishedBy) return;
    const internal = type === 'LoadBalancer' && this.internalLoadBalancer(service);
    const ranges = this.sourceRanges(service, targets);
    for (const item of this.items(src, spec.get('ports'), 'a list of ports')) {
      const port = this.fields(src, item);
      const number = (key: string) => {
        const t = this.text(src, port.get(key), 'a port number')?.trim();
        return t !== undefined && /^\d{1,5}$/.test(t) ? t : undefined;
      };
      const servicePort = number('port');
      const targetText = this.text(src, port.get('targetPort'), 'a port number or name')?.trim();
      const transport = this.text(src, port.get('protocol'))?.toLowerCase();
      const appProtocol = this.text(src, port.get('appProtocol'))?.toLowerCase();
      for (const w of targets) {
        const target = targetText === undefined ? servicePort : /^\d+$/.test(targetText) ? targetText : this.namedPort(w, targetText);
        // Clients reach a NodePort on the node's port (one Kubernetes picks when none is stated), the
        // others on the Service's port.
        const published = publishedBy === 'NodePort' ? number('nodePort') ?? '' : servicePort ?? '';
        const where = publishedBy === 'externalIPs' ? `externalIPs ${externalIPs.join(', ')} port ${servicePort ?? '?'}`
          : `${type} ${published || '(a node port Kubernetes picks)'}`;
        const note = `Service ${name} ${where}${target !== undefined && target !== published ? ` -> ${target}` : ''}${internal ? ' (an internal load balancer: reachable from the cloud network only)' : ''}${ranges ? ` from ${ranges}` : ''}`;
        (internal ? w.internalCalls : w.published).push(portEvidence({
          published, target: target ?? '', ...(transport ? { transport } : {}), ...(appProtocol ? { appProtocol } : {}),
        }, this.provenance(service, item.offset, note)));
      }
    }
  }

  /**
   * `loadBalancerSourceRanges`: only those addresses may connect to the Service's load balancer, an
   * ip-allowlist on the workloads it selects (the model holds it on the element; the flow's comment says
   * which ranges). Ranges that include every address allow everyone. The ranges as text, or undefined.
   */
  private sourceRanges(service: ObjectRef, targets: readonly Workload[]): string | undefined {
    const { src } = service;
    const entry = this.at(src, service.fields, ['spec', 'loadBalancerSourceRanges']);
    const ranges = this.strings(src, entry).map((r) => r.trim()).filter((r) => r !== '');
    if (!entry || ranges.length === 0 || ranges.some((r) => WORLD_RANGES.has(r))) return undefined;
    const text = ranges.join(', ');
    const provenance = this.provenance(service, entry.offset, `Service ${service.name} loadBalancerSourceRanges ${text}`);
    for (const w of targets) w.controls.push({ control: 'ip-allowlist', provenance });
    return text;
  }

  /** Cloud annotations that keep a load balancer off the internet (AWS, GCP, Azure). */
  private internalLoadBalancer(service: ObjectRef): boolean {
    const annotations = this.stringMap(service.src, this.at(service.src, service.fields, ['metadata', 'annotations']), 'a map of annotations');
    return [...annotations].some(([k, v]) => /load-balancer-internal$|load-balancer-type$|load-balancer-scheme$/.test(k)
      && /^(?:true|internal)$/i.test(v.trim()));
  }

  /** A container port by name (`targetPort: http`), as Kubernetes looks it up in the pod. */
  private namedPort(w: Workload, name: string): string | undefined {
    for (const c of w.containers) {
      for (const item of this.items(w.obj.src, c.fields.get('ports'), 'a list of container ports')) {
        const port = this.fields(w.obj.src, item);
        if (this.text(w.obj.src, port.get('name')) === name) return this.text(w.obj.src, port.get('containerPort'))?.trim();
      }
    }
    return undefined;
  }

  /** The first Service of these manifests with this name in this namespace (indexed: Ingresses name thousands of them). */
  private readonly servicesByName = new ListIndex<ObjectRef>((s) => `${s.namespace}/${s.name}`);

  /** The workloads a Service of these manifests selects, by its name and namespace; none for a Service not here or without a selector. */
  private behindService(name: string, namespace: string): Workload[] {
    const target = this.servicesByName.find(this.services, `${namespace}/${name}`);
    const selector = target ? this.stringMap(target.src, this.at(target.src, target.fields, ['spec', 'selector']), 'a map of labels') : new Map<string, string>();
    return target && selector.size ? this.selected(target, selector) : [];
  }

  private readIngress(ingress: ObjectRef): void {
    const { src } = ingress;
    const spec = this.fields(src, ingress.fields.get('spec'));
    // TLS on the Ingress means its clients speak HTTPS to it, whatever the backends speak behind it.
    const tls = this.items(src, spec.get('tls'), 'a list of TLS settings').length > 0;
    const gate = this.ingressGate(ingress);
    const backendName = (backend: Entry | undefined) => {
      const f = this.fields(src, backend);
      return this.text(src, this.fields(src, f.get('service')).get('name')) ?? this.text(src, f.get('serviceName'));
    };
    const route = (backend: Entry | undefined, offset: number, where: string, path?: { text: string; offset: number }) => {
      const service = backendName(backend);
      if (service === undefined) return;
      const workloads = this.behindService(service, ingress.namespace);
      if (workloads.length === 0) {
        this.draft.omitted.push({
          key: service,
          reason: `Ingress ${ingress.name} routes to Service ${service}, which selects no workload in these manifests`,
          provenance: this.provenance(ingress, offset),
        });
        return;
      }
      for (const w of workloads) {
        w.published.push({
          protocol: tls ? 'https' : 'http', port: tls ? 443 : 80, route: `Ingress ${ingress.name}`, ...(gate.auth ? { auth: gate.auth.method } : {}),
          provenance: this.provenance(ingress, offset, `Ingress ${ingress.name}${where} -> Service ${service}${tls ? ' (TLS)' : ''}${gate.auth ? `, ${gate.auth.note}` : ''}`),
        });
        w.controls.push(...gate.controls);
        if (path && ROUTE_PATH.test(path.text)) {
          // The controller asks for the credential before the request reaches the path.
          w.endpoints.push({ key: path.text, routed: true, ...(gate.auth ? { auth: gate.auth.method } : {}), provenance: [this.provenance(ingress, path.offset, `Ingress ${ingress.name} path ${path.text}`)] });
        }
      }
    };
    for (const key of ['defaultBackend', 'backend']) {
      const backend = spec.get(key);
      if (backend) route(backend, backend.offset, ' default backend');
    }
    for (const rule of this.items(src, spec.get('rules'), 'a list of rules')) {
      const fields = this.fields(src, rule);
      const host = this.text(src, fields.get('host'));
      for (const path of this.items(src, this.at(src, fields, ['http', 'paths']), 'a list of paths')) {
        const p = this.fields(src, path);
        const pathText = this.text(src, p.get('path'));
        route(p.get('backend'), rule.offset, `${host ? ` host ${host}` : ''}${pathText ? ` path ${pathText}` : ''}`,
          pathText !== undefined ? { text: pathText.trim(), offset: p.get('path')!.offset } : undefined);
      }
    }
  }

  /**
   * A Traefik IngressRoute (or IngressRouteTCP) routes as an Ingress does: the workloads of each route's Services
   * are called from outside through the proxy, over HTTPS when the IngressRoute has `tls`, the hosts and paths of
   * the route's `match` in the note, its paths endpoints, and what its Middlewares say about callers (see
   * traefikGate). A route through a redirecting middleware only redirects; a TraefikService (weighted,
   * mirrored) is left out, named.
   */
  private readIngressRoute(route: ObjectRef): void {
    const { src } = route;
    const spec = this.fields(src, route.fields.get('spec'));
    const tcp = route.kind === 'IngressRouteTCP';
    const tlsEntry = spec.get('tls');
    // `tls: {}` is TLS with the default certificate; `tls:` with nothing, or `false`, is none.
    const tls = tlsEntry !== undefined && tlsEntry.value !== null && !(isScalar(tlsEntry.value) && (tlsEntry.value.value === null || tlsEntry.value.value === false));
    const passthrough = tls && isTrue(this.fields(src, tlsEntry).get('passthrough'));
    const entryPoints = this.strings(src, spec.get('entryPoints'));
    const routes = this.items(src, spec.get('routes'), 'a list of routes');
    for (const [i, item] of routes.entries()) {
      // Each route is a route of its own: routes that ask different things of callers leave the flow's auth unstated.
      const label = `${route.kind} ${route.name}${routes.length > 1 ? ` route ${i + 1}` : ''}`;
      const fields = this.fields(src, item);
      const matchEntry = fields.get('match');
      const match = this.text(src, matchEntry)?.trim() ?? '';
      const gate = this.traefikGate(route, this.items(src, fields.get('middlewares'), 'a list of middlewares'), tcp);
      if (gate.redirects) continue;
      const hosts = traefikHosts(match);
      const paths = tcp ? [] : traefikPaths(match);
      const where = `${hosts.length ? ` host ${hosts.join(', ')}` : ''}${paths.length ? ` path ${paths.join(', ')}` : ''}${entryPoints.length ? ` on ${entryPoints.join(', ')}` : ''}`;
      const tlsNote = !tls ? '' : passthrough ? ' (TLS passed through to the backend)' : ' (TLS)';
      const notes = [
        ...(gate.auth ? [gate.auth.note] : []),
        ...(gate.unread.length ? [`middleware${gate.unread.length > 1 ? 's' : ''} ${gate.unread.join(', ')} not read`] : []),
      ];
      for (const svc of this.items(src, fields.get('services'), 'a list of services')) {
        const s = this.fields(src, svc);
        const name = this.text(src, s.get('name'));
        if (name === undefined) continue;
        const kind = this.text(src, s.get('kind')) ?? 'Service';
        const namespace = this.text(src, s.get('namespace')) ?? route.namespace;
        const workloads = kind === 'Service' ? this.behindService(name, namespace) : [];
        if (workloads.length === 0) {
          this.draft.omitted.push({
            key: name,
            reason: kind === 'Service' ? `${label} routes to Service ${name}, which selects no workload in these manifests`
              : `${label} routes to ${kind} ${name}, which this reader does not follow`,
            provenance: this.provenance(route, svc.offset),
          });
          continue;
        }
        const port = this.text(src, s.get('port'), 'a port number or name')?.trim();
        const note = `${label}${where} -> Service ${name}${port ? ` port ${port}` : ''}${tlsNote}${notes.map((n) => `, ${n}`).join('')}`;
        const provenance = this.provenance(route, item.offset, note);
        // An entry point's port is Traefik's own setting, not the manifests': HTTP routes take the usual ones.
        const evidence: FlowEvidence = tcp
          ? { ...(tls ? { protocol: 'tls' } : {}), route: label, provenance }
          : { protocol: tls ? 'https' : 'http', port: tls ? 443 : 80, route: label, ...(gate.auth ? { auth: gate.auth.method } : {}), provenance };
        for (const w of workloads) {
          w.published.push(evidence);
          w.controls.push(...gate.controls);
          for (const path of paths.filter((p) => ROUTE_PATH.test(p))) {
            w.endpoints.push({ key: path, routed: true, ...(gate.auth ? { auth: gate.auth.method } : {}), provenance: [this.provenance(route, matchEntry!.offset, `${label} path ${path}`)] });
          }
        }
      }
    }
  }

  /** A route's reference to a Middleware (`name`, `namespace`, or `namespace-name@kubernetescrd`), or undefined for another provider's. */
  private middlewareOf(route: ObjectRef, ref: Entry, tcp: boolean): { name: string; object?: ObjectRef } | undefined {
    const f = this.fields(route.src, ref);
    const written = this.text(route.src, f.get('name'))?.trim();
    if (!written) return undefined;
    const at = written.lastIndexOf('@');
    const provider = at > 0 ? written.slice(at + 1) : 'kubernetescrd';
    const name = at > 0 ? written.slice(0, at) : written;
    if (provider !== 'kubernetescrd') return { name: written };
    const namespace = this.text(route.src, f.get('namespace')) ?? route.namespace;
    const kind = tcp ? 'tcp ' : '';
    const object = this.middlewares.get(`${kind}${namespace}/${name}`)
      ?? (at > 0 ? [...this.middlewares].find(([key, m]) => key === `${kind}${m.namespace}/${m.name}` && `${m.namespace}-${m.name}` === name)?.[1] : undefined);
    return { name: written, ...(object ? { object } : {}) };
  }

  /**
   * What a route's Middlewares say about its callers, as a Traefik router's do in compose: basic auth (`basic`),
   * digest (`password`), forward auth to oauth2-proxy (`oauth2`) or to another service (an `authentication`
   * control, its method unknown), a source allow-list, a rate limit; chains are followed. A redirecting middleware
   * means the route only redirects; one not in these manifests is named as not read.
   */
  private traefikGate(route: ObjectRef, refs: readonly Entry[], tcp: boolean, seen = new Set<ObjectRef>()): TraefikGate {
    const gate: TraefikGate = { controls: [], unread: [], redirects: false };
    for (const ref of refs) {
      const m = this.middlewareOf(route, ref, tcp);
      if (!m) continue;
      if (!m.object) {
        gate.unread.push(m.name);
        continue;
      }
      // A chain that names itself, directly or not, adds nothing the second time.
      if (seen.has(m.object)) continue;
      seen.add(m.object);
      this.addMiddleware(m.object, tcp, seen, gate);
    }
    return gate;
  }

  /** One Middleware's part in a gate (see traefikGate). */
  private addMiddleware(mw: ObjectRef, tcp: boolean, seen: Set<ObjectRef>, gate: TraefikGate): void {
    const { src } = mw;
    const spec = this.fields(src, mw.fields.get('spec'));
    const at = (key: string, note: string): Provenance => this.provenance(mw, spec.get(key)!.offset, `Middleware ${mw.name} ${note}`);
    if (spec.has('redirectScheme')) gate.redirects = true;
    if (spec.has('basicAuth')) gate.auth ??= { method: 'basic', note: `basic auth (Middleware ${mw.name})` };
    if (spec.has('digestAuth')) gate.auth ??= { method: 'password', note: `digest auth (Middleware ${mw.name})` };
    const address = this.text(src, this.fields(src, spec.get('forwardAuth')).get('address'))?.trim();
    if (spec.has('forwardAuth') && address !== undefined && /oauth2/i.test(address)) gate.auth ??= { method: 'oauth2', note: `forward auth ${address} (oauth2-proxy)` };
    else if (spec.has('forwardAuth')) gate.controls.push({ control: 'authentication', provenance: at('forwardAuth', `forward auth ${address ?? '?'}`) });
    for (const key of ['ipAllowList', 'ipWhiteList']) {
      const ranges = this.strings(src, this.fields(src, spec.get(key)).get('sourceRange')).map((r) => r.trim()).filter((r) => r !== '');
      if (ranges.length && !ranges.some((r) => WORLD_RANGES.has(r))) gate.controls.push({ control: 'ip-allowlist', provenance: at(key, `ip allow-list ${ranges.join(', ')}`) });
    }
    if (spec.has('rateLimit')) gate.controls.push({ control: 'rate-limiting', provenance: at('rateLimit', 'rate limit') });
    const chain = this.items(src, this.fields(src, spec.get('chain')).get('middlewares'), 'a list of middlewares');
    if (chain.length) {
      const inner = this.traefikGate(mw, chain, tcp, seen);
      gate.auth ??= inner.auth;
      gate.controls.push(...inner.controls);
      gate.unread.push(...inner.unread);
      gate.redirects ||= inner.redirects;
    }
  }

  /**
   * What an Ingress's annotations say about its callers: how the controller authenticates them (nginx basic
   * or digest auth, an external auth service such as oauth2-proxy, an ALB's Cognito or OIDC login) and which
   * source addresses it admits. The method goes on the flows it routes; an allow-list, or an authenticating
   * service whose method the annotation does not say, on the workloads behind it (the model holds no control
   * on a flow the draft writes), each with where.
   */
  private ingressGate(ingress: ObjectRef): { auth?: { method: AuthMethod; note: string }; controls: DraftControl[] } {
    const { src } = ingress;
    const annotations = this.at(src, ingress.fields, ['metadata', 'annotations']);
    const entries = new Map((annotations && isMap(annotations.value) ? src.entries(annotations.value, annotations.path) : [])
      .map((e) => [e.key, { value: this.text(src, e)?.trim() ?? '', offset: e.offset }]));
    const at = (key: string, note: string): Provenance => this.provenance(ingress, entries.get(key)!.offset, `Ingress ${ingress.name} ${note}`);
    const controls: DraftControl[] = [];
    for (const key of ALLOWLIST_ANNOTATIONS) {
      const ranges = entries.get(key)?.value.split(',').map((r) => r.trim()).filter((r) => r !== '') ?? [];
      if (ranges.length && !ranges.some((r) => WORLD_RANGES.has(r))) controls.push({ control: 'ip-allowlist', provenance: at(key, `${key.split('/')[1]} ${ranges.join(', ')}`) });
    }
    const nginx = 'nginx.ingress.kubernetes.io';
    const type = entries.get(`${nginx}/auth-type`)?.value.toLowerCase();
    if (type === 'basic' || type === 'digest') {
      return { auth: { method: type === 'basic' ? 'basic' : 'password', note: `${type} auth` }, controls };
    }
    const url = entries.get(`${nginx}/auth-url`)?.value;
    if (url) {
      // oauth2-proxy answers on /oauth2/auth: the controller lets in whoever logged in with the identity provider.
      if (/oauth2/i.test(url)) return { auth: { method: 'oauth2', note: `external auth ${url} (oauth2-proxy)` }, controls };
      return { controls: [...controls, { control: 'authentication', provenance: at(`${nginx}/auth-url`, `external auth ${url}`) }] };
    }
    const alb = entries.get('alb.ingress.kubernetes.io/auth-type')?.value.toLowerCase();
    if (alb === 'cognito' || alb === 'oidc') return { auth: { method: 'oidc', note: `ALB ${alb} login` }, controls };
    return { controls };
  }

  private addWorkload(w: Workload): void {
    const { obj } = w;
    const notes = [`${obj.kind} ${obj.name}${obj.namespace !== 'default' ? ` in ${obj.namespace}` : ''}`];
    if (w.main) {
      notes.push(`container ${w.main.name}${w.main.image ? ` image ${w.main.image}` : ''}`);
      if (w.sidecars.length) notes.push(`sidecar${w.sidecars.length > 1 ? 's' : ''} ${w.sidecars.map((c) => c.name).join(', ')} not counted`);
      const others = w.containers.filter((c) => !c.init && c !== w.main && !w.sidecars.includes(c));
      if (others.length) notes.push(`also runs ${others.map((c) => c.name).join(', ')}`);
    }
    const tech = w.main?.image ? imageTech(w.main.image) : undefined;
    const protocol = tech === undefined && w.main?.image ? imageProtocol(w.main.image) : undefined;
    // A Job or CronJob runs to completion: a worker, not a service waiting for calls.
    const identity: Identity = tech ? { tech } : { type: obj.kind === 'Job' || obj.kind === 'CronJob' ? 'worker' : 'service', ...(protocol ? { protocol } : {}) };
    const env = w.main ? this.environment(w, w.main) : [];
    const settings = env.map((e) => e.setting);
    const password = passwordSetting(settings);
    const passwordNote = password && env.find((e) => e.setting === password)?.fromSecret ? ' (from a secret)' : '';
    const passwordLogin = protocol === 'ssh' ? sshPasswordLogin(settings) : undefined;
    const requiresPassword = w.main && commandRequiresPassword(this.commandLine(w, w.main)) ? this.provenance(obj, w.main.offset, 'command --requirepass')
      : passwordLogin && { file: passwordLogin.setting.file ?? obj.file, line: passwordLogin.setting.line, note: `env ${passwordLogin.says}` };
    const keyOnly = requiresPassword || protocol !== 'ssh' || !w.main ? undefined : this.sshKeyOnly(w, w.main, settings);
    w.debugger = w.main ? debuggerListener([{ where: 'command', args: this.commandLine(w, w.main) }], env.map((e) => e.setting)) : undefined;
    if (w.debugger?.bind === 'all') notes.push(`${debuggerNote(w.debugger)} listens on every interface: pods that reach it can attach`);
    const privileged = this.privilege(w);
    const replicas = this.replicas(w);
    const open = w.main && kindOf(identity) === 'store' ? this.authOffOf(w, w.main, identity, env.map((e) => e.setting)) : undefined;
    const facts: DraftFact[] = [];
    const literals = this.hardCodedSecrets(w, facts);
    const ephemeral = w.main && kindOf(identity) === 'store' ? this.ephemeralData(w, w.main) : undefined;
    this.runsAsRoot(w);
    this.unpinnedImages(w);
    const namespace = obj.namespace;
    // The manifests applied together run on one cluster: its namespaces share its nodes (and their kernels), so a
    // container escape in one reaches workloads in the others (container-escape reads the nesting).
    addBoundary(this.draft, {
      key: CLUSTER_BOUNDARY,
      id: 'cluster',
      fallbackId: 'kubernetes-cluster',
      name: 'Kubernetes cluster',
      trust: 'internal',
      kind: 'container',
      provenance: [],
      comment: 'The cluster the manifests are applied to: its namespaces share its nodes',
    });
    addBoundary(this.draft, {
      key: `namespace:${namespace}`,
      id: namespace,
      fallbackId: `${namespace}-namespace`,
      name: `Namespace ${namespace}`,
      trust: 'internal',
      kind: 'service',
      parent: CLUSTER_BOUNDARY,
      provenance: [],
      comment: 'A Kubernetes namespace: its pods reach each other and the rest of the cluster unless NetworkPolicies (not read) say otherwise',
    });
    addElement(this.draft, {
      key: w.id,
      id: w.id,
      ...(w.id !== obj.name ? { name: obj.name } : {}),
      identity,
      boundary: `namespace:${namespace}`,
      aliases: w.aliases.filter((a) => a !== w.id),
      ...(privileged ? { privileged } : {}),
      ...(replicas !== undefined ? { replicas } : {}),
      ...(password ? { passwordSetting: { file: password.file ?? obj.file, line: password.line, note: `env ${password.key}${password.from ? ` (${password.from})` : passwordNote}` } } : {}),
      ...(requiresPassword ? { requiresPassword } : {}),
      ...(keyOnly ? { sshKeyOnly: keyOnly } : {}),
      ...(open ? { noAuth: open, dataAtRisk: open } : {}),
      ...(literals.length ? { hardCodedSecrets: literals } : {}),
      ...(ephemeral || facts.length ? { facts: [...(ephemeral ? [{ tag: EPHEMERAL_DATA_TAG, provenance: ephemeral }] : []), ...facts] } : {}),
      provenance: [this.provenance(obj, obj.offset, notes.join('; ')), ...w.services],
      ...(w.controls.length ? { controls: w.controls } : {}),
      ...(w.endpoints.length ? { endpoints: w.endpoints } : {}),
    });
    // A pod on the node's network, or a container port bound on the node, is reached from outside as
    // compose's `network_mode: host` and published ports are.
    if (isTrue(w.pod.get('hostNetwork'))) {
      addOutsideCaller(this.draft, w.id, { provenance: this.provenance(obj, w.pod.get('hostNetwork')!.offset, 'hostNetwork: every port it listens on is a port of the node') });
    }
    for (const c of w.containers) {
      for (const item of this.items(obj.src, c.fields.get('ports'), 'a list of container ports')) {
        const port = this.fields(obj.src, item);
        const hostPort = this.text(obj.src, port.get('hostPort'))?.trim();
        if (hostPort === undefined || !/^\d{1,5}$/.test(hostPort)) continue;
        const target = this.text(obj.src, port.get('containerPort'))?.trim() ?? '';
        const transport = this.text(obj.src, port.get('protocol'))?.toLowerCase();
        addOutsideCaller(this.draft, w.id, withDebugger(portEvidence({ published: hostPort, target, ...(transport ? { transport } : {}) },
          this.provenance(obj, item.offset, `hostPort ${hostPort} -> ${target}`)), c === w.main ? w.debugger : undefined));
      }
    }
  }

  /**
   * The setting by which a database or cache lets every client in (see authOff), cited where it is written, and a
   * check for the reviewer. A Secret or a ConfigMap not read may set a password, so an absence then says nothing.
   */
  private authOffOf(w: Workload, c: Container, identity: Identity, env: readonly EnvSetting[]): Provenance | undefined {
    const { obj } = w;
    const off = authOff(identity.tech, c.image, env, this.commandLine(w, c), this.environmentKnown(w, c));
    if (!off) return undefined;
    const at: Provenance = off.setting
      ? { file: off.setting.file ?? obj.file, line: off.setting.line, note: `env ${off.says}${off.setting.from ? ` (${off.setting.from})` : ''}` }
      : this.provenance(obj, c.offset, `container ${c.name}: ${off.says}`);
    this.checks.push({ file: at.file, line: at.line, message: `${obj.kind} ${obj.name}: ${off.says}` });
    return at;
  }

  /**
   * The secrets the workload's containers write as literals in `env` `value:` or in a ConfigMap they read (see
   * literalSecretSetting), each cited where it is written with a check; the value's length only, never the value.
   * A rendered chart's literal counts where the chart commits it (see writtenAt), not one given at render time. A key
   * that signs tokens goes to `facts` instead (its own tag, read by forgeable-tokens), so secrets-in-config does not
   * report it too.
   */
  private hardCodedSecrets(w: Workload, facts: DraftFact[]): Provenance[] {
    const { obj } = w;
    const out: Provenance[] = [];
    for (const c of w.containers) {
      const env = this.environment(w, c).map((e) => e.setting);
      for (const e of env) {
        const found = literalSecretSetting(e);
        const written = found && this.writtenAt(e.file ?? obj.file, e.line, e.valueLine ?? e.line, found.secret);
        if (!found || !written) continue;
        const { file, line } = written;
        const masked = describeLiteral(found, e, env);
        const where = `${e.from ? ` (${e.from})` : ''}${c !== w.main ? ` (container ${c.name})` : ''}`;
        const at: Provenance = { file, line, note: `env ${e.key}${where} (${masked})` };
        const signing = found.inUrl ? undefined : signingSetting(e.key);
        if (signing && this.signingKey(w, at, `${e.key}${where}`, signing, masked, facts)) continue;
        if (!signing) this.checks.push({ file, line, message: `${obj.kind} ${obj.name} sets ${e.key}${where} to ${masked}: a secret written in the manifests; take it from a Secret kept out of the repository (or a secret store) and rotate it` });
        out.push(at);
      }
    }
    return out;
  }

  /**
   * Where a literal set at `file`'s line (its value at `valueLine`) is written in the repository: the manifest itself; for a rendered chart, the
   * template line when the template writes it, else the line of the chart's default values that holds it.
   * Undefined when the chart generates it or takes it from values given at render time (--values, --set).
   */
  private writtenAt(file: string, line: number, valueLine: number, literal: string): { file: string; line: number } | undefined {
    if (this.sourceFormat.get(file) === KUBERNETES_FORMAT) return { file, line };
    const committed = this.committed.get(file);
    if (!committed) return undefined;
    if (committed.template.split('\n')[valueLine - 1]?.includes(literal)) return { file, line };
    // The value itself first; else one that holds it (a connection string's password).
    for (const held of [(v: string) => v === literal, (v: string) => v.includes(literal)]) {
      for (const values of committed.values) {
        const at = this.scalarLines(values).find((s) => held(s.value));
        if (at) return { file: values.file, line: at.line };
      }
    }
    return undefined;
  }

  /** A values file's scalars as the template reads them (strings, numbers), with their lines. */
  private scalarLines(values: { file: string; text: string }): Array<{ value: string; line: number }> {
    const known = this.valueLines.get(values.file);
    if (known) return known;
    const found: Array<{ value: string; line: number }> = [];
    const lines = new LineCounter();
    visit(parseDocument(values.text, { lineCounter: lines }), {
      Scalar: (_, node) => {
        if ((typeof node.value === 'string' || typeof node.value === 'number') && node.range) found.push({ value: String(node.value), line: lines.linePos(node.range[0]).line });
      },
    });
    this.valueLines.set(values.file, found);
    return found;
  }

  /**
   * A literal signing key's check, and its fact when it is the first of its kind on the workload (see
   * signingSetting): false for a later one, which the caller keeps among the hard-coded secrets, so that every
   * literal is cited somewhere.
   */
  private signingKey(w: Workload, at: Provenance, setting: string, signing: SigningSetting, masked: string, facts: DraftFact[]): boolean {
    this.checks.push({ file: at.file, line: at.line, message: `${w.obj.kind} ${w.obj.name} sets ${setting}, the key that signs ${signing.signs}, to ${masked}: ${signing.risk}; ${signingKeyFix('a Secret kept out of the repository (or a secret store)')}` });
    if (facts.some((f) => f.tag === signing.tag)) return false;
    facts.push({ tag: signing.tag, provenance: { ...at, note: `${at.note}: signs ${signing.signs}; ${signing.risk}` } });
    return true;
  }

  /**
   * The emptyDir a store's container keeps its data directory on (DATA_DIRS), cited at its `emptyDir:` with a
   * check: deleted with the pod, so a rollout, a node drain or an eviction loses the data. no-backups reads it.
   */
  private ephemeralData(w: Workload, c: Container): Provenance | undefined {
    const { src } = w.obj;
    const emptyDirs = new Map<string, Entry>();
    for (const volume of this.items(src, w.pod.get('volumes'), 'a list of volumes')) {
      const fields = this.fields(src, volume);
      const name = this.text(src, fields.get('name'));
      const empty = fields.get('emptyDir');
      if (name !== undefined && empty !== undefined) emptyDirs.set(name, empty);
    }
    for (const item of this.items(src, c.fields.get('volumeMounts'), 'a list of volume mounts')) {
      const mount = this.fields(src, item);
      const name = this.text(src, mount.get('name'));
      const path = this.text(src, mount.get('mountPath'))?.trim();
      const empty = name === undefined ? undefined : emptyDirs.get(name);
      if (empty === undefined || path === undefined || !holdsData(path)) continue;
      const at = this.provenance(w.obj, empty.offset, `emptyDir volume ${name} holds the data directory ${path}: deleted with the pod`);
      this.checks.push({ file: at.file, line: at.line, message: `${w.obj.kind} ${w.obj.name} keeps its data (${path}) on emptyDir volume ${name}: a rollout, a node drain or an eviction deletes it; mount a PersistentVolumeClaim (a StatefulSet's volumeClaimTemplates) and back it up` });
      return at;
    }
    return undefined;
  }

  /**
   * Where the SSH server's own settings switch password login off: linuxserver's settings (see sshPasswordOff),
   * else an sshd_config (or drop-in) from a ConfigMap mounted where sshd reads it that says so (see sshdKeyOnly),
   * cited at the ConfigMap's key.
   */
  private sshKeyOnly(w: Workload, c: Container, env: readonly EnvSetting[]): Provenance | undefined {
    const off = sshPasswordOff(c.image, env);
    if (off) return { file: off.setting.file ?? w.obj.file, line: off.setting.line, note: `env ${off.says}` };
    for (const file of this.configMapFiles(w, c)) {
      if (!SSHD_CONFIG_PATH.test(file.path)) continue;
      const found = sshdKeyOnly(file.value);
      if (found) return { file: file.map.file, line: file.line, note: `ConfigMap ${file.map.name} ${file.key}, mounted at ${file.path}: ${found.says}` };
    }
    return undefined;
  }

  /**
   * The files a container sees from the ConfigMaps of these manifests it mounts, by their path in the container: a
   * key (or the `path` an `items` entry gives it) under the mount path, or, with `subPath`, the mount path itself.
   */
  private configMapFiles(w: Workload, c: Container): ConfigMapFile[] {
    const { src } = w.obj;
    const volumes = new Map<string, { map: ConfigMap; paths: Map<string, string> }>();
    for (const volume of this.items(src, w.pod.get('volumes'), 'a list of volumes')) {
      const fields = this.fields(src, volume);
      const name = this.text(src, fields.get('name'));
      const source = fields.get('configMap');
      const mapName = source && this.text(src, this.fields(src, source).get('name'));
      const map = mapName === undefined ? undefined : this.configMaps.get(`${w.obj.namespace}/${mapName}`);
      if (name === undefined || map === undefined) continue;
      // Without `items` every key is a file named after it; with them, only the keys listed, at their paths.
      const items = source && this.fields(src, source).get('items');
      const paths = new Map<string, string>();
      if (items === undefined) for (const key of map.data.keys()) paths.set(key, key);
      else {
        for (const item of this.items(src, items, 'a list of keys and paths')) {
          const f = this.fields(src, item);
          const key = this.text(src, f.get('key'));
          if (key !== undefined) paths.set(key, this.text(src, f.get('path')) ?? key);
        }
      }
      volumes.set(name, { map, paths });
    }
    const out: ConfigMapFile[] = [];
    if (volumes.size === 0) return out;
    for (const item of this.items(src, c.fields.get('volumeMounts'), 'a list of volume mounts')) {
      const mount = this.fields(src, item);
      const name = this.text(src, mount.get('name'));
      const mountPath = this.text(src, mount.get('mountPath'))?.trim().replace(/\/+$/, '');
      const volume = name === undefined ? undefined : volumes.get(name);
      if (volume === undefined || mountPath === undefined) continue;
      const subPath = this.text(src, mount.get('subPath'))?.trim();
      for (const [key, path] of volume.paths) {
        const entry = volume.map.data.get(key);
        if (entry === undefined || (subPath !== undefined && subPath !== path)) continue;
        out.push({ ...entry, path: subPath !== undefined ? mountPath : `${mountPath}/${path}`, key, map: volume.map });
      }
    }
    return out;
  }

  /** A check for each container whose image floats (no tag, or `latest`), cited at its `image:`. */
  private unpinnedImages(w: Workload): void {
    const { obj } = w;
    for (const c of w.containers) {
      const floating = c.image === undefined ? undefined : floatingTag(c.image);
      if (floating === undefined) continue;
      const line = obj.src.lineOf(c.fields.get('image')?.offset ?? c.offset);
      this.checks.push({ file: obj.file, line, message: `${obj.kind} ${obj.name} runs image ${c.image} (${floating}): each pull may run other code, and whoever can push that tag runs code in the cluster; pin a version, better a digest (@sha256:...)` });
    }
  }

  /**
   * A check for the containers no securityContext keeps from root: neither theirs nor the pod's sets
   * `runAsNonRoot: true` or a `runAsUser` other than 0, so they run as the image's user, root in most images.
   * Cited at the first such container; a stated `runAsUser: 0` says root outright.
   */
  private runsAsRoot(w: Workload): void {
    const { obj } = w;
    const pod = this.fields(obj.src, w.pod.get('securityContext'));
    const root = w.containers.filter((c) => {
      const own = this.fields(obj.src, c.fields.get('securityContext'));
      const user = this.text(obj.src, own.get('runAsUser') ?? pod.get('runAsUser'), 'a whole number')?.trim();
      if (user !== undefined && user !== '0') return false;
      return user === '0' || !isTrue(own.get('runAsNonRoot') ?? pod.get('runAsNonRoot'));
    });
    if (root.length === 0) return;
    const line = obj.src.lineOf(root[0].offset);
    const names = root.map((c) => c.name).join(', ');
    this.checks.push({ file: obj.file, line, message: `${obj.kind} ${obj.name}: container${root.length > 1 ? 's' : ''} ${names} may run as root (no runAsNonRoot: true or non-zero runAsUser in a securityContext): a flaw in the process gets root in the container, one step from the node; set runAsNonRoot: true, runAsUser, allowPrivilegeEscalation: false and readOnlyRootFilesystem: true` });
  }

  /** Whether every variable of the container is known: each `envFrom` a ConfigMap read with the manifests. */
  private environmentKnown(w: Workload, c: Container): boolean {
    const { src } = w.obj;
    return this.items(src, c.fields.get('envFrom'), 'a list of sources (`configMapRef:` or `secretRef:`)').every((item) => {
      const name = this.text(src, this.fields(src, this.fields(src, item).get('configMapRef')).get('name'));
      return name !== undefined && this.configMaps.has(`${w.obj.namespace}/${name}`);
    });
  }

  private replicas(w: Workload): number | undefined {
    if (!REPLICATED.has(w.obj.kind)) return undefined;
    const entry = this.at(w.obj.src, w.obj.fields, ['spec', 'replicas']);
    const t = this.text(w.obj.src, entry, 'a whole number')?.trim();
    // The model counts in safe integers: a count past them is no number of pods anyone runs.
    if (t !== undefined && /^\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
    if (entry && t !== undefined) w.obj.src.wrongType(entry.value, entry.offset, entry.path, `a whole number up to ${Number.MAX_SAFE_INTEGER}`);
    return undefined;
  }

  /** Settings that hand a pod the node: privileged containers, SYS_ADMIN or ALL, the node's namespaces, the runtime socket. */
  private privilege(w: Workload): Provenance | undefined {
    const { obj } = w;
    for (const c of w.containers) {
      const security = this.fields(obj.src, c.fields.get('securityContext'));
      const privileged = security.get('privileged');
      if (isTrue(privileged)) return this.provenance(obj, privileged!.offset, `container ${c.name} securityContext.privileged: true`);
      for (const cap of this.items(obj.src, this.fields(obj.src, security.get('capabilities')).get('add'), 'a list of capabilities')) {
        const text = this.text(obj.src, cap);
        const name = text === undefined ? undefined : escapeCapability(text, { pid: isTrue(w.pod.get('hostPID')), network: isTrue(w.pod.get('hostNetwork')) });
        if (name) return this.provenance(obj, cap.offset, `container ${c.name} capabilities add ${name}`);
      }
    }
    for (const key of ['hostPID', 'hostIPC', 'hostNetwork']) {
      const entry = w.pod.get(key);
      if (isTrue(entry)) return this.provenance(obj, entry!.offset, `${key}: true (shares the node's ${key === 'hostPID' ? 'processes' : key === 'hostIPC' ? 'IPC' : 'network'})`);
    }
    for (const volume of this.items(obj.src, w.pod.get('volumes'), 'a list of volumes')) {
      const path = this.text(obj.src, this.at(obj.src, this.fields(obj.src, volume), ['hostPath', 'path']))?.trim();
      if (path && HOST_CONTROL.test(path)) return this.provenance(obj, volume.offset, `hostPath ${path} (control of the node's containers)`);
    }
    return undefined;
  }

  private commandLine(w: Workload, c: Container): string[] {
    const words: string[] = [];
    for (const key of ['command', 'args']) {
      for (const item of this.items(w.obj.src, c.fields.get(key), 'a list of words')) {
        const t = this.text(w.obj.src, item);
        if (t !== undefined) words.push(t);
      }
    }
    return words;
  }

  /**
   * A container's `envFrom` and `env`, with `$(VAR)` expanded from the variables set before it, as the
   * kubelet does. ConfigMap values come from the ConfigMaps read with the manifests (one not among them
   * is unset); a Secret's value is never read, though its setting still counts as a password setting.
   */
  private environment(w: Workload, c: Container): Array<{ setting: EnvSetting; fromSecret: boolean }> {
    const { src } = w.obj;
    const known = new Map<string, string>();
    const sourced: Array<{ setting: EnvSetting; fromSecret: boolean }> = [];
    const out: Array<{ setting: EnvSetting; fromSecret: boolean }> = [];
    const fromMap = (map: { file: string; name: string }, key: string, value: string, line: number): EnvSetting =>
      ({ key, raw: value, value, line, file: map.file, from: `ConfigMap ${map.name}` });
    // envFrom comes first: a variable `env` sets again replaces it, as the kubelet does.
    for (const item of this.items(src, c.fields.get('envFrom'), 'a list of sources (`configMapRef:` or `secretRef:`)')) {
      const f = this.fields(src, item);
      const name = this.text(src, this.fields(src, f.get('configMapRef')).get('name'));
      const map = name === undefined ? undefined : this.configMaps.get(`${w.obj.namespace}/${name}`);
      if (!map) continue;
      const prefix = this.text(src, f.get('prefix')) ?? '';
      for (const [key, { value, line }] of map.data) {
        known.set(prefix + key, value);
        sourced.push({ setting: fromMap(map, prefix + key, value, line), fromSecret: false });
      }
    }
    const fromEnv = new Set<string>();
    for (const item of this.items(src, c.fields.get('env'), 'a list of variables (`name:` with `value:` or `valueFrom:`)')) {
      const f = this.fields(src, item);
      const key = this.text(src, f.get('name'));
      if (key === undefined) {
        src.problem('error', 'invalid-value', item.offset, item.path, 'an environment variable needs `name:`', { expected: 'a map with `name:`', found: describeNode(item.value) });
        continue;
      }
      const line = src.lineOf(item.offset);
      fromEnv.add(key);
      const raw = this.text(src, f.get('value'), 'a string');
      if (raw === undefined) {
        const valueFrom = this.fields(src, f.get('valueFrom'));
        const ref = this.fields(src, valueFrom.get('configMapKeyRef'));
        const mapName = this.text(src, ref.get('name'));
        const mapKey = this.text(src, ref.get('key'));
        const map = mapName === undefined ? undefined : this.configMaps.get(`${w.obj.namespace}/${mapName}`);
        const entry = map && mapKey !== undefined ? map.data.get(mapKey) : undefined;
        if (map && entry) {
          known.set(key, entry.value);
          out.push({ setting: fromMap(map, key, entry.value, entry.line), fromSecret: false });
        } else out.push({ setting: { key, line }, fromSecret: valueFrom.has('secretKeyRef') });
        continue;
      }
      const value = raw.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (name === undefined ? '$' : known.get(name) ?? m));
      known.set(key, value);
      const valueLine = src.lineOf(f.get('value')!.offset);
      out.push({ setting: { key, raw, value, line, ...(valueLine !== line ? { valueLine } : {}) }, fromSecret: false });
    }
    return [...sourced.filter((e) => !fromEnv.has(e.setting.key)), ...out];
  }

  /** Hosts named in any container's environment; they become flows once matched to a Service's workload. */
  private addReferences(w: Workload, serviceNames: ReadonlySet<string>, shortNames: ReadonlySet<string>, statefulSets: ReadonlyMap<string, readonly Workload[]>): void {
    const own = new Set([w.id, w.obj.name, ...w.aliases].map((n) => n.toLowerCase()));
    // Cluster DNS reads a one-label name in the pod's own namespace: `db` from `shop` is `db.shop`, never the
    // `db` of another namespace. A name no Service of these manifests has stays as written (it may be a
    // compose service read with them, or a host outside).
    const inNamespace = (host: string): string =>
      !host.includes('.') && shortNames.has(host.toLowerCase()) ? `${host}.${w.obj.namespace}` : host;
    const scoped = (host: string): string => inNamespace(statefulPodService(host, statefulSets, inNamespace) ?? host);
    for (const c of w.containers) {
      const env = this.environment(w, c).map((e) => e.setting);
      for (const setting of env) {
        // A secret's value names no host, and must not travel on as one.
        if (setting.value === undefined || isSecretSetting(setting.key) || notACall(setting.key)) continue;
        const siblingPort = companionPort(env, setting.key);
        for (const m of hostMentions(setting.value, setting.key)) {
          if (own.has(m.host.toLowerCase())) continue;
          const port = m.port ?? siblingPort;
          this.draft.references.push({
            from: w.id,
            host: scoped(m.host),
            setting: setting.key,
            ...(m.port !== undefined ? { withPort: true } : {}),
            evidence: {
              provenance: { file: setting.file ?? w.obj.file, line: setting.line, note: `env ${setting.key}${setting.from ? ` (${setting.from})` : ''}${c !== w.main ? ` (container ${c.name})` : ''}` },
              ...(m.scheme ? { scheme: m.scheme } : {}),
              ...(m.query ? { query: m.query } : {}),
              ...(port !== undefined ? { port, targetPort: port } : {}),
              ...(m.credentials ? { credentials: true } : {}),
              ...credentialOf(env, setting),
            },
          });
        }
      }
      for (const file of this.configMapFiles(w, c)) {
        for (const m of configAddresses(file.value)) {
          // A configuration file holds comments and documentation links too: only a name a Service here answers to counts.
          if (own.has(m.host.toLowerCase()) || !serviceNames.has(scoped(m.host).toLowerCase())) continue;
          this.draft.references.push({
            from: w.id,
            host: scoped(m.host),
            evidence: {
              provenance: { file: file.map.file, line: file.lines?.[m.line - 1] ?? file.line, note: `ConfigMap ${file.map.name} ${file.key}, mounted at ${file.path}${c !== w.main ? ` (container ${c.name})` : ''}` },
              ...(m.scheme ? { scheme: m.scheme } : {}),
              ...(m.port !== undefined ? { port: m.port, targetPort: m.port } : {}),
              ...(m.credentials ? { credentials: true } : {}),
            },
          });
        }
      }
      for (const arg of this.addressArguments(w, c)) {
        for (const m of hostMentions(arg.value, arg.key)) {
          if (own.has(m.host.toLowerCase())) continue;
          this.draft.references.push({
            from: w.id,
            host: scoped(m.host),
            ...(arg.key !== '' ? { setting: arg.key } : {}),
            ...(m.port !== undefined ? { withPort: true } : {}),
            evidence: {
              provenance: { file: w.obj.file, line: arg.line, note: `${arg.where}${arg.flag !== undefined ? ` ${arg.flag}` : ' URL'}${c !== w.main ? ` (container ${c.name})` : ''}` },
              ...(m.scheme ? { scheme: m.scheme } : {}),
              ...(m.query ? { query: m.query } : {}),
              ...(m.port !== undefined ? { port: m.port, targetPort: m.port } : {}),
              ...(m.credentials ? { credentials: true } : {}),
            },
          });
        }
      }
    }
  }

  /** The addresses a container's command line gives it (see commandAddresses), by where they are written. */
  private addressArguments(w: Workload, c: Container): Array<CommandAddress & { where: string }> {
    const { src } = w.obj;
    return ['command', 'args'].flatMap((where) => commandAddresses(this.items(src, c.fields.get(where), 'a list of words').flatMap((item) => {
      const text = this.text(src, item)?.trim();
      return text === undefined ? [] : [{ text, line: src.lineOf(item.offset) }];
    })).map((a) => ({ ...a, where })));
  }
}

/**
 * The Service a StatefulSet pod's own address goes through: `kafka-0.kafka-headless.messaging.svc.cluster.local`
 * is pod 0 of StatefulSet kafka under its headless Service, so the call is to that workload. Undefined for any
 * other name, among them a numbered name under a Service that does not select a StatefulSet of that name.
 */
function statefulPodService(host: string, statefulSets: ReadonlyMap<string, readonly Workload[]>, inNamespace: (host: string) => string): string | undefined {
  const dot = host.indexOf('.');
  const pod = dot > 0 ? /^(.+)-\d+$/.exec(host.slice(0, dot)) : null;
  if (pod === null) return undefined;
  const service = host.slice(dot + 1);
  const wanted = inNamespace(service).toLowerCase();
  const selected = statefulSets.get(pod[1].toLowerCase())?.some((w) => w.aliases.some((a) => a.toLowerCase() === wanted));
  return selected ? service : undefined;
}

/**
 * Whether a host a pod names may be on the internet rather than in the cluster. Cluster DNS tries every name of
 * fewer than five dots as a Service first: `redis.cache` is Service redis in namespace cache (perhaps in manifests
 * not read here). A two-label name counts only when it ends in a common top-level domain (`stripe.com`) that is no
 * namespace of these manifests: `config.json` or `v1.2` is no host, `api.shop` a Service.
 */
function mayBeOutside(host: string, namespaces: ReadonlySet<string>): boolean {
  const labels = host.split('.');
  if (labels.length > 2) return true;
  return publicTwoLabelName(host) && !namespaces.has(labels[1].toLowerCase());
}

/**
 * Reads manifests applied together (a folder's files, in the order given): a Service selects workloads
 * from any of them. Problems come back as diagnostics with file:line:col, never as exceptions; with an
 * error the draft may be incomplete and should not be written.
 */
export function discoverKubernetesFiles(files: readonly ManifestFile[], options: KubernetesOptions = {}): KubernetesResult {
  const reader = new KubernetesReader(options);
  for (const f of files) reader.readFile(f.text, f.file, f.sourceLines, f.format, f.committed);
  const failed = reader.problems().some((d) => d.severity === 'error');
  try {
    if (!failed) reader.finish();
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    reader.diagnostics.push({ severity: 'error', code: 'too-deep', message: 'the manifests nest too deeply to read', file: files[0]?.file ?? '', line: 1, col: 1, path: '' });
  }
  // The checks are also in the model's header: the reviewer reads them there, beside what they concern.
  for (const c of reader.checks) if (!failed) reader.draft.limits.push(checkLine(c));
  return {
    draft: reader.draft, diagnostics: sortDiagnostics(reader.problems()), objects: reader.objects, skippedKinds: [...reader.skipped].sort(), checks: [...reader.checks],
  };
}

/** Reads one manifest file (any number of `---` documents). */
export function discoverKubernetes(text: string, file: string, options: KubernetesOptions = {}): KubernetesResult {
  return discoverKubernetesFiles([{ text, file }], options);
}
