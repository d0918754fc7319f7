// The network perimeter: what the internet can reach that it should not (stores, management ports,
// diagnostics), what the server can be made to reach (SSRF, cloud metadata), and missing layers.
import { assetImpact, rated } from '../risk.js';
import type { Boundary, Element, Endpoint, Flow } from '../../model/types.js';
import { isPassThrough, type AnalysisContext } from '../context.js';
import { TECHNOLOGIES } from '../../model/catalog.js';
import { namesWebhooks } from '../../model/normalize.js';
import {
  assetList, assetNames, callAuth, highConfidentiality, inCloud, isBroker, isData, isIdentityProvider, isOrAre, isPersonOrAgent, publicPathsHave, restricted,
} from './facts.js';
import { admittedThrough, CALLER_PERIMETER, openFlowsInto, perModel, takesHttp } from './family-shared.js';
import { untrustedClientFlows } from './messaging.js';
import { pullDeployer } from './supply-chain.js';
import { it, itObject, its, possessive, says, verbFor } from './grammar.js';
import {
  declaredAt, elementComponent, endpointExposure, endpointTarget, evidence, factTags, type FactTag, flowIds, flowLabel, internetLikelihood,
  inUntrustedZone, isExposed, missingControlEvidence, mitigatedBy, mitigatedOutcome, namesAtMost,
  onlyReachableThrough, presentControls, pushTo, reportsThreat, runsAppCode, TEXT_NAMES, threat, threatOutcome,
  TITLE_NAMES, unlessControlled, untrustedZoneAt,
} from './helpers.js';
import type { CheckResult, ElementRule, EndpointRule, FlowRule, ThreatOutcome } from './types.js';

const SSRF_CONTROLS = ['egress-filtering'] as const;

export const serverSideRequestForgery: EndpointRule = {
  id: 'server-side-request-forgery',
  stride: 'I',
  title: 'Server-side request forgery (SSRF)',
  description:
    'An endpoint makes the server fetch a URL the caller chooses (previews, imports, proxies): the attacker reaches internal services, admin interfaces and anything the server can reach.',
  condition: 'an endpoint of kind `fetch` reachable from an untrusted zone, without `egress-filtering`; one that cloud-metadata-exposure reports (on a process in the cloud, without `metadata-protection`) is left to that rule. Also a webhook subscription endpoint (a `webhook`, `webhooks` or `hooks` route of kind `api`, as a `DELETE`, or the collection or one item of it under a customer\'s credential that no provider calls, is inferred, that takes a body: POST, PUT, PATCH or no methods stated) reachable from an untrusted zone, on a process that, itself or through the processes and queues it sends to, calls out to a third party or an element in an untrusted zone that is no person, browser or app, without `egress-filtering`; the nearest call to the customers\' endpoints (an external of no `type`, an element in an untrusted zone that is no well-known provider by its `tech` or its name, or a call signed with `hmac`) is named as the delivery, else the nearest other call out, said only to call out; `egress-filtering` on the endpoint, its element, the element that makes that call or the call itself mitigates',
  mitigation: 'Allow-list destinations (scheme, host, port), resolve and re-check addresses to refuse private and link-local ranges, disable redirects, and fetch from an isolated egress proxy.',
  action: { key: 'egress-filtering', text: 'Allow-list outbound destinations for {targets}' },
  mitigatedBy: SSRF_CONTROLS,
  references: ['CWE-918', 'CAPEC-664', 'OWASP Top 10 A10', 'OWASP API7:2023'],
  rating: 'Likelihood High from the internet (public payload lists; for a webhook subscription, any customer account registers a URL), Medium otherwise; impact Medium (internal services reachable), High when internal stores hold confidential data.',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /preview: { auth: jwt }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['fetch', 'api'],
  check(ep, element, ctx) {
    if (ep.kind === 'api') return subscriptionForgery(ep, element, ctx);
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    // The metadata service is one of the internal targets: one finding, the cloud rule's, which names the others.
    if (metadataReachableThrough(ep, element, ctx)) return undefined;
    const valuable = internalData(ctx, element);
    return unlessControlled(ctx, { element, endpoint: ep }, SSRF_CONTROLS, 'outbound destinations are allow-listed', (missing) => ({
      title: `Server-side request forgery through ${ep.key}`,
      description: `${ep.key} on ${element.name} fetches URLs chosen by the caller; requests can be aimed at internal services${valuable.length ? ` holding ${assetNames(valuable)}` : ''}.`,
      likelihood: internetLikelihood(exposure, 'public payload lists and tools'),
      impact: valuable.length ? rated('High', `internal services hold ${assetNames(valuable)}`) : rated('Medium', 'internal services become reachable'),
      evidence: [evidence(`${ep.key} fetches caller-supplied URLs`, ep.at), missing],
      target: endpointTarget(ep, element),
    }));
  },
};

const SUBSCRIPTION_MITIGATION =
  'Check each registered URL when it is registered and again at every delivery: allow-list schemes (https) and ports (443), resolve the host and refuse private, loopback, link-local and cloud metadata addresses (169.254.169.254 and the provider\'s IPv6 metadata address) at connect time (not only at registration: DNS can change), do not follow redirects, and send deliveries through an egress proxy that enforces the same.';

/** Methods that carry the URL a customer registers (a read or delete of a subscription carries none). */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A route of kind `api` under a webhook word that takes a body: where customers register the URLs the service will
 * post its events to (normalize.ts webhookSubscription tells it from a receiver of events).
 */
const registersCallbackUrl = (ep: Endpoint): boolean =>
  namesWebhooks(ep.route) && (ep.methods.length === 0 || ep.methods.some((m) => BODY_METHODS.has(m)));

/**
 * A third party that is a provider of its own, not the customers' endpoints: it states a tech, or its id or name is
 * one of the catalogue's third parties (`stripe`). A call to it is the service using the provider, not a delivery.
 */
function wellKnownThirdParty(e: Element): boolean {
  if (e.type !== 'third-party') return false;
  if (e.tech !== undefined) return true;
  return [e.id, e.name].some((n) => {
    const key = n.trim().toLowerCase().replace(/\s+/g, '-');
    return Object.hasOwn(TECHNOLOGIES, key) && TECHNOLOGIES[key].type === 'third-party';
  });
}

/**
 * What an outbound flow says of webhook deliveries: `customer` when it stands for the customers' endpoints (an
 * untyped external, anything in an untrusted zone that is no well-known provider, or a call signed with hmac, as
 * deliveries are), `other` for another call out (a third party, or a provider in an untrusted zone), else none. Calls
 * to people and their browsers and apps are answers, not deliveries.
 */
function outboundCall(ctx: AnalysisContext, f: Flow): 'customer' | 'other' | undefined {
  const to = ctx.graph.elements.get(f.to);
  if (to === undefined || isPersonOrAgent(to)) return undefined;
  const untyped = to.kind === 'external' && to.type === undefined;
  const untrusted = inUntrustedZone(ctx, to.id);
  if (!(to.type === 'third-party' || untyped || untrusted)) return undefined;
  return f.auth === 'hmac' || untyped || (untrusted && !wellKnownThirdParty(to)) ? 'customer' : 'other';
}

/** The deliveries each element makes, itself or through the processes and queues it sends to (deliveriesOf). */
interface Deliveries {
  /** The nearest flow to the customers' endpoints. */
  readonly customer: ReadonlyMap<string, Flow>;
  /** The nearest call out of any kind, for an element with no flow to the customers' endpoints. */
  readonly any: ReadonlyMap<string, Flow>;
}

/**
 * Once per analysis rather than once per subscription endpoint (a search from each of thousands of APIs sharing
 * one bus went over every worker each time): one search backwards from the calls out gives every element its
 * nearest one.
 */
const deliveriesOf = perModel((ctx): Deliveries => {
  const customer: Flow[] = [];
  const any: Flow[] = [];
  for (const f of ctx.graph.model.flows) {
    const call = outboundCall(ctx, f);
    if (call === undefined) continue;
    any.push(f);
    if (call === 'customer') customer.push(f);
  }
  return { customer: nearestCalls(ctx, customer), any: nearestCalls(ctx, any) };
});

/**
 * Each element's nearest flow among `calls`: its own, else the one of the nearest process or queue it sends to (events
 * pass through processes and queues, not through stores or people). Ties go to the earlier flow in the model.
 */
function nearestCalls(ctx: AnalysisContext, calls: readonly Flow[]): Map<string, Flow> {
  const nearest = new Map<string, Flow>();
  const queue: string[] = [];
  for (const f of calls) {
    if (nearest.has(f.from)) continue;
    nearest.set(f.from, f);
    queue.push(f.from);
  }
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    const relay = ctx.graph.elements.get(id);
    if (relay === undefined || !(relay.kind === 'process' || isBroker(relay))) continue;
    const call = nearest.get(id)!;
    for (const f of ctx.graph.inFlows(id)) {
      if (nearest.has(f.from)) continue;
      nearest.set(f.from, call);
      queue.push(f.from);
    }
  }
  return nearest;
}

/**
 * A customer registers a URL the service later posts to: aimed at the metadata service or an internal host, the
 * deliveries are requests from inside the network, made whenever an event fires. Where no flow reaches the customers'
 * endpoints, another call out is the best sign of how deliveries leave, and the finding says only that it calls out.
 */
