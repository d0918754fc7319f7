// Session 23 (authz): one finding for one cause where an edge and the application behind it declare the same
// route; MFA at the login that issues the session cookie counts for the admin routes that take it; staff behind a
// shared load balancer sign in where the model says they do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminWithoutMfa } from '../../src/analysis/rules/authentication.js';
import { privilegedUserPhishing } from '../../src/analysis/rules/human.js';
import { MODEL_HEAD, runOnly, threatsIn } from './harness.js';

const ZONES = 'boundaries:\n  internet: { trust: untrusted }\n  dmz: { trust: dmz }\n  app: { trust: internal }\n';
const keys = (body: string, ...rules: string[]) => threatsIn(body, ...rules).map((t) => t.key).sort();

describe('object rules: a route declared on an edge and on the application behind it is judged once', () => {
  const BOLA = 'broken-object-level-authorization';
  const CHANGE = 'unauthenticated-object-change';
  /** A kong gateway in front of the orders service; `twin` is what orders declares of the gateway's routes. */
  const gateway = (twin: string, behind = '  - kong -> orders: https\n', more = '') =>
    `${ZONES}assets:\n  orders: { type: pii, classification: confidential }\nelements:\n  customer: { type: user, tech: browser, in: internet }\n` +
    '  kong:\n    type: gateway\n    tech: kong\n    in: dmz\n    endpoints:\n' +
    '      GET /orders/{id}: { auth: jwt, returns: [orders] }\n      PUT /carts/{id}: { public: true }\n' +
    `  orders:\n    type: service\n    in: app\n    endpoints:\n${twin}${more}` +
    `flows:\n  - customer -> kong: https\n${behind}`;
  const TWINS = '      GET /orders/{id}: { auth: jwt, returns: [orders] }\n      PUT /carts/{id}: { public: true }\n';
  const OTHER = '      GET /health: { public: true }\n';

  it('reports it on the application that serves it, not again on the gateway', () => {
    assert.deepEqual(keys(gateway(TWINS), BOLA, CHANGE), [
      'broken-object-level-authorization@orders:GET /orders/{id}',
      'unauthenticated-object-change@orders:PUT /carts/{id}',
    ]);
    const [t] = threatsIn(gateway(TWINS), BOLA);
    assert.equal(t.likelihood.level, 'High', 'reached from the internet through the gateway');
  });

  it('keeps the gateway\'s finding for a route no application behind it declares', () => {
    assert.deepEqual(keys(gateway(OTHER), BOLA, CHANGE), [
      'broken-object-level-authorization@kong:GET /orders/{id}',
      'unauthenticated-object-change@kong:PUT /carts/{id}',
    ]);
  });

  it('keeps it when the application declaring the route is not the one the route is placed on', () => {
    // Two services behind: /orders/... is placed on orders by its name; billing declaring it too serves none of it.
    const body = gateway(OTHER, '  - kong -> orders: https\n  - kong -> billing: https\n',
      '  billing:\n    type: service\n    in: app\n    endpoints:\n' + TWINS);
    assert.ok(keys(body, BOLA).includes('broken-object-level-authorization@kong:GET /orders/{id}'), keys(body, BOLA).join(', '));
  });

  it('a route no service behind is named for, declared by one of them: judged there only', () => {
    const body = gateway('', '  - kong -> orders: https\n  - kong -> shop: https\n',
      `      GET /health: { public: true }\n  shop:\n    type: service\n    in: app\n    endpoints:\n${TWINS.replace('/orders/', '/carts-and-orders/')}`)
      .replace('GET /orders/{id}: { auth: jwt', 'GET /carts-and-orders/{id}: { auth: jwt');
    assert.deepEqual(keys(body, BOLA), ['broken-object-level-authorization@shop:GET /carts-and-orders/{id}']);
  });
});

