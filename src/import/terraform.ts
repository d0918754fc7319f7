// Terraform configurations -> a Draft. Each AWS, Google Cloud or Azure resource that draws on a data flow
// diagram (instances and groups, functions, load balancers, CDNs, API gateways, databases, buckets,
// queues...) is an element (src/import/terraform-kinds.ts says which); networks are boundaries inside the
// account, project or resource group; a flow is drawn wherever the configuration wires one
// thing to another: a compute resource's settings naming a database (user data, environment), a load
// balancer's listeners forwarding to a target group, a CDN's origins, an API's integrations, event
// subscriptions. Internet-facing load balancers, security groups open to the world and public endpoints
// are calls from outside clients. A configuration is a folder of .tf files; folders read together resolve
// each other's module calls and remote-state outputs. Pure: the caller reads the files and passes their text.
import { type Control } from '../model/catalog.js';
import { sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/types.js';
import {
  addBoundary, addElement, addEvidence, addOutsideCaller, type Draft, type DraftControl, emptyDraft, type FlowEvidence,
  type Provenance, reviewLimits, settleFlows,
} from './draft.js';
import {
  type HclBlock, type HclBody, type HclExpression, HclSyntaxError, type HclValue, literalValue, objectItems, parseHcl, referencesIn,
} from './hcl.js';
import { lookup, slug } from './import-common.js';
import {
  ELEMENTS, GENERIC_NAMES, META, MODULE_DEFAULTS, REGISTRATION, registryType, type Values, WIRING, WORLD,
} from './terraform-kinds.js';

export interface TerraformFile {
  text: string;
  /** Relative to the folder searched, with `/` separators: its folder is its configuration. */
  file: string;
}

export interface TerraformResult {
  draft: Draft;
  diagnostics: Diagnostic[];
  /** Resources and data sources read. */
  resources: number;
  /** Resource types read but not drawn (IAM, DNS, other providers'...), sorted. */
  skippedTypes: string[];
  /** Module calls whose source is neither a local folder nor a module read as its resource, as `name (source)`. */
  unreadModules: string[];
}

export const TERRAFORM_FORMAT = 'Terraform';

/** What Terraform cannot say, for the drafted model's header. */
export const TERRAFORM_LIMITS: readonly string[] = reviewLimits(
  'Terraform says what is deployed, where, and who may connect to it. It cannot say, so add:',
  [
    '  trust: each network (AWS VPC, Google VPC network, Azure virtual network) is one internal boundary in its',
    '    account, project or resource group; public load balancers and endpoints, and firewall or security group',
    '    rules open to the whole internet, are calls from untrusted outside clients',
  ],
  ['AWS, Google Cloud and Azure resources are drawn; variables take their defaults; local modules and terraform-aws-modules are read, other registry modules are not.'],
);

// --- Reading the files -----------------------------------------------------------------------------------


interface Resource {
  config: Config;
  mode: 'resource' | 'data';
  type: string;
  name: string;
  /** `aws_lb.example`, `data.aws_vpc.default`: how the configuration refers to it. */
  address: string;
  /** Unique among all configurations read. */
  key: string;
  body: HclBody;
  file: string;
  line: number;
  /** A registry module's source, when the resource is a module call standing for what it creates. */
  module?: string;
}

interface Output {
  value: HclExpression;
  file: string;
  line: number;
}

interface ModuleCall {
  /** The called configuration's folder. */
  dir: string;
  body: HclBody;
  file: string;
}

/** One folder of .tf files: a root configuration or a local module. */
interface Config {
  dir: string;
  files: string[];
  resources: Map<string, Resource>;
  variables: Map<string, HclExpression>;
  locals: Map<string, HclExpression>;
  outputs: Map<string, Output>;
  calls: Map<string, ModuleCall>;
  /** Calls of this folder by others, for its variables' values. */
  callers: Array<{ config: Config; call: ModuleCall }>;
  /** The aws provider's region, read once every file of the folder is (it may name a variable declared later). */
  region?: HclExpression;
  /** The google provider's project, likewise. */
  project?: HclExpression;
}

const folderOf = (file: string): string => file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';

/** `a/b` + `../c` -> `a/c`; undefined when the path leaves the folder searched. */
function joinPath(dir: string, rel: string): string | undefined {
  const parts = dir ? dir.split('/') : [];
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(p);
  }
  return parts.join('/');
}

const attribute = (body: HclBody, name: string): HclExpression | undefined => {
  let found: HclExpression | undefined;
  for (const a of body.attributes) if (a.name === name) found = a.value;
  return found;
};

const attributeLine = (body: HclBody, name: string): number | undefined => body.attributes.find((a) => a.name === name)?.pos.line;

const blocksOf = (body: HclBody, type: string): HclBlock[] => body.blocks.filter((b) => b.type === type);

class TerraformReader {
  readonly draft = emptyDraft();
  readonly diagnostics: Diagnostic[] = [];
  readonly configs = new Map<string, Config>();
  readonly skipped = new Set<string>();
  readonly unreadModules: string[] = [];
  resources = 0;
  /** Element key of each resource that is an element or part of one (a launch configuration of its group). */
  private readonly elementOf = new Map<string, string>();
  /** Each element's resources: itself first, then its parts. */
  private readonly members = new Map<string, Resource[]>();
  /** Who refers to each resource in a top-level attribute: a bucket's encryption configuration, a policy's group. */
  private readonly pointers = new Map<string, Array<{ from: Resource; attr: string }>>();
  private all: Resource[] = [];

  readFile(text: string, file: string): void {
    let body: HclBody;
    try {
      body = parseHcl(text);
    } catch (err) {
      if (!(err instanceof HclSyntaxError)) throw err;
      this.diagnostics.push({ severity: 'error', code: 'invalid-hcl', message: err.message, file, line: err.line, col: err.column, path: '' });
      return;
    }
    const dir = folderOf(file);
    let config = this.configs.get(dir);
    if (!config) {
      config = { dir, files: [], resources: new Map(), variables: new Map(), locals: new Map(), outputs: new Map(), calls: new Map(), callers: [] };
      this.configs.set(dir, config);
    }
    config.files.push(file);
    this.draft.sources.push({ file, format: TERRAFORM_FORMAT });
    for (const block of body.blocks) this.readBlock(config, block, file);
  }

  private readBlock(config: Config, block: HclBlock, file: string): void {
    const [first, second] = block.labels;
    switch (block.type) {
      case 'resource':
      case 'data': {
        if (first === undefined || second === undefined) return;
        this.resources++;
        const address = block.type === 'data' ? `data.${first}.${second}` : `${first}.${second}`;
        const r: Resource = { config, mode: block.type, type: first, name: second, address, key: `${config.dir}|${address}`, body: block.body, file, line: block.pos.line };
        config.resources.set(address, r);
        return;
      }
      case 'variable': {
        const value = first === undefined ? undefined : attribute(block.body, 'default');
        if (first !== undefined && value !== undefined) config.variables.set(first, value);
        return;
      }
      case 'locals':
        for (const a of block.body.attributes) config.locals.set(a.name, a.value);
        return;
      case 'output': {
        const value = attribute(block.body, 'value');
        if (first !== undefined && value !== undefined) config.outputs.set(first, { value, file, line: block.pos.line });
        return;
      }
      case 'module': {
        const source = this.value(config, attribute(block.body, 'source'));
        if (first === undefined || typeof source !== 'string') return;
        const dir = /^\.\.?\//.test(source) ? joinPath(config.dir, source) : undefined;
        if (dir !== undefined) config.calls.set(first, { dir, body: block.body, file });
        const type = registryType(source);
        if (type === undefined) {
          if (dir === undefined) this.unreadModules.push(`${first} (${source})`);
          return;
        }
        this.resources++;
        const address = `module.${first}`;
        config.resources.set(address, { config, mode: 'resource', type, name: first, address, key: `${config.dir}|${address}`, body: block.body, file, line: block.pos.line, module: source });
        return;
      }
      case 'provider':
        // The first aws provider is the default one; aliased providers deploy elsewhere on request only.
        if (first === 'aws' && config.region === undefined && attribute(block.body, 'alias') === undefined) config.region = attribute(block.body, 'region');
        if (first === 'google' && config.project === undefined && attribute(block.body, 'alias') === undefined) config.project = attribute(block.body, 'project');
    }
  }

  // --- Values and references ------------------------------------------------------------------------------

  /** The value of an expression when the configuration states it: literals, variables' defaults, locals. */
  value(config: Config, expr: HclExpression | undefined, depth = 0): HclValue | undefined {
    if (expr === undefined || depth > 8) return undefined;
    const known = literalValue(expr);
    if (known !== undefined) return known;
    if (expr.kind === 'traversal' && expr.steps.length === 1 && expr.steps[0].kind === 'attr') {
      const name = expr.steps[0].name;
      if (expr.root === 'var') return this.variableValue(config, name, depth);
      if (expr.root === 'local') return this.value(config, config.locals.get(name), depth + 1);
    }
    if (expr.kind === 'template') {
      let text = '';
      for (const part of expr.parts) {
        const v = this.value(config, part, depth + 1);
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
        text += String(v);
      }
      return text;
    }
    if (expr.kind === 'parens') return this.value(config, expr.expression, depth + 1);
    return undefined;
  }

