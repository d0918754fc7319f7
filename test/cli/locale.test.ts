// Reports are byte-identical whatever the machine's language: collation is English everywhere (in Estonian,
// z sorts between s and t; a German or Swedish collation moves other letters).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempFolder } from '../temp.js';
import { CLI } from './bin.js';

const MODEL = `threatmap: 1
system: { name: Locale }
elements:
  visitor: { tech: browser }
  tango: { name: Tango, type: api }
  zulu: { name: Zulu, type: api }
  cache: { name: Cache, tech: redis }
  ihlamur: { name: Ihlamur, type: service }
flows:
  - visitor -> tango: http
  - visitor -> ihlamur: http
  - visitor -> zulu: http
  - tango -> cache: redis
  - ihlamur -> cache: redis
  - zulu -> cache: redis
`;

const dir = tempFolder('threatmap-locale-');
const model = join(dir, 'model.yaml');
writeFileSync(model, MODEL);

function exportAs(format: string, lang: string): string {
  const r = spawnSync(process.execPath, [CLI, 'export', model, '-f', format], {
    encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: lang },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('the machine\'s language', () => {
  for (const format of ['html', 'json', 'csv']) {
    it(`changes nothing in the ${format} export`, () => {
      assert.equal(exportAs(format, 'et_EE.UTF-8'), exportAs(format, 'C.UTF-8'));
    });
  }
});
