// Injection: untrusted input reaching an interpreter.
import { assetImpact, rated } from '../risk.js';
import { elementComponent, evidence, isExposed, missingControlEvidence, mitigatedBy, presentControls, threat } from './helpers.js';
import type { ElementRule } from './types.js';

const SQL_CONTROLS = ['parameterized-queries'] as const;

export const sqlInjection: ElementRule = {
  id: 'sql-injection',
  stride: 'I',
  title: 'SQL injection',
  description:
    'A process reachable from an untrusted zone that queries a SQL database and does not declare parameterized queries: crafted input rewrites its queries and reads or changes the whole database.',
  mitigation: 'Use parameterized queries or a query builder everywhere, validate input against allow-lists, and give the service a database account with least privilege.',
  action: { text: 'Use parameterized queries for every database access in {targets}' },
  mitigatedBy: SQL_CONTROLS,
  references: ['CWE-89', 'CAPEC-66', 'OWASP Top 10 A03', 'OWASP ASVS V5.3'],
  rating: 'Likelihood High when reachable from the internet (automated with public tools), Medium otherwise; impact from the confidentiality of the data in the database.',
  example: "api: { kind: process }\ndb: { tech: postgres }\nflows:\n  - browser -> api: https\n  - api -> db: sql+tls",
  appliesTo: 'element',
  kinds: ['process'],
  check(element, ctx) {
    const exposure = ctx.exposure(element.id);
    if (!isExposed(exposure)) return undefined;
    const sqlFlows = ctx.graph.outFlows(element.id).filter((f) => ctx.graph.elements.get(f.to)?.traits.includes('sql'));
    if (sqlFlows.length === 0) return undefined;
    const present = presentControls(ctx, SQL_CONTROLS, element);
    if (present.length) return mitigatedBy(present, { ...elementComponent(element), flows: sqlFlows.map((f) => f.id) }, 'queries are parameterized');
    const dbs = [...new Set(sqlFlows.map((f) => f.to))].sort();
    const assets = dbs.flatMap((d) => ctx.assetsOf(d));
    const dbNames = dbs.map((d) => ctx.graph.elements.get(d)?.name ?? d).join(', ');
    return threat({
      ...elementComponent(element),
      flows: sqlFlows.map((f) => f.id),
      title: `SQL injection from ${element.name} into ${dbNames}`,
      description: `${element.name} takes input from an untrusted zone and queries ${dbNames}; without parameterized queries crafted input can read or change any data there.`,
      likelihood: exposure === 'internet'
        ? rated('High', 'reachable from the internet: injection is found and exploited with public tools')
        : rated('Medium', 'input arrives through other components: some skill'),
      impact: assetImpact(assets, 'confidentiality', rated('High', 'the whole database can be read: data breach')),
      evidence: [
        ...sqlFlows.map((f) => evidence(`${element.name} queries ${ctx.graph.elements.get(f.to)?.name ?? f.to} (SQL)`, f.at)),
        missingControlEvidence(SQL_CONTROLS, element),
      ],
    });
  },
};
