// `threatmap discover [dir]`: drafts a model from the repository's Docker Compose files, Kubernetes
// manifests, OpenAPI specs and Terraform configurations. The file access
// lives here (finding and reading the files, writing the model); what the files mean is src/import's.
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { LineCounter, parse as parseYaml, parseDocument } from 'yaml';
import { type BuiltService, type ComposeOptions, discoverCompose, type ComposeResult, NGINX_FORMAT, TRAEFIK_FORMAT } from '../import/compose.js';
import { describeFindings } from '../import/dependencies.js';
import { assignIds, type Draft, draftToYaml, HOST_CLIENTS, type HostReference, isPlaceholderHost, mergeDrafts, namesAnAddress, NETWORK_CLIENTS, OUTSIDE_CLIENTS, usedBoundaries } from '../import/draft.js';
import { type HelmResult, renderHelmChart } from '../import/helm.js';
import { CLUSTER_WORKLOADS, discoverKubernetesFiles, KUBERNETES_API, type KubernetesResult } from '../import/kubernetes.js';
import { discoverOpenApi, type ForwardedShare, type OpenApiResult, placeApi, type Placement } from '../import/openapi.js';
import { type CliVariable, discoverTerraform, type TerraformResult } from '../import/terraform.js';
import { MANAGEMENT_PLANES } from '../import/terraform/iam.js';
import { formatDiagnostics, hasErrors, plural } from '../model/diagnostics.js';
import { loadModel } from '../model/load.js';
import type { Diagnostic } from '../model/types.js';
import { readChart } from './chart-files.js';
import { describeError, emit, UserError, writeStderr } from './io.js';

export interface DiscoverCliOptions {
  output?: string;
  force?: boolean;
  profile?: string[];
  /** Helm values files, applied over every chart's values.yaml in this order. */
  values?: string[];
  /** --set and --set-string arguments, checked when parsed; applied over the values files. */
  set?: string[];
  setString?: string[];
  releaseName?: string;
  namespace?: string;
  /** Terraform -var-file files, applied to the root configurations in this order, over their own variable files. */
  varFile?: string[];
  /** Terraform -var arguments, checked and split when parsed; applied after every --var-file. */
  var?: CliVariable[];
}

/** Compose files are a few kilobytes; anything near this is not one. */
const MAX_COMPOSE_BYTES = 5 * 1024 * 1024;

/**
 * A Kubernetes manifest has `apiVersion:` and `kind:` at the start of a line (the top level of one of its
 * documents): a cheap test before parsing every YAML file of a repository.
 */
const MANIFEST_KEYS = [/^apiVersion[ \t]*:/m, /^kind[ \t]*:/m];

export const looksLikeManifest = (text: string): boolean => MANIFEST_KEYS.every((re) => re.test(text));

/**
 * An OpenAPI 3.x or Swagger 2.0 spec says so in a top-level key: `openapi: 3.0.1` at the start of a line
 * of YAML, `"openapi": "3.0.1"` near the start of JSON (read only that far, since a repository has many
 * JSON files that are not specs).
 */
