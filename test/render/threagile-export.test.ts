// Threagile export: every example becomes a Threagile model that passes the checks Threagile's parser makes
// (enums, id syntax, references, link and risk ids; the checker is tried on Threagile's own example model and
// on broken exports), that our Threagile importer reads back to the same elements, flows, protocols,
// boundary members and nesting, with triage as risk tracking, hostile names kept as text, and byte-stable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { RULE_FAMILIES } from '../../src/analysis/rules/index.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { importThreagile } from '../../src/import/threagile.js';
import { PROTOCOLS } from '../../src/model/catalog.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';
import {
  AUTHENTICATION, buildThreagile, END_USER_AUTHORIZATION, FAMILY_FUNCTION, PROTOCOL, RISK_STATUS, renderThreagile, threagileLinkId,
  TYPE_TECHNOLOGY,
} from '../../src/render/threagile.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { TRIAGE_STATUSES } from '../../src/track/types.js';
import { analyzeExample, analyzeText } from '../helpers.js';
import { corpusDir, corpusMissing } from '../corpus.js';

const EXAMPLES = ['ecommerce', 'microservices', 'prelaunch'];
const SAMPLE = 'threagile-example-model.yaml';
const sampleDir = corpusDir('threagile', SAMPLE);
const NO_SAMPLE = corpusMissing(`threagile/${SAMPLE}`);

type Any = Record<string, any>;
const parse = (text: string): Any => parseYaml(text, { version: '1.1', merge: true }) as Any;

// --- A checker for what Threagile's parser demands ----------------------------------------------------

// The enums of Threagile's schema.json and types, as its example model spells them (authorization: the
// example's `end-user-identity-propagation`, which is what the current parser accepts).
const CIA = ['archive', 'operational', 'important', 'critical', 'mission-critical'];
const ENUMS: Record<string, string[]> = {
  usage: ['business', 'devops'],
  quantity: ['very-few', 'few', 'many', 'very-many'],
  confidentiality: ['public', 'internal', 'restricted', 'confidential', 'strictly-confidential'],
  integrity: CIA,
  availability: CIA,
  type: ['external-entity', 'process', 'datastore'],
  size: ['system', 'service', 'application', 'component'],
  machine: ['physical', 'virtual', 'container', 'serverless'],
  encryption: ['none', 'transparent', 'data-with-symmetric-shared-key', 'data-with-asymmetric-shared-key', 'data-with-enduser-individual-key'],
  technology: [
    'unknown-technology', 'client-system', 'browser', 'desktop', 'mobile-app', 'devops-client', 'web-server', 'web-application',
    'application-server', 'database', 'file-server', 'local-file-system', 'erp', 'cms', 'web-service-rest', 'web-service-soap', 'ejb',
    'search-index', 'search-engine', 'service-registry', 'reverse-proxy', 'load-balancer', 'build-pipeline', 'sourcecode-repository',
    'artifact-registry', 'code-inspection-platform', 'monitoring', 'ldap-server', 'container-platform', 'batch-processing',
    'event-listener', 'identity-provider', 'identity-store-ldap', 'identity-store-database', 'tool', 'cli', 'task', 'function', 'gateway',
    'iot-device', 'message-queue', 'stream-processing', 'service-mesh', 'data-lake', 'report-engine', 'ai', 'mail-server', 'vault', 'hsm',
    'waf', 'ids', 'ips', 'scheduler', 'mainframe', 'block-storage', 'library',
  ],
  data_formats_accepted: ['json', 'xml', 'serialization', 'file', 'csv'],
  protocol: [
    'unknown-protocol', 'http', 'https', 'ws', 'wss', 'reverse-proxy-web-protocol', 'reverse-proxy-web-protocol-encrypted', 'mqtt', 'jdbc',
    'jdbc-encrypted', 'odbc', 'odbc-encrypted', 'sql-access-protocol', 'sql-access-protocol-encrypted', 'nosql-access-protocol',
    'nosql-access-protocol-encrypted', 'binary', 'binary-encrypted', 'text', 'text-encrypted', 'ssh', 'ssh-tunnel', 'smtp', 'smtp-encrypted',
    'pop3', 'pop3-encrypted', 'imap', 'imap-encrypted', 'ftp', 'ftps', 'sftp', 'scp', 'ldap', 'ldaps', 'jms', 'nfs', 'smb', 'smb-encrypted',
    'local-file-access', 'nrpe', 'xmpp', 'iiop', 'iiop-encrypted', 'jrmp', 'jrmp-encrypted', 'in-process-library-call', 'container-spawning',
  ],
  authentication: ['none', 'credentials', 'session-id', 'token', 'client-certificate', 'two-factor', 'externalized'],
  authorization: ['none', 'technical-user', 'end-user-identity-propagation'],
  boundary: [
    'network-on-prem', 'network-dedicated-hoster', 'network-virtual-lan', 'network-cloud-provider', 'network-cloud-security-group',
    'network-policy-namespace-isolation', 'execution-environment',
  ],
  function: ['business-side', 'architecture', 'development', 'operations'],
  stride: ['spoofing', 'tampering', 'repudiation', 'information-disclosure', 'denial-of-service', 'elevation-of-privilege'],
  severity: ['low', 'medium', 'elevated', 'high', 'critical'],
  exploitation_likelihood: ['unlikely', 'likely', 'very-likely', 'frequent'],
  exploitation_impact: ['low', 'medium', 'high', 'very-high'],
  data_breach_probability: ['improbable', 'possible', 'probable'],
  status: ['unchecked', 'in-discussion', 'accepted', 'in-progress', 'mitigated', 'false-positive'],
};
const ENCRYPTED_PROTOCOLS = new Set([
  'https', 'wss', 'reverse-proxy-web-protocol-encrypted', 'jdbc-encrypted', 'odbc-encrypted', 'sql-access-protocol-encrypted',
  'nosql-access-protocol-encrypted', 'binary-encrypted', 'text-encrypted', 'ssh', 'ssh-tunnel', 'smtp-encrypted', 'pop3-encrypted',
  'imap-encrypted', 'ftps', 'sftp', 'scp', 'ldaps', 'smb-encrypted', 'iiop-encrypted', 'jrmp-encrypted',
]);

