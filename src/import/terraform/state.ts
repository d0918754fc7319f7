// Database passwords in Terraform state. Whatever a password's source (a sensitive variable, a random_password,
// a Secrets Manager data source), Terraform records the value in plaintext in the state of the configuration
// that sets it: whoever reads the state has the database. Only a password the cloud manages itself
// (`manage_master_user_password = true`) or a write-only argument (`password_wo`, Terraform 1.11) stays out.
// The model holds it where the files show the store: the state bucket an s3 backend names gets the state as
// a restricted secrets asset, which the stored-data rules weigh once the reviewer draws who reads the bucket;
// the check line says it in every case, a local state file or another backend included. Pure.
import { type DraftElement, elementByKey, type Provenance } from '../draft.js';
import type { HclExpression } from '../hcl.js';
import { lookup } from '../import-common.js';
import { isLiteralSecret } from '../secret-values.js';
import { stateBucket } from './aws.js';
import { attribute, attributeLine } from './hcl-body.js';
import type { Config, Resource, TerraformReader } from './reader.js';

/** The argument that sets each database's administrator password, and the fix that keeps it out of the state. */
const PASSWORDS: Readonly<Record<string, { arg: string; fix: string }>> = {
  aws_db_instance: { arg: 'password', fix: 'set manage_master_user_password = true (RDS keeps it in Secrets Manager) or password_wo (write-only)' },
  aws_rds_cluster: { arg: 'master_password', fix: 'set manage_master_user_password = true (RDS keeps it in Secrets Manager) or master_password_wo (write-only)' },
  aws_docdb_cluster: { arg: 'master_password', fix: 'use master_password_wo (write-only)' },
  aws_redshift_cluster: { arg: 'master_password', fix: 'set manage_master_password = true (Redshift keeps it in Secrets Manager)' },
  azurerm_mssql_server: { arg: 'administrator_login_password', fix: 'use administrator_login_password_wo (write-only) or Entra ID authentication only' },
  azurerm_postgresql_flexible_server: { arg: 'administrator_password', fix: 'use administrator_password_wo (write-only) or Entra ID authentication only' },
  azurerm_mysql_flexible_server: { arg: 'administrator_password', fix: 'use administrator_password_wo (write-only)' },
  azurerm_postgresql_server: { arg: 'administrator_login_password', fix: 'move to a flexible server with a write-only password' },
  google_sql_user: { arg: 'password', fix: 'use password_wo (write-only) or IAM database authentication' },
};

/** The switches by which the cloud generates and keeps the password itself: no password in the state then. */
const MANAGED = ['manage_master_user_password', 'manage_master_password'];

/** Where a configuration's state is kept, for the check; and the state bucket's element when the files draw it. */
interface StateStore {
  where: string;
  bucket?: DraftElement;
}

/** Every database password the configurations set, as a check, and as the asset of the state bucket that keeps it. */
export function stateSecrets(tf: TerraformReader): void {
  const held = new Map<DraftElement, Array<{ r: Resource; at: Provenance }>>();
  for (const r of tf.all) {
    const found = passwordOf(tf, r);
    if (found === undefined) continue;
    const { kind, value } = found;
    const at: Provenance = { file: r.file, line: attributeLine(r.body, kind.arg)!, note: `${r.address} ${kind.arg}, in the Terraform state` };
    const stores = rootsOf(r.config).map((root) => storeOf(tf, root));
    for (const s of stores) if (s.bucket) held.set(s.bucket, [...(held.get(s.bucket) ?? []), { r, at }]);
    // A literal is already a check at this line, which says that the state holds it too.
    if (value.kind === 'literal') continue;
    tf.checks.push({
      file: at.file, line: at.line,
      message: `${r.address} sets ${kind.arg}${sourceOf(tf, r, kind.arg)}: Terraform records it in plaintext in the state (${stores.map((s) => s.where).join('; ')}), so whoever reads the state has the database; ${kind.fix}, and restrict who can read the state`,
    });
  }
  for (const [bucket, passwords] of held) holdsPasswords(bucket, passwords);
}

