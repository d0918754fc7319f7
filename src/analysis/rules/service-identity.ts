// Spoofing between our own services: without mutual TLS any workload inside the network can call any other.
import type { ModelGraph } from '../../model/graph.js';
import { TECHNOLOGIES } from '../../model/catalog.js';
import type { Boundary, Element, Flow, ModelPath } from '../../model/types.js';
import type { AnalysisContext } from '../context.js';
import { assetImpact, rated } from '../risk.js';
import { cached, callAuth, callAuthMethod, isNetworkFlow } from './facts.js';
import { AssetSet, byLocale } from './family-shared.js';
import { evidence, flowIds as flowIdsOf, flowLabel, mitigatedOutcome, pushTo, threatOutcome } from './helpers.js';
import type { ModelRule, Outcome } from './types.js';

const MAX_EVIDENCE = 8;
const FOOTHOLD = rated('Medium', 'needs a foothold inside the internal network: some skill or access');
/**
 * A zone with this many processes or fewer is a small system: a service mesh is out of proportion, and an
 * attacker who holds one of its few services gains little more by impersonating another.
 */
const SMALL_ZONE = 5;
const SMALL_ZONE_MITIGATION =
  'With this few services, authenticate the calls with signed service tokens (OAuth 2 client credentials, or workload identity from the platform) or mutual TLS terminated by the platform, and authorise callers by that identity; a service mesh pays off only with many services.';
const FALSE_IDENTITY = rated('Medium', 'internal services reached under a false identity');

/**
 * An identity provider someone else runs, though modelled as a process (a hosted one such as Auth0 or Okta,
 * or a cloud's user pool such as Cognito): reached over its public TLS API with its own client
 * authentication, it is no workload of ours that a mesh could give an identity, nor one that could be
 * impersonated from inside our network. One we run ourselves (Keycloak, Dex) is a service like any other.
 */
export function isManagedIdentityProvider(e: Element): boolean {
  if (!e.traits.includes('identity') || e.tech === undefined) return false;
  const tech = e.tech.toLowerCase();
  const info = Object.hasOwn(TECHNOLOGIES, tech) ? TECHNOLOGIES[tech] : undefined;
  return e.traits.includes('cloud') || info?.type === 'third-party';
}

/**
 * Network flows between two of our processes that both sit in internal or restricted zones (positions, in model
 * order). A call in the same process or host (`in-process`, `ipc`, `file`) crosses no network a workload could
 * reach it over: there is no peer to impersonate and no TLS to make mutual.
 */
function internalServiceCalls(graph: ModelGraph): number[] {
  const { elements, flows } = graph.model;
  const calls: number[] = [];
  for (let k = 0; k < flows.length; k++) {
    const from = graph.flowSource[k];
    const to = graph.flowTarget[k];
    if (from < 0 || to < 0 || !isNetworkFlow(flows[k])) continue;
    if (elements[from].kind === 'process' && elements[to].kind === 'process' && graph.trustRankAt(from) >= 2 && graph.trustRankAt(to) >= 2 &&
      !isManagedIdentityProvider(elements[from]) && !isManagedIdentityProvider(elements[to])) {
      calls.push(k);
    }
  }
  return calls;
}

/** How many processes sit in the boundary, nested boundaries included: one pass over the elements per analysis. */
function processesIn(ctx: AnalysisContext, boundary: string): number {
  const counts = cached(ctx, 'no-mutual-tls:processes-in', () => {
    const table = new Map<string, number>();
    const { elements } = ctx.graph.model;
    for (let i = 0; i < elements.length; i++) {
      if (elements[i].kind !== 'process') continue;
      for (const b of ctx.graph.boundaryChainAt(i)) table.set(b.id, (table.get(b.id) ?? 0) + 1);
    }
    return table;
  });
  return counts.get(boundary) ?? 0;
}

/** The first boundary of chain `a` (innermost first) that is also in chain `b`. */
export function innermostShared(a: readonly Boundary[], b: readonly Boundary[]): string | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  // Elements of one boundary share its chain; chains are short, so a scan beats building a set.
  if (a === b) return a[0].id;
  if (a.length * b.length > 64) {
    const inB = new Set(b.map((x) => x.id));
    return a.find((x) => inB.has(x.id))?.id;
  }
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (a[i].id === b[j].id) return a[i].id;
  return undefined;
}

/**
 * Groups flows (positions of flows whose ends are known) by the innermost boundary holding both ends; a
 * flow between zones joins the group of its source element. The groups come in the order of their keys.
 */
export function groupByCommonBoundary(graph: ModelGraph, positions: readonly number[]): Array<[string, Flow[]]> {
  const { flows } = graph.model;
  const groups = new Map<string, Flow[]>();
  // A source's group key is made once, not once per flow it sends.
  const sourceKeys: (string | undefined)[] = new Array(graph.model.elements.length);
  for (let i = 0; i < positions.length; i++) {
    const k = positions[i];
    const s = graph.flowSource[k];
    const key = innermostShared(graph.boundaryChainAt(s), graph.boundaryChainAt(graph.flowTarget[k])) ??
      (sourceKeys[s] ??= sourceGroupKey(flows[k].from));
    pushTo(groups, key, flows[k]);
  }
  return [...groups].sort(([a], [b]) => byLocale(a, b));
}

