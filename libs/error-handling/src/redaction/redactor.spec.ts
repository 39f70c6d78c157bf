import { RequestScope, runInRequestScope } from '../kernel/request-scope';
import { configErrorOf } from '../kernel/config-error.testing';
import type { FaultlineConfigError } from '../kernel/faultline-config.error';
import { Redactor } from './redactor';
import type { RedactionOptions } from './redaction.options';

const R = '[REDACTED]';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKj\n-----END PRIVATE KEY-----';

function configError(options: RedactionOptions): FaultlineConfigError {
  return configErrorOf(() => new Redactor(options));
}

describe('Redactor', () => {
  const redactor = new Redactor();

  describe('sensitive keys', () => {
    it.each([
      'password',
      'passwd',
      'secret',
      'token',
      'access_token',
      'refresh_token',
      'api_key',
      'apiKey',
      'API-KEY',
      'x_api_key',
      'X-Api-Key',
      'authorization',
      'Authorization',
      'proxy-authorization',
      'cookie',
      'Set-Cookie',
      'session_id',
      'sessionId',
      'Session ID',
      'csrf_token',
      'xsrfToken',
      'credit_card',
      'creditCard',
      'card_number',
      'CVV',
      'ssn',
      'private_key',
      'privateKey',
      'client_secret',
    ])('redacts the value under %p', (key) => {
      expect(redactor.redact({ [key]: 'value-1234', other: 'kept' })).toEqual({ [key]: R, other: 'kept' });
    });

    it.each([
      'userPassword',
      'new_password',
      'githubToken',
      'stripeApiKey',
      'rsaPrivateKey',
      'webhookSecret',
      'DB_PASSWD',
    ])('redacts the compound key %p that ends with a secret name', (key) => {
      expect(redactor.isSensitiveKey(key)).toBe(true);
      expect(redactor.redact({ [key]: 'x' })).toEqual({ [key]: R });
    });

    it.each([
      'passwords',
      'tokens',
      'secrets',
      'secretKey',
      'secret_key',
      'aws_secret_access_key',
      'AWS_SECRET_ACCESS_KEY',
      'pwd',
      'DB_PWD',
      'pass',
      'passphrase',
      'credentials',
      'awsCredentials',
      'session',
      'sessions',
      'sid',
      'connect.sid',
      'PHPSESSID',
      'JSESSIONID',
      'signature',
      'X-Hub-Signature-256',
      'password2',
      'password_confirmation',
      'otp',
      'cvc',
      'connectionString',
      'user[password]',
      'password[]',
      'a[b][token]',
      'x+api+key',
    ])('redacts the value under %p (plurals, digits, brackets and separators normalised)', (key) => {
      expect(redactor.isSensitiveKey(key)).toBe(true);
      expect(redactor.redact({ [key]: 'value-1234' })).toEqual({ [key]: R });
    });

    it.each([
      'username',
      'email',
      'page',
      'title',
      'tokenCount',
      'authorName',
      'description',
      'sessionCount',
      'sessionTimeout',
      'maxTokens',
      'outputTokens',
      'tokenizer',
      'passwordHint',
      'secretary',
      'signatureAlgorithm',
      'consider',
      'passenger',
      'user[name]',
    ])('keeps the ordinary key %p', (key) => {
      expect(redactor.isSensitiveKey(key)).toBe(false);
      expect(redactor.redact({ [key]: 'visible' })).toEqual({ [key]: 'visible' });
    });

    it('redacts a whole object or array held under a sensitive key', () => {
      expect(
        redactor.redact({
          credentials: { password: 'a' },
          token: { value: 'b', expires: 1 },
          secret: [1, 2],
        }),
      ).toEqual({
        credentials: R,
        token: R,
        secret: R,
      });
    });

    it('redacts sensitive keys at any depth, inside arrays too', () => {
      expect(
        redactor.redact({
          a: { b: { c: { headers: { authorization: 'Basic x' } } } },
          users: [{ name: 'ann', password: 'p' }],
        }),
      ).toEqual({
        a: { b: { c: { headers: { authorization: R } } } },
        users: [{ name: 'ann', password: R }],
      });
    });

    it('redacts keys the user adds, regardless of case and separators', () => {
      const custom = new Redactor({ keys: ['phone', 'date_of_birth'] });

      expect(custom.redact({ phone: '010', PHONE: '010', dateOfBirth: '2000-01-01', name: 'ann' })).toEqual({
        phone: R,
        PHONE: R,
        dateOfBirth: R,
        name: 'ann',
      });
      expect(redactor.redact({ phone: '010' })).toEqual({ phone: '010' });
    });

    it('uses the censor it is given', () => {
      expect(new Redactor({ censor: '***' }).redact({ password: 'x', note: 'Bearer abcdefgh' })).toEqual({
        password: '***',
        note: 'Bearer ***',
      });
    });
  });

  describe('explicit paths', () => {
    const custom = new Redactor({ paths: ['user.address.street', 'items.*.note', '*.pin'] });

    it('redacts the value at an exact dot path', () => {
      expect(custom.redact({ user: { address: { street: 'Main 1', city: 'Seoul' } } })).toEqual({
        user: { address: { street: R, city: 'Seoul' } },
      });
    });

    it('matches any one array index or key with *', () => {
      expect(
        custom.redact({
          items: [
            { note: 'a', id: 1 },
            { note: 'b', id: 2 },
          ],
        }),
      ).toEqual({
        items: [
          { note: R, id: 1 },
          { note: R, id: 2 },
        ],
      });
      expect(custom.redact({ card: { pin: '1234' }, account: { pin: '9999', id: 3 } })).toEqual({
        card: { pin: R },
        account: { pin: R, id: 3 },
      });
    });

    it('does not match the same key at another depth', () => {
      expect(
        custom.redact({ street: 'Main 1', address: { street: 'x' }, pin: '1', a: { b: { pin: '2' } } }),
      ).toEqual({
        street: 'Main 1',
        address: { street: 'x' },
        pin: '1',
        a: { b: { pin: '2' } },
      });
    });

    it('redacts whole array items addressed by a path', () => {
      expect(new Redactor({ paths: ['codes.*'] }).redact({ codes: ['a', 'b'] })).toEqual({ codes: [R, R] });
      expect(new Redactor({ paths: ['codes.1'] }).redact({ codes: ['a', 'b'] })).toEqual({ codes: ['a', R] });
    });
  });

  describe('secrets inside string values', () => {
    it('redacts a JWT wherever it appears', () => {
      expect(redactor.redact({ note: `session=${JWT}; Path=/` })).toEqual({ note: `session=${R}; Path=/` });
      expect(redactor.redactString(JWT)).toBe(R);
    });

    it('redacts Bearer, Basic and Token credentials but keeps the scheme', () => {
      expect(redactor.redactString('sent Bearer abc.def-ghi_123 upstream')).toBe(`sent Bearer ${R} upstream`);
      expect(redactor.redactString('Basic dXNlcjpwYXNzd29yZA==')).toBe(`Basic ${R}`);
      expect(redactor.redactString('bearer abcdefghij')).toBe(`bearer ${R}`);
    });

    it('redacts a PEM private key block and keeps the text around it', () => {
      expect(redactor.redactString(`key: ${PEM} end`)).toBe(`key: ${R} end`);
      expect(redactor.redactString(PEM.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY'))).toBe(R);
      expect(redactor.redactString('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE')).toBe(R);
    });

    it('keeps a certificate or public key', () => {
      const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

      expect(redactor.redactString(cert)).toBe(cert);
    });

    it.each([
      ['a Visa number', '4111111111111111'],
      ['a Visa number with spaces', '4111 1111 1111 1111'],
      ['a Mastercard number with dashes', '5555-5555-5555-4444'],
      ['an Amex number', '378282246310005'],
    ])('redacts %s that passes the Luhn check', (_label, card) => {
      expect(redactor.redactString(`paid with ${card} today`)).toBe(`paid with ${R} today`);
    });

    it.each([
      ['a UUID with a run of digits', '2f52c15c-ce2f-4378-8966-27543637e094'],
      ['a UUID starting with digits', '66606460-3102-4445-9bee-742a96196f39'],
      ['a UUID of digits only', '35005736-1447-4009-7416-454467139756'],
      ['digits glued to letters', 'order4111111111111111x'],
    ])('keeps %s, which is not a card number', (_label, text) => {
      expect(redactor.redactString(`ref ${text} ok`)).toBe(`ref ${text} ok`);
    });

    it.each([
      ['a Luhn-invalid 16-digit run', '4111111111111112'],
      ['a Luhn-invalid run with spaces', '1234 5678 9012 3456'],
      ['a 12-digit number', '411111111111'],
      ['a phone number', '010-1234-5678'],
      ['a 20-digit id', '41111111111111111110'],
    ])('keeps %s', (_label, digits) => {
      expect(redactor.redactString(`ref ${digits}`)).toBe(`ref ${digits}`);
    });

    it('runs detectors the user adds after the built-in ones', () => {
      const custom = new Redactor({
        detectors: [{ name: 'ticket', replace: (text, censor) => text.replace(/TCK-\d+/g, censor) }],
      });

      expect(custom.redactString('ticket TCK-123 with Bearer abcdefgh')).toBe(`ticket ${R} with Bearer ${R}`);
    });
  });

  describe('query strings', () => {
    it('redacts a sensitive query parameter and keeps the others', () => {
      expect(redactor.redactString('/x?token=abc&page=2')).toBe(`/x?token=${R}&page=2`);
      expect(redactor.redact({ url: '/x?token=abc&page=2' })).toEqual({ url: `/x?token=${R}&page=2` });
    });

    it('redacts every sensitive parameter, whatever its position and style', () => {
      expect(redactor.redactString('https://api.example.com/cb?page=1&access_token=a1&API-KEY=k#top')).toBe(
        `https://api.example.com/cb?page=1&access_token=${R}&API-KEY=${R}#top`,
      );
      expect(redactor.redactString('GET /login?user=ann;password=hunter2 HTTP/1.1')).toBe(
        `GET /login?user=ann;password=${R} HTTP/1.1`,
      );
    });

    it('decodes a percent-encoded parameter name before checking it', () => {
      expect(redactor.redactString('/x?access%5Ftoken=abc')).toBe(`/x?access%5Ftoken=${R}`);
    });

    it('censors a sensitive value up to &, # or whitespace: a ; inside it is part of the secret', () => {
      expect(redactor.redactString('/x?token=a;b&page=2')).toBe(`/x?token=${R}&page=2`);
      expect(redactor.redactString('/x?token=a;b#frag')).toBe(`/x?token=${R}#frag`);
      expect(redactor.redactString('GET /x?token=a;b HTTP/1.1')).toBe(`GET /x?token=${R} HTTP/1.1`);
    });

    it('still starts a pair at ; after a value that is not sensitive', () => {
      expect(redactor.redactString('/x?q=1;token=abc&sid=zz')).toBe(`/x?q=1;token=${R}&sid=${R}`);
    });

    it('matches bracketed and form-encoded keys', () => {
      expect(redactor.redactString('/x?user[password]=a&password[]=b&a[b][token]=c&user[name]=ann')).toBe(
        `/x?user[password]=${R}&password[]=${R}&a[b][token]=${R}&user[name]=ann`,
      );
      expect(redactor.redactString('/x?user%5Bpassword%5D=a&api+key=b')).toBe(
        `/x?user%5Bpassword%5D=${R}&api+key=${R}`,
      );
    });

    it('redacts an access token in a URL fragment (OAuth implicit flow)', () => {
      expect(redactor.redactString('https://app.example.com/cb#access_token=abc123&state=xyz')).toBe(
        `https://app.example.com/cb#access_token=${R}&state=xyz`,
      );
    });

    it('finds a sensitive pair inside a percent-encoded query value', () => {
      expect(redactor.redactString('/login?next=%2Fcb%3Ftoken%3Dabc123%26x%3D1')).toBe(
        `/login?next=%2Fcb%3Ftoken%3D${R}%26x%3D1`,
      );
    });

    it('keeps URLs without sensitive parameters', () => {
      expect(redactor.redactString('/search?q=shoes&page=2')).toBe('/search?q=shoes&page=2');
      expect(redactor.redactString('/bad?%E0%A4%A=1')).toBe('/bad?%E0%A4%A=1');
    });
  });

  describe('shapes and limits', () => {
    it('replaces a cycle with [Circular]', () => {
      const a: Record<string, unknown> = { name: 'a' };
      a.self = a;
      a.list = [a];

      expect(redactor.redact(a)).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]'] });
    });

    it('keeps an object that is referenced twice without a cycle', () => {
      const shared = { id: 1 };

      expect(redactor.redact({ a: shared, b: shared })).toEqual({ a: { id: 1 }, b: { id: 1 } });
    });

    it('replaces objects nested deeper than maxDepth with [Truncated]', () => {
      expect(new Redactor({ maxDepth: 2 }).redact({ a: { b: { c: 1 } }, x: 1 })).toEqual({
        a: { b: '[Truncated]' },
        x: 1,
      });
    });

    it('truncates at depth 16 by default', () => {
      let deep: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < 20; i++) deep = { next: deep };
      let out = redactor.redact(deep) as Record<string, unknown>;
      let depth = 0;
      while (typeof out.next === 'object') {
        out = out.next as Record<string, unknown>;
        depth++;
      }

      expect(depth).toBe(15);
      expect(out.next).toBe('[Truncated]');
    });

    it('cuts long arrays and says how many items were cut', () => {
      expect(new Redactor({ maxArrayLength: 2 }).redact([1, 2, 3, 4, 5])).toEqual([1, 2, '[3 more items]']);
      expect((redactor.redact(new Array(150).fill(0)) as unknown[]).length).toBe(101);
      expect((redactor.redact(new Array(150).fill(0)) as unknown[])[100]).toBe('[50 more items]');
    });

    it('cuts long strings and says how much was cut', () => {
      expect(new Redactor({ maxStringLength: 5 }).redactString('abcdefgh')).toBe('abcde…[3 more chars]');
      expect(new Redactor({ maxStringLength: 5 }).redactString('abcdefg')).toBe('abcde…[2 more chars]');
    });

    it('runs the detectors before the cut, so a secret across it is replaced whole', () => {
      const card = '4111 1111 1111 1111';
      const out = new Redactor({ maxStringLength: 12 }).redactString(`paid with ${card} yesterday`);
      expect(out).toBe(`paid with ${R}…[10 more chars]`);
    });

    it('never cuts through a replacement', () => {
      const out = new Redactor({ maxStringLength: 14 }).redactString(`/x?token=${'t'.repeat(40)}&page=2`);
      expect(out).toBe(`/x?token=${R}…[7 more chars]`);
    });

    it('scans only maxStringLength + 16 KiB of a longer string, and drops the rest', () => {
      const long = `${'a'.repeat(40_000)} ${'Bearer abcdefghijk'}`;
      const out = new Redactor({ maxStringLength: 10 }).redactString(long);
      expect(out).toBe(`aaaaaaaaaa…[${long.length - 10} more chars]`);
    });

    it('keeps nothing from past maxStringLength of a string longer than the window, however much it shrank', () => {
      // A PEM block shrinks to the censor; a token lies across the end of the window (8192 +
      // 16 KiB), its first part looking like nothing. It must not move up before the cut.
      const pem = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(24_400)}\n-----END PRIVATE KEY-----`;
      const token = ['gh', 'p_', 'Zq9Yx8Wv7'.repeat(4)].join('');
      const text = `${pem}${' '.repeat(8192 + 16_384 - 20 - pem.length)}${token} and more`;
      const out = redactor.redactString(text);
      expect(out).toMatch(/^\[REDACTED\]…\[\d+ more chars\]$/);
      expect(out).not.toContain(token.slice(0, 12));
      // Detectors of your own that shorten the text move the cut up as much.
      const own = new Redactor({
        maxStringLength: 10,
        detectors: [{ name: 'xs', replace: (t, censor) => t.replace(/x{100,}/g, censor) }],
      });
      const long = `ab${'x'.repeat(16_400)} ${token} ${'y'.repeat(100)}`;
      const cut = own.redactString(long);
      expect(cut).toMatch(/^ab…\[\d+ more chars\]$/);
      expect(cut).not.toContain(token.slice(0, 12));
    });

    it('describes Buffers instead of copying their bytes', () => {
      expect(redactor.redact({ file: Buffer.from('password=hunter2') })).toEqual({
        file: '[Buffer 16 bytes]',
      });
    });

    it('writes Dates as ISO strings', () => {
      expect(redactor.redact({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), bad: new Date('nope') })).toEqual(
        {
          at: '2024-01-02T03:04:05.000Z',
          bad: 'Invalid Date',
        },
      );
    });

    it('keeps primitives and names functions and symbols', () => {
      expect(redactor.redact({ n: 1, b: true, nil: null, u: undefined, f: () => 1, s: Symbol('x') })).toEqual(
        { n: 1, b: true, nil: null, u: undefined, f: '[function]', s: '[symbol]' },
      );
      expect(redactor.redact(42)).toBe(42);
      expect(redactor.redact(null)).toBeNull();
    });

    it('copies only own enumerable string keys', () => {
      const proto = { inherited: 'x' };
      const value = Object.create(proto) as Record<string | symbol, unknown>;
      value.own = 'y';
      value[Symbol('s')] = 'z';

      expect(redactor.redact(value)).toEqual({ own: 'y' });
    });
  });

  describe('safety', () => {
    it('never mutates its input', () => {
      const input = {
        password: 'p',
        nested: { token: 't', list: [1, 2, 3], url: '/x?token=abc' },
        note: `Bearer abcdefghij ${JWT}`,
      };
      const before = structuredClone(input);
      const out = redactor.redact(input);

      expect(input).toEqual(before);
      expect(out).not.toBe(input);
      expect(out.nested).not.toBe(input.nested);
    });

    it('redacts a deeply frozen value', () => {
      const input = Object.freeze({ password: 'p', inner: Object.freeze({ token: 't' }) });

      expect(redactor.redact(input)).toEqual({ password: R, inner: { token: R } });
    });

    it('replaces a value whose getter throws with [Unreadable] and keeps the rest', () => {
      const hostile = Object.defineProperty({ ok: 1 }, 'bad', {
        enumerable: true,
        get() {
          throw new Error('getter');
        },
      });

      expect(redactor.redact({ hostile })).toEqual({ hostile: { ok: 1, bad: '[Unreadable]' } });
    });

    it('replaces an object whose keys cannot be listed with [Unreadable]', () => {
      const hostile = new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap');
          },
        },
      );

      expect(redactor.redact({ hostile, ok: 1 })).toEqual({ hostile: '[Unreadable]', ok: 1 });
    });

    it('replaces every value of a Proxy whose get trap throws with [Unreadable]', () => {
      const hostile = new Proxy(
        { a: 1, b: 2 },
        {
          get() {
            throw new Error('trap');
          },
        },
      );

      expect(redactor.redact({ hostile })).toEqual({ hostile: { a: '[Unreadable]', b: '[Unreadable]' } });
    });

    it('does not throw on a nested Proxy whose prototype trap throws', () => {
      const hostile = new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      );

      expect(() => redactor.redact({ nested: { hostile } })).not.toThrow();
    });

    it('copies an object whose toString throws without calling it', () => {
      const hostile = {
        toString() {
          throw new Error('x');
        },
        password: 'p',
      };

      expect(redactor.redact(hostile)).toEqual({ toString: '[function]', password: R });
    });
    it('drops the whole string when a user detector throws, rather than keep an unchecked secret', () => {
      const custom = new Redactor({
        detectors: [
          {
            name: 'broken',
            replace: () => {
              throw new Error('detector bug');
            },
          },
        ],
      });

      expect(() => custom.redact({ note: 'hello' })).not.toThrow();
      expect(custom.redact({ note: 'hello', n: 1 })).toEqual({ note: R, n: 1 });
    });

    it('writes a bigint as a string so the result can be serialised', () => {
      const out = redactor.redact({ id: BigInt('12345678901234567890') });

      expect(out).toEqual({ id: '12345678901234567890' });
      expect(() => JSON.stringify(out)).not.toThrow();
    });
  });

  describe('invalid options', () => {
    it.each([['a..b'], [''], ['a b'], ['.a'], ['a.']])('rejects the path %p naming the option', (path) => {
      const error = configError({ paths: ['ok.path', path] });

      expect(error.option).toBe('redaction.paths[1]');
      expect(error.message).toContain('redaction.paths[1]');
      expect(error.message).toContain(JSON.stringify(path));
    });

    it('rejects a path that is not a string', () => {
      expect(configError({ paths: [42 as unknown as string] }).option).toBe('redaction.paths[0]');
    });

    it.each([
      ['maxDepth', 0],
      ['maxDepth', -1],
      ['maxDepth', 1.5],
      ['maxDepth', '3'],
      ['maxDepth', Number.NaN],
      ['maxArrayLength', 0],
      ['maxArrayLength', -5],
      ['maxStringLength', 0],
      ['maxStringLength', Infinity],
    ])('rejects %s = %p naming the option', (option, value) => {
      const error = configError({ [option]: value } as RedactionOptions);

      expect(error.option).toBe(`redaction.${option}`);
      expect(error.message).toContain(`redaction.${option}`);
      expect(error.message).toContain('must be a whole number >= 1');
    });

    it('rejects a censor that is not a string', () => {
      expect(configError({ censor: 0 as unknown as string }).option).toBe('redaction.censor');
    });

    it.each([[''], ['-_'], [' ']])('rejects the empty key name %p, naming its index', (key) => {
      const error = configError({ keys: ['phone', key] });

      expect(error.option).toBe('redaction.keys[1]');
      expect(error.message).toContain('redaction.keys[1]');
    });

    it('rejects a key that is not a string, naming its index', () => {
      expect(configError({ keys: [42 as unknown as string] }).option).toBe('redaction.keys[0]');
    });

    it.each(['keys', 'paths', 'detectors'])('rejects %s that is not an array', (option) => {
      const error = configError({ [option]: 'phone' } as RedactionOptions);

      expect(error.option).toBe(`redaction.${option}`);
      expect(error.message).toContain('must be an array');
    });

    it.each([
      ['null', null],
      ['a function', () => 'x'],
      ['an object without replace', { name: 'x' }],
    ])('rejects a detector that is %s, naming its index', (_label, detector) => {
      const error = configError({ detectors: [detector as never] });

      expect(error.option).toBe('redaction.detectors[0]');
    });

    it('names the library in the error code of the message', () => {
      expect(configError({ maxDepth: 0 }).message).toMatch(/^FAULTLINE_INVALID_OPTION: /);
      expect(configError({ maxDepth: 0 }).name).toBe('FaultlineConfigError');
    });
  });
});

describe('Redactor with hostile Proxies', () => {
  const redactor = new Redactor();
  const throwingPrototype = () =>
    new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );

  it('turns a Proxy whose getPrototypeOf trap throws into [Unreadable] instead of throwing', () => {
    expect(redactor.redact(throwingPrototype())).toBe('[Unreadable]');
  });

  it('turns a revoked Proxy into [Unreadable]', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(redactor.redact(proxy)).toBe('[Unreadable]');
  });

  it('keeps the siblings of a nested hostile Proxy, and later paths still match', () => {
    const withPaths = new Redactor({ paths: ['after.note'] });
    expect(withPaths.redact({ keep: 1, a: throwingPrototype(), after: { note: 'x', other: 'y' } })).toEqual({
      keep: 1,
      a: '[Unreadable]',
      after: { note: R, other: 'y' },
    });
  });
});

describe('Redactor in HMAC mode', () => {
  const key = 'a-test-key-of-32-characters-long';

  it('replaces equal values with equal keyed hashes, and different values with different ones', () => {
    const redactor = new Redactor({ hmac: { key } });
    const a = redactor.redact({ token: 'same-secret', other: { apiKey: 'same-secret' } });
    const b = redactor.redact({ token: 'another-secret' });
    expect(a.token).toMatch(/^\[REDACTED:[0-9a-f]{16}\]$/);
    expect(a.other.apiKey).toBe(a.token);
    expect(b.token).not.toBe(a.token);
    expect(JSON.stringify(a)).not.toContain('same-secret');
  });

  it('depends on the key, so the hash cannot be recomputed without it', () => {
    const one = new Redactor({ hmac: { key } }).redact({ password: 'pw' });
    const two = new Redactor({ hmac: { key: 'another-key-of-32-characters-xx' } }).redact({ password: 'pw' });
    expect(one.password).not.toBe(two.password);
  });

  it('hashes sensitive query parameter values too, and keeps objects under sensitive keys censored', () => {
    const redactor = new Redactor({ hmac: { key, length: 8 } });
    expect(redactor.redactString('/cb?token=abc&x=1')).toMatch(/^\/cb\?token=\[REDACTED:[0-9a-f]{8}\]&x=1$/);
    expect(redactor.redact({ secret: { nested: 'x' } })).toEqual({ secret: '[REDACTED]' });
  });

  it.each([
    [{ key: 'short' }, 'redaction.hmac.key'],
    [{ key, length: 0 }, 'redaction.hmac.length'],
    [{ key, length: 65 }, 'redaction.hmac.length'],
  ])('rejects %j', (hmac, option) => {
    expect(configError({ hmac } as RedactionOptions).option).toBe(option);
  });
});

describe('Redactor and numbers', () => {
  it('censors a Luhn-valid card number sent as a number, and keeps other numbers', () => {
    const redactor = new Redactor();
    expect(redactor.redact({ ref: 4111111111111111, count: 1234567890123, small: 42 })).toEqual({
      ref: '[REDACTED]',
      count: 1234567890123,
      small: 42,
    });
  });

  it('censors the bound values a database driver attached to an error', () => {
    const error = Object.assign(new Error('value out of range'), {
      params: ['alice', 'hunter2'],
      code: '22003',
    });
    const out = new Redactor().redactError(error);
    expect(out).toEqual(
      expect.objectContaining({
        type: 'Error',
        message: 'value out of range',
        code: '22003',
        params: '[REDACTED]',
      }),
    );
  });
});

describe('Redactor odds and ends', () => {
  it('rejects an unknown redaction option, naming it', () => {
    expect(configError({ kyes: ['phone'] } as RedactionOptions).option).toBe('redaction.kyes');
  });

  it('appends the HMAC to a censor that does not end in a bracket', () => {
    const redactor = new Redactor({
      censor: '***',
      hmac: { key: 'a-test-key-of-32-characters-long', length: 8 },
    });
    expect(redactor.redact({ token: 'x' }).token).toMatch(/^\*\*\*:[0-9a-f]{8}$/);
  });

  it('writes a Map as an object and a Set as an array, redacted', () => {
    const redactor = new Redactor();
    const out = redactor.redact({
      m: new Map<string, unknown>([
        ['password', 'pw'],
        ['name', 'ann'],
      ]),
      s: new Set(['a', 'b']),
    });
    expect(out).toEqual({ m: { password: R, name: 'ann' }, s: ['a', 'b'] });
  });

  it('redacts the message line of a stack trace and keeps its frames', () => {
    const error = new Error(`token leak: Bearer ${'x'.repeat(20)}`);
    const stack = new Redactor().redactError(error).stack as string;
    expect(stack.split('\n')[0]).toBe('Error: token leak: Bearer [REDACTED]');
    expect(stack).toContain('redactor.spec.ts');
  });
});

describe('Redactor and prototype keys', () => {
  const redactor = new Redactor();

  it('keeps __proto__ as a plain member of the copy, so a pollution attempt stays visible and pollutes nothing', () => {
    const input = JSON.parse('{"__proto__":{"isAdmin":true},"user":"ann"}') as Record<string, unknown>;
    const out = redactor.redact(input);

    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'user']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"isAdmin":true},"user":"ann"}');
    expect(redactor.stringify(input)).toBe('{"__proto__":{"isAdmin":true},"user":"ann"}');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((out as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('keeps constructor and prototype as plain data members, redacted like any other', () => {
    const input = JSON.parse(
      '{"constructor":{"prototype":{"password":"pw","x":1}},"prototype":"Bearer abcdefghij","__proto__":{"token":"t"}}',
    ) as Record<string, unknown>;
    const out = redactor.redact(input);

    expect(JSON.parse(JSON.stringify(out))).toEqual(
      JSON.parse(
        `{"constructor":{"prototype":{"password":"${R}","x":1}},"prototype":"Bearer ${R}","__proto__":{"token":"${R}"}}`,
      ),
    );
    expect(Object.getOwnPropertyNames(out)).toEqual(['constructor', 'prototype', '__proto__']);
    expect(typeof out.constructor).toBe('object');
    expect(redactor.stringify(input)).toBe(JSON.stringify(out));
  });

  it('keeps __proto__ in errors and does not apply paths through prototypes in place', () => {
    const error = new Error('x');
    Object.defineProperty(error, '__proto__', { value: { polluted: 1 }, enumerable: true });
    expect(Object.keys(redactor.redactError(error))).toContain('__proto__');
    const paths = new Redactor({
      builtInKeys: false,
      builtInDetectors: false,
      paths: ['constructor.prototype.x'],
    });
    expect(paths.stringify({ a: 1 })).toBe('{"a":1}');
    expect((Object.prototype as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('Redactor.stringify without a copy', () => {
  const redactor = new Redactor();

  it('writes what redact() would, and leaves the value as it was', () => {
    const value = {
      user: { name: 'ann', password: 'pw', tags: ['a', 'Bearer abcdefghij'] },
      card: 4111111111111111,
      when: new Date(0),
      url: '/x?token=abc&page=2',
      nothing: null,
      flag: true,
    };
    const before = JSON.stringify(value);

    expect(redactor.stringify(value)).toBe(JSON.stringify(redactor.redact(value)));
    expect(JSON.stringify(value)).toBe(before);
  });

  it.each([
    ['an Error', { err: new Error('Bearer abcdefghij') }],
    ['a Map', { m: new Map([['password', 'x']]) }],
    [
      'a class instance',
      {
        c: new (class Thing {
          token = 'x';
        })(),
      },
    ],
    ['a toJSON', { t: { toJSON: () => 'Bearer abcdefghij', password: 'x' } }],
    ['a function', { f: () => 1 }],
    ['a BigInt', { n: BigInt(1) }],
    [
      'an object met twice',
      (() => {
        const o = { password: 'x' };
        return { a: o, b: o };
      })(),
    ],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = { password: 'x' };
        o.self = o;
        return o;
      })(),
    ],
    ['a frozen object', Object.freeze({ password: 'x', note: 'Bearer abcdefghij' })],
    [
      'a getter',
      {
        get note() {
          return 'Bearer abcdefghij';
        },
      },
    ],
    ['a long array', { list: new Array(150).fill('x') }],
    ['an invalid Date', { d: new Date(Number.NaN) }],
  ])('falls back to the copy for %s, with the same result', (_label, value) => {
    expect(redactor.stringify(value)).toBe(JSON.stringify(redactor.redact(value)));
  });
});

describe('Redactor.stringify without a copy, shared objects', () => {
  it('writes an object met in two branches as redact() does, its strings cut and redacted once', () => {
    const small = new Redactor({ maxStringLength: 20 });
    const shared = { note: `call Bearer ${'a'.repeat(30)} now`, long: 'x'.repeat(50), password: 'pw' };
    const value = { a: shared, b: [shared], c: { d: shared } };

    expect(small.stringify(value)).toBe(JSON.stringify(small.redact(value)));
    expect(JSON.parse(small.stringify(value)).c.d.long).toBe(`${'x'.repeat(20)}…[30 more chars]`);
  });
});

describe('Redactor builtInDetectors by name', () => {
  it('turns single detectors off and keeps the others', () => {
    const custom = new Redactor({ builtInDetectors: { 'card-number': false, 'url-credentials': false } });
    expect(custom.redactString('card 4111111111111111 via postgres://a:b@h Bearer abcdefghij')).toBe(
      `card 4111111111111111 via postgres://a:b@h Bearer ${R}`,
    );
    expect(custom.redact({ n: 4111111111111111 })).toEqual({ n: 4111111111111111 });
  });

  it.each([
    [{ 'card-numbers': false }, 'redaction.builtInDetectors.card-numbers', 'is not a built-in detector'],
    [{ jwt: 'no' }, 'redaction.builtInDetectors.jwt', 'must be a boolean'],
    [['jwt'], 'redaction.builtInDetectors', 'must be a boolean or an object'],
    ['yes', 'redaction.builtInDetectors', 'must be a boolean or an object'],
  ])('rejects %j naming the option', (value, option, problem) => {
    const error = configError({ builtInDetectors: value as never });
    expect(error.option).toBe(option);
    expect(error.message).toContain(problem);
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(configError({ maxScanCharsPerRequest: 0 }).option).toBe('redaction.maxScanCharsPerRequest');
  });
});

