// Renders a Helm chart the way `helm template` does, without Helm: the chart's files in, the manifests out,
// each rendered line mapped back to the template line that wrote it (so a draft can cite
// `chart/templates/deployment.yaml:12`). A template that cannot be rendered is a warning and is left out;
// the others still render. Pure: the caller reads the files and passes their text.
import type { Diagnostic } from '../model/types.js';
import { GoTemplateError, TemplateSet } from './gotemplate/index.js';
import { ChartLoader, type ChartToRender, chartsToRender } from './helm/chart.js';
import { createHelmFunctions } from './helm/functions.js';
import { applySetValues, SetValuesError } from './helm/set-values.js';
import { capabilities, chartMetadata, filesObject, release, templateObject, type Values } from './helm/values.js';

export interface HelmChart {
  /** The chart folder as the caller names it in `file` (`''` for paths like `templates/x.yaml`). */
  dir: string;
  /** The chart's files, paths relative to the chart folder: `Chart.yaml`, `templates/x.yaml`, `charts/sub/...`. */
  files: Array<{ path: string; text: string }>;
}

export interface HelmOptions {
  /** `.Release.Name`; default the chart's name. */
  releaseName?: string;
  /** `.Release.Namespace`; default `default`. */
  namespace?: string;
  /** Values files merged over values.yaml in order, as `helm template -f a.yaml -f b.yaml`. */
  valuesTexts?: Array<{ file: string; text: string }>;
  /** `--set` arguments (`a.b=1,c={x,y}`), applied in order over the values files. */
  set?: string[];
  /** `--set-string` arguments, every value kept a string: applied after every `set`, the order Helm applies them in. */
  setString?: string[];
}

export interface RenderedManifest {
  /** `${dir}/templates/x.yaml` (subcharts: `${dir}/charts/sub/templates/x.yaml`). */
  file: string;
  /** The template's output, documents that hold nothing dropped; ends with a newline. */
  text: string;
  /** sourceLines[i]: the line of `file` that produced line i + 1 of `text`. */
  sourceLines: number[];
  /** What the chart commits that the output can come from, to cite a literal where it is written. */
  committed: CommittedText;
}

/**
 * The files a rendered manifest's values are written in: the template, and the default values files the chart
 * renders with (the top chart's first: a parent's values override its subchart's).
 */
export interface CommittedText {
  template: string;
  values: Array<{ file: string; text: string }>;
}

export interface HelmResult {
  chartName: string;
  manifests: RenderedManifest[];
  diagnostics: Diagnostic[];
  /** What the reader should know about the render: stand-in values, subcharts not read or switched off. */
  notes: string[];
}

const STAND_IN_NOTES: Record<string, string> = {
  lookup: 'lookup gives an empty map, as `helm template` does without a cluster',
};

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const isRendered = (path: string): boolean => !baseName(path).startsWith('_') && baseName(path) !== 'NOTES.txt';

/** Helm parses deeper files first and, at one depth, later names first: so the parent's and the first name's defines win. */
const parseOrder = (a: string, b: string): number =>
  (b.split('/').length - a.split('/').length) || (a < b ? 1 : a > b ? -1 : 0);

