// `threatmap discover [dir]`: drafts a model from the repository's Docker Compose files and Kubernetes
// manifests. The file access
// lives here (finding and reading the files, writing the model); what the files mean is src/import's.
import { lstatSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { discoverCompose, type ComposeResult } from '../import/compose.js';
import { type Draft, draftToYaml, mergeDrafts, usedBoundaries } from '../import/draft.js';
import { discoverKubernetesFiles, type KubernetesResult } from '../import/kubernetes.js';
import { formatDiagnostics, hasErrors, plural } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import type { Diagnostic } from '../model/types.js';
import { emit, UserError } from './io.js';

export interface DiscoverCliOptions {
  output?: string;
  force?: boolean;
  profile?: string[];
}

/** Compose files are a few kilobytes; anything near this is not one. */
const MAX_COMPOSE_BYTES = 5 * 1024 * 1024;

/**
 * A Kubernetes manifest has `apiVersion:` and `kind:` at the start of a line (the top level of one of its
 * documents): a cheap test before parsing every YAML file of a repository.
 */
const MANIFEST_KEYS = [/^apiVersion[ \t]*:/m, /^kind[ \t]*:/m];

export const looksLikeManifest = (text: string): boolean => MANIFEST_KEYS.every((re) => re.test(text));

/** Folders that hold other people's code or build output, never the repository's own deployment. */
const SKIPPED_DIRS = new Set(['node_modules', 'vendor', 'dist', 'build']);

/**
 * Names Compose reads by default (`compose.yaml`, `docker-compose.yml` and their `.override` files), the
 * common variants (`docker-compose.prod.yml`, `compose.dev.yaml`, `app.docker-compose.yml`) and Swarm
 * stack files.
 */
const COMPOSE_FILE = /^(?:compose(?:\..+)?|docker-compose.*|.+\.docker-compose|docker-stack.*|.+\.docker-stack)\.ya?ml$/i;

/**
 * Order within a folder, as Compose applies files: the base file, then variants, then overrides, whose
 * facts must win when the drafts are merged.
 */
function fileRank(name: string): number {
  if (/^(?:docker-)?compose\.ya?ml$/i.test(name)) return 0;
  return /\.override\.ya?ml$/i.test(name) ? 2 : 1;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Compose files under `root`, as paths relative to it with `/` separators, in a fixed order: a folder's
 * files (base, variants, overrides), then its subfolders by name. Hidden folders, dependency and build
 * folders are skipped, and symbolic links are not followed (they could leave the repository or loop).
 */
export function findComposeFiles(root: string, warn: (message: string) => void): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      warn(`${dir}: cannot read this folder (${(err as NodeJS.ErrnoException).code ?? 'error'}); skipped`);
      return;
    }
    const files = entries.filter((e) => e.isFile() && COMPOSE_FILE.test(e.name)).map((e) => e.name)
      .sort((a, b) => fileRank(a) - fileRank(b) || byCodeUnits(a, b));
    for (const f of files) out.push(rel ? `${rel}/${f}` : f);
    const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)).map((e) => e.name).sort(byCodeUnits);
    for (const d of dirs) walk(join(dir, d), rel ? `${rel}/${d}` : d);
  };
  walk(root, '');
  return out;
}

/**
 * Kubernetes manifests under `root`: YAML files that are not compose files and whose text has top-level
 * `apiVersion` and `kind`, in the same fixed order and with the same folders skipped as compose files.
 * A Helm chart's `templates/` folder (beside its Chart.yaml) holds `{{ }}` templates, not manifests: it
 * is skipped with a note, as are files too large to be manifests.
 */
export function findKubernetesFiles(root: string, warn: (message: string) => void): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // findComposeFiles has said so already.
      return;
    }
    const files = entries.filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name) && !COMPOSE_FILE.test(e.name)).map((e) => e.name).sort(byCodeUnits);
    for (const f of files) {
      const path = join(dir, f);
      const shown = rel ? `${rel}/${f}` : f;
      try {
        if (statSync(path).size > MAX_COMPOSE_BYTES) {
          warn(`${shown}: larger than ${MAX_COMPOSE_BYTES / 1048576} MB, not read as a Kubernetes manifest`);
          continue;
        }
        if (looksLikeManifest(readFileSync(path, 'utf8'))) out.push(shown);
      } catch (err) {
        warn(`${shown}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'}); skipped`);
      }
    }
    const chart = entries.some((e) => e.isFile() && /^Chart\.ya?ml$/.test(e.name));
    const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)).map((e) => e.name).sort(byCodeUnits);
    for (const d of dirs) {
      const sub = rel ? `${rel}/${d}` : d;
      if (chart && d === 'templates') {
        warn(`${sub}/: Helm chart templates, not rendered; skipped (render them with \`helm template\` into a folder and discover that)`);
        continue;
      }
      walk(join(dir, d), sub);
    }
  };
  walk(root, '');
  return out;
}