const SPEC_YAML = /^(?:openapi[ \t]*:[ \t]*["']?3\.|swagger[ \t]*:[ \t]*["']?2\.0)/m;
const SPEC_JSON = /"(?:openapi"\s*:\s*"3\.|swagger"\s*:\s*"2\.0")/;
const JSON_SNIFF_BYTES = 2048;

export const looksLikeSpec = (name: string, head: string): boolean => (/\.json$/i.test(name) ? SPEC_JSON.test(head.slice(0, JSON_SNIFF_BYTES)) : SPEC_YAML.test(head));

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** How a template's rendered manifests are listed among the draft's sources. */
const HELM_FORMAT = 'Helm template, rendered';
const KUSTOMIZATION = /^(?:kustomization\.ya?ml|Kustomization)$/;
/** Terraform in its native syntax, or in JSON (what CDK for Terraform writes). */
const TERRAFORM_FILE = /\.tf(?:\.json)?$/i;
const TFVARS_FILE = /\.tfvars(?:\.json)?$/i;

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

/** What `discover` reads in a repository, as paths relative to the folder searched with `/` separators. */
export interface Found {
  compose: string[];
  manifests: string[];
  specs: string[];
  terraform: string[];
  /** Helm charts: the folders that hold a Chart.yaml (their templates and subcharts are the renderer's). */
  charts: string[];
}

/**
 * The compose files, Kubernetes manifests and OpenAPI specs under `root`, in one walk and a fixed order: a
 * folder's compose files (base, variants, overrides), its other files by name, then its subfolders by name.
 * Compose files are known by their names; other YAML and JSON files by what they say at the top (a file is
 * a manifest or a spec, never both: manifests first). Hidden, dependency and build folders are skipped; a
 * folder with a Chart.yaml is a Helm chart, whose `templates/` and `charts/` are rendered with it rather than
 * read; symbolic links are not followed (they could leave the repository or loop). `varFiles`: the --var-file
 * files inside `root`, relative to it, which are read and so not warned about as left out. `show`: how a warning
 * names a file or folder (relative to `root` with `/`, `root` itself being ''), such as the path the user can open
 * from their shell.
 */
export function scanRepository(root: string, warn: (message: string) => void, varFiles: ReadonlySet<string> = new Set(),
  show: (rel: string) => string = (rel) => (rel === '' ? root : rel)): Found {
  const found: Found = { compose: [], manifests: [], specs: [], terraform: [], charts: [] };
  const walk = (dir: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      warn(`${show(rel)}: cannot read this folder: ${describeError(err)}; skipped`);
      return;
    }
    const at = (name: string) => (rel ? `${rel}/${name}` : name);
    const names = entries.filter((e) => e.isFile()).map((e) => e.name);
    const compose = names.filter((n) => COMPOSE_FILE.test(n)).sort((a, b) => fileRank(a) - fileRank(b) || byCodeUnits(a, b));
    for (const f of compose) found.compose.push(at(f));
    // A kustomization is kustomize's recipe, not an object in the cluster.
    for (const f of names.filter((n) => !COMPOSE_FILE.test(n) && !KUSTOMIZATION.test(n) && !TERRAFORM_FILE.test(n) && !TFVARS_FILE.test(n) && /\.(?:ya?ml|json)$/i.test(n)).sort(byCodeUnits)) {
      const kind = classify(join(dir, f), f, show(at(f)), warn);
      if (kind) found[kind].push(at(f));
    }
    for (const f of names.filter((n) => TERRAFORM_FILE.test(n)).sort(byCodeUnits)) found.terraform.push(at(f));
    // The variable files Terraform loads by itself, in its order (later ones win): terraform.tfvars, then
    // terraform.tfvars.json, then *.auto.tfvars(.json) by name. Others are chosen per run with -var-file.
    const autoVars = names.filter((n) => /\.auto\.tfvars(?:\.json)?$/i.test(n)).sort(byCodeUnits);
    for (const f of ['terraform.tfvars', 'terraform.tfvars.json', ...autoVars]) if (names.includes(f)) found.terraform.push(at(f));
    // A file given with --var-file is read, just not as this folder's own.
    const chosen = (n: string) => varFiles.has(at(n));
    for (const f of names.filter((n) => TFVARS_FILE.test(n) && !/^terraform\.tfvars(?:\.json)?$/.test(n) && !autoVars.includes(n) && !chosen(n)).sort(byCodeUnits)) {
      warn(`${show(at(f))}: not read (Terraform loads it only with -var-file); variables take terraform.tfvars(.json), *.auto.tfvars(.json) or their defaults`);
    }
    const kustomization = names.find((n) => KUSTOMIZATION.test(n));
    if (kustomization) for (const p of kustomizePatches(join(dir, kustomization), rel)) patches.add(p);
    const chart = names.some((n) => /^Chart\.ya?ml$/.test(n));
    if (chart) found.charts.push(rel);
    const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)).map((e) => e.name).sort(byCodeUnits);
    // A chart's templates and subcharts are rendered with it, not read as manifests.
    for (const d of dirs) if (!(chart && (d === 'templates' || d === 'charts'))) walk(join(dir, d), at(d));
  };
  // Patches are read after the walk: a kustomization may name a patch in a folder walked before it.
  const patches = new Set<string>();
  walk(root, '');
  const isPatch = (f: string) => {
    if (!patches.has(f)) return false;
    warn(`${show(f)}: a kustomize patch, not a whole manifest; skipped (run \`kubectl kustomize\` into a folder and discover that for the overlay as deployed)`);
    return true;
  };
  found.manifests = found.manifests.filter((f) => !isPatch(f));
  return found;
}

/**
 * The files a kustomization applies as patches (`patches[].path`, `patchesStrategicMerge`,
 * `patchesJson6902[].path`), relative to the folder searched: partial objects that would read as broken
 * manifests. A kustomization that does not parse names none (kustomize reports it, not us).
 */
function kustomizePatches(path: string, rel: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
  if (doc === null || typeof doc !== 'object') return [];
  const fields = doc as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const named = [
    ...list(fields.patches).map((p) => (p !== null && typeof p === 'object' ? (p as Record<string, unknown>).path : undefined)),
    ...list(fields.patchesStrategicMerge),
    ...list(fields.patchesJson6902).map((p) => (p !== null && typeof p === 'object' ? (p as Record<string, unknown>).path : undefined)),
  ];
  return named.filter((p): p is string => typeof p === 'string' && !p.includes('\n'))
    .map((p) => posix.normalize(rel ? `${rel}/${p}` : p));
}

/**
 * Whether a YAML or JSON file that is not named like a compose file is a manifest or a spec. A JSON file is
 * judged by its first bytes (a repository has many JSON files that are not specs); a YAML file is read whole.
 */
function classify(path: string, name: string, shown: string, warn: (message: string) => void): 'manifests' | 'specs' | undefined {
  try {
    const json = /\.json$/i.test(name);
    if (json && !looksLikeSpec(name, readHead(path, JSON_SNIFF_BYTES))) return undefined;
    if (statSync(path).size > MAX_COMPOSE_BYTES) {
      warn(`${shown}: larger than ${MAX_COMPOSE_BYTES / 1048576} MB, not read as a Kubernetes manifest or an OpenAPI spec`);
      return undefined;
    }
    if (json) return 'specs';
    const text = readFileSync(path, 'utf8');
    if (looksLikeManifest(text)) return 'manifests';
    return looksLikeSpec(name, text) ? 'specs' : undefined;
  } catch (err) {
    warn(`${shown}: cannot read: ${describeError(err)}; skipped`);
    return undefined;
  }
}

