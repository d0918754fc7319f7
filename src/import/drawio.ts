// Reading a draw.io / diagrams.net diagram (.drawio, .drawio.xml) for `threatmap import`: the shapes and
// arrows of its pages become a threatmap model to review. Pure: no Node APIs; the CLI reads the file and
// hands over an inflater for compressed pages (options.inflate), which a browser caller supplies itself.
//
// Mapping, draw.io -> threatmap (each choice is explained where it is made below):
//   mxfile > diagram[] (pages)            -> one model: every page's cells merged, ids unique across them; a
//                                            compressed page (base64 of raw deflate of URI-encoded XML) is
//                                            inflated by options.inflate; a bare <mxGraphModel> is one page
//   vertex holding other shapes (parent),  -> boundary (nested ones nest); a top-level box drawn around other
//     container=1, swimlane, AWS group      shapes without grouping is one too. Trust and kind: AWS groups by
//                                            icon (public subnet dmz; VPC, private subnet, security group,
//                                            AZ internal network; AWS cloud, region internal cloud), else the
//                                            name: Internet/Public/External untrusted, DMZ dmz, else internal
//   other vertex                           -> element, in the smallest box that holds its centre among its
//                                            own container and the boxes drawn inside it; kind, type and
//                                            technology from its style (SHAPES, AWS, AZURE, GCP below); a
//                                            style not read: a process, with a comment naming the shape
//   part=1 child, list rows (stackLayout)  -> part of its parent shape (a GCP card's icon names the card)
//   text cells, edge labels, unlabelled    -> no element; an edge's labels name its flow and its protocol
//     shapes no arrow touches (decoration)    (HTTPS, gRPC/TLS, 5432); decorations are counted in a note
//   edge source -> target                  -> flow; arrowhead only at the start: target -> source; at both
//                                            ends: one flow from its caller, as its ends say (a flow implies
//                                            its reply), noted; two arrows drawn against each other (two-headed,
//                                            or one from that caller): one flow, noted; at
//                                            neither: as drawn, noted. Protocol:
//                                            the label's, else the target technology's, else http, noted.
//                                            A loose end, or an end on a boundary or a text: a warning, left out
//   external elements in no box            -> an untrusted `outside` boundary
import { YAMLMap, YAMLSeq } from 'yaml';
import { type BoundaryKind, ELEMENT_TYPES, type ElementKind, type ElementType, PROTOCOLS, TECHNOLOGIES, type TrustLevel } from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/types.js';
import {
  connectionWays, type ConnectionFacts, emptyFile, flowItem, headerTail, joinedNote, joinedSummary, joinFacts, type ImportOptions, type ImportResult, keyedEntry, lookup, modelId, neverThrows, outsideEntry, placeholderAsset, section, startModel, STORE_DOES_NOT_CALL, type TwoWayEnd, UNTRUSTED_NAME,
} from './import-common.js';
import { inside, type Rect, within } from './geometry.js';
import { impliedElementType } from '../model/normalize.js';
import { Certainty, guessProtocol, portProtocol, schemeProtocol } from './protocols.js';
import { kid, kids, parseXml, type XmlFormat, type XNode } from './xml.js';

export const DRAWIO_FORMAT = 'draw.io';

export interface DrawioImportSummary {
  /** The draw.io version that saved the file, when the file says. */
  version?: string;
  system: string;
  pages: string[];
  boundaries: number;
  elements: number;
  flows: number;
  /** Things a reviewer should check, one line each. */
  notes: string[];
}

export type DrawioImportResult = ImportResult<DrawioImportSummary>;

const DRAWIO_XML: XmlFormat = {
  doctype: 'a draw.io file has none (an SVG export only SVG 1.1\'s public one)', doctypeHint: 'draw.io never writes one', tooDeep: 'not a diagram draw.io writes (about 8 deep)',
  // draw.io's SVG exports start with SVG 1.1's DOCTYPE.
  doctypeAllowed: /^\s*svg\s+PUBLIC\s+"-\/\/W3C\/\/DTD SVG 1\.1\/\/EN"\s+"http:\/\/www\.w3\.org\/Graphics\/SVG\/1\.1\/DTD\/svg11\.dtd"\s*$/,
};

/** The start of a diagram kept in an SVG's `content` (draw.io writes no XML declaration there; a hand-made file may). */
const EMBEDDED_MXFILE = /^\s*(?:<\?xml[^>]*\?>\s*)?<mxfile[\s>]/;

// --- Styles and labels -------------------------------------------------------------------------------------

interface Style {
  /** Named styles (`ellipse`, `text`, `swimlane`...): the tokens without `=`. */
  names: string[];
  props: Map<string, string>;
}

function parseStyle(text: string | undefined): Style {
  const names: string[] = [];
  const props = new Map<string, string>();
  for (const token of (text ?? '').split(';')) {
    const t = token.trim();
    const eq = t.indexOf('=');
    if (eq > 0) props.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
    else if (t) names.push(t);
  }
  return { names, props };
}

/** The shape drawn: `shape=` when set, else the named style that stands for one (`ellipse;...`, `text;...`). */
const shapeOf = (s: Style): string | undefined => s.props.get('shape') ?? s.names[0];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
function entity(all: string, name: string): string {
  if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? all;
  const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
}

/**
 * A label as text on one line. With `html=1` the value is HTML (`<div>API<br>gateway</div>`): line breaks
 * and block ends become spaces, other tags go, entities are decoded. Without it the value is the text itself,
 * `<` included.
 */
function labelText(value: string | undefined, style: Style): string | undefined {
  if (value === undefined) return undefined;
  const text = style.props.get('html') === '1'
    ? value.replace(/<(?:br|\/?(?:div|p|li|tr|h[1-6]))\b[^>]*>/gi, ' ').replace(/<[^>]*>/g, '').replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, entity)
    : value;
  return text.replace(/\s+/g, ' ').trim() || undefined;
}

// --- Shapes -> kinds, types and technologies ----------------------------------------------------------------

type Hint = { tech?: string; type?: ElementType; kind?: ElementKind; note?: string };
const hintKind = (h: Hint): ElementKind => h.kind ?? ELEMENT_TYPES[h.type ?? TECHNOLOGIES[h.tech!].type].kind;
const FIREWALL: Hint = { kind: 'process', note: 'a firewall in the path: threatmap has no firewall element; put the `waf` control on what it guards, or remove it' };
const INTERNET: Hint = { kind: 'external', note: 'the internet: whoever reaches the system from it' };

/**
 * AWS service names (the `resIcon` of a resource icon, else the shape: `mxgraph.aws4.<name>`, aws3 alike) ->
 * catalog. First match wins: the specific engines before the families that hold them.
 */
