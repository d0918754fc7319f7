// The attack surface is listed by category, exposed entries first, then by line and id. A model written
// on one line (JSON) puts every entry on line 1, so its order rests on category, exposure and id alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { analyze } from '../../src/analysis/analyze.js';
import { SURFACE_CATEGORIES, type SurfaceEntry } from '../../src/analysis/types.js';
import { loadModel } from '../../src/model/load.js';
import { exampleText } from '../helpers.js';

const expectedOrder = (entries: readonly SurfaceEntry[]) =>
  [...entries].sort((a, b) =>
    SURFACE_CATEGORIES.indexOf(a.category) - SURFACE_CATEGORIES.indexOf(b.category) ||
    Number(b.exposed) - Number(a.exposed) || a.loc.line - b.loc.line || a.id.localeCompare(b.id));

describe('attack surface order', () => {
  for (const name of ['ecommerce', 'microservices']) {
    it(`is category, exposure, line, then id in ${name}, on many lines and on one`, () => {
      for (const [text, file] of [[exampleText(name), `${name}.yaml`], [JSON.stringify(parse(exampleText(name))), `${name}.json`]]) {
        const loaded = loadModel(text, file);
        assert.ok(loaded.model, file);
        const surface = analyze(loaded.model, { source: loaded.source }).attackSurface;
        assert.ok(surface.length > 5, file);
        assert.deepEqual(surface, expectedOrder(surface), file);
      }
    });
  }
});
