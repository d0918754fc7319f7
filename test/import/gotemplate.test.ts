// Go's text/template in TypeScript (src/import/gotemplate): each construct on small templates with the exact
// output Go gives, printing the Go way, errors with positions, the line map, the work caps, and seeded
// damage to a realistic template that must only ever end in a GoTemplateError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FuncError, type GoFunction, GoStruct, GoTemplateError, TemplateSet, type TemplateSetOptions } from '../../src/import/gotemplate/index.js';
import { lex } from '../../src/import/gotemplate/lex.js';
import { mutations } from './mutations.js';

const fn = (params: GoFunction['params'], call: GoFunction['call'], variadic?: GoFunction['variadic']): GoFunction =>
  (variadic ? { params, variadic, call } : { params, call });

/** A few functions of the kind Helm adds, for templates that look like charts. */
const FUNCTIONS = new Map<string, GoFunction>([
  ['upper', fn(['string'], ([s]) => (s as string).toUpperCase())],
  ['quote', fn([], (args) => args.filter((a) => a !== null).map((a) => JSON.stringify(String(a))).join(' '), 'any')],
  ['include', fn(['string', 'any'], ([name, data], ctx) => ctx.include(name as string, data))],
  ['tpl', fn(['string', 'any'], ([text, data], ctx) => ctx.tpl(text as string, data))],
  ['boom', fn([], () => {
    throw new FuncError('boom was called');
  })],
  ['int', fn(['any'], ([v]) => BigInt(Math.trunc(Number(v))))],
  ['nindent', fn(['int', 'string'], ([n, s]) => `\n${' '.repeat(Number(n))}${(s as string).replace(/\n/g, `\n${' '.repeat(Number(n))}`)}`)],
]);

const map = (entries: Record<string, unknown>): Map<string, unknown> => new Map(Object.entries(entries));

const DATA = map({
  name: 'web',
  replicas: 3,
  big: 1000000,
  ratio: 0.25,
  count: 7n,
  on: true,
  empty: '',
  nothing: null,
  list: ['a', 'b', 'c'],
  labels: map({ tier: 'front', app: 'web' }),
  nested: map({ inner: map({ value: 'deep' }) }),
});

function render(text: string, data: unknown = DATA, options: TemplateSetOptions = {}): string {
  const set = new TemplateSet({ functions: FUNCTIONS, ...options });
  set.addFile('t.yaml', text);
  return set.render('t.yaml', data).text;
}

function failure(text: string, data: unknown = DATA, options: TemplateSetOptions = {}): GoTemplateError {
  try {
    render(text, data, options);
  } catch (err) {
    assert.ok(err instanceof GoTemplateError, `not a GoTemplateError: ${String(err)}`);
    return err;
  }
  assert.fail(`no error for ${text}`);
}

const where = (e: GoTemplateError): string => `${e.file}:${e.line}:${e.col}: ${e.message}`;

describe('gotemplate: lexer', () => {
  it('splits text, delimiters, trim markers and words, with lines and columns', () => {
    const tokens = lex('a {{- .Values.x | quote -}}  \n b').map((t) => `${t.type}:${t.val}@${t.line}:${t.col}`);
    assert.deepEqual(tokens, [
      'text:a@1:1', 'leftDelim:{{@1:3', 'field:.Values@1:7', 'field:.x@1:14', 'space: @1:16', 'pipe:|@1:17', 'space: @1:18',
      'identifier:quote@1:19', 'rightDelim:}}@1:26', 'text:b@2:2', 'eof:@2:3',
    ]);
  });

  it('reads strings, raw strings, runes, numbers, keywords and stops at a bad character', () => {
    const types = lex('{{ range $i, $v := "a\\"b" `r` \'c\' 0x1F nil true }}').map((t) => t.type).filter((t) => t !== 'space');
    assert.deepEqual(types, ['leftDelim', 'keyword', 'variable', 'char', 'variable', 'declare', 'string', 'rawString', 'charConstant', 'number', 'nil', 'bool', 'rightDelim', 'eof']);
    assert.deepEqual(lex('{{ a!b }}').at(-1), { type: 'error', val: "bad character U+0021 '!'", offset: 4, line: 1, col: 5 });
  });
});