const AWS: ReadonlyArray<readonly [RegExp, Hint]> = [
  [/postgres/, { tech: 'postgres' }],
  [/mysql/, { tech: 'mysql' }],
  [/mariadb/, { tech: 'mariadb' }],
  [/sql_server/, { tech: 'mssql' }],
  [/oracle/, { tech: 'oracle' }],
  [/aurora/, { tech: 'aurora', note: 'Aurora is MySQL- or PostgreSQL-compatible, and the icon does not say which: set `tech` to mysql or postgres if the engine matters' }],
  [/dynamo_?db/, { tech: 'dynamodb' }],
  [/redis/, { tech: 'redis' }],
  [/memcached/, { tech: 'memcached' }],
  [/elasticache/, { type: 'cache' }],
  [/^rds|documentdb|neptune|timestream|keyspaces|quantum_ledger|redshift|database|(^|_)db(_|$)/, { type: 'database' }],
  [/(^|_)s3(_|$)|simple_storage_service|bucket/, { tech: 's3' }],
  [/glacier/, { type: 'object-storage' }],
  [/^backup/, { type: 'backups' }],
  [/(^|_)efs(_|$)|elastic_file_system|fsx/, { type: 'file-storage' }],
  [/sqs|simple_queue_service|queue/, { tech: 'sqs' }],
  [/sns|simple_notification_service|topic/, { tech: 'sns' }],
  [/eventbridge|event_bus/, { tech: 'eventbridge' }],
  [/managed_streaming_for_kafka|(^|_)msk(_|$)/, { tech: 'kafka' }],
  [/kinesis/, { type: 'event-bus' }],
  [/^mq$/, { type: 'queue' }],
  [/lambda/, { tech: 'lambda' }],
  [/(^|_)eks(_|$)|elastic_kubernetes/, { tech: 'kubernetes' }],
  [/(^|_)ecs(_|$)|elastic_container_service|fargate/, { tech: 'docker' }],
  [/(^|_)ecr(_|$)|elastic_container_registry/, { tech: 'ecr' }],
  [/api_gateway/, { tech: 'api-gateway' }],
  [/cloudfront/, { tech: 'cloudfront' }],
  [/application_load_balancer/, { tech: 'alb' }],
  [/load_balanc/, { tech: 'elb' }],
  [/cognito/, { tech: 'cognito' }],
  [/secrets_manager/, { tech: 'secrets-manager' }],
  [/key_management|(^|_)kms(_|$)|hsm/, { type: 'secrets-vault' }],
  [/identity_and_access|(^|_)iam(_|$)|single_sign_on|identity_center|directory_service/, { type: 'identity-provider' }],
  [/cloudwatch/, { tech: 'cloudwatch' }],
  [/cloudtrail|(^|_)logs?$/, { type: 'logs' }],
  [/(^|_)ses(_|$)|simple_email_service/, { tech: 'ses' }],
  [/opensearch/, { tech: 'opensearch' }],
  [/elasticsearch/, { tech: 'elasticsearch' }],
  [/codepipeline|codebuild|codedeploy/, { type: 'ci-cd' }],
  [/management_console/, { tech: 'aws-console' }],
  [/bedrock/, { type: 'llm' }],
  [/appsync/, { type: 'api' }],
  [/(^|_)waf(_|$)|shield|firewall/, FIREWALL],
  [/mobile/, { tech: 'mobile-app' }],
  [/user/, { type: 'user' }],
  [/client|desktop|laptop/, { type: 'user-agent' }],
  [/^(internet(_alt\d+)?|globe)$/, INTERNET],
  [/ec2|instance|server|elastic_beanstalk|lightsail|batch/, { type: 'service' }],
];

/** Azure icons (`img/lib/azure2/<group>/<Name>.svg`, older `mscae` images, `mxgraph.azure.*`) -> catalog. */
const AZURE: ReadonlyArray<readonly [RegExp, Hint]> = [
  // Azure Database for PostgreSQL (server, server group): the managed service, set up in Azure.
  [/postgres/, { tech: 'azure-postgres' }],
  // Azure Database for MySQL: the managed service, as PostgreSQL's.
  [/mysql/, { tech: 'azure-mysql' }],
  [/mariadb/, { tech: 'mariadb' }],
  [/redis/, { tech: 'redis' }],
  // Cosmos DB (DocumentDB in the older `mscae` set).
  [/cosmos|documentdb/, { tech: 'cosmosdb' }],
  // SQL Server's engine outside the managed database: on a VM, on an edge device, stretched or registered from
  // premises, and the data warehouse (its transparent data encryption is off until switched on).
  [/(^|_)sql_(server_)?(vm|virtual_machines?|edge)|stretch_database|sql_server_registr|(^|_)sql_data_?warehouse|(^|_)sql_dw(_|$)/, { tech: 'mssql' }],
  // `SQL Server` is Azure SQL's logical server in the Azure set, and on-premises SQL Server in the older one: the engine.
  [/(^|_)sql_servers?$/, { tech: 'mssql', note: 'the SQL Server icon: SQL Server\'s engine assumed; set `tech: azure-sql` if it is an Azure SQL Database server' }],
  // Azure SQL Database, its elastic pools and managed instances: the managed service, encrypted at rest by default.
  [/(^|_)sql/, { tech: 'azure-sql' }],
  [/table_service|database/, { type: 'database' }],
  [/storage_accounts?$/, { tech: 'azure-blob', note: 'a storage account holds blobs, files, queues or tables: blob storage assumed; set `type` if it is another' }],
  [/blob|data_lake_storage/, { tech: 'azure-blob' }],
  [/file_?share|file_service|netapp/, { type: 'file-storage' }],
  [/queue|service_bus/, { type: 'queue' }],
  [/event_hub|event_grid/, { type: 'event-bus' }],
  [/function/, { type: 'function' }],
  [/kubernetes|(^|_)aks(_|$)/, { tech: 'kubernetes' }],
  [/container_instances|container_apps/, { tech: 'docker' }],
  [/container_registr/, { type: 'container-registry' }],
  // The managed services, as on AWS (`api-gateway`, `alb`): API Management ends its backend calls at a timeout of its own.
  [/api_management/, { tech: 'azure-api-management' }],
  [/application_gateway/, { tech: 'azure-application-gateway' }],
  [/load_balancer/, { tech: 'azure-load-balancer' }],
  [/traffic_manager/, { type: 'load-balancer' }],
  [/front_door|cdn/, { type: 'cdn' }],
  [/key_vault/, { type: 'secrets-vault' }],
  [/active_directory|entra|(^|_)b2c(_|$)/, { type: 'identity-provider' }],
  [/log_analytics|application_insights|monitor/, { type: 'logs' }],
  [/firewall|(^|_)waf(_|$)|ddos/, FIREWALL],
  [/logic_app|data_factory|batch/, { type: 'worker' }],
  [/app_service|virtual_machine|(^|_)vm(_|$)|scale_set|cloud_service/, { type: 'service' }],
  [/browser/, { tech: 'browser' }],
  [/mobile|phone/, { tech: 'mobile-app' }],
  [/user/, { type: 'user' }],
  [/computer|laptop|desktop/, { type: 'user-agent' }],
  [/iot|device/, { type: 'device' }],
];

/** Google Cloud icons (`mxgraph.gcp2.hexIcon;prIcon=<name>`, `mxgraph.gcp2.<name>`) -> catalog. */
const GCP: ReadonlyArray<readonly [RegExp, Hint]> = [
  [/cloud_sql/, { type: 'database', note: 'Cloud SQL runs MySQL, PostgreSQL or SQL Server, and the icon does not say which: set `tech`' }],
  [/memorystore|memcache/, { type: 'cache' }],
  [/spanner|bigtable|datastore|firestore|bigquery|database/, { type: 'database' }],
  [/cloud_storage|bucket/, { tech: 'gcs' }],
  [/filestore|persistent_disk|file_system/, { type: 'file-storage' }],
  [/pubsub/, { tech: 'pub-sub' }],
  [/cloud_tasks|task_queues/, { type: 'queue' }],
  [/cloud_functions/, { tech: 'cloud-functions' }],
  [/kubernetes|container_engine|gke/, { tech: 'kubernetes' }],
  [/cloud_run/, { tech: 'docker' }],
  [/load_balanc/, { tech: 'gcp-load-balancer' }],
  [/cloud_cdn|edge_cache/, { type: 'cdn' }],
  // Apigee and API Gateway are managed; Cloud Endpoints' proxy (ESP) runs in our own containers: a gateway we run.
  [/apigee/, { tech: 'apigee' }],
  [/api_gateway/, { tech: 'gcp-api-gateway' }],
  [/endpoints/, { type: 'gateway' }],
  [/key_management|secret_manager/, { type: 'secrets-vault' }],
  [/cloud_iam|identity_platform/, { type: 'identity-provider' }],
  [/logging|logs/, { type: 'logs' }],
  [/container_registry|artifact_registry/, { type: 'container-registry' }],
  [/container_builder|cloud_build/, { type: 'ci-cd' }],
  [/cloud_armor|firewall/, FIREWALL],
  [/compute_engine|app_engine|application_system|gpu/, { type: 'service' }],
  [/mobile|phone/, { tech: 'mobile-app' }],
  [/user/, { type: 'user' }],
  [/laptop|desktop/, { type: 'user-agent' }],
];

