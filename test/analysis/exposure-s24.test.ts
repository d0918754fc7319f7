// Session 24 (exposure): two false negatives of the exposure search in src/analysis/context.ts.
// 1. An endpoint's `callers` state who is meant to call it; only a role check, an ip-allowlist on the route or
//    mtls enforces them (README, endpoints). Nothing enforcing them, the flows say who reaches the endpoint.
// 2. A pipeline's control-plane call (ci-cd over cloud-api) deploys code: it is no request path around the
//    WAF and rate limits of the edge in front, while a second public path around the edge still is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { type AnalysisContext, buildContext } from '../../src/analysis/context.js';
import { buildGraph } from '../../src/model/graph.js';
import type { Element, Endpoint } from '../../src/model/types.js';
import { analyzeText, threatsOf } from '../helpers.js';
import { loadText, MODEL_HEAD } from '../rules/harness.js';

const keys = (text: string, ruleId: string) => threatsOf(analyzeText(text), ruleId).map((t) => `${t.key} | ${t.risk}`);

/** The context of a whole model, and an endpoint with its element by their keys. */
const context = (text: string): { ctx: AnalysisContext; ep: (element: string, key: string) => [Endpoint, Element] } => {
  const { model } = loadText(text);
  const graph = buildGraph(model!);
  const ctx = buildContext(graph, findCrossings(graph));
  return {
    ctx,
    ep: (element, key) => {
      const e = graph.elements.get(element)!;
      return [e.endpoints.find((x) => x.key === key)!, e];
    },
  };
};

/** The review's repro: an API behind an internet-facing load balancer, its admin route meant for the console. */
const admin = (route: string, api = '') => `threatmap: 1
system: { name: Admin API }
boundaries:
  internet: { name: Internet, trust: untrusted }
  dmz: { name: DMZ, trust: dmz, kind: network }
  app: { name: App, trust: internal }
elements:
  user: { name: User, type: user, in: internet }
  console: { name: Admin console, type: web-app, in: app }
  lb: { name: Load balancer, type: load-balancer, in: dmz }
  api:
    name: API
    type: api
    in: app
${api}    endpoints:
      POST /admin/users: ${route}
flows:
  - user -> lb: https
  - lb -> api: https
  - console -> api: https
`;

const ROUTE = '{ kind: admin, auth: session-cookie, callers: [console] }';

