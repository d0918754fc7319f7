// Session 22 (supply): container-escape counts the members of namespaces and tiers nested in a container
// boundary as sharing its hosts; a pull-based deployer (Argo CD, Flux) is told from a build pipeline by
// dependency-confusion, pipeline-poisoning and pipeline-over-privileged; and unsigned-events credits
// authenticated producers confined to their topics by `authorization`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerEscape, dependencyConfusion, pipelineOverPrivileged, pipelinePoisoning } from '../../src/analysis/rules/supply-chain.js';
import { unsignedEvents } from '../../src/analysis/rules/messaging.js';
import { evidenceFacts, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

const mitigations = (body: string, rule: Parameters<typeof runOnly>[1][number]) => runOnly(MODEL_HEAD + body, [rule]).mitigations;

describe('container-escape: boundaries nested in a container boundary', () => {
  const cluster = (boundaries: string, web = 'ingress-ns', payment = 'payments-ns') =>
    'assets:\n  cards: { name: Card data, classification: restricted }\n' +
    `boundaries:\n  cluster: { kind: container }\n${boundaries}` +
    `elements:\n  visitor: { tech: browser }\n  web: { type: web-app, in: ${web} }\n  payment: { type: service, in: ${payment}, handles: [cards] }\n` +
    'flows:\n  - visitor -> web: https\n  - web -> payment: https\n';
  const namespaces = '  ingress-ns: { kind: service, in: cluster }\n  payments-ns: { in: cluster }\n';

  it('count namespaces (a service boundary, and one of the default kind) as sharing the cluster\'s hosts', () => {
    const t = onlyThreat(cluster(namespaces), 'container-escape');
    assert.equal(t.title, 'Container escape from web to payment in cluster');
    assert.equal(t.risk, 'Medium');
    assert.equal(t.component, 'cluster');
    assert.deepEqual(evidenceFacts(t).slice(3), ['ingress-ns is inside cluster and shares its hosts', 'payments-ns is inside cluster and shares its hosts']);
  });

  it('find what the same workloads drawn straight in the cluster find', () => {
    const flat = onlyThreat(cluster('', 'cluster', 'cluster'), 'container-escape');
    const nested = onlyThreat(cluster(namespaces), 'container-escape');
    assert.deepEqual([nested.title, nested.risk, nested.description], [flat.title, flat.risk, flat.description]);
    assert.equal(evidenceFacts(flat).length, 3);
  });

  it('count the members of boundaries nested several levels deep', () => {
    const deep = '  tenants: { kind: privilege, in: cluster }\n  ingress-ns: { kind: service, in: tenants }\n  payments-ns: { kind: data-tier, in: tenants }\n';
    assert.equal(onlyThreat(cluster(deep), 'container-escape').title, 'Container escape from web to payment in cluster');
  });

  it('take a nested container boundary for a platform of its own (another node pool or host)', () => {
    const pools = '  web-pool: { kind: container, in: cluster }\n  payments-pool: { kind: container, in: cluster }\n';
    noThreat(cluster(pools, 'web-pool', 'payments-pool'), 'container-escape');
    // Both in one of them: found there, once, and not again on the cluster around it.
    const t = onlyThreat(cluster(pools, 'web-pool', 'web-pool'), 'container-escape');
    assert.equal(t.title, 'Container escape from web to payment in web-pool');
  });

  it('leave out a cloud provider\'s managed services in a cloud boundary inside it', () => {
    const managed = '  ingress-ns: { kind: service, in: cluster }\n  managed: { kind: cloud, in: cluster }\n';
    noThreat(cluster(managed, 'ingress-ns', 'managed'), 'container-escape');
  });

  it('is mitigated by sandboxing on the namespace that holds the internet-facing workload', () => {
    const sandboxed = '  ingress-ns: { kind: service, in: cluster, controls: [sandboxing] }\n  payments-ns: { in: cluster }\n';
    noThreat(cluster(sandboxed), 'container-escape');
    const [m] = mitigations(cluster(sandboxed), containerEscape);
    assert.deepEqual([m.component, m.controls], ['cluster', ['sandboxing']]);
  });

  it('still judges separate top-level container boundaries apart (one per namespace, as discover draws them)', () => {
    const apart = '  ingress-ns: { kind: container }\n  payments-ns: { kind: container }\n';
    noThreat(cluster(apart), 'container-escape');
  });
});

describe('pull-based deployers (GitOps)', () => {
  // The pipeline's id says nothing: its name (or tech) does, or only its flows.
  const gitops = (cd: string, github = '{ type: third-party, name: GitHub }', extra = '') =>
    `elements:\n  cd: ${cd}\n  github: ${github}\n  registry: { type: container-registry, name: Container registry }\n  k8s-api: { tech: kubernetes-api }\n${extra}` +
    'flows:\n  - cd -> github: { protocol: ssh, auth: ssh-key }\n  - cd -> registry: { protocol: https }\n  - cd -> k8s-api: https\n';
  const ARGO = '{ type: ci-cd, name: Argo CD }';
  const protectedGithub = '{ type: third-party, name: GitHub, controls: [protected-branches] }';

  it('get no dependency-confusion: they build nothing', () => {
    noThreat(gitops(ARGO), 'dependency-confusion');
    noThreat(gitops('{ type: ci-cd, tech: flux }'), 'dependency-confusion');
    noThreat(gitops('{ type: ci-cd, name: argo-cd }'), 'dependency-confusion');
    noThreat(gitops('{ type: ci-cd, name: GitOps controller }'), 'dependency-confusion');
  });

  it('deploy only where they write: pipeline-poisoning names the cluster API, not the registry they read', () => {
    const t = onlyThreat(gitops(ARGO), 'pipeline-poisoning');
    assert.equal(t.title, 'Unreviewed code can ship through Argo CD');
    assert.equal(t.description, 'Argo CD deploys what it reads from GitHub to k8s-api and nothing requires a reviewed change on a protected branch.');
    assert.deepEqual(t.flows, ['cd->k8s-api']);
    assert.deepEqual(evidenceFacts(t), ['Argo CD -> k8s-api deploys', 'no protected-branches on Argo CD or GitHub']);
    assert.doesNotMatch(t.mitigation, /pull requests without secrets|pipeline actions/);
    assert.match(t.mitigation, /protected branches of GitHub/);
  });

  it('are covered by protected-branches on the repository they read', () => {
    noThreat(gitops(ARGO, protectedGithub), 'pipeline-poisoning');
    const [m] = mitigations(gitops(ARGO, protectedGithub), pipelinePoisoning);
    assert.deepEqual(m.controls, ['protected-branches']);
    assert.equal(m.reason, 'GitHub accepts only reviewed changes on protected branches');
  });

  it('are not covered while one repository they read has no protected branches', () => {
    const second = '  charts: { type: third-party, name: Chart repo }\n';
    const text = gitops(ARGO, protectedGithub, second).replace('flows:\n', 'flows:\n  - cd -> charts: https\n');
    const t = onlyThreat(text, 'pipeline-poisoning');
    assert.deepEqual(evidenceFacts(t), ['Argo CD -> k8s-api deploys', 'no protected-branches on Argo CD or Chart repo']);
  });

  it('get scoped projects and RBAC, not "prefer pull-based deployment", from pipeline-over-privileged', () => {
    const t = onlyThreat(gitops(ARGO), 'pipeline-over-privileged');
    assert.doesNotMatch(t.mitigation, /pull-based/);
    assert.match(t.mitigation, /^Confine Argo CD to scoped projects .*namespaced RBAC roles instead of cluster-admin/);
    assert.deepEqual(t.flows, ['cd->k8s-api']);
    assert.equal(t.description, 'Argo CD deploys to k8s-api; a change in a repository it reads is applied with all the access it deploys with, wherever that reaches.');
  });

  it('are told by their shape when no name says so: only reads and cluster-API writes, and nothing pushes code into them', () => {
    const deployer = gitops('{ type: ci-cd, name: Deployer }');
    noThreat(deployer, 'dependency-confusion');
    assert.deepEqual(onlyThreat(deployer, 'pipeline-poisoning').flows, ['cd->k8s-api']);
    // A repository is also what stores source code, whatever its name.
    const source = 'assets:\n  code: { type: source-code }\n' + gitops('{ type: ci-cd, name: Deployer }', '{ type: service, name: Source, stores: [code], controls: [protected-branches] }');
    noThreat(source, 'dependency-confusion');
    noThreat(source, 'pipeline-poisoning');
  });

  it('stay deployers when named so, with people using their UI', () => {
    const ui = gitops(ARGO, undefined, '  dev: { type: developer }\n').replace('flows:\n', 'flows:\n  - dev -> cd: https\n');
    noThreat(ui, 'dependency-confusion');
  });

  describe('a build pipeline of the same shape', () => {
    // A developer pushing into it is what a pipeline that builds looks like: its flow to the registry pushes images.
    const build = gitops('{ type: ci-cd, name: Pipeline }', protectedGithub, '  dev: { type: developer }\n').replace('flows:\n', 'flows:\n  - dev -> cd: https\n');

    it('still gets dependency-confusion', () => {
      assert.equal(onlyThreat(build, 'dependency-confusion').title, 'Pipeline can pull malicious packages');
    });

    it('still deploys to the registry, and protected-branches on the repository alone does not cover it', () => {
      const t = onlyThreat(build, 'pipeline-poisoning');
      assert.equal(t.description, 'Pipeline deploys to Container registry, k8s-api and nothing requires a reviewed change on a protected branch.');
    });

    it('still gets the generic advice', () => {
      assert.match(onlyThreat(build, 'pipeline-over-privileged').mitigation, /prefer pull-based deployment \(GitOps\)/);
    });

    it('and so does Argo Workflows, which runs builds', () => {
      const workflows = build.replace('name: Pipeline', 'name: Argo Workflows');
      assert.equal(onlyThreat(workflows, 'dependency-confusion').title, 'Argo Workflows can pull malicious packages');
    });

    it('and so does an unnamed one that writes to a service, not a cluster API', () => {
      const direct = gitops('{ type: ci-cd, name: Deployer }', undefined, '  api: { type: api }\n').replace('flows:\n', 'flows:\n  - cd -> api: https\n');
      assert.equal(threatsIn(direct, 'dependency-confusion').length, 1);
    });
  });

  it('leave a named deployer that only reads with no deploy finding', () => {
    const reader = 'elements:\n  argocd: { type: ci-cd, name: Argo CD }\n  registry: { type: container-registry }\nflows:\n  - argocd -> registry: https\n';
    assert.deepEqual(threatsIn(reader, 'pipeline-poisoning', 'pipeline-over-privileged', 'dependency-confusion'), []);
    assert.deepEqual(mitigations(reader, dependencyConfusion), []);
    assert.deepEqual(mitigations(reader, pipelineOverPrivileged), []);
  });
});

describe('unsigned-events: authenticated producers confined by topic permissions', () => {
  const bus = (broker: string, feed: string, more = '') =>
    'assets:\n  payments: { integrity: high }\n' +
    `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  batch: { type: worker }\n  events: ${broker}\n  ledger: { type: service }\n` +
    `flows:\n  - visitor -> api: https\n  - api -> events: ${feed}\n  - events -> ledger: { protocol: kafka+tls, auth: mtls, data: [payments] }\n${more}`;
  const KAFKA_ACL = '{ tech: kafka, controls: [authorization] }';
  const MTLS = '{ protocol: kafka+tls, auth: mtls, data: [payments] }';

  // s23: topic permissions stop other publishers, not a compromised exposed producer on its own topics: the
  // finding stays, one step less likely (Low), where s22 reported it mitigated.
  it('lower the likelihood when every producer authenticates and the broker declares authorization', () => {
    assert.equal(onlyThreat(bus(KAFKA_ACL, MTLS), 'unsigned-events').likelihood.level, 'Low');
    assert.deepEqual(mitigations(bus(KAFKA_ACL, MTLS), unsignedEvents), []);
    // IAM counts as well as mTLS.
    assert.equal(onlyThreat(bus(KAFKA_ACL, '{ protocol: https, auth: iam, data: [payments] }'), 'unsigned-events').likelihood.level, 'Low');
  });

  it('lower the likelihood with authorization declared on the exposed producer\'s flow', () => {
    assert.equal(onlyThreat(bus('{ tech: kafka }', '{ protocol: kafka+tls, auth: mtls, data: [payments], controls: [authorization] }'), 'unsigned-events').likelihood.level, 'Low');
  });

  it('keep the finding while one producer connects without credentials', () => {
    const t = onlyThreat(bus(KAFKA_ACL, MTLS, '  - batch -> events: kafka+tls\n'), 'unsigned-events');
    assert.equal(t.title, 'Forged events on events');
    assert.equal(t.risk, 'High');
  });

  it('keep the finding when the producers authenticate but no topic permissions are declared', () => {
    onlyThreat(bus('{ tech: kafka }', MTLS), 'unsigned-events');
  });

  it('keep the finding when the exposed producer itself does not authenticate', () => {
    onlyThreat(bus(KAFKA_ACL, '{ protocol: kafka+tls, data: [payments] }'), 'unsigned-events');
  });

  it('take a cloud provider\'s broker as authenticating every producer', () => {
    assert.equal(onlyThreat(bus('{ tech: sns, controls: [authorization] }', '{ protocol: https, data: [payments] }'), 'unsigned-events').likelihood.level, 'Low');
  });
});

describe('supply s22 review: a build system is no pull-based deployer', () => {
  it('Jenkins pushing to a registry and deploying to a cluster keeps dependency-confusion; tech argocd is a deployer', () => {
    const model = (tech: string) =>
      `elements:\n  ci: { tech: ${tech} }\n  ecr: { tech: ecr }\n  cluster: { tech: kubernetes-api }\nflows:\n  - ci -> ecr: https\n  - ci -> cluster: https\n`;
    assert.equal(threatsIn(model('jenkins'), 'dependency-confusion').length, 1);
    assert.equal(threatsIn(model('argocd'), 'dependency-confusion').length, 0);
  });
});
