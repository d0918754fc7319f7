// An API spec whose server is the port Traefik publishes: Traefik's routes carry no setting that names a service,
// so each operation goes on the service whose route (longest path prefix) it matches, among those Traefik routes
// to; what no route matches stays on Traefik. The summary says it was placed by traefik's routes (the proxy's name).
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { type Draft, mergeDrafts } from '../../src/import/draft.js';
import { discoverOpenApi, placeApi, type Placement } from '../../src/import/openapi.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { run } from '../cli/run-cli.js';
import { tempFolder } from '../temp.js';

/** Traefik publishing port 80, routing `/users` and `/users/admin` and `/orders` by Docker labels. */
const COMPOSE = `services:
  traefik:
    image: traefik:v3.0
    command: ["--providers.docker=true", "--entrypoints.web.address=:80"]
    ports: ["80:80"]
  users:
    image: example/users
    labels:
      - "traefik.http.routers.users.rule=PathPrefix(\`/users\`)"
      - "traefik.http.services.users.loadbalancer.server.port=8080"
  admin:
    image: example/admin
    labels:
      - "traefik.http.routers.admin.rule=PathPrefix(\`/users/admin\`)"
      - "traefik.http.services.admin.loadbalancer.server.port=8080"
  orders:
    image: example/orders
    labels:
      - "traefik.http.routers.orders.rule=PathPrefix(\`/orders\`)"
      - "traefik.http.services.orders.loadbalancer.server.port=8080"
`;

const SPEC = `openapi: 3.0.1
info: { title: Shop API, version: "1" }
servers:
  - url: SERVER
paths:
  /users/profile:
    get: {}
  /users/admin/accounts:
    delete: {}
  /orders:
    get: {}
    post: {}
  /static/info:
    get: {}
`;

interface Placed {
  draft: Draft;
  placement: Placement | undefined;
}

function place(compose: string, server = 'http://localhost:80'): Placed {
  const c = discoverCompose(compose, 'compose.yaml', { project: 'shop' });
  assert.ok(!hasErrors(c.diagnostics), formatDiagnostics(c.diagnostics));
  const api = discoverOpenApi(SPEC.replace('SERVER', server), 'api.yaml');
  assert.deepEqual(api.diagnostics, []);
  const draft = mergeDrafts([c.draft, api.draft]);
  return { draft, placement: placeApi(draft, api, []) };
}

/** The spec's operations (keys with a method) on an element. */
const operations = (p: Placed, key: string): string[] =>
  (p.draft.elements.find((e) => e.key === key)?.endpoints ?? []).map((e) => e.key).filter((k) => k.includes(' '));

describe('traefik-spec s18: a spec on the port Traefik publishes goes on the services its routes send it to', () => {
  it('places each operation on the service of its longest matching route; the rest stays on traefik', () => {
    const p = place(COMPOSE);
    assert.equal(p.placement?.key, 'traefik');
    assert.equal(p.placement?.byRouter, true);
    assert.equal(p.placement?.routed, undefined);
    assert.deepEqual(p.placement?.forwarded?.map((s) => [s.key, s.prefixes.join(), s.count, s.setting]), [
      ['users', '/users/', 1, 'traefik router users path /users'],
      ['admin', '/users/admin/', 1, 'traefik router admin path /users/admin'],
      ['orders', '/orders/', 2, 'traefik router orders path /orders'],
    ]);
    assert.deepEqual(operations(p, 'users'), ['GET /users/profile']);
    assert.deepEqual(operations(p, 'admin'), ['DELETE /users/admin/accounts']);
    assert.deepEqual(operations(p, 'orders'), ['GET /orders', 'POST /orders']);
    // A path no route matches stays on the router.
    assert.deepEqual(operations(p, 'traefik'), ['GET /static/info']);
    assert.ok(p.draft.elements.find((e) => e.key === 'users')!.provenance.some((x) => x.note === 'OpenAPI 3.0.1 "Shop API": its /users/ paths, routed by traefik'));
  });

  it('keeps every operation on an element that routes nothing: no Traefik route, nothing moved', () => {
    const plain = COMPOSE.replace(/ {4}labels:\n(?: {6}- .*\n)+/g, '');
    const p = place(plain);
    assert.equal(p.placement?.key, 'traefik');
    assert.equal(p.placement?.forwarded, undefined);
    assert.equal(p.placement?.byRouter, undefined);
    assert.deepEqual(operations(p, 'traefik'), ['GET /users/profile', 'DELETE /users/admin/accounts', 'GET /orders', 'POST /orders', 'GET /static/info']);
  });

  it('takes only the routes of the element the spec lands on: a service beside Traefik keeps its spec', () => {
    // `web` publishes port 80 and routes nothing; Traefik, on 8081, routes /users and /orders elsewhere.
    const beside = COMPOSE.replace('ports: ["80:80"]', 'ports: ["8081:80"]') + `  web:
    image: example/web
    ports: ["80:8080"]
`;
    const p = place(beside);
    assert.equal(p.placement?.key, 'web');
    assert.equal(p.placement?.forwarded, undefined);
    assert.deepEqual(operations(p, 'web'), ['GET /users/profile', 'DELETE /users/admin/accounts', 'GET /orders', 'POST /orders', 'GET /static/info']);
    assert.deepEqual(operations(p, 'users'), []);
    // The same spec on Traefik's port goes by its routes.
    assert.deepEqual(operations(place(beside, 'http://localhost:8081'), 'users'), ['GET /users/profile']);
  });

  it('discover says the operations went by Traefik\'s routes, and how many stayed on traefik', () => {
    const dir = tempFolder('traefik-spec-s18-');
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
    writeFileSync(join(dir, 'api.yaml'), SPEC.replace('SERVER', 'http://localhost:80'));
    const r = run('discover', dir, '-o', join(dir, 'threatmap.yaml'));
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /api\.yaml: 5 endpoints \(5 public\) behind traefik: its server http:\/\/localhost:80 is the port 80 it publishes\n/);
    assert.match(out, /\n {4}by path prefix, by traefik's routes: 1 on users \(\/users\/: traefik router users path \/users\), 1 on admin \(\/users\/admin\/: traefik router admin path \/users\/admin\), 2 on orders \(\/orders\/: traefik router orders path \/orders\); 1 left on traefik \(no route matches their path\)\n/);
  });

  it('Traefik TOML: the file provider\'s routes and the labels\' place the operations; a path none matches stays', () => {
    const dir = tempFolder('traefik-spec-s18-toml-');
    cpSync('test/fixtures/discover-s17/traefik-toml', dir, { recursive: true });
    writeFileSync(join(dir, 'api.yaml'), 'openapi: 3.0.1\ninfo: { title: Shop API, version: "1" }\nservers:\n  - url: http://localhost:443\n'
      + 'paths:\n  /shop/cart:\n    get: {}\n  /admin/users:\n    get: {}\n  /health:\n    get: {}\n');
    const r = run('discover', dir, '-o', join(dir, 'threatmap.yaml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /\n {4}by path prefix, by traefik's routes: 2 on api \(\/shop\/, \/admin\/: traefik router shop@file path \/shop; traefik router admin path \/admin\); 1 left on traefik \(no route matches their path\)\n/);
  });
});
