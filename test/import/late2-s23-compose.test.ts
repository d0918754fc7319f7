// Session 23, task late2: a `depends_on` to a second store of the type the service's settings already name is no
// flow (it orders start-up, nothing more), and the holder of a literal JWT signing key takes JWTs (`auth: jwt`), so
// that forgeable-tokens judges the key on a compose file alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { type Draft, type DraftElement, draftToYaml, mergeDrafts, tokenAuth } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { corpusDir } from '../corpus.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

function draftOf(text: string, file = 'docker-compose.yml'): Draft {
  const r = discoverCompose(text, file, { project: 'app' });
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return mergeDrafts([r.draft]);
}

function analyzed(draft: Draft) {
  const text = draftToYaml(draft, { output: 'threatmap.yaml' });
  const loaded = loadModel(text, 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { text, result: analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics }) };
}

const threatsOf = (draft: Draft, rule: string) => analyzed(draft).result.threats.filter((t) => t.ruleId === rule);

const identityWith = (environment: string[], dependsOn: string[], extra: string[] = []) => [
  'services:',
  '  identity:',
  '    image: crapi/crapi-identity:1.0',
  '    ports:',
  '      - "8080:8080"',
  ...(environment.length ? ['    environment:', ...environment.map((e) => `      - ${e}`)] : []),
  ...(dependsOn.length ? ['    depends_on:', ...dependsOn.map((d) => `      - ${d}`)] : []),
  ...extra,
  '  postgresdb:',
  '    image: postgres:14',
  '    environment:',
  '      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}',
  '  mongodb:',
  '    image: mongo:4.4',
  '    environment:',
  '      - MONGO_INITDB_ROOT_USERNAME=admin',
  '      - MONGO_INITDB_ROOT_PASSWORD=${MONGO_PASSWORD}',
  '  redis:',
  '    image: redis:7',
  '    command: redis-server --requirepass ${REDIS_PASSWORD}',
  '',
].join('\n');

describe('late2-s23: depends_on to a second store of the same type', () => {
  it('is no flow when the settings name a database another way, and the header says it was left out', () => {
    // The review's repro (m3): DB_HOST names postgresdb; depends_on also names mongodb.
    const draft = draftOf(identityWith(['DB_HOST=postgresdb', 'DB_PASSWORD=${DB_PASSWORD}'], ['postgresdb', 'mongodb']));
    assert.deepEqual(flowSet(draft), ['clients -> identity', 'identity -> postgresdb']);
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.provenance.file, o.provenance.line]), [['flow identity -> mongodb', 'docker-compose.yml', 11]]);
    assert.match(draft.omitted[0].reason, /depends_on orders start-up only, and identity's settings name postgresdb as its database/);
    const { text, result } = analyzed(draft);
    assert.match(text, /# Left out:\n# {3}flow identity -> mongodb: .*\(docker-compose\.yml:11 depends_on\); add the flow if identity does connect to mongodb/);
    assert.ok(!/identity -> mongodb/.test(text.split('\nflows:')[1] ?? ''), text);
    assert.deepEqual(result.threats.filter((t) => t.ruleId === 'nosql-injection').map((t) => t.component), []);
    assert.ok(result.threats.some((t) => t.ruleId === 'sql-injection'), 'the database it does use is still judged');
  });

  it('stays a flow when the settings name no store at all', () => {
    const draft = draftOf(identityWith(['LOG_LEVEL=debug'], ['postgresdb', 'mongodb']));
    assert.deepEqual(flowSet(draft), ['clients -> identity', 'identity -> mongodb', 'identity -> postgresdb']);
    assert.equal(flowOf(draft, 'identity', 'mongodb').auth, 'password'); // the server's root password, as before
    assert.deepEqual(draft.omitted, []);
    assert.ok(threatsOf(draft, 'nosql-injection').length > 0);
  });

  it('stays a flow to a store of another type (a cache beside the database the settings name)', () => {
    const draft = draftOf(identityWith(['DB_HOST=postgresdb'], ['postgresdb', 'redis']));
    assert.deepEqual(flowSet(draft), ['clients -> identity', 'identity -> postgresdb', 'identity -> redis']);
    assert.deepEqual(draft.omitted, []);
  });

  it('stays a flow when the settings name that store too, or a link gives its host name', () => {
    const named = draftOf(identityWith(['DB_HOST=postgresdb', 'MONGO_HOST=mongodb'], ['postgresdb', 'mongodb']));
    assert.deepEqual(flowSet(named), ['clients -> identity', 'identity -> mongodb', 'identity -> postgresdb']);
    assert.deepEqual(flowOf(named, 'identity', 'mongodb').evidence.map((e) => e.provenance.note), ['environment MONGO_HOST', 'depends_on']);
    const linked = draftOf(identityWith(['DB_HOST=postgresdb'], ['postgresdb'], ['    links:', '      - mongodb']));
    assert.deepEqual(flowSet(linked), ['clients -> identity', 'identity -> mongodb', 'identity -> postgresdb']);
    assert.deepEqual(linked.omitted, []);
  });

  it('counts a database outside the files that a setting names (a managed one) as the one the service uses', () => {
    const draft = draftOf(identityWith(['DATABASE_URL=postgres://app:${PW}@db.abc123.eu-west-1.rds.amazonaws.com:5432/app'], ['postgresdb']));
    assert.deepEqual(flowSet(draft), ['clients -> identity', 'identity -> db.abc123.eu-west-1.rds.amazonaws.com']);
    assert.deepEqual(draft.omitted.map((o) => o.key), ['flow identity -> postgresdb']);
    assert.match(draft.omitted[0].reason, /name db\.abc123\.eu-west-1\.rds\.amazonaws\.com as its database/);
  });
});