/** draw.io's own shapes, as the data flow diagram notation reads them. */
const SHAPES: Record<string, Hint> = {
  actor: { type: 'user' }, umlActor: { type: 'user' },
  cloud: { kind: 'external', note: 'a cloud shape: a system outside, which the drawing does not name; set `type` (third-party...)' },
  'mxgraph.dfd.externalEntity': { kind: 'external' },
  ellipse: { kind: 'process' }, doubleEllipse: { kind: 'process' },
  cylinder: { kind: 'store' }, cylinder2: { kind: 'store' }, cylinder3: { kind: 'store' }, datastore: { kind: 'store' },
  'mxgraph.flowchart.database': { kind: 'store' }, 'mxgraph.flowchart.stored_data': { kind: 'store' },
  'mxgraph.dfd.dataStoreID': { kind: 'store' }, 'mxgraph.dfd.archive': { kind: 'store' },
};
/** A box and nothing more: read as a process (draw.io's DFD palette offers it for processes and entities alike). */
const PLAIN = new Set(['rect', 'rectangle', 'label', 'process', 'mxgraph.flowchart.process', 'mxgraph.basic.rect', 'swimlane']);

/** Technologies an icon names without the engine (Aurora runs MySQL or PostgreSQL): a label may still name it. */
const ENGINE_UNSAID = new Set(['aurora']);

/** Words of a label that name a catalog technology by another name. */
const LABEL_TECHS: Record<string, string> = {
  postgresql: 'postgres', mongo: 'mongodb', 'sql-server': 'mssql', 'cosmos-db': 'cosmosdb', 'node.js': 'node', nodejs: 'node', golang: 'go',
  elastic: 'elasticsearch', 'hashicorp-vault': 'vault', 'api-management': 'azure-api-management', 'application-gateway': 'azure-application-gateway',
};
/** Technologies whose names are also everyday words on a diagram ("node 1", "Docker host", "SMTP"): not read from a label. */
const PLAIN_WORDS = new Set(['node', 'go', 'docker', 'kubernetes', 'smtp', 'llm-agent', 'elk']);

/**
 * The one catalog technology a label names (`Orders DB (PostgreSQL)`, `Redis cache`, `API Gateway`), when the
 * shape allows it: a plain box takes any, another shape only one of its own kind and type. Two named, or
 * none: undefined, and the shape's reading stands.
 */
function labelTech(label: string | undefined, read: ShapeRead): string | undefined {
  if (label === undefined) return undefined;
  const words = label.toLowerCase().split(/[^a-z0-9.]+/).map((w) => w.replace(/^\.+|\.+$/g, '')).filter(Boolean);
  const found = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    for (const word of i + 1 < words.length ? [words[i], `${words[i]}-${words[i + 1]}`] : [words[i]]) {
      const tech = lookup(LABEL_TECHS, word) ?? (lookup(TECHNOLOGIES, word) !== undefined && !PLAIN_WORDS.has(word) ? word : undefined);
      if (tech !== undefined) found.add(tech);
    }
  }
  if (found.size !== 1) return undefined;
  const [tech] = found;
  const type = TECHNOLOGIES[tech].type;
  if (read.plain) return tech;
  return ELEMENT_TYPES[type].kind === read.kind && (read.type === undefined || read.type === type) ? tech : undefined;
}

interface ShapeRead {
  /** How a note names it: `AWS ec2`, `Azure SQL_Database`, `cylinder3`, `box`. */
  label: string;
  /** A name for an unlabelled shape. */
  name: string;
  kind: ElementKind; type?: ElementType; tech?: string;
  /** A plain box: a process by default, said once in the header rather than on each. */
  plain?: boolean;
  notes: string[];
}

/** The cloud vendor's icon a style draws: the service as written (`raw`) and lower-case with underscores. */
function vendorIcon(s: Style): { vendor: 'AWS' | 'Azure' | 'GCP'; service: string; raw: string } | undefined {
  const shape = s.props.get('shape') ?? '';
  const norm = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const aws = /^mxgraph\.aws\d*\.(.+)$/.exec(shape);
  if (aws) {
    const icon = /^(resourceIcon|productIcon)$/.test(aws[1]) ? (s.props.get('resIcon') ?? s.props.get('prIcon') ?? '').replace(/^mxgraph\.aws\d*\./, '') : aws[1];
    return { vendor: 'AWS', service: norm(icon), raw: icon };
  }
  const image = /img\/lib\/(?:azure2|mscae)\/(?:.*\/)?([^/]+?)\.svg$/i.exec(s.props.get('image') ?? '');
  const azure = image?.[1] ?? /^mxgraph\.(?:azure|mscae)\d*\.(.+)$/.exec(shape)?.[1];
  if (azure) return { vendor: 'Azure', service: norm(azure), raw: azure };
  const gcp = /^mxgraph\.gcp\d*\.(.+)$/.exec(shape)?.[1];
  if (gcp) {
    const icon = gcp === 'hexIcon' ? (s.props.get('prIcon') ?? gcp) : gcp;
    return { vendor: 'GCP', service: norm(icon), raw: icon };
  }
  return undefined;
}

/**
 * What a shape's style says of the element: a catalog technology where the icon names one the catalog has,
 * else a type, else a kind. Never a technology the catalog lacks: that would be a warning in every model.
 */
function readShape(s: Style): ShapeRead {
  const icon = vendorIcon(s);
  if (icon) {
    const table = icon.vendor === 'AWS' ? AWS : icon.vendor === 'Azure' ? AZURE : GCP;
    const hint = table.find(([re]) => re.test(icon.service))?.[1];
    const label = `${icon.vendor} ${icon.raw}`;
    const name = icon.raw.replace(/_/g, ' ');
    if (!hint) return { label, name, kind: 'process', notes: [`${label}: a shape threatmap does not read; a process assumed, set \`kind\` or \`type\``] };
    const notes = hint.note ? [hint.note] : !hint.tech && hint.type ? [`${label}: the catalog has no technology for it; type ${hint.type} from the icon`] : [];
    return { label, name, kind: hintKind(hint), ...(hint.type ? { type: hint.type } : {}), ...(hint.tech ? { tech: hint.tech } : {}), notes };
  }
  const shape = shapeOf(s);
  // DFD data store: two lines, an open rectangle.
  if (shape === 'partialRectangle' && (s.props.get('left') === '0' || s.props.get('right') === '0')) {
    return { label: 'data store (open rectangle)', name: 'store', kind: 'store', notes: [] };
  }
  const hint = shape === undefined ? undefined : lookup(SHAPES, shape);
  if (hint) return { label: shape!, name: hintKind(hint), kind: hintKind(hint), ...(hint.type ? { type: hint.type } : {}), notes: hint.note ? [hint.note] : [] };
  if (shape === undefined || PLAIN.has(shape) || (shape === 'image' && !s.props.get('image'))) {
    return { label: 'box', name: 'process', kind: 'process', plain: true, notes: [] };
  }
  const label = shape === 'image' ? `image ${(s.props.get('image') ?? '').replace(/^data:([^;,]*)[;,].*$/, 'data:$1')}` : shape;
  return { label, name: 'process', kind: 'process', notes: [`shape ${label}: not one threatmap reads; a process assumed, set \`kind\` or \`type\``] };
}

