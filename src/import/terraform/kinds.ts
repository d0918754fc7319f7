// What each Terraform resource type is to a data flow diagram: an element (with its technology, its role in
// the drafting rules, and whether it lives in a network), configuration of an element or wiring between two,
// or nothing drawn. Tables only: src/import/terraform.ts reads the files with them. Pure.
import type { Identity } from '../draft.js';
import type { HclValue } from '../hcl.js';
import { lookup } from '../import-common.js';

/** The attributes of a body that have values known without running Terraform (variables at their defaults). */
export type Values = Map<string, HclValue>;

// --- What each resource type is --------------------------------------------------------------------------

export type Role = 'compute' | 'edge' | 'service' | 'store';

export interface Kind {
  identity: (body: Values) => Identity;
  /** Added to a generic resource name (`example`) to make its id. */
  short: string;
  role: Role;
  /**
   * Lives in a network (an AWS VPC, a Google VPC network, an Azure virtual network): on AWS in the region's
   * default VPC when no subnet is given, on Google in the `default` network.
   */
  vpc?: boolean;
}

const fixed = (identity: Identity) => () => identity;

const DB_ENGINES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^aurora-postgresql|^postgres/, 'postgres'],
  [/^aurora(?:-mysql)?$|^mysql/, 'mysql'],
  [/^mariadb/, 'mariadb'],
  [/^sqlserver/, 'mssql'],
  [/^oracle/, 'oracle'],
];

function engineTech(engine: HclValue | undefined, table: ReadonlyArray<readonly [RegExp, string]>, fallback: Identity): Identity {
  if (typeof engine !== 'string') return fallback;
  const found = table.find(([re]) => re.test(engine.toLowerCase()));
  return found ? { tech: found[1] } : fallback;
}

/** Cloud SQL's `database_version` (`POSTGRES_15`, `MYSQL_8_0`, `SQLSERVER_2019_STANDARD`). */
const CLOUD_SQL: ReadonlyArray<readonly [RegExp, string]> = [[/^postgres/, 'postgres'], [/^mysql/, 'mysql'], [/^sqlserver/, 'mssql']];

/** Google Cloud: compute, serverless, GKE, load balancers, Cloud SQL, Memorystore, buckets, Pub/Sub. */
function googleElements(): Record<string, Kind> {
  return {
    google_compute_instance: { identity: fixed({ type: 'service' }), short: 'vm', role: 'compute', vpc: true },
    google_compute_instance_group_manager: { identity: fixed({ type: 'service' }), short: 'mig', role: 'compute', vpc: true },
    google_compute_region_instance_group_manager: { identity: fixed({ type: 'service' }), short: 'mig', role: 'compute', vpc: true },
    google_cloud_run_service: { identity: fixed({ type: 'service' }), short: 'run', role: 'compute' },
    google_cloud_run_v2_service: { identity: fixed({ type: 'service' }), short: 'run', role: 'compute' },
    google_cloudfunctions_function: { identity: fixed({ tech: 'cloud-functions' }), short: 'fn', role: 'compute' },
    google_cloudfunctions2_function: { identity: fixed({ tech: 'cloud-functions' }), short: 'fn', role: 'compute' },
    google_container_cluster: { identity: fixed({ tech: 'kubernetes' }), short: 'gke', role: 'service', vpc: true },
    // Cloud Load Balancing, external or internal: the catalogue's managed load balancer.
    google_compute_global_forwarding_rule: { identity: fixed({ tech: 'gcp-load-balancer' }), short: 'lb', role: 'edge' },
    google_compute_forwarding_rule: { identity: fixed({ tech: 'gcp-load-balancer' }), short: 'lb', role: 'edge', vpc: true },
    google_sql_database_instance: { identity: (v) => engineTech(v.get('database_version'), CLOUD_SQL, { type: 'database' }), short: 'sql', role: 'store' },
    google_redis_instance: { identity: fixed({ tech: 'redis' }), short: 'redis', role: 'store' },
    google_storage_bucket: { identity: fixed({ tech: 'gcs' }), short: 'bucket', role: 'store' },
    google_pubsub_topic: { identity: fixed({ tech: 'pub-sub' }), short: 'topic', role: 'service' },
    google_secret_manager_secret: { identity: fixed({ type: 'secrets-vault' }), short: 'secret', role: 'store' },
    // The gateway is what clients call (its *.gateway.dev address); its API and API config are its wiring. Managed
    // gateways are `service`, not `edge`: google.ts and azure.ts read their calls from their APIs and backends, where
    // following chains both ways (chainFlows) would make whatever names a gateway's address look called by it.
    google_api_gateway_gateway: { identity: fixed({ tech: 'gcp-api-gateway', protocol: 'https' }), short: 'gateway', role: 'service' },
    // An Apigee instance is the runtime that takes the calls, in Google's tenant project peered to our network; the
    // organization, its environments and target servers are its configuration.
    google_apigee_instance: { identity: fixed({ tech: 'apigee', protocol: 'https' }), short: 'apigee', role: 'service' },
  };
}

