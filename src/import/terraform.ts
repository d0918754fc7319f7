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
import { TERRAFORM_FORMAT, TerraformReader } from './terraform/reader.js';

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
  /** Resource types read but not drawn (DNS, KMS, other providers'...), sorted. */
  skippedTypes: string[];
  /** Module calls whose source is neither a local folder nor a module read as its resource, as `name (source)`. */
  unreadModules: string[];
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