// Fields as in the example model (the schema's required ones are among them).
const FIELDS = {
  data: ['id', 'description', 'usage', 'tags', 'origin', 'owner', 'quantity', 'confidentiality', 'integrity', 'availability', 'justification_cia_rating'],
  technical: [
    'id', 'description', 'type', 'usage', 'used_as_client_by_human', 'out_of_scope', 'justification_out_of_scope', 'size', 'technology', 'tags',
    'internet', 'machine', 'encryption', 'owner', 'confidentiality', 'integrity', 'availability', 'justification_cia_rating', 'multi_tenant',
    'redundant', 'custom_developed_parts', 'data_assets_processed', 'data_assets_stored', 'data_formats_accepted', 'communication_links',
  ],
  link: ['target', 'description', 'protocol', 'authentication', 'authorization', 'tags', 'vpn', 'ip_filtered', 'readonly', 'usage', 'data_assets_sent', 'data_assets_received'],
  boundary: ['id', 'description', 'type', 'tags', 'technical_assets_inside', 'trust_boundaries_nested'],
  category: [
    'id', 'description', 'impact', 'asvs', 'cheat_sheet', 'action', 'mitigation', 'check', 'function', 'stride', 'detection_logic',
    'risk_assessment', 'false_positives', 'model_failure_possible_reason', 'cwe', 'risks_identified',
  ],
  risk: [
    'severity', 'exploitation_likelihood', 'exploitation_impact', 'data_breach_probability', 'data_breach_technical_assets',
    'most_relevant_data_asset', 'most_relevant_technical_asset', 'most_relevant_communication_link', 'most_relevant_trust_boundary',
    'most_relevant_shared_runtime',
  ],
  tracking: ['status', 'justification', 'ticket', 'date', 'checked_by'],
};
const ID = /^[a-zA-Z0-9-]+$/;
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const entries = (v: unknown): Array<[string, Any]> => (v && typeof v === 'object' ? Object.entries(v as Any) : []);
const synthetic = (category: string, r: Any): string =>
  [category, r.most_relevant_technical_asset, r.most_relevant_communication_link, r.most_relevant_trust_boundary,
    r.most_relevant_shared_runtime, r.most_relevant_data_asset].filter((x) => typeof x === 'string' && x !== '').join('@');

/**
 * What Threagile's parser (ParseModel, createDataFlowId, createSyntheticId, the risk tracking check) would
 * reject, as a list of problems. `tracking`: whether risk tracking must name risks of the file itself (the
 * example model's tracks Threagile's built-in risks).
 */
