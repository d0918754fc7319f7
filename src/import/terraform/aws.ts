// AWS in Terraform: the account and VPC boundaries (the default VPC when no subnet is named), load balancer
// listeners, target groups and their members, CloudFront origins, API Gateway integrations and authorizers,
// event subscriptions, and what the internet reaches (internet-facing listeners, security groups open to the
// world on compute with a public address, publicly accessible databases, public buckets, public EKS
// endpoints, Cognito sign-in). Pure.
import { addBoundary, addControls, addEndpoints, addOutsideCaller, type DraftControl, type DraftEndpoint, elementByKey, type Provenance } from '../draft.js';
import type { AuthMethod, Control } from '../../model/catalog.js';
import { type HclBlock, type HclBody, type HclExpression, type HclValue, objectItems } from '../hcl.js';
import { lookup, slug } from '../import-common.js';
import { attribute, attributeLine, blocksOf, listenerObjects, listenerProtocol, nothing } from './hcl-body.js';
import { ELEMENTS, WORLD } from './kinds.js';
import { policyStatements } from './policy.js';
import type { Config, Resource, TerraformReader } from './reader.js';

export function accountBoundary(tf: TerraformReader, config: Config): string {
  const region = tf.providerSetting(config, (c) => c.region);
  const key = `aws:${region ?? ''}`;
  addBoundary(tf.draft, {
    key, id: region ? `aws-${slug(region)}` : 'aws', name: region ? `AWS account (${region})` : 'AWS account', trust: 'internal', kind: 'cloud',
    comment: 'The AWS account the configurations deploy to; managed services (S3, DynamoDB, SQS...) are reached through its API.',
    provenance: [],
  });
  return key;
}


export function vpcBoundary(tf: TerraformReader, vpc: Resource): string {
  const account = accountBoundary(tf, vpc.config);
  const isDefault = vpc.mode === 'data' && tf.value(vpc.config, attribute(vpc.body, 'default')) === true;
  if (isDefault) return defaultVpc(tf, vpc.config, [tf.provenance(vpc)]);
  const tagName = objectItems(attribute(vpc.body, 'tags') ?? nothing)?.get('Name');
  // The VPC module names its VPC by its `name` input.
  const named = tagName ? tf.value(vpc.config, tagName) : vpc.module !== undefined ? tf.value(vpc.config, attribute(vpc.body, 'name')) : undefined;
  addBoundary(tf.draft, {
    key: vpc.key, id: /(?:^|-)vpc$/.test(slug(vpc.name)) ? slug(vpc.name) : `${slug(vpc.name)}-vpc`, name: typeof named === 'string' ? named : vpc.address, trust: 'internal', kind: 'network', parent: account,
    provenance: [tf.provenance(vpc)],
  });
  return vpc.key;
}

export function defaultVpc(tf: TerraformReader, config: Config, provenance: Provenance[]): string {
  const account = accountBoundary(tf, config);
  const region = tf.providerSetting(config, (c) => c.region);
  const key = `default-vpc:${region ?? ''}`;
  addBoundary(tf.draft, {
    key, id: 'default-vpc', name: region ? `Default VPC (${region})` : 'Default VPC', trust: 'internal', kind: 'network', parent: account,
    comment: 'The region\'s default VPC: its subnets give every instance a public address.',
    provenance,
  });
  return key;
}

const PLACEMENT = ['subnet_id', 'subnet_ids', 'subnets', 'vpc_zone_identifier', 'vpc_id', 'db_subnet_group_name', 'subnet_group_name', 'vpc_config', 'network_configuration', 'subnet_mapping', 'vpc_options', 'broker_node_group_info', 'network_interfaces', 'values', 'filter'];

/** Whether a resource or one of its parts names its subnets or VPC at all (resolved or not). */
export const namesPlacement = (r: Resource, parts: readonly Resource[]): boolean =>
  [r, ...parts].some((res) => PLACEMENT.some((name) => name !== 'values' && name !== 'filter' && hasSetting(res.body, name)));

const hasSetting = (body: HclBody, name: string): boolean =>
  body.attributes.some((a) => a.name === name) || body.blocks.some((b) => b.type === name || hasSetting(b.body, name));

export function vpcOf(tf: TerraformReader, r: Resource, depth = 0): Resource | undefined {
  if (r.type === 'aws_vpc') return r;
  if (depth > 6) return undefined;
  for (const name of PLACEMENT) {
    for (const expr of tf.expressionsUnder(r.body, name)) {
      for (const t of tf.targets(r.config, expr)) {
        if (t.resource === r) continue;
        if (t.resource.type === 'aws_vpc') return t.resource;
        if (/^aws_(?:subnets?|db_subnet_group|elasticache_subnet_group|security_group)$/.test(t.resource.type)) {
          const vpc = vpcOf(tf, t.resource, depth + 1);
          if (vpc) return vpc;
        }
      }
    }
  }
  return undefined;
}

