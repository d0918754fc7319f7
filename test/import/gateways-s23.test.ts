// Session 23 (gateways): Azure API Management, Google Apigee and Google Cloud API Gateway are the catalogue's
// managed gateways (type `gateway`, trait `cloud`, as AWS's `api-gateway`), and Azure Application Gateway, Azure
// Load Balancer and Google Cloud Load Balancing its managed load balancers. Terraform discovery draws them with
// their operations, backends, target servers and WAFs; OTM types, TMT stencils and draw.io icons name them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { importDrawio } from '../../src/import/drawio.js';
import { importOtm } from '../../src/import/otm.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { importTm7, TM7_NAMESPACE } from '../../src/import/tm7.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

const AZURE = `provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "shop" {
  name     = "shop-prod"
  location = "westeurope"
}

resource "azurerm_service_plan" "api" {
  name                = "shop-api"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location
  os_type             = "Linux"
  sku_name            = "P1v3"
}

resource "azurerm_linux_web_app" "orders" {
  name                = "shop-orders"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location
  service_plan_id     = azurerm_service_plan.api.id
  https_only          = true
  site_config {}
}

resource "azurerm_linux_function_app" "stock" {
  name                       = "shop-stock"
  resource_group_name        = azurerm_resource_group.shop.name
  location                   = azurerm_resource_group.shop.location
  service_plan_id            = azurerm_service_plan.api.id
  storage_account_name       = "shopstockfn"
  storage_account_access_key = var.storage_key
  https_only                 = true
  site_config {}
}

variable "storage_key" {
  type      = string
  sensitive = true
}

resource "azurerm_api_management" "shop" {
  name                = "shop-apim"
  location            = azurerm_resource_group.shop.location
  resource_group_name = azurerm_resource_group.shop.name
  publisher_name      = "Shop"
  publisher_email     = "api@shop.example"
  sku_name            = "Developer_1"
}

resource "azurerm_api_management_api" "orders" {
  name                = "orders"
  resource_group_name = azurerm_resource_group.shop.name
  api_management_name = azurerm_api_management.shop.name
  revision            = "1"
  display_name        = "Orders"
  path                = "orders"
  protocols           = ["https"]
  service_url         = "https://\${azurerm_linux_web_app.orders.default_hostname}"
}

resource "azurerm_api_management_api_operation" "list" {
  operation_id        = "list-orders"
  api_name            = azurerm_api_management_api.orders.name
  api_management_name = azurerm_api_management.shop.name
  resource_group_name = azurerm_resource_group.shop.name
  display_name        = "List orders"
  method              = "GET"
  url_template        = "/"
}

resource "azurerm_api_management_api_operation" "get" {
  operation_id        = "get-order"
  api_name            = azurerm_api_management_api.orders.name
  api_management_name = azurerm_api_management.shop.name
  resource_group_name = azurerm_resource_group.shop.name
  display_name        = "Get an order"
  method              = "GET"
  url_template        = "/{id}"

  template_parameter {
    name     = "id"
    required = true
    type     = "string"
  }
}

resource "azurerm_api_management_api" "status" {
  name                  = "status"
  resource_group_name   = azurerm_resource_group.shop.name
  api_management_name   = azurerm_api_management.shop.name
  revision              = "1"
  display_name          = "Status"
  path                  = "status"
  protocols             = ["https"]
  subscription_required = false
}

resource "azurerm_api_management_api_operation" "health" {
  operation_id        = "health"
  api_name            = azurerm_api_management_api.status.name
  api_management_name = azurerm_api_management.shop.name
  resource_group_name = azurerm_resource_group.shop.name
  display_name        = "Health"
  method              = "GET"
  url_template        = "/health"
}

resource "azurerm_api_management_backend" "stock" {
  name                = "stock"
  resource_group_name = azurerm_resource_group.shop.name
  api_management_name = azurerm_api_management.shop.name
  protocol            = "http"
  url                 = "https://\${azurerm_linux_function_app.stock.default_hostname}/api"
}
`;

