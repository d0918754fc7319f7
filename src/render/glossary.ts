// The "Terms used" appendix of the Markdown and HTML reports: a plain sentence for each piece of security
// jargon the report's own texts use (IDOR, PKCE, HSTS...), so that a developer can act on a finding without
// looking words up. Only the terms that occur are defined, alphabetically. The terms are found in the
// result's threat and recommendation texts, not in the rendered report: a large report is written in pieces
// and never held whole (chunks.ts).
import type { AnalysisResult, Threat } from '../analysis/types.js';

export interface Term {
  /** As the appendix writes it. */
  term: string;
  /**
   * Where the term occurs in report text: whole words (`\b` on both sides), case-sensitive, with the lower-case
   * spellings the model's own vocabulary uses (`auth: jwt`, `controls: [mfa]`) where they name the same thing.
   * Non-capturing groups only: the finder numbers the terms by their groups.
   */
  pattern: RegExp;
  /** One plain sentence. */
  definition: string;
  /** A page that explains it further (OWASP, MDN, MITRE). */
  link?: string;
}

const OWASP_CHEATS = 'https://cheatsheetseries.owasp.org/cheatsheets';
const MDN = 'https://developer.mozilla.org/en-US/docs/Web';

/** Alphabetical by term (case-insensitive), the order the appendix lists them in. */
export const GLOSSARY: readonly Term[] = [
  {
    term: 'ACL', pattern: /\bACLs?\b/,
    definition: 'Access control list: the list of which clients may read or write which resource, such as the topics of a message broker.',
  },
  {
    term: 'BOLA', pattern: /\bBOLA\b/,
    definition: 'Broken object level authorization, the OWASP API Top 10 name for IDOR: a caller reaches another user\'s object by changing its id in the request.',
    link: 'https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/',
  },
  {
    term: 'Bulkhead', pattern: /\b[Bb]ulkheads?\b/,
    definition: 'A separate pool of threads or connections per dependency, so that one slow dependency cannot use up the capacity all calls share.',
  },
  {
    term: 'CAPEC', pattern: /\bCAPEC\b/,
    definition: 'Common Attack Pattern Enumeration and Classification: MITRE\'s catalogue of attack techniques, cited by number (CAPEC-63).',
    link: 'https://capec.mitre.org/',
  },
  {
    term: 'Certificate pinning',
    // Pinning dependencies to versions is another thing: only a pinned certificate or key is this term.
    pattern: /\b(?:[Cc]ertificate pinning|[Pp]in(?:s|ning)? [^.;:]{0,60}?(?:certificate|public key)s?)\b/,
    definition: 'An app accepts only the server certificate or public key it ships with, so that a certificate from another authority (a proxy, a user-installed CA) cannot intercept its traffic.',
    link: 'https://owasp.org/www-community/controls/Certificate_and_Public_Key_Pinning',
  },
  {
    term: 'Circuit breaker', pattern: /\b[Cc]ircuit[- ]breakers?\b/,
    definition: 'A wrapper around calls to a dependency that stops calling it for a while after repeated failures and answers with a fallback instead of waiting.',
  },
  {
    term: 'CORS', pattern: /\bCORS\b/,
    definition: 'Cross-Origin Resource Sharing: response headers that tell browsers which other websites may read an API\'s responses.',
    link: `${MDN}/HTTP/CORS`,
  },
  {
    term: 'CSP', pattern: /\b(?:CSP|[Cc]ontent-[Ss]ecurity-[Pp]olicy)\b/,
    definition: 'Content-Security-Policy: a response header that tells the browser which scripts and other resources a page may load, so that injected script does not run.',
    link: `${MDN}/HTTP/CSP`,
  },
  {
    term: 'CSRF', pattern: /\b(?:CSRF|csrf)\b/,
    definition: 'Cross-site request forgery: another website makes the victim\'s browser send a request to our site, with the victim\'s cookies, that they did not intend.',
    link: 'https://owasp.org/www-community/attacks/csrf',
  },
  {
    term: 'CWE', pattern: /\bCWE\b/,
    definition: 'Common Weakness Enumeration: MITRE\'s catalogue of kinds of software weakness, cited by number (CWE-79 is cross-site scripting).',
    link: 'https://cwe.mitre.org/',
  },
  {
    term: 'Dead-letter queue', pattern: /\b[Dd]ead-letter\b/,
    definition: 'A queue where messages that keep failing are moved after a few attempts, so that they stop blocking the others and someone can look at them.',
  },
  {
    term: 'DMZ', pattern: /\b(?:DMZ|dmz)\b/,
    definition: 'Demilitarised zone: the network zone between the internet and internal systems, where internet-facing components such as load balancers sit.',
  },
  {
    term: 'FIDO2 / WebAuthn', pattern: /\b(?:FIDO2|WebAuthn)\b/,
    definition: 'Sign-in with a security key or passkey bound to the real website, which a phishing site cannot capture and replay.',
    link: `${MDN}/API/Web_Authentication_API`,
  },
  {
    term: 'HMAC', pattern: /\b(?:H?MAC|hmac)\b/,
    definition: 'Hash-based message authentication code: a signature over a message made with a shared secret, which proves who sent it and that nobody changed it (a MAC in general).',
  },
  {
    term: 'HSM', pattern: /\bHSMs?\b/,
    definition: 'Hardware security module: a device that keeps signing or encryption keys and uses them without ever letting them out.',
  },
  {
    term: 'HSTS', pattern: /\b(?:HSTS|hsts)\b/,
    definition: 'HTTP Strict Transport Security: a response header that makes browsers use only HTTPS for the site from then on; the preload list builds it into browsers, so even the first visit is protected.',
    link: `${MDN}/HTTP/Headers/Strict-Transport-Security`,
  },
  {
    term: 'HttpOnly', pattern: /\bHttpOnly\b/,
    definition: 'A cookie attribute that keeps the cookie away from the page\'s scripts, so that injected script cannot read the session.',
    link: `${MDN}/HTTP/Cookies`,
  },
  {
    term: 'IAM', pattern: /\b(?:IAM|iam)\b/,
    definition: 'Identity and access management: the cloud provider\'s identities, roles and policies that decide which service may do what.',
  },
  {
    term: 'Idempotent', pattern: /\b[Ii]dempoten(?:t|cy)\b/,
    definition: 'Processing the same message or request twice has the same effect as once, usually by remembering each message id (an idempotency key).',
  },
  {
    term: 'Identity-aware proxy', pattern: /\b[Ii]dentity-aware prox(?:y|ies)\b/,
    definition: 'A proxy in front of an internal application that lets a request through only after the user has signed in with the company identity provider.',
  },
  {
    term: 'IDOR', pattern: /\bIDOR\b/,
    definition: 'Insecure direct object reference: a caller reaches another user\'s object by changing its id in the request, because the server does not check who owns it.',
    link: `${OWASP_CHEATS}/Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html`,
  },
  {
    term: 'IMDS', pattern: /\bIMDS(?:v2)?\b/,
    definition: 'Instance metadata service: the address in a cloud machine (169.254.169.254) that hands its credentials to anything on the machine that asks; IMDSv2 first asks for a session token, which a forged request cannot get.',
  },
  {
    term: 'JWT', pattern: /\b(?:JWTs?|jwt)\b/,
    definition: 'JSON Web Token: a signed token that carries who the caller is; it is only as trustworthy as the checks of its signature, issuer, audience and expiry.',
  },
  {
    term: 'KMS', pattern: /\bKMS\b/,
    definition: 'Key management service: a managed service that keeps encryption keys and controls and logs who may use them.',
  },
  {
    term: 'LLM', pattern: /\bLLMs?\b/,
    definition: 'Large language model: a model such as GPT or Claude that writes text from a prompt.',
  },
  {
    term: 'Magic bytes', pattern: /\bmagic bytes\b/,
    definition: 'The first bytes of a file, which show its real type whatever its name or declared content type says.',
  },
  {
    term: 'Maker-checker', pattern: /\b[Mm]aker[- ]checker\b/,
    definition: 'Dual control: one person prepares a sensitive operation (a refund, a payout, a role grant) and a second person approves it before it takes effect, so no one can do it alone.',
  },
  {
    term: 'MFA', pattern: /\b(?:MFA|mfa)\b/,
    definition: 'Multi-factor authentication: signing in needs a second proof (a code, a key, a passkey) besides the password.',
    link: `${OWASP_CHEATS}/Multifactor_Authentication_Cheat_Sheet.html`,
  },
  {
    term: 'mTLS', pattern: /\b(?:mTLS|mtls|[Mm]utual TLS)\b/,
    definition: 'Mutual TLS: both ends of a connection present certificates, so the server knows which client or service is calling.',
  },
  {
    term: 'OAuth', pattern: /\b(?:OAuth|oauth2)\b/,
    definition: 'The standard way for an app to get a token to act for a user or for itself at another service, without handling the user\'s password.',
    link: `${OWASP_CHEATS}/OAuth2_Cheat_Sheet.html`,
  },
  {
    term: 'OIDC', pattern: /\b(?:OIDC|oidc|OpenID Connect)\b/,
    definition: 'OpenID Connect: sign-in through an identity provider (the company SSO, Google), built on OAuth, which returns an ID token saying who the user is.',
  },
  {
    term: 'OWASP', pattern: /\bOWASP\b/,
    definition: 'Open Worldwide Application Security Project: publishes the Top 10 lists (web, API, LLM) and the ASVS verification standard that findings cite.',
    link: 'https://owasp.org/',
  },
  {
    term: 'PKCE', pattern: /\bPKCE\b/,
    definition: 'Proof Key for Code Exchange: a one-time secret an app adds to an OAuth sign-in, so that an intercepted authorization code is useless to anyone else.',
    link: `${OWASP_CHEATS}/OAuth2_Cheat_Sheet.html`,
  },
  {
    term: 'SameSite', pattern: /\bSameSite\b/,
    definition: 'A cookie attribute that stops the browser from sending the cookie with requests that other websites start, which blocks most CSRF.',
    link: `${MDN}/HTTP/Headers/Set-Cookie`,
  },
  {
    term: 'SAML', pattern: /\b(?:SAML|saml)\b/,
    definition: 'Security Assertion Markup Language: an older single sign-on standard in which the identity provider sends a signed XML assertion about the user.',
  },
  {
    term: 'Service mesh', pattern: /\b[Ss]ervice mesh(?:es)?\b/,
    definition: 'A layer of proxies beside each service (Istio, Linkerd) that encrypts and authenticates the calls between services without changing their code.',
  },
  {
    term: 'SSRF', pattern: /\bSSRF\b/,
    definition: 'Server-side request forgery: an attacker makes our server fetch a URL of their choice, reaching internal addresses and cloud credentials the attacker cannot reach.',
    link: 'https://owasp.org/www-community/attacks/Server_Side_Request_Forgery',
  },
  {
    term: 'TLS', pattern: /\bTLS\b/,
    definition: 'Transport Layer Security: the encryption behind HTTPS and other encrypted protocols, which keeps traffic from being read or changed on the way.',
  },
  {
    term: 'Trusted Types', pattern: /\bTrusted Types\b/,
    definition: 'A browser feature, switched on by the Content-Security-Policy, that lets only vetted values reach HTML sinks such as innerHTML.',
    link: `${MDN}/API/Trusted_Types_API`,
  },
  {
    term: 'WAF', pattern: /\b(?:WAFs?|waf)\b/,
    definition: 'Web application firewall: a filter in front of an application that blocks requests matching known attacks.',
    link: 'https://owasp.org/www-community/Web_Application_Firewall',
  },
  {
    term: 'WORM', pattern: /\bWORM\b/,
    definition: 'Write once, read many: storage where written data cannot be changed or deleted until a retention period ends, so that logs and backups survive an intruder.',
  },
  {
    term: 'XSS', pattern: /\bXSS\b/,
    definition: 'Cross-site scripting: script an attacker slips into a page runs in other users\' browsers with their session.',
    link: 'https://owasp.org/www-community/attacks/xss/',
  },
  {
    term: 'XXE', pattern: /\bXXE\b/,
    definition: 'XML external entity: an XML parser that follows references in a document reads local files or calls internal addresses for the attacker.',
    link: 'https://owasp.org/www-community/vulnerabilities/XML_External_Entity_(XXE)_Processing',
  },
];

