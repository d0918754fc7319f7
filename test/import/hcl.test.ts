// The HCL reader (src/import/hcl.ts): the Terraform samples of the shared corpus (skipped, saying why, when
// the corpus is not there), every part of the syntax on texts of our own and test/fixtures/hcl/, the errors
// with their positions, and random damage to real files, which must give a tree or an HclSyntaxError.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  type HclBlock, type HclBody, type HclExpression, HclSyntaxError, literalValue, MAX_HCL_DEPTH, objectItems, parseHcl, referencesIn,
} from '../../src/import/hcl.js';
import { corpusDir, corpusMissing } from '../corpus.js';
import { mutations } from './mutations.js';

const LAYOUT = join('terraform', 'tfupandrunning-file-layout');
const WEBSERVER = join('stage', 'services', 'webserver-cluster', 'main.tf');
const CORPUS = corpusDir(LAYOUT, WEBSERVER);
const FIXTURE = join('test', 'fixtures', 'hcl', 'all-syntax.tf');

function corpus(t: TestContext): string | undefined {
  if (CORPUS === undefined) t.skip(corpusMissing(`${LAYOUT}/`));
  return CORPUS;
}

function tfFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tfFiles(full);
    return name.endsWith('.tf') ? [full] : [];
  });
}

const attr = (body: HclBody, name: string) => {
  const found = body.attributes.find((a) => a.name === name);
  assert.ok(found, `no attribute ${name}`);
  return found.value;
};
const block = (body: HclBody, type: string, ...labels: string[]): HclBlock => {
  const found = body.blocks.find((b) => b.type === type && labels.every((l, k) => b.labels[k] === l));
  assert.ok(found, `no block ${type} ${labels.join(' ')}`);
  return found;
};
/** The value of `x = text`. */
const value = (text: string) => attr(parseHcl(`x = ${text}\n`), 'x');
const refs = (expr: HclExpression) => referencesIn(expr).map((r) => r.parts);
const at = (p: { line: number; column: number }) => [p.line, p.column];
/** A null-prototype object, as literalValue makes them. */
const obj = (entries: Record<string, unknown>) => Object.assign(Object.create(null), entries);

/** An expression written out with every grouping shown: what the tree means, without positions. */
function show(e: HclExpression): string {
  switch (e.kind) {
    case 'literal':
      return JSON.stringify(e.value);
    case 'traversal':
      return e.root + e.steps.map((s) => (s.kind === 'attr' ? `.${s.name}` : s.kind === 'splat' ? '[*]' : `[${show(s.key)}]`)).join('');
    case 'template':
      return `\`${e.parts.map((p) => (p.kind === 'literal' && typeof p.value === 'string' ? p.value : `\${${show(p)}}`)).join('')}\``;
    case 'tuple':
      return `[${e.items.map(show).join(', ')}]`;
    case 'object':
      return `{${e.items.map((i) => `${show(i.key)} = ${show(i.value)}`).join(', ')}}`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')}${e.expandFinal ? '...' : ''})`;
    case 'index':
      return `${show(e.target)}[${show(e.key)}]`;
    case 'operation':
      if (e.operator === '?:') return `(${show(e.operands[0])} ? ${show(e.operands[1])} : ${show(e.operands[2])})`;
      if (e.operator === '[*]') return `${show(e.operands[0])}[*]${show({ kind: 'traversal', root: '', steps: e.steps ?? [], pos: e.pos })}`;
      if (e.operands.length === 1) return `${e.operator}${show(e.operands[0])}`;
      return `(${show(e.operands[0])} ${e.operator} ${show(e.operands[1])})`;
    case 'for': {
      const [open, close] = e.object ? ['{', '}'] : ['[', ']'];
      const [key, val, cond] = e.object ? e.parts : [undefined, ...e.parts];
      return `${open}for ${e.variables!.join(', ')} in ${show(e.collection)} : ${key ? `${show(key)} => ` : ''}${show(val!)}${e.grouped ? '...' : ''}${cond ? ` if ${show(cond)}` : ''}${close}`;
    }
    case 'parens':
      return `paren(${show(e.expression)})`;
  }
}

function fails(text: string, line: number, column: number, message: string): void {
  assert.throws(() => parseHcl(text), (err: unknown) => {
    assert.ok(err instanceof HclSyntaxError, String(err));
    assert.equal(err.message, message);
    assert.deepEqual([err.line, err.column], [line, column], err.message);
    return true;
  });
}

