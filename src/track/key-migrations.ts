// Threat keys that a release changed. A rule that now reports its finding on something else leaves the team's
// decisions under the old key matching nothing; a rule that no longer reports a case by design leaves them
// about a threat that will not come back. Both would read as stale entries and the decisions would be lost, so
// each change is written here once, with its release note, and triage matching (triage.ts) and
// `threatmap triage --migrate` (src/cli/triage.ts) follow it. No Node APIs: runs in the browser.
import { type AnalysisContext, buildContext, isPassThrough } from '../analysis/context.js';
import { adminCallersCase, declaredBehind, functionLevelCase, routeServers, serverControls } from '../analysis/rules/authorization.js';
import { browserReached, takesHttp } from '../analysis/rules/family-shared.js';
import { cannotCascade, isProvider, managedGateway } from '../analysis/rules/availability.js';
import { isLogRecord } from '../analysis/rules/data-at-rest.js';
import { onlyShippedToSinks, providerEncryptsAtRest } from '../analysis/rules/disclosure.js';
import { contentInputNarrowed, onlyStoresDocuments, vendorIdentityProvider } from '../analysis/rules/injection.js';
import {
  assetList, authAskedInFront, endpointMfa, exchangesProviderSignIn, isBroker, isPrivilegedPerson, sensitive, signInMfa, signInsUpstream,
  USER_CREDENTIALS,
} from '../analysis/rules/facts.js';
import { staffBehindTold } from '../analysis/rules/human.js';
import { clientProof, userSupplied } from '../analysis/rules/integrity.js';
import { sshKeyCall } from '../analysis/rules/service-identity.js';
import { accessedByCloudIdentity } from '../analysis/rules/network.js';
import { isDeploy, pullDeployer, receivesFirmware } from '../analysis/rules/supply-chain.js';
import { personUsesProgram, unpinnableCall } from '../analysis/rules/transport.js';
import { crossOriginOnlyFromVendorApps } from '../analysis/rules/web.js';
import type { AnalysisResult } from '../analysis/types.js';
import { displayPath } from '../model/diagnostics.js';
import { buildGraph } from '../model/graph.js';
import { defaultEndpointKind, inferEndpointKind, namesOneExport, namesWebhooks, notLoginByToken } from '../model/normalize.js';
import type { Boundary, Element, Endpoint, Flow } from '../model/types.js';
import type { TriageStatus } from './types.js';
import { threatUid, UID_PATTERN } from './uid.js';

/** A rule that now reports one finding where it reported several: an old key names the finding's new home. */
export interface MovedKeys {
  kind: 'moved';
  rule: string;
  /** The release that changed the rule. */
  since: string;
  /** The shape of the old key and of the new one, for people (the release note, `--migrate`'s output). */
  oldShape: string;
  newShape: string;
  /**
   * How an old key's component leads to the new one: a flow's id to the element that makes the call; an
   * endpoint's id to its element, for the endpoints the element's threat names in its evidence; a forwarding
   * element's id to the application its routes are now placed on, when its threat names them; the same
   * component, when another rule (`from`) now reports the case there.
   */
  resolve: 'flow-to-caller' | 'endpoint-to-element' | 'proxy-to-application' | 'same-component';
  /** The rule of the old keys, when another rule's finding now holds them (its keys are `rule@...` otherwise). */
  from?: string;
  note: string;
}

/** A rule that no longer reports a case by design: entries about that case are retired, with the reason. */
export interface RetiredKeys {
  kind: 'retired';
  rule: string;
  since: string;
  oldShape: string;
  /**
   * When an old key's threat is retired: on a webhook endpoint whose signature check the model declares; or
   * one of the cases of session 17's review (RETIRED_CASES).
   */
  when: 'signed-webhook' | 'forgeable-key' | 'unpinnable-call' | RetiredCase | FlowCase;
  /**
   * The rule whose finding stands for the threat's cause while it reports: the threat comes back once that
   * finding goes, so its entries are kept, suspended meanwhile, to apply again then (`--migrate` leaves them).
   */
  suspendedWhile?: string;
  note: string;
}

export type KeyMigration = MovedKeys | RetiredKeys;

// Notes of session 22 that several rules share.
const TOKEN_ROUTE_NOTE = 'a route named for a token or session whose own auth is a credential a program presents (jwt, mtls, api-key, hmac, iam, ssh-key) exchanges or checks tokens: it is no login, and nobody stuffs passwords into it or enumerates accounts through it';
const OFF_THE_SHELF_QUERIES = 'software run as shipped (now also a self-hosted identity provider: Keycloak, Authentik, Dex, ZITADEL, Authelia, PingFederate, Cognito, LDAP, Active Directory) builds its queries in its vendor\'s code: a flaw there is an advisory to patch, not ours to parameterise';
const GATE_AUTH_NOTE = 'an endpoint behind a gateway or other edge that states its own `auth` takes that auth: the edge asks it of every call, so the endpoint is no longer public (missing-token-validation stays the gateway\'s to decide)';
const READ_ONLY_UPLOAD_NOTE = 'a route whose path says files (`/files`, `/attachments`, `/uploads`, `/import`) but whose methods are all reads (GET, HEAD, OPTIONS) or DELETE sends no file: it is no upload (`kind: upload` still makes it one)';
const SERVED_CONTROL_NOTE = 'a route declared on a gateway or proxy is served by the application behind it, whose own check (on it, or on its copy of the route) counts for the route: each application that may serve it declares the control';
const DECLARED_BEHIND_NOTE = 'a route declared both on a gateway, proxy or load balancer and on the application behind it that serves it is one route: it is judged once, on the application\'s own endpoint, where the check must be written (decide the threat there)';
const ONE_OBJECT_EXPORT_NOTE = 'a route naming one export, download or report (`/exports/{id}`, `/files/{id}/download`) fetches one file made already: it is no `export`, with nothing to page or bound (`kind: export` still makes it one)';
const WEBHOOK_SUBSCRIPTION_NOTE = 'a webhook route customers manage (a DELETE, or the collection or one item of it under a customer\'s credential) registers the URLs the service posts its events to: it is kind `api`, no incoming webhook, and server-side-request-forgery judges the registered URLs';
// Notes of session 24.
const TOKEN_EXCHANGE_NOTE = 'a session or token route that trades a sign-in made elsewhere for a session (its name says an exchange: `/auth/session`, `/token/exchange`; it takes an ID token or `auth: oidc`; or the element signs its users in at an identity provider) is no login: the password is typed at the provider, and nobody stuffs passwords into this route or enumerates accounts through it';
const DEPLOY_PATH_NOTE = 'a pipeline\'s call over the cloud provider\'s management API (`cloud-api` from a `ci-cd` element) deploys code: it is no request path around the WAF and rate limits of the edge in front, so what the edge guards is judged with them';
const PACKAGE_READS_NOTE = 'a pipeline whose only calls into our elements download dependencies (an Artifactory, Nexus or npm proxy, or flows carrying packages) deploys nothing: it holds no standing production access and ships no unreviewed code anywhere';
const MANAGED_GATEWAY_NOTE = 'a managed API gateway (type `gateway` with the `cloud` trait, such as AWS API Gateway) ends every integration call at a timeout of its own that cannot be switched off: its calls tie nothing up';

