// Session 28: a compose file or manifest with a YAML mistake got yaml's own words, three of them for one misaligned
// list item ("A block sequence may not be used as an implicit map key", "Implicit keys need to be on a single line",
// "Implicit map keys need to be followed by map values"), none saying what was expected. Files discover reads now
// get the explanations `threatmap validate` gives for a model: one problem per line, what is wrong and what to type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import type { Diagnostic } from '../../src/model/types.js';

const shown = (list: readonly Diagnostic[]) => list.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`);

describe('discover s28: YAML mistakes in the files read are explained', () => {
  it('a list item out of line in a compose file: one error, at the item, saying which item it should line up with', () => {
    const r = discoverCompose('services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n     - "443:443"\n', 'docker-compose.yml');
    assert.deepEqual(shown(r.diagnostics), [
      '6:6 syntax-error the list item `- "443:443"` (column 6) is not lined up with `- "80:80"` (line 5, column 7) | the items of one list start at the same column, with their `-`',
    ]);
  });

  it('a key out of line in a manifest: explained at its line, once', () => {
    const r = discoverKubernetesFiles([{ file: 'deploy.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n   namespace: shop\n' }]);
    const syntax = r.diagnostics.filter((d) => d.code === 'syntax-error');
    assert.equal(syntax.length, 1, shown(r.diagnostics).join('\n'));
    assert.equal(syntax[0].line, 5);
    assert.doesNotMatch(syntax[0].message, /^(?:Implicit|A block sequence|All mapping items)/);
  });

  it('mistakes the explanations do not cover keep their own words: a second document in a compose file, a key twice', () => {
    assert.deepEqual(shown(discoverCompose('services:\n  web:\n    image: nginx\n---\nservices: {}\n', 'c.yml').diagnostics).map((l) => l.split(' | ')[0]),
      ['4:1 syntax-error the file holds more than one YAML document (a `---` line); a compose file is one document']);
    assert.deepEqual(shown(discoverCompose('services:\n  web:\n    image: nginx\n    image: httpd\n', 'c.yml').diagnostics).map((l) => l.split(' | ')[0]),
      ['4:5 syntax-error key `image` appears twice in the same map']);
  });
});
