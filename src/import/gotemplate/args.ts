// How an argument meets a function parameter, as text/template's evalArg decides: constants adapt to the
// parameter (`3` is an int, or a float64 where one is wanted), values must already have its type, and a nil
// from a missing map key is Go's typed nil, which no string, int or bool parameter accepts.
import type { ArgNode, At, NumberNode } from './nodes.js';
import { nodeString } from './nodes.js';
import { GO_TYPE_NAMES, type ParamType, typeName } from './value.js';

export type Fail = (node: At, message: string) => never;

/** Go's nil interface from a map: unlike an untyped nil, reading a field of it fails. */
export const NIL_FROM_MAP = Symbol('nil from map');

/** A number constant where any type goes: an int unless it is written as a float. */
export function idealConstant(n: NumberNode, fail: Fail): unknown {
  const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
  if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float;
  if (n.isInt) return n.int;
  if (n.isUint) fail(n, `${n.text} overflows int`);
  return n.float;
}

/** A constant (bool, string, number) given for a parameter of `type`. */
export function constantArg(node: ArgNode, type: ParamType, fail: Fail): unknown {
  const found = nodeString(node);
  switch (type) {
    case 'bool': return node.kind === 'bool' ? node.value : fail(node, `expected bool; found ${found}`);
    case 'string': return node.kind === 'string' ? node.text : fail(node, `expected string; found ${found}`);
    case 'int': return node.kind === 'number' && node.isInt ? node.int : fail(node, `expected integer; found ${found}`);
    case 'float': return node.kind === 'number' && node.isFloat ? node.float : fail(node, `expected float; found ${found}`);
    case 'any':
      if (node.kind === 'bool') return node.value;
      if (node.kind === 'string') return node.text;
      if (node.kind === 'number') return idealConstant(node, fail);
  }
  return fail(node, `can't handle ${found} for arg of type ${GO_TYPE_NAMES[type]}`);
}

/** The constant `nil` given for a parameter of `type`: only maps, lists and interfaces can be nil. */
export function nilArg(node: At, type: ParamType, fail: Fail): null {
  if (type === 'any' || type === 'map' || type === 'list') return null;
  return fail(node, `cannot assign nil to ${GO_TYPE_NAMES[type]}`);
}

/** A computed value given for a parameter of `type`: it must have that type already. */
export function validateArg(node: At, value: unknown, type: ParamType, fail: Fail): unknown {
  const expected = GO_TYPE_NAMES[type];
  if (value === NIL_FROM_MAP) {
    if (type === 'any') return null;
    fail(node, `wrong type for value; expected ${expected}; got interface {}`);
  }
  if (value === null || value === undefined) {
    if (type === 'any' || type === 'map' || type === 'list') return null;
    fail(node, `invalid value; expected ${expected}`);
  }
  const ok = type === 'any'
    || (type === 'string' && typeof value === 'string')
    || (type === 'int' && typeof value === 'bigint')
    || (type === 'float' && typeof value === 'number')
    || (type === 'bool' && typeof value === 'boolean')
    || (type === 'map' && value instanceof Map)
    || (type === 'list' && Array.isArray(value));
  if (!ok) fail(node, `wrong type for value; expected ${expected}; got ${typeName(value)}`);
  return value;
}
