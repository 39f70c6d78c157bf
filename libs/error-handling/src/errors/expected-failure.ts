import { safeInstanceOf } from '../kernel/safe-access';
import type { ExceptionType } from './exception-mapper.interface';

/**
 * True when a failure is expected (a client's mistake or an outage the service knows of): any
 * status below 500, or a 5xx of a class listed in the `expectedErrors` option. Unexpected
 * failures are the ones logged at `error`, reported to Sentry and alerted on.
 */
export function isExpectedFailure(
  status: number,
  exception: unknown,
  expectedErrors: readonly ExceptionType[],
): boolean {
  if (status < 500) return true;
  for (const type of expectedErrors) if (safeInstanceOf(exception, type)) return true;
  return false;
}