function subscriptionForgery(ep: Endpoint, element: Element, ctx: AnalysisContext): CheckResult {
  if (!registersCallbackUrl(ep)) return undefined;
  const exposure = endpointExposure(ep, element, ctx);
  if (!isExposed(exposure)) return undefined;
  const deliveries = deliveriesOf(ctx);
  const delivery = deliveries.customer.get(element.id);
  const call = delivery ?? deliveries.any.get(element.id);
  if (call === undefined) return undefined;
  const deliveredBy = deliveryControls(ctx, call);
  if (deliveredBy !== undefined) return mitigatedOutcome(ep.element, 'element', ep.id, undefined, deliveredBy.controls, deliveredBy.reason);
  const valuable = internalData(ctx, element);
  const sender = ctx.graph.elements.get(call.from)?.name ?? call.from;
  const callee = ctx.graph.elements.get(call.to)?.name ?? call.to;
  const takes = delivery !== undefined
    ? `takes the URL that ${sender} later posts events to`
    : `takes the URLs webhooks are delivered to (${says(sender, 'calls')} out to ${callee})`;
  return unlessControlled(ctx, { element, endpoint: ep }, SSRF_CONTROLS, 'outbound destinations are allow-listed', (missing) => ({
    title: `Server-side request forgery through webhook URLs registered on ${ep.key}`,
    description: `${ep.key} on ${element.name} ${takes}; a customer can register http://169.254.169.254/ or an internal host, and every delivery becomes a request from inside the network${valuable.length ? ` towards services holding ${assetNames(valuable)}` : ''}.`,
    likelihood: internetLikelihood(exposure, 'any customer account registers a URL, and payload lists are public'),
    impact: valuable.length ? rated('High', `internal services hold ${assetNames(valuable)}`) : rated('Medium', 'internal services and the metadata service become reachable'),
    evidence: [
      evidence(`${ep.key} registers the URLs webhooks are delivered to`, ep.at),
      evidence(`${says(sender, 'calls')} out to ${callee}`, call.at),
      // Where another element makes the call, the control can sit there too: the evidence says where it was looked for.
      call.from === element.id ? missing : evidence(`${missing.fact}, on ${sender} or on ${flowLabel(call, ctx)}`, missing.at),
    ],
    mitigation: SUBSCRIPTION_MITIGATION,
    target: endpointTarget(ep, element),
  }));
}

/**
 * The forged request leaves from the element that makes the call, not from the one that took the URL: egress
 * filtering there, or on the call itself, is where the destination is checked.
 */
function deliveryControls(ctx: AnalysisContext, call: Flow): { controls: string[]; reason: string } | undefined {
  const sender = ctx.graph.elements.get(call.from);
  const onFlow = SSRF_CONTROLS.filter((c) => call.controls.includes(c));
  const present = onFlow.length ? onFlow : sender !== undefined ? presentControls(ctx, SSRF_CONTROLS, sender) : [];
  if (present.length === 0) return undefined;
  const where = onFlow.length ? flowLabel(call, ctx) : (sender?.name ?? call.from);
  return { controls: present, reason: `deliveries are allow-listed where they leave (${where})` };
}

/**
 * Whether a flow delivers a webhook subscription service's events to the endpoints its customers registered: a call
 * to the customers' endpoints (outboundCall) from the element that makes the deliveries of an element taking
 * subscriptions. The recipient is the customer whose data it is, not a third party the data is shared with.
 */
export function isSubscriptionDelivery(ctx: AnalysisContext, flow: Flow): boolean {
  return subscriptionSenders(ctx).has(flow.from) && outboundCall(ctx, flow) === 'customer';
}

const subscriptionSenders = perModel((ctx): ReadonlySet<string> => {
  const senders = new Set<string>();
  const { customer } = deliveriesOf(ctx);
  for (const e of ctx.graph.model.elements) {
    if (!e.endpoints.some((ep) => ep.kind === 'api' && registersCallbackUrl(ep))) continue;
    const delivery = customer.get(e.id);
    if (delivery !== undefined) senders.add(delivery.from);
  }
  return senders;
});

/** Data of high confidentiality held by the trusted services the element calls: what a forged request can reach. */
function internalData(ctx: AnalysisContext, element: Element) {
  const internal = ctx.graph.outFlows(element.id).map((f) => ctx.graph.elements.get(f.to)).filter((t) => t !== undefined && ctx.graph.trustRankOf(t.id) >= 2);
  return highConfidentiality(internal.flatMap((t) => ctx.assetsOf(t!.id)));
}

const METADATA_CONTROLS = ['metadata-protection', 'egress-filtering'] as const;

/**
 * The tag that says a workload's metadata service answers without a session token (IMDSv1) and hands out a
 * role's credentials: `imdsv1`, or with where the files say so, `imdsv1:main.tf:16` (as `threatmap discover`
 * writes it for an instance, launch configuration or template with an instance profile and no
 * `http_tokens = "required"`).
 */
export const IMDSV1_TAG = 'imdsv1';
const isFetch = (ep: Endpoint) => ep.kind === 'fetch';

/**
 * A fetch endpoint through which cloud-metadata-exposure reports its element: exposed, on a process in the cloud,
 * with neither control (server-side-request-forgery leaves such an endpoint to it).
 */
const metadataReachableThrough = (ep: Endpoint, element: Element, ctx: AnalysisContext): boolean =>
  element.kind === 'process' && isFetch(ep) && presentControls(ctx, METADATA_CONTROLS, element, ep).length === 0 &&
  inCloud(ctx, element) && isExposed(endpointExposure(ep, element, ctx));

export const cloudMetadataExposure: ElementRule = {
  id: 'cloud-metadata-exposure',
  stride: 'E',
  title: 'Cloud credentials reachable through the metadata service',
  description:
    'A cloud workload that fetches caller-chosen URLs can be pointed at the instance metadata service (169.254.169.254), which hands out the workload\'s cloud credentials, or at any internal service it reaches.',
  condition: 'a process running in the cloud (the `cloud` or `serverless` trait, or a boundary of kind `cloud`) with an endpoint of kind `fetch` reachable from an untrusted zone, without `metadata-protection` or `egress-filtering` (server-side-request-forgery leaves such endpoints to this rule, and reports them once `metadata-protection` is declared); also a process running application code, tagged `imdsv1` (its metadata service answers without a session token and hands out a role\'s credentials, as `threatmap discover` writes for an EC2 instance, launch configuration or template with an instance profile and no `http_tokens = "required"`), reachable from an untrusted zone and with no such endpoint drawn, without either control; and a self-hosted CI runner in our cloud: an element of type `ci-cd` inside a boundary of kind `cloud` (or tagged `imdsv1`) that builds (no pull-based deployer), self-hosted by the tag `self-hosted`, by its tech, id or name (self-hosted, or a GitHub, GitLab, Jenkins, Buildkite or Azure Pipelines runner or agent, actions-runner-controller) or by any tech but `github-actions` (whose runners are GitHub\'s unless the model says otherwise), whose jobs run repository code and can read the node\'s role from the metadata service, without either control; one that calls the cloud with that role itself (`cloud-api` with `auth: iam`) is left to pipeline-over-privileged',
  mitigation: 'Allow-list outbound destinations (scheme, host, port) and refuse private and link-local addresses, the metadata service\'s among them; require session tokens for the metadata service (IMDSv2, hop limit 1) or block it from the application, and scope the workload\'s role to least privilege.',
  action: { text: 'Allow-list outbound destinations of {targets} and require IMDSv2 for the metadata service' },
  mitigatedBy: METADATA_CONTROLS,
  references: ['CWE-918', 'CWE-522', 'CAPEC-664', 'OWASP Top 10 A10'],
  rating: 'Likelihood High from the internet (well-known payloads), Medium otherwise, Low for an `imdsv1` workload with no fetch endpoint drawn (it needs an SSRF flaw first), Medium for a self-hosted CI runner (its jobs run repository code by design); impact High (the workload\'s cloud credentials, and what the internal services it calls hold).',
  example: "boundaries:\n  vpc: { kind: cloud }\nelements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    in: vpc\n    endpoints:\n      /fetch: { auth: jwt }\nflows:\n  - visitor -> api: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const imdsv1 = imdsv1Of(element);
    // With no fetch endpoint, what reads the metadata service is a runner's jobs, or an SSRF flaw the model does not show.
    const otherwise = () => runnerOutcome(ctx, element, imdsv1) ?? (imdsv1.length ? imdsv1Outcome(ctx, element, imdsv1) : undefined);
    // Most processes have no fetch endpoint: that is asked before the walk up their boundaries.
    if (!element.endpoints.some(isFetch) || !inCloud(ctx, element)) return otherwise();
    const fetchers = element.endpoints.filter((ep) => ep.kind === 'fetch' && isExposed(endpointExposure(ep, element, ctx)));
    if (fetchers.length === 0) return otherwise();
    const unprotected = fetchers.filter((ep) => metadataReachableThrough(ep, element, ctx));
    if (unprotected.length === 0) {
      return mitigatedBy(presentControls(ctx, METADATA_CONTROLS, element, fetchers[0]), elementComponent(element), 'the metadata service is out of reach');
    }
    const fromInternet = unprotected.some((ep) => endpointExposure(ep, element, ctx) === 'internet');
    // server-side-request-forgery leaves these endpoints to this finding: what else they reach is said here.
    const valuable = internalData(ctx, element);
    const names = valuable.length ? assetNames(valuable) : undefined;
    return threat({
      ...elementComponent(element),
      title: `Cloud credentials of ${element.name} reachable via the metadata service`,
      description: `${says(element.name, 'runs')} in the cloud and ${verbFor(element.name, 'fetches')} caller-chosen URLs (${unprotected.map((ep) => ep.key).join(', ')}); pointed at the metadata service, ${it(element.name)} ${verbFor(element.name, 'hands')} out ${its(element.name)} own cloud credentials, and requests can also be aimed at internal services${names ? ` holding ${names}` : ''}.`,
      likelihood: fromInternet ? rated('High', 'well-known payloads from the internet') : rated('Medium', 'reachable only through other components'),
      impact: rated('High', `the workload's cloud credentials: control of cloud resources${names ? `; internal services hold ${names}` : ''}`),
      evidence: [
        evidence(`${unprotected[0].key} fetches caller-supplied URLs`, unprotected[0].at), evidence(`${says(element.name, 'runs')} in the cloud`, element.at),
        ...imdsv1Evidence(element, imdsv1), missingControlEvidence(METADATA_CONTROLS, element, unprotected[0]),
      ],
    });
  },
};

