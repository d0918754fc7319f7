// What the model-edit tests ask of applyModelEdit: the edited text (failing the test on a refusal), the
// refusal's message (failing on a text), and the model a text loads as.
import assert from 'node:assert/strict';
import { applyModelEdit, type ModelEdit } from '../../src/model/edit.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';

export function edited(text: string, edit: ModelEdit): string {
  const out = applyModelEdit(text, edit);
  assert.ok('text' in out, `expected a text, got ${JSON.stringify(out)}`);
  return out.text;
}

/** `edit` is unknown so that shapes the type forbids can be tried. */
export function refused(text: string, edit: unknown): string {
  const out = applyModelEdit(text, edit as ModelEdit);
  assert.ok('error' in out, `expected a refusal, got ${JSON.stringify(out).slice(0, 200)}`);
  return out.error;
}

export function load(text: string, file = 'model.yaml'): Model {
  const loaded = loadModel(text, file);
  assert.ok(loaded.model, JSON.stringify(loaded.diagnostics.filter((d) => d.severity === 'error'), null, 2));
  return loaded.model;
}