export const KEY_MIGRATIONS: readonly KeyMigration[] = [
  {
    kind: 'moved',
    rule: 'no-timeouts-external',
    since: '0.1.0',
    oldShape: 'no-timeouts-external@caller->target (one per flow)',
    newShape: 'no-timeouts-external@caller (one per calling element)',
    resolve: 'flow-to-caller',
    note: 'one missing timeout is one finding per calling element, naming all its unbounded calls, instead of one per flow',
  },
  {
    kind: 'retired',
    rule: 'webhook-replay',
    since: '0.1.0',
    oldShape: 'webhook-replay@element:/webhook',
    when: 'signed-webhook',
    note: 'webhook-replay is no longer reported on a webhook whose signature check is declared: unsigned-webhook\'s advice already asks for the signed timestamp and one processing per event id',
  },
  ...retiredS17('client-controlled-value', 'client-proof', 'passwords, one-time codes and tokens a login, sign-up or reset takes are the client\'s to send, not values the server owns'),
  ...retiredS17('unauthenticated-object-change', 'client-proof', 'a public endpoint that takes only credentials is the caller proving who they are, not data anyone changes'),
  ...retiredS17('broken-object-level-authorization', 'admin-endpoint', 'an admin route reaches every user\'s objects by design: exposed-admin-interface and missing-authorization report who may call it'),
  // Session 22 (keys), ahead of was-login: that case claims every route `/token/` or `/session/` names that is no
  // login now, and would give the old reason for one that is no login by the credential it takes.
  // Session 24 (admin), ahead of session 22's token-auth-route: that case asks defaultEndpointKind, which makes
  // `auth: oidc` routes plain calls now too, and would give session 22's reason for this session's change.
  ...retiredS17('credential-stuffing', 'token-exchange-route', TOKEN_EXCHANGE_NOTE),
  ...retiredS17('credential-stuffing', 'token-auth-route', TOKEN_ROUTE_NOTE),
  ...retiredS17('account-enumeration', 'token-auth-route', TOKEN_ROUTE_NOTE),
  ...retiredS17('credential-stuffing', 'was-login', 'a route is no longer a login for `/auth/` in its path, nor a one-time-code check: only a route named for login (or `kind: login`) is'),
  // Session 18, ahead of session 17's enumeration retirements: those ask whether the per-endpoint key is reported,
  // which it never is now, so they would claim the endpoints the element's threat still names.
  {
    kind: 'moved',
    rule: 'account-enumeration',
    since: '0.1.0',
    oldShape: 'account-enumeration@element:METHOD /route (one per endpoint)',
    newShape: 'account-enumeration@element (one per element)',
    resolve: 'endpoint-to-element',
    note: 'enumeration is one finding per element, naming each sign-up, login and reset endpoint, instead of one per endpoint: the fix is one response policy',
  },
  ...retiredS17('account-enumeration', 'was-login', 'a route is no longer a login for `/auth/` in its path, nor a one-time-code check: only a route named for login (or `kind: login`) is'),
  ...retiredS17('account-enumeration', 'signed-in-reset', 'a password change that needs the user signed in tells nobody who has an account'),
  ...retiredS17('insecure-password-reset', 'signed-in-reset', 'a signed-in user changing their password is not the reset flow: nobody takes an account over through it'),
  ...retiredS17('no-rate-limiting', 'otp-check', 'a one-time code check without a limit is otp-brute-force now, which says what the limit protects: decide that threat'),
  ...retiredS17('exposed-data-store', 'cloud-api-store', 'a managed cloud store reached through its provider\'s API with IAM or signed calls is used as designed; one public by policy is still reported'),
  ...retiredS17('verbose-errors', 'off-the-shelf', 'software run as shipped (a mail catcher) has its vendor\'s errors; its own findings say what to do with it'),
  ...retiredS17('missing-authentication', 'mail-catcher', 'a mail catcher open to callers is exposed-mail-catcher\'s finding, one threat for one cause'),
  ...retiredS17('no-circuit-breaker', 'load-balancer', 'a load balancer\'s health checks take a failing target out of rotation: that is its breaker'),
  ...retiredS17('unauthenticated-partner-call', 'untyped-caller', 'a caller of no `type` is no partner: validation asks who it is (untyped-caller), and missing-authentication judges the service its calls reach'),
  ...retiredS17('missing-waf', 'off-the-shelf', 'software run as shipped (a mail catcher) has its vendor\'s flaws to patch, not ours to filter'),
  // Session 18.
  ...retiredS17('exposed-admin-interface', 'admin-api-route', 'an admin API route that signed-in users also call is broken function-level authorization: missing-authorization reports it, with a role check in the service as the fix, not a VPN'),
  // A framework's trait is what it can do, not what the model shows it doing (tech-noise, session 18).
  ...retiredS17('xxe', 'xml-capability', 'Spring or .NET can parse XML, which says nothing of input: XXE is reported where the model shows XML arriving (an XML, SOAP or SAML endpoint or flow, a SAML sign-in, or an `xml` tag)'),
  ...retiredS17('template-injection', 'template-capability', 'rendering pages with a framework\'s template engine is not rendering input as a template: SSTI is reported where callers send templates (an endpoint or asset named so) or a `template-engine` tag says so'),
  // The literal token signing key and the password reset by one-time code (authn, session 18).
  {
    kind: 'retired',
    rule: 'missing-token-validation',
    since: '0.1.0',
    oldShape: 'missing-token-validation@element',
    when: 'forgeable-key',
    suspendedWhile: 'forgeable-tokens',
    note: 'while the JWT signing key is a literal in the repository a forger needs no validation flaw: forgeable-tokens is the one finding (decide it), and this one comes back once the key is out of the files',
  },
  {
    kind: 'moved',
    rule: 'otp-brute-force',
    since: '0.1.0',
    oldShape: 'otp-brute-force@element:METHOD /route (one per code check)',
    newShape: 'otp-brute-force@element (one per password reset by one-time code)',
    resolve: 'endpoint-to-element',
    note: 'a password reset whose one-time code can be guessed is one account takeover on the element, naming the reset and every code check, instead of one finding per code check',
  },
  {
    kind: 'moved',
    rule: 'otp-brute-force',
    from: 'insecure-password-reset',
    since: '0.1.0',
    oldShape: 'insecure-password-reset@element:METHOD /route',
    newShape: 'otp-brute-force@element (one per password reset by one-time code)',
    resolve: 'endpoint-to-element',
    note: 'a reset whose one-time code can be guessed is taken over by guessing it: otp-brute-force\'s account takeover on the element names the reset endpoint and its code checks',
  },
  ...retiredS17('insecure-deserialization', 'deserialization-capability', 'a JVM, PHP or Celery can deserialise objects, which says nothing of input: reported where the model shows serialized objects arriving (RMI, pickle, ViewState... on an endpoint or flow) or an `object-deserialization` or `pickle` tag says so'),
  // Session 19 (keys-saml), ahead of content-input: that case claims any element a process calls, an identity
  // provider among them, and its note would give the wrong reason for one whose parser is its vendor's.
  ...retiredS17('xxe', 'vendor-idp', 'an identity provider run as shipped (Keycloak, Dex, Authentik...) parses SAML in its vendor\'s code, fixed by upgrading it, not by a parser setting of ours: XXE stays reported on the applications that consume its assertions'),
  ...retiredS17('xxe', 'content-input', 'content a route serves (GET /sitemap.xml) or a trusted internal system sends is no untrusted input, and a forwarding element parses nothing: reported where a route takes the content (a write, `accepts`, an upload) or an untrusted or exposed caller sends it (fix-misc, session 18)'),
  ...retiredS17('template-injection', 'content-input', 'content a route serves (GET /sitemap.xml) or a trusted internal system sends is no untrusted input, and a forwarding element parses nothing: reported where a route takes the content (a write, `accepts`, an upload) or an untrusted or exposed caller sends it (fix-misc, session 18)'),
  ...retiredS17('insecure-deserialization', 'content-input', 'content a route serves (GET /sitemap.xml) or a trusted internal system sends is no untrusted input, and a forwarding element parses nothing: reported where a route takes the content (a write, `accepts`, an upload) or an untrusted or exposed caller sends it (fix-misc, session 18)'),
  // Routes on a proxy placed past generic segments (`/api/v2/identity/...`), camelCase, snake_case, plural (routes, session 19).
  {
    kind: 'moved',
    rule: 'missing-authorization',
    since: '0.1.0',
    oldShape: 'missing-authorization@proxy (routes no application behind it was found named for)',
    newShape: 'missing-authorization@application (the application the routes\' path names)',
    resolve: 'proxy-to-application',
    note: 'a route on a proxy is judged on the application its path names past generic segments (`/api/identity/...` on identity), and camelCase, snake_case and plural names match (`/userService/`, `/users/` on user-service)',
  },
  // Session 19 (rules-imp): findings on models imported from other tools.
  ...flowRetirements(['cleartext-tampering', 'cleartext-disclosure'], 'person-own-device', 'a person using their own browser or app sends nothing over a network: only the traffic the browser or app sends is judged'),
  // Session 22 (keys), ahead of no-cascade-call: that case claims the boundary a browser's call enters, whose group
  // a managed gateway's calls inside it made, and would give a reason that is not why the key went.
  ...flowRetirements(['no-circuit-breaker'], 'managed-gateway-call', MANAGED_GATEWAY_NOTE),
  ...flowRetirements(['no-circuit-breaker'], 'no-cascade-call', 'a build pipeline\'s calls, a client\'s and interactive sessions or file transfers (ssh, sftp, rdp...) stall no request handler: a failed step fails the build or the session'),
  ...retiredS17('unauthenticated-broker', 'iam-broker', 'a cloud provider\'s managed broker (SQS, Pub/Sub, Service Bus...), or one reached through the provider\'s API, accepts only calls signed with IAM credentials or its keys'),
  // Session 20 (rules-fp): three false positives a reviewer would strike.
  ...retiredS17('unencrypted-store', 'provider-encrypted', 'the store\'s provider encrypts it at rest by default (S3, GCS, Azure Storage, DynamoDB, Cosmos DB, Azure SQL, Cloud SQL, Firestore...): reported again when tagged `encryption-at-rest-off`'),
  ...flowRetirements(['no-mutual-tls'], 'ssh-key-call', 'SSH authenticates the calling service by its key (and the server by its host key): mutual TLS has nothing to add; SSH with a password is still reported'),
  // Session 22 (keys): admin routes grouped, identity providers run as shipped, auth lent by a gateway, reads of
  // file paths, data users supply about themselves, managed API gateways, pull-based deployers.
  {
    kind: 'moved',
    rule: 'exposed-admin-interface',
    since: '0.1.0',
    oldShape: 'exposed-admin-interface@element:METHOD /route (one per admin route)',
    newShape: 'exposed-admin-interface@element (one per element with two or more open admin routes; one route keeps its key)',
    resolve: 'endpoint-to-element',
    note: 'admin routes reachable without a VPN or IP allow-list are one finding per element, naming each route, instead of one per route: the fix is one network restriction',
  },
  ...retiredS17('sql-injection', 'off-the-shelf', OFF_THE_SHELF_QUERIES),
  ...retiredS17('nosql-injection', 'off-the-shelf', OFF_THE_SHELF_QUERIES),
  ...retiredS17('ldap-injection', 'off-the-shelf', OFF_THE_SHELF_QUERIES),
  ...retiredS17('missing-authorization', 'off-the-shelf', 'software run as shipped (an identity provider such as Keycloak, a mail catcher) checks roles in its vendor\'s code: its admin console exposed is exposed-admin-interface\'s finding, a flaw in its checks an advisory to patch'),
  ...retiredS17('unauthenticated-sensitive-endpoint', 'gate-auth', GATE_AUTH_NOTE),
  ...retiredS17('unauthenticated-object-change', 'gate-auth', GATE_AUTH_NOTE),
  ...retiredS17('no-rate-limiting', 'gate-auth', GATE_AUTH_NOTE),
  ...retiredS17('unsafe-file-upload', 'read-only-upload-path', READ_ONLY_UPLOAD_NOTE),
  ...retiredS17('unbounded-upload', 'read-only-upload-path', READ_ONLY_UPLOAD_NOTE),
  ...retiredS17('malware-upload', 'read-only-upload-path', READ_ONLY_UPLOAD_NOTE),
  ...retiredS17('account-enumeration', 'token-exchange-element', TOKEN_EXCHANGE_NOTE),
  ...retiredS17('account-enumeration', 'token-auth-element', TOKEN_ROUTE_NOTE),
  ...retiredS17('client-controlled-value', 'user-supplied', 'what users supply about themselves (personal or health data, their own card details) is theirs to send and to correct: a price, a total, a balance, a role or a payment status is still the server\'s'),
  ...retiredS17('no-timeouts-external', 'managed-gateway', MANAGED_GATEWAY_NOTE),
  ...retiredS17('missing-authorization', 'route-role-checks', 'a role check each admin route declares (`authorization` on the endpoint) is the check where the admin function is: the finding is mitigated, as by one on the application'),
  // Session 23 (authz), ahead of served-object-check and served-authentication: a route the application behind
  // declares too is no longer judged on the edge at all, whatever controls the application declares.
  ...retiredS17('broken-object-level-authorization', 'declared-behind', DECLARED_BEHIND_NOTE),
  ...retiredS17('unauthenticated-object-change', 'declared-behind', DECLARED_BEHIND_NOTE),
  // Session 23 (authz): MFA at the login that issues the session cookie guards the admin routes taking it; staff
  // behind a shared load balancer sign in where the model says they do.
  ...retiredS17('admin-without-mfa', 'login-mfa', 'an admin route taking the session cookie that the element\'s login endpoints issue is guarded by their MFA when every one of them asks for it: administrators pass MFA to get the cookie'),
  // Session 23 (people): no administrator signs in at a route only our applications call; they sign in to those.
  ...retiredS17('admin-without-mfa', 'upstream-mfa', 'an admin route that only our own applications call, with their own credential, is reached by administrators through those applications: MFA where they sign in to them (on each application, its login endpoints or the people\'s flows into it) guards the route'),
  ...retiredS17('privileged-user-phishing', 'staff-behind-edge', 'behind a load balancer or proxy shared with others, staff sign in where the model says they do (an endpoint naming them among its callers, the credential their call states, admin routes), not on every application behind it: a finding that named only the others is gone, and one about admin routes is the admin rules\''),
  ...retiredS17('broken-object-level-authorization', 'served-object-check', SERVED_CONTROL_NOTE),
  ...retiredS17('unauthenticated-object-change', 'served-authentication', SERVED_CONTROL_NOTE),
  // Session 23 (parse): webhook subscription routes are no receivers; an upload only stored is parsed behind.
  ...retiredS17('unsigned-webhook', 'webhook-subscription', WEBHOOK_SUBSCRIPTION_NOTE),
  ...retiredS17('webhook-replay', 'webhook-subscription', WEBHOOK_SUBSCRIPTION_NOTE),
  ...retiredS17('xxe', 'stores-documents', 'an element that writes uploaded Office or SVG files to object or file storage or a queue which another process opening documents (a converter by its tech, one tagged as parsing XML, or an os-command tool) reads or consumes, and that neither converts them nor is tagged as parsing XML itself, only stores them: the threat is reported on the process that opens them'),
  // Session 23: what the reviews of a bank, an IoT fleet and a data platform found reported by mistake.
  ...retiredS17('unsigned-firmware-update', 'no-firmware-delivery', 'a flow that names data moves only that data (a device uploading readings to the service that also hands out firmware pulls none), and an asset about firmware that is a command, job, status, version, report or notification, or a key, credential or telemetry, is no firmware: a device no flow delivers firmware to has no unsigned-firmware-update finding'),
  ...retiredS17('cors-misconfiguration', 'vendor-page-server', 'software run as shipped (Grafana, Kibana, Superset: `off-the-shelf`) serves pages whose script calls its own backend: that the same people also call an API does not make the API cross-origin'),
  ...retiredS17('flat-network', 'iam-cloud-store', 'a managed cloud store reached only through its provider\'s API (S3, DynamoDB, Secrets Manager: cloud, not SQL) whose every caller signs with IAM or hmac is guarded by IAM policy, not network position; a database with an address in the zone (RDS, self-hosted) is still reported'),
  ...retiredS17('unbounded-query', 'one-object-export', ONE_OBJECT_EXPORT_NOTE),
  ...retiredS17('no-rate-limiting', 'one-object-export', ONE_OBJECT_EXPORT_NOTE),
  ...retiredS17('unhashed-passwords', 'secrets-vault', 'a secrets vault exists to hand back what it keeps (tokens we send out, passwords of the databases we log in to): a hash could not, so a vault has no finding'),
  ...retiredS17('sensitive-data-in-logs', 'log-records-only', 'the log records themselves (assets of type `logs`, or named as an audit trail or log with no sensitive type) are what a log store is for: a store holding no other sensitive data has no finding'),
  ...retiredS17('verbose-errors', 'shipped-to-sinks', 'what a service only writes to a log or backups store never comes back into a request: a service whose only data of high confidentiality is that has no finding'),
  ...retiredS17('dependency-confusion', 'pull-deployer', 'a pull-based deployer (Argo CD, Flux) resolves no dependencies: it applies what was built elsewhere, and the build that resolves them is where pinning belongs'),
  // Session 24: one admin sign-in without MFA is one finding per element; `callers` nothing enforces restrict
  // nobody; a pipeline's cloud role is one finding; deploy flows are no request paths; providers in a DMZ.
  {
    kind: 'moved',
    rule: 'admin-without-mfa',
    since: '0.1.0',
    oldShape: 'admin-without-mfa@element:METHOD /route (one per admin route)',
    newShape: 'admin-without-mfa@element (one per element with two or more admin routes without MFA; one route keeps its key)',
    resolve: 'endpoint-to-element',
    note: 'admin routes whose sign-in asks no second factor are one finding per element, naming each route, instead of one per route: the fix is MFA where administrators sign in',
  },
  {
    kind: 'moved',
    rule: 'exposed-admin-interface',
    from: 'admin-without-mfa',
    since: '0.1.0',
    oldShape: 'admin-without-mfa@element:METHOD /route (a route whose `callers` made it look unexposed)',
    newShape: 'exposed-admin-interface@element:METHOD /route',
    resolve: 'same-component',
    note: 'a route\'s `callers` restrict who reaches it only when something enforces them (a role check, an IP allow-list on the route, mutual TLS): otherwise whoever the flows bring reaches it, and an admin route the internet reaches is exposed-admin-interface\'s finding',
  },
  {
    kind: 'moved',
    rule: 'exposed-admin-interface',
    from: 'admin-without-mfa',
    since: '0.1.0',
    oldShape: 'admin-without-mfa@element:METHOD /route (a route whose `callers` made it look unexposed)',
    newShape: 'exposed-admin-interface@element (two or more exposed admin routes)',
    resolve: 'endpoint-to-element',
    note: 'a route\'s `callers` restrict who reaches it only when something enforces them (a role check, an IP allow-list on the route, mutual TLS): otherwise whoever the flows bring reaches it, and admin routes the internet reaches are exposed-admin-interface\'s finding',
  },
  {
    kind: 'moved',
    rule: 'pipeline-over-privileged',
    from: 'excessive-cloud-permissions',
    since: '0.1.0',
    oldShape: 'excessive-cloud-permissions@pipeline',
    newShape: 'pipeline-over-privileged@pipeline',
    resolve: 'same-component',
    note: 'a pipeline\'s cloud role is one finding: pipeline-over-privileged reports the standing access of every deploy and cloud call a ci-cd element makes, excessive-cloud-permissions the roles of other workloads',
  },
  ...retiredS17('pipeline-over-privileged', 'package-reads-only', PACKAGE_READS_NOTE),
  ...retiredS17('pipeline-poisoning', 'package-reads-only', PACKAGE_READS_NOTE),
  ...retiredS17('no-rate-limiting', 'deploy-path-route', DEPLOY_PATH_NOTE),
  ...retiredS17('missing-waf', 'deploy-path', DEPLOY_PATH_NOTE),
  ...retiredS17('queue-flooding', 'deploy-path', DEPLOY_PATH_NOTE),
  {
    kind: 'moved',
    rule: 'mobile-certificate-pinning',
    since: '0.1.0',
    oldShape: 'mobile-certificate-pinning@app->target (one per flow)',
    newShape: 'mobile-certificate-pinning@app (one per mobile app)',
    resolve: 'flow-to-caller',
    note: 'a mobile app that pins no certificate is one finding naming the hosts it calls, instead of one per call: the fix is one pinning configuration in the app',
  },
  {
    kind: 'retired',
    rule: 'mobile-certificate-pinning',
    since: '0.1.0',
    oldShape: 'mobile-certificate-pinning@app->target',
    when: 'unpinnable-call',
    note: 'a sign-in at an identity provider runs in the system browser (RFC 8252), whose trust store the app does not control, and a presigned or managed cloud-store download meets certificates the provider rotates on its own schedule: the app pins neither, and the API that hands out the links is the call to pin',
  },
  ...retiredS17('unauthenticated-partner-call', 'pipeline-trigger', 'a code host\'s call into a CI/CD pipeline is the trigger of jobs the pipeline fetches (self-hosted runners poll for them), not a request to an address we publish; a webhook route the pipeline declares without auth or signature check is still reported'),
  ...retiredS17('cors-misconfiguration', 'no-browser-origin', 'CORS governs only the HTTP requests a browser makes: a person\'s LDAP, SMB or database connection is no cross-origin call, whatever else they browse'),
  ...retiredS17('missing-waf', 'no-http', 'a web application firewall inspects HTTP: a service that takes none (RADIUS, SFTP, MQTT, a database protocol) has nothing for one to filter'),
  ...retiredS17('verbose-errors', 'no-http', 'error pages and stack traces in responses are an HTTP application\'s: a service that takes no HTTP (RADIUS, SFTP, MQTT) returns none'),
  ...retiredS17('flat-network', 'vpn-neighbours', 'an application the internet reaches only through a VPN (on it, its zone, or every untrusted path in front) is no internet-facing neighbour: staff signed in to the VPN reach it'),
  ...flowRetirements(['no-timeouts-external'], 'no-cascade-call', 'a build pipeline\'s calls to a provider and interactive sessions or file transfers (ssh, sftp, rdp...) stall no request handler: a failed step fails the build or the session, as no-circuit-breaker already held'),
  {
    kind: 'retired',
    rule: 'exposed-admin-interface',
    since: '0.1.0',
    oldShape: 'exposed-admin-interface@element:METHOD /route',
    when: 'admin-callers-unenforced',
    suspendedWhile: 'missing-authorization',
    note: 'an admin route whose `callers` nothing enforces (no role check, no IP allow-list on the route, no mutual TLS) while others reach it with a credential it accepts is callable by anyone signed in: missing-authorization is the one finding (decide it), and this one comes back if the route stays open to the internet once the list is enforced',
  },
  ...flowRetirements(['no-circuit-breaker'], 'provider-call', 'a call to someone else\'s service (an external element or `type: third-party`, wherever the model draws it, a DMZ too) is no-timeouts-external\'s finding: one finding per caller, with the provider\'s own limits as advice'),
];