/**
 * Which terms of a glossary occur in texts given one at a time. Each text is searched once, by one regular
 * expression of the terms not found yet, and not at all once every term is found: a report with 300,000
 * threats costs one pass over their texts at most. The expression is rebuilt only when a text holds a term
 * found before (at most once per term), not at each find: each new expression is compiled to machine code at
 * its first uses (1-3 ms for the whole glossary), which made up most of a report's scan, and many terms occur
 * in one shared text only (a recommendation, a rule's mitigation). For the same reason there is no quick test
 * in front of the search: a text without a term costs the search one pass, as it cost the test.
 */
export class TermFinder {
  private readonly found: boolean[];
  /** Positions in the glossary of the search's terms, its groups in order (some may be found since). */
  private remaining: number[];
  /** How many terms are not found yet. */
  private missing: number;
  /** Which of them: one capturing group per term. */
  private search: RegExp | undefined;

  constructor(private readonly glossary: readonly Term[] = GLOSSARY) {
    this.found = glossary.map(() => false);
    this.remaining = glossary.map((_, i) => i);
    this.missing = glossary.length;
    this.prepare();
  }

  private prepare(): void {
    this.remaining = this.remaining.filter((t) => !this.found[t]);
    const sources = this.remaining.map((i) => this.glossary[i].pattern.source);
    this.search = sources.length ? new RegExp(sources.map((src) => `(${src})`).join('|'), 'g') : undefined;
  }

