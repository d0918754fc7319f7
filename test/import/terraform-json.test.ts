// Terraform's JSON syntax (src/import/terraform/json-syntax.ts): a CDKTF-like file read into the HclBody a .tf
// file gives, strings as templates with positions on the JSON text, the block-type rules (literal strings,
// bare references, labelled nested blocks), one configuration written both ways giving the same tree and the
// same draft, errors with their line and column, hostile keys, and random damage that must give a tree or
// an HclSyntaxError.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { type HclBlock, type HclBody, type HclExpression, HclSyntaxError, literalValue, objectItems, parseHcl, referencesIn } from '../../src/import/hcl.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { ATTRIBUTE_KEYS, MAX_JSON_DEPTH, parseTerraformJson } from '../../src/import/terraform/json-syntax.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { mutations } from './mutations.js';

const attr = (body: HclBody, name: string): HclExpression => {
  const found = body.attributes.find((a) => a.name === name);
  assert.ok(found, `no attribute ${name} among ${body.attributes.map((a) => a.name).join(', ')}`);
  return found.value;
};
const block = (body: HclBody, type: string, ...labels: string[]): HclBlock => {
  const found = body.blocks.find((b) => b.type === type && labels.every((l, k) => b.labels[k] === l));
  assert.ok(found, `no block ${type} ${labels.join(' ')}`);
  return found;
};
const names = (body: HclBody) => ({ attributes: body.attributes.map((a) => a.name), blocks: body.blocks.map((b) => [b.type, ...b.labels].join(' ')) });
const refs = (expr: HclExpression) => referencesIn(expr).map((r) => r.parts.join('.'));
const at = (p: { line: number; column: number }) => [p.line, p.column];
/** Line and column (1-based, UTF-16) of the `nth` occurrence of `needle` in `text`. */
function where(text: string, needle: string, nth = 0): number[] {
  let i = -1;
  for (let n = 0; n <= nth; n++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `${needle} not in the text`);
  }
  const before = text.slice(0, i);
  return [before.split('\n').length, i - before.lastIndexOf('\n')];
}
/** The value of a local written as a JSON string value (`json`: the string's JSON text, quotes included). */
const local = (json: string) => attr(block(parseTerraformJson(`{"locals": {"x": ${json}}}`), 'locals').body, 'x');
/** A tree without positions: what it means. */
const shape = (body: HclBody) => JSON.parse(JSON.stringify(body, (k, v) => (k === 'pos' ? undefined : v)));
/** The HclSyntaxError a text gives, as [line, column, message]. */
function failure(text: string): [number, number, string] {
  try {
    parseTerraformJson(text);
  } catch (err) {
    assert.ok(err instanceof HclSyntaxError, `not an HclSyntaxError: ${String(err)}`);
    assert.ok(!/^\d/.test(err.message) && err.message.length > 0);
    return [err.line, err.column, err.message];
  }
  return assert.fail(`parsed: ${text}`);
}

const CDKTF = `{
  "//": {
    "metadata": {
      "backend": "local",
      "stackName": "shop",
      "version": "0.20.0"
    },
    "outputs": {}
  },
  "provider": {
    "aws": [
      {
        "region": "us-east-1"
      }
    ]
  },
  "resource": {
    "aws_instance": {
      "web": {
        "//": {
          "metadata": {
            "path": "shop/web",
            "uniqueId": "web"
          }
        },
        "ami": "ami-1",
        "user_data": "DB=\${aws_db_instance.db.address}",
        "vpc_security_group_ids": [
          "\${aws_security_group.web.id}"
        ],
        "tags": {
          "Name": "web",
          "//": "a tag, not a comment"
        },
        "depends_on": [
          "aws_db_instance.db"
        ]
      }
    },
    "aws_security_group": {
      "web": {
        "ingress": [
          {
            "from_port": 443,
            "to_port": 443,
            "protocol": "tcp",
            "cidr_blocks": [
              "0.0.0.0/0"
            ]
          }
        ]
      }
    },
    "aws_db_instance": {
      "db": {
        "engine": "postgres"
      }
    }
  },
  "variable": {
    "db_port": {
      "type": "number",
      "default": 5432,
      "description": "Not a \${template}"
    }
  },
  "output": {
    "web_ip": {
      "value": "\${aws_instance.web.public_ip}"
    }
  },
  "locals": {
    "db_url": "postgres://\${aws_db_instance.db.address}:\${var.db_port}/shop",
    "settings": {
      "replicas": 2,
      "zones": ["a", "b"]
    }
  },
  "module": {
    "worker": {
      "source": "./modules/worker",
      "db_url": "\${local.db_url}",
      "listeners": {
        "https": {
          "port": 443
        }
      }
    }
  }
}
`;

