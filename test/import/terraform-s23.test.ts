// A Google or Azure edge's backends are found by following references from it (chainFlows). An application that
// names the edge's address (a Front Door endpoint's host name in its settings) calls the edge; it is no backend,
// and before this it got a flow from the edge.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';

const FRONT_DOOR = `
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "shop" {
  name     = "shop"
  location = "westeurope"
}
resource "azurerm_service_plan" "plan" {
  name                = "plan"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location
  os_type             = "Linux"
  sku_name            = "P1v3"
}
resource "azurerm_linux_web_app" "shop" {
  name                = "shop-web"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location
  service_plan_id     = azurerm_service_plan.plan.id
  site_config {}
}
resource "azurerm_linux_function_app" "mailer" {
  name                = "shop-mailer"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location
  service_plan_id     = azurerm_service_plan.plan.id
  app_settings = {
    SHOP_URL = "https://\${azurerm_cdn_frontdoor_endpoint.shop.host_name}/orders"
  }
  site_config {}
}
resource "azurerm_cdn_frontdoor_profile" "shop" {
  name                = "shop-fd"
  resource_group_name = azurerm_resource_group.shop.name
  sku_name            = "Premium_AzureFrontDoor"
}
resource "azurerm_cdn_frontdoor_endpoint" "shop" {
  name                     = "shop"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.shop.id
}
resource "azurerm_cdn_frontdoor_origin_group" "shop" {
  name                     = "shop"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.shop.id
  load_balancing {}
}
resource "azurerm_cdn_frontdoor_origin" "shop" {
  name                          = "shop"
  cdn_frontdoor_origin_group_id = azurerm_cdn_frontdoor_origin_group.shop.id
  host_name                     = azurerm_linux_web_app.shop.default_hostname
  certificate_name_check_enabled = true
}
`;

function flowsOf(text: string): string[] {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  const yaml = draftToYaml(mergeDrafts([r.draft]));
  return yaml.slice(yaml.indexOf('\nflows:')).split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
}

describe('Terraform edges and the applications naming their address (terraform-s23)', () => {
  it('an app naming the Front Door endpoint\'s host name gets no flow from Front Door; its origin does', () => {
    const flows = flowsOf(FRONT_DOOR);
    assert.ok(flows.includes('shop-frontdoor -> shop-app: https'), flows.join('\n'));
    assert.ok(!flows.some((f) => f.startsWith('shop-frontdoor -> mailer')), flows.join('\n'));
  });

  it('an app the origin names by its host name is still the backend', () => {
    const flows = flowsOf(FRONT_DOOR.replace(/ {2}app_settings = \{\n[^}]*\}\n/, ''));
    assert.deepEqual(flows.filter((f) => f.startsWith('shop-frontdoor ->')), ['shop-frontdoor -> shop-app: https']);
  });
});
