// Session 23 (parse): a webhook subscription API (customers register the URLs the service posts its events to) is
// no incoming webhook: its routes are kind `api`, unsigned-webhook leaves them, and server-side-request-forgery
// reports the registration when the service calls out. Document pipelines: xxe lands on the converter that opens
// an uploaded Office or SVG file, not on the element that only stores it, and command-injection (which asks for the
// converter to run sandboxed) on a converter that reads uploads from a bucket.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText, MODEL_HEAD, noThreat, onlyThreat, threatsIn, evidenceFacts } from './harness.js';

const endpointKinds = (body: string, element = 'api'): Record<string, string> =>
  Object.fromEntries(loadText(MODEL_HEAD + body).model!.elements.find((e) => e.id === element)!.endpoints.map((ep) => [ep.key, ep.kind]));

/**
 * A SaaS API whose customers manage webhook subscriptions, delivering events to the customers' URLs. The customer is a
 * person (fixA: a third party calling the API may be a provider posting events, which keeps the collection a receiver).
 */
const saas = (endpoints: string, { elementAuth = '', delivery = '  - api -> receivers: https\n' } = {}) =>
  `elements:\n  customer: { type: user }\n  api:\n    type: api\n${elementAuth}    endpoints:\n${endpoints}` +
  '  receivers: { type: third-party, name: Customer endpoints }\n  db: { tech: postgres }\n' +
  `flows:\n  - customer -> api: { protocol: https, auth: api-key }\n  - api -> db: postgres+tls\n${delivery}`;

const SUBSCRIPTIONS = '      POST /v1/webhooks: { auth: api-key }\n      GET /v1/webhooks: { auth: api-key }\n      DELETE /v1/webhooks/{id}: { auth: api-key }\n';

