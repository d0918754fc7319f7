// An API spec whose server is a reverse proxy (crAPI's crapi-web, the review's finding 4): when the proxy's
// settings name the services behind the spec's first path segments (`USERS_SERVICE=shop-users:8080` for
// `/users/...`), each operation goes on the service that serves its prefix, the proxy becomes a reverse proxy,
// and the application rules (missing-authorization, the admin route) judge the services, not the proxy.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverOpenApi, placeApi, type Placement } from '../../src/import/openapi.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import { run } from '../cli/run-cli.js';
import { tempFolder } from '../temp.js';
import { k8sDeployment } from './draft-helpers.js';

/** A proxy publishing port 8080, whose settings name two services; `env` replaces its environment. */
const compose = (env = ['USERS_SERVICE=shop-users:8080', 'ORDERS_URL=http://shop-orders:9000'], image = 'example/gateway') => `services:
  gateway:
    image: ${image}
    ports: ["8080:80"]
    environment:
${env.map((e) => `      - ${e}\n`).join('')}  shop-users:
    image: example/users
  shop-orders:
    image: example/orders
`;

/** A Deployment and its Service, `env` the container's environment. */
const workload = (name: string, env: readonly string[] = [], type = 'ClusterIP') => `${k8sDeployment(name, `example/${name}`)}          env:
${env.map((e) => `            - { name: ${e.split('=')[0]}, value: "${e.split('=')[1]}" }\n`).join('')}---
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  type: ${type}
  selector: { app: ${name} }
  ports: [{ port: 8080 }]
`;

/** Bearer JWT on everything but the login; `/static` is served by the proxy itself. */
const SPEC = `openapi: 3.0.1
info: { title: Shop API, version: "1" }
servers:
  - url: SERVER
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer, bearerFormat: JWT }
security:
  - bearer: []
paths:
  /users/api/login:
    post:
      security: []
  /users/api/profile:
    get: {}
  /users/api/admin/accounts/{id}:
    delete: {}
  /orders/api/orders:
    get: {}
    post: {}
  /static/info:
    get: {}
`;

interface Placed {
  draft: Draft;
  placement: Placement | undefined;
  text: string;
  model: Model;
}