  /** A variable's value: what its only caller passes, else its default. */
  private variableValue(config: Config, name: string, depth: number): HclValue | undefined {
    const passed = config.callers.map(({ config: parent, call }) => ({ parent, expr: attribute(call.body, name) })).filter((p) => p.expr !== undefined);
    if (passed.length === 1) return this.value(passed[0].parent, passed[0].expr, depth + 1);
    return passed.length ? undefined : this.value(config, config.variables.get(name), depth + 1);
  }

  values(r: Resource, body: HclBody = r.body): Values {
    const out: Values = new Map(r.module !== undefined && body === r.body ? Object.entries(lookup(MODULE_DEFAULTS, r.type) ?? {}) : []);
    for (const a of body.attributes) {
      const v = this.value(r.config, a.value);
      if (v !== undefined) out.set(a.name, v);
    }
    return out;
  }

  /**
   * The resources an expression refers to, following locals, module variables and outputs, and remote-state
   * outputs of the other configurations read, each with the chain of places it went through.
   */
  targets(config: Config, expr: HclExpression, depth = 0): Array<{ resource: Resource; via: Provenance[]; attr?: string }> {
    if (depth > 8) return [];
    const out: Array<{ resource: Resource; via: Provenance[]; attr?: string }> = [];
    for (const ref of referencesIn(expr)) {
      const [root, a, b, c, d] = ref.parts;
      if (root === 'var' && a !== undefined) {
        for (const { config: parent, call } of config.callers) {
          const passed = attribute(call.body, a);
          if (passed) out.push(...this.targets(parent, passed, depth + 1).map((t) => ({ ...t, via: [{ file: call.file, line: passed.pos.line, note: `module input ${a}` }, ...t.via] })));
        }
      } else if (root === 'local' && a !== undefined) {
        const local = config.locals.get(a);
        if (local) out.push(...this.targets(config, local, depth + 1));
      } else if (root === 'module' && a !== undefined && config.resources.has(`module.${a}`)) {
        out.push({ resource: config.resources.get(`module.${a}`)!, via: [], ...(b !== undefined ? { attr: b } : {}) });
      } else if (root === 'module' && a !== undefined && b !== undefined) {
        const call = config.calls.get(a);
        const child = call && this.configs.get(call.dir);
        const output = child?.outputs.get(b);
        if (child && output) out.push(...this.targets(child, output.value, depth + 1).map((t) => ({ ...t, via: [{ file: output.file, line: output.line, note: `output ${b}` }, ...t.via] })));
      } else if (root === 'data' && a === 'terraform_remote_state' && c === 'outputs' && d !== undefined) {
        out.push(...this.remoteOutput(config, d, depth));
      } else if (root === 'data' && a !== undefined && b !== undefined) {
        const r = config.resources.get(`data.${a}.${b}`);
        if (r) out.push({ resource: r, via: [], attr: c });
      } else if (a !== undefined) {
        const r = config.resources.get(`${root}.${a}`);
        if (r) out.push({ resource: r, via: [], attr: b });
      }
    }
    return out;
  }

  /**
   * A remote state's output, found among the other configurations read: the state's bucket and key are rarely
   * literal, so the output's name decides, when exactly one other configuration has an output of that name.
   */
  private remoteOutput(config: Config, name: string, depth: number): Array<{ resource: Resource; via: Provenance[]; attr?: string }> {
    const found = [...this.configs.values()].filter((c) => c !== config && c.outputs.has(name));
    if (found.length !== 1) return [];
    const output = found[0].outputs.get(name)!;
    return this.targets(found[0], output.value, depth + 1).map((t) => ({ ...t, via: [{ file: output.file, line: output.line, note: `output ${name}` }, ...t.via] }));
  }

  // --- Elements -------------------------------------------------------------------------------------------

  finish(): void {
    this.linkModuleCalls();
    this.all = [...this.configs.values()].flatMap((c) => [...c.resources.values()]);
    for (const from of this.all) {
      for (const a of from.body.attributes) {
        for (const t of this.targets(from.config, a.value)) {
          const list = this.pointers.get(t.resource.key) ?? [];
          list.push({ from, attr: a.name });
          this.pointers.set(t.resource.key, list);
        }
      }
    }
    const elements = this.all.filter((r) => r.mode === 'resource' && lookup(ELEMENTS, r.type) !== undefined);
    // A launch configuration or template is part of the group that launches it, a task definition part of its service.
    const parts = new Map<string, Resource[]>();
    for (const owner of elements) {
      const own = this.partsOf(owner).filter((p) => !this.elementOf.has(p.key));
      for (const part of own) this.elementOf.set(part.key, owner.key);
      parts.set(owner.key, own);
    }
    const standalone = elements.filter((r) => !this.elementOf.has(r.key));
    for (const r of standalone) {
      this.elementOf.set(r.key, r.key);
      this.members.set(r.key, [r, ...(parts.get(r.key) ?? [])]);
    }
    const ids = this.chooseIds(standalone);
    for (const r of standalone) this.addResourceElement(r, ids.get(r.key)!);
    for (const r of this.all) {
      if (r.mode === 'resource' && lookup(ELEMENTS, r.type) === undefined && !WIRING.has(r.type)) this.skipped.add(r.type);
    }
    for (const r of standalone) this.referenceFlows(r);
    this.loadBalancerFlows();
    this.moduleLoadBalancers();
    this.edgeFlows();
    this.eventFlows();
    this.chainFlows();
    this.exposure(standalone);
    settleFlows(this.draft);
  }

  /** An element's parts: the launch configuration of a group, the task definition of a service. */
  private partsOfElement(r: Resource): Resource[] {
    return (this.members.get(r.key) ?? [r]).slice(1);
  }

  private linkModuleCalls(): void {
    for (const config of this.configs.values()) {
      for (const call of config.calls.values()) this.configs.get(call.dir)?.callers.push({ config, call });
    }
  }

  private partsOf(owner: Resource): Resource[] {
    const names = owner.type === 'aws_autoscaling_group' ? ['launch_configuration', 'launch_template', 'mixed_instances_policy']
      : owner.type === 'aws_ecs_service' ? ['task_definition']
        : /^google_compute_(?:region_)?instance_group_manager$/.test(owner.type) ? ['version', 'instance_template'] : [];
    const parts: Resource[] = [];
    for (const name of names) {
      for (const expr of this.expressionsUnder(owner.body, name)) {
        for (const t of this.targets(owner.config, expr)) if (PART_TYPES.has(t.resource.type)) parts.push(t.resource);
      }
    }
    return [...new Set(parts)];
  }

  /** Every expression of an attribute or block of that name, nested blocks included. */
  private expressionsUnder(body: HclBody, name: string): HclExpression[] {
    const out: HclExpression[] = [];
    for (const a of body.attributes) if (a.name === name) out.push(a.value);
    for (const b of body.blocks) {
      if (b.type === name) out.push(...allExpressions(b.body));
      else out.push(...this.expressionsUnder(b.body, name));
    }
    return out;
  }

  private chooseIds(resources: readonly Resource[]): Map<string, string> {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(slug(r.name), (counts.get(slug(r.name)) ?? 0) + 1);
    const taken = new Set<string>();
    const ids = new Map<string, string>();
    for (const r of resources) {
      const base = slug(r.name) || ELEMENTS[r.type].short;
      const plain = !GENERIC_NAMES.has(base) && counts.get(base) === 1;
      const wanted = plain ? base : `${base}-${ELEMENTS[r.type].short}`;
      let id = wanted;
      for (let n = 2; taken.has(id); n++) id = `${wanted}-${n}`;
      taken.add(id);
      ids.set(r.key, id);
    }
    return ids;
  }

  private provenance(r: Resource): Provenance {
    return { file: r.file, line: r.line, note: r.module !== undefined ? `module "${r.name}" (${r.module})` : `${r.mode} "${r.type}" "${r.name}"` };
  }

