// Session 19: `threatmap discover` reads the dependency manifests of the services Compose builds from the
// repository: the framework as the technology (only when nothing else says it), and the libraries whose purpose
// is a risky capability as facts the evidence-based rules read, each cited at the manifest's line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import {
  type BuildReading, type ContextFile, describeFindings, dockerfileTech, parseGemfile, parseGoMod, parseGradle, parsePom, parsePyproject, parseRequirements,
  readBuildContext,
} from '../../src/import/dependencies.js';
import { draftToYaml } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf } from './draft-helpers.js';

const read = (file: string, text: string, dockerfile?: string): BuildReading =>
  readBuildContext([{ file, text }], dockerfile === undefined ? undefined : { file: 'app/Dockerfile', text: dockerfile });
const tags = (r: BuildReading): string[] => r.facts.map((f) => `${f.tag}:${f.provenance.file}:${f.provenance.line}`);

const PACKAGE_JSON = `{
  "name": "orders",
  "devDependencies": {
    "libxmljs": "^1.0.0"
  },
  "dependencies": {
    "express": "^4.19.0",
    "xml2js": "^0.6.2"
  }
}
`;

describe('dependency manifests: package.json', () => {
  it('dependencies give the framework and the XML parser, each at its line', () => {
    const r = read('orders/package.json', PACKAGE_JSON);
    assert.deepEqual(r.tech, { id: 'express', provenance: { file: 'orders/package.json', line: 7, note: 'dependency express' } });
    assert.deepEqual(tags(r), ['xml:orders/package.json:8']);
    assert.equal(describeFindings(r.findings), 'express (tech express, orders/package.json:7), xml2js (tag xml, orders/package.json:8)');
    assert.deepEqual(r.diagnostics, []);
  });

  it('devDependencies are ignored: an XML parser used only in tests is no fact', () => {
    const r = read('orders/package.json', PACKAGE_JSON.replace('"xml2js": "^0.6.2"', '"lodash": "^4"'));
    assert.deepEqual(tags(r), []);
    assert.equal(r.tech?.id, 'express');
  });

  it('the most specific framework wins (NestJS runs on Express); an unknown one gives no technology', () => {
    const nest = read('a/package.json', '{"dependencies": {"express": "4", "@nestjs/core": "10"}}');
    assert.equal(nest.tech?.id, 'nestjs');
    const koa = read('a/package.json', '{"dependencies": {"koa": "2", "ejs": "3"}}');
    assert.equal(koa.tech, undefined);
    // A template engine is no template-engine fact: every framework renders its own pages with one.
    assert.deepEqual(tags(koa), []);
  });

  it('malformed JSON is a warning at its line, never a throw', () => {
    const r = read('orders/package.json', '{\n  "dependencies": {\n    "xml2js": "1",\n  }\n}\n');
    assert.deepEqual(r.facts, []);
    assert.equal(r.diagnostics.length, 1);
    const [d] = r.diagnostics;
    assert.equal(`${d.severity} ${d.file}:${d.line}`, 'warning orders/package.json:4');
    assert.match(d.message, /^package\.json: not valid JSON .*its dependencies are not read$/);
  });
});