describe('gotemplate: text, trim markers and comments', () => {
  it('copies text and prints actions', () => {
    assert.equal(render('name: {{ .name }}\nreplicas: {{ .replicas }}\n'), 'name: web\nreplicas: 3\n');
  });

  it('trim markers eat the whitespace (newlines too) on their side only', () => {
    assert.equal(render('a  \n  {{- .name -}}  \n  b'), 'awebb');
    assert.equal(render('a  \n  {{- .name }}  \n  b'), 'aweb  \n  b');
    assert.equal(render('a  \n  {{ .name -}}  \n  b'), 'a  \n  webb');
    assert.equal(render('x: {{ 3 -}} {{- 4 }}'), 'x: 34');
  });

  it('a minus without a space is a number, not a trim marker', () => {
    assert.equal(render('{{ -3 }}|{{ 3 }}-'), '-3|3-');
  });

  it('comments print nothing and may trim', () => {
    assert.equal(render('a {{/* a comment */}} b'), 'a  b');
    assert.equal(render('a\n{{- /* multi\nline */ -}}\nb'), 'ab');
  });
});

describe('gotemplate: printing like Go', () => {
  it('nil prints as <no value>, or as Helm prints it (nothing)', () => {
    assert.equal(render('[{{ .nothing }}][{{ .missing }}]'), '[<no value>][<no value>]');
    assert.equal(render('[{{ .nothing }}][{{ .missing }}]', DATA, { noValue: '' }), '[][]');
  });

  it('floats print as strconv.FormatFloat(f, \'g\', -1, 64), ints plainly', () => {
    assert.equal(render('{{ .replicas }} {{ .big }} {{ .ratio }} {{ .count }} {{ 3 }} {{ 1.0 }} {{ 1e6 }} {{ 123456.5 }} {{ 0.00001 }}'),
      '3 1e+06 0.25 7 3 1 1e+06 123456.5 1e-05');
  });

  it('maps print with sorted keys, lists with spaces, nested the same way', () => {
    assert.equal(render('{{ .labels }} {{ .list }} {{ .nested }}'), 'map[app:web tier:front] [a b c] map[inner:map[value:deep]]');
    assert.equal(render('{{ . }}', [null, 1.5, [true]]), '[<nil> 1.5 [true]]');
  });

  it('print, println and printf follow fmt', () => {
    assert.equal(render('{{ print "a" 1 2 "b" }}|{{ println 1 "x" }}|{{ printf "%s=%d %v %q %t %.2f" "n" 3 .big "q" true .ratio }}'),
      'a1 2b|1 x\n|n=3 1e+06 "q" true 0.25');
    assert.equal(render('{{ printf "%d" .replicas }}'), '%!d(float64=3)');
  });

  it('a struct prints its String(), and its methods take arguments', () => {
    const version = new GoStruct('*chartutil.KubeVersion', map({ Major: '1' }), new Map([['Has', fn(['string'], ([v]) => v === 'apps/v1')]]), () => 'v1.29.0');
    assert.equal(render('{{ .v }} {{ .v.Major }} {{ .v.Has "apps/v1" }} {{ .v.Has "x/v9" }}', map({ v: version })), 'v1.29.0 1 true false');
  });
});

