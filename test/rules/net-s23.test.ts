// Session 23, net: a data platform's review. A managed store that IAM guards is not exposed by sharing a zone
// (flat-network); a presigned URL is a bearer link (signed-url-leakage); a download of one export is no export.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { runRules } from '../../src/analysis/engine.js';
import { BUILTIN_RULES } from '../../src/analysis/rules/index.js';
import { accessedByCloudIdentity, exposedDataStore, signedUrlLeakage } from '../../src/analysis/rules/network.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { buildGraph } from '../../src/model/graph.js';
import { inferEndpointKind, namesOneExport } from '../../src/model/normalize.js';
import type { Model } from '../../src/model/types.js';
import { analyzeText, loadText, MODEL_HEAD, noThreat, onlyThreat, runOnly } from './harness.js';

describe('flat-network: a managed store that IAM guards', () => {
  const platform = (store: string, into = 'auth: iam') =>
    'boundaries:\n  internet: { trust: untrusted }\n  data-vpc: { trust: internal, kind: cloud }\n'
    + 'assets:\n  tokens: { name: SaaS API tokens, type: credentials, classification: restricted }\n'
    + 'elements:\n  client: { type: user, in: internet }\n  gw: { tech: api-gateway, in: data-vpc }\n'
    + '  export-api: { tech: lambda, in: data-vpc, auth: api-key }\n  job: { type: worker, in: data-vpc }\n'
    + `  store: { ${store}, in: data-vpc, stores: [tokens] }\n`
    + 'flows:\n  - client -> gw: { protocol: https, auth: api-key }\n  - gw -> export-api: { protocol: https, auth: iam }\n'
    + `  - job -> store: { protocol: https, ${into}, data: [tokens] }\n`;

  it('reports nothing on Secrets Manager, S3 or DynamoDB whose callers sign with IAM', () => {
    for (const store of ['tech: secrets-manager, auth: iam', 'tech: s3', 'tech: dynamodb', 'tech: s3, auth: iam']) {
      noThreat(platform(store), 'flat-network');
    }
  });
  it('reads the store\'s own auth for a flow that states none, and for a store no flow reaches', () => {
    noThreat(platform('tech: secrets-manager, auth: iam', 'auth: none'), 'flat-network');
    const alone = platform('tech: secrets-manager, auth: iam').replace(/ {2}- job -> store.*\n/, '');
    noThreat(alone, 'flat-network');
    onlyThreat(alone.replace('auth: iam, in: data-vpc, stores', 'in: data-vpc, stores'), 'flat-network');
  });
  it('still reports a database with an address in the zone, a self-hosted vault, and a caller that does not sign', () => {
    // RDS with IAM database authentication still listens on its port in the zone.
    const rds = onlyThreat(platform('tech: aurora, auth: iam'), 'flat-network');
    assert.equal(rds.title, 'store shares a zone with internet-facing export-api');
    onlyThreat(platform('tech: vault, auth: iam'), 'flat-network');
    onlyThreat(platform('tech: secrets-manager', 'auth: api-key'), 'flat-network');
    onlyThreat(platform('tech: secrets-manager, auth: iam', 'auth: password'), 'flat-network');
  });
  it('tells the key migration which stores it no longer reports', () => {
    const ctxOf = (text: string) => {
      const graph = buildGraph(loadText(MODEL_HEAD + text).model);
      return { ctx: buildContext(graph, findCrossings(graph)), store: graph.elements.get('store')! };
    };
    const iam = ctxOf(platform('tech: s3'));
    assert.equal(accessedByCloudIdentity(iam.ctx, iam.store), true);
    const rds = ctxOf(platform('tech: aurora'));
    assert.equal(accessedByCloudIdentity(rds.ctx, rds.store), false);
  });
});

/** The built-in rules with signed-url-leakage after exposed-data-store, where the family lists it once registered. */
const WITH_SIGNED_URLS: readonly Rule[] = (() => {
  const at = BUILTIN_RULES.findIndex((r) => r.id === exposedDataStore.id);
  return BUILTIN_RULES.some((r) => r.id === signedUrlLeakage.id)
    ? BUILTIN_RULES
    : [...BUILTIN_RULES.slice(0, at + 1), signedUrlLeakage, ...BUILTIN_RULES.slice(at + 1)];
})();

