// Session 18 (authn-s18): a literal whose setting name says it signs tokens (JWT_SECRET, SIGNING_KEY,
// SECRET_KEY_BASE, Flask/Django SECRET_KEY...) gets its own fact tag, `token-signing-key:file:line`, which
// forgeable-tokens reads, instead of the general `hard-coded-secret` one that secrets-in-config reads; a check and
// the element's comment say what it lets anyone do. Other secrets keep the general tag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { isSessionSigningSetting, isTokenSigningSetting } from '../../src/import/secret-values.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf } from './draft-helpers.js';

/** crapi.docker-compose.yml's identity service, cut down: a database password, then the JWT key. */
const COMPOSE = `services:
  identity:
    image: crapi/crapi-identity:latest
    ports: ["8080:8080"]
    environment:
      - DB_USER=admin
      - DB_PASSWORD=crapisecretpassword
      - JWT_SECRET=crapi
  worker:
    image: example/worker:1.0
    environment:
      - API_TOKEN=a-long-api-token-value
`;

function compose(text: string) {
  const r = discoverCompose(text, 'docker-compose.yml', {});
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const deployment = (env: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
      - name: api
        image: example/api:1.0
        env:
${env}`;

describe('isTokenSigningSetting: which settings sign tokens', () => {
  it('JWT and signing keys', () => {
    for (const key of ['JWT_SECRET', 'JWT_KEY', 'JWT_SIGNING_KEY', 'APP_JWT_SECRET', 'TOKEN_SECRET', 'ACCESS_TOKEN_SECRET', 'SIGNING_KEY']) {
      assert.ok(isTokenSigningSetting(key), key);
    }
  });

  it('not a password, a token itself, a cloud access key, a webhook\'s secret, a public key or a key\'s file', () => {
    for (const key of ['DB_PASSWORD', 'API_TOKEN', 'JWT_TOKEN', 'AWS_SECRET_KEY', 'MINIO_SECRET_KEY', 'WEBHOOK_SIGNING_SECRET', 'JWT_PUBLIC_KEY', 'JWT_SECRET_FILE', 'JWT_EXPIRATION', 'SESSION_SECRET', 'SECRET_KEY_BASE', 'SECRET_KEY']) {
      assert.ok(!isTokenSigningSetting(key), key);
    }
  });
});

describe('isSessionSigningSetting: a framework\'s own session key', () => {
  it('Flask/Django SECRET_KEY, Rails\' SECRET_KEY_BASE, Auth.js, express-session and cookie-parser secrets', () => {
    for (const key of ['SECRET_KEY', 'DJANGO_SECRET_KEY', 'SECRET_KEY_BASE', 'NEXTAUTH_SECRET', 'AUTH_SECRET', 'SESSION_SECRET', 'COOKIE_SECRET', 'APP_KEY']) {
      assert.ok(isSessionSigningSetting(key), key);
    }
  });

  it('not a JWT key, a CSRF or encryption key, nor a secret that names no session', () => {
    for (const key of ['JWT_SECRET', 'CSRF_TOKEN_SECRET', 'SESSION_ENCRYPTION_KEY', 'SECRET', 'AWS_SECRET_KEY', 'DB_PASSWORD']) {
      assert.ok(!isSessionSigningSetting(key), key);
    }
  });
});

describe('discoverCompose: a literal token signing key', () => {
  it('is tagged token-signing-key with its line; the database password keeps hard-coded-secret', () => {
    const r = compose(COMPOSE);
    const identity = elementOf(r.draft, 'identity');
    assert.deepEqual(identity.facts?.map((f) => `${f.tag} ${f.provenance.file}:${f.provenance.line}`), ['token-signing-key docker-compose.yml:8']);
    assert.deepEqual(identity.hardCodedSecrets?.map((p) => p.line), [7]);
    const text = draftToYaml(r.draft);
    assert.match(text, /identity: \{ type: service, auth: jwt, in: compose, tags: \[ hard-coded-secret:docker-compose\.yml:7, token-signing-key:docker-compose\.yml:8 \] \}/);
    assert.match(text, /# token-signing-key: docker-compose\.yml:8 environment JWT_SECRET \(a literal of 5 characters, guessable\): signs its tokens; anyone who reads it mints a token for any user/);
    const check = r.checks.find((c) => c.line === 8);
    assert.match(check?.message ?? '', /^service identity sets JWT_SECRET, the key that signs its tokens, to a literal of 5 characters, guessable: .*random 256-bit key per deployment, load it from a secret store \(Docker secrets\) and rotate it$/);
    assert.doesNotMatch(text + JSON.stringify(r.checks), /JWT_SECRET=crapi|\bcrapi\b(?!-|\/)/);
  });

  it('a secret that signs nothing gets no token-signing-key tag', () => {
    const r = compose(COMPOSE);
    const worker = elementOf(r.draft, 'worker');
    assert.equal(worker.facts, undefined);
    assert.equal(worker.hardCodedSecrets?.length, 1);
    assert.match(draftToYaml(r.draft), /worker: \{ type: service, in: compose, tags: \[ hard-coded-secret:docker-compose\.yml:12 \] \}/);
  });

  it('a signing key taken from elsewhere (a reference, a placeholder) is no fact', () => {
    const r = compose('services:\n  api:\n    image: x\n    environment:\n      JWT_SECRET: ${JWT_SECRET}\n      SECRET_KEY_BASE: changeme\n');
    assert.equal(elementOf(r.draft, 'api').facts, undefined);
  });

  it('the draft as written (the key\'s holder takes JWTs) analyses to forgeable-tokens citing the compose line', () => {
    const text = draftToYaml(compose(COMPOSE).draft);
    const loaded = loadModel(text, 'draft.yaml');
    assert.ok(loaded.model, formatDiagnostics(loaded.diagnostics));
    const threats = analyze(loaded.model, { source: loaded.source }).threats.filter((t) => t.ruleId === 'forgeable-tokens');
    assert.deepEqual(threats.map((t) => t.title), ['JWT signing key of identity is a literal in docker-compose.yml:8: anyone can mint tokens']);
  });
});

describe('discoverKubernetesFiles: a literal token signing key', () => {
  it('is tagged session-signing-key (Rails\' SECRET_KEY_BASE) with the manifest line, beside the password\'s hard-coded-secret', () => {
    const r = discoverKubernetesFiles([{
      text: deployment('        - name: DB_PASSWORD\n          value: hunter2-db-pass\n        - name: SECRET_KEY_BASE\n          value: abcdef0123456789\n'), file: 'api.yaml',
    }]);
    assert.match(draftToYaml(r.draft), /tags: \[ hard-coded-secret:api\.yaml:13, session-signing-key:api\.yaml:15 \]/);
    assert.match(r.checks.find((c) => c.line === 15)?.message ?? '', /^Deployment api sets SECRET_KEY_BASE, the key that signs its session cookies, to a literal of 16 characters: .*a Secret kept out of the repository/);
    assert.doesNotMatch(draftToYaml(r.draft) + JSON.stringify(r.checks), /abcdef0123456789|hunter2/);
  });

  it('a password alone gets no token-signing-key tag, and a secretKeyRef signing key none either', () => {
    const r = discoverKubernetesFiles([{
      text: deployment('        - name: DB_PASSWORD\n          value: hunter2-db-pass\n        - name: JWT_SECRET\n          valueFrom: { secretKeyRef: { name: jwt, key: secret } }\n'), file: 'api.yaml',
    }]);
    assert.equal(elementOf(r.draft, 'api').facts, undefined);
    assert.match(draftToYaml(r.draft), /tags: \[ hard-coded-secret:api\.yaml:13 \]/);
  });
});
