// Azure in Terraform: resource group and virtual network boundaries, and what the internet reaches: App
// Service and Function apps, external container ingress, AKS API endpoints that are not private, VMs with a
// public IP and the inbound NSG rules from the internet (every port without an NSG), SQL firewalls open to
// every address, public blob containers, public gateways and Front Door, Service Bus and Event Hubs namespaces open
// to the internet (with how their clients authenticate), API Management's operations and backends. Pure.
import { addBoundary, addControls, addEndpoints, addOutsideCaller, type DraftEndpoint, elementByKey, type FlowEvidence } from '../draft.js';
import type { HclBody, HclExpression } from '../hcl.js';
import { slug } from '../import-common.js';
import { attribute, attributeLine, blocksOf } from './hcl-body.js';
import { ELEMENTS } from './kinds.js';
import type { Resource, TerraformReader } from './reader.js';

/** The boundary of an Azure resource's resource group. */
export function azureGroup(tf: TerraformReader, r: Resource): string {
  const group = tf.targetsOf(r, 'resource_group_name').find((g) => g.type === 'azurerm_resource_group');
  const groupName = group ? tf.value(group.config, attribute(group.body, 'name')) : tf.value(r.config, attribute(r.body, 'resource_group_name'));
  const groupKey = group ? group.key : `azure-rg:${typeof groupName === 'string' ? groupName : ''}`;
  addBoundary(tf.draft, {
    key: groupKey, id: group ? `${slug(group.name)}-rg` : typeof groupName === 'string' ? `${slug(groupName)}-rg` : 'azure',
    name: typeof groupName === 'string' ? `Resource group ${groupName}` : group ? group.address : 'Azure subscription',
    trust: 'internal', kind: 'cloud', provenance: group ? [tf.provenance(group)] : [],
  });
  return groupKey;
}

/** An Azure resource's virtual network (through its subnet or network interfaces), else its resource group. */
export function azurePlace(tf: TerraformReader, r: Resource, parts: readonly Resource[]): string {
  const groupKey = azureGroup(tf, r);
  for (const res of [r, ...parts]) {
    const subnets = [...subnetsOf(tf, res), ...tf.targetsOf(res, 'network_interface_ids').flatMap((nic) => subnetsOf(tf, nic))];
    for (const subnet of subnets) {
      const vnet = tf.targetsOf(subnet, 'virtual_network_name').find((v) => v.type === 'azurerm_virtual_network');
      if (!vnet) continue;
      const vnetName = tf.value(vnet.config, attribute(vnet.body, 'name'));
      addBoundary(tf.draft, {
        key: vnet.key, id: `${slug(vnet.name)}-vnet`, name: typeof vnetName === 'string' ? `Virtual network ${vnetName}` : vnet.address,
        trust: 'internal', kind: 'network', parent: groupKey, provenance: [tf.provenance(vnet)],
      });
      return vnet.key;
    }
  }
  return groupKey;
}

export function subnetsOf(tf: TerraformReader, r: Resource): Resource[] {
  return ['subnet_id', 'virtual_network_subnet_id', 'delegated_subnet_id', 'vnet_subnet_id', 'infrastructure_subnet_id', 'subnet_ids']
    .flatMap((n) => tf.targetsOf(r, n)).filter((x) => x.type === 'azurerm_subnet');
}

