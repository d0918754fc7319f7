// Terraform configurations -> a Draft. Each AWS, Google Cloud or Azure resource that draws on a data flow
// diagram (instances and groups, functions, load balancers, CDNs, API gateways, databases, buckets,
// queues...) is an element (src/import/terraform/kinds.ts says which); networks are boundaries inside the
// account, project or resource group (the reader is src/import/terraform/reader.ts, each provider's rules
// aws.ts, google.ts and azure.ts beside it); a flow is drawn wherever the configuration wires one
// thing to another: a compute resource's settings naming a database (user data, environment), a load
// balancer's listeners forwarding to a target group, a CDN's origins, an API's integrations, event
// subscriptions. Internet-facing load balancers, security groups open to the world and public endpoints
// are calls from outside clients. A configuration is a folder of .tf files; folders read together resolve
// each other's module calls and remote-state outputs. Pure: the caller reads the files and passes their text.
import { sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/types.js';
import { type Draft, reviewLimits } from './draft.js';
import { checkLine, type DraftCheck } from './kubernetes.js';
import { type CliVariable, TERRAFORM_FORMAT, TerraformReader } from './terraform/reader.js';

export interface TerraformFile {
  text: string;
  /** Relative to the folder searched, with `/` separators: its folder is its configuration. */
  file: string;
}

/** What `terraform plan` takes on its command line to set root variables. */
export interface TerraformInputs {
  /** `-var-file` files (HCL, or JSON when named `.json`), in the order given: each over the folders' own and the ones before it. */
  varFiles?: readonly TerraformFile[];
  /** `-var NAME=VALUE`, in the order given, over every var file. */
  vars?: readonly CliVariable[];
}

export type { CliVariable };

export interface TerraformResult {
  draft: Draft;
  diagnostics: Diagnostic[];
  /** Resources and data sources read. */
  resources: number;
  /** Resource types read but not drawn (DNS, KMS, other providers'...), sorted. */
  skippedTypes: string[];
  /** Module calls whose source is neither a local folder nor a module read as its resource, as `name (source)`. */
  unreadModules: string[];
  /** What the files state that the model cannot hold (hard-coded secrets, static admin keys), in file order, for the summary's `check:` lines. */
  checks: DraftCheck[];
}

export { TERRAFORM_FORMAT };

/** What Terraform cannot say, for the drafted model's header. */
export const TERRAFORM_LIMITS: readonly string[] = reviewLimits(
  'Terraform says what is deployed, where, and who may connect to it. It cannot say, so add:',
  [
    '  trust: each network (AWS VPC, Google VPC network, Azure virtual network) is one internal boundary in its',
    '    account, project or resource group; public load balancers and endpoints, and firewall or security group',
    '    rules open to the whole internet, are calls from untrusted outside clients',
  ],
  ['AWS, Google Cloud and Azure resources are drawn; variables take terraform.tfvars(.json) and *.auto.tfvars(.json), else their defaults; local modules and terraform-aws-modules are read, other registry modules are not.'],
);

/** The header's note of the values given on the command line, which the files alone would not reproduce. */
function inputsNote({ varFiles = [], vars = [] }: TerraformInputs): string[] {
  const after = (v: CliVariable) => v.afterVarFiles ?? varFiles.length;
  const given = [
    ...varFiles.flatMap((f, i) => [...vars.filter((v) => after(v) === i).map((v) => `--var ${v.name}`), `--var-file ${f.file}`]),
    ...vars.filter((v) => after(v) >= varFiles.length).map((v) => `--var ${v.name}`),
  ];
  return given.length ? [`The root configurations' variables were also set with ${given.join(', ')} (in that order): run discover with them again to redraft.`] : [];
}

/** The reader's checks in file order (by file, then line), each once. */
function checks(reader: TerraformReader): DraftCheck[] {
  const seen = new Set<string>();
  return [...reader.checks].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
    .filter((c) => !seen.has(`${c.file}:${c.line}:${c.message}`) && seen.add(`${c.file}:${c.line}:${c.message}`) !== undefined);
}

/**
 * Reads the configurations (each folder of .tf files one configuration; local modules and remote states
 * resolved among them), with `inputs` over the root configurations' variables as `terraform plan -var-file
 * -var` sets them. Problems come back as diagnostics with file:line:col, never as exceptions.
 */
export function discoverTerraform(files: readonly TerraformFile[], inputs: TerraformInputs = {}): TerraformResult {
  const reader = new TerraformReader();
  for (const f of files) reader.readFile(f.text, f.file);
  for (const f of inputs.varFiles ?? []) reader.readVarFile(f.text, f.file);
  // Which configurations are roots is known only once every file is read.
  if (!reader.diagnostics.some((d) => d.severity === 'error')) reader.applyRootVariables(inputs.vars ?? []);
  if (!reader.diagnostics.some((d) => d.severity === 'error')) {
    reader.finish();
    reader.draft.limits.push(...TERRAFORM_LIMITS, ...inputsNote(inputs));
    // The checks are also in the model's header: the reviewer reads them there, beside what they concern.
    reader.draft.limits.push(...checks(reader).map(checkLine));
  }
  return { draft: reader.draft, diagnostics: sortDiagnostics(reader.diagnostics), resources: reader.resources, skippedTypes: [...reader.skipped].sort(),
    unreadModules: [...reader.unreadModules].sort(), checks: checks(reader) };
}
