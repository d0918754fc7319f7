// The Attack Paths section of the Markdown and HTML reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHtml } from '../../src/render/html.js';
import { LISTED_PATHS } from '../../src/render/attack-paths.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import { analyzeExample, analyzeText } from '../helpers.js';

/** The Markdown section, heading included, up to the next section. */
const section = (md: string): string => {
  const start = md.indexOf('### Attack Paths');
  assert.ok(start >= 0);
  return md.slice(start, md.indexOf('\n### ', start + 1) + 1);
};

// The hop into the CDN lists its cache deception (a disclosure, which leads on); the hop into the API servers names
// the auth the call presents (the servers' session cookie), and lists the cleartext threats about that call and the
// threats that lead on, not the rate limit on /search nor the cart prices.
const ECOMMERCE_CARD = '- **Card data** (restricted) — High: Customer browser → CDN (https, internet -> DMZ) [T5] → Load balancer (https, service -> service) → API servers (http, unencrypted, session-cookie, DMZ -> internal) [T3, T4, T6, T7, T9]; 1 of 3 hops authenticated, handled there.';

/** A model whose one service handles `n` assets, each reached in one hop. */
const manyAssets = (n: number) => analyzeText(`threatmap: 1
system: { name: Many }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
assets:
${Array.from({ length: n }, (_, i) => `  a${String(i).padStart(3, '0')}: { name: Asset ${i}, classification: internal }`).join('\n')}
elements:
  user: { type: user, in: internet }
  api: { kind: process, in: app, auth: jwt, handles: [${Array.from({ length: n }, (_, i) => `a${String(i).padStart(3, '0')}`).join(', ')}] }
flows:
  - user -> api: https
`);

describe('Attack Paths in the Markdown report', () => {
  it('come right after the attack surface, before the STRIDE coverage', () => {
    const md = renderMarkdown(analyzeExample('ecommerce'));
    const surface = md.indexOf('### Attack Surface');
    const paths = md.indexOf('### Attack Paths');
    const coverage = md.indexOf('### STRIDE Coverage');
    assert.ok(surface >= 0 && surface < paths && paths < coverage, `${surface} ${paths} ${coverage}`);
  });

  it('give each asset one line: its value, the risk on the way, every hop with what it lacks or demands, the threats', () => {
    const text = section(renderMarkdown(analyzeExample('ecommerce')));
    const lines = text.split('\n');
    assert.ok(lines.includes(ECOMMERCE_CARD), text);
    assert.ok(lines.includes('- **Customer PII** (confidential) — High: Customer browser → CDN (https, internet -> DMZ) [T5] → Load balancer (https, service -> service) → API servers (http, unencrypted, public endpoint /login, DMZ -> internal) [T3, T4, T6, T7, T9] → Orders database (postgres+tls, password, application -> data tier); 1 of 4 hops authenticated, stored there.'), text);
    // The cart prices' manipulation (T1) is about the prices: on their path, not on the card data's.
    assert.ok(lines.some((l) => l.startsWith('- **Prices and order totals** (internal) — High:') && l.includes('[T1, T3, T4, T6, T7, T9]')), text);
    // The public catalogue is read through /search: its path is Low whatever the threats on the way.
    assert.ok(lines.some((l) => l.startsWith('- **Product catalogue** (public) — Low:')), text);
    assert.ok(!text.includes('Shop availability'), 'a resource asset has no path');
    assert.match(text, /with the fewest hops that demand a credential, then the fewest hops, starting where an attacker most readily stands/);
    assert.equal(text.split('\n').filter((l) => /^\d+\. /.test(l)).length, 0, 'a bulleted list: the punch list is the report\'s numbered one');
    assert.equal(lines.filter((l) => l.startsWith('- **')).length, 6);
    assert.equal(lines.filter((l) => l.startsWith('- **'))[0], ECOMMERCE_CARD, 'the riskiest path, to the most valuable asset, first');
  });

  it('name the endpoint a hop calls, and show a decided threat with its status', () => {
    // The partner's unsigned webhook is the one way in that asks for no credential; nothing enforces its `callers`,
    // so the browser's call, naming no endpoint, lands there too (and is the easier way in).
    const r = analyzeText(`threatmap: 1
system: { name: Shop }
boundaries:
  internet: { trust: untrusted }
  app: { trust: internal }
assets:
  orders: { name: Orders, classification: confidential }
elements:
  user: { tech: browser, in: internet }
  stripe: { type: third-party, in: internet }
  api:
    kind: process
    in: app
    auth: session-cookie
    handles: [orders]
    endpoints:
      POST /webhooks/payment: { public: true, callers: [stripe] }
flows:
  - user -> api: https
  - stripe -> api: { protocol: https, endpoint: POST /webhooks/payment }
`);
    const webhook = r.threats.find((x) => x.ruleId === 'unsigned-webhook')!;
    const t = parseTriage(`threats:\n  "${webhook.key}": { status: accepted, reason: provider IPs only }\n`, 'x').triage!;
    const text = section(renderMarkdown(applyTriage(r, t, { today: '2026-11-28' })));
    assert.match(text, new RegExp(`user → api \\(https, public endpoint POST /webhooks/payment, internet -> internal\\) \\[[^\\]]*${webhook.id} \\(accepted\\)`), text);
  });

  it('list the first paths of a large model and point to the JSON output for the rest', () => {
    const text = section(renderMarkdown(manyAssets(LISTED_PATHS + 7)));
    assert.equal(text.split('\n').filter((l) => l.startsWith('- **')).length, LISTED_PATHS);
    assert.ok(text.includes('… and 7 more paths: `--format json` lists them all.'), text);
    assert.ok(text.includes('\n- **Asset 0** (internal) — High: user → api (https, jwt, internet -> internal) [T1]; 1 of 1 hop authenticated, handled there.\n'), text);
    assert.ok(text.includes(`\n- **Asset ${LISTED_PATHS - 1}** (internal)`) && !text.includes(`**Asset ${LISTED_PATHS}**`), 'the first ones');
  });

  it('say when the model declares only resource assets: paths lead to data', () => {
    const text = section(renderMarkdown(analyzeText('threatmap: 1\nsystem: { name: Up }\nassets:\n  uptime: { kind: resource, availability: high }\nelements:\n  api: { kind: process }\n')));
    assert.equal(text, '### Attack Paths\n\nOnly resource assets are declared: paths lead to data, and a resource is lost where an element stops (see the denial-of-service threats).\n\n');
  });

  it('say when the model has no entry point or no asset', () => {
    const closed = section(renderMarkdown(analyzeText(`threatmap: 1
system: { name: Closed }
assets:
  secret: { name: Secret <b>, classification: restricted }
elements:
  api: { kind: process }
  db: { kind: store, stores: [secret] }
flows:
  - api -> db: postgres
`)));
    assert.ok(closed.includes('The model has no entry point: no element is in an untrusted zone or marked exposed.'), closed);
    assert.ok(closed.includes('**Not reachable from any entry point through the model\'s flows:** Secret &lt;b> (db).'), closed);
    const bare = section(renderMarkdown(analyzeText('threatmap: 1\nsystem: { name: Bare }\nelements:\n  api: { kind: process }\n')));
    assert.equal(bare, '### Attack Paths\n\nNo assets declared: there is nothing for a path to reach.\n\n');
  });
});