/** Azure: public web and function apps, container ingress, AKS API, VMs with public IPs behind open NSG rules, database firewalls open to all, public containers, public edges. */
export function azureExposure(tf: TerraformReader, r: Resource): void {
  const values = tf.values(r);
  const outside = (line: number, note: string, facts: Omit<FlowEvidence, 'provenance'> = {}) =>
    addOutsideCaller(tf.draft, r.key, { provenance: { file: r.file, line, note }, ...facts });
  if (/_(?:web|function)_app$|^azurerm_(?:app_service|function_app)$/.test(r.type)) {
    if (values.get('public_network_access_enabled') === false) return;
    const https = values.get('https_only') === true;
    outside(attributeLine(r.body, 'https_only') ?? r.line, https ? 'public app endpoint, https_only' : 'public app endpoint; https_only not set, so plain HTTP is served too', { protocol: https ? 'https' : 'http' });
    return;
  }
  if (r.type === 'azurerm_container_app') {
    const ingress = blocksOf(r.body, 'ingress')[0];
    if (ingress && tf.value(r.config, attribute(ingress.body, 'external_enabled')) === true) outside(ingress.pos.line, 'external ingress', { protocol: 'https' });
    return;
  }
  if (r.type === 'azurerm_container_group') {
    if (String(values.get('ip_address_type') ?? 'Public').toLowerCase() === 'public') outside(attributeLine(r.body, 'ip_address_type') ?? r.line, 'public IP address');
    return;
  }
  if (r.type === 'azurerm_kubernetes_cluster') {
    if (values.get('private_cluster_enabled') === true) return;
    outside(attributeLine(r.body, 'private_cluster_enabled') ?? r.line, 'public Kubernetes API endpoint (Entra ID or client certificates)', { protocol: 'https', port: 443, targetPort: 443, auth: 'iam' });
    return;
  }
  if (/_virtual_machine(?:_scale_set)?$/.test(r.type)) {
    azureOpenPorts(tf, r);
    return;
  }
  if (r.type === 'azurerm_servicebus_namespace' || r.type === 'azurerm_eventhub_namespace') {
    azureBroker(tf, r);
    return;
  }
  if (r.type === 'azurerm_api_management') {
    apiManagement(tf, r);
    return;
  }
  if (r.type === 'azurerm_storage_account') {
    if (values.get('allow_nested_items_to_be_public') === false) return;
    for (const c of (tf.pointers.get(r.key) ?? []).map((p) => p.from).filter((x) => x.type === 'azurerm_storage_container')) {
      const access = tf.values(c).get('container_access_type');
      if (access === 'blob' || access === 'container') addOutsideCaller(tf.draft, r.key, { provenance: { file: c.file, line: c.line, note: `${c.address}: container_access_type = "${access}"` }, protocol: 'https' });
    }
    return;
  }
  const rules = (tf.pointers.get(r.key) ?? []).map((p) => p.from).filter((x) => /_firewall_rule$/.test(x.type));
  for (const rule of rules) {
    const rv = tf.values(rule);
    if (rv.get('start_ip_address') === '0.0.0.0' && rv.get('end_ip_address') === '255.255.255.255') {
      addOutsideCaller(tf.draft, r.key, { provenance: { file: rule.file, line: rule.line, note: `${rule.address} allows every address` } });
    }
  }
  if (ELEMENTS[r.type].role !== 'edge') return;
  if (r.type === 'azurerm_application_gateway') applicationGatewayWaf(tf, r);
  const publicFrontend = blocksOf(r.body, 'frontend_ip_configuration').some((f) => attribute(f.body, 'public_ip_address_id') !== undefined);
  if (r.type === 'azurerm_cdn_frontdoor_profile' || publicFrontend) {
    outside(r.line, r.type === 'azurerm_cdn_frontdoor_profile' ? 'Front Door endpoint' : 'public frontend IP', r.type === 'azurerm_lb' ? {} : { protocol: 'https' });
  }
}

/**
 * An Application Gateway filters requests when its WAF is on (`waf_configuration`) or a WAF policy is attached, in
 * prevention mode: in detection mode it only logs what it would have blocked.
 */
function applicationGatewayWaf(tf: TerraformReader, r: Resource): void {
  const element = elementByKey(tf.draft, r.key);
  if (!element) return;
  const blocking = (res: Resource, body: HclBody) => String(tf.values(res, body).get('firewall_mode') ?? tf.values(res, body).get('mode') ?? 'Prevention').toLowerCase() === 'prevention';
  const waf = blocksOf(r.body, 'waf_configuration')[0];
  if (waf && tf.values(r, waf.body).get('enabled') === true && blocking(r, waf.body)) {
    addControls(element, [{ control: 'waf', provenance: { file: r.file, line: waf.pos.line, note: 'waf_configuration: enabled in prevention mode' } }]);
    return;
  }
  for (const policy of tf.targetsOf(r, 'firewall_policy_id').filter((p) => p.type === 'azurerm_web_application_firewall_policy')) {
    const settings = blocksOf(policy.body, 'policy_settings')[0];
    if (settings && (tf.values(policy, settings.body).get('enabled') === false || !blocking(policy, settings.body))) continue;
    addControls(element, [{ control: 'waf', provenance: { file: r.file, line: attributeLine(r.body, 'firewall_policy_id') ?? r.line, note: `firewall_policy_id -> ${policy.address} (prevention mode)` } }]);
    return;
  }
}

/**
 * API Management: its gateway is public unless it is deployed into a virtual network as `Internal` or its public
 * network access is off; each API's operations are its endpoints (the API's `path`, then the operation's
 * `url_template`), which take a subscription key unless the API sets `subscription_required = false`; each API's
 * `service_url` and each backend's `url` is a call from the gateway.
 */
