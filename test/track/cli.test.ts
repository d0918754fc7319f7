// The tracking commands as a CI job and a person use them: triage, check, diff, export; exit codes
// 0 (pass), 1 (check failed), 2 (invalid input), never a stack trace. "Today" is fixed by THREATMAP_TODAY.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withoutPrintDates } from '../../src/cli/export.js';
import { replaceOnce } from '../helpers.js';
import { tempFolder } from '../temp.js';
import { git, run as runCli, type RunOptions } from '../cli/git-repo.js';

const run = (args: string[], options: RunOptions = {}) => runCli(args, { today: '2026-11-28', ...options });

function workspace(): { dir: string; model: string } {
  const dir = tempFolder('threatmap-track-');
  const model = join(dir, 'shop.yaml');
  copyFileSync('examples/ecommerce.yaml', model);
  return { dir, model };
}

const addAdmin = (t: string) => `${replaceOnce(t, '  payments:\n', '  admin:\n    name: Back office\n    tech: node\n    in: dmz\n    controls: [audit-logging, ddos-protection]\n    endpoints:\n      /admin: { kind: admin }\n  payments:\n').trimEnd()}\n  - browser -> admin: { protocol: https }\n`;

describe('threatmap triage', () => {
  it('lists threats with stable ids and status', () => {
    const { model } = workspace();
    const r = run(['triage', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ID\s+Stable id\s+Risk\s+Status\s+Threat\n/);
    assert.match(r.stdout, /T2\s+TM-[0-9a-f]{8}\s+High\s+open\s+No rate limiting on \/search/);
    assert.match(r.stdout, /No triage file yet/);
  });

  it('records a decision atomically, keeps comments, and check/analyze honour it', () => {
    const { dir, model } = workspace();
    const triageFile = join(dir, 'shop.triage.yaml');
    const id = /T2\s+(TM-[0-9a-f]{8})/.exec(run(['triage', model]).stdout)![1];
    let r = run(['triage', model, id, '--status', 'accepted', '--reason', 'catalogue is public', '--owner', 'alice', '--expires', '2027-01-31']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${id} \\(T2, No rate limiting on /search\\) is accepted until 2027-01-31`));
    writeFileSync(triageFile, readFileSync(triageFile, 'utf8').replace('threats:', '# security guild, Q4\nthreats:'));
    r = run(['triage', model, 'T1', '--status', 'mitigating', '--ticket', 'SEC-7']);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(triageFile, 'utf8');
    assert.ok(text.includes('# security guild, Q4'), text);
    assert.match(text, new RegExp(`${id}:\\n    threat: No rate limiting on /search \\(no-rate-limiting@api:/search\\)\\n    status: accepted`));
    assert.deepEqual(readdirSync(dir).sort(), ['shop.triage.yaml', 'shop.yaml'], 'no temporary file left');

    const report = run(['analyze', model]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /### Residual Risk\n\n\*\*Open \(open or mitigating\):\*\* 4 High, 3 Medium, 1 Low\. \*\*Closed by decision:\*\* 1 High\./);
    assert.match(report.stdout, new RegExp(`\\| T2 \`${id}\` \\| No rate limiting on /search \\| High \\| accepted \\| catalogue is public \\| alice \\|  \\| 2027-01-31 \\|`));

    // One High accepted: four High still open.
    assert.equal(run(['check', model, '--fail-on', 'high']).code, 1);
    // After the expiry the acceptance lapses, with a warning.
    const later = run(['check', model, '--fail-on', 'high'], { today: '2027-02-01' });
    assert.equal(later.code, 1);
    assert.match(later.stderr, /shop\.triage\.yaml:\d+:3: warning\[expired\]: TM-[0-9a-f]{8} \(T2, No rate limiting on \/search\): `accepted` expired on 2027-01-31/);
    assert.match(later.stdout, /1 expired decision/);
  });

  it('refuses unknown threats, past expiry dates and bad statuses with exit 2', () => {
    const { model } = workspace();
    let r = run(['triage', model, 'TM-00000000', '--status', 'accepted']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no threat 'TM-00000000'/);
    r = run(['triage', model, 'T1', '--status', 'accepted', '--expires', '2020-01-01']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already past/);
    r = run(['triage', model, 'T1', '--status', 'acepted']);
    assert.equal(r.code, 2);
    r = run(['triage', model, 'T1', '--expires', '31/01/2027', '--status', 'accepted']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /YYYY-MM-DD/);
  });

  it('an invalid triage file stops every command with file:line:col and exit 2', () => {
    const { dir, model } = workspace();
    writeFileSync(join(dir, 'shop.triage.yaml'), 'threats:\n  TM-00000000:\n    status: accepted\n    expries: 2027-01-31\n');
    for (const args of [['analyze', model], ['check', model], ['triage', model], ['export', model, '-f', 'sarif']]) {
      const r = run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /shop\.triage\.yaml:4:5: error\[unknown-key\]: unknown key `expries`/);
      assert.match(r.stderr, /did you mean `expires`\?/);
    }
  });

  it('reports stale entries', () => {
    const { dir, model } = workspace();
    writeFileSync(join(dir, 'shop.triage.yaml'), 'threats:\n  "no-rate-limiting@api:/serch": { status: accepted, reason: typo }\n');
    const r = run(['triage', model]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /shop\.triage\.yaml:2:3: warning\[stale-entry\]: triage entry `no-rate-limiting@api:\/serch` matches no threat: did you mean `no-rate-limiting@api:\/search`\?/);
    assert.match(r.stdout, /Stale entries \(they match no threat\):/);
    assert.equal(run(['check', model, '--fail-on', 'critical']).code, 0);
    assert.equal(run(['check', model, '--fail-on', 'critical', '--fail-on-stale']).code, 1);
  });
});