/** Listener -> target group -> what the group's attachments, groups and services put in it. */
export function loadBalancerFlows(tf: TerraformReader): void {
  const groupsOfListener = new Map<Resource, Resource[]>();
  const addGroups = (listener: Resource, from: Resource) => {
    const groups = tf.targetsOf(from, 'target_group_arn').concat(tf.targetsOf(from, 'arn')).filter((g) => /_target_group$/.test(g.type));
    groupsOfListener.set(listener, [...(groupsOfListener.get(listener) ?? []), ...groups]);
  };
  const listeners = tf.ofType('aws_lb_listener', 'aws_alb_listener');
  for (const l of listeners) addGroups(l, l);
  for (const rule of tf.ofType('aws_lb_listener_rule', 'aws_alb_listener_rule')) {
    for (const l of tf.targetsOf(rule, 'listener_arn')) if (listeners.includes(l)) addGroups(l, rule);
  }
  const members = new Map<Resource, Resource[]>();
  const addMember = (group: Resource, member: Resource) => members.set(group, [...(members.get(group) ?? []), member]);
  for (const g of tf.ofType('aws_autoscaling_group')) for (const tg of tf.targetsOf(g, 'target_group_arns')) addMember(tg, g);
  for (const s of tf.ofType('aws_ecs_service')) for (const tg of tf.targetsOf(s, 'target_group_arn')) addMember(tg, s);
  for (const a of tf.ofType('aws_lb_target_group_attachment', 'aws_alb_target_group_attachment', 'aws_autoscaling_attachment')) {
    const groups = tf.targetsOf(a, 'target_group_arn').concat(tf.targetsOf(a, 'lb_target_group_arn'));
    const targets = tf.targetsOf(a, 'target_id').concat(tf.targetsOf(a, 'autoscaling_group_name'));
    for (const tg of groups) for (const t of targets) addMember(tg, t);
  }
  for (const l of listeners) {
    const lb = tf.targetsOf(l, 'load_balancer_arn').find((x) => tf.elementOf.has(x.key));
    if (!lb) continue;
    const lbKey = tf.elementOf.get(lb.key)!;
    const values = tf.values(l);
    const protocol = listenerProtocol(values.get('protocol'));
    const port = typeof values.get('port') === 'number' ? values.get('port') as number : undefined;
    const actions = blocksOf(l.body, 'default_action');
    const redirectOnly = actions.length > 0 && actions.every((a) => tf.value(l.config, attribute(a.body, 'type')) === 'redirect')
      && !(groupsOfListener.get(l)?.length);
    if (tf.value(lb.config, attribute(lb.body, 'internal')) !== true && !redirectOnly) {
      addOutsideCaller(tf.draft, lbKey, {
        provenance: { file: l.file, line: l.line, note: `listener ${l.address}${port !== undefined ? ` port ${port}` : ''}${protocol ? ` ${protocol.toUpperCase()}` : ''}` },
        ...(protocol ? { protocol } : {}), ...(port !== undefined ? { port, targetPort: port } : {}),
      });
    }
    for (const tg of new Set(groupsOfListener.get(l) ?? [])) {
      const tgValues = tf.values(tg);
      const tgProtocol = listenerProtocol(tgValues.get('protocol'));
      const tgPort = typeof tgValues.get('port') === 'number' ? tgValues.get('port') as number : undefined;
      for (const m of new Set(members.get(tg) ?? [])) {
        const to = tf.elementOf.get(m.key);
        if (to === undefined) continue;
        tf.flow(lbKey, to, {
          provenance: { file: tg.file, line: tg.line, note: `target group ${tg.address}${tgPort !== undefined ? ` port ${tgPort}` : ''}` },
          ...(tgProtocol ? { protocol: tgProtocol } : {}), ...(tgPort !== undefined ? { port: tgPort, targetPort: tgPort } : {}),
        });
      }
    }
  }
}

/**
 * An internet-facing load balancer made by the ALB or ELB module: its listeners are objects in its inputs
 * (`listeners` by name, or `http_tcp_listeners` and `https_listeners` lists) with a port and a protocol.
 */
export function moduleLoadBalancers(tf: TerraformReader): void {
  for (const lb of tf.ofType('aws_lb', 'aws_elb').filter((r) => r.module !== undefined)) {
    if (tf.value(lb.config, attribute(lb.body, 'internal')) === true) continue;
    const listeners = ['listeners', 'http_tcp_listeners', 'https_listeners', 'listener']
      .flatMap((name) => body(lb, name)).flatMap(({ expr, name }) => listenerObjects(expr).map((l) => ({ ...l, name })));
    const evidence = listeners.length ? listeners : [{ line: lb.line, name: 'internal not set', port: undefined, protocol: undefined }];
    for (const l of evidence) {
      const protocol = listenerProtocol(typeof l.protocol === 'string' ? l.protocol : undefined);
      const port = typeof l.port === 'number' ? l.port : undefined;
      addOutsideCaller(tf.draft, tf.elementOf.get(lb.key)!, {
        provenance: { file: lb.file, line: l.line, note: `${l.name}${port !== undefined ? ` port ${port}` : ''}${protocol ? ` ${protocol.toUpperCase()}` : ''}` },
        ...(protocol ? { protocol } : {}), ...(port !== undefined ? { port, targetPort: port } : {}),
      });
    }
  }
  function body(lb: Resource, name: string): Array<{ expr: HclExpression; name: string }> {
    const expr = attribute(lb.body, name);
    return expr ? [{ expr, name }] : [];
  }
}

/** CDN origins and API gateway integrations: the edge calls what they name. */
export function edgeFlows(tf: TerraformReader): void {
  for (const cdn of tf.ofType('aws_cloudfront_distribution')) {
    const cdnKey = tf.elementOf.get(cdn.key)!;
    const behaviour = blocksOf(cdn.body, 'default_cache_behavior')[0];
    const viewer = behaviour && tf.value(cdn.config, attribute(behaviour.body, 'viewer_protocol_policy'));
    addOutsideCaller(tf.draft, cdnKey, {
      provenance: { file: cdn.file, line: behaviour?.pos.line ?? cdn.line, note: `viewer_protocol_policy ${typeof viewer === 'string' ? viewer : 'unknown'}` },
      protocol: viewer === 'allow-all' ? 'http' : 'https',
    });
    for (const origin of blocksOf(cdn.body, 'origin')) {
      const custom = blocksOf(origin.body, 'custom_origin_config')[0];
      const policy = custom && tf.value(cdn.config, attribute(custom.body, 'origin_protocol_policy'));
      for (const t of tf.targets(cdn.config, attribute(origin.body, 'domain_name') ?? origin.body.attributes[0]?.value ?? nothing)) {
        const to = tf.elementOf.get(t.resource.key);
        if (to === undefined) continue;
        const protocol = t.resource.type === 'aws_s3_bucket' ? 's3' : policy === 'http-only' ? 'http' : policy === 'https-only' ? 'https' : undefined;
        tf.flow(cdnKey, to, { provenance: { file: cdn.file, line: origin.pos.line, note: `origin -> ${t.resource.address}${typeof policy === 'string' ? ` (${policy})` : ''}` }, ...(protocol ? { protocol } : {}) });
      }
    }
  }
  for (const api of tf.ofType('aws_api_gateway_rest_api', 'aws_apigatewayv2_api')) {
    const key = tf.elementOf.get(api.key)!;
    addOutsideCaller(tf.draft, key, { provenance: { file: api.file, line: api.line, note: `${api.address}: a public API endpoint` }, protocol: 'https' });
    const endpoints = apiEndpoints(tf, api);
    const element = elementByKey(tf.draft, key);
    if (element && endpoints.length) addEndpoints(element, endpoints);
    authorizerUse(tf, api, key);
  }
  for (const integration of tf.ofType('aws_api_gateway_integration', 'aws_apigatewayv2_integration')) {
    const apis = tf.targetsOf(integration, 'rest_api_id').concat(tf.targetsOf(integration, 'api_id'));
    const backends = tf.targetsOf(integration, 'uri').concat(tf.targetsOf(integration, 'integration_uri'));
    for (const api of apis) {
      for (const b of backends) {
        const from = tf.elementOf.get(api.key);
        const to = tf.elementOf.get(b.key);
        if (from !== undefined && to !== undefined) tf.flow(from, to, { provenance: { file: integration.file, line: integration.line, note: `integration ${integration.address}` }, ...(b.type === 'aws_lambda_function' ? { protocol: 'https' } : {}) });
      }
    }
  }
  for (const url of tf.ofType('aws_lambda_function_url')) {
    const fn = tf.targetsOf(url, 'function_name')[0];
    const key = fn && tf.elementOf.get(fn.key);
    if (key === undefined) continue;
    const auth = tf.value(url.config, attribute(url.body, 'authorization_type'));
    addOutsideCaller(tf.draft, key, {
      provenance: { file: url.file, line: url.line, note: `function URL, authorization_type ${typeof auth === 'string' ? auth : 'unknown'}` }, protocol: 'https',
      ...(auth === 'AWS_IAM' ? { auth: 'iam' as const } : {}),
    });
  }
}

