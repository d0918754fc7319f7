// `--set` and `--set-string` as Helm's strvals package reads them (src/import/helm/set-values.ts): the values
// each argument sets, typed as Helm types them, escapes, lists and indexes, null removal, the errors; then
// through renderHelmChart on the helm-app fixture, after the values files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { type HelmOptions, renderHelmChart, type RenderedManifest } from '../../src/import/helm.js';
import { applySetValues, parseSetValues, SetValuesError } from '../../src/import/helm/set-values.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { flowSet } from './draft-helpers.js';

/** Values as plain data, so that a whole result is one deepEqual: maps become objects, bigints stay bigints. */
function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

const set = (text: string) => plain(parseSetValues(text));
const setString = (text: string) => plain(parseSetValues(text, true));
const failure = (text: string): string => {
  try {
    parseSetValues(text);
  } catch (err) {
    assert.ok(err instanceof SetValuesError, String(err));
    return err.message;
  }
  assert.fail(`${text} parsed`);
};

describe('parseSetValues: names, nesting and several pairs', () => {
  it('name=value; a.b.c=value nests maps; pairs separated by commas; a later pair wins', () => {
    assert.deepEqual(set('name=web'), { name: 'web' });
    assert.deepEqual(set('a.b.c=value'), { a: { b: { c: 'value' } } });
    assert.deepEqual(set('a=1,b=2'), { a: 1n, b: 2n });
    assert.deepEqual(set('image.repository=nginx,image.tag=1.25'), { image: { repository: 'nginx', tag: '1.25' } });
    assert.deepEqual(set('a=1,a=2'), { a: 2n });
    assert.deepEqual(set('a=1,'), { a: 1n }, 'a trailing comma ends the list of pairs');
  });

  it('a value runs to the next comma: = . { and : in it are text', () => {
    assert.deepEqual(set('a=b=c'), { a: 'b=c' });
    assert.deepEqual(set('url=http://db.shop:5432/app?ssl=true'), { url: 'http://db.shop:5432/app?ssl=true' });
    assert.deepEqual(set('a=x{y}'), { a: 'x{y}' });
    assert.deepEqual(set('a= b '), { a: ' b ' }, 'spaces are kept');
  });
});

describe('parseSetValues: lists and indexes', () => {
  it('name={a,b,c} is a list, each item typed; {} is a list of one empty string, as in Helm', () => {
    assert.deepEqual(set('name={a,b,c}'), { name: ['a', 'b', 'c'] });
    assert.deepEqual(set('ports={80,443},tls={true,null,x}'), { ports: [80n, 443n], tls: [true, null, 'x'] });
    assert.deepEqual(set('a={}'), { a: [''] });
    assert.deepEqual(set('a={x}b=1'), { a: ['x'], b: 1n }, 'Helm reads on after the closing brace even without a comma');
  });

  it('servers[0].port=80 makes a list of maps; later pairs add to the same item', () => {
    assert.deepEqual(set('servers[0].port=80'), { servers: [{ port: 80n }] });
    assert.deepEqual(set('servers[0].port=80,servers[0].host=a,servers[1].port=81'), { servers: [{ port: 80n, host: 'a' }, { port: 81n }] });
    assert.deepEqual(set('servers[0].ports[1]=443'), { servers: [{ ports: [null, 443n] }] });
  });

  it('an index past the end pads the list with null; lists of lists', () => {
    assert.deepEqual(set('servers[2]=x'), { servers: [null, null, 'x'] });
    assert.deepEqual(set('a[0]=x,a[3]=y'), { a: ['x', null, null, 'y'] });
    assert.deepEqual(set('m[0][1]=x'), { m: [[null, 'x']] });
    assert.deepEqual(set('a[0]=x,a[0].b=y'), { a: [{ b: 'y' }] }, 'an item that is not a map becomes one, as in Helm');
  });
});

