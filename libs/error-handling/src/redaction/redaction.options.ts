import type { BuiltInDetectorName, ValueDetector } from './value-detectors';

/**
 * Built-in value detectors turned on or off by name; a name left out stays on.
 * @example { 'card-number': false, 'url-credentials': false }
 */
export type BuiltInDetectorToggles = { readonly [Name in BuiltInDetectorName]?: boolean };

/** Options of the {@link Redactor}: what counts as a secret, and the limits of a walk. */
export interface RedactionOptions {
  /**
   * Key names to redact in addition to the built-in list, matched at any depth regardless of
   * case and separators.
   * @example ['phone', 'dateOfBirth']
   */
  keys?: string[];
  /**
   * Whether the built-in sensitive keys (password, token, authorization, …) are matched.
   * Turn off only with explicit `paths` that cover every secret.
   * @default true
   */
  builtInKeys?: boolean;
  /**
   * Which built-in value detectors run: `true` (all), `false` (none), or an object that turns
   * single detectors off by name (`{ 'card-number': false }`). The names are
   * `BUILT_IN_DETECTOR_NAMES`: `pem-private-key`, `jwt`, `bearer`, `card-number`,
   * `aws-access-key`, `github-token`, `slack-token`, `slack-webhook`, `stripe-key`,
   * `google-api-key`, `url-credentials`.
   * @default true
   */
  builtInDetectors?: boolean | BuiltInDetectorToggles;
  /**
   * Exact dot paths to redact; `*` matches any one key or array index.
   * @example ['user.address.street', 'items.*.note']
   */
  paths?: string[];
  /**
   * The text that replaces a secret.
   * @default '[REDACTED]'
   */
  censor?: string;
  /**
   * Extra detectors for secrets inside string values, run after the built-in ones.
   */
  detectors?: ValueDetector[];
  /**
   * Objects nested deeper than this are replaced by `[Truncated]`.
   * @default 16
   */
  maxDepth?: number;
  /**
   * Arrays longer than this keep their first items and a marker of how many were cut.
   * @default 100
   */
  maxArrayLength?: number;
  /**
   * Strings longer than this are cut, with a marker of how much was cut. The detectors run
   * before the cut, on the first `maxStringLength` + 16,384 characters, so a secret that
   * straddles the cut is replaced whole.
   * @default 8192
   */
  maxStringLength?: number;
  /**
   * Characters scanned for secrets per request, over every string redacted while the request is
   * handled (log lines, bodies, audit records, alerts). Once spent, the request's remaining
   * strings become `[not scanned: N chars]` instead of being scanned. Outside a request (no
   * request scope), each `redact()` / `redactString()` call gets this budget on its own.
   * @default 1048576
   */
  maxScanCharsPerRequest?: number;
  /**
   * HMAC mode: a sensitive value (string or number) is replaced by `[REDACTED:<hash>]`, a keyed
   * SHA-256 hash cut to `length` hex characters, so equal values stay correlatable across lines
   * without being readable. The key must stay secret: anyone with it can test guesses.
   * @default undefined (plain censor)
   * @example { key: process.env.LOG_HMAC_KEY!, length: 16 }
   */
  hmac?: { key: string | Buffer; length?: number };
}