/** Every tag saying so: files read together (two instances merged, a module used twice) may each write it. */
const imdsv1Of = (e: Element): FactTag[] => factTags(e, IMDSV1_TAG);

/** One per place the files say so: each is an instance to move to IMDSv2. */
const imdsv1Evidence = (element: Element, tags: readonly FactTag[]) => tags.map((tag) =>
  evidence(`${possessive(element.name)} metadata service answers without a session token (IMDSv1)${tag.where ? `, as ${tag.where} says` : ''}`, [...element.at, 'tags', tag.index]));

/**
 * A workload whose files leave the metadata service on IMDSv1 with a role attached, reached from an untrusted
 * zone and running application code: any SSRF flaw, which the model does not show, reads the role's credentials.
 */
function imdsv1Outcome(ctx: AnalysisContext, element: Element, tags: readonly FactTag[]): CheckResult {
  if (!runsAppCode(element) || !isExposed(ctx.exposure(element.id))) return undefined;
  const present = presentControls(ctx, METADATA_CONTROLS, element);
  if (present.length) return mitigatedBy(present, elementComponent(element), 'the metadata service is out of reach');
  return threat({
    ...elementComponent(element),
    title: `Cloud credentials of ${element.name} readable through IMDSv1`,
    description: `${possessive(element.name)} metadata service answers plain GET requests (IMDSv1) and hands out ${its(element.name)} role's credentials; one server-side request forgery flaw in ${its(element.name)} code, or an open proxy, gives them to the caller.`,
    likelihood: rated('Low', 'needs an SSRF flaw in the application; the model shows no endpoint that fetches URLs'),
    impact: rated('High', 'the role\'s temporary credentials: whatever the role may do in the cloud account'),
    evidence: [...imdsv1Evidence(element, tags), evidence(`${says(element.name, 'is')} reachable from an untrusted zone`, element.at), missingControlEvidence(METADATA_CONTROLS, element)],
    mitigation: 'Require session tokens for the metadata service (IMDSv2: `metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 }`), scope the instance role to least privilege, and allow-list outbound destinations.',
  });
}

/** The tag that says a CI element runs its jobs on machines of ours. */
export const SELF_HOSTED_TAG = 'self-hosted';

/**
 * Words that say a CI element is a self-hosted runner or agent, in its tech, id or name: "Self-hosted runners",
 * `tech: gitlab-runner`, `actions-runner-controller`, `jenkins-agent`. "GitHub-hosted runners" is not one.
 */
const SELF_HOSTED_WORDS =
  /(?:^|[^a-z])(?:self[- ]?hosted|(?:actions|github|gitlab|jenkins|buildkite|azure[- ]?pipelines?)[- ]?(?:runners?|agents?)|actions[- ]runner[- ]controller|arc[- ]runners?)(?:$|[^a-z])/i;

/** CI services that run jobs on their vendor's machines unless the model says the runners are ours. */
const HOSTED_CI_TECH: ReadonlySet<string> = new Set(['github-actions']);

const saysSelfHosted = (e: Element): boolean =>
  e.tags.includes(SELF_HOSTED_TAG) || SELF_HOSTED_WORDS.test(e.id) || SELF_HOSTED_WORDS.test(e.name) || (e.tech !== undefined && SELF_HOSTED_WORDS.test(e.tech));

/**
 * Whether a `ci-cd` element runs its jobs on machines in our cloud, and what says so: it is inside a boundary of
 * kind `cloud` (or its metadata service is tagged `imdsv1`), builds (no pull-based deployer: Argo CD and Flux run
 * no repository code), and is self-hosted: the tag `self-hosted`, words in its tech, id or name (saysSelfHosted),
 * or any tech but a hosted CI service (GitHub Actions: drawn in our cloud, it may still be GitHub's runners).
 */
function selfHostedRunner(ctx: AnalysisContext, e: Element, imdsv1: readonly FactTag[]): { cloud?: Boundary; said: boolean } | undefined {
  if (e.type !== 'ci-cd') return undefined;
  const cloud = ctx.graph.boundaryChain(e.id).find((b) => b.kind === 'cloud');
  if (cloud === undefined && imdsv1.length === 0) return undefined;
  const said = saysSelfHosted(e);
  if (!said && e.tech !== undefined && HOSTED_CI_TECH.has(e.tech)) return undefined;
  if (pullDeployer(ctx, e) !== undefined) return undefined;
  return { cloud, said };
}

/** Calls a pipeline makes with the instance role itself: the role the metadata service hands out is then its own. */
const ROLE_AUTH: ReadonlySet<string> = new Set(['iam']);

/**
 * A self-hosted CI runner in our cloud: it runs repository code by design, so any job (a pull request, a
 * compromised action or dependency) can read the node's role from the metadata service, with no SSRF flaw
 * needed. A runner that calls the cloud with that role itself (`auth: iam` on its calls to the provider) is left
 * to pipeline-over-privileged, whose finding is that role.
 */
function runnerOutcome(ctx: AnalysisContext, element: Element, imdsv1: readonly FactTag[]): CheckResult {
  const runner = selfHostedRunner(ctx, element, imdsv1);
  if (runner === undefined) return undefined;
  const cloudCalls = ctx.graph.outFlows(element.id).filter((f) => f.to !== element.id && f.protocol === 'cloud-api');
  if (cloudCalls.some((f) => ROLE_AUTH.has(callAuth(ctx, f).method))) return undefined;
  const present = presentControls(ctx, METADATA_CONTROLS, element);
  if (present.length) return mitigatedBy(present, elementComponent(element), 'jobs cannot reach the metadata service');
  const federated = cloudCalls.filter((f) => callAuth(ctx, f).method === 'oidc');
  const where = runner.cloud ? ` in ${runner.cloud.name}` : '';
  return threat({
    ...elementComponent(element),
    title: `Jobs on ${element.name} can read the node's cloud credentials`,
    description: `Jobs on ${element.name} run repository code on machines of ours${where}; any job (a pull request, a compromised action or dependency) can ask the instance metadata service (169.254.169.254) for the node's role credentials${imdsv1.length ? ', with a plain GET (IMDSv1)' : ''}, which outlive the job${federated.length ? ` and reach beyond the per-job credentials of ${flowLabel(federated[0], ctx)} (oidc)` : ''}.`,
    likelihood: rated('Medium', 'runners run repository code by design: a pull request or a compromised action or dependency is enough, no SSRF flaw needed'),
    impact: rated('High', 'the node\'s role credentials: whatever the role may do in the cloud account, from outside the job'),
    evidence: [
      runner.said
        ? evidence(`${element.name}: a self-hosted CI runner`, element.tags.includes(SELF_HOSTED_TAG) ? [...element.at, 'tags', element.tags.indexOf(SELF_HOSTED_TAG)] : element.at)
        : evidence(`${element.name}: a CI pipeline of ours running jobs${where}`, element.at),
      ...(runner.cloud ? [evidence(`${says(runner.cloud.name, 'is')} a cloud boundary`, runner.cloud.at)] : []),
      ...imdsv1Evidence(element, imdsv1),
      missingControlEvidence(METADATA_CONTROLS, element),
    ],
    mitigation: 'Run ephemeral runners (one job per runner, discarded after it), keep jobs off the metadata service (IMDSv2 with a hop limit of 1, or a network policy blocking 169.254.169.254) and declare `metadata-protection`, give jobs per-job workload identity (IRSA, OIDC federation) instead of the node\'s role, and keep the node\'s role to what the node needs.',
  });
}

const STORE_PERIMETER = ['ip-allowlist', 'vpn'] as const;
const NO_FLOWS: readonly Flow[] = Object.freeze([]);

/** Flows into the element straight from an untrusted zone (asked of every store: most have none, and get no list). */
function untrustedInFlows(ctx: AnalysisContext, element: Element): readonly Flow[] {
  let direct: Flow[] | undefined;
  const at = ctx.graph.positionOf(element.id);
  if (at < 0) return NO_FLOWS;
  // Through the adjacency (model order, as inFlows): each source is a position already, with no lookup by id.
  // A flow from an unknown element, which the adjacency leaves out, is from no untrusted zone.
  const { inStart, inFlow } = ctx.adjacency;
  const source = ctx.graph.flowSource;
  for (let j = inStart[at]; j < inStart[at + 1]; j++) {
    const k = inFlow[j];
    if (source[k] !== at && untrustedZoneAt(ctx, source[k])) (direct ??= []).push(ctx.graph.model.flows[k]);
  }
  return direct ?? NO_FLOWS;
}

