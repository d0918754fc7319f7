// No speculative threats from a technology's name alone (session 17's review, "speculative, tech-trait driven"
// and finding 8): a framework's trait is a capability; a tag, an endpoint, a flow or a sign-in method that
// carries the content is use. SQL and NoSQL injection rate likelihood High only when an endpoint takes input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insecureDeserialization, templateInjection, xxe } from '../../src/analysis/rules/injection.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, evidenceFacts as facts, MODEL_HEAD as HEAD, noThreat as none, onlyThreat as only } from './harness.js';


/** A partner calling a billing service whose element line (after `billing: `) each case writes. */
const billing = (element: string, more = '') =>
  `elements:\n  partner: { type: third-party }\n  billing: ${element}\n${more}flows:\n  - partner -> billing: https\n`;

describe('xxe: reported where the model shows XML arriving, not for Spring or .NET alone', () => {
  it('reports nothing for a Spring service with JSON endpoints, with none, or fed by a broker', () => {
    none(billing('{ tech: spring, endpoints: { POST /invoices: { auth: api-key } } }'), 'xxe');
    none(billing('{ tech: dotnet }'), 'xxe');
    none('elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  queue: { tech: rabbitmq }\n  ingest: { tech: spring }\nflows:\n  - visitor -> api: https\n  - api -> queue: amqps\n  - queue -> ingest: amqps\n', 'xxe');
  });

  it('reports a SOAP endpoint, Medium, with the endpoint as evidence', () => {
    const t = only(billing('{ tech: spring, endpoints: { POST /soap/invoices: { auth: api-key } } }'), 'xxe');
    assert.deepEqual(t.likelihood, { level: 'Medium', reason: 'the model shows where XML arrives: scanners send external entities there' });
    assert.deepEqual(facts(t).slice(0, 3), ['billing has the xml trait (spring)', 'billing is reachable from an untrusted zone', 'POST /soap/invoices names the content it takes']);
  });

  it('reports what a person tagged, Low (it says XML is parsed, not where), whatever the tech', () => {
    const t = only(billing('{ tech: express, tags: [xml] }'), 'xxe');
    assert.equal(t.likelihood.level, 'Low');
    assert.deepEqual(facts(t).slice(0, 2), ['billing is reachable from an untrusted zone', 'billing is tagged `xml`']);
    assert.deepEqual(t.evidence[1].path, 'elements.billing.tags[0]');
  });

  it('reports a SAML sign-in, an accepted SVG and a flow carrying XML documents', () => {
    const saml = only('elements:\n  visitor: { tech: browser }\n  portal: { type: web-app, tech: node, auth: saml }\nflows:\n  - visitor -> portal: https\n', 'xxe');
    assert.ok(facts(saml).includes('portal signs callers in with saml'), facts(saml).join('; '));
    const svg = only(`assets:\n  avatar: { name: SVG avatars }\n${billing('{ tech: spring, endpoints: { POST /avatars: { auth: jwt, accepts: [avatar] } } }')}`, 'xxe');
    assert.ok(facts(svg).includes('POST /avatars accepts SVG avatars'));
    const flow = only(`assets:\n  invoices: { name: XML invoices }\n${billing('{ tech: spring }').replace('partner -> billing: https', 'partner -> billing: { protocol: https, data: [invoices] }')}`, 'xxe');
    assert.ok(facts(flow).includes('partner sends XML invoices'));
  });

  it('takes a word only standing alone, and an endpoint only untrusted callers reach', () => {
    none(billing('{ tech: spring, endpoints: { POST /soapbox: { auth: jwt }, GET /samples: { auth: jwt } } }'), 'xxe');
    // The SOAP endpoint is the ERP's alone; the partner reaches only the JSON one.
    none(billing('{ tech: spring, endpoints: { POST /soap/orders: { auth: mtls, callers: [erp] }, POST /invoices: { auth: api-key } } }', '  erp: { type: service }\n').replace('flows:\n', 'flows:\n  - erp -> billing: mtls\n'), 'xxe');
  });

  it('leaves software run as shipped alone, even tagged', () => {
    none('elements:\n  visitor: { tech: browser }\n  mail: { tech: mailhog, tags: [xml] }\nflows:\n  - visitor -> mail: http\n', 'xxe');
  });
});

