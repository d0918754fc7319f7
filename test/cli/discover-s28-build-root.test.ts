// A Compose service built from the repository root (`build: .`) was drafted with no technology and no "read
// composer.json" line when the root was the folder searched: the folder searched itself was refused as outside it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

const COMPOSER = '{\n  "require": {\n    "laravel/framework": "^10.10"\n  }\n}\n';
const DOCKERFILE = 'FROM php:8.2-fpm-alpine\nEXPOSE 9000\nCMD ["php-fpm"]\n';

/** A folder holding `files`, each path relative to it. */
function folder(files: Record<string, string>): string {
  const top = tempFolder('threatmap-build-root-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(top, path, '..'), { recursive: true });
    writeFileSync(join(top, path), text);
  }
  return top;
}

describe('threatmap discover: a service built from the folder searched', () => {
  for (const build of ['.', './']) {
    it(`reads the manifests of \`build: ${build}\``, () => {
      const top = folder({ 'compose.yaml': `services:\n  app:\n    build: ${build}\n    ports: ['9000:9000']\n`, 'composer.json': COMPOSER, Dockerfile: DOCKERFILE });
      const r = run('discover', top);
      assert.equal(r.code, 0, r.stderr);
      noStack(r.stderr);
      assert.match(r.stdout, /^ {2}app: \{ tech: laravel, in: [a-z0-9-]+ \}$/m);
      assert.match(r.stdout, /^# {3}composer\.json \(dependency manifest\)$/m);
      assert.match(r.stderr, /^ {2}app: read .*composer\.json: laravel\/framework/m);
    });
  }

  it('still refuses a build context outside the folder searched', () => {
    const top = folder({ 'repo/compose.yaml': 'services:\n  app:\n    build: ..\n', 'composer.json': COMPOSER, Dockerfile: DOCKERFILE });
    const r = run('discover', join(top, 'repo'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}app: \{ type: service, in: [a-z0-9-]+ \}$/m);
    assert.doesNotMatch(r.stdout, /composer\.json|Dockerfile \(Dockerfile\)/);
    assert.doesNotMatch(r.stderr, /app: read /);
  });

  it('reads a subfolder context as before', () => {
    const top = folder({ 'compose.yaml': 'services:\n  app:\n    build: ./src\n', 'src/composer.json': COMPOSER });
    const r = run('discover', top);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}app: \{ tech: laravel, in: [a-z0-9-]+ \}$/m);
    assert.match(r.stdout, /^# {3}src\/composer\.json \(dependency manifest\)$/m);
  });
});