// --- Containers -> boundaries ------------------------------------------------------------------------------

/** AWS group icons (`grIcon=mxgraph.aws4.group_*`) -> the zone they draw. */
const AWS_GROUPS: Record<string, { kind: BoundaryKind; trust: TrustLevel; what: string }> = {
  group_public_subnet: { kind: 'network', trust: 'dmz', what: 'an AWS public subnet' },
  group_private_subnet: { kind: 'network', trust: 'internal', what: 'an AWS private subnet' },
  group_security_group: { kind: 'network', trust: 'internal', what: 'an AWS security group' },
  group_vpc: { kind: 'network', trust: 'internal', what: 'an AWS VPC' },
  group_vpc2: { kind: 'network', trust: 'internal', what: 'an AWS VPC' },
  group_subnet: { kind: 'network', trust: 'internal', what: 'an AWS subnet' },
  group_availability_zone: { kind: 'network', trust: 'internal', what: 'an AWS availability zone' },
  group_aws_cloud: { kind: 'cloud', trust: 'internal', what: 'the AWS cloud' },
  group_aws_cloud_alt: { kind: 'cloud', trust: 'internal', what: 'the AWS cloud' },
  group_region: { kind: 'cloud', trust: 'internal', what: 'an AWS region' },
  group_account: { kind: 'cloud', trust: 'internal', what: 'an AWS account' },
};
/** draw.io's AWS palette draws both subnets with the security-group icon; their fill colour tells them apart. */
const PUBLIC_SUBNET_FILL = /^#(E9F3E6|F2F6E8)$/i;
const PRIVATE_SUBNET_FILL = /^#(E6F2F8|E6F6F7)$/i;
/** "Public subnet" is the DMZ of a VPC and "public cloud" where one's own services run: neither is the internet. */
const outsideName = (name: string) => UNTRUSTED_NAME.test(name.replace(/\bpublic[- ](cloud|subnet)\b/gi, ''));

/** A box's trust and kind, the note that says why, and what it is called when it has no name of its own. */
function zoneOf(s: Style, name: string | undefined): { kind: BoundaryKind; trust: TrustLevel; note: string; label: string; unnamed: string } {
  const icon = (s.props.get('grIcon') ?? '').replace(/^mxgraph\.aws\d*\./, '');
  const fill = s.props.get('fillColor') ?? '';
  const subnet = icon === 'group_security_group' && (/\bpublic\b/i.test(name ?? '') || PUBLIC_SUBNET_FILL.test(fill)) ? 'group_public_subnet'
    : icon === 'group_security_group' && (/\bprivate\b/i.test(name ?? '') || PRIVATE_SUBNET_FILL.test(fill)) ? 'group_private_subnet' : icon;
  const aws = lookup(AWS_GROUPS, subnet);
  const label = icon ? `AWS ${icon}` : shapeOf(s) ?? 'box';
  const unnamed = aws?.what.replace(/^(an?|the) /, '') ?? 'boundary';
  const words = name ?? '';
  if (aws?.trust === 'dmz' || /\bpublic[- ]subnet\b|\bdmz\b/i.test(words)) {
    return { kind: 'network', trust: 'dmz', note: `dmz: ${aws?.trust === 'dmz' ? aws.what : 'its name says so'}`, label, unnamed };
  }
  if (outsideName(words)) return { kind: aws?.kind ?? 'network', trust: 'untrusted', note: 'untrusted: its name says it is outside', label, unnamed };
  if (aws) return { kind: aws.kind, trust: aws.trust, note: `${aws.trust}: ${aws.what}`, label, unnamed };
  // A box's name is all there is: a provider's zone is a cloud one, a cluster's a container one.
  const kind: BoundaryKind = /\b(aws|azure|gcp|google cloud|cloud|region|account|subscription|tenant|project)\b/i.test(words) ? 'cloud'
    : /\b(kubernetes|k8s|cluster|namespace|pod|containers?|docker)\b/i.test(words) ? 'container' : 'network';
  const why = icon ? `${label} is not an AWS group threatmap knows` : 'draw.io states no trust';
  return { kind, trust: 'internal', note: `internal assumed: ${why}; check it`, label, unnamed };
}

// --- The parts, as read ------------------------------------------------------------------------------------

interface Page {
  name: string;
  /** Its <diagram> in the file (the <svg> of an SVG export): where diagnostics about a page read apart point. */
  at: { line: number; col: number };
  /** Read apart from the file's own text, so positions are in the page's XML: `compressed`, or `in the SVG`. */
  apart?: string;
}

type Role = 'layer' | 'edge' | 'label' | 'part' | 'text' | 'group' | 'box' | 'element' | 'decoration';
interface Cell {
  id: string; page: Page; node: XNode; style: Style; parent?: string; source?: string; target?: string;
  /** `visible="0"`: a hidden layer or shape. */
  hidden?: boolean;
  vertex: boolean; edge: boolean; label?: string;
  /** Geometry relative to the parent, for vertices placed absolutely within it. */
  geo?: Rect;
  role: Role;
  /** Geometry on the page. */
  abs?: Rect;
}
interface Element {
  cell: Cell; id: string; name?: string; shape: ShapeRead; in?: Box; notes: string[];
}
interface Box {
  cell: Cell; id: string; name?: string; rect?: Rect; kind: BoundaryKind; trust: TrustLevel; notes: string[]; label: string; in?: Box;
}
interface FlowOut {
  cell: Cell; from: Element; to: Element; name?: string; protocol: string; notes: string[]; id?: string;
  /** The arrow's labels name its protocol (else `protocolNote` says what was assumed). */
  protocolStated: boolean; protocolNote?: string;
}

const num = (v: string | undefined, fallback: number) => {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
};

// --- Import ------------------------------------------------------------------------------------------------

/** What an empty file should have held, for its message. */
const DRAWIO_EXPECTED = 'a draw.io diagram (XML with an `mxfile` or `mxGraphModel` root)';

/**
 * A draw.io diagram as a threatmap model. Never throws: XML errors, a file that is not a draw.io diagram and a
 * compressed page that cannot be read are errors (no text); cells that cannot be used are warnings with
 * their line:col and are left out. Deterministic: the file's order.
 */
export function importDrawio(text: string, file: string, options: ImportOptions = {}): DrawioImportResult {
  return neverThrows(file, () => importUnsafe(text, file, options));
}

