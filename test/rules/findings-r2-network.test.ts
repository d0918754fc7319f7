// What transport, perimeter and service-identity findings say, against the facts of small models (second
// review round): a control counts where it guards the way in, one cause is one finding, and the words agree
// with the counts and the grouping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exposedDataStore, exposedManagementPort } from '../../src/analysis/rules/network.js';
import { noMutualTls } from '../../src/analysis/rules/service-identity.js';
import { cleartextDisclosure, missingHsts } from '../../src/analysis/rules/transport.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { MODEL_HEAD as head, runOnly, threatsOf } from './harness.js';

const reasonsOf = (text: string, rule: Rule) => runOnly(text, [rule]).mitigations.map((m) => `${m.controls.join(',')}: ${m.reason}`);

describe('exposed-data-store', () => {
  const behindAllowlist = (db: string) =>
    `${head}assets:\n  pii: { type: pii, classification: confidential }\nboundaries:\n  data: { trust: restricted${db} }\nelements:\n  visitor: { tech: browser }\n  gw: { type: gateway, controls: [ip-allowlist] }\n  app: { type: web-app }\n  db: { tech: postgres, exposed: true, in: data, stores: [pii] }\nflows:\n  - visitor -> gw: https\n  - gw -> app: https\n  - app -> db: sql+tls\n`;

  it('does not take an allow-list in front of the application for one on a store with a public address', () => {
    const [t, ...more] = threatsOf(behindAllowlist(''), 'exposed-data-store');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.equal(t.title, 'db is reachable from the internet');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['db is marked exposed', 'no ip-allowlist or vpn on db or data']);
    assert.deepEqual(threatsOf(behindAllowlist(', controls: [ip-allowlist]'), 'exposed-data-store'), []);
    assert.deepEqual(reasonsOf(behindAllowlist(', controls: [ip-allowlist]'), exposedDataStore), ['ip-allowlist: only reachable through ip-allowlist']);
  });

  it('honours a control on a direct flow from an untrusted zone, and names only the flows without one', () => {
    const direct = (second: string) =>
      `${head}assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  visitor: { tech: browser }\n  partner: { type: third-party }\n  app: { type: web-app }\n  db: { tech: postgres, stores: [pii] }\nflows:\n  - visitor -> app: https\n  - app -> db: sql+tls\n  - partner -> db: { protocol: sql+tls, controls: [vpn] }\n${second}`;
    // The path through the application has no VPN, but it is not a way in from the internet.
    assert.deepEqual(threatsOf(direct(''), 'exposed-data-store'), []);
    assert.deepEqual(reasonsOf(direct(''), exposedDataStore), ['vpn: only reachable through vpn']);
    const [t] = threatsOf(direct('  - visitor -> db: sql+tls\n'), 'exposed-data-store');
    assert.ok(t);
    assert.deepEqual(t.flows, ['visitor->db']);
    assert.deepEqual(t.evidence.map((e) => e.fact), ['visitor -> db comes from an untrusted zone', 'no ip-allowlist or vpn on db, on visitor -> db or at its source']);
  });
});

