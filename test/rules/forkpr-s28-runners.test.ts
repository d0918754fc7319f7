// What the user saw: a public GitHub repository that outside contributors open pull requests on, built by
// persistent self-hosted runners holding registry push credentials, gave no threat at all; coverage showed the
// runners' tampering as `ok: protected-branches`, though protected branches do not stop fork code from running.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_HEAD as head, threatsOf } from './harness.js';

const model = (opts: { contributor?: string; runnerZone?: string; runnerControls?: string; repoControls?: string; handles?: string } = {}) =>
  `${head}boundaries:\n  internet: { trust: untrusted }\n  ci: { name: CI VPC, trust: internal }\nassets:\n  source: { name: Source code, type: source-code, classification: confidential, integrity: high }\n  creds: { name: Registry push credentials, type: secrets, classification: restricted }\nelements:\n  contributor: { name: External contributor, type: ${opts.contributor ?? 'user'}, in: internet }\n  github: { name: GitHub public repository, type: third-party, in: internet, handles: [source], controls: [protected-branches${opts.repoControls ?? ''}] }\n  runners: { name: Runners, type: ci-cd, tech: github-actions, in: ${opts.runnerZone ?? 'ci'}, handles: [${opts.handles ?? 'source, creds'}], controls: [protected-branches${opts.runnerControls ?? ''}] }\nflows:\n  - contributor -> github: { protocol: https, auth: password, data: [source] }\n  - github -> runners: { protocol: https, auth: jwt, data: [source] }\n`;

describe('fork-pr-self-hosted-runner', () => {
  it('reports fork pull requests running on runners inside our network, High where they reach secrets', () => {
    const [t, ...more] = threatsOf(model(), 'fork-pr-self-hosted-runner');
    assert.ok(t);
    assert.equal(more.length, 0);
    assert.equal(t.component, 'runners');
    assert.equal(t.stride, 'E');
    assert.equal(t.risk, 'High');
    assert.equal(t.title, 'Fork pull requests run on Runners');
    assert.match(t.description, /with access to Registry push credentials/);
    assert.deepEqual(t.flows, ['contributor->github', 'github->runners']);
    assert.equal(threatsOf(model({ handles: 'source' }), 'fork-pr-self-hosted-runner')[0]?.impact.level, 'Medium');
  });

  it('is mitigated by fork-pr-approval on the runners or on the repository, not by protected branches', () => {
    assert.deepEqual(threatsOf(model({ runnerControls: ', fork-pr-approval' }), 'fork-pr-self-hosted-runner'), []);
    assert.deepEqual(threatsOf(model({ repoControls: ', fork-pr-approval' }), 'fork-pr-self-hosted-runner'), []);
  });

  it('does not fire for a repository only our developers push to, nor for runners outside our zones', () => {
    assert.deepEqual(threatsOf(model({ contributor: 'developer' }), 'fork-pr-self-hosted-runner'), []);
    assert.deepEqual(threatsOf(model({ runnerZone: 'internet' }), 'fork-pr-self-hosted-runner'), []);
  });
});
