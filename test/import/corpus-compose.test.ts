// `discover` on real compose files from public projects (the shared corpus, see its README for origins and
// licences): the facts a correct reading recovers. The corpus sits beside the repository and may be absent
// (a clean clone in CI): then these tests are skipped, and test/import/compose.test.ts covers the same
// rules on fixtures of our own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { type Draft, draftToYaml, HOST_CLIENTS, mergeDrafts } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { flowOf, flowSet } from './draft-helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const CORPUS = corpusDir('compose');

/** The drafted file, or undefined after skipping the test when the corpus is not there. */
function draftOf(t: TestContext, ...files: string[]): Draft | undefined {
  if (CORPUS === undefined) {
    t.skip(corpusMissing('compose/'));
    return undefined;
  }
  const results = files.map((file) => discoverCompose(readFileSync(join(CORPUS, file), 'utf8'), file, { project: 'compose' }));
  for (const r of results) assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return mergeDrafts(results.map((r) => r.draft));
}

const flow = flowOf;

/** Loads the drafted text as `analyze` would, and runs the analysis on it. */
function analyzeDraft(draft: Draft) {
  const text = draftToYaml(draft, { output: 'threatmap.yaml' });
  const loaded = loadModel(text, 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  const result = analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics });
  return { text, loaded, model: loaded.model, result };
}

const kinds = (model: { elements: Array<{ id: string; kind: string }> }) => Object.fromEntries(model.elements.map((e) => [e.id, e.kind]));

describe('corpus: example-voting-app docker-compose.yml', () => {
  it('5 runtime services, seed left out by its profile', (t) => {
    const draft = draftOf(t, 'voting-app.docker-compose.yml');
    if (!draft) return;
    assert.deepEqual(draft.elements.filter((e) => !e.madeUp).map((e) => e.key), ['vote', 'result', 'worker', 'redis', 'db']);
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.provenance.line]), [['seed', 81]]);
  });

  it('flows vote->redis, worker->redis, worker->db, result->db; vote and result published to the host, result\'s debugger to the host alone', (t) => {
    const draft = draftOf(t, 'voting-app.docker-compose.yml');
    if (!draft) return;
    assert.deepEqual(flowSet(draft), ['clients -> result', 'clients -> vote', 'local -> result', 'result -> db', 'vote -> redis', 'worker -> db', 'worker -> redis']);
    assert.deepEqual([flow(draft, 'vote', 'redis').protocol, flow(draft, 'worker', 'db').protocol], ['redis', 'postgres']);
    assert.equal(flow(draft, 'result', 'db').auth, 'password');      // POSTGRES_PASSWORD on db
    assert.equal(flow(draft, 'vote', 'redis').auth, 'none');        // redis:alpine with no password: protected mode off
    const vote = flow(draft, 'clients', 'vote');
    assert.deepEqual([vote.protocol, vote.port, vote.evidence[0].provenance.line], ['http', 8080, 22]);
    const result = flow(draft, 'clients', 'result');
    assert.deepEqual([result.port, result.evidence.map((e) => e.provenance.line)], [8081, [37]]);
    const debug = flow(draft, 'local', 'result');
    assert.deepEqual([debug.port, debug.evidence.map((e) => e.provenance.line)], [9229, [38]]);
    assert.match(debug.evidence[0].provenance.note!, /127\.0\.0\.1:9229:9229 \(loopback/);
    // `entrypoint: nodemon --inspect=0.0.0.0 server.js`: the port is the Node.js inspector's.
    assert.equal(debug.protocol, 'debugger');
    assert.match(debug.evidence[0].provenance.note!, /the Node\.js inspector \(entrypoint --inspect=0\.0\.0\.0\)$/);
  });

  it('two networks in the comments, one project boundary; the model loads and is analysed', (t) => {
    const draft = draftOf(t, 'voting-app.docker-compose.yml');
    if (!draft) return;
    const { text, loaded, model, result } = analyzeDraft(draft);
    assert.match(text, /# voting-app\.docker-compose\.yml:6 build \.\/vote; networks front-tier, back-tier\n {2}vote: \{ type: service, in: compose \}/);
    assert.deepEqual(model.boundaries.map((b) => [b.id, b.trust]), [['outside', 'untrusted'], ['host', 'internal'], ['compose', 'internal']]);
    assert.deepEqual(kinds(model), { clients: 'external', 'host-clients': 'external', vote: 'process', result: 'process', worker: 'process', redis: 'store', db: 'store' });
    // The made-up callers ask to be split into who really calls; the worker pulls from the queue the vote fills.
    assert.deepEqual(loaded.diagnostics.map((d) => `${d.code} ${d.path}`), ['untyped-caller elements.clients', 'untyped-caller elements.host-clients']);
    assert.ok(result.threats.length > 0);
    assert.ok(result.threats.some((t) => t.title.includes('cleartext') && t.title.includes('Outside clients')), result.threats.map((x) => x.title).join('\n'));
  });
});

