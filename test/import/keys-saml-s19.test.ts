// Session 19 (keys-saml): merging drafts keeps every place two files give the same fact (a literal JWT key in two
// compose files, or in a compose file and a manifest), in file order, and the same place once; the drafted model
// tags the element at each place, and forgeable-tokens' finding cites each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { addFacts, type Draft, type DraftElement, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf } from './draft-helpers.js';

const compose = (file: string, secret: string): Draft => {
  const r = discoverCompose(`services:\n  api:\n    image: example/api:1.0\n    ports: ["8080:8080"]\n    environment:\n      - JWT_SECRET=${secret}\n`, file, {});
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r.draft;
};

const manifest = (secret: string): Draft => discoverKubernetesFiles([{
  file: 'k8s/api.yaml',
  text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec:\n  selector: { matchLabels: { app: api } }\n  template:\n' +
    '    metadata: { labels: { app: api } }\n    spec:\n      containers:\n      - name: api\n        image: example/api:1.0\n        env:\n' +
    `        - name: JWT_SECRET\n          value: ${secret}\n`,
}]).draft;

const places = (e: DraftElement) => (e.facts ?? []).map((f) => `${f.tag} ${f.provenance.file}:${f.provenance.line}`);

/** The forgeable-tokens threats of the drafted model (the key's holder is drafted `auth: jwt`). */
function forgeable(draft: Draft) {
  const text = draftToYaml(draft);
  const loaded = loadModel(text, 'draft.yaml');
  assert.ok(loaded.model, formatDiagnostics(loaded.diagnostics));
  return analyze(loaded.model, { source: loaded.source }).threats.filter((t) => t.ruleId === 'forgeable-tokens');
}

describe('mergeDrafts: the same fact from two files', () => {
  it('two compose files: both places, in file order, in the draft, its tags and comment, and the finding\'s evidence', () => {
    const draft = mergeDrafts([compose('docker-compose.yml', 'devsecret123'), compose('docker-compose.prod.yml', 'prodsecret456')]);
    assert.deepEqual(places(elementOf(draft, 'api')), ['token-signing-key docker-compose.yml:6', 'token-signing-key docker-compose.prod.yml:6']);
    const text = draftToYaml(draft);
    assert.match(text, /api: \{ type: service, auth: jwt, in: compose, tags: \[ token-signing-key:docker-compose\.yml:6, token-signing-key:docker-compose\.prod\.yml:6 \] \}/);
    assert.match(text, /# token-signing-key: docker-compose\.yml:6 environment JWT_SECRET .*\n *# token-signing-key: docker-compose\.prod\.yml:6 environment JWT_SECRET/);
    const [t, ...rest] = forgeable(draft);
    assert.deepEqual(rest, []);
    assert.deepEqual(t.evidence.filter((e) => e.fact.includes('literal key')).map((e) => e.fact), [
      'api signs its JWTs with a literal key in docker-compose.yml:6',
      'api signs its JWTs with a literal key in docker-compose.prod.yml:6',
    ]);
  });

  it('a compose file and a manifest: both places, the compose file first as discover merges them', () => {
    const draft = mergeDrafts([compose('docker-compose.yml', 'devsecret123'), manifest('prodsecret456')]);
    assert.deepEqual(places(elementOf(draft, 'api')), ['token-signing-key docker-compose.yml:6', 'token-signing-key k8s/api.yaml:13']);
    assert.equal(forgeable(draft)[0]?.title, 'JWT signing key of api is a literal in docker-compose.yml:6, k8s/api.yaml:13: anyone can mint tokens');
  });

  it('the same place read twice is kept once, and cited once', () => {
    const once = compose('docker-compose.yml', 'devsecret123');
    const draft = mergeDrafts([once, compose('docker-compose.yml', 'devsecret123')]);
    assert.deepEqual(places(elementOf(draft, 'api')), ['token-signing-key docker-compose.yml:6']);
    assert.match(draftToYaml(draft), /tags: \[ token-signing-key:docker-compose\.yml:6 \]/);
    assert.deepEqual(forgeable(draft)[0]?.evidence.filter((e) => e.fact.includes('literal key')).map((e) => e.fact), ['api signs its JWTs with a literal key in docker-compose.yml:6']);
  });
});

describe('addFacts', () => {
  const at = (file: string, line: number, note?: string) => ({ file, line, ...(note ? { note } : {}) });

  it('keeps another fact of the same tag at another place, and other tags, in the order added', () => {
    const e: DraftElement = { key: 'db', id: 'db', aliases: [], provenance: [] };
    addFacts(e, [{ tag: 'backups-off', provenance: at('main.tf', 3) }]);
    addFacts(e, [{ tag: 'backups-off', provenance: at('prod.tf', 9) }, { tag: 'imdsv1', provenance: at('main.tf', 20) }]);
    assert.deepEqual(places(e), ['backups-off main.tf:3', 'backups-off prod.tf:9', 'imdsv1 main.tf:20']);
  });

  it('drops a fact at a place it already has, whatever its note', () => {
    const e: DraftElement = { key: 'db', id: 'db', aliases: [], provenance: [] };
    addFacts(e, [{ tag: 'backups-off', provenance: at('main.tf', 3, 'backup_retention_period = 0') }]);
    addFacts(e, [{ tag: 'backups-off', provenance: at('main.tf', 3) }]);
    assert.deepEqual(e.facts, [{ tag: 'backups-off', provenance: at('main.tf', 3, 'backup_retention_period = 0') }]);
  });
});
