// Seeded damage to the real samples of the readers that had no robustness test: the .tm7, Threat Composer and
// draw.io importers, and the Compose, Kubernetes and OpenAPI discover readers. Two kinds of damage: characters
// that matter to the format deleted, doubled or inserted (mutations.ts), and type confusion (a value at a random
// path of a parsed sample replaced by one of another type, the file written back). Whatever the damage, a
// reader answers with diagnostics a person can act on, never with an exception or an internal error, and what
// it writes loads as a model. A failure names its reader, kind of damage, seed and case number, and what the
// damage was: `FUZZ_IMPORT_SEED=<seed> FUZZ_IMPORT_CASES=<case>` runs the same cases again, up to that one
// (with the same samples: the corpus there or not, FUZZ_IMPORT_BIG the same).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { importDrawio } from '../../src/import/drawio.js';
import type { ImportResult } from '../../src/import/import-common.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { discoverOpenApi, placeApi } from '../../src/import/openapi.js';
import { importThreatComposer } from '../../src/import/threat-composer.js';
import { importTm7 } from '../../src/import/tm7.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Diagnostic } from '../../src/model/types.js';
import { parseTriage } from '../../src/track/triage.js';
import { corpusDir } from '../corpus.js';
import { mutations, random } from './mutations.js';

/**
 * Cases per reader and kind of damage: enough to keep the whole file near 10 seconds on two cores (each case
 * is read twice, and its model loaded). `FUZZ_IMPORT_CASES=5000 npx tsx --test test/import/importers-fuzz.test.ts`
 * searches further; FUZZ_IMPORT_BIG=1 also damages the large corpus samples (a 1.2 MB .tm7, 100 KB and 23 KB
 * specs), which cost a tenth of a second a case and more.
 */
const CASES = Number(process.env.FUZZ_IMPORT_CASES) || 100;
const BIG = process.env.FUZZ_IMPORT_BIG === '1';
/** Another seed searches other cases (the default ones are the same on every run). */
const SEED = Number(process.env.FUZZ_IMPORT_SEED) || 20_261_130;

// --- Samples ----------------------------------------------------------------------------------------------

interface Sample { name: string; text: string }

