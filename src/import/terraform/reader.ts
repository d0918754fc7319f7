// Terraform configurations as the drafting reads them: each folder of .tf files one configuration, its
// resources, variables (at their defaults, or what the only caller passes), locals, outputs and module calls,
// and the references between resources followed through locals, module inputs and outputs, and remote-state
// outputs of the other configurations read. The reader then drafts elements, boundaries and flows; what is
// particular to a provider (networks, load-balancer wiring, what the internet reaches) is in aws.ts,
// google.ts and azure.ts. Pure.
import { type Control } from '../../model/catalog.js';
import type { Diagnostic } from '../../model/types.js';
import {
  addElement, addEvidence, type DraftControl, type DraftFact, emptyDraft, type FlowEvidence, type Provenance, settleFlows,
} from '../draft.js';
import {
  type HclAttribute, type HclBlock, type HclBody, type HclExpression, HclSyntaxError, type HclValue, literalValue, parseHcl, parseHclExpression, referencesIn,
} from '../hcl.js';
import { lookup, slug } from '../import-common.js';
import { folderOf, joinPath } from '../repo-path.js';
import {
  awsExposure, accountBoundary, bucketControls, defaultDbPlacement, defaultVpc, edgeFlows, eventFlows, forceDestroy, loadBalancerFlows, moduleLoadBalancers, namesPlacement, vpcBoundary, vpcOf,
} from './aws.js';
import { azureExposure, azurePlace } from './azure.js';
import { googleExposure, googlePlace } from './google.js';
import { allExpressions, attribute, attributeLine, blocksOf, listenerProtocol, walkBody } from './hcl-body.js';
import { IAM_TYPES, managementAccess, staticAdminKeys } from './iam.js';
import type { DraftCheck } from '../kubernetes.js';
import { encryptionSwitchedOff } from './encryption.js';
import { BACKUPS_OFF_TAG } from '../../analysis/rules/data-at-rest.js';
import { IMDSV1_TAG } from '../../analysis/rules/network.js';
import { hardCodedSecrets } from './secrets.js';
import { stateSecrets } from './state.js';
import { parseTerraformJson, parseTfvarsJson } from './json-syntax.js';
import {
  BROKER_ENTITIES, CHAIN, ELEMENTS, GENERIC_NAMES, MODULE_DEFAULTS, PART_TYPES, REGISTRATION, registryType, SQL_ADMIN, TRIGGER, TRIGGER_IDENTITY, type Values, WIRING,
} from './kinds.js';

export const TERRAFORM_FORMAT = 'Terraform';

/** Where a control was found, as controlsOf reports it. */
type ControlSink = (name: Control, file: string, line: number, note: string) => void;


/** The resources that say how an EC2 instance's metadata service answers. */
const INSTANCE_SETTINGS: ReadonlySet<string> = new Set(['aws_instance', 'aws_launch_configuration', 'aws_launch_template']);

