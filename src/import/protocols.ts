// What a drafted flow's protocol is, from the evidence a deployment file gives: a URL's scheme, the
// target's technology, a well-known port. Shared by every source of `threatmap discover`, so that a
// Kubernetes manifest and a compose file naming the same database draw the same flow. Pure.
import { PROTOCOLS } from '../model/catalog.js';
import { lookup } from './import-common.js';

/**
 * How much a protocol guess is worth. A scheme or a stated protocol is the caller's own word; a port the
 * table knows names the listener (RabbitMQ answers AMQP on 5672 and HTTP on 15672); the technology names
 * its usual protocol; a bare `tcp://` says only "not HTTP".
 */
export const Certainty = { Fallback: 0, UnknownScheme: 1, Transport: 2, Tech: 3, Port: 4, Stated: 5 } as const;
export type Certainty = (typeof Certainty)[keyof typeof Certainty];

export interface ProtocolGuess {
  protocol: string;
  certainty: Certainty;
}

/**
 * URL schemes that are not catalogue protocols but name one. `mongodb+srv` turns TLS on by default (the
 * MongoDB driver specification), so it is the encrypted protocol; SQLAlchemy-style `dialect+driver`
 * schemes and `+tls`/`+ssl` suffixes are handled by schemeProtocol.
 */
const SCHEME_ALIASES: Record<string, string> = {
  postgresql: 'postgres',
  pg: 'postgres',
  mariadb: 'mysql',
  'mongodb+srv': 'mongodb+tls',
  sqlserver: 'sql',
  mssql: 'sql',
  oracle: 'sql',
  // Buckets: Hadoop's S3 connector, and Google Cloud Storage reached through its HTTPS API.
  s3a: 's3',
  gs: 'cloud-api',
  // Pulsar's binary protocol, which the catalogue does not name: plain TCP, or TLS.
  pulsar: 'tcp',
};

/** The catalogue's TLS variant of a protocol (`smtp` -> `smtps`, `postgres` -> `postgres+tls`, `tcp` -> `tls`), if it has one. */
function tlsVariant(protocol: string): string | undefined {
  if (protocol === 'tcp') return 'tls';
  return [`${protocol}s`, `${protocol}+tls`].find((p) => lookup(PROTOCOLS, p) !== undefined);
}

/** The protocol a URL scheme names, or undefined when it names none the catalogue knows. */
export function schemeProtocol(scheme: string): string | undefined {
  const s = scheme.toLowerCase();
  if (lookup(PROTOCOLS, s) !== undefined) return s;
  if (lookup(SCHEME_ALIASES, s) !== undefined) return SCHEME_ALIASES[s];
  // `postgresql+asyncpg`, `mysql+pymysql`: the part before `+` is the wire protocol, the rest a client library;
  // but `smtp+tls`, `amqp+ssl`, `redis+tls` say the connection is encrypted, which a protocol without TLS is not.
  const [base, ...rest] = s.split('+');
  const protocol = lookup(PROTOCOLS, base) !== undefined ? base : lookup(SCHEME_ALIASES, base);
  const encrypted = rest.some((part) => part === 'tls' || part === 'ssl');
  return protocol !== undefined && encrypted ? tlsVariant(protocol) ?? protocol : protocol;
}

/**
 * Query parameters that turn TLS on (libpq's `sslmode=require`, MySQL's `useSSL=true` or
 * `sslMode=REQUIRED`, MongoDB's `tls=true`, SQL Server's `encrypt=true`): the wire protocol then has its
 * `+tls` variant. `sslmode=prefer` (libpq's default) falls back to plain text, so it does not count.
 */
