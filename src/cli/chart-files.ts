// A Helm chart's files as the renderer wants them (paths relative to the chart folder, text), read from disk:
// its own files, unpacked subcharts, and packaged subcharts (`charts/*.tgz`, what `helm dependency build`
// leaves) opened in memory, as Helm loads them, so that a chart built on a library chart renders.
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describeError, UserError } from './io.js';

/** What one chart may hold, archives opened: templates, values and a few files for `.Files`, never megabytes. */
export const CHART_LIMITS = { files: 2000, bytes: 20 * 1024 * 1024, depth: 5 };

export interface ChartFiles {
  files: Array<{ path: string; text: string }>;
  /** Archives that could not be opened: warnings, the rest of the chart still rendered. */
  unreadable: Array<{ file: string; reason: string }>;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ARCHIVE = /\.(?:tgz|tar\.gz)$/;

/** The files of a tar archive (ustar, with PAX and GNU long names), in archive order; directories and links left out. */
export function tarEntries(tar: Uint8Array): Array<{ name: string; data: Uint8Array }> {
  const out: Array<{ name: string; data: Uint8Array }> = [];
  const text = (from: number, length: number) => {
    const field = tar.subarray(from, from + length);
    const end = field.indexOf(0);
    return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
  };
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    if (tar.subarray(at, at + 512).every((b) => b === 0)) break;
    const size = Number.parseInt(text(at + 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0 || at + 512 + size > tar.length) throw new Error('a truncated or damaged tar archive');
    const type = String.fromCharCode(tar[at + 156]);
    const data = tar.subarray(at + 512, at + 512 + size);
    const prefix = text(at + 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(at, 100)}` : text(at, 100));
    longName = undefined;
    if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data))?.[1];
    else if (type === 'L') longName = new TextDecoder().decode(data).replace(/\0.*$/s, '');
    else if (type === '0' || type === '\0') out.push({ name, data });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/**
 * Reads a chart folder. A packaged subchart `charts/x-1.0.0.tgz` holds `x/...`: its files join as
 * `charts/x/...` (nested archives too, a few levels deep), unless an unpacked `charts/x/` is there already.
 */
/** One file of a chart, refused past the chart's size limit; one that cannot be read stops the run with why, in words. */
function readChartFile(path: string, shown: string): Buffer {
  try {
    if (statSync(path).size > CHART_LIMITS.bytes) throw new UserError(`${shown}: larger than a chart may be; not read`);
    return readFileSync(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${shown}: cannot read: ${describeError(err)}`);
  }
}

export function readChart(dir: string): ChartFiles {
  const files: Array<{ path: string; text: string }> = [];
  const unreadable: ChartFiles['unreadable'] = [];
  let bytes = 0;
  const add = (path: string, data: Uint8Array) => {
    if (files.length >= CHART_LIMITS.files || bytes + data.length > CHART_LIMITS.bytes) {
      throw new UserError(`${dir}: the chart holds more than ${CHART_LIMITS.files} files or ${CHART_LIMITS.bytes / 1048576} MB (subcharts unpacked); not read`);
    }
    bytes += data.length;
    files.push({ path, text: new TextDecoder().decode(data) });
  };
  const archives: Array<{ at: string; data: Uint8Array; depth: number }> = [];
  const walk = (folder: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of [...entries].sort((a, b) => byCodeUnits(a.name, b.name))) {
      if (e.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(folder, e.name), path);
      if (!e.isFile()) continue;
      const data = readChartFile(join(folder, e.name), `${dir}/${path}`);
      if (ARCHIVE.test(e.name) && /(?:^|\/)charts$/.test(rel)) archives.push({ at: path, data, depth: 1 });
      else add(path, data);
    }
  };
  walk(dir, '');
  while (archives.length) {
    const { at, data, depth } = archives.shift()!;
    const into = at.slice(0, at.lastIndexOf('/') + 1);
    let entries: Array<{ name: string; data: Uint8Array }>;
    try {
      entries = tarEntries(gunzipSync(data, { maxOutputLength: CHART_LIMITS.bytes }));
    } catch (err) {
      unreadable.push({ file: `${dir}/${at}`, reason: (err as Error).message.replace(/\.$/, '') });
      continue;
    }
    const top = entries[0]?.name.split('/')[0];
    if (top === undefined || files.some((f) => f.path.startsWith(`${into}${top}/`))) continue;
    for (const entry of entries) {
      const path = `${into}${entry.name}`;
      if (entry.name.split('/').some((part) => part === '..' || part.startsWith('.')) || !entry.name.startsWith(`${top}/`)) continue;
      if (ARCHIVE.test(path) && /\/charts\/[^/]+$/.test(path)) {
        if (depth < CHART_LIMITS.depth) archives.push({ at: path, data: entry.data, depth: depth + 1 });
      } else add(path, entry.data);
    }
  }
  return { files, unreadable };
}
