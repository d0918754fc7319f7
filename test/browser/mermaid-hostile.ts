// A model whose names and ids try every trick against Mermaid: string terminators, markup and script,
// Mermaid keywords and directives, entity codes, Mermaid's own internal entity placeholders, emoji and
// 200-character names. It goes through loadModel + analyze like a user's file (JSON is valid YAML).

/** Set by any payload that manages to run; the browser test checks it stays undefined. */
export const PWNED = '__pwned';

export const HOSTILE_NAMES: readonly string[] = [
  'Say "hi" [x] | pipe |',
  `<script>window.${PWNED}=1</script>`,
  `<img src="http://127.0.0.1:9/x.png" onerror="window.${PWNED}=2">`,
  `<svg onload="window.${PWNED}=3"></svg>`,
  `<a href="javascript:window.${PWNED}=4">click me</a>`,
  '"]) --> n1 & n2\nclick n1 call alert() %%',
  '%%{init: {"securityLevel": "loose", "flowchart": {"htmlLabels": true}}}%%',
  '%% just a comment',
  'end',
  'subgraph',
  'graph TD',
  'style n1 fill:#f00',
  'classDef evil fill:#f00 :::evil',
  '🔥 Fire 🚒 service 👩‍👩‍👧 🇫🇷',
  `Long ${'x'.repeat(195)}`,
  '#60;script#62; &lt;b&gt; &amp; &#x3C;i&#x3E;',
  '\uFB02\u00B0\u00B060\u00B6\u00DFscript\uFB02\u00B0\u00B062\u00B6\u00DF',
  '`**markdown** string`',
  '{braces} (parens) ((circle)) >asym] [/trap/] {{hex}}',
  'back\\slash \\" \\n',
  'tab\there\u2028line\u202Eright-to-left',
];

/**
 * Ids the schema accepts (letters, digits, `. _ : -`) that are Mermaid keywords or look like its syntax.
 * `end` and `subgraph` are boundary ids (elements and boundaries share one namespace).
 */
const ELEMENT_IDS = [
  'END', 'Subgraph', 'a.b:c', 'graph', 'style', 'click', 'class', 'default', 'flowchart', 'x:1.2',
  'linkStyle', 'classDef', 'direction', 'n1', 'b1', 'legend', 'e-1', 'call', 'href', 'TD', 'LR',
];

export const HOSTILE_FOCUS = { boundary: 'end', nested: 'zone.a:b', element: 'a.b:c' } as const;

export function hostileModelText(): string {
  const kinds = ['external', 'process', 'store'] as const;
  const boundaryIds = ['end', 'subgraph', 'zone.a:b'];
  const boundaries: Record<string, unknown> = {
    end: { name: '<b>Zone</b> "one" | [x] end', trust: 'untrusted' },
    subgraph: { name: `subgraph ]] end <img src=x onerror="window.${PWNED}=5">`, trust: 'internal' },
    'zone.a:b': { name: '%%{init: {"theme": "dark"}}%% nested 🔒', trust: 'restricted', in: 'subgraph' },
  };
  const assets: Record<string, unknown> = {
    end: { name: 'End "asset"', type: 'pii', classification: 'confidential' },
    subgraph: { name: '<i>subgraph</i>', type: 'business' },
    'a.b:c': { name: 'Dots and colons', type: 'session', classification: 'confidential' },
  };
  const elements: Record<string, unknown> = {};
  ELEMENT_IDS.forEach((id, i) => {
    const kind = kinds[i % 3]!;
    elements[id] = {
      kind,
      name: HOSTILE_NAMES[i % HOSTILE_NAMES.length],
      // Externals stay outside every boundary; the rest spread over the three, nested one included.
      ...(kind === 'external' ? {} : { in: boundaryIds[(i >> 1) % boundaryIds.length] }),
      ...(kind === 'store' ? { stores: ['end', 'a.b:c'] } : { handles: ['subgraph'] }),
    };
  });
  const protocols = ['https', 'http', 'x-end', 'x-a+b.c', 'grpc'];
  const flows: unknown[] = [];
  for (let i = 0; i + 1 < ELEMENT_IDS.length; i++) {
    flows.push({
      from: ELEMENT_IDS[i],
      to: ELEMENT_IDS[i + 1],
      protocol: protocols[i % protocols.length],
      data: [['end'], ['subgraph', 'a.b:c'], [], ['end', 'subgraph', 'a.b:c']][i % 4],
    });
  }
  // A cycle back and a second flow between the same pair (which needs its own id).
  flows.push({ from: 'LR', to: 'END', protocol: 'https', data: ['end'] });
  flows.push({ id: 'end.again:1', from: 'END', to: 'Subgraph', protocol: 'x-end' });
  return JSON.stringify({
    threatmap: 1,
    system: { name: `Evil "system" <svg onload="window.${PWNED}=6"> %% end` },
    boundaries,
    assets,
    elements,
    flows,
  }, null, 2);
}
