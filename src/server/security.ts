// What makes the local server safe to run beside a browser that visits other sites: the page may rewrite
// the model, so every request is treated as hostile until its Host, token and Origin say otherwise.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

/** Sent with every response: nothing but the page's own files may run or load, and nothing is cached or framed. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    + "worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** The token the page proves itself with: 32 random bytes, hex. */
export const newToken = (): string => randomBytes(32).toString('hex');

/**
 * Compared in constant time. Both sides are hashed first, so that the comparison is of equal lengths
 * whatever was sent, and its time says nothing about how much of the token was right.
 */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** A host as it appears in a URL or a Host header: IPv6 addresses in brackets. */
export const urlHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** The addresses that mean every interface of the machine. */
const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);
export const isWildcard = (host: string): boolean => WILDCARDS.has(host.toLowerCase());

const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
export const isLoopback = (host: string): boolean => LOOPBACK_NAMES.includes(urlHost(host.toLowerCase())) || /^127\.\d+\.\d+\.\d+$/.test(host);

/** What the machine is called on the network: its interfaces' addresses and its host name. */
export interface MachineNames {
  /** Each with whether it is internal (loopback), as os.networkInterfaces() says. */
  addresses: readonly { address: string; internal: boolean; family: string }[];
  hostname: string;
}

export function machineNames(): MachineNames {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map(({ address, internal, family }) => ({ address, internal, family })));
  return { addresses, hostname: hostname() };
}

/**
 * The Host headers a request may carry: `name:port` pairs, and names accepted with any port (`--allow-host
 * NAME`: a port mapping, as Docker's, puts another port in the browser's address than the one listened on).
 */
export interface AllowedHosts {
  withPort: ReadonlySet<string>;
  anyPort: ReadonlySet<string>;
}

/** An `--allow-host` value: a host name or address, with or without a port; else why it is not one. */
export function parseAllowHost(value: string): { name: string; port?: number } | string {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(v) ?? /^([0-9a-f:.]+)$/.exec(v);
  const name = m?.[1];
  if (!m || name === undefined || !/^(\[[0-9a-f:.]+\]|[0-9a-f:.]+|[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?)$/.test(name) || name.includes('..')) {
    return `--allow-host ${JSON.stringify(value)}: expected a host name or address, optionally with :PORT (e.g. myhost.lan or localhost:8080)`;
  }
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && port > 65535) return `--allow-host ${JSON.stringify(value)}: the port must be from 0 to 65535`;
  return { name: urlHost(name), port };
}

/**
 * The loopback names and the address listened on, with the port; bound to any other address (every
 * interface, or one of them), also the machine's own addresses and host name, which are what another
 * machine's browser puts in Host; and the `--allow-host` names. Any other name means a page of another
 * origin reached the server through DNS rebinding.
 */
export function allowedHosts(host: string, port: number, options: { allow?: readonly string[]; machine?: MachineNames } = {}): AllowedHosts {
  const names = [...LOOPBACK_NAMES, urlHost(host)];
  if (!isLoopback(host)) {
    const machine = options.machine ?? machineNames();
    names.push(...machine.addresses.map((a) => urlHost(a.address.replace(/%.*$/, ''))), machine.hostname);
  }
  const withPort = new Set(names.filter((n) => n !== '').map((n) => `${n.toLowerCase()}:${port}`));
  const anyPort = new Set<string>();
  for (const value of options.allow ?? []) {
    const parsed = parseAllowHost(value);
    if (typeof parsed === 'string') continue;
    if (parsed.port === undefined) anyPort.add(parsed.name);
    else withPort.add(`${parsed.name}:${parsed.port}`);
  }
  return { withPort, anyPort };
}

/** The name part of a Host header: `[::1]:8080` is `[::1]`, `example.com:80` is `example.com`. */
const hostName = (header: string): string => header.replace(/:\d*$/, '');

/** True when the Host header names this server (host names are case-insensitive). */
export function hostAllowed(header: string | undefined, allowed: AllowedHosts): boolean {
  if (header === undefined) return false;
  const h = header.toLowerCase();
  return allowed.withPort.has(h) || allowed.anyPort.has(hostName(h));
}

/** A browser sends Origin with every write from a page; when present it must be this server's own. */
export const originAllowed = (origin: string | undefined, host: string): boolean =>
  origin === undefined || origin.toLowerCase() === `http://${host.toLowerCase()}`;