  private addResourceElement(r: Resource, id: string): void {
    const kind = ELEMENTS[r.type];
    const parts = this.partsOfElement(r);
    const values = this.values(r);
    const controls: DraftControl[] = [];
    const control = (name: Control, file: string, line: number, note: string) => controls.push({ control: name, provenance: { file, line, note } });
    this.controlsOf(r, values, control);
    for (const p of [r, ...parts]) {
      const meta = blocksOf(p.body, 'metadata_options')[0];
      const tokens = meta && this.value(p.config, attribute(meta.body, 'http_tokens'));
      if (meta && tokens === 'required') control('metadata-protection', p.file, attributeLine(meta.body, 'http_tokens') ?? meta.pos.line, 'metadata_options http_tokens = "required" (IMDSv2)');
    }
    const replicas = r.type === 'aws_autoscaling_group' ? values.get('desired_capacity') ?? values.get('min_size')
      : r.type === 'aws_ecs_service' ? values.get('desired_count') : undefined;
    const vpc = this.placeOf(r, parts);
    addElement(this.draft, {
      key: r.key,
      id,
      name: r.address,
      identity: kind.identity(values),
      ...(vpc ? { boundary: vpc } : {}),
      aliases: [],
      provenance: [this.provenance(r), ...parts.map((p) => this.provenance(p))],
      ...(typeof replicas === 'number' ? { replicas } : {}),
      ...(this.passwordOf(r) ? { passwordSetting: this.passwordOf(r) } : {}),
      ...(controls.length ? { controls } : {}),
      ...(r.body.attributes.some((a) => a.name === 'for_each' || a.name === 'count') ? { comment: 'One element for every instance `count` or `for_each` makes.' } : {}),
    });
  }

  /** A setting that gives clients a password to log in with (a database's master password, a cache's token). */
  private passwordOf(r: Resource): Provenance | undefined {
    for (const name of ['password', 'master_password', 'manage_master_user_password', 'auth_token']) {
      const line = attributeLine(r.body, name);
      if (line !== undefined) return { file: r.file, line, note: name };
    }
    for (const user of blocksOf(r.body, 'user')) {
      const line = attributeLine(user.body, 'password');
      if (line !== undefined) return { file: r.file, line, note: 'user password' };
    }
    // Managed SQL servers always have an administrator with a password (IAM or Entra ID logins come on top).
    const admin = lookup(SQL_ADMIN, r.type);
    if (admin !== undefined) return { file: r.file, line: attributeLine(r.body, 'administrator_login_password') ?? r.line, note: admin };
    return undefined;
  }