/**
 * A path as the user can open it from their shell: relative to the current folder, or absolute when outside it.
 * Only what the terminal shows: what the draft cites stays relative to the folder searched, so that the model does
 * not depend on where it was made (nor on where it is written).
 */
export function openable(path: string, cwd = process.cwd()): string {
  const full = resolve(cwd, path);
  const rel = relative(cwd, full);
  if (rel === '') return '.';
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? full : rel;
}

/** The folder a run searches: the one given, or the folder of the file given. */
const searchedFolder = (root: string): string => (statSync(root).isFile() ? dirname(root) : root);

/**
 * The folder searched as the draft's header names it: by its name (`voting-app`), the one thing about it that does
 * not change with where the repository is checked out or where discover runs (`.` there, `voting-app` above), so
 * that the draft stays the same bytes; the root folder, which has no name, by its path.
 */
export function folderName(folder: string): string {
  const full = resolve(folder);
  return basename(full) || full;
}

/**
 * A file of the folder searched, named relative to it with `/` (as the draft cites it), as the user can open it.
 * A name that is absolute already (none of the importers makes one today) is only normalised.
 */
const inFolder = (top: string) => (rel: string): string => openable(isAbsolute(rel) ? rel : join(top, ...rel.split('/')));

interface ComposeFile {
  /** As shown to the user, for messages they can open (see openable); also the path it is read by. */
  shown: string;
  /** As written into the model: relative to the folder searched, so that the model does not depend on where it was made. */
  name: string;
  /** The folder Compose names the project after. */
  folder: string;
}

interface Located {
  compose: ComposeFile[];
  manifests: ComposeFile[];
  specs: ComposeFile[];
  terraform: ComposeFile[];
  charts: ComposeFile[];
  /** Given with --var-file, wherever they are. */
  varFiles?: ComposeFile[];
  /** Traefik's configuration, read because a compose file's proxy reads it (known once the compose files are read). */
  traefik?: ComposeFile[];
}

/**
 * The --var-file files, each named relative to the folder searched when it is inside it (as the files found
 * there are, so that the model does not depend on where it was made), else as given.
 */
function varFilesOf(top: string, given: readonly string[]): Array<ComposeFile & { inside: boolean }> {
  return given.map((file) => {
    const rel = relative(top, resolve(file));
    const inside = rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
    return { shown: openable(file), name: inside ? rel.split(sep).join('/') : file, folder: '', inside };
  });
}

function locate(root: string, varFilePaths: readonly string[]): Located & { varFiles: Array<ComposeFile & { inside: boolean }> } {
  let st;
  try {
    st = statSync(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${openable(root)}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${describeError(err)}`}`);
  }
  const varFiles = varFilesOf(resolve(st.isFile() ? dirname(root) : root), varFilePaths);
  if (st.isFile()) {
    const file = { shown: openable(root), name: basename(root), folder: basename(dirname(resolve(root))) };
    const none = { compose: [], manifests: [], specs: [], terraform: [], charts: [], varFiles };
    if (TERRAFORM_FILE.test(file.name)) return { ...none, terraform: [file] };
    // A file given by name is a compose file unless it is named otherwise and reads as a manifest.
    if (!COMPOSE_FILE.test(file.name) && /\.(?:ya?ml|json)$/i.test(file.name) && looksLikeSpec(file.name, readCompose(file))) {
      return { ...none, specs: [file] };
    }
    const manifest = !COMPOSE_FILE.test(file.name) && /\.ya?ml$/i.test(file.name) && looksLikeManifest(readCompose(file));
    return manifest ? { ...none, manifests: [file] } : { ...none, compose: [file] };
  }
  const warn = (m: string) => writeStderr(`threatmap discover: ${m}\n`);
  const show = inFolder(root);
  const toFile = (rel: string): ComposeFile => ({
    shown: show(rel),
    name: rel,
    folder: basename(dirname(resolve(root, ...rel.split('/')))),
  });
  const found = scanRepository(root, warn, new Set(varFiles.filter((f) => f.inside).map((f) => f.name)), show);
  return {
    varFiles,
    compose: found.compose.map(toFile), manifests: found.manifests.map(toFile), specs: found.specs.map(toFile), terraform: found.terraform.map(toFile),
    charts: found.charts.map((rel) => ({ shown: show(rel), name: rel, folder: basename(resolve(root, ...rel.split('/'))) })),
  };
}

/** A --values file: the user's own input, so a YAML error in it stops the run with its position. */
function readValues(file: string): string {
  const text = readCompose({ shown: file, name: file, folder: '' });
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    throw new UserError(`${openable(file)}:${line}:${col}: error[invalid-yaml]: ${error.message.split('\n')[0]}; expected a Helm values file (YAML)`);
  }
  return text;
}

