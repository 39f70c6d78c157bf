/**
 * Key names that are always redacted, at any depth. Matching ignores case and the separators
 * `-`, `_`, `.` and spaces, so `apiKey`, `API-KEY` and `api_key` are one key.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'session_id',
  'csrf_token',
  'xsrf_token',
  'credit_card',
  'card_number',
  'cvv',
  'ssn',
  'private_key',
  'client_secret',
];

/**
 * Keys that also match as a suffix (`userPassword`, `githubToken`, `stripeApiKey`), where a
 * compound name still names the secret.
 */
export const SUFFIX_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
];

/** The form keys are compared in: lower case, without separators. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}
