import { FaultlineConfigError } from './faultline-config.error';

/** Stops start-up with a {@link FaultlineConfigError} naming `option` unless `ok`. */
export function check(ok: boolean, option: string, problem: string, fix?: string): asserts ok {
  if (!ok) throw new FaultlineConfigError(option, problem, fix);
}

/** A non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole number option of at least `min`; `fallback` when it is not given. */
export function wholeNumber(value: unknown, fallback: number, option: string, min: number): number {
  if (value === undefined) return fallback;
  check(
    Number.isInteger(value) && (value as number) >= min,
    option,
    `must be a whole number >= ${min}`,
    `Got ${String(value)}`,
  );
  return value as number;
}

/** Stops start-up when `o` has a key not in `known`: `<section>.<key> is not a(n) <section> option`. */
export function knownKeys(o: object, known: readonly string[], section: string): void {
  const article = /^[aeiou]/i.test(section) ? 'an' : 'a';
  for (const key of Object.keys(o)) {
    check(
      known.includes(key),
      `${section}.${key}`,
      `is not ${article} ${section} option`,
      `Known: ${known.join(', ')}`,
    );
  }
}

/**
 * A feature's options (`audit`, `alerts`, …): `false` turns the feature off and `undefined`
 * stands for `{}`; anything but a plain object, or an object with a key not in `known`, stops
 * start-up naming the option.
 */
export function featureOptions<T extends object>(
  input: unknown,
  section: string,
  known: readonly string[],
): (T & Record<string, unknown>) | false {
  if (input === false) return false;
  const o = input ?? {};
  check(isPlainObject(o), section, 'must be false or an object');
  knownKeys(o, known, section);
  return o as T & Record<string, unknown>;
}

/** `value` as an absolute http(s) URL, or undefined when it is not one. */
export function httpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A route path: starts with `/`, no spaces, no query. */
export function routePath(value: unknown, fallback: string, option: string): string {
  if (value === undefined) return fallback;
  check(
    typeof value === 'string' && /^\/[A-Za-z0-9._~\-/]*$/.test(value),
    option,
    `must be a path starting with "/", got ${JSON.stringify(value)}`,
    `For example "${fallback}"`,
  );
  return value;
}

/** A number of seconds > 0; `fallback` when not given. */
export function positiveSeconds(value: unknown, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  check(
    typeof value === 'number' && Number.isFinite(value) && value > 0,
    option,
    'must be a number of seconds > 0',
    `Got ${String(value)}`,
  );
  return value;
}