function importUnsafe(text: string, file: string, options: ImportOptions): DrawioImportResult {
  const empty = emptyFile(text, file, DRAWIO_EXPECTED);
  if (empty) return { diagnostics: [empty] };
  const diagnostics: Diagnostic[] = [];
  const problem = (severity: 'error' | 'warning', code: string, at: { line: number; col: number }, message: string, hint?: string) =>
    diagnostics.push({ severity, code, message, file, line: at.line, col: at.col, path: '', ...(hint ? { hint } : {}) });
  const done = (): DrawioImportResult => ({ diagnostics: sortDiagnostics(diagnostics) });

  const parsed = parseXml(text, DRAWIO_XML);
  if ('problem' in parsed) {
    const { code, message, hint, ...at } = parsed.problem;
    problem('error', code, at, message, hint);
    return done();
  }
  // A .drawio.svg (draw.io's "editable SVG") keeps the whole diagram, escaped, in its root's `content`.
  const svg = parsed.root.name === 'svg' && EMBEDDED_MXFILE.test(parsed.root.attrs.content ?? '') ? parsed.root : undefined;
  const embedded = svg && parseXml(svg.attrs.content, DRAWIO_XML);
  if (embedded && 'problem' in embedded) {
    const { code, message, line, col, hint } = embedded.problem;
    problem('error', code, svg, `the diagram in the SVG's content attribute, ${line}:${col} of its XML: ${message}`, hint);
    return done();
  }
  const root = embedded ? embedded.root : parsed.root;
  if (root.name !== 'mxfile' && root.name !== 'mxGraphModel') {
    problem('error', 'not-drawio', root, `not a draw.io diagram: expected an \`mxfile\` or \`mxGraphModel\` root element, found \`${root.name}\``,
      'threatmap import reads .drawio files as draw.io and diagrams.net save them, and .drawio.svg files saved with the diagram in them');
    return done();
  }

  // Pages: each <diagram> holds its graph inline or compressed; a bare <mxGraphModel> is a page of its own.
  const pages: Array<{ page: Page; model?: XNode }> = [];
  const apart = svg ? 'in the SVG' : undefined;
  if (root.name === 'mxGraphModel') pages.push({ page: { name: 'page 1', at: root, ...(apart ? { apart } : {}) }, model: root });
  kids(root, 'diagram').forEach((d, i) => {
    const page: Page = { name: d.attrs.name?.trim() || `page ${i + 1}`, at: svg ?? d, ...(apart ? { apart } : {}) };
    const inline = kid(d, 'mxGraphModel');
    const data = d.text.trim();
    if (inline || !data) {
      pages.push({ page, ...(inline ? { model: inline } : {}) });
      return;
    }
    page.apart = svg ? 'compressed, in the SVG' : 'compressed';
    // In an SVG, the <diagram> is in the content attribute's XML, not the file: the problem is the SVG's.
    const at = page.at;
    if (!options.inflate) {
      problem('error', 'compressed-page', at, `page "${page.name}" is compressed (deflate and base64) and nothing was given to inflate it`,
        'the threatmap CLI inflates compressed pages; a library caller passes options.inflate (raw deflate), '
        + 'or saves the file uncompressed in draw.io (File > Properties > Compressed off)');
      return;
    }
    const xml = inflatePage(data, options.inflate);
    if ('error' in xml) {
      problem('error', 'bad-compressed-page', at, `page "${page.name}": ${xml.error}`);
      return;
    }
    const inner = parseXml(xml.text, DRAWIO_XML);
    if ('problem' in inner) {
      const { code, message, line, col, hint } = inner.problem;
      problem('error', code, at, `page "${page.name}" (compressed), ${line}:${col} of its XML: ${message}`, hint);
      return;
    }
    if (inner.root.name !== 'mxGraphModel') {
      problem('error', 'not-drawio', at, `page "${page.name}" (compressed): expected an \`mxGraphModel\`, found \`${inner.root.name}\``);
      return;
    }
    pages.push({ page, model: inner.root });
  });
  if (root.name === 'mxfile' && !kids(root, 'diagram').length) {
    problem('error', 'no-pages', svg ?? root, `an \`mxfile\`${svg ? ' (in the SVG)' : ''} without any \`diagram\`: nothing to import`);
  }
  if (diagnostics.length) return done();

  // Positions: in the file for a page stored inline; for one read apart (compressed, or in an SVG), in its
  // own XML, and a diagnostic points at its <diagram> (or the <svg>) in the file and names the position inside.
  const at = (c: Cell) => (c.page.apart ? c.page.at : c.node);
  const inPage = (c: Cell) => (c.page.apart ? `page "${c.page.name}" (${c.page.apart}), ${c.node.line}:${c.node.col} of its XML` : `page "${c.page.name}"`);
  const where = (c: Cell, what: string) => (c.page.apart
    ? `${file} page "${c.page.name}" (${c.page.apart}) ${c.node.line}:${c.node.col} cell ${c.id} ${what}`
    : `${file}:${c.node.line}:${c.node.col} page "${c.page.name}" cell ${c.id} ${what}`);
  const warn = (c: Cell, code: string, message: string) => problem('warning', code, at(c), `${inPage(c)}: ${message}`);

  // Cells, in file order. A cell with properties of its own is wrapped in <object> or <UserObject>, which
  // then carries its id and label.
  const cells: Cell[] = [];
  const pageCells = new Map<Page, Map<string, Cell>>();
  for (const { page, model } of pages) {
    const byId = new Map<string, Cell>();
    pageCells.set(page, byId);
    for (const n of kids(kid(model, 'root'))) {
      const wrapped = n.name === 'object' || n.name === 'UserObject';
      const m = wrapped ? kid(n, 'mxCell') : n.name === 'mxCell' ? n : undefined;
      if (!m) continue;
      const style = parseStyle(m.attrs.style);
      const id = n.attrs.id;
      const c: Cell = {
        id: id ?? '', page, node: n, style, vertex: m.attrs.vertex === '1', edge: m.attrs.edge === '1', role: 'layer',
        ...(m.attrs.parent ? { parent: m.attrs.parent } : {}), ...(m.attrs.source ? { source: m.attrs.source } : {}),
        ...(m.attrs.target ? { target: m.attrs.target } : {}), ...(m.attrs.visible === '0' ? { hidden: true } : {}),
      };
      const value = wrapped ? n.attrs.label : m.attrs.value;
      // Placeholders (`%name%`) take the object's own properties.
      const filled = wrapped && n.attrs.placeholders === '1' ? value?.replace(/%([\w-]+)%/g, (all, k: string) => (Object.hasOwn(n.attrs, k) ? n.attrs[k] : all)) : value;
      const label = labelText(filled, style);
      if (label) c.label = label;
      const g = kid(m, 'mxGeometry');
      if (g && g.attrs.relative !== '1') c.geo = { x: num(g.attrs.x, 0), y: num(g.attrs.y, 0), w: num(g.attrs.width, 0), h: num(g.attrs.height, 0) };
      if (!id) {
        if (c.vertex || c.edge) warn(c, 'missing-id', 'a cell without an id is left out: no arrow can refer to it');
        continue;
      }
      if (byId.has(id)) {
        warn(c, 'duplicate-id', `cell \`${id}\` appears twice in one page; the second is left out`);
        continue;
      }
      byId.set(id, c);
      cells.push(c);
    }
  }

  // Roles. An edge's own vertices are its labels; `part=1` children and the rows of a list (a UML class, a
  // table) are pieces of their shape; text cells annotate; a group (draw.io's Group) only gathers.
  const cellOf = (c: Cell, id: string | undefined) => (id === undefined ? undefined : pageCells.get(c.page)!.get(id));
  const parentOf = (c: Cell) => cellOf(c, c.parent);
  // A hidden layer (or shape) and all it holds are not in the drawing people see: left out, and said so.
  const isHidden = (c: Cell): boolean => {
    for (let x: Cell | undefined = c, n = 0; x && n < 64; x = parentOf(x), n++) if (x.hidden) return true;
    return false;
  };
  const hiddenCells = cells.filter(isHidden);
  const hiddenLayers = hiddenCells.filter((c) => !c.vertex && !c.edge && c.hidden).map((c) => `${c.label ?? c.id} (${c.page.name})`);
  const hiddenShapes = hiddenCells.filter((c) => c.vertex || c.edge).length;
  for (const c of hiddenCells) pageCells.get(c.page)!.delete(c.id);
  const shown = cells.filter((c) => !c.hidden && !hiddenCells.includes(c));
  cells.length = 0;
  cells.push(...shown);
  const children = new Map<Cell, Cell[]>();
  for (const c of cells) {
    const p = parentOf(c);
    if (p) children.set(p, [...(children.get(p) ?? []), c]);
  }
  const isList = (c: Cell) => /^(stackLayout|tableLayout)$/.test(c.style.props.get('childLayout') ?? '') || /^table(Row)?$/.test(shapeOf(c.style) ?? '');
  for (const c of cells) {
    const p = parentOf(c);
    const shape = shapeOf(c.style);
    if (c.edge) c.role = 'edge';
    else if (!c.vertex) c.role = 'layer';
    else if (p?.edge) c.role = 'label';
    else if (p?.vertex && (c.style.props.get('part') === '1' || isList(p))) c.role = 'part';
    else if (shape === 'text' || shape === 'edgeLabel') c.role = 'text';
    else if (shape === 'group') c.role = 'group';
    else c.role = 'element';
  }
  const touched = new Set<Cell>();
  const ownerOf = (c: Cell): Cell => {
    for (let o = c, n = 0; n < 64; n++) {
      const p = parentOf(o);
      if (o.role !== 'part' || !p) return o;
      o = p;
    }
    return c;
  };
  for (const c of cells) {
    if (c.role !== 'edge') continue;
    for (const end of [cellOf(c, c.source), cellOf(c, c.target)]) if (end) touched.add(ownerOf(end));
  }
  // A shape that holds shapes is a container; so is one styled as a container. An unlabelled shape that no
  // arrow touches and that holds nothing is decoration (a logo in a corner), not part of the system.
  const holds = (c: Cell, seen = 0): boolean => seen < 64 && (children.get(c) ?? []).some((k) =>
    (k.role === 'element' || k.role === 'box' || k.role === 'group') && (k.label !== undefined || touched.has(k) || holds(k, seen + 1)));
  const zoneStyled = (c: Cell) => !isList(c) && (c.style.props.get('container') === '1' || /^(swimlane|mxgraph\.aws\d*\.group(Center)?)$/.test(shapeOf(c.style) ?? ''));
  const partLabel = (c: Cell) => (children.get(c) ?? []).find((k) => k.role === 'part' && k.label)?.label;
  for (const c of cells) {
    if (c.role !== 'element') continue;
    if (zoneStyled(c) || holds(c)) c.role = 'box';
    else if (!c.label && !partLabel(c) && !touched.has(c)) c.role = 'decoration';
  }
  // Geometry on the page: a child's is relative to its parent's top-left corner.
  const absOf = (c: Cell, depth = 0): Rect | undefined => {
    if (c.abs || !c.geo || depth > 64) return c.abs ?? undefined;
    const p = parentOf(c);
    const base = p?.vertex ? absOf(p, depth + 1) : { x: 0, y: 0, w: 0, h: 0 };
    if (base) c.abs = { x: base.x + c.geo.x, y: base.y + c.geo.y, w: c.geo.w, h: c.geo.h };
    return c.abs;
  };
  for (const c of cells) absOf(c);
  // A top-level plain box drawn around other top-level shapes, not grouped with them: a zone all the same.
  const topLevel = cells.filter((c) => c.abs && !parentOf(c)?.vertex && (c.role === 'element' || c.role === 'box'));
  const drawnAround = new Set<Cell>();
  for (const c of topLevel) {
    if (c.role === 'element' && readShape(c.style).plain && topLevel.some((o) => o !== c && o.page === c.page && within(o.abs!, c.abs!))) drawnAround.add(c);
  }
  for (const c of drawnAround) c.role = 'box';

  const taken = new Set<string>();
  const notes: string[] = [];
  const nameOf = (c: Cell) => c.label ?? partLabel(c);

  // Elements first: they keep the names they were drawn with; boxes give way (the namespace is shared).
  const elements: Element[] = [];
  const elementOf = new Map<Cell, Element>();
  for (const c of cells) {
    if (c.role !== 'element') continue;
    const shape = readShape(c.style);
    // A card whose own style says nothing (a GCP card's white box) is what its icon part says.
    const part = shape.plain ? (children.get(c) ?? []).find((k) => k.role === 'part' && vendorIcon(k.style)) : undefined;
    const drawn = part ? readShape(part.style) : shape;
    const name = nameOf(c);
    // The label may name what the shape cannot (a cylinder labelled PostgreSQL; Aurora's engine).
    const named = drawn.tech === undefined || ENGINE_UNSAID.has(drawn.tech) ? labelTech(name, drawn) : undefined;
    const read: ShapeRead = named === undefined ? drawn : {
      ...drawn, tech: named, type: undefined, kind: ELEMENT_TYPES[TECHNOLOGIES[named].type].kind, plain: false,
      notes: [`${named} from the label`, ...drawn.notes.filter((n) => !/set `tech`|the catalog has no technology|a process assumed|engine/.test(n))],
    };
    const e: Element = { cell: c, id: modelId('', name ?? read.name, read.kind, taken), shape: read, notes: [...read.notes], ...(name ? { name } : {}) };
    elements.push(e);
    elementOf.set(c, e);
  }
  const boxes: Box[] = [];
  const boxOf = new Map<Cell, Box>();
  for (const c of cells) {
    if (c.role !== 'box') continue;
    const name = nameOf(c);
    const zone = zoneOf(c.style, name);
    const b: Box = {
      cell: c, id: modelId('', name ?? zone.unnamed, 'boundary', taken), kind: zone.kind, trust: zone.trust, label: zone.label,
      notes: [zone.note, ...(drawnAround.has(c) ? ['a box drawn around other shapes without holding them: read as a boundary'] : [])],
      ...(name ? { name } : {}), ...(c.abs ? { rect: c.abs } : {}),
    };
    boxes.push(b);
    boxOf.set(c, b);
  }

  // Where a shape is: the box that holds it in the file (its parent, through groups), or, when the drawing
  // was not grouped, the smallest box drawn inside that one (or on the page, for a top-level shape) that
  // holds it: its centre for an element, all of it for a box. A reader sees a shape where it is drawn.
  const boxAbove = (c: Cell): Box | undefined => {
    for (let p = parentOf(c), n = 0; p && n < 64; p = parentOf(p), n++) {
      const b = boxOf.get(p);
      if (b) return b;
      if (p.role !== 'group') return undefined;
    }
    return undefined;
  };
  const isUnder = (c: Cell, ancestor: Cell) => {
    for (let p = parentOf(c), n = 0; p && n < 64; p = parentOf(p), n++) if (p === ancestor) return true;
    return false;
  };
  const holder = (c: Cell, fits: (r: Rect) => boolean): { box?: Box; drawn: boolean } => {
    const structural = boxAbove(c);
    const candidates = c.abs ? boxes.filter((b) => b.cell !== c && b.cell.page === c.page && b.rect && fits(b.rect) && !isUnder(b.cell, c)
      && (!structural || b === structural || isUnder(b.cell, structural.cell))) : [];
    const box = candidates.reduce<Box | undefined>((s, b) => (!s || b.rect!.w * b.rect!.h < s.rect!.w * s.rect!.h ? b : s), undefined) ?? structural;
    return { ...(box ? { box } : {}), drawn: box !== structural };
  };
  // A box in a strictly larger one: two boxes drawn one on the other do not hold each other.
  for (const b of boxes) b.in = holder(b.cell, (r) => within(b.rect!, r) && r.w * r.h > b.rect!.w * b.rect!.h).box;
  // Only a file whose cells are their own ancestors nests boxes in a ring; the ring is cut where it closes.
  for (const b of boxes) {
    const seen = new Set<Box>([b]);
    for (let p = b.in; p; p = p.in) {
      if (seen.has(p)) {
        warn(b.cell, 'parent-cycle', `cell \`${b.cell.id}\` is inside itself through its parents; \`${b.id}\` is placed in no boundary`);
        b.in = undefined;
        break;
      }
      seen.add(p);
    }
  }
  for (const e of elements) {
    const r = e.cell.abs;
    const placed = holder(e.cell, (box) => !!r && inside({ x: r.x + r.w / 2, y: r.y + r.h / 2 }, box));
    e.in = placed.box;
    if (placed.drawn && placed.box) e.notes.push(`drawn inside \`${placed.box.id}\` without being grouped into it: placed there by where it is drawn`);
  }

  // Edges -> flows.
  const labelsOf = new Map<Cell, string[]>();
  for (const c of cells) {
    const p = parentOf(c);
    if (c.role === 'label' && p && c.label) labelsOf.set(p, [...(labelsOf.get(p) ?? []), c.label]);
  }
  const flows: FlowOut[] = [];
  const pairs = new Set<string>();
  const edges: Array<{ c: Cell; source: Element; target: Element; head: boolean; tail: boolean }> = [];
  for (const c of cells) {
    if (c.role !== 'edge') continue;
    const end = (which: 'source' | 'target'): Element | undefined => {
      const ref = c[which];
      if (ref === undefined) {
        warn(c, 'missing-reference', `an arrow whose ${which} is attached to no shape (a loose end) is left out`);
        return undefined;
      }
      const t = cellOf(c, ref);
      if (!t) {
        warn(c, 'unknown-reference', `no cell of this page has id \`${ref}\`; this arrow is left out`);
        return undefined;
      }
      const o = ownerOf(t);
      const e = elementOf.get(o);
      if (e) return e;
      const b = boxOf.get(o);
      if (b) warn(c, 'edge-to-boundary', `an arrow whose ${which} is the boundary \`${b.id}\`, not a shape in it, is left out: a flow runs between elements`);
      else warn(c, 'edge-to-non-element', `an arrow whose ${which} is ${NOT_SHAPES[o.role] ?? 'not a shape'} (cell ${o.id}) is left out: a flow runs between elements`);
      return undefined;
    };
    const source = end('source');
    const target = end('target');
    if (!source || !target) continue;
    if (source === target) {
      warn(c, 'self-flow', `an arrow from \`${source.id}\` to itself is left out`);
      continue;
    }
    const arrow = (key: string, unset: string) => !/^(none|)$/.test(c.style.props.get(key) ?? unset);
    edges.push({ c, source, target, head: arrow('endArrow', 'classic'), tail: arrow('startArrow', 'none') });
  }
  // The arrowhead says which way the data goes; draw.io's default line has one at its target. Two arrowheads
  // say nothing of who calls: the ends do; and an arrow drawn against one is the same connection when it is
  // two-headed too or points the caller's way (connectionWays).
  const twoWayEnd = (e: Element): TwoWayEnd<Element> => ({ ref: e, id: e.id, kind: e.shape.kind, untrusted: e.in?.trust === 'untrusted' });
  const ways = connectionWays(edges.map(({ source, target, head, tail }) => (tail && !head
    ? { source: twoWayEnd(target), target: twoWayEnd(source), bidirectional: false }
    : { source: twoWayEnd(source), target: twoWayEnd(target), bidirectional: head && tail })));
  const read = edges.map(({ c, head, tail }, i): FlowOut => {
    const label = [c.label, ...(labelsOf.get(c) ?? [])].filter((l) => l !== undefined).join(' ') || undefined;
    const { from, to, why: turned } = ways[i];
    const f: FlowOut = { cell: c, from, to, protocol: 'http', protocolStated: false, notes: [] };
    readProtocol(f, label);
    // A threatmap flow is a call and its reply: two flows would report every finding on the link twice.
    if (head && tail) f.notes.push(turned
      ? `arrowheads at both ends, drawn from \`${to.id}\`; ${turned}: read as ${from.id} -> ${to.id}, whose reply it implies`
        + (turned === STORE_DOES_NOT_CALL ? '' : `; add ${to.id} -> ${from.id} only if \`${to.id}\` also calls \`${from.id}\``)
      : `arrowheads at both ends: one flow from where it was drawn from (\`${from.id}\`), whose reply it implies; add ${to.id} -> ${from.id} only if \`${to.id}\` also calls \`${from.id}\``);
    if (!head && !tail) f.notes.push(`a line without arrowheads: read from where it was drawn from (\`${from.id}\`) to \`${to.id}\`; check the direction`);
    return f;
  });
  read.forEach((f, i) => {
    const { into } = ways[i];
    const { source, target, head, tail } = edges[i];
    if (into === undefined) return;
    const [drawnFrom, drawnTo] = tail && !head ? [target, source] : [source, target];
    joinArrow(read[into], f, drawnFrom.id, drawnTo.id, head && tail);
  });
  for (const [i, x] of read.entries()) {
    if (ways[i].into !== undefined) continue;
    const pair = `${x.from.id}\u0000${x.to.id}`;
    // A second flow between the same pair needs an id of its own (the model requires it).
    if (pairs.has(pair)) x.id = modelId('', x.name ?? 'flow', 'flow', taken);
    pairs.add(pair);
    flows.push(x);
  }
  const joined = joinedSummary('arrow', read.length - flows.length);
  if (joined) notes.push(joined);

  // External elements in no box are outside the system by the DFD's own definition: one untrusted boundary,
  // `outside`, so that threatmap sees the flows that cross into the system; processes and stores in no box
  // stay in none (threatmap's internal default), since nothing says where they are.
  const outside = elements.filter((e) => !e.in && e.shape.kind === 'external');
  let outsideId: string | undefined;
  if (outside.length) {
    outsideId = modelId('outside', undefined, 'outside', taken);
    notes.push(`${outside.map((e) => e.id).join(', ')}: in no box; placed in \`${outsideId}\` (untrusted) as external; check it`);
  }
  const plain = elements.filter((e) => e.shape.plain);
  if (plain.length) notes.push(`${plain.map((e) => e.id).join(', ')}: plain boxes, read as processes; set \`type\` (or \`kind: external\` / \`store\`) where one is not`);
  const unboxed = elements.filter((e) => !e.in && e.shape.kind !== 'external').length;
  if (unboxed) notes.push(`${unboxed} element${unboxed === 1 ? '' : 's'} in no boundary (threatmap's internal default)`);
  if (hiddenShapes) {
    notes.push(`left out ${hiddenShapes} shape${hiddenShapes === 1 ? '' : 's'} and arrow${hiddenShapes === 1 ? '' : 's'} that are hidden${hiddenLayers.length ? ` (hidden layer${hiddenLayers.length === 1 ? '' : 's'} ${hiddenLayers.join(', ')})` : ''}; show ${hiddenLayers.length ? 'the layer' : 'them'} in draw.io to import ${hiddenShapes === 1 ? 'it' : 'them'}`);
  }
  const decorations = cells.filter((c) => c.role === 'decoration');
  if (decorations.length) {
    const list = decorations.map((c) => `${readShape(c.style).label} (cell ${c.id})`).join(', ');
    notes.push(`left out ${decorations.length} unlabelled shape${decorations.length === 1 ? '' : 's'} that no arrow touches (decoration): ${list}`);
  }
  for (const e of elements) for (const n of e.notes) notes.push(`${e.id}: ${n}`);

  const systemName = file.replace(/^.*[\\/]/, '').replace(/(\.drawio)?(\.xml)?$/i, '') || 'System';
  const version = root.attrs.version;
  const summary: DrawioImportSummary = {
    ...(version ? { version } : {}), system: systemName, pages: pages.map((p) => p.page.name),
    boundaries: boxes.length + (outsideId ? 1 : 0), elements: elements.length, flows: flows.length, notes,
  };
  const texts = cells.filter((c) => c.role === 'text').length;
  const header = [
    `Imported by \`threatmap import\` from ${file} (${DRAWIO_FORMAT}${version ? ` ${version}` : ''}).`,
    `Pages merged into this model: ${summary.pages.map((p) => `"${p}"`).join(', ')}.`,
    'A model to review: each boundary, element and flow says where its cell is (page, line:column) and its cell id;',
    'kinds, types and technologies come from the shapes\' styles; a draw.io file names no system, so it is named after the file.',
    ...(texts ? [`${texts} text cell${texts === 1 ? '' : 's'} (annotations on the canvas) not imported.`] : []),
    ...headerTail([], 0, notes, options.output),
  ];
  const { doc, root: out } = startModel(header, { name: systemName });

  if (boxes.length || outsideId) {
    const map = new YAMLMap();
    if (outsideId) map.items.push(outsideEntry(doc, outsideId, 'the external shapes that no box holds'));
    for (const b of boxes) {
      const v: Record<string, unknown> = {};
      if (b.name !== undefined && b.name !== b.id) v.name = b.name;
      v.trust = b.trust;
      if (b.kind !== 'network') v.kind = b.kind;
      if (b.in) v.in = b.in.id;
      map.items.push(keyedEntry(doc, b.id, [where(b.cell, `(${b.label})`), ...b.notes], v));
    }
    section(out, 'boundaries', map);
  }

  const elementMap = new YAMLMap();
  for (const e of elements) {
    const v: Record<string, unknown> = {};
    if (e.name !== undefined && e.name !== e.id) v.name = e.name;
    if (e.shape.tech) v.tech = e.shape.tech;
    else if (e.shape.type) v.type = e.shape.type;
    else v.kind = e.shape.kind;
    const box = e.in?.id ?? (e.shape.kind === 'external' ? outsideId : undefined);
    if (box) v.in = box;
    elementMap.items.push(keyedEntry(doc, e.id, [where(e.cell, `(${e.shape.label})`), ...e.notes], v));
  }
  section(out, 'elements', elementMap);

  if (flows.length) {
    const seq = new YAMLSeq();
    for (const f of flows) {
      const details: Record<string, unknown> = {};
      if (f.id) details.id = f.id;
      if (f.name) details.name = f.name;
      details.protocol = f.protocol;
      seq.items.push(flowItem(doc, f.from.id, f.to.id, details, [where(f.cell, '(arrow)'), ...f.notes]));
    }
    section(out, 'flows', seq);
  }
  placeholderAsset(doc, out, 'draw.io', notes);
  // Past the XML, nothing is an error: what cannot be used was left out with a warning.
  return { text: doc.toString({ lineWidth: 0 }), diagnostics: sortDiagnostics(diagnostics), summary };
}