/** What a release's change makes of one triage entry that matches no threat. */
export type KeyChange =
  | {
    kind: 'moved'; migration: MovedKeys; oldKey: string; newKey: string;
    /** `endpoint-to-element`: every endpoint the new threat names, which the old keys moved into it may not all be. */
    endpoints?: readonly string[];
  }
  | { kind: 'retired'; migration: RetiredKeys; oldKey: string };

/** Every old key the migrations explain, and its stable id, each with its change. */
type OldKeyIndex = { byKey: Map<string, KeyChange>; byUid: Map<string, KeyChange> };

/**
 * What the migrations make of entries that match no threat (`refs`: keys or stable ids), by ref; refs that no
 * migration explains are left out (they are stale). Old keys are listed from the result: a stable id is a hash,
 * so the keys it may stand for are hashed and compared, never guessed from the text.
 */
export function keyChanges(result: AnalysisResult, refs: readonly string[], migrations: readonly KeyMigration[] = KEY_MIGRATIONS): Map<string, KeyChange> {
  const out = new Map<string, KeyChange>();
  if (refs.length === 0) return out;
  let index: OldKeyIndex | undefined;
  for (const ref of refs) {
    index ??= oldKeyIndex(result, migrations);
    const change = UID_PATTERN.test(ref) ? index.byUid.get(ref) : index.byKey.get(ref);
    if (change) out.set(ref, change);
  }
  return out;
}

