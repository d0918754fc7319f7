// no-rate-limiting reports what a script gains from calling at will (guessing, spam, costly work), not
// endpoints that cost nothing and give nothing to guess: logouts, health checks, static files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, threatsOf } from '../helpers.js';

const api = (endpoints: string) => `threatmap: 1
system: { name: Shop }
elements:
  visitor: { tech: browser }
  api:
    type: api
    endpoints:
${endpoints}flows:
  - visitor -> api: https
`;

const reported = (endpoints: string) =>
  threatsOf(analyzeText(api(endpoints)), 'no-rate-limiting').map((t) => `${t.title} | ${t.risk}`);

describe('no-rate-limiting: what is worth limiting', () => {
  it('leaves out logouts, health checks and static files fetched as they are', () => {
    assert.deepEqual(reported([
      '      GET /user/logout: { public: true }',
      '      POST /auth/sign-out: { public: true }',
      '      /logoff: { public: true }',
      '      GET /healthz: { public: true }',
      '      GET /static/app.js: { public: true }',
      '      GET /assets/logo: { public: true }',
      '      GET /favicon.ico: { public: true }',
      '      GET /css/site.css: { public: true }',
      '',
    ].join('\n')), []);
  });

  it('still reports public reads and writes, sign-ups, and a POST to a static-looking path', () => {
    assert.deepEqual(reported([
      '      GET /user/{username}: { public: true }',
      '      POST /store/order: { public: true }',
      '      POST /register: { public: true }',
      '      POST /assets: { public: true }',
      '      GET /logout-reasons/search: { public: true }',
      '',
    ].join('\n')).sort(), [
      'No rate limiting on GET /logout-reasons/search | High',
      'No rate limiting on GET /user/{username} | High',
      'No rate limiting on POST /assets | High',
      'No rate limiting on POST /register | High',
      'No rate limiting on POST /store/order | High',
    ]);
  });
});
