// Where an nginx configuration sends requests, read the way nginx reads it: the `*_pass` directives, and the
// `server` lines of the `upstream` blocks they name. A generic reading of URLs and `host:` settings misses both
// halves of the most common setups: `fastcgi_pass php:9000;` has no URL at all, and `proxy_pass http://backend;`
// names an upstream block, not a host (nor, when a service is also called `backend`, that service). Pure.
import { hostMentions, type HostMention } from './containers.js';

export type LineMention = HostMention & {
  line: number;
  /** The prefix of the `location` block the directive is in (`location /api/`, `location ^~ /static/`), when it has one. */
  location?: string;
};

/** What each `*_pass` directive speaks when its target has no scheme (the stream module's `proxy_pass db:5432;` is TCP). */
const PASS_SCHEMES: Record<string, string> = { proxy: 'tcp', fastcgi: 'fastcgi', uwsgi: 'uwsgi', scgi: 'scgi', grpc: 'grpc', memcached: 'memcached' };
const PASS = /^(proxy|fastcgi|uwsgi|scgi|grpc|memcached)_pass$/;

interface Statement {
  words: string[];
  line: number;
  /** The names of the blocks it is in, outermost first (`http`, `upstream backend`). */
  within: string[];
}

/**
 * The configuration's simple statements with the blocks they are in. Comments go first (`#` at a line's start or
 * after a space; a URL's `#fragment` follows no space); quotes keep a word whole; a block's own words
 * (`upstream backend {`) name it.
 */
function statements(text: string): Statement[] {
  const out: Statement[] = [];
  const blocks: string[] = [];
  let words: string[] = [];
  let line = 0;
  for (const [i, written] of text.split(/\r?\n/).entries()) {
    const code = written.replace(/(?:^|\s)#.*$/, '');
    for (const token of code.match(/"[^"]*"|'[^']*'|[{};]|[^\s{};"']+/g) ?? []) {
      if (token === '{') {
        blocks.push(words.join(' '));
        words = [];
      } else if (token === '}') {
        blocks.pop();
        words = [];
      } else if (token === ';') {
        if (words.length > 0) out.push({ words, line, within: [...blocks] });
        words = [];
      } else {
        if (words.length === 0) line = i + 1;
        words.push(token.replace(/^(["'])(.*)\1$/s, '$2'));
      }
    }
  }
  return out;
}

/** `server app:3000 weight=2;` in `upstream backend { ... }`, by upstream name. */
function upstreamServers(all: readonly Statement[]): Map<string, Array<{ address: string; line: number }>> {
  const servers = new Map<string, Array<{ address: string; line: number }>>();
  for (const s of all) {
    const block = /^upstream\s+(\S+)$/.exec(s.within.at(-1) ?? '');
    if (!block || s.words[0] !== 'server' || s.words.length < 2) continue;
    const list = servers.get(block[1]) ?? [];
    list.push({ address: s.words[1], line: s.line });
    servers.set(block[1], list);
  }
  return servers;
}

/**
 * The hosts the configuration's `*_pass` directives send requests to, each at the line that gives its address: the
 * directive's own, or the `server` line of the upstream it names. Unix sockets and addresses built from variables
 * (`proxy_pass http://$backend;`) name no host here.
 */
export function nginxPassTargets(text: string): LineMention[] {
  const all = statements(text);
  const upstreams = upstreamServers(all);
  const out: LineMention[] = [];
  for (const s of all) {
    const pass = PASS.exec(s.words[0]);
    const target = s.words[1];
    if (!pass || target === undefined || target.includes('$') || /^unix:/i.test(target)) continue;
    const url = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(target);
    const scheme = url ? url[1] : PASS_SCHEMES[pass[1]];
    const servers = upstreams.get(url ? url[2] : target);
    const addresses = servers ?? [{ address: url ? url[2] : target, line: s.line }];
    const location = prefixLocation(s.within);
    for (const { address, line } of addresses) {
      if (/^unix:/i.test(address)) continue;
      out.push(...hostMentions(`${scheme}://${address}`).map((m) => ({ ...m, line, ...(location !== undefined ? { location } : {}) })));
    }
  }
  return out;
}

/** The path of the innermost `location` block, when it matches by prefix: regular expressions and named locations say no path. */
function prefixLocation(within: readonly string[]): string | undefined {
  for (let i = within.length - 1; i >= 0; i--) {
    const m = /^location\s+(?:(=|\^~|~\*?)\s+)?(\S+)$/.exec(within[i]);
    if (m) return m[1]?.startsWith('~') || !m[2].startsWith('/') ? undefined : m[2];
  }
  return undefined;
}

/**
 * The DNS names the configuration's `server` blocks answer to (`server_name shop.example.com www.shop.example.com;`),
 * each with its line: the public names of the proxy. Wildcards, regular expressions, `_` and names without a dot
 * (`localhost`, a service's own name) say nothing another file could mean.
 */
export function nginxServerNames(text: string): Array<{ name: string; line: number }> {
  return statements(text)
    .filter((s) => s.words[0] === 'server_name' && /^server$/.test(s.within.at(-1) ?? ''))
    .flatMap((s) => s.words.slice(1).filter((w) => /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.?$/.test(w) && !/^\d+(?:\.\d+){3}$/.test(w)).map((w) => ({ name: w.replace(/\.$/, ''), line: s.line })));
}

/** Whether a line holds a `*_pass` directive, whose address nginxPassTargets reads. */
export const hasPassDirective = (line: string): boolean => /(?:^|[\s{;])(?:proxy|fastcgi|uwsgi|scgi|grpc|memcached)_pass\s/.test(line);
