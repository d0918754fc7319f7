// Properties of the whole rule library over random small models (fuzz-models.ts), so that what the review
// rounds found by hand stays found: the analysis never throws and is deterministic, every finding's words read
// as English with no template holes, and one problem is reported once (the hand-offs between rules hold).
// Seeded: a failure names its seed, and `fuzzModelText(seed)` gives the model back.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult, Threat } from '../../src/analysis/types.js';
import { hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Endpoint, Model } from '../../src/model/types.js';
import { isGroupName, isPluralName } from '../../src/analysis/rules/grammar.js';
import { fuzzModelText } from './fuzz-models.js';
import { disagreements, threatTexts } from './harness.js';

/**
 * Enough models to reach every rule and most hand-offs in about three seconds on two cores (each model is
 * loaded and analysed twice); `FUZZ_SEEDS=20000 npx tsx --test test/rules/fuzz.test.ts` searches further.
 */
const SEEDS = Number(process.env.FUZZ_SEEDS) || 500;

interface Analysed {
  seed: number;
  model: Model;
  result: AnalysisResult;
}

const file = (seed: number) => `fuzz-${seed}.yaml`;

/** The model of a text, or undefined when it has load errors (the generator may draw an invalid one now and then). */
function load(text: string, seed: number) {
  const loaded = loadModel(text, file(seed));
  return loaded.model === undefined || hasErrors(loaded.diagnostics) ? undefined : { ...loaded, model: loaded.model };
}

// --- Text lint ----------------------------------------------------------------------------------------------

/** Words that follow "1 " only in the singular. */
const PLURALS = ['flows', 'connections', 'components', 'services', 'calls', 'endpoints', 'assets', 'people', 'callers'];

/** Template slips, each a pattern no finding's text may match. */
const SLIPS: readonly (readonly [string, RegExp])[] = [
  ['undefined', /\bundefined\b/],
  ['NaN', /\bNaN\b/],
  ['[object Object]', /\[object Object\]/],
  // `null` in backticks is the value itself (CORS's `null` origin).
  ['null', /(?<!`)\bnull\b(?!`)/],
  ['two spaces', / {2}/],
  // " ." only before a space or the end: ".env" or "./x" after a space is a name, not a stray full stop.
  ['space before punctuation', / ,| \.(?=\s|$)/],
  // The article "a" (not the end of a path or name) before a vowel sound; "a one-..." and "a once-..." are right.
  ['"a" before a vowel', /(?<![\w/.:{}-])[Aa] (?!one\b|once\b)[aeioAEIO]/],
  ['"1" with a plural', new RegExp(`(?<![\\w.])1 (?:${PLURALS.join('|')})\\b`)],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Runs of names separated by ", ": the model's names (some have spaces) or any word without one (ids, keys).
 * The names go first, longest first, so that "Card data, Card data" is read as two names, not as "data, Card".
 */
function listPattern(names: readonly string[] = []): RegExp {
  // Whole names only: "a1" is no name at the start of "a10".
  const name = `(?<![\\w-])(?:${[...[...names].sort((a, b) => b.length - a.length).map(escape), '[\\w./{}-]+'].join('|')})(?![\\w-])`;
  return new RegExp(`${name}(?:, ${name})+`, 'g');
}

/** The names a model's findings may list: its elements', assets' and boundaries', and its endpoint keys. */
const namesOf = (model: Model) => [
  ...model.elements.flatMap((e) => [e.name, ...e.endpoints.map((ep) => ep.key)]),
  ...model.assets.map((a) => a.name),
  ...model.boundaries.map((b) => b.name),
];

/** What is wrong with one text of a finding, if anything. */
function lint(text: string, lists = listPattern()): string[] {
  if (text.trim() === '') return ['empty'];
  const problems = SLIPS.filter(([, re]) => re.test(text)).map(([name]) => name);
  for (const run of text.match(lists) ?? []) {
    const names = run.split(', ');
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) problems.push(`${twice} listed twice`);
  }
  return problems;
}

/** Every text a finding shows, by field. */
function textsOf(t: Threat): [string, string][] {
  return [
    ['title', t.title],
    ['description', t.description],
    ['likelihood.reason', t.likelihood.reason],
    ['impact.reason', t.impact.reason],
    ['mitigation', t.mitigation],
    ...t.evidence.map((e, i): [string, string] => [`evidence[${i}]`, e.fact]),
  ];
}

// --- One problem, one finding ---------------------------------------------------------------------------------

/** Whether two findings of a pair of rules report the same problem (the first is the pair's first rule's). */
type Clash = (a: Threat, b: Threat, model: Model) => boolean;

