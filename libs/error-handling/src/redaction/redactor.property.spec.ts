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
