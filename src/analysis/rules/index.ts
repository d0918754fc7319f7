// The built-in rule library, one family per file. Families order the catalogue (`threatmap rules`,
// docs/rules.md); BUILTIN_RULES is their concatenation.
import * as authentication from './authentication.js';
import * as authorization from './authorization.js';
import * as availability from './availability.js';
import * as caching from './caching.js';
import * as dataAtRest from './data-at-rest.js';
import * as disclosure from './disclosure.js';
import * as human from './human.js';
import * as injection from './injection.js';
import * as integrity from './integrity.js';
import * as llm from './llm.js';
import * as messaging from './messaging.js';
import * as network from './network.js';
import * as repudiation from './repudiation.js';
import * as serviceIdentity from './service-identity.js';
import * as supplyChain from './supply-chain.js';
import * as transport from './transport.js';
import type { Rule } from './types.js';
import * as web from './web.js';

export interface RuleFamily {
  id: string;
  title: string;
  description: string;
  rules: readonly Rule[];
}

export const RULE_FAMILIES: readonly RuleFamily[] = [
  {
    id: 'authentication', title: 'Authentication', description: 'Who the caller is: sessions, passwords, tokens, MFA, devices and partners.',
    rules: [
      authentication.sessionHijacking, authentication.credentialStuffing, authentication.otpBruteForce, authentication.missingAuthentication,
      authentication.weakAuthentication, authentication.adminWithoutMfa, authentication.insecurePasswordReset,
      authentication.missingTokenValidation, authentication.forgeableTokens, authentication.unauthenticatedStoreAccess, authentication.unauthenticatedDevice,
      authentication.unauthenticatedPartnerCall, authentication.oauthStateMissing, authentication.authorizationCodeInterception,
    ],
  },
  {
    id: 'service-identity', title: 'Service identity', description: 'Whether our own services can tell each other apart.',
    rules: [serviceIdentity.noMutualTls],
  },
  {
    id: 'authorization', title: 'Authorization', description: 'What the caller may do: admin exposure, role and object checks, shared and over-broad credentials.',
    rules: [
      authorization.exposedAdmin, authorization.exposedAdminPanel, authorization.missingAuthorization,
      authorization.brokenObjectLevelAuthorization, authorization.unauthenticatedObjectChange, authorization.sharedCredentials, authorization.overPrivilegedStoreAccess,
      authorization.excessiveCloudPermissions, authorization.privilegedProcessExposed,
    ],
  },
  {
    id: 'injection', title: 'Injection', description: 'Untrusted input reaching an interpreter: queries, commands, templates, parsers, logs and paths.',
    rules: [
      injection.sqlInjection, injection.nosqlInjection, injection.ldapInjection, injection.commandInjection,
      injection.templateInjection, injection.insecureDeserialization, injection.xxe, injection.logInjection, injection.pathTraversal,
    ],
  },
  {
    id: 'web', title: 'Web', description: 'Browser-facing weaknesses: XSS (server-rendered and in single-page apps), CSRF, CORS, open redirects, and a CDN that caches signed-in pages.',
    // The cache rule lives in caching.ts, the file for what shared caches store, but is a web finding: one
    // family more would need its own mapping wherever families are exported (Threagile's `function`).
    rules: [web.crossSiteScripting, web.domXss, web.crossSiteRequestForgery, web.corsMisconfiguration, web.openRedirect, caching.webCacheDeception],
  },
  {
    id: 'integrity', title: 'Request integrity', description: 'Values, events and files the system should not take on trust.',
    rules: [integrity.clientControlledValue, integrity.unsignedWebhook, integrity.webhookReplay, integrity.unsafeFileUpload, integrity.malwareUpload],
  },
  {
    id: 'network', title: 'Network and perimeter', description: 'What the internet can reach, what the server can be made to reach, and missing layers.',
    rules: [
      network.serverSideRequestForgery, network.cloudMetadataExposure, network.exposedDataStore, network.signedUrlLeakage, network.exposedManagementPort, network.exposedDebugger,
      network.exposedDebugEndpoint, network.flatNetwork, network.missingWaf, network.loadBalancerBypass,
    ],
  },
  {
    id: 'transport', title: 'Transport', description: 'Data in transit: cleartext flows, TLS downgrade, certificate and host-key trust.',
    rules: [transport.cleartextTampering, transport.cleartextDisclosure, transport.missingHsts, transport.mobileCertificatePinning, transport.sshServerSpoofing],
  },
  {
    id: 'disclosure', title: 'Information disclosure', description: 'Data the application gives away: errors, enumeration, unauthenticated or unmasked responses, keys in clients.',
    rules: [
      disclosure.verboseErrors, disclosure.accountEnumeration, disclosure.unauthenticatedSensitiveEndpoint,
      disclosure.excessiveDataExposure, disclosure.apiKeyInClient, disclosure.exposedMailCatcher, disclosure.thirdPartyDataSharing,
    ],
  },
  {
    id: 'data-at-rest', title: 'Data at rest', description: 'Stores, backups, logs, stored passwords and the secrets services keep.',
    rules: [
      disclosure.unencryptedStore, dataAtRest.unencryptedBackups, dataAtRest.backupsNotIsolated, dataAtRest.noBackups,
      dataAtRest.sensitiveDataInLogs, dataAtRest.unhashedPasswords, dataAtRest.secretsInConfig,
    ],
  },
  {
    id: 'repudiation', title: 'Repudiation', description: 'Whether actions can be attributed and the record trusted.',
    rules: [repudiation.noAuditLog, repudiation.mutableLogs, repudiation.sharedAccount, repudiation.unsignedPartnerRequests],
  },
  {
    id: 'availability', title: 'Denial of service', description: 'Exhaustion, unbounded work, cascading failure and single points of failure.',
    rules: [
      availability.noRateLimiting, availability.unboundedQuery, availability.unboundedUpload, availability.noCircuitBreaker,
      availability.noTimeoutsExternal, availability.singlePointOfFailure, availability.cacheStampede, availability.noDdosProtection,
    ],
  },
  {
    id: 'supply-chain', title: 'Supply chain and infrastructure', description: 'CI/CD, container registry, dependencies, device firmware updates, cloud console and containers.',
    rules: [
      supplyChain.pipelinePoisoning, supplyChain.pipelineOverPrivileged, supplyChain.secretsInCiCd, supplyChain.dependencyConfusion,
      supplyChain.unsignedImages, supplyChain.unsignedFirmwareUpdate, supplyChain.cloudConsoleWithoutMfa, supplyChain.privilegedContainer, supplyChain.containerEscape,
      supplyChain.signingKeyInPipeline, supplyChain.forkPrSelfHostedRunner,
    ],
  },
  {
    id: 'human', title: 'Human surface', description: 'Phishing, social engineering, insiders, and operations one person runs alone.',
    rules: [human.privilegedUserPhishing, human.supportSocialEngineering, human.insiderDataAccess, human.missingDualControl],
  },
  {
    id: 'llm', title: 'LLM and agents', description: 'Language models and agents (OWASP Top 10 for LLM applications).',
    rules: [llm.promptInjection, llm.llmExcessiveAgency, llm.llmDataLeakage, llm.llmInsecureOutput, llm.llmUnboundedConsumption],
  },
  {
    id: 'messaging', title: 'Queues and event buses', description: 'Brokers: who may publish, whether consumers can trust messages, backlogs and failures.',
    rules: [messaging.unauthenticatedBroker, messaging.unconfinedBrokerClients, messaging.unsignedEvents, messaging.poisonMessage, messaging.queueFlooding],
  },
];

export const BUILTIN_RULES: readonly Rule[] = RULE_FAMILIES.flatMap((f) => f.rules);

/** The family a built-in rule belongs to. */
export const familyOf = (ruleId: string): RuleFamily | undefined => RULE_FAMILIES.find((f) => f.rules.some((r) => r.id === ruleId));

export type { Rule } from './types.js';