/** Azure: VMs and scale sets, App Service and Functions, containers, AKS, databases, storage, messaging, gateways. */
function azureElements(): Record<string, Kind> {
  const vm = { identity: fixed({ type: 'service' }), short: 'vm', role: 'compute', vpc: true } as const;
  const app = { identity: fixed({ type: 'web-app' }), short: 'app', role: 'compute' } as const;
  const fn = { identity: fixed({ type: 'function' }), short: 'fn', role: 'compute' } as const;
  return {
    azurerm_linux_virtual_machine: vm,
    azurerm_windows_virtual_machine: vm,
    azurerm_virtual_machine: vm,
    azurerm_linux_virtual_machine_scale_set: { ...vm, short: 'vmss' },
    azurerm_windows_virtual_machine_scale_set: { ...vm, short: 'vmss' },
    azurerm_linux_web_app: app,
    azurerm_windows_web_app: app,
    azurerm_app_service: app,
    azurerm_linux_function_app: fn,
    azurerm_windows_function_app: fn,
    azurerm_function_app: fn,
    azurerm_container_app: { identity: fixed({ type: 'service' }), short: 'app', role: 'compute' },
    azurerm_container_group: { identity: fixed({ type: 'service' }), short: 'aci', role: 'compute' },
    azurerm_kubernetes_cluster: { identity: fixed({ tech: 'kubernetes' }), short: 'aks', role: 'service' },
    // Azure SQL Database: the catalogue's managed service (clients speak SQL Server's protocol: protocols.ts).
    azurerm_mssql_server: { identity: fixed({ tech: 'azure-sql' }), short: 'sql', role: 'store' },
    // Azure Database for PostgreSQL, flexible or single server: the catalogue's managed service, encrypted at rest.
    azurerm_postgresql_flexible_server: { identity: fixed({ tech: 'azure-postgres' }), short: 'db', role: 'store' },
    azurerm_postgresql_server: { identity: fixed({ tech: 'azure-postgres' }), short: 'db', role: 'store' },
    // Azure Database for MySQL, flexible or single server: the catalogue's managed service, encrypted at rest.
    azurerm_mysql_flexible_server: { identity: fixed({ tech: 'azure-mysql' }), short: 'db', role: 'store' },
    azurerm_mysql_server: { identity: fixed({ tech: 'azure-mysql' }), short: 'db', role: 'store' },
    // Cosmos DB takes TLS connections only: its own API over HTTPS, or MongoDB's wire protocol for a `MongoDB` account.
    azurerm_cosmosdb_account: { identity: (v) => ({ tech: 'cosmosdb', protocol: v.get('kind') === 'MongoDB' ? 'mongodb+tls' : 'https' }), short: 'cosmos', role: 'store' },
    azurerm_redis_cache: { identity: fixed({ tech: 'redis' }), short: 'redis', role: 'store' },
    azurerm_storage_account: { identity: fixed({ tech: 'azure-blob' }), short: 'storage', role: 'store' },
    // A namespace is the broker clients connect to; its queues, topics and event hubs are parts of it (BROKER_ENTITIES).
    azurerm_servicebus_namespace: { identity: fixed({ tech: 'azure-service-bus' }), short: 'bus', role: 'store' },
    azurerm_eventhub_namespace: { identity: fixed({ tech: 'azure-event-hubs' }), short: 'hub', role: 'store' },
    azurerm_key_vault: { identity: fixed({ type: 'secrets-vault' }), short: 'vault', role: 'store' },
    azurerm_application_gateway: { identity: fixed({ tech: 'azure-application-gateway' }), short: 'agw', role: 'edge', vpc: true },
    azurerm_lb: { identity: fixed({ tech: 'azure-load-balancer' }), short: 'lb', role: 'edge' },
    // A `service` like Google's managed gateways (googleElements says why), its calls read by azure.ts.
    azurerm_api_management: { identity: fixed({ tech: 'azure-api-management', protocol: 'https' }), short: 'apim', role: 'service' },
    azurerm_cdn_frontdoor_profile: { identity: fixed({ type: 'cdn' }), short: 'frontdoor', role: 'edge' },
  };
}