/** Calls a cloud provider's API authorises with our account's identities (IAM roles, signed requests). */
const CLOUD_API_AUTH: ReadonlySet<string> = new Set(['iam', 'hmac']);

/**
 * A managed store that only its provider's API reaches (S3, DynamoDB, GCS, Blob: cloud and not SQL, which has a
 * network address of its own) answers at a public address by design, and calls signed with our identities are
 * how it is used, not a way in. Public by policy (`exposed`) or called without such a signature, it is exposed.
 */
function reachedThroughCloudApi(element: Element, direct: readonly Flow[]): boolean {
  if (element.exposed === true || direct.length === 0) return false;
  if (!element.traits.includes('cloud') || element.traits.includes('sql')) return false;
  return direct.every((f) => CLOUD_API_AUTH.has(f.auth));
}

export const exposedDataStore: ElementRule = {
  id: 'exposed-data-store',
  stride: 'I',
  title: 'Data store reachable from the internet',
  description:
    'A data store accepts connections straight from an untrusted zone (a public bucket, a database with a public address): it is found by scanners within hours and every credential or misconfiguration is one step from a breach.',
  condition: 'a store of ours (not in an untrusted zone) marked `exposed: true` or receiving a flow directly from an untrusted zone, without `ip-allowlist` or `vpn` declared on the store or a boundary around it, or (for a store not marked exposed) on each such flow or its source; a managed cloud store reached through its provider\'s API (cloud trait, not SQL: S3, DynamoDB, GCS, Blob) whose untrusted callers all sign with `iam` or `hmac` is used as designed and not reported unless marked exposed; a queue or event bus with clients in untrusted zones (devices on an MQTT broker) is reachable by design and left to unauthenticated-broker and unconfined-broker-clients',
  mitigation: 'Take the store off the internet (private network, private endpoints), let only the application reach it, and block public access at the account level.',
  action: { text: 'Take {targets} off the internet (private network only)' },
  mitigatedBy: STORE_PERIMETER,
  references: ['CWE-284', 'CWE-668', 'CAPEC-116', 'OWASP Top 10 A05'],
  rating: 'Likelihood High (internet-wide scanners); impact from the confidentiality of what the store holds, High by default.',
  example: 'elements:\n  visitor: { tech: browser }\n  bucket: { tech: s3, exposed: true }\nflows:\n  - visitor -> bucket: https',
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    // A store the model places in an untrusted zone is someone else's to guard.
    if (inUntrustedZone(ctx, element.id)) return undefined;
    const direct = untrustedInFlows(ctx, element);
    if (element.exposed !== true && direct.length === 0) return undefined;
    // A broker's clients on the internet (a device fleet on MQTT) connect to it by design: whether they
    // authenticate and stay on their own topics is the messaging rules' question, not the store's address.
    if (untrustedClientFlows(ctx, element).length > 0) return undefined;
    if (reachedThroughCloudApi(element, direct)) return undefined;
    // A control counts where it guards the way in from the internet: on the store or its zone (which a public
    // address also passes), or on a direct flow or its source. One in front of the application behind which
    // the store also sits (which ctx.elementHas counts) stops at the application.
    const declared = STORE_PERIMETER.filter((c) => declaredAt(ctx, element, c) !== undefined);
    if (declared.length > 0) {
      return mitigatedOutcome(element.id, 'element', undefined, direct.length ? flowIds(direct) : undefined, declared, onlyReachableThrough(declared));
    }
    const open = direct.filter((f) => guardsOf(ctx, f, STORE_PERIMETER).length === 0);
    if (element.exposed !== true && open.length === 0) {
      const guards = [...new Set(direct.flatMap((f) => guardsOf(ctx, f, STORE_PERIMETER)))].sort();
      return mitigatedOutcome(element.id, 'element', undefined, flowIds(direct), guards, onlyReachableThrough(guards));
    }
    const held = ctx.assetsOf(element.id);
    return threatOutcome(element.id, 'element', undefined, open.length ? flowIds(open) : undefined, {
      title: `${says(element.name, 'is')} reachable from the internet`,
      description: `${says(element.name, 'accepts')} connections from an untrusted zone${held.length ? ` and ${verbFor(element.name, 'holds')} ${assetNames(held)}` : ''}; scanners find such stores within hours.`,
      likelihood: rated('High', 'internet-wide scanners look for exposed stores'),
      // Rated by what the store holds, public data included (Low); High when the model does not say.
      impact: assetImpact(held, 'confidentiality', rated('High', 'everything in the store')),
      evidence: [
        element.exposed ? evidence(`${says(element.name, 'is')} marked exposed`, [...element.at, 'exposed']) : evidence(`${flowLabel(open[0], ctx)} comes from an untrusted zone`, open[0].at),
        notDeclaredEvidence(ctx, STORE_PERIMETER, element, open),
      ],
    });
  },
};

/** Links expire within minutes: the control a signed URL's leak is judged against. */
const SHORT_LIVED = 'short-lived-credentials';
const SIGNED_LINK_CONTROLS = [SHORT_LIVED, ...STORE_PERIMETER] as const;
const LINK_LEAKS = rated('Low', 'a link must leak (access logs, browser history, the Referer header, forwarded mail) and be used before it expires');

/**
 * Flows straight from an untrusted zone into the object store, signed (`hmac`, `signature`) by a person or what a
 * person uses: people and their browsers and apps hold no keys of ours, so the signature is a URL we signed and
 * handed out (presigned S3 or GCS URLs, Azure SAS links). A partner's system signing with its own keys is not one.
 */
function signedLinkFlows(ctx: AnalysisContext, store: Element): readonly Flow[] {
  if (store.type !== 'object-storage') return NO_FLOWS;
  return untrustedInFlows(ctx, store).filter((f) => f.auth === 'hmac' && isPersonOrAgent(ctx.graph.elements.get(f.from)));
}

/** Where the links are signed: the processes of ours that call the store, one of which hands the links out. */
const linkSigners = (ctx: AnalysisContext, store: Element): Element[] =>
  ctx.graph.inFlows(store.id).map((f) => ctx.graph.elements.get(f.from)).filter((e): e is Element => e !== undefined && e.kind === 'process' && !inUntrustedZone(ctx, e.id));

/** A signer that says its links expire within minutes: on itself, or on the endpoint that hands them out. */
const signsShortLived = (e: Element): boolean => e.controls.includes(SHORT_LIVED) || e.endpoints.some((ep) => ep.controls.includes(SHORT_LIVED));

/** The controls guarding one signed link: an expiry of minutes on it, the store, its zone or a signer; an allow-list or VPN. */
function linkGuards(ctx: AnalysisContext, f: Flow, store: Element, signers: readonly Element[]): string[] {
  const guards = guardsOf(ctx, f, STORE_PERIMETER);
  if (f.controls.includes(SHORT_LIVED) || declaredAt(ctx, store, SHORT_LIVED) !== undefined || signers.some(signsShortLived)) {
    guards.unshift(SHORT_LIVED);
  }
  return guards;
}

/** `a, b or c`. */
const orList = (items: readonly string[]): string => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

const SIGNED_LINK_MITIGATION =
  'Sign each URL for one object and one user, only after checking that the user may have that object, with an expiry of minutes (not the maximum of days); keep query strings, which carry the signature, out of access logs, proxies and analytics, and send `Referrer-Policy: no-referrer` (or `same-origin`) from the pages that show the links.';

