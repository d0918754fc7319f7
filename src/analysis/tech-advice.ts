// Concrete steps for a fix in the technology the model names: a generic mitigation says "use TLS", the reader
// needs to know which setting of their ALB, Postgres or Redis does it. Pure data and a lookup (no Node APIs):
// the analysis also runs in the browser. Only steps known to be right for the technology belong here.

/** How an element takes part in what a threat concerns: the element itself, or one end of a flow. */
export type TechRole = 'at' | 'from' | 'to';

/** A technology as a table key: what the catalog's tech hint or a Terraform resource type says it is. */
const FAMILIES: Readonly<Record<string, string>> = {
  valkey: 'redis',
  aurora: 'rds',
  rds: 'rds',
  // Drafts from Terraform name elements after their resource address (`aws_db_instance.example`).
  aws_db_instance: 'rds',
  aws_rds_cluster: 'rds',
  aws_s3_bucket: 's3',
};

const PG_TLS = [
  'PostgreSQL: `ssl = on` with `ssl_cert_file` and `ssl_key_file` in postgresql.conf.',
  'pg_hba.conf: `hostssl` lines for remote clients and no `host` lines, so that a cleartext connection is refused.',
  'Clients connect with `sslmode=verify-full` and the server\'s CA (`sslrootcert`).',
];
// The managed service has no postgresql.conf or pg_hba.conf to edit: its server parameters and the clients do it.
const AZURE_PG_TLS = [
  'Azure Database for PostgreSQL: keep `require_secure_transport = ON` (single server: "Enforce SSL connection" enabled), so that cleartext connections are refused.',
  'Set the minimum TLS version to 1.2 (`ssl_min_protocol_version = TLSv1.2`; single server: `minimal_tls_version = TLS1_2`).',
  'Clients connect with `sslmode=verify-full` and the Azure root CA in `sslrootcert`.',
];
const MYSQL_TLS = [
  'MySQL/MariaDB: `require_secure_transport = ON`, with the server certificate and key configured (`ssl_cert`, `ssl_key`).',
  'Clients verify the server: `--ssl-mode=VERIFY_IDENTITY` (MySQL) or `--ssl-verify-server-cert` (MariaDB), with the CA.',
];
const REDIS_TLS = [
  'Redis/Valkey: `tls-port 6379` and `port 0` (no cleartext port), with `tls-cert-file`, `tls-key-file` and `tls-ca-cert-file`.',
  'Clients connect with `rediss://` and verify the server certificate.',
];
const REDIS_AUTH = [
  'Redis/Valkey: ACL users with their own passwords and key patterns (`user app on >password ~app:* +@read +@write`), and `user default off`; at least `requirepass`.',
  'Keep `protected-mode yes` and `bind` only the private interface; the official container image turns protected mode off.',
];
const ALB_LISTENER = [
  'ALB: an `aws_lb_listener` on port 443 with `protocol = "HTTPS"`, `certificate_arn` from ACM and `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"`.',
  'Make the port-80 listener a `redirect` to `HTTPS`, port 443, `status_code = "HTTP_301"`.',
];
const NGINX_TLS = [
  'nginx: `listen 443 ssl;` with `ssl_certificate` and `ssl_certificate_key`, and `ssl_protocols TLSv1.2 TLSv1.3;`.',
  'Port 80 only redirects: `return 301 https://$host$request_uri;`; send `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`.',
];

