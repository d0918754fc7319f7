// What a service built from the repository is, from the dependency manifests in its build context: the web
// framework it runs on (its technology, where the catalogue knows it) and the libraries whose very purpose is a
// risky capability (an XML parser, a SOAP stack, a SAML service provider, a native-object deserialiser), as
// facts the evidence-based rules read (`xml`, `soap`, `saml`, `xslt`, `object-deserialization`, `pickle`).
// A framework is no such fact: Spring can parse XML and Django renders templates, which says nothing of what they
// do with callers' input (see CapabilityUse in src/analysis/rules/injection.ts). Pure: it parses the texts it is
// given; the CLI reads the files. Never throws: a manifest it cannot read is a warning at its line.
import type { Control } from '../model/catalog.js';
import type { Diagnostic } from '../model/types.js';
import { imageTech } from './containers.js';
import type { DraftControl, DraftFact, Provenance } from './draft.js';
import { Parser, isMap, type Node as YamlNode } from 'yaml';
import { jsonSyntaxError } from '../model/json-syntax.js';
import { findExcessiveNesting, MAX_DEPTH } from '../model/parse.js';
import { LineIndex } from './line-index.js';
import { parseToml, type TomlNode, type TomlTable } from './traefik-toml.js';
import { kid, kids, parseXml } from './xml.js';
import { composeOne, type Entry, YamlSource } from './yaml-source.js';

/** The package registries whose manifests are read; a package name means something only in its own. */
export type Ecosystem = 'npm' | 'pypi' | 'maven' | 'go' | 'rubygems' | 'composer';

/** Package names by registry, spelt as `packageKey` normalises them (Maven: the artifactId). */
export type PackageList = Readonly<Partial<Record<Ecosystem, readonly string[]>>>;

/** A dependency a manifest lists: its name as written and the line that lists it. */
export interface Dependency {
  name: string;
  line: number;
}

/** A file of the build context, with the name to cite it by (`orders/package.json`). */
export interface ContextFile {
  file: string;
  text: string;
}

/** A dependency that says something, for the summary: the package and what it says (a technology, a tag, a control). */
export interface DependencyFinding {
  package: string;
  file: string;
  line: number;
  says: { tech: string } | { tag: string } | { control: Control };
}

/** What a build context's manifests say about the service built from it. */
export interface BuildReading {
  /** The framework, else the Dockerfile's base image, where the catalogue knows it. */
  tech?: { id: string; provenance: Provenance };
  facts: DraftFact[];
  controls: DraftControl[];
  /** Each dependency that said something, in file then line order. */
  findings: DependencyFinding[];
  /** The manifests read, as cited, in the order given. */
  read: string[];
  diagnostics: Diagnostic[];
}

/**
 * Web frameworks the catalogue knows, most specific first: NestJS and Next.js run on Express-like servers whose
 * packages they pull in, so a manifest listing both is the former. A framework the catalogue does not know (Koa,
 * Gin, Sinatra, Symfony) says nothing: a made-up technology would not load.
 */
export const FRAMEWORKS: ReadonlyArray<{ tech: string; packages: PackageList }> = [
  { tech: 'nestjs', packages: { npm: ['@nestjs/core'] } },
  { tech: 'nextjs', packages: { npm: ['next'] } },
  { tech: 'nuxt', packages: { npm: ['nuxt'] } },
  { tech: 'sveltekit', packages: { npm: ['@sveltejs/kit'] } },
  { tech: 'fastify', packages: { npm: ['fastify'] } },
  { tech: 'express', packages: { npm: ['express'] } },
  { tech: 'django', packages: { pypi: ['django'] } },
  { tech: 'fastapi', packages: { pypi: ['fastapi'] } },
  { tech: 'flask', packages: { pypi: ['flask'] } },
  { tech: 'spring', packages: { maven: ['spring-boot-starter-web', 'spring-boot-starter-webflux', 'spring-webmvc', 'spring-webflux'] } },
  { tech: 'rails', packages: { rubygems: ['rails'] } },
  { tech: 'laravel', packages: { composer: ['laravel/framework'] } },
  // A worker framework: last, so that a web application that also queues jobs is the web application.
  { tech: 'celery', packages: { pypi: ['celery'] } },
];

