// Session 20 (rules-fp): three false positives a reviewer would strike. CSRF on endpoints declared public,
// unencrypted-store on cloud stores the provider always encrypts at rest, no-mutual-tls on key-authenticated SSH.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { TECHNOLOGIES } from '../../src/model/catalog.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { applyTriage, parseTriage } from '../../src/track/triage.js';
import {
  analyzeText, coverageCell, evidenceFacts as facts, loadText, MODEL_HEAD, noThreat as none, onlyThreat as only,
} from './harness.js';

// --- 1. CSRF on endpoints declared `public: true` -----------------------------------------------------------

const contactForm = (endpoints: string, elementAuth = '') =>
  `elements:\n  visitor: { tech: browser }\n  app:\n    type: web-app${elementAuth}\n    endpoints:\n${endpoints}flows:\n  - visitor -> app: { protocol: https, auth: session-cookie }\n`;
const CONTACT = '      POST /contact: { public: true }\n';

describe('normalised endpoints say whether `public` was written', () => {
  const endpoint = (body: string, key: string) => loadText(MODEL_HEAD + body).model!.elements.find((e) => e.id === 'app')!.endpoints.find((ep) => ep.key === key)!;

  it('sets declaredPublic for `public: true` and for the endpoint\'s own `auth: none`', () => {
    const body = contactForm(`${CONTACT}      POST /ping: { auth: none }\n`);
    assert.equal(endpoint(body, 'POST /contact').declaredPublic, true);
    assert.equal(endpoint(body, 'POST /ping').declaredPublic, true);
  });

  it('leaves it undefined where `public` only follows from no auth being stated, and out of the JSON result', () => {
    // A flow without auth: one with a cookie would lend the endpoint its auth (see flowauth-endpoint-auth).
    const body = contactForm('      POST /orders: {}\n').replace('{ protocol: https, auth: session-cookie }', 'https');
    const ep = endpoint(body, 'POST /orders');
    assert.equal(ep.public, true);
    assert.equal(ep.declaredPublic, undefined);
    const json = JSON.stringify(analyzeText(MODEL_HEAD + body).elements);
    assert.equal(json.includes('declaredPublic'), false);
  });
});

describe('cross-site-request-forgery: an endpoint written `public: true` is still judged', () => {
  // Importers write `public: true` where a spec documents no security (cookie-session apps rarely document their
  // cookie), so a declared-public endpoint on a cookie flow may well read the session: CSRF keeps reporting it.
  it('reports the declared-public state-changing endpoint on a cookie flow', () => {
    const t = only(contactForm(CONTACT), 'cross-site-request-forgery');
    assert.match(t.description, /POST \/contact/);
  });
  it('reports nothing without a state-changing endpoint', () => {
    none(contactForm('      GET /contact: { public: true }\n'), 'cross-site-request-forgery');
  });
});

// --- 2. unencrypted-store on stores the provider encrypts at rest -------------------------------------------

const store = (tech: string, extra = '') =>
  `assets:\n  pii: { classification: confidential }\nelements:\n  visitor: { tech: browser }\n  api: { type: api }\n  db: { tech: ${tech}, stores: [pii]${extra} }\nflows:\n  - visitor -> api: https\n  - api -> db: https\n`;

describe('catalogue: which stores the provider encrypts at rest by default', () => {
  it('marks the managed stores that encrypt by default, and no store where it is our setting', () => {
    const marked = Object.keys(TECHNOLOGIES).filter((t) => TECHNOLOGIES[t].encryptedAtRest !== undefined).sort();
    assert.deepEqual(marked, ['azure-blob', 'azure-mysql', 'azure-postgres', 'azure-sql', 'bigquery', 'cloud-sql', 'cosmosdb', 'dynamodb', 'firestore', 'gcs', 's3', 'sqs']);
    for (const t of ['aurora', 'postgres', 'redis', 'minio', 'mongodb']) assert.equal(TECHNOLOGIES[t].encryptedAtRest, undefined, t);
  });

  it('says the default in the note too, for docs/technologies.md', () => {
    assert.match(TECHNOLOGIES['azure-postgres'].note!, /no postgresql\.conf.*; Azure encrypts it at rest with service-managed keys/);
    assert.match(TECHNOLOGIES.s3.note!, /SSE-S3/);
  });
});

describe('unencrypted-store: a provider\'s default encryption at rest covers the store', () => {
  it('reports azure-blob, azure-postgres, s3 (any case) and dynamodb as mitigated, saying why', () => {
    for (const tech of ['azure-blob', 'azure-postgres', 'S3', 'dynamodb', 'gcs', 'cosmosdb']) none(store(tech), 'unencrypted-store');
    const cell = coverageCell(store('azure-postgres'), 'db', 'I');
    assert.equal(cell.status, 'mitigated');
    assert.deepEqual(cell.controls, ['encryption-at-rest']);
    assert.equal(cell.reason, 'stored data is encrypted by default (azure-postgres): Azure encrypts it at rest with service-managed keys, always');
  });

  it('still reports stores where encryption is ours to set: aurora, self-hosted postgres, redis', () => {
    for (const tech of ['aurora', 'postgres', 'redis']) assert.equal(only(store(tech), 'unencrypted-store').component, 'db');
  });

  it('reports the store again when the model says its data is not encrypted (encryption-at-rest-off)', () => {
    const t = only(store('azure-sql', ', tags: ["encryption-at-rest-off:main.tf:12"]'), 'unencrypted-store');
    assert.deepEqual(facts(t), ['db stores pii', 'db keeps its data unencrypted at rest (encryption-at-rest-off in main.tf:12)', 'no encryption-at-rest on db']);
    assert.match(t.mitigationSteps!.join('\n'), /SET ENCRYPTION ON.*transparent_data_encryption_enabled = true/);
  });

  it('a declared encryption-at-rest control keeps its own reason', () => {
    assert.equal(coverageCell(store('s3', ', controls: [encryption-at-rest]'), 'db', 'I').reason, 'stored data is encrypted');
  });
});