describe('Terraform JSON: a CDKTF-like file', () => {
  const body = parseTerraformJson(CDKTF);

  it('gives the blocks, labels and attributes a .tf file would, the "//" comments left out', () => {
    assert.deepEqual(names(body), {
      attributes: [],
      blocks: [
        'provider aws', 'resource aws_instance web', 'resource aws_security_group web', 'resource aws_db_instance db',
        'variable db_port', 'output web_ip', 'locals', 'module worker',
      ],
    });
    assert.deepEqual(names(block(body, 'resource', 'aws_instance', 'web').body), {
      attributes: ['ami', 'user_data', 'vpc_security_group_ids', 'tags', 'depends_on'], blocks: [],
    });
    assert.equal(literalValue(attr(block(body, 'provider', 'aws').body, 'region')), 'us-east-1');
  });

  it('places each block at its name key, each attribute at its key, each value where it starts', () => {
    assert.deepEqual(at(block(body, 'resource', 'aws_instance', 'web').pos), where(CDKTF, '"web": {'));
    assert.deepEqual(at(block(body, 'resource', 'aws_db_instance', 'db').pos), where(CDKTF, '"db": {'));
    assert.deepEqual(at(block(body, 'provider', 'aws').pos), where(CDKTF, '"aws": ['));
    assert.deepEqual(at(block(body, 'locals').pos), where(CDKTF, '"locals"'));
    const web = block(body, 'resource', 'aws_instance', 'web').body;
    assert.deepEqual(at(web.attributes.find((a) => a.name === 'ami')!.pos), where(CDKTF, '"ami"'));
    assert.deepEqual(at(attr(web, 'ami').pos), where(CDKTF, '"ami-1"'));
    assert.deepEqual(at(attr(web, 'user_data').pos), where(CDKTF, '"DB='));
  });

  it('reads strings as templates: references inside them found, at their own column', () => {
    const web = block(body, 'resource', 'aws_instance', 'web').body;
    const userData = attr(web, 'user_data');
    assert.equal(userData.kind, 'template');
    assert.deepEqual(referencesIn(userData).map((r) => [r.parts.join('.'), ...at(r.pos)]), [['aws_db_instance.db.address', ...where(CDKTF, 'aws_db_instance.db.address')]]);
    // A string that is one interpolation is its expression, as `[aws_security_group.web.id]` in a .tf file.
    const ids = attr(web, 'vpc_security_group_ids');
    assert.ok(ids.kind === 'tuple' && ids.items[0].kind === 'traversal');
    assert.deepEqual(refs(ids), ['aws_security_group.web.id']);
    assert.deepEqual(at(ids.items[0].pos), where(CDKTF, 'aws_security_group.web.id'));
    const url = attr(block(body, 'locals').body, 'db_url');
    assert.deepEqual(refs(url), ['aws_db_instance.db.address', 'var.db_port']);
    assert.deepEqual(referencesIn(url).map((r) => at(r.pos)), [where(CDKTF, 'aws_db_instance.db.address', 1), where(CDKTF, 'var.db_port')]);
    assert.deepEqual(refs(attr(block(body, 'output', 'web_ip').body, 'value')), ['aws_instance.web.public_ip']);
  });

  it('makes `ingress` a block, `tags` an attribute whose "//" is a key, module inputs and locals attributes', () => {
    const group = block(body, 'resource', 'aws_security_group', 'web').body;
    assert.deepEqual(names(group), { attributes: [], blocks: ['ingress'] });
    const ingress = block(group, 'ingress');
    // A nested block given as a list item is at its own '{' (a top-level block at its name, whatever the form).
    assert.deepEqual(at(ingress.pos), where(CDKTF, '{\n            "from_port"'));
    const lists = parseTerraformJson('{"resource": {"t": {"n": {\n"parameter": [\n{"name": "a"},\n{"name": "b"}],\n"lifecycle": {}}}}}');
    assert.deepEqual(block(lists, 'resource').body.blocks.map((b) => at(b.pos)), [[3, 1], [4, 1], [5, 1]]);
    assert.deepEqual(literalValue(attr(ingress.body, 'cidr_blocks')), ['0.0.0.0/0']);
    assert.equal(literalValue(attr(ingress.body, 'from_port')), 443);
    const tags = attr(block(body, 'resource', 'aws_instance', 'web').body, 'tags');
    assert.deepEqual([...objectItems(tags)!.keys()], ['Name', '//']);
    assert.ok(tags.kind === 'object');
    assert.deepEqual(at(tags.items[0].key.pos), where(CDKTF, '"Name"'));
    assert.deepEqual(at(tags.items[0].pos), where(CDKTF, '"Name"'));
    const worker = block(body, 'module', 'worker').body;
    assert.deepEqual(names(worker), { attributes: ['source', 'db_url', 'listeners'], blocks: [] });
    assert.deepEqual(refs(attr(worker, 'db_url')), ['local.db_url']);
    assert.equal(literalValue(objectItems(objectItems(attr(worker, 'listeners'))!.get('https')!)!.get('port')!), 443);
    assert.deepEqual(names(block(body, 'locals').body), { attributes: ['db_url', 'settings'], blocks: [] });
  });

  it('reads meta-arguments and variables as Terraform does: references, types, literal defaults and descriptions', () => {
    assert.deepEqual(refs(attr(block(body, 'resource', 'aws_instance', 'web').body, 'depends_on')), ['aws_db_instance.db']);
    const variable = block(body, 'variable', 'db_port').body;
    const type = attr(variable, 'type');
    assert.ok(type.kind === 'traversal' && type.root === 'number' && type.steps.length === 0);
    assert.deepEqual(at(type.pos), where(CDKTF, 'number'));
    assert.equal(literalValue(attr(variable, 'default')), 5432);
    assert.equal(literalValue(attr(variable, 'description')), 'Not a ${template}');
  });

  it('exports the attribute keys as a Set the reader can extend', () => {
    for (const key of ['tags', 'tags_all', 'labels', 'metadata', 'variables', 'app_settings', 'config', 'default', 'value', 'for_each']) assert.ok(ATTRIBUTE_KEYS.has(key), key);
    assert.ok(!ATTRIBUTE_KEYS.has('environment') && !ATTRIBUTE_KEYS.has('ingress'));
    const text = '{"resource": {"x_thing": {"a": {"settings": {"k": "v"}}}}}';
    assert.deepEqual(names(block(parseTerraformJson(text), 'resource').body), { attributes: [], blocks: ['settings'] });
    ATTRIBUTE_KEYS.add('settings');
    try {
      assert.deepEqual(names(block(parseTerraformJson(text), 'resource').body), { attributes: ['settings'], blocks: [] });
    } finally {
      ATTRIBUTE_KEYS.delete('settings');
    }
  });
});