describe('webhook routes: subscription management or incoming events', () => {
  it('take routes customers manage with their credential, list or delete for subscriptions (kind api)', () => {
    assert.deepEqual(endpointKinds(saas(SUBSCRIPTIONS)), { 'POST /v1/webhooks': 'api', 'GET /v1/webhooks': 'api', 'DELETE /v1/webhooks/{id}': 'api' });
    // Deletes say so with no auth stated; the element's customer credential for the collection or an item. A GET on a
    // named provider's route is that provider verifying its receiver (integrator: GET alone no longer decides).
    const inherited = saas('      /v1/webhooks: {}\n      /v1/webhooks/{id}: {}\n      GET /hooks/stripe: {}\n      DELETE /hooks/{id}: {}\n', { elementAuth: '    auth: jwt\n' });
    assert.deepEqual(endpointKinds(inherited), { '/v1/webhooks': 'api', '/v1/webhooks/{id}': 'api', 'GET /hooks/stripe': 'webhook', 'DELETE /hooks/{id}': 'api' });
  });

  it('keep signed, certified, public or partner-called routes as incoming webhooks', () => {
    const receivers = saas(
      '      POST /webhooks/a: { auth: hmac }\n      POST /webhooks/b: { auth: mtls }\n      POST /webhooks/c: { public: true }\n' +
      '      POST /webhooks/d: { auth: api-key, controls: [signature-verification] }\n      POST /webhooks/stripe: {}\n      POST /hooks/{token}: {}\n' +
      '      PUT /webhooks/payment: {}\n',
    );
    assert.deepEqual(Object.values(endpointKinds(receivers)), ['webhook', 'webhook', 'webhook', 'webhook', 'webhook', 'webhook', 'webhook']);
    // Under an element asking a customer's credential, a provider's receiver is one by its name or by its caller.
    const partner = 'elements:\n  stripe: { type: third-party }\n  api:\n    type: api\n    auth: session-cookie\n    endpoints:\n' +
      '      POST /webhooks/stripe: {}\n      POST /webhooks: {}\nflows:\n  - stripe -> api: { protocol: https, endpoint: POST /webhooks }\n';
    assert.deepEqual(endpointKinds(partner), { 'POST /webhooks/stripe': 'webhook', 'POST /webhooks': 'webhook' });
  });

  it('leave subscription routes to server-side-request-forgery, not unsigned-webhook', () => {
    assert.deepEqual(threatsIn(saas(SUBSCRIPTIONS), 'unsigned-webhook', 'webhook-replay').map((t) => t.key), []);
    const ssrf = onlyThreat(saas(SUBSCRIPTIONS), 'server-side-request-forgery');
    assert.equal(ssrf.key, 'server-side-request-forgery@api:POST /v1/webhooks');
    assert.equal(ssrf.title, 'Server-side request forgery through webhook URLs registered on POST /v1/webhooks');
    assert.deepEqual(evidenceFacts(ssrf), ['POST /v1/webhooks registers the URLs webhooks are delivered to', 'api calls out to Customer endpoints', 'no egress-filtering on POST /v1/webhooks on api']);
    assert.equal(ssrf.likelihood.level, 'High');
    assert.match(ssrf.mitigation, /allow-list schemes \(https\) and ports \(443\).*link-local and cloud metadata addresses.*at connect time.*egress proxy/);
  });

  it('report deliveries made by a worker the API queues events for', () => {
    const queued = saas(SUBSCRIPTIONS, { delivery: '  - api -> events: amqps\n  - events -> sender: amqps\n  - sender -> receivers: https\n' })
      .replace('  db: { tech: postgres }\n', '  db: { tech: postgres }\n  events: { tech: rabbitmq }\n  sender: { type: worker }\n');
    assert.deepEqual(evidenceFacts(onlyThreat(queued, 'server-side-request-forgery')).slice(0, 2), ['POST /v1/webhooks registers the URLs webhooks are delivered to', 'sender calls out to Customer endpoints']);
  });

  it('report nothing without deliveries drawn, with egress filtering, or on an incoming webhook', () => {
    noThreat(saas(SUBSCRIPTIONS, { delivery: '' }), 'server-side-request-forgery');
    noThreat(saas(SUBSCRIPTIONS.replace('POST /v1/webhooks: { auth: api-key }', 'POST /v1/webhooks: { auth: api-key, controls: [egress-filtering] }')), 'server-side-request-forgery');
    const receiver = saas('      POST /webhooks/stripe: { public: true }\n');
    noThreat(receiver, 'server-side-request-forgery');
    assert.deepEqual(threatsIn(receiver, 'unsigned-webhook').map((t) => t.key), ['unsigned-webhook@api:POST /webhooks/stripe']);
  });
});

/** A BFF taking a DOCX upload to a bucket, with the given converter and how it gets the file. */
const pipeline = ({ bff = '', converter = '  converter: { tech: libreoffice, type: worker }\n', handoff = '  - converter -> bucket: https\n' } = {}) =>
  'assets:\n  contract: { name: Contract DOCX, type: business, classification: confidential }\n' +
  `elements:\n  visitor: { tech: browser }\n  bff:\n    type: api\n${bff}    endpoints:\n      POST /documents: { auth: jwt, accepts: [contract] }\n` +
  `  bucket: { tech: s3 }\n  queue: { tech: sqs }\n${converter}` +
  `flows:\n  - visitor -> bff: https\n  - bff -> bucket: { protocol: https, data: [contract] }\n  - bff -> queue: https\n${handoff}`;

