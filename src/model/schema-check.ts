// A quick yes-or-don't-know test of data against a zod schema, derived from the schema itself. zod builds a
// copy of the input and a result object per node (some 250 ms and much garbage for a 10,000-element model);
// a valid model needs none of that, only the answer. So each schema node becomes a plain predicate, and
// anything it cannot vouch for answers false: the caller then runs zod, whose issues and messages (and the
// JSON Schema built from the same schema) stay the one source of truth. The rule is one-sided: `true` must
// imply that zod accepts; `false` only costs the slow path. A test holds both to that on many documents.
import { z } from 'zod';

export type Check = (value: unknown) => boolean;

type Schema = z.core.$ZodType;
type Internals = z.core.$ZodTypeInternals & { def: Record<string, unknown> & { type: string } };

const internals = (s: Schema): Internals => s._zod as Internals;

/** zod's own test for a record's input (records refuse class instances). */
const isPlainObject = (v: unknown): v is Record<string, unknown> => z.util.isPlainObject(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Compiles `schema` into a predicate; compiled once per schema, at module load of the caller.
 * `plainData`: the predicate will only see data as a parser makes it (objects and arrays whose properties
 * are all their own, enumerable and string-keyed): it then reads a map's own keys rather than looking up
 * every key of the shape, most of which a model leaves out.
 */
export function compileCheck(schema: Schema, plainData = false): Check {
  const zod = internals(schema);
  const def = zod.def;
  const checks = (def.checks as z.core.$ZodCheck[] | undefined) ?? [];
  switch (def.type) {
    case 'string':
      return withChecks((v) => typeof v === 'string', checks, schema);
    case 'number':
      return withChecks((v) => typeof v === 'number' && Number.isFinite(v), checks, schema);
    case 'boolean':
      return withChecks((v) => typeof v === 'boolean', checks, schema);
    case 'null':
      return withChecks((v) => v === null, checks, schema);
    case 'unknown':
      return withChecks(() => true, checks, schema);
    case 'enum':
    case 'literal': {
      const values = zod.values!;
      return withChecks((v) => values.has(v as never), checks, schema);
    }
    case 'optional': {
      const inner = compileCheck(def.innerType as Schema, plainData);
      return withChecks((v) => v === undefined || inner(v), checks, schema);
    }
    case 'array': {
      const element = compileCheck(def.element as Schema, plainData);
      return withChecks((v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      }, checks, schema);
    }
    case 'union': {
      const options = (def.options as Schema[]).map((option) => compileCheck(option, plainData));
      return withChecks((v) => {
        for (let i = 0; i < options.length; i++) if (options[i](v)) return true;
        return false;
      }, checks, schema);
    }
    case 'record': {
      const keyType = def.keyType as Schema;
      // A record keyed by an enum must hold every key; not used by the model schema, so left to zod.
      if (internals(keyType).values !== undefined) return delegate(schema);
      const key = compileCheck(keyType, plainData);
      const value = compileCheck(def.valueType as Schema, plainData);
      return withChecks((v) => {
        if (!isPlainObject(v) || (!plainData && Object.getOwnPropertySymbols(v).length > 0)) return false;
        for (const k in v) {
          // Inherited keys (a null prototype's cannot exist) and __proto__ are zod's business.
          if (!Object.hasOwn(v, k) || k === '__proto__' || !key(k) || !value(v[k])) return false;
        }
        return true;
      }, checks, schema);
    }
    case 'object':
      return withChecks(compileObject(def, plainData), checks, schema);
    default:
      // Pipes, transforms, lazy schemas and the like: zod answers for the subtree.
      return delegate(schema);
  }
}

function compileObject(def: Record<string, unknown>, plainData: boolean): Check {
  const catchall = def.catchall as Schema | undefined;
  const strict = catchall !== undefined && internals(catchall).def.type === 'never';
  if (catchall !== undefined && !strict) return () => false;
  const shape = def.shape as Record<string, Schema>;
  const keys = Object.keys(shape);
  const known = new Set(keys);
  // zod lets an optional key be absent; any other must be present (`key in input`), even if undefined.
  const optional = keys.map((key) => internals(shape[key]).optin === 'optional');
  const fields = keys.map((key, i) => {
    const field = internals(shape[key]).def;
    // The loop below passes over an optional key's undefined itself: the wrapped type is the whole check.
    const bare = field.type === 'optional' && optional[i] && ((field.checks as unknown[] | undefined) ?? []).length === 0;
    return compileCheck(bare ? field.innerType as Schema : shape[key], plainData);
  });
  const everyKey: Check = (v) => {
    if (!isObject(v)) return false;
    // zod reads every key of the shape (own or not, enumerable or not), then refuses any other key it enumerates.
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]];
      if (x === undefined) {
        if (optional[i]) continue;
        return false;
      }
      if (!fields[i](x)) return false;
    }
    if (strict) for (const key in v) if (!known.has(key)) return false;
    return true;
  };
  // A key on Object.prototype would be read through it even when the map leaves it out.
  if (!plainData || keys.some((key) => key in Object.prototype)) return everyKey;
  const position = new Map(keys.map((key, i) => [key, i]));
  const required = optional.filter((o) => !o).length;
  return (v) => {
    if (!isObject(v)) return false;
    if (Object.getPrototypeOf(v) !== Object.prototype) return everyKey(v);
    // Plain data has no other keys than those it enumerates, so a key of the shape not met is absent.
    let present = 0;
    for (const key in v) {
      const i = position.get(key);
      if (i === undefined) {
        if (strict) return false;
        continue;
      }
      const x = v[key];
      if (x === undefined) {
        if (optional[i]) continue;
        return false;
      }
      if (!fields[i](x)) return false;
      if (!optional[i]) present++;
    }
    return present === required;
  };
}

/** Adds a node's refinements: zod's own check functions run on the value, so no rule is restated here. */
function withChecks(base: Check, checks: readonly z.core.$ZodCheck[], schema: Schema): Check {
  if (checks.length === 0) return base;
  for (const c of checks) {
    // A custom refinement (`superRefine`) sees the whole parse context: zod judges the node.
    if (c._zod.def.check === 'custom' || typeof c._zod.check !== 'function') return delegate(schema);
  }
  const payload: z.core.ParsePayload<never> = { value: undefined as never, issues: [] };
  return (v) => {
    if (!base(v)) return false;
    payload.value = v as never;
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i];
      const when = c._zod.def.when;
      if (when && !when(payload)) continue;
      c._zod.check(payload);
      if (payload.issues.length > 0) {
        payload.issues.length = 0;
        return false;
      }
    }
    return true;
  };
}

function delegate(schema: Schema): Check {
  return (v) => z.safeParse(schema, v).success;
}
