// Words of a file that are also the names of every object's properties (`constructor`, `toString`,
// `__proto__`, `hasOwnProperty`) are words like any other to every reader: an unknown type, kind, protocol
// or technology, reported as such, never a crash and never a property of the readers' own tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { importThreagile } from '../../src/import/threagile.js';
import { hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';

const WORDS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
const loads = (text: string | undefined) => {
  assert.ok(text !== undefined);
  const loaded = loadModel(text, 'm.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), text);
};

describe('prototype words in imported files', () => {
  for (const word of WORDS) {
    it(`Kubernetes: kind ${word} is a kind not drawn; an image named ${word} is no technology`, () => {
      const r = discoverKubernetes(`apiVersion: v1\nkind: ${word}\nmetadata: { name: x }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\n`
        + `spec:\n  template:\n    spec:\n      containers: [{ name: c, image: ${word}, env: [{ name: URL, value: "${word.toLowerCase()}://web:80" }] }]\n`, 'k.yaml');
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(r.skippedKinds, [word]);
      assert.deepEqual(r.draft.elements.map((e) => [e.key, e.identity]), [['web', { type: 'service' }]]);
      loads(draftToYaml(r.draft));
    });

    it(`Compose: an image or URL scheme ${word} is no technology or protocol`, () => {
      const r = discoverCompose(`services:\n  a:\n    image: ${word}\n  b:\n    image: x\n    environment: [A_URL=${word.toLowerCase()}://a:9000]\n`, 'compose.yaml');
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(r.draft.elements.map((e) => e.identity), [{ type: 'service' }, { type: 'service' }]);
      // `__proto__://` is no URL (a scheme starts with a letter): no flow, as for any such text.
      assert.deepEqual(r.draft.flows.map((f) => f.protocol), /^[a-z]/i.test(word) ? ['tcp'] : []);
      loads(draftToYaml(r.draft));
    });

    it(`Threagile: type, technology, protocol and ratings ${word} are not Threagile's`, () => {
      const r = importThreagile(`threagile_version: 1.0.0\ntitle: X\ndata_assets:\n  D: { id: d, confidentiality: ${word}, integrity: ${word} }\n`
        + `technical_assets:\n  A:\n    id: a\n    type: ${word}\n    technology: ${word}\n    communication_links:\n      L: { target: b, protocol: ${word}, authentication: ${word} }\n`
        + `  B: { id: b, type: process, technology: web-server }\ntrust_boundaries:\n  T: { id: t, type: ${word}, technical_assets_inside: [a] }\n`, 'x.yaml');
      assert.ok(r.diagnostics.every((d) => d.severity === 'warning' && d.message.includes(`\`${word}\``)), JSON.stringify(r.diagnostics));
      assert.equal(r.diagnostics.length, 6);
      loads(r.text);
    });
  }
});