describe('parseSetValues: escapes', () => {
  it('\\, \\. \\= and \\\\ keep the character; a backslash before any other character is dropped', () => {
    assert.deepEqual(set('a=x\\,y,b=2'), { a: 'x,y', b: 2n });
    assert.deepEqual(set('a\\.b=1'), { 'a.b': 1n });
    assert.deepEqual(set('a\\=b=1'), { 'a=b': 1n });
    assert.deepEqual(set('path=C:\\\\temp'), { path: 'C:\\temp' });
    assert.deepEqual(set('a=\\x'), { a: 'x' });
    assert.deepEqual(set('a={x\\,y,z}'), { a: ['x,y', 'z'] });
    assert.deepEqual(set('a=b\\'), { a: 'b' }, 'a trailing backslash is dropped');
  });

  it('a dot in a key: nodeSelector.kubernetes\\.io/role (the shell took the quotes of "kubernetes\\.io/role" off)', () => {
    assert.deepEqual(set('nodeSelector.kubernetes\\.io/role=master'), { nodeSelector: { 'kubernetes.io/role': 'master' } });
    // Quotes that reach the parser are not special: they are part of the key, the backslash still escapes.
    assert.deepEqual(set('nodeSelector."kubernetes\\.io/role"=master'), { nodeSelector: { '"kubernetes.io/role"': 'master' } });
    assert.deepEqual(set('podAnnotations.prometheus\\.io/scrape=true'), { podAnnotations: { 'prometheus.io/scrape': true } });
  });
});

describe('parseSetValues: typing', () => {
  it('--set: true and false in any case are booleans; null is null; name= is the empty string', () => {
    assert.deepEqual(set('a=true,b=FALSE,c=True'), { a: true, b: false, c: true });
    assert.deepEqual(set('a=null,b=NULL'), { a: null, b: null });
    assert.deepEqual(set('a='), { a: '' });
    assert.deepEqual(set('a=,b=1'), { a: '', b: 1n });
  });

  it('--set: integers are int64 (bigint), not float64; other numbers stay text, as strvals leaves them', () => {
    assert.deepEqual(set('a=0,b=42,c=-5,d=+5,e=-05'), { a: 0n, b: 42n, c: -5n, d: 5n, e: -5n });
    assert.deepEqual(set('max=9223372036854775807,min=-9223372036854775808'), { max: 9223372036854775807n, min: -9223372036854775808n });
    assert.deepEqual(set('over=9223372036854775808'), { over: '9223372036854775808' }, 'past int64: text');
    assert.deepEqual(set('a=007,b=1.5,c=1e3,d=0x10,e=1_000'), { a: '007', b: '1.5', c: '1e3', d: '0x10', e: '1_000' });
    assert.equal(typeof parseSetValues('n=1').get('n'), 'bigint');
  });

  it('--set-string: every value, in lists too, is its text: "true", "1", "null"', () => {
    assert.deepEqual(setString('a=true,b=1,c=null,d=,e={1,x,false}'), { a: 'true', b: '1', c: 'null', d: '', e: ['1', 'x', 'false'] });
    assert.deepEqual(setString('servers[1].port=80'), { servers: [null, { port: '80' }] });
  });
});

