// Session 23 (fixB), from a read-only review of the session's change. xxe on an Office or SVG upload stays on the
// element taking it unless a process that opens documents (a converter's tech, an xml tag, an os-command tool)
// reads or consumes the store or queue it writes to; signing-key-in-pipeline takes a vault or KMS named as such
// for a signer only where code is signed (firmware devices verify, a signing key the pipeline sends); and the
// document handoff and the signing checks do work linear in the model (a bucket with many writers and readers,
// many pipelines shipping firmware to many verifying devices).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCrossings } from '../../src/analysis/boundaries.js';
import { buildContext } from '../../src/analysis/context.js';
import { runRules } from '../../src/analysis/engine.js';
import { commandInjection, onlyStoresDocuments, xxe } from '../../src/analysis/rules/injection.js';
import { signingKeyInPipeline } from '../../src/analysis/rules/supply-chain.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import { buildGraph } from '../../src/model/graph.js';
import type { Model } from '../../src/model/types.js';
import { evidenceFacts, loadText, MODEL_HEAD, noThreat, onlyThreat, runOnly, threatsIn } from './harness.js';

/** The review's model: a Spring API taking a DOCX upload and writing it to a bucket; `more` adds elements, `flows` flows. */
const docx = (more = '', flows = '') =>
  'assets:\n  contracts: { name: Contracts (DOCX), type: pii, classification: confidential, confidentiality: high }\n' +
  'boundaries:\n  internet: { trust: untrusted }\n' +
  'elements:\n  visitor: { tech: browser, in: internet }\n  api:\n    tech: spring\n    endpoints:\n      POST /contracts/docx: { auth: jwt, accepts: [contracts] }\n' +
  `  bucket: { tech: s3, stores: [contracts] }\n${more}` +
  `flows:\n  - visitor -> api: https\n  - api -> bucket: { protocol: https, auth: iam }\n${flows}`;

const xxeKeys = (body: string) => threatsIn(body, 'xxe').map((t) => t.key);

describe('xxe on an upload written to storage: only storing needs a document parser behind', () => {
  it('keeps the finding on the uploader when nothing modelled opens the bucket (review: docx.yaml)', () => {
    const t = onlyThreat(docx(), 'xxe');
    assert.equal(t.key, 'xxe@api');
    assert.equal(t.likelihood.level, 'Medium');
    assert.deepEqual(evidenceFacts(t), ['api has the xml trait (spring)', 'api is reachable from an untrusted zone', 'POST /contracts/docx names the content it takes', 'no safe-parsers on api']);
  });

  it('keeps it when what reads the bucket opens no documents, or a parser reads another bucket', () => {
    assert.deepEqual(xxeKeys(docx('  thumbs: { type: worker }\n', '  - thumbs -> bucket: https\n')), ['xxe@api']);
    assert.deepEqual(xxeKeys(docx('  other: { tech: s3 }\n  converter: { tech: libreoffice }\n', '  - converter -> other: https\n')), ['xxe@api']);
  });

  it('moves it to a converter reading or fed from the bucket, either way the flow is drawn', () => {
    assert.deepEqual(xxeKeys(docx('  converter: { tech: libreoffice }\n', '  - converter -> bucket: https\n')), ['xxe@converter']);
    assert.deepEqual(xxeKeys(docx('  converter: { tech: libreoffice }\n', '  - bucket -> converter: https\n')), ['xxe@converter']);
    assert.deepEqual(xxeKeys(docx('  worker: { type: worker, tags: [xml] }\n', '  - worker -> bucket: https\n')), ['xxe@worker']);
  });

  it('takes an os-command converter behind it for the parser too: command-injection is reported there', () => {
    const gs = docx('  gs: { tech: ghostscript }\n', '  - gs -> bucket: https\n');
    assert.deepEqual(xxeKeys(gs), []);
    assert.deepEqual(threatsIn(gs, 'command-injection').map((t) => t.key), ['command-injection@gs']);
  });

  it('reads a queue the same way: a consumer that parses documents takes it, any other consumer does not', () => {
    const queued = (consumer: string) =>
      docx(`  queue: { tech: sqs }\n${consumer}`, `  - api -> queue: https\n  - queue -> ${consumer.trim().split(':')[0]}: https\n`).replace('  - api -> bucket: { protocol: https, auth: iam }\n', '');
    assert.deepEqual(xxeKeys(queued('  extractor: { tech: apache-tika }\n')), ['xxe@extractor']);
    assert.deepEqual(xxeKeys(queued('  mailer: { type: worker }\n')), ['xxe@api']);
  });

  it('counts only another process as the parser behind, not the uploader itself', () => {
    // A media service (ffmpeg: the os-command trait, no document parser) that writes the upload and reads it back.
    const context = (more: string, flows: string) => {
      const { model } = loadText(MODEL_HEAD + docx(more, flows).replace('  api:\n    tech: spring\n', '  api:\n    tech: ffmpeg\n'));
      const graph = buildGraph(model!);
      return { ctx: buildContext(graph, findCrossings(graph)), api: graph.elements.get('api')! };
    };
    const alone = context('', '  - bucket -> api: https\n');
    assert.equal(onlyStoresDocuments(alone.ctx, alone.api), false);
    const behind = context('  converter: { tech: libreoffice }\n', '  - bucket -> api: https\n  - converter -> bucket: https\n');
    assert.equal(onlyStoresDocuments(behind.ctx, behind.api), true);
  });
});

