// Session 22 (azure-mysql): Azure Database for MySQL reads as the catalogue's managed service `azure-mysql`
// (encrypted at rest by Azure, reached over MySQL's protocol) from Terraform, OTM, TMT stencils and draw.io icons.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { importOtm } from '../../src/import/otm.js';
import { techProtocol } from '../../src/import/protocols.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { TECHNOLOGIES } from '../../src/model/catalog.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

function modelOfTerraform(text: string) {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  const loaded = loadModel(draftToYaml(mergeDrafts([r.draft])), 'model.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return loaded.model;
}

const APP = (ref: string) => `resource "azurerm_linux_web_app" "shop" {
  name                = "shop"
  resource_group_name = "shop-prod"
  https_only          = true
  app_settings = {
    DB_HOST = ${ref}
  }
}
`;

describe('azure-mysql', () => {
  it('is a managed SQL database Azure encrypts at rest, reached over MySQL', () => {
    assert.equal(TECHNOLOGIES['azure-mysql'].type, 'database');
    assert.ok(TECHNOLOGIES['azure-mysql'].encryptedAtRest);
    assert.equal(techProtocol('azure-mysql'), 'mysql');
    // Self-hosted MySQL is not encrypted by default.
    assert.equal(TECHNOLOGIES.mysql.encryptedAtRest, undefined);
  });

  it('Terraform: a flexible server is azure-mysql, reached with TLS unless require_secure_transport is off, and not unencrypted', () => {
    const m = modelOfTerraform(`resource "azurerm_mysql_flexible_server" "orders" {
  name                = "orders"
  resource_group_name = "shop-prod"
}
${APP('azurerm_mysql_flexible_server.orders.fqdn')}`);
    const db = m.elements.find((e) => e.name === 'azurerm_mysql_flexible_server.orders')!;
    assert.equal(db.tech, 'azure-mysql');
    assert.deepEqual(m.flows.filter((f) => f.to === db.id).map((f) => f.protocol), ['mysql+tls']);
    assert.ok(!analyze(m).threats.some((t) => t.ruleId === 'unencrypted-store' && t.component === db.id));
    const off = modelOfTerraform(`resource "azurerm_mysql_flexible_server" "orders" {
  name                = "orders"
  resource_group_name = "shop-prod"
}
resource "azurerm_mysql_flexible_server_configuration" "tls" {
  name      = "require_secure_transport"
  server_id = azurerm_mysql_flexible_server.orders.id
  value     = "OFF"
}
${APP('azurerm_mysql_flexible_server.orders.fqdn')}`);
    const plain = off.elements.find((e) => e.name === 'azurerm_mysql_flexible_server.orders')!;
    assert.deepEqual(off.flows.filter((f) => f.to === plain.id).map((f) => f.protocol), ['mysql']);
  });

  it('Terraform: a single server is azure-mysql, with TLS where ssl_enforcement_enabled says so', () => {
    const m = modelOfTerraform(`resource "azurerm_mysql_server" "legacy" {
  name                    = "legacy"
  resource_group_name     = "shop-prod"
  ssl_enforcement_enabled = true
}
${APP('azurerm_mysql_server.legacy.fqdn')}`);
    const db = m.elements.find((e) => e.name === 'azurerm_mysql_server.legacy')!;
    assert.equal(db.tech, 'azure-mysql');
    assert.deepEqual(m.flows.filter((f) => f.to === db.id).map((f) => f.protocol), ['mysql+tls']);
  });

  it('OTM: an Azure MySQL component type is azure-mysql, plain MySQL stays mysql', () => {
    const otm = (type: string) => `otmVersion: 0.2.0\nproject: { name: P, id: p }\ntrustZones:\n  - { id: tz, name: Cloud, risk: { trustRating: 80 } }\n` +
      `components:\n  - { id: db, name: DB, type: ${type}, parent: { trustZone: tz } }\n`;
    const tech = (type: string) => {
      const r = importOtm(otm(type), 'm.otm.yaml');
      assert.ok(r.text, formatDiagnostics(r.diagnostics));
      const loaded = loadModel(r.text, 'm.yaml');
      assert.ok(loaded.model, formatDiagnostics(loaded.diagnostics));
      return loaded.model.elements.find((e) => e.name === 'DB')?.tech;
    };
    assert.equal(tech('CD-MICROSOFT-AZURE-DB-MYSQL'), 'azure-mysql');
    assert.equal(tech('mysql'), 'mysql');
  });
});