describe('Terraform JSON: strings', () => {
  it('undoes JSON escapes, \\b \\f \\/ and surrogate pairs included, keeping the text literal', () => {
    assert.equal(literalValue(local(String.raw`"a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\ud83d\ude00"`)), 'a"b\\c/d\be\ff\ng\rh\ti\u00e9\u{1f600}');
    // A backslash is template text, not an HCL escape: `C:\new` stays as it is.
    assert.equal(literalValue(local(String.raw`"C:\\new"`)), 'C:\\new');
    const mixed = local(String.raw`"C:\\new\t${'$'}{var.dir}"`);
    assert.ok(mixed.kind === 'template');
    assert.deepEqual(mixed.parts.map((p) => (p.kind === 'literal' ? p.value : refs(p).join())), ['C:\\new\t', 'var.dir']);
  });

  it('takes $${ and %%{ as literal ${ and %{', () => {
    assert.equal(literalValue(local('"$${aws_instance.web.id} and %%{ if }"')), '${aws_instance.web.id} and %{ if }');
    const expr = local('"$${literal} ${var.real}"');
    assert.deepEqual(refs(expr), ['var.real']);
    assert.ok(expr.kind === 'template' && expr.parts[0].kind === 'literal' && expr.parts[0].value === '${literal} ');
  });

  it('reads one interpolation as its expression, anything more as a template, directives included', () => {
    assert.equal(local('"${var.a}"').kind, 'traversal');
    assert.equal(local('"${var.a ~}  "').kind, 'traversal');
    assert.equal(local('" ${var.a}"').kind, 'template');
    assert.equal(local('"${var.a}${var.b}"').kind, 'template');
    assert.equal(local('"%{ if var.a }x%{ endif }"').kind, 'template');
    const cond = local('"${var.n > 1 ? \\"many\\" : \\"one\\"}"');
    assert.ok(cond.kind === 'operation' && cond.operator === '?:');
    const call = local('"${jsonencode({ a = [1, 2], b = \\"x\\" })}"');
    assert.ok(call.kind === 'call' && call.name === 'jsonencode');
    const loop = local('"%{ for s in var.subnets }${s.id},%{ endfor }"');
    assert.ok(loop.kind === 'template' && loop.parts[0].kind === 'for');
    assert.deepEqual(refs(loop), ['var.subnets']);
    assert.deepEqual(literalValue(local('""')), '');
  });

  it('keeps a string\'s newlines, CRLF and trailing newline as they are, as a heredoc would give them', () => {
    const script = local(String.raw`"#!/bin/sh\r\necho ${'$'}{var.x}\n"`);
    assert.ok(script.kind === 'template');
    assert.deepEqual(script.parts.map((p) => (p.kind === 'literal' ? p.value : '*')), ['#!/bin/sh\r\necho ', '*', '\n']);
    // A CRLF inside `${}` is space there; a line of text that happens to be a heredoc marker is text.
    assert.deepEqual(refs(local(String.raw`"a${'$'}{\r\n var.x\r\n}"`)), ['var.x']);
    const marker = local(String.raw`"JSON\nJSON0\n  EOT\n${'$'}{var.x}"`);
    assert.ok(marker.kind === 'template' && marker.parts[0].kind === 'literal' && marker.parts[0].value === 'JSON\nJSON0\n  EOT\n');
    const tf = attr(parseHcl('x = <<EOT\n#!/bin/sh\necho ${var.x}\nEOT\n'), 'x');
    const json = local(String.raw`"#!/bin/sh\necho ${'$'}{var.x}\n"`);
    assert.deepEqual(shape({ attributes: [{ name: 'x', value: json, pos: json.pos }], blocks: [] }), shape({ attributes: [{ name: 'x', value: tf, pos: tf.pos }], blocks: [] }));
  });

  it('maps positions through escapes onto the JSON text, in UTF-16 columns', () => {
    const text = '{"locals": {\n  "x": "\\u00e9\\"\\t😀${var.a}\\n${var.b}"\n}}';
    const x = attr(block(parseTerraformJson(text), 'locals').body, 'x');
    assert.deepEqual(referencesIn(x).map((r) => at(r.pos)), [where(text, 'var.a'), where(text, 'var.b')]);
    assert.deepEqual(at(x.pos), [2, 8]);
  });

  it('reads object keys as templates where values are: plain keys literal', () => {
    const tags = local('{"Name": "x", "${var.k}": "y", "$${k}": "z"}');
    assert.ok(tags.kind === 'object');
    assert.deepEqual(tags.items.map((i) => i.key.kind), ['literal', 'traversal', 'literal']);
    assert.equal(literalValue(tags.items[2].key), '${k}');
  });

  it('reads numbers, booleans, null, arrays and objects as literals, tuples and objects', () => {
    const value = local('{"n": -1.5e2, "t": true, "f": false, "z": null, "list": [1, "a", [2]], "o": {}}');
    assert.deepEqual(literalValue(value), Object.assign(Object.create(null), { n: -150, t: true, f: false, z: null, list: [1, 'a', [2]], o: Object.create(null) }));
  });
});