function place(composeText: string, server = 'http://localhost:8080', manifests = false): Placed {
  const c = manifests ? discoverKubernetes(composeText, 'shop.yaml') : discoverCompose(composeText, 'compose.yaml', { project: 'shop' });
  assert.ok(!hasErrors(c.diagnostics), formatDiagnostics(c.diagnostics));
  const api = discoverOpenApi(SPEC.replace('SERVER', server), 'api.yaml');
  assert.deepEqual(api.diagnostics, []);
  const draft = mergeDrafts([c.draft, api.draft]);
  const placement = placeApi(draft, api, []);
  const text = draftToYaml(draft, { output: 'threatmap.yaml' });
  const loaded = loadModel(text, 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { draft, placement, text, model: loaded.model };
}

const endpointKeys = (p: Placed, id: string): string[] => p.model.elements.find((e) => e.id === id)!.endpoints.map((e) => e.key);
const typeOf = (p: Placed, id: string): string | undefined => p.model.elements.find((e) => e.id === id)!.type;

function threatsOf(p: Placed, rule: string): string[] {
  const loaded = loadModel(p.text, 'threatmap.yaml');
  return analyze(loaded.model!, { source: loaded.source, diagnostics: loaded.diagnostics }).threats.filter((t) => t.ruleId === rule).map((t) => t.component ?? '');
}

describe('discover s18: a spec behind a reverse proxy goes on the services that serve it', () => {
  it('puts each operation on the upstream its first path segment names; the rest stays on the proxy', () => {
    const p = place(compose());
    assert.equal(p.placement?.key, 'gateway');
    assert.equal(p.placement?.reason, 'its server http://localhost:8080 is the port 8080 it publishes');
    assert.deepEqual(p.placement?.forwarded?.map((s) => [s.key, s.prefixes, s.count, s.setting, `${s.provenance.file}:${s.provenance.line}`]), [
      ['shop-users', ['/users/'], 3, 'USERS_SERVICE', 'compose.yaml:6'],
      ['shop-orders', ['/orders/'], 2, 'ORDERS_URL', 'compose.yaml:7'],
    ]);
    assert.deepEqual(endpointKeys(p, 'shop-users'), ['POST /users/api/login', 'GET /users/api/profile', 'DELETE /users/api/admin/accounts/{id}']);
    assert.deepEqual(endpointKeys(p, 'shop-orders'), ['GET /orders/api/orders', 'POST /orders/api/orders']);
    assert.deepEqual(endpointKeys(p, 'gateway'), ['GET /static/info']);
  });

  it('drafts the proxy as a reverse proxy and the spec\'s auth on the services that received operations', () => {
    const p = place(compose());
    assert.equal(typeOf(p, 'gateway'), 'reverse-proxy');
    assert.equal(typeOf(p, 'shop-users'), 'service');
    const users = p.model.elements.find((e) => e.id === 'shop-users')!;
    assert.equal(users.auth, 'jwt');
    assert.equal(users.endpoints.find((e) => e.key === 'POST /users/api/login')?.public, true);
    assert.equal(p.model.elements.find((e) => e.id === 'shop-orders')!.auth, 'jwt');
  });

  it('keeps the spec\'s lines as provenance: each endpoint its own line, each service the spec and its prefix, the proxy its settings', () => {
    const { text } = place(compose());
    assert.match(text, /# api\.yaml:12\n {6}POST \/users\/api\/login: \{ public: true \}/);
    assert.match(text, /# api\.yaml:17\n {6}DELETE \/users\/api\/admin\/accounts\/\{id\}: null/);
    assert.match(text, /# api\.yaml:2 OpenAPI 3\.0\.1 "Shop API": its \/users\/ paths, through gateway\n {2}shop-users:/);
    assert.match(text, /# A reverse proxy: its settings name the services behind the API's path prefixes, which serve those endpoints: \/users\/ to shop-users \(compose\.yaml:6 environment USERS_SERVICE\); \/orders\/ to shop-orders \(compose\.yaml:7 environment ORDERS_URL\)\n/);
    assert.match(text, /# api\.yaml:2 OpenAPI 3\.0\.1 "Shop API": forwarded to the services behind it by path prefix, 1 served here \(no setting names a service for their prefix\)\n {2}gateway:/);
  });

  it('the application rules judge the upstream, not the proxy, and a flow to the proxy still names an endpoint behind it', () => {
    const p = place(compose());
    assert.deepEqual(threatsOf(p, 'missing-authorization'), ['shop-users']);
    // forwardedOwners: the outside caller's flow to the proxy may name the login, which shop-users serves.
    const named = p.text.replace('- clients -> gateway: { protocol: http, port: 8080 }', '- clients -> gateway: { protocol: http, port: 8080, endpoint: "POST /users/api/login" }');
    assert.notEqual(named, p.text);
    const loaded = loadModel(named, 'threatmap.yaml');
    assert.deepEqual(loaded.diagnostics.filter((d) => d.code !== 'untyped-caller'), []);
    assert.equal(loaded.model?.flows.find((f) => f.from === 'clients')?.endpoint, 'shop-users:POST /users/api/login');
  });

  it('a proxy whose image names its technology keeps it (nginx is a reverse proxy already)', () => {
    const p = place(compose(undefined, 'nginx:1.25'));
    assert.equal(p.model.elements.find((e) => e.id === 'gateway')!.tech, 'nginx');
    assert.match(p.text, /gateway:\n {4}tech: nginx\n/);
    assert.match(p.text, /# Its settings name the services behind/);
    // A proxy by type needs one upstream only.
    const one = place(compose(['USERS_SERVICE=shop-users:8080'], 'nginx:1.25'));
    assert.deepEqual(one.placement?.forwarded?.map((s) => s.key), ['shop-users']);
    // The server's base path is the first segment the proxy sees.
    const based = place(compose(undefined, 'nginx:1.25'), 'http://localhost:8080/users');
    assert.deepEqual(based.placement?.forwarded?.map((s) => [s.key, s.prefixes.join(), s.count]), [['shop-users', '/users/', 6]]);
  });

  it('negative: settings naming no service of a prefix keep every operation on the element, typed as before', () => {
    const p = place(compose().replace(/shop-users/g, 'billing').replace(/shop-orders/g, 'audit'));
    assert.deepEqual(p.draft.flows.filter((f) => f.from === 'gateway').map((f) => f.to), ['billing', 'audit']);
    assert.deepEqual(p.placement, { key: 'gateway', reason: 'its server http://localhost:8080 is the port 8080 it publishes' });
    assert.equal(endpointKeys(p, 'gateway').length, 6);
    assert.equal(typeOf(p, 'gateway'), 'service');
    assert.deepEqual(threatsOf(p, 'missing-authorization'), ['gateway']);
  });

  it('negative: one upstream named like one prefix is a service calling a helper, not a proxy (unless its type forwards)', () => {
    const p = place(compose(['USERS_SERVICE=shop-users:8080']));
    assert.equal(p.placement?.forwarded, undefined);
    assert.equal(endpointKeys(p, 'gateway').length, 6);
    assert.equal(typeOf(p, 'gateway'), 'service');
  });

  it('negative: a prefix two upstreams could serve stays on the proxy', () => {
    const text = compose(['USERS_SERVICE=shop-users:8080', 'ORDERS_URL=http://shop-orders:9000', 'USERS2_SERVICE=users-admin:8080'], 'nginx:1.25')
      .replace('  shop-users:\n', '  users-admin:\n    image: example/admin\n  shop-users:\n');
    const p = place(text);
    assert.deepEqual(p.placement?.forwarded?.map((s) => s.key), ['shop-orders']);
    assert.deepEqual(endpointKeys(p, 'gateway'), ['POST /users/api/login', 'GET /users/api/profile', 'DELETE /users/api/admin/accounts/{id}', 'GET /static/info']);
  });

  it('a spec whose server is a service itself (no proxy) is unchanged', () => {
    const p = place(compose(), 'http://shop-users:8080');
    assert.deepEqual(p.placement, { key: 'shop-users', reason: 'its server http://shop-users:8080 names it' });
    assert.equal(endpointKeys(p, 'shop-users').length, 6);
    assert.equal(typeOf(p, 'gateway'), 'service');
    assert.match(p.text, /# api\.yaml:2 OpenAPI 3\.0\.1 "Shop API"\n {2}shop-users:/);
  });

  it('the discover summary says where the operations went, by prefix and setting', () => {
    const dir = tempFolder('discover-proxy-s18-');
    writeFileSync(join(dir, 'compose.yaml'), compose());
    writeFileSync(join(dir, 'api.yaml'), SPEC.replace('SERVER', 'http://localhost:8080'));
    const out = join(dir, 'threatmap.yaml');
    const r = run('discover', dir, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /api\.yaml: 6 endpoints \(1 public\) behind gateway: its server http:\/\/localhost:8080 is the port 8080 it publishes\n/);
    assert.match(r.stderr, /\n {4}by path prefix, as gateway's settings name its upstreams: 3 on shop-users \(\/users\/: USERS_SERVICE\), 2 on shop-orders \(\/orders\/: ORDERS_URL\); 1 left on gateway \(no upstream named for their prefix\)\n/);
    assert.match(readFileSync(out, 'utf8'), /gateway:\n {4}type: reverse-proxy\n/);
  });

  it('Kubernetes: a gateway Deployment whose env names the Services behind the prefixes forwards to them', () => {
    const manifests = [
      workload('gateway', ['USERS_SERVICE=shop-users:8080', 'ORDERS_URL=http://shop-orders:8080'], 'LoadBalancer'),
      workload('shop-users'), workload('shop-orders'),
    ].join('---\n');
    const p = place(manifests, 'http://gateway:8080', true);
    assert.equal(p.placement?.reason, 'its server http://gateway:8080 names it');
    assert.deepEqual(p.placement?.forwarded?.map((s) => [s.key, s.count, s.setting]), [['shop-users', 3, 'USERS_SERVICE'], ['shop-orders', 2, 'ORDERS_URL']]);
    assert.equal(typeOf(p, 'gateway'), 'reverse-proxy');
    assert.match(p.text, /shop\.yaml:\d+ env USERS_SERVICE/);
    assert.deepEqual(threatsOf(p, 'missing-authorization'), ['shop-users']);
  });

  it('Kubernetes: an Ingress routing the spec\'s path prefixes to Services puts each operation on the workload behind its route', () => {
    const ingress = (paths: readonly string[]) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop }
spec:
  rules:
    - host: shop.acme.io
      http:
        paths:
${paths.map((p) => `          - { path: ${p.split('=')[0]}, pathType: Prefix, backend: { service: { name: ${p.split('=')[1]}, port: { number: 8080 } } } }\n`).join('')}`;
    const manifests = (paths: readonly string[]) => [workload('shop-users'), workload('shop-orders'), ingress(paths)].join('---\n');
    const p = place(manifests(['/users=shop-users', '/orders=shop-orders', '/static=shop-orders']), 'https://shop.acme.io', true);
    assert.equal(p.placement?.routed, true);
    assert.deepEqual(p.placement?.forwarded?.map((s) => [s.key, s.prefixes.join(), s.count, s.setting]), [
      ['shop-users', '/users/', 3, 'Ingress shop path /users'], ['shop-orders', '/orders/,/static/', 3, 'Ingress shop path /orders'],
    ]);
    assert.deepEqual(endpointKeys(p, 'shop-users'), ['/users', 'POST /users/api/login', 'GET /users/api/profile', 'DELETE /users/api/admin/accounts/{id}']);
    assert.equal(p.model.elements.some((e) => e.id === 'shop-api'), false);
    assert.match(p.text, /# api\.yaml:2 OpenAPI 3\.0\.1 "Shop API": its \/users\/ paths, as routed\n/);
    assert.deepEqual(threatsOf(p, 'missing-authorization'), ['shop-users']);
    // A path no route sends anywhere (`/static`): the spec is not all behind the Ingress, and is placed as before.
    const partly = place(manifests(['/users=shop-users', '/orders=shop-orders']), 'https://shop.acme.io', true);
    assert.equal(partly.placement?.key, 'shop-api');
    assert.equal(partly.placement?.forwarded, undefined);
    assert.deepEqual(endpointKeys(partly, 'shop-users'), ['/users']);
  });
});
