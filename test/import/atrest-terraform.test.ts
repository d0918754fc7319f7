// Encryption at rest a provider does by default, as Terraform discovery reads it: Azure SQL, Cosmos DB and Azure
// Database for PostgreSQL get the catalogue's technologies (so unencrypted-store counts the provider's encryption),
// and an explicit switch-off of that default (transparent data encryption off on an Azure SQL database, SSE-SQS off
// on a queue without a KMS key) tags the store `encryption-at-rest-off` with its file:line, which makes the rule
// report it again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { TECHNOLOGIES } from '../../src/model/catalog.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { TerraformResult } from '../../src/import/terraform.js';
import type { Model } from '../../src/model/types.js';
import { draftModel as modelOf, readTerraform as read } from './draft-helpers.js';

const elementNamed = (m: Model, address: string) => {
  const e = m.elements.find((x) => x.name === address);
  assert.ok(e, `${address} is an element`);
  return e;
};
const tagsOf = (r: TerraformResult, address: string): string[] => elementNamed(modelOf(r.draft), address).tags;
const checksAbout = (r: TerraformResult, words: RegExp): string[] => r.checks.filter((c) => words.test(c.message)).map((c) => `${c.file}:${c.line}`);

/**
 * unencrypted-store's outcome on the element: `threat`, or `provider` when the provider's default encryption
 * mitigates it (the coverage cell's reason says so), else undefined.
 */
function unencryptedStore(m: Model, address: string): 'threat' | 'provider' | undefined {
  const id = elementNamed(m, address).id;
  const r = analyze(m);
  if (r.threats.some((t) => t.ruleId === 'unencrypted-store' && t.component === id)) return 'threat';
  const cell = r.coverage.find((row) => row.component === id)?.cells.find((c) => c.stride === 'I');
  return cell?.status === 'mitigated' && /encrypted by default/.test(cell.reason) ? 'provider' : undefined;
}

/** An Azure SQL server, its database (with `dbExtra` among its arguments) and a web app whose settings name the server. */
const azureSql = (dbExtra = '') => `resource "azurerm_mssql_server" "orders" {
  name                = "orders"
  resource_group_name = "shop-prod"
  location            = "westeurope"
  version             = "12.0"
  administrator_login = "sqladmin"
}
resource "azurerm_mssql_database" "orders" {
  name      = "orders"
  server_id = azurerm_mssql_server.orders.id${dbExtra}
}
resource "azurerm_linux_web_app" "shop" {
  name                = "shop"
  resource_group_name = "shop-prod"
  https_only          = true
  app_settings = {
    SQL_SERVER = azurerm_mssql_server.orders.fully_qualified_domain_name
  }
}
`;

/** A queue with `extra` among its arguments. */
const queue = (extra = '') => `provider "aws" { region = "eu-west-1" }
resource "aws_sqs_queue" "jobs" {
  name = "jobs"${extra}
}
`;

/** The model with a confidential asset stored in the element, so that unencrypted-store weighs it. */
function storing(m: Model, address: string): Model {
  const loaded = loadModel('threatmap: 1\nsystem: { name: S }\nassets:\n  pii: { classification: confidential }\nelements:\n  db: { type: database, stores: [pii] }\n', 'assets.yaml');
  assert.ok(loaded.model, formatDiagnostics(loaded.diagnostics));
  const pii = loaded.model.assets[0];
  return { ...m, assets: [...m.assets, pii], elements: m.elements.map((e) => (e.name === address ? { ...e, stores: [...e.stores, pii.id] } : e)) };
}

