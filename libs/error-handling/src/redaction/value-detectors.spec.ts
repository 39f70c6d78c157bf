import { Redactor } from './redactor';
import { FAKE_SECRETS, fill, leaksPartOf, type FakeSecret } from './secret-fixtures.testing';
import {
  BUILT_IN_DETECTOR_NAMES,
  DEFAULT_VALUE_DETECTORS,
  authSchemeDetector,
  awsAccessKeyDetector,
  cardNumberDetector,
  githubTokenDetector,
  googleApiKeyDetector,
  jwtDetector,
  pemDetector,
  slackTokenDetector,
  slackWebhookDetector,
  stripeKeyDetector,
  urlCredentialsDetector,
} from './value-detectors';

const R = '[REDACTED]';
const redactor = new Redactor();
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The places a secret turns up in: free text, JSON, a query value, percent-encoded, a line. */
const CONTEXTS: [string, (secret: string) => string][] = [
  ['free text', (s) => `upstream said: ${s} (retrying)`],
  ['a JSON document', (s) => JSON.stringify({ message: 'failed', detail: `line one\n${s}\nline two` })],
  ['a query value', (s) => `/callback?state=42&value=${s}&page=2`],
  ['a percent-encoded query value', (s) => `/callback?q=${encodeURIComponent(`text ${s} end`)}&page=2`],
  ['a form-encoded value', (s) => `a=1&q=${encodeURIComponent(`x ${s} y`).replace(/%20/g, '+')}`],
  ['a log line with newlines', (s) => `first line\n\t${s}\nthird line`],
];

function withDetector(name: string): FakeSecret[] {
  return FAKE_SECRETS.filter((s) => s.detector === name);
}

