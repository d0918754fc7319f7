// What the import tests ask of a draft: its flows as `from -> to` with the made-up outside clients called
// `clients` (and the local clients of loopback-only ports `local`), and one flow or element that must be there.
import assert from 'node:assert/strict';
import { type Draft, type DraftElement, type DraftFlow, draftToYaml, HOST_CLIENTS, mergeDrafts, OUTSIDE_CLIENTS } from '../../src/import/draft.js';
import { discoverTerraform, type TerraformResult } from '../../src/import/terraform.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import type { Model } from '../../src/model/types.js';

const shown = (key: string) => (key === OUTSIDE_CLIENTS ? 'clients' : key === HOST_CLIENTS ? 'local' : key);

export const flowSet = (draft: Draft): string[] => draft.flows.map((f) => `${shown(f.from)} -> ${f.to}`).sort();

/** The flow from `from` (`clients` for the outside clients, `local` for the local ones) to `to`; fails the test when there is none. */
export function flowOf(draft: Draft, from: string, to: string): DraftFlow {
  const f = draft.flows.find((x) => shown(x.from) === from && x.to === to);
  assert.ok(f, `no flow ${from} -> ${to} in ${flowSet(draft).join(', ')}`);
  return f;
}

export function elementOf(draft: Draft, key: string): DraftElement {
  const e = draft.elements.find((x) => x.key === key);
  assert.ok(e, `no element ${key} in ${draft.elements.map((x) => x.key).join(', ')}`);
  return e;
}

/**
 * A Deployment `name` whose pods (labelled `app: name`) run one container `name` from `image`: `rest` is the
 * container's further lines (indented by 10 spaces) and anything after it, such as other documents.
 */
export const k8sDeployment = (name: string, image: string, rest = '', namespace?: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}${namespace === undefined ? '' : `, namespace: ${namespace}`} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: ${name}
          image: ${image}
${rest}`;

/**
 * Kubernetes hardening checks every workload of a small test manifest draws (k8s-s17: no NetworkPolicy, root, a
 * floating image tag, data on emptyDir): tests about other checks leave them out.
 */
export const isHardeningCheck = (c: { message: string }): boolean =>
  /: no NetworkPolicy in these manifests|may run as root \(|runs image \S+ \((no tag|latest)\)| on emptyDir volume /.test(c.message);
export const otherChecks = <C extends { message: string }>(checks: readonly C[]): C[] => checks.filter((c) => !isHardeningCheck(c));

/** Terraform's `main.tf` of `text`, discovered; fails the test on an error. */
export function readTerraform(text: string): TerraformResult {
  const r = discoverTerraform([{ file: 'main.tf', text }]);
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

/** The draft as `discover` writes it, loaded as a model; fails the test when it does not load. */
export function draftModel(draft: Draft): Model {
  const loaded = loadModel(draftToYaml(mergeDrafts([draft])), 'model.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return loaded.model;
}