function apiManagement(tf: TerraformReader, r: Resource): void {
  const values = tf.values(r);
  if (values.get('virtual_network_type') !== 'Internal' && values.get('public_network_access_enabled') !== false) {
    const line = attributeLine(r.body, 'virtual_network_type') ?? attributeLine(r.body, 'public_network_access_enabled') ?? r.line;
    addOutsideCaller(tf.draft, r.key, { provenance: { file: r.file, line, note: 'public API Management gateway' }, protocol: 'https' });
  }
  const element = elementByKey(tf.draft, r.key);
  const apis = tf.pointingAt(r, 'azurerm_api_management_api', 'api_management_name');
  const endpoints = apis.flatMap((api) => apiOperations(tf, api));
  if (element && endpoints.length) addEndpoints(element, endpoints);
  const calls = [
    ...apis.map((api) => ({ res: api, attr: 'service_url' })),
    ...tf.pointingAt(r, 'azurerm_api_management_backend', 'api_management_name').map((b) => ({ res: b, attr: 'url' })),
  ];
  for (const { res, attr } of calls) {
    const url = attribute(res.body, attr);
    const protocol = url && urlScheme(url);
    for (const backend of tf.targetsOf(res, attr)) {
      const to = tf.elementOf.get(backend.key);
      if (to === undefined) continue;
      tf.flow(r.key, to, { provenance: { file: res.file, line: attributeLine(res.body, attr) ?? res.line, note: `${res.address} ${attr} -> ${backend.address}` }, ...(protocol ? { protocol } : {}) });
    }
  }
}

/** An API's operations as endpoints: `METHOD /path/url_template`, with the subscription key they take. */
function apiOperations(tf: TerraformReader, api: Resource): DraftEndpoint[] {
  const values = tf.values(api);
  const path = typeof values.get('path') === 'string' ? `/${String(values.get('path'))}`.replace(/\/+$/, '') : '';
  const keyed = values.get('subscription_required') !== false;
  return tf.pointingAt(api, 'azurerm_api_management_api_operation', 'api_name').flatMap((op) => {
    const v = tf.values(op);
    const method = v.get('method');
    const template = v.get('url_template');
    if (typeof method !== 'string' || typeof template !== 'string') return [];
    const route = `${path}/${template.replace(/^\/+/, '')}`.replace(/\/+$/, '') || '/';
    return [{
      key: `${method.toUpperCase()} ${route}`,
      provenance: [{ file: op.file, line: op.line, note: `${op.address}${keyed ? `; ${api.address} takes a subscription key (subscription_required is on unless set false)` : `; ${api.address}: subscription_required = false`}` }],
      ...(keyed ? { auth: 'api-key' } : {}),
    }];
  });
}

