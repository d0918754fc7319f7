// Warnings about a model that is valid but probably not what its author meant: the data flow diagram has
// holes or odd shapes that would make the analysis miss threats.
import { PROTOCOLS } from './catalog.js';
import { displayPath } from './diagnostics.js';
import { modelPositions } from './graph.js';
import type { Diagnostic, Element, Located, Model } from './types.js';

export function sanityWarnings(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warn = (code: string, at: Located, message: string, hint?: string): void => {
    out.push({
      severity: 'warning', code, message, file: model.file, line: at.loc.line, col: at.loc.col,
      path: displayPath(at.at), ...(hint ? { hint } : {}),
    });
  };

  // Indexed loops over positions, no intermediate arrays or maps: this runs on every load, over every
  // element and flow, and the analysis reuses the positions.
  const { flowSource, flowTarget } = modelPositions(model);
  const inputs = new Int32Array(model.elements.length);
  // Inputs that are requests: the answer travels back over the same flow (a protocol not in the catalogue
  // is taken as one, so that an unknown protocol never raises a warning).
  const requests = new Int32Array(model.elements.length);
  const outputs = new Int32Array(model.elements.length);
  // Who sends into each element: the one source, -2 for several, -1 for none (see pullsData).
  const writer = new Int32Array(model.elements.length).fill(-1);
  for (let k = 0; k < model.flows.length; k++) {
    const f = model.flows[k];
    const from = flowSource[k];
    const to = flowTarget[k];
    if (from >= 0) outputs[from]++;
    if (from >= 0 && to >= 0) writer[to] = writer[to] === -1 || writer[to] === from ? from : -2;
    if (to >= 0) {
      inputs[to]++;
      if (PROTOCOLS[f.protocol]?.synchronous !== false) requests[to]++;
    }
    if (f.from === f.to) {
      warn('self-flow', f, `flow \`${f.id}\` goes from \`${f.from}\` to itself`,
        'a flow joins two elements; model the parts as separate elements, or remove the flow');
    } else if (from >= 0 && to >= 0 && model.elements[from].kind === 'store' && model.elements[to].kind === 'store') {
      // In a data flow diagram data moves between stores only through a process (replication, ETL...).
      warn('store-to-store', f, `flow \`${f.id}\` joins two stores directly`,
        'add the process that moves the data (replication, a job, a connector) so that its threats are analysed');
    }
  }

  const pulls = pullers(model, flowSource, flowTarget, writer);
  for (let i = 0; i < model.elements.length; i++) {
    const e = model.elements[i];
    const ins = inputs[i];
    const outs = outputs[i];
    if (ins === 0 && outs === 0) {
      warn('isolated-element', e, `element \`${e.id}\` has no flows`, isolatedHint(e));
    } else if (e.kind === 'process' && outs === 0 && requests[i] === 0) {
      // A process that answers requests sends its answers over its callers' flows: only one fed by messages
      // alone (queues, streams) and sending nothing on is a hole in the diagram.
      warn('process-without-outputs', e, `process \`${e.id}\` receives messages but sends nothing on`,
        'a consumer usually passes its results on (to a store, a service, a provider); add those flows');
    } else if (e.kind === 'process' && ins === 0 && pulls[i] === 0) {
      warn('process-without-inputs', e, `process \`${e.id}\` sends data but receives none`,
        'add the flows into it (who triggers or feeds it)');
    } else if (outs === 0 && carriesMessages(e)) {
      // The messaging rules (poison messages, forged events, flooding) read a broker's consumers from its flows
      // out: one drawn the way its connection opens (`worker -> queue`) reads as a producer, and nothing is judged.
      warn('broker-without-consumers', e, `\`${e.id}\` is fed messages but no flow takes them out`,
        `draw each consumer as a flow from the broker, the way the messages go (\`${e.id} -> worker\`), even when the consumer opens the connection`);
    }
  }
  unusedAssets(model, warn);
  return out;
}

/**
 * Data no element handles or stores, no flow carries and no endpoint takes or returns: no rule weighs it, so the
 * threats to it go unreported however it is classified. An asset rated availability high stands for the service
 * as a whole when nothing holds it (availability.ts), and is no leftover.
 */
