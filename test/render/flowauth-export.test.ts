// Session 21 (flowauth): an endpoint that takes its auth from the flows reaching it (`authAt` set) is exported
// as written, without an `auth` of its own: the flows go out with their auth, and reading the export back lends
// it again. Written into the endpoint, the auth would stay after a person removed it from the flow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importOtm } from '../../src/import/otm.js';
import { importThreagile } from '../../src/import/threagile.js';
import { importThreatDragon } from '../../src/import/threat-dragon.js';
import { loadModel } from '../../src/model/load.js';
import type { Endpoint } from '../../src/model/types.js';
import { renderOtmYaml } from '../../src/render/otm.js';
import { renderThreagile } from '../../src/render/threagile.js';
import { renderThreatDragon } from '../../src/render/threat-dragon.js';
import { analyzeText } from '../helpers.js';

const model = (flowAuth: string) => [
  'threatmap: 1',
  'system: { name: Shop }',
  'boundaries:',
  '  internet: { trust: untrusted }',
  'elements:',
  '  browser: { tech: browser, in: internet }',
  '  app:',
  '    tech: node',
  '    endpoints:',
  '      POST /orders: {}',
  'flows:',
  `  - browser -> app: { protocol: https${flowAuth} }`,
  '',
].join('\n');

const EXPORTS = [
  { name: 'OTM', render: renderOtmYaml, read: importOtm },
  { name: 'Threat Dragon', render: renderThreatDragon, read: importThreatDragon },
  { name: 'Threagile', render: renderThreagile, read: importThreagile },
] as const;

function roundTrip(format: (typeof EXPORTS)[number], text: string): Endpoint {
  const exported = format.render(analyzeText(text, 'shop.yaml'));
  const imported = format.read(exported, 'shop.export');
  assert.ok(imported.text, `${format.name}: the export reads back`);
  const loaded = loadModel(imported.text, 'imported.yaml');
  assert.ok(loaded.model, `${format.name}: the imported model loads`);
  return loaded.model.elements.find((e) => e.endpoints.length > 0)!.endpoints[0];
}

describe('flowauth: endpoints whose auth the flows lend are exported without one of their own', () => {
  for (const format of EXPORTS) {
    it(`${format.name}: the auth comes back from the flow, not from the endpoint`, () => {
      const ep = roundTrip(format, model(', auth: session-cookie'));
      assert.equal(ep.auth, 'session-cookie');
      assert.equal(ep.public, false);
      assert.ok(ep.authAt !== undefined, 'lent by the flow again, not written on the endpoint');
    });
    it(`${format.name}: without auth on the flow the endpoint stays public`, () => {
      const ep = roundTrip(format, model(''));
      assert.equal(ep.public, true);
      assert.equal(ep.authAt, undefined);
    });
  }
});
