// Session 23 (web): cross-site scripting rated by the stores a dashboard reads (stored XSS from data the public
// writes) and by an allow-list in front; the customer app behind a shared load balancer is not the staff
// console's; CORS only for browsers whose pages come from a front end, and Low with bearer tokens; encrypted
// flows that are not TLS shown as such in the coverage matrix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { crossOriginOnlyFromVendorApps } from '../../src/analysis/rules/web.js';
import { buildGraph } from '../../src/model/graph.js';
import { coverageCell, evidenceFacts, loadText, MODEL_HEAD, noThreat, onlyThreat } from './harness.js';

/** A BI tool analysts use from the corporate network over a warehouse; `feeds` are the flows that fill it. */
const bi = (feeds: string, extra = '') =>
  'boundaries:\n  internet: { trust: untrusted }\n  corp: { trust: internal }\n' +
  'assets:\n  pii: { name: Customer PII, type: pii, classification: confidential }\n' +
  'elements:\n  shopper: { tech: browser, in: internet }\n  shop: { type: api, in: corp, auth: session-cookie }\n' +
  '  events: { type: queue, in: corp }\n  etl: { type: worker, in: corp }\n  warehouse: { type: database, in: corp, stores: [pii] }\n' +
  '  analyst: { tech: browser, in: corp }\n  superset: { type: web-app, in: corp, auth: oidc, handles: [pii] }\n' + extra +
  'flows:\n  - shopper -> shop: https\n  - analyst -> superset: https\n' + feeds;

describe('cross-site-scripting: a store the app reads that the internet feeds', () => {
  it('rates a trusted-zone dashboard over internet-fed data Medium, naming the store and where its data comes from', () => {
    const t = onlyThreat(bi('  - shop -> warehouse: https\n  - superset -> warehouse: https\n'), 'cross-site-scripting');
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.likelihood.reason, 'warehouse holds data from shop, which the internet reaches; superset reads it: stored script runs in its pages without the attacker reaching superset');
    assert.ok(evidenceFacts(t).includes('warehouse holds data from shop, which the internet reaches'), evidenceFacts(t).join(' | '));
    assert.match(t.mitigation, /Treat what warehouse holds as untrusted input \(written by shop\): encode it on output in every dashboard, chart label and table of superset/);
  });

  it('stays Low (an insider) when only internal jobs write the store, with the rule\'s own mitigation', () => {
    const t = onlyThreat(bi('  - etl -> warehouse: https\n  - superset -> warehouse: https\n'), 'cross-site-scripting');
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['Low', 'only browsers in trusted zones reach it: needs an insider']);
    assert.ok(!t.mitigation.includes('untrusted input'), t.mitigation);
    assert.ok(!evidenceFacts(t).some((f) => f.includes('holds data from')));
  });

  it('follows the data through a queue and the job that reads it, and a read drawn from the store to the app', () => {
    // The job pulls from the queue (drawn towards the queue) and the rows come back to the app (drawn towards it).
    const t = onlyThreat(bi('  - shop -> events: kafka+tls\n  - etl -> events: kafka+tls\n  - etl -> warehouse: https\n  - warehouse -> superset: https\n'), 'cross-site-scripting');
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /^warehouse holds data from shop \(through events, etl\), which the internet reaches; superset reads it/);
  });

  it('counts a store in an untrusted zone as written by anyone there', () => {
    const partner = '  drop: { name: Partner drop bucket, type: object-storage, in: internet }\n';
    const t = onlyThreat(bi('  - superset -> drop: https\n', partner), 'cross-site-scripting');
    assert.equal(t.likelihood.level, 'Medium');
    assert.match(t.likelihood.reason, /^Partner drop bucket sits in an untrusted zone, where anyone can write to it; superset reads it/);
    assert.match(t.mitigation, /Treat what Partner drop bucket holds as untrusted input \(written in an untrusted zone\)/);
  });

  it('follows a pipeline only so far (8 hops from where the data comes in)', () => {
    // Each reader pulls from the store before and writes the next: two hops a stage.
    const stages = (n: number) => {
      let elements = '';
      let flows = '  - shop -> w1: https\n';
      for (let i = 2; i <= n; i++) {
        elements += `  p${i}: { type: worker, in: corp }\n  w${i}: { type: database, in: corp }\n`;
        flows += `  - p${i} -> w${i - 1}: https\n  - p${i} -> w${i}: https\n`;
      }
      return { elements: `  w1: { type: database, in: corp }\n${elements}`, flows };
    };
    const reading = (last: number) => {
      const { elements, flows } = stages(5);
      return bi(`${flows}  - superset -> w${last}: https\n`, elements);
    };
    assert.equal(onlyThreat(reading(4), 'cross-site-scripting').likelihood.level, 'Medium');
    assert.equal(onlyThreat(reading(5), 'cross-site-scripting').likelihood.level, 'Low');
  });

  it('leaves an app the internet reaches rated by its own exposure', () => {
    const body = bi('  - shop -> warehouse: https\n  - superset -> warehouse: https\n  - shopper -> superset: https\n');
    const t = onlyThreat(body, 'cross-site-scripting');
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['High', 'reachable from the internet: scanners find injection points']);
    assert.ok(!t.mitigation.includes('untrusted input'));
  });
});