describe('Terraform JSON: block types', () => {
  it('reads provider aliases, arrays of bodies and nulls as Terraform does', () => {
    const body = parseTerraformJson(`{
      "provider": {"aws": [{"region": "us-east-1"}, {"alias": "west", "region": "us-west-2"}]},
      "resource": {"aws_instance": {"a": [{"ami": "x"}, {"ami": "y"}], "gone": null}},
      "locals": [{"a": 1}, {"b": 2}]
    }`);
    assert.deepEqual(names(body).blocks, ['provider aws', 'provider aws', 'resource aws_instance a', 'resource aws_instance a', 'locals', 'locals']);
    assert.equal(literalValue(attr(body.blocks[1].body, 'alias')), 'west');
  });

  it('reads labelled nested blocks: provisioners in order, backends, dynamic blocks', () => {
    const body = parseTerraformJson(`{
      "terraform": {
        "required_version": ">= 1.5",
        "required_providers": {"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}},
        "backend": {"s3": {"bucket": "state-\${x}", "assume_role": {"role_arn": "arn"}}}
      },
      "resource": {"aws_security_group": {"web": {
        "provisioner": [{"local-exec": {"command": "echo \${self.id}"}}, {"remote-exec": {"inline": ["a"], "connection": {"type": "ssh", "host": "\${self.ip}"}}}],
        "dynamic": {"ingress": {"for_each": "\${var.ports}", "iterator": "port", "content": {"from_port": "\${port.value}"}}},
        "lifecycle": {"ignore_changes": ["tags"], "create_before_destroy": true}
      }}}
    }`);
    const terraform = block(body, 'terraform').body;
    assert.deepEqual(names(terraform), { attributes: ['required_version'], blocks: ['required_providers', 'backend s3'] });
    assert.deepEqual(names(block(terraform, 'required_providers').body), { attributes: ['aws'], blocks: [] });
    const backend = block(terraform, 'backend', 's3').body;
    assert.deepEqual(names(backend), { attributes: ['bucket', 'assume_role'], blocks: [] });
    assert.equal(literalValue(attr(backend, 'bucket')), 'state-${x}', 'terraform settings are literal');
    const group = block(body, 'resource', 'aws_security_group', 'web').body;
    assert.deepEqual(names(group).blocks, ['provisioner local-exec', 'provisioner remote-exec', 'dynamic ingress', 'lifecycle']);
    assert.deepEqual(refs(attr(block(group, 'provisioner', 'local-exec').body, 'command')), ['self.id']);
    const ssh = block(block(group, 'provisioner', 'remote-exec').body, 'connection').body;
    assert.equal(literalValue(attr(ssh, 'type')), 'ssh');
    assert.deepEqual(refs(attr(ssh, 'host')), ['self.ip']);
    const dynamic = block(group, 'dynamic', 'ingress').body;
    const iterator = attr(dynamic, 'iterator');
    assert.ok(iterator.kind === 'traversal' && iterator.root === 'port');
    assert.deepEqual(refs(attr(block(dynamic, 'content').body, 'from_port')), ['port.value']);
    const ignore = attr(block(group, 'lifecycle').body, 'ignore_changes');
    assert.ok(ignore.kind === 'tuple' && ignore.items[0].kind === 'traversal');
  });

  it('reads module calls: source literal, providers as references, every input an attribute', () => {
    const body = parseTerraformJson(`{"module": {"vpc": {
      "source": "terraform-aws-modules/vpc/aws", "version": "5.0.0",
      "providers": {"aws": "aws.west"}, "depends_on": ["module.base"],
      "public_subnet_tags": {"tier": "public"}, "ingress": [{"port": 443}], "count": "\${var.n}"
    }}}`);
    const vpc = block(body, 'module', 'vpc').body;
    assert.deepEqual(names(vpc), { attributes: ['source', 'version', 'providers', 'depends_on', 'public_subnet_tags', 'ingress', 'count'], blocks: [] });
    const providers = objectItems(attr(vpc, 'providers'))!;
    assert.deepEqual(refs(providers.get('aws')!), ['aws.west']);
    assert.deepEqual(refs(attr(vpc, 'depends_on')), ['module.base']);
    assert.deepEqual(refs(attr(vpc, 'count')), ['var.n']);
  });

  it('reads a variable\'s type as a type expression and its default literally, whatever its shape', () => {
    const body = parseTerraformJson('{"variable": {"subnets": {"type": "list(object({ id = string }))", "default": [{"id": "${not.a.ref}"}], "validation": {"condition": "${length(var.subnets) > 0}", "error_message": "none"}}}}');
    const variable = block(body, 'variable', 'subnets').body;
    assert.deepEqual(names(variable), { attributes: ['type', 'default'], blocks: ['validation'] });
    assert.equal(attr(variable, 'type').kind, 'call');
    assert.deepEqual(literalValue(attr(variable, 'default')), [Object.assign(Object.create(null), { id: '${not.a.ref}' })]);
    assert.deepEqual(refs(attr(block(variable, 'validation').body, 'condition')), ['var.subnets']);
  });

  it('keeps the unknown as it comes: an unknown top-level key by its shape, a duplicate key twice', () => {
    const body = parseTerraformJson('{"future_block": {"a": 1}, "resource": {"t": {"n": {"a": 1, "a": 2}}}}');
    assert.deepEqual(names(body).blocks, ['future_block', 'resource t n']);
    assert.deepEqual(block(body, 'resource').body.attributes.map((a) => literalValue(a.value)), [1, 2]);
  });
});