export interface Resource {
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

export interface Output {
  value: HclExpression;
  file: string;
  line: number;
}

export interface ModuleCall {
  /** The called configuration's folder. */
  dir: string;
  body: HclBody;
  file: string;
}

/** One folder of .tf files: a root configuration or a local module. */
export interface Config {
  dir: string;
  files: string[];
  resources: Map<string, Resource>;
  /** Variables' defaults. */
  variables: Map<string, HclExpression>;
  /** Every variable declared, with its `type` when it states one: how a `-var` value is read depends on it. */
  declared: Map<string, HclExpression | undefined>;
  /**
   * Values `terraform.tfvars(.json)` and `*.auto.tfvars(.json)` give (Terraform loads them itself; the last read
   * wins), then, in a root configuration, each `-var-file` and each `-var` over them.
   */
  assigned: Map<string, HclExpression>;
  /**
   * Where each variable is declared, and whether `sensitive = true`; and the folder's own tfvars file that
   * assigns it (a `-var-file` or `-var` over it clears that: the command line is not the repository).
   */
  variableSites: Map<string, { file: string; line: number; sensitive: boolean }>;
  assignedIn: Map<string, string>;
  /** The `terraform { backend "TYPE" { ... } }` block: where the configuration's state is kept. */
  backend?: { type: string; body: HclBody; file: string; line: number };
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

/** A `-var NAME=VALUE` argument, split at its first `=`. */
export interface CliVariable {
  name: string;
  value: string;
  /** How many var files came before it on the command line (Terraform applies both in that order); absent: after them all. */
  afterVarFiles?: number;
}

/**
 * A condition as Terraform converts it: a variable of no type set with `-var enabled=false` holds the string
 * "false", which `var.enabled ? 1 : 0` reads as false.
 */
const asBool = (v: HclValue | undefined): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : typeof v === 'boolean' ? v : undefined);

/** `type = string` (or the old quoted `"string"`): a `-var` value for it is taken as it is written. */
const isStringType = (type: HclExpression): boolean =>
  (type.kind === 'traversal' && type.root === 'string' && type.steps.length === 0) || (type.kind === 'literal' && type.value === 'string');

/** A reference to where a resource answers (`gateway_url`, `host_name`, `default_hostname`), not to the resource itself. */
const namesAddress = (ref: string | undefined): boolean => ref !== undefined && /(?:url|host_?name|fqdn|ip_address|endpoint)s?$/.test(ref);

export class TerraformReader {
  readonly draft = emptyDraft();
  readonly diagnostics: Diagnostic[] = [];
  readonly configs = new Map<string, Config>();
  readonly skipped = new Set<string>();
  readonly unreadModules: string[] = [];
  /** What the configurations state that the model cannot hold (hard-coded secrets, static admin keys), for the reviewer. */
  readonly checks: DraftCheck[] = [];
  resources = 0;
  /** Element key of each resource that is an element or part of one (a launch configuration of its group). */
  readonly elementOf = new Map<string, string>();
  /** Each element's resources: itself first, then its parts. */
  readonly members = new Map<string, Resource[]>();
  /** Who refers to each resource in a top-level attribute: a bucket's encryption configuration, a policy's group. */
  /** Who points at each resource: by which of its own attributes, and at which attribute of the target (`id`, `gateway_url`). */
  readonly pointers = new Map<string, Array<{ from: Resource; attr: string; ref?: string }>>();
  all: Resource[] = [];
  /** The `-var-file` files read, in the order given, with what each sets. */
  readonly varFiles: Array<{ file: string; attributes: HclAttribute[] }> = [];

  readFile(text: string, file: string): void {
    let body: HclBody;
    try {
      body = /\.tfvars\.json$/i.test(file) ? parseTfvarsJson(text) : /\.tf\.json$/i.test(file) ? parseTerraformJson(text) : parseHcl(text);
    } catch (err) {
      if (!(err instanceof HclSyntaxError)) throw err;
      this.diagnostics.push({ severity: 'error', code: 'invalid-hcl', message: err.message, file, line: err.line, col: err.column, path: '' });
      return;
    }
    const dir = folderOf(file);
    let config = this.configs.get(dir);
    if (!config) {
      config = {
        dir, files: [], resources: new Map(), variables: new Map(), declared: new Map(), assigned: new Map(), variableSites: new Map(), assignedIn: new Map(), locals: new Map(), outputs: new Map(), calls: new Map(), callers: [],
      };
      this.configs.set(dir, config);
    }
    config.files.push(file);
    if (/\.tfvars(?:\.json)?$/i.test(file)) {
      this.draft.sources.push({ file, format: 'Terraform variables' });
      for (const a of body.attributes) {
        config.assigned.set(a.name, a.value);
        config.assignedIn.set(a.name, file);
      }
      return;
    }
    this.draft.sources.push({ file, format: TERRAFORM_FORMAT });
    for (const block of body.blocks) this.readBlock(config, block, file);
  }

  /**
   * A `-var-file`: HCL, or JSON when its name ends in `.json`, as Terraform reads one. It belongs to no folder:
   * what it sets goes to the root configurations, once every file is read (see applyRootVariables).
   */
  readVarFile(text: string, file: string): void {
    let body: HclBody;
    try {
      body = /\.json$/i.test(file) ? parseTfvarsJson(text) : parseHcl(text);
    } catch (err) {
      if (!(err instanceof HclSyntaxError)) throw err;
      this.diagnostics.push({ severity: 'error', code: 'invalid-hcl', message: err.message, file, line: err.line, col: err.column, path: '' });
      return;
    }
    this.draft.sources.push({ file, format: 'Terraform variables, given with --var-file' });
    this.varFiles.push({ file, attributes: body.attributes });
  }

  /** The folders no other folder read calls as a module: what `-var` and `-var-file` set, as in Terraform. */
  roots(): Config[] {
    const called = new Set([...this.configs.values()].flatMap((c) => [...c.calls.values()].filter((call) => call.dir !== c.dir).map((call) => call.dir)));
    return [...this.configs.values()].filter((c) => !called.has(c.dir));
  }