describe('template-injection: reported where callers send templates, not for Django or Flask alone', () => {
  const site = (element: string) => `elements:\n  visitor: { tech: browser }\n  site: ${element}\nflows:\n  - visitor -> site: https\n`;

  it('reports nothing for a Flask or Django app that renders pages (the voting app, crAPI\'s workshop)', () => {
    none(site('{ tech: flask, endpoints: { GET /: { public: true }, POST /: { public: true } } }'), 'template-injection');
    none(site('{ tech: django }'), 'template-injection');
  });

  it('reports an endpoint that takes templates, Medium, naming it', () => {
    const t = only(site('{ tech: flask, endpoints: { PUT /email-templates: { auth: session } } }'), 'template-injection');
    assert.deepEqual(t.likelihood, { level: 'Medium', reason: 'callers send templates: an engine without a sandbox runs what they write' });
    assert.ok(facts(t).includes('PUT /email-templates names the content it takes'));
  });

  it('reports an accepted asset named a template, and a person\'s tag (Low) on any tech', () => {
    const accepted = only(`assets:\n  layouts: { name: Report templates }\n${site('{ tech: rails, endpoints: { POST /reports: { auth: session, accepts: [layouts] } } }')}`, 'template-injection');
    assert.equal(accepted.likelihood.level, 'Medium');
    const tagged = only(site('{ tech: express, tags: [template-engine] }'), 'template-injection');
    assert.deepEqual(tagged.likelihood, { level: 'Low', reason: 'only where input becomes part of a template: needs a specific coding mistake' });
  });
});

describe('insecure-deserialization: reported where serialized objects arrive, not for a JVM or Celery alone', () => {
  const queue = (jobs: string) => `elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  queue: { tech: rabbitmq }\n  jobs: ${jobs}\nflows:\n  - visitor -> api: https\n  - api -> queue: amqps\n  - queue -> jobs: amqps\n`;

  it('reports nothing for Spring behind JSON endpoints nor Celery reading a queue', () => {
    none(billing('{ tech: spring, endpoints: { POST /invoices: { auth: api-key } } }'), 'insecure-deserialization');
    none(queue('{ tech: celery }'), 'insecure-deserialization');
  });

  it('reports Celery tagged `pickle` through the broker, Medium', () => {
    const t = only(queue('{ tech: celery, tags: [pickle] }'), 'insecure-deserialization');
    assert.equal(t.likelihood.level, 'Medium');
    assert.deepEqual(facts(t).slice(0, 3), ['jobs has the object-deserialization trait (celery)', 'consumes messages produced by exposed components', 'jobs is tagged `pickle`']);
  });

  it('reports a flow speaking RMI and a remoting endpoint, Medium', () => {
    const rmi = only(billing('{ tech: java }').replace('partner -> billing: https', 'partner -> billing: x-rmi'), 'insecure-deserialization');
    assert.equal(rmi.likelihood.level, 'Medium');
    assert.ok(facts(rmi).includes('partner sends x-rmi'));
    const remoting = only(billing('{ tech: spring, endpoints: { POST /remoting/orders: { auth: api-key } } }'), 'insecure-deserialization');
    assert.equal(remoting.likelihood.level, 'Medium');
  });
});

describe('command-injection still reports a converter on its own trait: running commands on input is its job', () => {
  it('reports ImageMagick reached through an API', () => {
    const t = only('elements:\n  visitor: { tech: browser }\n  api: { type: api }\n  thumbs: { tech: imagemagick }\nflows:\n  - visitor -> api: https\n  - api -> thumbs: https\n', 'command-injection');
    assert.equal(t.likelihood.level, 'Medium');
  });

  it('reports nothing for a framework without the trait', () => {
    none('elements:\n  visitor: { tech: browser }\n  api: { tech: spring }\nflows:\n  - visitor -> api: https\n', 'command-injection');
  });
});