// ---- one configuration written both ways

const MAIN_TF = `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket = "state"
    key    = "shop.tfstate"
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "app_port" {
  type    = number
  default = 8080
}

locals {
  db_url      = "postgres://\${aws_db_instance.db.address}:5432/shop"
  common_tags = { Project = "shop" }
}

data "aws_caller_identity" "me" {}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "shop-vpc" }
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  dynamic "ingress" {
    for_each = [var.app_port]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_lb" "web" {
  load_balancer_type = "application"
  subnets            = [aws_subnet.public.id]
  security_groups    = [aws_security_group.web.id]
}

resource "aws_lb_target_group" "web" {
  port     = var.app_port
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.web.id]
  user_data              = <<-EOT
    #!/bin/sh
    echo "DATABASE_URL=\${local.db_url}" >> /etc/environment
    echo "ASSETS=\${aws_s3_bucket.assets.bucket}" >> /etc/environment
  EOT
  metadata_options {
    http_tokens = "required"
  }
  tags       = merge(local.common_tags, { Name = "web" })
  depends_on = [aws_db_instance.db]
  lifecycle {
    ignore_changes = [ami]
  }
  provisioner "local-exec" {
    command = "echo \${self.private_ip}"
  }
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.id
  port             = var.app_port
}

resource "aws_db_instance" "db" {
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  storage_encrypted           = true
  backup_retention_period     = 7
  manage_master_user_password = true
}

resource "aws_s3_bucket" "assets" {
  bucket = "shop-assets-\${data.aws_caller_identity.me.account_id}"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

module "worker" {
  source    = "./modules/worker"
  queue_url = aws_sqs_queue.jobs.url
  db_url    = local.db_url
}

output "url" {
  value = aws_lb.web.dns_name
}
`;

