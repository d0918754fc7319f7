// What a file switches off in so many words is a fact the draft states: a database that lets every client in
// (PostgreSQL `trust`, an empty root password, Redis without protected mode, MongoDB without a root user) has
// `auth: none` flows, a Terraform store with encryption at rest written `false` says so; each is a check line,
// and the store gets a placeholder for its data, so that the rule about it fires on a draft without assets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { authOff } from '../../src/import/containers.js';
import { type Draft, draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, otherChecks } from './draft-helpers.js';

function compose(text: string, readEnvFile?: (path: string) => { text: string; file: string } | undefined) {
  const r = discoverCompose(text, 'compose.yaml', readEnvFile ? { readEnvFile } : {});
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  // These tests are about switches that let clients in; literal secrets have their own (secrets-s17).
  return { ...r, checks: r.checks.filter(notLiteralSecret) };
}

const notLiteralSecret = (c: { message: string }): boolean => !/ to (a URL with a password, )?a literal of \d+ characters?/.test(c.message);

function rules(draft: Draft): string[] {
  const loaded = loadModel(draftToYaml(draft), 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return analyze(loaded.model, {}).threats.map((t) => `${t.ruleId} ${t.component}`);
}

const STORES = `services:
  api:
    build: .
    environment:
      DATABASE_URL: postgres://app:pw@pg:5432/app
      MYSQL: mysql://root@my:3306/app
      CACHE: redis://cache:6379
      MONGO: mongodb://mongo:27017/app
      BITNAMI: redis://bitnami:6379
  pg:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: pg-pass-1
      POSTGRES_HOST_AUTH_METHOD: trust
  my:
    image: mysql:8
    environment: [MYSQL_ALLOW_EMPTY_PASSWORD=yes, MYSQL_USER=app, MYSQL_PASSWORD=my-pass-2]
  cache:
    image: redis:7
    command: ["redis-server", "--protected-mode", "no"]
  mongo:
    image: mongo:7
  bitnami:
    image: bitnami/redis:7.2
    environment: { ALLOW_EMPTY_PASSWORD: "yes" }
`;

describe('off-switches: databases that let every client in', () => {
  it('trust, an empty root password, no protected mode, no root user: auth none on every flow in, whatever the client sends', () => {
    const { draft, checks } = compose(STORES);
    for (const to of ['pg', 'my', 'cache', 'mongo', 'bitnami']) assert.equal(flowOf(draft, 'api', to).auth, 'none', to);
    assert.deepEqual(elementOf(draft, 'pg').noAuth, {
      file: 'compose.yaml', line: 14, note: 'environment POSTGRES_HOST_AUTH_METHOD=trust: PostgreSQL lets every client in without checking a password',
    });
    assert.deepEqual(checks.map((c) => `${c.line} ${c.message}`), [
      '14 service pg: POSTGRES_HOST_AUTH_METHOD=trust: PostgreSQL lets every client in without checking a password',
      '17 service my: MYSQL_ALLOW_EMPTY_PASSWORD=yes: root logs in without a password',
      '20 service cache: --protected-mode no without --requirepass: Redis answers every client without a password',
      '22 service mongo: no MONGO_INITDB_ROOT_USERNAME/PASSWORD and no --auth: MongoDB starts without access control',
      '25 service bitnami: ALLOW_EMPTY_PASSWORD=yes and no password set: clients log in without one',
    ]);
    const text = draftToYaml(draft);
    // The flow says why its password counts for nothing; the header lists the checks; no secret is written.
    assert.match(text, /# compose.yaml:5 environment DATABASE_URL; auth none: compose.yaml:14 environment POSTGRES_HOST_AUTH_METHOD=trust/);
    assert.match(text, /\n# Check: compose.yaml:14 service pg: POSTGRES_HOST_AUTH_METHOD=trust/);
    assert.ok(!text.includes('pg-pass-1') && !text.includes('my-pass-2') && !text.includes(':pw@'));
  });

  it('a placeholder asset on each such store makes unauthenticated-store-access name it', () => {
    const { draft } = compose(STORES);
    const text = draftToYaml(draft);
    assert.match(text, /\nassets:\n {2}# compose.yaml:14 environment POSTGRES_HOST_AUTH_METHOD=trust: .*\n {2}pg-data: { name: Data in pg, classification: confidential, description: "Placeholder: /);
    assert.match(text, /\n {2}pg: { tech: postgres, in: compose, stores: \[ pg-data \], tags: \[ hard-coded-secret:compose.yaml:13 \] }/);
    const found = rules(draft).filter((r) => r.startsWith('unauthenticated-store-access'));
    assert.deepEqual(found.sort(), ['bitnami', 'cache', 'mongo', 'my', 'pg'].map((id) => `unauthenticated-store-access ${id}`));
  });

  it('passwords left on: a password, --requirepass, a root user, an env file not read; protected mode on; and no draft asset at all', () => {
    const { draft, checks } = compose(`services:
  api:
    build: .
    environment: [A=pg, B=cache, C=mongo, D=mongo2, E=bitnami, F=redis2]
  pg:
    image: postgres:16
    environment: [POSTGRES_PASSWORD=x]
  cache:
    image: redis:7
    command: redis-server --protected-mode no --requirepass x
  mongo:
    image: mongo:7
    environment: [MONGO_INITDB_ROOT_USERNAME=admin, MONGO_INITDB_ROOT_PASSWORD_FILE=/run/secrets/m]
  mongo2:
    image: mongo:7
    env_file: mongo.env
  bitnami:
    image: bitnami/redis:7.2
    environment: [ALLOW_EMPTY_PASSWORD=yes, REDIS_PASSWORD=x]
  redis2:
    image: redis:7
    command: redis-server --protected-mode yes
`);
    assert.deepEqual(checks, []);
    assert.ok(!draft.elements.some((e) => e.noAuth || e.dataAtRisk));
    assert.doesNotMatch(draftToYaml(draft), /\nassets:/);
    assert.ok(!rules(draft).some((r) => r.startsWith('unauthenticated-store-access')));
  });

  it('an env file read completes the environment: MongoDB with none of its root settings there is open', () => {
    const text = 'services:\n  mongo:\n    image: mongo:7\n    env_file: mongo.env\n';
    const { checks } = compose(text, () => ({ text: 'TZ=UTC\n', file: 'mongo.env' }));
    assert.equal(checks.length, 1);
    assert.equal(compose(text, () => ({ text: 'MONGO_INITDB_ROOT_PASSWORD=x\n', file: 'mongo.env' })).checks.length, 0);
  });

  it('authOff reads only what the image says: an application\'s setting of the same name is not a server\'s', () => {
    const env = (key: string, value: string) => [{ key, value, raw: value, line: 1 }];
    assert.equal(authOff('redis', 'redis', [], ['redis-server', '--protected-mode', 'yes'], true), undefined);
    assert.equal(authOff('mongodb', 'bitnami/mongodb', [], [], true), undefined); // bitnami's MongoDB asks for a password by default
    assert.equal(authOff('mongodb', 'mongo', [], ['mongod', '--auth'], true), undefined);
    assert.equal(authOff('mongodb', 'mongo', [], [], false), undefined);
    assert.equal(authOff('postgres', 'postgres', env('POSTGRES_HOST_AUTH_METHOD', 'scram-sha-256'), [], true), undefined);
    assert.equal(authOff('mysql', 'mysql', env('MYSQL_ALLOW_EMPTY_PASSWORD', 'no'), [], true), undefined);
  });

  it('Kubernetes: a StatefulSet\'s env (or ConfigMap) switching auth off, cited by its line; a Secret not read may set the root user', () => {
    const manifests = `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: postgres
          image: postgres:16
          env:
            - name: POSTGRES_HOST_AUTH_METHOD
              value: trust
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: mongo }
spec:
  selector: { matchLabels: { app: mongo } }
  template:
    metadata: { labels: { app: mongo } }
    spec:
      containers:
        - name: mongo
          image: mongo:7
          envFrom: [{ secretRef: { name: mongo-root } }]
---
apiVersion: v1
kind: Service
metadata: { name: db }
spec: { selector: { app: db }, ports: [{ port: 5432 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: example/api
          env: [{ name: DATABASE_URL, value: "postgres://app:pw@db/app" }]
`;
    const r = discoverKubernetesFiles([{ text: manifests, file: 'k8s.yaml' }]);
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(otherChecks(r.checks).filter(notLiteralSecret).map((c) => `${c.line} ${c.message}`), ['13 StatefulSet db: POSTGRES_HOST_AUTH_METHOD=trust: PostgreSQL lets every client in without checking a password']);
    assert.equal(flowOf(r.draft, 'api', 'db').auth, 'none');
    assert.equal(elementOf(r.draft, 'mongo').noAuth, undefined);
    assert.deepEqual(rules(r.draft).filter((x) => x.startsWith('unauthenticated-store-access')), ['unauthenticated-store-access db']);
  });
});

const TF = `provider "aws" { region = "eu-west-1" }
resource "aws_db_instance" "plain" {
  engine            = "postgres"
  password          = var.pw
  storage_encrypted = false
}
resource "aws_db_instance" "default" {
  engine   = "mysql"
  password = var.pw
}
resource "aws_db_instance" "on" {
  engine            = "mysql"
  password          = var.pw
  storage_encrypted = var.encrypt
}
variable "pw" { sensitive = true }
variable "encrypt" { default = true }
resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  user_data     = "DB=\${aws_db_instance.plain.address} \${aws_db_instance.default.address} \${aws_db_instance.on.address}"
  root_block_device {
    encrypted = false
  }
}
resource "aws_ebs_volume" "logs" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.ebs_encrypted
}
variable "ebs_encrypted" { default = false }
resource "aws_ebs_volume" "off" {
  count             = 0
  availability_zone = "eu-west-1a"
  encrypted         = false
}
`;

describe('off-switches: Terraform encryption at rest', () => {
  it('`= false` written is a check with its line; left out or true is not', () => {
    const r = discoverTerraform([{ text: TF, file: 'main.tf' }]);
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(r.checks.filter((c) => /encrypted/.test(c.message)).map((c) => `${c.line} ${c.message.split(':')[0]}`), [
      '5 aws_db_instance.plain sets storage_encrypted = false',
      '23 aws_instance.web sets root_block_device.encrypted = false',
      '29 aws_ebs_volume.logs sets encrypted = false',
    ]);
  });

  it('a database written unencrypted gets a placeholder, so unencrypted-store names it (and no other database)', () => {
    const { draft } = discoverTerraform([{ text: TF, file: 'main.tf' }]);
    assert.deepEqual(elementOf(draft, '|aws_db_instance.plain').dataAtRisk, { file: 'main.tf', line: 5, note: 'storage_encrypted = false' });
    // An instance's volume is no store of the diagram: the check says it, no placeholder.
    assert.deepEqual(draft.elements.filter((e) => e.dataAtRisk).map((e) => e.id), ['plain']);
    assert.deepEqual(rules(draft).filter((x) => x.startsWith('unencrypted-store')), ['unencrypted-store plain']);
  });
});