/**
 * Libraries that parse or bind XML, which is all they are for. Go's encoding/xml resolves no external entities
 * and is the standard library (no go.mod line): none for Go.
 */
export const XML_LIBRARIES: PackageList = {
  npm: ['xml2js', 'fast-xml-parser', 'libxmljs', 'libxmljs2', 'xmldom', '@xmldom/xmldom', 'xml-js', 'sax', 'xmldoc', 'xml2json'],
  pypi: ['lxml', 'xmltodict', 'untangle', 'xmlschema', 'pyxb'],
  maven: [
    'jackson-dataformat-xml', 'jaxb-api', 'jakarta.xml.bind-api', 'jaxb-runtime', 'jaxb-impl', 'dom4j', 'xercesimpl', 'jdom2', 'jdom',
    'woodstox-core', 'xom', 'xmlbeans', 'simple-xml', 'xmlrpc-server',
  ],
  rubygems: ['nokogiri', 'ox', 'libxml-ruby', 'rexml', 'xml-simple', 'crack'],
  composer: ['ext-simplexml', 'ext-dom', 'ext-xmlreader', 'sabre/xml'],
};

/**
 * SOAP stacks, servers and clients: a client parses the XML its server answers. Ruby's savon is one too.
 */
export const SOAP_LIBRARIES: PackageList = {
  npm: ['soap', 'strong-soap', 'easy-soap-request'],
  pypi: ['zeep', 'suds', 'suds-community', 'suds-py3', 'suds-jurko', 'spyne'],
  maven: ['cxf-rt-frontend-jaxws', 'cxf-spring-boot-starter-jaxws', 'cxf-rt-transports-http', 'spring-ws-core', 'spring-boot-starter-web-services', 'jaxws-rt', 'axis2-kernel', 'axis'],
  rubygems: ['savon', 'soap4r'],
  composer: ['ext-soap', 'econea/nusoap'],
};

/** SAML service-provider libraries: each parses the XML assertions that callers' browsers post to it. */
export const SAML_LIBRARIES: PackageList = {
  npm: ['passport-saml', '@node-saml/passport-saml', '@node-saml/node-saml', 'node-saml', 'samlify', 'saml2-js', '@boxyhq/saml-jackson'],
  pypi: ['python3-saml', 'pysaml2', 'django-saml2-auth', 'djangosaml2', 'flask-saml'],
  maven: ['spring-security-saml2-service-provider', 'spring-security-saml2-core', 'opensaml-saml-impl', 'opensaml-core', 'pac4j-saml'],
  go: ['github.com/crewjam/saml', 'github.com/russellhaering/gosaml2'],
  rubygems: ['ruby-saml', 'omniauth-saml'],
  composer: ['onelogin/php-saml', 'simplesamlphp/simplesamlphp', 'aacotroneo/laravel-saml2', '24slides/laravel-saml2', 'litesaml/lightsaml'],
};

/** XSLT processors: a stylesheet is a program, and the documents it transforms are XML. */
export const XSLT_LIBRARIES: PackageList = {
  npm: ['xslt-processor', 'xslt3', 'saxon-js'],
  maven: ['saxon-he', 'xalan'],
  composer: ['ext-xsl'],
};

/**
 * Libraries that turn bytes into native objects, whose purpose that is: XStream, Hessian, Kryo, Java's remoting
 * libraries, node-serialize, jsonpickle. A serialiser that only writes (serialize-javascript) is none, nor a JSON
 * library with an object mode it is rarely used in (Ruby's oj, in most Rails applications); Celery's pickle
 * serializer is a configuration setting, not a dependency, so it is out of reach here.
 */
