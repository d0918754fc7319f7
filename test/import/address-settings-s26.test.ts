// Settings whose names hold a secret word but whose values are addresses (`AZURE_KEY_VAULT_URL`, `OAUTH_TOKEN_URL`,
// `--token-endpoint`): discover draws the calls they name, to a key vault or a token endpoint, as for any other
// address. Settings that hold a secret (`API_KEY`, `JWT_SECRET`) still name no host, and their values go nowhere.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { elementOf, flowOf, flowSet, k8sDeployment } from './draft-helpers.js';

const ENVIRONMENT = {
  AZURE_KEY_VAULT_URL: 'https://shop.vault.azure.net/',
  OAUTH_TOKEN_ENDPOINT: 'https://login.partner.com/oauth/token',
  PUBLIC_KEY_URI: 'https://keys.partner.com/jwks.json',
  // A secret: its value is no address, whatever it looks like.
  API_TOKEN: 'https://tok.acme.io',
  JWT_SECRET: 'secrets.leak-host.io',
};
const CALLED = ['api -> keys.partner.com', 'api -> login.partner.com', 'api -> shop.vault.azure.net'];

describe('settings naming secrets that hold addresses', () => {
  it('Compose: each address in `environment:` is a call from the service', () => {
    const env = Object.entries(ENVIRONMENT).map(([k, v]) => `      ${k}: ${v}`).join('\n');
    const r = discoverCompose(`services:\n  api:\n    image: acme/api:1\n    environment:\n${env}\n`, 'compose.yaml');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(flowSet(r.draft), CALLED);
    assert.deepEqual([flowOf(r.draft, 'api', 'shop.vault.azure.net').protocol, flowOf(r.draft, 'api', 'shop.vault.azure.net').evidence[0].provenance.line], ['https', 5]);
  });

  it('Compose: such an address is no secret in the environment, so Docker secrets still count as kept apart', () => {
    const r = discoverCompose(`services:
  api:
    image: acme/api:1
    secrets: [db_password]
    environment:
      AZURE_KEY_VAULT_URL: https://shop.vault.azure.net/
      DB_PASSWORD_FILE: /run/secrets/db_password
secrets:
  db_password: { external: true }
`, 'compose.yaml');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(elementOf(r.draft, 'api').controls?.map((c) => c.control), ['secrets-management']);
    const leaked = discoverCompose(`services:\n  api:\n    image: acme/api:1\n    secrets: [db_password]\n    environment:\n      VAULT_TOKEN: s.abcdefghijklmnopqrstuvwx\nsecrets:\n  db_password: { external: true }\n`, 'compose.yaml');
    assert.equal(elementOf(leaked.draft, 'api').controls, undefined, 'a token in the environment is a secret there');
  });

  it('Kubernetes: in env values and in command-line flags alike', () => {
    const env = Object.entries(ENVIRONMENT).map(([k, v]) => `            - { name: ${k}, value: "${v}" }`).join('\n');
    const manifest = `${k8sDeployment('api', 'acme/api:1')}          args: ["--oauth-token-url=https://sso.partner.com/token", "--api-token=tok.partner.com"]
          env:
${env}
`;
    const r = discoverKubernetes(manifest, 'api.yaml');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(flowSet(r.draft), [...CALLED, 'api -> sso.partner.com'].sort());
  });
});
