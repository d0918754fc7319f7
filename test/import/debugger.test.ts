// Remote debuggers in containers: what starts one and where it listens (command lines and the variables a
// runtime reads), and how discover draws a published debugger port: a flow of its own over `debugger`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { discoverCompose } from '../../src/import/compose.js';
import { debuggerListener, type EnvSetting } from '../../src/import/containers.js';
import { draftToYaml } from '../../src/import/draft.js';
import { discoverKubernetes } from '../../src/import/kubernetes.js';
import { formatDiagnostics, hasErrors } from '../../src/model/diagnostics.js';
import { loadModel } from '../../src/model/load.js';
import { elementOf, flowSet, k8sDeployment } from './draft-helpers.js';

const fromCommand = (...args: string[]) => {
  const d = debuggerListener([{ where: 'command', args }], []);
  return d && [d.tool, d.port, d.bind, d.setting];
};
const fromEnv = (key: string, value: string) => {
  const env: EnvSetting[] = [{ key, value, raw: value, line: 7 }];
  const d = debuggerListener([], env);
  return d && [d.where, d.port, d.bind];
};

describe('debuggerListener', () => {
  it('the Node.js inspector: the default port and the loopback address unless a host is given', () => {
    assert.deepEqual(fromCommand('nodemon --inspect=0.0.0.0 server.js'), ['the Node.js inspector', 9229, 'all', '--inspect=0.0.0.0']);
    assert.deepEqual(fromCommand('node', '--inspect-brk=0.0.0.0:9230', 'app.js'), ['the Node.js inspector', 9230, 'all', '--inspect-brk=0.0.0.0:9230']);
    assert.deepEqual(fromCommand('node --inspect app.js'), ['the Node.js inspector', 9229, 'loopback', '--inspect']);
    assert.deepEqual(fromCommand('node --inspect=9230 app.js'), ['the Node.js inspector', 9230, 'loopback', '--inspect=9230']);
    assert.deepEqual(fromCommand('node "--inspect=[::]:9229" app.js'), ['the Node.js inspector', 9229, 'all', '--inspect=[::]:9229']);
    assert.equal(fromCommand('node --inspector-like app.js'), undefined);
  });

  it('JDWP listens only with server=y; `*:` is every interface, a bare port depends on the JDK', () => {
    assert.deepEqual(fromCommand('java -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005 -jar app.jar'),
      ['JDWP (the Java debugger)', 5005, 'all', '-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005']);
    assert.deepEqual(fromCommand('java', '-Xrunjdwp:transport=dt_socket,server=y,address=8000', '-jar', 'app.jar')?.slice(1, 3), [8000, 'unknown']);
    assert.deepEqual(fromCommand('java -agentlib:jdwp=transport=dt_socket,server=y,address=localhost:5005 -jar a.jar')?.slice(1, 3), [5005, 'loopback']);
    assert.equal(fromCommand('java -agentlib:jdwp=transport=dt_socket,server=n,address=ide:5005 -jar a.jar'), undefined, 'it connects out to a debugger');
  });

  it('debugpy, Delve and Chromium, each with its own default address', () => {
    assert.deepEqual(fromCommand('python -m debugpy --listen 0.0.0.0:5678 app.py'), ['debugpy (the Python debugger)', 5678, 'all', '--listen 0.0.0.0:5678']);
    assert.deepEqual(fromCommand('python', '-m', 'debugpy', '--listen', '5678', 'app.py')?.slice(1, 3), [5678, 'loopback']);
    assert.deepEqual(fromCommand('dlv --headless --listen=:2345 --api-version=2 exec /app'), ['Delve (the Go debugger)', 2345, 'all', '--listen=:2345']);
    assert.equal(fromCommand('server --listen=:8080'), undefined, 'another program\'s --listen');
    assert.deepEqual(fromCommand('chromium --headless --remote-debugging-address=0.0.0.0 --remote-debugging-port=9222')?.slice(1, 3), [9222, 'all']);
    assert.deepEqual(fromCommand('chromium --headless --remote-debugging-port=9222')?.slice(1, 3), [9222, 'loopback']);
  });

  it('the variables a runtime reads its options from', () => {
    assert.deepEqual(fromEnv('NODE_OPTIONS', '--max-old-space-size=512 --inspect=0.0.0.0:9229'), ['env NODE_OPTIONS', 9229, 'all']);
    assert.deepEqual(fromEnv('JAVA_TOOL_OPTIONS', '-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005'), ['env JAVA_TOOL_OPTIONS', 5005, 'all']);
    assert.equal(fromEnv('APP_ARGS', '--inspect=0.0.0.0'), undefined, 'not a variable the runtime reads');
  });
});