const SOURCE_GROUP = '\u0000';
/** The group key of flows reported on their source element. */
export const sourceGroupKey = (elementId: string) => `${SOURCE_GROUP}${elementId}`;
export const isSourceGroupKey = (key: string) => key.startsWith(SOURCE_GROUP);

/** What a group of flows is reported on: their common boundary, or the source element they leave. */
export function groupComponent(ctx: AnalysisContext, key: string) {
  if (key.startsWith(SOURCE_GROUP)) {
    const id = key.slice(SOURCE_GROUP.length);
    const e = ctx.graph.elements.get(id);
    return { component: id, componentKind: 'element' as const, name: e?.name ?? id, at: e?.at ?? [], inBoundary: false };
  }
  const b = ctx.graph.boundaries.get(key)!;
  return { component: b.id, componentKind: 'boundary' as const, name: b.name, at: b.at, inBoundary: true };
}

/** Evidence for each of the first flows, cited at the flow unless `at` names where the fact is stated (its auth's place). */
export function flowEvidence(ctx: AnalysisContext, flows: readonly Flow[], describe: (f: Flow) => string, at: (f: Flow) => ModelPath = (f) => f.at) {
  const shown = flows.slice(0, MAX_EVIDENCE).map((f) => evidence(`${flowLabel(f, ctx)}: ${describe(f)}`, at(f)));
  if (flows.length > MAX_EVIDENCE) shown.push(evidence(`and ${flows.length - MAX_EVIDENCE} more flows`, flows[MAX_EVIDENCE].at));
  return shown;
}

/**
 * Auth that identifies the calling workload: its certificate, cloud identity, Kerberos principal, a signed token,
 * or its SSH key (SSH proves the client by its key pair and the server by its host key: mutual TLS has nothing
 * to add; `identifiesWorkload` counts it on SSH only). SSH with a password is as weak as any shared secret.
 */
const WORKLOAD_AUTH: ReadonlySet<string> = new Set(['mtls', 'iam', 'kerberos', 'jwt', 'oauth2', 'ssh-key']);

/**
 * Whether a service call's auth (the method callAuthMethod finds for it) identifies the calling workload. An SSH
 * key does so only on SSH itself: stated on an HTTPS call it says nothing of what that call presents.
 */
export const identifiesWorkload = (method: string, protocol: string): boolean =>
  method === 'ssh-key' ? SSH_PROTOCOLS.has(protocol) : WORKLOAD_AUTH.has(method);

/**
 * Whether a call authenticates with the caller's SSH key, read as callAuthMethod reads it (the flow's auth, else
 * the endpoint it names, else the called element's), from the element called: a result has no graph.
 */
export function sshKeyCall(f: Flow, to: Element): boolean {
  if (!SSH_PROTOCOLS.has(f.protocol)) return false;
  if (f.auth !== 'none') return f.auth === 'ssh-key';
  const ep = f.endpoint === undefined ? undefined : to.endpoints.find((x) => x.id === f.endpoint);
  return (ep === undefined ? to.auth : ep.auth) === 'ssh-key';
}

/** Protocols that authenticate their clients in SSH's own way: keys are the fix there, not TLS certificates. */
export const SSH_PROTOCOLS: ReadonlySet<string> = new Set(['ssh', 'sftp', 'scp']);
const SSH_MITIGATION =
  'Authenticate these SSH sessions with a key per calling service (or SSH certificates from a CA), not passwords: `PasswordAuthentication no` on the server, each key restricted in authorized_keys (`from=`, `command=` where one command is enough), and host keys pinned in known_hosts.';

/**
 * What the weak calls lack. A call that presents a password, API key or OIDC token does authenticate its caller,
 * with a credential that anyone holding it can replay: saying it authenticates nothing would contradict its evidence.
 */
function weakCallsDescription(ctx: AnalysisContext, weak: readonly Flow[], sshOnly: boolean): string {
  const methods = weak.map((f) => callAuthMethod(ctx.graph, f));
  const anonymous = methods.filter((m) => m === 'none').length;
  const credentials = [...new Set(methods.filter((m) => m !== 'none'))].sort().join(', ');
  const proof = sshOnly ? 'a key of its own' : 'a certificate both ends verify (mutual TLS)';
  const one = weak.length === 1;
  if (anonymous === weak.length) {
    return `${one ? 'does' : 'do'} not authenticate the calling service; a compromised workload can impersonate any caller.`;
  }
  if (anonymous === 0) {
    return `${one ? 'authenticates' : 'authenticate'} the calling service only with a credential it presents (${credentials}), not with ${proof}; a compromised workload that obtains the credential can impersonate the caller.`;
  }
  const presenting = weak.length - anonymous;
  return `do not prove the calling service's identity: ${anonymous} ${anonymous === 1 ? 'presents' : 'present'} no credential, ${presenting} only a credential (${credentials}) rather than ${proof}; a compromised workload can impersonate any caller.`;
}