describe('gotemplate: control structures', () => {
  it('if / else if / else on Go truth', () => {
    const t = '{{ if .empty }}A{{ else if .nothing }}B{{ else if .list }}C{{ else }}D{{ end }}';
    assert.equal(render(t), 'C');
    assert.equal(render('{{ if 0 }}x{{ else }}y{{ end }}{{ if .labels }}z{{ end }}{{ if (list) }}{{ end }}', DATA, { functions: new Map([...FUNCTIONS, ['list', fn([], (a) => a, 'any')]]) }), 'yz');
  });

  it('with sets dot; its else sees the old dot; else with chains', () => {
    assert.equal(render('{{ with .labels }}{{ .app }}{{ end }}|{{ with .missing }}x{{ else }}{{ .name }}{{ end }}'), 'web|web');
    assert.equal(render('{{ with .missing }}a{{ else with .nested.inner }}{{ .value }}{{ else }}c{{ end }}'), 'deep');
  });

  it('range over lists, maps in sorted key order, ints; else when empty', () => {
    assert.equal(render('{{ range .list }}{{ . }},{{ end }}'), 'a,b,c,');
    assert.equal(render('{{ range $i, $v := .list }}{{ $i }}={{ $v }} {{ end }}'), '0=a 1=b 2=c ');
    assert.equal(render('{{ range $k, $v := .labels }}{{ $k }}:{{ $v }};{{ end }}'), 'app:web;tier:front;');
    assert.equal(render('{{ range $v := .labels }}{{ $v }};{{ end }}'), 'web;front;');
    assert.equal(render('{{ range 3 }}{{ . }}{{ end }}'), '012');
    assert.equal(render('{{ range .missing }}x{{ else }}none{{ end }}', DATA), 'none');
  });

  it('break and continue', () => {
    assert.equal(render('{{ range $i, $v := .list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $v "c" }}{{ break }}{{ end }}{{ $v }}{{ end }}'), 'a');
  });

  it('$ is the data everywhere; dot moves with range and with', () => {
    assert.equal(render('{{ range .list }}{{ $.name }}-{{ . }} {{ end }}'), 'web-a web-b web-c ');
  });
});

describe('gotemplate: variables and scopes', () => {
  it('declared with :=, changed with =, visible until the end of their block', () => {
    assert.equal(render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ $y }}{{ end }}{{ $x }}'), '32');
    assert.equal(render('{{ $n := .name }}{{ range .list }}{{ $n }}{{ end }}'), 'webwebweb');
  });

  it('a variable of a closed block is unknown afterwards (a parse error)', () => {
    const e = failure('{{ if true }}{{ $y := 3 }}{{ end }}\n{{ $y }}');
    assert.equal(where(e), 't.yaml:2:4: undefined variable "$y"');
  });

  it('a template called with {{template}} sees none of the caller\'s variables', () => {
    const e = failure('{{ define "d" }}{{ $x }}{{ end }}{{ $x := 1 }}{{ template "d" }}');
    assert.equal(where(e), 't.yaml:1:20: undefined variable "$x"');
  });
});

describe('gotemplate: and, or, not, comparison', () => {
  it('and/or return an operand and stop at the first that decides', () => {
    assert.equal(render('{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 "" "z" }} {{ or 0 "" }} {{ not .empty }}'), '0 2 z  true');
    assert.equal(render('{{ or .name (boom) }} {{ and .empty (boom) }}|'), 'web |');
  });

  it('eq compares basic kinds; an int against a float64 is an error, against nil false', () => {
    assert.equal(render('{{ eq .name "web" }} {{ eq 2 1 2 }} {{ eq .missing "x" }} {{ ne .name "x" }} {{ lt 1 2 }} {{ ge "b" "a" }}'), 'true true false true true true');
    assert.equal(failure('{{ eq .replicas 3 }}').message, 'at <eq .replicas 3>: error calling eq: incompatible types for comparison');
  });
});

