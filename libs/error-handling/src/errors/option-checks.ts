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