export const signedUrlLeakage: ElementRule = {
  id: 'signed-url-leakage',
  stride: 'I',
  title: 'Signed URLs to an object store are bearer links',
  description:
    'People reach an object store directly with signed URLs (presigned S3 or GCS URLs, Azure SAS links): whoever holds a link reads (or writes) the object until it expires, and links leak through access logs, browser history, the Referer header and forwarded mail.',
  condition: 'a store of type `object-storage` of ours (not in an untrusted zone) with a flow from a person, browser or mobile app in an untrusted zone whose `auth` is `hmac` (`signature`): they hold no keys of ours, so the signature is a URL we signed for them (a partner signing with its own keys is not one); one finding per store, for the flows without `short-lived-credentials` on the flow, the store or a boundary around it, or a process of ours with a flow into the store or one of its endpoints (where the links are signed and handed out), and without `ip-allowlist` or `vpn` on the flow, its source, or the store or a boundary around it; a store exposed-data-store reports (a public bucket, or unsigned calls from an untrusted zone) is left to that finding',
  mitigation: SIGNED_LINK_MITIGATION,
  action: { text: 'Make the signed URLs to {targets} expire in minutes, per object and user, and keep them out of logs and Referer headers' },
  mitigatedBy: SIGNED_LINK_CONTROLS,
  references: ['CWE-598', 'CWE-613', 'OWASP Top 10 A01'],
  rating: 'Likelihood Low (a link must leak and be used before it expires); impact from the confidentiality of the data the signed flows carry, else of what the store holds, Medium when the model says neither.',
  example: 'elements:\n  customer: { type: user }\n  bucket: { tech: s3 }\nflows:\n  - customer -> bucket: { protocol: https, auth: signature }',
  appliesTo: 'element',
  kinds: ['store'],
  types: ['object-storage'],
  check(element, ctx) {
    if (inUntrustedZone(ctx, element.id)) return undefined;
    const links = signedLinkFlows(ctx, element);
    if (links.length === 0) return undefined;
    // An open bucket needs no link: exposed-data-store's finding says so, and covers the links too.
    if (reportsThreat(exposedDataStore.check(element, ctx))) return undefined;
    const signers = linkSigners(ctx, element);
    const open = links.filter((f) => linkGuards(ctx, f, element, signers).length === 0);
    if (open.length === 0) {
      const guards = [...new Set(links.flatMap((f) => linkGuards(ctx, f, element, signers)))];
      return mitigatedOutcome(element.id, 'element', undefined, flowIds(links), guards, guards.includes(SHORT_LIVED) ? 'signed links expire within minutes' : onlyReachableThrough(guards));
    }
    const carried = assetList(ctx, [...new Set(open.flatMap((f) => f.data))]).filter(isData);
    const data = carried.length ? carried : ctx.assetsOf(element.id).filter(isData);
    const holders = [...new Set(open.map((f) => ctx.graph.elements.get(f.from)?.name ?? f.from))];
    const holderNames = namesAtMost(holders, TEXT_NAMES, 'others');
    const places = [...open.map((f) => flowLabel(f, ctx)), element.name, ...ctx.graph.boundaryChain(element.id).map((b) => b.name)];
    const signerNames = namesAtMost(signers.map((e) => e.name), TEXT_NAMES, 'other services');
    return threatOutcome(element.id, 'element', undefined, flowIds(open), {
      title: `Signed URLs to ${element.name} work for whoever holds them`,
      description: `${holderNames} ${holders.length === 1 ? verbFor(holders[0], 'reaches') : 'reach'} ${element.name} with signed URLs${data.length ? ` to ${assetNames(data)}` : ''}; a signed URL is a bearer link: anyone holding it reads (or writes) the object until it expires, and links leak through access logs, browser history, the Referer header and forwarded mail.`,
      likelihood: LINK_LEAKS,
      impact: assetImpact(data, 'confidentiality', rated('Medium', 'the objects the links open; the model does not say which')),
      evidence: [
        ...open.map((f) => evidence(`${flowLabel(f, ctx)} is signed (hmac) from an untrusted zone by a person or app, who holds no keys of ours: a URL signed for them`, f.at)),
        evidence(`no ${orList(SIGNED_LINK_CONTROLS)} on ${orList(places)}${signers.length ? `, and no ${SHORT_LIVED} on ${signerNames}` : ''}`, element.at),
      ],
    });
  },
};

/** The controls from `anyOf` guarding one flow from an untrusted zone: on the flow, or declared at its source or its target. */
function guardsOf(ctx: AnalysisContext, f: Flow, anyOf: readonly string[]): string[] {
  const source = ctx.graph.elements.get(f.from);
  const target = ctx.graph.elements.get(f.to);
  return anyOf.filter((c) =>
    f.controls.includes(c) || (source !== undefined && declaredAt(ctx, source, c) !== undefined) || (target !== undefined && declaredAt(ctx, target, c) !== undefined));
}

/** Evidence that none of `controls` is declared where it would guard the element and its open flows. */
function notDeclaredEvidence(ctx: AnalysisContext, controls: readonly string[], element: Element, open: readonly Flow[]) {
  const where = [element.name, ...ctx.graph.boundaryChain(element.id).map((b) => b.name)].join(' or ');
  const flows = open.length === 0
    ? ''
    : `, on ${namesAtMost(open.map((f) => flowLabel(f, ctx)), TEXT_NAMES, 'other flows')} or at ${open.length === 1 ? 'its source' : 'their sources'}`;
  return evidence(`no ${controls.join(' or ')} on ${where}${flows}`, element.at);
}

const WAF: string[] = ['waf'];

/**
 * Software run as shipped (a mail catcher's UI, a vendor's console): its errors and the exploits a WAF filters
 * are its vendor's advisories to patch, and its own findings (exposed-mail-catcher) say what to do with it.
 */
export const offTheShelf = (e: Element): boolean => e.traits.includes('off-the-shelf') || e.traits.includes('mail-catcher');
const SCANNING = rated('Medium', 'constant scanning; exploiting needs a flaw');
const MISSING_LAYER = rated('Low', 'a missing layer of defence, not a flaw by itself');
/** Where only the callers a VPN or allow-list admits come from the internet, scanners do not reach the code. */
const admittedScanning = (admitting: readonly string[], name: string) =>
  rated('Low', `only callers admitted by ${admitting.join(' and ')} reach ${itObject(name)}: internet scanners do not, and exploiting needs a flaw`);

export const missingWaf: ElementRule = {
  id: 'missing-waf',
  stride: 'T',
  title: 'No web application firewall in front of sensitive services',
  description:
    'An internet-facing application that handles confidential data has no WAF on any path in front of it: known exploit patterns and mass scanning reach the application code unfiltered (defence in depth).',
  condition: 'a process running application code (not `off-the-shelf` software or a `mail-catcher`, whose flaws are its vendor\'s advisories to patch) with exposure `internet` that takes HTTP(S) (an endpoint with a method or URL path, a flow into it over http, https, mtls, graphql, grpc, grpcs, grpc+mtls, ws or wss, a custom protocol, over tcp or tls from a load balancer, proxy, gateway or CDN that is itself sent HTTP(S), or no flow into it: not a RADIUS server reached only over udp, nor a service reached over tcp from anything else) and handles data of high confidentiality, without `waf` on it, its boundary or every public path in front (partner-only endpoints aside: `callers` naming no person or browser, which `authorization`, an `ip-allowlist` on the route or `mtls` enforces)',
  mitigation: 'Put a WAF (managed rules for the OWASP Top 10 and known CVEs) in front of the application, in blocking mode once tuned.',
  action: { text: 'Put a WAF in front of {targets}' },
  mitigatedBy: ['waf'],
  references: ['CWE-693', 'CAPEC-66', 'OWASP ASVS V1.14'],
  rating: 'Likelihood Medium (scanning is constant, exploiting needs a flaw), Low when only callers a `vpn` or `ip-allowlist` admits reach it (on it, its boundary or every untrusted path in front); impact Low (a missing layer, not a flaw by itself).',
  example: "assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  app: { type: web-app, handles: [pii] }\nflows:\n  - visitor -> app: https",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (!runsAppCode(element) || offTheShelf(element) || ctx.exposure(element.id) !== 'internet') return undefined;
    const confidential = highConfidentiality(ctx.assetsOf(element.id));
    // A WAF filters HTTP: a RADIUS or directory server has no requests for it to read.
    if (confidential.length === 0 || !takesHttp(ctx, element)) return undefined;
    if (publicPathsHave(ctx, element, 'waf')) return mitigatedOutcome(element.id, 'element', undefined, undefined, WAF, 'requests are filtered by a WAF');
    const admitting = admittedThrough(ctx, element);
    const traffic = admitting.length > 0 ? `traffic from the internet that ${admitting.join(' and ')} ${admitting.length > 1 ? 'admit' : 'admits'}` : 'internet traffic';
    return threatOutcome(element.id, 'element', undefined, undefined, {
      title: `No WAF in front of ${element.name}`,
      description: `${says(element.name, 'handles')} ${assetNames(confidential)} and ${verbFor(element.name, 'takes')} ${traffic} with no web application firewall on the way; exploit attempts reach ${its(element.name)} code unfiltered.`,
      likelihood: admitting.length > 0 ? admittedScanning(admitting, element.name) : SCANNING,
      impact: MISSING_LAYER,
      evidence: [
        admitting.length > 0
          ? evidence(`${says(element.name, 'is')} reachable from the internet only through ${admitting.join(' and ')}`, ctx.controlSource(element, admitting[0]) ?? element.at)
          : evidence(`${says(element.name, 'is')} reachable from the internet`, element.at),
        missingControlEvidence(WAF, element),
      ],
    });
  },
};

/** What a front (load balancer, CDN, proxy, gateway) may enforce that a call around it escapes. */
const FRONT_CONTROLS = ['waf', 'authentication', 'token-validation', 'rate-limiting', 'ddos-protection'] as const;
const BYPASS_PERIMETER = ['ip-allowlist', 'vpn'] as const;

/** A front of the element and the callers in untrusted zones it serves (through other fronts too). */
interface Front {
  front: Element;
  flow: Flow;
  callers: Set<string>;
}

/**
 * The fronts with a flow into the element that untrusted callers reach, each with those callers. An edge's
 * call made for itself (edgeOwnCall) forwards no caller: it fronts nothing.
 */
function frontsOf(ctx: AnalysisContext, element: Element): Front[] {
  const out: Front[] = [];
  for (const f of ctx.graph.inFlows(element.id)) {
    const front = ctx.graph.elements.get(f.from);
    if (f.from === element.id || front === undefined || !isPassThrough(front) || edgeOwnCall(ctx, front, f, element)) continue;
    const callers = untrustedCallersThrough(ctx, front.id, new Set([element.id]));
    if (callers.size > 0 && !out.some((o) => o.front.id === front.id)) out.push({ front, flow: f, callers });
  }
  return out;
}