const MAIN_JSON = `{
  "//": "main.tf, written as CDK for Terraform would",
  "terraform": {
    "required_providers": {
      "aws": {"source": "hashicorp/aws", "version": "~> 5.0"}
    },
    "backend": {
      "s3": {"bucket": "state", "key": "shop.tfstate"}
    }
  },
  "provider": {"aws": [{"region": "\${var.region}"}]},
  "variable": {
    "region": {"type": "string", "default": "eu-west-1"},
    "app_port": {"type": "number", "default": 8080}
  },
  "locals": {
    "db_url": "postgres://\${aws_db_instance.db.address}:5432/shop",
    "common_tags": {"Project": "shop"}
  },
  "data": {"aws_caller_identity": {"me": {}}},
  "resource": {
    "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "shop-vpc"}}},
    "aws_subnet": {
      "public": {"vpc_id": "\${aws_vpc.main.id}", "cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": true},
      "private": {"vpc_id": "\${aws_vpc.main.id}", "cidr_block": "10.0.2.0/24"}
    },
    "aws_security_group": {
      "web": {
        "vpc_id": "\${aws_vpc.main.id}",
        "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}],
        "dynamic": {"ingress": {
          "for_each": "\${[var.app_port]}",
          "content": {"from_port": "\${ingress.value}", "to_port": "\${ingress.value}", "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
        }}
      }
    },
    "aws_lb": {"web": {
      "load_balancer_type": "application",
      "subnets": ["\${aws_subnet.public.id}"],
      "security_groups": ["\${aws_security_group.web.id}"]
    }},
    "aws_lb_target_group": {"web": {"port": "\${var.app_port}", "protocol": "HTTP", "vpc_id": "\${aws_vpc.main.id}"}},
    "aws_lb_listener": {"https": {
      "load_balancer_arn": "\${aws_lb.web.arn}", "port": 443, "protocol": "HTTPS",
      "default_action": [{"type": "forward", "target_group_arn": "\${aws_lb_target_group.web.arn}"}]
    }},
    "aws_instance": {"web": {
      "ami": "ami-1",
      "instance_type": "t3.micro",
      "subnet_id": "\${aws_subnet.private.id}",
      "vpc_security_group_ids": ["\${aws_security_group.web.id}"],
      "user_data": "#!/bin/sh\\necho \\"DATABASE_URL=\${local.db_url}\\" >> /etc/environment\\necho \\"ASSETS=\${aws_s3_bucket.assets.bucket}\\" >> /etc/environment\\n",
      "metadata_options": {"http_tokens": "required"},
      "tags": "\${merge(local.common_tags, { Name = \\"web\\" })}",
      "depends_on": ["aws_db_instance.db"],
      "lifecycle": {"ignore_changes": ["ami"]},
      "provisioner": [{"local-exec": {"command": "echo \${self.private_ip}"}}]
    }},
    "aws_lb_target_group_attachment": {"web": {
      "target_group_arn": "\${aws_lb_target_group.web.arn}", "target_id": "\${aws_instance.web.id}", "port": "\${var.app_port}"
    }},
    "aws_db_instance": {"db": {
      "engine": "postgres", "instance_class": "db.t3.micro", "storage_encrypted": true,
      "backup_retention_period": 7, "manage_master_user_password": true
    }},
    "aws_s3_bucket": {"assets": {"bucket": "shop-assets-\${data.aws_caller_identity.me.account_id}"}},
    "aws_sqs_queue": {"jobs": {"name": "jobs"}}
  },
  "module": {"worker": {"source": "./modules/worker", "queue_url": "\${aws_sqs_queue.jobs.url}", "db_url": "\${local.db_url}"}},
  "output": {"url": {"value": "\${aws_lb.web.dns_name}"}}
}
`;

const WORKER_TF = `variable "queue_url" {}

variable "db_url" {}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  runtime       = "python3.12"
  handler       = "main.handler"
  filename      = "worker.zip"
  environment {
    variables = {
      QUEUE_URL = var.queue_url
      DB_URL    = var.db_url
    }
  }
}
`;

