// Helm charts rendered without Helm (src/import/helm.ts), on a chart written like `helm create app` output
// with a small postgresql subchart (test/fixtures/discover/helm-app): the manifests and their text, the
// line map, values files, subchart conditions, templates that cannot render, and the Kubernetes reader
// over the result.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { type HelmOptions, renderHelmChart, type RenderedManifest } from '../../src/import/helm.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { flowSet } from './draft-helpers.js';
import { mutations } from './mutations.js';

const ROOT = 'test/fixtures/discover/helm-app';

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

const FILES = walk(ROOT).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));

type ChartFile = { path: string; text: string };

const render = (options: HelmOptions = {}, files: ChartFile[] = FILES) => renderHelmChart({ dir: 'chart', files }, options);
const values = (text: string): HelmOptions => ({ valuesTexts: [{ file: 'override.yaml', text }] });
const withFile = (path: string, text: string): ChartFile[] => [...FILES.filter((f) => f.path !== path), { path, text }];
const manifest = (manifests: RenderedManifest[], file: string): RenderedManifest => {
  const m = manifests.find((x) => x.file === file);
  assert.ok(m, `no ${file} in ${manifests.map((x) => x.file).join(', ')}`);
  return m;
};
const lineOf = (m: RenderedManifest, text: string): number => {
  const i = m.text.split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `no line with ${text} in ${m.file}`);
  return m.sourceLines[i];
};
const templateLine = (path: string, text: string): number => FILES.find((f) => f.path === path)!.text.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('renderHelmChart: the manifests', () => {
  it('renders every template but partials, NOTES.txt and templates that render to nothing (hpa, ingress)', () => {
    const r = render();
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.chartName, 'app');
    assert.deepEqual(r.manifests.map((m) => m.file), [
      'chart/templates/deployment.yaml', 'chart/templates/service.yaml', 'chart/templates/serviceaccount.yaml', 'chart/templates/tests/test-connection.yaml',
      'chart/charts/postgresql/templates/secret.yaml', 'chart/charts/postgresql/templates/service.yaml', 'chart/charts/postgresql/templates/statefulset.yaml',
    ]);
    for (const m of r.manifests) {
      assert.ok(m.text.endsWith('\n'));
      assert.equal(m.sourceLines.length, m.text.split('\n').length - 1, m.file);
    }
  });

  it('names objects as the helpers say: release `app` is the full name, another release prefixes it', () => {
    const name = (r: ReturnType<typeof render>, file: string) => /\n {2}name: (.*)\n/.exec(manifest(r.manifests, file).text)?.[1];
    assert.equal(name(render(), 'chart/templates/deployment.yaml'), 'app');
    assert.equal(name(render({ releaseName: 'shop' }), 'chart/templates/deployment.yaml'), 'shop-app');
    assert.equal(name(render({ releaseName: 'shop' }), 'chart/charts/postgresql/templates/statefulset.yaml'), 'shop-postgresql');
    assert.equal(name(render({ releaseName: 'x', ...values('fullnameOverride: web') }), 'chart/templates/service.yaml'), 'web');
  });

  it('the Service exactly as `helm template` prints it', () => {
    assert.equal(manifest(render().manifests, 'chart/templates/service.yaml').text, [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: app',
      '  labels:',
      '    helm.sh/chart: app-0.1.0',
      '    app.kubernetes.io/name: app',
      '    app.kubernetes.io/instance: app',
      '    app.kubernetes.io/version: "1.16.0"',
      '    app.kubernetes.io/managed-by: Helm',
      'spec:',
      '  type: ClusterIP',
      '  ports:',
      '    - port: 80',
      '      targetPort: http',
      '      protocol: TCP',
      '      name: http',
      '  selector:',
      '    app.kubernetes.io/name: app',
      '    app.kubernetes.io/instance: app',
      '',
    ].join('\n'));
  });

  it('a subchart gets its parent\'s values over its own, and its placeholders are reported as not real', () => {
    const r = render();
    const sts = manifest(r.manifests, 'chart/charts/postgresql/templates/statefulset.yaml').text;
    assert.match(sts, /name: POSTGRES_DB\n {14}value: "app"\n/);
    assert.match(sts, /image: "postgres:16\.2"/);
    assert.match(manifest(r.manifests, 'chart/charts/postgresql/templates/secret.yaml').text, /password: "eHh4eHh4eHh4eHh4eHh4eA=="/);
    assert.deepEqual(r.notes, ['randAlphaNum gives a fixed placeholder, not a random value: the rendered value is not real']);
  });
});

