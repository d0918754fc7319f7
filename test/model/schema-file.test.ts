import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SCHEMA_FILE, schemaText } from '../../scripts/emit-schema.js';

describe('schema/threatmap.schema.json', () => {
  it('is the committed output of `npm run schema`', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaText(), 'run `npm run schema` and commit the result');
  });

  it('is stable and ends with a newline', () => {
    const text = schemaText();
    assert.equal(text, schemaText());
    assert.ok(text.endsWith('}\n'));
    const schema = JSON.parse(text) as { $schema: string; properties: Record<string, unknown>; required: string[] };
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual([...schema.required].sort(), ['elements', 'system', 'threatmap']);
    assert.ok('flows' in schema.properties);
  });
});