describe('HCL: the Terraform corpus (Terraform: Up & Running, file layout example)', () => {
  it('every .tf file parses into blocks', (t) => {
    const dir = corpus(t);
    if (!dir) return;
    const files = tfFiles(dir);
    assert.equal(files.length, 9);
    for (const file of files) assert.ok(parseHcl(readFileSync(file, 'utf8')).blocks.length > 0, file);
  });

  it('webserver-cluster main.tf: the blocks in order, values, references and positions', (t) => {
    const dir = corpus(t);
    if (!dir) return;
    const body = parseHcl(readFileSync(join(dir, WEBSERVER), 'utf8'));
    assert.deepEqual(body.attributes, []);
    assert.deepEqual(body.blocks.map((b) => [b.type, ...b.labels]), [
      ['terraform'], ['provider', 'aws'],
      ['resource', 'aws_launch_configuration', 'example'], ['resource', 'aws_autoscaling_group', 'example'],
      ['resource', 'aws_security_group', 'instance'], ['resource', 'aws_lb', 'example'], ['resource', 'aws_lb_listener', 'http'],
      ['resource', 'aws_lb_target_group', 'asg'], ['resource', 'aws_lb_listener_rule', 'asg'], ['resource', 'aws_security_group', 'alb'],
      ['data', 'terraform_remote_state', 'db'], ['data', 'aws_vpc', 'default'], ['data', 'aws_subnets', 'default'],
    ]);
    const launch = block(body, 'resource', 'aws_launch_configuration', 'example').body;
    const userData = attr(launch, 'user_data');
    assert.equal(userData.kind, 'call');
    if (userData.kind !== 'call') return;
    assert.equal(userData.name, 'templatefile');
    assert.equal(literalValue(userData.args[0]), 'user-data.sh');
    const vars = objectItems(userData.args[1])!;
    assert.deepEqual([...vars.keys()], ['server_port', 'db_address', 'db_port']);
    assert.deepEqual(refs(vars.get('db_address')!), [['data', 'terraform_remote_state', 'db', 'outputs', 'address']]);
    assert.deepEqual(referencesIn(userData).map((r) => [r.parts.join('.'), ...at(r.pos)]), [
      ['var.server_port', 23, 19], ['data.terraform_remote_state.db.outputs.address', 24, 19], ['data.terraform_remote_state.db.outputs.port', 25, 19],
    ]);
    assert.deepEqual(refs(attr(launch, 'security_groups')), [['aws_security_group', 'instance', 'id']]);
    assert.equal(literalValue(attr(launch, 'security_groups')), undefined);
    assert.equal(literalValue(attr(block(launch, 'lifecycle').body, 'create_before_destroy')), true);
    const ingress = block(block(body, 'resource', 'aws_security_group', 'instance').body, 'ingress');
    assert.deepEqual(literalValue(attr(ingress.body, 'cidr_blocks')), ['0.0.0.0/0']);
    assert.deepEqual(refs(attr(ingress.body, 'from_port')), [['var', 'server_port']]);
    // Positions as the file has them.
    assert.deepEqual(launch.attributes.map((a) => [a.name, ...at(a.pos)]), [
      ['image_id', 17, 3], ['instance_type', 18, 3], ['security_groups', 19, 3], ['user_data', 22, 3],
    ]);
    assert.deepEqual(at(block(body, 'resource', 'aws_lb', 'example').pos), [62, 1]);
    assert.deepEqual(at(ingress.pos), [54, 3]);
    assert.deepEqual(at(ingress.body.attributes[3].pos), [58, 5]);
    assert.deepEqual(at(userData.pos), [22, 15]);
    const listener = block(body, 'resource', 'aws_lb_listener', 'http').body;
    assert.equal(literalValue(attr(block(block(listener, 'default_action').body, 'fixed_response').body, 'status_code')), 404);
    assert.deepEqual(literalValue(attr(block(body, 'data', 'terraform_remote_state', 'db').body, 'config')), undefined);
    assert.deepEqual(refs(attr(block(body, 'data', 'terraform_remote_state', 'db').body, 'config')), [['var', 'db_remote_state_bucket'], ['var', 'db_remote_state_key']]);
  });

  it('variables.tf and outputs.tf; mysql main.tf has a backend block of nothing but comments', (t) => {
    const dir = corpus(t);
    if (!dir) return;
    const read = (...path: string[]) => parseHcl(readFileSync(join(dir, ...path), 'utf8'));
    const variables = read('stage', 'services', 'webserver-cluster', 'variables.tf');
    assert.equal(literalValue(attr(block(variables, 'variable', 'server_port').body, 'default')), 8080);
    assert.deepEqual(refs(attr(block(variables, 'variable', 'server_port').body, 'type')), [['number']]);
    const outputs = read('stage', 'services', 'webserver-cluster', 'outputs.tf');
    assert.deepEqual(refs(attr(block(outputs, 'output', 'alb_dns_name').body, 'value')), [['aws_lb', 'example', 'dns_name']]);
    const mysql = read('stage', 'data-stores', 'mysql', 'main.tf');
    const backend = block(block(mysql, 'terraform').body, 'backend', 's3');
    assert.deepEqual([backend.body, at(backend.pos)], [{ attributes: [], blocks: [] }, [11, 3]]);
    assert.equal(literalValue(attr(block(mysql, 'resource', 'aws_db_instance', 'example').body, 'allocated_storage')), 10);
  });
});

