// Session 28 (review): three services sharing one YAML anchor's environment (`environment: *backend-env`) named
// Sentry at the same line; the outside element's comment and the summary cited that line three times over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { addOutsideServices } from '../../src/import/draft.js';
import { elementOf, flowSet } from './draft-helpers.js';

const COMPOSE = `x-env: &env
  SENTRY_DSN: https://abc@o1.ingest.sentry.io/1
services:
  api:
    image: acme/api:1
    environment: *env
  worker:
    image: acme/api:1
    environment: *env
  beat:
    image: acme/api:1
    environment:
      <<: *env
      EXTRA: "1"
`;

describe('discover s28: a host named through a shared anchor', () => {
  it('is cited once at the anchor\'s line, while each service still calls it', () => {
    const r = discoverCompose(COMPOSE, 'docker-compose.yml');
    addOutsideServices(r.draft);
    assert.deepEqual(elementOf(r.draft, 'o1.ingest.sentry.io').provenance.map((p) => `${p.file}:${p.line} ${p.note}`), ['docker-compose.yml:2 environment SENTRY_DSN']);
    assert.deepEqual(flowSet(r.draft).filter((f) => f.endsWith('sentry.io')), ['api -> o1.ingest.sentry.io', 'beat -> o1.ingest.sentry.io', 'worker -> o1.ingest.sentry.io']);
  });

  it('negative: two different settings naming the host are both cited', () => {
    const r = discoverCompose('services:\n  api:\n    image: acme/api:1\n    environment:\n      SENTRY_DSN: https://abc@o1.ingest.sentry.io/1\n  web:\n    image: acme/web:1\n    environment:\n      SENTRY_URL: https://o1.ingest.sentry.io\n', 'c.yml');
    addOutsideServices(r.draft);
    assert.deepEqual(elementOf(r.draft, 'o1.ingest.sentry.io').provenance.map((p) => `${p.line} ${p.note}`), ['5 environment SENTRY_DSN', '9 environment SENTRY_URL']);
  });
});