const sameSubject: Clash = (a, b) => a.component === b.component && a.endpoint === b.endpoint;
const sameComponent: Clash = (a, b) => a.component === b.component;
const sharedFlow: Clash = (a, b) => a.flows.some((f) => b.flows.includes(f));

const endpointById = (model: Model, id: string | undefined): Endpoint | undefined =>
  id === undefined ? undefined : model.elements.flatMap((e) => e.endpoints).find((ep) => ep.id === id);

/** The asset names of the model that a text names (as whole words). */
const assetsNamed = (model: Model, text: string) =>
  model.assets.filter((a) => new RegExp(`(^|[^\\w-])${escape(a.name)}($|[^\\w-])`).test(text)).map((a) => a.id);

/**
 * A partner's call (on any of the first finding's flows) that lands on the webhook the second reports: it names
 * the webhook, or names no endpoint and the webhook admits its source. The webhook rules own such a call.
 */
const landsOnWebhook: Clash = (partner, webhook, model) => {
  const ep = endpointById(model, webhook.endpoint);
  if (ep === undefined) return false;
  return partner.flows.some((id) => {
    const f = model.flows.find((x) => x.id === id);
    return f !== undefined && f.to === ep.element &&
      (f.endpoint === ep.id || (f.endpoint === undefined && (ep.callers === undefined || ep.callers.includes(f.from))));
  });
};

/**
 * The pairs of rules that hand one problem to each other, and what "the same problem" is for each, as the
 * rules' code decides it (where a pair may rightly meet on one subject for different causes, the clash
 * compares those causes instead).
 */
const HAND_OFFS: readonly { rules: readonly [string, string]; clash: Clash }[] = [
  // The cloud finding sits on the element and names its fetch endpoints without metadata-protection; SSRF
  // reports only a fetch endpoint that declares it (the metadata service is then out of reach there).
  {
    rules: ['cloud-metadata-exposure', 'server-side-request-forgery'],
    clash: (cloud, ssrf, model) =>
      cloud.component === ssrf.component && endpointById(model, ssrf.endpoint)?.controls.includes('metadata-protection') !== true,
  },
  { rules: ['exposed-debug-endpoint', 'unauthenticated-sensitive-endpoint'], clash: sameSubject },
  { rules: ['exposed-debug-endpoint', 'excessive-data-exposure'], clash: sameSubject },
  // Both on the service, with the flows in question: the service that authenticates nobody is one finding.
  { rules: ['missing-authentication', 'unauthenticated-partner-call'], clash: sameSubject },
  { rules: ['missing-authentication', 'unauthenticated-device'], clash: sameSubject },
  // The partner rules sit on the target element, the webhook rule on its endpoint: compared by the calls.
  { rules: ['unauthenticated-partner-call', 'unsigned-webhook'], clash: landsOnWebhook },
  { rules: ['unsigned-partner-requests', 'unsigned-webhook'], clash: landsOnWebhook },
  // An agent's tools bounded on their own flow (human-approval) are still a standing role or account on the
  // agent: both rules may sit on it, never on one flow.
  { rules: ['excessive-cloud-permissions', 'llm-excessive-agency'], clash: sharedFlow },
  { rules: ['over-privileged-store-access', 'llm-excessive-agency'], clash: sharedFlow },
  { rules: ['over-privileged-store-access', 'pipeline-over-privileged'], clash: sameSubject },
  // Restricted data a public endpoint serves anonymously is unauthenticated-sensitive-endpoint's when it is of
  // high confidentiality; restricted data of lower confidentiality stays excessive-data-exposure's, on the same
  // endpoint: they must not name the same asset.
  {
    rules: ['excessive-data-exposure', 'unauthenticated-sensitive-endpoint'],
    clash: (a, b, model) => sameSubject(a, b, model) && assetsNamed(model, a.title).some((id) => assetsNamed(model, b.title).includes(id)),
  },
  { rules: ['cross-site-scripting', 'llm-insecure-output'], clash: sameSubject },
  { rules: ['credential-stuffing', 'no-rate-limiting'], clash: sameSubject },
  // Model rules on the target of the shared login: people's flows are one's, services' the other's.
  { rules: ['shared-account', 'shared-credentials'], clash: sharedFlow },
  // The panel finding is the element's, the interface finding an endpoint's: never on an admin panel's.
  { rules: ['exposed-admin-panel', 'exposed-admin-interface'], clash: sameComponent },
  // Calls into an untrusted zone are no-timeouts-external's, the others no-circuit-breaker's (grouped by zone).
  { rules: ['no-timeouts-external', 'no-circuit-breaker'], clash: sharedFlow },
];

