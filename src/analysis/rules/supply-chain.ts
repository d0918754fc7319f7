// Supply chain and infrastructure: the pipeline that builds and deploys, the registry that holds images,
// the cloud console, and the containers everything runs in.
import type { Asset, Boundary, Element, Flow } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { assetImpact, rated } from '../risk.js';
import {
  assetList, assetNames, callAuth, callAuthMethod, inContainer, isOrAre, isPerson, isPersonOrAgent, restricted, sensitive, STATIC_SECRET_AUTH,
} from './facts.js';
import { perModel, targetNames } from './family-shared.js';
import { agreeing, isGroupName, it, itObject, its, says, verbFor } from './grammar.js';
import {
  elementComponent, evidence, flowIds, flowLabel, isExposed, missingControlEvidence, mitigatedBy, namesAtMost,
  presentControls, pushTo, runsAppCode, TEXT_NAMES, threat, type ThreatFacts, TITLE_NAMES, unlessControlled,
} from './helpers.js';
import type { CheckResult, ElementRule, EvidenceRef, ModelRule, Outcome } from './types.js';

/**
 * Whether a pipeline's flow deploys to or publishes into one of our own elements, or changes the cloud account
 * through its provider's management API (changesCloud); a download of dependencies from a package registry
 * (readsPackages) deploys nothing. pipeline-over-privileged reports the credentials of these flows.
 */
export function isDeploy(ctx: AnalysisContext, pipeline: Element, f: Flow): boolean {
  const t = ctx.graph.elements.get(f.to);
  if (t === undefined || f.to === pipeline.id) return false;
  if (t.kind === 'external') return changesCloud(ctx, f);
  return !readsPackages(ctx, f, t);
}

/**
 * A call over the cloud provider's management API to the provider itself, drawn as an external element (a
 * console of ours, `tech: aws-console`, is an element of the system and deploys like any other): what
 * Terraform and a deploy job do to the account.
 */
export const changesCloud = (ctx: AnalysisContext, f: Flow): boolean => f.protocol === 'cloud-api' && ctx.graph.elements.get(f.to)?.kind === 'external';

/**
 * Words that name a package registry or proxy (Artifactory, Nexus, an npm or PyPI registry or mirror, Verdaccio,
 * CodeArtifact) in an element's tech, id or name: what a build downloads its dependencies from.
 */
const PACKAGE_REGISTRY_WORDS =
  /(?:^|[^a-z])(?:artifactory|jfrog|nexus|verdaccio|codeartifact|npm|npmjs|pypi|devpi|rubygems|packagist|(?:package|packages|dependency|dependencies|npm|pypi|maven|pip)[- ]?(?:registry|registries|proxy|proxies|mirror|mirrors|feed|feeds|repository|repo|cache))(?:$|[^a-z])/i;
/** Words that name dependencies in an asset's id or name: what a build reads from a package registry. */
const PACKAGE_ASSET_WORDS = /(?:^|[^a-z])(?:packages?|dependenc(?:y|ies)|libraries|npm|pypi|maven|wheels?|gems?|crates?)(?:$|[^a-z])/i;
/** Words that say a flow publishes (a release pushed to a registry), in its id, name or description. */
const PUBLISH_WORDS = /(?:^|[^a-z])(?:publish(?:es|ed|ing)?|push(?:es|ed|ing)?|upload(?:s|ed|ing)?|releas(?:e|es|ed|ing)|deploy(?:s|ed|ing)?)(?:$|[^a-z])/i;

const isPackageAsset = (a: Asset): boolean => a.type !== 'source-code' && (PACKAGE_ASSET_WORDS.test(a.id) || PACKAGE_ASSET_WORDS.test(a.name));
const saysPublish = (f: Flow): boolean => PUBLISH_WORDS.test(f.id) || (f.name !== undefined && PUBLISH_WORDS.test(f.name)) || (f.description !== undefined && PUBLISH_WORDS.test(f.description));

/**
 * Whether a pipeline's flow downloads dependencies: carrying only packages or dependencies, or carrying no data to
 * a package registry or proxy (by its tech, id or name), and not said to publish (its id, name or description).
 * The registry's name alone is not enough: a build that sends Nexus or npm an artifact of its own (an asset that
 * is no dependency) publishes it, a write into what other builds and deploys take. A container registry is where
 * images are pushed: never a read of dependencies.
 */
function readsPackages(ctx: AnalysisContext, f: Flow, t: Element): boolean {
  if (t.type === 'container-registry' || saysPublish(f)) return false;
  const carried = ctx.assetsOfFlow(f);
  return carried.length > 0 ? carried.every(isPackageAsset) : nameSays(t, PACKAGE_REGISTRY_WORDS);
}

/** Whether a pipeline's flow downloads dependencies from one of our own elements (readsPackages). */
const readsPackagesFrom = (ctx: AnalysisContext, f: Flow): boolean => {
  const t = ctx.graph.elements.get(f.to);
  return t !== undefined && t.kind !== 'external' && readsPackages(ctx, f, t);
};

/** What a pipeline deploys to or publishes into: its outbound flows to our own elements, and its changes to the cloud account. */
const deployTargets = (ctx: AnalysisContext, pipeline: Element) => ctx.graph.outFlows(pipeline.id).filter((f) => isDeploy(ctx, pipeline, f));

/**
 * Words that name a Terraform runner (Atlantis, Terraform Cloud, Spacelift, env0) in a pipeline's tech, id or
 * name: it runs `terraform plan` on a pull request's code before review, and plan runs code (external data
 * sources, providers) with the runner's cloud credentials.
 */
const TERRAFORM_RUNNER_WORDS = /(?:^|[^a-z])(?:atlantis|terraform[- ]?(?:cloud|enterprise)|tfc|spacelift|env0)(?:$|[^a-z])/i;
export const isTerraformRunner = (e: Element): boolean => nameSays(e, TERRAFORM_RUNNER_WORDS);

/** What a Terraform runner's findings add: plan runs a pull request's code with the runner's credentials before review. */
const PLAN_TEXT = 'as a Terraform runner it runs `terraform plan` on the code of unmerged pull requests (external data sources and providers execute during plan) with those credentials, before any review';

/**
 * What a pipeline's deploy flows do, in words: "deploys to api" for our own elements, "changes cloud
 * infrastructure through AWS" for calls to the provider's management API, or both.
 */
function deployWords(ctx: AnalysisContext, pipeline: Element, deploys: readonly Flow[]): string {
  const cloud = deploys.filter((f) => changesCloud(ctx, f));
  const own = deploys.filter((f) => !changesCloud(ctx, f));
  const changes = `cloud infrastructure through ${targetNames(ctx, cloud)}`;
  if (cloud.length === 0) return `${says(pipeline.name, 'deploys')} to ${targetNames(ctx, own)}`;
  if (own.length === 0) return `${says(pipeline.name, 'changes')} ${changes}`;
  return `${says(pipeline.name, 'deploys')} to ${targetNames(ctx, own)} and ${verbFor(pipeline.name, 'changes')} ${changes}`;
}

/**
 * The deploy rules: a `ci-cd` element with deploy flows (those `which` keeps), mitigated by `controls`;
 * `facts` gets those flows and their targets' names.
 */
function deployingPipeline(
  element: Element,
  ctx: AnalysisContext,
  controls: readonly string[],
  mitigated: string,
  facts: (deploys: Flow[], targets: string, missing: EvidenceRef) => ThreatFacts,
  which: (f: Flow) => boolean = () => true,
): CheckResult {
  if (element.type !== 'ci-cd') return undefined;
  const deploys = deployTargets(ctx, element).filter(which);
  if (deploys.length === 0) return undefined;
  return unlessControlled(ctx, { element, flows: deploys }, controls, mitigated, (missing) => facts(deploys, targetNames(ctx, deploys), missing));
}

/** Stores a pipeline reads its secrets from or writes its logs to: it ships no code into them. */
const NO_CODE_TYPES: ReadonlySet<string> = new Set(['secrets-vault', 'logs']);
const shipsCode = (ctx: AnalysisContext) => (f: Flow) => !NO_CODE_TYPES.has(ctx.graph.elements.get(f.to)?.type ?? '');

/**
 * Words that name a pull-based (GitOps) deployer in a pipeline's id, name or a tech the catalogue does not know
 * (`tech: argocd` and `flux` bring the `gitops` trait). Not "argo" alone: Argo Workflows runs builds.
 */
const GITOPS_WORDS = /(?:^|[^a-z])(?:argo[- ]?cd|flux|fluxcd|gitops)(?:$|[^a-z])/i;
/** Words that name a source repository (a Git host or a repository) in an element's tech, id or name. */
const REPOSITORY_WORDS = /(?:^|[^a-z])(?:git|github|gitlab|gitea|gogs|bitbucket|codecommit|repo|repos|repository|repositories)(?:$|[^a-z])/i;

const nameSays = (e: Element, words: RegExp): boolean => words.test(e.id) || words.test(e.name) || (e.tech !== undefined && words.test(e.tech));

/** Whether an element holds source code: it stores or handles a `source-code` asset, or its tech, id or name says it is a repository. */
function isRepository(ctx: AnalysisContext, e: Element): boolean {
  return nameSays(e, REPOSITORY_WORDS) || ctx.assetsOf(e.id).some((a) => a.type === 'source-code' && (e.stores.includes(a.id) || e.handles.includes(a.id)));
}

/** A flow from a pipeline that fetches code or images: to a source repository, a container registry, or carrying source code. */
const readsCode = (ctx: AnalysisContext, f: Flow): boolean => {
  const t = ctx.graph.elements.get(f.to);
  return t !== undefined && (t.type === 'container-registry' || isRepository(ctx, t) || ctx.assetsOfFlow(f).some((a) => a.type === 'source-code'));
};

/** A cluster's management plane: a Kubernetes API server, or a container platform drawn as one element. */
const isClusterApi = (e: Element | undefined): boolean => e !== undefined && (e.tech === 'kubernetes-api' || e.traits.includes('container'));

/** What a pull-based deployer does: the repositories and registries it reads, and the flows by which it writes to what runs. */
export interface PullDeployment {
  /** Its flows to our own elements that apply what it read (to a cluster API, or whatever a named deployer writes to). */
  writes: Flow[];
  /** The source repositories it reads, ours or a third party's (a hosted Git service). */
  repositories: Element[];
}

/**
 * Whether a `ci-cd` element deploys without building (Argo CD, Flux): it reads manifests and images from
 * repositories and registries and applies them to a cluster, so no pull request or dependency runs in it. It
 * is one when its tech (the `gitops` trait), id or name says Argo CD, Flux or GitOps; or, with no `tech`, when every flow of its to our own
 * elements either reads from a container registry or a repository or writes to a cluster API (at least one
 * write), and no developer or repository flows into it (a push that triggers a build). A build pipeline
 * pushing images to the same registry is drawn the same way, and only what flows into it tells them apart.
 */