/** The scheme a URL setting starts with (`"https://${...}"`), when it is written. */
function urlScheme(expr: HclExpression): string | undefined {
  const first = expr.kind === 'template' ? expr.parts[0] : expr;
  const text = first?.kind === 'literal' && typeof first.value === 'string' ? first.value : undefined;
  const m = text === undefined ? null : /^(https?):\/\//i.exec(text);
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * A Service Bus or Event Hubs namespace: how clients authenticate (shared access keys unless `local_auth_enabled =
 * false` leaves Entra ID only), whether the internet reaches it (`public_network_access_enabled`, on by default,
 * unless a network rule set denies by default; its `ip_rules` are then an allow-list), and a check when
 * `minimum_tls_version` lets clients use TLS 1.0 or 1.1.
 */
export function azureBroker(tf: TerraformReader, r: Resource): void {
  const values = tf.values(r);
  const element = elementByKey(tf.draft, r.key);
  const localAuth = values.get('local_auth_enabled') !== false;
  const authLine = attributeLine(r.body, 'local_auth_enabled') ?? r.line;
  const clientAuth = {
    method: localAuth ? 'api-key' as const : 'iam' as const,
    provenance: { file: r.file, line: authLine, note: localAuth ? 'shared access keys (SAS): local_auth_enabled is on unless set false' : 'local_auth_enabled = false: Entra ID identities only' },
  };
  if (element) element.clientAuth = clientAuth;
  const tls = values.get('minimum_tls_version');
  if (tls === '1.0' || tls === '1.1') {
    tf.checks.push({ file: r.file, line: attributeLine(r.body, 'minimum_tls_version') ?? r.line, message: `${r.address} sets minimum_tls_version = "${tls}": clients may connect with a deprecated TLS version; set "1.2"` });
  }
  const rules = [...blocksOf(r.body, 'network_rule_set'), ...blocksOf(r.body, 'network_rulesets')].map((b) => ({ values: tf.values(r, b.body), body: b.body, file: r.file, line: b.pos.line }))
    .concat(tf.pointingAt(r, 'azurerm_servicebus_namespace_network_rule_set', 'namespace_id').map((x) => ({ values: tf.values(x), body: x.body, file: x.file, line: x.line })));
  const off = [{ values, line: attributeLine(r.body, 'public_network_access_enabled') }, ...rules.map((x) => ({ values: x.values, line: attributeLine(x.body, 'public_network_access_enabled') }))]
    .find((x) => x.values.get('public_network_access_enabled') === false);
  if (off) return;
  const deny = rules.find((x) => String(x.values.get('default_action') ?? '').toLowerCase() === 'deny');
  const ranges = deny ? ipRules(tf, r, deny.body) : [];
  if (deny && ranges.length === 0) return;
  if (deny && element) addControls(element, [{ control: 'ip-allowlist', provenance: { file: deny.file, line: deny.line, note: `network rule set: default_action = "Deny", ip_rules ${ranges.join(', ')}` } }]);
  addOutsideCaller(tf.draft, r.key, {
    provenance: { file: r.file, line: attributeLine(r.body, 'public_network_access_enabled') ?? r.line, note: `public endpoint: public_network_access_enabled is on unless set false${deny ? `, from ${ranges.join(', ')} only` : ''}` },
  });
}

/** The source ranges of a network rule set: `ip_rules = [...]`, or `ip_rule { ip_mask = ... }` blocks. */
function ipRules(tf: TerraformReader, r: Resource, body: HclBody): string[] {
  const listed = tf.values(r, body).get('ip_rules');
  const fromList = Array.isArray(listed) ? listed.filter((x): x is string => typeof x === 'string') : [];
  const fromBlocks = blocksOf(body, 'ip_rule').map((b) => tf.values(r, b.body).get('ip_mask')).filter((x): x is string => typeof x === 'string');
  return [...fromList, ...fromBlocks];
}

/** A VM or scale set with a public IP: the inbound rules of its NSGs open to the internet, or every port when no NSG guards it. */
export function azureOpenPorts(tf: TerraformReader, r: Resource): void {
  const nics = tf.targetsOf(r, 'network_interface_ids').filter((n) => n.type === 'azurerm_network_interface');
  const ownConfigs = blocksOf(r.body, 'network_interface').flatMap((ni) => blocksOf(ni.body, 'ip_configuration'));
  const publicIp = nics.some((nic) => blocksOf(nic.body, 'ip_configuration').some((c) => attribute(c.body, 'public_ip_address_id') !== undefined))
    || ownConfigs.some((c) => blocksOf(c.body, 'public_ip_address').length > 0);
  if (!publicIp) return;
  const subnets = [...nics.flatMap((nic) => subnetsOf(tf, nic)), ...subnetsOf(tf, r)];
  const viaAssociation = (target: Resource, type: string, attr: string) => tf.pointingAt(target, type, attr)
    .flatMap((a) => tf.targetsOf(a, 'network_security_group_id')).filter((g) => g.type === 'azurerm_network_security_group');
  const groups = new Set([
    ...nics.flatMap((nic) => viaAssociation(nic, 'azurerm_network_interface_security_group_association', 'network_interface_id')),
    ...subnets.flatMap((sn) => viaAssociation(sn, 'azurerm_subnet_network_security_group_association', 'subnet_id')),
    ...blocksOf(r.body, 'network_interface').flatMap((ni) => tf.expressionsUnder(ni.body, 'network_security_group_id'))
      .flatMap((e) => tf.targets(r.config, e).map((t) => t.resource)),
  ]);
  if (!groups.size) {
    addOutsideCaller(tf.draft, r.key, { provenance: { file: r.file, line: r.line, note: 'a public IP and no network security group: every port is reachable' } });
    return;
  }
  for (const nsg of groups) {
    const rules = [
      ...blocksOf(nsg.body, 'security_rule').map((b) => ({ res: nsg, body: b.body, line: b.pos.line })),
      ...tf.pointingAt(nsg, 'azurerm_network_security_rule', 'network_security_group_name').map((x) => ({ res: x, body: x.body, line: x.line })),
    ];
    for (const rule of rules) {
      const v = tf.values(rule.res, rule.body);
      const source = String(v.get('source_address_prefix') ?? '');
      if (String(v.get('direction')).toLowerCase() !== 'inbound' || String(v.get('access')).toLowerCase() !== 'allow') continue;
      if (!['*', 'internet', 'any', '0.0.0.0/0'].includes(source.toLowerCase())) continue;
      const range = v.get('destination_port_range');
      const port = typeof range === 'string' && /^\d+$/.test(range) ? Number(range) : typeof range === 'number' ? range : undefined;
      addOutsideCaller(tf.draft, r.key, {
        provenance: { file: rule.res.file, line: rule.line, note: `${nsg.address} allows ${source} on ${port !== undefined ? `port ${port}` : `ports ${String(range ?? '*')}`}` },
        ...(port !== undefined ? { port, targetPort: port } : {}),
      });
    }
  }
}
