// Compose services behind Traefik: the routers their labels declare are flows from the proxy (or, when the file
// runs no Traefik, from outside clients, as a Kubernetes Ingress's backends are), with the router's paths as
// endpoints and its middlewares' auth, allow-list and rate limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

function read(text: string) {
  const r = discoverCompose(text, 'compose.yaml');
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft;
}

const PROXY = `services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker.exposedbydefault=false
      - --entrypoints.web.address=:80
      - --entrypoints.web.http.redirections.entrypoint.to=websecure
      - --entrypoints.websecure.address=:443
    ports: ["80:80", "443:443"]
    labels:
      - traefik.http.routers.dashboard.rule=Host(\`traefik.example.com\`)
      - traefik.http.routers.dashboard.service=api@internal
      - traefik.http.middlewares.admin-auth.basicauth.users=admin:$$apr1$$xyz
      - traefik.http.middlewares.office.ipwhitelist.sourcerange=10.0.0.0/8, 192.168.1.0/24
`;

const APPS = `  api:
    build: .
    expose: ["8080", "9090"]
    labels:
      - traefik.enable=true
      - traefik.http.routers.api.rule=Host(\`api.example.com\`) && PathPrefix(\`/admin\`)
      - traefik.http.routers.api.entrypoints=websecure
      - traefik.http.routers.api.tls=true
      - traefik.http.routers.api.middlewares=admin-auth,office,sso@file
      - traefik.http.services.api.loadbalancer.server.port=8080
  web:
    image: example/web
    expose: ["3000"]
    labels:
      traefik.enable: "true"
      traefik.http.routers.web.rule: Host(\`www.example.com\`) && (PathPrefix(\`/shop\`) || Path(\`/login\`)) && !PathPrefix(\`/internal\`)
      traefik.http.routers.web.entrypoints: websecure
      traefik.http.routers.web.tls.certresolver: le
      traefik.http.routers.web.middlewares: sso-chain
      traefik.http.middlewares.sso-chain.chain.middlewares: sso,limit
      traefik.http.middlewares.sso.forwardauth.address: http://authelia:9091/api/verify
      traefik.http.middlewares.limit.ratelimit.average: "50"
  hidden:
    image: example/hidden
    labels:
      - traefik.http.routers.hidden.rule=Host(\`hidden.example.com\`)
  off:
    image: example/off
    labels:
      - traefik.enable=false
      - traefik.http.routers.off.rule=Host(\`off.example.com\`)
  plain:
    image: example/plain
    labels:
      - traefik.enable=true
      - traefik.http.routers.plain.rule=Host(\`plain.example.com\`)
      - traefik.http.routers.plain.entrypoints=web
`;

describe('compose: Traefik labels', () => {
  it('a router is a flow from the proxy on the service label\'s port, http to the backend, with the router\'s auth', () => {
    const draft = read(PROXY + APPS);
    const api = flowOf(draft, 'traefik', 'api');
    assert.deepEqual([api.protocol, api.port, api.auth], ['http', 8080, 'basic']);
    assert.equal(api.evidence[0].provenance.line, 20);
    assert.equal(api.evidence[0].provenance.note,
      'traefik router api Host(`api.example.com`) && PathPrefix(`/admin`) on websecure (TLS at the proxy), basic auth (middleware admin-auth), middleware sso@file not read');
    // The only exposed port, when no label names one.
    assert.equal(flowOf(draft, 'traefik', 'web').port, 3000);
  });

  it('paths are endpoints (negated ones not), with the auth the proxy asks for; middlewares give controls, through a chain', () => {
    const draft = read(PROXY + APPS);
    const api = elementOf(draft, 'api');
    assert.deepEqual(api.endpoints?.map((e) => [e.key, e.auth]), [['/admin', 'basic']]);
    assert.deepEqual(api.controls?.map((c) => [c.control, c.provenance.line]), [['ip-allowlist', 14]]);
    const web = elementOf(draft, 'web');
    assert.deepEqual(web.endpoints?.map((e) => e.key), ['/shop', '/login']);
    assert.deepEqual(web.controls?.map((c) => `${c.control} ${c.provenance.note}`), [
      'authentication traefik middleware sso forward auth http://authelia:9091/api/verify', 'rate-limiting traefik middleware limit rate limit',
    ]);
  });

  it('no route: traefik.enable=false, no traefik.enable when exposedbydefault=false, a router on an entrypoint that only redirects, the dashboard', () => {
    const draft = read(PROXY + APPS);
    assert.deepEqual(flowSet(draft), ['clients -> traefik', 'clients -> traefik', 'traefik -> api', 'traefik -> web']);
    assert.ok(!draft.flows.some((f) => ['hidden', 'off', 'plain'].includes(f.to)));
  });

  it('by default Traefik exposes what its labels route, enable=false still nothing', () => {
    const draft = read(PROXY.replace('      - --providers.docker.exposedbydefault=false\n', '') + APPS);
    assert.ok(draft.flows.some((f) => f.from === 'traefik' && f.to === 'hidden'));
    assert.ok(!draft.flows.some((f) => f.to === 'off'));
  });

  it('without a Traefik in the file the routes are calls from outside clients, https when the router has TLS', () => {
    const draft = read(`services:\n${APPS}`);
    assert.deepEqual(flowSet(draft), ['clients -> api', 'clients -> hidden', 'clients -> plain', 'clients -> web']);
    const api = flowOf(draft, 'clients', 'api');
    // The middlewares are declared on a proxy this file does not hold: named, not guessed.
    assert.deepEqual([api.protocol, api.auth], ['https', undefined]);
    assert.match(api.evidence[0].provenance.note ?? '', /middlewares admin-auth, office, sso@file not read$/);
    assert.equal(flowOf(draft, 'clients', 'plain').protocol, 'http');
  });

  it('the drafted model loads, and the proxy\'s basic auth is what the admin path asks for', () => {
    const text = draftToYaml(read(PROXY + APPS), { output: 'threatmap.yaml' });
    assert.match(text, /# compose.yaml:20 traefik router api path \/admin\n {6}\/admin: { auth: basic }/);
    // The proxy's auth is the route's, not the element's: services inside call it without passing the proxy.
    assert.doesNotMatch(text, /\n {4}auth: basic/);
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const admin = (model: typeof loaded.model) => analyze(model, {}).threats.find((t) => t.ruleId === 'admin-without-mfa')?.title;
    // Behind the proxy's basic auth /admin takes a credential (not a second factor); without it, none.
    assert.equal(admin(loaded.model), 'Admin access to /admin without MFA');
    const open = loadModel(draftToYaml(read(PROXY + APPS.replace('admin-auth,office,sso@file', 'office'))), 'threatmap.yaml').model!;
    assert.equal(admin(open), 'Admin access to /admin without any credential or MFA');
  });
});