const WORKER_JSON = `{
  "variable": {"queue_url": {}, "db_url": {}},
  "resource": {"aws_lambda_function": {"worker": {
    "function_name": "worker",
    "role": "arn:aws:iam::123456789012:role/worker",
    "runtime": "python3.12",
    "handler": "main.handler",
    "filename": "worker.zip",
    "environment": {"variables": {"QUEUE_URL": "\${var.queue_url}", "DB_URL": "\${var.db_url}"}}
  }}}
}
`;

/** The draft as text, with what only says where things are (files, lines) left out. */
function draftText(files: Record<string, string>): string {
  const r = discoverTerraform(Object.entries(files).map(([file, text]) => ({ file, text })));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return JSON.stringify({ ...r, draft: { ...r.draft, sources: r.draft.sources.map((s) => s.format) } }, (k, v) => {
    if (k === 'line' || k === 'file') return undefined;
    return typeof v === 'string' ? v.replace(/\.tf\.json\b/g, '.tf').replace(/(\.tf):\d+/g, '$1:N') : v;
  }, 2);
}

describe('Terraform JSON: the same configuration as .tf and as .tf.json', () => {
  it('gives the same tree, positions aside', () => {
    assert.deepEqual(shape(parseTerraformJson(MAIN_JSON)), shape(parseHcl(MAIN_TF)));
    assert.deepEqual(shape(parseTerraformJson(WORKER_JSON)), shape(parseHcl(WORKER_TF)));
  });

  it('gives the same discoverTerraform draft: elements, flows, boundaries', (t: TestContext) => {
    if (!readFileSync('src/import/terraform/reader.ts', 'utf8').includes('parseTerraformJson')) {
      t.skip('TerraformReader.readFile does not read .tf.json files yet (it will call parseTerraformJson)');
      return;
    }
    const tf = draftText({ 'main.tf': MAIN_TF, 'modules/worker/main.tf': WORKER_TF });
    const json = draftText({ 'main.tf.json': MAIN_JSON, 'modules/worker/main.tf.json': WORKER_JSON });
    assert.equal(json, tf);
    const draft = JSON.parse(tf) as { draft: { elements: unknown[]; flows: unknown[]; boundaries: unknown[] } };
    assert.ok(draft.draft.elements.length >= 5 && draft.draft.flows.length >= 3 && draft.draft.boundaries.length >= 1, tf);
    // Mixed: the module in JSON, its caller in HCL.
    assert.equal(draftText({ 'main.tf': MAIN_TF, 'modules/worker/main.tf.json': WORKER_JSON }), tf);
  });
});