// --- The properties -------------------------------------------------------------------------------------------

describe(`fuzz: ${SEEDS} random small models`, () => {
  const analysed: Analysed[] = [];
  const unloadable: number[] = [];
  const crashes: string[] = [];
  const unstable: number[] = [];

  before(() => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const text = fuzzModelText(seed);
      if (fuzzModelText(seed) !== text) unstable.push(seed);
      const first = load(text, seed);
      if (first === undefined) {
        unloadable.push(seed);
        continue;
      }
      try {
        const result = analyze(first.model, { source: first.source, diagnostics: first.diagnostics });
        // A second load and analysis of the same text, from scratch.
        const second = load(text, seed)!;
        const again = analyze(second.model, { source: second.source, diagnostics: second.diagnostics });
        if (JSON.stringify(again) !== JSON.stringify(result)) unstable.push(seed);
        analysed.push({ seed, model: first.model, result });
      } catch (error) {
        crashes.push(`seed ${seed}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  });

  it('lints slips and not correct English', () => {
    const slips = [
      '', ' ', 'a admin endpoint', 'A export', 'calls a Orion', '1 flows carry', 'from 1 callers', 'p0, p1, p0 call it', 'api, api',
      'undefined -> api', 'NaN requests', 'holds [object Object]', 'returns null', 'two  spaces', 'api , db', 'on api .',
    ];
    for (const text of slips) assert.notDeepEqual(lint(text), [], JSON.stringify(text));
    assert.deepEqual(lint('reads Card data, Card data', listPattern(['Card data'])), ['Card data listed twice']);
    assert.deepEqual(lint('calls a1, a10', listPattern(['a1', 'a10'])), []);
    const fine = [
      'an admin endpoint', 'a upload', 'a one-time token', 'never `null`', 'reads ./config and .env', '1 flow', 'a1, a10',
      'GET /a, GET /b', 'a1 flows', 'Card data, Orders returned', 'uses auth none.',
    ];
    for (const text of fine) assert.deepEqual(lint(text), [], JSON.stringify(text));
  });

  it('loads at least 90% of the models', () => {
    assert.ok(unloadable.length <= SEEDS * 0.1, `${unloadable.length} of ${SEEDS} models do not load (seeds ${unloadable.join(', ')})`);
  });

  it('analyses every model without throwing', () => {
    assert.deepEqual(crashes, []);
  });

  it('makes the same model and the same analysis from the same seed', () => {
    assert.deepEqual(unstable, []);
  });

  it('words every finding without template slips', () => {
    const violations: string[] = [];
    for (const { seed, model, result } of analysed) {
      const lists = listPattern(namesOf(model));
      for (const t of result.threats) {
        for (const [field, text] of textsOf(t)) {
          for (const problem of lint(text, lists)) violations.push(`seed ${seed} ${t.ruleId} ${field} (${problem}): ${text}`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it('makes verbs agree with names of groups and of data in the plural', () => {
    const violations: string[] = [];
    for (const { seed, model, result } of analysed) {
      const plural = [...model.elements.filter((e) => isGroupName(e.name)), ...model.assets.filter((a) => isPluralName(a.name))].map((x) => x.name);
      if (plural.length === 0) continue;
      for (const t of result.threats) for (const problem of disagreements(threatTexts(t), plural)) violations.push(`seed ${seed} ${t.ruleId}: ${problem}`);
    }
    assert.deepEqual(violations, []);
  });

  it('reaches every rule of the hand-offs (else the property below holds for want of findings)', () => {
    const fired = new Set(analysed.flatMap(({ result }) => result.threats.map((t) => t.ruleId)));
    assert.deepEqual([...new Set(HAND_OFFS.flatMap(({ rules }) => rules))].filter((id) => !fired.has(id)), []);
  });

  it('reports one problem once: the rules that hand a case to each other never both report it', () => {
    const violations: string[] = [];
    for (const { seed, model, result } of analysed) {
      const byRule = new Map<string, Threat[]>();
      for (const t of result.threats) byRule.set(t.ruleId, [...(byRule.get(t.ruleId) ?? []), t]);
      for (const { rules: [first, second], clash } of HAND_OFFS) {
        for (const a of byRule.get(first) ?? []) {
          for (const b of byRule.get(second) ?? []) {
            if (clash(a, b, model)) violations.push(`seed ${seed}: ${first} "${a.title}" and ${second} "${b.title}" (${a.component}${b.endpoint ? `, ${b.endpoint}` : ''})`);
          }
        }
      }
    }
    assert.deepEqual(violations, []);
  });
});
