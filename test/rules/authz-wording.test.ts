// missing-authorization says "route" or "routes" as the model has one admin route or several.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const api = (adminRoutes: string[]) => `boundaries:
  internet: { trust: untrusted }
elements:
  user: { type: user, in: internet }
  api:
    type: api
    auth: jwt
    endpoints:
      GET /orders: {}
${adminRoutes.map((r) => `      ${r}: {}\n`).join('')}flows:
  - user -> api: https
`;

const description = (adminRoutes: string[]) => {
  const [t] = threatsIn(api(adminRoutes), 'missing-authorization');
  assert.ok(t, 'missing-authorization reported');
  return t.description;
};

describe('missing-authorization wording by the number of admin routes', () => {
  it('one admin route is "an admin API route", checked "on it"', () => {
    const text = description(['DELETE /admin/users/{id}']);
    assert.match(text, /serves an admin API route \(DELETE \/admin\/users\/\{id\}\) next to routes .* no role check on it: .*who calls it gets its powers/);
  });

  it('two are "admin API routes", checked "on them"', () => {
    const text = description(['DELETE /admin/users/{id}', 'POST /admin/refunds']);
    assert.match(text, /serves admin API routes \(DELETE \/admin\/users\/\{id\}, POST \/admin\/refunds\) next to routes .* no role check on them: .*who calls an admin route gets its powers/);
  });
});

describe('missing-authorization wording for routes meant for named callers', () => {
  const meant = (routes: string[]) => `boundaries:
  internet: { trust: untrusted }
elements:
  visitor: { type: user, in: internet }
  ops: { type: user, in: internet }
  app:
    type: web-app
    auth: session-cookie
    endpoints:
${routes.map((r) => `      ${r}: { callers: [ops] }\n`).join('')}flows:
  - visitor -> app: https
  - ops -> app: https
`;

  it('a route whose path ends in a plural word is still one route', () => {
    const [t] = threatsIn(meant(['POST /reports/users']), 'missing-authorization');
    assert.match(t.description, /^POST \/reports\/users on app is meant for ops \(its `callers`\)/);
  });

  it('two routes are', () => {
    const [t] = threatsIn(meant(['POST /reports/users', 'POST /reports/orders']), 'missing-authorization');
    assert.match(t.description, / on app are meant for ops \(their `callers`\)/);
  });
});