describe('corpus: example-voting-app docker-stack.yml', () => {
  it('the same 5 services, vote and result published; Swarm replicas kept; no file names the calls between them', (t) => {
    const draft = draftOf(t, 'voting-app.docker-stack.yml');
    if (!draft) return;
    assert.deepEqual(draft.elements.filter((e) => !e.madeUp).map((e) => e.key).sort(), ['db', 'redis', 'result', 'vote', 'worker']);
    assert.deepEqual(flowSet(draft), ['clients -> result', 'clients -> vote']);
    assert.deepEqual(draft.elements.filter((e) => e.replicas !== undefined).map((e) => [e.key, e.replicas]), [['vote', 2], ['worker', 2]]);
    const { model } = analyzeDraft(draft);
    assert.deepEqual(kinds(model), { clients: 'external', redis: 'store', db: 'store', vote: 'process', result: 'process', worker: 'process' });
  });

  it('read with the compose file, it adds its facts to the same elements', (t) => {
    const draft = draftOf(t, 'voting-app.docker-compose.yml', 'voting-app.docker-stack.yml');
    if (!draft) return;
    assert.equal(draft.elements.filter((e) => !e.madeUp).length, 5);
    assert.equal(draft.flows.length, 7);
    assert.equal(draft.elements.find((e) => e.key === 'vote')?.replicas, 2);
    assert.deepEqual(draft.elements.find((e) => e.key === 'vote')?.provenance.map((p) => `${p.file}:${p.line}`),
      ['voting-app.docker-compose.yml:6', 'voting-app.docker-stack.yml:24']);
    analyzeDraft(draft);
  });
});

