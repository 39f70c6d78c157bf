import { ALNUM, B64URL, WORD, gluedBefore } from './char-classes';
import { matchAt, runEnd, type SecretScanner } from './secret-scanners';
import { scanMeter, type SecretRanges } from './secret-ranges';

/**
 * A token recognised by its prefix, after the rules that secret scanners publish (gitleaks'
 * rule ids in `reference`). At each anchor a sticky pattern with bounded repetitions is tried;
 * a match is then extended over the token's characters, so a longer token is replaced whole.
 */
export interface TokenRule {
  /** The detector's stable name. */
  readonly name: string;
  /** Regular expression source of the fixed prefix the rule starts with. */
  readonly anchor: string;
  /** Sticky pattern tried at the anchor; every repetition in it is bounded. */
  readonly pattern: RegExp;
  /** The secret must not follow a word character (gitleaks' leading `\b`). */
  readonly wordStart?: boolean;
  /** The characters a match is extended over (a class of `char-classes`); none when 0. */
  readonly extend: number;
  /** Characters kept at the start of the match (`hooks.slack.com/services/`). */
  readonly keep?: (text: string, start: number, end: number) => number;
}

/** gitleaks `aws-access-token`: `AKIA`, `ASIA`, `ABIA`, `ACCA` or `A3T?` and 16 more. */
export const AWS_ACCESS_KEY: TokenRule = {
  name: 'aws-access-key',
  anchor: 'A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA',
  pattern: /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9_])/y,
  wordStart: true,
  extend: 0,
};

/**
 * gitleaks `github-pat`, `github-oauth`, `github-app-token`, `github-refresh-token`
 * (`gh[pousr]_` and 36) and `github-fine-grained-pat` (`github_pat_` and 82).
 */
export const GITHUB_TOKEN: TokenRule = {
  name: 'github-token',
  anchor: 'gh[pousr]_|github_pat_',
  pattern: /gh[pousr]_[0-9A-Za-z]{36}|github_pat_\w{82}/y,
  extend: WORD,
};

/**
 * gitleaks `slack-bot-token`, `slack-user-token`, `slack-app-token`,
 * `slack-config-access-token`, `slack-config-refresh-token`, `slack-legacy-bot-token`,
 * `slack-legacy-workspace-token` and `slack-legacy-token` (unbounded repetitions bounded here).
 */
export const SLACK_TOKEN: TokenRule = {
  name: 'slack-token',
  anchor: 'xox[a-z]|xapp-',
  pattern: new RegExp(
    [
      'xoxb-[0-9]{10,13}-[0-9]{10,13}',
      'xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}',
      'xapp-\\d-[A-Za-z0-9]{1,64}-\\d{1,32}-[A-Za-z0-9]{1,128}',
      'xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{163,166}',
      'xoxe-\\d-[A-Za-z0-9]{146}',
      'xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26}',
      'xox[ar]-(?:\\d-)?[0-9a-zA-Z]{8,48}',
      'xox[os]-\\d{1,32}-\\d{1,32}-\\d{1,32}-[a-fA-F\\d]{1,128}',
      'xox[abeoprs]-[0-9a-zA-Z]{10,48}',
    ].join('|'),
    'y',
  ),
  extend: B64URL,
};

/** gitleaks `slack-webhook-url`: the path after `hooks.slack.com/services/` (and workflows, triggers). */
export const SLACK_WEBHOOK: TokenRule = {
  name: 'slack-webhook',
  anchor: 'hooks\\.slack\\.com/',
  pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56}/y,
  extend: B64URL,
  keep: (text, start) => text.indexOf('/', start + 16) + 1 - start,
};

/** gitleaks `stripe-access-token`: `sk_` / `rk_` + `live_` / `test_` / `prod_` and 10-99 more. */
export const STRIPE_KEY: TokenRule = {
  name: 'stripe-key',
  anchor: '[rs]k_(?:live|test|prod)_',
  pattern: /[rs]k_(?:live|test|prod)_[A-Za-z0-9]{10,99}/y,
  wordStart: true,
  extend: ALNUM,
};

/** gitleaks `gcp-api-key`: `AIza` and 35 more. */
export const GOOGLE_API_KEY: TokenRule = {
  name: 'google-api-key',
  anchor: 'AIza',
  pattern: /AIza[\w-]{35}/y,
  wordStart: true,
  extend: B64URL,
};

/** Every prefix-token rule, in a fixed order. */
export const TOKEN_RULES: readonly TokenRule[] = [
  AWS_ACCESS_KEY,
  GITHUB_TOKEN,
  SLACK_TOKEN,
  SLACK_WEBHOOK,
  STRIPE_KEY,
  GOOGLE_API_KEY,
];

/**
 * One scanner for several token rules: a single global search for any of their anchors (one
 * capture group a rule), a bounded try of the rule whose anchor matched, then the search goes
 * on past the token, or one character on when the try failed.
 */
export function tokenScanner(
  rules: readonly TokenRule[],
  name = rules.map((r) => r.name).join('+'),
): SecretScanner {
  const anchors = new RegExp(rules.map((r) => `(${r.anchor})`).join('|'), 'g');
  return {
    name,
    scan(text: string, out: SecretRanges): void {
      anchors.lastIndex = 0;
      let from = 0;
      for (let m = anchors.exec(text); m !== null; m = anchors.exec(text)) {
        scanMeter.chars += m.index - from;
        const at = m.index;
        let rule = rules[0];
        for (let g = 1; g <= rules.length; g++) {
          if (m[g] !== undefined) {
            rule = rules[g - 1];
            break;
          }
        }
        let next = at + 1;
        if (!(rule.wordStart && gluedBefore(text, at, WORD))) {
          const stop = matchAt(rule.pattern, text, at);
          if (stop !== -1) {
            const end = rule.extend === 0 ? stop : runEnd(text, stop, rule.extend);
            out.add(rule.keep ? at + rule.keep(text, at, end) : at, end);
            next = end;
          }
        }
        from = next;
        anchors.lastIndex = next;
      }
    },
  };
}
