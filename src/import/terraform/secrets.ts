// Secrets written into Terraform configurations: a literal password, token or key as a resource's argument
// (a database's master password) or as a value in a map of settings (a function's environment). Terraform
// keeps them in the repository and in its state; the model cannot hold that, so each is a check for the
// reviewer with its file:line, naming the setting and never its value. Pure.
import type { HclBody, HclExpression } from '../hcl.js';
import { isLiteralSecret, isSecretArgument, isSecretSetting } from '../secret-values.js';
import type { Resource, TerraformReader } from './reader.js';

// Which names hold secrets and which values are placeholders is one judgement for every importer (secret-values.ts).
const literalSecret = (expr: HclExpression): boolean =>
  expr.kind === 'literal' && typeof expr.value === 'string' && isLiteralSecret(expr.value);

/** Every hard-coded secret of every resource, as checks of the reader, in file order. */
export function hardCodedSecrets(tf: TerraformReader): void {
  for (const r of tf.all.filter((x) => x.mode === 'resource')) walk(tf, r, r.body, []);
}

function walk(tf: TerraformReader, r: Resource, body: HclBody, path: readonly string[]): void {
  for (const a of body.attributes) {
    const where = [...path, a.name].join('.');
    if (isSecretArgument(a.name) && literalSecret(a.value)) {
      tf.checks.push({ file: r.file, line: a.pos.line, message: `${r.address} sets ${where} to a literal: a secret written in the configuration (and its state); take it from a secret store or a sensitive variable` });
    }
    // Settings maps (a function's environment variables): keys named as environment variables are.
    if (a.value.kind === 'object') {
      for (const item of a.value.items) {
        const key = item.key.kind === 'literal' && typeof item.key.value === 'string' ? item.key.value
          : item.key.kind === 'traversal' && item.key.steps.length === 0 ? item.key.root : undefined;
        if (key !== undefined && isSecretSetting(key) && literalSecret(item.value)) {
          tf.checks.push({ file: r.file, line: item.pos.line, message: `${r.address} sets ${where} ${key} to a literal: a secret written in the configuration (and its state); take it from a secret store` });
        }
      }
    }
  }
  for (const b of body.blocks) walk(tf, r, b.body, [...path, b.type]);
}