describe('exposed-management-port', () => {
  const ssh = (controls: string) =>
    `${head}elements:\n  operator: { type: admin }\n  visitor: { tech: browser }\n  server: { type: service }\nflows:\n  - operator -> server: { protocol: ssh, controls: [${controls}] }\n  - visitor -> server: https\n`;

  it('honours a VPN declared on the SSH flow, whatever other paths reach the host', () => {
    assert.deepEqual(threatsOf(ssh('vpn'), 'exposed-management-port'), []);
    assert.deepEqual(reasonsOf(ssh('vpn'), exposedManagementPort), ['vpn: only reachable through vpn']);
    const [t] = threatsOf(ssh(''), 'exposed-management-port');
    assert.ok(t);
    assert.equal(t.title, 'SSH to server open to the internet');
    assert.equal(t.description, 'operator -> server reaches a remote administration port from an untrusted zone; it is brute-forced and exploited without pause.');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['operator -> server uses ssh from an untrusted zone', 'no vpn or ip-allowlist on server, on operator -> server or at its source']);
  });

  it('reports a host open on several flows once, naming every protocol and flow, and the missing control once', () => {
    const two = `${head}elements:\n  alice: { type: admin }\n  bob: { type: developer }\n  server: { type: service }\nflows:\n  - alice -> server: ssh\n  - bob -> server: rdp\n`;
    const [t, ...more] = threatsOf(two, 'exposed-management-port');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.equal(t.title, 'RDP, SSH to server open to the internet');
    assert.equal(t.description, 'alice -> server, bob -> server reach remote administration ports from an untrusted zone; they are brute-forced and exploited without pause.');
    assert.deepEqual(t.flows, ['alice->server', 'bob->server']);
    assert.deepEqual(t.evidence.map((e) => e.fact), [
      'alice -> server uses ssh from an untrusted zone',
      'bob -> server uses rdp from an untrusted zone',
      'no vpn or ip-allowlist on server, on alice -> server, bob -> server or at their sources',
    ]);
  });
});

describe('flat-network', () => {
  it('agrees the verb with the number of restricted assets', () => {
    const zone = (stores: string) =>
      `${head}assets:\n  cards: { name: Card data, classification: restricted }\n  keys: { name: Keys, classification: restricted }\nboundaries:\n  net: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  app: { type: web-app, in: net }\n  db: { tech: postgres, in: net, stores: [${stores}] }\nflows:\n  - visitor -> app: https\n  - app -> db: sql+tls\n`;
    assert.equal(threatsOf(zone('cards, keys'), 'flat-network')[0]?.impact.reason, 'Card data, Keys are restricted');
    assert.equal(threatsOf(zone('cards'), 'flat-network')[0]?.impact.reason, 'Card data is restricted');
  });
});

describe('no-mutual-tls', () => {
  it('says calls between zones leave a service, not that they are in it, and agrees the verb with one call', () => {
    const loose = `${head}elements:\n  visitor: { tech: browser }\n  orders: { type: service }\n  payments: { type: service }\nflows:\n  - visitor -> orders: https\n  - orders -> payments: https\n`;
    const [t] = threatsOf(loose, 'no-mutual-tls');
    assert.ok(t);
    assert.equal(t.component, 'orders');
    assert.equal(t.title, 'No mutual TLS on service calls from orders');
    assert.equal(t.description, '1 service-to-service call from orders does not authenticate the calling service; a compromised workload can impersonate any caller.');
  });

  it('counts the calls in a zone with the right verb, and says one mutual-TLS call is one', () => {
    const mesh = (second: string) =>
      `${head}boundaries:\n  mesh: { trust: internal }\nelements:\n  a: { type: service, in: mesh }\n  b: { type: service, in: mesh }\n  c: { type: service, in: mesh }\nflows:\n  - a -> b: mtls\n${second}`;
    const [one] = threatsOf(mesh('  - a -> c: https\n  - b -> c: { protocol: https, auth: jwt }\n'), 'no-mutual-tls');
    assert.ok(one);
    assert.equal(one.title, 'No mutual TLS between services in mesh');
    assert.equal(one.description, '1 of 3 service-to-service calls in mesh does not authenticate the calling service; a compromised workload can impersonate any caller.');
    const [two] = threatsOf(mesh('  - a -> c: https\n  - b -> c: https\n'), 'no-mutual-tls');
    assert.ok(two);
    assert.match(two.description, /^2 of 3 service-to-service calls in mesh do not authenticate/);
    assert.deepEqual(reasonsOf(mesh(''), noMutualTls), ['mtls: the service call uses mutual TLS']);
    assert.deepEqual(reasonsOf(mesh('  - b -> c: mtls\n'), noMutualTls), ['mtls: all 2 service calls use mutual TLS']);
  });

  it('says the impact comes from what the targets hold too, as the check rates it', () => {
    assert.match(noMutualTls.rating, /the data the calls carry or their targets hold/);
  });
});