function oldKeyIndex(result: AnalysisResult, migrations: readonly KeyMigration[]): OldKeyIndex {
  const byKey = new Map<string, KeyChange>();
  for (const m of migrations) {
    const changes = m.kind === 'moved' ? movedKeys(result, m) : retiredKeys(result, m);
    // The first migration to claim an old key keeps it: the table is in release order.
    for (const c of changes) if (!byKey.has(c.oldKey)) byKey.set(c.oldKey, c);
  }
  const byUid = new Map<string, KeyChange>();
  for (const [key, change] of byKey) byUid.set(threatUid(key), change);
  return { byKey, byUid };
}

/** `flow-to-caller`: the old per-flow keys of each threat the rule reports now, one per flow its element makes. */
function movedKeys(result: AnalysisResult, m: MovedKeys): KeyChange[] {
  if (m.resolve === 'endpoint-to-element') return endpointsToElement(result, m);
  if (m.resolve === 'proxy-to-application') return proxyToApplication(result, m);
  if (m.resolve === 'same-component') return sameComponent(result, m);
  const flows = new Map<string, Flow>(result.flows.map((f) => [f.id, f]));
  const out: KeyChange[] = [];
  for (const t of result.threats) {
    if (t.ruleId !== m.rule) continue;
    for (const id of t.flows) {
      if (flows.get(id)?.from === t.component) out.push({ kind: 'moved', migration: m, oldKey: `${m.rule}@${id}`, newKey: t.key });
    }
  }
  return out;
}