describe('dependency manifests: Python', () => {
  it('requirements.txt: lxml is an XML parser at its line; options, comments and extras are read as pip does', () => {
    const r = read('api/requirements.txt', '# web\n-r base.txt\nFlask[async]==3.0  # the app\nlxml>=5 ; python_version > "3.8"\n');
    assert.equal(r.tech?.id, 'flask');
    assert.deepEqual(tags(r), ['xml:api/requirements.txt:4']);
  });

  it('requirements.txt: a library of no such purpose gives nothing; a line that is no requirement is a warning, the rest read', () => {
    const r = read('api/requirements.txt', 'requests==2.31\n<<<<<<< HEAD\nJinja2==3.1\n');
    assert.deepEqual(tags(r), []);
    assert.equal(r.tech, undefined);
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}`), ['api/requirements.txt:2']);
    assert.deepEqual(parseRequirements('requests\n<<<<<<< HEAD\nJinja2\n').deps.map((d) => d.name), ['requests', 'Jinja2']);
  });

  it('defusedxml is the safe parser: no xml tag, and the safe-parsers control at its line', () => {
    const r = read('api/requirements.txt', 'django==5\ndefusedxml==0.7\n');
    assert.deepEqual(tags(r), []);
    assert.deepEqual(r.controls, [{ control: 'safe-parsers', provenance: { file: 'api/requirements.txt', line: 2, note: 'dependency defusedxml' } }]);
  });

  it('defusedxml beside lxml says nothing of which parses input: the xml tag, no control', () => {
    const r = read('api/requirements.txt', 'defusedxml==0.7\nlxml==5\n');
    assert.deepEqual(tags(r), ['xml:api/requirements.txt:2']);
    assert.deepEqual(r.controls, []);
  });

  it('pyproject.toml: [project] dependencies and [tool.poetry.dependencies], not the interpreter nor dev groups', () => {
    const text = '[project]\nname = "x"\ndependencies = [\n  "fastapi>=0.110",\n  "zeep~=4.2",\n]\n\n[tool.poetry.dependencies]\npython = "^3.11"\njsonpickle = "^3"\n\n[tool.poetry.group.dev.dependencies]\nlxml = "*"\n';
    assert.deepEqual(parsePyproject(text).deps, [{ name: 'fastapi', line: 4 }, { name: 'zeep', line: 5 }, { name: 'jsonpickle', line: 10 }]);
    const r = read('svc/pyproject.toml', text);
    assert.equal(r.tech?.id, 'fastapi');
    assert.deepEqual(tags(r), ['soap:svc/pyproject.toml:5', 'object-deserialization:svc/pyproject.toml:10']);
  });

  it('pyproject.toml that is not TOML is a warning at its line', () => {
    const r = read('svc/pyproject.toml', '[project]\ndependencies = ["dill"\n');
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].file, 'svc/pyproject.toml');
    assert.match(r.diagnostics[0].message, /not valid TOML/);
  });
});

const POM = `<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>com.thoughtworks.xstream</groupId><artifactId>xstream</artifactId></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.dataformat</groupId>
      <artifactId>jackson-dataformat-xml</artifactId>
    </dependency>
    <dependency>
      <groupId>com.esotericsoftware</groupId>
      <artifactId>kryo</artifactId>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
`;

describe('dependency manifests: Java', () => {
  it('pom.xml: the project\'s dependencies by artifactId, at the artifactId\'s line; test scope and dependencyManagement left out', () => {
    assert.deepEqual(parsePom(POM).deps, [{ name: 'spring-boot-starter-web', line: 11 }, { name: 'jackson-dataformat-xml', line: 15 }]);
    const r = read('billing/pom.xml', POM);
    assert.equal(r.tech?.id, 'spring');
    assert.deepEqual(tags(r), ['xml:billing/pom.xml:15']);
  });

  it('pom.xml without such libraries gives no fact; broken XML is a warning', () => {
    assert.deepEqual(tags(read('billing/pom.xml', POM.replace('jackson-dataformat-xml', 'jackson-databind'))), []);
    const broken = read('billing/pom.xml', '<project>\n  <dependencies>\n</project>\n');
    assert.equal(broken.diagnostics.length, 1);
    assert.equal(broken.diagnostics[0].line, 3);
    assert.match(broken.diagnostics[0].message, /^pom\.xml: not valid XML/);
  });

  it('build.gradle(.kts): implementation coordinates and the group:/name: form; testImplementation left out', () => {
    const text = 'plugins { id "java" }\ndependencies {\n  testImplementation "com.esotericsoftware:kryo:5.5.0"\n  implementation("com.thoughtworks.xstream:xstream:1.4.20")\n  implementation group: "org.dom4j", name: "dom4j", version: "2.1.4"\n}\n';
    assert.deepEqual(parseGradle(text).deps, [{ name: 'xstream', line: 4 }, { name: 'dom4j', line: 5 }]);
    const r = readBuildContext([{ file: 'jobs/build.gradle.kts', text }]);
    assert.deepEqual(tags(r), ['object-deserialization:jobs/build.gradle.kts:4', 'xml:jobs/build.gradle.kts:5']);
    assert.deepEqual(tags(readBuildContext([{ file: 'jobs/build.gradle', text: text.replace(/ {2}implementation.*\n/g, '') }])), []);
  });
});

describe('dependency manifests: Go, Ruby, PHP', () => {
  it('go.mod: required modules, not indirect ones; Gin is no catalogue technology', () => {
    const text = 'module example.com/sso\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n\nrequire (\n\tgithub.com/crewjam/saml v0.4.14\n\tgithub.com/beevik/etree v1.1.0 // indirect\n)\n';
    const r = readBuildContext([{ file: 'sso/go.mod', text }]);
    assert.equal(r.tech, undefined);
    assert.deepEqual(tags(r), ['saml:sso/go.mod:8']);
    assert.deepEqual(tags(readBuildContext([{ file: 'sso/go.mod', text: text.replace('\tgithub.com/crewjam/saml v0.4.14\n', '') }])), []);
    assert.deepEqual(parseGoMod('require (\n\tbroken\n)\n').problem, { line: 2, message: '`broken` is not a module path and version; the line is skipped' });
  });

  it('Gemfile: gems outside development and test groups', () => {
    const text = "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngroup :development, :test do\n  gem 'nokogiri'\nend\ngem 'ox', group: :test\ngem 'ruby-saml', '~> 1.16'\n";
    assert.deepEqual(parseGemfile(text).deps, [{ name: 'rails', line: 2 }, { name: 'ruby-saml', line: 7 }]);
    const r = readBuildContext([{ file: 'web/Gemfile', text }]);
    assert.equal(r.tech?.id, 'rails');
    assert.deepEqual(tags(r), ['saml:web/Gemfile:7']);
  });

  it('Gemfile: a statement block inside a test group ends with its own `end`, not the group\'s', () => {
    const text = "gem 'rails'\ngroup :test do\n  if ENV['CI']\n    gem 'simplecov'\n  end\n  gem 'nokogiri'\nend\ngem 'pg' if RUBY_PLATFORM =~ /linux/\n";
    assert.deepEqual(parseGemfile(text).deps, [{ name: 'rails', line: 1 }, { name: 'pg', line: 8 }]);
  });

  it('composer.json: require, not require-dev', () => {
    const r = readBuildContext([{ file: 'shop/composer.json', text: '{\n  "require": {\n    "laravel/framework": "^11.0"\n  },\n  "require-dev": {\n    "onelogin/php-saml": "^4"\n  }\n}\n' }]);
    assert.equal(r.tech?.id, 'laravel');
    assert.deepEqual(tags(r), []);
  });
});

describe('dependency manifests: the Dockerfile', () => {
  it('its base image gives the technology when no manifest names a framework: the last stage the catalogue knows', () => {
    assert.deepEqual(dockerfileTech('FROM golang:1.22 AS build\nRUN go build\nFROM gcr.io/distroless/static\nCOPY --from=build /a /a\n'), { tech: 'go', image: 'golang:1.22', line: 1 });
    assert.equal(dockerfileTech('FROM python:3.12-slim\n'), undefined);
    const r = read('app/requirements.txt', 'lxml\n', 'FROM --platform=linux/amd64 eclipse-temurin:21 AS run\n');
    assert.deepEqual(r.tech, { id: 'java', provenance: { file: 'app/Dockerfile', line: 1, note: 'FROM eclipse-temurin:21' } });
    assert.deepEqual(r.read, ['app/requirements.txt', 'app/Dockerfile']);
  });

  it('a framework a manifest names wins over the base image', () => {
    const r = read('app/package.json', '{"dependencies": {"express": "4"}}', 'FROM node:20\n');
    assert.equal(r.tech?.id, 'express');
    assert.deepEqual(r.read, ['app/package.json']);
  });
});

/** A repository in memory, as the CLI's readFile and listFolder see it (paths relative to the compose file). */
function repository(files: Record<string, string>): { readFile: (p: string) => ContextFile | undefined; listFolder: (p: string) => string[] | undefined } {
  const norm = (p: string) => p.replace(/^\.\//, '').replace(/\/\.\//g, '/');
  return {
    readFile: (p) => (Object.hasOwn(files, norm(p)) ? { text: files[norm(p)], file: norm(p) } : undefined),
    listFolder: (p) => {
      const prefix = `${norm(p).replace(/\/$/, '')}/`;
      const names = Object.keys(files).filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/')).map((f) => f.slice(prefix.length));
      return names.length ? names.sort() : undefined;
    },
  };
}

const COMPOSE = 'services:\n  orders:\n    build: ./orders\n    ports: ["8080:8080"]\n';

describe('compose: services built from the repository', () => {
  it('a build context gives the element its technology and facts, and cites them', () => {
    const r = discoverCompose(COMPOSE, 'compose.yaml', repository({ 'orders/package.json': PACKAGE_JSON }));
    const e = elementOf(r.draft, 'orders');
    assert.deepEqual(e.identity, { tech: 'express' });
    assert.deepEqual(e.facts, [{ tag: 'xml', provenance: { file: 'orders/package.json', line: 8, note: 'dependency xml2js' } }]);
    assert.deepEqual(r.builds, [{ service: 'orders', read: ['orders/package.json'], findings: r.builds[0].findings }]);
    assert.equal(r.builds[0].findings.length, 2);
    const yaml = draftToYaml(r.draft);
    assert.match(yaml, /^ {2}orders: \{ tech: express, in: compose, tags: \[ xml:orders\/package\.json:8 \] \}$/m);
    assert.match(yaml, /^# {3}orders\/package\.json \(dependency manifest\)$/m);
  });

  it('the technology only when none: an image the catalogue knows keeps its own, the facts still come', () => {
    const r = discoverCompose('services:\n  orders:\n    build: ./orders\n    image: node:20\n', 'compose.yaml', repository({ 'orders/package.json': PACKAGE_JSON }));
    const e = elementOf(r.draft, 'orders');
    assert.deepEqual(e.identity, { tech: 'node' });
    assert.deepEqual(e.facts?.map((f) => f.tag), ['xml']);
    assert.equal(e.provenance.length, 1);
  });

  it('`build:` as a map: its context and its dockerfile; without a reader nothing is read', () => {
    const files = repository({ 'svc/deploy/Dockerfile.prod': 'FROM golang:1.22\n', 'svc/go.mod': 'module x\n\nrequire github.com/gin-gonic/gin v1.9.1\n' });
    const text = 'services:\n  svc:\n    build:\n      context: ./svc\n      dockerfile: deploy/Dockerfile.prod\n';
    assert.deepEqual(elementOf(discoverCompose(text, 'compose.yaml', files).draft, 'svc').identity, { tech: 'go' });
    assert.deepEqual(elementOf(discoverCompose(text, 'compose.yaml').draft, 'svc').identity, { type: 'service' });
  });

  it('a malformed manifest is a warning of the compose result, naming the manifest and line', () => {
    const r = discoverCompose(COMPOSE, 'compose.yaml', repository({ 'orders/package.json': '{ "dependencies": { ' }));
    assert.equal(hasErrors(r.diagnostics), false);
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.file}:${d.line}`), ['warning dependency-manifest orders/package.json:1']);
  });
});

/** The drafted model, loaded and analysed: the xxe threats. */
function xxeOf(files: Record<string, string>) {
  const text = draftToYaml(discoverCompose(COMPOSE, 'compose.yaml', repository(files)).draft);
  const loaded = loadModel(text, 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return analyze(loaded.model, { source: loaded.source }).threats.filter((t) => t.ruleId === 'xxe');
}

describe('the drafted model analysed', () => {
  it('an XML parser in the manifest gives the xxe finding, citing the manifest line', () => {
    const threats = xxeOf({ 'orders/package.json': PACKAGE_JSON });
    assert.deepEqual(threats.map((t) => `${t.ruleId}@${t.component}`), ['xxe@orders']);
    assert.ok(threats[0].evidence.some((e) => e.fact.includes('tagged `xml` (orders/package.json:8)')), JSON.stringify(threats[0].evidence));
  });

  it('without the dependency (or with only defusedxml) there is none', () => {
    assert.deepEqual(xxeOf({ 'orders/package.json': PACKAGE_JSON.replace('"xml2js": "^0.6.2"', '"lodash": "^4"') }), []);
    assert.deepEqual(xxeOf({ 'orders/requirements.txt': 'flask\ndefusedxml\n' }), []);
  });
});
