// Compose settings that hand a container its host (privileged-container's wording: privileged, or root with
// host access), and Docker secrets, which keep a service's secrets out of its configuration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { environmentSecret, escapeCapability, isRootUser } from '../../src/import/containers.js';
import { draftToYaml } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf } from './draft-helpers.js';

function read(text: string) {
  const r = discoverCompose(text, 'compose.yaml');
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft;
}

function threats(text: string) {
  const loaded = loadModel(draftToYaml(read(text)), 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics }).threats;
}

const privileged = (draft: ReturnType<typeof read>, key: string) => {
  const p = elementOf(draft, key).privileged;
  return p && `${p.line} ${p.note}`;
};

describe('compose: settings that hand over the host', () => {
  it('host namespaces as root, escaping capabilities, the host\'s root or runtime socket: privileged, cited by the setting', () => {
    const draft = read(`services:
  pid:
    image: a
    pid: host
  net:
    image: a
    network_mode: host
    user: root
  ipc:
    image: a
    ipc: host
    user: "0:0"
  module:
    image: a
    cap_add: [CAP_SYS_MODULE]
  ptrace:
    image: a
    pid: "host"
    cap_add: [SYS_PTRACE]
  rootfs:
    image: a
    volumes: ["/:/host:ro"]
`);
    assert.equal(privileged(draft, 'pid'), '4 pid: host (shares the host\'s processes, as root, the default)');
    assert.equal(privileged(draft, 'net'), '7 network_mode: host (shares the host\'s network, as user root)');
    assert.equal(privileged(draft, 'ipc'), '11 ipc: host (shares the host\'s shared memory, as user 0:0)');
    assert.equal(privileged(draft, 'module'), '15 cap_add SYS_MODULE');
    // SYS_PTRACE in the host's PID namespace reaches into the host's processes: the capability is the sharper fact.
    assert.equal(privileged(draft, 'ptrace'), '19 cap_add SYS_PTRACE with pid: host');
    assert.equal(privileged(draft, 'rootfs'), '22 mounts / from the host');
  });

  it('not privileged alone: a non-root user on a host namespace, NET_ADMIN in its own network, user root, seccomp unconfined', () => {
    const draft = read(`services:
  user:
    image: a
    pid: host
    user: app
  netadmin:
    image: a
    cap_add: [NET_ADMIN, NET_RAW]
  root:
    image: a
    user: root
  unconfined:
    image: a
    security_opt: ["seccomp:unconfined", "apparmor=unconfined", "no-new-privileges:true"]
`);
    for (const key of ['user', 'netadmin', 'root', 'unconfined']) assert.equal(elementOf(draft, key).privileged, undefined, key);
    // What confinement is off is said in the element's comment, for the reviewer.
    assert.match(elementOf(draft, 'unconfined').provenance[0].note ?? '', /security_opt seccomp:unconfined, apparmor=unconfined: confinement off \(not privileged by itself\)/);
    assert.equal(escapeCapability('net_admin', { network: true }), 'NET_ADMIN');
    assert.equal(escapeCapability('NET_ADMIN'), undefined);
    assert.deepEqual(['root', '0', '0:0', 'root:wheel', '1000', 'app', '10'].map(isRootUser), [true, true, true, true, false, false, false]);
  });

  it('privileged-container reports pid: host, not a plain root user', () => {
    const found = threats(`services:\n  agent:\n    image: a\n    pid: host\n    ports: ["8080:8080"]\n  app:\n    image: b\n    user: root\n    depends_on: [agent]\n`)
      .filter((t) => t.ruleId === 'privileged-container').map((t) => t.component);
    assert.deepEqual(found, ['agent']);
  });
});

const SECRETS = `services:
  api:
    build: .
    environment:
      DB_HOST: db
      DB_PASSWORD_FILE: /run/secrets/db_password
    secrets:
      - source: db_password
        target: db_password
  worker:
    build: ./worker
    environment: [DB_HOST=db, DB_PASSWORD_FILE=/run/secrets/db_password]
  legacy:
    build: ./legacy
    environment:
      DB_HOST: db
      DB_PASSWORD: hunter2
    secrets: [db_password]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    file: ./db_password.txt
`;

describe('compose: Docker secrets', () => {
  it('a service taking its secrets from Docker secrets (`secrets:` or a /run/secrets file) declares secrets-management', () => {
    const draft = read(SECRETS);
    const control = (key: string) => elementOf(draft, key).controls?.map((c) => `${c.control} ${c.provenance.line} ${c.provenance.note}`);
    assert.deepEqual(control('api'), ['secrets-management 8 secrets db_password (Docker secret file ./db_password.txt)']);
    assert.deepEqual(control('worker'), ['secrets-management 12 environment DB_PASSWORD_FILE (a mounted secret file)']);
    // A password written in the environment is still a secret in the configuration, whatever else it mounts.
    assert.equal(control('legacy'), undefined);
    assert.ok(!draftToYaml(draft).includes('hunter2'));
  });

  it('secrets-in-config then names only the service that keeps a secret in its environment', () => {
    const found = threats(SECRETS).filter((t) => t.ruleId === 'secrets-in-config');
    assert.deepEqual(found.map((t) => t.component), ['legacy']);
    const external = threats(SECRETS.replace('DB_PASSWORD: hunter2', 'DB_NAME: app').replace('    file: ./db_password.txt', '    external: true'));
    assert.deepEqual(external.filter((t) => t.ruleId === 'secrets-in-config'), []);
  });

  it('what counts as a secret in the environment', () => {
    const s = (key: string, value?: string, raw = value) => ({ key, line: 1, ...(value !== undefined ? { value } : {}), ...(raw !== undefined ? { raw } : {}) });
    assert.equal(environmentSecret([s('DB_PASSWORD_FILE', '/run/secrets/x'), s('MYSQL_ALLOW_EMPTY_PASSWORD', 'yes'), s('DB_PASSWORD', '')])?.key, undefined);
    assert.equal(environmentSecret([s('API_TOKEN', '', '${API_TOKEN}')])?.key, 'API_TOKEN'); // passed from the shell: still in the environment
    assert.equal(environmentSecret([s('STRIPE_KEY')])?.key, 'STRIPE_KEY');                       // `- STRIPE_KEY`: the caller's value
    assert.equal(environmentSecret([s('DATABASE_URL', 'postgres://u:pw@db/app')])?.key, 'DATABASE_URL');
    assert.equal(environmentSecret([s('DATABASE_URL', 'postgres://u@db/app')]), undefined);
  });
});
