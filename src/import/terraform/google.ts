// Google Cloud in Terraform: the project and VPC network boundaries (the `default` network when none is named),
// and what the internet reaches: external forwarding rules, instances with an external address behind
// firewall rules open to the world (matching target tags), Cloud SQL authorized networks of 0.0.0.0/0,
// allUsers IAM grants, GKE API endpoints that are not private; API Gateway's backends, Apigee's target servers and
// Cloud Armor's WAF rules on a load balancer. Pure.
import { addBoundary, addControls, addOutsideCaller, elementByKey, type FlowEvidence } from '../draft.js';
import { type HclBody, type HclValue } from '../hcl.js';
import { slug } from '../import-common.js';
import { attribute, attributeLine, blocksOf } from './hcl-body.js';
import { ELEMENTS, WORLD } from './kinds.js';
import type { Resource, TerraformReader } from './reader.js';

const NO_BODY: HclBody = { attributes: [], blocks: [] };

/** The boundary of a Google resource's project (its own `project`, else the provider's). */
export function googleProject(tf: TerraformReader, r: Resource): string {
  const project = tf.value(r.config, attribute(r.body, 'project')) ?? tf.providerSetting(r.config, (c) => c.project);
  const projectKey = `gcp:${typeof project === 'string' ? project : ''}`;
  addBoundary(tf.draft, {
    key: projectKey, id: typeof project === 'string' ? `gcp-${slug(project)}` : 'gcp', name: typeof project === 'string' ? `GCP project (${project})` : 'GCP project',
    trust: 'internal', kind: 'cloud', comment: 'The Google Cloud project the configurations deploy to; managed services are reached through its APIs.', provenance: [],
  });
  return projectKey;
}

/** A Google resource's VPC network (from `network`, `subnetwork`, a template's or a cluster's), else its project. */
export function googlePlace(tf: TerraformReader, r: Resource, parts: readonly Resource[]): string {
  const projectKey = googleProject(tf, r);
  for (const res of [r, ...parts]) {
    for (const name of ['network', 'subnetwork', 'authorized_network', 'network_interface', 'vpc_access', 'private_network', 'ip_configuration', 'settings']) {
      for (const expr of tf.expressionsUnder(res.body, name)) {
        const literal = tf.value(res.config, expr);
        if (name === 'network' && literal === 'default') return googleNetwork(tf, undefined, projectKey, res);
        for (const t of tf.targets(res.config, expr)) {
          if (t.resource.type === 'google_compute_network') return googleNetwork(tf, t.resource, projectKey, res);
          if (t.resource.type === 'google_compute_subnetwork') {
            const net = tf.targetsOf(t.resource, 'network').find((n) => n.type === 'google_compute_network');
            if (net) return googleNetwork(tf, net, projectKey, res);
          }
        }
      }
    }
  }
  // An instance or cluster that names no network is in the project's `default` network.
  return ELEMENTS[r.type].vpc ? googleNetwork(tf, undefined, projectKey, r) : projectKey;
}

export function googleNetwork(tf: TerraformReader, net: Resource | undefined, projectKey: string, at: Resource): string {
  const key = net ? net.key : `${projectKey}|default-network`;
  const name = net ? tf.value(net.config, attribute(net.body, 'name')) : undefined;
  addBoundary(tf.draft, {
    key, id: net ? `${slug(net.name)}-network` : 'default-network', name: typeof name === 'string' ? `VPC network ${name}` : net ? net.address : 'VPC network default',
    trust: 'internal', kind: 'network', parent: projectKey,
    ...(net ? {} : { comment: 'The project\'s default network: its firewall rules allow SSH, RDP and ICMP from anywhere unless they were removed.' }),
    provenance: net ? [tf.provenance(net)] : [{ file: at.file, line: at.line, note: 'network "default"' }],
  });
  return key;
}


