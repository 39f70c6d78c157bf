import fc from 'fast-check';
import { Redactor } from './redactor';
import { DEFAULT_SENSITIVE_KEYS } from './sensitive-keys';

const redactor = new Redactor();

/** A sensitive key written in some case / separator style: `apiKey`, `API-KEY`, `x_api_key`. */
const sensitiveKey = fc
  .tuple(
    fc.constantFrom(...DEFAULT_SENSITIVE_KEYS),
    fc.constantFrom('lower', 'upper', 'camel', 'kebab', 'snake'),
  )
  .map(([key, style]) => {
    const words = key.split(/[-_]/);
    switch (style) {
      case 'upper':
        return words.join('_').toUpperCase();
      case 'camel':
        return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
      case 'kebab':
        return words.join('-');
      case 'snake':
        return words.join('_');
      default:
        return key;
    }
  });

const plainKey = fc.stringMatching(/^[a-z]{1,8}$/).filter((k) => !redactor.isSensitiveKey(k));
const plainText = fc.stringMatching(/^[a-z ]{0,20}$/);
const leaf = fc.oneof(
  plainText,
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.boolean(),
  fc.constant(null),
);
const secret = fc.stringMatching(/^[0-9a-f]{16}$/).map((hex) => `S3CRET-${hex}`);

/** The shapes a secret may take under its key. */
const secretValue = fc.oneof(
  secret,
  secret.map((s) => ({ inner: s })),
  fc.array(secret, { minLength: 1, maxLength: 3 }),
  secret.map((s) => [{ deeper: [s] }]),
);

type Tree = unknown;

/** Random trees of objects and arrays with plain leaves, secrets hidden under sensitive keys. */
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc
      .tuple(
        fc.dictionary(plainKey, tie('node'), { maxKeys: 4 }),
        fc.array(fc.tuple(sensitiveKey, secretValue), { maxLength: 2 }),
      )
      .map(([plain, secrets]) => {
        const out: Record<string, unknown> = { ...plain };
        for (const [k, v] of secrets) out[k] = v;
        return out;
      }),
  ),
})).node;

function secretsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.startsWith('S3CRET-')) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => secretsIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => secretsIn(v, out));
  return out;
}

/** Every leaf reached without crossing a sensitive key, with its path. */
function plainLeaves(
  value: unknown,
  path: string[] = [],
  out: [string[], unknown][] = [],
): [string[], unknown][] {
  if (Array.isArray(value)) value.forEach((v, i) => plainLeaves(v, [...path, String(i)], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      if (!redactor.isSensitiveKey(k)) plainLeaves(v, [...path, k], out);
  } else out.push([path, value]);
  return out;
}

function at(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value);
}

