// A written threat's `stride` takes the categories as people write them ("Tampering", "Information
// Disclosure", "DoS"), each read as its letter; the schema, the quick check, strideLetter and the JSON
// Schema editors use all accept the same names, and a wrong one is still an error at its position.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STRIDE_NAMES_WRITTEN, strideLetter } from '../../src/model/catalog.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { compileCheck } from '../../src/model/schema-check.js';
import { modelJsonSchema, strideSchema } from '../../src/model/schema.js';

const model = (stride: string) => `threatmap: 1
system: { name: S }
elements:
  api: { type: api }
threats:
  t: { title: Orders are edited, stride: ${JSON.stringify(stride)}, on: api }
`;

const ACCEPTED: Array<[string, string]> = [
  ['T', 'T'], ['t', 'T'], ['tampering', 'T'], ['Tampering', 'T'], ['TAMPERING', 'T'],
  ['Spoofing', 'S'], ['repudiation', 'R'], ['Repudiation', 'R'],
  ['information-disclosure', 'I'], ['Information Disclosure', 'I'], ['information_disclosure', 'I'], ['InformationDisclosure', 'I'],
  ['denial-of-service', 'D'], ['Denial of Service', 'D'], ['DoS', 'D'], ['dos', 'D'],
  ['elevation-of-privilege', 'E'], ['Elevation of Privilege', 'E'], ['Elevation Of Privilege', 'E'], ['EoP', 'E'], ['e', 'E'],
];
const REFUSED = [
  'spoof', 'tamper', 'X', '', ' T', 'Tampering ', 'Information  Disclosure', 'information--disclosure', '-tampering',
  'Elevation of Privileges', 'DDoS', 'ta mpering', 'Tampering/Spoofing', 'İ', '\u212Aelvin',
];

describe('STRIDE spellings in a written threat', () => {
  it('reads each common spelling as its category', () => {
    for (const [written, letter] of ACCEPTED) {
      const loaded = loadModel(model(written), 'm.yaml');
      assert.equal(formatDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error')), 'no problems found\n', written);
      assert.equal(loaded.model?.threats[0].stride, letter, written);
    }
  });

  it('refuses anything else at its position, listing the names and saying what other spellings are read', () => {
    const loaded = loadModel(model('Tampring'), 'm.yaml');
    const text = formatDiagnostics(loaded.diagnostics);
    assert.match(text, /^m\.yaml:6:34: error\[invalid-value\]: unknown STRIDE category `Tampring`$/m);
    assert.match(text, /expected: one of `S`, `T`, `R`, `I`, `D`, `E`, `spoofing`, `tampering`, .*`elevation-of-privilege` \(in any case, with the words joined by a space, a dash, an underscore or nothing; or `DoS`, `EoP`\)/);
    assert.match(text, /hint: did you mean `tampering`\?/);
    assert.doesNotMatch(text, /custom name/);
    for (const wrong of REFUSED) {
      const errors = loadModel(model(wrong), 'm.yaml').diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${d.code} ${d.path}`), ['invalid-value threats.t.stride'], JSON.stringify(wrong));
    }
  });

  it('zod, the quick check, strideLetter and the JSON Schema agree on every name', () => {
    const quick = compileCheck(strideSchema, true);
    const json = modelJsonSchema() as { properties: { threats: { additionalProperties: { properties: { stride: { anyOf: Array<{ enum?: string[]; pattern?: string }> } } } } } };
    const [names, spelled] = json.properties.threats.additionalProperties.properties.stride.anyOf;
    // Editors offer the canonical names; the pattern (no flags in JSON Schema) reads the rest.
    assert.deepEqual(names.enum, [...STRIDE_NAMES_WRITTEN]);
    const pattern = new RegExp(spelled.pattern!);
    for (const name of [...ACCEPTED.map(([w]) => w), ...REFUSED, ...STRIDE_NAMES_WRITTEN]) {
      const accepted = strideLetter(name) !== undefined;
      assert.equal(strideSchema.safeParse(name).success, accepted, `zod ${JSON.stringify(name)}`);
      assert.equal(quick(name), accepted, `quick check ${JSON.stringify(name)}`);
      assert.equal(names.enum!.includes(name) || pattern.test(name), accepted, `JSON Schema ${JSON.stringify(name)}`);
    }
  });
});
