// Session 22 (kinds): a path that says files (`/files`, `/attachments`, `/uploads`, `/import`) makes an upload
// only on an endpoint that can send one: a method with a body (POST, PUT, PATCH), or no methods stated. A read
// (GET, HEAD, OPTIONS) or a DELETE of `/files` is a plain call; `kind: upload` written out stays an upload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferEndpointKind } from '../../src/model/normalize.js';
import { loadText, MODEL_HEAD } from '../rules/harness.js';

/** The kind of each endpoint of each element, as `element key: kind`. */
function kinds(body: string): string[] {
  const { model } = loadText(MODEL_HEAD + body);
  return model.elements.flatMap((e) => e.endpoints.map((ep) => `${e.id} ${ep.key}: ${ep.kind}`));
}

describe('inferEndpointKind with the endpoint\'s methods', () => {
  it('takes no read of a files path for an upload', () => {
    for (const route of ['/files', '/attachments/{id}', '/uploads', '/api/v1/files/{id}', '/import']) {
      for (const methods of [['GET'], ['HEAD'], ['OPTIONS'], ['GET', 'HEAD'], ['DELETE']]) {
        assert.equal(inferEndpointKind(route, methods), 'api', `${methods.join('|')} ${route}`);
      }
    }
  });

  it('keeps an upload for a method with a body, or when no methods are stated', () => {
    for (const methods of [['POST'], ['PUT'], ['PATCH'], ['GET', 'POST'], []]) {
      assert.equal(inferEndpointKind('/files', methods), 'upload', methods.join('|'));
      assert.equal(inferEndpointKind('/attachments/{id}', methods), 'upload', methods.join('|'));
    }
    assert.equal(inferEndpointKind('/uploads'), 'upload');
  });

  it('lets a read of a files path take the kind the rest of its path says', () => {
    assert.equal(inferEndpointKind('/admin/uploads', ['GET']), 'admin');
    assert.equal(inferEndpointKind('/admin/uploads', ['POST']), 'upload');
    assert.equal(inferEndpointKind('/files/export', ['GET']), 'export');
    assert.equal(inferEndpointKind('/files/search', ['GET']), 'search');
  });

  it('leaves the other path hints to the path alone', () => {
    assert.equal(inferEndpointKind('/login', ['GET']), 'login');
    assert.equal(inferEndpointKind('/webhooks/payment', ['POST']), 'webhook');
    assert.equal(inferEndpointKind('/search', ['POST']), 'search');
  });
});

describe('normalize: the kind of an endpoint on a files path', () => {
  it('reads the methods in the key and in `methods:`', () => {
    const body =
      'elements:\n  api:\n    type: api\n    endpoints:\n' +
      '      GET /files: {}\n      GET|HEAD /attachments/{id}: {}\n      POST /files: {}\n      PUT /files/{id}: {}\n' +
      '      /uploads: {}\n      /import: { methods: [get] }\n      /attachments: { methods: [GET, POST] }\n';
    assert.deepEqual(kinds(body), [
      'api GET /files: api',
      'api GET|HEAD /attachments/{id}: api',
      'api POST /files: upload',
      'api PUT /files/{id}: upload',
      'api /uploads: upload',
      'api /import: api',
      'api /attachments: upload',
    ]);
  });

  it('keeps `kind: upload` written on a read', () => {
    const body = 'elements:\n  api:\n    type: api\n    endpoints:\n      GET /files: { kind: upload }\n      /blobs: { kind: upload, methods: [GET] }\n';
    assert.deepEqual(kinds(body), ['api GET /files: upload', 'api /blobs: upload']);
  });

  it('works the kind out per endpoint when the same key has methods of its own on one element only', () => {
    // Keys repeat across elements and normalize reads each once: methods beside one must not reach the other.
    const body =
      'elements:\n  a:\n    type: api\n    endpoints:\n      /files: { methods: [GET] }\n' +
      '  b:\n    type: api\n    endpoints:\n      /files: {}\n' +
      '  c:\n    type: api\n    endpoints:\n      /files: { methods: [GET] }\n';
    assert.deepEqual(kinds(body), ['a /files: api', 'b /files: upload', 'c /files: api']);
  });
});
