import { isSpace } from './char-classes';
import { scanMeter, type SecretRanges } from './secret-ranges';

/** Longest key looked at: a longer run of key characters before `=` or `:` is not a key. */
const MAX_KEY = 128;
/** Spaces allowed between a key and its `=` or `:` (`password = x`). */
const MAX_GAP = 4;

/** `[A-Za-z0-9_.\-[\]]`: the characters a key in free text is made of. */
function isKeyChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 /* _ */ ||
    code === 45 /* - */ ||
    code === 46 /* . */ ||
    code === 91 /* [ */ ||
    code === 93 /* ] */
  );
}

function isQuote(code: number): boolean {
  return code === 34 /* " */ || code === 39; /* ' */
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** What ends a value that is not quoted: whitespace, a quote, `,`, `;` or `&`. */
function endsValue(code: number): boolean {
  return isSpace(code) || isQuote(code) || code === 44 /* , */ || code === 59 /* ; */ || code === 38; /* & */
}

/** Schemes of an `Authorization` value (`Authorization: Bearer x`): the scheme stays, the credential goes. */
const AUTH_SCHEME = /^(?:bearer|basic|token|negotiate|ntlm|apikey|digest|hoba|aws4-hmac-sha256)$/i;
/** Schemes whose credential is a list of parameters (`Digest username="…", response="…"`): to the end of the line. */
const PARAMETER_SCHEME = /^(?:digest|hoba|aws4-hmac-sha256)$/i;

function startsQueryPair(code: number): boolean {
  return code === 63 /* ? */ || code === 38 /* & */ || code === 59 /* ; */ || code === 35; /* # */
}

function endsLine(code: number): boolean {
  return code === 10 || code === 13;
}

/** Values that hold no secret whatever key they follow (`{ 'card-number': false }` in a message). */
const NO_SECRET = /^(?:true|false|null|undefined)$/;

/** How the pairs of free text are judged and censored. */
export interface KeyValueRules {
  /** Whether a key names a secret (the same rules as for object keys). */
  isSensitive(key: string): boolean;
  /** What a sensitive value is replaced with. */
  censorValue(value: string): string;
}

/**
 * Sensitive keys in free text: `password=hunter2`, `host=db user=app password=x` (libpq),
 * `secret: abc` (YAML, a log message), `api_key = abc`, `"token":"abc"` (JSON inside a string),
 * `--password=abc`. A key is a run of letters, digits, `_`, `-`, `.`, `[` and `]` (optionally in
 * quotes) right before `=` or `:` (up to four spaces between); when it is sensitive, the value
 * after it (spaces skipped) is reported: a quoted value to its closing quote (or the end of the
 * line), else a run up to whitespace, a quote, `,`, `;` or `&`. A value that starts with
 * `skip` (the censor: already redacted) is left alone, and so are `true`, `false`, `null` and
 * `undefined`; after an `Authorization`-style key the scheme word stays
 * (`Authorization: Bearer [REDACTED]`). `://` is not a pair, and a pair after `?`, `&`, `;` or
 * `#` is the query scan's.
 *
 * One pass: a key is read backwards from its separator, over characters that contain no
 * separator (so no two keys share one), at most {@link MAX_KEY} of them; a value is read forwards
 * and the search goes on after it.
 */
export function scanKeyValuePairs(text: string, rules: KeyValueRules, skip: string, out: SecretRanges): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code !== 61 /* = */ && code !== 58 /* : */) {
      i++;
      continue;
    }
    const sep = i;
    i++;
    if (code === 58 && text.charCodeAt(sep + 1) === 47 && text.charCodeAt(sep + 2) === 47) continue; // ://
    // The key, read backwards: spaces, an optional closing quote, then key characters.
    let e = sep;
    while (e > 0 && sep - e < MAX_GAP && isBlank(text.charCodeAt(e - 1))) e--;
    if (e > 0 && isQuote(text.charCodeAt(e - 1))) {
      e--;
      // `\"password\":` in JSON that was escaped twice.
      if (e > 0 && text.charCodeAt(e - 1) === 92 /* \ */) e--;
    }
    let s = e;
    while (s > 0 && e - s <= MAX_KEY && isKeyChar(text.charCodeAt(s - 1))) s--;
    scanMeter.chars += sep - s;
    if (s === e || e - s > MAX_KEY) continue;
    // `scheme://user:password@host` is the URL credentials scanner's, and a `key=value` after
    // `?`, `&`, `;` or `#` the query scan's (a query value ends at `#`).
    if (s >= 3 && text.startsWith('://', s - 3)) continue;
    if (code === 61 && s > 0 && startsQueryPair(text.charCodeAt(s - 1))) continue;
    if (!rules.isSensitive(text.slice(s, e))) continue;
    // The value, read forwards.
    let v = sep + 1;
    while (v < n && isBlank(text.charCodeAt(v))) v++;
    if (v === n) break;
    let start = v;
    let end: number;
    const first = text.charCodeAt(v);
    if (isQuote(first)) {
      start = v + 1;
      end = start;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === first || endsLine(c)) break;
        // A backslash escapes the next character (`\"` inside a JSON string).
        end += c === 92 /* \ */ && end + 1 < n ? 2 : 1;
      }
      end = Math.min(end, n);
    } else if (first === 92 /* \ */ && isQuote(text.charCodeAt(v + 1))) {
      // `\"value\"`: a quoted value in JSON that was escaped twice, to its escaped closing quote.
      const quote = text.charCodeAt(v + 1);
      start = v + 2;
      end = start;
      while (end < n) {
        const c = text.charCodeAt(end);
        if ((c === 92 && text.charCodeAt(end + 1) === quote) || endsLine(c)) break;
        end++;
      }
    } else {
      end = v;
      while (end < n && !endsValue(text.charCodeAt(end))) end++;
      if (end - v <= 9 && NO_SECRET.test(text.slice(v, end))) start = end;
      else if (
        end < n &&
        end - v <= 16 &&
        isBlank(text.charCodeAt(end)) &&
        AUTH_SCHEME.test(text.slice(v, end))
      ) {
        // `Authorization: Bearer abc`: the credential after the scheme.
        const toLineEnd = PARAMETER_SCHEME.test(text.slice(v, end));
        start = end;
        while (start < n && isBlank(text.charCodeAt(start))) start++;
        end = start;
        if (toLineEnd) while (end < n && !endsLine(text.charCodeAt(end))) end++;
        else while (end < n && !endsValue(text.charCodeAt(end))) end++;
      }
    }
    scanMeter.chars += end - sep;
    i = end;
    if (end > start && !(skip !== '' && text.startsWith(skip, start))) {
      out.add(start, end, rules.censorValue(text.slice(start, end)));
    }
  }
  scanMeter.chars += n;
}