describe('Terraform: Azure SQL, Cosmos DB and Azure PostgreSQL are the catalogue\'s always-encrypted technologies', () => {
  it('azurerm_mssql_server is azure-sql, still reached over SQL with TLS; azurerm_cosmosdb_account is cosmosdb', () => {
    const r = read(`${azureSql()}resource "azurerm_cosmosdb_account" "docs" {
  name                = "docs"
  resource_group_name = "shop-prod"
  offer_type          = "Standard"
}
resource "azurerm_cosmosdb_account" "catalogue" {
  name                = "catalogue"
  resource_group_name = "shop-prod"
  kind                = "MongoDB"
}
`);
    const m = modelOf(r.draft);
    assert.equal(elementNamed(m, 'azurerm_mssql_server.orders').tech, 'azure-sql');
    assert.equal(elementNamed(m, 'azurerm_cosmosdb_account.docs').tech, 'cosmosdb');
    assert.equal(elementNamed(m, 'azurerm_cosmosdb_account.catalogue').tech, 'cosmosdb');
    for (const tech of ['azure-sql', 'cosmosdb']) assert.ok(TECHNOLOGIES[tech].encryptedAtRest, tech);
    const sql = elementNamed(m, 'azurerm_mssql_server.orders').id;
    assert.deepEqual(m.flows.filter((f) => f.to === sql).map((f) => `${f.from} ${f.protocol}`), ['shop sql+tls']);
  });

  it('Azure Database for PostgreSQL (flexible or single server) is azure-postgres, reached over PostgreSQL with TLS', () => {
    const r = read(`resource "azurerm_postgresql_flexible_server" "ledger" {
  name                = "ledger"
  resource_group_name = "shop-prod"
}
resource "azurerm_postgresql_server" "legacy" {
  name                    = "legacy"
  resource_group_name     = "shop-prod"
  ssl_enforcement_enabled = true
}
resource "azurerm_linux_web_app" "shop" {
  name                = "shop"
  resource_group_name = "shop-prod"
  app_settings = {
    DB     = azurerm_postgresql_flexible_server.ledger.fqdn
    LEGACY = azurerm_postgresql_server.legacy.fqdn
  }
}
`);
    const m = modelOf(r.draft);
    for (const address of ['azurerm_postgresql_flexible_server.ledger', 'azurerm_postgresql_server.legacy']) assert.equal(elementNamed(m, address).tech, 'azure-postgres', address);
    assert.deepEqual(m.flows.filter((f) => f.from === 'shop').map((f) => f.protocol), ['postgres+tls', 'postgres+tls']);
    assert.equal(unencryptedStore(storing(m, 'azurerm_postgresql_server.legacy'), 'azurerm_postgresql_server.legacy'), 'provider');
  });

  it('a SQL Server engine on RDS stays mssql (not the Azure service), and is not encrypted by default', () => {
    const m = modelOf(read('resource "aws_db_instance" "legacy" {\n  engine = "sqlserver-se"\n}\n').draft);
    assert.equal(elementNamed(m, 'aws_db_instance.legacy').tech, 'mssql');
    assert.equal(TECHNOLOGIES.mssql.encryptedAtRest, undefined);
  });

  it('unencrypted-store: an Azure SQL server with nothing switched off is covered by the provider default', () => {
    const r = read(azureSql());
    assert.deepEqual(tagsOf(r, 'azurerm_mssql_server.orders'), []);
    assert.deepEqual(checksAbout(r, /transparent_data_encryption/), []);
    assert.equal(unencryptedStore(storing(modelOf(r.draft), 'azurerm_mssql_server.orders'), 'azurerm_mssql_server.orders'), 'provider');
  });
});

describe('Terraform: transparent data encryption switched off on an Azure SQL database', () => {
  it('tags the database\'s server with the line, says so as a check, and unencrypted-store reports it', () => {
    const r = read(azureSql('\n  transparent_data_encryption_enabled = false'));
    assert.deepEqual(tagsOf(r, 'azurerm_mssql_server.orders'), ['encryption-at-rest-off:main.tf:11']);
    assert.deepEqual(checksAbout(r, /transparent_data_encryption_enabled = false/), ['main.tf:11']);
    // The files never say what the database holds: the placeholder is what the rule weighs.
    assert.equal(unencryptedStore(modelOf(r.draft), 'azurerm_mssql_server.orders'), 'threat');
  });

  it('switched on, or from a variable the files give no value for: no tag, no check', () => {
    const on = read(azureSql('\n  transparent_data_encryption_enabled = true'));
    assert.deepEqual(tagsOf(on, 'azurerm_mssql_server.orders'), []);
    assert.deepEqual(checksAbout(on, /transparent_data_encryption/), []);
    const unknown = read(`variable "tde" { type = bool }\n${azureSql('\n  transparent_data_encryption_enabled = var.tde')}`);
    assert.deepEqual(tagsOf(unknown, 'azurerm_mssql_server.orders'), []);
    assert.deepEqual(checksAbout(unknown, /transparent_data_encryption/), []);
  });

  it('a database created by no instance (count = 0) switches nothing off', () => {
    const r = read(azureSql('\n  count     = 0\n  transparent_data_encryption_enabled = false'));
    assert.deepEqual(tagsOf(r, 'azurerm_mssql_server.orders'), []);
    assert.deepEqual(checksAbout(r, /transparent_data_encryption/), []);
  });
});