/**
 * How an edge authenticates callers with an identity provider behind it: tokens it validates against the
 * provider's keys, a login it runs (an ALB's OIDC action, oauth2-proxy), Kerberos. Not basic or password: an
 * nginx with an htpasswd file checks its own list, and its flows to a provider are forwarded logins.
 */
const IDP_BACKED_AUTH: ReadonlySet<string> = new Set(['jwt', 'oauth2', 'oidc', 'saml', 'session-cookie', 'kerberos']);
const EDGE_AUTH_CONTROLS = ['token-validation', 'authentication'] as const;
/** An identity provider's signing keys, discovery document and token introspection: what its relying parties fetch. */
const IDP_OWN_ROUTES = /(?:^|\/)(?:\.well-known|certs|jwks(?:\.json)?|keys|introspect(?:ion)?|token-?info)(?:\/|$)/i;

/**
 * Whether an edge's flow into an identity provider is its own call (an API gateway's authorizer fetching the
 * provider's keys) rather than callers' requests forwarded: the provider is a managed one (Cognito answers at
 * its cloud's public address by design, so no edge can be its only way in), the edge authenticates its callers
 * itself, or the call lands on the provider's keys, discovery or introspection. Callers then reach the provider
 * directly by design. A plain proxy in front of a Keycloak we run forwards the logins: still a front, and a
 * direct way around it (to the admin console the proxy hides) is still a bypass. The other targets an edge calls
 * for itself (its logs, its secrets vault) are stores, which this rule does not judge.
 */
function edgeOwnCall(ctx: AnalysisContext, edge: Element, f: Flow, target: Element): boolean {
  if (!isIdentityProvider(target)) return false;
  if (target.traits.includes('cloud')) return true;
  if ((edge.auth !== undefined && IDP_BACKED_AUTH.has(edge.auth)) || EDGE_AUTH_CONTROLS.some((c) => declaredAt(ctx, edge, c) !== undefined)) return true;
  const route = f.endpoint === undefined ? undefined : target.endpoints.find((ep) => ep.id === f.endpoint)?.route;
  return route !== undefined && IDP_OWN_ROUTES.test(route);
}

/** Sources in untrusted zones of the flows into a front, and into the fronts before it. */
function untrustedCallersThrough(ctx: AnalysisContext, id: string, seen: Set<string>): Set<string> {
  const callers = new Set<string>();
  if (seen.has(id) || seen.size > 16) return callers;
  seen.add(id);
  for (const f of ctx.graph.inFlows(id)) {
    const src = ctx.graph.elements.get(f.from);
    if (f.from === id || src === undefined) continue;
    if (inUntrustedZone(ctx, src.id)) callers.add(src.id);
    else if (isPassThrough(src)) for (const c of untrustedCallersThrough(ctx, src.id, seen)) callers.add(c);
  }
  return callers;
}

/** A call into the element from an untrusted zone that is not remote administration or a debugger. */
const comesStraightIn = (ctx: AnalysisContext, f: Flow, element: Element): boolean =>
  f.from !== element.id && inUntrustedZone(ctx, f.from) && notAdministration(f);

/** Remote administration and debuggers coming straight in are exposed-management-port's and exposed-debugger's findings. */
const notAdministration = (f: Flow): boolean => !MANAGEMENT_PROTOCOLS.has(f.protocol) && f.protocol !== 'debugger';

/**
 * A call straight into the element from an untrusted zone that goes around its front: from a caller the front
 * also serves, or from anyone (a person, a browser, an untyped client). A partner or device calling on its own
 * route, remote administration (exposed-management-port) and debuggers (exposed-debugger) are other findings.
 */
function bypasses(ctx: AnalysisContext, f: Flow, element: Element, served: ReadonlySet<string>): boolean {
  if (!comesStraightIn(ctx, f, element)) return false;
  const src = ctx.graph.elements.get(f.from);
  return served.has(f.from) || isPersonOrAgent(src) || (src !== undefined && src.type === undefined);
}

export const loadBalancerBypass: ElementRule = {
  id: 'load-balancer-bypass',
  stride: 'E',
  title: 'Callers reach a service around its load balancer',
  description:
    'A service sits behind a load balancer, CDN, proxy or gateway, and untrusted callers also reach it directly (a security group open to the internet on the application port, an origin with a public address of its own): whatever the front enforces, now or later (a WAF, rate limits, authentication, TLS, access logs), does not apply to them.',
  condition: 'a process of ours with a flow in from a `load-balancer`, `cdn`, `reverse-proxy` or `gateway` that callers in untrusted zones reach (not an edge\'s own call to an identity provider, which callers reach directly by design: to a managed one such as Cognito, from an edge that authenticates its callers itself (an `auth` of tokens or a provider-backed login: jwt, oauth2, oidc, saml, session-cookie or kerberos, not basic or password, or `token-validation` or `authentication`), or to the provider\'s keys, discovery or introspection endpoint), and either a flow in straight from an untrusted zone (not remote administration or a debugger) whose source the front also serves, or is a person, a browser or a caller of no type, or `exposed` (a public address of its own: the internet reaches it with no flow drawn), without `ip-allowlist` or `vpn` on that flow, its source, or the service or a boundary around it (only the last two guard a public address)',
  mitigation: 'Let only the front reach the service: a security group that admits the load balancer\'s security group instead of 0.0.0.0/0 (in Terraform, `security_groups = [aws_security_group.alb.id]` in place of `cidr_blocks`), instances in private subnets without public addresses; in Kubernetes, a NetworkPolicy that admits only the ingress controller\'s or gateway\'s pods, and a `ClusterIP` Service in place of `NodePort` or `LoadBalancer`; behind a CDN, the CDN\'s address list or a secret origin header checked at the origin.',
  action: { text: 'Let only the load balancer, CDN or gateway in front reach {targets}' },
  mitigatedBy: BYPASS_PERIMETER,
  references: ['CWE-693', 'CWE-284', 'CAPEC-554', 'OWASP Top 10 A05'],
  rating: 'Likelihood Medium (the direct address must be found; scanners find open ports); impact High when the front enforces a WAF, authentication, token validation, rate limiting or DDoS protection the service lacks, else Medium (what the front adds later is bypassed too).',
  example: "elements:\n  visitor: { tech: browser }\n  lb: { tech: alb }\n  app: { type: web-app }\nflows:\n  - visitor -> lb: https\n  - lb -> app: http\n  - visitor -> app: { protocol: http, port: 8080 }",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    if (inUntrustedZone(ctx, element.id)) return undefined;
    // A public address of its own (`exposed`) is a way in from anyone on the internet with no flow drawn.
    const exposed = element.exposed === true;
    // Most services behind a front have no call straight from an untrusted zone: their fronts' callers,
    // a walk per front, are found only for one that has.
    if (!exposed && !untrustedInFlows(ctx, element).some(notAdministration)) return undefined;
    const fronts = frontsOf(ctx, element);
    if (fronts.length === 0) return undefined;
    const served = new Set(fronts.flatMap((f) => [...f.callers]));
    const direct = ctx.graph.inFlows(element.id).filter((f) => bypasses(ctx, f, element, served));
    if (direct.length === 0 && !exposed) return undefined;
    // The public address passes no flow or source: only what guards the service or its zone guards it.
    const addressGuards = exposed ? BYPASS_PERIMETER.filter((c) => declaredAt(ctx, element, c) !== undefined) : [];
    const addressOpen = exposed && addressGuards.length === 0;
    const open = direct.filter((f) => guardsOf(ctx, f, BYPASS_PERIMETER).length === 0);
    if (open.length === 0 && !addressOpen) {
      const guards = [...new Set([...addressGuards, ...direct.flatMap((f) => guardsOf(ctx, f, BYPASS_PERIMETER))])].sort();
      return mitigatedOutcome(element.id, 'element', undefined, direct.length ? flowIds(direct) : undefined, guards, onlyReachableThrough(guards));
    }
    return bypassThreat(ctx, element, fronts, open, addressOpen);
  },
};

/**
 * The finding: the calls around the fronts, and the service's own public address when `addressOpen`, rated by
 * what the fronts enforce that the service does not.
 */
function bypassThreat(ctx: AnalysisContext, element: Element, fronts: readonly Front[], open: readonly Flow[], addressOpen: boolean): ThreatOutcome {
  const name = element.name;
  const frontNames = namesAtMost(fronts.map((f) => f.front.name), TEXT_NAMES, 'other fronts');
  const escaped = FRONT_CONTROLS.filter((c) => fronts.some((f) => declaredAt(ctx, f.front, c) !== undefined) && !ctx.elementHas(element, c));
  const distinct = [...new Set(open.map((f) => flowLabel(f, ctx)))];
  const labels = namesAtMost(distinct, TEXT_NAMES, 'other flows');
  const ways: string[] = [];
  if (open.length > 0) ways.push(`${labels} ${distinct.length === 1 ? 'reaches' : 'reach'} ${itObject(name)} straight from an untrusted zone`);
  if (addressOpen) ways.push(`the internet reaches ${itObject(name)} at ${its(name)} own public address`);
  return threatOutcome(element.id, 'element', undefined, open.length > 0 ? flowIds(open) : undefined, {
    title: `Callers reach ${name} around ${namesAtMost(fronts.map((f) => f.front.name), TITLE_NAMES, 'other fronts')}`,
    description: `${says(name, 'is')} served through ${frontNames}, but ${ways.join(', and ')}; ${escaped.length ? `the ${escaped.join(', ')} on ${frontNames} ${escaped.length === 1 ? 'does' : 'do'} not apply to those calls` : 'whatever the front enforces, now or later, does not apply to those calls'}.`,
    likelihood: rated('Medium', 'the direct address must be found first; scanners find open ports'),
    impact: escaped.length
      ? rated('High', `${escaped.join(', ')} on ${frontNames} ${escaped.length === 1 ? 'is' : 'are'} bypassed`)
      : rated('Medium', 'protections added at the front later (a WAF, rate limits, access logs) are bypassed too'),
    evidence: [
      ...(addressOpen ? [evidence(`${says(name, 'is')} marked exposed: the internet reaches ${itObject(name)} with no flow drawn`, [...element.at, 'exposed'])] : []),
      ...open.map((f) => evidence(`${flowLabel(f, ctx)} comes straight from an untrusted zone${f.port === undefined ? '' : ` on port ${f.port}`}`, f.at)),
      evidence(`${flowLabel(fronts[0].flow, ctx)} is the way in through ${fronts[0].front.name}`, fronts[0].flow.at),
      notDeclaredEvidence(ctx, BYPASS_PERIMETER, element, open),
    ],
  });
}