export const ELEMENTS: Record<string, Kind> = {
  aws_instance: { identity: fixed({ type: 'service' }), short: 'instance', role: 'compute', vpc: true },
  aws_autoscaling_group: { identity: fixed({ type: 'service' }), short: 'asg', role: 'compute', vpc: true },
  aws_launch_configuration: { identity: fixed({ type: 'service' }), short: 'launch-config', role: 'compute', vpc: true },
  aws_launch_template: { identity: fixed({ type: 'service' }), short: 'launch-template', role: 'compute', vpc: true },
  aws_ecs_service: { identity: fixed({ type: 'service' }), short: 'ecs', role: 'compute', vpc: true },
  aws_lambda_function: { identity: fixed({ tech: 'lambda' }), short: 'fn', role: 'compute' },
  aws_eks_cluster: { identity: fixed({ tech: 'kubernetes' }), short: 'eks', role: 'service', vpc: true },
  aws_lb: { identity: (v) => (v.get('load_balancer_type') === 'network' || v.get('load_balancer_type') === 'gateway' ? { type: 'load-balancer' } : { tech: 'alb' }), short: 'lb', role: 'edge', vpc: true },
  aws_alb: { identity: fixed({ tech: 'alb' }), short: 'lb', role: 'edge', vpc: true },
  aws_elb: { identity: fixed({ tech: 'elb' }), short: 'elb', role: 'edge', vpc: true },
  aws_cloudfront_distribution: { identity: fixed({ tech: 'cloudfront' }), short: 'cdn', role: 'edge' },
  aws_api_gateway_rest_api: { identity: fixed({ tech: 'api-gateway' }), short: 'api', role: 'edge' },
  aws_apigatewayv2_api: { identity: fixed({ tech: 'api-gateway' }), short: 'api', role: 'edge' },
  aws_db_instance: { identity: (v) => engineTech(v.get('engine'), DB_ENGINES, { type: 'database' }), short: 'db', role: 'store', vpc: true },
  aws_rds_cluster: { identity: (v) => engineTech(v.get('engine'), DB_ENGINES, { tech: 'mysql' }), short: 'db', role: 'store', vpc: true },
  aws_dynamodb_table: { identity: fixed({ tech: 'dynamodb' }), short: 'table', role: 'store' },
  aws_s3_bucket: { identity: fixed({ tech: 's3' }), short: 'bucket', role: 'store' },
  aws_elasticache_cluster: { identity: (v) => engineTech(v.get('engine'), [[/^memcached/, 'memcached'], [/^(?:redis|valkey)/, 'redis']], { type: 'cache' }), short: 'cache', role: 'store', vpc: true },
  aws_elasticache_replication_group: { identity: fixed({ tech: 'redis' }), short: 'cache', role: 'store', vpc: true },
  aws_sqs_queue: { identity: fixed({ tech: 'sqs' }), short: 'queue', role: 'store' },
  aws_sns_topic: { identity: fixed({ tech: 'sns' }), short: 'topic', role: 'service' },
  aws_cloudwatch_event_bus: { identity: fixed({ tech: 'eventbridge' }), short: 'bus', role: 'service' },
  aws_secretsmanager_secret: { identity: fixed({ tech: 'secrets-manager' }), short: 'secret', role: 'store' },
  aws_opensearch_domain: { identity: fixed({ tech: 'opensearch' }), short: 'search', role: 'store' },
  aws_elasticsearch_domain: { identity: fixed({ tech: 'elasticsearch' }), short: 'search', role: 'store' },
  aws_cognito_user_pool: { identity: fixed({ tech: 'cognito' }), short: 'users', role: 'service' },
  aws_mq_broker: { identity: (v) => engineTech(v.get('engine_type'), [[/^rabbitmq/, 'rabbitmq'], [/^activemq/, 'activemq']], { type: 'queue' }), short: 'mq', role: 'store', vpc: true },
  aws_msk_cluster: { identity: fixed({ tech: 'kafka' }), short: 'kafka', role: 'store', vpc: true },
  aws_efs_file_system: { identity: fixed({ type: 'file-storage' }), short: 'efs', role: 'store' },
  aws_ecr_repository: { identity: fixed({ tech: 'ecr' }), short: 'ecr', role: 'store' },
  ...googleElements(),
  ...azureElements(),
};