describe('corpus: OWASP crAPI docker-compose.yml', () => {
  it('8 services; the databases are stores; the gateway named like a host keeps its name as id', (t) => {
    const draft = draftOf(t, 'crapi.docker-compose.yml');
    if (!draft) return;
    assert.deepEqual(draft.elements.filter((e) => !e.madeUp).map((e) => e.key),
      ['crapi-identity', 'crapi-community', 'crapi-workshop', 'crapi-web', 'postgresdb', 'mongodb', 'mailhog', 'api.mypremiumdealership.com']);
    const { model } = analyzeDraft(draft);
    assert.deepEqual(kinds(model), {
      'host-clients': 'external', 'crapi-identity': 'process', 'crapi-community': 'process', 'crapi-workshop': 'process', 'crapi-web': 'process',
      postgresdb: 'store', mongodb: 'store', mailhog: 'process', 'api.mypremiumdealership.com': 'process',
    });
  });

  it('flows come from environment values naming other services (DB_HOST, *_SERVICE, URLs), with their protocols', (t) => {
    const draft = draftOf(t, 'crapi.docker-compose.yml');
    if (!draft) return;
    const note = (from: string, to: string) => flow(draft, from, to).evidence[0].provenance.note;
    assert.equal(note('crapi-identity', 'postgresdb'), 'environment DB_HOST');
    assert.deepEqual([flow(draft, 'crapi-identity', 'postgresdb').protocol, flow(draft, 'crapi-identity', 'postgresdb').auth], ['postgres', 'password']);
    assert.equal(note('crapi-community', 'crapi-identity'), 'environment IDENTITY_SERVICE');
    assert.equal(flow(draft, 'crapi-community', 'crapi-identity').port, 8080); // ${IDENTITY_SERVER_PORT:-8080}
    assert.equal(note('crapi-community', 'mongodb'), 'environment MONGO_DB_HOST');
    for (const target of ['crapi-community', 'crapi-identity', 'crapi-workshop']) assert.equal(note('crapi-web', target), `environment ${target.replace('crapi-', '').toUpperCase()}_SERVICE`);
    assert.deepEqual([flow(draft, 'crapi-identity', 'mailhog').protocol, flow(draft, 'crapi-identity', 'mailhog').port], ['smtp', 1025]); // MAILHOG_HOST + MAILHOG_PORT
    assert.equal(flow(draft, 'crapi-identity', 'api.mypremiumdealership.com').protocol, 'https'); // API_GATEWAY_URL
    assert.equal(flow(draft, 'mailhog', 'mongodb').auth, 'password');          // admin:...@mongodb:27017
    // An application's own DB_PASSWORD is not how its callers log in.
    assert.equal(flow(draft, 'crapi-web', 'crapi-identity').auth, undefined);
    // 18 pairs; crapi-web's two published listeners (8888 -> 80, 8443 -> 443) are a flow each. crapi-identity's
    // `depends_on: mongodb` is no flow: its settings name postgresdb as its database (see late2-s23-compose).
    assert.equal(draft.flows.length, 19);
    assert.ok(!draft.flows.some((f) => f.to.includes('example.com')));       // SMTP_HOST=smtp.example.com is no service
  });

  // Session 24: the draft follows LISTEN_IP's default (127.0.0.1), local clients only, with a check per service for a
  // deployment that sets it to a public address; before, these were outside clients (and mailhog a Critical exposed mail catcher).
  it('crapi-web and mailhog are published on the loopback address unless LISTEN_IP says otherwise: local clients, and a check each; no secret reaches the model', (t) => {
    const draft = draftOf(t, 'crapi.docker-compose.yml');
    if (!draft) return;
    assert.deepEqual(flowSet(draft).filter((f) => f.startsWith('clients') || f.startsWith('local')), ['local -> crapi-web', 'local -> crapi-web', 'local -> mailhog']);
    const web = draft.flows.filter((f) => f.to === 'crapi-web' && f.from === HOST_CLIENTS);
    assert.deepEqual(web.map((f) => [f.protocol, f.port]), [['http', 8888], ['https', 8443]]);
    for (const f of web) assert.ok(f.evidence.every((e) => e.provenance.note!.includes('loopback unless LISTEN_IP is set')), f.evidence.map((e) => e.provenance.note).join());
    assert.deepEqual(draft.limits.filter((l) => l.includes('${LISTEN_IP}')), [
      'Check: crapi.docker-compose.yml:157 service crapi-web publishes on ${LISTEN_IP} (default 127.0.0.1): if a deployment sets it to a public address, crapi-web is reachable from outside (ports 8888:80, 8443:443); the draft follows the default, local clients only',
      'Check: crapi.docker-compose.yml:237 service mailhog publishes on ${LISTEN_IP} (default 127.0.0.1): if a deployment sets it to a public address, mailhog is reachable from outside (port 8025:8025); the draft follows the default, local clients only',
    ]);
    const { text, loaded, result } = analyzeDraft(draft);
    for (const secret of ['crapisecretpassword', 'passw0rd', 'xxxxxxxxxxxxxx']) assert.ok(!text.includes(secret), secret);
    assert.deepEqual(loaded.diagnostics.map((d) => `${d.code} ${d.path}`), ['untyped-caller elements.host-clients']);
    assert.ok(!result.threats.some((x) => x.ruleId === 'exposed-mail-catcher'), 'mailhog is on the loopback address, as its file advises');
  });
});