describe('threatmap check', () => {
  it('exit 0 when nothing open at the level, 1 when something is, with a one-screen summary', () => {
    let r = run(['check', 'examples/ecommerce.yaml', '--fail-on', 'critical']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^threatmap check examples\/ecommerce\.yaml: PASS, no open threat at or above Critical/);
    r = run(['check', 'examples/ecommerce.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL, 5 open threats at or above High/);
    assert.match(r.stdout, /T1\s+TM-[0-9a-f]{8}\s+High\s+.*examples\/ecommerce\.yaml:\d+/);
    assert.ok(r.stdout.split('\n').length < 25, 'fits one screen');
    const json = JSON.parse(run(['check', 'examples/ecommerce.yaml', '--format', 'json']).stdout);
    assert.equal(json.passed, false);
    assert.equal(json.failing.length, 5);
  });

  it('exit 2 for invalid input', () => {
    const { dir } = workspace();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'threatmap: 1\nsystem: { name: x }\nelements:\n  a: { kind: process, contrls: [waf] }\n');
    assert.equal(run(['check', bad]).code, 2);
    assert.equal(run(['check', join(dir, 'missing.yaml')]).code, 2);
    assert.equal(run(['check', 'examples/ecommerce.yaml', '--fail-on', 'severe']).code, 2);
    const r = run(['check', 'examples/ecommerce.yaml', '--new-only']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--base/);
  });

  it('--new-only --base REV fails only on threats new since the revision', () => {
    const { dir, model } = workspace();
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'shop.yaml');
    git(dir, 'commit', '-q', '-m', 'model');
    let r = run(['check', model, '--fail-on', 'high', '--new-only', '--base', 'main']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PASS, no new open threat at or above High/);
    writeFileSync(model, addAdmin(readFileSync(model, 'utf8')));
    r = run(['check', model, '--fail-on', 'high', '--new-only', '--base', 'main']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL, 2 new open threats \(not failing at main\) at or above High/);
    assert.ok(!/No rate limiting on \/search/.test(r.stdout), 'old threats are not listed');
    assert.equal(run(['check', model, '--new-only', '--base', 'no-such-branch']).code, 2);
  });
});

describe('threatmap check --fail-on-easier-paths', () => {
  it('fails when a change lets an entry point reach an asset with fewer credentials, and names the route', () => {
    const { dir, model } = workspace();
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'shop.yaml');
    git(dir, 'commit', '-q', '-m', 'model');
    const gate = ['check', model, '--fail-on', 'critical', '--new-only', '--fail-on-easier-paths', '--base', 'main'];
    let r = run(gate);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PASS, no new open threat at or above Critical, no asset easier to reach than at main/);
    // The database stops asking the API servers for a password.
    writeFileSync(model, replaceOnce(readFileSync(model, 'utf8'), 'protocol: postgres+tls, auth: password,', 'protocol: postgres+tls,'));
    r = run(gate);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL, 3 assets easier to reach than at main \(--fail-on-easier-paths\)/);
    assert.match(r.stdout, /  Customer PII: 1 of 4 hops authenticated, High -> 0 of 4 hops authenticated, High: Customer browser -> CDN -> Load balancer -> API servers -> Orders database/);
    const json = JSON.parse(run([...gate, '--format', 'json']).stdout);
    assert.deepEqual(json.easierPaths.map((c: { asset: string }) => c.asset), ['pii', 'orders', 'prices']);
    const usage = run(['check', model, '--fail-on-easier-paths']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--fail-on-easier-paths compares with a revision: add --base REV/);
  });
});

