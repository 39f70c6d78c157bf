import type { MappedError } from '../exception-mapper.interface';
import { safeGet, safeString } from '../safe-access';

const SQLSTATE = /^[0-9A-Z]{5}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$.-]{0,127}$/;

/**
 * PostgreSQL errors from `pg` and PGlite, recognised by SQLSTATE `code` plus `severity` (both
 * drivers set it; PGlite's classes have minified names, so never by class name). Only the
 * constraint or column name is shown: the driver's message and `detail` quote values and SQL.
 */
export function mapSqlStateError(error: unknown): MappedError | undefined {
  const code = safeString(error, 'code');
  if (!code || !SQLSTATE.test(code) || safeString(error, 'severity') === undefined) return undefined;
  const constraint = identifier(safeString(error, 'constraint'));
  const column = identifier(safeString(error, 'column'));
  const details = constraint ? { constraint } : undefined;
  switch (code) {
    case '23505':
      return {
        status: 409,
        code: 'CONFLICT',
        message: constraint
          ? `Unique constraint violated: ${constraint}`
          : 'A record with the same unique value already exists',
        details,
      };
    case '23503':
      return {
        status: 409,
        code: 'CONFLICT',
        message: constraint
          ? `Foreign key constraint violated: ${constraint}`
          : 'A referenced record does not exist',
        details,
      };
    case '23502':
      return {
        status: 400,
        code: 'VALIDATION_ERROR',
        message: column ? `A required value is missing: ${column}` : 'A required value is missing',
      };
    case '22P02':
      return { status: 400, code: 'VALIDATION_ERROR', message: 'A value has the wrong format' };
    case '23514':
      return {
        status: 400,
        code: 'VALIDATION_ERROR',
        message: constraint
          ? `Check constraint violated: ${constraint}`
          : 'A value breaks a check constraint',
        details,
      };
    case '40001':
    case '40P01':
      return { status: 503, code: 'RETRYABLE', retryAfterSeconds: 1 };
    default:
      if (code.startsWith('08') || /^57P0[1-5]$/.test(code)) {
        return { status: 503, code: 'DEPENDENCY_UNAVAILABLE' };
      }
      return undefined;
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Node's network errors (a database or service that cannot be reached): 503
 * `DEPENDENCY_UNAVAILABLE`. They are still unexpected, so logged at `error`.
 */
export function mapNetworkError(error: unknown): MappedError | undefined {
  const code = safeString(error, 'code');
  // Node 20's happy-eyeballs connect failure is an AggregateError with `code` and no `syscall`.
  const systemError =
    typeof safeString(error, 'syscall') === 'string' || Array.isArray(safeGet(error, 'errors'));
  return code && NETWORK_CODES.has(code) && systemError
    ? { status: 503, code: 'DEPENDENCY_UNAVAILABLE' }
    : undefined;
}

function identifier(name: string | undefined): string | undefined {
  return name && IDENTIFIER.test(name) ? name : undefined;
}