  /**
   * Every `-var-file` and `-var` in command-line order, over the values the root configurations' own
   * variable files assign: the later one wins. A root that does not declare a variable takes no value for it.
   */
  applyRootVariables(vars: readonly CliVariable[]): void {
    const roots = this.roots();
    const declaring = (name: string) => roots.filter((c) => c.declared.has(name));
    const rootNames = roots.map((c) => c.dir || '.').join(', ');
    const varsAfter = (files: number) => vars.filter((v) => (v.afterVarFiles ?? this.varFiles.length) === files);
    this.varFiles.forEach(({ file, attributes }, i) => {
      this.applyCliVariables(varsAfter(i), roots, rootNames);
      for (const a of attributes) {
        const into = declaring(a.name);
        // Terraform only warns: one var file often serves several configurations.
        if (!into.length) {
          this.diagnostics.push({
            severity: 'warning', code: 'undeclared-variable', file, line: a.pos.line, col: a.pos.column, path: '',
            message: `a value for undeclared variable "${a.name}": no root configuration (${rootNames}) declares it, so it sets nothing`,
          });
        }
        for (const c of into) {
          c.assigned.set(a.name, a.value);
          c.assignedIn.delete(a.name);
        }
      }
    });
    this.applyCliVariables(vars.filter((v) => (v.afterVarFiles ?? this.varFiles.length) >= this.varFiles.length), roots, rootNames);
  }

  private applyCliVariables(vars: readonly CliVariable[], roots: readonly Config[], rootNames: string): void {
    const declaring = (name: string) => roots.filter((c) => c.declared.has(name));
    for (const v of vars) {
      const into = declaring(v.name);
      // Terraform refuses a -var it cannot apply: a misspelt name would otherwise draft the default silently.
      if (!into.length) {
        this.diagnostics.push({
          severity: 'error', code: 'undeclared-variable', file: '--var', line: 1, col: 1, path: '',
          message: `--var ${JSON.stringify(`${v.name}=${v.value}`)}: no root configuration (${rootNames}) declares a variable "${v.name}"`,
        });
      }
      for (const c of into) {
        const value = this.cliValue(v, c.declared.get(v.name));
        if (value === undefined) break;
        c.assigned.set(v.name, value);
        c.assignedIn.delete(v.name);
      }
    }
  }

  /**
   * A `-var` value as Terraform reads it: the text itself for a variable of type string or of no type, else
   * an HCL expression of constants (`3`, `false`, `["a", "b"]`, `{ port = 80 }`). An error when it is not one.
   */
  private cliValue(v: CliVariable, type: HclExpression | undefined): HclExpression | undefined {
    // Positions count in the whole argument, NAME= included, so that a column points where the user typed it.
    const shift = v.name.length + 1;
    if (type === undefined || isStringType(type)) return { kind: 'literal', value: v.value, pos: { line: 1, column: shift + 1, offset: shift } };
    const primitive = type.kind === 'traversal' && type.steps.length === 0 ? type.root : undefined;
    const fail = (message: string, line: number, column: number, read = 'so its value is read as an HCL expression'): undefined => {
      this.diagnostics.push({
        severity: 'error', code: 'invalid-var', file: '--var', line, col: line === 1 ? column + shift : column, path: '',
        message: `--var ${JSON.stringify(`${v.name}=${v.value}`)}: variable "${v.name}" is not of type string, ${read}: ${message}`,
      });
      return undefined;
    };
    // Terraform reads a number's or a bool's -var as text and converts it: `3` and `true`, not HCL (`"3"` is refused).
    if (primitive === 'number' || primitive === 'bool') {
      const pos = { line: 1, column: shift + 1, offset: shift };
      if (primitive === 'bool') return v.value === 'true' || v.value === 'false' ? { kind: 'literal', value: v.value === 'true', pos } : fail('expected true or false', 1, 1, `but ${primitive}`);
      return /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(v.value) ? { kind: 'literal', value: Number(v.value), pos } : fail('expected a number', 1, 1, `but ${primitive}`);
    }
    let expr: HclExpression;
    try {
      expr = parseHclExpression(v.value);
    } catch (err) {
      if (!(err instanceof HclSyntaxError)) throw err;
      return fail(err.message, err.line, err.column);
    }
    const ref = referencesIn(expr)[0];
    if (ref) return fail(`variables are not allowed here (${ref.parts.join('.')}); write a string in double quotes`, ref.pos.line, ref.pos.column);
    return expr;
  }