const FIXTURES = join('test', 'fixtures');
const CORPUS = corpusDir('');
const fixture = (...path: string[]): Sample => ({ name: path.join('/'), text: readFileSync(join(FIXTURES, ...path), 'utf8') });
/** Corpus files, when the corpus is there (a clean clone in CI has only the fixtures); `big` ones with FUZZ_IMPORT_BIG=1 only. */
function corpus(sub: string, filter: RegExp, big = false): Sample[] {
  if (CORPUS === undefined || (big && !BIG)) return [];
  const dir = join(CORPUS, sub);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => filter.test(f)).sort();
  } catch {
    return [];
  }
  return files.map((f) => ({ name: `corpus/${sub}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

/** draw.io's compression, as draw.io.test.ts makes it: base64 of raw deflate of the URI-encoded page XML. */
const compress = (xml: string) => deflateRawSync(Buffer.from(encodeURIComponent(xml))).toString('base64');
const compressPages = (text: string) => text.replace(/(<diagram [^>]*>)\s*(<mxGraphModel[\s\S]*?<\/mxGraphModel>)\s*(<\/diagram>)/g,
  (_, open: string, model: string, close: string) => `${open}${compress(model)}${close}`);
/** A compressed page inflated back in place, so that type confusion can reach its cells. */
const inflatePages = (text: string) => text.replace(/(<diagram [^>]*>)\s*([A-Za-z0-9+/=\s]+?)\s*(<\/diagram>)/g,
  (_, open: string, data: string, close: string) => `${open}${decodeURIComponent(inflateRawSync(Buffer.from(data, 'base64')).toString())}${close}`);
const inflate = (data: Uint8Array) => inflateRawSync(data, { maxOutputLength: 8 << 20 });
/** An editable SVG export (.drawio.svg): the diagram, escaped, in the root's `content`. */
const svgOf = (mxfile: string) => '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
  + `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" content="${mxfile.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"><g/></svg>\n`;

// --- Readers ----------------------------------------------------------------------------------------------

/** What a reader answered, as the CLI would use it: the model text only when there is no error. */
interface Output {
  diagnostics: Diagnostic[];
  text?: string;
  triage?: string;
  /** All of it, to compare two runs. */
  snapshot: string;
}

type Format = 'xml' | 'json' | 'yaml';

interface Reader {
  name: string;
  /** The name the damaged text is read under. */
  file: string;
  format: Format;
  samples: Sample[];
  /** A share of CASES, for a reader whose samples are slow to read. */
  share?: number;
  read(text: string, file: string): Output;
}

/** Characters that matter to each format, for the character damage. */
const CHARS: Record<Format, string> = { xml: '<>&"/=', json: '{}[]":,', yaml: ':-{}[]#&*!|> \n' };

const imported = <S>(r: ImportResult<S>): Output => ({
  diagnostics: r.diagnostics,
  ...(r.text !== undefined ? { text: r.text } : {}),
  ...(r.triage ? { triage: r.triage.text } : {}),
  snapshot: JSON.stringify(r),
});

/** A discover reader's draft as `threatmap discover` writes it, when the file has no error. */
function drafted(r: { diagnostics: Diagnostic[] }, write: () => string): Output {
  const text = hasErrors(r.diagnostics) ? undefined : write();
  return { diagnostics: r.diagnostics, ...(text !== undefined ? { text } : {}), snapshot: JSON.stringify({ r, text }) };
}

const shopDrawio = fixture('drawio-import', 'shop.drawio');
const drawioCorpus = corpus('drawio', /\.drawio$/);

const READERS: Reader[] = [
  {
    name: 'tm7', file: 'fuzz.tm7', format: 'xml',
    samples: [fixture('tm7-import', 'shop.tm7'), ...corpus('mtmt', /\.tm7$/, true)],
    // Its 74 KB sample is read at about 10 MB/s by the XML parser: as long as all the others put together.
    share: 0.5,
    read: (text, file) => imported(importTm7(text, file)),
  },
  {
    name: 'threat-composer', file: 'fuzz.tc.json', format: 'json',
    samples: [fixture('tc-import', 'shop.tc.json')],
    read: (text, file) => imported(importThreatComposer(text, file)),
  },
  {
    name: 'drawio', file: 'fuzz.drawio', format: 'xml',
    samples: [
      shopDrawio, { name: `${shopDrawio.name} (compressed)`, text: compressPages(shopDrawio.text) },
      { name: `${shopDrawio.name} (its first page alone)`, text: /<mxGraphModel[\s\S]*?<\/mxGraphModel>/.exec(shopDrawio.text)![0] },
      { name: `${shopDrawio.name} (compressed, in an SVG)`, text: svgOf(compressPages(shopDrawio.text)) },
      ...drawioCorpus, ...drawioCorpus.map((s) => ({ name: `${s.name} (inflated)`, text: inflatePages(s.text) })),
    ],
    read: (text, file) => imported(importDrawio(text, file, { inflate })),
  },
  {
    name: 'compose', file: 'docker-compose.yml', format: 'yaml',
    samples: [
      fixture('discover', 'shop', 'docker-compose.yml'), fixture('discover', 'edge', 'compose.yaml'), fixture('discover', 'voting', 'docker-stack.yml'),
      fixture('discover', 'compose-env-file', 'docker-compose.yml'), fixture('discover', 'openapi-shop', 'compose.yaml'),
      ...corpus('compose', /\.ya?ml$/),
    ],
    read: (text, file) => {
      const r = discoverCompose(text, file, { project: 'fuzz' });
      return drafted(r, () => draftToYaml(r.draft, { output: 'x.yaml' }));
    },
  },
  {
    name: 'kubernetes', file: 'fuzz.yaml', format: 'yaml',
    samples: [
      fixture('discover', 'k8s-shop', 'app.yaml'), fixture('discover', 'k8s-shop', 'data.yaml'),
      fixture('discover', 'k8s-configmap', 'app.yaml'), fixture('discover', 'k8s-configmap', 'backends.yaml'),
      ...corpus(join('kubernetes', 'voting-app'), /\.ya?ml$/),
    ],
    read: (text, file) => {
      const r = discoverKubernetes(text, file);
      return drafted(r, () => draftToYaml(r.draft, { output: 'x.yaml' }));
    },
  },
  ...(['json', 'yaml'] as const).map((format): Reader => ({
    name: `openapi (${format.toUpperCase()})`, file: `openapi.${format}`, format,
    samples: format === 'json'
      ? [fixture('discover', 'openapi-shop', 'web-api.json'), ...corpus('openapi', /\.json$/, true)]
      : [fixture('discover', 'openapi-shop', 'services', 'identity', 'openapi.yaml'), ...corpus('openapi', /\.ya?ml$/, true)],
    read: (text, file) => {
      const r = discoverOpenApi(text, file);
      return drafted(r, () => {
        // As `discover` does with a spec alone: its API placed on a draft of its own.
        const draft = mergeDrafts([r.draft]);
        placeApi(draft, r, []);
        return draftToYaml(draft, { output: 'x.yaml' });
      });
    },
  })),
];

// --- Damage -----------------------------------------------------------------------------------------------

type Kind = 'characters' | 'types';

/** One damaged copy of a sample, and what was done to it, for the assertion messages. */
interface Case { n: number; text: string; what: string }

const clip = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 39)}…` : s);

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

/** Where a character-damaged text differs from the sample it was made from (the one it shares most with). */
function difference(samples: readonly Sample[], text: string): string {
  let best = { sample: samples[0], start: 0, end: 0 };
  for (const sample of samples) {
    const s = sample.text;
    const max = Math.min(s.length, text.length);
    let start = 0;
    while (start < max && s[start] === text[start]) start++;
    let end = 0;
    while (end < max - start && s[s.length - 1 - end] === text[text.length - 1 - end]) end++;
    if (start + end > best.start + best.end) best = { sample, start, end };
  }
  const { sample, start, end } = best;
  return `${sample.name} ${lineCol(sample.text, start)}: ${clip(sample.text.slice(start, sample.text.length - end))} -> ${clip(text.slice(start, text.length - end))}`;
}

/** Values of every other type, to put where the file has something else. */
const VALUES: ReadonlyArray<readonly [string, unknown]> = [
  // 1e20 is written out in digits, a whole number past the safe integers.
  ['null', null], ['0', 0], ['-1', -1], ['1.5', 1.5], ['1e20', 1e20], ['1e308', 1e308], ['true', true], ['""', ''], ['"x"', 'x'],
  ['[]', []], ['{}', {}], ['[null]', [null]], ['{"": null}', { '': null }], ['a 20,000-character string', 'x'.repeat(20_000)],
  // Words every object has a property for: a value looked up in a plain object must not find them.
  ['"toString"', 'toString'], ['"__proto__"', '__proto__'], ['{"toString": 1}', { toString: 1 }],
];
/** Keys every object has, put in place of a file's key: a reader that looks a key up in a plain object must not find them. */
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

type Path = Array<string | number>;
const showPath = (path: Path) => (path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') : '(the whole document)');

function allPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) allPaths(v, [...path, k], out);
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) v = (v as Record<string | number, unknown>)[p];
  return v;
}

/** `root` with the value at `path` replaced (`rename`: its key renamed instead); the root itself when the path is empty. */
function replaced(root: unknown, path: Path, value: unknown, rename?: string): unknown {
  if (path.length === 0) return value;
  const parent = valueAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent[last as number] = value;
  else {
    // Rebuilt in order, each key an own property (`__proto__` too, which assignment would not make one).
    const entries = Object.entries(parent).map(([k, v]) => (k === String(last) ? [rename ?? k, rename ? v : value] : [k, v]));
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) Object.defineProperty(parent, k as string, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

const parsed = new Map<Sample, unknown[] | undefined>();
/** A JSON or YAML sample's documents as plain values, or undefined when it does not parse cleanly. */
function documents(sample: Sample, format: 'json' | 'yaml'): unknown[] | undefined {
  if (!parsed.has(sample)) parsed.set(sample, parse(sample, format));
  return parsed.get(sample);
}

function parse(sample: Sample, format: 'json' | 'yaml'): unknown[] | undefined {
  if (format === 'json') {
    try {
      return [JSON.parse(sample.text)];
    } catch {
      return undefined;
    }
  }
  const docs = parseAllDocuments(sample.text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return undefined;
  return docs.map((d) => d.toJS({ maxAliasCount: -1 }) as unknown);
}

const written = (docs: readonly unknown[], format: 'json' | 'yaml') => (format === 'json'
  ? JSON.stringify(docs[0], null, 2)
  : docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));

/** Type confusion in a JSON or YAML sample: 1 to 3 values replaced (or keys renamed), the documents written back. */
function confused(reader: Reader, next: () => number): Omit<Case, 'n'> {
  const pick = (n: number) => Math.floor(next() * n);
  const format = reader.format as 'json' | 'yaml';
  const usable = reader.samples.filter((s) => documents(s, format));
  const sample = usable[pick(usable.length)];
  const docs = structuredClone(documents(sample, format)!);
  const what: string[] = [];
  for (let m = 1 + pick(3); m > 0; m--) {
    const d = pick(docs.length);
    const paths = allPaths(docs[d]);
    const path = paths[pick(paths.length)];
    const parent = path.length ? valueAt(docs[d], path.slice(0, -1)) : undefined;
    const where = `${docs.length > 1 ? `document ${d + 1} ` : ''}${showPath(path)}`;
    if (typeof path.at(-1) === 'string' && !Array.isArray(parent) && pick(5) === 0) {
      const key = PROTO_KEYS[pick(PROTO_KEYS.length)];
      docs[d] = replaced(docs[d], path, undefined, key);
      what.push(`${where} renamed ${key}`);
    } else if (pick(4) === 0) {
      // Another part of the same file: the right shape for somewhere, the wrong one here.
      const other = paths[pick(paths.length)];
      docs[d] = replaced(docs[d], path, structuredClone(valueAt(docs[d], other)));
      what.push(`${where} := the value at ${showPath(other)}`);
    } else {
      const [label, value] = VALUES[pick(VALUES.length)];
      docs[d] = replaced(docs[d], path, structuredClone(value));
      what.push(`${where} := ${label}`);
    }
  }
  return { text: written(docs, format), what: `${sample.name}: ${what.join('; ')}` };
}

/** What an XML sample holds in place of JSON's typed values: attribute values and element texts. */
const XML_SPOTS = /\s([\w:.-]+)="([^"]*)"|>([^<>]*[^<>\s][^<>]*)</g;
const XML_VALUES = ['', '0', '-1', '1e999', 'NaN', 'true', ' ', 'x'.repeat(20_000), '00000000-0000-0000-0000-000000000000'];

interface XmlSpot { name: string; attribute: boolean; whole: number; wholeEnd: number; start: number; end: number }
const spotsOf = new Map<Sample, XmlSpot[]>();
function xmlSpots(sample: Sample): XmlSpot[] {
  let spots = spotsOf.get(sample);
  if (!spots) {
    spots = [...sample.text.matchAll(XML_SPOTS)].map((m) => {
      const attribute = m[1] !== undefined;
      const value = attribute ? m[2] : m[3];
      const start = m.index + m[0].indexOf(attribute ? `="${value}"` : value) + (attribute ? 2 : 0);
      return { name: attribute ? `attribute ${m[1]}` : 'text', attribute, whole: m.index, wholeEnd: m.index + m[0].length, start, end: start + value.length };
    });
    spotsOf.set(sample, spots);
  }
  return spots;
}

/**
 * Type confusion in an XML sample: 1 to 3 attribute values or element texts replaced by a value of another
 * kind (a number, an empty or very long text, another spot's value, an element in place of a text) or removed.
 */
function confusedXml(reader: Reader, next: () => number): Omit<Case, 'n'> {
  const pick = (n: number) => Math.floor(next() * n);
  const sample = reader.samples[pick(reader.samples.length)];
  const spots = xmlSpots(sample);
  const chosen = [...new Set(Array.from({ length: 1 + pick(3) }, () => pick(spots.length)))].sort((a, b) => b - a).map((i) => spots[i]);
  let text = sample.text;
  const what: string[] = [];
  for (const s of chosen) {
    const at = `${lineCol(sample.text, s.start)} ${s.name}`;
    const choice = pick(10);
    if (choice === 0 && s.attribute) {
      text = text.slice(0, s.whole) + text.slice(s.wholeEnd);
      what.push(`${at} removed`);
      continue;
    }
    const other = spots[pick(spots.length)];
    const value = choice === 0 ? '<x/>' : choice < 4 ? sample.text.slice(other.start, other.end) : XML_VALUES[pick(XML_VALUES.length)];
    text = text.slice(0, s.start) + value + text.slice(s.end);
    what.push(`${at} := ${choice > 0 && choice < 4 ? `the value at ${lineCol(sample.text, other.start)}` : clip(value)}`);
  }
  return { text, what: `${sample.name}: ${what.join('; ')}` };
}

/** The damaged copies of a reader's samples: the same `count` cases for the same seed, each a prefix of a longer search's. */
function* damage(reader: Reader, kind: Kind, seed: number, count: number): Generator<Case> {
  if (kind === 'characters') {
    let n = 0;
    for (const text of mutations(reader.samples.map((s) => s.text), CHARS[reader.format], seed, count)) {
      yield { n: ++n, text, what: difference(reader.samples, text) };
    }
    return;
  }
  const next = random(seed);
  for (let n = 1; n <= count; n++) yield { n, ...(reader.format === 'xml' ? confusedXml(reader, next) : confused(reader, next)) };
}

// --- Properties -------------------------------------------------------------------------------------------

interface Tally { errors: number; models: number }

/**
 * The properties on one case: no exception (nor an internal error caught as one); every diagnostic at a line and
 * column of the text, with a message; the same answer twice; a model written only when it loads, with no
 * template holes in it. The message names the reader, the kind of damage, the seed and the case.
 */
function check(reader: Reader, kind: Kind, c: Case, tally: Tally): void {
  const label = `${reader.name}, ${kind}, FUZZ_IMPORT_SEED=${SEED} case ${c.n} (${c.what})`;
  const read = () => {
    try {
      return reader.read(c.text, reader.file);
    } catch (err) {
      return assert.fail(`${label}: threw ${err instanceof Error ? err.stack : String(err)}`);
    }
  };
  const out = read();
  // An importer catches its own exceptions as an internal error: a bug all the same.
  const internal = out.diagnostics.find((d) => d.code === 'internal-error');
  assert.equal(internal, undefined, `${label}: ${internal?.message}`);

  const lines = c.text.split('\n');
  for (const d of out.diagnostics) {
    const where = `${label}: diagnostic ${d.line}:${d.col} ${d.code} ${JSON.stringify(d.message)}`;
    assert.equal(d.file, reader.file, where);
    assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines.length, `${where}: line outside 1..${lines.length}`);
    assert.ok(Number.isInteger(d.col) && d.col >= 1 && d.col <= lines[d.line - 1].length + 1, `${where}: column outside 1..${lines[d.line - 1].length + 1}`);
    assert.ok(typeof d.message === 'string' && d.message.trim() !== '', `${where}: no message`);
  }

  assert.equal(read().snapshot, out.snapshot, `${label}: a second run answered otherwise`);

  if (hasErrors(out.diagnostics)) {
    tally.errors++;
    return;
  }
  if (out.text === undefined) return;
  tally.models++;
  // What the reader wrote of a value it did not expect: a template hole, unless the file itself says it.
  for (const text of [out.text, out.triage ?? '']) {
    const hole = /\[object Object\]|\[native code\]|\bundefined\b|\bNaN\b/.exec(text)?.[0];
    assert.ok(hole === undefined || c.text.includes(hole), `${label}: the model written says ${JSON.stringify(hole)}:\n${text}`);
  }
  const loaded = loadModel(out.text, 'x.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `${label}: the model written does not load:\n${formatDiagnostics(loaded.diagnostics)}\n${out.text}`);
  if (out.triage !== undefined) {
    const triage = parseTriage(out.triage, 'x.triage.yaml');
    assert.ok(triage.triage && !hasErrors(triage.diagnostics), `${label}: the triage file written does not load:\n${formatDiagnostics(triage.diagnostics)}\n${out.triage}`);
  }
}

for (const reader of READERS) {
  describe(`${reader.name} reader: damaged samples`, () => {
    const cases = Math.ceil(CASES * (reader.share ?? 1));
    for (const kind of ['characters', 'types'] as const) {
      it(`${cases} cases of ${kind === 'characters' ? `character damage (${JSON.stringify(CHARS[reader.format])})` : 'type confusion'}: no exception, diagnostics in the text, deterministic, a model that loads`, (t) => {
        const tally: Tally = { errors: 0, models: 0 };
        const seed = SEED + (kind === 'types' ? 1 : 0);
        for (const c of damage(reader, kind, seed, cases)) check(reader, kind, c, tally);
        t.diagnostic(`${tally.errors} errors, ${tally.models} models`);
        // Damage that always fails, or never does, would test one path only.
        assert.ok(tally.errors > 0 || kind === 'types', `${reader.name} ${kind}: no case was an error`);
        assert.ok(tally.models > 0, `${reader.name} ${kind}: no case gave a model (${tally.errors} errors)`);
      });
    }
  });
}

// --- Regressions: what the search found, each on its smallest input ----------------------------------------

/** The model a reader's output loads as; the test fails when the output has an error or does not load. */
function loads(out: Output) {
  assert.ok(out.text !== undefined && !hasErrors(out.diagnostics), formatDiagnostics(out.diagnostics));
  const loaded = loadModel(out.text, 'x.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), `${formatDiagnostics(loaded.diagnostics)}\n${out.text}`);
  return loaded.model;
}
const reader = (name: string) => READERS.find((r) => r.name === name)!;

/** A .tm7 of one diagram, as small as the importer reads it (local names only, no KnowledgeBase). */
const tm7 = (borders: string, lines = '') => '<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model"'
  + ' xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">'
  + `<DrawingSurfaceList><DrawingSurfaceModel><Borders>${borders}</Borders><Lines>${lines}</Lines></DrawingSurfaceModel></DrawingSurfaceList></ThreatModel>`;
/** A stencil of the Borders list: `type` the shape (BorderBoundary, StencilEllipse...), `generic` its GE.* kind, at [left, top, width, height]. */
const tm7Stencil = (type: string, guid: string, generic: string, name: string, [x, y, w, h]: readonly number[]) =>
  `<a:KeyValueOfguidanyType><a:Key>${guid}</a:Key><a:Value i:type="${type}"><GenericTypeId>${generic}</GenericTypeId><Guid>${guid}</Guid>`
  + `<Properties><a:anyType i:type="b:StringDisplayAttribute"><DisplayName>Name</DisplayName><Value>${name}</Value></a:anyType></Properties>`
  + `<Left>${x}</Left><Top>${y}</Top><Width>${w}</Width><Height>${h}</Height></a:Value></a:KeyValueOfguidanyType>`;

describe('importers: regressions found by the search', () => {
  it('kubernetes: a namespace Kubernetes refuses is an error at its value, not a boundary id the model refuses', () => {
    const manifest = (namespace: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: ${namespace}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: shop/api\n`;
    const k8s = reader('kubernetes');
    const out = k8s.read(manifest('"sho|p"'), 'fuzz.yaml');
    assert.deepEqual(out.diagnostics.map((d) => [d.severity, d.code, d.line, d.col, d.message]),
      [['error', 'invalid-value', 5, 14, 'namespace `sho|p` is not a name Kubernetes accepts']]);
    // kubectl reads an empty namespace as none stated: the default one (inside the cluster's boundary, session 22).
    assert.deepEqual(loads(k8s.read(manifest('""'), 'fuzz.yaml')).boundaries.map((b) => b.id), ['cluster', 'default']);
    assert.deepEqual(loads(k8s.read(manifest('shop'), 'fuzz.yaml')).boundaries.map((b) => b.id), ['cluster', 'shop']);
  });

  it('tm7: two boundary boxes drawn one on the other hold neither, rather than each other (a ring no model loads)', () => {
    const text = tm7(tm7Stencil('BorderBoundary', 'b1', 'GE.TB.B', 'Zone A', [0, 0, 100, 100]) + tm7Stencil('BorderBoundary', 'b2', 'GE.TB.B', 'Zone B', [0, 0, 100, 100])
      + tm7Stencil('BorderBoundary', 'b3', 'GE.TB.B', 'Zone C', [0, 0, 200, 200]) + tm7Stencil('StencilEllipse', 'p1', 'GE.P', 'Web', [10, 10, 20, 20]));
    const model = loads(reader('tm7').read(text, 'fuzz.tm7'));
    // Nested boxes still nest: each of the two in the larger box around them.
    assert.deepEqual(model.boundaries.map((b) => [b.id, b.parent ?? null]), [['zone-a', 'zone-c'], ['zone-b', 'zone-c'], ['zone-c', null]]);
  });

  it('compose and kubernetes: a replica count past the safe integers is an error, not a count the model refuses', () => {
    const compose = reader('compose').read('services:\n  api:\n    image: nginx\n    scale: 100000000000000000000\n', 'docker-compose.yml');
    assert.deepEqual(compose.diagnostics.map((d) => [d.code, d.line, d.col, d.message]),
      [['invalid-value', 4, 12, '`services.api.scale` should be a whole number up to 9007199254740991']]);
    const manifest = (replicas: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n        - name: api\n          image: shop/api\n`;
    const k8s = reader('kubernetes').read(manifest('100000000000000000000'), 'fuzz.yaml');
    assert.deepEqual(k8s.diagnostics.map((d) => [d.code, d.line, d.col, d.message]),
      [['invalid-value', 6, 13, '`spec.replicas` should be a whole number up to 9007199254740991']]);
    assert.equal(loads(reader('kubernetes').read(manifest('9007199254740991'), 'fuzz.yaml')).elements[0].replicas, Number.MAX_SAFE_INTEGER);
  });

  it('yaml readers: positions after a syntax error are counted from the text, not from the parser, which can miss a line break', () => {
    const text = 'p:\n ] c: 80\n   d: r\n';
    const lines = text.split('\n');
    const out = reader('compose').read(text, 'docker-compose.yml');
    assert.ok(out.diagnostics.length > 0);
    for (const d of out.diagnostics) assert.ok(d.line <= 3 && d.col <= lines[d.line - 1].length + 1, `${d.line}:${d.col} ${d.message}`);
    // yaml's follow-on complaints after the stray `]` (on line 3, where the parser's own count put them past the end of
    // line 2) are cut as a model's are (withoutFollowOns): the one left is at the bracket, said in plain words.
    assert.deepEqual(out.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), ['2:2 a `]` with no `[` before it to close']);
  });

  it('kubernetes: problems found while the draft is built (after the files are read) are reported, not lost', () => {
    const out = reader('kubernetes').read('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: many\n  template:\n    spec:\n'
      + '      containers:\n        - name: api\n          image: shop/api\n          ports: 80\n', 'fuzz.yaml');
    assert.deepEqual(out.diagnostics.map((d) => [d.severity, d.line, d.col, d.path]),
      [['error', 6, 13, 'spec.replicas'], ['error', 12, 18, 'spec.template.spec.containers[0].ports']]);
  });

  it('threat-composer: a number, schema or status that is an object or a word every object has is read as the file wrote it, never thrown on', () => {
    const tc = (fields: string) => `{"schema": 1, "threats": [{"id": "t", "threatAction": "x"${fields}}], "mitigations": [{"id": "m", "numericId": {"toString": 1}}],`
      + ' "mitigationLinks": [{"mitigationId": "m", "linkedId": "t"}]}';
    // String() of an object whose `toString` is no function throws: it was the error this file could not be imported for.
    const out = reader('threat-composer').read(tc(''), 'fuzz.tc.json');
    loads(out);
    assert.match(out.text!, /# mitigation m: no status\n/);
    const schema = reader('threat-composer').read('{"schema": {"toString": 1}, "threats": []}', 'fuzz.tc.json');
    assert.match(schema.text!, /\(AWS Threat Composer, schema \?\)/);
    // A status of `toString` is the file's word, not Object's function (whose source the comment used to show).
    assert.match(reader('threat-composer').read(tc(', "status": "toString"'), 'fuzz.tc.json').text!, /# Threat Composer: toString, priority none\n/);
  });

  it('drawio: a compressed page of an editable SVG that cannot be read is an error at the <svg> of the file, not at its <diagram> inside the content', () => {
    const svg = `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" content="&lt;mxfile&gt;&lt;diagram name=&quot;P&quot;&gt;not base64!&lt;/diagram&gt;&lt;/mxfile&gt;"/>\n`;
    assert.deepEqual(reader('drawio').read(svg, 'fuzz.drawio').diagnostics.map((d) => [d.code, d.line, d.col]), [['bad-compressed-page', 2, 1]]);
    const empty = `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" content="&lt;mxfile&gt;&lt;/mxfile&gt;"/>\n`;
    assert.deepEqual(reader('drawio').read(empty, 'fuzz.drawio').diagnostics.map((d) => [d.code, d.line, d.col]), [['no-pages', 2, 1]]);
  });
});
