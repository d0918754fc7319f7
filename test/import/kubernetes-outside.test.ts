// Kubernetes workloads naming services outside the files (a managed database, a SaaS API, a mail relay) in
// their environment, or in a ConfigMap they read: drawn as for Compose, never from a secret's value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, flowSet, k8sDeployment } from './draft-helpers.js';

const DEPLOYMENT = `${k8sDeployment('api', 'example/api:1', '', 'shop')}          envFrom:
            - configMapRef: { name: api-config }
          env:
            - name: DATABASE_URL
              value: postgres://u@db.abc.eu-west-1.rds.amazonaws.com:5432/app?sslmode=require
            - name: STRIPE_URL
              value: https://api.stripe.com
            - name: PAYMENTS_URL
              valueFrom: { secretKeyRef: { name: payments, key: url } }
            - name: API_TOKEN
              value: tok.en.value.example.org
            - name: CACHE_HOST
              value: redis.cache
---
apiVersion: v1
kind: ConfigMap
metadata: { name: api-config, namespace: shop }
data:
  SMTP_HOST: smtp.sendgrid.net
  SEARCH_URL: http://search.internal:9200
`;

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: example/report:1
              env:
                - name: MAILER_URL
                  valueFrom: { configMapKeyRef: { name: api-config, key: SMTP_HOST } }
                - name: STRIPE_API_BASE
                  value: https://api.stripe.com/v1
`;

function read(...texts: string[]) {
  const r = discoverKubernetesFiles(texts.map((text, i) => ({ text, file: `m${i}.yaml` })));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

describe('kubernetes: services outside the files', () => {
  it('env values and ConfigMap values naming a host on the internet are services outside, with their protocol', () => {
    const { draft } = read(DEPLOYMENT);
    assert.deepEqual(flowSet(draft), [
      'api -> api.stripe.com', 'api -> db.abc.eu-west-1.rds.amazonaws.com', 'api -> smtp.sendgrid.net',
    ]);
    const db = flowOf(draft, 'api', 'db.abc.eu-west-1.rds.amazonaws.com');
    assert.equal(db.protocol, 'postgres+tls'); // sslmode=require
    assert.equal(db.evidence[0].provenance.note, 'env DATABASE_URL');
    assert.equal(flowOf(draft, 'api', 'api.stripe.com').protocol, 'https');
    const smtp = flowOf(draft, 'api', 'smtp.sendgrid.net');
    assert.deepEqual([smtp.protocol, smtp.evidence[0].provenance.file, smtp.evidence[0].provenance.line], ['smtp', 'm0.yaml', 30]);
    assert.equal(smtp.evidence[0].provenance.note, 'env SMTP_HOST (ConfigMap api-config)');
    assert.equal(elementOf(draft, 'api.stripe.com').identity?.tech, 'stripe');
    assert.equal(elementOf(draft, 'db.abc.eu-west-1.rds.amazonaws.com').outside, true);
  });

  it('no secret is drawn or written: a secretKeyRef names nothing, a token is no host; a cluster name stays a reference', () => {
    const { draft } = read(DEPLOYMENT);
    assert.ok(!draft.elements.some((e) => /example\.org|payments/.test(e.key)));
    const text = draftToYaml(draft);
    assert.ok(!text.includes('tok.en'), 'the token');
    // `redis.cache` is Service redis in namespace cache to cluster DNS, even when no manifest read defines it.
    assert.ok(draft.references.some((r) => r.host === 'redis.cache'));
    assert.ok(!draft.elements.some((e) => e.key === 'redis.cache' || e.key === 'search.internal'));
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });

  it('a CronJob reads its ConfigMap key and its own settings; one outside element per host for all callers', () => {
    const { draft } = read(DEPLOYMENT, CRONJOB);
    assert.equal(flowOf(draft, 'report', 'smtp.sendgrid.net').evidence[0].provenance.note, 'env MAILER_URL (ConfigMap api-config)');
    assert.equal(flowOf(draft, 'report', 'api.stripe.com').protocol, 'https');
    assert.equal(draft.elements.filter((e) => e.key === 'api.stripe.com').length, 1);
    assert.deepEqual(elementOf(draft, 'api.stripe.com').provenance.map((p) => `${p.file}:${p.line}`), ['m0.yaml:17', 'm1.yaml:17']);
  });

  it('a ConfigMap not among the files read names nothing', () => {
    const { draft } = read(CRONJOB);
    assert.deepEqual(flowSet(draft), ['report -> api.stripe.com']);
  });
});
