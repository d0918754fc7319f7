// unsafe-file-upload says who can upload a crafted file: anyone on a public endpoint, any user who signs in
// on one behind a user credential, only partners or services behind a service credential.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, threatsOf } from '../helpers.js';

const upload = (endpoint: string) => `threatmap: 1
system: { name: Docs }
elements:
  visitor: { tech: browser }
  app:
    type: web-app
    endpoints:
      POST /upload: ${endpoint}
flows:
  - visitor -> app: https
`;

const likelihood = (endpoint: string) => {
  const [t] = threatsOf(analyzeText(upload(endpoint)), 'unsafe-file-upload');
  return `${t.likelihood.level}: ${t.likelihood.reason}`;
};

describe('unsafe-file-upload: who can upload', () => {
  it('anyone on a public upload; any user who signs in behind a user credential', () => {
    assert.equal(likelihood('{ public: true }'), 'High: anyone who can reach the endpoint can upload a crafted file');
    assert.equal(likelihood('{ auth: session-cookie }'), 'High: any user who signs in (session-cookie) can upload a crafted file');
  });

  it('only partners or services behind a service credential', () => {
    assert.equal(likelihood('{ auth: api-key }'), 'Medium: uploaders need a service credential (api-key): partners or services, not any user');
  });
});
