// Terraform -> a draft: which resources are elements, where they sit, which wiring makes a flow, and when
// outside clients reach something. Each fact has a case where it holds and one where it must not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Draft, draftToYaml, mergeDrafts } from '../../src/import/draft.js';
import { discoverTerraform } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowOf, flowSet } from './draft-helpers.js';

const SHOP = 'test/fixtures/discover/terraform-shop';

function draftOf(files: Record<string, string>): Draft {
  const r = discoverTerraform(Object.entries(files).map(([file, text]) => ({ file, text })));
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return mergeDrafts([r.draft]);
}

const shop = () => draftOf({
  'main.tf': readFileSync(`${SHOP}/main.tf`, 'utf8'),
  'modules/worker/main.tf': readFileSync(`${SHOP}/modules/worker/main.tf`, 'utf8'),
});

const ids = (draft: Draft) => new Map(draft.elements.map((e) => [e.key, e.id]));
const flowsById = (draft: Draft) => {
  const id = ids(draft);
  return draft.flows.map((f) => `${id.get(f.from)} -> ${id.get(f.to)}: ${f.protocol}${f.port !== undefined ? `:${f.port}` : ''}${f.auth ? ` (${f.auth})` : ''}`).sort();
};

describe('discover: Terraform', () => {
  it('elements, technologies and boundaries of a shop: VPC, load balancer, ECS, RDS, SQS, Lambda, SNS, S3, CloudFront, a module', () => {
    const draft = shop();
    const real = draft.elements.filter((e) => !e.madeUp).map((e) => `${e.id} ${e.identity?.tech ?? e.identity?.type} in ${e.boundary}`);
    assert.deepEqual(real, [
      'public-lb alb in |aws_vpc.main',
      'api service in |aws_vpc.main',
      'orders-db postgres in |aws_vpc.main',
      'orders-queue sqs in aws:eu-west-1',
      'mailer lambda in aws:eu-west-1',
      'receipts sns in aws:eu-west-1',
      'assets s3 in aws:eu-west-1',
      'cdn cloudfront in aws:eu-west-1',
      // No subnet: AWS puts the instance in the region's default VPC; the region comes from the caller.
      'worker service in default-vpc:eu-west-1',
    ]);
    const vpc = draft.boundaries.find((b) => b.key === '|aws_vpc.main')!;
    assert.deepEqual([vpc.name, vpc.parent, vpc.provenance.length], ['shop-vpc', 'aws:eu-west-1', 1]);
    assert.equal(elementOf(draft, '|aws_ecs_service.api').replicas, 3);
  });

  it('controls the files switch on, each with its place', () => {
    const draft = shop();
    const controls = (key: string) => elementOf(draft, key).controls?.map((c) => `${c.control} ${c.provenance.file}:${c.provenance.line}`);
    assert.deepEqual(controls('|aws_db_instance.orders'), ['encryption-at-rest main.tf:116', 'backups main.tf:117', 'redundancy main.tf:118']);
    assert.deepEqual(controls('|aws_lb.public'), ['waf main.tf:82']);
    assert.deepEqual(controls('modules/worker|aws_instance.worker'), ['metadata-protection modules/worker/main.tf:11']);
    assert.deepEqual(controls('|aws_s3_bucket.assets'), ['encryption-at-rest main.tf:156'], 'S3 encrypts by default');
    assert.equal(controls('|aws_ecs_service.api'), undefined);
  });

  it('flows from the wiring: listener, target group, container environment, locals, event source, origins, module input', () => {
    const draft = shop();
    assert.deepEqual(flowsById(draft), [
      'api -> orders-db: postgres (password)',
      'api -> orders-queue: cloud-api',
      'cdn -> assets: s3',
      'cdn -> public-lb: https',
      'clients -> assets: https',
      'clients -> cdn: https',
      // Port 80 only redirects to HTTPS: no flow of its own.
      'clients -> public-lb: https:443',
      'mailer -> receipts: cloud-api',
      // The event source: the messages go from the queue to the function Lambda polls it for.
      'orders-queue -> mailer: cloud-api',
      'public-lb -> api: http:3000',
      'worker -> orders-db: postgres (password)',
    ]);
    // The ECS service's security group is open to the world, but its subnet gives no public address.
    assert.ok(!flowSet(draft).includes('clients -> |aws_ecs_service.api'));
    const env = flowOf(draft, '|aws_ecs_service.api', '|aws_db_instance.orders');
    assert.equal(env.evidence[0].provenance.note, 'container_definitions environment DATABASE_URL -> aws_db_instance.orders');
    const worker = flowOf(draft, 'modules/worker|aws_instance.worker', '|aws_db_instance.orders');
    assert.equal(worker.evidence[0].provenance.note, 'user_data -> aws_db_instance.orders (via main.tf:187 module input database_url)');
  });

  it('the drafted shop loads and analyses as a model', () => {
    const text = draftToYaml(shop(), { output: 'threatmap.yaml' });
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
    assert.match(text, /^ {2}# redundancy: main\.tf:118 multi_az = true\n {2}orders-db: \{ name: aws_db_instance\.orders, tech: postgres, in: main-vpc, controls: \[ encryption-at-rest, backups, redundancy \] \}$/m);
  });

  it('an internal load balancer, a restricted security group and a private instance are not reached from outside', () => {
    const draft = draftOf({
      'main.tf': `
resource "aws_lb" "inner" {
  internal = true
}
resource "aws_lb_listener" "l" {
  load_balancer_arn = aws_lb.inner.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.t.arn
  }
}
resource "aws_lb_target_group" "t" {
  port     = 8080
  protocol = "HTTP"
}
resource "aws_lb_target_group_attachment" "a" {
  target_group_arn = aws_lb_target_group.t.arn
  target_id        = aws_instance.app.id
}
resource "aws_security_group" "office" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"]
  }
}
resource "aws_instance" "app" {
  vpc_security_group_ids = [aws_security_group.office.id]
}
resource "aws_security_group" "open" {}
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.open.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_instance" "hidden" {
  associate_public_ip_address = false
  vpc_security_group_ids      = [aws_security_group.open.id]
}
resource "aws_instance" "bastion" {
  vpc_security_group_ids = [aws_security_group.open.id]
}
`,
    });
    assert.deepEqual(flowsById(draft), ['clients -> bastion: ssh:22', 'inner -> app: http:8080']);
  });

  it('a public bucket unless a public access block ignores its ACL; a publicly accessible database', () => {
    const open = draftOf({ 'main.tf': 'resource "aws_s3_bucket" "site" {\n  acl = "public-read"\n}\nresource "aws_db_instance" "db" {\n  engine = "mysql"\n  publicly_accessible = true\n}\n' });
    assert.deepEqual(flowsById(open), ['clients -> db: mysql (password)', 'clients -> site: https']);
    const blocked = draftOf({
      'main.tf': 'resource "aws_s3_bucket" "site" {\n  acl = "public-read"\n}\nresource "aws_s3_bucket_public_access_block" "b" {\n  bucket = aws_s3_bucket.site.id\n  ignore_public_acls = true\n}\n',
    });
    assert.deepEqual(flowsById(blocked), []);
  });

  it('API gateway integrations, function URLs, subscriptions and notifications', () => {
    const draft = draftOf({
      'main.tf': `
resource "aws_apigatewayv2_api" "http" {
  protocol_type = "HTTP"
}
resource "aws_apigatewayv2_integration" "fn" {
  api_id           = aws_apigatewayv2_api.http.id
  integration_uri  = aws_lambda_function.handler.invoke_arn
  integration_type = "AWS_PROXY"
}
resource "aws_lambda_function" "handler" {}
resource "aws_lambda_function" "hook" {}
resource "aws_lambda_function_url" "hook" {
  function_name      = aws_lambda_function.hook.function_name
  authorization_type = "NONE"
}
resource "aws_sns_topic" "events" {}
resource "aws_sqs_queue" "inbox" {}
resource "aws_sns_topic_subscription" "s" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.inbox.arn
}
resource "aws_s3_bucket" "uploads" {}
resource "aws_s3_bucket_notification" "n" {
  bucket = aws_s3_bucket.uploads.id
  lambda_function {
    lambda_function_arn = aws_lambda_function.handler.arn
  }
}
`,
    });
    assert.deepEqual(flowsById(draft), [
      'clients -> hook: https',
      'clients -> http: https',
      'events -> inbox: cloud-api',
      'http -> handler: https',
      'uploads -> handler: cloud-api',
    ]);
    assert.equal(flowOf(draft, 'clients', '|aws_lambda_function.hook').evidence[0].provenance.note, 'function URL, authorization_type NONE');
  });

  it('terraform-aws-modules calls read as the resources they create: VPC, security groups, ALB, EC2, autoscaling, RDS, S3, EKS', () => {
    const r = discoverTerraform([{ file: 'main.tf', text: readFileSync('test/fixtures/discover/terraform-modules/main.tf', 'utf8') }]);
    assert.deepEqual(r.unreadModules, ['acm (terraform-aws-modules/acm/aws)']);
    const draft = mergeDrafts([r.draft]);
    assert.deepEqual(draft.elements.filter((e) => !e.madeUp).map((e) => `${e.id} ${e.identity?.tech ?? e.identity?.type} in ${e.boundary}`), [
      'alb alb in |module.vpc', 'bastion service in |module.vpc', 'app service in |module.vpc', 'db postgres in |module.vpc',
      'uploads s3 in aws:us-west-2', 'eks kubernetes in |module.vpc',
    ]);
    assert.equal(draft.boundaries.find((b) => b.key === '|module.vpc')?.name, 'platform');
    assert.deepEqual(flowsById(draft), [
      // The autoscaling group registers with the ALB's target group: the balancer calls it.
      'alb -> app: http',
      'app -> db: postgres (password)',
      'clients -> alb: https:443',
      // Port 22 is open to the world on the bastion in a public subnet; the app's open group sits in private subnets.
      'clients -> bastion: ssh:22',
      // The EKS module's public endpoint; the bucket module blocks public ACLs by default.
      'clients -> eks: https:443 (iam)',
    ]);
    assert.deepEqual(elementOf(draft, '|module.db').passwordSetting, { file: 'main.tf', line: 66, note: 'RDS master user password' });
  });

  it('an RDS parameter group forcing SSL and ElastiCache transit encryption make their clients speak TLS', () => {
    const draft = draftOf({
      'main.tf': 'resource "aws_db_parameter_group" "pg" {\n  family = "postgres15"\n  parameter {\n    name  = "rds.force_ssl"\n    value = "1"\n  }\n}\nresource "aws_db_instance" "db" {\n  engine = "postgres"\n  parameter_group_name = aws_db_parameter_group.pg.name\n}\nresource "aws_elasticache_replication_group" "cache" {\n  transit_encryption_enabled = true\n}\nresource "aws_instance" "app" {\n  associate_public_ip_address = false\n  user_data = "${aws_db_instance.db.address} ${aws_elasticache_replication_group.cache.primary_endpoint_address}"\n}\n',
    });
    assert.deepEqual(flowsById(draft), ['app -> cache: rediss', 'app -> db: postgres+tls (password)']);
    assert.equal(elementOf(draft, '|aws_db_instance.db').requiresTls?.note, 'aws_db_parameter_group.pg: rds.force_ssl = 1');
  });

  it('subnets named through something not read leave a resource in the account, not the default VPC; Aurora counts its instances', () => {
    const draft = draftOf({
      'main.tf': 'variable "private_subnets" {}\nresource "aws_db_subnet_group" "db" {\n  subnet_ids = var.private_subnets\n}\nresource "aws_rds_cluster" "db" {\n  engine = "aurora-postgresql"\n  db_subnet_group_name = aws_db_subnet_group.db.name\n}\nresource "aws_rds_cluster_instance" "db" {\n  count = 3\n  cluster_identifier = aws_rds_cluster.db.id\n}\nresource "aws_instance" "legacy" {}\n',
    });
    assert.deepEqual(draft.elements.map((e) => `${e.id} ${e.identity?.tech ?? e.identity?.type} in ${e.boundary} replicas ${e.replicas}`), [
      'db postgres in aws: replicas 3', 'legacy service in default-vpc: replicas undefined',
    ]);
  });

  it('dynamic ingress blocks open to the world: a port per item of a list Terraform states, else ports unknown', () => {
    const draft = draftOf({
      'main.tf': `
variable "rules" {
  default = [{ port = 22, description = "SSH" }, { port = 443, description = "HTTPS" }]
}
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  dynamic "ingress" {
    iterator = port
    for_each = ["8080"]
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      ipv6_cidr_blocks = ["::/0"]
    }
  }
}
resource "aws_security_group" "db" {
  dynamic "ingress" {
    for_each = var.unknown
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
resource "aws_instance" "web" {
  vpc_security_group_ids = [aws_security_group.web.id]
}
resource "aws_instance" "db" {
  vpc_security_group_ids = [aws_security_group.db.id]
}
`,
    });
    // One flow per port opened: SSH does not hide the web ports beside it.
    assert.deepEqual(flowsById(draft), ['clients -> db: http', 'clients -> web: http:8080', 'clients -> web: https:443', 'clients -> web: ssh:22']);
    const web = draft.flows.filter((f) => f.to === '|aws_instance.web');
    assert.deepEqual(web.map((f) => f.evidence.map((e) => e.port)), [[22], [443], [8080]]);
  });

  it('a bucket policy allowing anyone makes the bucket public, in any of its forms, unless public policies are blocked', () => {
    const bucket = (name: string) => `resource "aws_s3_bucket" "${name}" {}\n`;
    const draft = draftOf({
      'main.tf': `${bucket('encoded')}${bucket('heredoc')}${bucket('document')}${bucket('scoped')}${bucket('blocked')}
resource "aws_s3_bucket_policy" "encoded" {
  bucket = aws_s3_bucket.encoded.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "\${aws_s3_bucket.encoded.arn}/*" }]
  })
}
resource "aws_s3_bucket_policy" "heredoc" {
  bucket = aws_s3_bucket.heredoc.id
  policy = <<POLICY
{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "\${aws_s3_bucket.heredoc.arn}/*"}]}
POLICY
}
data "aws_iam_policy_document" "anyone" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.document.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_s3_bucket_policy" "document" {
  bucket = aws_s3_bucket.document.id
  policy = data.aws_iam_policy_document.anyone.json
}
resource "aws_s3_bucket_policy" "scoped" {
  bucket = aws_s3_bucket.scoped.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Condition = { IpAddress = { "aws:SourceIp" = "203.0.113.0/24" } } }] })
}
resource "aws_s3_bucket_policy" "blocked" {
  bucket = aws_s3_bucket.blocked.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject" }] })
}
resource "aws_s3_bucket_public_access_block" "blocked" {
  bucket                  = aws_s3_bucket.blocked.id
  block_public_policy     = true
  restrict_public_buckets = true
}
`,
    });
    assert.deepEqual(flowsById(draft), ['clients -> document: https', 'clients -> encoded: https', 'clients -> heredoc: https']);
    assert.equal(flowOf(draft, 'clients', '|aws_s3_bucket.encoded').evidence[0].provenance.note, 'bucket policy allows Principal "*"');
  });

  it('queues, topics and search domains whose resource policy lets anyone in are reached from outside', () => {
    const anyone = 'jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "*" }] })';
    const draft = draftOf({
      'main.tf': `
resource "aws_sqs_queue" "jobs" {}
resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy    = ${anyone}
}
resource "aws_sns_topic" "news" {
  policy = ${anyone}
}
resource "aws_sns_topic" "quiet" {}
resource "aws_opensearch_domain" "logs" {
  access_policies = ${anyone}
}
resource "aws_opensearch_domain" "inner" {
  access_policies = ${anyone}
  vpc_options {
    subnet_ids = ["subnet-1"]
  }
}
`,
    });
    assert.deepEqual(flowsById(draft), ['clients -> jobs: https', 'clients -> logs: https', 'clients -> news: https']);
  });

  it('API Gateway methods and routes become endpoints with their authorization; an IAM function URL is authenticated', () => {
    const draft = draftOf({
      'main.tf': `
resource "aws_api_gateway_rest_api" "shop" {
  name = "shop"
}
resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "orders"
}
resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{id}"
}
resource "aws_api_gateway_method" "list" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "GET"
  authorization = "NONE"
}
resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.order.id
  http_method   = "GET"
  authorization = "COGNITO_USER_POOLS"
}
resource "aws_api_gateway_method" "admin" {
  rest_api_id      = aws_api_gateway_rest_api.shop.id
  resource_id      = aws_api_gateway_resource.order.id
  http_method      = "DELETE"
  authorization    = "NONE"
  api_key_required = true
}
resource "aws_apigatewayv2_api" "events" {
  protocol_type = "HTTP"
}
resource "aws_apigatewayv2_route" "ingest" {
  api_id             = aws_apigatewayv2_api.events.id
  route_key          = "POST /ingest"
  authorization_type = "AWS_IAM"
}
resource "aws_apigatewayv2_route" "fallback" {
  api_id    = aws_apigatewayv2_api.events.id
  route_key = "$default"
}
resource "aws_lambda_function" "hook" {}
resource "aws_lambda_function_url" "hook" {
  function_name      = aws_lambda_function.hook.function_name
  authorization_type = "AWS_IAM"
}
`,
    });
    const endpoints = (id: string) => draft.elements.find((e) => e.id === id)?.endpoints?.map((e) => `${e.key} ${e.public ? 'public' : e.auth ?? '?'}`);
    assert.deepEqual(endpoints('shop'), ['GET /orders public', 'GET /orders/{id} jwt', 'DELETE /orders/{id} api-key']);
    assert.deepEqual(endpoints('events'), ['POST /ingest iam']);
    assert.deepEqual(flowsById(draft), ['clients -> events: https', 'clients -> hook: https (iam)', 'clients -> shop: https']);
    const text = draftToYaml(draft);
    const loaded = loadModel(text, 'threatmap.yaml');
    assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  });

  it('terraform.tfvars and *.auto.tfvars set variables (the last read wins), ahead of defaults', () => {
    const main = 'variable "open" {\n  default = false\n}\nvariable "port" {\n  default = 80\n}\nresource "aws_db_instance" "db" {\n  engine = "mysql"\n  publicly_accessible = var.open\n}\nresource "aws_lb" "web" {}\nresource "aws_lb_listener" "l" {\n  load_balancer_arn = aws_lb.web.arn\n  port = var.port\n  protocol = "HTTP"\n}\n';
    const r = discoverTerraform([
      { file: 'main.tf', text: main },
      { file: 'terraform.tfvars', text: 'open = true\nport = 8080\n' },
      { file: 'z.auto.tfvars', text: 'port = 8081\n' },
    ]);
    const draft = mergeDrafts([r.draft]);
    assert.deepEqual(flowsById(draft), ['clients -> db: mysql (password)', 'clients -> web: http:8081']);
    assert.deepEqual(draft.sources.map((x) => `${x.file} ${x.format}`), ['main.tf Terraform', 'terraform.tfvars Terraform variables', 'z.auto.tfvars Terraform variables']);
  });

  it('a remote-state output two configurations define is not guessed', () => {
    const draft = draftOf({
      'a/main.tf': 'resource "aws_db_instance" "one" {\n  engine = "postgres"\n}\noutput "address" {\n  value = aws_db_instance.one.address\n}\n',
      'b/main.tf': 'resource "aws_db_instance" "two" {\n  engine = "postgres"\n}\noutput "address" {\n  value = aws_db_instance.two.address\n}\n',
      'app/main.tf': 'data "terraform_remote_state" "db" {\n  backend = "s3"\n}\nresource "aws_instance" "app" {\n  user_data = "DB=${data.terraform_remote_state.db.outputs.address}"\n}\n',
    });
    assert.deepEqual(flowsById(draft), []);
  });

  it('ids: a resource name says what it is unless generic or shared; names are the addresses', () => {
    const draft = draftOf({
      'main.tf': 'resource "aws_sqs_queue" "jobs" {}\nresource "aws_sns_topic" "jobs" {}\nresource "aws_s3_bucket" "this" {}\nresource "aws_dynamodb_table" "sessions" {}\n',
    });
    assert.deepEqual(draft.elements.map((e) => `${e.id}=${e.name}`), [
      'jobs-queue=aws_sqs_queue.jobs', 'jobs-topic=aws_sns_topic.jobs', 'this-bucket=aws_s3_bucket.this', 'sessions=aws_dynamodb_table.sessions',
    ]);
  });

  it('words of the file are data: resource types and names like constructor or __proto__', () => {
    const r = discoverTerraform([{
      file: 'main.tf',
      text: 'resource "constructor" "__proto__" {}\nresource "toString" "x" {\n  a = constructor.__proto__.id\n}\nvariable "__proto__" {\n  default = 1\n}\nlocals {\n  constructor = 2\n}\nresource "aws_instance" "hasOwnProperty" {\n  user_data = "${var.__proto__}${local.constructor}"\n}\n',
    }]);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.skippedTypes, ['constructor', 'toString']);
    assert.deepEqual(r.draft.elements.map((e) => e.id), ['hasownproperty']);
  });

  it('never throws: seeded mutations of the shop, modules that call each other, cycles of locals', () => {
    const text = readFileSync(`${SHOP}/main.tf`, 'utf8');
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ['aws_lb.public', 'var.app_port', 'local.db_url', 'module.worker.x', '"', '{', '}', '\n', 'data.terraform_remote_state.x.outputs.y', '0.0.0.0/0'];
    for (let n = 0; n < 300; n++) {
      const at = Math.floor(next() * text.length);
      const cut = Math.floor(next() * 40);
      const mutated = text.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + text.slice(at + cut);
      const r = discoverTerraform([{ file: 'main.tf', text: mutated }, { file: 'modules/worker/main.tf', text: 'module "up" {\n  source = "../.."\n}\n' }]);
      assert.ok(Array.isArray(r.diagnostics));
    }
    const loops = discoverTerraform([
      { file: 'a/main.tf', text: 'module "b" {\n  source = "../b"\n  x = var.x\n}\nlocals {\n  p = local.q\n  q = local.p\n}\nresource "aws_instance" "i" {\n  user_data = "${local.p}${var.x}"\n}\n' },
      { file: 'b/main.tf', text: 'module "a" {\n  source = "../a"\n  x = var.x\n}\n' },
    ]);
    assert.deepEqual(loops.draft.elements.map((e) => e.id), ['i']);
  });

  it('a syntax error is a diagnostic with file, line and column, and nothing is drafted', () => {
    const r = discoverTerraform([{ file: 'infra/main.tf', text: 'resource "aws_instance" "a" {\n  ami = "x\n}\n' }]);
    assert.equal(r.diagnostics.length, 1);
    const [d] = r.diagnostics;
    assert.deepEqual([d.severity, d.code, d.file, d.line], ['error', 'invalid-hcl', 'infra/main.tf', 2]);
    assert.match(d.message, /unterminated|string/);
    assert.deepEqual(r.draft.elements, []);
  });
});
