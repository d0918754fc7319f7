// Threagile import, review s19: confidential data rated high and YAML merge keys applied (#16), `token` not read
// as a JWT and client certificates over SSH as SSH keys (#20, #15), identity-store-ldap keeping the ldap trait
// (#7), risk tracking of Threagile's own rules carried to threatmap's equivalent threats (#8), stated severity
// kept on risks identified by hand (#5), and shared runtimes mixing trust zones written as threats (#9).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { importThreagile } from '../../src/import/threagile.js';
import { formatDiagnostics } from '../../src/model/diagnostics.js';
import { analyzeText } from '../helpers.js';

/** A small Threagile model with each case of this review (a DMZ web app, an internal LDAP store and file server, a developer). */
const MODEL = `threagile_version: 1.0.0
title: Mini
data_assets:
  Contracts: &contracts
    id: contracts
    confidentiality: confidential
    integrity: critical
    availability: operational
  Operational Data:
    <<: *contracts
    id: operational
    availability: critical
  Notes:
    id: notes
    confidentiality: internal
    integrity: operational
    availability: operational
  Drafts:
    id: drafts
    confidentiality: restricted
    integrity: operational
    availability: operational
technical_assets:
  Browser:
    id: browser
    type: external-entity
    technology: browser
    internet: true
    communication_links:
      Web Traffic:
        target: web
        protocol: https
        authentication: session-id
        data_assets_sent: [contracts]
  Web:
    id: web
    type: process
    technology: web-application
    data_assets_processed: [contracts, operational]
    communication_links:
      Directory Lookup:
        target: ldap
        protocol: ldap
        authentication: credentials
        data_assets_sent: [notes]
      Files:
        target: files
        protocol: https
        authentication: token
        data_assets_sent: [contracts]
  LDAP:
    id: ldap
    type: datastore
    technology: identity-store-ldap
    encryption: transparent
    data_assets_stored: [notes]
  Files:
    id: files
    type: datastore
    technology: file-server
    encryption: none
    data_assets_stored: [contracts, operational]
  Developer Client:
    id: dev
    type: external-entity
    technology: devops-client
    internet: true
    communication_links:
      Git Push:
        target: git
        protocol: ssh
        authentication: client-certificate
      Git Web:
        target: git
        protocol: https
        authentication: token
  Git:
    id: git
    type: process
    technology: sourcecode-repository
    data_assets_processed: [drafts]
trust_boundaries:
  DMZ:
    id: dmz
    type: network-on-prem
    technical_assets_inside: [web]
  Internal Net:
    id: internal-net
    type: network-on-prem
    technical_assets_inside: [ldap, files, git]
shared_runtimes:
  Web VM Host:
    id: web-vm
    technical_assets_running: [web, files]
  Internal VM Host:
    id: internal-vm
    technical_assets_running: [ldap, files]
individual_risk_categories:
  Hand Risk:
    id: hand-risk
    description: Described by hand.
    mitigation: Fix it.
    stride: tampering
    risks_identified:
      <b>Hand Risk</b> at <b>Files</b>:
        severity: critical
        exploitation_likelihood: likely
        exploitation_impact: medium
        most_relevant_technical_asset: files
      <b>Hand Risk</b> at <b>Web</b>:
        severity: medium
        exploitation_likelihood: frequent
        exploitation_impact: very-high
        most_relevant_technical_asset: web
      <b>Hand Risk</b> at <b>Git</b>:
        severity: elevated
        exploitation_likelihood: very-likely
        exploitation_impact: medium
        most_relevant_technical_asset: git
risk_tracking:
  ldap-injection@*@ldap@*:
    status: mitigated
    justification: Filters escaped
    ticket: SEC-1
    date: 2024-02-03
    checked_by: Ann
  cross-site-scripting@web:
    status: in-progress
    justification: CSP being rolled out
    ticket: SEC-2
  unencrypted-asset@*:
    status: mitigated
    justification: Disks encrypted
    ticket: SEC-3
  missing-authentication-second-factor@*@*@*:
    status: mitigated
    justification: FIDO2 for everyone
  missing-hardening@*:
    status: mitigated
`;

function imported(text: string) {
  const r = importThreagile(text, 'mini.threagile.yaml');
  assert.ok(r.text && r.summary, `no model:\n${formatDiagnostics(r.diagnostics)}`);
  const result: AnalysisResult = analyzeText(r.text, 'mini.yaml');
  const triage = r.triage ? (parseYaml(r.triage.text) as { threats: Record<string, Record<string, string>> }).threats : {};
  return { ...r, text: r.text, summary: r.summary, raw: parseYaml(r.text) as Record<string, any>, result, triage };
}

