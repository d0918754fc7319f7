// Session 23 (fixB): key-migrations' `stores-documents` case asks injection.ts onlyStoresDocuments, which now needs a
// process that opens documents behind the store or queue. Triage says "gone by design" exactly when xxe no longer
// reports the uploader: with a converter behind it, not when nothing modelled opens the bucket.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { keyChanges } from '../../src/track/key-migrations.js';
import { analyzeText, MODEL_HEAD as HEAD } from '../rules/harness.js';

const changeOf = (r: AnalysisResult, key: string): string | undefined => {
  const c = keyChanges(r, [key]).get(key);
  return c === undefined ? undefined : c.kind === 'moved' ? `moved ${c.newKey}` : `retired ${c.migration.when}`;
};
const reported = (r: AnalysisResult, key: string): boolean => r.threats.some((t) => t.key === key);

/** The review's model: an API (Spring there) writing a DOCX upload to a bucket, with what else is behind it. */
const docx = (more = '', flows = '', api = 'tech: spring') =>
  `${HEAD}assets:\n  contracts: { name: Contracts (DOCX), type: pii, classification: confidential }\n` +
  'boundaries:\n  internet: { trust: untrusted }\n' +
  `elements:\n  visitor: { tech: browser, in: internet }\n  api:\n    ${api}\n    endpoints:\n      POST /contracts/docx: { auth: jwt, accepts: [contracts] }\n` +
  `  bucket: { tech: s3, stores: [contracts] }\n${more}` +
  `flows:\n  - visitor -> api: https\n  - api -> bucket: { protocol: https, auth: iam }\n${flows}`;

describe('fixB keys: xxe on an uploader is retired only when a parser behind takes it', () => {
  it('claims nothing when nothing modelled opens the bucket: the finding is still reported (review: docx.yaml)', () => {
    const thumbs = (api?: string) => docx('  thumbs: { type: worker }\n', '  - thumbs -> bucket: https\n', api);
    for (const r of [docx(), docx('', '', 'type: api'), thumbs(), thumbs('type: api')].map((text) => analyzeText(text))) {
      assert.equal(reported(r, 'xxe@api'), true);
      assert.equal(changeOf(r, 'xxe@api'), undefined);
    }
  });

  it('retires it when a converter, a tagged parser or an os-command tool reads the bucket', () => {
    const behind = (api?: string) => [
      docx('  converter: { tech: libreoffice }\n', '  - converter -> bucket: https\n', api),
      docx('  worker: { type: worker, tags: [xml] }\n', '  - bucket -> worker: https\n', api),
      docx('  gs: { tech: ghostscript }\n', '  - gs -> bucket: https\n', api),
    ];
    for (const text of behind('type: api')) {
      const r = analyzeText(text);
      assert.equal(reported(r, 'xxe@api'), false);
      assert.equal(changeOf(r, 'xxe@api'), 'retired stores-documents');
    }
    // A Spring API: session 18's case for a framework's XML capability is listed first, and claims it as well.
    for (const text of behind()) assert.equal(changeOf(analyzeText(text), 'xxe@api'), 'retired xml-capability');
  });
});
