// GitHub Actions output of the gate (gate-s17): workflow commands escaped as actions/toolkit escapes them, so that
// model text can neither break an annotation nor start a command of its own; and the Markdown job summary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeData, escapeProperty, formatAnnotation, formatAnnotations, jobSummary, SUMMARY_ROWS, type JobSummary } from '../../src/render/github.js';

describe('workflow command escaping', () => {
  it('data: % CR LF escaped, : and , kept', () => {
    assert.equal(escapeData('100% done\r\nnext: a, b'), '100%25 done%0D%0Anext: a, b');
    assert.equal(escapeData('plain text'), 'plain text');
  });

  it('properties: also : and , which would end the value; % first so that nothing is escaped twice', () => {
    assert.equal(escapeProperty('a:b,c%0A\nd'), 'a%3Ab%2Cc%250A%0Ad');
    assert.equal(escapeProperty('shop.yaml'), 'shop.yaml');
  });
});

describe('formatAnnotation', () => {
  it('writes the properties GitHub reads, in order, then the message', () => {
    assert.equal(formatAnnotation({ level: 'error', file: 'models/shop.yaml', line: 12, col: 3, title: 'High threat: No rate limiting', message: 'open, at or above High' }),
      '::error file=models/shop.yaml,line=12,col=3,title=High threat%3A No rate limiting::open, at or above High');
  });

  it('leaves out what it cannot place: no properties at all, a line 0, a column without a line, a line without a file', () => {
    assert.equal(formatAnnotation({ level: 'warning', message: 'stale' }), '::warning::stale');
    assert.equal(formatAnnotation({ level: 'error', line: 51, col: 7, title: 't', message: 'from standard input' }), '::error title=t::from standard input');
    assert.equal(formatAnnotation({ level: 'error', file: 'a.yaml', line: 0, col: 4, message: 'm' }), '::error file=a.yaml::m');
    assert.equal(formatAnnotation({ level: 'notice', file: 'a.yaml', col: 4, title: '', message: 'm' }), '::notice file=a.yaml::m');
  });

  it('model text cannot start a command of its own: each annotation is one line', () => {
    const evil = 'x\n::error file=evil.yaml::pwned\r\n::stop-commands::t';
    const text = formatAnnotations([{ level: 'error', file: 'a,b:c.yaml', line: 1, title: evil, message: evil }, { level: 'warning', message: 'second' }]);
    // `=` needs no escape: a property splits at its first one.
    const lines = text.split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.ok(lines[0].startsWith('::error file=a%2Cb%3Ac.yaml,line=1,title=x%0A%3A%3Aerror file=evil.yaml%3A%3Apwned%0D%0A%3A%3Astop-commands%3A%3At::x%0A::error'), lines[0]);
    assert.equal(lines[1], '::warning::second');
  });
});

const COUNTS = { Critical: 0, High: 2, Medium: 1, Low: 0, total: 3 };
const NONE = { Critical: 0, High: 0, Medium: 0, Low: 0, total: 0 };

function summary(over: Partial<JobSummary> = {}): JobSummary {
  return {
    command: 'threatmap check shop.yaml', passed: false, verdict: 'FAIL, 2 open threats at or above High', open: COUNTS, closed: NONE,
    failing: [
      { uid: 'TM-3efe6810', risk: 'High', title: 'No rate limiting on /search', component: 'API servers', where: 'shop.yaml:50' },
      { uid: 'TM-00000001', risk: 'High', title: 'Pipe | in <b>title</b>', component: 'A|B', where: 'shop.yaml:7' },
    ],
    notes: [],
    ...over,
  };
}

describe('jobSummary', () => {
  it('the verdict, the counts by risk and the failing threats as a table, ended by a blank line', () => {
    const md = jobSummary(summary());
    const lines = md.split('\n');
    assert.equal(lines[0], '### threatmap check shop.yaml: FAIL');
    assert.ok(lines.includes('| Open | 0 | 2 | 1 | 0 | 3 |'), md);
    assert.ok(lines.includes('| Closed by decision | 0 | 0 | 0 | 0 | 0 |'), md);
    assert.ok(lines.includes('| `TM-3efe6810` | **High** | No rate limiting on /search | API servers | `shop.yaml:50` |'), md);
    // A pipe in model text stays in its cell; HTML is not rendered.
    const row = lines.find((l) => l.includes('TM-00000001'))!;
    assert.match(row, /Pipe \\\| in /);
    assert.doesNotMatch(row, /<b>/);
    assert.ok(md.endsWith('\n\n'));
  });

  it('a pass has no table of threats; a Why column only when some threat fails for another reason than being open', () => {
    const pass = jobSummary(summary({ passed: true, verdict: 'PASS, no open threat at or above High', failing: [] }));
    assert.match(pass, /^### threatmap check shop\.yaml: PASS\n/);
    assert.doesNotMatch(pass, /Failing threats/);
    assert.doesNotMatch(jobSummary(summary()), /\| Why \|/);
    const why = jobSummary(summary({ failing: [{ uid: 'TM-1', risk: 'High', title: 't', component: 'c', where: 'shop.yaml:80:13', why: 'suppressed by the model: rules.disable: x' }] }));
    assert.match(why, /\| Stable id \| Risk \| Threat \| Component \| Where \| Why \|/);
    assert.match(why, /\| `shop\.yaml:80:13` \| suppressed by the model: rules\.disable: x \|/);
  });

  it(`lists at most ${SUMMARY_ROWS} threats, and says how many more`, () => {
    const many = Array.from({ length: SUMMARY_ROWS + 3 }, (_, i) => ({ uid: `TM-${i}`, risk: 'High' as const, title: `t${i}`, component: 'c', where: `s.yaml:${i}` }));
    const md = jobSummary(summary({ failing: many }));
    assert.equal(md.split('\n').filter((l) => l.startsWith('| `TM-')).length, SUMMARY_ROWS);
    assert.match(md, /\.\.\. and 3 more: see the job log\./);
    assert.doesNotMatch(jobSummary(summary()), /and \d+ more/);
  });

  it('notes are bullets', () => {
    assert.match(jobSummary(summary({ notes: ['1 stale triage entry (failing: --fail-on-stale)'] })), /\n- 1 stale triage entry \(failing: --fail-on-stale\)\n/);
  });
});