/** The customer app and the staff console share one load balancer. */
const alb = (console: string, apps = '  - alb -> shop: https\n') =>
  'boundaries:\n  internet: { trust: untrusted }\n' +
  'elements:\n  customer: { type: user, in: internet }\n  spa: { tech: react, in: internet }\n  alb: { tech: alb }\n  shop: { tech: express }\n' +
  `  staff: { type: admin }\n  console: { type: web-app${console}, endpoints: { /admin: {} } }\n` +
  `flows:\n  - customer -> spa: https\n  - spa -> alb: https\n${apps}  - staff -> alb: https\n  - alb -> console: https\n`;

describe('cross-site-scripting: a console behind a shared load balancer', () => {
  it('does not name the customer app, and rates the console by its allow-list', () => {
    const t = onlyThreat(alb(', controls: [ip-allowlist]'), 'cross-site-scripting');
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['Medium', 'only callers admitted by ip-allowlist reach it']);
    assert.ok(evidenceFacts(t).includes('console is only reachable through ip-allowlist'), evidenceFacts(t).join(' | '));
    assert.ok(!t.mitigation.includes('spa') && !evidenceFacts(t).some((f) => f.includes('single-page app')), t.mitigation);
  });

  it('without the allow-list the internet reaches it: High', () => {
    const t = onlyThreat(alb(''), 'cross-site-scripting');
    assert.equal(t.likelihood.level, 'High');
    assert.ok(!evidenceFacts(t).some((f) => f.includes('only reachable through')));
  });

  it('still names an app whose load balancer leads only to the console', () => {
    const t = onlyThreat(alb('', ''), 'cross-site-scripting');
    assert.ok(evidenceFacts(t).includes('console is called by the single-page app spa'), evidenceFacts(t).join(' | '));
    assert.match(t.mitigation, /In the single-page app \(spa\), keep user content out of raw HTML sinks/);
  });
});

/** Operators open Grafana and call the device-management API (the IoT review's minimal model). */
const operators = (grafana: string, apiAuth = 'oidc', who = 'type: user') =>
  'boundaries:\n  operator: { trust: internal }\n  vpc: { trust: internal }\n' +
  `elements:\n  operators: { ${who}, in: operator }\n  grafana: { type: web-app, in: operator${grafana} }\n` +
  `  devmgmt: { type: service, in: vpc, auth: ${apiAuth} }\n` +
  `flows:\n  - operators -> grafana: https\n  - operators -> devmgmt: { protocol: https, auth: ${apiAuth} }\n`;