describe('parseSetValues: what is not --set syntax', () => {
  it('each malformed argument is an error saying what was found and what was expected', () => {
    const cases: Array<[string, string]> = [
      ['a.b', 'a.b has no value; expected a.b=VALUE'],
      ['a', 'a has no value; expected a=VALUE'],
      ['a,b=1', 'a has no value before ","; expected a=VALUE'],
      ['=1', 'a key is empty before "="; expected NAME=VALUE (a dot in a name is written \\.)'],
      ['.a=1', 'a key is empty before "."; expected NAME=VALUE (a dot in a name is written \\.)'],
      ['a..b=1', 'a key after a. is empty before "."; expected NAME=VALUE (a dot in a name is written \\.)'],
      ['a.', 'a key after a. is empty; expected NAME=VALUE (a dot in a name is written \\.)'],
      ['a=1,,b=2', 'a key is empty before ","; expected NAME=VALUE (a dot in a name is written \\.)'],
      ['a[x]=1', 'a[x]: the index is not a whole number; expected a[0], a[1]...'],
      ['a[]=1', 'a[]: the index is not a whole number; expected a[0], a[1]...'],
      ['a[-1]=1', 'a[-1]: a negative index is not allowed'],
      ['a[65537]=1', 'a[65537]: the index is larger than 65536, the most Helm allows'],
      ['a[0', 'a[0 has no closing "]"; expected a[INDEX]'],
      ['a[0]', 'a[0] has no value; expected a[0]=VALUE'],
      ['a[0]x=1', 'unexpected "x" after a[0]; expected a[0]=VALUE, a[0].NAME=VALUE or a[0][INDEX]=VALUE'],
      ['list={a,b', 'the list {a,b has no closing "}"; expected {A,B,...}'],
      ['list={', 'the list { has no closing "}"; expected {A,B,...}'],
      ['a=1,a.b=2', 'cannot set keys under a: it is already the number 1, not a map'],
      ['a=x,a[0]=1', 'cannot set a[0]: a is already the string "x", not a list'],
      ['a[0]=1,a[0][0]=2', 'cannot set a[0][0]: a[0] is already the number 1, not a list'],
      [`${'k.'.repeat(31)}k=1`, `${'k.'.repeat(30)}k: keys and indexes nest more than 30 deep`],
    ];
    for (const [text, message] of cases) assert.equal(failure(text), message, text);
  });

  it('30 levels of keys and index 65536 are allowed, as in Helm', () => {
    assert.equal(parseSetValues(`${'k.'.repeat(30)}k=1`).size, 1);
    assert.equal((parseSetValues('a[65536]=1').get('a') as unknown[]).length, 65537);
  });
});

describe('applySetValues: over the values files and the --set before it', () => {
  const over = (values: Map<string, unknown>, ...texts: string[]) => plain(texts.reduce((v, t) => applySetValues(v, t), values));

  it('maps it names are added to, lists it indexes are changed in place; the values given are not changed', () => {
    const values = new Map<string, unknown>([
      ['image', new Map([['repository', 'nginx'], ['tag', '1.25']])],
      ['servers', [new Map<string, unknown>([['port', 1], ['host', 'a']]), new Map([['port', 2]])]],
    ]);
    assert.deepEqual(over(values, 'image.tag=1.26,servers[0].port=80'), {
      image: { repository: 'nginx', tag: '1.26' },
      servers: [{ port: 80n, host: 'a' }, { port: 2 }],
    });
    assert.deepEqual(plain(values), { image: { repository: 'nginx', tag: '1.25' }, servers: [{ port: 1, host: 'a' }, { port: 2 }] });
  });

  it('a later --set wins; a list value replaces a list; null is kept, for the merge with values.yaml to delete', () => {
    assert.deepEqual(over(new Map([['a', 1]]), 'a=2', 'a=3'), { a: 3n });
    assert.deepEqual(over(new Map([['l', ['x', 'y', 'z']]]), 'l={q}'), { l: ['q'] });
    assert.deepEqual(over(new Map([['resources', new Map([['cpu', 1]])]]), 'resources=null'), { resources: null });
  });

  it('a key that holds a string or null in the values cannot take keys or indexes, as Helm refuses them', () => {
    assert.throws(() => applySetValues(new Map([['image', 'nginx']]), 'image.tag=1'), { message: 'cannot set keys under image: it is already the string "nginx", not a map' });
    assert.throws(() => applySetValues(new Map([['resources', null]]), 'resources.cpu=1'), { message: 'cannot set keys under resources: it is already null, not a map' });
    assert.throws(() => applySetValues(new Map([['hosts', new Map()]]), 'hosts[0]=a'), { message: 'cannot set hosts[0]: hosts is already a map, not a list' });
  });
});