describe('exposure: `callers` restrict who reaches an endpoint only where something enforces them', () => {
  it('reports the admin route the internet reaches through the load balancer when nothing enforces its callers', () => {
    const without = keys(admin('{ kind: admin, auth: session-cookie }'), 'exposed-admin-interface');
    assert.deepEqual(without, ['exposed-admin-interface@api:POST /admin/users | Critical']);
    assert.deepEqual(keys(admin(ROUTE), 'exposed-admin-interface'), without);
    // The two admin rules split by exposure: the one for routes behind a VPN or allow-list no longer applies.
    assert.deepEqual(keys(admin(ROUTE), 'admin-without-mfa'), []);
    const { ctx, ep } = context(admin(ROUTE));
    assert.equal(ctx.callerCheck(ep('api', 'POST /admin/users')[0]), undefined);
    assert.equal(ctx.endpointExposure(...ep('api', 'POST /admin/users')), 'internet');
  });

  it('keeps the callers\' exposure when an allow-list on the route, mtls or a role check enforces them', () => {
    // [route, what the element declares, what enforces the callers]
    const enforced: [string, string, string][] = [
      ['{ kind: admin, auth: session-cookie, callers: [console], controls: [ip-allowlist] }', '', 'ip-allowlist'],
      ['{ kind: admin, auth: mtls, callers: [console] }', '', 'mtls'],
      ['{ kind: admin, callers: [console] }', '    auth: mtls\n', 'mtls'],
      ['{ kind: admin, auth: session-cookie, callers: [console], controls: [authorization] }', '', 'authorization'],
      [ROUTE, '    controls: [authorization]\n', 'authorization'],
    ];
    for (const [route, api, by] of enforced) {
      const text = admin(route, api);
      const { ctx, ep } = context(text);
      assert.equal(ctx.callerCheck(ep('api', 'POST /admin/users')[0]), by, route + api);
      assert.equal(ctx.endpointExposure(...ep('api', 'POST /admin/users')), 'internal', route + api);
      assert.deepEqual(keys(text, 'exposed-admin-interface'), [], route + api);
      assert.deepEqual(keys(text, 'admin-without-mfa'), ['admin-without-mfa@api:POST /admin/users | High'], route + api);
    }
  });

  it('takes a role check declared on a boundary around the element as `endpointHas` does', () => {
    const text = admin(ROUTE).replace('app: { name: App, trust: internal }', 'app: { name: App, trust: internal, controls: [authorization] }');
    const { ctx, ep } = context(text);
    assert.equal(ctx.callerCheck(ep('api', 'POST /admin/users')[0]), 'authorization');
    assert.equal(ctx.endpointExposure(...ep('api', 'POST /admin/users')), 'internal');
  });

  it('does not take an allow-list on the element for one on the route: it admits the callers of every route', () => {
    const text = admin(ROUTE, '    controls: [ip-allowlist]\n');
    const { ctx, ep } = context(text);
    assert.equal(ctx.callerCheck(ep('api', 'POST /admin/users')[0]), undefined);
    assert.equal(ctx.endpointExposure(...ep('api', 'POST /admin/users')), 'internet');
    // The allow-list still mitigates the admin route the internet reaches, in exposed-admin-interface's own terms.
    assert.deepEqual(keys(text, 'exposed-admin-interface'), []);
  });

  it('still counts the callers it names where the flows bring no one: they are meant to call it', () => {
    const text = `elements:
  partner: { type: third-party }
  jobs: { type: worker }
  api:
    type: api
    endpoints:
      POST /sync: { auth: api-key, callers: [partner] }
flows:
  - jobs -> api: https
`;
    const { ctx, ep } = context(MODEL_HEAD + text);
    assert.equal(ctx.exposure('api'), 'internal');
    assert.equal(ctx.endpointExposure(...ep('api', 'POST /sync')), 'internet');
  });

  it('counts the perimeter controls of every flow that reaches the route when nothing enforces its callers', () => {
    const partnerRoute = (route: string) => `elements:
  partner: { type: third-party }
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
      POST /partner/sync: ${route}
flows:
  - partner -> api: { protocol: https, controls: [rate-limiting] }
  - visitor -> api: https
`;
    const open = context(MODEL_HEAD + partnerRoute('{ auth: api-key, callers: [partner] }'));
    assert.equal(open.ctx.endpointHas(open.ep('api', 'POST /partner/sync')[0], 'rate-limiting'), false);
    const held = context(MODEL_HEAD + partnerRoute('{ auth: api-key, callers: [partner], controls: [ip-allowlist] }'));
    assert.equal(held.ctx.endpointHas(held.ep('api', 'POST /partner/sync')[0], 'rate-limiting'), true);
    // A public address of the element's own is a path with nothing in front, unless the callers are enforced.
    const exposedOpen = context(MODEL_HEAD + partnerRoute('{ auth: api-key, callers: [partner] }').replace('    type: api\n', '    type: api\n    exposed: true\n').replace('  - visitor -> api: https\n', ''));
    assert.equal(exposedOpen.ctx.endpointHas(exposedOpen.ep('api', 'POST /partner/sync')[0], 'rate-limiting'), false);
    const exposedHeld = context(MODEL_HEAD + partnerRoute('{ auth: mtls, callers: [partner] }').replace('    type: api\n', '    type: api\n    exposed: true\n').replace('  - visitor -> api: https\n', ''));
    assert.equal(exposedHeld.ctx.endpointHas(exposedHeld.ep('api', 'POST /partner/sync')[0], 'rate-limiting'), true);
  });

  it('reports a route others reach with its credential once, as callers nothing enforces (an admin route: administrative powers); one role check clears it', () => {
    const text = admin('{ kind: admin, auth: session-cookie, callers: [console] }')
      .replace('  - user -> lb: https\n  - lb -> api: https\n  - console -> api: https\n',
        '  - user -> lb: { protocol: https, auth: session-cookie }\n  - lb -> api: { protocol: https, auth: session-cookie }\n  - console -> api: { protocol: https, auth: session-cookie }\n');
    assert.deepEqual(keys(text, 'missing-authorization'), ['missing-authorization@api | High']);
    // Anyone signed in calls the route: enforcing its callers comes first, not a network fence (callers-reach tests).
    assert.deepEqual(keys(text, 'exposed-admin-interface'), []);
    // A role check enforces the callers, which clears both.
    const checked = text.replace('    in: app\n    endpoints:', '    in: app\n    controls: [authorization]\n    endpoints:');
    assert.deepEqual(keys(checked, 'missing-authorization'), []);
    assert.deepEqual(keys(checked, 'exposed-admin-interface'), []);
  });
});