interface ComposeFile {
  /** As shown to the user, for messages they can open. */
  shown: string;
  /** As written into the model: relative to the folder searched, so that the model does not depend on where it was made. */
  name: string;
  /** The folder Compose names the project after. */
  folder: string;
}

interface Located {
  compose: ComposeFile[];
  manifests: ComposeFile[];
}

function locate(root: string): Located {
  let st;
  try {
    st = statSync(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${root}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? 'error'})`}`);
  }
  if (st.isFile()) {
    const file = { shown: root, name: basename(root), folder: basename(dirname(resolve(root))) };
    // A file given by name is a compose file unless it is named otherwise and reads as a manifest.
    const manifest = !COMPOSE_FILE.test(file.name) && /\.ya?ml$/i.test(file.name) && looksLikeManifest(readCompose(file));
    return manifest ? { compose: [], manifests: [file] } : { compose: [file], manifests: [] };
  }
  const warn = (m: string) => process.stderr.write(`threatmap discover: ${m}\n`);
  const toFile = (rel: string): ComposeFile => ({
    shown: join(root, ...rel.split('/')),
    name: rel,
    folder: basename(dirname(resolve(root, ...rel.split('/')))),
  });
  return { compose: findComposeFiles(root, warn).map(toFile), manifests: findKubernetesFiles(root, warn).map(toFile) };
}

