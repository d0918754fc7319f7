// The method's three worked examples, modelled as systems: the findings must come from the models' facts,
// so adding the control removes the threat (or lowers its risk) and removing it brings the threat back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterByRisk } from '../../src/analysis/filter.js';
import { analyzeExample, analyzeText, exampleText, replaceOnce, threatsOf } from '../helpers.js';

describe('e-commerce example', () => {
  const r = analyzeExample('ecommerce');
  const find = (ruleId: string, endpoint?: string) =>
    r.threats.find((t) => t.ruleId === ruleId && (endpoint === undefined || t.endpoint === endpoint));

  it('finds session hijacking on the API servers (S, Medium)', () => {
    const t = find('session-hijacking');
    assert.ok(t);
    assert.equal(t.stride, 'S');
    assert.equal(t.component, 'api');
    assert.equal(t.risk, 'Medium');
  });
  it('finds price manipulation in cart requests (T, High)', () => {
    const t = find('client-controlled-value', 'api:POST /cart');
    assert.ok(t);
    assert.equal(t.stride, 'T');
    assert.equal(t.risk, 'High');
    assert.match(t.title, /Prices/);
  });
  it('finds PII exposure in error messages (I, Medium)', () => {
    const t = find('verbose-errors');
    assert.ok(t);
    assert.equal(t.stride, 'I');
    assert.equal(t.risk, 'Medium');
    assert.match(t.title, /PII/);
  });
  it('finds no rate limiting on the search endpoint (D, High)', () => {
    const t = find('no-rate-limiting', 'api:/search');
    assert.ok(t);
    assert.equal(t.stride, 'D');
    assert.equal(t.risk, 'High');
  });
  it('draws trust boundaries at each hop', () => {
    const kinds = r.crossings.map((c) => `${c.flow}:${c.kind}`);
    assert.ok(kinds.includes('browser->cdn:internet-to-dmz'));
    assert.ok(kinds.includes('lb->api:dmz-to-internal'));
    assert.ok(kinds.includes('api->db:app-to-data'));
  });
  it('does not report what the model\'s controls rule out', () => {
    assert.equal(find('no-rate-limiting', 'api:/login'), undefined, '/login declares rate-limiting');
    assert.equal(find('credential-stuffing'), undefined, '/login declares MFA');
    assert.equal(find('unsigned-webhook'), undefined, 'the webhook verifies signatures');
    assert.equal(find('sql-injection'), undefined, 'queries are parameterized');
    const apiDos = r.coverage.find((row) => row.component === 'api')!.cells.find((c) => c.stride === 'D')!;
    assert.equal(apiDos.status, 'threat');
  });
  it('follows the facts: rate limiting on /search removes the threat, and only that one', () => {
    const fixed = analyzeText(replaceOnce(exampleText('ecommerce'), '/search:   { public: true,', '/search:   { public: true, controls: [rate-limiting],'));
    assert.equal(fixed.threats.find((t) => t.endpoint === 'api:/search'), undefined);
    assert.equal(fixed.threats.length, r.threats.length - 1);
    const cell = fixed.coverage.find((row) => row.component === 'api')!.cells.find((c) => c.stride === 'D')!;
    assert.equal(cell.status, 'mitigated');
  });
  it('follows the facts: a rate limiter at the CDN covers everything behind it', () => {
    const fixed = analyzeText(replaceOnce(exampleText('ecommerce'), 'controls: [ddos-protection, hsts]', 'controls: [ddos-protection, hsts, rate-limiting]'));
    assert.equal(threatsOf(fixed, 'no-rate-limiting').length, 0);
  });
  it('follows the facts: server-side validation on /cart removes price manipulation', () => {
    const fixed = analyzeText(replaceOnce(exampleText('ecommerce'), 'POST /cart:     { accepts: [prices, orders] }', 'POST /cart:     { accepts: [prices, orders], controls: [server-side-validation] }'));
    assert.equal(threatsOf(fixed, 'client-controlled-value').length, 0);
  });
});