// --- 3. no-mutual-tls on SSH links ---------------------------------------------------------------------------

const deploy = (auth: string, protocol = 'ssh') =>
  `boundaries:\n  dev: { trust: internal }\nelements:\n  visitor: { tech: browser }\n  jenkins: { tech: jenkins, in: dev }\n  web: { type: web-server, in: dev }\nflows:\n  - visitor -> web: https\n  - jenkins -> web: { protocol: ${protocol}, auth: ${auth} }\n`;

describe('no-mutual-tls: an SSH key identifies the calling workload', () => {
  it('reports a key-authenticated ssh or sftp call as mitigated, naming the key', () => {
    none(deploy('ssh-key'), 'no-mutual-tls');
    none(deploy('ssh-key', 'sftp'), 'no-mutual-tls');
    // A boundary's mitigation shows on the elements its calls reach.
    const cell = coverageCell(deploy('ssh-key'), 'web', 'S');
    assert.equal(cell.status, 'mitigated');
    assert.equal(cell.reason, 'the service call identifies the calling workload (ssh-key)');
  });

  it('still reports a password-authenticated ssh call, with advice about keys, not mutual TLS', () => {
    const t = only(deploy('password'), 'no-mutual-tls');
    assert.equal(t.component, 'dev');
    assert.deepEqual(facts(t), ['jenkins -> web: ssh, auth password']);
    assert.match(t.mitigation, /key per calling service.*PasswordAuthentication no/);
    assert.doesNotMatch(t.mitigation, /mutual TLS/);
  });

  it('keeps the usual advice for calls over other protocols', () => {
    const t = only(deploy('password', 'https'), 'no-mutual-tls');
    assert.doesNotMatch(t.mitigation, /PasswordAuthentication/);
  });
});

// --- Key migrations ------------------------------------------------------------------------------------------

const retiredNote = (body: string, key: string): string | undefined => {
  const change = keyChanges(analyzeText(MODEL_HEAD + body), [key]).get(key);
  return change?.kind === 'retired' ? change.migration.note : undefined;
};

describe('key migrations of session 20 (rules-fp)', () => {
  it('retires unencrypted-store on a store its provider encrypts, not on one tagged unencrypted', () => {
    assert.match(retiredNote(store('azure-blob'), 'unencrypted-store@db') ?? '', /provider encrypts it at rest by default/);
    assert.equal(retiredNote(store('azure-blob', ', tags: [encryption-at-rest-off]'), 'unencrypted-store@db'), undefined);
    assert.equal(retiredNote(store('aurora'), 'unencrypted-store@db'), undefined);
  });

  it('retires no-mutual-tls group keys of key-authenticated calls, not of password ones', () => {
    assert.match(retiredNote(deploy('ssh-key'), 'no-mutual-tls@dev') ?? '', /SSH authenticates the calling service by its key/);
    assert.equal(retiredNote(deploy('password'), 'no-mutual-tls@dev'), undefined);
  });

  it('a triage decision on a retired key comes out retired, not stale', () => {
    const parsed = parseTriage('threats:\n  unencrypted-store@db: { status: accepted, reason: provider default }\n  no-mutual-tls@dev: { status: accepted, reason: keys }\n', 'm.triage.yaml');
    assert.ok(parsed.triage, JSON.stringify(parsed.diagnostics));
    const both = `${store('s3').replace('  api: { type: api }\n', '  api: { type: api }\n  jenkins: { tech: jenkins, in: dev }\n  web: { type: web-server, in: dev }\n')
      .replace('assets:', 'boundaries:\n  dev: { trust: internal }\nassets:')}  - jenkins -> web: { protocol: ssh, auth: ssh-key }\n`;
    const r: AnalysisResult = applyTriage(analyzeText(MODEL_HEAD + both), parsed.triage, { today: '2026-11-30' });
    assert.deepEqual(r.triage!.stale, []);
    assert.deepEqual(r.triage!.retired?.map((e) => e.oldKey).sort(), ['no-mutual-tls@dev', 'unencrypted-store@db']);
  });
});

describe('no-mutual-tls: an SSH key counts on SSH only (review s20)', () => {
  it('an https call stating ssh-key is still a weak service identity, and its key is not retired', () => {
    assert.equal(only(deploy('ssh-key', 'https'), 'no-mutual-tls').component, 'dev');
    assert.equal(retiredNote(deploy('ssh-key', 'https'), 'no-mutual-tls@dev'), undefined);
  });
});