export function pullDeployer(ctx: AnalysisContext, e: Element): PullDeployment | undefined {
  if (e.type !== 'ci-cd') return undefined;
  const out = ctx.graph.outFlows(e.id).filter((f) => f.to !== e.id);
  const writes = deployTargets(ctx, e).filter(shipsCode(ctx)).filter((f) => !readsCode(ctx, f));
  const named = e.traits.includes('gitops') || nameSays(e, GITOPS_WORDS);
  if (!named) {
    // A technology the catalogue knows as a build system (Jenkins, GitHub Actions) builds, however its flows are
    // drawn: a push to a registry looks like a read of it, and the trigger is often left undrawn.
    if (e.tech !== undefined) return undefined;
    if (writes.length === 0 || !writes.every((f) => isClusterApi(ctx.graph.elements.get(f.to)))) return undefined;
    const handedCode = ctx.graph.inFlows(e.id).some((f) => {
      const from = ctx.graph.elements.get(f.from);
      return f.from !== e.id && from !== undefined && (from.type === 'developer' || isRepository(ctx, from));
    });
    if (handedCode) return undefined;
  }
  const repositories = [...new Set(out.map((f) => ctx.graph.elements.get(f.to)!).filter((t) => t.type !== 'container-registry' && isRepository(ctx, t)))];
  return { writes, repositories };
}

/** What the conditions of the pipeline rules say a pull-based deployer is (see pullDeployer). */
const PULL_DEPLOYER_TEXT =
  'A pull-based deployer (GitOps) builds nothing: a `ci-cd` element with the `gitops` trait (`tech: argocd` or `flux`) or whose tech, id or name says Argo CD, Flux or GitOps; or one of no `tech` that no developer or source repository flows into, whose flows to our own elements each read from a container registry or a source repository or write to a cluster API (`tech: kubernetes-api` or the `container` trait), at least one of them a write. A source repository is an element whose tech, id or name says git, GitHub, GitLab, Gitea, Gogs, Bitbucket, CodeCommit or repo(sitory), or that stores or handles a `source-code` asset';

export const pipelinePoisoning: ElementRule = {
  id: 'pipeline-poisoning',
  stride: 'T',
  title: 'Unreviewed code reaches production through CI/CD',
  description:
    'A pipeline builds and deploys to production, and nothing says deployed code must pass review on a protected branch: one compromised developer account, a malicious pull request or a poisoned build script ships straight to production.',
  condition: `an element of type \`ci-cd\` with flows to our processes, stores or registries (a secrets vault or a log store excepted: no code ships there; a download from a package registry or proxy deploys nothing, as pipeline-over-privileged says) or over \`cloud-api\` to a cloud provider modelled as an external element (it changes the cloud account), without \`protected-branches\`; a Terraform runner (Atlantis, Terraform Cloud, Spacelift, env0) is told that it plans unmerged pull requests with its credentials; for a pull-based deployer only its writes deploy (it reads from the registry), and \`protected-branches\` on every source repository it reads (at least one) mitigates too. ${PULL_DEPLOYER_TEXT}`,
  mitigation: 'Deploy only from protected branches with required reviews, run untrusted pull requests without secrets in isolated runners, and pin third-party pipeline actions by digest.',
  action: { text: 'Deploy only reviewed code from protected branches in {targets}' },
  mitigatedBy: ['protected-branches'],
  references: ['CWE-494', 'CWE-1395', 'CAPEC-438', 'OWASP CICD-SEC-1', 'OWASP CICD-SEC-4'],
  rating: 'Likelihood Medium (needs a developer account or a pull request that runs in the pipeline); impact High (code of the attacker\'s choice in production).',
  example: 'elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  api: { type: api }\nflows:\n  - dev -> ci: https\n  - ci -> api: https',
  appliesTo: 'element',
  kinds: ['process'],
  types: ['ci-cd'],
  check(element, ctx) {
    const deployer = pullDeployer(ctx, element);
    if (deployer !== undefined) return poisonedDeployer(ctx, element, deployer);
    const planner = isTerraformRunner(element);
    return deployingPipeline(element, ctx, ['protected-branches'], 'only reviewed changes deploy', (deploys, _targets, missing) => ({
      title: `Unreviewed code can ship through ${element.name}`,
      description: `${deployWords(ctx, element, deploys)} and nothing requires a reviewed change on a protected branch${planner ? `; ${PLAN_TEXT.replace('those credentials', `${its(element.name)} credentials`)}` : ''}.`,
      likelihood: rated('Medium', 'needs a developer account or a pull request that runs in the pipeline'),
      impact: rated('High', deploys.every((f) => changesCloud(ctx, f)) ? 'attacker-chosen changes to the cloud account: full compromise' : 'attacker-chosen code in production: full compromise'),
      ...(planner ? { mitigation: TERRAFORM_REVIEW } : {}),
      evidence: [evidence(`${flowLabel(deploys[0], ctx)} ${changesCloud(ctx, deploys[0]) ? 'changes cloud infrastructure' : 'deploys'}`, deploys[0].at), missing],
    }), shipsCode(ctx));
  },
};

/**
 * A public repository, as the model shows one: a source repository (isRepository) that people of the public
 * (`type: user`) outside our zones push to or open pull requests on.
 */
function outsideContributors(ctx: AnalysisContext, repository: Element): Flow[] {
  return ctx.graph.inFlows(repository.id).filter((f) => {
    const from = ctx.graph.elements.get(f.from);
    return from !== undefined && f.from !== repository.id && from.type === 'user' && isPerson(from) && ctx.isUntrustedSource(from.id);
  });
}

export const forkPrSelfHostedRunner: ElementRule = {
  id: 'fork-pr-self-hosted-runner',
  stride: 'E',
  title: 'Fork pull requests run on self-hosted runners',
  description:
    'A pipeline of ours (self-hosted runners inside our network) builds a repository that outside contributors open pull requests on: a `pull_request` workflow from a fork runs the contributor\'s code on the runner, where it can read what the runner reaches and, on a persistent runner, leave a backdoor for the next job. Protected branches do not stop it: the code runs before any review. GitHub\'s own advice is never to use self-hosted runners with public repositories.',
  condition: 'an element of type `ci-cd` (not a pull-based deployer) in one of our zones (not untrusted) with a flow into it from a source repository that a person of type `user` in an untrusted zone flows into (outside contributors of a public repository), without `fork-pr-approval` on the pipeline or on that repository; impact High when the pipeline handles secrets or credentials (or restricted data), or flows to a `secrets-vault`, Medium otherwise. A source repository is an element whose tech, id or name says git, GitHub, GitLab, Gitea, Gogs, Bitbucket, CodeCommit or repo(sitory), or that stores or handles a `source-code` asset',
  mitigation: 'Do not run workflows from fork pull requests on self-hosted runners: run them on hosted (ephemeral) runners with no secrets, require a maintainer\'s approval for every run from an outside contributor, and keep self-hosted runners for pushes to protected branches, ephemeral (one job per runner) and with no network path to secrets they do not need.',
  action: { text: 'Keep fork pull requests off the self-hosted runners of {targets}' },
  mitigatedBy: ['fork-pr-approval'],
  references: ['CWE-829', 'CWE-250', 'OWASP CICD-SEC-4', 'OWASP CICD-SEC-7'],
  rating: 'Likelihood Medium (anyone can open a pull request; a first-time contributor may need one accepted change first); impact High when the runners reach secrets or restricted data (the attacker\'s code reads them), Medium otherwise (a foothold on a host inside our network).',
  example: 'boundaries:\n  internet: { trust: untrusted }\n  ci: { trust: internal }\nassets:\n  keys: { type: secrets, classification: restricted }\nelements:\n  contributor: { type: user, in: internet }\n  github: { name: GitHub repository, type: third-party, in: internet }\n  runners: { tech: github-actions, in: ci, handles: [keys] }\nflows:\n  - contributor -> github: https\n  - github -> runners: https',
  appliesTo: 'element',
  kinds: ['process'],
  types: ['ci-cd'],
  check(element, ctx) {
    if (element.type !== 'ci-cd' || element.boundary === undefined || ctx.isUntrustedSource(element.id)) return undefined;
    if (pullDeployer(ctx, element) !== undefined) return undefined;
    let trigger: Flow | undefined;
    let contribution: Flow | undefined;
    let repository: Element | undefined;
    for (const f of ctx.graph.inFlows(element.id)) {
      const from = ctx.graph.elements.get(f.from);
      if (from === undefined || f.from === element.id || !isRepository(ctx, from)) continue;
      const outsiders = outsideContributors(ctx, from);
      if (outsiders.length === 0) continue;
      trigger = f;
      contribution = outsiders[0];
      repository = from;
      break;
    }
    if (trigger === undefined || contribution === undefined || repository === undefined) return undefined;
    const where = { ...elementComponent(element), flows: [contribution.id, trigger.id] };
    const approved = [element, repository].find((e) => ctx.elementHas(e, 'fork-pr-approval'));
    if (approved !== undefined) return mitigatedBy(['fork-pr-approval'], where, `fork pull requests run only after approval on ${approved.name}`);
    const secrets = ctx.assetsOf(element.id).filter((a) => a.type === 'secrets' || a.type === 'credentials' || a.classification === 'restricted');
    const vault = ctx.graph.outFlows(element.id).find((f) => isVault(ctx, f));
    return threat({
      ...where,
      title: `Fork pull requests run on ${element.name}`,
      description: `${says(repository.name, 'takes')} pull requests from outside contributors and ${says(element.name, 'builds')} ${itObject(repository.name)} inside our network: a workflow from a fork runs the contributor's code there${secrets.length || vault ? `, with access to ${secrets.length ? assetNames(secrets) : 'the secrets vault'}` : ''}, and on a persistent runner it can stay for the next job. Protected branches do not stop it: the code runs before any review.`,
      likelihood: rated('Medium', 'anyone can open a pull request from a fork'),
      impact: secrets.length || vault
        ? rated('High', `the contributor's code reaches ${secrets.length ? assetNames(secrets) : `${ctx.graph.elements.get(vault!.to)?.name ?? vault!.to}`}`)
        : rated('Medium', 'a foothold on a host inside our network'),
      evidence: [
        evidence(`${flowLabel(contribution, ctx)}: outside contributors`, contribution.at),
        evidence(`${flowLabel(trigger, ctx)}: workflows run in ${ctx.graph.boundaries.get(element.boundary)?.name ?? element.boundary}`, trigger.at),
        missingControlEvidence(['fork-pr-approval'], element),
      ],
    });
  },
};

/** pipeline-poisoning's advice for a Terraform runner: review gates apply, and plan runs before any review. */
const TERRAFORM_REVIEW =
  'Apply only reviewed, approved and mergeable changes from protected branches (Atlantis `apply_requirements: [approved, mergeable]`, a policy in Terraform Cloud, Spacelift or env0), run plan with a read-only role separate from the one that applies, let only the organisation\'s repositories and members trigger plans (no plans of pull requests from forks), and pin providers and modules by version and checksum.';

/**
 * pipeline-poisoning for a pull-based deployer: it ships what it reads, so what it deploys to is what it writes
 * to (a registry it pulls from is no target), and protected branches on every repository it reads are the review
 * that gates it. No pull request runs in it: the way in is a change that reaches a branch it deploys from.
 */
