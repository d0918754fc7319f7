// The function table Helm gives a chart: Sprig (minus env/expandenv, as Helm removes them) plus Helm's own
// include, tpl, required, fail, toYaml, fromYaml, toJson, fromJson and lookup. Random values are fixed
// placeholders, reported through the hooks so the caller can say that they are not real. Functions that
// need keys or the network (genCA, genSelfSignedCert, derivePassword, getHostByName...) are known to the
// parser, as in Helm, but fail when called: only a template that runs one is reported, naming it; one that
// holds the call in a branch it does not take (or a partial that defines it) renders as Helm renders it.
import { FuncError, type GoFunction } from '../gotemplate/index.js';
import { semverCompare } from './semver.js';
import { DATA_FUNCTIONS } from './sprig-data.js';
import { fn, STRING_FUNCTIONS } from './sprig-strings.js';
import { readJson, readYaml, toJson, toYaml } from './yaml.js';

export interface HelmFunctionHooks {
  /** A function whose real output is random or from a cluster was called; the render uses a stand-in. */
  standIn(name: string): void;
}

const fromYaml = (text: string): Map<string, unknown> => {
  const r = readYaml(text);
  if ('problem' in r) return new Map([['Error', `error converting YAML to JSON: yaml: line ${r.problem.line}: ${r.problem.message}`]]);
  return r.value instanceof Map ? (r.value as Map<string, unknown>) : new Map([['Error', 'error unmarshaling JSON: cannot unmarshal into a map']]);
};

const fromYamlArray = (text: string): unknown[] => {
  const r = readYaml(text);
  if ('problem' in r) return [`error converting YAML to JSON: yaml: line ${r.problem.line}: ${r.problem.message}`];
  return Array.isArray(r.value) ? r.value : ['error unmarshaling JSON: cannot unmarshal into a list'];
};

const fromJson = (text: string): Map<string, unknown> => {
  const r = readJson(text);
  if ('problem' in r) return new Map([['Error', r.problem]]);
  return r.value instanceof Map ? (r.value as Map<string, unknown>) : new Map([['Error', 'json: cannot unmarshal into a map']]);
};

const fromJsonArray = (text: string): unknown[] => {
  const r = readJson(text);
  if ('problem' in r) return [r.problem];
  return Array.isArray(r.value) ? r.value : ['json: cannot unmarshal into a list'];
};

const mustJson = (v: unknown, indent = ''): string => {
  const text = toJson(v, indent);
  if (text === undefined) throw new FuncError('json: unsupported value');
  return text;
};

/** Sprig and Helm functions that make keys, certificates or hashes at random, or ask the network. */
const UNSUPPORTED: Record<string, string> = {
  genCA: 'makes a certificate authority', genCAWithKey: 'makes a certificate authority',
  genSelfSignedCert: 'makes a certificate', genSelfSignedCertWithKey: 'makes a certificate',
  genSignedCert: 'makes a certificate', genSignedCertWithKey: 'makes a certificate', buildCustomCert: 'reads a certificate',
  genPrivateKey: 'makes a private key', derivePassword: 'derives a password', encryptAES: 'encrypts', decryptAES: 'decrypts',
  htpasswd: 'hashes a password', bcrypt: 'hashes a password', randBytes: 'makes random bytes', getHostByName: 'asks DNS',
};

const unsupported = (name: string, what: string): [string, GoFunction] =>
  [name, fn([], () => {
    throw new FuncError(`${name} ${what}: not supported when rendering without Helm`);
  }, 'any')];

function helmFunctions(hooks: HelmFunctionHooks): Array<[string, GoFunction]> {
  const standIn = (name: string, value: (args: any[]) => unknown, params: GoFunction['params']): [string, GoFunction] =>
    [name, fn(params, (args) => {
      hooks.standIn(name);
      return value(args);
    })];
  const count = (n: bigint) => {
    if (n < 0n || n > 100_000n) throw new FuncError(`stops: ${n} random characters`);
    return Number(n);
  };
  return [
    ['include', { params: ['string', 'any'], call: ([name, data], ctx) => ctx.include(name as string, data) }],
    ['tpl', { params: ['string', 'any'], call: ([text, data], ctx) => ctx.tpl(text as string, data) }],
    ['required', fn(['string', 'any'], ([warn, v]) => {
      if (v === null || v === '') throw new FuncError(warn);
      return v;
    })],
    ['fail', fn(['string'], ([msg]) => {
      throw new FuncError(msg);
    })],
    ['semverCompare', fn(['string', 'string'], ([c, v]) => {
      const result = semverCompare(c, v);
      if (typeof result === 'string') throw new FuncError(result);
      return result;
    })],
    ['toYaml', fn(['any'], ([v]) => toYaml(v))],
    ['mustToYaml', fn(['any'], ([v]) => toYaml(v))],
    ['toYamlPretty', fn(['any'], ([v]) => toYaml(v))],
    ['fromYaml', fn(['string'], ([s]) => fromYaml(s))],
    ['fromYamlArray', fn(['string'], ([s]) => fromYamlArray(s))],
    ['toJson', fn(['any'], ([v]) => toJson(v) ?? '')],
    ['mustToJson', fn(['any'], ([v]) => mustJson(v))],
    ['toRawJson', fn(['any'], ([v]) => toJson(v) ?? '')],
    ['mustToRawJson', fn(['any'], ([v]) => mustJson(v))],
    ['toPrettyJson', fn(['any'], ([v]) => toJson(v, '  ') ?? '')],
    ['mustToPrettyJson', fn(['any'], ([v]) => mustJson(v, '  '))],
    ['fromJson', fn(['string'], ([s]) => fromJson(s))],
    ['mustFromJson', fn(['string'], ([s]) => {
      const r = readJson(s);
      if ('problem' in r) throw new FuncError(r.problem);
      return r.value;
    })],
    ['fromJsonArray', fn(['string'], ([s]) => fromJsonArray(s))],
    standIn('lookup', () => new Map(), ['string', 'string', 'string', 'string']),
    standIn('randAlphaNum', ([n]) => 'x'.repeat(count(n)), ['int']),
    standIn('randAlpha', ([n]) => 'x'.repeat(count(n)), ['int']),
    standIn('randAscii', ([n]) => 'x'.repeat(count(n)), ['int']),
    standIn('randNumeric', ([n]) => '0'.repeat(count(n)), ['int']),
    standIn('randInt', ([min]) => min, ['int', 'int']),
    standIn('uuidv4', () => '00000000-0000-4000-8000-000000000000', []),
    standIn('shuffle', ([s]) => s, ['string']),
    ...Object.entries(UNSUPPORTED).map(([name, what]) => unsupported(name, what)),
  ];
}

/** Every function a chart may call, for a TemplateSet. */
export function createHelmFunctions(hooks: HelmFunctionHooks): Map<string, GoFunction> {
  return new Map<string, GoFunction>([...STRING_FUNCTIONS, ...DATA_FUNCTIONS, ...helmFunctions(hooks)]);
}
