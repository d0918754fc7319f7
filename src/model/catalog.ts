// The vocabulary of a model, kept as data so that rules ask about traits, never about names,
// and adding a technology, protocol or control needs no code change.

export const ELEMENT_KINDS = ['external', 'process', 'store'] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

export const TRUST_LEVELS = ['untrusted', 'dmz', 'internal', 'restricted'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];
/** `internet` reads better than `untrusted` in a model; both mean the lowest trust. */
export const TRUST_ALIASES: Record<string, TrustLevel> = { internet: 'untrusted', public: 'untrusted' };
export const trustRank = (t: TrustLevel): number => TRUST_LEVELS.indexOf(t);

export const BOUNDARY_KINDS = ['network', 'container', 'data-tier', 'service', 'privilege', 'cloud'] as const;
export type BoundaryKind = (typeof BOUNDARY_KINDS)[number];

export const LEVELS = ['low', 'medium', 'high'] as const;

/** STRIDE categories as a written threat may name them: the letter, or the category in words. */
export const STRIDE_WORDS = {
  S: 'spoofing', T: 'tampering', R: 'repudiation', I: 'information-disclosure', D: 'denial-of-service', E: 'elevation-of-privilege',
} as const;
export type StrideLetter = keyof typeof STRIDE_WORDS;
/** Every name a written threat's `stride` may take: the letters, then the words. */
export const STRIDE_NAMES_WRITTEN: readonly string[] = [...Object.keys(STRIDE_WORDS), ...Object.values(STRIDE_WORDS)];
const STRIDE_LETTER_OF = new Map<string, StrideLetter>(
  (Object.entries(STRIDE_WORDS) as Array<[StrideLetter, string]>).flatMap(([letter, word]) => [[letter, letter], [word, letter]]),
);
/** Abbreviations as common as the words themselves. */
const STRIDE_ABBREVIATIONS: Partial<Record<StrideLetter, readonly string[]>> = { D: ['dos'], E: ['eop'] };
/**
 * People write the categories as the method names them: in any case, the words joined by a space, a dash, an
 * underscore or nothing ("Information Disclosure", "elevation_of_privilege", "DoS"). One pattern per category,
 * made only of ASCII letter classes, so that the JSON Schema's `pattern` (which has no case-insensitive flag),
 * zod and strideLetter accept exactly the same names.
 */
const anyCase = (name: string): string => name.split('-')
  .map((word) => [...word].map((c) => `[${c}${c.toUpperCase()}]`).join(''))
  .join('[-_ ]?');
const STRIDE_SPELLINGS = (Object.entries(STRIDE_WORDS) as Array<[StrideLetter, string]>).map(([letter, word]) =>
  [letter, [letter.toLowerCase(), word, ...(STRIDE_ABBREVIATIONS[letter] ?? [])].map(anyCase).join('|')] as const);
const STRIDE_SPELLING_OF = STRIDE_SPELLINGS.map(([letter, source]) => [letter, new RegExp(`^(?:${source})$`)] as const);
/** Every spelling of a category that `stride` takes besides the canonical names. */
export const STRIDE_SPELLING_PATTERN = new RegExp(`^(?:${STRIDE_SPELLINGS.map(([, source]) => source).join('|')})$`);
/** What a message says about the spellings beside the canonical names. */
export const STRIDE_SPELLINGS_NOTE = 'in any case, with the words joined by a space, a dash, an underscore or nothing; or `DoS`, `EoP`';
/** A `stride` as written (a letter, a word, or another spelling of them) as its letter; undefined for a name that is none. */
export const strideLetter = (name: string): StrideLetter | undefined =>
  STRIDE_LETTER_OF.get(name) ?? STRIDE_SPELLING_OF.find(([, pattern]) => pattern.test(name))?.[0];
export type Level = (typeof LEVELS)[number];

