// Session 22 (k8s-ssh): Kubernetes manifests read an SSH server as compose files do: its image says it answers
// SSH, linuxserver's PASSWORD_ACCESS says whether clients log in by password or key only, and an sshd_config a
// ConfigMap of the manifests mounts where sshd reads it can switch password login off, cited at the ConfigMap's key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverKubernetesFiles } from '../../src/import/kubernetes.js';
import { draftToYaml, SSH_AUTH_CHECK } from '../../src/import/draft.js';
import { elementOf, flowOf } from './draft-helpers.js';

/** A Deployment `name` of `image` with the container's extra lines, and a NodePort Service on `port`. */
const server = (name: string, image: string, container = '', pod = '', port = 22) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n` +
  `    metadata: { labels: { app: ${name} } }\n    spec:\n      containers:\n        - name: main\n          image: ${image}\n${container}${pod}` +
  `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: NodePort\n  selector: { app: ${name} }\n  ports:\n    - port: ${port}\n`;
const SSHD_MAP = (config: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sshd\ndata:\n  sshd_config: |\n${config.split('\n').filter(Boolean).map((l) => `    ${l}\n`).join('')}---\n`;
const read = (text: string) => discoverKubernetesFiles([{ text, file: 'ssh.yaml' }]).draft;

describe('discoverKubernetesFiles: SSH servers', () => {
  it('reads linuxserver\'s PASSWORD_ACCESS=false as key-only login, citing the env line', () => {
    const draft = read(server('bastion', 'lscr.io/linuxserver/openssh-server:9.7', '          env:\n            - { name: PASSWORD_ACCESS, value: "false" }\n', '', 2222));
    assert.equal(elementOf(draft, 'bastion').identity?.protocol, 'ssh');
    const f = flowOf(draft, 'clients', 'bastion');
    assert.equal(f.protocol, 'ssh');
    assert.equal(f.auth, 'ssh-key');
    assert.match(draftToYaml(draft), /auth ssh-key: ssh\.yaml:14 env PASSWORD_ACCESS=false/);
  });

  it('reads PASSWORD_ACCESS=true as password login, and a key the image installs as key-only', () => {
    const pw = read(server('legacy', 'linuxserver/openssh-server:9.7', '          env:\n            - { name: PASSWORD_ACCESS, value: "true" }\n', '', 2222));
    assert.equal(flowOf(pw, 'clients', 'legacy').auth, 'password');
    const key = read(server('keyed', 'linuxserver/openssh-server:9.7', '          env:\n            - { name: PUBLIC_KEY, value: "ssh-ed25519 AAAA me" }\n', '', 2222));
    assert.equal(flowOf(key, 'clients', 'keyed').auth, 'ssh-key');
  });

  it('reads an sshd_config from a ConfigMap mounted by subPath or as a drop-in folder', () => {
    const mount = '          volumeMounts:\n            - { name: cfg, mountPath: /etc/ssh/sshd_config, subPath: sshd_config }\n';
    const volume = '      volumes:\n        - name: cfg\n          configMap: { name: sshd }\n';
    const draft = read(SSHD_MAP('PasswordAuthentication no\nKbdInteractiveAuthentication no\n') + server('jump', 'example/sshd:1.0', mount, volume));
    assert.equal(flowOf(draft, 'clients', 'jump').auth, 'ssh-key');
    assert.match(draftToYaml(draft), /auth ssh-key: ssh\.yaml:6 ConfigMap sshd sshd_config, mounted at \/etc\/ssh\/sshd_config: PasswordAuthentication no/);
    const dropIn = '          volumeMounts:\n            - { name: cfg, mountPath: /etc/ssh/sshd_config.d/ }\n';
    const items = '      volumes:\n        - name: cfg\n          configMap:\n            name: sshd\n            items: [{ key: sshd_config, path: keys.conf }]\n';
    const folder = read(SSHD_MAP('AuthenticationMethods publickey\n') + server('jump', 'example/sshd:1.0', dropIn, items));
    assert.equal(flowOf(folder, 'clients', 'jump').auth, 'ssh-key');
  });

  it('leaves the auth to the reviewer where nothing says, or the config leaves password login on', () => {
    const bare = read(server('box', 'example/openssh-server:1.0'));
    const f = flowOf(bare, 'clients', 'box');
    assert.equal(f.protocol, 'ssh');
    assert.equal(f.auth, undefined);
    assert.ok(draftToYaml(bare).includes(SSH_AUTH_CHECK));
    const mount = '          volumeMounts:\n            - { name: cfg, mountPath: /etc/ssh/sshd_config, subPath: sshd_config }\n';
    const volume = '      volumes:\n        - name: cfg\n          configMap: { name: sshd }\n';
    // PAM asks for the password through keyboard-interactive, on by default.
    const pam = read(SSHD_MAP('UsePAM yes\nPasswordAuthentication no\n') + server('jump', 'example/sshd:1.0', mount, volume));
    assert.equal(flowOf(pam, 'clients', 'jump').auth, undefined);
    // Mounted elsewhere, sshd does not read it.
    const elsewhere = read(SSHD_MAP('PasswordAuthentication no\n') + server('jump', 'example/sshd:1.0', mount.replace('/etc/ssh/sshd_config', '/config/sshd_config'), volume));
    assert.equal(flowOf(elsewhere, 'clients', 'jump').auth, undefined);
  });
});