const loads = (yaml: string) => {
  const loaded = loadModel(yaml, 'model.yaml');
  assert.ok(loaded.model && !hasErrors(loaded.diagnostics), formatDiagnostics(loaded.diagnostics));
  return loaded.model;
};

describe('discover: published debugger ports', () => {
  const app = (entrypoint: string, ports: string) =>
    `services:\n  api:\n    image: node:20\n    entrypoint: ${entrypoint}\n    ports:\n${ports}`;

  it('a port that forwards to a debugger listening on every interface is a flow of its own, beside the application\'s', () => {
    const { draft } = discoverCompose(app('node --inspect=0.0.0.0:9229 server.js', '      - "3000:3000"\n      - "9229:9229"\n'), 'compose.yaml');
    assert.deepEqual(flowSet(draft), ['clients -> api', 'clients -> api']);
    assert.deepEqual(draft.flows.map((f) => [f.protocol, f.port]), [['http', 3000], ['debugger', 9229]]);
    assert.equal(draft.flows[1].evidence[0].provenance.note, 'ports 9229:9229; the Node.js inspector (entrypoint --inspect=0.0.0.0:9229)');
    assert.match(elementOf(draft, 'api').provenance[0].note ?? '', /the Node\.js inspector \(entrypoint --inspect=0\.0\.0\.0:9229\) listens on every interface/);
    const yaml = draftToYaml(draft);
    assert.match(yaml, /- clients -> api: \{ id: api-debugger, protocol: debugger, port: 9229 \}/);
    const threats = analyze(loads(yaml)).threats.filter((t) => t.ruleId === 'exposed-debugger');
    assert.deepEqual(threats.map((t) => [t.component, t.risk, t.flows]), [['api', 'Critical', ['api-debugger']]]);
  });

  it('a port that forwards to a debugger on the container\'s loopback address reaches nothing, and says so', () => {
    const { draft } = discoverCompose(app('node --inspect server.js', '      - "9229:9229"\n'), 'compose.yaml');
    assert.deepEqual(draft.flows.map((f) => f.protocol), ['http']);
    assert.match(draft.flows[0].evidence[0].provenance.note ?? '', /listens on the container's loopback address only: this port reaches nothing/);
  });

  it('a debugger started through NODE_OPTIONS, published on the host\'s loopback address: local clients, rated Low', () => {
    const text = 'services:\n  api:\n    image: node:20\n    environment:\n      NODE_OPTIONS: --inspect=0.0.0.0\n    ports:\n      - "127.0.0.1:9229:9229"\n';
    const { draft } = discoverCompose(text, 'compose.yaml');
    assert.deepEqual(flowSet(draft), ['local -> api']);
    assert.equal(draft.flows[0].protocol, 'debugger');
    const [t] = analyze(loads(draftToYaml(draft))).threats.filter((x) => x.ruleId === 'exposed-debugger');
    assert.deepEqual([t?.likelihood.level, t?.risk], ['Low', 'Medium']);
  });

  it('Kubernetes: a Service that publishes the debugger\'s port, and a hostPort', () => {
    const manifest = `${k8sDeployment('api', 'eclipse-temurin:21')}          args: ["java", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005", "-jar", "app.jar"]
          ports:
            - { containerPort: 8080 }
            - { containerPort: 5005, hostPort: 5005 }
---
apiVersion: v1
kind: Service
metadata: { name: api }
spec:
  type: NodePort
  selector: { app: api }
  ports:
    - { name: http, port: 80, targetPort: 8080, nodePort: 30080 }
    - { name: debug, port: 5005, targetPort: 5005, nodePort: 30005 }
`;
    const { draft } = discoverKubernetes(manifest, 'api.yaml');
    assert.deepEqual(draft.flows.map((f) => [f.protocol, f.evidence.map((e) => e.provenance.line)]), [['debugger', [15, 25]], ['http', [24]]]);
    assert.match(elementOf(draft, 'api').provenance[0].note ?? '', /JDWP \(the Java debugger\) \(command -agentlib:jdwp=.*address=\*:5005\) listens on every interface: pods that reach it can attach/);
    const threats = analyze(loads(draftToYaml(draft))).threats.filter((t) => t.ruleId === 'exposed-debugger');
    assert.deepEqual(threats.map((t) => [t.component, t.risk]), [['api', 'Critical']]);
  });
});
