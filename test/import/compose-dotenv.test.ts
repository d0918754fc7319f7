// `threatmap discover` takes Compose variables from the `.env` beside the compose file when the repository holds it
// (not git-ignored): ports, images and host names follow it, citing its line; its secrets reach only the
// `environment:` entries that take them, where they are checked as literals written in the repository.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverCompose, interpolate, parseEnvFile, projectVariables } from '../../src/import/compose.js';
import { draftToYaml } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { run } from '../cli/run-cli.js';
import { tempFolder } from '../temp.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

const values = (text: string) => Object.fromEntries([...projectVariables(text, '.env')].map(([k, v]) => [k, `${v.value}@${v.line}`]));

function compose(text: string, dotEnv?: string) {
  const r = discoverCompose(text, 'compose.yaml', dotEnv === undefined ? {} : { projectEnv: { text: dotEnv, file: '.env' } });
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const checks = (r: ReturnType<typeof compose>) => r.checks.map((c) => `${c.file}:${c.line} ${c.message}`);

describe('compose .env: parsing', () => {
  it('reads KEY=VALUE lines as Compose does: comments, export, quotes, earlier variables, later lines winning', () => {
    const text = [
      '# settings', // 1
      'export TAG=1.2', // 2
      'HOST = db.internal # a comment', // 3
      'QUOTED="a # b"', // 4
      "LITERAL='${TAG} $$'", // 5
      'IMAGE="app:${TAG}"', // 6
      'PLAIN=api:$TAG', // 7
      'SHELL_ONLY', // 8
      'TAG=2.0', // 9
      '', // 10
      'EMPTY=', // 11
    ].join('\n');
    assert.deepEqual(values(text), {
      TAG: '2.0@9', HOST: 'db.internal@3', QUOTED: 'a # b@4', LITERAL: '${TAG} $$@5', IMAGE: 'app:1.2@6', PLAIN: 'api:1.2@7', EMPTY: '@11',
    });
  });

  it('a line that sets nothing is skipped', () => {
    assert.deepEqual(values('not a setting\n=x\n# TAG=1\n'), {});
  });

  it('env_file values take the variables given; without them they are unset as before', () => {
    const vars = projectVariables('HOST=db\n', '.env');
    assert.deepEqual(parseEnvFile('URL=http://${HOST}:80\n', 'api.env', vars).map((e) => e.value), ['http://db:80']);
    assert.deepEqual(parseEnvFile('URL=http://${HOST}:80\n', 'api.env').map((e) => e.value), ['http://:80']);
  });
});

describe('compose .env: substitution', () => {
  const vars = projectVariables('SET=v\nEMPTY=\n', '.env');
  it('each form reads a set, an empty and an unset variable as Compose does', () => {
    const cases: Array<[string, string]> = [
      ['${SET} $SET ${EMPTY}|${UNSET}|$UNSET', 'v v ||'],
      ['${SET:-d} ${EMPTY:-d} ${UNSET:-d}', 'v d d'],
      ['${SET-d} ${EMPTY-d}| ${UNSET-d}', 'v | d'],
      ['${SET:?err} ${EMPTY:?err}| ${UNSET?err}|', 'v | |'],
      ['${SET:+alt} ${EMPTY:+alt}| ${EMPTY+alt} ${UNSET:+alt}|', 'alt | alt |'],
      ['${UNSET:-${SET}} $$SET', 'v $SET'],
    ];
    for (const [text, expected] of cases) assert.equal(interpolate(text, vars), expected, text);
  });

  it('names the variables whose values it took; without variables every one is unset', () => {
    const used = new Set<string>();
    interpolate('${SET} ${EMPTY:-d} ${UNSET:-x}', vars, used);
    assert.deepEqual([...used], ['SET']);
    assert.equal(interpolate('${SET:-d} ${SET:+alt}|'), 'd |');
  });
});

describe('compose .env: ports', () => {
  const PORTS = 'services:\n  mailhog:\n    image: mailhog/mailhog:v1.0.1\n    ports:\n      - "${LISTEN_IP:-127.0.0.1}:8025:8025"\n      - target: 1025\n        published: "1025"\n        host_ip: ${LISTEN_IP:-127.0.0.1}\n';

  it('a public address the .env sets is reachable from outside: the port notes and one check cite its line', () => {
    const r = compose(PORTS, '# where mailhog listens\nLISTEN_IP=0.0.0.0\n');
    assert.deepEqual(flowSet(r.draft), ['clients -> mailhog', 'clients -> mailhog']);
    assert.deepEqual(r.draft.flows.map((f) => f.evidence[0].provenance.note).sort(), [
      'ports 0.0.0.0:1025:1025 (LISTEN_IP set in .env:2)',
      'ports 0.0.0.0:8025:8025 (LISTEN_IP set in .env:2)',
    ]);
    assert.deepEqual(checks(r), ['compose.yaml:5 service mailhog publishes on ${LISTEN_IP}, which .env:2 sets to 0.0.0.0: mailhog is reachable from outside (ports 8025:8025, 1025:1025)']);
    assert.ok(r.draft.sources.some((s) => s.file === '.env' && s.format === 'env file'));
  });

  it('a loopback address the .env sets is host-only, with no caveat about a deployment setting it', () => {
    const r = compose(PORTS, 'LISTEN_IP=127.0.0.1\n');
    assert.deepEqual(flowSet(r.draft), ['local -> mailhog', 'local -> mailhog']);
    assert.equal(flowOf(r.draft, 'local', 'mailhog').evidence[0].provenance.note, 'ports 127.0.0.1:1025:1025 (loopback: reachable from this host only; LISTEN_IP set in .env:1)');
    assert.deepEqual(checks(r), []);
  });

  it('a .env that does not set the variable (or sets it empty) leaves the default and its check', () => {
    for (const dotEnv of [undefined, 'OTHER=1\n', 'LISTEN_IP=\n']) {
      const r = compose(PORTS, dotEnv);
      assert.deepEqual(flowSet(r.draft), ['local -> mailhog', 'local -> mailhog'], dotEnv);
      assert.match(checks(r).join('\n'), /publishes on \$\{LISTEN_IP\} \(default 127\.0\.0\.1\): if a deployment sets it/, dotEnv);
    }
  });

  it('a published port the .env names is read; unset, Docker picks the host port as before', () => {
    const text = 'services:\n  api:\n    image: node:20\n    ports: ["${API_PORT}:3000"]\n';
    assert.equal(compose(text, 'API_PORT=8080\n').draft.flows[0].evidence[0].port, 8080);
    assert.equal(compose(text).draft.flows[0].evidence[0].port, undefined);
  });
});

describe('compose .env: secrets and hosts', () => {
  const API = (environment: string) => `services:\n  api:\n    image: example/api:\${TAG}\n    command: ["serve", "--token", "\${API_TOKEN}"]\n    environment:\n${environment}  worker:\n    image: example/worker:\${API_TOKEN:-none}\n  db:\n    image: postgres:16\n`;
  const DOTENV = 'TAG=1.4\nAPI_TOKEN=tok-abcdefghijklmnop\nJWT_SECRET=abc\nDB_HOST=db\n';

  it('a signing key an environment entry takes from the .env is a literal in the repository, cited at the .env line', () => {
    const r = compose(API('      JWT_SECRET: ${JWT_SECRET}\n'), DOTENV);
    assert.deepEqual(checks(r).map((c) => c.split(', the key')[0]), ['.env:3 service api sets JWT_SECRET']);
    const api = elementOf(r.draft, 'api');
    assert.deepEqual(api.facts?.map((f) => `${f.tag} ${f.provenance.file}:${f.provenance.line} ${f.provenance.note?.split(':')[0]}`),
      ['token-signing-key .env:3 environment JWT_SECRET, set from JWT_SECRET in .env (a literal of 3 characters, guessable)']);
  });

  it('a KEY with no value passes the .env value; a URL holding a .env password is cited there too', () => {
    const r = compose(API('      - JWT_SECRET\n      - DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n'), `${DOTENV}DB_PASSWORD=s3cr3t-from-dotenv\n`);
    assert.deepEqual(checks(r).map((c) => c.split(' to ')[0].split(', the key')[0]), ['.env:3 service api sets JWT_SECRET', '.env:5 service api sets DATABASE_URL']);
  });

  it('a .env secret no environment entry takes is not checked, and is never written into the draft', () => {
    const r = compose(API('      DB_HOST: ${DB_HOST}\n'), DOTENV);
    assert.deepEqual(checks(r), []);
    const yaml = draftToYaml(r.draft);
    assert.doesNotMatch(yaml, /tok-abcdefghijklmnop|abc\b/);
    assert.match(yaml, /image example\/api:1\.4\n/);
    // A secret reads as unset outside `environment:`: the image takes its default.
    assert.match(yaml, /image example\/worker:none\n/);
  });

  it('a host an environment entry takes from the .env becomes a flow, its note citing the .env line', () => {
    const r = compose(API('      DB_HOST: ${DB_HOST}\n'), DOTENV);
    assert.equal(flowOf(r.draft, 'api', 'db').evidence[0].provenance.note, 'environment DB_HOST (DB_HOST set in .env:4)');
    assert.deepEqual(flowSet(compose(API('      DB_HOST: ${DB_HOST}\n')).draft), []);
  });
});

describe('threatmap discover: the .env beside a compose file', () => {
  function repository(ignored: boolean): string {
    const top = tempFolder('threatmap-dotenv-');
    writeFileSync(join(top, 'compose.yaml'), 'services:\n  app:\n    image: example/app\n    ports: ["${LISTEN_IP:-127.0.0.1}:8080:8080"]\n    environment:\n      JWT_SECRET: ${JWT_SECRET}\n');
    writeFileSync(join(top, '.env'), 'LISTEN_IP=0.0.0.0\nJWT_SECRET=committed-signing-key\n');
    if (ignored) writeFileSync(join(top, '.gitignore'), 'node_modules/\n.env\n');
    return top;
  }

  it('reads a .env the repository holds: the port is public, the signing key checked, its value never printed', () => {
    const r = run('discover', repository(false));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# {3}\.env \(env file\)$/m);
    assert.match(r.stdout, /^ {2}# compose\.yaml:4 ports 0\.0\.0\.0:8080:8080 \(LISTEN_IP set in \.env:1\)\n {2}- clients -> app:/m);
    assert.match(r.stdout, /^# Check: \.env:2 service app sets JWT_SECRET, the key that signs its tokens/m);
    assert.doesNotMatch(r.stdout + r.stderr, /committed-signing-key/);
  });

  it('leaves a git-ignored .env alone: a developer\'s own is not the repository\'s', () => {
    const r = run('discover', repository(true));
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\.env \(env file\)|JWT_SECRET/);
    assert.match(r.stdout, /^ {2}- host-clients -> app:/m);
  });
});
