// Session 27 (review a, t8 and t4): the attack surface says what the threats say. An element the internet reaches
// only through a VPN (or an allow-list) is listed behind it, not internet-facing; people are exposed where the
// model puts them, so staff inside the VPN are no entry point from the internet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SurfaceEntry } from '../../src/analysis/types.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { analyzeText } from '../helpers.js';

const model = (corp: string, staffIn: string, endpoint = '{}') => `threatmap: 1
system: { name: V }
boundaries:
  internet: { trust: untrusted }
  corp: ${corp}
assets: { pii: { type: pii, classification: confidential } }
elements:
  staff:      { type: admin, in: ${staffIn} }
  backoffice: { type: admin-panel, auth: oidc, in: corp, handles: [pii], endpoints: { /admin: ${endpoint} } }
flows:
  - staff -> backoffice: https
`;

const VPN = '{ trust: internal, controls: [vpn] }';
const PLAIN = '{ trust: internal }';

const view = (entries: readonly SurfaceEntry[]) =>
  entries.map((e) => `${e.category} ${e.id} ${e.exposure}${e.admittedBy ? ` admitted by ${e.admittedBy.join(', ')}` : ''}`);
const surfaceLines = (markdown: string) => {
  const start = markdown.indexOf('### Attack Surface');
  return markdown.slice(start, markdown.indexOf('\n### ', start + 1)).split('\n').filter((l) => l.startsWith('- '));
};

describe('attack surface: what the internet reaches only through a VPN or an allow-list', () => {
  it('lists the element, its endpoint and its sign-in behind the VPN, as the threats rate them', () => {
    const r = analyzeText(model(VPN, 'internet'));
    assert.deepEqual(view(r.attackSurface), [
      'Network backoffice internet admitted by vpn',
      'Application backoffice:/admin internet admitted by vpn',
      'Authentication backoffice internet admitted by vpn',
      'Human staff internet',
      'Human backoffice:/admin internet admitted by vpn',
    ]);
    assert.ok(r.threats.some((t) => t.likelihood.reason.includes('only callers admitted by vpn')), 'a threat says the VPN admits the callers');
    assert.deepEqual(surfaceLines(renderMarkdown(r)), [
      '- backoffice: reachable from the internet over https (behind vpn)',
      '- /admin (backoffice): admin endpoint, auth: oidc (behind vpn)',
      '- backoffice: session management: oidc (behind vpn)',
      '- staff: privileged people: phishing and social engineering targets, insider threat (internet-facing)',
      '- /admin (backoffice): administrators using it are phishing targets (behind vpn)',
    ]);
  });

  it('without the VPN the same entries are internet-facing and name no control', () => {
    const r = analyzeText(model(PLAIN, 'internet'));
    assert.ok(r.attackSurface.every((e) => e.admittedBy === undefined));
    assert.ok(surfaceLines(renderMarkdown(r)).every((l) => l.endsWith('(internet-facing)')));
  });

  it('an allow-list on one endpoint admits the callers of that endpoint only', () => {
    const r = analyzeText(model(PLAIN, 'internet', '{ controls: [ip-allowlist] }'));
    assert.deepEqual(view(r.attackSurface).filter((l) => l.includes('admitted')), [
      'Application backoffice:/admin internet admitted by ip-allowlist',
      'Human backoffice:/admin internet admitted by ip-allowlist',
    ]);
  });
});

describe('attack surface: people are exposed where the model puts them', () => {
  it('staff inside an internal boundary are no entry point from the internet (t4)', () => {
    const r = analyzeText(model(VPN, 'corp'));
    const staff = r.attackSurface.find((e) => e.id === 'staff')!;
    assert.equal(staff.exposure, 'internal');
    assert.equal(staff.exposed, false);
    assert.ok(surfaceLines(renderMarkdown(r)).includes('- staff: privileged people: phishing and social engineering targets, insider threat'));
  });

  it('staff on the internet, or in no boundary, are internet-facing', () => {
    for (const text of [model(VPN, 'internet'), model(VPN, 'internet').replace('type: admin, in: internet', 'type: admin')]) {
      const staff = analyzeText(text).attackSurface.find((e) => e.id === 'staff')!;
      assert.equal(staff.exposure, 'internet');
      assert.equal(staff.exposed, true);
    }
  });
});
