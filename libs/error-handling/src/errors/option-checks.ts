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

/** Rejects keys that are not options, naming the first one. */
export function knownKeys(o: Record<string, unknown>, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(o)) {
    check(known.includes(key), `${prefix}.${key}`, `is not a ${prefix} option`, `Known: ${known.join(', ')}`);
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