/** The review's model: a pipeline reading deploy secrets from a Key Vault; `more` adds elements, `flows` flows. */
const vault = (more = '', flows = '', assets = '') =>
  `assets:\n  deploy: { name: Deploy credentials, type: secrets, classification: restricted }\n${assets}` +
  'elements:\n  dev: { type: developer }\n  ci: { tech: github-actions }\n  kv: { type: secrets-vault, name: Key Vault, stores: [deploy] }\n' +
  `  kms: { type: secrets-vault, name: KMS }\n  app: { type: service }\n${more}` +
  `flows:\n  - dev -> ci: https\n  - ci -> kv: { protocol: https, auth: iam, data: [deploy] }\n  - ci -> app: https\n${flows}`;

const FIRMWARE = '  firmware: { name: Firmware images, integrity: high }\n';
const SIGNING_KEY = '  release-key: { name: Release signing key, type: secrets, classification: restricted }\n';

describe('signing-key-in-pipeline: a vault or KMS by its name is a signer only where code is signed', () => {
  it('reports nothing on a pipeline reading deploy secrets from a Key Vault or calling a KMS (review: kv.yaml)', () => {
    noThreat(vault(), 'signing-key-in-pipeline');
    noThreat(vault('', '  - ci -> kms: { protocol: https, auth: oidc }\n'), 'signing-key-in-pipeline');
  });

  it('takes the KMS for the signer when the pipeline ships firmware that devices verify', () => {
    const fleet = vault(
      '  ota: { type: service, handles: [firmware] }\n  meter: { type: device, controls: [signature-verification] }\n',
      '  - ci -> kms: { protocol: https, auth: oidc }\n  - ci -> ota: { protocol: https, data: [firmware] }\n  - meter -> ota: https\n',
      FIRMWARE,
    );
    const t = onlyThreat(fleet, 'signing-key-in-pipeline');
    // Where code is signed, a vault named for keys counts as a signer too (as before this fix).
    assert.equal(t.title, 'ci signs through KMS, Key Vault with no approval');
    assert.deepEqual(t.flows, ['ci->kv', 'ci->kms']);
    assert.equal(t.likelihood.level, 'Low');
  });

  it('takes it when a flow from the pipeline carries a signing key', () => {
    const t = onlyThreat(vault('', '  - ci -> kms: { protocol: https, auth: oidc, data: [release-key] }\n', SIGNING_KEY), 'signing-key-in-pipeline');
    assert.equal(t.title, 'ci signs through KMS, Key Vault with no approval');
    assert.deepEqual(t.flows, ['ci->kv', 'ci->kms']);
  });

  it('takes a vault that keeps a code-signing key, whatever its name and whether or not devices verify', () => {
    const keeper = vault('  signer: { type: secrets-vault, name: Secrets, stores: [release-key] }\n', '  - ci -> signer: https\n', SIGNING_KEY);
    assert.equal(onlyThreat(keeper, 'signing-key-in-pipeline').title, 'ci signs through Secrets with no approval');
  });
});

