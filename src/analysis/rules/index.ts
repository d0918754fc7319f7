// The built-in rule library, one family per file.
import { noRateLimiting, noCircuitBreaker } from './availability.js';
import { credentialStuffing, sessionHijacking } from './authentication.js';
import { exposedAdmin, sharedCredentials } from './authorization.js';
import { accountEnumeration, unencryptedStore, verboseErrors } from './disclosure.js';
import { sqlInjection } from './injection.js';
import { clientControlledValue, unsafeFileUpload, unsignedWebhook } from './integrity.js';
import { noAuditLog } from './repudiation.js';
import { noMutualTls } from './service-identity.js';
import { cleartextDisclosure, cleartextTampering } from './transport.js';
import type { Rule } from './types.js';

export const BUILTIN_RULES: readonly Rule[] = [
  sessionHijacking,
  credentialStuffing,
  noMutualTls,
  clientControlledValue,
  unsignedWebhook,
  unsafeFileUpload,
  cleartextTampering,
  cleartextDisclosure,
  noAuditLog,
  verboseErrors,
  accountEnumeration,
  unencryptedStore,
  sqlInjection,
  noRateLimiting,
  noCircuitBreaker,
  exposedAdmin,
  sharedCredentials,
];

export type { Rule } from './types.js';
