// Terraform on Google Cloud and Azure: what is an element, where it sits (project and VPC network; resource
// group and virtual network), what the wiring calls, and what the internet reaches by the providers' own
// rules (firewalls with target tags, authorized networks, allUsers grants, NSG rules on public IPs,
// database firewalls, public containers, app and cluster endpoints).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

function draftOf(dir: string, replace: (text: string) => string = (t) => t): Draft {
  const r = discoverTerraform([{ file: 'main.tf', text: replace(readFileSync(`test/fixtures/discover/${dir}/main.tf`, 'utf8')) }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  const draft = mergeDrafts([r.draft]);
  const loaded = loadModel(draftToYaml(draft), 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return draft;
}

const elements = (d: Draft) => d.elements.filter((e) => !e.madeUp).map((e) => `${e.id} ${e.identity?.tech ?? e.identity?.type} in ${d.boundaries.find((b) => b.key === e.boundary)?.name}`);
const flows = (d: Draft) => {
  const id = new Map(d.elements.map((e) => [e.key, e.madeUp ? 'clients' : e.id]));
  return d.flows.map((f) => `${id.get(f.from)} -> ${id.get(f.to)}: ${f.protocol}${f.port !== undefined ? `:${f.port}` : ''}${f.auth ? ` (${f.auth})` : ''}`).sort();
};

describe('discover: Terraform on Google Cloud', () => {
  it('elements in the project and its VPC network; the managed group takes its template', () => {
    const d = draftOf('terraform-gcp');
    assert.deepEqual(elements(d), [
      'web-mig service in VPC network shop', 'web-lb gcp-load-balancer in GCP project (shop-prod)', 'orders postgres in VPC network shop',
      'media gcs in GCP project (shop-prod)', 'api service in GCP project (shop-prod)', 'gke kubernetes in VPC network shop',
    ]);
    assert.deepEqual(d.elements.find((e) => e.id === 'web-mig')?.provenance.map((p) => p.line), [38, 28]);
  });

  it('flows: forwarding rule -> proxy -> URL map -> backend service -> group; startup script and env settings; what anyone reaches', () => {
    assert.deepEqual(flows(draftOf('terraform-gcp')), [
      'api -> media: cloud-api',
      'clients -> api: https',
      'clients -> gke: https:443 (iam)',
      'clients -> media: https',
      'clients -> orders: postgres (password)',
      'clients -> web-lb: https:443',
      'clients -> web-mig: http:8080',
      'web-lb -> web-mig: http',
      'web-mig -> orders: postgres (password)',
    ]);
  });

  it('Cloud SQL that requires TLS is reached over its TLS protocol, and says where', () => {
    const d = draftOf('terraform-gcp', (t) => t.replace('      ipv4_enabled    = true\n', '      ipv4_enabled    = true\n      ssl_mode        = "ENCRYPTED_ONLY"\n'));
    assert.ok(flows(d).includes('web-mig -> orders: postgres+tls (password)'), flows(d).join('\n'));
    assert.deepEqual(d.elements.find((e) => e.id === 'orders')?.requiresTls, { file: 'main.tf', line: 73, note: 'ssl_mode = "ENCRYPTED_ONLY"' });
  });

  it('no external address, other tags, private endpoints and no allUsers: nothing from outside', () => {
    const d = draftOf('terraform-gcp', (t) => t
      .replace('    access_config {}\n', '')
      .replace('value = "0.0.0.0/0"', 'value = "203.0.113.0/24"')
      .replace('member = "allUsers"', 'member = "group:staff@example.com"').replace('member = "allUsers"', 'member = "serviceAccount:x@y.iam.gserviceaccount.com"')
      .replace('  network  = google_compute_network.vpc.name\n}', '  network  = google_compute_network.vpc.name\n  private_cluster_config {\n    enable_private_endpoint = true\n  }\n}'));
    assert.deepEqual(flows(d).filter((f) => f.startsWith('clients')), ['clients -> web-lb: https:443']);
  });
});

describe('discover: Terraform on Azure', () => {
  it('elements in the resource group and its virtual network', () => {
    assert.deepEqual(elements(draftOf('terraform-azure')), [
      'jump service in Virtual network shop-vnet', 'shop web-app in Resource group shop-prod', 'orders azure-sql in Resource group shop-prod',
      'media azure-blob in Resource group shop-prod', 'edge cdn in Resource group shop-prod', 'aks kubernetes in Resource group shop-prod',
    ]);
  });

  it('flows: app settings, Front Door origin; RDP open to the internet, the SQL firewall open to all, a public container, a plain-HTTP app', () => {
    assert.deepEqual(flows(draftOf('terraform-azure')), [
      'clients -> edge: https',
      'clients -> jump: rdp:3389',
      'clients -> media: https',
      'clients -> orders: sql+tls (password)',
      'clients -> shop: http',
      'edge -> shop: https',
      'shop -> media: cloud-api',
      'shop -> orders: sql+tls (password)',
    ]);
  });

  it('https_only, a private container, a narrow NSG rule and a narrow SQL rule: only HTTPS from outside', () => {
    const d = draftOf('terraform-azure', (t) => t
      .replace('  service_plan_id     = azurerm_service_plan.web.id\n', '  service_plan_id     = azurerm_service_plan.web.id\n  https_only          = true\n')
      .replace('container_access_type = "blob"', 'container_access_type = "private"')
      .replace('source_address_prefix      = "*"', 'source_address_prefix      = "203.0.113.7/32"')
      .replace('end_ip_address   = "255.255.255.255"', 'end_ip_address   = "0.0.0.0"'));
    assert.deepEqual(flows(d).filter((f) => f.startsWith('clients')), ['clients -> edge: https', 'clients -> shop: https']);
  });

  it('a VM with a public IP and no network security group is open on every port', () => {
    const d = draftOf('terraform-azure', (t) => t.replace(/resource "azurerm_network_interface_security_group_association"[^}]*}\n/, ''));
    const open = d.flows.find((f) => d.elements.find((e) => e.key === f.to)?.id === 'jump')!;
    assert.equal(open.evidence[0].provenance.note, 'a public IP and no network security group: every port is reachable');
  });
});
