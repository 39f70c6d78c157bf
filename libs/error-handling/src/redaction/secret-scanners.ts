import {
  AUTH_TOKEN,
  B64URL,
  DIGIT as DIGIT_CLASS,
  HEX_OR_DASH,
  LETTER,
  SCHEME,
  WORD,
  gluedBefore,
  is,
  isDigit,
  isSpace,
  runEnd as classRunEnd,
} from './char-classes';
import { scanMeter, type SecretRanges } from './secret-ranges';

/**
 * Finds one kind of secret in a string and reports where it is. Every scanner runs in time
 * linear in the text: it jumps between anchors (`indexOf`, a global regular expression of fixed
 * strings), tries a bounded pattern there, and moves on past what it examined; no position is
 * examined again from every start.
 */
export interface SecretScanner {
  /** The detector's stable name (`jwt`, `card-number`, …). */
  readonly name: string;
  /** Appends the `[start, end)` range of every secret in `text` to `out`, in ascending order. */
  scan(text: string, out: SecretRanges): void;
}

/** `text.indexOf(needle, from)`, counted. */
export function find(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  scanMeter.chars += (at === -1 ? text.length : at) - from;
  return at;
}

/** The end of the run of `cls` characters from `from`, counted. */
export function runEnd(text: string, from: number, cls: number, end = text.length): number {
  const stop = classRunEnd(text, from, end, cls);
  scanMeter.chars += stop - from;
  return stop;
}

