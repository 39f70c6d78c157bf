import { type ErrorMessageKey, keyedMessage } from '../error-messages';
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
const INVALID_VALUE_STATES: Readonly<Record<string, ErrorMessageKey>> = {
  '22001': 'db.valueTooLong',
  '22003': 'db.numberOutOfRange',
  '22007': 'db.dateTimeFormat',
  '22008': 'db.dateTimeOutOfRange',
  '22009': 'db.timeZoneOutOfRange',
  '22015': 'db.intervalOutOfRange',
  '22018': 'db.notConvertible',
  '22021': 'db.encodingInvalid',
  '22026': 'db.wrongLength',
  '22P02': 'db.wrongFormat',
  '22P03': 'db.binaryFormat',
  '22P05': 'db.characterNotStorable',
  '2200M': 'db.xmlDocument',
  '2200N': 'db.xmlContent',
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
        ...(constraint ? keyedMessage('db.uniqueViolated', { constraint }) : keyedMessage('db.duplicate')),
        details,
      };
    case '23503':
      return {
        status: 409,
        code: 'CONFLICT',
        ...(constraint
          ? keyedMessage('db.foreignKeyViolated', { constraint })
          : keyedMessage('db.referenceMissing')),
        details,
      };
    case '23502':
      return {
        status: 400,
        code: 'VALIDATION_ERROR',
        ...(column ? keyedMessage('db.columnMissing', { column }) : keyedMessage('db.valueMissing')),
      };
    case '23514':
      return {
        status: 400,
        code: 'VALIDATION_ERROR',
        ...(constraint ? keyedMessage('db.checkViolated', { constraint }) : keyedMessage('db.checkFailed')),
        details,
      };
    case '40001':
    case '40P01':
      return { status: 503, code: 'RETRYABLE', retryAfterSeconds: 1 };
    default:
      if (Object.hasOwn(INVALID_VALUE_STATES, code)) {
        return { status: 400, code: 'VALIDATION_ERROR', ...keyedMessage(INVALID_VALUE_STATES[code]) };
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
