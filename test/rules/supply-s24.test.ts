// Session 24 (supply): a pipeline that only changes the cloud ships unreviewed code too (pipeline-poisoning), a
// download of dependencies is no production access (pipeline-over-privileged, secrets-in-ci-cd), one pipeline's
// cloud role is one finding (pipeline-over-privileged, not excessive-cloud-permissions beside it), signing in the
// pipeline plus verification at the runtime mitigates unsigned-images, and a self-hosted CI runner's jobs can
// read the node's role from the metadata service (cloud-metadata-exposure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudMetadataExposure } from '../../src/analysis/rules/network.js';
import { pipelineOverPrivileged, unsignedImages } from '../../src/analysis/rules/supply-chain.js';
import { evidenceFacts, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

const mitigations = (body: string, rule: Parameters<typeof runOnly>[1][number]) => runOnly(MODEL_HEAD + body, [rule]).mitigations;

describe('pipeline-poisoning: a pipeline that changes the cloud account deploys', () => {
  const atlantis = (pipeline: string, target = '{ type: third-party, name: AWS IAM/STS }', protocol = 'cloud-api', id = 'tf') =>
    `elements:\n  github: { type: third-party, name: GitHub }\n  ${id}: ${pipeline}\n  aws-api: ${target}\n` +
    `flows:\n  - github -> ${id}: { protocol: https, auth: hmac }\n  - ${id} -> aws-api: { protocol: ${protocol}, auth: iam }\n`;

  it('reports a Terraform runner whose only flow is to the provider over cloud-api, and says it plans unmerged pull requests', () => {
    const t = onlyThreat(atlantis('{ type: ci-cd, name: Atlantis }'), 'pipeline-poisoning');
    assert.equal(t.title, 'Unreviewed code can ship through Atlantis');
    assert.match(t.description, /^Atlantis changes cloud infrastructure through AWS IAM\/STS and nothing requires a reviewed change on a protected branch; as a Terraform runner it runs `terraform plan` on the code of unmerged pull requests/);
    assert.deepEqual(t.flows, ['tf->aws-api']);
    assert.deepEqual(evidenceFacts(t), ['Atlantis -> AWS IAM/STS changes cloud infrastructure', 'no protected-branches on Atlantis']);
    assert.equal(t.impact.reason, 'attacker-chosen changes to the cloud account: full compromise');
    assert.match(t.mitigation, /apply_requirements: \[approved, mergeable\]/);
  });

  it('tells a Terraform runner by its tech or id as well as its name, and says nothing of plan for other pipelines', () => {
    assert.match(onlyThreat(atlantis('{ type: ci-cd, tech: spacelift }'), 'pipeline-poisoning').description, /terraform plan/);
    assert.match(onlyThreat(atlantis('{ type: ci-cd }', undefined, undefined, 'atlantis'), 'pipeline-poisoning').description, /terraform plan/);
    const jenkins = onlyThreat(atlantis('{ tech: jenkins, name: Deploy job }'), 'pipeline-poisoning');
    assert.equal(jenkins.description, 'Deploy job changes cloud infrastructure through AWS IAM/STS and nothing requires a reviewed change on a protected branch.');
    assert.match(jenkins.mitigation, /^Deploy only from protected branches/);
  });

  it('names both what it deploys to and the cloud it changes', () => {
    const text = atlantis('{ tech: jenkins, name: Deployer }').replace('flows:\n', '  api: { type: api }\nflows:\n  - tf -> api: https\n');
    assert.equal(onlyThreat(text, 'pipeline-poisoning').description,
      'Deployer deploys to api and changes cloud infrastructure through AWS IAM/STS and nothing requires a reviewed change on a protected branch.');
  });

  it('is mitigated by protected-branches, and a call to a third party that is no cloud-api call deploys nothing', () => {
    noThreat(atlantis('{ type: ci-cd, name: Atlantis, controls: [protected-branches] }'), 'pipeline-poisoning');
    noThreat(atlantis('{ type: ci-cd, name: Atlantis }', '{ type: third-party, name: Sigstore Fulcio }', 'https'), 'pipeline-poisoning');
  });
});

describe('a download of dependencies is no deploy (pipeline-over-privileged, secrets-in-ci-cd, pipeline-poisoning)', () => {
  const ci = (extra = '', artifactory = '{ type: service, name: Artifactory package proxy, auth: api-key }', flow = '{ protocol: https, auth: api-key }') =>
    `elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  artifactory: ${artifactory}\n  npm: { type: third-party }\n${extra}` +
    `flows:\n  - dev -> ci: https\n  - ci -> artifactory: ${flow}\n  - artifactory -> npm: https\n`;
  const registry = '  ecr: { tech: ecr }\n';
  const push = (text: string) => text.replace('flows:\n', 'flows:\n  - ci -> ecr: { protocol: https, auth: iam }\n');

  it('gives a pipeline that only reads from Artifactory no production access and nothing it ships', () => {
    noThreat(ci(), 'pipeline-over-privileged');
    noThreat(ci(), 'pipeline-poisoning');
  });

  it('rates a static secret that only opens the package registry Medium impact, not "reaches production"', () => {
    const t = onlyThreat(ci(), 'secrets-in-ci-cd');
    assert.equal(t.impact.level, 'Medium');
    assert.equal(t.impact.reason, 'the secrets open only Artifactory package proxy, where dependencies come from: internal packages and what the key may publish, not production');
    assert.equal(t.risk, 'Medium');
  });

  it('cites the real deploy flow: the push to the container registry', () => {
    const held = onlyThreat(push(ci(registry)), 'pipeline-over-privileged');
    assert.deepEqual(held.flows, ['ci->ecr']);
    assert.equal(held.evidence[0].fact, 'ci -> ecr authenticates with iam');
    assert.equal(held.description, 'ci reaches ecr with its own credentials (iam); anything that runs in the pipeline can use them.');
    // A static secret to a deploy target comes first, and reaches production.
    const ssh = ci('  server: { type: service }\n').replace('flows:\n', 'flows:\n  - ci -> server: { protocol: ssh, auth: ssh-key }\n');
    const secrets = onlyThreat(ssh, 'secrets-in-ci-cd');
    assert.equal(secrets.evidence[0].fact, 'ci -> server uses ssh-key');
    assert.equal(secrets.impact.reason, 'the secrets reach production');
  });

  it('tells a package read by the data it carries, and a publish by the flow\'s words', () => {
    const assets = 'assets:\n  deps: { name: npm packages, classification: public }\n';
    const plain = (flow: string) => (assets + ci('', '{ type: service, name: Mirror }', flow)).replace(/artifactory/g, 'mirror');
    noThreat(plain('{ protocol: https, auth: api-key, data: [deps] }'), 'pipeline-over-privileged');
    // Unnamed data: the flow could be anything, so it deploys as before.
    assert.deepEqual(onlyThreat(plain('{ protocol: https, auth: api-key }'), 'pipeline-over-privileged').flows, ['ci->mirror']);
    // Publishing internal packages is a write into what other builds run.
    const publish = onlyThreat(ci('', undefined, '{ protocol: https, auth: api-key, description: publishes internal packages }'), 'pipeline-over-privileged');
    assert.deepEqual(publish.flows, ['ci->artifactory']);
  });

  it('still counts a push to a container registry named for packages as a deploy', () => {
    const t = onlyThreat(ci('', '{ type: container-registry, name: Artifactory }', '{ protocol: https, auth: api-key }'), 'pipeline-over-privileged');
    assert.deepEqual(t.flows, ['ci->artifactory']);
  });
});

describe('one finding for a pipeline\'s cloud role (pipeline-over-privileged, not excessive-cloud-permissions)', () => {
  const RULES = ['excessive-cloud-permissions', 'pipeline-over-privileged'];
  const m2 = (atlantis = '{ type: ci-cd, name: Atlantis }', call = '{ protocol: cloud-api, auth: iam }') =>
    'assets:\n  tfstate: { name: Terraform state, type: secrets, classification: restricted }\n' +
    `elements:\n  dev: { type: developer }\n  atlantis: ${atlantis}\n  aws: { type: third-party, name: AWS IAM/STS }\n  state: { tech: s3, stores: [tfstate], controls: [encryption-at-rest] }\n` +
    `flows:\n  - dev -> atlantis: { protocol: https, auth: hmac }\n  - atlantis -> aws: ${call}\n  - atlantis -> state: { protocol: s3, auth: iam }\n`;

  it('reports a Terraform runner\'s role once, High, in the cloud role\'s words', () => {
    const found = threatsIn(m2(), ...RULES);
    assert.deepEqual(found.map((t) => t.key), ['pipeline-over-privileged@atlantis']);
    const [t] = found;
    assert.equal(t.title, 'Atlantis can change cloud infrastructure');
    assert.match(t.description, /^Atlantis calls the cloud management plane \(AWS IAM\/STS\) with its own credentials \(iam\) and declares no least-privilege role, and reaches state with its own credentials \(iam\); anything that runs in the pipeline can act on the cloud account, and as a Terraform runner/);
    assert.deepEqual([t.likelihood.level, t.impact.level, t.risk], ['Medium', 'High', 'High']);
    assert.equal(t.impact.reason, 'control of cloud resources, and Terraform state in state: full compromise');
    assert.deepEqual(t.flows, ['atlantis->aws', 'atlantis->state']);
    assert.deepEqual(evidenceFacts(t), ['Atlantis -> AWS IAM/STS uses the management API', 'Atlantis -> state authenticates with iam', 'state stores Terraform state', 'no least-privilege on Atlantis']);
    assert.match(t.mitigation, /^Give plan a read-only role/);
  });

  it('keeps the likelihood facts of the cloud rule for other pipelines: reachable from an untrusted zone or not', () => {
    const builder = (e: string) => m2(e).replace(/atlantis/g, 'builder');
    const exposed = onlyThreat(builder('{ tech: jenkins, name: Builder }'), 'pipeline-over-privileged');
    assert.deepEqual([exposed.likelihood.level, exposed.likelihood.reason], ['Medium', 'the pipeline is reachable from an untrusted zone']);
    const internal = 'boundaries:\n  corp: { trust: internal }\n' + builder('{ tech: jenkins, name: Builder, in: corp }').replace('dev: { type: developer }', 'dev: { type: developer, in: corp }');
    const t = onlyThreat(internal, 'pipeline-over-privileged');
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['Low', 'needs code execution in the pipeline first']);
    assert.match(t.mitigation, /^Scope the pipeline's cloud role/);
  });

  it('names the flow description of a cloud call in the evidence, as the cloud rule did', () => {
    const t = onlyThreat(m2(undefined, '{ protocol: cloud-api, auth: oidc, description: AdministratorAccess }'), 'pipeline-over-privileged');
    assert.equal(t.evidence[0].fact, 'Atlantis -> AWS IAM/STS uses the management API: AdministratorAccess');
    assert.match(t.description, /with short-lived federated credentials \(oidc\) and declares no least-privilege role/);
  });

  it('is mitigated by least-privilege on the pipeline, or on the cloud call for that call', () => {
    assert.deepEqual(threatsIn(m2('{ type: ci-cd, name: Atlantis, controls: [least-privilege] }'), ...RULES), []);
    // Scoped on the call: the store's credentials are still the pipeline's, in the words of a deploy.
    const [t, ...more] = threatsIn(m2(undefined, '{ protocol: cloud-api, auth: iam, controls: [least-privilege] }'), ...RULES);
    assert.equal(more.length, 0);
    assert.deepEqual([t.key, t.title, t.flows], ['pipeline-over-privileged@atlantis', 'Atlantis holds standing production access', ['atlantis->state']]);
    const onlyCloud = 'elements:\n  ci: { tech: jenkins }\n  aws: { type: third-party }\nflows:\n  - ci -> aws: { protocol: cloud-api, auth: iam, controls: [least-privilege] }\n';
    assert.deepEqual(threatsIn(onlyCloud, ...RULES), []);
    const [m] = mitigations(onlyCloud, pipelineOverPrivileged);
    assert.deepEqual([m.component, m.controls, m.flows], ['ci', ['least-privilege'], ['ci->aws']]);
  });

  it('leaves a workload that is no pipeline to excessive-cloud-permissions', () => {
    const service = m2('{ type: service, name: Provisioner }');
    assert.deepEqual(threatsIn(service, ...RULES).map((t) => t.key), ['excessive-cloud-permissions@atlantis']);
  });
});

describe('unsigned-images: signing in the pipeline and verification at the runtime', () => {
  const m10 = (ci: string, k8s: string, registry = '{ tech: ecr }') =>
    'boundaries:\n  prod: { kind: container, trust: restricted }\n' +
    `elements:\n  ci: { tech: github-actions${ci} }\n  ecr: ${registry}\n  k8s-prod: { tech: kubernetes-api, in: prod${k8s} }\n` +
    'flows:\n  - ci -> ecr: { protocol: https, auth: iam }\n  - k8s-prod -> ecr: { protocol: https, auth: iam }\n';
  const SIGNS = ', controls: [image-signing]';
  const VERIFIES = ', controls: [signature-verification]';

  it('is mitigated when every pipeline pushing signs and every runtime pulling verifies', () => {
    noThreat(m10(SIGNS, VERIFIES), 'unsigned-images');
    const [m] = mitigations(m10(SIGNS, VERIFIES), unsignedImages);
    assert.deepEqual(m.controls, ['image-signing', 'signature-verification']);
    assert.equal(m.reason, 'ci signs the images and k8s-prod verifies them before running');
  });

  it('is Low, naming the runtime that does not verify, when only the pipeline signs', () => {
    const t = onlyThreat(m10(SIGNS, ''), 'unsigned-images');
    assert.equal(t.risk, 'Low');
    assert.equal(t.title, 'Signed images in ecr are not verified before they run');
    assert.equal(t.description, 'ci signs the images in ecr, but k8s-prod runs them without verifying the signature; a tampered image pushed to the registry still runs.');
    assert.deepEqual(evidenceFacts(t), ['ci signs the images in ecr', 'no signature-verification on k8s-prod']);
    assert.match(t.mitigation, /^Verify image signatures at admission on k8s-prod/);
  });

  it('is Low, naming the pipeline that does not sign, when only the runtime verifies', () => {
    const t = onlyThreat(m10('', VERIFIES), 'unsigned-images');
    assert.equal(t.risk, 'Low');
    assert.equal(t.title, 'Images in ecr are verified but not signed where they are pushed');
    assert.match(t.description, /^k8s-prod verifies the signatures of images from ecr, but ci pushes images without signing them;/);
    assert.match(t.mitigation, /^Sign images in ci/);
  });

  it('needs every pusher to sign: a second pipeline that does not leaves the signing half missing', () => {
    const two = m10(SIGNS, VERIFIES).replace('  ecr:', '  ci2: { tech: jenkins, name: Legacy build }\n  ecr:').replace('flows:\n', 'flows:\n  - ci2 -> ecr: https\n');
    const t = onlyThreat(two, 'unsigned-images');
    assert.equal(t.risk, 'Low');
    assert.match(t.description, /but Legacy build pushes images without signing them/);
  });

  it('stays as it was with neither half, and with image-signing on the registry is mitigated as before', () => {
    const t = onlyThreat(m10('', ''), 'unsigned-images');
    assert.deepEqual([t.title, t.risk], ['Unsigned images in ecr', 'Medium']);
    assert.equal(t.description, 'Images in ecr are not signed and verified before they run; a tampered image deploys like a real one.');
    noThreat(m10('', '', '{ tech: ecr, controls: [image-signing] }'), 'unsigned-images');
  });

  it('takes a pull-based deployer reading the registry for no pusher', () => {
    const argo = m10('', VERIFIES).replace('ci: { tech: github-actions }', 'ci: { tech: argocd }');
    const t = onlyThreat(argo, 'unsigned-images');
    assert.match(t.description, /no pipeline that pushes them is drawn signing them/);
  });
});

describe('cloud-metadata-exposure: self-hosted CI runners in our cloud', () => {
  const runner = (e: string, extra = '', call = 'oidc') =>
    'boundaries:\n  aws: { trust: internal, kind: cloud }\n  runners: { kind: container, in: aws }\n' +
    `elements:\n  github: { type: third-party, name: GitHub }\n  runner: ${e}\n  aws-sts: { type: third-party, name: AWS STS }\n${extra}` +
    `flows:\n  - runner -> github: { protocol: https, auth: token }\n  - runner -> aws-sts: { protocol: cloud-api, auth: ${call} }\n`;
  const M9 = '{ tech: github-actions, name: Self-hosted runners on EKS, in: runners, controls: [least-privilege] }';

  it('reports a runner named self-hosted in a cloud boundary: its jobs read the node\'s role', () => {
    const t = onlyThreat(runner(M9), 'cloud-metadata-exposure');
    assert.equal(t.title, 'Jobs on Self-hosted runners on EKS can read the node\'s cloud credentials');
    assert.equal(t.description, 'Jobs on Self-hosted runners on EKS run repository code on machines of ours in aws; any job (a pull request, a compromised action or dependency) can ask the instance metadata service (169.254.169.254) for the node\'s role credentials, which outlive the job and reach beyond the per-job credentials of Self-hosted runners on EKS -> AWS STS (oidc).');
    assert.deepEqual([t.likelihood.level, t.impact.level], ['Medium', 'High']);
    assert.deepEqual(evidenceFacts(t), ['Self-hosted runners on EKS: a self-hosted CI runner', 'aws is a cloud boundary', 'no metadata-protection or egress-filtering on Self-hosted runners on EKS']);
    assert.match(t.mitigation, /ephemeral runners.*IMDSv2 with a hop limit of 1.*IRSA/);
  });

  it('adds the IMDSv1 tag to the evidence, and takes the tag self-hosted or a runner tech for self-hosted', () => {
    const v1 = onlyThreat(runner(M9.replace('in: runners', 'in: runners, tags: [imdsv1]')), 'cloud-metadata-exposure');
    assert.match(v1.description, /with a plain GET \(IMDSv1\)/);
    assert.ok(evidenceFacts(v1).some((f) => /IMDSv1/.test(f)));
    const tagged = onlyThreat(runner('{ tech: github-actions, name: CI, in: runners, tags: [self-hosted] }'), 'cloud-metadata-exposure');
    assert.deepEqual(tagged.evidence[0].path, 'elements.runner.tags[0]');
    onlyThreat(runner('{ type: ci-cd, tech: gitlab-runner, in: runners }'), 'cloud-metadata-exposure');
    // Jenkins and a pipeline of no tech in our cloud run on our machines whatever their name.
    assert.equal(onlyThreat(runner('{ tech: jenkins, in: runners }'), 'cloud-metadata-exposure').evidence[0].fact, 'runner: a CI pipeline of ours running jobs in aws');
  });

  it('leaves GitHub-hosted runners, runners outside the cloud, and pull-based deployers alone', () => {
    noThreat(runner('{ tech: github-actions, name: GitHub-hosted runners, in: runners }'), 'cloud-metadata-exposure');
    noThreat(runner('{ tech: github-actions, name: Self-hosted runners }').replace(/boundaries:[^]*?elements:/, 'elements:'), 'cloud-metadata-exposure');
    noThreat(runner('{ tech: argocd, in: runners }'), 'cloud-metadata-exposure');
  });

  it('leaves a runner whose own cloud calls use the instance role to pipeline-over-privileged', () => {
    const text = runner('{ tech: jenkins, in: runners }', '', 'iam');
    noThreat(text, 'cloud-metadata-exposure');
    assert.equal(onlyThreat(text, 'pipeline-over-privileged').title, 'runner can change cloud infrastructure');
  });

  it('is mitigated by metadata-protection or egress-filtering on the runner or its boundary', () => {
    noThreat(runner(M9.replace('least-privilege', 'metadata-protection')), 'cloud-metadata-exposure');
    const boundary = runner(M9).replace('runners: { kind: container, in: aws }', 'runners: { kind: container, in: aws, controls: [metadata-protection] }');
    noThreat(boundary, 'cloud-metadata-exposure');
    const [m] = mitigations(runner(M9.replace('least-privilege', 'egress-filtering')), cloudMetadataExposure);
    assert.deepEqual([m.component, m.controls, m.reason], ['runner', ['egress-filtering'], 'jobs cannot reach the metadata service']);
  });
});
