// Session 28 (review): a CT scanner in the internal clinical network calling the PACS server over TLS was rated
// Critical, "Likelihood: High, device traffic is easy to capture and replay": posing as an internal device needs
// a foothold on that network first, and over TLS the traffic is not there to capture.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onlyThreat } from './harness.js';

const imaging = (scanner: string, protocol: string) => `boundaries:
  clinical: { name: Clinical network, trust: internal }
elements:
  modality: { name: CT scanner, type: device${scanner} }
  pacs: { name: PACS server, type: service, in: clinical, handles: [images] }
assets:
  images: { name: Diagnostic images, type: health, classification: restricted }
flows:
  - modality -> pacs: { protocol: ${protocol}, data: [images] }
`;

describe('unauthenticated-device: the likelihood of posing as a device follows where it calls from', () => {
  it('rates an internal device\'s call Medium, needing a foothold on its network', () => {
    const t = onlyThreat(imaging(', in: clinical', 'tls'), 'unauthenticated-device');
    assert.equal(t.likelihood.level, 'Medium');
    assert.equal(t.likelihood.reason, 'needs a foothold on the network CT scanner is on');
    assert.equal(t.risk, 'High');
  });

  it('keeps High for a device outside every boundary, saying that encryption does not hide who sends', () => {
    const tls = onlyThreat(imaging('', 'tls'), 'unauthenticated-device');
    assert.equal(tls.likelihood.level, 'High');
    assert.match(tls.likelihood.reason, /encryption hides the traffic, not who sends it/);
    const plain = onlyThreat(imaging('', 'tcp'), 'unauthenticated-device');
    assert.equal(plain.likelihood.level, 'High');
    assert.equal(plain.likelihood.reason, 'device traffic is easy to capture and replay');
  });

  it('keeps High for a device in an untrusted zone', () => {
    const field = imaging(', in: field', 'tls').replace('boundaries:\n', 'boundaries:\n  field: { trust: untrusted }\n');
    assert.equal(onlyThreat(field, 'unauthenticated-device').likelihood.level, 'High');
  });
});
