// Traefik beyond one router per container: several routers to one port that ask different things of callers (the
// flow's auth only when they agree, each path its own), the file provider (a static traefik.yml and dynamic files,
// mounted into the proxy or beside the compose file), TCP routers (a database passed through), and v1 labels, which
// are named as not read. Also Kubernetes Ingresses, whose routes follow the same rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ComposeOptions, discoverCompose } from '../../src/import/compose.js';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { run } from '../cli/run-cli.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

const FIXTURE = 'test/fixtures/discover-s16/traefik-file';

function read(text: string, options: ComposeOptions = {}) {
  const r = discoverCompose(text, 'compose.yaml', options);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

/** The fixture folder's files, as the CLI hands them to the reader (paths relative to the compose file's folder). */
const fixtureFiles: ComposeOptions = {
  readFile: (path) => {
    const full = join(FIXTURE, path);
    return statSync(full, { throwIfNoEntry: false })?.isFile() ? { text: readFileSync(full, 'utf8'), file: path.replace(/^\.\//, '') } : undefined;
  },
  listFolder: (path) => {
    const full = join(FIXTURE, path);
    return statSync(full, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(full).sort() : undefined;
  },
};

const fixture = () => readFileSync(join(FIXTURE, 'compose.yaml'), 'utf8');

const TWO_ROUTES = `services:
  traefik:
    image: traefik:v3.1
    command: [--entrypoints.websecure.address=:443]
    ports: ["443:443"]
  app:
    image: example/app
    expose: ["8080"]
    labels:
      - traefik.http.routers.site.rule=Host(\`app.example.com\`)
      - traefik.http.routers.admin.rule=Host(\`app.example.com\`) && PathPrefix(\`/admin\`)
      - traefik.http.routers.admin.middlewares=admin-auth
      - traefik.http.middlewares.admin-auth.basicauth.users=admin:$$apr1$$xyz
`;

describe('discover s16: several Traefik routers to one port', () => {
  it('routes that differ in auth give the flow none, and each path its own', () => {
    const { draft } = read(TWO_ROUTES);
    const flow = flowOf(draft, 'traefik', 'app');
    assert.deepEqual([flow.auth, flow.port, flow.evidence.map((e) => e.provenance.line)], [undefined, 8080, [10, 11]]);
    assert.equal(flow.stated, 'no auth for the flow: its routes differ (none on router site, basic on router admin), each path says its own');
    assert.deepEqual(elementOf(draft, 'app').endpoints?.map((e) => [e.key, e.auth, e.provenance[0].line]), [['/admin', 'basic', 11]]);
    assert.match(draftToYaml(draft), /its routes differ \(none on router site, basic on router admin\)[^\n]*\n {2}- traefik -> app: \{ protocol: http, port: 8080 \}/);
  });

  it('routes that agree give the flow their auth', () => {
    const { draft } = read(TWO_ROUTES.replace('routers.site.rule=Host(`app.example.com`)', 'routers.site.rule=Host(`app.example.com`)\n      - traefik.http.routers.site.middlewares=admin-auth'));
    const flow = flowOf(draft, 'traefik', 'app');
    assert.equal(flow.auth, 'basic');
    assert.equal(flow.stated, undefined);
  });

  it('Kubernetes: two Ingresses to one Service, basic auth on one only, leave the flow without auth; both with it, basic', () => {
    const manifests = (second: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: example/web }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: admin
  annotations: { nginx.ingress.kubernetes.io/auth-type: basic }
spec:
  rules: [{ http: { paths: [{ path: /admin, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: site${second}
spec:
  rules: [{ http: { paths: [{ path: /shop, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
`;
    const differ = discoverKubernetesFiles([{ text: manifests(''), file: 'k8s.yaml' }]).draft;
    assert.equal(flowOf(differ, 'clients', 'web').auth, undefined);
    assert.deepEqual(elementOf(differ, 'web').endpoints?.map((e) => [e.key, e.auth]), [['/admin', 'basic'], ['/shop', undefined]]);
    const agree = discoverKubernetesFiles([{ text: manifests('\n  annotations: { nginx.ingress.kubernetes.io/auth-type: basic }'), file: 'k8s.yaml' }]).draft;
    assert.equal(flowOf(agree, 'clients', 'web').auth, 'basic');
  });
});

describe('discover s16: Traefik configured by files', () => {
  it('the file provider\'s routers route to the compose service their server names, cited by the dynamic file\'s line', () => {
    const { draft } = read(fixture(), fixtureFiles);
    assert.deepEqual(draft.sources.map((s) => `${s.file} (${s.format})`), [
      'compose.yaml (Docker Compose)', 'traefik/traefik.yml (Traefik configuration)', 'traefik/dynamic/routes.yml (Traefik configuration)',
    ]);
    const api = flowOf(draft, 'traefik', 'api');
    assert.deepEqual(api.evidence.map((e) => `${e.provenance.file}:${e.provenance.line} ${e.auth ?? 'none'}`), [
      'compose.yaml:16 basic', 'traefik/dynamic/routes.yml:4 oauth2',
    ]);
    // The label router's `admin-auth@file` is the file provider's basic auth; the file router's `sso` its forward auth.
    assert.deepEqual(elementOf(draft, 'api').endpoints?.map((e) => `${e.key} ${e.auth} ${e.provenance[0].file}:${e.provenance[0].line}`), [
      '/admin basic compose.yaml:16', '/shop oauth2 traefik/dynamic/routes.yml:4',
    ]);
    // A server outside the file is a service outside, reached over its URL's scheme.
    assert.equal(flowOf(draft, 'traefik', 'api.partner.io').protocol, 'https');
    assert.equal(elementOf(draft, 'api.partner.io').outside, true);
  });

  it('the static file\'s entrypoints count: the redirecting one routes nothing, the TLS one is HTTPS at the proxy', () => {
    const { draft } = read(fixture(), fixtureFiles);
    assert.match(flowOf(draft, 'traefik', 'api').evidence[0].provenance.note ?? '', /on websecure \(TLS at the proxy\)/);
    // exposedByDefault: false in traefik.yml: a service without traefik.enable=true is not routed.
    const hidden = read(`${fixture()}  hidden:\n    image: example/hidden\n    labels: [traefik.http.routers.hidden.rule=Host(\`h.example.com\`)]\n`, fixtureFiles);
    assert.ok(!hidden.draft.flows.some((f) => f.to === 'hidden'));
  });

  it('without the files (no reader, or a provider folder not mounted) the label routes stay and `@file` middlewares are named as not read', () => {
    const { draft } = read(fixture());
    assert.deepEqual(flowSet(draft).filter((f) => f.startsWith('traefik')), ['traefik -> api', 'traefik -> db']);
    const api = flowOf(draft, 'traefik', 'api');
    assert.equal(api.auth, undefined);
    assert.match(api.evidence[0].provenance.note ?? '', /middleware admin-auth@file not read$/);
    const unmounted = read(fixture().replace('      - ./traefik/dynamic:/etc/traefik/dynamic:ro\n', ''), { ...fixtureFiles, listFolder: () => undefined });
    assert.ok(!unmounted.draft.flows.some((f) => f.to === 'api.partner.io'));
    assert.ok(elementOf(unmounted.draft, 'traefik').provenance.some((p) => p.note === 'traefik file provider /etc/traefik/dynamic not read (not mounted from the folder searched)'));
  });

  it('a traefik.yml beside the compose file is read when nothing is mounted, and said so', () => {
    const text = fixture().replace(/ {6}- \.\/traefik\/.*\n/g, '');
    const beside: ComposeOptions = {
      readFile: (path) => (fixtureFiles.readFile!(path === 'traefik.yml' ? 'traefik/traefik.yml' : path === 'dynamic/routes.yml' ? 'traefik/dynamic/routes.yml' : path)),
      listFolder: (path) => (path === 'dynamic' ? ['routes.yml'] : undefined),
    };
    const { draft } = read(text, beside);
    assert.ok(draft.flows.some((f) => f.to === 'api.partner.io'));
    assert.deepEqual(elementOf(draft, 'traefik').provenance.map((p) => p.note).slice(1), [
      'traefik static configuration traefik.yml read from beside the compose file (not mounted: check the container sees it)',
      'traefik file provider /etc/traefik/dynamic read from dynamic beside the compose file (not mounted: check the container sees it)',
    ]);
  });

  it('the CLI reads the mounted files of the folder searched and cites them', () => {
    const r = run('discover', FIXTURE);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# {3}traefik\/dynamic\/routes\.yml \(Traefik configuration\)$/m);
    assert.match(r.stdout, /^ {6}# traefik\/dynamic\/routes\.yml:4 traefik router shop@file path \/shop\n {6}\/shop: \{ auth: oauth2 \}$/m);
    const loaded = loadModel(r.stdout, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });
});

describe('discover s16: Traefik TCP routers and v1 labels', () => {
  it('a TCP router is a flow from the proxy on the service\'s port, its protocol the backend\'s', () => {
    const { draft } = read(fixture(), fixtureFiles);
    const db = flowOf(draft, 'traefik', 'db');
    assert.deepEqual([db.protocol, db.port, db.evidence[0].provenance.line], ['postgres', 5432, 24]);
    assert.equal(db.evidence[0].provenance.note, 'traefik TCP router db HostSNI(`*`) on postgres');
    // Without a Traefik in the file, outside clients reach the database through the router.
    const outside = read(fixture().replace(/ {2}traefik:\n(?: {4}.*\n| {6}.*\n)+/, ''));
    assert.deepEqual([flowOf(outside.draft, 'clients', 'db').protocol], ['postgres']);
  });

  it('no TCP route with traefik.enable=false, nor for an HTTP-only container', () => {
    const { draft } = read(fixture().replace('      - traefik.enable=true\n      - traefik.tcp', '      - traefik.enable=false\n      - traefik.tcp'), fixtureFiles);
    assert.ok(!draft.flows.some((f) => f.to === 'db'));
    assert.ok(!read(TWO_ROUTES).draft.flows.some((f) => f.evidence.some((e) => /TCP router/.test(e.provenance.note ?? ''))));
  });

  it('v1 labels are a check (Traefik v2 and later ignore them); a v1 proxy routes nothing and is a check', () => {
    const v1 = `services:
  traefik:
    image: traefik:v3.1
  legacy:
    image: example/legacy
    labels:
      - traefik.frontend.rule=Host:legacy.example.com
      - traefik.port=9000
`;
    assert.deepEqual(read(v1).checks.map((c) => `${c.line} ${c.message}`), [
      '7 service legacy: Traefik v1 labels (traefik.frontend.rule, ...), which Traefik v2 and later ignore: no route read from them; write them as v2 routers',
    ]);
    const old = read(TWO_ROUTES.replace('traefik:v3.1', 'traefik:1.7'));
    assert.deepEqual(flowSet(old.draft), ['clients -> traefik']);
    assert.deepEqual(old.checks.map((c) => `${c.line} ${c.message}`), [
      '3 service traefik: Traefik v1 (image traefik:1.7), end-of-life; its labels and configuration are not read, so add its routes by hand',
    ]);
  });

  it('v2 labels alone are no v1 check', () => {
    assert.deepEqual(read(TWO_ROUTES).checks, []);
    assert.deepEqual(read(fixture(), fixtureFiles).checks, []);
  });
});