  readBlock(config: Config, block: HclBlock, file: string): void {
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
        if (first === undefined) return;
        const value = attribute(block.body, 'default');
        if (value !== undefined) config.variables.set(first, value);
        config.declared.set(first, attribute(block.body, 'type'));
        const sensitive = attribute(block.body, 'sensitive');
        config.variableSites.set(first, { file, line: block.pos.line, sensitive: sensitive !== undefined && literalValue(sensitive) === true });
        return;
      }
      case 'terraform': {
        const backend = blocksOf(block.body, 'backend')[0];
        const type = backend?.labels[0];
        if (backend && type !== undefined && config.backend === undefined) config.backend = { type, body: backend.body, file, line: backend.pos.line };
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
    if (expr.kind === 'tuple') {
      const items = expr.items.map((item) => this.value(config, item, depth + 1));
      return items.every((v) => v !== undefined) ? items as HclValue[] : undefined;
    }
    if (expr.kind === 'operation') return this.operationValue(config, expr.operator, expr.operands, depth);
    if (expr.kind === 'call') return this.callValue(config, expr.name, expr.args, depth);
    return undefined;
  }

  /** The operations `count` and feature switches are written with: `var.ha ? 3 : 1`, `var.env == "prod"`, `!var.x`. */
  private operationValue(config: Config, operator: string, operands: readonly HclExpression[], depth: number): HclValue | undefined {
    const [a, b, c] = operands.map((o) => this.value(config, o, depth + 1));
    const [p, q] = [asBool(a), asBool(b)];
    switch (operator) {
      case '?:': return p === undefined ? undefined : p ? b : c;
      case '!': return p === undefined ? undefined : !p;
      case '==': case '!=': {
        const scalar = (v: HclValue | undefined) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
        if (!scalar(a) || !scalar(b)) return undefined;
        return (a === b) === (operator === '==');
      }
      case '&&': return p === undefined || q === undefined ? undefined : p && q;
      case '||': return p === undefined || q === undefined ? undefined : p || q;
      default: return undefined;
    }
  }

  /** Conversions that keep a value as it is, and `length`: what a `for_each` or `count` is built with. */
  private callValue(config: Config, name: string, args: readonly HclExpression[], depth: number): HclValue | undefined {
    if (args.length !== 1) return undefined;
    const v = this.value(config, args[0], depth + 1);
    if (v === undefined) return undefined;
    if (name === 'toset') return Array.isArray(v) ? [...new Set(v.map((x) => JSON.stringify(x)))].map((x) => JSON.parse(x) as HclValue) : undefined;
    if (name === 'tolist' || name === 'tomap') return v;
    if (name === 'length') return Array.isArray(v) ? v.length : typeof v === 'string' ? [...v].length : v !== null && typeof v === 'object' ? Object.keys(v).length : undefined;
    return undefined;
  }

  /** How many instances `count` or `for_each` makes, when the configuration says; undefined for one without either. */
  instances(r: Resource): number | undefined {
    const count = attribute(r.body, 'count');
    if (count) {
      const value = this.value(r.config, count);
      // As Terraform converts it: a variable of no type given `-var n=2` holds the string "2".
      const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
    }
    const each = attribute(r.body, 'for_each');
    if (!each) return undefined;
    const v = this.value(r.config, each);
    return Array.isArray(v) ? v.length : v !== null && typeof v === 'object' ? Object.keys(v).length : undefined;
  }