export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const ASSET_KINDS = ['data', 'resource'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const ASSET_TYPES = [
  'pii', 'credentials', 'payment', 'financial', 'secrets', 'health', 'session', 'business',
  'pricing', 'source-code', 'telemetry', 'logs', 'availability', 'other',
] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export interface ElementTypeInfo {
  kind: ElementKind;
  description: string;
}

/** What an element is. Each type implies its DFD kind, so `type: database` needs no `kind: store`. */
export const ELEMENT_TYPES = {
  user: { kind: 'external', description: 'a person using the system (customer, visitor)' },
  admin: { kind: 'external', description: 'a privileged operator or administrator' },
  'support-staff': { kind: 'external', description: 'staff with access to customer data' },
  developer: { kind: 'external', description: 'a person who changes code or infrastructure' },
  'user-agent': { kind: 'external', description: 'a browser or mobile app acting for a user, with the single-page app running in it' },
  'third-party': { kind: 'external', description: 'a service run by someone else (SaaS: payments, e-mail, a hosted identity provider)' },
  device: { kind: 'external', description: 'an IoT or client device' },
  'web-server': { kind: 'process', description: 'serves web pages or static files' },
  'web-app': { kind: 'process', description: 'server-rendered web application' },
  api: { kind: 'process', description: 'an HTTP/gRPC API service' },
  service: { kind: 'process', description: 'an internal service' },
  worker: { kind: 'process', description: 'a background job or consumer' },
  function: { kind: 'process', description: 'a serverless function' },
  cdn: { kind: 'process', description: 'a content delivery network edge' },
  'load-balancer': { kind: 'process', description: 'distributes traffic to back ends' },
  gateway: { kind: 'process', description: 'an API gateway or ingress' },
  'reverse-proxy': { kind: 'process', description: 'a proxy terminating client connections' },
  'identity-provider': { kind: 'process', description: 'issues identities and tokens, run by us (a hosted one is `third-party`)' },
  'admin-panel': { kind: 'process', description: 'a back-office or administration interface' },
  llm: { kind: 'process', description: 'a large language model or agent' },
  'ci-cd': { kind: 'process', description: 'a build and deployment pipeline' },
  'container-registry': { kind: 'store', description: 'stores container images' },
  'cloud-console': { kind: 'process', description: 'a cloud provider management plane' },
  database: { kind: 'store', description: 'a database' },
  cache: { kind: 'store', description: 'an in-memory cache' },
  'object-storage': { kind: 'store', description: 'object or blob storage' },
  'file-storage': { kind: 'store', description: 'a file system or share' },
  queue: { kind: 'store', description: 'a message queue' },
  'event-bus': { kind: 'store', description: 'an event stream or pub/sub bus (an MQTT broker too)' },
  logs: { kind: 'store', description: 'log storage' },
  backups: { kind: 'store', description: 'backup storage' },
  'secrets-vault': { kind: 'store', description: 'a secrets manager' },
  'search-index': { kind: 'store', description: 'a search engine index' },
} as const satisfies Record<string, ElementTypeInfo>;
export type ElementType = keyof typeof ELEMENT_TYPES;

export const TECH_TRAITS = [
  'sql', 'nosql', 'in-memory', 'browser', 'mobile', 'payment', 'email', 'message-broker', 'container',
  'serverless', 'template-engine', 'xml', 'ldap', 'llm', 'cloud', 'identity',
  // rule library (issue 3): tools that run OS commands on their input, and runtimes that deserialise objects
  'os-command', 'object-deserialization',
  // development mail servers that keep every mail and show it to whoever opens their web UI; and software run
  // as shipped, whose queries are its vendor's code (its flaws are advisories to patch, not our injection bugs)
  'mail-catcher', 'off-the-shelf',
  // code of ours that runs in the user's browser, and stores that answer similarity searches over embeddings:
  // what custom rules (`element.traits`) and future rules ask about single-page apps and retrieval for prompts
  'spa', 'vector',
  // a reverse proxy that stores responses and serves them to later callers (Varnish): a shared cache, as a CDN is
  'http-cache',
  // a deployer that pulls manifests and images and applies them to a cluster, building nothing (Argo CD, Flux)
  'gitops',
  // a notebook server that runs whatever code its users write (Jupyter, SageMaker Studio, Databricks): their hands
  'runs-user-code',
] as const;
export type TechTrait = (typeof TECH_TRAITS)[number];

/** What each trait says about an element, for docs/technologies.md and whoever writes a custom rule on traits. */
export const TECH_TRAIT_DESCRIPTIONS: Record<TechTrait, string> = {
  sql: 'queried in SQL: queries built from input are SQL injection',
  nosql: 'queried in a NoSQL or other non-SQL query language: queries built from input are NoSQL injection',
  'in-memory': 'keeps its data in memory',
  browser: 'a web browser: what it runs is reached by cross-site attacks',
  mobile: 'a mobile app on the user\'s device',
  payment: 'takes payments',
  email: 'sends e-mail',
  'message-broker': 'passes messages between producers and consumers (a queue, a topic, an MQTT broker)',
  container: 'runs containers',
  serverless: 'runs functions on a managed platform',
  'template-engine': 'can render server-side templates (a capability: template-injection asks for an endpoint that takes templates)',
  xml: 'can parse XML (a capability: xxe asks for XML input on an endpoint or flow)',
  ldap: 'a directory queried with LDAP filters',
  llm: 'a large language model, or an agent built on one',
  cloud: 'a cloud provider\'s managed service',
  identity: 'issues identities and tokens (an identity provider)',
  'os-command': 'runs operating-system commands or command-line tools on its input',
  'object-deserialization': 'a runtime whose libraries can deserialise objects (a capability: insecure-deserialization asks for serialized input)',
  'mail-catcher': 'a development mail server that keeps every mail and shows it in a web UI',
  'off-the-shelf': 'software run as shipped: its queries are its vendor\'s code',
  spa: 'a single-page app: our own code running in the user\'s browser',
  vector: 'stores embeddings and answers similarity searches (retrieval for prompts)',
  'http-cache': 'stores responses and serves them to later callers: a shared cache in front of the application, as a CDN is',
  gitops: 'deploys by pulling manifests and images from repositories and registries into a cluster; builds nothing',
  'runs-user-code': 'runs the code its users write (a notebook server): what they reach through it, they reach themselves',
};

export interface TechInfo {
  type: ElementType;
  traits?: readonly TechTrait[];
  /** Where the choice of type needs saying (SaaS or self-hosted, browser or server), for docs/technologies.md. */
  note?: string;
  /**
   * A managed store whose provider encrypts everything it keeps at rest by default, with keys the provider
   * manages: the provider's default in words, which unencrypted-store gives as why the store is covered.
   * Only where the default cannot be turned off, or is on unless someone switches it off; never for a service
   * where it is a setting left to us (RDS, Aurora, ElastiCache, EBS) or anything self-hosted.
   */
  encryptedAtRest?: string;
}

/** The entry, with the provider's encryption at rest said in its note too, so that docs/technologies.md shows it. */
function encryptedByProvider(info: TechInfo, atRest: string): TechInfo {
  return { ...info, encryptedAtRest: atRest, note: info.note === undefined ? atRest : `${info.note}; ${atRest}` };
}
const AZURE_AT_REST = 'Azure encrypts it at rest with service-managed keys, always';
const GOOGLE_AT_REST = 'Google encrypts it at rest with Google-managed keys, always';

/**
 * The catalogue's half of unencrypted-store's decision: what the technology's provider does about encryption at
 * rest by default, or undefined when it is ours to set (any case, as technology hints are written).
 */
export function providerEncryption(tech: string | undefined): string | undefined {
  const name = tech === undefined ? undefined : techName(tech);
  return name === undefined ? undefined : TECHNOLOGIES[name].encryptedAtRest;
}

/**
 * A technology hint fills in the element's type and traits (any case, or another spelling in TECH_ALIASES:
 * `PostgreSQL` is `postgres`); a `type:` beside it wins, the traits stay. An unknown technology is a warning, and an error only when nothing else
 * says the element's kind. docs/technologies.md lists these (scripts/technologies-doc.ts writes it).
 */
export const TECHNOLOGIES: Record<string, TechInfo> = {
  browser: { type: 'user-agent', traits: ['browser'] },
  'mobile-app': { type: 'user-agent', traits: ['mobile'] },
  // A single-page app runs in the user's browser: it is the browser (an external user agent) with our code in
  // it, not a server. What serves its files is a web server or CDN; a server-rendering framework is a web app.
  spa: { type: 'user-agent', traits: ['browser', 'spa'], note: 'a single-page app, as it runs in the browser' },
  react: { type: 'user-agent', traits: ['browser', 'spa'], note: 'the app in the browser; its server is a `web-server` or `cdn`' },
  vue: { type: 'user-agent', traits: ['browser', 'spa'], note: 'the app in the browser; its server is a `web-server` or `cdn`' },
  angular: { type: 'user-agent', traits: ['browser', 'spa'], note: 'the app in the browser; its server is a `web-server` or `cdn`' },
  svelte: { type: 'user-agent', traits: ['browser', 'spa'], note: 'the app in the browser; its server is a `web-server` or `cdn`' },
  nextjs: { type: 'web-app', note: 'the server that renders pages; the code in the browser is `react`' },
  nuxt: { type: 'web-app', note: 'the server that renders pages; the code in the browser is `vue`' },
  sveltekit: { type: 'web-app', note: 'the server that renders pages; the code in the browser is `svelte`' },
  'react-native': { type: 'user-agent', traits: ['mobile'] },
  flutter: { type: 'user-agent', traits: ['mobile'] },
  ios: { type: 'user-agent', traits: ['mobile'] },
  android: { type: 'user-agent', traits: ['mobile'] },
  postgres: { type: 'database', traits: ['sql'] },
  mysql: { type: 'database', traits: ['sql'] },
  mariadb: { type: 'database', traits: ['sql'] },
  mssql: { type: 'database', traits: ['sql'] },
  oracle: { type: 'database', traits: ['sql'] },
  sqlite: { type: 'database', traits: ['sql'] },
  mongodb: { type: 'database', traits: ['nosql'] },
  dynamodb: encryptedByProvider({ type: 'database', traits: ['nosql', 'cloud'] }, 'AWS encrypts every table at rest (an AWS-owned key unless a KMS key is chosen), always'),
  cassandra: { type: 'database', traits: ['nosql'] },
  couchdb: { type: 'database', traits: ['nosql'] },
  cockroachdb: { type: 'database', traits: ['sql'] },
  clickhouse: { type: 'database', traits: ['sql'] },
  aurora: { type: 'database', traits: ['sql', 'cloud'] },
  'cloud-sql': encryptedByProvider({ type: 'database', traits: ['sql', 'cloud'] }, GOOGLE_AT_REST),
  'azure-postgres': encryptedByProvider({ type: 'database', traits: ['sql', 'cloud'], note: 'Azure Database for PostgreSQL: managed, no postgresql.conf or pg_hba.conf to edit' }, AZURE_AT_REST),
  'azure-mysql': encryptedByProvider({ type: 'database', traits: ['sql', 'cloud'], note: 'Azure Database for MySQL: managed, no my.cnf to edit' }, AZURE_AT_REST),
  'azure-sql': encryptedByProvider({ type: 'database', traits: ['sql', 'cloud'], note: 'Azure SQL Database (managed SQL Server)' }, 'Azure encrypts it at rest (transparent data encryption, on by default)'),
  cosmosdb: encryptedByProvider({ type: 'database', traits: ['nosql', 'cloud'] }, AZURE_AT_REST),
  firestore: encryptedByProvider({ type: 'database', traits: ['nosql', 'cloud'] }, GOOGLE_AT_REST),
  bigquery: encryptedByProvider({ type: 'database', traits: ['sql', 'cloud'], note: 'Google\'s analytics warehouse' }, GOOGLE_AT_REST),
  neo4j: { type: 'database', traits: ['nosql'] },
  // Time-series databases: queried in SQL (TimescaleDB is PostgreSQL), or in a language of their own that input
  // can inject into like any query language (InfluxQL, Flux); PromQL reads metrics and has no writes to inject.
  influxdb: { type: 'database', traits: ['nosql'] },
  timescaledb: { type: 'database', traits: ['sql'], note: 'PostgreSQL with time-series tables' },
  questdb: { type: 'database', traits: ['sql'] },
  prometheus: { type: 'database', note: 'metrics storage: scrapes flow from each target into it' },
  victoriametrics: { type: 'database', note: 'metrics storage, like prometheus' },
  // Vector databases hold embeddings of our documents; a hosted-only service is someone else's, like a SaaS API.
  pgvector: { type: 'database', traits: ['sql', 'vector'], note: 'PostgreSQL with vectors' },
  qdrant: { type: 'database', traits: ['vector'] },
  weaviate: { type: 'database', traits: ['vector'] },
  milvus: { type: 'database', traits: ['vector'] },
  chroma: { type: 'database', traits: ['vector'] },
  chromadb: { type: 'database', traits: ['vector'], note: 'the same as chroma' },
  pinecone: { type: 'third-party', traits: ['vector'], note: 'hosted only: a SaaS outside the system' },
  elasticsearch: { type: 'search-index', traits: ['nosql'] },
  opensearch: { type: 'search-index', traits: ['nosql'] },
  solr: { type: 'search-index', traits: ['nosql'] },
  meilisearch: { type: 'search-index', traits: ['nosql'] },
  typesense: { type: 'search-index', traits: ['nosql'] },
  redis: { type: 'cache', traits: ['in-memory', 'nosql'] },
  memcached: { type: 'cache', traits: ['in-memory'] },
  valkey: { type: 'cache', traits: ['in-memory', 'nosql'], note: 'a Redis fork' },
  s3: encryptedByProvider({ type: 'object-storage', traits: ['cloud'] }, 'S3 encrypts every new object at rest (SSE-S3) since January 2023, always'),
  gcs: encryptedByProvider({ type: 'object-storage', traits: ['cloud'] }, GOOGLE_AT_REST),
  'azure-blob': encryptedByProvider({ type: 'object-storage', traits: ['cloud'] }, AZURE_AT_REST),
  minio: { type: 'object-storage' },
  nfs: { type: 'file-storage' },
  rabbitmq: { type: 'queue', traits: ['message-broker'] },
  sqs: encryptedByProvider({ type: 'queue', traits: ['message-broker', 'cloud'] }, 'AWS encrypts every new queue at rest (SSE-SQS, an SQS-owned key, unless a KMS key is chosen) since October 2022, unless switched off'),
  activemq: { type: 'queue', traits: ['message-broker'] },
  kafka: { type: 'event-bus', traits: ['message-broker'] },
  nats: { type: 'event-bus', traits: ['message-broker'] },
  sns: { type: 'event-bus', traits: ['message-broker', 'cloud'] },
  eventbridge: { type: 'event-bus', traits: ['message-broker', 'cloud'] },
  'pub-sub': { type: 'event-bus', traits: ['message-broker', 'cloud'] },
  pulsar: { type: 'event-bus', traits: ['message-broker'] },
  redpanda: { type: 'event-bus', traits: ['message-broker'], note: 'speaks the Kafka protocol' },
  kinesis: { type: 'event-bus', traits: ['message-broker', 'cloud'] },
  // Azure's brokers in our subscription: clients speak AMQP over TLS (5671), Event Hubs Kafka over TLS (9093) too.
  'azure-event-hubs': { type: 'event-bus', traits: ['message-broker', 'cloud'], note: 'a managed event stream: AMQP over TLS (5671), Kafka over TLS (9093)' },
  'azure-service-bus': { type: 'queue', traits: ['message-broker', 'cloud'], note: 'a managed broker: AMQP over TLS (5671)' },
  // MQTT brokers: devices and apps publish to and subscribe to topics, so a broker is an event bus whose clients
  // may well sit on the internet. A managed one (AWS IoT Core, Azure IoT Hub) is ours like SNS: a cloud service.
  mosquitto: { type: 'event-bus', traits: ['message-broker'], note: 'an MQTT broker' },
  emqx: { type: 'event-bus', traits: ['message-broker'], note: 'an MQTT broker' },
  hivemq: { type: 'event-bus', traits: ['message-broker'], note: 'an MQTT broker' },
  vernemq: { type: 'event-bus', traits: ['message-broker'], note: 'an MQTT broker' },
  'mqtt-broker': { type: 'event-bus', traits: ['message-broker'], note: 'any MQTT broker' },
  'aws-iot-core': { type: 'event-bus', traits: ['message-broker', 'cloud'], note: 'a managed MQTT broker in our cloud account' },
  'azure-iot-hub': { type: 'event-bus', traits: ['message-broker', 'cloud'], note: 'a managed MQTT broker in our cloud account' },
  nginx: { type: 'reverse-proxy' },
  apache: { type: 'web-server' },
  haproxy: { type: 'load-balancer' },
  envoy: { type: 'reverse-proxy' },
  traefik: { type: 'reverse-proxy' },
  caddy: { type: 'reverse-proxy' },
  varnish: { type: 'reverse-proxy', traits: ['http-cache'], note: 'a caching reverse proxy: a shared cache in front of the application' },
  alb: { type: 'load-balancer', traits: ['cloud'] },
  elb: { type: 'load-balancer', traits: ['cloud'] },
  cloudfront: { type: 'cdn', traits: ['cloud'] },
  cloudflare: { type: 'cdn' },
  fastly: { type: 'cdn' },
  akamai: { type: 'cdn' },
  kong: { type: 'gateway' },
  'api-gateway': { type: 'gateway', traits: ['cloud'] },
  istio: { type: 'gateway' },
  // Azure's and Google's managed API gateways, like AWS's `api-gateway`: type `gateway` with the `cloud` trait, so
  // the rules treat them as gateways that end every backend call at a timeout of their own. Their load balancers:
  // managed, health-checking their backends as an ALB does.
  'azure-api-management': { type: 'gateway', traits: ['cloud'], note: 'Azure API Management: a managed API gateway; forward-request ends a backend call at 300 s unless set' },
  apim: { type: 'gateway', traits: ['cloud'], note: 'the same as azure-api-management' },
  'azure-apim': { type: 'gateway', traits: ['cloud'], note: 'the same as azure-api-management' },
  apigee: { type: 'gateway', traits: ['cloud'], note: 'Google Apigee (X, or Edge): a managed API gateway; a target call times out at 55 s unless set' },
  'google-apigee': { type: 'gateway', traits: ['cloud'], note: 'the same as apigee' },
  'gcp-api-gateway': { type: 'gateway', traits: ['cloud'], note: 'Google Cloud API Gateway: a managed gateway; a backend call ends at its 15 s deadline unless set' },
  'google-api-gateway': { type: 'gateway', traits: ['cloud'], note: 'the same as gcp-api-gateway' },
  'azure-application-gateway': { type: 'load-balancer', traits: ['cloud'], note: 'Azure Application Gateway: a layer-7 load balancer; its WAF, when on, is the `waf` control' },
  'azure-app-gateway': { type: 'load-balancer', traits: ['cloud'], note: 'the same as azure-application-gateway' },
  'azure-load-balancer': { type: 'load-balancer', traits: ['cloud'], note: 'Azure Load Balancer: layer 4' },
  'gcp-load-balancer': { type: 'load-balancer', traits: ['cloud'], note: 'Google Cloud Load Balancing; Cloud Armor on its backend services is the `waf` control' },
  'google-cloud-load-balancing': { type: 'load-balancer', traits: ['cloud'], note: 'the same as gcp-load-balancer' },
  node: { type: 'api' },
  express: { type: 'api' },
  nestjs: { type: 'api' },
  fastify: { type: 'api' },
  fastapi: { type: 'api' },
  // Dashboards and BI run as shipped: their pages call their own backend, their queries are the vendor's code.
  grafana: { type: 'web-app', traits: ['off-the-shelf'], note: 'dashboards run as shipped' },
  kibana: { type: 'web-app', traits: ['off-the-shelf'], note: 'the Elasticsearch/OpenSearch dashboards, run as shipped' },
  superset: { type: 'web-app', traits: ['off-the-shelf'], note: 'Apache Superset BI, run as shipped' },
  metabase: { type: 'web-app', traits: ['off-the-shelf'], note: 'Metabase BI, run as shipped' },
  django: { type: 'web-app', traits: ['template-engine'] },
  flask: { type: 'web-app', traits: ['template-engine'] },
  rails: { type: 'web-app', traits: ['template-engine'] },
  laravel: { type: 'web-app', traits: ['template-engine', 'object-deserialization'], note: 'PHP, like php' },
  spring: { type: 'api', traits: ['xml', 'object-deserialization'] },
  dotnet: { type: 'api', traits: ['xml', 'object-deserialization'] },
  java: { type: 'api', traits: ['object-deserialization'] },
  go: { type: 'api' },
  php: { type: 'web-app', traits: ['template-engine', 'object-deserialization'] },
  celery: { type: 'worker', traits: ['object-deserialization'] },
  imagemagick: { type: 'service', traits: ['os-command'] },
  ffmpeg: { type: 'service', traits: ['os-command'] },
  ghostscript: { type: 'service', traits: ['os-command'] },
  libreoffice: { type: 'service', traits: ['os-command'] },
  // Document converters and extractors: they open untrusted Office, SVG and PDF files, where xxe and
  // command-injection land when a model shows uploads reaching them through a bucket or queue.
  'apache-tika': { type: 'service', traits: ['xml'], note: 'extracts text and metadata from documents (Tika server or library)' },
  tika: { type: 'service', traits: ['xml'], note: 'the same as apache-tika' },
  pandoc: { type: 'service', traits: ['os-command'], note: 'a command-line document converter' },
  gotenberg: { type: 'service', traits: ['os-command'], note: 'a document conversion API running LibreOffice and Chromium' },
  unoconv: { type: 'service', traits: ['os-command'], note: 'converts documents through LibreOffice' },
  // Notebook servers: a person working in one reaches what it reaches.
  jupyter: { type: 'service', traits: ['runs-user-code'], note: 'a Jupyter notebook or JupyterLab server' },
  jupyterhub: { type: 'service', traits: ['runs-user-code'], note: 'multi-user Jupyter' },
  sagemaker: { type: 'service', traits: ['runs-user-code', 'cloud'], note: 'SageMaker Studio notebooks' },
  databricks: { type: 'service', traits: ['runs-user-code', 'cloud'], note: 'Databricks notebooks and clusters' },
  zeppelin: { type: 'service', traits: ['runs-user-code'], note: 'an Apache Zeppelin notebook server' },
  lambda: { type: 'function', traits: ['serverless', 'cloud'] },
  'cloud-functions': { type: 'function', traits: ['serverless', 'cloud'] },
  kubernetes: { type: 'service', traits: ['container'] },
  docker: { type: 'service', traits: ['container'] },
  vault: { type: 'secrets-vault' },
  'secrets-manager': { type: 'secrets-vault', traits: ['cloud'], note: 'AWS Secrets Manager' },
  'aws-secrets-manager': { type: 'secrets-vault', traits: ['cloud'], note: 'the same as secrets-manager' },
  'azure-key-vault': { type: 'secrets-vault', traits: ['cloud'], note: 'Azure Key Vault' },
  'key-vault': { type: 'secrets-vault', traits: ['cloud'], note: 'the same as azure-key-vault' },
  'gcp-secret-manager': { type: 'secrets-vault', traits: ['cloud'], note: 'Google Secret Manager' },
  'hashicorp-vault': { type: 'secrets-vault', note: 'the same as vault' },
  // Identity providers. One we run (Keycloak, Authentik, Dex) is a process of ours, with its own patching, admin
  // console and database; a hosted one (Okta, Auth0, Entra ID) is someone else's service that we call and
  // redirect users to: an external. Cognito lives in our cloud account, configured by us like DynamoDB.
  // Identity providers we run as shipped: their queries, parsers and error pages are the vendor's code (off-the-shelf).
  keycloak: { type: 'identity-provider', traits: ['identity', 'off-the-shelf'], note: 'self-hosted; a hosted Keycloak is `type: third-party`' },
  authentik: { type: 'identity-provider', traits: ['identity', 'off-the-shelf'], note: 'self-hosted' },
  dex: { type: 'identity-provider', traits: ['identity', 'off-the-shelf'], note: 'self-hosted' },
  zitadel: { type: 'identity-provider', traits: ['identity', 'off-the-shelf'], note: 'self-hosted; ZITADEL Cloud is `type: third-party`' },
  authelia: { type: 'identity-provider', traits: ['identity', 'off-the-shelf'], note: 'self-hosted' },
  pingfederate: { type: 'identity-provider', traits: ['identity', 'off-the-shelf'], note: 'self-hosted Ping Identity' },
  auth0: { type: 'third-party', traits: ['identity'], note: 'a hosted identity provider' },
  okta: { type: 'third-party', traits: ['identity'], note: 'a hosted identity provider' },
  onelogin: { type: 'third-party', traits: ['identity'], note: 'a hosted identity provider' },
  'ping-identity': { type: 'third-party', traits: ['identity'], note: 'PingOne, a hosted identity provider; self-hosted is `pingfederate`' },
  pingone: { type: 'third-party', traits: ['identity'], note: 'a hosted identity provider' },
  'entra-id': { type: 'third-party', traits: ['identity', 'cloud'], note: 'Microsoft Entra ID, formerly Azure AD' },
  'azure-ad': { type: 'third-party', traits: ['identity', 'cloud'], note: 'the same as entra-id' },
  'google-identity': { type: 'third-party', traits: ['identity', 'cloud'], note: 'Google sign-in, Google Cloud Identity Platform' },
  'firebase-auth': { type: 'third-party', traits: ['identity', 'cloud'], note: 'a hosted identity provider' },
  cognito: { type: 'identity-provider', traits: ['identity', 'cloud', 'off-the-shelf'], note: 'a user pool in our AWS account' },
  ldap: { type: 'identity-provider', traits: ['ldap', 'identity', 'off-the-shelf'] },
  'active-directory': { type: 'identity-provider', traits: ['ldap', 'identity', 'off-the-shelf'] },
  // The directory as a store (accounts and groups kept there, as Threagile's identity-store-ldap draws it):
  // still queried with LDAP filters, so LDAP injection applies to what calls it.
  'ldap-directory': { type: 'database', traits: ['ldap', 'identity'], note: 'a directory store (OpenLDAP, 389 DS) queried over LDAP' },
  stripe: { type: 'third-party', traits: ['payment'] },
  paypal: { type: 'third-party', traits: ['payment'] },
  adyen: { type: 'third-party', traits: ['payment'] },
  'payment-gateway': { type: 'third-party', traits: ['payment'] },
  sendgrid: { type: 'third-party', traits: ['email'] },
  ses: { type: 'third-party', traits: ['email', 'cloud'] },
  smtp: { type: 'third-party', traits: ['email'] },
  mailgun: { type: 'third-party', traits: ['email'] },
  postmark: { type: 'third-party', traits: ['email'] },
  mailhog: { type: 'service', traits: ['mail-catcher', 'off-the-shelf'] },
  mailpit: { type: 'service', traits: ['mail-catcher', 'off-the-shelf'] },
  maildev: { type: 'service', traits: ['mail-catcher', 'off-the-shelf'] },
  mailcatcher: { type: 'service', traits: ['mail-catcher', 'off-the-shelf'] },
  smtp4dev: { type: 'service', traits: ['mail-catcher', 'off-the-shelf'] },
  openai: { type: 'third-party', traits: ['llm'] },
  anthropic: { type: 'third-party', traits: ['llm'] },
  gemini: { type: 'third-party', traits: ['llm'] },
  mistral: { type: 'third-party', traits: ['llm'] },
  'azure-openai': { type: 'third-party', traits: ['llm', 'cloud'] },
  bedrock: { type: 'third-party', traits: ['llm', 'cloud'] },
  'vertex-ai': { type: 'third-party', traits: ['llm', 'cloud'] },
  'llm-agent': { type: 'llm', traits: ['llm'] },
  langchain: { type: 'llm', traits: ['llm'] },
  ollama: { type: 'llm', traits: ['llm'] },
  vllm: { type: 'llm', traits: ['llm'] },
  llamaindex: { type: 'llm', traits: ['llm'] },
  'aws-console': { type: 'cloud-console', traits: ['cloud'] },
  'gcp-console': { type: 'cloud-console', traits: ['cloud'] },
  'azure-portal': { type: 'cloud-console', traits: ['cloud'] },
  'kubernetes-api': { type: 'cloud-console' },
  jenkins: { type: 'ci-cd' },
  argocd: { type: 'ci-cd', traits: ['gitops'], note: 'Argo CD: pulls from Git and applies to the cluster; builds nothing' },
  flux: { type: 'ci-cd', traits: ['gitops'], note: 'Flux: pulls from Git and registries and applies to the cluster; builds nothing' },
  'github-actions': { type: 'ci-cd', traits: ['cloud'] },
  'gitlab-ci': { type: 'ci-cd' },
  ecr: { type: 'container-registry', traits: ['cloud'] },
  'docker-registry': { type: 'container-registry' },
  splunk: { type: 'logs' },
  elk: { type: 'logs' },
  cloudwatch: { type: 'logs', traits: ['cloud'] },
  loki: { type: 'logs' },
  graylog: { type: 'logs' },
};

/**
 * Other names people write for the catalogue's technologies (lower case), each read as the name it stands for:
 * `PostgreSQL` lower-cased is `postgresql`, which no edit distance turns into `postgres` silently. Kept apart
 * from TECHNOLOGIES so that each technology is listed, documented and offered in the schema once; AWS's
 * ElastiCache is `redis`, as the Terraform import has it (its engine is Redis or Valkey).
 */
export const TECH_ALIASES: Record<string, string> = {
  postgresql: 'postgres', postgre: 'postgres', psql: 'postgres', pgsql: 'postgres', pg: 'postgres',
  mongo: 'mongodb',
  'ms-sql': 'mssql', 'sql-server': 'mssql', sqlserver: 'mssql',
  'aws-s3': 's3', 'amazon-s3': 's3',
  'aws-sqs': 'sqs', 'amazon-sqs': 'sqs', 'aws-sns': 'sns', 'amazon-sns': 'sns',
  dynamo: 'dynamodb', 'aws-dynamodb': 'dynamodb', 'amazon-dynamodb': 'dynamodb',
  'aws-lambda': 'lambda',
  elasticache: 'redis', 'aws-elasticache': 'redis', 'amazon-elasticache': 'redis',
  nodejs: 'node', 'node.js': 'node', 'express.js': 'express', expressjs: 'express',
  'next.js': 'nextjs', 'nuxt.js': 'nuxt', nuxtjs: 'nuxt',
  'react.js': 'react', reactjs: 'react', 'vue.js': 'vue', vuejs: 'vue',
  golang: 'go', '.net': 'dotnet', 'asp.net': 'dotnet', 'asp.net-core': 'dotnet',
  k8s: 'kubernetes', rabbit: 'rabbitmq', 'apache-kafka': 'kafka',
  'elastic-search': 'elasticsearch',
};

/** The catalogue's name for a technology as written (any case, or a spelling in TECH_ALIASES); undefined for an unknown one. */
export function techName(tech: string): string | undefined {
  const key = tech.toLowerCase();
  if (Object.hasOwn(TECHNOLOGIES, key)) return key;
  return Object.hasOwn(TECH_ALIASES, key) ? TECH_ALIASES[key] : undefined;
}

export interface ProtocolInfo {
  encrypted: boolean;
  /** Authentication the protocol itself provides (mutual TLS authenticates both peers). */
  auth?: AuthMethod;
  /** Request/response protocols can cascade failures; fire-and-forget messaging does not. */
  synchronous: boolean;
  description: string;
}

export const PROTOCOLS: Record<string, ProtocolInfo> = {
  http: { encrypted: false, synchronous: true, description: 'plain HTTP' },
  https: { encrypted: true, synchronous: true, description: 'HTTP over TLS' },
  mtls: { encrypted: true, auth: 'mtls', synchronous: true, description: 'HTTPS with mutual TLS' },
  grpc: { encrypted: false, synchronous: true, description: 'gRPC without TLS' },
  grpcs: { encrypted: true, synchronous: true, description: 'gRPC over TLS' },
  'grpc+mtls': { encrypted: true, auth: 'mtls', synchronous: true, description: 'gRPC with mutual TLS' },
  ws: { encrypted: false, synchronous: true, description: 'plain WebSocket' },
  wss: { encrypted: true, synchronous: true, description: 'WebSocket over TLS' },
  graphql: { encrypted: true, synchronous: true, description: 'GraphQL over HTTPS' },
  tcp: { encrypted: false, synchronous: true, description: 'raw TCP' },
  tls: { encrypted: true, synchronous: true, description: 'TCP over TLS' },
  udp: { encrypted: false, synchronous: false, description: 'raw UDP' },
  sql: { encrypted: false, synchronous: true, description: 'database protocol without TLS' },
  'sql+tls': { encrypted: true, synchronous: true, description: 'database protocol over TLS' },
  postgres: { encrypted: false, synchronous: true, description: 'PostgreSQL wire protocol without TLS' },
  'postgres+tls': { encrypted: true, synchronous: true, description: 'PostgreSQL over TLS' },
  mysql: { encrypted: false, synchronous: true, description: 'MySQL protocol without TLS' },
  'mysql+tls': { encrypted: true, synchronous: true, description: 'MySQL over TLS' },
  mongodb: { encrypted: false, synchronous: true, description: 'MongoDB wire protocol without TLS' },
  'mongodb+tls': { encrypted: true, synchronous: true, description: 'MongoDB over TLS' },
  redis: { encrypted: false, synchronous: true, description: 'Redis protocol without TLS' },
  rediss: { encrypted: true, synchronous: true, description: 'Redis over TLS' },
  memcached: { encrypted: false, synchronous: true, description: 'memcached protocol' },
  amqp: { encrypted: false, synchronous: false, description: 'AMQP without TLS' },
  amqps: { encrypted: true, synchronous: false, description: 'AMQP over TLS' },
  kafka: { encrypted: false, synchronous: false, description: 'Kafka without TLS' },
  'kafka+tls': { encrypted: true, synchronous: false, description: 'Kafka over TLS' },
  mqtt: { encrypted: false, synchronous: false, description: 'MQTT without TLS' },
  mqtts: { encrypted: true, synchronous: false, description: 'MQTT over TLS' },
  smtp: { encrypted: false, synchronous: false, description: 'SMTP without TLS' },
  smtps: { encrypted: true, synchronous: false, description: 'SMTP over TLS' },
  ssh: { encrypted: true, synchronous: true, description: 'SSH' },
  debugger: { encrypted: false, synchronous: true, description: 'a remote debugger (Node.js inspector, JDWP, debugpy, Delve): whoever attaches runs code in the process' },
  rdp: { encrypted: true, synchronous: true, description: 'Remote Desktop Protocol' },
  vnc: { encrypted: false, synchronous: true, description: 'VNC remote desktop' },
  telnet: { encrypted: false, synchronous: true, description: 'Telnet' },
  sftp: { encrypted: true, synchronous: true, description: 'SFTP' },
  ftp: { encrypted: false, synchronous: true, description: 'plain FTP' },
  ldap: { encrypted: false, synchronous: true, description: 'LDAP without TLS' },
  ldaps: { encrypted: true, synchronous: true, description: 'LDAP over TLS' },
  dns: { encrypted: false, synchronous: true, description: 'DNS' },
  nfs: { encrypted: false, synchronous: true, description: 'NFS' },
  smb: { encrypted: false, synchronous: true, description: 'SMB' },
  s3: { encrypted: true, synchronous: true, description: 'S3 API over HTTPS' },
  'cloud-api': { encrypted: true, synchronous: true, description: 'a cloud provider API over HTTPS' },
  ipc: { encrypted: false, synchronous: true, description: 'local inter-process communication' },
  file: { encrypted: false, synchronous: true, description: 'local file access' },
  'in-process': { encrypted: false, synchronous: true, description: 'a call inside one process' },
};

export const AUTH_METHODS = [
  'none', 'session-cookie', 'jwt', 'oauth2', 'oidc', 'saml', 'api-key', 'basic', 'password', 'mtls', 'iam',
  'hmac', 'kerberos', 'ssh-key',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const AUTH_ALIASES: Record<string, AuthMethod> = {
  session: 'session-cookie',
  cookie: 'session-cookie',
  bearer: 'jwt',
  token: 'jwt',
  'db-credentials': 'password',
  credentials: 'password',
  certificate: 'mtls',
  signature: 'hmac',
};

export interface ControlInfo {
  description: string;
}

/**
 * Controls a model may name. A control on an element covers its endpoints; a control on an edge element
 * (gateway, WAF, CDN) covers what lies behind it when every untrusted path passes through it.
 */
export const CONTROLS = {
  authentication: { description: 'callers must authenticate' },
  authorization: { description: 'every request is checked against the caller\'s permissions' },
  'object-level-authorization': { description: 'access to each object is checked against its owner (no IDOR)' },
  mfa: { description: 'multi-factor authentication' },
  'rate-limiting': { description: 'requests per client are limited' },
  'account-lockout': { description: 'accounts lock or slow down after repeated failures' },
  captcha: { description: 'a challenge separates people from bots' },
  waf: { description: 'a web application firewall filters requests' },
  'ddos-protection': { description: 'volumetric attack absorption at the edge' },
  'input-validation': { description: 'input is validated against an allow-list schema' },
  'parameterized-queries': { description: 'queries are built with bound parameters' },
  'output-encoding': { description: 'output is encoded for its context' },
  'content-security-policy': { description: 'a restrictive Content-Security-Policy header' },
  'csrf-protection': { description: 'anti-CSRF tokens or SameSite cookies' },
  'cors-policy': { description: 'a strict CORS allow-list' },
  'generic-errors': { description: 'errors return generic messages; details stay in logs' },
  'generic-responses': { description: 'responses do not reveal whether an account exists' },
  'audit-logging': { description: 'security-relevant actions are logged with the actor' },
  'tamper-evident-logs': { description: 'logs are append-only or signed' },
  'log-sanitization': { description: 'secrets and personal data are masked before logging' },
  'encryption-at-rest': { description: 'stored data is encrypted' },
  'signature-verification': { description: 'incoming messages are signature-checked' },
  'request-signing': { description: 'outgoing requests or events are signed' },
  'replay-protection': { description: 'timestamps or nonces reject replayed messages' },
  'circuit-breaker': { description: 'calls to failing dependencies are cut off' },
  timeouts: { description: 'every outbound call has a timeout' },
  'ip-allowlist': { description: 'only listed source addresses may connect' },
  vpn: { description: 'reachable only through a VPN' },
  'least-privilege': { description: 'runs with the minimum permissions it needs' },
  'secure-cookies': { description: 'session cookies are HttpOnly, Secure and SameSite' },
  'session-management': { description: 'sessions are rotated on login, expire and can be revoked' },
  'short-lived-credentials': { description: 'signed URLs and credentials handed to clients expire within minutes (presigned URLs, SAS links, temporary tokens), each for one object and user' },
  'server-side-validation': { description: 'security-relevant values are recomputed or checked on the server' },
  'file-type-validation': { description: 'uploads are checked by content type and extension allow-list' },
  'malware-scanning': { description: 'uploads are scanned for malware' },
  'separate-origin': { description: 'user content is served from a separate domain' },
  'size-limits': { description: 'request bodies and uploads have size limits' },
  pagination: { description: 'queries and responses are bounded' },
  'secrets-management': { description: 'secrets come from a vault, not config or images' },
  'data-masking': { description: 'sensitive fields are masked in responses' },
  'data-minimization': { description: 'only the fields the recipient needs are sent or returned (no whole records, no free-text payloads)' },
  backups: { description: 'data is backed up and restores are tested' },
  redundancy: { description: 'runs with redundant instances or replicas' },
  autoscaling: { description: 'capacity scales with load' },
  'token-validation': { description: 'tokens are validated (signature, issuer, audience, expiry)' },
  pkce: { description: 'OAuth sign-ins use PKCE (RFC 7636, S256): an intercepted authorization code is useless without the verifier the client kept' },
  'certificate-pinning': { description: 'the peer certificate is pinned' },
  // An SSH client's own check of the server: the protocol authenticates the server only against a key the client knows.
  'host-key-pinning': { description: 'SSH clients know the server\'s host key in advance (known_hosts from an out-of-band fingerprint, StrictHostKeyChecking yes) and refuse any other' },
  hsts: { description: 'HTTP Strict Transport Security' },
  sandboxing: { description: 'runs isolated from the host and other workloads' },
  'image-signing': { description: 'container images are signed and verified' },
  'dependency-pinning': { description: 'dependencies are pinned and come from a private registry' },
  'prompt-isolation': { description: 'untrusted content is kept apart from instructions' },
  'human-approval': { description: 'sensitive actions need a person\'s approval' },
  'security-awareness': { description: 'staff are trained against phishing' },
  // rule library (issue 3)
  'password-hashing': { description: 'passwords are stored with a slow, salted hash (argon2, bcrypt, scrypt)' },
  'secure-password-reset': { description: 'reset tokens are random, single-use, short-lived and sent only to the verified address' },
  'redirect-allowlist': { description: 'redirect targets are checked against an allow-list' },
  'egress-filtering': { description: 'outbound requests may only reach allow-listed destinations' },
  'metadata-protection': { description: 'the cloud metadata service is blocked or needs session tokens (IMDSv2)' },
  'safe-parsers': { description: 'parsers have dangerous features off (XML external entities, polymorphic deserialisation)' },
  'immutable-backups': { description: 'backups are immutable or kept in a separate account' },
  'dead-letter-queue': { description: 'messages that keep failing are moved aside' },
  'protected-branches': { description: 'deployed code needs a reviewed change on a protected branch' },
  'identity-verification': { description: 'staff verify a caller\'s identity before acting on their account' },
  'request-coalescing': { description: 'concurrent cache misses for one key are computed once' },
  'fork-pr-approval': { description: 'workflows from fork pull requests do not run on the pipeline\'s own runners without a maintainer\'s approval of each run' },
  // web cache deception and poisoning: what a CDN or caching proxy may store, and what it keys on
  'cache-control': { description: 'shared caches never store per-user responses (Cache-Control: no-store or private, caching by an allow-list of paths and content types) and key on every input that varies a response' },
} as const satisfies Record<string, ControlInfo>;
export type Control = keyof typeof CONTROLS;

export const ENDPOINT_KINDS = [
  'login', 'register', 'password-reset', 'search', 'upload', 'webhook', 'admin', 'api', 'page', 'health',
  'graphql', 'callback', 'export',
  // rule library (issue 3): server-side URL fetching, redirects, diagnostics
  'fetch', 'redirect', 'debug',
  // A one-time code is guessed, not stuffed from leaked password lists: its own threat (otp-brute-force).
  'otp',
] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

/** Conventional path words imply an endpoint's kind, so `/login` needs no `kind: login`. */
export const ENDPOINT_PATH_HINTS: ReadonlyArray<readonly [RegExp, EndpointKind]> = [
  // Ending a session is no login (`/auth/logout` would otherwise be one, by its `auth`): a plain call.
  [/(^|\/)(log-?out|sign-?out|log-?off)(\.(php|aspx?|jsp))?(\/|$)/i, 'api'],
  // Admin and login words stay words as WordPress, PHP, ASP.NET and JSP name them: `/wp-admin`, `/wp-login.php`,
  // `/admin.php`, `/Login.aspx`, and Joomla's `/administrator` (not `/administrative-regions`).
  [/(^|\/)(wp-)?(admin|administrator|backoffice|back-office|manage|management|console)(\.(php|aspx?|jsp))?(\/|$)/i, 'admin'],
  // A one-time code is checked, not a password: credential stuffing with leaked password lists does not apply;
  // guessing the code does (otp-brute-force). Before `login`, so a route under both (`/login/otp/send`) is the code's.
  [/(^|\/)([\w-]*-)?(otp|totp|hotp|mfa|2fa)(-[\w-]*)?(\/|$)/i, 'otp'],
  [/(^|\/)(wp-login|(login|signin|sign-in|token|session)s?)(\.(php|aspx?|jsp))?(\/|$)/i, 'login'],
  // `/auth` names the login only as the route's own word: under it (`/auth/v2/check-otp`) lie other calls.
  [/(^|\/)auth\/?$/i, 'login'],
  [/(^|\/)(register|registration|signup|sign-up|join)(\/|$)/i, 'register'],
  [/(^|\/)(password|reset|forgot|forget|recover)[\w-]*(\/|$)/i, 'password-reset'],
  [/(^|\/)(search|find|query)(\/|$)/i, 'search'],
  // Only for a method that carries a body, or none stated: GET /files reads (normalize.ts inferEndpointKind).
  [/(^|\/)(upload|uploads|files|attachments|import)(\/|$)/i, 'upload'],
  [/(^|\/)(webhook|webhooks|hooks|notify|ipn)(\/|$)/i, 'webhook'],
  [/(^|\/)(callback|oauth)(\/|$)/i, 'callback'],
  [/(^|\/)graphql(\/|$)/i, 'graphql'],
  [/(^|\/)(debug|_debug|__debug__|actuator|pprof|phpinfo|heapdump)(\/|$)/i, 'debug'],
  [/(^|\/)(fetch|proxy|preview|unfurl|import-url|link-preview)(\/|$)/i, 'fetch'],
  [/(^|\/)(redirect|redir|goto|return-to|returnto)(\/|$)/i, 'redirect'],
  [/(^|\/)(health|healthz|ready|readyz|live|livez|status|metrics)(\/|$)/i, 'health'],
  // Not a route naming one of them (`/exports/{id}/download`): normalize.ts namesOneExport, which repeats these words.
  [/(^|\/)(export|download|report)s?(\/|$)/i, 'export'],
];

export const ASSUMPTION_SCOPES = ['rule', 'element'] as const;