/** Google: external forwarding rules, instances with an external address behind open firewall rules, public SQL, allUsers IAM, public GKE endpoints. */
export function googleExposure(tf: TerraformReader, r: Resource, parts: readonly Resource[]): void {
  const values = tf.values(r);
  const outside = (line: number, note: string, facts: Omit<FlowEvidence, 'provenance'> = {}) =>
    addOutsideCaller(tf.draft, r.key, { provenance: { file: r.file, line, note }, ...facts });
  if (r.type === 'google_api_gateway_gateway') {
    apiGateway(tf, r);
    return;
  }
  if (r.type === 'google_apigee_instance') {
    apigeeTargets(tf, r);
    return;
  }
  if (/forwarding_rule$/.test(r.type)) {
    const scheme = values.get('load_balancing_scheme');
    if (typeof scheme === 'string' && scheme.startsWith('INTERNAL')) return;
    cloudArmor(tf, r);
    const range = values.get('port_range');
    const port = typeof range === 'string' || typeof range === 'number' ? Number(String(range).split('-')[0]) : undefined;
    const proxy = tf.targetsOf(r, 'target')[0];
    const protocol = proxy?.type === 'google_compute_target_https_proxy' ? 'https' : proxy?.type === 'google_compute_target_http_proxy' ? 'http' : undefined;
    outside(r.line, `external forwarding rule${port !== undefined && Number.isFinite(port) ? ` port ${port}` : ''}`, {
      ...(protocol ? { protocol } : {}), ...(port !== undefined && Number.isFinite(port) ? { port, targetPort: port } : {}),
    });
    return;
  }
  if (r.type === 'google_compute_instance' || /instance_group_manager$/.test(r.type)) {
    const external = [r, ...parts].some((res) => blocksOf(res.body, 'network_interface').some((ni) => blocksOf(ni.body, 'access_config').length > 0));
    if (!external) return;
    const tags = [r, ...parts].flatMap((res) => {
      const v = tf.values(res).get('tags');
      return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
    });
    const network = elementByKey(tf.draft, r.key)?.boundary;
    for (const fw of tf.ofType('google_compute_firewall')) {
      const fv = tf.values(fw);
      if (fv.get('direction') === 'EGRESS') continue;
      const ranges = fv.get('source_ranges');
      const world = Array.isArray(ranges) ? ranges.find((c): c is string => typeof c === 'string' && WORLD.has(c)) : undefined;
      if (world === undefined) continue;
      const targetTags = fv.get('target_tags');
      if (Array.isArray(targetTags) && !targetTags.some((t) => typeof t === 'string' && tags.includes(t))) continue;
      const fwNet = tf.targetsOf(fw, 'network').find((n) => n.type === 'google_compute_network');
      const sameNetwork = fwNet ? network === fwNet.key : fv.get('network') === 'default' && network?.endsWith('|default-network');
      if (!sameNetwork) continue;
      for (const allow of blocksOf(fw.body, 'allow')) {
        const ports = tf.values(fw, allow.body).get('ports');
        const first = Array.isArray(ports) && ports.length ? Number(String(ports[0]).split('-')[0]) : undefined;
        addOutsideCaller(tf.draft, r.key, {
          provenance: { file: fw.file, line: allow.pos.line, note: `firewall ${fw.address} allows ${world}${first !== undefined ? ` on port ${String(ports && Array.isArray(ports) ? ports[0] : first)}` : ' on every port'}` },
          ...(first !== undefined && Number.isFinite(first) ? { port: first, targetPort: first } : {}),
        });
      }
    }
    return;
  }
  if (r.type === 'google_sql_database_instance') {
    const ip = blocksOf(blocksOf(r.body, 'settings')[0]?.body ?? { attributes: [], blocks: [] }, 'ip_configuration')[0];
    if (!ip || tf.value(r.config, attribute(ip.body, 'ipv4_enabled')) === false) return;
    for (const net of blocksOf(ip.body, 'authorized_networks')) {
      const value = tf.value(r.config, attribute(net.body, 'value'));
      if (typeof value === 'string' && WORLD.has(value)) outside(net.pos.line, `authorized_networks ${value} on the public IP`);
    }
    return;
  }
  if (r.type === 'google_container_cluster') {
    const priv = blocksOf(r.body, 'private_cluster_config')[0];
    if (priv && tf.value(r.config, attribute(priv.body, 'enable_private_endpoint')) === true) return;
    outside(priv?.pos.line ?? r.line, 'public Kubernetes API endpoint (Google identities)', { protocol: 'https', port: 443, targetPort: 443, auth: 'iam' });
    return;
  }
  // Buckets, Cloud Run services and functions whose IAM grants anyone (allUsers) access.
  for (const grant of (tf.pointers.get(r.key) ?? []).map((p) => p.from).filter((g) => /_iam_(?:member|binding)$/.test(g.type))) {
    const gv = tf.values(grant);
    const members = [gv.get('member'), ...(Array.isArray(gv.get('members')) ? gv.get('members') as HclValue[] : [])];
    const anyone = members.find((m): m is string => m === 'allUsers' || m === 'allAuthenticatedUsers');
    if (anyone) addOutsideCaller(tf.draft, r.key, { provenance: { file: grant.file, line: grant.line, note: `${grant.address}: ${anyone} ${String(gv.get('role') ?? '')}`.trimEnd() }, protocol: 'https' });
  }
}

