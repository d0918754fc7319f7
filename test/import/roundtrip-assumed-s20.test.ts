// s20: `assumed: true` on an asset (data nobody classified: the rules fire on its classification, impact
// Medium at most) survives an export to OTM, Threat Dragon or Threagile and an import back. Without it an
// import's placeholder would come back as data someone had classified confidential, and missing-authentication
// on it Critical instead of High.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { importOtm } from '../../src/import/otm.js';
import { analyseText, roundTrip, type RoundTripFormat } from './roundtrip.js';

// An API anyone on the internet reaches with no authentication: missing-authentication on what it handles.
const MODEL = `threatmap: 1
system: { name: Shop }
boundaries:
  internet: { name: Internet, trust: untrusted }
  app: { name: App, trust: internal }
assets:
  data: { name: Data (not classified), classification: confidential, assumed: true }
  orders: { name: Orders, classification: internal, integrity: high }
elements:
  browser: { tech: browser, in: internet }
  api: { tech: node, in: app, handles: [ data ] }
  db: { tech: postgres, in: app, stores: [ orders ] }
flows:
  - browser -> api: https
  - api -> db: postgres+tls
`;

const authn = (text: string, file: string) => analyseText(text, file).result.threats.find((t) => t.key === 'missing-authentication@api')!;

describe('s20: an assumed asset through export and import again', () => {
  it('the model as written: missing-authentication on the assumed data is impact Medium, risk High', () => {
    assert.deepEqual([authn(MODEL, 'model.yaml').impact.level, authn(MODEL, 'model.yaml').risk], ['Medium', 'High']);
  });

  for (const format of ['otm', 'threat-dragon', 'threagile'] as const satisfies readonly RoundTripFormat[]) {
    it(`${format}: \`assumed\` comes back on the asset that had it and on no other; nothing else changes`, () => {
      const rt = roundTrip(format, MODEL);
      assert.deepEqual(rt.differences, []);
      const back = parseYaml(rt.model) as { assets: Record<string, { assumed?: boolean }> };
      assert.deepEqual([back.assets.data.assumed, back.assets.orders.assumed], [true, undefined]);
      assert.deepEqual([authn(rt.model, 'back.yaml').impact.level, authn(rt.model, 'back.yaml').risk], ['Medium', 'High']);
    });
  }

  it('where each format carries it: an OTM asset attribute, the Threat Dragon system note, the Threagile `threatmap:` section', () => {
    const otm = JSON.parse(roundTrip('otm', MODEL).exported) as { assets: Array<{ id: string; attributes: Record<string, string> }> };
    assert.deepEqual(otm.assets.map((a) => [a.id, a.attributes.assumed]), [['data', 'true'], ['orders', undefined]]);
    assert.equal(roundTrip('threat-dragon', MODEL).exported.match(/"assumed": true/g)?.length, 1);
    const threagile = parseYaml(roundTrip('threagile', MODEL).exported) as { threatmap: { data_assets: Record<string, { assumed?: boolean }> } };
    assert.deepEqual(Object.values(threagile.threatmap.data_assets).map((a) => a.assumed), [true, undefined]);
  });

  it('an OTM file whose asset lost the attribute imports it as classified: missing-authentication High, risk Critical', () => {
    const otm = JSON.parse(roundTrip('otm', MODEL).exported) as { assets: Array<{ attributes: Record<string, string> }> };
    for (const a of otm.assets) delete a.attributes.assumed;
    const back = importOtm(JSON.stringify(otm), 'model.otm.json', { output: 'back.yaml' }).text!;
    assert.equal((parseYaml(back) as { assets: Record<string, { assumed?: boolean }> }).assets.data.assumed, undefined);
    assert.deepEqual([authn(back, 'back.yaml').impact.level, authn(back, 'back.yaml').risk], ['High', 'Critical']);
  });

  it('only the word `true` is read as assumed: an attribute "false" or "yes" is not', () => {
    for (const word of ['false', 'yes']) {
      const otm = JSON.parse(roundTrip('otm', MODEL).exported) as { assets: Array<{ id: string; attributes: Record<string, string> }> };
      otm.assets.find((a) => a.id === 'data')!.attributes.assumed = word;
      const back = importOtm(JSON.stringify(otm), 'model.otm.json', { output: 'back.yaml' }).text!;
      assert.equal((parseYaml(back) as { assets: Record<string, { assumed?: boolean }> }).assets.data.assumed, undefined, word);
    }
  });
});
