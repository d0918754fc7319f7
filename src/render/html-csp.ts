// The HTML report's Content Security Policy allows exactly its own inline script and style, named by
// their SHA-256 hashes: nothing else can run or load, even if some model text escaped escaping. Hashes
// (unlike nonces) keep the report byte-stable.
import { base64Encode, sha256, utf8Bytes } from '../model/digest.js';

/** A CSP source expression for an inline script or style with exactly this text. */
export const cspHash = (text: string): string => `'sha256-${base64Encode(sha256(utf8Bytes(text)))}'`;

/** Nothing may load from anywhere; only the report's own script and style run; images only as data: URIs. */
export function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