  /** A variable's value: what its only caller passes, else what a tfvars file of its folder assigns, else its default. */
  variableValue(config: Config, name: string, depth: number): HclValue | undefined {
    const passed = config.callers.map(({ config: parent, call }) => ({ parent, expr: attribute(call.body, name) })).filter((p) => p.expr !== undefined);
    if (passed.length === 1) return this.value(passed[0].parent, passed[0].expr, depth + 1);
    if (passed.length) return undefined;
    return this.value(config, config.assigned.get(name) ?? config.variables.get(name), depth + 1);
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
  remoteOutput(config: Config, name: string, depth: number): Array<{ resource: Resource; via: Provenance[]; attr?: string }> {
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
          list.push({ from, attr: a.name, ...(t.attr !== undefined ? { ref: t.attr } : {}) });
          this.pointers.set(t.resource.key, list);
        }
      }
    }
    const elements = this.all.filter((r) => r.mode === 'resource' && lookup(ELEMENTS, r.type) !== undefined && this.created(r));
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
      if (r.mode === 'resource' && lookup(ELEMENTS, r.type) === undefined && !WIRING.has(r.type) && !IAM_TYPES.includes(r.type)) this.skipped.add(r.type);
    }
    for (const r of standalone) this.referenceFlows(r);
    for (const r of standalone) if (ELEMENTS[r.type].role === 'compute') managementAccess(this, r, this.partsOfElement(r));
    for (const r of standalone) defaultDbPlacement(this, r);
    loadBalancerFlows(this);
    moduleLoadBalancers(this);
    edgeFlows(this);
    eventFlows(this);
    this.chainFlows();
    this.exposure(standalone);
    staticAdminKeys(this);
    hardCodedSecrets(this);
    stateSecrets(this);
    encryptionSwitchedOff(this);
    settleFlows(this.draft);
  }

  /** An element's parts: the launch configuration of a group, the task definition of a service. */
  partsOfElement(r: Resource): Resource[] {
    return (this.members.get(r.key) ?? [r]).slice(1);
  }

  linkModuleCalls(): void {
    for (const config of this.configs.values()) {
      for (const call of config.calls.values()) this.configs.get(call.dir)?.callers.push({ config, call });
    }
  }

  partsOf(owner: Resource): Resource[] {
    if (owner.type === 'azurerm_servicebus_namespace' || owner.type === 'azurerm_eventhub_namespace') return this.brokerEntities(owner);
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

  /** What lives in an Azure messaging namespace (its queues, topics, event hubs, their subscriptions and SAS policies), in file order. */
  brokerEntities(namespace: Resource): Resource[] {
    const found = new Set<Resource>();
    const queue = [namespace];
    for (let depth = 0; queue.length && depth < 4; depth++) {
      for (const container of queue.splice(0)) {
        for (const { from, attr } of this.pointers.get(container.key) ?? []) {
          if (found.has(from) || !lookup(BROKER_ENTITIES, from.type)?.includes(attr) || this.instances(from) === 0) continue;
          found.add(from);
          queue.push(from);
        }
      }
    }
    return this.all.filter((r) => found.has(r));
  }

  /** A provider setting (AWS region, Google project): a module without a provider block deploys where its caller does. */
  providerSetting(config: Config, setting: (c: Config) => HclExpression | undefined, depth = 0): string | undefined {
    const own = this.value(config, setting(config));
    if (typeof own === 'string' || depth > 8) return typeof own === 'string' ? own : undefined;
    for (const { config: parent } of config.callers) {
      const inherited = this.providerSetting(parent, setting, depth + 1);
      if (inherited !== undefined) return inherited;
    }
    return undefined;
  }

  /** Every expression of an attribute or block of that name, nested blocks included. */
  expressionsUnder(body: HclBody, name: string): HclExpression[] {
    const out: HclExpression[] = [];
    for (const a of body.attributes) if (a.name === name) out.push(a.value);
    for (const b of body.blocks) {
      if (b.type === name) out.push(...allExpressions(b.body));
      else out.push(...this.expressionsUnder(b.body, name));
    }
    return out;
  }

  chooseIds(resources: readonly Resource[]): Map<string, string> {
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

  provenance(r: Resource): Provenance {
    return { file: r.file, line: r.line, note: r.module !== undefined ? `module "${r.name}" (${r.module})` : `${r.mode} "${r.type}" "${r.name}"` };
  }

  /** Whether the resource exists once applied: `count = 0` (a switched-off feature, `var.enabled ? 1 : 0`) makes none. */
  created(r: Resource): boolean {
    if (this.instances(r) !== 0) return true;
    const line = attributeLine(r.body, 'count') ?? attributeLine(r.body, 'for_each') ?? r.line;
    const what = attribute(r.body, 'count') ? 'count is 0' : 'for_each is empty';
    this.draft.omitted.push({ key: r.address, reason: `${what} with the values read, so Terraform creates none`, provenance: { file: r.file, line } });
    return false;
  }

  addResourceElement(r: Resource, id: string): void {
    const kind = ELEMENTS[r.type];
    const parts = this.partsOfElement(r);
    const values = this.values(r);
    const controls: DraftControl[] = [];
    const control = (name: Control, file: string, line: number, note: string) => controls.push({ control: name, provenance: { file, line, note } });
    this.controlsOf(r, values, control);
    const facts: DraftFact[] = [];
    for (const p of [r, ...parts]) this.metadataService(p, control, facts);
    this.backupsOff(r, facts);
    const replicas = r.type === 'aws_autoscaling_group' ? values.get('desired_capacity') ?? values.get('min_size')
      : r.type === 'aws_ecs_service' ? values.get('desired_count')
        : /_instance_group_manager$/.test(r.type) ? values.get('target_size')
          : r.type === 'aws_rds_cluster' ? this.clusterInstances(r)
            // Instances of one compute resource behind one role are its replicas; `count` stores are separate stores.
            : kind.role === 'compute' ? this.instances(r) : undefined;
    const vpc = this.placeOf(r, parts);
    const password = this.passwordOf(r);
    const tls = this.tlsOf(r);
    addElement(this.draft, {
      key: r.key,
      id,
      name: r.address,
      identity: kind.identity(values),
      ...(vpc ? { boundary: vpc } : {}),
      aliases: [],
      provenance: [this.provenance(r), ...parts.map((p) => this.provenance(p))],
      ...(typeof replicas === 'number' ? { replicas } : {}),
      ...(password ? { passwordSetting: password } : {}),
      ...(tls ? { requiresTls: tls } : {}),
      ...(controls.length ? { controls } : {}),
      ...(facts.length ? { facts } : {}),
      ...(r.body.attributes.some((a) => a.name === 'for_each' || a.name === 'count') ? { comment: 'One element for every instance `count` or `for_each` makes.' } : {}),
    });
  }

  /**
   * How an instance's metadata service answers, from the instance, launch configuration or template: IMDSv2 only
   * (`http_tokens = "required"`) or switched off is a control. Otherwise it answers plain GETs (IMDSv1), which an
   * SSRF in the application turns into what the service hands out: a check, and with a role attached
   * (`iam_instance_profile`) the fact that cloud-metadata-exposure reads, for the role's credentials.
   */
  metadataService(p: Resource, control: ControlSink, facts: DraftFact[]): void {
    const meta = blocksOf(p.body, 'metadata_options')[0];
    const v = meta ? this.values(p, meta.body) : new Map<string, HclValue>();
    const line = (name: string) => (meta && attributeLine(meta.body, name)) ?? meta?.pos.line ?? p.line;
    if (v.get('http_tokens') === 'required') return control('metadata-protection', p.file, line('http_tokens'), 'metadata_options http_tokens = "required" (IMDSv2)');
    if (v.get('http_endpoint') === 'disabled') return control('metadata-protection', p.file, line('http_endpoint'), 'metadata_options http_endpoint = "disabled"');
    // A module's defaults differ by version; an instance launched from a template takes the template's settings.
    if (!INSTANCE_SETTINGS.has(p.type) || p.module !== undefined) return;
    if (!meta && blocksOf(p.body, 'launch_template').length > 0) return;
    // A value the files do not give (a variable without a default) may well be "required": nothing is said.
    if (meta && ['http_tokens', 'http_endpoint'].some((n) => attribute(meta.body, n) !== undefined && !v.has(n))) return;
    const at = line('http_tokens');
    const how = v.has('http_tokens') ? `metadata_options http_tokens = "${String(v.get('http_tokens'))}"` : 'no metadata_options { http_tokens = "required" }';
    const role = attribute(p.body, 'iam_instance_profile') !== undefined || blocksOf(p.body, 'iam_instance_profile').length > 0;
    const gives = role ? 'the instance role\'s temporary credentials' : 'the user data and instance identity (no iam_instance_profile, so no role credentials yet)';
    this.checks.push({ file: p.file, line: at, message: `${p.address} answers metadata requests without a session token (IMDSv1, ${how}): an SSRF in the application reads ${gives}; set metadata_options { http_tokens = "required" }` });
    if (role) facts.push({ tag: IMDSV1_TAG, provenance: { file: p.file, line: at, note: `${p.address}: ${how}, with iam_instance_profile` } });
  }

  /**
   * A database whose files leave it without a copy that outlives a mistake: automated backups switched off
   * (`backup_retention_period = 0`), or `skip_final_snapshot = true` with the retention left at RDS's one day,
   * so that a destroy or a replacing change deletes the data and its automated backups and keeps no snapshot.
   * A check, and the fact no-backups reads whatever the data's rating.
   */
  backupsOff(r: Resource, facts: DraftFact[]): void {
    if (r.type !== 'aws_db_instance' && r.type !== 'aws_rds_cluster') return;
    const v = this.values(r);
    const retention = v.get('backup_retention_period');
    const stated = attribute(r.body, 'backup_retention_period') !== undefined;
    let off: Provenance | undefined;
    if (retention === 0) off = { file: r.file, line: attributeLine(r.body, 'backup_retention_period')!, note: 'backup_retention_period = 0: no automated backups' };
    else if (!stated && v.get('skip_final_snapshot') === true && v.get('delete_automated_backups') !== false) {
      off = { file: r.file, line: attributeLine(r.body, 'skip_final_snapshot')!, note: 'skip_final_snapshot = true, backup_retention_period not set (one day): a destroy or replacement keeps no copy' };
    }
    if (off === undefined) return;
    this.checks.push({ file: off.file, line: off.line, message: `${r.address}: ${off.note}; set backup_retention_period (7 or more), skip_final_snapshot = false with a final_snapshot_identifier, and deletion_protection = true` });
    facts.push({ tag: BACKUPS_OFF_TAG, provenance: off });
  }

  /** An Aurora cluster's instances: each `aws_rds_cluster_instance` naming it, times its literal `count`. */
  clusterInstances(cluster: Resource): number | undefined {
    const instances = this.pointingAt(cluster, 'aws_rds_cluster_instance', 'cluster_identifier');
    let total = 0;
    for (const i of instances) {
      const count = i.body.attributes.some((a) => a.name === 'for_each') ? undefined : this.values(i).get('count') ?? 1;
      if (typeof count !== 'number') return undefined;
      total += count;
    }
    return instances.length ? total : undefined;
  }

  /** A setting that gives clients a password to log in with (a database's master password, a cache's token). */
  passwordOf(r: Resource): Provenance | undefined {
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

  /**
   * Where a database or cache refuses connections without TLS: Azure SQL always; Azure's flexible PostgreSQL
   * and MySQL servers unless a configuration turns `require_secure_transport` off; a Cloud SQL `ssl_mode` that
   * requires it; an RDS parameter group forcing SSL; ElastiCache with transit encryption.
   */
  tlsOf(r: Resource): Provenance | undefined {
    const at = (line: number | undefined, note: string): Provenance => ({ file: r.file, line: line ?? r.line, note });
    if (r.type === 'azurerm_mssql_server') return at(attributeLine(r.body, 'minimum_tls_version'), 'Azure SQL accepts encrypted connections only');
    if (r.type === 'azurerm_postgresql_flexible_server' || r.type === 'azurerm_mysql_flexible_server') {
      const off = (this.pointers.get(r.key) ?? []).map((p) => p.from).find((c) => /_flexible_server_configuration$/.test(c.type)
        && this.values(c).get('name') === 'require_secure_transport' && String(this.values(c).get('value')).toLowerCase() === 'off');
      return off ? undefined : at(undefined, 'require_secure_transport is on by default');
    }
    if ((r.type === 'azurerm_postgresql_server' || r.type === 'azurerm_mysql_server') && this.values(r).get('ssl_enforcement_enabled') === true) return at(attributeLine(r.body, 'ssl_enforcement_enabled'), 'ssl_enforcement_enabled = true');
    if (r.type === 'google_sql_database_instance') {
      for (const settings of blocksOf(r.body, 'settings')) {
        for (const ip of blocksOf(settings.body, 'ip_configuration')) {
          const v = this.values(r, ip.body);
          const mode = v.get('ssl_mode');
          if (v.get('require_ssl') === true || mode === 'ENCRYPTED_ONLY' || mode === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED') {
            return at(attributeLine(ip.body, 'ssl_mode') ?? attributeLine(ip.body, 'require_ssl'), typeof mode === 'string' ? `ssl_mode = "${mode}"` : 'require_ssl = true');
          }
        }
      }
    }
    if (r.type === 'aws_elasticache_replication_group' && this.values(r).get('transit_encryption_enabled') === true) {
      return at(attributeLine(r.body, 'transit_encryption_enabled'), 'transit_encryption_enabled = true');
    }
    for (const group of this.targetsOf(r, 'parameter_group_name').concat(this.targetsOf(r, 'db_cluster_parameter_group_name'))) {
      for (const param of blocksOf(group.body, 'parameter')) {
        const v = this.values(group, param.body);
        const on = ['1', 'on', 'true'].includes(String(v.get('value')).toLowerCase());
        if (on && (v.get('name') === 'rds.force_ssl' || v.get('name') === 'require_secure_transport')) {
          return { file: group.file, line: param.pos.line, note: `${group.address}: ${String(v.get('name'))} = ${String(v.get('value'))}` };
        }
      }
    }
    return undefined;
  }

  /** Controls the resource or the configuration resources that point at it switch on. */
  controlsOf(r: Resource, values: Values, control: (name: Control, file: string, line: number, note: string) => void): void {
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
      bucketControls(this, r, control);
      forceDestroy(this, r);
    }
    if (r.type === 'aws_dynamodb_table') control('encryption-at-rest', r.file, r.line, 'DynamoDB encrypts every table at rest');
    const policy = this.pointingAt(r, 'aws_autoscaling_policy', 'autoscaling_group_name')[0] ?? this.pointingAt(r, 'aws_appautoscaling_target', 'resource_id')[0];
    if (policy) control('autoscaling', policy.file, policy.line, policy.address);
    for (const waf of this.pointingAt(r, 'aws_wafv2_web_acl_association', 'resource_arn')) control('waf', waf.file, waf.line, waf.address);
    if (r.type === 'aws_cloudfront_distribution' && attribute(r.body, 'web_acl_id')) control('waf', r.file, at('web_acl_id'), 'web_acl_id');
  }

  /** Resources of a type whose attribute refers to `target` (a bucket's encryption configuration). */
  pointingAt(target: Resource, type: string, attr: string): Resource[] {
    return [...new Set((this.pointers.get(target.key) ?? []).filter((p) => p.from.type === type && p.attr === attr).map((p) => p.from))];
  }

  // --- Boundaries -----------------------------------------------------------------------------------------

  /** The boundary a resource sits in, by its provider's rules: its network, else its account, project or resource group. */
  placeOf(r: Resource, parts: readonly Resource[]): string | undefined {
    if (r.type.startsWith('google_')) return googlePlace(this, r, parts);
    if (r.type.startsWith('azurerm_')) return azurePlace(this, r, parts);
    for (const res of [r, ...parts]) {
      const vpc = vpcOf(this, res);
      if (vpc) return vpcBoundary(this, vpc);
    }
    // Subnets named through something not read (a module elsewhere, a variable without a default) are in
    // some VPC, not necessarily the default one.
    if (ELEMENTS[r.type].vpc && !namesPlacement(r, parts)) return defaultVpc(this, r.config, []);
    return accountBoundary(this, r.config);
  }

  // --- Flows ----------------------------------------------------------------------------------------------

  flow(from: string, to: string, evidence: FlowEvidence): void {
    if (from !== to) addEvidence(this.draft, from, to, [evidence]);
  }

  /** A compute resource whose settings name another element calls it (a database address in its user data). */
  referenceFlows(r: Resource): void {
    if (ELEMENTS[r.type].role !== 'compute') return;
    for (const res of this.members.get(r.key) ?? []) {
      walkBody(res.body, [], (expr, path) => {
        for (const t of this.targets(res.config, expr)) {
          const to = this.elementOf.get(t.resource.key);
          if (to === undefined || to === r.key) continue;
          const via = t.via.length ? ` (via ${t.via.map((v) => `${v.file}:${v.line} ${v.note ?? ''}`.trimEnd()).join(', ')})` : '';
          // Registering behind a load balancer (its target groups) means the balancer calls in, not out; so does a trigger's source.
          const triggers = path.includes(TRIGGER) && !path.includes(TRIGGER_IDENTITY);
          const behind = triggers || path.some((p) => REGISTRATION.has(p));
          // Eventarc delivers a trigger's events to the function by an HTTPS push, whatever the function serves.
          if (behind) this.flow(to, r.key, { provenance: { file: res.file, line: expr.pos.line, note: `${path.join(' ')} -> ${t.resource.address}${via}` }, ...(triggers ? { protocol: 'https' } : {}) });
          else this.flow(r.key, to, { provenance: { file: res.file, line: expr.pos.line, note: `${path.join(' ')} -> ${t.resource.address}${via}` } });
        }
      });
    }
  }

  /** Resources of `type`s in every configuration. */
  ofType(...types: string[]): Resource[] {
    return this.all.filter((r) => types.includes(r.type));
  }

  targetsOf(r: Resource, name: string): Resource[] {
    return this.expressionsUnder(r.body, name).flatMap((e) => this.targets(r.config, e).map((t) => t.resource));
  }

  // --- Exposure -------------------------------------------------------------------------------------------

  /** Who reaches each element from outside, by the rules of its provider. */
  exposure(elements: readonly Resource[]): void {
    for (const r of elements) {
      const parts = this.partsOfElement(r);
      if (r.type.startsWith('google_')) googleExposure(this, r, parts);
      else if (r.type.startsWith('azurerm_')) azureExposure(this, r);
      else awsExposure(this, r, parts);
    }
  }

  /**
   * Google and Azure load balancers, gateways and CDNs reach their backends through chains of resources (a
   * forwarding rule's proxy, URL map and backend service; a Front Door origin in an origin group; a load
   * balancer's address pool that a scale set joins): followed both ways through those resources only, each
   * element met at the end of a chain is called by the edge.
   */
  chainFlows(): void {
    for (const edge of this.all.filter((r) => /^(?:google|azurerm)_/.test(r.type) && lookup(ELEMENTS, r.type)?.role === 'edge' && this.elementOf.get(r.key) === r.key)) {
      const seen = new Set<Resource>([edge]);
      const queue: Resource[] = [edge];
      for (let depth = 0; queue.length && depth < 8; depth++) {
        for (const res of queue.splice(0)) {
          const forward = allExpressions(res.body).flatMap((e) => this.targets(res.config, e).map((t) => t.resource));
          // What points at the edge or one of its parts is another part (an origin group, a backend pool), a
          // member by id, or an application naming its address (a gateway URL, an endpoint's host name) to call
          // it: a caller, not a backend.
          const backward = (this.pointers.get(res.key) ?? []).filter((p) => CHAIN.has(p.from.type) || !namesAddress(p.ref)).map((p) => p.from);
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
}
