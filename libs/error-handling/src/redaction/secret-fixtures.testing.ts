/**
 * Fake secrets of every format the built-in detectors know, built here from parts so that no
 * real token (and nothing a repository's secret scanning would flag) is in the sources. For tests.
 */

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters of `alphabet`, spread so they do not repeat in short runs. */
export function fill(alphabet: string, n: number, seed = 7): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[(i * 7 + seed * 13 + ((i * i) % 11)) % alphabet.length];
  return out;
}

const join = (...parts: string[]): string => parts.join('');

/** A secret, the part of it that must disappear, and the detector that finds it. */
export interface FakeSecret {
  readonly detector: string;
  readonly label: string;
  readonly text: string;
  /** What must not survive (the password of a URL, the path of a webhook, else the text). */
  readonly secret: string;
}

const jwt = join('eyJ', 'hbGciOiJIUzI1NiJ9', '.', 'eyJ', 'zdWIiOiJmYWtlLXVzZXIifQ', '.', fill(ALNUM, 43, 3));
const pem = join(
  '-----BEGIN ',
  'PRIVATE KEY-----\n',
  fill(ALNUM, 64, 1),
  '\n',
  fill(ALNUM, 40, 2),
  '\n-----END ',
  'PRIVATE KEY-----',
);
const webhookPath = join('T', fill(UPPER, 8, 4), '/B', fill(UPPER, 10, 5), '/', fill(ALNUM, 24, 6));
const urlPassword = join('pw-', fill(ALNUM, 12, 8));

/** One fake of every format, with its detector's name. */
export const FAKE_SECRETS: readonly FakeSecret[] = [
  { detector: 'jwt', label: 'a JWT', text: jwt, secret: jwt },
  { detector: 'pem-private-key', label: 'a PEM private key', text: pem, secret: pem },
  {
    detector: 'bearer',
    label: 'a Bearer credential',
    text: join('Bearer ', fill(ALNUM, 32, 9)),
    secret: fill(ALNUM, 32, 9),
  },
  { detector: 'card-number', label: 'a Visa number', text: '4111111111111111', secret: '4111111111111111' },
  {
    detector: 'card-number',
    label: 'a grouped Mastercard number',
    text: '5555 5555 5555 4444',
    secret: '5555 5555 5555 4444',
  },
  {
    detector: 'aws-access-key',
    label: 'an AWS access key id',
    text: join('AKIA', fill(UPPER + '234567', 16, 10)),
    secret: join('AKIA', fill(UPPER + '234567', 16, 10)),
  },
  {
    detector: 'aws-access-key',
    label: 'an AWS temporary key id',
    text: join('ASIA', fill(UPPER + '234567', 16, 11)),
    secret: join('ASIA', fill(UPPER + '234567', 16, 11)),
  },
  {
    detector: 'github-token',
    label: 'a GitHub personal access token',
    text: join('gh', 'p_', fill(ALNUM, 36, 12)),
    secret: join('gh', 'p_', fill(ALNUM, 36, 12)),
  },
  {
    detector: 'github-token',
    label: 'a GitHub OAuth token',
    text: join('gh', 'o_', fill(ALNUM, 36, 13)),
    secret: join('gh', 'o_', fill(ALNUM, 36, 13)),
  },
  {
    detector: 'github-token',
    label: 'a GitHub app token',
    text: join('gh', 's_', fill(ALNUM, 36, 14)),
    secret: join('gh', 's_', fill(ALNUM, 36, 14)),
  },
  {
    detector: 'github-token',
    label: 'a GitHub fine-grained token',
    text: join('github', '_pat_', fill(ALNUM, 22, 15), '_', fill(ALNUM, 59, 16)),
    secret: join('github', '_pat_', fill(ALNUM, 22, 15), '_', fill(ALNUM, 59, 16)),
  },
  {
    detector: 'slack-token',
    label: 'a Slack bot token',
    text: join(
      'xo',
      'xb-',
      fill('0123456789', 12, 17),
      '-',
      fill('0123456789', 13, 18),
      '-',
      fill(ALNUM, 24, 19),
    ),
    secret: join(
      'xo',
      'xb-',
      fill('0123456789', 12, 17),
      '-',
      fill('0123456789', 13, 18),
      '-',
      fill(ALNUM, 24, 19),
    ),
  },
  {
    detector: 'slack-token',
    label: 'a Slack user token',
    text: join(
      'xo',
      'xp-',
      fill('0123456789', 12, 20),
      '-',
      fill('0123456789', 12, 21),
      '-',
      fill('0123456789', 13, 22),
      '-',
      fill('abcdef0123456789', 32, 23),
    ),
    secret: join(
      'xo',
      'xp-',
      fill('0123456789', 12, 20),
      '-',
      fill('0123456789', 12, 21),
      '-',
      fill('0123456789', 13, 22),
      '-',
      fill('abcdef0123456789', 32, 23),
    ),
  },
  {
    detector: 'slack-token',
    label: 'a Slack legacy workspace token',
    text: join('xo', 'xa-2-', fill(ALNUM, 30, 24)),
    secret: join('xo', 'xa-2-', fill(ALNUM, 30, 24)),
  },
  {
    detector: 'slack-token',
    label: 'a Slack refresh token',
    text: join('xo', 'xr-', fill(ALNUM, 40, 25)),
    secret: join('xo', 'xr-', fill(ALNUM, 40, 25)),
  },
  {
    detector: 'slack-token',
    label: 'a Slack configuration refresh token',
    text: join('xo', 'xe-1-', fill(UPPER + '0123456789', 146, 26)),
    secret: join('xo', 'xe-1-', fill(UPPER + '0123456789', 146, 26)),
  },
  {
    detector: 'slack-webhook',
    label: 'a Slack webhook URL',
    text: join('https://hooks.', 'slack.com/services/', webhookPath),
    secret: webhookPath,
  },
  {
    detector: 'stripe-key',
    label: 'a Stripe live secret key',
    text: join('sk', '_live_', fill(ALNUM, 24, 27)),
    secret: join('sk', '_live_', fill(ALNUM, 24, 27)),
  },
  {
    detector: 'stripe-key',
    label: 'a Stripe restricted test key',
    text: join('rk', '_test_', fill(ALNUM, 24, 28)),
    secret: join('rk', '_test_', fill(ALNUM, 24, 28)),
  },
  {
    detector: 'google-api-key',
    label: 'a Google API key',
    text: join('AI', 'za', fill(ALNUM + '-_', 35, 29)),
    secret: join('AI', 'za', fill(ALNUM + '-_', 35, 29)),
  },
  {
    detector: 'url-credentials',
    label: 'a password in a database URL',
    text: join('postgres://app:', urlPassword, '@db.internal:5432/app'),
    secret: urlPassword,
  },
  {
    detector: 'url-credentials',
    label: 'a password in a Redis URL without a user',
    text: join('redis://:', urlPassword, '@cache:6379/0'),
    secret: urlPassword,
  },
];

/** True when `out` holds any `width`-character piece of `secret`. */
export function leaksPartOf(out: string, secret: string, width = 8): boolean {
  const w = Math.min(width, secret.length);
  for (let i = 0; i + w <= secret.length; i++) if (out.includes(secret.slice(i, i + w))) return true;
  return false;
}
