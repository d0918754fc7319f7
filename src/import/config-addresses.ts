// The hosts a configuration file a container reads names (an nginx.conf bind-mounted or in a ConfigMap, an
// application's settings file). Pure.
import { type HostMention, hostMentions } from './containers.js';
import { hasPassDirective, type LineMention, nginxPassTargets } from './nginx-config.js';

/** A setting of a configuration file named for an address, and its value: `host: redis`, `REDIS_URL=redis://cache`, `server = db:5432`. */
const CONFIG_ADDRESS = /^\s*["']?([A-Za-z0-9_.-]*(?:host|hostname|url|uri|addr|address|endpoint|server|servers|brokers?|dsn))["']?\s*[:=]\s*["']?([^\s"',;#]+)/i;
/** A URL with a host anywhere in a line (`proxy_pass http://api:8080;`). */
const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>;,()]+/g;

/**
 * The hosts a configuration file's text names: where nginx's `*_pass` directives send requests (see nginxPassTargets),
 * URLs on other lines, and the values of settings named for an address (`host: redis`), each with its 1-based line
 * in the text so that a flow can cite the line itself, in the order of the lines; comments (`#`, `;`, `//`, at a
 * line's start or after a space) are skipped.
 */
export function configAddresses(text: string): LineMention[] {
  const out = nginxPassTargets(text);
  for (const [i, written] of text.split(/\r?\n/).entries()) {
    // A directive commented out (`# proxy_pass http://old:3000;`) is no call; a URL's own `#fragment` follows no space.
    const line = written.replace(/(?:^|\s)(?:#|;|\/\/).*$/, '');
    if (hasPassDirective(line)) continue;
    const at = (m: HostMention) => ({ ...m, line: i + 1 });
    for (const url of line.match(URL_IN_TEXT) ?? []) out.push(...hostMentions(url).map(at));
    const setting = CONFIG_ADDRESS.exec(line);
    if (setting && !/:\/\//.test(setting[2])) out.push(...hostMentions(setting[2], setting[1].toUpperCase()).map(at));
  }
  return out.sort((a, b) => a.line - b.line);
}