export const OBJECT_DESERIALIZATION_LIBRARIES: PackageList = {
  npm: ['node-serialize', 'funcster', 'cryo'],
  pypi: ['jsonpickle'],
  maven: ['xstream', 'hessian', 'kryo', 'kryo5', 'spring-remoting', 'jboss-remoting'],
};

/** Python libraries that extend pickle itself (loading is `pickle.loads` with more types). */
export const PICKLE_LIBRARIES: PackageList = {
  pypi: ['dill', 'cloudpickle'],
};

/**
 * XML parsers with external entities and entity expansion off by design. Its presence is a control, not a tag,
 * and only when no other XML or object library is listed: beside lxml it says nothing of which one parses input.
 */
export const SAFE_XML_LIBRARIES: PackageList = {
  pypi: ['defusedxml', 'defusedexpat'],
};

/**
 * Template engines are deliberately absent: what template-injection needs is a template written by a caller (an
 * e-mail template editor), and every web framework lists an engine to render its own pages. A dependency cannot
 * tell the two apart, so no `template-engine` tag comes from a manifest.
 */
export const CAPABILITIES: ReadonlyArray<{ tag: string; packages: PackageList }> = [
  { tag: 'saml', packages: SAML_LIBRARIES },
  { tag: 'soap', packages: SOAP_LIBRARIES },
  { tag: 'xslt', packages: XSLT_LIBRARIES },
  { tag: 'xml', packages: XML_LIBRARIES },
  { tag: 'object-deserialization', packages: OBJECT_DESERIALIZATION_LIBRARIES },
  { tag: 'pickle', packages: PICKLE_LIBRARIES },
];

/** What a parser read: the dependencies in file order, and the first problem, if any (what was read before it stays). */
interface Parsed {
  deps: Dependency[];
  /** `col` where the reader knows it (JSON); else the problem is said at the line's start. */
  problem?: { line: number; col?: number; message: string };
}

/**
 * A name as the registry compares it: Python's normalised (PEP 503), Go's without its major-version suffix,
 * the others lower-case (npm and Composer names are, Maven artifactIds are matched without regard to case).
 */
export function packageKey(ecosystem: Ecosystem, name: string): string {
  const lower = name.trim().toLowerCase();
  if (ecosystem === 'pypi') return lower.replace(/[-_.]+/g, '-');
  if (ecosystem === 'go') return lower.replace(/\/v\d+$/, '');
  return lower;
}

const withoutBom = (text: string): string => text.replace(/^\uFEFF/, '');

/**
 * The last entry of a JSON object under `key`: JSON.parse, and so npm and Composer, keep the last of keys written
 * twice. The document is JSON already checked, so its YAML reading has every key, in text order.
 */
function lastEntry(entries: readonly Entry[], key: string): Entry | undefined {
  return entries.findLast((e) => e.key === key);
}

/** An object's keys at the line each is written on, once each (the last, as JSON.parse keeps), in text order. */
function keyLines(src: YamlSource, entries: readonly Entry[]): Dependency[] {
  const lines = new Map<string, number>();
  for (const e of entries) {
    lines.delete(e.key);
    lines.set(e.key, src.lineOf(e.offset));
  }
  return [...lines].map(([name, line]) => ({ name, line }));
}

/**
 * The keys of a top-level JSON object member (`"dependencies": {...}`), each at the line its key is written on.
 * Positions come from the parsed document, never from searching the text: a member of the same name nested in
 * another (`overrides`, `pnpm`, `peerDependenciesMeta`, a workspace's config) or written before the top-level
 * one is not it, and a package name that also appears in a script or a description is not its line.
 */
