// A chart whose values.yaml sets SESSION_SECRET and STRIPE_WEBHOOK_SECRET as literals rendered into `env`, or
// whose template writes a literal itself, got no check line and no session-signing-key tag, while the same
// manifest as plain YAML did. A chart's default values are committed: their literals are flagged at the
// values.yaml line (the template line when the template writes it); placeholders and values given at render time are not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftToYaml } from '../../src/import/draft.js';
import { type HelmOptions, renderHelmChart } from '../../src/import/helm.js';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';

const CHART = 'apiVersion: v2\nname: web\nversion: 1.0.0\n';

const VALUES = `env:
  NODE_ENV: production
  SESSION_SECRET: "k3Jd9sLq0vPz7xWm2rTn"
  STRIPE_WEBHOOK_SECRET: whsec_1234567890abcdef
  API_TOKEN: ""
db:
  password: changeme
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: node:20
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
            - name: DB_PASSWORD
              value: {{ required "db.password is required" .Values.db.password | quote }}
            - name: API_PASSWORD
              value: {{ "s8Kq2vN7xR4mW1pZ9tL3yB6cF0hJ5dG" | quote }}
            - name: GENERATED_SECRET
              value: {{ randAlphaNum 24 | quote }}
            - name: RELEASE_SECRET
              value: {{ .Values.releaseSecret | default "" | quote }}
`;

/** The secret checks and the draft discover writes from the chart rendered with `options`. */
function read(options: HelmOptions = {}): { checks: string[]; draft: string } {
  const files = [
    { path: 'Chart.yaml', text: CHART }, { path: 'values.yaml', text: VALUES }, { path: 'templates/deployment.yaml', text: DEPLOYMENT },
  ];
  const helm = renderHelmChart({ dir: 'web', files }, options);
  assert.deepEqual(helm.diagnostics, []);
  const k = discoverKubernetesFiles(helm.manifests.map((m) => ({ ...m, format: 'Helm template, rendered' })));
  const secretChecks = k.checks.filter((c) => / sets /.test(c.message)).map((c) => `${c.file}:${c.line} ${c.message.split(':')[0]}`);
  return { checks: secretChecks, draft: draftToYaml(k.draft, { output: 'threatmap.yaml' }) };
}

describe('discover: literal secrets committed in a Helm chart', () => {
  it('flags a literal from the default values at its values.yaml line, and one the template writes at the template line', () => {
    const { checks, draft } = read();
    assert.deepEqual(checks, [
      'web/values.yaml:3 Deployment web sets SESSION_SECRET, the key that signs its session cookies, to a literal of 20 characters',
      'web/values.yaml:4 Deployment web sets STRIPE_WEBHOOK_SECRET to a literal of 22 characters',
      'web/templates/deployment.yaml:20 Deployment web sets API_PASSWORD to a literal of 31 characters',
    ]);
    assert.match(draft, /session-signing-key:web\/values\.yaml:3\b/);
  });

  it('leaves placeholders, generated values and values given at render time unflagged', () => {
    const { checks } = read({ set: ['releaseSecret=Zq8Lm3Np0Rt6Vw2Xy5Ab', 'env.STRIPE_WEBHOOK_SECRET=whsec_0000111122223333x'] });
    // Empty API_TOKEN, placeholder db.password, randAlphaNum's stand-in and --set values: none is flagged.
    assert.ok(!checks.some((c) => /API_TOKEN|DB_PASSWORD|GENERATED_SECRET|RELEASE_SECRET|STRIPE_WEBHOOK_SECRET/.test(c)), checks.join('\n'));
    assert.equal(checks.length, 2, checks.join('\n'));
  });
});