/** Runs a sticky pattern at `at`; the end of its match, or -1. Counted as one bounded probe. */
export function matchAt(pattern: RegExp, text: string, at: number): number {
  scanMeter.probes++;
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

// The label is bounded (`RSA `, `ENCRYPTED `, `OPENSSH `, `PGP `), so a try costs a fixed amount.
const PEM_BEGIN = /-----BEGIN[ A-Z0-9_-]{0,40}?PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_END = /-----END[ A-Z0-9_-]{0,40}?PRIVATE KEY(?: BLOCK)?-----/y;

/** PEM private key blocks, from `-----BEGIN … PRIVATE KEY-----` to their END line (or the end). */
export const pemScanner: SecretScanner = {
  name: 'pem-private-key',
  scan(text, out) {
    let i = find(text, '-----BEGIN', 0);
    while (i !== -1) {
      const bodyStart = matchAt(PEM_BEGIN, text, i);
      if (bodyStart === -1) {
        i = find(text, '-----BEGIN', i + 1);
        continue;
      }
      let end = text.length;
      for (let j = find(text, '-----END', bodyStart); j !== -1; j = find(text, '-----END', j + 1)) {
        const stop = matchAt(PEM_END, text, j);
        if (stop !== -1) {
          end = stop;
          break;
        }
      }
      out.add(i, end);
      if (end === text.length) return;
      i = find(text, '-----BEGIN', end);
    }
  },
};

/**
 * JSON Web Tokens: `eyJ…` (4+ base64url characters) `.eyJ…` (4+) `.` signature, wherever they
 * start (a token glued to other text is still one). A failed try skips the whole base64url run it
 * examined: any later `eyJ` in that run ends at the same place and fails the same way.
 */
export const jwtScanner: SecretScanner = {
  name: 'jwt',
  scan(text, out) {
    const n = text.length;
    let i = find(text, 'eyJ', 0);
    while (i !== -1) {
      const headerEnd = runEnd(text, i + 3, B64URL);
      let next = headerEnd;
      if (headerEnd - i >= 7 && headerEnd < n - 3 && text.charCodeAt(headerEnd) === 46 /* . */) {
        const claims = headerEnd + 1;
        if (text.startsWith('eyJ', claims)) {
          const claimsEnd = runEnd(text, claims + 3, B64URL);
          if (claimsEnd - claims >= 7 && claimsEnd < n && text.charCodeAt(claimsEnd) === 46) {
            const end = runEnd(text, claimsEnd + 1, B64URL);
            out.add(i, end);
            next = end;
          }
        }
      }
      i = find(text, 'eyJ', next);
    }
  },
};

const AUTH_WORD = /(?:bearer|basic|token)(?=[\s+])/gi;

/**
 * Words that follow "token" (and "bearer", "basic") in the messages applications write about
 * credentials (`Token required`, `Refresh token expired`, `Basic validation failed`): they say
 * what became of a credential and are none. Matched whole, in any case.
 */
export const NOT_CREDENTIALS: ReadonlySet<string> = new Set([
  'accepted',
  'authentication',
  'authorization',
  'expired',
  'expires',
  'expiry',
  'format',
  'header',
  'invalid',
  'issued',
  'malformed',
  'mismatch',
  'missing',
  'needed',
  'provided',
  'refresh',
  'refreshed',
  'rejected',
  'required',
  'revoked',
  'rotated',
  'rotation',
  'scheme',
  'supplied',
  'undefined',
  'unknown',
  'validation',
  'verification',
]);

/** The longest word of {@link NOT_CREDENTIALS}: a longer run is not looked up. */
const LONGEST_NOT_CREDENTIAL = Math.max(...[...NOT_CREDENTIALS].map((word) => word.length));

/**
 * `Bearer …`, `Basic …` and `Token …` credentials (any case, the word not glued to a word before
 * it) of 6+ token characters after whitespace or a form-encoded `+`, unless the run is one of the
 * {@link NOT_CREDENTIALS} words; only the credential is reported, so the scheme stays.
 */
export const authSchemeScanner: SecretScanner = {
  name: 'bearer',
  scan(text, out) {
    const n = text.length;
    AUTH_WORD.lastIndex = 0;
    let from = 0;
    for (let m = AUTH_WORD.exec(text); m !== null; m = AUTH_WORD.exec(text)) {
      scanMeter.chars += AUTH_WORD.lastIndex - from;
      let start = AUTH_WORD.lastIndex;
      if (gluedBefore(text, m.index, WORD)) {
        from = start;
        continue;
      }
      if (text.charCodeAt(start) === 43 /* + */) start++;
      else while (start < n && isSpace(text.charCodeAt(start))) start++;
      const end = runEnd(text, start, AUTH_TOKEN);
      if (end - start >= 6 && !notCredential(text, start, end)) out.add(start, end);
      from = Math.max(end, start);
      AUTH_WORD.lastIndex = from;
    }
  },
};

/** True when the run is one of {@link NOT_CREDENTIALS}, a sentence's full stops after it aside. */
function notCredential(text: string, start: number, end: number): boolean {
  let wordEnd = end;
  while (wordEnd > start && text.charCodeAt(wordEnd - 1) === 46 /* . */) wordEnd--;
  if (wordEnd - start > LONGEST_NOT_CREDENTIAL) return false;
  return NOT_CREDENTIALS.has(text.slice(start, wordEnd).toLowerCase());
}

/** Digit groups of the chunk being examined: start and end of each, reused between calls. */
const groupStart: number[] = [];
const groupEnd: number[] = [];

/**
 * Card numbers: 13-19 digits in groups as cards are written (single spaces, dashes or `+`
 * between groups, eight digits in a row with at most one separator among them somewhere), that
 * pass the Luhn check, not glued to letters and not inside a UUID. A chunk of digit groups is
 * walked once;
 * from each group the longest run of whole groups with at most 19 digits is the candidate (as a
 * greedy regular expression would take it), and the walk goes on after it.
 */
export const cardScanner: SecretScanner = {
  name: 'card-number',
  scan(text, out) {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const first = i;
      while (i < n && !isDigit(text.charCodeAt(i))) i++;
      scanMeter.chars += i - first;
      if (i === n) return;
      // Walk the chunk: digit groups separated by one separator each.
      let groups = 0;
      let p = i;
      for (;;) {
        const start = p;
        p = runEnd(text, p, DIGIT_CLASS);
        groupStart[groups] = start;
        groupEnd[groups++] = p;
        if (p + 1 < n && isCardSeparator(text.charCodeAt(p)) && isDigit(text.charCodeAt(p + 1))) p++;
        else break;
      }
      for (let g = 0; g < groups;) {
        let digits = 0;
        let last = g;
        while (last < groups && digits + groupEnd[last] - groupStart[last] <= 19) {
          digits += groupEnd[last] - groupStart[last];
          last++;
        }
        if (digits < 13) {
          g++;
          continue;
        }
        const start = groupStart[g];
        const end = groupEnd[last - 1];
        if (writtenAsCard(g, last) && luhnOf(text, start, end) && !withinToken(text, start, end)) {
          out.add(start, end);
        }
        g = last;
      }
      i = p;
    }
  },
};

