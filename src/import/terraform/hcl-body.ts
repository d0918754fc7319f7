// Reading HCL bodies as Terraform uses them: an attribute's last setting, a body's blocks of one type, every
// expression under a name, and the walk that names each value by where it sits. Pure.
import { type HclBlock, type HclBody, type HclExpression, type HclValue, literalValue, objectItems } from '../hcl.js';
import { META } from './kinds.js';

export const attribute = (body: HclBody, name: string): HclExpression | undefined => {
  let found: HclExpression | undefined;
  for (const a of body.attributes) if (a.name === name) found = a.value;
  return found;
};

export const attributeLine = (body: HclBody, name: string): number | undefined => body.attributes.find((a) => a.name === name)?.pos.line;

export const blocksOf = (body: HclBody, type: string): HclBlock[] => body.blocks.filter((b) => b.type === type);

export const nothing: HclExpression = { kind: 'literal', value: null, pos: { line: 1, column: 1, offset: 0 } };

export function listenerProtocol(value: HclValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const p = value.toLowerCase();
  return ['http', 'https', 'tcp', 'tls', 'udp'].includes(p) ? p : undefined;
}

/** Objects with a `port` among a module input's items (a map of listeners or a list of them), with their line. */
export function listenerObjects(expr: HclExpression): Array<{ line: number; port: HclValue | undefined; protocol: HclValue | undefined }> {
  const items = expr.kind === 'object' ? expr.items.map((i) => i.value) : expr.kind === 'tuple' ? expr.items : [];
  const own = objectItems(expr);
  if (own?.has('port')) return [{ line: expr.pos.line, port: literalValue(own.get('port')!), protocol: own.has('protocol') ? literalValue(own.get('protocol')!) : undefined }];
  return items.flatMap((item) => {
    const fields = objectItems(item);
    return fields?.has('port') ? [{ line: item.pos.line, port: literalValue(fields.get('port')!), protocol: fields.has('protocol') ? literalValue(fields.get('protocol')!) : undefined }] : [];
  });
}

export function allExpressions(body: HclBody): HclExpression[] {
  return [...body.attributes.map((a) => a.value), ...body.blocks.flatMap((b) => allExpressions(b.body))];
}

/** Every attribute value in a body, with its path of block types, attribute name and object keys. */
export function walkBody(body: HclBody, path: readonly string[], visit: (expr: HclExpression, path: readonly string[]) => void): void {
  // `env { name = "DB_HOST", value = ... }` (Cloud Run, Kubernetes-style blocks) is named by its name.
  const named = attribute(body, 'name');
  const name = named ? literalValue(named) : undefined;
  for (const a of body.attributes) {
    if (!META.has(a.name)) walkExpression(a.value, [...path, a.name === 'value' && typeof name === 'string' ? name : a.name], visit);
  }
  for (const b of body.blocks) if (!META.has(b.type)) walkBody(b.body, [...path, b.type], visit);
}

export function walkExpression(expr: HclExpression, path: readonly string[], visit: (expr: HclExpression, path: readonly string[]) => void): void {
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