export function withTlsFromQuery(protocol: string, query: string): string {
  const tlsOn = /(?:^|[?&;])(?:ssl-?mode=(?:required?|verify[-_](?:ca|full|identity))|(?:use)?ssl=(?:true|1)|tls=(?:true|1)|encrypt=true)(?:[&;#]|$)/i.test(query);
  const secure = `${protocol}+tls`;
  return tlsOn && PROTOCOLS[secure] !== undefined ? secure : protocol;
}

/** The protocol clients speak to a technology; technologies missing here are reached over HTTP. */
const TECH_PROTOCOLS: Record<string, string> = {
  postgres: 'postgres',
  // PostgreSQL with extensions, and databases that answer its wire protocol (CockroachDB, QuestDB's PG port).
  timescaledb: 'postgres',
  pgvector: 'postgres',
  cockroachdb: 'postgres',
  'azure-postgres': 'postgres',
  questdb: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'azure-mysql': 'mysql',
  mssql: 'sql',
  'azure-sql': 'sql',
  // Cosmos DB's SQL (NoSQL) API is HTTPS only; its MongoDB API is set where an importer can tell (Terraform's `kind`).
  cosmosdb: 'https',
  oracle: 'sql',
  mongodb: 'mongodb',
  redis: 'redis',
  valkey: 'redis',
  memcached: 'memcached',
  kafka: 'kafka',
  redpanda: 'kafka',
  rabbitmq: 'amqp',
  // MQTT brokers; a client on 8883, MQTT's TLS port, speaks mqtts (see PORT_PROTOCOLS, which outranks this).
  mosquitto: 'mqtt',
  emqx: 'mqtt',
  hivemq: 'mqtt',
  vernemq: 'mqtt',
  'mqtt-broker': 'mqtt',
  // The managed brokers take device connections over TLS only.
  'aws-iot-core': 'mqtts',
  'azure-iot-hub': 'mqtts',
  // Time-series and analytics databases whose clients mostly use their HTTP APIs (InfluxDB's line protocol and
  // Flux, ClickHouse's port 8123; its native protocol on 9000 has no catalogue name).
  influxdb: 'http',
  clickhouse: 'http',
  // Milvus's SDKs speak gRPC (port 19530).
  milvus: 'grpc',
  // ActiveMQ (OpenWire), NATS, Cassandra (CQL) and Pulsar have wire protocols of their own the catalogue does not
  // name: plain TCP says as much about them (unencrypted, not HTTP).
  activemq: 'tcp',
  nats: 'tcp',
  cassandra: 'tcp',
  pulsar: 'tcp',
  ldap: 'ldap',
  'active-directory': 'ldap',
  // A mail provider named as a mail host (SMTP_HOST) is reached over SMTP; its web API is named by a URL.
  smtp: 'smtp',
  // Managed cloud services are reached through their provider's HTTPS API, whatever they store or carry.
  s3: 's3',
  gcs: 'cloud-api',
  'azure-blob': 'cloud-api',
  dynamodb: 'cloud-api',
  sqs: 'cloud-api',
  sns: 'cloud-api',
  eventbridge: 'cloud-api',
  kinesis: 'cloud-api',
  // Azure's brokers: their SDKs speak AMQP over TLS (5671); Event Hubs also answers Kafka clients (see TECH_PORTS).
  'azure-event-hubs': 'amqps',
  'azure-service-bus': 'amqps',
  'pub-sub': 'cloud-api',
  'secrets-manager': 'cloud-api',
  cloudwatch: 'cloud-api',
  ecr: 'cloud-api',
  lambda: 'cloud-api',
};

export const techProtocol = (tech: string | undefined): string | undefined =>
  lookup(TECH_PROTOCOLS, tech);

/**
 * IANA and de-facto ports. HTTP is the default anyway, but 80 and 8080 say it as surely as 443 says
 * HTTPS: a service published on both is reached over each, and the first one listed is not outranked.
 */
const PORT_PROTOCOLS: Record<number, string> = {
  21: 'ftp',
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  53: 'dns',
  80: 'http',
  389: 'ldap',
  443: 'https',
  445: 'smb',
  465: 'smtps',
  587: 'smtp',
  636: 'ldaps',
  // MailHog, Mailpit and MailDev listen for SMTP on 1025: the port of development mail catchers.
  1025: 'smtp',
  1433: 'sql',
  1521: 'sql',
  1883: 'mqtt',
  2049: 'nfs',
  2525: 'smtp',
  3306: 'mysql',
  3389: 'rdp',
  5432: 'postgres',
  5671: 'amqps',
  5672: 'amqp',
  5900: 'vnc',
  6379: 'redis',
  8080: 'http',
  8443: 'https',
  8883: 'mqtts',
  9092: 'kafka',
  11211: 'memcached',
  // RabbitMQ's management interface.
  15672: 'http',
  // EMQX's dashboard, which a published port of the broker usually is besides 1883.
  18083: 'http',
  27017: 'mongodb',
  4317: 'grpc',
  14250: 'grpc',
  50051: 'grpc',
};

export const portProtocol = (port: number | undefined): string | undefined =>
  port === undefined ? undefined : PORT_PROTOCOLS[port];

/** Ports a technology answers on with a protocol the port alone does not say (9093 is Alertmanager's too). */
const TECH_PORTS: Record<string, Record<number, string>> = {
  'azure-event-hubs': { 9093: 'kafka+tls', 5671: 'amqps', 443: 'https' },
  'azure-service-bus': { 5671: 'amqps', 443: 'https' },
};

/** What a caller says about one connection. */
export interface ConnectionFacts {
  /** A URL's scheme as written (`https`, `postgresql+asyncpg`). */
  scheme?: string;
  /** A URL's query, for TLS switches. */
  query?: string;
  /** A protocol stated outright (compose's `app_protocol`, a `/udp` port). */
  protocol?: string;
  /** The port the target listens on. */
  targetPort?: number;
}

/**
 * Ports that only gRPC listens on: OTLP's gRPC receiver (4317, IANA), Jaeger's collector (14250), and the
 * de-facto 50051. Clients of OpenTelemetry and .NET's GrpcChannel write them as `http://` or `https://` URLs,
 * the scheme saying only whether TLS is on.
 */
const GRPC_PORTS = new Set([4317, 14250, 50051]);

function overHttpScheme(protocol: string, port: number | undefined): string {
  if (port === undefined || !GRPC_PORTS.has(port)) return protocol;
  return protocol === 'http' ? 'grpc' : protocol === 'https' ? 'grpcs' : protocol;
}

/** `tcp://db:5432` says less than the target being PostgreSQL does. */
const TRANSPORTS = new Set(['tcp', 'udp']);

/**
 * The protocol of one connection, strongest evidence first: a stated protocol or URL scheme, a port the
 * table knows, the target's technology (or, for a target the catalogue has no technology for, the protocol
 * its image names: an SSH server), then TCP for a scheme that says only "not HTTP", else HTTP, what
 * services in containers mostly speak.
 */
export function guessProtocol(facts: ConnectionFacts, targetTech: string | undefined, targetProtocol?: string): ProtocolGuess {
  if (facts.protocol !== undefined && lookup(PROTOCOLS, facts.protocol) !== undefined) {
    return { protocol: facts.protocol, certainty: Certainty.Stated };
  }
  const fromScheme = facts.scheme === undefined ? undefined : schemeProtocol(facts.scheme);
  if (fromScheme !== undefined && !TRANSPORTS.has(fromScheme)) {
    return { protocol: overHttpScheme(withTlsFromQuery(fromScheme, facts.query ?? ''), facts.targetPort), certainty: Certainty.Stated };
  }
  const fromPort = (targetTech !== undefined && facts.targetPort !== undefined ? lookup(TECH_PORTS, targetTech)?.[facts.targetPort] : undefined) ?? portProtocol(facts.targetPort);
  if (fromPort !== undefined) return { protocol: fromPort, certainty: Certainty.Port };
  const fromTech = techProtocol(targetTech) ?? (targetProtocol !== undefined && lookup(PROTOCOLS, targetProtocol) !== undefined ? targetProtocol : undefined);
  if (fromTech !== undefined) return { protocol: withTlsFromQuery(fromTech, facts.query ?? ''), certainty: Certainty.Tech };
  if (fromScheme !== undefined) return { protocol: fromScheme, certainty: Certainty.Transport };
  if (facts.scheme !== undefined) return { protocol: 'tcp', certainty: Certainty.UnknownScheme };
  return { protocol: 'http', certainty: Certainty.Fallback };
}
