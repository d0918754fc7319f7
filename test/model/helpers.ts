// Shared by the model tests: a model in the sketch's style, and a compact view of diagnostics.
import { sortDiagnostics } from '../../src/model/diagnostics.js';
import type { Diagnostic } from '../../src/model/types.js';

/** `severity code@line:col`, in output order: what a person reading the output would check. */
export const brief = (list: readonly Diagnostic[]): string[] =>
  sortDiagnostics(list).map((d) => `${d.severity} ${d.code}@${d.line}:${d.col}`);

export const SKETCH = `# yaml-language-server: $schema=../schema/threatmap.schema.json
threatmap: 1
system:
  name: Acme Shop
  description: Online store; customers browse, pay by card, track orders.

boundaries:
  internet: { trust: untrusted }
  edge:     { trust: dmz }
  app:      { trust: internal }
  data:     { trust: restricted, kind: data-tier, in: app }

assets:
  pii:    { classification: confidential }
  orders: { classification: internal, integrity: high }
  card:   { classification: restricted }

elements:
  browser:  { kind: external, in: internet, tech: browser }
  cdn:      { kind: process, in: edge, tech: cdn }
  lb:       { kind: process, in: edge, tech: load-balancer }
  api:
    kind: process
    in: app
    auth: session-cookie
    handles: [pii, orders]
    endpoints:
      /search: { public: true }                  # no rate limiting -> DoS finding
      /cart:   { accepts: [orders.price] }        # client sends prices -> tampering finding
      /login:  { public: true, controls: [rate-limiting, mfa] }
  db:       { kind: store, in: data, tech: postgres, stores: [pii, orders], controls: [encryption-at-rest] }
  cache:    { kind: store, in: data, tech: redis }
  payments: { kind: external, in: internet, tech: payment-gateway }

flows:
  - browser -> cdn: https
  - cdn -> lb: https
  - lb -> api: http                 # TLS ends at the load balancer
  - api -> db: { protocol: postgres+tls, auth: password, data: [pii, orders] }
  - api -> cache: redis
  - api -> payments: { protocol: https, data: [card] }
`;

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`);
  return i + 1;
}
