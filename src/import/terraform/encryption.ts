// Encryption at rest a configuration switches off in so many words: `storage_encrypted = false` on a database,
// `encrypted = false` on a volume or a file system (a block of an instance or a launch template too),
// `at_rest_encryption_enabled = false` on a cache; and, against a provider's default, transparent data encryption
// off on an Azure SQL database or SSE-SQS off on a queue with no KMS key. What the files write off is a fact: each
// is a check for the reviewer with its file:line, and a store's element gets a placeholder for the data it holds,
// so that `unencrypted-store` weighs it; a store the provider would otherwise encrypt (the catalogue's
// `encryptedAtRest`) is tagged `encryption-at-rest-off` too, which is what makes the rule report it. A setting
// merely left out says nothing here (its default is the provider's). Pure.
import { ENCRYPTION_OFF_TAG } from '../../analysis/rules/disclosure.js';
import { providerEncryption } from '../../model/catalog.js';
import { addFacts, elementByKey, kindOf, type Provenance } from '../draft.js';
import type { HclBody } from '../hcl.js';
import { attribute, attributeLine } from './hcl-body.js';
import type { Resource, TerraformReader } from './reader.js';

/** Arguments that switch encryption at rest on or off, wherever they sit in a resource. */
const SWITCHES = new Set(['storage_encrypted', 'encrypted', 'at_rest_encryption_enabled']);

/** Every switch written `false` in every resource created, as checks of the reader, in file order. */
export function encryptionSwitchedOff(tf: TerraformReader): void {
  for (const r of tf.all) {
    if (r.mode !== 'resource' || tf.instances(r) === 0) continue;
    walk(tf, r, r.body, []);
    if (r.type === 'azurerm_mssql_database') transparentDataEncryptionOff(tf, r);
    if (r.type === 'aws_sqs_queue') queueEncryptionOff(tf, r);
  }
}

function walk(tf: TerraformReader, r: Resource, body: HclBody, path: readonly string[]): void {
  const values = tf.values(r, body);
  for (const a of body.attributes) {
    if (!SWITCHES.has(a.name) || values.get(a.name) !== false) continue;
    const where = [...path, a.name].join('.');
    tf.checks.push({ file: r.file, line: a.pos.line, message: `${r.address} sets ${where} = false: what it stores (and its snapshots) is written unencrypted; switch it on, with a KMS key` });
    markStore(tf, r.key, { file: r.file, line: a.pos.line, note: `${where} = false` });
  }
  for (const b of body.blocks) walk(tf, r, b.body, [...path, b.type]);
}

/**
 * `transparent_data_encryption_enabled = false` on an Azure SQL database (the argument is the database's, on by
 * default; Azure lets it off only on data-warehouse SKUs). The database is drawn as its server: the server
 * `server_id` names keeps its data unencrypted.
 */
function transparentDataEncryptionOff(tf: TerraformReader, db: Resource): void {
  const line = switchedOffAt(tf, db, 'transparent_data_encryption_enabled');
  if (line === undefined) return;
  tf.checks.push({ file: db.file, line, message: `${db.address} sets transparent_data_encryption_enabled = false: the database, its backups and its log are written unencrypted; remove the setting (TDE is on by default)` });
  for (const server of tf.targetsOf(db, 'server_id')) {
    markStore(tf, server.key, { file: db.file, line, note: `${db.address}: transparent_data_encryption_enabled = false` });
  }
}

/**
 * `sqs_managed_sse_enabled = false` on a queue that names no KMS key: SQS has encrypted new queues with its own keys
 * since October 2022, and this argument is how a queue opts out. With `kms_master_key_id` the queue is encrypted
 * with that key instead (the provider refuses the two together), so only the bare opt-out is a fact.
 */
function queueEncryptionOff(tf: TerraformReader, queue: Resource): void {
  const line = switchedOffAt(tf, queue, 'sqs_managed_sse_enabled');
  if (line === undefined || namesKmsKey(tf, queue)) return;
  tf.checks.push({ file: queue.file, line, message: `${queue.address} sets sqs_managed_sse_enabled = false without kms_master_key_id: its messages are stored unencrypted; remove the setting (SSE-SQS is the default) or name a KMS key` });
  markStore(tf, queue.key, { file: queue.file, line, note: 'sqs_managed_sse_enabled = false, no kms_master_key_id' });
}

/** The line of a top-level argument written `false` (a value the files do not give says nothing). */
function switchedOffAt(tf: TerraformReader, r: Resource, name: string): number | undefined {
  return tf.values(r).get(name) === false ? attributeLine(r.body, name) : undefined;
}

/** A KMS key named, or possibly named: only a literal `null` or empty string names none. */
function namesKmsKey(tf: TerraformReader, r: Resource): boolean {
  if (attribute(r.body, 'kms_master_key_id') === undefined) return false;
  const v = tf.values(r).get('kms_master_key_id');
  return v !== null && v !== '';
}

/**
 * The placeholder for the data of the store the resource is (not of an instance whose volume it is: no store), and
 * where the provider would encrypt the store by default, the fact that it does not.
 */
function markStore(tf: TerraformReader, resourceKey: string, provenance: Provenance): void {
  const key = tf.elementOf.get(resourceKey);
  const element = key === undefined ? undefined : elementByKey(tf.draft, key);
  if (element === undefined || kindOf(element.identity) !== 'store') return;
  element.dataAtRisk ??= provenance;
  if (providerEncryption(element.identity?.tech) !== undefined) addFacts(element, [{ tag: ENCRYPTION_OFF_TAG, provenance }]);
}
