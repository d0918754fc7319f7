// Secrets written as literals in compose `environment:` and Kubernetes `env:`: one judgement shared with Terraform
// (src/import/secret-values.ts), a check and an element tag with file:line (never the value), and one `credential:`
// name for the flows of services that log in to one store with the same literal user and password.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import {
  credentialFingerprint, hostCredential, isLiteralSecret, isPlainUserName, isSecretArgument, isSecretSetting, literalSecretSetting, maskedSecret,
} from '../../src/import/secret-values.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, otherChecks } from './draft-helpers.js';

/** The review's repro (/tmp/s17-review/min/c): a JWT key and one database login written in three services. */
const CRAPI_LIKE = `services:
  api:
    image: example/api:1.0
    ports: ["8080:8080"]
    environment:
      - JWT_SECRET=crapi
      - DB_HOST=db
      - DB_USER=admin
      - DB_PASSWORD=crapisecretpassword
  worker:
    image: example/worker:1.0
    environment:
      - DB_HOST=db
      - DB_USER=admin
      - DB_PASSWORD=crapisecretpassword
  db:
    image: postgres:14
    environment:
      POSTGRES_USER: admin
      POSTGRES_PASSWORD: crapisecretpassword
`;

function compose(text: string, options: Parameters<typeof discoverCompose>[2] = {}) {
  const r = discoverCompose(text, 'docker-compose.yml', options);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const everything = (r: { draft: Parameters<typeof draftToYaml>[0]; checks: unknown[] }) => draftToYaml(r.draft) + JSON.stringify(r.checks) + JSON.stringify(r.draft);

describe('secret-values: one judgement of names and values', () => {
  it('secret names hold secrets; names that point at, describe or switch one do not', () => {
    for (const key of ['DB_PASSWORD', 'JWT_SECRET', 'API_TOKEN', 'SECRET_KEY', 'AWS_SECRET_ACCESS_KEY', 'MYSQL_ROOT_PASSWORD']) assert.ok(isSecretSetting(key), key);
    for (const key of ['DB_PASSWORD_FILE', 'ALLOW_EMPTY_PASSWORD', 'TLS_KEY_ALIAS', 'JWT_ALGORITHM', 'TOKEN_TTL', 'AWS_ACCESS_KEY_ID', 'PUBLIC_KEY', 'STRIPE_PUBLISHABLE_KEY', 'DB_HOST']) {
      assert.ok(!isSecretSetting(key), key);
    }
    assert.ok(isSecretArgument('master_password') && !isSecretArgument('secret_arn') && !isSecretArgument('password_length'));
  });

  it('literals are secrets; placeholders, references, files and switches are not', () => {
    for (const v of ['crapi', 'postgres', 's3cr3t-value']) assert.ok(isLiteralSecret(v), v);
    for (const v of ['', '  ', '${DB_PASSWORD}', '$(DB_PASSWORD)', '{{ .Values.password }}', '<password>', 'changeme', 'CHANGE-ME', 'xxx', '***',
      'arn:aws:secretsmanager:x', 'certs/server.key', '/run/secrets/db', 'classpath:certs/server.p12', 'true', 'prefix-${X}']) {
      assert.ok(!isLiteralSecret(v), v);
    }
  });

  it('a variable alone is no literal; its written default is, unless a placeholder', () => {
    assert.equal(literalSecretSetting({ key: 'DB_PASSWORD', raw: '${DB_PASSWORD}', value: '', line: 1 }), undefined);
    assert.deepEqual(literalSecretSetting({ key: 'DB_PASSWORD', raw: '${DB_PASSWORD:-postgres}', value: 'postgres', line: 1 }), { secret: 'postgres' });
    assert.equal(literalSecretSetting({ key: 'DB_PASSWORD', raw: '${DB_PASSWORD:-changeme}', value: 'changeme', line: 1 }), undefined);
    assert.equal(literalSecretSetting({ key: 'DB_PASSWORD', line: 1 }), undefined);
  });

  it('a connection string with a literal password is one, its user beside it; without a password it is not', () => {
    assert.deepEqual(literalSecretSetting({ key: 'MH_MONGO_URI', value: 'admin:pw-long-enough@mongodb:27017', line: 1 }),
      { secret: 'pw-long-enough', inUrl: true, user: 'admin' });
    assert.equal(literalSecretSetting({ key: 'DATABASE_URL', value: 'postgres://app@pg/app', line: 1 }), undefined);
    assert.equal(literalSecretSetting({ key: 'REPO', value: 'git@github.com:a/b.git', line: 1 }), undefined);
  });

  it('a mask says the length and whether it is guessable, never a character', () => {
    assert.equal(maskedSecret('crapi'), 'a literal of 5 characters, guessable');
    assert.equal(maskedSecret('Zq8#vT2!mL0@pW4$'), 'a literal of 16 characters');
    assert.equal(maskedSecret('administrator1', 'administrator1'), 'a literal of 14 characters, guessable');
  });

  it('fingerprints are equal for equal logins only', () => {
    assert.equal(credentialFingerprint('admin', 'pw'), credentialFingerprint('admin', 'pw'));
    assert.notEqual(credentialFingerprint('admin', 'pw'), credentialFingerprint('admin', 'pw2'));
    assert.notEqual(credentialFingerprint('admin', 'pw'), credentialFingerprint('admi', 'npw'));
  });

  it('a host setting takes the login set beside it under its prefix, or its URL\'s; none when the user is not a literal', () => {
    const env = [
      { key: 'DB_HOST', value: 'db', line: 1 }, { key: 'DB_USER', value: 'admin', line: 2 }, { key: 'DB_PASSWORD', value: 'pw-long-enough', line: 3 },
      { key: 'MONGO_DB_HOST', value: 'mongo', line: 4 }, { key: 'MONGO_DB_USER', raw: '${U}', value: '', line: 5 }, { key: 'MONGO_DB_PASSWORD', value: 'pw-long-enough', line: 6 },
    ];
    assert.deepEqual(hostCredential(env, env[0]), { fingerprint: credentialFingerprint('admin', 'pw-long-enough'), user: 'admin' });
    assert.equal(hostCredential(env, env[3]), undefined);
    const url = { key: 'DATABASE_URL', value: 'postgres://app:pw-long-enough@pg/app', line: 7 };
    assert.deepEqual(hostCredential([url], url), { fingerprint: credentialFingerprint('app', 'pw-long-enough'), user: 'app' });
  });
});

describe('discoverCompose: hard-coded secrets', () => {
  it('each literal secret is a check and a tag on its service, with file:line and never the value', () => {
    const r = compose(CRAPI_LIKE);
    assert.deepEqual(r.checks.map((c) => `${c.line} ${c.message.split(':')[0]}`), [
      '6 service api sets JWT_SECRET, the key that signs its tokens, to a literal of 5 characters, guessable',
      '9 service api sets DB_PASSWORD to a literal of 19 characters',
      '15 service worker sets DB_PASSWORD to a literal of 19 characters',
      '20 service db sets POSTGRES_PASSWORD to a literal of 19 characters',
    ]);
    // The signing key is a fact of its own (forgeable-tokens reads it); the other literals stay hard-coded secrets.
    assert.deepEqual(elementOf(r.draft, 'api').hardCodedSecrets?.map((p) => `${p.file}:${p.line} ${p.note}`), [
      'docker-compose.yml:9 environment DB_PASSWORD (a literal of 19 characters)',
    ]);
    const text = draftToYaml(r.draft);
    assert.match(text, /\n {2}api: \{ type: service, auth: jwt, in: compose, tags: \[ hard-coded-secret:docker-compose\.yml:9, token-signing-key:docker-compose\.yml:6 \] \}/);
    assert.match(text, /# hard-coded secret: docker-compose\.yml:9 environment DB_PASSWORD \(a literal of 19 characters\)/);
    assert.match(text, /# token-signing-key: docker-compose\.yml:6 environment JWT_SECRET \(a literal of 5 characters, guessable\)/);
    assert.match(text, /# Check: docker-compose\.yml:6 service api sets JWT_SECRET, the key that signs its tokens, to a literal/);
    assert.doesNotMatch(everything(r), /crapisecretpassword|JWT_SECRET=crapi|"crapi"/);
  });

  it('references, placeholders, Docker secret files and a git-ignored env file are no hard-coded secret', () => {
    const r = compose(`services:
  api:
    image: example/api:1.0
    env_file: .env
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
      API_TOKEN: \${API_TOKEN:?set it}
      JWT_SECRET: changeme
      DB_PASSWORD_FILE: /run/secrets/db
      TLS_KEY: certs/server.key
`, { readEnvFile: () => ({ text: 'STRIPE_SECRET=sk_live_in_a_local_file\n', file: '.env' }), secretFile: () => ({ file: '.env', ignored: true }) });
    assert.deepEqual(r.checks, []);
    assert.equal(elementOf(r.draft, 'api').hardCodedSecrets, undefined);
    assert.doesNotMatch(draftToYaml(r.draft), /hard-coded-secret|sk_live/);
  });

  it('an env file the repository holds counts, cited at its own line', () => {
    const r = compose(`services:
  api:
    image: example/api:1.0
    env_file: config/api.env
`, { readEnvFile: () => ({ text: '# api\nSTRIPE_SECRET=sk_live_committed_value\n', file: 'config/api.env' }), secretFile: () => ({ file: 'config/api.env', ignored: false }) });
    assert.deepEqual(r.checks.map((c) => `${c.file}:${c.line}`), ['config/api.env:2']);
    assert.doesNotMatch(everything(r), /sk_live/);
  });
});

describe('discover: shared literal logins become one credential', () => {
  it('services sending one store the same user and password name one credential; shared-credentials fires', () => {
    const r = compose(CRAPI_LIKE);
    assert.equal(flowOf(r.draft, 'api', 'db').credential?.user, 'admin');
    const text = draftToYaml(r.draft);
    assert.match(text, /- api -> db: \{ protocol: postgres, auth: password, credential: db-admin \}/);
    assert.match(text, /- worker -> db: \{ protocol: postgres, auth: password, credential: db-admin \}/);
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const shared = analyze(loaded.model, {}).threats.filter((t) => t.ruleId === 'shared-credentials');
    assert.deepEqual(shared.map((t) => t.title), ['Credential db-admin shared by 2 services on db']);
  });

  it('different passwords, or a login one service alone sends, name no credential', () => {
    const other = CRAPI_LIKE.replace('      - DB_PASSWORD=crapisecretpassword\n  db:', '      - DB_PASSWORD=another-password-entirely\n  db:');
    assert.notEqual(other, CRAPI_LIKE);
    const text = draftToYaml(compose(other).draft);
    assert.doesNotMatch(text, /credential:/);
    assert.doesNotMatch(draftToYaml(compose(CRAPI_LIKE.replace(/ {2}worker:[\s\S]*?(?= {2}db:)/, '')).draft), /credential:/);
    // A server that checks no password (trust) makes the shared login open nothing: auth none, no credential.
    const trust = draftToYaml(compose(`${CRAPI_LIKE}      POSTGRES_HOST_AUTH_METHOD: trust\n`).draft);
    assert.match(trust, /- api -> db: \{ protocol: postgres, auth: none \}/);
    assert.doesNotMatch(trust, /credential:/);
  });
});

describe('discoverKubernetes: hard-coded secrets', () => {
  const deployment = (env: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: db }
spec:
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
      - name: postgres
        image: postgres:15-alpine
        env:
${env}`;

  it('a literal `value:` is a check and a tag with the manifest line, never the value', () => {
    const r = discoverKubernetesFiles([{ text: deployment('        - name: POSTGRES_USER\n          value: postgres\n        - name: POSTGRES_PASSWORD\n          value: hunter2-db\n'), file: 'db-deployment.yaml' }]);
    assert.deepEqual(otherChecks(r.checks).map((c) => `${c.file}:${c.line} ${c.message.split(':')[0]}`), [
      'db-deployment.yaml:15 Deployment db sets POSTGRES_PASSWORD to a literal of 10 characters, guessable',
    ]);
    assert.match(draftToYaml(r.draft), /tags: \[ hard-coded-secret:db-deployment\.yaml:15 \]/);
    assert.doesNotMatch(everything(r), /hunter2/);
  });

  it('a secretKeyRef, a $(VAR) reference and a placeholder are no hard-coded secret', () => {
    const r = discoverKubernetesFiles([{
      text: deployment(`        - name: POSTGRES_PASSWORD
          valueFrom: { secretKeyRef: { name: db, key: password } }
        - name: ADMIN_TOKEN
          value: $(FROM_ELSEWHERE)
        - name: API_KEY
          value: "<api key>"
`), file: 'db-deployment.yaml',
    }]);
    assert.deepEqual(otherChecks(r.checks), []);
    assert.equal(elementOf(r.draft, 'db').hardCodedSecrets, undefined);
  });
});

describe('discoverTerraform: the shared judgement', () => {
  it('a literal password is a check; a placeholder and a file name are not', () => {
    const r = discoverTerraform([{ file: 'main.tf', text: `resource "aws_db_instance" "db" {
  engine   = "postgres"
  password = "p4ssw0rd-in-code"
}
resource "aws_db_instance" "db2" {
  engine   = "postgres"
  password = "changeme"
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  environment {
    variables = {
      TLS_KEY = "certs/server.key"
      API_TOKEN_TTL = "3600"
    }
  }
}
` }]);
    // Its default-VPC placement check is terraform-s18's subject.
    assert.deepEqual(r.checks.filter((c) => !c.message.includes(': AWS places it ')).map((c) => c.line), [3]);
  });
});

describe('shared logins: a token in the URL\'s user part never names the credential (review-diff-s17)', () => {
  const TOKEN = 'ghp_R3alT0kenValue1234567890abcd';
  const twoServices = (url: string) => `services:\n  web:\n    image: node:20\n    environment:\n      REPO_URL: ${url}\n  worker:\n    image: node:20\n    environment:\n      REPO_URL: ${url}\n`;

  it('GitHub\'s TOKEN:x-oauth-basic@ form: the flows share `github.com-login`, and the token is nowhere in the draft', () => {
    const r = discoverCompose(twoServices(`https://${TOKEN}:x-oauth-basic@github.com/acme/app.git`), 'compose.yaml', {});
    const text = draftToYaml(r.draft);
    assert.match(text, /credential: github\.com-login/);
    assert.doesNotMatch(text + JSON.stringify(r.checks), /ghp_|R3alT0ken/);
  });

  it('a plain user name still names it', () => {
    const r = discoverCompose(twoServices('https://deploy:s3cr3t-pass-word@github.com/acme/app.git'), 'compose.yaml', {});
    assert.match(draftToYaml(r.draft), /credential: github\.com-deploy/);
  });

  it('tells names from tokens', () => {
    for (const name of ['admin', 'app_user', 'crapi.admin', 'Deploy']) assert.equal(isPlainUserName(name), true, name);
    for (const token of [TOKEN, 'glpat-abcdefghij', 'AKIAIOSFODNN7EXAMPLE', 'xoxb-1234', 'user1234567', 'aBcDeFgHiJ']) assert.equal(isPlainUserName(token), false, token);
  });
});
