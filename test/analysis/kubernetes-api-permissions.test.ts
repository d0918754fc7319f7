// excessive-cloud-permissions on a Kubernetes API server: the model does not say how far the service
// account's role reaches, so the finding claims its namespace or the cluster, never "the cluster" alone;
// what a call's own description says about the role is its evidence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, threatsOf } from '../helpers.js';

const model = (flow: string) => `threatmap: 1
system: { name: Shop }
elements:
  web: { type: service }
  k8s: { name: Kubernetes API, tech: kubernetes-api }
flows:
  - web -> k8s: ${flow}
`;

const finding = (flow: string) => {
  const found = threatsOf(analyzeText(model(flow)), 'excessive-cloud-permissions');
  return found.map((t) => ({ title: t.title, impact: t.impact.reason, evidence: t.evidence.map((e) => e.fact) }));
};

describe('excessive-cloud-permissions on the Kubernetes API', () => {
  it('claims the namespace or the cluster, with the call\'s description as evidence', () => {
    assert.deepEqual(finding('{ protocol: https, auth: jwt, description: may read every Secret in namespace shop }'), [{
      title: 'web can take over its Kubernetes namespace or the cluster',
      impact: 'control of the workloads, Secrets and service accounts of a namespace, or of the whole cluster',
      evidence: ['web -> Kubernetes API uses the management API: may read every Secret in namespace shop', 'no least-privilege on web'],
    }]);
  });

  it('a call without a description is cited as it is; a scoped role on the call reports nothing', () => {
    assert.deepEqual(finding('{ protocol: https, auth: jwt }').map((f) => f.evidence[0]), ['web -> Kubernetes API uses the management API']);
    assert.deepEqual(finding('{ protocol: https, auth: jwt, controls: [least-privilege] }'), []);
  });
});