function readCompose(file: ComposeFile): string {
  try {
    const st = statSync(file.shown);
    if (st.size > MAX_COMPOSE_BYTES) {
      throw new UserError(`${file.shown}:1:1: error[file-too-large]: ${(st.size / 1048576).toFixed(1)} MB is too large for a compose file, manifest, spec or .tf file (limit ${MAX_COMPOSE_BYTES / 1048576} MB)`);
    }
    return readFileSync(file.shown, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file.shown}: cannot read: ${describeError(err)}`);
  }
}

/**
 * Reads every file. Compose combines the files of one folder into one project, named by their `name:`;
 * a file there that names none (an override) belongs to that project, not to one named after the folder.
 * When the files of a folder name different projects, each keeps its own and the rest take the folder's.
 */
function readProjects(files: readonly ComposeFile[], profiles: readonly string[], root: string): ComposeResult[] {
  const texts = files.map(readCompose);
  const options = (f: ComposeFile, project: string) => ({ profiles, project, ...repositoryFiles(f, root) });
  const results = files.map((f, i) => discoverCompose(texts[i], f.name, options(f, f.folder)));
  const folderOf = (f: ComposeFile) => dirname(resolve(f.shown));
  for (const folder of new Set(files.map(folderOf))) {
    const members = files.map((_, i) => i).filter((i) => folderOf(files[i]) === folder);
    const stated = new Set(members.filter((i) => results[i].projectStated).map((i) => results[i].project));
    if (stated.size !== 1) continue;
    const [project] = stated;
    for (const i of members) {
      if (!results[i].projectStated) results[i] = discoverCompose(texts[i], files[i].name, options(files[i], project));
    }
  }
  return results;
}

/** An env file is a few lines of settings: anything near this is not one. */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

/**
 * The files of the repository a compose file names, relative to its folder, inside the folder searched (a compose
 * file could name any file on the machine; only the repository's own are the repository's facts), cited relative to
 * that folder as the compose files are: env files and Traefik's configuration read, folders listed, and secret
 * files checked against `.gitignore` (their content never read). The `.env` beside the compose file, which Compose
 * takes variables from, is read when the repository holds it (not git-ignored): a developer's own is not the repository's.
 */
function repositoryFiles(compose: ComposeFile, root: string): Pick<ComposeOptions, 'readEnvFile' | 'readFile' | 'listFolder' | 'secretFile' | 'projectEnv'> {
  const top = resolve(searchedFolder(root));
  const inside = (path: string): { full: string; rel: string } | undefined => {
    const full = resolve(dirname(resolve(compose.shown)), path);
    const rel = relative(top, full);
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
    return { full, rel: rel.split(sep).join('/') };
  };
  const readFile = (path: string): { text: string; file: string } | undefined => {
    const at = inside(path);
    try {
      const st = at && statSync(at.full);
      if (!at || !st || !st.isFile() || st.size > MAX_ENV_FILE_BYTES) return undefined;
      return { text: readFileSync(at.full, 'utf8'), file: at.rel };
    } catch {
      return undefined;
    }
  };
  const listFolder = (path: string): string[] | undefined => {
    const at = inside(path);
    try {
      return at && readdirSync(at.full, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort(byCodeUnits);
    } catch {
      return undefined;
    }
  };
  const secretFile = (path: string): { file: string; ignored: boolean } | undefined => {
    const at = inside(path);
    try {
      if (!at || !statSync(at.full).isFile()) return undefined;
    } catch {
      return undefined;
    }
    return { file: at.rel, ignored: gitIgnored(ignoreFiles(top, at.rel), at.rel) };
  };
  const kept = secretFile('.env');
  const projectEnv = kept && !kept.ignored ? readFile('.env') : undefined;
  return { readEnvFile: readFile, readFile, listFolder, secretFile, ...(projectEnv ? { projectEnv } : {}) };
}

/** The `.gitignore` files that apply to a path of the folder searched: the folder's own, then each subfolder's on the way. */
function ignoreFiles(top: string, rel: string): IgnoreFile[] {
  const folders = rel.split('/').slice(0, -1);
  const out: IgnoreFile[] = [];
  for (let i = 0; i <= folders.length; i++) {
    const base = folders.slice(0, i).join('/');
    try {
      const path = join(top, ...folders.slice(0, i), '.gitignore');
      if (statSync(path).isFile()) out.push({ base, text: readFileSync(path, 'utf8') });
    } catch {
      // No .gitignore in this folder.
    }
  }
  return out;
}

/** A `.gitignore` file's text, and the folder it sits in (relative to the folder searched, `` for the top). */
export interface IgnoreFile {
  base: string;
  text: string;
}

/**
 * A `.gitignore` pattern as a test of a path relative to its folder: `#` comments, `!` negations, a trailing `/`
 * for folders only, a `/` at the start or inside anchoring it to its folder (else it matches a name at any depth),
 * `*`, `?`, `[...]` and `**`, as git reads them.
 */
function ignoreRule(line: string): { negated: boolean; folderOnly: boolean; test: (path: string) => boolean } | undefined {
  let pattern = line.replace(/(?<!\\)\s+$/, '');
  if (pattern === '' || pattern.startsWith('#')) return undefined;
  const negated = pattern.startsWith('!');
  if (negated) pattern = pattern.slice(1);
  pattern = pattern.replace(/^\\(?=[#!])/, '');
  const folderOnly = pattern.endsWith('/');
  if (folderOnly) pattern = pattern.replace(/\/+$/, '');
  const anchored = pattern.includes('/');
  pattern = pattern.replace(/^\//, '');
  if (pattern === '') return undefined;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (pattern.startsWith('**/', i) && (i === 0 || pattern[i - 1] === '/')) {
      re += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i) && i + 2 === pattern.length && (i === 0 || pattern[i - 1] === '/')) {
      re += '.*';
      i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[' && pattern.indexOf(']', i + 2) > i) {
      const end = pattern.indexOf(']', i + 2);
      re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const whole = new RegExp(`^${re}$`);
  return { negated, folderOnly, test: (path) => whole.test(anchored ? path : path.slice(path.lastIndexOf('/') + 1)) };
}

/**
 * Whether the `.gitignore` files keep a file of the folder searched out of the repository, as git decides: the
 * last rule matching a path wins, deeper files over shallower ones, and a file in an ignored folder stays ignored
 * (git does not look inside it). A simple reading: no global excludes, no `.git/info/exclude`, no git.
 */
export function gitIgnored(files: readonly IgnoreFile[], rel: string): boolean {
  const parts = rel.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    const path = parts.slice(0, depth).join('/');
    const folder = depth < parts.length;
    let ignored = false;
    for (const f of files) {
      if (f.base !== '' && !path.startsWith(`${f.base}/`)) continue;
      const local = f.base === '' ? path : path.slice(f.base.length + 1);
      for (const line of f.text.split(/\r?\n/)) {
        const rule = ignoreRule(line);
        if (rule && (!rule.folderOnly || folder) && rule.test(local)) ignored = !rule.negated;
      }
    }
    if (ignored) return true;
  }
  return false;
}

/** An existing file is kept unless --force; a folder or a device is never a file to overwrite by mistake. */
export function checkOutput(output: string | undefined, force: boolean | undefined): void {
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

/**
 * How the terminal names a file that a diagnostic or the draft's provenance names: a file read, by the path it was
 * read by; a name the user gave (a --values file, a --set option), from `given`; any other name (a dependency manifest,
 * an env file, Traefik's configuration, a chart's template) is relative to the folder searched, as the draft cites it.
 */
function terminalNames(top: string, files: readonly ComposeFile[], given: ReadonlyMap<string, string>): (name: string) => string {
  const known = new Map(given);
  for (const f of files) known.set(f.name, f.shown);
  const inTop = inFolder(top);
  return (name) => known.get(name) ?? inTop(name);
}

export async function discoverAction(dir: string | undefined, opts: DiscoverCliOptions): Promise<void> {
  const root = dir ?? '.';
  checkOutput(opts.output, opts.force);
  const { compose: files, manifests, specs, terraform, charts, varFiles } = locate(root, opts.varFile ?? []);
  if (files.length === 0 && manifests.length === 0 && specs.length === 0 && terraform.length === 0 && charts.length === 0) {
    throw new UserError(`threatmap discover: no Docker Compose files in ${root} (looked for compose.yaml, docker-compose*.yml, `
      + '*.docker-compose.yml and docker-stack*.yml) and no Kubernetes manifests (*.yaml and *.yml files with top-level '
      + '`apiVersion` and `kind`), outside hidden, node_modules, vendor, dist and build folders, and no OpenAPI specs '
      + '(*.yaml, *.yml and *.json files with top-level `openapi: 3.x` or `swagger: "2.0"`), no Terraform (*.tf) and no Helm chart (Chart.yaml)');
  }
  const profiles = opts.profile ?? [];
  const results = readProjects(files, profiles, root);
  // Charts render as `helm template` would (the release named after the chart); their manifests are read with the others.
  const chartOption = opts.values?.length ? '--values' : opts.set?.length ? '--set' : opts.setString?.length ? '--set-string' : undefined;
  if (chartOption && charts.length === 0) throw new UserError(`threatmap discover: ${chartOption} is for Helm charts, and ${root} holds none (no Chart.yaml)`);
  const valuesTexts = (opts.values ?? []).map((file) => ({ file, text: readValues(file) }));
  const terraformOption = opts.varFile?.length ? '--var-file' : opts.var?.length ? '--var' : undefined;
  // A folder of variable files alone is no configuration for them to set.
  if (terraformOption && !terraform.some((f) => TERRAFORM_FILE.test(f.name))) {
    throw new UserError(`threatmap discover: ${terraformOption} is for Terraform, and ${root} holds none (no *.tf or *.tf.json)`);
  }
  const chartFiles = charts.map((c) => readChart(c.shown));
  const release = { ...(opts.releaseName ? { releaseName: opts.releaseName } : {}), ...(opts.namespace ? { namespace: opts.namespace } : {}) };
  const sets = { set: opts.set ?? [], setString: opts.setString ?? [] };
  const helm = charts.map((c, i) => renderHelmChart({ dir: c.name, files: chartFiles[i].files }, { valuesTexts, ...sets, ...release }));
  const rendered = helm.flatMap((h) => h.manifests);
  // Manifests are applied together: a Service in one file selects the Deployment in another.
  const kubernetes = manifests.length || rendered.length
    ? discoverKubernetesFiles([
      ...manifests.map((f) => ({ text: readCompose(f), file: f.name })),
      ...rendered.map((m) => ({ text: m.text, file: m.file, sourceLines: m.sourceLines, committed: m.committed, format: HELM_FORMAT })),
    ], opts.namespace ? { namespace: opts.namespace } : {})
    : undefined;
  const apis = specs.map((f) => discoverOpenApi(readCompose(f), f.name));
  // Configurations are read together: one names another's remote-state outputs and local modules.
  // --var-file and --var set the root configurations' variables, as terraform plan does.
  const tf = terraform.length
    ? discoverTerraform(terraform.map((f) => ({ text: readCompose(f), file: f.name })), { varFiles: varFiles.map((f) => ({ text: readCompose(f), file: f.name })), vars: inCommandLineOrder(opts.var ?? [], process.argv) })
    : undefined;
  // --values files are paths from the current folder, not the folder searched; a --set that cannot apply is named by its option.
  const given = new Map([...valuesTexts.map((v): [string, string] => [v.file, openable(v.file)]), ['--set', '--set'], ['--set-string', '--set-string']]);
  const show = terminalNames(searchedFolder(root), [...files, ...manifests, ...specs, ...terraform, ...varFiles], given);
  // Named by the chart's path as the user can open it already.
  const archives = chartFiles.flatMap((c) => c.unreadable).map(({ file, reason }): Diagnostic => ({
    severity: 'warning', code: 'helm-archive', message: `a packaged subchart that cannot be opened (${reason}); its templates are not rendered`, file, line: 1, col: 1, path: '',
  }));
  const diagnostics = [
    ...results.flatMap((r) => r.diagnostics), ...helm.flatMap((h) => h.diagnostics), ...(kubernetes?.diagnostics ?? []), ...apis.flatMap((a) => a.diagnostics),
    ...(tf?.diagnostics ?? []),
  ].map((d): Diagnostic => ({ ...d, file: show(d.file) })).concat(archives);
  if (diagnostics.length) writeStderr(formatDiagnostics(diagnostics));
  if (hasErrors(diagnostics)) throw new UserError(`threatmap discover: nothing written; fix the ${plural(diagnostics.filter((d) => d.severity === 'error').length, 'error')} above and run it again`);

  // Compose files first, then the manifests: where both define a service, the manifests' facts win.
  const draft = mergeDrafts([...results.map((r) => r.draft), ...(kubernetes ? [kubernetes.draft] : []), ...(tf ? [tf.draft] : []), ...apis.map((a) => a.draft)]);
  if (draft.sources.length === 0) {
    throw new UserError('threatmap discover: nothing written: the Helm charts rendered no manifests (the warnings above say why) and no other file was found');
  }
  // Specs go on the elements the other files drafted, so they are placed after the merge, in file order.
  const placements = apis.map((a, i) => placeApi(draft, a, specs[i].name.split('/').slice(0, -1)));
  const systemName = draft.name ?? (basename(resolve(root)) || 'System');
  const text = draftToYaml(draft, { systemName, folder: folderName(searchedFolder(root)), ...(opts.output ? { output: opts.output } : {}) });
  // The draft is checked as `analyze` will read it: a model that does not load is our bug, not the user's.
  const loaded = loadModel(text, opts.output ?? 'model');
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    throw new Error(`the drafted model does not load:\n${formatDiagnostics(loaded.diagnostics)}`);
  }
  await emit(opts.output, text);
  const placed = specs.map((f, i) => ({ file: f, result: apis[i], placement: placements[i] }));
  const traefik = traefikFiles(draft, show);
  writeStderr(summary(draft, { compose: files, manifests, specs, terraform, charts, varFiles, traefik }, { compose: results, kubernetes, terraform: tf, helm }, placed, profiles, loaded.diagnostics, opts.output, show));
}

/** The Traefik configuration files the compose files led to, named as the user can open them. */
function traefikFiles(draft: Draft, show: (name: string) => string): ComposeFile[] {
  return draft.sources.filter((s) => s.format === TRAEFIK_FORMAT).map((s) => ({ shown: show(s.file), name: s.file, folder: '' }));
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
function whereFound(draft: Draft, w: Diagnostic, show: (name: string) => string): string | undefined {
  const id = /^elements\.([^.[]+)/.exec(w.path)?.[1];
  const p = id === undefined ? undefined : draft.elements.find((e) => e.id === id)?.provenance[0];
  return p && `${show(p.file)}:${p.line}`;
}

/** At most this many routes are named per service, so that the line stays readable; the rest are counted. */
const ROUTES_NAMED = 5;

/** What sent a share's operations to its service: every route (Traefik, Ingress), else the proxy's setting. */
function routesNamed(share: ForwardedShare): string {
  const routes = share.routes ?? [share.setting];
  const more = routes.length - ROUTES_NAMED;
  return more > 0 ? `${routes.slice(0, ROUTES_NAMED).join('; ')} and ${more} more` : routes.join('; ');
}

/**
 * Where a spec behind a proxy or routes went: `22 on crapi-identity (/identity/: IDENTITY_SERVICE), ...`, then
 * how many the proxy serves itself when any.
 */
function forwardedLine(placement: Placement, total: number, ids: Map<string, string>): string {
  const shares = placement.forwarded ?? [];
  const parts = shares.map((s) => `${s.count} on ${ids.get(s.key) ?? s.key} (${s.prefixes.join(', ')}: ${routesNamed(s)})`).join(', ');
  if (placement.routed) return `by path prefix, as the routes say: ${parts}`;
  const proxy = ids.get(placement.key) ?? placement.key;
  const kept = total - shares.reduce((n, s) => n + s.count, 0);
  if (placement.byRouter) return `by path prefix, by ${proxy}'s routes: ${parts}${kept ? `; ${kept} left on ${proxy} (no route matches their path)` : ''}`;
  return `by path prefix, as ${proxy}'s settings name its upstreams: ${parts}${kept ? `; ${kept} left on ${proxy} (no upstream named for their prefix)` : ''}`;
}

/**
 * What the dependency manifests of each service built here said: `orders: read orders/package.json: express (tech
 * express, orders/package.json:5), ...`, once per service and files (a base file and its override may both build it).
 * The files are named as `show` names them; the draft cites them relative to the folder searched.
 */
function builtLines(results: readonly ComposeResult[], ids: Map<string, string>, show: (name: string) => string): string[] {
  const said = (b: BuiltService) => describeFindings(b.findings.map((f) => ({ ...f, file: show(f.file) })));
  const line = (b: BuiltService) => `  ${ids.get(b.service) ?? b.service}: read ${b.read.map(show).join(', ')}: ${b.findings.length ? said(b) : 'no framework or library the rules read'}`;
  return [...new Set(results.flatMap((r) => r.builds).filter((b) => b.read.length > 0).map(line))];
}

interface PlacedSpec {
  file: ComposeFile;
  result: OpenApiResult;
  placement: Placement | undefined;
}

interface SourceResults {
  compose: readonly ComposeResult[];
  kubernetes: KubernetesResult | undefined;
  terraform: TerraformResult | undefined;
  helm: readonly HelmResult[];
}

function summary(draft: Draft, read: Located, { compose: results, kubernetes, terraform, helm }: SourceResults,
  placed: readonly PlacedSpec[], profiles: readonly string[], warnings: readonly Diagnostic[], output: string | undefined,
  show: (name: string) => string): string {
  const services = draft.elements.filter((e) => !e.madeUp && !e.outside).length;
  const outside = draft.elements.filter((e) => e.outside);
  const madeUp = (key: string) => draft.elements.some((e) => e.key === key);
  const callers = [
    ...(madeUp(OUTSIDE_CLIENTS) ? ['outside clients for the published ports'] : []),
    ...(madeUp(HOST_CLIENTS) ? ['local clients for the loopback-only ports'] : []),
    ...(madeUp(NETWORK_CLIENTS) ? ['network clients for the internal load balancers'] : []),
    ...Object.values(MANAGEMENT_PLANES).filter((p) => madeUp(p.key)).map((p) => `the ${p.name} for the workloads whose ${p.what}`),
    ...(madeUp(KUBERNETES_API) ? ['the Kubernetes API for the workloads whose service account can take over the cluster or a namespace'] : []),
    ...(madeUp(CLUSTER_WORKLOADS) ? ['the cluster\'s other workloads for the Services nothing names'] : []),
    ...(outside.length ? [`${plural(outside.length, 'service')} outside the files that settings name`] : []),
  ];
  // The files the compose services mount that were read: sshd_config for how SSH clients log in, nginx's
  // configuration for where the proxy sends requests.
  const sshd = draft.sources.filter((s) => s.format === 'sshd_config').map((s) => ({ shown: show(s.file) }));
  const nginx = draft.sources.filter((s) => s.format === NGINX_FORMAT).map((s) => ({ shown: show(s.file) }));
  const files = [...read.compose, ...read.traefik ?? [], ...read.manifests, ...read.specs, ...read.terraform, ...read.varFiles ?? [], ...read.charts.map((c) => ({ ...c, shown: `${c.shown}/ (chart)` })), ...sshd, ...nginx];
  const counts = [
    ...(read.compose.length ? [plural(read.compose.length, 'compose file')] : []),
    ...(read.traefik?.length ? [plural(read.traefik.length, 'Traefik file')] : []),
    ...(read.manifests.length ? [plural(read.manifests.length, 'Kubernetes manifest')] : []),
    ...(read.specs.length ? [plural(read.specs.length, 'OpenAPI spec')] : []),
    ...(read.terraform.length ? [plural(read.terraform.length, 'Terraform file')] : []),
    ...(read.varFiles?.length ? [plural(read.varFiles.length, '--var-file')] : []),
    ...(read.charts.length ? [`${plural(read.charts.length, 'Helm chart')} (${plural(helm.reduce((n, h) => n + h.manifests.length, 0), 'template')} rendered)`] : []),
    ...(sshd.length ? [plural(sshd.length, 'sshd_config file')] : []),
    ...(nginx.length ? [plural(nginx.length, 'nginx configuration file')] : []),
  ];
  const lines = [
    `threatmap discover: read ${counts.join(', ')}: ${files.slice(0, 8).map((f) => f.shown).join(', ')}${files.length > 8 ? ` and ${files.length - 8} more` : ''}`,
    `  drafted ${plural(services, 'service')}${callers.length ? ` (and ${callers.join(', and ')})` : ''}, `
      + `${plural(draft.flows.length, 'flow')}, ${plural(usedBoundaries(draft).length, 'trust boundary', 'trust boundaries')}`,
  ];
  const ids = assignIds(draft).elements;
  for (const { file, result, placement } of placed) {
    if (!placement) continue;
    const endpoints = result.api?.endpoints ?? [];
    const open = endpoints.filter((e) => e.public).length;
    const where = placement.routed ? 'on the services routes send them to' : `${placement.forwarded ? 'behind' : 'on'} ${ids.get(placement.key) ?? placement.key}`;
    lines.push(`  ${file.shown}: ${plural(endpoints.length, 'endpoint')} (${open} public) ${where}: ${placement.reason}`);
    if (placement.forwarded) lines.push(`    ${forwardedLine(placement, endpoints.length, ids)}`);
  }
  lines.push(...builtLines(results, ids, show));
  for (const e of outside) {
    const what = e.identity?.tech ?? e.identity?.type ?? 'service';
    lines.push(`  outside the files: ${ids.get(e.key) ?? e.key} (${what}), named by ${e.provenance.map((p) => `${show(p.file)}:${p.line}${p.note ? ` ${p.note}` : ''}`).join(', ')}`);
  }
  if (kubernetes?.skippedKinds.length) lines.push(`  skipped objects that draw no data flow: ${kubernetes.skippedKinds.join(', ')}`);
  if (terraform?.skippedTypes.length) lines.push(`  skipped Terraform resource types that draw no data flow: ${terraform.skippedTypes.join(', ')}`);
  for (const note of helm.flatMap((h) => h.notes)) lines.push(`  helm: ${note}`);
  if (terraform?.unreadModules.length) lines.push(`  Terraform modules not read (not local, not a known terraform-aws-modules module): ${terraform.unreadModules.join(', ')}`);
  for (const o of draft.omitted) lines.push(`  left out ${o.key}: ${o.reason}${o.hint ? `; ${o.hint}` : ''}`);
  const seen = new Set(results.flatMap((r) => r.profiles));
  for (const p of profiles) if (p !== '*' && !seen.has(p)) lines.push(`  no service is in profile "${p}"`);
  for (const [key, projects] of sharedNames(results)) {
    lines.push(`  ${key} is a service of projects ${projects.join(', ')}: drafted as one element (discover each folder on its own if they are different services)`);
  }
  for (const ref of draft.references) {
    if (ref.explicit) lines.push(`  ${ref.from} ${ref.evidence.provenance.note ?? 'names'} ${ref.host}, which no compose file defines (${show(ref.evidence.provenance.file)}:${ref.evidence.provenance.line})`);
  }
  lines.push(...unknownHostLines(draft.references, ids, show));
  // What the files state and the model cannot hold (a literal secret, a long-lived admin key): the reviewer acts on it.
  for (const c of [...results.flatMap((r) => r.checks), ...kubernetes?.checks ?? [], ...terraform?.checks ?? []]) lines.push(`  check: ${c.message} (${show(c.file)}:${c.line})`);
  for (const w of warnings) lines.push(`  check: ${w.message} (${whereFound(draft, w, show) ?? (output ? `${output}:${w.line}` : `line ${w.line} of the model`)})`);
  lines.push(`  review: ${read.manifests.length || read.specs.length || read.terraform.length || read.charts.length ? 'these files' : 'compose files'} cannot say what data flows, how callers authenticate, which controls are in place`);
  lines.push('    or whom to trust; the comments at the top of the model say what to add');
  lines.push(output ? `  wrote ${output}; next: review it, then run: threatmap analyze ${output}`
    : '  next: save it (-o threatmap.yaml), review it, then run: threatmap analyze threatmap.yaml');
  return `${lines.join('\n')}\n`;
}

/**
 * Addresses in settings that name no service of the files read and no host on the internet (`DATABASE_URL` naming
 * `notes-postgresql`, a chart dependency not vendored, a Service in manifests not read): the draft draws no flow
 * to them, and without a line here the call would vanish unnoticed. Loopback names are the service itself, and
 * documentation placeholders (`smtp.example.com`) no service at all.
 */
function unknownHostLines(references: readonly HostReference[], ids: ReadonlyMap<string, string>, show: (file: string) => string): string[] {
  const byHost = new Map<string, HostReference[]>();
  for (const ref of references) {
    if (ref.explicit || !namesAnAddress(ref) || LOOPBACK.test(ref.host) || isPlaceholderHost(ref.host)) continue;
    const host = ref.host.toLowerCase();
    byHost.set(host, [...(byHost.get(host) ?? []), ref]);
  }
  return [...byHost].sort(([a], [b]) => a.localeCompare(b)).map(([host, refs]) => {
    const where = refs.map((r) => `${ids.get(r.from) ?? r.from} ${r.evidence.provenance.note ?? 'names it'} (${show(r.evidence.provenance.file)}:${r.evidence.provenance.line})`);
    return `  not in these files: ${host}, named by ${where.join(', ')}: no flow drawn; discover it with the files that define it, or add it to the model`;
  });
}

const LOOPBACK = /^(?:localhost|localhost\.localdomain|ip6-localhost|host\.docker\.internal|0\.0\.0\.0)$/i;

/**
 * Each --var with the number of --var-file options before it on the command line: Terraform applies -var and
 * -var-file in the order given, and the option parser keeps each kind's own order only.
 */
export function inCommandLineOrder(vars: readonly CliVariable[], argv: readonly string[]): CliVariable[] {
  const positions: number[] = [];
  let files = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--var-file' || a.startsWith('--var-file=')) files++;
    else if (a === '--var' || a.startsWith('--var=')) positions.push(files);
    // An option's value is not an option of its own (`--values --var-file.yaml` would be one value).
    if (/^--(?:var-file|var|values|set|set-string|release-name|namespace|output|profile)$|^-[no]$/.test(a)) i++;
  }
  // Should the two disagree (an option spelt otherwise), every --var stays after every var file.
  if (positions.length !== vars.length) return [...vars];
  return vars.map((v, i) => ({ ...v, afterVarFiles: positions[i] }));
}