function jsonSection(text: string, section: string): Parsed {
  const json = withoutBom(text);
  const bad = jsonSyntaxError(json);
  if (bad !== undefined) {
    const { line, col } = new LineIndex(json).at(bad.offset);
    return { deps: [], problem: { line, col, message: `not valid JSON (${bad.message.replace(/^invalid JSON: /, '')}); its dependencies are not read` } };
  }
  // The YAML reader recurses once per level: a crafted file is refused from its flat tokens first.
  const tokens = [...new Parser().parse(json)];
  const deep = findExcessiveNesting(tokens, MAX_DEPTH);
  if (deep !== undefined) {
    const { line, col } = new LineIndex(json).at(deep);
    return { deps: [], problem: { line, col, message: `nests more than ${MAX_DEPTH} levels deep; its dependencies are not read` } };
  }
  // Valid JSON, so the YAML reader's only complaint can be a key written twice, which JSON.parse allows (see lastEntry).
  const src = new YamlSource(json, '', composeOne(tokens, json.length));
  const root = src.root;
  const member = isMap(root) ? lastEntry(src.entries(root, []), section) : undefined;
  if (member === undefined) return { deps: [] };
  const value: YamlNode | null = member.value;
  if (!isMap(value)) {
    return { deps: [], problem: { line: src.lineOf(member.offset), message: `"${section}" is not an object of package names; its dependencies are not read` } };
  }
  return { deps: keyLines(src, src.entries(value, [section])) };
}

/** package.json: `dependencies` only; devDependencies are the build's and the tests', not what runs. */
export const parsePackageJson = (text: string): Parsed => jsonSection(text, 'dependencies');

/** composer.json: `require` only, not `require-dev`. */
export const parseComposerJson = (text: string): Parsed => jsonSection(text, 'require');

/** A PEP 508 requirement's name: `Django[argon2]>=4.2; python_version>"3.8"` is `Django`. */
const REQUIREMENT_NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@(,]|$)/;

/**
 * requirements.txt: one requirement a line. Options (`-r other.txt`, `-e git+...`, `--index-url`), URLs and
 * paths name no package here; a line that is none of these is a problem (the first is reported, the rest read).
 */
export function parseRequirements(text: string): Parsed {
  const deps: Dependency[] = [];
  let problem: Parsed['problem'];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(?:^|\s)#.*$/, '').trim();
    if (line === '' || line.startsWith('-') || /^(?:[a-z][a-z0-9+.-]*:\/\/|[./~])/i.test(line)) return;
    const name = REQUIREMENT_NAME.exec(line)?.[1];
    if (name !== undefined) deps.push({ name, line: i + 1 });
    else problem ??= { line: i + 1, message: `\`${line.slice(0, 60)}\` is not a requirement (a package name, then a version); the line is skipped` };
  });
  return problem ? { deps, problem } : { deps };
}

const tomlTable = (node: TomlNode | undefined): TomlTable | undefined => (node !== undefined && node.value instanceof Map ? node.value : undefined);

/**
 * pyproject.toml: `[project] dependencies` (PEP 621) and `[tool.poetry.dependencies]` (without `python`, the
 * interpreter); optional and development groups are not what runs.
 */
export function parsePyproject(text: string): Parsed {
  const { root, error } = parseToml(text);
  const deps: Dependency[] = [];
  const project = tomlTable(root.get('project'));
  const listed = project?.get('dependencies');
  if (listed !== undefined && Array.isArray(listed.value)) {
    for (const item of listed.value) {
      const name = typeof item.value === 'string' ? REQUIREMENT_NAME.exec(item.value.trim())?.[1] : undefined;
      if (name !== undefined) deps.push({ name, line: item.line });
    }
  }
  const poetry = tomlTable(tomlTable(tomlTable(root.get('tool'))?.get('poetry'))?.get('dependencies'));
  for (const [name, node] of poetry ?? []) if (name.toLowerCase() !== 'python') deps.push({ name, line: node.line });
  deps.sort((a, b) => a.line - b.line);
  return error ? { deps, problem: { line: error.line, message: `not valid TOML (column ${error.col}: ${error.message}); what follows is not read` } } : { deps };
}