/**
 * API Gateway: a gateway answers at its public `*.gateway.dev` address, always; it calls the backends its API
 * config's OpenAPI documents name (`x-google-backend`), which Terraform passes in as references (a Cloud Run URI
 * in `templatefile`), signing each call with the config's service account when one is set.
 */
function apiGateway(tf: TerraformReader, r: Resource): void {
  addOutsideCaller(tf.draft, r.key, { provenance: { file: r.file, line: r.line, note: 'public API Gateway endpoint (*.gateway.dev)' }, protocol: 'https' });
  for (const config of tf.targetsOf(r, 'api_config').filter((c) => c.type === 'google_api_gateway_api_config')) {
    const backend = blocksOf(blocksOf(config.body, 'gateway_config')[0]?.body ?? NO_BODY, 'backend_config')[0];
    const account = backend && attributeLine(backend.body, 'google_service_account');
    for (const doc of blocksOf(config.body, 'openapi_documents')) {
      for (const target of tf.expressionsUnder(doc.body, 'document').flatMap((e) => tf.targets(config.config, e).map((t) => t.resource))) {
        const to = tf.elementOf.get(target.key);
        if (to === undefined || to === r.key) continue;
        tf.flow(r.key, to, {
          provenance: { file: config.file, line: doc.pos.line, note: `${config.address} OpenAPI document -> ${target.address}${account !== undefined ? '; calls signed as its backend_config service account' : ''}` },
          protocol: 'https', ...(account !== undefined ? { auth: 'iam' as const } : {}),
        });
      }
    }
  }
}

/**
 * An Apigee instance calls the target servers of its organization's environments (`host` naming one of ours),
 * over TLS when the target server's `s_sl_info` is enabled.
 */
function apigeeTargets(tf: TerraformReader, r: Resource): void {
  const orgs = new Set(tf.targetsOf(r, 'org_id'));
  for (const server of tf.ofType('google_apigee_target_server')) {
    const envs = tf.targetsOf(server, 'env_id').filter((e) => e.type === 'google_apigee_environment');
    if (!envs.some((env) => tf.targetsOf(env, 'org_id').some((o) => orgs.has(o)))) continue;
    const v = tf.values(server);
    const ssl = blocksOf(server.body, 's_sl_info')[0];
    const tls = ssl !== undefined && tf.values(server, ssl.body).get('enabled') === true;
    const grpc = /^grpc/i.test(String(v.get('protocol') ?? 'HTTP'));
    const protocol = grpc ? (tls ? 'grpcs' : 'grpc') : tls ? 'https' : 'http';
    const port = v.get('port');
    for (const target of tf.targetsOf(server, 'host')) {
      const to = tf.elementOf.get(target.key);
      if (to === undefined || to === r.key) continue;
      tf.flow(r.key, to, {
        provenance: { file: server.file, line: attributeLine(server.body, 'host') ?? server.line, note: `target server ${server.address} -> ${target.address}` },
        protocol, ...(typeof port === 'number' ? { port, targetPort: port } : {}),
      });
    }
  }
}

/**
 * Cloud Armor: a security policy on a backend service behind the forwarding rule whose rules use the preconfigured
 * WAF rules (`evaluatePreconfiguredWaf`, `evaluatePreconfiguredExpr`) filters requests; one with IP rules only does not.
 */
function cloudArmor(tf: TerraformReader, r: Resource): void {
  const element = elementByKey(tf.draft, r.key);
  if (!element) return;
  const maps = tf.targetsOf(r, 'target').flatMap((proxy) => tf.targetsOf(proxy, 'url_map'));
  const services = [...maps.flatMap((m) => [...tf.targetsOf(m, 'default_service'), ...tf.targetsOf(m, 'path_matcher')]), ...tf.targetsOf(r, 'backend_service')]
    .filter((x) => /backend_service$/.test(x.type));
  for (const service of services) {
    for (const policy of tf.targetsOf(service, 'security_policy').filter((p) => p.type === 'google_compute_security_policy')) {
      const waf = blocksOf(policy.body, 'rule').find((rule) => {
        if (!String(tf.values(policy, rule.body).get('action') ?? '').startsWith('deny')) return false;
        return tf.expressionsUnder(rule.body, 'expression').some((e) => /evaluatePreconfigured(?:Waf|Expr)/.test(String(tf.value(policy.config, e) ?? '')));
      });
      if (!waf) continue;
      addControls(element, [{ control: 'waf', provenance: { file: policy.file, line: waf.pos.line, note: `Cloud Armor ${policy.address} on ${service.address}: preconfigured WAF rules` } }]);
      return;
    }
  }
}