/** draw.io's compression: base64 of raw deflate of the URI-encoded XML. */
function inflatePage(data: string, inflate: (data: Uint8Array) => Uint8Array): { text: string } | { error: string } {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(data.replace(/\s+/g, '')), (ch) => ch.charCodeAt(0));
  } catch {
    return { error: 'its content is neither a graph nor base64 (how draw.io stores a compressed page)' };
  }
  let raw: string;
  try {
    raw = new TextDecoder().decode(inflate(bytes));
  } catch (err) {
    return { error: `its content does not inflate (raw deflate): ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    return { text: decodeURIComponent(raw) };
  } catch {
    return { error: 'its inflated content is not URI-encoded text, as draw.io writes it' };
  }
}

/** What an arrow ends on when it is no shape, for the warning. */
const NOT_SHAPES: Partial<Record<Role, string>> = { edge: 'another arrow', group: 'a group', text: 'a text', label: 'an arrow\'s label', layer: 'a layer' };

/** Words in a label that name a protocol but are also everyday words: "upload file" names no protocol. */
const NOT_PROTOCOLS = new Set(['file', 'in-process']);
/** Words a label adds around a protocol (`HTTPS over port 443`) that make it no more than the protocol. */
const FILLER = new Set(['over', 'via', 'on', 'port', 'and', 'tls', 'ssl']);

/**
 * The flow's name and protocol from its arrow's labels: a protocol the catalog knows (`HTTPS`, `gRPC`,
 * `HTTP/S`), a port it knows (`5432`), and TLS or SSL to make it its encrypted form (`gRPC/TLS`: grpcs);
 * else the target's technology's protocol, else http, each said in a note. A label that is no more than
 * its protocol is not the flow's name.
 */
function readProtocol(f: FlowOut, label: string | undefined): void {
  const words = (label ?? '').toLowerCase().replace(/\bhttp\s*(?:\/s|\(s\))/g, 'https').match(/[a-z0-9][a-z0-9+-]*/g) ?? [];
  const named = words.map((w) => (NOT_PROTOCOLS.has(w) ? undefined : schemeProtocol(w))).find((p) => p !== undefined && p !== 'tls');
  const port = words.map((w) => (/^\d{1,5}$/.test(w) ? Number(w) : undefined)).find((n) => portProtocol(n) !== undefined);
  const tls = words.some((w) => w === 'tls' || w === 'ssl');
  const guess = guessProtocol({ ...(named ? { scheme: named } : {}), ...(port === undefined ? {} : { targetPort: port }) }, f.to.shape.tech);
  f.protocol = guess.protocol;
  // TLS alone is TCP over TLS; with a protocol, that protocol's encrypted form (http -> https, postgres -> postgres+tls).
  if (tls && !PROTOCOLS[guess.protocol].encrypted) {
    f.protocol = guess.certainty === Certainty.Fallback ? 'tls'
      : [`${guess.protocol}s`, `${guess.protocol}+tls`].find((p) => PROTOCOLS[p]?.encrypted) ?? (guess.protocol === 'tcp' ? 'tls' : guess.protocol);
  }
  const fromLabel = named !== undefined || port !== undefined || tls;
  f.protocolStated = fromLabel;
  // A database is queried over its own protocol, not http: SQL, the common case, when nothing says which.
  const database = !fromLabel && guess.certainty === Certainty.Fallback && (f.to.shape.type ?? impliedElementType(f.to.shape.tech)) === 'database';
  if (database) f.protocol = 'sql';
  const onlyProtocol = words.length > 0 && words.every((w) => FILLER.has(w) || /^\d+$/.test(w) || (!NOT_PROTOCOLS.has(w) && schemeProtocol(w) !== undefined));
  if (label && !onlyProtocol) f.name = label;
  if (fromLabel) return;
  const assumed = database ? `sql, as \`${f.to.id}\` is a database,` : guess.certainty === Certainty.Tech ? `${guess.protocol}, \`${f.to.id}\`'s technology's,` : 'http';
  f.protocolNote = `no protocol on the arrow: ${assumed} assumed`;
  f.notes.push(f.protocolNote);
}

/**
 * An arrow drawn against `kept` that is the same connection (connectionWays), as part of it: the name and
 * protocol of both (joinFacts), said in its comment; its own notes on a protocol it did not give left out.
 */
function joinArrow(kept: FlowOut, other: FlowOut, drawnFrom: string, drawnTo: string, twoHeaded: boolean): void {
  const name = `the arrow of cell ${other.cell.id}`;
  const facts = (f: FlowOut): ConnectionFacts => ({ name: f.name, protocol: f.protocol, protocolStated: f.protocolStated, data: [], controls: [] });
  const { facts: j, protocolFrom, notes } = joinFacts(facts(kept), facts(other), name);
  if (protocolFrom === 'other') {
    // The other arrow names the protocol this one's note says was assumed.
    kept.notes = kept.notes.filter((n) => n !== kept.protocolNote);
    Object.assign(kept, { protocol: other.protocol, protocolStated: true, protocolNote: undefined });
  }
  kept.notes.push(joinedNote(name, drawnFrom, drawnTo, twoHeaded, 0), ...notes);
  if (j.name !== undefined) kept.name = j.name;
}