export const noMutualTls: ModelRule = {
  id: 'no-mutual-tls',
  stride: 'S',
  title: 'No mutual TLS between services',
  description:
    'Internal service-to-service calls that do not authenticate the calling workload (mutual TLS or signed service tokens): any compromised or rogue workload inside the network can impersonate a service.',
  condition: 'network flows (not `in-process`, `ipc` or `file`) between two processes that both sit in internal or restricted zones, grouped by the innermost boundary they share (else by the calling process), whose auth (the flow\'s, else the endpoint it names, else the called service\'s) does not identify the calling workload (`mtls`, `iam`, `kerberos`, signed tokens: `jwt`, `oauth2`, or the caller\'s SSH key, `ssh-key`, on ssh, sftp or scp); a managed identity provider modelled as a process (a hosted one such as Auth0 or Okta, or a cloud\'s such as Cognito) is no service of ours and is left out; a group where every call does is reported as mitigated',
  mitigation: 'Authenticate every service call with mutual TLS (a service mesh issues and rotates the certificates) and authorise callers by service identity.',
  action: { text: 'Authenticate service-to-service calls (mutual TLS or signed service tokens) in {targets}' },
  mitigatedBy: ['mtls'],
  references: ['CWE-306', 'CWE-295', 'CAPEC-151', 'OWASP ASVS V9.2'],
  rating: `Likelihood Medium (needs a foothold inside the network), Low for calls inside one zone of at most ${SMALL_ZONE} processes (a foothold there is already a compromise of one of those few services, and a step to the others' data that service identity barely lengthens); impact from the confidentiality of the data the calls carry or their targets hold.`,
  example: 'boundaries:\n  mesh: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  orders: { type: service, in: mesh }\n  payments: { type: service, in: mesh }\nflows:\n  - visitor -> orders: https\n  - orders -> payments: https',
  appliesTo: 'model',
  check(ctx) {
    const out: Outcome[] = [];
    for (const [key, flows] of groupByCommonBoundary(ctx.graph, internalServiceCalls(ctx.graph))) {
      const group = groupComponent(ctx, key);
      const flowIds = flowIdsOf(flows);
      // How each call authenticates: `auth: mtls` on the service called covers the calls that do not restate it.
      // Where the model says so is looked up only for the few calls the evidence cites.
      const weak = flows.filter((f) => !identifiesWorkload(callAuthMethod(ctx.graph, f), f.protocol));
      if (weak.length === 0) {
        const used = [...new Set(flows.map((f) => callAuthMethod(ctx.graph, f)))].sort();
        const one = flows.length === 1;
        const how = used.length === 1 && used[0] === 'mtls' ? `${one ? 'uses' : 'use'} mutual TLS` : `${one ? 'identifies' : 'identify'} the calling workload (${used.join(', ')})`;
        out.push(mitigatedOutcome(group.component, group.componentKind, undefined, flowIds, used, `${one ? 'the service call' : `all ${flows.length} service calls`} ${how}`));
        continue;
      }
      // What the calls carry and what their targets hold, each asset once (many calls share a target).
      const assets = new AssetSet();
      const targets = new Set<string>();
      for (const f of weak) {
        assets.addFlow(ctx, f);
        if (targets.has(f.to)) continue;
        targets.add(f.to);
        assets.addAll(ctx.assetsOf(f.to));
      }
      // Calls between zones are grouped on the service they leave: they are not "in" it.
      const where = group.inBoundary ? `in ${group.name}` : `from ${group.name}`;
      const calls = weak.length === 1 && flows.length === 1 ? '1 service-to-service call' : `${weak.length} of ${flows.length} service-to-service calls`;
      const size = group.inBoundary ? processesIn(ctx, key) : undefined;
      const small = size !== undefined && size <= SMALL_ZONE;
      // SSH has no TLS to make mutual: its callers prove who they are with a key of their own.
      const sshOnly = weak.every((f) => SSH_PROTOCOLS.has(f.protocol));
      out.push(threatOutcome(group.component, group.componentKind, undefined, weak.length === flows.length ? flowIds : flowIdsOf(weak), {
        title: sshOnly
          ? `SSH ${weak.length === 1 ? 'session' : 'sessions'} ${where} not authenticated by a per-service key`
          : `No mutual TLS ${group.inBoundary ? 'between services in' : 'on service calls from'} ${group.name}`,
        description: `${calls} ${where} ${weakCallsDescription(ctx, weak, sshOnly)}`,
        likelihood: small
          ? rated('Low', `needs a foothold in one of the ${size} processes of ${group.name} first, itself a breach of one of our services: insider access or a prior compromise`)
          : FOOTHOLD,
        impact: assetImpact(assets.list, 'confidentiality', FALSE_IDENTITY),
        evidence: flowEvidence(ctx, weak, (f) => `${f.protocol}, auth ${callAuthMethod(ctx.graph, f)}`, (f) => callAuth(ctx, f).at),
        mitigation: sshOnly ? SSH_MITIGATION : small ? SMALL_ZONE_MITIGATION : undefined,
        target: group.name,
      }));
    }
    return out;
  },
};