/** What Faultline's request middleware does: run the request in a scope of its own. */
function inRequest(next: () => void): void {
  runInRequestScope(new RequestScope(), next);
}

describe('Redactor scan budget', () => {
  const text = (i: number) => `note ${i}: ${'x'.repeat(92)}`; // 100 characters

  it('scans up to maxScanCharsPerRequest characters per request, then replaces strings unscanned', () => {
    const redactor = new Redactor({ maxScanCharsPerRequest: 250 });
    const out: string[] = [];
    inRequest(() => {
      for (let i = 0; i < 3; i++) out.push(redactor.redactString(text(i)));
      out.push(redactor.redactString('short'));
      out.push(redactor.redact({ later: text(9) }).later);
    });
    expect(out).toEqual([text(0), text(1), '[not scanned: 100 chars]', 'short', '[not scanned: 100 chars]']);
  });

  it('gives every request its own budget, across asynchronous steps', async () => {
    const redactor = new Redactor({ maxScanCharsPerRequest: 150 });
    const request = (k: number) =>
      new Promise<string[]>((resolve) =>
        inRequest(() => {
          void (async () => {
            const a = redactor.redactString(text(k));
            await new Promise((r) => setImmediate(r));
            resolve([a, redactor.redactString(text(k + 1))]);
          })();
        }),
      );
    const [one, two] = await Promise.all([request(1), request(5)]);
    expect(one).toEqual([text(1), '[not scanned: 100 chars]']);
    expect(two).toEqual([text(5), '[not scanned: 100 chars]']);
  });

  it('bounds each call on its own outside a request', () => {
    const redactor = new Redactor({ maxScanCharsPerRequest: 250 });
    expect(redactor.redact([text(1), text(2), text(3)])).toEqual([
      text(1),
      text(2),
      '[not scanned: 100 chars]',
    ]);
    expect(redactor.redact([text(4), text(5), text(6)])).toEqual([
      text(4),
      text(5),
      '[not scanned: 100 chars]',
    ]);
    expect(redactor.redactString(text(7))).toBe(text(7));
  });

  it('does not scan again, nor charge, a clean string it has already scanned', () => {
    const redactor = new Redactor({ maxScanCharsPerRequest: 250 });
    inRequest(() => {
      expect(redactor.redactString(text(1))).toBe(text(1));
      for (let i = 0; i < 10; i++) expect(redactor.redactString(text(1))).toBe(text(1));
      expect(redactor.redactString(text(2))).toBe(text(2));
      expect(redactor.redactString(text(3))).toBe('[not scanned: 100 chars]');
    });
    // A string that held a secret is scanned every time.
    const secret = `note: Bearer ${'s'.repeat(40)}`;
    expect(redactor.redactString(secret)).toBe(`note: Bearer ${R}`);
    expect(redactor.redactString(secret)).toBe(`note: Bearer ${R}`);
  });

  it('does not charge twice when stringify falls back to the copy', () => {
    const redactor = new Redactor({ maxScanCharsPerRequest: 250 });
    const value = { a: text(31), b: text(32), err: new Error('x') };
    expect(JSON.parse(redactor.stringify(value))).toEqual(
      expect.objectContaining({ a: text(31), b: text(32) }),
    );
  });
});
