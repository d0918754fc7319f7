// Session 23, integration: a route naming one download (`/downloads/{name}`) is no `export` any more (nothing to
// page), but path-traversal still judges it: the name it takes is what a traversal rides on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceFacts, MODEL_HEAD, noThreat, onlyThreat } from './harness.js';

const files = (route: string) => `${MODEL_HEAD}boundaries:
  internet: { trust: untrusted }
elements:
  visitor: { tech: browser, in: internet }
  api:
    type: api
    endpoints:
      "${route}": { auth: jwt }
  share: { tech: nfs }
flows:
  - visitor -> api: https
  - api -> share: nfs
`;

describe('path-traversal on routes naming one download (integrate-s23)', () => {
  it('reports GET /downloads/{name} and /files/{id}/download, which are kind api now', () => {
    for (const route of ['GET /downloads/{name}', 'GET /files/{id}/download']) {
      const t = onlyThreat(files(route).slice(MODEL_HEAD.length), 'path-traversal');
      assert.equal(t.endpoint, `api:${route}`);
      assert.equal(evidenceFacts(t)[0], `${route} downloads one file by name`);
    }
  });

  it('leaves other api routes alone, and still judges export and upload kinds as before', () => {
    noThreat(files('GET /orders/{id}').slice(MODEL_HEAD.length), 'path-traversal');
    const t = onlyThreat(files('GET /exports').slice(MODEL_HEAD.length), 'path-traversal');
    assert.equal(evidenceFacts(t)[0], 'GET /exports is an export endpoint');
  });
});

describe('third-party-data-sharing and credentials on an authenticated call (integrate-s23)', () => {
  const crm = (asset: string) => `assets:
  creds: { name: ${asset}, type: credentials, classification: restricted }
elements:
  api: { type: api, handles: [creds] }
  crm: { type: third-party }
flows:
  - api -> crm: { protocol: https, auth: api-key, data: [creds] }
`;
  it('reports users\' passwords sent along, which are no key the provider issued', () => {
    assert.equal(onlyThreat(crm('User passwords'), 'third-party-data-sharing').title, 'User passwords sent to crm');
  });

  it('leaves out the API key the provider issued for the call', () => {
    noThreat(crm('CRM API key'), 'third-party-data-sharing');
  });
});
