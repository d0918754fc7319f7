// Which service behind a proxy serves a route (src/model/route-owner.ts), the one matcher the analysis and
// discover share: each real shape, placed and not placed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameWords, routeOwner, routeOwners } from '../../src/model/route-owner.js';

/** The candidates by their names (the first is the value), and the owner of `path` among them. */
function ownerOf(path: string, services: readonly (readonly string[])[]): string | undefined {
  return routeOwner(path, routeOwners(services.map((names) => ({ value: names[0], names }))))?.owner;
}
const CRAPI = [['crapi-identity'], ['crapi-community'], ['crapi-workshop']];

describe('route-owner s19: the words of names and segments', () => {
  it('splits camelCase, snake_case and kebab-case alike', () => {
    assert.deepEqual(nameWords('userService'), ['user', 'service']);
    assert.deepEqual(nameWords('order_history'), ['order', 'history']);
    assert.deepEqual(nameWords('HTTPServer-v2'), ['http', 'server', 'v2']);
  });
});

describe('route-owner s19: the first segment', () => {
  it('places /identity/api/... on crapi-identity, with the prefix that named it', () => {
    const placed = routeOwner('/identity/api/auth/login', routeOwners(CRAPI.map((n) => ({ value: n[0], names: n }))));
    assert.deepEqual(placed, { owner: 'crapi-identity', prefix: '/identity/' });
  });
  it('places nothing on a word inside a longer word: /identityx/ is nobody\'s', () => {
    assert.equal(ownerOf('/identityx/api/login', CRAPI), undefined);
  });
});

describe('route-owner s19: generic segments before the one that names the service', () => {
  it('skips /api/ and /api/v2/ (and rest, public, internal, services, svc)', () => {
    assert.equal(ownerOf('/api/identity/login', CRAPI), 'crapi-identity');
    assert.equal(ownerOf('/api/v2/identity/login', CRAPI), 'crapi-identity');
    assert.equal(ownerOf('/rest/public/internal/services/svc/workshop/x', CRAPI), 'crapi-workshop');
    const placed = routeOwner('/api/v2/identity/login', routeOwners(CRAPI.map((n) => ({ value: n[0], names: n }))));
    assert.equal(placed?.prefix, '/api/v2/identity/');
  });
  it('does not skip a segment that is not generic: /shop/identity/ is nobody\'s', () => {
    assert.equal(ownerOf('/shop/identity/login', CRAPI), undefined);
  });
  it('does not skip past a template: /api/{tenant}/identity/ is nobody\'s', () => {
    assert.equal(ownerOf('/api/{tenant}/identity/login', CRAPI), undefined);
    assert.equal(ownerOf('/:tenant/identity/login', CRAPI), undefined);
  });
  it('does not skip past a segment that names two services', () => {
    const services = [['user-service'], ['user-admin'], ['identity']];
    assert.equal(ownerOf('/user/identity/x', services), undefined);
  });
  it('takes a generic segment as a whole name, or as a word of one name unless a later segment names another', () => {
    assert.equal(ownerOf('/api/orders', [['api'], ['web']]), 'api');
    assert.equal(ownerOf('/api/orders/x', [['backend-api'], ['web']]), 'backend-api');
    assert.equal(ownerOf('/api/identity/x', [['crapi-api'], ['crapi-identity']]), 'crapi-identity');
    assert.equal(ownerOf('/api/identity/x', [['users-api'], ['orders-api'], ['identity-api']]), 'identity-api');
    const placed = routeOwner('/api/orders/x', routeOwners([['backend-api'], ['web']].map((n) => ({ value: n[0], names: n }))));
    assert.equal(placed?.prefix, '/api/');
  });
  it('negative: a generic word several names hold names none of them', () => {
    assert.equal(ownerOf('/api/x', [['users-api'], ['orders-api']]), undefined);
    assert.equal(ownerOf('/services/x', [['user-service'], ['order-service']]), undefined);
  });
});

describe('route-owner s19: camelCase and snake_case', () => {
  const services = [['user-service'], ['order_history'], ['billing']];
  it('places /userService/ on user-service and /orderHistory/ on order_history', () => {
    assert.equal(ownerOf('/userService/profile', services), 'user-service');
    assert.equal(ownerOf('/api/orderHistory/42', services), 'order_history');
    assert.equal(ownerOf('/order-history/42', [['orderHistory'], ['billing']]), 'orderHistory');
  });
  it('places words run together on either side: /userservice/ on userService, /OrderService/ on orderservice', () => {
    assert.equal(ownerOf('/userservice/profile', [['userService'], ['billing']]), 'userService');
    assert.equal(ownerOf('/OrderService/42', [['orderservice'], ['billing']]), 'orderservice');
    assert.equal(ownerOf('/userservicex/profile', [['userService'], ['billing']]), undefined);
  });
  it('does not take words out of order or apart: /serviceUser/ and /userBilling/ are nobody\'s', () => {
    assert.equal(ownerOf('/serviceUser/profile', services), undefined);
    assert.equal(ownerOf('/userBilling/x', services), undefined);
  });
});

describe('route-owner s19: plural and singular', () => {
  it('places /users/ on user-service and /order/ on orders-api when no name says it as spelt', () => {
    assert.equal(ownerOf('/users/42', [['user-service'], ['orders-api']]), 'user-service');
    assert.equal(ownerOf('/api/order/42', [['user-service'], ['orders-api']]), 'orders-api');
    assert.equal(ownerOf('/categories/x', [['category'], ['shop']]), 'category');
  });
  it('prefers the name as spelt, and leaves words that only look plural', () => {
    assert.equal(ownerOf('/users/42', [['user'], ['users']]), 'users');
    assert.equal(ownerOf('/status/x', [['statu'], ['shop']]), undefined);
    assert.equal(ownerOf('/news/latest', [['new-ui'], ['shop']]), undefined);
  });
});

describe('route-owner s19: two services match equally', () => {
  it('places nothing when two names hold the segment', () => {
    assert.equal(ownerOf('/identity/x', [['identity-v1'], ['identity-v2']]), undefined);
    assert.equal(ownerOf('/users/x', [['user-service'], ['user-admin']]), undefined);
  });
  it('places the one service a second name (an alias) names, once', () => {
    assert.equal(ownerOf('/auth/login', [['identity', 'auth'], ['shop']]), 'identity');
  });
});