describe('renderHelmChart with --set and --set-string', () => {
  const ROOT = 'test/fixtures/discover/helm-app';
  const walk = (dir: string): string[] => readdirSync(dir).sort().flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  const FILES = walk(ROOT).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));
  const render = (options: HelmOptions) => renderHelmChart({ dir: 'chart', files: FILES }, options);
  const text = (manifests: RenderedManifest[], file: string): string => {
    const m = manifests.find((x) => x.file === `chart/templates/${file}`);
    assert.ok(m, `no ${file} in ${manifests.map((x) => x.file).join(', ')}`);
    return m.text;
  };
  const clients = (options: HelmOptions) => {
    const r = render(options);
    assert.deepEqual(r.diagnostics, []);
    return flowSet(discoverKubernetesFiles(r.manifests.map((m) => ({ file: m.file, text: m.text }))).draft).filter((f) => f.startsWith('clients ->'));
  };

  it('service.type=LoadBalancer renders a LoadBalancer Service, which makes the app public', () => {
    assert.match(text(render({ set: ['service.type=LoadBalancer'] }).manifests, 'service.yaml'), /^ {2}type: LoadBalancer\n/m);
    assert.deepEqual(clients({}), []);
    assert.deepEqual(clients({ set: ['service.type=LoadBalancer'] }), ['clients -> app']);
  });

  it('postgresql.enabled=false drops the subchart and the app\'s DATABASE_URL, and says so', () => {
    const r = render({ set: ['postgresql.enabled=false'] });
    assert.ok(r.manifests.every((m) => !m.file.includes('charts/postgresql')), r.manifests.map((m) => m.file).join(', '));
    assert.doesNotMatch(text(r.manifests, 'deployment.yaml'), /DATABASE_URL/);
    assert.deepEqual(r.notes, ['subchart postgresql is switched off by postgresql.enabled and is not rendered']);
  });

  it('--set applies after the values files and in order; every --set-string after every --set, as Helm applies them', () => {
    const valuesFile = { valuesTexts: [{ file: 'public.yaml', text: 'service:\n  type: NodePort\nreplicaCount: 2\n' }] };
    assert.deepEqual(clients(valuesFile), ['clients -> app']);
    assert.deepEqual(clients({ ...valuesFile, set: ['service.type=ClusterIP'] }), []);
    assert.deepEqual(clients({ ...valuesFile, set: ['service.type=ClusterIP', 'service.type=NodePort'] }), ['clients -> app']);
    assert.match(text(render({ ...valuesFile, set: ['replicaCount=3'] }).manifests, 'deployment.yaml'), /^ {2}replicas: 3\n/m);
    assert.match(text(render({ setString: ['replicaCount=5'], set: ['replicaCount=3'] }).manifests, 'deployment.yaml'), /^ {2}replicas: 5\n/m);
  });

  it('an integer from --set is an int64 and prints whole; the same number from a values file is a float64 (1e+06)', () => {
    assert.match(text(render({ set: ['replicaCount=1000000'] }).manifests, 'deployment.yaml'), /^ {2}replicas: 1000000\n/m);
    assert.match(text(render({ valuesTexts: [{ file: 'v.yaml', text: 'replicaCount: 1000000\n' }] }).manifests, 'deployment.yaml'), /^ {2}replicas: 1e\+06\n/m);
  });

  it('--set types false, --set-string keeps "false": toYaml quotes the string; an escaped dot stays in the annotation key', () => {
    assert.match(text(render({ set: ['podAnnotations.sidecar\\.istio\\.io/inject=false'] }).manifests, 'deployment.yaml'), /^ {8}sidecar\.istio\.io\/inject: false\n/m);
    assert.match(text(render({ setString: ['podAnnotations.sidecar\\.istio\\.io/inject=false'] }).manifests, 'deployment.yaml'), /^ {8}sidecar\.istio\.io\/inject: "false"\n/m);
  });

  it('name=null removes the key values.yaml gives (resources: {} renders as null); name= sets the empty string', () => {
    assert.match(text(render({}).manifests, 'deployment.yaml'), /resources:\n {12}\{\}\n/);
    assert.match(text(render({ set: ['resources=null'] }).manifests, 'deployment.yaml'), /resources:\n {12}null\n/);
    assert.match(text(render({ set: ['image.repository='] }).manifests, 'deployment.yaml'), /image: ":1\.16\.0"\n/);
  });

  it('a --set that cannot apply over a values file is an error naming it, and nothing is rendered', () => {
    const r = render({ valuesTexts: [{ file: 'v.yaml', text: 'image: nginx\n' }], set: ['image.tag=1.26'] });
    assert.deepEqual(r.manifests, []);
    assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.file, d.message]), [
      ['error', 'helm-set', '--set', '--set "image.tag=1.26": cannot set keys under image: it is already the string "nginx", not a map'],
    ]);
  });
});