const keys = (result: AnalysisResult, rule: string) => result.threats.filter((t) => t.ruleId === rule).map((t) => t.component).sort();
const flowOf = (raw: Record<string, any>, from: string, to: string, name: string) => {
  const item = (raw.flows as Array<Record<string, any>>).find((f) => Object.keys(f)[0] === `${from} -> ${to}` && f[`${from} -> ${to}`].name === name);
  assert.ok(item, `no flow ${from} -> ${to} named ${name}`);
  return item[`${from} -> ${to}`] as Record<string, any>;
};

describe('Threagile import s19: data ratings (#16)', () => {
  const r = imported(MODEL);

  it('confidential is high confidentiality (Threagile treats it as sensitive); restricted stays medium, internal low', () => {
    assert.deepEqual([r.raw.assets.contracts.classification, r.raw.assets.contracts.confidentiality], ['confidential', 'high']);
    assert.deepEqual([r.raw.assets.drafts.classification, r.raw.assets.drafts.confidentiality], ['confidential', 'medium']);
    assert.deepEqual([r.raw.assets.notes.classification, r.raw.assets.notes.confidentiality], ['internal', 'low']);
  });

  it('merge keys are applied: the merged ratings, the asset\'s own keys winning', () => {
    assert.deepEqual(r.raw.assets.operational, {
      name: 'Operational Data', classification: 'confidential', confidentiality: 'high', integrity: 'high', availability: 'high',
    });
  });

  it('without a merge key nothing is inherited (an asset with its own fields only)', () => {
    const plain = MODEL.replace('    <<: *contracts\n', '');
    const asset = imported(plain).raw.assets.operational;
    assert.equal(asset.classification, undefined);
    assert.equal(asset.integrity, undefined);
    assert.equal(asset.availability, 'high');
  });
});