const POM_FORMAT = {
  doctype: 'a pom.xml has none',
  doctypeHint: 'Maven never needs one',
  tooDeep: 'no pom.xml nests so deep',
};

/**
 * pom.xml: the project's `<dependencies>`, by artifactId, without test-scoped ones. `<dependencyManagement>` and
 * plugins' dependencies are not the application's: they pin versions, or run in the build.
 */
export function parsePom(text: string): Parsed {
  const parsed = parseXml(text, POM_FORMAT);
  if ('problem' in parsed) return { deps: [], problem: { line: parsed.problem.line, message: `not valid XML (${parsed.problem.message}); its dependencies are not read` } };
  const deps: Dependency[] = [];
  for (const dep of kids(kid(parsed.root, 'dependencies'), 'dependency')) {
    if (kid(dep, 'scope')?.text.trim() === 'test') continue;
    const artifact = kid(dep, 'artifactId');
    const name = artifact?.text.trim();
    if (artifact !== undefined && name) deps.push({ name, line: artifact.line });
  }
  return { deps };
}

/** The configurations of what the application runs with; test and annotation-processor ones are not. */
const GRADLE_CONFIG = '(?:implementation|api|compile|runtimeOnly|runtime|compileOnly)';
const GRADLE_STRING = new RegExp(`^\\s*${GRADLE_CONFIG}\\s*\\(?\\s*(?:platform\\s*\\(\\s*)?["']([^"':\\s]+):([^"':\\s]+)(?::[^"']*)?["']`);
const GRADLE_MAP = new RegExp(`^\\s*${GRADLE_CONFIG}\\s*\\(?\\s*group\\s*[:=]\\s*["']([^"']+)["']\\s*,\\s*name\\s*[:=]\\s*["']([^"']+)["']`);

/**
 * build.gradle and build.gradle.kts: `implementation "group:artifact:version"` and the `group:, name:` form, by
 * artifact. A build script is code, so a line it cannot read is no problem: it may be anything.
 */
export function parseGradle(text: string): Parsed {
  const deps: Dependency[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = GRADLE_STRING.exec(line) ?? GRADLE_MAP.exec(line);
    if (m) deps.push({ name: m[2], line: i + 1 });
  });
  return { deps };
}

/**
 * go.mod: `require path version`, alone or in a block. `// indirect` modules are only what the direct ones need:
 * their purpose is not the application's.
 */
export function parseGoMod(text: string): Parsed {
  const deps: Dependency[] = [];
  let problem: Parsed['problem'];
  let block = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (block) {
      if (line === ')') block = false;
      else if (line !== '') add(line, i + 1, indirect);
      return;
    }
    if (/^require\s*\($/.test(line)) block = true;
    else if (/^require\s/.test(line)) add(line.slice('require'.length).trim(), i + 1, indirect);
  });
  function add(spec: string, line: number, indirect: boolean): void {
    const m = /^(\S+)\s+v\S+$/.exec(spec);
    if (!m) problem ??= { line, message: `\`${spec.slice(0, 60)}\` is not a module path and version; the line is skipped` };
    else if (!indirect) deps.push({ name: m[1].replace(/^"|"$/g, ''), line });
  }
  return problem ? { deps, problem } : { deps };
}