/** Steps by action (the rule's `action.key`, else its id), then family (the element itself) or `family:role` (a flow's end). */
const STEPS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'encrypt-in-transit': {
    'alb:to': ALB_LISTENER,
    'alb:from': [
      'ALB to its targets: an `aws_lb_target_group` with `protocol = "HTTPS"` (and an HTTPS health check), and the targets serving TLS on that port.',
    ],
    'node:to': [
      'Node.js: serve with `https.createServer({ key, cert, minVersion: \'TLSv1.2\' }, app)`, or terminate TLS in a proxy on the same host or pod.',
    ],
    'nginx:to': NGINX_TLS,
    'nginx:from': [
      'nginx to its upstream: `proxy_pass https://...;` with `proxy_ssl_verify on;` and `proxy_ssl_trusted_certificate` (the upstream\'s CA).',
    ],
    'postgres:to': PG_TLS,
    'azure-postgres:to': AZURE_PG_TLS,
    'mysql:to': MYSQL_TLS,
    'mariadb:to': MYSQL_TLS,
    'rds:to': [
      'RDS: set `rds.force_ssl = 1` (PostgreSQL) or `require_secure_transport = 1` (MySQL/MariaDB) in the instance\'s DB parameter group.',
      'Clients verify the server with the RDS CA bundle (`sslmode=verify-full`, or `--ssl-mode=VERIFY_IDENTITY`).',
    ],
    'redis:to': REDIS_TLS,
    'mongodb:to': [
      'MongoDB: `net.tls.mode: requireTLS` with `net.tls.certificateKeyFile` (and `net.tls.CAFile`).',
      'Clients connect with `tls=true` and verify the server certificate.',
    ],
    'kafka:to': [
      'Kafka: `SASL_SSL` listeners (`listeners=SASL_SSL://...`) with `ssl.keystore.location`, and `security.inter.broker.protocol=SASL_SSL`.',
      'Clients: `security.protocol=SASL_SSL` with the broker CA in `ssl.truststore.location`.',
    ],
    'rabbitmq:to': [
      'RabbitMQ: `listeners.ssl.default = 5671` with `ssl_options.cacertfile`, `ssl_options.certfile` and `ssl_options.keyfile`, and `listeners.tcp = none`.',
    ],
    's3:to': [
      'S3: a bucket policy denying `s3:*` when `aws:SecureTransport` is `false`.',
    ],
  },
  'missing-hsts': {
    nginx: ['nginx: `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;` in the HTTPS server block.'],
  },
  'unencrypted-store': {
    rds: [
      'RDS: `storage_encrypted = true` with `kms_key_id` on the `aws_db_instance` (or `aws_rds_cluster`).',
      'Changing it on an existing instance replaces it: take a snapshot, copy it with a KMS key (encrypted), restore from the copy and switch over.',
    ],
    s3: [
      'S3: default encryption with SSE-KMS (`aws_s3_bucket_server_side_encryption_configuration`, `sse_algorithm = "aws:kms"`, `kms_master_key_id`), with `bucket_key_enabled = true`.',
    ],
    redis: [
      'Redis/Valkey has no encryption at rest: for sessions and caches turn persistence off (`save ""`, `appendonly no`); else keep the RDB/AOF files on an encrypted volume.',
      'If it keeps sessions, key them by a hash of the session id, so that a dump or snapshot holds no usable session id.',
    ],
    postgres: ['PostgreSQL has no built-in encryption at rest: put the data directory, WAL and backups on encrypted volumes (LUKS, encrypted EBS).'],
    'azure-postgres': ['Azure Database for PostgreSQL encrypts its storage and backups at rest (service-managed keys) and cannot be turned off: add `encryption-at-rest` to its controls; use customer-managed keys in Key Vault where policy asks for them.'],
    mongodb: ['MongoDB Community has no encryption at rest (the encrypted storage engine is Enterprise): put the data files on an encrypted volume.'],
    // Reported only where the model tags the store `encryption-at-rest-off`: otherwise the provider's default covers it.
    sqs: ['SQS: remove `sqs_managed_sse_enabled = false` (SSE-SQS is the default), or set `kms_master_key_id` to a KMS key for SSE-KMS where policy asks for customer-managed keys.'],
    'azure-sql': ['Azure SQL: switch transparent data encryption back on (`ALTER DATABASE [db] SET ENCRYPTION ON`; Terraform: `transparent_data_encryption_enabled = true` on the `azurerm_mssql_database`), with a customer-managed key in Key Vault where policy asks for one.'],
  },
  'unauthenticated-store-access': {
    redis: REDIS_AUTH,
    mongodb: ['MongoDB: `security.authorization: enabled`, with a user per application holding only the roles it needs.'],
    postgres: ['PostgreSQL: no `trust` lines in pg_hba.conf; `scram-sha-256` for every remote client, with `password_encryption = scram-sha-256`.'],
    'azure-postgres': ['Azure Database for PostgreSQL: Microsoft Entra authentication for applications (managed identities), and local PostgreSQL password authentication turned off where the clients allow it.'],
    rabbitmq: ['RabbitMQ: delete the `guest` user (`rabbitmqctl delete_user guest`) and give each application its own user and vhost permissions.'],
    kafka: ['Kafka: SASL on every listener and an authorizer with `allow.everyone.if.no.acl.found=false`, with ACLs per principal.'],
  },
  // Broken function-level authorization: the role check belongs in the framework's own authorization layer,
  // applied to whole admin paths so that a new admin route is denied until someone allows it.
  'missing-authorization': {
    spring: [
      'Spring Security: `http.authorizeHttpRequests(auth -> auth.requestMatchers("/admin/**").hasRole("ADMIN").anyRequest().authenticated())`, with every admin path (`/api/management/**` too, where admin routes live there) matched before the catch-all.',
      'Or, per method: `@EnableMethodSecurity` and `@PreAuthorize("hasRole(\'ADMIN\')")` on each admin controller method.',
    ],
    django: [
      'Django REST framework: `permission_classes = [IsAdminUser]` (or a permission class that checks the role) on every admin view, and `DEFAULT_PERMISSION_CLASSES` that deny by default.',
      'Plain Django views: `@user_passes_test(lambda u: u.is_staff)` or `@permission_required(...)` on each admin view.',
    ],
    express: [
      'Express: a role middleware on the admin router, mounted before its handlers: `app.use(\'/admin\', requireAuth, requireRole(\'admin\'), adminRouter)`, where `requireRole` answers 403 unless `req.user` has the role.',
    ],
    nestjs: [
      'NestJS: a `RolesGuard` (`CanActivate`) that reads `@Roles(\'admin\')` metadata, registered globally with `APP_GUARD` so that admin handlers are checked without each remembering to.',
    ],
    fastapi: [
      'FastAPI: a dependency that checks the role on the whole admin router, `APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])`, raising `HTTPException(status_code=403)`.',
    ],
    flask: [
      'Flask: register admin views on a blueprint whose `before_request` aborts with 403 unless the signed-in user has the admin role (or `@roles_required(\'admin\')` from Flask-Security on each view).',
    ],
    rails: [
      'Rails: an `Admin::BaseController` with `before_action :require_admin` (`head :forbidden unless current_user&.admin?`) that every admin controller inherits; or Pundit policies with `after_action :verify_authorized`.',
    ],
  },
  'no-backups': {
    rds: ['RDS: `backup_retention_period` of 7 days or more, `skip_final_snapshot = false`, and `deletion_protection = true`.'],
  },
};

