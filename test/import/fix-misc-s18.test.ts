// Review s18 findings 14 and 15: code built from the repository that calls services named like its paths is
// application code (a backend-for-frontend), not a reverse proxy; and a database that inherits its placement
// (a read replica, a node of a replication group) gets no default-VPC check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverOpenApi, placeApi } from '../../src/import/openapi.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';

/** The BFF of the review's repro: `source` is its `build:` or `image:` line. */
const compose = (source: string) => `services:
  bff:
    ${source}
    ports: ["8080:8080"]
    environment:
      USERS_URL: http://users:9000
      ORDERS_URL: http://orders:9000
  users:
    image: example/users
  orders:
    image: example/orders
`;

const SPEC = `openapi: 3.0.1
info: { title: BFF, version: "1" }
servers: [{ url: "http://localhost:8080" }]
paths:
  /users/me/dashboard:
    get: { responses: { "200": { description: ok } } }
  /orders/summary:
    get: { responses: { "200": { description: ok } } }
`;

function place(composeText: string): Model {
  const c = discoverCompose(composeText, 'docker-compose.yml', { project: 't11' });
  assert.ok(!hasErrors(c.diagnostics), formatDiagnostics(c.diagnostics));
  const api = discoverOpenApi(SPEC, 'openapi.yaml');
  const draft = mergeDrafts([c.draft, api.draft]);
  placeApi(draft, api, []);
  const loaded = loadModel(draftToYaml(draft, { output: 'model.yaml' }), 'model.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return loaded.model;
}
const shape = (m: Model, id: string) => {
  const e = m.elements.find((x) => x.id === id)!;
  return { type: e.type, endpoints: e.endpoints.map((ep) => ep.key) };
};

describe('discover: a service built from the repository keeps its spec (finding 14)', () => {
  it('a BFF built from ./bff stays a service with both paths; users and orders get none', () => {
    const m = place(compose('build: ./bff'));
    assert.deepEqual(shape(m, 'bff'), { type: 'service', endpoints: ['GET /users/me/dashboard', 'GET /orders/summary'] });
    assert.deepEqual(shape(m, 'users').endpoints, []);
    assert.deepEqual(shape(m, 'orders').endpoints, []);
  });

  it('the same service run from an image (crAPI\'s crapi-web) is still split onto its upstreams', () => {
    const m = place(compose('image: example/web'));
    assert.deepEqual(shape(m, 'bff'), { type: 'reverse-proxy', endpoints: [] });
    assert.deepEqual(shape(m, 'users').endpoints, ['GET /users/me/dashboard']);
    assert.deepEqual(shape(m, 'orders').endpoints, ['GET /orders/summary']);
  });

  it('a proxy image built here (nginx with a build context) still forwards', () => {
    const m = place(compose('image: nginx:1.25\n    build: ./proxy'));
    assert.equal(shape(m, 'bff').type, 'reverse-proxy');
    assert.deepEqual(shape(m, 'users').endpoints, ['GET /users/me/dashboard']);
  });
});

describe('terraform: no default-VPC check on a database that inherits its placement (finding 15)', () => {
  const checks = (text: string): string[] => {
    const r = discoverTerraform([{ file: 'main.tf', text }]);
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    return r.checks.filter((c) => /sets no/.test(c.message)).map((c) => `${c.file}:${c.line} ${c.message.slice(0, c.message.indexOf(':'))}`);
  };

  it('skips a cache node of a replication group and a read replica', () => {
    assert.deepEqual(checks(`resource "aws_elasticache_cluster" "member" {
  cluster_id           = "c1"
  replication_group_id = "rg1"
}
resource "aws_db_instance" "replica" {
  instance_class      = "db.t3.micro"
  replicate_source_db = "main"
}
`), []);
  });

  it('still checks a standalone cache cluster and a primary database', () => {
    assert.deepEqual(checks(`resource "aws_elasticache_cluster" "solo" {
  cluster_id = "c1"
  engine     = "redis"
}
resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "app"
}
`), [
      'main.tf:1 aws_elasticache_cluster.solo sets no subnet_group_name and no security_group_ids',
      'main.tf:5 aws_db_instance.main sets no db_subnet_group_name and no vpc_security_group_ids',
    ]);
  });
});