/**
 * API Gateway authorizers as the model's auth: IAM signatures, Cognito and JWT authorizers' tokens, and a
 * custom (Lambda) authorizer, most often checking a bearer token; NONE is public.
 */
const API_AUTH: Record<string, AuthMethod> = { AWS_IAM: 'iam', COGNITO_USER_POOLS: 'jwt', JWT: 'jwt', CUSTOM: 'jwt' };

/**
 * An API's operations as endpoints with their authorization: REST API methods on their resources' paths
 * (parent by parent up to the root), HTTP and WebSocket API routes by their route keys. `ANY` is every method.
 */
function apiEndpoints(tf: TerraformReader, api: Resource): DraftEndpoint[] {
  const endpoint = (method: string, path: string, authorization: unknown, apiKey: boolean, at: Resource): DraftEndpoint => {
    const auth = typeof authorization === 'string' ? lookup(API_AUTH, authorization.toUpperCase()) : undefined;
    const key = method === 'ANY' || method === '' ? path : `${method} ${path}`;
    const managed = authorizerOf(tf, at);
    return {
      key, provenance: [{ file: at.file, line: at.line, note: `${at.address} authorization ${typeof authorization === 'string' ? authorization : 'unknown'}` }],
      ...(auth ? { auth } : apiKey ? { auth: 'api-key' } : authorization === 'NONE' ? { public: true } : {}),
      ...(managed?.kind === 'managed' ? { controls: [managed.control] } : {}),
    };
  };
  const pathOf = (resource: Resource | undefined, depth = 0): string | undefined => {
    if (resource === undefined || depth > 32) return undefined;
    if (resource.type === 'aws_api_gateway_rest_api') return '';
    const part = tf.values(resource).get('path_part');
    const parent = pathOf(tf.targetsOf(resource, 'parent_id')[0], depth + 1);
    return typeof part === 'string' && parent !== undefined ? `${parent}/${part}` : undefined;
  };
  const out: DraftEndpoint[] = [];
  for (const method of tf.pointingAt(api, 'aws_api_gateway_method', 'rest_api_id')) {
    const v = tf.values(method);
    const path = pathOf(tf.targetsOf(method, 'resource_id')[0]);
    if (path === undefined || typeof v.get('http_method') !== 'string') continue;
    out.push(endpoint(String(v.get('http_method')).toUpperCase(), path || '/', v.get('authorization'), v.get('api_key_required') === true, method));
  }
  for (const route of tf.pointingAt(api, 'aws_apigatewayv2_route', 'api_id')) {
    const v = tf.values(route);
    const routeKey = v.get('route_key');
    const m = typeof routeKey === 'string' ? /^([A-Z]+)\s+(\/\S*)$/.exec(routeKey) : null;
    if (!m) continue;
    out.push(endpoint(m[1], m[2], v.get('authorization_type') ?? 'NONE', v.get('api_key_required') === true, route));
  }
  return out;
}

/**
 * The authorizer a route or method runs, as far as the files say what it checks. API Gateway's own JWT
 * authorizer (HTTP APIs) checks a token's signature against the keys its issuer publishes, the issuer, the
 * audience and the expiry; its Cognito authorizer (REST APIs) checks the signature against the user pools' keys,
 * the pool as issuer and the expiry (any app client of those pools passes: the pools are what it trusts). Either
 * is `token-validation` for the routes that run it. A Lambda authorizer is our own code: what it checks is that
 * function's to show, so it claims nothing.
 */
type RouteAuthorizer =
  | { kind: 'managed'; authorizer: Resource; control: DraftControl; pools: Array<{ pool: Resource; line: number }> }
  | { kind: 'lambda'; authorizer: Resource };

/** How a route or method says which authorizer runs: its authorization names the authorizer's type. */
const AUTHORIZATION_OF: Record<string, string> = { aws_api_gateway_method: 'authorization', aws_apigatewayv2_route: 'authorization_type' };

function authorizerOf(tf: TerraformReader, route: Resource): RouteAuthorizer | undefined {
  const authorizer = tf.targetsOf(route, 'authorizer_id').find((a) => a.type === 'aws_api_gateway_authorizer' || a.type === 'aws_apigatewayv2_authorizer');
  const authorization = tf.values(route).get(AUTHORIZATION_OF[route.type]);
  if (authorizer === undefined || typeof authorization !== 'string') return undefined;
  // A REST authorizer defaults to a Lambda one reading a token.
  const type = String(tf.values(authorizer).get(authorizer.type === 'aws_apigatewayv2_authorizer' ? 'authorizer_type' : 'type') ?? 'TOKEN').toUpperCase();
  if (type === 'JWT' || type === 'COGNITO_USER_POOLS') {
    // A route that asks for another authorization (NONE, AWS_IAM) does not run the authorizer it names.
    if (authorization.toUpperCase() !== type) return undefined;
    return managedAuthorizer(tf, authorizer, type);
  }
  return authorization.toUpperCase() === 'CUSTOM' ? { kind: 'lambda', authorizer } : undefined;
}