const GOOGLE = `provider "google" {
  project = "shop-prod"
  region  = "europe-west1"
}

resource "google_cloud_run_v2_service" "orders" {
  name     = "orders"
  location = "europe-west1"
  ingress  = "INGRESS_TRAFFIC_ALL"
  template {
    service_account = google_service_account.orders.email
    containers {
      image = "europe-docker.pkg.dev/shop-prod/shop/orders:1.4.2"
    }
  }
}

resource "google_service_account" "gateway" {
  account_id   = "orders-gateway"
  display_name = "Orders API Gateway"
}

resource "google_service_account" "orders" {
  account_id = "orders"
}

resource "google_api_gateway_api" "orders" {
  provider = google-beta
  api_id   = "orders"
}

resource "google_api_gateway_api_config" "orders" {
  provider      = google-beta
  api           = google_api_gateway_api.orders.api_id
  api_config_id = "orders-v1"

  openapi_documents {
    document {
      path     = "openapi.yaml"
      contents = base64encode(templatefile("\${path.module}/openapi.yaml.tftpl", { backend = google_cloud_run_v2_service.orders.uri }))
    }
  }

  gateway_config {
    backend_config {
      google_service_account = google_service_account.gateway.email
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_api_gateway_gateway" "orders" {
  provider   = google-beta
  api_config = google_api_gateway_api_config.orders.id
  gateway_id = "orders"
  region     = "europe-west1"
}

resource "google_compute_network" "apigee" {
  name = "apigee"
}

resource "google_compute_global_address" "apigee_range" {
  name          = "apigee-range"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 22
  network       = google_compute_network.apigee.id
}

resource "google_apigee_organization" "shop" {
  analytics_region   = "europe-west1"
  project_id         = "shop-prod"
  authorized_network = google_compute_network.apigee.id
}

resource "google_apigee_instance" "eu" {
  name     = "eu-west1"
  location = "europe-west1"
  org_id   = google_apigee_organization.shop.id
}

resource "google_apigee_environment" "prod" {
  name   = "prod"
  org_id = google_apigee_organization.shop.id
}

resource "google_apigee_instance_attachment" "prod" {
  instance_id = google_apigee_instance.eu.id
  environment = google_apigee_environment.prod.name
}

resource "google_compute_instance" "legacy" {
  name         = "legacy-billing"
  machine_type = "e2-medium"
  zone         = "europe-west1-b"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = google_compute_network.apigee.id
  }
}

resource "google_apigee_target_server" "billing" {
  name     = "billing"
  env_id   = google_apigee_environment.prod.id
  host     = google_compute_instance.legacy.network_interface[0].network_ip
  port     = 8443
  protocol = "HTTP"
  s_sl_info {
    enabled = true
  }
}

resource "google_compute_region_network_endpoint_group" "apigee" {
  name                  = "apigee-psc"
  region                = "europe-west1"
  network_endpoint_type = "PRIVATE_SERVICE_CONNECT"
  psc_target_service    = google_apigee_instance.eu.service_attachment
  network               = google_compute_network.apigee.id
}

resource "google_compute_security_policy" "edge" {
  name = "apigee-edge"

  rule {
    action   = "deny(403)"
    priority = 1000
    match {
      expr {
        expression = "evaluatePreconfiguredWaf('sqli-v33-stable')"
      }
    }
  }

  rule {
    action   = "allow"
    priority = 2147483647
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

resource "google_compute_backend_service" "apigee" {
  name                  = "apigee"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  security_policy       = google_compute_security_policy.edge.id
  backend {
    group = google_compute_region_network_endpoint_group.apigee.id
  }
}

resource "google_compute_url_map" "apigee" {
  name            = "apigee"
  default_service = google_compute_backend_service.apigee.id
}

resource "google_compute_target_https_proxy" "apigee" {
  name             = "apigee"
  url_map          = google_compute_url_map.apigee.id
  ssl_certificates = ["projects/shop-prod/global/sslCertificates/api-shop"]
}

resource "google_compute_global_forwarding_rule" "apigee" {
  name                  = "apigee"
  target                = google_compute_target_https_proxy.apigee.id
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
`;