/** A document holds something when a line is neither blank nor a comment. */
const holdsContent = (lines: string[]): boolean => lines.some((l) => l.trim() !== '' && !l.trim().startsWith('#'));
const isSeparator = (line: string): boolean => /^---(\s*$|\s+#)/.test(line);

/** The rendered text without its empty documents, blank lines around each document trimmed, and the line map kept in step. */
export function keepDocuments(text: string, sourceLines: number[]): { text: string; sourceLines: number[] } | undefined {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const docs: Array<{ separator?: number; from: number; to: number }> = [{ from: 0, to: 0 }];
  lines.forEach((line, i) => {
    if (isSeparator(line)) docs.push({ separator: i, from: i + 1, to: i + 1 });
    else docs[docs.length - 1].to = i + 1;
  });
  const out: string[] = [];
  const map: number[] = [];
  for (const doc of docs) {
    let { from, to } = doc;
    if (!holdsContent(lines.slice(from, to))) continue;
    while (lines[from].trim() === '') from++;
    while (lines[to - 1].trim() === '') to--;
    if (out.length) {
      out.push('---');
      map.push(sourceLines[doc.separator ?? from] ?? 1);
    }
    for (let i = from; i < to; i++) {
      out.push(lines[i]);
      map.push(sourceLines[i] ?? 1);
    }
  }
  return out.length ? { text: `${out.join('\n')}\n`, sourceLines: map } : undefined;
}

class HelmRenderer {
  readonly diagnostics: Diagnostic[] = [];
  readonly notes = new Set<string>();
  private readonly set: TemplateSet;
  private readonly broken = new Set<string>();

  constructor(private readonly display: (path: string) => string) {
    const functions = createHelmFunctions({
      standIn: (name) => this.notes.add(STAND_IN_NOTES[name] ?? `${name} gives a fixed placeholder, not a random value: the rendered value is not real`),
    });
    this.set = new TemplateSet({ functions, noValue: '', missingKey: 'zero' });
  }

  private templateWarning(path: string, err: GoTemplateError, what: string): void {
    const file = this.display(path);
    const own = err.file === file;
    this.diagnostics.push({
      severity: 'warning', code: 'helm-template', path: '',
      message: `${own ? 'this template' : file} ${what}: ${err.message}`,
      file: own || err.file.startsWith('<') ? file : err.file, line: err.file.startsWith('<') ? 1 : err.line, col: err.file.startsWith('<') ? 1 : err.col,
    });
  }

  parse(charts: ChartToRender[]): void {
    const templates = charts.flatMap((c) => c.chart.templates).sort((a, b) => parseOrder(a.path, b.path));
    for (const t of templates) {
      try {
        this.set.addFile(this.display(t.path), t.text);
      } catch (err) {
        if (!(err instanceof GoTemplateError)) throw err;
        this.broken.add(t.path);
        this.templateWarning(t.path, err, isRendered(t.path) ? 'is not rendered' : 'is not read');
      }
    }
  }

  render(charts: ChartToRender[], topName: string, releaseValues: Values, files: ReadonlyMap<string, string>): RenderedManifest[] {
    const out: RenderedManifest[] = [];
    const caps = capabilities();
    for (const { chart, name, values } of charts) {
      const top = (path: string) => new Map<string, unknown>([
        ['Values', values], ['Release', releaseValues], ['Chart', chartMetadata(chart.chartYaml, name)], ['Capabilities', caps],
        ['Template', templateObject(`${topName}/${path}`, `${topName}/${chart.root}templates`)], ['Files', filesObject(chart.files)],
      ]);
      const defaults = [...new Set(['values.yaml', `${chart.root}values.yaml`])]
        .flatMap((path) => { const text = files.get(path); return text === undefined ? [] : [{ file: this.display(path), text }]; });
      for (const t of [...chart.templates].sort((a, b) => (a.path < b.path ? -1 : 1))) {
        if (!isRendered(t.path) || this.broken.has(t.path)) continue;
        const manifest = this.renderOne(t.path, top(t.path), { template: t.text, values: defaults });
        if (manifest) out.push(manifest);
      }
    }
    return out;
  }

  private renderOne(path: string, data: Values, committed: CommittedText): RenderedManifest | undefined {
    const file = this.display(path);
    try {
      const rendered = this.set.render(file, data);
      const kept = keepDocuments(rendered.text, rendered.sourceLines);
      return kept ? { file, ...kept, committed } : undefined;
    } catch (err) {
      if (!(err instanceof GoTemplateError)) throw err;
      this.templateWarning(path, err, 'is not rendered');
      return undefined;
    }
  }
}

/** `helm template` over a chart's files: one manifest per template that renders to something. */
export function renderHelmChart(chart: HelmChart, options: HelmOptions = {}): HelmResult {
  const prefix = chart.dir.replace(/\/+$/, '');
  const display = (path: string) => (prefix ? `${prefix}/${path}` : path);
  const files = new Map(chart.files.map((f) => [f.path.replace(/^\.\//, ''), f.text]));
  const loader = new ChartLoader(files, display);
  const loaded = loader.load('');
  const fail = (chartName: string): HelmResult => ({ chartName, manifests: [], diagnostics: loader.diagnostics, notes: [...new Set(loader.notes)] });
  if (!loaded) return fail('');
  let overrides: Values = new Map();
  for (const v of options.valuesTexts ?? []) {
    const external = new ChartLoader(new Map(), (p) => p);
    const read = external.readMap(v.file, v.text);
    loader.diagnostics.push(...external.diagnostics);
    if (!read) return fail(loaded.name);
    overrides = mergeUserValues(overrides, read);
  }
  const sets = [
    ...(options.set ?? []).map((text) => ({ option: '--set', text, asString: false })),
    ...(options.setString ?? []).map((text) => ({ option: '--set-string', text, asString: true })),
  ];
  for (const { option, text, asString } of sets) {
    try {
      overrides = applySetValues(overrides, text, asString);
    } catch (err) {
      if (!(err instanceof SetValuesError)) throw err;
      // An error, not a warning: Helm refuses to render, and a render without the value asked for would mislead.
      loader.diagnostics.push({ severity: 'error', code: 'helm-set', message: `${option} ${JSON.stringify(text)}: ${err.message}`, file: option, line: 1, col: 1, path: '' });
      return fail(loaded.name);
    }
  }
  const notes: string[] = [...loader.notes];
  const charts = chartsToRender(loaded, loaded.name, overrides, notes);
  const renderer = new HelmRenderer(display);
  let manifests: RenderedManifest[] = [];
  try {
    renderer.parse(charts);
    manifests = renderer.render(charts, loaded.name, release(options.releaseName ?? loaded.name, options.namespace ?? 'default'), files);
  } catch (err) {
    // The gotemplate package turns every template problem into a GoTemplateError; this is a last guard.
    if (!(err instanceof RangeError)) throw err;
    renderer.diagnostics.push({ severity: 'warning', code: 'helm-template', message: 'the chart nests too deeply to render', file: display('Chart.yaml'), line: 1, col: 1, path: '' });
  }
  return {
    chartName: loaded.name,
    manifests,
    diagnostics: [...loader.diagnostics, ...renderer.diagnostics],
    notes: [...new Set([...notes, ...[...renderer.notes].sort()])],
  };
}

/** `-f a -f b`: b over a, maps merged deeply and a null kept, so that it can delete a default later. */
function mergeUserValues(base: Values, over: Values): Values {
  const out = new Map(base);
  for (const [k, v] of over) {
    const current = out.get(k);
    out.set(k, current instanceof Map && v instanceof Map ? mergeUserValues(current as Values, v as Values) : v);
  }
  return out;
}
