// Encryption at rest a configuration switches off in so many words: `storage_encrypted = false` on a database,
// `encrypted = false` on a volume or a file system (a block of an instance or a launch template too),
// `at_rest_encryption_enabled = false` on a cache. What the files write off is a fact: each is a check for the
// reviewer with its file:line, and a store's element gets a placeholder for the data it holds, so that
// `unencrypted-store` weighs it. A setting merely left out says nothing here (its default is the provider's). Pure.
import { kindOf } from '../draft.js';
import type { HclBody } from '../hcl.js';
import type { Resource, TerraformReader } from './reader.js';

/** Arguments that switch encryption at rest on or off, wherever they sit in a resource. */
const SWITCHES = new Set(['storage_encrypted', 'encrypted', 'at_rest_encryption_enabled']);

/** Every switch written `false` in every resource created, as checks of the reader, in file order. */
export function encryptionSwitchedOff(tf: TerraformReader): void {
  for (const r of tf.all) {
    if (r.mode !== 'resource' || tf.instances(r) === 0) continue;
    walk(tf, r, r.body, []);
  }
}

function walk(tf: TerraformReader, r: Resource, body: HclBody, path: readonly string[]): void {
  const values = tf.values(r, body);
  for (const a of body.attributes) {
    if (!SWITCHES.has(a.name) || values.get(a.name) !== false) continue;
    const where = [...path, a.name].join('.');
    tf.checks.push({ file: r.file, line: a.pos.line, message: `${r.address} sets ${where} = false: what it stores (and its snapshots) is written unencrypted; switch it on, with a KMS key` });
    markStore(tf, r, { file: r.file, line: a.pos.line, note: `${where} = false` });
  }
  for (const b of body.blocks) walk(tf, r, b.body, [...path, b.type]);
}

/** The placeholder for the data of the store the resource is (not of an instance whose volume it is: no store). */
function markStore(tf: TerraformReader, r: Resource, provenance: { file: string; line: number; note: string }): void {
  const key = tf.elementOf.get(r.key);
  const element = key === undefined ? undefined : tf.draft.elements.find((e) => e.key === key);
  if (element && kindOf(element.identity) === 'store') element.dataAtRisk ??= provenance;
}