  /** Controls the resource or the configuration resources that point at it switch on. */
  private controlsOf(r: Resource, values: Values, control: (name: Control, file: string, line: number, note: string) => void): void {
    const at = (name: string) => attributeLine(r.body, name) ?? r.line;
    if (values.get('storage_encrypted') === true) control('encryption-at-rest', r.file, at('storage_encrypted'), 'storage_encrypted = true');
    if (values.get('at_rest_encryption_enabled') === true) control('encryption-at-rest', r.file, at('at_rest_encryption_enabled'), 'at_rest_encryption_enabled = true');
    if (typeof values.get('backup_retention_period') === 'number' && (values.get('backup_retention_period') as number) > 0) {
      control('backups', r.file, at('backup_retention_period'), `backup_retention_period = ${values.get('backup_retention_period') as number}`);
    }
    if (values.get('multi_az') === true) control('redundancy', r.file, at('multi_az'), 'multi_az = true');
    const pitr = blocksOf(r.body, 'point_in_time_recovery')[0];
    if (pitr && this.value(r.config, attribute(pitr.body, 'enabled')) === true) control('backups', r.file, pitr.pos.line, 'point_in_time_recovery enabled');
    // S3 has encrypted new objects since January 2023 and DynamoDB every table since 2018, whatever the file says.
    if (r.type === 'aws_s3_bucket') {
      const sse = this.pointingAt(r, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket')[0];
      if (sse) control('encryption-at-rest', sse.file, sse.line, `${sse.address}`);
      else control('encryption-at-rest', r.file, r.line, 'S3 encrypts new objects by default (SSE-S3)');
    }
    if (r.type === 'aws_dynamodb_table') control('encryption-at-rest', r.file, r.line, 'DynamoDB encrypts every table at rest');
    const policy = this.pointingAt(r, 'aws_autoscaling_policy', 'autoscaling_group_name')[0] ?? this.pointingAt(r, 'aws_appautoscaling_target', 'resource_id')[0];
    if (policy) control('autoscaling', policy.file, policy.line, policy.address);
    for (const waf of this.pointingAt(r, 'aws_wafv2_web_acl_association', 'resource_arn')) control('waf', waf.file, waf.line, waf.address);
    if (r.type === 'aws_cloudfront_distribution' && attribute(r.body, 'web_acl_id')) control('waf', r.file, at('web_acl_id'), 'web_acl_id');
  }

  /** Resources of a type whose attribute refers to `target` (a bucket's encryption configuration). */
  private pointingAt(target: Resource, type: string, attr: string): Resource[] {
    return [...new Set((this.pointers.get(target.key) ?? []).filter((p) => p.from.type === type && p.attr === attr).map((p) => p.from))];
  }

  // --- Boundaries -----------------------------------------------------------------------------------------

  private accountBoundary(config: Config): string {
    const region = this.regionOf(config);
    const key = `aws:${region ?? ''}`;
    addBoundary(this.draft, {
      key, id: region ? `aws-${slug(region)}` : 'aws', name: region ? `AWS account (${region})` : 'AWS account', trust: 'internal', kind: 'cloud',
      comment: 'The AWS account the configurations deploy to; managed services (S3, DynamoDB, SQS...) are reached through its API.',
      provenance: [],
    });
    return key;
  }

  /** A module without a provider block deploys where its caller does. */
  private regionOf(config: Config, depth = 0): string | undefined {
    const own = this.value(config, config.region);
    if (typeof own === 'string' || depth > 8) return typeof own === 'string' ? own : undefined;
    for (const { config: parent } of config.callers) {
      const region = this.regionOf(parent, depth + 1);
      if (region !== undefined) return region;
    }
    return undefined;
  }

  private vpcBoundary(vpc: Resource): string {
    const account = this.accountBoundary(vpc.config);
    const isDefault = vpc.mode === 'data' && this.value(vpc.config, attribute(vpc.body, 'default')) === true;
    if (isDefault) return this.defaultVpc(vpc.config, [this.provenance(vpc)]);
    const tagName = objectItems(attribute(vpc.body, 'tags') ?? nothing)?.get('Name');
    // The VPC module names its VPC by its `name` input.
    const named = tagName ? this.value(vpc.config, tagName) : vpc.module !== undefined ? this.value(vpc.config, attribute(vpc.body, 'name')) : undefined;
    addBoundary(this.draft, {
      key: vpc.key, id: /(?:^|-)vpc$/.test(slug(vpc.name)) ? slug(vpc.name) : `${slug(vpc.name)}-vpc`, name: typeof named === 'string' ? named : vpc.address, trust: 'internal', kind: 'network', parent: account,
      provenance: [this.provenance(vpc)],
    });
    return vpc.key;
  }

  private defaultVpc(config: Config, provenance: Provenance[]): string {
    const account = this.accountBoundary(config);
    const region = this.regionOf(config);
    const key = `default-vpc:${region ?? ''}`;
    addBoundary(this.draft, {
      key, id: 'default-vpc', name: region ? `Default VPC (${region})` : 'Default VPC', trust: 'internal', kind: 'network', parent: account,
      comment: 'The region\'s default VPC: its subnets give every instance a public address.',
      provenance,
    });
    return key;
  }

  /** The VPC a resource is in, from the subnets, subnet groups or VPC it names; the default VPC when it names none. */
  private placeOf(r: Resource, parts: readonly Resource[]): string | undefined {
    if (r.type.startsWith('google_')) return this.googlePlace(r, parts);
    if (r.type.startsWith('azurerm_')) return this.azurePlace(r, parts);
    for (const res of [r, ...parts]) {
      const vpc = this.vpcOf(res);
      if (vpc) return this.vpcBoundary(vpc);
    }
    if (ELEMENTS[r.type].vpc) return this.defaultVpc(r.config, []);
    return this.accountBoundary(r.config);
  }

  /** A Google resource's VPC network (from `network`, `subnetwork`, a template's or a cluster's), else its project. */
  private googlePlace(r: Resource, parts: readonly Resource[]): string {
    const project = this.value(r.config, attribute(r.body, 'project')) ?? this.projectOf(r.config);
    const projectKey = `gcp:${typeof project === 'string' ? project : ''}`;
    addBoundary(this.draft, {
      key: projectKey, id: typeof project === 'string' ? `gcp-${slug(project)}` : 'gcp', name: typeof project === 'string' ? `GCP project (${project})` : 'GCP project',
      trust: 'internal', kind: 'cloud', comment: 'The Google Cloud project the configurations deploy to; managed services are reached through its APIs.', provenance: [],
    });
    for (const res of [r, ...parts]) {
      for (const name of ['network', 'subnetwork', 'authorized_network', 'network_interface', 'vpc_access', 'private_network', 'ip_configuration', 'settings']) {
        for (const expr of this.expressionsUnder(res.body, name)) {
          const literal = this.value(res.config, expr);
          if (name === 'network' && literal === 'default') return this.googleNetwork(undefined, projectKey, res);
          for (const t of this.targets(res.config, expr)) {
            if (t.resource.type === 'google_compute_network') return this.googleNetwork(t.resource, projectKey, res);
            if (t.resource.type === 'google_compute_subnetwork') {
              const net = this.targetsOf(t.resource, 'network').find((n) => n.type === 'google_compute_network');
              if (net) return this.googleNetwork(net, projectKey, res);
            }
          }
        }
      }
    }
    // An instance or cluster that names no network is in the project's `default` network.
    return ELEMENTS[r.type].vpc ? this.googleNetwork(undefined, projectKey, r) : projectKey;
  }

  private googleNetwork(net: Resource | undefined, projectKey: string, at: Resource): string {
    const key = net ? net.key : `${projectKey}|default-network`;
    const name = net ? this.value(net.config, attribute(net.body, 'name')) : undefined;
    addBoundary(this.draft, {
      key, id: net ? `${slug(net.name)}-network` : 'default-network', name: typeof name === 'string' ? `VPC network ${name}` : net ? net.address : 'VPC network default',
      trust: 'internal', kind: 'network', parent: projectKey,
      ...(net ? {} : { comment: 'The project\'s default network: its firewall rules allow SSH, RDP and ICMP from anywhere unless they were removed.' }),
      provenance: net ? [this.provenance(net)] : [{ file: at.file, line: at.line, note: 'network "default"' }],
    });
    return key;
  }

  private projectOf(config: Config, depth = 0): string | undefined {
    const own = this.value(config, config.project);
    if (typeof own === 'string' || depth > 8) return typeof own === 'string' ? own : undefined;
    for (const { config: parent } of config.callers) {
      const project = this.projectOf(parent, depth + 1);
      if (project !== undefined) return project;
    }
    return undefined;
  }

  /** An Azure resource's virtual network (through its subnet or network interfaces), else its resource group. */
  private azurePlace(r: Resource, parts: readonly Resource[]): string {
    const group = this.targetsOf(r, 'resource_group_name').find((g) => g.type === 'azurerm_resource_group');
    const groupName = group ? this.value(group.config, attribute(group.body, 'name')) : this.value(r.config, attribute(r.body, 'resource_group_name'));
    const groupKey = group ? group.key : `azure-rg:${typeof groupName === 'string' ? groupName : ''}`;
    addBoundary(this.draft, {
      key: groupKey, id: group ? `${slug(group.name)}-rg` : typeof groupName === 'string' ? `${slug(groupName)}-rg` : 'azure',
      name: typeof groupName === 'string' ? `Resource group ${groupName}` : group ? group.address : 'Azure subscription',
      trust: 'internal', kind: 'cloud', provenance: group ? [this.provenance(group)] : [],
    });
    for (const res of [r, ...parts]) {
      const subnets = [...this.subnetsOf(res), ...this.targetsOf(res, 'network_interface_ids').flatMap((nic) => this.subnetsOf(nic))];
      for (const subnet of subnets) {
        const vnet = this.targetsOf(subnet, 'virtual_network_name').find((v) => v.type === 'azurerm_virtual_network');
        if (!vnet) continue;
        const vnetName = this.value(vnet.config, attribute(vnet.body, 'name'));
        addBoundary(this.draft, {
          key: vnet.key, id: `${slug(vnet.name)}-vnet`, name: typeof vnetName === 'string' ? `Virtual network ${vnetName}` : vnet.address,
          trust: 'internal', kind: 'network', parent: groupKey, provenance: [this.provenance(vnet)],
        });
        return vnet.key;
      }
    }
    return groupKey;
  }

  private subnetsOf(r: Resource): Resource[] {
    return ['subnet_id', 'virtual_network_subnet_id', 'delegated_subnet_id', 'vnet_subnet_id', 'infrastructure_subnet_id', 'subnet_ids']
      .flatMap((n) => this.targetsOf(r, n)).filter((x) => x.type === 'azurerm_subnet');
  }

  private static readonly PLACEMENT = ['subnet_id', 'subnet_ids', 'subnets', 'vpc_zone_identifier', 'vpc_id', 'db_subnet_group_name', 'subnet_group_name', 'vpc_config', 'network_configuration', 'subnet_mapping', 'vpc_options', 'broker_node_group_info', 'network_interfaces', 'values', 'filter'];

  private vpcOf(r: Resource, depth = 0): Resource | undefined {
    if (r.type === 'aws_vpc') return r;
    if (depth > 6) return undefined;
    for (const name of TerraformReader.PLACEMENT) {
      for (const expr of this.expressionsUnder(r.body, name)) {
        for (const t of this.targets(r.config, expr)) {
          if (t.resource === r) continue;
          if (t.resource.type === 'aws_vpc') return t.resource;
          if (/^aws_(?:subnets?|db_subnet_group|elasticache_subnet_group|security_group)$/.test(t.resource.type)) {
            const vpc = this.vpcOf(t.resource, depth + 1);
            if (vpc) return vpc;
          }
        }
      }
    }
    return undefined;
  }

  // --- Flows ----------------------------------------------------------------------------------------------

  private flow(from: string, to: string, evidence: FlowEvidence): void {
    if (from !== to) addEvidence(this.draft, from, to, [evidence]);
  }

  /** A compute resource whose settings name another element calls it (a database address in its user data). */
  private referenceFlows(r: Resource): void {
    if (ELEMENTS[r.type].role !== 'compute') return;
    for (const res of this.members.get(r.key) ?? []) {
      walkBody(res.body, [], (expr, path) => {
        for (const t of this.targets(res.config, expr)) {
          const to = this.elementOf.get(t.resource.key);
          if (to === undefined || to === r.key) continue;
          const via = t.via.length ? ` (via ${t.via.map((v) => `${v.file}:${v.line} ${v.note ?? ''}`.trimEnd()).join(', ')})` : '';
          // Registering behind a load balancer (its target groups) means the balancer calls in, not out.
          const behind = path.some((p) => REGISTRATION.has(p));
          if (behind) this.flow(to, r.key, { provenance: { file: res.file, line: expr.pos.line, note: `${path.join(' ')} -> ${t.resource.address}${via}` } });
          else this.flow(r.key, to, { provenance: { file: res.file, line: expr.pos.line, note: `${path.join(' ')} -> ${t.resource.address}${via}` } });
        }
      });
    }
  }

  /** Resources of `type`s in every configuration. */
  private ofType(...types: string[]): Resource[] {
    return this.all.filter((r) => types.includes(r.type));
  }

  private targetsOf(r: Resource, name: string): Resource[] {
    return this.expressionsUnder(r.body, name).flatMap((e) => this.targets(r.config, e).map((t) => t.resource));
  }

  /** Listener -> target group -> what the group's attachments, groups and services put in it. */
  private loadBalancerFlows(): void {
    const groupsOfListener = new Map<Resource, Resource[]>();
    const addGroups = (listener: Resource, from: Resource) => {
      const groups = this.targetsOf(from, 'target_group_arn').concat(this.targetsOf(from, 'arn')).filter((g) => /_target_group$/.test(g.type));
      groupsOfListener.set(listener, [...(groupsOfListener.get(listener) ?? []), ...groups]);
    };
    const listeners = this.ofType('aws_lb_listener', 'aws_alb_listener');
    for (const l of listeners) addGroups(l, l);
    for (const rule of this.ofType('aws_lb_listener_rule', 'aws_alb_listener_rule')) {
      for (const l of this.targetsOf(rule, 'listener_arn')) if (listeners.includes(l)) addGroups(l, rule);
    }
    const members = new Map<Resource, Resource[]>();
    const addMember = (group: Resource, member: Resource) => members.set(group, [...(members.get(group) ?? []), member]);
    for (const g of this.ofType('aws_autoscaling_group')) for (const tg of this.targetsOf(g, 'target_group_arns')) addMember(tg, g);
    for (const s of this.ofType('aws_ecs_service')) for (const tg of this.targetsOf(s, 'target_group_arn')) addMember(tg, s);
    for (const a of this.ofType('aws_lb_target_group_attachment', 'aws_alb_target_group_attachment', 'aws_autoscaling_attachment')) {
      const groups = this.targetsOf(a, 'target_group_arn').concat(this.targetsOf(a, 'lb_target_group_arn'));
      const targets = this.targetsOf(a, 'target_id').concat(this.targetsOf(a, 'autoscaling_group_name'));
      for (const tg of groups) for (const t of targets) addMember(tg, t);
    }
    for (const l of listeners) {
      const lb = this.targetsOf(l, 'load_balancer_arn').find((x) => this.elementOf.has(x.key));
      if (!lb) continue;
      const lbKey = this.elementOf.get(lb.key)!;
      const values = this.values(l);
      const protocol = listenerProtocol(values.get('protocol'));
      const port = typeof values.get('port') === 'number' ? values.get('port') as number : undefined;
      const redirectOnly = blocksOf(l.body, 'default_action').every((a) => this.value(l.config, attribute(a.body, 'type')) === 'redirect')
        && !(groupsOfListener.get(l)?.length);
      if (this.value(lb.config, attribute(lb.body, 'internal')) !== true && !redirectOnly) {
        addOutsideCaller(this.draft, lbKey, {
          provenance: { file: l.file, line: l.line, note: `listener ${l.address}${port !== undefined ? ` port ${port}` : ''}${protocol ? ` ${protocol.toUpperCase()}` : ''}` },
          ...(protocol ? { protocol } : {}), ...(port !== undefined ? { port, targetPort: port } : {}),
        });
      }
      for (const tg of new Set(groupsOfListener.get(l) ?? [])) {
        const tgValues = this.values(tg);
        const tgProtocol = listenerProtocol(tgValues.get('protocol'));
        const tgPort = typeof tgValues.get('port') === 'number' ? tgValues.get('port') as number : undefined;
        for (const m of new Set(members.get(tg) ?? [])) {
          const to = this.elementOf.get(m.key);
          if (to === undefined) continue;
          this.flow(lbKey, to, {
            provenance: { file: tg.file, line: tg.line, note: `target group ${tg.address}${tgPort !== undefined ? ` port ${tgPort}` : ''}` },
            ...(tgProtocol ? { protocol: tgProtocol } : {}), ...(tgPort !== undefined ? { port: tgPort, targetPort: tgPort } : {}),
          });
        }
      }
    }
  }

  /**
   * An internet-facing load balancer made by the ALB or ELB module: its listeners are objects in its inputs
   * (`listeners` by name, or `http_tcp_listeners` and `https_listeners` lists) with a port and a protocol.
   */
  private moduleLoadBalancers(): void {
    for (const lb of this.ofType('aws_lb', 'aws_elb').filter((r) => r.module !== undefined)) {
      if (this.value(lb.config, attribute(lb.body, 'internal')) === true) continue;
      const listeners = ['listeners', 'http_tcp_listeners', 'https_listeners', 'listener']
        .flatMap((name) => body(lb, name)).flatMap(({ expr, name }) => listenerObjects(expr).map((l) => ({ ...l, name })));
      const evidence = listeners.length ? listeners : [{ line: lb.line, name: 'internal not set', port: undefined, protocol: undefined }];
      for (const l of evidence) {
        const protocol = listenerProtocol(typeof l.protocol === 'string' ? l.protocol : undefined);
        const port = typeof l.port === 'number' ? l.port : undefined;
        addOutsideCaller(this.draft, this.elementOf.get(lb.key)!, {
          provenance: { file: lb.file, line: l.line, note: `${l.name}${port !== undefined ? ` port ${port}` : ''}${protocol ? ` ${protocol.toUpperCase()}` : ''}` },
          ...(protocol ? { protocol } : {}), ...(port !== undefined ? { port, targetPort: port } : {}),
        });
      }
    }
    function body(lb: Resource, name: string): Array<{ expr: HclExpression; name: string }> {
      const expr = attribute(lb.body, name);
      return expr ? [{ expr, name }] : [];
    }
  }

  /** CDN origins and API gateway integrations: the edge calls what they name. */
  private edgeFlows(): void {
    for (const cdn of this.ofType('aws_cloudfront_distribution')) {
      const cdnKey = this.elementOf.get(cdn.key)!;
      const behaviour = blocksOf(cdn.body, 'default_cache_behavior')[0];
      const viewer = behaviour && this.value(cdn.config, attribute(behaviour.body, 'viewer_protocol_policy'));
      addOutsideCaller(this.draft, cdnKey, {
        provenance: { file: cdn.file, line: behaviour?.pos.line ?? cdn.line, note: `viewer_protocol_policy ${typeof viewer === 'string' ? viewer : 'unknown'}` },
        protocol: viewer === 'allow-all' ? 'http' : 'https',
      });
      for (const origin of blocksOf(cdn.body, 'origin')) {
        const custom = blocksOf(origin.body, 'custom_origin_config')[0];
        const policy = custom && this.value(cdn.config, attribute(custom.body, 'origin_protocol_policy'));
        for (const t of this.targets(cdn.config, attribute(origin.body, 'domain_name') ?? origin.body.attributes[0]?.value ?? nothing)) {
          const to = this.elementOf.get(t.resource.key);
          if (to === undefined) continue;
          const protocol = t.resource.type === 'aws_s3_bucket' ? 's3' : policy === 'http-only' ? 'http' : policy === 'https-only' ? 'https' : undefined;
          this.flow(cdnKey, to, { provenance: { file: cdn.file, line: origin.pos.line, note: `origin -> ${t.resource.address}${typeof policy === 'string' ? ` (${policy})` : ''}` }, ...(protocol ? { protocol } : {}) });
        }
      }
    }
    for (const api of this.ofType('aws_api_gateway_rest_api', 'aws_apigatewayv2_api')) {
      addOutsideCaller(this.draft, this.elementOf.get(api.key)!, { provenance: { file: api.file, line: api.line, note: `${api.address}: a public API endpoint` }, protocol: 'https' });
    }
    for (const integration of this.ofType('aws_api_gateway_integration', 'aws_apigatewayv2_integration')) {
      const apis = this.targetsOf(integration, 'rest_api_id').concat(this.targetsOf(integration, 'api_id'));
      const backends = this.targetsOf(integration, 'uri').concat(this.targetsOf(integration, 'integration_uri'));
      for (const api of apis) {
        for (const b of backends) {
          const from = this.elementOf.get(api.key);
          const to = this.elementOf.get(b.key);
          if (from !== undefined && to !== undefined) this.flow(from, to, { provenance: { file: integration.file, line: integration.line, note: `integration ${integration.address}` }, ...(b.type === 'aws_lambda_function' ? { protocol: 'https' } : {}) });
        }
      }
    }
    for (const url of this.ofType('aws_lambda_function_url')) {
      const fn = this.targetsOf(url, 'function_name')[0];
      const key = fn && this.elementOf.get(fn.key);
      if (key === undefined) continue;
      const auth = this.value(url.config, attribute(url.body, 'authorization_type'));
      addOutsideCaller(this.draft, key, { provenance: { file: url.file, line: url.line, note: `function URL, authorization_type ${typeof auth === 'string' ? auth : 'unknown'}` }, protocol: 'https' });
    }
  }

  /** Subscriptions and event sources: who delivers to or polls whom. */
  private eventFlows(): void {
    const link = (r: Resource, fromAttr: string, toAttr: string, note: string, reverse = false) => {
      for (const a of this.targetsOf(r, fromAttr)) {
        for (const b of this.targetsOf(r, toAttr)) {
          const from = this.elementOf.get(a.key);
          const to = this.elementOf.get(b.key);
          if (from === undefined || to === undefined) continue;
          if (reverse) this.flow(to, from, { provenance: { file: r.file, line: r.line, note } });
          else this.flow(from, to, { provenance: { file: r.file, line: r.line, note } });
        }
      }
    };
    for (const s of this.ofType('aws_sns_topic_subscription')) link(s, 'topic_arn', 'endpoint', `subscription ${s.address}`);
    // The function polls its source (a queue, a stream): the flow goes from the function.
    for (const m of this.ofType('aws_lambda_event_source_mapping')) link(m, 'event_source_arn', 'function_name', `event source ${m.address}`, true);
    for (const n of this.ofType('aws_s3_bucket_notification')) {
      link(n, 'bucket', 'lambda_function_arn', `notification ${n.address}`);
      link(n, 'bucket', 'queue_arn', `notification ${n.address}`);
      link(n, 'bucket', 'topic_arn', `notification ${n.address}`);
    }
  }

  // --- Exposure -------------------------------------------------------------------------------------------

  /**
   * Security groups open to the whole internet on an element that has a public address (compute in the default
   * VPC or with a public IP, a database with `publicly_accessible`) make it a target of outside clients;
   * a public bucket too. An internet-facing load balancer is reached through its listeners (above).
   */
  private exposure(elements: readonly Resource[]): void {
    for (const r of elements) {
      const kind = ELEMENTS[r.type];
      const parts = this.partsOfElement(r);
      if (r.type.startsWith('google_')) {
        this.googleExposure(r, parts);
        continue;
      }
      if (r.type.startsWith('azurerm_')) {
        this.azureExposure(r);
        continue;
      }
      const values = this.values(r);
      const publicDb = values.get('publicly_accessible') === true;
      if (r.type === 'aws_eks_cluster') this.publicClusterEndpoint(r);
      if (kind.role === 'edge') continue;
      if (kind.role === 'compute' && this.privateAddress(r, parts)) continue;
      if (kind.role !== 'compute' && !publicDb) {
        if (r.type === 'aws_s3_bucket') this.publicBucket(r);
        continue;
      }
      const groups = [r, ...parts].flatMap((res) => ['security_groups', 'vpc_security_group_ids', 'security_group_ids']
        .flatMap((name) => this.targetsOf(res, name))).filter((g) => g.type === 'aws_security_group');
      const openings = [...new Set(groups)].flatMap((g) => this.worldIngress(g));
      for (const o of openings) {
        addOutsideCaller(this.draft, r.key, {
          provenance: { file: o.file, line: o.line, note: `${o.group} allows ${o.cidr}${o.port !== undefined ? ` on port ${o.port}` : ' on every port'}` },
          ...(o.port !== undefined ? { port: o.port, targetPort: o.port } : {}),
        });
      }
      if (publicDb && !openings.length) {
        addOutsideCaller(this.draft, r.key, { provenance: { file: r.file, line: attributeLine(r.body, 'publicly_accessible') ?? r.line, note: 'publicly_accessible = true' } });
      }
    }
  }

  /**
   * An EKS cluster's Kubernetes API is public unless `endpoint_public_access = false` (the EKS module keeps it
   * private unless `cluster_endpoint_public_access = true`).
   */
  private publicClusterEndpoint(r: Resource): void {
    const vpcConfig = blocksOf(r.body, 'vpc_config')[0];
    const flag = r.module !== undefined ? this.value(r.config, attribute(r.body, 'cluster_endpoint_public_access'))
      : vpcConfig ? this.value(r.config, attribute(vpcConfig.body, 'endpoint_public_access')) : undefined;
    const open = r.module !== undefined ? flag === true : flag !== false;
    if (!open) return;
    const line = (r.module !== undefined ? attributeLine(r.body, 'cluster_endpoint_public_access') : vpcConfig && attributeLine(vpcConfig.body, 'endpoint_public_access')) ?? vpcConfig?.pos.line ?? r.line;
    const cidrs = r.module !== undefined ? this.value(r.config, attribute(r.body, 'cluster_endpoint_public_access_cidrs'))
      : vpcConfig ? this.value(r.config, attribute(vpcConfig.body, 'public_access_cidrs')) : undefined;
    const from = Array.isArray(cidrs) && cidrs.length ? ` from ${cidrs.join(', ')}` : '';
    addOutsideCaller(this.draft, r.key, { provenance: { file: r.file, line, note: `public Kubernetes API endpoint${from} (IAM identities)` }, protocol: 'https', port: 443, targetPort: 443, auth: 'iam' });
  }

  /**
   * Google and Azure load balancers, gateways and CDNs reach their backends through chains of resources (a
   * forwarding rule's proxy, URL map and backend service; a Front Door origin in an origin group; a load
   * balancer's address pool that a scale set joins): followed both ways through those resources only, each
   * element met at the end of a chain is called by the edge.
   */
  private chainFlows(): void {
    for (const edge of this.all.filter((r) => /^(?:google|azurerm)_/.test(r.type) && lookup(ELEMENTS, r.type)?.role === 'edge' && this.elementOf.get(r.key) === r.key)) {
      const seen = new Set<Resource>([edge]);
      const queue: Resource[] = [edge];
      for (let depth = 0; queue.length && depth < 8; depth++) {
        for (const res of queue.splice(0)) {
          const forward = allExpressions(res.body).flatMap((e) => this.targets(res.config, e).map((t) => t.resource));
          const backward = (this.pointers.get(res.key) ?? []).map((p) => p.from);
          for (const next of [...forward, ...backward]) {
            if (seen.has(next)) continue;
            seen.add(next);
            const to = this.elementOf.get(next.key);
            if (to !== undefined && next.mode === 'resource') {
              // A backend service states its protocol; Front Door reaches origins over HTTPS unless told otherwise.
              const stated = listenerProtocol(this.values(res).get('protocol') as HclValue | undefined);
              const protocol = stated ?? (edge.type === 'azurerm_cdn_frontdoor_profile' ? 'https' : undefined);
              this.flow(edge.key, to, {
                provenance: { file: res.file, line: res.line, note: `${res === edge ? 'backend' : res.address} -> ${next.address}` }, ...(protocol ? { protocol } : {}),
              });
            } else if (CHAIN.has(next.type)) queue.push(next);
          }
        }
      }
    }
  }

  /** Google: external forwarding rules, instances with an external address behind open firewall rules, public SQL, allUsers IAM, public GKE endpoints. */
  private googleExposure(r: Resource, parts: readonly Resource[]): void {
    const values = this.values(r);
    const outside = (line: number, note: string, facts: Omit<FlowEvidence, 'provenance'> = {}) =>
      addOutsideCaller(this.draft, r.key, { provenance: { file: r.file, line, note }, ...facts });
    if (/forwarding_rule$/.test(r.type)) {
      const scheme = values.get('load_balancing_scheme');
      if (typeof scheme === 'string' && scheme.startsWith('INTERNAL')) return;
      const range = values.get('port_range');
      const port = typeof range === 'string' || typeof range === 'number' ? Number(String(range).split('-')[0]) : undefined;
      const proxy = this.targetsOf(r, 'target')[0];
      const protocol = proxy?.type === 'google_compute_target_https_proxy' ? 'https' : proxy?.type === 'google_compute_target_http_proxy' ? 'http' : undefined;
      outside(r.line, `external forwarding rule${port !== undefined && Number.isFinite(port) ? ` port ${port}` : ''}`, {
        ...(protocol ? { protocol } : {}), ...(port !== undefined && Number.isFinite(port) ? { port, targetPort: port } : {}),
      });
      return;
    }
    if (r.type === 'google_compute_instance' || /instance_group_manager$/.test(r.type)) {
      const external = [r, ...parts].some((res) => blocksOf(res.body, 'network_interface').some((ni) => blocksOf(ni.body, 'access_config').length > 0));
      if (!external) return;
      const tags = [r, ...parts].flatMap((res) => {
        const v = this.values(res).get('tags');
        return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
      });
      const network = this.draft.elements.find((e) => e.key === r.key)?.boundary;
      for (const fw of this.ofType('google_compute_firewall')) {
        const fv = this.values(fw);
        if (fv.get('direction') === 'EGRESS') continue;
        const ranges = fv.get('source_ranges');
        const world = Array.isArray(ranges) ? ranges.find((c): c is string => typeof c === 'string' && WORLD.has(c)) : undefined;
        if (world === undefined) continue;
        const targetTags = fv.get('target_tags');
        if (Array.isArray(targetTags) && !targetTags.some((t) => typeof t === 'string' && tags.includes(t))) continue;
        const fwNet = this.targetsOf(fw, 'network').find((n) => n.type === 'google_compute_network');
        const sameNetwork = fwNet ? network === fwNet.key : fv.get('network') === 'default' && network?.endsWith('|default-network');
        if (!sameNetwork) continue;
        for (const allow of blocksOf(fw.body, 'allow')) {
          const ports = this.values(fw, allow.body).get('ports');
          const first = Array.isArray(ports) && ports.length ? Number(String(ports[0]).split('-')[0]) : undefined;
          addOutsideCaller(this.draft, r.key, {
            provenance: { file: fw.file, line: allow.pos.line, note: `firewall ${fw.address} allows ${world}${first !== undefined ? ` on port ${String(ports && Array.isArray(ports) ? ports[0] : first)}` : ' on every port'}` },
            ...(first !== undefined && Number.isFinite(first) ? { port: first, targetPort: first } : {}),
          });
        }
      }
      return;
    }
    if (r.type === 'google_sql_database_instance') {
      const ip = blocksOf(blocksOf(r.body, 'settings')[0]?.body ?? { attributes: [], blocks: [] }, 'ip_configuration')[0];
      if (!ip || this.value(r.config, attribute(ip.body, 'ipv4_enabled')) === false) return;
      for (const net of blocksOf(ip.body, 'authorized_networks')) {
        const value = this.value(r.config, attribute(net.body, 'value'));
        if (typeof value === 'string' && WORLD.has(value)) outside(net.pos.line, `authorized_networks ${value} on the public IP`);
      }
      return;
    }
    if (r.type === 'google_container_cluster') {
      const priv = blocksOf(r.body, 'private_cluster_config')[0];
      if (priv && this.value(r.config, attribute(priv.body, 'enable_private_endpoint')) === true) return;
      outside(priv?.pos.line ?? r.line, 'public Kubernetes API endpoint (Google identities)', { protocol: 'https', port: 443, targetPort: 443, auth: 'iam' });
      return;
    }
    // Buckets, Cloud Run services and functions whose IAM grants anyone (allUsers) access.
    for (const grant of (this.pointers.get(r.key) ?? []).map((p) => p.from).filter((g) => /_iam_(?:member|binding)$/.test(g.type))) {
      const gv = this.values(grant);
      const members = [gv.get('member'), ...(Array.isArray(gv.get('members')) ? gv.get('members') as HclValue[] : [])];
      const anyone = members.find((m): m is string => m === 'allUsers' || m === 'allAuthenticatedUsers');
      if (anyone) addOutsideCaller(this.draft, r.key, { provenance: { file: grant.file, line: grant.line, note: `${grant.address}: ${anyone} ${String(gv.get('role') ?? '')}`.trimEnd() }, protocol: 'https' });
    }
  }

  /** Azure: public web and function apps, container ingress, AKS API, VMs with public IPs behind open NSG rules, database firewalls open to all, public containers, public edges. */
  private azureExposure(r: Resource): void {
    const values = this.values(r);
    const outside = (line: number, note: string, facts: Omit<FlowEvidence, 'provenance'> = {}) =>
      addOutsideCaller(this.draft, r.key, { provenance: { file: r.file, line, note }, ...facts });
    if (/_(?:web|function)_app$|^azurerm_(?:app_service|function_app)$/.test(r.type)) {
      if (values.get('public_network_access_enabled') === false) return;
      const https = values.get('https_only') === true;
      outside(attributeLine(r.body, 'https_only') ?? r.line, https ? 'public app endpoint, https_only' : 'public app endpoint; https_only not set, so plain HTTP is served too', { protocol: https ? 'https' : 'http' });
      return;
    }
    if (r.type === 'azurerm_container_app') {
      const ingress = blocksOf(r.body, 'ingress')[0];
      if (ingress && this.value(r.config, attribute(ingress.body, 'external_enabled')) === true) outside(ingress.pos.line, 'external ingress', { protocol: 'https' });
      return;
    }
    if (r.type === 'azurerm_container_group') {
      if (String(values.get('ip_address_type') ?? 'Public').toLowerCase() === 'public') outside(attributeLine(r.body, 'ip_address_type') ?? r.line, 'public IP address');
      return;
    }
    if (r.type === 'azurerm_kubernetes_cluster') {
      if (values.get('private_cluster_enabled') === true) return;
      outside(attributeLine(r.body, 'private_cluster_enabled') ?? r.line, 'public Kubernetes API endpoint (Entra ID or client certificates)', { protocol: 'https', port: 443, targetPort: 443, auth: 'iam' });
      return;
    }
    if (/_virtual_machine(?:_scale_set)?$/.test(r.type)) {
      this.azureOpenPorts(r);
      return;
    }
    if (r.type === 'azurerm_storage_account') {
      if (values.get('allow_nested_items_to_be_public') === false) return;
      for (const c of (this.pointers.get(r.key) ?? []).map((p) => p.from).filter((x) => x.type === 'azurerm_storage_container')) {
        const access = this.values(c).get('container_access_type');
        if (access === 'blob' || access === 'container') addOutsideCaller(this.draft, r.key, { provenance: { file: c.file, line: c.line, note: `${c.address}: container_access_type = "${access}"` }, protocol: 'https' });
      }
      return;
    }
    const rules = (this.pointers.get(r.key) ?? []).map((p) => p.from).filter((x) => /_firewall_rule$/.test(x.type));
    for (const rule of rules) {
      const rv = this.values(rule);
      if (rv.get('start_ip_address') === '0.0.0.0' && rv.get('end_ip_address') === '255.255.255.255') {
        addOutsideCaller(this.draft, r.key, { provenance: { file: rule.file, line: rule.line, note: `${rule.address} allows every address` } });
      }
    }
    if (ELEMENTS[r.type].role !== 'edge') return;
    const publicFrontend = blocksOf(r.body, 'frontend_ip_configuration').some((f) => attribute(f.body, 'public_ip_address_id') !== undefined);
    if (r.type === 'azurerm_cdn_frontdoor_profile' || publicFrontend || (r.type === 'azurerm_api_management' && values.get('virtual_network_type') !== 'Internal')) {
      outside(r.line, r.type === 'azurerm_cdn_frontdoor_profile' ? 'Front Door endpoint' : publicFrontend ? 'public frontend IP' : 'public API Management gateway', r.type === 'azurerm_lb' ? {} : { protocol: 'https' });
    }
  }

  /** A VM or scale set with a public IP: the inbound rules of its NSGs open to the internet, or every port when no NSG guards it. */
  private azureOpenPorts(r: Resource): void {
    const nics = this.targetsOf(r, 'network_interface_ids').filter((n) => n.type === 'azurerm_network_interface');
    const ownConfigs = blocksOf(r.body, 'network_interface').flatMap((ni) => blocksOf(ni.body, 'ip_configuration'));
    const publicIp = nics.some((nic) => blocksOf(nic.body, 'ip_configuration').some((c) => attribute(c.body, 'public_ip_address_id') !== undefined))
      || ownConfigs.some((c) => blocksOf(c.body, 'public_ip_address').length > 0);
    if (!publicIp) return;
    const subnets = [...nics.flatMap((nic) => this.subnetsOf(nic)), ...this.subnetsOf(r)];
    const viaAssociation = (target: Resource, type: string, attr: string) => this.pointingAt(target, type, attr)
      .flatMap((a) => this.targetsOf(a, 'network_security_group_id')).filter((g) => g.type === 'azurerm_network_security_group');
    const groups = new Set([
      ...nics.flatMap((nic) => viaAssociation(nic, 'azurerm_network_interface_security_group_association', 'network_interface_id')),
      ...subnets.flatMap((sn) => viaAssociation(sn, 'azurerm_subnet_network_security_group_association', 'subnet_id')),
      ...blocksOf(r.body, 'network_interface').flatMap((ni) => this.expressionsUnder(ni.body, 'network_security_group_id'))
        .flatMap((e) => this.targets(r.config, e).map((t) => t.resource)),
    ]);
    if (!groups.size) {
      addOutsideCaller(this.draft, r.key, { provenance: { file: r.file, line: r.line, note: 'a public IP and no network security group: every port is reachable' } });
      return;
    }
    for (const nsg of groups) {
      const rules = [
        ...blocksOf(nsg.body, 'security_rule').map((b) => ({ res: nsg, body: b.body, line: b.pos.line })),
        ...this.pointingAt(nsg, 'azurerm_network_security_rule', 'network_security_group_name').map((x) => ({ res: x, body: x.body, line: x.line })),
      ];
      for (const rule of rules) {
        const v = this.values(rule.res, rule.body);
        const source = String(v.get('source_address_prefix') ?? '');
        if (String(v.get('direction')).toLowerCase() !== 'inbound' || String(v.get('access')).toLowerCase() !== 'allow') continue;
        if (!['*', 'internet', 'any', '0.0.0.0/0'].includes(source.toLowerCase())) continue;
        const range = v.get('destination_port_range');
        const port = typeof range === 'string' && /^\d+$/.test(range) ? Number(range) : typeof range === 'number' ? range : undefined;
        addOutsideCaller(this.draft, r.key, {
          provenance: { file: rule.res.file, line: rule.line, note: `${nsg.address} allows ${source} on ${port !== undefined ? `port ${port}` : `ports ${String(range ?? '*')}`}` },
          ...(port !== undefined ? { port, targetPort: port } : {}),
        });
      }
    }
  }

  /** An instance told not to take a public address, or placed in subnets that give none. */
  private privateAddress(r: Resource, parts: readonly Resource[]): boolean {
    for (const res of [r, ...parts]) {
      const exprs = [...this.expressionsUnder(res.body, 'associate_public_ip_address'), ...this.expressionsUnder(res.body, 'assign_public_ip')];
      if (exprs.some((e) => this.value(res.config, e) === false)) return true;
      if (exprs.some((e) => this.value(res.config, e) === true)) return false;
    }
    const vpc = [r, ...parts].map((res) => this.vpcOf(res)).find((v) => v !== undefined);
    if (!vpc || vpc.mode === 'data') return false;
    const subnets = [r, ...parts].flatMap((res) => ['subnet_id', 'subnet_ids', 'subnets', 'vpc_zone_identifier']
      .flatMap((n) => this.expressionsUnder(res.body, n).flatMap((e) => this.targets(res.config, e))));
    const isPrivate = (t: { resource: Resource; attr?: string }): boolean | undefined => {
      if (t.resource.type === 'aws_subnet') return this.value(t.resource.config, attribute(t.resource.body, 'map_public_ip_on_launch')) !== true;
      // The VPC module's subnets by their outputs: `private_subnets`, `database_subnets`... give no public address.
      if (t.resource.type === 'aws_vpc' && t.resource.module !== undefined && t.attr !== undefined) return !/^public_subnets?$/.test(t.attr);
      return undefined;
    };
    const known = subnets.map(isPrivate).filter((x) => x !== undefined);
    return known.length > 0 && known.every((x) => x);
  }

  private worldIngress(group: Resource): Array<{ group: string; cidr: string; port?: number; file: string; line: number }> {
    const out: Array<{ group: string; cidr: string; port?: number; file: string; line: number }> = [];
    const check = (res: Resource, body: HclBody, line: number) => {
      const values = this.values(res, body);
      const cidrs = ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6'].flatMap((n) => {
        const v = values.get(n);
        return Array.isArray(v) ? v : v === undefined ? [] : [v];
      });
      const world = cidrs.find((c): c is string => typeof c === 'string' && WORLD.has(c));
      if (world === undefined) return;
      const from = values.get('from_port');
      const to = values.get('to_port');
      const protocol = values.get('protocol') ?? values.get('ip_protocol');
      const single = typeof from === 'number' && from === to && from > 0 && protocol !== '-1' && protocol !== 'all';
      out.push({ group: group.address, cidr: world, ...(single ? { port: from } : {}), file: res.file, line });
    };
    for (const b of blocksOf(group.body, 'ingress')) check(group, b.body, b.pos.line);
    if (group.module !== undefined) out.push(...this.moduleIngress(group));
    const rules = [...this.pointingAt(group, 'aws_security_group_rule', 'security_group_id'), ...this.pointingAt(group, 'aws_vpc_security_group_ingress_rule', 'security_group_id')];
    for (const rule of rules) {
      if (rule.type === 'aws_security_group_rule' && this.value(rule.config, attribute(rule.body, 'type')) !== 'ingress') continue;
      check(rule, rule.body, rule.line);
    }
    return out;
  }

  /**
   * The security-group module's openings: `ingress_cidr_blocks` with named `ingress_rules` (`http-80-tcp`,
   * `all-all`), and `ingress_with_cidr_blocks` items whose `cidr_blocks` is one comma-separated string.
   */
  private moduleIngress(group: Resource): Array<{ group: string; cidr: string; port?: number; file: string; line: number }> {
    const out: Array<{ group: string; cidr: string; port?: number; file: string; line: number }> = [];
    const values = this.values(group);
    const cidrs = values.get('ingress_cidr_blocks');
    const world = Array.isArray(cidrs) ? cidrs.find((c): c is string => typeof c === 'string' && WORLD.has(c)) : undefined;
    const rules = values.get('ingress_rules');
    if (world !== undefined && Array.isArray(rules)) {
      for (const rule of rules) {
        if (typeof rule !== 'string') continue;
        const port = /-(\d+)-(?:tcp|udp)$/.exec(rule);
        out.push({ group: group.address, cidr: world, ...(port ? { port: Number(port[1]) } : {}), file: group.file, line: attributeLine(group.body, 'ingress_rules') ?? group.line });
      }
    }
    const items = values.get('ingress_with_cidr_blocks');
    for (const item of Array.isArray(items) ? items : []) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const blocks = typeof item.cidr_blocks === 'string' ? item.cidr_blocks.split(',').map((c) => c.trim()) : [];
      const open = blocks.find((c) => WORLD.has(c));
      if (open === undefined) continue;
      const single = typeof item.from_port === 'number' && item.from_port === item.to_port && item.from_port > 0;
      out.push({ group: group.address, cidr: open, ...(single ? { port: item.from_port as number } : {}), file: group.file, line: attributeLine(group.body, 'ingress_with_cidr_blocks') ?? group.line });
    }
    return out;
  }

  /** A bucket with a public ACL (and no public access block that overrides it) is read by anyone. */
  private publicBucket(bucket: Resource): void {
    const block = this.pointingAt(bucket, 'aws_s3_bucket_public_access_block', 'bucket')[0];
    if (block && this.value(block.config, attribute(block.body, 'ignore_public_acls')) === true) return;
    if (bucket.module !== undefined && this.values(bucket).get('ignore_public_acls') !== false) return;
    const acls = [{ res: bucket, expr: attribute(bucket.body, 'acl') }, ...this.pointingAt(bucket, 'aws_s3_bucket_acl', 'bucket').map((a) => ({ res: a, expr: attribute(a.body, 'acl') }))];
    for (const { res, expr } of acls) {
      const acl = this.value(res.config, expr);
      if (acl === 'public-read' || acl === 'public-read-write') {
        addOutsideCaller(this.draft, bucket.key, { provenance: { file: res.file, line: expr?.pos.line ?? res.line, note: `acl = "${acl}"` }, protocol: 'https' });
      }
    }
  }
}

