// A stock Redis (or Valkey) image started as it ships answers every client: the official images build it with
// protected mode off, and nothing asks for a password. The draft says so as it does for `--protected-mode no`:
// `auth: none` on the flows in, a check line, a placeholder for its data. Bitnami's image refuses to start without
// a password unless ALLOW_EMPTY_PASSWORD says so; a config file, an ACL or a password leaves the server closed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { authOff } from '../../src/import/containers.js';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { elementOf, flowOf, otherChecks } from './draft-helpers.js';

function compose(text: string, readEnvFile?: (path: string) => { text: string; file: string } | undefined) {
  const r = discoverCompose(text, 'compose.yaml', readEnvFile ? { readEnvFile } : {});
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  // These tests are about switches that let clients in; literal secrets have their own (secrets-s17).
  return { ...r, checks: r.checks.filter(notLiteralSecret) };
}

const notLiteralSecret = (c: { message: string }): boolean => !/ to (a URL with a password, )?a literal of \d+ characters?/.test(c.message);

const OPEN = `services:
  api:
    build: .
    environment: [A=cache, B=sessions, C=queue, D=valkey]
  cache:
    image: redis
  sessions:
    image: docker.io/library/redis:7-alpine
    command: ["redis-server", "--appendonly", "yes"]
  queue:
    image: redis:7
    command: --save 60 1
  valkey:
    image: valkey/valkey:8
`;

describe('discover s16: a stock Redis image', () => {
  it('image redis (or valkey/valkey) with no password, ACL or config file: auth none, a check cited by the image or command line', () => {
    const { draft, checks } = compose(OPEN);
    for (const to of ['cache', 'sessions', 'queue', 'valkey']) assert.equal(flowOf(draft, 'api', to).auth, 'none', to);
    assert.deepEqual(checks.map((c) => `${c.line} ${c.message}`), [
      '6 service cache: image redis with no password, ACL or config file: the official image turns protected mode off, so Redis answers every client without a password',
      '9 service sessions: image redis with no password, ACL or config file: the official image turns protected mode off, so Redis answers every client without a password',
      '12 service queue: image redis with no password, ACL or config file: the official image turns protected mode off, so Redis answers every client without a password',
      '14 service valkey: image valkey/valkey with no password, ACL or config file: the official image turns protected mode off, so Valkey answers every client without a password',
    ]);
    assert.equal(elementOf(draft, 'cache').noAuth?.line, 6);
    assert.match(draftToYaml(draft), /\n {2}cache-data: \{ name: Data in cache, classification: confidential/);
  });

  it('a Kubernetes Deployment of the image is open the same way, cited by its container', () => {
    const r = discoverKubernetesFiles([{ text: `apiVersion: apps/v1
kind: Deployment
metadata: { name: redis }
spec:
  selector: { matchLabels: { app: redis } }
  template:
    metadata: { labels: { app: redis } }
    spec:
      containers:
        - name: redis
          image: redis:7
`, file: 'redis.yaml' }]);
    assert.deepEqual(otherChecks(r.checks).map((c) => `${c.line} ${c.message.split(':')[0]}`), ['10 Deployment redis']);
  });

  it('closed or unknown: a password (--requirepass, REDIS_PASSWORD), an ACL, a config file, protected mode on, a script, bitnami, an env file not read', () => {
    const { draft, checks } = compose(`services:
  api:
    build: .
    environment: [A=r1, B=r2, C=r3, D=r4, E=r5, F=r6, G=r7, H=r8, I=r9]
  r1:
    image: redis:7
    command: redis-server --requirepass \${REDIS_PASSWORD}
  r2:
    image: redis:7
    environment: [REDIS_PASSWORD=x]
  r3:
    image: redis:7
    command: redis-server --aclfile /etc/redis/users.acl
  r4:
    image: redis:7
    command: redis-server /usr/local/etc/redis/redis.conf
  r5:
    image: redis:7
    command: ["redis-server", "--protected-mode", "yes"]
  r6:
    image: redis:7
    entrypoint: /start.sh
  r7:
    image: bitnami/redis:7.2
  r8:
    image: redis:7
    env_file: redis.env
  r9:
    image: example/redis
`);
    assert.deepEqual(checks, []);
    assert.ok(!draft.elements.some((e) => e.noAuth));
    assert.equal(flowOf(draft, 'api', 'r2').auth, 'password');
    assert.equal(authOff('redis', 'redis', [], ['sh', '-c', 'exec redis-server --requirepass "$$P"'], true), undefined);
  });

  it('an env file read completes the environment: with nothing in it the stock image is open', () => {
    const text = 'services:\n  r:\n    image: redis:7\n    env_file: redis.env\n';
    assert.equal(compose(text, () => ({ text: 'TZ=UTC\n', file: 'redis.env' })).checks.length, 1);
    assert.equal(compose(text, () => ({ text: 'REDIS_PASSWORD=x\n', file: 'redis.env' })).checks.length, 0);
  });
});
