/**
 * Key names that are always redacted, at any depth. Matching ignores case and the separators
 * `-`, `_`, `.`, `+`, brackets and spaces, so `apiKey`, `API-KEY` and `api_key` are one key; a
 * trailing `s` (`passwords`, `tokens`, `credentials`) and trailing digits (`password2`,
 * `x-hub-signature-256`) are ignored too.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'password_confirmation',
  'secret',
  'secret_key',
  'aws_secret_access_key',
  'token',
  'access_token',
  'refresh_token',
  'otp',
  'api_key',
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'credential',
  'cookie',
  'set-cookie',
  'session',
  'session_id',
  'sid',
  'connect.sid',
  'csrf_token',
  'xsrf_token',
  'signature',
  'credit_card',
  'card_number',
  'cvv',
  'cvc',
  'ssn',
  'private_key',
  'client_secret',
  'connection_string',
];

/**
 * Endings that also make a compound key sensitive (`userPassword`, `githubToken`,
 * `stripeApiKey`, `awsSecretKey`, `X-Hub-Signature`), where a compound name still names the
 * secret. `session` and `sid` are not among them (`sessionCount`, `consid` stay), and neither is
 * the plural `tokens` (`maxTokens`, `outputTokens` are counters).
 */
export const SUFFIX_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'secretkey',
  'secretaccesskey',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'credentials',
  'signature',
  'sessionid',
  'sessid',
];

const SEPARATORS = /[-_.\s+[\]]/g;

/** The form keys are compared in: lower case, without separators (`-_. +[]` and whitespace). */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(SEPARATORS, '');
}

/** Longest key whose verdict is cached: longer ones are rare and would only fill the cache. */
const CACHEABLE_KEY_LENGTH = 128;
const KEY_CACHE_LIMIT = 10_000;
/** Words of free text whose verdict is kept, at most; the cache is emptied when full. */
const WORD_CACHE_LIMIT = 1024;

/**
 * Decides whether a key names a secret: exact names (and their plural in `s`), suffixes,
 * trailing digits ignored, and each bracket segment of a query-style key (`user[password]`,
 * `password[]`, `a[b][token]`) on its own. Verdicts are cached per raw key.
 */
export class SensitiveKeyMatcher {
  private readonly cache = new Map<string, boolean>();
  private readonly words = new Map<string, boolean>();

  constructor(
    private readonly exact: ReadonlySet<string>,
    private readonly suffixes: readonly string[],
  ) {}

  /** True when nothing can ever match (no keys at all). */
  get empty(): boolean {
    return this.exact.size === 0 && this.suffixes.length === 0;
  }

  /** True when `key` (in any case or separator style) names a secret. */
  matches(key: string): boolean {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const sensitive = this.matchKey(key);
    if (key.length <= CACHEABLE_KEY_LENGTH && this.cache.size < KEY_CACHE_LIMIT)
      this.cache.set(key, sensitive);
    return sensitive;
  }

  /**
   * {@link matches} for a word of free text (whatever precedes a `=` or `:` in a message): such
   * words are too many and too varied to join the keys of objects, which are kept for good, so
   * they have a small cache of their own, emptied when full.
   */
  matchesWord(word: string): boolean {
    const cached = this.cache.get(word) ?? this.words.get(word);
    if (cached !== undefined) return cached;
    const sensitive = this.matchKey(word);
    if (word.length <= CACHEABLE_KEY_LENGTH) {
      if (this.words.size >= WORD_CACHE_LIMIT) this.words.clear();
      this.words.set(word, sensitive);
    }
    return sensitive;
  }

  private matchKey(key: string): boolean {
    if (this.matchName(key)) return true;
    if (!key.includes('[')) return false;
    // `user[password]`, `a[b][token]`: any segment may name the secret.
    const segments = key.split(/[[\]]+/);
    for (let i = 0; i < segments.length; i++) {
      if (segments[i] !== '' && this.matchName(segments[i])) return true;
    }
    return false;
  }

  private matchName(key: string): boolean {
    const k = normalizeKey(key);
    if (k === '') return false;
    if (this.matchNormalized(k)) return true;
    let end = k.length;
    while (end > 0 && k.charCodeAt(end - 1) >= 48 && k.charCodeAt(end - 1) <= 57) end--;
    return end > 0 && end < k.length && this.matchNormalized(k.slice(0, end));
  }

  private matchNormalized(k: string): boolean {
    if (this.exact.has(k)) return true;
    if (k.length > 1 && k.charCodeAt(k.length - 1) === 115 /* s */ && this.exact.has(k.slice(0, -1)))
      return true;
    for (let i = 0; i < this.suffixes.length; i++) if (k.endsWith(this.suffixes[i])) return true;
    return false;
  }
}
