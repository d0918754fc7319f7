// Session 22 (idp-offshelf): an identity provider we run as shipped (Keycloak, Cognito, Dex...) is off-the-shelf
// software: its queries and error pages are its vendor's code, so neither SQL injection from it into its own
// database nor verbose errors are our findings; application code calling the same database still is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TECHNOLOGIES } from '../../src/model/catalog.js';
import { threatsIn } from './harness.js';

const model = (idp: string) =>
  'boundaries:\n  internet: { trust: untrusted }\n  cluster: { trust: internal }\n' +
  'assets:\n  creds: { name: Credentials, type: credentials, classification: restricted }\n' +
  `elements:\n  customer: { tech: browser, in: internet }\n  idp: { tech: ${idp}, in: cluster, handles: [creds] }\n  kc-db: { tech: postgres, in: cluster, stores: [creds] }\n` +
  'flows:\n  - customer -> idp: https\n  - idp -> kc-db: { protocol: postgres+tls, auth: password }\n';

describe('identity providers run as shipped', () => {
  it('are off-the-shelf in the catalogue, hosted ones aside', () => {
    for (const tech of ['keycloak', 'cognito', 'dex', 'authentik', 'zitadel', 'authelia', 'pingfederate']) assert.ok(TECHNOLOGIES[tech].traits?.includes('off-the-shelf'), tech);
    assert.ok(!TECHNOLOGIES.okta.traits?.includes('off-the-shelf'));
  });

  it('get no sql-injection or verbose-errors finding of ours', () => {
    assert.deepEqual(threatsIn(model('keycloak'), 'sql-injection', 'verbose-errors'), []);
  });

  it('while our own application reaching the same database still does', () => {
    const found = threatsIn(model('node'), 'sql-injection', 'verbose-errors').map((t) => t.ruleId).sort();
    assert.deepEqual(found, ['sql-injection', 'verbose-errors']);
  });
});
