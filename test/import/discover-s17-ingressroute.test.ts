// Traefik's Kubernetes custom resources (IngressRoute, IngressRouteTCP, Middleware, under traefik.io and the older
// traefik.containo.us) read as Ingresses are: calls from outside to the workloads of the routed Services, the
// hosts and paths of the route's match, TLS, and what the route's Middlewares ask of callers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

const FIXTURE = 'test/fixtures/discover-s17/ingressroute/app.yaml';

function read(text: string) {
  const r = discoverKubernetesFiles([{ text, file: 'app.yaml' }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const WEB = `apiVersion: apps/v1
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
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

const route = (api: string, extra = '') => `${WEB}---
apiVersion: ${api}
kind: IngressRoute
metadata: { name: web }
spec:
  entryPoints: [web]
  routes:
    - match: Host(\`a.example.com\`) || Host(\`b.example.com\`)
      kind: Rule
      services: [{ name: web, port: 80 }]
${extra}`;

describe('discover s17: Traefik IngressRoute CRDs', () => {
  it('routes, hosts, paths, TLS and middlewares of the fixture', () => {
    const { draft, skippedKinds } = read(readFileSync(FIXTURE, 'utf8'));
    assert.deepEqual(skippedKinds, []);
    assert.deepEqual(flowSet(draft), ['clients -> db', 'clients -> web']);
    const web = flowOf(draft, 'clients', 'web');
    // Two routes asking different things of callers: the flow states no auth, each path its own.
    assert.deepEqual([web.protocol, web.port, web.auth], ['https', 443, undefined]);
    assert.deepEqual(web.evidence.map((e) => [e.provenance.line, e.route, e.auth]), [[42, 'IngressRoute web route 1', 'basic'], [49, 'IngressRoute web route 2', 'oauth2']]);
    assert.equal(web.evidence[0].provenance.note,
      'IngressRoute web route 1 host shop.example.com path /admin on websecure -> Service web port 80 (TLS), basic auth (Middleware admin-auth)');
    assert.deepEqual(elementOf(draft, 'web').endpoints?.map((e) => [e.key, e.auth, e.provenance[0].line]), [['/admin', 'basic', 42], ['/account', 'oauth2', 49]]);
    assert.deepEqual(elementOf(draft, 'web').controls?.map((c) => [c.control, c.provenance.line, c.provenance.note]),
      [['ip-allowlist', 100, 'Middleware office-only ip allow-list 203.0.113.0/24']]);
    // The HTTP route of web-http only redirects to HTTPS: no flow of its own.
    assert.ok(!web.evidence.some((e) => e.route?.startsWith('IngressRoute web-http')));
    const db = flowOf(draft, 'clients', 'db');
    assert.deepEqual([db.protocol, db.evidence[0].provenance.note], ['tls', 'IngressRouteTCP db host db.shop.example.com on postgres -> Service db port 5432 (TLS passed through to the backend)']);
  });

  it('traefik.io and traefik.containo.us read alike; plain HTTP without tls, both hosts named', () => {
    for (const api of ['traefik.io/v1alpha1', 'traefik.containo.us/v1alpha1']) {
      const flow = flowOf(read(route(api)).draft, 'clients', 'web');
      assert.deepEqual([flow.protocol, flow.port, flow.auth], ['http', 80, undefined], api);
      assert.equal(flow.evidence[0].provenance.note, 'IngressRoute web host a.example.com, b.example.com on web -> Service web port 80');
    }
  });

  it('another API group, or a kind Traefik does not define, routes nothing', () => {
    const { draft, skippedKinds } = read(route('example.com/v1'));
    // No route from outside: web's ClusterIP Service, which nothing names, is called by the cluster's other pods only.
    assert.deepEqual(flowSet(draft), ['(cluster workloads) -> web']);
    assert.deepEqual(skippedKinds, ['IngressRoute']);
  });

  it('a middleware not in the manifests is named as not read; a chain is followed to its basic auth', () => {
    const unread = flowOf(read(route('traefik.io/v1alpha1').replace('      kind: Rule', '      kind: Rule\n      middlewares: [{ name: missing }]')).draft, 'clients', 'web');
    assert.equal(unread.auth, undefined);
    assert.match(unread.evidence[0].provenance.note ?? '', /, middleware missing not read$/);
    const chained = route('traefik.io/v1alpha1').replace('      kind: Rule', '      kind: Rule\n      middlewares: [{ name: secure }]') + `---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: secure }
spec:
  chain:
    middlewares: [{ name: users }, { name: slow }]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: users }
spec:
  basicAuth: { secret: users }
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: slow }
spec:
  rateLimit: { average: 10 }
`;
    const { draft } = read(chained);
    assert.equal(flowOf(draft, 'clients', 'web').auth, 'basic');
    assert.deepEqual(elementOf(draft, 'web').controls?.map((c) => c.control), ['rate-limiting']);
  });

  it('a chain that names itself is read once, and ends', () => {
    const text = route('traefik.io/v1alpha1').replace('      kind: Rule', '      kind: Rule\n      middlewares: [{ name: loop }]') + `---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: loop }
spec:
  rateLimit: { average: 10 }
  chain: { middlewares: [{ name: loop }] }
`;
    assert.deepEqual(elementOf(read(text).draft, 'web').controls?.map((c) => c.control), ['rate-limiting']);
  });

  it('forward auth to a service other than oauth2-proxy is an authentication control, not a method', () => {
    const text = route('traefik.io/v1alpha1').replace('      kind: Rule', '      kind: Rule\n      middlewares: [{ name: check }]') + `---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: check }
spec:
  forwardAuth: { address: http://authz.default.svc:9000/check }
`;
    const { draft } = read(text);
    assert.equal(flowOf(draft, 'clients', 'web').auth, undefined);
    assert.deepEqual(elementOf(draft, 'web').controls?.map((c) => [c.control, c.provenance.note]), [['authentication', 'Middleware check forward auth http://authz.default.svc:9000/check']]);
  });

  it('a route to a Service that selects nothing, or to a TraefikService, is left out and named', () => {
    const text = route('traefik.io/v1alpha1').replace('services: [{ name: web, port: 80 }]', 'services: [{ name: nowhere, port: 80 }, { name: canary, kind: TraefikService }]');
    const { draft } = read(text);
    // No route from outside: web's ClusterIP Service, which nothing names, is called by the cluster's other pods only.
    assert.deepEqual(flowSet(draft), ['(cluster workloads) -> web']);
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.reason]), [
      ['nowhere', 'IngressRoute web routes to Service nowhere, which selects no workload in these manifests'],
      ['canary', 'IngressRoute web routes to TraefikService canary, which this reader does not follow'],
    ]);
  });
});
