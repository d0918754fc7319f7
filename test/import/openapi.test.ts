// Reading OpenAPI 3.x and Swagger 2.0 specs: operations become endpoints with their authentication.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addOutsideCaller, draftToYaml, emptyDraft, mergeDrafts } from '../../src/import/draft.js';
import { discoverOpenApi, isPublicHost, placeApi } from '../../src/import/openapi.js';
import { loadModel } from '../../src/model/load.js';

const SPEC = `openapi: 3.1.0
info: { title: Shop API, version: "1" }
servers: [{ url: "https://api.shop.example.com/v1" }]
security: [{ jwt: [] }]
paths:
  /login:
    post: { security: [] }
  /avatar:
    post:
      requestBody:
        content: { multipart/form-data: {} }
  /users/{id}:
    get: {}
    delete: { deprecated: true, security: [{ basic: [] }] }
  /maybe:
    get: { security: [{ key: [] }, {}] }
  /keyed:
    get: { security: [{ key: [] }] }
  /oauth-token:
    post: { security: [{ oauth: [] }] }
  /oidc:
    get: { security: [{ oidc: [] }] }
  /mtls:
    get: { security: [{ cert: [] }] }
  /opaque:
    get: { security: [{ opaque: [] }] }
components:
  securitySchemes:
    jwt: { type: http, scheme: bearer, bearerFormat: JWT }
    basic: { type: http, scheme: basic }
    key: { type: apiKey, name: X-Key, in: header }
    oauth: { type: oauth2, flows: { password: { tokenUrl: /oauth-token, scopes: {} } } }
    oidc: { type: openIdConnect, openIdConnectUrl: https://id.example.com/.well-known/openid-configuration }
    cert: { type: mutualTLS }
    opaque: { type: http, scheme: bearer }
`;

const byKey = (r: ReturnType<typeof discoverOpenApi>) => new Map((r.api?.endpoints ?? []).map((e) => [e.key, e]));

