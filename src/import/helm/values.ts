// The data a chart's templates see: values merged as Helm merges them, and the built-in objects .Release,
// .Chart, .Capabilities (Kubernetes 1.29, as `helm template` assumes without a cluster), .Template, .Files.
import { FuncError, type GoFunction, GoStruct, sortedKeys, toGoString } from '../gotemplate/index.js';
import { deepCopy } from './convert.js';
import { base64Encode, utf8Bytes } from '../../model/digest.js';
import { fn } from './sprig-strings.js';
import { toYaml } from './yaml.js';

export type Values = Map<string, unknown>;

const isMap = (v: unknown): v is Values => v instanceof Map;

/** `overrides` over `base`, as Helm coalesces values: maps merge deeply, anything else replaces, null deletes. */
export function coalesce(base: Values, overrides: Values): Values {
  const out = deepCopy(base) as Values;
  for (const [key, value] of overrides) {
    const current = out.get(key);
    if (value === null) out.delete(key);
    else if (isMap(current) && isMap(value)) out.set(key, coalesce(current, value));
    else out.set(key, deepCopy(value));
  }
  return out;
}

/** Drops the keys whose value is null, at every depth: Helm treats a null as "not set". */
export function withoutNulls(values: Values): Values {
  const out: Values = new Map();
  for (const [k, v] of values) {
    if (v === null) continue;
    out.set(k, isMap(v) ? withoutNulls(v) : v);
  }
  return out;
}

/** The value at a dotted path (`postgresql.enabled`), or undefined. */
export function pathValue(values: Values, path: string): unknown {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (!isMap(current) || !current.has(part)) return undefined;
    current = current.get(part);
  }
  return current;
}

/** The parent's globals over the subchart's: Helm hands `global` down the tree. */
export function withGlobals(sub: Values, parentGlobal: unknown): Values {
  const own = sub.get('global');
  const merged = coalesce(isMap(own) ? own : new Map(), isMap(parentGlobal) ? parentGlobal : new Map());
  const out = new Map(sub);
  out.set('global', merged);
  return out;
}

// --- Built-in objects -------------------------------------------------------------------------------

export const KUBE_VERSION = { version: 'v1.29.0', major: '1', minor: '29' };

