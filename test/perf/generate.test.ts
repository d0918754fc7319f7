// The synthetic model generator behind `npm run bench` and `threatmap generate`: reproducible, valid, and
// realistic enough that the rules fire. No timings here: machines are noisy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { generateModel, generateModelText, modelToJson, modelToYaml, seededRandom } from '../../src/model/generate.js';
import { loadModel } from '../../src/model/load.js';
import { tempFolder } from '../temp.js';
import { CLI } from '../cli/bin.js';

const count = (o: unknown) => Object.keys((o ?? {}) as object).length;

describe('generateModel', () => {
  it('is deterministic: the same seed gives the same text, another seed another model', () => {
    for (const format of ['yaml', 'json'] as const) {
      const a = generateModelText({ elements: 300, seed: 7, format });
      assert.equal(generateModelText({ elements: 300, seed: 7, format }), a);
      assert.equal(generateModelText({ elements: 300, seed: '7', format }), a, 'numeric and string seeds agree');
      assert.notEqual(generateModelText({ elements: 300, seed: 8, format }), a);
    }
  });

  it('has a fixed random sequence on every platform', () => {
    const next = seededRandom(1);
    assert.deepEqual([next(), next(), next()].map((x) => Math.floor(x * 1e6)), (() => {
      const again = seededRandom('1');
      return [again(), again(), again()].map((x) => Math.floor(x * 1e6));
    })());
  });

  it('makes exactly the elements asked for, about 3 flows each and a boundary per 20', () => {
    for (const n of [1, 7, 20, 100, 1000, 5000]) {
      const raw = generateModel({ elements: n, seed: 3 }) as unknown as Record<string, unknown>;
      assert.equal(count(raw.elements), n, `${n} elements`);
      const flows = (raw.flows as unknown[]).length;
      if (n >= 100) {
        assert.ok(flows >= 2.8 * n && flows <= 3 * n, `${n}: ${flows} flows`);
        const boundaries = count(raw.boundaries);
        assert.ok(boundaries >= n / 25 && boundaries <= n / 15, `${n}: ${boundaries} boundaries`);
      }
    }
  });

  it('nests boundaries, declares endpoints and assets, and mixes kinds', () => {
    const raw = generateModel({ elements: 2000, seed: 1 }) as unknown as {
      boundaries: Record<string, { in?: string }>;
      elements: Record<string, { endpoints?: object; controls?: string[]; tech?: string; type?: string }>;
      assets: object;
    };
    const depth = (id: string | undefined): number => (id === undefined ? 0 : 1 + depth(raw.boundaries[id]?.in));
    assert.ok(Math.max(...Object.keys(raw.boundaries).map(depth)) >= 3, 'boundaries nest three deep');
    const elements = Object.values(raw.elements);
    assert.ok(elements.filter((e) => e.endpoints).length > 100);
    assert.ok(elements.filter((e) => e.controls?.length).length > 500);
    assert.ok(new Set(elements.map((e) => e.tech ?? e.type)).size > 30, 'a realistic mix of technologies');
    assert.ok(count(raw.assets) > 50);
  });

  it('writes YAML and JSON that read back as the same model', () => {
    const raw = generateModel({ elements: 500, seed: 11 });
    const fromYaml = loadModel(modelToYaml(raw), 'g.yaml');
    const fromJson = loadModel(modelToJson(raw), 'g.json');
    assert.deepEqual(fromYaml.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(fromJson.model?.elements.map((e) => e.id), fromYaml.model?.elements.map((e) => e.id));
    const flowFacts = (m: typeof fromYaml.model) => m?.flows.map(({ id, from, to, protocol, auth, data, controls }) => ({ id, from, to, protocol, auth, data, controls }));
    assert.deepEqual(flowFacts(fromJson.model), flowFacts(fromYaml.model));
    const threats = (m: typeof fromYaml.model) => analyze(m!).threats.map((t) => `${t.key} ${t.risk} ${t.title}`);
    assert.deepEqual(threats(fromJson.model), threats(fromYaml.model));
  });

  it('writes JSON flows in the explicit form, with `from` and `to` keys', () => {
    const json = JSON.parse(modelToJson(generateModel({ elements: 300, seed: 4 }))) as { flows: Array<Record<string, unknown>> };
    assert.ok(json.flows.length > 600);
    for (const flow of json.flows) assert.ok(typeof flow.from === 'string' && typeof flow.to === 'string', JSON.stringify(flow));
  });

  for (const [n, seed] of [[10, 1], [100, 1], [1000, 1], [1000, 2], [3000, 5]] as const) {
    it(`generates a model that loads with no errors (${n} elements, seed ${seed})`, () => {
      const loaded = loadModel(generateModelText({ elements: n, seed }), 'g.yaml');
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`), []);
      assert.ok(loaded.model);
    });
  }

  it('makes the rules fire, with some threats mitigated', () => {
    const loaded = loadModel(generateModelText({ elements: 600, seed: 2 }), 'g.yaml');
    const result = analyze(loaded.model!, { source: loaded.source });
    const rules = new Set(result.threats.map((t) => t.ruleId));
    assert.ok(rules.size >= 12, `only ${rules.size} rules fired: ${[...rules].join(', ')}`);
    assert.ok(result.coverage.some((row) => row.cells.some((c) => c.status === 'mitigated')));
    assert.ok(result.crossings.length > 100);
  });

  it('refuses sizes it cannot make', () => {
    assert.throws(() => generateModel({ elements: 0 }), RangeError);
    assert.throws(() => generateModel({ elements: 1e9 }), RangeError);
  });
});

describe('threatmap generate', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

  it('prints the same model as the library, in YAML or JSON, to stdout or a file', () => {
    const yaml = run('generate', '--elements', '60', '--seed', '9');
    assert.equal(yaml.status, 0, yaml.stderr);
    assert.equal(yaml.stdout, generateModelText({ elements: 60, seed: 9 }));
    const dir = tempFolder('threatmap-generate-');
    const file = join(dir, 'model.json');
    const json = run('generate', '-n', '60', '-s', '9', '-o', file);
    assert.equal(json.status, 0, json.stderr);
    assert.equal(readFileSync(file, 'utf8'), generateModelText({ elements: 60, seed: 9, format: 'json' }), '.json output means JSON');
  });

  it('refuses a bad size with exit code 2 and no stack trace', () => {
    const r = run('generate', '--elements', 'lots');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /whole number/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