/** Configuration of an element that another resource holds (a bucket's encryption) or wiring between two. */
export const WIRING = new Set([
  'aws_vpc', 'aws_subnet', 'aws_subnets', 'aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule', 'aws_lb_listener', 'aws_alb_listener', 'aws_lb_listener_rule', 'aws_alb_listener_rule',
  'aws_lb_target_group', 'aws_alb_target_group', 'aws_lb_target_group_attachment', 'aws_alb_target_group_attachment',
  'aws_autoscaling_attachment', 'aws_autoscaling_policy', 'aws_ecs_task_definition', 'aws_db_subnet_group',
  'aws_elasticache_subnet_group', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_versioning',
  'aws_s3_bucket_public_access_block', 'aws_s3_bucket_acl', 'aws_s3_bucket_policy', 'aws_s3_bucket_notification',
  'aws_api_gateway_integration', 'aws_apigatewayv2_integration', 'aws_api_gateway_resource', 'aws_api_gateway_method',
  'aws_apigatewayv2_route', 'aws_api_gateway_deployment', 'aws_api_gateway_stage', 'aws_apigatewayv2_stage', 'aws_lambda_function_url', 'aws_lambda_event_source_mapping',
  'aws_sns_topic_subscription', 'aws_wafv2_web_acl_association', 'terraform_remote_state', 'aws_api_gateway_authorizer',
  'aws_apigatewayv2_authorizer', 'aws_cognito_user_pool_domain', 'aws_cognito_user_pool_client',
  'google_compute_network', 'google_compute_subnetwork', 'google_compute_firewall', 'google_compute_instance_template',
  'google_compute_region_instance_template', 'google_compute_target_http_proxy', 'google_compute_target_https_proxy',
  'google_compute_url_map', 'google_compute_backend_service', 'google_compute_region_backend_service',
  'google_compute_region_network_endpoint_group', 'google_compute_global_address', 'google_sql_database',
  'google_sql_user', 'google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding', 'google_cloud_run_service_iam_member',
  'google_cloud_run_service_iam_binding', 'google_cloud_run_v2_service_iam_member', 'google_cloud_run_v2_service_iam_binding',
  'google_cloudfunctions_function_iam_member', 'google_cloudfunctions2_function_iam_member', 'google_pubsub_subscription',
  'azurerm_resource_group', 'azurerm_virtual_network', 'azurerm_subnet', 'azurerm_network_interface', 'azurerm_public_ip',
  'azurerm_network_security_group', 'azurerm_network_security_rule', 'azurerm_network_interface_security_group_association',
  'azurerm_subnet_network_security_group_association', 'azurerm_service_plan', 'azurerm_app_service_plan', 'azurerm_mssql_database',
  'azurerm_mssql_firewall_rule', 'azurerm_postgresql_flexible_server_firewall_rule', 'azurerm_postgresql_firewall_rule',
  'azurerm_mysql_flexible_server_firewall_rule', 'azurerm_postgresql_flexible_server_configuration', 'azurerm_mysql_flexible_server_configuration',
  'aws_iam_policy_document', 'aws_sqs_queue_policy', 'aws_sns_topic_policy', 'aws_opensearch_domain_policy', 'aws_elasticsearch_domain_policy',
  'aws_db_parameter_group', 'aws_rds_cluster_parameter_group', 'aws_rds_cluster_instance', 'aws_ecs_cluster', 'azurerm_storage_container', 'azurerm_servicebus_queue', 'azurerm_servicebus_topic',
  'azurerm_eventhub', 'azurerm_servicebus_subscription', 'azurerm_eventhub_consumer_group', 'azurerm_servicebus_namespace_authorization_rule',
  'azurerm_servicebus_queue_authorization_rule', 'azurerm_servicebus_topic_authorization_rule', 'azurerm_eventhub_namespace_authorization_rule',
  'azurerm_eventhub_authorization_rule', 'azurerm_servicebus_namespace_network_rule_set', 'azurerm_lb_backend_address_pool', 'azurerm_lb_rule', 'azurerm_cdn_frontdoor_origin_group', 'azurerm_cdn_frontdoor_origin',
  'azurerm_cdn_frontdoor_endpoint', 'azurerm_cdn_frontdoor_route',
  // A managed gateway's APIs, operations, backends and policies (src/import/terraform/azure.ts and google.ts read them).
  'azurerm_api_management_api', 'azurerm_api_management_api_operation', 'azurerm_api_management_backend', 'azurerm_api_management_api_policy',
  'azurerm_api_management_api_operation_policy', 'azurerm_api_management_product', 'azurerm_api_management_product_api', 'azurerm_api_management_subscription',
  'azurerm_api_management_named_value', 'google_api_gateway_api', 'google_api_gateway_api_config', 'google_apigee_organization',
  'google_apigee_environment', 'google_apigee_envgroup', 'google_apigee_envgroup_attachment', 'google_apigee_instance_attachment',
  'google_apigee_target_server', 'azurerm_web_application_firewall_policy', 'google_compute_security_policy',
]);