function poisonedDeployer(ctx: AnalysisContext, element: Element, { writes, repositories }: PullDeployment): CheckResult {
  if (writes.length === 0) return undefined;
  const where = { ...elementComponent(element), flows: flowIds(writes) };
  if (ctx.elementHas(element, 'protected-branches')) return mitigatedBy(['protected-branches'], where, 'only reviewed changes deploy');
  const open = repositories.filter((r) => !ctx.elementHas(r, 'protected-branches'));
  if (repositories.length && open.length === 0) {
    return mitigatedBy(['protected-branches'], where, `${namesAtMost(repositories.map((r) => r.name).sort(), TEXT_NAMES, 'other repositories')} ${agreeing(repositories.map((r) => r.name), 'accepts', 'accept')} only reviewed changes on protected branches`);
  }
  const sources = open.map((r) => r.name).sort();
  const from = sources.length ? ` what ${it(element.name)} ${verbFor(element.name, 'reads')} from ${namesAtMost(sources, TEXT_NAMES, 'other repositories')}` : '';
  return threat({
    ...where,
    title: `Unreviewed code can ship through ${element.name}`,
    description: `${says(element.name, 'deploys')}${from} to ${targetNames(ctx, writes)} and nothing requires a reviewed change on a protected branch.`,
    likelihood: rated('Medium', 'needs a developer account that can push to a branch it deploys from'),
    impact: rated('High', 'attacker-chosen code in production: full compromise'),
    // No pull request runs in it and it runs no pipeline actions: the review is on the branches it syncs from.
    mitigation: `Require reviewed pull requests on protected branches of ${sources.length ? namesAtMost(sources, TEXT_NAMES, 'the other repositories') : 'the repositories it reads'}, let ${element.name} sync only from those branches (scoped projects that name the repositories and revisions), and deploy images by digest.`,
    evidence: [
      evidence(`${flowLabel(writes[0], ctx)} deploys`, writes[0].at),
      evidence(`no protected-branches on ${[element.name, ...sources].join(' or ')}`, (open[0] ?? element).at),
    ],
  });
}

/** Auth that hands the pipeline a token per job (OIDC federation) instead of a credential it keeps. */
const FEDERATED_AUTH: ReadonlySet<string> = new Set(['oidc']);

export const pipelineOverPrivileged: ElementRule = {
  id: 'pipeline-over-privileged',
  stride: 'E',
  title: 'Pipeline holds unscoped production privileges',
  description:
    'A pipeline pushes into production (runtime services, stores or the cloud management plane) with its own credentials, standing ones or short-lived ones not scoped to the deployment: whoever runs code in the pipeline inherits them.',
  condition: `an element of type \`ci-cd\` with flows to our own processes or stores (a \`cloud-console\` included; a download of dependencies deploys nothing: a flow carrying only packages or dependencies, or carrying no data to a package registry or proxy named by its tech, id or name (Artifactory, Nexus, npm, PyPI, Verdaccio, CodeArtifact), unless its id, name or description says it publishes, pushes, uploads, releases or deploys; a flow that carries any other asset to a registry, such as a build artifact, publishes it), or over \`cloud-api\` to a cloud provider modelled as an external element (excessive-cloud-permissions leaves a pipeline's cloud role to this rule; \`least-privilege\` on such a call scopes it), without \`least-privilege\`. With calls to the provider the finding speaks of the cloud role, Medium likely when the pipeline is reachable from an untrusted zone or is a Terraform runner (its tech, id or name says Atlantis, Terraform Cloud or Enterprise, Spacelift or env0: it plans unmerged pull requests with the role). For a pull-based deployer only its writes count (its pulls from a registry are no production access), and the advice is scoped projects and namespaced RBAC, as it already pulls. ${PULL_DEPLOYER_TEXT}`,
  mitigation: 'Use short-lived, narrowly scoped deployment credentials (OIDC federation), separate build from deploy, and prefer pull-based deployment (GitOps) so the pipeline holds no production access.',
  action: { text: 'Scope and shorten the deployment credentials of {targets}' },
  mitigatedBy: ['least-privilege'],
  references: ['CWE-250', 'CWE-269', 'CAPEC-122', 'OWASP CICD-SEC-2', 'OWASP CICD-SEC-5'],
  rating: 'Likelihood Low (needs code execution in the pipeline first), Medium for a cloud role of a pipeline reachable from an untrusted zone or of a Terraform runner; impact High (production and cloud access).',
  example: 'elements:\n  dev: { type: developer }\n  ci: { tech: jenkins }\n  console: { tech: aws-console }\nflows:\n  - dev -> ci: https\n  - ci -> console: { protocol: cloud-api, auth: iam }',
  appliesTo: 'element',
  kinds: ['process'],
  types: ['ci-cd'],
  check(element, ctx) {
    // A pull-based deployer's production access is what it writes with: its read-only pulls from a registry are none.
    const deployer = pullDeployer(ctx, element);
    const writes = deployer === undefined ? undefined : new Set(deployer.writes);
    const counts = (f: Flow) => writes === undefined || writes.has(f);
    // A cloud role declared scoped on the call itself (least-privilege on the flow) limits that call, as it did
    // when excessive-cloud-permissions judged a pipeline's calls to its provider.
    const scopedCall = (f: Flow) => changesCloud(ctx, f) && f.controls.includes('least-privilege');
    const found = deployingPipeline(element, ctx, ['least-privilege'], 'deployment credentials are scoped and short-lived', (deploys, targets, missing) => {
      // Only an auth the model states (on the flow, the endpoint it names or its target) shows which credential the pipeline holds.
      const auth = new Map(deploys.map((f) => [f, callAuth(ctx, f)]));
      const method = (f: Flow) => auth.get(f)!.method;
      const credentialed = deploys.filter((f) => method(f) !== 'none');
      const auths = [...new Set(credentialed.map(method))].join(', ');
      // Federated credentials expire with the job: only their scope is in question, and the rest are standing.
      const standing = credentialed.filter((f) => !FEDERATED_AUTH.has(method(f)));
      const federatedOnly = credentialed.length > 0 && standing.length === 0;
      const shown = standing[0] ?? credentialed[0];
      // The restricted data of the stores it deploys into (over-privileged-store-access leaves them to this finding).
      const stores = [...new Set(deploys.map((f) => ctx.graph.elements.get(f.to)!))]
        .filter((t) => t.kind === 'store' && restricted(ctx.assetsOf(t.id)).length > 0);
      const exposedData = [...new Set(stores.flatMap((st) => restricted(ctx.assetsOf(st.id))))];
      const storeNames = stores.map((st) => st.name).sort().join(', ');
      // What a repository it reads asks for is applied with the deployer's access: its own scope is the fix.
      const applied = `a change in a repository ${it(element.name)} ${verbFor(element.name, 'reads')} is applied with`;
      // Calls to the provider's management API are the cloud role excessive-cloud-permissions leaves to this finding.
      const cloud = deploys.filter((f) => changesCloud(ctx, f));
      if (cloud.length && deployer === undefined) {
        return cloudRoleFacts(ctx, element, { cloud, credentialed, method, stores, exposedData, storeNames, missing });
      }
      return {
        title: `${says(element.name, 'holds')} ${federatedOnly ? 'unscoped' : 'standing'} production access`,
        description: deployer !== undefined
          ? credentialed.length
            ? `${says(element.name, 'reaches')} ${targetNames(ctx, credentialed)} with ${its(element.name)} own credentials (${auths}); ${applied} them, wherever they reach.`
            : `${says(element.name, 'deploys')} to ${targets}; ${applied} all the access ${it(element.name)} ${verbFor(element.name, 'deploys')} with, wherever that reaches.`
          : federatedOnly
          ? `${says(element.name, 'reaches')} ${targetNames(ctx, credentialed)} with short-lived federated credentials (${auths}) not declared scoped to the deployment; anything that runs in the pipeline can use them while a job runs.`
          : credentialed.length
            ? `${says(element.name, 'reaches')} ${targetNames(ctx, credentialed)} with ${its(element.name)} own credentials (${auths}); anything that runs in the pipeline can use them.`
            : `${says(element.name, 'deploys')} to ${targets}; whatever access ${it(element.name)} ${verbFor(element.name, 'deploys')} with, anything that runs in the pipeline can use it.`,
        likelihood: deployer !== undefined
          ? rated('Low', 'needs a foothold in the deployer or a change merged into a repository it reads first')
          : rated('Low', 'needs code execution in the pipeline first'),
        impact: rated('High', exposedData.length ? `production and cloud access, and ${assetNames(exposedData)} in ${storeNames}: full compromise` : 'production and cloud access: full compromise'),
        evidence: [
          shown
            ? evidence(`${flowLabel(shown, ctx)} authenticates with ${method(shown)}`, auth.get(shown)!.at)
            : evidence(`${flowLabel(deploys[0], ctx)} deploys`, deploys[0].at),
          ...stores.map((st) => evidence(`${says(st.name, 'stores')} ${assetNames(restricted(ctx.assetsOf(st.id)))}`, [...st.at, 'stores'])),
          missing,
        ],
        // It already pulls, so "prefer pull-based deployment" is no advice: scoping what it may deploy where is.
        mitigation: deployer !== undefined ? deployerScoping(element.name) : undefined,
      };
    }, (f) => counts(f) && !scopedCall(f));
    if (found !== undefined || element.type !== 'ci-cd') return found;
    const scoped = deployTargets(ctx, element).filter((f) => counts(f) && scopedCall(f));
    return scoped.length ? mitigatedBy(['least-privilege'], { ...elementComponent(element), flows: flowIds(scoped) }, 'the pipeline\'s cloud role is scoped') : undefined;
  },
};

/** What pipeline-over-privileged knows of a pipeline's deploy flows when some call the cloud provider's management API. */
interface CloudRole {
  cloud: readonly Flow[];
  credentialed: readonly Flow[];
  method: (f: Flow) => string;
  stores: readonly Element[];
  exposedData: readonly Asset[];
  storeNames: string;
  missing: EvidenceRef;
}

/**
 * pipeline-over-privileged for a pipeline that changes the cloud account through its provider's management API:
 * one finding for the pipeline's cloud role (once excessive-cloud-permissions' too), in that rule's words, with
 * its likelihood where its facts hold for a pipeline: a pipeline reachable from an untrusted zone, or a Terraform
 * runner, which plans a pull request's code with the role before review, is more than a foothold away.
 */
