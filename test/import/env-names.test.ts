// Settings that name something other than a host, and objects that are no part of a running system: a
// database's name equal to a service's is not a call to that service; a chart's test Pod is not a workload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { hostMentions } from '../../src/import/containers.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { flowSet } from './draft-helpers.js';

describe('hostMentions by setting name', () => {
  it('a bare name under a database, user or schema key is that name; addresses and URLs still count', () => {
    for (const key of ['POSTGRES_DB', 'MYSQL_DATABASE', 'POSTGRES_USER', 'DB_NAME', 'APP_ENV', 'KEYCLOAK_REALM']) assert.deepEqual(hostMentions('app', key), [], key);
    assert.deepEqual(hostMentions('app', 'APP_HOST').map((m) => m.host), ['app']);
    assert.deepEqual(hostMentions('app', 'DB').map((m) => m.host), ['app'], 'a key that is only DB may hold a host');
    assert.deepEqual(hostMentions('db:5432', 'POSTGRES_DB').map((m) => m.host), ['db'], 'host:port is an address whatever the key');
    assert.deepEqual(hostMentions('postgres://u:p@db/app', 'DATABASE').map((m) => m.host), ['db']);
  });

  it('compose: POSTGRES_DB named like the application draws no flow back to it', () => {
    const { draft } = discoverCompose('services:\n  app:\n    image: example/app\n    environment:\n      DATABASE_URL: postgres://app:pw@db/app\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_DB: app\n      POSTGRES_USER: app\n', 'compose.yaml');
    assert.deepEqual(flowSet(draft), ['app -> db']);
  });
});

describe('Helm test hooks', () => {
  it('a Pod annotated helm.sh/hook: test is left out and listed', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-test\n  annotations:\n    "helm.sh/hook": test-success\nspec:\n  containers:\n    - name: wget\n      image: busybox\n';
    const { draft } = discoverKubernetes(pod, 'test.yaml');
    assert.deepEqual(draft.elements.map((e) => e.key), []);
    assert.deepEqual(draft.omitted.map((o) => [o.key, o.reason, o.provenance.line]), [['web-test', 'a Helm test hook (helm.sh/hook: test-success), run by `helm test` only', 1]]);
    const migrate = pod.replace('test-success', 'pre-install').replace('kind: Pod', 'kind: Pod');
    assert.deepEqual(discoverKubernetes(migrate, 'hook.yaml').draft.elements.map((e) => e.key), ['web-test'], 'other hooks run in the release');
  });
});