describe('microservices example', () => {
  const r = analyzeExample('microservices');
  it('has 12 services and 28 data flows, and says so', () => {
    assert.equal(r.summary.elements.process, 12);
    assert.equal(r.summary.flows, 28);
  });
  it('finds the 3 services that talk plain HTTP (T and I)', () => {
    for (const rule of ['cleartext-tampering', 'cleartext-disclosure']) {
      const [t] = threatsOf(r, rule);
      assert.ok(t, rule);
      const sources = new Set(t.flows.map((f) => f.split('->')[0]));
      assert.deepEqual([...sources].sort(), ['orders', 'recommendations', 'shipping']);
    }
    assert.equal(threatsOf(r, 'cleartext-tampering')[0].stride, 'T');
    assert.equal(threatsOf(r, 'cleartext-disclosure')[0].stride, 'I');
  });
  it('finds no mutual TLS between services (S)', () => {
    const [t] = threatsOf(r, 'no-mutual-tls');
    assert.equal(t.stride, 'S');
    assert.equal(t.component, 'mesh');
  });
  it('finds shared database credentials (E)', () => {
    const shared = threatsOf(r, 'shared-credentials');
    assert.deepEqual(shared.map((t) => t.component).sort(), ['catalog-db', 'orders-db', 'users-db']);
    assert.ok(shared.every((t) => t.stride === 'E'));
  });
  it('finds no circuit breakers (D)', () => {
    const [t] = threatsOf(r, 'no-circuit-breaker');
    assert.equal(t.stride, 'D');
  });
  it('recommends mTLS, per-service credentials and circuit breakers', () => {
    const texts = r.recommendations.map((x) => x.text).join('\n');
    assert.match(texts, /mutual TLS/);
    assert.match(texts, /per-service database credentials/);
    assert.match(texts, /circuit breakers/);
  });
  it('follows the facts: mTLS on every service call removes the spoofing threat', () => {
    const text = exampleText('microservices').replace(/(- (?:auth|cart|orders|shipping|recommendations|search) -> (?:users|catalog|inventory|cart|payments-svc|shipping|notifications): \{ protocol: )(grpcs|http)/g, '$1$2, auth: mtls')
      .replace(/- (cart|search) -> (catalog|inventory): grpcs/g, '- $1 -> $2: grpc+mtls');
    const fixed = analyzeText(text);
    assert.equal(threatsOf(fixed, 'no-mutual-tls').length, 0);
    assert.ok(threatsOf(fixed, 'cleartext-tampering').length > 0, 'plain HTTP is still plain');
  });
  it('follows the facts: separate credentials remove the shared-credential threat', () => {
    const fixed = analyzeText(replaceOnce(exampleText('microservices'), 'credential: users-db-app, data: [pii] }', 'credential: users-svc-db, data: [pii] }'));
    assert.deepEqual(threatsOf(fixed, 'shared-credentials').map((t) => t.component).sort(), ['catalog-db', 'orders-db']);
  });
});

describe('pre-launch example', () => {
  const r = analyzeExample('prelaunch');
  const find = (ruleId: string) => r.threats.filter((t) => t.ruleId === ruleId);
  it('finds the webhook without signature verification (T, Critical)', () => {
    const [t] = find('unsigned-webhook');
    assert.equal(t.stride, 'T');
    assert.equal(t.risk, 'Critical');
  });
  it('finds registration without rate limiting (D, High) and email enumeration (I)', () => {
    const rl = find('no-rate-limiting').find((t) => t.endpoint === 'app:POST /register');
    assert.equal(rl?.risk, 'High');
    const en = find('account-enumeration').find((t) => t.key === 'account-enumeration@app');
    assert.equal(en?.stride, 'I');
  });
  it('finds the admin panel reachable without VPN (E, High: the session cookie it takes is issued past MFA at POST /login)', () => {
    const [t] = find('exposed-admin-interface');
    assert.equal(t.stride, 'E');
    assert.equal(t.risk, 'High');
    assert.equal(t.likelihood.level, 'Medium');
  });
  it('finds file upload without type validation (High)', () => {
    const [t] = find('unsafe-file-upload');
    assert.equal(t.risk, 'High');
  });
  it('prints the punch list in order of severity with --min-risk high', () => {
    const focused = filterByRisk(r, 'High');
    assert.ok(focused.threats.every((t) => t.risk === 'Critical' || t.risk === 'High'));
    const list = focused.recommendations.map((x) => `[${x.risk}] ${x.text}`);
    assert.equal(list.length, 4);
    assert.match(list[0], /^\[Critical\] Add webhook signature verification/);
    assert.match(list[1], /^\[High\] Add rate limiting to .*\/login and .*\/register/);
    assert.match(list[2], /^\[High\] Validate file upload types/);
    assert.match(list[3], /^\[High\] Restrict \/admin .* VPN or an IP allow-list/);
  });
  it('follows the facts: signature verification removes the critical webhook threat', () => {
    const fixed = analyzeText(replaceOnce(exampleText('prelaunch'), "callers: [stripe], accepts: [subscriptions] }", "callers: [stripe], accepts: [subscriptions], controls: [signature-verification] }"));
    assert.equal(find('unsigned-webhook').length, 1);
    assert.equal(threatsOf(fixed, 'unsigned-webhook').length, 0);
  });
  it('follows the facts: an IP allow-list removes the admin threat; MFA alone lowers it', () => {
    const allow = analyzeText(replaceOnce(exampleText('prelaunch'), '/admin:         { callers: [admin] }', '/admin:         { callers: [admin], controls: [ip-allowlist] }'));
    assert.equal(threatsOf(allow, 'exposed-admin-interface').length, 0);
    const mfa = analyzeText(replaceOnce(exampleText('prelaunch'), '/admin:         { callers: [admin] }', '/admin:         { callers: [admin], controls: [mfa] }'));
    assert.equal(threatsOf(mfa, 'exposed-admin-interface')[0].risk, 'High');
    // Without MFA at the login that issues its session cookie, nothing stands in the way: Critical.
    const noLoginMfa = analyzeText(replaceOnce(exampleText('prelaunch'), 'controls: [mfa, generic-responses]', 'controls: [generic-responses]'));
    assert.equal(threatsOf(noLoginMfa, 'exposed-admin-interface')[0].risk, 'Critical');
  });
});