function managedAuthorizer(tf: TerraformReader, authorizer: Resource, type: string): RouteAuthorizer | undefined {
  const jwt = blocksOf(authorizer.body, 'jwt_configuration')[0];
  // Who issues the tokens it takes; a JWT authorizer with no audience does not say for whom they are minted.
  const issuer = type === 'JWT' ? jwt && attribute(jwt.body, 'audience') && attribute(jwt.body, 'issuer') : attribute(authorizer.body, 'provider_arns');
  if (!issuer) return undefined;
  const checks = type === 'JWT' ? 'signature, issuer, audience and expiry' : 'signature, issuer (the user pool) and expiry';
  const note = `${authorizer.address}: API Gateway's ${type} authorizer checks each token's ${checks}`;
  const pools = tf.targets(authorizer.config, issuer).filter((t) => t.resource.type === 'aws_cognito_user_pool').map((t) => ({ pool: t.resource, line: issuer.pos.line }));
  return { kind: 'managed', authorizer, control: { control: 'token-validation', provenance: { file: authorizer.file, line: authorizer.line, note } }, pools };
}

/**
 * What an API's authorizers add, once each however many routes run them. A managed one fetches the signing
 * keys (JWKS) of the user pool that issues the tokens, over HTTPS from the pool's public endpoint: the
 * gateway calls the pool, which is how the pool is used on the request path (the tokens themselves come from
 * the clients). A Lambda one is a check for the reviewer, who alone can say what its code validates.
 */
function authorizerUse(tf: TerraformReader, api: Resource, key: string): void {
  const routes = [...tf.pointingAt(api, 'aws_api_gateway_method', 'rest_api_id'), ...tf.pointingAt(api, 'aws_apigatewayv2_route', 'api_id')];
  const used = new Map<Resource, RouteAuthorizer>();
  for (const route of routes) {
    const a = authorizerOf(tf, route);
    if (a && !used.has(a.authorizer)) used.set(a.authorizer, a);
  }
  for (const a of used.values()) {
    if (a.kind === 'lambda') {
      tf.checks.push({
        file: a.authorizer.file, line: a.authorizer.line,
        message: `${a.authorizer.address} is a Lambda authorizer: what it checks is its function's code, which these files do not show; once it verifies each token's signature, issuer, audience and expiry, add token-validation to the routes it guards`,
      });
      continue;
    }
    for (const { pool, line } of a.pools) {
      const to = tf.elementOf.get(pool.key);
      if (to !== undefined) tf.flow(key, to, { provenance: { file: a.authorizer.file, line, note: `${a.authorizer.address} fetches the signing keys (JWKS) of ${pool.address}` }, protocol: 'https' });
    }
  }
}

/** Subscriptions and event sources: who delivers to or polls whom. */
export function eventFlows(tf: TerraformReader): void {
  const link = (r: Resource, fromAttr: string, toAttr: string, note: string) => {
    for (const a of tf.targetsOf(r, fromAttr)) {
      for (const b of tf.targetsOf(r, toAttr)) {
        const from = tf.elementOf.get(a.key);
        const to = tf.elementOf.get(b.key);
        if (from === undefined || to === undefined) continue;
        tf.flow(from, to, { provenance: { file: r.file, line: r.line, note } });
      }
    }
  };
  for (const s of tf.ofType('aws_sns_topic_subscription')) link(s, 'topic_arn', 'endpoint', `subscription ${s.address}`);
  // Lambda polls the queue or stream for the function, but the model draws a broker's flows the way the messages go
  // (source -> function), as broker-without-consumers asks: drawn from the function, the queue had no consumer.
  for (const m of tf.ofType('aws_lambda_event_source_mapping')) link(m, 'event_source_arn', 'function_name', `event source ${m.address}`);
  for (const n of tf.ofType('aws_s3_bucket_notification')) {
    link(n, 'bucket', 'lambda_function_arn', `notification ${n.address}`);
    link(n, 'bucket', 'queue_arn', `notification ${n.address}`);
    link(n, 'bucket', 'topic_arn', `notification ${n.address}`);
  }
}

/**
 * An EKS cluster's Kubernetes API is public unless `endpoint_public_access = false` (the EKS module keeps it
 * private unless `cluster_endpoint_public_access = true`).
 */
export function publicClusterEndpoint(tf: TerraformReader, r: Resource): void {
  const vpcConfig = blocksOf(r.body, 'vpc_config')[0];
  const flag = r.module !== undefined ? tf.value(r.config, attribute(r.body, 'cluster_endpoint_public_access'))
    : vpcConfig ? tf.value(r.config, attribute(vpcConfig.body, 'endpoint_public_access')) : undefined;
  const open = r.module !== undefined ? flag === true : flag !== false;
  if (!open) return;
  const line = (r.module !== undefined ? attributeLine(r.body, 'cluster_endpoint_public_access') : vpcConfig && attributeLine(vpcConfig.body, 'endpoint_public_access')) ?? vpcConfig?.pos.line ?? r.line;
  const cidrs = r.module !== undefined ? tf.value(r.config, attribute(r.body, 'cluster_endpoint_public_access_cidrs'))
    : vpcConfig ? tf.value(r.config, attribute(vpcConfig.body, 'public_access_cidrs')) : undefined;
  const from = Array.isArray(cidrs) && cidrs.length ? ` from ${cidrs.join(', ')}` : '';
  addOutsideCaller(tf.draft, r.key, { provenance: { file: r.file, line, note: `public Kubernetes API endpoint${from} (IAM identities)` }, protocol: 'https', port: 443, targetPort: 443, auth: 'iam' });
}

/**
 * Where people sign in at a user pool, which Cognito serves on the internet (there is no private user pool):
 * its domain's hosted sign-in pages and OAuth endpoints, and the Cognito API an app client calls with no
 * credential but its client id. The outside clients call the pool; the tokens it gives them are what the
 * API gateway's authorizer checks.
 */
function userPoolSignIn(tf: TerraformReader, pool: Resource): void {
  const signIn = (at: Resource, line: number, note: string) => addOutsideCaller(tf.draft, pool.key, { provenance: { file: at.file, line, note: `${at.address}: ${note}` }, protocol: 'https' });
  for (const d of tf.pointingAt(pool, 'aws_cognito_user_pool_domain', 'user_pool_id')) signIn(d, d.line, 'hosted sign-in pages and OAuth endpoints');
  for (const c of tf.pointingAt(pool, 'aws_cognito_user_pool_client', 'user_pool_id')) {
    const how = clientSignIn(tf, c);
    if (how) signIn(c, how.line, how.note);
  }
}