describe('built-in value detectors', () => {
  it('lists every built-in detector once, by a stable name, in DEFAULT_VALUE_DETECTORS', () => {
    expect(DEFAULT_VALUE_DETECTORS.map((d) => d.name)).toEqual([...BUILT_IN_DETECTOR_NAMES]);
    expect(new Set(FAKE_SECRETS.map((s) => s.detector))).toEqual(new Set(BUILT_IN_DETECTOR_NAMES));
  });

  describe.each(CONTEXTS)('in %s', (_context, place) => {
    it.each(FAKE_SECRETS.map((s) => [s.label, s] as const))('removes %s', (_label, fake) => {
      const text = place(fake.text);
      const out = redactor.redactString(text);

      expect(leaksPartOf(out, fake.secret)).toBe(false);
      expect(out).toContain(R);
    });
  });

  it.each(FAKE_SECRETS.map((s) => [s.label, s] as const))(
    'removes %s whole when it straddles the maxStringLength cut',
    (_label, fake) => {
      const before = 'context: '.repeat(4);
      const text = `${before}${fake.text} and more text after it`;
      const start = text.indexOf(fake.secret);
      for (const cut of [
        start + 1,
        start + Math.floor(fake.secret.length / 2),
        start + fake.secret.length - 1,
      ]) {
        const out = new Redactor({ maxStringLength: cut }).redactString(text);

        expect({ cut, leaked: leaksPartOf(out, fake.secret, 4) }).toEqual({ cut, leaked: false });
        expect(out.length).toBeLessThanOrEqual(cut + R.length + '…[99 more chars]'.length);
      }
    },
  );

  it.each(FAKE_SECRETS.map((s) => [s.label, s] as const))(
    'finds %s with its own exported detector, and the other detectors leave it',
    (_label, fake) => {
      const own = DEFAULT_VALUE_DETECTORS.find((d) => d.name === fake.detector);
      expect(own?.replace(`see ${fake.text} here`, R)).not.toContain(fake.secret);
      const others = new Redactor({
        builtInDetectors: { [fake.detector]: false } as never,
        builtInKeys: false,
      });
      // Another detector may overlap (a URL holding a token); its own is the one that must act.
      if (fake.detector !== 'url-credentials' && fake.detector !== 'slack-webhook') {
        expect(others.redactString(`see ${fake.text} here`)).toBe(`see ${fake.text} here`);
      }
    },
  );

  describe('JWT', () => {
    const jwt = withDetector('jwt')[0].text;

    it('replaces the token and keeps the text around it', () => {
      expect(jwtDetector.replace(`session=${jwt}; Path=/`, R)).toBe(`session=${R}; Path=/`);
    });

    it('finds a token whose dots are percent-encoded', () => {
      const encoded = jwt.replace(/\./g, '%2E');
      expect(redactor.redactString(`/x?q=text%20${encoded}%20end`)).toBe(`/x?q=text%20${R}%20end`);
    });

    it.each([
      ['a header alone', 'eyJhbGciOiJIUzI1NiJ9'],
      ['a header and a dot', 'eyJhbGciOiJIUzI1NiJ9.payload'],
      ['segments too short', 'eyJab.eyJcd.ef'],
    ])('keeps %s', (_label, text) => {
      expect(redactor.redactString(`value ${text} end`)).toBe(`value ${text} end`);
    });
  });

  describe('Bearer, Basic and Token credentials', () => {
    it('keeps the scheme word, in any case, after spaces or a form-encoded +', () => {
      expect(authSchemeDetector.replace('Authorization: BEARER abcdefgh123', R)).toBe(
        `Authorization: BEARER ${R}`,
      );
      expect(redactor.redactString('auth=Bearer+abcdefgh123&x=1')).toBe(`auth=Bearer+${R}&x=1`);
      expect(redactor.redactString('auth=Basic%20dXNlcjpwYXNz&x=1')).toBe(`auth=Basic%20${R}&x=1`);
    });

    it.each([
      ['a credential under 6 characters', 'Bearer abc'],
      ['the word glued to another', 'xBearer abcdefgh'],
    ])('keeps %s', (_label, text) => {
      expect(redactor.redactString(`value ${text} end`)).toBe(`value ${text} end`);
    });

    it.each([
      'Token required',
      'Refresh token expired.',
      'Bearer token MISSING',
      'Basic validation failed',
      'token undefined in header',
      'The access token revoked...',
    ])('keeps a message about a credential that holds none: %s', (message) => {
      expect(redactor.redactString(message)).toBe(message);
    });

    it('still replaces a credential that only begins or ends like such a word', () => {
      for (const credential of ['expired1', 'requiredX', 'missing-9f2c', 'Expired.Aq', 'revokedrevoked']) {
        expect(redactor.redactString(`Token ${credential} end`)).toBe(`Token ${R} end`);
      }
    });
  });

  describe('PEM private keys', () => {
    it('replaces an OpenSSH, encrypted or PGP key block and keeps what follows', () => {
      for (const label of ['OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
        const block = `-----BEGIN ${label}-----\n${fill(ALNUM, 70)}\n-----END ${label}-----`;
        expect(pemDetector.replace(`key:\n${block}\nnext`, R)).toBe(`key:\n${R}\nnext`);
      }
    });

    it('replaces a key block to the end of the text when its END line is missing', () => {
      expect(redactor.redactString(`key: -----BEGIN EC PRIVATE KEY-----\n${fill(ALNUM, 40)}`)).toBe(
        `key: ${R}`,
      );
    });

    it('finds a form-encoded key block', () => {
      const block = `-----BEGIN PRIVATE KEY-----\n${fill(ALNUM, 64)}\n-----END PRIVATE KEY-----`;
      const out = redactor.redactString(`key=${encodeURIComponent(block)}&x=1`);
      expect(out).toBe(`key=${R}&x=1`);
    });

    it('keeps certificates and public keys', () => {
      const cert = `-----BEGIN CERTIFICATE-----\n${fill(ALNUM, 64)}\n-----END CERTIFICATE-----`;
      const pub = `-----BEGIN PUBLIC KEY-----\n${fill(ALNUM, 64)}\n-----END PUBLIC KEY-----`;
      expect(redactor.redactString(`${cert}\n${pub}`)).toBe(`${cert}\n${pub}`);
    });
  });

  describe('card numbers', () => {
    it.each([
      ['a 15-digit Amex number', '378282246310005'],
      ['a number grouped with dashes', '4111-1111-1111-1111'],
      ['a form-encoded grouped number', '4111+1111+1111+1111'],
      ['a 19-digit number', '6011000990139424009'],
    ])('replaces %s', (_label, card) => {
      expect(cardNumberDetector.replace(`paid with ${card} today`, R)).toBe(`paid with ${R} today`);
    });

    it('finds a number after a JSON escape such as \\n', () => {
      expect(redactor.redactString(JSON.stringify('card:\n4111111111111111'))).toBe(`"card:\\n${R}"`);
    });

    it.each([
      ['a 16-digit order number that fails Luhn', '4111111111111112'],
      ['a UUID of digits', '35005736-1447-4009-7416-454467139756'],
      ['digits glued to letters', 'ord4111111111111111x'],
      ['a 12-digit number', '411111111111'],
      ['a 20-digit id', '41111111111111111110'],
      ['a phone number', '+82 10-1234-5678'],
      ['a timestamp', '2026-12-06T13:55:48.123Z'],
    ])('keeps %s', (_label, text) => {
      expect(redactor.redactString(`ref ${text} ok`)).toBe(`ref ${text} ok`);
    });
  });

  describe('AWS access key ids', () => {
    const key = withDetector('aws-access-key')[0].text;

    it('replaces a key id in free text and as a query value', () => {
      expect(awsAccessKeyDetector.replace(`id=${key}, region eu-west-1`, R)).toBe(
        `id=${R}, region eu-west-1`,
      );
    });

    it.each([
      ['AKIA and 15 characters', `AKIA${fill('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 15)}`],
      ['AKIA and 17 characters', `AKIA${fill('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 17)}`],
      ['a key id glued to a word', `xAKIA${fill('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 16)}`],
      ['lower case', `akia${fill('abcdefghijklmnopqrstuvwxyz', 16)}`],
    ])('keeps %s', (_label, text) => {
      expect(redactor.redactString(`id ${text} end`)).toBe(`id ${text} end`);
    });
  });

  describe('GitHub tokens', () => {
    it.each(withDetector('github-token').map((s) => [s.label, s.text]))('replaces %s', (_label, token) => {
      expect(githubTokenDetector.replace(`GITHUB_TOKEN=${token}\n`, R)).toBe(`GITHUB_TOKEN=${R}\n`);
    });

    it.each([
      ['ghp_ and 35 characters', `gh${'p_'}${fill(ALNUM, 35)}`],
      ['ghp_ alone', 'ghp_'],
      ['github_pat_ too short', `github${'_pat_'}${fill(ALNUM, 40)}`],
      ['another prefix', `ghx_${fill(ALNUM, 36)}`],
    ])('keeps %s', (_label, text) => {
      expect(redactor.redactString(`value ${text}.`)).toBe(`value ${text}.`);
    });
  });

  describe('Slack tokens and webhooks', () => {
    it.each(withDetector('slack-token').map((s) => [s.label, s.text]))('replaces %s', (_label, token) => {
      expect(slackTokenDetector.replace(`"bot": "${token}"`, R)).toBe(`"bot": "${R}"`);
    });

    it('keeps the host and kind of a webhook URL and replaces its secret path', () => {
      const fake = withDetector('slack-webhook')[0];
      expect(slackWebhookDetector.replace(`posting to ${fake.text} failed`, R)).toBe(
        `posting to https://hooks.slack.com/services/${R} failed`,
      );
    });

    it.each([
      ['a placeholder', 'xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx'],
      ['a short token', 'xoxb-12345-abcd234'],
      ['a repeated prefix', 'xoxb-xoxb-my-bot-token'],
      ['a webhook without its path', 'https://hooks.slack.com/services/short'],
    ])('keeps %s', (_label, text) => {
      expect(redactor.redactString(`value ${text} end`)).toBe(`value ${text} end`);
    });
  });

  describe('Stripe and Google keys', () => {
    it.each([...withDetector('stripe-key'), ...withDetector('google-api-key')].map((s) => [s.label, s.text]))(
      'replaces %s',
      (_label, key) => {
        expect(redactor.redactString(`key: '${key}';`)).toBe(`key: '${R}';`);
        expect(stripeKeyDetector.replace(key, R) === R || googleApiKeyDetector.replace(key, R) === R).toBe(
          true,
        );
      },
    );

    it.each([
      ['a Stripe key too short', `sk${'_live_'}abc123`],
      ['a publishable Stripe key', `pk${'_live_'}${fill(ALNUM, 24)}`],
      ['a Stripe key glued to a word', `mysk${'_live_'}${fill(ALNUM, 24)}`],
      ['AIza and 34 characters', `AI${'za'}${fill(ALNUM, 34)}`],
    ])('keeps %s', (_label, text) => {
      expect(redactor.redactString(`key ${text} end`)).toBe(`key ${text} end`);
    });
  });

  describe('credentials in URLs', () => {
    it('replaces the password only, in messages, connection strings and query values', () => {
      expect(
        urlCredentialsDetector.replace('connect ECONNREFUSED postgres://app:s3cret@db:5432/app', R),
      ).toBe(`connect ECONNREFUSED postgres://app:${R}@db:5432/app`);
      expect(redactor.redactString('amqp://guest:gu:est@rabbit/vhost')).toBe(
        `amqp://guest:${R}@rabbit/vhost`,
      );
      expect(redactor.redactString('/login?next=https%3A%2F%2Fann%3Ahunter22%40example.com%2F')).toBe(
        `/login?next=https%3A%2F%2Fann%3A${R}%40example.com%2F`,
      );
    });

    it('takes the last @ of the authority, as URL parsers do', () => {
      expect(redactor.redactString('mongodb://root:p@ss@mongo:27017')).toBe(
        `mongodb://root:${R}@mongo:27017`,
      );
    });

    it.each([
      ['a host and port', 'https://api.example.com:8443/v1?x=1'],
      ['a user without password', 'ssh://git@github.com/org/repo'],
      ['an e-mail address', 'mailto:ann@example.com'],
      ['an @ in the path', 'https://example.com/users/@ann:1'],
      ['an empty password', 'ftp://anonymous:@ftp.example.com'],
    ])('keeps %s', (_label, url) => {
      expect(redactor.redactString(`see ${url} now`)).toBe(`see ${url} now`);
    });
  });
});
