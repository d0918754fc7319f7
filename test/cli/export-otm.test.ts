// `threatmap export MODEL -f otm` as a person runs it (from source, as cli.test.ts does): exit 0 with OTM
// JSON on standard output; the format and its JSON or YAML form picked from the output file's name; the
// triage file applied; `analyze --format otm` printing the same document.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { formatOfOutput, otmAsYaml } from '../../src/cli/export.js';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';


interface Otm {
  otmVersion: string;
  project: { id: string; name: string };
  trustZones: unknown[];
  components: Array<{ id: string; threats?: Array<{ threat: string; state: string }> }>;
  dataflows: unknown[];
  threats: Array<{ id: string; attributes: Record<string, string> }>;
}

describe('threatmap export -f otm', () => {
  it('exports examples/ecommerce.yaml as OTM JSON on standard output, exit 0', () => {
    const r = run('export', 'examples/ecommerce.yaml', '-f', 'otm');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Otm;
    assert.equal(doc.otmVersion, '0.2.0');
    assert.deepEqual(doc.project, { ...doc.project, id: 'ecommerce', name: 'Acme Shop' });
    // The example's 6 boundaries, 7 elements, 7 flows and 8 threats.
    assert.deepEqual([doc.trustZones.length, doc.components.length, doc.dataflows.length, doc.threats.length], [6, 7, 7, 9]);
    for (const t of doc.threats) assert.match(t.id, /^TM-[0-9a-f]{8}$/);
  });

  it('picks OTM from an output file ending in .otm.json and writes it atomically', () => {
    const dir = tempFolder('threatmap-otm-');
    const out = join(dir, 'shop.otm.json');
    const r = run('export', 'examples/ecommerce.yaml', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(out, 'utf8'), run('export', 'examples/ecommerce.yaml', '-f', 'otm').stdout);
    assert.deepEqual(readdirSync(dir), ['shop.otm.json']);
  });

  it('writes YAML for an output file ending in .yaml or .yml', () => {
    const dir = tempFolder('threatmap-otm-');
    const json = JSON.parse(run('export', 'examples/prelaunch.yaml', '-f', 'otm').stdout) as Otm;
    for (const [name, args] of [['model.otm.yaml', []], ['model.yml', ['-f', 'otm']]] as const) {
      const out = join(dir, name);
      const r = run('export', 'examples/prelaunch.yaml', ...args, '-o', out);
      assert.equal(r.code, 0, r.stderr);
      const text = readFileSync(out, 'utf8');
      assert.match(text, /^otmVersion: 0\.2\.0\n/, name);
      assert.deepEqual(parseYaml(text, { version: '1.1' }), json, name);
    }
  });

  it('names the output forms it knows', () => {
    assert.equal(formatOfOutput('a/b.otm'), 'otm');
    assert.equal(formatOfOutput('b.OTM.JSON'), 'otm');
    assert.equal(formatOfOutput('b.otm.yml'), 'otm');
    assert.equal(formatOfOutput('b.json'), 'json');
    assert.equal(formatOfOutput('b.sarif'), 'sarif');
    assert.equal(formatOfOutput('b.yaml'), undefined);
    assert.deepEqual(['x.otm.yaml', 'x.YML', 'x.otm.json', 'x.otm', undefined].map(otmAsYaml), [true, true, false, false, false]);
  });

  it('applies the triage file: an accepted threat is an accepted instance', () => {
    const dir = tempFolder('threatmap-otm-');
    const triage = join(dir, 'shop.triage.yaml');
    writeFileSync(triage, 'threatmap-triage: 1\nthreats:\n  "no-rate-limiting@api:/search": { status: accepted, reason: public catalogue, expires: 2999-01-01 }\n');
    const r = run('export', 'examples/ecommerce.yaml', '-f', 'otm', '--triage', triage);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Otm;
    const t = doc.threats.find((x) => x.attributes.key === 'no-rate-limiting@api:/search')!;
    assert.equal(t.attributes.status, 'accepted');
    const api = doc.components.find((c) => c.id === 'api')!;
    assert.equal(api.threats!.find((i) => i.threat === t.id)!.state, 'accepted');
    assert.ok(api.threats!.filter((i) => i.threat !== t.id).every((i) => i.state === 'exposed'));
  });

  it('analyze --format otm prints the same document; --min-risk keeps the higher threats', () => {
    const exported = run('export', 'examples/microservices.yaml', '-f', 'otm', '--quiet');
    const analyzed = run('analyze', 'examples/microservices.yaml', '--format', 'otm', '--quiet');
    assert.equal(analyzed.code, 0, analyzed.stderr);
    assert.equal(analyzed.stdout, exported.stdout);
    const high = JSON.parse(run('export', 'examples/microservices.yaml', '-f', 'otm', '--min-risk', 'high', '--quiet').stdout) as Otm;
    const all = JSON.parse(exported.stdout) as Otm;
    assert.ok(high.threats.length > 0 && high.threats.length < all.threats.length);
    assert.ok(high.threats.every((t) => ['High', 'Critical'].includes(t.attributes.risk)));
    assert.equal(high.components.length, all.components.length);
  });

  it('lists otm among the export formats; an unknown one is exit 2', () => {
    const help = run('export', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout.replace(/\s+/g, ' '), /choices: [^)]*"otm"/);
    const bad = run('export', 'examples/ecommerce.yaml', '-f', 'otmx');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /otm/);
  });
});