/**
 * Cards are written with their digits in groups of four or more (4-4-4-4, 4-6-5) or in one run:
 * somewhere eight digits follow each other with at most one separator among them.
 */
function writtenAsCard(first: number, end: number): boolean {
  for (let g = first; g < end; g++) {
    const length = groupEnd[g] - groupStart[g];
    if (length >= 8 || (length >= 4 && g + 1 < end && groupEnd[g + 1] - groupStart[g + 1] >= 4)) return true;
  }
  return false;
}

function isCardSeparator(code: number): boolean {
  return code === 32 || code === 45 || code === 43;
}

/** Luhn checksum over the digits of `text[start, end)`, skipping separators. */
export function luhnOf(text: string, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) continue;
    let d = code - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const UUID_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when `text[start, end)` is glued to letters or lies inside a UUID. The UUID test looks at
 * most 37 characters either way: a run of hex digits and dashes longer than 36 is no UUID.
 */
function withinToken(text: string, start: number, end: number): boolean {
  if (gluedBefore(text, start, LETTER) || (end < text.length && is(text.charCodeAt(end), LETTER))) {
    return true;
  }
  let a = start;
  const minA = Math.max(0, start - 37);
  while (a > minA && is(text.charCodeAt(a - 1), HEX_OR_DASH)) a--;
  const b = classRunEnd(text, end, Math.min(text.length, end + 37), HEX_OR_DASH);
  scanMeter.chars += start - a + b - end;
  return b - a === 36 && UUID_TOKEN.test(text.slice(a, b));
}

/** Characters that end a URL's authority (`user:password@host:port`). */
function endsAuthority(code: number): boolean {
  return (
    code === 47 /* / */ ||
    code === 63 /* ? */ ||
    code === 35 /* # */ ||
    code === 34 /* " */ ||
    code === 39 /* ' */ ||
    code === 60 /* < */ ||
    code === 62 /* > */ ||
    code === 92 /* \ */ ||
    code === 96 /* ` */ ||
    isSpace(code)
  );
}

/**
 * Credentials in URLs, `scheme://user:password@host`: the password is reported (the user name,
 * host and the rest stay). The authority is scanned once to its end (`/`, `?`, `#`, whitespace,
 * quotes), taking the first `:` and the last `@` in it, as URL parsers do; the next `://` is
 * searched from there, so no character is examined twice.
 */
export const urlCredentialsScanner: SecretScanner = {
  name: 'url-credentials',
  scan(text, out) {
    const n = text.length;
    for (let i = find(text, '://', 0); i !== -1;) {
      if (i === 0 || !is(text.charCodeAt(i - 1), SCHEME)) {
        i = find(text, '://', i + 1);
        continue;
      }
      let colon = -1;
      let at = -1;
      let j = i + 3;
      for (; j < n; j++) {
        const code = text.charCodeAt(j);
        if (endsAuthority(code)) break;
        if (code === 58 /* : */ && colon === -1) colon = j;
        else if (code === 64 /* @ */) at = j;
      }
      scanMeter.chars += j - i;
      if (colon !== -1 && at > colon + 1) out.add(colon + 1, at);
      // A `://` can begin on the character that ended the authority (`a://b://…`).
      i = find(text, '://', Math.max(j - 1, i + 1));
    }
  },
};