function cloudRoleFacts(ctx: AnalysisContext, element: Element, role: CloudRole): ThreatFacts {
  const { cloud, credentialed, method, stores, exposedData, storeNames, missing } = role;
  const name = element.name;
  const planner = isTerraformRunner(element);
  const held = (flows: readonly Flow[]): string => {
    const methods = [...new Set(flows.map(method).filter((m) => m !== 'none'))];
    if (methods.length === 0) return `${its(name)} own identity`;
    if (methods.every((m) => FEDERATED_AUTH.has(m))) return `short-lived federated credentials (${methods.join(', ')})`;
    return `${its(name)} own credentials (${methods.join(', ')})`;
  };
  const others = credentialed.filter((f) => !changesCloud(ctx, f));
  // The credential a leak hands over for longest: a standing one to our own elements, after the cloud calls.
  const standingOther = others.find((f) => !FEDERATED_AUTH.has(method(f)));
  return {
    title: `${name} can change cloud infrastructure`,
    description: `${says(name, 'calls')} the cloud management plane (${targetNames(ctx, cloud)}) with ${held(cloud)} and ${verbFor(name, 'declares')} no least-privilege role${others.length ? `, and ${verbFor(name, 'reaches')} ${targetNames(ctx, others)} with ${held(others)}` : ''}; anything that runs in the pipeline can act on the cloud account${planner ? `, and ${PLAN_TEXT}` : ''}.`,
    likelihood: planner
      ? rated('Medium', 'a Terraform runner plans unmerged pull requests with this role: opening one runs code with it')
      : isExposed(ctx.exposure(element.id))
        ? rated('Medium', 'the pipeline is reachable from an untrusted zone')
        : rated('Low', 'needs code execution in the pipeline first'),
    impact: rated('High', exposedData.length ? `control of cloud resources, and ${assetNames([...exposedData])} in ${storeNames}: full compromise` : 'control of cloud resources: full compromise'),
    // A call's own description says what it may do there (an importer's reading of the role, a reviewer's note).
    evidence: [
      ...cloud.slice(0, 3).map((f) => evidence(`${flowLabel(f, ctx)} uses the management API${f.description ? `: ${f.description}` : ''}`, f.at)),
      ...(standingOther ? [evidence(`${flowLabel(standingOther, ctx)} authenticates with ${method(standingOther)}`, callAuth(ctx, standingOther).at)] : []),
      ...stores.map((st) => evidence(`${says(st.name, 'stores')} ${assetNames(restricted(ctx.assetsOf(st.id)))}`, [...st.at, 'stores'])),
      missing,
    ],
    mitigation: planner ? TERRAFORM_ROLES : CLOUD_ROLE_SCOPING,
  };
}

const CLOUD_ROLE_SCOPING =
  'Scope the pipeline\'s cloud role to the actions and resources its deployments need (no wildcards, no IAM changes, a permission boundary), hand it to jobs as short-lived federated credentials (OIDC) only on protected branches, separate build from deploy, and alert on unusual API calls.';
const TERRAFORM_ROLES =
  'Give plan a read-only role and apply a separate role assumed only for approved, merged changes, both inside a permission boundary (no IAM changes beyond what the stacks manage); let only the organisation\'s repositories and members trigger plans (no plans of pull requests from forks), and alert on unusual API calls.';

const deployerScoping = (name: string): string =>
  `Confine ${name} to scoped projects (Argo CD AppProjects, Flux tenants) that name the repositories, destination namespaces and resource kinds each application may use, bind ${itObject(name)} to namespaced RBAC roles instead of cluster-admin, and give ${itObject(name)} read-only credentials to ${its(name)} repositories and registries.`;

export const secretsInCiCd: ElementRule = {
  id: 'secrets-in-ci-cd',
  stride: 'I',
  title: 'Long-lived secrets stored in the pipeline',
  description:
    'A pipeline authenticates to its targets with static secrets (keys, passwords) kept in its own settings: they leak through build logs, forks and compromised plugins, and outlive the people who created them.',
  condition: 'an element of type `ci-cd` with outbound flows authenticated by a static secret (api-key, password, basic, hmac, ssh-key: the flow\'s auth, else the endpoint it names, else its target\'s), without `secrets-management`; a pipeline with a flow to or from a `secrets-vault` gets its secrets there (as for secrets-in-config), so only a static secret that opens the vault itself counts. The evidence shows a secret the pipeline deploys with first; secrets that only download dependencies from a package registry of ours (as pipeline-over-privileged tells them) are rated Medium impact, as they reach no production',
  mitigation: 'Replace static secrets with short-lived federated credentials (OIDC), keep the rest in a secrets manager, mask them in logs, and never expose them to pull-request builds.',
  action: { text: 'Replace static pipeline secrets with short-lived credentials in {targets}' },
  mitigatedBy: ['secrets-management'],
  references: ['CWE-798', 'CWE-532', 'CAPEC-191', 'OWASP CICD-SEC-6'],
  rating: 'Likelihood Medium (build logs and forks leak secrets routinely); impact from the confidentiality of what the secrets reach, High by default.',
  example: 'elements:\n  dev: { type: developer }\n  ci: { tech: gitlab-ci }\n  server: { type: service }\nflows:\n  - dev -> ci: https\n  - ci -> server: { protocol: ssh, auth: ssh-key }',
  appliesTo: 'element',
  kinds: ['process'],
  types: ['ci-cd'],
  check(element, ctx) {
    if (element.type !== 'ci-cd') return undefined;
    const out = ctx.graph.outFlows(element.id);
    // The secret may be the one the target asks every caller for (`auth: ssh-key` on a server), not restated on the flow.
    const secret = out.filter((f) => STATIC_SECRET_AUTH.has(callAuthMethod(ctx.graph, f)));
    if (secret.length === 0) return undefined;
    // With a vault, the secrets come from it (fetched, or pushed by the vault): only the pipeline's own key to
    // the vault stays in its settings.
    const vault = out.some((f) => isVault(ctx, f)) || ctx.graph.inFlows(element.id).some((f) => fromVault(ctx, f));
    const flows = vault ? secret.filter((f) => isVault(ctx, f)) : secret;
    if (flows.length === 0) {
      return mitigatedBy(['secrets-management'], { ...elementComponent(element), flows: secret.map((f) => f.id) }, 'pipeline secrets come from a secrets vault');
    }
    // A secret that only downloads dependencies reaches no production: the deploy secrets come first, as evidence and impact.
    const deploying = flows.filter((f) => isDeploy(ctx, element, f));
    const shown = deploying[0] ?? flows[0];
    const packagesOnly = deploying.length === 0 && flows.every((f) => readsPackagesFrom(ctx, f));
    return unlessControlled(ctx, { element, flows }, ['secrets-management'], 'pipeline secrets are managed and short-lived', (missing) => ({
      title: `Static secrets stored in ${element.name}`,
      description: `${says(element.name, 'authenticates')} with ${[...new Set(flows.map((f) => callAuthMethod(ctx.graph, f)))].join(', ')} secrets kept in ${its(element.name)} settings; logs, forks and plugins can leak them.`,
      likelihood: rated('Medium', 'pipeline logs and forks leak secrets routinely'),
      impact: assetImpact(
        sensitive(flows.flatMap((f) => ctx.assetsOf(f.to))), 'confidentiality',
        packagesOnly
          ? rated('Medium', `the secrets open only ${targetNames(ctx, flows)}, where dependencies come from: internal packages and what the key may publish, not production`)
          : rated('High', 'the secrets reach production'),
      ),
      evidence: [evidence(`${flowLabel(shown, ctx)} uses ${callAuthMethod(ctx.graph, shown)}`, callAuth(ctx, shown).at), missing],
    }));
  },
};

const isVault = (ctx: AnalysisContext, f: Flow) => f.to !== f.from && ctx.graph.elements.get(f.to)?.type === 'secrets-vault';
const fromVault = (ctx: AnalysisContext, f: Flow) => f.to !== f.from && ctx.graph.elements.get(f.from)?.type === 'secrets-vault';

export const unsignedImages: ElementRule = {
  id: 'unsigned-images',
  stride: 'T',
  title: 'Container images are not signed',
  description:
    'Workloads run images from a registry without signature verification: whoever can push to the registry (a leaked pipeline token, a registry flaw) replaces what production runs.',
  condition: 'a store of type `container-registry` with flows in or out (images pushed or pulled), without `image-signing` on the registry, and not both halves of signing: `image-signing` on every pipeline that pushes to it (an element of type `ci-cd`, not a pull-based deployer, or a person, with a flow into it) and `signature-verification` (or `image-signing`) on every runtime that pulls from it (any other process with a flow into it or from it), at least one of each. With one half only, the finding is Low and names the missing half',
  mitigation: 'Sign images in the pipeline (Sigstore/cosign, Notation), verify signatures at admission, and deploy by digest rather than tag.',
  action: { text: 'Sign images and verify signatures at deploy for {targets}' },
  mitigatedBy: ['image-signing', 'signature-verification'],
  references: ['CWE-494', 'CWE-345', 'CAPEC-439', 'OWASP CICD-SEC-9'],
  rating: 'Likelihood Low (needs push access to the registry); impact High (code of the attacker\'s choice in production), Medium when the pipelines sign or the runtimes verify but not both.',
  example: 'elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  registry: { tech: ecr }\n  cluster: { tech: kubernetes }\nflows:\n  - dev -> ci: https\n  - ci -> registry: https\n  - registry -> cluster: https',
  appliesTo: 'element',
  kinds: ['store'],
  types: ['container-registry'],
  check(element, ctx) {
    if (element.type !== 'container-registry') return undefined;
    const used = [...ctx.graph.inFlows(element.id), ...ctx.graph.outFlows(element.id)].filter((f) => f.from !== f.to);
    if (used.length === 0) return undefined;
    if (ctx.elementHas(element, 'image-signing')) return mitigatedBy(['image-signing'], elementComponent(element), 'images are signed and verified');
    const { pushers, runtimes } = registryUsers(ctx, element, used);
    const unsigned = pushers.filter((u) => !u.flows.some((f) => f.controls.includes('image-signing')) && !ctx.elementHas(u.element, 'image-signing'));
    const unverified = runtimes.filter((u) => !u.flows.some((f) => VERIFYING.some((c) => f.controls.includes(c))) && !VERIFYING.some((c) => ctx.elementHas(u.element, c)));
    const signed = pushers.length > 0 && unsigned.length === 0;
    const verified = runtimes.length > 0 && unverified.length === 0;
    const names = (us: readonly RegistryUser[]) => namesAtMost(us.map((u) => u.element.name).sort(), TEXT_NAMES, 'others');
    const where = { ...elementComponent(element), flows: flowIds([...pushers, ...runtimes].flatMap((u) => u.flows)) };
    if (signed && verified) {
      return mitigatedBy(['image-signing', 'signature-verification'], where, `${names(pushers)} ${agreeing(pushers.map((u) => u.element.name), 'signs', 'sign')} the images and ${names(runtimes)} ${agreeing(runtimes.map((u) => u.element.name), 'verifies', 'verify')} them before running`);
    }
    if (signed || verified) {
      // One half of signing: images signed that nothing checks, or a check with no signer drawn. The half in
      // place makes a tampered image stand out; the missing one is what lets it run.
      const missingHalf = signed
        ? runtimes.length
          ? `${names(unverified)} ${agreeing(unverified.map((u) => u.element.name), 'runs', 'run')} them without verifying the signature`
          : 'no runtime that pulls them is drawn verifying the signature'
        : pushers.length
          ? `${names(unsigned)} ${agreeing(unsigned.map((u) => u.element.name), 'pushes', 'push')} images without signing them`
          : 'no pipeline that pushes them is drawn signing them';
      const half = signed
        ? `${names(pushers)} ${agreeing(pushers.map((u) => u.element.name), 'signs', 'sign')} the images in ${element.name}`
        : `${names(runtimes)} ${agreeing(runtimes.map((u) => u.element.name), 'verifies', 'verify')} the signatures of images from ${element.name}`;
      const gap: RegistryUser | undefined = signed ? unverified[0] : unsigned[0];
      return threat({
        ...where,
        title: signed ? `Signed images in ${element.name} are not verified before they run` : `Images in ${element.name} are verified but not signed where they are pushed`,
        description: `${half}, but ${missingHalf}; ${signed ? 'a tampered image pushed to the registry still runs' : 'either signing happens outside the model, or the check is not enforced'}.`,
        likelihood: rated('Low', 'needs push access to the registry'),
        impact: rated('Medium', signed
          ? 'a tampered image runs, but its missing signature shows it up afterwards'
          : 'a verifying runtime refuses images without a valid signature; what signs them is not in the model'),
        evidence: [
          evidence(half, (signed ? pushers[0] : runtimes[0]).element.at),
          gap !== undefined
            ? missingControlEvidence(signed ? ['signature-verification'] : ['image-signing'], gap.element)
            : evidence(missingHalf, element.at),
        ],
        mitigation: signed
          ? `Verify image signatures at admission on ${runtimes.length ? names(unverified) : 'every runtime that pulls from the registry'} (Kyverno, Sigstore policy-controller, Connaisseur), and deploy by digest rather than tag.`
          : `Sign images in ${pushers.length ? names(unsigned) : 'the pipelines that push to the registry'} (Sigstore/cosign, Notation) with a keyless or KMS-held key, and deploy by digest rather than tag.`,
      });
    }
    return unlessControlled(ctx, { element }, ['image-signing'], 'images are signed and verified', (missing) => ({
      title: `Unsigned images in ${element.name}`,
      description: `Images in ${element.name} are not signed and verified before they run; a tampered image deploys like a real one.`,
      likelihood: rated('Low', 'needs push access to the registry'),
      impact: rated('High', 'attacker-chosen code in production'),
      evidence: [evidence(`${says(element.name, 'is')} a container registry in use`, element.at), missing],
    }));
  },
};

