// A container attached only to `internal: true` networks has no gateway: Docker publishes none of its ports
// (moby/moby#36174), so its `ports:` draw no call from outside, and a check says why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { flowSet } from './draft-helpers.js';

const read = (text: string) => {
  const r = discoverCompose(text, 'compose.yaml');
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
};

describe('discover: ports of a service on internal networks only', () => {
  it('draw no call from outside, with a check at its ports', () => {
    const r = read(`services:
  mailpit:
    image: axllent/mailpit:v1.18
    ports: ["8025:8025", "1025:1025"]
    networks: [backend]
  api:
    image: acme/api:1
    ports: ["8080:8080"]
    networks: [backend, frontend]
networks:
  backend: { internal: true }
  frontend: {}
`);
    assert.deepEqual(flowSet(r.draft), ['clients -> api']);
    assert.deepEqual(r.checks.map((c) => [c.line, c.message]), [[4,
      'service mailpit lists ports 8025:8025, 1025:1025 but joins only internal network backend: Docker publishes no port of such a container, so the draft draws no call from outside; if it must be reachable, attach it to a network that is not internal too']]);
  });

  it('the project\'s default network counts when it is declared internal; a network not declared internal never does', () => {
    const sealedDefault = read('services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\nnetworks:\n  default: { internal: true }\n');
    assert.deepEqual(flowSet(sealedDefault.draft), []);
    assert.match(sealedDefault.checks[0].message, /joins only internal network default:/);
    const open = read('services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n    networks: [data]\nnetworks:\n  data: { internal: false }\n');
    assert.deepEqual(flowSet(open.draft), ['clients -> db']);
    const hostMode = read('services:\n  db:\n    image: postgres:16\n    network_mode: host\nnetworks:\n  default: { internal: true }\n');
    assert.deepEqual(flowSet(hostMode.draft), ['clients -> db']);
  });
});
