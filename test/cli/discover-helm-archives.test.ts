// Packaged subcharts (`charts/*.tgz`, as `helm dependency build` leaves them) are opened in memory, so that a
// chart built on a library chart renders; a damaged archive is named in the summary and the rest renders.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readChart, tarEntries } from '../../src/cli/chart-files.js';
import { run } from './run-cli.js';
import { tempFolder } from '../temp.js';

/** A ustar archive of the given files; names over 100 bytes get a PAX header, as Go's archive/tar (helm package) writes. */
function tar(files: Record<string, string>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const header = (name: string, size: number, type: string) => {
    const h = new Uint8Array(512);
    const put = (text: string, at: number) => h.set(new TextEncoder().encode(text), at);
    put(name.slice(0, 100), 0);
    put('0000644\0', 100);
    put(`${size.toString(8).padStart(11, '0')}\0`, 124);
    put(type, 156);
    put('ustar\0' + '00', 257);
    put('        ', 148);
    const sum = h.reduce((a, b) => a + b, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const pad = (data: Uint8Array) => {
    const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
    out.set(data);
    return out;
  };
  for (const [name, text] of Object.entries(files)) {
    const data = new TextEncoder().encode(text);
    if (name.length > 100) {
      const record = `path=${name}\n`;
      let line = `${record.length + 3} ${record}`;
      line = `${record.length + String(line.length).length + 1} ${record}`;
      const pax = new TextEncoder().encode(line);
      blocks.push(header('PaxHeader', pax.length, 'x'), pad(pax));
    }
    blocks.push(header(name, data.length, '0'), pad(data));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

const LIBRARY = {
  'lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n',
  'lib/templates/_names.tpl': '{{- define "lib.fullname" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n',
};

function chartWith(archive: Uint8Array | undefined): string {
  const dir = tempFolder('threatmap-helm-tgz-');
  mkdirSync(join(dir, 'templates'));
  mkdirSync(join(dir, 'charts'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: lib\n    version: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'replicas: 2\n');
  writeFileSync(join(dir, 'templates', 'deployment.yaml'), [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: {{ include "lib.fullname" . }}', 'spec:',
    '  replicas: {{ .Values.replicas }}', '  selector: { matchLabels: { app: shop } }', '  template:',
    '    metadata: { labels: { app: shop } }', '    spec:', '      containers:', '        - name: shop', '          image: example/shop:1', '',
  ].join('\n'));
  if (archive) writeFileSync(join(dir, 'charts', 'lib-0.1.0.tgz'), archive);
  return dir;
}

describe('packaged subcharts', () => {
  it('tarEntries reads ustar, PAX long names and what the system tar writes', () => {
    const long = `lib/templates/${'x'.repeat(120)}.tpl`;
    assert.deepEqual(tarEntries(tar({ ...LIBRARY, [long]: 'y' })).map((e) => e.name), [...Object.keys(LIBRARY), long]);
    const dir = tempFolder('threatmap-tar-');
    mkdirSync(join(dir, 'lib', 'templates'), { recursive: true });
    for (const [name, text] of Object.entries(LIBRARY)) writeFileSync(join(dir, name), text);
    execFileSync('tar', ['czf', join(dir, 'lib.tgz'), '-C', dir, 'lib']);
    const { files } = readChart(dir);
    assert.deepEqual(files.map((f) => f.path).sort(), ['lib.tgz', 'lib/Chart.yaml', 'lib/templates/_names.tpl'], 'an archive outside charts/ is a plain file');
  });

  it('a library chart packaged under charts/ renders into the parent\'s templates', () => {
    const dir = chartWith(gzipSync(tar(LIBRARY)));
    assert.deepEqual(readChart(dir).files.map((f) => f.path), ['Chart.yaml', 'templates/deployment.yaml', 'values.yaml', 'charts/lib/Chart.yaml', 'charts/lib/templates/_names.tpl']);
    const r = run('discover', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning/);
    assert.match(r.stdout, /^ {2}shop-shop: \{ type: service, in: default, replicas: 2 \}$/m);
  });

  it('a damaged archive is named in the summary; the templates that need it are warnings', () => {
    const dir = chartWith(new Uint8Array([1, 2, 3, 4]));
    const r = run('discover', dir);
    assert.match(r.stderr, /charts\/lib-0\.1\.0\.tgz:1:1: warning\[helm-archive\]: a packaged subchart that cannot be opened \(.+\); its templates are not rendered/);
    assert.equal(r.code, 2, 'nothing else renders: nothing written');
    assert.match(r.stderr, /templates\/deployment\.yaml:4:\d+: warning\[helm-template\]: this template is not rendered: .*no template "lib\.fullname"/);
    assert.ok(!r.stderr.includes('    at '), r.stderr);
  });
});
