// A valid Compose port mapping with an unbracketed IPv6 host address, `"::1:6000:5432"` (the Compose spec lists
// `"::1:6000:6000"`), made discover fail with "'::1:6000:5432' is not a port mapping ... nothing written".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverCompose, parsePortSpec } from '../../src/import/compose.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { flowSet } from './draft-helpers.js';

const publishing = (spec: string) => discoverCompose(`services:\n  db:\n    image: postgres:16\n    ports:\n      - "${spec}"\n`, 'compose.yaml');

describe('unbracketed IPv6 host addresses in port mappings', () => {
  it('are read as Docker reads them: the host address is all before the last two parts', () => {
    const cases: Array<[string, ReturnType<typeof parsePortSpec>]> = [
      ['::1:6000:5432', { hostIp: '::1', published: '6000', target: '5432' }],
      ['::1:6000:6000/udp', { hostIp: '::1', published: '6000', target: '6000', transport: 'udp' }],
      ['fe80::1:8080:80', { hostIp: 'fe80::1', published: '8080', target: '80' }],
      ['2001:db8:0:0:0:0:0:1:8080:80', { hostIp: '2001:db8:0:0:0:0:0:1', published: '8080', target: '80' }],
      ['::ffff:10.0.0.1:8080:80', { hostIp: '::ffff:10.0.0.1', published: '8080', target: '80' }],
    ];
    for (const [spec, expected] of cases) assert.deepEqual(parsePortSpec(spec), expected, spec);
  });

  it('what is no IPv6 address is still no port mapping', () => {
    for (const spec of ['1:2:3:4', 'a::b::c:80:80', 'g::1:80:80', '1:2:3:4:5:6:7:8:9:80:80', '::1:x:80']) assert.equal(parsePortSpec(spec), undefined, spec);
  });

  it('the loopback ::1 is called by local clients, as 127.0.0.1 and [::1] are', () => {
    for (const spec of ['::1:6000:5432', '[::1]:6000:5432', '127.0.0.1:6000:5432']) {
      const r = publishing(spec);
      assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
      assert.deepEqual(flowSet(r.draft), ['local -> db'], spec);
    }
  });

  it('any other IPv6 address is reachable from outside', () => {
    const r = publishing('2001:db8::10:6000:5432');
    assert.ok(!hasErrors(r.diagnostics), formatDiagnostics(r.diagnostics));
    assert.deepEqual(flowSet(r.draft), ['clients -> db']);
  });
});