/** The API groups a Kubernetes 1.29 cluster serves, each also with its kinds as `group/version/Kind`. */
const API_VERSIONS: Record<string, string[]> = {
  v1: ['Binding', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  'authorization.k8s.io/v1': ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'batch/v1': ['CronJob', 'Job'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'flowcontrol.apiserver.k8s.io/v1beta3': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['Eviction', 'PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'],
};

export const API_VERSION_SET: readonly string[] = Object.entries(API_VERSIONS).flatMap(([gv, kinds]) => [gv, ...kinds.map((k) => `${gv}/${k}`)]);

export function capabilities(): GoStruct {
  const set = new Set(API_VERSION_SET);
  const kube = new GoStruct('chartutil.KubeVersion', new Map([['Version', KUBE_VERSION.version], ['Major', KUBE_VERSION.major], ['Minor', KUBE_VERSION.minor]]),
    new Map([['GitVersion', fn([], () => KUBE_VERSION.version)], ['String', fn([], () => KUBE_VERSION.version)]]), () => KUBE_VERSION.version);
  const apiVersions = new GoStruct('chartutil.VersionSet', new Map(), new Map([['Has', fn(['string'], ([v]) => set.has(v))]]),
    () => `[${API_VERSION_SET.join(' ')}]`);
  const helm = new GoStruct('chartutil.HelmVersion', new Map([['Version', 'v3.14.0'], ['GitCommit', ''], ['GitTreeState', 'clean'], ['GoVersion', 'go1.21.7']]));
  return new GoStruct('*chartutil.Capabilities', new Map<string, unknown>([['APIVersions', apiVersions], ['KubeVersion', kube], ['HelmVersion', helm]]));
}

export function release(name: string, namespace: string): Values {
  return new Map<string, unknown>([['Name', name], ['Namespace', namespace], ['IsUpgrade', false], ['IsInstall', true], ['Revision', 1n], ['Service', 'Helm']]);
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : toGoString(v));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
const field = (m: Values, key: string): unknown => m.get(key) ?? null;

function struct(typeName: string, source: unknown, spec: Array<[string, string, (v: unknown) => unknown]>): GoStruct {
  const m = isMap(source) ? source : new Map<string, unknown>();
  return new GoStruct(typeName, new Map(spec.map(([goName, key, convert]) => [goName, convert(field(m, key))])));
}

/** Chart.yaml as Helm's *chart.Metadata: Go field names, strings where Go has strings. */
export function chartMetadata(chartYaml: Values, nameOverride?: string): GoStruct {
  const maintainer = (v: unknown) => struct('*chart.Maintainer', v, [['Name', 'name', str], ['Email', 'email', str], ['URL', 'url', str]]);
  const dependency = (v: unknown) => struct('*chart.Dependency', v, [
    ['Name', 'name', str], ['Version', 'version', str], ['Repository', 'repository', str], ['Condition', 'condition', str],
    ['Tags', 'tags', strings], ['Enabled', 'enabled', (x) => x === true], ['ImportValues', 'import-values', (x) => (Array.isArray(x) ? x : [])], ['Alias', 'alias', str],
  ]);
  const annotations = (v: unknown) => (isMap(v) ? new Map([...v].map(([k, x]) => [k, str(x)])) : new Map());
  const meta = struct('*chart.Metadata', chartYaml, [
    ['Name', 'name', str], ['Home', 'home', str], ['Sources', 'sources', strings], ['Version', 'version', str], ['Description', 'description', str],
    ['Keywords', 'keywords', strings], ['Maintainers', 'maintainers', (v) => (Array.isArray(v) ? v.map(maintainer) : [])], ['Icon', 'icon', str],
    ['APIVersion', 'apiVersion', str], ['Condition', 'condition', str], ['Tags', 'tags', str], ['AppVersion', 'appVersion', str],
    ['Deprecated', 'deprecated', (v) => v === true], ['Annotations', 'annotations', annotations], ['KubeVersion', 'kubeVersion', str],
    ['Dependencies', 'dependencies', (v) => (Array.isArray(v) ? v.map(dependency) : [])], ['Type', 'type', str],
  ]);
  if (nameOverride === undefined) return meta;
  return new GoStruct(meta.typeName, new Map([...meta.fields, ['Name', nameOverride]]));
}

export function templateObject(name: string, basePath: string): Values {
  return new Map([['Name', name], ['BasePath', basePath]]);
}

// --- .Files -----------------------------------------------------------------------------------------

/** A gobwas/glob pattern with `/` as separator: `*` stays within a path segment, `**` crosses them. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new FuncError(`unexpected end of input in glob ${pattern}`);
      const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      out += `[${body}]`;
      i = end;
    } else if (c === '{') {
      out += '(?:';
      braces++;
    } else if (c === '}' && braces > 0) {
      out += ')';
      braces--;
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '\\' && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += c.replace(/[.+^$()|{}\\/]/g, '\\$&');
  }
  if (braces > 0) throw new FuncError(`unexpected end of input in glob ${pattern}`);
  return new RegExp(`^${out}$`);
}

const baseName = (p: string): string => p.split('/').pop() ?? p;

/** Helm's files object over the chart's other files, by path relative to the chart. */
export function filesObject(files: ReadonlyMap<string, string>): GoStruct {
  const get = (name: string) => files.get(name) ?? '';
  const asConfig = (encode: (s: string) => string) => (files.size === 0 ? '' : toYaml(new Map([...files].map(([k, v]) => [baseName(k), encode(v)]))));
  const methods = new Map<string, GoFunction>([
    ['Get', fn(['string'], ([name]) => get(name))],
    ['GetBytes', fn(['string'], ([name]) => get(name))],
    ['Glob', fn(['string'], ([pattern]) => {
      let re: RegExp;
      try {
        re = globToRegExp(pattern);
      } catch {
        re = /^.*$/;
      }
      return filesObject(new Map([...files].filter(([k]) => re.test(k))));
    })],
    ['AsConfig', fn([], () => asConfig((s) => s))],
    ['AsSecrets', fn([], () => asConfig((s) => base64Encode(utf8Bytes(s))))],
    ['Lines', fn(['string'], ([path]) => (files.has(path) ? get(path).replace(/\n$/, '').split('\n') : []))],
  ]);
  return new GoStruct('engine.files', new Map(), methods, () => `map[${sortedKeys(files).join(' ')}]`);
}
