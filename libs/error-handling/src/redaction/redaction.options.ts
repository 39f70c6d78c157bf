import type { ValueDetector } from './value-detectors';

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
   * Whether the built-in value detectors (JWT, `Bearer …`, PEM private keys, card numbers) run.
   * @default true
   */
  builtInDetectors?: boolean;
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
   * Extra detectors for secrets inside string values, run after the built-in ones
   * (JWT, `Bearer …`, PEM private keys, Luhn-valid card numbers).
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
   * Strings longer than this are cut, with a marker of how much was cut.
   * @default 8192
   */
  maxStringLength?: number;
  /**
   * HMAC mode: a sensitive value (string or number) is replaced by `[REDACTED:<hash>]`, a keyed
   * SHA-256 hash cut to `length` hex characters, so equal values stay correlatable across lines
   * without being readable. The key must stay secret: anyone with it can test guesses.
   * @default undefined (plain censor)
   * @example { key: process.env.LOG_HMAC_KEY!, length: 16 }
   */
  hmac?: { key: string | Buffer; length?: number };
}