/** Gemfile groups of what does not run in production. */
const DEV_GROUPS = new Set(['development', 'test']);
const groupsOf = (text: string): string[] => [...text.matchAll(/:(\w+)|["'](\w+)["']/g)].map((m) => m[1] ?? m[2]);

/**
 * Gemfile: `gem 'name'`, outside `group :development, :test do ... end` blocks and without a `group:` option
 * naming only those. A Gemfile is Ruby: a line it cannot read is no problem.
 */
export function parseGemfile(text: string): Parsed {
  const deps: Dependency[] = [];
  /** For each open block, whether it is a development or test group. */
  const blocks: boolean[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (/^end\b/.test(line)) {
      blocks.pop();
      return;
    }
    const group = /^group\s+(.*?)\s+do\b/.exec(line);
    if (group) {
      const names = groupsOf(group[1]);
      blocks.push(names.length > 0 && names.every((g) => DEV_GROUPS.has(g)));
      return;
    }
    // Any other block closes with its own `end`: a `do` block, or a statement opening one (`if ENV[...]`, not
    // the modifier form `gem 'x' if ...`, which starts with `gem`).
    if (/\bdo\s*(?:\|[^|]*\|)?$/.test(line) || /^(?:if|unless|case|while|until|begin|def|class|module)\b/.test(line)) {
      blocks.push(false);
      return;
    }
    if (blocks.some(Boolean)) return;
    const gem = /^gem\s*\(?\s*["']([^"']+)["'](.*)$/.exec(line);
    if (!gem) return;
    const option = /\bgroups?\s*(?::|=>)\s*(\[[^\]]*\]|:\w+|["']\w+["'])/.exec(gem[2]);
    if (option && groupsOf(option[1]).every((g) => DEV_GROUPS.has(g))) return;
    deps.push({ name: gem[1], line: i + 1 });
  });
  return { deps };
}

/** The manifests read in a build context, by file name, with their registry and reader. */
export const MANIFESTS: Readonly<Record<string, { ecosystem: Ecosystem; parse: (text: string) => Parsed }>> = {
  'package.json': { ecosystem: 'npm', parse: parsePackageJson },
  'requirements.txt': { ecosystem: 'pypi', parse: parseRequirements },
  'pyproject.toml': { ecosystem: 'pypi', parse: parsePyproject },
  'pom.xml': { ecosystem: 'maven', parse: parsePom },
  'build.gradle': { ecosystem: 'maven', parse: parseGradle },
  'build.gradle.kts': { ecosystem: 'maven', parse: parseGradle },
  'go.mod': { ecosystem: 'go', parse: parseGoMod },
  Gemfile: { ecosystem: 'rubygems', parse: parseGemfile },
  'composer.json': { ecosystem: 'composer', parse: parseComposerJson },
};

const baseName = (file: string): string => file.slice(file.lastIndexOf('/') + 1);

/** Whether a file of a build context is a manifest read here (by its name). */
export const isManifest = (file: string): boolean => Object.hasOwn(MANIFESTS, baseName(file));

/**
 * The base image that says what the service is: the last stage's, else the nearest earlier stage the catalogue
 * knows (a Go binary built in `golang` and copied into `scratch` or distroless is Go). A stage built on an
 * earlier stage (`FROM build`) is that stage, not an image.
 */
export function dockerfileTech(text: string): { tech: string; image: string; line: number } | undefined {
  const stages = new Set<string>();
  const froms: Array<{ image: string; line: number }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(raw);
    if (!m) return;
    if (!stages.has(m[1].toLowerCase())) froms.push({ image: m[1], line: i + 1 });
    if (m[2]) stages.add(m[2].toLowerCase());
  });
  for (let i = froms.length - 1; i >= 0; i--) {
    const tech = imageTech(froms[i].image);
    if (tech !== undefined) return { tech, ...froms[i] };
  }
  return undefined;
}

/** A dependency with where it is listed and its registry. */
interface Listed {
  ecosystem: Ecosystem;
  dep: Dependency;
  file: string;
}

const listedIn = (packages: PackageList, l: Listed): boolean => packages[l.ecosystem]?.includes(packageKey(l.ecosystem, l.dep.name)) === true;

const provenanceOf = (l: Listed): Provenance => ({ file: l.file, line: l.dep.line, note: `dependency ${l.dep.name}` });

/** The manifests' dependencies in the order given, with a warning for each manifest that could not be read whole. */
function listAll(manifests: readonly ContextFile[]): { listed: Listed[]; read: string[]; diagnostics: Diagnostic[] } {
  const listed: Listed[] = [];
  const read: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const m of manifests) {
    const kind = Object.hasOwn(MANIFESTS, baseName(m.file)) ? MANIFESTS[baseName(m.file)] : undefined;
    if (kind === undefined) continue;
    read.push(m.file);
    const parsed = kind.parse(m.text);
    if (parsed.problem) {
      diagnostics.push({
        severity: 'warning', code: 'dependency-manifest', file: m.file, line: parsed.problem.line, col: parsed.problem.col ?? 1, path: '',
        message: `${baseName(m.file)}: ${parsed.problem.message}`,
      });
    }
    for (const dep of parsed.deps) listed.push({ ecosystem: kind.ecosystem, dep, file: m.file });
  }
  return { listed, read, diagnostics };
}

/** The most specific framework any manifest lists, at its first listing. */
function frameworkOf(listed: readonly Listed[]): { tech: string; at: Listed } | undefined {
  for (const f of FRAMEWORKS) {
    const at = listed.find((l) => listedIn(f.packages, l));
    if (at !== undefined) return { tech: f.tech, at };
  }
  return undefined;
}

/**
 * What a build context's manifests (and its Dockerfile, for the technology when no framework is listed) say of
 * the service built from it. Each tag once, at the first dependency that says it.
 */
export function readBuildContext(manifests: readonly ContextFile[], dockerfile?: ContextFile): BuildReading {
  const { listed, read, diagnostics } = listAll(manifests);
  const reading: BuildReading = { facts: [], controls: [], findings: [], read, diagnostics };
  const framework = frameworkOf(listed);
  if (framework !== undefined) {
    reading.tech = { id: framework.tech, provenance: provenanceOf(framework.at) };
    reading.findings.push({ package: framework.at.dep.name, file: framework.at.file, line: framework.at.dep.line, says: { tech: framework.tech } });
  } else if (dockerfile !== undefined) {
    const base = dockerfileTech(dockerfile.text);
    if (base !== undefined) {
      reading.read.push(dockerfile.file);
      reading.tech = { id: base.tech, provenance: { file: dockerfile.file, line: base.line, note: `FROM ${base.image}` } };
      reading.findings.push({ package: base.image, file: dockerfile.file, line: base.line, says: { tech: base.tech } });
    }
  }
  for (const l of listed) {
    const capability = CAPABILITIES.find((c) => listedIn(c.packages, l));
    if (capability === undefined || reading.facts.some((f) => f.tag === capability.tag)) continue;
    reading.facts.push({ tag: capability.tag, provenance: provenanceOf(l) });
    reading.findings.push({ package: l.dep.name, file: l.file, line: l.dep.line, says: { tag: capability.tag } });
  }
  const safe = listed.find((l) => listedIn(SAFE_XML_LIBRARIES, l));
  if (safe !== undefined && reading.facts.length === 0) {
    reading.controls.push({ control: 'safe-parsers', provenance: provenanceOf(safe) });
    reading.findings.push({ package: safe.dep.name, file: safe.file, line: safe.dep.line, says: { control: 'safe-parsers' } });
  }
  const order = (file: string) => reading.read.indexOf(file);
  reading.findings.sort((a, b) => order(a.file) - order(b.file) || a.line - b.line);
  return reading;
}

/** `express (tech, orders/package.json:5), xml2js (xml, orders/package.json:12)`: what each finding says, and where. */
export function describeFindings(findings: readonly DependencyFinding[]): string {
  const what = (s: DependencyFinding['says']): string => ('tech' in s ? `tech ${s.tech}` : 'tag' in s ? `tag ${s.tag}` : `control ${s.control}`);
  return findings.map((f) => `${f.package} (${what(f.says)}, ${f.file}:${f.line})`).join(', ');
}