describe('discoverOpenApi', () => {
  it('drafts one endpoint per operation with its position, kind and auth', () => {
    const r = discoverOpenApi(SPEC, 'api.yaml');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.api?.key, 'shop-api');
    assert.deepEqual(r.api?.identity, { type: 'api' });
    const eps = byKey(r);
    assert.deepEqual([...eps.keys()], ['POST /login', 'POST /avatar', 'GET /users/{id}', 'DELETE /users/{id}', 'GET /maybe', 'GET /keyed',
      'POST /oauth-token', 'GET /oidc', 'GET /mtls', 'GET /opaque']);
    assert.deepEqual(eps.get('POST /login'), { key: 'POST /login', public: true, provenance: [{ file: 'api.yaml', line: 7 }] });
    // /avatar says nothing of uploads; its multipart body does.
    assert.equal(eps.get('POST /avatar')?.kind, 'upload');
    assert.equal(eps.get('POST /avatar')?.auth, 'jwt');
    assert.equal(eps.get('GET /users/{id}')?.auth, 'jwt');
    assert.deepEqual(eps.get('DELETE /users/{id}')?.provenance, [{ file: 'api.yaml', line: 14, note: 'deprecated' }]);
    assert.equal(eps.get('DELETE /users/{id}')?.auth, 'basic');
    assert.equal(eps.get('GET /maybe')?.public, true, 'an empty requirement among the alternatives');
    assert.equal(eps.get('GET /keyed')?.auth, 'api-key');
    assert.equal(eps.get('POST /oauth-token')?.auth, 'oauth2');
    assert.equal(eps.get('POST /oauth-token')?.kind, 'login', 'the OAuth2 tokenUrl');
    assert.equal(eps.get('GET /oidc')?.auth, 'oidc');
    assert.equal(eps.get('GET /mtls')?.auth, 'mtls');
    assert.equal(eps.get('GET /opaque')?.auth, 'bearer');
    assert.equal(r.servers[0]?.host, 'api.shop.example.com');
  });

  it('reads Swagger 2.0 in JSON: securityDefinitions, host, formData files', () => {
    const spec = JSON.stringify({
      swagger: '2.0', info: { title: 'Old', version: '1' }, host: 'old.example.com', basePath: '/v2', schemes: ['http', 'https'],
      securityDefinitions: { b: { type: 'basic' }, k: { type: 'apiKey', in: 'query', name: 'k' } },
      security: [{ b: [] }],
      paths: {
        '/photo': { post: { parameters: [{ in: 'formData', name: 'f', type: 'file' }] } },
        '/ping': { get: { security: [{ k: [] }] } },
      },
    }, null, 2);
    const r = discoverOpenApi(spec, 'old.json');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.version, 'Swagger 2.0');
    const eps = byKey(r);
    assert.deepEqual([...eps.values()].map((e) => [e.key, e.auth, e.kind]), [['POST /photo', 'basic', 'upload'], ['GET /ping', 'api-key', undefined]]);
    assert.equal(eps.get('POST /photo')?.provenance[0].line, 30);
    assert.deepEqual({ scheme: r.servers[0].scheme, host: r.servers[0].host, basePath: r.servers[0].basePath }, { scheme: 'https', host: 'old.example.com', basePath: '/v2' });
  });

  it('an operation taking a URL the server calls is a fetch: by field name, format or example value, in a body or a parameter', () => {
    const spec = `openapi: 3.0.3
info: { title: Hooks, version: "1" }
paths:
  /subscriptions:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Hook" }
  /items/{id}:
    parameters: [{ name: feedUrl, in: query, schema: { type: string } }]
    put: {}
  /links:
    parameters: [{ name: url, in: query, schema: { type: string } }]
    get: {}
  /diagnose:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { target: { type: string } } }
            example: { target: "http://internal:8000/api", count: 2 }
  /nested:
    post:
      requestBody:
        content:
          application/json:
            schema:
              allOf:
                - { type: object, properties: { name: { type: string } } }
                - { type: object, properties: { source: { type: object, properties: { location: { type: string, format: uri } } } } }
  /plain:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { name: { type: string, example: 3 }, curl: { type: string }, url: { type: string, readOnly: true } } }
  /plainquery:
    get:
      parameters: [{ name: X-Callback-Url, in: header, schema: { type: string } }, { name: q, in: query, example: "cats" }]
  /oauth/callback:
    get:
      parameters: [{ name: redirect_uri, in: query, schema: { type: string } }]
  /media:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object, properties: { file: { type: string, format: binary }, source_url: { type: string } } }
components:
  schemas:
    Hook: { type: object, properties: { events: { type: array }, callbackUrl: { type: string } } }
`;
    const r = discoverOpenApi(spec, 'hooks.yaml');
    assert.deepEqual(r.diagnostics, []);
    const eps = byKey(r);
    const fetch = (key: string) => ({ kind: eps.get(key)?.kind, note: eps.get(key)?.provenance[0].note });
    assert.deepEqual(fetch('POST /subscriptions'), { kind: 'fetch', note: 'takes a URL in `callbackUrl`' }, 'a property named for a URL, through $ref');
    assert.deepEqual(fetch('PUT /items/{id}'), { kind: 'fetch', note: 'takes a URL in `feedUrl`' }, 'a query parameter of the path item');
    assert.deepEqual(fetch('GET /links'), { kind: 'fetch', note: 'takes a URL in `url`' }, 'a URL as the only input');
    assert.deepEqual(fetch('POST /diagnose'), { kind: 'fetch', note: 'takes a URL in `target`' }, 'the body example gives a URL');
    assert.deepEqual(fetch('POST /nested'), { kind: 'fetch', note: 'takes a URL in `source.location`' }, 'format: uri, nested in allOf');
    // No URL field: a name merely ending in `url`, a read-only `url`, a header, a numeric example.
    assert.deepEqual(fetch('POST /plain'), { kind: undefined, note: undefined });
    assert.deepEqual(fetch('GET /plainquery'), { kind: undefined, note: undefined });
    // A path that says what it is keeps its kind: an OAuth callback's redirect_uri, an upload's source.
    assert.equal(eps.get('GET /oauth/callback')?.kind, undefined);
    assert.equal(eps.get('POST /media')?.kind, 'upload');
  });

  it('links the server keeps are no fetch: lists of links, pictures, response and read-only fields, a URL among other inputs', () => {
    const spec = `openapi: 3.0.3
info: { title: Pets, version: "1" }
paths:
  /pets:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: { type: string }
                photoUrls: { type: array, items: { type: string } }
                links: { type: array, items: { type: string, format: uri } }
                avatar_url: { type: string, format: uri }
                id: { type: string, format: uri, readOnly: true }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object, properties: { callbackUrl: { type: string } } } } } }
  /items/{id}:
    parameters: [{ name: imageUrl, in: query, schema: { type: string } }]
    put: {}
  /bookmarks:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { url: { type: string }, title: { type: string }, tags: { type: string } } }
  /profiles:
    post:
      operationId: importProfile
      summary: Import a profile from another site
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { name: { type: string }, avatar_url: { type: string, format: uri } } }
`;
    const r = discoverOpenApi(spec, 'pets.yaml');
    assert.deepEqual(r.diagnostics, []);
    const kinds = [...byKey(r).values()].map((e) => `${e.key} ${e.kind ?? '-'}`);
    // Only the operation that says it imports fetches the avatar it is given.
    assert.deepEqual(kinds, ['POST /pets -', 'PUT /items/{id} -', 'POST /bookmarks -', 'POST /profiles fetch']);
    assert.equal(byKey(r).get('POST /profiles')?.provenance[0].note, 'takes a URL in `avatar_url`');
  });

  it('a Swagger 2 body parameter taking a URL is a fetch', () => {
    const spec = JSON.stringify({
      swagger: '2.0', info: { title: 'Old', version: '1' },
      paths: {
        '/feeds': { post: { parameters: [{ in: 'body', name: 'body', schema: { type: 'object', properties: { feed: { type: 'string', format: 'url' } } } }] } },
        '/note': { post: { parameters: [{ in: 'body', name: 'body', schema: { type: 'object', properties: { text: { type: 'string' } } } }] } },
      },
    });
    const eps = byKey(discoverOpenApi(spec, 'old.json'));
    assert.equal(eps.get('POST /feeds')?.kind, 'fetch');
    assert.equal(eps.get('POST /note')?.kind, undefined);
  });

  it('an operation level `security` overrides the global one, and no security at all is public', () => {
    const r = discoverOpenApi('openapi: 3.0.0\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get: {}\n', 'a.yaml');
    assert.equal(byKey(r).get('GET /a')?.public, true);
  });

  it('reports bad input with file, line and column, and never throws', () => {
    const bad = discoverOpenApi('openapi: 3.0.0\npaths:\n  /a: [\n', 'bad.yaml');
    assert.ok(bad.diagnostics.some((d) => d.severity === 'error' && d.file === 'bad.yaml' && d.line >= 1 && d.col >= 1));
    assert.equal(bad.api, undefined);
    const notSpec = discoverOpenApi('openapi: 2.5\n', 'x.yaml');
    assert.match(notSpec.diagnostics[0].message, /not an OpenAPI 3\.x or Swagger 2\.0 spec/);
    assert.equal(notSpec.diagnostics[0].line, 1);
    const unknown = discoverOpenApi('openapi: 3.0.0\ninfo: {title: t}\nsecurity: [{nope: []}]\npaths:\n  /a:\n    get: {}\n', 'u.yaml');
    assert.equal(unknown.diagnostics[0].code, 'unknown-security-scheme');
    assert.equal(unknown.diagnostics[0].line, 3);
    for (const text of ['', '[]', '"x"', 'openapi: 3.0.0\npaths: 5', 'openapi: 3.0.0\npaths:\n  /a: 7\n  /b:\n    get: 3',
      'openapi: 3.0.0\nsecurity: 4\ncomponents: {securitySchemes: 3}\npaths: {/a: {get: {security: [3, [1]], requestBody: {$ref: "#/x/y"}}}}',
      `${'['.repeat(20000)}`, '{"openapi": "3.0.0", "paths": {"/a": {"get": {"security": [{}]}}}}']) {
      assert.doesNotThrow(() => discoverOpenApi(text, 'f.yaml'));
    }
  });

  it('is deterministic', () => {
    assert.deepEqual(discoverOpenApi(SPEC, 'api.yaml'), discoverOpenApi(SPEC, 'api.yaml'));
  });

  it('knows public hosts', () => {
    for (const h of ['api.example.com', '8.8.8.8']) assert.ok(isPublicHost(h), h);
    for (const h of ['localhost', '127.0.0.1', '10.1.2.3', '192.168.1.1', '172.20.0.1', 'identity', 'db.shop.svc.cluster.local', undefined]) assert.ok(!isPublicHost(h), String(h));
  });
});

