// What makes the local server safe to run beside a browser that visits other sites: the page may rewrite
// the model, so every request is treated as hostile until its Host, token and Origin say otherwise.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';

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

/**
 * The Host headers a request may carry: the loopback names and the address listened on, with the port.
 * Any other name means a page of another origin reached the server through DNS rebinding.
 */
export function allowedHosts(host: string, port: number): ReadonlySet<string> {
  return new Set(['127.0.0.1', 'localhost', '[::1]', urlHost(host)].map((h) => `${h.toLowerCase()}:${port}`));
}

/** True when the Host header names this server (host names are case-insensitive). */
export const hostAllowed = (header: string | undefined, allowed: ReadonlySet<string>): boolean =>
  header !== undefined && allowed.has(header.toLowerCase());

/** A browser sends Origin with every write from a page; when present it must be this server's own. */
export const originAllowed = (origin: string | undefined, host: string): boolean =>
  origin === undefined || origin.toLowerCase() === `http://${host.toLowerCase()}`;
