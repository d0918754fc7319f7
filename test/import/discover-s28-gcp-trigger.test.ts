// A Cloud Function triggered by a Pub/Sub topic (`event_trigger { pubsub_topic = ... }`) was drawn function ->
// topic, so the topic was fed messages with no flow taking them out. The trigger's source delivers to the
// function over HTTPS (Eventarc's push), as the AWS reader draws a Lambda event source; a function that only
// names a topic in its settings still publishes to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverTerraform } from '../../src/import/terraform.js';
import { flowOf, flowSet } from './draft-helpers.js';

const INVOICES = '|google_pubsub_topic.invoices';
const AUDIT = '|google_pubsub_topic.audit';
const PDF = '|google_cloudfunctions2_function.pdf';
const LEGACY = '|google_cloudfunctions_function.legacy';

const TF = `resource "google_pubsub_topic" "invoices" { name = "invoices" }
resource "google_pubsub_topic" "audit" { name = "audit" }
resource "google_service_account" "trigger" { account_id = "trigger" }

resource "google_cloudfunctions2_function" "pdf" {
  name     = "pdf"
  location = "europe-west1"
  service_config {
    environment_variables = { AUDIT_TOPIC = google_pubsub_topic.audit.id }
  }
  event_trigger {
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.invoices.id
    service_account_email = google_service_account.trigger.email
  }
}

resource "google_cloudfunctions_function" "legacy" {
  name    = "legacy"
  runtime = "python312"
  event_trigger {
    event_type = "google.pubsub.topic.publish"
    resource   = google_pubsub_topic.invoices.id
  }
}
`;

describe('discover: a Google Cloud Function trigger', () => {
  const r = discoverTerraform([{ text: TF, file: 'main.tf' }]);
  const flows = flowSet(r.draft);

  it('draws the topic delivering to the function over HTTPS, for both function generations', () => {
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(flowOf(r.draft, INVOICES, PDF).protocol, 'https');
    assert.equal(flowOf(r.draft, INVOICES, LEGACY).protocol, 'https');
    assert.ok(!flows.includes(`${PDF} -> ${INVOICES}`) && !flows.includes(`${LEGACY} -> ${INVOICES}`), flows.join(', '));
  });

  it('keeps a topic the function names in its settings as one it publishes to', () => {
    flowOf(r.draft, PDF, AUDIT);
    assert.ok(!flows.includes(`${AUDIT} -> ${PDF}`), flows.join(', '));
  });
});