/** The controls that say a runtime checks an image's signature before running it. */
const VERIFYING = ['signature-verification', 'image-signing'] as const;

/** An element that pushes images to a registry or pulls them from it, with its flows to or from the registry. */
interface RegistryUser {
  element: Element;
  flows: Flow[];
}

/**
 * Who pushes images to a registry and who runs them. Pushers are pipelines (`ci-cd`, not a pull-based deployer,
 * which only reads tags and digests) and people with a flow into it; runtimes are the other processes with a
 * flow into it (a pull) or from it (images handed over). Each once, in model order of their first flow.
 */
function registryUsers(ctx: AnalysisContext, registry: Element, used: readonly Flow[]): { pushers: RegistryUser[]; runtimes: RegistryUser[] } {
  const pushers = new Map<string, RegistryUser>();
  const runtimes = new Map<string, RegistryUser>();
  for (const f of used) {
    const into = f.to === registry.id;
    const other = ctx.graph.elements.get(into ? f.from : f.to);
    if (other === undefined) continue;
    const pipeline = other.type === 'ci-cd' && pullDeployer(ctx, other) === undefined;
    const list = into && (pipeline || isPerson(other)) ? pushers : other.kind === 'process' && other.type !== 'ci-cd' ? runtimes : undefined;
    if (list === undefined) continue;
    const u = list.get(other.id);
    if (u) u.flows.push(f);
    else list.set(other.id, { element: other, flows: [f] });
  }
  return { pushers: [...pushers.values()], runtimes: [...runtimes.values()] };
}

/** Words that name code a device installs, in an asset's id or name: firmware, OTA images, software updates. */
const FIRMWARE_WORDS = /(?:^|[^a-z])(?:firmware|ota|over[- ]the[- ]air|bootloader|software[- ]?updates?)(?:$|[^a-z])/i;
/** Words that name a route serving firmware ("update" alone is too common in routes: `/settings/update`). */
const FIRMWARE_ROUTE = /(?:^|[^a-z])(?:firmware|ota|over[- ]the[- ]air)(?:$|[^a-z])/i;
/** Words that name a service or store handing devices their updates. */
const UPDATER_WORDS = /(?:^|[^a-z])(?:firmware|ota|over[- ]the[- ]air|updates?|updater)(?:$|[^a-z])/i;

/**
 * Words that name something about firmware that is not the code itself: a command or job that tells a device to
 * update, a status or version it reports, a notification. "Device commands (relay on/off, firmware update)" is a command.
 */
const NOT_CODE_WORDS = /(?:^|[^a-z])(?:commands?|instructions?|jobs?|status(?:es)?|versions?|notifications?|reports?)(?:$|[^a-z])/i;
/** Asset types that are never code a device installs: a firmware signing key is a secret, a firmware version report telemetry. */
const NOT_CODE_TYPES: ReadonlySet<string> = new Set(['secrets', 'credentials', 'session', 'telemetry', 'logs', 'pii']);
/** A name without its parenthesised asides: "Commands (incl. firmware update)" is about commands. */
const headOf = (name: string): string => name.replace(/\([^)]*\)/g, ' ');

/**
 * An asset that is code for devices, by its id or name (the catalogue has no asset type for it): the words say
 * firmware outside any parenthesised aside, and neither they nor its type say it is a command, job, status,
 * version, report or notification about firmware, or a key, credential or telemetry.
 */
export const isFirmware = (a: Asset): boolean => {
  if (a.type !== undefined && NOT_CODE_TYPES.has(a.type)) return false;
  const name = headOf(a.name);
  return (FIRMWARE_WORDS.test(a.id) || FIRMWARE_WORDS.test(name)) && !NOT_CODE_WORDS.test(a.id) && !NOT_CODE_WORDS.test(name);
};
const namesUpdates = (id: string, name: string): boolean => UPDATER_WORDS.test(id) || UPDATER_WORDS.test(name);

/** A flow by which a device receives code, and what in the model says so. */
export interface FirmwareDelivery {
  device: Element;
  /** Where the device gets its code: the flow's target when the device pulls it, the source when it is pushed. */
  source: Element;
  pulled: boolean;
  /** The firmware assets the model names on the way (empty when only a name says it is an update service). */
  firmware: readonly Asset[];
  why: EvidenceRef;
}

/**
 * Whether a flow between a device and a service or store (not a person, an app or another device) delivers
 * code to the device, by what the model says, first match wins: the flow carries firmware; the endpoint it
 * names returns firmware or has a route about firmware or OTA; and, for a flow that names no data (one that
 * names data moves that data only), the element the device gets it from handles or stores firmware, or reads
 * it from a store that does, or its id or name says it hands out firmware or updates (`ota`, `firmware-server`,
 * `Update service`). Firmware is what isFirmware says.
 */
export function firmwareDelivery(ctx: AnalysisContext, f: Flow): FirmwareDelivery | undefined {
  if (f.from === f.to) return undefined;
  const from = ctx.graph.elements.get(f.from);
  const to = ctx.graph.elements.get(f.to);
  if (from === undefined || to === undefined) return undefined;
  const pulled = from.type === 'device';
  const device = pulled ? from : to;
  const source = pulled ? to : from;
  if (device.type !== 'device' || source.type === 'device' || isPersonOrAgent(source)) return undefined;
  const label = flowLabel(f, ctx);
  const found = (firmware: readonly Asset[], why: EvidenceRef): FirmwareDelivery => ({ device, source, pulled, firmware, why });
  const carried = ctx.assetsOfFlow(f).filter(isFirmware);
  if (carried.length) return found(carried, evidence(`${label} carries ${assetNames(carried)}`, [...f.at, 'data']));
  const ep = pulled && f.endpoint ? ctx.graph.endpoints.get(f.endpoint) : undefined;
  if (ep !== undefined) {
    const returned = assetList(ctx, ep.returns).filter(isFirmware);
    if (returned.length) return found(returned, evidence(`${ep.key} on ${source.name} returns ${assetNames(returned)}`, [...ep.at, 'returns']));
    if (FIRMWARE_ROUTE.test(ep.route)) return found([], evidence(`${label} calls ${ep.key}, a route for firmware`, f.at));
  }
  // What the flow names is what it moves: a meter uploading readings to the service that also hands out
  // firmware pulls none of it. Only a flow naming no data is read from what its other end holds.
  if (f.data.length) return undefined;
  const held = assetList(ctx, [...source.handles, ...source.stores]).filter(isFirmware);
  if (held.length) return found(held, evidence(`${says(source.name, source.kind === 'store' ? 'stores' : 'handles')} ${assetNames(held)}`, source.at));
  for (const g of ctx.graph.outFlows(source.id)) {
    const store = ctx.graph.elements.get(g.to);
    const kept = store?.kind === 'store' ? assetList(ctx, store.stores).filter(isFirmware) : [];
    if (kept.length) return found(kept, evidence(`${says(source.name, 'reads')} ${assetNames(kept)} from ${store!.name}`, g.at));
  }
  // A name alone says little when the device sends data there ("status updates"): only for a plain fetch.
  if (namesUpdates(source.id, source.name)) return found([], evidence(`${says(source.name, 'is')} named as an update service`, source.at));
  return undefined;
}

/**
 * Whether some flow of the device delivers code to it (firmwareDelivery): what unsigned-firmware-update judges,
 * and what key-migrations asks of a device whose finding is gone since a flow naming data moves only that data.
 */
export const receivesFirmware = (ctx: AnalysisContext, device: Element): boolean =>
  [...ctx.graph.outFlows(device.id), ...ctx.graph.inFlows(device.id)].some((f) => firmwareDelivery(ctx, f)?.device.id === device.id);

/** The stores that keep the firmware: whoever can write there chooses what the fleet installs. */
function firmwareStores(ctx: AnalysisContext, firmware: readonly Asset[]): Element[] {
  if (firmware.length === 0) return [];
  const keeping = storesByAsset(ctx);
  return [...new Set(firmware.flatMap((a) => keeping.get(a.id) ?? []))];
}

/** The stores keeping each asset, indexed once per analysis: every device of a fleet asks. */
function storesByAsset(ctx: AnalysisContext): ReadonlyMap<string, Element[]> {
  let table = ctx.memo.get('stores-by-asset') as Map<string, Element[]> | undefined;
  if (table === undefined) {
    table = new Map();
    for (const e of ctx.graph.model.elements) {
      if (e.kind !== 'store') continue;
      for (const a of e.stores) {
        const stores = table.get(a);
        if (stores === undefined) table.set(a, [e]);
        else stores.push(e);
      }
    }
    ctx.memo.set('stores-by-asset', table);
  }
  return table;
}

const FIRMWARE_CONTROLS = ['signature-verification'] as const;

