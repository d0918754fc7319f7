// Keys session 23's review fixes stopped reporting (keys-s23): each retired with its reason, so that a team's decision
// about it is retired, not reported as stale and lost. Each case has the reviewer's model, whose old key goes, and a
// variant where the threat is still reported, so nothing is claimed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

function changeOf(r: AnalysisResult, key: string): string | undefined {
  const c = keyChanges(r, [key]).get(key);
  if (c === undefined) return undefined;
  return c.kind === 'moved' ? `moved ${c.newKey}` : `retired ${c.migration.when}`;
}

/** The old key is gone from the result and the named case retires it. */
function retired(model: string, key: string, when: string): void {
  const r = analyzeText(model);
  assert.ok(!r.threats.some((t) => t.key === key), `${key} is still reported`);
  assert.equal(changeOf(r, key), `retired ${when}`);
}

/** The key is reported, and no migration claims it. */
function stillReported(model: string, key: string): void {
  const r = analyzeText(model);
  assert.ok(r.threats.some((t) => t.key === key), `${key} is not reported: ${r.threats.map((t) => t.key).join(', ')}`);
  assert.equal(changeOf(r, key), undefined);
}

const FIRMWARE = (data: string) => `${HEAD}assets:
  readings: { name: Meter readings, integrity: high }
  firmware: { name: Firmware images, integrity: high }
elements:
  meter: { type: device }
  devmgmt: { type: service, auth: mtls, handles: [firmware] }
flows:
  - meter -> devmgmt: { protocol: https, auth: mtls${data} }
`;

const CORS = (grafana: string) => `${HEAD}boundaries:
  operator: { trust: internal }
  vpc: { trust: internal }
assets:
  commands: { name: Relay commands, integrity: high }
elements:
  operators: { type: user, in: operator }
  grafana: { type: web-app, in: operator${grafana} }
  devmgmt: { type: service, in: vpc, auth: oidc, handles: [commands], controls: [audit-logging] }
flows:
  - operators -> grafana: https
  - operators -> devmgmt: { protocol: https, auth: oidc, data: [commands] }
`;

const SECRETS_ZONE = (auth: string) => `${HEAD}boundaries:
  internet: { trust: untrusted }
  data-vpc: { trust: internal, kind: cloud }
assets:
  tokens: { name: SaaS API tokens, type: credentials, classification: restricted }
elements:
  client: { type: user, in: internet }
  export-api: { tech: lambda, in: data-vpc, auth: api-key }
  job: { type: worker, in: data-vpc }
  secrets-manager: { tech: secrets-manager, in: data-vpc, stores: [tokens], controls: [least-privilege] }
flows:
  - client -> export-api: { protocol: https, auth: api-key }
  - job -> secrets-manager: { protocol: https, auth: ${auth}, data: [tokens] }
`;

const EXPORTS = (route: string) => `${HEAD}boundaries:
  internet: { trust: untrusted }
assets:
  reports: { name: Sales reports, type: business, classification: confidential }
elements:
  customer: { type: user, in: internet }
  export-api:
    tech: lambda
    auth: api-key
    controls: [object-level-authorization, rate-limiting, audit-logging, generic-errors]
    endpoints:
      "${route}": { returns: [reports] }
flows:
  - customer -> export-api: { protocol: https, auth: api-key }
`;

const VAULT = (type: string) => `${HEAD}assets:
  saas-tokens: { name: Salesforce OAuth client secret, type: credentials, classification: restricted }
elements:
  job: { type: worker, controls: [secrets-management] }
  keeper: { ${type}, auth: iam, stores: [saas-tokens], controls: [encryption-at-rest, least-privilege] }
flows:
  - job -> keeper: { protocol: https, auth: iam, data: [saas-tokens] }
`;

const AUDIT = (type: string) => `${HEAD}assets:
  audit: { name: Audit trail, type: ${type}, classification: confidential, integrity: high }
elements:
  app: { tech: mobile-app }
  api: { type: api, auth: jwt, controls: [audit-logging, token-validation] }
  logs: { name: Log Analytics, type: logs, auth: iam, stores: [audit], controls: [encryption-at-rest] }
flows:
  - app -> api: https
  - api -> logs: { protocol: https, auth: iam, data: [audit] }
`;

describe('keys-s23: findings the session-23 reviews showed reported by mistake', () => {
  it('unsigned-firmware-update: a device whose flow names data other than firmware pulls none', () => {
    retired(FIRMWARE(', data: [readings]'), 'unsigned-firmware-update@meter', 'no-firmware-delivery');
    stillReported(FIRMWARE(''), 'unsigned-firmware-update@meter');
  });

  it('cors-misconfiguration: software run as shipped that people open does not make their API cross-origin', () => {
    retired(CORS(', tech: grafana, auth: oidc'), 'cors-misconfiguration@devmgmt', 'vendor-page-server');
    stillReported(CORS(', auth: oidc'), 'cors-misconfiguration@devmgmt');
  });

  it('flat-network: a managed cloud store every caller reaches with IAM', () => {
    retired(SECRETS_ZONE('iam'), 'flat-network@secrets-manager', 'iam-cloud-store');
    stillReported(SECRETS_ZONE('password'), 'flat-network@secrets-manager');
  });

  it('unbounded-query: a route naming one export fetches one file', () => {
    retired(EXPORTS('GET /exports/{id}/download'), 'unbounded-query@export-api:GET /exports/{id}/download', 'one-object-export');
    stillReported(EXPORTS('GET /exports'), 'unbounded-query@export-api:GET /exports');
  });

  it('unhashed-passwords: a secrets vault hands back what it keeps', () => {
    retired(VAULT('tech: vault'), 'unhashed-passwords@keeper', 'secrets-vault');
    stillReported(VAULT('type: database'), 'unhashed-passwords@keeper');
  });

  it('sensitive-data-in-logs and verbose-errors: the audit trail is what the log store is for, and never read back', () => {
    retired(AUDIT('logs'), 'sensitive-data-in-logs@logs', 'log-records-only');
    retired(AUDIT('logs'), 'verbose-errors@api', 'shipped-to-sinks');
    stillReported(AUDIT('pii'), 'sensitive-data-in-logs@logs');
  });
});