/**
 * Modules of the terraform-aws-modules collection (the registry's most used AWS modules) stand for the
 * resource they create: their inputs are named after its arguments (`engine`, `publicly_accessible`,
 * `min_size`), so a module call reads as that resource.
 */
export const REGISTRY_MODULES: Record<string, string> = {
  rds: 'aws_db_instance',
  'rds-aurora': 'aws_rds_cluster',
  's3-bucket': 'aws_s3_bucket',
  alb: 'aws_lb',
  elb: 'aws_elb',
  'ec2-instance': 'aws_instance',
  autoscaling: 'aws_autoscaling_group',
  eks: 'aws_eks_cluster',
  lambda: 'aws_lambda_function',
  sqs: 'aws_sqs_queue',
  sns: 'aws_sns_topic',
  'dynamodb-table': 'aws_dynamodb_table',
  elasticache: 'aws_elasticache_replication_group',
  cloudfront: 'aws_cloudfront_distribution',
  'apigateway-v2': 'aws_apigatewayv2_api',
  'secrets-manager': 'aws_secretsmanager_secret',
  vpc: 'aws_vpc',
  'security-group': 'aws_security_group',
};

/** `terraform-aws-modules/rds/aws`, `...//modules/x`, or its git source `github.com/terraform-aws-modules/terraform-aws-rds`. */
export function registryType(source: string): string | undefined {
  const m = /terraform-aws-modules\/(?:terraform-aws-)?([a-z0-9-]+?)(?:\.git)?(?:\/aws)?(?:\/\/|[?/]|$)/.exec(source);
  return m ? lookup(REGISTRY_MODULES, m[1]) : undefined;
}