/**
 * `endpoint-to-element`: the old per-endpoint keys of each element-wide threat the rule reports now, one per
 * endpoint its evidence points at (an endpoint the rule leaves out now, mitigated or retired, is not named).
 */
function endpointsToElement(result: AnalysisResult, m: MovedKeys): KeyChange[] {
  const byId = new Map(result.elements.map((e) => [e.id, e]));
  const out: KeyChange[] = [];
  for (const t of result.threats) {
    if (t.ruleId !== m.rule || t.componentKind !== 'element' || t.endpoint !== undefined) continue;
    const named = new Set(t.evidence.map((e) => e.path));
    const endpoints = (byId.get(t.component)?.endpoints ?? []).filter((ep) => named.has(displayPath(ep.at))).map((ep) => ep.id);
    for (const id of endpoints) out.push({ kind: 'moved', migration: m, oldKey: `${m.from ?? m.rule}@${id}`, newKey: t.key, endpoints });
  }
  return out;
}

/**
 * `proxy-to-application`: the old key of the rule on each forwarding element whose routes an application's
 * threat now names (routes placed on the application behind it), when the forwarding element has none now.
 * Routes split onto several applications: the first threat in the result's order takes the old key.
 */
function proxyToApplication(result: AnalysisResult, m: MovedKeys): KeyChange[] {
  const reported = new Set(result.threats.map((t) => t.key));
  const declaredOn = new Map<string, string>();
  for (const e of result.elements) for (const ep of e.endpoints) declaredOn.set(displayPath(ep.at), e.id);
  const out: KeyChange[] = [];
  for (const t of result.threats) {
    if (t.ruleId !== m.rule || t.componentKind !== 'element' || t.endpoint !== undefined) continue;
    const proxies = new Set(t.evidence.map((ev) => declaredOn.get(ev.path)).filter((id): id is string => id !== undefined && id !== t.component));
    for (const id of proxies) {
      const oldKey = `${m.rule}@${id}`;
      if (!reported.has(oldKey)) out.push({ kind: 'moved', migration: m, oldKey, newKey: t.key });
    }
  }
  return out;
}

/** `same-component`: the old rule's key (`from`) on the component each threat of the rule names, when not reported now. */
function sameComponent(result: AnalysisResult, m: MovedKeys): KeyChange[] {
  const reported = new Set(result.threats.map((t) => t.key));
  const out: KeyChange[] = [];
  for (const t of result.threats) {
    if (t.ruleId !== m.rule || m.from === undefined) continue;
    const oldKey = `${m.from}${t.key.slice(m.rule.length)}`;
    if (!reported.has(oldKey)) out.push({ kind: 'moved', migration: m, oldKey, newKey: t.key });
  }
  return out;
}

/** `signed-webhook`: the old keys of the rule on every endpoint where it no longer reports by design. */
function retiredKeys(result: AnalysisResult, m: RetiredKeys): KeyChange[] {
  if (m.when === 'forgeable-key') return forgeableKeyKeys(result, m);
  if (m.when === 'unpinnable-call') return unpinnableCallKeys(result, m);
  if (isFlowCase(m.when)) return flowCaseKeys(result, m, m.when);
  if (m.when !== 'signed-webhook') return retiredCaseKeys(result, m, m.when);
  const reported = new Set(result.threats.map((t) => t.key));
  const facts = webhookFacts(result);
  const out: KeyChange[] = [];
  for (const e of result.elements) {
    for (const ep of e.endpoints) {
      const oldKey = `${m.rule}@${ep.id}`;
      if (!reported.has(oldKey) && signedWebhook(facts, e, ep)) out.push({ kind: 'retired', migration: m, oldKey });
    }
  }
  return out;
}

/**
 * `forgeable-key`: the old keys of the rule on each element a forgeable-tokens threat names (its holder, and the
 * elements its evidence cites as taking the tokens), not reported now.
 */
function forgeableKeyKeys(result: AnalysisResult, m: RetiredKeys): KeyChange[] {
  const reported = new Set(result.threats.map((t) => t.key));
  const out: KeyChange[] = [];
  for (const t of result.threats) {
    if (t.ruleId !== 'forgeable-tokens') continue;
    const named = new Set(t.evidence.map((e) => e.path));
    for (const e of result.elements) {
      const oldKey = `${m.rule}@${e.id}`;
      if ((e.id === t.component || named.has(displayPath(e.at))) && !reported.has(oldKey)) out.push({ kind: 'retired', migration: m, oldKey });
    }
  }
  return out;
}

/**
 * `unpinnable-call`: the old per-flow keys of mobile-certificate-pinning on a mobile app's calls it no longer asks
 * to pin (transport.ts unpinnableCall), when not reported now.
 */
function unpinnableCallKeys(result: AnalysisResult, m: RetiredKeys): KeyChange[] {
  const reported = new Set(result.threats.map((t) => t.key));
  const byId = new Map(result.elements.map((e) => [e.id, e]));
  let ctx: AnalysisContext | undefined;
  const out: KeyChange[] = [];
  for (const f of result.flows) {
    const from = byId.get(f.from);
    const to = byId.get(f.to);
    const oldKey = `${m.rule}@${f.id}`;
    if (from === undefined || to === undefined || !from.traits.includes('mobile') || reported.has(oldKey)) continue;
    if (unpinnableCall((ctx ??= resultContext(result)), f, to)) out.push({ kind: 'retired', migration: m, oldKey });
  }
  return out;
}

/** What telling a signed webhook needs, indexed once: a scan of the model per endpoint would be quadratic. */
interface WebhookFacts {
  inFlows: Map<string, Flow[]>;
  boundaries: Map<string, Boundary>;
  /** Endpoints unsigned-webhook reports. */
  unsigned: Set<string>;
}

function webhookFacts(result: AnalysisResult): WebhookFacts {
  const inFlows = new Map<string, Flow[]>();
  for (const f of result.flows) {
    const list = inFlows.get(f.to);
    if (list) list.push(f);
    else inFlows.set(f.to, [f]);
  }
  const unsigned = new Set<string>();
  for (const t of result.threats) if (t.ruleId === 'unsigned-webhook' && t.endpoint !== undefined) unsigned.add(t.endpoint);
  return { inFlows, boundaries: new Map(result.boundaries.map((b) => [b.id, b])), unsigned };
}

const SIGNATURE = 'signature-verification';
const signs = (f: Flow): boolean => f.controls.includes(SIGNATURE) || f.auth === 'hmac';

/**
 * A webhook whose signature check the model declares (on the endpoint, its element or boundaries, or the senders'
 * flows that reach it, also through elements in front), and that unsigned-webhook does not report: a check that
 * rule finds incomplete is not a verified signature, and its replay is then that rule's finding.
 */
function signedWebhook(facts: WebhookFacts, e: Element, ep: Endpoint): boolean {
  if (ep.kind !== 'webhook' || facts.unsigned.has(ep.id)) return false;
  if (ep.controls.includes(SIGNATURE) || ep.auth === 'hmac' || e.controls.includes(SIGNATURE)) return true;
  return boundaryDeclares(facts, e.boundary, SIGNATURE) || sendersSign(facts, ep);
}

function boundaryDeclares(facts: WebhookFacts, id: string | undefined, control: string): boolean {
  const seen = new Set<string>();
  for (let b = id !== undefined ? facts.boundaries.get(id) : undefined; b !== undefined && !seen.has(b.id); b = b.parent === undefined ? undefined : facts.boundaries.get(b.parent)) {
    seen.add(b.id);
    if (b.controls.includes(control)) return true;
  }
  return false;
}