const SQL_ADMIN: Record<string, string> = {
  aws_db_instance: 'RDS master user password',
  aws_rds_cluster: 'RDS master user password',
  google_sql_database_instance: 'Cloud SQL users log in with passwords',
  azurerm_mssql_server: 'administrator login password',
  azurerm_postgresql_flexible_server: 'administrator login password',
  azurerm_postgresql_server: 'administrator login password',
  azurerm_mysql_flexible_server: 'administrator login password',
};

/** Resources between a Google or Azure edge and its backends, followed by chainFlows. */
const CHAIN = new Set([
  'google_compute_target_http_proxy', 'google_compute_target_https_proxy', 'google_compute_url_map', 'google_compute_backend_service',
  'google_compute_region_backend_service', 'google_compute_region_network_endpoint_group', 'azurerm_lb_backend_address_pool',
  'azurerm_lb_rule', 'azurerm_cdn_frontdoor_origin_group', 'azurerm_cdn_frontdoor_origin', 'azurerm_cdn_frontdoor_endpoint', 'azurerm_cdn_frontdoor_route',
]);

/** Resources that describe how another runs: a group's launch template, a service's task definition. */
const PART_TYPES = new Set([
  'aws_launch_configuration', 'aws_launch_template', 'aws_ecs_task_definition', 'google_compute_instance_template', 'google_compute_region_instance_template',
]);