const MANAGEMENT_PROTOCOLS = new Set(['ssh', 'rdp', 'vnc', 'telnet']);
const MANAGEMENT_PERIMETER = ['vpn', 'ip-allowlist'] as const;
const isManagementFromUntrusted = (ctx: AnalysisContext, f: Flow) => MANAGEMENT_PROTOCOLS.has(f.protocol) && inUntrustedZone(ctx, f.from);
/** Logins by key or certificate: no password to guess, so brute force and credential stuffing do not apply. */
const KEY_AUTH: ReadonlySet<string> = new Set(['ssh-key', 'mtls']);
const BRUTE_FORCED = rated('High', 'scanned and brute-forced constantly with public tools');
const KEY_ONLY_MITIGATION = 'Allow-list the source addresses (or reach the host through a VPN or bastion), patch the daemon promptly against pre-auth vulnerabilities, and keep keys passphrase- or hardware-protected, per person, and revoked when people leave.';
const KEY_ONLY = rated('Medium', 'key-only login: nothing to brute-force, but a stolen key or the next pre-auth vulnerability of the daemon opens it, and scanners find the port');

export const exposedManagementPort: FlowRule = {
  id: 'exposed-management-port',
  stride: 'E',
  title: 'Remote administration open to the internet',
  description:
    'SSH, RDP, VNC or Telnet is reachable from an untrusted zone: brute force, credential stuffing and the next pre-auth vulnerability are aimed straight at a shell.',
  condition: 'a flow over `ssh`, `rdp`, `vnc` or `telnet` from an untrusted source into our element, without `vpn` or `ip-allowlist` on the flow, its source, or the target or a boundary around it; one finding per target',
  mitigation: 'Close the port to the internet; reach hosts through a VPN, a bastion with MFA or a cloud session manager, and allow-list source addresses.',
  action: { text: 'Close remote administration on {targets} to the internet (VPN or bastion)' },
  mitigatedBy: MANAGEMENT_PERIMETER,
  references: ['CWE-284', 'CWE-307', 'CAPEC-555', 'CAPEC-49'],
  rating: 'Likelihood High (scanned and brute-forced constantly), Medium when every open flow logs in by key or certificate (`ssh-key`, `mtls`: a stolen key or a pre-auth vulnerability, not guessing); impact High (a shell on the host).',
  example: 'elements:\n  operator: { type: admin }\n  server: { type: service }\nflows:\n  - operator -> server: ssh',
  appliesTo: 'flow',
  check(flow, ctx) {
    if (!isManagementFromUntrusted(ctx, flow)) return undefined;
    const target = ctx.graph.elements.get(flow.to);
    if (!target || inUntrustedZone(ctx, target.id)) return undefined;
    // Each flow is its own way in: a VPN on one operator's connection says nothing of another's.
    const present = guardsOf(ctx, flow, MANAGEMENT_PERIMETER);
    if (present.length > 0) return mitigatedOutcome(target.id, 'element', undefined, [flow.id], present, onlyReachableThrough(present));
    const open = openFlowsInto(ctx, 'exposed-management-port', target.id, (f) => isManagementFromUntrusted(ctx, f) && guardsOf(ctx, f, MANAGEMENT_PERIMETER).length === 0);
    if (open[0].id !== flow.id) return undefined;
    const protocols = [...new Set(open.map((f) => f.protocol))].sort();
    const labels = namesAtMost(open.map((f) => flowLabel(f, ctx)), TEXT_NAMES, 'other flows');
    const ports = protocols.length === 1 ? 'a remote administration port' : 'remote administration ports';
    const auths = open.map((f) => callAuth(ctx, f));
    const keyOnly = auths.every((a) => KEY_AUTH.has(a.method));
    const pressure = keyOnly
      ? `${protocols.length === 1 ? 'it takes' : 'they take'} keys only, but a stolen key or a pre-auth vulnerability is enough: allow-list the source addresses`
      : `${protocols.length === 1 ? 'it is' : 'they are'} brute-forced and exploited without pause`;
    return threatOutcome(target.id, 'element', undefined, flowIds(open), {
      title: `${protocols.map((p) => p.toUpperCase()).join(', ')} to ${target.name} open to the internet`,
      description: `${labels} ${open.length === 1 ? 'reaches' : 'reach'} ${ports} from an untrusted zone; ${pressure}.`,
      likelihood: keyOnly ? KEY_ONLY : BRUTE_FORCED,
      mitigation: keyOnly ? KEY_ONLY_MITIGATION : undefined,
      impact: rated('High', 'a shell on the host: full compromise'),
      evidence: [
        ...open.map((f, i) => evidence(`${flowLabel(f, ctx)} uses ${f.protocol} from an untrusted zone${keyOnly ? ` with ${auths[i].method}` : ''}`, f.at)),
        notDeclaredEvidence(ctx, MANAGEMENT_PERIMETER, target, open),
      ],
      target: target.name,
    });
  },
};

const DEBUGGER_PERIMETER = MANAGEMENT_PERIMETER;
const isOpenDebugger = (ctx: AnalysisContext, f: Flow) => f.protocol === 'debugger' && f.from !== f.to && guardsOf(ctx, f, DEBUGGER_PERIMETER).length === 0;
/** Who can attach, by the least trusted zone an open debugger flow comes from. */
const DEBUGGER_LIKELIHOOD = [
  rated('High', 'debuggers ask for no credentials, and scanners look for their ports'),
  rated('Medium', 'anyone in the DMZ attaches without credentials'),
  rated('Low', 'needs a foothold in a trusted zone or on the host first'),
] as const;

export const exposedDebugger: FlowRule = {
  id: 'exposed-debugger',
  stride: 'E',
  title: 'Remote debugger can be attached',
  description:
    'A remote debugger (the Node.js inspector, JDWP, debugpy, Delve) listens where other machines reach it: debuggers ask for no credentials, and whoever attaches runs code in the process with its privileges, secrets and data.',
  condition: 'a flow over `debugger` from another element into our element, without `vpn` or `ip-allowlist` on the flow, its source, or the target or a boundary around it; one finding per target',
  mitigation: 'Start debuggers only in development, bound to the loopback address (`--inspect=127.0.0.1`, `address=localhost:5005`), and reach them through an SSH tunnel or `kubectl port-forward`; never publish their ports.',
  action: { text: 'Turn off or firewall the remote debugger on {targets}' },
  mitigatedBy: DEBUGGER_PERIMETER,
  references: ['CWE-489', 'CWE-306', 'CAPEC-121'],
  rating: 'Likelihood High when an open flow comes from an untrusted zone, Medium from a DMZ, Low from trusted zones (a foothold first); impact High (code execution in the process).',
  example: "elements:\n  visitor: { tech: browser }\n  api: { type: api, tech: node }\nflows:\n  - visitor -> api: https\n  - visitor -> api: { id: inspector, protocol: debugger, port: 9229 }",
  appliesTo: 'flow',
  check(flow, ctx) {
    if (flow.protocol !== 'debugger' || flow.from === flow.to) return undefined;
    const target = ctx.graph.elements.get(flow.to);
    if (!target || inUntrustedZone(ctx, target.id)) return undefined;
    // Each flow is its own way in: an allow-list on one caller's connection says nothing of another's.
    const present = guardsOf(ctx, flow, DEBUGGER_PERIMETER);
    if (present.length > 0) return mitigatedOutcome(target.id, 'element', undefined, [flow.id], present, onlyReachableThrough(present));
    const open = openFlowsInto(ctx, 'exposed-debugger', target.id, (f) => isOpenDebugger(ctx, f));
    if (open[0].id !== flow.id) return undefined;
    let least = Infinity;
    for (const f of open) least = Math.min(least, ctx.graph.trustRankOf(f.from));
    const labels = namesAtMost(open.map((f) => flowLabel(f, ctx)), TEXT_NAMES, 'other flows');
    const zone = least === 0 ? 'an untrusted zone' : least === 1 ? 'the DMZ' : 'a trusted zone';
    return threatOutcome(target.id, 'element', undefined, flowIds(open), {
      title: `Remote debugger on ${target.name} can be attached from ${zone}`,
      description: `${labels} ${open.length === 1 ? 'reaches' : 'reach'} the debugger of ${target.name}; it asks for no credentials, and whoever attaches runs code in ${target.name} with ${its(target.name)} privileges, secrets and data.`,
      likelihood: DEBUGGER_LIKELIHOOD[Math.min(least, 2)],
      impact: rated('High', 'code execution in the process: its secrets, its data and every system it can call'),
      evidence: [
        ...open.map((f) => evidence(`${flowLabel(f, ctx)} reaches a debugger${f.port === undefined ? '' : ` on port ${f.port}`}`, f.at)),
        notDeclaredEvidence(ctx, DEBUGGER_PERIMETER, target, open),
      ],
      target: target.name,
    });
  },
};