export const unsignedFirmwareUpdate: ElementRule = {
  id: 'unsigned-firmware-update',
  stride: 'T',
  title: 'Devices install updates without verifying a signature',
  description:
    'Devices download or are sent firmware (code they install) without checking a signature made by the vendor: whoever controls the update service, the store that holds the images or the network path installs code of their choice on the whole fleet.',
  condition: 'an element of type `device` with a flow that delivers code to it (pulled by the device or pushed to it), without `signature-verification` on the device or on that flow. A flow delivers code when it carries firmware; or names an endpoint that returns firmware or whose route says firmware or ota; or, for a flow that names no data (a flow naming data moves only that data: a meter uploading readings to the service that also hands out firmware pulls none), the service or store on the other end handles or stores firmware, or reads it from a store that does, or its id or name says firmware, ota, over-the-air or update(s). Firmware is an asset whose id or name says firmware, ota, over-the-air, bootloader or software update (outside a parenthesised aside), and says no command(s), instruction(s), job(s), status, version(s), notification(s) or report(s), and whose type is not secrets, credentials, session, telemetry, logs or pii: `firmware: { name: Firmware images, integrity: high }` handled by the update service is enough; "Device commands (relay on/off, firmware update)" is a command, and a firmware signing key a secret',
  mitigation: 'Sign firmware in the release pipeline with a key kept outside the update service (an HSM or offline), have devices verify the signature and refuse older versions before installing (secure boot, anti-rollback), and roll updates out in stages; declare `signature-verification` on the device.',
  action: { text: 'Sign firmware and verify signatures on {targets} before installing' },
  mitigatedBy: FIRMWARE_CONTROLS,
  references: ['CWE-494', 'CWE-347', 'CAPEC-657', 'OWASP IoT Top 10 I4'],
  rating: 'Likelihood Medium (needs control of the update service, its storage or the pipeline), High when the update travels in cleartext (anyone on the path swaps it); impact High (code of the attacker\'s choice on every device).',
  example: "assets:\n  firmware: { name: Firmware images, integrity: high }\nelements:\n  sensor: { type: device }\n  ota: { type: service, handles: [firmware] }\nflows:\n  - sensor -> ota: https",
  appliesTo: 'element',
  kinds: ['external'],
  types: ['device'],
  check(element, ctx) {
    if (element.type !== 'device') return undefined;
    const deliveries: FirmwareDelivery[] = [];
    const flows: Flow[] = [];
    for (const f of [...ctx.graph.outFlows(element.id), ...ctx.graph.inFlows(element.id)]) {
      const d = firmwareDelivery(ctx, f);
      if (d === undefined || d.device.id !== element.id) continue;
      deliveries.push(d);
      flows.push(f);
    }
    if (deliveries.length === 0) return undefined;
    const component = { ...elementComponent(element), flows: flowIds(flows) };
    if (ctx.elementHas(element, 'signature-verification')) {
      return mitigatedBy(['signature-verification'], component, 'devices verify the signature of what they install');
    }
    const open = flows.filter((f) => !f.controls.includes('signature-verification'));
    if (open.length === 0) return mitigatedBy(['signature-verification'], component, 'every update is signature-checked on the way to the devices');
    const sources = [...new Set(open.map((f) => deliveries[flows.indexOf(f)].source.name))].sort();
    const firmware = [...new Set(open.flatMap((f) => deliveries[flows.indexOf(f)].firmware))];
    const stores = firmwareStores(ctx, firmware).filter((s) => !sources.includes(s.name)).map((s) => s.name).sort();
    const cleartext = open.filter((f) => !f.encrypted);
    const fleet = `the fleet of ${element.name}${element.replicas !== undefined && element.replicas > 1 ? ` (${element.replicas} devices)` : ''}`;
    const what = firmware.length ? assetNames(firmware) : 'updates';
    const controllers = [...sources, ...stores];
    return threat({
      ...component,
      flows: flowIds(open),
      title: `${says(element.name, 'installs')} ${what} from ${sources.join(', ')} without verifying a signature`,
      description: `${says(element.name, 'receives')} ${what} from ${sources.join(', ')} and nothing says ${it(element.name)} ${verbFor(element.name, 'checks')} a vendor signature before installing; whoever controls ${controllers.join(' or ')}${cleartext.length ? ', or the cleartext path,' : ''} can push firmware of their choice to ${fleet}.`,
      likelihood: cleartext.length
        ? rated('High', `${flowLabel(cleartext[0], ctx)} is cleartext: anyone on the path swaps the update`)
        : rated('Medium', `needs control of ${controllers.join(', ')} or the release pipeline: a foothold`),
      impact: rated('High', `code of the attacker's choice runs on ${fleet}`),
      evidence: [
        ...open.slice(0, 3).map((f) => deliveries[flows.indexOf(f)].why),
        ...open.slice(0, 3).map((f) => evidence(`${flowLabel(f, ctx)} delivers code to ${element.name}`, f.at)),
        missingControlEvidence(FIRMWARE_CONTROLS, element),
      ],
      target: element.name,
    });
  },
};

/**
 * Words that name a key that signs code or releases, in an asset's id or name: "Firmware signing key", `fw-key`,
 * "Code signing certificate", "Release key".
 */
const SIGNING_KEY_WORDS =
  /(?:^|[^a-z])(?:sign(?:ing)?[- _]?(?:keys?|certs?|certificates?|identity)|(?:code|firmware|fw|release|ota|update|package|artifact|cosign)[- _]?(?:sign(?:ing)?[- _]?)?(?:private[- _]?)?(?:keys?|certs?|certificates?))(?:$|[^a-z])/i;
/** Words that name a key that signs tokens, sessions or requests: no code is signed with it (forgeable-tokens is about those). */
const TOKEN_KEY_WORDS = /(?:^|[^a-z])(?:jwt|jws|jwks|tokens?|sessions?|cookies?|saml|oidc|webhooks?|hmac|requests?|api)(?:$|[^a-z])/i;
const SIGNING_KEY_TYPES: ReadonlySet<string> = new Set(['secrets', 'credentials']);

/** An asset that is a key signing code or releases: a secret or credential whose id or name says so. */
export const isCodeSigningKey = (a: Asset): boolean =>
  a.type !== undefined && SIGNING_KEY_TYPES.has(a.type) &&
  (SIGNING_KEY_WORDS.test(a.id) || SIGNING_KEY_WORDS.test(a.name)) && !TOKEN_KEY_WORDS.test(a.id) && !TOKEN_KEY_WORDS.test(a.name);

/** Words that name a service that signs for its callers, keeping the key: a KMS, an HSM, a key vault, a signer. */
const SIGNER_WORDS = /(?:^|[^a-z])(?:kms|hsm|cloudhsm|key[- ]?vault|signing|signer)(?:$|[^a-z])/i;

/** The signing keys an element keeps: those it handles or stores, and those flows bring it. */
function keptKeys(ctx: AnalysisContext, e: Element): Asset[] {
  const ids = new Set([...e.handles, ...e.stores]);
  for (const f of ctx.graph.inFlows(e.id)) if (f.from !== e.id) for (const id of f.data) ids.add(id);
  return assetList(ctx, [...ids]).filter(isCodeSigningKey);
}

/**
 * Whether an element's tech, id or name says it may sign for its callers (a KMS, an HSM, a key vault, a signer): only
 * where code is signed at all, since vaults keep deploy secrets too; keeping a signing key says so alone (keptKeys).
 */
const isSigner = (e: Element): boolean => nameSays(e, SIGNER_WORDS);

/** A device that checks the signature of firmware a pipeline ships, and the firmware it checks. */
interface Verifier {
  device: Element;
  firmware: Asset[];
}

/**
 * Per model, the devices that verify the signature of firmware delivered to them (`signature-verification` on the
 * device or on the flow it receives the firmware over), in model order, each with that firmware in the order its
 * flows deliver it; and, per firmware asset, the positions in that list of the devices verifying it. Found once:
 * asked per pipeline, walking every device's flows made a model of many pipelines and devices quadratic.
 */
interface VerifyingFleet {
  devices: Verifier[];
  byFirmware: ReadonlyMap<string, readonly number[]>;
  /** Per set of shipped firmware (its ids joined), what verifies it: pipelines mostly ship the same. */
  shipped: Map<string, Verifying>;
}

/**
 * The devices verifying what a pipeline ships, and what the finding says of them, made once per set of shipped
 * firmware: a fleet named in every pipeline's finding was sorted and joined once per pipeline.
 */
interface Verifying {
  verifiers: readonly Verifier[];
  /** The devices, by name (namesAtMost of their sorted names). */
  named: string;
  /** The verbs agreeing with them: "meter trusts", "meter and sensor trust". */
  trusts: string;
  verifies: string;
  /** The firmware they verify, each once. */
  firmware: readonly Asset[];
}

const NO_VERIFIERS: Verifying = { verifiers: [], named: '', trusts: 'trust', verifies: 'verify', firmware: [] };

const verifyingFleet: (ctx: AnalysisContext) => VerifyingFleet = perModel((ctx) => {
  const devices: Verifier[] = [];
  const byFirmware = new Map<string, number[]>();
  for (const device of ctx.graph.model.elements) {
    if (device.type !== 'device') continue;
    const checks = ctx.elementHas(device, 'signature-verification');
    const firmware = new Set<Asset>();
    for (const f of [...ctx.graph.outFlows(device.id), ...ctx.graph.inFlows(device.id)]) {
      if (!(checks || f.controls.includes('signature-verification'))) continue;
      const d = firmwareDelivery(ctx, f);
      if (d === undefined || d.device.id !== device.id) continue;
      for (const a of d.firmware) firmware.add(a);
    }
    if (firmware.size === 0) continue;
    for (const a of firmware) pushTo(byFirmware, a.id, devices.length);
    devices.push({ device, firmware: [...firmware] });
  }
  return { devices, byFirmware, shipped: new Map() };
});

/**
 * The devices that verify the signature of firmware the pipeline ships (over its flows, or handles and deploys):
 * `signature-verification` on the device or on the flow it receives the firmware over.
 */
function verifiersOf(ctx: AnalysisContext, pipeline: Element): Verifying {
  const shipped = new Set<string>();
  for (const f of deployTargets(ctx, pipeline)) for (const a of ctx.assetsOfFlow(f)) if (isFirmware(a)) shipped.add(a.id);
  if (shipped.size === 0) return NO_VERIFIERS;
  const fleet = verifyingFleet(ctx);
  const key = [...shipped].sort().join('\n');
  let found = fleet.shipped.get(key);
  if (found === undefined) {
    const at = [...new Set([...shipped].flatMap((id) => fleet.byFirmware.get(id) ?? []))].sort((a, b) => a - b);
    const verifiers = at.map((i) => ({ device: fleet.devices[i].device, firmware: fleet.devices[i].firmware.filter((a) => shipped.has(a.id)) }));
    const names = verifiers.map((v) => v.device.name).sort();
    found = verifiers.length === 0 ? NO_VERIFIERS : {
      verifiers,
      named: namesAtMost(names, TEXT_NAMES, 'other devices'),
      trusts: agreeing(names, 'trusts', 'trust'),
      verifies: agreeing(names, 'verifies', 'verify'),
      firmware: [...new Set(verifiers.flatMap((v) => v.firmware))],
    };
    fleet.shipped.set(key, found);
  }
  return found;
}

