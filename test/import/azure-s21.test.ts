// Session 21 "azure": the OTM, Microsoft TMT and draw.io importers read Azure SQL Database as the catalogue's
// managed `azure-sql` (encrypted at rest by default, reached over SQL), Cosmos DB as `cosmosdb` and Azure
// Database for PostgreSQL as `azure-postgres`, as the Terraform importer does; SQL Server itself (on premises,
// on a VM, on an edge device) and Azure's data warehouse (TDE off until switched on) stay `mssql`. TMT's
// "TDE Enabled: False" on an Azure SQL Database tags it `encryption-at-rest-off`, so unencrypted-store weighs it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importDrawio } from '../../src/import/drawio.js';
import { importOtm } from '../../src/import/otm.js';
import { importTm7, TM7_NAMESPACE } from '../../src/import/tm7.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { corpusDir, corpusMissing } from '../corpus.js';
import { analyzeText } from '../helpers.js';

function loaded(r: { text?: string; diagnostics: Parameters<typeof formatDiagnostics>[0] }) {
  assert.ok(r.text, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const l = loadModel(r.text, 'imported.yaml');
  assert.ok(l.model && !hasErrors(l.diagnostics), `imported model does not load:\n${formatDiagnostics(l.diagnostics)}\n${r.text}`);
  return { text: r.text, model: l.model, raw: parseYaml(r.text) as Record<string, any> };
}
const techOf = (m: { elements: Array<{ id: string; tech?: string; type?: string; kind: string }> }) =>
  Object.fromEntries(m.elements.map((e) => [e.id, e.tech ?? e.type ?? e.kind]));

// --- OTM ---------------------------------------------------------------------------------------------------

const otm = (types: string[]) => [
  'otmVersion: 0.2.0',
  'project: { name: Azure, id: azure }',
  'trustZones: [{ id: z, name: Cloud, risk: { trustRating: 80 } }]',
  'components:',
  ...types.map((t, i) => `  - { id: c${i}, name: c${i}, type: ${t}, parent: { trustZone: z } }`),
  '',
].join('\n');

describe('azure s21: OTM component types', () => {
  it('Azure SQL Database (IriusRisk\'s and StartLeft\'s names), Cosmos DB and Azure Database for PostgreSQL are the managed technologies', () => {
    const types = ['CD-MICROSOFT-AZURE-SQL-DB', 'azure-sql', 'microsoft-azure-sql-database', 'azure-cosmos-db', 'CD-MICROSOFT-AZURE-DB-POSTGRESQL', 'cosmosdb'];
    const m = loaded(importOtm(otm(types), 'a.otm.yaml')).model;
    assert.deepEqual(Object.values(techOf(m)), ['azure-sql', 'azure-sql', 'azure-sql', 'cosmosdb', 'azure-postgres', 'cosmosdb']);
  });
  it('SQL Server (plain, on a VM, on an edge device), the data warehouse, PostgreSQL and Amazon DocumentDB are not (MySQL on Azure is azure-mysql since session 22)', () => {
    const types = ['sql-server', 'mssql', 'sql-server-vm', 'azure-sql-edge', 'azure-sql-dw', 'postgresql', 'CD-MICROSOFT-AZURE-DB-MYSQL', 'amazon-documentdb'];
    const r = importOtm(otm(types), 'a.otm.yaml');
    const m = loaded(r).model;
    assert.deepEqual(Object.values(techOf(m)), ['mssql', 'mssql', 'mssql', 'mssql', 'mssql', 'postgres', 'azure-mysql', 'process']);
    assert.match(r.text!, /OTM type `amazon-documentdb` is not one threatmap knows/);
  });
  const otmDir = corpusDir('otm', 'startleft-mtmt_example.otm.yaml');
  it('the StartLeft conversion of the TMT example: its Azure Database for PostgreSQL is azure-postgres, reached over postgres', { skip: otmDir ? false : corpusMissing('the OTM corpus (otm/)') }, () => {
    const m = loaded(importOtm(readFileSync(join(otmDir!, 'startleft-mtmt_example.otm.yaml'), 'utf8'), 'mtmt.otm.yaml')).model;
    assert.equal(techOf(m)['accounting-postgresql'], 'azure-postgres');
    assert.ok(m.flows.filter((f) => f.to === 'accounting-postgresql').every((f) => f.protocol === 'postgres'));
  });
});

// --- Microsoft Threat Modeling Tool ---------------------------------------------------------------------------

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ABS = 'xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts"';
const KB = 'xmlns:b="http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase"';
const tm7 = (borders: string, lines: string) => `<ThreatModel xmlns="${TM7_NAMESPACE}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<DrawingSurfaceList><DrawingSurfaceModel>
<Borders xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">${borders}</Borders>
<Header>D</Header>
<Lines xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">${lines}</Lines>
</DrawingSurfaceModel></DrawingSurfaceList><Version>4.3</Version>
</ThreatModel>`.replace(/<(GenericTypeId|Guid|TypeId|Left|Top|Width|Height|SourceGuid|TargetGuid)>/g, `<$1 ${ABS}>`);
const text = (label: string, value: string) => `<a:anyType ${KB} i:type="b:StringDisplayAttribute"><b:DisplayName>${label}</b:DisplayName><b:Value>${value}</b:Value></a:anyType>`;
const list = (label: string, entries: string[], selected: number) => `<a:anyType ${KB} i:type="b:ListDisplayAttribute"><b:DisplayName>${label}</b:DisplayName>`
  + `<b:Value i:type="a:ArrayOfstring">${entries.map((e) => `<a:string>${e}</a:string>`).join('')}</b:Value><b:SelectedIndex>${selected}</b:SelectedIndex></a:anyType>`;
/** A stencil; with no KnowledgeBase in the file its TypeId names it, as the template's stencil name would. */
const stencil = (id: string, generic: string, name: string, typeId: string, props = '', left = 0) =>
  `<a:KeyValueOfguidanyType><a:Key>${id}</a:Key><a:Value><GenericTypeId>${generic}</GenericTypeId><Guid>${id}</Guid>`
  + `<Properties ${ABS}>${text('Name', name)}${props}</Properties><TypeId>${typeId}</TypeId>`
  + `<Left>${left}</Left><Top>0</Top><Width>100</Width><Height>100</Height></a:Value></a:KeyValueOfguidanyType>`;
const flow = (id: string, from: string, to: string) =>
  `<a:KeyValueOfguidanyType><a:Key>${id}</a:Key><a:Value i:type="Connector"><GenericTypeId>GE.DF</GenericTypeId><Guid>${id}</Guid>`
  + `<Properties ${ABS}>${text('Name', 'Request')}</Properties><TypeId>Request</TypeId>`
  + `<SourceGuid>${from}</SourceGuid><TargetGuid>${to}</TargetGuid></a:Value></a:KeyValueOfguidanyType>`;

/** A Web API calling one data store of each stencil named. */
function storesOf(stencils: Array<[name: string, props?: string]>) {
  const api = guid(1);
  const borders = stencil(api, 'GE.P', 'Api', 'Web API')
    + stencils.map(([name, props], i) => stencil(guid(10 + i), 'GE.DS', `Store ${i}`, name, props ?? '', 200 * (i + 1))).join('');
  const lines = stencils.map((_, i) => flow(guid(50 + i), api, guid(10 + i))).join('');
  return loaded(importTm7(tm7(borders, lines), 'm.tm7'));
}
const tde = (selected: number) => list('Azure SQL DB TDE Enabled', ['Select', 'True', 'False'], selected);

describe('azure s21: TMT stencils', () => {
  it('Azure SQL Database is azure-sql reached over SQL; Azure Cosmos DB (its TypeId says DocumentDB) cosmosdb', () => {
    const r = storesOf([['Azure SQL Database'], ['Azure SQL DB'], ['Azure Cosmos DB'], ['SE.P.TMCore.AzureDocumentDB']]);
    assert.deepEqual(Object.values(techOf(r.model)).slice(1), ['azure-sql', 'azure-sql', 'cosmosdb', 'cosmosdb']);
    assert.equal(r.model.flows.find((f) => f.to === 'store-0')!.protocol, 'sql');
  });
  it('SQL Server, the data warehouse and a generic SQL database are not (Azure Database for MySQL is azure-mysql since session 22)', () => {
    const r = storesOf([['SQL Server'], ['Azure SQL Data Warehouse Database'], ['Azure SQL DW DB'], ['SQL Database'], ['Azure Database for MySQL']]);
    assert.deepEqual(Object.values(techOf(r.model)).slice(1), ['mssql', 'mssql', 'mssql', 'database', 'azure-mysql']);
  });
  it('TDE Enabled False: tagged encryption-at-rest-off, and unencrypted-store reports it; True or left at Select: not', () => {
    const r = storesOf([['Azure SQL Database', tde(2)], ['Azure SQL Database', tde(1)], ['Azure SQL Database', tde(0)]]);
    assert.deepEqual(r.raw.elements['store-0'].tags, ['encryption-at-rest-off']);
    assert.match(r.text, /# TDE Enabled: False in TMT: its data is written unencrypted, against Azure's default; tagged `encryption-at-rest-off`\n {2}store-0:/);
    assert.equal(r.raw.elements['store-1'].tags, undefined);
    assert.deepEqual(r.raw.elements['store-1'].controls, ['encryption-at-rest']);
    assert.equal(r.raw.elements['store-2'].tags, undefined);
    const reported = analyzeText(r.text, 'imported.yaml').threats.filter((t) => t.ruleId === 'unencrypted-store').map((t) => t.component);
    assert.deepEqual(reported, ['store-0']);
  });
  it('TDE Enabled False on a store its provider does not encrypt (SQL Server): no tag, which would say nothing there', () => {
    const r = storesOf([['SQL Server', tde(2)]]);
    assert.equal(r.raw.elements['store-0'].tags, undefined);
  });
  const tm7Dir = corpusDir('mtmt', 'MTMT_example.tm7');
  it('the corpus example: its Azure Database for PostgreSQL stays azure-postgres, nothing reads as SQL Server', { skip: tm7Dir ? false : corpusMissing('the TMT corpus (mtmt/)') }, () => {
    const r = loaded(importTm7(readFileSync(join(tm7Dir!, 'MTMT_example.tm7'), 'utf8'), 'MTMT_example.tm7'));
    assert.equal(techOf(r.model)['accounting-postgresql'], 'azure-postgres');
    assert.ok(!/tech: (mssql|azure-sql)/.test(r.text));
  });
});

// --- draw.io -------------------------------------------------------------------------------------------------

const page = (cells: string) =>
  `<mxfile><diagram name="P"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>\n${cells}\n</root></mxGraphModel></diagram></mxfile>`;
const vertex = (id: string, label: string, style: string, x: number) =>
  `<mxCell id="${id}" value="${label}" style="${style}" vertex="1" parent="1"><mxGeometry x="${x}" y="0" width="78" height="78" as="geometry"/></mxCell>\n`;
const drawn = (icons: Array<[style: string, label?: string]>) =>
  loaded(importDrawio(page(icons.map(([style, label], i) => vertex(`c${i}`, label ?? `Icon ${i}`, style, i * 100)).join('')), 'a.drawio'));
const azure2 = (path: string) => `image;html=1;image=img/lib/azure2/${path}.svg;`;

describe('azure s21: draw.io Azure icons', () => {
  it('SQL Database, Azure SQL, elastic pools and managed instances are azure-sql; Cosmos DB cosmosdb; Azure Database for PostgreSQL azure-postgres', () => {
    const r = drawn([
      [azure2('databases/SQL_Database')], [azure2('databases/Azure_SQL')], [azure2('databases/SQL_Elastic_Pools')], [azure2('databases/SQL_Managed_Instance')],
      ['image;html=1;image=img/lib/mscae/SQL_Database_generic.svg;'], ['shape=mxgraph.azure.sql_database;'],
      [azure2('databases/Azure_Cosmos_DB')], ['image;html=1;image=img/lib/mscae/DocumentDB.svg;'],
      [azure2('databases/Azure_Database_PostgreSQL_Server')], [azure2('databases/Azure_Database_PostgreSQL_Server_Group')],
      ['shape=cylinder3;', 'Catalogue (Cosmos DB)'],
    ]);
    assert.deepEqual(r.model.elements.map((e) => e.tech), [
      'azure-sql', 'azure-sql', 'azure-sql', 'azure-sql', 'azure-sql', 'azure-sql', 'cosmosdb', 'cosmosdb', 'azure-postgres', 'azure-postgres', 'cosmosdb',
    ]);
  });
  it('SQL Server (with a note), SQL Server on a VM or an edge device, stretched or registered, and the data warehouse stay mssql; other icons unchanged', () => {
    const r = drawn([
      [azure2('databases/SQL_Server')], ['image;html=1;image=img/lib/mscae/SQL_Servers.svg;'], [azure2('databases/Azure_SQL_VM')], [azure2('databases/Azure_SQL_Edge')],
      [azure2('databases/Azure_SQL_Server_Stretch_Databases')], [azure2('databases/SQL_Server_Registries')], [azure2('databases/SQL_Data_Warehouses')],
      ['image;html=1;image=img/lib/mscae/SQL_DataWarehouse.svg;'],
      [azure2('databases/Azure_Database_MySQL_Server')], [azure2('containers/Container_Registries')], ['shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.rds_postgresql_instance;'],
      ['shape=cylinder3;', 'Orders (SQL Server)'],
    ]);
    assert.deepEqual(r.model.elements.map((e) => e.tech ?? e.type), [
      'mssql', 'mssql', 'mssql', 'mssql', 'mssql', 'mssql', 'mssql', 'mssql', 'azure-mysql', 'container-registry', 'postgres', 'mssql',
    ]);
    assert.match(r.text, /# the SQL Server icon: SQL Server's engine assumed; set `tech: azure-sql` if it is an Azure SQL Database server\n {2}icon-0:/);
  });
});
