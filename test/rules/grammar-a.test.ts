// Verb agreement with plural names in the branches of the injection, authentication, web, transport and
// integrity rules that the rule examples and fixtures do not reach (grammar.test.ts covers those): each
// sentence reads right for a plural name ("Job runners consume") and stays as it was for a singular one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Threat } from '../../src/analysis/types.js';
import { MODEL_HEAD, threatsIn } from './harness.js';

/** The one threat of `ruleId` on `component` in a model body written after MODEL_HEAD. */
function threatOf(body: string, ruleId: string, component: string): Threat {
  const found = threatsIn(body, ruleId).filter((t) => t.component === component);
  assert.equal(found.length, 1, `${ruleId} on ${component}:\n${MODEL_HEAD}${body}`);
  return found[0];
}

const facts = (t: Threat) => t.evidence.map((e) => e.fact);

describe('verb agreement with plural names (injection, authentication, web, transport, integrity)', () => {
  it('interpreter rules: the process runs, receives and consumes in agreement with its name (command-injection, insecure-deserialization)', () => {
    const model = (thumbs: string, jobs: string) => `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  thumbs: { name: ${thumbs}, tech: imagemagick }\n  queue: { tech: rabbitmq }\n  jobs: { name: ${jobs}, tech: celery, tags: [pickle] }\nflows:\n  - visitor -> api: https\n  - api -> thumbs: https\n  - api -> queue: amqps\n  - queue -> jobs: amqps\n`;
    const plural = model('Thumbnail workers', 'Job runners');
    const commands = threatOf(plural, 'command-injection', 'thumbs');
    assert.equal(commands.description, 'Thumbnail workers (imagemagick) run external commands or converters on their input, and receive data from an untrusted zone.');
    assert.deepEqual(facts(commands).slice(0, 2), ['Thumbnail workers have the os-command trait (imagemagick)', 'Thumbnail workers are reachable from an untrusted zone']);
    const jobs = threatOf(plural, 'insecure-deserialization', 'jobs');
    assert.equal(jobs.description, 'Job runners (celery) deserialise objects natively, and receive data from an untrusted zone through a message broker.');
    assert.equal(jobs.likelihood.reason, 'they consume messages that exposed components produce: crafted messages need some skill');

    const singular = model('Thumbnail worker', 'Job runner');
    const command = threatOf(singular, 'command-injection', 'thumbs');
    assert.equal(command.description, 'Thumbnail worker (imagemagick) runs external commands or converters on its input, and receives data from an untrusted zone.');
    assert.deepEqual(facts(command).slice(0, 2), ['Thumbnail worker has the os-command trait (imagemagick)', 'Thumbnail worker is reachable from an untrusted zone']);
    const job = threatOf(singular, 'insecure-deserialization', 'jobs');
    assert.equal(job.description, 'Job runner (celery) deserialises objects natively, and receives data from an untrusted zone through a message broker.');
    assert.equal(job.likelihood.reason, 'it consumes messages that exposed components produce: crafted messages need some skill');
  });

  it('missing-authentication: with some paths authenticated, anyone can call them (plural) or it (singular)', () => {
    const model = (name: string) => `assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  kiosk: { type: user }\n  app: { name: ${name}, type: api, handles: [pii] }\nflows:\n  - visitor -> app: { protocol: https, auth: jwt }\n  - kiosk -> app: https\n`;
    const plural = threatOf(model('App servers'), 'missing-authentication', 'app');
    assert.equal(plural.description, 'App servers handle pii and are reachable from the internet; calls from visitor are authenticated, but calls from kiosk carry no authentication on the way: anyone can call them that way, as anyone.');
    assert.equal(facts(plural)[0], 'App servers declare no auth and are reachable from the internet');
    const singular = threatOf(model('App server'), 'missing-authentication', 'app');
    assert.equal(singular.description, 'App server handles pii and is reachable from the internet; calls from visitor are authenticated, but calls from kiosk carry no authentication on the way: anyone can call it that way, as anyone.');
    assert.equal(facts(singular)[0], 'App server declares no auth and is reachable from the internet');
  });

  it('weak-authentication: an exposed caller in a less trusted zone "is"/"are" exposed and "sits"/"sit" there', () => {
    const model = (name: string) => `boundaries:\n  dmz: { trust: internal }\n  core: { trust: restricted }\nelements:\n  visitor: { tech: browser }\n  edge: { name: ${name}, type: service, exposed: true, in: dmz }\n  api: { type: api, in: core }\nflows:\n  - visitor -> edge: https\n  - edge -> api: { protocol: https, auth: basic }\n`;
    const plural = threatOf(model('Edge servers'), 'weak-authentication', 'api');
    assert.equal(plural.description, 'Edge servers -> api authenticates with HTTP Basic from Edge servers, which are exposed to the internet and sit in a less trusted zone; the password travels with every request and can be sprayed, replayed or reused indefinitely.');
    assert.equal(plural.likelihood.reason, 'needs a foothold in Edge servers, which are exposed to the internet');
    const singular = threatOf(model('Edge server'), 'weak-authentication', 'api');
    assert.equal(singular.description, 'Edge server -> api authenticates with HTTP Basic from Edge server, which is exposed to the internet and sits in a less trusted zone; the password travels with every request and can be sprayed, replayed or reused indefinitely.');
    assert.equal(singular.likelihood.reason, 'needs a foothold in Edge server, which is exposed to the internet');
  });

  it('missing-token-validation: a public address of their own bypasses the validating gateway', () => {
    const model = (name: string) => `elements:\n  client: { type: third-party }\n  gw: { type: gateway, controls: [token-validation] }\n  api: { name: ${name}, type: api, auth: jwt, exposed: true }\nflows:\n  - client -> gw: { protocol: https, auth: jwt }\n  - gw -> api: { protocol: https, auth: jwt }\n`;
    const plural = threatOf(model('API servers'), 'missing-token-validation', 'api');
    assert.ok(facts(plural).includes('API servers have a public address of their own, which bypasses gw'), facts(plural).join('\n'));
    const singular = threatOf(model('API server'), 'missing-token-validation', 'api');
    assert.ok(facts(singular).includes('API server has a public address of its own, which bypasses gw'), facts(singular).join('\n'));
  });

  it('unauthenticated-store-access: a store named in the plural answers anyone who can reach them', () => {
    const model = (name: string) => `assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { name: ${name}, tech: mongodb, stores: [pii] }\nflows:\n  - visitor -> api: https\n  - api -> db: mongodb+tls\n`;
    const plural = threatOf(model('Replicas'), 'unauthenticated-store-access', 'db');
    assert.equal(plural.title, 'Replicas accept unauthenticated connections');
    assert.equal(plural.description, 'api -> Replicas carries no credentials, so Replicas (holding pii) answer anyone who can reach them on the network.');
    assert.deepEqual(facts(plural), ['api -> Replicas states no auth', 'Replicas store pii']);
    const singular = threatOf(model('Replica'), 'unauthenticated-store-access', 'db');
    assert.equal(singular.title, 'Replica accepts unauthenticated connections');
    assert.equal(singular.description, 'api -> Replica carries no credentials, so Replica (holding pii) answers anyone who can reach it on the network.');
  });

  it('cross-site-scripting: only trusted browsers reach them, and the confidential data they handle can be read', () => {
    const model = (name: string) => `assets:\n  pii: { type: pii, classification: confidential }\nboundaries:\n  corp: { trust: internal }\nelements:\n  staff: { tech: browser, in: corp }\n  site: { name: ${name}, type: web-app, handles: [pii], in: corp }\nflows:\n  - staff -> site: https\n`;
    const plural = threatOf(model('Report pages'), 'cross-site-scripting', 'site');
    assert.equal(plural.likelihood.reason, 'only browsers in trusted zones reach them: needs an insider');
    assert.equal(plural.impact.reason, 'the confidential data they handle can be read: partial exposure');
    assert.equal(facts(plural)[0], 'Report pages are a web-app');
    const singular = threatOf(model('Report page'), 'cross-site-scripting', 'site');
    assert.equal(singular.likelihood.reason, 'only browsers in trusted zones reach it: needs an insider');
    assert.equal(singular.impact.reason, 'the confidential data it handles can be read: partial exposure');
    assert.equal(facts(singular)[0], 'Report page is a web-app');
  });

  it('cross-site-request-forgery: a service with no endpoints authenticates (or authenticate) with session-cookie', () => {
    const model = (name: string) => `elements:\n  visitor: { tech: browser }\n  app: { name: ${name}, type: web-app, auth: session-cookie }\nflows:\n  - visitor -> app: https\n`;
    const plural = threatOf(model('Shop servers'), 'cross-site-request-forgery', 'app');
    assert.equal(plural.description, 'Shop servers authenticate browsers by cookie and change state without anti-CSRF tokens or SameSite cookies; any page the user visits can act in their name.');
    assert.equal(facts(plural)[0], 'Shop servers authenticate with session-cookie');
    const singular = threatOf(model('Shop'), 'cross-site-request-forgery', 'app');
    assert.equal(singular.description, 'Shop authenticates browsers by cookie and changes state without anti-CSRF tokens or SameSite cookies; any page the user visits can act in their name.');
    assert.equal(facts(singular)[0], 'Shop authenticates with session-cookie');
  });

  it('cors-misconfiguration: one caller agrees with its name, several callers call', () => {
    const model = (browsers: string) => `elements:\n${browsers}  www: { type: web-server }\n  api: { type: api, auth: jwt }\nflows:\n  - visitor -> www: https\n  - visitor -> api: https\n`;
    const plural = threatOf(model('  visitor: { name: Visitors, tech: browser }\n'), 'cors-misconfiguration', 'api');
    assert.equal(plural.description, 'Visitors call api from pages served by another origin; without a strict CORS allow-list another site can read signed-in users\' data.');
    assert.equal(facts(plural)[0], 'Visitors call api cross-origin');
    const singular = threatOf(model('  visitor: { name: Visitor, tech: browser }\n'), 'cors-misconfiguration', 'api');
    assert.equal(singular.description, 'Visitor calls api from pages served by another origin; without a strict CORS allow-list another site can read signed-in users\' data.');
    assert.equal(facts(singular)[0], 'Visitor calls api cross-origin');
    const two = threatOf('elements:\n  visitor: { name: Visitor, tech: browser }\n  kiosk: { name: Kiosk, tech: browser }\n  www: { type: web-server }\n  api: { type: api, auth: jwt }\nflows:\n  - visitor -> www: https\n  - visitor -> api: https\n  - kiosk -> www: https\n  - kiosk -> api: https\n', 'cors-misconfiguration', 'api');
    assert.match(two.description, /^Kiosk, Visitor call api from pages/);
  });

  it('client-controlled-value and unsafe-file-upload: restricted assets and an element no browser reaches', () => {
    const model = (asset: string, element: string) => `assets:\n  prices: { name: ${asset}, integrity: high, classification: restricted }\nelements:\n  partner: { type: third-party }\n  api:\n    name: ${element}\n    type: api\n    endpoints:\n      POST /cart: { auth: api-key, accepts: [prices] }\n      /upload: { auth: api-key }\nflows:\n  - partner -> api: https\n`;
    const plural = model('Prices', 'Upload servers');
    assert.deepEqual(facts(threatOf(plural, 'client-controlled-value', 'api')).slice(1, 3), ['Prices have integrity high', 'Prices are classified restricted']);
    assert.equal(threatOf(plural, 'unsafe-file-upload', 'api').impact.reason, 'no browser reaches them: no script in users\' sessions');
    const singular = model('Price', 'Upload server');
    assert.deepEqual(facts(threatOf(singular, 'client-controlled-value', 'api')).slice(1, 3), ['Price has integrity high', 'Price is classified restricted']);
    assert.equal(threatOf(singular, 'unsafe-file-upload', 'api').impact.reason, 'no browser reaches it: no script in users\' sessions');
  });

  it('mobile-certificate-pinning: the app does (or do) not pin the certificate', () => {
    const model = (name: string) => `elements:\n  app: { name: ${name}, tech: mobile-app }\n  api: { type: api }\nflows:\n  - app -> api: { protocol: https, auth: jwt }\n`;
    assert.equal(threatOf(model('Phones'), 'mobile-certificate-pinning', 'app').title, 'Phones do not pin api\'s certificate');
    assert.equal(threatOf(model('Phone'), 'mobile-certificate-pinning', 'app').title, 'Phone does not pin api\'s certificate');
  });
});
