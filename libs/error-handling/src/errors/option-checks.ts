import { FaultlineConfigError } from './faultline-config.error';

/** Stops start-up with a {@link FaultlineConfigError} naming `option` unless `ok`. */
export function check(ok: boolean, option: string, problem: string, fix?: string): asserts ok {
  if (!ok) throw new FaultlineConfigError(option, problem, fix);
}

/** A non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