/** The elements that keep a code-signing key (keptKeys), in model order, at most the first two: "another than this one" needs no more. */
const keyKeepers: (ctx: AnalysisContext) => readonly string[] = perModel((ctx) => {
  const ids: string[] = [];
  for (const e of ctx.graph.model.elements) {
    if (keptKeys(ctx, e).length === 0) continue;
    ids.push(e.id);
    if (ids.length === 2) break;
  }
  return ids;
});

/** Whether an element other than this one keeps a code-signing key: an offline signer signs, not the pipeline. */
const anotherKeepsKey = (ctx: AnalysisContext, e: Element): boolean => keyKeepers(ctx).some((id) => id !== e.id);

/** Whether a flow from the pipeline carries a code-signing key (one into it makes the pipeline keep it: keptKeys). */
const sendsSigningKey = (ctx: AnalysisContext, pipeline: Element): boolean =>
  ctx.graph.outFlows(pipeline.id).some((f) => f.to !== pipeline.id && assetList(ctx, f.data).some(isCodeSigningKey));

const SIGNING_APPROVAL = ['human-approval'] as const;

export const signingKeyInPipeline: ElementRule = {
  id: 'signing-key-in-pipeline',
  stride: 'T',
  title: 'The pipeline holds the key that signs what devices trust',
  description:
    'A build pipeline keeps the key that signs firmware or releases, or signs through a signing service with no approval before release signing: a device\'s signature check is only as strong as that key, and whoever runs code in the pipeline (a malicious pull request, a compromised action or dependency) signs code of their choice, or copies the key and signs offline for as long as it stays trusted.',
  condition: 'an element of type `ci-cd` that keeps a code-signing key (an asset of type `secrets` or `credentials` whose id or name says signing key or certificate, or code, firmware, fw, release, ota, update, package, artifact or cosign (private) key, and not jwt, token, session, cookie, saml, oidc, webhook, hmac, request or api: it handles or stores it, or a flow brings it); or that ships firmware (a flow of its to our own elements carries it) that a device verifies (`signature-verification` on the device or on the flow it gets the firmware over) while no other element keeps a signing key and it calls no signing service: it signs with a key of its own. Calling a signing service instead (a flow to an element that keeps a signing key, or whose tech, id or name says kms, hsm, cloudhsm, key vault, signing or signer when the pipeline ships firmware a device verifies or a flow from it carries a signing key: a vault or KMS alone may keep only deploy secrets) keeps the key out of the pipeline; that is still reported, one step less likely, without `human-approval` on the pipeline or on its flow to the service (a person approves release signing)',
  mitigation: 'Sign through a KMS- or HSM-backed signing service that the pipeline calls with a short-lived identity (OIDC federation), so that the key never enters a job; require protected branches and an approval (a protected environment) before the release job signs; and separate signing from the build: a dedicated release job or service signs only artefacts built from reviewed commits.',
  action: { text: 'Move release signing out of {targets} into an HSM- or KMS-backed signing service with approval' },
  mitigatedBy: SIGNING_APPROVAL,
  references: ['CWE-522', 'CWE-321', 'CAPEC-206', 'OWASP CICD-SEC-6', 'OWASP CICD-SEC-9'],
  rating: 'Likelihood Medium when the pipeline keeps the key (pipeline logs, forks and compromised actions leak secrets routinely, and a copied key signs offline), Low when it signs through a signing service with no approval (needs code execution in a pipeline job, and signs only while one runs); impact High (code signed with the real key passes the signature check on every device).',
  example: "assets:\n  fw-key: { name: Firmware signing key, type: secrets, classification: restricted }\nelements:\n  dev: { type: developer }\n  ci: { tech: github-actions, handles: [fw-key] }\nflows:\n  - dev -> ci: https",
  appliesTo: 'element',
  kinds: ['process'],
  types: ['ci-cd'],
  check(element, ctx) {
    if (element.type !== 'ci-cd') return undefined;
    const keys = keptKeys(ctx, element);
    const verifying = verifiersOf(ctx, element);
    const { verifiers, named } = verifying;
    // A vault or KMS named as such keeps deploy secrets as often as signing keys: it counts as the signer only
    // where something says code is signed (firmware devices verify, a signing key the pipeline sends).
    const signs = verifiers.length > 0 || sendsSigningKey(ctx, element);
    const services = ctx.graph.outFlows(element.id).filter((f) => {
      const t = ctx.graph.elements.get(f.to);
      return t !== undefined && f.to !== element.id && (keptKeys(ctx, t).length > 0 || (signs && isSigner(t)));
    });
    const impact = verifiers.length
      ? rated('High', `code signed with the real key passes the signature check on ${named}`)
      : rated('High', 'code signed with the real key passes every signature check that trusts it');
    const checked = verifiers.length
      ? [evidence(`${says(verifiers[0].device.name, 'verifies')} the signature of ${assetNames(verifiers[0].firmware)}`, verifiers[0].device.at)]
      : [];
    if (keys.length) {
      const where = element.handles.some((id) => keys.some((k) => k.id === id)) ? 'handles' : element.stores.some((id) => keys.some((k) => k.id === id)) ? 'stores' : undefined;
      const brought = ctx.graph.inFlows(element.id).find((f) => f.from !== element.id && f.data.some((id) => keys.some((k) => k.id === id)));
      return threat({
        ...elementComponent(element),
        title: `${assetNames(keys)} ${isOrAre(keys)} kept in ${element.name}`,
        description: `${says(element.name, 'keeps')} ${assetNames(keys)}${verifiers.length ? `, which ${named} ${verifying.trusts}` : ''}; whoever runs code in ${element.name} (a malicious pull request, a compromised action or dependency) can copy ${keys.length === 1 ? 'it' : 'them'} and sign code of their choice, offline, until ${keys.length === 1 ? 'it is' : 'they are'} revoked.`,
        likelihood: rated('Medium', 'pipeline logs, forks and compromised actions leak secrets routinely, and a copied key signs offline'),
        impact,
        evidence: [
          where !== undefined || brought === undefined
            ? evidence(`${says(element.name, where ?? 'handles')} ${assetNames(keys)}`, where ? [...element.at, where] : element.at)
            : evidence(`${flowLabel(brought, ctx)} brings ${assetNames(keys)} into ${element.name}`, [...brought.at, 'data']),
          ...checked,
          evidence(`no HSM or signing service keeps the key out of ${element.name}`, element.at),
        ],
      });
    }
    if (services.length) {
      const where = { ...elementComponent(element), flows: flowIds(services) };
      const approved = ctx.elementHas(element, 'human-approval') || services.every((f) => f.controls.includes('human-approval'));
      const signers = [...new Set(services.map((f) => ctx.graph.elements.get(f.to)!.name))].sort();
      if (approved) return mitigatedBy([...SIGNING_APPROVAL], where, `the key stays in ${signers.join(', ')}, and a person approves release signing`);
      return threat({
        ...where,
        title: `${says(element.name, 'signs')} through ${namesAtMost(signers, TITLE_NAMES, 'other services')} with no approval`,
        description: `${says(element.name, 'signs')} through ${namesAtMost(signers, TEXT_NAMES, 'other services')}, which ${agreeing(signers, 'keeps', 'keep')} the key out of the pipeline, but nothing says a person approves release signing; whoever runs code in a job of ${element.name} can have code of their choice signed while it runs.`,
        likelihood: rated('Low', 'needs code execution in a pipeline job, and signs only while one runs: the key stays in the service'),
        impact,
        evidence: [evidence(`${flowLabel(services[0], ctx)} calls a signing service`, services[0].at), ...checked, missingControlEvidence(SIGNING_APPROVAL, element)],
      });
    }
    if (verifiers.length === 0) return undefined;
    // Signing happens where a key is kept: another element keeping one (an offline signer) signs, not the pipeline.
    if (anotherKeepsKey(ctx, element)) return undefined;
    const { firmware } = verifying;
    return threat({
      ...elementComponent(element),
      title: `${says(element.name, 'signs')} ${assetNames(firmware)} with a key of ${its(element.name)} own`,
      description: `${says(element.name, 'ships')} ${assetNames(firmware)}, which ${named} ${verifying.verifies} before installing, and nothing says the signing key is kept out of ${itObject(element.name)} (no signing service, no other element keeping it): whoever runs code in ${element.name} can take the key and sign code of their choice.`,
      likelihood: rated('Medium', 'pipeline logs, forks and compromised actions leak secrets routinely, and a copied key signs offline'),
      impact,
      evidence: [...checked, evidence(`${says(element.name, 'ships')} ${assetNames(firmware)} and calls no signing service`, element.at)],
    });
  },
};

export const dependencyConfusion: ElementRule = {
  id: 'dependency-confusion',
  stride: 'T',
  title: 'Builds can pull malicious public packages',
  description:
    'A pipeline resolves dependencies without pinning them to versions, hashes and a private registry: a public package with an internal package\'s name (dependency confusion) or a hijacked version runs in the build.',
  condition: `an element of type \`ci-cd\` that is not a pull-based deployer, without \`dependency-pinning\`. ${PULL_DEPLOYER_TEXT}`,
  mitigation: 'Pin dependencies with lock files and hashes, resolve internal names only from the private registry (scoped names, a single proxy), and review dependency updates.',
  action: { text: 'Pin dependencies and resolve them through a private registry in {targets}' },
  mitigatedBy: ['dependency-pinning'],
  references: ['CWE-1357', 'CWE-829', 'CAPEC-538', 'OWASP CICD-SEC-3', 'OWASP Top 10 A06'],
  rating: 'Likelihood Medium (squatting internal names is automated); impact High (code execution in the build and the product).',
  example: 'elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\nflows:\n  - dev -> ci: https',
  appliesTo: 'element',
  kinds: ['process'],
  types: ['ci-cd'],
  check(element, ctx) {
    // A pull-based deployer resolves no dependencies: it applies what was built elsewhere.
    if (element.type !== 'ci-cd' || pullDeployer(ctx, element) !== undefined) return undefined;
    return unlessControlled(ctx, { element }, ['dependency-pinning'], 'dependencies are pinned to a private registry', (missing) => ({
      title: `${element.name} can pull malicious packages`,
      description: `${says(element.name, 'builds')} code whose dependencies are not declared pinned to hashes and a private registry; a look-alike or hijacked package runs in the build.`,
      likelihood: rated('Medium', 'squatting internal package names is automated'),
      impact: rated('High', 'code execution in the build and in what it ships'),
      evidence: [evidence(`${says(element.name, 'is')} a build pipeline`, element.at), missing],
    }));
  },
};