/** The password a database resource created sets, unless the cloud keeps it (or it is null, or a placeholder). */
function passwordOf(tf: TerraformReader, r: Resource): { kind: { arg: string; fix: string }; value: HclExpression } | undefined {
  const kind = r.mode === 'resource' ? lookup(PASSWORDS, r.type) : undefined;
  const value = kind && attribute(r.body, kind.arg);
  if (!kind || value === undefined || tf.instances(r) === 0 || MANAGED.some((m) => tf.values(r).get(m) === true)) return undefined;
  // null and placeholders (`changeme`) are no password, by the judgement every importer shares (secret-values.ts).
  if (value.kind === 'literal' && !(typeof value.value === 'string' && isLiteralSecret(value.value))) return undefined;
  return { kind, value };
}

/** The root configurations whose state holds a folder's resources: itself, or the roots that call it as a module. */
function rootsOf(config: Config, depth = 0): Config[] {
  if (!config.callers.length || depth > 8) return [config];
  return [...new Set(config.callers.flatMap((c) => rootsOf(c.config, depth + 1)))];
}

/** Where a root configuration's state is: its backend, else the local terraform.tfstate of whoever runs apply. */
function storeOf(tf: TerraformReader, root: Config): StateStore {
  const backend = root.backend;
  if (backend === undefined || backend.type === 'local') return { where: `the local terraform.tfstate in ${root.dir || '.'} on every machine that runs apply` };
  const at = `backend "${backend.type}" at ${backend.file}:${backend.line}`;
  if (backend.type !== 's3') return { where: at };
  const bucket = bucketElement(tf, tf.value(root, attribute(backend.body, 'bucket')));
  return bucket ? { where: `${at}, bucket ${bucket.name ?? bucket.id}`, bucket } : { where: at };
}

/**
 * The bucket an s3 backend keeps state in, among the buckets read: the one of that name, else (a name given at
 * `terraform init`, or one no bucket states) the only bucket the files show to hold state (a lock table beside it, its name).
 */
function bucketElement(tf: TerraformReader, name: unknown): DraftElement | undefined {
  const buckets = tf.ofType('aws_s3_bucket').filter((b) => tf.elementOf.get(b.key) === b.key);
  const nameOf = (b: Resource) => tf.values(b).get('bucket');
  const named = typeof name === 'string' ? buckets.filter((b) => nameOf(b) === name) : [];
  const state = buckets.filter((b) => stateBucket(tf, b) !== undefined && (typeof nameOf(b) !== 'string' || nameOf(b) === name));
  const chosen = named.length === 1 ? named[0] : named.length === 0 && state.length === 1 ? state[0] : undefined;
  return chosen && elementByKey(tf.draft, chosen.key);
}

/** How the password is given, when that is what a reader would think keeps it out of the state. */
function sourceOf(tf: TerraformReader, r: Resource, arg: string): string {
  const from = tf.targetsOf(r, arg).find((t) => /^(?:aws_secretsmanager_secret_version|aws_ssm_parameter|random_password|google_secret_manager_secret_version|azurerm_key_vault_secret)$/.test(t.type));
  return from ? ` from ${from.address} (a secret store or a generated value, still copied into the state)` : '';
}

/** The state bucket's data: the state, a restricted secret, with the first password it holds as its place. */
function holdsPasswords(bucket: DraftElement, passwords: ReadonlyArray<{ r: Resource; at: Provenance }>): void {
  const names = [...new Set(passwords.map((p) => `${p.r.address} (${p.at.file}:${p.at.line})`))];
  bucket.dataAtRisk ??= passwords[0].at;
  bucket.dataAtRiskAsset = {
    name: 'Terraform state (holds database passwords)',
    type: 'secrets',
    classification: 'restricted',
    description: `The Terraform state in ${bucket.name ?? bucket.id} holds in plaintext the password of ${names.join(', ')}: whoever can read the state has the database.`,
  };
}
