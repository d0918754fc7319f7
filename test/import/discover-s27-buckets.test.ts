// `s3://statements/exports` or `gs://acme-data` in a setting names a cloud bucket, not a host: discover draws it as a
// store outside the files (S3 over its API, Cloud Storage over Google's), whatever the bucket name's form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { elementOf, flowOf, flowSet, k8sDeployment } from './draft-helpers.js';

describe('discover: bucket URLs in settings', () => {
  it('Compose: an S3 and a Cloud Storage bucket, each a store outside the files with its protocol and provenance', () => {
    const r = discoverCompose('services:\n  api:\n    image: acme/api:1\n    environment:\n      S3_BUCKET: s3://acme-statements/exports\n      GCS_URL: gs://acme-data\n      S3A_PATH: s3a://acme-lake/raw\n', 'compose.yaml');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(flowSet(r.draft), ['api -> acme-data', 'api -> acme-lake', 'api -> acme-statements']);
    assert.equal(elementOf(r.draft, 'acme-statements').identity?.tech, 's3');
    assert.equal(elementOf(r.draft, 'acme-data').identity?.tech, 'gcs');
    assert.equal(flowOf(r.draft, 'api', 'acme-statements').protocol, 's3');
    assert.equal(flowOf(r.draft, 'api', 'acme-data').protocol, 'cloud-api');
    assert.equal(flowOf(r.draft, 'api', 'acme-statements').evidence[0].provenance.line, 5);
  });

  it('Kubernetes: a one-label bucket name is no Service of the cluster', () => {
    const r = discoverKubernetes(k8sDeployment('api', 'acme/api:1', '          env:\n            - { name: EXPORT_TO, value: "s3://statements" }\n'), 'api.yaml');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(flowSet(r.draft), ['api -> statements']);
  });

  it('other schemes with a one-label host stay names of services the files may define', () => {
    const r = discoverCompose('services:\n  api:\n    image: acme/api:1\n    environment:\n      QUEUE_URL: amqp://rabbit:5672\n', 'compose.yaml');
    assert.deepEqual(flowSet(r.draft), []);
  });
});
