// What the user saw: a backup agent that reads the database and writes the backup vault (the job the
// store-to-store warning asks for) was warned "process `agent` sends data but receives none".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalize } from '../../src/model/normalize.js';
import { parseModelText } from '../../src/model/parse.js';
import { sanityWarnings } from '../../src/model/sanity.js';
import type { Model } from '../../src/model/types.js';
import { validateModel } from '../../src/model/validate.js';

function model(elements: readonly string[], flows: readonly string[]): Model {
  const text = ['threatmap: 1', 'system: { name: jobs }', 'elements:', ...elements.map((e) => `  ${e}`), 'flows:', ...flows.map((f) => `  - ${f}`)].join('\n');
  const parsed = parseModelText(text, 'model.yaml');
  const validated = validateModel(parsed.raw, parsed.source);
  assert.ok(validated.model, JSON.stringify(validated.diagnostics));
  return normalize(validated.model, parsed.source, 'model.yaml');
}

const unfed = (m: Model): string[] => sanityWarnings(m).filter((w) => w.code === 'process-without-inputs').map((w) => w.message);

describe('process-without-inputs: a job moving data between stores', () => {
  it('a backup agent that connects to the database the API writes and to the vault is fed', () => {
    const m = model(
      ['user: { type: user }', 'api: { type: api }', 'agent: { type: worker }', 'db: { tech: oracle }', 'vault: { type: backups }'],
      ['user -> api: https', 'api -> db: sql+tls', 'agent -> db: { protocol: sql+tls, auth: password }', 'agent -> vault: tls'],
    );
    assert.deepEqual(unfed(m), []);
  });

  it('a job that connects to two stores nobody else writes reads nothing: still warned', () => {
    const m = model(['importer: { type: worker }', 'db: { tech: postgres }', 'vault: { type: backups }'], ['importer -> db: sql+tls', 'importer -> vault: tls']);
    assert.deepEqual(unfed(m), ['process `importer` sends data but receives none']);
  });
});