/** What the table needs of an element: its tech hint and its name (a Terraform address in drafts). */
export interface TechElement {
  tech?: string;
  name: string;
}

const TERRAFORM_ADDRESS = /^([a-z0-9]+_[a-z0-9_]+)\./;

/**
 * The element's families, most specific first: a Terraform resource type says RDS where the tech says only
 * `mysql`. Lower case, as tech hints are matched in any case.
 */
export function techFamilies(e: TechElement): string[] {
  const out: string[] = [];
  const resource = TERRAFORM_ADDRESS.exec(e.name)?.[1];
  const fromResource = resource === undefined ? undefined : FAMILIES[resource];
  if (fromResource !== undefined) out.push(fromResource);
  if (e.tech !== undefined) {
    const tech = e.tech.toLowerCase();
    const family = Object.hasOwn(FAMILIES, tech) ? FAMILIES[tech] : tech;
    if (!out.includes(family)) out.push(family);
  }
  return out;
}

/** An action's steps by family (`family` for the element itself, `family:from`, `family:to` for a flow's ends). */
export type StepTable = Readonly<Record<string, readonly string[]>>;

/** The action's steps by family, undefined when none are known. */
export const techStepTable = (action: string): StepTable | undefined => (Object.hasOwn(STEPS, action) ? STEPS[action] : undefined);

/** The steps of a table for an element's families (see techFamilies) in a role, from the most specific family that has any. */
export function stepsIn(table: StepTable, families: readonly string[], role: TechRole): readonly string[] | undefined {
  for (const family of families) {
    const key = role === 'at' ? family : `${family}:${role}`;
    if (Object.hasOwn(table, key)) return table[key];
  }
  return undefined;
}

/** The steps for an action on an element in a role, from its most specific family that has any. */
export function techSteps(action: string, e: TechElement, role: TechRole): readonly string[] | undefined {
  const table = techStepTable(action);
  return table === undefined ? undefined : stepsIn(table, techFamilies(e), role);
}

/** Whether any step is known for the action: most threats' actions have none, and skip the flows. */
export const hasTechSteps = (action: string): boolean => Object.hasOwn(STEPS, action);