describe('gotemplate: define, template, block, pipelines', () => {
  it('define/template pass the pipeline as dot; block defines and runs', () => {
    assert.equal(render('{{ define "item" }}<{{ . }}>{{ end }}{{ template "item" .name }}{{ template "item" }}'), '<web><<no value>>');
    assert.equal(render('{{ block "b" .list }}{{ len . }}{{ end }}'), '3');
  });

  it('a later define replaces an earlier one; an empty one does not', () => {
    const set = new TemplateSet({ functions: FUNCTIONS });
    set.addFile('_a.tpl', '{{ define "x" }}first{{ end }}');
    set.addFile('_b.tpl', '{{ define "x" }}second{{ end }}{{ define "y" }}y{{ end }}');
    set.addFile('_c.tpl', '{{ define "y" }}  {{ end }}');
    set.addFile('t', '{{ template "x" }}{{ template "y" }}');
    assert.equal(set.render('t', null).text, 'secondy');
  });

  it('pipelines pass the last value as the final argument; parentheses group; fields read off any value', () => {
    assert.equal(render('{{ .name | upper | printf "%s!" }} {{ (index .nested "inner").value }} {{ printf "%s-%s" (upper .name) .name }}'), 'WEB! deep WEB-web');
    assert.equal(render('{{ include "t2" . }}{{ define "t2" }}[{{ .name }}]{{ end }} {{ tpl "{{ .name | upper }}" . }}'), '[web] WEB');
  });
});

describe('gotemplate: missing keys and type checks', () => {
  it('Go\'s default: a missing key reads as nil all the way down', () => {
    assert.equal(render('{{ .missing.deeper }}'), '<no value>');
  });

  it('Helm\'s missingkey=zero: a field of a missing key fails, as Helm\'s "nil pointer evaluating interface {}"', () => {
    const e = failure('a\n  x: {{ .missing.deeper }}', DATA, { missingKey: 'zero' });
    assert.equal(where(e), 't.yaml:2:9: at <.missing.deeper>: nil pointer evaluating interface {}.deeper');
    assert.equal(render('{{ (.missing).deeper }}|{{ $x := .missing }}{{ $x.deeper }}', DATA, { missingKey: 'zero', noValue: '' }), '|');
  });

  it('arguments must have the parameter\'s type', () => {
    assert.equal(failure('{{ upper .replicas }}').message, 'at <.replicas>: wrong type for value; expected string; got float64');
    assert.equal(failure('{{ upper 3 }}').message, 'at <3>: expected string; found 3');
    assert.equal(failure('{{ upper .missing }}', DATA, { missingKey: 'zero' }).message, 'at <.missing>: wrong type for value; expected string; got interface {}');
    assert.equal(failure('{{ .missing | upper }}').message, 'at <upper>: invalid value; expected string');
    assert.equal(failure('{{ upper "a" "b" }}').message, 'at <upper "a" "b">: wrong number of args for upper: want 1 got 2');
  });

  it('a function\'s own failure names the function', () => {
    assert.equal(where(failure('ok\n{{ boom }}')), 't.yaml:2:4: at <boom>: error calling boom: boom was called');
  });
});

describe('gotemplate: parse errors at the exact line and column', () => {
  const cases: Array<[string, string]> = [
    ['a\nb {{ nosuch 1 }}', 't.yaml:2:6: function "nosuch" not defined'],
    ['x\n  {{ .a', 't.yaml:2:3: unclosed action'],
    ['{{ if .a }}\nno end', 't.yaml:1:1: unexpected EOF: {{if}} has no {{end}}'],
    ['ok\n{{ end }}', 't.yaml:2:4: unexpected {{end}}'],
    ['{{ "unterminated }}', 't.yaml:1:4: unterminated quoted string'],
    ['{{ 1 | 2 }}', 't.yaml:1:8: non executable command in pipeline stage 2'],
    ['{{ break }}', 't.yaml:1:4: {{break}} outside {{range}}'],
    ['{{ .a.b.c ) }}', 't.yaml:1:11: unexpected right paren'],
    ['{{/* open', 't.yaml:1:1: unclosed comment'],
    ['{{ 0x }}', 't.yaml:1:4: illegal number syntax: "0x"'],
    ['{{ template .x }}', 't.yaml:1:13: unexpected ".x" in template clause'],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => assert.equal(where(failure(text)), expected));
  }
});