function discovered(text: string): { draft: Draft; skipped: string[] } {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  const draft = mergeDrafts([r.draft]);
  const loaded = loadModel(draftToYaml(draft), 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { draft, skipped: r.skippedTypes };
}
const techs = (d: Draft) => d.elements.filter((e) => !e.madeUp).map((e) => `${e.id} ${e.identity?.tech ?? e.identity?.type}`);
const flows = (d: Draft) => {
  const id = new Map(d.elements.map((e) => [e.key, e.madeUp ? 'clients' : e.id]));
  return d.flows.map((f) => `${id.get(f.from)} -> ${id.get(f.to)}: ${f.protocol}${f.port !== undefined ? `:${f.port}` : ''}${f.auth ? ` (${f.auth})` : ''}`).sort();
};
const byId = (d: Draft, id: string) => d.elements.find((e) => e.id === id)!;
const flowNotes = (d: Draft, from: string, to: string) => {
  const key = (id: string) => d.elements.find((e) => (id === 'clients' ? e.madeUp : e.id === id))!.key;
  return d.flows.find((f) => f.from === key(from) && f.to === key(to))!.evidence.map((e) => `${e.provenance.line} ${e.provenance.note}`);
};

describe('gateways s23: Azure API Management in Terraform', () => {
  const { draft, skipped } = discovered(AZURE);

  it('is azure-api-management, and its APIs, operations and backends are read, not skipped', () => {
    assert.deepEqual(techs(draft), ['orders web-app', 'stock function', 'shop azure-api-management']);
    assert.deepEqual(skipped, []);
  });

  it('its operations are endpoints under their API\'s path, taking a subscription key unless the API turns it off', () => {
    assert.deepEqual(byId(draft, 'shop').endpoints?.map((e) => `${e.key} ${e.auth ?? 'no auth said'} @${e.provenance[0].line}`), [
      'GET /orders api-key @63', 'GET /orders/{id} api-key @73', 'GET /status/health no auth said @100',
    ]);
  });

  it('calls each API\'s service_url and each backend\'s url, over the scheme written; the internet calls the gateway', () => {
    assert.deepEqual(flows(draft), [
      'clients -> orders: https', 'clients -> shop: https', 'clients -> stock: https', 'shop -> orders: https', 'shop -> stock: https',
    ]);
    assert.deepEqual(flowNotes(draft, 'shop', 'orders'), ['60 azurerm_api_management_api.orders service_url -> azurerm_linux_web_app.orders']);
    assert.deepEqual(flowNotes(draft, 'shop', 'stock'), ['115 azurerm_api_management_backend.stock url -> azurerm_linux_function_app.stock']);
  });

  it('a plain-HTTP service_url is an HTTP call', () => {
    const d = discovered(AZURE.replace('service_url         = "https://', 'service_url         = "http://')).draft;
    assert.ok(flows(d).includes('shop -> orders: http'), flows(d).join('\n'));
  });

  it('an Internal virtual network or public access off: no call from the internet', () => {
    const internal = discovered(AZURE.replace('  sku_name            = "Developer_1"\n', '  sku_name            = "Developer_1"\n  virtual_network_type = "Internal"\n')).draft;
    const off = discovered(AZURE.replace('  sku_name            = "Developer_1"\n', '  sku_name            = "Developer_1"\n  public_network_access_enabled = false\n')).draft;
    for (const d of [internal, off]) assert.ok(!flows(d).includes('clients -> shop: https'), flows(d).join('\n'));
    assert.ok(flows(draft).includes('clients -> shop: https'));
  });

  it('an app that names the gateway\'s address calls it, over HTTPS; the gateway does not call the app back', () => {
    const text = AZURE.replace(/resource "azurerm_api_management_backend"[\s\S]*$/, '').replace(
      '  storage_account_access_key = var.storage_key\n  https_only                 = true\n  site_config {}\n',
      '  storage_account_access_key = var.storage_key\n  https_only                 = true\n  site_config {}\n  app_settings = {\n    ORDERS_API = azurerm_api_management.shop.gateway_url\n  }\n',
    );
    const f = flows(discovered(text).draft);
    assert.ok(f.includes('stock -> shop: https'), f.join('\n'));
    assert.ok(!f.some((x) => x.startsWith('shop -> stock')), f.join('\n'));
  });
});

const APP_GATEWAY = (waf: string, extra = '') => `resource "azurerm_resource_group" "shop" {
  name     = "shop-prod"
  location = "westeurope"
}

resource "azurerm_public_ip" "agw" {
  name                = "agw-ip"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_application_gateway" "web" {
  name                = "shop-agw"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location

  sku {
    name     = "WAF_v2"
    tier     = "WAF_v2"
    capacity = 2
  }

  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.agw.id
  }
${waf}}
${extra}`;
const WAF_BLOCK = (mode: string) => `
  waf_configuration {
    enabled          = true
    firewall_mode    = "${mode}"
    rule_set_version = "3.2"
  }
`;
const POLICY = (mode: string) => `
resource "azurerm_web_application_firewall_policy" "web" {
  name                = "shop-waf"
  resource_group_name = azurerm_resource_group.shop.name
  location            = azurerm_resource_group.shop.location

  policy_settings {
    enabled = true
    mode    = "${mode}"
  }

  managed_rules {
    managed_rule_set {
      version = "3.2"
    }
  }
}
`;

describe('gateways s23: Azure Application Gateway in Terraform', () => {
  const controls = (text: string) => {
    const e = byId(discovered(text).draft, 'web');
    assert.equal(e.identity?.tech, 'azure-application-gateway');
    return (e.controls ?? []).map((c) => `${c.control} @${c.provenance.line} ${c.provenance.note}`);
  };

  it('is azure-application-gateway, with the waf control when its WAF blocks (waf_configuration or a policy in prevention mode)', () => {
    assert.deepEqual(controls(APP_GATEWAY(WAF_BLOCK('Prevention'))), ['waf @30 waf_configuration: enabled in prevention mode']);
    assert.deepEqual(controls(APP_GATEWAY('  firewall_policy_id = azurerm_web_application_firewall_policy.web.id\n', POLICY('Prevention'))),
      ['waf @29 firewall_policy_id -> azurerm_web_application_firewall_policy.web (prevention mode)']);
  });

  it('an Azure Load Balancer is azure-load-balancer, a Google forwarding rule gcp-load-balancer', () => {
    const lb = 'resource "azurerm_lb" "web" {\n  name                = "shop-lb"\n  resource_group_name = "shop-prod"\n  location            = "westeurope"\n}\n';
    assert.deepEqual(techs(discovered(lb).draft), ['web azure-load-balancer']);
    const rule = 'resource "google_compute_forwarding_rule" "internal" {\n  name                  = "internal"\n  load_balancing_scheme = "INTERNAL"\n  ports                 = ["8080"]\n}\n';
    assert.deepEqual(techs(discovered(rule).draft), ['internal-lb gcp-load-balancer']);
  });

  it('no WAF, or one that only detects: no control', () => {
    assert.deepEqual(controls(APP_GATEWAY('')), []);
    assert.deepEqual(controls(APP_GATEWAY(WAF_BLOCK('Detection'))), []);
    assert.deepEqual(controls(APP_GATEWAY('  firewall_policy_id = azurerm_web_application_firewall_policy.web.id\n', POLICY('Detection'))), []);
  });
});

describe('gateways s23: Google API Gateway and Apigee in Terraform', () => {
  const { draft, skipped } = discovered(GOOGLE);

  it('the API Gateway gateway is gcp-api-gateway, the Apigee instance apigee; their configuration is read, not skipped', () => {
    assert.deepEqual(techs(draft), ['orders-run service', 'orders-gateway gcp-api-gateway', 'eu apigee', 'legacy service', 'apigee gcp-load-balancer']);
    assert.deepEqual(skipped, []);
  });

  it('the internet calls the gateway; it calls the backend its OpenAPI document names, signed as its service account', () => {
    assert.ok(flows(draft).includes('clients -> orders-gateway: https'));
    assert.ok(flows(draft).includes('orders-gateway -> orders-run: https (iam)'), flows(draft).join('\n'));
    assert.deepEqual(flowNotes(draft, 'orders-gateway', 'orders-run'),
      ['37 google_api_gateway_api_config.orders OpenAPI document -> google_cloud_run_v2_service.orders; calls signed as its backend_config service account']);
  });

  it('without a backend service account the call is not said to be signed', () => {
    const d = discovered(GOOGLE.replace(/  gateway_config \{[\s\S]*?\n  \}\n\n/, '')).draft;
    assert.ok(flows(d).includes('orders-gateway -> orders-run: https'), flows(d).join('\n'));
  });

  it('Apigee calls its environment\'s target servers (TLS when s_sl_info is on) and is reached through the load balancer', () => {
    assert.ok(flows(draft).includes('eu -> legacy: https:8443'), flows(draft).join('\n'));
    assert.ok(flows(draft).includes('apigee -> eu: https'), flows(draft).join('\n'));
    assert.ok(!flows(draft).some((f) => f.startsWith('clients -> eu')), flows(draft).join('\n'));
    const plain = discovered(GOOGLE.replace('  s_sl_info {\n    enabled = true\n  }\n', '')).draft;
    assert.ok(flows(plain).includes('eu -> legacy: http:8443'), flows(plain).join('\n'));
  });

  it('a target server of another organization\'s environment is not Apigee\'s call', () => {
    const other = GOOGLE.replace('  env_id   = google_apigee_environment.prod.id\n', '  env_id   = google_apigee_environment.other.id\n')
      + '\nresource "google_apigee_organization" "other" {\n  analytics_region = "europe-west1"\n  project_id       = "other"\n}\n\nresource "google_apigee_environment" "other" {\n  name   = "other"\n  org_id = google_apigee_organization.other.id\n}\n';
    assert.ok(!flows(discovered(other).draft).some((f) => f.startsWith('eu -> legacy')));
  });

  it('Cloud Armor with preconfigured WAF rules on the backend service is the load balancer\'s waf control; IP rules alone are not', () => {
    assert.deepEqual(byId(draft, 'apigee').controls?.map((c) => `${c.control} @${c.provenance.line} ${c.provenance.note}`),
      ['waf @132 Cloud Armor google_compute_security_policy.edge on google_compute_backend_service.apigee: preconfigured WAF rules']);
    const ipOnly = discovered(GOOGLE.replace('expression = "evaluatePreconfiguredWaf(\'sqli-v33-stable\')"', 'expression = "inIpRange(origin.ip, \'198.51.100.0/24\')"')).draft;
    assert.equal(byId(ipOnly, 'apigee').controls, undefined);
    const detached = discovered(GOOGLE.replace('  security_policy       = google_compute_security_policy.edge.id\n', '')).draft;
    assert.equal(byId(detached, 'apigee').controls, undefined);
  });
});

// --- Importers that name products ------------------------------------------------------------------------------

const techOf = (text: string | undefined) => {
  assert.ok(text);
  const l = loadModel(text, 'imported.yaml');
  assert.ok(l.model && !hasErrors(l.diagnostics), formatDiagnostics(l.diagnostics));
  return l.model.elements.map((e) => e.tech ?? e.type ?? e.kind);
};

describe('gateways s23: OTM component types', () => {
  const otm = (types: string[]) => [
    'otmVersion: 0.2.0', 'project: { name: Gw, id: gw }', 'trustZones: [{ id: z, name: Cloud, risk: { trustRating: 80 } }]', 'components:',
    ...types.map((t, i) => `  - { id: c${i}, name: c${i}, type: ${t}, parent: { trustZone: z } }`), '',
  ].join('\n');

  it('Azure API Management, Apigee, Google\'s API Gateway and the Azure and Google load balancers are the catalogue\'s services', () => {
    const types = ['CD-MICROSOFT-AZURE-API-MANAGEMENT', 'azure-api-management', 'apim', 'apigee', 'CD-GOOGLE-APIGEE', 'gcp-api-gateway',
      'google-cloud-api-gateway', 'CD-MICROSOFT-AZURE-APPLICATION-GATEWAY', 'azure-load-balancer', 'CD-GOOGLE-CLOUD-LOAD-BALANCING'];
    assert.deepEqual(techOf(importOtm(otm(types), 'a.otm.yaml').text), ['azure-api-management', 'azure-api-management', 'apim', 'apigee', 'apigee',
      'gcp-api-gateway', 'gcp-api-gateway', 'azure-application-gateway', 'azure-load-balancer', 'gcp-load-balancer']);
  });

  it('AWS\'s API Gateway and other gateways and load balancers stay as they were', () => {
    assert.deepEqual(techOf(importOtm(otm(['api-gateway', 'CD-KONG-GATEWAY', 'load-balancer', 'aws-elb']), 'a.otm.yaml').text),
      ['api-gateway', 'gateway', 'load-balancer', 'load-balancer']);
  });
});

describe('gateways s23: TMT stencils', () => {
  const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const ABS = 'xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts"';
  const KB = 'xmlns:b="http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase"';
  const stencil = (id: string, name: string, typeId: string, left: number) =>
    `<a:KeyValueOfguidanyType><a:Key>${id}</a:Key><a:Value><GenericTypeId>GE.P</GenericTypeId><Guid>${id}</Guid>`
    + `<Properties ${ABS}><a:anyType ${KB} i:type="b:StringDisplayAttribute"><b:DisplayName>Name</b:DisplayName><b:Value>${name}</b:Value></a:anyType></Properties>`
    + `<TypeId>${typeId}</TypeId><Left>${left}</Left><Top>0</Top><Width>100</Width><Height>100</Height></a:Value></a:KeyValueOfguidanyType>`;
  /** Processes of the stencils named (their TypeIds name them, as the template's stencil names would). */
  const processes = (names: string[]) => `<ThreatModel xmlns="${TM7_NAMESPACE}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<DrawingSurfaceList><DrawingSurfaceModel>
<Borders xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">${names.map((n, i) => stencil(guid(i + 1), `P${i}`, n, 200 * i)).join('')}</Borders>
<Header>D</Header>
<Lines xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"></Lines>
</DrawingSurfaceModel></DrawingSurfaceList><Version>4.3</Version>
</ThreatModel>`.replace(/<(GenericTypeId|Guid|TypeId|Left|Top|Width|Height)>/g, `<$1 ${ABS}>`);

  it('Azure API Management, Apigee, Google Cloud API Gateway, AWS API Gateway and Azure Application Gateway are the catalogue\'s services', () => {
    const names = ['Azure API Management', 'Apigee', 'Google Cloud API Gateway', 'AWS API Gateway', 'Azure Application Gateway', 'Azure Load Balancer'];
    assert.deepEqual(techOf(importTm7(processes(names), 'g.tm7').text),
      ['azure-api-management', 'apigee', 'gcp-api-gateway', 'api-gateway', 'azure-application-gateway', 'azure-load-balancer']);
  });

  it('an API gateway of no named vendor is a gateway, not an API; a Web API and the IoT gateways stay as they were', () => {
    assert.deepEqual(techOf(importTm7(processes(['API Gateway', 'Web API', 'IoT Cloud Gateway', 'Azure Traffic Manager']), 'g.tm7').text),
      ['gateway', 'api', 'gateway', 'load-balancer']);
  });
});

describe('gateways s23: draw.io icons and labels', () => {
  const page = (cells: string) =>
    `<mxfile><diagram name="P"><mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>\n${cells}\n</root></mxGraphModel></diagram></mxfile>`;
  const vertex = (id: string, label: string, style: string, x: number) =>
    `<mxCell id="${id}" value="${label}" style="${style}" vertex="1" parent="1"><mxGeometry x="${x}" y="0" width="78" height="78" as="geometry"/></mxCell>\n`;
  const drawn = (icons: Array<[style: string, label?: string]>) =>
    techOf(importDrawio(page(icons.map(([style, label], i) => vertex(`c${i}`, label ?? `Icon ${i}`, style, i * 100)).join('')), 'a.drawio').text);
  const azure2 = (path: string) => `image;html=1;image=img/lib/azure2/${path}.svg;`;
  const gcp2 = (icon: string) => `shape=mxgraph.gcp2.hexIcon;prIcon=${icon};`;

  it('Azure\'s API Management, Application Gateway and Load Balancer icons, Google\'s Apigee, API Gateway and Load Balancing icons', () => {
    assert.deepEqual(drawn([
      [azure2('integration/API_Management_Services')], [azure2('networking/Application_Gateways')], [azure2('networking/Load_Balancers')],
      [gcp2('apigee_api_platform')], [gcp2('api_gateway')], [gcp2('cloud_load_balancing')],
    ]), ['azure-api-management', 'azure-application-gateway', 'azure-load-balancer', 'apigee', 'gcp-api-gateway', 'gcp-load-balancer']);
  });

  it('Traffic Manager and Cloud Endpoints stay what they were: a load balancer, a gateway we run', () => {
    assert.deepEqual(drawn([[azure2('networking/Traffic_Manager_Profiles')], [gcp2('cloud_endpoints')]]), ['load-balancer', 'gateway']);
  });

  it('a plain box labelled with a product\'s name', () => {
    assert.deepEqual(drawn([['rounded=0;whiteSpace=wrap;', 'Azure API Management'], ['rounded=0;whiteSpace=wrap;', 'Apigee'], ['rounded=0;whiteSpace=wrap;', 'APIM']]),
      ['azure-api-management', 'apigee', 'apim']);
  });
});
