// src/model, src/analysis and src/import must run in a browser: no Node APIs, no eval. Rules must not know the examples.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('code boundaries', () => {
  for (const dir of ['src/model', 'src/analysis', 'src/import']) {
    it(`${dir} uses no Node APIs`, () => {
      for (const f of files(dir)) {
        const text = readFileSync(f, 'utf8');
        assert.ok(!/from ['"](node:|fs|path|os|child_process|crypto)['"]/.test(text), `${f} imports a Node module`);
        assert.ok(!/\bprocess\.|\bBuffer\b|\brequire\(/.test(text), `${f} uses process, Buffer or require`);
      }
    });
  }
  it('no source file evaluates code', () => {
    for (const f of files('src')) assert.ok(!/\beval\(|new Function\(/.test(readFileSync(f, 'utf8')), f);
  });
  it('no rule mentions an example\'s names', () => {
    const names = ['Acme', 'Retail Platform', 'Launchpad', 'API servers', 'payments-svc', 'users-db', 'orders-db', 'catalog-db', 'cart-cache', 'Order service', 'Web application', 'webhooks/payment'];
    for (const f of files('src/analysis')) {
      const text = readFileSync(f, 'utf8');
      for (const n of names) assert.ok(!text.includes(n), `${f} mentions ${n}`);
    }
  });
});