describe('xxe in document pipelines', () => {
  it('lands on the converter that reads the uploaded document from the bucket, not on the BFF storing it', () => {
    const found = threatsIn(pipeline(), 'xxe');
    assert.deepEqual(found.map((t) => t.key), ['xxe@converter']);
    assert.deepEqual(evidenceFacts(found[0]), [
      'converter is a document converter (libreoffice)', 'POST /documents accepts Contract DOCX', 'bff writes to bucket', 'converter reads bucket', 'no safe-parsers on converter',
    ]);
    assert.equal(found[0].likelihood.level, 'Medium');
    assert.match(found[0].mitigation, /sandboxed: a separate container with no network egress, no secrets/);
  });

  it('lands on a consumer of the queue naming the file, by a converter tech or an xml tag', () => {
    const tika = pipeline({ converter: '  extractor: { tech: apache-tika }\n', handoff: '  - queue -> extractor: https\n' });
    assert.deepEqual(evidenceFacts(onlyThreat(tika, 'xxe')).slice(2, 4), ['bff writes to queue', 'queue delivers to extractor']);
    const tagged = pipeline({ converter: '  worker: { type: worker, tags: [xml] }\n', handoff: '  - worker -> bucket: https\n' });
    assert.equal(onlyThreat(tagged, 'xxe').key, 'xxe@worker');
  });

  it('keeps the BFF when it parses the upload itself (a tag says so) or does not store it', () => {
    assert.deepEqual(threatsIn(pipeline({ bff: '    tags: [xml]\n', converter: '', handoff: '' }), 'xxe').map((t) => t.key), ['xxe@bff']);
    const parsesInPlace = pipeline({ converter: '', handoff: '' }).replace('  - bff -> bucket: { protocol: https, data: [contract] }\n', '');
    assert.deepEqual(threatsIn(parsesInPlace, 'xxe').map((t) => t.key), ['xxe@bff']);
  });

  it('reports nothing on a worker that is no parser (the BFF keeps its finding), or a converter with safe parsers', () => {
    // Nothing modelled opens the bucket: the upload is taken to be parsed where it arrives (fixB).
    assert.deepEqual(threatsIn(pipeline({ converter: '  thumbs: { type: worker }\n', handoff: '  - thumbs -> bucket: https\n' }), 'xxe').map((t) => t.key), ['xxe@bff']);
    noThreat(pipeline({ converter: '  converter: { tech: libreoffice, controls: [safe-parsers] }\n' }), 'xxe');
    // Ghostscript opens PostScript and PDF, no XML.
    noThreat(pipeline({ converter: '  gs: { tech: ghostscript }\n', handoff: '  - gs -> bucket: https\n' }), 'xxe');
  });
});

describe('command-injection on a converter behind an upload', () => {
  const bucketOnly = (converter: string, endpoint = 'POST /documents: { auth: jwt, accepts: [contract] }') =>
    'assets:\n  contract: { name: Contract DOCX, type: business, classification: confidential }\n' +
    `elements:\n  visitor: { tech: browser }\n  bff:\n    type: api\n    endpoints:\n      ${endpoint}\n  bucket: { tech: s3 }\n${converter}` +
    'flows:\n  - visitor -> bff: https\n  - bff -> bucket: https\n  - converter -> bucket: https\n';

  it('reports the converter that reads uploaded files from the bucket, asking for a sandbox', () => {
    const t = onlyThreat(bucketOnly('  converter: { tech: pandoc }\n'), 'command-injection');
    assert.equal(t.key, 'command-injection@converter');
    assert.deepEqual(evidenceFacts(t), [
      'converter has the os-command trait (pandoc)', 'POST /documents accepts Contract DOCX', 'bff writes to bucket', 'converter reads bucket', 'no input-validation or sandboxing on converter',
    ]);
    assert.match(t.mitigation, /sandboxed: a separate container with no network egress, no secrets or cloud credentials, a seccomp profile/);
    // Any file upload counts for a converter (ImageMagick runs on whatever image arrives).
    assert.equal(onlyThreat(bucketOnly('  converter: { tech: imagemagick }\n', 'POST /upload: { auth: jwt }'), 'command-injection').key, 'command-injection@converter');
  });

  it('reports nothing when it is sandboxed, is no converter, or no upload reaches the bucket', () => {
    noThreat(bucketOnly('  converter: { tech: libreoffice, controls: [sandboxing] }\n'), 'command-injection');
    noThreat(bucketOnly('  converter: { type: worker }\n'), 'command-injection');
    noThreat(bucketOnly('  converter: { tech: libreoffice }\n', 'GET /documents: { auth: jwt }'), 'command-injection');
  });
});
