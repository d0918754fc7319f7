// A spec behind a reverse proxy whose paths name the services after generic segments (`/api/users/...`,
// `/api/v1/orderHistory/...`): each operation goes on the service its path names (src/model/route-owner.ts),
// the same matcher the analysis uses to judge routes on a proxy.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { type Draft, mergeDrafts } from '../../src/import/draft.js';
import { discoverOpenApi, placeApi, type Placement } from '../../src/import/openapi.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { run } from '../cli/run-cli.js';
import { tempFolder } from '../temp.js';

/** An nginx proxy publishing port 8080, whose settings name the user and order-history services. */
const COMPOSE = `services:
  gateway:
    image: nginx:1.25
    ports: ["8080:80"]
    environment:
      - USERS_SERVICE=user-service:8080
      - HISTORY_URL=http://order_history:9000
  user-service:
    image: example/users
  order_history:
    image: example/history
`;

const spec = (paths: readonly string[]) => `openapi: 3.0.1
info: { title: Shop API, version: "1" }
servers:
  - url: http://localhost:8080
paths:
${paths.map((p) => `  ${p}:\n    get: {}\n`).join('')}`;

function place(paths: readonly string[]): { draft: Draft; placement: Placement | undefined } {
  const c = discoverCompose(COMPOSE, 'compose.yaml', { project: 'shop' });
  assert.ok(!hasErrors(c.diagnostics), formatDiagnostics(c.diagnostics));
  const api = discoverOpenApi(spec(paths), 'api.yaml');
  assert.deepEqual(api.diagnostics, []);
  const draft = mergeDrafts([c.draft, api.draft]);
  return { draft, placement: placeApi(draft, api, []) };
}

const endpointsOf = (draft: Draft, key: string): string[] => (draft.elements.find((e) => e.key === key)?.endpoints ?? []).map((e) => e.key);

describe('discover routes-s19: a spec behind a proxy with /api/<service>/ prefixes', () => {
  it('splits /api/users/ and /api/v1/orderHistory/ onto user-service and order_history, with the prefixes', () => {
    const { draft, placement } = place(['/api/users/{id}', '/api/users/me', '/api/v1/orderHistory/{id}', '/api/health']);
    assert.deepEqual(placement?.forwarded?.map((s) => [s.key, s.prefixes, s.count, s.setting]), [
      ['user-service', ['/api/users/'], 2, 'USERS_SERVICE'],
      ['order_history', ['/api/v1/orderHistory/'], 1, 'HISTORY_URL'],
    ]);
    assert.deepEqual(endpointsOf(draft, 'user-service'), ['GET /api/users/{id}', 'GET /api/users/me']);
    assert.deepEqual(endpointsOf(draft, 'order_history'), ['GET /api/v1/orderHistory/{id}']);
    assert.deepEqual(endpointsOf(draft, 'gateway'), ['GET /api/health']);
    assert.match(draft.elements.find((e) => e.key === 'gateway')?.comment ?? '', /\/api\/users\/ to user-service \(compose\.yaml:6 environment USERS_SERVICE\); \/api\/v1\/orderHistory\/ to order_history/);
  });

  it('negative: a template or a segment that is no service before the name keeps the operations on the proxy', () => {
    const { draft, placement } = place(['/api/{tenant}/users/me', '/shop/users/me', '/api/orderHistory/{id}']);
    assert.deepEqual(placement?.forwarded?.map((s) => [s.key, s.prefixes]), [['order_history', ['/api/orderHistory/']]]);
    assert.deepEqual(endpointsOf(draft, 'gateway'), ['GET /api/{tenant}/users/me', 'GET /shop/users/me']);
    assert.deepEqual(endpointsOf(draft, 'user-service'), []);
  });
});

/** Traefik on port 80; `users` routed by `/users` and `/me`, `orders` by one router per prefix in `orders`. */
const traefik = (orders: readonly string[]) => `services:
  traefik:
    image: traefik:v3.0
    command: ["--providers.docker=true", "--entrypoints.web.address=:80"]
    ports: ["80:80"]
  users:
    image: example/users
    labels:
      - "traefik.http.routers.users.rule=PathPrefix(\`/users\`)"
      - "traefik.http.routers.me.rule=PathPrefix(\`/me\`)"
      - "traefik.http.services.users.loadbalancer.server.port=8080"
  orders:
    image: example/orders
    labels:
${orders.map((o) => `      - "traefik.http.routers.${o}.rule=PathPrefix(\`/${o}\`)"\n`).join('')}      - "traefik.http.services.orders.loadbalancer.server.port=8080"
`;

/** The summary's line saying where the spec's operations went. */
function forwardedLine(orders: readonly string[], paths: readonly string[]): string {
  const dir = tempFolder('discover-routes-s19-');
  writeFileSync(join(dir, 'compose.yaml'), traefik(orders));
  writeFileSync(join(dir, 'api.yaml'), spec(paths).replace('localhost:8080', 'localhost:80'));
  const r = run('discover', dir, '-o', join(dir, 'threatmap.yaml'));
  assert.equal(r.code, 0, r.stderr);
  const line = (r.stdout + r.stderr).split('\n').find((l) => l.startsWith('    by path prefix'));
  assert.ok(line, r.stderr);
  return line;
}

describe('discover routes-s19: the summary names every route that sent operations to a service', () => {
  it('names both of users\' routes, and five of seven of orders\' (in spec order), then how many more', () => {
    const orders = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7'];
    const line = forwardedLine(orders, ['/users/profile', '/me', ...orders.map((o) => `/${o}/x`).reverse(), '/static/info']);
    assert.equal(line, "    by path prefix, by traefik's routes: 2 on users (/users/, /me/: traefik router users path /users; traefik router me path /me), "
      + '7 on orders (/o7/, /o6/, /o5/, /o4/, /o3/, /o2/, /o1/: traefik router o7 path /o7; traefik router o6 path /o6; traefik router o5 path /o5; '
      + 'traefik router o4 path /o4; traefik router o3 path /o3 and 2 more); 1 left on traefik (no route matches their path)');
  });

  it('negative: a route no operation took is not named, and five routes need no "more"', () => {
    const orders = ['o1', 'o2', 'o3', 'o4', 'o5'];
    const line = forwardedLine(orders, ['/users/profile', ...orders.map((o) => `/${o}/x`)]);
    assert.equal(line, "    by path prefix, by traefik's routes: 1 on users (/users/: traefik router users path /users), "
      + '5 on orders (/o1/, /o2/, /o3/, /o4/, /o5/: traefik router o1 path /o1; traefik router o2 path /o2; traefik router o3 path /o3; '
      + 'traefik router o4 path /o4; traefik router o5 path /o5)');
  });
});
