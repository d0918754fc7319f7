// Session 20: a package.json (or composer.json) dependency is cited at the line of its key inside the top-level
// `dependencies` (`require`) object, found by reading the JSON with positions, never by searching the text: an
// object of the same name nested elsewhere (overrides, pnpm or workspace config, peerDependenciesMeta) is not it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BuildReading, describeFindings, readBuildContext } from '../../src/import/dependencies.js';

const read = (file: string, text: string): BuildReading => readBuildContext([{ file, text }]);
const cited = (r: BuildReading): string => describeFindings(r.findings);
const warnings = (r: BuildReading): string[] => r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.file}:${d.line}:${d.col}`);

/** `overrides.dependencies` names express before the top-level object lists it (line 11). */
const NESTED_FIRST = `{
  "name": "orders",
  "overrides": {
    "dependencies": {
      "express": "4.18.0"
    }
  },
  "scripts": { "start": "node server.js" },
  "dependencies": {
    "xml2js": "^0.6.2",
    "express": "^4.19.0"
  }
}
`;

describe('package.json: the line cited is the top-level dependencies entry', () => {
  it('a nested "dependencies" (overrides) before the top-level one: each package at its top-level line', () => {
    const r = read('orders/package.json', NESTED_FIRST);
    assert.equal(cited(r), 'xml2js (tag xml, orders/package.json:10), express (tech express, orders/package.json:11)');
    assert.deepEqual(r.tech?.provenance, { file: 'orders/package.json', line: 11, note: 'dependency express' });
    assert.deepEqual(r.diagnostics, []);
  });

  it('nested under peerDependenciesMeta, pnpm and workspaces config: none is taken for the top-level object', () => {
    const text = [
      '{',
      '  "peerDependenciesMeta": { "dependencies": { "optional": true } },',
      '  "pnpm": {',
      '    "packageExtensions": { "some-lib": { "dependencies": { "xml2js": "*" } } }',
      '  },',
      '  "workspaces": { "packages": ["a"], "dependencies": { "express": "4" } },',
      '  "dependencies": { "fastify": "4", "xml2js": "0.6" }',
      '}',
      '',
    ].join('\n');
    assert.equal(cited(read('app/package.json', text)), 'fastify (tech fastify, app/package.json:7), xml2js (tag xml, app/package.json:7)');
  });

  it('a "dependencies" object only nested, none at the top level: nothing is read from it', () => {
    const text = '{\n  "name": "x",\n  "overrides": {\n    "dependencies": { "express": "4", "xml2js": "0.6" }\n  }\n}\n';
    const r = read('app/package.json', text);
    assert.equal(r.tech, undefined);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.diagnostics, []);
  });

  it('the top-level object first, a nested one after: the lines stay those of the top-level object', () => {
    const text = '{\n  "dependencies": {\n    "express": "4"\n  },\n  "overrides": {\n    "express": "4.18.0"\n  }\n}\n';
    assert.equal(cited(read('app/package.json', text)), 'express (tech express, app/package.json:3)');
  });

  it('a package name written earlier as a value or a key elsewhere is not its line', () => {
    const text = '{\n  "description": "an \\"express\\": server",\n  "config": { "express": true },\n  "dependencies": {\n    "express": "4"\n  }\n}\n';
    assert.equal(cited(read('app/package.json', text)), 'express (tech express, app/package.json:5)');
  });

  it('"dependencies" written twice: the last counts, as JSON.parse (npm) reads it, at its own lines', () => {
    const text = '{\n  "dependencies": { "express": "4" },\n  "dependencies": {\n    "fastify": "4"\n  }\n}\n';
    const r = read('app/package.json', text);
    assert.equal(cited(r), 'fastify (tech fastify, app/package.json:4)');
    assert.deepEqual(r.diagnostics, []);
  });

  it('a byte order mark and CRLF line ends do not shift the line', () => {
    const text = '\uFEFF{\r\n  "overrides": { "dependencies": { "xml2js": "1" } },\r\n  "dependencies": {\r\n    "xml2js": "1"\r\n  }\r\n}\r\n';
    assert.equal(cited(read('app/package.json', text)), 'xml2js (tag xml, app/package.json:4)');
  });
});

describe('package.json that cannot be read: a warning at its position, nothing read', () => {
  it('a trailing comma after the nested object: the warning is at the comma\'s closing brace, line and column', () => {
    const text = '{\n  "overrides": { "dependencies": {} },\n  "dependencies": {\n    "xml2js": "1",\n  }\n}\n';
    const r = read('broken/package.json', text);
    assert.deepEqual(warnings(r), ['warning dependency-manifest broken/package.json:5:3']);
    assert.match(r.diagnostics[0].message, /^package\.json: not valid JSON \(expected a key after `,` \(JSON allows no trailing comma\), found `\}`\); its dependencies are not read$/);
    assert.deepEqual(r.findings, []);
  });

  it('a top-level "dependencies" that is not an object: the warning is at the top-level key, not the nested one', () => {
    const text = '{\n  "overrides": {\n    "dependencies": { "express": "4" }\n  },\n  "dependencies": ["express"]\n}\n';
    const r = read('app/package.json', text);
    assert.deepEqual(warnings(r), ['warning dependency-manifest app/package.json:5:1']);
    assert.match(r.diagnostics[0].message, /"dependencies" is not an object of package names/);
    assert.equal(r.tech, undefined);
  });

  it('nesting far deeper than any manifest (a crafted file) is a warning at the level too many, never a crash', () => {
    const text = (n: number) => `{\n  "config": ${'['.repeat(n)}${']'.repeat(n)},\n  "dependencies": { "express": "4" }\n}\n`;
    const r = read('app/package.json', text(100_000));
    assert.deepEqual(warnings(r), ['warning dependency-manifest app/package.json:2:76']);
    assert.match(r.diagnostics[0].message, /^package\.json: nests more than 64 levels deep; its dependencies are not read$/);
    assert.equal(r.tech, undefined);
    // Brackets inside strings are text; 63 levels under the top-level object are read.
    const deepButFine = read('app/package.json', text(63).replace('"config"', '"[[[[": "{{{{", "config"'));
    assert.deepEqual([deepButFine.tech?.id, deepButFine.diagnostics], ['express', []]);
  });

  it('a document that is not an object (a list) reads as no dependencies, without a warning', () => {
    const r = read('app/package.json', '[{"dependencies": {"express": "4"}}]\n');
    assert.deepEqual([r.findings, r.diagnostics], [[], []]);
  });
});

describe('composer.json: the same reader for `require`', () => {
  it('a "require" nested in "extra" before the top-level one: the top-level line is cited', () => {
    const text = '{\n  "extra": {\n    "require": { "laravel/framework": "*" }\n  },\n  "require": {\n    "php": "^8.2",\n    "laravel/framework": "^11.0"\n  }\n}\n';
    assert.equal(cited(read('shop/composer.json', text)), 'laravel/framework (tech laravel, shop/composer.json:7)');
  });

  it('require-dev is still not read', () => {
    const text = '{\n  "require": { "php": "^8.2" },\n  "require-dev": { "laravel/framework": "^11.0" }\n}\n';
    assert.deepEqual(read('shop/composer.json', text).findings, []);
  });
});