/**
 * Explicit auth flows no client runs on its own: the admin ones need AWS credentials (a server of ours signs
 * users in, not the client), and a refresh needs a sign-in first.
 */
const SERVER_OR_REFRESH = /^(?:ALLOW_)?(?:ADMIN_USER_PASSWORD_AUTH|ADMIN_NO_SRP_AUTH|REFRESH_TOKEN_AUTH)$/;

/**
 * How an app client signs its users in at the pool itself: OAuth flows at the pool's domain (which may be set
 * up outside these files), or the Cognito API's own flows, SRP and custom auth when `explicit_auth_flows` is
 * unset. Undefined for a client with only the flows above, and for a list the files leave unreadable.
 */
function clientSignIn(tf: TerraformReader, client: Resource): { line: number; note: string } | undefined {
  const values = tf.values(client);
  const oauth = values.get('allowed_oauth_flows');
  if (values.get('allowed_oauth_flows_user_pool_client') === true && Array.isArray(oauth) && oauth.length) {
    return { line: attributeLine(client.body, 'allowed_oauth_flows') ?? client.line, note: `OAuth ${oauth.join(', ')} sign-in at the pool's domain` };
  }
  const line = attributeLine(client.body, 'explicit_auth_flows');
  if (line === undefined) return { line: client.line, note: 'sign-in through the Cognito API (explicit_auth_flows unset: SRP and custom auth)' };
  const flows = values.get('explicit_auth_flows');
  const direct = Array.isArray(flows) ? flows.filter((f): f is string => typeof f === 'string' && !SERVER_OR_REFRESH.test(f)) : [];
  return direct.length ? { line, note: `sign-in through the Cognito API (${direct.join(', ')})` } : undefined;
}

/** An instance told not to take a public address, or placed in subnets that give none. */
export function privateAddress(tf: TerraformReader, r: Resource, parts: readonly Resource[]): boolean {
  for (const res of [r, ...parts]) {
    const exprs = [...tf.expressionsUnder(res.body, 'associate_public_ip_address'), ...tf.expressionsUnder(res.body, 'assign_public_ip')];
    if (exprs.some((e) => tf.value(res.config, e) === false)) return true;
    if (exprs.some((e) => tf.value(res.config, e) === true)) return false;
  }
  const vpc = [r, ...parts].map((res) => vpcOf(tf, res)).find((v) => v !== undefined);
  if (!vpc || vpc.mode === 'data') return false;
  const subnets = [r, ...parts].flatMap((res) => ['subnet_id', 'subnet_ids', 'subnets', 'vpc_zone_identifier']
    .flatMap((n) => tf.expressionsUnder(res.body, n).flatMap((e) => tf.targets(res.config, e))));
  const isPrivate = (t: { resource: Resource; attr?: string }): boolean | undefined => {
    if (t.resource.type === 'aws_subnet') return tf.value(t.resource.config, attribute(t.resource.body, 'map_public_ip_on_launch')) !== true;
    // The VPC module's subnets by their outputs: `private_subnets`, `database_subnets`... give no public address.
    if (t.resource.type === 'aws_vpc' && t.resource.module !== undefined && t.attr !== undefined) return !/^public_subnets?$/.test(t.attr);
    return undefined;
  };
  const known = subnets.map(isPrivate).filter((x) => x !== undefined);
  return known.length > 0 && known.every((x) => x);
}

/** A security group's rule open to the whole internet, on one port or (no port) on several. */
interface Opening { group: string; cidr: string; port?: number; file: string; line: number }

export function worldIngress(tf: TerraformReader, group: Resource): Opening[] {
  const out: Opening[] = [];
  const check = (res: Resource, body: HclBody, line: number) => {
    const values = tf.values(res, body);
    const cidrs = ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6'].flatMap((n) => {
      const v = values.get(n);
      return Array.isArray(v) ? v : v === undefined ? [] : [v];
    });
    const world = cidrs.find((c): c is string => typeof c === 'string' && WORLD.has(c));
    if (world === undefined) return;
    const from = values.get('from_port');
    const to = values.get('to_port');
    const protocol = values.get('protocol') ?? values.get('ip_protocol');
    const single = typeof from === 'number' && from === to && from > 0 && protocol !== '-1' && protocol !== 'all';
    out.push({ group: group.address, cidr: world, ...(single ? { port: from } : {}), file: res.file, line });
  };
  for (const b of blocksOf(group.body, 'ingress')) check(group, b.body, b.pos.line);
  for (const d of blocksOf(group.body, 'dynamic').filter((b) => b.labels[0] === 'ingress')) out.push(...dynamicIngress(tf, group, d));
  if (group.module !== undefined) out.push(...moduleIngress(tf, group));
  const rules = [...tf.pointingAt(group, 'aws_security_group_rule', 'security_group_id'), ...tf.pointingAt(group, 'aws_vpc_security_group_ingress_rule', 'security_group_id')];
  for (const rule of rules) {
    if (rule.type === 'aws_security_group_rule' && tf.value(rule.config, attribute(rule.body, 'type')) !== 'ingress') continue;
    check(rule, rule.body, rule.line);
  }
  return out;
}

/**
 * A `dynamic "ingress"` block open to the world: one opening per port when its `for_each` is a list Terraform
 * states (literal, or a variable's default) and `from_port` takes the iterator's value (`ingress.value`, or a
 * field of it: `ingress.value.port`); else one opening, ports unknown.
 */
function dynamicIngress(tf: TerraformReader, group: Resource, d: HclBlock): Opening[] {
  const content = blocksOf(d.body, 'content')[0];
  if (!content) return [];
  const values = tf.values(group, content.body);
  const cidrs = [values.get('cidr_blocks'), values.get('ipv6_cidr_blocks')].flatMap((v) => (Array.isArray(v) ? v : []));
  const world = cidrs.find((c): c is string => typeof c === 'string' && WORLD.has(c));
  if (world === undefined) return [];
  // `iterator = port` names the variable by a bare word.
  const named = attribute(d.body, 'iterator');
  const iterator = named?.kind === 'traversal' && named.steps.length === 0 ? named.root : d.labels[0];
  const items = tf.value(group.config, attribute(d.body, 'for_each'));
  const from = attribute(content.body, 'from_port');
  const step = from?.kind === 'traversal' && from.root === iterator && from.steps[0]?.kind === 'attr' && from.steps[0].name === 'value'
    ? from.steps.slice(1).map((x) => (x.kind === 'attr' ? x.name : undefined)) : undefined;
  const ports = Array.isArray(items) && step !== undefined && !step.includes(undefined)
    ? items.map((item) => step.reduce<HclValue | undefined>((v, k) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v[k!] : undefined), item))
      .map((p) => (typeof p === 'number' ? p : typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : undefined))
    : [undefined];
  return ports.map((port) => ({ group: group.address, cidr: world, ...(port !== undefined && port > 0 ? { port } : {}), file: group.file, line: content.pos.line }));
}

