// The model file's schema: the single source of truth for the TypeScript types of a raw model and for
// the published JSON Schema (schema/threatmap.schema.json, emitted by `npm run schema`).
import { z } from 'zod';
import {
  ASSET_KINDS, ASSET_TYPES, AUTH_ALIASES, AUTH_METHODS, BOUNDARY_KINDS, CLASSIFICATIONS, CONTROLS,
  ELEMENT_KINDS, ELEMENT_TYPES, ENDPOINT_KINDS, LEVELS, PROTOCOLS, TECHNOLOGIES, TRUST_ALIASES, TRUST_LEVELS,
} from './catalog.js';
import { FLOW_ARROW } from './flow-arrow.js';
import { rulesSectionSchema, strideSchema } from './rules-schema.js';

// A written threat's `stride` reads like a custom rule's: one schema for both.
export { strideSchema };

const keys = <T extends object>(o: T) => Object.keys(o) as [string, ...string[]];

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
export const idSchema = z.string().regex(ID_PATTERN).meta({
  description: 'An identifier: letters, digits, and . _ : - (referenced from other parts of the model)',
});
/** Custom controls start with `x-` so that a typo of a built-in control is still caught. */
export const CUSTOM_CONTROL_PATTERN = /^x-[a-z0-9][a-z0-9-]*$/;
export const controlSchema = z.union([
  z.enum(keys(CONTROLS)),
  z.string().regex(CUSTOM_CONTROL_PATTERN),
]).meta({ description: 'A security control in place: a built-in name, or a custom one prefixed with x-' });
const controlsSchema = z.array(controlSchema).meta({ description: 'Security controls in place here' });

export const authSchema = z.enum([...AUTH_METHODS, ...Object.keys(AUTH_ALIASES)] as [string, ...string[]]).meta({
  description: 'How the caller authenticates',
});
export const protocolSchema = z.union([
  z.enum(keys(PROTOCOLS)),
  z.string().regex(/^x-[a-z0-9][a-z0-9+.-]*$/),
]).meta({ description: 'Transport protocol; implies encryption (https: yes, http: no). Custom ones start with x-' });
const levelSchema = z.enum(LEVELS);

export const systemSchema = z.strictObject({
  name: z.string().min(1).meta({ description: 'The system\'s name, used as the report title' }),
  description: z.string().optional().meta({ description: 'What the system does and for whom' }),
  owner: z.string().optional(),
  version: z.string().optional(),
});

export const boundarySchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  trust: z.enum([...TRUST_LEVELS, ...Object.keys(TRUST_ALIASES)] as [string, ...string[]]).optional().meta({
    description: 'Trust level, ordered untrusted (internet) < dmz < internal < restricted; default: the parent\'s, or internal',
  }),
  kind: z.enum(BOUNDARY_KINDS).optional().meta({ description: 'What separates this zone; default network' }),
  in: idSchema.optional().meta({ description: 'The enclosing boundary' }),
  controls: controlsSchema.optional(),
});

export const assetSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  kind: z.enum(ASSET_KINDS).optional().meta({ description: 'data (default) or resource (e.g. availability)' }),
  type: z.enum(ASSET_TYPES).optional(),
  classification: z.enum(CLASSIFICATIONS).optional().meta({ description: 'default internal' }),
  confidentiality: levelSchema.optional(),
  integrity: levelSchema.optional(),
  availability: levelSchema.optional(),
  assumed: z.boolean().optional().meta({ description: 'A stand-in for data nobody has classified yet: the rules fire on it as on its classification, but it rates impact Medium at most' }),
});

/** The methods of RFC 9110 and PATCH (RFC 5789): the analysis reads POST, PUT, PATCH and DELETE as changing state. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;
/**
 * An HTTP method in any case (normalize upper-cases it), spelled letter by letter: a JSON Schema pattern
 * has no `i` flag, and editors should flag `PSOT` as validation does.
 */
export const HTTP_METHOD_PATTERN = new RegExp(`^(?:${HTTP_METHODS.map((m) => [...m].map((c) => `[${c}${c.toLowerCase()}]`).join('')).join('|')})$`);

export const endpointSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  kind: z.enum(ENDPOINT_KINDS).optional().meta({ description: 'What the endpoint does; inferred from the path and methods when omitted' }),
  methods: z.array(z.string().regex(HTTP_METHOD_PATTERN).meta({ examples: [...HTTP_METHODS] })).optional().meta({
    description: 'HTTP methods it takes (any case); default the method in its key',
  }),
  public: z.boolean().optional().meta({ description: 'Callable without authentication (same as auth: none). Who can reach it is what reaches its element: the flows into it, or `exposed`' }),
  auth: authSchema.optional().meta({ description: 'How callers authenticate; default the element\'s auth' }),
  callers: z.array(idSchema).optional().meta({ description: 'Elements allowed to call it; default every element with a flow in' }),
  controls: controlsSchema.optional(),
  accepts: z.array(idSchema).optional().meta({ description: 'Assets the caller sends (values the client controls)' }),
  returns: z.array(idSchema).optional().meta({ description: 'Assets in responses' }),
});