/**
 * Work a rule does on a model, counted without timings: reads by index of the model's lists (elements, flows) and
 * the flows the graph hands out per element. Quadratic work (every writer of a bucket per reader, every device per
 * pipeline) grows with the square of the model.
 */
function work(text: string, rule: Rule): number {
  const { model } = loadText(text);
  let n = 0;
  const watch = <T>(list: T[]): T[] => new Proxy(list, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop.length > 0 && prop.charCodeAt(0) >= 48 && prop.charCodeAt(0) <= 57) n++;
      return Reflect.get(target, prop, receiver);
    },
  });
  const watched: Model = { ...model!, elements: watch(model!.elements), flows: watch(model!.flows) };
  const graph = buildGraph(watched);
  const ctx = buildContext(graph, findCrossings(graph));
  const { inFlows, outFlows } = graph;
  graph.inFlows = (id) => { const flows = inFlows(id); n += flows.length; return flows; };
  graph.outFlows = (id) => { const flows = outFlows(id); n += flows.length; return flows; };
  n = 0;
  const run = runRules(ctx, [rule]);
  assert.ok(run.findings.length > 0, `${rule.id} reports on the model`);
  return n;
}

/** One bucket, n writers taking file uploads from the internet and n converters reading it (review: handoff.yaml). */
const handoff = (n: number) => {
  let elements = '';
  let flows = '';
  for (let i = 0; i < n; i++) {
    elements += `  w${i}:\n    type: service\n    endpoints:\n      POST /files/report.docx: { auth: jwt }\n  c${i}: { tech: imagemagick }\n`;
    flows += `  - user -> w${i}: https\n  - w${i} -> bucket: https\n  - c${i} -> bucket: https\n`;
  }
  return `${MODEL_HEAD}boundaries:\n  internet: { trust: untrusted }\nelements:\n  user: { type: user, in: internet }\n  bucket: { tech: s3 }\n${elements}flows:\n${flows}`;
};

/** n pipelines each shipping the same firmware through an update service to a device that verifies it (review: fw.yaml). */
const firmwareFleet = (n: number) => {
  let elements = '';
  let flows = '';
  for (let i = 0; i < n; i++) {
    elements += `  ci${i}: { tech: github-actions }\n  ota${i}: { type: service, handles: [fw] }\n  dev${i}: { type: device, controls: [signature-verification] }\n`;
    flows += `  - ci${i} -> ota${i}: { protocol: https, data: [fw] }\n  - ota${i} -> dev${i}: { protocol: https, data: [fw] }\n`;
  }
  return `${MODEL_HEAD}assets:\n  fw: { name: Firmware images, integrity: high }\nelements:\n${elements}flows:\n${flows}`;
};

describe('work linear in the model', () => {
  const SMALL = 40;
  const LARGE = 160;
  /** LARGE/SMALL = 4 for linear work; quadratic work grows 16-fold. */
  const MAX_GROWTH = 6.5;
  const growth = (model: (n: number) => string, rule: Rule) => {
    const small = work(model(SMALL), rule);
    const large = work(model(LARGE), rule);
    return { small, large, ratio: large / small };
  };

  for (const rule of [xxe, commandInjection]) {
    it(`${rule.id}: a bucket with many writers and converters is indexed once per analysis`, () => {
      const g = growth(handoff, rule);
      assert.ok(g.ratio < MAX_GROWTH, `${rule.id}: work grew ${g.small} -> ${g.large} (x${g.ratio.toFixed(1)})`);
    });
  }

  it('signing-key-in-pipeline: many pipelines shipping firmware to many verifying devices', () => {
    const g = growth(firmwareFleet, signingKeyInPipeline);
    assert.ok(g.ratio < MAX_GROWTH, `work grew ${g.small} -> ${g.large} (x${g.ratio.toFixed(1)})`);
  });

  it('still reports what the models show: every converter, and every pipeline with the whole fleet', () => {
    for (const rule of [xxe, commandInjection]) assert.equal(runOnly(handoff(3), [rule]).findings.length, 3, rule.id);
    assert.equal(runOnly(firmwareFleet(12), [signingKeyInPipeline]).findings.length, 12);
  });
});