describe('threatmap diff', () => {
  it('compares two files, and a file with itself at a git revision', () => {
    const { dir, model } = workspace();
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'shop.yaml');
    git(dir, 'commit', '-q', '-m', 'model');
    writeFileSync(model, addAdmin(readFileSync(model, 'utf8')));
    const r = run(['diff', 'shop.yaml', '--base', 'main'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<!-- threatmap-diff:shop\.yaml -->\n## Threat model changes: Acme Shop\n\n`main:shop\.yaml` -> `shop\.yaml`: \*\*2 new threats \(1 Critical, 1 High\), 1 new boundary crossing, 1 endpoint and 1 component added to the attack surface\*\*/);
    const json = JSON.parse(run(['diff', 'examples/ecommerce.yaml', model, '--format', 'json']).stdout);
    assert.deepEqual(json.newThreats.map((t: { key: string }) => t.key), ['exposed-admin-interface@admin:/admin', 'no-rate-limiting@admin:/admin']);
    // A model new in this branch: everything is new.
    const fresh = join(dir, 'new.yaml');
    copyFileSync('examples/prelaunch.yaml', fresh);
    const n = run(['diff', fresh, '--base', 'main', '--format', 'json']);
    assert.equal(n.code, 0, n.stderr);
    assert.equal(JSON.parse(n.stdout).old.exists, false);
  });

  it('usage errors exit 2', () => {
    assert.equal(run(['diff', 'examples/ecommerce.yaml']).code, 2);
    assert.equal(run(['diff', 'examples/ecommerce.yaml', '--base', '--oops']).code, 2);
  });
});

describe('threatmap export', () => {
  it('writes SARIF, HTML, CSV and JSON, by --format or by the output extension', () => {
    const { dir, model } = workspace();
    for (const [file, check] of [
      ['out.sarif', (t: string) => assert.equal(JSON.parse(t).version, '2.1.0')],
      ['out.html', (t: string) => assert.match(t, /^<!DOCTYPE html>/)],
      ['out.csv', (t: string) => assert.match(t, /^id,stable_id,key,status,risk/)],
      ['out.json', (t: string) => assert.equal(JSON.parse(t).tool, 'threatmap')],
    ] as const) {
      const r = run(['export', model, '-o', join(dir, file)]);
      assert.equal(r.code, 0, r.stderr);
      check(readFileSync(join(dir, file), 'utf8'));
    }
    const r = run(['analyze', model, '--format', 'sarif']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).runs[0].results.length, 9);
    assert.equal(run(['export', model]).code, 2, 'no format and no extension');
  });

  const chromium = existsSync('/usr/bin/chromium') || process.env.THREATMAP_BROWSER_TESTS === '1';
  it('prints a PDF with Chromium when it is installed', { skip: chromium ? false : 'Chromium is not installed (apt-get install -y chromium)' }, () => {
    const { dir, model } = workspace();
    const r = run(['export', model, '-o', join(dir, 'report.pdf')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'report.pdf')).subarray(0, 5).toString(), '%PDF-');
    // The same model, the same bytes: Chromium's time of printing is not kept.
    assert.equal(run(['export', model, '-o', join(dir, 'again.pdf')]).code, 0);
    assert.ok(readFileSync(join(dir, 'again.pdf')).equals(readFileSync(join(dir, 'report.pdf'))), 'two exports are byte-identical');
    assert.match(readFileSync(join(dir, 'report.pdf')).toString('latin1'), /\/CreationDate \(D:19700101000000/);
  });

  it('fixes the print dates of a PDF without changing its length', () => {
    const pdf = Buffer.from("%PDF-1.4\n<< /CreationDate (D:20261130040206+00'00') /ModDate (D:20261130040207+00'00') >>\n", 'latin1');
    const fixed = Buffer.from(withoutPrintDates(pdf));
    assert.equal(fixed.length, pdf.length);
    assert.equal(fixed.toString('latin1'), "%PDF-1.4\n<< /CreationDate (D:19700101000000+00'00') /ModDate (D:19700101000000+00'00') >>\n");
  });
});