/** Runs the rules on a model changed after loading: a control the catalogue does not list yet cannot be written. */
function runChanged(text: string, change: (model: Model) => Model, rules: readonly Rule[]) {
  const graph = buildGraph(change(loadText(text).model));
  return runRules(buildContext(graph, findCrossings(graph)), rules);
}

describe('signed-url-leakage: presigned URLs are bearer links', () => {
  const downloads = (opts: { classification?: string; bucket?: string; link?: string; extra?: string } = {}) =>
    MODEL_HEAD
    + 'boundaries:\n  internet: { trust: untrusted }\n  vpc: { trust: internal, kind: cloud }\n'
    + `assets:\n  reports: { name: Sales reports, type: business, classification: ${opts.classification ?? 'confidential'} }\n`
    + 'elements:\n  customer: { type: user, in: internet }\n'
    + '  export-api:\n    tech: lambda\n    in: vpc\n    auth: api-key\n    handles: [reports]\n    endpoints:\n      GET /exports/{id}/download: { returns: [reports] }\n'
    + `  bucket: { ${opts.bucket ?? 'tech: s3'}, in: vpc, stores: [reports] }\n`
    + 'flows:\n  - customer -> export-api: { protocol: https, auth: api-key }\n'
    + '  - export-api -> bucket: { protocol: https, auth: iam, data: [reports] }\n'
    + `  - customer -> bucket: { protocol: https, ${opts.link ?? 'auth: signature'}, data: [reports] }\n`
    + (opts.extra ?? '');
  const found = (text: string) => analyzeText(text, { rules: WITH_SIGNED_URLS }).threats.filter((t) => t.ruleId === signedUrlLeakage.id);

  it('reports the links a customer downloads reports by, Medium for confidential data', () => {
    const [t, ...rest] = found(downloads());
    assert.equal(rest.length, 0);
    assert.equal(t.key, 'signed-url-leakage@bucket');
    assert.deepEqual([t.likelihood.level, t.impact.level, t.risk], ['Low', 'High', 'Medium']);
    assert.equal(t.title, 'Signed URLs to bucket work for whoever holds them');
    assert.match(t.description, /^customer reaches bucket with signed URLs to Sales reports; a signed URL is a bearer link/);
    assert.match(t.mitigation, /expiry of minutes/);
    assert.match(t.mitigation, /Referrer-Policy/);
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'customer -> bucket is signed (hmac) from an untrusted zone by a person or app, who holds no keys of ours: a URL signed for them',
      'no short-lived-credentials, ip-allowlist or vpn on customer -> bucket, bucket or vpc, and no short-lived-credentials on export-api',
    ]);
  });
  it('rates by the data\'s confidentiality: Low for public or unnamed data', () => {
    assert.equal(found(downloads({ classification: 'public' }))[0].risk, 'Low');
    const unnamed = found(downloads().replaceAll(', data: [reports] }', ' }').replace(', stores: [reports]', '').replace(', handles: [reports]', ''));
    assert.deepEqual([unnamed[0].impact.level, unnamed[0].risk], ['Medium', 'Low']);
  });
  it('shows the link on the attack path to the reports', () => {
    const result = analyzeText(downloads(), { rules: WITH_SIGNED_URLS });
    const t = result.threats.find((x) => x.ruleId === signedUrlLeakage.id)!;
    const path = result.attackPaths.paths.find((p) => p.asset === 'reports' && p.target === 'bucket')!;
    assert.ok(path.threats.includes(t.id), JSON.stringify(path));
  });
  it('reports nothing for IAM calls, a partner signing with its own keys, or a store that is no object store', () => {
    assert.deepEqual(found(downloads({ link: 'auth: iam' })), []);
    const partner = downloads().replace('customer: { type: user, in: internet }', 'customer: { type: third-party, in: internet }');
    assert.deepEqual(found(partner), []);
    assert.deepEqual(found(downloads({ bucket: 'tech: dynamodb' })), []);
  });
  it('leaves a bucket open to the internet to exposed-data-store', () => {
    const open = downloads({ bucket: 'tech: s3, exposed: true' });
    assert.deepEqual(found(open), []);
    assert.equal(analyzeText(open).threats.filter((t) => t.ruleId === 'exposed-data-store').length, 1);
    const unsigned = downloads({ extra: '  - customer -> bucket: { id: raw, protocol: https, auth: none }\n' });
    assert.deepEqual(found(unsigned), []);
  });
  it('is a finding of its own when run alone, on the bucket and the link', () => {
    const run = runOnly(downloads(), [signedUrlLeakage]);
    assert.deepEqual(run.findings.map((f) => [f.key, f.flows]), [['signed-url-leakage@bucket', ['customer->bucket']]]);
  });
  it('is mitigated by an allow-list on the bucket', () => {
    const run = runOnly(downloads({ bucket: 'tech: s3, controls: [ip-allowlist]' }), [signedUrlLeakage]);
    assert.deepEqual(run.findings.map((f) => f.key), []);
    assert.deepEqual(run.mitigations.map((m) => [m.component, m.controls]), [['bucket', ['ip-allowlist']]]);
  });
  it('is mitigated by short-lived links, declared on the flow, the bucket, or the service that signs them or its endpoint', () => {
    const declare = <T extends { controls: string[] }>(x: T): T => ({ ...x, controls: [...x.controls, 'short-lived-credentials'] });
    const places: Array<(model: Model) => Model> = [
      (m) => ({ ...m, flows: m.flows.map((f) => (f.from === 'customer' && f.to === 'bucket' ? declare(f) : f)) }),
      (m) => ({ ...m, elements: m.elements.map((e) => (e.id === 'bucket' ? declare(e) : e)) }),
      (m) => ({ ...m, elements: m.elements.map((e) => (e.id === 'export-api' ? declare(e) : e)) }),
      (m) => ({ ...m, elements: m.elements.map((e) => (e.id === 'export-api' ? { ...e, endpoints: e.endpoints.map(declare) } : e)) }),
    ];
    for (const place of places) {
      const run = runChanged(downloads(), place, [signedUrlLeakage]);
      assert.deepEqual(run.findings.map((f) => f.key), []);
      assert.deepEqual(run.mitigations.map((m) => [m.component, m.controls, m.reason]), [['bucket', ['short-lived-credentials'], 'signed links expire within minutes']]);
    }
  });
  it('names the control it needs first among those that mitigate it', () => {
    assert.deepEqual([...signedUrlLeakage.mitigatedBy], ['short-lived-credentials', 'ip-allowlist', 'vpn']);
    assert.match(signedUrlLeakage.condition, /short-lived-credentials/);
  });
});