describe('HCL: bodies', () => {
  it('attributes and blocks in source order, labels quoted or bare, one-line and empty blocks', () => {
    const body = parseHcl('a = 1\nresource "aws_instance" web {\n  b = 2\n  inner { c = 3 }\n  empty {}\n  spaced { }\n}\nd = 4\n');
    assert.deepEqual(body.attributes.map((a) => [a.name, literalValue(a.value), ...at(a.pos)]), [['a', 1, 1, 1], ['d', 4, 8, 1]]);
    const resource = body.blocks[0];
    assert.deepEqual([resource.type, resource.labels, at(resource.pos)], ['resource', ['aws_instance', 'web'], [2, 1]]);
    assert.deepEqual(resource.body.blocks.map((b) => [b.type, b.body.attributes.map((a) => [a.name, ...at(a.pos)]), ...at(b.pos)]), [
      ['inner', [['c', 4, 11]], 4, 3], ['empty', [], 5, 3], ['spaced', [], 6, 3],
    ]);
  });

  it('an attribute set twice in one body is kept twice (Terraform reports it)', () => {
    const body = parseHcl('a = 1\na = 2\n');
    assert.deepEqual(body.attributes.map((a) => [a.name, literalValue(a.value)]), [['a', 1], ['a', 2]]);
  });

  it('comments of all three kinds in odd places', () => {
    const body = parseHcl([
      '# hash', '// slashes', '/* a block', '   comment */ resource /* between */ "a" /* labels */ b { # after the brace',
      '  x = /* before */ 1 # after', '  y = [ # in a list', '    1, /* an item */ 2 // the end', '  ]',
      '  z = { /* */ k = 1 # c', '    // c', '    "m" = 2 }', '  w = f( /* arg */ 1, # c', '    2) /* before the newline */',
      '  s = "# not // a /* comment"', '} // done', '/* end */',
    ].join('\n'));
    const a = body.blocks[0];
    assert.deepEqual([a.type, a.labels, at(a.pos)], ['resource', ['a', 'b'], [4, 15]]);
    assert.deepEqual(a.body.attributes.map((x) => [x.name, show(x.value)]), [
      ['x', '1'], ['y', '[1, 2]'], ['z', '{"k" = 1, "m" = 2}'], ['w', 'f(1, 2)'], ['s', '"# not // a /* comment"'],
    ]);
  });

  it('a UTF-8 BOM and CRLF line ends: the same tree and positions as without', () => {
    const lines = ['variable "a" {', '  default = [1,', '    2]', '  text = <<-EOT', '    one', '      two', '    EOT', '}', 'b = "x"'];
    const lf = parseHcl(lines.join('\n'));
    const crlf = parseHcl(`\uFEFF${lines.join('\r\n')}\r\n`);
    const strip = (body: HclBody) => JSON.stringify(body, (k, v) => (k === 'offset' ? undefined : v));
    assert.equal(strip(crlf), strip(lf));
    assert.equal(literalValue(attr(crlf.blocks[0].body, 'text')), 'one\n  two\n');
    assert.deepEqual(at(crlf.blocks[0].pos), [1, 1]);
    assert.deepEqual(crlf.attributes[0].pos, { line: 9, column: 1, offset: 1 + lines.slice(0, 8).join('\r\n').length + 2 });
  });

  it('identifiers with dashes and underscores, and any Unicode letter', () => {
    const body = parseHcl('my-thing = _under.some-attr\nnäme = 1\n');
    assert.deepEqual(body.attributes.map((a) => [a.name, show(a.value)]), [['my-thing', '_under.some-attr'], ['näme', '1']]);
    assert.equal(show(value('a-b - c')), '(a-b - c)');
  });
});

