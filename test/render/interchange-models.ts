// Models the exporters to other tools' formats share: cases where a threat has no obvious place in the
// other tool's file, so each exporter's tests check where it put it.

/** A boundary threat with no flows of its own (the cluster's cards, kept by the ledger inside it). */
export const BOUNDARY_THREAT_WITHOUT_FLOWS = [
  'threatmap: 1', 'system: { name: Cluster }',
  'assets:', '  cards: { classification: restricted }',
  'boundaries:', '  cluster: { kind: container }',
  'elements:', '  visitor: { tech: browser }', '  web: { type: web-app, in: cluster }', '  ledger: { type: service, in: cluster, handles: [cards] }',
  'flows:', '  - visitor -> web: https', '  - web -> ledger: https', '',
].join('\n');