/**
 * The security-group module's openings: `ingress_cidr_blocks` with named `ingress_rules` (`http-80-tcp`,
 * `all-all`), and `ingress_with_cidr_blocks` items whose `cidr_blocks` is one comma-separated string.
 */
export function moduleIngress(tf: TerraformReader, group: Resource): Opening[] {
  const out: Opening[] = [];
  const values = tf.values(group);
  const cidrs = values.get('ingress_cidr_blocks');
  const world = Array.isArray(cidrs) ? cidrs.find((c): c is string => typeof c === 'string' && WORLD.has(c)) : undefined;
  const rules = values.get('ingress_rules');
  if (world !== undefined && Array.isArray(rules)) {
    for (const rule of rules) {
      if (typeof rule !== 'string') continue;
      const port = /-(\d+)-(?:tcp|udp)$/.exec(rule);
      out.push({ group: group.address, cidr: world, ...(port ? { port: Number(port[1]) } : {}), file: group.file, line: attributeLine(group.body, 'ingress_rules') ?? group.line });
    }
  }
  const items = values.get('ingress_with_cidr_blocks');
  for (const item of Array.isArray(items) ? items : []) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const blocks = typeof item.cidr_blocks === 'string' ? item.cidr_blocks.split(',').map((c) => c.trim()) : [];
    const open = blocks.find((c) => WORLD.has(c));
    if (open === undefined) continue;
    const single = typeof item.from_port === 'number' && item.from_port === item.to_port && item.from_port > 0;
    out.push({ group: group.address, cidr: open, ...(single ? { port: item.from_port as number } : {}), file: group.file, line: attributeLine(group.body, 'ingress_with_cidr_blocks') ?? group.line });
  }
  return out;
}

/**
 * Whether a bucket's public access block sets one of its flags: on an `aws_s3_bucket_public_access_block` naming
 * it, or, for a bucket a module makes, unless the module's input turns it off (the S3 module blocks by default).
 */
function publicAccessFlag(tf: TerraformReader, bucket: Resource): (setting: string) => boolean {
  const block = tf.pointingAt(bucket, 'aws_s3_bucket_public_access_block', 'bucket')[0];
  return (setting) => (block !== undefined && tf.value(block.config, attribute(block.body, setting)) === true)
    || (bucket.module !== undefined && tf.values(bucket).get(setting) !== false);
}

/** A bucket with a public ACL (and no public access block that overrides it) is read by anyone. */
export function publicBucket(tf: TerraformReader, bucket: Resource): void {
  const blocks = publicAccessFlag(tf, bucket);
  if (!blocks('restrict_public_buckets') && !blocks('block_public_policy')) {
    const policies = [{ res: bucket, expr: attribute(bucket.body, 'policy') }, ...tf.pointingAt(bucket, 'aws_s3_bucket_policy', 'bucket').map((x) => ({ res: x, expr: attribute(x.body, 'policy') }))];
    for (const { res, expr } of policies) {
      if (expr && allowsAnyone(tf, res, expr)) {
        addOutsideCaller(tf.draft, bucket.key, { provenance: { file: res.file, line: expr.pos.line, note: 'bucket policy allows Principal "*"' }, protocol: 'https' });
      }
    }
  }
  if (blocks('ignore_public_acls')) return;
  const acls = [{ res: bucket, expr: attribute(bucket.body, 'acl') }, ...tf.pointingAt(bucket, 'aws_s3_bucket_acl', 'bucket').map((a) => ({ res: a, expr: attribute(a.body, 'acl') }))];
  for (const { res, expr } of acls) {
    const acl = tf.value(res.config, expr);
    if (acl === 'public-read' || acl === 'public-read-write') {
      addOutsideCaller(tf.draft, bucket.key, { provenance: { file: res.file, line: expr?.pos.line ?? res.line, note: `acl = "${acl}"` }, protocol: 'https' });
    }
  }
}

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

/** Records a control a resource switches on, where the file says so. */
export type ControlSink = (name: Control, file: string, line: number, note: string) => void;

/**
 * What a bucket's configuration resources switch on. A public access block with all four flags set voids every
 * anonymous grant (ACLs and policies): each request must come from an authenticated principal of an account,
 * which is the `authentication` control (not a network perimeter: the S3 API stays at its public address).
 * Versioning keeps every overwritten or deleted object: `backups` in place (a separate account is
 * `immutable-backups`' concern, not claimed here).
 */
export function bucketControls(tf: TerraformReader, bucket: Resource, control: ControlSink): void {
  const blocks = publicAccessFlag(tf, bucket);
  if (PUBLIC_ACCESS_FLAGS.every(blocks)) {
    const block = tf.pointingAt(bucket, 'aws_s3_bucket_public_access_block', 'bucket')[0];
    const where = block ?? bucket;
    control('authentication', where.file, where.line, `${block ? block.address : 'the S3 module\'s public access block'}: all four flags true, no anonymous access`);
  }
  const versioning = bucketVersioning(tf, bucket);
  if (versioning) control('backups', versioning.file, versioning.line, versioning.note);
}

/**
 * `force_destroy = true` on a bucket: `terraform destroy`, or a change that replaces the bucket, deletes every
 * object and every version with it, so versioning is no copy then. A check for the reviewer, which says so
 * first for a bucket that holds Terraform state (the state of every configuration it serves).
 */
export function forceDestroy(tf: TerraformReader, bucket: Resource): void {
  if (tf.values(bucket).get('force_destroy') !== true) return;
  const state = stateBucket(tf, bucket);
  const what = state ? `it holds Terraform state (${state}), and ` : '';
  const fix = state ? 'remove it and add lifecycle { prevent_destroy = true }' : 'remove it unless the bucket is scratch space';
  tf.checks.push({
    file: bucket.file, line: attributeLine(bucket.body, 'force_destroy') ?? bucket.line,
    message: `${bucket.address} sets force_destroy = true: ${what}terraform destroy, or a change that replaces it, deletes every object and every version with it; ${fix}`,
  });
}