describe('HCL: expressions', () => {
  it('numbers, booleans and null; a minus on a number is a negative number', () => {
    assert.deepEqual(['10', '1.5', '1e3', '2.5E-1', '1e+2', '-1', '- 2', 'true', 'false', 'null'].map((t) => literalValue(value(t))), [10, 1.5, 1000, 0.25, 100, -1, -2, true, false, null]);
    assert.deepEqual(at(value('-1').pos), [1, 5]);
    assert.equal(show(value('-(1)')), '-paren(1)');
    assert.equal(show(value('--1')), '1');
  });

  it('quoted strings: escapes, and $${ and %%{ as literal text', () => {
    assert.equal(literalValue(value('"a\\nb\\t\\"q\\" \\\\ \\r \\u00e9 \\U0001F600 $${x} %%{y} $ % $x"')), 'a\nb\t"q" \\ \r é 😀 ${x} %{y} $ % $x');
    assert.equal(literalValue(value('""')), '');
  });

  it('templates: literal parts and expressions in order; ~ strips the whitespace beside it', () => {
    const t = value('"Hello, ${var.name}! ${ a + 1 }"');
    assert.equal(show(t), '`Hello, ${var.name}! ${(a + 1)}`');
    assert.deepEqual(t.kind === 'template' ? t.parts.map((p) => at(p.pos)) : [], [[1, 6], [1, 15], [1, 24], [1, 29]]);
    assert.equal(show(value('"a  ${~ x ~}  b"')), '`a${x}b`');
    assert.equal(show(value('"${x}"')), '`${x}`');
    assert.equal(show(value('"${"inner ${y}"}"')), '`${`inner ${y}`}`');
    assert.equal(show(value('"${ {a = 1}.a }"')), '`${{"a" = 1}["a"]}`');
  });

  it('template directives: %{ if } as a ?: part, %{ for } as a for part, its variables no references', () => {
    const t = value('"x%{ if var.on }yes${a}%{ else }no%{ endif }%{ for i, s in var.list ~} ${s}@${i}%{ endfor }%{ if b }only%{ endif }"');
    assert.equal(show(t), '`x${(var.on ? `yes${a}` : "no")}${[for i, s in var.list : `${s}@${i}`]}${(b ? "only" : "")}`');
    assert.deepEqual(refs(t), [['var', 'on'], ['a'], ['var', 'list'], ['b']]);
  });

  it('heredocs: <<EOF as written, <<-EOF without the shared indentation, interpolations inside', () => {
    const text = 'x = <<EOF\n  kept ${var.a}\n    as is $${x}\nEOF\ny = <<-EOT\n    one\n\n      two ${b}\n   \n    three\n    EOT\nz = 1\n';
    const body = parseHcl(text);
    assert.equal(show(attr(body, 'x')), '`  kept ${var.a}\n    as is ${x}\n`');
    assert.equal(show(attr(body, 'y')), '`one\n\n  two ${b}\n   \nthree\n`');
    assert.deepEqual(at(attr(body, 'z').pos), [12, 5]);
    // A line that starts with an interpolation has no indentation, so nothing is cut.
    assert.equal(show(value('<<-EOT\n    a\n${b}\n  EOT\n')), '`    a\n${b}\n`');
    // Indentation is counted in spaces and tabs alike; the closing marker may be indented.
    assert.equal(literalValue(value('<<-EOT\n\t\ta\n\t\t  b\n\tEOT\n')), 'a\n  b\n');
    assert.equal(literalValue(value('<<EOT\nEOT\n')), '');
    assert.equal(literalValue(value('<<EOT\nEOTX\nEOT')), 'EOTX\n');
    assert.deepEqual(parseHcl('a = f(<<EOT\nx\nEOT\n, 2)\n').attributes.map((a) => show(a.value)), ['f("x\\n", 2)']);
  });

  it('tuples and objects: trailing commas, newlines, = or :, quoted and computed keys', () => {
    assert.equal(show(value('[1, "a", [true],\n  null,\n]')), '[1, "a", [true], null]');
    assert.equal(show(value('[]')), '[]');
    const o = value('{\n  a = 1, "b c" : 2\n  (var.k) = 3\n\n  d = { e = [4] },\n}');
    assert.equal(show(o), '{"a" = 1, "b c" = 2, paren(var.k) = 3, "d" = {"e" = [4]}}');
    assert.equal(o.kind === 'object' && o.items.map((i) => at(i.pos)).join(' '), '2,3 2,10 3,3 5,3');
    assert.deepEqual(refs(o), [['var', 'k']]);
    assert.equal(objectItems(o), undefined);
    assert.equal(literalValue(o), undefined);
    assert.deepEqual(literalValue(value('{ a = 1, b = [true, "x"], c = { d = null }, 5 = "five" }')), obj({ a: 1, b: [true, 'x'], c: obj({ d: null }), 5: 'five' }));
    assert.equal(literalValue(value('[1, var.x]')), undefined);
    assert.deepEqual(literalValue(value('(["a"])')), ['a']);
  });

  it('keys named like object properties are plain data', () => {
    const o = value('{ __proto__ = 1, constructor = { toString = 2 }, "hasOwnProperty" = 3, a = 4, a = 5 }');
    const v = literalValue(o) as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__', 'constructor', 'hasOwnProperty', 'a']);
    assert.equal(v.__proto__, 1);
    assert.equal(Object.getPrototypeOf(v), null);
    assert.deepEqual({ ...(v.constructor as object) }, { toString: 2 });
    const items = objectItems(o)!;
    assert.deepEqual([...items.keys()], ['__proto__', 'constructor', 'hasOwnProperty', 'a']);
    assert.equal(literalValue(items.get('a')!), 5);
  });

  it('traversals: attributes, indexes, splats, the legacy .0 index, and their references', () => {
    const cases: Array<[string, string, string[][]]> = [
      ['aws_lb.example.arn', 'aws_lb.example.arn', [['aws_lb', 'example', 'arn']]],
      ['data.a.b.c[0].d', 'data.a.b.c[0].d', [['data', 'a', 'b', 'c', '0', 'd']]],
      ['x["k"].y', 'x["k"].y', [['x', 'k', 'y']]],
      ['x[*].id', 'x[*].id', [['x']]],
      ['x[ * ].id', 'x[*].id', [['x']]],
      ['x.*.id', 'x[*].id', [['x']]],
      ['aws_instance.web.0.id', 'aws_instance.web[0].id', [['aws_instance', 'web', '0', 'id']]],
      ['x[var.i].y', 'x[var.i].y', [['x'], ['var', 'i']]],
      ['x[true].y', 'x[true].y', [['x']]],
    ];
    for (const [text, shown, references] of cases) {
      const e = value(text);
      assert.equal(show(e), shown, text);
      assert.deepEqual(refs(e), references, text);
    }
    assert.deepEqual(referencesIn(value('a.b[c.d]')).map((r) => at(r.pos)), [[1, 5], [1, 9]]);
  });

  it('calls: arguments across lines, trailing comma, ... expansion, provider functions', () => {
    assert.equal(show(value('templatefile("f", {\n  a = b\n})')), 'templatefile("f", {"a" = b})');
    assert.equal(show(value('f()')), 'f()');
    assert.equal(show(value('f(\n  1,\n  2,\n)')), 'f(1, 2)');
    assert.equal(show(value('concat(var.a, [for x in y : x]...)')), 'concat(var.a, [for x in y : x]...)');
    assert.equal(show(value('provider::aws::arn_parse(var.arn).region')), 'provider::aws::arn_parse(var.arn)["region"]');
    assert.equal(show(value('upper (x)')), 'upper(x)');
  });

  it('operators: HCL precedence, left to right within a level, unary tighter than binary', () => {
    const cases: Array<[string, string]> = [
      ['1 + 2 * 3 - 4', '((1 + (2 * 3)) - 4)'],
      ['a % b / c * d', '(((a % b) / c) * d)'],
      ['a || b && c == d', '(a || (b && (c == d)))'],
      ['!a && -b < c', '(!a && (-b < c))'],
      ['1 < 2 == true != false', '(((1 < 2) == true) != false)'],
      ['a >= b || a <= c', '((a >= b) || (a <= c))'],
      ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
      ['a + b > c ? x : y', '(((a + b) > c) ? x : y)'],
      ['(1 + 2) * 3', '(paren((1 + 2)) * 3)'],
      ['!!a', '!!a'],
      ['a-1', 'a-1'],
      ['a - -1', '(a - -1)'],
      ['4/2', '(4 / 2)'],
    ];
    for (const [text, shown] of cases) assert.equal(show(value(text)), shown, text);
    assert.deepEqual(refs(value('var.a > 0 ? local.b : var.c')), [['var', 'a'], ['local', 'b'], ['var', 'c']]);
  });

  it('newlines end an attribute, except inside (), [], ${} and for-expressions', () => {
    assert.equal(show(value('(1 +\n  2)')), 'paren((1 + 2))');
    assert.equal(show(value('[a\n  ? b\n  : c]')), '[(a ? b : c)]');
    assert.equal(show(value('"${a +\n b}"')), '`${(a + b)}`');
    fails('x = 1 +\n  2\n', 1, 8, 'expected an expression, found a newline');
    fails('x = a\n  ? b : c\n', 2, 3, "expected an attribute name or a block type, found '?'");
  });

  it('for-expressions: lists, objects with grouping, conditions; the variables are not references', () => {
    assert.equal(show(value('[for s in var.list : upper(s)]')), '[for s in var.list : upper(s)]');
    const grouped = value('{\n  for k, v in var.map :\n  k => v.ip...\n  if v.on && k != local.skip\n}');
    assert.equal(show(grouped), '{for k, v in var.map : k => v.ip... if (v.on && (k != local.skip))}');
    assert.deepEqual(refs(grouped), [['var', 'map'], ['local', 'skip']]);
    // The collection is read outside the for, so a variable of the same name there is a reference.
    assert.deepEqual(refs(value('[for x in x : [for y in x.kids : y.id if z]]')), [['x'], ['z']]);
    // `for` with no variable after it is a variable, and `for` before '=' an object key.
    assert.equal(show(value('[for]')), '[for]');
    assert.equal(show(value('{ for = 1 }')), '{"for" = 1}');
  });

  it('index and attribute access on what is no variable; a splat there is a [*] operation', () => {
    assert.equal(show(value('f(x)[0]')), 'f(x)[0]');
    assert.equal(show(value('[1, 2][0]')), '[1, 2][0]');
    assert.equal(show(value('(var.x).y.z')), 'paren(var.x)["y"]["z"]');
    const splat = value('values(aws_instance.web)[*].id');
    assert.equal(show(splat), 'values(aws_instance.web)[*].id');
    assert.deepEqual(refs(splat), [['aws_instance', 'web']]);
    assert.deepEqual(refs(value('f(x)[local.i]')), [['x'], ['local', 'i']]);
    const index = value('(a).b');
    assert.deepEqual(index.kind === 'index' ? at(index.key.pos) : [], [1, 9]);
  });

  it('test/fixtures/hcl/all-syntax.tf: everything together', () => {
    const body = parseHcl(readFileSync(FIXTURE, 'utf8'));
    assert.deepEqual(body.blocks.map((b) => [b.type, ...b.labels]), [['terraform'], ['locals'], ['resource', 'aws_instance', 'web']]);
    const locals = body.blocks[1].body;
    const expected: Record<string, string> = {
      numbers: '[10, 1.5, 1000, -1, 0.25]',
      flags: '{"yes" = true, "no" = false, "none" = null}',
      'dashed-key': 'my-thing.some-attr',
      escapes: '"tab\\there \\"quoted\\" \\\\ é ${not} %{not}"',
      greeting: '`Hello, ${var.name}!${(var.loud ? " LOUD" : " quiet")}`',
      list: '`${[for i, s in var.items : `${i}=${s}`]}`',
      script: '`#!/bin/sh\necho "${var.port}"\n\n  indented\n`',
      raw: '"  kept as is ${x}\\n"',
      arith: '((1 + (2 * 3)) - ((4 / 2) % 3))',
      logic: '(!var.a || (var.b && ((var.c == var.d) != paren((var.e > 1)))))',
      choice: '((var.count > 0) ? aws_instance.web[0].id : null)',
      ids: 'aws_instance.web[*].id',
      legacy: 'aws_instance.web[*].id',
      old: 'aws_instance.web[0].private_ip',
      by_key: 'var.map["key"]',
      computed: 'var.map[var.key]',
      names: '[for s in var.subnets : upper(s.name) if s.public]',
      by_name: '{for k, v in var.servers : k => v.ip... if v.enabled}',
      merged: 'merge(var.tags, {"Name" = "x"}, [for t in var.more : t]...)',
      first: 'values(var.servers)[*].ip',
      wrapped: 'paren(var.x)["y"]',
      keys: '{"quoted key" = 1, paren(var.dynamic) = 2, "plain" = 3, "constructor" = 4, "__proto__" = 5}',
      parsed: 'provider::aws::arn_parse(var.arn)',
    };
    assert.deepEqual(Object.fromEntries(locals.attributes.map((a) => [a.name, show(a.value)])), expected);
    assert.deepEqual(at(locals.attributes.find((a) => a.name === 'raw')!.pos), [24, 3]);
    const web = body.blocks[2].body;
    assert.deepEqual(web.blocks.map((b) => [b.type, ...b.labels, ...at(b.pos)]), [['lifecycle', 58, 3], ['timeouts', 59, 3], ['dynamic', 'ebs_block_device', 61, 3]]);
    assert.deepEqual(refs(attr(web, 'tags')), [['count', 'index']]);
  });
});

