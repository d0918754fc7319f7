// Endpoint kinds inferred from paths: the last path word first, then the whole path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferEndpointKind } from '../../src/model/normalize.js';

describe('inferEndpointKind', () => {
  it('reads the last path word before the whole path', () => {
    assert.equal(inferEndpointKind('/api/auth/signup'), 'register');
    assert.equal(inferEndpointKind('/identity/api/auth/login'), 'login');
    assert.equal(inferEndpointKind('/webhooks/payment'), 'webhook');
  });
  it('knows "forget" and "forgot" password as a reset, under an auth path too', () => {
    assert.equal(inferEndpointKind('/identity/api/auth/forget-password'), 'password-reset');
    assert.equal(inferEndpointKind('/forgot-password'), 'password-reset');
    assert.equal(inferEndpointKind('/identity/api/v2/user/reset-password'), 'password-reset');
  });
  it('knows management paths as admin, and not words that only start like it', () => {
    assert.equal(inferEndpointKind('/workshop/api/management/users/all'), 'admin');
    assert.equal(inferEndpointKind('/manage/users'), 'admin');
    assert.equal(inferEndpointKind('/managers/{id}'), 'api');
  });
  it('takes ending a session for a plain call, not a login, under an auth path too', () => {
    for (const path of ['/auth/logout', '/api/auth/sign-out', '/session/logoff', '/user/logout']) assert.equal(inferEndpointKind(path), 'api', path);
    assert.equal(inferEndpointKind('/auth/login'), 'login');
    assert.equal(inferEndpointKind('/auth/token'), 'login');
  });
  it('falls back to api', () => {
    assert.equal(inferEndpointKind('/orders/{id}'), 'api');
  });
});
