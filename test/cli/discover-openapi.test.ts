// `threatmap discover` with OpenAPI specs: found by their top-level key, placed on the element their
// server host or folder names, and said so in the summary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikeSpec, scanRepository } from '../../src/cli/discover.js';
import { run } from './run-cli.js';

const DIR = 'test/fixtures/discover/openapi-shop';

describe('threatmap discover: OpenAPI specs', () => {
  it('finds specs by their top-level key, YAML and JSON, and nothing else', () => {
    assert.deepEqual(scanRepository(DIR, () => {}).specs, ['web-api.json', 'services/identity/openapi.yaml']);
    assert.ok(looksLikeSpec('a.yaml', 'openapi: "3.1.0"\n'));
    assert.ok(looksLikeSpec('a.yml', '# x\nswagger: \'2.0\'\n'));
    assert.ok(!looksLikeSpec('a.yaml', 'info:\n  openapi: 3.0.0\n'));
    assert.ok(!looksLikeSpec('a.json', `{"x": "${'y'.repeat(3000)}", "openapi": "3.0.0"}`));
  });

  it('puts each spec on its element and says why', () => {
    const r = run('discover', DIR);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /# web-api\.json:3 Swagger 2\.0 "Web API"\n {2}web:\n {4}tech: nginx\n {4}in: openapi-shop\n {4}auth: api-key\n {4}endpoints:\n {6}# web-api\.json:8\n {6}POST \/avatar: \{ kind: upload \}\n {6}# web-api\.json:9\n {6}GET \/status: \{ public: true \}/);
    assert.match(r.stdout, /identity:\n {4}type: service\n {4}in: openapi-shop\n {4}auth: jwt\n {4}endpoints:\n {6}# services\/identity\/openapi\.yaml:7\n {6}POST \/login: \{ public: true \}\n {6}# services\/identity\/openapi\.yaml:10\n {6}GET \/me: null/);
    assert.match(r.stderr, /read 1 compose file, 2 OpenAPI specs:/);
    assert.match(r.stderr, /web-api\.json: 2 endpoints \(1 public\) on web: its server https:\/\/web:8080 names it/);
    assert.match(r.stderr, /services\/identity\/openapi\.yaml: 2 endpoints \(1 public\) on identity: the spec is in its build context services\/identity\//);
    assert.equal(run('discover', DIR).stdout, r.stdout);
  });

  it('a spec given by name is a new element; a broken spec is an error with file:line:col', () => {
    const one = run('discover', `${DIR}/services/identity/openapi.yaml`);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^ {2}identity:\n {4}type: api\n {4}auth: jwt\n/m);
    assert.match(one.stderr, /on identity: a new element named after the spec \(no file names its host\)$/m);
    const bad = run('discover', 'test/fixtures/discover/openapi-broken/openapi.yaml');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /openapi-broken\/openapi\.yaml:\d+:\d+: error\[syntax-error\]/);
    assert.equal(bad.stdout, '');
  });
});
