// `threatmap discover` on a repository whose Compose services are built from its folders: the dependency manifests
// there are read, their findings drafted with the manifest's line, and the summary says what was read.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { noStack, run } from './run-cli.js';
import { tempFolder } from '../temp.js';

/** A repository of its own: an Express service parsing XML, a Python one with the safe parser, a Go one, and a malformed manifest. */
function repository(): string {
  const top = tempFolder('threatmap-deps-');
  const write = (path: string, text: string) => {
    mkdirSync(join(top, path, '..'), { recursive: true });
    writeFileSync(join(top, path), text);
  };
  write('compose.yaml', [
    'services:',
    '  orders:',
    '    build: ./orders',
    '    ports: ["8080:8080"]',
    '  reports:',
    '    build: { context: ./reports }',
    '    ports: ["8081:8000"]',
    '  gateway:',
    '    build:',
    '      context: ./gateway',
    '      dockerfile: Dockerfile.prod',
    '  broken:',
    '    build: ./broken',
    '  broken-worker:',
    '    build: { context: ./broken, dockerfile: Dockerfile.worker }',
    '',
  ].join('\n'));
  write('orders/package.json', '{\n  "name": "orders",\n  "dependencies": {\n    "express": "^4.19.0",\n    "xml2js": "^0.6.2"\n  },\n  "devDependencies": {\n    "node-serialize": "0.0.4"\n  }\n}\n');
  write('reports/requirements.txt', 'flask==3.0\ndefusedxml==0.7.1\n');
  write('gateway/Dockerfile.prod', 'FROM golang:1.22 AS build\nRUN go build -o /gw\nFROM scratch\nCOPY --from=build /gw /gw\n');
  write('broken/package.json', '{\n  "dependencies": {\n    "xml2js": "1",\n  }\n}\n');
  return top;
}

describe('threatmap discover: dependency manifests of built services', () => {
  const top = repository();
  const r = run('discover', top);

  it('drafts the framework as the technology and the XML parser as a fact, each cited at its manifest line', () => {
    assert.equal(r.code, 0, r.stderr);
    noStack(r.stderr);
    assert.match(r.stdout, /^ {2}# orders\/package\.json:4 dependency express\n {2}# xml: orders\/package\.json:5 dependency xml2js\n {2}orders: \{ tech: express, in: [a-z0-9-]+, tags: \[ xml:orders\/package\.json:5 \] \}$/m);
    // devDependencies are not what runs.
    assert.doesNotMatch(r.stdout, /object-deserialization/);
    assert.match(r.stdout, /^ {2}reports: \{ tech: flask, in: [a-z0-9-]+, controls: \[ safe-parsers \] \}$/m);
    assert.match(r.stdout, /^ {2}gateway: \{ tech: go, in: [a-z0-9-]+ \}$/m);
    assert.match(r.stdout, /^# {3}orders\/package\.json \(dependency manifest\)$/m);
    assert.match(r.stdout, /^# {3}gateway\/Dockerfile\.prod \(Dockerfile\)$/m);
  });

  it('the summary says what each build context gave, in file order', () => {
    const lines = r.stderr.split('\n').filter((l) => /^ {2}(orders|reports|gateway|broken): read /.test(l));
    // Named as the user can open them (since session 20): the folder searched is outside the current one, so absolute.
    const at = (rel: string) => join(top, rel);
    assert.deepEqual(lines, [
      `  orders: read ${at('orders/package.json')}: express (tech express, ${at('orders/package.json')}:4), xml2js (tag xml, ${at('orders/package.json')}:5)`,
      `  reports: read ${at('reports/requirements.txt')}: flask (tech flask, ${at('reports/requirements.txt')}:1), defusedxml (control safe-parsers, ${at('reports/requirements.txt')}:2)`,
      `  gateway: read ${at('gateway/Dockerfile.prod')}: golang:1.22 (tech go, ${at('gateway/Dockerfile.prod')}:1)`,
      `  broken: read ${at('broken/package.json')}: no framework or library the rules read`,
    ]);
  });

  it('a malformed manifest is a warning naming its file and line; the draft is still written', () => {
    const warning = `${join(top, 'broken/package.json')}:4:3: warning[dependency-manifest]: package.json: not valid JSON`;
    // Read for two services (two Dockerfiles, one folder), said once.
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith(warning)).length, 1, r.stderr);
    assert.match(r.stdout, /^ {2}broken: \{ type: service, in: [a-z0-9-]+ \}$/m);
  });

  it('the written model analysed reports XXE on the service whose manifest lists the parser, and only there', () => {
    const out = join(top, 'threatmap.yaml');
    assert.equal(run('discover', top, '-o', out).code, 0);
    const analysed = run('analyze', out, '-f', 'json');
    assert.equal(analysed.code, 0, analysed.stderr);
    const threats = (JSON.parse(analysed.stdout) as { threats: Array<{ ruleId: string; component: string; evidence: Array<{ fact: string }> }> }).threats.filter((t) => t.ruleId === 'xxe');
    assert.deepEqual(threats.map((t) => t.component), ['orders']);
    assert.ok(threats[0].evidence.some((e) => e.fact.includes('(orders/package.json:5)')), JSON.stringify(threats[0].evidence));
  });
});