describe('Threagile import s19: authentication words (#20, #15)', () => {
  const r = imported(MODEL);

  it('token from a service is an api-key, with a note to set jwt; no JWT validation finding', () => {
    assert.equal(flowOf(r.raw, 'web', 'files', 'Files').auth, 'api-key');
    assert.match(r.text, /# Threagile says token; set jwt if it is one\n {2}- web -> files:/);
    assert.deepEqual(keys(r.result, 'missing-token-validation'), []);
  });

  it('token from a person\'s client is the bearer token of their sign-in (oauth2), not a key built into the client', () => {
    assert.equal(flowOf(r.raw, 'dev', 'git', 'Git Web').auth, 'oauth2');
    assert.deepEqual(keys(r.result, 'api-key-in-client'), []);
  });

  it('client-certificate over ssh is an ssh key; over https it stays mutual TLS', () => {
    assert.equal(flowOf(r.raw, 'dev', 'git', 'Git Push').auth, 'ssh-key');
    const https = imported(MODEL.replace('        protocol: ssh\n        authentication: client-certificate', '        protocol: https\n        authentication: client-certificate'));
    assert.equal(flowOf(https.raw, 'dev', 'git', 'Git Push').auth, 'mtls');
  });
});

describe('Threagile import s19: LDAP identity store (#7)', () => {
  it('identity-store-ldap keeps the ldap trait: LDAP injection from its caller is found', () => {
    const r = imported(MODEL);
    assert.equal(r.raw.elements.ldap.tech, 'ldap-directory');
    assert.equal(r.result.elements.find((e) => e.id === 'ldap')?.kind, 'store');
    assert.deepEqual(keys(r.result, 'ldap-injection'), ['web']);
  });

  it('drawn as a process it is the directory server (tech ldap), still with the trait', () => {
    const r = imported(MODEL.replace('    type: datastore\n    technology: identity-store-ldap', '    type: process\n    technology: identity-store-ldap'));
    assert.equal(r.raw.elements.ldap.tech, 'ldap');
    assert.deepEqual(keys(r.result, 'ldap-injection'), ['web']);
  });

  it('an identity store in a database has no ldap trait: no LDAP injection', () => {
    const r = imported(MODEL.replace('technology: identity-store-ldap', 'technology: identity-store-database'));
    assert.equal(r.raw.elements.ldap.type, 'database');
    assert.deepEqual(keys(r.result, 'ldap-injection'), []);
  });
});

describe('Threagile import s19: risk tracking of Threagile\'s own rules (#8)', () => {
  const r = imported(MODEL);

  it('a tracked rule with an equivalent: the decision on threatmap\'s matching threats, with reason, ticket and checker', () => {
    const d = r.triage['ldap-injection@web'];
    assert.equal(d.status, 'mitigated');
    assert.equal(d.ticket, 'SEC-1');
    assert.equal(d.owner, 'Ann');
    assert.match(d.reason, /ldap-injection@\*@ldap@\*: mitigated, "Filters escaped", SEC-1, checked 2024-02-03/);
    assert.equal(r.summary.riskTracking.find((t) => t.id === 'ldap-injection@*@ldap@*')?.decided, 1);
  });

  it('in progress is open, with what Threagile says', () => {
    const d = r.triage['cross-site-scripting@web'];
    assert.equal(d.status, 'open');
    assert.match(d.reason, /cross-site-scripting@web: in-progress, "CSP being rolled out"/);
  });

  it('a wildcard entry marked mitigated whose rule a control answers: the control, with a note', () => {
    assert.deepEqual(r.raw.elements.files.controls, ['encryption-at-rest']);
    assert.match(r.text, /# encryption-at-rest: Threagile's risk tracking unencrypted-asset@\*: mitigated, "Disks encrypted", SEC-3; written as the control/);
    assert.deepEqual(keys(r.result, 'unencrypted-store'), []);
    assert.deepEqual(flowOf(r.raw, 'dev', 'git', 'Git Push').controls, ['mfa']);
    assert.deepEqual(keys(r.result, 'privileged-user-phishing'), []);
    assert.equal(r.triage['privileged-user-phishing@dev'], undefined);
  });

  it('a rule with no equivalent is listed only, in the header', () => {
    assert.equal(r.summary.riskTracking.find((t) => t.id === 'missing-hardening@*')?.decided, undefined);
    assert.match(r.text, /no threat threatmap finds here answers to[^\n]*\n#   missing-hardening@\*: mitigated/);
  });

  it('an entry for one store (not wildcards) is a decision, not a control; another status than mitigated writes no control', () => {
    const one = imported(MODEL.replace('unencrypted-asset@*:', 'unencrypted-asset@files:'));
    assert.equal(one.raw.elements.files.controls, undefined);
    assert.equal(one.triage['unencrypted-store@files']?.status, 'mitigated');
    const accepted = imported(MODEL.replace(/(missing-authentication-second-factor@\*@\*@\*:\n {4}status:) mitigated/, '$1 accepted'));
    assert.equal(flowOf(accepted.raw, 'dev', 'git', 'Git Push').controls, undefined);
    assert.equal(accepted.triage['privileged-user-phishing@dev']?.status, 'accepted');
  });
});

describe('Threagile import s19: risks identified by hand (#5)', () => {
  const r = imported(MODEL);
  const hand = (component: string) => r.result.threats.find((t) => t.ruleId === 'threat:hand-risk' && t.component === component)
    ?? r.result.threats.find((t) => t.ruleId.startsWith('threat:hand-risk') && t.component === component);

  it('the stated severity is the rating: critical Critical, medium Medium, elevated High, with a note', () => {
    assert.equal(hand('files')?.risk, 'Critical');
    assert.equal(hand('web')?.risk, 'Medium');
    assert.equal(hand('git')?.risk, 'High');
    assert.match(r.text, /# likelihood high and impact high: the ones nearest Threagile's that give its severity critical \(Critical\) here/);
  });

  it('each risk keeps its own title, not its category\'s', () => {
    assert.equal(hand('files')?.title, 'Hand Risk at Files');
    assert.equal(hand('web')?.title, 'Hand Risk at Web');
  });

  it('words that already give the severity are kept as they are, without a note; no severity, the words alone', () => {
    const same = imported(MODEL.replace('severity: critical', 'severity: medium'));
    assert.equal(same.result.threats.find((t) => t.title === 'Hand Risk at Files')?.risk, 'Medium');
    assert.doesNotMatch(same.text, /give its severity medium \(Medium\)\n[^\n]*\n {2}hand-risk:/);
    const none = imported(MODEL.replace('        severity: critical\n', ''));
    assert.equal(none.result.threats.find((t) => t.title === 'Hand Risk at Files')?.risk, 'Medium');
  });
});

describe('Threagile import s19: shared runtimes (#9)', () => {
  const r = imported(MODEL);
  const mixed = r.result.threats.filter((t) => t.ruleId.startsWith('threat:mixed-targets-on-shared-runtime'));

  it('a runtime running assets of several zones: a threat on the exposed one, naming the others', () => {
    assert.deepEqual(mixed.map((t) => t.component), ['web']);
    assert.equal(mixed[0].title, 'Mixed targets on shared runtime Web VM Host');
    assert.match(mixed[0].description, /Web \(dmz\) runs on the shared runtime "Web VM Host" with Files \(internal-net\)/);
    assert.equal(mixed[0].stride, 'E');
  });

  it('a runtime whose assets share one zone: no threat', () => {
    assert.ok(!mixed.some((t) => t.title.includes('Internal VM Host')));
    const same = imported(MODEL.replace('technical_assets_running: [web, files]', 'technical_assets_running: [git, files]'));
    assert.deepEqual(same.result.threats.filter((t) => t.ruleId.startsWith('threat:mixed-targets')), []);
  });

  it('its risk tracking (Threagile\'s mixed-targets-on-shared-runtime) decides it', () => {
    const tracked = imported(`${MODEL}  mixed-targets-on-shared-runtime@web-vm:\n    status: accepted\n    justification: One host for now\n`);
    assert.equal(tracked.triage['threat:mixed-targets-on-shared-runtime@web']?.status, 'accepted');
  });
});