describe('Redactor (property)', () => {
  it('lets no secret under a sensitive key survive, at any depth and in any shape', () => {
    fc.assert(
      fc.property(tree, (input) => {
        const output = JSON.stringify(redactor.redact(input));
        for (const s of secretsIn(input)) expect(output).not.toContain(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves every non-sensitive leaf unchanged', () => {
    fc.assert(
      fc.property(tree, (input) => {
        const output = redactor.redact(input);
        for (const [path, value] of plainLeaves(input)) expect(at(output, path)).toEqual(value);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Luhn check digit for a string of digits. */
function luhnComplete(body: string): string {
  for (let d = 0; d <= 9; d++) {
    const digits = body + d;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let n = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
      sum += n;
    }
    if (sum % 10 === 0) return digits;
  }
  return body;
}

const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B64URL = `${ALNUM}-_`;

/** A generated secret: the whole text to plant, and the part of it that must not come out. */
type Planted = { text: string; secret: string };
const whole = (text: string): Planted => ({ text, secret: text });

/** Secrets of every supported format. */
const anySecret: fc.Arbitrary<Planted> = fc.oneof(
  fc
    .tuple(chars(B64URL, 4, 30), chars(B64URL, 4, 30), chars(B64URL, 0, 40))
    .map(([h, c, s]) => whole(`eyJ${h}.eyJ${c}.${s}`)),
  fc
    .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token'), chars(`${ALNUM}._~/-`, 6, 40))
    .map(([scheme, token]) => ({ text: `${scheme} ${token}`, secret: token })),
  fc
    .tuple(
      fc.constantFrom('', 'RSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED '),
      fc.array(chars(`${ALNUM}+/`, 8, 64), { minLength: 1, maxLength: 4 }),
    )
    .map(([label, lines]) =>
      whole(`-----BEGIN ${label}PRIVATE KEY-----\n${lines.join('\n')}\n-----END ${label}PRIVATE KEY-----`),
    ),
  fc
    .tuple(chars(DIGITS, 12, 18), fc.constantFrom('', ' ', '-'))
    .map(([body, sep]) => whole(luhnComplete(body).replace(/(\d{4})(?=\d)/g, `$1${sep}`))),
  fc
    .tuple(fc.constantFrom('AKIA', 'ASIA', 'ABIA', 'ACCA'), chars(`${UPPER}234567`, 16, 16))
    .map(([p, rest]) => whole(p + rest)),
  fc
    .tuple(fc.constantFrom('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'), chars(ALNUM, 36, 36))
    .map(([p, rest]) => whole(p + rest)),
  chars(`${ALNUM}_`, 82, 82).map((rest) => whole(`github_pat_${rest}`)),
  fc
    .tuple(chars(DIGITS, 10, 13), chars(DIGITS, 10, 13), chars(ALNUM, 0, 30))
    .map(([a, b, c]) => whole(`xoxb-${a}-${b}${c ? `-${c}` : ''}`)),
  fc.tuple(fc.constantFrom('a', 'r'), chars(ALNUM, 8, 48)).map(([k, rest]) => whole(`xox${k}-${rest}`)),
  chars(`${ALNUM}+/`, 43, 56).map((path) => ({
    text: `https://hooks.slack.com/services/${path}`,
    secret: path,
  })),
  fc
    .tuple(fc.constantFrom('sk', 'rk'), fc.constantFrom('live', 'test'), chars(ALNUM, 10, 60))
    .map(([k, env, rest]) => whole(`${k}_${env}_${rest}`)),
  chars(B64URL, 35, 35).map((rest) => whole(`AIza${rest}`)),
  fc
    .tuple(
      fc.constantFrom('postgres', 'redis', 'https', 'amqp'),
      chars(LOWER, 0, 8),
      chars(`${ALNUM}!$&()*+,;=._~:-`, 6, 24),
    )
    .map(([scheme, user, password]) => ({
      text: `${scheme}://${user}:${password}@host.internal:5432/db`,
      secret: password,
    })),
);

/** Ordinary text around a secret: letters, punctuation, newlines, query syntax, percent signs. */
const surrounding = chars(`${LOWER}${UPPER} .,;:!?()[]{}"'\n\t&=#%/-_`, 0, 30);
/** What separates a secret from the text around it (formats such as card numbers need one). */
const delimiter = fc.constantFrom(' ', '\n', '\t', '"', "'", ',', ';', '(', ')', '<', '>', '|');

/** The places a string turns up in logs. */
const place = fc.constantFrom<(s: string) => string>(
  (s) => s,
  (s) => JSON.stringify(s),
  (s) => JSON.stringify({ detail: s }),
  (s) => `/callback?state=1&value=${s}&page=2`,
  (s) => `/callback?q=${encodeURIComponent(s)}&page=2`,
  (s) => `q=${encodeURIComponent(s).replace(/%20/g, '+')}`,
);

/** True when `out` holds a piece of `secret` of `width` characters (12 for long secrets). */
function leaks(out: string, secret: string): boolean {
  const width = Math.min(12, secret.length);
  for (let i = 0; i + width <= secret.length; i++) if (out.includes(secret.slice(i, i + width))) return true;
  return false;
}

describe('Redactor (property): secrets inside strings', () => {
  it('lets no generated secret of any supported format survive whatever text surrounds it', () => {
    fc.assert(
      fc.property(
        anySecret,
        surrounding,
        delimiter,
        delimiter,
        surrounding,
        place,
        (s, before, d1, d2, after, at) => {
          // Text that holds a piece of the secret by itself (a short password that is also a
          // word around it) says nothing of what the redactor let through.
          fc.pre(!leaks(at(`${before}${d1}${d2}${after}`), s.secret));
          const text = at(`${before}${d1}${s.text}${d2}${after}`);
          const out = redactor.redactString(text);
          expect(leaks(out, s.secret)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('removes the secret whole when the string is cut through it', () => {
    fc.assert(
      fc.property(
        anySecret,
        surrounding,
        delimiter,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, before, d, at) => {
          const after = 'and more text after the secret';
          fc.pre(!leaks(`${before}${d}${d}${after}`, s.secret));
          const text = `${before}${d}${s.text}${d}${after}`;
          const start = text.indexOf(s.secret);
          const cut = Math.max(1, start + Math.floor(at * s.secret.length));
          const out = new Redactor({ maxStringLength: cut }).redactString(text);
          expect(leaks(out, s.secret)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws, whatever the value', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true }),
        (value) => {
          expect(() => redactor.redact(value)).not.toThrow();
          expect(() => redactor.stringify(value)).not.toThrow();
        },
      ),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(typeof redactor.redactString(text)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('writes in stringify() exactly what redact() gives, and leaves the value as it was', () => {
    fc.assert(
      fc.property(fc.jsonValue(), tree, (json, withSecrets) => {
        for (const value of [json, withSecrets]) {
          const before = JSON.stringify(value);
          expect(redactor.stringify(value)).toBe(JSON.stringify(redactor.redact(value)) ?? 'null');
          expect(JSON.stringify(value)).toBe(before);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
