// Session 27 (review a): a server written with what its pages are built in (`tech: react`) is warned about, as it
// turns into the user's browser; common spellings of technologies (`PostgreSQL`, `k8s`) are read as the catalogue's
// names; job-like types are suggested `worker`; a job that reads a store and sends on is not "without inputs".
// Each behaviour has a positive and a negative case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { ELEMENT_TYPES, TECH_ALIASES, TECHNOLOGIES, techName } from '../../src/model/catalog.js';
import { loadModel } from '../../src/model/load.js';
import type { Diagnostic } from '../../src/model/types.js';
import { lineOf } from './helpers.js';

const HEAD = 'threatmap: 1\nsystem: { name: t }\n';
const load = (text: string) => loadModel(text, 'm.yaml');
const coded = (list: readonly Diagnostic[], code: string) => list.filter((d) => d.code === code);

/** The reviewer's dashboard (t5): an operator on the internet calls a server in the cloud boundary. */
const dashboard = (element: string) => `${HEAD}boundaries:
  internet: { trust: untrusted }
  cloud: { trust: internal }
assets:
  telemetry: { name: Telemetry, classification: internal }
elements:
  operator: { type: admin, in: internet }
  dashboard: ${element}
  tsdb: { tech: influxdb, in: cloud, stores: [telemetry] }
flows:
  - operator -> dashboard: https
  - dashboard -> tsdb: { protocol: https, auth: api-key }
`;

