// A pipeline's flow to a package registry (Nexus, Artifactory, npm) is a read of dependencies only when it carries
// nothing or only packages and its words do not say it publishes: a build artifact sent there is published, a
// write into what other builds and deploys take (supply-chain.ts readsPackages).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threatsIn } from './harness.js';

const RULES = ['pipeline-poisoning', 'pipeline-over-privileged'];
const keys = (body: string) => threatsIn(body, ...RULES).map((t) => t.key).sort();
const DEPLOYS = ['pipeline-over-privileged@ci', 'pipeline-poisoning@ci'];

/** The review's model: a Jenkins build that sends `registry` what `flow` says. */
const build = (flow: string, registry = '{ name: Nexus, type: file-storage }') => `assets:
  lib: { name: Payments library build }
  deps: { name: Third-party dependencies }
  pkgs: { name: npm packages }
elements:
  dev: { type: developer }
  repo: { type: file-storage, name: Git repository }
  ci: { type: ci-cd, tech: jenkins }
  nexus: ${registry}
flows:
  - dev -> repo: https
  - repo -> ci: https
  - ci -> nexus: ${flow}
`;

describe('a build artifact sent to a package registry is published, not read', () => {
  it('counts a flow carrying a build of ours to Nexus, Artifactory or an npm registry as a deploy', () => {
    for (const registry of ['{ name: Nexus, type: file-storage }', '{ name: Artifactory, type: service }', '{ name: npm registry, type: service }']) {
      assert.deepEqual(keys(build('{ protocol: https, auth: basic, data: [lib] }', registry)), DEPLOYS, registry);
    }
    // A dependency carried along with the build does not make it a read.
    assert.deepEqual(keys(build('{ protocol: https, auth: basic, data: [deps, lib] }')), DEPLOYS);
    // Nor does an unnamed flow whose words say it publishes, in any tense.
    for (const description of ['uploaded release builds', 'publishing the library', 'pushed on tag']) {
      assert.deepEqual(keys(build(`{ protocol: https, auth: basic, description: ${description} }`)), DEPLOYS, description);
    }
  });

  it('still takes a pull from the registry, with no data or only dependencies, for no deploy', () => {
    assert.deepEqual(keys(build('https')), []);
    // (The same unnamed flow to a store that is no registry deploys: it could carry anything.)
    const store = (flow: string) => build(flow, '{ type: file-storage, name: Store }').replace(/nexus/g, 'store');
    assert.deepEqual(keys(store('https')), DEPLOYS);
    assert.deepEqual(keys(build('https', '{ name: npm registry, type: service }')), []);
    for (const data of ['[deps]', '[pkgs]', '[deps, pkgs]']) {
      assert.deepEqual(keys(build(`{ protocol: https, auth: basic, data: ${data} }`)), [], data);
    }
    // Dependencies read from a store that is not named as a registry are a read too, as before.
    assert.deepEqual(keys(store('{ protocol: https, auth: basic, data: [deps] }')), []);
  });
});
