// docs/technologies.md is generated from the catalogue and is where the README and the unknown-technology
// messages send a person: it must match the code, list every technology, and be named by those messages.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderTechnologiesDoc } from '../../scripts/technologies-doc.js';
import { TECH_TRAITS, TECHNOLOGIES } from '../../src/model/catalog.js';
import { loadModel } from '../../src/model/load.js';

describe('docs/technologies.md', () => {
  const doc = renderTechnologiesDoc();

  it('is up to date (regenerate with `npx tsx scripts/technologies-doc.ts`)', () => {
    assert.equal(readFileSync('docs/technologies.md', 'utf8'), doc, 'docs/technologies.md is stale: run `npx tsx scripts/technologies-doc.ts`');
  });

  it('has a row for every technology, with its traits, and explains every trait', () => {
    for (const [name, info] of Object.entries(TECHNOLOGIES)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      assert.ok(row, name);
      for (const t of info.traits ?? []) assert.ok(row.includes(`\`${t}\``), `${name}: ${t}`);
    }
    for (const t of TECH_TRAITS) assert.match(doc, new RegExp(`^\\| \`${t}\` \\| \\S`, 'm'), t);
    assert.doesNotMatch(doc, /^\| `not-a-technology` \|/m);
  });

  it('is linked from the README where `tech` is described', () => {
    const readme = readFileSync('README.md', 'utf8');
    const techLine = readme.indexOf('`tech` (');
    assert.ok(techLine > 0, 'the README describes `tech`');
    assert.ok(readme.slice(techLine, techLine + 400).includes('](docs/technologies.md)'));
  });
});

describe('an unknown technology', () => {
  // A model of one element also warns that it is isolated: only what is said about the technology is looked at.
  const load = (element: string) => loadModel(`threatmap: 1\nsystem: { name: t }\nelements:\n  broker: ${element}\n`, 'm.yaml').diagnostics
    .filter((d) => d.code !== 'isolated-element');

  it('alone is an error that suggests the nearest technology and names the list', () => {
    const kind = load('{ tech: mosquito }').find((d) => d.code === 'unknown-kind');
    assert.equal(kind?.severity, 'error');
    assert.match(kind.hint ?? '', /^did you mean `mosquitto`\? `tech: mosquito` is not a known technology \(docs\/technologies\.md lists them\)/);
    assert.match(kind.hint ?? '', /add `type:` .* or `kind: external\|process\|store`$/);
    assert.ok(existsSync('docs/technologies.md'), 'the message names a file that exists');
  });

  it('alone and like no known one: still an error naming the list, with no guess', () => {
    const kind = load('{ tech: dgraph }').find((d) => d.code === 'unknown-kind');
    assert.match(kind?.hint ?? '', /^`tech: dgraph` is not a known technology \(docs\/technologies\.md lists them\)/);
    const tech = load('{ tech: dgraph }').find((d) => d.code === 'unknown-tech');
    assert.equal(tech?.severity, 'warning');
    assert.match(tech.hint ?? '', /docs\/technologies\.md/);
  });

  it('beside a type is only a warning', () => {
    const diagnostics = load('{ tech: mosquito, type: event-bus }');
    assert.deepEqual(diagnostics.map((d) => `${d.severity} ${d.code}`), ['warning unknown-tech']);
    assert.equal(diagnostics[0].hint, 'did you mean `mosquitto`?');
  });

  it('that the catalogue now knows loads with no diagnostic at all', () => {
    for (const tech of ['mosquitto', 'influxdb', 'react', 'qdrant', 'okta', 'keycloak']) assert.deepEqual(load(`{ tech: ${tech} }`), [], tech);
  });
});