describe('Terraform: SSE-SQS switched off on a queue', () => {
  it('the catalogue has SQS encrypted by its provider, so a queue with nothing switched off is covered', () => {
    assert.match(TECHNOLOGIES.sqs.encryptedAtRest ?? '', /SSE-SQS/);
    const r = read(queue());
    assert.deepEqual(tagsOf(r, 'aws_sqs_queue.jobs'), []);
    assert.equal(unencryptedStore(storing(modelOf(r.draft), 'aws_sqs_queue.jobs'), 'aws_sqs_queue.jobs'), 'provider');
  });

  it('sqs_managed_sse_enabled = false without a KMS key tags the queue with the line, and unencrypted-store reports it', () => {
    const r = read(queue('\n  sqs_managed_sse_enabled = false'));
    assert.deepEqual(tagsOf(r, 'aws_sqs_queue.jobs'), ['encryption-at-rest-off:main.tf:4']);
    assert.deepEqual(checksAbout(r, /sqs_managed_sse_enabled = false/), ['main.tf:4']);
    assert.equal(unencryptedStore(modelOf(r.draft), 'aws_sqs_queue.jobs'), 'threat');
    // A literal null names no key either.
    const nullKey = read(queue('\n  kms_master_key_id       = null\n  sqs_managed_sse_enabled = false'));
    assert.deepEqual(tagsOf(nullKey, 'aws_sqs_queue.jobs'), ['encryption-at-rest-off:main.tf:5']);
  });

  it('with a KMS key (or one a variable may give), or SSE-SQS left on: no tag, no check', () => {
    for (const extra of [
      '\n  sqs_managed_sse_enabled = false\n  kms_master_key_id       = "alias/aws/sqs"',
      '\n  sqs_managed_sse_enabled = false\n  kms_master_key_id       = var.key',
      '\n  sqs_managed_sse_enabled = true',
    ]) {
      const r = read(`variable "key" {}\n${queue(extra)}`);
      assert.deepEqual(tagsOf(r, 'aws_sqs_queue.jobs'), [], extra);
      assert.deepEqual(checksAbout(r, /sqs_managed_sse_enabled/), [], extra);
    }
  });

  it('the terraform-aws-modules SQS module: its input switched off is the same fact; its default is on', () => {
    const off = read('module "jobs" {\n  source                  = "terraform-aws-modules/sqs/aws"\n  sqs_managed_sse_enabled = false\n}\n');
    assert.deepEqual(tagsOf(off, 'module.jobs'), ['encryption-at-rest-off:main.tf:3']);
    const on = read('module "jobs" {\n  source = "terraform-aws-modules/sqs/aws"\n}\n');
    assert.deepEqual(tagsOf(on, 'module.jobs'), []);
  });
});

describe('Terraform: an off switch on a store its provider does not encrypt by default', () => {
  it('storage_encrypted = false on RDS is a check and a placeholder, not an encryption-at-rest-off tag (the rule reports it anyway)', () => {
    const r = read('resource "aws_db_instance" "plain" {\n  engine            = "postgres"\n  storage_encrypted = false\n}\n');
    assert.deepEqual(tagsOf(r, 'aws_db_instance.plain'), []);
    assert.deepEqual(checksAbout(r, /storage_encrypted = false/), ['main.tf:3']);
    assert.equal(unencryptedStore(modelOf(r.draft), 'aws_db_instance.plain'), 'threat');
  });
});