describe('admin rules: MFA at the login that issues the session cookie', () => {
  const ADMIN = 'exposed-admin-interface';
  /** An internet-facing web application whose /admin takes the session cookie POST /login issues. */
  const web = (login: string, admin = '{ auth: session-cookie }') =>
    `${ZONES}elements:\n  ops: { type: admin, tech: browser, in: internet }\n  web:\n    type: web-app\n    in: app\n    endpoints:\n` +
    `      POST /login: { public: true${login} }\n      /admin: ${admin}\nflows:\n  - ops -> web: https\n`;

  it('exposed-admin-interface: Medium when the login asks for MFA, High when it does not', () => {
    const [withMfa] = threatsIn(web(', controls: [mfa]'), ADMIN);
    assert.equal(withMfa.likelihood.level, 'Medium');
    assert.match(withMfa.description, /behind session-cookie and MFA/);
    const [without] = threatsIn(web(''), ADMIN);
    assert.equal(without.likelihood.level, 'High');
    assert.match(without.description, /behind session-cookie only/);
  });

  it('exposed-admin-interface: a route taking another credential gets nothing from the login\'s MFA', () => {
    assert.equal(threatsIn(web(', controls: [mfa]', '{ auth: basic }'), ADMIN)[0].likelihood.level, 'High');
  });

  it('admin-without-mfa: mitigated behind a VPN when the login asks for MFA, reported when it does not', () => {
    const vpn = '{ auth: session-cookie, controls: [vpn] }';
    assert.deepEqual(threatsIn(web(', controls: [mfa]', vpn), 'admin-without-mfa'), []);
    const run = runOnly(MODEL_HEAD + web(', controls: [mfa]', vpn), [adminWithoutMfa]);
    assert.deepEqual(run.mitigations.map((m) => [m.controls, m.reason]), [[['mfa'], 'administrators pass MFA at every login of web, which issues the session cookie /admin takes']]);
    assert.deepEqual(threatsIn(web('', vpn), 'admin-without-mfa').map((t) => t.key), ['admin-without-mfa@web:/admin']);
    // One login without MFA is a way to the cookie without it.
    const twoLogins = web(', controls: [mfa]', vpn).replace('      /admin:', '      POST /sso/login: { public: true, kind: login }\n      /admin:');
    assert.deepEqual(threatsIn(twoLogins, 'admin-without-mfa').map((t) => t.key), ['admin-without-mfa@web:/admin']);
  });

  it('privileged-user-phishing names no admin route the login\'s MFA guards', () => {
    const body = web(', controls: [mfa]').replace('      /admin:', '      /tickets: { auth: password }\n      /admin:');
    assert.deepEqual(threatsIn(body, 'privileged-user-phishing').map((t) => t.title), ['Phished ops credentials open web']);
    const open = web('').replace('      /admin:', '      /tickets: { auth: password }\n      /admin:');
    assert.deepEqual(threatsIn(open, 'privileged-user-phishing').map((t) => t.title), ['Phished ops credentials open /tickets on web']);
  });
});

describe('privileged-user-phishing through a shared load balancer', () => {
  const RULE = 'privileged-user-phishing';
  const titles = (body: string) => threatsIn(body, RULE).map((t) => t.title);
  /** Staff and customers both reach an ALB in front of a back office and the shop's API. */
  const shared = (backoffice: string, staffFlow = 'https', shop = '{ type: api, auth: jwt, in: app }') =>
    `${ZONES}elements:\n  staff: { type: admin }\n  customer: { type: user, in: internet }\n  alb: { tech: alb, in: dmz }\n` +
    `  backoffice: ${backoffice}\n  shop-api: ${shop}\n` +
    `flows:\n  - staff -> alb: ${staffFlow}\n  - customer -> alb: https\n  - alb -> backoffice: https\n  - alb -> shop-api: https\n`;

  it('does not name the shop\'s API when the back office has the admin routes: those are the admin rules\'', () => {
    const body = shared('{ type: web-app, auth: oidc, in: app, endpoints: { /admin: {} } }');
    assert.deepEqual(titles(body), []);
    assert.deepEqual(keys(body, 'exposed-admin-interface'), ['exposed-admin-interface@backoffice:/admin']);
  });

  it('names the back office, where staff sign in, when it also serves them other routes', () => {
    assert.deepEqual(titles(shared('{ type: web-app, auth: oidc, in: app, endpoints: { /admin: {}, /orders: {} } }')), ['Phished staff credentials open /orders on backoffice']);
  });

  it('follows the credential the staff call states, and the callers an endpoint names', () => {
    const plain = '{ type: web-app, auth: oidc, in: app }';
    assert.deepEqual(titles(shared(plain, '{ protocol: https, auth: oidc }')), ['Phished staff credentials open backoffice']);
    assert.deepEqual(titles(shared(plain, '{ protocol: https, auth: jwt }')), ['Phished staff credentials open shop-api']);
    assert.deepEqual(titles(shared('{ type: web-app, auth: oidc, in: app, endpoints: { /tickets: { callers: [staff] } } }')), ['Phished staff credentials open backoffice']);
  });

  it('keeps naming every backend when the model does not tell which the staff use', () => {
    assert.deepEqual(titles(shared('{ type: web-app, auth: oidc, in: app }')), ['Phished staff credentials open backoffice, shop-api']);
  });

  it('no finding when the back office staff sign in to asks for MFA, whatever the shop\'s API does', () => {
    assert.deepEqual(titles(shared('{ type: web-app, auth: oidc, in: app, controls: [mfa] }', '{ protocol: https, auth: oidc }')), []);
    assert.equal(runOnly(MODEL_HEAD + shared('{ type: web-app, auth: oidc, in: app, controls: [mfa] }', '{ protocol: https, auth: oidc }'), [privilegedUserPhishing]).mitigations.length, 1);
  });
});