export const elementSchema = z.strictObject({
  kind: z.enum(ELEMENT_KINDS).optional().meta({ description: 'DFD kind; implied by type or tech when omitted' }),
  type: z.enum(keys(ELEMENT_TYPES)).optional(),
  name: z.string().optional().meta({ description: 'Display name; default the id' }),
  description: z.string().optional(),
  // Editors offer the known technologies as completions; `examples` refuses nothing else.
  tech: z.string().optional().meta({ description: 'Technology hint (postgres, redis, nginx, browser...; docs/technologies.md lists the known ones)', examples: Object.keys(TECHNOLOGIES).sort() }),
  in: idSchema.optional().meta({ description: 'The trust boundary the element sits in' }),
  controls: controlsSchema.optional(),
  auth: authSchema.optional().meta({ description: 'How callers authenticate to this element by default' }),
  handles: z.array(idSchema).optional().meta({ description: 'Assets the element processes' }),
  stores: z.array(idSchema).optional().meta({ description: 'Assets the element stores at rest' }),
  endpoints: z.record(z.string().min(1), z.union([endpointSchema, z.null()])).optional().meta({
    description: 'Entry points, keyed by path (optionally prefixed by an HTTP method: "POST /cart")',
  }),
  exposed: z.boolean().optional().meta({ description: 'Directly reachable from the internet (public address)' }),
  privileged: z.boolean().optional().meta({ description: 'Runs with administrative or root privileges' }),
  replicas: z.number().int().min(0).optional(),
  owner: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

export const flowDetailsSchema = z.strictObject({
  id: idSchema.optional().meta({ description: 'Needed only when two flows join the same pair of elements' }),
  name: z.string().optional(),
  description: z.string().optional(),
  protocol: protocolSchema,
  encrypted: z.boolean().optional().meta({ description: 'Overrides what the protocol implies' }),
  auth: authSchema.optional(),
  credential: idSchema.optional().meta({
    description: 'Name of the credential the caller uses; flows from different sources naming the same credential share it',
  }),
  data: z.array(idSchema).optional().meta({ description: 'Assets carried' }),
  endpoint: z.string().optional().meta({ description: 'The target endpoint called' }),
  controls: controlsSchema.optional(),
  port: z.number().int().min(0).max(65535).optional(),
});

export const fullFlowSchema = flowDetailsSchema.extend({
  from: idSchema.meta({ description: 'Source element' }),
  to: idSchema.meta({ description: 'Target element' }),
});
/** `- web -> api: https` or `- web -> api: { protocol: https, data: [pii] }`. */
export const shorthandFlowSchema = z.record(
  z.string().regex(FLOW_ARROW),
  z.union([protocolSchema, flowDetailsSchema]),
).meta({ description: 'One key "source -> target" whose value is a protocol or the flow\'s details' });
export const flowSchema = z.union([fullFlowSchema, shorthandFlowSchema]);

export const assumptionSchema = z.union([
  z.string(),
  z.strictObject({
    text: z.string(),
    rules: z.array(z.string()).optional().meta({ description: 'Rule ids this assumption rules out' }),
    elements: z.array(idSchema).optional().meta({ description: 'Where it holds; default everywhere' }),
  }),
]);

export const writtenThreatSchema = z.strictObject({
  title: z.string().min(1).meta({ description: 'What can go wrong, in a line' }),
  stride: strideSchema,
  on: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional().meta({
    description: 'What it threatens: element, boundary, flow (its id or `a -> b`) or endpoint (`element:key`) ids; default the whole system',
  }),
  description: z.string().optional().meta({ description: 'How it happens and why it matters' }),
  likelihood: z.union([levelSchema, z.literal('exposure')]).optional().meta({
    description: 'low, medium, high, or exposure (from who can reach what it threatens; the default)',
  }),
  impact: z.union([levelSchema, z.literal('assets')]).optional().meta({
    description: 'low, medium, high, or assets (from the most valuable asset at stake for its STRIDE category; the default)',
  }),
  mitigation: z.string().optional().meta({ description: 'What to do about it' }),
  'mitigated-by': z.array(controlSchema).optional().meta({
    description: 'Controls that, once in place on what it threatens, report it as mitigated',
  }),
  references: z.array(z.string()).optional().meta({ description: 'CWE, CAPEC, OWASP ids, tickets, links' }),
}).meta({ description: 'A threat written by hand: found in a review, or imported from another tool' });

export const modelSchema = z.strictObject({
  $schema: z.string().optional(),
  threatmap: z.literal(1).meta({ description: 'Model format version' }),
  system: systemSchema,
  boundaries: z.record(idSchema, z.union([boundarySchema, z.null()])).optional(),
  assets: z.record(idSchema, z.union([assetSchema, z.null()])).optional(),
  elements: z.record(idSchema, elementSchema),
  flows: z.array(flowSchema).optional(),
  assumptions: z.array(assumptionSchema).optional(),
  threats: z.record(idSchema, writtenThreatSchema).optional().meta({
    description: 'Threats written by hand (threat id -> threat), analysed and reported beside the ones the rules find',
  }),
  rules: rulesSectionSchema.optional(),
});

export type RawModel = z.infer<typeof modelSchema>;
export type RawElement = z.infer<typeof elementSchema>;
export type RawEndpoint = z.infer<typeof endpointSchema>;
export type RawBoundary = z.infer<typeof boundarySchema>;
export type RawAsset = z.infer<typeof assetSchema>;
export type RawFlowDetails = z.infer<typeof flowDetailsSchema>;
export type RawFlow = z.infer<typeof flowSchema>;
export type RawWrittenThreat = z.infer<typeof writtenThreatSchema>;

export function modelJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(modelSchema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $id: 'https://threatmap.dev/schema/threatmap.schema.json',
    title: 'threatmap model',
    description: 'A system described for threat modeling: elements, flows, trust boundaries and assets.',
    ...schema,
  };
}
