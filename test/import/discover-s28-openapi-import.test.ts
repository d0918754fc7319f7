// `POST /import` taking `{ source_url: uri }` as JSON was drafted with no kind, so the model read it as an upload
// from its path: analyze reported unbounded and malicious uploads and no SSRF, while `POST /preview` with the same
// body got the SSRF. An operation given an address and no file is a fetch whatever its path; a real upload stays one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverOpenApi, placeApi } from '../../src/import/openapi.js';
import { loadModel } from '../../src/model/load.js';

const SPEC = `openapi: 3.0.3
info: { title: Feeds, version: "1" }
servers: [ { url: https://feeds.example.com } ]
paths:
  /import:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { source_url: { type: string, format: uri } } }
  /tasks/import/:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { url: { type: string } } }
  /files/import:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object, properties: { file: { type: string, format: binary }, source_url: { type: string, format: uri } } }
  /contacts/import:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { name: { type: string }, email: { type: string } } }
`;

const SWAGGER = `swagger: "2.0"
info: { title: Feeds, version: "1" }
host: feeds.example.com
paths:
  /import:
    post:
      consumes: [application/json]
      parameters:
        - { name: body, in: body, schema: { type: object, properties: { feed_url: { type: string } } } }
  /upload/import:
    post:
      consumes: [multipart/form-data]
      parameters:
        - { name: file, in: formData, type: file }
`;

/** The kind of every endpoint of the spec once the draft is loaded as a model. */
function kinds(spec: string): Map<string, string> {
  const r = discoverOpenApi(spec, 'openapi.yaml');
  assert.deepEqual(r.diagnostics, []);
  placeApi(r.draft, r, []);
  const loaded = loadModel(draftToYaml(r.draft, { output: 'threatmap.yaml' }), 'threatmap.yaml');
  assert.ok(loaded.model, 'the draft loads');
  return new Map(loaded.model.elements.flatMap((el) => el.endpoints).map((e) => [e.key, e.kind]));
}

describe('discover: an import by URL is a fetch', () => {
  it('an operation whose path says import and whose body is an address is a fetch, in OpenAPI 3 and Swagger 2', () => {
    const eps = kinds(SPEC);
    assert.equal(eps.get('POST /import'), 'fetch');
    assert.equal(eps.get('POST /tasks/import/'), 'fetch');
    assert.equal(kinds(SWAGGER).get('POST /import'), 'fetch');
  });

  it('a multipart upload on an import path stays an upload, and an import taking no address keeps its path kind', () => {
    const eps = kinds(SPEC);
    assert.equal(eps.get('POST /files/import'), 'upload');
    assert.equal(eps.get('POST /contacts/import'), 'upload');
    assert.equal(kinds(SWAGGER).get('POST /upload/import'), 'upload');
  });
});