describe('placeApi', () => {
  const base = () => {
    const d = emptyDraft();
    d.elements.push({ key: 'web', id: 'web', aliases: ['frontend'], provenance: [{ file: 'compose.yaml', line: 2 }] });
    d.elements.push({ key: 'identity', id: 'identity', aliases: [], provenance: [{ file: 'compose.yaml', line: 5 }] });
    addOutsideCaller(d, 'web', { provenance: { file: 'compose.yaml', line: 3 }, port: 8888 });
    return mergeDrafts([d]);
  };
  const spec = (server: string, paths = '  /a:\n    get: {}\n') => discoverOpenApi(`openapi: 3.0.0\ninfo: {title: My API}\nservers: [{url: "${server}"}]\npaths:\n${paths}`, 'spec.yaml');

  it('puts the endpoints on the element a server host names, an alias included', () => {
    const d = base();
    assert.deepEqual(placeApi(d, spec('http://frontend:80'), []), { key: 'web', reason: 'its server http://frontend:80 names it' });
    assert.deepEqual(d.elements.find((e) => e.key === 'web')?.endpoints?.map((e) => e.key), ['GET /a']);
  });

  it('a loopback server goes to the element publishing its port; else the folder; else a new element', () => {
    assert.equal(placeApi(base(), spec('http://localhost:8888'), ['x'])?.key, 'web');
    assert.equal(placeApi(base(), spec('http://localhost:9999'), ['services', 'identity'])?.key, 'identity');
    const d = base();
    const p = placeApi(d, spec('https://api.example.com'), ['docs']);
    assert.equal(p?.key, 'my-api');
    assert.ok(d.flows.some((f) => f.to === 'my-api' && f.protocol === 'https'));
    const local = base();
    placeApi(local, spec('http://my-api'), []);
    assert.ok(!local.flows.some((f) => f.to === 'my-api'), 'a single-label host is not public');
  });

  it('two specs for one element merge; the same key twice: the later wins, both places kept', () => {
    const d = base();
    placeApi(d, spec('http://web', '  /a:\n    get: {}\n  /b:\n    get: {}\n'), []);
    placeApi(d, discoverOpenApi('openapi: 3.0.0\ninfo: {title: t}\nservers: [{url: "http://web"}]\npaths:\n  /a:\n    get:\n      requestBody: {content: {application/octet-stream: {}}}\n', 'two.yaml'), []);
    const eps = d.elements.find((e) => e.key === 'web')?.endpoints ?? [];
    assert.deepEqual(eps.map((e) => e.key), ['GET /a', 'GET /b']);
    assert.equal(eps[0].kind, 'upload');
    assert.deepEqual(eps[0].provenance.map((p) => p.file), ['spec.yaml', 'two.yaml']);
    const text = draftToYaml(d);
    assert.match(text, /# spec\.yaml:6; two\.yaml:6\n {6}GET \/a: \{ kind: upload, public: true \}/);
    assert.match(text, /GET \/b: \{ public: true \}/);
    const loaded = loadModel(text, 'm.yaml');
    assert.deepEqual(loaded.diagnostics.filter((x) => x.severity === 'error'), []);
  });

  it('writes the shared auth on the element and null for endpoints with nothing to add', () => {
    const d = base();
    placeApi(d, discoverOpenApi(SPEC.replace('https://api.shop.example.com/v1', 'http://identity'), 'api.yaml'), []);
    const text = draftToYaml(d);
    assert.match(text, /GET \/users\/\{id\}: null/);
    assert.match(text, /identity:\n {4}type: service\n {4}auth: jwt\n/);
    assert.match(text, /DELETE \/users\/\{id\}: \{ auth: basic \}/);
    assert.match(text, /# api\.yaml:14 deprecated/);
    const loaded = loadModel(text, 'm.yaml');
    assert.deepEqual(loaded.diagnostics.filter((x) => x.severity === 'error'), []);
    const ids = loaded.model!.elements.find((e) => e.id === 'identity')!;
    assert.equal(ids.endpoints.find((e) => e.key === 'GET /users/{id}')?.auth, 'jwt');
    assert.equal(ids.endpoints.find((e) => e.key === 'POST /login')?.kind, 'login');
  });
});
