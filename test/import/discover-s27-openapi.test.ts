// A spec kept with a service's code (in its Compose build context) describes that service: its operations go on
// it, whatever the servers say, and it keeps what the other files say it is (`tech: fastapi` from its
// requirements.txt, not the spec's `type: api`). A public server of a service that nothing publishes but a proxy
// calls is the proxy's address: no direct call from outside is invented. A spec tied to no service keeps today's
// new element, called from outside at its public server. An apiKey in a cookie is a session cookie.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverOpenApi, placeApi, type Placement } from '../../src/import/openapi.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { run } from '../cli/run-cli.js';
import { tempFolder } from '../temp.js';
import { elementOf, flowSet } from './draft-helpers.js';

/** A Caddy gateway publishing 443 that proxies to `name`, built from ./api (`code`) and publishing nothing unless `ports` says. */
const compose = (name: string, { code = 'build: ./api', ports = '' } = {}) => `services:
  gateway:
    image: caddy:2.7
    ports: ["443:443"]
    environment:
      API_UPSTREAM: http://${name}:8000
  ${name}:
    ${code}
${ports ? `    ports: ["${ports}"]\n` : ''}`;

const SPEC = `openapi: 3.0.3
info: { title: Orders API, version: "1" }
servers:
  - url: https://api.acme.dev
paths:
  /orders:
    get: {}
`;

/** What build contexts hold: `api/requirements.txt` names FastAPI. */
const repository = {
  listFolder: (path: string) => (path === './api' ? ['requirements.txt'] : undefined),
  readFile: (path: string) => (path === './api/requirements.txt' ? { text: 'fastapi==0.110.0\n', file: 'api/requirements.txt' } : undefined),
};

interface Placed {
  draft: Draft;
  placement: Placement | undefined;
  text: string;
}

