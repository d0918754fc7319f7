// Positive and negative fixtures for every built-in rule, ESLint-style: one small model per rule. `$C` marks
// the fact the negative fixture changes: the positive model gets `fill` there (default: nothing), the
// negative model gets `control`, and the rule must then report the component as mitigated by `mitigatedBy`
// (default: the control). `negatives` adds models where a fact the rule needs is absent.

export interface RuleFixture {
  rule: string;
  model: string;
  /** The component the threat is reported on (element, flow or boundary id). */
  component: string;
  /** The endpoint id (`element:key`) when the threat is about one endpoint. */
  endpoint?: string;
  control: string;
  fill?: string;
  mitigatedBy?: string;
  negatives?: Array<{ name: string; model: string }>;
}

const m = (body: string) => `threatmap: 1\nsystem: { name: Fixture }\n${body}`;

const BROWSER = '  visitor: { tech: browser }\n';
const PII = 'assets:\n  pii: { type: pii, classification: confidential }\n';

export const FIXTURES: RuleFixture[] = [
  // authentication
  {
    rule: 'session-hijacking', component: 'api', control: 'session-management',
    model: m(`elements:\n${BROWSER}  api: { type: api, auth: session-cookie, controls: [secure-cookies, $C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'not reachable from an untrusted zone', model: m('elements:\n  api: { type: api, auth: session-cookie }\n') }],
  },
  {
    rule: 'credential-stuffing', component: 'api', endpoint: 'api:/login', control: 'mfa',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /login: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    // s17: a one-time code check is guessed, not stuffed: either cap on guesses mitigates it.
    rule: 'otp-brute-force', component: 'api', endpoint: 'api:POST /auth/v2/check-otp', control: 'account-lockout',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /auth/v2/check-otp: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [
      { name: 'not reachable from an untrusted zone', model: m('elements:\n  api:\n    type: api\n    endpoints:\n      POST /auth/v2/check-otp: { public: true }\n') },
      { name: 'rate-limited', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /auth/v2/check-otp: { public: true, controls: [rate-limiting] }\nflows:\n  - visitor -> api: https\n`) },
    ],
  },
  {
    rule: 'missing-authentication', component: 'app', control: 'authentication',
    model: m(`${PII}elements:\n${BROWSER}  app: { type: api, handles: [pii], controls: [$C] }\nflows:\n  - visitor -> app: https\n`),
    negatives: [{
      name: 'a gateway in front authenticates',
      model: m(`${PII}elements:\n${BROWSER}  gw: { type: gateway, auth: jwt }\n  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> gw: https\n  - gw -> app: https\n`),
    }],
  },
  {
    // s17: a gateway's own `auth` does not cover calls that land on its endpoint that says public.
    rule: 'missing-authentication', component: 'app', control: 'authentication',
    model: m(`${PII}elements:\n${BROWSER}  gw:\n    type: gateway\n    auth: jwt\n    endpoints:\n      /api: {}\n      /login: { public: true }\n  app: { type: api, handles: [pii], controls: [$C] }\nflows:\n  - visitor -> gw: { protocol: https, endpoint: /login }\n  - gw -> app: https\n`),
    negatives: [{
      name: 'the call names the gateway endpoint that inherits its `auth: jwt`',
      model: m(`${PII}elements:\n${BROWSER}  gw:\n    type: gateway\n    auth: jwt\n    endpoints:\n      /api: {}\n      /login: { public: true }\n  app: { type: api, handles: [pii] }\nflows:\n  - visitor -> gw: { protocol: https, endpoint: /api }\n  - gw -> app: https\n`),
    }],
  },
  {
    rule: 'weak-authentication', component: 'api', control: 'ip-allowlist',
    model: m('elements:\n  partner: { type: third-party }\n  api: { type: api, controls: [$C] }\nflows:\n  - partner -> api: { protocol: https, auth: basic }\n'),
  },
  {
    rule: 'admin-without-mfa', component: 'api', endpoint: 'api:/admin', control: 'mfa',
    model: m('elements:\n  ops: { type: admin, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /admin: { auth: password, controls: [vpn, $C] }\nflows:\n  - ops -> api: https\n'),
    negatives: [{
      name: 'open to the internet (exposed-admin-interface reports it instead)',
      model: m('elements:\n  ops: { type: admin, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /admin: { auth: password }\nflows:\n  - ops -> api: https\n'),
    }],
  },
  {
    rule: 'insecure-password-reset', component: 'api', endpoint: 'api:/password/forgot', control: 'secure-password-reset',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /password/forgot: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    // s17: a signed-in user changing their password is not the reset flow.
    rule: 'insecure-password-reset', component: 'api', endpoint: 'api:POST /user/reset-password', control: 'secure-password-reset',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /user/reset-password: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{
      name: 'the caller signs in with a JWT (a password change)',
      model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /user/reset-password: { auth: jwt }\nflows:\n  - visitor -> api: https\n`),
    }],
  },
  {
    rule: 'missing-token-validation', component: 'api', control: 'token-validation',
    model: m('elements:\n  client: { type: third-party }\n  api: { type: api, auth: jwt, controls: [$C] }\nflows:\n  - client -> api: { protocol: https, auth: jwt }\n'),
  },
  {
    // authn-s18: the JWT signing key is a literal in the repository (as discover tags it).
    rule: 'forgeable-tokens', component: 'api', control: 'secrets-management',
    model: m('elements:\n  client: { type: third-party }\n  api: { type: api, auth: jwt, tags: [token-signing-key:docker-compose.yml:31], controls: [$C] }\nflows:\n  - client -> api: { protocol: https, auth: jwt }\n'),
    negatives: [{
      name: 'callers authenticate with an API key, which the key does not sign',
      model: m('elements:\n  client: { type: third-party }\n  api: { type: api, auth: api-key, tags: [token-signing-key:docker-compose.yml:31] }\nflows:\n  - client -> api: { protocol: https, auth: api-key }\n'),
    }],
  },
  {
    // authn-s18: a reset whose one-time code is guessed is one account takeover, on the element.
    rule: 'otp-brute-force', component: 'api', control: 'rate-limiting',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    controls: [$C]\n    endpoints:\n      POST /auth/forget-password: { public: true }\n      POST /auth/v2/check-otp: { public: true }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'unauthenticated-store-access', component: 'db', control: 'authentication',
    model: m(`${PII}elements:\n  api: { type: api }\n  db: { tech: mongodb, stores: [pii], controls: [$C] }\nflows:\n  - api -> db: mongodb+tls\n`),
    negatives: [{ name: 'the flow authenticates', model: m(`${PII}elements:\n  api: { type: api }\n  db: { tech: mongodb, stores: [pii] }\nflows:\n  - api -> db: { protocol: mongodb+tls, auth: password }\n`) }],
  },
  {
    // authn-s17: data whose integrity is high (votes pushed to an open Redis) is at stake in an open store.
    rule: 'unauthenticated-store-access', component: 'redis', control: 'authentication',
    model: m('assets:\n  votes: { type: business, classification: internal, integrity: high }\nelements:\n  vote: { type: web-app, handles: [votes] }\n  redis: { tech: redis, stores: [votes], controls: [$C] }\nflows:\n  - vote -> redis: { protocol: redis, data: [votes] }\n'),
    negatives: [{
      name: 'the data held is of medium integrity and not confidential',
      model: m('assets:\n  votes: { type: business, classification: internal, integrity: medium }\nelements:\n  vote: { type: web-app, handles: [votes] }\n  redis: { tech: redis, stores: [votes] }\nflows:\n  - vote -> redis: { protocol: redis, data: [votes] }\n'),
    }],
  },
  {
    rule: 'unauthenticated-device', component: 'ingest', control: 'authentication',
    model: m('elements:\n  sensor: { type: device }\n  ingest: { type: service, controls: [$C] }\nflows:\n  - sensor -> ingest: mqtts\n'),
  },
  {
    rule: 'unauthenticated-partner-call', component: 'api', control: 'ip-allowlist',
    model: m('elements:\n  carrier: { type: third-party }\n  api: { type: api, controls: [$C] }\nflows:\n  - carrier -> api: https\n'),
    negatives: [{
      name: 'a mail catcher\'s readers are exposed-mail-catcher\'s finding',
      model: m('boundaries:\n  outside: { trust: untrusted }\nelements:\n  clients: { kind: external, in: outside }\n  mail: { tech: mailhog }\nflows:\n  - clients -> mail: http\n'),
    }],
  },
  {
    rule: 'oauth-state-missing', component: 'api', endpoint: 'api:/oauth/callback', control: 'csrf-protection',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /oauth/callback: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    // s27: PKCE checked on the callback binds the code to the login that started it, as state does.
    rule: 'oauth-state-missing', component: 'api', endpoint: 'api:/oauth/callback', control: 'pkce',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /oauth/callback: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    // s27: a native app gets the code back through a redirect another app can claim; PKCE makes it useless there.
    rule: 'authorization-code-interception', component: 'app', control: 'pkce',
    model: m(`${PII}elements:\n  app: { tech: mobile-app, controls: [$C] }\n  idp: { tech: okta, controls: [mfa] }\n  api: { type: api, auth: jwt }\nflows:\n  - app -> idp: https\n  - app -> api: { protocol: https, data: [pii] }\n`),
    negatives: [
      { name: 'a mobile app calling a plain API (no identity provider)', model: m('elements:\n  app: { tech: mobile-app }\n  api: { type: api, auth: jwt }\nflows:\n  - app -> api: https\n') },
      { name: 'the identity provider requires PKCE', model: m('elements:\n  app: { tech: mobile-app }\n  idp: { tech: okta, controls: [pkce] }\nflows:\n  - app -> idp: https\n') },
      { name: 'the sign-in flow uses PKCE', model: m('elements:\n  app: { tech: mobile-app }\n  idp: { tech: keycloak }\nflows:\n  - app -> idp: { protocol: https, controls: [pkce] }\n') },
      { name: 'a single-page app in the browser is no native app', model: m('elements:\n  spa: { tech: react }\n  idp: { tech: auth0 }\nflows:\n  - spa -> idp: https\n') },
      { name: 'the app sends a password itself (no authorization code)', model: m('elements:\n  app: { tech: mobile-app }\n  idp: { tech: keycloak }\nflows:\n  - app -> idp: { protocol: https, auth: password }\n') },
      { name: 'a directory bind, not OAuth', model: m('elements:\n  app: { tech: mobile-app }\n  dir: { tech: active-directory }\nflows:\n  - app -> dir: ldaps\n') },
    ],
  },
  // service identity
  {
    rule: 'no-mutual-tls', component: 'mesh', control: 'mtls', fill: 'none',
    model: m('boundaries:\n  mesh: { trust: internal }\nelements:\n  orders: { type: service, in: mesh }\n  billing: { type: service, in: mesh }\nflows:\n  - orders -> billing: { protocol: https, auth: $C }\n'),
  },
  // authorization
  {
    rule: 'exposed-admin-interface', component: 'api', endpoint: 'api:/admin', control: 'vpn',
    model: m('elements:\n  ops: { type: admin, tech: browser }\n  api:\n    type: api\n    endpoints:\n      /admin: { auth: session-cookie, controls: [$C] }\nflows:\n  - ops -> api: https\n'),
  },
  {
    rule: 'exposed-admin-panel', component: 'backoffice', control: 'ip-allowlist',
    model: m('elements:\n  staff: { type: admin, tech: browser }\n  backoffice: { type: admin-panel, controls: [$C] }\nflows:\n  - staff -> backoffice: https\n'),
  },
  {
    rule: 'missing-authorization', component: 'app', control: 'authorization',
    model: m(`elements:\n${BROWSER}  app:\n    type: api\n    auth: session-cookie\n    controls: [vpn, $C]\n    endpoints:\n      /admin: {}\n      /orders: {}\nflows:\n  - visitor -> app: https\n`),
    negatives: [{ name: 'no admin endpoints', model: m(`elements:\n${BROWSER}  app:\n    type: api\n    auth: session-cookie\n    endpoints:\n      /orders: {}\nflows:\n  - visitor -> app: https\n`) }],
  },
  {
    // enum-s18: routes declared on a reverse proxy are served, and judged, by the one application behind it.
    rule: 'missing-authorization', component: 'backend', control: 'authorization',
    model: m(`elements:\n${BROWSER}  proxy:\n    type: reverse-proxy\n    auth: jwt\n    endpoints:\n      DELETE /admin/videos/{id}: {}\n      GET /videos: {}\n  backend: { type: api, controls: [$C] }\nflows:\n  - visitor -> proxy: https\n  - proxy -> backend: https\n`),
    negatives: [{ name: 'nothing that runs our code behind the proxy', model: m(`elements:\n${BROWSER}  proxy:\n    type: reverse-proxy\n    auth: jwt\n    endpoints:\n      DELETE /admin/videos/{id}: {}\n      GET /videos: {}\n  bucket: { tech: s3 }\nflows:\n  - visitor -> proxy: https\n  - proxy -> bucket: https\n`) }],
  },
  {
    rule: 'unauthenticated-object-change', component: 'api', endpoint: 'api:DELETE /users/{name}', control: 'authentication',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      DELETE /users/{name}: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [
      { name: 'a public read', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      GET /users/{name}: { public: true }\nflows:\n  - visitor -> api: https\n`) },
      { name: 'the change needs a login', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      DELETE /users/{name}: { auth: jwt }\nflows:\n  - visitor -> api: https\n`) },
      { name: 'a public POST (a sign-up, a contact form) creates, it changes nothing of others', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /messages: { public: true }\nflows:\n  - visitor -> api: https\n`) },
      { name: 'a webhook is judged by its own rules', model: m('elements:\n  psp: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      PUT /webhooks/payment: { public: true }\nflows:\n  - psp -> api: https\n') },
      { name: 'reachable from no untrusted zone', model: m('elements:\n  worker: { type: service }\n  api:\n    type: api\n    endpoints:\n      DELETE /cache/{key}: { public: true }\nflows:\n  - worker -> api: http\n') },
    ],
  },
  {
    // A public POST that takes data of high integrity: anyone creates or changes it.
    rule: 'unauthenticated-object-change', component: 'shop', endpoint: 'shop:POST /refunds', control: 'authentication',
    model: m(`assets:\n  orders: { type: financial, integrity: high }\nelements:\n${BROWSER}  shop:\n    type: api\n    handles: [orders]\n    endpoints:\n      POST /refunds: { accepts: [orders], controls: [$C] }\nflows:\n  - visitor -> shop: https\n`),
    negatives: [
      { name: 'a public POST of data of ordinary integrity (telemetry ingestion)', model: m(`assets:\n  readings: { type: telemetry }\nelements:\n${BROWSER}  ingest:\n    type: api\n    endpoints:\n      POST /readings: { public: true, accepts: [readings] }\nflows:\n  - visitor -> ingest: https\n`) },
      { name: 'a search by POST reads', model: m(`assets:\n  orders: { type: financial, integrity: high }\nelements:\n${BROWSER}  shop:\n    type: api\n    endpoints:\n      POST /orders/search: { public: true, accepts: [orders] }\nflows:\n  - visitor -> shop: https\n`) },
    ],
  },
  {
    // A public POST whose path says it changes who may do what, though the model names no data.
    rule: 'unauthenticated-object-change', component: 'api', endpoint: 'api:POST /users/{id}/roles', control: 'authentication',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /users/{id}/roles: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [
      { name: 'a public contact form', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /contact: { public: true }\nflows:\n  - visitor -> api: https\n`) },
      { name: 'a refund the caller must sign in for', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /refunds: {}\nflows:\n  - visitor -> api: https\n`) },
    ],
  },
  {
    rule: 'broken-object-level-authorization', component: 'api', endpoint: 'api:/profile', control: 'object-level-authorization',
    model: m(`${PII}elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /profile: { auth: jwt, returns: [pii], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'the data is public', model: m(`assets:\n  pii: { type: pii, classification: public }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /profile: { auth: jwt, returns: [pii] }\nflows:\n  - visitor -> api: https\n`) }],
  },
  {
    rule: 'broken-object-level-authorization', component: 'api', endpoint: 'api:GET /orders/{order_id}', control: 'object-level-authorization',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      GET /orders/{order_id}: { controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [
      { name: 'no object id in the path', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      GET /stats/{year}: null\nflows:\n  - visitor -> api: https\n`) },
      { name: 'an admin endpoint acts on any object by design', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      DELETE /admin/videos/{video_id}: null\nflows:\n  - visitor -> api: https\n`) },
      { name: 'a public endpoint checks no caller at all', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      GET /orders/{order_id}: { public: true }\nflows:\n  - visitor -> api: https\n`) },
    ],
  },
  {
    rule: 'shared-credentials', component: 'db', control: 'billing-db', fill: 'app-db', mitigatedBy: 'per-service credentials',
    model: m('elements:\n  orders: { type: service }\n  billing: { type: service }\n  db: { tech: postgres }\nflows:\n  - orders -> db: { protocol: sql+tls, auth: password, credential: app-db }\n  - billing -> db: { protocol: sql+tls, auth: password, credential: $C }\n'),
  },
  {
    rule: 'over-privileged-store-access', component: 'reports', control: 'least-privilege',
    model: m('assets:\n  cards: { classification: restricted }\nelements:\n  reports: { type: service, controls: [$C] }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - reports -> db: { protocol: sql+tls, auth: password }\n'),
    negatives: [{ name: 'the service uses the data', model: m('assets:\n  cards: { classification: restricted }\nelements:\n  reports: { type: service, handles: [cards] }\n  db: { tech: postgres, stores: [cards] }\nflows:\n  - reports -> db: { protocol: sql+tls, auth: password }\n') }],
  },
  {
    // A cache shared with another service: the restricted data there is the other's.
    rule: 'over-privileged-store-access', component: 'reports', control: 'least-privilege',
    model: m('assets:\n  cards: { classification: restricted }\nelements:\n  reports: { type: service, controls: [$C] }\n  billing: { type: service, handles: [cards] }\n  cache: { tech: redis, stores: [cards] }\nflows:\n  - reports -> cache: redis\n  - billing -> cache: redis\n'),
    negatives: [
      { name: 'the sessions of a service that keeps them in cookies', model: m('assets:\n  sessions: { type: session, classification: restricted }\nelements:\n  api: { type: api, auth: session-cookie }\n  db: { tech: postgres, stores: [sessions] }\nflows:\n  - api -> db: { protocol: sql+tls, auth: password }\n') },
      { name: 'a cache no other component uses', model: m('assets:\n  cards: { classification: restricted }\nelements:\n  reports: { type: service }\n  cache: { tech: redis, stores: [cards] }\nflows:\n  - reports -> cache: redis\n') },
    ],
  },
  {
    rule: 'excessive-cloud-permissions', component: 'deployer', control: 'least-privilege',
    model: m('elements:\n  deployer: { type: service, controls: [$C] }\n  provider: { type: third-party }\nflows:\n  - deployer -> provider: { protocol: cloud-api, auth: iam }\n'),
  },
  {
    // A Kubernetes API server: its words; a Role scoped on the call (least-privilege on the flow) limits it.
    rule: 'excessive-cloud-permissions', component: 'web', control: 'least-privilege',
    model: m('elements:\n  web: { type: service }\n  k8s: { name: Kubernetes API, tech: kubernetes-api }\nflows:\n  - web -> k8s: { protocol: https, auth: jwt, controls: [$C] }\n'),
  },
  {
    rule: 'privileged-process-exposed', component: 'agent', control: 'sandboxing',
    model: m(`elements:\n${BROWSER}  agent: { type: service, privileged: true, controls: [$C] }\nflows:\n  - visitor -> agent: https\n`),
  },
  {
    // threats-a-s17: an admin list returns every user's data by design: the function-level finding, not IDOR.
    rule: 'broken-object-level-authorization', component: 'api', endpoint: 'api:GET /users/all', control: 'object-level-authorization',
    model: m(`${PII}elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      GET /users/all: { returns: [pii], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'an admin list without an object id', model: m(`${PII}elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      GET /management/users/all: { returns: [pii] }\nflows:\n  - visitor -> api: https\n`) }],
  },
  {
    // threats-a-s17: a one-time code sent anonymously is the caller's proof, not data anyone changes.
    rule: 'unauthenticated-object-change', component: 'api', endpoint: 'api:POST /orders/import', control: 'authentication',
    model: m(`assets:\n  creds: { type: credentials, classification: restricted }\n  orders: { type: financial, integrity: high }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /orders/import: { public: true, accepts: [creds, orders], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'a public one-time-code check that takes only credentials', model: m(`assets:\n  creds: { type: credentials, classification: restricted }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /auth/v2/check-otp: { public: true, accepts: [creds] }\nflows:\n  - visitor -> api: https\n`) }],
  },
  // injection
  {
    rule: 'sql-injection', component: 'api', control: 'parameterized-queries',
    model: m(`elements:\n${BROWSER}  api: { type: api, controls: [$C] }\n  db: { tech: postgres }\nflows:\n  - visitor -> api: https\n  - api -> db: postgres+tls\n`),
    negatives: [{ name: 'off-the-shelf software writes its vendor\'s queries', model: m(`elements:\n${BROWSER}  mail: { tech: mailpit }\n  db: { tech: postgres }\nflows:\n  - visitor -> mail: https\n  - mail -> db: postgres+tls\n`) }],
  },
  {
    rule: 'nosql-injection', component: 'api', control: 'input-validation',
    model: m(`elements:\n${BROWSER}  api: { type: api, controls: [$C] }\n  db: { tech: mongodb }\nflows:\n  - visitor -> api: https\n  - api -> db: mongodb+tls\n`),
    negatives: [
      { name: 'a key-value cache is not a query language', model: m(`elements:\n${BROWSER}  api: { type: api }\n  cache: { tech: redis }\nflows:\n  - visitor -> api: https\n  - api -> cache: rediss\n`) },
      { name: 'a mail catcher\'s queries are its vendor\'s', model: m(`elements:\n${BROWSER}  mail: { tech: mailhog }\n  db: { tech: mongodb }\nflows:\n  - visitor -> mail: http\n  - mail -> db: mongodb\n`) },
    ],
  },
  {
    rule: 'ldap-injection', component: 'portal', control: 'output-encoding',
    model: m(`elements:\n${BROWSER}  portal: { type: web-app, controls: [$C] }\n  directory: { tech: active-directory }\nflows:\n  - visitor -> portal: https\n  - portal -> directory: ldaps\n`),
  },
  {
    rule: 'command-injection', component: 'thumbs', control: 'sandboxing',
    model: m(`elements:\n${BROWSER}  thumbs: { tech: imagemagick, controls: [$C] }\nflows:\n  - visitor -> thumbs: https\n`),
  },
  {
    rule: 'template-injection', component: 'site', control: 'sandboxing',
    // Callers send templates (tech-noise-s18): a framework's template engine alone reports nothing.
    model: m(`elements:\n${BROWSER}  site: { tech: flask, controls: [$C], endpoints: { PUT /email-templates: { auth: session } } }\nflows:\n  - visitor -> site: https\n`),
    negatives: [{ name: 'a framework that renders pages takes no templates from callers', model: m(`elements:\n${BROWSER}  site: { tech: flask }\nflows:\n  - visitor -> site: https\n`) }],
  },
  {
    rule: 'insecure-deserialization', component: 'jobs', control: 'safe-parsers',
    model: m(`elements:\n${BROWSER}  api: { type: api }\n  queue: { tech: rabbitmq }\n  jobs: { tech: celery, tags: [pickle], controls: [$C] }\nflows:\n  - visitor -> api: https\n  - api -> queue: amqps\n  - queue -> jobs: amqps\n`),
    negatives: [
      { name: 'no untrusted input reaches it', model: m('elements:\n  jobs: { tech: celery, tags: [pickle] }\n') },
      { name: 'a runtime that can deserialise, with nothing saying it does', model: m(`elements:\n${BROWSER}  api: { type: api }\n  queue: { tech: rabbitmq }\n  jobs: { tech: celery }\nflows:\n  - visitor -> api: https\n  - api -> queue: amqps\n  - queue -> jobs: amqps\n`) },
    ],
  },
  {
    rule: 'xxe', component: 'billing', control: 'safe-parsers',
    model: m('elements:\n  partner: { type: third-party }\n  billing: { tech: spring, controls: [$C], endpoints: { POST /soap/invoices: { auth: api-key } } }\nflows:\n  - partner -> billing: https\n'),
    negatives: [{ name: 'a framework that can parse XML, with no XML input', model: m('elements:\n  partner: { type: third-party }\n  billing: { tech: spring, endpoints: { POST /invoices: { auth: api-key } } }\nflows:\n  - partner -> billing: https\n') }],
  },
  {
    rule: 'log-injection', component: 'api', control: 'log-sanitization',
    model: m(`elements:\n${BROWSER}  api: { type: api, controls: [$C] }\n  logs: { type: logs }\nflows:\n  - visitor -> api: https\n  - api -> logs: https\n`),
  },
  {
    rule: 'path-traversal', component: 'api', endpoint: 'api:/files', control: 'input-validation',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /files: { auth: jwt, controls: [$C] }\n  share: { tech: nfs }\nflows:\n  - visitor -> api: https\n  - api -> share: nfs\n`),
  },
  // web
  {
    rule: 'web-cache-deception', component: 'cdn', control: 'cache-control',
    model: m(`${PII}elements:\n${BROWSER}  cdn: { tech: cloudfront, controls: [$C] }\n  app:\n    type: web-app\n    auth: session-cookie\n    endpoints:\n      GET /account: { returns: [pii] }\nflows:\n  - visitor -> cdn: https\n  - cdn -> app: https\n`),
    negatives: [{ name: 'token auth: a lure sends no bearer token', model: m(`${PII}elements:\n${BROWSER}  cdn: { tech: cloudfront }\n  app:\n    type: web-app\n    auth: jwt\n    endpoints:\n      GET /account: { returns: [pii] }\nflows:\n  - visitor -> cdn: https\n  - cdn -> app: https\n`) }],
  },
  {
    rule: 'cross-site-scripting', component: 'site', control: 'output-encoding',
    model: m(`elements:\n${BROWSER}  site: { type: web-app, controls: [$C] }\nflows:\n  - visitor -> site: https\n`),
    negatives: [{ name: 'a JSON API does not render pages', model: m(`elements:\n${BROWSER}  site: { type: api }\nflows:\n  - visitor -> site: https\n`) }],
  },
  {
    // A web server that proxies to the API (session 16): it may render what the API returns.
    rule: 'cross-site-scripting', component: 'site', control: 'content-security-policy',
    model: m('elements:\n  app: { tech: react }\n  site: { type: web-server, controls: [$C] }\n  api: { type: api, auth: jwt }\nflows:\n  - app -> site: https\n  - app -> api: https\n  - site -> api: https\n'),
    negatives: [{
      name: 'a web server that only serves a single-page app\'s files (the app calls the API itself)',
      model: m('elements:\n  app: { tech: react }\n  site: { type: web-server, endpoints: { GET /: { public: true } } }\n  api: { type: api, auth: jwt }\nflows:\n  - app -> site: https\n  - app -> api: https\n'),
    }],
  },
  {
    rule: 'dom-xss', component: 'app', control: 'content-security-policy',
    model: m('assets:\n  docs: { type: financial, classification: confidential }\nelements:\n  app: { tech: react, controls: [$C] }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /uploads: { accepts: [docs] }\n      /documents/{id}: { returns: [docs] }\nflows:\n  - app -> api: https\n'),
    negatives: [
      {
        name: 'a plain browser is a person\'s, with no app of ours in it',
        model: m('assets:\n  docs: { type: financial, classification: confidential }\nelements:\n  app: { tech: browser }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /uploads: { accepts: [docs] }\n      /documents/{id}: { returns: [docs] }\nflows:\n  - app -> api: https\n'),
      },
      {
        name: 'an app that reads only the public catalogue shows nothing users wrote',
        model: m('assets:\n  catalogue: { classification: public }\nelements:\n  app: { tech: vue }\n  api:\n    type: api\n    endpoints:\n      /products: { public: true, returns: [catalogue] }\nflows:\n  - app -> api: https\n'),
      },
      {
        name: 'the server-rendered app it calls reports cross-site-scripting for both',
        model: m('assets:\n  docs: { classification: confidential }\nelements:\n  app: { tech: react }\n  site:\n    tech: nextjs\n    endpoints:\n      POST /uploads: { accepts: [docs] }\nflows:\n  - app -> site: https\n'),
      },
    ],
  },
  {
    rule: 'cross-site-request-forgery', component: 'app', control: 'csrf-protection',
    model: m(`elements:\n${BROWSER}  app:\n    type: web-app\n    auth: session-cookie\n    controls: [$C]\n    endpoints:\n      POST /transfer: {}\nflows:\n  - visitor -> app: https\n`),
    negatives: [{ name: 'bearer tokens are not sent by the browser on their own', model: m(`elements:\n${BROWSER}  app:\n    type: web-app\n    auth: jwt\n    endpoints:\n      POST /transfer: {}\nflows:\n  - visitor -> app: https\n`) }],
  },
  {
    rule: 'cors-misconfiguration', component: 'api', control: 'cors-policy',
    model: m(`elements:\n${BROWSER}  site: { type: web-server }\n  api: { type: api, auth: jwt, controls: [$C] }\nflows:\n  - visitor -> site: https\n  - visitor -> api: https\n`),
    negatives: [{ name: 'same origin: the page server forwards to the API', model: m(`elements:\n${BROWSER}  cdn: { type: cdn }\n  api: { type: api, auth: jwt }\nflows:\n  - visitor -> cdn: https\n  - cdn -> api: https\n`) }],
  },
  {
    rule: 'open-redirect', component: 'site', endpoint: 'site:/redirect', control: 'redirect-allowlist',
    model: m(`elements:\n${BROWSER}  site:\n    type: web-app\n    endpoints:\n      /redirect: { public: true, controls: [$C] }\nflows:\n  - visitor -> site: https\n`),
  },
  // request integrity
  {
    rule: 'client-controlled-value', component: 'api', endpoint: 'api:POST /cart', control: 'server-side-validation',
    model: m(`assets:\n  prices: { integrity: high }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /cart: { auth: jwt, accepts: [prices], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'unsigned-webhook', component: 'api', endpoint: 'api:/hooks/billing', control: 'signature-verification',
    model: m('elements:\n  partner: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { public: true, controls: [$C] }\nflows:\n  - partner -> api: https\n'),
  },
  {
    rule: 'webhook-replay', component: 'api', endpoint: 'api:/hooks/billing', control: 'replay-protection',
    model: m('elements:\n  partner: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { auth: mtls, controls: [$C] }\nflows:\n  - partner -> api: https\n'),
    negatives: [
      { name: 'unsigned (unsigned-webhook reports it instead)', model: m('elements:\n  partner: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { public: true }\nflows:\n  - partner -> api: https\n') },
      { name: 'signed (unsigned-webhook\'s advice asks for the signed timestamp)', model: m('elements:\n  partner: { type: third-party }\n  api:\n    type: api\n    endpoints:\n      /hooks/billing: { public: true, controls: [signature-verification] }\nflows:\n  - partner -> api: https\n') },
    ],
  },
  {
    rule: 'unsafe-file-upload', component: 'api', endpoint: 'api:/upload', control: 'file-type-validation',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /upload: { auth: jwt, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'malware-upload', component: 'api', endpoint: 'api:/upload', control: 'malware-scanning',
    model: m(`assets:\n  docs: { classification: internal }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /upload: { auth: jwt, accepts: [docs], controls: [$C] }\n      /shared: { auth: jwt, returns: [docs] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'uploads are never passed on', model: m(`assets:\n  docs: { classification: internal }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /upload: { auth: jwt, accepts: [docs] }\nflows:\n  - visitor -> api: https\n`) }],
  },
  {
    // threats-a-s17: what a client proves itself with comes from the client by design.
    rule: 'client-controlled-value', component: 'api', endpoint: 'api:POST /cart', control: 'server-side-validation',
    model: m(`assets:\n  prices: { type: pricing, integrity: high }\n  creds: { type: credentials, classification: restricted }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /cart: { auth: jwt, accepts: [prices, creds], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [
      { name: 'a login takes the password it checks', model: m(`assets:\n  creds: { type: credentials, classification: restricted }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /auth/login: { public: true, accepts: [creds] }\nflows:\n  - visitor -> api: https\n`) },
      { name: 'credentials on a plain endpoint are the caller\'s proof', model: m(`assets:\n  creds: { type: credentials, classification: restricted }\nelements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /user/change-email: { accepts: [creds] }\nflows:\n  - visitor -> api: https\n`) },
    ],
  },
  // network
  {
    rule: 'server-side-request-forgery', component: 'api', endpoint: 'api:/preview', control: 'egress-filtering',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /preview: { auth: jwt, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'cloud-metadata-exposure', component: 'api', control: 'metadata-protection',
    model: m(`boundaries:\n  vpc: { kind: cloud }\nelements:\n${BROWSER}  api:\n    type: api\n    in: vpc\n    endpoints:\n      /fetch: { auth: jwt, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'not in the cloud', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /fetch: { auth: jwt }\nflows:\n  - visitor -> api: https\n`) }],
  },
  {
    rule: 'exposed-data-store', component: 'bucket', control: 'ip-allowlist',
    model: m('elements:\n  bucket: { tech: s3, exposed: true, controls: [$C] }\n'),
  },
  {
    rule: 'exposed-management-port', component: 'server', control: 'vpn',
    model: m('elements:\n  operator: { type: admin }\n  server: { type: service, controls: [$C] }\nflows:\n  - operator -> server: ssh\n'),
  },
  {
    rule: 'exposed-debugger', component: 'api', control: 'ip-allowlist',
    model: m(`elements:\n${BROWSER}  api: { type: api, tech: node, controls: [$C] }\nflows:\n  - visitor -> api: https\n  - visitor -> api: { id: inspector, protocol: debugger, port: 9229 }\n`),
    negatives: [{
      name: 'the debugger is not published (only the application port is)',
      model: m(`elements:\n${BROWSER}  api: { type: api, tech: node }\nflows:\n  - visitor -> api: { protocol: http, port: 9229 }\n`),
    }],
  },
  {
    rule: 'exposed-debug-endpoint', component: 'api', endpoint: 'api:/actuator', control: 'ip-allowlist',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /actuator: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'flat-network', component: 'db', control: 'ip-allowlist',
    model: m(`assets:\n  cards: { classification: restricted }\nboundaries:\n  net: { trust: internal }\nelements:\n${BROWSER}  app: { type: web-app, in: net }\n  db: { tech: postgres, in: net, stores: [cards], controls: [$C] }\nflows:\n  - visitor -> app: https\n  - app -> db: postgres+tls\n`),
    negatives: [{
      name: 'the store sits in its own data tier',
      model: m(`assets:\n  cards: { classification: restricted }\nboundaries:\n  net: { trust: internal }\n  data: { trust: restricted, kind: data-tier, in: net }\nelements:\n${BROWSER}  app: { type: web-app, in: net }\n  db: { tech: postgres, in: data, stores: [cards] }\nflows:\n  - visitor -> app: https\n  - app -> db: postgres+tls\n`),
    }],
  },
  {
    rule: 'missing-waf', component: 'app', control: 'waf',
    model: m(`${PII}elements:\n${BROWSER}  app: { type: web-app, handles: [pii], controls: [$C] }\nflows:\n  - visitor -> app: https\n`),
  },
  {
    // iac-s17: an instance security group open to the world behind a load balancer.
    rule: 'load-balancer-bypass', component: 'app', control: 'ip-allowlist',
    model: m(`elements:\n${BROWSER}  lb: { tech: alb }\n  app: { type: web-app, controls: [$C] }\nflows:\n  - visitor -> lb: https\n  - lb -> app: http\n  - visitor -> app: { protocol: http, port: 8080 }\n`),
    negatives: [
      { name: 'only the load balancer reaches the service', model: m(`elements:\n${BROWSER}  lb: { tech: alb }\n  app: { type: web-app }\nflows:\n  - visitor -> lb: https\n  - lb -> app: http\n`) },
      { name: 'a partner calls its own webhook directly', model: m(`elements:\n${BROWSER}  psp: { type: third-party }\n  lb: { tech: alb }\n  app:\n    type: web-app\n    endpoints:\n      /webhooks/payment: { public: true }\nflows:\n  - visitor -> lb: https\n  - lb -> app: http\n  - psp -> app: { protocol: https, endpoint: /webhooks/payment }\n`) },
    ],
  },
  {
    // threats-a-s17: S3 called anonymously is exposed; signed with IAM it is used as designed.
    rule: 'exposed-data-store', component: 'bucket', control: 'ip-allowlist',
    model: m('boundaries:\n  outside: { trust: untrusted }\nelements:\n  ops: { type: developer, in: outside }\n  bucket: { tech: s3, controls: [$C] }\nflows:\n  - ops -> bucket: { protocol: https, auth: none }\n'),
    negatives: [
      { name: 'an S3 bucket reached through the AWS API with IAM', model: m('boundaries:\n  outside: { trust: untrusted }\n  aws: { trust: internal, kind: cloud }\nelements:\n  ops: { type: developer, in: outside }\n  bucket: { tech: s3, in: aws }\nflows:\n  - ops -> bucket: { protocol: https, auth: iam }\n') },
      { name: 'a DynamoDB table reached with IAM', model: m('boundaries:\n  outside: { trust: untrusted }\nelements:\n  ops: { type: developer, in: outside }\n  locks: { tech: dynamodb }\nflows:\n  - ops -> locks: { protocol: https, auth: iam }\n') },
    ],
  },
  {
    // threats-a-s17: software run as shipped gets no WAF finding of its own.
    rule: 'missing-waf', component: 'app', control: 'waf',
    model: m(`${PII}elements:\n${BROWSER}  app: { type: web-app, handles: [pii], controls: [$C] }\nflows:\n  - visitor -> app: https\n`),
    negatives: [{ name: 'a mail catcher is its vendor\'s code', model: m(`${PII}elements:\n${BROWSER}  mail: { tech: mailhog, handles: [pii] }\nflows:\n  - visitor -> mail: http\n`) }],
  },
  // transport
  {
    rule: 'cleartext-tampering', component: 'api', control: 'https', fill: 'http', mitigatedBy: 'tls',
    model: m('elements:\n  api: { type: api }\n  orders: { type: service }\nflows:\n  - api -> orders: $C\n'),
  },
  {
    rule: 'cleartext-disclosure', component: 'api', control: 'https', fill: 'http', mitigatedBy: 'tls',
    model: m('elements:\n  api: { type: api }\n  orders: { type: service }\nflows:\n  - api -> orders: $C\n'),
  },
  {
    rule: 'missing-hsts', component: 'app', control: 'hsts',
    model: m(`elements:\n${BROWSER}  app: { type: web-app, auth: session-cookie, controls: [$C] }\nflows:\n  - visitor -> app: https\n`),
  },
  {
    rule: 'mobile-certificate-pinning', component: 'app', control: 'certificate-pinning',
    model: m('elements:\n  app: { tech: mobile-app, controls: [$C] }\n  api: { type: api }\nflows:\n  - app -> api: { protocol: https, auth: jwt }\n'),
  },
  {
    // The API's `auth` is how its callers authenticate: the app sends the JWT without restating it on the flow.
    rule: 'mobile-certificate-pinning', component: 'app', control: 'certificate-pinning',
    model: m('elements:\n  app: { tech: mobile-app, controls: [$C] }\n  api: { type: api, auth: jwt, endpoints: { /login: { public: true }, /devices: {} } }\nflows:\n  - app -> api: https\n'),
    negatives: [
      { name: 'the app carries only its own API key', model: m('elements:\n  app: { tech: mobile-app }\n  api: { type: api, auth: api-key }\nflows:\n  - app -> api: https\n') },
      { name: 'the endpoint it calls is public', model: m('elements:\n  app: { tech: mobile-app }\n  api: { type: api, auth: jwt, endpoints: { /login: { public: true } } }\nflows:\n  - app -> api: { protocol: https, endpoint: /login }\n') },
    ],
  },
  {
    // s27: SSH authenticates the server only against a host key the client already knows.
    rule: 'ssh-server-spoofing', component: 'export->partner', control: 'host-key-pinning',
    model: m('boundaries:\n  vpc: { trust: internal }\nassets:\n  statements: { type: financial, classification: confidential }\nelements:\n  export: { type: worker, in: vpc, handles: [statements], controls: [$C] }\n  partner: { name: Partner SFTP, type: third-party }\nflows:\n  - export -> partner: { protocol: sftp, auth: ssh-key, data: [statements] }\n'),
  },
  {
    // A password the client logs in with goes to whoever answers: reported without data, pinned on the flow.
    rule: 'ssh-server-spoofing', component: 'job->box', control: 'host-key-pinning',
    model: m('boundaries:\n  vpc: { trust: internal }\n  partner-net: { trust: untrusted }\nelements:\n  job: { type: worker, in: vpc }\n  box: { type: file-storage, in: partner-net }\nflows:\n  - job -> box: { protocol: ssh, auth: password, controls: [$C] }\n'),
    negatives: [
      { name: 'sftp to our own server in a trusted zone', model: m('boundaries:\n  vpc: { trust: internal }\nassets:\n  statements: { type: financial, classification: confidential }\nelements:\n  export: { type: worker, in: vpc }\n  files: { type: file-storage, in: vpc }\nflows:\n  - export -> files: { protocol: sftp, auth: password, data: [statements] }\n') },
      { name: 'ssh from a person (admin) to a server', model: m('boundaries:\n  partner-net: { trust: untrusted }\nassets:\n  statements: { type: financial, classification: confidential }\nelements:\n  ops: { type: admin }\n  box: { type: service, in: partner-net, handles: [statements] }\nflows:\n  - ops -> box: { protocol: ssh, auth: password, data: [statements] }\n') },
      { name: 'a key login that carries no data', model: m('elements:\n  job: { type: worker }\n  partner: { type: third-party }\nflows:\n  - job -> partner: { protocol: sftp, auth: ssh-key }\n') },
      { name: 'not ssh (https to a third party)', model: m('assets:\n  statements: { type: financial, classification: confidential }\nelements:\n  job: { type: worker }\n  partner: { type: third-party }\nflows:\n  - job -> partner: { protocol: https, auth: api-key, data: [statements] }\n') },
    ],
  },
  // information disclosure
  {
    rule: 'verbose-errors', component: 'api', control: 'generic-errors',
    model: m(`${PII}elements:\n${BROWSER}  api: { type: api, handles: [pii], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'account-enumeration', component: 'api', control: 'generic-responses',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /register: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'unauthenticated-sensitive-endpoint', component: 'api', endpoint: 'api:/customers', control: 'data-masking',
    model: m(`${PII}elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /customers: { public: true, returns: [pii], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'excessive-data-exposure', component: 'api', endpoint: 'api:/wallet', control: 'data-masking',
    model: m(`assets:\n  cards: { type: payment, classification: restricted }\nelements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /wallet: { auth: jwt, returns: [cards], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'exposed-mail-catcher', component: 'mail', control: 'ip-allowlist',
    model: m(`elements:\n${BROWSER}  mail: { tech: mailhog, controls: [$C] }\nflows:\n  - visitor -> mail: http\n`),
    negatives: [
      { name: 'not reachable from an untrusted zone', model: m('elements:\n  app: { type: service }\n  mail: { tech: mailpit }\nflows:\n  - app -> mail: smtp\n') },
      { name: 'its web UI asks for a login', model: m(`elements:\n${BROWSER}  mail: { tech: mailhog, auth: basic }\nflows:\n  - visitor -> mail: http\n`) },
      { name: 'a real mail service is no catcher', model: m(`elements:\n${BROWSER}  app: { type: service }\n  mail: { tech: smtp }\nflows:\n  - visitor -> app: https\n  - app -> mail: smtps\n`) },
    ],
  },
  {
    rule: 'api-key-in-client', component: 'api', control: 'least-privilege',
    model: m('elements:\n  app: { tech: mobile-app }\n  api: { type: api, controls: [$C] }\nflows:\n  - app -> api: { protocol: https, auth: api-key }\n'),
  },
  {
    // The key the target asks every caller for ships in the app all the same.
    rule: 'api-key-in-client', component: 'api', control: 'least-privilege',
    model: m('elements:\n  app: { tech: mobile-app }\n  api: { type: api, auth: api-key, controls: [$C] }\nflows:\n  - app -> api: https\n'),
    negatives: [{ name: 'the target asks users to sign in', model: m('elements:\n  app: { tech: mobile-app }\n  api: { type: api, auth: jwt }\nflows:\n  - app -> api: https\n') }],
  },
  {
    // threats-a-s17: a mail catcher's errors are its vendor's; a password change needs the user signed in.
    rule: 'verbose-errors', component: 'api', control: 'generic-errors',
    model: m(`${PII}elements:\n${BROWSER}  api: { type: api, handles: [pii], controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'a mail catcher is its vendor\'s code', model: m(`${PII}elements:\n${BROWSER}  mail: { tech: mailhog, handles: [pii] }\nflows:\n  - visitor -> mail: http\n`) }],
  },
  {
    rule: 'account-enumeration', component: 'api', control: 'generic-responses',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /password/forgot: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [
      { name: 'a password change for the signed-in user', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /user/reset-password: {}\nflows:\n  - visitor -> api: https\n`) },
      { name: 'a one-time-code check under /auth is no login', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /auth/v2/check-otp: { public: true }\nflows:\n  - visitor -> api: https\n`) },
    ],
  },
  // data at rest
  {
    rule: 'unencrypted-store', component: 'db', control: 'encryption-at-rest',
    model: m(`${PII}elements:\n  db: { tech: postgres, stores: [pii], controls: [$C] }\n`),
  },
  {
    rule: 'unencrypted-backups', component: 'snapshots', control: 'encryption-at-rest',
    model: m(`${PII}elements:\n  snapshots: { type: backups, stores: [pii], controls: [$C] }\n`),
  },
  {
    rule: 'backups-not-isolated', component: 'snapshots', control: 'immutable-backups',
    model: m('elements:\n  job: { type: worker }\n  snapshots: { type: backups, controls: [$C] }\nflows:\n  - job -> snapshots: https\n'),
  },
  {
    rule: 'no-backups', component: 'db', control: 'backups',
    model: m('assets:\n  ledger: { integrity: high }\nelements:\n  db: { tech: postgres, stores: [ledger], controls: [$C] }\n'),
  },
  {
    rule: 'sensitive-data-in-logs', component: 'logs', control: 'log-sanitization',
    model: m(`${PII}elements:\n  api: { type: api }\n  logs: { type: logs, controls: [$C] }\nflows:\n  - api -> logs: { protocol: https, data: [pii] }\n`),
  },
  {
    rule: 'unhashed-passwords', component: 'db', control: 'password-hashing',
    model: m('assets:\n  logins: { type: credentials, classification: restricted }\nelements:\n  db: { tech: postgres, stores: [logins], controls: [$C] }\n'),
  },
  {
    rule: 'secrets-in-config', component: 'api', control: 'secrets-management',
    model: m('elements:\n  api: { type: api, controls: [$C] }\n  db: { tech: postgres }\nflows:\n  - api -> db: { protocol: sql+tls, auth: password }\n'),
    negatives: [{ name: 'secrets come from a vault', model: m('elements:\n  api: { type: api }\n  db: { tech: postgres }\n  vault: { tech: vault }\nflows:\n  - api -> db: { protocol: sql+tls, auth: password }\n  - api -> vault: { protocol: https, auth: iam }\n') }],
  },
  // repudiation
  {
    rule: 'no-audit-log', component: 'api', control: 'audit-logging',
    model: m('elements:\n  ops: { type: admin }\n  api:\n    type: api\n    controls: [$C]\n    endpoints:\n      /admin: { auth: session-cookie }\nflows:\n  - ops -> api: https\n'),
  },
  {
    rule: 'mutable-logs', component: 'logs', control: 'tamper-evident-logs',
    model: m('elements:\n  api: { type: api }\n  logs: { type: logs, controls: [$C] }\nflows:\n  - api -> logs: https\n'),
  },
  {
    rule: 'shared-account', component: 'console', control: 'bob-own', fill: 'ops-root', mitigatedBy: 'personal accounts',
    model: m('elements:\n  alice: { type: admin }\n  bob: { type: admin }\n  console: { type: service }\nflows:\n  - alice -> console: { protocol: https, credential: ops-root }\n  - bob -> console: { protocol: https, credential: $C }\n'),
  },
  {
    rule: 'unsigned-partner-requests', component: 'api', control: 'request-signing',
    model: m('assets:\n  orders: { integrity: high }\nelements:\n  supplier: { type: third-party }\n  api: { type: api, controls: [$C] }\nflows:\n  - supplier -> api: { protocol: https, auth: api-key, data: [orders] }\n'),
  },
  // denial of service
  {
    rule: 'no-rate-limiting', component: 'api', endpoint: 'api:/search', control: 'rate-limiting',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /search: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [
      { name: 'a public logout', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      GET /user/logout: { public: true }\nflows:\n  - visitor -> api: https\n`) },
      { name: 'a public static file', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      GET /static/app.js: { public: true }\nflows:\n  - visitor -> api: https\n`) },
      {
        name: 'a chat widget\'s endpoint in front of an agent (llm-unbounded-consumption reports it: each request costs a model call)',
        model: m(`elements:\n${BROWSER}  widget:\n    type: web-app\n    endpoints:\n      POST /chat: { public: true }\n  agent: { tech: llm-agent }\n  llm: { tech: openai }\nflows:\n  - visitor -> widget: https\n  - widget -> agent: https\n  - agent -> llm: { protocol: https, auth: api-key }\n`),
      },
    ],
  },
  {
    // s17: with llm-unbounded-consumption disabled, the model endpoint's missing rate limit is reported here.
    rule: 'no-rate-limiting', component: 'assistant', endpoint: 'assistant:POST /chat', control: 'rate-limiting',
    model: m(`rules: { disable: [llm-unbounded-consumption] }\nelements:\n${BROWSER}  assistant:\n    tech: llm-agent\n    endpoints:\n      POST /chat: { public: true, controls: [$C] }\nflows:\n  - visitor -> assistant: https\n`),
    negatives: [{
      name: 'llm-unbounded-consumption runs and reports the same endpoint',
      model: m(`elements:\n${BROWSER}  assistant:\n    tech: llm-agent\n    endpoints:\n      POST /chat: { public: true }\nflows:\n  - visitor -> assistant: https\n`),
    }],
  },
  {
    rule: 'no-rate-limiting', component: 'api', endpoint: 'api:POST /diagnose', control: 'rate-limiting',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /diagnose: { kind: fetch, auth: jwt, controls: [egress-filtering, $C] }\nflows:\n  - visitor -> api: https\n`),
    negatives: [{ name: 'an ordinary endpoint behind login', model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      POST /diagnose: { auth: jwt }\nflows:\n  - visitor -> api: https\n`) }],
  },
  {
    rule: 'unbounded-query', component: 'api', endpoint: 'api:/search', control: 'pagination',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /search: { public: true, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'unbounded-upload', component: 'api', endpoint: 'api:/upload', control: 'size-limits',
    model: m(`elements:\n${BROWSER}  api:\n    type: api\n    endpoints:\n      /upload: { auth: jwt, controls: [$C] }\nflows:\n  - visitor -> api: https\n`),
  },
  {
    rule: 'no-circuit-breaker', component: 'mesh', control: 'circuit-breaker',
    model: m('boundaries:\n  mesh: { trust: internal }\nelements:\n  orders: { type: service, in: mesh, controls: [$C] }\n  payments: { type: service, in: mesh }\nflows:\n  - orders -> payments: https\n'),
  },
  {
    rule: 'no-timeouts-external', component: 'api', control: 'timeouts',
    model: m('elements:\n  api: { type: api, controls: [$C] }\n  mailer: { type: third-party }\nflows:\n  - api -> mailer: https\n'),
  },
  {
    rule: 'single-point-of-failure', component: 'db', control: 'redundancy',
    model: m('elements:\n  api: { type: api }\n  db: { tech: postgres, replicas: 1, controls: [$C] }\nflows:\n  - api -> db: postgres+tls\n'),
    negatives: [{ name: 'replicas not stated', model: m('elements:\n  api: { type: api }\n  db: { tech: postgres }\nflows:\n  - api -> db: postgres+tls\n') }],
  },
  {
    rule: 'cache-stampede', component: 'cache', control: 'request-coalescing',
    model: m('assets:\n  catalog: { classification: public }\nelements:\n  api: { type: api }\n  cache: { tech: redis, stores: [catalog], controls: [$C] }\n  db: { tech: postgres, stores: [catalog] }\nflows:\n  - api -> cache: rediss\n  - api -> db: postgres+tls\n'),
  },
  {
    rule: 'no-ddos-protection', component: 'web', control: 'ddos-protection',
    model: m(`assets:\n  uptime: { kind: resource, availability: high }\nelements:\n${BROWSER}  web: { type: web-server, controls: [$C] }\nflows:\n  - visitor -> web: https\n`),
    negatives: [{ name: 'availability is not rated high', model: m(`elements:\n${BROWSER}  web: { type: web-server }\nflows:\n  - visitor -> web: https\n`) }],
  },
  // supply chain and infrastructure
  {
    rule: 'pipeline-poisoning', component: 'ci', control: 'protected-branches',
    model: m('elements:\n  ci: { tech: github-actions, controls: [$C] }\n  api: { type: api }\nflows:\n  - ci -> api: https\n'),
  },
  {
    rule: 'pipeline-over-privileged', component: 'ci', control: 'least-privilege',
    model: m('elements:\n  ci: { tech: jenkins, controls: [$C] }\n  api: { type: api }\nflows:\n  - ci -> api: { protocol: https, auth: iam }\n'),
  },
  {
    rule: 'secrets-in-ci-cd', component: 'ci', control: 'secrets-management',
    model: m('elements:\n  ci: { tech: gitlab-ci, controls: [$C] }\n  server: { type: service }\nflows:\n  - ci -> server: { protocol: ssh, auth: ssh-key }\n'),
  },
  {
    rule: 'dependency-confusion', component: 'ci', control: 'dependency-pinning',
    model: m('elements:\n  ci: { tech: github-actions, controls: [$C] }\n'),
  },
  {
    rule: 'unsigned-images', component: 'registry', control: 'image-signing',
    model: m('elements:\n  ci: { tech: github-actions }\n  registry: { tech: ecr, controls: [$C] }\nflows:\n  - ci -> registry: https\n'),
  },
  {
    rule: 'unsigned-firmware-update', component: 'sensor', control: 'signature-verification',
    model: m('assets:\n  firmware: { name: Firmware images, integrity: high }\nelements:\n  sensor: { type: device, controls: [$C] }\n  ota: { type: service, handles: [firmware] }\nflows:\n  - sensor -> ota: { protocol: https, auth: mtls }\n'),
    negatives: [{
      name: 'a device that only sends telemetry receives no code',
      model: m('assets:\n  readings: { type: telemetry }\nelements:\n  sensor: { type: device }\n  ingest: { type: service, handles: [readings] }\nflows:\n  - sensor -> ingest: { protocol: mqtts, auth: mtls, data: [readings] }\n'),
    }],
  },
  {
    rule: 'signing-key-in-pipeline', component: 'ci', control: 'human-approval',
    model: m('assets:\n  fw-key: { name: Firmware signing key, type: secrets }\nelements:\n  ci: { tech: github-actions, controls: [$C] }\n  signer: { type: secrets-vault, stores: [fw-key] }\nflows:\n  - ci -> signer: https\n'),
    negatives: [{
      name: 'a pipeline with no signing key and no firmware that devices verify signs nothing',
      model: m('elements:\n  ci: { tech: github-actions }\n  api: { type: api }\nflows:\n  - ci -> api: https\n'),
    }],
  },
  {
    // s28: fork pull requests of a public repository run on runners inside our network.
    rule: 'fork-pr-self-hosted-runner', component: 'runners', control: 'fork-pr-approval',
    model: m('boundaries:\n  internet: { trust: untrusted }\n  ci: { trust: internal }\nassets:\n  keys: { type: secrets, classification: restricted }\nelements:\n  contributor: { type: user, in: internet }\n  github: { type: third-party, tech: github, in: internet }\n  runners: { tech: github-actions, in: ci, handles: [keys], controls: [protected-branches, $C] }\nflows:\n  - contributor -> github: https\n  - github -> runners: https\n'),
    negatives: [
      {
        name: 'only our developers contribute',
        model: m('boundaries:\n  internet: { trust: untrusted }\n  ci: { trust: internal }\nelements:\n  dev: { type: developer, in: internet }\n  github: { type: third-party, tech: github, in: internet }\n  runners: { tech: github-actions, in: ci }\nflows:\n  - dev -> github: https\n  - github -> runners: https\n'),
      },
      {
        name: 'hosted runners outside our zones',
        model: m('boundaries:\n  internet: { trust: untrusted }\nelements:\n  contributor: { type: user, in: internet }\n  github: { type: third-party, tech: github, in: internet }\n  runners: { tech: github-actions, in: internet }\nflows:\n  - contributor -> github: https\n  - github -> runners: https\n'),
      },
    ],
  },
  {
    rule: 'signed-url-leakage', component: 'bucket', control: 'short-lived-credentials',
    model: m('boundaries:\n  internet: { trust: untrusted }\nelements:\n  customer: { type: user, in: internet }\n  bucket: { tech: s3, controls: [$C] }\nflows:\n  - customer -> bucket: { protocol: https, auth: signature }\n'),
    negatives: [
      { name: 'a partner signing with its own keys', model: m('boundaries:\n  internet: { trust: untrusted }\nelements:\n  partner: { type: third-party, in: internet }\n  bucket: { tech: s3 }\nflows:\n  - partner -> bucket: { protocol: https, auth: signature }\n') },
      { name: 'IAM calls, no link', model: m('boundaries:\n  internet: { trust: untrusted }\nelements:\n  customer: { type: user, in: internet }\n  bucket: { tech: s3 }\nflows:\n  - customer -> bucket: { protocol: https, auth: iam }\n') },
    ],
  },
  {
    rule: 'third-party-data-sharing', component: 'api->crm', control: 'data-minimization',
    model: m('assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  api: { type: api, controls: [$C] }\n  crm: { type: third-party }\nflows:\n  - api -> crm: { protocol: https, data: [pii] }\n'),
    negatives: [
      { name: 'a payment processor takes the payment data it exists for', model: m('assets:\n  card: { type: payment, classification: restricted }\nelements:\n  api: { type: api }\n  psp: { tech: stripe }\nflows:\n  - api -> psp: { protocol: https, auth: api-key, data: [card] }\n') },
      { name: 'a language model is llm-data-leakage\'s', model: m('assets:\n  pii: { type: pii, classification: confidential }\nelements:\n  api: { type: api }\n  model: { tech: openai }\nflows:\n  - api -> model: { protocol: https, auth: api-key, data: [pii] }\n') },
    ],
  },
  {
    rule: 'cloud-console-without-mfa', component: 'console', control: 'mfa',
    model: m('elements:\n  ops: { type: admin }\n  console: { tech: aws-console, controls: [$C] }\nflows:\n  - ops -> console: https\n'),
  },
  {
    rule: 'privileged-container', component: 'agent', control: 'sandboxing',
    model: m('boundaries:\n  cluster: { kind: container }\nelements:\n  agent: { type: service, in: cluster, privileged: true, controls: [$C] }\n'),
  },
  {
    rule: 'container-escape', component: 'cluster', control: 'sandboxing',
    model: m(`assets:\n  cards: { classification: restricted }\nboundaries:\n  cluster: { kind: container, controls: [$C] }\nelements:\n${BROWSER}  web: { type: web-app, in: cluster }\n  ledger: { type: service, in: cluster, handles: [cards] }\nflows:\n  - visitor -> web: https\n`),
  },
  // human surface
  {
    rule: 'privileged-user-phishing', component: 'ops', control: 'mfa',
    model: m('elements:\n  ops: { type: admin }\n  tools: { type: service, controls: [$C] }\nflows:\n  - ops -> tools: https\n'),
  },
  {
    rule: 'support-social-engineering', component: 'agent', control: 'identity-verification',
    model: m(`${PII}elements:\n  agent: { type: support-staff }\n  crm: { type: service, handles: [pii], controls: [mfa, $C] }\nflows:\n  - agent -> crm: https\n`),
  },
  {
    rule: 'insider-data-access', component: 'dev', control: 'audit-logging',
    model: m(`${PII}elements:\n  dev: { type: developer }\n  db: { tech: postgres, stores: [pii], controls: [$C] }\nflows:\n  - dev -> db: postgres+tls\n`),
  },
  {
    // s24: support staff reverse payments in a back office that asks no second person to approve.
    rule: 'missing-dual-control', component: 'backoffice', control: 'human-approval',
    model: m('elements:\n  agent: { type: support-staff }\n  backoffice:\n    type: admin-panel\n    auth: oidc\n    controls: [mfa]\n    endpoints:\n      POST /payments/{id}/reverse: { controls: [$C] }\nflows:\n  - agent -> backoffice: https\n'),
    negatives: [{
      name: 'a customer\'s refund on an application staff share with customers',
      model: m('elements:\n  shopper: { type: user }\n  ops: { type: admin }\n  api:\n    type: api\n    auth: jwt\n    endpoints:\n      POST /orders/{id}/refund: {}\nflows:\n  - shopper -> api: https\n  - ops -> api: https\n'),
    }],
  },
  // LLM and agents
  {
    rule: 'prompt-injection', component: 'assistant', control: 'prompt-isolation',
    model: m(`elements:\n${BROWSER}  assistant: { tech: llm-agent, controls: [$C] }\nflows:\n  - visitor -> assistant: https\n`),
  },
  {
    rule: 'llm-excessive-agency', component: 'agent', control: 'human-approval',
    model: m('elements:\n  agent: { tech: llm-agent, controls: [$C] }\n  tickets: { tech: postgres }\nflows:\n  - agent -> tickets: postgres+tls\n'),
  },
  {
    rule: 'llm-data-leakage', component: 'chat', control: 'data-masking',
    model: m(`${PII}elements:\n  chat: { type: api, controls: [$C] }\n  model: { tech: openai }\nflows:\n  - chat -> model: { protocol: https, auth: api-key, data: [pii] }\n`),
  },
  {
    rule: 'llm-insecure-output', component: 'chat', control: 'output-encoding',
    model: m(`elements:\n${BROWSER}  chat: { type: api, controls: [$C] }\n  model: { tech: openai }\nflows:\n  - visitor -> chat: https\n  - chat -> model: { protocol: https, auth: api-key }\n`),
  },
  {
    rule: 'llm-unbounded-consumption', component: 'assistant', control: 'rate-limiting',
    model: m(`elements:\n${BROWSER}  assistant: { tech: llm-agent, controls: [$C] }\nflows:\n  - visitor -> assistant: https\n`),
  },
  {
    // Through a chat widget in front of the agent (session 16): the rate limit belongs on the widget's endpoint.
    rule: 'llm-unbounded-consumption', component: 'agent', control: 'rate-limiting',
    model: m(`elements:\n${BROWSER}  widget:\n    type: web-app\n    endpoints:\n      POST /chat: { public: true, controls: [$C] }\n  agent: { tech: llm-agent }\n  llm: { tech: openai }\nflows:\n  - visitor -> widget: https\n  - widget -> agent: https\n  - agent -> llm: { protocol: https, auth: api-key }\n`),
  },
  // queues and event buses
  {
    rule: 'unauthenticated-broker', component: 'events', control: 'authentication',
    model: m('elements:\n  orders: { type: service }\n  billing: { type: service }\n  events: { tech: kafka, controls: [$C] }\nflows:\n  - orders -> events: kafka+tls\n  - events -> billing: kafka+tls\n'),
    negatives: [{
      // s27: a delivery is read over the consumer's own connection, whose credentials are the ones that count.
      name: 'every client, the consumer too, connects with a certificate',
      model: m('elements:\n  orders: { type: service }\n  billing: { type: service }\n  events: { tech: kafka }\nflows:\n  - orders -> events: { protocol: kafka+tls, auth: mtls }\n  - billing -> events: { protocol: kafka+tls, auth: mtls }\n  - events -> billing: kafka+tls\n'),
    }],
  },
  {
    rule: 'unconfined-broker-clients', component: 'broker', control: 'authorization',
    model: m('assets:\n  commands: { integrity: high }\nelements:\n  sensor: { type: device }\n  broker: { tech: mosquitto, controls: [$C] }\n  ingest: { type: service }\nflows:\n  - sensor -> broker: { protocol: mqtts, auth: mtls }\n  - broker -> sensor: { protocol: mqtts, auth: mtls, data: [commands] }\n  - broker -> ingest: { protocol: mqtts, auth: mtls }\n'),
    negatives: [{
      name: 'clients that connect without credentials (unauthenticated-broker reports them)',
      model: m('elements:\n  sensor: { type: device }\n  broker: { tech: mosquitto }\nflows:\n  - sensor -> broker: mqtts\n'),
    }],
  },
  {
    rule: 'unsigned-events', component: 'events', control: 'request-signing',
    model: m(`assets:\n  payments: { integrity: high }\nelements:\n${BROWSER}  api: { type: api }\n  ledger: { type: service }\n  events: { tech: sns, controls: [authentication, $C] }\nflows:\n  - visitor -> api: https\n  - api -> events: { protocol: https, auth: iam, data: [payments] }\n  - events -> ledger: { protocol: https, auth: iam, data: [payments] }\n`),
  },
  {
    rule: 'poison-message', component: 'jobs', control: 'dead-letter-queue',
    model: m('elements:\n  jobs: { tech: sqs, controls: [$C] }\n  worker: { type: worker }\nflows:\n  - jobs -> worker: { protocol: https, auth: iam }\n'),
  },
  {
    rule: 'queue-flooding', component: 'jobs', control: 'size-limits',
    model: m(`elements:\n${BROWSER}  api: { type: api }\n  jobs: { tech: rabbitmq, controls: [$C] }\nflows:\n  - visitor -> api: https\n  - api -> jobs: { protocol: amqps, auth: password }\n`),
  },
];