/**
 * Why a bucket holds Terraform state, when the files say: a state lock table (hash_key "LockID") in its
 * configuration, or its name. Undefined when neither does.
 */
export function stateBucket(tf: TerraformReader, bucket: Resource): string | undefined {
  const lock = [...bucket.config.resources.values()].find((r) => r.type === 'aws_dynamodb_table' && tf.values(r).get('hash_key') === 'LockID');
  if (lock) return `${lock.address} beside it locks state`;
  const name = tf.values(bucket).get('bucket');
  const named = [bucket.name, typeof name === 'string' ? name : ''].find((n) => /(?:^|[^a-z])(?:tf)?state(?:$|[^a-z])|tfstate/i.test(n));
  return named !== undefined ? `its name, ${named}, says so` : undefined;
}

/** The arguments that place a managed database or cache in a network of its own choosing and guard it. */
const DB_PLACEMENT: Readonly<Record<string, { subnets: string; groups: string; inherits?: readonly string[] }>> = {
  // A read replica takes its source's placement.
  aws_db_instance: { subnets: 'db_subnet_group_name', groups: 'vpc_security_group_ids', inherits: ['replicate_source_db'] },
  aws_rds_cluster: { subnets: 'db_subnet_group_name', groups: 'vpc_security_group_ids' },
  // A node of a replication group takes the group's subnet group and security groups.
  aws_elasticache_cluster: { subnets: 'subnet_group_name', groups: 'security_group_ids', inherits: ['replication_group_id'] },
  aws_elasticache_replication_group: { subnets: 'subnet_group_name', groups: 'security_group_ids' },
};

/**
 * A database the files leave where AWS puts it: without a subnet group, in the default VPC's default subnets
 * (public ones); without security groups, behind the VPC's default security group, which admits everything
 * else in that group. A check at the resource, naming what is missing. Modules choose for themselves.
 */
export function defaultDbPlacement(tf: TerraformReader, r: Resource): void {
  const args = lookup(DB_PLACEMENT, r.type);
  if (args === undefined || r.module !== undefined) return;
  if (args.inherits?.some((name) => attribute(r.body, name) !== undefined)) return;
  const missing = [args.subnets, args.groups].filter((name) => attribute(r.body, name) === undefined);
  if (!missing.length) return;
  const what = [
    ...(missing.includes(args.subnets) ? ['in the default VPC\'s default subnets (public subnets)'] : []),
    ...(missing.includes(args.groups) ? ['behind the VPC\'s default security group (which admits every other member of that group)'] : []),
  ];
  tf.checks.push({
    file: r.file, line: r.line,
    message: `${r.address} sets no ${missing.join(' and no ')}: AWS places it ${what.join(' and ')}; give it a subnet group of private subnets and a security group that admits only its clients`,
  });
}

/**
 * Where a bucket's versioning is enabled: an `aws_s3_bucket_versioning` naming it with status "Enabled", the
 * provider's older inline `versioning { enabled = true }`, or the S3 module's `versioning = { enabled = true }`.
 */
function bucketVersioning(tf: TerraformReader, bucket: Resource): { file: string; line: number; note: string } | undefined {
  for (const v of tf.pointingAt(bucket, 'aws_s3_bucket_versioning', 'bucket')) {
    const conf = blocksOf(v.body, 'versioning_configuration')[0];
    if (conf && tf.value(v.config, attribute(conf.body, 'status')) === 'Enabled') {
      return { file: v.file, line: attributeLine(conf.body, 'status') ?? conf.pos.line, note: `${v.address}: status = "Enabled"` };
    }
  }
  const inline = blocksOf(bucket.body, 'versioning')[0];
  if (inline && tf.value(bucket.config, attribute(inline.body, 'enabled')) === true) {
    return { file: bucket.file, line: attributeLine(inline.body, 'enabled') ?? inline.pos.line, note: 'versioning { enabled = true }' };
  }
  const input = bucket.module !== undefined ? tf.values(bucket).get('versioning') : undefined;
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && (input.enabled === true || input.status === 'Enabled')) {
    return { file: bucket.file, line: attributeLine(bucket.body, 'versioning') ?? bucket.line, note: 'versioning enabled' };
  }
  return undefined;
}

/**
 * Where a queue, topic or search domain's resource policy lets anyone in: the policy resource that names it
 * (`aws_sqs_queue_policy`, `aws_sns_topic_policy`) or its own `policy` / `access_policies` (an OpenSearch
 * domain outside a VPC is reached on its public endpoint).
 */
const RESOURCE_POLICIES: Record<string, { type?: string; attr: string; own?: string }> = {
  aws_sqs_queue: { type: 'aws_sqs_queue_policy', attr: 'queue_url', own: 'policy' },
  aws_sns_topic: { type: 'aws_sns_topic_policy', attr: 'arn', own: 'policy' },
  aws_opensearch_domain: { type: 'aws_opensearch_domain_policy', attr: 'domain_name', own: 'access_policies' },
  aws_elasticsearch_domain: { type: 'aws_elasticsearch_domain_policy', attr: 'domain_name', own: 'access_policies' },
};

function publicByPolicy(tf: TerraformReader, r: Resource): void {
  const how = lookup(RESOURCE_POLICIES, r.type);
  if (how === undefined) return;
  if (/search_domain$/.test(r.type) && blocksOf(r.body, 'vpc_options').length) return;
  const own = how.own === undefined ? undefined : attribute(r.body, how.own);
  const policies = [
    ...(own ? [{ res: r, expr: own }] : []),
    ...(how.type ? tf.pointingAt(r, how.type, how.attr).map((x) => ({ res: x, expr: attribute(x.body, how.own === 'access_policies' ? 'access_policies' : 'policy') })) : []),
  ];
  for (const { res, expr } of policies) {
    if (expr && allowsAnyone(tf, res, expr)) {
      addOutsideCaller(tf.draft, r.key, { provenance: { file: res.file, line: expr.pos.line, note: 'resource policy allows Principal "*"' }, protocol: 'https' });
    }
  }
}

/**
 * Whether a resource policy has an unconditioned Allow for anyone (`"Principal": "*"`, `{"AWS": "*"}`), written
 * as `jsonencode({...})`, as JSON text (a heredoc; interpolations stand for ARNs), or as an
 * `aws_iam_policy_document` data source.
 */
const allowsAnyone = (tf: TerraformReader, res: Resource, expr: HclExpression): boolean =>
  policyStatements(tf, res, expr).some((st) => st.allow && st.anyone && !st.conditioned);

