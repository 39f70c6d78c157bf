import {
  authSchemeScanner,
  cardScanner,
  jwtScanner,
  luhnOf,
  pemScanner,
  urlCredentialsScanner,
  type SecretScanner,
} from './secret-scanners';
import {
  AWS_ACCESS_KEY,
  GITHUB_TOKEN,
  GOOGLE_API_KEY,
  SLACK_TOKEN,
  SLACK_WEBHOOK,
  STRIPE_KEY,
  tokenScanner,
  type TokenRule,
} from './token-scanners';
import { ValueScanner } from './value-scanner';

/**
 * Detectors for secrets inside string values, whatever key holds them. Each replaces only the
 * secret, so the rest of the text stays readable.
 */
export interface ValueDetector {
  /** Name for docs and errors. */
  readonly name: string;
  /** Returns `text` with every secret this detector finds replaced by `censor`. */
  replace(text: string, censor: string): string;
}

/** The names of the built-in value detectors, each of which `redaction.builtInDetectors` can turn off. */
export const BUILT_IN_DETECTOR_NAMES = [
  'pem-private-key',
  'jwt',
  'bearer',
  'card-number',
  'aws-access-key',
  'github-token',
  'slack-token',
  'slack-webhook',
  'stripe-key',
  'google-api-key',
  'url-credentials',
] as const;

/** The name of a built-in value detector. */
export type BuiltInDetectorName = (typeof BUILT_IN_DETECTOR_NAMES)[number];

/** A built-in detector: usable on its own as a {@link ValueDetector}, and by name in options. */
class BuiltInDetector implements ValueDetector {
  private value: ValueScanner | undefined;

  constructor(
    readonly name: BuiltInDetectorName,
    /** @internal */ readonly scanner: SecretScanner | undefined,
    /** @internal */ readonly rule: TokenRule | undefined,
  ) {}

  replace(text: string, censor: string): string {
    this.value ??= new ValueScanner([this.scanner ?? tokenScanner([this.rule as TokenRule])], undefined);
    return this.value.redact(text, censor);
  }
}

function scanning(scanner: SecretScanner): BuiltInDetector {
  return new BuiltInDetector(scanner.name as BuiltInDetectorName, scanner, undefined);
}

function token(rule: TokenRule): BuiltInDetector {
  return new BuiltInDetector(rule.name as BuiltInDetectorName, undefined, rule);
}

/** PEM private key blocks (`-----BEGIN … PRIVATE KEY-----` to the END line, or the end). */
export const pemDetector: ValueDetector = scanning(pemScanner);

/** JSON Web Tokens (`eyJ….eyJ….…`). */
export const jwtDetector: ValueDetector = scanning(jwtScanner);

/** `Bearer …`, `Basic …` and `Token …` credentials; the scheme stays. */
export const authSchemeDetector: ValueDetector = scanning(authSchemeScanner);

/**
 * Card numbers of 13-19 digits (spaces, dashes or `+` allowed) that pass the Luhn check. Digits
 * that are part of a word (`ab1234…`) or of a UUID are not a card number.
 */
export const cardNumberDetector: ValueDetector = scanning(cardScanner);

/** AWS access key ids (`AKIA…`, `ASIA…`, `ABIA…`, `ACCA…`: gitleaks `aws-access-token`). */
export const awsAccessKeyDetector: ValueDetector = token(AWS_ACCESS_KEY);

/** GitHub tokens: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and fine-grained `github_pat_`. */
export const githubTokenDetector: ValueDetector = token(GITHUB_TOKEN);

/** Slack tokens: `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxo-`, `xoxe-`, `xoxe.xox?-`, `xapp-`. */
export const slackTokenDetector: ValueDetector = token(SLACK_TOKEN);

/** Slack webhook URLs: the secret path after `hooks.slack.com/services/` (or workflows, triggers). */
export const slackWebhookDetector: ValueDetector = token(SLACK_WEBHOOK);

/** Stripe secret and restricted keys: `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_` (and `_prod_`). */
export const stripeKeyDetector: ValueDetector = token(STRIPE_KEY);

/** Google API keys: `AIza` and 35 more characters. */
export const googleApiKeyDetector: ValueDetector = token(GOOGLE_API_KEY);

/** Passwords in URLs: `scheme://user:password@host` keeps all but the password. */
export const urlCredentialsDetector: ValueDetector = scanning(urlCredentialsScanner);

/** The detectors on by default, in the order the names are listed in {@link BUILT_IN_DETECTOR_NAMES}. */
export const DEFAULT_VALUE_DETECTORS: readonly ValueDetector[] = [
  pemDetector,
  jwtDetector,
  authSchemeDetector,
  cardNumberDetector,
  awsAccessKeyDetector,
  githubTokenDetector,
  slackTokenDetector,
  slackWebhookDetector,
  stripeKeyDetector,
  googleApiKeyDetector,
  urlCredentialsDetector,
];

/**
 * The scanners of the built-in detectors named in `enabled`: the token rules share one scanner
 * (one search for all their prefixes).
 */
export function builtInScanners(enabled: ReadonlySet<BuiltInDetectorName>): SecretScanner[] {
  const scanners: SecretScanner[] = [];
  const rules: TokenRule[] = [];
  for (const detector of DEFAULT_VALUE_DETECTORS as readonly BuiltInDetector[]) {
    if (!enabled.has(detector.name)) continue;
    if (detector.scanner) scanners.push(detector.scanner);
    else if (detector.rule) rules.push(detector.rule);
  }
  if (rules.length > 0) scanners.push(tokenScanner(rules));
  return scanners;
}

/** Luhn checksum over a string of digits. */
export function luhn(digits: string): boolean {
  return luhnOf(digits, 0, digits.length);
}
