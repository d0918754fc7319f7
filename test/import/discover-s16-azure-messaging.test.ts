// Azure Service Bus and Event Hubs in Terraform: each namespace a broker of its technology (its queues, topics and
// event hubs parts of it, so that an app naming a queue calls the namespace), reached over AMQP over TLS (Kafka over
// TLS on 9093 for Event Hubs), with shared access keys unless local auth is off, from the internet unless public
// network access is off or a network rule set denies by default, and a check for a minimum TLS version below 1.2.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml } from '../../src/import/draft.js';
import { guessProtocol } from '../../src/import/protocols.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

const TF = `resource "azurerm_resource_group" "rg" {
  name     = "shop"
  location = "westeurope"
}
resource "azurerm_servicebus_namespace" "bus" {
  name                = "shop-bus"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
  sku                 = "Standard"
  minimum_tls_version = "1.0"
}
resource "azurerm_servicebus_queue" "orders" {
  name         = "orders"
  namespace_id = azurerm_servicebus_namespace.bus.id
}
resource "azurerm_eventhub_namespace" "hub" {
  name                          = "shop-hub"
  resource_group_name           = azurerm_resource_group.rg.name
  location                      = "westeurope"
  sku                           = "Standard"
  local_auth_enabled            = false
  public_network_access_enabled = false
}
resource "azurerm_eventhub" "clicks" {
  name              = "clicks"
  namespace_id      = azurerm_eventhub_namespace.hub.id
  partition_count   = 2
  message_retention = 1
}
resource "azurerm_linux_function_app" "fn" {
  name                = "shop-fn"
  resource_group_name = azurerm_resource_group.rg.name
  location            = "westeurope"
  https_only          = true
  app_settings = {
    QUEUE  = azurerm_servicebus_queue.orders.name
    EVENTS = azurerm_eventhub.clicks.name
  }
}
`;

function read(text: string) {
  const r = discoverTerraform([{ text, file: 'main.tf' }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const key = (address: string) => `|${address}`;

describe('discover s16: Azure Service Bus and Event Hubs', () => {
  it('namespaces are brokers of their technology; an app naming a queue or an event hub calls its namespace over AMQP over TLS', () => {
    const { draft, skippedTypes } = read(TF);
    assert.equal(elementOf(draft, key('azurerm_servicebus_namespace.bus')).identity?.tech, 'azure-service-bus');
    assert.equal(elementOf(draft, key('azurerm_eventhub_namespace.hub')).identity?.tech, 'azure-event-hubs');
    assert.ok(!skippedTypes.some((t) => /servicebus|eventhub/.test(t)), skippedTypes.join());
    const bus = flowOf(draft, key('azurerm_linux_function_app.fn'), key('azurerm_servicebus_namespace.bus'));
    assert.deepEqual([bus.protocol, bus.auth, bus.evidence[0].provenance.line], ['amqps', 'api-key', 36]);
    assert.match(bus.stated ?? '', /^auth api-key: main\.tf:5 shared access keys \(SAS\)/);
    const hub = flowOf(draft, key('azurerm_linux_function_app.fn'), key('azurerm_eventhub_namespace.hub'));
    assert.deepEqual([hub.protocol, hub.auth], ['amqps', 'iam']);
    // The queue is part of its namespace: its line in the element's comment.
    assert.deepEqual(elementOf(draft, key('azurerm_servicebus_namespace.bus')).provenance.map((p) => p.line), [5, 12]);
  });

  it('public network access (the default) is a call from outside; minimum_tls_version 1.0 is a check', () => {
    const { draft, checks } = read(TF);
    assert.deepEqual(flowSet(draft).filter((f) => f.startsWith('clients')).sort(), ['clients -> |azurerm_linux_function_app.fn', 'clients -> |azurerm_servicebus_namespace.bus']);
    assert.equal(flowOf(draft, 'clients', key('azurerm_servicebus_namespace.bus')).auth, 'api-key');
    assert.deepEqual(checks.map((c) => `${c.line} ${c.message}`), [
      '10 azurerm_servicebus_namespace.bus sets minimum_tls_version = "1.0": clients may connect with a deprecated TLS version; set "1.2"',
    ]);
    const loaded = loadModel(draftToYaml(draft), 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    assert.equal(loaded.model.elements.find((e) => e.id === 'bus')?.type, 'queue');
  });

  it('no call from outside when public access is off or a network rule set denies; its ip_rules an allow-list; TLS 1.2 no check', () => {
    const closed = read(TF.replace('  minimum_tls_version = "1.0"\n', '  minimum_tls_version = "1.2"\n  network_rule_set {\n    default_action = "Deny"\n  }\n'));
    assert.ok(!closed.draft.flows.some((f) => f.to === key('azurerm_servicebus_namespace.bus') && f.from !== key('azurerm_linux_function_app.fn')));
    assert.deepEqual(closed.checks, []);
    const listed = read(TF.replace('  minimum_tls_version = "1.0"\n', '  network_rule_set {\n    default_action = "Deny"\n    ip_rules       = ["203.0.113.0/24"]\n  }\n'));
    const bus = elementOf(listed.draft, key('azurerm_servicebus_namespace.bus'));
    assert.deepEqual(bus.controls?.map((c) => `${c.control} ${c.provenance.line}`), ['ip-allowlist 10']);
    assert.match(flowOf(listed.draft, 'clients', key('azurerm_servicebus_namespace.bus')).evidence[0].provenance.note ?? '', /from 203\.0\.113\.0\/24 only$/);
  });

  it('Event Hubs answers Kafka clients on 9093; the port alone (Alertmanager\'s too) says no Kafka', () => {
    assert.equal(guessProtocol({ targetPort: 9093 }, 'azure-event-hubs').protocol, 'kafka+tls');
    assert.equal(guessProtocol({ targetPort: 5671 }, 'azure-service-bus').protocol, 'amqps');
    assert.equal(guessProtocol({ targetPort: 9093 }, undefined).protocol, 'http');
  });
});