/** A flow that can reach the endpoint (naming it or none) is signed, into its element or an element in front. */
function sendersSign(facts: WebhookFacts, ep: Endpoint): boolean {
  const seen = new Set<string>([ep.element]);
  const queue = [ep.element];
  for (let i = 0; i < queue.length; i++) {
    const to = queue[i];
    for (const f of facts.inFlows.get(to) ?? []) {
      if (f.from === to || (to === ep.element && f.endpoint !== undefined && f.endpoint !== ep.id)) continue;
      if (signs(f)) return true;
      if (!seen.has(f.from)) {
        seen.add(f.from);
        queue.push(f.from);
      }
    }
  }
  return false;
}

/**
 * Statuses from the one that claims least to the one that claims most: open and mitigating carry the risk; an
 * acceptance carries it knowingly; a transfer gives it to others; mitigated says it is fixed; false-positive
 * says it never was.
 */
const CLAIMS: readonly TriageStatus[] = ['open', 'mitigating', 'accepted', 'transferred', 'mitigated', 'false-positive'];

/**
 * Of several decisions about what is now one threat, the most conservative: the one that claims least, then
 * the one that lapses first (no expiry lapses last), then the first written. Never undefined for a non-empty list.
 */
export function mostConservative<T extends { status: TriageStatus; expires?: string }>(decisions: readonly T[]): T {
  const lapse = (d: T) => d.expires ?? '9999-99-99';
  return decisions.reduce((best, d) => {
    const by = CLAIMS.indexOf(d.status) - CLAIMS.indexOf(best.status);
    return by < 0 || (by === 0 && lapse(d) < lapse(best)) ? d : best;
  });
}