describe('renderHelmChart: the line map', () => {
  const deployment = () => manifest(render().manifests, 'chart/templates/deployment.yaml');

  it('a line of template text maps to its own line', () => {
    assert.equal(lineOf(deployment(), 'replicas: 1'), templateLine('templates/deployment.yaml', 'replicas:'));
    assert.equal(lineOf(deployment(), 'value: postgres://app-postgresql:5432/app'), templateLine('templates/deployment.yaml', 'value: postgres://'));
  });

  it('lines from `include "app.labels"` map to the include\'s line', () => {
    const m = deployment();
    const include = templateLine('templates/deployment.yaml', 'include "app.labels" . | nindent 4');
    const lines = m.text.split('\n');
    const labels = lines.findIndex((l) => l === '  labels:');
    assert.deepEqual(m.sourceLines.slice(labels + 1, labels + 6), [include, include, include, include, include]);
    assert.equal(lines[labels + 5], '    app.kubernetes.io/managed-by: Helm');
  });

  it('a template whose first action trims the newline starts on its second line', () => {
    const sa = manifest(render().manifests, 'chart/templates/serviceaccount.yaml');
    assert.equal(sa.text.split('\n')[0], 'apiVersion: v1');
    assert.equal(sa.sourceLines[0], 2);
  });
});