describe('gotemplate: the line map', () => {
  it('each rendered line maps to the template line that produced it', () => {
    const set = new TemplateSet({ functions: FUNCTIONS });
    set.addFile('_h.tpl', '{{ define "labels" -}}\napp: x\ntier: y\n{{- end }}');
    set.addFile('t', 'kind: A\n{{- if true }}\nname: {{ .name }}\n{{- end }}\nlabels:\n  {{- include "labels" . | nindent 2 }}\n{{ template "labels" }}\nlast: {{ "multi\\nline" }}\n');
    const r = set.render('t', DATA);
    assert.equal(r.text.split('\n').length - 1, r.sourceLines.length);
    assert.deepEqual(r.text.split('\n').slice(0, -1).map((l, i) => `${r.sourceLines[i]}: ${l}`), [
      '1: kind: A', '3: name: web', '5: labels:', '6:   app: x', '6:   tier: y', '7: app: x', '7: tier: y', '8: last: multi', '8: line',
    ]);
  });
});

describe('gotemplate: caps and hostile input', () => {
  it('stops after a million actions, a hundred nested calls, or too much output', () => {
    assert.match(failure('{{ range 2000000 }}{{ end }}').message, /^stops: more than 1,000,000 actions executed$/);
    assert.match(failure('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}').message, /stops: more than 100 nested template calls/);
    assert.match(failure('{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}').message, /stops: more than 100 nested template calls/);
    assert.match(failure('{{ range 100 }}0123456789{{ end }}', DATA, { limits: { output: 500 } }).message, /^stops: the output is over/);
  });

  it('deep nesting is a GoTemplateError, not a stack overflow', () => {
    const e = failure(`{{ ${'('.repeat(50_000)}1${')'.repeat(50_000)} }}`);
    assert.match(e.message, /stops: the template nests too deeply/);
  });

  it('1,000 seeded mutations of a realistic template only ever throw GoTemplateError', () => {
    const chart = [
      '{{- define "app.labels" -}}',
      'app: {{ .name | quote }}',
      '{{- range $k, $v := .labels }}',
      '{{ $k }}: {{ $v }}',
      '{{- end }}',
      '{{- end -}}',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .name }}-{{ printf "%s-%d" .name (int .replicas) }}',
      '  labels:',
      '    {{- include "app.labels" . | upper | printf "\\n%s" }}',
      'spec:',
      '  {{- if and .on (not .empty) }}',
      '  replicas: {{ .replicas }}',
      '  {{- else if .nothing }}',
      '  replicas: 0',
      '  {{- end }}',
      '  {{- with .nested.inner }}',
      '  value: {{ .value | default "x" }}',
      '  {{- end }}',
      '  items: {{ range $i, $e := .list }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $e }}{{ end }}',
      '  {{/* a comment */}}',
      '  {{ tpl "{{ .name }}" $ }} {{ index .labels "app" }} {{ len .list }} {{ slice .list 1 }}',
    ].join('\n');
    const functions = new Map([...FUNCTIONS, ['default', fn(['any', 'any'], ([d, v]) => v ?? d)]]);
    assert.ok(render(chart, DATA, { functions, missingKey: 'zero' }).includes('replicas: 3'));
    let failed = 0;
    for (const text of mutations([chart], '{}()|$.-"\'`:=, \n/*0', 20240601, 1000)) {
      try {
        render(text, DATA, { functions, missingKey: 'zero', noValue: '' });
      } catch (err) {
        assert.ok(err instanceof GoTemplateError, `${String(err)} for\n${text}`);
        assert.ok(err.line >= 1 && err.col >= 1 && err.message.length > 0);
        failed++;
      }
    }
    assert.ok(failed > 100, `only ${failed} mutations failed`);
  });
});
