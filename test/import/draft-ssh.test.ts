// Session 21: a draft writes `auth: ssh-key` on an SSH flow only where a file states key-only login (linuxserver's
// PASSWORD_ACCESS=false or a key it installs, an sshd_config of the repository the service mounts), citing it;
// otherwise the auth is left to the reviewer with a check, and the analysis reports the call as unauthenticated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { type ComposeOptions, discoverCompose } from '../../src/import/compose.js';
import { type EnvSetting, sshdKeyOnly, sshPasswordOff } from '../../src/import/containers.js';
import { draftToYaml, SSH_AUTH_CHECK } from '../../src/import/draft.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { flowOf } from './draft-helpers.js';

const compose = (text: string, options: ComposeOptions = {}) => discoverCompose(text, 'compose.yaml', options).draft;
const env = (settings: Record<string, string | undefined>): EnvSetting[] =>
  Object.entries(settings).map(([key, value], i) => ({ key, line: i + 1, ...(value === undefined ? {} : { value }) }));

/** `app` calls `sshd` (linuxserver's image) on 2222 inside the project; `sshdEnv` is the server's environment block. */
const appAndServer = (sshdEnv: string) =>
  `services:\n  sshd:\n    image: lscr.io/linuxserver/openssh-server:latest\n${sshdEnv}  app:\n    image: acme/app\n    environment:\n      SFTP_HOST: sshd\n      SFTP_PORT: "2222"\n`;