/** The compose file and the specs (`[file, text]`), each placed in file order as discover does; the draft must load. */
function place(composeText: string | undefined, ...specs: Array<[string, string]>): Placed & { placements: Array<Placement | undefined> } {
  const c = composeText === undefined ? undefined : discoverCompose(composeText, 'compose.yaml', { project: 'shop', ...repository });
  if (c) assert.ok(!hasErrors(c.diagnostics), formatDiagnostics(c.diagnostics));
  const apis = specs.map(([file, text]) => discoverOpenApi(text, file));
  for (const a of apis) assert.deepEqual(a.diagnostics, []);
  const draft = mergeDrafts([...(c ? [c.draft] : []), ...apis.map((a) => a.draft)]);
  const placements = apis.map((a, i) => placeApi(draft, a, specs[i][0].split('/').slice(0, -1)));
  const text = draftToYaml(draft, { output: 'threatmap.yaml' });
  const loaded = loadModel(text, 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return { draft, placement: placements[0], placements, text };
}

const endpointKeys = (p: Placed, key: string): string[] => (elementOf(p.draft, key).endpoints ?? []).map((e) => e.key);

describe('discover s27: a spec in a service\'s build context', () => {
  it('goes on the service built there, which keeps its tech, and no call from outside bypasses the gateway', () => {
    const p = place(compose('orders-api'), ['api/openapi.yaml', SPEC]);
    assert.deepEqual(p.placement, {
      key: 'orders-api', reason: 'the spec is in its build context api/; not published, so its server https://api.acme.dev is reached through gateway',
    });
    assert.deepEqual(endpointKeys(p, 'orders-api'), ['GET /orders']);
    assert.deepEqual(elementOf(p.draft, 'orders-api').identity, { tech: 'fastapi' });
    assert.deepEqual(flowSet(p.draft), ['clients -> gateway', 'gateway -> orders-api']);
    assert.match(p.text, /\n {2}orders-api:\n {4}tech: fastapi\n/);
  });

  it('goes on that service when it is named otherwise than the spec\'s title: no element is made for the title', () => {
    const p = place(compose('orders'), ['api/openapi.yaml', SPEC]);
    assert.equal(p.placement?.key, 'orders');
    assert.deepEqual(endpointKeys(p, 'orders'), ['GET /orders']);
    assert.deepEqual(p.draft.elements.filter((e) => !e.madeUp).map((e) => e.key), ['gateway', 'orders']);
    assert.deepEqual(flowSet(p.draft), ['clients -> gateway', 'gateway -> orders']);
  });

  it('a published service keeps the call into its port, and none is added for the server', () => {
    const p = place(compose('orders', { ports: '8000:8000' }), ['api/openapi.yaml', SPEC]);
    assert.deepEqual(p.placement, { key: 'orders', reason: 'the spec is in its build context api/' });
    assert.deepEqual(flowSet(p.draft), ['clients -> gateway', 'clients -> orders', 'gateway -> orders']);
    assert.equal(p.draft.flows.find((f) => f.to === 'orders' && f.from !== 'gateway')?.evidence.length, 1);
  });

  it('a service that nothing publishes or calls is called by the outside clients at a public server', () => {
    const p = place('services:\n  orders:\n    build: ./api\n', ['api/openapi.yaml', SPEC]);
    assert.deepEqual(p.placement, { key: 'orders', reason: 'the spec is in its build context api/; called by outside clients at https://api.acme.dev' });
    assert.deepEqual(flowSet(p.draft), ['clients -> orders']);
  });

  it('the innermost build context holding the spec wins; one the spec is not inside says nothing', () => {
    const text = `services:
  web:
    build: .
  orders:
    build: { context: ./api }
  other:
    build: ../elsewhere
`;
    const deep = place(text, ['api/spec/openapi.yaml', SPEC]);
    assert.equal(deep.placement?.key, 'orders');
    const top = place(text, ['openapi.yaml', SPEC]);
    assert.deepEqual(top.placement, { key: 'web', reason: 'the spec is in its build context, the folder searched; called by outside clients at https://api.acme.dev' });
    assert.deepEqual(elementOf(top.draft, 'other').codeFolders, undefined);
  });

  it('two services built from the spec\'s folder: the folder cannot say which serves it, so it is placed as before', () => {
    const p = place('services:\n  api:\n    build: ./app\n  worker:\n    build: ./app\n', ['app/openapi.yaml', SPEC]);
    assert.equal(p.placement?.key, 'orders-api');
    assert.match(p.placement?.reason ?? '', /^a new element named after the spec \(no file names its host\)/);
  });
});

describe('discover s27: a spec tied to no service', () => {
  it('is a new element named after it, called by the outside clients at its public server', () => {
    const p = place('services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n', ['docs/openapi.yaml', SPEC]);
    assert.deepEqual(p.placement, {
      key: 'orders-api', reason: 'a new element named after the spec (no file names its host); called by outside clients at https://api.acme.dev',
    });
    assert.deepEqual(elementOf(p.draft, 'orders-api').identity, { type: 'api' });
    assert.deepEqual(flowSet(p.draft), ['clients -> orders-api', 'clients -> web']);
  });

  it('a second spec of the same title joins the first one\'s element, and the summary says so', () => {
    const p = place(undefined, ['a/openapi.yaml', SPEC], ['b/openapi.yaml', SPEC.replace('/orders:', '/refunds:')]);
    assert.match(p.placements[1]?.reason ?? '', /^a new element named after the spec \(another spec of the same title\)/);
    assert.deepEqual(endpointKeys(p, 'orders-api'), ['GET /orders', 'GET /refunds']);
  });

  it('a service of the files named like the title gets it and stays what the files say; the gateway still reaches it', () => {
    const p = place(compose('orders-api', { code: 'image: acme/orders:1.4' }), ['docs/openapi.yaml', SPEC]);
    assert.deepEqual(p.placement, {
      key: 'orders-api', reason: 'it is named like the spec\'s title; not published, so its server https://api.acme.dev is reached through gateway',
    });
    assert.deepEqual(elementOf(p.draft, 'orders-api').identity, { type: 'service' });
    assert.deepEqual(flowSet(p.draft), ['clients -> gateway', 'gateway -> orders-api']);
  });
});

describe('discover s27: apiKey security schemes', () => {
  const spec = (where: string) => `openapi: 3.0.3
info: { title: Billing, version: "1" }
components:
  securitySchemes:
    key: { type: apiKey, in: ${where}, name: SESSIONID }
security:
  - key: []
paths:
  /invoices/{id}/pay:
    post: {}
`;
  const authOf = (where: string) => discoverOpenApi(spec(where), 'openapi.yaml').api?.endpoints?.[0].auth;

  it('a key in a cookie is a session cookie', () => {
    assert.equal(authOf('cookie'), 'session-cookie');
    assert.equal(authOf('Cookie'), 'session-cookie');
  });

  it('a key in a header or the query stays an API key', () => {
    assert.equal(authOf('header'), 'api-key');
    assert.equal(authOf('query'), 'api-key');
  });
});

describe('discover s27: the summary', () => {
  it('names the build context and the gateway the public server is reached through, and keeps the drafted tech', () => {
    const dir = tempFolder('discover-s27-openapi-');
    mkdirSync(join(dir, 'api'));
    writeFileSync(join(dir, 'compose.yaml'), compose('orders-api'));
    writeFileSync(join(dir, 'api', 'requirements.txt'), 'fastapi==0.110.0\n');
    writeFileSync(join(dir, 'api', 'openapi.yaml'), SPEC);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /openapi\.yaml: 1 endpoint \(1 public\) on orders-api: the spec is in its build context api\/; not published, so its server https:\/\/api\.acme\.dev is reached through gateway\n/);
    assert.doesNotMatch(r.stderr, /another spec/);
    assert.match(r.stdout, /\n {2}orders-api:\n {4}tech: fastapi\n/);
    assert.doesNotMatch(r.stdout, /clients -> orders-api/);
  });
});
