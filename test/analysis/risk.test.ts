// Impact reasons name the assets at stake: each once, and a long list cut short. Ranks order ratings and risks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assetImpact, rated, ratingRank, riskOf, riskRank } from '../../src/analysis/risk.js';
import { RATINGS, RISKS } from '../../src/analysis/types.js';
import type { Asset } from '../../src/model/types.js';

const asset = (name: string, confidentiality: Asset['confidentiality']) =>
  ({ id: name.toLowerCase().replace(/\W+/g, '-'), name, confidentiality, integrity: 'low', availability: 'low' }) as Asset;
const fallback = rated('Medium', 'fallback');

describe('assetImpact', () => {
  it('rates by the most valuable asset and names it', () => {
    const r = assetImpact([asset('Logs', 'low'), asset('Cards', 'high')], 'confidentiality', fallback);
    assert.deepEqual(r, { level: 'High', reason: 'confidentiality of Cards is high: data breach' });
  });
  it('names an asset carried by several flows once', () => {
    const pii = asset('Customer PII', 'high');
    const r = assetImpact([pii, pii, asset('Payments', 'high'), pii, asset('Logs', 'low')], 'confidentiality', fallback);
    assert.equal(r.reason, 'confidentiality of Customer PII, Payments is high: data breach');
  });
  it('names at most five assets of the top level, in order, and counts the rest', () => {
    const many = ['F', 'B', 'A', 'G', 'C', 'E', 'D'].flatMap((n) => [asset(n, 'high'), asset(n, 'high')]);
    const r = assetImpact(many, 'confidentiality', fallback);
    assert.equal(r.reason, 'confidentiality of A, B, C, D, E and 2 other assets is high: data breach');
  });
  it('words the consequence after the property at stake: exposure, tampering, downtime', () => {
    const commands = { ...asset('Commands', 'medium'), integrity: 'high', availability: 'medium' } as Asset;
    assert.equal(assetImpact([commands], 'confidentiality', fallback).reason, 'confidentiality of Commands is medium: partial data exposure');
    assert.equal(assetImpact([commands], 'integrity', fallback).reason, 'integrity of Commands is high: tampering or fraud with serious consequences');
    assert.equal(assetImpact([commands], 'availability', fallback).reason, 'availability of Commands is medium: downtime');
    // Neither a disclosure's reason speaks of downtime nor a tampering's of a breach.
    assert.doesNotMatch(assetImpact([commands, asset('Logs', 'medium')], 'confidentiality', fallback).reason, /downtime/);
    assert.doesNotMatch(assetImpact([commands], 'integrity', fallback).reason, /breach/);
  });
  it('falls back when nothing is at stake', () => {
    assert.equal(assetImpact([], 'integrity', fallback), fallback);
  });
});

describe('ranks', () => {
  it('follow the order of RATINGS and RISKS, lowest first', () => {
    assert.deepEqual(RATINGS.map(ratingRank), [0, 1, 2]);
    assert.deepEqual(RISKS.map(riskRank), [0, 1, 2, 3]);
  });
  it('rise with likelihood and with impact through the risk matrix', () => {
    for (const l of RATINGS) {
      for (const i of RATINGS) {
        const risk = riskRank(riskOf(l, i));
        if (ratingRank(l) < 2) assert.ok(riskRank(riskOf(RATINGS[ratingRank(l) + 1], i)) >= risk);
        if (ratingRank(i) < 2) assert.ok(riskRank(riskOf(l, RATINGS[ratingRank(i) + 1])) >= risk);
      }
    }
    assert.equal(riskOf('High', 'High'), 'Critical');
  });
});