describe('cors-misconfiguration: which pages call the API, and which credentials a hostile page gets', () => {
  // Integrator: by `off-the-shelf` (Grafana run as shipped), not by a sign-in of its own: our own front end with a
  // login serves the script that calls our API (the review's cors.yaml: base reported it, the sign-in test hid it).
  it('software run as shipped that the same people open does not make the API cross-origin', () => {
    noThreat(operators(', tech: grafana, auth: oidc'), 'cors-misconfiguration');
    noThreat(operators(', tech: grafana', 'jwt', 'tech: browser'), 'cors-misconfiguration');
    noThreat(operators(', tech: kibana, endpoints: { /dashboards: { auth: session-cookie } }'), 'cors-misconfiguration');
  });

  it('our own front end with a sign-in of its own still serves the script that calls the API', () => {
    const site = 'boundaries:\n  internet: { trust: untrusted }\nassets:\n  orders: { name: Orders, type: pii, classification: confidential }\n' +
      'elements:\n  visitor: { tech: browser, in: internet }\n  site: { type: web-app, auth: session-cookie, endpoints: { /login: { public: true } } }\n' +
      '  api: { type: api, auth: session-cookie, handles: [orders] }\nflows:\n  - visitor -> site: https\n  - visitor -> api: https\n';
    assert.equal(onlyThreat(site, 'cors-misconfiguration').likelihood.level, 'Medium');
  });

  it('a front end that signs no one in serves the script that calls the API', () => {
    const t = onlyThreat(operators('', 'session-cookie'), 'cors-misconfiguration');
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['Medium', 'needs the victim to visit a hostile page while signed in']);
  });

  it('rates bearer tokens Low, saying why', () => {
    const t = onlyThreat(operators(''), 'cors-misconfiguration');
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['Low', 'callers send a bearer token (oidc) that the app\'s script adds, which the browser does not attach to another site\'s requests: a permissive policy exposes data only if the token is kept in a cookie or the API allows credentials']);
  });

  it('keeps Medium when any way in is a credential the browser sends by itself', () => {
    // The API says jwt, but the flow from the browser brings a session cookie.
    const body = operators('', 'jwt').replace('auth: jwt }\n', 'auth: session-cookie }\n');
    const t = onlyThreat(body, 'cors-misconfiguration');
    assert.equal(t.likelihood.level, 'Medium');
  });
});

describe('coverage: encrypted flows that are not TLS', () => {
  const model = 'elements:\n  tech: { type: user }\n  app: { tech: android }\n  meter: { type: device }\n  api: { type: api }\n  box: { type: service }\n' +
    'flows:\n  - tech -> app: https\n  - app -> meter: { protocol: x-ble, encrypted: true }\n  - app -> api: https\n  - api -> box: ssh\n';
  it('shows `encrypted` for what the model only says is encrypted, and for SSH', () => {
    const ble = coverageCell(model, 'app->meter', 'I');
    assert.deepEqual([ble.status, ble.controls, ble.reason], ['mitigated', ['encrypted'], 'x-ble is marked encrypted in transit']);
    assert.deepEqual(coverageCell(model, 'api->box', 'T').controls, ['encrypted']);
  });

  it('keeps `tls` for TLS protocols', () => {
    const https = coverageCell(model, 'app->api', 'I');
    assert.deepEqual([https.status, https.controls], ['mitigated', ['tls']]);
  });
});

describe('crossOriginOnlyFromVendorApps (for key-migrations.ts)', () => {
  const judge = (body: string, id: string) => {
    const { model } = loadText(MODEL_HEAD + body);
    const graph = buildGraph(model);
    const ctx = buildContext(graph, findCrossings(graph));
    return crossOriginOnlyFromVendorApps(ctx, ctx.graph.elements.get(id)!);
  };
  it('holds for the API whose only cross-origin pages were software run as shipped', () => {
    assert.equal(judge(operators(', tech: grafana, auth: oidc'), 'devmgmt'), true);
    assert.equal(judge(operators(', auth: oidc'), 'devmgmt'), false);
  });
  it('not where the rule still reports it, nor where no page server was ever drawn', () => {
    assert.equal(judge(operators(''), 'devmgmt'), false);
    assert.equal(judge(operators(', tech: grafana, auth: oidc').replace('  - operators -> grafana: https\n', ''), 'devmgmt'), false);
  });
});