/**
 * Security groups open to the whole internet on an element that has a public address (compute in the default
 * VPC or with a public IP, a database with `publicly_accessible`) make it a target of outside clients;
 * a public bucket too. An internet-facing load balancer is reached through its listeners (above).
 */
export function awsExposure(tf: TerraformReader, r: Resource, parts: readonly Resource[]): void {
  const kind = ELEMENTS[r.type];
  const values = tf.values(r);
  const publicDb = values.get('publicly_accessible') === true;
  if (r.type === 'aws_eks_cluster') publicClusterEndpoint(tf, r);
  if (r.type === 'aws_cognito_user_pool') userPoolSignIn(tf, r);
  if (kind.role === 'edge') return;
  if (kind.role === 'compute' && privateAddress(tf, r, parts)) return;
  if (kind.role !== 'compute' && !publicDb) {
    if (r.type === 'aws_s3_bucket') publicBucket(tf, r);
    else publicByPolicy(tf, r);
    return;
  }
  const groups = [r, ...parts].flatMap((res) => ['security_groups', 'vpc_security_group_ids', 'security_group_ids']
    .flatMap((name) => tf.targetsOf(res, name))).filter((g) => g.type === 'aws_security_group');
  const openings = [...new Set(groups)].flatMap((g) => worldIngress(tf, g));
  const keyPair = sshKeyPair(tf, r, parts);
  for (const o of openings) {
    const ssh = o.port === 22 && keyPair !== undefined;
    addOutsideCaller(tf.draft, r.key, {
      provenance: { file: o.file, line: o.line, note: `${o.group} allows ${o.cidr}${o.port !== undefined ? ` on port ${o.port}` : ' on every port'}${ssh ? `; ${keyPair}` : ''}` },
      ...(o.port !== undefined ? { port: o.port, targetPort: o.port } : {}),
      ...(ssh ? { auth: 'ssh-key' as const } : {}),
    });
  }
  if (publicDb && !openings.length) publicDatabase(tf, r, [...new Set(groups)]);
}

/**
 * A database with a public address that no security group opens to the world: its groups decide who reaches it.
 * Groups open only to listed ranges let those addresses in (outside callers behind an ip-allowlist, cited by
 * the rule); groups open to none (or to other groups only) let nobody from outside in. Without groups, or with
 * one whose rules cannot be read, the public address is all the files say.
 */
function publicDatabase(tf: TerraformReader, r: Resource, groups: readonly Resource[]): void {
  const flag = { file: r.file, line: attributeLine(r.body, 'publicly_accessible') ?? r.line, note: 'publicly_accessible = true' };
  const read = groups.map((g) => restrictedIngress(tf, g));
  if (groups.length === 0 || read.some((x) => x === undefined)) {
    addOutsideCaller(tf.draft, r.key, { provenance: flag });
    return;
  }
  const openings = read.flatMap((x) => x ?? []);
  for (const o of openings) {
    const note = `${o.group} allows ${o.cidrs.join(', ')}${o.port !== undefined ? ` on port ${o.port}` : ' on every port'} (publicly_accessible = true)`;
    addOutsideCaller(tf.draft, r.key, { provenance: { file: o.file, line: o.line, note }, ...(o.port !== undefined ? { port: o.port, targetPort: o.port } : {}) });
    const element = elementByKey(tf.draft, r.key);
    if (element) addControls(element, [{ control: 'ip-allowlist', provenance: { file: o.file, line: o.line, note: `${o.group} allows ${o.cidrs.join(', ')} only` } }]);
  }
}

/** A security group rule open to listed address ranges, none of them the whole internet. */
interface RestrictedOpening { group: string; cidrs: string[]; port?: number; file: string; line: number }

/**
 * A group's ingress rules open to address ranges, when every rule can be read: undefined when one cannot (its
 * ranges come from what the files do not say, a dynamic block, a module), so that nothing is concluded from it.
 * Rules that admit other security groups only are no opening from outside.
 */
function restrictedIngress(tf: TerraformReader, group: Resource): RestrictedOpening[] | undefined {
  if (group.module !== undefined || blocksOf(group.body, 'dynamic').some((b) => b.labels[0] === 'ingress')) return undefined;
  const out: RestrictedOpening[] = [];
  let unreadable = false;
  const check = (res: Resource, body: HclBody, line: number) => {
    const values = tf.values(res, body);
    const named = ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6', 'prefix_list_ids', 'prefix_list_id'].filter((n) => body.attributes.some((a) => a.name === n));
    const cidrs = named.flatMap((n) => {
      const v = values.get(n);
      return Array.isArray(v) ? v : v === undefined ? [undefined] : [v];
    });
    if (cidrs.some((c) => typeof c !== 'string')) unreadable = true;
    const ranges = cidrs.filter((c): c is string => typeof c === 'string');
    if (ranges.length === 0) return;
    const from = values.get('from_port');
    const to = values.get('to_port');
    const protocol = values.get('protocol') ?? values.get('ip_protocol');
    const single = typeof from === 'number' && from === to && from > 0 && protocol !== '-1' && protocol !== 'all';
    out.push({ group: group.address, cidrs: ranges, ...(single ? { port: from } : {}), file: res.file, line });
  };
  for (const b of blocksOf(group.body, 'ingress')) check(group, b.body, b.pos.line);
  const rules = [...tf.pointingAt(group, 'aws_security_group_rule', 'security_group_id'), ...tf.pointingAt(group, 'aws_vpc_security_group_ingress_rule', 'security_group_id')];
  for (const rule of rules) {
    if (rule.type === 'aws_security_group_rule' && tf.value(rule.config, attribute(rule.body, 'type')) !== 'ingress') continue;
    check(rule, rule.body, rule.line);
  }
  return unreadable ? undefined : out;
}

/**
 * The key pair an instance (or its launch template) is given, as a note: `key_name` installs that public key
 * for SSH, which confirms what the SSH flow's authentication is otherwise assumed to be.
 */
function sshKeyPair(tf: TerraformReader, r: Resource, parts: readonly Resource[]): string | undefined {
  for (const res of [r, ...parts]) {
    const expr = attribute(res.body, 'key_name');
    if (!expr) continue;
    const name = tf.value(res.config, expr);
    return `${res.file}:${expr.pos.line} key_name${typeof name === 'string' ? ` "${name}"` : ''}: SSH by key`;
  }
  return undefined;
}