/** A model file as a command-line argument, quoted when the shell would read it otherwise. */
export const shellArg = (arg: string): string => (/^[\w./@%+=:,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** The command that rewrites a triage file's entries under their new keys (a model read from standard input is named for the user to fill in). */
export const migrateCommand = (modelFile: string): string => `threatmap triage ${modelFile === '<stdin>' ? 'MODEL' : shellArg(modelFile)} --migrate`;

// --- Session 17: cases a senior review found reported by mistake -------------------------------------------

/** The cases session 17 retired: endpoint cases name an endpoint in the old key, element cases an element. */
export type RetiredCase = EndpointCase | ElementCase;
type EndpointCase = 'client-proof' | 'admin-endpoint' | 'was-login' | 'signed-in-reset' | 'otp-check' | 'admin-api-route'
  | 'gate-auth' | 'read-only-upload-path' | 'token-auth-route' | 'user-supplied' | 'served-object-check' | 'served-authentication'
  | 'declared-behind' | 'login-mfa' | 'webhook-subscription' | 'upstream-mfa' | 'one-object-export' | 'token-exchange-route' | 'deploy-path-route'
  | 'admin-callers-unenforced';
type ElementCase = 'cloud-api-store' | 'off-the-shelf' | 'mail-catcher' | 'load-balancer' | 'untyped-caller' | 'vendor-idp' | 'iam-broker' | CapabilityCase
  | 'provider-encrypted' | 'token-auth-element' | 'managed-gateway' | 'pull-deployer' | 'route-role-checks' | 'staff-behind-edge' | 'stores-documents'
  | 'no-firmware-delivery' | 'vendor-page-server' | 'iam-cloud-store' | 'secrets-vault' | 'log-records-only' | 'shipped-to-sinks'
  | 'token-exchange-element' | 'package-reads-only' | 'deploy-path' | 'pipeline-trigger' | 'no-browser-origin' | 'no-http' | 'vpn-neighbours';
/** Processes whose tech brings the trait of a capability (session 18): not reported on the trait alone any more. */
type CapabilityCase = 'xml-capability' | 'template-capability' | 'deserialization-capability' | 'content-input';
/** A function declaration, not a table: KEY_MIGRATIONS calls it (through retiredS17) while the module loads. */
function isElementCase(when: RetiredCase): when is ElementCase {
  return when === 'cloud-api-store' || when === 'off-the-shelf' || when === 'mail-catcher' || when === 'load-balancer' || when === 'untyped-caller'
    || when === 'xml-capability' || when === 'template-capability' || when === 'deserialization-capability' || when === 'content-input'
    || when === 'vendor-idp' || when === 'iam-broker' || when === 'provider-encrypted' || when === 'token-auth-element' || when === 'managed-gateway'
    || when === 'pull-deployer' || when === 'route-role-checks' || when === 'staff-behind-edge' || when === 'stores-documents'
    || when === 'no-firmware-delivery' || when === 'vendor-page-server' || when === 'iam-cloud-store' || when === 'secrets-vault'
    || when === 'log-records-only' || when === 'shipped-to-sinks' || when === 'token-exchange-element' || when === 'package-reads-only'
    || when === 'deploy-path' || when === 'pipeline-trigger' || when === 'no-browser-origin' || when === 'no-http' || when === 'vpn-neighbours';
}

/** A retirement of session 17. A function declaration: KEY_MIGRATIONS, above, calls it while the module loads. */
function retiredS17(rule: string, when: RetiredCase, note: string): RetiredKeys[] {
  const shape = isElementCase(when) ? `${rule}@element` : `${rule}@element:METHOD /route`;
  return [{ kind: 'retired', rule, since: '0.1.0', oldShape: shape, when, note }];
}
const PROOF_KINDS: ReadonlySet<string> = new Set(['login', 'otp', 'register', 'password-reset']);
const CLOUD_API_AUTH: ReadonlySet<string> = new Set(['iam', 'hmac']);
/** The routes the endpoint-kind hints called a login before session 17: `/auth/` anywhere in the path. */
const OLD_LOGIN = /(^|\/)(login|signin|sign-in|auth|token|session)s?(\/|$)/i;
/** The kinds account-enumeration judges: an element with none of them left has no enumeration finding. */
const ENUMERABLE_KINDS: ReadonlySet<string> = new Set(['register', 'login', 'password-reset']);

/**
 * Session 22: a route whose path names a login that its own program credential made a plain call (normalize.ts
 * gives such a route kind `api`; its auth is its own, not one taken from a flow or an edge in front).
 */
const tokenAuthRoute = (ep: Endpoint): boolean =>
  ep.kind === 'api' && !ep.public && ep.authAt === undefined && inferEndpointKind(ep.route, ep.methods) === 'login'
  && defaultEndpointKind(ep.route, ep.methods, ep.auth) === 'api';

/** Session 22's program credentials: a token route stating one as its own auth was a plain call already then. */
const S22_TOKEN_CREDENTIALS: ReadonlySet<string> = new Set(['jwt', 'mtls', 'hmac', 'iam', 'ssh-key']);

/**
 * Session 24: a route named for a token or session that normalize.ts notLoginByToken makes a plain call for what
 * session 22 did not read (an exchange by name, an ID token taken, `auth: oidc`), or a session route on an
 * element whose users sign in at an identity provider (facts.ts exchangesProviderSignIn).
 */
const tokenExchangeRoute = (ep: Endpoint, e: Element, ctx: Context): boolean => {
  const named = inferEndpointKind(ep.route, ep.methods);
  if (named !== 'login') return false;
  if (ep.kind === 'login') return exchangesProviderSignIn(ctx(), e, ep);
  return ep.kind === 'api' && ep.authAt === undefined && !S22_TOKEN_CREDENTIALS.has(ep.auth)
    && notLoginByToken('login', ep.route, ep.authAt === undefined ? ep.auth : undefined, ep.accepts) === 'api';
};

/** Session 24 (exposure): flows of a pipeline over the cloud provider's management API, which deploy code. */
const deployFlow = (f: Flow, byId: ReadonlyMap<string, Element>): boolean => f.protocol === 'cloud-api' && byId.get(f.from)?.type === 'ci-cd';

/** Session 24 (exposure): an element a pipeline deploys to over the management API, or one such an element calls. */
function behindDeployFlow(inFlows: readonly Flow[], byId: ReadonlyMap<string, Element>, ctx: Context): boolean {
  if (inFlows.some((f) => deployFlow(f, byId))) return true;
  return inFlows.some((f) => ctx().graph.inFlows(f.from).some((g) => deployFlow(g, byId)));
}

/** Session 22: a route whose path says files but whose methods send none (reads, DELETE), so no upload now. */
const readOnlyUploadPath = (ep: Endpoint): boolean =>
  ep.kind !== 'upload' && ep.methods.length > 0 && inferEndpointKind(ep.route) === 'upload' && inferEndpointKind(ep.route, ep.methods) !== 'upload';

type Assets = ReadonlyMap<string, AnalysisResult['assets'][number]>;

/** The analysis context of the result's model, built on first use: the cases a rule's own test decides need it. */
type Context = () => AnalysisContext;

/** Endpoint cases: whether the rule no longer reports the endpoint by design. */
const ENDPOINT_RETIRED: Record<EndpointCase, (ep: Endpoint, e: Element, assets: Assets, ctx: Context) => boolean> = {
  'client-proof': (ep, _e, assets) => PROOF_KINDS.has(ep.kind) || (ep.accepts.length > 0 && ep.accepts.every((id) => {
    const a = assets.get(id);
    return a === undefined || a.integrity !== 'high' || clientProof(a);
  })),
  'admin-endpoint': (ep) => ep.kind === 'admin',
  'was-login': (ep) => ep.kind !== 'login' && OLD_LOGIN.test(ep.route),
  'signed-in-reset': (ep) => ep.kind === 'password-reset' && USER_CREDENTIALS.has(ep.auth),
  'otp-check': (ep) => ep.kind === 'otp',
  // Session 18: exposed-admin-interface leaves an admin API route to missing-authorization by this very test; its
  // evidence names only some routes, and a declared role check mitigates it without naming any.
  'admin-api-route': (ep, e, _assets, ctx) => ep.kind === 'admin' && !ep.public && functionLevelCase(ep, e, ctx()),
  // Session 22: the auth an edge in front states is the endpoint's (normalize.ts lendFlowAuth cites the edge's `auth`).
  'gate-auth': (ep) => !ep.public && authAskedInFront(ep),
  'read-only-upload-path': readOnlyUploadPath,
  'token-auth-route': tokenAuthRoute,
  // What users supply about themselves is no server-owned value; at least one such asset, the rest no server's either
  // (an endpoint taking only credentials is client-proof's, earlier in the table).
  'user-supplied': (ep, _e, assets) => {
    const accepted = ep.accepts.map((id) => assets.get(id));
    return accepted.some((a) => a !== undefined && a.integrity === 'high' && userSupplied(a))
      && accepted.every((a) => a === undefined || a.integrity !== 'high' || clientProof(a) || userSupplied(a));
  },
  'served-object-check': (ep, e, _assets, ctx) => servedControlled(ep, e, ctx, 'object-level-authorization'),
  'served-authentication': (ep, e, _assets, ctx) => servedControlled(ep, e, ctx, 'authentication'),
  // Session 23: the application behind that serves the edge's route declares it too (authorization.ts declaredBehind).
  'declared-behind': (ep, e, _assets, ctx) => isPassThrough(e) && declaredBehind(ctx(), e, ep),
  // Session 23: an admin route with no MFA of its own, taking the cookie that logins asking for MFA issue (facts.ts endpointMfa).
  'login-mfa': (ep, e, _assets, ctx) => ep.kind === 'admin' && !ctx().endpointHas(ep, 'mfa') && endpointMfa(ctx(), e, ep),
  // Session 23: an admin route only our applications call, whose people sign in to them with MFA (facts.ts signInsUpstream).
  'upstream-mfa': (ep, e, _assets, ctx) => ep.kind === 'admin' && !ctx().endpointHas(ep, 'mfa')
    && (signInsUpstream(ctx(), e, ep)?.every((app) => signInMfa(ctx(), app)) ?? false),
  // Session 23: a webhook route that normalize.ts webhookSubscription made a plain call.
  'webhook-subscription': (ep) => ep.kind === 'api' && namesWebhooks(ep.route) && inferEndpointKind(ep.route, ep.methods) === 'webhook',
  // Session 23: a route naming one export or download (normalize.ts namesOneExport) is a plain call.
  'one-object-export': (ep) => ep.kind !== 'export' && namesOneExport(ep.route),
  'token-exchange-route': (ep, e, _assets, ctx) => tokenExchangeRoute(ep, e, ctx),
  // An admin route whose `callers` nothing enforces, which missing-authorization reports (authorization.ts adminCallersCase).
  'admin-callers-unenforced': (ep, e, _assets, ctx) => adminCallersCase(ep, e, ctx()),
  'deploy-path-route': (_ep, e, _assets, ctx) => {
    const byId = ctx().graph.elements;
    return behindDeployFlow(ctx().graph.inFlows(e.id), byId, ctx);
  },
};

/**
 * Session 22: a route declared on a forwarding element whose every possible server declares the control (on
 * itself or its own copy of the route), as authorization.ts unlessServedControlled judges it.
 */
function servedControlled(ep: Endpoint, e: Element, ctx: Context, control: string): boolean {
  if (!isPassThrough(e)) return false;
  const servers = routeServers(ctx(), e, ep);
  return servers.length > 0 && servers.every((server) => serverControls(ctx(), server, ep, [control]).length > 0);
}

/** Element cases: whether the rule no longer reports the element by design. */
const ELEMENT_RETIRED: Record<ElementCase, (e: Element, inFlows: readonly Flow[], byId: ReadonlyMap<string, Element>, ctx: Context) => boolean> = {
  'cloud-api-store': (e, inFlows) => e.kind === 'store' && e.exposed !== true && e.traits.includes('cloud') && !e.traits.includes('sql')
    && inFlows.length > 0 && inFlows.every((f) => CLOUD_API_AUTH.has(f.auth)),
  'off-the-shelf': (e) => e.traits.includes('off-the-shelf') || e.traits.includes('mail-catcher'),
  'mail-catcher': (e) => e.traits.includes('mail-catcher'),
  'load-balancer': (e) => e.type === 'load-balancer',
  'vendor-idp': vendorIdentityProvider,
  // Session 19 (rules-imp): a cloud provider's broker, or one reached through its API, takes IAM-signed calls only.
  'iam-broker': (e, inFlows) => isBroker(e) && (e.traits.includes('cloud') || inFlows.some((f) => f.protocol === 'cloud-api')),
  'untyped-caller': (_e, inFlows, byId) => inFlows.some((f) => {
    const caller = byId.get(f.from);
    return caller !== undefined && caller.kind === 'external' && caller.type === undefined;
  }),
  'xml-capability': (e) => e.kind === 'process' && e.traits.includes('xml'),
  'template-capability': (e) => e.kind === 'process' && e.traits.includes('template-engine'),
  'deserialization-capability': (e) => e.kind === 'process' && e.traits.includes('object-deserialization'),
  'content-input': contentInputNarrowed,
  'provider-encrypted': (e) => providerEncryptsAtRest(e) !== undefined,
  // Session 22: an element whose only route named for login was one by name alone (token-auth-route).
  'token-auth-element': (e) => e.endpoints.some(tokenAuthRoute) && !e.endpoints.some((ep) => ENUMERABLE_KINDS.has(ep.kind)),
  'managed-gateway': (e) => managedGateway(e),
  'pull-deployer': (e, _inFlows, _byId, ctx) => e.type === 'ci-cd' && pullDeployer(ctx(), e) !== undefined,
  // Session 23: staff whose call into a shared forwarding element the model places on some of the processes behind.
  'staff-behind-edge': (e, _inFlows, _byId, ctx) => isPrivilegedPerson(e) && staffBehindTold(ctx(), e),
  'stores-documents': (e, _inFlows, _byId, ctx) => e.kind === 'process' && onlyStoresDocuments(ctx(), e),
  'no-firmware-delivery': (e, _inFlows, _byId, ctx) => e.type === 'device' && !receivesFirmware(ctx(), e),
  'vendor-page-server': (e, _inFlows, _byId, ctx) => e.kind === 'process' && crossOriginOnlyFromVendorApps(ctx(), e),
  'iam-cloud-store': (e, _inFlows, _byId, ctx) => e.kind === 'store' && accessedByCloudIdentity(ctx(), e),
  'secrets-vault': (e) => e.type === 'secrets-vault',
  'log-records-only': (e, inFlows, _byId, ctx) => {
    if (e.type !== 'logs') return false;
    const held = sensitive(assetList(ctx(), [...new Set([...e.stores, ...inFlows.flatMap((f) => f.data)])]));
    return held.length > 0 && held.every(isLogRecord);
  },
  'shipped-to-sinks': (e, _inFlows, _byId, ctx) => {
    const confidential = ctx().assetsOf(e.id).filter((a) => a.kind === 'data' && a.confidentiality === 'high');
    if (e.kind !== 'process' || confidential.length === 0) return false;
    const shipped = onlyShippedToSinks(ctx(), e);
    return confidential.every((a) => shipped.has(a.id));
  },
  // Session 24: an element whose only enumerable routes exchange a sign-in made elsewhere (token-exchange-route).
  'token-exchange-element': (e, _inFlows, _byId, ctx) => e.endpoints.some((ep) => tokenExchangeRoute(ep, e, ctx))
    && !e.endpoints.some((ep) => ENUMERABLE_KINDS.has(ep.kind) && !exchangesProviderSignIn(ctx(), e, ep)),
  // Session 24 (supply): a pipeline whose calls into our elements only download packages (supply-chain.ts isDeploy).
  'package-reads-only': (e, _inFlows, _byId, ctx) => {
    if (e.type !== 'ci-cd') return false;
    const out = ctx().graph.outFlows(e.id).filter((f) => f.to !== e.id);
    return out.some((f) => ctx().graph.elements.get(f.to)?.kind !== 'external') && out.every((f) => !isDeploy(ctx(), e, f));
  },
  'deploy-path': (_e, inFlows, byId, ctx) => behindDeployFlow(inFlows, byId, ctx),
  // Session 24 (auth2): a code host's trigger of a pipeline, which declares no open webhook route.
  'pipeline-trigger': (e) => e.type === 'ci-cd',
  // Session 24 (perimeter): what a browser never calls over HTTP, what takes no HTTP, a zone reached through a VPN.
  'no-browser-origin': (e, _inFlows, _byId, ctx) => e.kind === 'process' && !browserReached(ctx(), e),
  'no-http': (e, _inFlows, _byId, ctx) => !takesHttp(ctx(), e),
  'vpn-neighbours': (e, _inFlows, byId, ctx) => {
    if (e.kind !== 'store' || e.boundary === undefined) return false;
    const facing = [...byId.values()].filter((n) => n.kind === 'process' && n.boundary === e.boundary && ctx().exposure(n.id) === 'internet');
    return facing.length > 0 && facing.every((n) => ctx().elementHas(n, 'vpn'));
  },
  // Session 22: each admin route the element declares checks the caller's role itself.
  'route-role-checks': (e) => e.endpoints.some((ep) => ep.kind === 'admin') && e.endpoints.every((ep) => ep.kind !== 'admin' || ep.controls.includes('authorization')),
};

/** The old keys of the rule, not reported now, on every endpoint or element the case retires. */
function retiredCaseKeys(result: AnalysisResult, m: RetiredKeys, when: RetiredCase): KeyChange[] {
  const reported = new Set(result.threats.map((t) => t.key));
  const out: KeyChange[] = [];
  const push = (component: string) => {
    const oldKey = `${m.rule}@${component}`;
    if (!reported.has(oldKey)) out.push({ kind: 'retired', migration: m, oldKey });
  };
  let context: AnalysisContext | undefined;
  const ctx: Context = () => (context ??= resultContext(result));
  if (isElementCase(when)) {
    const byId = new Map(result.elements.map((e) => [e.id, e]));
    const inFlows = new Map<string, Flow[]>();
    for (const f of result.flows) {
      if (f.from === f.to) continue;
      const list = inFlows.get(f.to);
      if (list) list.push(f);
      else inFlows.set(f.to, [f]);
    }
    for (const e of result.elements) if (ELEMENT_RETIRED[when](e, inFlows.get(e.id) ?? [], byId, ctx)) push(e.id);
    return out;
  }
  const assets: Assets = new Map(result.assets.map((a) => [a.id, a]));
  for (const e of result.elements) for (const ep of e.endpoints) if (ENDPOINT_RETIRED[when](ep, e, assets, ctx)) push(ep.id);
  return out;
}

/** Contexts built, by result: several cases need one, and building it walks the whole model. */
const CONTEXTS = new WeakMap<AnalysisResult, AnalysisContext>();

/** The analysis context of the model a result was made from: its elements, flows and boundaries are the model's. */
function resultContext(result: AnalysisResult): AnalysisContext {
  let ctx = CONTEXTS.get(result);
  if (ctx === undefined) {
    const { file, system, boundaries, assets, elements, flows } = result;
    ctx = buildContext(buildGraph({ file, system, boundaries, assets, elements, flows, assumptions: [], threats: [] }), result.crossings);
    CONTEXTS.set(result, ctx);
  }
  return ctx;
}

/** Flow cases of session 19 (rules-imp): flows a rule no longer counts by design. */
type FlowCase = 'person-own-device' | 'no-cascade-call' | 'ssh-key-call' | 'managed-gateway-call' | 'provider-call';
function isFlowCase(when: RetiredKeys['when']): when is FlowCase {
  return when === 'person-own-device' || when === 'no-cascade-call' || when === 'ssh-key-call' || when === 'managed-gateway-call'
    || when === 'provider-call';
}

const FLOW_RETIRED: Record<FlowCase, (f: Flow, from: Element, to: Element) => boolean> = {
  'person-own-device': (_f, from, to) => personUsesProgram(from, to),
  'no-cascade-call': (f, from) => cannotCascade(from, f),
  // Session 20 (rules-fp): a call between two processes that authenticates with the caller's SSH key.
  'ssh-key-call': (f, from, to) => from.kind === 'process' && to.kind === 'process' && sshKeyCall(f, to),
  // Session 22: a managed API gateway's calls end at its own integration timeout.
  'managed-gateway-call': (f, from) => f.synchronous && managedGateway(from),
  // Session 24 (dual): a call to a provider is no-timeouts-external's wherever the model draws the provider.
  'provider-call': (f, _from, to) => f.synchronous && isProvider(to),
};

/** One retirement per rule, for the flows a flow case leaves out. A function declaration: KEY_MIGRATIONS calls it while the module loads. */
function flowRetirements(rules: readonly string[], when: FlowCase, note: string): RetiredKeys[] {
  return rules.map((rule) => ({ kind: 'retired', rule, since: '0.1.0', oldShape: `${rule}@source or ${rule}@boundary (grouped flows)`, when, note }));
}

/**
 * The group keys a retired flow was counted under (its source, the innermost boundary holding both ends, the
 * boundary it enters), for each such flow, when the rule reports nothing under that key now.
 */
function flowCaseKeys(result: AnalysisResult, m: RetiredKeys, when: FlowCase): KeyChange[] {
  const reported = new Set(result.threats.map((t) => t.key));
  const byId = new Map(result.elements.map((e) => [e.id, e]));
  const parents = new Map(result.boundaries.map((b) => [b.id, b.parent]));
  const out: KeyChange[] = [];
  const seen = new Set<string>();
  for (const f of result.flows) {
    const from = byId.get(f.from);
    const to = byId.get(f.to);
    if (from === undefined || to === undefined || f.from === f.to || !FLOW_RETIRED[when](f, from, to)) continue;
    for (const component of [f.from, sharedBoundary(parents, from.boundary, to.boundary), to.boundary]) {
      const oldKey = `${m.rule}@${component}`;
      if (component === undefined || seen.has(oldKey) || reported.has(oldKey)) continue;
      seen.add(oldKey);
      out.push({ kind: 'retired', migration: m, oldKey });
    }
  }
  return out;
}

/** The innermost boundary holding both boundaries (each its own chain of parents). */
function sharedBoundary(parents: ReadonlyMap<string, string | undefined>, a: string | undefined, b: string | undefined): string | undefined {
  const chainOf = (id: string | undefined) => {
    const chain: string[] = [];
    for (let at = id; at !== undefined && !chain.includes(at); at = parents.get(at)) chain.push(at);
    return chain;
  };
  const inB = new Set(chainOf(b));
  return chainOf(a).find((id) => inB.has(id));
}