describe('renderHelmChart: values', () => {
  it('a values file merges over values.yaml: `ingress.enabled: true` adds the Ingress', () => {
    const r = render(values('ingress:\n  enabled: true\n  className: nginx\n'));
    const ingress = manifest(r.manifests, 'chart/templates/ingress.yaml');
    assert.match(ingress.text, /^apiVersion: networking\.k8s\.io\/v1\nkind: Ingress\n/);
    assert.match(ingress.text, /ingressClassName: nginx\n/);
    assert.match(ingress.text, /- host: "chart-example.local"\n/, 'the hosts of values.yaml are kept: maps merge deeply');
    assert.match(ingress.text, /number: 80\n/);
    assert.equal(ingress.sourceLines[0], templateLine('templates/ingress.yaml', 'apiVersion: networking.k8s.io/v1'));
  });

  it('later files win; lists are replaced; a null removes the key', () => {
    const r = renderHelmChart({ dir: '', files: FILES }, {
      valuesTexts: [
        { file: 'a.yaml', text: 'replicaCount: 2\nresources: {limits: {cpu: 1}}\n' },
        { file: 'b.yaml', text: 'replicaCount: 3\nresources: null\ntolerations: [{key: a}]\n' },
      ],
    });
    const text = manifest(r.manifests, 'templates/deployment.yaml').text;
    assert.match(text, /replicas: 3\n/);
    assert.match(text, /resources:\n {12}null\n/);
    assert.match(text, /tolerations:\n {8}- key: a\n/);
  });

  it('numbers from values are float64, printed the Go way (the chart gotcha `1e+06`)', () => {
    assert.match(manifest(render(values('replicaCount: 1000000')).manifests, 'chart/templates/deployment.yaml').text, /replicas: 1e\+06\n/);
  });

  it('`condition: postgresql.enabled` false drops the subchart, and says so', () => {
    const r = render(values('postgresql:\n  enabled: false\n'));
    assert.ok(r.manifests.every((m) => !m.file.includes('charts/postgresql')));
    assert.doesNotMatch(manifest(r.manifests, 'chart/templates/deployment.yaml').text, /DATABASE_URL/);
    assert.deepEqual(r.notes, ['subchart postgresql is switched off by postgresql.enabled and is not rendered']);
  });

  // A values.yaml with a misindented key was a warning at 1:1 in yaml's words ("All mapping items must start at
  // the same column"): Helm refuses such a chart, so it is an error, explained at the key as validate explains it.
  it('values files or a values.yaml that are not YAML: an error at the place to fix, and no manifests', () => {
    const bad = render(values('image: [unclosed\n'));
    assert.deepEqual(bad.manifests, []);
    assert.deepEqual(bad.diagnostics.map((d) => [d.severity, d.code, d.file]), [['error', 'syntax-error', 'override.yaml']]);
    const broken = render({}, withFile('values.yaml', 'image:\n  tag: 1.0\nservice:\n  port: 80\n env: []\n'));
    assert.deepEqual(broken.manifests, []);
    assert.deepEqual(broken.diagnostics.map((d) => [d.severity, d.code, d.file, d.line, d.col, d.message]), [
      ['error', 'syntax-error', 'chart/values.yaml', 5, 2, '`env` (column 2) is not lined up with the keys before it'],
    ]);
    assert.match(broken.diagnostics[0].hint ?? '', /compare with `port` \(line 4, column 3\)/);
    const fine = render({}, withFile('values.yaml', 'image:\n  tag: 1.0\nservice:\n  port: 80\nenv: []\n'));
    assert.deepEqual(fine.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(render({}, FILES.filter((f) => f.path !== 'Chart.yaml')).diagnostics.map((d) => d.message), ['no Chart.yaml: not a Helm chart']);
  });
});

describe('renderHelmChart: templates that cannot render', () => {
  it('an unsupported function (genCA) is a warning at file:line:col naming it; the other templates render', () => {
    const files = withFile('templates/certs.yaml', 'apiVersion: v1\nkind: Secret\ndata:\n  {{- $ca := genCA "app-ca" 365 }}\n  ca.crt: {{ $ca.Cert | b64enc }}\n');
    const r = render({}, files);
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}] ${d.message}`), [
      'chart/templates/certs.yaml:4:14: warning[helm-template] this template is not rendered: at <genCA "app-ca" 365>: '
        + 'error calling genCA: genCA makes a certificate authority: not supported when rendering without Helm',
    ]);
    assert.equal(r.manifests.length, 7);
  });

  it('a certificate function in a branch not taken, or in a partial, is no warning: Helm parses it and never calls it', () => {
    const files = [
      ...FILES,
      { path: 'templates/_certs.tpl', text: '{{- define "app.ca" -}}\n{{- $ca := genCA "app-ca" 365 -}}\n{{ $ca.Cert }}\n{{- end -}}\n{{- define "app.host" }}host{{ end -}}\n' },
      { path: 'templates/ingress-tls.yaml', text: '{{- if .Values.nope }}\n{{- $ca := genCA "x" 365 }}\n{{- $cert := genSignedCert "x" nil nil 365 $ca }}\nkind: Secret\n{{- end }}\n' },
      { path: 'templates/host.yaml', text: 'kind: ConfigMap\ndata:\n  host: {{ include "app.host" . }}\n' },
    ];
    const r = render({}, files);
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.manifests.every((m) => m.file !== 'chart/templates/ingress-tls.yaml'));
    assert.match(manifest(r.manifests, 'chart/templates/host.yaml').text, /host: host/);
  });

  it('`required` on a missing value, `fail`, and Helm\'s nil pointer are warnings at the call', () => {
    const files = [
      ...FILES,
      { path: 'templates/a.yaml', text: 'kind: A\nname: {{ required "set .Values.dbHost" .Values.dbHost }}\n' },
      { path: 'templates/b.yaml', text: 'kind: B\n{{ fail "unsupported" }}\n' },
      { path: 'templates/c.yaml', text: 'kind: C\nport: {{ .Values.missing.port }}\n' },
    ];
    const r = render({}, files);
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`), [
      'chart/templates/a.yaml:2:10: this template is not rendered: at <required "set .Values.dbHost" .Values.dbHost>: error calling required: set .Values.dbHost',
      'chart/templates/b.yaml:2:4: this template is not rendered: at <fail "unsupported">: error calling fail: unsupported',
      'chart/templates/c.yaml:2:10: this template is not rendered: at <.Values.missing.port>: nil pointer evaluating interface {}.port',
    ]);
    assert.equal(r.manifests.length, 7);
  });

  it('an error inside a partial is reported where it is, naming the template that was skipped', () => {
    const files = [...FILES, { path: 'templates/_extra.tpl', text: '{{ define "extra" }}\n{{ .Values.nope.deeper }}{{ end }}' },
      { path: 'templates/x.yaml', text: 'kind: X\n{{ include "extra" . }}\n' }];
    const r = render({}, files);
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`), [
      'chart/templates/_extra.tpl:2:4: chart/templates/x.yaml is not rendered: at <.Values.nope.deeper>: nil pointer evaluating interface {}.deeper',
    ]);
  });

  it('a packaged subchart is noted as not read', () => {
    assert.ok(render({}, [...FILES, { path: 'charts/redis-18.0.0.tgz', text: '' }]).notes
      .includes('chart/charts/redis-18.0.0.tgz is a packaged subchart and is not read: unpack it under charts/ to render it'));
  });

  it('200 seeded mutations of the deployment template end in a manifest or a warning, never a throw', () => {
    const source = FILES.find((f) => f.path === 'templates/deployment.yaml')!.text;
    for (const text of mutations([source], '{}()|$."-: \n', 7, 200)) {
      const r = render({}, withFile('templates/deployment.yaml', text));
      assert.ok(r.manifests.length >= 6);
      assert.ok(r.diagnostics.every((d) => d.severity === 'warning' && d.line >= 1 && d.col >= 1));
    }
  });
});

describe('renderHelmChart: built-in objects', () => {
  const one = (text: string, extra: ChartFile[] = []) => {
    const r = render({ namespace: 'shop' }, [...FILES, ...extra, { path: 'templates/probe.yaml', text }]);
    assert.deepEqual(r.diagnostics, []);
    return manifest(r.manifests, 'chart/templates/probe.yaml').text;
  };

  it('.Release, .Chart, .Template, .Capabilities', () => {
    assert.equal(one('a: {{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Service }} {{ .Release.IsInstall }} {{ .Release.Revision }}\n'), 'a: app shop Helm true 1\n');
    assert.equal(one('a: {{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.Type }}\n'), 'a: app 0.1.0 1.16.0 application\n');
    assert.equal(one('a: {{ .Template.Name }} {{ .Template.BasePath }}\n'), 'a: app/templates/probe.yaml app/templates\n');
    assert.equal(one('a: {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "policy/v1beta1/PodSecurityPolicy" }}\n'),
      'a: v1.29.0 29 true false\n');
  });

  it('.Files: Get, Glob, AsConfig, AsSecrets, Lines', () => {
    const extra = [{ path: 'files/app.conf', text: 'port=80\n' }, { path: 'files/b.txt', text: 'x\ny\n' }];
    assert.equal(one('data:\n  {{- (.Files.Glob "files/*").AsConfig | nindent 2 }}\n', extra), 'data:\n  app.conf: |\n    port=80\n  b.txt: |\n    x\n    y\n');
    assert.equal(one('a: {{ .Files.Get "files/app.conf" | trim }} {{ .Files.Get "nope" | quote }} {{ .Files.Lines "files/b.txt" }}\n', extra), 'a: port=80 "" [x y]\n');
    assert.equal(one('{{ (.Files.Glob "files/b.txt").AsSecrets }}\n', extra), 'b.txt: eAp5Cg==\n');
  });

  it('Sprig and Helm functions charts use', () => {
    assert.equal(one('a: {{ dict "b" 1 "a" (list 1 "x") | toYaml | nindent 2 }}\n'), 'a: \n  a:\n  - 1\n  - x\n  b: 1\n');
    assert.equal(one('a: {{ toJson .Values.service }} {{ (fromYaml "x: [1]").x }} {{ "a-b_c" | replace "-" "." | upper }} {{ sha256sum "x" | trunc 8 }}\n'),
      'a: {"port":80,"type":"ClusterIP"} [1] A.B_C 2d711642\n');
    assert.equal(one('a: {{ semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion }} {{ add 1 .Values.replicaCount }} {{ int .Values.service.port | printf "%d" }} {{ now | date "2006-01-02" }}\n'),
      'a: true 2 80 1970-01-01\n');
    assert.equal(one('a: {{ tpl "{{ .Release.Name }}-{{ .Values.service.port }}" . }} {{ keys .Values.service | join "," }} {{ coalesce "" nil "z" }} {{ ternary "y" "n" (empty .Values.podLabels) }}\n'),
      'a: app-80 port,type z y\n');
  });
});

describe('renderHelmChart: regular expressions (Go syntax, bounded cost)', () => {
  const one = (text: string) => render({}, [...FILES, { path: 'templates/probe.yaml', text }]);

  it('Go syntax and Go\'s $name expansion', () => {
    const r = one('a: {{ regexReplaceAll `(?P<word>[a-z]+)-(\\d+)` "ab-12 cd-34" "${word}=$2" }} {{ regexMatch "^[a-z]+(-[a-z]+)*$" "a-long-dns-label-that-is-fine" }} {{ regexFind "[[:digit:]]+" "v1.29" }}\n');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(manifest(r.manifests, 'chart/templates/probe.yaml').text, 'a: ab=12 cd=34 true 1\n');
  });

  it('a pattern that would backtrack exponentially in JavaScript is refused on long text, not run', () => {
    const r = one('a: {{ regexMatch "(a+)+$" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" }}\n');
    assert.match(r.diagnostics[0]?.message ?? '', /error calling regexMatch: stops: a pattern with nested repetition/);
  });
});

describe('renderHelmChart then discoverKubernetesFiles', () => {
  const discover = (options: HelmOptions = {}) => {
    const r = render(options);
    const k = discoverKubernetesFiles(r.manifests.map((m) => ({ file: m.file, text: m.text })));
    assert.deepEqual(k.diagnostics, []);
    return k;
  };

  it('the app, the postgres StatefulSet, and a flow app -> postgres from DATABASE_URL through the Service name', () => {
    const k = discover();
    const keys = k.draft.elements.map((e) => e.key);
    assert.ok(keys.includes('app') && keys.includes('app-postgresql'), keys.join(', '));
    const flow = k.draft.flows.find((f) => f.from === 'app' && f.to === 'app-postgresql');
    assert.ok(flow, flowSet(k.draft).join(', '));
    assert.equal(flow.protocol, 'postgres');
    assert.equal(flow.port, 5432);
    assert.equal(flow.evidence[0].provenance.file, 'chart/templates/deployment.yaml');
  });

  it('outside clients only when the Service is a NodePort or LoadBalancer, or the Ingress is on', () => {
    const clients = (options: HelmOptions) => flowSet(discover(options).draft).filter((f) => f.startsWith('clients ->'));
    assert.deepEqual(clients({}), []);
    assert.ok(clients(values('service: {type: NodePort}')).includes('clients -> app'));
    assert.ok(clients(values('service: {type: LoadBalancer}')).includes('clients -> app'));
    assert.ok(clients(values('ingress: {enabled: true}')).includes('clients -> app'));
  });
});