describe('server-as-user-agent: a browser or mobile technology on an element that a server\'s fields describe', () => {
  it('warns at the field, naming the element and the field, and says what to write for the server', () => {
    const text = dashboard('{ name: Dashboard, tech: react, in: cloud, auth: oidc, handles: [telemetry], endpoints: { /devices: { returns: [telemetry] } } }');
    const [d, ...more] = coded(load(text).diagnostics, 'server-as-user-agent');
    assert.deepEqual(more, []);
    assert.equal(d.severity, 'warning');
    assert.equal(d.path, 'elements.dashboard.endpoints');
    assert.equal(d.line, lineOf(text, 'dashboard: {'));
    assert.equal(d.col, text.split('\n')[d.line - 1].indexOf('endpoints:') + 1);
    assert.equal(d.message, '`dashboard` has `endpoints`, as a server does, but `tech: react` makes it the app in the user\'s browser (type `user-agent`): the rules treat it as a client, not a server');
    assert.match(d.hint ?? '', /^for the server, write `type: web-app` \(or `admin-panel`, `api`\) without `tech: react`, or a server technology such as `nextjs` or `node`/);
  });

  it('names the first of endpoints and auth it finds, in that order; data handled or kept on the client is no sign', () => {
    const path = (element: string) => coded(load(dashboard(element)).diagnostics, 'server-as-user-agent').map((d) => d.path);
    assert.deepEqual(path('{ tech: react, in: cloud, endpoints: { /devices: {} }, auth: oidc }'), ['elements.dashboard.endpoints']);
    assert.deepEqual(path('{ tech: Browser, in: cloud, auth: session-cookie }'), ['elements.dashboard.auth']);
    assert.deepEqual(path('{ tech: vue, in: cloud, handles: [telemetry] }'), []);
    assert.deepEqual(path('{ tech: mobile-app, in: cloud, stores: [telemetry] }'), []);
    const [mobile] = coded(load(dashboard('{ tech: ios, auth: jwt }')).diagnostics, 'server-as-user-agent');
    assert.match(mobile.message, /makes it the app on the user's device/);
  });

  it('warns too when a process type stands beside the technology, whose browser trait the rules still read', () => {
    const text = dashboard('{ type: admin-panel, tech: react, in: cloud, auth: oidc, endpoints: { /admin: {} } }');
    const [d] = coded(load(text).diagnostics, 'server-as-user-agent');
    assert.equal(d.path, 'elements.dashboard.endpoints');
    assert.equal(d.message, '`dashboard` has `endpoints` and `type: admin-panel`, but `tech: react` still gives it the `browser` trait: rules take it for the app in the user\'s browser');
    assert.match(d.hint ?? '', /^drop `tech: react` \(the type says what the server is\)/);
  });

  it('the hint is what works: `type: web-app` without the technology is a server, and the warning goes', () => {
    const fixed = dashboard('{ name: Dashboard, type: web-app, in: cloud, auth: oidc, handles: [telemetry], endpoints: { /devices: { returns: [telemetry] } } }');
    const loaded = load(fixed);
    assert.deepEqual(coded(loaded.diagnostics, 'server-as-user-agent'), []);
    const r = analyze(loaded.model!, { source: loaded.source });
    const rules = new Set(r.threats.map((t) => t.ruleId));
    assert.ok(rules.has('cross-site-scripting'), [...rules].join(', '));
    assert.ok(!rules.has('api-key-in-client'), 'the server\'s key is no key shipped to users');
  });

  it('says nothing about a browser or app with none of those fields, or with `auth: none`', () => {
    for (const element of ['{ tech: react, in: cloud }', '{ tech: browser, in: internet, auth: none }', '{ tech: mobile-app, endpoints: {} }']) {
      assert.deepEqual(coded(load(dashboard(element)).diagnostics, 'server-as-user-agent'), [], element);
    }
  });

  it('says nothing when only people\'s flows reach it: a person using their own browser or app is drawn that way', () => {
    assert.deepEqual(coded(load(dashboard('{ tech: react, in: internet }')).diagnostics, 'server-as-user-agent'), []);
  });

  it('says nothing about a person\'s type beside the app\'s technology (who uses the app), a device, nor server technologies', () => {
    for (const element of [
      '{ type: admin, tech: react, handles: [telemetry] }', '{ type: device, tech: android, auth: mtls }',
      '{ tech: nextjs, in: cloud, auth: oidc, endpoints: { /devices: {} } }',
    ]) {
      assert.deepEqual(coded(load(dashboard(element)).diagnostics, 'server-as-user-agent'), [], element);
    }
  });
});

describe('technologies in any case and their common other spellings', () => {
  const db = (tech: string, type = '') => `${HEAD}boundaries:
  internet: { trust: untrusted }
  vpc: { trust: internal }
assets:
  pii: { name: Customer PII, type: pii, classification: confidential }
elements:
  browser: { tech: browser, in: internet }
  api: { tech: node, in: vpc, auth: jwt }
  db: { ${type}tech: ${tech}, in: vpc, stores: [pii] }
flows:
  - browser -> api: https
  - api -> db: { protocol: postgres+tls, auth: password }
`;

  it('reads `PostgreSQL` as `postgres`: no warning, a SQL database, and SQL injection is found, with or without `type: database`', () => {
    for (const text of [db('PostgreSQL'), db('PostgreSQL', 'type: database, '), db('postgresql'), db('psql')]) {
      const loaded = load(text);
      assert.deepEqual(loaded.diagnostics, [], text);
      const element = loaded.model!.elements.find((e) => e.id === 'db')!;
      assert.equal(element.tech, 'postgres');
      assert.equal(element.type, 'database');
      assert.deepEqual(element.traits, ['sql']);
      const r = analyze(loaded.model!, { source: loaded.source });
      assert.ok(r.threats.some((t) => t.ruleId === 'sql-injection'), text);
    }
  });

  it('reads the other listed spellings as the technology they stand for', () => {
    const cases: Array<[string, string]> = [
      ['nodejs', 'node'], ['Node.js', 'node'], ['k8s', 'kubernetes'], ['ElastiCache', 'redis'], ['aws-s3', 's3'],
      ['Amazon-S3', 's3'], ['mongo', 'mongodb'], ['postgre', 'postgres'], ['golang', 'go'], ['React.js', 'react'],
    ];
    for (const [written, name] of cases) assert.equal(techName(written), name, written);
  });

  it('keeps an unknown technology unknown: a warning with the nearest name, and the element gets no traits', () => {
    const loaded = load(db('postgresqx', 'type: database, '));
    const [d] = coded(loaded.diagnostics, 'unknown-tech');
    assert.equal(d.message, 'unknown technology `postgresqx`; it adds no type or traits');
    assert.equal(d.hint, 'did you mean `postgres`?');
    assert.deepEqual(loaded.model!.elements.find((e) => e.id === 'db')!.traits, []);
    assert.equal(loaded.model!.elements.find((e) => e.id === 'db')!.tech, 'postgresqx');
  });

  it('lists only spellings that name a technology and shadow neither a technology nor an element type', () => {
    for (const [alias, name] of Object.entries(TECH_ALIASES)) {
      assert.equal(alias, alias.toLowerCase(), alias);
      assert.ok(Object.hasOwn(TECHNOLOGIES, name), `${alias} -> ${name}`);
      assert.ok(!Object.hasOwn(TECHNOLOGIES, alias) && !Object.hasOwn(ELEMENT_TYPES, alias), alias);
    }
  });
});

describe('job-like types suggest `worker`', () => {
  const typed = (type: string) => load(`${HEAD}elements:\n  job: { type: ${type} }\n`).diagnostics.filter((d) => d.path === 'elements.job.type');

  it('suggests `worker` for batch-job, scheduled-job, cronjob, cron-job and etl', () => {
    for (const type of ['batch-job', 'scheduled-job', 'cronjob', 'cron-job', 'etl', 'ETL']) {
      const [d] = typed(type);
      assert.equal(d.code, 'invalid-value', type);
      assert.equal(d.hint, 'did you mean `worker`?', type);
    }
  });

  it('suggests nothing of the kind for a word that is no job', () => {
    const [d] = typed('spreadsheet');
    assert.equal(d.code, 'invalid-value');
    assert.notEqual(d.hint, 'did you mean `worker`?');
  });
});

describe('process-without-inputs: a job that connects to a store and sends on reads that store (review a, t6)', () => {
  const unfed = (elements: string, flows: string) =>
    coded(load(`${HEAD}elements:\n${elements}flows:\n${flows}`).diagnostics, 'process-without-inputs').map((d) => d.message);
  const store = '  s3: { tech: s3 }\n  partner: { type: third-party }\n';

  it('the export job reading statements from S3 and sending them to a partner gets no warning; a function neither', () => {
    assert.deepEqual(unfed(`  export: { type: worker }\n${store}`, '  - export -> s3: s3\n  - export -> partner: sftp\n'), []);
    assert.deepEqual(unfed(`  export: { tech: lambda }\n${store}`, '  - export -> s3: s3\n  - export -> partner: https\n'), []);
  });

  it('a job that only connects to stores, or only sends on, still has its source missing', () => {
    assert.deepEqual(unfed(`  export: { type: worker }\n${store}  db: { tech: postgres }\n`, '  - export -> s3: s3\n  - export -> db: postgres\n'), [
      'process `export` sends data but receives none',
    ]);
    assert.deepEqual(unfed(`  export: { type: worker }\n${store}`, '  - export -> partner: sftp\n'), ['process `export` sends data but receives none']);
  });

  it('a service that connects to a store and sends on still has its callers missing', () => {
    assert.deepEqual(unfed(`  api: { type: api }\n${store}`, '  - api -> s3: s3\n  - api -> partner: https\n'), ['process `api` sends data but receives none']);
  });
});

describe('a flow written as one quoted string', () => {
  const flows = (lines: string) => `${HEAD}elements:\n  staff: { type: admin }\n  backoffice: { type: admin-panel }\nflows:\n${lines}`;
  it('with its protocol: the hint says to drop the quotes, not to add a protocol', () => {
    const [d] = coded(load(flows('  - "staff -> backoffice: https"\n')).diagnostics, 'invalid-flow');
    assert.equal(d.hint, 'write it without quotes, `- staff -> backoffice: https` on a line of its own: quoted, the whole flow is one string');
  });
  it('without one: the hint still asks for the protocol', () => {
    const [d] = coded(load(flows('  - staff -> backoffice\n')).diagnostics, 'invalid-flow');
    assert.equal(d.hint, 'add the protocol after a colon: `staff -> backoffice: https`');
  });
});

describe('a reference written as a display name', () => {
  const model = (element: string) => `${HEAD}boundaries:\n  vpc: { name: Production VPC, trust: internal }\nassets:\n  pii: { name: Customer PII }\nelements:\n  api: ${element}\n  db: { type: database, name: Orders DB }\nflows:\n  - api -> db: postgres\n`;
  const hints = (element: string) => load(model(element)).diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.hint]);
  it('as written (not an id) or as an id made of it: the hint gives the id', () => {
    assert.deepEqual(hints('{ type: api, in: Production VPC }'), [['invalid-id', '"Production VPC" is the name of boundary `vpc`: refer to it by its id, `vpc`']]);
    assert.deepEqual(hints('{ type: api, in: production-vpc }'), [['unknown-reference', '"Production VPC" is the name of boundary `vpc`: refer to it by its id, `vpc`']]);
    assert.deepEqual(hints('{ type: api, handles: [customer-pii] }'), [['unknown-reference', '"Customer PII" is the name of asset `pii`: refer to it by its id, `pii`']]);
  });
  it('a name of another kind is no hint for a reference of this kind; an unknown word keeps the usual one', () => {
    assert.deepEqual(hints('{ type: api, in: orders-db }'), [['unknown-reference', undefined]]);
    assert.deepEqual(hints('{ type: api, in: vcp }'), [['unknown-reference', 'did you mean `vpc`?']]);
  });
});

describe('unused-asset', () => {
  const model = (assets: string, rest = '') => `${HEAD}assets:\n${assets}elements:\n  api: { type: api${rest} }\n  db: { type: database, stores: [orders] }\nflows:\n  - api -> db: { protocol: postgres, credential: db-login }\n`;
  const unused = (assets: string, rest = '') => coded(load(model(assets, rest)).diagnostics, 'unused-asset').map((d) => d.message);
  it('data nothing holds, carries, takes or returns is named', () => {
    assert.deepEqual(unused('  orders: { classification: internal }\n  key: { name: Signing key, type: secrets, classification: restricted }\n'),
      ['asset `key` is on no element, flow or endpoint: no threat weighs it']);
  });
  it('an asset an endpoint takes or returns, a flow\'s credential, or one rated availability high (the service itself) is used', () => {
    assert.deepEqual(unused('  orders: {}\n  cart: {}\n  db-login: { type: credentials }\n  uptime: { availability: high }\n', ', endpoints: { POST /cart: { accepts: [cart] } }'), []);
  });
});
