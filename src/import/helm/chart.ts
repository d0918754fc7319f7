// A chart folder as Helm loads it: Chart.yaml, values.yaml, templates/, the other files (for .Files), and
// subcharts unpacked under charts/<name>/; then the values each chart renders with, subcharts switched off
// by their `condition:` or `tags:` left out.
import type { Diagnostic } from '../../model/types.js';
import { toGoString } from '../gotemplate/index.js';
import { coalesce, pathValue, type Values, withGlobals, withoutNulls } from './values.js';
import { readYaml, type YamlProblem } from './yaml.js';

export interface LoadedChart {
  /** The name in Chart.yaml. */
  name: string;
  /** The chart's folder relative to the top chart: '' or 'charts/db/'. */
  root: string;
  chartYaml: Values;
  defaults: Values;
  /** Paths relative to the top chart. */
  templates: Array<{ path: string; text: string }>;
  /** The chart's other files, by path relative to its own folder, for .Files. */
  files: Map<string, string>;
  subcharts: LoadedChart[];
}

/** A chart to render: its values, and the name its parent's values know it by (an alias, if any). */
export interface ChartToRender {
  chart: LoadedChart;
  name: string;
  values: Values;
}

/** Files at a chart's top that Helm reads itself rather than handing to .Files. */
const SPECIAL = new Set(['Chart.yaml', 'values.yaml', 'values.schema.json', 'Chart.lock', 'requirements.yaml', 'requirements.lock']);

export class ChartLoader {
  readonly diagnostics: Diagnostic[] = [];
  readonly notes: string[] = [];

  constructor(private readonly files: ReadonlyMap<string, string>, private readonly display: (path: string) => string) {}

  warn(path: string, line: number, col: number, code: string, message: string): void {
    this.diagnostics.push({ severity: 'warning', code, message, file: this.display(path), line, col, path: '' });
  }

  /** A file Helm itself refuses: the chart does not render. */
  private syntaxError(path: string, problem: YamlProblem): void {
    this.diagnostics.push({
      severity: 'error', code: 'syntax-error', message: problem.message, file: this.display(path), line: problem.line, col: problem.col, path: '',
      ...(problem.hint !== undefined ? { hint: problem.hint } : {}),
    });
  }

  /** A YAML file that must hold a map (empty is an empty map); undefined, with an error or a warning, when it does not. */
  readMap(path: string, text: string): Values | undefined {
    const read = readYaml(text);
    if ('problem' in read) {
      this.syntaxError(path, read.problem);
      return undefined;
    }
    if (read.value === null) return new Map();
    if (!(read.value instanceof Map)) {
      this.warn(path, 1, 1, 'helm-chart', 'expected a map of keys to values');
      return undefined;
    }
    return read.value as Values;
  }

  load(root: string): LoadedChart | undefined {
    const chartText = this.files.get(`${root}Chart.yaml`);
    if (chartText === undefined) {
      this.warn(`${root}Chart.yaml`, 1, 1, 'helm-chart', 'no Chart.yaml: not a Helm chart');
      return undefined;
    }
    const chartYaml = this.readMap(`${root}Chart.yaml`, chartText);
    const valuesText = this.files.get(`${root}values.yaml`);
    const defaults = valuesText === undefined ? new Map<string, unknown>() : this.readMap(`${root}values.yaml`, valuesText);
    if (!chartYaml || !defaults) return undefined;
    const name = chartYaml.get('name');
    if (typeof name !== 'string' || name === '') {
      this.warn(`${root}Chart.yaml`, 1, 1, 'helm-chart', 'Chart.yaml has no `name`');
      return undefined;
    }
    const chart: LoadedChart = { name, root, chartYaml, defaults, templates: [], files: new Map(), subcharts: [] };
    const subfolders = new Set<string>();
    for (const [path, text] of this.files) {
      if (!path.startsWith(root)) continue;
      const rel = path.slice(root.length);
      if (rel.startsWith('templates/')) chart.templates.push({ path, text });
      else if (rel.startsWith('charts/')) {
        const rest = rel.slice('charts/'.length);
        if (rest.includes('/')) subfolders.add(rest.slice(0, rest.indexOf('/')));
        else if (/\.(tgz|tar\.gz)$/.test(rest)) this.notes.push(`${this.display(path)} is a packaged subchart and is not read: unpack it under charts/ to render it`);
      } else if (!SPECIAL.has(rel)) chart.files.set(rel, text);
    }
    for (const folder of [...subfolders].sort()) {
      const sub = this.load(`${root}charts/${folder}/`);
      if (sub) chart.subcharts.push(sub);
    }
    return chart;
  }
}

const asMap = (v: unknown): Values => (v instanceof Map ? (v as Values) : new Map());
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The dependency entry of Chart.yaml that names a subchart. */
function dependencyOf(parent: LoadedChart, sub: LoadedChart): Values | undefined {
  return asList(parent.chartYaml.get('dependencies')).map(asMap).find((d) => d.get('name') === sub.name);
}

/** Whether `tags:` and `condition:` leave a dependency on, as Helm decides: a condition found wins over tags. */
function enabledBy(dep: Values | undefined, values: Values): { enabled: boolean; reason?: string } {
  if (!dep) return { enabled: true };
  let enabled = dep.get('enabled') !== false;
  let reason: string | undefined = enabled ? undefined : '`enabled: false` in Chart.yaml';
  const tags = asList(dep.get('tags')).map(toGoString);
  const tagValues = tags.map((t) => pathValue(values, `tags.${t}`)).filter((v): v is boolean => typeof v === 'boolean');
  if (tagValues.length) {
    enabled = tagValues.some(Boolean);
    reason = enabled ? undefined : `tags ${tags.join(', ')}`;
  }
  for (const condition of toGoString(dep.get('condition') ?? '').split(',').map((c) => c.trim()).filter(Boolean)) {
    const v = pathValue(values, condition);
    if (typeof v === 'boolean') {
      return { enabled: v, ...(v ? {} : { reason: condition }) };
    }
  }
  return reason ? { enabled, reason } : { enabled };
}

/**
 * The values of a chart and of each subchart it leaves on: defaults, then the overrides; a subchart gets its
 * parent's `values.<name>` over its own defaults, and the parent's `global`. Depth-first, parent first.
 */
export function chartsToRender(chart: LoadedChart, name: string, overrides: Values, notes: string[], parentGlobal?: unknown): ChartToRender[] {
  let values = coalesce(chart.defaults, overrides);
  if (parentGlobal !== undefined) values = withGlobals(values, parentGlobal);
  else if (chart.subcharts.length && !(values.get('global') instanceof Map)) values.set('global', new Map());
  const out: ChartToRender[] = [];
  const children: ChartToRender[] = [];
  for (const sub of chart.subcharts) {
    const dep = dependencyOf(chart, sub);
    const subName = typeof dep?.get('alias') === 'string' && dep.get('alias') !== '' ? (dep.get('alias') as string) : sub.name;
    const { enabled, reason } = enabledBy(dep, values);
    if (!enabled) {
      notes.push(`subchart ${subName} is switched off by ${reason} and is not rendered`);
      continue;
    }
    const rendered = chartsToRender(sub, subName, asMap(values.get(subName)), notes, values.get('global'));
    values.set(subName, rendered[0].values);
    children.push(...rendered);
  }
  out.push({ chart, name, values: withoutNulls(values) }, ...children);
  return out;
}