/** `box` (no SSH image) publishes port 22 and mounts `volume`; the repository's files are `files`. */
const mounted = (volume: string, files: Record<string, string>) => compose(
  `services:\n  box:\n    image: acme/box\n    volumes:\n      - ${volume}\n    ports: ["2200:22"]\n`,
  { readFile: (path) => (files[path.replace(/^\.\//, '')] !== undefined ? { text: files[path.replace(/^\.\//, '')], file: path.replace(/^\.\//, '') } : undefined) },
);

function loads(text: string) {
  const loaded = loadModel(text, 'threatmap.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return loaded.model;
}

describe('sshd_config: where it switches password login off', () => {
  it('PasswordAuthentication no, AuthenticationMethods publickey, and PAM with keyboard-interactive off are key-only', () => {
    assert.deepEqual(sshdKeyOnly('# hardened\nPort 22\nPasswordAuthentication no\n'), { line: 3, says: 'PasswordAuthentication no' });
    assert.deepEqual(sshdKeyOnly('AuthenticationMethods publickey\n'), { line: 1, says: 'AuthenticationMethods publickey' });
    assert.deepEqual(sshdKeyOnly('UsePAM yes\nKbdInteractiveAuthentication no\npasswordauthentication=no\n'), { line: 3, says: 'passwordauthentication no' });
  });

  it('not where password login may still happen: the default, yes first, PAM asking, a Match block, a password method', () => {
    assert.equal(sshdKeyOnly('Port 22\n'), undefined);
    assert.equal(sshdKeyOnly('#PasswordAuthentication no\n'), undefined);
    // sshd takes the first value of a keyword.
    assert.equal(sshdKeyOnly('PasswordAuthentication yes\nPasswordAuthentication no\n'), undefined);
    // keyboard-interactive is on by default, and PAM asks for the password through it.
    assert.equal(sshdKeyOnly('UsePAM yes\nPasswordAuthentication no\n'), undefined);
    // Only for the hosts the block matches.
    assert.equal(sshdKeyOnly('Match Address 10.0.0.0/8\n  PasswordAuthentication no\n'), undefined);
    assert.equal(sshdKeyOnly('AuthenticationMethods publickey,password\n'), undefined);
  });
});

describe('linuxserver settings: where they switch password login off', () => {
  it('PASSWORD_ACCESS=false on any SSH image; a key the linuxserver image installs', () => {
    assert.equal(sshPasswordOff('acme/sshd', env({ PASSWORD_ACCESS: 'false' }))?.says, 'PASSWORD_ACCESS=false');
    assert.equal(sshPasswordOff('linuxserver/openssh-server:9', env({ PUBLIC_KEY: 'ssh-ed25519 AAAA ops' }))?.says, 'PUBLIC_KEY set: keys only, as PASSWORD_ACCESS is not true');
    assert.equal(sshPasswordOff('lscr.io/linuxserver/openssh-server', env({ TZ: 'UTC', PUBLIC_KEY_FILE: '/keys/ops.pub' }))?.setting.line, 2);
  });

  it('not when password access is on or left to the shell, nor for a key on an image that may take passwords too', () => {
    assert.equal(sshPasswordOff('linuxserver/openssh-server', env({ PASSWORD_ACCESS: 'true', PUBLIC_KEY: 'ssh-ed25519 AAAA ops' })), undefined);
    assert.equal(sshPasswordOff('linuxserver/openssh-server', env({ PASSWORD_ACCESS: undefined, PUBLIC_KEY: 'ssh-ed25519 AAAA ops' })), undefined);
    assert.equal(sshPasswordOff('acme/sshd', env({ PUBLIC_KEY: 'ssh-ed25519 AAAA ops' })), undefined);
    assert.equal(sshPasswordOff('linuxserver/openssh-server', env({ PUBLIC_KEY: '' })), undefined);
    assert.equal(sshPasswordOff('linuxserver/openssh-server', env({})), undefined);
  });
});

describe('SSH flows in a draft', () => {
  it('PASSWORD_ACCESS=false: ssh-key, stated with its file and line, no check', () => {
    const draft = compose(appAndServer('    environment:\n      PASSWORD_ACCESS: "false"\n'));
    const flow = flowOf(draft, 'app', 'sshd');
    assert.deepEqual([flow.protocol, flow.auth, flow.check], ['ssh', 'ssh-key', undefined]);
    assert.equal(flow.stated, 'auth ssh-key: compose.yaml:5 environment PASSWORD_ACCESS=false');
    assert.match(draftToYaml(draft), /# compose\.yaml:9 environment SFTP_HOST; auth ssh-key: compose\.yaml:5 environment PASSWORD_ACCESS=false\n {2}- app -> sshd: \{ protocol: ssh, auth: ssh-key, port: 2222 \}/);
  });

  it('no setting: auth unstated, and the comment tells the reviewer what to state', () => {
    const draft = compose(appAndServer('    environment:\n      TZ: UTC\n'));
    const flow = flowOf(draft, 'app', 'sshd');
    assert.deepEqual([flow.protocol, flow.auth, flow.stated], ['ssh', undefined, undefined]);
    assert.equal(flow.check, SSH_AUTH_CHECK);
    const text = draftToYaml(draft);
    assert.match(text, /# compose\.yaml:9 environment SFTP_HOST; Check: no file says how SSH clients log in; state `auth: ssh-key` if password login is off, else `auth: password`\n {2}- app -> sshd: \{ protocol: ssh, port: 2222 \}/);
    assert.doesNotMatch(text, /ssh-key assumed/);
  });

  it('an sshd_config of the repository mounted where sshd reads it (the file, its folder, a drop-in): ssh-key, citing the line', () => {
    const config = { 'ssh/sshd_config': 'Port 22\nPasswordAuthentication no\n', 'hardening.conf': 'AuthenticationMethods publickey\n' };
    for (const [volume, stated] of [
      ['./ssh/sshd_config:/etc/ssh/sshd_config:ro', 'auth ssh-key: ssh/sshd_config:2 PasswordAuthentication no'],
      ['./ssh:/etc/ssh', 'auth ssh-key: ssh/sshd_config:2 PasswordAuthentication no'],
      ['./hardening.conf:/etc/ssh/sshd_config.d/10-hardening.conf', 'auth ssh-key: hardening.conf:1 AuthenticationMethods publickey'],
    ]) {
      const draft = mounted(volume, config);
      const flow = flowOf(draft, 'clients', 'box');
      assert.deepEqual([flow.protocol, flow.auth, flow.stated, flow.check], ['ssh', 'ssh-key', stated, undefined], volume);
      // The file read is a source of the draft, listed in its header.
      assert.ok(draft.sources.some((s) => s.format === 'sshd_config' && stated.includes(s.file)), volume);
    }
  });

  it('an sshd_config that leaves passwords on, one mounted elsewhere, or none readable: a check, no auth', () => {
    for (const [volume, files] of [
      ['./sshd_config:/etc/ssh/sshd_config', { sshd_config: 'PasswordAuthentication yes\n' }],
      ['./sshd_config:/srv/sshd_config', { sshd_config: 'PasswordAuthentication no\n' }],
      ['./sshd_config:/etc/ssh/sshd_config', {}],
    ] as const) {
      const draft = mounted(volume, files);
      const flow = flowOf(draft, 'clients', 'box');
      assert.deepEqual([flow.auth, flow.check], [undefined, SSH_AUTH_CHECK], volume);
      assert.ok(!draft.sources.some((s) => s.format === 'sshd_config'), volume);
    }
  });

  it('password login switched on wins over a key: password, no check', () => {
    const draft = compose(appAndServer('    environment:\n      PASSWORD_ACCESS: "true"\n      PUBLIC_KEY: ssh-ed25519 AAAA ops\n'));
    const flow = flowOf(draft, 'app', 'sshd');
    assert.deepEqual([flow.auth, flow.check], ['password', undefined]);
  });

  it('the analysis of a draft without evidence reports no-mutual-tls with SSH advice; with evidence the call identifies its caller', () => {
    const threat = (sshdEnv: string) => analyze(loads(draftToYaml(compose(appAndServer(sshdEnv))))).threats.find((t) => t.ruleId === 'no-mutual-tls');
    const unstated = threat('    environment:\n      TZ: UTC\n');
    assert.ok(unstated, 'no-mutual-tls not reported');
    assert.deepEqual(unstated.flows, ['app->sshd']);
    assert.match(unstated.mitigation, /Authenticate these SSH sessions with a key per calling service/);
    assert.equal(threat('    environment:\n      PASSWORD_ACCESS: "false"\n'), undefined);
  });
});