describe('endpoint kinds: a route naming one export is no export', () => {
  it('names one export by a parameter after the word, or /download after a parameter', () => {
    const one = ['/exports/{id}/download', '/exports/{id}', '/reports/:id', '/downloads/<name>', '/files/{id}/download', '/v1/reports/{id}/summary'];
    const collection = ['/exports', '/reports', '/download', '/users/{id}/export', '/exports/latest', '/v1/reports/monthly'];
    for (const route of one) assert.equal(namesOneExport(route), true, route);
    for (const route of collection) assert.equal(namesOneExport(route), false, route);
  });
  it('keeps the collection an export and gives one export the kind its other words give, else api', () => {
    const kinds = ([route, methods]: [string, string[]]) => inferEndpointKind(route, methods);
    assert.deepEqual(
      ([['/exports', ['GET']], ['/reports', ['POST']], ['/users/{id}/export', ['GET']], ['/exports/{id}/download', ['GET']], ['/exports/{id}', []],
        ['/admin/reports/{id}', ['GET']]] as Array<[string, string[]]>).map(kinds),
      ['export', 'export', 'export', 'api', 'api', 'admin'],
    );
    // A download reads: no upload, whatever the path says of files, unless a later word sends one.
    assert.equal(inferEndpointKind('/uploads/{id}/download'), 'api');
    assert.equal(inferEndpointKind('/reports/{id}/attachments', ['POST']), 'upload');
  });
  it('asks no pagination of a download by id, and still of the list of exports', () => {
    const api = (route: string) => 'elements:\n  customer: { type: user }\n  export-api:\n    type: api\n    auth: api-key\n    endpoints:\n'
      + `      ${route}: {}\nflows:\n  - customer -> export-api: { protocol: https, auth: api-key }\n`;
    noThreat(api('GET /exports/{id}/download'), 'unbounded-query');
    assert.equal(onlyThreat(api('GET /exports'), 'unbounded-query').key, 'unbounded-query@export-api:GET /exports');
    // A kind written in the model still wins.
    noThreat(api('GET /exports/{id}/download').replace('{}', '{ kind: api }'), 'unbounded-query');
    onlyThreat(api('GET /exports/{id}/download').replace('{}', '{ kind: export }'), 'unbounded-query');
  });
});
