// Session 22 (varnish): web-cache-deception covers a caching reverse proxy (`tech: varnish`, the http-cache
// trait) as it covers a CDN; a plain reverse proxy (nginx) stays out, since no fact says it caches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TECHNOLOGIES } from '../../src/model/catalog.js';
import { evidenceFacts, noThreat, onlyThreat, threatsIn } from './harness.js';

const RULE = 'web-cache-deception';
const ASSETS = 'assets:\n  profile: { name: Profile, type: pii, classification: confidential }\n';
const ACCOUNT = '      GET /account: { returns: [profile] }\n';

/** A browser, a front of the given tech and a cookie-authenticated app behind it. */
const site = (front: string, opts: { app?: string; flows?: string; extra?: string } = {}) =>
  `${ASSETS}elements:\n  visitor: { tech: browser }\n  front: { name: Front, tech: ${front} }\n${opts.extra ?? ''}` +
  `  app:\n    type: web-app\n    auth: session-cookie\n${opts.app ?? ''}    endpoints:\n${ACCOUNT}` +
  `flows:\n  - visitor -> front: https\n${opts.flows ?? '  - front -> app: http\n'}`;

describe('web-cache-deception at a caching reverse proxy', () => {
  it('catalogues Varnish as a reverse proxy that caches', () => {
    assert.equal(TECHNOLOGIES.varnish.type, 'reverse-proxy');
    assert.deepEqual(TECHNOLOGIES.varnish.traits, ['http-cache']);
  });

  it('reports Varnish in front of a cookie-authenticated endpoint returning personal data', () => {
    const t = onlyThreat(site('varnish'), RULE);
    assert.equal(t.component, 'front');
    assert.equal(t.title, 'Front can cache Profile and serve it to other users');
    assert.equal(t.risk, 'High');
    assert.deepEqual(evidenceFacts(t).slice(0, 3), [
      'Front caches responses and is reachable from the internet',
      'requests reach app from the cache along Front -> app',
      'GET /account on app returns Profile to callers signed in with session-cookie',
    ]);
    assert.match(t.mitigation, /vcl_recv/);
  });

  it('leaves a reverse proxy that does not cache alone', () => {
    noThreat(site('nginx'), RULE);
    noThreat(site('traefik'), RULE);
  });

  it('is mitigated by cache-control on Varnish, and makes one finding per cache when a CDN stands in front of it', () => {
    noThreat(site('varnish, controls: [cache-control]'), RULE);
    const layered = (varnish: string) => threatsIn(site('cloudfront', {
      extra: `  varnish: { name: Varnish, tech: varnish${varnish} }\n`,
      flows: '  - front -> varnish: https\n  - varnish -> app: http\n',
    }), RULE).map((t) => t.component).sort();
    // Each cache keeps its own copies: the CDN's walk goes on through Varnish, and both are judged.
    assert.deepEqual(layered(''), ['front', 'varnish']);
    // cache-control on Varnish settles its own finding only: the CDN in front still caches.
    assert.deepEqual(layered(', controls: [cache-control]'), ['front']);
  });
});