export const cloudConsoleWithoutMfa: ElementRule = {
  id: 'cloud-console-without-mfa',
  stride: 'S',
  title: 'Cloud console access without MFA',
  description:
    'People sign in to the cloud provider\'s console without MFA: one phished password controls every resource in the account.',
  condition: 'an element of type `cloud-console` with flows in from people (admin, developer, support-staff, user), without `mfa` on the console or on the flows',
  mitigation: 'Enforce phishing-resistant MFA for every console user through single sign-on, remove long-lived root and user keys, and alert on console sign-ins.',
  action: { key: 'admin-mfa', text: 'Require MFA for administrators on {targets}' },
  mitigatedBy: ['mfa'],
  references: ['CWE-308', 'CAPEC-560', 'OWASP Top 10 A07'],
  rating: 'Likelihood Medium (phishing and password reuse); impact High (the whole cloud account).',
  example: 'elements:\n  ops: { type: admin }\n  console: { tech: aws-console }\nflows:\n  - ops -> console: https',
  appliesTo: 'element',
  kinds: ['process'],
  types: ['cloud-console'],
  check(element, ctx) {
    if (element.type !== 'cloud-console') return undefined;
    const people = ctx.graph.inFlows(element.id).filter((f) => isPerson(ctx.graph.elements.get(f.from)));
    if (people.length === 0) return undefined;
    const where = { ...elementComponent(element), flows: people.map((f) => f.id) };
    const present = presentControls(ctx, ['mfa'], element);
    // Those who sign in with MFA are not named among those who do not.
    const without = people.filter((f) => !f.controls.includes('mfa'));
    if (present.length || without.length === 0) return mitigatedBy(['mfa'], where, 'console users sign in with MFA');
    const names = without.map((f) => ctx.graph.elements.get(f.from)?.name ?? f.from);
    const one = new Set(names).size === 1;
    // A plural name is a group of people: one of them is phished, not the whole group.
    const phished = one && !isGroupName(names[0]) ? names[0] : 'one of them';
    return threat({
      ...where,
      title: `${element.name} accessible without MFA`,
      description: `${namesAtMost(names, TEXT_NAMES, 'other people')} ${one ? verbFor(names[0], 'signs') : 'sign'} in to ${element.name} with no second factor; phishing ${phished} yields the whole cloud account.`,
      likelihood: rated('Medium', 'phishing and password reuse: some skill'),
      impact: rated('High', 'every resource in the cloud account'),
      evidence: [evidence(`${flowLabel(without[0], ctx)} signs in to the console`, without[0].at), missingControlEvidence(['mfa'], element)],
    });
  },
};

export const privilegedContainer: ElementRule = {
  id: 'privileged-container',
  stride: 'E',
  title: 'Privileged container',
  description:
    'A containerised workload runs privileged (or as root with host access): a compromise of the application escapes the container to the node and every workload on it.',
  condition: 'a process marked `privileged: true` that is a container (the `container` trait, or in a boundary of kind `container`), without `sandboxing`',
  mitigation: 'Run as a non-root user without the privileged flag, drop capabilities, use a read-only root file system, and enforce this with admission policies (Pod Security "restricted").',
  action: { key: 'drop-privileges', text: 'Drop root privileges from {targets}' },
  mitigatedBy: ['sandboxing'],
  references: ['CWE-250', 'CWE-269', 'CAPEC-69', 'CIS Kubernetes 5.2'],
  rating: 'Likelihood Medium when the workload is reachable from an untrusted zone, Low otherwise; impact High (the node and its neighbours).',
  example: "boundaries:\n  cluster: { kind: container }\nelements:\n  visitor: { tech: browser }\n  agent: { type: service, in: cluster, privileged: true }\nflows:\n  - visitor -> agent: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!element.privileged || !inContainer(ctx, element)) return undefined;
    return unlessControlled(ctx, { element }, ['sandboxing'], 'the container is sandboxed', (missing) => ({
      title: `${says(element.name, 'runs')} as a privileged container`,
      description: `${says(element.name, 'is')} a privileged container; escaping ${itObject(element.name)} gives the node and every workload on it.`,
      likelihood: isExposed(ctx.exposure(element.id))
        ? rated('Medium', 'reachable from an untrusted zone: one application flaw is the way in')
        : rated('Low', 'internal: needs a prior foothold'),
      impact: rated('High', 'the node and every workload on it'),
      evidence: [evidence(`${says(element.name, 'is')} privileged`, [...element.at, 'privileged']), missing],
    }));
  },
};

export const containerEscape: ModelRule = {
  id: 'container-escape',
  stride: 'E',
  title: 'Internet-facing and sensitive workloads share a container platform',
  description:
    'A container boundary (a shared cluster or host) runs both internet-facing application code and workloads handling restricted data: one container escape from the exposed workload reaches the sensitive ones.',
  condition: 'a boundary of kind `container` holding, directly or through boundaries nested in it, at least one process running application code with exposure `internet` and at least one other element handling or storing restricted assets (which may be internet-facing itself: per-team namespaces whose every service faces the internet still share the kernel), without `sandboxing` on the boundary or on every such internet-facing process (itself or a boundary around it). A nested boundary of kind `service`, `data-tier`, `privilege` or `network` (namespaces, tiers, network segments; `network` is also the kind of a boundary that names none) shares the platform\'s hosts and kernel, so its members count; one of kind `container` is a platform of its own (another cluster, node pool or host), judged on its own, and one of kind `cloud` holds a provider\'s managed services, which run on the provider\'s machines: their members do not count',
  mitigation: 'Run sensitive workloads on separate nodes or clusters (taints, node pools), sandbox untrusted workloads (gVisor, Kata), and keep the runtime and kernel patched.',
  action: { text: 'Isolate sensitive workloads from internet-facing ones in {targets}' },
  mitigatedBy: ['sandboxing'],
  references: ['CWE-653', 'CWE-1189', 'CAPEC-69'],
  rating: 'Likelihood Low (a container escape needs a kernel or runtime flaw); impact High (restricted data).',
  example: "assets:\n  cards: { classification: restricted }\nboundaries:\n  cluster: { kind: container }\nelements:\n  visitor: { tech: browser }\n  web: { type: web-app, in: cluster }\n  ledger: { type: service, in: cluster, handles: [cards] }\nflows:\n  - visitor -> web: https\n  - web -> ledger: https",
  appliesTo: 'model',
  check(ctx) {
    const out: Outcome[] = [];
    const membersOf = new Map<string, Element[]>();
    for (const e of ctx.graph.model.elements) {
      const platform = platformOf(ctx, e);
      if (platform !== undefined) pushTo(membersOf, platform.id, e);
    }
    for (const b of ctx.graph.model.boundaries) {
      if (b.kind !== 'container') continue;
      const members = membersOf.get(b.id) ?? [];
      const holding = members.filter((e) => heldRestricted(ctx, e).length > 0);
      // An internet-facing workload escapes to the others: it counts when some other member holds restricted
      // data, and one that holds restricted data itself is a target for the others (per-team namespaces whose
      // every service faces the internet still share the kernel).
      const facesInternet = (e: Element) => runsAppCode(e) && ctx.exposure(e.id) === 'internet';
      const exposed = members.filter((e) => facesInternet(e) && holding.some((s) => s !== e));
      if (exposed.length === 0) continue;
      const where = { component: b.id, componentKind: 'boundary' as const };
      if (b.controls.includes('sandboxing')) {
        out.push(mitigatedBy(['sandboxing'], where, 'workloads are sandboxed'));
        continue;
      }
      // A sandboxed internet-facing workload does not escape: only the others open the way.
      const open = exposed.filter((e) => !ctx.elementHas(e, 'sandboxing'));
      if (open.length === 0) {
        out.push(mitigatedBy(['sandboxing'], where, 'internet-facing workloads are sandboxed'));
        continue;
      }
      // What an escape from an open workload reaches: the members holding restricted data, other than itself.
      const sensitiveMembers = holding.filter((s) => open.some((e) => e !== s));
      const facing = sensitiveMembers.filter(facesInternet).map((s) => s.name);
      const data = [...new Set(sensitiveMembers.flatMap((e) => heldRestricted(ctx, e)))];
      const restrictedData = assetNames(data);
      const sources = open.map((e) => e.name).join(', ');
      // The evidence shows one way across: from the first open workload to a member other than itself.
      const target = sensitiveMembers.find((s) => s !== open[0])!;
      // Per-team namespaces whose every service faces the internet and holds restricted data: each escapes to the others.
      const mutual = open.length === sensitiveMembers.length && open.every((e) => sensitiveMembers.includes(e));
      out.push(threat({
        ...where,
        title: mutual
          ? `Container escape between ${sources} in ${b.name}`
          : `Container escape from ${sources} to ${sensitiveMembers.map((e) => e.name).join(', ')} in ${b.name}`,
        description: mutual
          ? `${says(b.name, 'runs')} internet-facing ${sources}, each holding restricted data (${restrictedData}); a container escape from one reaches the others.`
          : `${says(b.name, 'runs')} internet-facing ${sources} next to ${sensitiveMembers.map((e) => e.name).join(', ')} (${restrictedData})${facing.length ? `; ${namesAtMost(facing, TEXT_NAMES, 'others')} ${agreeing(facing, 'is', 'are')} internet-facing too` : ''}; a container escape crosses that line.`,
        likelihood: rated('Low', 'a container escape needs a kernel or runtime flaw'),
        impact: rated('High', `${restrictedData} ${isOrAre(data)} restricted`),
        evidence: [
          evidence(`${says(b.name, 'is')} a container boundary`, b.at),
          evidence(`${says(open[0].name, 'is')} internet-facing`, open[0].at),
          evidence(`${says(target.name, 'handles')} restricted data`, target.at),
          // Members of namespaces or tiers inside it: why they count as its workloads.
          ...nestedIn(ctx, b, [open[0], target]).map((n) => evidence(`${says(n.name, 'is')} inside ${b.name} and shares its hosts`, n.at)),
        ],
        target: b.name,
      }));
    }
    return out;
  },
};

/** The restricted assets an element handles or stores itself. */
const heldRestricted = (ctx: AnalysisContext, e: Element): Asset[] =>
  ctx.assetsOf(e.id).filter((a) => a.classification === 'restricted' && (e.handles.includes(a.id) || e.stores.includes(a.id)));

/**
 * The container platform (cluster or host) an element runs on: the innermost boundary of kind `container` around
 * it. Boundaries between them (namespaces, tiers, network segments) partition the platform's nodes but share
 * their kernel; a `cloud` boundary on the way holds a provider's managed services, which run on the provider's
 * machines, not on the platform's nodes.
 */
function platformOf(ctx: AnalysisContext, e: Element): Boundary | undefined {
  for (const b of ctx.graph.boundaryChain(e.id)) {
    if (b.kind === 'container') return b;
    if (b.kind === 'cloud') return undefined;
  }
  return undefined;
}

/** The boundaries nested in a platform that hold the given elements, each once, innermost for each element. */
function nestedIn(ctx: AnalysisContext, platform: Boundary, members: readonly Element[]): Boundary[] {
  const found: Boundary[] = [];
  for (const e of members) {
    const inner = e.boundary === undefined || e.boundary === platform.id ? undefined : ctx.graph.boundaries.get(e.boundary);
    if (inner !== undefined && !found.includes(inner)) found.push(inner);
  }
  return found;
}
