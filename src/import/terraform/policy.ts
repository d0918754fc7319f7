// IAM policy documents in Terraform, however they are written (`jsonencode({...})`, JSON text in a heredoc, an
// `aws_iam_policy_document` data source): their statements as data, for the questions asked of them elsewhere
// (is a resource policy open to anyone; may a role change the account).
import type { HclExpression } from '../hcl.js';
import { attribute, blocksOf } from './hcl-body.js';
import type { Resource, TerraformReader } from './reader.js';

/** What one policy statement grants, as far as the files say. */
export interface Statement {
  allow: boolean;
  actions: string[];
  /** `NotAction`: everything but these. */
  notActions: boolean;
  resources: string[];
  /** The principal is anyone (`"*"`, `{"AWS": "*"}`): a resource policy open to the world. */
  anyone: boolean;
  conditioned: boolean;
  line: number;
}

const isAnyone = (p: unknown): boolean => p === '*' || (Array.isArray(p) && p.includes('*'))
  || (p !== null && typeof p === 'object' && !Array.isArray(p) && Object.values(p).some(isAnyone));

export const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Statements of a policy document written as `jsonencode({...})` or as JSON text (a heredoc). */
function documentStatements(doc: unknown, line: number): Statement[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [];
  const list = (doc as Record<string, unknown>).Statement;
  return (Array.isArray(list) ? list : list === undefined ? [] : [list]).flatMap((raw): Statement[] => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
    const st = raw as Record<string, unknown>;
    const notActions = st.NotAction !== undefined;
    return [{
      allow: (st.Effect ?? 'Allow') === 'Allow', actions: strings(notActions ? st.NotAction : st.Action), notActions, resources: strings(st.Resource),
      anyone: isAnyone(st.Principal), conditioned: st.Condition !== undefined, line,
    }];
  });
}

/** An HCL object as plain data; interpolated values (ARNs, names) become placeholders that match no action or principal. */
function policyObject(expr: HclExpression): unknown {
  if (expr.kind === 'literal') return expr.value;
  if (expr.kind === 'tuple') return expr.items.map(policyObject);
  if (expr.kind === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const item of expr.items) {
      const key = item.key.kind === 'literal' ? item.key.value : undefined;
      if (typeof key === 'string') out[key] = policyObject(item.value);
    }
    return out;
  }
  return 'x';
}

/**
 * A policy's statements, however it is written: `jsonencode({...})`, JSON text, or an
 * `aws_iam_policy_document` data source (its `statement` blocks).
 */
export function policyStatements(tf: TerraformReader, res: Resource, expr: HclExpression): Statement[] {
  if (expr.kind === 'call' && expr.name === 'jsonencode' && expr.args[0]) return documentStatements(policyObject(expr.args[0]), expr.pos.line);
  const text = expr.kind === 'literal' && typeof expr.value === 'string' ? expr.value
    : expr.kind === 'template' ? expr.parts.map((p) => (p.kind === 'literal' ? String(p.value) : 'x')).join('') : undefined;
  if (text !== undefined) {
    try {
      return documentStatements(JSON.parse(text), expr.pos.line);
    } catch {
      return [];
    }
  }
  return tf.targets(res.config, expr).filter((t) => t.resource.type === 'aws_iam_policy_document').flatMap(({ resource: doc }) =>
    blocksOf(doc.body, 'statement').map((st): Statement => {
      const value = (name: string) => tf.value(doc.config, attribute(st.body, name));
      const notActions = attribute(st.body, 'not_actions') !== undefined;
      return {
        allow: (value('effect') ?? 'Allow') === 'Allow',
        actions: strings(value(notActions ? 'not_actions' : 'actions')),
        notActions,
        resources: strings(value('resources')),
        anyone: blocksOf(st.body, 'principals').some((p) => strings(tf.value(doc.config, attribute(p.body, 'identifiers'))).includes('*')),
        conditioned: blocksOf(st.body, 'condition').length > 0,
        line: st.pos.line,
      };
    }));
}

