// Generates docs/rules.md from the rule metadata and the example models: the catalogue, the custom rule
// language, and how many threats each model gets by risk level (the noise measure).
// Run: npx tsx scripts/rules-doc.ts   (test/rules/rules-doc.test.ts fails when the committed file is stale)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../src/analysis/analyze.js';
import { exampleText } from '../src/analysis/rules/example.js';
import { RULE_FAMILIES, BUILTIN_RULES } from '../src/analysis/rules/index.js';
import type { Rule } from '../src/analysis/rules/types.js';
import { RISKS, STRIDE_NAMES, type Risk } from '../src/analysis/types.js';
import { hasErrors } from '../src/model/diagnostics.js';
import { loadModel } from '../src/model/load.js';
import {
  COMPARISON_OPERATORS, ELEMENT_FACTS, ENDPOINT_FACTS, type FactInfo, FLOW_FACTS, ORDERED_OPERATORS,
} from '../src/model/rule-facts.js';

/** Models measured for noise: the examples, and hand-written models of real architectures from the corpus. */
export const MEASURED_DIRS = ['examples', 'test/rules/corpus'];

interface Count {
  file: string;
  name: string;
  elements: number;
  byRisk: Record<Risk, number>;
  total: number;
}

function measure(root: string): Count[] {
  const out: Count[] = [];
  for (const dir of MEASURED_DIRS) {
    let names: string[];
    try {
      names = readdirSync(join(root, dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const file = `${dir}/${n}`;
      const loaded = loadModel(readFileSync(join(root, file), 'utf8'), file);
      if (!loaded.model || hasErrors(loaded.diagnostics)) throw new Error(`${file} does not load`);
      // The library's noise: threats the model writes by hand are its authors', not the rules'.
      const result = analyze({ ...loaded.model, threats: [] }, { source: loaded.source });
      out.push({
        file, name: result.system.name, elements: result.summary.elements.total,
        byRisk: Object.fromEntries(RISKS.map((r) => [r, result.summary.threats[r]])) as Record<Risk, number>,
        total: result.summary.threats.total,
      });
    }
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const ratio = (a: number, b: number) => (b === 0 ? '0' : (a / b).toFixed(2));

function countsSection(counts: Count[]): string[] {
  const elements = counts.reduce((n, c) => n + c.elements, 0);
  const threats = counts.reduce((n, c) => n + c.total, 0);
  const order = [...RISKS].reverse();
  return [
    '## Noise: threats per model',
    '',
    'Every model below is analysed with the whole library on each change to the rules (this table is',
    'regenerated and checked by the tests). pytm reports about 37 findings per asset; a careful reviewer',
    'reports what the model\'s facts support and nothing its controls rule out.',
    '',
    `| Model | Elements | ${order.join(' | ')} | Threats | Per element |`,
    `|---|---:|${order.map(() => '---:').join('|')}|---:|---:|`,
    ...counts.map((c) => `| ${cell(c.name)} (\`${c.file}\`) | ${c.elements} | ${order.map((r) => c.byRisk[r]).join(' | ')} | ${c.total} | ${ratio(c.total, c.elements)} |`),
    `| **All** | ${elements} | ${order.map((r) => counts.reduce((n, c) => n + c.byRisk[r], 0)).join(' | ')} | ${threats} | **${ratio(threats, elements)}** |`,
    '',
    'The models under `test/rules/corpus/` are hand-written threatmap models of real architectures from',
    '`../shared/corpus/` (origins noted in each file), stating only what their sources state: no controls',
    'the sources do not show. crAPI is deliberately vulnerable (broken object-level authorization, SSRF,',
    'unauthenticated OTP checks...) and its sources declare no defences, so most of its findings are real.',
    'Imported corpus files will join this table when the importers land.',
    '',
  ];
}

function factRows(prefix: string, facts: Record<string, FactInfo>): string[] {
  return Object.entries(facts).map(([name, info]) => {
    const t = info.type;
    const kind = t.kind === 'enum' ? (t.ordered ? 'ordered value' : 'value') : t.kind;
    const values = (t.kind === 'enum' || t.kind === 'list') && t.values ? t.values.map((v) => `\`${v}\``).join(', ') : '';
    return `| \`${prefix}.${name}\` | ${kind} | ${cell(info.description)}${values ? ` (${values})` : ''} |`;
  });
}

function languageSection(): string[] {
  return [
    '## Tuning the library and writing your own rules',
    '',
    'A model may carry a `rules:` section. A folder of rules files (each holding the same section, with',
    'only `custom:`) can be added with `threatmap analyze MODEL --rules DIR`. Everything is checked like',
    'the rest of the model: each mistake is reported with its file, line and column, and a suggestion.',
    'Conditions are data: nothing in a rule is ever run as code.',
    '',
    '```yaml',
    'rules:',
    '  disable: [missing-waf]                 # not relevant here',
    '  override:                              # re-rate, with the reason shown in the report',
    '    secrets-in-config: { likelihood: medium, reason: the repository is shared with contractors }',
    '  custom:',
    '    - id: payment-api-needs-waf',
    '      title: "Payment data handled without a WAF in front of {name}"',
    '      stride: T',
    '      applies-to: element                # element | endpoint | flow',
    '      when:',
    '        all:',
    '          - element.data.types: payment                 # a list fact: contains',
    '          - element.exposure: internet',
    '          - element.data.classification: { gte: confidential }',
    '          - not: { element.tags: { contains: legacy } }',
    '      mitigated-by: [waf]                # in place: reported as mitigated, not as a threat',
    '      likelihood: medium                 # low | medium | high | exposure (default)',
    '      impact: { from-assets: integrity } # or low | medium | high (default medium)',
    '      mitigation: Put a WAF in front of every service that handles payment data.',
    '      references: [PCI-DSS-6.4]',
    '```',
    '',
    'A flow rule can ask about both ends and the trust boundaries the flow crosses:',
    '',
    '```yaml',
    '    - id: restricted-data-into-data-tier',
    '      title: "{source} sends restricted data into the data tier"',
    '      stride: I',
    '      applies-to: flow',
    '      when:',
    '        all:',
    '          - crosses: data-tier               # a boundary kind, or a crossing kind such as internet-to-dmz',
    '          - flow.data.classification: restricted',
    '          - source.exposure: { gte: indirect }',
    '      mitigation: Tokenise the data before it reaches the store.',
    '```',
    '',
    '**Condition keys** (each condition is a map with exactly one key): `all: [...]`, `any: [...]`, `not: {...}`,',
    '`has-control: NAME` (in place for the subject: its own, its boundary\'s, or a perimeter control on every',
    'path in front), `crosses: KIND` (flow rules), `exposure: internet|indirect|internal`, or a fact.',
    '',
    '**Comparisons:** `fact: value`, or `fact: { operator: value, ... }` (all must hold):',
    '',
    `- values and strings: ${COMPARISON_OPERATORS.enum.map((o) => `\`${o}\``).join(', ')}; ordered values (exposure, trust, classification, levels) also ${ORDERED_OPERATORS.map((o) => `\`${o}\``).join(', ')}`,
    `- numbers: ${COMPARISON_OPERATORS.number.map((o) => `\`${o}\``).join(', ')}; true/false: ${COMPARISON_OPERATORS.boolean.map((o) => `\`${o}\``).join(', ')}`,
    `- lists: ${COMPARISON_OPERATORS.list.map((o) => `\`${o}\``).join(', ')} (a bare value means \`contains\`)`,
    '',
    '**Facts** (`threatmap rules facts` prints them too). Element rules ask `element.*`; endpoint rules',
    '`endpoint.*` and `element.*`; flow rules `flow.*`, `source.*` and `target.*` (element facts of either end).',
    '',
    '| Fact | Type | Meaning |',
    '|---|---|---|',
    ...factRows('element', ELEMENT_FACTS),
    ...factRows('endpoint', ENDPOINT_FACTS),
    ...factRows('flow', FLOW_FACTS),
    '',
    '**Titles** may use `{name}` (the component), `{element}`, `{endpoint}`, `{source}` and `{target}`.',
    '`recommendation:` sets the punch-list line (`{targets}` lists what to fix); by default it is the first',
    'sentence of the mitigation. `threatmap rules show ID --rules DIR` explains a custom rule like a built-in one.',
    '',
  ];
}

const appliesTo = (r: Rule): string => {
  switch (r.appliesTo) {
    case 'element': return `elements (${r.kinds.join(', ')})`;
    case 'endpoint': return r.endpointKinds.length ? `endpoints (${r.endpointKinds.join(', ')})` : 'every endpoint';
    case 'flow': return 'data flows';
    case 'model': return 'patterns over the model';
  }
};

function catalogueSection(): string[] {
  const lines = ['## The catalogue', ''];
  for (const family of RULE_FAMILIES) {
    lines.push(`### ${family.title}`, '', family.description, '', '| Rule | STRIDE | Title | Applies to |', '|---|---|---|---|');
    for (const r of family.rules) lines.push(`| [\`${r.id}\`](#${r.id}) | ${r.stride} | ${cell(r.title)} | ${appliesTo(r)} |`);
    lines.push('');
    for (const r of family.rules) {
      lines.push(
        `#### ${r.id}`,
        '',
        `**${r.title}** (${r.stride}, ${STRIDE_NAMES[r.stride]}). ${r.description}`,
        '',
        `- **Fires when:** ${r.condition}`,
        `- **Mitigated by:** ${r.mitigatedBy.map((c) => `\`${c}\``).join(', ')}`,
        `- **Rating:** ${r.rating}`,
        `- **Mitigation:** ${r.mitigation}`,
        `- **References:** ${r.references.join(', ')}`,
        '',
        '```yaml',
        ...exampleText(r).split('\n'),
        '```',
        '',
      );
    }
  }
  return lines;
}

export function renderRulesDoc(root: string): string {
  const strideCounts = (['S', 'T', 'R', 'I', 'D', 'E'] as const).map((s) => `${s} ${BUILTIN_RULES.filter((r) => r.stride === s).length}`);
  return [
    '<!-- Generated by scripts/rules-doc.ts from the rule metadata and the models; do not edit by hand. -->',
    '# Threat rules',
    '',
    `threatmap ships ${BUILTIN_RULES.length} rules in ${RULE_FAMILIES.length} families (by STRIDE category: ${strideCounts.join(', ')}).`,
    'Each rule is metadata plus one small pure check over the model graph: it fires only where the model\'s',
    'facts hold (element types and traits, endpoint kinds, flows and their protocols and authentication,',
    'trust boundary crossings, who can reach what, asset classification), and a control in place turns it',
    'into "mitigated by ..." in the STRIDE coverage instead of a threat. An assumption in the model rules a',
    'rule out where it holds. Likelihood and impact are set from the facts, each with its reason, and',
    'combined by the method\'s 3x3 matrix. Every threat cites the facts that made it fire, with file:line.',
    '',
    '`threatmap rules` lists the library; `threatmap rules show ID` explains one rule.',
    '',
    ...countsSection(measure(root)),
    ...languageSection(),
    ...catalogueSection(),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  writeFileSync(join(root, 'docs', 'rules.md'), renderRulesDoc(root));
  process.stdout.write('wrote docs/rules.md\n');
}
