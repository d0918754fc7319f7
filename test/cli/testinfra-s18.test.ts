// `threatmap check -f github` says each triage warning once: as its `::warning` (or `::error`) annotation, which
// GitHub shows on the file and in the job log alike, and not also as a plain line on standard error. The model's own
// warnings, which no annotation says, stay plain lines; `-f text` is unchanged.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replaceOnce } from '../helpers.js';
import { editFile, modelRepository, run } from './git-repo.js';

/** Two entries that match no threat (lines 3 and 5), and an acceptance of a High threat that lapsed on 2027-01-10 (line 7). */
const TRIAGE = `threatmap-triage: 1
threats:
  "no-such-rule@api":
    status: mitigating
  "other-rule@db":
    status: mitigating
  "no-rate-limiting@api:/search":
    status: accepted
    reason: the catalogue is public and cached at the CDN
    expires: 2027-01-10
`;

const repository = () => modelRepository({ prefix: 'threatmap-testinfra-s18-', files: { 'shop.triage.yaml': TRIAGE } });

/** `threatmap check shop.yaml ARGS` in a repository of the example with TRIAGE beside it; exit 0 unless an option fails it. */
function check(args: string[], cwd = repository().dir) {
  return run(['check', 'shop.yaml', '--fail-on', 'critical', ...args], { cwd });
}

const lines = (text: string, pattern: RegExp): string[] => text.split('\n').filter((l) => pattern.test(l));

describe('check -f github: each triage warning once', () => {
  it('one ::warning line per triage warning, and no plain line on standard error', () => {
    const r = check(['-f', 'github']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout, /^::warning /).map((l) => /^::warning file=shop\.triage\.yaml,(line=\d+,col=\d+,title=[^:]+)::./.exec(l)?.[1]), [
      'line=3,col=3,title=threatmap stale-entry',
      'line=5,col=3,title=threatmap stale-entry',
      'line=7,col=3,title=threatmap expired',
    ]);
    assert.equal(r.stderr, '');
  });

  it('an expired decision failing the gate is one ::error, neither a ::warning nor a plain line as well', () => {
    const r = check(['-f', 'github', '--fail-on-expired', '--fail-on', 'high']);
    assert.equal(r.code, 1);
    assert.equal(lines(r.stdout, /^::error file=shop\.triage\.yaml,line=7,/).length, 1);
    assert.deepEqual(lines(r.stdout, /^::warning /).map((l) => /line=(\d+)/.exec(l)?.[1]), ['3', '5']);
    assert.equal(r.stderr, '');
  });

  it('--triage FILE: its warnings too are annotations only, at that file', () => {
    const { dir } = repository();
    const r = check(['-f', 'github', '--triage', join(dir, 'shop.triage.yaml')], dir);
    assert.equal(lines(r.stdout, /^::warning file=shop\.triage\.yaml,line=\d+,col=3,title=threatmap /).length, 3, r.stdout);
    assert.equal(r.stderr, '');
  });

  it('with -q the same annotations, which are the output, not a warning', () => {
    const { dir } = repository();
    assert.equal(check(['-f', 'github', '-q'], dir).stdout, check(['-f', 'github'], dir).stdout);
  });

  it('the model\'s own warnings, which no annotation says, are still plain lines on standard error', () => {
    const { dir, model } = repository();
    editFile(model, (text) => replaceOnce(text, 'flows:\n', 'flows:\n  - api -> api: { protocol: https }\n'));
    const r = check(['-f', 'github'], dir);
    assert.match(r.stderr, /^shop\.yaml:\d+:5: warning\[self-flow\]: flow `api->api` goes from `api` to itself$/m);
    assert.doesNotMatch(r.stderr, /stale-entry|expired/);
    assert.doesNotMatch(r.stdout, /self-flow/);
  });
});

describe('check -f text: unchanged', () => {
  it('every triage warning a plain line on standard error, once, and no annotation', () => {
    const r = check([]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stderr, /warning\[/).map((l) => l.replace(/: warning\[([a-z-]+)\].*/, ' $1')), [
      'shop.triage.yaml:3:3 stale-entry',
      'shop.triage.yaml:5:3 stale-entry',
      'shop.triage.yaml:7:3 expired',
    ]);
    assert.doesNotMatch(r.stdout, /^::/m);
    assert.match(r.stdout, /triage: .*see the warnings above/);
  });

  it('-f json leaves them on standard error too', () => {
    const r = check(['-f', 'json']);
    assert.equal(lines(r.stderr, /warning\[/).length, 3);
  });
});