  /** Every term is found: no text can add one. */
  get complete(): boolean {
    return this.missing === 0;
  }

  scan(text: string): void {
    let search = this.search;
    if (search === undefined || this.missing === 0) return;
    search.lastIndex = 0;
    for (let m = search.exec(text); m !== null; m = search.exec(text)) {
      const t = this.remaining[matchedGroup(m) - 1];
      if (this.found[t]) {
        // A term found before: the search for the missing ones goes on from here (a missing term may start
        // at the same place, where the found one took the match).
        this.prepare();
        search = this.search;
        if (search === undefined) return;
        search.lastIndex = m.index;
        continue;
      }
      this.found[t] = true;
      if (--this.missing === 0) return;
      // Terms may overlap ("mutual TLS" holds TLS): the next search starts inside this match.
      search.lastIndex = m.index + 1;
    }
  }

  /** The terms found, in glossary order. */
  terms(): Term[] {
    return this.glossary.filter((_, i) => this.found[i]);
  }
}

function matchedGroup(m: RegExpExecArray): number {
  for (let g = 1; g < m.length; g++) if (m[g] !== undefined) return g;
  return 1;
}

/** What a report shows of its threats: every text (full details, HTML), or the table's title and mitigation only. */
export interface TermSources {
  /** Each threat's description, rating reasons and evidence are in the report too. */
  details: boolean;
  /** Other texts the report writes (a rule's description in grouped details). */
  extra?: Iterable<string>;
}

/**
 * The glossary terms in the texts a report writes about its threats: titles, mitigations, references, the
 * recommendations and, with details, descriptions, rating reasons and evidence. Texts many threats share (a
 * rule's mitigation, its references, a rating reason) are searched once.
 */
export function termsOf(r: AnalysisResult, sources: TermSources, glossary: readonly Term[] = GLOSSARY): Term[] {
  const finder = new TermFinder(glossary);
  const seen = new Set<string>();
  const seenLists = new Set<readonly string[]>();
  const once = (text: string) => {
    if (seen.has(text)) return;
    seen.add(text);
    finder.scan(text);
  };
  for (const rec of r.recommendations) finder.scan(rec.text);
  for (const text of sources.extra ?? []) finder.scan(text);
  for (let i = 0; i < r.threats.length && !finder.complete; i++) {
    const t: Threat = r.threats[i];
    finder.scan(t.title);
    once(t.mitigation);
    if (!seenLists.has(t.references)) {
      seenLists.add(t.references);
      finder.scan(t.references.join(', '));
    }
    if (!sources.details) continue;
    finder.scan(t.description);
    once(t.likelihood.reason);
    once(t.impact.reason);
    for (const e of t.evidence) finder.scan(e.fact);
  }
  return finder.terms();
}