/** A web app behind a load balancer with a WAF and rate limits, a pipeline a developer pushes to, its `deploy` flow and `extra` flows. */
const deployed = (deploy: string | undefined, extra = '') => `threatmap: 1
system: { name: Shop }
boundaries:
  internet: { name: Internet, trust: untrusted }
  dmz: { name: DMZ, trust: dmz, kind: network }
  app: { name: App, trust: internal }
assets:
  orders: { name: Orders, type: business, classification: confidential, integrity: high }
elements:
  user: { name: User, type: user, in: internet }
  dev: { name: Developer, type: developer, in: internet }
  lb: { name: Load balancer, type: load-balancer, in: dmz, controls: [waf, rate-limiting] }
  web:
    name: Web app
    type: web-app
    in: app
    auth: session-cookie
    handles: [orders]
    endpoints:
      /search: { public: true }
      POST /orders: { accepts: [orders] }
  queue: { name: Orders queue, type: queue, in: app }
  worker: { name: Worker, type: worker, in: app }
  cloudbuild: { name: Cloud Build, tech: github-actions }
flows:
  - user -> lb: https
  - lb -> web: https
  - web -> queue: { protocol: amqps, data: [orders] }
  - queue -> worker: { protocol: amqps, data: [orders] }
  - dev -> cloudbuild: https
${deploy === undefined ? '' : `  - ${deploy}\n`}${extra}`;

const EDGE_RULES = ['missing-waf', 'no-rate-limiting', 'queue-flooding'];
const edgeFindings = (text: string) => EDGE_RULES.flatMap((r) => keys(text, r));

describe('exposure: a pipeline\'s deploy call is no path around the edge', () => {
  it('keeps the WAF and rate limits of the load balancer for what a ci-cd element deploys to over cloud-api', () => {
    const text = deployed('cloudbuild -> web: cloud-api');
    assert.deepEqual(edgeFindings(text), []);
    assert.deepEqual(edgeFindings(deployed(undefined)), []);
    const { ctx, ep } = context(text);
    assert.deepEqual([...ctx.perimeterControls('web')].sort(), ['rate-limiting', 'waf']);
    assert.equal(ctx.endpointHas(ep('web', '/search')[0], 'rate-limiting'), true);
    // The deploy stays a flow of the model: the pipeline's own rules still see it.
    assert.deepEqual(keys(text, 'pipeline-over-privileged'), ['pipeline-over-privileged@cloudbuild | Medium']);
  });

  it('still reports a second public path around the WAF (plain https from the internet)', () => {
    const text = deployed('cloudbuild -> web: cloud-api', '  - user -> web: https\n');
    assert.deepEqual(edgeFindings(text), [
      'missing-waf@web | Low',
      'no-rate-limiting@web:/search | High',
      'queue-flooding@queue | Medium',
    ]);
    assert.deepEqual(keys(text, 'load-balancer-bypass'), ['load-balancer-bypass@web | High']);
    const { ctx, ep } = context(text);
    assert.deepEqual([...ctx.perimeterControls('web')], []);
    assert.equal(ctx.endpointHas(ep('web', '/search')[0], 'rate-limiting'), false);
  });

  it('counts a cloud-api call from anything but a pipeline as a path, and a pipeline\'s call that is no control-plane one', () => {
    const partner = deployed('cloudbuild -> web: cloud-api', '  - partner -> web: cloud-api\n').replace('  cloudbuild:', '  partner: { type: third-party, in: internet }\n  cloudbuild:');
    assert.deepEqual(context(partner).ctx.perimeterControls('web').size, 0);
    assert.deepEqual(context(deployed('cloudbuild -> web: https')).ctx.perimeterControls('web').size, 0);
  });
});