function threagileProblems(m: Any, { tracking = true, fields = true } = {}): string[] {
  const out: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  const oneOf = (enumName: string, value: unknown, where: string) =>
    expect(typeof value === 'string' && ENUMS[enumName].includes(value), `${where}: ${enumName} ${JSON.stringify(value)}`);
  const fieldsOf = (obj: Any, names: string[], where: string) => {
    if (!fields) return;
    for (const k of Object.keys(obj)) expect(names.includes(k), `${where}: unexpected field ${k}`);
  };
  for (const k of ['threagile_version', 'title', 'author', 'business_criticality', 'tags_available', 'data_assets', 'technical_assets']) {
    expect(m[k] !== undefined, `missing ${k}`);
  }
  oneOf('integrity', m.business_criticality, 'business_criticality');
  const tags = new Set(list(m.tags_available).map((t) => t.trim().toLowerCase()));
  const tagsOk = (v: unknown, where: string) => list(v).forEach((t) => expect(tags.has(t.trim().toLowerCase()), `${where}: tag ${t}`));

  const dataIds = new Set<string>();
  for (const [title, a] of entries(m.data_assets)) {
    fieldsOf(a, FIELDS.data, title);
    expect(ID.test(a.id) && !dataIds.has(a.id), `data asset ${title}: id ${a.id}`);
    dataIds.add(a.id);
    for (const k of ['usage', 'quantity', 'confidentiality', 'integrity', 'availability']) oneOf(k, a[k], `data asset ${title}`);
    tagsOk(a.tags, title);
  }
  const techIds = new Set<string>();
  for (const [title, a] of entries(m.technical_assets)) {
    expect(ID.test(a.id) && !techIds.has(a.id), `technical asset ${title}: id ${a.id}`);
    techIds.add(a.id);
  }
  const linkIds = new Set<string>();
  for (const [title, a] of entries(m.technical_assets)) {
    fieldsOf(a, FIELDS.technical, title);
    for (const k of ['type', 'usage', 'size', 'technology', 'machine', 'encryption', 'confidentiality', 'integrity', 'availability']) oneOf(k, a[k], title);
    for (const f of list(a.data_formats_accepted)) oneOf('data_formats_accepted', f, title);
    for (const ref of [...list(a.data_assets_processed), ...list(a.data_assets_stored)]) expect(dataIds.has(ref), `${title}: data asset ${ref}`);
    tagsOk(a.tags, title);
    for (const [linkTitle, l] of entries(a.communication_links)) {
      const where = `${title} / ${linkTitle}`;
      fieldsOf(l, FIELDS.link, where);
      expect(techIds.has(l.target), `${where}: target ${l.target}`);
      for (const k of ['protocol', 'authentication', 'authorization', 'usage']) oneOf(k, l[k], where);
      for (const ref of [...list(l.data_assets_sent), ...list(l.data_assets_received)]) expect(dataIds.has(ref), `${where}: data asset ${ref}`);
      const id = threagileLinkId(a.id, linkTitle);
      expect(!linkIds.has(id), `${where}: link id ${id} twice`);
      linkIds.add(id);
      tagsOk(l.tags, where);
    }
  }
  const boundaryIds = new Set<string>();
  const placed = new Set<string>();
  for (const [title, b] of entries(m.trust_boundaries)) {
    fieldsOf(b, FIELDS.boundary, title);
    expect(ID.test(b.id) && !boundaryIds.has(b.id), `boundary ${title}: id ${b.id}`);
    boundaryIds.add(b.id);
    oneOf('boundary', b.type, title);
    for (const ref of list(b.technical_assets_inside)) {
      // The newest parser looks the ids up in lower case.
      expect(techIds.has(ref.toLowerCase()) && !placed.has(ref), `${title}: inside ${ref}`);
      placed.add(ref);
    }
  }
  for (const [title, b] of entries(m.trust_boundaries)) for (const ref of list(b.trust_boundaries_nested)) expect(boundaryIds.has(ref), `${title}: nested ${ref}`);

  const riskIds = new Set<string>();
  const categoryIds = new Set<string>();
  for (const [title, c] of entries(m.individual_risk_categories)) {
    fieldsOf(c, FIELDS.category, title);
    expect(ID.test(c.id) && !categoryIds.has(c.id), `category ${title}: id ${c.id}`);
    categoryIds.add(c.id);
    oneOf('function', c.function, title);
    oneOf('stride', c.stride, title);
    expect(c.cwe === undefined || Number.isInteger(c.cwe), `${title}: cwe ${c.cwe}`);
    expect(typeof c.model_failure_possible_reason === 'boolean', `${title}: model_failure_possible_reason`);
    for (const [riskTitle, r] of entries(c.risks_identified)) {
      const where = `${title} / ${riskTitle}`;
      fieldsOf(r, FIELDS.risk, where);
      for (const k of ['severity', 'exploitation_likelihood', 'exploitation_impact', 'data_breach_probability']) oneOf(k, r[k], where);
      const ref = (v: unknown, set: Set<string>, what: string) => expect(v === undefined || v === null || v === '' || set.has(String(v)), `${where}: ${what} ${v}`);
      ref(r.most_relevant_technical_asset, techIds, 'technical asset');
      ref(r.most_relevant_communication_link, linkIds, 'communication link');
      ref(r.most_relevant_trust_boundary, boundaryIds, 'trust boundary');
      ref(r.most_relevant_data_asset, dataIds, 'data asset');
      for (const a of list(r.data_breach_technical_assets)) expect(techIds.has(a), `${where}: breach ${a}`);
      riskIds.add(synthetic(c.id, r));
    }
  }
  for (const [id, t] of entries(m.risk_tracking)) {
    fieldsOf(t, FIELDS.tracking, id);
    oneOf('status', t.status, `tracking ${id}`);
    // A YAML 1.1 reader takes an unquoted date for a timestamp.
    expect(t.date === undefined || t.date instanceof Date || /^\d{4}-\d{2}-\d{2}$/.test(String(t.date)), `tracking ${id}: date`);
    if (tracking) expect(riskIds.has(id), `tracking ${id}: no such risk`);
  }
  return out;
}

// --- Helpers -------------------------------------------------------------------------------------------

const exported = (r: AnalysisResult): Any => parse(renderThreagile(r));
const risksOf = (m: Any): Array<[string, Any, Any]> =>
  entries(m.individual_risk_categories).flatMap(([, c]) => entries(c.risks_identified).map(([title, r]): [string, Any, Any] => [title, r, c]));