describe('HCL: errors, each with its line and column and what was expected', () => {
  it('unterminated string, heredoc, comment and block', () => {
    fails('a = "abc\nb = 1\n', 1, 9, 'unterminated string (started at 1:5)');
    fails('a = "abc', 1, 9, 'unterminated string (started at 1:5)');
    fails('a = 1\nb = <<EOF\nhello\n', 2, 5, "heredoc <<EOF is never closed (expected a line 'EOF')");
    fails('b = <<-EOT\n  x\n  EOTX\n', 1, 5, "heredoc <<-EOT is never closed (expected a line 'EOT')");
    fails('b = <<EOT x\nEOT\n', 1, 10, 'expected a newline right after <<EOT, found a space');
    fails('a = 1 /* x\n', 1, 7, "a '/*' comment is never closed (expected '*/')");
    fails('resource "a" "b" {\n  x = 1\n', 3, 1, 'expected \'}\' to close the block resource "a" "b" that starts at 1:1, found the end of the file');
  });

  it("a missing '=', a ']' where a value belongs, a missing newline, and other misplaced words", () => {
    fails('resource ]', 1, 10, "expected '=' or a block's '{' after 'resource', found ']'");
    fails('resource "a" = 1', 1, 14, 'expected another label or the block\'s \'{\' after resource "a", found \'=\'');
    fails('name 1\n', 1, 6, "expected '=' or a block's '{' after 'name', found '1'");
    fails('a = ]', 1, 5, "expected an expression, found ']'");
    fails('a = { b = ] }', 1, 11, "expected an expression, found ']'");
    fails('a = [1, 2', 1, 10, "expected ',' or ']' in the list opened at 1:5, found the end of the file");
    fails('a = [1, 2,\n', 2, 1, "expected ']' to close the list opened at 1:5, found the end of the file");
    fails('a = [1 2]', 1, 8, "expected ',' or ']' in the list opened at 1:5, found '2'");
    fails('a = f(1 2)', 1, 9, "expected ',' or ')' in the call f( opened at 1:6, found '2'");
    fails('a = { b = 1 c = 2 }', 1, 13, "expected ',', a newline or '}' after the item of the object opened at 1:5, found 'c'");
    fails('a = { b }', 1, 9, "expected '=' or ':' after the object's key, found '}'");
    fails('a = 1 b = 2', 1, 7, "expected a newline after the value of 'a', found 'b'");
    fails('a = 1 = 2', 1, 7, "expected a newline after the value of 'a', found '='");
    fails('a {\n} b {}\n', 2, 3, "expected a newline after the '}' of the block a, found 'b'");
    fails('a { b {} }', 1, 7, "expected '=' after 'b' (a block on one line holds one attribute), found '{'");
    fails('}', 1, 1, "expected an attribute name or a block type, found '}'");
    fails('a = x ? y', 1, 10, "expected ':' after the true result of the conditional, found the end of the file");
    fails('a = [for x y : x]', 1, 12, "expected 'in' after the variables of the for, found 'y'");
    fails('a = {for k, v in m : k v}', 1, 24, "expected '=>' after the key of the for-expression, found 'v'");
    fails('a = x.', 1, 7, "expected an attribute name after '.', found the end of the file");
    fails('a = x[1', 1, 8, "expected ']' to close the index opened at 1:6, found the end of the file");
    fails('a = f(x..., y)', 1, 11, "expected ')' after '...' (only the last argument can be expanded), found ','");
    fails('a = 1 && & 2', 1, 10, "expected an expression, found '&'");
    fails('a = \u00a0', 1, 5, 'expected an expression, found U+00A0');
  });

  it('bad escapes, labels and template directives', () => {
    fails('a = "x\\qy"', 1, 7, "invalid escape '\\q' in a string (a backslash is written '\\\\')");
    fails('a = "\\u12G4"', 1, 6, "invalid escape '\\u12G4': expected 4 hex digits naming a Unicode character");
    fails('a = "\\uD800"', 1, 6, "invalid escape '\\uD800': expected 4 hex digits naming a Unicode character");
    fails('a "x${y}" {}', 1, 3, "a block label must be a plain string, without '${' or '%{'");
    fails('a = "%{ endif }"', 1, 6, "'%{ endif }' without a matching '%{ if }'");
    fails('a = "%{ if x }y"', 1, 6, "'%{ if }' is never closed (expected '%{ endif }')");
    fails('a = "%{ for x in y }z%{ endif }"', 1, 22, "'%{ endif }' without a matching '%{ if }'");
    fails('a = "%{ while x }"', 1, 9, "expected 'if', 'for', 'else', 'endif' or 'endfor' after '%{', found 'while'");
    fails('a = "${x"', 1, 9, "expected '}' to close the '${' at 1:6, found '\"'");
  });

  it(`nesting deeper than ${MAX_HCL_DEPTH} levels is an error, never a stack overflow`, () => {
    const message = `blocks and expressions nested more than ${MAX_HCL_DEPTH} levels deep`;
    // The attribute's value is level 1, each '[' one more: the 201st level is the 200th '['.
    fails(`x = ${'['.repeat(300)}${']'.repeat(300)}`, 1, 4 + MAX_HCL_DEPTH + 1, message);
    fails('a {\n'.repeat(300), MAX_HCL_DEPTH + 1, 1, message);
    fails(`x = ${'-'.repeat(100_000)}1`, 1, 4 + MAX_HCL_DEPTH, message);
    fails(`x = ${'1 + '.repeat(100_000)}1`, 1, 4 * MAX_HCL_DEPTH + 3, message);
    fails(`x = f()${'[0]'.repeat(100_000)}`, 1, 8 + 3 * MAX_HCL_DEPTH - 2, message);
    fails(`x = ${'('.repeat(100_000)}`, 1, 4 + MAX_HCL_DEPTH + 1, message);
    fails(`x = "${'${"'.repeat(100_000)}`, 1, 5 + 3 * MAX_HCL_DEPTH, message);
    fails(`x = "${'%{ if a }'.repeat(300)}${'%{ endif }'.repeat(300)}"`, 1, 6 + 9 * (MAX_HCL_DEPTH - 1), message);
    const ok = parseHcl(`x = ${'['.repeat(MAX_HCL_DEPTH - 1)}${']'.repeat(MAX_HCL_DEPTH - 1)}\n`);
    assert.equal(literalValue(ok.attributes[0].value) !== undefined, true);
  });

  it('messages never start with a position (callers print file:line:col: first)', () => {
    for (const text of ['a = "x', 'a = ]', 'a {', 'a = <<E\n', '= 1', 'a = "\\z"']) {
      assert.throws(() => parseHcl(text), (err: unknown) => err instanceof HclSyntaxError && !/^\d/.test(err.message) && err.line >= 1 && err.column >= 1);
    }
  });
});


