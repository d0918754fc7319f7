// Compose settings named like addresses that hold file names or versions (`SETTINGS_URL=settings.yaml`,
// `SECURITY_POLICY=policy.json`, whose name holds URI): only a value written as a host on the internet (a URL,
// host:port, or a name ending in a common top-level domain) becomes a service outside the files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { endsInCommonTld, namesAFile } from '../../src/import/draft.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';

function outside(env: readonly string[]): string[] {
  const r = discoverCompose(`services:\n  app:\n    image: example/app\n    environment:\n${env.map((e) => `      ${e}\n`).join('')}`, 'compose.yaml');
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft.elements.filter((e) => e.outside).map((e) => e.key);
}

describe('discover s17: compose settings that name files are no hosts', () => {
  it('file names and versions under address-like settings, beside real URLs, draw no outside element', () => {
    assert.deepEqual(outside([
      'API_URL: https://api.stripe.com/v1',
      'CONFIG_FILE: config.json',
      'LOG_PATH: app.log',
      'VERSION: 1.2.3',
      'SETTINGS_URL: settings.yaml',
      'CERT_HOST: server.pem',
      'UPSTREAM_HOST: nginx.conf',
      'SECURITY_POLICY: policy.json',
      'REPORT_ENDPOINT: out/report.json',
      'CACHE_HOST: cache.local',
      'PROXY_HOST: foo.bar',
    ]), ['api.stripe.com']);
  });

  it('a host with a common top-level domain, a URL or host:port is outside, whatever its top-level domain', () => {
    assert.deepEqual(outside([
      'SMTP_HOST: smtp.sendgrid.net',
      'BACKEND_HOST: backend.acme.io',
      'SEARCH_URL: https://search.acme.cloud/api',
      'BROKER_ADDR: mq.acme.dev:5671',
    ]), ['smtp.sendgrid.net', 'backend.acme.io', 'search.acme.cloud', 'mq.acme.dev']);
  });

  it('a bare name with a top-level domain the table does not know waits as a reference (it may be a service)', () => {
    const r = discoverCompose('services:\n  app:\n    image: example/app\n    environment:\n      SEARCH_HOST: search.acme.cloud\n', 'compose.yaml');
    assert.deepEqual(r.draft.elements.filter((e) => e.outside), []);
    assert.deepEqual(r.draft.references.map((ref) => [ref.host, ref.setting, ref.withPort]), [['search.acme.cloud', 'SEARCH_HOST', undefined]]);
  });

  it('a port written with the host is recorded on the reference; a port from a sibling setting is not', () => {
    const r = discoverCompose('services:\n  app:\n    image: example/app\n    environment:\n      A_HOST: a.acme.dev:5671\n      B_HOST: b.acme.dev\n      B_PORT: "5671"\n', 'compose.yaml');
    assert.deepEqual(r.draft.elements.filter((e) => e.outside).map((e) => e.key), ['a.acme.dev']);
    assert.deepEqual(r.draft.references.map((ref) => [ref.host, ref.withPort, ref.evidence.port]), [['b.acme.dev', undefined, 5671]]);
  });

  it('Kubernetes: a file name of three labels is no host either; a host of three labels still is', () => {
    const env = (pairs: ReadonlyArray<[string, string]>) => discoverKubernetes(`apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: example/web
          env:
${pairs.map(([k, v]) => `            - { name: ${k}, value: ${v} }\n`).join('')}`, 'web.yaml').draft.elements.filter((e) => e.outside).map((e) => e.key);
    assert.deepEqual(env([['SETTINGS_URL', 'app.settings.json'], ['LOG_HOST', 'logs.acme.conf'], ['API_URL', 'https://api.stripe.com']]), ['api.stripe.com']);
    assert.deepEqual(env([['SEARCH_HOST', 'search.acme.cloud']]), ['search.acme.cloud']);
  });

  it('namesAFile and endsInCommonTld tell files from hosts', () => {
    for (const f of ['config.json', 'app.log', 'settings.yaml', 'nginx.conf', 'server.pem', 'a.b.toml']) assert.equal(namesAFile(f), true, f);
    for (const h of ['api.stripe.com', 'db', 'mq.acme.dev', 'x.io']) assert.equal(namesAFile(h), false, h);
    for (const h of ['api.stripe.com', 'x.io', 'a.b.co.uk']) assert.equal(endsInCommonTld(h), true, h);
    for (const h of ['config.json', '1.2.3', 'foo.bar', 'db', 'api.example.com', 'x.local', 'a..com']) assert.equal(endsInCommonTld(h), false, h);
  });
});