describe('sql-injection and nosql-injection: likelihood High only when an endpoint takes input (finding 8)', () => {
  /** The minimal Terraform draft's shape: a load balancer, an instance group, a MySQL database, no data, no endpoints. */
  const draft = (endpoints = '', stores = '') =>
    `boundaries:\n  outside: { trust: untrusted }\n  vpc: { trust: internal }\nelements:\n  clients: { kind: external, type: user, in: outside }\n  lb: { tech: alb, in: vpc }\n  asg: { type: service, in: vpc${endpoints} }\n  db: { tech: mysql, in: vpc${stores} }\nflows:\n  - clients -> lb: http\n  - lb -> asg: http\n  - asg -> db: mysql\n`;

  it('rates a process that declares no endpoints Medium, saying why: the raw draft is Medium, not Critical', () => {
    const t = only(draft(), 'sql-injection');
    assert.deepEqual(t.likelihood, { level: 'Medium', reason: 'it declares no endpoints: nothing shows queries built from input (declare its endpoints to rate it)' });
    assert.equal(t.impact.level, 'Medium');
    assert.equal(t.risk, 'Medium');
    // With data named and still no endpoints: High, not Critical (crAPI's services behind their gateway).
    const named = only(`assets:\n  pii: { type: pii, classification: confidential }\n${draft('', ', stores: [pii]')}`, 'sql-injection');
    assert.equal(named.risk, 'High');
  });

  it('keeps High when a declared endpoint takes input', () => {
    const t = only(draft(', endpoints: { POST /orders: { auth: jwt } }'), 'sql-injection');
    assert.equal(t.likelihood.level, 'High');
    const mongo = only(draft(', endpoints: { GET /search: { public: true } }').replace('tech: mysql', 'tech: mongodb').replace('asg -> db: mysql', 'asg -> db: mongodb'), 'nosql-injection');
    assert.equal(mongo.likelihood.level, 'High');
  });
});

describe('triage entries about threats retired by tech-noise-s18 are retired, not stale', () => {
  const model = `${HEAD}elements:\n  visitor: { tech: browser }\n  billing: { tech: spring }\n  site: { tech: flask }\n  soap: { tech: spring, endpoints: { POST /soap: { auth: api-key } } }\n  api: { tech: express }\nflows:\n  - visitor -> billing: https\n  - visitor -> site: https\n  - visitor -> soap: https\n  - visitor -> api: https\n`;
  const r = analyzeText(model);

  it('retires the old keys of a framework\'s capability, each with its reason', () => {
    const old = ['xxe@billing', 'insecure-deserialization@billing', 'template-injection@site', 'insecure-deserialization@soap'];
    const changes = keyChanges(r, old);
    assert.deepEqual(old.map((k) => changes.get(k)?.kind), ['retired', 'retired', 'retired', 'retired']);
    assert.match(changes.get('xxe@billing')!.migration.note, /says nothing of input/);
    assert.match(changes.get('template-injection@site')!.migration.note, /not rendering input as a template/);
  });

  it('leaves a key still reported, and an element the trait never covered, alone', () => {
    assert.ok(r.threats.some((t) => t.key === 'xxe@soap'));
    assert.deepEqual([...keyChanges(r, ['xxe@soap', 'xxe@api', 'template-injection@api']).keys()], []);
  });
});

describe('the rules say the new behaviour', () => {
  it('states in each condition that the trait alone reports nothing, and in each rating where Medium comes from', () => {
    for (const rule of [xxe, templateInjection, insecureDeserialization]) {
      assert.match(rule.condition, /alone,? reports nothing/, rule.id);
      assert.match(rule.rating, /Medium when .*(endpoint|flow)/, rule.id);
    }
  });
});