export const flatNetwork: ElementRule = {
  id: 'flat-network',
  stride: 'E',
  title: 'Restricted data in the same zone as internet-facing code',
  description:
    'A store holding restricted data sits in the same network zone as an internet-facing application: once the application is compromised nothing separates the attacker from the data (lateral movement).',
  condition: 'a store holding restricted assets whose innermost boundary also directly holds a process running application code with exposure `internet` that the internet reaches other than through a `vpn` (one on the process, its boundary or every untrusted path in front admits only staff signed in to it), without `ip-allowlist` declared on the store or a boundary around it (an allow-list in front of the application filters the internet, not the application); not a managed cloud store reached only through its provider\'s API (cloud trait, not SQL: S3, DynamoDB, Secrets Manager, GCS) whose every caller signs with `iam` or `hmac` (each flow into it states one, or states none and takes the store\'s `auth`; with no flow drawn, the store\'s `auth` is one), as IAM policy, not network position, decides who reaches it; a database with an address in the zone (RDS, self-hosted) stays reported',
  mitigation: 'Move the store to its own data tier with network rules that admit only the services that need it, on the ports they need.',
  action: { text: 'Segment {targets} into a separate data tier' },
  mitigatedBy: ['ip-allowlist'],
  references: ['CWE-653', 'CWE-923', 'CAPEC-555'],
  rating: 'Likelihood Medium (needs the application compromised first); impact High (restricted data).',
  example: "assets:\n  cards: { classification: restricted }\nboundaries:\n  net: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  app: { type: web-app, in: net }\n  db: { tech: postgres, in: net, stores: [cards] }\nflows:\n  - visitor -> app: https\n  - app -> db: sql+tls",
  appliesTo: 'element',
  kinds: ['store'],
  check(element, ctx) {
    if (!element.boundary) return undefined;
    const neighbours = internetFacing(ctx).get(element.boundary);
    if (neighbours === undefined) return undefined;
    const data = restricted(ctx.assetsOf(element.id).filter((a) => element.stores.includes(a.id)));
    if (data.length === 0) return undefined;
    if (accessedByCloudIdentity(ctx, element)) return undefined;
    const zone = ctx.graph.boundaries.get(element.boundary)?.name ?? element.boundary;
    // Only an allow-list on the store or its zone keeps a compromised neighbour out: one in front of the
    // application (which ctx.elementHas counts as a perimeter control) stops at the application.
    const segmented = declaredAt(ctx, element, 'ip-allowlist');
    if (segmented !== undefined) {
      return mitigatedOutcome(element.id, 'element', undefined, undefined, ALLOWLIST, `only listed services may connect: ip-allowlist on ${segmented}`);
    }
    return threatOutcome(element.id, 'element', undefined, undefined, {
      title: `${says(element.name, 'shares')} a zone with internet-facing ${namesAtMost(neighbours.map((n) => n.name), TITLE_NAMES, 'other applications')}`,
      description: `${says(element.name, 'holds')} ${assetNames(data)} in ${zone}, next to ${namesAtMost(neighbours.map((n) => n.name), TEXT_NAMES, 'other applications')} which the internet reaches; a compromise moves laterally with no further barrier.`,
      likelihood: rated('Medium', 'needs the internet-facing code compromised first'),
      impact: rated('High', `${assetNames(data)} ${isOrAre(data)} restricted`),
      evidence: [
        evidence(`${says(element.name, 'is')} in ${zone}`, [...element.at, 'in']),
        evidence(`${says(neighbours[0].name, 'is')} in ${zone} and internet-facing`, neighbours[0].at),
        evidence(`no ip-allowlist on ${[element.name, ...ctx.graph.boundaryChain(element.id).map((b) => b.name)].join(' or ')}`, element.at),
      ],
    });
  },
};

const ALLOWLIST: string[] = ['ip-allowlist'];

/**
 * A managed store that only its provider's API reaches (cloud trait, not SQL, as reachedThroughCloudApi reads it),
 * every call into it signed with our cloud identities (`iam`, `hmac`: its flows' auth, or the store's own when a
 * flow states none; with no flow drawn, the store's `auth`). Whoever compromises a neighbour reaches it only with a
 * role its policy admits, from inside the zone or not: sharing a zone gives nothing, and least privilege is the
 * barrier (over-privileged-store-access). Exported for the key migration that retires its flat-network findings.
 */
export function accessedByCloudIdentity(ctx: AnalysisContext, store: Element): boolean {
  if (!store.traits.includes('cloud') || store.traits.includes('sql')) return false;
  const into = ctx.graph.inFlows(store.id).filter((f) => f.from !== store.id);
  if (into.length === 0) return store.auth !== undefined && CLOUD_API_AUTH.has(store.auth);
  return into.every((f) => CLOUD_API_AUTH.has(callAuth(ctx, f).method));
}

/**
 * Internet-facing application code by boundary, indexed once per analysis (a scan of every element per store made
 * large models quadratic). Code that the internet reaches only through a VPN (on it, its zone or every untrusted
 * path in front) faces the staff signed in to it, not the internet: it is the zone's internal code.
 */
function internetFacingByZone(ctx: AnalysisContext): Map<string, Element[]> {
  const byZone = new Map<string, Element[]>();
  for (const e of ctx.graph.model.elements) {
    if (e.boundary !== undefined && runsAppCode(e) && ctx.exposure(e.id) === 'internet' && !ctx.elementHas(e, 'vpn')) pushTo(byZone, e.boundary, e);
  }
  return byZone;
}
const internetFacing: (ctx: AnalysisContext) => Map<string, Element[]> = perModel(internetFacingByZone);

export const exposedDebugEndpoint: EndpointRule = {
  id: 'exposed-debug-endpoint',
  stride: 'I',
  title: 'Debug or diagnostics endpoint reachable from outside',
  description:
    'A debug or diagnostics endpoint (actuator, pprof, phpinfo, heap dumps) reachable from an untrusted zone: it leaks configuration, secrets and memory, and some let callers change the running system.',
  condition: 'an endpoint of kind `debug` reachable from an untrusted zone, without `ip-allowlist` or `vpn`; the finding also names the data of high confidentiality or restricted data the endpoint returns, which unauthenticated-sensitive-endpoint and excessive-data-exposure leave to it',
  mitigation: 'Disable debug endpoints in production, or serve them on a separate management port reachable only from the operations network.',
  action: { text: 'Remove or firewall debug endpoints {targets}' },
  mitigatedBy: CALLER_PERIMETER,
  references: ['CWE-215', 'CWE-489', 'CAPEC-121', 'OWASP Top 10 A05'],
  rating: 'Likelihood High from the internet when public (scanners look for these paths), Medium otherwise; impact High (configuration, secrets and memory, and the sensitive data it returns).',
  example: "elements:\n  visitor: { tech: browser }\n  api:\n    type: api\n    endpoints:\n      /actuator: { public: true }\nflows:\n  - visitor -> api: https",
  appliesTo: 'endpoint',
  endpointKinds: ['debug'],
  check(ep, element, ctx) {
    const exposure = endpointExposure(ep, element, ctx);
    if (!isExposed(exposure)) return undefined;
    return unlessControlled(ctx, { element, endpoint: ep }, CALLER_PERIMETER, onlyReachableThrough, (missing) => {
      // The data rules leave this endpoint to this finding: what it returns is said here.
      const returned = assetList(ctx, ep.returns).filter((a) => isData(a) && (a.confidentiality === 'high' || a.classification === 'restricted'));
      const names = returned.length ? assetNames(returned) : undefined;
      return {
        title: `Debug endpoint ${ep.key} reachable from outside`,
        description: `${ep.key} on ${element.name} exposes diagnostics to an untrusted zone; configuration, secrets and memory contents leak${names ? `, and it returns ${names}` : ''}.`,
        likelihood: exposure === 'internet' && ep.public ? rated('High', 'scanners probe these paths') : rated('Medium', ep.public ? 'reachable only through other components' : 'needs a valid credential'),
        impact: rated('High', `configuration, secrets and memory contents${names ? `, and ${names}` : ''}: full compromise possible`),
        evidence: [evidence(`${ep.key} is a debug endpoint`, ep.at), ...(names ? [evidence(`${ep.key} returns ${names}`, [...ep.at, 'returns'])] : []), missing],
        target: endpointTarget(ep, element),
      };
    });
  },
};

/** Whether exposed-debug-endpoint reports the endpoint (unauthenticated-sensitive-endpoint and excessive-data-exposure leave it to that finding). */
export function debugEndpointReported(ep: Endpoint, element: Element, ctx: AnalysisContext): boolean {
  if (ep.kind !== 'debug') return false;
  return reportsThreat(exposedDebugEndpoint.check(ep, element, ctx));
}
