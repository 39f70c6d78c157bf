import type { MappedError } from '../exception-mapper.interface';
import { safeString } from '../../kernel/safe-access';

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The class 22 (data exception) states raised when PostgreSQL reads or stores one value: the
 * text of a parameter cast to its type, or a value assigned to a typed column. There the type is
 * the last check of a value the client sent (an id beyond `int4`, `2024-02-30`, a title longer
 * than `varchar(n)`), so they answer 400 `VALIDATION_ERROR`, with a fixed detail: the driver's
 * message quotes the value.
 *
 * The rest of class 22 is raised by operators and functions of the application's own SQL
 * (22012 division by zero, 2201E/2201F logarithm and power, 22023 invalid parameter value,
 * 2201W/2201X negative LIMIT/OFFSET, 22025/2201B LIKE escapes and regular expressions,
 * 2200H sequence limit, 22P01 floating point, 2202E array subscript, the SQL/JSON states, the
 * generic 22000, ...): a bug to fix or an input the application should have checked, so it
 * stays 500, logged at `error` and alerted.
 */
const INVALID_VALUE_STATES: Readonly<Record<string, string>> = {
  '22001': 'A value is too long',
  '22003': 'A number is out of range',
  '22007': 'A date or time has the wrong format',
  '22008': 'A date or time is out of range',
  '22009': 'A time zone offset is out of range',
  '22015': 'A time interval is out of range',
  '22018': 'A value cannot be converted to its type',
  '22021': 'A text value has bytes that are not valid in its encoding',
  '22026': 'A value has the wrong length',
  '22P02': 'A value has the wrong format',
  '22P03': 'A binary value has the wrong format',
  '22P05': 'A text value has a character the database cannot store',
  '2200M': 'An XML value is not a valid document',
  '2200N': 'An XML value is not valid XML content',
};
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$.-]{0,127}$/;

/**
 * PostgreSQL errors from `pg` and PGlite, recognised by SQLSTATE `code` plus `severity` (both
 * drivers set it; PGlite's classes have minified names, so never by class name). Only the
 * constraint or column name is shown: the driver's message and `detail` quote values and SQL.
 */
export function mapSqlStateError(error: unknown): MappedError | undefined {
  const code = sqlStateOf(error);
  if (code === undefined) return undefined;
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
      if (Object.hasOwn(INVALID_VALUE_STATES, code)) {
        return { status: 400, code: 'VALIDATION_ERROR', message: INVALID_VALUE_STATES[code] };
      }
      // A server that cannot serve the connection (class 08, 53300, 57P0x) is mapped before this
      // one, by mapDependencyError.
      return undefined;
  }
}

/**
 * The SQLSTATE of a PostgreSQL error from `pg` or PGlite: a five-character `code` beside a
 * `severity` (both drivers set it; PGlite's classes have minified names, so never by class name).
 */
export function sqlStateOf(error: unknown): string | undefined {
  const code = safeString(error, 'code');
  return code !== undefined && SQLSTATE.test(code) && safeString(error, 'severity') !== undefined
    ? code
    : undefined;
}

function identifier(name: string | undefined): string | undefined {
  return name && IDENTIFIER.test(name) ? name : undefined;
}