describe('Attack Paths in the HTML report', () => {
  it('are a section after the attack surface, linking each threat to its row and showing decisions', () => {
    const t = parseTriage('threats:\n  "session-hijacking@api": { status: mitigated }\n', 'x').triage!;
    const html = renderHtml(applyTriage(analyzeExample('ecommerce'), t, { today: '2026-11-28' }));
    assert.ok(html.indexOf('<section id="tm-surface"') < html.indexOf('<section id="tm-paths"'));
    assert.ok(html.includes('<a href="#tm-paths">Attack paths</a>'));
    const body = html.slice(html.indexOf('<section id="tm-paths"'), html.indexOf('</section>', html.indexOf('<section id="tm-paths"')));
    assert.ok(body.includes('<li><span class="badge risk-High">High</span> <strong>Card data</strong> <span class="muted">(restricted)</span>: Customer browser → CDN'), body);
    // The cleartext threats are about the call from the load balancer: on that hop, not on the one reaching it.
    assert.ok(body.includes('→ Load balancer <span class="muted">(https, <span title="service -&gt; service (leaves CDN edge; enters DMZ)">service -&gt; service</span>)</span> → API servers'), body);
    assert.ok(body.includes('<span class="muted">(http, <strong>unencrypted</strong>, session-cookie, <span title="DMZ -&gt; internal (leaves DMZ; enters Application network)">DMZ -&gt; internal</span>)</span> [<a href="#tm-t-T3">T3</a>, <a href="#tm-t-T4">T4</a>, <a href="#tm-t-T6">T6</a>'), body);
    assert.ok(body.includes('<a href="#tm-t-T6">T6</a> <span class="status status-mitigated">mitigated</span>'), body);
    assert.equal((body.match(/<li>/g) ?? []).length, 6);
  });

  it('list the first paths of a large model', () => {
    const html = renderHtml(manyAssets(LISTED_PATHS + 2));
    const body = html.slice(html.indexOf('<section id="tm-paths"'), html.indexOf('</section>', html.indexOf('<section id="tm-paths"')));
    assert.equal((body.match(/<li>/g) ?? []).length, LISTED_PATHS);
    assert.ok(body.includes('… and 2 more paths: <code>--format json</code> lists them all.'), body);
  });
});