function readCompose(file: ComposeFile): string {
  try {
    const st = statSync(file.shown);
    if (st.size > MAX_COMPOSE_BYTES) {
      throw new UserError(`${file.shown}:1:1: error[file-too-large]: ${(st.size / 1048576).toFixed(1)} MB is too large for a compose file or manifest (limit ${MAX_COMPOSE_BYTES / 1048576} MB)`);
    }
    return readFileSync(file.shown, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file.shown}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Reads every file. Compose combines the files of one folder into one project, named by their `name:`;
 * a file there that names none (an override) belongs to that project, not to one named after the folder.
 * When the files of a folder name different projects, each keeps its own and the rest take the folder's.
 */
function readProjects(files: readonly ComposeFile[], profiles: readonly string[]): ComposeResult[] {
  const texts = files.map(readCompose);
  const results = files.map((f, i) => discoverCompose(texts[i], f.name, { profiles, project: f.folder }));
  const folderOf = (f: ComposeFile) => dirname(resolve(f.shown));
  for (const folder of new Set(files.map(folderOf))) {
    const members = files.map((_, i) => i).filter((i) => folderOf(files[i]) === folder);
    const stated = new Set(members.filter((i) => results[i].projectStated).map((i) => results[i].project));
    if (stated.size !== 1) continue;
    const [project] = stated;
    for (const i of members) {
      if (!results[i].projectStated) results[i] = discoverCompose(texts[i], files[i].name, { profiles, project });
    }
  }
  return results;
}

/** An existing file is kept unless --force; a folder or a device is never a file to overwrite by mistake. */
function checkOutput(output: string | undefined, force: boolean | undefined): void {
  if (output === undefined) return;
  let st;
  try {
    st = lstatSync(output);
  } catch {
    return;
  }
  if (st.isDirectory()) throw new UserError(`${output}: is a folder; give a file name for the model`);
  if ((st.isFile() || st.isSymbolicLink()) && !force) {
    throw new UserError(`${output}: already exists; not overwriting it (add --force to replace it)`);
  }
}

/** Diagnostics name the file as the user gave it; the draft names it relative to the folder searched. */
const shownAs = (d: Diagnostic, files: readonly ComposeFile[]): Diagnostic => ({ ...d, file: files.find((f) => f.name === d.file)?.shown ?? d.file });

export function discoverAction(dir: string | undefined, opts: DiscoverCliOptions): void {
  const root = dir ?? '.';
  checkOutput(opts.output, opts.force);
  const { compose: files, manifests } = locate(root);
  if (files.length === 0 && manifests.length === 0) {
    throw new UserError(`threatmap discover: no Docker Compose files in ${root} (looked for compose.yaml, docker-compose*.yml, `
      + '*.docker-compose.yml and docker-stack*.yml) and no Kubernetes manifests (*.yaml and *.yml files with top-level '
      + '`apiVersion` and `kind`), outside hidden, node_modules, vendor, dist and build folders');
  }
  const profiles = opts.profile ?? [];
  const results = readProjects(files, profiles);
  // Manifests are applied together: a Service in one file selects the Deployment in another.
  const kubernetes = manifests.length ? discoverKubernetesFiles(manifests.map((f) => ({ text: readCompose(f), file: f.name }))) : undefined;
  const all = [...files, ...manifests];
  const diagnostics = [...results.flatMap((r) => r.diagnostics), ...(kubernetes?.diagnostics ?? [])].map((d) => shownAs(d, all));
  if (diagnostics.length) process.stderr.write(formatDiagnostics(diagnostics));
  if (hasErrors(diagnostics)) throw new UserError(`threatmap discover: nothing written; fix the ${plural(diagnostics.filter((d) => d.severity === 'error').length, 'error')} above and run it again`);

  // Compose files first, then the manifests: where both define a service, the manifests' facts win.
  const draft = mergeDrafts([...results.map((r) => r.draft), ...(kubernetes ? [kubernetes.draft] : [])]);
  const systemName = draft.name ?? (basename(resolve(root)) || 'System');
  const text = draftToYaml(draft, { systemName, ...(opts.output ? { output: opts.output } : {}) });
  // The draft is checked as `analyze` will read it: a model that does not load is our bug, not the user's.
  const loaded = loadModel(text, opts.output ?? 'model');
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    throw new Error(`the drafted model does not load:\n${formatDiagnostics(loaded.diagnostics)}`);
  }
  emit(opts.output, text);
  process.stderr.write(summary(draft, { compose: files, manifests }, results, kubernetes, profiles, loaded.diagnostics, opts.output));
}

/** Services of the same name in different projects, which the merge makes one element. */
function sharedNames(results: readonly ComposeResult[]): Array<[string, string[]]> {
  const projects = new Map<string, string[]>();
  for (const r of results) {
    for (const e of r.draft.elements) {
      if (e.madeUp) continue;
      const list = projects.get(e.key) ?? [];
      if (!list.includes(r.project)) list.push(r.project);
      projects.set(e.key, list);
    }
  }
  return [...projects].filter(([, list]) => list.length > 1);
}

/** Where a warning's element came from in the compose files (its first place), when it names one. */
function whereFound(draft: Draft, w: Diagnostic): string | undefined {
  const id = /^elements\.([^.[]+)/.exec(w.path)?.[1];
  const p = id === undefined ? undefined : draft.elements.find((e) => e.id === id)?.provenance[0];
  return p && `${p.file}:${p.line}`;
}

function summary(draft: Draft, read: Located, results: readonly ComposeResult[], kubernetes: KubernetesResult | undefined,
  profiles: readonly string[], warnings: readonly Diagnostic[], output: string | undefined): string {
  const services = draft.elements.filter((e) => !e.madeUp).length;
  const outside = draft.elements.length - services;
  const files = [...read.compose, ...read.manifests];
  const counts = [
    ...(read.compose.length ? [plural(read.compose.length, 'compose file')] : []),
    ...(read.manifests.length ? [plural(read.manifests.length, 'Kubernetes manifest')] : []),
  ];
  const lines = [
    `threatmap discover: read ${counts.join(', ')}: ${files.slice(0, 8).map((f) => f.shown).join(', ')}${files.length > 8 ? ` and ${files.length - 8} more` : ''}`,
    `  drafted ${plural(services, 'service')}${outside ? ' (and outside clients for the published ports)' : ''}, `
      + `${plural(draft.flows.length, 'flow')}, ${plural(usedBoundaries(draft).length, 'trust boundary', 'trust boundaries')}`,
  ];
  if (kubernetes?.skippedKinds.length) lines.push(`  skipped objects that draw no data flow: ${kubernetes.skippedKinds.join(', ')}`);
  for (const o of draft.omitted) lines.push(`  left out ${o.key}: ${o.reason}; ${o.hint ?? ''}`.trimEnd());
  const seen = new Set(results.flatMap((r) => r.profiles));
  for (const p of profiles) if (p !== '*' && !seen.has(p)) lines.push(`  no service is in profile "${p}"`);
  for (const [key, projects] of sharedNames(results)) {
    lines.push(`  ${key} is a service of projects ${projects.join(', ')}: drafted as one element (discover each folder on its own if they are different services)`);
  }
  for (const ref of draft.references) {
    if (ref.explicit) lines.push(`  ${ref.from} ${ref.evidence.provenance.note ?? 'names'} ${ref.host}, which no compose file defines (${ref.evidence.provenance.file}:${ref.evidence.provenance.line})`);
  }
  for (const w of warnings) lines.push(`  check: ${w.message} (${whereFound(draft, w) ?? (output ? `${output}:${w.line}` : `line ${w.line} of the model`)})`);
  lines.push(`  review: ${read.manifests.length ? 'these files' : 'compose files'} cannot say what data flows, how callers authenticate, which controls are in place`);
  lines.push('    or whom to trust; the comments at the top of the model say what to add');
  lines.push(output ? `  wrote ${output}; next: review it, then run: threatmap analyze ${output}`
    : '  next: save it (-o threatmap.yaml), review it, then run: threatmap analyze threatmap.yaml');
  return `${lines.join('\n')}\n`;
}
