// Session 24: a compose port bound to a variable whose default is the loopback address (`${LISTEN_IP:-127.0.0.1}`,
// crAPI's way) is drawn as the file is written: local clients only, with a check saying what a deployment that sets
// the variable to a public address opens. A variable with no default, or a public default, is read as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose } from '../../src/import/compose.js';
import { draftToYaml, HOST_CLIENTS, OUTSIDE_CLIENTS } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { analyzeText } from '../rules/harness.js';
import { flowSet } from './draft-helpers.js';

function compose(ports: string, image = 'mailhog/mailhog:v1.0.1') {
  const r = discoverCompose(`services:\n  mailhog:\n    image: ${image}\n    ports:\n${ports}`, 'compose.yaml');
  assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
  return r;
}

const listenChecks = (r: ReturnType<typeof compose>) => r.checks.filter((c) => c.message.includes('publishes on')).map((c) => `${c.file}:${c.line} ${c.message}`);
const mailCatcher = (r: ReturnType<typeof compose>) =>
  analyzeText(draftToYaml(r.draft)).threats.filter((t) => t.ruleId === 'exposed-mail-catcher').map((t) => `${t.component} ${t.risk}`);

describe('discover s24: ports on ${LISTEN_IP:-127.0.0.1}', () => {
  it('follows the loopback default: local clients, a check per service and variable, and no exposed mail catcher', () => {
    const r = compose('      - "${LISTEN_IP:-127.0.0.1}:8025:8025"\n      - "${LISTEN_IP:-127.0.0.1}:1025:1025"\n');
    assert.deepEqual(flowSet(r.draft), ['local -> mailhog', 'local -> mailhog']);
    assert.ok(!r.draft.elements.some((e) => e.key === OUTSIDE_CLIENTS));
    assert.deepEqual(r.draft.flows.map((f) => f.evidence[0].provenance.note), [
      'ports 127.0.0.1:1025:1025 (loopback unless LISTEN_IP is set: reachable from this host only by default)',
      'ports 127.0.0.1:8025:8025 (loopback unless LISTEN_IP is set: reachable from this host only by default)',
    ]);
    assert.deepEqual(listenChecks(r), [
      'compose.yaml:5 service mailhog publishes on ${LISTEN_IP} (default 127.0.0.1): if a deployment sets it to a public address, mailhog is reachable from outside (ports 8025:8025, 1025:1025); the draft follows the default, local clients only',
    ]);
    assert.ok(r.draft.limits.includes(`Check: ${listenChecks(r)[0]}`));
    assert.deepEqual(mailCatcher(r), []);
  });

  it('the long syntax\'s host_ip written with the variable reads the same', () => {
    const r = compose('      - target: 8025\n        published: "8025"\n        host_ip: ${LISTEN_IP:-127.0.0.1}\n');
    assert.deepEqual(flowSet(r.draft), ['local -> mailhog']);
    assert.deepEqual(listenChecks(r).map((c) => c.split(': if')[0]), ['compose.yaml:5 service mailhog publishes on ${LISTEN_IP} (default 127.0.0.1)']);
  });

  it('a literal loopback address is local with no check; a variable with no default, or a public default, stays outside', () => {
    const literal = compose('      - "127.0.0.1:8025:8025"\n');
    assert.deepEqual([flowSet(literal.draft), listenChecks(literal)], [['local -> mailhog'], []]);
    assert.equal(literal.draft.flows[0].from, HOST_CLIENTS);
    for (const port of ['${LISTEN_IP}:8025:8025', '${LISTEN_IP:-0.0.0.0}:8025:8025', '8025:8025']) {
      const r = compose(`      - "${port}"\n`);
      assert.deepEqual([flowSet(r.draft), listenChecks(r)], [['clients -> mailhog'], []], port);
      assert.deepEqual(mailCatcher(r), ['mailhog Critical'], port);
    }
  });
});