const nothing: HclExpression = { kind: 'literal', value: null, pos: { line: 1, column: 1, offset: 0 } };

function listenerProtocol(value: HclValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const p = value.toLowerCase();
  return ['http', 'https', 'tcp', 'tls', 'udp'].includes(p) ? p : undefined;
}

/** Objects with a `port` among a module input's items (a map of listeners or a list of them), with their line. */
function listenerObjects(expr: HclExpression): Array<{ line: number; port: HclValue | undefined; protocol: HclValue | undefined }> {
  const items = expr.kind === 'object' ? expr.items.map((i) => i.value) : expr.kind === 'tuple' ? expr.items : [];
  const own = objectItems(expr);
  if (own?.has('port')) return [{ line: expr.pos.line, port: literalValue(own.get('port')!), protocol: own.has('protocol') ? literalValue(own.get('protocol')!) : undefined }];
  return items.flatMap((item) => {
    const fields = objectItems(item);
    return fields?.has('port') ? [{ line: item.pos.line, port: literalValue(fields.get('port')!), protocol: fields.has('protocol') ? literalValue(fields.get('protocol')!) : undefined }] : [];
  });
}

function allExpressions(body: HclBody): HclExpression[] {
  return [...body.attributes.map((a) => a.value), ...body.blocks.flatMap((b) => allExpressions(b.body))];
}