function unusedAssets(model: Model, warn: (code: string, at: Located, message: string, hint?: string) => void): void {
  const used = new Set<string>();
  const add = (ids: readonly string[]) => {
    for (let i = 0; i < ids.length; i++) used.add(ids[i]);
  };
  for (const e of model.elements) {
    add(e.handles);
    add(e.stores);
    for (const ep of e.endpoints) {
      add(ep.accepts);
      add(ep.returns);
    }
  }
  for (const f of model.flows) {
    add(f.data);
    if (f.credential !== undefined) used.add(f.credential);
  }
  for (const a of model.assets) {
    if (used.has(a.id) || a.availability === 'high') continue;
    warn('unused-asset', a, `asset \`${a.id}\` is on no element, flow or endpoint: no threat weighs it`,
      'say where it lives or travels (`stores:` or `handles:` on an element, `data:` on a flow, `accepts:` or `returns:` on an endpoint), or remove it');
  }
}

/**
 * The tag `threatmap discover` puts on an element a Service or a published port exposes when it found nothing that
 * calls it: `no-caller-found:FILE:LINE`, citing what exposes it. Something listens there, so the element is no
 * leftover to remove: its callers are missing from the draft.
 */
export const NO_CALLER_TAG = 'no-caller-found';

/** isolated-element's advice: remove a leftover, but ask for the callers of what a Service or a published port exposes. */
function isolatedHint(e: Element): string {
  const tag = e.tags.find((t) => t === NO_CALLER_TAG || t.startsWith(`${NO_CALLER_TAG}:`));
  if (tag === undefined) return 'connect it with a flow, or remove it; threats need flows to be found';
  const where = tag.slice(NO_CALLER_TAG.length + 1);
  return `the draft found no caller, though ${where ? `${where} exposes it` : 'a Service or a published port exposes it'}: add the flow from each element that calls \`${e.id}\` (its settings name it, or its code does); threats need flows to be found`;
}

/** A queue, topic or event bus: what it holds is on its way to consumers (the rules' isBroker). */
export const carriesMessages = (e: Element): boolean =>
  e.type === 'queue' || e.type === 'event-bus' || e.traits.includes('message-broker');

/** Background jobs and functions: a schedule or the platform starts them, which the diagram has no element for. */
const JOB_TYPES: ReadonlySet<string> = new Set(['worker', 'function']);
const TO_STORE = 1;
const TO_OTHER = 2;

/**
 * The processes that take data from a store, in one pass over the flows: 1 for each that connects to a queue
 * or a stream it consumes (its flow drawn as the connection it opens), or to a cache another element fills (the
 * voting app's worker takes the votes the front end pushes into Redis, used as a queue). A database two
 * services write into feeds neither: flows do not say which way the data goes, and a database written by
 * several is the usual case, not a sign that one of them reads what the other wrote.
 * A job (`worker`, `function`) that connects to a store and also sends to something that is not one reads that
 * store: a read is drawn as `job -> store` too, and what starts a nightly export is no flow to draw. A process
 * that connects to a store others write into and to another store reads the one to write the other (a backup
 * agent, an ETL job: what the store-to-store warning asks for). A job that connects only to stores nobody else
 * writes, or to no store, leaves its source out (an importer writing what it reads from nowhere).
 */
function pullers(model: Model, flowSource: Int32Array, flowTarget: Int32Array, writer: Int32Array): Uint8Array {
  const pulls = new Uint8Array(model.elements.length);
  const reaches = new Uint8Array(model.elements.length);
  const firstStore = new Int32Array(model.elements.length).fill(-1);
  const twoStores = new Uint8Array(model.elements.length);
  const readsShared = new Uint8Array(model.elements.length);
  for (let k = 0; k < model.flows.length; k++) {
    const i = flowSource[k];
    const t = flowTarget[k];
    if (i < 0 || t < 0 || i === t || pulls[i] === 1) continue;
    const target = model.elements[t];
    if (JOB_TYPES.has(model.elements[i].type ?? '')) {
      reaches[i] |= target.kind === 'store' ? TO_STORE : TO_OTHER;
      if (reaches[i] === (TO_STORE | TO_OTHER)) pulls[i] = 1;
    }
    if (target.kind !== 'store') continue;
    if (firstStore[i] === -1) firstStore[i] = t;
    else if (firstStore[i] !== t) twoStores[i] = 1;
    const writtenByOthers = writer[t] === -2 || (writer[t] >= 0 && writer[t] !== i);
    if (writtenByOthers) readsShared[i] = 1;
    if (carriesMessages(target)) pulls[i] = 1;
    else if (target.type === 'cache' && writtenByOthers) pulls[i] = 1;
  }
  for (let i = 0; i < pulls.length; i++) if (twoStores[i] === 1 && readsShared[i] === 1) pulls[i] = 1;
  return pulls;
}