describe('Terraform JSON: errors', () => {
  it('says where invalid JSON stops, by line and column', () => {
    assert.deepEqual(failure('{\n  "a": 1,\n}'), [3, 1, `expected another key after ',', found '}' (JSON allows no comma before '}')`]);
    assert.deepEqual(failure('{"locals": {"a": [1, 2,]}}'), [1, 24, `expected another value after ',', found ']' (JSON allows no comma before ']')`]);
    assert.deepEqual(failure('{\n  "locals": {"a": "abc'), [2, 23, `expected '"' to close the string, found the end of the file`]);
    assert.deepEqual(failure('{"locals": {"a": "abc\n"}}'), [1, 22, `expected '"' to close the string before the end of the line, found a newline`]);
    assert.deepEqual(failure('{"locals": {"a": "a\\qb"}}'), [1, 21, `expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX) after '\\', found 'qb'`]);
    assert.deepEqual(failure('{"a" 1}'), [1, 6, `expected ':' after the key "a", found '1'`]);
    assert.deepEqual(failure('{"a": 01}'), [1, 7, `expected a number such as 12, -0.5 or 1e3, found '01'`]);
    assert.deepEqual(failure('{"a": tru}'), [1, 7, `expected a value (an object, an array, a string, a number, true, false or null), found 'tru'`]);
    assert.deepEqual(failure('{} {}'), [1, 4, `expected the end of the file after the JSON value, found '{'`]);
    assert.deepEqual(failure(''), [1, 1, 'expected a value (an object, an array, a string, a number, true, false or null), found the end of the file']);
  });

  it('refuses a root that is no object and shapes Terraform refuses', () => {
    assert.deepEqual(failure('[\n  {"resource": {}}\n]'), [1, 1, 'expected an object at the root of a Terraform JSON file, found an array']);
    assert.deepEqual(failure('{\n  "resource": "aws_instance"\n}'), [2, 15, 'expected an object keyed by resource type in resource, found a string']);
    assert.deepEqual(failure('{"resource": {"aws_instance": ["web"]}}'), [1, 32, 'expected an object keyed by resource name in resource "aws_instance", found a string']);
    assert.deepEqual(failure('{"resource": {"aws_instance": {"web": 1}}}'), [1, 39, 'expected an object for the body of resource "aws_instance" "web", found a number']);
    assert.deepEqual(failure('{"resource": {"t": {"n": {"lifecycle": [true]}}}}'), [1, 41, 'expected an object for the body of lifecycle, found true']);
    assert.deepEqual(failure('{"locals": "x"}'), [1, 12, 'expected an object for the body of locals, found a string']);
  });

  it('places errors inside a string\'s template on the JSON text', () => {
    assert.deepEqual(failure('{"locals": {\n  "a": "x ${var.b"}}'), [2, 18, `expected '}' to close the '\${' at 2:11, found the end of the string`]);
    assert.deepEqual(failure('{"locals": {"a": "\\t${1 +}"}}'), [1, 26, `expected an expression, found '}'`]);
    assert.deepEqual(failure('{"locals": {"a": "%{ if x }y"}}'), [1, 19, `'%{ if }' is never closed (expected '%{ endif }')`]);
    assert.deepEqual(failure('{"resource": {"t": {"n": {"depends_on": ["aws_instance.a b"]}}}}'), [1, 58, `expected a newline after the reference, found 'b'`]);
    assert.deepEqual(failure('{"resource": {"t": {"n": {"provider": ""}}}}'), [1, 40, 'expected an expression, found the end of the string']);
  });

  it('caps nesting and allows a BOM, columns counted after it', () => {
    const deep = (n: number) => `{"locals": {"a": ${'['.repeat(n)}${']'.repeat(n)}}}`;
    assert.doesNotThrow(() => parseTerraformJson(deep(MAX_JSON_DEPTH - 2)));
    assert.match(failure(deep(MAX_JSON_DEPTH + 10))[2], /nested more than 200 levels/);
    assert.deepEqual(failure(deep(100_000)).slice(0, 2), [1, 17 + MAX_JSON_DEPTH - 1]);
    const body = parseTerraformJson('\ufeff{"locals": {"a": 1}}');
    assert.deepEqual(at(block(body, 'locals').pos), [1, 2]);
    assert.deepEqual(failure('\ufeff{"a": }').slice(0, 2), [1, 7]);
  });
});

describe('Terraform JSON: hostile input', () => {
  it('takes __proto__, constructor and the like as plain keys, labels and names', () => {
    const body = parseTerraformJson(`{
      "__proto__": {"polluted": true},
      "resource": {"__proto__": {"constructor": {"toString": "x", "__proto__": {"hasOwnProperty": 1}, "tags": {"__proto__": "a", "constructor": "b"}}}},
      "locals": {"constructor": "\${__proto__.x}", "valueOf": {"__proto__": {"polluted": true}}}
    }`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(names(body).blocks, ['__proto__', 'resource __proto__ constructor', 'locals']);
    const r = block(body, 'resource', '__proto__', 'constructor').body;
    assert.deepEqual(names(r), { attributes: ['toString', 'tags'], blocks: ['__proto__'] });
    assert.deepEqual([...objectItems(attr(r, 'tags'))!.keys()], ['__proto__', 'constructor']);
    assert.deepEqual(refs(attr(block(body, 'locals').body, 'constructor')), ['__proto__.x']);
    const value = literalValue(attr(block(body, 'locals').body, 'valueOf')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), null);
    assert.deepEqual(Object.keys(value), ['__proto__']);
  });

  it('1,000 seeded mutations parse or throw HclSyntaxError, nothing else', () => {
    const sources = [CDKTF, MAIN_JSON, WORKER_JSON];
    const chars = '{}[]":,\\${}%~\n0-eu/';
    let parsed = 0;
    let failed = 0;
    let n = 0;
    for (const text of mutations(sources, chars, 20_251_129, 1000)) {
      n++;
      try {
        parseTerraformJson(text);
        parsed++;
      } catch (err) {
        assert.ok(err instanceof HclSyntaxError, `mutation ${n}: ${String(err)}`);
        assert.ok(err.line >= 1 && err.column >= 1 && err.offset <= text.length && err.message.length > 0 && !/^\d/.test(err.message), `mutation ${n}: ${err.message}`);
        assert.ok(!/<<JSON|line 'JSON|value of 'v'/.test(err.message), `mutation ${n} shows the parse's scaffolding: ${err.message}`);
        failed++;
      }
    }
    assert.ok(parsed > 100 && failed > 100, `${parsed} parsed, ${failed} failed`);
  });
});