function reimport(r: AnalysisResult): Model {
  const imp = importThreagile(renderThreagile(r), 'export.threagile.yaml');
  assert.deepEqual(imp.diagnostics, [], formatDiagnostics(imp.diagnostics));
  assert.ok(imp.text);
  const loaded = loadModel(imp.text, 'imported.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `${formatDiagnostics(loaded.diagnostics)}\n${imp.text}`);
  return loaded.model;
}

/** Each boundary by name: the names of the elements directly in it, and its parent's name. */
function membership(m: { boundaries: Model['boundaries']; elements: Model['elements'] }) {
  const name = new Map(m.boundaries.map((b) => [b.id, b.name]));
  return Object.fromEntries(m.boundaries.map((b) => [b.name, {
    members: m.elements.filter((e) => e.boundary === b.id).map((e) => e.name).sort(),
    parent: b.parent === undefined ? undefined : name.get(b.parent),
  }]));
}

/** Catalog protocols that a Threagile protocol carries exactly, there and back through our importer. */
const CARRIED = new Set(['http', 'https', 'ws', 'wss', 'mqtt', 'sql', 'sql+tls', 'tcp', 'tls', 'ssh', 'smtp', 'smtps', 'ftp', 'sftp', 'ldap', 'ldaps', 'nfs', 'smb', 'file', 'in-process']);

const HOSTILE_MODEL = [
  'threatmap: 1', 'system: { name: "Sys \\"q\\"\\nline <script>x</script>", owner: "<b>me</b>" }',
  'boundaries:', '  net_1: { name: "__proto__", trust: untrusted }', '  Inner.Zone: { name: "<<", trust: internal, in: net_1, kind: container }',
  'assets:', '  a_1: { name: "constructor", classification: restricted }',
  'elements:',
  '  user: { name: "<img src=x onerror=alert(1)>", type: user, in: net_1, tags: [" Edge ", edge] }',
  '  API_1: { name: "line\\nbreak \\"quoted\\"", type: api, in: Inner.Zone, handles: [a_1] }',
  '  api-1: { name: "__proto__", type: database, stores: [a_1] }',
  '  x: { name: "<<", type: service }',
  '  y: { name: "<<", type: worker }',
  'flows:', '  - user -> API_1: https', '  - API_1 -> api-1: { protocol: postgres, data: [a_1] }',
  '  - API_1 -> api-1: { id: second, protocol: postgres+tls, name: "<<" }', '  - API_1 -> x: http', '  - x -> y: { protocol: amqp, name: "!!" }',
  '  - y -> x: { protocol: amqp, name: "!!" }', '',
].join('\n');

// --- Tests ---------------------------------------------------------------------------------------------

describe('Threagile export', () => {
  it('exports every example: one technical asset per element, link per flow, boundary per boundary, risk per threat', () => {
    for (const name of EXAMPLES) {
      const r = analyzeExample(name);
      const m = exported(r);
      assert.deepEqual(threagileProblems(m), [], name);
      assert.equal(m.threagile_version, '1.0.0');
      assert.equal(m.title, r.system.name);
      assert.deepEqual(Object.keys(m.data_assets), r.assets.map((a) => a.name), name);
      assert.deepEqual(Object.keys(m.technical_assets), r.elements.map((e) => e.name), name);
      assert.deepEqual(Object.values<Any>(m.technical_assets).map((a) => a.id), r.elements.map((e) => e.id), name);
      assert.deepEqual(Object.values<Any>(m.technical_assets).map((a) => a.type),
        r.elements.map((e) => ({ external: 'external-entity', process: 'process', store: 'datastore' })[e.kind]), name);
      const links = Object.values<Any>(m.technical_assets).flatMap((a) => Object.values<Any>(a.communication_links).map((l) => `${a.id} -> ${l.target}`));
      assert.deepEqual(links.sort(), r.flows.map((f) => `${f.from} -> ${f.to}`).sort(), name);
      assert.deepEqual(Object.values<Any>(m.trust_boundaries).map((b) => b.id), r.boundaries.map((b) => b.id), name);
      assert.equal(risksOf(m).length, r.threats.length, name);
      assert.deepEqual(Object.values<Any>(m.individual_risk_categories).map((c) => c.id), [...new Set(r.threats.map((t) => t.ruleId))], name);
      assert.deepEqual(m.risk_tracking, {}, `${name}: nothing triaged, nothing tracked`);
      assert.deepEqual(m.shared_runtimes, {});
    }
  });

  it('writes the fields of the example model, with its enum values', (t) => {
    if (!sampleDir) return t.skip(NO_SAMPLE);
    const sample = parse(readFileSync(join(sampleDir, SAMPLE), 'utf8'));
    // The checker passes Threagile's own example (its tracking names built-in risks, not the file's).
    assert.deepEqual(threagileProblems(sample, { tracking: false }), []);
    const [[, sampleAsset]] = entries(sample.technical_assets);
    const [[, sampleLink]] = entries(sampleAsset.communication_links);
    const [[, sampleCategory]] = entries(sample.individual_risk_categories);
    const [[, sampleRisk]] = entries(sampleCategory.risks_identified);
    const [[, sampleTracking]] = entries(sample.risk_tracking);
    const [[, sampleBoundary]] = entries(sample.trust_boundaries);
    const m = exported(analyzeExample('microservices'));
    const [[, asset]] = entries(m.technical_assets);
    const [[, link]] = entries(asset.communication_links);
    const [[, category]] = entries(m.individual_risk_categories);
    assert.deepEqual(Object.keys(asset), Object.keys(sampleAsset).filter((k) => !k.startsWith('diagram_tweak')));
    assert.deepEqual(Object.keys(link), Object.keys(sampleLink));
    assert.deepEqual(Object.keys(category), Object.keys(sampleCategory));
    assert.deepEqual(Object.keys(Object.values<Any>(m.trust_boundaries)[0]), Object.keys(sampleBoundary));
    assert.deepEqual(Object.keys(Object.values<Any>(m.data_assets)[0]), Object.keys(Object.values<Any>(sample.data_assets)[0]));
    for (const [, r] of risksOf(m)) for (const k of Object.keys(r)) assert.ok(k in sampleRisk, k);
    for (const k of ['status', 'justification', 'ticket', 'checked_by']) assert.ok(k in sampleTracking, k);
    // The example's spelling of the end user's authorization, which our export writes.
    assert.ok(risksOf(m).length > 0 && Object.values<Any>(m.technical_assets).some((a) =>
      Object.values<Any>(a.communication_links).some((l) => l.authorization === END_USER_AUTHORIZATION)));
    assert.match(readFileSync(join(sampleDir, SAMPLE), 'utf8'), new RegExp(`authorization: ${END_USER_AUTHORIZATION}\\b`));
  });

  it('the checker is real: broken exports fail it', () => {
    const broken: Array<[string, (m: Any) => void]> = [
      ['enum', (m) => { Object.values<Any>(m.technical_assets)[0].technology = 'postgres'; }],
      ['link target', (m) => { Object.values<Any>(Object.values<Any>(m.technical_assets)[0].communication_links)[0].target = 'nowhere'; }],
      ['id syntax', (m) => { Object.values<Any>(m.data_assets)[0].id = 'a_b'; }],
      ['two boundaries', (m) => { Object.values<Any>(m.trust_boundaries)[1].technical_assets_inside.push(Object.values<Any>(m.trust_boundaries)[0].technical_assets_inside[0]); }],
      ['tracking', (m) => { m.risk_tracking = { 'no-such-rule@api': { status: 'accepted' } }; }],
      ['risk link', (m) => { risksOf(m)[0][1].most_relevant_communication_link = 'api>nothing'; }],
      ['tag', (m) => { Object.values<Any>(m.technical_assets)[0].tags = ['undeclared']; }],
    ];
    for (const [what, breakIt] of broken) {
      const m = exported(analyzeExample('ecommerce'));
      assert.deepEqual(threagileProblems(m), []);
      breakIt(m);
      assert.notDeepEqual(threagileProblems(m), [], what);
    }
  });

  it('round trip: our importer reads the export back to the same elements, flows, protocols and boundaries', () => {
    for (const name of EXAMPLES) {
      const r = analyzeExample(name);
      const back = reimport(r);
      assert.deepEqual(back.elements.map((e) => [e.name, e.kind]), r.elements.map((e) => [e.name, e.kind]), name);
      // Links sit in their source; our section gives back the model's order of the flows, and each exact protocol.
      const elementName = (m: { elements: Model['elements'] }) => new Map(m.elements.map((e) => [e.id, e.name]));
      const before = r.flows;
      assert.equal(back.flows.length, before.length, name);
      const [nameBefore, nameAfter] = [elementName(r), elementName(back)];
      before.forEach((f, i) => {
        const g = back.flows[i];
        const where = `${name}: ${f.id}`;
        assert.deepEqual([nameAfter.get(g.from), nameAfter.get(g.to)], [nameBefore.get(f.from), nameBefore.get(f.to)], where);
        assert.equal(g.encrypted, f.encrypted, where);
        assert.equal(g.protocol, f.protocol, where);
      });
      assert.ok(before.some((f) => CARRIED.has(f.protocol)), `${name} has a protocol that round-trips exactly`);
      assert.deepEqual(membership(back), membership(r), name);
    }
  });

  it('nests boundaries, and leaves elements in no boundary outside every boundary', () => {
    const shop = exported(analyzeExample('ecommerce'));
    assert.deepEqual(shop.trust_boundaries['Application network'].trust_boundaries_nested, ['data']);
    assert.deepEqual(shop.trust_boundaries['Data tier'].technical_assets_inside, ['db', 'cache']);
    const r = analyzeText('threatmap: 1\nsystem: { name: Loose }\nboundaries:\n  net: { trust: internal }\nelements:\n'
      + '  visitor: { tech: browser }\n  api: { type: api, in: net }\n  worker: { type: worker }\nflows:\n  - visitor -> api: https\n  - api -> worker: https\n');
    const m = exported(r);
    assert.deepEqual(threagileProblems(m), []);
    assert.deepEqual(Object.values<Any>(m.trust_boundaries).map((b) => b.technical_assets_inside), [['api']]);
    // Outside every boundary: an external entity is on the internet (threatmap's untrusted default), our own process is not.
    assert.equal(m.technical_assets.visitor.internet, true);
    assert.equal(m.technical_assets.worker.internet, false);
    const back = reimport(r);
    assert.equal(back.elements.find((e) => e.name === 'worker')!.boundary, undefined);
  });

  it('maps technical assets: technology, internet, machine, encryption, data, redundancy, human clients', () => {
    const shop = exported(analyzeExample('ecommerce'));
    const a = shop.technical_assets;
    assert.deepEqual([a['Customer browser'].technology, a['Customer browser'].used_as_client_by_human, a['Customer browser'].internet, a['Customer browser'].machine],
      ['browser', true, true, 'physical']);
    assert.deepEqual([a.CDN.technology, a['Load balancer'].technology, a['API servers'].technology, a['Orders database'].technology, a['Payment gateway'].technology],
      ['reverse-proxy', 'load-balancer', 'web-service-rest', 'database', 'web-service-rest']);
    assert.equal(a['Orders database'].encryption, 'transparent');
    assert.equal(a['Session cache'].encryption, 'none');
    assert.deepEqual(a['Orders database'].data_assets_stored, ['pii', 'orders', 'prices']);
    assert.deepEqual(a['API servers'].data_assets_processed, ['pii', 'orders', 'prices']);
    assert.equal(a['API servers'].redundant, true, 'replicas: 4');
    assert.equal(a['API servers'].custom_developed_parts, true);
    assert.equal(a['Orders database'].confidentiality, 'confidential');
    assert.equal(a['Payment gateway'].internet, true, 'in the untrusted provider boundary');
    assert.equal(a['API servers'].internet, false);
    assert.deepEqual([shop.data_assets['Card data'].confidentiality, shop.data_assets['Card data'].integrity], ['strictly-confidential', 'critical']);
    assert.equal(shop.business_criticality, 'critical');
    assert.equal(shop.author.name, 'shop-platform team');
    assert.equal(shop.business_overview.description, analyzeExample('ecommerce').system.description);
    const ms = exported(analyzeExample('microservices'));
    assert.equal(ms.technical_assets['API gateway'].technology, 'gateway');
    assert.equal(ms.trust_boundaries['Service mesh'].type, 'network-policy-namespace-isolation');
    for (const tech of Object.values(TYPE_TECHNOLOGY)) assert.ok(ENUMS.technology.includes(tech), tech);
    assert.deepEqual(RULE_FAMILIES.map((f) => f.id).filter((id) => !(id in FAMILY_FUNCTION)), []);
    for (const f of Object.values(FAMILY_FUNCTION)) assert.ok(ENUMS.function.includes(f), f);
  });

  it('maps links: protocol keeps encryption, authentication and authorization from auth, vpn and ip_filtered from controls', () => {
    for (const [p, info] of Object.entries(PROTOCOLS)) {
      assert.ok(ENUMS.protocol.includes(PROTOCOL[p]), p);
      if (p !== 'file' && p !== 'in-process') assert.equal(ENCRYPTED_PROTOCOLS.has(PROTOCOL[p]), info.encrypted, p);
    }
    for (const a of Object.values(AUTHENTICATION)) assert.ok(ENUMS.authentication.includes(a), a);
    const r = analyzeText([
      'threatmap: 1', 'system: { name: Links }', 'elements:', '  user: { type: user }', '  api: { type: api }', '  files: { type: file-storage }',
      '  legacy: { type: service }', '  partner: { type: third-party }',
      'flows:',
      '  - user -> api: { protocol: https, auth: password, controls: [mfa] }',
      '  - api -> files: { protocol: ftp, encrypted: true, auth: ssh-key, controls: [vpn, ip-allowlist] }',
      '  - api -> legacy: { protocol: x-carrier-pigeon }',
      '  - api -> partner: { protocol: amqps, auth: api-key }',
      '  - legacy -> files: { protocol: file }', '',
    ].join('\n'));
    const m = exported(r);
    assert.deepEqual(threagileProblems(m), []);
    const link = (from: string, title: string) => m.technical_assets[from].communication_links[title];
    assert.deepEqual(
      ['protocol', 'authentication', 'authorization', 'vpn', 'ip_filtered'].map((k) => link('user', 'to api')[k]),
      ['https', 'two-factor', END_USER_AUTHORIZATION, false, false]);
    assert.deepEqual(
      ['protocol', 'authentication', 'authorization', 'vpn', 'ip_filtered'].map((k) => link('api', 'to files')[k]),
      ['ftps', 'client-certificate', 'technical-user', true, true]);
    assert.equal(link('api', 'to legacy').protocol, 'unknown-protocol');
    assert.equal(link('api', 'to partner').protocol, 'binary-encrypted');
    assert.equal(link('legacy', 'to files').protocol, 'local-file-access');
  });

  it("derives link ids as Threagile does, unique per source even for repeated and symbol-only titles", () => {
    assert.equal(threagileLinkId('jenkins-build-server', 'Jenkins Web-UI Access'), 'jenkins-build-server>jenkins-web-ui-access');
    assert.equal(threagileLinkId('a', '  --Hello, World!--  '), 'a>hello-world');
    assert.equal(threagileLinkId('a', '<<'), 'a>');
    const r = analyzeText(HOSTILE_MODEL, 'h.yaml');
    const m = buildThreagile(r);
    const api = m.technical_assets['line\nbreak "quoted"'];
    assert.deepEqual(Object.keys(api.communication_links), ['to __proto__', '<<', 'to <<']);
    // Both `!!` links (x -> y, y -> x) keep their title: each is unique within its source.
    assert.deepEqual(Object.keys(m.technical_assets['<<'].communication_links), ['!!']);
    assert.deepEqual(Object.keys(m.technical_assets['<< (y)'].communication_links), ['!!']);
    // A flow's threat names its link by the derived id, and the link's source.
    const mail = analyzeText('threatmap: 1\nsystem: { name: App }\nassets:\n  pii: { type: pii, classification: confidential }\nelements:\n  user: { tech: browser }\n  app: { type: api }\n  crm: { type: third-party }\nflows:\n  - user -> app: https\n  - app -> crm: { protocol: https, data: [pii] }\n');
    const flowThreat = mail.threats.find((t) => t.componentKind === 'flow')!;
    assert.equal(flowThreat.component, 'app->crm');
    const mm = exported(mail);
    assert.deepEqual(threagileProblems(mm), []);
    const [[, x, c]] = risksOf(mm).filter(([title]) => title.endsWith(`(${flowThreat.uid})`));
    assert.deepEqual([x.most_relevant_technical_asset, x.most_relevant_communication_link], ['app', 'app>to-crm']);
    assert.equal(synthetic(c.id, x), `${flowThreat.ruleId}@app@app>to-crm`);
  });

  it('writes each threat as a risk: severity, likelihood, impact, breach, most relevant ids, synthetic ids', () => {
    const r = analyzeExample('microservices');
    const m = exported(r);
    for (const t of r.threats) {
      const found = risksOf(m).filter(([title]) => title === `${t.title} (${t.uid})`);
      assert.equal(found.length, 1, t.key);
      const [[, x, c]] = found;
      assert.equal(c.id, t.ruleId);
      assert.equal(x.severity, { Low: 'low', Medium: 'medium', High: 'high', Critical: 'critical' }[t.risk]);
      assert.equal(x.exploitation_likelihood, { Low: 'unlikely', Medium: 'likely', High: 'very-likely' }[t.likelihood.level]);
      assert.equal(x.exploitation_impact, { Low: 'low', Medium: 'medium', High: 'high' }[t.impact.level]);
      if (t.componentKind === 'boundary') assert.equal(x.most_relevant_trust_boundary, t.component, t.key);
      else if (t.componentKind === 'element' || t.componentKind === 'endpoint') assert.equal(x.most_relevant_technical_asset, t.component, t.key);
      if (x.data_breach_probability === 'improbable') assert.deepEqual(x.data_breach_technical_assets, []);
    }
    const mesh = r.threats.find((t) => t.key === 'no-mutual-tls@mesh')!;
    const [[, meshRisk]] = risksOf(m).filter(([title]) => title.endsWith(`(${mesh.uid})`));
    assert.equal(synthetic('no-mutual-tls', meshRisk), 'no-mutual-tls@mesh');
    for (const c of Object.values<Any>(m.individual_risk_categories)) assert.ok(Number.isInteger(c.cwe), `${c.id}: every built-in rule has a CWE`);
    const cat = m.individual_risk_categories['No mutual TLS between services'];
    assert.deepEqual([cat.stride, cat.function, cat.cwe, cat.model_failure_possible_reason], ['spoofing', 'architecture', 306, false]);
    assert.match(cat.check, /mtls/);
  });

  it('a custom rule, unknown to the rule library, gets a category from its threats', () => {
    const r = analyzeText([
      'threatmap: 1', 'system: { name: Custom }', 'boundaries:', '  internet: { trust: untrusted }', '  app: { trust: internal }',
      'assets:', '  cards: { type: payment, classification: restricted }',
      'elements:', '  visitor: { tech: browser, in: internet }', '  api: { type: api, in: app, auth: jwt, handles: [cards], controls: [token-validation] }',
      'flows:', '  - visitor -> api: https',
      'rules:', '  custom:', '    - id: payment-needs-waf', '      title: "Payment data without a WAF in front of {name}"', '      stride: T',
      '      applies-to: element', '      when:', '        all:', '          - element.data.types: payment', '          - exposure: internet',
      '      mitigated-by: [waf]', '      likelihood: medium', '      impact: high', '      mitigation: Put a WAF in front.', '      references: [PCI-DSS-6.4]', '',
    ].join('\n'));
    const t = r.threats.find((x) => x.ruleId === 'payment-needs-waf')!;
    assert.ok(t, 'the custom rule fires');
    const m = exported(r);
    assert.deepEqual(threagileProblems(m), []);
    const c = m.individual_risk_categories['payment-needs-waf'];
    assert.deepEqual([c.id, c.stride, c.function, c.mitigation, c.cwe], ['payment-needs-waf', 'tampering', 'architecture', 'Put a WAF in front.', undefined]);
    assert.ok(`${t.title} (${t.uid})` in c.risks_identified);
  });

  it('shows triage as risk tracking under the synthetic risk id, with the matching status', () => {
    assert.deepEqual(Object.keys(RISK_STATUS).sort(), [...TRIAGE_STATUSES].sort());
    const triage = parseTriage([
      'threats:',
      '  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue, owner: alice, ticket: SEC-1 }',
      '  "cleartext-disclosure@lb": { status: mitigating, ticket: SEC-2 }',
      '  "unencrypted-store@cache": { status: mitigated, reason: encrypted volume }',
      '  "client-controlled-value@api:POST /cart": { status: false-positive, reason: prices are looked up }',
      '  "session-hijacking@api": { status: transferred, reason: the IdP vendor owns sessions, expires: 2027-06-30 }',
      '  "verbose-errors@api": { status: accepted, reason: legacy, expires: 2020-01-01 }',
      '',
    ].join('\n'), 'x').triage!;
    const r = applyTriage(analyzeExample('ecommerce'), triage, { today: '2026-11-28' });
    const m = exported(r);
    assert.deepEqual(threagileProblems(m), []);
    assert.deepEqual(m.risk_tracking, {
      'no-rate-limiting@api': { status: 'accepted', justification: 'public catalogue', ticket: 'SEC-1', checked_by: 'alice' },
      'cleartext-disclosure@lb': { status: 'in-progress', ticket: 'SEC-2' },
      'unencrypted-store@cache': { status: 'mitigated', justification: 'encrypted volume' },
      'client-controlled-value@api': { status: 'false-positive', justification: 'prices are looked up' },
      'session-hijacking@api': { status: 'accepted', justification: 'transferred until 2027-06-30: the IdP vendor owns sessions' },
      'verbose-errors@api': { status: 'unchecked', justification: 'accepted expired on 2020-01-01: legacy' },
    });
    assert.match(m.management_summary_comment, /after triage 5 still open, 4 closed/);
    assert.ok(!/\bdate:/.test(renderThreagile(r)), 'no date: the triage file records none');
  });

  it('threats sharing a risk id share its tracking: the least resolved status, every decision in the justification', () => {
    const base = analyzeExample('prelaunch');
    const [a, b] = base.threats.filter((t) => t.ruleId === 'no-rate-limiting' && t.component === 'app');
    assert.ok(a && b, 'two endpoints of one element, one rule');
    const withTriage = (lines: string[]) => exported(applyTriage(base, parseTriage(`threats:\n${lines.join('\n')}\n`, 'x').triage!, { today: '2026-11-28' }));
    const one = withTriage([`  "${a.key}": { status: accepted, reason: low volume }`]);
    assert.deepEqual(threagileProblems(one), []);
    assert.deepEqual(one.risk_tracking['no-rate-limiting@app'], { status: 'unchecked', justification: `${a.uid} accepted: low volume; ${b.uid} open` });
    const both = withTriage([`  "${a.key}": { status: accepted, reason: low volume }`, `  "${b.key}": { status: mitigated, reason: gateway limits }`]);
    assert.deepEqual(both.risk_tracking['no-rate-limiting@app'], {
      status: 'accepted', justification: `${a.uid} accepted: low volume; ${b.uid} mitigated: gateway limits`,
    });
  });

  it('keeps hostile names as text: quotes, line breaks, markup, __proto__ and the merge key `<<`', () => {
    for (const [text, file] of [[HOSTILE_MODEL, 'h.yaml'], [readFileSync('test/fixtures/track/hostile.yaml', 'utf8'), 'hostile.yaml']]) {
      const r = analyzeText(text, file);
      const yaml = renderThreagile(r);
      for (const m of [parseYaml(yaml, { version: '1.1', merge: true }) as Any, parseYaml(yaml) as Any]) {
        assert.deepEqual(threagileProblems(m), [], file);
        assert.equal(m.title, r.system.name);
        assert.equal(Object.keys(m.technical_assets).length, r.elements.length);
        for (const e of r.elements) assert.ok(Object.keys(m.technical_assets).some((k) => k === e.name || k === `${e.name} (${e.id})`), e.name);
        assert.equal(Object.getPrototypeOf(m.technical_assets), Object.prototype, 'no prototype set through a key');
      }
      const back = reimport(r);
      assert.deepEqual(back.elements.map((e) => e.kind), r.elements.map((e) => e.kind));
      assert.deepEqual(membership(back), membership(r));
    }
    const r = analyzeText(HOSTILE_MODEL, 'h.yaml');
    const m = parse(renderThreagile(r));
    assert.deepEqual(Object.keys(m.technical_assets), ['<img src=x onerror=alert(1)>', 'line\nbreak "quoted"', '__proto__', '<<', '<< (y)']);
    assert.ok(Object.hasOwn(m.technical_assets, '__proto__') && m.technical_assets.__proto__.id === 'api-1');
    assert.ok(Object.hasOwn(m.trust_boundaries, '<<'), 'the merge key is written as a string, not merged');
    // Ids in Threagile's form: lower case, `-` for the rest, and a taken one made unique.
    assert.deepEqual(Object.values<Any>(m.technical_assets).map((a) => a.id), ['user', 'api-1-2', 'api-1', 'x', 'y']);
    assert.deepEqual(Object.values<Any>(m.trust_boundaries).map((b) => b.id), ['net-1', 'inner-zone']);
    assert.deepEqual(m.tags_available, ['edge']);
    // Names come back as written, a repeated one too (the unique title it was given is Threagile's only).
    const back = reimport(r);
    assert.deepEqual(back.elements.map((e) => e.name), r.elements.map((e) => e.name));
    assert.deepEqual(back.boundaries.map((b) => b.name), ['__proto__', '<<']);
  });

  it('is deterministic and carries no timestamp', () => {
    for (const name of EXAMPLES) {
      const text = renderThreagile(analyzeExample(name));
      assert.equal(renderThreagile(analyzeExample(name)), text);
      assert.ok(!/\d{4}-\d{2}-\d{2}/.test(text), 'no dates');
      assert.equal(parse(text).date, undefined);
      assert.match(text, new RegExp(`^# Threagile model written by threatmap from examples/${name}\\.yaml`));
    }
  });
});
