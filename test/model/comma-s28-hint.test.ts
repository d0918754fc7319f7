// What the user saw: `{ name: Card data (PAN, CVV), ... }` gave "unknown key `CVV)` in `assets.cards`" with no word
// that the comma had cut the unquoted name to "Card data (PAN".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModelText } from '../../src/model/parse.js';
import { validateModel } from '../../src/model/validate.js';

const unknownKeys = (asset: string) => {
  const parsed = parseModelText(`threatmap: 1\nsystem: { name: X }\nassets:\n  cards: ${asset}\n`, 'model.yaml');
  return validateModel(parsed.raw, parsed.source).diagnostics.filter((d) => d.code === 'unknown-key').map((d) => d.hint);
};

describe('unknown-key after a comma in an unquoted flow-style value', () => {
  it('says the comma ended the value and shows it quoted', () => {
    assert.deepEqual(unknownKeys('{ name: Card data (PAN, CVV), type: payment }'), [
      'the comma ended the value of `name` (it was cut to "Card data (PAN"): quote it, `name: "Card data (PAN, CVV)"`',
    ]);
    assert.deepEqual(unknownKeys('{ name: Card data (PAN, CVV, expiry), type: payment }'), [
      'the comma ended the value of `name` (it was cut to "Card data (PAN"): quote it, `name: "Card data (PAN, CVV, expiry)"`',
      'the comma ended the value of `name` (it was cut to "Card data (PAN"): quote it, `name: "Card data (PAN, CVV, expiry)"`',
    ]);
  });

  it('keeps the usual hint for a misspelt key', () => {
    const [hint] = unknownKeys('{ name: Cards, typ: payment }');
    assert.ok(hint !== undefined && !hint.includes('comma'), hint);
  });
});
