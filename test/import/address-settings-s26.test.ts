// Settings whose names hold a secret word but whose values are addresses (`AZURE_KEY_VAULT_URL`, `OAUTH_TOKEN_URL`,
// `--token-endpoint`): discover draws the calls they name, to a key vault or a token endpoint, as for any other
// address. Settings that hold a secret (`API_KEY`, `JWT_SECRET`) still name no host, and their values go nowhere;
// nor do addresses that are no calls: the service's own (`PUBLIC_URL`), its browsers' (`CORS_ORIGINS`, `REDIRECT_URIS`).
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

  it('addresses that are no calls: the service\'s own, where it sends browsers, who may call it', () => {
    const own = {
      PUBLIC_URL: 'https://api.shop-store.io', NEXTAUTH_URL: 'https://shop-store.io', GF_SERVER_ROOT_URL: 'https://grafana.shop-store.io',
      VIRTUAL_HOST: 'api.shop-store.io', HOSTNAME: 'api1.shop-store.io', FRONTEND_URL: 'https://www.shop-store.io',
      OAUTH_CALLBACK_URL: 'https://api.shop-store.io/cb', REDIRECT_URIS: 'https://a.shop-store.io/cb https://b.shop-store.io/cb',
      CORS_ALLOWED_ORIGINS: '["https://www.shop-store.io"]', ALLOWED_HOSTS: 'api.shop-store.io', CSRF_TRUSTED_ORIGINS: 'https://www.shop-store.io',
      EXTERNAL_HOSTNAME: 'api.shop-store.io', NO_PROXY: 'localhost,metrics.shop-store.io,.internal',
      JWT_AUDIENCE: 'https://aud.shop-store.io', SAML_ENTITY_ID: 'https://sp.shop-store.io/saml',
      CLIENT_URL: 'http://web:3000', WEB_URL: 'https://www.shop-store.io', LOGO_URL: 'https://cdn.shop-store.io/logo.png',
      DOCS_URL: 'https://docs.shop-store.io', PRIVACY_POLICY_URL: 'https://legal.shop-store.io/privacy', SUPPORT_URL: 'https://help.shop-store.io',
      // Calls, for all the words they share with the others.
      DB_HOSTNAME: 'orders-db.shop-store.io', PARTNER_API_URL: 'https://partner-api.io/v2', DOCS_API_URL: 'https://docs-api.io',
    };
    const env = Object.entries(own).map(([k, v]) => `      ${k}: '${v}'`).join('\n');
    const compose = discoverCompose(`services:\n  api:\n    image: acme/api:1\n    environment:\n${env}\n`, 'compose.yaml');
    assert.deepEqual(flowSet(compose.draft), ['api -> docs-api.io', 'api -> orders-db.shop-store.io', 'api -> partner-api.io']);
    const k8s = discoverKubernetes(k8sDeployment('api', 'acme/api:1', `          args: ["--public-url=https://api.shop-store.io", "--upstream-url=https://up.partner-api.io"]
          env:
${Object.entries(own).map(([k, v]) => `            - { name: ${k}, value: '${v}' }`).join('\n')}
`), 'api.yaml');
    assert.deepEqual(flowSet(k8s.draft), ['api -> docs-api.io', 'api -> orders-db.shop-store.io', 'api -> partner-api.io', 'api -> up.partner-api.io']);
  });
});