describe('missing-hsts', () => {
  const behindCdn = (app: string) =>
    `${head}elements:\n  visitor: { tech: browser }\n  cdn: { type: cdn }\n  app: { type: web-app, auth: session-cookie${app} }\nflows:\n  - visitor -> cdn: https\n  - cdn -> app: https\n`;

  it('takes HSTS sent by the component keeping the session behind the CDN, which passes the header on', () => {
    assert.deepEqual(threatsOf(behindCdn(', controls: [hsts]'), 'missing-hsts'), []);
    assert.deepEqual(reasonsOf(behindCdn(', controls: [hsts]'), missingHsts), ['hsts: browsers are pinned to HTTPS: hsts on app']);
    const [t] = threatsOf(behindCdn(''), 'missing-hsts');
    assert.ok(t);
    assert.equal(t.component, 'cdn');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['visitor -> cdn comes from a browser', 'no hsts on cdn']);
  });

  it('honours HSTS declared on the browsers\' flows, and names only the flows without it', () => {
    const flows = (second: string) =>
      `${head}elements:\n  visitor: { tech: browser }\n  kiosk: { tech: browser }\n  app: { type: web-app, auth: session-cookie }\nflows:\n  - visitor -> app: { protocol: https, controls: [hsts] }\n  - kiosk -> app: { protocol: https, controls: [${second}] }\n`;
    assert.deepEqual(threatsOf(flows('hsts'), 'missing-hsts'), []);
    assert.deepEqual(reasonsOf(flows('hsts'), missingHsts), ['hsts: browsers are pinned to HTTPS']);
    const [t] = threatsOf(flows(''), 'missing-hsts');
    assert.ok(t);
    assert.deepEqual(t.flows, ['kiosk->app']);
    assert.equal(t.evidence[0].fact, 'kiosk -> app comes from a browser');
  });
});

describe('cleartext rules', () => {
  it('does not call an encrypted protocol unencrypted where the model marks a flow of it so', () => {
    const marked = (protocol: string) =>
      `${head}elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  orders: { type: service }\nflows:\n  - visitor -> api: https\n  - api -> orders: { protocol: ${protocol}, encrypted: false }\n`;
    const [t] = threatsOf(marked('https'), 'cleartext-disclosure');
    assert.ok(t);
    assert.equal(t.description, '1 flow from api is not encrypted (https); anyone on the network path can read the traffic.');
    assert.deepEqual(t.evidence.map((e) => e.fact), ['api -> orders: https is marked not encrypted']);
    const [plain] = threatsOf(marked('http'), 'cleartext-disclosure');
    assert.ok(plain);
    assert.equal(plain.description, '1 flow from api uses an unencrypted protocol (http); anyone on the network path can read the traffic.');
    assert.deepEqual(plain.evidence.map((e) => e.fact), ['api -> orders: http is not encrypted']);
    const encrypted = `${head}elements:\n  api: { type: api }\n  orders: { type: service }\nflows:\n  - api -> orders: { protocol: http, encrypted: true }\n  - orders -> api: https\n`;
    assert.deepEqual(reasonsOf(encrypted, cleartextDisclosure).sort(), ['encrypted: http is marked encrypted in transit', 'tls: https is encrypted in transit']);
  });

  it('says how many flows of a group cross the internet when not all do', () => {
    const mixed = (internal: string) =>
      `${head}assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  partner: { type: third-party }\n  api: { type: api }\n  orders: { type: service }\nflows:\n  - api -> partner: http\n  - api -> ${internal}: { id: second, protocol: http, data: [pii] }\n`;
    const [t] = threatsOf(mixed('orders'), 'cleartext-disclosure');
    assert.ok(t);
    assert.deepEqual([t.likelihood.level, t.likelihood.reason], ['High', '1 of 2 flows crosses the internet: interception needs only public tools']);
    const [all] = threatsOf(mixed('partner'), 'cleartext-disclosure');
    assert.ok(all);
    assert.deepEqual([all.likelihood.level, all.likelihood.reason], ['High', 'the traffic crosses the internet: interception needs only public tools']);
  });
});