const JWT_SERVICE = ['services:', '  identity:', '    image: example/identity:1.0', '    environment:', '      - JWT_SECRET=crapi', '    ports:', '      - "8080:8080"', ''].join('\n');

describe('late2-s23: the holder of a literal JWT signing key takes JWTs', () => {
  it('is drafted `auth: jwt`, citing the key, and forgeable-tokens finds the key Critical on the compose file alone', () => {
    // The review's repro (m6).
    const draft = draftOf(JWT_SERVICE);
    assert.deepEqual(tokenAuth(elementOf(draft, 'identity')), { method: 'jwt', provenance: { file: 'docker-compose.yml', line: 5 } });
    const { text, result } = analyzed(draft);
    assert.match(text, /# auth jwt: holds the key its tokens are signed with \(docker-compose\.yml:5\), so it issues them and checks them on its callers/);
    assert.match(text, /identity: \{ type: service, auth: jwt, in: app, tags: \[ token-signing-key:docker-compose\.yml:5 \] \}/);
    const forged = result.threats.filter((t) => t.ruleId === 'forgeable-tokens');
    assert.deepEqual(forged.map((t) => [t.component, t.risk]), [['identity', 'Critical']]);
  });

  it('is not drafted for a key taken from the environment, nor for a framework session key', () => {
    for (const setting of ['JWT_SECRET=${JWT_SECRET}', 'SECRET_KEY=crapi']) {
      const draft = draftOf(JWT_SERVICE.replace('JWT_SECRET=crapi', setting));
      assert.equal(tokenAuth(elementOf(draft, 'identity')), undefined, setting);
      const { text, result } = analyzed(draft);
      assert.ok(!/auth: jwt/.test(text), text);
      assert.deepEqual(result.threats.filter((t) => t.ruleId === 'forgeable-tokens').map((t) => t.component), [], setting);
    }
  });

  it('gives way to what the element says of its callers: its own client auth, an API spec\'s operations; never on a store', () => {
    const key = { tag: 'token-signing-key', provenance: { file: 'docker-compose.yml', line: 5 } };
    const base: DraftElement = { key: 'identity', id: 'identity', aliases: [], provenance: [], facts: [key] };
    assert.deepEqual(tokenAuth(base)?.method, 'jwt');
    const at = { file: 'docker-compose.yml', line: 3 };
    assert.equal(tokenAuth({ ...base, clientAuth: { method: 'api-key', provenance: at } }), undefined);
    assert.equal(tokenAuth({ ...base, requiresPassword: at }), undefined);
    assert.equal(tokenAuth({ ...base, identity: { tech: 'postgres' } }), undefined);
    assert.equal(tokenAuth({ ...base, facts: [] }), undefined);
    const spec = { ...base, endpoints: [{ key: 'GET /users', auth: 'api-key', provenance: [at] }] };
    assert.equal(tokenAuth(spec), undefined);
    // The operations' own auth is written, not overridden.
    const text = draftToYaml({ ...mergeDrafts([]), elements: [spec] });
    assert.match(text, /auth: api-key/);
    assert.ok(!/auth: jwt/.test(text), text);
    // Routes a proxy declared and public operations say nothing of the service's own check.
    const routed = { ...base, endpoints: [{ key: 'GET /api', routed: true, provenance: [at] }, { key: 'GET /health', public: true, provenance: [at] }] };
    assert.equal(tokenAuth(routed)?.method, 'jwt');
  });
});

describe('late2-s23: the crAPI corpus compose file', () => {
  const corpus = corpusDir('compose');
  it('draws no crapi-identity -> mongodb flow, and finds its JWT key forgeable', { skip: corpus === undefined }, () => {
    const file = 'crapi.docker-compose.yml';
    const draft = draftOf(readFileSync(join(corpus!, file), 'utf8'), file);
    assert.ok(!flowSet(draft).includes('crapi-identity -> mongodb'));
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.provenance.line]), [['flow crapi-identity -> mongodb', 54]]);
    // The other services name mongodb in their settings: their flows stay.
    for (const from of ['crapi-community', 'crapi-workshop', 'mailhog']) flowOf(draft, from, 'mongodb');
    const { result } = analyzed(draft);
    // Session 24: High, not Critical: crapi-web is published on LISTEN_IP's loopback default, so no caller is on the internet.
    assert.deepEqual(result.threats.filter((t) => t.ruleId === 'forgeable-tokens').map((t) => [t.component, t.risk]), [['crapi-identity', 'High']]);
    assert.ok(!result.threats.some((t) => t.ruleId === 'nosql-injection' && t.component === 'crapi-identity'));
  });
});
