// Session 22 (discover-sshd): the terminal summary of `threatmap discover` names the sshd_config files it read for
// how SSH clients log in, beside the compose files, as the draft's header already lists them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempFolder } from '../temp.js';
import { runIn } from './run-cli.js';

const discover = (dir: string) => runIn(dir, 'discover', '.');

describe('discover: the sshd_config files read', () => {
  it('are counted and named in the summary, and listed in the header', () => {
    const dir = tempFolder('threatmap-sshd-s22-');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  box:\n    image: acme/box\n    volumes:\n      - ./sshd_config:/etc/ssh/sshd_config:ro\n    ports: ["2200:22"]\n');
    writeFileSync(join(dir, 'sshd_config'), 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n');
    const r = discover(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^threatmap discover: read 1 compose file, 1 sshd_config file: compose\.yaml, sshd_config$/m);
    assert.match(r.stdout, /^# {3}sshd_config \(sshd_config\)$/m);
    assert.match(r.stdout, /auth: ssh-key/);
  });

  it('are not mentioned where no service mounts one', () => {
    const dir = tempFolder('threatmap-sshd-s22-');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  box:\n    image: acme/box\n    ports: ["2200:22"]\n');
    writeFileSync(join(dir, 'sshd_config'), 'PasswordAuthentication no\n');
    const r = discover(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^threatmap discover: read 1 compose file: compose\.yaml$/m);
  });
});