/** Every attribute value in a body, with its path of block types, attribute name and object keys. */
function walkBody(body: HclBody, path: readonly string[], visit: (expr: HclExpression, path: readonly string[]) => void): void {
  // `env { name = "DB_HOST", value = ... }` (Cloud Run, Kubernetes-style blocks) is named by its name.
  const named = attribute(body, 'name');
  const name = named ? literalValue(named) : undefined;
  for (const a of body.attributes) {
    if (!META.has(a.name)) walkExpression(a.value, [...path, a.name === 'value' && typeof name === 'string' ? name : a.name], visit);
  }
  for (const b of body.blocks) if (!META.has(b.type)) walkBody(b.body, [...path, b.type], visit);
}

function walkExpression(expr: HclExpression, path: readonly string[], visit: (expr: HclExpression, path: readonly string[]) => void): void {
  if (expr.kind === 'object') {
    // `{ name = "DB_HOST", value = ... }` (ECS environment, Kubernetes-style lists) is named by its name.
    const named = expr.items.find((i) => literalValue(i.key) === 'name');
    const name = named ? literalValue(named.value) : undefined;
    for (const item of expr.items) {
      const key = literalValue(item.key);
      const label = key === 'value' && typeof name === 'string' ? name : key;
      walkExpression(item.value, typeof label === 'string' ? [...path, label] : path, visit);
    }
  } else if (expr.kind === 'call' || expr.kind === 'tuple') {
    for (const e of expr.kind === 'call' ? expr.args : expr.items) walkExpression(e, path, visit);
  } else {
    visit(expr, path);
  }
}

/**
 * Reads the configurations (each folder of .tf files one configuration; local modules and remote states
 * resolved among them). Problems come back as diagnostics with file:line:col, never as exceptions.
 */
export function discoverTerraform(files: readonly TerraformFile[]): TerraformResult {
  const reader = new TerraformReader();
  for (const f of files) reader.readFile(f.text, f.file);
  if (!reader.diagnostics.some((d) => d.severity === 'error')) {
    reader.finish();
    reader.draft.limits.push(...TERRAFORM_LIMITS);
  }
  return { draft: reader.draft, diagnostics: sortDiagnostics(reader.diagnostics), resources: reader.resources, skippedTypes: [...reader.skipped].sort(),
    unreadModules: [...reader.unreadModules].sort() };
}