describe('HCL: robustness', () => {
  it('2,000 random mutations of real files parse or throw HclSyntaxError, nothing else', () => {
    const sources = [FIXTURE, ...(CORPUS ? tfFiles(CORPUS) : [])].map((f) => readFileSync(f, 'utf8'));
    const chars = '{}[]()"$%<>=#/*\n';
    let parsed = 0;
    let failed = 0;
    let n = 0;
    for (const text of mutations(sources, chars, 20_240_601, 2000)) {
      n++;
      try {
        parseHcl(text);
        parsed++;
      } catch (err) {
        assert.ok(err instanceof HclSyntaxError, `mutation ${n}: ${String(err)}`);
        assert.ok(err.line >= 1 && err.column >= 1 && err.offset <= text.length && err.message.length > 0, `mutation ${n}`);
        failed++;
      }
    }
    assert.ok(parsed > 100 && failed > 100, `${parsed} parsed, ${failed} failed`);
  });

  it('a 1 MB file parses', () => {
    const parts: string[] = [];
    let size = 0;
    for (let n = 0; size < 1_000_000; n++) {
      const part = `resource "aws_instance" "web_${n}" {\n  ami  = data.aws_ami.ubuntu[${n}].id\n  tags = { Name = "web-\${count.index}", n = ${n} }\n`
        + `  user_data = <<-EOT\n    #!/bin/sh\n    echo ${n} # $\${x}\n  EOT\n  list = [for s in var.subnets : s.id if s.n > ${n}]\n  nested { a = [1, [2, [3]]] }\n}\n\n`;
      parts.push(part);
      size += part.length;
    }
    const body = parseHcl(parts.join(''));
    assert.equal(body.blocks.length, parts.length);
    const last = body.blocks[parts.length - 1];
    assert.deepEqual([last.labels[1], at(last.pos)], [`web_${parts.length - 1}`, [11 * (parts.length - 1) + 1, 1]]);
    assert.deepEqual(refs(attr(last.body, 'ami')), [['data', 'aws_ami', 'ubuntu', String(parts.length - 1), 'id']]);
  });

  it('long flat inputs stay linear: a 1 MB string, comment, heredoc and list', () => {
    const long = 'x'.repeat(1_000_000);
    assert.equal(literalValue(value(`"${long}"`)), long);
    assert.equal(parseHcl(`/* ${long} */\n# ${long}\na = 1\n`).attributes.length, 1);
    assert.equal(literalValue(value(`<<EOT\n${`${long.slice(0, 99)}\n`.repeat(10_000)}EOT\n`)), `${long.slice(0, 99)}\n`.repeat(10_000));
    assert.equal((value(`[${'1,'.repeat(200_000)}]`) as { items: unknown[] }).items.length, 200_000);
    fails(`a = <<EOT\n${'line\n'.repeat(200_000)}`, 1, 5, "heredoc <<EOT is never closed (expected a line 'EOT')");
  });
});
