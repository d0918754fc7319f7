// missing-waf and verbose-errors behind a layer-4 load balancer: an edge component that passes a browser's HTTPS
// through over TCP or TLS still delivers HTTP requests; TCP from anything else, or from an edge component fed
// only MQTT or raw TCP, does not (family-shared.ts takesHttp).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { takesHttp } from '../../src/analysis/rules/family-shared.js';
import { buildGraph } from '../../src/model/graph.js';
import { loadText, MODEL_HEAD, threatsIn } from './harness.js';

const RULES = ['missing-waf', 'verbose-errors'];
const keys = (body: string) => threatsIn(body, ...RULES).map((t) => `${t.key} | ${t.risk}`).sort();

/** The review's model: an app behind a load balancer, the hop into the app over `hop`, the balancer fed `feed`. */
const behindNlb = (hop: string, feed = '  - visitor -> nlb: https\n', client = '  visitor: { tech: browser }\n') => `assets:
  pii: { classification: confidential }
elements:
${client}  nlb: { type: load-balancer }
  app: { type: web-app, handles: [pii] }
flows:
${feed}  - nlb -> app: ${hop}
`;

function context(body: string) {
  const { model } = loadText(MODEL_HEAD + body);
  const graph = buildGraph(model!);
  const ctx = buildContext(graph, findCrossings(graph));
  return { ctx, el: (id: string) => graph.elements.get(id)! };
}

describe('missing-waf and verbose-errors behind a TCP or TLS pass-through', () => {
  it('reports the app behind a load balancer that passes a browser\'s HTTPS through over tcp or tls', () => {
    for (const hop of ['tcp', 'tls']) {
      assert.deepEqual(keys(behindNlb(hop)), ['missing-waf@app | Low', 'verbose-errors@app | Medium'], hop);
    }
  });

  it('stays silent when the load balancer is fed only raw TCP or MQTT, or the TCP comes from a service', () => {
    const device = '  sensor: { type: device }\n';
    for (const feed of ['tcp', 'mqtt']) {
      assert.deepEqual(keys(behindNlb('tcp', `  - sensor -> nlb: ${feed}\n`, device)), [], feed);
    }
    // (The same models with an HTTPS hop do report the app: it is the hop's TCP that says no HTTP arrives.)
    assert.deepEqual(keys(behindNlb('https', '  - sensor -> nlb: mqtt\n', device)), ['missing-waf@app | Low', 'verbose-errors@app | Medium']);
    // A service is no pass-through: its own TCP calls are not a browser's requests, whatever it is sent.
    const fromService = context(behindNlb('tcp').replace('nlb: { type: load-balancer }', 'nlb: { type: service }'));
    assert.equal(takesHttp(fromService.ctx, fromService.el('app')), false);
  });

  it('follows a chain of pass-throughs iteratively, and a loop of them without taking its own TCP for HTTP', () => {
    const n = 3000;
    const lbs = Array.from({ length: n }, (_, i) => `  lb${i}: { type: load-balancer }\n`).join('');
    const hops = Array.from({ length: n - 1 }, (_, i) => `  - lb${i} -> lb${i + 1}: tcp\n`).join('');
    const chain = (feed: string) => context(`elements:
  visitor: { tech: browser }
  sensor: { type: device }
${lbs}  app: { type: web-app }
flows:
  - ${feed} -> lb0: ${feed === 'visitor' ? 'https' : 'mqtt'}
${hops}  - lb${n - 1} -> app: tcp
`);
    const web = chain('visitor');
    assert.equal(takesHttp(web.ctx, web.el('app')), true);
    const mqtt = chain('sensor');
    assert.equal(takesHttp(mqtt.ctx, mqtt.el('app')), false);

    // Two balancers passing TCP to each other: the loop alone brings no HTTP, an HTTPS client at either end does.
    const loop = (feed: string) => context(`elements:
  visitor: { tech: browser }
  sensor: { type: device }
  a: { type: load-balancer }
  b: { type: reverse-proxy }
  app: { type: web-app }
flows:
  - ${feed}
  - a -> b: tls
  - b -> a: tcp
  - b -> app: tcp
`);
    const closed = loop('sensor -> a: tcp');
    // Asked in either order, the answer is the same.
    assert.equal(takesHttp(closed.ctx, closed.el('app')), false);
    assert.equal(takesHttp(closed.ctx, closed.el('a')), false);
    const open = loop('visitor -> b: https');
    assert.equal(takesHttp(open.ctx, open.el('a')), true);
    assert.equal(takesHttp(open.ctx, open.el('app')), true);
  });
});
