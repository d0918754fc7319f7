// The real specs in the shared corpus: OWASP crAPI's (44 operations, bearer JWT) and the Swagger
// petstore's (OAuth2 and an API key), alone and with crAPI's compose file. The corpus is not in the
// repository (a clean clone in CI): then these tests are skipped, and test/import/openapi.test.ts covers
// the same reading on small specs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml, emptyDraft, mergeDrafts } from '../../src/import/draft.js';
import { discoverOpenApi, type OpenApiResult, placeApi } from '../../src/import/openapi.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const CORPUS = corpusDir('', 'openapi');

function read(t: TestContext, file: string): string | undefined {
  if (CORPUS === undefined) {
    t.skip(corpusMissing('openapi/'));
    return undefined;
  }
  return readFileSync(join(CORPUS, file), 'utf8');
}

function spec(t: TestContext, file: string): OpenApiResult | undefined {
  const text = read(t, file);
  if (text === undefined) return undefined;
  const r = discoverOpenApi(text, file.replace(/^.*\//, ''));
  assert.deepEqual(r.diagnostics, [], formatDiagnostics(r.diagnostics));
  return r;
}

describe('corpus: crAPI openapi spec', () => {
  it('44 endpoints, 10 public, jwt on the rest', (t) => {
    const r = spec(t, 'openapi/crapi-openapi-spec.json');
    if (!r) return;
    const eps = r.api?.endpoints ?? [];
    assert.equal(eps.length, 44);
    // 9 operations say `security: []`; GET /workshop/api/shop/return_qr_code says `security: [{}]`, an
    // empty requirement, which OpenAPI reads as "no authentication needed" too: 10 public in all.
    assert.deepEqual(eps.filter((e) => e.public).map((e) => e.key), [
      'POST /identity/api/auth/signup', 'POST /identity/api/auth/login', 'POST /identity/api/auth/forget-password',
      'POST /identity/api/auth/v3/check-otp', 'POST /identity/api/auth/v2/check-otp',
      'POST /identity/api/auth/v4.0/user/login-with-token', 'POST /identity/api/auth/v2.7/user/login-with-token',
      'GET /workshop/api/shop/return_qr_code', 'GET /workshop/api/mechanic/receive_report', 'POST /workshop/api/mechanic/signup',
    ]);
    assert.ok(eps.filter((e) => !e.public).every((e) => e.auth === 'jwt'));
    // Multipart bodies are uploads; a body field the server calls makes a fetch (SSRF): `mechanic_api`, found by its
    // example value (http://localhost:8000/...), names another API. A product's `image_url` (`format: url`) is a
    // picture the browser loads, and a video's `video_url` one field of six of an update that says nothing of
    // fetching: links kept, not fetches.
    assert.deepEqual(eps.filter((e) => e.kind).map((e) => `${e.key} ${e.kind}`), [
      'POST /identity/api/v2/user/pictures upload', 'POST /identity/api/v2/user/videos upload',
      'POST /workshop/api/merchant/contact_mechanic fetch',
    ]);
    assert.equal(eps.find((e) => e.key === 'POST /workshop/api/merchant/contact_mechanic')?.provenance[0].note, 'takes a URL in `mechanic_api`');
    assert.equal(r.servers[0].url, 'http://localhost:8888');
  });

  it('with the crAPI compose file: the spec lands on crapi-web, the proxy publishing port 8888, and its endpoints on the services behind it; analyze finds endpoint threats there, credential stuffing once the login is published beyond the host', (t) => {
    const r = spec(t, 'openapi/crapi-openapi-spec.json');
    const compose = read(t, 'compose/crapi.docker-compose.yml');
    if (!r || compose === undefined) return;
    // The spec's only server is http://localhost:8888: no service is named localhost, but crapi-web
    // publishes 127.0.0.1:8888:80, and its settings name identity, community and workshop, the spec's prefixes.
    const c = discoverCompose(compose, 'crapi.docker-compose.yml', { project: 'crapi' });
    const draft = mergeDrafts([c.draft, r.draft]);
    const placed = placeApi(draft, r, ['openapi']);
    assert.equal(placed?.key, 'crapi-web');
    assert.equal(placed?.reason, 'its server http://localhost:8888 is the port 8888 it publishes');
    assert.deepEqual(placed?.forwarded?.map((s) => [s.key, s.prefixes.join(), s.count, s.setting]), [
      ['crapi-identity', '/identity/', 22, 'IDENTITY_SERVICE'], ['crapi-community', '/community/', 6, 'COMMUNITY_SERVICE'], ['crapi-workshop', '/workshop/', 16, 'WORKSHOP_SERVICE'],
    ]);
    const text = draftToYaml(draft, { output: 'threatmap.yaml' });
    assert.match(text, /crapi-web: \{ type: reverse-proxy, in: crapi \}/);
    assert.match(text, /crapi-identity:\n {4}type: service\n {4}in: crapi\n {4}tags:[^]*?auth: jwt\n {4}endpoints:\n/);
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    const endpoints = (id: string) => loaded.model!.elements.find((e) => e.id === id)!.endpoints;
    assert.deepEqual(['crapi-web', 'crapi-identity', 'crapi-community', 'crapi-workshop'].map((id) => endpoints(id).length), [0, 22, 6, 16]);
    assert.equal(endpoints('crapi-identity').filter((e) => e.public).length, 7);
    // crapi-web publishes on ${LISTEN_IP:-127.0.0.1}: the draft follows the default (local clients only), and a
    // check says what setting the variable opens.
    assert.ok(c.checks.some((ch) => /\$\{LISTEN_IP\} \(default 127\.0\.0\.1\).*ports 8888:80, 8443:443/.test(ch.message)), JSON.stringify(c.checks));
    const stuffingOn = (result: ReturnType<typeof analyze>) => result.threats.filter((th) => th.ruleId === 'credential-stuffing').map((th) => th.endpoint ?? th.component);
    const local = analyze(loaded.model, { source: loaded.source, diagnostics: loaded.diagnostics });
    assert.deepEqual(stuffingOn(local), [], 'nobody outside the host reaches the login');
    // crAPI's API5 flaw: any user may call DELETE /identity/api/v2/admin/videos/{video_id}.
    assert.deepEqual(local.threats.filter((th) => th.ruleId === 'missing-authorization').map((th) => th.component), ['crapi-identity', 'crapi-workshop']);

    // Deployed with LISTEN_IP=0.0.0.0, the login faces the outside: credential stuffing.
    const published = discoverCompose(compose.replaceAll('${LISTEN_IP:-127.0.0.1}:', '0.0.0.0:'), 'crapi.docker-compose.yml', { project: 'crapi' });
    const publishedDraft = mergeDrafts([published.draft, r.draft]);
    placeApi(publishedDraft, r, ['openapi']);
    const open = loadModel(draftToYaml(publishedDraft, { output: 'threatmap.yaml' }), 'threatmap.yaml');
    assert.ok(open.model && !hasErrors(open.diagnostics), formatDiagnostics(open.diagnostics));
    const stuffing = stuffingOn(analyze(open.model, { source: open.source, diagnostics: open.diagnostics }));
    assert.ok(stuffing.some((s) => String(s).includes('crapi-identity:POST /identity/api/auth/login')), JSON.stringify(stuffing));
  });
});

describe('corpus: petstore3 openapi spec', () => {
  it('19 operations: oauth2 mostly, api-key on two, the store and user operations public', (t) => {
    const r = spec(t, 'openapi/petstore3-openapi.yaml');
    if (!r) return;
    const eps = r.api?.endpoints ?? [];
    assert.equal(r.api?.key, 'swagger-petstore-openapi-3-0');
    assert.equal(eps.length, 19);
    assert.deepEqual(eps.filter((e) => e.auth === 'api-key').map((e) => e.key), ['GET /pet/{petId}', 'GET /store/inventory']);
    assert.equal(eps.filter((e) => e.auth === 'oauth2').length, 7);
    assert.equal(eps.filter((e) => e.public).length, 10);
    assert.equal(eps.find((e) => e.key === 'POST /pet/{petId}/uploadImage')?.kind, 'upload');
    // A pet's `photoUrls` are a list of links the store keeps and browsers load, not an address the server fetches.
    assert.deepEqual(eps.filter((e) => e.kind === 'fetch').map((e) => e.key), []);
    assert.deepEqual(eps.filter((e) => e.kind !== undefined).map((e) => `${e.key} ${e.kind}`), ['POST /pet/{petId}/uploadImage upload']);
    const draft = mergeDrafts([emptyDraft(), r.draft]);
    const placed = placeApi(draft, r, ['openapi']);
    assert.match(placed!.reason, /^a new element named after the spec .*called by outside clients at https:\/\/petstore3\.swagger\.io\/api\/v3$/);
    const text = draftToYaml(draft);
    assert.match(text, /- clients -> swagger-petstore-openapi-3-0: https/);
    assert.match(text, /auth: oauth2\n/);
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });
});