/** Inputs of registry modules whose defaults differ from the resource's. */
export const MODULE_DEFAULTS: Record<string, Record<string, HclValue>> = {
  // The bucket module blocks public ACLs and policies unless told otherwise.
  aws_s3_bucket: { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true },
};

/** Words so general that an id made of them alone says nothing: `example` becomes `example-db`. */
export const GENERIC_NAMES = new Set(['example', 'this', 'main', 'default', 'primary', 'test', 'resource', 'public', 'private', 'internal', 'external', 'shared']);

/** Meta-arguments: they order or repeat a resource, they do not connect it to anything. */
export const META = new Set(['depends_on', 'lifecycle', 'provider', 'providers', 'count', 'for_each', 'tags', 'tags_all']);

export const WORLD = new Set(['0.0.0.0/0', '::/0']);

/** Settings that put a compute resource behind a load balancer's target group. */
export const REGISTRATION = new Set(['target_group_arns', 'traffic_source_attachments', 'load_balancer', 'load_balancers', 'target_group_arn', 'lb_target_group_arn']);

/**
 * A Cloud Function's trigger: the topic or bucket it names delivers events to the function (the way the messages
 * go, as the AWS reader draws a Lambda event source), the trigger's own service account aside.
 */
export const TRIGGER = 'event_trigger';
export const TRIGGER_IDENTITY = 'service_account_email';

export const SQL_ADMIN: Record<string, string> = {
  aws_db_instance: 'RDS master user password',
  aws_rds_cluster: 'RDS master user password',
  google_sql_database_instance: 'Cloud SQL users log in with passwords',
  azurerm_mssql_server: 'administrator login password',
  azurerm_postgresql_flexible_server: 'administrator login password',
  azurerm_postgresql_server: 'administrator login password',
  azurerm_mysql_flexible_server: 'administrator login password',
};

/** Resources between a Google or Azure edge and its backends, followed by chainFlows. */
export const CHAIN = new Set([
  'google_compute_target_http_proxy', 'google_compute_target_https_proxy', 'google_compute_url_map', 'google_compute_backend_service',
  'google_compute_region_backend_service', 'google_compute_region_network_endpoint_group', 'azurerm_lb_backend_address_pool',
  'azurerm_lb_rule', 'azurerm_cdn_frontdoor_origin_group', 'azurerm_cdn_frontdoor_origin', 'azurerm_cdn_frontdoor_endpoint', 'azurerm_cdn_frontdoor_route',
]);

/**
 * What lives in an Azure messaging namespace, and the attributes by which each names what it lives in: a
 * compute resource naming a queue (or a SAS policy's connection string) calls the namespace's broker.
 */
export const BROKER_ENTITIES: Record<string, readonly string[]> = {
  azurerm_servicebus_queue: ['namespace_id', 'namespace_name'],
  azurerm_servicebus_topic: ['namespace_id', 'namespace_name'],
  azurerm_servicebus_subscription: ['topic_id', 'topic_name'],
  azurerm_servicebus_namespace_authorization_rule: ['namespace_id', 'namespace_name'],
  azurerm_servicebus_queue_authorization_rule: ['queue_id', 'queue_name'],
  azurerm_servicebus_topic_authorization_rule: ['topic_id', 'topic_name'],
  azurerm_servicebus_namespace_network_rule_set: ['namespace_id', 'namespace_name'],
  azurerm_eventhub: ['namespace_id', 'namespace_name'],
  azurerm_eventhub_consumer_group: ['eventhub_id', 'eventhub_name'],
  azurerm_eventhub_namespace_authorization_rule: ['namespace_id', 'namespace_name'],
  azurerm_eventhub_authorization_rule: ['eventhub_id', 'eventhub_name'],
};

/** Resources that describe how another runs: a group's launch template, a service's task definition. */
export const PART_TYPES = new Set([
  'aws_launch_configuration', 'aws_launch_template', 'aws_ecs_task_definition', 'google_compute_instance_template', 'google_compute_region_instance_template',
]);
